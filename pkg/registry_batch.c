/* SPDX-License-Identifier: ISC */
/*
 * Issuing many certificates (DESIGN §5): chunks of certificates per
 * transaction, so that the cost of a durable COMMIT is shared, and a batch
 * that was interrupted can be run again: what it recorded is recognised by
 * its claims and skipped.
 *
 * A chunk costs the database a few statements whatever its size: one
 * look-up of its numbers, one draw of its status indexes (rarely two),
 * then its rows.  Its certificates are signed, self-checked and encoded on
 * every processor (cs_issue_batch_*(), certseal/issue_batch.h) while this
 * thread records them in input order as they come back.  The COMMIT
 * follows the last of them, so no chunk is committed before every
 * signature in it has verified (STYLE 10), and one that does not verify
 * fails the batch at that certificate with CS_ERR_SIGNATURE.
 *
 * Before anything is issued, a batch that repeats a number, or names one
 * the registry holds with other claims, is refused whole.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certseal/issue_batch.h"
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

typedef struct batch_run {
    cs_registry_t *registry;
    cs_issuer_t *issuer;
    cs_certificate *certs;
    size_t count, chunk;
    cs_issue_batch_options options;
    const cs_registry_actor *actor;
    cs_issue_batch_t *pipeline; /* NULL after a chunk failed: made anew for the next attempt */
    /* per chunk, indexed from its start: */
    const char **numbers;
    bool *recorded;    /* the registry holds it already (the same certificate) */
    uint64_t *indexes; /* drawn for the new ones, in order */
    chunk_tokens kept;
    int64_t recorded_at;
    size_t *failed_index;
    char *detail;
    size_t detail_size;
} batch_run;

/* ---- looking numbers up ------------------------------------------------------ */

typedef struct lookup {
    batch_run *b;
    size_t start; /* certs[start + i] is the look-up's number i */
} lookup;

/* A number the registry holds: the same certificate is skipped, anything
 * else refuses the batch there. */
static cs_err on_recorded(void *ctx, size_t i, const registry_current *cur, const uint8_t *claims,
                          size_t claims_len, char *detail, size_t size)
{
    lookup *l = ctx;
    batch_run *b = l->b;
    cs_err err = registry_check_recorded(b->registry, b->issuer, &b->certs[l->start + i], cur,
                                         claims, claims_len, detail, size);
    if (err != CS_OK)
        *b->failed_index = l->start + i;
    b->recorded[i] = true;
    return err;
}

/* Which of certs[start, end) the registry holds (b->recorded). */
static cs_err look_up(batch_run *b, size_t start, size_t end)
{
    lookup l = {.b = b, .start = start};

    for (size_t i = start; i < end; i++) {
        b->numbers[i - start] = b->certs[i].number;
        b->recorded[i - start] = false;
    }
    return registry_find_current_many(b->registry, b->numbers, end - start, on_recorded, &l,
                                      b->detail, b->detail_size);
}

/* A number twice in the batch: refused, the later record named. */
static cs_err refuse_repeat(void *ctx, size_t first, size_t later)
{
    batch_run *b = ctx;
    *b->failed_index = later;
    return cs_detail_fail(b->detail, b->detail_size, CS_ERR_REGISTRY_DUPLICATE,
                          "certificate \"%s\" is both record %zu and record %zu of the batch "
                          "(each certificate appears once in a batch)",
                          b->certs[later].number, first + 1, later + 1);
}

/* Before anything is issued: numbers repeated in the batch, and numbers
 * the registry holds with other claims (the same certificate is skipped
 * by the chunks) refuse the batch there, rather than half-way through. */
static cs_err check_numbers(batch_run *b)
{
    cs_err err = CS_OK;

    for (size_t i = 0; i < b->count; i++)
        if (b->certs[i].number == NULL) {
            *b->failed_index = i;
            return CS_ERR_ARGUMENT;
        }
    if ((err = cs_certificates_each_repeat(b->certs, b->count, refuse_repeat, b)) != CS_OK)
        return err;
    for (size_t start = 0; start < b->count && err == CS_OK; start += b->chunk)
        err = look_up(b, start, b->count - start > b->chunk ? start + b->chunk : b->count);
    return err;
}

/* ---- one chunk ------------------------------------------------------------------ */

/* A certificate back from the pipeline, in input order: recorded, or the
 * chunk fails there. */
static cs_err record_issued(void *ctx, const cs_issue_batch_item *item)
{
    batch_run *b = ctx;
    size_t input = (size_t)(item->cert - b->certs);
    cs_err err = item->err;

    *b->failed_index = input;
    if (err != CS_OK)
        return cs_detail_fail(b->detail, b->detail_size, err, "%s",
                              item->detail[0] != '\0' ? item->detail : cs_strerror(err));
    if ((err = registry_record_certificate(b->registry, item->cert, item->claims, item->claims_len,
                                           item->token, item->token_len, b->actor, b->recorded_at,
                                           b->detail, b->detail_size)) != CS_OK)
        return err;
    return keep_token(&b->kept, input, item->token, item->token_len);
}

/* Tests only: hands each new signature to the registry's tamper hook with
 * the certificate's index in the batch. */
static void tamper_hook(void *ctx, const cs_certificate *cert, uint8_t *cose, size_t len)
{
    batch_run *b = ctx;
    b->registry->test_tamper((size_t)(cert - b->certs), cose, len);
}

static cs_err start_pipeline(batch_run *b)
{
    cs_err err;

    if ((err = cs_issue_batch_new(b->issuer, &b->options, record_issued, b, &b->pipeline)) != CS_OK)
        return err;
    if (b->registry->test_tamper != NULL)
        cs_issue_batch_set_tamper(b->pipeline, tamper_hook, b);
    return CS_OK;
}

/* The new certificates of [start, end) their status indexes, in order;
 * past the fill limit, the first that does not fit is named. */
static cs_err draw_for_chunk(batch_run *b, size_t start, size_t end, uint64_t used, size_t fresh)
{
    uint64_t left = registry_indexes_left(b->registry, used);

    if (fresh > left) {
        for (size_t i = start, k = 0; i < end; i++)
            if (!b->recorded[i - start] && k++ == left) {
                *b->failed_index = i;
                break;
            }
        return registry_full(b->registry, used + left, b->detail, b->detail_size);
    }
    return registry_draw_indexes(b->registry, used, fresh, b->indexes, b->detail, b->detail_size);
}

/* Certificates [start, end) in one transaction. */
static cs_err issue_chunk(batch_run *b, size_t start, size_t end)
{
    cs_registry_t *registry = b->registry;
    uint64_t used = 0;
    size_t fresh = 0, k = 0;
    cs_err err;

    b->kept.count = 0;
    b->kept.len = 0;
    b->recorded_at = (int64_t)time(NULL);
    *b->failed_index = start;
    if ((err = registry_begin_write(registry, b->detail, b->detail_size)) != CS_OK)
        return err;
    /* Looked up again inside the transaction: another station may have
     * recorded one of these numbers since. */
    if ((err = registry_count_for_draw(registry, end - start, &used, b->detail, b->detail_size)) !=
            CS_OK ||
        (err = look_up(b, start, end)) != CS_OK)
        goto fail;
    for (size_t i = start; i < end; i++)
        fresh += !b->recorded[i - start];
    if (fresh > 0 && ((err = draw_for_chunk(b, start, end, used, fresh)) != CS_OK ||
                      (b->pipeline == NULL && (err = start_pipeline(b)) != CS_OK)))
        goto fail;
    for (size_t i = start; i < end && err == CS_OK; i++) {
        if (b->recorded[i - start])
            continue;
        if ((err = registry_set_status_ref(registry, &b->certs[i], b->indexes[k++])) == CS_OK)
            err = cs_issue_batch_submit(b->pipeline, &b->certs[i]);
    }
    if (err == CS_OK && fresh > 0)
        err = cs_issue_batch_finish(b->pipeline);
    if (err != CS_OK)
        goto fail;
    if ((err = registry_commit(registry, b->detail, b->detail_size)) != CS_OK) {
        *b->failed_index = start;
        goto fail;
    }
    return CS_OK;
fail:
    /* Nothing in flight survives into the next attempt. */
    cs_issue_batch_free(&b->pipeline);
    registry_rollback(registry);
    return err;
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
                   .count = count,
                   .actor = actor,
                   .failed_index = failed_index != NULL ? failed_index : &ignored,
                   .detail = detail,
                   .detail_size = detail_size};
    cs_err err = CS_OK;

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
    b.options = (cs_issue_batch_options){
        .form = form,
        .link_base = form == CS_FORM_LINK ? registry->link_base : NULL,
        .flags = registry->issue_flags,
    };
    b.chunk = chunk == 0 ? DEFAULT_CHUNK : chunk;
    if (b.chunk > count)
        b.chunk = count > 0 ? count : 1;
    b.numbers = calloc(b.chunk, sizeof(*b.numbers));
    b.recorded = calloc(b.chunk, sizeof(*b.recorded));
    b.indexes = calloc(b.chunk, sizeof(*b.indexes));
    b.kept.input = calloc(b.chunk, sizeof(size_t));
    b.kept.offset = calloc(b.chunk, sizeof(size_t));
    if (b.numbers == NULL || b.recorded == NULL || b.indexes == NULL || b.kept.input == NULL ||
        b.kept.offset == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto done;
    }
    if ((err = check_numbers(&b)) != CS_OK)
        goto done;
    for (size_t start = 0; start < count; start += b.chunk) {
        size_t end = count - start > b.chunk ? start + b.chunk : count;
        unsigned attempt = 0;
        /* A chunk that lost to another station's transaction runs again
         * whole (PostgreSQL); what it issued is not reported before then. */
        do
            err = issue_chunk(&b, start, end);
        while (registry_retry_wait(++attempt, err, detail, detail_size));
        if (err != CS_OK)
            goto done;
        report_tokens(&b.kept, certs, issued, ctx);
        if (progress != NULL)
            progress(ctx, end, count);
    }
done:
    cs_issue_batch_free(&b.pipeline);
    free(b.numbers);
    free(b.recorded);
    free(b.indexes);
    free(b.kept.text);
    free(b.kept.input);
    free(b.kept.offset);
    return err;
}
