#!/bin/sh
# SPDX-License-Identifier: ISC
# The registry on PostgreSQL: starts a throwaway PostgreSQL 15 server
# (pg_server.sh), runs the whole registry suite (test_registry.sh) against
# it with every registry a connection URI, then what only a server has:
# a password in the URI refused, the password from a libpq password file
# over TCP, the event log's append-only rule enforced by the database
# itself, stations issuing at once, and a schema that holds another
# application's tables refused.
#
# When the server cannot be started the test says so loudly and is skipped;
# under CI (CI set in the environment) it fails instead.
. "$(dirname "$0")/lib.sh"

HERE=$ROOT/tests/cli
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/certseal-pg.XXXXXX") || setup_failed "mktemp"
stop_server() {
    sh "$HERE/pg_server.sh" stop "$PGDIR"
    rm -rf "$PGDIR"
    cleanup
}
trap stop_server EXIT

if ! URI=$(sh "$HERE/pg_server.sh" start "$PGDIR" 2>"$CAP/pg-start"); then
    cat "$CAP/pg-start" >&2
    if [ -n "${CI:-}" ]; then
        echo "$SCRIPT: FAILED: the PostgreSQL server did not start, and CI needs it" >&2
        exit 1
    fi
    echo "$SCRIPT: ******** SKIPPED: the PostgreSQL server could not be started (run make deps-test); the PostgreSQL registry was NOT tested ********" >&2
    exit 0
fi
PORT=$(cat "$PGDIR/pg/port")
createdb() { sh "$HERE/pg_server.sh" createdb "$PGDIR" "$1" 2>"$CAP/pg-createdb" || setup_failed "createdb $1"; }
psql_in() { # DATABASE SQL: runs SQL as the server's role over the socket
    psql -X -q -v ON_ERROR_STOP=1 -h "$PGDIR/pg/run" -p "$PORT" -U certseal -d "$1" -c "$2"
}
# refused PATTERN: the server's error (psql's ERROR line) matches PATTERN.
refused() {
    if grep -E -q -e "^ERROR: +$1" "$CAP/stderr"; then pass; else fail "the server did not refuse with /$1/"; fi
}

# ---- the registry suite, every registry on the server ------------------------------

# The certification body's registry over TCP with the password in a libpq
# password file, the others over the private socket.
export PGPASSFILE="$PGDIR/pg/pgpass"
REGISTRY_AB=$(createdb ab)
createdb cb >/dev/null
REGISTRY_CB="postgresql://certseal@127.0.0.1:$PORT/cb"
REGISTRY_BAD=$(createdb bad)
REGISTRY_NOWHERE=$(createdb nowhere)
REGISTRY_MISSING=$(createdb missing)
export REGISTRY_AB REGISTRY_CB REGISTRY_BAD REGISTRY_NOWHERE REGISTRY_MISSING
expect_exit 0 sh "$HERE/test_registry.sh"
cat "$CAP/stdout"

# ---- what only a server has ---------------------------------------------------------

"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"

# A password in the URI would show in the process list: refused, with why.
expect_exit 1 cs init --registry "postgresql://certseal:secret@127.0.0.1:$PORT/certseal" \
    --key ab.key --status-uri https://ab.example/s
expect_stderr_line 'carries a password.*~/\.pgpass'
expect_stderr_no 'secret'

# A wrong password (none in the password file for this role) is a
# connection failure, not a missing registry.
: >empty.pgpass
chmod 600 empty.pgpass
expect_exit 1 env PGPASSFILE=empty.pgpass "$CERTSEAL" list --registry "$REGISTRY_CB"
expect_stderr_line 'cannot connect to the database server'

# The database refuses to rewrite history, whoever asks.
AB2=$(createdb ab2)
expect_exit 0 cs init --registry "$AB2" --key ab.key --status-uri https://ab.example/s
expect_exit 0 cs_accredit --registry "$AB2" --subject-key cb.key.pub --standard "ISO 9001:2015" \
    --iaf 17 --not-before 2026-01-01 --expires 2030-12-31 --out ac.cose
expect_exit 0 cs suspend --registry "$AB2" --reason "audit" ACC-1
expect_exit 1 psql_in ab2 "UPDATE events SET actor = 'mallory'"
refused 'the event log is append-only'
expect_exit 1 psql_in ab2 "DELETE FROM events"
refused 'the event log is append-only'
expect_exit 1 psql_in ab2 "TRUNCATE events"
refused 'the event log is append-only'
expect_exit 1 psql_in ab2 "DELETE FROM objects"
refused 'never deleted'
expect_exit 1 psql_in ab2 "UPDATE objects SET status_index = status_index + 1"
refused 'only the status of a registry object changes'
# A status set behind the log's back is refused at publishing.
expect_exit 0 psql_in ab2 "UPDATE objects SET status = 1"
expect_exit 1 cs status publish --registry "$AB2" --out ab.list
expect_stderr_line 'its event log says suspended'

# A schema that holds tables of the same names is not taken over.
createdb other >/dev/null
expect_exit 0 psql_in other "CREATE TABLE events (id integer)"
expect_exit 1 cs init --registry "$(printf 'postgresql:///other?host=%s&port=%s&user=certseal' \
    "$PGDIR/pg/run" "$PORT")" --key ab.key --status-uri https://ab.example/s
expect_stderr_line 'not a certseal registry'

finish
