#!/bin/sh
# SPDX-License-Identifier: ISC
# The photograph target: the typical token's QR code at 2.5 pixels a
# module, turned 10 degrees, blurred and noisy, saved as a JPEG of quality
# 60, still reads, for several draws of the noise (the keys, so the token,
# are new on every run).
# Verification runs --at 2027-01-01 so nothing depends on today.
. "$(dirname "$0")/lib.sh"

AT=2027-01-01
IM=convert-im6.q16
if ! command -v $IM >/dev/null 2>&1; then
    echo "$SCRIPT: $IM (ImageMagick) is needed (apt-get install imagemagick)" >&2
    exit 1
fi

setup_chain ed25519 ed25519 ed25519
setup_token ed25519 "$TYPICAL" token.txt
cs qr --out code.png token.txt 2>/dev/null || setup_failed "qr code.png"
check "certseal qr draws 8 pixels a module" [ "$(identify -format '%w' code.png)" -eq 840 ]

# photo PERCENT SEED OUT: code.png scaled to PERCENT (8 pixels a module at
# 100%), turned 10 degrees on white, blurred, with Gaussian noise drawn
# from SEED, as a JPEG of quality 60.
photo() {
    $IM code.png -resize "$1%" -background white -rotate 10 -blur 0x0.6 -seed "$2" \
        -attenuate 0.4 +noise Gaussian -quality 60 "$3" || setup_failed "$IM $3"
}

for seed in 1 2 3 4 5; do
    photo 31.25 $seed photo-2.5-$seed.jpg
    expect_exit 0 cs scan photo-2.5-$seed.jpg
    check "2.5 pixels a module, noise $seed: the issued token" cmp -s "$CAP/stdout" token.txt
done
expect_exit 0 cs verify --trust ed25519/ab.key.pub --at $AT --qr photo-2.5-1.jpg
expect_stdout '^VALID'

finish
