#!/usr/bin/env bash
# Installs Sortie: checks (and, as root, installs) what it needs, builds it, and puts `sortie` on PATH.
#
#   ./install.sh                 build and install (as root into /usr/local, else into ~/.local)
#   ./install.sh --prefix DIR    install into DIR/bin, DIR/lib/sortie and DIR/share/sortie
#   ./install.sh --no-build      install the jar already built in target/ (used by the test suite)
#   ./install.sh --no-cds        skip building the class-data-sharing archives (faster install, slower pushes)
#   ./install.sh --system        as root: a server install: the sortie user, SORTIE_HOME=/var/lib/sortie, sortie.service
#   ./install.sh --uninstall     undo --system: stop the daemon and its apps, remove the unit, the launcher and lib
#                                (/var/lib/sortie stays; --purge removes it and the sortie user too)
#   --root DIR                   with --system or --uninstall: every file under DIR instead of /, no useradd or systemctl
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=""
build=1
cds=1
system=0
uninstall=0
purge=0
root=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-build) build=0; shift ;;
    --no-cds) cds=0; shift ;;
    --system) system=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    --purge) purge=1; shift ;;
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --root=*) root=${1#--root=}; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '%s\n' "install.sh: $*"; }
die() { printf '%s\n' "install.sh: $*" >&2; exit 1; }

# The system install (README: Installing on a server). Everything it writes is under $root (empty: /).
if [ -n "$root" ]; then
  [ "$system" = 1 ] || [ "$uninstall" = 1 ] || die "--root goes with --system or --uninstall"
  case "$root" in /*) ;; *) die "--root needs an absolute directory, got $root" ;; esac
  case "$root" in *[[:space:]\"\'\\]*) die "--root must not contain spaces, quotes or backslashes (they would need quoting in sortie.service)" ;; esac
  root=${root%/}
fi
[ "$purge" = 0 ] || [ "$uninstall" = 1 ] || die "--purge goes with --uninstall"
[ "$system" = 0 ] || [ "$uninstall" = 0 ] || die "--system and --uninstall do opposite things; pick one"
if [ "$system" = 1 ] || [ "$uninstall" = 1 ]; then
  [ -z "$prefix" ] || die "--system installs into /usr/local (under --root DIR, if given); it takes no --prefix"
  [ -n "$root" ] || [ "$(id -u)" = 0 ] || die "--system and --uninstall run as root (sudo ./install.sh ...), or with --root DIR"
  prefix="$root/usr/local"
  sortie_user=sortie
  sortie_home="$root/var/lib/sortie"
  unit="$root/etc/systemd/system/sortie.service"
fi
if [ -z "$prefix" ]; then
  if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi

systemd_booted() { [ -d /run/systemd/system ]; } # sd_booted(3): systemd is PID 1
pid1() { cat /proc/1/comm 2>/dev/null || echo unknown; }
# Runs a command as the sortie user with the capability to bind ports below 1024 (what sortie.service grants), the way
# the unit would: its home, a plain environment. Under --root there is no sortie user: the command runs as whoever runs this.
as_sortie() {
  local env=(env -i "PATH=$prefix/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "SORTIE_HOME=$sortie_home"
    "LANG=${LANG:-C.UTF-8}")
  if [ -n "$root" ]; then
    "${env[@]}" "HOME=${HOME:-/root}" "$@"
  else
    setpriv --reuid "$sortie_user" --regid "$sortie_user" --init-groups --inh-caps +net_bind_service --ambient-caps +net_bind_service \
      -- "${env[@]}" "HOME=$sortie_home" "USER=$sortie_user" "LOGNAME=$sortie_user" "$@"
  fi
}
# The daemon where systemd does not start it: as the sortie user with the unit's capabilities (templates/sortie.service)
daemon_caps=+net_bind_service,+setuid,+setgid,+chown,+fowner,+dac_override,+kill
as_daemon() {
  if [ -n "$root" ]; then
    as_sortie "$@"
  else
    setpriv --reuid "$sortie_user" --regid "$sortie_user" --init-groups --inh-caps "$daemon_caps" --ambient-caps "$daemon_caps" \
      -- env -i "PATH=$prefix/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "SORTIE_HOME=$sortie_home" \
      "LANG=${LANG:-C.UTF-8}" "HOME=$sortie_home" "USER=$sortie_user" "LOGNAME=$sortie_user" "$@"
  fi
}

if [ "$uninstall" = 1 ]; then
  if [ -x "$prefix/bin/sortie" ] && [ -d "$sortie_home" ]; then
    # the daemon first, with every app instance and the managed nginx: sortie.service's KillMode=process leaves those running
    as_sortie "$prefix/bin/sortie" server stop || say "warning: sortie server stop failed; stopping the service anyway"
  fi
  if [ -z "$root" ] && systemd_booted && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now sortie.service 2>/dev/null || true
  elif [ -z "$root" ]; then
    say "systemd is not PID 1 here (PID 1 is $(pid1)): no service to stop"
  fi
  rm -f "$unit"
  if [ -z "$root" ] && systemd_booted && command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload; fi
  rm -rf "$prefix/lib/sortie" "$prefix/share/sortie"
  rm -f "$prefix/bin/sortie"
  say "removed $unit, $prefix/bin/sortie, $prefix/lib/sortie and $prefix/share/sortie"
  if [ "$purge" = 1 ]; then
    if [ -z "$root" ] && [ -d "$sortie_home/apps" ]; then
      # app_users: each app's dir belongs to its own user (sortie-APP, made by Sortie): those users and groups go too
      for dir in "$sortie_home"/apps/*/; do
        [ -d "$dir" ] || continue
        owner=$(stat -c %U "$dir")
        case "$owner" in
          sortie-*)
            if id -u "$owner" >/dev/null 2>&1; then userdel "$owner" && say "removed the app user $owner"; fi
            if getent group "$owner" >/dev/null 2>&1; then groupdel "$owner"; fi ;;
        esac
      done
    fi
    rm -rf "$sortie_home"
    if [ -n "$root" ]; then
      say "--root: not running userdel $sortie_user"
    elif id -u "$sortie_user" >/dev/null 2>&1; then
      userdel "$sortie_user" && say "removed the $sortie_user user"
    fi
    say "purged $sortie_home: every app, release, config var and log is gone"
  else
    say "kept $sortie_home (apps, releases, config vars, logs) and the $sortie_user user; ./install.sh --uninstall --purge removes them"
  fi
  exit 0
fi

java_major() { # prints the major version of the java at $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_jdk() { # a JDK 21+ with javac: JAVA_HOME, java on PATH, then the system's JVM directory
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in /usr/lib/jvm/*; do candidates+=("$c"); done
  local best="" best_v=0 v
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(java_major "$c/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$c; best_v=$v; fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ "$build" = 0 ] || command -v mvn >/dev/null 2>&1 || missing+=(maven)
jdk=$(find_jdk || true)
[ -n "$jdk" ] || missing+=(openjdk-21-jdk-headless)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    jdk=$(find_jdk || true)
  else
    die "missing: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) or run this as root."
  fi
fi
# lnav reads bot_run.log (docs/bot-logs.md): wanted, not required
if ! command -v lnav >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing lnav with apt-get (to read bot logs)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lnav >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lnav >/dev/null; } \
      || say "warning: could not install lnav; bot logs stay plain text files"
  else
    say "note: lnav is not installed; install it to query bot logs (sudo apt-get install lnav)"
  fi
fi
[ -n "$jdk" ] || die "no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. apt-get install openjdk-21-jdk-headless"
say "using the JDK at $jdk (Java $(java_major "$jdk/bin/java"))"

if [ "$build" = 1 ]; then
  say "building (mvn package; the first build downloads dependencies)"
  (cd "$here" && mvn -B -q -DskipTests package) || die "the build failed"
fi
jar="$here/target/sortie.jar"
[ -f "$jar" ] || die "$jar is missing; run without --no-build"

lib="$prefix/lib/sortie"
bin="$prefix/bin"
mkdir -p "$lib" "$bin"
# archives of the jar being replaced are stale: a JVM would ignore them, but they only take room
rm -rf "$lib/cds" "$lib/cds.new"
cp "$jar" "$lib/sortie.jar.tmp" && mv "$lib/sortie.jar.tmp" "$lib/sortie.jar"
# the lnav format for bot_run.log (docs/bot-logs.md): lnav -i "$prefix/share/sortie/lnav/sortie_bots.json"
mkdir -p "$prefix/share/sortie/lnav"
cp "$here/lnav/sortie_bots.json" "$prefix/share/sortie/lnav/sortie_bots.json"
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
# Where git keeps its system config, as JGit would find it (the first file of `git config --system
# --show-origin --list -z`; none when that fails): the launcher tells JGit, which otherwise runs git
# twice to find out in every command that opens a repository.
git_system_config=$(git config --system --show-origin --list -z 2>/dev/null | tr '\0' '\n' | head -n 1 | sed -n 's/^file://p' || true)
# Class-data-sharing archives, one per kind of Sortie JVM (see train_cds below): on JDK 25+ an AOT
# cache (JEP 483/514: classes loaded and linked, lambda forms, profiles), before that a dynamic CDS
# archive. A JVM ignores one that is missing or stale (another jar, another JDK) and starts as it
# would without, silently (CDS/AOT logging off). app/ClassDataArchives.java makes the same choice
# for the daemon and its workers.
if [ "$(java_major "$jdk/bin/java")" -ge 25 ]; then
  cds_ext=aot cds_train=-XX:AOTCacheOutput cds_use=-XX:AOTCache cds_quiet="-Xlog:cds*=off -Xlog:aot*=off"
else
  cds_ext=jsa cds_train=-XX:ArchiveClassesAtExit cds_use=-XX:SharedArchiveFile cds_quiet="-Xlog:cds*=off"
fi
# The launcher. A git hook (or any other command) starts with the archive of its kind.
launcher_home=""
if [ "$system" = 1 ]; then # the system install's commands, git hooks and SSH sessions use its home unless told otherwise
  launcher_home="
SORTIE_HOME=\${SORTIE_HOME:-$(q "$sortie_home")}
export SORTIE_HOME"
fi
cat > "$bin/sortie.tmp" <<LAUNCHER
#!/bin/sh
# sortie launcher, written by install.sh from $here
SORTIE_LAUNCHER=$(q "$bin/sortie")
export SORTIE_LAUNCHER$launcher_home
case "\${1:-}" in
  git-hook) kind=git-hook ;;
  *) kind=cli ;;
esac
# C1 alone starts a short command fastest; a load run or the bot server runs for minutes and
# needs C2's code (35-45% more requests per core: bench/bots-vs-peers.sh).
case "\${1:-} \${2:-}" in
  "bots run"|"bots serve") jit="" ;;
  *) jit=-XX:TieredStopAtLevel=1 ;;
esac
if [ -n "\${SORTIE_CDS_TRAINING_DIR:-}" ]; then
  cds="$cds_train=\$SORTIE_CDS_TRAINING_DIR/\$kind.\$\$.$cds_ext"
else
  cds="$cds_use="$(q "$lib/cds")"/\$kind.$cds_ext"
fi
exec $(q "$jdk/bin/java") -XX:+UseSerialGC \$jit -Xss1m $cds_quiet "\$cds" -Dsortie.gitSystemConfig=$(q "$git_system_config") -cp $(q "$lib/sortie.jar") dev.sortie.cli.Launcher "\$@"
LAUNCHER
chmod 755 "$bin/sortie.tmp" && mv "$bin/sortie.tmp" "$bin/sortie"

free_port() { # a loopback port nothing listens on
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# Class-data-sharing archives from a real run: a throwaway SORTIE_HOME, an app served by the JDK's
# jwebserver, two pushes (a first deploy, which starts the daemon, and one that replaces a release)
# and two commands, with
# every Sortie JVM (launcher, daemon, worker) writing what it loaded as it exits ($cds_train).
# The largest archive of each kind is kept in $lib/cds.
# Best effort: without archives everything works, only slower.
within() { # within SECONDS COMMAND...: the command, stopped if it runs longer (when coreutils' timeout is there)
  local s=$1; shift
  if command -v timeout >/dev/null 2>&1; then timeout "$s" "$@"; else "$@"; fi
}
train_cds() {
  local t port kind best ok=0
  t=$(mktemp -d "${TMPDIR:-/tmp}/sortie-cds.XXXXXX") || return 1
  port=$(free_port)
  mkdir -p "$t/home" "$t/archives" "$t/app"
  printf 'nginx:\n  port: %s\ndrain: 0s\nstop_timeout: 5s\n' "$port" > "$t/home/sortie.yml"
  printf 'run: [%s, -b, 127.0.0.1, -p, $PORT]\n' "$jdk/bin/jwebserver" > "$t/app/sortie.yml"
  ( # every step checked by hand: set -e does not hold in a subshell whose status is tested
    export SORTIE_HOME="$t/home"
    export GIT_AUTHOR_NAME=sortie GIT_AUTHOR_EMAIL=install@sortie.invalid GIT_COMMITTER_NAME=sortie GIT_COMMITTER_EMAIL=install@sortie.invalid
    within 60 "$bin/sortie" apps create training || exit 1
    # from here on every Sortie JVM writes an archive (each one takes a second or two more to exit),
    # the daemon the first push starts and its workers included
    export SORTIE_CDS_TRAINING_DIR="$t/archives"
    cd "$t/app" && git init -q -b main || exit 1
    for n in 1 2; do
      echo "release $n" > index.html
      git add -A && git commit -q -m "release $n" && within 180 git push "$t/home/apps/training/repo.git" main || exit 1
    done
    within 60 "$bin/sortie" ps || exit 1
    within 60 "$bin/sortie" logs training --deploy "$(ls "$t/home/apps/training/deploys" | tail -n 1 | sed 's/\.jsonl$//')" || exit 1
  ) > "$t/log" 2>&1 && ok=1
  SORTIE_HOME="$t/home" within 120 "$bin/sortie" server stop >> "$t/log" 2>&1 || ok=0
  # the daemon and its spare worker write their archives as they exit, after "server stop" returned:
  # wait (up to a minute) until no process runs with this training dir on its command line
  printf '%s' "$cds_train=$t/archives/" > "$t/pattern"
  for _ in $(seq 1 600); do
    grep -qsFf "$t/pattern" /proc/[0-9]*/cmdline || break
    sleep 0.1
  done
  if [ "$ok" = 1 ] && [ "$(grep -c "is live at" "$t/log")" -ge 2 ]; then
    mkdir -p "$lib/cds.new"
    for kind in cli git-hook server worker; do
      # the largest of a kind loaded the most classes; of the hooks, the last push's is the typical one
      # (the first push's hook also started the daemon)
      best=$(ls "$([ "$kind" = git-hook ] && echo -t || echo -S)" "$t/archives/$kind".*."$cds_ext" 2>/dev/null | head -n 1 || true)
      [ -n "$best" ] && mv "$best" "$lib/cds.new/$kind.$cds_ext"
    done
    mv "$lib/cds.new" "$lib/cds"
    say "built class-data-sharing archives in $lib/cds ($(ls "$lib/cds" | tr '\n' ' '))"
  else
    say "warning: could not build the class-data-sharing archives (pushes work, only slower); what happened:"
    sed 's/^/    /' "$t/log" | tail -n 20 >&2
  fi
  rm -rf "$t"
}
if [ "$cds" = 1 ]; then
  say "building class-data-sharing archives from a trial deploy (skip with --no-cds)"
  train_cds || say "warning: could not build the class-data-sharing archives"
fi
say "installed $bin/sortie ($("$bin/sortie" --version))"

# The server: the sortie user, its home, the daemon's unit, and the daemon started.
if [ "$system" = 1 ]; then
  if [ -n "$root" ]; then
    say "--root $root: not creating the $sortie_user user (useradd) nor running systemctl; files are written under $root"
  elif ! id -u "$sortie_user" >/dev/null 2>&1; then
    # /bin/sh: the SSH access's authorized_keys lines run a forced command (restrict,command=...) through the user's shell
    useradd --system --user-group --home-dir "$sortie_home" --no-create-home --shell /bin/sh \
      --comment "Sortie deploys" "$sortie_user"
    say "created the system user $sortie_user (home $sortie_home)"
  fi
  mkdir -p "$sortie_home/run" "$(dirname "$unit")"
  chmod 0750 "$sortie_home"
  chmod 0700 "$sortie_home/run"
  touch "$sortie_home/run/server.log"
  if [ ! -f "$sortie_home/sortie.yml" ]; then
    # a server answers on every address, on the standard ports (the unit grants the capability to bind them); nginx by
    # its full path, as a daemon started from an SSH session (whose PATH has no sbin) finds it too
    nginx_bin=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
    # apps as their own users need a daemon that may make users: the sortie user with the unit's capabilities, or root
    app_users=true
    [ -z "$root" ] || [ "$(id -u)" = 0 ] || app_users=false
    cat > "$sortie_home/sortie.yml" <<YAML
# The server's config, written by install.sh --system (README: Installing on a server); yours to edit, kept on reinstall.
nginx:
  listen: 0.0.0.0
  port: 80
  https_port: 443
  binary: $nginx_bin
# each app's builds, hooks, bots and instances run as its own Unix user, sortie-APP (README: Apps kept apart)
app_users: $app_users
YAML
    say "wrote $sortie_home/sortie.yml (nginx on 0.0.0.0, ports 80 and 443; each app as its own user)"
  fi
  if [ -z "$root" ]; then
    # only what the installer made: under §5's per-app users the apps' files have owners of their own
    chown "$sortie_user:$sortie_user" "$sortie_home" "$sortie_home/run" "$sortie_home/run/server.log" "$sortie_home/sortie.yml"
    as_sortie test -x "$jdk/bin/java" || die "the $sortie_user user cannot run $jdk/bin/java; install a JDK it can read (apt-get install openjdk-21-jdk-headless)"
  fi
  sed -e "s|{{java}}|$jdk/bin/java|g" -e "s|{{jar}}|$lib/sortie.jar|g" -e "s|{{home}}|$sortie_home|g" \
      -e "s|{{user}}|$sortie_user|g" -e "s|{{cds}}|$cds_quiet $cds_use=$lib/cds/server.$cds_ext|g" \
      -e "s|{{template}}|$here/templates/sortie.service|g" "$here/templates/sortie.service" > "$unit.tmp"
  mv "$unit.tmp" "$unit"
  say "installed $unit"
  daemon_pid() { local p; p=$(cat "$sortie_home/run/server.pid" 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"; }
  if [ -z "$root" ] && systemd_booted; then
    systemctl daemon-reload
    systemctl enable sortie.service >/dev/null 2>&1
    # a restart, so a reinstall runs the new jar; KillMode=process: the apps keep running and the new daemon adopts them
    systemctl restart sortie.service
    say "started sortie.service (systemctl status sortie; it starts at boot)"
  else
    who=$sortie_user
    [ -z "$root" ] || who="$(id -un) (--root: no $sortie_user user is made for it)"
    if ! systemd_booted; then
      say "systemd is not PID 1 here (PID 1 is $(pid1), a container?): $unit is in place for a machine that boots with" \
        "systemd; starting the daemon directly as $who, with the unit's capabilities (to bind ports 80 and 443, and to run each app as its own user; it will not start at boot)"
    else
      say "--root: not using systemctl ($unit is not under /); starting the daemon directly as $who"
    fi
    if old=$(daemon_pid); then # a reinstall: the old daemon goes, its apps stay and the new one adopts them
      kill -TERM "$old"
      for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
    fi
    as_daemon "$bin/sortie" server start || die "the daemon did not start; see $sortie_home/run/server.log"
  fi
  say "next: sudo -u $sortie_user sortie apps create APP (README: Installing on a server)"
fi
case ":$PATH:" in
  *":$bin:"*) ;;
  *) say "note: $bin is not on your PATH; add it: export PATH=\"$bin:\$PATH\"" ;;
esac
