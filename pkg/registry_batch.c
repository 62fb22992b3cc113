/*
 * Issuing many certificates (DESIGN §5): chunks of certificates per
 * transaction, so that the cost of a durable COMMIT (synchronous=FULL) is
 * shared, and a batch that was interrupted can be run again: what it
 * recorded is recognised by its claims and skipped.
 */
#include <stdlib.h>
#include <string.h>

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

/* A number already recorded: the same certificate (same claims, with the
 * recorded status reference) is skipped; anything else is a duplicate. */
static cs_err check_recorded(cs_registry_t *registry, cs_issuer_t *issuer, cs_certificate *cert,
                             const registry_current *cur, const uint8_t *claims, size_t claims_len,
                             char *detail, size_t size)
{
    const cs_accreditation *ac = cs_issuer_accreditation(issuer);
    char *uri = strdup(registry->status_uri);
    cs_err err;

    if (uri == NULL)
        return CS_ERR_NO_MEMORY;
    free(cert->status.uri);
    cert->status = (cs_status_ref){.present = true, .index = cur->status_index, .uri = uri};
    if ((cert->issuer == NULL && (cert->issuer = strdup(ac->subject)) == NULL) ||
        (cert->accreditation_number == NULL &&
         (cert->accreditation_number = strdup(ac->number)) == NULL))
        return CS_ERR_NO_MEMORY;
    err = cs_certificate_write_claims(&registry->claims, cert);
    if (err == CS_ERR_ARGUMENT ||
        (err == CS_OK && (registry->claims.len != claims_len ||
                          memcmp(registry->claims.buf, claims, claims_len) != 0)))
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_DUPLICATE,
                              "certificate \"%s\" is already recorded with other claims "
                              "(revision %llu, %s); supersede it instead",
                              cert->number, (unsigned long long)cur->revision,
                              registry_status_word(cur->status));
    return err;
}

typedef struct batch_run {
    cs_registry_t *registry;
    cs_issuer_t *issuer;
    cs_certificate *certs;
    cs_form form;
    const cs_registry_actor *actor;
    chunk_tokens kept;
    size_t *failed_index;
    char *detail;
    size_t detail_size;
} batch_run;

/* Certificates [start, end) in one transaction. */
static cs_err issue_chunk(batch_run *b, size_t start, size_t end)
{
    cs_registry_t *registry = b->registry;
    uint64_t used = 0;
    cs_err err;

    b->kept.count = 0;
    b->kept.len = 0;
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
            err = check_recorded(registry, b->issuer, cert, &cur, claims, claims_len, b->detail,
                                 b->detail_size);
        else if (err == CS_OK)
            err = registry_issue_one(registry, b->issuer, cert, NULL, b->form, b->actor, &used,
                                     &token, &token_len, b->detail, b->detail_size);
        free(claims);
        if (err == CS_OK && !found)
            err = keep_token(&b->kept, i, token, token_len);
        if (err != CS_OK)
            goto fail;
    }
    if ((err = registry_commit(registry, b->detail, b->detail_size)) != CS_OK) {
        *b->failed_index = start;
        goto fail;
    }
    return CS_OK;
fail:
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
    batch_run b = {registry, issuer, certs, form, actor, {0}, failed_index, detail, detail_size};
    cs_err err = CS_OK;

    if (b.failed_index == NULL)
        b.failed_index = &ignored;
    *b.failed_index = 0;
    if (registry == NULL || issuer == NULL || (certs == NULL && count > 0))
        return CS_ERR_ARGUMENT;
    if ((err = registry_check_issuer(registry, issuer, form, detail, detail_size)) != CS_OK ||
        (err = registry_check_actor(actor, detail, detail_size)) != CS_OK)
        return err;
    if (chunk == 0)
        chunk = DEFAULT_CHUNK;
    if (chunk > count)
        chunk = count > 0 ? count : 1;
    b.kept.input = malloc(chunk * sizeof(size_t));
    b.kept.offset = malloc(chunk * sizeof(size_t));
    if (b.kept.input == NULL || b.kept.offset == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto done;
    }
    for (size_t start = 0; start < count; start += chunk) {
        size_t end = count - start > chunk ? start + chunk : count;
        if ((err = issue_chunk(&b, start, end)) != CS_OK)
            goto done;
        report_tokens(&b.kept, certs, issued, ctx);
        if (progress != NULL)
            progress(ctx, end, count);
    }
done:
    free(b.kept.text);
    free(b.kept.input);
    free(b.kept.offset);
    return err;
}
