# Helpers the bench scripts share; source it: . "$(dirname "$0")/lib.sh"

now_ms() { date +%s%3N; }

# a free loopback port: nothing answers a connect, from bash alone (no python start-up in the timed part)
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# the median of its arguments (whole numbers; the mean of the middle two, rounded down, for an even count)
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
