#!/bin/sh
# SPDX-License-Identifier: ISC
# The verification service with a trust list (--trust-list, --root): the
# page shows the accreditation body's recognition, and the list is read
# again on SIGHUP; a list that no longer verifies (rolled back) never
# replaces the one in use.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/serve_fixtures.sh"
trap 'serve_stop_all; cleanup' EXIT

setup_chain pki ed25519 ed25519
dated_record GB-TL-1 >record.json
setup_token pki record.json token.txt
"$CERTSEAL" keygen --out root.key >/dev/null 2>&1 || setup_failed "keygen root"
serve_client link token.txt "$LINK_BASE" >token.link || setup_failed "link"

# list OUT SEQ STATUS: the list naming AB-TEST with STATUS.
list() {
    cat >src.json <<EOF
{"issuer": "SCHEME-TEST", "uri": "http://127.0.0.1/scheme.cose", "ttl": 3600,
 "abs": [{"id": "AB-TEST", "name": "Test Accreditation Body", "country": "GB", "status": "$3",
   "recognitions": [{"standard": "ISO 9001", "from": "2020-01-01"}],
   "keys": [{"key": "pki/ab.key.pub", "from": "2020-01-01"}]}]}
EOF
    "$CERTSEAL" trustlist sign --key root.key --sequence "$2" --issued-at "$YESTERDAY" \
        --valid-for 30d --out "$1" src.json >/dev/null 2>"$CAP/setup.err" ||
        setup_failed "trustlist sign $1"
}
mkdir lists
list lists/scheme.cose 1 active
cp lists/scheme.cose seq1.cose

# verdict NAME: the verdict of token.txt from the API, into $CAP/NAME.json.
verdict() {
    serve_client request "$SERVE_PORT" "$CAP/$1" POST /api/v1/verify --body token.txt \
        >/dev/null 2>&1
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["verdict"])' \
        "$CAP/$1.body" 2>/dev/null
}
# poll NAME VERDICT: asks every 0.1 s for at most 3 s until the verdict is VERDICT.
poll() {
    p_i=0
    while [ $p_i -lt 30 ]; do
        if [ "$(verdict "$1")" = "$2" ]; then
            pass
            return 0
        fi
        sleep 0.1
        p_i=$((p_i + 1))
    done
    fail "$1: the verdict did not become $2 within 3 s (it is $(verdict "$1"))"
}

serve_start tl --trust-list lists/scheme.cose --root root.key.pub --cache-dir cache --at "$AT" ||
    setup_failed "serve --trust-list"
check "VALID through the API" [ "$(verdict api)" = VALID ]
serve_client request "$SERVE_PORT" "$CAP/page" GET "$(sed 's|^[A-Z]*://[^/]*||' token.link)" \
    >/dev/null 2>&1
check "the page says who recognises the AB" grep -q '<dt>Recognised by</dt><dd>SCHEME-TEST (Test Accreditation Body, GB)' "$CAP/page.body"
check "the page says what for" grep -q '<li>ISO 9001 from 2020-01-01</li>' "$CAP/page.body"

# A new list (the AB suspended), read on SIGHUP.
list lists/scheme.cose 2 suspended
kill -HUP "$(serve_pid tl)"
poll hup NOT_ACCREDITED
# The older list again: refused (rollback), the one in use is kept.
cp seq1.cose lists/scheme.cose
kill -HUP "$(serve_pid tl)"
sleep 0.5
check "a rolled-back list is not used" [ "$(verdict rollback)" = NOT_ACCREDITED ]
check "the log says the list was kept" grep -q "kept the lists in use: lists/scheme.cose: .*sequence 1, but sequence 2 was already seen" "$CAP/tl.log"
serve_stop tl TERM
check "the service stops with 0 (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]

# A list refused at start: the service does not start.
expect_exit 1 timeout 10 "$CERTSEAL" serve --trust-list seq1.cose --root root.key.pub \
    --cache-dir cache --listen 127.0.0.1:0
expect_stderr_line "seq1\\.cose: .*sequence 1, but sequence 2 was already seen"

finish
