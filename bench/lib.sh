# Helpers the bench scripts share; source it: . "$(dirname "$0")/lib.sh"

now_ms() { date +%s%3N; }

# a free loopback port: nothing answers a connect, from bash alone (no python start-up in the timed part)
# A free loopback port below the kernel's ephemeral range, so no process that binds port 0 (an app
# instance Sortie starts) can take it before the listener it is for (nginx) starts.
free_port() {
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 21000 ] 2>/dev/null || low=32768
  while :; do
    p=$((20000 + RANDOM % (low - 20000)))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# the median of its arguments (whole numbers; the mean of the middle two, rounded down, for an even count)
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

# pinned_nginx DIR: a private nginx (its own prefix and conf under DIR, 1 worker, pinned to CPU 0)
# serving DIR/nginx/html/small.txt (512 bytes) on a free loopback port; sets nginx_url, and
# stop_pinned_nginx DIR stops it. The pinned benchmarks (bots-vs-peers.sh, http-clients.sh) use it.
pinned_nginx() {
  local dir=$1 nginx port
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [ -x "$nginx" ] || { echo "needs nginx: apt-get install -y nginx" >&2; return 1; }
  port=$(free_port)
  mkdir -p "$dir/nginx/logs" "$dir/nginx/html"
  head -c 512 /dev/zero | tr '\0' 'x' > "$dir/nginx/html/small.txt"
  chmod 755 "$dir" "$dir/nginx" "$dir/nginx/html" # run as root, nginx's worker reads the file as nobody
  cat > "$dir/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    root $dir/nginx/html;
  }
}
CONF
  taskset -c 0 "$nginx" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" 2>/dev/null
  nginx_url="http://127.0.0.1:$port"
  for _ in $(seq 1 50); do curl -fsS -o /dev/null "$nginx_url/small.txt" 2>/dev/null && return 0; sleep 0.1; done
  echo "nginx did not answer on $nginx_url/small.txt" >&2; tail -5 "$dir/nginx/logs/error.log" >&2; return 1
}
stop_pinned_nginx() {
  local dir=$1
  if [ -f "$dir/nginx/nginx.pid" ]; then
    kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -f "$dir/nginx/nginx.pid" ] || break; sleep 0.1; done
  fi
}

# the median of its arguments, decimals allowed (the mean of the middle two for an even count)
median_g() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
