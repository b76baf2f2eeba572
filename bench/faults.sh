#!/usr/bin/env bash
# The fault matrix under load: for each of the 8 deploy steps and each of 4 faults (the step's
# command fails, a hook throws, a hook hangs past hooks.timeout, the worker is killed -9 while a
# hook pauses), wrk keeps requesting the live release through nginx while a push of a new commit
# meets the fault; then one row: requests, non-2xx answers, socket errors (all, and read errors
# alone), whether the records agree, orphaned instances, and how long the deploy took to converge.
# A last case kills the daemon -9 while an old instance drains, then runs `sortie server start`.
# Uses an installed sortie (./install.sh), a throwaway SORTIE_HOME and its own nginx port.
#
#   bench/faults.sh [--cases REGEX] [--app NAME] [--port N] [--wrk-seconds N] [--sortie PATH] [--keep]
#
# See --help for what each column means.
set -euo pipefail
export LC_ALL=C

usage() {
  cat <<'EOF'
Usage: bench/faults.sh [options]

Runs the fault matrix: steps deps, compile, package, make_upgrade_dir, copy_release,
upgrade_service, configure_nginx, run_bots x faults cmd, throw, hang, kill9 (32 cases, named
STEP/FAULT), then daemon/kill9-drain. Each case: wrk -t1 -c4 against the live release, a push that
meets the fault, one row of figures. Ends with a totals row.

Options:
  --cases REGEX      run only the cases whose name matches this extended regex
                     (e.g. 'run_bots', '/kill9', '^(deps|compile)/cmd$', 'daemon')
  --app NAME         the app to create (default faultbench)
  --port N           the managed nginx's port (default: a free one; never 8480)
  --wrk-seconds N    wrk's least duration per case (default 6); it runs on until 2s after the
                     push ended (daemon case: 1s after the old instance exited), then gets SIGINT
  --sortie PATH      the sortie to run (default: sortie on PATH, else /usr/local/bin/sortie)
  --keep             keep the SORTIE_HOME (its server is stopped either way)
  -h, --help         this text

Faults:
  cmd    the step's own work fails: steps.deps/compile/package: ["false"]; make_upgrade_dir: its
         staging dir name is taken by a dangling symlink (createDirectory fails; root ignores
         permissions, a symlink it does not); copy_release: files: [missing.txt] with a packaged
         artifact (files: only applies to a packaged artifact); upgrade_service: run: ["false"];
         configure_nginx: nginx -t fails (after_upgrade_service drops a broken sites/*.conf,
         removed once the push ended); run_bots: bots/smoke.yml expects text the app never says
  throw  after_STEP throws (before_run_bots for run_bots)
  hang   after_STEP sleeps 30s, hooks.timeout is 2s (before_run_bots for run_bots)
  kill9  after_STEP sleeps; the worker pid from the deploy's journal (worker_started) is killed -9

Columns:
  req        requests wrk completed
  wrk_s      how long wrk ran
  non2xx     answers that were not 2xx/3xx
  sock       socket errors: connect + read + write + timeout
  read       read errors alone (a reload can close an idle kept-alive connection just as wrk
             reuses it; each reload can catch each of the 4 connections: up to 8 with a forward
             switch and a revert)
  cons       y when current, the first line of nginx/sites/APP.conf, the * line of sortie releases
             and the (live) line of sortie ps all name the release live before the case (the new
             one for the daemon case), sortie ps shows no other instance of the app, and the
             failed deploy is listed by sortie releases as failed
  orph       live processes with SORTIE_INSTANCE=APP/<failed release> and this home's
             SORTIE_SUPERVISOR, 5s after the push ended (daemon case: of the old release, 5s
             after sortie server start returned)
  conv       seconds from the fault (the kill; the hook firing, from its at- marker; for cmd, the
             journal's step_started of the step) to the push's last =====> line (daemon case: from
             the kill to the old instance's exit)
  failed at  the step the push named in "deploy FAILED at STEP", and notes
Evidence for each case (push output, wrk output, journal, releases, ps) is kept in a directory
printed at the end.
EOF
}

pattern=""
app=faultbench
port=""
wrk_seconds=6
sortie=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) [ $# -ge 2 ] || { echo "--cases needs a value" >&2; exit 2; }; pattern=$2; shift 2 ;;
    --app) [ $# -ge 2 ] || { echo "--app needs a value" >&2; exit 2; }; app=$2; shift 2 ;;
    --port) [ $# -ge 2 ] || { echo "--port needs a value" >&2; exit 2; }; port=$2; shift 2 ;;
    --wrk-seconds) [ $# -ge 2 ] || { echo "--wrk-seconds needs a value" >&2; exit 2; }; wrk_seconds=$2; shift 2 ;;
    --sortie) [ $# -ge 2 ] || { echo "--sortie needs a value" >&2; exit 2; }; sortie=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ $app =~ ^([a-z][a-z0-9-]{0,38}[a-z0-9]|[a-z])$ ]] || [[ $app == *--* ]]; then
  echo "--app: not an app name: $app (lower-case letters, digits and single dashes)" >&2; exit 2
fi
if [ -n "$port" ]; then
  if ! [[ $port =~ ^[0-9]{1,5}$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
    echo "--port: not an unprivileged port: $port" >&2; exit 2
  fi
  [ "$port" != 8480 ] || { echo "--port: 8480 is the default install's port; pick another" >&2; exit 2; }
fi
[[ $wrk_seconds =~ ^[1-9][0-9]{0,2}$ ]] || { echo "--wrk-seconds: not a number of seconds: $wrk_seconds" >&2; exit 2; }
if [ -n "$pattern" ]; then
  # a bad regex makes [[ =~ ]] return 2: say so instead of silently matching nothing
  rc=0; [[ "x" =~ $pattern ]] || rc=$?
  [ "$rc" != 2 ] || { echo "--cases: not an extended regex: $pattern" >&2; exit 2; }
fi

here=$(cd "$(dirname "$0")/.." && pwd)
for tool in wrk git curl python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
if [ -z "$sortie" ]; then
  sortie=$(command -v sortie || echo /usr/local/bin/sortie)
fi
[ -x "$sortie" ] || { echo "needs sortie: ./install.sh (or --sortie PATH)" >&2; exit 1; }

steps=(deps compile package make_upgrade_dir copy_release upgrade_service configure_nginx run_bots)
faults=(cmd throw hang kill9)
cases=()
for step in "${steps[@]}"; do
  for fault in "${faults[@]}"; do
    cases+=("$step/$fault")
  done
done
cases+=("daemon/kill9-drain")
selected=()
for c in "${cases[@]}"; do
  if [ -z "$pattern" ] || [[ $c =~ $pattern ]]; then
    selected+=("$c")
  fi
done
[ ${#selected[@]} -gt 0 ] || { echo "--cases: no case matches $pattern" >&2; exit 2; }

if [ -z "$port" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fi
SORTIE_HOME=$(mktemp -d /tmp/faults-home.XXXXXX)
export SORTIE_HOME
work=$(mktemp -d /tmp/faults-work.XXXXXX)
ctl=$work/ctl
repo=$work/app
evidence=$work/cases
mkdir -p "$ctl" "$evidence"
if [[ $ctl == *[\"\\]* ]]; then
  echo "the control dir $ctl has a quote or backslash; set TMPDIR elsewhere" >&2; exit 1
fi
export GIT_AUTHOR_NAME=faults GIT_AUTHOR_EMAIL=faults@sortie.invalid GIT_COMMITTER_NAME=faults GIT_COMMITTER_EMAIL=faults@sortie.invalid
broken_site=$SORTIE_HOME/nginx/sites/zz-faultbench-broken.conf
releases_dir=$SORTIE_HOME/apps/$app/releases
deploys_dir=$SORTIE_HOME/apps/$app/deploys
supervisor=$SORTIE_HOME/run/instances.json
server_yml() { printf 'nginx:\n  port: %s\ndrain: %s\nstop_timeout: 5s\n' "$port" "$1" > "$SORTIE_HOME/sortie.yml"; }
server_yml 1s

bg_pids=()
dangling=()
cleanup() {
  local p
  for p in "${bg_pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  rm -f "$broken_site" "${dangling[@]}"
  "$sortie" server stop >/dev/null 2>&1 || true
  if [ "$keep" = 1 ]; then
    echo "kept SORTIE_HOME=$SORTIE_HOME" >&2
  else
    rm -rf "$SORTIE_HOME"
  fi
  rm -rf "$ctl" "$repo"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { printf '%s' "$EPOCHREALTIME"; }
join() { local out=$1 s; shift; for s in "$@"; do out+="; $s"; done; printf '%s' "$out"; }
# seconds between two EPOCHREALTIME-style stamps, one decimal
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# every line prefixed with its arrival time; git's trailing padding and carriage returns dropped
stamp_lines() {
  local line
  while IFS= read -r line; do
    line=${line//$'\r'/}
    printf '%s %s\n' "$EPOCHREALTIME" "${line%"${line##*[![:space:]]}"}"
  done
}
iso_to_epoch() { date -u -d "$1" +%s.%N; }

# ---- the app: the plain fixture plus the fault hooks
base_yml='run: [java, Server.java]
healthcheck:
  path: /health
  timeout: 60s
hooks:
  timeout: 2s
'
write_app() { # $1: message, $2: extra sortie.yml lines, $3: 1 to include the failing smoke bots
  printf '%s\n' "$1" > "$repo/message.txt"
  local base=$base_yml
  # a case that sets run: replaces the base's run: line, its first (sortie.yml refuses a duplicate key, rightly)
  [[ $'\n'$2 != *$'\n'run:* ]] || base=${base_yml#*$'\n'}
  printf '%s%s' "$base" "$2" > "$repo/sortie.yml"
  rm -rf "$repo/bots"
  if [ "${3:-0}" = 1 ]; then
    mkdir -p "$repo/bots"
    cat > "$repo/bots/smoke.yml" <<'EOF'
tree:
  sequence:
    - name: front page
      request: {path: /}
      expect: {status: 200, body_contains: "text this app never says"}
    - done
EOF
  fi
}
mkdir -p "$repo"
cp "$here/src/test/resources/fixtures/plain/Server.java" "$repo/"
hooks_src=$(<"$here/bench/faults/UpgradeHooks.java")
printf '%s\n' "${hooks_src//FAULTS_DIR/"$ctl"}" > "$repo/UpgradeHooks.java"
printf 'faultbench_no_such_directive on;\n' > "$work/broken.conf"
write_app "release 0" ""
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" commit -q -m "release 0"
"$sortie" apps create "$app" >/dev/null
git -C "$repo" remote add production "$SORTIE_HOME/apps/$app/repo.git"
first=$(git -C "$repo" push production main 2>&1) || true
if ! grep -q "is live at" <<<"$first"; then
  echo "the first deploy did not go live:" >&2; printf '%s\n' "$first" >&2; exit 1
fi

current_release() { basename "$(readlink "$SORTIE_HOME/apps/$app/current")"; }
journal_of() { # the journal whose queued line names commit $1
  local f
  for f in "$deploys_dir"/*.jsonl; do
    if grep -q -- "\"commit\":\"$1\"" "$f" 2>/dev/null; then
      printf '%s\n' "$f"; return 0
    fi
  done
  return 1
}
worker_pid() { # the pid of the journal's worker_started line
  sed -n 's/.*"type":"worker_started"[^}]*"pid":\([0-9][0-9]*\).*/\1/p' "$1" | tail -n 1
}
# pids of live processes that are instances of release $1 of this app under this home's supervisor
instance_pids() {
  local f pid
  { grep -lzx -- "SORTIE_INSTANCE=$app/$1" /proc/[0-9]*/environ 2>/dev/null || true; } | while IFS= read -r f; do
    if grep -qzx -- "SORTIE_SUPERVISOR=$supervisor" "$f" 2>/dev/null; then
      pid=${f#/proc/}; pid=${pid%/environ}
      printf '%s\n' "$pid"
    fi
  done
}
# every release of this app with a live instance under this home's supervisor
running_releases() {
  local f
  { grep -lz -- "^SORTIE_INSTANCE=$app/" /proc/[0-9]*/environ 2>/dev/null || true; } | while IFS= read -r f; do
    if grep -qzx -- "SORTIE_SUPERVISOR=$supervisor" "$f" 2>/dev/null; then
      tr '\0' '\n' < "$f" 2>/dev/null | sed -n "s|^SORTIE_INSTANCE=$app/||p"
    fi
  done | sort -u
}
wait_for_file() { # $1 file, $2 pid that must stay alive meanwhile, $3 seconds
  local deadline=$((SECONDS + $3))
  while [ ! -s "$1" ]; do
    kill -0 "$2" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}
wrk_field() { # $1 wrk output, $2 what: requests|non2xx|connect|read|write|timeout
  case "$2" in
    requests) awk '/requests in/ {print $1; f=1} END {if (!f) print 0}' "$1" ;;
    non2xx) awk '/Non-2xx/ {print $NF; f=1} END {if (!f) print 0}' "$1" ;;
    *) awk -v k="$2" '/Socket errors/ {gsub(",", ""); for (i = 1; i < NF; i++) if ($i == k) {print $(i + 1); f=1}} END {if (!f) print 0}' "$1" ;;
  esac
}
# wrk runs with a 120s ceiling and is stopped with SIGINT (it then prints its totals as usual) by
# stop_wrk: at least --wrk-seconds after it started, and not before the case's traffic moves are over
start_wrk() { # $1 output file
  wrk -t1 -c4 -d120s -H "Host: $app.localhost" "http://127.0.0.1:$port/" > "$1" 2>&1 &
  wrk_pid=$!
  wrk_started=$(now)
  bg_pids+=("$wrk_pid")
}
sleep_until() { sleep "$(awk -v t="$1" -v n="$(now)" 'BEGIN {d = t - n; print (d > 0 ? d : 0)}')"; }
stop_wrk() { # $1: not before this time
  sleep_until "$(awk -v a="$1" -v b="$wrk_started" -v d="$wrk_seconds" 'BEGIN {b += d; printf "%.6f", (a > b ? a : b)}')"
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" || true
  wrk_took=$(elapsed "$wrk_started" "$(now)")
}

# checks that current, the nginx site, sortie releases and sortie ps name $1; prints "y" or "n: why"
records_agree() { # $1 expected live release, $2 the failed release ("-" when none failed), $3 evidence dir
  local live=$1 failed=$2 dir=$3 why=() cur site star pslive lines i
  cur=$(current_release)
  site=$(head -n 1 "$SORTIE_HOME/nginx/sites/$app.conf" 2>/dev/null || true)
  "$sortie" releases "$app" > "$dir/releases.txt" 2>&1 || true
  star=$(awk '$1 == "*" {print $2}' "$dir/releases.txt")
  for i in $(seq 1 50); do # a stopped instance's record goes once its process is confirmed dead
    "$sortie" ps > "$dir/ps.txt" 2>&1 || true
    lines=$(awk -v a="$app" '$1 == a' "$dir/ps.txt" | wc -l)
    [ "$lines" != 1 ] || break
    sleep 0.1
  done
  pslive=$(awk -v a="$app" '$1 == a && $3 == "(live)" {print $2}' "$dir/ps.txt")
  [ -n "$live" ] || why+=("no live release to compare with")
  [ -n "$failed" ] || why+=("no journal names the pushed commit")
  [ "$cur" = "$live" ] || why+=("current=$cur")
  [ "$site" = "# $app: release $live." ] || why+=("site='$site'")
  [ "$star" = "$live" ] || why+=("releases*=${star:-none}")
  [ "$pslive" = "$live" ] || why+=("ps(live)=${pslive:-none}")
  [ "$lines" = 1 ] || why+=("ps shows $lines instances")
  if [ -n "$failed" ] && [ "$failed" != - ] && ! awk -v r="$failed" '$1 == r && $2 == "failed" {f=1} END {exit !f}' "$dir/releases.txt"; then
    why+=("$failed not listed as failed")
  fi
  if [ ${#why[@]} -eq 0 ]; then echo y; else echo "n: ${why[*]}"; fi
}

# ---- the table
fmt='%-22s %-45s %6s %5s %6s %4s %4s %4s %4s %5s  %s\n'
rows=()
printf "$fmt" case fault req wrk_s non2xx sock read cons orph conv "failed at / notes"
emit() { # fields as in fmt
  local row
  row=$(printf "$fmt" "$@")
  printf '%s\n' "$row"
  rows+=("$row")
}
tot_req=0 tot_non2xx=0 tot_sock=0 tot_read=0 tot_orph=0 n_cons=0 n_cases=0 n_conv=0 max_conv=0

case_num=0
run_case() { # $1 step, $2 fault
  local step=$1 fault=$2 name="$1/$2" dir hook extra="" bots=0 what t0="" t0_kind sha sha7 live push_pid push_rc=0
  local journal="" failed="" push_end wpid at kill_note="" notes=() off stamp base
  case_num=$((case_num + 1))
  dir=$evidence/$case_num-${step}-$fault
  mkdir -p "$dir"
  rm -f "$ctl"/*
  live=$(current_release)
  hook=after_$step
  [ "$step" != run_bots ] || hook=before_run_bots
  t0_kind=hook
  case "$fault" in
    cmd)
      t0_kind=journal
      case "$step" in
        deps|compile|package) extra=$(printf 'steps:\n  %s: ["false"]\n' "$step"); what="steps.$step: [\"false\"]" ;;
        make_upgrade_dir) what="staging name taken (dangling symlink)" ;;
        copy_release) extra=$'steps:\n  package: ["true"]\nartifact: Server.java\nfiles: [missing.txt]\n'; what="files: [missing.txt] (artifact set)" ;;
        upgrade_service) extra=$'run: ["false"]\n'; what="run: [\"false\"]" ;;
        configure_nginx) printf '%s\n' cp "$work/broken.conf" "$broken_site" > "$ctl/run-after_upgrade_service"
                         what="nginx -t fails (broken sites/zz.conf)" ;;
        run_bots) extra=$'bots:\n  bot_timeout: 2s\n'; bots=1; what="smoke bot expectation fails" ;;
      esac ;;
    throw) : > "$ctl/throw-$hook"; what="$hook throws" ;;
    hang) : > "$ctl/hang-$hook"; what="$hook hangs 30s (timeout 2s)" ;;
    kill9) : > "$ctl/pause-$hook"; t0_kind=kill; what="$hook pauses; kill -9 worker" ;;
  esac
  # $(printf ...) dropped the last newline of the yml lines: put it back
  [ -z "$extra" ] || [[ $extra == *$'\n' ]] || extra+=$'\n'
  write_app "case $name" "$extra" "$bots"
  git -C "$repo" add -A
  git -C "$repo" commit -q -m "case $name"
  sha=$(git -C "$repo" rev-parse HEAD)
  sha7=${sha:0:7}
  if [ "$step/$fault" = make_upgrade_dir/cmd ]; then
    # the release id is the UTC second the daemon queues the push plus the short sha; a dangling
    # symlink does not count as taken (Files.exists follows it) but makes createDirectory fail
    base=${EPOCHSECONDS}
    for off in $(seq -2 40); do
      TZ=UTC printf -v stamp '%(%Y%m%d-%H%M%S)T' $((base + off))
      ln -s "$work/no-such-dir" "$releases_dir/.partial-$stamp-$sha7"
      dangling+=("$releases_dir/.partial-$stamp-$sha7")
    done
  fi

  start_wrk "$dir/wrk.txt"
  sleep 0.5
  { timeout 120 git -C "$repo" push production main 2>&1 | stamp_lines > "$dir/push.txt"; } &
  push_pid=$!
  bg_pids+=("$push_pid")
  if [ "$fault" = kill9 ]; then
    if wait_for_file "$ctl/at-$hook" "$push_pid" 60; then
      journal=$(journal_of "$sha" || true)
      wpid=$([ -n "$journal" ] && worker_pid "$journal" || true)
      if [ -n "$wpid" ] && kill -9 "$wpid" 2>/dev/null; then
        t0=$(now)
      else
        kill_note="no worker to kill (journal ${journal:-missing})"
      fi
    else
      kill_note="$hook never paused"
    fi
  fi
  wait "$push_pid" || push_rc=$?
  push_end=$(now)
  rm -f "$broken_site" "${dangling[@]}"
  dangling=()
  [ -n "$journal" ] || journal=$(journal_of "$sha" || true)
  [ -z "$journal" ] || { cp "$journal" "$dir/journal.jsonl"; failed=$(basename "$journal" .jsonl); }
  if [ "$t0_kind" = hook ] && [ -s "$ctl/at-$hook" ]; then
    read -r _ at < "$ctl/at-$hook"
    t0=$(awk -v ms="$at" 'BEGIN {printf "%.6f", ms / 1000}')
  elif [ "$t0_kind" = journal ] && [ -n "$journal" ]; then
    at=$(sed -n "s/^{\"at\":\"\([^\"]*\)\",\"event\":{\"type\":\"step_started\",\"step\":\"$step\"}.*/\1/p" "$journal" | head -n 1)
    [ -z "$at" ] || t0=$(iso_to_epoch "$at")
  fi
  # load until 2s after the push ended (the new instance drains 1s after the revert), orphans at 5s
  stop_wrk "$(awk -v e="$push_end" 'BEGIN {printf "%.6f", e + 2}')"
  sleep_until "$(awk -v e="$push_end" 'BEGIN {printf "%.6f", e + 5}')"
  local orphans=0 others
  if [ -n "$failed" ]; then
    instance_pids "$failed" > "$dir/orphans.txt"
    orphans=$(wc -l < "$dir/orphans.txt")
    [ "$orphans" = 0 ] || ps -o pid,ppid,etime,args -p "$(paste -sd, "$dir/orphans.txt")" >> "$dir/orphans.txt" 2>&1 || true
  fi
  local wpid_end
  wpid_end=$([ -n "$journal" ] && worker_pid "$journal" || true)
  if [ -n "$wpid_end" ] && kill -0 "$wpid_end" 2>/dev/null; then
    notes+=("worker $wpid_end still alive 5s after the push")
  fi
  others=$(running_releases | grep -vx -- "$live" | grep -vx -- "${failed:-none}" | paste -sd, || true)

  # the row
  local req non2xx conn rd wr tmo sock cons conv="-" last failed_at
  req=$(wrk_field "$dir/wrk.txt" requests); non2xx=$(wrk_field "$dir/wrk.txt" non2xx)
  conn=$(wrk_field "$dir/wrk.txt" connect); rd=$(wrk_field "$dir/wrk.txt" read)
  wr=$(wrk_field "$dir/wrk.txt" write); tmo=$(wrk_field "$dir/wrk.txt" timeout)
  sock=$((conn + rd + wr + tmo))
  cons=$(records_agree "$live" "$failed" "$dir")
  last=$(awk '/=====>/ {t = $1} END {print t}' "$dir/push.txt")
  if [ -n "$t0" ] && [ -n "$last" ] && grep -q "deploy FAILED" "$dir/push.txt"; then
    conv=$(elapsed "$t0" "$last")
    n_conv=$((n_conv + 1))
    max_conv=$(awk -v a="$max_conv" -v b="$conv" 'BEGIN {print (b > a ? b : a)}')
  fi
  failed_at=$(sed -n 's/.*deploy FAILED at \([a-z_]*\): .*/\1/p' "$dir/push.txt" | head -n 1)
  [ -n "$failed_at" ] || failed_at=$(grep -q "deploy FAILED" "$dir/push.txt" && echo "(other)" || echo "(did not fail)")
  [ "$failed_at" = "$step" ] || notes+=("expected $step")
  [ "$push_rc" = 0 ] || notes+=("push exit $push_rc")
  [ "$push_rc" != 124 ] || notes+=("push did not end within 120s")
  [ -z "$kill_note" ] || notes+=("$kill_note")
  [ -z "$others" ] || notes+=("other releases running: $others")
  [ ! -e "$releases_dir/.partial-$failed" ] || notes+=("staging dir left: .partial-$failed")
  [ "${cons%%:*}" = y ] || notes+=("${cons#n: }")
  emit "$name" "$what" "$req" "$wrk_took" "$non2xx" "$sock" "$rd" "${cons%%:*}" "$orphans" "$conv" "$(join "$failed_at" "${notes[@]}")"
  tot_req=$((tot_req + req)); tot_non2xx=$((tot_non2xx + non2xx)); tot_sock=$((tot_sock + sock)); tot_read=$((tot_read + rd))
  tot_orph=$((tot_orph + orphans)); n_cases=$((n_cases + 1))
  [ "${cons%%:*}" != y ] || n_cons=$((n_cons + 1))
}

# The daemon killed -9 while the old instance drains (drain 4s), then sortie server start: the old
# instance must stop once its drain is over; everything names the new release.
run_daemon_case() {
  local name=daemon/kill9-drain dir before oldpid push_pid push_rc=0 daemon t0 tconv="" started notes=() i
  case_num=$((case_num + 1))
  dir=$evidence/$case_num-daemon-kill9-drain
  mkdir -p "$dir"
  rm -f "$ctl"/*
  server_yml 4s
  "$sortie" server stop > "$dir/server.txt" 2>&1
  "$sortie" server start >> "$dir/server.txt" 2>&1
  for i in $(seq 1 100); do # start brings the live release back; wait until nginx answers from it
    curl -fsS -o /dev/null -H "Host: $app.localhost" "http://127.0.0.1:$port/" 2>/dev/null && break
    sleep 0.2
  done
  before=$(current_release)
  oldpid=$(instance_pids "$before" | head -n 1)
  write_app "case $name" ""
  git -C "$repo" add -A
  git -C "$repo" commit -q -m "case $name"
  local sha
  sha=$(git -C "$repo" rev-parse HEAD)
  start_wrk "$dir/wrk.txt"
  sleep 0.5
  { timeout 120 git -C "$repo" push production main 2>&1 | stamp_lines > "$dir/push.txt"; } &
  push_pid=$!
  bg_pids+=("$push_pid")
  wait "$push_pid" || push_rc=$?
  grep -q "drains for 4.0s" "$dir/push.txt" || notes+=("the push did not say the old release drains for 4.0s")
  daemon=$(<"$SORTIE_HOME/run/server.pid")
  kill -9 "$daemon"
  t0=$(now)
  for i in $(seq 1 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.05; done
  if [ -n "$oldpid" ] && kill -0 "$oldpid" 2>/dev/null; then
    notes+=("old instance outlived the daemon")
  else
    notes+=("old instance was already gone at the kill")
  fi
  "$sortie" server start >> "$dir/server.txt" 2>&1 || notes+=("server start failed")
  started=$(now)
  for i in $(seq 1 300); do
    if [ -z "$oldpid" ] || ! kill -0 "$oldpid" 2>/dev/null; then tconv=$(now); break; fi
    sleep 0.05
  done
  stop_wrk "$(awk -v e="$(now)" 'BEGIN {printf "%.6f", e + 1}')"
  sleep_until "$(awk -v e="$started" 'BEGIN {printf "%.6f", e + 5}')"
  instance_pids "$before" > "$dir/orphans.txt"
  local orphans
  orphans=$(wc -l < "$dir/orphans.txt")
  local after req non2xx conn rd wr tmo sock cons conv="-" journal
  journal=$(journal_of "$sha" || true)
  [ -z "$journal" ] || cp "$journal" "$dir/journal.jsonl"
  after=$(current_release)
  [ "$after" != "$before" ] || notes+=("the new release did not go live")
  req=$(wrk_field "$dir/wrk.txt" requests); non2xx=$(wrk_field "$dir/wrk.txt" non2xx)
  conn=$(wrk_field "$dir/wrk.txt" connect); rd=$(wrk_field "$dir/wrk.txt" read)
  wr=$(wrk_field "$dir/wrk.txt" write); tmo=$(wrk_field "$dir/wrk.txt" timeout)
  sock=$((conn + rd + wr + tmo))
  cons=$(records_agree "$after" - "$dir")
  [ -z "$tconv" ] || { conv=$(elapsed "$t0" "$tconv"); n_conv=$((n_conv + 1)); max_conv=$(awk -v a="$max_conv" -v b="$conv" 'BEGIN {print (b > a ? b : a)}'); }
  [ -n "$tconv" ] || notes+=("old instance $oldpid still running 15s after server start")
  local retiring due
  retiring=$(sed -n 's/^{"at":"\([^"]*\)","event":{"type":"retiring".*/\1/p' "$dir/journal.jsonl" 2>/dev/null | head -n 1)
  if [ -n "$retiring" ] && [ -n "$tconv" ]; then
    due=$(awk -v r="$(iso_to_epoch "$retiring")" 'BEGIN {printf "%.6f", r + 4}')
    notes+=("old instance stopped $(elapsed "$due" "$tconv")s after its drain was due")
  fi
  [ "$push_rc" = 0 ] || notes+=("push exit $push_rc")
  [ "${cons%%:*}" = y ] || notes+=("${cons#n: }")
  emit "$name" "daemon kill -9 in a 4s drain; start" "$req" "$wrk_took" "$non2xx" "$sock" "$rd" "${cons%%:*}" "$orphans" "$conv" "$(join "live $after" "${notes[@]}")"
  tot_req=$((tot_req + req)); tot_non2xx=$((tot_non2xx + non2xx)); tot_sock=$((tot_sock + sock)); tot_read=$((tot_read + rd))
  tot_orph=$((tot_orph + orphans)); n_cases=$((n_cases + 1))
  [ "${cons%%:*}" != y ] || n_cons=$((n_cons + 1))
  server_yml 1s # takes effect at the next server start
}

for c in "${selected[@]}"; do
  if [ "$c" = daemon/kill9-drain ]; then
    run_daemon_case
  else
    run_case "${c%%/*}" "${c#*/}"
  fi
done
emit "TOTAL ($n_cases cases)" "" "$tot_req" "" "$tot_non2xx" "$tot_sock" "$tot_read" "$n_cons/$n_cases" "$tot_orph" "$max_conv" \
  "conv: the slowest of $n_conv converged cases"
echo "evidence: $evidence"
