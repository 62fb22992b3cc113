#!/bin/sh
# SPDX-License-Identifier: ISC
# issue --batch --qr-dir writes its QR files on several threads: more
# files than threads and than one chunk, each under its certificate's
# name, each holding exactly the token --out records; a file that cannot
# be made is reported with its name, the command fails and --out is not
# written; run again with what fixes it, the batch's outputs complete.
. "$(dirname "$0")/lib.sh"

if ! command -v zbarimg >/dev/null 2>&1; then
    echo "$SCRIPT: zbarimg is needed (make deps-test installs it)" >&2
    exit 1
fi

setup_chain k ed25519 ed25519
"$CERTSEAL" init --registry cb.db --key k/cb.key --accreditation k/ac.cose \
    --status-uri https://cb.example/s >/dev/null 2>&1 || setup_failed "init cb.db"

# batch PREFIX COUNT [BIG...]: COUNT records of the sample batch renumbered
# PREFIX-000..., the records numbered BIG given a scope of 250 random words
# (a token too long for any QR code at error correction H).
batch() {
    python3 - "$FIXTURES/batch.jsonl" "$@" <<'EOF'
import json, random, string, sys
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
prefix, count, big = sys.argv[2], int(sys.argv[3]), {int(n) for n in sys.argv[4:]}
rng = random.Random(17)
for i in range(count):
    r = dict(records[i % len(records)])
    r["certificate_number"] = "%s-%03d" % (prefix, i)
    if i in big:
        r["scope"] = " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(7))
                              for _ in range(250))
    print(json.dumps(r))
EOF
}

# all_hold DIR TOKENS: every line "NUMBER TOKEN" of TOKENS has its PNG
# DIR/NUMBER.png, and DIR holds nothing else; every seventh file, and the
# last, decode to exactly their TOKEN (zbar takes a while per file).
all_hold() {
    n=0 total=$(wc -l <"$2")
    while read -r number token; do
        n=$((n + 1))
        head -c 8 "$1/$number.png" | od -An -tx1 | tr -d ' \n' | grep -q '^89504e470d0a1a0a$' ||
            return 1
        [ $((n % 7)) -eq 1 ] || [ "$n" -eq "$total" ] || continue
        zbarimg --raw -q -Sdisable -Sqrcode.enable "$1/$number.png" >"$CAP/decoded" \
            2>/dev/null || return 1
        printf '%s\n' "$token" | cmp -s - "$CAP/decoded" || return 1
    done <"$2"
    [ "$(ls "$1" | wc -l)" -eq "$n" ]
}

tokens_of() {
    python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    j = json.loads(line)
    print(j["number"], j["token"])
' "$1"
}

# ---- more files than threads and than one chunk (256) ----------------------------------------

batch M 300 >m.jsonl
expect_exit 0 cs issue --registry cb.db --batch m.jsonl --out m-tokens.jsonl --qr-dir qr-m
tokens_of m-tokens.jsonl >m-tokens.txt
check "300 records: 300 tokens" test "$(wc -l <m-tokens.txt)" -eq 300
check "a QR file for each certificate, holding exactly its token; nothing else in the folder" \
    all_hold qr-m m-tokens.txt
expect_no_stray qr-m

# ---- a file that cannot be made -----------------------------------------------------------------

batch B 40 17 >b.jsonl
expect_exit 1 cs issue --registry cb.db --batch b.jsonl --out b-tokens.jsonl --qr-dir qr-b --ecc H
expect_stderr_line 'qr-b/B-017\.png: the token.s [0-9]+ characters do not fit in any QR code at error correction H'
expect_no_file b-tokens.jsonl qr-b/B-017.png
expect_no_stray qr-b
# the certificates are recorded; run again at a level where it fits, replacing what was written
expect_exit 0 cs issue --registry cb.db --batch b.jsonl --out b-tokens.jsonl --qr-dir qr-b \
    --ecc L --force
tokens_of b-tokens.jsonl >b-tokens.txt
check "run again: a QR file for each certificate, holding its token" all_hold qr-b b-tokens.txt

finish
