#!/usr/bin/env bash
# Nanoseconds that metrics and bot_run.log add to every action a bot runs (JMH): the listener call
# with a no-op listener, with RunMetrics (LongAdders + HdrHistogram recorder), and with RunMetrics
# plus a BotRunLog writing to a temp file, and the HdrHistogram Recorder alone; on 1 thread and on 2
# (bots on both cores at once, all reporting the same action).
# About 2 minutes.   bench/bots-metrics.sh [extra JMH options, e.g. -i 10]
set -euo pipefail
source "$(dirname "$0")/bots-env.sh"
for t in 1 2; do
  echo "== $t thread(s): JMH, 3 x 1s warm-up, 5 x 1s measured, 1 fork" >&2
  "$java" -cp "$cp" org.openjdk.jmh.Main 'dev.sortie.bench.MetricsOverheadBench' -t "$t" -rf csv -rff "$work/t$t.csv" "$@" \
    > "$work/t$t.txt" 2>&1 || { cat "$work/t$t.txt"; exit 1; }
done
echo "per action run, ns/op (99.9% error), and what each adds over the no-op listener:"
for t in 1 2; do
  awk -F, -v t="$t" '
    NR > 1 {
      gsub(/"/, ""); name = $1; sub(/.*\./, "", name)
      score[name] = $5; err[name] = $6; order[++n] = name
    }
    END {
      base = score["noopListener"]
      for (i = 1; i <= n; i++) {
        b = order[i]
        printf "threads=%d %-14s %9.1f ns/op (+-%.1f)  adds %8.1f ns\n", t, b, score[b], err[b], score[b] - base
      }
    }' "$work/t$t.csv"
done
