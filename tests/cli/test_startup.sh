#!/bin/sh
# SPDX-License-Identifier: ISC
# What the program loads (issue 12, docs/architecture.md): `certseal
# --version` and `certseal verify` of one token with --trust and --status
# FILE load at most 12 shared libraries, none of them a service library
# (libcurl, libzbar, libmicrohttpd, libsqlite3, ICU, libqrencode, libpng,
# libjpeg) nor the services plugin; the commands that need a service load
# the plugin and work (verify --qr, verify --fetch and serve are also run
# by test_qr.sh, test_fetch.sh and test_serve.sh); and the program without
# its plugin still verifies.
. "$(dirname "$0")/lib.sh"

MAX_LIBS=12
SERVICE_LIBS='libcurl|libzbar|libmicrohttpd|libsqlite3|libicu|libqrencode|libpng|libjpeg|certseal-services'

TODAY=$(date -u +%Y-%m-%d)
record_edit "$TYPICAL" "d['issued'] = '$TODAY'; d['expires'] = '2034-12-31'" >r.json
{
    "$CERTSEAL" keygen --out ab.key && "$CERTSEAL" keygen --out cb.key &&
        "$CERTSEAL" init --registry ab.db --key ab.key --status-uri https://ab.example/status/1 &&
        "$CERTSEAL" accredit --registry ab.db --issuer AB-TEST --subject CB-TEST --name "Test CB" \
            --country GB --standard "ISO 9001:2015" --iaf 17,18 --not-before 2020-01-01 \
            --expires 2035-12-31 --number ACC-1 --subject-key cb.key.pub --out ac.cose &&
        "$CERTSEAL" init --registry cb.db --key cb.key --accreditation ac.cose \
            --status-uri https://cb.example/status/1 &&
        "$CERTSEAL" issue --registry cb.db --out t1.txt r.json &&
        "$CERTSEAL" status publish --registry cb.db --out cb.list &&
        "$CERTSEAL" status publish --registry ab.db --out ab.list &&
        "$CERTSEAL" qr --out t1.png t1.txt
} >setup.log 2>&1 || setup_failed "a token, its status lists and its QR code: $(tail -3 setup.log)"

# The shared objects a run loads (LD_DEBUG=libs: one "calling init" per
# object, the program itself excepted), one path a line, into FILE.
loaded() {
    ld_out=$1
    shift
    LD_DEBUG=libs "$@" 2>&1 >/dev/null | sed -n 's/.*calling init: //p' | sort -u >"$ld_out"
}

# A sanitizer build loads its runtimes too: the count is for the plain build.
SANITIZED=0
if ldd "$CERTSEAL" | grep -q -e libasan -e libubsan; then SANITIZED=1; fi

check_loaded() { # DESCRIPTION FILE
    if [ "$SANITIZED" = 0 ] && [ "$(wc -l <"$2")" -gt $MAX_LIBS ]; then
        fail "$1 loads $(wc -l <"$2") shared objects, more than $MAX_LIBS: $(tr '\n' ' ' <"$2")"
    elif grep -Eq "$SERVICE_LIBS" "$2"; then
        fail "$1 loads a service: $(grep -E "$SERVICE_LIBS" "$2" | tr '\n' ' ')"
    elif [ ! -s "$2" ]; then
        fail "$1: LD_DEBUG=libs showed nothing loaded"
    else
        pass
    fi
}

# ---- the verifying core alone ----------------------------------------------------

loaded version.libs "$CERTSEAL" --version
check_loaded "certseal --version" version.libs
LAST_CMD=
loaded verify.libs "$CERTSEAL" verify --trust ab.key.pub --status cb.list --status ab.list t1.txt
check_loaded "certseal verify --status FILE" verify.libs
expect_exit 0 cs verify --trust ab.key.pub --status cb.list --status ab.list t1.txt
expect_stdout '^ +Status +valid$'
loaded json.libs "$CERTSEAL" verify --json --trust ab.key.pub --status cb.list --status ab.list t1.txt
check_loaded "certseal verify --json" json.libs
loaded keygen.libs "$CERTSEAL" keygen --out k2.key
check_loaded "certseal keygen" keygen.libs
ldd "$CERTSEAL" | grep -v -e linux-vdso -e 'ld-linux' >ldd.libs
check "ldd certseal: at most $MAX_LIBS libraries, no service" \
    sh -c "[ $SANITIZED = 1 ] || [ \$(wc -l <ldd.libs) -le $MAX_LIBS ]; ! grep -Eq '$SERVICE_LIBS' ldd.libs"

# ---- OpenSSL set up for offline verifying -----------------------------------------

# A verify that fetches nothing makes no TLS connection, so it skips the
# legacy name tables, whose set-up costs more than the verification
# (cs_crypto_init_offline()); it still reads the OpenSSL configuration, the
# system's crypto policy.  A configuration that activates only OpenSSL's
# null provider leaves no algorithm: both verifies fail, none says VALID.
printf 'openssl_conf = init\n[init]\nproviders = prov\n[prov]\nnull = null_sect\n[null_sect]\nactivate = 1\n' >null.cnf
expect_exit 1 env OPENSSL_CONF="$PWD/null.cnf" "$CERTSEAL" verify --trust ab.key.pub \
    --status cb.list --status ab.list t1.txt
check "verify under a policy with no algorithm is not VALID" sh -c "! grep -q VALID '$CAP/stdout'"
expect_exit 1 env OPENSSL_CONF="$PWD/null.cnf" "$CERTSEAL" verify --fetch --no-cache \
    --trust ab.key.pub --status cb.list --status ab.list t1.txt

# ---- the services, loaded when a command needs them ------------------------------

loaded qr.libs "$CERTSEAL" verify --trust ab.key.pub --status cb.list --status ab.list --qr t1.png
check "verify --qr loads the services plugin" grep -q 'certseal-services\.so' qr.libs
expect_exit 0 cs verify --trust ab.key.pub --status cb.list --status ab.list --qr t1.png
expect_stdout '^ +Status +valid$'
loaded list.libs "$CERTSEAL" list --registry cb.db
check "list loads the services plugin and SQLite" grep -q 'libsqlite3' list.libs
expect_exit 0 cs list --registry cb.db
expect_exit 0 cs inspect t1.txt
expect_exit 0 cs serve --help
expect_exit 0 cs --help
expect_stdout '^  serve +the HTTP verification service'

# ---- without the plugin, the core commands still run -----------------------------

mkdir alone
cp "$CERTSEAL" alone/certseal
expect_exit 0 alone/certseal verify --trust ab.key.pub --status cb.list --status ab.list t1.txt
expect_exit 0 alone/certseal --version
# An installed plugin of this version may answer instead; otherwise the
# command says what is missing.
run alone/certseal list --registry cb.db
if [ "$LAST_RC" != 0 ]; then
    check "list without its plugin: exit 1" [ "$LAST_RC" = 1 ]
    check "list without its plugin says so" \
        grep -q '^certseal: list: cannot load the services this command needs' "$CAP/stderr"
fi

finish
