#!/usr/bin/env bash
# Paired benchmark: the server's CPU time per request of one page, for two builds serving the same
# generated province (bench/run.sh's, on SQLite) side by side, alternating. On a shared machine
# throughput and p99 swing by ±30 % from one minute to the next; the CPU time the server process
# spends per request (utime + stime from /proc, over a wrk run at 8 connections) barely moves, so
# it shows what a change did to a page's cost. Each round runs A then B for 5 s; the medians and
# min–max of the rounds are printed.
# Usage: bash bench/cpu_per_request.sh BIN_A BIN_B [ROUNDS]
#   e.g. BIN_A=the build before a change, BIN_B=after. Needs: wrk, curl, python3.
# The pages: the station list by district, one station's page, its compliance page, a logged-in
# form page (the framework and session floor) and /styles.css (static).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/postgres.sh   # pg_free_port
source bench/server.sh
A=$1; B=$2; ROUNDS=${3:-3}
WORK=$(mktemp -d /tmp/shegong-cpu.XXXXXX)
trap 'kill $(cat "$WORK"/pid-* 2>/dev/null) 2>/dev/null; rm -rf "$WORK"' EXIT
export SHEGONG_DATA_DIR=$WORK/data
PASSWORD=bench-password-1
"$A" generate province --password "$PASSWORD" >"$WORK/generate.log" 2>&1
YEAR=$(( $(date +%Y) - 1 ))

serve() {   # name binary: starts it, logs in; writes $WORK/env-name
  local name=$1 bin=$2 port base
  port=$(pg_free_port); base=http://127.0.0.1:$port
  bench_serve "$bin" "$port" "$WORK/server-$name.log"
  echo "$BENCH_PID" >"$WORK/pid-$name"
  bench_login "$base" "$WORK/jar-$name" "$PASSWORD"
  printf 'base=%s\ncookie=%s\ndistrict=%s\nstation=%s\n' "$base" "$BENCH_COOKIE" "$BENCH_DISTRICT" "$BENCH_STATION" >"$WORK/env-$name"
}
serve A "$A"
serve B "$B"   # the same database: B migrates it first if it has a newer migration

echo "bash bench/cpu_per_request.sh — $(nproc) cores, SQLite, $(date -u +'%F %H:%M') UTC, A=$A B=$B"
echo "| page | A: server CPU ms per request, median (min–max) | B | B ÷ A |"
echo "|---|---|---|---|"
TICK=$(getconf CLK_TCK)
for route in '/stations?district=$district' '/stations/$station' '/stations/$station/compliance?year=$YEAR' '/account/password' '/styles.css'; do
  : >"$WORK/rounds"
  for _ in $(seq 1 "$ROUNDS"); do
    for name in A B; do
      source "$WORK/env-$name"
      path=$(eval echo "$route")
      pid=$(cat "$WORK/pid-$name")
      before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
      requests=$(wrk -t1 -c8 -d5s -H "Cookie: $cookie" "$base$path" | awk '/requests in/ {print $1}')
      after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
      echo "$name $before $after $requests" >>"$WORK/rounds"
    done
  done
  python3 - "$route" "$TICK" "$WORK/rounds" <<'EOF'
import statistics, sys
route, tick, rows = sys.argv[1], int(sys.argv[2]), [l.split() for l in open(sys.argv[3])]
ms = {n: [(float(b) - float(a)) * 1000 / tick / int(r) for name, a, b, r in rows if name == n] for n in "AB"}
fmt = lambda v: f"{statistics.median(v):.2f} ({min(v):.2f}–{max(v):.2f})"
print(f"| {route} | {fmt(ms['A'])} | {fmt(ms['B'])} | {statistics.median([b / a for a, b in zip(ms['A'], ms['B'])]):.2f} |")
EOF
done
