#!/bin/sh
# SPDX-License-Identifier: ISC
# make demo: the whole story of certseal with the demo keys in keys-example/.
# An accreditation body accredits a certification body, which issues a
# certificate from its registry and prints it as a QR code; a buyer scans
# and verifies it; the certification body suspends, reinstates and
# withdraws it through its published status list; the accreditation body
# suspends the accreditation; forged and damaged copies fail.  Then the
# verification service runs on 127.0.0.1: the page a phone opens when it
# scans the link form, and the JSON API.  Last, a scheme owner signs a trust
# list of accreditation bodies, a buyer pins only its root, and each way a
# credential or a list fails is shown with its reason.  And a certification
# body rotates its key: an old certificate stays VALID, then is WITHDRAWN
# through a list signed by the new key.
set -u
CERTSEAL=${CERTSEAL:-build/certseal}
work=$(mktemp -d "${TMPDIR:-/tmp}/certseal-demo.XXXXXX")
server=
stop_server() { [ -n "$server" ] && kill "$server" 2> /dev/null && wait "$server"; server=; }
trap 'stop_server; rm -rf "$work"' EXIT INT TERM
today=$(date -u +%Y-%m-%d)
AB_PUB=keys-example/ab-demo.key.pub
LISTS="--status $work/ab-status.cwt --status $work/cb-status.cwt"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold='\033[1m' plain='\033[0m'; else bold= plain=; fi
step() { printf "\n${bold}== %s${plain}\n" "$*"; }
# quote ARG: ARG as the shell reads it back: bare when it holds only safe
# characters, else in single quotes (a quote inside as '\'').
quote() {
    case $1 in
    '' | *[!A-Za-z0-9_./:=,+@%-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
    esac
}
# The command line that can be copied and run: the work folder written as
# "$work", the program as certseal, each argument quoted for the shell.
quoted() {
    line=""
    for arg in "$@"; do
        case $arg in
        "$CERTSEAL") word=certseal ;;
        "$work"/*) word="\"\$work\"$(quote "${arg#"$work"}")" ;;
        *) word=$(quote "$arg") ;;
        esac
        line="$line${line:+ }$word"
    done
    printf '%s' "$line"
}
command_line() { printf '$ %s\n' "$(quoted "$@")"; }
show() { command_line "$@"; "$@"; }
# Runs a command quietly and shows its first line of output and exit status.
verdict() {
    command_line "$@"
    "$@" > "$work/out" 2> /dev/null
    status=$?
    head -n 1 "$work/out"
    echo "exit status: $status"
}
publish() {
    $CERTSEAL status publish --registry "$work/$1.db" --out "$work/$1-status.cwt" 2> /dev/null ||
        exit 1
    echo "(published $1-status.cwt)"
}

step "The demo keys (keys-example/: DEMO ONLY, never for real certificates)"
sed -n "1,3p" keys-example/README.md
echo "(every command is shown as it can be copied and run from the top of the source tree)"
printf '$ work=%s\n' "$(quote "$work")"
# git keeps every file readable by all, and certseal warns about a private
# key others can read: the demo works on copies only its user can read.
show install -m 600 keys-example/ab-demo.key keys-example/cb-demo.key "$work/" || exit 1

step "1. The accreditation body (UKAS-DEMO) keeps a registry and accredits the certification body"
show $CERTSEAL init --registry "$work/ab.db" --key "$work/ab-demo.key" \
    --status-uri https://ab.example/s || exit 1
show $CERTSEAL accredit --registry "$work/ab.db" --subject-key keys-example/cb-demo.key.pub \
    --issuer UKAS-DEMO --subject CB-DEMO-001 --name "Demo Certification Ltd" \
    --number DEMO-0042 --country GB --standard "ISO 9001:2015" --standard "ISO 14001:2015" \
    --iaf 17,18,31 --not-before 2026-01-01 --expires 2030-12-31 --out "$work/ac.cose" || exit 1

step "2. The certification body keeps its own registry, with that accreditation"
show $CERTSEAL init --registry "$work/cb.db" --key "$work/cb-demo.key" \
    --accreditation "$work/ac.cose" --status-uri https://cb.example/s \
    --link-base https://verify.example.org/v || exit 1

step "3. It issues a certificate from a record, with its QR code for the printed certificate"
show cat tests/fixtures/record-typical.json
show $CERTSEAL issue --registry "$work/cb.db" --out "$work/token.txt" --qr "$work/cert.png" \
    tests/fixtures/record-typical.json || exit 1
show cat "$work/token.txt"
show $CERTSEAL qr --text "$work/token.txt"

step "4. Both bodies publish their signed status lists"
publish ab
publish cb

step "5. A buyer scans the printed code and verifies it with the AB's public key and the lists"
show $CERTSEAL scan "$work/cert.png" | cut -c 1-72
show $CERTSEAL verify --trust $AB_PUB $LISTS --qr "$work/cert.png"
echo "exit status: $?"
echo "Without the lists the status cannot be checked, and status is required:"
verdict $CERTSEAL verify --trust $AB_PUB "$work/token.txt"

step "6. A surveillance audit is missed: the certificate is suspended"
show $CERTSEAL suspend --registry "$work/cb.db" --reason "surveillance audit missed" \
    GB-Q-2026-004217
publish cb
verdict $CERTSEAL verify --trust $AB_PUB $LISTS "$work/token.txt"

step "7. The audit takes place: reinstated"
show $CERTSEAL reinstate --registry "$work/cb.db" --reason "audit closed" GB-Q-2026-004217
publish cb
verdict $CERTSEAL verify --trust $AB_PUB $LISTS "$work/token.txt"

step "8. The client leaves: withdrawn for good"
show $CERTSEAL withdraw --registry "$work/cb.db" --reason "contract ended" GB-Q-2026-004217
publish cb
verdict $CERTSEAL verify --trust $AB_PUB $LISTS "$work/token.txt"
show $CERTSEAL list --registry "$work/cb.db" --history

step "9. Another certificate; then the accreditation body suspends the accreditation itself"
command_line $CERTSEAL issue --registry "$work/cb.db" --out "$work/multisite.txt" \
    tests/fixtures/record-multisite.json
$CERTSEAL issue --registry "$work/cb.db" --out "$work/multisite.txt" \
    tests/fixtures/record-multisite.json || exit 1
publish cb
verdict $CERTSEAL verify --trust $AB_PUB $LISTS "$work/multisite.txt"
show $CERTSEAL suspend --registry "$work/ab.db" --reason "assessment findings open" DEMO-0042
publish ab
verdict $CERTSEAL verify --trust $AB_PUB $LISTS "$work/multisite.txt"

step "10. A forged copy: the organisation's name edited in the signed bytes"
command_line $CERTSEAL inspect --cose-out "$work/token.cose" "$work/multisite.txt"
$CERTSEAL inspect --cose-out "$work/token.cose" "$work/multisite.txt" > /dev/null
printf '$ LC_ALL=C sed %s "$work"/token.cose > "$work"/forged.cose\n' "$(quote 's/Nordlicht/Nordlichd/')"
LC_ALL=C sed 's/Nordlicht/Nordlichd/' "$work/token.cose" > "$work/forged.cose"
verdict $CERTSEAL verify --trust $AB_PUB "$work/forged.cose"

step "11. A damaged copy: one character of the printed token changed"
# Change the 300th character to another Base45 character.
awk '{ c = substr($0, 300, 1); r = (c == "A") ? "B" : "A";
       print substr($0, 1, 299) r substr($0, 301) }' "$work/multisite.txt" > "$work/damaged.txt"
verdict $CERTSEAL verify --trust $AB_PUB "$work/damaged.txt"

step "12. Checked against another trust store (a key that is not the accreditation body's)"
$CERTSEAL keygen --out "$work/other-ab.key" > /dev/null
verdict $CERTSEAL verify --trust "$work/other-ab.key.pub" "$work/multisite.txt"

step "13. The accreditation is reinstated; the verification service runs on 127.0.0.1"
show $CERTSEAL reinstate --registry "$work/ab.db" --reason "findings closed" DEMO-0042
publish ab
mkdir "$work/lists" && cp "$work/ab-status.cwt" "$work/cb-status.cwt" "$work/lists/"
printf '$ %s 2> "$work"/serve.log &\n' "$(quoted $CERTSEAL serve --trust $AB_PUB --status "$work/lists" \
    --publish "$work/lists" --listen 127.0.0.1:0 --port-file "$work/port")"
$CERTSEAL serve --trust $AB_PUB --status "$work/lists" --publish "$work/lists" \
    --listen 127.0.0.1:0 --port-file "$work/port" 2> "$work/serve.log" &
server=$!
tries=0
while [ ! -s "$work/port" ] && [ $tries -lt 100 ]; do sleep 0.1; tries=$((tries + 1)); done
[ -s "$work/port" ] || { cat "$work/serve.log"; exit 1; }
port=$(cat "$work/port")
base="http://127.0.0.1:$port"
echo "(listening on $base)"

step "14. The link form of the second certificate: a phone camera opens it in the browser"
$CERTSEAL qr --form link --link-base "$base/v" --out "$work/link.png" "$work/multisite.txt" \
    > /dev/null 2>&1 || exit 1
printf '$ url=$(%s)\n' "$(quoted $CERTSEAL scan "$work/link.png")"
url=$($CERTSEAL scan "$work/link.png") || exit 1
printf '$ echo "$url"\n'
echo "$url"
printf '$ certseal qr --text --ecc L "$url"\n'
$CERTSEAL qr --text --ecc L "$url"

step "15. The page the phone shows, and the same verification as JSON"
page() { # the page's title, verdict banner and the sentence under it
    printf '$ curl -s "$url"\n'
    curl -s "$1" | sed -n 's/.*<title>\(.*\)<\/title>.*/  title:  \1/p;
        s/^<h1>\(.*\)<\/h1>$/  banner: \1/p; s/^<p>\(.*\)<\/p>$/  \1/p' | head -n 3
}
page "$url"
printf '$ curl -s --data-binary @"$work"/multisite.txt %s\n' "$(quote "$base/api/v1/verify")"
curl -s --data-binary @"$work/multisite.txt" "$base/api/v1/verify" | cut -c 1-160
echo "..."
printf '$ curl -s --data-binary @"$work"/token.txt %s   # the withdrawn one\n' \
    "$(quote "$base/api/v1/verify")"
curl -s --data-binary @"$work/token.txt" "$base/api/v1/verify" | cut -c 1-120
echo "..."
show curl -s "$base/healthz"
stop_server
echo "(stopped; its log, one line per request and never a token:)"
sed 's/^/  /' "$work/serve.log"

step "16. A scheme owner (IAF-DEMO, DEMO ONLY) signs its trust list of accreditation bodies"
show install -m 600 keys-example/iaf-demo-root.key "$work/" || exit 1
show $CERTSEAL trustlist sign --key "$work/iaf-demo-root.key" --sequence 2 --valid-for 30d \
    --out "$work/trust.cose" keys-example/iaf-demo-trustlist.json || exit 1
show $CERTSEAL trustlist show "$work/trust.cose"

step "17. A buyer pins only the root key: the AB's key, identity and recognition come from the list"
TL="--trust-list $work/trust.cose --root keys-example/iaf-demo-root.key.pub --cache-dir $work/cache"
command_line $CERTSEAL verify $TL $LISTS "$work/multisite.txt"
$CERTSEAL verify $TL $LISTS "$work/multisite.txt" > "$work/out" 2>&1
echo "exit status: $?"
grep -E '^(VALID|[A-Z_]+ )|accreditation-(trusted|body)' "$work/out"
echo "With the AB key pinned instead (--trust), the same checks say they were not checked:"
$CERTSEAL verify --trust $AB_PUB $LISTS "$work/multisite.txt" 2>&1 | grep 'accreditation-body '

# A list source in the work folder, made from the demo one with sed.
source_with() {
    cp keys-example/ab-demo.key.pub "$work/" &&
        sed "$1" keys-example/iaf-demo-trustlist.json > "$work/$2.json" &&
        $CERTSEAL trustlist sign --key "$work/iaf-demo-root.key" --sequence 1 --valid-for 30d \
            --out "$work/$2.cose" "$work/$2.json" 2> /dev/null || exit 1
}
# why ARGS...: runs verify quietly; shows its exit status and its one line on stderr.
why() {
    command_line "$@"
    "$@" > /dev/null 2> "$work/err"
    echo "exit status: $?"
    sed 's/^/  /' "$work/err"
}
ROOT="--root keys-example/iaf-demo-root.key.pub --no-cache"

step "18. Failures, each with its verdict and reason: an AB key that is not in the list"
source_with "s|ab-demo.key.pub|$work/other-ab.key.pub|" not-listed
why $CERTSEAL verify --trust-list "$work/not-listed.cose" $ROOT $LISTS "$work/multisite.txt"

step "19. A credential whose iss names another AB (signed with UKAS-DEMO's key, claiming DAKKS-DEMO)"
show $CERTSEAL accredit --key "$work/ab-demo.key" --subject-key keys-example/cb-demo.key.pub \
    --issuer DAKKS-DEMO --subject CB-DEMO-001 --name "Demo Certification Ltd" \
    --number DEMO-0042 --country GB --standard "ISO 9001:2015" --iaf 17,18 \
    --not-before 2026-01-01 \
    --expires 2030-12-31 --out "$work/ac-impostor.cose" 2> /dev/null || exit 1
$CERTSEAL issue --key "$work/cb-demo.key" --accreditation "$work/ac-impostor.cose" \
    --out "$work/impostor.txt" tests/fixtures/record-typical.json 2> /dev/null || exit 1
why $CERTSEAL verify $TL "$work/impostor.txt"

step "20. A standard outside the AB's recognition, and a retired key"
source_with 's|"ISO 14001:2015"|"ISO 14001:2004"|' other-edition
why $CERTSEAL verify --trust-list "$work/other-edition.cose" $ROOT $LISTS "$work/multisite.txt"
source_with 's|"from": "2020-01-01"}$|"from": "2020-01-01", "until": "2026-01-01"}|' retired
why $CERTSEAL verify --trust-list "$work/retired.cose" $ROOT $LISTS "$work/multisite.txt"

step "21. A rolled-back list: sequence 1 after sequence 2 was seen (kept in --cache-dir)"
$CERTSEAL trustlist sign --key "$work/iaf-demo-root.key" --sequence 1 --valid-for 30d \
    --out "$work/old-trust.cose" keys-example/iaf-demo-trustlist.json 2> /dev/null || exit 1
why $CERTSEAL verify --trust-list "$work/old-trust.cose" \
    --root keys-example/iaf-demo-root.key.pub --cache-dir "$work/cache" $LISTS "$work/multisite.txt"

step "22. A list past its next update by more than the grace period (7 days)"
$CERTSEAL trustlist sign --key "$work/iaf-demo-root.key" --sequence 3 --issued-at 2026-01-01 \
    --next-update 2026-02-01 --out "$work/stale-trust.cose" keys-example/iaf-demo-trustlist.json \
    2> /dev/null || exit 1
why $CERTSEAL verify --trust-list "$work/stale-trust.cose" $ROOT $LISTS "$work/multisite.txt"

step "23. Key rotation: a certification body replaces its key; what the old key issued stays valid"
ROT_LISTS="--status $work/ab-status.cwt --status $work/cb2-status.cwt"
show $CERTSEAL keygen --out "$work/cb-2026.key" || exit 1
show $CERTSEAL accredit --registry "$work/ab.db" --subject-key "$work/cb-2026.key.pub" \
    --issuer UKAS-DEMO --subject CB-DEMO-077 --name "Demo Rotating Certification Ltd" \
    --number DEMO-0077 --country GB --standard "ISO 9001:2015" --iaf 17,18 \
    --not-before 2026-01-01 --expires 2030-12-31 --out "$work/ac-2026.cose" || exit 1
show $CERTSEAL init --registry "$work/cb2.db" --key "$work/cb-2026.key" \
    --accreditation "$work/ac-2026.cose" --status-uri https://cb2.example/s || exit 1
show $CERTSEAL issue --registry "$work/cb2.db" --out "$work/old-key.txt" \
    tests/fixtures/record-typical.json || exit 1
publish ab
publish cb2
verdict $CERTSEAL verify --trust $AB_PUB $ROT_LISTS "$work/old-key.txt"
echo "A year later: a new key, accredited under the same number beside the old one"
show $CERTSEAL keygen --out "$work/cb-2027.key" || exit 1
show $CERTSEAL accredit --registry "$work/ab.db" --subject-key "$work/cb-2027.key.pub" \
    --issuer UKAS-DEMO --subject CB-DEMO-077 --name "Demo Rotating Certification Ltd" \
    --number DEMO-0077 --country GB --standard "ISO 9001:2015" --iaf 17,18 \
    --not-before 2026-01-01 --expires 2030-12-31 --out "$work/ac-2027.cose" || exit 1
command_line $CERTSEAL list --registry "$work/ab.db"
$CERTSEAL list --registry "$work/ab.db" | grep -e '^NUMBER' -e '^DEMO-0077'
show $CERTSEAL rekey --registry "$work/cb2.db" --key "$work/cb-2027.key" \
    --accreditation "$work/ac-2027.cose" --reason "annual key rotation" || exit 1
publish ab
publish cb2
echo "The list is now signed by the new key and carries its credential; the old certificate is still VALID:"
command_line $CERTSEAL verify --trust $AB_PUB $ROT_LISTS "$work/old-key.txt"
$CERTSEAL verify --trust $AB_PUB $ROT_LISTS "$work/old-key.txt" 2> /dev/null |
    grep -e '^VALID' -e 'certificate-status'
echo "The old certificate is withdrawn through a list signed by the new key:"
show $CERTSEAL withdraw --registry "$work/cb2.db" --reason "client left" GB-Q-2026-004217
publish cb2
verdict $CERTSEAL verify --trust $AB_PUB $ROT_LISTS "$work/old-key.txt"
echo "(docs/key-lifecycle.md: reissue, compromise runbooks, accreditation body rotation)"

step "24. The certificate as the client receives it: a PDF with the QR code, the token's text and the token attached"
show $CERTSEAL document --registry "$work/cb.db" --out "$work/certificate.pdf" DE-E-2026-000981 ||
    exit 1
echo "A buyer who gets the PDF by e-mail verifies it as it is (the attached token is read first):"
command_line $CERTSEAL verify --trust $AB_PUB $LISTS --qr "$work/certificate.pdf"
$CERTSEAL verify --trust $AB_PUB $LISTS --qr "$work/certificate.pdf" 2> /dev/null |
    grep -e '(attachment):$' -e '^VALID'

step "25. Editions end: the standards catalog holds every transition, and verify checks it"
command_line $CERTSEAL catalog show
$CERTSEAL catalog show | grep -A 4 '^ISO/IEC 27001 '
echo "(a certificate to ISO/IEC 27001:2013 verified after 2025-10-31 is EXPIRED; docs/catalog.md)"

step "26. An integrated certificate (ISO 9001 and ISO 14001), transferred from another CB and restored"
show $CERTSEAL issue --registry "$work/cb.db" --out "$work/integrated.txt" \
    tests/fixtures/record-integrated.json || exit 1
publish cb
command_line $CERTSEAL verify --trust $AB_PUB $LISTS "$work/integrated.txt"
$CERTSEAL verify --trust $AB_PUB $LISTS "$work/integrated.txt" 2> /dev/null |
    grep -e '^VALID' -e 'Transferred' -e 'Restored' -e '^  Standard'
echo "(each standard must be in the accreditation: one outside it gives NOT_ACCREDITED naming it)"

step "Done ($today). certseal(1) and README.md tell the rest."
exit 0
