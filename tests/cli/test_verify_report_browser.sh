#!/bin/sh
# SPDX-License-Identifier: ISC
# The HTML report of `certseal verify --report FILE.html` in a real browser:
# headless Chromium opens the file (nothing else: the page is
# self-contained), and its rendered DOM must show the summary table (each
# verdict with its count) and one row per certificate in input order, an
# organisation name carrying markup shown as text, never run; the page is
# printed to PDF (it is meant for an auditor's file).  A screenshot and the
# PDF are kept as test artifacts in build/artifacts/ (verify-report.png,
# verify-report.pdf) and checked to be real.
. "$(dirname "$0")/lib.sh"

WIDTH=1280
HEIGHT=900
ARTIFACTS=$ROOT/build/artifacts
AT=2027-01-01

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
mkdir -p "$ARTIFACTS" || setup_failed "mkdir $ARTIFACTS"

setup_chain pki ed25519 ed25519
record_edit "$TYPICAL" "d['organization']['name'] = 'Evil <script>document.title=\"PWNED\"</script> Ltd'" \
    >evil.json || setup_failed "evil.json"
record_edit "$TYPICAL" "d['certificate_number'] = 'GB-OLD-1'; d['issued'] = '2026-02-01'; \
d['expires'] = '2026-06-30'" >old.json || setup_failed "old.json"
setup_token pki "$TYPICAL" typical.txt
setup_token pki "$MULTISITE" multisite.txt
setup_token pki evil.json evil.txt
setup_token pki old.json old.txt
{
    cat typical.txt evil.txt old.txt
    echo "CS1:NOT-A-TOKEN"
    cat multisite.txt
} >suppliers.txt

expect_exit 10 cs verify --trust pki/ab.key.pub --at $AT --report report.html suppliers.txt
check "the report was written" test -s report.html

# browse MODE OUT: the rendered DOM (dom), a screenshot (shot) or a PDF
# (pdf) of report.html into OUT, in a fresh profile, bounded to 60 s.
browse() {
    br_profile=$(mktemp -d "$TMP/profile.XXXXXX")
    case $1 in
    dom) br_what=--dump-dom ;;
    shot) br_what=--screenshot="$2" ;;
    pdf) br_what=--print-to-pdf="$2" ;;
    esac
    LAST_CMD=" $CHROMIUM --headless ... $br_what report.html"
    # chromium writes its own noise (D-Bus, GPU) on stderr; no network
    timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-extensions --hide-scrollbars --no-pdf-header-footer \
        --user-data-dir="$br_profile" --window-size=$WIDTH,$HEIGHT \
        "$br_what" "file://$WORK/report.html" >"$CAP/stdout" 2>"$CAP/stderr"
    LAST_RC=$?
    if [ "$LAST_RC" != 0 ]; then
        fail "chromium $br_what report.html: exit status $LAST_RC"
        return 1
    fi
    pass
    [ "$1" = dom ] && cp "$CAP/stdout" "$2"
    # shellcheck disable=SC2034 # lib.sh's fail shows it
    LAST_CMD=
    return 0
}

if browse dom dom.html; then
    check "the rendered report: summary counts and rows in input order" \
        python3 - dom.html <<'PY'
import html, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
def cells(row):
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"(?is)<t[dh][^>]*>(.*?)</t[dh]>", row)]
tables = re.findall(r"(?is)<table[^>]*>(.*?)</table>", dom)
assert len(tables) == 2, "%d tables" % len(tables)
summary = {c[0]: c[1] for c in map(cells, re.findall(r"(?is)<tr[^>]*>(.*?)</tr>", tables[0]))
           if len(c) == 2}
assert summary == {"Verdict": "Count", "VALID": "3", "EXPIRED": "1", "MALFORMED": "1",
                   "total": "5"}, summary
rows = [cells(r) for r in re.findall(r"(?is)<tr[^>]*>(.*?)</tr>", tables[1])][1:]
assert [r[5] for r in rows] == ["VALID", "VALID", "EXPIRED", "MALFORMED", "VALID"], rows
assert [r[1] for r in rows] == ["suppliers.txt:%d" % i for i in range(1, 6)], rows
assert rows[0][2] == "Acme Precision Engineering Ltd" and rows[0][3] == "ISO 9001:2015", rows[0]
assert rows[1][2].startswith("Evil <script>"), rows[1]
assert rows[2][6] == "2026-06-30", rows[2]
# the markup in the name is text: no script element ran or exists
assert "PWNED" not in re.sub(r"(?is)<td[^>]*>.*?</td>", "", dom), "a script ran"
assert not re.search(r"(?i)<script", dom), "a script element"
PY
fi
if browse shot report.png; then
    check "the screenshot is a real image" python3 - report.png $WIDTH $HEIGHT <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (int(sys.argv[2]), int(sys.argv[3])), (w, h)
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
assert len(set(raw)) > 8, "a blank page?"
PY
    cp report.png "$ARTIFACTS/verify-report.png"
fi
if browse pdf report.pdf; then
    check "the report prints (a PDF with a page)" python3 - report.pdf <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
assert data.startswith(b"%PDF-"), "not a PDF"
assert b"/Type /Page" in data or b"/Type/Page" in data, "no page"
PY
    cp report.pdf "$ARTIFACTS/verify-report.pdf"
fi
cp report.html "$ARTIFACTS/verify-report.html"

finish
