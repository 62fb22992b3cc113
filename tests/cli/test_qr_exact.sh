#!/bin/sh
# SPDX-License-Identifier: ISC
# Every way certseal writes a QR code puts exactly the token in it: not the
# newline that ends the token's line in a file, nothing else.  The decoded
# text is compared byte for byte with the token for issue --qr, issue
# --registry --qr, a batch's --qr-dir and qr --out.  Only zbar's QR reader
# is on, so that no linear-barcode reader finds a false symbol.
. "$(dirname "$0")/lib.sh"

if ! command -v zbarimg >/dev/null 2>&1; then
    echo "$SCRIPT: zbarimg is needed (make deps-test installs it)" >&2
    exit 1
fi

# holds_exactly IMAGE TOKEN: the code in IMAGE decodes to TOKEN, byte for
# byte.  zbarimg --raw ends each symbol it prints with one newline.
holds_exactly() {
    zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" >"$CAP/decoded" 2>/dev/null || return 1
    printf '%s\n' "$2" >"$CAP/wanted"
    cmp -s "$CAP/decoded" "$CAP/wanted"
}

# first_line FILE: FILE's first line without its newline.
first_line() { head -n 1 "$1"; }

setup_chain k ed25519 ed25519

# issue --key --qr, offline and link form
expect_exit 0 cs issue --key k/cb.key --accreditation k/ac.cose --out plain.txt --qr plain.png \
    "$TYPICAL"
check "issue --qr: the code holds exactly the token" holds_exactly plain.png "$(first_line plain.txt)"
expect_exit 0 cs issue --key k/cb.key --accreditation k/ac.cose --form link \
    --link-base https://verify.example.org/v --out link.txt --qr link.png "$TYPICAL"
check "issue --form link --qr: the code holds exactly the link" \
    holds_exactly link.png "$(first_line link.txt)"
# to stdout, with an SVG beside it: the token on stdout, the code in the PNG
expect_exit 0 cs issue --key k/cb.key --accreditation k/ac.cose --qr stdout.png "$TYPICAL"
cp "$CAP/stdout" stdout.txt
check "issue --qr, token on stdout: the code holds exactly the token" \
    holds_exactly stdout.png "$(first_line stdout.txt)"

# issue --registry --qr
expect_exit 0 cs init --registry ab.db --key k/ab.key --status-uri https://ab.example/s
expect_exit 0 cs_accredit --registry ab.db --subject-key k/cb.key.pub \
    --standard "ISO 9001:2015" --standard "ISO 14001:2015" --iaf 17,18,31 \
    --not-before 2026-01-01 --expires 2030-12-31 --out ac.cose
expect_exit 0 cs init --registry cb.db --key k/cb.key --accreditation ac.cose \
    --status-uri https://cb.example/s
expect_exit 0 cs issue --registry cb.db --out reg.txt --qr reg.png "$TYPICAL"
check "issue --registry --qr: the code holds exactly the token" \
    holds_exactly reg.png "$(first_line reg.txt)"

# issue --registry --batch --qr-dir
expect_exit 0 cs issue --registry cb.db --batch "$FIXTURES/batch.csv" --out tokens.jsonl --qr-dir qr
python3 -c '
import json, sys
for line in open("tokens.jsonl", encoding="utf-8"):
    j = json.loads(line)
    print(j["number"], j["token"])
' >tokens.txt
check "batch: three tokens" [ "$(wc -l <tokens.txt)" -eq 3 ]
while read -r number token; do
    check "batch --qr-dir $number: the code holds exactly the token" holds_exactly "qr/$number.png" "$token"
done <tokens.txt

# qr --out, from a file and from the command line
expect_exit 0 cs qr --out again.png plain.txt
check "qr --out FILE: the code holds exactly the token" holds_exactly again.png "$(first_line plain.txt)"
expect_exit 0 cs qr --out arg.png "$(first_line link.txt)"
check "qr --out, token as argument: the code holds exactly the token" \
    holds_exactly arg.png "$(first_line link.txt)"

finish
