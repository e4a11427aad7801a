# Sourced by the page benchmarks: the binary, a server on a loopback port, and a logged-in session.
#   bench_binary              SHEGONG_BIN, or the release build made now; prints its path
#   bench_serve BIN PORT LOG  starts `BIN serve` on PORT (output to LOG), waits for /healthz; sets BENCH_PID
#   bench_login BASE JAR PASSWORD
#                             logs in as `bench` (the generated province's first city admin) and sets
#                             BENCH_COOKIE (shegong_session=…, for pages), BENCH_TOKEN (a bearer token,
#                             for the API), BENCH_DISTRICT (the first district) and BENCH_STATION (its first station)

bench_binary() {
  if [ -z "${SHEGONG_BIN:-}" ]; then swift build -c release --product shegong >/dev/null; fi
  echo "${SHEGONG_BIN:-$(swift build -c release --show-bin-path)/shegong}"
}

bench_serve() {
  "$1" serve --hostname 127.0.0.1 --port "$2" --log warning >"$3" 2>&1 &
  BENCH_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && break; sleep 0.2; done
}

bench_login() {
  local base=$1 jar=$2 password=$3 csrf
  rm -f "$jar"
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "username=bench" --data-urlencode "password=$password" "$base/login"
  BENCH_COOKIE="shegong_session=$(awk '$6=="shegong_session"{print $7}' "$jar")"
  BENCH_TOKEN=$(curl -s -H 'content-type: application/json' -d "{\"username\":\"bench\",\"password\":\"$password\"}" "$base/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  BENCH_DISTRICT=$(curl -s -H "Authorization: Bearer $BENCH_TOKEN" "$base/api/v1/org-units?level=district" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  BENCH_STATION=$(curl -s -H "Authorization: Bearer $BENCH_TOKEN" "$base/api/v1/stations?district=$BENCH_DISTRICT&per=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
}
