/* SPDX-License-Identifier: ISC */
/*
 * Ordered parallel issuing (certseal/issue_batch.h).
 *
 * A ring of slots, as in pkg/verify_batch.c: the submitter fills slot
 * seq % window, whoever is free (a worker, or the submitter while it would
 * wait) takes the oldest pending slot and issues it whole, and entries are
 * delivered from the oldest undelivered slot as soon as it is done.  One
 * mutex guards the states and counters; a slot's buffers belong to the
 * thread that took it until it is marked done, then to the submitter until
 * it is free again.  Each thread issues with an issuer of its own (the
 * issuer keeps its zlib stream and buffers), so the only lock held while
 * issuing is the external signer's.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certseal/issue_batch.h"
#include "internal.h"

enum slot_state { SLOT_FREE, SLOT_PENDING, SLOT_RUNNING, SLOT_DONE };

/* A growing byte buffer a slot keeps from one entry to the next. */
typedef struct bytes {
    uint8_t *data;
    size_t len, cap;
} bytes;

typedef struct slot {
    enum slot_state state;
    uint64_t seq;
    cs_certificate *cert;
    cs_err err;
    char detail[CS_DETAIL_SIZE];
    bytes token; /* NUL-terminated */
    bytes claims, cose;
} slot;

typedef struct worker {
    cs_issue_batch_t *batch;
    cs_issuer_t *issuer; /* a copy, owned */
    pthread_t thread;
} worker;

struct cs_issue_batch {
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    pthread_mutex_t sign_lock; /* held while an external signer signs */
    bool external_signer;
    slot *slots;
    size_t window;
    uint64_t submitted, taken, delivered;
    bool stop;
    cs_err stopped; /* what done() returned, once not CS_OK */
    worker *workers;
    size_t threads;   /* started */
    cs_issuer_t *own; /* the submitter's: the caller's issuer */
    cs_issue_batch_options options;
    cs_issue_batch_fn fn;
    void *ctx;
    cs_issue_batch_tamper_fn tamper; /* tests only */
    void *tamper_ctx;
};

static cs_err keep(bytes *b, const void *data, size_t len, bool terminate)
{
    size_t need = len + (terminate ? 1 : 0);
    if (need > b->cap) {
        size_t cap = b->cap > 0 ? b->cap : 256;
        while (cap < need)
            cap *= 2;
        uint8_t *p = realloc(b->data, cap);
        if (p == NULL)
            return CS_ERR_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    if (len > 0)
        memcpy(b->data, data, len);
    if (terminate)
        b->data[len] = '\0';
    b->len = len;
    return CS_OK;
}

/* Issues slot s's certificate with issuer and keeps what the issuer made
 * (it is the issuer's only until its next call). */
static void run_slot(cs_issue_batch_t *b, cs_issuer_t *issuer, slot *s)
{
    const char *token = NULL;
    const uint8_t *claims, *cose;
    size_t token_len = 0, claims_len = 0, cose_len = 0;
    cs_err err;

    s->detail[0] = '\0';
    if (b->external_signer)
        pthread_mutex_lock(&b->sign_lock);
    err = cs_issuer_sign(issuer, s->cert, s->detail, sizeof(s->detail));
    if (b->external_signer)
        pthread_mutex_unlock(&b->sign_lock);
    if (err == CS_OK && b->tamper != NULL) {
        size_t len = 0;
        uint8_t *signed_bytes = cs_issuer_last_cose_for_tamper(issuer, &len);
        b->tamper(b->tamper_ctx, s->cert, signed_bytes, len);
    }
    if (err == CS_OK)
        err = cs_issuer_finish(issuer, b->options.form, b->options.link_base, b->options.flags,
                               &token, &token_len, s->detail, sizeof(s->detail));
    if (err == CS_OK) {
        claims = cs_issuer_last_claims(issuer, &claims_len);
        cose = cs_issuer_last_cose(issuer, &cose_len);
        if ((err = keep(&s->token, token, token_len, true)) == CS_OK &&
            (err = keep(&s->claims, claims, claims_len, false)) == CS_OK)
            err = keep(&s->cose, cose, cose_len, false);
    }
    s->err = err;
}

/* Takes the oldest pending slot and issues it with issuer (or passes it
 * over once done() stopped the batch).  Lock held on entry and on return,
 * not while issuing. */
static void take_and_run(cs_issue_batch_t *b, cs_issuer_t *issuer)
{
    slot *s = &b->slots[b->taken++ % b->window];

    if (b->stopped != CS_OK) {
        s->state = SLOT_DONE;
        return;
    }
    s->state = SLOT_RUNNING;
    pthread_mutex_unlock(&b->lock);
    run_slot(b, issuer, s);
    pthread_mutex_lock(&b->lock);
    s->state = SLOT_DONE;
}

static void *work(void *arg)
{
    worker *w = arg;
    cs_issue_batch_t *b = w->batch;

    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->stop && b->taken == b->submitted)
            pthread_cond_wait(&b->work, &b->lock);
        if (b->stop)
            break;
        take_and_run(b, w->issuer);
        pthread_cond_signal(&b->done);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* Starts the workers with every signal blocked, so that signals stay with
 * the caller's thread.  A worker the system refuses is simply not there. */
static cs_err start_workers(cs_issue_batch_t *b, size_t jobs)
{
    sigset_t all, old;
    cs_err err = CS_OK;

    if (jobs < 2)
        return CS_OK;
    if ((b->workers = calloc(jobs - 1, sizeof(*b->workers))) == NULL)
        return CS_ERR_NO_MEMORY;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (size_t i = 0; i + 1 < jobs && err == CS_OK; i++) {
        worker *w = &b->workers[b->threads];
        w->batch = b;
        if ((err = cs_issuer_copy(b->own, &w->issuer)) != CS_OK)
            break;
        if (pthread_create(&w->thread, NULL, work, w) != 0) {
            cs_issuer_free(&w->issuer);
            break;
        }
        b->threads++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return err;
}

static size_t processors(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return (size_t)n < CS_ISSUE_BATCH_JOBS_MAX ? (size_t)n : CS_ISSUE_BATCH_JOBS_MAX;
}

cs_err cs_issue_batch_new(cs_issuer_t *issuer, const cs_issue_batch_options *options,
                          cs_issue_batch_fn fn, void *ctx, cs_issue_batch_t **out)
{
    cs_issue_batch_t *b;
    size_t jobs;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (issuer == NULL || options == NULL || fn == NULL || out == NULL ||
        options->jobs > CS_ISSUE_BATCH_JOBS_MAX ||
        (options->form != CS_FORM_OFFLINE && options->form != CS_FORM_LINK))
        return CS_ERR_ARGUMENT;
    jobs = options->jobs != 0 ? options->jobs : processors();
    if ((b = calloc(1, sizeof(*b))) == NULL)
        return CS_ERR_NO_MEMORY;
    b->own = issuer;
    b->options = *options;
    b->fn = fn;
    b->ctx = ctx;
    b->external_signer = cs_issuer_signs_externally(issuer);
    b->window = jobs * CS_ISSUE_BATCH_WINDOW_PER_JOB;
    pthread_mutex_init(&b->lock, NULL);
    pthread_mutex_init(&b->sign_lock, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->done, NULL);
    if ((b->slots = calloc(b->window, sizeof(*b->slots))) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if ((err = start_workers(b, jobs)) != CS_OK)
        goto fail;
    *out = b;
    return CS_OK;
fail:
    cs_issue_batch_free(&b);
    return err;
}

void cs_issue_batch_set_tamper(cs_issue_batch_t *b, cs_issue_batch_tamper_fn fn, void *ctx)
{
    b->tamper = fn;
    b->tamper_ctx = ctx;
}

size_t cs_issue_batch_jobs(const cs_issue_batch_t *b)
{
    return b != NULL ? b->threads + 1 : 0;
}

/* Hands slot s to the caller and frees it; called with the lock held, which
 * is released during the call.  After done() refused, nothing more is
 * handed over. */
static void deliver(cs_issue_batch_t *b, slot *s)
{
    cs_issue_batch_item item = {.seq = s->seq, .cert = s->cert, .err = s->err, .detail = s->detail};
    cs_err err = CS_OK;

    if (s->err == CS_OK) {
        item.token = (const char *)s->token.data;
        item.token_len = s->token.len;
        item.claims = s->claims.data;
        item.claims_len = s->claims.len;
        item.cose = s->cose.data;
        item.cose_len = s->cose.len;
    }
    if (b->stopped == CS_OK) {
        pthread_mutex_unlock(&b->lock);
        err = b->fn(b->ctx, &item);
        pthread_mutex_lock(&b->lock);
        if (err != CS_OK)
            b->stopped = err;
    }
    s->cert = NULL;
    s->state = SLOT_FREE;
    b->delivered++;
}

/* One step towards delivering the oldest entry: deliver it when done, else
 * issue the next pending one here, else wait.  Lock held. */
static void step(cs_issue_batch_t *b)
{
    slot *oldest = &b->slots[b->delivered % b->window];

    if (oldest->state == SLOT_DONE)
        deliver(b, oldest);
    else if (b->taken < b->submitted)
        take_and_run(b, b->own);
    else
        pthread_cond_wait(&b->done, &b->lock);
}

cs_err cs_issue_batch_submit(cs_issue_batch_t *b, cs_certificate *cert)
{
    slot *s;
    cs_err err;

    if (b == NULL || cert == NULL)
        return CS_ERR_ARGUMENT;
    pthread_mutex_lock(&b->lock);
    while (b->stopped == CS_OK && b->submitted - b->delivered >= b->window)
        step(b);
    if ((err = b->stopped) == CS_OK) {
        s = &b->slots[b->submitted % b->window];
        s->seq = b->submitted;
        s->cert = cert;
        s->err = CS_OK;
        s->state = SLOT_PENDING;
        b->submitted++;
        pthread_cond_signal(&b->work);
        while (b->delivered < b->submitted &&
               b->slots[b->delivered % b->window].state == SLOT_DONE && b->stopped == CS_OK)
            deliver(b, &b->slots[b->delivered % b->window]);
    }
    pthread_mutex_unlock(&b->lock);
    return err;
}

cs_err cs_issue_batch_finish(cs_issue_batch_t *b)
{
    cs_err err;

    if (b == NULL)
        return CS_ERR_ARGUMENT;
    pthread_mutex_lock(&b->lock);
    while (b->delivered < b->submitted)
        step(b);
    err = b->stopped;
    pthread_mutex_unlock(&b->lock);
    return err;
}

void cs_issue_batch_free(cs_issue_batch_t **batch)
{
    cs_issue_batch_t *b;

    if (batch == NULL || (b = *batch) == NULL)
        return;
    pthread_mutex_lock(&b->lock);
    b->stop = true;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->lock);
    for (size_t i = 0; i < b->threads; i++) {
        pthread_join(b->workers[i].thread, NULL);
        cs_issuer_free(&b->workers[i].issuer);
    }
    for (size_t i = 0; b->slots != NULL && i < b->window; i++) {
        free(b->slots[i].token.data);
        free(b->slots[i].claims.data);
        free(b->slots[i].cose.data);
    }
    free(b->slots);
    free(b->workers);
    pthread_cond_destroy(&b->work);
    pthread_cond_destroy(&b->done);
    pthread_mutex_destroy(&b->sign_lock);
    pthread_mutex_destroy(&b->lock);
    free(b);
    *batch = NULL;
}
