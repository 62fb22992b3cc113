#!/bin/sh
# SPDX-License-Identifier: ISC
# certseal watch: a portfolio of four certificates from real registries,
# their status lists published with `status publish` and fetched over HTTP
# from 127.0.0.1 (tests/cli/fetch_server.py).  The test suspends,
# reinstates and withdraws certificates, suspends and reinstates the
# accreditation, and moves the clock (--at) towards a certificate's expiry:
# each run prints exactly the expected events, each once, and exits 20 when
# it printed any, 0 when not.  A server that is down gives "status-unknown"
# only after --unknown-after.  The state folder: 0700, locked while a run
# has it, a damaged file refused with one clear line and left as it is;
# --add, --list, --remove.
. "$(dirname "$0")/lib.sh"

no_proxy='*' NO_PROXY='*'
export no_proxy NO_PROXY
unset XDG_CACHE_HOME

trap 'fetch_server_stop; cleanup' EXIT
requests() { if [ -f "$TMP/requests" ]; then wc -l <"$TMP/requests" | tr -d ' '; else echo 0; fi; }

mkdir lists
fetch_server_start "$WORK/lists"
BASE=http://127.0.0.1:$PORT
TODAY=$(date -u +%Y-%m-%d)
day() { date -u -d "$TODAY + $1 days" +%Y-%m-%d; }

"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
"$CERTSEAL" init --registry ab.db --key ab.key --status-uri "$BASE/ab.list" >/dev/null 2>&1 ||
    setup_failed "init ab.db"
"$CERTSEAL" accredit --registry ab.db --issuer AB-TEST --subject CB-TEST --name "Test CB" \
    --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
    --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose >/dev/null 2>&1 ||
    setup_failed "accredit"
"$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose \
    --status-uri "$BASE/cb.list" >/dev/null 2>&1 || setup_failed "init cb.db"
# Q-3 expires in 60 days, the others in 2034.
for n in 1 2 3 4; do
    expires=2034-12-31
    [ "$n" = 3 ] && expires=$(day 60)
    record_edit "$TYPICAL" "d['certificate_number'] = 'GB-Q-$n'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '$expires'; d['revision'] = 0" >r$n.json
    "$CERTSEAL" issue --registry cb.db --out t$n.txt r$n.json >/dev/null 2>&1 ||
        setup_failed "issue GB-Q-$n"
done
cat t1.txt t2.txt >two.txt

# publish: both lists, valid for 200 days so that --at can move ahead.
publish() {
    "$CERTSEAL" status publish --registry cb.db --ttl 60 --valid-for 200 --out lists/cb.list \
        >/dev/null 2>&1 &&
        "$CERTSEAL" status publish --registry ab.db --ttl 60 --valid-for 200 \
            --out lists/ab.list >/dev/null 2>&1 || setup_failed "status publish"
}
publish

# watch_run [ARGS...]: one run over the portfolio in st/, lists fetched
# fresh (no cache: the lists change within their ttl here).
watch_run() {
    run "$CERTSEAL" watch --trust ab.key.pub --fetch --no-cache --max-list-age 200d --state st "$@"
}

# expect_events EXIT "event certificate" ...: the last run exited EXIT and
# printed exactly these events, in this order, as JSON lines.
expect_events() {
    ee_exit=$1
    shift
    if [ "$LAST_RC" -ne "$ee_exit" ]; then
        fail "exit status $LAST_RC, expected $ee_exit"
        return 1
    fi
    ee_got=$(python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line)
    print(e["event"], e.get("certificate", "-"))
' "$CAP/stdout" 2>&1)
    ee_want=$(for e in "$@"; do printf '%s\n' "$e"; done)
    if [ "$ee_got" != "$ee_want" ]; then
        fail "events: got [$(echo $ee_got)], expected [$(echo $ee_want)]"
        return 1
    fi
    pass
}

# ---- adding and listing ------------------------------------------------------------------

expect_exit 0 cs watch --state st --add two.txt
expect_stderr_line 'added 2 certificate\(s\), 2 in the portfolio'
expect_exit 0 cs watch --state st --add "$(cat t1.txt)" t3.txt t4.txt
expect_stderr_line 'added 2 certificate\(s\) \(the others were watched already\), 4 in the portfolio'
# A portfolio file larger than one token argument may be (320 tokens).
for i in $(seq 80); do cat t1.txt t2.txt t3.txt t4.txt; done >many.txt
expect_exit 0 cs watch --state st --add many.txt
expect_stderr_line 'added 0 certificate\(s\) \(the others were watched already\), 4 in the portfolio'
check "the state folder is 0700 and its file 0600" \
    test "$(stat -c %a st)" = 700 -a "$(stat -c %a st/state.json)" = 600
expect_exit 0 cs watch --state st --list
expect_stdout_lines 4
expect_stdout '^[0-9a-f]{12}  not checked .* from two\.txt, token 2$'
expect_exit 1 cs watch --state st --add not-a-file.txt
expect_stderr_line 'not-a-file\.txt: cannot open'
expect_exit 1 cs watch --state st --add r1.json
expect_stderr_line 'r1\.json, token 1: not a certseal token'
expect_exit 2 cs watch --state st
expect_stderr_line '--trust-list FILE\|URL with --root ROOT\.pub, or --trust FILE\|DIR is required'

# ---- first run: only what is already worth saying ------------------------------------------

watch_run
expect_events 20 "expiring GB-Q-3"
check "the expiry event says 90 days and 60 left" json_true "$CAP/stdout" \
    'j["threshold_days"] == 90 and j["days_left"] == 60 and j["verdict"] == "VALID" and j["expires"].startswith("'"$(day 61)"'")'
watch_run
expect_events 0
expect_stderr_empty

# ---- suspended, then reinstated and another withdrawn ----------------------------------------

"$CERTSEAL" suspend --registry cb.db --reason "audit overdue" GB-Q-1 >/dev/null 2>&1 ||
    setup_failed "suspend"
publish
watch_run
expect_events 20 "suspended GB-Q-1"
check "the event names the reason and the verdict" json_true "$CAP/stdout" \
    'j["verdict"] == "SUSPENDED" and "suspended" in j["reason"] and j["organisation"]'
watch_run
expect_events 0

"$CERTSEAL" reinstate --registry cb.db GB-Q-1 >/dev/null 2>&1 &&
    "$CERTSEAL" withdraw --registry cb.db --reason "ceased trading" GB-Q-4 >/dev/null 2>&1 ||
    setup_failed "reinstate, withdraw"
publish
watch_run
expect_events 20 "reinstated GB-Q-1" "withdrawn GB-Q-4"
watch_run
expect_events 0

# ---- the accreditation suspended, then reinstated --------------------------------------------

"$CERTSEAL" suspend --registry ab.db --reason "assessment findings" ACC-1 >/dev/null 2>&1 ||
    setup_failed "suspend ACC-1"
publish
watch_run
expect_events 20 "accreditation-suspended GB-Q-1" "accreditation-suspended GB-Q-2" \
    "accreditation-suspended GB-Q-3" "accreditation-suspended GB-Q-4"
watch_run
expect_events 0
"$CERTSEAL" reinstate --registry ab.db ACC-1 >/dev/null 2>&1 || setup_failed "reinstate ACC-1"
publish
watch_run
expect_events 20 "accreditation-reinstated GB-Q-1" "accreditation-reinstated GB-Q-2" \
    "accreditation-reinstated GB-Q-3" "accreditation-reinstated GB-Q-4"

# ---- time passes: within 30 days, then expired -----------------------------------------------

watch_run --at "$(day 20)"
expect_events 0
watch_run --at "$(day 31)"
expect_events 20 "expiring GB-Q-3"
check "the second expiry event is the 30-day one" json_true "$CAP/stdout" \
    'j["threshold_days"] == 30 and j["days_left"] == 30'
watch_run --at "$(day 40)"
expect_events 0
watch_run --at "$(day 61)"
expect_events 20 "expired GB-Q-3"
watch_run --at "$(day 62)"
expect_events 0
# Thresholds are configurable: a fresh state with the thresholds 100 and 7.
run "$CERTSEAL" watch --trust ab.key.pub --fetch --no-cache --max-list-age 200d --state st7 \
    --expiry-warn 100,7 t3.txt
expect_events 20 "expiring GB-Q-3"
check "a threshold of --expiry-warn" json_true "$CAP/stdout" 'j["threshold_days"] == 100'
run "$CERTSEAL" watch --trust ab.key.pub --fetch --no-cache --max-list-age 200d --state st7 \
    --expiry-warn 100,7 --at "$(day 55)"
expect_events 20 "expiring GB-Q-3"
check "the 7-day threshold" json_true "$CAP/stdout" 'j["threshold_days"] == 7 and j["days_left"] == 6'
expect_exit 2 cs watch --state st7 --trust ab.key.pub --expiry-warn 90,x
expect_stderr_line '--expiry-warn: give up to 8 numbers of days'

# ---- the server down: status unknown only after the threshold --------------------------------

expect_exit 0 cs watch --state down --add t1.txt t4.txt
fetch_server_stop
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
at() { date -u -d "$NOW + $1" +%Y-%m-%dT%H:%M:%SZ; }
down_run() {
    run "$CERTSEAL" watch --trust ab.key.pub --fetch --no-cache --fetch-timeout 2 \
        --unknown-after 3d --state down --at "$1"
}
down_run "$NOW"
expect_events 0
down_run "$(at '1 day')"
expect_events 0
down_run "$(at '2 days 23 hours')"
expect_events 0
down_run "$(at '3 days 1 hour')"
expect_events 20 "status-unknown GB-Q-1" "status-unknown GB-Q-4"
check "the event says since when" json_true "$CAP/stdout" \
    'j["unknown_since"] == "'"$NOW"'" and j["verdict"] == "STATUS_UNKNOWN"'
down_run "$(at '4 days')"
expect_events 0
# Back up: known again, once; Q-4's withdrawal, unknown until now, with it.
fetch_server_start "$WORK/lists" "$PORT"
down_run "$(at '4 days 1 hour')"
expect_events 20 "status-known GB-Q-1" "withdrawn GB-Q-4" "status-known GB-Q-4"
down_run "$(at '4 days 2 hours')"
expect_events 0

# ---- only the list URIs are contacted -------------------------------------------------------

check "every request was for a status list" \
    test "$(grep -c -v -E '^/(ab|cb)\.list$' "$TMP/requests")" -eq 0

# ---- the default cache lives in the state folder ---------------------------------------------

run "$CERTSEAL" watch --trust ab.key.pub --fetch --max-list-age 200d --state st
expect_events 0
check "the fetched lists are cached in DIR/cache, 0700" test "$(stat -c %a st/cache)" = 700

# ---- --list, --remove ------------------------------------------------------------------------

expect_exit 0 cs watch --state st --list --json
check "the list names each certificate with its last verdict" json_true "$CAP/stdout" \
    'len(j) == 4 and [x["number"] for x in j] == ["GB-Q-1", "GB-Q-2", "GB-Q-3", "GB-Q-4"] and j[3]["verdict"] == "WITHDRAWN" and j[3]["certificate_status"] == "withdrawn" and "token" not in j[0]'
ID4=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[3]["id"][:12])' "$CAP/stdout")
expect_exit 0 cs watch --state st --remove "$ID4"
expect_stderr_line 'removed 1 certificate\(s\), 3 left'
expect_exit 1 cs watch --state st --remove "$ID4"
expect_stderr_line 'no certificate of the portfolio has that id'
expect_exit 2 cs watch --state st --remove abc
expect_stderr_line '--remove abc: give 8 to 64 hex digits'

# ---- the state folder: locked, private, damaged ----------------------------------------------

python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)
' st/lock locked &
LOCKER=$!
i=0
while [ ! -f locked ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
watch_run
if [ "$LAST_RC" = 1 ] && grep -q 'another certseal watch is running on this state folder' \
    "$CAP/stderr"; then pass; else fail "a locked state is refused (exit $LAST_RC)"; fi
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null
chmod 755 st
expect_exit 1 cs watch --state st --list
expect_stderr_line 'st: the state folder must be yours alone \(chmod 700 it\)'
chmod 700 st
cp st/state.json saved.json
head -c 300 saved.json >st/state.json
expect_exit 1 cs watch --state st --list
expect_stderr_line 'st/state\.json: not JSON .*restore it from a backup'
check "a damaged state is left as it was" test "$(wc -c <st/state.json)" -eq 300
sed 's/"version": 1/"version": 9/' saved.json >st/state.json
expect_exit 1 cs watch --state st --list
expect_stderr_line 'state version 9, this certseal reads version 1 \(use the certseal that wrote it\)'
sed 's/"certificate_status": "valid"/"certificate_status": "lost"/' saved.json >st/state.json
expect_exit 1 cs watch --state st --list
expect_stderr_line 'st/state\.json: item 1: "certificate_status" is missing or not one of its names'
cp saved.json st/state.json
expect_exit 0 cs watch --state st --list
expect_no_stray st

finish
