#!/usr/bin/env bash
# The pinned comparison of issue 11: a private nginx (its own prefix and conf in a temp dir,
# worker_processes 1, pinned to CPU 0 with taskset) serves a 512-byte file; each load generator,
# pinned to CPU 1, keeps 64 connections in a closed loop of one GET for SECONDS, in interleaved
# rounds (every tool once per round, so a noisy neighbour hits every tool alike). Tools: wrk, hey
# (Go), Gatling 3 (Netty; fetched from Maven Central into a cache dir, benchmark-only), Sortie bots
# as the installed launcher runs them and as plain `java -jar` (and, with TOOLS naming sortie-c1,
# with the C1-only flags the launcher used for every command before), and Locust (FastHttpUser). hey and
# Locust come from Debian and are installed when missing (as root); a tool that cannot be had is
# reported and skipped.
#
# Per tool, the median over rounds of: requests/s (as the tool reports it), the ratio to wrk,
# requests per CPU-second (all the requests the tool made / the user+system CPU time of its whole
# process: start-up, JIT and report included, as a user pays it) and p99 (ms, as the tool reports
# it: Gatling's is whole milliseconds).
#
#   bench/bots-vs-peers.sh [SECONDS [ROUNDS]]      (default: 15 5; e.g. `3 1` for a quick look)
#   TOOLS="wrk sortie-java" bench/bots-vs-peers.sh 10 3      (a subset, in this order)
#   NO_BUILD=1 uses target/sortie.jar as it is; GATLING_VERSION=3.14.3; CACHE=~/.cache/sortie-bench
set -euo pipefail
seconds=${1:-15}
rounds=${2:-5}
case "$seconds$rounds" in *[!0-9]*) echo "usage: bench/bots-vs-peers.sh [SECONDS [ROUNDS]] (whole numbers)" >&2; exit 2 ;; esac
[ "$seconds" -ge 1 ] && [ "$rounds" -ge 1 ] || { echo "SECONDS and ROUNDS must be at least 1" >&2; exit 2; }
tools=(${TOOLS:-wrk hey gatling sortie-launcher sortie-java locust})
conns=64
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${CACHE:-$HOME/.cache/sortie-bench}
gatling_version=${GATLING_VERSION:-3.14.3}
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (nginx on CPU 0, the generator on CPU 1); this machine has $(nproc)" >&2; exit 1; }
for c in taskset wrk curl; do
  command -v "$c" >/dev/null 2>&1 || { echo "needs $c: apt-get install -y util-linux wrk curl nginx" >&2; exit 1; }
done
source "$(dirname "$0")/lib.sh"

# the newest JDK 21+, as install.sh picks it
jdk="" best_v=0
for j in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
  [ -x "$j/bin/java" ] && [ -x "$j/bin/javac" ] || continue
  v=$("$j/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then jdk=$j; best_v=$v; fi
done
[ -n "$jdk" ] || { echo "needs a JDK 21+ under /usr/lib/jvm or JAVA_HOME" >&2; exit 1; }
java="$jdk/bin/java"

work=$(mktemp -d)
cleanup() { stop_pinned_nginx "$work"; rm -rf "$work"; }
trap cleanup EXIT
declare -A skip=()
want() { local t; for t in "${tools[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }
apt_install() { # apt_install PACKAGE: true if it is (now) installed
  dpkg -s "$1" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1; }
}

# ---- the tools
if want hey && ! command -v hey >/dev/null 2>&1; then
  apt_install hey || true
  command -v hey >/dev/null 2>&1 || { echo "hey is unavailable (apt-get install -y hey failed); skipping it" >&2; skip[hey]=1; }
fi
if want locust && ! command -v locust >/dev/null 2>&1; then
  apt_install python3-locust || true
  command -v locust >/dev/null 2>&1 || { echo "locust is unavailable (apt-get install -y python3-locust failed); skipping it" >&2; skip[locust]=1; }
fi
if want sortie-launcher || want sortie-java || want sortie-c1; then
  if [ -z "${NO_BUILD:-}" ]; then
    echo "building target/sortie.jar (mvn package)" >&2
    (cd "$root" && mvn -B -q -DskipTests package) > "$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; echo "the build failed" >&2; exit 1; }
  fi
  [ -f "$root/target/sortie.jar" ] || { echo "no $root/target/sortie.jar (run without NO_BUILD)" >&2; exit 1; }
  cp "$root/target/sortie.jar" "$work/sortie.jar" # another build in this checkout cannot change it mid-run
  if want sortie-launcher; then
    # the launcher as install.sh writes it (its flags are what is measured), in a private prefix
    (cd "$root" && ./install.sh --no-build --no-cds --prefix "$work/prefix") > "$work/install.log" 2>&1 \
      || { cat "$work/install.log" >&2; echo "install.sh failed" >&2; exit 1; }
  fi
fi
gatling_cp=""
if want gatling; then
  gdir="$cache/gatling-$gatling_version"
  if [ ! -f "$gdir/ready" ]; then
    echo "fetching Gatling $gatling_version from Maven Central into $gdir (once)" >&2
    mkdir -p "$gdir"
    cat > "$gdir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.sortie.bench</groupId><artifactId>gatling-fetch</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.gatling.highcharts</groupId><artifactId>gatling-charts-highcharts</artifactId><version>$gatling_version</version></dependency>
  </dependencies>
</project>
POM
    if (cd "$gdir" && rm -rf lib && mvn -B -q dependency:copy-dependencies -DoutputDirectory=lib) > "$work/gatling-fetch.log" 2>&1; then
      touch "$gdir/ready"
    else
      tail -20 "$work/gatling-fetch.log" >&2
    fi
  fi
  if [ -f "$gdir/ready" ]; then
    mkdir -p "$work/gatling/classes"
    cat > "$work/gatling/PeersSimulation.java" <<'JAVA'
import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;

/** USERS users, each looping one GET on its own keep-alive connection, for SECONDS. */
public class PeersSimulation extends Simulation {
    {
        HttpProtocolBuilder protocol = http.baseUrl(System.getProperty("url")).disableWarmUp().disableCaching();
        ScenarioBuilder get = scenario("get").forever().on(exec(http("get").get(System.getProperty("path"))));
        setUp(get.injectOpen(atOnceUsers(Integer.getInteger("users"))))
                .protocols(protocol)
                .maxDuration(Duration.ofSeconds(Integer.getInteger("seconds")));
    }
}
JAVA
    # as Gatling's bundle ships it: warnings only (logback's default is DEBUG, which floods the console)
    cat > "$work/gatling/classes/logback.xml" <<'XML'
<configuration>
  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} [%-5level] %logger{15} - %msg%n%rEx</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="CONSOLE"/></root>
</configuration>
XML
    gatling_cp="$work/gatling/classes:$gdir/lib/*"
    "$jdk/bin/javac" -d "$work/gatling/classes" -cp "$gdir/lib/*" "$work/gatling/PeersSimulation.java" 2> "$work/gatling/javac.log" \
      || { cat "$work/gatling/javac.log" >&2; gatling_cp=""; }
  fi
  [ -n "$gatling_cp" ] || { echo "Gatling is unavailable (see above); skipping it" >&2; skip[gatling]=1; }
fi

# ---- a private nginx, 1 worker, on CPU 0
pinned_nginx "$work"
url=$nginx_url

cat > "$work/get.yml" <<'YAML'
tree:
  name: get
  request: {path: /small.txt}
  expect: {status: 200}
YAML
cat > "$work/locustfile.py" <<'PY'
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser


class Get(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        self.client.get("/small.txt")
PY

# ---- one run of a tool: leaves "requests seconds p99_ms" in $work/result and its output in $work/out
cpu_seconds() { # the CPU time of the children of the subshell that called `times` (its second line)
  sed -n 2p "$1" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, a, /m|s/); n += a[1] * 60 + a[2] } printf "%.3f\n", n }'
}
pinned() { # pinned OUT COMMAND...: on CPU 1; the command's output to OUT, its CPU time to OUT.cpu
  local out=$1; shift
  ( taskset -c 1 "$@" > "$out" 2>&1; status=$?; times > "$out.cpu"; exit $status )
}
ms_of() { # 4.1ms / 950us / 1.2s / 0.0041 secs -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f\n", n }'
}
run_tool() {
  local tool=$1 out="$work/out" requests p99 secs
  rm -f "$work/bot_run.log"
  case "$tool" in
    wrk)
      pinned "$out" wrk -t1 -c"$conns" -d"${seconds}s" --latency "$url/small.txt" || return 1
      requests=$(awk '/requests in/ { print $1 }' "$out")
      secs=$(awk '/requests in/ { sub(/,$/, "", $4); print $4 }' "$out")
      secs=$(ms_of "$secs"); secs=$(awk -v m="$secs" 'BEGIN { print m / 1000 }')
      p99=$(ms_of "$(awk '$1 == "99%" { print $2 }' "$out")") ;;
    hey)
      pinned "$out" hey -z "${seconds}s" -c "$conns" "$url/small.txt" || return 1
      requests=$(awk '/\[200\]/ { sum += $2 } END { print sum + 0 }' "$out")
      secs=$(awk '/Total:/ { print $2; exit }' "$out")
      p99=$(awk '/99% in/ { printf "%.3f\n", $3 * 1000 }' "$out") ;;
    gatling)
      # the JVM options Gatling's own launchers (maven plugin, bundle) start it with
      pinned "$out" "$java" -server -Xmx1G -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxInlineLevel=20 -XX:MaxTrivialSize=12 \
        --add-opens=java.base/java.lang=ALL-UNNAMED -Durl="$url" -Dpath=/small.txt -Dusers="$conns" -Dseconds="$seconds" -cp "$gatling_cp" \
        io.gatling.app.Gatling -s PeersSimulation -rf "$work/gatling/results" -nr || return 1
      # the report (request count, percentiles) is built afterwards, outside the measured CPU time
      "$java" --add-opens=java.base/java.lang=ALL-UNNAMED -cp "$gatling_cp" io.gatling.app.Gatling -rf "$work/gatling/results" \
        -ro "$(ls -t "$work/gatling/results" | head -n 1)" > "$out.report" 2>&1 || { cat "$out.report" >> "$out"; return 1; }
      rm -rf "$work/gatling/results"
      requests=$(awk -F'|' '/> request count/ { gsub(/[ ,]/, "", $2); print $2; exit }' "$out.report")
      secs=$seconds
      p99=$(awk -F'|' '/99th percentile/ { gsub(/[ ,]/, "", $2); print $2; exit }' "$out.report") ;;
    sortie-launcher|sortie-java|sortie-c1)
      local cmd=("$work/prefix/bin/sortie")
      [ "$tool" = sortie-java ] && cmd=("$java" -jar "$work/sortie.jar")
      # the flags every command had before bot runs got the full JIT
      [ "$tool" = sortie-c1 ] && cmd=("$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss1m -jar "$work/sortie.jar")
      (cd "$work" && pinned "$out" "${cmd[@]}" bots run --tree get.yml --target "$url" --n "$conns" \
        --duration "${seconds}s" --log "$work/bot_run.log") || return 1
      requests=$(awk '$1 == "get" { print $2 }' "$out")
      secs=$seconds
      p99=$(ms_of "$(awk '$1 == "get" { print $9 }' "$out")") ;;
    locust)
      (cd "$work" && pinned "$out" locust -f locustfile.py --headless -u "$conns" -r "$conns" -t "${seconds}s" -H "$url" \
        --only-summary --csv "$work/locust" --loglevel WARNING) || return 1
      # Name,Type,...,Request Count,...; the Aggregated row; 99% is a column by that name
      read -r requests p99 < <(python3 - "$work/locust_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
agg = [r for r in rows if r["Name"] == "Aggregated"][0]
print(agg["Request Count"], agg["99%"])
PY
)
      secs=$seconds ;;
    *) echo "unknown tool $tool (known: wrk hey gatling sortie-launcher sortie-java sortie-c1 locust)" >&2; return 1 ;;
  esac
  [ -n "$requests" ] && [ "$requests" -gt 0 ] 2>/dev/null || { echo "$tool: no request count in its output" >&2; tail -20 "$out" >&2; return 1; }
  echo "$requests $secs ${p99:-0} $(cpu_seconds "$out.cpu")" > "$work/result"
}

echo "== $(date -u +%FT%TZ) $(uptime | sed 's/.*load/load/'); nginx 1 worker on CPU 0, generators on CPU 1, $conns connections,"
echo "   GET $url/small.txt (512 B), ${seconds}s x $rounds interleaved rounds; JDK $best_v at $jdk"
declare -A rps=() per_cpu=() p99s=()
for round in $(seq 1 "$rounds"); do
  for tool in "${tools[@]}"; do
    [ -z "${skip[$tool]:-}" ] || continue
    if run_tool "$tool"; then
      read -r requests secs p99 cpu < "$work/result"
      r=$(awk -v n="$requests" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
      c=$(awk -v n="$requests" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? n / c : 0) }')
      printf 'round %d  %-16s %9s req/s  %9s req/CPU-s  p99 %sms  (%s requests, %ss CPU)\n' "$round" "$tool" "$r" "$c" "$p99" "$requests" "$cpu"
      rps[$tool]+="$r " per_cpu[$tool]+="$c " p99s[$tool]+="$p99 "
    else
      [ -z "${DEBUG_OUT:-}" ] || cp "$work/out" "$DEBUG_OUT.$tool"
      tail -15 "$work/out" | sed 's/^/    /'
      echo "round $round  $tool failed (output above); left out of this round"
    fi
  done
done

echo "== median of $rounds rounds ($(uptime | sed 's/.*load/load/'))"
wrk_rps=""
[ -z "${rps[wrk]:-}" ] || wrk_rps=$(median_g ${rps[wrk]})
printf '| %-16s | %12s | %11s | %16s | %8s |\n' generator "requests/s" "ratio to wrk" "requests/CPU-s" "p99 ms"
printf '|%s|%s|%s|%s|%s|\n' ------------------ -------------- ------------- ------------------ ----------
for tool in "${tools[@]}"; do
  [ -n "${rps[$tool]:-}" ] || { printf '| %-16s | %12s | %12s | %16s | %8s |\n' "$tool" "n/a" "" "" ""; continue; }
  m=$(median_g ${rps[$tool]})
  ratio=$([ -n "$wrk_rps" ] && awk -v a="$m" -v b="$wrk_rps" 'BEGIN { printf "%.3f", a / b }' || echo "-")
  printf '| %-16s | %12.0f | %12s | %16.0f | %8s |\n' "$tool" "$m" "$ratio" "$(median_g ${per_cpu[$tool]})" "$(median_g ${p99s[$tool]})"
done
