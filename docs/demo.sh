#!/bin/sh
# make demo: the whole story of certseal with the demo keys in keys-example/.
# An accreditation body accredits a certification body, which issues a
# certificate; a buyer inspects and verifies it, then sees a tampered copy
# and a token checked against the wrong trust store fail.
set -u
CERTSEAL=${CERTSEAL:-build/certseal}
work=$(mktemp -d "${TMPDIR:-/tmp}/certseal-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
today=$(date -u +%Y-%m-%d)

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold='\033[1m' plain='\033[0m'; else bold= plain=; fi
step() { printf "\n${bold}== %s${plain}\n" "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "The demo keys (keys-example/: DEMO ONLY, never for real certificates)"
sed -n "1,3p" keys-example/README.md

step "1. The accreditation body (UKAS-DEMO) accredits the certification body's key"
show $CERTSEAL accredit --key keys-example/ab-demo.key --subject-key keys-example/cb-demo.key.pub \
    --issuer UKAS-DEMO --subject CB-DEMO-001 --name "Demo Certification Ltd" \
    --number DEMO-0042 --country GB --standard "ISO 9001:2015" --standard "ISO 14001:2015" \
    --iaf 17,18,31 --not-before 2026-01-01 --expires 2030-12-31 --out "$work/ac.cose" || exit 1

step "2. The certification body issues a certificate from a record"
show cat tests/fixtures/record-typical.json
show $CERTSEAL issue --key keys-example/cb-demo.key --accreditation "$work/ac.cose" \
    --out "$work/token.txt" tests/fixtures/record-typical.json || exit 1
show cat "$work/token.txt"

step "3. Anyone can decode it (not verified yet)"
show $CERTSEAL inspect "$work/token.txt" | sed -n '1,12p'

step "4. A buyer verifies it with the accreditation body's public key only"
show $CERTSEAL verify --trust keys-example/ab-demo.key.pub "$work/token.txt"
echo "exit status: $?"

step "5. A forged copy: the organisation's name edited in the signed bytes"
show $CERTSEAL inspect --cose-out "$work/token.cose" "$work/token.txt" > /dev/null
printf '$ %s\n' "sed 's/Acme Precision/Acme Precisiom/' token.cose > forged.cose"
LC_ALL=C sed 's/Acme Precision/Acme Precisiom/' "$work/token.cose" > "$work/forged.cose"
show $CERTSEAL verify --trust keys-example/ab-demo.key.pub "$work/forged.cose" > /dev/null
echo "exit status: $?"

step "6. A damaged copy: one character of the printed token changed"
# Change the 300th character to another Base45 character.
awk '{ c = substr($0, 300, 1); r = (c == "A") ? "B" : "A";
       print substr($0, 1, 299) r substr($0, 301) }' "$work/token.txt" > "$work/damaged.txt"
show $CERTSEAL verify --trust keys-example/ab-demo.key.pub "$work/damaged.txt" > /dev/null
echo "exit status: $?"

step "7. Checked against another trust store (a key that is not the accreditation body's)"
$CERTSEAL keygen --out "$work/other-ab.key" > /dev/null
show $CERTSEAL verify --trust "$work/other-ab.key.pub" "$work/token.txt" > /dev/null
echo "exit status: $?"

step "Done ($today). certseal(1) and README.md tell the rest."
exit 0
