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
# The certificate document (below) leaks fontconfig's caches under SAN=1,
# as in test_document.sh.
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$ROOT/tests/data/document/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS
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
psql_in() { # DATABASE SQL [PSQL OPTIONS]: runs SQL as the server's role over the socket
    pi_db=$1 pi_sql=$2
    shift 2
    psql -X -q -v ON_ERROR_STOP=1 -h "$PGDIR/pg/run" -p "$PORT" -U certseal -d "$pi_db" "$@" \
        -c "$pi_sql"
}
# refused PATTERN: the server's error (psql's ERROR line) matches PATTERN.
refused() {
    if grep -E -q -e "^ERROR: .*$1" "$CAP/stderr"; then pass; else fail "the server did not refuse with /$1/"; fi
}

# ---- the registry suite, every registry on the server ------------------------------

# The certification body's registry over TCP with the password in a libpq
# password file, the others over the private socket.
export PGPASSFILE="$PGDIR/pg/pgpass"
REGISTRY_AB=$(createdb ab)
createdb cb >/dev/null
REGISTRY_CB="postgresql://certseal@127.0.0.1:$PORT/cb"
CB_TCP=$REGISTRY_CB
REGISTRY_BAD=$(createdb bad)
REGISTRY_NOWHERE=$(createdb nowhere)
REGISTRY_MISSING=$(createdb missing)
export REGISTRY_AB REGISTRY_CB REGISTRY_BAD REGISTRY_NOWHERE REGISTRY_MISSING
expect_exit 0 sh "$HERE/test_registry.sh"
cat "$CAP/stdout"
# Key changes (rekey, reissue) on the server too.
REGISTRY_AB=$(createdb rekey_ab)
REGISTRY_CB=$(createdb rekey_cb)
REGISTRY_ROGUE=$(createdb rogue)
REGISTRY_ROGUE2=$(createdb rogue2)
export REGISTRY_AB REGISTRY_CB REGISTRY_ROGUE REGISTRY_ROGUE2
expect_exit 0 sh "$HERE/test_rekey.sh"
cat "$CAP/stdout"
unset REGISTRY_AB REGISTRY_CB REGISTRY_ROGUE REGISTRY_ROGUE2

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
expect_exit 1 env PGPASSFILE=empty.pgpass "$CERTSEAL" list --registry "$CB_TCP"
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

# ---- stations issuing at once -------------------------------------------------------

# A certification body's registry on the server; its credential from a file
# registry (the accreditation body's).
TODAY=$(date -u +%Y-%m-%d)
expect_exit 0 cs init --registry ab.db --key ab.key --status-uri https://ab.example/s
expect_exit 0 cs_accredit --registry ab.db --subject-key cb.key.pub --standard "ISO 9001:2015" \
    --iaf 17 --not-before 2026-01-01 --expires 2030-12-31 --out cb-ac.cose
CBS=$(createdb stations)
expect_exit 0 cs init --registry "$CBS" --key cb.key --accreditation cb-ac.cose \
    --status-uri https://cb.example/s --list-size 131072
# batch PREFIX COUNT > FILE: COUNT records numbered PREFIX-0001...
batch() {
    python3 - "$1" "$2" "$TODAY" "$TYPICAL" <<'PY'
import json, sys
prefix, count, today, fixture = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
d = json.load(open(fixture, encoding="utf-8"))
d.update(issued=today, original_grant="2019-03-14", expires="2029-12-31", revision=0, iaf_codes=[17])
for i in range(count):
    d["certificate_number"] = "%s-%04d" % (prefix, i + 1)
    print(json.dumps(d))
PY
}
for s in 1 2 3 4; do batch "S$s" 150 >"s$s.jsonl"; done
# Two stations also issue the same 150 numbers (S1's), at the same moment.
pids=
for s in 1 2 3 4 1b; do
    f=s${s%b}.jsonl
    "$CERTSEAL" issue --registry "$CBS" --batch "$f" --chunk 25 --out "tokens-$s.jsonl" \
        >"station-$s.out" 2>&1 &
    pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
check "every station finished" [ "$failed" -eq 0 ]
[ "$failed" -eq 0 ] || cat station-*.out >&2
count() { psql_in stations "$1" -t -A | tr -d '\n'; }
check "600 objects, one per number" [ "$(count 'SELECT count(DISTINCT number) || chr(47) || count(*) FROM objects')" = "600/600" ]
check "every status index once" [ "$(count 'SELECT count(DISTINCT status_index) FROM objects')" = 600 ]
check "one issued event per object" [ "$(count "SELECT count(*) FROM events WHERE action = 'issued'")" = 600 ]
# The stations' tokens verify (the repeated batch hands out the recorded ones).
expect_exit 0 cs status publish --registry "$CBS" --out cbs.list
expect_exit 0 cs status publish --registry ab.db --out ab.list
# S1's tokens are in tokens-1 and tokens-1b, split by which station won each chunk.
NUMBERS=$(cat tokens-*.jsonl | python3 -c \
    'import json, sys; print(len({json.loads(l)["number"] for l in sys.stdin}))')
check "a token for each of the 600 numbers written" [ "$NUMBERS" -eq 600 ]
expect_exit 0 cs verify --trust ab.key.pub --status cbs.list --status ab.list \
    tokens-1.jsonl tokens-2.jsonl tokens-3.jsonl tokens-4.jsonl tokens-1b.jsonl

# The certificate document from the registry on the server.
expect_exit 0 cs document --registry "$CBS" --out s2.pdf S2-0001
check "a PDF" [ "$(head -c 5 s2.pdf)" = "%PDF-" ]

# ---- migrate: file to server to file ------------------------------------------------

expect_exit 0 cs registry migrate --from "$CBS" --to moved.db
expect_stdout_lines 7
SUMS=$(grep sha256 "$CAP/stdout" | sort -u | wc -l)
check "both sides' digests printed and equal" [ "$SUMS" -eq 1 ]
BACK=$(createdb back)
expect_exit 0 cs registry migrate --from moved.db --to "$BACK"
grep sha256 "$CAP/stdout" >sums-back
check "the round trip keeps the digest" [ "$(sort -u sums-back | wc -l)" -eq 1 ]
expect_exit 0 cs list --registry "$CBS" --history
cp "$CAP/stdout" list-before
expect_exit 0 cs list --registry "$BACK" --history
check "the moved registry lists the same history" cmp -s list-before "$CAP/stdout"
# The ids continue after the copied rows.
batch MOVED 3 >moved.jsonl
expect_exit 0 cs issue --registry "$BACK" --batch moved.jsonl
# A target that holds a registry is refused, and left as it was.
expect_exit 1 cs registry migrate --from moved.db --to "$BACK"
expect_stderr_line 'already exists'
expect_exit 1 cs registry migrate --from moved.db --to "$AB2"
expect_exit 2 cs registry migrate --from moved.db

finish
