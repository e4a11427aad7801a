# Sourced by the benchmarks: throwaway PostgreSQL servers from Debian's postgresql package, in a
# temporary directory on free ports, as scripts/test starts them (fsync off: the numbers measure
# the application and the server's CPU, not this machine's disk).
#   pg_primary DIR             a primary in DIR/primary (DIR: a directory of its own, from mktemp -d); prints its URL
#   pg_standby DIR NAME URL    a hot standby of URL's server in DIR/NAME (pg_basebackup -R); prints its URL
#   pg_stop_all DIR            stops every server started in DIR
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)}
pg_as=()
[ "$(id -u)" = 0 ] && pg_as=(runuser -u postgres --)   # PostgreSQL refuses to run as root

pg_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pg_check() {
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL is missing: apt-get install postgresql (or set DATABASE_URL)" >&2; exit 1; }
}

pg_start() {   # dir, port
  "${pg_as[@]}" "$PG_BIN/pg_ctl" -D "$1" -l "$1.log" -w \
    -o "-h 127.0.0.1 -p $2 -k $(dirname "$1") -c fsync=off -c max_connections=300 -c shared_buffers=512MB" start >/dev/null
}

pg_primary() {   # dir → URL
  pg_check
  local port
  port=$(pg_free_port)
  [ "$(id -u)" = 0 ] && chown postgres "$1"
  "${pg_as[@]}" "$PG_BIN/initdb" -D "$1/primary" -U shegong -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  pg_start "$1/primary" "$port"
  echo "postgres://shegong@127.0.0.1:$port/postgres?tlsmode=disable"
}

pg_standby() {   # dir, name, primary URL → URL
  local port primary_port
  port=$(pg_free_port)
  primary_port=$(sed -E 's/.*:([0-9]+)\/.*/\1/' <<<"$3")
  "${pg_as[@]}" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U shegong -D "$1/$2" -R -X stream
  pg_start "$1/$2" "$port"
  echo "postgres://shegong@127.0.0.1:$port/postgres?tlsmode=disable"
}

pg_stop_all() {   # dir
  for data in "$1"/*/; do
    [ -f "$data/PG_VERSION" ] && "${pg_as[@]}" "$PG_BIN/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  done
}
