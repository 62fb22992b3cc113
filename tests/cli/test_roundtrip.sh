#!/bin/sh
# SPDX-License-Identifier: ISC
# The whole story through the command line: keygen, accredit, issue, verify,
# inspect, with both algorithms, both fixtures, encrypted keys and both token
# forms.  Verification runs --at 2027-01-01 so nothing depends on today.
. "$(dirname "$0")/lib.sh"

AT=2027-01-01
HEX16='^[0-9a-f]{16}$'

# ---- keygen --------------------------------------------------------------------

for alg in ed25519 es256; do
    if [ $alg = ed25519 ]; then args=; else args="--alg $alg"; fi
    # shellcheck disable=SC2086 # $args is empty or two words
    expect_exit 0 cs keygen $args --out $alg.key
    expect_stdout_lines 1
    expect_stdout "$HEX16"
    expect_stderr_empty
    check "keygen $alg: private key mode is 0600" [ "$(stat -c %a $alg.key)" = 600 ]
    check "keygen $alg: private key is PKCS#8 PEM" grep -q '^-----BEGIN PRIVATE KEY-----$' $alg.key
    expect_file $alg.key.pub
    check "keygen $alg: public key is SubjectPublicKeyInfo PEM" \
        grep -q '^-----BEGIN PUBLIC KEY-----$' $alg.key.pub
    cp "$CAP/stdout" $alg.kid
done
check "two keys have different kids" [ "$(cat ed25519.kid)" != "$(cat es256.kid)" ]

# Refuses to overwrite without --force; the old files stay as they were.
cp ed25519.key before.key
cp ed25519.key.pub before.key.pub
expect_exit 1 cs keygen --out ed25519.key
expect_stderr_line 'ed25519\.key: already exists.*--force'
expect_stdout_empty
check "refused keygen left the private key unchanged" cmp -s before.key ed25519.key
check "refused keygen left the public key unchanged" cmp -s before.key.pub ed25519.key.pub
# ... also when only the .pub file is in the way.
cp before.key.pub lonely.key.pub
expect_exit 1 cs keygen --out lonely.key
expect_stderr_line 'lonely\.key\.pub: already exists'
expect_no_file lonely.key
check "refused keygen left the lonely .pub unchanged" cmp -s before.key.pub lonely.key.pub

# --force replaces both files with a new key.
expect_exit 0 cs keygen --force --out ed25519.key
expect_stdout "$HEX16"
check "--force made a new key (new kid)" [ "$(cat "$CAP/stdout")" != "$(cat ed25519.kid)" ]
check "--force replaced the private key" sh -c '! cmp -s before.key ed25519.key'
check "--force replaced the public key" sh -c '! cmp -s before.key.pub ed25519.key.pub'
check "--force kept mode 0600" [ "$(stat -c %a ed25519.key)" = 600 ]
expect_no_stray

# ---- encrypted keys ------------------------------------------------------------

printf 'correct horse battery staple\n' >pass.txt
expect_exit 0 cs keygen --out enc-ab.key --passphrase-file pass.txt
expect_stdout "$HEX16"
check "encrypted key is PKCS#8 encrypted PEM" \
    grep -q '^-----BEGIN ENCRYPTED PRIVATE KEY-----$' enc-ab.key
check "encrypted key mode is 0600" [ "$(stat -c %a enc-ab.key)" = 600 ]
expect_exit 0 cs keygen --alg es256 --out enc-cb.key --passphrase-fd 3 3<pass.txt
expect_stdout "$HEX16"
check "key from --passphrase-fd is encrypted" \
    grep -q '^-----BEGIN ENCRYPTED PRIVATE KEY-----$' enc-cb.key

expect_exit 0 cs_accredit_std enc-ab.key enc-cb.key.pub enc-ac.cose --passphrase-file pass.txt
expect_file enc-ac.cose
expect_exit 0 cs issue --key enc-cb.key --accreditation enc-ac.cose --passphrase-fd 3 \
    --out enc-token.txt "$TYPICAL" 3<pass.txt
expect_exit 0 cs verify --trust enc-ab.key.pub --at $AT enc-token.txt
expect_stdout '^VALID'

# ---- accredit ------------------------------------------------------------------

expect_exit 0 cs_accredit_std ed25519.key es256.key.pub ac.cose
expect_file ac.cose
expect_stdout_empty
cp ac.cose ac.before
expect_exit 1 cs_accredit_std ed25519.key es256.key.pub ac.cose
expect_stderr_line 'ac\.cose: already exists.*--force'
check "refused accredit left the credential unchanged" cmp -s ac.before ac.cose
expect_exit 0 cs_accredit_std ed25519.key es256.key.pub ac.cose --force --number ACC-2
check "accredit --force replaced the credential" sh -c '! cmp -s ac.before ac.cose'
expect_exit 0 cs inspect --json ac.cose
check "the replaced credential holds the new number" \
    json_true "$CAP/stdout" 'j["token"]["accreditation"]["number"] == "ACC-2"'
expect_no_stray

# ---- issue: stdout and --out ---------------------------------------------------

expect_exit 0 cs issue --key es256.key --accreditation ac.cose "$TYPICAL"
expect_stdout_lines 1
expect_stdout '^CS1:[0-9A-Z $%*+./:-]+$'
expect_stderr_empty
cp "$CAP/stdout" stdout-token.txt

expect_exit 0 cs issue --key es256.key --accreditation ac.cose --out out-token.txt "$TYPICAL"
expect_stdout_empty
check "issue --out wrote one CS1 line" grep -q '^CS1:' out-token.txt
check "issue --out wrote exactly one line" [ "$(wc -l <out-token.txt)" -eq 1 ]
cp out-token.txt out-token.before
expect_exit 1 cs issue --key es256.key --accreditation ac.cose --out out-token.txt "$MULTISITE"
expect_stderr_line 'out-token\.txt: already exists.*--force'
check "refused issue left the token file unchanged" cmp -s out-token.before out-token.txt
expect_exit 0 cs issue --key es256.key --accreditation ac.cose --out out-token.txt --force \
    "$MULTISITE"
check "issue --force replaced the token file" sh -c '! cmp -s out-token.before out-token.txt'
expect_exit 0 cs issue --key es256.key --accreditation ac.cose - <"$TYPICAL"
expect_stdout '^CS1:'
expect_no_stray

# ---- verify: both algorithms, both fixtures ----------------------------------------

# ed25519/ed25519, es256/es256, and each algorithm in the other role.
for chain in ed25519:ed25519 es256:es256 es256:ed25519 ed25519:es256; do
    ab_alg=${chain%:*} cb_alg=${chain#*:}
    dir=chain-$ab_alg-$cb_alg
    setup_chain $dir $ab_alg $cb_alg
    for record in "$TYPICAL" "$MULTISITE"; do
        name=$(basename "$record" .json)
        expect_exit 0 cs issue --key $dir/cb.key --accreditation $dir/ac.cose \
            --out $dir/$name.txt "$record"
        expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT $dir/$name.txt
        expect_stdout "^VALID +$(json_field "$record" name | sed 's/[.&]/./g') is certified to"
        expect_stdout "^ +Number +$(json_field "$record" certificate_number)\$"
        expect_stderr_empty
        expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT --json $dir/$name.txt
        expect_stdout_lines 1
        check "verify --json ($chain, $name): verdict VALID, certificate equals the record" \
            json_true "$CAP/stdout" 'j["verdict"] == "VALID" and j["valid"] is True and all(
                j["certificate"][k] == v
                for k, v in json.load(open("'"$record"'", encoding="utf-8")).items())'
        check "verify --json ($chain, $name): the key ids are the ones keygen printed" \
            json_true "$CAP/stdout" 'j["key_ids"] == {
                "accreditation_body": "'"$(cat $dir/ab.kid)"'",
                "certification_body": "'"$(cat $dir/cb.kid)"'"}'
        check "verify --json ($chain, $name): every check passes, status not referenced" \
            json_true "$CAP/stdout" '(all(c["result"] == "pass" for c in j["checks"])
                and j["status"] == "not referenced"
                and j["accreditation_status"] == "not referenced")'
    done
    # The typical record fits the offline form's budget with either key type.
    tlen=$(tr -d '\n' <$dir/record-typical.txt | wc -c)
    check "typical offline token ($chain) is at most 1000 characters (it has $tlen)" \
        [ "$tlen" -le 1000 ]
    # Trust by folder: every PEM public key in it.
    mkdir $dir/trust
    cp $dir/ab.key.pub $dir/trust/ab.pem
    cp ed25519.key.pub $dir/trust/other.pem
    expect_exit 0 cs verify --trust $dir/trust --at $AT $dir/record-typical.txt
done

dir="chain-ed25519-es256"

# The token as an argument and on stdin.
expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT "$(cat $dir/record-typical.txt)"
expect_stdout '^VALID'
expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT - <$dir/record-typical.txt
expect_stdout '^VALID'
expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT <$dir/record-typical.txt
expect_stdout '^VALID'

# Several tokens, one per line: one JSON object each, all VALID.
cat $dir/record-typical.txt $dir/record-multisite.txt >$dir/both.txt
expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT --json $dir/both.txt
expect_stdout_lines 2
check "verify --json of two tokens: two VALID objects in order" \
    json_true "$CAP/stdout" 'len(js) == 2 and all(x["verdict"] == "VALID" for x in js) and
        [x["certificate"]["certificate_number"] for x in js] ==
        ["GB-Q-2026-004217", "DE-E-2026-000981"]'
expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT $dir/both.txt
check "verify of two tokens prints two VALID lines" [ "$(grep -c '^VALID' "$CAP/stdout")" -eq 2 ]
# Blank lines and CRLF line ends between tokens are fine.
{ printf '\n'; tr -d '\n' <$dir/record-typical.txt; printf '\r\n\r\n'; cat $dir/record-multisite.txt; } \
    >$dir/spaced.txt
expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT --json $dir/spaced.txt
expect_stdout_lines 2

# ---- link form ----------------------------------------------------------------------

for record in "$TYPICAL" "$MULTISITE"; do
    name=$(basename "$record" .json)
    expect_exit 0 cs issue --key $dir/cb.key --accreditation $dir/ac.cose --form link \
        --link-base https://verify.example.org/v "$record"
    expect_stdout_lines 1
    expect_stdout '^HTTPS://VERIFY\.EXAMPLE\.ORG/V/'
    cp "$CAP/stdout" $dir/$name-link.txt
    check "link token ($name) is all upper case (QR alphanumeric mode)" \
        [ "$(tr 'a-z' 'A-Z' <$dir/$name-link.txt)" = "$(cat $dir/$name-link.txt)" ]
    expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT $dir/$name-link.txt
    expect_stdout '^VALID'
    expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT --json "$(cat $dir/$name-link.txt)"
    check "verify --json of the link form ($name): VALID, form link" \
        json_true "$CAP/stdout" 'j["verdict"] == "VALID" and j["form"] == "link"'
    expect_exit 0 cs inspect $dir/$name-link.txt
    expect_stdout '^form: link$'
done

# ---- inspect ------------------------------------------------------------------------

token=$dir/record-typical.txt
tlen=$(tr -d '\n' <$token | wc -c)
expect_exit 0 cs inspect $token
expect_stderr_empty
expect_stdout '^NOT VERIFIED'
expect_stdout '^form: offline$'
expect_stdout "^token_characters: $tlen\$"
expect_stdout '^cose_bytes: [1-9][0-9]*$'
expect_stdout '^ +version: [1-9][0-9]*$'
expect_stdout '^ +error_correction: M$'
expect_stdout '^ +sub \(2\): GB-Q-2026-004217$'
expect_stdout '^ +iss \(1\): CB-TEST$'
expect_stdout '^ +typ: cs-cert$'
expect_stdout '^ +scp: Design, manufacture and supply'
expect_stdout "^ +kid: $(cat $dir/cb.kid)\$"
expect_exit 0 cs inspect --json $token
check "inspect --json: offline form, its size, QR version <= 21 for the typical record" \
    json_true "$CAP/stdout" 'j["form"] == "offline" and j["token_characters"] == '"$tlen"' and
        j["cose_bytes"] > 0 and j["qr"]["error_correction"] == "M" and
        1 <= j["qr"]["version"] <= 21'
check "inspect --json: the claims and the decoded certificate" \
    json_true "$CAP/stdout" 'j["token"]["claims"]["sub (2)"] == "GB-Q-2026-004217" and
        j["token"]["protected"]["typ"] == "cs-cert" and all(
        j["token"]["certificate"][k] == v
        for k, v in json.load(open("'"$TYPICAL"'", encoding="utf-8")).items())'
expect_exit 0 cs inspect - <$token
expect_stdout '^form: offline$'
expect_exit 0 cs inspect "$(cat $token)"
expect_stdout '^form: offline$'
# The accreditation credential decodes too, named as what it is.
expect_exit 0 cs inspect --json $dir/ac.cose
check "inspect --json of the accreditation credential: typ cs-accr" \
    json_true "$CAP/stdout" 'j["token"]["protected"]["typ"] == "cs-accr"'
# --cose-out writes the COSE_Sign1 bytes (tag 18 = 0xd2), which verify accepts.
expect_exit 0 cs inspect --cose-out $dir/token.cose $token
check "inspect --cose-out wrote a tagged COSE_Sign1" \
    [ "$(od -An -tx1 -N1 $dir/token.cose | tr -d ' ')" = d2 ]
expect_exit 0 cs verify --trust $dir/ab.key.pub --at $AT $dir/token.cose
expect_stdout '^VALID'
# A pipe as --out (like /dev/stdout) is written to, never renamed over.
mkfifo $dir/out.fifo
timeout 10 cat $dir/out.fifo > $dir/from-fifo.txt &
expect_exit 0 cs inspect --cose-out $dir/out.fifo --force $token
wait
check "--cose-out to a pipe: the pipe is still a pipe" [ -p $dir/out.fifo ]
check "--cose-out to a pipe: the reader got the COSE bytes" cmp -s $dir/from-fifo.txt $dir/token.cose
rm -f $dir/out.fifo $dir/from-fifo.txt
expect_no_stray

finish
