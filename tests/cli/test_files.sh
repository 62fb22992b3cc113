#!/bin/sh
# SPDX-License-Identifier: ISC
# Files and the registry file through the command line: QR codes of a batch
# are created like every other output (no overwrite without --force, never
# into a pipe or through a link); private key and registry files that others
# can read are warned about, a key others can write is refused; a private
# key is held by a process that cannot be dumped or traced; a damaged
# registry is refused by every command; a status changed in the file behind
# certseal's back is never published; temporary files a killed publish left
# are cleaned by the next one.
. "$(dirname "$0")/lib.sh"

TODAY=$(date -u +%Y-%m-%d)
CB_URI=https://cb.example/status/1
AB_URI=https://ab.example/status/1

# batch PREFIX COUNT > OUT: COUNT records (JSON Lines) issued today.
batch() {
    python3 - "$1" "$2" "$TODAY" "$TYPICAL" <<'PY'
import json, sys
prefix, count, today, fixture = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
base = json.load(open(fixture, encoding="utf-8"))
for i in range(count):
    d = json.loads(json.dumps(base))
    d["certificate_number"] = "%s-%04d" % (prefix, i + 1)
    d["issued"], d["original_grant"], d["expires"], d["revision"] = today, "2019-03-14", "2034-12-31", 0
    print(json.dumps(d))
PY
}

# listed NUMBER: the registry cb.db holds NUMBER.
listed() {
    "$CERTSEAL" list --registry cb.db 2>/dev/null | grep -q "^$1 "
}

"$CERTSEAL" keygen --out ab.key >/dev/null 2>&1 || setup_failed "keygen ab.key"
"$CERTSEAL" keygen --out cb.key >/dev/null 2>&1 || setup_failed "keygen cb.key"
"$CERTSEAL" init --registry ab.db --key ab.key --status-uri $AB_URI >/dev/null 2>&1 ||
    setup_failed "init ab.db"
"$CERTSEAL" accredit --registry ab.db --issuer AB-TEST --subject CB-TEST --name "Test CB" \
    --country GB --standard "ISO 9001:2015" --iaf 17,18,31 --not-before 2020-01-01 \
    --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose >/dev/null 2>&1 ||
    setup_failed "accredit"
"$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose --status-uri $CB_URI \
    >/dev/null 2>&1 || setup_failed "init cb.db"
batch A 3 >a.jsonl
batch F 3 >f.jsonl
batch G 3 >g.jsonl
batch S 1 >s.jsonl

# ---- issue --batch --qr-dir: like every other output ----------------------------------------

mkdir qr
printf 'not a QR code\n' >qr/F-0001.png
cp qr/F-0001.png kept.png
expect_exit 1 cs issue --registry cb.db --batch f.jsonl --out f-tokens.jsonl --qr-dir qr
expect_stderr_line 'qr/F-0001\.png: already exists; nothing was issued .*--force'
check "an existing QR file is left as it was" cmp -s qr/F-0001.png kept.png
check "nothing of the batch was issued" sh -c '! "$1" list --registry cb.db | grep -q "^F-"' \
    sh "$CERTSEAL"
expect_no_file f-tokens.jsonl qr/F-0002.png

# with --force the regular file is replaced, by a whole PNG
expect_exit 0 cs issue --registry cb.db --batch f.jsonl --out f-tokens.jsonl --qr-dir qr --force
check "--force: the QR file was replaced by a PNG" sh -c \
    'head -c 8 qr/F-0001.png | od -An -tx1 | tr -d " \n" | grep -q "^89504e470d0a1a0a$"'
expect_no_stray qr

# a pipe under the expected name: refused, even with --force, without blocking on it
mkdir qr-fifo
if mkfifo qr-fifo/G-0002.png 2>/dev/null; then
    expect_exit 1 timeout 20 "$CERTSEAL" issue --registry cb.db --batch g.jsonl --qr-dir qr-fifo
    expect_stderr_line 'qr-fifo/G-0002\.png: exists and is not a regular file'
    expect_exit 1 timeout 20 "$CERTSEAL" issue --registry cb.db --batch g.jsonl --qr-dir qr-fifo \
        --force
    expect_stderr_line 'qr-fifo/G-0002\.png: exists and is not a regular file'
    check "nothing of the batch was issued" sh -c '! "$1" list --registry cb.db | grep -q "^G-"' \
        sh "$CERTSEAL"
    check "the pipe is still a pipe" test -p qr-fifo/G-0002.png
else
    skip "mkfifo is not available: the FIFO case is not checked"
fi

# a link under the expected name: refused, and its target is not written
printf 'target\n' >link-target.png
mkdir qr-link
ln -s ../link-target.png qr-link/G-0001.png
expect_exit 1 cs issue --registry cb.db --batch g.jsonl --qr-dir qr-link --force
expect_stderr_line 'qr-link/G-0001\.png: exists and is not a regular file'
check "the link's target is unchanged" sh -c 'test "$(cat link-target.png)" = target'

# ---- permissions of key and registry files ------------------------------------------------

chmod 600 cb.key
expect_exit 0 cs issue --registry cb.db --batch a.jsonl --out a-tokens.jsonl
expect_stderr_no 'warning'

chmod 644 cb.key
batch B 1 >b.jsonl
expect_exit 0 cs issue --registry cb.db --batch b.jsonl --out b-tokens.jsonl
expect_stderr_no 'writable'
check "a key readable by all: one warning naming the key and the fix" sh -c \
    'grep -c "^certseal: issue: .*cb\.key: warning: any user can read this private key (chmod 600 .*cb\.key)$" "$1" | grep -qx 1' \
    sh "$CAP/stderr"

chmod 640 cb.key
expect_exit 0 cs status publish --registry cb.db --out cb.list
check "a key readable by its group: a warning" grep -q "cb\.key: warning: the file's group can read this private key" "$CAP/stderr"

chmod 666 cb.key
batch W 1 >w.jsonl
expect_exit 1 cs issue --registry cb.db --batch w.jsonl --out w-tokens.jsonl
expect_stderr_line 'cb\.key: the private key file is writable by other users, so it is not used \(chmod 600'
check "nothing issued with a key others can write" sh -c '! "$1" list --registry cb.db | grep -q "^W-"' \
    sh "$CERTSEAL"
expect_no_file w-tokens.jsonl
expect_exit 1 cs status publish --registry cb.db --out w.list
expect_stderr_line 'cb\.key: the private key file is writable by other users'
expect_no_file w.list
chmod 600 cb.key

chmod 644 cb.db
expect_exit 0 cs list --registry cb.db
expect_stderr_line 'cb\.db: warning: any user can read this registry \(chmod 600 cb\.db\)'
chmod 600 cb.db
expect_exit 0 cs list --registry cb.db
expect_stderr_empty

# ---- the private key is held by a process that cannot be dumped ------------------------

# LeakSanitizer cannot run under ptrace: a sanitizer build is traced without it.
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
    traced_asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    expect_exit 0 env ASAN_OPTIONS="$traced_asan" strace -f -e trace=prctl,openat -o trace.txt \
        "$CERTSEAL" status publish --registry cb.db --out cb.list
    check "status publish: PR_SET_DUMPABLE 0 before the key file is opened" sh -c \
        'awk "/PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)/ { d = 1 } /openat\\(.*cb\\.key\"/ { print (d ? \"ok\" : \"late\"); exit }" trace.txt | grep -qx ok'
    expect_exit 0 env ASAN_OPTIONS="$traced_asan" strace -f -e trace=prctl -o trace-keygen.txt \
        "$CERTSEAL" keygen --out new.key
    check "keygen: PR_SET_DUMPABLE 0" grep -Eq 'PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)' trace-keygen.txt
else
    skip "strace is not available: PR_SET_DUMPABLE is not checked"
fi

# ---- a killed publish leaves no temporary file for ever ---------------------------------

expect_exit 0 cs status publish --registry cb.db --out cb.list
: >.cb.list.Ab3xY9
: >.cb.list.Zz0000
touch -t 202001010000 .cb.list.Ab3xY9 # a publish killed long ago
: >.cb.list.Qw1234                    # a publish running right now
: >.cb.list.toolong7
touch -t 202001010000 .cb.list.toolong7 .cb.list.Zz0000
: >.other.list.Ab3xY9
touch -t 202001010000 .other.list.Ab3xY9
expect_exit 0 cs status publish --registry cb.db --out cb.list
expect_no_file .cb.list.Ab3xY9 .cb.list.Zz0000
expect_file .cb.list.Qw1234 .cb.list.toolong7 .other.list.Ab3xY9
rm -f .cb.list.Qw1234 .cb.list.toolong7 .other.list.Ab3xY9

# ---- a status changed behind the registry's back ---------------------------------------

if command -v sqlite3 >/dev/null 2>&1; then
    expect_exit 0 cs withdraw --registry cb.db --reason "fraud" A-0002
    expect_exit 0 cs status publish --registry cb.db --out cb.list
    cp cb.list published.list
    expect_exit 0 cs status show cb.list
    expect_stdout 'withdrawn'
    sqlite3 cb.db "UPDATE objects SET status = 0 WHERE number = 'A-0002'"
    expect_exit 1 cs status publish --registry cb.db --out cb.list
    expect_stderr_line 'certificate "A-0002" \(revision 0\) is recorded as valid but its event log says withdrawn.*nothing was published \(.*restore the registry from a backup'
    check "the published list is the one before" cmp -s cb.list published.list
    check "the event log itself is append-only" sh -c \
        '! sqlite3 cb.db "UPDATE events SET action = '"'"'issued'"'"' WHERE number = '"'"'A-0002'"'"'" 2>/dev/null'
    check "events cannot be deleted" sh -c \
        '! sqlite3 cb.db "DELETE FROM events WHERE number = '"'"'A-0002'"'"'" 2>/dev/null'
    sqlite3 cb.db "UPDATE objects SET status = 1 WHERE number = 'A-0002'"
    expect_exit 0 cs status publish --registry cb.db --out cb.list
    # a row added without its event
    sqlite3 cb.db "INSERT INTO objects (number, revision, status_index, status, current, claims, token, issued_at, expires, recorded_at, subject, standard) VALUES ('X-1', 0, 7, 0, 1, x'00', 'CS1:X', 0, 0, 0, 'x', 'x')"
    expect_exit 1 cs status publish --registry cb.db --out cb.list
    expect_stderr_line 'certificate "X-1" \(revision 0\) has no event that records its issue'
else
    skip "sqlite3 is not available: changes behind the registry's back are not checked"
fi

# ---- a damaged registry is refused by every command -------------------------------------

"$CERTSEAL" init --registry dmg.db --key cb.key --accreditation ac.cose --status-uri $CB_URI \
    >/dev/null 2>&1 || setup_failed "init dmg.db"
batch D 20 >d.jsonl
"$CERTSEAL" issue --registry dmg.db --batch d.jsonl --out d-tokens.jsonl >/dev/null 2>&1 ||
    setup_failed "issue into dmg.db"
# An objects page of a small registry: its page 10 (4096-byte pages); the
# page's first bytes (its b-tree header) made invalid.
page=10
if command -v sqlite3 >/dev/null 2>&1; then
    found=$(sqlite3 dmg.db "SELECT pageno FROM dbstat WHERE name = 'objects' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 1" 2>/dev/null)
    [ -n "$found" ] && page=$found
fi
printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' |
    dd of=dmg.db bs=4096 seek=$((page - 1)) conv=notrunc 2>/dev/null
cp dmg.db dmg-before.db
expect_exit 1 cs list --registry dmg.db
expect_stderr_line 'dmg\.db: the registry file is damaged: .*\(restore it from a backup'
expect_exit 1 cs suspend --registry dmg.db D-0020
expect_stderr_line 'dmg\.db: the registry file is damaged: .*\(restore it from a backup'
batch E 1 >e.jsonl
expect_exit 1 cs issue --registry dmg.db --batch e.jsonl --out e-tokens.jsonl
expect_stderr_line 'dmg\.db: the registry file is damaged: .*\(restore it from a backup'
expect_no_file e-tokens.jsonl
expect_exit 1 cs status publish --registry dmg.db --out dmg.list
expect_stderr_line 'dmg\.db: the registry file is damaged'
expect_no_file dmg.list
check "the damaged registry was not written to" cmp -s dmg.db dmg-before.db

expect_no_stray
finish
