#!/bin/sh
# SPDX-License-Identifier: ISC
# Bad input to every command (keygen, accredit, issue, verify, inspect):
# missing and unreadable files, wrong passphrases, broken records, bad
# options.  Each must give the documented exit status (1 could not run,
# 2 usage, 10 MALFORMED for a token that does not decode), exactly one line
# "certseal: <command>: ..." on stderr naming the problem, and leave no
# output file and no temporary file behind.  Also: --help and unknown
# commands.
. "$(dirname "$0")/lib.sh"

OUT=out.txt # the output path every refused command is given

# refused CODE PATTERN OUTPUT CMD...: CMD exits with CODE, says one line
# matching PATTERN, writes nothing on stdout, and leaves no OUTPUT (- when the
# command writes no file) and no temporary file.
refused() {
    rf_code=$1 rf_pattern=$2 rf_output=$3
    shift 3
    expect_exit "$rf_code" "$@"
    expect_stderr_line "$rf_pattern"
    expect_stdout_empty
    [ "$rf_output" = - ] || expect_no_file "$rf_output"
    expect_no_stray
}

# unreadable PATH: makes PATH unreadable; false (and a skip) when running as
# root, who reads it anyway.
unreadable() {
    if [ "$IS_ROOT" = 1 ]; then
        skip "unreadable $1: running as root, which reads any file"
        return 1
    fi
    chmod 000 "$1"
}

HAVE_SETSID=0
if command -v setsid >/dev/null 2>&1 && setsid -w true 2>/dev/null; then HAVE_SETSID=1; fi

setup_chain pki ed25519 ed25519
printf 'right passphrase\n' >pass.txt
printf 'wrong passphrase\n' >wrong.txt
: >empty.txt
"$CERTSEAL" keygen --out enc-ab.key --passphrase-file pass.txt >/dev/null 2>"$CAP/setup.err" ||
    setup_failed "keygen enc-ab.key"
"$CERTSEAL" keygen --alg es256 --out enc-cb.key --passphrase-file pass.txt >/dev/null \
    2>"$CAP/setup.err" || setup_failed "keygen enc-cb.key"
cs_accredit_std pki/ab.key enc-cb.key.pub enc-ac.cose >/dev/null 2>"$CAP/setup.err" ||
    setup_failed "accredit enc-ac.cose"
setup_token pki "$TYPICAL" token.txt
printf 'not a key, not a token\n' >garbage.txt
mkdir empty-dir

# ==== help and commands ===================================================================

expect_exit 0 cs --help
expect_stderr_empty
for command in keygen accredit issue verify inspect; do
    expect_stdout "^  $command "
done
expect_exit 0 cs -h
expect_stdout '^usage: certseal COMMAND'
expect_exit 0 cs --version
expect_stdout '^certseal [0-9]+\.[0-9]+'
for command in keygen accredit issue verify inspect; do
    expect_exit 0 cs $command --help
    expect_stdout "^usage: certseal $command"
    expect_stderr_empty
done
expect_exit 2 cs frobnicate
expect_stdout_empty
check "an unknown command gives one line naming it" \
    [ "$(wc -l <"$CAP/stderr")" -eq 1 ]
check "the message names the unknown command and --help" \
    grep -q "^certseal: unknown command 'frobnicate'.*--help" "$CAP/stderr"
expect_exit 2 cs
expect_stdout_empty
check "no command prints the usage on stderr" grep -q '^usage: certseal COMMAND' "$CAP/stderr"

# ==== keygen ==============================================================================

refused 2 "unknown option '--bogus'" key cs keygen --out key --bogus
refused 2 "unknown option '-x'" key cs keygen --out key -x
refused 2 '--out KEY is required' - cs keygen
refused 2 "option '--out' needs a value" - cs keygen --out
refused 2 "--alg: 'rsa' is not ed25519 or es256" key cs keygen --alg rsa --out key
refused 2 "unexpected argument 'extra'" key cs keygen --out key extra
refused 2 "--passphrase-fd: 'three'" key cs keygen --out key --passphrase-fd three
expect_no_file key.pub

# The passphrase file is missing, unreadable, empty or too long.
refused 1 'nopass\.txt: cannot open the passphrase file: No such file or directory' key \
    cs keygen --out key --passphrase-file nopass.txt
expect_no_file key.pub
cp pass.txt locked.txt
if unreadable locked.txt; then
    refused 1 'locked\.txt: cannot open the passphrase file: Permission denied' key \
        cs keygen --out key --passphrase-file locked.txt
    expect_no_file key.pub
fi
refused 1 'passphrase is empty' key cs keygen --out key --passphrase-file empty.txt
expect_no_file key.pub
awk 'BEGIN { for (i = 0; i < 1100; i++) printf "x"; print "" }' >long.txt
refused 1 'long\.txt: the passphrase is longer than' key \
    cs keygen --out key --passphrase-file long.txt
# A descriptor that is not open: the message says which and why.
refused 1 'descriptor 9.*(Bad file descriptor|not open)' key \
    cs keygen --out key --passphrase-fd 9
expect_no_file key.pub
if [ "$HAVE_SETSID" = 1 ]; then
    refused 1 'no terminal.*--passphrase-file' key setsid -w "$CERTSEAL" keygen --encrypt --out key
else
    skip "keygen --encrypt without a terminal: no setsid"
fi

# The folder for the key does not exist.
refused 1 'no-dir/key: .*No such file or directory' no-dir/key cs keygen --out no-dir/key
expect_no_file no-dir/key.pub

# ==== accredit =============================================================================

# cs_accredit_without OPTION: a complete accredit command, less OPTION.
cs_accredit_without() {
    aw_skip=$1
    set -- --key pki/ab.key --subject-key pki/cb.key.pub --issuer AB-TEST --subject CB-TEST \
        --name "Test CB" --number ACC-1 --country GB --standard "ISO 9001:2015" \
        --expires 2030-12-31 --out $OUT
    aw_n=$(($# / 2))
    while [ "$aw_n" -gt 0 ]; do
        aw_option=$1 aw_value=$2
        shift 2
        [ "$aw_option" = "$aw_skip" ] || set -- "$@" "$aw_option" "$aw_value"
        aw_n=$((aw_n - 1))
    done
    cs accredit "$@"
}
# Sanity: the complete command works.
expect_exit 0 cs_accredit_without --none
rm -f $OUT
for option in --key --subject-key --issuer --subject --name --number --country --standard \
    --expires --out; do
    refused 2 "^certseal: accredit: $option [^ ]+ is required" $OUT cs_accredit_without $option
done

ac() { cs_accredit_std pki/ab.key pki/cb.key.pub $OUT "$@"; }
refused 2 "unknown option '--colour'" $OUT ac --colour
refused 2 "unexpected argument 'extra'" $OUT ac extra
refused 2 "--iaf: .*1 to 39" $OUT ac --iaf 0
refused 2 "--iaf: '?40'?.*1 to 39" $OUT ac --iaf 40
refused 2 "--iaf: 'x'" $OUT ac --iaf 17,x
for list in "17,,18" "" ",17" "17,"; do
    refused 2 "--iaf: '$list' is not a comma-separated list" $OUT ac --iaf "$list"
done
refused 2 "--country: 'gb' is not two capital letters" $OUT ac --country gb
refused 2 "--country: 'GBR' is not two capital letters" $OUT ac --country GBR
refused 2 "--standard: 'ISO 9001' lacks its edition" $OUT ac --standard "ISO 9001"
refused 2 "--standard: 'ISO 9001:15' lacks its edition" $OUT ac --standard "ISO 9001:15"
refused 2 "--expires: '2030-02-30' is not a date" $OUT ac --expires 2030-02-30
refused 2 "--expires: '31/12/2030' is not a date" $OUT ac --expires 31/12/2030
refused 2 "--not-before: '2026-1-1' is not a date" $OUT ac --not-before 2026-1-1
refused 2 "--expires: is not after not_before" $OUT ac --expires 2025-12-31

# Key files: missing, unreadable, the wrong kind, encrypted with another passphrase.
refused 1 'no-ab\.key: .*No such file or directory' $OUT \
    cs_accredit_std no-ab.key pki/cb.key.pub $OUT
refused 1 'no-cb\.key\.pub: .*No such file or directory' $OUT \
    cs_accredit_std pki/ab.key no-cb.key.pub $OUT
cp pki/ab.key locked-ab.key
cp pki/cb.key.pub locked-cb.key.pub
if unreadable locked-ab.key && unreadable locked-cb.key.pub; then
    refused 1 'locked-ab\.key: .*Permission denied' $OUT \
        cs_accredit_std locked-ab.key pki/cb.key.pub $OUT
    refused 1 'locked-cb\.key\.pub: .*Permission denied' $OUT \
        cs_accredit_std pki/ab.key locked-cb.key.pub $OUT
fi
refused 1 'ab\.key\.pub: not a PKCS#8 PEM private key' $OUT \
    cs_accredit_std pki/ab.key.pub pki/cb.key.pub $OUT
refused 1 'garbage\.txt: not a PKCS#8 PEM private key' $OUT \
    cs_accredit_std garbage.txt pki/cb.key.pub $OUT
refused 1 "cb\\.key: .*public key" $OUT cs_accredit_std pki/ab.key pki/cb.key $OUT
refused 1 'enc-ab\.key: wrong passphrase' $OUT \
    cs_accredit_std enc-ab.key pki/cb.key.pub $OUT --passphrase-file wrong.txt
refused 1 'enc-ab\.key: wrong passphrase' $OUT \
    cs_accredit_std enc-ab.key pki/cb.key.pub $OUT --passphrase-fd 3 3<wrong.txt
refused 1 'nopass\.txt: cannot open the passphrase file: No such file' $OUT \
    cs_accredit_std enc-ab.key pki/cb.key.pub $OUT --passphrase-file nopass.txt
if [ "$HAVE_SETSID" = 1 ]; then
    refused 1 'no terminal.*--passphrase-file' $OUT \
        setsid -w "$CERTSEAL" accredit --key enc-ab.key --subject-key pki/cb.key.pub \
        --issuer AB-TEST --subject CB-TEST --name "Test CB" --number ACC-1 --country GB \
        --standard "ISO 9001:2015" --expires 2030-12-31 --out $OUT
else
    skip "accredit with an encrypted key and no terminal: no setsid"
fi
refused 1 'no-dir/ac\.cose: .*No such file or directory' no-dir/ac.cose \
    cs_accredit_std pki/ab.key pki/cb.key.pub no-dir/ac.cose

# CB keys anyone could sign with (tests/data/keys: Ed25519 keys of small order
# or not canonically encoded, the P-256 point at infinity) are never accredited.
for weak in "$ROOT"/tests/data/keys/*.pem; do
    weak_name=$(basename "$weak" | sed 's/\./\\./g')
    refused 1 "$weak_name: refused: .*small order or not canonically encoded.*certseal keygen" \
        $OUT cs_accredit_std pki/ab.key "$weak" $OUT
done

# ==== issue ===================================================================================

iss() { cs issue --key pki/cb.key --accreditation pki/ac.cose --out $OUT "$@"; }
# Sanity: the complete command works.
expect_exit 0 iss "$TYPICAL"
rm -f $OUT

# Options.
refused 2 "unknown option '--colour'" $OUT iss --colour "$TYPICAL"
refused 2 '--key CB_KEY is required' $OUT cs issue --accreditation pki/ac.cose --out $OUT "$TYPICAL"
refused 2 '--accreditation AC_FILE is required' $OUT cs issue --key pki/cb.key --out $OUT "$TYPICAL"
refused 2 'give exactly one record' $OUT iss
refused 2 'give exactly one record' $OUT iss "$TYPICAL" "$MULTISITE"
refused 2 "--form: 'qr' is not offline or link" $OUT iss --form qr "$TYPICAL"
refused 2 '--form link needs --link-base' $OUT iss --form link "$TYPICAL"
refused 2 "--link-base: 'ftp://example.org/v'" $OUT iss --form link --link-base ftp://example.org/v \
    "$TYPICAL"

# Files: missing, unreadable, the wrong kind, wrong passphrases.
refused 1 'no-record\.json: cannot open: No such file or directory' $OUT iss no-record.json
refused 1 'no-cb\.key: .*No such file or directory' $OUT \
    cs issue --key no-cb.key --accreditation pki/ac.cose --out $OUT "$TYPICAL"
refused 1 'no-ac\.cose: .*No such file or directory' $OUT \
    cs issue --key pki/cb.key --accreditation no-ac.cose --out $OUT "$TYPICAL"
cp "$TYPICAL" locked.json
cp pki/cb.key locked-cb.key
cp pki/ac.cose locked-ac.cose
if unreadable locked.json && unreadable locked-cb.key && unreadable locked-ac.cose; then
    refused 1 'locked\.json: .*Permission denied' $OUT iss locked.json
    refused 1 'locked-cb\.key: .*Permission denied' $OUT \
        cs issue --key locked-cb.key --accreditation pki/ac.cose --out $OUT "$TYPICAL"
    refused 1 'locked-ac\.cose: .*Permission denied' $OUT \
        cs issue --key pki/cb.key --accreditation locked-ac.cose --out $OUT "$TYPICAL"
fi
refused 1 'garbage\.txt: ' $OUT \
    cs issue --key pki/cb.key --accreditation garbage.txt --out $OUT "$TYPICAL"
refused 1 'cb\.key\.pub: not a PKCS#8 PEM private key' $OUT \
    cs issue --key pki/cb.key.pub --accreditation pki/ac.cose --out $OUT "$TYPICAL"
refused 1 'enc-cb\.key: wrong passphrase' $OUT \
    cs issue --key enc-cb.key --accreditation enc-ac.cose --passphrase-file wrong.txt --out $OUT \
    "$TYPICAL"
refused 1 'enc-cb\.key: wrong passphrase' $OUT \
    cs issue --key enc-cb.key --accreditation enc-ac.cose --passphrase-fd 3 --out $OUT \
    "$TYPICAL" 3<wrong.txt
# Sanity: the right passphrase works.
expect_exit 0 cs issue --key enc-cb.key --accreditation enc-ac.cose --passphrase-fd 3 \
    --out $OUT "$TYPICAL" 3<pass.txt
rm -f $OUT
refused 1 'no-dir/token\.txt: .*No such file or directory' no-dir/token.txt \
    cs issue --key pki/cb.key --accreditation pki/ac.cose --out no-dir/token.txt "$TYPICAL"

# Malformed JSON: the message names the file and where.
printf '{\n  "certificate_number": "GB-Q-1",\n  "standard": ,\n}\n' >broken.json
refused 1 'broken\.json: not valid JSON: .*line 3, column [0-9]+' $OUT iss broken.json
refused 1 'standard input: not valid JSON: .*line 3' $OUT iss - <broken.json
head -c 200 "$TYPICAL" >cut.json
refused 1 'cut\.json: not valid JSON: .*line [0-9]+, column [0-9]+' $OUT iss cut.json
refused 1 'empty\.txt: not valid JSON' $OUT iss empty.txt
{ cat "$TYPICAL"; printf '{}\n'; } >two-objects.json
refused 1 'two-objects\.json: not valid JSON' $OUT iss two-objects.json
printf '[1, 2]\n' >array.json
refused 1 'array\.json: ' $OUT iss array.json

# bad_record NAME PATTERN PYTHON: the typical record changed by PYTHON (on `d`)
# is refused with one line naming the file and matching PATTERN.
bad_record() {
    record_edit "$TYPICAL" "$3" >"$1.json" || setup_failed "record_edit $1"
    refused 1 "$1\\.json: $2" $OUT iss "$1.json"
}

# A field of the wrong type.
bad_record revision-text 'revision: .*(whole number|integer).*string' 'd["revision"] = "two"'
bad_record revision-negative 'revision: ' 'd["revision"] = -1'
bad_record revision-fraction 'revision: ' 'd["revision"] = 1.5'
bad_record number-int 'certificate_number: ' 'd["certificate_number"] = 4217'
bad_record number-null 'certificate_number: ' 'd["certificate_number"] = None'
bad_record organization-text 'organization: ' 'd["organization"] = "Acme"'
bad_record iaf-text 'iaf_codes: ' 'd["iaf_codes"] = "17"'
bad_record iaf-range 'iaf_codes.*: ' 'd["iaf_codes"] = [17, 40]'
bad_record sites-object 'sites: ' 'd["sites"] = {"address": "x", "scope": "y"}'
bad_record scope-number 'scope: ' 'd["scope"] = 42'

# A missing required field, each in turn.
for field in certificate_number standard organization scope original_grant issued expires \
    revision; do
    bad_record "missing-$field" "$field: missing" "del d[\"$field\"]"
done
for field in name country address; do
    bad_record "missing-organization-$field" "organization.*$field: missing|$field.*missing" \
        "del d[\"organization\"][\"$field\"]"
done

# Dates that do not parse.
bad_record issued-month 'issued: "2026-13-01" is not a calendar date' 'd["issued"] = "2026-13-01"'
bad_record issued-dmy 'issued: "21/11/2026" is not a calendar date' 'd["issued"] = "21/11/2026"'
bad_record issued-feb30 'issued: "2026-02-30" is not a calendar date' 'd["issued"] = "2026-02-30"'
bad_record expires-month 'expires: "2029-13-01" is not a calendar date' 'd["expires"] = "2029-13-01"'
bad_record grant-word 'original_grant: "yesterday" is not a calendar date' \
    'd["original_grant"] = "yesterday"'

# An empty scope, and other empty texts.
bad_record scope-empty 'scope: .*empty' 'd["scope"] = ""'
bad_record scope-blank 'scope: .*empty' 'd["scope"] = "   "'
bad_record organization-name-empty 'organization\.name: .*empty' 'd["organization"]["name"] = ""'

# Text that would act on a terminal, or is not NFC (DESIGN 3); a sector twice.
bad_record name-escape 'organization\.name: holds U\+001B, a control character, at byte 0' \
    'd["organization"]["name"] = "\x1b[2J\x1b[1;32mVALID"'
bad_record name-bidi 'organization\.name: holds U\+202E, a bidirectional control' \
    'd["organization"]["name"] = "Acme \u202eDILAV"'
bad_record name-newline 'organization\.name: holds U\+000A.*one line' \
    'd["organization"]["name"] = "Acme\nVALID"'
bad_record scope-crlf 'scope: holds U\+000D.*LF alone' 'd["scope"] = "Machining.\r\nWelding."'
bad_record site-scope-tab 'sites\[0\]\.scope: holds U\+0009' \
    'd["sites"] = [{"address": "1 Road", "scope": "a\tb"}]'
bad_record name-not-nfc 'organization\.name: is not in Unicode Normalization Form C' \
    'd["organization"]["name"] = "Cafe\u0301"'
bad_record iaf-twice 'iaf_codes: 17 is given twice' 'd["iaf_codes"] = [17, 18, 17]'
# Integrated certificates: one spelling of the standards, each standard once
# and with its edition, none outside the accreditation; a transfer names
# both halves of its predecessor; a restoration falls within the
# certificate's life.
bad_record standard-and-standards \
    'standards: given together with "standard" \(use "standard" alone for one standard or "standards" alone' \
    'd["standards"] = ["ISO 9001:2015", "ISO 14001:2015"]'
bad_record standards-twice \
    "standards: 'ISO 9001:2015' is given twice \\(entries 0 and 2; list each standard once\\)" \
    'del d["standard"]; d["standards"] = ["ISO 9001:2015", "ISO 14001:2015", "ISO 9001:2015"]'
bad_record standards-empty 'standards: 0 standards; give 1 to 64' \
    'del d["standard"]; d["standards"] = []'
bad_record standards-text 'standards: expected an array of texts, got a string' \
    'del d["standard"]; d["standards"] = "ISO 9001:2015"'
bad_record standards-no-edition "standards\\[1\\]: 'ISO 14001' lacks its edition" \
    'del d["standard"]; d["standards"] = ["ISO 9001:2015", "ISO 14001"]'
bad_record standards-outside 'ISO 45001:2018 is not within accreditation ACC-1' \
    'del d["standard"]; d["standards"] = ["ISO 9001:2015", "ISO 45001:2018"]'
bad_record predecessor-half 'predecessor\.certificate_number: missing \(it is required\)' \
    'd["predecessor"] = {"certification_body": "CB-OLD"}'
bad_record predecessor-extra 'predecessor: unknown field "date"' \
    'd["predecessor"] = {"certification_body": "CB-OLD", "certificate_number": "1", "date": "x"}'
bad_record predecessor-escape 'predecessor\.certification_body: holds U\+001B' \
    'd["predecessor"] = {"certification_body": "\x1b[2J", "certificate_number": "1"}'
bad_record restored-early 'restored: is before the original grant' 'd["restored"] = "2019-01-01"'
bad_record restored-late 'restored: is after the issue date' 'd["restored"] = "2026-12-01"'
bad_record restored-word 'restored: "last week" is not a calendar date' 'd["restored"] = "last week"'
# Addresses and scopes may run over lines (LF); composed text is NFC.
record_edit "$TYPICAL" 'd["organization"]["address"] = "Unit 4\nSheffield S9 2RX"
d["scope"] = "Design.\nManufacture."
d["organization"]["name"] = "Caf\u00e9 M\u00fcller"' >multiline.json ||
    setup_failed "record_edit multiline.json"
expect_exit 0 iss multiline.json
rm -f $OUT

# An unknown field, at the top and inside the organisation.
bad_record unknown-field '.*unknown field "colour"' 'd["colour"] = "blue"'
bad_record unknown-organization-field 'organization: unknown field "phone"' \
    'd["organization"]["phone"] = "+44 114 000 0000"'

# The project's own bad records (tests/data/records/bad-*.json).
for record in "$ROOT"/tests/data/records/bad-*.json; do
    [ -f "$record" ] || continue
    cp "$record" "$(basename "$record")"
    refused 1 "$(basename "$record" .json | sed 's/[.]/\\./g')\\.json: " $OUT \
        iss "$(basename "$record")"
done

# ==== verify ==================================================================================

vfy() { cs verify --trust pki/ab.key.pub --at 2027-01-01 "$@"; }
# Sanity: the complete command works.
expect_exit 0 vfy token.txt

refused 2 "unknown option '--colour'" - vfy --colour token.txt
refused 2 '--trust FILE.DIR is required' - cs verify --at 2027-01-01 token.txt
refused 2 "option '--trust' needs a value" - cs verify --trust
# Several tokens and files are verified in turn (certseal(1), Many certificates at once).
expect_exit 0 vfy token.txt token.txt
for date in 2027-13-01 01/01/2027 2027-02-29 tomorrow 2027-01-01T25:00:00Z ''; do
    refused 2 "--at: '$date' is not a date" - cs verify --trust pki/ab.key.pub --at "$date" token.txt
done
refused 2 "--skew: '-1'" - vfy --skew -1 token.txt
refused 2 "--skew: 'soon'" - vfy --skew soon token.txt

# Files: missing, unreadable, the wrong kind.
refused 1 'no-token\.txt: cannot open: No such file or directory' - vfy no-token.txt
refused 1 'no-ab\.key\.pub: .*No such file or directory' - \
    cs verify --trust no-ab.key.pub --at 2027-01-01 token.txt
cp token.txt locked-token.txt
cp pki/ab.key.pub locked-ab.key.pub
if unreadable locked-token.txt && unreadable locked-ab.key.pub; then
    refused 1 'locked-token\.txt: cannot open: Permission denied' - vfy locked-token.txt
    refused 1 'locked-ab\.key\.pub: .*Permission denied' - \
        cs verify --trust locked-ab.key.pub --at 2027-01-01 token.txt
fi
refused 1 'garbage\.txt: no PEM public key' - cs verify --trust garbage.txt token.txt
refused 1 'ab\.key: no PEM public key' - cs verify --trust pki/ab.key token.txt
refused 1 'empty-dir: no PEM public key' - cs verify --trust empty-dir token.txt
# A trust store holding a key anyone can sign with is refused whole.
cat pki/ab.key.pub "$ROOT/tests/data/keys/ed25519-identity.pem" >weak-trust.pem
refused 1 'weak-trust\.pem: public key is weak .*remove it from the trust store' - \
    cs verify --trust weak-trust.pem --at 2027-01-01 token.txt

# Input that holds no token: MALFORMED (10), one line.
expect_exit 10 vfy garbage.txt
expect_stderr_line 'garbage\.txt: MALFORMED: .*not a certseal token'
expect_exit 10 vfy empty.txt
expect_stderr_line 'empty\.txt: holds no token'
printf '\001\377\376\000\002not a token\003' >binary.bin
expect_exit 10 vfy binary.bin
expect_stderr_line 'binary\.bin: MALFORMED: '
# A record given where the token belongs: one message, not one per line.
cp "$TYPICAL" record.json
expect_exit 10 vfy record.json
expect_stderr_line 'record\.json: .*not a certseal token'

# ==== inspect ==================================================================================

# Sanity: the complete command works.
expect_exit 0 cs inspect token.txt
refused 2 "unknown option '--colour'" - cs inspect --colour token.txt
refused 2 'give one token' - cs inspect token.txt token.txt
refused 2 "option '--cose-out' needs a value" - cs inspect --cose-out
refused 1 'no-token\.txt: cannot open: No such file or directory' - cs inspect no-token.txt
if unreadable locked-token.txt; then
    refused 1 'locked-token\.txt: cannot open: Permission denied' - cs inspect locked-token.txt
fi
refused 10 'garbage\.txt: does not decode' - cs inspect garbage.txt
refused 10 'empty\.txt: does not decode' - cs inspect empty.txt
refused 10 'garbage\.txt: does not decode' cose.out cs inspect --cose-out cose.out garbage.txt
refused 1 'no-dir/cose\.out: .*No such file or directory' no-dir/cose.out \
    cs inspect --cose-out no-dir/cose.out token.txt
# --cose-out does not replace a file, and the message offers only options
# inspect has.
printf 'keep me\n' >kept.cose
expect_exit 1 cs inspect --cose-out kept.cose token.txt
expect_stderr_line 'kept\.cose: already exists'
check "inspect left the existing --cose-out file alone" grep -q '^keep me$' kept.cose
if grep -q -e '--force' "$CAP/stderr" && ! "$CERTSEAL" inspect --help | grep -q -e '--force'; then
    fail "the message offers --force, which inspect does not have"
else
    pass
fi

# accredit: a text longer than a token can carry is refused before signing.
long_name=$(printf '%2001s' '' | tr ' ' n)
refused 2 "--name: longer than 2000 bytes" $OUT ac --name "$long_name"

# verify and inspect with no token on a terminal say what to give, rather
# than wait for standard input (script(1) gives them a terminal).
if command -v script >/dev/null 2>&1; then
    for command in verify inspect; do
        set -- "$CERTSEAL" "$command"
        [ "$command" = verify ] && set -- "$@" --trust pki/ab.key.pub
        script -qec "$* </dev/tty" /dev/null >"$CAP/stdout" 2>&1
        code=$?
        check "$command with no token on a terminal exits 2 (got $code)" [ "$code" -eq 2 ]
        check "$command with no token on a terminal says what to give" \
            grep -q "certseal: $command: give a token" "$CAP/stdout"
    done
else
    skip "no script(1) to give verify a terminal"
fi

finish
