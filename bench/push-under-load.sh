#!/usr/bin/env bash
# Zero-downtime check with figures: wrk keeps requesting the app through nginx while N pushes
# deploy new releases of a single-file fixture app; prints requests, non-2xx answers and socket
# errors. Uses the installed sortie (./install.sh) and a throwaway SORTIE_HOME.
#   bench/push-under-load.sh [PUSHES]      default 3 pushes
#   CLOSE=1 bench/push-under-load.sh       one connection per request (no keep-alive): a client
#       that reuses connections can see an idle one closed by an old nginx worker at reload
#       (wrk counts that as a read error; browsers and curl retry such requests)
set -euo pipefail
pushes=${1:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
sortie=$(command -v sortie || echo /usr/local/bin/sortie)
[ -x "$sortie" ] || { echo "needs sortie: ./install.sh" >&2; exit 1; }

export SORTIE_HOME=$(mktemp -d)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'nginx:\n  port: %s\ndrain: 2s\n' "$port" > "$SORTIE_HOME/sortie.yml"
cleanup() { "$sortie" server stop >/dev/null 2>&1 || true; rm -rf "$SORTIE_HOME" "$work"; }
trap cleanup EXIT

"$sortie" apps create bench >/dev/null
cp -r "$here/src/test/resources/fixtures/plain" "$work/app"
cd "$work/app"
git init -q -b main && git add -A
git -c user.name=bench -c user.email=bench@sortie.invalid commit -q -m "release 0"
git remote add production "$SORTIE_HOME/apps/bench/repo.git"
start=$(date +%s.%N)
git push -q production main >/dev/null 2>&1
first=$(echo "$(date +%s.%N) - $start" | bc)
url=$("$sortie" url bench)

seconds=$((pushes * 6 + 4))
# wrk does not resolve *.localhost itself: send the Host header to the listen address
extra=()
[ "${CLOSE:-0}" = 1 ] && extra=(-H "Connection: close")
wrk -t1 -c4 -d"${seconds}s" --latency -H "Host: bench.localhost" "${extra[@]}" "http://127.0.0.1:$port/" > "$work/wrk.txt" &
wrk_pid=$!
sleep 2
total=0
for i in $(seq 1 "$pushes"); do
  echo "release $i" > message.txt
  git -c user.name=bench -c user.email=bench@sortie.invalid commit -q -am "release $i"
  t0=$(date +%s.%N)
  git push -q production main >/dev/null 2>&1
  total=$(echo "$total + $(date +%s.%N) - $t0" | bc)
done
wait "$wrk_pid"

requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt"); non2xx=${non2xx:-0}
errors=$(awk '/Socket errors/ {print}' "$work/wrk.txt"); errors=${errors:-"Socket errors: none"}
echo "first deploy (push to live, no build): $(printf '%.1f' "$first")s"
echo "pushes under load: $pushes, mean push-to-live $(printf '%.1f' "$(echo "$total / $pushes" | bc -l)")s"
echo "requests during the pushes ($([ "${CLOSE:-0}" = 1 ] && echo "Connection: close" || echo keep-alive)): $requests; non-2xx: $non2xx; $errors"
echo "live now: $(curl -s "$url")"
