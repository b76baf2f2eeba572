# Sourced by bench/bots-*.sh: finds a JDK 21+ (the newest, as install.sh does), compiles the main
# and test classes, and copies them to a private directory so another build in this checkout
# cannot change them under a running benchmark. Sets: root, java, work (a temp dir removed on
# exit, unless the caller replaces the EXIT trap and calls bench_cleanup itself), cp.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
java="" best_v=0
for j in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
  [ -x "$j/bin/java" ] || continue
  v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then java="$j/bin/java"; best_v=$v; fi
done
[ -n "$java" ] || { echo "needs a JDK 21+ under /usr/lib/jvm or JAVA_HOME (apt-get install -y openjdk-21-jdk-headless)" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "needs maven (apt-get install -y maven)" >&2; exit 1; }
work=$(mktemp -d)
bench_cleanup() { rm -rf "$work"; }
trap bench_cleanup EXIT
echo "building (mvn test-compile) with $java (Java $best_v)" >&2
(cd "$root" && mvn -B -q test-compile && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/deps.txt") \
  > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; echo "the build failed" >&2; exit 1; }
cp -r "$root/target/classes" "$root/target/test-classes" "$work/"
cp="$work/test-classes:$work/classes:$(cat "$work/deps.txt")"
