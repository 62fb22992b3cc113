#!/bin/sh
# SPDX-License-Identifier: ISC
# The verification service (certseal serve, pkg/include/certseal/http.h)
# against instances this script starts on 127.0.0.1 (port 0, --port-file):
# every route and method, every verdict through the page and the JSON API
# (the JSON byte for byte what `certseal verify --json` prints), the
# security headers, escaping of what a token carries, the limits, status
# list reloading (file change and SIGHUP), slow clients, the request log
# (never the token), and how it starts and stops (exit codes 0, 1, 2).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/serve_fixtures.sh"

serve_make_pki
mkdir pub pub/sub
cp lists/cb.list pub/cb.list
echo secret >pub/.hidden
# a key and a note left in the published folder by mistake: not status lists
cp cb.key pub/cb.key
echo 'secret note' >pub/notes.txt
echo nested >pub/sub/inner.list

MALFORMED_TOKEN='CS1:NOT A TOKEN'
printf '%s\n' "$MALFORMED_TOKEN" >malformed.txt
# the tokens and the verdict each gives on the main service
VERDICTS='valid:VALID suspended:SUSPENDED withdrawn:WITHDRAWN superseded:SUPERSEDED
new:VALID notacc:NOT_ACCREDITED expired:EXPIRED untrusted:UNTRUSTED
forged:INVALID_SIGNATURE xss:VALID'

# ---- HTTP helpers --------------------------------------------------------------

HTTP=$TMP/http
mkdir "$HTTP"
REQUESTS=0

# http NAME METHOD TARGET [--body FILE] [--header 'K: V']: one request to
# $PORT; the answer in $HTTP/NAME.status, .headers, .body.  A failing check
# shows the request and the answer (the body as "stdout", the headers as
# "stderr").
http() {
    h_name=$1
    shift
    REQUESTS=$((REQUESTS + 1))
    LAST_CMD=" $1 $(printf '%.200s' "$2") (port $PORT)"
    rm -f "$HTTP/$h_name.status" "$HTTP/$h_name.headers" "$HTTP/$h_name.body"
    if serve_client request "$PORT" "$HTTP/$h_name" "$@" >/dev/null 2>"$CAP/stderr"; then
        LAST_RC="HTTP $(cat "$HTTP/$h_name.status")"
        cp "$HTTP/$h_name.body" "$CAP/stdout"
        cp "$HTTP/$h_name.headers" "$CAP/stderr"
    else
        LAST_RC="no answer"
        : >"$CAP/stdout"
        : >"$HTTP/$h_name.status"
        : >"$HTTP/$h_name.headers"
        : >"$HTTP/$h_name.body"
    fi
}

# expect_http NAME CODE METHOD TARGET [OPTIONS]: the request is answered CODE.
expect_http() {
    eh_name=$1 eh_code=$2
    shift 2
    http "$eh_name" "$@"
    if [ "$(cat "$HTTP/$eh_name.status")" != "$eh_code" ]; then
        fail "$1 $(printf '%.80s' "$2"): expected HTTP $eh_code"
        return 1
    fi
    pass
}

# expect_header NAME ERE: a header line ("name: value", name in lower case)
# of the answer NAME matches ERE (case-insensitive).
expect_header() {
    if ! grep -i -E -q -e "$2" "$HTTP/$1.headers"; then
        fail "$1: no header matches /$2/"
        return 1
    fi
    pass
}

# expect_body NAME ERE / expect_body_no NAME ERE (case-insensitive with -i as
# $3, hence unquoted).
# shellcheck disable=SC2086
expect_body() {
    if ! grep -E -q ${3:-} -e "$2" "$HTTP/$1.body"; then
        fail "$1: the body does not match /$2/"
        return 1
    fi
    pass
}
# shellcheck disable=SC2086
expect_body_no() {
    if grep -E -q ${3:-} -e "$2" "$HTTP/$1.body"; then
        fail "$1: the body matches /$2/ and should not"
        return 1
    fi
    pass
}

# link_path FILE: the path of a link-form token (what follows the host).
link_path() {
    sed 's|^[A-Z]*://[^/]*||' "$1"
}

# quoted FILE: the token of FILE percent-encoded for a query string.
quoted() {
    serve_client quote "$(cat "$1")"
}

# same_as_verify NAME TOKEN_FILE [VERIFY OPTIONS]: the body of NAME is byte
# for byte what certseal verify --json prints for TOKEN_FILE, but for the
# "input" the command line adds (the file the token came from).
same_as_verify() {
    sav_name=$1 sav_file=$2
    shift 2
    "$CERTSEAL" verify --json --trust "$SERVE_TRUST" --at "$AT" "$@" "$sav_file" 2>/dev/null |
        sed 's/,"input":{[^}]*}}$/}/' >"$HTTP/$sav_name.cli"
    if ! cmp -s "$HTTP/$sav_name.body" "$HTTP/$sav_name.cli"; then
        fail "$sav_name: the JSON differs from certseal verify --json $* $sav_file"
        diff "$HTTP/$sav_name.cli" "$HTTP/$sav_name.body" | sed -n '1,6s/^/    /p' | cut -c 1-300
        return 1
    fi
    pass
}

# json_is NAME PYTHON: the body of NAME, parsed as JSON (j: the first object,
# js: all, one per line), makes PYTHON true.
json_is() {
    check "$1: $2" json_true "$HTTP/$1.body" "$2"
}

# headline VERDICT: the page's headline (its h1) for VERDICT, an ERE.
headline() {
    case $1 in
    VALID) echo 'Valid certificate' ;;
    SUSPENDED) echo 'Suspended' ;;
    WITHDRAWN) echo 'Withdrawn' ;;
    SUPERSEDED) echo 'Replaced by a newer revision' ;;
    EXPIRED) echo 'Expired' ;;
    NOT_ACCREDITED) echo 'Not accredited|Accreditation (suspended|withdrawn)' ;;
    UNTRUSTED | INVALID_SIGNATURE) echo 'Not genuine' ;;
    STATUS_UNKNOWN) echo 'Status could not be checked' ;;
    MALFORMED) echo 'Not a certificate code' ;;
    esac
}

# expect_page NAME VERDICT: the answer NAME is the HTML page of VERDICT: its
# h1 is the verdict's headline.
expect_page() {
    expect_header "$1" '^content-type: text/html; *charset=utf-8$'
    expect_body "$1" "<h1[^>]*>[[:space:]]*($(headline "$2"))[[:space:]]*</h1>"
    expect_body "$1" '^<!DOCTYPE html>' -i
}

# ---- the main service ------------------------------------------------------------

MAIN_OPTS="--trust $SERVE_TRUST --status lists --at $AT"
# shellcheck disable=SC2086 # MAIN_OPTS holds no spaces within an option
if ! serve_start main $MAIN_OPTS --publish pub --timeout 3; then
    # shellcheck disable=SC2034 # lib.sh's fail shows it
    LAST_CMD=" certseal serve $MAIN_OPTS --publish pub --timeout 3"
    LAST_RC=$SERVE_RC
    cp "$CAP/main.log" "$CAP/stderr"
    : >"$CAP/stdout"
    fail "the service did not start"
    finish
fi
PORT=$SERVE_PORT
check "the port file holds a port number and a newline" \
    grep -q -x '[1-9][0-9]*' "$CAP/main.port"

expect_http health 200 GET /healthz
expect_body health '^ok$'
expect_http health-head 200 HEAD /healthz
check "HEAD /healthz: no body" [ ! -s "$HTTP/health-head.body" ]
expect_http front 200 GET /
expect_header front '^content-type: text/html; *charset=utf-8$'
expect_body front '</html>' -i

# ---- every verdict: the page (both cases of the link path) and the API ------------

for pair in $VERDICTS; do
    name=${pair%%:*} verdict=${pair#*:}
    serve_client link "$name.txt" "$LINK_BASE" >"$name.link" || setup_failed "link $name"
    path=$(link_path "$name.link")
    expect_http "page-$name" 200 GET "$path"
    expect_page "page-$name" "$verdict"
    lower=/v/${path#/V/}
    expect_http "page-lower-$name" 200 GET "$lower"
    expect_page "page-lower-$name" "$verdict"

    expect_http "get-$name" 200 GET "/api/v1/verify?token=$(quoted "$name.txt")"
    expect_header "get-$name" '^content-type: application/json'
    json_is "get-$name" "j['verdict'] == '$verdict'"
    same_as_verify "get-$name" "$name.txt" --status lists
    expect_http "get-link-$name" 200 GET "/api/v1/verify?token=$(quoted "$name.link")"
    same_as_verify "get-link-$name" "$name.link" --status lists
    expect_http "post-$name" 200 POST /api/v1/verify --body "$name.txt"
    same_as_verify "post-$name" "$name.txt" --status lists
done
check "the valid page names the organisation" \
    grep -q 'Acme Precision Engineering Ltd' "$HTTP/page-valid.body"
expect_body_no page-valid 'not genuine|withdrawn|suspended' -i
expect_body_no page-forged 'Acme Precision' # nothing unverified is shown

# several tokens, one per line, a malformed one among them
: >several.txt
for pair in $VERDICTS; do cat "${pair%%:*}.txt" >>several.txt; done
cat malformed.txt valid.link >>several.txt
expect_http post-several 200 POST /api/v1/verify --body several.txt
same_as_verify post-several several.txt --status lists
json_is post-several "len(js) == $(wc -l <several.txt) and js[-2]['verdict'] == 'MALFORMED'"
# CRLF line ends and blank lines are no tokens
awk '{ printf "%s\r\n\r\n", $0 }' valid.txt withdrawn.txt >crlf.txt
expect_http post-crlf 200 POST /api/v1/verify --body crlf.txt
json_is post-crlf "[x['verdict'] for x in js] == ['VALID', 'WITHDRAWN']"

# ---- malformed input: 400 with a clear answer --------------------------------------

expect_http get-malformed 400 GET "/api/v1/verify?token=$(quoted malformed.txt)"
expect_header get-malformed '^content-type: application/json'
json_is get-malformed "j['verdict'] == 'MALFORMED' and j['valid'] is False and j['reason']"
same_as_verify get-malformed malformed.txt --status lists
expect_http post-malformed 400 POST /api/v1/verify --body malformed.txt
json_is post-malformed "j['verdict'] == 'MALFORMED'"
expect_http page-malformed 400 GET /v/NOT-A-CERTIFICATE-CODE
expect_page page-malformed MALFORMED
expect_http page-truncated 400 GET "$(link_path valid.link | cut -c 1-200)"
expect_page page-truncated MALFORMED
expect_http get-no-token 400 GET /api/v1/verify
expect_http get-empty-token 400 GET '/api/v1/verify?token='
: >empty.txt
expect_http post-empty 400 POST /api/v1/verify --body empty.txt
printf '\n \n\r\n' >blank.txt
expect_http post-blank 400 POST /api/v1/verify --body blank.txt
expect_http page-empty 400 GET /v/
expect_page page-empty MALFORMED

# ---- limits -------------------------------------------------------------------------

python3 -c 'print("/v/" + "A" * 9000)' >long.target
expect_http long-url 414 GET @long.target
expect_http after-long 200 GET /healthz
python3 -c 'print("/api/v1/verify?token=" + "A" * 9000)' >long.target
expect_http long-query 414 GET @long.target
python3 -c 'import sys; sys.stdout.write(("A" * 1023 + "\n") * 300)' >big.body
expect_http big-body 413 POST /api/v1/verify --body big.body
expect_http after-big 200 GET /healthz
python3 -c 'import sys; sys.stdout.write("A\n" * 1001)' >many.body
expect_http many-tokens 413 POST /api/v1/verify --body many.body
# exactly the limits: 1000 tokens in one POST are answered
python3 -c 'import sys; sys.stdout.write("A\n" * 1000)' >thousand.body
expect_http thousand 200 POST /api/v1/verify --body thousand.body
json_is thousand "len(js) == 1000 and all(x['verdict'] == 'MALFORMED' for x in js)"

# ---- headers -----------------------------------------------------------------------

for name in page-valid page-withdrawn page-malformed front; do
    expect_header $name "^content-security-policy: .*default-src 'none'"
    expect_header $name '^x-content-type-options: nosniff$'
    expect_header $name '^referrer-policy: no-referrer$'
    expect_header $name '^cache-control: .*no-store'
done
check "the page's policy allows no script" \
    sh -c "! grep -i '^content-security-policy: .*script-src[^;]*(unsafe|\\*)' '$HTTP/page-valid.headers'"
check "the page holds no script element" sh -c "! grep -i -q '<script' '$HTTP/page-valid.body'"
for name in get-valid post-several get-malformed; do
    expect_header $name '^x-content-type-options: nosniff$'
    expect_header $name '^cache-control: .*no-store'
done

# ---- what a token carries is escaped -----------------------------------------------

path=$(link_path xss.link)
expect_http page-xss 200 GET "$path"
expect_body_no page-xss '<script>alert'
expect_body page-xss 'Org &lt;script&gt;alert\(1\)&lt;/script&gt;'
expect_body page-xss 'Scope &lt;script&gt;alert\(1\)&lt;/script&gt;'
expect_body page-xss 'Site &lt;script&gt;alert\(1\)&lt;/script&gt;'
expect_body page-xss '(&quot;|&#34;|&#x22;)Q(&quot;|&#34;|&#x22;)|"Q"'
expect_body page-xss '&amp; Co'
expect_body_no page-xss '[^;] & Co'
json_is get-xss "j['certificate']['organization']['name'] == 'Org ' + __import__('os').environ['XSS_TEXT']"
json_is get-xss "j['certificate']['sites'][0]['address'] == 'Site ' + __import__('os').environ['XSS_TEXT']"
check "the JSON escapes the quotes" grep -q '\\"Q\\"' "$HTTP/get-xss.body"

# ---- methods and paths -------------------------------------------------------------

for method in PUT DELETE PATCH; do
    expect_http "m-$method" 405 "$method" /api/v1/verify --body valid.txt
    expect_header "m-$method" '^allow: .*GET'
    expect_header "m-$method" '^allow: .*POST'
done
expect_http m-post-page 405 POST "$(link_path valid.link)" --body valid.txt
expect_header m-post-page '^allow: .*GET'
check "POST /v/...: Allow has no POST" sh -c "! grep -i -q '^allow: .*POST' '$HTTP/m-post-page.headers'"
expect_http m-post-health 405 POST /healthz --body valid.txt
expect_header m-post-health '^allow: .*GET'
expect_http m-head-verify 200 HEAD "/api/v1/verify?token=$(quoted valid.txt)"
check "HEAD /api/v1/verify: no body" [ ! -s "$HTTP/m-head-verify.body" ]
expect_http m-head-page 200 HEAD "$(link_path valid.link)"
check "HEAD /v/...: no body" [ ! -s "$HTTP/m-head-page.body" ]
expect_header m-head-page '^content-type: text/html'
for target in /nope /api/v1/verify/extra /api/v2/verify /healthz/x /vv/ABC /v; do
    expect_http "404$(echo "$target" | tr '/' '-')" 404 GET "$target"
done

# error pages (404, 414) and JSON errors (400, 413) carry them too
for name in 404-nope long-url; do
    expect_header $name '^content-type: text/html; *charset=utf-8$'
    expect_header $name "^content-security-policy: .*default-src 'none'"
    expect_header $name '^x-content-type-options: nosniff$'
    expect_header $name '^cache-control: .*no-store'
done
for name in get-no-token big-body many-tokens; do
    expect_header $name '^content-type: application/json'
    expect_header $name '^x-content-type-options: nosniff$'
    expect_header $name '^cache-control: .*no-store'
    json_is $name "j['error']"
done

# ---- published status lists ---------------------------------------------------------

expect_http list 200 GET /status/cb.list
check "GET /status/cb.list: the exact bytes" cmp -s "$HTTP/list.body" pub/cb.list
expect_header list '^content-type: application/statuslist\+cwt$'
expect_header list '^cache-control: .*max-age=[1-9][0-9]*'
expect_header list '^etag: "?[^"]+"?$'
expect_header list '^access-control-allow-origin: \*$'
etag=$(sed -n 's/^etag: //p' "$HTTP/list.headers")
expect_http list-304 304 GET /status/cb.list --header "If-None-Match: $etag"
check "304: no body" [ ! -s "$HTTP/list-304.body" ]
expect_http list-other-etag 200 GET /status/cb.list --header 'If-None-Match: "other"'
expect_http list-head 200 HEAD /status/cb.list
for target in /status/missing.list /status/.hidden /status/../ab.key /status/..%2Fab.key \
    /status/sub/inner.list /status/sub%2Finner.list /status/ /status/.. /status/%2e%2e \
    /status/cb.key /status/notes.txt; do
    expect_http "list-404$(echo "$target" | tr '/%' '-_')" 404 GET "$target"
    expect_body_no "list-404$(echo "$target" | tr '/%' '-_')" 'PRIVATE|secret|nested'
done
expect_http list-post 405 POST /status/cb.list --body valid.txt

# ---- the request log ------------------------------------------------------------------

# a token under a link base other than /v/ (docs/demo.sh uses /c/) is not found
wrong_path=/C/$(link_path valid.link | sed 's|^/V/||')
expect_http wrong-base 404 GET "$wrong_path"

sleep 0.2 # the last line is written after the answer
log_lines=$(grep -c -E '"(GET|HEAD|POST|PUT|DELETE|PATCH) /' "$CAP/main.log")
check "one log line per request ($REQUESTS requests, $log_lines lines)" \
    [ "$log_lines" -eq "$REQUESTS" ]
for name in valid xss withdrawn; do
    # a distinctive piece of each form of the token
    piece=$(grep -o '[A-Z0-9]\{16,\}' "$name.txt" | sed -n 2p)
    check "the log holds no part of the $name token ($piece)" \
        sh -c "! grep -q -F '$piece' '$CAP/main.log'"
    piece=$(link_path "$name.link" | cut -c 100-130)
    check "the log holds no part of the $name link ($piece)" \
        sh -c "! grep -q -F '$piece' '$CAP/main.log'"
done
piece=$(printf '%s' "$wrong_path" | cut -c 12-30)
check "the log holds no part of a token at an unknown path ($piece)" \
    sh -c "! grep -q -F '$piece' '$CAP/main.log'"
check "the log writes <token> for the token" grep -q '/v/<token>\|/V/<token>' "$CAP/main.log"
check "the log names the verdicts" grep -q 'WITHDRAWN' "$CAP/main.log"
check "the operator's hint for an untrusted key goes to the log" \
    grep -q 'UNTRUSTED (add the accreditation body.s public key with --trust' "$CAP/main.log"
check "the log leaves the query out" sh -c "! grep -q 'token=' '$CAP/main.log'"

# ---- slow clients do not hold the others up ------------------------------------------

# 8 connections send a request's first 4 bytes, one a second, then go idle
serve_client slow "$PORT" 8 14 "$HTTP/slow.out" 4 &
slow_pid=$!
sleep 0.5
run serve_client burst "$PORT" 20 1.0 /healthz
check "20 requests next to 8 slow clients each within 1 s (slowest $(cat "$CAP/stdout") s)" \
    [ "$LAST_RC" = 0 ]
run serve_client burst "$PORT" 5 1.0 "/api/v1/verify?token=$(quoted valid.txt)"
check "verifications next to slow clients each within 1 s" [ "$LAST_RC" = 0 ]
wait "$slow_pid"
# shellcheck disable=SC2016 # awk's own variables
check "the idle clients were closed by the 3 s timeout (closed, last after s: $(cat "$HTTP/slow.out"))" \
    awk '$1 == 8 && $2 < 10 { ok = 1 } END { exit !ok }' "$HTTP/slow.out"
expect_http after-slow 200 GET /healthz

# ---- SIGTERM: a clean stop ----------------------------------------------------------------

# SIGTERM arrives while a POST is half sent: the request is still answered
run serve_client inflight "$PORT" "$(serve_pid main)" several.txt
check "SIGTERM during a request: the request is answered 200 (got $(cat "$CAP/stdout"))" \
    [ "$(cat "$CAP/stdout")" = 200 ]
serve_wait_exit main 50
check "SIGTERM: exit status 0 within 5 s (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]
serve_stop main KILL # only if still running
check "the service said it was stopping" grep -q -i 'SIGTERM\|stop' "$CAP/main.log"

# ---- status required, and no --publish ----------------------------------------------------

serve_start req --trust "$SERVE_TRUST" --at "$AT" --require-status ||
    setup_failed "serve --require-status (exit $SERVE_RC)"
PORT=$SERVE_PORT
expect_http req-page 200 GET "$(link_path valid.link)"
expect_page req-page STATUS_UNKNOWN
expect_http req-api 200 GET "/api/v1/verify?token=$(quoted valid.txt)"
json_is req-api "j['verdict'] == 'STATUS_UNKNOWN'"
same_as_verify req-api valid.txt --require-status
expect_http req-nopublish 404 GET /status/cb.list
serve_stop req TERM
check "the --require-status service stops with 0 (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]

# ---- EXPIRED by the date given; SIGINT stops cleanly --------------------------------------

serve_start late --trust "$SERVE_TRUST" --at 2035-03-01 || setup_failed "serve --at 2035-03-01"
PORT=$SERVE_PORT
expect_http late-page 200 GET "$(link_path valid.link)"
expect_page late-page EXPIRED
expect_http late-api 200 POST /api/v1/verify --body valid.txt
json_is late-api "j['verdict'] == 'EXPIRED' and j['verified_at'].startswith('2035-03-01')"
serve_stop late INT
check "SIGINT: exit status 0 within 5 s (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]

# ---- status lists are read again: a changed file, then SIGHUP -----------------------------

mkdir rdir
cp lists/ab.list lists/cb.list rdir/
serve_start reload --trust "$SERVE_TRUST" --status rdir --at "$AT" ||
    setup_failed "serve --status rdir"
PORT=$SERVE_PORT
expect_http reload-before 200 POST /api/v1/verify --body reload.txt
json_is reload-before "j['verdict'] == 'VALID'"

# poll_verdict NAME VERDICT: asks for reload.txt's verdict every 0.1 s for at
# most 3 s until it is VERDICT.
poll_verdict() {
    pv_i=0
    while [ $pv_i -lt 30 ]; do
        http "$1" POST /api/v1/verify --body reload.txt
        if json_true "$HTTP/$1.body" "j['verdict'] == '$2'" >/dev/null 2>&1; then
            pass
            return 0
        fi
        sleep 0.1
        pv_i=$((pv_i + 1))
    done
    fail "$1: the verdict did not become $2 within 3 s"
}
quiet suspend --registry cb.db --reason "reload test" GB-reload
quiet status publish --registry cb.db --out rdir/cb.list
poll_verdict reload-suspended SUSPENDED
# a file that no longer reads as a status list: the last good one is kept
cp reload.json rdir/cb.list.tmp && mv rdir/cb.list.tmp rdir/cb.list
sleep 1.5
expect_http reload-bad 200 POST /api/v1/verify --body reload.txt
json_is reload-bad "j['verdict'] == 'SUSPENDED'"
check "the log names the list that did not read" grep -q 'cb\.list' "$CAP/reload.log"
expect_http reload-alive 200 GET /healthz
# SIGHUP
quiet reinstate --registry cb.db GB-reload
quiet status publish --registry cb.db --out rdir/cb.list
kill -HUP "$(serve_pid reload)"
poll_verdict reload-hup VALID
expect_http reload-hup-alive 200 GET /healthz
check "SIGHUP does not stop the service" [ ! -s "$CAP/reload.rc" ]
serve_stop reload TERM
check "the reload service stops with 0 (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]

# ---- start-up failures -----------------------------------------------------------------------

expect_exit 2 timeout 10 "$CERTSEAL" serve --trust "$SERVE_TRUST"
expect_stderr_line 'listen'
expect_exit 2 timeout 10 "$CERTSEAL" serve --listen 127.0.0.1:0
expect_stderr_line 'trust'
expect_exit 2 timeout 10 "$CERTSEAL" serve --trust "$SERVE_TRUST" --listen 127.0.0.1:0 --frobnicate
expect_stderr_line 'frobnicate'
expect_exit 2 timeout 10 "$CERTSEAL" serve --trust "$SERVE_TRUST" --listen 127.0.0.1:0 --threads x
expect_stderr_line 'threads'
expect_exit 2 timeout 10 "$CERTSEAL" serve --trust "$SERVE_TRUST" --listen nonsense
expect_stderr_line 'nonsense'
serve_start first --trust "$SERVE_TRUST" || setup_failed "serve first"
expect_exit 1 timeout 10 "$CERTSEAL" serve --trust "$SERVE_TRUST" --listen "127.0.0.1:$SERVE_PORT"
expect_stderr_line "127\\.0\\.0\\.1:$SERVE_PORT"
serve_stop first TERM
check "the first service stops with 0 (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]
expect_exit 1 timeout 10 "$CERTSEAL" serve --trust "$SERVE_TRUST" --listen 127.0.0.1:0 --status ac.cose
expect_stderr_line 'ac\.cose: .*status list'
expect_exit 1 timeout 10 "$CERTSEAL" serve --trust "$SERVE_TRUST" --listen 127.0.0.1:0 --status missing.list
expect_stderr_line 'missing\.list'
expect_exit 1 timeout 10 "$CERTSEAL" serve --trust missing.pub --listen 127.0.0.1:0
expect_stderr_line 'missing\.pub'
expect_exit 1 timeout 10 "$CERTSEAL" serve --trust "$SERVE_TRUST" --listen 127.0.0.1:0 --publish nodir
expect_stderr_line 'nodir'
expect_exit 0 "$CERTSEAL" serve --help
expect_stdout '^usage: certseal serve'
check "no sanitizer report in the services' logs" \
    sh -c "! grep -l -E 'Sanitizer|runtime error' '$CAP'/*.log"

finish
