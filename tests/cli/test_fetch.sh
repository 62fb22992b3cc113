#!/bin/sh
# SPDX-License-Identifier: ISC
# verify --fetch: status lists fetched over HTTP from a server on 127.0.0.1
# (tests/cli/fetch_server.py), cached for their ttl in --cache-dir; nothing
# fetched without --fetch; a server that is down or stalls gives status
# unknown (exit 19, or 0 with --status-optional), promptly; the cache options
# and their usage errors.  The registry makes and publishes the lists.
. "$(dirname "$0")/lib.sh"

# Straight to 127.0.0.1, never through a proxy from the environment.
no_proxy='*' NO_PROXY='*'
export no_proxy NO_PROXY
unset XDG_CACHE_HOME

# start_server [PORT] [--stall]: serves lists/ on 127.0.0.1; sets PORT.
start_server() { fetch_server_start "$WORK/lists" "$@"; }
stop_server() { fetch_server_stop; }
trap 'stop_server; cleanup' EXIT
requests() { if [ -f "$TMP/requests" ]; then wc -l <"$TMP/requests" | tr -d ' '; else echo 0; fi; }

# expect_requests N: the server was asked N times in all.
expect_requests() {
    if [ "$(requests)" -ne "$1" ]; then
        fail "the server was asked $(requests) time(s), expected $1"
        return 1
    fi
    pass
}

mkdir lists
start_server
BASE=http://127.0.0.1:$PORT
TODAY=$(date -u +%Y-%m-%d)
"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
record_edit "$TYPICAL" "d['certificate_number'] = 'GB-Q-1'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0" >r1.json
"$CERTSEAL" init --registry ab.db --key ab.key --status-uri "$BASE/ab.list" >/dev/null 2>&1 ||
    setup_failed "init ab.db"
"$CERTSEAL" accredit --registry ab.db --issuer AB-TEST --subject CB-TEST --name "Test CB" \
    --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
    --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose >/dev/null 2>&1 ||
    setup_failed "accredit"
"$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose \
    --status-uri "$BASE/cb.list" >/dev/null 2>&1 || setup_failed "init cb.db"
"$CERTSEAL" issue --registry cb.db --out t1.txt r1.json >/dev/null 2>&1 || setup_failed "issue"
"$CERTSEAL" status publish --registry cb.db --ttl 3600 --out lists/cb.list >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry ab.db --ttl 3600 --out lists/ab.list >/dev/null 2>&1 ||
    setup_failed "status publish"
PORT_RE=$(printf '%s' "$PORT")

# ---- offline by default -----------------------------------------------------------------

expect_exit 19 cs verify --trust ab.key.pub t1.txt
expect_stdout '^ +fail +certificate-status .*was given, and status is required'
expect_exit 0 cs verify --trust ab.key.pub --status-optional t1.txt
expect_stdout '^ +unknown +certificate-status '
expect_requests 0

# ---- fetched, then cached for the ttl --------------------------------------------------------

expect_exit 0 cs verify --trust ab.key.pub --fetch --cache-dir cache --require-status t1.txt
expect_stdout "^ +pass +certificate-status +valid in the status list http://127\\.0\\.0\\.1:$PORT_RE/cb\\.list "
expect_stdout "^ +pass +accreditation-status +valid in the status list http://127\\.0\\.0\\.1:$PORT_RE/ab\\.list "
expect_stderr_empty
expect_requests 2
check "the cache folder is 0700" test "$(stat -c %a cache)" = 700
check "the cache holds two lists and the two iats seen (.seen), each 0600" \
    test "$(find cache -type f -perm 600 | wc -l)" -eq 4 -a "$(find cache -type f | wc -l)" -eq 4 \
    -a "$(find cache -name '*.seen' | wc -l)" -eq 2

"$CERTSEAL" suspend --registry cb.db --reason "audit overdue" GB-Q-1 >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry cb.db --ttl 3600 --out lists/cb.list >/dev/null 2>&1 ||
    setup_failed "suspend"
# Within the ttl the cached list answers: no request, still valid.
expect_exit 0 cs verify --trust ab.key.pub --fetch --cache-dir cache t1.txt
expect_stdout '^VALID '
expect_requests 2
# --status lists are used as given; --fetch fetches only what is missing.
expect_exit 16 cs verify --trust ab.key.pub --fetch --no-cache --status lists/cb.list t1.txt
expect_requests 3
# A new cache, or none, fetches the suspended list.
rm -rf cache
expect_exit 16 cs verify --trust ab.key.pub --fetch --cache-dir cache t1.txt
expect_stdout '^SUSPENDED '
expect_stderr_line 't1\.txt: SUSPENDED: '
expect_requests 5
expect_exit 16 cs verify --trust ab.key.pub --fetch --no-cache t1.txt
expect_exit 16 cs verify --trust ab.key.pub --fetch --no-cache t1.txt
expect_requests 9
# The default folder: $XDG_CACHE_HOME/certseal, else ~/.cache/certseal.
expect_exit 16 env XDG_CACHE_HOME="$WORK/xdg" "$CERTSEAL" verify --trust ab.key.pub --fetch t1.txt
check "the cache is under XDG_CACHE_HOME" test "$(find xdg/certseal -type f | wc -l)" -eq 4
mkdir home
expect_exit 16 env HOME="$WORK/home" "$CERTSEAL" verify --trust ab.key.pub --fetch t1.txt
check "the cache is under HOME/.cache" test "$(find home/.cache/certseal -type f | wc -l)" -eq 4

# ---- one fetcher for every job ----------------------------------------------------------------

# 1,000 tokens naming the same two lists, verified by two jobs: each list
# is fetched once for the run (not once per job), and every token is VALID.
python3 - "$TYPICAL" "$TODAY" >batch.jsonl <<'PY' || setup_failed "batch.jsonl"
import json, sys
d = json.load(open(sys.argv[1]))
for i in range(1000):
    d.update(certificate_number="GB-B-%d" % i, issued=sys.argv[2], original_grant="2019-03-14",
             expires="2034-12-31", revision=0)
    print(json.dumps(d))
PY
"$CERTSEAL" issue --registry cb.db --batch batch.jsonl --out tokens.jsonl >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry cb.db --ttl 3600 --out lists/cb.list >/dev/null 2>&1 ||
    setup_failed "issue --batch"
before=$(requests)
expect_exit 0 cs verify --trust ab.key.pub --fetch --no-cache --require-status --jobs 2 --json \
    tokens.jsonl
check "--jobs 2: 1000 verdicts, all VALID" \
    test "$(grep -c '"verdict":"VALID"' "$CAP/stdout")" -eq 1000
check "--jobs 2: 1000 tokens, two lists: $(($(requests) - before)) fetches, expected 2" \
    test "$(($(requests) - before))" -eq 2
check "--jobs 2: each list fetched once" \
    test "$(tail -n 2 "$TMP/requests" | sort -u | wc -l)" -eq 2

# ---- the server is down -------------------------------------------------------------------

stop_server
expect_exit 0 cs verify --trust ab.key.pub --fetch --no-cache --status-optional t1.txt
expect_stdout "^ +unknown +certificate-status .*127\\.0\\.0\\.1:$PORT_RE/cb\\.list"
expect_stdout '^ +Status +unknown$'
expect_exit 19 cs verify --trust ab.key.pub --fetch --no-cache t1.txt
expect_stderr_line "t1\\.txt: STATUS_UNKNOWN: .*127\\.0\\.0\\.1:$PORT_RE/(ab|cb)\\.list"
# What is cached still answers while its ttl lasts.
expect_exit 16 cs verify --trust ab.key.pub --fetch --cache-dir cache t1.txt

# ---- the server stalls: the timeout fires ----------------------------------------------------

start_server "$PORT" --stall
before=$(date +%s)
expect_exit 0 cs verify --trust ab.key.pub --fetch --no-cache --fetch-timeout 1 --status-optional \
    t1.txt
took=$(($(date +%s) - before))
expect_stdout '^ +unknown +certificate-status .*timed out'
printf "stalled server: verify --fetch-timeout 1 took %ss for two lists\n" "$took"
check "a stalled server is given up within the timeout (took ${took}s for two lists)" \
    test "$took" -le 6
expect_exit 19 cs verify --trust ab.key.pub --fetch --no-cache --fetch-timeout 1 t1.txt
expect_stderr_line 'STATUS_UNKNOWN: .*timed out'
stop_server

# ---- usage -----------------------------------------------------------------------------------

expect_exit 2 cs verify --trust ab.key.pub --cache-dir cache t1.txt
expect_stderr_line 'go with --fetch'
expect_exit 2 cs verify --trust ab.key.pub --fetch --cache-dir cache --no-cache t1.txt
expect_stderr_line 'either --cache-dir DIR or --no-cache'
expect_exit 2 cs verify --trust ab.key.pub --fetch --fetch-timeout 0 t1.txt
expect_stderr_line 'fetch-timeout'
: >a-file
expect_exit 1 cs verify --trust ab.key.pub --fetch --cache-dir a-file/cache t1.txt
expect_stderr_line 'a-file/cache: cannot create the status list cache folder: .*\(give --cache-dir DIR or --no-cache\)$'
expect_exit 1 env -u HOME "$CERTSEAL" verify --trust ab.key.pub --fetch t1.txt
expect_stderr_line 'neither XDG_CACHE_HOME nor HOME is set'
expect_no_stray

finish
