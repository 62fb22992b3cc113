#!/bin/sh
# SPDX-License-Identifier: ISC
# Status is required, lists must be genuine and fresh (DESIGN §2 step 6):
# no list is STATUS_UNKNOWN unless --status-optional, which says "status
# not checked" in the text, the JSON and the service's page; a forged list
# with a far-future iat (tests/data/status/) never displaces the genuine one;
# a server replaying an older list after the ttl is refused (rollback);
# --max-list-age, a list issued in the future, "status as of" past the ttl;
# a fetch cache folder that is not ours alone.  Lists come from the
# registries (status publish) and, fetched, from tests/cli/fetch_server.py.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/serve_fixtures.sh"

no_proxy='*' NO_PROXY='*'
export no_proxy NO_PROXY
unset XDG_CACHE_HOME

TODAY=$(date -u +%Y-%m-%d)
in_days() { python3 -c "import datetime as d; print(d.date.today() + d.timedelta(days=$1))"; }
DATA=$ROOT/tests/data/status

start_server() { fetch_server_start "$WORK/served"; }
stop_server() { fetch_server_stop; }
trap 'stop_server; serve_stop_all; cleanup' EXIT

mkdir served lists
start_server
BASE=http://127.0.0.1:$PORT
CB_URI=https://cb.example/status/1
AB_URI=https://ab.example/status/1

"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 && "$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 ||
    setup_failed "keygen"
record_edit "$TYPICAL" "d['certificate_number'] = 'GB-Q-1'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0" >r1.json
# The CB's list at a fixed https URI (files), the AB's at the test server (fetched).
"$CERTSEAL" init --registry ab.db --key ab.key --status-uri $AB_URI >/dev/null 2>&1 &&
    "$CERTSEAL" accredit --registry ab.db --issuer AB-TEST --subject CB-TEST --name "Test CB" \
        --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
        --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose \
        >/dev/null 2>&1 &&
    "$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose --status-uri $CB_URI \
        >/dev/null 2>&1 &&
    "$CERTSEAL" issue --registry cb.db --out t1.txt r1.json >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry cb.db --out lists/cb.list >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry ab.db --out lists/ab.list >/dev/null 2>&1 ||
    setup_failed "the registries and their lists"

# ---- status is required; --status-optional is the explicit opt-out ------------------

expect_exit 19 cs verify --trust ab.key.pub t1.txt
expect_stderr_line 't1\.txt: STATUS_UNKNOWN: no status list for https://ab\.example/status/1 was given.*\(pass --fetch, or --status FILE'
expect_stdout '^ +fail +certificate-status +no status list for https://cb\.example/status/1 was given'
expect_exit 19 cs verify --trust ab.key.pub --status lists/ab.list t1.txt
expect_stderr_line 'STATUS_UNKNOWN: no status list for https://cb\.example/status/1'
expect_exit 0 cs verify --trust ab.key.pub --status lists t1.txt
expect_stderr_empty

expect_exit 0 cs verify --trust ab.key.pub --status-optional t1.txt
expect_stdout '^VALID '
expect_stdout '^warning: status not checked'
expect_stdout '^ +unknown +certificate-status '
expect_stderr_line 't1\.txt: warning: status not checked'
expect_exit 0 cs verify --trust ab.key.pub --status-optional --json t1.txt
check "verify --status-optional --json: status_checked false, a warning" \
    json_true "$CAP/stdout" '(j["verdict"] == "VALID" and j["status_checked"] is False
        and j["warnings"][0].startswith("status not checked") and j["status"] == "unknown")'
expect_exit 0 cs verify --trust ab.key.pub --status lists --json t1.txt
check "verify --json with both lists: status_checked true, no warning" \
    json_true "$CAP/stdout" '(j["status_checked"] is True and j["warnings"] == []
        and j["status_as_of"] is None)'
expect_exit 2 cs verify --trust ab.key.pub --status-optional --require-status t1.txt
expect_stderr_line 'either --require-status or --status-optional'

# ---- a forged list with a far-future iat never displaces the genuine one --------------

"$CERTSEAL" withdraw --registry cb.db --reason "certificate misused" GB-Q-1 >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry cb.db --out lists/cb.list >/dev/null 2>&1 ||
    setup_failed "withdraw"
expect_exit 17 cs verify --trust ab.key.pub --status "$DATA/forged_future_cb.cose" --status lists \
    t1.txt
expect_stderr_line 'WITHDRAWN: the certification body has withdrawn this certificate'
expect_exit 17 cs verify --trust ab.key.pub --status lists --status "$DATA/forged_future_cb.cose" \
    t1.txt
# On the AB's URI it would have hidden every certificate under that AB.
expect_exit 17 cs verify --trust ab.key.pub --status "$DATA/forged_future_ab.cose" --status lists \
    t1.txt
expect_stdout '^ +pass +accreditation-status +valid in the status list https://ab\.example/status/1 '
# Alone, the forgery is refused, even with --status-optional.
expect_exit 19 cs verify --trust ab.key.pub --status lists/ab.list --status-optional \
    --status "$DATA/forged_future_cb.cose" t1.txt
expect_stderr_line 'STATUS_UNKNOWN: the status list https://cb\.example/status/1 is not signed by the key expected'

# ---- freshness: the maximum age, "status as of", a list from the future -----------------

# Eight days on, the week-old lists (valid for 30 days) are too old...
"$CERTSEAL" status publish --registry cb.db --valid-for 30 --out lists/cb.list >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry ab.db --valid-for 30 --out lists/ab.list >/dev/null 2>&1 ||
    setup_failed "status publish --valid-for 30"
expect_exit 19 cs verify --trust ab.key.pub --status lists --at "$(in_days 8)" t1.txt
expect_stderr_line 'STATUS_UNKNOWN: the status list https://ab\.example/status/1 was issued on .*longer ago than the maximum list age of 7 day'
# ...unless allowed: then used past their ttl (12 hours), with "status as of".
expect_exit 17 cs verify --trust ab.key.pub --status lists --at "$(in_days 8)" --max-list-age 10d \
    t1.txt
expect_stdout '^warning: status as of [0-9-]+T'
expect_exit 17 cs verify --trust ab.key.pub --status lists --at "$(in_days 2)" --json t1.txt
check "verify --json past the ttl: status_as_of and its warning" \
    json_true "$CAP/stdout" '(j["verdict"] == "WITHDRAWN" and j["status_as_of"] is not None
        and j["warnings"][0].startswith("status as of "))'
expect_exit 2 cs verify --trust ab.key.pub --max-list-age 3w t1.txt
expect_stderr_line "--max-list-age: '3w' is not a duration"
# A list issued after the time of verification (beyond the skew) is refused.
expect_exit 19 cs verify --trust ab.key.pub --status lists --at "${TODAY}T00:00:00Z" --skew 0 t1.txt
expect_stderr_line 'STATUS_UNKNOWN: .* in the future'

# ---- rollback: a server replaying last week's list after the ttl ----------------------------

"$CERTSEAL" init --registry cb2.db --key cb.key --accreditation ac.cose \
    --status-uri "$BASE/cb2.list" >/dev/null 2>&1 &&
    "$CERTSEAL" issue --registry cb2.db --out t2.txt r1.json >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry cb2.db --ttl 1 --out served/cb2.list >/dev/null 2>&1 ||
    setup_failed "the fetched registry"
cp served/cb2.list old-cb2.list
sleep 1 # the next list's iat is a second later
"$CERTSEAL" withdraw --registry cb2.db --reason "certificate misused" GB-Q-1 >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry cb2.db --ttl 1 --out served/cb2.list >/dev/null 2>&1 ||
    setup_failed "withdraw in cb2.db"
expect_exit 17 cs verify --trust ab.key.pub --status lists/ab.list --fetch --cache-dir cache t2.txt
SEEN=cache/$(printf %s "$BASE/cb2.list" | sha256sum | cut -c1-64).seen
check "the cache keeps the highest iat seen beside the list (0600)" \
    test "$(find "$SEEN" -type f -perm 600 | wc -l)" -eq 1
cp old-cb2.list served/cb2.list
sleep 2 # the ttl passes: the cache asks the server again
expect_exit 19 cs verify --trust ab.key.pub --status lists/ab.list --fetch --cache-dir cache t2.txt
expect_stderr_line "STATUS_UNKNOWN: the status list $BASE/cb2\\.list is older than one already seen"
expect_exit 19 cs verify --trust ab.key.pub --status lists/ab.list --fetch --cache-dir cache \
    --status-optional t2.txt

# ---- a cache folder that is not ours alone --------------------------------------------------

mkdir -m 755 open-cache
expect_exit 1 cs verify --trust ab.key.pub --status lists --fetch --cache-dir open-cache t1.txt
expect_stderr_line 'open-cache: the status list cache folder is not ours alone: it has mode 755'
mkdir -m 700 linked-cache fifo-cache
ln -s "$WORK/lists/cb.list" "linked-cache/$(printf %s "$BASE/cb2.list" | sha256sum | cut -c1-64)"
expect_exit 1 cs verify --trust ab.key.pub --status lists --fetch --cache-dir linked-cache t1.txt
expect_stderr_line 'linked-cache: .* not ours alone: it holds [0-9a-f]+, a symbolic link'
mkfifo fifo-cache/planted
expect_exit 1 cs verify --trust ab.key.pub --status lists --fetch --cache-dir fifo-cache t1.txt
expect_stderr_line 'fifo-cache: .* it holds planted, a FIFO'
ln -s cache cache-link
expect_exit 1 cs verify --trust ab.key.pub --status lists --fetch --cache-dir cache-link t1.txt
expect_stderr_line 'cache-link: .* it is a symbolic link, not a folder'
stop_server

# ---- the service: required by default; opted out, the amber banner ---------------------------

"$CERTSEAL" init --registry cb3.db --key cb.key --accreditation ac.cose --status-uri $CB_URI \
    --link-base "$LINK_BASE" >/dev/null 2>&1 &&
    "$CERTSEAL" issue --registry cb3.db --form link --out t3.txt r1.json >/dev/null 2>&1 ||
    setup_failed "issue t3 (link form)"
page_of() {
    serve_client request "$SERVE_PORT" "$CAP/$1" GET "/v/${2##*/}" >/dev/null 2>&1
}
serve_start optional --trust ab.key.pub --status-optional ||
    setup_failed "serve --status-optional did not start ($SERVE_RC)"
check "serve --status-optional answers the page" page_of optional "$(cat t3.txt)"
check "the page's banner is amber, never green" \
    sh -c "grep -q 'class=\"verdict warn\"' '$CAP/optional.body' &&
           ! grep -q 'class=\"verdict ok\"' '$CAP/optional.body'"
check "the page says the status was not checked" grep -q 'status not checked' "$CAP/optional.body"
serve_stop optional
serve_start required --trust ab.key.pub || setup_failed "serve did not start ($SERVE_RC)"
check "serve answers the page" page_of required "$(cat t3.txt)"
check "serve requires status by default: Status could not be checked" \
    grep -q 'Status could not be checked' "$CAP/required.body"
serve_stop required
expect_exit 2 cs serve --trust ab.key.pub --listen 127.0.0.1:0 --status-optional --require-status
expect_stderr_line 'either --require-status or --status-optional'

finish
