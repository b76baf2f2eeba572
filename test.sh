#!/usr/bin/env bash
# Runs the whole test suite (unit, component and end-to-end) on a fresh machine: installs the real
# parts the tests use when they are missing (as root, with apt-get), then runs mvn -B verify.
#
#   ./test.sh                 everything
#   ./test.sh faults          only the fault tier (kills, crashes and bursts under wrk load)
#   ./test.sh slow            only the slow tier (thirty deploys in a row)
#   ./test.sh fleet           only the fleet tier (hosts as network namespaces: needs root and iproute2)
#   ./test.sh quick           everything but the fault, slow and fleet tiers
#   ./test.sh -Dtest=Foo      other arguments go to Maven
set -euo pipefail
cd "$(dirname "$0")"

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have git   || need+=(git)
have nginx || need+=(nginx)
have curl  || need+=(curl)
have lnav  || need+=(lnav)
have wrk   || need+=(wrk)
have mvn   || need+=(maven)
have python3 || need+=(python3)
have systemd-analyze || need+=(systemd) # systemd-analyze verify checks sortie.service (SystemInstallE2ETest)
have pebble || need+=(pebble)   # the ACME test server (and pebble-challtestsrv, its DNS) for the HTTPS tests
have sshd  || need+=(openssh-server)
have ssh   || need+=(openssh-client)
have ip    || need+=(iproute2)  # network namespaces as the fleet tier's hosts (FleetE2ETest)
have chromium || need+=(chromium)  # headless, over the DevTools protocol: the bots' HTML report and dashboard tests
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "test.sh: missing ${need[*]}; install them (Debian/Ubuntu: sudo apt-get install ${need[*]}) or run this as root" >&2
    exit 1
  fi
fi
# nginx from Debian's package is not started here: Sortie runs its own nginx master per SORTIE_HOME.
# Nor is the machine's sshd: the SSH tests start their own on a loopback port, with their own config.

case "${1:-}" in
  faults) shift; set -- -Dgroups=faults "$@" ;;
  slow)   shift; set -- -Dgroups=slow "$@" ;;
  fleet)  shift; set -- -Dgroups=fleet "$@" ;;
  quick)  shift; set -- -DexcludedGroups=faults,slow,fleet "$@" ;;
esac
exec mvn -B verify "$@"
