#!/bin/sh
# SPDX-License-Identifier: ISC
# Many issuing stations sharing one certification body's registry in
# PostgreSQL (DESIGN §5 and §9), against a real PostgreSQL 15 server that the
# test starts (tests/cli/pg_server.sh) and stops:
#
#   (a) 8 stations issuing 2,000 certificates each at once (half over the
#       Unix socket, half over TCP with the password from a libpq password
#       file); then two stations racing on the same numbers, with the same
#       records (each number is issued once, the other station replays the
#       recorded token) and with other claims (each number is issued once,
#       the loser is refused and issues nothing in its place);
#   (b) 20 stations killed with SIGKILL mid-batch, then run again;
#   (c) the server restarted mid-batch, then the stations run again.
#
# After each part, and at the end over everything, psql checks the tables
# (every number and status index once, one "issued" event per revision,
# no event without its certificate) and certseal publishes the status list
# and verifies every recorded token VALID with it; every station's --out
# holds the tokens the registry holds.  Each part prints how long it took.
#
# PG_STATIONS and PG_PER_STATION shrink part (a) for a quick run (default
# 8 and 2000, what issue 18 asks for).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/pg_lib.sh"

STATIONS=${PG_STATIONS:-8}
PER_STATION=${PG_PER_STATION:-2000}
KILLED=20
KILLED_EACH=1000
RESTARTED=4
RESTARTED_EACH=3000
EXPECTED=0

test_start=$(date +%s%N)
pg_start
URI=$PG_URI
echo "$SCRIPT: PostgreSQL 15 started in $(elapsed_ms "$test_start") ms"
pg_chain
expect_exit 0 cs init --registry "$URI" --key "$WORK/cb.key" --accreditation ac.cose \
    --status-uri https://cb.example/status/1
expect_stderr_line 'certification body registry for CB-TEST \(accreditation ACC-1\)'
expect_exit 1 cs init --registry "$URI" --key "$WORK/cb.key" --accreditation ac.cose \
    --status-uri https://cb.example/status/1
expect_stderr_line 'already'

# station_uri N: odd stations over the socket, even ones over TCP.
station_uri() {
    if [ $(($1 % 2)) = 1 ]; then echo "$URI"; else echo "$PG_URI_TCP"; fi
}

# rerun_stations PHASE PREFIX COUNT EACH CHUNK: runs the COUNT stations'
# batches PREFIX1.jsonl ... again at once (odd ones over the socket, even
# ones over TCP) and checks that each completes with EACH tokens in --out.
rerun_stations() {
    rs_pids=
    i=1
    while [ "$i" -le "$3" ]; do
        rm -f "$2$i.out"
        PGPASSFILE=$PG_PASSFILE "$CERTSEAL" issue --registry "$(station_uri "$i")" \
            --batch "$2$i.jsonl" --chunk "$5" --out "$2$i.out" 2>"$2$i.err" &
        rs_pids="$rs_pids $!"
        i=$((i + 1))
    done
    i=1
    for pid in $rs_pids; do
        wait "$pid"
        rc=$?
        cp "$2$i.err" "$CAP/stderr"
        LAST_CMD=" certseal issue --registry URI --batch $2$i.jsonl --chunk $5 --out $2$i.out"
        LAST_RC=$rc
        check "$1 station $i completed when run again (exit $rc)" [ "$rc" -eq 0 ] &&
            check "$1 station $i: --out holds $4 tokens" [ "$(wc -l <"$2$i.out")" -eq "$4" ]
        i=$((i + 1))
    done
}

# issued_now ERRFILE: the "N issued now" count of a batch's summary line.
issued_now() {
    sed -n 's/.* certificates: \([0-9]*\) issued now, .*/\1/p' "$1"
}

# out_matches_registry OUT...: every token of the --out files is the one
# the registry holds for its number.
out_matches_registry() {
    sql "$URI" "SELECT number || ' ' || token FROM objects WHERE current::int = 1" \
        >registry.tokens || return 1
    python3 - registry.tokens "$@" <<'PY'
import json, sys
held = dict(line.split(" ", 1) for line in open(sys.argv[1]).read().splitlines())
bad = 0
for path in sys.argv[2:]:
    for n, line in enumerate(open(path), 1):
        x = json.loads(line)
        if held.get(x["number"]) != x["token"]:
            bad += 1
            if bad <= 5:
                print("    %s line %d: %s is not the token the registry holds" % (path, n, x["number"]))
sys.exit(1 if bad else 0)
PY
}

# no_crash WHAT RC ERRFILE: a station that stopped did so with a message and
# exit status 1, not a crash or a hang.
no_crash() {
    if [ "$2" -gt 128 ]; then
        LAST_CMD=" (station $1)"
        LAST_RC=$2
        : >"$CAP/stdout"
        cp "$3" "$CAP/stderr"
        fail "$1: crashed (signal $(($2 - 128)))"
        return 1
    fi
    pass
}

# ---- (a) 8 stations at once ------------------------------------------------------------------

pg_gen_files S s "$STATIONS" "$PER_STATION"
start=$(date +%s%N)
pids=
i=1
while [ "$i" -le "$STATIONS" ]; do
    PGPASSFILE=$PG_PASSFILE "$CERTSEAL" issue --registry "$(station_uri "$i")" \
        --batch "s$i.jsonl" --out "s$i.out" 2>"s$i.err" &
    pids="$pids $!"
    i=$((i + 1))
done
i=1
for pid in $pids; do
    wait "$pid"
    rc=$?
    LAST_CMD=" certseal issue --registry $(station_uri "$i") --batch s$i.jsonl --out s$i.out"
    LAST_RC=$rc
    : >"$CAP/stdout"
    cp "s$i.err" "$CAP/stderr"
    check "station $i of $STATIONS finished (exit $rc)" [ "$rc" -eq 0 ] &&
        check "station $i issued all $PER_STATION" [ "$(issued_now "s$i.err")" = "$PER_STATION" ] &&
        check "station $i: --out holds $PER_STATION tokens" [ "$(wc -l <"s$i.out")" -eq "$PER_STATION" ]
    i=$((i + 1))
done
took=$(elapsed_ms "$start")
EXPECTED=$((STATIONS * PER_STATION))
echo "$SCRIPT: (a) $STATIONS stations x $PER_STATION certificates at once: ${took} ms," \
    "$((EXPECTED * 1000 / (took + 1))) certificates/s in all"
check "(a) the registry holds $EXPECTED certificates" \
    [ "$(sql "$URI" 'SELECT COUNT(*) FROM objects')" -eq "$EXPECTED" ]
check "(a) each station's tokens are the registry's" out_matches_registry s*.out
lines=$(sql "$URI" 'SELECT COUNT(*) FROM events')
check "(a) $EXPECTED events, one per certificate (found $lines)" [ "$lines" -eq "$EXPECTED" ]

# Two stations racing on the same numbers.  Each batch starts with 400
# numbers of its own, so that both have checked their whole batch against
# the registry (and found the shared numbers free) before either reaches
# the shared ones: the race is decided when they record them.
#
# The same records: each shared number is recorded once; the station that
# comes second replays the recorded token ("already recorded") or, refused,
# completes when run again; both end with the registry's tokens.
start=$(date +%s%N)
{ pg_gen SA 400 && pg_gen SAME 400; } >same1.jsonl
{ pg_gen SB 400 && pg_gen SAME 400; } >same2.jsonl
"$CERTSEAL" issue --registry "$URI" --batch same1.jsonl --chunk 50 --out same1.out 2>same1.err &
p1=$!
PGPASSFILE=$PG_PASSFILE "$CERTSEAL" issue --registry "$PG_URI_TCP" --batch same2.jsonl --chunk 50 \
    --out same2.out 2>same2.err &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
no_crash "same records, station 1" "$r1" same1.err
no_crash "same records, station 2" "$r2" same2.err
n1=$(issued_now same1.err)
n2=$(issued_now same2.err)
echo "$SCRIPT: (a) two stations racing on 400 numbers: exit $r1 and $r2, ${n1:-?} + ${n2:-?}" \
    "issued now (400 of each their own), $(elapsed_ms "$start") ms"
for n in 1 2; do
    eval "rc=\$r$n"
    if [ "$rc" -ne 0 ]; then
        sed -n "s/^/    station $n: /p" "same$n.err" | head -n 3
        rm -f "same$n.out"
        expect_exit 0 cs issue --registry "$URI" --batch "same$n.jsonl" --out "same$n.out"
    fi
done
check "(a) same records: 400 shared numbers, each once" \
    [ "$(sql "$URI" "SELECT COUNT(*) FROM objects WHERE number LIKE 'SAME-%'")" -eq 400 ]
if [ "$r1" -eq 0 ] && [ "$r2" -eq 0 ]; then
    check "(a) same records: what the stations issued adds up to 1200 ($n1 + $n2)" \
        [ "$((n1 + n2))" -eq 1200 ]
fi
check "(a) same records: both stations have the same tokens for the shared numbers" \
    sh -c 'grep "\"SAME-" same1.out >same1.shared && grep "\"SAME-" same2.out >same2.shared &&
           [ "$(wc -l <same1.shared)" -eq 400 ] && cmp -s same1.shared same2.shared'
check "(a) same records: ... the registry's" out_matches_registry same1.out same2.out
EXPECTED=$((EXPECTED + 1200))

# Other claims under the same numbers: each shared number is recorded once,
# with one station's claims; the other station is refused, names the clash
# and issues nothing in its place (its chunks before the clash stay).
{ pg_gen DA 300 && pg_gen DIFF 100 "Design of precision parts."; } >diff1.jsonl
{ pg_gen DB 300 && pg_gen DIFF 100 "Manufacture of precision parts."; } >diff2.jsonl
"$CERTSEAL" issue --registry "$URI" --batch diff1.jsonl --chunk 20 --out diff1.out 2>diff1.err &
p1=$!
"$CERTSEAL" issue --registry "$URI" --batch diff2.jsonl --chunk 20 --out diff2.out 2>diff2.err &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
no_crash "other claims, station 1" "$r1" diff1.err
no_crash "other claims, station 2" "$r2" diff2.err
echo "$SCRIPT: (a) two stations racing with other claims: exit $r1 and $r2"
sed -n 's/^/    station 1: /p' diff1.err | head -n 3
sed -n 's/^/    station 2: /p' diff2.err | head -n 3
check "(a) other claims: not both stations finished" [ $((r1 != 0 || r2 != 0)) -eq 1 ]
for n in 1 2; do
    eval "rc=\$r$n"
    if [ "$rc" -eq 0 ]; then
        check "(a) other claims: station $n finished, with the registry's tokens" \
            out_matches_registry "diff$n.out"
    else
        cp "diff$n.err" "$CAP/stderr"
        check "(a) other claims: station $n names the clash" \
            grep -q 'already recorded with other claims\|already issued with other claims' "diff$n.err"
        expect_no_file "diff$n.out"
    fi
done
diff_count=$(sql "$URI" "SELECT COUNT(*) FROM objects WHERE number LIKE 'DIFF-%'")
check "(a) other claims: at most 100 shared numbers, each once (found $diff_count)" \
    [ "$diff_count" -le 100 ]
check "(a) other claims: each at revision 0" [ "$(sql "$URI" \
    "SELECT COUNT(*) FROM objects WHERE number LIKE 'DIFF-%' AND revision <> 0")" -eq 0 ]
own=$(sql "$URI" "SELECT COUNT(*) FROM objects WHERE number LIKE 'DA-%' OR number LIKE 'DB-%'")
check "(a) other claims: the stations' own numbers in whole chunks ($own)" [ $((own % 20)) -eq 0 ]
EXPECTED=$((EXPECTED + diff_count + own))
start=$(date +%s%N)
pg_registry_sane "$URI" "(a)" "number ~ '^(SA|SB|SAME|DA|DB|DIFF)-'"
echo "$SCRIPT: (a) checked $EXPECTED certificates in $(elapsed_ms "$start") ms"

# ---- (b) 20 stations killed mid-batch ----------------------------------------------------------

pg_gen_files K k "$KILLED" "$KILLED_EACH"
start=$(date +%s%N)
pids=
i=1
while [ "$i" -le "$KILLED" ]; do
    "$CERTSEAL" issue --registry "$URI" --batch "k$i.jsonl" --chunk 10 --out "k$i.out" \
        2>/dev/null &
    pids="$pids $!"
    i=$((i + 1))
done
# Kill them all once a twentieth of what they issue is recorded (they go on
# issuing while the count is polled).
want=$((KILLED * KILLED_EACH / 20))
polls=0
while [ "$(sql "$URI" "SELECT COUNT(*) FROM objects WHERE number LIKE 'K%'")" -lt "$want" ] &&
    [ "$polls" -lt 600 ]; do
    sleep 0.1
    polls=$((polls + 1))
done
for pid in $pids; do kill -KILL "$pid" 2>/dev/null; done
for pid in $pids; do wait "$pid" 2>/dev/null; done
rm -f .k*.out.??????
recorded=$(sql "$URI" "SELECT COUNT(*) FROM objects WHERE number LIKE 'K%'")
echo "$SCRIPT: (b) $KILLED stations killed after $(elapsed_ms "$start") ms with $recorded of" \
    "$((KILLED * KILLED_EACH)) recorded"
check "(b) the kill came mid-batch ($recorded recorded)" \
    [ $((recorded > 0 && recorded < KILLED * KILLED_EACH)) -eq 1 ]
check "(b) whole chunks only ($recorded is a multiple of 10 per station)" [ -z "$(sql "$URI" \
    "SELECT split_part(number, '-', 1) FROM objects WHERE number LIKE 'K%'
     GROUP BY 1 HAVING COUNT(*) % 10 <> 0")" ]
# The server noticed the closed connections: no transaction is left open.
polls=0
while [ "$(sql "$URI" "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
          AND pid <> pg_backend_pid() AND backend_type = 'client backend'")" -gt 0 ] &&
    [ "$polls" -lt 100 ]; do
    sleep 0.1
    polls=$((polls + 1))
done
check "(b) no connection of a killed station is left" [ "$polls" -lt 100 ]
pg_registry_sane "$URI" "(b) after the kills" "number LIKE 'K%'"
start=$(date +%s%N)
rerun_stations "(b)" k "$KILLED" "$KILLED_EACH" 10
EXPECTED=$((EXPECTED + KILLED * KILLED_EACH))
echo "$SCRIPT: (b) the $KILLED re-runs took $(elapsed_ms "$start") ms"
check "(b) the registry holds $EXPECTED certificates" \
    [ "$(sql "$URI" 'SELECT COUNT(*) FROM objects')" -eq "$EXPECTED" ]
check "(b) the re-runs' tokens are the registry's" out_matches_registry k*.out

# ---- (c) the server restarted mid-batch --------------------------------------------------------

pg_gen_files R r "$RESTARTED" "$RESTARTED_EACH"
start=$(date +%s%N)
pids=
i=1
while [ "$i" -le "$RESTARTED" ]; do
    PGPASSFILE=$PG_PASSFILE "$CERTSEAL" issue --registry "$(station_uri "$i")" \
        --batch "r$i.jsonl" --chunk 50 --out "r$i.out" 2>"r$i.err" &
    pids="$pids $!"
    i=$((i + 1))
done
# Restart once a tenth is recorded: the restart itself takes a while.
want=$((RESTARTED * RESTARTED_EACH / 10))
polls=0
while [ "$(sql "$URI" "SELECT COUNT(*) FROM objects WHERE number LIKE 'R%'")" -lt "$want" ] &&
    [ "$polls" -lt 600 ]; do
    sleep 0.1
    polls=$((polls + 1))
done
before=$(sql "$URI" "SELECT COUNT(*) FROM objects WHERE number LIKE 'R%'")
pg_restart
restarted=$?
check "(c) the server restarted" [ "$restarted" -eq 0 ]
cut=0
i=1
for pid in $pids; do
    wait "$pid"
    rc=$?
    no_crash "(c) station $i" "$rc" "r$i.err"
    if [ "$rc" -ne 0 ]; then
        cut=$((cut + 1))
        cp "r$i.err" "$CAP/stderr"
        LAST_CMD=" certseal issue --registry URI --batch r$i.jsonl (cut by the restart)"
        LAST_RC=$rc
        check "(c) station $i: one line saying what happened (exit $rc)" \
            [ "$(wc -l <"r$i.err")" -eq 1 ]
        expect_no_file "r$i.out"
    fi
    i=$((i + 1))
done
after=$(sql "$URI" "SELECT COUNT(*) FROM objects WHERE number LIKE 'R%'")
echo "$SCRIPT: (c) restart after $before of $((RESTARTED * RESTARTED_EACH)) recorded;" \
    "$cut of $RESTARTED stations cut, $after recorded; $(elapsed_ms "$start") ms"
for f in r*.err; do
    grep -v ' issued now, ' "$f" | sed -n 's/^/    a station cut: /p'
done | head -n 2
check "(c) the restart came mid-batch ($before recorded)" \
    [ "$before" -lt $((RESTARTED * RESTARTED_EACH)) ]
pg_registry_sane "$URI" "(c) after the restart" "number LIKE 'R%'"
start=$(date +%s%N)
rerun_stations "(c)" r "$RESTARTED" "$RESTARTED_EACH" 50
EXPECTED=$((EXPECTED + RESTARTED * RESTARTED_EACH))
echo "$SCRIPT: (c) the re-runs took $(elapsed_ms "$start") ms"

# ---- everything, with psql and with certseal ---------------------------------------------------

start=$(date +%s%N)
check "all: the registry holds $EXPECTED certificates" \
    [ "$(sql "$URI" 'SELECT COUNT(*) FROM objects')" -eq "$EXPECTED" ]
check "all: every station's tokens are the registry's" out_matches_registry s*.out k*.out r*.out
expect_exit 0 cs list --registry "$URI" --json
cp "$CAP/stdout" list.json
check "all: list --json names $EXPECTED certificates, each once, all valid" json_true list.json \
    "len(j['entries']) == $EXPECTED and len({e['number'] for e in j['entries']}) == $EXPECTED \
and len({e['status_index'] for e in j['entries']}) == $EXPECTED \
and all(e['status'] == 'valid' for e in j['entries'])"
check "all: list --json has one issued event per certificate" json_true list.json \
    "sorted(e['number'] for e in j['events'] if e['action'] == 'issued') == \
sorted(e['number'] for e in j['entries'])"
pg_registry_sane "$URI" "all"
echo "$SCRIPT: the final checks took $(elapsed_ms "$start") ms; the whole test" \
    "$(elapsed_ms "$test_start") ms"

finish
