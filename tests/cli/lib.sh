# SPDX-License-Identifier: ISC
# tests/cli/lib.sh - shared helpers for the command-line tests.  Sourced by
# tests/cli/test_*.sh, which run from the repository root with
# CERTSEAL=path/to/certseal in the environment (see the Makefile's test-cli).
#
# Each script gets a fresh work folder (removed on exit) and runs in it.  A
# check is one expect_* or check call; a failing check prints what was run,
# its exit status and its captured output, and the script goes on.  `finish`
# prints the count and exits non-zero when any check failed.
#
#   expect_exit CODE CMD...     run CMD, capture stdout/stderr; CODE is a
#                               number or a range such as 10-19
#   expect_stderr_line PATTERN  exactly one line on stderr, starting with
#                               "certseal: <command>: " and matching the
#                               extended regular expression PATTERN
#   expect_stderr_empty, expect_stdout PATTERN, expect_stdout_lines N
#   expect_no_file PATH..., expect_file PATH..., expect_no_stray [DIR]
#   check DESCRIPTION CMD...    passes when CMD succeeds
#
# POSIX sh only (dash is /bin/sh on Debian): no arrays, no `local`.

# shellcheck disable=SC2034 # the variables are for the scripts that source this
set -u

: "${CERTSEAL:?set CERTSEAL to the certseal program, e.g. CERTSEAL=build/certseal}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case $CERTSEAL in
/*) ;;
*) CERTSEAL=$(cd "$(dirname "$CERTSEAL")" && pwd)/$(basename "$CERTSEAL") ;;
esac
if [ ! -x "$CERTSEAL" ]; then
    echo "$0: $CERTSEAL is not an executable program (run make first)" >&2
    exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "$0: python3 is needed to read JSON (apt-get install python3)" >&2
    exit 1
fi

FIXTURES=$ROOT/tests/fixtures
TYPICAL=$FIXTURES/record-typical.json
MULTISITE=$FIXTURES/record-multisite.json
SCRIPT=$(basename "$0")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/certseal-cli.XXXXXX") || exit 1
cleanup() {
    cd /
    chmod -R u+rwX "$TMP" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
CAP=$TMP/capture     # captured output of the last command, outside the work folder
WORK=$TMP/work       # where the commands run and write
mkdir "$CAP" "$WORK" || exit 1
cd "$WORK" || exit 1

# Root reads files whatever their mode, so the "unreadable file" checks skip.
if [ "$(id -u)" = 0 ]; then IS_ROOT=1; else IS_ROOT=0; fi

CHECKS=0
FAILURES=0
SKIPPED=0
LAST_CMD=
LAST_NAME=
LAST_RC=

# ---- reporting ---------------------------------------------------------------

pass() { CHECKS=$((CHECKS + 1)); }

skip() {
    SKIPPED=$((SKIPPED + 1))
    printf 'skip %s: %s\n' "$SCRIPT" "$1"
}

# Prints a captured file indented, at most 25 lines.
show_file() {
    if [ -s "$2" ]; then
        printf '  %s:\n' "$1"
        sed -n '1,25s/^/    | /p' "$2"
        [ "$(wc -l <"$2")" -le 25 ] || printf '    | ... (%s lines)\n' "$(wc -l <"$2")"
    else
        printf '  %s: (empty)\n' "$1"
    fi
}

# fail DESCRIPTION: counts a failed check and shows the last command.
fail() {
    CHECKS=$((CHECKS + 1))
    FAILURES=$((FAILURES + 1))
    printf 'FAIL %s: %s\n' "$SCRIPT" "$1"
    if [ -n "$LAST_CMD" ]; then
        printf '  command:%s\n' "$LAST_CMD"
        printf '  exit status: %s\n' "$LAST_RC"
        show_file stdout "$CAP/stdout"
        show_file stderr "$CAP/stderr"
    fi
}

finish() {
    printf '%s: %d checks, %d failed' "$SCRIPT" "$CHECKS" "$FAILURES"
    [ "$SKIPPED" -eq 0 ] || printf ', %d skipped' "$SKIPPED"
    printf '\n'
    [ "$FAILURES" -eq 0 ]
    exit $?
}

# ---- running -----------------------------------------------------------------

# run CMD...: runs CMD with stdout and stderr captured; sets LAST_RC, LAST_CMD
# and LAST_NAME (the certseal subcommand, for expect_stderr_line: the word
# after "$CERTSEAL" in CMD, or what cs() was called with).  Stdin is
# the caller's: `run cs verify ... - <file` works.
run() {
    LAST_CMD=
    LAST_NAME=
    run_next=0
    for run_arg in "$@"; do
        LAST_CMD="$LAST_CMD $(printf '%s' "$run_arg" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")"
        if [ "$run_next" = 1 ] && [ -z "$LAST_NAME" ]; then
            LAST_NAME=$run_arg
            run_next=0
        fi
        case $run_arg in
        cs | "$CERTSEAL") run_next=1 ;;
        esac
    done
    "$@" >"$CAP/stdout" 2>"$CAP/stderr"
    LAST_RC=$?
}

# expect_exit CODE CMD...: runs CMD; CODE is N or LOW-HIGH.  A crash (killed
# by a signal) always fails.
expect_exit() {
    ee_want=$1
    shift
    run "$@"
    case $ee_want in
    *-*) ee_low=${ee_want%-*} ee_high=${ee_want#*-} ;;
    *) ee_low=$ee_want ee_high=$ee_want ;;
    esac
    if [ "$LAST_RC" -gt 128 ] && [ "$LAST_RC" -lt 160 ]; then
        fail "crashed (signal $((LAST_RC - 128))); expected exit status $ee_want"
        return 1
    fi
    if [ "$LAST_RC" -lt "$ee_low" ] || [ "$LAST_RC" -gt "$ee_high" ]; then
        fail "exit status $LAST_RC, expected $ee_want"
        return 1
    fi
    pass
}

# expect_stderr_line PATTERN: the last command wrote exactly one line on
# stderr, "certseal: <command>: ..." matching the ERE PATTERN.
expect_stderr_line() {
    esl_lines=$(wc -l <"$CAP/stderr")
    # A message without its final newline still counts as a line, wrongly.
    if [ -s "$CAP/stderr" ] && [ "$(tail -c 1 "$CAP/stderr" | od -An -c | tr -d ' ')" != '\n' ]; then
        fail "stderr does not end with a newline"
        return 1
    fi
    if [ "$esl_lines" -ne 1 ]; then
        fail "expected exactly one line on stderr, got $esl_lines (wanted /$1/)"
        return 1
    fi
    esl_prefix="certseal: $LAST_NAME: "
    case $(cat "$CAP/stderr") in
    "$esl_prefix"*) ;;
    *)
        fail "the stderr line does not start with '$esl_prefix'"
        return 1
        ;;
    esac
    if ! grep -E -q -e "$1" "$CAP/stderr"; then
        fail "the stderr line does not match /$1/"
        return 1
    fi
    pass
}

# expect_stderr_no PATTERN: stderr does not match PATTERN.
expect_stderr_no() {
    if grep -E -q -e "$1" "$CAP/stderr"; then
        fail "stderr matches /$1/ and should not"
        return 1
    fi
    pass
}

expect_stderr_empty() {
    if [ -s "$CAP/stderr" ]; then
        fail "expected nothing on stderr"
        return 1
    fi
    pass
}

expect_stdout_empty() {
    if [ -s "$CAP/stdout" ]; then
        fail "expected nothing on stdout"
        return 1
    fi
    pass
}

# expect_stdout PATTERN: some line of stdout matches the ERE PATTERN.
expect_stdout() {
    if ! grep -E -q -e "$1" "$CAP/stdout"; then
        fail "no line of stdout matches /$1/"
        return 1
    fi
    pass
}

expect_stdout_lines() {
    esl_n=$(wc -l <"$CAP/stdout")
    if [ "$esl_n" -ne "$1" ]; then
        fail "expected $1 line(s) on stdout, got $esl_n"
        return 1
    fi
    pass
}

expect_no_file() {
    for enf_path in "$@"; do
        if [ -e "$enf_path" ] || [ -L "$enf_path" ]; then
            fail "$enf_path exists and should not (partial output left behind?)"
            return 1
        fi
    done
    pass
}

expect_file() {
    for ef_path in "$@"; do
        if [ ! -f "$ef_path" ]; then
            fail "$ef_path was not written"
            return 1
        fi
    done
    pass
}

# expect_no_stray [DIR]: no temporary file ".NAME.XXXXXX" left in DIR
# (default: the work folder).
expect_no_stray() {
    ens_dir=${1:-$WORK}
    ens_found=$(find "$ens_dir" -name '.*.??????' -print 2>/dev/null)
    if [ -n "$ens_found" ]; then
        fail "temporary files left behind: $(printf '%s' "$ens_found" | tr '\n' ' ')"
        find "$ens_dir" -name '.*.??????' -exec rm -f {} + 2>/dev/null
        return 1
    fi
    pass
}

# check DESCRIPTION CMD...: passes when CMD exits 0 (its output is not
# captured over the last command's).
check() {
    ck_what=$1
    shift
    if "$@"; then
        pass
    else
        fail "$ck_what"
        return 1
    fi
}

# ---- certseal and test data ------------------------------------------------------

# cs ARGS...: certseal ARGS; notes the subcommand for expect_stderr_line, so
# wrapper functions that end in cs need no naming convention.
cs() {
    LAST_NAME=${1-}
    "$CERTSEAL" "$@"
}

# cs_accredit ARGS...: certseal accredit with the test CB's identity.
cs_accredit() {
    cs accredit --issuer AB-TEST --subject CB-TEST --name "Test CB" --number ACC-1 \
        --country GB "$@"
}

# cs_accredit_std AB_KEY CB_PUB OUT [ARGS...]: the standard test accreditation:
# ISO 9001 and ISO 14001, IAF 17, 18, 31, from 2026-01-01 to 2030-12-31.
cs_accredit_std() {
    cas_ab=$1 cas_cb=$2 cas_out=$3
    shift 3
    cs_accredit --key "$cas_ab" --subject-key "$cas_cb" --standard "ISO 9001:2015" \
        --standard "ISO 14001:2015" --iaf 17,18,31 --not-before 2026-01-01 \
        --expires 2030-12-31 --out "$cas_out" "$@"
}
AC_NOT_BEFORE=2026-01-01
AC_EXPIRES=2030-12-31

# Stops the script when the setup a check depends on fails.
setup_failed() {
    printf 'FAIL %s: setup: %s\n' "$SCRIPT" "$1"
    show_file stdout "$CAP/setup.out"
    show_file stderr "$CAP/setup.err"
    FAILURES=$((FAILURES + 1))
    finish
}

# setup_chain DIR AB_ALG CB_ALG: DIR/ab.key, DIR/cb.key (with .pub and .kid)
# and DIR/ac.cose, the standard test accreditation.
setup_chain() {
    mkdir -p "$1"
    "$CERTSEAL" keygen --alg "$2" --out "$1/ab.key" >"$1/ab.kid" 2>"$CAP/setup.err" ||
        setup_failed "keygen --alg $2 --out $1/ab.key"
    "$CERTSEAL" keygen --alg "$3" --out "$1/cb.key" >"$1/cb.kid" 2>"$CAP/setup.err" ||
        setup_failed "keygen --alg $3 --out $1/cb.key"
    cs_accredit_std "$1/ab.key" "$1/cb.key.pub" "$1/ac.cose" >"$CAP/setup.out" \
        2>"$CAP/setup.err" || setup_failed "accredit $1/ac.cose"
}

# setup_token DIR RECORD OUT [ARGS...]: issues RECORD with DIR's chain into OUT.
setup_token() {
    st_dir=$1 st_record=$2 st_out=$3
    shift 3
    "$CERTSEAL" issue --key "$st_dir/cb.key" --accreditation "$st_dir/ac.cose" "$@" \
        "$st_record" >"$st_out" 2>"$CAP/setup.err" || setup_failed "issue $st_record"
}

# json_field FILE KEY: a top-level string field of a flat JSON record, read
# with sed so the fixtures' own layout is all that is assumed.
json_field() {
    sed -n "s/^ *\"$2\": *\"\\([^\"]*\\)\".*/\\1/p" "$1" | head -n 1
}

# json_true FILE EXPR: FILE holds one JSON object per line (or one
# pretty-printed object); EXPR is Python over `j` (the first object) and
# `js` (all of them).
json_true() {
    python3 - "$@" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
try:
    js = [json.loads(text)]
except ValueError:
    try:
        js = [json.loads(line) for line in text.splitlines() if line.strip()]
    except ValueError as e:
        print("    not JSON: %s" % e)
        sys.exit(1)
j = js[0] if js else None
try:
    ok = eval("(" + sys.argv[2] + ")")
except Exception as e:
    print("    the JSON lacks what the check reads: %s: %s" % (type(e).__name__, e))
    ok = False
sys.exit(0 if ok else 1)
EOF
}

# record_edit SRC PYTHON > OUT: the record SRC as `d` after PYTHON ran on it.
record_edit() {
    python3 - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[2])
json.dump(d, sys.stdout, indent=2, ensure_ascii=False)
print()
EOF
}

# ymd DATE: YYYY-MM-DD as the number YYYYMMDD, for comparing dates.
ymd() { printf '%s\n' "$1" | tr -d '-'; }

# fetch_server_start DIR [ARGS...]: tests/cli/fetch_server.py serves DIR on
# 127.0.0.1 (ARGS: [PORT] [--stall] and the like, passed on); sets PORT.
# fetch_server_stop stops it; a test that starts one stops it in its trap.
FETCH_SERVER_PID=
fetch_server_start() {
    fs_dir=$1
    shift
    rm -f "$TMP/port"
    python3 "$ROOT/tests/cli/fetch_server.py" "$fs_dir" "$TMP/port" "$TMP/requests" "$@" \
        2>"$TMP/server.err" &
    FETCH_SERVER_PID=$!
    fs_i=0
    while [ ! -s "$TMP/port" ] && [ $fs_i -lt 100 ]; do
        sleep 0.1
        fs_i=$((fs_i + 1))
    done
    [ -s "$TMP/port" ] || setup_failed "the test HTTP server did not start: $(cat "$TMP/server.err")"
    PORT=$(cat "$TMP/port")
}
fetch_server_stop() {
    if [ -n "$FETCH_SERVER_PID" ]; then
        kill "$FETCH_SERVER_PID" 2>/dev/null
        wait "$FETCH_SERVER_PID" 2>/dev/null
        FETCH_SERVER_PID=
    fi
}
