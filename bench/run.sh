#!/usr/bin/env bash
# Benchmark (issues 2 and 3): release build, a province-scale generated tree (16 cities,
# 136 districts, 1,825 streets each with a station, 20,000 villages, 4 workers and a supervisor
# per station, a year of supervision at 2 sessions a month per station, training records), the
# server started on a free loopback port, then wrk for BENCH_SECONDS (default 30) at 32
# connections against logged-in routes and one static route (the framework's ceiling here), and
# the whole province's compliance for that year through GET /api/v1/compliance.
# SQLite by default; set DATABASE_URL=postgres://… to measure PostgreSQL (the database must be empty).
# Usage: bash bench/run.sh        Needs: wrk (apt-get install wrk), curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

swift build -c release --product shegong >/dev/null
BIN=$(swift build -c release --show-bin-path)/shegong
WORK=$(mktemp -d /tmp/shegong-bench.XXXXXX)
export SHEGONG_DATA_DIR=$WORK/data
PASSWORD=bench-password-1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT

"$BIN" generate province --password "$PASSWORD"
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" --log warning >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done

# Log in as the city admin of the first city: a session cookie for pages, a bearer token for the API.
JAR=$WORK/cookies
CSRF=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$CSRF" --data-urlencode "username=bench" --data-urlencode "password=$PASSWORD" "$BASE/login"
COOKIE="shegong_session=$(awk '$6=="shegong_session"{print $7}' "$JAR")"
TOKEN=$(curl -s -H 'content-type: application/json' -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
DISTRICT=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/org-units?level=district" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
STATION=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/stations?district=$DISTRICT&per=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
curl -sf -H "Cookie: $COOKIE" "$BASE/stations/$STATION" | grep -q "社会工作服务站" || { echo "login for the page benchmark failed" >&2; exit 1; }
YEAR=$(( $(date +%Y) - 1 ))   # the generator writes records for the last full year

measure() {   # name, path, header
  local out
  out=$(wrk -t"${BENCH_THREADS:-1}" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "$3" "$BASE$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf "| %-34s | %9s | %8s | %8s | %s\n" "$1" "$rps" "$p50" "$p99" "${errors:-}"
}

echo
echo "bash bench/run.sh — $(nproc) cores, ${SECONDS_PER_RUN}s × $CONNECTIONS connections per route, $( [ -n "${DATABASE_URL:-}" ] && echo PostgreSQL || echo SQLite ), $(date -u +%F)"
printf "| %-34s | %9s | %8s | %8s |\n" "route" "req/s" "p50" "p99"
measure "station list page, by district" "/stations?district=$DISTRICT" "Cookie: $COOKIE"
measure "one station's page" "/stations/$STATION" "Cookie: $COOKIE"
measure "GET /api/v1/stations?district=…" "/api/v1/stations?district=$DISTRICT" "Authorization: Bearer $TOKEN"
measure "station compliance page" "/stations/$STATION/compliance?year=$YEAR" "Cookie: $COOKIE"
measure "static /styles.css (ceiling)" "/styles.css" "Accept: text/css"

# The whole province (1,825 stations) for one year, by an account that oversees all 16 cities.
PTOKEN=$(curl -s -H 'content-type: application/json' -d "{\"username\":\"province\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
times=()
for _ in 1 2 3; do
  times+=("$(curl -s -o "$WORK/compliance.json" -w '%{time_total}' -H "Authorization: Bearer $PTOKEN" "$BASE/api/v1/compliance?year=$YEAR")")
done
STATIONS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["stations"]))' "$WORK/compliance.json")
echo
echo "GET /api/v1/compliance?year=$YEAR — $STATIONS stations, three runs: ${times[*]} s"
