#!/bin/sh
# SPDX-License-Identifier: ISC
# The registry under crashes and concurrency: a 300-record batch killed with
# SIGKILL at random moments (the database stays intact, no status index is
# handed out twice, every recorded token verifies, and running the batch
# again completes it with every number once); two processes issuing into one
# registry at once; and a reader that never sees a half-written status list
# while `status publish` runs in a loop.
. "$(dirname "$0")/lib.sh"

TRIALS=${STRESS_TRIALS:-20}
TODAY=$(date -u +%Y-%m-%d)
if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "$0: sqlite3 is needed (apt-get install sqlite3)" >&2
    exit 1
fi

"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
"$CERTSEAL" accredit --key ab.key --subject-key cb.key.pub --issuer AB-TEST --subject CB-TEST \
    --name "Test CB" --number ACC-1 --country GB --standard "ISO 9001:2015" \
    --standard "ISO 14001:2015" --iaf 17,18,31 --not-before 2020-01-01 --expires 2035-12-31 \
    --out ac.cose >"$CAP/setup.out" 2>"$CAP/setup.err" || setup_failed "accredit"

# gen PREFIX COUNT > OUT: JSON Lines records from the typical fixture.
gen() {
    python3 - "$1" "$2" "$TODAY" "$TYPICAL" <<'PY'
import json, sys
prefix, count, today = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = json.load(open(sys.argv[4], encoding="utf-8"))
for i in range(count):
    d["certificate_number"] = "%s-%04d" % (prefix, i + 1)
    d["issued"], d["original_grant"], d["expires"], d["revision"] = today, "2019-03-14", "2034-12-31", 0
    print(json.dumps(d))
PY
}

new_registry() {
    rm -f "$1" "$1-wal" "$1-shm"
    "$CERTSEAL" init --registry "$1" --key cb.key --accreditation ac.cose \
        --status-uri https://cb.example/status/1 2>"$CAP/setup.err" || setup_failed "init $1"
}

# db_sane DB WHAT: integrity, unique indexes and numbers, tokens verify.
db_sane() {
    check "$2: integrity_check ok" [ "$(sqlite3 "$1" 'PRAGMA integrity_check')" = ok ]
    check "$2: no status index twice" [ -z "$(sqlite3 "$1" \
        'SELECT status_index FROM objects GROUP BY status_index HAVING COUNT(*) > 1')" ]
    check "$2: no number twice" [ -z "$(sqlite3 "$1" \
        'SELECT number FROM objects GROUP BY number HAVING COUNT(*) > 1')" ]
    # verify reads at most 256 KiB at once: 100 tokens a file; status is
    # required, so against the list the registry publishes now
    rm -f tokens.part.* sane.list
    "$CERTSEAL" status publish --registry "$1" --out sane.list >"$CAP/setup.out" \
        2>"$CAP/setup.err" || setup_failed "status publish --registry $1"
    sqlite3 "$1" 'SELECT token FROM objects' | split -l 100 - tokens.part.
    for part in tokens.part.*; do
        [ -s "$part" ] || continue
        expect_exit 0 cs verify --trust ab.key.pub --status sane.list "$part"
    done
}

gen S 300 >batch.jsonl

# ---- SIGKILL at random moments -------------------------------------------------------------

new_registry full.db
start=$(date +%s%N)
"$CERTSEAL" issue --registry full.db --batch batch.jsonl --chunk 10 --out full.jsonl 2>/dev/null
took=$((($(date +%s%N) - start) / 1000000))
# kill within 1.2 times a whole run (a few trials find it finished)
window=$((took * 12 / 10 + 5))
echo "$SCRIPT: a 300-record batch takes ${took} ms; killing within ${window} ms"

partial=0
trial=1
while [ "$trial" -le "$TRIALS" ]; do
    new_registry k.db
    delay=$(awk -v s="$trial$$" -v w="$window" 'BEGIN { srand(s); printf "%.3f", rand() * w / 1000 }')
    "$CERTSEAL" issue --registry k.db --batch batch.jsonl --chunk 10 --out k.jsonl --force \
        2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # SIGKILL cannot be cleaned up after: a kill while --out was being written
    # leaves its temporary file (never the file itself half-written).
    rm -f .k.jsonl.??????
    n=$(sqlite3 k.db 'SELECT COUNT(*) FROM objects')
    [ "$n" -gt 0 ] && [ "$n" -lt 300 ] && partial=$((partial + 1))
    db_sane k.db "trial $trial (killed after ${delay} s, $n recorded)"
    expect_exit 0 cs issue --registry k.db --batch batch.jsonl --chunk 10 --out k.jsonl --force
    check "trial $trial: the re-run completed the batch" \
        [ "$(sqlite3 k.db 'SELECT COUNT(DISTINCT number) FROM objects')" -eq 300 ]
    check "trial $trial: every number once" \
        [ "$(sqlite3 k.db 'SELECT COUNT(*) FROM objects')" -eq 300 ]
    check "trial $trial: --out holds all 300" [ "$(wc -l <k.jsonl)" -eq 300 ]
    trial=$((trial + 1))
done
echo "$SCRIPT: $partial of $TRIALS kills left a partly issued batch"
check "some kills interrupted a batch midway" [ "$partial" -gt 0 ]

# ---- two writers at once ---------------------------------------------------------------------

new_registry two.db
gen A 150 >a.jsonl
gen B 150 >b.jsonl
"$CERTSEAL" issue --registry two.db --batch a.jsonl --chunk 10 --out a.out 2>a.err &
pa=$!
"$CERTSEAL" issue --registry two.db --batch b.jsonl --chunk 10 --out b.out 2>b.err &
pb=$!
wait "$pa"
ra=$?
wait "$pb"
rb=$?
check "two writers: the first finished (exit $ra)" [ "$ra" -eq 0 ]
check "two writers: the second finished (exit $rb)" [ "$rb" -eq 0 ]
check "two writers: 300 certificates" [ "$(sqlite3 two.db 'SELECT COUNT(*) FROM objects')" -eq 300 ]
db_sane two.db "two writers"
# single issues racing too
i=1
while [ "$i" -le 6 ]; do
    record_edit "$TYPICAL" "d['certificate_number'] = 'ONE-$i'; d['issued'] = '$TODAY'; \
d['original_grant'] = '2019-03-14'; d['expires'] = '2034-12-31'" >one-$i.json
    i=$((i + 1))
done
for i in 1 2 3 4 5 6; do
    "$CERTSEAL" issue --registry two.db --out one-$i.tok one-$i.json 2>one-$i.err &
done
wait
check "six racing single issues all recorded" \
    [ "$(sqlite3 two.db "SELECT COUNT(*) FROM objects WHERE number LIKE 'ONE-%'")" -eq 6 ]
db_sane two.db "racing single issues"

# ---- readers during publish ------------------------------------------------------------------

"$CERTSEAL" status publish --registry two.db --out list.cwt 2>/dev/null || setup_failed "publish"
(
    n=0
    while [ "$n" -lt 25 ]; do
        "$CERTSEAL" status publish --registry two.db --out list.cwt 2>/dev/null || exit 1
        n=$((n + 1))
    done
) &
publisher=$!
reads=0
bad=0
while kill -0 "$publisher" 2>/dev/null; do
    "$CERTSEAL" status show list.cwt >/dev/null 2>"$CAP/show.err" || bad=$((bad + 1))
    reads=$((reads + 1))
done
wait "$publisher"
rp=$?
check "the publisher succeeded every time" [ "$rp" -eq 0 ]
check "$reads reads during publishing, none saw a broken list ($bad bad)" [ "$bad" -eq 0 ]
check "the reader ran during publishing" [ "$reads" -gt 0 ]
expect_no_stray

finish
