#!/bin/sh
# SPDX-License-Identifier: ISC
# Verification receipts: `verify --receipt FILE --receipt-key BUYER.key`
# records what was verified (inputs, token digests, verdicts, certificates),
# when, against which keys, trust lists (seq, SHA-256) and status lists
# (URI, iat, SHA-256 of the bytes published), signed with the buyer's own
# key; `receipt verify --trust BUYER.pub` checks and shows it; a
# change of any one byte is refused; usage errors and a receipt never
# overwritten.
. "$(dirname "$0")/lib.sh"

TODAY=$(date -u +%Y-%m-%d)
"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
"$CERTSEAL" keygen --out buyer.key >buyer.kid 2>/dev/null || setup_failed "keygen buyer.key"
"$CERTSEAL" keygen --alg es256 --out auditor.key >/dev/null 2>&1 || setup_failed "keygen auditor"
"$CERTSEAL" init --registry ab.db --key ab.key --status-uri https://ab.example/s/1 \
    >/dev/null 2>&1 || setup_failed "init ab.db"
"$CERTSEAL" accredit --registry ab.db --issuer AB-TEST --subject CB-TEST --name "Test CB" \
    --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
    --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose >/dev/null 2>&1 ||
    setup_failed "accredit"
"$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose \
    --status-uri https://cb.example/s/1 >/dev/null 2>&1 || setup_failed "init cb.db"
for n in 1 2; do
    record_edit "$TYPICAL" "d['certificate_number'] = 'GB-Q-$n'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0" >r$n.json
    "$CERTSEAL" issue --registry cb.db --out t$n.txt r$n.json >/dev/null 2>&1 ||
        setup_failed "issue GB-Q-$n"
done
"$CERTSEAL" suspend --registry cb.db GB-Q-2 >/dev/null 2>&1 || setup_failed "suspend"
mkdir lists
"$CERTSEAL" status publish --registry cb.db --out lists/cb.list >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry ab.db --out lists/ab.list >/dev/null 2>&1 ||
    setup_failed "status publish"
cat t1.txt t2.txt >both.txt
sha() { sha256sum "$1" | cut -d' ' -f1; }
TOKEN1_SHA=$(printf '%s' "$(cat t1.txt)" | sha256sum | cut -d' ' -f1)

# ---- signed, verified, shown -------------------------------------------------------------

expect_exit 16 cs verify --trust ab.key.pub --status lists --receipt r.cose \
    --receipt-key buyer.key both.txt
expect_file r.cose
expect_exit 0 cs receipt verify --trust buyer.key.pub r.cose
expect_stdout "^VALID receipt, signed by key $(cat buyer.kid)$"
expect_stdout '^  https://cb\.example/s/1 iat .* sha256 '"$(sha lists/cb.list)"'$'
expect_stdout '^  https://ab\.example/s/1 iat .* sha256 '"$(sha lists/ab.list)"'$'
expect_stdout '^  VALID +both\.txt, line 1$'
expect_stdout '^  SUSPENDED +both\.txt, line 2$'
expect_stdout '^    token sha256  '"$TOKEN1_SHA"'$'
expect_stdout '^    organisation  Acme Precision Engineering Ltd$'
expect_exit 0 cs receipt verify --trust buyer.key.pub --json r.cose
check "the JSON holds the verdicts, the pinned key and both lists" json_true "$CAP/stdout" \
    '[r["verdict"] for r in j["results"]] == ["VALID", "SUSPENDED"] and j["results"][1]["certificate"] == "GB-Q-2" and len(j["pinned_kids"]) == 1 and [s["uri"] for s in j["status_lists"]] == ["https://ab.example/s/1", "https://cb.example/s/1"] and j["status_lists"][1]["sha256"] == "'"$(sha lists/cb.list)"'" and j["results"][0]["token_sha256"] == "'"$TOKEN1_SHA"'"'
# --at moves the time verified, not the time signed.
LATER=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 cs verify --trust ab.key.pub --status lists --at "$LATER" --receipt at.cose \
    --receipt-key buyer.key t1.txt
expect_exit 0 cs receipt verify --trust buyer.key.pub --json at.cose
check "verified_at is --at" json_true "$CAP/stdout" \
    'j["verified_at"] == "'"$LATER"'" and j["signed_at"] != j["verified_at"] and j["results"][0]["input"] == "t1.txt"'

# ---- tampering: any one byte ---------------------------------------------------------------

SIZE=$(wc -c <r.cose)
tampered=0
for offset in 0 1 5 17 40 $((SIZE / 2)) $((SIZE - 70)) $((SIZE - 1)); do
    python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[int(sys.argv[2])] ^= 0x20
open(sys.argv[3], "wb").write(d)
' r.cose "$offset" bad.cose
    run "$CERTSEAL" receipt verify --trust buyer.key.pub bad.cose
    if [ "$LAST_RC" -ge 10 ] && [ "$LAST_RC" -le 12 ] && [ ! -s "$CAP/stdout" ]; then
        tampered=$((tampered + 1))
    else
        fail "byte $offset changed: exit $LAST_RC, expected a refusal (10-12) and no output"
    fi
done
check "every changed byte refused" test "$tampered" -eq 8
python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 2] ^= 0x01
open(sys.argv[2], "wb").write(d)
' r.cose bad.cose
expect_exit 12 cs receipt verify --trust buyer.key.pub bad.cose
expect_stderr_line 'bad\.cose: refused: receipt: signature: does not verify with key'
head -c $((SIZE - 1)) r.cose >short.cose
expect_exit 10 cs receipt verify --trust buyer.key.pub short.cose
expect_stderr_line 'short\.cose: refused: receipt: COSE_Sign1: '
expect_exit 11 cs receipt verify --trust auditor.key.pub r.cose
expect_stderr_line 'r\.cose: refused: receipt: signer: signed with key [0-9a-f]{16}, which is none of the keys given \(give the signer.s public key with --trust\)'
expect_exit 10 cs receipt verify --trust buyer.key.pub lists/cb.list
expect_stderr_line 'not a verification receipt'

# ---- an ES256 key signs too; usage ---------------------------------------------------------

expect_exit 0 cs verify --trust ab.key.pub --status lists --receipt es.cose \
    --receipt-key auditor.key t1.txt
expect_exit 0 cs receipt verify --trust auditor.key.pub es.cose
expect_exit 1 cs verify --trust ab.key.pub --status lists --receipt es.cose \
    --receipt-key auditor.key t1.txt
expect_stderr_line 'es\.cose'
expect_exit 2 cs verify --trust ab.key.pub --receipt x.cose t1.txt
expect_stderr_line '--receipt FILE and --receipt-key KEY go together'
expect_exit 2 cs receipt verify r.cose
expect_stderr_line '--trust BUYER\.pub is required'
expect_exit 1 cs verify --trust ab.key.pub --status lists --receipt y.cose \
    --receipt-key missing.key t1.txt
expect_no_file y.cose
expect_no_stray

finish
