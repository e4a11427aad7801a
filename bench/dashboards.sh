#!/usr/bin/env bash
# Dashboards benchmark (issue 10 §6), release build:
#  1. `shegong bench-dashboards fill`: the demo city 济南市 grown to 150 stations, about 60,000
#     recipients and five years of service records up to today (about 6,000,000: case interventions
#     and follow-ups, home and phone visits, group sessions with attendance, community events), with
#     the summary tables the ledger keeps.
#  2. The same statements the dashboard runs (`shegong bench-dashboards sql`, from
#     DashboardQueries.statements, values written in) run bare in sqlite3 or psql, RUNS times in one
#     process after one warm-up run: the mean per dashboard. Beside them, the same totals counted from
#     the ledger itself (`--ledger`): what a dashboard would cost without the summary tables.
#  3. The server, the city admin `admin` (济南市) and the district officer `lixia` (历下区) logged in,
#     and wrk on /dashboard (this year): one connection for the mean time of a page, to set beside the
#     bare SQL; then 8 connections for BENCH_SECONDS (default 30): throughput and p99 (target < 200 ms).
#     A static route gives the framework's ceiling at that moment.
# SQLite by default; set DATABASE_URL=postgres://… to an EMPTY database for PostgreSQL (psql must reach
# it with the same URL less its query string).
# Usage: bash bench/dashboards.sh        Needs: wrk, sqlite3 or psql, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
RUNS=${BENCH_SQL_RUNS:-50}
# A recount from the ledger takes seconds: a few runs give its mean.
LEDGER_RUNS=${BENCH_LEDGER_RUNS:-3}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

swift build -c release --product shegong >/dev/null
BIN=${SHEGONG_BIN:-$(swift build -c release --show-bin-path)/shegong}
WORK=$(mktemp -d /tmp/shegong-dashboards-bench.XXXXXX)
export SHEGONG_DATA_DIR=$WORK/data
mkdir -p "$SHEGONG_DATA_DIR"
PASSWORD=bench-password-1
if [ -n "${DATABASE_URL:-}" ]; then
  ENGINE=PostgreSQL
  command -v psql >/dev/null || { echo "psql is missing: apt-get install postgresql-client" >&2; exit 1; }
  bare() { psql "${DATABASE_URL%%\?*}" -q -X -v ON_ERROR_STOP=1 -f "$1" >/dev/null; }
else
  ENGINE=SQLite
  command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 1; }
  bare() { sqlite3 -bail "$SHEGONG_DATA_DIR/shegong.sqlite" <"$1" >/dev/null; }
fi
echo "bash bench/dashboards.sh — $(nproc) cores, $ENGINE, $(date -u +%F)"

echo
echo "\$ shegong bench-dashboards fill"
"$BIN" bench-dashboards fill --password "$PASSWORD"

# Mean milliseconds of one run of a file of statements: one warm-up run, then N runs in one process.
bare_ms() {   # file, N
  local repeated=$WORK/repeated.sql start end
  bare "$1"
  for _ in $(seq 1 "$2"); do cat "$1"; done >"$repeated"
  start=$(date +%s%N); bare "$repeated"; end=$(date +%s%N)
  python3 -c "print(f'{($end - $start) / 1e6 / $2:.2f}')"
}
declare -A SQL_MS LEDGER_MS
for place in city district; do
  "$BIN" bench-dashboards sql --place "$place" >"$WORK/$place.sql"
  "$BIN" bench-dashboards sql --place "$place" --ledger >"$WORK/$place-ledger.sql"
  SQL_MS[$place]=$(bare_ms "$WORK/$place.sql" "$RUNS")
  LEDGER_MS[$place]=$(bare_ms "$WORK/$place-ledger.sql" "$LEDGER_RUNS")
done

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" --log warning >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done

login() {   # username → a session cookie header
  local jar=$WORK/cookies-$1 csrf
  csrf=$(curl -s -c "$jar" -b "$jar" "$BASE/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "username=$1" --data-urlencode "password=$PASSWORD" "$BASE/login"
  echo "Cookie: shegong_session=$(awk '$6=="shegong_session"{print $7}' "$jar")"
}
declare -A COOKIE=([city]="$(login admin)" [district]="$(login lixia)")
declare -A NAME=([city]="济南市" [district]="历下区")
for place in city district; do
  curl -sf -H "${COOKIE[$place]}" "$BASE/dashboard" | grep -q "${NAME[$place]}" || { echo "the $place dashboard did not answer" >&2; exit 1; }
done

ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }' <<<"$1"; }
wrk_run() {   # connections, seconds, header, path
  wrk -t1 -c"$1" -d"$2s" --latency -H "$3" "$BASE$4"
}

echo
echo "Bare SQL: mean of $RUNS runs in one process. Page, 1 connection: mean latency over 10 s. Page, 8 connections: ${SECONDS_PER_RUN} s."
printf "| %-22s | %9s | %11s | %10s | %9s | %9s | %9s | %8s | %s\n" "dashboard (this year)" "bare SQL" "page, 1 conn" "page / SQL" "req/s (8)" "p50 (8)" "p99 (8)" "ledger" "errors"
for place in city district; do
  one=$(wrk_run 1 10 "${COOKIE[$place]}" /dashboard)
  mean=$(ms "$(awk '$1=="Latency" {print $2; exit}' <<<"$one")")
  eight=$(wrk_run 8 "$SECONDS_PER_RUN" "${COOKIE[$place]}" /dashboard)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$eight")
  p50=$(awk '$1=="50%" {print $2}' <<<"$eight")
  p99=$(awk '$1=="99%" {print $2}' <<<"$eight")
  errors=$( (grep -E "Non-2xx|Socket errors" <<<"$one$eight" || true) | tr '\n' ' ')
  ratio=$(python3 -c "print(f'{$mean / ${SQL_MS[$place]}:.2f}×')")
  printf "| %-22s | %6s ms | %8s ms | %10s | %9s | %9s | %9s | %5s ms | %s\n" "${NAME[$place]} ($place)" "${SQL_MS[$place]}" "$mean" "$ratio" \
    "$rps" "$p50" "$p99" "${LEDGER_MS[$place]}" "$errors"
done
static=$(wrk_run 8 10 "Accept: text/css" /styles.css)
echo "static /styles.css, 8 connections, 10 s (ceiling): $(awk '/Requests\/sec/ {print $2}' <<<"$static") req/s, p99 $(awk '$1=="99%" {print $2}' <<<"$static")"
echo "ledger = the same totals counted from service_records and service_record_recipients instead of the summary tables, bare (mean of $LEDGER_RUNS runs)."
