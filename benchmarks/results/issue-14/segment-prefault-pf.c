#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
static long faults(){struct rusage r;getrusage(RUSAGE_SELF,&r);return r.ru_minflt;}
int main(int argc,char**argv){
  size_t cap=64<<20, len=32<<20; static char zeros[256<<10];
  for(int pre=0;pre<2;pre++){
  unlink("/tmp/pf.seg"); int fd=open("/tmp/pf.seg",O_CREAT|O_RDWR,0600); ftruncate(fd,cap);
  char*m=mmap(0,cap,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0);
  for(size_t o=0;o<len;o+=sizeof zeros) pwrite(fd,zeros,sizeof zeros,o);
  double t0=now(); int r=0;
  if(pre){ r=madvise(m,len,23); }
  double t1=now(); long f0=faults();
  for(size_t o=0;o<len;o+=152) m[o]=1;
  double t2=now(); long f1=faults();
  printf("prefault=%d madvise=%d(%s) %.1f ms; writes %.1f ms, %ld faults\n",pre,r,r?strerror(errno):"ok",t1-t0,t2-t1,f1-f0);
  munmap(m,cap); close(fd);}
  unlink("/tmp/pf.seg");
}
