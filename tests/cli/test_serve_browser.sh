#!/bin/sh
# SPDX-License-Identifier: ISC
# The verification page in a real browser: headless Chromium opens the link
# form of a VALID and of a WITHDRAWN certificate (what a phone camera opens
# from the QR code) on a service this script starts on 127.0.0.1, and the
# rendered DOM must show the verdict and the organisation.  Screenshots at a
# phone's window size are kept as test artifacts in build/artifacts/
# (serve-valid.png, serve-withdrawn.png) and checked to be real images.
# Then the front page's upload form is filled and submitted in the browser
# (tests/cli/browser_upload.py: the file chosen, the button clicked) with a
# PDF holding two certificates: the answer shows both verdicts, each with
# its page (serve-upload.png).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/serve_fixtures.sh"

WIDTH=412
HEIGHT=915
ARTIFACTS=$ROOT/build/artifacts

CHROMIUM=
for c in chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then
        CHROMIUM=$c
        break
    fi
done
if [ -z "$CHROMIUM" ]; then
    fail "chromium is not installed: run make deps-test (Debian package chromium)"
    finish
fi

serve_make_pki
serve_start browser --trust "$SERVE_TRUST" --status lists --at "$AT" ||
    setup_failed "certseal serve did not start (exit $SERVE_RC): $(head -n 3 "$CAP/browser.log")"
PORT=$SERVE_PORT
mkdir -p "$ARTIFACTS" || setup_failed "mkdir $ARTIFACTS"

# browse OUT_PREFIX URL: the rendered DOM in OUT_PREFIX.html and a
# screenshot in OUT_PREFIX.png, each run in a fresh profile, bounded to 60 s.
browse() {
    for mode in dom shot; do
        br_profile=$(mktemp -d "$TMP/profile.XXXXXX")
        if [ $mode = dom ]; then
            br_what=--dump-dom
        else
            br_what=--screenshot="$1.png"
        fi
        LAST_CMD=" $CHROMIUM --headless ... $br_what $2"
        # chromium writes its own noise (D-Bus, GPU) on stderr
        timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
            --no-first-run --disable-background-networking --disable-component-update \
            --disable-sync --disable-extensions --hide-scrollbars \
            --user-data-dir="$br_profile" --window-size=$WIDTH,$HEIGHT \
            "$br_what" "$2" >"$CAP/stdout" 2>"$CAP/stderr"
        LAST_RC=$?
        if [ "$LAST_RC" != 0 ]; then
            fail "chromium $br_what $2: exit status $LAST_RC"
            return 1
        fi
        pass
        [ $mode = dom ] && cp "$CAP/stdout" "$1.html"
        # shellcheck disable=SC2034 # lib.sh's fail shows it
        LAST_CMD=
    done
    return 0
}

# png_ok FILE [MIN_COLOURED]: a PNG of WIDTH x HEIGHT with more than 8
# distinct colours and at least MIN_COLOURED per cent (default 0) of
# coloured pixels (not grey: the page's style applied).  Decoded with the
# standard library: zlib and the five PNG filters.
png_ok() {
    python3 - "$1" $WIDTH $HEIGHT "${2:-0}" <<'EOF'
import struct, sys, zlib
path, width, height, min_coloured = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("    %s: not a PNG" % path)
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", chunk)
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + n
w, h, depth, colour = ihdr[0], ihdr[1], ihdr[2], ihdr[3]
if (w, h) != (width, height):
    sys.exit("    %s: %dx%d, expected %dx%d" % (path, w, h, width, height))
channels = {2: 3, 6: 4}.get(colour)
if depth != 8 or channels is None:
    sys.exit("    %s: unexpected PNG type (depth %d, colour %d)" % (path, depth, colour))
raw, stride = zlib.decompress(idat), w * channels
prev, colours, coloured, seen = bytearray(stride), set(), 0, 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b, c = prev[i], prev[i - channels] if i >= channels else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 3 == 0:
        for i in range(0, stride, channels * 2):
            px = bytes(line[i:i + 3])
            colours.add(px)
            seen += 1
            coloured += max(px) - min(px) > 40
    prev = line
if len(colours) <= 8:
    sys.exit("    %s: only %d colours: a blank page?" % (path, len(colours)))
share = 100.0 * coloured / seen
if share < min_coloured:
    sys.exit("    %s: %.1f%% coloured pixels, expected %s%%: is the style applied?"
             % (path, share, min_coloured))
print("    %s: %dx%d, %d colours, %.1f%% coloured" % (path, w, h, len(colours), share))
EOF
}

# text_of FILE: the visible text of a dumped DOM, one line, spaces squeezed.
text_of() {
    python3 -c 'import html, re, sys
t = open(sys.argv[1], encoding="utf-8").read()
t = re.sub(r"(?is)<(style|script)\b.*?</\1>", " ", t)
t = html.unescape(re.sub(r"<[^>]+>", " ", t))
print(" ".join(t.split()))' "$1"
}

for name in valid withdrawn; do
    serve_client link "$name.txt" "http://127.0.0.1:$PORT/v" >"$name.url" ||
        setup_failed "link form of $name.txt"
    check "the $name link is the upper-case link form" \
        grep -q "^HTTP://127\\.0\\.0\\.1:$PORT/V/[A-Z2-7]*\$" "$name.url"
    browse "$name" "$(cat "$name.url")" || continue
    text_of "$name.html" >"$name.text"
    check "$name: the rendered page names the organisation" \
        grep -q 'Acme Precision Engineering Ltd' "$name.text"
    check "$name: the rendered page names the certificate number" grep -q "GB-$name" "$name.text"
    cp "$name.png" "$ARTIFACTS/serve-$name.png"
    check "$name: the screenshot is a ${WIDTH}x$HEIGHT PNG, not blank" png_ok "$ARTIFACTS/serve-$name.png"
done
check "valid: the rendered headline is Valid certificate" \
    grep -q -E '<h1[^>]*>[[:space:]]*Valid certificate[[:space:]]*</h1>' valid.html
check "valid: the page does not say withdrawn or not genuine" \
    sh -c '! grep -q -i -E "withdrawn|not genuine" valid.text'
check "withdrawn: the rendered headline is Withdrawn" \
    grep -q -E '<h1[^>]*>[[:space:]]*Withdrawn[[:space:]]*</h1>' withdrawn.html
check "withdrawn: the page does not say Valid certificate" \
    sh -c '! grep -q -i "valid certificate" withdrawn.text'
check "the two screenshots differ" sh -c \
    "! cmp -s '$ARTIFACTS/serve-valid.png' '$ARTIFACTS/serve-withdrawn.png'"
check "the page is styled: its inline style is allowed by the policy (a coloured banner)" \
    png_ok "$ARTIFACTS/serve-valid.png" 1

# A token that is not one: the page says so.
browse malformed "http://127.0.0.1:$PORT/V/NOTACERTIFICATECODE"
text_of malformed.html >malformed.text
check "malformed: the page says it is not a certificate code" \
    grep -q -i 'not a certificate code' malformed.text

# ---- the front page's upload form, submitted in the browser -----------------------------

quiet qr --out valid-qr.png valid.txt
quiet qr --out withdrawn-qr.png withdrawn.txt
W=$(python3 -c 'import struct,sys; print(struct.unpack(">I", open(sys.argv[1],"rb").read()[16:20])[0])' valid-qr.png)
for name in valid withdrawn; do
    convert-im6.q16 "$name-qr.png" -depth 8 "gray:$name.raw" || setup_failed "convert $name.raw"
done
python3 "$ROOT/tests/cli/make_pdf.py" two.pdf "gray:$W:$W:valid.raw" "gray:$W:$W:withdrawn.raw" ||
    setup_failed "make_pdf two.pdf"
LAST_CMD=" browser_upload.py $CHROMIUM http://127.0.0.1:$PORT/ two.pdf"
if python3 "$ROOT/tests/cli/browser_upload.py" "$CHROMIUM" "http://127.0.0.1:$PORT/" two.pdf \
    upload $WIDTH $HEIGHT >"$CAP/stdout" 2>"$CAP/stderr"; then
    pass
    text_of upload.html >upload.text
    check "upload: the answer names both codes" \
        grep -q '2 certificate codes found in two\.pdf' upload.text
    check "upload: code 1 on page 1 is VALID, code 2 on page 2 is withdrawn" sh -c \
        "grep -q 'Code 1 of 2: page 1 (embedded image) .*Valid certificate .*Code 2 of 2: page 2 (embedded image) .*Withdrawn' upload.text"
    cp upload.png "$ARTIFACTS/serve-upload.png"
    check "upload: the screenshot is a ${WIDTH}x$HEIGHT PNG, not blank, styled" \
        png_ok "$ARTIFACTS/serve-upload.png" 1
    check "upload: the service logged the browser's POST /" \
        grep -q '"POST /" 200 .*upload 2 codes' "$CAP/browser.log"
else
    fail "submitting the upload form in chromium failed"
fi

serve_stop browser TERM
check "the service stops with exit status 0 (got $SERVE_RC)" [ "$SERVE_RC" = 0 ]
check "the service logged the browser's requests" grep -q 'GET' "$CAP/browser.log"

finish
