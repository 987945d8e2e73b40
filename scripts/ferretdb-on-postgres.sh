#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster and the embedded database's relay on it (FerretDB's
# PostgreSQL handler instead of SQLite files), for benchmarks at many stores:
#
#   eval "$(scripts/ferretdb-on-postgres.sh start)"   # exports MONGODB_URI
#   TENANTS=100 npm run bench -- tenants
#   scripts/ferretdb-on-postgres.sh stop
#
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql). Everything lives in
# $PG_BENCH_DIR (default /tmp/bczoho-pg); PostgreSQL on port $PG_BENCH_PORT (5433), the relay on
# $PG_BENCH_RELAY_PORT (27999). Commits are not waited for on disk (synchronous_commit=off): a
# benchmark's data is thrown away.
set -euo pipefail

dir="${PG_BENCH_DIR:-/tmp/bczoho-pg}"
port="${PG_BENCH_PORT:-5433}"
relay_port="${PG_BENCH_RELAY_PORT:-27999}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$bin" ] || bin="$(dirname "$(command -v initdb)")"

# PostgreSQL refuses to run as root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    mkdir -p "$dir"
    if [ ! -d "$dir/pgdata" ]; then
      mkdir -p "$dir/pgdata"
      [ "$(id -u)" = 0 ] && chown postgres "$dir" "$dir/pgdata"
      as_pg "$bin/initdb" -D "$dir/pgdata" -A trust -U postgres >"$dir/initdb.log" 2>&1
    fi
    as_pg "$bin/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1 ||
      as_pg "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/pgdata/log" -w \
        -o "-p $port -k $dir -c synchronous_commit=off -c shared_buffers=256MB -c max_connections=300" start >&2
    psql -h 127.0.0.1 -p "$port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'" | grep -q 1 ||
      psql -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE ferretdb" >&2
    node "$root/scripts/build-ferretdb.mjs" >&2
    # A relay still running from an earlier start is stopped: its data folder is reused.
    [ -f "$dir/relay.pid" ] && kill "$(cat "$dir/relay.pid")" 2>/dev/null && sleep 1
    rm -f "$dir/relay.out"
    mkdir -p "$dir/relay"
    nohup "$root/.cache/ferretdb/ferretdb-embedded" --data-dir "$dir/relay" --port "$relay_port" \
      --postgresql-url "postgres://postgres@127.0.0.1:$port/ferretdb" >"$dir/relay.out" 2>"$dir/relay.log" &
    echo $! >"$dir/relay.pid"
    for _ in $(seq 100); do grep -q listening "$dir/relay.out" && break; sleep 0.1; done
    grep -q listening "$dir/relay.out" || { cat "$dir/relay.log" >&2; exit 1; }
    echo "export MONGODB_URI=mongodb://127.0.0.1:$relay_port/"
    ;;
  stop)
    [ -f "$dir/relay.pid" ] && kill "$(cat "$dir/relay.pid")" 2>/dev/null || true
    as_pg "$bin/pg_ctl" -D "$dir/pgdata" -m fast stop >&2 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
