#!/usr/bin/env bash
# Bot throughput against wrk: a private nginx on loopback serves a small static file; wrk -t2 -c64
# measures what the machine can do, then the bots (load mode, rate 0, each looping one GET that
# expects 200, metrics and bot_run.log on) run for the same time at several bot counts, one JVM
# each, after a warm-up. Prints requests/s for each and the best bots/wrk ratio (target: >= 0.5).
#   bench/bots-throughput.sh [BOTS ...]      (default: 16 64 256)   DURATION=10 WARMUP=5
set -euo pipefail
command -v wrk >/dev/null 2>&1 || { echo "needs wrk: apt-get install -y wrk nginx" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "needs nginx: apt-get install -y wrk nginx" >&2; exit 1; }
source "$(dirname "$0")/bots-env.sh"
seconds=${DURATION:-10}
warmup=${WARMUP:-5}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(16 64 256)

# a private nginx: its own prefix, config, pid file and a free loopback port
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)
mkdir -p "$work/nginx/logs" "$work/nginx/html"
head -c 512 /dev/zero | tr '\0' 'x' > "$work/nginx/html/small.txt"
chmod 755 "$work" "$work/nginx" "$work/nginx/html" # run as root, nginx's workers read the file as nobody
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/nginx/html;
  }
}
CONF
stop_nginx() {
  if [ -f "$work/nginx/nginx.pid" ]; then
    kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -f "$work/nginx/nginx.pid" ] || break; sleep 0.1; done
  fi
}
trap 'stop_nginx; bench_cleanup' EXIT
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" 2>/dev/null
url="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$url/small.txt" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$url/small.txt" || { echo "nginx did not answer on $url/small.txt" >&2; tail -5 "$work/nginx/logs/error.log" >&2; exit 1; }

echo "== wrk -t2 -c64 -d${seconds}s $url/small.txt (512-byte file, nginx worker_processes auto on $(nproc) cores)"
wrk -t2 -c64 -d"${seconds}s" "$url/small.txt" > "$work/wrk.txt"
grep -E 'Latency|Requests/sec|Non-2xx|Socket errors' "$work/wrk.txt"
wrk_rate=$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.txt")

best=0 best_n=0
for n in "${counts[@]}"; do
  echo "== $n bots, ${warmup}s warm-up then ${seconds}s measured, metrics on, bot_run.log to a temp file"
  rm -f "$work/bot_run.log"
  out=$("$java" -cp "$cp" dev.sortie.bench.ThroughputBots "$url" /small.txt "$n" "$warmup" "$seconds" "$work/bot_run.log")
  echo "$out"
  rate=$(echo "$out" | sed -n 's/.*requests_per_s=\([0-9]*\).*/\1/p')
  echo "$rate $wrk_rate" | awk '{ printf "ratio bots/wrk = %.2f\n", $1 / $2 }'
  if [ "$rate" -gt "$best" ]; then best=$rate best_n=$n; fi
done
echo "== summary"
echo "$best $wrk_rate $best_n" | awk '{ printf "wrk %.0f req/s, best bots %d req/s (%d bots), ratio %.2f (target >= 0.50)\n", $2, $1, $3, $1 / $2 }'
