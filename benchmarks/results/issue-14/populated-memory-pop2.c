#include <sys/mman.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
int main(){
  size_t len=1<<20; int n=48; char* ps[48];
  for(int rep=0;rep<4;rep++){
  double t0=now();
  for(int i=0;i<n;i++){char*p=mmap(0,len,3,MAP_PRIVATE|MAP_ANONYMOUS,-1,0); for(size_t o=0;o<len;o+=4096)p[o]=0; ps[i]=p;}
  double t1=now();
  for(int i=0;i<n;i++) munmap(ps[i],len);
  double t2=now();
  for(int i=0;i<n;i++){char*p=mmap(0,len,3,MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE,-1,0); p[0]=0; ps[i]=p;}
  double t3=now();
  for(int i=0;i<n;i++) munmap(ps[i],len);
  printf("recycled pages: touch %.1f ms, populate %.1f ms for %d MiB\n",t1-t0,t3-t2,n);}
}
