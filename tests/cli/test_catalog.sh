#!/bin/sh
# SPDX-License-Identifier: ISC
# The standards catalog (DESIGN §2 step 7, docs/catalog.md): for every
# transition of the built-in catalog (schemas/catalog.json, its real dates),
# issue refuses a certificate after the last issuing day and an expiry after
# the end, and verify --at gives VALID before the transition, VALID with the
# note during it and EXPIRED after it; unlisted standards and scope codes;
# the signed catalog replaces the built-in one only when signed by the root
# and not older.
. "$(dirname "$0")/lib.sh"

# The demo root, kept private as a root key must be (0600).
cp "$ROOT/keys-example/iaf-demo-root.key" demo-root.key && chmod 600 demo-root.key ||
    setup_failed "copy the demo root"
DEMO_ROOT=demo-root.key
DEMO_ROOT_PUB=$ROOT/keys-example/iaf-demo-root.key.pub
CATALOG=$ROOT/schemas/catalog.json

# Every edition of the catalog, one per line; then the transitions as
# "FROM|TO|STARTS|LAST_ISSUE|ENDS|SCOPE_CODES", and the current editions
# (no transition from them) as "EDITION|SCOPE_CODES".
python3 - "$CATALOG" >editions.txt <<'PY' || setup_failed "read the catalog"
import json, sys
c = json.load(open(sys.argv[1]))
for f in c["families"]:
    for e in f["editions"]:
        print(e["edition"])
PY
python3 - "$CATALOG" >transitions.txt <<'PY' || setup_failed "read the catalog"
import json, sys
c = json.load(open(sys.argv[1]))
for f in c["families"]:
    for t in f["transitions"]:
        print("|".join([t["from"], t["to"], t["starts"], t.get("last_issue", t["ends"]), t["ends"], f["scope_codes"]]))
PY
python3 - "$CATALOG" >current.txt <<'PY' || setup_failed "read the catalog"
import json, sys
c = json.load(open(sys.argv[1]))
ended = {t["from"] for f in c["families"] for t in f["transitions"]}
for f in c["families"]:
    for e in f["editions"]:
        if e["edition"] not in ended:
            print(e["edition"] + "|" + f["scope_codes"])
PY
check "the catalog has transitions" test "$(wc -l <transitions.txt)" -ge 8

# day DATE N: DATE plus N days.
day() { python3 -c 'import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=int(sys.argv[2])))' "$1" "$2"; }

# One accreditation for every edition of the catalog, from 2015 (before
# the first transition ended), so that each edition can be issued when the
# catalog allows it.
"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
set --
while IFS= read -r e; do set -- "$@" --standard "$e"; done <editions.txt
expect_exit 0 cs_accredit --key ab.key --subject-key cb.key.pub "$@" --iaf 17,18 \
    --not-before 2015-01-01 --expires 2030-12-31 --out ac.cose

# record STD ISSUED EXPIRES CODES > FILE: the typical record to STD,
# issued and granted on ISSUED; CODES "iaf" keeps its IAF codes.
record() {
    record_edit "$TYPICAL" "d['standard'] = '$1'; d['issued'] = d['original_grant'] = '$2'; d['expires'] = '$3'
if '$4' != 'iaf': d.pop('iaf_codes', None)"
}
issue() { cs issue --key cb.key --accreditation ac.cose "$@"; }

n=0
while IFS='|' read -r from to starts last ends codes; do
    n=$((n + 1))
    # Issued on the last issuing day, ending with the transition: accepted.
    record "$from" "$last" "$ends" "$codes" >t$n-ok.json
    expect_exit 0 issue --out t$n-ok.txt t$n-ok.json
    # Before the transition (a day after issue, when the transition had
    # not started yet), VALID without the note.
    before=$(day "$last" 1)
    if [ "$(ymd "$before")" -lt "$(ymd "$starts")" ]; then
        expect_exit 0 cs verify --trust ab.key.pub --at "$before" t$n-ok.txt
        expect_stdout '^VALID'
    fi
    # During: VALID, with the note naming the end, in text and JSON.
    expect_exit 0 cs verify --trust ab.key.pub --at "$ends" t$n-ok.txt
    expect_stdout "transition ends on $ends"
    expect_exit 0 cs verify --trust ab.key.pub --at "$ends" --json t$n-ok.txt
    check "$from: the JSON names edition-current and the note" json_true "$CAP/stdout" \
        'any(c["check"] == "edition-current" and c["result"] == "pass" for c in j["checks"]), any("transition ends on '"$ends"'" in w for w in j["warnings"])'
    # After: EXPIRED.  A certificate the catalog let through ends with the
    # transition, so its own expiry fails too; the edition-current check
    # fails with the transition named.
    after=$(day "$ends" 1)T12:00:00Z
    expect_exit 14 cs verify --trust ab.key.pub --at "$after" --json t$n-ok.txt
    check "$from: after the end, EXPIRED and edition-current fails naming the transition" \
        json_true "$CAP/stdout" 'j["verdict"] == "EXPIRED" and [c for c in j["checks"] if c["check"] == "edition-current" and c["result"] == "fail" and "'"$from"' certificates ended on '"$ends"' (transition to '"$to"')" in c["detail"]]'
    # Issued after the last issuing day: refused, naming the rule and the
    # new edition.
    if [ "$last" != "$ends" ]; then
        record "$from" "$(day "$last" 1)" "$ends" "$codes" >t$n-late.json
        expect_exit 1-2 issue --out t$n-late.txt t$n-late.json
        expect_stderr_line "$from certificates may not be issued after $last \\(transition to $to.*certify to $to"
        expect_no_file t$n-late.txt
    fi
    # An expiry after the transition's end: refused.
    record "$from" "$last" "$(day "$ends" 1)" "$codes" >t$n-long.json
    expect_exit 1-2 issue --out t$n-long.txt t$n-long.json
    expect_stderr_line "$from certificates end on $ends \\(transition to $to.*set the expiry to $ends at the latest"
done <transitions.txt

# The current editions: issued now, VALID with no note.
n=0
while IFS='|' read -r edition codes; do
    n=$((n + 1))
    record "$edition" 2026-11-21 2029-11-20 "$codes" >c$n.json
    expect_exit 0 issue --out c$n.txt c$n.json
    expect_exit 0 cs verify --trust ab.key.pub --at 2026-12-01 c$n.txt
    expect_stdout '^VALID'
    expect_stdout "edition-current"
done <current.txt

# ISO/IEC 27001:2013 issued during its transition and verified after its end.
record "ISO/IEC 27001:2013" 2024-04-01 2025-10-31 none >isms.json
expect_exit 0 issue --out isms.txt isms.json
expect_exit 14 cs verify --trust ab.key.pub --at 2026-11-15 isms.txt

# ---- unlisted standards -------------------------------------------------------------

"$CERTSEAL" keygen --out ab2.key >/dev/null 2>&1 || setup_failed "keygen ab2.key"
expect_exit 0 cs_accredit --key ab2.key --subject-key cb.key.pub --standard "ISO 28000:2022" \
    --standard "ISO 9001:2015" --allow-unlisted-standard --iaf 17,18 --not-before 2026-01-01 \
    --expires 2030-12-31 --out unlisted.cose
record "ISO9001:2015" 2026-11-21 2029-11-20 iaf >near.json
expect_exit 1-2 cs issue --key cb.key --accreditation unlisted.cose --out near.txt near.json
record "ISO 28000:2022" 2026-11-21 2029-11-20 none >unlisted.json
expect_exit 1-2 cs issue --key cb.key --accreditation unlisted.cose --out unlisted.txt unlisted.json
expect_stderr_line "\"ISO 28000:2022\" is not in the standards catalog"
expect_exit 0 cs issue --key cb.key --accreditation unlisted.cose --allow-unlisted-standard \
    --out unlisted.txt unlisted.json
# accredit refuses an edition that ended before the accreditation starts.
expect_exit 2 cs_accredit --key ab2.key --subject-key cb.key.pub --standard "ISO 9001:2008" \
    --not-before 2026-01-01 --expires 2030-12-31 --out old.cose
expect_stderr_line "ISO 9001:2008 certificates ended on 2018-09-15 \\(transition to ISO 9001:2015.*accredit for ISO 9001:2015"

# ---- scope codes --------------------------------------------------------------------

record "ISO/IEC 27001:2022" 2026-11-21 2029-11-20 iaf >isms-iaf.json
expect_exit 1-2 issue --out isms-iaf.txt isms-iaf.json
expect_stderr_line "ISO/IEC 27001 certificates carry no IAF sector codes"
record "ISO 22000:2018" 2026-11-21 2029-11-20 iaf >food-iaf.json
expect_exit 1-2 issue --out food-iaf.txt food-iaf.json
expect_stderr_line "ISO 22000 certificates carry no IAF sector codes .*ISO 22003-1"
record "ISO 22000:2018" 2026-11-21 2029-11-20 none >food.json
expect_exit 0 issue --out food.txt food.json
# ISO 22003-1 categories travel in the CT's "fcc" claim (DESIGN §3).
record_edit food.json "d['food_chain_categories'] = ['CI', 'CII', 'K']" >food-fcc.json
expect_exit 0 issue --out food-fcc.txt food-fcc.json
expect_exit 0 cs verify --trust ab.key.pub --at 2026-12-01 food-fcc.txt
expect_stdout 'Food chain +CI, CII, K'
expect_exit 0 cs verify --trust ab.key.pub --at 2026-12-01 --json food-fcc.txt
check "the JSON certificate carries the categories" json_true "$CAP/stdout" \
    'j["certificate"]["food_chain_categories"] == ["CI", "CII", "K"]'
record_edit food.json "d['food_chain_categories'] = ['Z']" >food-bad.json
expect_exit 1-2 issue --out food-bad.txt food-bad.json
expect_stderr_line "food_chain_categories.*'Z' is not an ISO 22003-1 food chain category"
record_edit "$TYPICAL" "d['food_chain_categories'] = ['CI']" >qms-fcc.json
expect_exit 1-2 issue --out qms-fcc.txt qms-fcc.json
expect_stderr_line "ISO 9001 certificates carry no ISO 22003-1 food chain categories"

# ---- the signed catalog -------------------------------------------------------------

# A newer catalog that ends ISO 37001:2016 on 2026-06-30 replaces the
# built-in one; the same signed by another key, or an older version, is
# refused.
python3 - "$CATALOG" >newer.json <<'PY' || setup_failed "newer.json"
import json, sys
c = json.load(open(sys.argv[1]))
c["version"] += 1
for f in c["families"]:
    if f["family"] == "ISO 37001":
        f["transitions"] = [{"from": "ISO 37001:2016", "to": "ISO 37001:2025", "starts": "2025-03-01",
                             "ends": "2026-06-30", "sources": ["iso-37001-2025"]}]
json.dump(c, sys.stdout, indent=1)
PY
python3 - "$CATALOG" >older.json <<'PY' || setup_failed "older.json"
import json, sys
c = json.load(open(sys.argv[1]))
c["version"] = 0 if c["version"] > 1 else c["version"]
if c["version"] == 0: c["version"] = 1
json.dump(c, sys.stdout)
PY
expect_exit 0 cs catalog sign --key "$DEMO_ROOT" --issuer IAF-DEMO --out newer.cose newer.json
expect_exit 0 cs catalog show --catalog newer.cose --root "$DEMO_ROOT_PUB"
expect_stdout "transition ISO 37001:2016 -> ISO 37001:2025"
record "ISO 37001:2016" 2025-01-10 2027-12-31 iaf >abms.json
expect_exit 0 issue --out abms.txt abms.json
expect_exit 0 cs verify --trust ab.key.pub --at 2026-12-01 abms.txt
expect_exit 14 cs verify --trust ab.key.pub --root "$DEMO_ROOT_PUB" --catalog newer.cose \
    --at 2026-12-01 abms.txt
expect_stderr_line "ISO 37001:2016 certificates ended on 2026-06-30 \\(transition to ISO 37001:2025\\)"
# The example of DESIGN §2 step 7: an ISO/IEC 27001:2013 certificate
# dated 2026-11-15, issued under a catalog that lacks its transition (as
# by a program that knows no catalog), is EXPIRED, the reason naming the
# transition.
python3 - "$CATALOG" >no27001.json <<'PY' || setup_failed "no27001.json"
import json, sys
c = json.load(open(sys.argv[1]))
for f in c["families"]:
    if f["family"] == "ISO/IEC 27001":
        f["transitions"] = []
json.dump(c, sys.stdout)
PY
expect_exit 0 cs catalog sign --key "$DEMO_ROOT" --issuer IAF-DEMO --out no27001.cose no27001.json
record "ISO/IEC 27001:2013" 2026-11-15 2029-11-14 none >isms-late.json
expect_exit 1-2 issue --out isms-late.txt isms-late.json
expect_stderr_line "ISO/IEC 27001:2013 certificates may not be issued after 2024-04-30 \\(transition to ISO/IEC 27001:2022"
expect_exit 0 issue --catalog no27001.cose --root "$DEMO_ROOT_PUB" --out isms-late.txt isms-late.json
expect_exit 14 cs verify --trust ab.key.pub --at 2026-11-20 isms-late.txt
expect_stdout '^EXPIRED'
expect_stderr_line "EXPIRED: ISO/IEC 27001:2013 certificates ended on 2025-10-31 \\(transition to ISO/IEC 27001:2022\\)"
expect_exit 14 cs verify --trust ab.key.pub --at 2026-11-20 --json isms-late.txt
check "the JSON reason names the transition" json_true "$CAP/stdout" \
    'j["verdict"] == "EXPIRED" and j["reason"] == "ISO/IEC 27001:2013 certificates ended on 2025-10-31 (transition to ISO/IEC 27001:2022)"'

# Another key: refused, and nothing verified.
expect_exit 0 cs catalog sign --key ab.key --issuer NOT-THE-ROOT --out other.cose newer.json
expect_exit 1 cs verify --trust ab.key.pub --root "$DEMO_ROOT_PUB" --catalog other.cose \
    --at 2026-12-01 abms.txt
expect_stderr_line "other\\.cose: refused: the signed catalog does not verify"
expect_exit 1 cs catalog show --catalog other.cose --root "$DEMO_ROOT_PUB"
# An older version than the built-in one: refused (the built-in one is
# version 1, so a version 0 cannot even be written: the schema starts at 1;
# the rollback is shown against a newer built-in by the unit tests).
expect_exit 0 cs catalog sign --key "$DEMO_ROOT" --issuer IAF-DEMO --out same.cose older.json
expect_exit 0 cs catalog show --catalog same.cose --root "$DEMO_ROOT_PUB" --json
check "show --json prints the catalog" json_true "$CAP/stdout" 'j["catalog"] == "certseal standards catalog"'
# A catalog that breaks its rules is not signed.
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["families"][0]["transitions"][0]["sources"]=["nowhere"]; json.dump(c, sys.stdout)' "$CATALOG" >broken.json
expect_exit 1 cs catalog sign --key "$DEMO_ROOT" --issuer IAF-DEMO --out broken.cose broken.json
expect_stderr_line 'source "nowhere" is not in "sources"'
expect_no_file broken.cose
# --catalog needs --root.
expect_exit 2 cs verify --trust ab.key.pub --catalog newer.cose abms.txt

finish
