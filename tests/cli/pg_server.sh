#!/bin/sh
# SPDX-License-Identifier: ISC
#
# tests/cli/pg_server.sh - a throwaway PostgreSQL 15 server for the tests.
#
#   sh tests/cli/pg_server.sh start DIR      starts a new cluster in DIR/pg and
#                                            prints the URI of its database
#                                            "certseal" (over the Unix socket)
#   sh tests/cli/pg_server.sh createdb DIR NAME
#                                            makes another empty database and
#                                            prints its URI
#   sh tests/cli/pg_server.sh restart DIR    restarts the server (fast shutdown:
#                                            open connections are cut)
#   sh tests/cli/pg_server.sh stop DIR       stops it (DIR is left to the caller)
#
# DIR must exist.  The cluster listens on a Unix socket in DIR/pg/run and on
# 127.0.0.1 at a free port; nothing else reaches it.  Local (socket)
# connections are trusted; TCP connections need the role's password, which
# is written to DIR/pg/pgpass (a libpq password file: PGPASSFILE=...), and the
# TCP URI to DIR/pg/uri-tcp.  The socket URI is in DIR/pg/uri.
#
# Run as root (as in CI), the server runs as the unprivileged system user
# certseal-pg, made here when missing: PostgreSQL refuses to run as root.
# DIR then gains o+x, so that user can reach DIR/pg.
set -eu

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=certseal-pg
ROLE=certseal

die() { echo "pg_server.sh: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: pg_server.sh start|createdb|restart|stop DIR [NAME]"
action=$1
dir=$(cd "$2" && pwd) || die "$2: no such folder"
pg=$dir/pg

# Runs a server program as the server's user.
as_server() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

uri_for() { # database name -> socket URI
    printf 'postgresql:///%s?host=%s&port=%s&user=%s\n' "$1" "$pg/run" "$(cat "$pg/port")" "$ROLE"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb not found (run: make deps-test)"
    [ ! -e "$pg" ] || die "$pg exists already"
    if [ "$(id -u)" = 0 ]; then
        id "$PG_USER" >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
        chmod o+x "$dir"
    fi
    mkdir -p "$pg/run"
    password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$password" >"$pg/password"
    if [ "$(id -u)" = 0 ]; then chown -R "$PG_USER" "$pg"; fi
    chmod 700 "$pg"
    as_server "$PG_BIN/initdb" -D "$pg/data" -U "$ROLE" --pwfile="$pg/password" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
        >"$pg/initdb.log" 2>&1 || { cat "$pg/initdb.log" >&2; die "initdb failed"; }
    port=$(free_port)
    echo "$port" >"$pg/port"
    cat >>"$pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pg/run'
max_connections = 100
fsync = on
log_min_messages = warning
EOF
    as_server "$PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 start >/dev/null ||
        { cat "$pg/server.log" >&2; die "the server did not start"; }
    as_server "$PG_BIN/createdb" -h "$pg/run" -p "$port" -U "$ROLE" certseal
    printf '127.0.0.1:%s:*:%s:%s\n' "$port" "$ROLE" "$password" >"$pg/pgpass"
    chmod 600 "$pg/pgpass"
    if [ "$(id -u)" = 0 ]; then chown root "$pg/pgpass"; fi
    printf 'postgresql://%s@127.0.0.1:%s/certseal\n' "$ROLE" "$port" >"$pg/uri-tcp"
    uri_for certseal | tee "$pg/uri"
}

case $action in
start) start ;;
createdb)
    [ $# -eq 3 ] || die "usage: pg_server.sh createdb DIR NAME"
    as_server "$PG_BIN/createdb" -h "$pg/run" -p "$(cat "$pg/port")" -U "$ROLE" "$3"
    uri_for "$3" ;;
restart)
    as_server "$PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 -m fast restart \
        >/dev/null || { cat "$pg/server.log" >&2; die "the server did not restart"; } ;;
stop)
    [ -d "$pg/data" ] || exit 0
    as_server "$PG_BIN/pg_ctl" -D "$pg/data" -w -t 60 -m fast stop >/dev/null 2>&1 || true ;;
*) die "unknown action '$action' (start, createdb, restart, stop)" ;;
esac
