/* SPDX-License-Identifier: ISC */
/*
 * Ordered parallel verification (certseal/verify_batch.h).
 *
 * A ring of slots: the submitter fills slot seq % window, workers take
 * slots in order and verify them, and results are delivered from the slot
 * of the oldest undelivered seq as soon as it is done.  One mutex guards
 * the ring; workers wait on `work`, the submitter on `done`.  A slot's
 * token buffer and result are reused, so memory stays at window entries.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/verify_batch.h"
#include "internal.h"

enum slot_state { SLOT_FREE, SLOT_PENDING, SLOT_RUNNING, SLOT_DONE };

typedef struct slot {
    enum slot_state state;
    uint64_t seq;
    cs_report_position pos;
    uint8_t *token;
    size_t len, cap;
    cs_err input_err, verify_err;
    char detail[CS_DETAIL_SIZE];
    cs_verify_result result;
    bool has_result;
    char *out, *err; /* what render() wrote */
    size_t out_len, err_len;
} slot;

typedef struct worker {
    cs_verify_batch_t *batch;
    cs_verifier_t *verifier;
    pthread_t thread;
    bool started;
} worker;

struct cs_verify_batch {
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    slot *slots;
    size_t window;
    uint64_t submitted, taken, delivered;
    bool stop;
    worker *workers; /* jobs - 1 threads */
    size_t threads;
    cs_verifier_t *own; /* the submitter's verifier */
    cs_verify_batch_fn fn;
    cs_verify_batch_render_fn render;
    void *ctx;
};

static cs_verify_batch_item item_of(const slot *s)
{
    return (cs_verify_batch_item){
        .seq = s->seq,
        .position = s->pos,
        .token = s->input_err == CS_OK ? s->token : NULL,
        .token_len = s->input_err == CS_OK ? s->len : 0,
        .input_err = s->input_err,
        .input_detail = s->detail,
        .verify_err = s->verify_err,
        .result = s->has_result && s->verify_err == CS_OK ? &s->result : NULL,
        .out = s->out,
        .err = s->err,
        .out_len = s->out_len,
        .err_len = s->err_len,
    };
}

/* Verifies slot s (its token copied in, owned by the caller while RUNNING)
 * and renders it while what the result borrows from the verifier holds;
 * after that the borrowed accreditation is let go. */
static void run_slot(cs_verify_batch_t *b, cs_verifier_t *verifier, slot *s)
{
    if (s->input_err == CS_OK) {
        s->verify_err = cs_verifier_verify(verifier, s->token, s->len, &s->result);
        s->has_result = true;
    }
    if (b->render != NULL) {
        cs_verify_batch_item item = item_of(s);
        FILE *out = open_memstream(&s->out, &s->out_len);
        FILE *err = open_memstream(&s->err, &s->err_len);
        if (out != NULL && err != NULL)
            b->render(b->ctx, &item, out, err);
        if (out != NULL)
            fclose(out);
        if (err != NULL)
            fclose(err);
    }
    if (s->has_result)
        s->result.accreditation = NULL;
}

static void *work(void *arg)
{
    worker *w = arg;
    cs_verify_batch_t *b = w->batch;

    pthread_mutex_lock(&b->lock);
    for (;;) {
        slot *s;
        while (!b->stop && b->taken == b->submitted)
            pthread_cond_wait(&b->work, &b->lock);
        if (b->taken == b->submitted) /* stopping, nothing left */
            break;
        s = &b->slots[b->taken++ % b->window];
        s->state = SLOT_RUNNING;
        pthread_mutex_unlock(&b->lock);
        run_slot(b, w->verifier, s);
        pthread_mutex_lock(&b->lock);
        s->state = SLOT_DONE;
        pthread_cond_signal(&b->done);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

cs_err cs_verify_batch_new(cs_verifier_t *const *verifiers, size_t jobs,
                           cs_verify_batch_render_fn render, cs_verify_batch_fn fn, void *ctx,
                           cs_verify_batch_t **out)
{
    cs_verify_batch_t *b;

    if (out != NULL)
        *out = NULL;
    if (verifiers == NULL || jobs == 0 || jobs > CS_VERIFY_BATCH_JOBS_MAX || fn == NULL ||
        out == NULL)
        return CS_ERR_ARGUMENT;
    for (size_t i = 0; i < jobs; i++)
        if (verifiers[i] == NULL)
            return CS_ERR_ARGUMENT;
    if ((b = calloc(1, sizeof(*b))) == NULL)
        return CS_ERR_NO_MEMORY;
    b->window = jobs * CS_VERIFY_BATCH_WINDOW_PER_JOB;
    b->fn = fn;
    b->render = render;
    b->ctx = ctx;
    b->own = verifiers[0];
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->done, NULL);
    b->slots = calloc(b->window, sizeof(*b->slots));
    b->workers = jobs > 1 ? calloc(jobs - 1, sizeof(*b->workers)) : NULL;
    if (b->slots == NULL || (jobs > 1 && b->workers == NULL))
        goto fail;
    for (size_t i = 0; i + 1 < jobs; i++) {
        worker *w = &b->workers[i];
        w->batch = b;
        w->verifier = verifiers[i + 1];
        if (pthread_create(&w->thread, NULL, work, w) != 0)
            goto fail;
        w->started = true;
        b->threads++;
    }
    *out = b;
    return CS_OK;
fail:
    cs_verify_batch_free(&b);
    return CS_ERR_NO_MEMORY;
}

/* Hands slot s to the caller and frees it; called with the lock held, which
 * is released during the call. */
static void deliver(cs_verify_batch_t *b, slot *s)
{
    cs_verify_batch_item item = item_of(s);

    pthread_mutex_unlock(&b->lock);
    b->fn(b->ctx, &item);
    if (s->has_result)
        cs_verify_result_clear(&s->result);
    free(s->out);
    free(s->err);
    pthread_mutex_lock(&b->lock);
    s->out = s->err = NULL;
    s->out_len = s->err_len = 0;
    s->has_result = false;
    s->state = SLOT_FREE;
    b->delivered++;
}

/* One step towards having slot `until` free (or everything delivered when
 * until is b->submitted): deliver the oldest when done, else verify the
 * next pending one here, else wait.  Lock held. */
static void step(cs_verify_batch_t *b)
{
    slot *oldest = &b->slots[b->delivered % b->window];

    if (oldest->state == SLOT_DONE) {
        deliver(b, oldest);
    } else if (b->taken < b->submitted) {
        slot *s = &b->slots[b->taken++ % b->window];
        s->state = SLOT_RUNNING;
        pthread_mutex_unlock(&b->lock);
        run_slot(b, b->own, s);
        pthread_mutex_lock(&b->lock);
        s->state = SLOT_DONE;
    } else {
        pthread_cond_wait(&b->done, &b->lock);
    }
}

/* Delivers what is done in order, without waiting.  Lock held. */
static void deliver_ready(cs_verify_batch_t *b)
{
    while (b->delivered < b->submitted && b->slots[b->delivered % b->window].state == SLOT_DONE)
        deliver(b, &b->slots[b->delivered % b->window]);
}

static cs_err submit(cs_verify_batch_t *b, const uint8_t *token, size_t len, cs_err input_err,
                     const char *detail, const cs_report_position *pos)
{
    slot *s;
    cs_err err = CS_OK;

    pthread_mutex_lock(&b->lock);
    while (b->submitted - b->delivered >= b->window)
        step(b);
    s = &b->slots[b->submitted % b->window];
    if (input_err == CS_OK && len > s->cap) {
        uint8_t *p = realloc(s->token, len);
        if (p == NULL) {
            err = CS_ERR_NO_MEMORY;
            goto done;
        }
        s->token = p;
        s->cap = len;
    }
    if (input_err == CS_OK && len > 0)
        memcpy(s->token, token, len);
    s->len = input_err == CS_OK ? len : 0;
    s->seq = b->submitted;
    s->pos = pos != NULL ? *pos : (cs_report_position){0};
    s->input_err = input_err;
    s->verify_err = CS_OK;
    s->has_result = false;
    cs_detail_set(s->detail, sizeof(s->detail), "%s", detail != NULL ? detail : "");
    /* An entry with nothing to verify goes through like the others
     * (run_slot() passes it over), keeping its place. */
    s->state = SLOT_PENDING;
    b->submitted++;
    pthread_cond_signal(&b->work);
    deliver_ready(b);
done:
    pthread_mutex_unlock(&b->lock);
    return err;
}

cs_err cs_verify_batch_submit(cs_verify_batch_t *b, const uint8_t *token, size_t len,
                              const cs_report_position *pos)
{
    if (b == NULL || (token == NULL && len > 0))
        return CS_ERR_ARGUMENT;
    return submit(b, token != NULL ? token : (const uint8_t *)"", len, CS_OK, NULL, pos);
}

cs_err cs_verify_batch_submit_error(cs_verify_batch_t *b, cs_err err, const char *detail,
                                    const cs_report_position *pos)
{
    if (b == NULL || err == CS_OK)
        return CS_ERR_ARGUMENT;
    return submit(b, NULL, 0, err, detail, pos);
}

void cs_verify_batch_finish(cs_verify_batch_t *b)
{
    if (b == NULL)
        return;
    pthread_mutex_lock(&b->lock);
    while (b->delivered < b->submitted)
        step(b);
    pthread_mutex_unlock(&b->lock);
}

void cs_verify_batch_free(cs_verify_batch_t **batch)
{
    cs_verify_batch_t *b;

    if (batch == NULL || (b = *batch) == NULL)
        return;
    if (b->slots != NULL)
        cs_verify_batch_finish(b);
    pthread_mutex_lock(&b->lock);
    b->stop = true;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->lock);
    for (size_t i = 0; i < b->threads; i++)
        pthread_join(b->workers[i].thread, NULL);
    /* Only the slots ever filled hold a token: the others are calloc's
     * untouched pages, not worth a page fault each to read a NULL. */
    for (size_t i = 0; b->slots != NULL && i < b->window && i < b->submitted; i++)
        free(b->slots[i].token);
    free(b->slots);
    free(b->workers);
    pthread_cond_destroy(&b->work);
    pthread_cond_destroy(&b->done);
    pthread_mutex_destroy(&b->lock);
    free(b);
    *batch = NULL;
}
