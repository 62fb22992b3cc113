#!/bin/sh
# SPDX-License-Identifier: ISC
# The service's front page takes an upload (pkg/http_upload.c): a PNG of a
# QR code, a JPEG photograph, a PDF with an attached token, a PDF with two
# certificates, each posted with curl as a browser posts the front page's
# form (multipart/form-data) to a service this script starts on 127.0.0.1;
# the verdict page for every code, each naming where it was found, and the
# same verdict as the token's own link.  And what is refused: a file past
# the cap (413, announced or chunked), not an image or PDF (415), a damaged
# PDF, a PDF bomb, a body that is not multipart, a truncated one, no file,
# two files, more uploads at once than the cap (503); markup in the file's
# name and in the certificate escaped; the file's name never in the log.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/serve_fixtures.sh"

IM=convert-im6.q16
MAKE_PDF="python3 $ROOT/tests/cli/make_pdf.py"
for tool in $IM curl pdftoppm; do
    command -v $tool >/dev/null 2>&1 ||
        setup_failed "$tool is needed (make deps-test installs it)"
done
# pdftoppm's pages go through a private temporary folder: it must stay empty.
export TMPDIR="$TMP/tmp"
mkdir "$TMPDIR"

serve_make_pki
for name in valid withdrawn forged xss; do
    quiet qr --out "$name.png" "$name.txt"
done
serve_start upload --trust "$SERVE_TRUST" --status lists --at "$AT" ||
    setup_failed "certseal serve did not start (exit $SERVE_RC): $(head -n 3 "$CAP/upload.log")"
BASE=http://127.0.0.1:$SERVE_PORT

# upload NAME FILE [CURL ARGS...]: posts FILE as the form does; the answer
# in NAME.status, NAME.headers, NAME.html.
upload() {
    up_name=$1 up_file=$2
    shift 2
    curl -s -S --max-time 60 -o "$up_name.html" -D "$up_name.headers" -w '%{http_code}' \
        -F "file=@$up_file" "$@" "$BASE/" >"$up_name.status" 2>"$up_name.err" ||
        echo "curl failed: $(cat "$up_name.err")" >>"$up_name.status"
}

# expect_page NAME STATUS ERE...: the answer's status, and a line of the
# page matching each ERE.
expect_page() {
    ep_name=$1 ep_status=$2
    shift 2
    check "$ep_name: status $ep_status (got $(cat "$ep_name.status"))" \
        [ "$(cat "$ep_name.status")" = "$ep_status" ]
    for ep_want in "$@"; do
        check "$ep_name: the page shows /$ep_want/" grep -q -E "$ep_want" "$ep_name.html"
    done
    check "$ep_name: an HTML page" grep -q -i '^content-type: text/html; charset=utf-8' \
        "$ep_name.headers"
}

# h1_of NAME: the page's headline and its verdicts' headlines (a verdict's
# heading follows its mark), one a line.
h1_of() {
    awk '/^<h1>/ && !mark { print } /class="mark"/ { mark = 1; next }
         mark { sub(/^<h[12]>/, ""); sub(/<\/h[12]>$/, ""); print; mark = 0 }' "$1"
}

# ---- the front page ------------------------------------------------------------

curl -s -S -o front.html -D front.headers "$BASE/" || setup_failed "GET /"
check "GET /: a form that posts multipart/form-data to /" grep -q \
    '<form method="post" action="/" enctype="multipart/form-data">' front.html
check "GET /: a file input named file" grep -q '<input type="file" id="file" name="file"' front.html
check "GET /: no script" sh -c "! grep -q -i '<script' front.html"
check "GET /: its policy lets the form post to the service only" \
    grep -q -i "^content-security-policy: .*form-action 'self'" front.headers
curl -s -S -D link.headers -o link.html "$BASE$(sed 's|^[A-Za-z]*://[^/]*||' valid.link)" ||
    setup_failed "GET the link"
check "a verification page still posts nowhere" \
    grep -q -i "^content-security-policy: .*form-action 'none'" link.headers

# ---- images ------------------------------------------------------------------------

upload png valid.png
expect_page png 200 '<h1>Valid certificate</h1>' 'Found in valid\.png: the image' \
    'is certified to'
# a browser that sends the file's whole path: the page names the file only
curl -s -S -o winpath.html -D winpath.headers -w '%{http_code}' \
    -F 'file=@valid.png;filename=C:\Users\me\cert.png' "$BASE/" >winpath.status 2>&1
expect_page winpath 200 'Found in cert\.png: the image'
upload forged forged.png
expect_page forged 200 '<h1>Not genuine</h1>'
check "forged: nothing the forged code says is shown" sh -c "! grep -q 'Organisation' forged.html"

# a photograph: 2.5 pixels a module, turned 10 degrees, blurred, noisy, JPEG 60
$IM valid.png -resize 31.25% -background white -rotate 10 -blur 0x0.6 -seed 1 \
    -attenuate 0.4 +noise Gaussian -quality 60 photo.jpg || setup_failed "$IM photo.jpg"
upload photo photo.jpg
expect_page photo 200 '<h1>Valid certificate</h1>' 'Found in photo\.jpg: the image'

# ---- PDFs ----------------------------------------------------------------------------

$MAKE_PDF attached.pdf --attach withdrawn.txt blank || setup_failed "make_pdf attached.pdf"
upload attached attached.pdf
expect_page attached 200 '<h1>Withdrawn</h1>' 'Found in attached\.pdf: page 1 \(attachment\)'
# the same verdict as the token's link gives
sed 's|^[A-Za-z]*://[^/]*||' withdrawn.link >withdrawn.path
curl -s -S -o withdrawn-link.html "$BASE$(cat withdrawn.path)" || setup_failed "GET withdrawn"
check "attached.pdf: the verdict of the token's own link" \
    [ "$(h1_of attached.html)" = "$(h1_of withdrawn-link.html)" ]

W=$(identify -format '%w' valid.png)
$IM valid.png -depth 8 gray:valid.raw || setup_failed "$IM valid.raw"
$IM withdrawn.png -depth 8 gray:withdrawn.raw || setup_failed "$IM withdrawn.raw"
$MAKE_PDF two.pdf gray:$W:$W:valid.raw blank gray:$W:$W:withdrawn.raw ||
    setup_failed "make_pdf two.pdf"
upload two two.pdf
expect_page two 200 '<h1>2 certificate codes found in two\.pdf</h1>' \
    'Code 1 of 2: page 1 \(embedded image\)' 'Code 2 of 2: page 3 \(embedded image\)'
check "two.pdf: VALID then WITHDRAWN" \
    [ "$(h1_of two.html | tr '\n' '|')" = \
    "<h1>2 certificate codes found in two.pdf</h1>|Valid certificate|Withdrawn|" ]

printf '%%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage\n' >damaged.pdf
upload damaged damaged.pdf
expect_page damaged 422 'The PDF could not be read'
$MAKE_PDF bomb.pdf bomb:100000:100000 || setup_failed "make_pdf bomb.pdf"
upload bomb bomb.pdf
expect_page bomb 422 'The PDF is too large to read'
$MAKE_PDF blank.pdf blank || setup_failed "make_pdf blank.pdf"
upload blank blank.pdf
expect_page blank 422 'No certificate code found'
check "pdftoppm's temporary folder is left clean" [ -z "$(ls -A "$TMPDIR")" ]

# ---- refused -------------------------------------------------------------------------

printf 'just some text\n' >notes.txt
upload text notes.txt
expect_page text 415 'Not an image or a PDF'
head -c 2000 valid.png >cut.png
upload cut cut.png
expect_page cut 422 'The image could not be read'

# past the cap (64 MiB): refused from its Content-Length, and when chunked
# (no length) while it arrives
dd if=/dev/zero of=big.png bs=1048576 count=65 2>/dev/null || setup_failed "dd big.png"
upload big big.png
expect_page big 413 'File too large' 'larger than 64 MiB'
upload big-chunked big.png -H 'Transfer-Encoding: chunked'
expect_page big-chunked 413 'File too large'

curl -s -S -o urlenc.html -D urlenc.headers -w '%{http_code}' --data 'file=abc' "$BASE/" \
    >urlenc.status 2>&1
expect_page urlenc 415 'Not a file upload'
curl -s -S -o nofile.html -D nofile.headers -w '%{http_code}' -F 'note=hello' "$BASE/" \
    >nofile.status 2>&1
expect_page nofile 400 'No file received'
upload twofiles valid.png -F "file=@withdrawn.png"
expect_page twofiles 400 'one file at a time'
# a multipart body that stops before its closing boundary
printf -- '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n' \
    >truncated.body
head -c 500 valid.png >>truncated.body
curl -s -S -o truncated.html -D truncated.headers -w '%{http_code}' \
    -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @truncated.body \
    "$BASE/" >truncated.status 2>&1
expect_page truncated 400 'ends too soon'

# ---- escaping --------------------------------------------------------------------------

cp xss.png 'x<img src=x onerror=alert(1)>.png'
upload xss 'x<img src=x onerror=alert(1)>.png'
expect_page xss 200 'Found in x&lt;img src=x onerror=alert\(1\)&gt;\.png' \
    'Org &lt;script&gt;alert\(1\)&lt;/script&gt;'
check "xss: no markup from the file's name or the certificate" \
    sh -c "! grep -q -e '<img' -e '<script' xss.html"
check "the log never shows an uploaded file's name" sh -c "! grep -q -e 'valid\.png' -e 'two\.pdf' -e 'onerror' '$CAP/upload.log'"
check "the log has each upload's verdict" grep -q '"POST /" 200 .* upload VALID' "$CAP/upload.log"

# ---- bounded: more uploads at once than the cap ---------------------------------------

# Two uploads left half sent hold both slots; a third is answered 503, and
# once they are gone an upload goes through again.
python3 - "$SERVE_PORT" >held.out 2>&1 <<'PYEOF' &
import socket, sys, time
port = int(sys.argv[1])
held = []
for i in range(2):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Content-Type: multipart/form-data; boundary=held-upload\r\n"
              b"Content-Length: 100000\r\n\r\n--held-upload\r\n"
              b"Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n")
    held.append(s)
print("held", flush=True)
time.sleep(4)
for s in held:
    s.close()
PYEOF
HELD=$!
i=0
while [ $i -lt 50 ] && ! grep -q held held.out 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
sleep 0.5
upload busy valid.png
[ "$(cat busy.status)" = 503 ] || cat held.out
expect_page busy 503 'The service is busy'
wait $HELD
sleep 0.5
upload after valid.png
expect_page after 200 '<h1>Valid certificate</h1>'

serve_stop upload
check "the service stops cleanly (exit 0)" [ "$SERVE_RC" = 0 ]
finish
