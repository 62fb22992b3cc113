# SPDX-License-Identifier: ISC
# tests/cli/serve_fixtures.sh - shared set-up for the tests of the verification
# service (test_serve.sh, test_serve_browser.sh).  Sourced after lib.sh, in
# the work folder.  POSIX sh only.
#
#   serve_make_pki           keys, registries, status lists and tokens (below)
#   serve_start NAME ARGS... starts `certseal serve --listen 127.0.0.1:0
#                            --port-file ... ARGS...` in the background and
#                            waits (at most 10 s) until it listens; sets
#                            SERVE_PORT; its stderr goes to $CAP/NAME.log.
#                            Returns 1 when it did not start (its exit
#                            status is then in SERVE_RC).
#   serve_stop NAME [SIGNAL] sends SIGNAL (TERM) and waits at most 5 s for the
#                            exit; sets SERVE_RC (the exit status, or
#                            "timeout" when it had to be killed)
#   serve_stop_all           stops every server still running (the EXIT trap)
#
# Every server started is stopped when the script exits, however it exits.

# shellcheck disable=SC2034 # the variables are for the scripts that source this

SERVE_TRUST=ab.key.pub
CB_URI=http://cb.example/status/cb.list
CB2_URI=http://cb.example/status/cb2.list
AB_URI=http://ab.example/status/ab.list
LINK_BASE=https://verify.example/v
# Verification time for the service and for `certseal verify`: ten minutes
# from now, so that the lists published during the script are not in its
# future and the records issued yesterday are valid.
AT=$(python3 -c 'import datetime as d
print((d.datetime.now(d.timezone.utc) + d.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
YESTERDAY=$(python3 -c 'import datetime as d; print(d.date.today() - d.timedelta(days=1))')
DAYS_AGO=$(python3 -c 'import datetime as d; print(d.date.today() - d.timedelta(days=3))')

# serve_setup_fail WHAT: set-up failed; stop here.
serve_setup_fail() {
    setup_failed "$1"
}

# quiet ARGS...: runs certseal ARGS with its output in $CAP/setup.out/err.
quiet() {
    "$CERTSEAL" "$@" >"$CAP/setup.out" 2>"$CAP/setup.err" || serve_setup_fail "certseal $*"
}

# dated_record NUMBER [PYTHON] > OUT: record-typical, issued yesterday under
# NUMBER, expiring in 2034, then PYTHON run on it as `d`.
dated_record() {
    record_edit "$TYPICAL" "d['certificate_number'] = '$1'; d['issued'] = '$YESTERDAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0; ${2:-}"
}

# serve_make_pki: in the work folder:
#   ab.key(.pub), ab.db            the accreditation body (trusted)
#   cb.key, cb.db, ac.cose         a certification body (ACC-1), link base LINK_BASE
#   cb2.key, cb2.db, ac2.cose      a second one (ACC-2), whose accreditation is suspended
#   lists/ab.list, lists/cb.list, lists/cb2.list   the published status lists
#   valid.txt suspended.txt withdrawn.txt superseded.txt (and new.txt, the
#   revision that superseded it), notacc.txt: offline form (CS1:...)
#   valid.link withdrawn.link: the same certificates in link form
#   expired.txt     a certificate that expired yesterday (no status reference)
#   untrusted.txt   a chain from an accreditation body that is not trusted
#   forged.txt      valid.txt with one byte of its signature changed
#   xss.txt         a certificate whose texts hold markup, quotes and &
#   reload.txt      valid now, suspended later by test_serve.sh
serve_make_pki() {
    quiet keygen --out ab.key
    quiet keygen --out cb.key
    quiet keygen --out cb2.key
    quiet keygen --out stranger.key
    quiet init --registry ab.db --key ab.key --status-uri "$AB_URI"
    for n in 1 2; do
        sfx=
        [ "$n" = 1 ] || sfx=2
        quiet accredit --registry ab.db --issuer AB-TEST --subject "CB-TEST$sfx" \
            --name "Test CB $n" --country GB --standard "ISO 9001:2015" \
            --standard "ISO 14001:2015" --iaf 17,18,31 --not-before 2020-01-01 \
            --expires 2035-12-31 --number "ACC-$n" --subject-key "cb$sfx.key.pub" \
            --out "ac$sfx.cose"
    done
    quiet init --registry cb.db --key cb.key --accreditation ac.cose --status-uri "$CB_URI" \
        --link-base "$LINK_BASE"
    quiet init --registry cb2.db --key cb2.key --accreditation ac2.cose --status-uri "$CB2_URI" \
        --link-base "$LINK_BASE"

    for name in valid suspended withdrawn superseded reload; do
        dated_record "GB-$name" >"$name.json"
        quiet issue --registry cb.db --out "$name.txt" "$name.json"
    done
    dated_record GB-superseded "d['revision'] = 1" >superseded-1.json
    quiet issue --registry cb.db --supersedes GB-superseded --out new.txt superseded-1.json
    dated_record GB-notacc >notacc.json
    quiet issue --registry cb2.db --out notacc.txt notacc.json
    # the texts a page must escape: markup, both quotes and ampersands
    # shellcheck disable=SC2089,SC2090 # the quotes are the point
    XSS_TEXT="<script>alert(1)</script> \"Q\" 'S' & Co"
    export XSS_TEXT
    dated_record GB-xss "import os; x = os.environ['XSS_TEXT']; \
d['organization']['name'] = 'Org ' + x; d['scope'] = 'Scope ' + x; \
d['sites'] = [{'address': 'Site ' + x, 'scope': 'Site scope ' + x}]" >xss.json
    quiet issue --registry cb.db --out xss.txt xss.json

    quiet suspend --registry cb.db --reason "audit overdue" GB-suspended
    quiet withdraw --registry cb.db --reason "cancelled" GB-withdrawn
    quiet suspend --registry ab.db --reason "assessment findings" ACC-2
    mkdir -p lists
    quiet status publish --registry cb.db --out lists/cb.list
    quiet status publish --registry cb2.db --out lists/cb2.list
    quiet status publish --registry ab.db --out lists/ab.list

    # expired: issued three days ago, expired yesterday
    record_edit "$TYPICAL" "d['certificate_number'] = 'GB-expired'; \
d['issued'] = '2024-01-10'; d['original_grant'] = '2019-03-14'; d['expires'] = '$DAYS_AGO'" \
        >expired.json
    quiet issue --key cb.key --accreditation ac.cose --out expired.txt expired.json
    # untrusted: another accreditation body signed the accreditation
    quiet accredit --key stranger.key --issuer AB-OTHER --subject CB-TEST --name "Test CB" \
        --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
        --expires 2035-12-31 --number ACC-9 --subject-key cb.key.pub --out ac-stranger.cose
    quiet issue --key cb.key --accreditation ac-stranger.cose --out untrusted.txt valid.json
    # forged: the last byte of the signature changed, then encoded again
    quiet inspect --cose-out valid.cose valid.txt
    python3 -c 'import sys
d = bytearray(open("valid.cose", "rb").read()); d[-1] ^= 1
open("forged.cose", "wb").write(d)' || serve_setup_fail "forge"
    serve_client encode offline forged.cose >forged.txt || serve_setup_fail "encode forged.txt"
    for name in valid withdrawn; do
        serve_client link "$name.txt" "$LINK_BASE" >"$name.link" ||
            serve_setup_fail "encode $name.link"
    done
}

# serve_client ARGS...: the raw HTTP client and token encoder (serve_client.py).
serve_client() {
    python3 "$ROOT/tests/cli/serve_client.py" "$@"
}

# ---- running the service -------------------------------------------------------

SERVE_NAMES=

# serve_start NAME ARGS...: see the top of this file.
serve_start() {
    ss_name=$1
    shift
    rm -f "$CAP/$ss_name.port" "$CAP/$ss_name.rc" "$CAP/$ss_name.pid"
    SERVE_NAMES="$SERVE_NAMES $ss_name"
    # The subshell records the exit status; the inner sh its own pid, which
    # exec makes the server's.
    (
        sh -c 'echo $$ >"$1"; shift; exec "$@"' serve "$CAP/$ss_name.pid" \
            "$CERTSEAL" serve --listen 127.0.0.1:0 --port-file "$CAP/$ss_name.port" "$@" \
            </dev/null >"$CAP/$ss_name.out" 2>"$CAP/$ss_name.log"
        echo $? >"$CAP/$ss_name.rc"
    ) &
    ss_i=0
    SERVE_PORT=
    SERVE_RC=
    while [ $ss_i -lt 100 ]; do
        if [ -s "$CAP/$ss_name.port" ] && [ "$(tail -c 1 "$CAP/$ss_name.port" | od -An -c |
            tr -d ' ')" = '\n' ]; then
            SERVE_PORT=$(cat "$CAP/$ss_name.port")
            return 0
        fi
        if [ -s "$CAP/$ss_name.rc" ]; then
            SERVE_RC=$(cat "$CAP/$ss_name.rc")
            return 1
        fi
        sleep 0.1
        ss_i=$((ss_i + 1))
    done
    SERVE_RC=timeout
    return 1
}

# serve_wait_exit NAME TENTHS: waits at most TENTHS tenths of a second for
# NAME to exit; sets SERVE_RC.
serve_wait_exit() {
    swe_i=0
    while [ $swe_i -lt "$2" ]; do
        if [ -s "$CAP/$1.rc" ]; then
            SERVE_RC=$(cat "$CAP/$1.rc")
            return 0
        fi
        sleep 0.1
        swe_i=$((swe_i + 1))
    done
    SERVE_RC=timeout
    return 1
}

# serve_pid NAME: the server's process id.
serve_pid() {
    cat "$CAP/$1.pid" 2>/dev/null
}

# serve_stop NAME [SIGNAL]: see the top of this file.
serve_stop() {
    st_pid=$(serve_pid "$1")
    SERVE_RC=
    if [ -s "$CAP/$1.rc" ]; then
        SERVE_RC=$(cat "$CAP/$1.rc")
        return 0
    fi
    [ -n "$st_pid" ] || return 1
    kill -"${2:-TERM}" "$st_pid" 2>/dev/null
    serve_wait_exit "$1" 50 && return 0
    kill -KILL "$st_pid" 2>/dev/null
    serve_wait_exit "$1" 20
    SERVE_RC=timeout
    return 1
}

serve_stop_all() {
    for ssa_name in $SERVE_NAMES; do
        [ -s "$CAP/$ssa_name.rc" ] || serve_stop "$ssa_name" TERM
    done
}

trap 'serve_stop_all; cleanup' EXIT
