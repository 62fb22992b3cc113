#!/bin/sh
# SPDX-License-Identifier: ISC
# Verdicts through the command line: each way a token fails gives its
# documented exit code (cmd/certseal/cli.h, certseal(1) EXIT STATUS), the
# verdict name on stdout and in --json, and exactly one "certseal: verify:"
# line on stderr saying why.
. "$(dirname "$0")/lib.sh"

AT=2027-01-01
B45='0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'

setup_chain pki ed25519 ed25519
setup_token pki "$TYPICAL" typical.txt
setup_token pki "$MULTISITE" multisite.txt
AB_KID=$(cat pki/ab.kid)

# Sanity: the tokens this script breaks are VALID as made.
expect_exit 0 cs verify --trust pki/ab.key.pub --at $AT typical.txt
expect_exit 0 cs verify --trust pki/ab.key.pub --at $AT multisite.txt

# verdict_json NAME: the last verify --json printed one object with that verdict.
verdict_json() {
    check "verify --json says $1" json_true "$CAP/stdout" \
        'j["verdict"] == "'"$1"'" and j["valid"] is False'
}

# ---- UNTRUSTED: the accreditation body's key is not in the trust store ----------

"$CERTSEAL" keygen --out stranger.key >/dev/null 2>&1 || setup_failed "keygen stranger.key"
expect_exit 11 cs verify --trust stranger.key.pub --at $AT typical.txt
expect_stderr_line "typical\.txt: UNTRUSTED: .*$AB_KID.* \(add the accreditation body's public key with --trust"
expect_stdout '^UNTRUSTED'
expect_exit 11 cs verify --trust stranger.key.pub --at $AT --json typical.txt
verdict_json UNTRUSTED
expect_stderr_line "UNTRUSTED: .*$AB_KID"
mkdir strangers
cp stranger.key.pub strangers/one.pem
cp pki/cb.key.pub strangers/cb.pem # the CB's own key is no accreditation body
expect_exit 11 cs verify --trust strangers --at $AT typical.txt
expect_stderr_line "UNTRUSTED: .*$AB_KID"

# ---- tampered tokens ----------------------------------------------------------------

# tamper FILE POS: FILE's token with the character at POS (1-based) replaced
# by the next base45 character.
tamper() {
    awk -v p="$2" -v a="$B45" '{
        i = index(a, substr($0, p, 1)); if (i == 0) i = 45
        print substr($0, 1, p - 1) substr(a, i % 45 + 1, 1) substr($0, p + 1) }' "$1"
}
tlen=$(tr -d '\n' <typical.txt | wc -c)
for pos in $((tlen / 4)) $((tlen / 2)) $((tlen * 3 / 4)) $((tlen - 1)) 5; do
    tamper typical.txt $pos >tampered-$pos.txt
    check "tampered token differs at $pos" sh -c "! cmp -s typical.txt tampered-$pos.txt"
    check "tampered token ($pos) is still base45 text" \
        grep -q '^CS1:[0-9A-Z $%*+./:-]*$' tampered-$pos.txt
    expect_exit 10-19 cs verify --trust pki/ab.key.pub --at $AT tampered-$pos.txt
    expect_stderr_line "tampered-$pos\\.txt: (MALFORMED|INVALID_SIGNATURE): "
    expect_stdout '^(MALFORMED|INVALID_SIGNATURE) '
done

# A changed signature byte decodes fine and fails as INVALID_SIGNATURE (12);
# so does a changed byte of the signed certificate text.
expect_exit 0 cs inspect --cose-out token.cose typical.txt
python3 - token.cose <<'EOF' || setup_failed "flip bytes of token.cose"
import sys
data = bytearray(open(sys.argv[1], "rb").read())
sig = bytearray(data); sig[-1] ^= 0x01
open("sig-flipped.cose", "wb").write(sig)
at = data.find(b"Acme Precision")
assert at > 0
text = bytearray(data); text[at] = ord("X")
open("payload-changed.cose", "wb").write(text)
EOF
expect_exit 12 cs verify --trust pki/ab.key.pub --at $AT sig-flipped.cose
expect_stderr_line 'sig-flipped\.cose: INVALID_SIGNATURE: '
expect_exit 12 cs verify --trust pki/ab.key.pub --at $AT --json payload-changed.cose
verdict_json INVALID_SIGNATURE
expect_stderr_line 'payload-changed\.cose: INVALID_SIGNATURE: '

# ---- truncated tokens: MALFORMED (10) -----------------------------------------------

for cut in 1 2 3 30 $((tlen / 2)) $((tlen - 4)); do
    head -c $((tlen - cut)) typical.txt >truncated-$cut.txt
    expect_exit 10 cs verify --trust pki/ab.key.pub --at $AT truncated-$cut.txt
    expect_stderr_line "truncated-$cut\\.txt: MALFORMED: "
done
expect_exit 10 cs verify --trust pki/ab.key.pub --at $AT --json truncated-3.txt
verdict_json MALFORMED

# ---- characters outside base45: MALFORMED (10) --------------------------------------

for ch in a '#' '~' 'é'; do
    awk -v p=$((tlen / 2)) -v c="$ch" '{ print substr($0, 1, p - 1) c substr($0, p + 1) }' \
        typical.txt >outside.txt
    expect_exit 10 cs verify --trust pki/ab.key.pub --at $AT outside.txt
    expect_stderr_line 'outside\.txt: MALFORMED: .*base45'
done

# ---- time: EXPIRED (14), NOT_ACCREDITED (13), NOT_YET_VALID (15) ----------------------

# expected_code AT RECORD AC_NOT_BEFORE AC_EXPIRES: the exit status DESIGN §2
# step 5 gives on day AT (dates are last valid days).  When both the
# certificate and the accreditation have run out, the one that ran out first
# is the reason.
expected_code() {
    ec_at=$(ymd "$1")
    ec_issued=$(ymd "$(json_field "$2" issued)")
    ec_exp=$(ymd "$(json_field "$2" expires)")
    ec_nb=$(ymd "$3")
    ec_acexp=$(ymd "$4")
    if [ "$ec_at" -lt "$ec_issued" ]; then
        echo 15
    elif [ "$ec_at" -gt "$ec_exp" ]; then
        # An expired certificate is EXPIRED, whether or not the
        # accreditation ran out too (the certificate's own dates decide
        # first; certseal(1), EXIT STATUS).
        echo 14
    elif [ "$ec_at" -gt "$ec_acexp" ] || [ "$ec_at" -lt "$ec_nb" ]; then
        echo 13
    else
        echo 0
    fi
}

# expect_verdict_at TOKEN RECORD AC_NOT_BEFORE AC_EXPIRES TRUST AT
expect_verdict_at() {
    eva_code=$(expected_code "$6" "$2" "$3" "$4")
    case $eva_code in
    0) eva_pattern= ;;
    13) eva_pattern="NOT_ACCREDITED: .*accreditation expired after $4" ;;
    14) eva_pattern="EXPIRED: .*certificate expired after $(json_field "$2" expires)" ;;
    15) eva_pattern="NOT_YET_VALID: .*$(json_field "$2" issued)" ;;
    esac
    expect_exit "$eva_code" cs verify --trust "$5" --at "$6" "$1" || return 1
    if [ -n "$eva_pattern" ]; then
        expect_stderr_line "$eva_pattern"
    else
        expect_stderr_empty
    fi
}

# record-typical expires 2029-11-20, before the accreditation (2030-12-31).
# (A bare date is midnight UTC, and the default clock skew of 300 s keeps the
# day after the last one valid for five minutes: the edges are checked below
# with --skew 0.)
for at in 2026-11-20 2026-11-21 $AT 2029-11-20 2029-11-22 2030-06-01 2031-01-01; do
    expect_verdict_at typical.txt "$TYPICAL" $AC_NOT_BEFORE $AC_EXPIRES pki/ab.key.pub $at
done
check "the typical record is EXPIRED (14) on 2030-06-01" \
    [ "$(expected_code 2030-06-01 "$TYPICAL" $AC_NOT_BEFORE $AC_EXPIRES)" = 14 ]
# record-multisite expires 2029-06-01.
for at in 2029-06-01 2029-06-03 2031-01-01; do
    expect_verdict_at multisite.txt "$MULTISITE" $AC_NOT_BEFORE $AC_EXPIRES pki/ab.key.pub $at
done
expect_exit 14 cs verify --trust pki/ab.key.pub --at 2031-01-01 --json typical.txt
verdict_json EXPIRED
expect_exit 15 cs verify --trust pki/ab.key.pub --at 2026-11-20 --json typical.txt
verdict_json NOT_YET_VALID

# An accreditation that ends (2028-12-31) before the certificate does.
mkdir short
cs_accredit --key pki/ab.key --subject-key pki/cb.key.pub --standard "ISO 9001:2015" \
    --iaf 17,18 --not-before 2026-01-01 --expires 2028-12-31 --out short/ac.cose \
    >/dev/null 2>"$CAP/setup.err" || setup_failed "accredit short/ac.cose"
"$CERTSEAL" issue --key pki/cb.key --accreditation short/ac.cose "$TYPICAL" >short.txt \
    2>"$CAP/setup.err" || setup_failed "issue short.txt"
for at in $AT 2028-12-31 2029-01-02 2029-06-01 2030-03-01; do
    expect_verdict_at short.txt "$TYPICAL" 2026-01-01 2028-12-31 pki/ab.key.pub $at
done

# RFC 3339 times and the clock skew at the edges of the validity.
expect_exit 0 cs verify --trust pki/ab.key.pub --at 2029-11-20T23:59:59Z --skew 0 typical.txt
expect_exit 14 cs verify --trust pki/ab.key.pub --at 2029-11-21T00:00:00Z --skew 0 typical.txt
expect_stderr_line 'EXPIRED: '
expect_exit 14 cs verify --trust pki/ab.key.pub --at 2029-11-21T00:10:00Z typical.txt
expect_exit 0 cs verify --trust pki/ab.key.pub --at 2026-11-20T23:58:00Z typical.txt
expect_exit 15 cs verify --trust pki/ab.key.pub --at 2026-11-20T23:58:00Z --skew 0 typical.txt
expect_stderr_line 'NOT_YET_VALID: '

# ---- an accreditation credential presented as a certificate: MALFORMED (10) -----------

expect_exit 10 cs verify --trust pki/ab.key.pub --at $AT pki/ac.cose
expect_stderr_line 'ac\.cose: MALFORMED: .*accreditation credential'
expect_stdout '^MALFORMED'
expect_exit 10 cs verify --trust pki/ab.key.pub --at $AT - <pki/ac.cose
expect_stderr_line 'standard input: MALFORMED: .*accreditation credential'
expect_exit 10 cs verify --trust pki/ab.key.pub --at $AT --json pki/ac.cose
verdict_json MALFORMED

# ---- several tokens: the first verdict that is not VALID decides -----------------------

cat typical.txt tampered-5.txt multisite.txt >mixed.txt
expect_exit 10-19 cs verify --trust pki/ab.key.pub --at $AT --json mixed.txt
expect_stdout_lines 3
check "verify --json of three tokens: VALID, not VALID, VALID" \
    json_true "$CAP/stdout" 'len(js) == 3 and [x["valid"] for x in js] == [True, False, True]'
check "the second token's line names it, and a summary line follows" \
    grep -Eq 'mixed\.txt, line 2: (MALFORMED|INVALID_SIGNATURE): ' "$CAP/stderr"
check "a summary line counts the three" grep -Eq '^certseal: verify: 3 verified: 2 VALID, 1 ' \
    "$CAP/stderr"
cat typical.txt truncated-3.txt >two.txt
# On 2031-01-01 the first is EXPIRED (14), the second MALFORMED (10): the
# exit status is the worse, MALFORMED, in either order (certseal(1), EXIT
# STATUS).
expect_exit 10 cs verify --trust pki/ab.key.pub --at 2031-01-01 two.txt
check "two failing tokens give two messages (and the summary line)" \
    [ "$(grep -vc ' verified: ' "$CAP/stderr")" -eq 2 ]
cat truncated-3.txt typical.txt >two-reversed.txt
expect_exit 10 cs verify --trust pki/ab.key.pub --at 2031-01-01 two-reversed.txt

# ---- issue refuses what the accreditation does not cover ---------------------------------

# short/ac.cose accredits ISO 9001 only; record-multisite is ISO 14001.
expect_exit 1 cs issue --key pki/cb.key --accreditation short/ac.cose --out refused.txt \
    "$MULTISITE"
expect_stderr_line 'ISO 14001:2015.*not within accreditation'
expect_stdout_empty
expect_no_file refused.txt
expect_no_stray
# ... nor an IAF sector outside it (19; accredited 17, 18).
record_edit "$TYPICAL" 'd["iaf_codes"] = [17, 19]' >iaf19.json
expect_exit 1 cs issue --key pki/cb.key --accreditation short/ac.cose --out refused.txt iaf19.json
expect_stderr_line 'IAF sector 19'
expect_no_file refused.txt
# ... nor a certificate issued before the accreditation began.
record_edit "$TYPICAL" 'd["issued"] = "2025-12-31"' >early.json
expect_exit 1 cs issue --key pki/cb.key --accreditation pki/ac.cose --out refused.txt early.json
expect_stderr_line '2025-12-31.*outside the accreditation'
expect_no_file refused.txt
# ... nor with a CB key the accreditation does not name.
expect_exit 1 cs issue --key stranger.key --accreditation pki/ac.cose --out refused.txt "$TYPICAL"
expect_stderr_line 'ac\.cose: .*not the key the accreditation credential names'
expect_no_file refused.txt
expect_no_stray

# ---- hand-made tokens (tests/data/tokens/NAME.token; NAME.txt: why, verdict, trust) --------

# Each gets its verdict and its documented exit status: the forged signature
# of a small-order CB key and a small-order R are INVALID_SIGNATURE (12), nbf
# in 2100 NOT_YET_VALID (15), unknown claims MALFORMED (10), a high-s ES256
# signature VALID (0), an integrated certificate with a standard outside the
# accreditation NOT_ACCREDITED (13).
TOKENS=$ROOT/tests/data/tokens
NOT_ACCREDITED_CODE=13 # certseal(1) EXIT STATUS
for token in "$TOKENS"/*.token; do
    name=$(basename "$token" .token)
    want=$(sed -n 2p "$TOKENS/$name.txt")
    trust=$(sed -n 3p "$TOKENS/$name.txt")
    case $want in
    VALID) code=0 ;;
    MALFORMED) code=10 ;;
    INVALID_SIGNATURE) code=12 ;;
    NOT_YET_VALID) code=15 ;;
    NOT_ACCREDITED) code=$NOT_ACCREDITED_CODE ;;
    *) code=unknown ;;
    esac
    expect_exit $code cs verify --trust "$TOKENS/$trust" --at 2027-01-01 "$token"
    expect_stdout "^$want "
    if [ "$want" != VALID ]; then
        expect_stderr_line "$name\\.token: $want: "
    fi
done
# An integrated certificate with one standard outside the accreditation is
# NOT_ACCREDITED, naming that standard; its control is VALID and shows the
# transfer and the restoration.
expect_exit "$NOT_ACCREDITED_CODE" cs verify --trust "$TOKENS/ab-ed25519.pub" --at 2027-01-01 \
    "$TOKENS/integrated-not-accredited.token"
expect_stderr_line 'NOT_ACCREDITED: ISO 45001:2018 is not among the standards of accreditation ACC-1'
expect_exit 0 cs verify --trust "$TOKENS/ab-ed25519.pub" --at 2027-01-01 \
    "$TOKENS/integrated-transfer-valid.token"
expect_stdout '^VALID  Acme Precision Engineering Ltd is certified to ISO 9001:2015, ISO 14001:2015$'
expect_stdout '^  Transferred     from CB-PREVIOUS, certificate PRV-1$'
expect_stdout '^  Restored        2026-06-01$'
# The forgery names the key, not a damaged signature.
expect_exit 12 cs verify --trust "$TOKENS/ab-ed25519.pub" --at 2027-01-01 \
    "$TOKENS/small-order-cb-key.token"
expect_stderr_line 'INVALID_SIGNATURE: the accreditation names a certification body key of small order'

finish
