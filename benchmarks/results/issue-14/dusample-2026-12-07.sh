#!/bin/bash
# dusample.sh OUT JAR KEYS SECS [extra java -D...]: runs SustainedOverwrite and samples the data dir's allocated bytes per file kind every 0.5 s
OUT=$1; JAR=$2; KEYS=$3; SECS=$4; shift 4
before=$(ls -d /tmp/basalt-peer-basalt-* 2>/dev/null)
java -Xmx8g $(cat /tmp/FP) "$@" -cp $JAR dev.basalt.benchmarks.SustainedOverwrite --keys $KEYS --seconds $SECS --stores basalt > $OUT.run 2>&1 &
PID=$!
D=""
while kill -0 $PID 2>/dev/null; do
  if [ -z "$D" ]; then D=$(ls -dt /tmp/basalt-peer-basalt-*/ 2>/dev/null | head -1); fi
  if [ -n "$D" ]; then
    s=$(find $D -type f -printf "%b %f\n" 2>/dev/null | awk '{b=$1*512; n=$2; if(n~/\.seg$/)seg+=b; else if(n~/hint/)h+=b; else if(n~/CHECKPOINT|ckpt|checkpoint/)c+=b; else o+=b} END{printf "seg %d hint %d ckpt %d other %d total %d", seg/1048576,h/1048576,c/1048576,o/1048576,(seg+h+c+o)/1048576}')
    echo "$(date +%T.%N | cut -c1-10) $s" >> $OUT
  fi
  sleep 0.5
done
