#!/bin/sh
# SPDX-License-Identifier: ISC
# The verification service under pressure (certseal serve, http.h): more
# connections than it takes, half-open and slow ones, a flood from one
# address, SIGTERM under load, and requests framed ambiguously (RFC 9112,
# tests/data/http/).  Services on 127.0.0.1 only, started by this script;
# every client is bounded in connections (600 at most) and time (30 s at
# most); the whole script takes about a minute.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/serve_fixtures.sh"

# 600 connections on each side, and the service's own files
ulimit -n 4096 2>/dev/null || ulimit -n 2048 2>/dev/null || true

# A smaller set than serve_make_pki: the accreditation body's key, one
# certification body, one certificate (valid.txt) and its status list.
quiet keygen --out ab.key
quiet keygen --out cb.key
quiet accredit --key ab.key --issuer AB-TEST --subject CB-TEST --name "Test CB 1" --country GB \
    --standard "ISO 9001:2015" --iaf 17,18,31 --not-before 2020-01-01 --expires 2035-12-31 \
    --number ACC-1 --subject-key cb.key.pub --out ac.cose
quiet init --registry cb.db --key cb.key --accreditation ac.cose --status-uri "$CB_URI" \
    --link-base "$LINK_BASE"
dated_record GB-valid >valid.json
quiet issue --registry cb.db --out valid.txt valid.json
mkdir lists
quiet status publish --registry cb.db --out lists/cb.list
HTTP_DATA=$ROOT/tests/data/http

# flood ARGS...: the flood client (flood_client.py).
flood() {
    python3 "$ROOT/tests/cli/flood_client.py" "$@"
}

# healthy NAME [COUNT]: COUNT (10) requests for /healthz one after the other,
# each answered 200 within 2 s.  Several, so that every worker is asked.
healthy() {
    run serve_client burst "$PORT" "${2:-10}" 2.0 /healthz
    check "$1: /healthz answered 200 within 2 s, ${2:-10} times ($(cat "$CAP/stdout"))" \
        [ "$LAST_RC" = 0 ]
}

# ---- more half-open connections than --max-connections ---------------------------

# Before, a worker handed a connection past its share hung in
# pthread_mutex_lock for good, and SIGTERM with it.
serve_start halfopen --trust "$SERVE_TRUST" --max-connections 20 --threads 2 ||
    setup_failed "serve --max-connections 20 (exit $SERVE_RC)"
PORT=$SERVE_PORT
# (three rounds: which worker the connection past the limit lands on varies)
for round in 1 2 3; do
    run flood halfopen "$PORT" 21 1
    check "round $round: 21 half-open connections against 20: 20 held, 1 refused ($(cat "$CAP/stdout"))" \
        grep -q -x 'held 20 refused 1' "$CAP/stdout"
    healthy "round $round: after 21 half-open connections"
done
check "the refusal is logged" grep -q 'refused 1 connection(s) at the limit of 20' \
    "$CAP/halfopen.log"
serve_stop halfopen TERM
check "SIGTERM after the flood: exit 0 within 5 s (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]

# ---- the request deadline -----------------------------------------------------------

# 4 clients send a request one byte a second: never idle, never done
serve_start deadline --trust "$SERVE_TRUST" --request-deadline 3 --timeout 30 ||
    setup_failed "serve --request-deadline 3 (exit $SERVE_RC)"
PORT=$SERVE_PORT
serve_client slow "$PORT" 4 12 "$CAP/slow.out" 1000
# shellcheck disable=SC2016 # awk's own variables
check "a request trickling in for more than the 3 s deadline is closed ($(cat "$CAP/slow.out"))" \
    awk '$1 == 4 && $2 >= 2.5 && $2 < 6 { ok = 1 } END { exit !ok }' "$CAP/slow.out"
check "the deadline is logged" grep -q 'not received within 3 s' "$CAP/deadline.log"
healthy "after the deadline closed the slow clients" 3
serve_stop deadline TERM

# ---- 600 slow connections for 30 s against the default limit of 512 ---------------------

serve_start slowloris --trust "$SERVE_TRUST" --status lists --at "$AT" \
    --max-client-connections 1000 ||
    setup_failed "serve --max-client-connections 1000 (exit $SERVE_RC)"
PORT=$SERVE_PORT
run flood slowloris "$PORT" 600 30
check "600 slow connections for 30 s: some refused at the limit ($(cat "$CAP/stdout"))" \
    awk '$4 > 0 { ok = 1 } END { exit !ok }' "$CAP/stdout"
healthy "after 600 slow connections for 30 s"
expect_http_verify() {
    run serve_client request "$PORT" "$CAP/verify" POST /api/v1/verify --body valid.txt
    check "$1: a verification is answered 200" grep -q -x 200 "$CAP/verify.status"
}
expect_http_verify "after the flood"
check "the refusals are logged once a second at most, not once a connection" \
    [ "$(grep -c 'refused' "$CAP/slowloris.log")" -le 40 ]

# ---- SIGTERM under load -----------------------------------------------------------------

# 300 slow connections and 4 busy ones; SIGTERM once 50 verifications
# have been answered (a loaded machine may take seconds to start a client)
flood slowloris "$PORT" 300 15 >"$CAP/load-slow.out" 2>&1 &
slow_pid=$!
flood load "$PORT" 15 valid.txt >"$CAP/load.out" 2>&1 &
load_pid=$!
i=0
while [ $i -lt 100 ] && [ "$(grep -c 'POST /api/v1/verify' "$CAP/slowloris.log")" -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
sleep 1
kill -TERM "$(serve_pid slowloris)"
serve_wait_exit slowloris 50
check "SIGTERM under load: the service exits within 5 s (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]
wait "$slow_pid" "$load_pid"
check "the load was served before the stop ($(cat "$CAP/load.out"); slow: $(cat "$CAP/load-slow.out"); $(grep -c refused "$CAP/slowloris.log") refusal lines: $(grep refused "$CAP/slowloris.log" | tail -1))" \
    awk '$1 == "answers" && $2 > 0 { ok = 1 } END { exit !ok }' "$CAP/load.out"
serve_stop slowloris KILL # only if still running

# ---- one address cannot take every connection --------------------------------------------

if python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0))' 2>/dev/null; then
    serve_start perclient --trust "$SERVE_TRUST" --max-connections 100 \
        --max-client-connections 10 || setup_failed "serve --max-client-connections 10"
    PORT=$SERVE_PORT
    # 200 slow connections from 127.0.0.2; the service still answers 127.0.0.1
    flood slowloris "$PORT" 200 8 127.0.0.2 >"$CAP/perclient.out" 2>&1 &
    flood_pid=$!
    sleep 3
    healthy "from another address during a flood from 127.0.0.2" 5
    wait "$flood_pid"
    check "past 10 connections from 127.0.0.2, refused ($(cat "$CAP/perclient.out"))" \
        awk '$4 > 100 { ok = 1 } END { exit !ok }' "$CAP/perclient.out"
    check "the refusals name the limit per address" \
        grep -q 'past the limit of 10 from one address' "$CAP/perclient.log"
    serve_stop perclient TERM
else
    skip "127.0.0.2 is not a local address here: no second client address"
fi

# ---- framing (RFC 9112) and the log of what a request holds --------------------------------

serve_start framing --trust "$SERVE_TRUST" || setup_failed "serve (exit $SERVE_RC)"
PORT=$SERVE_PORT
for file in "$HTTP_DATA"/*.http; do
    name=$(basename "$file" .http)
    want=$(sed -n '1s/^# \([0-9 ]*\):.*/\1/p' "$file")
    run flood raw "$PORT" "$file"
    check "$name: answered $want ($(sed -n 1p "$file" | cut -c 1-100))" \
        [ "$(cat "$CAP/stdout")" = "$want" ]
done
healthy "after the framing tests" 3
sleep 0.2 # the last line is written after the answer
check "a method with ESC bytes is logged escaped" grep -q '"G?\[31mET /healthz" 405' \
    "$CAP/framing.log"
check "the log holds no ESC byte" sh -c "! grep -q \"\$(printf '\\033')\" '$CAP/framing.log'"
serve_stop framing TERM
check "no sanitizer report in the services' logs" \
    sh -c "! grep -l -E 'Sanitizer|runtime error' '$CAP'/*.log"

finish
