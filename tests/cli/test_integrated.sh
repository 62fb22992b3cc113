#!/bin/sh
# SPDX-License-Identifier: ISC
# Integrated certificates (several standards on one certificate), transfers
# (the predecessor certificate, IAF MD 2) and restorations (ISO/IEC 17021-1
# 9.6.3.2.5), DESIGN §3, through every way in and out: issue from a JSON
# record, verify (text, --json, --report), inspect, the verification page of
# serve (escaped), batches in CSV (the '|' list column, with a semicolon CSV)
# and JSON Lines, the registry (issue, list, supersede twice) and the
# certificate document (pdftotext).  A standard outside the accreditation is
# refused at issue and gives NOT_ACCREDITED naming it at verify
# (test_verdicts.sh, tests/data/tokens/integrated-not-accredited).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/serve_fixtures.sh"

# Under AddressSanitizer: what fontconfig keeps until exit is not a leak
# (as in test_document.sh).
LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$ROOT/tests/data/document/lsan.supp:print_suppressions=0"
export LSAN_OPTIONS

VAT=2027-01-01
INTEGRATED=$ROOT/tests/fixtures/record-integrated.json
setup_chain pki ed25519 ed25519
vfy() { cs verify --trust pki/ab.key.pub --at $VAT "$@"; }

# ---- issue and verify -------------------------------------------------------------

expect_exit 0 cs issue --key pki/cb.key --accreditation pki/ac.cose --out ims.txt "$INTEGRATED"
expect_file ims.txt
expect_exit 0 vfy ims.txt
expect_stdout '^VALID  Northern Fabrication & Coatings Ltd is certified to ISO 9001:2015, ISO 14001:2015$'
expect_stdout '^  Standards       ISO 9001:2015, ISO 14001:2015$'
expect_stdout '^  Transferred     from CB-PREVIOUS, certificate PRV-88412$'
expect_stdout '^  Restored        2026-10-02$'
expect_stdout '^  pass    standard  *ISO 9001:2015, ISO 14001:2015 are within accreditation ACC-1$'
expect_stdout '^  pass    edition-current  *ISO 9001:2015 is a current edition .*; ISO 14001:2015 is a current edition'

expect_exit 0 vfy --json ims.txt
cp "$CAP/stdout" ims.json
check "verify --json: the standards, the predecessor and the restoration" json_true ims.json \
    "j['certificate']['standards'] == ['ISO 9001:2015', 'ISO 14001:2015'] and \
'standard' not in j['certificate'] and \
j['certificate']['predecessor'] == {'certification_body': 'CB-PREVIOUS', \
'certificate_number': 'PRV-88412'} and j['certificate']['restored'] == '2026-10-02'"
# The record verify --json prints is a record issue reads back: same token.
python3 -c 'import json,sys; c = json.load(open(sys.argv[1]))["certificate"]
del c["issuer"], c["sites"]
json.dump(c, open(sys.argv[2], "w"))' ims.json again.json || setup_failed "record of ims.json"
expect_exit 0 cs issue --key pki/cb.key --accreditation pki/ac.cose --out again.txt again.json
check "the record of verify --json issues the same token" cmp -s ims.txt again.txt

expect_exit 0 cs inspect --json ims.txt
cp "$CAP/stdout" inspect.json
check "inspect --json: std is an array, prd and rst decoded" json_true inspect.json \
    "j['token']['claims']['certificate (-65537)']['std'] == ['ISO 9001:2015', 'ISO 14001:2015'] and \
j['token']['certificate']['predecessor']['certification_body'] == 'CB-PREVIOUS' and \
j['token']['certificate']['restored'] == '2026-10-02'"

# A single standard is still written "standard" in a record.
expect_exit 0 cs issue --key pki/cb.key --accreditation pki/ac.cose --out one.txt "$TYPICAL"
expect_exit 0 vfy --json one.txt
cp "$CAP/stdout" one.json
check "one standard: \"standard\", no predecessor, no restoration" json_true one.json \
    "j['certificate']['standard'] == 'ISO 9001:2015' and 'standards' not in j['certificate'] \
and 'predecessor' not in j['certificate'] and 'restored' not in j['certificate']"

# The reports of verify: the standards and the history in every row.
expect_exit 0 vfy --report report.csv ims.txt one.txt
expect_exit 0 vfy --report report.html ims.txt one.txt
check "CSV report: a history column" grep -q '"history","reason"' report.csv
check "CSV report: the integrated row" \
    grep -q '"ISO 9001:2015; ISO 14001:2015","GB-IMS-2026-000311","VALID","2029-05-31","transferred from CB-PREVIOUS, certificate PRV-88412; restored 2026-10-02"' \
    report.csv
check "HTML report: the history cell" \
    grep -q '<td>transferred from CB-PREVIOUS, certificate PRV-88412; restored 2026-10-02</td>' \
    report.html

# ---- refused at issue ----------------------------------------------------------------

record_edit "$INTEGRATED" 'd["standards"].append("ISO 45001:2018")' >outside.json ||
    setup_failed "record_edit outside.json"
expect_exit 1 cs issue --key pki/cb.key --accreditation pki/ac.cose --out outside.txt outside.json
expect_stderr_line 'ISO 45001:2018 is not within accreditation ACC-1; the accreditation body must accredit it first'
expect_no_file outside.txt
record_edit "$INTEGRATED" 'd["standard"] = "ISO 9001:2015"' >both.json || setup_failed both.json
expect_exit 1 cs issue --key pki/cb.key --accreditation pki/ac.cose both.json
expect_stderr_line 'both\.json: standards: given together with "standard"'
record_edit "$INTEGRATED" 'd["standards"].append("ISO 14001:2015")' >twice.json ||
    setup_failed twice.json
expect_exit 1 cs issue --key pki/cb.key --accreditation pki/ac.cose twice.json
expect_stderr_line "twice\\.json: standards: 'ISO 14001:2015' is given twice"

# ---- the catalog's rules apply to each standard --------------------------------------------

# An integrated ISO 9001 + ISO 22000 certificate carries IAF sectors (for ISO
# 9001) and ISO 22003-1 food chain categories (for ISO 22000); ISO 9001 alone
# carries no food chain category, and an edition past its transition is
# refused whichever standard it is.
cs_accredit --key pki/ab.key --subject-key pki/cb.key.pub --standard "ISO 9001:2015" \
    --standard "ISO 22000:2018" --iaf 17,18,31 --not-before 2026-01-01 --expires 2030-12-31 \
    --out food-ac.cose >"$CAP/setup.out" 2>"$CAP/setup.err" || setup_failed "accredit food-ac.cose"
record_edit "$INTEGRATED" 'd["standards"] = ["ISO 9001:2015", "ISO 22000:2018"]
d["food_chain_categories"] = ["CI"]' >food.json || setup_failed food.json
expect_exit 0 cs issue --key pki/cb.key --accreditation food-ac.cose --out food.txt food.json
expect_exit 0 vfy food.txt
expect_stdout '^  Food chain      CI$'
record_edit "$INTEGRATED" 'd["standards"] = ["ISO 9001:2015"]
d["food_chain_categories"] = ["CI"]' >food-9001.json || setup_failed food-9001.json
expect_exit 1 cs issue --key pki/cb.key --accreditation food-ac.cose food-9001.json
expect_stderr_line 'ISO 9001 certificates carry no ISO 22003-1 food chain categories'
record_edit "$INTEGRATED" 'd["standards"] = ["ISO 9001:2015", "ISO 9001:2008"]' >ended.json ||
    setup_failed ended.json
expect_exit 1 cs issue --key pki/cb.key --accreditation pki/ac.cose ended.json
expect_stderr_line 'ISO 9001:2008'

# ---- the verification page escapes what the token carries ------------------------------

record_edit "$INTEGRATED" 'd["predecessor"]["certification_body"] = "CB <b>&amp;</b>"
d["predecessor"]["certificate_number"] = "\"><script>x</script>"' >hostile.json ||
    setup_failed hostile.json
expect_exit 0 cs issue --key pki/cb.key --accreditation pki/ac.cose --out hostile.txt hostile.json
if serve_start page --trust pki/ab.key.pub --at ${VAT}T00:00:00Z; then
    for name in ims hostile; do
        serve_client link $name.txt "$LINK_BASE" >$name.link || setup_failed "link $name"
        path=/V/$(sed 's|^.*/V/||' $name.link)
        serve_client request "$SERVE_PORT" "page-$name" GET "$path" >/dev/null 2>&1 ||
            setup_failed "GET the page of $name"
    done
    check "page: every standard listed" \
        grep -q '<li>ISO 9001:2015</li>' page-ims.body
    check "page: the second standard" grep -q '<li>ISO 14001:2015</li>' page-ims.body
    check "page: the sentence names both" \
        grep -q 'is certified to ISO 9001:2015 and ISO 14001:2015' page-ims.body
    check "page: the predecessor" \
        grep -q '<dt>Transferred from</dt><dd>CB-PREVIOUS, certificate PRV-88412</dd>' page-ims.body
    check "page: the restoration" grep -q '<dt>Restored on</dt><dd>2026-10-02</dd>' page-ims.body
    check "page: the predecessor's texts escaped" \
        grep -q 'CB &lt;b&gt;&amp;amp;&lt;/b&gt;, certificate &quot;&gt;&lt;script&gt;x&lt;/script&gt;' \
        page-hostile.body
    check "page: no markup from the token" sh -c '! grep -q "<script>x" page-hostile.body'
    serve_stop page
else
    fail "serve did not start: $(cat "$CAP/page.log")"
fi

# ---- the certificate document -----------------------------------------------------------

if command -v pdftotext >/dev/null 2>&1; then
    expect_exit 0 cs document --out ims.pdf ims.txt
    pdftotext ims.pdf ims.pdf.txt 2>/dev/null || setup_failed "pdftotext ims.pdf"
    for text in 'ISO 9001:2015' 'ISO 14001:2015' 'Transferred from' \
        'CB-PREVIOUS, certificate PRV-88412' 'Restored on' '2026-10-02'; do
        check "document: $text" grep -qF "$text" ims.pdf.txt
    done
else
    skip "pdftotext is not installed (make deps-test)"
fi

# ---- batches: CSV (the '|' list, semicolons) and JSON Lines, in a registry --------------

expect_exit 0 cs init --registry cb.db --key pki/cb.key --accreditation pki/ac.cose \
    --status-uri http://cb.example/status/cb.list
{
    echo 'certificate_number;standards;standard;organization.name;organization.country;organization.address;scope;original_grant;issued;expires;revision;iaf_codes;predecessor.certification_body;predecessor.certificate_number;restored'
    echo 'IMS-1;ISO 9001:2015 | ISO 14001:2015;;Alder Ltd;GB;1 Road;Machining.;2020-01-02;2026-11-21;2029-11-20;0;17;CB-OLD;OLD-1;2026-03-04'
    echo 'Q-2;;ISO 9001:2015;Birch Ltd;GB;2 Road;Welding.;2026-11-21;2026-11-21;2029-11-20;0;17;;;'
} >batch.csv
record_edit "$INTEGRATED" 'd["certificate_number"] = "IMS-3"' >b3.json || setup_failed b3.json
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' b3.json >batch.jsonl
expect_exit 0 cs issue --registry cb.db --batch batch.csv --out tokens-csv.jsonl
expect_stderr_line 'batch\.csv: 2 certificates: 2 issued now'
expect_exit 0 cs issue --registry cb.db --batch batch.jsonl --out tokens-jsonl.jsonl
python3 -c 'import json,sys
for f in sys.argv[1:]:
    [print(json.loads(l)["token"]) for l in open(f)]' tokens-csv.jsonl tokens-jsonl.jsonl \
    >batch-tokens.txt || setup_failed "tokens of the batches"
cs verify --trust pki/ab.key.pub --at $VAT --status-optional --json batch-tokens.txt \
    >batch-verify.json 2>/dev/null
check "batch tokens: the CSV list, predecessor and restoration; the JSON Lines record" \
    json_true batch-verify.json \
    "[x['verdict'] for x in js] == ['VALID'] * 3 and \
js[0]['certificate']['standards'] == ['ISO 9001:2015', 'ISO 14001:2015'] and \
js[0]['certificate']['predecessor'] == {'certification_body': 'CB-OLD', 'certificate_number': 'OLD-1'} \
and js[0]['certificate']['restored'] == '2026-03-04' and \
js[1]['certificate']['standard'] == 'ISO 9001:2015' and 'predecessor' not in js[1]['certificate'] \
and js[2]['certificate']['standards'] == ['ISO 9001:2015', 'ISO 14001:2015'] and \
js[2]['certificate']['predecessor']['certificate_number'] == 'PRV-88412'"
# A standard outside the accreditation refuses the batch, naming it.
sed 's/ISO 14001:2015/ISO 45001:2018/; s/IMS-1/IMS-9/; s/Q-2;/Q-9;/' batch.csv >bad.csv
expect_exit 1 cs issue --registry cb.db --batch bad.csv --out bad.jsonl
check "the batch names the standard outside the accreditation" \
    grep -q 'bad\.csv: line 2: standards: ISO 45001:2018 is not within accreditation ACC-1' \
    "$CAP/stderr"
expect_no_file bad.jsonl
# An empty entry in the list column.
sed 's/ISO 9001:2015 | ISO 14001:2015/ISO 9001:2015||ISO 14001:2015/; s/IMS-1/IMS-8/; s/Q-2;/Q-8;/' \
    batch.csv >empty.csv
expect_exit 1 cs issue --registry cb.db --batch empty.csv --out empty.jsonl
check "the batch names the empty entry" \
    grep -q "empty\\.csv: line 2: standards: .*holds an empty entry (separate standards with '|'" \
    "$CAP/stderr"

# The registry lists every standard, and supersedes with the new claims.
expect_exit 0 cs list --registry cb.db
expect_stdout 'IMS-1 .*ISO 9001:2015,ISO 14001:2015'
record_edit "$INTEGRATED" 'd["revision"] = 2; d["issued"] = "2026-12-01"
d["standards"] = ["ISO 14001:2015", "ISO 9001:2015"]' >ims-r2.json || setup_failed ims-r2.json
expect_exit 0 cs issue --registry cb.db --out ims-r1.txt "$INTEGRATED"
expect_exit 0 cs issue --registry cb.db --supersedes GB-IMS-2026-000311 --out ims-r2.txt ims-r2.json
expect_exit 0 cs issue --registry cb.db --supersedes GB-IMS-2026-000311 --out ims-r2b.txt ims-r2.json
check "supersede twice: the same token" cmp -s ims-r2.txt ims-r2b.txt
expect_exit 0 cs list --registry cb.db --json
cp "$CAP/stdout" list.json
check "list --json: both revisions, the new one's standards in its order" json_true list.json \
    "[(e['revision'], e['status'], e['standard']) for e in j['entries'] \
if e['number'] == 'GB-IMS-2026-000311'] == [(1, 'superseded', 'ISO 9001:2015,ISO 14001:2015'), \
(2, 'valid', 'ISO 14001:2015,ISO 9001:2015')]"
expect_exit 0 cs document --registry cb.db --out ims-r2.pdf GB-IMS-2026-000311

finish
