#!/bin/sh
# SPDX-License-Identifier: ISC
# certseal serve --fetch against a second certseal serve that hosts the
# status lists (--publish): the verifying service fetches each list the
# tokens name, keeps it for its ttl, and fetches it again once the ttl has
# passed, so a suspension published at the list's address reaches the
# verdict without a restart.  Both services run on 127.0.0.1.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/serve_fixtures.sh"

# Straight to 127.0.0.1, never through a proxy from the environment.
no_proxy='*' NO_PROXY='*'
export no_proxy NO_PROXY

TTL=2
TODAY=$(date -u +%Y-%m-%d)

# verdict_of TOKEN_FILE: the verdict the verifying service gives.
verdict_of() {
    serve_client request "$VERIFY_PORT" "$CAP/answer" POST /api/v1/verify --body "$1" \
        >/dev/null 2>&1 || {
        echo "no answer"
        return
    }
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["verdict"])' \
        "$CAP/answer.body" 2>/dev/null || echo "not JSON"
}

mkdir lists
serve_start publisher --trust "$ROOT/keys-example/ab-demo.key.pub" --publish lists ||
    setup_failed "the publishing service did not start ($SERVE_RC)"
BASE=http://127.0.0.1:$SERVE_PORT/status
"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 && "$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 ||
    setup_failed "keygen"
"$CERTSEAL" init --registry ab.db --key ab.key --status-uri "$BASE/ab" >/dev/null 2>&1 &&
    "$CERTSEAL" accredit --registry ab.db --issuer AB-TEST --subject CB-TEST --name "Test CB" \
        --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
        --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose \
        >/dev/null 2>&1 &&
    "$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose \
        --status-uri "$BASE/cb" >/dev/null 2>&1 || setup_failed "the registries"
record_edit "$TYPICAL" "d['certificate_number'] = 'GB-Q-1'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0" >r1.json
"$CERTSEAL" issue --registry cb.db --out t1.txt r1.json >/dev/null 2>&1 || setup_failed "issue"
publish() {
    "$CERTSEAL" status publish --registry "$1.db" --ttl $TTL --out "lists/$1" >/dev/null 2>&1 ||
        setup_failed "status publish $1"
}
publish ab
publish cb

# One worker, so that every request meets the verifier that fetched before.
serve_start verifier --trust ab.key.pub --fetch --no-cache --require-status --threads 1 ||
    setup_failed "the verifying service did not start ($SERVE_RC)"
VERIFY_PORT=$SERVE_PORT

# ---- fetched from the publishing service ------------------------------------------------

check "a token whose lists are published verifies VALID" test "$(verdict_of t1.txt)" = VALID
check "the certificate's status came from the fetched list" \
    grep -q "valid in the status list $BASE/cb" "$CAP/answer.body"
check "the publishing service served both lists" \
    sh -c "grep -q '\"GET /status/cb\" 200' '$CAP/publisher.log' &&
           grep -q '\"GET /status/ab\" 200' '$CAP/publisher.log'"

# ---- a suspension reaches the verdict once the ttl has passed ----------------------------

"$CERTSEAL" suspend --registry cb.db --reason test GB-Q-1 >/dev/null 2>&1 || setup_failed "suspend"
publish cb
i=0
verdict=$(verdict_of t1.txt)
while [ "$verdict" != SUSPENDED ] && [ $i -lt 40 ]; do
    sleep 0.25
    verdict=$(verdict_of t1.txt)
    i=$((i + 1))
done
check "after the ttl ($TTL s) the list is fetched again: SUSPENDED (was $verdict)" \
    test "$verdict" = SUSPENDED

# ---- a list that cannot be fetched: STATUS_UNKNOWN, then back once it can ----------------

mv lists/cb lists/cb.away
sleep $((TTL + 1))
check "a list gone from its address leaves the status unknown (required: STATUS_UNKNOWN)" \
    test "$(verdict_of t1.txt)" = STATUS_UNKNOWN
check "the failed fetch is logged with its address" \
    grep -q "status: fetching $BASE/cb failed" "$CAP/verifier.log"

serve_stop verifier
serve_stop publisher
check "the verifying service stopped cleanly" test "$(cat "$CAP/verifier.rc")" = 0
finish
