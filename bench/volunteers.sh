#!/usr/bin/env bash
# Volunteers benchmark (issue 11 §5), release build:
#  1. `shegong bench-volunteers fill`: the demo city 济南市 grown to 150 stations with five years of
#     services (600,000 records: the coverage page reads their village summary), 20,000 volunteers over
#     the stations' villages, a registered team in every village, 2,000,000 confirmed hour entries.
#  2. The server; the operator manager `operator` records hour entries through POST /api/v1/volunteer-hours
#     (a standalone activity, each for another volunteer or day, so that every one passes the overlap
#     check and is written) from 32 connections for BENCH_SECONDS (default 30): p99 (target < 50 ms).
#     Then the district officer `lixia` (历下区) on /coverage with 8 connections: p99 (target < 200 ms),
#     beside a static route (the framework's ceiling at that moment).
# SQLite by default; set DATABASE_URL=postgres://… to an EMPTY database for PostgreSQL.
# VOLUNTEERS, HOURS and RECORDS change the sizes;
# SHEGONG_BIN names a binary already built (no build then).
# Usage: bash bench/volunteers.sh        Needs: wrk, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

if [ -z "${SHEGONG_BIN:-}" ]; then swift build -c release --product shegong >/dev/null; fi
BIN=${SHEGONG_BIN:-$(swift build -c release --show-bin-path)/shegong}
WORK=$(mktemp -d /tmp/shegong-volunteers-bench.XXXXXX)
export SHEGONG_DATA_DIR=$WORK/data
mkdir -p "$SHEGONG_DATA_DIR"
PASSWORD=bench-password-1
ENGINE=$( [ -n "${DATABASE_URL:-}" ] && echo PostgreSQL || echo SQLite )
echo "bash bench/volunteers.sh — $(nproc) cores, $ENGINE, $(date -u +%F)"

echo
SIZES=(--volunteers "${VOLUNTEERS:-20000}" --hours "${HOURS:-2000000}" --records "${RECORDS:-600000}")
echo "\$ shegong bench-volunteers fill ${SIZES[*]}"
"$BIN" bench-volunteers fill "${SIZES[@]}" --password "$PASSWORD" 2>&1 | grep -v " info "
"$BIN" bench-volunteers targets --username operator 2>/dev/null >"$WORK/targets.txt"
echo "volunteers the operator's stations may record hours for: $(wc -l <"$WORK/targets.txt")"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" --log warning >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done

TOKEN=$(curl -s -H 'content-type: application/json' -d "{\"username\":\"operator\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
JAR=$WORK/cookies
CSRF=$(curl -s -c "$JAR" -b "$JAR" "$BASE/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "_csrf=$CSRF" --data-urlencode "username=lixia" --data-urlencode "password=$PASSWORD" "$BASE/login"
COOKIE="Cookie: shegong_session=$(awk '$6=="shegong_session"{print $7}' "$JAR")"
curl -sf -H "$COOKIE" "$BASE/coverage" | grep -q "历下区村居覆盖" || { echo "the coverage page did not answer" >&2; exit 1; }

# Each request another volunteer, then another day: request n is volunteer n mod N on day n div N
# (counting back from yesterday), 14:00–15:00 — the fill's entries are 09:00–11:00, so none overlaps.
python3 - "$WORK/targets.txt" "$WORK/record.lua" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
with open(sys.argv[2], "w") as out:
    out.write("targets = {\n" + ",\n".join('{"%s","%s"}' % (v, s) for v, s in rows) + "\n}\n")
    out.write('''
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local function day(back)
  return os.date("!%Y-%m-%d", os.time() + 8 * 3600 - back * 86400)
end
request = function()
  local t = targets[(counter % #targets) + 1]
  local d = day(1 + math.floor(counter / #targets))
  counter = counter + 1
  local body = string.format('{"volunteer_id":"%s","activity_kind":"standalone","station_id":"%s","activity_name":"压测志愿服务","place":"社区","starts_at":"%sT14:00","ends_at":"%sT15:00"}', t[1], t[2], d, d)
  return wrk.format(nil, "/api/v1/volunteer-hours", nil, body)
end
''')
PY

row() {   # name, wrk output
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1=="50%" {print $2}' <<<"$2")
  p99=$(awk '$1=="99%" {print $2}' <<<"$2")
  errors=$( (grep -E "Non-2xx|Socket errors" <<<"$2" || true) | tr '\n' ' ')
  printf "| %-44s | %9s | %8s | %8s | %s\n" "$1" "$rps" "$p50" "$p99" "$errors"
}
echo
printf "| %-44s | %9s | %8s | %8s |\n" "route" "req/s" "p50" "p99"
row "POST /api/v1/volunteer-hours, 32 connections" "$(wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/record.lua" -H "Authorization: Bearer $TOKEN" "$BASE")"
row "coverage page, 历下区, 8 connections" "$(wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" --latency -H "$COOKIE" "$BASE/coverage")"
row "static /styles.css, 8 connections (ceiling)" "$(wrk -t1 -c8 -d10s --latency -H "Accept: text/css" "$BASE/styles.css")"
echo "Non-2xx: a request that did not write its entry (none expected: every entry is another volunteer or day)."
