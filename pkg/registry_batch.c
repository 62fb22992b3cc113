/* SPDX-License-Identifier: ISC */
/*
 * Issuing many certificates (DESIGN §5): chunks of certificates per
 * transaction, so that the cost of a durable COMMIT (synchronous=FULL) is
 * shared, and a batch that was interrupted can be run again: what it
 * recorded is recognised by its claims and skipped.
 *
 * Every new signature is verified before it is recorded (STYLE 10), but
 * on a second thread: while the main thread signs and records certificate
 * i + 1, the verifier checks certificate i, so a batch costs about the
 * larger of the two per certificate instead of their sum (before its
 * COMMIT the main thread verifies what the verifier has not reached yet).
 * The guarantee stays the inline self-check's: no chunk is committed
 * before every signature in it has verified, and a signature that does
 * not verify fails the batch at that certificate with CS_ERR_SIGNATURE.
 * The thread lives for one call; when it cannot start, the issuer
 * verifies inline as before.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/cose.h"
#include "registry_db.h"

#define DEFAULT_CHUNK 500

/* The tokens a chunk issued, kept until its COMMIT so that `issued` hears
 * only of what is recorded. */
typedef struct chunk_tokens {
    char *text; /* the tokens one after another, each NUL-terminated */
    size_t len, cap;
    size_t *input; /* input index of each */
    size_t *offset;
    size_t count;
} chunk_tokens;

static cs_err keep_token(chunk_tokens *kept, size_t input, const char *token, size_t len)
{
    if (kept->len + len + 1 > kept->cap) {
        size_t cap = kept->cap ? kept->cap : 64 * 1024;
        while (cap < kept->len + len + 1)
            cap *= 2;
        char *text = realloc(kept->text, cap);
        if (text == NULL)
            return CS_ERR_NO_MEMORY;
        kept->text = text;
        kept->cap = cap;
    }
    memcpy(kept->text + kept->len, token, len);
    kept->text[kept->len + len] = '\0';
    kept->input[kept->count] = input;
    kept->offset[kept->count] = kept->len;
    kept->count++;
    kept->len += len + 1;
    return CS_OK;
}

static void report_tokens(const chunk_tokens *kept, const cs_certificate *certs,
                          cs_registry_issued_fn issued, void *ctx)
{
    if (issued == NULL)
        return;
    for (size_t i = 0; i < kept->count; i++) {
        const char *token = kept->text + kept->offset[i];
        issued(ctx, kept->input[i], certs[kept->input[i]].number, token, strlen(token));
    }
}

/* ---- the verifier thread ------------------------------------------------------ */

/* The COSE bytes of one new certificate, copied from the issuer. */
typedef struct cose_slot {
    uint8_t *bytes;
    size_t len, cap;
} cose_slot;

/*
 * Slot k holds the k-th new certificate of the current chunk.  The main
 * thread fills slot `queued`, then advances `queued`; whoever verifies
 * (the verifier thread, and the main thread while it waits before COMMIT)
 * claims slot `claimed` and advances it, then counts it in `checked`.  So
 * a slot is written only while nobody can be reading it (k >= queued), and
 * the slots are reused for the next chunk only once checked == queued.
 * queued, claimed, checked, failed* and stop change under lock; `slots`
 * and `key` are fixed while the thread runs, and the key is only read.
 */
typedef struct verifier {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* to the verifier: queued or stop changed */
    pthread_cond_t done; /* to the main thread: all checked, or one failed */
    const cs_key_t *key; /* the CB key the AC names */
    registry_tamper_fn tamper;
    cose_slot *slots; /* one per certificate of a chunk */
    size_t queued, claimed, checked;
    bool failed;        /* the first failure, in slot order: */
    size_t failed_slot; /*   its slot */
    cs_err failed_err;  /*   and why */
    bool stop;
    bool running; /* false: the issuer verifies inline instead */
} verifier;

/* Claims the next slot and verifies it, with v->lock held on entry and on
 * return (not while verifying).  Requires claimed < queued. */
static void verify_next(verifier *v)
{
    size_t k = v->claimed++;
    pthread_mutex_unlock(&v->lock);
    cs_err err = cs_cose_sign1_verify_encoded(v->key, v->slots[k].bytes, v->slots[k].len);
    pthread_mutex_lock(&v->lock);
    if (err != CS_OK && (!v->failed || k < v->failed_slot)) {
        v->failed = true;
        v->failed_slot = k;
        v->failed_err = err;
    }
    if (++v->checked == v->queued)
        pthread_cond_signal(&v->done);
}

static void *verifier_main(void *arg)
{
    verifier *v = arg;

    pthread_mutex_lock(&v->lock);
    for (;;) {
        while (!v->stop && v->claimed == v->queued)
            pthread_cond_wait(&v->wake, &v->lock);
        if (v->stop)
            break;
        verify_next(v);
    }
    pthread_mutex_unlock(&v->lock);
    return NULL;
}

/* Starts the thread (signals stay with the calling thread).  Leaves
 * v->running false when it cannot: the batch then verifies inline. */
static void verifier_start(verifier *v)
{
    sigset_t all, old;
    bool mutex = false, wake = false, done = false;

    if ((mutex = pthread_mutex_init(&v->lock, NULL) == 0) &&
        (wake = pthread_cond_init(&v->wake, NULL) == 0) &&
        (done = pthread_cond_init(&v->done, NULL) == 0)) {
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        v->running = pthread_create(&v->thread, NULL, verifier_main, v) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    if (v->running)
        return;
    if (done)
        pthread_cond_destroy(&v->done);
    if (wake)
        pthread_cond_destroy(&v->wake);
    if (mutex)
        pthread_mutex_destroy(&v->lock);
}

static void verifier_stop(verifier *v)
{
    if (!v->running)
        return;
    pthread_mutex_lock(&v->lock);
    v->stop = true;
    pthread_cond_signal(&v->wake);
    pthread_mutex_unlock(&v->lock);
    pthread_join(v->thread, NULL);
    pthread_cond_destroy(&v->done);
    pthread_cond_destroy(&v->wake);
    pthread_mutex_destroy(&v->lock);
    v->running = false;
}

/* Copies the signature the issuer just made into the next slot and hands
 * it over.  CS_ERR_SIGNATURE as soon as an earlier one failed, so that the
 * chunk stops there. */
static cs_err verifier_push(verifier *v, const cs_issuer_t *issuer, size_t input)
{
    size_t len = 0;
    const uint8_t *cose = cs_issuer_last_cose(issuer, &len);
    cose_slot *slot;
    bool failed;

    if (!v->running)
        return CS_OK;
    slot = &v->slots[v->queued]; /* only this thread writes queued */
    if (len > slot->cap) {
        uint8_t *bytes = realloc(slot->bytes, len);
        if (bytes == NULL)
            return CS_ERR_NO_MEMORY;
        slot->bytes = bytes;
        slot->cap = len;
    }
    memcpy(slot->bytes, cose, len);
    slot->len = len;
    if (v->tamper != NULL)
        v->tamper(input, slot->bytes, len);
    pthread_mutex_lock(&v->lock);
    v->queued++;
    failed = v->failed;
    pthread_cond_signal(&v->wake);
    pthread_mutex_unlock(&v->lock);
    return failed ? CS_ERR_SIGNATURE : CS_OK;
}

/* Waits until every slot handed over is checked, verifying the unclaimed
 * ones itself meanwhile (the verifier lags a little behind the signing).
 * CS_OK when all verified; else the first failure's error, and *slot. */
static cs_err verifier_wait(verifier *v, size_t *slot)
{
    cs_err err = CS_OK;

    if (!v->running)
        return CS_OK;
    pthread_mutex_lock(&v->lock);
    while (v->claimed < v->queued)
        verify_next(v);
    while (v->checked != v->queued)
        pthread_cond_wait(&v->done, &v->lock);
    if (v->failed) {
        err = v->failed_err;
        *slot = v->failed_slot;
    }
    pthread_mutex_unlock(&v->lock);
    return err;
}

/* Empties the slots for the next chunk; the verifier is idle (all checked). */
static void verifier_reset(verifier *v)
{
    if (!v->running)
        return;
    pthread_mutex_lock(&v->lock);
    v->queued = 0;
    v->claimed = 0;
    v->checked = 0;
    pthread_mutex_unlock(&v->lock);
}

/* ---- chunks ------------------------------------------------------------------ */

typedef struct batch_run {
    cs_registry_t *registry;
    cs_issuer_t *issuer;
    cs_certificate *certs;
    cs_form form;
    const cs_registry_actor *actor;
    unsigned flags; /* cs_issuer_issue() flags: without the self-check when the verifier runs */
    chunk_tokens kept;
    verifier verifier;
    size_t *failed_index;
    char *detail;
    size_t detail_size;
} batch_run;

/* The chunk's signatures, all verified: CS_OK.  Else CS_ERR_SIGNATURE for
 * the first that did not, with *failed_index and detail as the inline
 * self-check gives them.  kept.input maps slots to input indexes: both
 * hold exactly the chunk's new certificates, in order. */
static cs_err chunk_verified(batch_run *b)
{
    size_t slot = 0;
    cs_err err = verifier_wait(&b->verifier, &slot);

    if (err == CS_OK)
        return CS_OK;
    *b->failed_index = b->kept.input[slot];
    return cs_detail_fail(b->detail, b->detail_size, CS_ERR_SIGNATURE,
                          "the new signature did not verify (%s); nothing was issued",
                          cs_strerror(err));
}

/* Certificates [start, end) in one transaction. */
static cs_err issue_chunk(batch_run *b, size_t start, size_t end)
{
    cs_registry_t *registry = b->registry;
    uint64_t used = 0;
    cs_err err;

    b->kept.count = 0;
    b->kept.len = 0;
    verifier_reset(&b->verifier);
    if ((err = registry_begin_write(registry, b->detail, b->detail_size)) != CS_OK) {
        *b->failed_index = start;
        return err;
    }
    if ((err = registry_count_objects(registry, &used, b->detail, b->detail_size)) != CS_OK) {
        *b->failed_index = start;
        goto fail;
    }
    for (size_t i = start; i < end; i++) {
        cs_certificate *cert = &b->certs[i];
        registry_current cur;
        uint8_t *claims = NULL;
        size_t claims_len = 0;
        const char *token = NULL;
        size_t token_len = 0;
        bool found = false;

        *b->failed_index = i;
        if (cert->number == NULL) {
            err = CS_ERR_ARGUMENT;
            goto fail;
        }
        err = registry_find_current(registry, cert->number, &found, &cur, &claims, &claims_len,
                                    b->detail, b->detail_size);
        if (err == CS_OK && found)
            err = registry_check_recorded(registry, b->issuer, cert, &cur, claims, claims_len,
                                          b->detail, b->detail_size);
        else if (err == CS_OK)
            err = registry_issue_one(registry, b->issuer, cert, NULL, b->form, b->flags, b->actor,
                                     &used, &token, &token_len, b->detail, b->detail_size);
        free(claims);
        if (err == CS_OK && !found && (err = keep_token(&b->kept, i, token, token_len)) == CS_OK)
            err = verifier_push(&b->verifier, b->issuer, i);
        if (err != CS_OK)
            goto fail;
    }
    /* Invariant: no COMMIT before every signature of the chunk verified. */
    if ((err = chunk_verified(b)) != CS_OK)
        goto fail;
    if ((err = registry_commit(registry, b->detail, b->detail_size)) != CS_OK) {
        *b->failed_index = start;
        goto fail;
    }
    return CS_OK;
fail:
    /* A signature that did not verify comes before whatever failed later,
     * as it would have inline. */
    if (chunk_verified(b) != CS_OK)
        err = CS_ERR_SIGNATURE;
    registry_rollback(registry);
    return err;
}

/* Before anything is issued: a number the registry already holds must be
 * the same certificate (which the chunks then skip), else the batch is
 * refused there with nothing issued, rather than half-way through. */
static cs_err check_recorded_numbers(batch_run *b, size_t count)
{
    cs_err err = CS_OK;

    for (size_t i = 0; i < count && err == CS_OK; i++) {
        registry_current cur;
        uint8_t *claims = NULL;
        size_t claims_len = 0;
        bool found = false;

        *b->failed_index = i;
        if (b->certs[i].number == NULL)
            return CS_ERR_ARGUMENT;
        err = registry_find_current(b->registry, b->certs[i].number, &found, &cur, &claims,
                                    &claims_len, b->detail, b->detail_size);
        if (err == CS_OK && found)
            err = registry_check_recorded(b->registry, b->issuer, &b->certs[i], &cur, claims,
                                          claims_len, b->detail, b->detail_size);
        free(claims);
    }
    return err;
}

/* The self-check moves to the verifier thread when the registry asks for
 * it and the thread starts; otherwise the issuer keeps doing it inline. */
static void batch_start_verifier(batch_run *b)
{
    b->flags = b->registry->issue_flags;
    if (!(b->flags & CS_ISSUE_VERIFY_SIGNATURE))
        return;
    b->verifier.key = cs_issuer_accreditation(b->issuer)->subject_key;
    b->verifier.tamper = b->registry->test_tamper;
    verifier_start(&b->verifier);
    if (b->verifier.running)
        b->flags &= ~CS_ISSUE_VERIFY_SIGNATURE;
}

/* Joins the thread, then frees the chunk slots of its store. */
static void batch_stop_verifier(batch_run *b, size_t chunk)
{
    verifier_stop(&b->verifier);
    for (size_t i = 0; b->verifier.slots != NULL && i < chunk; i++)
        free(b->verifier.slots[i].bytes);
    free(b->verifier.slots);
    b->verifier.slots = NULL;
}

cs_err cs_registry_issue_batch(cs_registry_t *registry, cs_issuer_t *issuer, cs_certificate *certs,
                               size_t count, size_t chunk, cs_form form,
                               const cs_registry_actor *actor, cs_registry_issued_fn issued,
                               cs_registry_progress_fn progress, void *ctx, size_t *failed_index,
                               char *detail, size_t detail_size)
{
    size_t ignored = 0;
    batch_run b = {.registry = registry,
                   .issuer = issuer,
                   .certs = certs,
                   .form = form,
                   .actor = actor,
                   .failed_index = failed_index,
                   .detail = detail,
                   .detail_size = detail_size};
    cs_err err = CS_OK;

    if (b.failed_index == NULL)
        b.failed_index = &ignored;
    *b.failed_index = 0;
    if (registry == NULL || issuer == NULL || (certs == NULL && count > 0))
        return CS_ERR_ARGUMENT;
    if ((err = registry_check_issuer(registry, issuer, form, detail, detail_size)) != CS_OK ||
        (err = registry_check_actor(actor, detail, detail_size)) != CS_OK)
        return err;
    /* The standards catalog's rules for every record before any is issued
     * (DESIGN §2 step 7): a batch is refused whole. */
    for (size_t i = 0; i < count; i++)
        if ((err = cs_issuer_check_catalog(issuer, &certs[i], detail, detail_size)) != CS_OK) {
            *b.failed_index = i;
            return err;
        }
    if (chunk == 0)
        chunk = DEFAULT_CHUNK;
    if (chunk > count)
        chunk = count > 0 ? count : 1;
    b.kept.input = malloc(chunk * sizeof(size_t));
    b.kept.offset = malloc(chunk * sizeof(size_t));
    b.verifier.slots = calloc(chunk, sizeof(cose_slot));
    if (b.kept.input == NULL || b.kept.offset == NULL || b.verifier.slots == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if ((err = check_recorded_numbers(&b, count)) != CS_OK)
        goto fail;
    *b.failed_index = 0;
    batch_start_verifier(&b);
    for (size_t start = 0; start < count; start += chunk) {
        size_t end = count - start > chunk ? start + chunk : count;
        unsigned attempt = 0;
        /* A chunk that lost to another station's transaction runs again
         * whole (PostgreSQL); what it issued is not reported before then. */
        do
            err = issue_chunk(&b, start, end);
        while (registry_retry_wait(++attempt, err, detail, detail_size));
        if (err != CS_OK)
            goto fail;
        report_tokens(&b.kept, certs, issued, ctx);
        if (progress != NULL)
            progress(ctx, end, count);
    }
fail:
    batch_stop_verifier(&b, chunk);
    free(b.kept.text);
    free(b.kept.input);
    free(b.kept.offset);
    return err;
}
