#!/bin/sh
# SPDX-License-Identifier: ISC
# Every source file says its licence: an SPDX-License-Identifier line (ISC,
# the LICENSE file) within its first three lines, in the comment syntax of
# its kind.  Source files are the C sources and headers, shell and Python
# scripts, the Makefile, .ci/run, the man pages, the .in templates and the
# linker .map; test data (tests/data/, tests/fixtures/, tests/vectors/,
# tests/fuzz/corpus/) is not source.
#
# Usage: sh tests/docs/check-spdx.sh [--fix]
# Lists the files without the line and fails; with --fix adds it to them
# (after a #! line, else first).  Run from the top of the source tree.
set -u
LICENSE_ID=ISC
fix=0
[ "${1:-}" = --fix ] && fix=1

# The tracked files when this is a git checkout, else every file.
list_files() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files
    else
        find . -type f ! -path './.git/*' ! -path './build/*' | sed 's|^\./||'
    fi
}

# comment_for FILE: the SPDX line in FILE's comment syntax; nothing when
# FILE is not a source file.
comment_for() {
    case $1 in
    tests/data/* | tests/fixtures/* | tests/vectors/* | tests/fuzz/corpus/*) return ;;
    *.c | *.h | *.map) echo "/* SPDX-License-Identifier: $LICENSE_ID */" ;;
    *.sh | *.py | *.in | Makefile | */Makefile | .ci/run) echo "# SPDX-License-Identifier: $LICENSE_ID" ;;
    *.[1-9]) echo ".\\\" SPDX-License-Identifier: $LICENSE_ID" ;;
    esac
}

missing=0
tmp=$(mktemp "${TMPDIR:-/tmp}/certseal-spdx.XXXXXX")
trap 'rm -f "$tmp"' EXIT INT TERM
for file in $(list_files); do
    [ -f "$file" ] || continue
    line=$(comment_for "$file")
    [ -n "$line" ] || continue
    if head -n 3 "$file" | grep -q "SPDX-License-Identifier: $LICENSE_ID\\b"; then
        continue
    fi
    if [ "$fix" = 1 ]; then
        if head -n 1 "$file" | grep -q '^#!'; then
            { head -n 1 "$file"; printf '%s\n' "$line"; tail -n +2 "$file"; } >"$tmp"
        else
            { printf '%s\n' "$line"; cat "$file"; } >"$tmp"
        fi
        cat "$tmp" >"$file" # keeps the file's mode
        echo "spdx: added to $file"
    else
        echo "spdx: $file has no 'SPDX-License-Identifier: $LICENSE_ID' line in its first 3 lines" \
            "(sh tests/docs/check-spdx.sh --fix adds it)"
        missing=$((missing + 1))
    fi
done
[ "$missing" -eq 0 ]
