#!/usr/bin/env bash
# What a bot pays per bot_run.log line under contention (JMH). First the queue alone
# (dev.sortie.bots.metrics.LogQueueBench): the lock-free LogRing against the ArrayBlockingQueue of
# entries it replaced, every JMH thread a bot putting lines in, one consumer taking them as the
# writer does. Then the whole log (dev.sortie.bench.BotRunLogBench): append, with formatting and
# the file on the writer's thread. work=0: the bots put as fast as they can (with the whole log,
# that is the writer's sustained rate); work=100 (or 200) burns CPU between lines, so the consumer
# keeps up and 'put' - 'workOnly' is the put itself. 1, 2 and 4 threads.
# About 6 minutes.   bench/bots-log.sh [extra JMH options, e.g. -wi 2 -i 3]
set -euo pipefail
source "$(dirname "$0")/bots-env.sh"
jmh() { # BENCH THREADS [JMH options]: runs it, leaves the CSV in $work/BENCH-tTHREADS.csv
  local bench=$1 t=$2; shift 2
  echo "== $bench, $t thread(s)" >&2
  "$java" -cp "$cp" org.openjdk.jmh.Main "$bench" -t "$t" -rf csv -rff "$work/${bench##*.}-t$t.csv" "$@" \
    > "$work/out.txt" 2>&1 || { cat "$work/out.txt"; exit 1; }
}
benches=${BENCHES:-LogQueueBench BotRunLogBench} # BENCHES=BotRunLogBench: the whole log alone (e.g. on an older checkout)
for t in 1 2 4; do
  [[ " $benches " != *" LogQueueBench "* ]] || jmh dev.sortie.bots.metrics.LogQueueBench "$t" "$@"
  [[ " $benches " != *" BotRunLogBench "* ]] || jmh dev.sortie.bench.BotRunLogBench "$t" "$@"
done
[[ " $benches " != *" LogQueueBench "* ]] || echo "the queue alone, ns per line (99.9% error); 'put' = the benchmark less workOnly at the same work:"
for t in 1 2 4; do
  [ -f "$work/LogQueueBench-t$t.csv" ] || continue
  awk -F, -v t="$t" '
    { sub(/\r$/, "") }
    NR == 1 { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i } next }
    {
      gsub(/"/, ""); name = $1; sub(/.*\./, "", name); q = $(col["Param: queue"]); w = $(col["Param: work"])
      score[name, q, w] = $5; err[name, q, w] = $6; qs[q] = 1; ws[w] = 1
    }
    END {
      for (q in qs) for (w in ws)
        printf "threads=%d %-6s work=%-3s %9.1f ns/op (+-%.1f)  put %8.1f ns\n", t, q, w, score["put", q, w], err["put", q, w],
          score["put", q, w] - score["workOnly", q, w]
    }' "$work/LogQueueBench-t$t.csv" | sort
done
[[ " $benches " != *" BotRunLogBench "* ]] || echo "the whole log (BotRunLog.append), ns per line:"
for t in 1 2 4; do
  [ -f "$work/BotRunLogBench-t$t.csv" ] || continue
  awk -F, -v t="$t" '
    { sub(/\r$/, "") }
    NR == 1 { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i } next }
    {
      gsub(/"/, ""); name = $1; sub(/.*\./, "", name); w = $(col["Param: work"])
      score[name, w] = $5; err[name, w] = $6; ws[w] = 1
    }
    END {
      for (w in ws)
        printf "threads=%d work=%-3s append %9.1f ns/op (+-%.1f)  put %8.1f ns\n", t, w, score["append", w], err["append", w],
          score["append", w] - score["workOnly", w]
    }' "$work/BotRunLogBench-t$t.csv" | sort
done
