/* The status lists of a verifier (status_store.h): found by URI, verified
 * once per signing key, then read from memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "internal.h"
#include "status_store.h"

#define STORE_MAX_ENTRIES 4096 /* lists one verifier keeps (added or sourced) */

typedef struct store_entry {
    char *uri;
    uint8_t *bytes; /* the token; NULL when the source could not supply it */
    size_t len;
    int64_t issued_at; /* of an added list (unverified), to keep the newest */
    cs_err source_err; /* why bytes is NULL */
    char source_detail[CS_CHECK_DETAIL_SIZE];
    /* The last successful verification, and the key it used. */
    bool verified;
    cs_status_token token;
    const cs_key_t *key; /* fast path only: compared with kid and coordinates */
    cs_alg key_alg;
    uint8_t key_kid[CS_KID_SIZE];
    uint8_t key_x[CS_KEY_COORDINATE_SIZE], key_y[CS_KEY_COORDINATE_SIZE];
} store_entry;

struct cs_status_store {
    store_entry *entries;
    size_t count, cap;
    cs_status_source_fn source;
    void *source_ctx;
};

cs_err cs_status_store_new(cs_status_store **out)
{
    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = calloc(1, sizeof(**out));
    return *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}

static void forget_verification(store_entry *e)
{
    cs_status_token_clear(&e->token);
    e->verified = false;
    e->key = NULL;
}

static void entry_clear(store_entry *e)
{
    forget_verification(e);
    free(e->uri);
    free(e->bytes);
    memset(e, 0, sizeof(*e));
}

void cs_status_store_free(cs_status_store **store)
{
    if (store == NULL || *store == NULL)
        return;
    for (size_t i = 0; i < (*store)->count; i++)
        entry_clear(&(*store)->entries[i]);
    free((*store)->entries);
    free(*store);
    *store = NULL;
}

void cs_status_store_set_source(cs_status_store *store, cs_status_source_fn source, void *ctx)
{
    if (store == NULL)
        return;
    store->source = source;
    store->source_ctx = ctx;
}

static store_entry *find(cs_status_store *store, const char *uri)
{
    for (size_t i = 0; i < store->count; i++)
        if (strcmp(store->entries[i].uri, uri) == 0)
            return &store->entries[i];
    return NULL;
}

/* A new empty entry for uri (copied). */
static cs_err append(cs_status_store *store, const char *uri, store_entry **out)
{
    if (store->count == store->cap) {
        size_t cap = store->cap == 0 ? 8 : store->cap * 2;
        if (store->count >= STORE_MAX_ENTRIES)
            return CS_ERR_TOO_LARGE;
        store_entry *grown = realloc(store->entries, cap * sizeof(*grown));
        if (grown == NULL)
            return CS_ERR_NO_MEMORY;
        store->entries = grown;
        store->cap = cap;
    }
    store_entry *e = &store->entries[store->count];
    memset(e, 0, sizeof(*e));
    if ((e->uri = strdup(uri)) == NULL)
        return CS_ERR_NO_MEMORY;
    store->count++;
    *out = e;
    return CS_OK;
}

static uint8_t *copy_bytes(const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy != NULL && len > 0)
        memcpy(copy, data, len);
    return copy;
}

cs_err cs_status_store_add(cs_status_store *store, const uint8_t *data, size_t len, char *detail,
                           size_t detail_size)
{
    cs_status_token token = {0};
    store_entry *e;
    uint8_t *copy = NULL;
    cs_err err;

    if (store == NULL || (data == NULL && len > 0))
        return CS_ERR_ARGUMENT;
    if ((err = cs_status_token_decode(data, len, &token, detail, detail_size)) != CS_OK)
        return err;
    if ((copy = copy_bytes(data, len)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if ((e = find(store, token.uri)) == NULL) {
        if ((err = append(store, token.uri, &e)) != CS_OK)
            goto fail;
    } else if (e->bytes != NULL && token.issued_at < e->issued_at) {
        goto fail; /* an older list of the same URI: the newer one stays */
    }
    forget_verification(e);
    free(e->bytes);
    e->bytes = copy;
    e->len = len;
    e->issued_at = token.issued_at;
    e->source_err = CS_OK;
    copy = NULL;
fail:
    free(copy);
    cs_status_token_clear(&token);
    return err;
}

/* Asks the source for uri once; its answer, or its failure, is kept. */
static cs_err ask_source(cs_status_store *store, const char *uri, int64_t now, store_entry **out)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    char detail[CS_CHECK_DETAIL_SIZE] = "";
    store_entry *e;
    cs_err err, got;

    got = store->source(store->source_ctx, uri, now, &bytes, &len, detail, sizeof(detail));
    if (got == CS_ERR_NO_MEMORY) {
        free(bytes);
        return got;
    }
    if ((err = append(store, uri, &e)) != CS_OK) {
        free(bytes);
        return err;
    }
    if (got == CS_OK && bytes == NULL)
        got = CS_ERR_FETCH;
    if (got != CS_OK) {
        free(bytes);
        e->source_err = got;
        snprintf(e->source_detail, sizeof(e->source_detail), "%s",
                 detail[0] != '\0' ? detail : cs_strerror(got));
    } else {
        e->bytes = bytes;
        e->len = len;
    }
    *out = e;
    return CS_OK;
}

/* The signer of a kept verification is key: same kid and same public
 * coordinates (the pointer alone could be a freed key's address reused). */
static bool same_key(const store_entry *e, const cs_key_t *key)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE] = {0}, y[CS_KEY_COORDINATE_SIZE] = {0};

    if (!e->verified || memcmp(e->key_kid, cs_key_kid(key), CS_KID_SIZE) != 0 ||
        e->key_alg != cs_key_alg(key))
        return false;
    if (e->key == key)
        return true;
    return cs_key_public_coordinates(key, x, y) == CS_OK && memcmp(x, e->key_x, sizeof(x)) == 0 &&
           memcmp(y, e->key_y, sizeof(y)) == 0;
}

static cs_err remember_key(store_entry *e, const cs_key_t *key)
{
    memset(e->key_x, 0, sizeof(e->key_x));
    memset(e->key_y, 0, sizeof(e->key_y));
    cs_err err = cs_key_public_coordinates(key, e->key_x, e->key_y);
    if (err != CS_OK)
        return err;
    e->key = key;
    e->key_alg = cs_key_alg(key);
    memcpy(e->key_kid, cs_key_kid(key), CS_KID_SIZE);
    e->verified = true;
    return CS_OK;
}

/* Verifies e's list with key unless that was done already; a kept
 * verification is checked against now again for expiry. */
static cs_err verified_list(store_entry *e, const cs_key_t *key, int64_t now, int64_t skew,
                            char *detail, size_t detail_size)
{
    char date[CS_DATETIME_TEXT_SIZE];
    cs_err err;

    if (same_key(e, key)) {
        if (e->token.expires != 0 && e->token.expires <= now - skew) {
            cs_date_format_datetime(e->token.expires, date);
            cs_detail_set(detail, detail_size, "the status list %s expired on %s", e->uri, date);
            return CS_ERR_STATUS_LIST_EXPIRED;
        }
        return CS_OK;
    }
    forget_verification(e);
    char why[CS_CHECK_DETAIL_SIZE] = "";
    err = cs_status_token_verify(e->bytes, e->len, key, e->uri, now, skew, &e->token, why,
                                 sizeof(why));
    switch (err) {
    case CS_OK:
        if ((err = remember_key(e, key)) != CS_OK)
            forget_verification(e);
        return err;
    case CS_ERR_STATUS_LIST_KEY:
    case CS_ERR_STATUS_LIST_URI:
    case CS_ERR_STATUS_LIST_EXPIRED:
    case CS_ERR_STATUS_BITS:
        cs_detail_set(detail, detail_size, "%s", why); /* these name the list already */
        return err;
    default:
        cs_detail_set(detail, detail_size, "the status list %s is unusable: %s", e->uri, why);
        return err;
    }
}

cs_err cs_status_store_lookup(cs_status_store *store, const cs_status_ref *ref, const cs_key_t *key,
                              int64_t now, int64_t skew, unsigned *value, char *detail,
                              size_t detail_size)
{
    store_entry *e;
    cs_err err;

    if (store == NULL || ref == NULL || !ref->present || ref->uri == NULL || key == NULL ||
        value == NULL)
        return CS_ERR_ARGUMENT;
    if ((e = find(store, ref->uri)) == NULL) {
        if (store->source == NULL) {
            cs_detail_set(detail, detail_size, "no status list for %s was given", ref->uri);
            return CS_ERR_STATUS_UNKNOWN;
        }
        if ((err = ask_source(store, ref->uri, now, &e)) != CS_OK)
            return err;
    }
    if (e->bytes == NULL) {
        cs_detail_set(detail, detail_size, "the status list %s could not be obtained: %s", ref->uri,
                      e->source_detail);
        return CS_ERR_STATUS_UNKNOWN;
    }
    if ((err = verified_list(e, key, now, skew, detail, detail_size)) != CS_OK)
        return err;
    if (cs_status_list_get(e->token.list, ref->index, value) != CS_OK) {
        cs_detail_set(detail, detail_size, "index %llu is outside the status list %s (%zu entries)",
                      (unsigned long long)ref->index, ref->uri,
                      cs_status_list_entries(e->token.list));
        return CS_ERR_STATUS_INDEX;
    }
    return CS_OK;
}
