#!/bin/sh
# SPDX-License-Identifier: ISC
# Reading printed certificates back: issue -> qr -> scan gives the same token,
# and verify --qr verifies it, for both fixtures, both algorithms, both forms
# and every error correction level; a photograph-like copy (small, rotated,
# blurred, noisy JPEG) still reads; broken, empty and oversized images are
# refused with a clear message and the documented exit status.
# Verification runs --at 2027-01-01 so nothing depends on today.
. "$(dirname "$0")/lib.sh"

AT=2027-01-01
IM=convert-im6.q16
if ! command -v $IM >/dev/null 2>&1; then
    echo "$SCRIPT: $IM (ImageMagick) is needed (apt-get install imagemagick)" >&2
    exit 1
fi

# same FILE1 FILE2: the two files hold the same text.
same() { cmp -s "$1" "$2"; }

# ---- round trip: every fixture, algorithm, form and level ----------------------------

for alg in ed25519 es256; do
    setup_chain $alg $alg $alg
    for record in "$TYPICAL" "$MULTISITE"; do
        name=$(basename "$record" .json)
        for form in offline link; do
            token=$alg/$name-$form.txt
            if [ $form = offline ]; then
                setup_token $alg "$record" "$token"
            else
                setup_token $alg "$record" "$token" --form link \
                    --link-base https://verify.example.org/v
            fi
            for ecc in L M Q H; do
                png=$alg/$name-$form-$ecc.png
                what="$alg $name $form $ecc"
                expect_exit 0 cs qr --ecc $ecc --out "$png" "$token" || continue
                expect_exit 0 cs scan "$png"
                expect_stdout_lines 1
                expect_stderr_empty
                check "scan gives the issued token ($what)" same "$CAP/stdout" "$token"
                expect_exit 0 cs verify --trust $alg/ab.key.pub --at $AT --qr "$png"
                expect_stdout '^VALID'
                expect_stdout "pass +decode +$form form"
            done
        done
    done
done

# The JSON result of verify --qr names the form it saw.
expect_exit 0 cs verify --trust es256/ab.key.pub --at $AT --json \
    --qr es256/record-typical-link-M.png
check "verify --json --qr: VALID, form link" \
    json_true "$CAP/stdout" 'j["verdict"] == "VALID" and j["form"] == "link"'

# ---- a photograph of the printed code ----------------------------------------------

# About 3 pixels per module (the PNG has 8), turned 10 degrees on white, a
# little blur and noise, saved as a mediocre JPEG.
TOKEN=ed25519/record-typical-offline.txt
$IM ed25519/record-typical-offline-M.png -resize 37.5% -background white -rotate 10 \
    -blur 0x0.6 -attenuate 0.4 +noise Gaussian -quality 60 photo.jpg ||
    setup_failed "$IM: photograph-like photo.jpg"
check "photo.jpg is a JPEG" sh -c 'od -An -tx1 -N3 photo.jpg | grep -q "ff d8 ff"'
expect_exit 0 cs scan photo.jpg
check "scan of the photograph gives the issued token" same "$CAP/stdout" "$TOKEN"
expect_exit 0 cs verify --trust ed25519/ab.key.pub --at $AT --qr photo.jpg
expect_stdout '^VALID'

# Standard input.
expect_exit 0 cs scan - <photo.jpg
check "scan - reads standard input" same "$CAP/stdout" "$TOKEN"

# ---- several codes, several images ----------------------------------------------

OTHER=es256/record-multisite-offline.txt
$IM ed25519/record-typical-offline-M.png es256/record-multisite-offline-Q.png +append two.png ||
    setup_failed "$IM: two.png"
expect_exit 0 cs scan two.png
expect_stdout_lines 2
cat "$TOKEN" "$OTHER" >two.txt
check "both codes reported, left one first" same "$CAP/stdout" two.txt
expect_exit 0 cs verify --trust ed25519/ab.key.pub --trust es256/ab.key.pub --at $AT --qr two.png
check "verify --qr two.png verifies both codes" [ "$(grep -c '^VALID' "$CAP/stdout")" -eq 2 ]

# Several --qr images: each verified, in order, one result each; the exit
# status is the worst verdict's (an untrusted key outranks VALID and an
# image without a code), whatever the order.
ES=es256/record-multisite-offline-Q.png
expect_exit 11 cs verify --trust ed25519/ab.key.pub --at $AT --qr photo.jpg --qr $ES
check "verify --qr A --qr B: VALID then UNTRUSTED" \
    [ "$(grep -E '^(VALID|UNTRUSTED) ' "$CAP/stdout" | cut -d' ' -f1 | tr '\n' ' ')" = \
    "VALID UNTRUSTED " ]
check "the untrusted code named on stderr" grep -q "es256/record-multisite-offline-Q\\.png: UNTRUSTED: " "$CAP/stderr"
expect_exit 11 cs verify --trust ed25519/ab.key.pub --at $AT --qr $ES --qr photo.jpg
check "verify --qr B --qr A: UNTRUSTED then VALID" \
    [ "$(grep -E '^(VALID|UNTRUSTED) ' "$CAP/stdout" | cut -d' ' -f1 | tr '\n' ' ')" = \
    "UNTRUSTED VALID " ]
expect_exit 0 cs verify --trust ed25519/ab.key.pub --trust es256/ab.key.pub --at $AT --json \
    --qr photo.jpg --qr two.png
expect_stdout_lines 3
check "verify --json, three codes in two images: three VALID objects" json_true "$CAP/stdout" \
    "len(js) == 3 and all(j['verdict'] == 'VALID' for j in js)"

expect_exit 0 cs scan --json two.png photo.jpg
expect_stdout_lines 2
check "scan --json: one object per image, with its tokens" json_true "$CAP/stdout" \
    "js[0]['image'] == 'two.png' and len(js[0]['tokens']) == 2 and
     js[0]['tokens'][0] == open('$TOKEN').read().strip() and
     js[1]['image'] == 'photo.jpg' and js[1]['tokens'] == [open('$TOKEN').read().strip()]"

# ---- images without a code -----------------------------------------------------------

$IM -size 200x200 xc:white white.png || setup_failed "$IM: white.png"
expect_exit 3 cs scan white.png
expect_stderr_line 'white\.png: no QR code found'
expect_stdout_empty
expect_exit 3 cs verify --trust ed25519/ab.key.pub --at $AT --qr white.png
expect_stderr_line 'white\.png: no QR code found'
expect_exit 11 cs verify --trust ed25519/ab.key.pub --at $AT --qr $ES --qr white.png
check "each image has its line on stderr" [ "$(grep -cE 'Q\.png: UNTRUSTED|white\.png: no QR' \
    "$CAP/stderr")" -eq 2 ]
expect_stdout '^UNTRUSTED '
expect_exit 3 cs verify --trust ed25519/ab.key.pub --at $AT --qr white.png --qr photo.jpg
expect_stdout '^VALID '

# The other images are still read; the token is printed, the status says 3.
expect_exit 3 cs scan photo.jpg white.png
expect_stdout_lines 1
expect_stderr_line 'white\.png: no QR code found'
expect_exit 0 cs scan --help
expect_stdout '^usage: certseal scan'

# ---- broken images -----------------------------------------------------------------

GOOD=ed25519/record-typical-offline-M.png
size=$(wc -c <$GOOD)
head -c $((size / 2)) $GOOD >truncated.png
head -c $(($(wc -c <photo.jpg) / 2)) photo.jpg >truncated.jpg
echo "this is a text file" >notes.png
# corrupt.png: bytes flipped in the middle (the chunk CRC no longer matches);
# corrupt.jpg: restart markers where the compressed data should be;
# huge.png: an IHDR claiming 100000x100000 pixels, with a correct CRC.
python3 - "$GOOD" photo.jpg <<'EOF' || setup_failed "python3: corrupt images"
import struct, sys, zlib
png = bytearray(open(sys.argv[1], "rb").read())
middle = len(png) // 2
for i in range(middle, middle + 16):
    png[i] ^= 0x5A
open("corrupt.png", "wb").write(png)
jpeg = bytearray(open(sys.argv[2], "rb").read())
middle = len(jpeg) // 2
jpeg[middle:middle + 16] = b"\xff\xd3" * 8
open("corrupt.jpg", "wb").write(jpeg)
huge = bytearray(open(sys.argv[1], "rb").read())
huge[16:24] = struct.pack(">II", 100000, 100000)
huge[29:33] = struct.pack(">I", zlib.crc32(bytes(huge[12:29])))
open("huge.png", "wb").write(huge)
EOF

for image in truncated.png truncated.jpg corrupt.png corrupt.jpg; do
    expect_exit 1 cs scan $image
    expect_stderr_line "$image: image is truncated or corrupt: (PNG|JPEG): .*\(scan or photograph"
    expect_stdout_empty
done
expect_exit 1 cs scan huge.png
expect_stderr_line 'huge\.png: image too large: .*100000x100000.*\(scale it down\)'
expect_exit 1 cs scan notes.png
expect_stderr_line 'notes\.png: not a PNG or JPEG image'
expect_exit 1 cs scan missing.png
expect_stderr_line 'missing\.png: cannot open: No such file or directory'
mkdir folder.png
expect_exit 1 cs scan folder.png
expect_stderr_line 'folder\.png: cannot read: not a regular file'
expect_exit 1 cs verify --trust ed25519/ab.key.pub --at $AT --qr truncated.jpg
expect_stderr_line 'truncated\.jpg: image is truncated or corrupt'
expect_exit 1 cs verify --trust ed25519/ab.key.pub --at $AT --qr huge.png
expect_stderr_line 'huge\.png: image too large'

# An unreadable image outranks one without a code; the good one still prints.
expect_exit 1 cs scan white.png $GOOD missing.png
expect_stdout_lines 1
check "the readable image's token is printed" same "$CAP/stdout" "$TOKEN"
expect_exit 1 cs scan --json notes.png white.png
check "scan --json reports the failures per image" json_true "$CAP/stdout" \
    "js[0]['tokens'] == [] and 'error' in js[0] and js[1]['error'] == 'no QR code found'"

# ---- usage ----------------------------------------------------------------------

expect_exit 2 cs scan
expect_stderr_line 'give one or more PNG or JPEG images'
expect_exit 2 cs scan --frobnicate $GOOD
expect_exit 2 cs verify --trust ed25519/ab.key.pub --qr $GOOD "$TOKEN"
expect_stderr_line 'give either --qr IMAGE \(or --qr-list\) or tokens, not both'
expect_exit 2 cs verify --trust ed25519/ab.key.pub --qr
expect_no_stray

finish
