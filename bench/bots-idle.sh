#!/usr/bin/env bash
# Idle capacity: how many bots one JVM holds and what each costs. For each N, a fresh JVM starts N
# bots whose tree is waitSeconds(3600) (load mode, rate 0, no log), waits until all N are alive,
# runs full GCs and weighs the heap against the same JVM before the run (after 5 warm-up runs of
# 10,000 bots, so frames are JIT-compiled). Then a class histogram at HISTO bots says where the
# bytes go, and a cold run and bare virtual threads give the range and the floor.
# Target: 1,000,000 bots under 2 KB each.
#   bench/bots-idle.sh [N ...]      (default ladder: 10000 100000 500000 1000000 2000000 5000000 10000000)
#   GC=-XX:+UseParallelGC HEAP=20g HISTO=100000 bench/bots-idle.sh
set -euo pipefail
source "$(dirname "$0")/bots-env.sh"
heap=${HEAP:-20g}
gc=${GC:--XX:+UseG1GC}
histo=${HISTO:-100000}
ladder=("$@")
[ ${#ladder[@]} -gt 0 ] || ladder=(10000 100000 500000 1000000 2000000 5000000 10000000)
run() { timeout "${TIMEOUT:-900}" "$java" -Xmx"$heap" "$gc" -XX:+ExitOnOutOfMemoryError -cp "$cp" dev.sortie.bench.IdleBots "$@"; }

echo "== ladder: one JVM per N, -Xmx$heap $gc"
largest=0
for n in "${ladder[@]}"; do
  if out=$(run "$n" 2>&1); then
    echo "$out"
    largest=$n
  else
    echo "bots=$n did not fit (exit $?): $(echo "$out" | grep -m1 -iE 'outofmemory|error|exception' || echo "$out" | tail -1)"
    break
  fi
done
echo "largest N that fit: $largest"
echo "== where the bytes go at $histo bots (GC.class_histogram after minus before, per bot)"
run --histogram 20 "$histo"
echo "== cold: $histo bots started before anything is JIT-compiled (as a fresh 'sortie bots' run starts them)"
run --warmup 0 --histogram 3 "$histo" | grep -v ' stop='
echo "== floor: $histo bare virtual threads, each in LockSupport.parkNanos(1h)"
run --bare --histogram 8 "$histo"
