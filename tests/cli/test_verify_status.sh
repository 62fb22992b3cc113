#!/bin/sh
# SPDX-License-Identifier: ISC
# verify --status and --require-status (DESIGN §2 step 6) through the
# command line: lists from files and folders, each status check in the text
# and JSON output, status unknown (no list, an expired list, a list signed
# by another key) and its exit code 19, and a --status file that is not a
# status list.  The registry makes the lists (status publish); records are
# dated today so that verification at the present time works on any clock.
. "$(dirname "$0")/lib.sh"

TODAY=$(date -u +%Y-%m-%d)
LATER=$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=60))')
CB_URI=https://cb.example/status/1
AB_URI=https://ab.example/status/1

"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
"$CERTSEAL" keygen --out other.key >/dev/null 2>&1 || setup_failed "keygen other.key"
record_edit "$TYPICAL" "d['certificate_number'] = 'GB-Q-1'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'; d['revision'] = 0" >r1.json
"$CERTSEAL" init --registry ab.db --key ab.key --status-uri $AB_URI >/dev/null 2>&1 ||
    setup_failed "init ab.db"
"$CERTSEAL" accredit --registry ab.db --issuer AB-TEST --subject CB-TEST --name "Test CB" \
    --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
    --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose >/dev/null 2>&1 ||
    setup_failed "accredit"
"$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose --status-uri $CB_URI \
    >/dev/null 2>&1 || setup_failed "init cb.db"
"$CERTSEAL" issue --registry cb.db --out t1.txt r1.json >/dev/null 2>&1 || setup_failed "issue"
mkdir lists
"$CERTSEAL" status publish --registry cb.db --out lists/cb.list >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry ab.db --out lists/ab.list >/dev/null 2>&1 ||
    setup_failed "status publish"

# ---- both lists: every status check passes ----------------------------------------------

expect_exit 0 cs verify --trust ab.key.pub --status lists/cb.list --status lists/ab.list t1.txt
expect_stdout '^ +pass +accreditation-status +valid in the status list https://ab\.example/status/1 \(index [0-9]+\)$'
expect_stdout '^ +pass +certificate-status +valid in the status list https://cb\.example/status/1 \(index [0-9]+\)$'
expect_stdout '^ +Status +valid$'
expect_stderr_empty
# A folder loads every list in it.
expect_exit 0 cs verify --trust ab.key.pub --status lists --require-status --json t1.txt
check "verify --json: status and accreditation_status are valid, the reference is shown" \
    json_true "$CAP/stdout" '(j["status"] == "valid" and j["accreditation_status"] == "valid"
        and j["status_reference"]["uri"] == "'$CB_URI'"
        and j["accreditation"]["status_reference"]["uri"] == "'$AB_URI'")'

# ---- no list: STATUS_UNKNOWN, unless status is explicitly optional ---------------------------

expect_exit 19 cs verify --trust ab.key.pub t1.txt
expect_stdout '^ +fail +certificate-status +no status list for https://cb\.example/status/1 was given, and status is required$'
expect_stdout '^ +Status +unknown$'
expect_exit 0 cs verify --trust ab.key.pub --status-optional t1.txt
expect_stdout '^ +unknown +certificate-status +no status list for https://cb\.example/status/1 was given; status not checked \(status is optional\)$'
expect_stdout '^ +Status +unknown$'
expect_exit 19 cs verify --trust ab.key.pub --require-status t1.txt
expect_stderr_line 't1\.txt: STATUS_UNKNOWN: no status list for https://ab\.example/status/1 was given, and status is required'
expect_exit 19 cs verify --trust ab.key.pub --status lists/ab.list --require-status t1.txt
expect_stderr_line 'STATUS_UNKNOWN: no status list for https://cb\.example/status/1'

# ---- a list that does not verify: STATUS_UNKNOWN even without --require-status -------------

expect_exit 19 cs verify --trust ab.key.pub --status lists --at $LATER t1.txt
expect_stderr_line 'STATUS_UNKNOWN: the status list https://ab\.example/status/1 expired on'
"$CERTSEAL" init --registry rogue.db --key other.key --status-uri $CB_URI >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry rogue.db --out rogue.list >/dev/null 2>&1 ||
    setup_failed "rogue list"
expect_exit 19 cs verify --trust ab.key.pub --status rogue.list --status lists/ab.list t1.txt
expect_stderr_line 'STATUS_UNKNOWN: the status list https://cb\.example/status/1 is not signed by the key expected'
expect_stdout '^ +fail +certificate-status '

# ---- suspended ------------------------------------------------------------------------------

"$CERTSEAL" suspend --registry cb.db --reason "audit overdue" GB-Q-1 >/dev/null 2>&1 &&
    "$CERTSEAL" status publish --registry cb.db --out lists/cb.list >/dev/null 2>&1 ||
    setup_failed "suspend"
expect_exit 16 cs verify --trust ab.key.pub --status lists t1.txt
expect_stdout '^SUSPENDED '
expect_stdout '^ +Status +suspended$'
expect_stderr_line 't1\.txt: SUSPENDED: the certification body has suspended this certificate'

# ---- a --status file that is not a status list ------------------------------------------------

expect_exit 1 cs verify --trust ab.key.pub --status ac.cose t1.txt
expect_stderr_line '^certseal: verify: ac\.cose: not a status list token: .*typ'
expect_stdout_empty
expect_exit 1 cs verify --trust ab.key.pub --status missing.list t1.txt
expect_stderr_line 'missing\.list: cannot read'
cp r1.json lists/zz-not-a-list
expect_exit 1 cs verify --trust ab.key.pub --status lists t1.txt
expect_stderr_line 'lists/zz-not-a-list: not a status list token'
expect_exit 2 cs verify --trust ab.key.pub --status
expect_exit 0 cs verify --help
expect_stdout '--require-status'

finish
