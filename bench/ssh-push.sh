#!/usr/bin/env bash
# What pushing over SSH adds to a push: push-to-live of a no-build app (python3 -m http.server serving
# an index.html that changes every push) through Sortie over SSH (a private sshd on a loopback port,
# the key's forced command sortie ssh-shell), against the same push to the repo's local path. The two
# run interleaved (alternating which goes first) on the same app; after one unmeasured warm-up push
# each, prints every time, the medians, their ratio and difference, and for comparison the bare SSH
# handshake (ssh host true, with a key that has no forced command) and the handshake plus ssh-shell
# (a no-op git-upload-pack through the Sortie key: a JVM start and git's ref advertisement).
# Also a push of a branch that does not deploy, both ways: the transport and the hook alone.
#
#   bench/ssh-push.sh [ROUNDS]      default 5
#   SORTIE=/path/to/sortie          the installed launcher (default: sortie on PATH)
#   SETTLE=SECONDS                  pause before each measured push (default 2)
#
# Needs openssh-server (for /usr/sbin/sshd; the machine's own sshd and ~/.ssh are not used or changed),
# nginx, git, curl, python3. Uses a throwaway SORTIE_HOME and free loopback ports; stops everything it started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rounds=${1:-5}
sortie=${SORTIE:-$(command -v sortie || echo /usr/local/bin/sortie)}
[ -x "$sortie" ] || { echo "needs sortie: ./install.sh, or SORTIE=/path/to/bin/sortie" >&2; exit 1; }
sshd=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$sshd" ] || { echo "needs sshd: apt-get install -y openssh-server" >&2; exit 1; }
for c in git curl python3 ssh ssh-keygen; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 1; }; done

work=$(mktemp -d /tmp/ssh-push.XXXXXX)
export SORTIE_HOME="$work/home"
mkdir -p "$SORTIE_HOME" "$work/ssh"
cleanup() {
  set +e
  "$sortie" server stop >/dev/null 2>&1
  [ -f "$work/ssh/sshd.pid" ] && kill "$(cat "$work/ssh/sshd.pid")" 2>/dev/null
  sleep 0.3
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

await_content() { # curl through Sortie's nginx until it serves $1
  local deadline=$(( $(now_ms) + 30000 ))
  until [ "$(curl -s --max-time 2 -H "Host: plain.localhost" "http://127.0.0.1:$nginx_port/" 2>/dev/null)" = "$1" ]; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "timed out waiting for '$1'" >&2; return 1; }
    sleep 0.005
  done
}

# --- Sortie, its key, and a private sshd reading Sortie's authorized_keys ---------------------------
nginx_port=$(free_port)
ssh_port=$(free_port)
printf 'nginx:\n  port: %s\nssh:\n  authorized_keys: %s\n' "$nginx_port" "$work/ssh/authorized_keys" > "$SORTIE_HOME/sortie.yml"
"$sortie" apps create plain >/dev/null
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/pusher"
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/plain"
"$sortie" ssh-keys add bench --apps plain < "$work/ssh/pusher.pub" >/dev/null
cat "$work/ssh/plain.pub" >> "$work/ssh/authorized_keys"   # a login key without a forced command: the bare handshake
cat > "$work/ssh/sshd_config" <<CONF
Port $ssh_port
ListenAddress 127.0.0.1
HostKey $work/ssh/host_key
PidFile $work/ssh/sshd.pid
AuthorizedKeysFile $work/ssh/authorized_keys
AllowUsers $(id -un)
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitUserEnvironment no
PrintMotd no
CONF
mkdir -p /run/sshd 2>/dev/null || true
"$sshd" -f "$work/ssh/sshd_config" -E "$work/ssh/sshd.log"
until (exec 3<>"/dev/tcp/127.0.0.1/$ssh_port") 2>/dev/null; do sleep 0.05; done
ssh_with() { # $1 key: the ssh argv, without the host
  echo "ssh -F /dev/null -i $work/ssh/$1 -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes -o UserKnownHostsFile=$work/ssh/known_hosts -o StrictHostKeyChecking=accept-new -p $ssh_port"
}
host="$(id -un)@127.0.0.1"

mkdir -p "$work/app"
cat > "$work/app/sortie.yml" <<'YML'
run: [python3, -m, http.server, $PORT, --bind, 127.0.0.1]
YML
echo start > "$work/app/index.html"
git -C "$work/app" init -q -b main
git -C "$work/app" add -A
git -C "$work/app" -c user.name=bench -c user.email=bench@sortie.invalid commit -q -m start
git -C "$work/app" remote add local "$SORTIE_HOME/apps/plain/repo.git"
git -C "$work/app" remote add ssh "$host:plain"

push() { # $1 remote (local or ssh), $2 content; sets took: ms from the push's start to the content served
  echo "$2" > "$work/app/index.html"
  git -C "$work/app" -c user.name=bench -c user.email=bench@sortie.invalid commit -q -am "$2"
  local t0; t0=$(now_ms)
  GIT_SSH_COMMAND="$(ssh_with pusher)" git -C "$work/app" push -q "$1" main > "$work/push.out" 2>&1 \
    || { cat "$work/push.out" >&2; return 1; }
  await_content "$2" || { cat "$work/push.out" >&2; return 1; }
  took=$(( $(now_ms) - t0 ))
}
side_push() { # $1 remote: a push of a branch that does not deploy (the transport and the hook's start, no deploy); sets took
  git -C "$work/app" -c user.name=bench -c user.email=bench@sortie.invalid commit -q --allow-empty -m side
  local t0; t0=$(now_ms)
  GIT_SSH_COMMAND="$(ssh_with pusher)" git -C "$work/app" push -q "$1" HEAD:refs/heads/side-$RANDOM > "$work/push.out" 2>&1 \
    || { cat "$work/push.out" >&2; return 1; }
  took=$(( $(now_ms) - t0 ))
}
timed() { # runs "$@" quietly; sets took in ms
  local t0; t0=$(now_ms)
  "$@" </dev/null >/dev/null 2>&1 || true
  took=$(( $(now_ms) - t0 ))
}

push ssh warmup-ssh; first_ssh=$took
push local warmup-local; first_local=$took
echo "warm-up (not measured): first push over SSH $first_ssh ms, first local push $first_local ms"
settle=${SETTLE:-2}
s_times=() l_times=() h_times=() x_times=() bs_times=() bl_times=()
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) = 1 ]; then
    sleep "$settle"; push ssh "round-$i-ssh-$RANDOM"; s=$took
    sleep "$settle"; push local "round-$i-local-$RANDOM"; l=$took
  else
    sleep "$settle"; push local "round-$i-local-$RANDOM"; l=$took
    sleep "$settle"; push ssh "round-$i-ssh-$RANDOM"; s=$took
  fi
  # shellcheck disable=SC2046
  timed $(ssh_with plain) "$host" true; h=$took
  # shellcheck disable=SC2046
  timed $(ssh_with pusher) "$host" "git-upload-pack 'plain'"; x=$took
  side_push ssh; bs=$took
  side_push local; bl=$took
  s_times+=("$s"); l_times+=("$l"); h_times+=("$h"); x_times+=("$x"); bs_times+=("$bs"); bl_times+=("$bl")
  printf 'round %d: ssh %5d ms   local %5d ms   handshake %4d ms   handshake+ssh-shell %4d ms   no-deploy push: ssh %4d ms, local %4d ms\n' \
    "$i" "$s" "$l" "$h" "$x" "$bs" "$bl"
done
grep -q "key=bench command=\"git-receive-pack 'plain'\" allowed" "$SORTIE_HOME/run/ssh.log" \
  || { echo "the SSH pushes did not go through sortie ssh-shell: see $SORTIE_HOME/run/ssh.log" >&2; exit 1; }
"$sortie" deploys plain | grep -q "push by bench" || { echo "no deploy by key bench in sortie deploys" >&2; exit 1; }
ms=$(median "${s_times[@]}"); ml=$(median "${l_times[@]}"); mh=$(median "${h_times[@]}"); mx=$(median "${x_times[@]}")
mbs=$(median "${bs_times[@]}"); mbl=$(median "${bl_times[@]}")
echo "ssh:   ${s_times[*]} ms (median $ms)"
echo "local: ${l_times[*]} ms (median $ml)"
echo "ssh true (bare handshake): ${h_times[*]} ms (median $mh)"
echo "handshake + ssh-shell (no-op git-upload-pack): ${x_times[*]} ms (median $mx)"
echo "push of a branch that does not deploy: ssh ${bs_times[*]} ms (median $mbs), local ${bl_times[*]} ms (median $mbl)"
awk -v s="$ms" -v l="$ml" -v h="$mh" -v x="$mx" 'BEGIN {
  printf "ratio ssh/local: %.2fx; SSH adds %d ms to a push: the bare handshake is %d ms, handshake + ssh-shell %d ms\n", s / l, s - l, h, x }'
