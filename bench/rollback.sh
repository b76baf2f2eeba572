#!/usr/bin/env bash
# How fast a rollback is: for examples/hello (a Maven build) and a no-build app (python3 -m http.server),
# times, in the same run and interleaved, from the command to the old code serving:
#   redeploy   sortie deploy APP <the previous release's sha>   (the workaround before rollback: a rebuild)
#   rollback   sortie rollback APP                                (cold: a new instance of the stored release)
#   standby    sortie rollback APP within standby: 15s            (the previous instance still runs: nginx only)
# Each command returns once nginx serves the release (Sortie confirms it); the script checks the served
# X-Sortie-Release header afterwards. Prints every time, the medians, the ratios, and for the rollbacks the
# app's own start time (upgrade_service in release.json) so Sortie's share is visible.
#
#   bench/rollback.sh [ROUNDS]      default 3
#   SORTIE=/path/to/sortie          the installed launcher (default: sortie on PATH)
#   APPS="hello plain"              which apps to measure
#   STANDBY=15s                     the standby window of the standby round. Before each cold rollback the script
#                                   waits until no instance of the app retires (a standby, or one draining after the
#                                   redeploy: a rollback within the drain takes it back too); a cold rollback that
#                                   took an instance back, or a standby one that did not, stops the script
#
# Uses a throwaway SORTIE_HOME and a free loopback port; stops everything it started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rounds=${1:-3}
sortie=${SORTIE:-$(command -v sortie || echo /usr/local/bin/sortie)}
[ -x "$sortie" ] || { echo "needs sortie: ./install.sh, or SORTIE=/path/to/bin/sortie" >&2; exit 1; }
for c in git curl python3; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 1; }; done
here=$(cd "$(dirname "$0")/.." && pwd)
apps=${APPS:-hello plain}

work=$(mktemp -d /tmp/rollback-bench.XXXXXX)
export SORTIE_HOME="$work/home"
mkdir -p "$SORTIE_HOME"
cleanup() {
  set +e
  "$sortie" server stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(free_port)
printf 'nginx:\n  port: %s\ndrain: 1s\n' "$port" > "$SORTIE_HOME/sortie.yml"
current() { basename "$(readlink "$SORTIE_HOME/apps/$1/current")"; }
served() { curl -s -D - -o /dev/null -H "Host: $1.localhost" "http://127.0.0.1:$port/" | tr -d '\r' | sed -n 's/^X-Sortie-Release: //Ip'; }
start_secs() { # upgrade_service's seconds in a release.json
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(next((s["seconds"] for s in r["steps"] if s["step"]=="upgrade_service"), 0))' \
    "$SORTIE_HOME/apps/$1/releases/$2/release.json"
}

retired() { # waits until no instance of $1 is retiring (standby or draining): a rollback to it would take it back
  for _ in $(seq 1 120); do
    "$sortie" ps | awk -v a="$1" '$1 == a && ($5 == "standby" || $5 == "draining" || $5 == "stopping")' | grep -q . || return 0
    sleep 0.5
  done
  echo "an instance of $1 still retires after a minute" >&2; exit 1
}

timed() { # $1 app, then the sortie command; prints ms, checks the live release is what nginx serves
  local app=$1; shift
  local t0; t0=$(now_ms)
  "$sortie" "$@" > "$work/last.out" 2>&1 || { cat "$work/last.out" >&2; echo "failed: sortie $*" >&2; exit 1; }
  local took=$(( $(now_ms) - t0 ))
  [ "$(served "$app")" = "$(current "$app")" ] || { echo "nginx does not serve $(current "$app") after: sortie $*" >&2; exit 1; }
  echo "$took"
}

setup() { # $1 app: two releases, so there is something to roll back to
  local app=$1 dir="$work/src-$1"
  "$sortie" apps create "$app" >/dev/null
  if [ "$app" = hello ]; then
    cp -r "$here/examples/hello" "$dir"; rm -rf "$dir/target"
  else
    mkdir -p "$dir"
    echo 'run: [python3, -m, http.server, $PORT, --bind, 127.0.0.1]' > "$dir/sortie.yml"
    echo one > "$dir/index.html"
  fi
  git -C "$dir" init -q -b main
  git -C "$dir" add -A
  git -C "$dir" -c user.name=bench -c user.email=bench@sortie.invalid commit -q -m one
  git -C "$dir" remote add production "$SORTIE_HOME/apps/$app/repo.git"
  git -C "$dir" push -q production main 2>/dev/null
  echo two >> "$dir/README.bench"
  git -C "$dir" add -A
  git -C "$dir" -c user.name=bench -c user.email=bench@sortie.invalid commit -q -m two
  git -C "$dir" push -q production main 2>/dev/null
  [ -L "$SORTIE_HOME/apps/$app/current" ] || { echo "the first pushes of $app did not go live" >&2; exit 1; }
}

printf '%-6s %-5s %10s %10s %10s   %s\n' app round redeploy rollback standby "app start in the rollbacks (upgrade_service, s)"
for app in $apps; do
  setup "$app"
  : > "$work/$app.redeploy"; : > "$work/$app.rollback"; : > "$work/$app.standby"
  for r in $(seq 1 "$rounds"); do
    other=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commit"])' \
      "$SORTIE_HOME/apps/$app/releases/$("$sortie" releases "$app" | awk 'NR==3 {print $1}')/release.json" 2>/dev/null || true)
    [ -n "$other" ] || other=$(git -C "$work/src-$app" rev-parse HEAD~1)
    d=$(timed "$app" deploy "$app" "$other")
    retired "$app"                                   # the release it replaced drains: cold means no instance to take back
    b=$(timed "$app" rollback "$app"); bs=$(start_secs "$app" "$(current "$app")")
    grep -q 'took over the standby' "$work/last.out" && { echo "the cold rollback of $app took over a standby" >&2; exit 1; }
    "$sortie" apps set "$app" standby=${STANDBY:-15s} >/dev/null
    timed "$app" rollback "$app" >/dev/null          # leaves the release it left as a standby
    s=$(timed "$app" rollback "$app"); ss=$(start_secs "$app" "$(current "$app")")
    grep -q 'took over the standby' "$work/last.out" || { echo "the standby rollback of $app started an instance (standby ${STANDBY:-15s} over?)" >&2; exit 1; }
    "$sortie" apps set "$app" standby= >/dev/null
    echo "$d" >> "$work/$app.redeploy"; echo "$b" >> "$work/$app.rollback"; echo "$s" >> "$work/$app.standby"
    printf '%-6s %-5s %8sms %8sms %8sms   cold %s, standby %s\n' "$app" "$r" "$d" "$b" "$s" "$bs" "$ss"
  done
  md=$(median $(cat "$work/$app.redeploy")); mb=$(median $(cat "$work/$app.rollback")); ms=$(median $(cat "$work/$app.standby"))
  printf '%-6s %-5s %8sms %8sms %8sms   redeploy/rollback %sx, redeploy/standby %sx\n' "$app" median "$md" "$mb" "$ms" \
    "$(awk -v a="$md" -v b="$mb" 'BEGIN {printf "%.1f", a / b}')" "$(awk -v a="$md" -v b="$ms" 'BEGIN {printf "%.1f", a / b}')"
done
