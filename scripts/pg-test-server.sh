#!/usr/bin/env bash
# A private, throw-away PostgreSQL 15 server for the tests.
#
#   scripts/pg-test-server.sh start   create and start it (idempotent), print the connection string
#   scripts/pg-test-server.sh env     print `export FACESORTER_TEST_PG=…` (eval "$(… env)")
#   scripts/pg-test-server.sh status  say whether it runs
#   scripts/pg-test-server.sh stop    stop it and delete its data
#
# The tests read the connection string from $FACESORTER_TEST_PG or, failing that, from
# .pgtest/connection in the repository, which `start` writes.
#
# Facts this relies on (seen on Debian 12 with PostgreSQL 15): the binaries live in
# /usr/lib/postgresql/15/bin; initdb refuses to run as root, so as root the server is created and
# run as the `postgres` user in a directory under /tmp that it owns. The cluster listens on
# 127.0.0.1 only, trusts every local connection and runs without fsync: it holds test data only.
set -euo pipefail

PG_VERSION=15
PG_BIN=${PG_BIN:-/usr/lib/postgresql/$PG_VERSION/bin}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state="$repo/.pgtest"

die() { echo "pg-test-server: $*" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_binaries() {
    [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "pg-test-server: PostgreSQL $PG_VERSION is not installed; installing postgresql-$PG_VERSION" >&2
        apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "postgresql-$PG_VERSION" >&2 \
            || die "could not install postgresql-$PG_VERSION with apt-get; install it, or set PG_BIN to a folder holding initdb and pg_ctl"
        [ -x "$PG_BIN/initdb" ] || die "postgresql-$PG_VERSION was installed but $PG_BIN/initdb is missing; set PG_BIN"
    else
        die "PostgreSQL $PG_VERSION binaries not found in $PG_BIN; install postgresql-$PG_VERSION (as root: apt-get install -y postgresql-$PG_VERSION) or set PG_BIN"
    fi
}

port_free() {
    # bash's /dev/tcp connect succeeds only when something listens on the port.
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

running() {
    [ -f "$state/datadir" ] && [ -f "$state/port" ] || return 1
    local dir
    dir=$(cat "$state/datadir")/data
    [ -d "$dir" ] && as_owner "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1
}

connection_string() {
    echo "Host=127.0.0.1;Port=$(cat "$state/port");Username=postgres;Database=postgres"
}

start() {
    if running; then
        echo "FACESORTER_TEST_PG=$(connection_string)"
        return 0
    fi
    ensure_binaries
    stop_quietly
    mkdir -p "$state"
    local dir
    dir=$(mktemp -d /tmp/facesorter-pgtest.XXXXXX)
    chmod 700 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    echo "$dir" >"$state/datadir"
    as_owner "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || die "initdb failed; see $dir/initdb.log"

    # Several worktrees may start servers at once: try random ports until one starts.
    local tries port
    for tries in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 20000))
        port_free "$port" || continue
        if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null; then
            echo "$port" >"$state/port"
            connection_string >"$state/connection"
            echo "FACESORTER_TEST_PG=$(connection_string)"
            return 0
        fi
    done
    die "the server would not start on any of 10 ports tried; see $dir/log"
}

stop_quietly() {
    if [ -f "$state/datadir" ]; then
        local dir
        dir=$(cat "$state/datadir")
        if [ -d "$dir/data" ]; then
            as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
        case "$dir" in /tmp/facesorter-pgtest.*) rm -rf "$dir" ;; esac
    fi
    rm -rf "$state"
}

case "${1:-}" in
    start) start ;;
    stop) stop_quietly; echo "pg-test-server: stopped" ;;
    env)
        running || die "not running; run scripts/pg-test-server.sh start"
        echo "export FACESORTER_TEST_PG='$(connection_string)'"
        ;;
    status)
        if running; then
            echo "running: $(connection_string)"
        else
            echo "not running"; exit 3
        fi
        ;;
    *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
