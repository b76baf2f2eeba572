#!/usr/bin/env bash
# Installs Sortie: checks (and, as root, installs) what it needs, builds it, and puts `sortie` on PATH.
#
#   ./install.sh                 build and install (as root into /usr/local, else into ~/.local)
#   ./install.sh --prefix DIR    install into DIR/bin, DIR/lib/sortie and DIR/share/sortie
#   ./install.sh --no-build      install the jar already built in target/ (used by the test suite)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=""
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
cp "$jar" "$lib/sortie.jar.tmp" && mv "$lib/sortie.jar.tmp" "$lib/sortie.jar"
# the lnav format for bot_run.log (docs/bot-logs.md): lnav -i "$prefix/share/sortie/lnav/sortie_bots.json"
mkdir -p "$prefix/share/sortie/lnav"
cp "$here/lnav/sortie_bots.json" "$prefix/share/sortie/lnav/sortie_bots.json"
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
cat > "$bin/sortie.tmp" <<LAUNCHER
#!/bin/sh
# sortie launcher, written by install.sh from $here
SORTIE_LAUNCHER=$(q "$bin/sortie")
export SORTIE_LAUNCHER
exec $(q "$jdk/bin/java") -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m -cp $(q "$lib/sortie.jar") dev.sortie.cli.Launcher "\$@"
LAUNCHER
chmod 755 "$bin/sortie.tmp" && mv "$bin/sortie.tmp" "$bin/sortie"
say "installed $bin/sortie ($("$bin/sortie" --version))"
case ":$PATH:" in
  *":$bin:"*) ;;
  *) say "note: $bin is not on your PATH; add it: export PATH=\"$bin:\$PATH\"" ;;
esac
