#!/bin/sh
# SPDX-License-Identifier: ISC
# The issuer registry through the command line: init (accreditation body and
# certification body), accredit --registry, issue --registry (one record,
# --supersedes, --qr, batches from JSON Lines and CSV), suspend, reinstate,
# withdraw, list, status publish and status show, and what verify says with
# the published lists.  Records are dated today so that verification at the
# present time works on any clock.
. "$(dirname "$0")/lib.sh"

TODAY=$(date -u +%Y-%m-%d)
CB_URI=https://cb.example/status/1
AB_URI=https://ab.example/status/1

# The registries: files in the work folder, or whatever test_registry_pg.sh
# gives (PostgreSQL URIs, each an empty database), so that the same checks
# run against both engines.
AB=${REGISTRY_AB:-ab.db}
CB=${REGISTRY_CB:-cb.db}
BAD=${REGISTRY_BAD:-bad.db}
NOWHERE=${REGISTRY_NOWHERE:-nowhere.db}
MISSING=${REGISTRY_MISSING:-missing.db}
# A location as an extended regular expression that matches it literally.
regex_of() { printf '%s' "$1" | sed 's/[][\\.^$*+?(){}|]/\\&/g'; }
AB_RE=$(regex_of "$AB")
CB_RE=$(regex_of "$CB")
NOWHERE_RE=$(regex_of "$NOWHERE")
MISSING_RE=$(regex_of "$MISSING")

# expect_registry LOCATION / expect_no_registry LOCATION: a registry is
# there (it opens), or none is (not even a part: it does not open).
expect_registry() {
    if "$CERTSEAL" list --registry "$1" >/dev/null 2>&1; then pass; else fail "no registry at $1"; fi
}
expect_no_registry() {
    case $1 in
    postgres://* | postgresql://*)
        if "$CERTSEAL" list --registry "$1" 2>&1 | grep -q 'no such registry'; then
            pass
        else
            fail "a registry (or part of one) was left at $1"
        fi
        ;;
    *) expect_no_file "$1" ;;
    esac
}

# dated RECORD NUMBER > OUT: the fixture issued today under another number.
dated() {
    record_edit "$1" "d['certificate_number'] = '$2'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0"
}

# gen_batch FORMAT PREFIX COUNT > OUT: COUNT records from both fixtures as
# JSON Lines or CSV (quoted fields with commas, quotes and line breaks).
gen_batch() {
    python3 - "$1" "$2" "$3" "$TODAY" "$TYPICAL" "$MULTISITE" <<'PY'
import csv, json, sys
fmt, prefix, count, today = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fixtures = [json.load(open(p, encoding="utf-8")) for p in sys.argv[5:7]]
records = []
for i in range(count):
    d = json.loads(json.dumps(fixtures[i % 2]))
    d["certificate_number"] = "%s-%04d" % (prefix, i + 1)
    d["issued"], d["original_grant"], d["expires"], d["revision"] = today, "2019-03-14", "2034-12-31", 0
    d["scope"] = 'Design, "precision" parts,\nline %d' % i if i % 5 == 0 else d["scope"]
    records.append(d)
if fmt == "jsonl":
    for d in records:
        print(json.dumps(d, ensure_ascii=False))
    sys.exit(0)
cols = ["certificate_number", "standard", "organization.name", "organization.country",
        "organization.address", "scope", "original_grant", "issued", "expires", "revision",
        "iaf_codes"] + ["site%d.%s" % (n, k) for n in range(1, 5) for k in ("address", "scope")]
w = csv.writer(sys.stdout, lineterminator="\r\n")
w.writerow(cols)
for d in records:
    row = [d["certificate_number"], d["standard"], d["organization"]["name"],
           d["organization"]["country"], d["organization"]["address"], d["scope"],
           d["original_grant"], d["issued"], d["expires"], d["revision"],
           ";".join(str(c) for c in d.get("iaf_codes", []))]
    sites = d.get("sites", [])
    for n in range(4):
        row += [sites[n]["address"], sites[n]["scope"]] if n < len(sites) else ["", ""]
    w.writerow(row)
PY
}

HAVE_STATUS=0
if "$CERTSEAL" verify --help 2>/dev/null | grep -q -e '--status'; then HAVE_STATUS=1; fi

# verdict CODE TOKEN_FILE: verify with both published lists.
verdict() {
    if [ "$HAVE_STATUS" = 0 ]; then
        skip "verify --status is not available: verdict $1 for $2 not checked"
        return 0
    fi
    expect_exit "$1" cs verify --trust ab.key.pub --status cb.list --status ab.list "$2"
}

publish() {
    expect_exit 0 cs status publish --registry "$CB" --out cb.list
    expect_exit 0 cs status publish --registry "$AB" --out ab.list
}

"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
"$CERTSEAL" keygen --out other.key >/dev/null 2>&1 || setup_failed "keygen other.key"
dated "$TYPICAL" GB-Q-1 >r1.json
dated "$MULTISITE" DE-E-1 >r2.json

# ---- init ---------------------------------------------------------------------------

expect_exit 0 cs init --registry "$AB" --key ab.key --status-uri $AB_URI
expect_stderr_line "$AB_RE"': accreditation body registry'
expect_registry "$AB"
expect_exit 1 cs init --registry "$AB" --key ab.key --status-uri $AB_URI
expect_stderr_line "$AB_RE"': already exists.*never overwritten'
expect_exit 2 cs init --registry "$BAD" --key ab.key --status-uri ftp://ab.example/x
expect_stderr_line "status-uri: 'ftp://ab\.example/x' is not an http\(s\) URL"
expect_no_registry "$BAD"
expect_exit 2 cs init --registry "$BAD" --key ab.key --status-uri 'https://a b'
expect_exit 2 cs init --registry "$BAD" --status-uri $AB_URI
expect_stderr_line '--key KEY is required'
expect_exit 2 cs init --registry "$BAD" --key ab.key --status-uri $AB_URI --list-size 100
expect_stderr_line 'list-size: at least 131072'
expect_exit 2 cs init --registry "$BAD" --key ab.key --status-uri $AB_URI --link-base https://v.example
expect_stderr_line 'link-base is for a certification body'
expect_exit 1 cs init --registry "$BAD" --key missing.key --status-uri $AB_URI
expect_stderr_line 'missing\.key: cannot open the key file'
expect_no_registry "$BAD"
expect_exit 0 cs init --help
expect_stdout '^usage: certseal init'

# ---- accredit --registry ------------------------------------------------------------

acc() {
    cs accredit --issuer AB-TEST --subject CB-TEST --name "Test CB" --country GB \
        --standard "ISO 9001:2015" --standard "ISO 14001:2015" --iaf 17,18,31 \
        --not-before 2020-01-01 --expires 2035-12-31 "$@"
}
expect_exit 0 acc --registry "$AB" --number ACC-1 --subject-key cb.key.pub --out ac.cose
expect_stderr_no 'error'
expect_file ac.cose
expect_exit 1 acc --registry "$AB" --number ACC-1 --subject-key cb.key.pub --out ac2.cose
expect_stderr_line 'ACC-1: .*already'
expect_no_file ac2.cose
expect_exit 2 acc --registry "$AB" --key ab.key --number ACC-2 --subject-key cb.key.pub --out ac2.cose
expect_stderr_line 'key: with --registry it comes from the registry'
expect_exit 1 acc --registry "$NOWHERE" --number ACC-2 --subject-key cb.key.pub --out ac2.cose
expect_stderr_line "$NOWHERE_RE"': no such registry \(create one with certseal init'
expect_no_registry "$NOWHERE"
expect_no_file ac2.cose

# ---- a certification body's registry --------------------------------------------------

expect_exit 1 cs init --registry "$CB" --key other.key --accreditation ac.cose --status-uri $CB_URI
expect_stderr_line 'ac\.cose: the credential accredits another key, not other\.key'
expect_no_registry "$CB"
expect_exit 0 cs init --registry "$CB" --key cb.key --accreditation ac.cose --status-uri $CB_URI \
    --link-base https://verify.example/v
expect_stderr_line "$CB_RE"': certification body registry for CB-TEST \(accreditation ACC-1\)'
expect_exit 1 acc --registry "$CB" --number ACC-9 --subject-key cb.key.pub --out ac9.cose
expect_stderr_line "$CB_RE: this is a certification body's registry; only an accreditation body's"
expect_no_file ac9.cose

# ---- issue --registry -------------------------------------------------------------------

expect_exit 0 cs issue --registry "$CB" --out t1.txt --qr t1.png r1.json
expect_stderr_empty
expect_file t1.txt t1.png
check "issue --qr wrote a PNG" sh -c 'head -c 8 t1.png | od -An -c | grep -q "P   N   G"'
if command -v zbarimg >/dev/null 2>&1; then
    check "the QR code holds the token" sh -c \
        'zbarimg -q --raw -Sdisable -Sqrcode.enable t1.png 2>/dev/null | tr -d "\n" >t1.scan; tr -d "\n" <t1.txt | cmp -s - t1.scan'
fi
expect_exit 0 cs issue --registry "$CB" --form link r2.json
expect_stdout '^HTTPS://VERIFY\.EXAMPLE/V/'
cp "$CAP/stdout" t2.txt
expect_exit 1 cs issue --registry "$CB" r1.json
expect_stderr_line 'GB-Q-1: .*already issued'
expect_exit 1 cs issue --registry "$AB" r1.json
expect_stderr_line "$AB_RE: this is an accreditation body's registry; only a certification body's registry can issue certificates"
expect_exit 2 cs issue --registry "$CB" --key cb.key r1.json
expect_stderr_line 'key: with --registry it comes from the registry'
expect_exit 2 cs issue --supersedes GB-Q-1 --key cb.key --accreditation ac.cose r1.json
expect_stderr_line 'supersedes needs --registry DB'
expect_exit 2 cs issue --registry "$CB" --qr t.gif r1.json
expect_stderr_line 't\.gif: the QR image needs a name ending in \.png or \.svg'
# the old mode still works, now with --qr too
expect_exit 0 cs issue --key cb.key --accreditation ac.cose --qr plain.svg r1.json
expect_file plain.svg
expect_stdout '^CS1:'

# ---- status, verify and the lifecycle ---------------------------------------------------

publish
verdict 0 t1.txt
verdict 0 t2.txt
expect_exit 0 cs suspend --registry "$CB" --reason "surveillance audit overdue" --actor alice GB-Q-1
expect_stderr_line 'GB-Q-1: now suspended'
publish
verdict 16 t1.txt
verdict 0 t2.txt
expect_exit 0 cs status show cb.list
expect_stdout '^NOT VERIFIED'
expect_stdout '^suspended: +1$'
expect_stdout '^withdrawn: +0$'
expect_stdout "^uri: +$CB_URI\$"
expect_stdout '^ttl: +43200 seconds$'
expect_stdout '^entries: +1048576$'
IDX1=$("$CERTSEAL" list --registry "$CB" --json | python3 -c \
    'import json,sys; print([e for e in json.load(sys.stdin)["entries"] if e["number"]=="GB-Q-1"][0]["status_index"])')
expect_exit 0 cs status show cb.list "$IDX1"
expect_stdout "^index $IDX1: suspended\$"
expect_exit 0 cs reinstate --registry "$CB" GB-Q-1
publish
verdict 0 t1.txt
expect_exit 1 cs reinstate --registry "$CB" GB-Q-1
expect_stderr_line 'GB-Q-1: .*valid.*only a suspended'
expect_exit 0 cs withdraw --registry "$CB" --reason "certificate cancelled" DE-E-1
publish
verdict 17 t2.txt
for action in suspend reinstate withdraw; do
    expect_exit 1 cs $action --registry "$CB" DE-E-1
    expect_stderr_line 'DE-E-1: .*withdrawn'
done
expect_exit 1 cs issue --registry "$CB" --supersedes DE-E-1 r2.json
expect_stderr_line 'DE-E-1: .*withdrawn'
expect_exit 1 cs suspend --registry "$CB" NO-SUCH-1
expect_stderr_line 'NO-SUCH-1: .*(no|not)'
expect_exit 2 cs suspend --registry "$CB"
expect_exit 2 cs suspend GB-Q-1
expect_stderr_line 'registry DB is required'

# re-issue: the old revision is superseded, the new one valid
record_edit r1.json "d['scope'] = 'Design and manufacture of precision components.'" >r1b.json
expect_exit 1 cs issue --registry "$CB" --supersedes GB-Q-1 --out t1b.txt r1b.json
expect_stderr_line 'GB-Q-1: revision 0 of certificate "GB-Q-1" is already issued with other claims: a new revision is 1'
expect_no_file t1b.txt
record_edit r1.json "d['scope'] = 'Design and manufacture of precision components.'; d['revision'] = 1" >r1b.json
expect_exit 0 cs issue --registry "$CB" --supersedes GB-Q-1 --reason "scope reduced" --out t1b.txt r1b.json
# the same supersede again (a second click, a re-run script) changes nothing
expect_exit 0 cs issue --registry "$CB" --supersedes GB-Q-1 --reason "scope reduced" --out t1c.txt r1b.json
expect_stderr_line 'revision 1 of certificate "GB-Q-1" is already issued with these claims; nothing was changed'
check "a repeated supersede prints the same token" cmp -s t1b.txt t1c.txt
record_edit r1b.json "d['scope'] = 'Design only.'" >r1c.json
expect_exit 1 cs issue --registry "$CB" --supersedes GB-Q-1 --out t1d.txt r1c.json
expect_stderr_line 'revision 1 of certificate "GB-Q-1" is already issued with other claims: a new revision is 2'
expect_no_file t1d.txt
publish
verdict 18 t1.txt
verdict 0 t1b.txt
expect_exit 0 cs status show cb.list "$IDX1"
expect_stdout "^index $IDX1: superseded\$"
check "status show to a full device: exit 1 and one line saying so" sh -c \
    '! "$1" status show cb.list >/dev/full 2>full.err &&
     grep -qx "certseal: status: standard output: cannot write: No space left on device" full.err' \
    - "$CERTSEAL"

# list
expect_exit 0 cs list --registry "$CB"
expect_stdout '^GB-Q-1 +0 +[0-9]+ +superseded'
expect_stdout '^GB-Q-1 +1 +[0-9]+ +valid'
expect_stdout '^DE-E-1 +0 +[0-9]+ +withdrawn'
expect_exit 0 cs list --registry "$CB" --history
expect_stdout 'GB-Q-1 +rev 0 +suspended +by alice: surveillance audit overdue'
expect_stdout 'DE-E-1 +rev 0 +withdrawn'
expect_exit 0 cs list --registry "$CB" --json
cp "$CAP/stdout" list.json
# A full disk under standard output is said, with a failure status.
check "list to a full device: exit 1 and one line saying so" sh -c \
    '! "$1" list --registry "$2" >/dev/full 2>full.err &&
     grep -qx "certseal: list: standard output: cannot write: No space left on device" full.err' \
    - "$CERTSEAL" "$CB"
check "list --json: three revisions with their status" json_true list.json \
    "sorted((e['number'], e['revision'], e['status']) for e in j['entries']) == \
[('DE-E-1', 0, 'withdrawn'), ('GB-Q-1', 0, 'superseded'), ('GB-Q-1', 1, 'valid')]"
check "list --json: the events in order" json_true list.json \
    "[e['action'] for e in j['events'] if e['number'] == 'GB-Q-1'] == \
['issued', 'suspended', 'reinstated', 'superseded', 'issued']"
check "list --json: the token as issued" json_true list.json \
    "[e['token'] for e in j['entries'] if e['revision'] == 1][0] == open('t1b.txt').read().strip()"
expect_exit 1 cs list --registry "$MISSING"
expect_stderr_line "$MISSING_RE"': no such registry'
expect_exit 1 cs list --registry r1.json
expect_stderr_line 'r1\.json: '

# the accreditation body suspends the accreditation
expect_exit 0 cs suspend --registry "$AB" --reason "assessment findings" ACC-1
publish
verdict 13 t1b.txt
expect_exit 0 cs reinstate --registry "$AB" ACC-1
publish
verdict 0 t1b.txt

# ---- status: bad input -------------------------------------------------------------------

expect_exit 2 cs status publish --registry "$CB" --out x.list --ttl 0
expect_stderr_line 'ttl: at least 1 '
expect_exit 2 cs status publish --registry "$CB" --out x.list --ttl soon
expect_stderr_line "ttl: 'soon' is not a whole number"
expect_exit 2 cs status publish --registry "$CB" --out x.list --valid-for 0
expect_exit 2 cs status publish --registry "$CB" --out x.list --ttl 900000 --valid-for 1
expect_stderr_line 'longer than the list is valid'
expect_exit 2 cs status publish --registry "$CB"
expect_stderr_line 'out FILE is required'
expect_exit 1 cs status publish --registry "$CB" --out no/such/dir/x.list
expect_stderr_line 'no/such/dir/x\.list: cannot write'
expect_no_file x.list
expect_exit 0 cs status publish --registry "$CB" --out x.list --ttl 60 --valid-for 1
expect_exit 0 cs status show x.list
expect_stdout '^ttl: +60 seconds$'
expect_exit 1 cs status show r1.json
expect_stderr_line 'r1\.json: not a status list token'
expect_exit 1 cs status show cb.list 2000000
expect_stderr_line 'index 2000000 is outside the list of 1048576 entries'
expect_exit 2 cs status show cb.list minus-one
expect_exit 2 cs status
expect_exit 2 cs status frobnicate
expect_stderr_line "unknown action 'frobnicate'"

# ---- batches -------------------------------------------------------------------------------

gen_batch jsonl J 50 >batch.jsonl
gen_batch csv C 50 >batch.csv
expect_exit 0 cs issue --registry "$CB" --batch batch.jsonl --out tokens-j.jsonl --qr-dir qr
expect_stderr_line 'batch\.jsonl: 50 certificates: 50 issued now, 0 already recorded'
check "batch --out: 50 lines, every number once, in input order" json_true tokens-j.jsonl \
    "[x['number'] for x in js] == ['J-%04d' % (i + 1) for i in range(50)] and \
all(x['token'].startswith('CS1:') for x in js)"
check "batch --qr-dir: 50 PNG files" [ "$(find qr -name 'J-*.png' | wc -l)" -eq 50 ]
python3 -c 'import json,sys; [print(json.loads(l)["token"]) for l in open(sys.argv[1])]' \
    tokens-j.jsonl >tokens-j.txt
expect_exit 0 cs issue --registry "$CB" --batch batch.csv --out tokens-c.jsonl
expect_stderr_line 'batch\.csv: 50 certificates: 50 issued now'
python3 -c 'import json,sys; [print(json.loads(l)["token"]) for l in open(sys.argv[1])]' \
    tokens-c.jsonl >tokens-c.txt
check "CSV tokens: 50" [ "$(wc -l <tokens-c.txt)" -eq 50 ]
publish
verdict 0 tokens-j.txt
verdict 0 tokens-c.txt
# Without the lists the status cannot be checked, and status is required.
expect_exit 19 cs verify --trust ab.key.pub tokens-c.txt
expect_exit 0 cs verify --trust ab.key.pub --status-optional tokens-c.txt
# a CSV row gives the same certificate as its JSON record
expect_exit 0 cs inspect --json "$(sed -n 1p tokens-j.txt)"
cp "$CAP/stdout" inspect-j.json
expect_exit 0 cs inspect --json "$(sed -n 1p tokens-c.txt)"
cp "$CAP/stdout" inspect-c.json
check "CSV and JSON Lines give the same claims" python3 -c '
import json, sys
def claims(p):
    c = json.load(open(p))["token"]["claims"]
    c.pop("sub (2)"), c.pop("status (65535)")
    return c
sys.exit(0 if claims("inspect-j.json") == claims("inspect-c.json") else 1)'
check "... and the claims hold the quoted scope with its line break" python3 -c '
import json, sys
c = json.load(open("inspect-c.json"))["token"]["claims"]["certificate (-65537)"]
sys.exit(0 if c["scp"] == "Design, \"precision\" parts,\nline 0" else 1)'

# the same batch again: nothing new, and the output complete
expect_exit 1 cs issue --registry "$CB" --batch batch.jsonl --out tokens-j.jsonl
expect_stderr_line 'tokens-j\.jsonl: already exists'
expect_exit 0 cs issue --registry "$CB" --batch batch.jsonl --out tokens-j2.jsonl
expect_stderr_line '50 certificates: 0 issued now, 50 already recorded'
check "a re-run writes the same tokens" cmp -s tokens-j.jsonl tokens-j2.jsonl

# two bad lines: the whole batch is refused, both lines named, nothing issued
gen_batch jsonl BAD 10 >bad.jsonl
python3 - bad.jsonl <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
d = json.loads(lines[2]); d["organization"]["country"] = "gb"; lines[2] = json.dumps(d)
lines[6] = lines[6][:-5]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
before=$("$CERTSEAL" list --registry "$CB" | wc -l)
expect_exit 1 cs issue --registry "$CB" --batch bad.jsonl --out bad-tokens.jsonl
check "line 3 named" grep -q 'bad\.jsonl: line 3: organization\.country: ' "$CAP/stderr"
check "line 7 named" grep -q 'bad\.jsonl: line 7: json: not valid JSON' "$CAP/stderr"
check "the verdict names the count" grep -q 'refused: 2 bad line(s) of 10 record(s); nothing was issued' "$CAP/stderr"
check "nothing issued" [ "$("$CERTSEAL" list --registry "$CB" | wc -l)" -eq "$before" ]
expect_no_file bad-tokens.jsonl
# CSV: a bad date and an unaccredited standard
gen_batch csv BADC 5 >badc.csv
cp badc.csv badstd.csv
# line 2 starts a record whose scope spans lines 2 and 3
sed -i '3s/,2019-03-14,/,2019-02-30,/' badc.csv
expect_exit 1 cs issue --registry "$CB" --batch badc.csv
check "CSV: the bad date named by the line its record starts on" \
    grep -q 'badc\.csv: line 2: original_grant: "2019-02-30" is not a calendar date' "$CAP/stderr"
sed -i '4s/ISO 14001:2015/ISO 45001:2018/' badstd.csv
expect_exit 1 cs issue --registry "$CB" --batch badstd.csv --format csv
check "CSV: a standard outside the accreditation named before anything is issued" \
    grep -q 'badstd\.csv: line 4: standard: ISO 45001:2018 is not within accreditation ACC-1' \
    "$CAP/stderr"
check "nothing issued" [ "$("$CERTSEAL" list --registry "$CB" | wc -l)" -eq "$before" ]
printf 'certificate_number,colour\nX,red\n' >cols.csv
expect_exit 1 cs issue --registry "$CB" --batch cols.csv
check "CSV: unknown column named" grep -q 'cols\.csv: line 1: csv: unknown column "colour"' "$CAP/stderr"
printf '\n\n' >empty.jsonl
expect_exit 1 cs issue --registry "$CB" --batch empty.jsonl
check "empty batch refused" grep -q 'holds no records' "$CAP/stderr"
# a duplicate number within the batch
gen_batch jsonl DUP 3 >dup.jsonl
sed -n 1p dup.jsonl >>dup.jsonl
expect_exit 1 cs issue --registry "$CB" --batch dup.jsonl
check "duplicate named" grep -q 'line 4: certificate_number: "DUP-0001" is already on line 1' "$CAP/stderr"
# a number the registry holds with other claims, on the last of 2000 lines: the
# batch is refused before anything is issued
gen_batch jsonl CLASH 2000 >clash.jsonl
sed -i '2000s/"CLASH-2000"/"J-0001"/' clash.jsonl
expect_exit 1 cs issue --registry "$CB" --batch clash.jsonl --out clash-tokens.jsonl
check "the clash named by its line" grep -q 'clash\.jsonl: line 2000 (J-0001): certificate "J-0001" is already recorded with other claims' "$CAP/stderr"
check "... and nothing issued" grep -q 'the batch is refused: nothing was issued' "$CAP/stderr"
check "nothing issued" [ "$("$CERTSEAL" list --registry "$CB" | wc -l)" -eq "$before" ]
expect_no_file clash-tokens.jsonl
# a semicolon or tab CSV (a spreadsheet's export) reads as the comma CSV did:
# the same 50 certificates, already recorded, and the same tokens
for sep in semicolon tab; do
    python3 - batch.csv "batch-$sep.csv" "$sep" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, delimiter=";" if sys.argv[3] == "semicolon" else "\t",
               lineterminator="\r\n").writerows(rows)
PY
    expect_exit 0 cs issue --registry "$CB" --batch "batch-$sep.csv" --out "tokens-$sep.jsonl"
    expect_stderr_line "batch-$sep\.csv: 50 certificates: 0 issued now, 50 already recorded"
    check "a $sep CSV gives the comma CSV's tokens" cmp -s tokens-c.jsonl "tokens-$sep.jsonl"
done
# a header typo names the column meant; a column of the CB's own is refused
# unless it is named with --ignore-column
sed '1s/organization\.name/organisation.name/' batch.csv >typo.csv
expect_exit 1 cs issue --registry "$CB" --batch typo.csv
check "a header typo: did you mean" grep -q 'typo\.csv: line 1: csv: unknown column "organisation.name": did you mean organization.name?' "$CAP/stderr"
python3 - batch.csv extra.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
rows = [["internal_ref"] + rows[0]] + [["X-%d" % i] + r for i, r in enumerate(rows[1:])]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows(rows)
PY
expect_exit 1 cs issue --registry "$CB" --batch extra.csv
check "an extra column refused, naming --ignore-column" grep -q 'unknown column "internal_ref".*--ignore-column' "$CAP/stderr"
expect_exit 0 cs issue --registry "$CB" --batch extra.csv --ignore-column internal_ref --out tokens-extra.jsonl
check "--ignore-column: the same tokens" cmp -s tokens-c.jsonl tokens-extra.jsonl
expect_exit 2 cs issue --key cb.key --accreditation ac.cose --ignore-column x r1.json
# the sample batches certseal(1) names hold the same certificates
expect_exit 0 cs issue --registry "$CB" --batch "$FIXTURES/batch.csv" --out sample-c.jsonl
expect_exit 0 cs issue --registry "$CB" --batch "$FIXTURES/batch.jsonl" --out sample-j.jsonl
expect_stderr_line 'batch\.jsonl: 3 certificates: 0 issued now, 3 already recorded'
check "the sample CSV and JSON Lines give the same tokens" cmp -s sample-c.jsonl sample-j.jsonl
# a token too large to print comfortably: issued, with a warning saying how to shorten it
python3 - "$MULTISITE" "$TODAY" <<'PY' >big.jsonl
import json, random, sys
random.seed(4)
words = ("design manufacture supply installation servicing of and for refrigeration compressors "
         "valves pumps food dairy brewing pharmaceutical cold storage commissioning").split()
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["issued"], d["original_grant"], d["expires"], d["revision"] = sys.argv[2], "2019-03-14", "2034-12-31", 0
d["scope"] = " ".join(random.choice(words) + str(random.randint(1, 99)) for _ in range(90))[:590]
for i in range(3):
    d["certificate_number"] = "BIG-%d" % i
    print(json.dumps(d))
PY
head -1 big.jsonl >big.json
expect_exit 0 cs issue --registry "$CB" --out big.txt big.json
expect_stderr_line 'warning: BIG-0: the token needs QR version 2[6-9]-M .*shorten the scope'
expect_exit 0 cs issue --registry "$CB" --batch big.jsonl --out big-tokens.jsonl
check "a batch warns once for its large tokens" grep -q 'warning: big\.jsonl: 3 of 3 tokens need a QR version above 25-M' "$CAP/stderr"
# usage
expect_exit 2 cs issue --registry "$CB" --batch batch.jsonl r1.json
expect_stderr_line 'batch FILE takes no RECORD argument'
expect_exit 2 cs issue --registry "$CB" --batch batch.jsonl --format xml
expect_exit 2 cs issue --key cb.key --accreditation ac.cose --batch batch.jsonl
expect_stderr_line 'batch needs --registry DB'
expect_exit 1 cs issue --registry "$AB" --batch batch.jsonl
expect_stderr_line "only a certification body's registry can issue"
expect_no_stray

finish
