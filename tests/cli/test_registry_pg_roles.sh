#!/bin/sh
# SPDX-License-Identifier: ISC
# Least privilege for a registry in PostgreSQL (docs/registry-roles.sql):
# an owner role creates the registry; the roles file gives an issuing group
# and a read-only auditing group their rights; a station's login role in the
# issuing group issues, re-issues and changes statuses through certseal, but
# cannot rewrite history (no UPDATE, DELETE or TRUNCATE of events, no change
# to an object's claims or token, no deletion, no schema change, no key
# change); an auditor's login reads and cannot write; and even the owner is
# refused by the triggers when it changes or deletes an event or an object.
# Connections as the station go over TCP with the password from
# PGPASSWORD or a libpq password file, never in the URI; a URI with a
# password is refused.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/pg_lib.sh"

TODAY=$(date -u +%Y-%m-%d)
pg_start
SUPER=$PG_URI # the bootstrap superuser, over the socket
PORT=$(cat "$PG_DIR/pg/port")
SOCKET=$PG_DIR/pg/run
# socket_uri ROLE: the registry database "cb" as ROLE over the socket (trusted)
socket_uri() { printf 'postgresql:///cb?host=%s&port=%s&user=%s\n' "$SOCKET" "$PORT" "$1"; }
# tcp_uri ROLE: the same over 127.0.0.1 (a password needed)
tcp_uri() { printf 'postgresql://%s@127.0.0.1:%s/cb\n' "$1" "$PORT"; }
OWNER=$(socket_uri cb_owner)
STATION=$(tcp_uri station_leeds)
AUDITOR=$(socket_uri auditor_kim)
STATION_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')

sql "$SUPER" "CREATE ROLE cb_owner LOGIN" 2>"$CAP/setup.err" || setup_failed "CREATE ROLE"
sql "$SUPER" "CREATE DATABASE cb OWNER cb_owner" 2>"$CAP/setup.err" ||
    setup_failed "CREATE DATABASE"
pg_chain
expect_exit 0 cs init --registry "$OWNER" --key "$WORK/cb.key" --accreditation ac.cose \
    --status-uri https://cb.example/status/1
expect_stderr_line 'certification body registry for CB-TEST'

# The roles file: refused without its owner, then run twice (idempotent).
run psql "$(socket_uri certseal)" -X -q -f "$ROOT/docs/registry-roles.sql"
check "registry-roles.sql refuses to run without -v owner (exit $LAST_RC)" [ "$LAST_RC" -ne 0 ]
check "... and says so" grep -q 'name the owner role' "$CAP/stderr"
for n in 1 2; do
    expect_exit 0 psql "$(socket_uri certseal)" -X -q \
        -v owner=cb_owner -f "$ROOT/docs/registry-roles.sql"
    expect_stdout 'certseal_issuing may issue'
done
sql "$SUPER" "CREATE ROLE station_leeds LOGIN PASSWORD '$STATION_PASSWORD' IN ROLE certseal_issuing" \
    2>"$CAP/setup.err" || setup_failed "CREATE ROLE station_leeds"
sql "$SUPER" "CREATE ROLE auditor_kim LOGIN IN ROLE certseal_auditing" 2>"$CAP/setup.err" ||
    setup_failed "CREATE ROLE auditor_kim"
printf '127.0.0.1:%s:cb:station_leeds:%s\n' "$PORT" "$STATION_PASSWORD" >station.pgpass
chmod 600 station.pgpass

# st ARGS...: certseal as the station, the password from PGPASSWORD
st() {
    PGPASSWORD=$STATION_PASSWORD
    export PGPASSWORD
    cs "$@"
    st_rc=$?
    unset PGPASSWORD
    return $st_rc
}

# ---- the password: never in the URI -------------------------------------------------------------

expect_exit 1-2 cs list --registry "postgresql://station_leeds:$STATION_PASSWORD@127.0.0.1:$PORT/cb"
expect_stderr_line 'password'
expect_stderr_no "$STATION_PASSWORD"
(umask 077 && : >empty.pgpass)
expect_exit 1 env PGPASSFILE="$WORK/empty.pgpass" "$CERTSEAL" list --registry "$STATION"
expect_stderr_line 'password'
expect_exit 0 env PGPASSFILE="$WORK/station.pgpass" "$CERTSEAL" list --registry "$STATION"

# ---- the issuing role issues and changes statuses ------------------------------------------------

record_edit "$TYPICAL" "d['certificate_number'] = 'GB-Q-1'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0" >r1.json
record_edit r1.json "d['scope'] = 'Design only.'; d['revision'] = 1" >r1b.json
pg_gen B 50 >batch.jsonl
expect_exit 0 st issue --registry "$STATION" --out t1.txt r1.json
expect_exit 0 st issue --registry "$STATION" --batch batch.jsonl --out batch.out
expect_stderr_line '50 certificates: 50 issued now'
expect_exit 0 st suspend --registry "$STATION" --reason "audit overdue" B-00001
expect_exit 0 st reinstate --registry "$STATION" B-00001
expect_exit 0 st withdraw --registry "$STATION" --reason "cancelled" B-00002
expect_exit 0 st issue --registry "$STATION" --supersedes GB-Q-1 --reason "scope" --out t1b.txt r1b.json
expect_exit 0 st list --registry "$STATION" --history
expect_stdout 'B-00002 +rev 0 +withdrawn'
expect_exit 0 st status publish --registry "$STATION" --out station.list
events=$(sql "$OWNER" 'SELECT COUNT(*) FROM events')
objects=$(sql "$OWNER" 'SELECT COUNT(*) FROM objects')
check "the station's work is recorded: 52 objects ($objects)" [ "$objects" -eq 52 ] &&
    check "... and 56 events ($events)" [ "$events" -eq 56 ]

# ---- ... and cannot rewrite history ---------------------------------------------------------------

# refused ROLE_URI WHY SQL: psql as that role is refused with WHY.
refused() {
    run env PGPASSWORD="$STATION_PASSWORD" psql "$1" -X -q -v ON_ERROR_STOP=1 -c "$3"
    check "refused ($LAST_RC): $3" [ "$LAST_RC" -ne 0 ] &&
        check "... with: $2" grep -q -i -e "$2" "$CAP/stderr"
}
refused "$STATION" 'permission denied' "UPDATE events SET reason = 'nothing happened'"
refused "$STATION" 'permission denied' "DELETE FROM events WHERE action = 'withdrawn'"
refused "$STATION" 'permission denied' 'TRUNCATE events'
refused "$STATION" 'permission denied' "UPDATE objects SET token = 'CS1:forged' WHERE number = 'B-00004'"
refused "$STATION" 'permission denied' "UPDATE objects SET claims = claims WHERE number = 'B-00004'"
refused "$STATION" 'permission denied' "DELETE FROM objects WHERE number = 'B-00002'"
refused "$STATION" 'permission denied' 'TRUNCATE objects'
refused "$STATION" 'permission denied' "UPDATE settings SET status_uri = 'https://evil.example/'"
refused "$STATION" 'permission denied' "DELETE FROM retired_keys"
refused "$STATION" 'permission denied\|must be owner' 'ALTER TABLE events DISABLE TRIGGER USER'
refused "$STATION" 'permission denied\|must be owner' 'DROP TABLE events'
refused "$STATION" 'permission denied' 'CREATE TABLE events_copy (id int)'
# A key change is the owner's: the station cannot move the registry to a key.
"$CERTSEAL" keygen --out cb2.key >/dev/null 2>&1 || setup_failed "keygen cb2.key"
"$CERTSEAL" accredit --key ab.key --subject-key cb2.key.pub --issuer AB-TEST --subject CB-TEST \
    --name "Test CB" --number ACC-1 --country GB --standard "ISO 9001:2015" \
    --standard "ISO 14001:2015" --iaf 17,18,31 --not-before 2020-01-01 --expires 2035-12-31 \
    --out ac2.cose >"$CAP/setup.out" 2>"$CAP/setup.err" || setup_failed "accredit cb2.key"
expect_exit 1 st rekey --registry "$STATION" --key "$WORK/cb2.key" --accreditation ac2.cose
expect_stderr_line 'permission denied'
check "nothing was rewritten: still $events events" \
    [ "$(sql "$OWNER" 'SELECT COUNT(*) FROM events')" -eq "$events" ]

# ---- the auditing role reads -------------------------------------------------------------------------

expect_exit 0 cs list --registry "$AUDITOR" --json
cp "$CAP/stdout" audit.json
check "the auditor sees all 52 revisions" json_true audit.json "len(j['entries']) == 52"
expect_exit 0 cs status publish --registry "$AUDITOR" --out audit.list
check "the auditor's list and the station's say the same" sh -c \
    '"$1" status show audit.list | grep -v "^issued\|^expires" >a.txt &&
     "$1" status show station.list | grep -v "^issued\|^expires" >b.txt && cmp -s a.txt b.txt' \
    - "$CERTSEAL"
record_edit r1.json "d['certificate_number'] = 'AUD-1'" >aud.json
expect_exit 1 cs issue --registry "$AUDITOR" aud.json
expect_stderr_line 'permission denied'
expect_exit 1 cs suspend --registry "$AUDITOR" B-00004
expect_stderr_line 'permission denied'
refused "$AUDITOR" 'permission denied' "INSERT INTO events (number, revision, at, action, actor)
    VALUES ('B-00004', 0, 0, 'withdrawn', 'kim')"

# ---- the owner is held by the triggers ---------------------------------------------------------------

refused "$OWNER" 'append-only' "UPDATE events SET reason = 'nothing happened'"
refused "$OWNER" 'append-only' "DELETE FROM events WHERE action = 'withdrawn'"
refused "$OWNER" 'append-only' 'BEGIN; TRUNCATE events; ROLLBACK'
refused "$OWNER" 'only the status\|never' "UPDATE objects SET token = 'CS1:forged' WHERE number = 'B-00004'"
refused "$OWNER" 'never deleted\|never' "DELETE FROM objects WHERE number = 'B-00002'"
check "the owner rewrote nothing: still $events events" \
    [ "$(sql "$OWNER" 'SELECT COUNT(*) FROM events')" -eq "$events" ]
# The owner changes the key; the station re-issues under it.
expect_exit 0 cs rekey --registry "$OWNER" --key "$WORK/cb2.key" --accreditation ac2.cose
expect_exit 0 st reissue --registry "$STATION" --reason "new key" B-00003
expect_exit 0 sql "$OWNER" "SELECT revision FROM objects WHERE number = 'B-00003' AND current = 1"
expect_stdout '^1$'
pg_registry_sane "$OWNER" "after the roles" "current = 1 AND status = 0"

finish
