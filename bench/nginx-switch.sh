#!/usr/bin/env bash
# What a site switch costs: a private nginx on loopback (its own prefix under a temp dir, a free port)
# switches one app between two upstreams N times with SiteSwitch.switchTo and prints the median,
# min and max time of one switch (render, nginx -t, reload, confirm). Needs nginx.
#   bench/nginx-switch.sh [N]      (default 20)
set -euo pipefail
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "needs nginx: apt-get install -y nginx" >&2; exit 1; }
source "$(dirname "$0")/bots-env.sh"
"$java" -XX:+UseSerialGC -cp "$cp" dev.sortie.nginx.SiteSwitchBench "${1:-20}"
