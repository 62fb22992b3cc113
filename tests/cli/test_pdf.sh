#!/bin/sh
# SPDX-License-Identifier: ISC
# Certificates as PDF files (DESIGN §4): scan and verify --qr find the token
# attached to the PDF, then the QR codes of its images (every kind of image
# a PDF writer makes), then codes drawn as vector paths (pages drawn by
# pdftoppm); each result names its page.  Encrypted, damaged, empty and
# hostile PDFs (huge page counts, huge images) get one clear line and the
# documented exit status, quickly, and nothing crashes.  The PDFs are made
# here: tests/cli/make_pdf.py writes them object by object, rsvg-convert
# turns `certseal qr`'s SVG into a vector PDF, qpdf merges, encrypts and
# attaches as users' tools do.
. "$(dirname "$0")/lib.sh"

AT=2027-01-01
IM=convert-im6.q16
MAKE_PDF="python3 $ROOT/tests/cli/make_pdf.py"
for tool in $IM qpdf pdftoppm rsvg-convert; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "$SCRIPT: $tool is needed (make deps-test installs it)" >&2
        exit 1
    fi
done
# The pages pdftoppm draws go through a private temporary folder, removed
# afterwards: it must stay empty.
export TMPDIR="$TMP/tmp"
mkdir "$TMPDIR"
tmp_is_clean() { [ -z "$(ls -A "$TMPDIR")" ]; }

same() { cmp -s "$1" "$2"; }
# strip_place FILE: scan's text lines without their "page N (how): ".
strip_place() { sed 's/^[a-z]* [0-9]* *([a-z ]*): //; s/^document ([a-z]*): //' "$1"; }

setup_chain ed25519 ed25519 ed25519
TOKEN=typical.txt
OTHER=multisite.txt
setup_token ed25519 "$TYPICAL" $TOKEN
setup_token ed25519 "$MULTISITE" $OTHER
cs qr --out typical.png $TOKEN 2>/dev/null || setup_failed "qr typical.png"
cs qr --out typical.svg $TOKEN 2>/dev/null || setup_failed "qr typical.svg"
cs qr --out multisite.png $OTHER 2>/dev/null || setup_failed "qr multisite.png"
TRUST="--trust ed25519/ab.key.pub --at $AT"

# Pixels for the PDF's images: 8-bit grey, width x height bytes.
size_of() { $IM identify -format '%w' "$1" 2>/dev/null || identify -format '%w' "$1"; }
W1=$(identify -format '%w' typical.png) W2=$(identify -format '%w' multisite.png)
$IM typical.png -depth 8 gray:typical.raw || setup_failed "$IM typical.raw"
$IM multisite.png -depth 8 gray:multisite.raw || setup_failed "$IM multisite.raw"
MODULES=$((W1 / 8))
$IM typical.png -sample ${MODULES}x$MODULES -depth 8 gray:modules.raw ||
    setup_failed "$IM modules.raw"
$IM typical.png -sample ${MODULES}x$MODULES -depth 8 gray:small.raw ||
    setup_failed "$IM small.raw"
$IM typical.png -colorspace gray -quality 75 typical.jpg || setup_failed "$IM typical.jpg"

# expect_token PDF HOW PAGE: scan finds exactly the typical token, on PAGE,
# found as HOW, and verify --qr says VALID.
expect_token() {
    expect_exit 0 cs scan "$1"
    expect_stdout_lines 1
    expect_stdout "^page $3 \\($2\\): CS1:"
    strip_place "$CAP/stdout" >"$CAP/token"
    check "$1: scan gives the issued token" same "$CAP/token" $TOKEN
    expect_exit 0 cs verify $TRUST --qr "$1"
    expect_stdout "^$1, page $3 \\($2\\):\$"
    expect_stdout '^VALID'
}

# ---- the attached token ---------------------------------------------------------

$MAKE_PDF attached.pdf --attach $TOKEN blank || setup_failed "make_pdf attached.pdf"
expect_token attached.pdf attachment 1
expect_exit 0 cs scan --json attached.pdf
check "scan --json attached.pdf: the code's page and how it was found" json_true "$CAP/stdout" \
    "j['image'] == 'attached.pdf' and j['tokens'] == [open('$TOKEN').read().strip()] and
     j['codes'] == [{'page': 1, 'found_in': 'attachment', 'token': j['tokens'][0]}]"

# A file attachment annotation on the page, and qpdf's own --add-attachment.
$MAKE_PDF annotated.pdf blank attach:$TOKEN || setup_failed "make_pdf annotated.pdf"
expect_exit 0 cs scan annotated.pdf
expect_stdout '^page 2 \(attachment\): CS1:'
$MAKE_PDF blank.pdf blank || setup_failed "make_pdf blank.pdf"
qpdf --add-attachment $TOKEN --key=certseal-token.txt -- blank.pdf qpdf-attached.pdf ||
    setup_failed "qpdf --add-attachment"
expect_token qpdf-attached.pdf attachment 1

# An attachment is preferred: a PDF with an attachment and an image gives
# the attached token alone.
$MAKE_PDF both.pdf --attach $TOKEN gray:$W2:$W2:multisite.raw || setup_failed "make_pdf both.pdf"
expect_token both.pdf attachment 1

# Attached files that are not tokens are passed over.
echo "not a token" >notes.txt
$MAKE_PDF notes.pdf --attach notes.txt blank || setup_failed "make_pdf notes.pdf"
expect_exit 3 cs scan notes.pdf
expect_stderr_line 'notes\.pdf: no certseal code in the PDF: .*\(ask the sender'
expect_stdout_empty

# ---- images ---------------------------------------------------------------------------

# What PDF writers make of a PNG (FlateDecode grey, 1-bit, an image mask,
# RGB with PNG predictors, an indexed palette), a JPEG, an image inside a
# form XObject, and a code drawn one pixel a module without a quiet zone
# margin (enlarged before it is scanned).
for kind in gray mono mask rgb indexed; do
    $MAKE_PDF $kind.pdf $kind:$W1:$W1:typical.raw || setup_failed "make_pdf $kind.pdf"
    expect_token $kind.pdf "embedded image" 1
done
$MAKE_PDF jpeg.pdf jpeg:$W1:$W1:typical.jpg || setup_failed "make_pdf jpeg.pdf"
expect_token jpeg.pdf "embedded image" 1
$MAKE_PDF form.pdf form:gray:$W1:$W1:typical.raw || setup_failed "make_pdf form.pdf"
expect_token form.pdf "embedded image" 1
$MAKE_PDF tiny.pdf gray:$MODULES:$MODULES:small.raw || setup_failed "make_pdf tiny.pdf"
expect_token tiny.pdf "embedded image" 1

# Two certificates on two pages: each named by its page, in page order.
$MAKE_PDF two.pdf blank gray:$W1:$W1:typical.raw gray:$W2:$W2:multisite.raw ||
    setup_failed "make_pdf two.pdf"
expect_exit 0 cs scan two.pdf
expect_stdout_lines 2
check "two.pdf: page 2 then page 3" [ "$(cut -d: -f1 "$CAP/stdout" | tr '\n' '|')" = \
    "page 2 (embedded image)|page 3 (embedded image)|" ]
strip_place "$CAP/stdout" >"$CAP/tokens"
cat $TOKEN $OTHER >two.txt
check "two.pdf: both tokens" same "$CAP/tokens" two.txt
expect_exit 0 cs verify $TRUST --json --qr two.pdf
expect_stdout_lines 2
check "verify --json --qr two.pdf: VALID on page 2, VALID on page 3" json_true "$CAP/stdout" \
    "[(j['input']['page'], j['input']['found_in'], j['verdict']) for j in js] ==
     [(2, 'embedded image', 'VALID'), (3, 'embedded image', 'VALID')]"
expect_exit 0 cs verify $TRUST --qr two.pdf
check "verify --qr two.pdf names both pages" \
    [ "$(grep -c 'two\.pdf, page [23] (embedded image)' "$CAP/stdout")" -eq 2 ]
# qpdf merging two one-page certificates keeps their pages' images.
qpdf --empty --pages gray.pdf jpeg.pdf -- merged.pdf || setup_failed "qpdf --pages"
expect_exit 0 cs scan merged.pdf
check "merged.pdf: one code on each page" \
    [ "$(cut -d: -f1 "$CAP/stdout" | tr '\n' '|')" = \
    "page 1 (embedded image)|page 2 (embedded image)|" ]

# ---- vector codes: the page is drawn --------------------------------------------------

rsvg-convert -f pdf -o vector.pdf typical.svg || setup_failed "rsvg-convert vector.pdf"
expect_token vector.pdf "rendered page" 1
check "the temporary folder is removed" tmp_is_clean
# 35 mm wide on an A4 certificate: 0.36 mm modules, read at the finer pass.
$MAKE_PDF a4.pdf "vector:$MODULES:modules.raw:35" || setup_failed "make_pdf a4.pdf"
expect_token a4.pdf "rendered page" 1
check "the temporary folder is removed" tmp_is_clean
# Without pdftoppm the vector code cannot be read: said so, exit 1.
expect_exit 1 env PATH=/nonexistent "$CERTSEAL" scan a4.pdf
expect_stderr_line 'a4\.pdf: no code in the PDF.s attachments or images, and its pages could not be drawn: cannot run pdftoppm: .*\(install poppler-utils\)'
# Nothing anywhere: exit 3.
expect_exit 3 cs scan blank.pdf
expect_stderr_line 'blank\.pdf: no certseal code in the PDF'
expect_exit 3 cs verify $TRUST --qr blank.pdf
check "the temporary folder is removed" tmp_is_clean

# Standard input.
expect_exit 0 cs scan - <gray.pdf
expect_stdout '^page 1 \(embedded image\): CS1:'

# ---- encrypted and damaged ------------------------------------------------------------

qpdf --encrypt user owner 256 -- gray.pdf locked.pdf || setup_failed "qpdf --encrypt"
expect_exit 1 cs scan locked.pdf
expect_stderr_line 'locked\.pdf: the PDF is encrypted and needs a password \(ask the sender'
expect_stdout_empty
expect_exit 1 cs verify $TRUST --qr locked.pdf
expect_stderr_line 'locked\.pdf: the PDF is encrypted'
# Only an owner password (no password to open): read as viewers read it.
qpdf --encrypt "" owner 256 -- gray.pdf restricted.pdf || setup_failed "qpdf --encrypt ''"
expect_token restricted.pdf "embedded image" 1

size=$(wc -c <gray.pdf)
head -c $((size / 3)) gray.pdf >truncated.pdf
expect_exit 1 cs scan truncated.pdf
expect_stderr_line 'truncated\.pdf: the PDF is damaged or not a PDF: .*\(ask the sender for the file again\)'
expect_stdout_empty
head -c 200 gray.pdf >stub.pdf
expect_exit 1 cs scan stub.pdf
expect_stderr_line 'stub\.pdf: the PDF is damaged or not a PDF: '
# The cross-reference table's offset wrong: repaired on reading, with a note.
python3 -c 'import re, sys
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(re.sub(rb"startxref\n[0-9]+", b"startxref\n12", data))' \
    gray.pdf no-xref.pdf || setup_failed "no-xref.pdf"
expect_exit 0 cs scan no-xref.pdf
expect_stdout '^page 1 \(embedded image\): CS1:'
strip_place "$CAP/stdout" >"$CAP/token"
check "no-xref.pdf: the token is read" same "$CAP/token" $TOKEN
expect_stderr_line 'no-xref\.pdf: note: the PDF is damaged; its codes were read from what'
printf '%%PDF-1.7\n%s\n' "not a PDF at all" >fake.pdf
expect_exit 1 cs scan fake.pdf
expect_stderr_line 'fake\.pdf: the PDF is damaged or not a PDF: '

# ---- hostile PDFs: refused quickly, in little memory -----------------------------------

# quick CMD...: CMD finishes within 10 seconds.
quick() {
    qk_start=$(date +%s)
    "$@"
    qk_rc=$?
    [ $(($(date +%s) - qk_start)) -le 10 ] || { echo "    took more than 10 s" >&2; return 1; }
    return $qk_rc
}
$MAKE_PDF count.pdf --count 2000000000 blank || setup_failed "make_pdf count.pdf"
expect_exit 1 quick cs scan count.pdf
expect_stderr_line 'count\.pdf: the PDF passes a reading limit: it declares 2000000000 pages \(the limit is 1000\)'
# shellcheck disable=SC2046 # one word a page
$MAKE_PDF pages.pdf $(seq 1 1200 | sed 's/.*/blank/') || setup_failed "make_pdf pages.pdf"
expect_exit 1 quick cs scan pages.pdf
expect_stderr_line 'pages\.pdf: the PDF passes a reading limit: it declares 1200 pages'
# 100,000 references to one page under a /Count of 1.
$MAKE_PDF kids.pdf --count 1 --pages 100000 blank || setup_failed "make_pdf kids.pdf"
expect_exit 1 quick cs scan kids.pdf
expect_stderr_line 'kids\.pdf: the PDF passes a reading limit: its page tree has more than 20000 nodes'
# An image that claims 100,000 x 100,000 pixels (40 GB of grey).
$MAKE_PDF huge.pdf bomb:100000:100000 || setup_failed "make_pdf huge.pdf"
expect_exit 1 quick cs scan huge.pdf
expect_stderr_line 'huge\.pdf: the PDF passes a reading limit: an image is larger than '
# The same next to a real code: the code is read, the bomb passed over.
$MAKE_PDF huge2.pdf bomb:100000:100000 gray:$W1:$W1:typical.raw || setup_failed "make_pdf huge2.pdf"
expect_exit 0 quick cs scan huge2.pdf
expect_stdout '^page 2 \(embedded image\): CS1:'
check "the temporary folder is removed" tmp_is_clean

finish
