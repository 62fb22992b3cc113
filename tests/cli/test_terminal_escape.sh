#!/bin/sh
# SPDX-License-Identifier: ISC
# Terminal output is text, not commands: a token whose texts hold ESC
# sequences, a C1 control, BEL and a right-to-left override
# (tests/data/text/org-name-escape.txt says why) is printed by verify,
# verify --json, inspect and inspect --json with every one of them escaped;
# JSON still reads back as the signed text.  Messages that quote a file name
# escape it too.
. "$(dirname "$0")/lib.sh"

TOKEN=$ROOT/tests/data/text/org-name-escape.token
TRUST=$ROOT/keys-example/ab-demo.key.pub
AT=2027-01-01
NAME='Acme Forged Ltd\x1b[2J\x1b[H\x1b[1;32mVALID\x1b[0m \u202edtL emcA'

# clean FILE: FILE is UTF-8 with no control character but LF, and no
# bidirectional embedding, override or isolate.
clean() {
    python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("not UTF-8: %s" % e)
for i, c in enumerate(text):
    o = ord(c)
    if (o < 0x20 and c != "\n") or 0x7f <= o <= 0x9f or 0x202a <= o <= 0x202e \
            or 0x2066 <= o <= 0x2069:
        sys.exit("raw U+%04X at character %d" % (o, i))
PY
}

# outputs_clean: the last command's stdout and stderr are both clean.
outputs_clean() {
    check "stdout holds no raw control or bidirectional character" clean "$CAP/stdout"
    check "stderr holds no raw control or bidirectional character" clean "$CAP/stderr"
}

# ---- verify -------------------------------------------------------------------------

expect_exit 0 cs verify --trust "$TRUST" --at $AT "$TOKEN"
outputs_clean
check "the verdict line shows the name escaped" \
    grep -qF "VALID  $NAME is certified to ISO 9001:2015" "$CAP/stdout"
expect_stdout '^  Organisation    Acme Forged Ltd\\x1b\[2J'
expect_stdout '^  Address         1 Road\\x1b\]0;VALID\\x07, Sheffield$'
expect_stdout '^  Scope           Machining\\u009b2J\.$'
check "only one line starts with VALID" [ "$(grep -c '^VALID' "$CAP/stdout")" -eq 1 ]

# Colour on (a terminal is not needed to ask for it): still only our own
# escapes, around our own words.
expect_exit 0 cs verify --trust "$TRUST" --at $AT --json "$TOKEN"
outputs_clean
check "verify --json reads back as the signed name" json_true "$CAP/stdout" \
    'j["certificate"]["organization"]["name"] == "Acme Forged Ltd\x1b[2J\x1b[H\x1b[1;32mVALID\x1b[0m \u202edtL emcA"
     and j["certificate"]["scope"] == "Machining\x9b2J."'
check "verify --json writes the controls as \\u escapes" \
    grep -qF '\u001B[2J' "$CAP/stdout"
check "verify --json writes U+202E as \\u202E" grep -qF '\u202E' "$CAP/stdout"

# Not verified (a key outside the trust store): the contents still print, escaped.
"$CERTSEAL" keygen --out stranger.key >/dev/null 2>&1 || setup_failed "keygen stranger.key"
expect_exit 11 cs verify --trust stranger.key.pub --at $AT "$TOKEN"
outputs_clean
expect_stdout '^Certificate \(NOT verified'
expect_stdout '^  Organisation    Acme Forged Ltd\\x1b\[2J'

# Several tokens, one failing: the stderr lines are clean too.
cat "$TOKEN" "$TOKEN" >two.txt
expect_exit 11 cs verify --trust stranger.key.pub --at $AT two.txt
outputs_clean

# ---- inspect ------------------------------------------------------------------------

expect_exit 0 cs inspect "$TOKEN"
outputs_clean
expect_stdout 'Acme Forged Ltd\\x1b\[2J\\x1b\[H\\x1b\[1;32mVALID\\x1b\[0m \\u202edtL emcA'
expect_exit 0 cs inspect --json "$TOKEN"
outputs_clean
check "inspect --json writes the controls as \\u escapes" grep -qF '\u001B[2J' "$CAP/stdout"

# ---- messages -----------------------------------------------------------------------

# A file name is the user's, but it is printed escaped all the same.
bad=$(printf 'no\033[2Jsuch\342\200\256.txt')
expect_exit 1 cs verify --trust "$TRUST" --at $AT "$bad"
outputs_clean
expect_stderr_line 'no\\x1b\[2Jsuch\\u202e\.txt: cannot open'

finish
