#!/bin/sh
# SPDX-License-Identifier: ISC
# certseal document: certificate PDFs for organisations named in every
# script DESIGN §8 promises (Latin with accents, Greek, Cyrillic, Arabic,
# Hebrew, Chinese, Japanese, Devanagari, Thai), made from tokens, from the
# registry and for a whole batch, read back by independent tools: qpdf
# --check passes; the attachment certseal-token.txt extracts byte-identical;
# the page rendered by pdftoppm scans with zbarimg and with certseal scan;
# pdftotext finds the organisation, the scope and the token (the glyph
# check: a character drawn as an empty box extracts as nothing); every font
# is an embedded Noto font (pdffonts); A4 and Letter sizes (pdfinfo); the
# QR modules are at least 0.33 mm.  The refusals (bad template, unknown
# number, damaged or forged token, a file in the way) give one line and
# write nothing.  One screenshot per template goes to build/.
. "$(dirname "$0")/lib.sh"

for tool in qpdf pdftoppm pdftotext pdffonts pdfinfo zbarimg; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "$SCRIPT: $tool is needed (make deps-test installs it)" >&2
        exit 1
    fi
done

# Under AddressSanitizer: what fontconfig keeps until exit is not a leak.
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$ROOT/tests/data/document/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS

SCRIPTS=$ROOT/tests/data/document/scripts.tsv
TEMPLATE=$ROOT/docs/template-example/template.json
SHOTS=${DOCUMENT_SCREENSHOTS:-$ROOT/build/document-screenshots}

decode() { zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" 2>/dev/null; }

# squeeze: stdin without white space and full stops, so that a line break or
# a space that a text extractor adds between glyphs, or a full stop it moves
# to the other end of a right-to-left line, does not count.
squeeze() { tr -d ' \n\t\f\r.'; }

# text_has PDF TEXT [OPTION]: pdftotext [OPTION] finds TEXT (white space
# ignored).  The token is read with -layout: by default pdftotext joins a
# word broken by a hyphen at a line's end, and drops the hyphen.
text_has() {
    pdftotext ${3-} "$1" - 2>/dev/null | squeeze >"$CAP/text"
    printf '%s' "$2" | squeeze >"$CAP/want"
    grep -qF -f "$CAP/want" "$CAP/text"
}

# only_noto PDF: every font of PDF is embedded and a Noto font.
only_noto() {
    pdffonts "$1" >"$CAP/fonts" 2>&1 || return 1
    tail -n +3 "$CAP/fonts" >"$CAP/fonts.list"
    [ -s "$CAP/fonts.list" ] &&
        ! awk '{ name = $1; sub(/^[A-Z]+\+/, "", name); if (name !~ /^Noto/) bad = 1 }
               / no +(yes|no) +(yes|no) +[0-9]/ { bad = 1 } END { exit !bad }' "$CAP/fonts.list"
}

# pdf_ok PDF: qpdf --check finds no error.
pdf_ok() { qpdf --check "$1" >"$CAP/qpdf-check" 2>&1; }

# attachment_is PDF FILE: the embedded certseal-token.txt is FILE, byte for byte.
attachment_is() {
    qpdf --show-attachment=certseal-token.txt "$1" >"$CAP/attachment" 2>/dev/null &&
        cmp -s "$CAP/attachment" "$2"
}

# page_size PDF: "A4" or "letter" as pdfinfo names the first page's size.
page_size() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Page size:.*(\(.*\))$/\1/p'; }

# module_ok PDF: the smallest filled square of the page's content (a QR
# module) is at least 0.33 mm.
module_ok() {
    qpdf --qdf --object-streams=disable "$1" "$CAP/qdf.pdf" 2>/dev/null
    python3 - "$CAP/qdf.pdf" <<'PY'
import re, sys, collections
data = open(sys.argv[1], "rb").read().decode("latin-1")
heights = collections.Counter()
# cairo writes a rectangle as "x y m x2 y l x2 y2 l x y2 l h".
number = r"(-?[\d.]+)"
for m in re.finditer(" ".join([number] * 2 + ["m"] + [number] * 2 + ["l"] + [number] * 2 + ["l"]), data):
    h = abs(float(m.group(6)) - float(m.group(2)))
    if h > 0.1:
        heights[round(h, 3)] += 1
module = heights.most_common(1)[0][0] if heights else 0
sys.exit(0 if module >= 0.33 * 72 / 25.4 and heights[module] > 50 else 1)
PY
}

# scans PDF TOKEN_FILE: the page rendered at 150 dpi holds the token, read by
# zbarimg and by certseal scan.
scans() {
    pdftoppm -r 150 -png -singlefile "$1" "$CAP/page" 2>/dev/null &&
        [ "$(decode "$CAP/page.png")" = "$(cat "$2")" ] &&
        "$CERTSEAL" scan "$CAP/page.png" >"$CAP/scanned" 2>/dev/null &&
        [ "$(cat "$CAP/scanned")" = "$(cat "$2")" ]
}

setup_chain keys ed25519 ed25519

# ---- every script --------------------------------------------------------------------
n=0
while IFS='	' read -r script country name address scope; do
    n=$((n + 1))
    python3 - "$country" "$name" "$address" "$scope" "$n" >"$script.json" <<'PY'
import json, sys
country, name, address, scope, n = sys.argv[1:]
print(json.dumps({
    "certificate_number": "DOC-%s-%s" % (country, n), "standard": "ISO 9001:2015",
    "organization": {"name": name, "country": country, "address": address},
    "scope": scope, "sites": [{"address": address, "scope": scope}], "iaf_codes": [17],
    "original_grant": "2020-01-01", "issued": "2026-06-01", "expires": "2029-05-31",
    "revision": 0}, ensure_ascii=False))
PY
    setup_token keys "$script.json" "$script.txt"
    expect_exit 0 cs document --out "$script.pdf" "$script.txt"
    expect_stderr_line "wrote $script\\.pdf"
    check "$script: qpdf --check passes" pdf_ok "$script.pdf"
    check "$script: the attachment is the token, byte for byte" attachment_is "$script.pdf" "$script.txt"
    check "$script: the organisation's name extracts" text_has "$script.pdf" "$name"
    check "$script: the scope extracts" text_has "$script.pdf" "$scope"
    check "$script: the token's text extracts" text_has "$script.pdf" "$(cat "$script.txt")" -layout
    check "$script: every font is an embedded Noto font" only_noto "$script.pdf"
    check "$script: the rendered page scans (zbarimg, certseal scan)" scans "$script.pdf" "$script.txt"
    check "$script: A4" [ "$(page_size "$script.pdf")" = A4 ]
done <"$SCRIPTS"
check "nine scripts were tried" [ "$n" -eq 9 ]
check "the QR modules are at least 0.33 mm" module_ok latin.pdf

# The right-to-left and complex scripts get their own fonts.
check "Arabic is set in Noto Sans Arabic" sh -c "pdffonts arabic.pdf | grep -q NotoSansArabic"
check "Hebrew is set in Noto Sans Hebrew" sh -c "pdffonts hebrew.pdf | grep -q NotoSansHebrew"
check "Devanagari is set in Noto Sans Devanagari" sh -c "pdffonts devanagari.pdf | grep -q NotoSansDevanagari"
check "Thai is set in Noto Sans Thai" sh -c "pdffonts thai.pdf | grep -q NotoSansThai"
check "Chinese is set in Noto Sans CJK SC" sh -c "pdffonts chinese.pdf | grep -q NotoSansCJKsc"
check "Japanese is set in Noto Sans CJK JP" sh -c "pdffonts japanese.pdf | grep -q NotoSansCJKjp"

# ---- paper, template, standard output, the same bytes ----------------------------------
expect_exit 0 cs document --paper letter --out letter.pdf latin.txt
check "--paper letter: Letter" [ "$(page_size letter.pdf)" = letter ]
expect_exit 0 cs document --template "$TEMPLATE" --out branded.pdf latin.txt
check "the example template: A4 (its paper)" [ "$(page_size branded.pdf)" = A4 ]
check "the example template: its title" text_has branded.pdf "Certificate of Registration"
check "the example template: its signatory" text_has branded.pdf "Jane Example"
check "the example template: one page" sh -c "pdfinfo branded.pdf | grep -q '^Pages: *1$'"
check "the example template: scans" scans branded.pdf latin.txt
check "the example template: the attachment" attachment_is branded.pdf latin.txt
expect_exit 0 cs document --template "$TEMPLATE" --paper letter --out branded-letter.pdf latin.txt
check "--paper overrides the template's" [ "$(page_size branded-letter.pdf)" = letter ]
check "letter: one page" sh -c "pdfinfo branded-letter.pdf | grep -q '^Pages: *1$'"
expect_exit 0 cs document --out - latin.txt
cp "$CAP/stdout" stdout.pdf
check "--out -: a PDF on standard output" pdf_ok stdout.pdf
check "the same token gives the same bytes" cmp -s stdout.pdf latin.pdf
expect_exit 0 cs document --out piped.pdf - <latin.txt
check "the token from standard input" cmp -s piped.pdf latin.pdf

# One screenshot per template (and paper), kept under build/.
mkdir -p "$SHOTS"
for shot in latin:default-a4 letter:default-letter branded:example-a4 branded-letter:example-letter \
    arabic:default-a4-arabic chinese:default-a4-chinese; do
    check "screenshot ${shot#*:}" pdftoppm -r 100 -png -singlefile "${shot%%:*}.pdf" \
        "$SHOTS/${shot#*:}"
done

# ---- from the registry, and a batch ---------------------------------------------------
expect_exit 0 cs init --registry cb.db --key keys/cb.key --accreditation keys/ac.cose \
    --status-uri https://cb.example/s --link-base https://verify.example.org/v
expect_exit 0 cs issue --registry cb.db --out registered.txt "$TYPICAL"
NUMBER=$(json_field "$TYPICAL" certificate_number)
expect_exit 0 cs document --registry cb.db --out registered.pdf "$NUMBER"
check "--registry: the attachment is the recorded token" attachment_is registered.pdf registered.txt
check "--registry: scans" scans registered.pdf registered.txt
check "--registry: the number extracts" text_has registered.pdf "$NUMBER"
expect_exit 1 cs document --registry cb.db --out unknown.pdf NO-SUCH-NUMBER
expect_stderr_line 'NO-SUCH-NUMBER: .*not found'
expect_no_file unknown.pdf

cp "$FIXTURES/batch.csv" batch.csv
expect_exit 0 cs issue --registry cb.db --batch batch.csv --out tokens.jsonl
mkdir pdfs
expect_exit 0 cs document --batch tokens.jsonl --out-dir pdfs
expect_stderr_line 'wrote 3 documents into pdfs'
check "--batch: one PDF per line" [ "$(find pdfs -name '*.pdf' | wc -l)" -eq 3 ]
python3 -c '
import json, sys
for line in open("tokens.jsonl"):
    j = json.loads(line)
    open("batch-%s.txt" % j["number"], "w").write(j["token"] + "\n")'
for f in batch-*.txt; do
    number=${f#batch-}
    number=${number%.txt}
    check "--batch: $number.pdf carries its token" attachment_is "pdfs/$number.pdf" "$f"
    check "--batch: $number.pdf passes qpdf --check" pdf_ok "pdfs/$number.pdf"
done
mkdir again
touch "again/$number.pdf"
expect_exit 1 cs document --batch tokens.jsonl --out-dir again
expect_stderr_line "already exists; nothing was written"
check "a file in the way: nothing else written" [ "$(find again -type f | wc -l)" -eq 1 ]
expect_exit 0 cs document --batch tokens.jsonl --out-dir again --force
check "--force: every PDF written" [ "$(find again -name '*.pdf' -size +1k | wc -l)" -eq 3 ]
mkdir folder folder-pdfs
cp batch-*.txt folder/
expect_exit 0 cs document --batch folder --out-dir folder-pdfs
check "--batch DIR: one PDF per token file" [ "$(find folder-pdfs -name '*.pdf' | wc -l)" -eq 3 ]
expect_no_stray pdfs
expect_no_stray again

# ---- refusals: one line, nothing written ---------------------------------------------------
# A token whose bytes were changed after signing (a valid encoding whose
# signature no longer verifies), and text that is not a token at all.
python3 - latin.txt >forged.txt <<'PY'
import sys, zlib
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
def b45decode(s):
    out = bytearray()
    for i in range(0, len(s), 3):
        chunk = [ALPHABET.index(c) for c in s[i:i + 3]]
        n = sum(v * 45 ** k for k, v in enumerate(chunk))
        out += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
    return bytes(out)
def b45encode(b):
    out = []
    for i in range(0, len(b), 2):
        chunk = b[i:i + 2]
        n = int.from_bytes(chunk, "big")
        for _ in range(3 if len(chunk) == 2 else 2):
            out.append(ALPHABET[n % 45])
            n //= 45
    return "".join(out)
token = open(sys.argv[1]).read().strip()
cose = bytearray(zlib.decompress(b45decode(token[4:])))
at = cose.find("ISO 9001:2015".encode())
cose[at + 4] = ord("8")  # ISO 8001:2015
print("CS1:" + b45encode(zlib.compress(bytes(cose), 9)))
PY
expect_exit 12 cs document --out forged.pdf forged.txt
expect_stderr_line "forged\\.txt: cannot make a document from this token: the token's signature does not verify"
expect_no_file forged.pdf
printf 'CS1:NOT A TOKEN\n' >damaged.txt
expect_exit 10 cs document --out damaged.pdf damaged.txt
expect_stderr_line 'damaged\.txt: cannot make a document from this token'
expect_no_file damaged.pdf

bad_template() {
    printf '%s\n' "$2" >bad-template.json
    expect_exit 1 cs document --template bad-template.json --out bad.pdf latin.txt
    expect_stderr_line "bad-template\\.json: not a usable template: $3"
    expect_no_file bad.pdf
}
bad_template "not JSON" '{"paper": ' 'line 2'
bad_template "unknown member" '{"papr": "a4"}' 'unknown member "papr"'
bad_template "bad colour" '{"colours": {"accent": "blue"}}' '"colours.accent" is not a colour'
bad_template "bad paper" '{"paper": "a3"}' '"paper" is not "a4" or "letter"'
bad_template "unknown wording" '{"wording": {"titel": "x"}}' '"wording" has an unknown member "titel"'
bad_template "missing logo" '{"logo": "missing.png"}' '"logo": missing.png: cannot open file'
printf 'not a png' >notpng.png
bad_template "not a PNG" '{"signature": "notpng.png"}' '"signature": notpng.png is not a PNG image'
bad_template "control character" '{"wording": {"title": "a\u001bb"}}' '"wording.title": '

expect_exit 1 cs document --out exists.pdf latin.txt --template "$TEMPLATE" --out latin.pdf
expect_stderr_line 'latin\.pdf: already exists'
expect_exit 2 cs document --batch tokens.jsonl
expect_stderr_line -- '--batch needs --out-dir'
expect_exit 2 cs document latin.txt
expect_stderr_line 'give --out FILE\.pdf'
expect_exit 2 cs document --paper a3 --out x.pdf latin.txt
expect_stderr_line "--paper: 'a3' is not a4 or letter"
expect_no_stray .

finish
