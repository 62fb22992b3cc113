/* SPDX-License-Identifier: ISC */
/*
 * One verifier per worker thread (http_verifiers.h).  A verifier is used by
 * one thread at a time (verify.h), keeps the accreditation credentials and
 * status lists it verified, and is rebuilt when the watched status files
 * change or a list it fetched is due again.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certseal/status.h"
#include "http_log.h"
#include "http_status.h"
#include "http_verifiers.h"

#define FETCH_RETRY_SECONDS 30 /* a failed fetch is tried again after this */
#define NO_TTL_SECONDS 300     /* a fetched list without a ttl is asked for again after this */

struct http_verifier_slot {
    pthread_mutex_t lock; /* held by the thread using the slot */
    http_verifiers *owner;
    cs_verifier_t *verifier; /* NULL until first used */
    uint64_t generation;     /* of the status files it holds */
    int64_t refresh_at;      /* a list it fetched is due again (wall clock) */
    http_trust_snapshot *trust; /* the trust lists its verifier borrows */
};

struct http_verifiers {
    const cs_trust_t *trust;
    int64_t at;
    int64_t clock_skew;
    bool require_status;
    bool status_optional;
    int64_t max_list_age;
    const cs_catalog *catalog;    /* borrowed; NULL: the built-in one */
    cs_status_history_t *history; /* the highest iat seen, shared by every slot */
    http_status_files *files;      /* borrowed; may be NULL */
    http_trust_lists *trust_lists; /* borrowed; may be NULL */
    http_logger *logger;           /* borrowed */
    cs_fetcher_t *fetcher;         /* NULL without fetching */
    pthread_mutex_t fetch_lock;
    atomic_size_t next; /* where the next search for a free slot starts */
    size_t count;
    http_verifier_slot *slots;
};

/* When a fetched list should be asked for again: its ttl from now. */
static int64_t due_again(const uint8_t *data, size_t len, int64_t now)
{
    cs_status_token token = {0};
    int64_t seconds = NO_TTL_SECONDS;

    if (cs_status_token_decode(data, len, &token, NULL, 0) == CS_OK && token.ttl > 0 &&
        token.ttl < NO_TTL_SECONDS * 1000)
        seconds = (int64_t)token.ttl;
    cs_status_token_clear(&token);
    return now + seconds;
}

/* The verifier's status source: the shared fetcher, one fetch at a time. */
static cs_err fetch_list(void *ctx, const char *uri, int64_t now, uint8_t **out, size_t *out_len,
                         char *detail, size_t detail_size)
{
    http_verifier_slot *slot = ctx;
    http_verifiers *v = slot->owner;
    int64_t wall = (int64_t)time(NULL), again;
    cs_err err;

    pthread_mutex_lock(&v->fetch_lock);
    err = cs_fetcher_status_source(v->fetcher, uri, now, out, out_len, detail, detail_size);
    pthread_mutex_unlock(&v->fetch_lock);
    if (err == CS_OK) {
        again = due_again(*out, *out_len, wall);
    } else {
        again = wall + FETCH_RETRY_SECONDS;
        http_log(v->logger, "status: fetching %s failed: %s", uri,
                 cs_err_detail(detail, err));
    }
    if (again < slot->refresh_at)
        slot->refresh_at = again;
    return err;
}

/* A new verifier for slot, with the current status files and the trust
 * lists of snapshot (whose reference the slot takes over). */
static cs_err rebuild(http_verifier_slot *slot, http_trust_snapshot *snapshot)
{
    http_verifiers *v = slot->owner;
    cs_verifier_t *verifier = NULL;
    uint64_t generation = 0;
    cs_err err;

    if ((err = cs_verifier_new(v->trust, &verifier)) != CS_OK ||
        (err = http_trust_snapshot_add_to(snapshot, verifier)) != CS_OK) {
        cs_verifier_free(&verifier);
        http_trust_snapshot_release(&snapshot);
        return err;
    }
    cs_verifier_set_time(verifier, v->at);
    cs_verifier_set_clock_skew(verifier, v->clock_skew);
    cs_verifier_require_status(verifier, v->require_status);
    cs_verifier_set_status_optional(verifier, v->status_optional);
    cs_verifier_set_max_list_age(verifier, v->max_list_age);
    cs_verifier_set_status_history(verifier, v->history);
    if (v->catalog != NULL) {
        /* Each verifier owns its copy (cs_verifier_set_catalog()). */
        cs_catalog *copy = NULL;
        if ((err = cs_catalog_parse(v->catalog->json, v->catalog->json_len, &copy, NULL, 0)) !=
            CS_OK) {
            cs_verifier_free(&verifier);
            http_trust_snapshot_release(&snapshot);
            return err;
        }
        cs_verifier_set_catalog(verifier, &copy);
    }
    if ((err = http_status_files_add_to(v->files, verifier, &generation)) != CS_OK) {
        cs_verifier_free(&verifier);
        http_trust_snapshot_release(&snapshot);
        return err;
    }
    if (v->fetcher != NULL)
        cs_verifier_set_status_source(verifier, fetch_list, slot);
    cs_verifier_free(&slot->verifier);
    http_trust_snapshot_release(&slot->trust);
    slot->trust = snapshot;
    slot->verifier = verifier;
    slot->generation = generation;
    slot->refresh_at = INT64_MAX;
    return CS_OK;
}

http_verifier_slot *http_verifier_acquire(http_verifiers *v)
{
    size_t start = atomic_fetch_add(&v->next, 1) % v->count;
    http_verifier_slot *slot = NULL;

    for (size_t i = 0; i < v->count && slot == NULL; i++)
        if (pthread_mutex_trylock(&v->slots[(start + i) % v->count].lock) == 0)
            slot = &v->slots[(start + i) % v->count];
    if (slot == NULL) {
        slot = &v->slots[start];
        pthread_mutex_lock(&slot->lock);
    }
    http_trust_snapshot *snapshot = http_trust_lists_acquire(v->trust_lists);
    if (slot->verifier == NULL || slot->generation != http_status_files_generation(v->files) ||
        (int64_t)time(NULL) >= slot->refresh_at || snapshot != slot->trust) {
        if (rebuild(slot, snapshot) != CS_OK) {
            pthread_mutex_unlock(&slot->lock);
            return NULL;
        }
    } else {
        http_trust_snapshot_release(&snapshot);
    }
    return slot;
}

cs_verifier_t *http_verifier_of(http_verifier_slot *slot)
{
    return slot->verifier;
}

void http_verifier_release(http_verifier_slot *slot)
{
    pthread_mutex_unlock(&slot->lock);
}

cs_err http_verifiers_new(const cs_http_options *options, size_t slots, http_status_files *files,
                          http_logger *logger, http_verifiers **out)
{
    http_verifiers *v = calloc(1, sizeof(*v));
    cs_err err = CS_ERR_NO_MEMORY;

    *out = NULL;
    if (v == NULL || (v->slots = calloc(slots, sizeof(*v->slots))) == NULL) {
        free(v);
        return CS_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&v->fetch_lock, NULL);
    v->trust = options->trust;
    v->at = options->at;
    v->clock_skew = options->clock_skew >= 0 ? options->clock_skew : CS_DEFAULT_CLOCK_SKEW;
    v->require_status = options->require_status;
    v->status_optional = options->status_optional;
    v->max_list_age = options->max_list_age >= 0 ? options->max_list_age : CS_DEFAULT_MAX_LIST_AGE;
    v->catalog = options->catalog;
    v->files = files;
    v->logger = logger;
    for (; v->count < slots; v->count++) {
        pthread_mutex_init(&v->slots[v->count].lock, NULL);
        v->slots[v->count].owner = v;
    }
    if (options->fetch && (err = cs_fetcher_new(options->fetch_options, &v->fetcher)) != CS_OK)
        goto fail;
    if ((err = cs_status_history_new(options->fetch && options->fetch_options != NULL
                                         ? options->fetch_options->cache_dir
                                         : NULL,
                                     &v->history)) != CS_OK)
        goto fail;
    *out = v;
    return CS_OK;
fail:
    http_verifiers_free(&v);
    return err;
}

void http_verifiers_set_trust_lists(http_verifiers *verifiers, http_trust_lists *lists)
{
    verifiers->trust_lists = lists;
}

void http_verifiers_free(http_verifiers **verifiers)
{
    http_verifiers *v = verifiers != NULL ? *verifiers : NULL;

    if (v == NULL)
        return;
    for (size_t i = 0; i < v->count; i++) {
        cs_verifier_free(&v->slots[i].verifier);
        http_trust_snapshot_release(&v->slots[i].trust);
        pthread_mutex_destroy(&v->slots[i].lock);
    }
    cs_fetcher_free(&v->fetcher);
    cs_status_history_free(&v->history);
    pthread_mutex_destroy(&v->fetch_lock);
    free(v->slots);
    free(v);
    *verifiers = NULL;
}
