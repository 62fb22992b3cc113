/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench.h - what the sections of `make bench` share: timing
 * with interleaved rounds, failure reporting and fixture loading.
 *
 * Each section is one function that main() in bench.c runs, all in one
 * process, so that every rate is compared with its yardstick from the same
 * run.
 */
#ifndef CERTSEAL_BENCH_H
#define CERTSEAL_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "certseal/certseal.h"

#define ROUNDS 6
#define ROUND_SECONDS 0.2
#define BATCH 8 /* operations between two clock readings */

typedef struct fixture {
    const char *file;
    cs_certificate cert;
} fixture;

/* One operation to time; returns false when it failed. */
typedef bool (*op_fn)(void *ctx);

typedef struct rate {
    const char *name;
    op_fn op;
    void *ctx;
    double best; /* operations per second, best round */
    double ops;  /* over all rounds */
    double seconds;
    bool failed;
} rate;

/* 0, or 1 once bench_failure() was called: main()'s exit status. */
extern int bench_exit_status;

/* Reports that the benchmark cannot run, and exits with status 2. */
void bench_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Reports that something did not work (exit status 1 at the end). */
void bench_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic seconds. */
double bench_now(void);
/* Processor seconds the process has used (user + system, every thread). */
double bench_cpu_seconds(void);

/* Measures n rates: ROUNDS rounds of ROUND_SECONDS each, the rounds of the
 * rates interleaved and their order rotating; each keeps its best round. */
void bench_measure(rate *rates, size_t n);

/* One round of r (ROUND_SECONDS), counted into r as bench_measure()
 * counts it: for a section that interleaves rounds of its own. */
void bench_measure_round(rate *r);

/* "PASS" or "BELOW TARGET". */
const char *bench_verdict(double ratio, double target);

/* The demo chain every section issues with: fresh AB and CB keys of one
 * algorithm, the AB's accreditation of the CB (ISO 9001:2015 and ISO
 * 14001:2015, IAF 17, 18 and 31, 2026-01-01 to 2030-12-31, as in the demo)
 * and an issuer holding it. */
typedef struct bench_issuer {
    cs_alg alg;
    cs_key_t *ab, *cb;
    uint8_t *ac; /* the AC's COSE bytes */
    size_t ac_len;
    cs_issuer_t *issuer;
} bench_issuer;

/* Makes the chain (exits on failure); bench_issuer_free() releases it. */
void bench_issuer_init(bench_issuer *b, cs_alg alg);
void bench_issuer_free(bench_issuer *b);

/* f's token in form (link form under link_base), without the self-check,
 * as a new string the caller frees (exits on failure). */
char *bench_issue_token(bench_issuer *b, fixture *f, cs_form form, const char *link_base);

/* A public-only copy of key, for a trust store (exits on failure). */
cs_key_t *bench_public_copy(const cs_key_t *key);

/* count copies of the record dir/file, numbered BENCH-000000 and on
 * (exits on failure); bench_free_certificates() releases them. */
cs_certificate *bench_make_certificates(const char *dir, const char *file, size_t count);
void bench_free_certificates(cs_certificate *certs, size_t count);

/* Raw Ed25519 signatures, or verifications, of a token-sized message (600
 * bytes) per second over a second, with a parsed key and a new EVP_MD_CTX
 * each time, as the library signs and verifies (exits on failure). */
double bench_raw_sign_rate(EVP_PKEY *pkey);
double bench_raw_verify_rate(EVP_PKEY *pkey);

/* Parses dir/f->file as a certificate record into f->cert (exits on error). */
void bench_load_fixture(const char *dir, fixture *f);

/* The sections, in the order main() runs them.  fixtures[0] is
 * record-typical.json, fixtures[1] record-multisite.json. */
void bench_chain(const char *dir, fixture *fixtures, size_t count);
void bench_status(const char *dir, fixture *fixtures, size_t count);
void bench_scan(const char *dir, fixture *fixtures, size_t count);
void bench_pdf(const char *dir, fixture *fixtures, size_t count);
void bench_qr(const char *dir, fixture *fixtures, size_t count);
void bench_qr_corpus(const char *dir, fixture *fixtures, size_t count);
void bench_registry(const char *dir, fixture *fixtures, size_t count);
void bench_issue_batch(const char *dir, fixture *fixtures, size_t count);
void bench_registry_pg(const char *dir, fixture *fixtures, size_t count);
void bench_http(const char *dir, fixture *fixtures, size_t count);
void bench_trustlist(const char *dir, fixture *fixtures, size_t count);
void bench_pkcs11(const char *dir, fixture *fixtures, size_t count);
void bench_document(const char *dir, fixture *fixtures, size_t count);
void bench_batch(const char *dir, fixture *fixtures, size_t count);
/* The certseal program the batch section runs (NULL: not measured). */
extern const char *bench_program_path;

#endif
