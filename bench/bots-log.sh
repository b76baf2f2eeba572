#!/usr/bin/env bash
# What a bot pays per bot_run.log line under contention (JMH, dev.sortie.bench.BotRunLogBench):
# every JMH thread is a bot appending to one log; work=0 is the log's sustained rate (bots outrun
# the writer), work=200 is the enqueue itself (ns/op less workOnly's). 1, 2 and 4 threads.
# About 3 minutes.   bench/bots-log.sh [extra JMH options, e.g. -i 10]
set -euo pipefail
source "$(dirname "$0")/bots-env.sh"
for t in 1 2 4; do
  echo "== $t thread(s): JMH, 3 x 1s warm-up, 5 x 1s measured, 1 fork" >&2
  "$java" -cp "$cp" org.openjdk.jmh.Main 'dev.sortie.bench.BotRunLogBench' -t "$t" -rf csv -rff "$work/t$t.csv" "$@" \
    > "$work/t$t.txt" 2>&1 || { cat "$work/t$t.txt"; exit 1; }
done
echo "per line, ns/op (99.9% error); 'enqueue' = append - workOnly at the same work:"
for t in 1 2 4; do
  awk -F, -v t="$t" '
    NR > 1 {
      gsub(/"/, ""); name = $1; sub(/.*\./, "", name); w = $NF
      score[name, w] = $5; err[name, w] = $6; ws[w] = 1
    }
    END {
      for (w in ws) {
        printf "threads=%d work=%-4s append %8.1f ns/op (+-%.1f)  workOnly %7.1f  enqueue %8.1f ns\n",
          t, w, score["append", w], err["append", w], score["workOnly", w], score["append", w] - score["workOnly", w]
      }
    }' "$work/t$t.csv" | sort -t= -k3n
done
