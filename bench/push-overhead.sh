#!/usr/bin/env bash
# What Sortie itself adds to a push: push-to-live of a no-build app (python3 -m http.server serving
# an index.html that changes every push) through Sortie, against a bash script that does the same
# real work without it: push the commit to a bare repo, archive it into a fresh dir, start the
# server on a free port, poll until it answers, write an nginx server block into a private nginx
# (its own prefix and port), reload, and curl until the new content is served. The two run
# interleaved (alternating which goes first); after one unmeasured warm-up push each, prints every
# time, the medians, their ratio and Sortie's own overhead (median Sortie - median script).
#
#   bench/push-overhead.sh [ROUNDS]         default 5
#   SORTIE=/path/to/sortie                  the installed launcher (default: sortie on PATH)
#   SETTLE=SECONDS                          pause before each measured push (default 2), so what the
#                                           previous push left running (Sortie's spare worker warming
#                                           up, an old instance draining) does not land on the next one
#   TIMELINE=1                              also print each Sortie push's journal timeline (ms from
#                                           the push's start; needs the journal's "at" fields)
#
# Uses a throwaway SORTIE_HOME and free loopback ports; stops everything it started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rounds=${1:-5}
sortie=${SORTIE:-$(command -v sortie || echo /usr/local/bin/sortie)}
[ -x "$sortie" ] || { echo "needs sortie: ./install.sh, or SORTIE=/path/to/bin/sortie" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "needs nginx: apt-get install -y nginx" >&2; exit 1; }
for c in git curl python3; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 1; }; done

work=$(mktemp -d /tmp/push-overhead.XXXXXX)
export SORTIE_HOME="$work/home"
mkdir -p "$SORTIE_HOME"
pids=()           # the script's python servers
cleanup() {
  set +e
  SORTIE_HOME="$work/home" "$sortie" server stop >/dev/null 2>&1
  [ -f "$work/ngx/nginx.pid" ] && "$nginx" -p "$work/ngx" -c "$work/ngx/nginx.conf" -s quit 2>/dev/null
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.3
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# curl through an nginx until it serves $3 for host $2 on port $1
await_content() {
  local deadline=$(( $(now_ms) + 30000 ))
  until [ "$(curl -s --max-time 2 -H "Host: $2" "http://127.0.0.1:$1/" 2>/dev/null)" = "$3" ]; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "timed out waiting for '$3' on $2:$1" >&2; return 1; }
    sleep 0.005
  done
}
commit_content() { # $1 repo dir, $2 content
  echo "$2" > "$1/index.html"
  git -C "$1" -c user.name=bench -c user.email=bench@sortie.invalid commit -q -am "$2"
}

# --- Sortie ---------------------------------------------------------------------------------------
sortie_port=$(free_port)
printf 'nginx:\n  port: %s\n' "$sortie_port" > "$SORTIE_HOME/sortie.yml"
"$sortie" apps create plain >/dev/null
mkdir -p "$work/sortie-app"
cat > "$work/sortie-app/sortie.yml" <<'YML'
run: [python3, -m, http.server, $PORT, --bind, 127.0.0.1]
YML
echo start > "$work/sortie-app/index.html"
git -C "$work/sortie-app" init -q -b main
git -C "$work/sortie-app" add -A
git -C "$work/sortie-app" -c user.name=bench -c user.email=bench@sortie.invalid commit -q -m start
git -C "$work/sortie-app" remote add production "$SORTIE_HOME/apps/plain/repo.git"

sortie_push() { # $1 content; sets took: ms from the push's start to the content served
  commit_content "$work/sortie-app" "$1"
  local t0; t0=$(now_ms)
  git -C "$work/sortie-app" push -q production main > "$work/push.out" 2>&1 || { cat "$work/push.out" >&2; return 1; }
  await_content "$sortie_port" plain.localhost "$1" || { cat "$work/push.out" >&2; return 1; }
  local t1; t1=$(now_ms)
  took=$((t1 - t0))
  local journal; journal=$(ls -t "$SORTIE_HOME/apps/plain/deploys/"*.jsonl | head -n 1)
  [ "${measured:-0}" = 1 ] && printf '%s %s %s\n' "$t0" "$t1" "$journal" >> "$work/phases"
  if [ "${TIMELINE:-0}" = 1 ]; then
    python3 - "$journal" "$t0" "$t1" >&2 <<'PY'
import json, sys, datetime
journal, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
print(f"  timeline of {journal.rsplit('/', 1)[-1]} (ms after the push started):")
for raw in open(journal):
    line = json.loads(raw)
    at = datetime.datetime.fromisoformat(line["at"].replace("Z", "+00:00")).timestamp() * 1000
    ev = line["event"] if "event" in line else line
    what = ev.get("type", "?") + (" " + ev["step"] if isinstance(ev.get("step"), str) else "")
    print(f"    {at - t0:7.0f}  {what}")
print(f"    {t1 - t0:7d}  content served (push returned before)")
PY
  fi
}

# --- the script: the same work without Sortie -----------------------------------------------------
ngx="$work/ngx"
ngx_port=$(free_port)
mkdir -p "$ngx/sites" "$ngx/logs" "$ngx/temp"
cat > "$ngx/nginx.conf" <<CONF
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $ngx/temp/client_body;
    proxy_temp_path $ngx/temp/proxy;
    fastcgi_temp_path $ngx/temp/fastcgi;
    uwsgi_temp_path $ngx/temp/uwsgi;
    scgi_temp_path $ngx/temp/scgi;
    include $ngx/sites/*.conf;
    server { listen 127.0.0.1:$ngx_port default_server; return 404; }
}
CONF
"$nginx" -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log"
git init -q --bare "$work/script.git"
mkdir -p "$work/script-app" "$work/script-releases"
echo start > "$work/script-app/index.html"
git -C "$work/script-app" init -q -b main
git -C "$work/script-app" add -A
git -C "$work/script-app" -c user.name=bench -c user.email=bench@sortie.invalid commit -q -m start
git -C "$work/script-app" remote add production "$work/script.git"
script_n=0

script_push() { # $1 content; sets took (as sortie_push); runs in this shell: it keeps the pids
  commit_content "$work/script-app" "$1"
  local t0; t0=$(now_ms)
  git -C "$work/script-app" push -q production main
  script_n=$((script_n + 1))
  local rel="$work/script-releases/$script_n"
  mkdir "$rel"
  git --git-dir="$work/script.git" archive main | tar -x -C "$rel"
  local port; port=$(free_port)
  (cd "$rel" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
  local pid=$!
  until curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; do sleep 0.005; done
  cat > "$ngx/sites/.plain.conf.tmp" <<SITE
upstream script_plain { server 127.0.0.1:$port; keepalive 16; }
server {
    listen 127.0.0.1:$ngx_port;
    server_name plain.localhost;
    location / { proxy_pass http://script_plain; proxy_http_version 1.1; proxy_set_header Connection ""; }
}
SITE
  mv "$ngx/sites/.plain.conf.tmp" "$ngx/sites/plain.conf"
  "$nginx" -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" -s reload
  await_content "$ngx_port" plain.localhost "$1"
  local t1; t1=$(now_ms)
  # the previous release stops once traffic has moved (not timed: Sortie retires it in the background too)
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  pids=("$pid")
  took=$((t1 - t0))
}


sortie_push warmup-0; first_s=$took
measured=1
script_push warmup-0; first_b=$took
echo "warm-up (not measured): first Sortie deploy $first_s ms, first script deploy $first_b ms"
settle=${SETTLE:-2}
s_times=() b_times=()
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) = 1 ]; then
    sleep "$settle"; sortie_push "round-$i-$RANDOM"; s=$took
    sleep "$settle"; script_push "round-$i-$RANDOM"; b=$took
  else
    sleep "$settle"; script_push "round-$i-$RANDOM"; b=$took
    sleep "$settle"; sortie_push "round-$i-$RANDOM"; s=$took
  fi
  s_times+=("$s"); b_times+=("$b")
  printf 'round %d: sortie %5d ms   script %5d ms\n' "$i" "$s" "$b"
done
ms=$(median "${s_times[@]}"); mb=$(median "${b_times[@]}")
echo "sortie: ${s_times[*]} ms (median $ms)"
echo "script: ${b_times[*]} ms (median $mb)"
awk -v s="$ms" -v b="$mb" 'BEGIN { printf "ratio sortie/script: %.2fx; Sortie'"'"'s own overhead: %d ms (goal: at most 500 ms and 2x)\n", s / b, s - b }'
# where Sortie's time goes, from the measured pushes' journals (medians, ms)
python3 - "$work/phases" <<'PY'
import datetime, json, statistics, sys
def at(line):
    return datetime.datetime.fromisoformat(line["at"].replace("Z", "+00:00")).timestamp() * 1000
rows = []
for entry in open(sys.argv[1]):
    t0, t1, journal = entry.split(" ", 2)
    t0, t1 = int(t0), int(t1)
    first = {}
    for raw in open(journal.strip()):
        line = json.loads(raw)
        ev = line.get("event", line)
        key = ev.get("type", "?") + ("/" + ev["step"] if isinstance(ev.get("step"), str) else "")
        first.setdefault(key, at(line))
    marks = [("push to queued (git, the hook)", t0, first.get("queued")),
             ("queued to instance start (worker, checkout, steps 1-5)", first.get("queued"), first.get("starting_instance")),
             ("instance start to healthy (spawn, the app's start, health check)", first.get("starting_instance"), first.get("step_done/upgrade_service")),
             ("configure_nginx (render, nginx -t, reload, old workers out, probe)", first.get("step_started/configure_nginx"), first.get("step_done/configure_nginx")),
             ("commit to live (record, current, retire, retention)", first.get("committing"), first.get("live")),
             ("live to content served (hook and git exit, curl)", first.get("live"), t1)]
    rows.append([(name, (b - a) if a is not None and b is not None else None) for name, a, b in marks])
if rows:
    print("where a Sortie push's time goes (median of %d measured pushes):" % len(rows))
    for i, (name, _) in enumerate(rows[0]):
        values = [r[i][1] for r in rows if r[i][1] is not None]
        print("  %6.0f ms  %s" % (statistics.median(values) if values else float("nan"), name))
PY
