#!/bin/sh
# SPDX-License-Identifier: ISC
# certseal qr: every token (both fixtures, both algorithms, both forms) at
# every error correction level, written as PNG and read back by an
# independent decoder (zbarimg, zbar-tools) to the identical string; SVG
# well-formed and, rendered by ImageMagick, read back too; the terminal
# drawing; re-encoding between the forms; inspect --ecc agreeing with qr;
# and the refusals (bad names, too long, existing file, bad tokens), which
# leave no file behind.
. "$(dirname "$0")/lib.sh"
# --text warns when the terminal is narrower than the code; the checks below
# set the width they mean.
unset COLUMNS

AT=2027-01-01
LINK_BASE=https://verify.example.org/v
LINK_PREFIX=HTTPS://VERIFY.EXAMPLE.ORG/V/

for tool in zbarimg xmllint convert-im6.q16; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "$SCRIPT: $tool is needed (make deps-test installs it)" >&2
        exit 1
    fi
done

# decode IMAGE: the text of the one QR code in IMAGE, on stdout.  Only the
# QR reader is on: zbar's linear-barcode readers now and then find a false
# EAN or DataBar symbol in a QR code's modules.
decode() { zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" 2>/dev/null; }

# same_as_decoded IMAGE TOKEN_FILE: the code in IMAGE holds TOKEN_FILE's line.
same_as_decoded() {
    decode "$1" >"$CAP/decoded" && [ "$(cat "$CAP/decoded")" = "$(cat "$2")" ]
}

# png_is WIDTH FILE: FILE is a WIDTHxWIDTH 1-bit greyscale PNG with a pHYs chunk.
png_is() {
    python3 - "$@" <<'EOF'
import struct, sys
data = open(sys.argv[2], "rb").read()
ok = data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
w, h, depth, colour = struct.unpack(">IIBB", data[16:26])
sys.exit(0 if ok and w == h == int(sys.argv[1]) and depth == 1 and colour == 0 and b"pHYs" in data else 1)
EOF
}

# svg_scans SVG TOKEN_FILE: ImageMagick's drawing of SVG scans to the token.
svg_scans() {
    convert-im6.q16 "$1" "$1.png" 2>/dev/null && same_as_decoded "$1.png" "$2"
}

# info_field N: field N of the info line "...: QR version V-E, M modules"
# (1 version, 2 level, 3 modules, 4 characters).
info_field() {
    sed -n 's/.*, \([0-9]*\) characters, QR version \([0-9]*\)-\([LMQH]\), \([0-9]*\) modules$/\2 \3 \4 \1/p' \
        "$CAP/stderr" | cut -d' ' -f"$1"
}

# ---- every token, every level: PNG read back by zbarimg ----------------------------

for alg in ed25519 es256; do
    setup_chain $alg $alg $alg
    for record in "$TYPICAL" "$MULTISITE"; do
        name=$(basename "$record" .json)
        setup_token $alg "$record" $alg/$name-offline.txt
        setup_token $alg "$record" $alg/$name-link.txt --form link --link-base $LINK_BASE
        for form in offline link; do
            token=$alg/$name-$form.txt
            for ecc in L M Q H; do
                png=$alg/$name-$form-$ecc.png
                expect_exit 0 cs qr --ecc $ecc --out $png $token
                expect_stderr_line "wrote $png: $form form, [0-9]+ characters, QR version [0-9]+-$ecc, [0-9]+ modules$"
                expect_stdout_empty
                version=$(info_field 1)
                check "$alg $name $form $ecc: modules = 17 + 4 * version" \
                    [ "$(info_field 3)" = $((17 + 4 * version)) ]
                check "$alg $name $form $ecc: characters counted" \
                    [ "$(info_field 4)" = "$(tr -d '\n' <$token | wc -c)" ]
                check "$alg $name $form $ecc: 1-bit greyscale PNG, 8 pixels a module" \
                    png_is $(((17 + 4 * version + 8) * 8)) $png
                check "$alg $name $form $ecc: zbarimg reads back the identical token" \
                    same_as_decoded $png $token
                # inspect --ecc reports the same version for this level.
                expect_exit 0 cs inspect --json --ecc $ecc $token
                check "$alg $name $form $ecc: inspect --ecc agrees with qr" \
                    json_true "$CAP/stdout" "j['qr'] == {'error_correction': '$ecc', \
                        'version': $version, 'modules': $((17 + 4 * version))}"
                if [ $ecc = M ] && [ $name = record-typical ] && [ $form = offline ]; then
                    check "$alg typical offline token fits QR version 21-M (got $version)" \
                        [ "$version" -le 21 ]
                fi
            done
            # SVG: well-formed, and a renderer's picture of it scans.
            svg=$alg/$name-$form.svg
            expect_exit 0 cs qr --out $svg $token
            expect_stderr_line "wrote $svg: $form form, .*QR version [0-9]+-M"
            check "$alg $name $form: SVG is well-formed XML" xmllint --noout $svg
            check "$alg $name $form: SVG rendered by ImageMagick scans to the token" \
                svg_scans $svg $token
        done
        # The link form is the offline form's payload under the link base.
        check "$alg $name: link token under the link base" \
            grep -q "^$LINK_PREFIX[A-Z2-7]*\$" $alg/$name-link.txt
    done
done
expect_no_stray ed25519
expect_no_stray es256

# ---- options: scale, margin, upper-case .PNG, stdin, literal token -----------------

tok=ed25519/record-typical-offline.txt
expect_exit 0 cs qr --scale 3 --margin 2 --out small.PNG $tok
# The typical token sits near the line between versions 19 and 20 (its
# random keys and signatures compress a few bytes either way).
modules=$(info_field 3)
check "scale 3, margin 2: image side ($modules + 4) * 3 pixels" \
    png_is $(((modules + 4) * 3)) small.PNG
check "scale 3, margin 2: still scans" same_as_decoded small.PNG $tok
expect_exit 0 cs qr --out stdin.png - <$tok
check "token from stdin" same_as_decoded stdin.png $tok
expect_exit 0 cs qr --out literal.png "$(cat $tok)"
check "token given literally" same_as_decoded literal.png $tok

# ---- --form: re-encoding -------------------------------------------------------------

# Offline to link under --link-base; the result verifies.
expect_exit 0 cs qr --form link --link-base $LINK_BASE --out relink.png $tok
expect_stderr_line "wrote relink.png: link form, "
decode relink.png >relink.txt
check "offline re-encoded as link: the same link issue makes (Ed25519 is deterministic)" \
    cmp -s relink.txt ed25519/record-typical-link.txt
expect_exit 0 cs verify --trust ed25519/ab.key.pub --at $AT relink.txt
expect_stdout '^VALID'
# Link to offline; link to link keeps the token's own base.
expect_exit 0 cs qr --form offline --out reoffline.png ed25519/record-typical-link.txt
check "link re-encoded as offline: the issued offline token" same_as_decoded reoffline.png $tok
expect_exit 0 cs qr --form link --out keep.png ed25519/record-typical-link.txt
check "link stays link, same base" same_as_decoded keep.png ed25519/record-typical-link.txt
expect_exit 0 cs qr --link-base https://other.example.net/v/ --out other.png \
    ed25519/record-typical-link.txt
decode other.png >other.txt
check "link moved to another base" grep -q '^HTTPS://OTHER.EXAMPLE.NET/V/[A-Z2-7]*$' other.txt
expect_exit 0 cs verify --trust ed25519/ab.key.pub --at $AT other.txt
expect_stdout '^VALID'
# A lower-case link (as a mail program may make it) is upper-cased for the code.
tr 'A-Z' 'a-z' <ed25519/record-typical-link.txt >lower.txt
expect_exit 0 cs qr --out lower.png lower.txt
check "lower-case link drawn upper case" same_as_decoded lower.png ed25519/record-typical-link.txt
# COSE bytes: offline by default.
expect_exit 0 cs inspect --cose-out token.cose $tok
expect_exit 0 cs qr --out cose.png token.cose
expect_stderr_line "wrote cose.png: offline form, "
check "COSE bytes drawn in the offline form" same_as_decoded cose.png $tok

# ---- --text ------------------------------------------------------------------------

# text_shape FILE SIDE: FILE is (SIDE + 1) / 2 lines of SIDE characters, all
# spaces and half blocks, some of each kind.
text_shape() {
    python3 - "$1" "$2" <<'EOF'
import sys
side = int(sys.argv[2])
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
ok = lines[-1] == "" and len(lines) - 1 == (side + 1) // 2
ok = ok and all(len(l) == side and set(l) <= set(" \u2580\u2584\u2588") for l in lines[:-1])
text = "".join(lines)
ok = ok and all(c in text for c in " \u2580\u2584\u2588")
sys.exit(0 if ok else 1)
EOF
}
# The token's length varies with its issue time, and so may its QR version:
# every size below is derived from the version qr reports.
expect_exit 0 cs qr --text $tok
expect_stderr_line "drew the code: offline form, [0-9]+ characters, QR version [0-9]+-M, [0-9]+ modules"
modules=$(sed -n 's/.*QR version \([0-9]*\)-M, \([0-9]*\) modules$/\2/p' "$CAP/stderr")
version=$(sed -n 's/.*QR version \([0-9]*\)-M.*/\1/p' "$CAP/stderr")
check "QR version $version: $modules modules = 17 + 4 * version" \
    test "$modules" -eq $((17 + 4 * version))
side=$((modules + 8))
check "--text: $(((side + 1) / 2)) lines of $side half blocks ($modules modules + 2 * 4 quiet zone)" \
    text_shape "$CAP/stdout" $side
cp "$CAP/stdout" plain.txt
# narrower than the code: drawn all the same, with a warning naming --out
expect_exit 0 env COLUMNS=80 "$CERTSEAL" qr --text $tok
check "--text on 80 columns: the code is drawn" text_shape "$CAP/stdout" $side
expect_stdout_lines $(((side + 1) / 2))
check "--text on 80 columns: warns that $side columns do not fit and suggests --out" \
    grep -q "^certseal: qr: the code is $side columns wide and the terminal 80: .*--out FILE\\.png" \
    "$CAP/stderr"
expect_exit 0 env COLUMNS=$side "$CERTSEAL" qr --text $tok
expect_stderr_line "drew the code: offline form"
expect_exit 0 cs qr --text --margin 0 --ecc L $tok
low=$(sed -n 's/.*, \([0-9]*\) modules$/\1/p' "$CAP/stderr")
expect_exit 0 env COLUMNS=$low "$CERTSEAL" qr --text --margin 0 --ecc L $tok
check "--text: $low modules without quiet zone on $low columns: no warning" \
    sh -c "! grep -q 'columns wide' '$CAP/stderr'"
expect_exit 0 cs qr --text --invert --margin 1 - <$tok
check "--text --invert --margin 1: $(((modules + 3) / 2)) lines of $((modules + 2))" \
    text_shape "$CAP/stdout" $((modules + 2))
check "--invert draws the quiet zone as blocks" \
    sh -c "head -n 1 '$CAP/stdout' | grep -q '^█'"
check "without --invert the quiet zone is blank" \
    sh -c "! head -n 2 plain.txt | grep -q '[^ ]'"

# ---- refusals: nothing written -------------------------------------------------------

# refused CODE PATTERN FILE CMD...: exit CODE, one stderr line matching
# PATTERN, nothing on stdout, no FILE (or - for none), no temporary file.
refused() {
    rf_code=$1 rf_pattern=$2 rf_file=$3
    shift 3
    expect_exit "$rf_code" "$@"
    expect_stderr_line "$rf_pattern"
    expect_stdout_empty
    [ "$rf_file" = - ] || expect_no_file "$rf_file"
    expect_no_stray
}

refused 2 'x\.gif: .*\.png or \.svg' x.gif cs qr --out x.gif $tok
refused 2 'noext: .*\.png or \.svg' noext cs qr --out noext $tok
refused 2 'png or \.svg' png cs qr --out png $tok
refused 2 '\.png or \.svg' dir/ cs qr --out dir/.png $tok
refused 2 'either --out FILE or --text' x.png cs qr --text --out x.png $tok
refused 2 'give --out' - cs qr $tok
refused 2 '--invert is for --text' x.png cs qr --invert --out x.png $tok
refused 2 "--ecc: 'X' is not an error correction level" x.png cs qr --ecc X --out x.png $tok
refused 2 '--scale' x.png cs qr --scale 0 --out x.png $tok
refused 2 '--scale' x.png cs qr --scale 65 --out x.png $tok
refused 2 '--margin' x.png cs qr --margin 65 --out x.png $tok
refused 2 "--form: 'url' is not offline or link" x.png cs qr --form url --out x.png $tok
refused 2 '--link-base' x.png cs qr --link-base ftp://x --out x.png $tok
refused 2 '--form link needs --link-base' x.png cs qr --form link --out x.png $tok
refused 2 'one token' x.png cs qr --out x.png $tok $tok
refused 2 "unknown option '--colour'" x.png cs qr --colour --out x.png $tok
refused 2 "--ecc: 'Z' is not an error correction level" - cs inspect --ecc Z $tok

# Too long for any QR version: a record whose scope and site are long and
# hard to compress.
record_edit "$TYPICAL" '
import random
r = random.Random(7)
words = lambda n: " ".join("".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7)) for _ in range(n))
d["scope"] = words(240)
d["sites"] = [{"address": words(240), "scope": words(240)}]
' >huge.json
setup_token ed25519 huge.json huge.txt
for ecc in M L; do
    refused 1 "big\\.png: the token's [0-9]+ characters do not fit in any QR code.*(--ecc L|shorten)" \
        big.png cs qr --ecc $ecc --out big.png huge.txt
done
expect_stderr_line 'even at error correction L'
refused 1 'do not fit in any QR code' - cs qr --text huge.txt
expect_exit 0 cs inspect --json huge.txt
check "inspect says the huge token fits no QR version" \
    json_true "$CAP/stdout" "'error' in j['qr'] and j['qr']['error_correction'] == 'M'"

# An existing output file is kept without --force, replaced with it.
cp $alg/record-typical-offline-M.png keep-me.png
cp keep-me.png keep-me.before
refused 1 'keep-me\.png: already exists.*--force' - cs qr --out keep-me.png $tok
check "refused qr left the existing file as it was" cmp -s keep-me.png keep-me.before
expect_exit 0 cs qr --force --out keep-me.png $tok
check "--force replaced it with the new code" same_as_decoded keep-me.png $tok
expect_no_stray

# Bad tokens.
refused 1 'missing\.txt: cannot open' out.png cs qr --out out.png missing.txt
mkdir folder.txt
refused 1 'folder\.txt: cannot read' out.png cs qr --out out.png folder.txt
cp $tok locked.txt
if [ "$IS_ROOT" = 1 ]; then
    skip "unreadable token file: running as root, which reads any file"
else
    chmod 000 locked.txt
    refused 1 'locked\.txt: cannot open' out.png cs qr --out out.png locked.txt
fi
printf 'hello, world\n' >garbage.txt
refused 10 'garbage\.txt: does not decode' out.png cs qr --out out.png garbage.txt
refused 10 'token: does not decode' out.png cs qr --out out.png 'CS1:NOT BASE45!'
# Valid base45 of zlib data, but not a COSE_Sign1 inside.
python3 -c '
import zlib
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
def b45(b):
    out = []
    for i in range(0, len(b) - 1, 2):
        n = b[i] * 256 + b[i + 1]
        out += [A[n % 45], A[n // 45 % 45], A[n // 2025]]
    if len(b) % 2:
        out += [A[b[-1] % 45], A[b[-1] // 45]]
    return "".join(out)
print("CS1:" + b45(zlib.compress(b"not cose at all", 9)))
' >notcose.txt
refused 10 'notcose\.txt: does not decode' out.png cs qr --out out.png notcose.txt
refused 10 'standard input: does not decode' out.png cs qr --out out.png </dev/null

# ---- help --------------------------------------------------------------------------

expect_exit 0 cs qr --help
expect_stdout '^usage: certseal qr '
expect_stderr_empty
expect_no_stray

finish
