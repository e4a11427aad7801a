#!/usr/bin/env bash
# Recipients benchmark (issue 9 §6), release build:
#  1. `shegong bench-recipients import --rows 100000`: one .xlsx of 100,000 recipients written with the
#     app's own xlsx writer, imported through the page's path (RecipientImporter.table → preview →
#     commit: reading, every row checked, IDs looked up in the register, sealing, hashing, batched
#     inserts in one transaction), and in the same run a bare batched INSERT of the same rows (the
#     importer's own write: statements, batch size, keys; records sealed and hashed beforehand) into
#     the same tables: both rates and their ratio. Targets: at least 10,000 rows/s and at least 50 % of the bare insert.
#  2. `shegong bench-recipients fill --rows 500000`: 500,000 recipients over the demo city's 32
#     stations (the demo generator's categories and proportions), then the server, the city admin
#     logged in, and wrk for BENCH_SECONDS (default 30) at 32 connections on the recipient list
#     filtered by category, beside a static route (the framework's ceiling at that moment).
#     Target: p99 under 50 ms.
# SQLite by default; set DATABASE_URL=postgres://… to an EMPTY database for PostgreSQL (the fill
# stays in it). IMPORT_ROWS and LIST_ROWS change the sizes.
# Usage: bash bench/recipients.sh        Needs: wrk (apt-get install wrk), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

swift build -c release --product shegong >/dev/null
BIN=${SHEGONG_BIN:-$(swift build -c release --show-bin-path)/shegong}
WORK=$(mktemp -d /tmp/shegong-recipients-bench.XXXXXX)
export SHEGONG_DATA_DIR=$WORK/data
mkdir -p "$SHEGONG_DATA_DIR"
PASSWORD=bench-password-1
ENGINE=$( [ -n "${DATABASE_URL:-}" ] && echo PostgreSQL || echo SQLite )
echo "bash bench/recipients.sh — $(nproc) cores, $ENGINE, $(date -u +%F)"

echo
echo "\$ shegong bench-recipients import --rows ${IMPORT_ROWS:-100000}"
"$BIN" bench-recipients import --rows "${IMPORT_ROWS:-100000}" --password "$PASSWORD"

echo
echo "\$ shegong bench-recipients fill --rows ${LIST_ROWS:-500000}"
"$BIN" bench-recipients fill --rows "${LIST_ROWS:-500000}" --password "$PASSWORD"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" --log warning >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done

# The demo's city admin (济南市), through the login form: a session cookie.
JAR=$WORK/cookies
CSRF=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$CSRF" --data-urlencode "username=admin" --data-urlencode "password=$PASSWORD" "$BASE/login"
COOKIE="shegong_session=$(awk '$6=="shegong_session"{print $7}' "$JAR")"
curl -sf -H "Cookie: $COOKIE" "$BASE/recipients?category=disabled" | grep -q '共 ' || { echo "the list page did not answer as the city admin" >&2; exit 1; }

measure() {   # name, path, header
  local out
  out=$(wrk -t"${BENCH_THREADS:-1}" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "$3" "$BASE$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf "| %-44s | %9s | %8s | %8s | %s\n" "$1" "$rps" "$p50" "$p99" "${errors:-}"
}

echo
echo "wrk -c$CONNECTIONS -d${SECONDS_PER_RUN}s, the city admin (500,000 recipients in the city)"
printf "| %-44s | %9s | %8s | %8s |\n" "route" "req/s" "p50" "p99"
measure "/recipients?category=disabled (残疾人)" "/recipients?category=disabled" "Cookie: $COOKIE"
measure "/recipients?category=minimum_living (低保)" "/recipients?category=minimum_living" "Cookie: $COOKIE"
measure "/recipients?category=orphan (孤儿, rare)" "/recipients?category=orphan" "Cookie: $COOKIE"
measure "static /styles.css (ceiling)" "/styles.css" "Accept: text/css"
