/* SPDX-License-Identifier: ISC */
/*
 * The service's trust lists (http_trustlists.h): read (files) or fetched
 * (URLs, with the ttl cache), verified with the pinned roots, and kept as
 * a snapshot that every worker's verifier borrows.  They are read again
 * when the server is told to reload (SIGHUP) and when the shortest ttl
 * has passed; a set that does not verify (a rollback, a forged list)
 * never replaces the one in use, and is logged.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certseal/fetch.h"
#include "certseal/file.h"
#include "http_trustlists.h"
#include "internal.h"

#define RELOAD_MAX_SECONDS 300 /* files are read again at least this often */
#define RETRY_SECONDS 30       /* after a failed reload */

struct http_trust_snapshot {
    atomic_size_t refs;
    cs_trustlist *lists;
    size_t count;
};

struct http_trust_lists {
    pthread_mutex_t lock;
    char **paths;
    size_t count;
    const cs_key_t **roots; /* the array is ours, the keys borrowed */
    size_t root_count;
    int64_t grace, skew, at;
    cs_trustlist_history_t *history;
    cs_fetcher_t *fetcher; /* NULL when no path is a URL */
    http_logger *logger;
    http_trust_snapshot *current;
    int64_t refresh_at; /* wall clock */
};

static bool is_url(const char *text)
{
    return strncmp(text, "https://", 8) == 0 || strncmp(text, "http://", 7) == 0;
}

void http_trust_snapshot_release(http_trust_snapshot **snapshot)
{
    http_trust_snapshot *s = snapshot != NULL ? *snapshot : NULL;

    if (s == NULL)
        return;
    *snapshot = NULL;
    if (atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (size_t i = 0; i < s->count; i++)
        cs_trustlist_clear(&s->lists[i]);
    free(s->lists);
    free(s);
}

cs_err http_trust_snapshot_add_to(const http_trust_snapshot *snapshot, cs_verifier_t *verifier)
{
    cs_err err = CS_OK;
    for (size_t i = 0; snapshot != NULL && i < snapshot->count && err == CS_OK; i++)
        err = cs_verifier_add_trust_list(verifier, &snapshot->lists[i]);
    return err;
}

/* One list: read or fetched, decoded and verified into *list. */
static cs_err load_one(http_trust_lists *t, const char *where, int64_t now, cs_trustlist *list,
                       int64_t *ttl, char *detail, size_t size)
{
    cs_trustlist_verified info;
    uint8_t *data = NULL;
    size_t len = 0;
    char why[300] = "";
    cs_err err;

    if (is_url(where))
        err = cs_fetcher_get(t->fetcher, where, now, &data, &len, NULL, why, sizeof(why));
    else
        err = cs_file_read_all(where, CS_TRUSTLIST_MAX, &data, &len);
    if (err == CS_OK)
        err = cs_trustlist_decode(data, len, list, why, sizeof(why));
    free(data);
    if (err == CS_OK &&
        (err = cs_trustlist_verify(list, t->roots, t->root_count, t->history,
                                   t->at >= 0 ? t->at : now, t->skew, t->grace, &info, why,
                                   sizeof(why))) == CS_OK) {
        if (info.stale)
            http_log(t->logger, "trust list: %s is past its next update; used within its grace",
                     where);
        if (info.rolled_over)
            http_log(t->logger, "trust list: %s: the root rolled over to an announced key", where);
        if (list->ttl > 0 && (int64_t)list->ttl < *ttl)
            *ttl = (int64_t)list->ttl;
    }
    if (err != CS_OK) {
        cs_trustlist_clear(list); /* decoded but refused: not counted in the snapshot */
        cs_detail_set(detail, size, "%s: %s", where, cs_err_detail(why, err));
    }
    return err;
}

/* Reads every list into a new snapshot, or leaves the current one. */
static cs_err load_all(http_trust_lists *t, char *detail, size_t size)
{
    int64_t now = (int64_t)time(NULL), ttl = RELOAD_MAX_SECONDS;
    http_trust_snapshot *s = calloc(1, sizeof(*s));
    cs_err err = CS_OK;

    if (s == NULL || (s->lists = calloc(t->count, sizeof(*s->lists))) == NULL) {
        free(s);
        return CS_ERR_NO_MEMORY;
    }
    atomic_init(&s->refs, 1);
    for (size_t i = 0; i < t->count && err == CS_OK; i++)
        if ((err = load_one(t, t->paths[i], now, &s->lists[i], &ttl, detail, size)) == CS_OK)
            s->count++;
    if (err != CS_OK) {
        http_trust_snapshot_release(&s);
        t->refresh_at = now + RETRY_SECONDS;
        return err;
    }
    http_trust_snapshot_release(&t->current);
    t->current = s;
    t->refresh_at = now + ttl;
    return CS_OK;
}

cs_err http_trust_lists_open(const cs_http_options *options, const char *history_dir,
                             http_logger *logger, http_trust_lists **out, char *detail,
                             size_t detail_size)
{
    http_trust_lists *t;
    cs_err err = CS_ERR_NO_MEMORY;
    bool urls = false;

    *out = NULL;
    if (options->trust_list_count == 0)
        return CS_OK;
    if (options->trust_root_count == 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_ARGUMENT,
                              "trust lists need at least one root key");
    if ((t = calloc(1, sizeof(*t))) == NULL)
        return CS_ERR_NO_MEMORY;
    pthread_mutex_init(&t->lock, NULL);
    t->logger = logger;
    t->grace = options->trust_list_grace > 0 ? options->trust_list_grace
                                             : CS_DEFAULT_TRUST_LIST_GRACE;
    t->skew = options->clock_skew >= 0 ? options->clock_skew : CS_DEFAULT_CLOCK_SKEW;
    t->at = options->at;
    if ((t->paths = calloc(options->trust_list_count, sizeof(*t->paths))) == NULL ||
        (t->roots = calloc(options->trust_root_count, sizeof(*t->roots))) == NULL)
        goto fail;
    for (; t->count < options->trust_list_count; t->count++) {
        if ((t->paths[t->count] = strdup(options->trust_list_paths[t->count])) == NULL)
            goto fail;
        urls = urls || is_url(t->paths[t->count]);
    }
    for (; t->root_count < options->trust_root_count; t->root_count++)
        t->roots[t->root_count] = options->trust_roots[t->root_count];
    if ((err = cs_trustlist_history_new(history_dir, &t->history)) != CS_OK ||
        /* The fetcher also makes the cache folder the history is kept in. */
        ((urls || history_dir != NULL) &&
         (err = cs_fetcher_new(options->fetch_options, &t->fetcher)) != CS_OK) ||
        (err = load_all(t, detail, detail_size)) != CS_OK)
        goto fail;
    *out = t;
    return CS_OK;
fail:
    http_trust_lists_close(&t);
    return err;
}

void http_trust_lists_close(http_trust_lists **lists)
{
    http_trust_lists *t = lists != NULL ? *lists : NULL;

    if (t == NULL)
        return;
    http_trust_snapshot_release(&t->current);
    for (size_t i = 0; i < t->count; i++)
        free(t->paths[i]);
    free(t->paths);
    free(t->roots);
    cs_trustlist_history_free(&t->history);
    cs_fetcher_free(&t->fetcher);
    pthread_mutex_destroy(&t->lock);
    free(t);
    *lists = NULL;
}

http_trust_snapshot *http_trust_lists_acquire(http_trust_lists *t)
{
    http_trust_snapshot *s;
    char detail[CS_DETAIL_SIZE] = "";

    if (t == NULL)
        return NULL;
    pthread_mutex_lock(&t->lock);
    if ((int64_t)time(NULL) >= t->refresh_at && load_all(t, detail, sizeof(detail)) != CS_OK)
        http_log(t->logger, "trust list: kept the lists in use: %s", detail);
    s = t->current;
    atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&t->lock);
    return s;
}

void http_trust_lists_reload(http_trust_lists *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    t->refresh_at = 0;
    pthread_mutex_unlock(&t->lock);
}
