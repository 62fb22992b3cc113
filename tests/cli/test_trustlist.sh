#!/bin/sh
# SPDX-License-Identifier: ISC
# Trust lists (DESIGN §2 step 2, §3): a scheme owner signs a list of
# accreditation bodies; a buyer pins only the root.  Every failure has its
# verdict, check, exit code and message; an AB key never speaks for another
# AB; lists cannot be rolled back, reused or used long past their next
# update; the root rolls over only to a key the previous list announced.
. "$(dirname "$0")/lib.sh"

AT=2027-01-01
stop_server() { fetch_server_stop; }
trap 'stop_server; cleanup' EXIT

setup_chain pki ed25519 ed25519
setup_token pki "$TYPICAL" typical.txt
for k in root root2 root3 other otherroot; do
    "$CERTSEAL" keygen --out $k.key >$k.kid 2>"$CAP/setup.err" || setup_failed "keygen $k"
done
AB_KID=$(cat pki/ab.kid)
OTHER_KID=$(cat other.kid)

# make_source FILE AB-KEY-ENTRY-EXTRA RECOGNITION STATUS: a JSON source naming
# AB-TEST (pki/ab.key.pub, with EXTRA fields on its key) and OTHER-AB.
make_source() {
    cat >"$1" <<EOF
{"issuer": "SCHEME-TEST", "uri": "http://127.0.0.1/scheme.cose", "ttl": 3600,
 "abs": [
  {"id": "AB-TEST", "name": "Test Accreditation Body", "country": "GB", "status": "${4:-active}",
   "recognitions": [{"standard": "${3:-ISO 9001}", "from": "2020-01-01"}],
   "keys": [{"key": "pki/ab.key.pub", "from": "2020-01-01"$2}]},
  {"id": "OTHER-AB", "name": "Other Accreditation Body", "country": "DE", "status": "active",
   "recognitions": [{"standard": "ISO 9001", "from": "2020-01-01"}],
   "keys": [{"key": "other.key.pub", "from": "2020-01-01"}]}]}
EOF
}
# sign SOURCE OUT SEQ [ARGS...]: signed with root.key, issued 2026-12-01,
# next update 2027-01-31.
sign() {
    sg_src=$1 sg_out=$2 sg_seq=$3
    shift 3
    "$CERTSEAL" trustlist sign --key root.key --sequence "$sg_seq" --issued-at 2026-12-01 \
        --next-update 2027-01-31 --out "$sg_out" "$@" "$sg_src" >"$CAP/setup.out" \
        2>"$CAP/setup.err" || setup_failed "trustlist sign $sg_out"
}
# vtl LIST CACHE [ARGS...]: verify typical.txt with the list and the root.
vtl() {
    vt_list=$1 vt_cache=$2
    shift 2
    cs verify --trust-list "$vt_list" --root root.key.pub --cache-dir "$vt_cache" --at $AT "$@"
}

make_source good.json ""
sign good.json good.cose 1

# ---- the list itself ----------------------------------------------------------------

expect_exit 0 cs trustlist show good.cose
expect_stdout '^NOT VERIFIED'
expect_stdout "^  AB-TEST  Test Accreditation Body \\(GB\\)  active"
expect_stdout "^    key $AB_KID EdDSA, signs from 2020-01-01"
expect_exit 0 cs trustlist show --json good.cose
check "show --json names the ABs and the sequence" json_true "$CAP/stdout" \
    'j["sequence"] == 1 and j["issuer"] == "SCHEME-TEST" and [a["id"] for a in j["abs"]] == ["AB-TEST", "OTHER-AB"] and j["abs"][0]["keys"][0]["key"]["kid"] == "'"$AB_KID"'"'
expect_exit 1 cs trustlist show typical.txt
expect_stderr_line "typical\\.txt: not a trust list: "
# The sequence must go up in the file already written.
expect_exit 1 cs trustlist sign --key root.key --sequence 1 --out good.cose good.json
expect_stderr_line "good\\.cose: holds sequence 1; the new list's --sequence 1 must be higher"
expect_exit 2 cs trustlist sign --key root.key --out x.cose good.json
expect_stderr_line "--sequence N is required"

# ---- VALID with only the root pinned -------------------------------------------------

expect_exit 0 vtl good.cose c1 typical.txt
expect_stdout '^VALID'
expect_stdout "^  pass    accreditation-trusted +accreditation body key $AB_KID belongs to AB-TEST \\(GB\\) in the trust list of SCHEME-TEST, sequence 1"
expect_stdout "^  pass    accreditation-body +Test Accreditation Body \\(AB-TEST, GB\\) is active"
expect_stdout "^  pass    accreditation-body-recognition +AB-TEST is recognised by SCHEME-TEST for ISO 9001:2015"
expect_exit 0 vtl good.cose c1 --json typical.txt
check "--json: the AB checks pass" json_true "$CAP/stdout" \
    '[c["result"] for c in j["checks"] if c["check"].startswith("accreditation-body")] == ["pass", "pass"]'

# Plain --trust still works, and says what it did not check.
expect_exit 0 cs verify --trust pki/ab.key.pub --at $AT typical.txt
expect_stdout "^  pass    accreditation-body +not checked: the accreditation body's key is pinned"
expect_stdout "^  pass    accreditation-body-recognition +not checked: "

# ---- each failure: verdict, check, exit code, message --------------------------------

# An AB key that is not in the list.
make_source only-other.json ""
sed -i 's/"keys": \[{"key": "pki\/ab.key.pub"/"keys": [{"key": "otherroot.key.pub"/' only-other.json
sign only-other.json only-other.cose 1
expect_exit 11 vtl only-other.cose c2 typical.txt
expect_stderr_line "typical\\.txt: UNTRUSTED: accreditation body key $AB_KID is in no trust list"
expect_stdout '^  fail    accreditation-trusted '

# Impersonation: OTHER-AB's key signs a credential that claims to be AB-TEST's.
cs_accredit_std other.key pki/cb.key.pub forged-ac.cose >/dev/null 2>&1 || setup_failed "forged AC"
"$CERTSEAL" issue --key pki/cb.key --accreditation forged-ac.cose "$TYPICAL" >forged.txt \
    2>"$CAP/setup.err" || setup_failed "issue forged.txt"
expect_exit 11 vtl good.cose c3 forged.txt
expect_stderr_line "forged\\.txt: UNTRUSTED: the credential claims to come from \"AB-TEST\", but it was signed with a key of OTHER-AB .*a key never speaks for another accreditation body"
expect_stdout '^  fail    accreditation-body '
expect_exit 11 vtl good.cose c3 --json forged.txt
check "impersonation is never VALID (JSON)" json_true "$CAP/stdout" \
    'j["verdict"] == "UNTRUSTED" and j["valid"] is False'
# With the key pinned, nothing could tell: the result says so.
expect_exit 0 cs verify --trust other.key.pub --at $AT forged.txt
expect_stdout "^  pass    accreditation-body +not checked"

# A standard outside the AB's recognition.
make_source scope.json "" "ISO 14001"
sign scope.json scope.cose 1
expect_exit 13 vtl scope.cose c4 typical.txt
expect_stderr_line "typical\\.txt: NOT_ACCREDITED: AB-TEST is not recognised by SCHEME-TEST for ISO 9001:2015 on "
expect_stdout '^  fail    accreditation-body-recognition '
# An edition-less recognition covers every edition; another edition does not.
make_source edition.json "" "ISO 9001:2008"
sign edition.json edition.cose 1
expect_exit 13 vtl edition.cose c5 typical.txt

# A key retired before the credential was signed.
make_source retired.json ', "until": "2021-01-01"'
sign retired.json retired.cose 1
expect_exit 11 vtl retired.cose c6 typical.txt
expect_stderr_line "typical\\.txt: UNTRUSTED: the accreditation body's key $AB_KID was retired on 2021-01-01, before this credential was signed"

# A key that may sign only later.
make_source early.json '' 
sed -i 's/"from": "2020-01-01"}]},/"from": "2099-01-01"}]},/' early.json
sign early.json early.cose 1
expect_exit 11 vtl early.cose c7 typical.txt
expect_stderr_line "UNTRUSTED: the accreditation body's key $AB_KID may sign only from 2099-01-01"

# A compromised key verifies nothing.
make_source compromised.json ', "compromised": "2026-11-01"'
sign compromised.json compromised.cose 1
expect_exit 11 vtl compromised.cose c8 typical.txt
expect_stderr_line "UNTRUSTED: the accreditation body's key $AB_KID was reported compromised on 2026-11-01"

# A suspended or withdrawn AB.
for st in suspended withdrawn; do
    make_source $st.json "" "ISO 9001" $st
    sign $st.json $st.cose 1
    expect_exit 13 vtl $st.cose c9$st typical.txt
    expect_stderr_line "NOT_ACCREDITED: Test Accreditation Body \\(AB-TEST\\) is $st in the trust list of SCHEME-TEST"
done

# A list signed by some other key than the root.
"$CERTSEAL" trustlist sign --key root3.key --sequence 1 --out stranger.cose good.json \
    >/dev/null 2>&1 || setup_failed "stranger list"
expect_exit 1 vtl stranger.cose c10 typical.txt
expect_stderr_line "stranger\\.cose: trust list refused: the trust list of SCHEME-TEST is signed by key $(cat root3.kid), which is neither a pinned root"

# A list altered after signing.
python3 -c "
import sys; d = bytearray(open('good.cose', 'rb').read()); d[-70] ^= 1; open('altered.cose', 'wb').write(d)"
expect_exit 1 vtl altered.cose c11 typical.txt
expect_stderr_line "altered\\.cose: (trust list refused: the trust list of SCHEME-TEST does not verify|not a trust list)"

# ---- sequence: lower refused, equal with other content refused, higher accepted -------

sign good.json seq5.cose 5
sign scope.json seq5-other.cose 5
sign good.json seq4.cose 4
sign good.json seq6.cose 6
expect_exit 0 vtl seq5.cose seq typical.txt
expect_file seq/$(cat root.kid).trust
expect_exit 1 vtl seq4.cose seq typical.txt
expect_stderr_line "seq4\\.cose: trust list refused: the trust list of SCHEME-TEST has sequence 4, but sequence 5 was already seen"
expect_exit 1 vtl seq5-other.cose seq typical.txt
expect_stderr_line "seq5-other\\.cose: trust list refused: the trust list of SCHEME-TEST has sequence 5, already seen with other content"
expect_exit 0 vtl seq5.cose seq typical.txt
expect_exit 0 vtl seq6.cose seq typical.txt
expect_exit 1 vtl seq5.cose seq typical.txt
# Without a cache folder only this run remembers.
expect_exit 0 cs verify --trust-list seq5.cose --trust-list seq6.cose --root root.key.pub \
    --no-cache --at $AT typical.txt
expect_exit 1 cs verify --trust-list seq6.cose --trust-list seq4.cose --root root.key.pub \
    --no-cache --at $AT typical.txt

# ---- freshness: within the grace a warning, past it refused ---------------------------

expect_exit 0 cs verify --trust-list good.cose --root root.key.pub --no-cache --at 2027-02-03 \
    typical.txt
expect_stdout '^warning: trust list past its next update'
check "stale list: a warning on stderr" grep -q "warning: the trust list was due for update on 2027-01-31" "$CAP/stderr"
expect_exit 1 cs verify --trust-list good.cose --root root.key.pub --no-cache --at 2027-02-08 \
    typical.txt
expect_stderr_line "good\\.cose: trust list refused: the trust list of SCHEME-TEST was due for update on 2027-01-31T00:00:00Z, more than 7 day\\(s\\) ago; fetch a new one from http://127\\.0\\.0\\.1/scheme\\.cose"
expect_exit 0 cs verify --trust-list good.cose --root root.key.pub --no-cache --at 2027-02-08 \
    --trust-list-grace 10d typical.txt

# ---- root rollover -------------------------------------------------------------------

sign good.json roll1.cose 1 --next-root root2.key.pub
"$CERTSEAL" trustlist sign --key root2.key --sequence 2 --issued-at 2026-12-01 \
    --next-update 2027-01-31 --out roll2.cose good.json >/dev/null 2>&1 || setup_failed "roll2"
sign good.json roll3-old.cose 3
# Not announced (no list of this root seen yet in this cache): refused.
expect_exit 1 vtl roll2.cose unannounced typical.txt
expect_stderr_line "roll2\\.cose: trust list refused: .* is signed by key $(cat root2.kid), which is neither a pinned root"
# Announced: accepted, and from then on pinned.
expect_exit 0 vtl roll1.cose roll typical.txt
expect_exit 0 vtl roll2.cose roll typical.txt
check "rollover is reported" grep -q "the root rolled over to the key the previous list announced" "$CAP/stderr"
expect_exit 0 vtl roll2.cose roll typical.txt
expect_exit 1 vtl roll3-old.cose roll typical.txt
expect_stderr_line "roll3-old\\.cose: trust list refused: .* signed by root key $(cat root.kid), which has rolled over to key $(cat root2.kid)"

# ---- several roots -------------------------------------------------------------------

"$CERTSEAL" trustlist sign --key otherroot.key --sequence 1 --issued-at 2026-12-01 \
    --next-update 2027-01-31 --out national.cose good.json >/dev/null 2>&1 || setup_failed "national"
expect_exit 0 cs verify --trust-list only-other.cose --root root.key.pub \
    --trust-list national.cose --root otherroot.key.pub --no-cache --at $AT typical.txt
expect_stdout "in the trust list of SCHEME-TEST, sequence 1"

# ---- fetched from a URL, then offline from the cache -----------------------------------

mkdir -p served
fetch_server_start "$WORK/served"
URL="http://127.0.0.1:$PORT/scheme.cose"
sed "s|http://127.0.0.1/scheme.cose|$URL|" good.json >url.json
sign url.json served/scheme.cose 7
expect_exit 0 vtl "$URL" fetched typical.txt
fetch_server_stop
# Offline: the cached copy, within its ttl.
expect_exit 0 vtl "$URL" fetched typical.txt

# ---- usage ---------------------------------------------------------------------------

expect_exit 2 cs verify --trust-list good.cose typical.txt
expect_stderr_line "--trust-list needs --root ROOT\\.pub"
expect_exit 2 cs verify --root root.key.pub --trust pki/ab.key.pub typical.txt
expect_stderr_line "--root goes with --trust-list"
expect_exit 2 cs verify typical.txt
expect_stderr_line "--trust-list FILE\\|URL with --root ROOT\\.pub, or --trust FILE\\|DIR is required"

finish
