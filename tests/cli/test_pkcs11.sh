#!/bin/sh
# SPDX-License-Identifier: ISC
# Keys in a PKCS#11 token (SoftHSM2, a throwaway token in this run's work
# folder): keygen in the token with both algorithms, then accredit, issue
# (single, registry, batch), status publish and trustlist sign with pkcs11:
# URIs.  Every output verifies with certseal and with the independent COSE
# reading of cose_check.py.  Then the failures: wrong PIN, missing token,
# missing object, a PIN in the URI, an unreachable module: one line each,
# and nothing written.
. "$(dirname "$0")/lib.sh"

AT=2027-01-01
HEX16='^[0-9a-f]{16}$'
CHECK="python3 $ROOT/tests/cli/cose_check.py"

if ! command -v softhsm2-util >/dev/null 2>&1; then
    skip "softhsm2-util is not installed (apt-get install softhsm2, or make deps-test)"
    finish
fi
MODULE=
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
    /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
    [ -f "$m" ] && MODULE=$m && break
done
if [ -z "$MODULE" ]; then
    skip "SoftHSM2's module libsofthsm2.so is not found"
    finish
fi

# SoftHSM2's own leak in its Ed25519 signing, under SAN=1 (see the file).
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$ROOT/tests/cli/softhsm2.supp"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
export LSAN_OPTIONS ASAN_OPTIONS

# ---- a throwaway token ------------------------------------------------------------

mkdir -p "$TMP/softhsm/tokens"
cat >"$TMP/softhsm/softhsm2.conf" <<EOF
directories.tokendir = $TMP/softhsm/tokens
objectstore.backend = file
log.level = ERROR
EOF
SOFTHSM2_CONF=$TMP/softhsm/softhsm2.conf
export SOFTHSM2_CONF
softhsm2-util --init-token --free --label ab-hsm --pin 1234 --so-pin 87654321 \
    >"$CAP/setup.out" 2>"$CAP/setup.err" || setup_failed "softhsm2-util --init-token"
printf '1234\n' >pin.txt
printf '0000\n' >wrong-pin.txt
# The module both ways: named by module-path, and found in p11-kit's
# configuration (Debian's softhsm2 registers it there).
TOKEN="pkcs11:token=ab-hsm"
QUERY="?module-path=$MODULE"

# ---- keygen in the token ------------------------------------------------------------

expect_exit 0 cs keygen --alg ed25519 --out ab-ed.pub --pkcs11 "$TOKEN;object=ab-ed$QUERY" \
    --pin-file pin.txt
expect_stdout "$HEX16"
expect_stdout_lines 1
expect_stderr_empty
cp "$CAP/stdout" ab-ed.kid
check "keygen --pkcs11 writes the public key as certseal's .pub files" \
    grep -q '^-----BEGIN PUBLIC KEY-----$' ab-ed.pub
check "keygen --pkcs11 writes no private key file" sh -c '! grep -q PRIVATE ab-ed.pub'

expect_exit 0 cs keygen --alg es256 --out cb-p256.pub --pin-fd 3 \
    --pkcs11 "$TOKEN;object=cb-p256;id=%01%02" 3<pin.txt
expect_stdout "$HEX16"
cp "$CAP/stdout" cb-p256.kid
# Both key types in one token, each algorithm for each role.
expect_exit 0 cs keygen --alg es256 --out ab-p256.pub --pin-file pin.txt \
    --pkcs11 "$TOKEN;object=ab-p256"
expect_exit 0 cs keygen --out cb-ed.pub --pin-file pin.txt --pkcs11 "$TOKEN;object=cb-ed"
cp "$CAP/stdout" cb-ed.kid

# A second key of one label would make the URI ambiguous: refused, nothing written.
expect_exit 1 cs keygen --alg es256 --out again.pub --pin-file pin.txt \
    --pkcs11 "$TOKEN;object=cb-p256"
expect_stderr_line "already holds a key labelled 'cb-p256'.*CS_ERR_PKCS11_OBJECT_EXISTS, 429"
expect_no_file again.pub
expect_exit 2 cs keygen --out x.pub --pkcs11 "$TOKEN;object=x" --encrypt
expect_stderr_line 'nothing to encrypt'
expect_exit 1 cs keygen --out ab-ed.pub --pin-file pin.txt --pkcs11 "$TOKEN;object=new"
expect_stderr_line 'ab-ed\.pub: already exists'

# ---- accredit, issue, registry, batch, status, trust list ------------------------------

for ab in ed p256; do
    expect_exit 0 cs_accredit_std "$TOKEN;object=ab-$ab$QUERY" cb-p256.pub ac-$ab.cose \
        --pin-file pin.txt
    expect_file ac-$ab.cose
    expect_exit 0 $CHECK ab-$ab.pub ac-$ab.cose
    expect_stdout "^OK (EdDSA|ES256) "
done
check "the accreditation's kid is the key's kid from keygen" \
    sh -c "$CHECK ab-ed.pub ac-ed.cose | grep -q \" $(cat ab-ed.kid)\$\""

expect_exit 0 cs issue --key "$TOKEN;object=cb-p256" --pin-file pin.txt \
    --accreditation ac-ed.cose --out single.txt "$TYPICAL"
expect_exit 0 cs verify --trust ab-ed.pub --at $AT single.txt
expect_stdout '^VALID'
expect_exit 0 $CHECK cb-p256.pub single.txt
expect_stdout "^OK ES256 $(cat cb-p256.kid)\$"
# The same token, found by id alone, with the AB's P-256 credential.
expect_exit 0 cs issue --key "pkcs11:id=%01%02" --pin-file pin.txt \
    --accreditation ac-p256.cose --out by-id.txt "$TYPICAL"
expect_exit 0 cs verify --trust ab-p256.pub --at $AT by-id.txt
expect_stdout '^VALID'
expect_exit 0 $CHECK cb-p256.pub by-id.txt

# An Ed25519 CB key in the same token.
expect_exit 0 cs_accredit_std "$TOKEN;object=ab-ed" cb-ed.pub ac-cb-ed.cose --pin-file pin.txt
expect_exit 0 cs issue --key "$TOKEN;object=cb-ed" --pin-file pin.txt \
    --accreditation ac-cb-ed.cose --out single-ed.txt "$MULTISITE"
expect_exit 0 cs verify --trust ab-ed.pub --at $AT single-ed.txt
expect_stdout '^VALID'
expect_exit 0 $CHECK cb-ed.pub single-ed.txt
expect_stdout "^OK EdDSA $(cat cb-ed.kid)\$"

# A registry keeps the URI as its key reference, with no PIN.
URI="$TOKEN;object=cb-p256$QUERY"
expect_exit 0 cs init --registry cb.db --key "$URI" --pin-file pin.txt \
    --accreditation ac-ed.cose --status-uri http://127.0.0.1/status/cb
check "the registry stores the URI as its key" \
    [ "$(sqlite3 cb.db 'SELECT key_path FROM settings')" = "$URI" ]
expect_exit 0 cs issue --registry cb.db --pin-file pin.txt --out reg.txt "$TYPICAL"
expect_exit 0 $CHECK cb-p256.pub reg.txt
expect_exit 0 cs issue --registry cb.db --pin-fd 3 --batch "$FIXTURES/batch.csv" \
    --out batch.jsonl 3<pin.txt
check "the batch issued three certificates" [ "$(wc -l <batch.jsonl)" = 3 ]
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' \
        >batch-$n.txt
    expect_exit 0 $CHECK cb-p256.pub batch-$n.txt
    expect_exit 0 cs verify --trust ab-ed.pub --status-optional --at $AT batch-$n.txt
    expect_stdout '^VALID'
done <batch.jsonl
expect_exit 0 cs status publish --registry cb.db --pin-file pin.txt --out status.cose
expect_exit 0 $CHECK cb-p256.pub status.cose
expect_stdout "^OK ES256 "
expect_exit 0 cs verify --trust ab-ed.pub --status status.cose reg.txt
expect_stdout '^VALID'

# The scheme owner's trust list, signed by a root key in the token.
expect_exit 0 cs keygen --out root.pub --pin-file pin.txt --pkcs11 "$TOKEN;object=root"
cat >source.json <<EOF
{"issuer": "SCHEME-TEST", "uri": "http://127.0.0.1/scheme.cose", "ttl": 3600,
 "abs": [{"id": "AB-TEST", "name": "Test Accreditation Body", "country": "GB",
   "status": "active", "recognitions": [{"standard": "ISO 9001", "from": "2020-01-01"}],
   "keys": [{"key": "ab-ed.pub", "from": "2020-01-01"}]}]}
EOF
expect_exit 0 cs trustlist sign --key "$TOKEN;object=root" --pin-file pin.txt --sequence 1 \
    --issued-at 2026-12-01 --next-update 2027-01-31 --out scheme.cose source.json
expect_exit 0 $CHECK root.pub scheme.cose
expect_exit 0 cs verify --trust-list scheme.cose --root root.pub --no-cache --at 2027-01-01 \
    --status-optional single.txt
expect_stdout '^VALID'

# The PIN from a file the URI names (pin-source=file:), not from argv.
expect_exit 0 cs issue --key "$TOKEN;object=cb-p256?pin-source=file:$WORK/pin.txt" \
    --accreditation ac-ed.cose --out pin-source.txt "$TYPICAL"
expect_exit 0 $CHECK cb-p256.pub pin-source.txt

# ---- failures: one line, nothing written ---------------------------------------------

expect_exit 1 cs issue --key "$TOKEN;object=cb-p256" --pin-file wrong-pin.txt \
    --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
expect_stderr_line "wrong PIN for token 'ab-hsm'.*CS_ERR_PKCS11_PIN_INCORRECT, 425"
expect_no_file wrong.txt
expect_exit 1 cs issue --key "pkcs11:token=no-such-token;object=cb-p256" --pin-file pin.txt \
    --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
expect_stderr_line "no token matches the URI \\(tokens present: 'ab-hsm'.*CS_ERR_PKCS11_NO_TOKEN, 423"
expect_no_file wrong.txt
expect_exit 1 cs issue --key "$TOKEN;object=no-such-key" --pin-file pin.txt \
    --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
expect_stderr_line "no private key with label 'no-such-key'.*CS_ERR_PKCS11_NO_OBJECT, 427"
expect_no_file wrong.txt
expect_exit 1 cs issue --key "$TOKEN;object=cb-p256?pin-value=1234" \
    --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
expect_stderr_line "holds the PIN \\(pin-value\\).*--pin-file.*CS_ERR_PKCS11_PIN_IN_URI, 421"
expect_stderr_no '1234'
expect_no_file wrong.txt
expect_exit 1 cs issue --key "$TOKEN;object=cb-p256?pin-source=env:PIN" \
    --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
expect_stderr_line "pin-source: certseal reads a PIN only from a file"
expect_no_file wrong.txt
expect_exit 1 cs issue --key "$TOKEN;object=cb-p256?module-path=$WORK/no-such-module.so" \
    --pin-file pin.txt --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
expect_stderr_line "cannot load the module .*no-such-module\\.so.*CS_ERR_PKCS11_MODULE, 422"
expect_no_file wrong.txt
expect_exit 1 cs issue --key "$TOKEN;object=cb-p256?module-name=no-such-module" \
    --pin-file pin.txt --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
expect_stderr_line "p11-kit has no module named 'no-such-module'.*CS_ERR_PKCS11_MODULE, 422"
expect_no_file wrong.txt
expect_exit 1 cs issue --key "pkcs11:token=ab-hsm;object=a b" --pin-file pin.txt \
    --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
expect_stderr_line "object: ' ' must be percent-encoded \\(%20\\).*CS_ERR_PKCS11_URI, 420"
expect_no_file wrong.txt
# No PIN source and no terminal to ask on.
expect_exit 1 setsid -w "$CERTSEAL" issue --key "$TOKEN;object=cb-p256" \
    --accreditation ac-ed.cose --out wrong.txt "$TYPICAL"
LAST_NAME=issue
expect_stderr_line "needs a PIN but there is no terminal.*--pin-file"
expect_no_file wrong.txt

# The same failures through keygen, accredit, a registry, and status publish.
expect_exit 1 cs keygen --out wrong.pub --pin-file wrong-pin.txt --pkcs11 "$TOKEN;object=k"
expect_stderr_line "CS_ERR_PKCS11_PIN_INCORRECT, 425"
expect_no_file wrong.pub
expect_exit 1 cs keygen --out wrong.pub --pin-file pin.txt --pkcs11 "pkcs11:token=none;object=k"
expect_stderr_line "CS_ERR_PKCS11_NO_TOKEN, 423"
expect_no_file wrong.pub
expect_exit 1 cs_accredit_std "$TOKEN;object=ab-ed" cb-p256.pub wrong.cose --pin-file wrong-pin.txt
expect_stderr_line "CS_ERR_PKCS11_PIN_INCORRECT, 425"
expect_no_file wrong.cose
expect_exit 1 cs init --registry wrong.db --key "$TOKEN;object=missing" --pin-file pin.txt \
    --accreditation ac-ed.cose --status-uri http://127.0.0.1/status/cb
expect_stderr_line "CS_ERR_PKCS11_NO_OBJECT, 427"
expect_no_file wrong.db
expect_exit 1 cs status publish --registry cb.db --pin-file wrong-pin.txt --out wrong.cose
expect_stderr_line "CS_ERR_PKCS11_PIN_INCORRECT, 425"
expect_no_file wrong.cose
expect_exit 1 cs issue --registry cb.db --pin-file wrong-pin.txt --batch "$FIXTURES/batch.csv" \
    --out wrong.jsonl
expect_stderr_line "CS_ERR_PKCS11_PIN_INCORRECT, 425"
expect_no_file wrong.jsonl
expect_no_stray

finish
