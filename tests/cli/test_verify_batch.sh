#!/bin/sh
# SPDX-License-Identifier: ISC
# verify with many tokens at once (certseal(1), verify): 10,000 tokens of
# every verdict the test chains can make, mixed in a pseudo-random order, in
# each input format (token lines, the JSON Lines `issue --batch` writes, CSV
# with a token column, standard input) give, under --jobs 1 and --jobs 2,
# the verdicts one-by-one verification gives each token, in input order,
# each with its input position; the summary line counts them; the exit
# status is the worst verdict's; --report writes CSV and HTML tables; bad
# entries are MALFORMED at their line while the rest go on; a CSV file
# without a token column is refused with one clear line.
. "$(dirname "$0")/lib.sh"

# stderr_has PATTERN: the last command wrote a line matching PATTERN (ERE)
# on stderr, among others.
stderr_has() {
    check "stderr has /$1/" grep -Eq "$1" "$CAP/stderr"
}

TODAY=$(date -u +%Y-%m-%d)
LATER=$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=30))')
COUNT=${BATCH_COUNT:-10000}

# ---- the chains -------------------------------------------------------------------------

# AB with a registry and a status list; CB "cb" in a registry with its list;
# CB "old" accredited until 2021 (NOT_ACCREDITED today); CB "nolist" in a
# registry whose list is never given (STATUS_UNKNOWN); a stranger AB whose
# key is not trusted (UNTRUSTED).
{
    "$CERTSEAL" keygen --out ab.key && "$CERTSEAL" keygen --out cb.key &&
        "$CERTSEAL" keygen --out old.key && "$CERTSEAL" keygen --out nolist.key &&
        "$CERTSEAL" keygen --out stranger.key && "$CERTSEAL" keygen --out scb.key &&
        "$CERTSEAL" init --registry ab.db --key ab.key --status-uri https://ab.example/s &&
        "$CERTSEAL" accredit --registry ab.db --issuer AB-T --subject CB-T --name "Test CB" \
            --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2019-01-01 \
            --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose &&
        "$CERTSEAL" accredit --registry ab.db --issuer AB-T --subject CB-N --name "No-list CB" \
            --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2019-01-01 \
            --expires 2035-12-31 --number ACC-2 --subject-key nolist.key.pub --out ac-n.cose &&
        "$CERTSEAL" accredit --key ab.key --issuer AB-T --subject CB-O --name "Old CB" \
            --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2019-01-01 \
            --expires 2021-12-31 --number ACC-3 --subject-key old.key.pub --out ac-old.cose &&
        "$CERTSEAL" accredit --key stranger.key --issuer AB-S --subject CB-S --name "Stranger CB" \
            --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2019-01-01 \
            --expires 2035-12-31 --number ACC-9 --subject-key scb.key.pub --out ac-s.cose &&
        "$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose \
            --status-uri https://cb.example/s &&
        "$CERTSEAL" init --registry nolist.db --key nolist.key --accreditation ac-n.cose \
            --status-uri https://nolist.example/s
} >"$CAP/setup.out" 2>"$CAP/setup.err" || setup_failed "the chains"

# record N NUMBER ISSUED EXPIRES: record N.json from the typical one.
record() {
    record_edit "$TYPICAL" "d['certificate_number'] = '$2'; d['issued'] = '$3'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '$4'; d['revision'] = 0; \
d['organization']['name'] = 'Supplier $2 <b>&amp; \"Co\"'" >"$1.json"
}
mkdir tokens
n=0
issue_into() { # DB-OR-KEYS NAME ISSUED EXPIRES
    n=$((n + 1))
    record "rec$n" "GB-Q-$n" "$3" "$4"
    case $1 in
    *.db) "$CERTSEAL" issue --registry "$1" --out "tokens/$2.txt" "rec$n.json" ;;
    *) "$CERTSEAL" issue --key "$1.key" --accreditation "$5" --out "tokens/$2.txt" "rec$n.json" ;;
    esac >/dev/null 2>"$CAP/setup.err" || setup_failed "issue $2"
}
for i in 1 2 3 4 5; do issue_into cb.db valid$i "$TODAY" 2034-12-31; done
issue_into cb.db suspended1 "$TODAY" 2034-12-31
issue_into cb.db suspended2 "$TODAY" 2034-12-31
issue_into cb.db withdrawn1 "$TODAY" 2034-12-31
issue_into cb.db expired1 2020-06-01 2023-05-31
issue_into cb.db notyet1 "$LATER" 2034-12-31
issue_into old notaccredited1 2021-06-01 2034-12-31 ac-old.cose
issue_into scb untrusted1 "$TODAY" 2034-12-31 ac-s.cose
issue_into nolist.db unknown1 "$TODAY" 2034-12-31
{
    "$CERTSEAL" suspend --registry cb.db --reason "audit overdue" GB-Q-6 &&
        "$CERTSEAL" suspend --registry cb.db --reason "audit overdue" GB-Q-7 &&
        "$CERTSEAL" withdraw --registry cb.db --reason "closed" GB-Q-8 &&
        "$CERTSEAL" status publish --registry cb.db --out cb.list &&
        "$CERTSEAL" status publish --registry ab.db --out ab.list
} >"$CAP/setup.out" 2>"$CAP/setup.err" || setup_failed "status changes"

# INVALID_SIGNATURE: a VALID token's COSE with its last signature byte
# changed, back in the offline form (DESIGN §4: CS1: + base45(zlib(COSE))).
"$CERTSEAL" inspect --cose-out v1.cose tokens/valid1.txt >/dev/null 2>&1 ||
    setup_failed "inspect --cose-out"
python3 - v1.cose tokens/badsig1.txt tokens/malformed1.txt <<'PY' || setup_failed "bad tokens"
import sys, zlib
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
def b45(data):
    out = []
    for i in range(0, len(data) - 1, 2):
        v = data[i] * 256 + data[i + 1]
        out += [A[v % 45], A[v // 45 % 45], A[v // 2025]]
    if len(data) % 2:
        out += [A[data[-1] % 45], A[data[-1] // 45]]
    return "".join(out)
cose = bytearray(open(sys.argv[1], "rb").read())
cose[-1] ^= 1
open(sys.argv[2], "w").write("CS1:" + b45(zlib.compress(bytes(cose), 9)) + "\n")
open(sys.argv[3], "w").write("CS1:NOT-A-TOKEN\n")
PY

TRUST="--trust ab.key.pub --status cb.list --status ab.list"

# ---- one by one ---------------------------------------------------------------------------

ls tokens | sed 's/\.txt$//' | sort >names
: >expected-verdicts
while read -r name; do
    "$CERTSEAL" verify $TRUST --json "tokens/$name.txt" >one.json 2>/dev/null
    rc=$?
    v=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' one.json) ||
        setup_failed "verify --json tokens/$name.txt"
    printf '%s %s %s\n' "$name" "$v" "$rc" >>expected-verdicts
done <names
for v in VALID SUSPENDED WITHDRAWN EXPIRED NOT_YET_VALID NOT_ACCREDITED UNTRUSTED \
    INVALID_SIGNATURE MALFORMED STATUS_UNKNOWN; do
    check "one by one: some token is $v" grep -q " $v " expected-verdicts
done

# ---- the mix ------------------------------------------------------------------------------

# COUNT tokens in a fixed pseudo-random order, in every format, and the
# verdict each must get.  The CSV has a quoted column with a comma, a
# doubled quote and a line break before the token column.
python3 - "$COUNT" <<'PY' || setup_failed "the mix"
import csv, json, random, sys
count = int(sys.argv[1])
rows = [l.split() for l in open("expected-verdicts")]
tokens = {n: open("tokens/%s.txt" % n).read().strip() for n, v, rc in rows}
rng = random.Random(16)
order = [rng.choice(rows) for _ in range(count)]
with open("mix.txt", "w") as f:
    for n, v, rc in order:
        f.write(tokens[n] + "\n")
with open("mix.jsonl", "w") as f:
    for i, (n, v, rc) in enumerate(order):
        f.write(json.dumps({"number": "N-%d" % i, "token": tokens[n]}) + "\n")
with open("mix.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["supplier", "note", "token"])
    lines = [1]
    for i, (n, v, rc) in enumerate(order):
        w.writerow(["Supplier %d" % i, 'a "quoted", two-line\nnote' if i % 97 == 0 else "",
                    tokens[n]])
with open("mix.expected", "w") as f:
    for n, v, rc in order:
        f.write(v + "\n")
PY

# check_run NAME FILE FORMAT_LINES: the last run's stdout (JSON Lines) holds
# the expected verdicts in order, each naming FILE and, for text and JSON
# Lines, line i+1 (CSV: the line each record starts on, increasing).
check_run() {
    check "$1: every verdict as one by one, in input order, with its position" \
        python3 - "$CAP/stdout" mix.expected "$2" "$3" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
want = [l.strip() for l in open(sys.argv[2])]
if len(got) != len(want):
    print("    %d results for %d tokens" % (len(got), len(want))); sys.exit(1)
last = 0
for i, (g, w) in enumerate(zip(got, want)):
    pos = g.get("input", {})
    if g["verdict"] != w:
        print("    entry %d: %s, expected %s" % (i + 1, g["verdict"], w)); sys.exit(1)
    if pos.get("file") != sys.argv[3]:
        print("    entry %d: input %r" % (i + 1, pos)); sys.exit(1)
    line = pos.get("line", 0)
    if sys.argv[4] == "exact" and line != i + 1:
        print("    entry %d: line %r" % (i + 1, line)); sys.exit(1)
    if line <= last:
        print("    entry %d: line %r after %r" % (i + 1, line, last)); sys.exit(1)
    last = line
PY
}

WORST=$(python3 -c '
import sys
rcs = set(int(l.split()[2]) for l in open("expected-verdicts"))
print(" ".join(str(r) for r in sorted(rcs)))')
for jobs in 1 2; do
    for f in mix.txt mix.jsonl mix.csv; do
        run cs verify $TRUST --json --jobs $jobs "$f"
        # The worst verdict's code: one of the codes one by one gave, not 0.
        check "verify --jobs $jobs $f: exit status $LAST_RC is a verdict's" \
            sh -c "[ $LAST_RC != 0 ] && echo ' $WORST ' | grep -q ' $LAST_RC '"
        pass_line=$(tail -n 1 "$CAP/stderr")
        check "verify --jobs $jobs $f: the summary line counts $COUNT" \
            sh -c "printf '%s\n' '$pass_line' | grep -q '^certseal: verify: $COUNT verified: [0-9]* VALID, '"
        case $f in *.csv) lines=increasing ;; *) lines=exact ;; esac
        check_run "verify --jobs $jobs $f" "$f" $lines
    done
done
# The same exit status whatever the format or the jobs.
run cs verify $TRUST --jobs 2 mix.txt
rc_text=$LAST_RC
run cs verify $TRUST --json --jobs 1 - <mix.txt
check "standard input: the same exit status as the file ($rc_text)" test "$LAST_RC" = "$rc_text"
check_run "verify - (standard input)" "standard input" exact

# The summary's counts add up to the verdicts one by one.
run cs verify $TRUST --jobs 2 --json mix.jsonl
check "the summary names each verdict with its count" python3 - "$CAP/stderr" mix.expected <<'PY'
import collections, re, sys
last = open(sys.argv[1]).read().splitlines()[-1]
want = collections.Counter(l.strip() for l in open(sys.argv[2]))
got = {v: int(n) for n, v in re.findall(r"(\d+) ([A-Z_]+)", last.split("verified:", 1)[1])}
sys.exit(0 if got == dict(want) else (print("    %s\n    want %s" % (last, dict(want))) or 1))
PY

# Exit status: the worst verdict (SUSPENDED, 16, beats VALID).
cat tokens/valid1.txt tokens/suspended1.txt tokens/valid2.txt >two.txt
expect_exit 16 cs verify $TRUST --jobs 2 two.txt
stderr_has 'two\.txt, line 2: SUSPENDED: '
stderr_has '^certseal: verify: 3 verified: 2 VALID, 1 SUSPENDED$'
# One token: the output of before, one object, no summary line.
expect_exit 0 cs verify $TRUST --json tokens/valid1.txt
check "one token: one JSON object with its input" json_true "$CAP/stdout" \
    'len(js) == 1 and j["verdict"] == "VALID" and j["input"] == {"file": "tokens/valid1.txt"}'
expect_stderr_empty
# Tokens given as arguments, several files, in order.
expect_exit 12 cs verify $TRUST --json "$(cat tokens/valid3.txt)" tokens/badsig1.txt two.txt
check "arguments in order: token, file, file" json_true "$CAP/stdout" \
    '[x["verdict"] for x in js] == ["VALID", "INVALID_SIGNATURE", "VALID", "SUSPENDED", "VALID"]
     and js[0]["input"] == {"file": "token"} and js[3]["input"] == {"file": "two.txt", "line": 2}'

# ---- bad entries, bad files -------------------------------------------------------------

{
    printf '{"number": "A", "token": "%s"}\n' "$(cat tokens/valid1.txt)"
    printf '{"number": "B"}\n'
    printf 'not json\n\n'
    printf '{"number": "C", "token": "%s"}\n' "$(cat tokens/withdrawn1.txt)"
} >bad.jsonl
expect_exit 10 cs verify $TRUST --json bad.jsonl
check "JSON Lines: entries without a token are MALFORMED at their line, the rest verified" \
    json_true "$CAP/stdout" \
    '[(x["verdict"], x["input"]["line"]) for x in js] ==
     [("VALID", 1), ("MALFORMED", 2), ("MALFORMED", 3), ("WITHDRAWN", 5)]
     and "token" in js[1]["reason"]'
stderr_has 'bad\.jsonl, line 2: MALFORMED: line 2 has no "token" string'
printf 'supplier,certificate\nAcme,%s\n' "$(cat tokens/valid1.txt)" >nocol.csv
expect_exit 10 cs verify $TRUST nocol.csv
expect_stderr_line 'nocol\.csv: the CSV header \(line 1\) names no "token" column'
expect_stdout_empty
expect_exit 0 cs verify $TRUST --format lines tokens/valid1.txt
expect_exit 2 cs verify $TRUST --format xml tokens/valid1.txt
expect_stderr_line '--format xml: expected auto, lines, jsonl, csv or cose'
# The wrong file altogether: one line, not one per line.
printf 'hello\nworld\n' >words.txt
expect_exit 10 cs verify $TRUST words.txt
expect_stderr_line "words\\.txt: not a certseal token .*is it the right file\\?"
# A line past the longest token is refused as MALFORMED, the next goes on.
python3 -c 'import sys; print("CS1:" + "A" * 300000); print(open("tokens/valid1.txt").read().strip())' \
    >long.txt
expect_exit 10 cs verify $TRUST --json long.txt
check "an over-long line is MALFORMED at line 1, line 2 VALID" json_true "$CAP/stdout" \
    '[(x["verdict"], x["input"]["line"]) for x in js] == [("MALFORMED", 1), ("VALID", 2)]'

# ---- images: --qr and --qr-list ------------------------------------------------------------

{
    "$CERTSEAL" qr --out valid1.png tokens/valid1.txt &&
        "$CERTSEAL" qr --out suspended1.png tokens/suspended1.txt
} >"$CAP/setup.out" 2>"$CAP/setup.err" || setup_failed "qr"
printf 'valid1.png\n\nsuspended1.png\n' >images.txt
expect_exit 16 cs verify $TRUST --json --jobs 2 --qr valid1.png --qr-list images.txt
check "--qr then --qr-list: each image in order, named" json_true "$CAP/stdout" \
    '[(x["verdict"], x["input"]) for x in js] == [("VALID", {"file": "valid1.png"}),
     ("VALID", {"file": "valid1.png"}), ("SUSPENDED", {"file": "suspended1.png"})]'
stderr_has '^certseal: verify: 3 verified: 2 VALID, 1 SUSPENDED$'
expect_exit 2 cs verify $TRUST --qr-list images.txt tokens/valid1.txt

# ---- --report --------------------------------------------------------------------------------

run cs verify $TRUST --jobs 2 --report report.csv mix.csv
check "--report report.csv: the counts, then one row per certificate in order" \
    python3 - report.csv mix.expected <<'PY'
import collections, csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
want = [l.strip() for l in open(sys.argv[2])]
blank = rows.index([])
counts = {r[0]: int(r[1]) for r in rows[1:blank]}
assert rows[0] == ["verdict", "count"], rows[0]
assert counts.pop("total") == len(want), counts
assert counts == dict(collections.Counter(want)), counts
header, body = rows[blank + 1], rows[blank + 2:]
assert header == ["#", "input", "organisation", "standard", "certificate", "verdict",
                  "expires", "history", "reason"], header
assert all(r[7] == "" for r in body), body  # no transfer nor restoration here
assert [r[5] for r in body] == want
assert [int(r[0]) for r in body] == list(range(1, len(want) + 1))
valid = [r for r in body if r[5] == "VALID"][0]
assert valid[2].startswith("Supplier GB-Q-") and valid[3] == "ISO 9001:2015", valid
assert valid[1].startswith("mix.csv:"), valid
assert valid[6] == "2034-12-31", valid
PY
expect_exit 1 cs verify $TRUST --report report.csv two.txt
expect_stderr_line 'report\.csv: already exists; .*--force'
expect_exit 16 cs verify $TRUST --force --report report.html two.txt
check "--report report.html: escaped, self-contained" python3 - report.html <<'PY'
import sys
html = open(sys.argv[1]).read()
assert html.startswith("<!DOCTYPE html>")
assert "Supplier GB-Q-" in html
assert "&lt;b&gt;&amp;amp; &quot;Co&quot;" in html, "not escaped"
for bad in ("<b>", "<script", "src=", "href=", "url(", "<link", "@import"):
    assert bad not in html, bad
assert ">SUSPENDED<" in html, "no SUSPENDED row"
PY
expect_exit 2 cs verify $TRUST --report report.pdf two.txt
expect_no_stray

finish
