#!/usr/bin/env bash
# The report's costs. 1) JMH: nanoseconds per action run with RunMetrics alone, against RunMetrics
# feeding the interval log (its ticker folding the recorders and writing a second's histograms
# while bots record), on 1 and 2 threads. 2) Sizes and `bots report` time for runs of 60 s x 3 actions,
# 600 s x 10 actions and 3600 s x 10 actions (1,000 latencies per action-second).
# About 2 minutes.   bench/bots-report.sh [extra JMH options, e.g. -i 10]
set -euo pipefail
source "$(dirname "$0")/bots-env.sh"
for t in 1 2; do
  echo "== $t thread(s): JMH, 3 x 2s warm-up, 5 x 2s measured, 1 fork" >&2
  "$java" -cp "$cp" org.openjdk.jmh.Main 'dev.sortie.bench.IntervalLogBench' -t "$t" -rf csv -rff "$work/t$t.csv" "$@" \
    > "$work/t$t.txt" 2>&1 || { cat "$work/t$t.txt"; exit 1; }
done
echo "per action run, ns/op (99.9% error):"
for t in 1 2; do
  awk -F, -v t="$t" '
    NR > 1 { gsub(/"/, ""); name = $1; sub(/.*\./, "", name); score[name] = $5; err[name] = $6 }
    END {
      printf "threads=%d metricsOnly %7.1f ns/op (+-%.1f)  withIntervals %7.1f ns/op (+-%.1f)  ratio %.3f\n", t,
        score["metricsOnly"], err["metricsOnly"], score["withIntervals"], err["withIntervals"], score["withIntervals"] / score["metricsOnly"]
    }' "$work/t$t.csv"
done
for run in "60 3" "600 10" "3600 10"; do
  # shellcheck disable=SC2086
  "$java" -cp "$cp" dev.sortie.bench.ReportRenderBench $run
done
