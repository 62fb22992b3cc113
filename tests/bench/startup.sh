#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/bench/startup.sh CERTSEAL - the start-up cost of the program (issue
# 12, DESIGN §7): hyperfine runs `certseal --version`, `certseal verify` of
# one token with --trust and --status FILE (and without its lists,
# --status-optional), and `openssl version` in the same run (warm cache),
# and the shared libraries each certseal command loads are counted
# (LD_DEBUG=libs).  Run by `make bench-startup`.
set -eu
CERTSEAL=${1:?usage: startup.sh path/to/certseal}
case $CERTSEAL in /*) ;; *) CERTSEAL=$(pwd)/$CERTSEAL ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
command -v hyperfine >/dev/null 2>&1 ||
    { echo "startup.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/certseal-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"

# One token of an accredited body, its status list and the trust anchor.
TODAY=$(date -u +%Y-%m-%d)
sed -e "s/\"issued\": *\"[0-9-]*\"/\"issued\": \"$TODAY\"/" "$ROOT/tests/fixtures/record-typical.json" >r.json
{
    "$CERTSEAL" keygen --out ab.key &&
    "$CERTSEAL" keygen --out cb.key &&
    "$CERTSEAL" init --registry ab.db --key ab.key --status-uri https://ab.example/status/1 &&
    "$CERTSEAL" accredit --registry ab.db --issuer AB-BENCH --subject CB-BENCH --name "Bench CB" \
        --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
        --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose &&
    "$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose \
        --status-uri https://cb.example/status/1 &&
    "$CERTSEAL" issue --registry cb.db --out t.txt r.json &&
    "$CERTSEAL" status publish --registry cb.db --out cb.list &&
    "$CERTSEAL" status publish --registry ab.db --out ab.list
} >setup.log 2>&1 || { cat setup.log >&2; echo "startup.sh: could not make the token" >&2; exit 1; }
VERIFY="$CERTSEAL verify --trust ab.key.pub --status cb.list --status ab.list t.txt"
$VERIFY >/dev/null || { echo "startup.sh: the token does not verify" >&2; exit 1; }

count_libs() {
    LD_DEBUG=libs "$@" 2>&1 >/dev/null | grep -c 'calling init:' || true
}
echo "shared libraries loaded (LD_DEBUG=libs, init calls, the program itself excluded):"
echo "  certseal --version: $(count_libs "$CERTSEAL" --version)"
echo "  certseal verify:    $(count_libs $VERIFY)"
echo "  openssl version:    $(count_libs openssl version)"
echo "  ldd certseal:       $(ldd "$CERTSEAL" | wc -l) lines"

# The same token without its status lists (--status-optional): the cost of
# the chain alone.
hyperfine -N --warmup 20 --min-runs "${RUNS:-200}" \
    "openssl version" "$CERTSEAL --version" "$VERIFY" \
    "$CERTSEAL verify --trust ab.key.pub --status-optional t.txt" ${HYPERFINE_OPTS:-}
