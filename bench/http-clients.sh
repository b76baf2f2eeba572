#!/usr/bin/env bash
# Which HTTP client the bots should use, measured on the bots' real run path: for each client a
# fresh JVM (full JIT, pinned to CPU 1 with taskset) runs BOTS bots looping one GET (status 200,
# body read to the end) with metrics and bot_run.log on, against a private nginx with 1 worker
# pinned to CPU 0; interleaved rounds; median requests/s and requests per CPU-second (the JVM's
# own CPU time over the measured window) per client. The clients come from bench/http-clients/pom.xml,
# which is the benchmark's alone: none of them is a dependency of Sortie.
#   bench/http-clients.sh [SECONDS [ROUNDS]]      (default: 10 3)   WARMUP=5 BOTS=64
#   CLIENTS="sortie raw" bench/http-clients.sh 5 1
# Clients: sortie (HttpAction as built), urlconnection, jdk (HttpClient), apache (5, classic),
# jetty (12), netty (4.1, one event loop), raw (a socket per bot, the floor of what a client costs).
set -euo pipefail
seconds=${1:-10}
rounds=${2:-3}
warmup=${WARMUP:-5}
bots=${BOTS:-64}
clients=(${CLIENTS:-sortie urlconnection jdk apache jetty netty raw})
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/bots-env.sh" # builds, sets java, work, cp
command -v taskset >/dev/null 2>&1 || { echo "needs taskset (util-linux)" >&2; exit 1; }
(cd "$here/http-clients" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/clients-cp.txt") > "$work/fetch.log" 2>&1 \
  || { tail -20 "$work/fetch.log" >&2; echo "cannot fetch the clients (bench/http-clients/pom.xml)" >&2; exit 1; }
mkdir -p "$work/bench-classes"
"$(dirname "$java")/javac" -d "$work/bench-classes" -cp "$cp:$(cat "$work/clients-cp.txt")" "$here"/http-clients/src/main/java/dev/sortie/bench/http/*.java
run_cp="$work/bench-classes:$cp:$(cat "$work/clients-cp.txt")"
trap 'stop_pinned_nginx "$work"; bench_cleanup' EXIT
pinned_nginx "$work"

echo "== $(date -u +%FT%TZ) $(uptime | sed 's/.*load/load/'); $bots bots, ${warmup}s warm-up + ${seconds}s, $rounds rounds; nginx 1 worker on CPU 0, the JVM on CPU 1"
declare -A rps=() per_cpu=() p99s=()
for round in $(seq 1 "$rounds"); do
  for c in "${clients[@]}"; do
    if out=$(taskset -c 1 "$java" -XX:+UseSerialGC -cp "$run_cp" dev.sortie.bench.http.ClientBench "$c" "$nginx_url" /small.txt "$bots" "$warmup" "$seconds" 2>&1 | tail -n 1) \
        && [[ $out == client=* ]]; then
      echo "round $round  $out"
      rps[$c]+="$(sed -n 's/.* requests_per_s=\([0-9]*\).*/\1/p' <<< "$out") "
      per_cpu[$c]+="$(sed -n 's/.* requests_per_cpu_s=\([0-9]*\).*/\1/p' <<< "$out") "
      p99s[$c]+="$(sed -n 's/.* p99=\([0-9.]*\)ms.*/\1/p' <<< "$out") "
    else
      echo "round $round  $c failed: $out"
    fi
  done
done
echo "== median of $rounds rounds ($(uptime | sed 's/.*load/load/'))"
printf '| %-14s | %12s | %16s | %8s |\n' client "requests/s" "requests/CPU-s" "p99 ms"
printf '|%s|%s|%s|%s|\n' ---------------- -------------- ------------------ ----------
for c in "${clients[@]}"; do
  [ -n "${rps[$c]:-}" ] || { printf '| %-14s | %12s | %16s | %8s |\n' "$c" n/a "" ""; continue; }
  printf '| %-14s | %12.0f | %16.0f | %8s |\n' "$c" "$(median_g ${rps[$c]})" "$(median_g ${per_cpu[$c]})" "$(median_g ${p99s[$c]})"
done
