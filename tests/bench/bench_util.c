/* SPDX-License-Identifier: ISC */
/* tests/bench/bench_util.c - timing and reporting shared by the sections. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "bench.h"

#define RAW_SECONDS 1.0
#define RAW_MESSAGE_BYTES 600

int bench_exit_status = 0;

void bench_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

void bench_failure(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: FAILED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    bench_exit_status = 1;
}

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_measure_round(rate *r)
{
    double start = bench_now(), elapsed;
    long ops = 0;

    do {
        for (int i = 0; i < BATCH; i++) {
            if (!r->op(r->ctx)) {
                r->failed = true;
                return;
            }
        }
        ops += BATCH;
        elapsed = bench_now() - start;
    } while (elapsed < ROUND_SECONDS);
    r->ops += (double)ops;
    r->seconds += elapsed;
    if ((double)ops / elapsed > r->best)
        r->best = (double)ops / elapsed;
}

void bench_measure(rate *rates, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rates[i].op(rates[i].ctx); /* warm-up: caches, lazy OpenSSL set-up */
    for (int round = 0; round < ROUNDS; round++)
        for (size_t k = 0; k < n; k++) {
            rate *r = &rates[(k + (size_t)round) % n];
            if (!r->failed)
                bench_measure_round(r);
        }
    for (size_t i = 0; i < n; i++)
        if (rates[i].failed)
            bench_failure("%s: an operation failed during timing", rates[i].name);
}

const char *bench_verdict(double ratio, double target)
{
    return ratio >= target ? "PASS" : "BELOW TARGET";
}

void bench_load_fixture(const char *dir, fixture *f)
{
    char path[4096], detail[256] = "";
    uint8_t *json = NULL;
    size_t len = 0;
    cs_err err;

    snprintf(path, sizeof(path), "%s/%s", dir, f->file);
    if ((err = cs_file_read_all(path, CS_RECORD_MAX, &json, &len)) != CS_OK)
        bench_fatal("%s: %s", path, cs_strerror(err));
    if ((err = cs_record_parse_json((const char *)json, len, &f->cert, detail, sizeof(detail))) !=
        CS_OK)
        bench_fatal("%s: %s (%s)", path, cs_strerror(err), detail);
    free(json);
}

static int64_t demo_date(const char *text)
{
    int64_t t = 0;
    if (cs_date_parse(text, &t) != CS_OK)
        bench_fatal("bad date %s", text);
    return t;
}

void bench_issuer_init(bench_issuer *b, cs_alg alg)
{
    const char *standards[] = {"ISO 9001:2015", "ISO 14001:2015"};
    uint64_t iaf[] = {17, 18, 31};
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    memset(b, 0, sizeof(*b));
    b->alg = alg;
    if (cs_key_generate(alg, &b->ab) != CS_OK || cs_key_generate(alg, &b->cb) != CS_OK)
        bench_fatal("cannot generate %s keys", cs_alg_name(alg));
    cs_accreditation_params ac = {
        .issuer = "UKAS-DEMO",
        .subject = "CB-DEMO-001",
        .name = "Demo Certification Ltd",
        .number = "DEMO-0042",
        .country = "GB",
        .standards = standards,
        .standard_count = 2,
        .iaf_codes = iaf,
        .iaf_count = 3,
        .not_before = demo_date("2026-01-01"),
        .expires = demo_date("2031-01-01"), /* exclusive: the last day is 2030-12-31 */
        .issued_at = demo_date("2026-01-01"),
        .subject_key = b->cb,
    };
    if ((err = cs_accreditation_sign(b->ab, &ac, &b->ac, &b->ac_len, NULL, 0)) != CS_OK)
        bench_fatal("%s: cs_accreditation_sign: %s", cs_alg_name(alg), cs_strerror(err));
    if ((err = cs_issuer_new(b->cb, b->ac, b->ac_len, &b->issuer, detail, sizeof(detail))) != CS_OK)
        bench_fatal("%s: cs_issuer_new: %s (%s)", cs_alg_name(alg), cs_strerror(err), detail);
}

void bench_issuer_free(bench_issuer *b)
{
    cs_issuer_free(&b->issuer);
    cs_key_free(&b->ab);
    cs_key_free(&b->cb);
    free(b->ac);
    memset(b, 0, sizeof(*b));
}

char *bench_issue_token(bench_issuer *b, fixture *f, cs_form form, const char *link_base)
{
    const char *token;
    size_t len;
    char detail[CS_DETAIL_SIZE] = "", *copy;
    cs_err err = cs_issuer_issue(b->issuer, &f->cert, form, link_base, 0, &token, &len, detail,
                                 sizeof(detail));
    if (err != CS_OK)
        bench_fatal("%s: cannot issue %s: %s (%s)", cs_alg_name(b->alg), f->file, cs_strerror(err),
                    detail);
    if ((copy = strdup(token)) == NULL)
        bench_fatal("out of memory");
    return copy;
}

cs_key_t *bench_public_copy(const cs_key_t *key)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    cs_key_t *copy = NULL;
    bool p256 = cs_key_alg(key) == CS_ALG_ES256;

    if (cs_key_public_coordinates(key, x, y) != CS_OK ||
        cs_key_from_public_coordinates(cs_key_alg(key), x, sizeof(x), p256 ? y : NULL,
                                       p256 ? sizeof(y) : 0, &copy) != CS_OK)
        bench_fatal("cannot copy a public key");
    return copy;
}


cs_certificate *bench_make_certificates(const char *dir, const char *file, size_t count)
{
    char path[4096], detail[256] = "", number[32];
    uint8_t *json = NULL;
    size_t len = 0;
    cs_certificate *certs = calloc(count, sizeof(*certs));

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (certs == NULL || cs_file_read_all(path, CS_RECORD_MAX, &json, &len) != CS_OK)
        bench_fatal("%s: cannot read", path);
    for (size_t i = 0; i < count; i++) {
        if (cs_record_parse_json((const char *)json, len, &certs[i], detail, sizeof(detail)) !=
            CS_OK)
            bench_fatal("%s: %s", path, detail);
        snprintf(number, sizeof(number), "BENCH-%06zu", i);
        free(certs[i].number);
        if ((certs[i].number = strdup(number)) == NULL)
            bench_fatal("out of memory");
    }
    free(json);
    return certs;
}

void bench_free_certificates(cs_certificate *certs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        cs_certificate_clear(&certs[i]);
    free(certs);
}

/* Signs (verify false) or verifies one RAW_MESSAGE_BYTES message with a new
 * EVP_MD_CTX, as the library does; false when OpenSSL fails. */
static bool raw_once(EVP_PKEY *pkey, bool verify, uint8_t *msg, uint8_t *sig, size_t *sig_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok;

    if (verify)
        ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
             EVP_DigestVerify(ctx, sig, *sig_len, msg, RAW_MESSAGE_BYTES) == 1;
    else
        ok = ctx != NULL && EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
             EVP_DigestSign(ctx, sig, sig_len, msg, RAW_MESSAGE_BYTES) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

/* Raw signatures (verify false) or verifications per second over
 * RAW_SECONDS. */
static double raw_rate(EVP_PKEY *pkey, bool verify)
{
    uint8_t msg[RAW_MESSAGE_BYTES] = {0}, sig[64];
    size_t sig_len = sizeof(sig);
    double start, elapsed;
    long count = 0;

    if (!raw_once(pkey, false, msg, sig, &sig_len))
        bench_fatal("raw Ed25519 signature failed");
    start = bench_now();
    do {
        for (int i = 0; i < BATCH; i++) {
            if (!verify) {
                sig_len = sizeof(sig);
                msg[0] = (uint8_t)count;
            }
            if (!raw_once(pkey, verify, msg, sig, &sig_len))
                bench_fatal("raw Ed25519 %s failed", verify ? "verification" : "signature");
            count++;
        }
        elapsed = bench_now() - start;
    } while (elapsed < RAW_SECONDS);
    return (double)count / elapsed;
}

double bench_raw_sign_rate(EVP_PKEY *pkey)
{
    return raw_rate(pkey, false);
}

double bench_raw_verify_rate(EVP_PKEY *pkey)
{
    return raw_rate(pkey, true);
}
