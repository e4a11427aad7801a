#!/usr/bin/env bash
# Benchmark (issues 2, 3 and 12 §4): every page goal on both engines in one command. Release build,
# a province-scale generated tree (16 cities, 136 districts, 1,825 streets each with a station,
# 20,000 villages, 4 workers and a supervisor per station, a year of supervision at 2 sessions a
# month per station, training records), the server on a free loopback port, then wrk for
# BENCH_SECONDS (default 30) at 32 connections against logged-in routes and one static route (the
# framework's ceiling here), and the whole province's compliance for that year through
# GET /api/v1/compliance. First on SQLite, then on PostgreSQL: a throwaway server started here from
# Debian's postgresql (bench/postgres.sh), or the EMPTY database DATABASE_URL=postgres://… names.
# The two tables are printed side by side with the targets, each marked met (✓) or missed (✗).
# BENCH_ENGINES="sqlite" or "postgresql" runs one engine; SHEGONG_BIN names a binary already built.
# Usage: bash bench/run.sh        Needs: wrk (apt-get install wrk), curl, python3, postgresql.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
source bench/postgres.sh
source bench/server.sh

BIN=$(bench_binary)
WORK=$(mktemp -d /tmp/shegong-bench.XXXXXX)
PGDIR=$(mktemp -d /tmp/shegong-bench-pg.XXXXXX)
trap 'pg_stop_all "$PGDIR" 2>/dev/null; rm -rf "$WORK" "$PGDIR"' EXIT
PASSWORD=bench-password-1
POSTGRES_URL=${DATABASE_URL:-}
unset DATABASE_URL

ROUTES=("station list page, by district" "one station's page" "GET /api/v1/stations?district=…" "station compliance page"
        "static /styles.css (ceiling)")

# One engine: generate, serve, measure. Rows "route<TAB>req/s<TAB>p50<TAB>p99<TAB>errors" go to
# $WORK/ENGINE.tsv, the province's compliance times to $WORK/ENGINE-province.txt.
run_engine() {   # sqlite | postgresql
  local engine=$1
  export SHEGONG_DATA_DIR=$WORK/$engine-data
  "$BIN" generate province --password "$PASSWORD" >"$WORK/$engine-generate.log" 2>&1 || { cat "$WORK/$engine-generate.log" >&2; exit 1; }
  local port base server
  port=$(pg_free_port)
  base=http://127.0.0.1:$port
  bench_serve "$BIN" "$port" "$WORK/$engine-server.log"
  server=$BENCH_PID

  # Log in as the city admin of the first city: a session cookie for pages, a bearer token for the API.
  local cookie token district station year
  bench_login "$base" "$WORK/$engine-cookies" "$PASSWORD"
  cookie=$BENCH_COOKIE token=$BENCH_TOKEN district=$BENCH_DISTRICT station=$BENCH_STATION
  curl -sf -H "Cookie: $cookie" "$base/stations/$station" | grep -q "社会工作服务站" || { echo "login for the page benchmark failed" >&2; exit 1; }
  year=$(( $(date +%Y) - 1 ))   # the generator writes records for the last full year

  measure() {   # route, path, header
    local out rps p50 p99 errors
    out=$(wrk -t"${BENCH_THREADS:-1}" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "$3" "$base$2")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
    printf "%s\t%s\t%s\t%s\t%s\n" "$1" "$rps" "$p50" "$p99" "${errors:-}" >>"$WORK/$engine.tsv"
  }
  measure "${ROUTES[0]}" "/stations?district=$district" "Cookie: $cookie"
  measure "${ROUTES[1]}" "/stations/$station" "Cookie: $cookie"
  measure "${ROUTES[2]}" "/api/v1/stations?district=$district" "Authorization: Bearer $token"
  measure "${ROUTES[3]}" "/stations/$station/compliance?year=$year" "Cookie: $cookie"
  measure "${ROUTES[4]}" "/styles.css" "Accept: text/css"

  # The whole province (1,825 stations) for one year, by an account that oversees all 16 cities.
  local ptoken times=()
  ptoken=$(curl -s -H 'content-type: application/json' -d "{\"username\":\"province\",\"password\":\"$PASSWORD\"}" "$base/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  for _ in 1 2 3; do
    times+=("$(curl -s -o "$WORK/compliance.json" -w '%{time_total}' -H "Authorization: Bearer $ptoken" "$base/api/v1/compliance?year=$year")")
  done
  printf "%s\t%s\t%s\n" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["stations"]))' "$WORK/compliance.json")" "$year" "${times[*]}" \
    >"$WORK/$engine-province.txt"
  kill "$server"
  wait "$server" 2>/dev/null || true
}

echo "bash bench/run.sh — $(nproc) cores, ${SECONDS_PER_RUN}s × $CONNECTIONS connections per route, $(date -u +'%F %H:%M') UTC, at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
for engine in $ENGINES; do
  case $engine in
    sqlite) run_engine sqlite ;;
    postgresql)
      if [ -z "$POSTGRES_URL" ]; then POSTGRES_URL=$(pg_primary "$PGDIR"); fi
      DATABASE_URL=$POSTGRES_URL run_engine postgresql ;;
    *) echo "unknown engine $engine (sqlite, postgresql)" >&2; exit 1 ;;
  esac
  python3 bench/side_by_side.py "$WORK" "$engine"   # each engine's table as soon as it is measured
done

# Side by side, with the targets: p99 under 50 ms for the four pages, 1,000 req/s for the API list.
if [ "$(wc -w <<<"$ENGINES")" -gt 1 ]; then python3 bench/side_by_side.py "$WORK" $ENGINES; fi
