#!/usr/bin/env bash
# Installs Sortie: checks (and, as root, installs) what it needs, builds it, and puts `sortie` on PATH.
#
#   ./install.sh                 build and install (as root into /usr/local, else into ~/.local)
#   ./install.sh --prefix DIR    install into DIR/bin, DIR/lib/sortie and DIR/share/sortie
#   ./install.sh --no-build      install the jar already built in target/ (used by the test suite)
#   ./install.sh --no-cds        skip building the class-data-sharing archives (faster install, slower pushes)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=""
build=1
cds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-build) build=0; shift ;;
    --no-cds) cds=0; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$prefix" ]; then
  if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi

say() { printf '%s\n' "install.sh: $*"; }
die() { printf '%s\n' "install.sh: $*" >&2; exit 1; }

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
cat > "$bin/sortie.tmp" <<LAUNCHER
#!/bin/sh
# sortie launcher, written by install.sh from $here
SORTIE_LAUNCHER=$(q "$bin/sortie")
export SORTIE_LAUNCHER
case "\${1:-}" in
  git-hook) kind=git-hook ;;
  *) kind=cli ;;
esac
if [ -n "\${SORTIE_CDS_TRAINING_DIR:-}" ]; then
  cds="$cds_train=\$SORTIE_CDS_TRAINING_DIR/\$kind.\$\$.$cds_ext"
else
  cds="$cds_use="$(q "$lib/cds")"/\$kind.$cds_ext"
fi
exec $(q "$jdk/bin/java") -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m $cds_quiet "\$cds" -Dsortie.gitSystemConfig=$(q "$git_system_config") -cp $(q "$lib/sortie.jar") dev.sortie.cli.Launcher "\$@"
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
case ":$PATH:" in
  *":$bin:"*) ;;
  *) say "note: $bin is not on your PATH; add it: export PATH=\"$bin:\$PATH\"" ;;
esac
