#include <sys/mman.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec/1e6;}
int main(){
  size_t len=1<<20; int n=48;
  for(int rep=0;rep<3;rep++){
  double t0=now();
  for(int i=0;i<n;i++){char*p=mmap(0,len,3,MAP_PRIVATE|MAP_ANONYMOUS,-1,0); for(size_t o=0;o<len;o+=4096)p[o]=0; }
  double t1=now();
  for(int i=0;i<n;i++){char*p=mmap(0,len,3,MAP_PRIVATE|MAP_ANONYMOUS|MAP_POPULATE,-1,0); p[0]=0;}
  double t2=now();
  for(int i=0;i<n;i++){char*p=mmap(0,len,3,MAP_PRIVATE|MAP_ANONYMOUS,-1,0); for(size_t o=0;o<len;o+=4096)p[o]=0; memset(p,0,len);}
  double t3=now();
  printf("touch %.1f ms, populate %.1f ms, touch+memset %.1f ms for %d MiB\n",t1-t0,t2-t1,t3-t2,n);}
}
