#!/bin/sh
# SPDX-License-Identifier: ISC
# Checks that the documentation says what the code does:
#  - the man pages are clean mdoc (groff -mdoc -ww -z prints nothing);
#  - certseal(1) names every subcommand the program has, and its EXAMPLES run;
#  - every option of every command's table is in certseal(1)'s SYNOPSIS, and
#    every option there is in a table (check-options.py);
#  - the libcertseal(3) example compiles against the verifying core and verifies;
#  - the record JSON Schema and certseal's own record checks agree on every
#    record in tests/fixtures/ and tests/data/records/;
#  - every source file has an SPDX-License-Identifier line (check-spdx.sh);
#  - every ```sh block of README.md and docs/*.md runs, in order, and prints
#    what it shows (tests/docs/check-walkthroughs.py).
# Usage: sh tests/docs/check-docs.sh path/to/certseal
set -u
CERTSEAL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(pwd)
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
work=$(mktemp -d "${TMPDIR:-/tmp}/certseal-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# --- man pages are clean mdoc ------------------------------------------------
for page in docs/certseal.1 docs/libcertseal.3; do
    out=$(groff -mdoc -ww -z "$page" 2>&1)
    [ -z "$out" ] || fail "$page: groff warnings: $out"
done

# --- certseal(1) covers every subcommand --------------------------------------
for cmd in $("$CERTSEAL" --help | awk '/^commands:/ { on = 1; next } on && !NF { exit } on { print $1 }'); do
    grep -q "^\.Cm $cmd\$" docs/certseal.1 || fail "certseal(1) does not describe '$cmd'"
    grep -q "^\.Ss $cmd\$" docs/certseal.1 || fail "certseal(1) has no section for '$cmd'"
done

# --- every option table agrees with the SYNOPSIS of certseal(1) ----------------
python3 tests/docs/check-options.py "$CERTSEAL" docs/certseal.1 > "$work/options.out" ||
    { fail "option tables and certseal(1) disagree:"; sed 's/^/    /' "$work/options.out"; }

# --- the EXAMPLES of certseal(1) run, in order --------------------------------
awk '/^\.Sh EXAMPLES/ { on = 1; next } /^\.Sh / { on = 0 }
     on && /^\$ / { sub(/^\$ /, ""); line = $0; cont = /\\e$/ ; sub(/\\e$/, "", line);
                    printf "%s", line; if (!cont) print ""; next }
     on && cont { line = $0; cont = /\\e$/; sub(/\\e$/, "", line); sub(/^ +/, " ", line);
                  printf "%s", line; if (!cont) print "" }' docs/certseal.1 > "$work/examples.sh"
[ -s "$work/examples.sh" ] || fail "certseal(1) EXAMPLES: no commands found"
cp tests/fixtures/record-typical.json "$work/"
mkdir -p "$work/bin" && ln -s "$CERTSEAL" "$work/bin/certseal"
while IFS= read -r example; do
    (cd "$work" && PATH="$work/bin:$PATH" eval "$example") > "$work/out" 2>&1 ||
        { fail "certseal(1) example failed: $example"; sed 's/^/    /' "$work/out"; }
done < "$work/examples.sh"

# --- the libcertseal(3) example compiles against the library and verifies -----
awk '/^\.Sh EXAMPLES/ { on = 1; next } /^\.Sh / { on = 0 }
     on && /^\.Bd/ { body = 1; next } on && /^\.Ed/ { body = 0 }
     on && body { gsub(/\\e/, "\\"); print }' docs/libcertseal.3 > "$work/example.c"
# Against the verifying core alone (docs/architecture.md), as the page says.
library=$(dirname "$CERTSEAL")/libcertseal-core.a
if ! ${CC:-cc} -std=c11 -Wall -Werror ${EXAMPLE_CFLAGS:-} -Ipkg/include -o "$work/example" "$work/example.c" \
        "$library" $(pkg-config --libs libcrypto libcbor jansson zlib) 2> "$work/cc.err"
then
    fail "libcertseal(3) EXAMPLES does not compile:"; sed 's/^/    /' "$work/cc.err"
else
    mkdir "$work/lib3"
    "$CERTSEAL" accredit --key keys-example/ab-demo.key --subject-key keys-example/cb-demo.key.pub \
        --issuer UKAS-DEMO --subject CB-DEMO-001 --name "Demo Certification Ltd" \
        --number DEMO-0042 --country GB --standard "ISO 9001:2015" --iaf 17,18 \
        --not-before 2026-01-01 --expires 2040-12-31 --out "$work/lib3/ac.cose" 2> /dev/null
    # The example verifies as of today: a certificate valid until 2039.
    sed 's/"expires": "[0-9-]*"/"expires": "2039-12-31"/' tests/fixtures/record-typical.json \
        > "$work/lib3/record.json"
    token=$("$CERTSEAL" issue --key keys-example/cb-demo.key --accreditation "$work/lib3/ac.cose" \
        "$work/lib3/record.json" 2> /dev/null)
    verdict=$("$work/example" keys-example/ab-demo.key.pub "$token")
    [ "$verdict" = VALID ] || fail "libcertseal(3) example printed '$verdict', expected VALID"
    verdict=$("$work/example" "$work/lib3" "$token")
    [ -z "$verdict" ] || fail "libcertseal(3) example with no trusted key printed '$verdict'"
fi

# --- the JSON Schema and the C record checks agree ----------------------------
python=""
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import jsonschema' 2>/dev/null; then python=$candidate; break; fi
done
if [ -z "$python" ]; then
    fail "no Python with jsonschema (make deps-test installs python3-jsonschema)"
else
    keys="$work/schema" && mkdir "$keys"
    "$CERTSEAL" keygen --out "$keys/ab.key" > /dev/null &&
    "$CERTSEAL" keygen --out "$keys/cb.key" > /dev/null &&
    "$CERTSEAL" accredit --key "$keys/ab.key" --subject-key "$keys/cb.key.pub" --issuer AB \
        --subject CB --name "Schema Check CB" --number ACC-1 --country GB \
        --standard "ISO 9001:2015" --standard "ISO 14001:2015" --iaf 17,18,31 \
        --not-before 2000-01-01 --expires 2040-12-31 --out "$keys/ac.cose" 2> /dev/null ||
        fail "could not make the accreditation for the schema check"
    for record in tests/fixtures/*.json tests/data/records/*.json; do
        if "$python" - "$record" << 'PY' > /dev/null 2>&1
import json, sys, jsonschema
schema = json.load(open("schemas/record.schema.json"))
jsonschema.validate(json.load(open(sys.argv[1])), schema,
                    format_checker=jsonschema.FormatChecker())
PY
        then by_schema=accepted; else by_schema=rejected; fi
        if "$CERTSEAL" issue --key "$keys/cb.key" --accreditation "$keys/ac.cose" "$record" \
            > /dev/null 2>&1
        then by_certseal=accepted; else by_certseal=rejected; fi
        # bad-nfc-*: text not in NFC, which a JSON Schema pattern cannot
        # express (the schema's description says so); certseal refuses it.
        case "$(basename "$record")" in
            bad-nfc-*) want=rejected want_schema=accepted ;;
            bad-*) want=rejected want_schema=rejected ;;
            *) want=accepted want_schema=accepted ;;
        esac
        [ "$by_schema" = "$want_schema" ] ||
            fail "$record: the schema $by_schema it, expected $want_schema"
        [ "$by_certseal" = "$want" ] || fail "$record: certseal issue $by_certseal it, expected $want"
    done
fi

# --- every source file names its licence ----------------------------------------
cd "$top"
sh tests/docs/check-spdx.sh > "$work/spdx.out" 2>&1 ||
    { fail "source files without an SPDX licence line:"; sed 's/^/    /' "$work/spdx.out"; }

# --- the walk-throughs of README.md and docs/*.md run and print what they show --
cd "$top"
# Under SAN=1, the leaks of SoftHSM2 (docs/hardware-keys.md) and of fontconfig
# and cairo (certificate documents) are not certseal's: suppressed as
# tests/cli/test_pkcs11.sh and tests/cli/test_document.sh do.
walk_lsan="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(pwd)/tests/docs/walkthrough-lsan.supp"
walk_asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
if ! LSAN_OPTIONS="$walk_lsan" ASAN_OPTIONS="$walk_asan" \
    python3 tests/docs/check-walkthroughs.py "$CERTSEAL" README.md docs/*.md > "$work/walk.out" 2>&1
then
    fail "a walk-through does not do what its text says:"; sed 's/^/    /' "$work/walk.out"
fi

cd "$top"
if [ "$failures" -gt 0 ]; then
    echo "docs: $failures check(s) failed"
    exit 1
fi
echo "docs: man pages, examples and record schema agree with the code"
