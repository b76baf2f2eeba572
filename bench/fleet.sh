#!/usr/bin/env bash
# Wall time of a rolling fleet deploy (git push to the primary until its live line) to 1, 2 and 3 hosts, each
# host a network namespace with its own sshd, Sortie daemon and nginx (as the tests' NetnsHosts makes them), and
# the ratio of each to the 1-host roll. Also a plain push to a server with no fleet (the primary's own deploy,
# same app), for what fleet checks, shipping and SSH add. rolling: {batch: 1, pause: 0s}. The app is the tests'
# fleet fixture (no build: java Server.java), so the times are Sortie's own work plus each host's health check.
#
#   bench/fleet.sh [ROUNDS]         default 3 measured pushes per fleet size, after one unmeasured warm-up
#   SORTIE=/path/to/bin/sortie      the installed launcher (default: sortie on PATH)
#
# Needs root and iproute2. Uses namespaces sfbench-b1..b3 on the bridge sfbench-br (10.76.0.0/24) and deletes them
# (and everything running inside) on exit, and first, in case an earlier run was killed. Its names and subnet
# differ from the test tier's (sfleet-*, 10.77.0.0/24 and up), so it can run beside ./test.sh fleet.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rounds=${1:-3}
sortie=${SORTIE:-$(command -v sortie || echo /usr/local/bin/sortie)}
[ -x "$sortie" ] || { echo "needs sortie: ./install.sh, or SORTIE=/path/to/bin/sortie" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for c in ip git curl sshd ssh-keygen; do command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || { echo "needs $c" >&2; exit 1; }; done
sshd_bin=$(command -v sshd || echo /usr/sbin/sshd)
fixture="$(cd "$(dirname "$0")/.." && pwd)/src/test/resources/fixtures/fleet"
hosts=(b1 b2 b3)

work=$(mktemp -d /tmp/fleet-bench.XXXXXX)
netns_cleanup() {
  for ns in $(ip netns list | awk '{print $1}' | grep '^sfbench-' || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^sfbench-' || true); do
    ip link del "$link" 2>/dev/null || true
  done
}
cleanup() {
  set +e
  SORTIE_HOME="$work/primary" "$sortie" server stop >/dev/null 2>&1
  SORTIE_HOME="$work/plain" "$sortie" server stop >/dev/null 2>&1
  for h in "${hosts[@]}"; do SORTIE_HOME="$work/$h/home" ip netns exec "sfbench-$h" "$sortie" server stop >/dev/null 2>&1; done
  netns_cleanup
  rm -rf "$work"
}
trap cleanup EXIT
netns_cleanup

ssh-keygen -q -t ed25519 -N '' -f "$work/primary.key"
ip link add sfbench-br type bridge
ip addr add 10.76.0.1/24 dev sfbench-br
ip link set sfbench-br up
: > "$work/known_hosts"
i=0
for h in "${hosts[@]}"; do
  i=$((i + 1)); addr="10.76.0.$((40 + i))"; ns="sfbench-$h"
  ip netns add "$ns"
  ip link add "sfbench-$h" type veth peer name eth0 netns "$ns"
  ip link set "sfbench-$h" master sfbench-br up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  mkdir -p "$work/$h/home"
  printf 'nginx: {listen: %s, port: 19480}\ndrain: 1s\nstop_timeout: 5s\nssh: {authorized_keys: %s}\n' "$addr" "$work/$h/authorized_keys" \
    > "$work/$h/home/sortie.yml"
  SORTIE_HOME="$work/$h/home" ip netns exec "$ns" "$sortie" ssh-keys add primary --admin < "$work/primary.key.pub" >/dev/null
  ssh-keygen -q -t ed25519 -N '' -f "$work/$h/host_key"
  cat > "$work/$h/sshd_config" <<CONF
Port 22
ListenAddress $addr
HostKey $work/$h/host_key
PidFile $work/$h/sshd.pid
AuthorizedKeysFile $work/$h/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
CONF
  mkdir -p /run/sshd
  ip netns exec "$ns" "$sshd_bin" -f "$work/$h/sshd_config" -E "$work/$h/sshd.log"
  echo "$addr $(cut -d' ' -f1,2 "$work/$h/host_key.pub")" >> "$work/known_hosts"
  SORTIE_HOME="$work/$h/home" ip netns exec "$ns" "$sortie" server start >/dev/null
done

port=$(free_port)
mkdir -p "$work/primary" "$work/plain"
base="nginx: {port: $port}\ndrain: 1s\nstop_timeout: 5s\n"
printf "nginx: {port: %s}\ndrain: 1s\nstop_timeout: 5s\n" "$(free_port)" > "$work/plain/sortie.yml"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@sortie.invalid GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@sortie.invalid
SORTIE_HOME="$work/primary" "$sortie" apps create shop >/dev/null
SORTIE_HOME="$work/plain" "$sortie" apps create shop >/dev/null
cp -r "$fixture" "$work/project"
git -C "$work/project" init -q -b main
git -C "$work/project" add -A
git -C "$work/project" commit -qm first
git -C "$work/project" remote add primary "$work/primary/apps/shop/repo.git"
git -C "$work/project" remote add plain "$work/plain/apps/shop/repo.git"

push() { # REMOTE: one commit pushed; prints the wall ms; fails the bench if it did not go live
  local n; n=$(( $(cat "$work/pushes" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$work/pushes" # runs in $(...): count in a file
  echo "push $n" > "$work/project/message.txt"
  git -C "$work/project" commit -qam "push $n"
  local start end out
  start=$(now_ms)
  out=$(git -C "$work/project" push -q "$1" main 2>&1)
  end=$(now_ms)
  grep -q ' is live at ' <<<"$out" || { echo "push $n to $1 did not go live:" >&2; echo "$out" | tail -15 >&2; exit 1; }
  echo $((end - start))
}

measure() { # REMOTE LABEL
  push "$1" >/dev/null || exit 1
  local times=() t
  for _ in $(seq 1 "$rounds"); do t=$(push "$1") || exit 1; times+=("$t"); done
  local m; m=$(median "${times[@]}")
  echo "$2: ${times[*]} ms, median $m ms" >&2
  echo "$m"
}

SORTIE_HOME="$work/plain" "$sortie" server start >/dev/null
plain=$(measure plain "no fleet (the server deploys to itself)") || exit 1
declare -A med
for size in 1 2 3; do
  list=""
  for k in $(seq 1 "$size"); do list+="{name: ${hosts[$((k - 1))]}, ssh: root@10.76.0.$((40 + k))}, "; done
  printf "${base}fleet:\n  hosts: [%s]\n  rolling: {batch: 1, pause: 0s}\n  identity: %s\n  known_hosts: %s\n" \
    "${list%, }" "$work/primary.key" "$work/known_hosts" > "$work/primary/sortie.yml"
  SORTIE_HOME="$work/primary" "$sortie" server stop >/dev/null 2>&1 || true
  SORTIE_HOME="$work/primary" "$sortie" server start >/dev/null
  med[$size]=$(measure primary "fleet of $size") || exit 1
done
echo
echo "== rolling deploy wall time, median of $rounds (batch 1, pause 0s; $(nproc) cores)"
printf 'no fleet        %6d ms\n' "$plain"
for size in 1 2 3; do
  printf 'fleet of %d      %6d ms   %.2fx the 1-host roll   %.2fx no fleet\n' "$size" "${med[$size]}" \
    "$(echo "${med[$size]} / ${med[1]}" | bc -l)" "$(echo "${med[$size]} / $plain" | bc -l)"
done
