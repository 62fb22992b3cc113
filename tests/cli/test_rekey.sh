#!/bin/sh
# SPDX-License-Identifier: ISC
# Key changes (DESIGN §2 step 6, §3, §5): a certification body rekeys its
# registry with the credential its accreditation body issued for the new key
# under the same number; what the old key issued stays VALID, its status
# lists (signed by the new key, carrying the new key's credential) still
# suspend and withdraw it; withdrawing the old key's credential makes it
# NOT_ACCREDITED until `reissue --all` re-issues it under the new key.  A
# list signed by a key accredited for another certification body, or under
# another number, is refused.  Re-accreditation: two current credentials
# under one number, each with its own status.  An accreditation body rekeys
# too.  And registries written by schema 1 open and migrate.
. "$(dirname "$0")/lib.sh"

TODAY=$(date -u +%Y-%m-%d)
CB_URI=https://cb.example/status/1
AB_URI=https://ab.example/status/1

# The registries: files here, or PostgreSQL URIs from test_registry_pg.sh
# (each an empty database), so that key changes run on both engines.
AB=${REGISTRY_AB:-ab.db}
CB=${REGISTRY_CB:-cb.db}
ROGUE=${REGISTRY_ROGUE:-rogue.db}
ROGUE2=${REGISTRY_ROGUE2:-rogue2.db}
regex_of() { printf '%s' "$1" | sed 's/[][\\.^$*+?(){}|]/\\&/g'; }
AB_RE=$(regex_of "$AB")
CB_RE=$(regex_of "$CB")

dated() {
    record_edit "$1" "d['certificate_number'] = '$2'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0"
}

acc() {
    cs accredit --issuer AB-TEST --name "Test CB" --country GB \
        --standard "ISO 9001:2015" --standard "ISO 14001:2015" --iaf 17,18,31 \
        --not-before 2020-01-01 --expires 2035-12-31 --registry "$AB" "$@"
}

publish() {
    expect_exit 0 cs status publish --registry "$CB" --out cb.list
    expect_exit 0 cs status publish --registry "$AB" --out ab.list
}

# verdict CODE TOKEN [ARGS...]: verify with the published lists.
verdict() {
    vd_code=$1 vd_token=$2
    shift 2
    expect_exit "$vd_code" cs verify --trust ab.key.pub --status cb.list --status ab.list "$@" \
        "$vd_token"
}

for k in ab cb cb2 cb3 other ab2; do
    "$CERTSEAL" keygen --out $k.key >$k.kid 2>/dev/null || setup_failed "keygen $k.key"
done
dated "$TYPICAL" OLD-1 >r1.json
dated "$TYPICAL" OLD-2 >r2.json
dated "$MULTISITE" NEW-1 >r3.json

# ---- the bodies before the change -----------------------------------------------------

expect_exit 0 cs init --registry "$AB" --key ab.key --status-uri $AB_URI
expect_exit 0 acc --subject CB-TEST --number ACC-1 --subject-key cb.key.pub --out ac1.cose
expect_exit 0 cs init --registry "$CB" --key cb.key --accreditation ac1.cose --status-uri $CB_URI
expect_exit 0 cs issue --registry "$CB" --out old1.txt r1.json
expect_exit 0 cs issue --registry "$CB" --out old2.txt r2.json
publish
verdict 0 old1.txt

# ---- re-accreditation: the new key under the same number --------------------------------

expect_exit 0 acc --subject CB-TEST --number ACC-1 --subject-key cb2.key.pub --out ac2.cose
expect_stderr_no 'error'
expect_exit 1 acc --subject CB-TEST --number ACC-1 --subject-key cb2.key.pub --out ac2b.cose
expect_stderr_line 'ACC-1: accreditation "ACC-1" is already issued for key [0-9a-f]{16} .*--supersedes'
expect_no_file ac2b.cose
expect_exit 1 acc --subject CB-OTHER --number ACC-1 --subject-key cb3.key.pub --out ac3.cose
expect_stderr_line 'ACC-1: accreditation "ACC-1" belongs to CB-TEST, not CB-OTHER'
expect_exit 0 cs list --registry "$AB"
expect_stdout "^ACC-1 +0 +[0-9]+ +valid +$(cat cb.kid) "
expect_stdout "^ACC-1 +1 +[0-9]+ +valid +$(cat cb2.kid) "
expect_exit 0 cs list --registry "$AB" --json
cp "$CAP/stdout" ab-list.json
check "list --json: one credential per key under ACC-1" json_true ab-list.json \
    "sorted(e['key'] for e in j['entries'] if e['number'] == 'ACC-1') == sorted(['$(cat cb.kid)', '$(cat cb2.kid)'])"
# two current credentials: a status change must name the key
expect_exit 1 cs suspend --registry "$AB" ACC-1
expect_stderr_line 'ACC-1: accreditation "ACC-1" has 2 current credentials, one per key .*--kid KID'
expect_exit 2 cs suspend --registry "$AB" --kid xyz ACC-1
expect_stderr_line "kid: 'xyz' is not a key id"

# ---- rekey the certification body ------------------------------------------------------

expect_exit 1 cs rekey --registry "$CB" --key cb3.key --accreditation ac2.cose
expect_stderr_line 'ac2\.cose: the new credential accredits key [0-9a-f]{16}, not the new key'
expect_exit 2 cs rekey --registry "$CB" --key cb2.key
expect_stderr_line 'accreditation NEW_AC is required'
expect_exit 1 cs rekey --registry "$CB" --key cb.key --accreditation ac1.cose
expect_stderr_line 'already signs with this key and credential'
expect_exit 0 cs rekey --registry "$CB" --key cb2.key --accreditation ac2.cose --reason "annual rotation"
expect_stderr_line "$CB_RE: now signs with key $(cat cb2.kid)"
expect_exit 0 cs list --registry "$CB" --history
expect_stdout '\(registry\) +rev 0 +rekeyed +by .*: key [0-9a-f]{16} replaced by key [0-9a-f]{16}: annual rotation'
# the old key no longer signs for the registry
expect_exit 0 cs issue --registry "$CB" --out new1.txt r3.json
publish
check "the new list carries the new key's credential" python3 -c '
import sys
d = open("cb.list", "rb").read(); ac = open("ac2.cose", "rb").read()
sys.exit(0 if ac in d else 1)'
# certificates of the old key stay VALID, with the list signed by the new key
verdict 0 old1.txt
expect_stdout "signed with the certification body's other key $(cat cb2.kid)"
verdict 0 new1.txt
verdict 0 old1.txt --json
cp "$CAP/stdout" v.json
check "verify --json: the old certificate's status came from the new key's list" json_true v.json \
    "any('other key' in c.get('detail', '') for c in (j['checks'].values() if isinstance(j['checks'], dict) else j['checks']))"

# a list signed by the new key suspends and withdraws an old certificate
expect_exit 0 cs suspend --registry "$CB" OLD-2
publish
verdict 16 old2.txt
expect_exit 0 cs withdraw --registry "$CB" OLD-2
publish
verdict 17 old2.txt

# ---- lists signed by keys that do not count -------------------------------------------

# A key the same body accredited for another certification body signs a
# list for CB-TEST's URI, carrying its own credential: refused.
expect_exit 0 acc --subject CB-OTHER --number ACC-9 --subject-key other.key.pub --out ac9.cose
expect_exit 0 cs init --registry "$ROGUE" --key other.key --accreditation ac9.cose --status-uri $CB_URI
expect_exit 0 cs status publish --registry "$AB" --out ab.list
expect_exit 0 cs status publish --registry "$ROGUE" --out rogue.list
expect_exit 19 cs verify --trust ab.key.pub --status rogue.list --status ab.list old1.txt
expect_stdout 'accredited for another certification body \(\\?"?CB-OTHER'
# and one accredited to CB-TEST under another number
expect_exit 0 acc --subject CB-TEST --number ACC-2 --subject-key cb3.key.pub --out ac3.cose
expect_exit 0 cs init --registry "$ROGUE2" --key cb3.key --accreditation ac3.cose --status-uri $CB_URI
expect_exit 0 cs status publish --registry "$AB" --out ab.list
expect_exit 0 cs status publish --registry "$ROGUE2" --out rogue2.list
expect_exit 19 cs verify --trust ab.key.pub --status rogue2.list --status ab.list old1.txt
expect_stdout 'under accreditation \\?"?ACC-2'
# a key whose credential is suspended signs nothing
expect_exit 0 cs suspend --registry "$AB" --kid "$(cat cb2.kid)" ACC-1
publish
verdict 19 old1.txt
expect_stdout 'the status of its credential'
# suspending one key's credential leaves the other's certificates VALID
verdict 13 new1.txt
expect_exit 0 cs reinstate --registry "$AB" --kid "$(cat cb2.kid)" ACC-1
publish
verdict 0 old1.txt
verdict 0 new1.txt

# ---- the old key's credential withdrawn; reissue ------------------------------------------

expect_exit 0 cs withdraw --registry "$AB" --kid "$(cat cb.kid)" ACC-1 --reason "key retired"
publish
verdict 13 old1.txt
verdict 0 new1.txt
expect_exit 2 cs reissue --registry "$CB"
expect_stderr_line 'give --all or the certificate NUMBERs'
expect_exit 1 cs reissue --registry "$CB" OLD-2
expect_stderr_line 'OLD-2.* is withdrawn; only a valid or suspended one is re-issued'
expect_exit 0 cs reissue --registry "$CB" --all --out reissued.jsonl
expect_file reissued.jsonl
check "reissue: OLD-1 alone, as revision 1" json_true reissued.jsonl \
    "[(x['certificate_number'], x['revision']) for x in js] == [('OLD-1', 1)]"
python3 -c 'import json,sys; print(json.loads(open("reissued.jsonl").readline())["token"])' >old1-r1.txt
publish
verdict 0 old1-r1.txt
verdict 13 old1.txt
# a second run re-issues nothing
expect_exit 0 cs reissue --registry "$CB" --all
expect_stdout_empty
expect_exit 0 cs list --registry "$CB"
expect_stdout "^OLD-1 +1 +[0-9]+ +valid +$(cat cb2.kid) "
expect_stdout "^OLD-1 +0 +[0-9]+ +superseded +$(cat cb.kid) "

# back to the old key with the new key's credential: refused
expect_exit 1 cs rekey --registry "$CB" --key cb.key --accreditation ac2.cose
expect_stderr_line 'ac2\.cose: the new credential accredits key'

# ---- accredit --supersedes: a changed scope ------------------------------------------

expect_exit 0 acc --subject CB-TEST --supersedes ACC-1 --subject-key cb2.key.pub \
    --standard "ISO 45001:2018" --out ac2s.cose
expect_exit 0 cs list --registry "$AB"
expect_stdout "^ACC-1 +1 +[0-9]+ +superseded +$(cat cb2.kid) "
expect_stdout "^ACC-1 +2 +[0-9]+ +valid +$(cat cb2.kid) "
expect_exit 1 acc --subject CB-TEST --supersedes ACC-1 --subject-key cb3.key.pub --out x.cose
expect_stderr_line 'ACC-1: accreditation "ACC-1" has no current credential for key'
expect_exit 2 acc --subject CB-TEST --supersedes ACC-1 --number ACC-2 --subject-key cb2.key.pub --out x.cose
expect_stderr_line 'supersedes ACC-1: a new revision keeps its accreditation number'
# the certification body moves to the re-issued credential (same key) and re-issues
dated "$TYPICAL" SUS-1 >r4.json
expect_exit 0 cs issue --registry "$CB" --out sus1.txt r4.json
expect_exit 0 cs suspend --registry "$CB" SUS-1 --reason "audit overdue"
expect_exit 0 cs rekey --registry "$CB" --key cb2.key --accreditation ac2s.cose
expect_exit 0 cs reissue --registry "$CB" --all --out r2.jsonl
check "the second reissue renews NEW-1, OLD-1 and SUS-1" json_true r2.jsonl \
    "sorted(x['certificate_number'] for x in js) == ['NEW-1', 'OLD-1', 'SUS-1']"
expect_exit 0 cs list --registry "$CB" --json
cp "$CAP/stdout" cb-list.json
check "SUS-1 stays suspended in its new revision" json_true cb-list.json \
    "[e['status'] for e in j['entries'] if e['number'] == 'SUS-1'] == ['superseded', 'suspended']"

# ---- an accreditation body rekeys --------------------------------------------------

expect_exit 2 cs rekey --registry "$AB" --key ab2.key --accreditation ac1.cose
expect_stderr_line 'accreditation is for a certification body'
expect_exit 1 cs rekey --registry "$AB" --key ab.key
expect_stderr_line 'already signs with this key'
expect_exit 0 cs rekey --registry "$AB" --key ab2.key
expect_stderr_line "$AB_RE: now signs with key $(cat ab2.kid)"
expect_exit 0 acc --subject CB-TEST --number ACC-1 --subject-key cb3.key.pub --out ac-ab2.cose
check "the new credential is signed by the new key" sh -c \
    '"$1" inspect ac-ab2.cose 2>/dev/null | grep -q "$2" || "$1" inspect --json ac-ab2.cose 2>/dev/null | grep -q "$2"' \
    sh "$CERTSEAL" "$(cat ab2.kid)"
expect_exit 0 cs status publish --registry "$AB" --out ab.list
# the AB's list is now signed by its new key: a verifier that pins only the
# old key cannot check it; one that pins both (or has a trust list with
# both) accepts it for credentials the old key signed
verdict 19 old1-r1.txt
expect_stdout 'https://ab\.example/status/1 is not signed by the key expected'
expect_exit 0 cs verify --trust ab.key.pub --trust ab2.key.pub --status cb.list --status ab.list \
    "$(python3 -c 'import json; print([json.loads(l)["token"] for l in open("r2.jsonl") if "OLD-1" in l][0])')"
expect_stdout "signed with the accreditation body's other key $(cat ab2.kid) \(pinned in the trust store\)"

# With a trust list, the scheme owner lists both AB keys, the old one
# retired from tomorrow: the old key's credentials and the new key's list
# are accepted; once the old key is reported compromised, nothing it signed is.
"$CERTSEAL" keygen --out root.key >/dev/null 2>&1 || setup_failed "keygen root.key"
TOMORROW=$(date -u -d tomorrow +%Y-%m-%d)
TL_TODAY=$(date -u +%Y-%m-%d)
scheme() {
    cat >scheme.json <<EOF
{"issuer": "SCHEME-TEST", "uri": "https://scheme.example/tl", "ttl": 3600,
 "abs": [{"id": "AB-TEST", "name": "Test AB", "country": "GB",
   "recognitions": [{"standard": "ISO 9001", "from": "2020-01-01"}],
   "keys": [{"key": "ab.key.pub", "from": "2020-01-01", "until": "$TOMORROW"$1},
            {"key": "ab2.key.pub", "from": "$TL_TODAY"}]}]}
EOF
}
OLD1_R2=$(python3 -c 'import json; print([json.loads(l)["token"] for l in open("r2.jsonl") if "OLD-1" in l][0])')
scheme ""
expect_exit 0 cs trustlist sign --key root.key --sequence 1 --valid-for 30d --out scheme.cose scheme.json
expect_exit 0 cs verify --trust-list scheme.cose --root root.key.pub --cache-dir tlcache \
    --status cb.list --status ab.list "$OLD1_R2"
expect_stdout "signed with the accreditation body's other key $(cat ab2.kid) \(listed for it in the trust list\)"
scheme ", \"compromised\": \"$TL_TODAY\""
expect_exit 0 cs trustlist sign --key root.key --sequence 2 --valid-for 30d --out scheme2.cose scheme.json
expect_exit 11 cs verify --trust-list scheme2.cose --root root.key.pub --cache-dir tlcache \
    --status cb.list --status ab.list "$OLD1_R2"
expect_stdout 'reported compromised'

# ---- a registry of schema 1 opens with this certseal --------------------------------

# tests/fixtures/registry-v1: an AB and a CB registry written by certseal
# with schema 1 (key paths relative, so they are used from their folder).
mkdir v1
cp "$FIXTURES"/registry-v1/* v1/
cd v1 || setup_failed "cd v1"
expect_exit 0 cs list --registry cb.db --json
cp "$CAP/stdout" cb-v1.json
expect_exit 0 cs list --registry ab.db --json
cp "$CAP/stdout" ab-v1.json
check "schema 1 registries are at schema 2 once opened" python3 -c '
import sqlite3, sys
sys.exit(0 if all(sqlite3.connect(f).execute("PRAGMA user_version").fetchone()[0] == 2
                  for f in ("ab.db", "cb.db")) else 1)'
check "the migrated certificates keep their status, signed by the CB key" json_true cb-v1.json \
    "[(e['number'], e['status']) for e in j['entries']] == [('V1-1', 'valid'), ('V1-2', 'suspended')] and len({e['key'] for e in j['entries']}) == 1"
check "the migrated credential knows its CB key (read from its claims)" python3 -c '
import json, sys
ab = json.load(open("ab-v1.json")); cb = json.load(open("cb-v1.json"))
sys.exit(0 if ab["entries"][0]["key"] == cb["entries"][0]["key"] is not None else 1)'
expect_exit 0 cs status publish --registry cb.db --out cb.list
expect_exit 0 cs status publish --registry ab.db --out ab.list
verdict 0 t1.txt
verdict 16 t2.txt
"$CERTSEAL" keygen --out cb-new.key >/dev/null 2>&1 || setup_failed "keygen cb-new.key"
expect_exit 0 cs accredit --issuer AB-TEST --subject CB-TEST --name "Test CB" --country GB \
    --standard "ISO 9001:2015" --standard "ISO 14001:2015" --iaf 17,18,31 \
    --not-before 2020-01-01 --expires 2035-12-31 --registry ab.db --number ACC-1 \
    --subject-key cb-new.key.pub --out ac-new.cose
expect_exit 0 cs rekey --registry cb.db --key cb-new.key --accreditation ac-new.cose
expect_exit 0 cs reissue --registry cb.db --all --out v1.jsonl
check "the migrated registry re-issues both certificates" json_true v1.jsonl \
    "sorted((x['certificate_number'], x['revision']) for x in js) == [('V1-1', 1), ('V1-2', 1)]"
python3 -c 'import json; [print(json.loads(l)["token"], file=open(json.loads(l)["certificate_number"] + ".txt", "w")) for l in open("v1.jsonl")]'
expect_exit 0 cs status publish --registry cb.db --out cb.list
verdict 18 t1.txt
verdict 0 V1-1.txt
verdict 16 V1-2.txt
cd .. || setup_failed "cd .."
# (read as bytes: opening it with SQLite, even read-only, would leave files beside it)
check "the fixture itself is untouched (schema 1: user_version at offset 60)" python3 -c '
import sys
h = open(sys.argv[1], "rb").read(100)
sys.exit(0 if h[:16] == b"SQLite format 3\0" and int.from_bytes(h[60:64], "big") == 1 else 1)' "$FIXTURES/registry-v1/cb.db"

finish
