/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_issue_batch.c - batch issue with every signature
 * verified, against the careful issuer's limit measured in the same run:
 *
 *   limit   processors / (one raw Ed25519 sign + one raw verify), the raw
 *           rates timed as in (a) and (b): EVP_DigestSign and
 *           EVP_DigestVerify over 600 bytes, a parsed key, a new
 *           EVP_MD_CTX each time, one thread.  No issuer that checks each
 *           signature it makes can beat it.
 *   serial  cs_issuer_issue() with CS_ISSUE_VERIFY_SIGNATURE, one thread,
 *           for information (one processor's share of the limit is 1 /
 *           processors).
 *   split   the design a batch had before (pkg/registry_batch.c without
 *           its database): one thread issues and encodes, a second
 *           verifies each signature (decode + verify, as the self-check
 *           does), the two overlapped through a queue.  Its bound is one
 *           verification per certificate on one processor, about 0.7 of
 *           the limit for Ed25519 (a check costs about two and a half
 *           signatures); for comparison, in the same rounds.
 *   batch   cs_issue_batch_*() over every processor (jobs = processors
 *           online), self-check on, offline form: certificates submitted
 *           for ROUND_SECONDS, then all delivered; the rate counts what was
 *           delivered.  Target: >= 0.7 of the limit.
 *
 * The five are timed in interleaved rounds, alternating which goes first,
 * each keeping its best round, so that neighbours on a shared machine hit
 * them alike.  The certificates are CERT_COPIES parses of
 * record-typical.json, submitted in turn (none is in flight twice).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bench.h"
#include "certseal/issue_batch.h"

#define BATCH_TARGET 0.7
#define CERT_COPIES 256
#define RAW_MESSAGE_BYTES 600
#define SPLIT_QUEUE 64

typedef struct raw_pair {
    EVP_PKEY *pkey;
    uint8_t msg[RAW_MESSAGE_BYTES];
    uint8_t sig[64];
    size_t sig_len;
} raw_pair;

static bool raw_sign(void *ctx)
{
    raw_pair *r = ctx;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t sig[64];
    size_t len = sizeof(sig);
    bool ok = md != NULL && EVP_DigestSignInit(md, NULL, NULL, NULL, r->pkey) == 1 &&
              EVP_DigestSign(md, sig, &len, r->msg, sizeof(r->msg)) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

static bool raw_verify(void *ctx)
{
    raw_pair *r = ctx;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md != NULL && EVP_DigestVerifyInit(md, NULL, NULL, NULL, r->pkey) == 1 &&
              EVP_DigestVerify(md, r->sig, r->sig_len, r->msg, sizeof(r->msg)) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

typedef struct issue_ctx {
    bench_issuer chain;
    cs_certificate *certs; /* CERT_COPIES */
    size_t next;
    uint64_t delivered;
    bool failed;
    /* the best batch round: its rate, and the processor time it used */
    double best, best_cpu, best_wall;
    uint64_t best_count;
} issue_ctx;

/* Processor seconds this process used so far, all threads. */
static double cpu_seconds(void)
{
    struct rusage u;
    if (getrusage(RUSAGE_SELF, &u) != 0)
        return 0;
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static bool serial_issue(void *arg)
{
    issue_ctx *c = arg;
    const char *token;
    size_t len;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_issuer_issue(c->chain.issuer, &c->certs[c->next++ % CERT_COPIES],
                                 CS_FORM_OFFLINE, NULL, CS_ISSUE_VERIFY_SIGNATURE, &token, &len,
                                 detail, sizeof(detail));
    if (err != CS_OK)
        bench_failure("issue_batch: serial issue: %s (%s)", cs_strerror(err), detail);
    return err == CS_OK;
}

static cs_err count_item(void *arg, const cs_issue_batch_item *item)
{
    issue_ctx *c = arg;
    if (item->err != CS_OK || item->token_len == 0 || item->cose_len == 0) {
        if (!c->failed)
            bench_failure("issue_batch: a certificate was not issued: %s (%s)",
                          cs_strerror(item->err), item->detail);
        c->failed = true;
    }
    c->delivered++;
    return CS_OK;
}

/* One batch over ROUND_SECONDS, all delivered: certificates per second
 * (the best round kept in c, with the processor time it took). */
static void batch_round(issue_ctx *c, size_t jobs, size_t *jobs_run)
{
    cs_issue_batch_options options = {.form = CS_FORM_OFFLINE,
                                       .flags = CS_ISSUE_VERIFY_SIGNATURE,
                                       .jobs = jobs};
    cs_issue_batch_t *batch = NULL;
    double start, elapsed, cpu, per_second;
    cs_err err;

    c->delivered = 0;
    if ((err = cs_issue_batch_new(c->chain.issuer, &options, count_item, c, &batch)) != CS_OK)
        bench_fatal("cs_issue_batch_new: %s", cs_strerror(err));
    *jobs_run = cs_issue_batch_jobs(batch);
    cpu = cpu_seconds();
    start = bench_now();
    do {
        for (int i = 0; i < BATCH; i++)
            if (cs_issue_batch_submit(batch, &c->certs[c->next++ % CERT_COPIES]) != CS_OK)
                bench_fatal("cs_issue_batch_submit failed");
    } while (bench_now() - start < ROUND_SECONDS);
    if (cs_issue_batch_finish(batch) != CS_OK)
        bench_fatal("cs_issue_batch_finish failed");
    elapsed = bench_now() - start;
    cpu = cpu_seconds() - cpu;
    cs_issue_batch_free(&batch);
    per_second = (double)c->delivered / elapsed;
    if (per_second > c->best) {
        c->best = per_second;
        c->best_cpu = cpu;
        c->best_wall = elapsed;
        c->best_count = c->delivered;
    }
}

/* ---- split: one thread signs, another verifies ------------------------------------- */

typedef struct split_queue {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    uint8_t *cose[SPLIT_QUEUE];
    size_t len[SPLIT_QUEUE], cap[SPLIT_QUEUE];
    uint64_t pushed, popped;
    bool done, failed;
    const cs_key_t *key;
} split_queue;

static void *split_verifier(void *arg)
{
    split_queue *q = arg;

    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->done && q->popped == q->pushed)
            pthread_cond_wait(&q->changed, &q->lock);
        if (q->popped == q->pushed)
            break;
        size_t k = q->popped % SPLIT_QUEUE;
        pthread_mutex_unlock(&q->lock);
        cs_cose_sign1 msg = {0};
        bool ok = cs_cose_sign1_decode(q->cose[k], q->len[k], &msg) == CS_OK &&
                  cs_cose_sign1_verify(&msg, q->key, NULL, 0, 0) == CS_OK;
        cs_cose_sign1_clear(&msg);
        pthread_mutex_lock(&q->lock);
        q->failed |= !ok;
        q->popped++;
        pthread_cond_broadcast(&q->changed);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* One round of the split design; the best kept in *best (rate) and
 * *best_cpu_each (processor seconds per certificate). */
static void split_round(issue_ctx *c, double *best, double *best_cpu_each)
{
    split_queue q = {.key = c->chain.cb};
    pthread_t thread;
    double start, elapsed, cpu;

    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.changed, NULL);
    if (pthread_create(&thread, NULL, split_verifier, &q) != 0)
        bench_fatal("cannot start a thread");
    cpu = cpu_seconds();
    start = bench_now();
    do {
        const char *token;
        size_t len, cose_len;
        char detail[CS_DETAIL_SIZE] = "";
        cs_err err = cs_issuer_issue(c->chain.issuer, &c->certs[c->next++ % CERT_COPIES],
                                     CS_FORM_OFFLINE, NULL, 0, &token, &len, detail,
                                     sizeof(detail));
        const uint8_t *cose = cs_issuer_last_cose(c->chain.issuer, &cose_len);
        if (err != CS_OK)
            bench_fatal("issue_batch: split: %s (%s)", cs_strerror(err), detail);
        pthread_mutex_lock(&q.lock);
        while (q.pushed - q.popped == SPLIT_QUEUE)
            pthread_cond_wait(&q.changed, &q.lock);
        size_t k = q.pushed % SPLIT_QUEUE;
        pthread_mutex_unlock(&q.lock);
        if (cose_len > q.cap[k]) {
            free(q.cose[k]);
            if ((q.cose[k] = malloc(cose_len)) == NULL)
                bench_fatal("out of memory");
            q.cap[k] = cose_len;
        }
        memcpy(q.cose[k], cose, cose_len);
        q.len[k] = cose_len;
        pthread_mutex_lock(&q.lock);
        q.pushed++;
        pthread_cond_broadcast(&q.changed);
        pthread_mutex_unlock(&q.lock);
    } while (bench_now() - start < ROUND_SECONDS);
    pthread_mutex_lock(&q.lock);
    q.done = true;
    pthread_cond_broadcast(&q.changed);
    pthread_mutex_unlock(&q.lock);
    pthread_join(thread, NULL);
    elapsed = bench_now() - start;
    cpu = cpu_seconds() - cpu;
    if (q.failed)
        bench_failure("issue_batch: split: a signature did not verify");
    if ((double)q.popped / elapsed > *best) {
        *best = (double)q.popped / elapsed;
        *best_cpu_each = cpu / (double)q.popped;
    }
    for (size_t i = 0; i < SPLIT_QUEUE; i++)
        free(q.cose[i]);
    pthread_cond_destroy(&q.changed);
    pthread_mutex_destroy(&q.lock);
}

static void load_copies(const char *dir, const char *file, issue_ctx *c)
{
    fixture f = {.file = file};

    if ((c->certs = calloc(CERT_COPIES, sizeof(*c->certs))) == NULL)
        bench_fatal("out of memory");
    for (size_t i = 0; i < CERT_COPIES; i++) {
        bench_load_fixture(dir, &f);
        c->certs[i] = f.cert;
        memset(&f.cert, 0, sizeof(f.cert));
    }
}

void bench_issue_batch(const char *dir, fixture *fixtures, size_t count)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    size_t cores = online > 0 ? (size_t)online : 1, jobs_run = 0;
    raw_pair raw = {0};
    issue_ctx c = {0};
    rate rates[] = {
        {.name = "EVP_DigestSign", .op = raw_sign, .ctx = &raw},
        {.name = "EVP_DigestVerify", .op = raw_verify, .ctx = &raw},
        {.name = "cs_issuer_issue +self-check", .op = serial_issue, .ctx = &c},
    };
    double limit, ratio, cpu_each, raw_cpu[3] = {0, 0, 0}, raw_each, split = 0, split_cpu = 0;

    (void)count;
    printf("\n(issue_batch) batch issue of %s, every signature verified, EdDSA, offline form\n",
           fixtures[0].file);
    for (size_t i = 0; i < sizeof(raw.msg); i++)
        raw.msg[i] = (uint8_t)(i * 31 + 7);
    raw.sig_len = sizeof(raw.sig);
    if ((raw.pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL)
        bench_fatal("OpenSSL cannot make an Ed25519 key");
    {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        if (md == NULL || EVP_DigestSignInit(md, NULL, NULL, NULL, raw.pkey) != 1 ||
            EVP_DigestSign(md, raw.sig, &raw.sig_len, raw.msg, sizeof(raw.msg)) != 1)
            bench_fatal("OpenSSL cannot sign with Ed25519");
        EVP_MD_CTX_free(md);
    }
    bench_issuer_init(&c.chain, CS_ALG_EDDSA);
    load_copies(dir, fixtures[0].file, &c);

    for (size_t i = 0; i < 3; i++)
        if (!rates[i].op(rates[i].ctx)) /* warm-up */
            bench_fatal("%s failed", rates[i].name);
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t k = 0; k < 5; k++) {
            size_t which = (k + (size_t)round) % 5;
            if (which == 4)
                split_round(&c, &split, &split_cpu);
            else if (which == 3)
                batch_round(&c, cores, &jobs_run);
            else if (!rates[which].failed) {
                /* one thread runs now (the batch's workers are joined) */
                double ops = rates[which].ops, cpu = cpu_seconds(), each;
                bench_measure_round(&rates[which]);
                each = rates[which].ops > ops
                           ? (cpu_seconds() - cpu) / (rates[which].ops - ops)
                           : 0;
                if (each > 0 && (raw_cpu[which] == 0 || each < raw_cpu[which]))
                    raw_cpu[which] = each;
            }
        }
    }
    for (size_t i = 0; i < 3; i++)
        if (rates[i].failed)
            bench_failure("issue_batch: %s failed during timing", rates[i].name);

    limit = rates[0].best > 0 && rates[1].best > 0
                ? (double)cores / (1.0 / rates[0].best + 1.0 / rates[1].best)
                : 0;
    ratio = limit > 0 ? c.best / limit : 0;
    raw_each = raw_cpu[0] + raw_cpu[1];
    cpu_each = c.best_count > 0 ? c.best_cpu / (double)c.best_count : 0;
    printf("  raw EVP_DigestSign %10.0f /s   raw EVP_DigestVerify %10.0f /s   (one thread)\n",
           rates[0].best, rates[1].best);
    printf("  careful issuer's limit: %zu processors / (sign + verify) = %10.0f /s\n", cores,
           limit);
    printf("  cs_issuer_issue +self-check, one thread %10.0f /s   ratio %5.3f  (for information; "
           "one processor's share is %.3f)\n",
           rates[2].best, limit > 0 ? rates[2].best / limit : 0, 1.0 / (double)cores);
    printf("  split (before): one thread signs, one verifies %10.0f /s   ratio %5.3f  (for "
           "comparison; %.0f us of processor time per certificate)\n",
           split, limit > 0 ? split / limit : 0, split_cpu * 1e6);
    printf("  cs_issue_batch, %zu jobs, self-check %10.0f /s   ratio %5.3f  (target %.1f) %s\n",
           jobs_run, c.best, ratio, BATCH_TARGET, bench_verdict(ratio, BATCH_TARGET));
    /* What the ratio is made of, for a machine shared with other work: in
     * processor time (getrusage), what a certificate costs against raw
     * sign + verify, which is the ratio the batch reaches when it has the
     * processors to itself, and how many processors it had. */
    printf("  in processor time: raw sign + verify %.0f us, batch %.0f us per certificate: "
           "ratio %5.3f with %zu idle processors (target %.1f) %s; processors it had: %.2f\n",
           raw_each * 1e6, cpu_each * 1e6, cpu_each > 0 ? raw_each / cpu_each : 0, cores,
           BATCH_TARGET, bench_verdict(cpu_each > 0 ? raw_each / cpu_each : 0, BATCH_TARGET),
           c.best_wall > 0 ? c.best_cpu / c.best_wall : 0);
    printf("  in processor time: cs_issuer_issue +self-check %.0f us per certificate (ratio %5.3f)\n",
           raw_cpu[2] * 1e6, raw_cpu[2] > 0 ? raw_each / raw_cpu[2] : 0);

    for (size_t i = 0; i < CERT_COPIES; i++)
        cs_certificate_clear(&c.certs[i]);
    free(c.certs);
    bench_issuer_free(&c.chain);
    EVP_PKEY_free(raw.pkey);
}
