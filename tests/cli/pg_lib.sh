# SPDX-License-Identifier: ISC
# tests/cli/pg_lib.sh - what the PostgreSQL registry tests share, sourced
# after lib.sh: a throwaway server (tests/cli/pg_server.sh) that is stopped
# when the script exits, SQL through psql, a certification body's chain, and
# the checks every PostgreSQL registry must pass.
#
#   pg_start            starts the server in $TMP; sets PG_URI (the Unix socket
#                       URI of database "certseal", trusted), PG_URI_TCP (the
#                       same over 127.0.0.1, password from PG_PASSFILE)
#   pg_createdb NAME    another empty database; prints its socket URI
#   pg_restart          restarts the server, cutting every connection
#   sql URI SQL         runs SQL (psql -At), stops at the first error
#   pg_chain            ab.key, cb.key and ac.cose in the work folder
#   pg_gen PREFIX COUNT [SCOPE] > OUT
#                       JSON Lines records numbered PREFIX-00001..., issued
#                       today, from record-typical.json
#   pg_gen_files PREFIX FILE FILES COUNT
#                       FILE1.jsonl..., COUNT records each (PREFIX1-00001...)
#   pg_registry_sane URI WHAT [CONDITION]
#                       numbers and status indexes unique, one "issued"
#                       event per revision and no event without its object,
#                       status publish works, every token (of the objects
#                       meeting the SQL CONDITION) verifies VALID with the
#                       published list
#   elapsed_ms START    milliseconds since START (a date +%s%N reading)
#
# Needs PostgreSQL 15's server programs (make deps-test) and psql.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR=$TMP
PG_STARTED=0

pg_stop() {
    if [ "$PG_STARTED" = 1 ]; then
        sh "$ROOT/tests/cli/pg_server.sh" stop "$PG_DIR" >/dev/null 2>&1
        PG_STARTED=0
    fi
}

# The server is stopped before lib.sh's cleanup removes its folder.
pg_cleanup() {
    pg_stop
    cleanup
}
trap pg_cleanup EXIT

pg_start() {
    if [ ! -x "$PG_BIN/initdb" ] || ! command -v psql >/dev/null 2>&1; then
        echo "$SCRIPT: PostgreSQL 15 is needed (run: make deps-test)" >&2
        exit 1
    fi
    PG_STARTED=1
    PG_URI=$(sh "$ROOT/tests/cli/pg_server.sh" start "$PG_DIR" 2>"$CAP/setup.err") ||
        setup_failed "tests/cli/pg_server.sh start"
    PG_URI_TCP=$(cat "$PG_DIR/pg/uri-tcp")
    PG_PASSFILE=$PG_DIR/pg/pgpass
}

pg_createdb() {
    sh "$ROOT/tests/cli/pg_server.sh" createdb "$PG_DIR" "$1" 2>"$CAP/setup.err" ||
        setup_failed "tests/cli/pg_server.sh createdb $1"
}

pg_restart() {
    sh "$ROOT/tests/cli/pg_server.sh" restart "$PG_DIR"
}

sql() {
    psql "$1" -X -A -t -q -v ON_ERROR_STOP=1 -c "$2"
}

pg_chain() {
    "$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
    "$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
    "$CERTSEAL" accredit --key ab.key --subject-key cb.key.pub --issuer AB-TEST \
        --subject CB-TEST --name "Test CB" --number ACC-1 --country GB \
        --standard "ISO 9001:2015" --standard "ISO 14001:2015" --iaf 17,18,31 \
        --not-before 2020-01-01 --expires 2035-12-31 --out ac.cose >"$CAP/setup.out" \
        2>"$CAP/setup.err" || setup_failed "accredit"
}

pg_gen() {
    python3 - "$1" "$2" "${3-}" "$(date -u +%Y-%m-%d)" "$TYPICAL" <<'PY'
import json, sys
prefix, count, scope, today = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
d = json.load(open(sys.argv[5], encoding="utf-8"))
if scope:
    d["scope"] = scope
for i in range(count):
    d["certificate_number"] = "%s-%05d" % (prefix, i + 1)
    d["issued"], d["original_grant"], d["expires"], d["revision"] = today, "2019-03-14", "2034-12-31", 0
    print(json.dumps(d))
PY
}

# pg_gen_files PREFIX FILE FILES COUNT: FILE1.jsonl ... FILE<FILES>.jsonl,
# each COUNT records numbered PREFIX<n>-00001..., in one run of Python.
pg_gen_files() {
    python3 - "$1" "$2" "$3" "$4" "$(date -u +%Y-%m-%d)" "$TYPICAL" <<'PY'
import json, sys
prefix, name, files, count, today = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
d = json.load(open(sys.argv[6], encoding="utf-8"))
d["issued"], d["original_grant"], d["expires"], d["revision"] = today, "2019-03-14", "2034-12-31", 0
for n in range(1, files + 1):
    with open("%s%d.jsonl" % (name, n), "w", encoding="utf-8") as f:
        for i in range(count):
            d["certificate_number"] = "%s%d-%05d" % (prefix, n, i + 1)
            f.write(json.dumps(d) + "\n")
PY
}

elapsed_ms() {
    echo $((($(date +%s%N) - $1) / 1000000))
}

# sql_empty URI WHAT SQL: a check that SQL returns no rows.
sql_empty() {
    se_rows=$(sql "$1" "$3" 2>&1)
    if [ -n "$se_rows" ]; then
        LAST_CMD=" psql: $3"
        LAST_RC=0
        printf '%s\n' "$se_rows" | head -n 10 >"$CAP/stdout"
        : >"$CAP/stderr"
        fail "$2"
        return 1
    fi
    pass
}

pg_registry_sane() {
    sql_empty "$1" "$2: no certificate number and revision twice" \
        'SELECT number, revision FROM objects GROUP BY number, revision HAVING COUNT(*) > 1'
    sql_empty "$1" "$2: no status index twice" \
        'SELECT status_index FROM objects GROUP BY status_index HAVING COUNT(*) > 1'
    sql_empty "$1" "$2: one current revision per number" \
        'SELECT number FROM objects WHERE current::int = 1 GROUP BY number HAVING COUNT(*) > 1'
    sql_empty "$1" "$2: one issued event for each revision" \
        "SELECT o.number, o.revision, COUNT(e.id) FROM objects o LEFT JOIN events e
           ON e.number = o.number AND e.revision = o.revision AND e.action = 'issued'
         GROUP BY o.number, o.revision HAVING COUNT(e.id) <> 1"
    sql_empty "$1" "$2: no event without its certificate" \
        "SELECT e.id, e.number, e.revision, e.action FROM events e WHERE e.number <> ''
           AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.number = e.number
                           AND o.revision = e.revision)"
    rm -f sane.list sane.tokens
    expect_exit 0 cs status publish --registry "$1" --out sane.list
    sql "$1" "SELECT token FROM objects WHERE ${3:-true} ORDER BY id" >sane.tokens \
        2>"$CAP/stderr" ||
        { fail "$2: reading the tokens with psql"; return 1; }
    ps_count=$(wc -l <sane.tokens)
    expect_exit 0 cs verify --trust ab.key.pub --status sane.list sane.tokens
    check "$2: verify read all $ps_count tokens and found each VALID" \
        grep -q "^certseal: verify: $ps_count verified: $ps_count VALID\$" "$CAP/stderr"
}
