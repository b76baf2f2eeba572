#!/usr/bin/env bash
# Hook handling cost per deploy, in fresh JVMs as pushes run it: compile + load of a ~100-line
# UpgradeHooks.java with nothing cached, load from the cache, and the check when there is no file.
# Needs target/sortie.jar (mvn -B -DskipTests package).   bench/hooks.sh [RUNS]
set -euo pipefail
runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
jar="$root/target/sortie.jar"
[ -f "$jar" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 1; }
java=""
for j in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
  [ -x "$j/bin/java" ] || continue
  v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then java="$j/bin/java"; fi
done
[ -n "$java" ] || { echo "needs a JDK 21+" >&2; exit 1; }
# compile the benchmark once, so its own source launch is not in the figures
classes=$(mktemp -d); trap 'rm -rf "$classes" "$work"' EXIT
"$(dirname "$java")/javac" -d "$classes" -cp "$jar" "$root/bench/HooksBench.java"
work=$(mktemp -d)
run() { "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$jar:$classes" HooksBench "$@"; }
echo "== cold: compile + load in a fresh JVM, nothing cached ($runs runs)"
for i in $(seq 1 "$runs"); do run cold "$work/cache-cold-$i" "run$i"; done
echo "== cached: load an unchanged UpgradeHooks.java from the cache, fresh JVM ($runs runs)"
run cold "$work/cache" same >/dev/null
for i in $(seq 1 "$runs"); do run cached "$work/cache" same; done
echo "== warm: compile + load repeated inside one JVM"
run warm "$work/cache-warm"
echo "== none: no UpgradeHooks.java"
run none "$work/cache-none"
