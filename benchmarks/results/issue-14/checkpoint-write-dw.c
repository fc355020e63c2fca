#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
static double cpu(){struct rusage r;getrusage(RUSAGE_SELF,&r);return (r.ru_utime.tv_sec+r.ru_stime.tv_sec)*1e3+(r.ru_utime.tv_usec+r.ru_stime.tv_usec)/1e3;}
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
int main(){
  size_t len=40<<20, chunk=1<<20;
  char*p=mmap(0,len,3,MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE,-1,0); memset(p,7,len);
  for(int rep=0;rep<3;rep++){
   for(int direct=0;direct<2;direct++){
    unlink("/tmp/dw.out");
    int fd=open("/tmp/dw.out",O_CREAT|O_WRONLY|(direct?O_DIRECT:0),0600);
    double c0=cpu(),t0=now();
    for(size_t o=0;o<len;o+=chunk) if(pwrite(fd,p+o,chunk,o)!=chunk){perror("pwrite");return 1;}
    double c1=cpu(),t1=now();
    fsync(fd);
    double c2=cpu(),t2=now();
    close(fd);
    printf("%s write cpu %.1f ms wall %.1f ms; fsync cpu %.1f wall %.1f\n",direct?"direct  ":"buffered",c1-c0,t1-t0,c2-c1,t2-t1);
   }}
  unlink("/tmp/dw.out");
}
