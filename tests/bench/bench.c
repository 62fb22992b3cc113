/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench.c - `make bench`: how fast libcertseal verifies and
 * issues compared with the signatures it is built on, and how big its
 * tokens are (DESIGN §4 and §8).
 *
 *   build/tests/bench [FIXTURES_DIR]      (default tests/fixtures)
 *
 * For each algorithm (EdDSA, ES256), in one process:
 *
 *   verify  cs_verifier_verify() of the certificate token made from
 *           record-typical.json, over a trust store holding the AB key,
 *           with the AC cache warm (same CB, same AC), against the raw
 *           OpenSSL rate of one signature check of the same key type
 *           (EVP_DigestVerifyInit + EVP_DigestVerify over 600 bytes with a
 *           parsed EVP_PKEY and a new EVP_MD_CTX each time, as the library
 *           does).  Target: ratio >= 0.9.
 *   issue   cs_issuer_issue() of the same record without and with
 *           CS_ISSUE_VERIFY_SIGNATURE, against raw EVP_DigestSign.
 *           Target: ratio >= 0.7 (without the self-check).
 *   size    characters of the offline and link forms and the QR version at
 *           error correction M, for record-typical.json and
 *           record-multisite.json.  The typical one must stay within 1000
 *           characters and QR version 21 (DESIGN §4).
 *
 * and, from the other sections (bench_*.c, each with its own comment):
 *
 *   qr        PNG images per second of the typical token by libcertseal
 *             against a direct libqrencode + libpng loop (target 0.9), and
 *             the QR versions of both fixtures in both forms
 *   scan      QR decoding by libcertseal against a direct libzbar loop on
 *             the same pixels (target 0.9)
 *   pdf       certificate PDFs scanned, pages per second: the token
 *             attached, the code as an image, the code as vector paths
 *             (drawn by pdftoppm)
 *   status    a 1,048,576-entry status list: build, compress and sign,
 *             decode and verify, look-ups per second
 *   trustlist verify with a trust list of 100 ABs x 3 keys against the AB
 *             key pinned (target 0.98), and signing a list of 1,000 ABs
 *             (target under 100 ms)
 *   registry  batch issue of 100,000 records into an SQLite registry,
 *             durable, against the raw sign rate (target 0.5) and the
 *             careful issuer's limit (for information)
 *   registry_pg
 *             batch issue of BENCH_PG_RECORDS (default 100,000) records by
 *             1, 2 and 4 stations at once into PostgreSQL (a throwaway
 *             server) and into SQLite, against what the cores can sign and
 *             verify (target 0.8 for 4 stations into PostgreSQL)
 *   issue_batch  batch issue with every signature verified
 *             (cs_issue_batch_*() over every processor) against the
 *             careful issuer's limit, processors / (raw sign + raw verify),
 *             measured in the same rounds (target 0.7) (bench_issue_batch.c)
 *   pkcs11    issue with a key in a SoftHSM2 token (one session, one
 *             login) against the same key type as a file, and with a
 *             login per certificate (for information)
 *   document  certificate PDFs per second, the typical record and a batch
 *             of 1,000 written to files
 *   batch     `certseal verify` of many tokens: --json against plain,
 *             --jobs 2 against --jobs 1, 100,000 tokens streamed (rate and
 *             peak RSS) (bench_batch.c)
 *
 * BENCH_ONLY="chain batch" runs only the sections named (chain, batch, qr,
 * qr_corpus, scan, pdf, status, trustlist, pkcs11, registry, registry_pg,
 * issue_batch, http, document).
 *
 * Rates are fair on a small, noisy machine: each rate is the best of
 * ROUNDS rounds of ROUND_SECONDS each (so every rate is measured over more
 * than a second of wall time), and the rounds of the rates being compared
 * are interleaved, alternating which goes first, so that frequency scaling
 * and neighbours hit both sides alike.
 *
 * The verification time is fixed at the record's issue date so that the
 * result does not depend on the day the bench runs.
 *
 * Exit status: 0 whatever the rates (a benchmark, not a test); 1 when
 * anything fails to issue or to verify VALID; 2 when it cannot run.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "bench.h"

#define RAW_MESSAGE_SIZE 600 /* about a certificate token's Sig_structure */
#define VERIFY_TARGET 0.9
#define ISSUE_TARGET 0.7
#define OFFLINE_MAX_CHARS 1000
#define QR_VERSION_MAX 21
#define LINK_BASE "https://verify.example.org/v"

/* ---- raw OpenSSL: the yardstick ----------------------------------------------- */

typedef struct raw_ctx {
    EVP_PKEY *pkey;
    const EVP_MD *md; /* NULL for Ed25519 (PureEdDSA), SHA-256 for P-256 */
    uint8_t msg[RAW_MESSAGE_SIZE];
    uint8_t sig[128];
    size_t sig_len;
} raw_ctx;

static bool raw_sign_once(raw_ctx *c, uint8_t *sig, size_t *sig_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx != NULL && EVP_DigestSignInit(ctx, NULL, c->md, NULL, c->pkey) == 1 &&
              EVP_DigestSign(ctx, sig, sig_len, c->msg, sizeof(c->msg)) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static bool raw_sign(void *ctx)
{
    raw_ctx *c = ctx;
    uint8_t sig[128];
    size_t sig_len = sizeof(sig);
    return raw_sign_once(c, sig, &sig_len);
}

static bool raw_verify(void *ctx)
{
    raw_ctx *c = ctx;
    EVP_MD_CTX *md_ctx = EVP_MD_CTX_new();
    bool ok = md_ctx != NULL && EVP_DigestVerifyInit(md_ctx, NULL, c->md, NULL, c->pkey) == 1 &&
              EVP_DigestVerify(md_ctx, c->sig, c->sig_len, c->msg, sizeof(c->msg)) == 1;
    EVP_MD_CTX_free(md_ctx);
    return ok;
}

static void raw_init(raw_ctx *c, cs_alg alg)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < sizeof(c->msg); i++)
        c->msg[i] = (uint8_t)(i * 31 + 7);
    if (alg == CS_ALG_EDDSA) {
        c->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        c->md = NULL;
    } else {
        c->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        c->md = EVP_sha256();
    }
    c->sig_len = sizeof(c->sig);
    if (c->pkey == NULL || !raw_sign_once(c, c->sig, &c->sig_len) || !raw_verify(c))
        bench_fatal("OpenSSL cannot make a %s key and signature", cs_alg_name(alg));
}

/* ---- libcertseal -------------------------------------------------------------- */

typedef struct lib_ctx {
    cs_alg alg;
    bench_issuer chain;
    cs_trust_t *trust;
    cs_verifier_t *verifier;
    fixture *typical;
    char *token; /* the typical record's offline token */
    size_t token_len;
    unsigned issue_flags;
} lib_ctx;

static bool lib_issue(void *ctx)
{
    lib_ctx *c = ctx;
    const char *token;
    size_t len;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_issuer_issue(c->chain.issuer, &c->typical->cert, CS_FORM_OFFLINE, NULL,
                                 c->issue_flags, &token, &len, detail, sizeof(detail));
    if (err != CS_OK)
        bench_failure("%s: issue %s: %s (%s)", cs_alg_name(c->alg), c->typical->file,
                      cs_strerror(err), detail);
    return err == CS_OK;
}

static bool lib_verify(void *ctx)
{
    lib_ctx *c = ctx;
    cs_verify_result result;
    cs_err err = cs_verifier_verify(c->verifier, (const uint8_t *)c->token, c->token_len, &result);
    bool ok = err == CS_OK && result.verdict == CS_VERDICT_VALID;

    if (!ok)
        bench_failure("%s: verify %s: %s, %s: %s", cs_alg_name(c->alg), c->typical->file,
                      cs_strerror(err), cs_verdict_name(result.verdict),
                      result.verdict == CS_VERDICT_VALID ? ""
                                                         : result.checks[result.failed].detail);
    cs_verify_result_clear(&result);
    return ok;
}

static void lib_init(lib_ctx *c, cs_alg alg, fixture *typical)
{
    char detail[CS_DETAIL_SIZE] = "";
    cs_key_t *trusted;
    const char *token;
    size_t len;
    cs_err err;

    memset(c, 0, sizeof(*c));
    c->alg = alg;
    c->typical = typical;
    bench_issuer_init(&c->chain, alg);
    trusted = bench_public_copy(c->chain.ab);
    if (cs_trust_new(&c->trust) != CS_OK || cs_trust_add_key(c->trust, &trusted) != CS_OK ||
        cs_verifier_new(c->trust, &c->verifier) != CS_OK)
        bench_fatal("out of memory");
    cs_verifier_set_time(c->verifier, typical->cert.issued_at);

    if ((err = cs_issuer_issue(c->chain.issuer, &typical->cert, CS_FORM_OFFLINE, NULL,
                               CS_ISSUE_VERIFY_SIGNATURE, &token, &len, detail, sizeof(detail))) !=
        CS_OK)
        bench_fatal("%s: cannot issue %s: %s (%s)", cs_alg_name(alg), typical->file,
                    cs_strerror(err), detail);
    if ((c->token = strdup(token)) == NULL)
        bench_fatal("out of memory");
    c->token_len = len;
}

static void lib_free(lib_ctx *c)
{
    cs_verifier_free(&c->verifier);
    cs_trust_free(&c->trust);
    bench_issuer_free(&c->chain);
    free(c->token);
}

/* ---- the three reports -------------------------------------------------------- */

static void print_rate_row(const char *alg, const rate *lib, const rate *raw, double target)
{
    double ratio = raw->best > 0 ? lib->best / raw->best : 0;
    if (target > 0)
        printf("  %-6s %-26s %10.0f /s   raw %-14s %10.0f /s   ratio %5.3f  (target %.1f) %s\n",
               alg, lib->name, lib->best, raw->name, raw->best, ratio, target,
               bench_verdict(ratio, target));
    else
        printf("  %-6s %-26s %10.0f /s   raw %-14s %10.0f /s   ratio %5.3f  (for information)\n",
               alg, lib->name, lib->best, raw->name, raw->best, ratio);
}

static void bench_verify(lib_ctx *c)
{
    raw_ctx raw;
    raw_init(&raw, c->alg);
    rate rates[] = {
        {.name = "cs_verifier_verify", .op = lib_verify, .ctx = c},
        {.name = "EVP_DigestVerify", .op = raw_verify, .ctx = &raw},
    };
    if (!lib_verify(c)) /* also warms the AC cache */
        return;
    bench_measure(rates, 2);
    print_rate_row(cs_alg_name(c->alg), &rates[0], &rates[1], VERIFY_TARGET);
    EVP_PKEY_free(raw.pkey);
}

static bool lib_issue_verified(void *ctx)
{
    lib_ctx *c = ctx;
    c->issue_flags = CS_ISSUE_VERIFY_SIGNATURE;
    bool ok = lib_issue(c);
    c->issue_flags = 0;
    return ok;
}

static void bench_issue(lib_ctx *c)
{
    raw_ctx raw;
    raw_init(&raw, c->alg);
    rate rates[] = {
        {.name = "cs_issuer_issue", .op = lib_issue, .ctx = c},
        {.name = "cs_issuer_issue +self-check", .op = lib_issue_verified, .ctx = c},
        {.name = "EVP_DigestSign", .op = raw_sign, .ctx = &raw},
    };
    c->issue_flags = 0;
    bench_measure(rates, 3);
    print_rate_row(cs_alg_name(c->alg), &rates[0], &rates[2], ISSUE_TARGET);
    print_rate_row(cs_alg_name(c->alg), &rates[1], &rates[2], 0);
    EVP_PKEY_free(raw.pkey);
}

static void size_row(lib_ctx *c, fixture *f, cs_form form)
{
    const char *token;
    size_t len, cose_len;
    char detail[CS_DETAIL_SIZE] = "";
    int version = 0, modules = 0;
    cs_err err;
    bool typical_offline = form == CS_FORM_OFFLINE && f == c->typical;

    if ((err = cs_issuer_issue(c->chain.issuer, &f->cert, form, LINK_BASE,
                               CS_ISSUE_VERIFY_SIGNATURE, &token, &len, detail, sizeof(detail))) !=
        CS_OK) {
        bench_failure("%s: issue %s (%s form): %s (%s)", cs_alg_name(c->alg), f->file,
                      cs_form_name(form), cs_strerror(err), detail);
        return;
    }
    cs_issuer_last_cose(c->chain.issuer, &cose_len);
    if ((err = cs_qr_version(token, CS_QR_ECC_M, &version, &modules)) != CS_OK)
        printf("  %-6s %-24s %-8s %5zu chars  %4zu B COSE  QR: %s\n", cs_alg_name(c->alg), f->file,
               cs_form_name(form), len, cose_len, cs_strerror(err));
    else
        printf("  %-6s %-24s %-8s %5zu chars  %4zu B COSE  QR version %2d-M (%dx%d)%s%s\n",
               cs_alg_name(c->alg), f->file, cs_form_name(form), len, cose_len, version, modules,
               modules, typical_offline && len > OFFLINE_MAX_CHARS ? "  OVER 1000 CHARACTERS" : "",
               typical_offline && version > QR_VERSION_MAX ? "  OVER QR VERSION 21" : "");
}

static void bench_sizes(lib_ctx *c, fixture *fixtures, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_row(c, &fixtures[i], CS_FORM_OFFLINE);
        size_row(c, &fixtures[i], CS_FORM_LINK);
    }
}

/* ---- main --------------------------------------------------------------------- */

void bench_chain(const char *dir, fixture *fixtures, size_t count)
{
    const cs_alg algs[] = {CS_ALG_EDDSA, CS_ALG_ES256};
    lib_ctx libs[2];

    for (size_t i = 0; i < 2; i++)
        lib_init(&libs[i], algs[i], &fixtures[0]);

    printf("\n(a) verify %s: decode + CT signature + all checks, AC cache warm\n",
           fixtures[0].file);
    for (size_t i = 0; i < 2; i++)
        bench_verify(&libs[i]);

    printf("\n(b) issue %s: claims + CT signature + zlib + base45 (offline form)\n",
           fixtures[0].file);
    for (size_t i = 0; i < 2; i++)
        bench_issue(&libs[i]);

    printf("\n(c) token size (link form under %s)\n", LINK_BASE);
    for (size_t i = 0; i < 2; i++)
        bench_sizes(&libs[i], fixtures, count);
    printf("  limits: the typical offline token <= %d characters (the size target), QR version "
           "<= %d-M (DESIGN 4)\n",
           OFFLINE_MAX_CHARS, QR_VERSION_MAX);
    (void)dir;

    for (size_t i = 0; i < 2; i++)
        lib_free(&libs[i]);
}

/* The sections, in the order they run. */
static const struct {
    const char *name;
    void (*run)(const char *dir, fixture *fixtures, size_t count);
} SECTIONS[] = {
    {"chain", bench_chain},       {"batch", bench_batch},   {"qr", bench_qr},
    {"qr_corpus", bench_qr_corpus}, {"scan", bench_scan},   {"pdf", bench_pdf},
    {"status", bench_status},     {"trustlist", bench_trustlist}, {"pkcs11", bench_pkcs11},
    {"registry", bench_registry}, {"registry_pg", bench_registry_pg},
    {"issue_batch", bench_issue_batch}, {"http", bench_http},     {"document", bench_document},
};

/* BENCH_ONLY="chain batch" runs only those sections (all when unset). */
static bool section_wanted(const char *name)
{
    const char *only = getenv("BENCH_ONLY");
    size_t len = strlen(name);

    if (only == NULL || *only == '\0')
        return true;
    for (const char *p = only; (p = strstr(p, name)) != NULL; p += len)
        if ((p == only || p[-1] == ' ' || p[-1] == ',') &&
            (p[len] == '\0' || p[len] == ' ' || p[len] == ','))
            return true;
    return false;
}

/* CERTSEAL, else certseal in the build folder the bench is in. */
static void bench_batch_program(const char *self)
{
    static char path[4096];
    const char *env = getenv("CERTSEAL");
    const char *slash = strrchr(self, '/');

    if (env != NULL && *env != '\0')
        bench_program_path = env;
    else if (slash != NULL && (size_t)snprintf(path, sizeof(path), "%.*s/../certseal",
                                               (int)(slash - self), self) < sizeof(path))
        bench_program_path = path;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
    fixture fixtures[] = {{.file = "record-typical.json"}, {.file = "record-multisite.json"}};
    const size_t count = sizeof(fixtures) / sizeof(fixtures[0]);
    char at[CS_DATE_TEXT_SIZE];

    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        bench_fatal("usage: bench [FIXTURES_DIR]");
    for (size_t i = 0; i < count; i++)
        bench_load_fixture(dir, &fixtures[i]);
    cs_date_format(fixtures[0].cert.issued_at, at);

    printf("certseal benchmark: libcertseal with %s\n", OpenSSL_version(OPENSSL_VERSION));
    printf("fixtures %s; verification time fixed at %s (the record's issue date);\n"
           "each rate is the best of %d rounds of %.2f s, the rounds of compared rates "
           "interleaved\n",
           dir, at, ROUNDS, ROUND_SECONDS);

    bench_batch_program(argv[0]);
    for (size_t i = 0; i < sizeof(SECTIONS) / sizeof(SECTIONS[0]); i++)
        if (section_wanted(SECTIONS[i].name))
            SECTIONS[i].run(dir, fixtures, count);

    for (size_t i = 0; i < count; i++)
        cs_certificate_clear(&fixtures[i].cert);
    if (bench_exit_status != 0)
        printf("\nFAILED: something did not issue or verify (see above)\n");
    return bench_exit_status;
}
