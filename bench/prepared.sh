#!/usr/bin/env bash
# Paired benchmark (issue 12 §4): the station compliance page on PostgreSQL with its queries sent as
# named prepared statements (SHEGONG_PREPARED_STATEMENTS on, the default) and as text (off), on the
# same generated province (bench/run.sh's) and the same throwaway server (bench/postgres.sh),
# alternating three times: the mean latency at one connection, then req/s, p50 and p99 at 32.
# Usage: bash bench/prepared.sh     Needs: wrk, curl, python3, postgresql. SHEGONG_BIN: a built binary.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/postgres.sh
source bench/server.sh
BIN=$(bench_binary)
WORK=$(mktemp -d /tmp/shegong-prepared.XXXXXX)
PGDIR=$(mktemp -d /tmp/shegong-prepared-pg.XXXXXX)
trap 'pg_stop_all "$PGDIR" 2>/dev/null; rm -rf "$WORK" "$PGDIR"' EXIT
export DATABASE_URL=$(pg_primary "$PGDIR") SHEGONG_DATA_DIR=$WORK
PASSWORD=bench-password-1
"$BIN" generate province --password "$PASSWORD" >"$WORK/generate.log" 2>&1
YEAR=$(( $(date +%Y) - 1 ))
PORT=$(pg_free_port)
B=http://127.0.0.1:$PORT
echo "bash bench/prepared.sh — $(nproc) cores, PostgreSQL, $(date -u +'%F %H:%M') UTC, at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
for round in 1 2 3; do
  for mode in on off; do
    export SHEGONG_PREPARED_STATEMENTS=$mode
    bench_serve "$BIN" "$PORT" "$WORK/server.log"
    server=$BENCH_PID
    bench_login "$B" "$WORK/cookies" "$PASSWORD"
    cookie="Cookie: $BENCH_COOKIE" station=$BENCH_STATION
    page=$B/stations/$station/compliance?year=$YEAR
    one=$(wrk -t1 -c1 -d5s --latency -H "$cookie" "$page" | awk '$1=="Latency" && $2 ~ /s$/ {print $2}')
    out=$(wrk -t1 -c32 -d15s --latency -H "$cookie" "$page")
    echo "round $round, prepared $mode: 1 connection mean $one; 32 connections $(awk '/Requests\/sec/{print $2}' <<<"$out") req/s, p50 $(awk '$1=="50%"{print $2}' <<<"$out"), p99 $(awk '$1=="99%"{print $2}' <<<"$out")"
    kill "$server"; wait "$server" 2>/dev/null || true
  done
done
