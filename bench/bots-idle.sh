#!/usr/bin/env bash
# Idle capacity: how many bots one JVM holds and what each costs. For each N, a fresh JVM starts N
# bots whose tree is waitSeconds(3600) (load mode, rate 0, no log), waits until all N are alive,
# runs full GCs and weighs the heap against the same JVM before the run (after 5 warm-up runs of
# 10,000 bots, so frames are JIT-compiled). Then a class histogram at HISTO bots says where the
# bytes go, and a cold run and bare virtual threads give the range and the floor.
# First, and what users get: the real run path, `sortie bots run --n REAL --tree wait.yml` (a tree
# that is one `wait: 3600`) with the launcher's flags for bot runs (-XX:+UseSerialGC -Xss1m, full
# JIT), weighed with GC.class_histogram (a full GC) once all bots are alive, against the same run
# with 1,000 bots: heap per waiting bot = (live heap at REAL - live heap at 1,000) / (REAL - 1,000).
# Target (issue 11): at most 300 B per waiting bot. A waiting bot holds no thread (it is its cursor,
# its context and an entry in the run's timer): 255 B measured, against 1,502 B when it was a parked
# virtual thread. The bare virtual threads at the end are what a bot cost at the very least then.
#   bench/bots-idle.sh [N ...]      (default ladder: 10000 100000 500000 1000000 2000000 5000000 10000000)
#   GC=-XX:+UseParallelGC HEAP=20g HISTO=100000 REAL=1000000 bench/bots-idle.sh
#   ONLY_REAL=1 bench/bots-idle.sh  (the real run path alone; JIT=-XX:TieredStopAtLevel=1: the old launcher flags)
set -euo pipefail
source "$(dirname "$0")/bots-env.sh"
heap=${HEAP:-20g}
gc=${GC:--XX:+UseG1GC}
histo=${HISTO:-100000}
ladder=("$@")
[ ${#ladder[@]} -gt 0 ] || ladder=(10000 100000 500000 1000000 2000000 5000000 10000000)
run() { timeout "${TIMEOUT:-900}" "$java" -Xmx"$heap" "$gc" -XX:+ExitOnOutOfMemoryError -cp "$cp" dev.sortie.bench.IdleBots "$@"; }

# live heap bytes of `sortie bots run --n N` once its N bots are alive (they wait an hour each)
real_n=${REAL:-1000000}
printf 'tree:\n  wait: 3600\n' > "$work/wait.yml"
weigh_run() {
  local n=$1 out="$work/real-$1.txt" pid bytes
  (cd "$work" && exec "$java" -XX:+UseSerialGC ${JIT:-} -Xss1m -Xmx"$heap" -XX:+ExitOnOutOfMemoryError -cp "$cp" dev.sortie.cli.Launcher \
    bots run --n "$n" --tree wait.yml --target http://127.0.0.1:9 --duration 1h --log "$work/bot_run.log") > "$out" 2>&1 &
  pid=$!
  for _ in $(seq 1 "${TIMEOUT:-900}"); do
    grep -q " bots $n/$n " "$out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "bots run --n $n ended early: $(tail -3 "$out")" >&2; return 1; }
    sleep 1
  done
  sleep 2
  jcmd "$pid" GC.run > /dev/null
  bytes=$(jcmd "$pid" GC.class_histogram | awk '$1 == "Total" { print $3 }')
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  echo "$bytes"
}
jcmd=$(dirname "$java")/jcmd
jcmd() { "$jcmd" "$@"; }
echo "== the real run path: sortie bots run --n $real_n, a tree of one 1-hour wait, -XX:+UseSerialGC ${JIT:-(full JIT)} -Xss1m -Xmx$heap"
small=$(weigh_run 1000)
big=$(weigh_run "$real_n")
echo "$small $big $real_n" | awk '{ printf "live heap %.1f MB at 1,000 bots, %.1f MB at %d bots: %.0f bytes per waiting bot (target <= 300)\n", $1 / 1e6, $2 / 1e6, $3, ($2 - $1) / ($3 - 1000) }'
[ -z "${ONLY_REAL:-}" ] || exit 0

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
echo "== for comparison: $histo bare virtual threads, each in LockSupport.parkNanos(1h) (a waiting bot's floor when it held a thread)"
run --bare --histogram 8 "$histo"
