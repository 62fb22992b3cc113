/* SPDX-License-Identifier: ISC */
/*
 * One fetcher for many verifying threads (fetch.h): each URI fetched once
 * per run.  One lock guards the list of answers and the fetcher (a libcurl
 * handle is one thread's at a time); the fetch runs under it, so two
 * threads asking for lists at the same moment take turns, and a thread
 * asking for a URI just fetched finds its answer.  A run asks for a few
 * lists, each once: the lock is not on any verifying path after that.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/fetch.h"

typedef struct answer {
    char *uri;
    uint8_t *body; /* NULL when the fetch failed */
    size_t len;
    cs_err err;
    char detail[CS_DETAIL_SIZE];
} answer;

struct cs_fetch_shared {
    pthread_mutex_t lock;
    cs_fetcher_t *fetcher;
    answer *answers;
    size_t count, cap;
};

cs_err cs_fetch_shared_new(const cs_fetch_options *options, cs_fetch_shared_t **out)
{
    cs_fetch_shared_t *s;
    cs_err err;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((s = calloc(1, sizeof(*s))) == NULL)
        return CS_ERR_NO_MEMORY;
    if ((err = cs_fetcher_new(options, &s->fetcher)) != CS_OK) {
        free(s);
        return err;
    }
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return CS_OK;
}

void cs_fetch_shared_free(cs_fetch_shared_t **shared)
{
    cs_fetch_shared_t *s = shared != NULL ? *shared : NULL;

    if (s == NULL)
        return;
    for (size_t i = 0; i < s->count; i++) {
        free(s->answers[i].uri);
        free(s->answers[i].body);
    }
    free(s->answers);
    cs_fetcher_free(&s->fetcher);
    pthread_mutex_destroy(&s->lock);
    free(s);
    *shared = NULL;
}

static const answer *find(const cs_fetch_shared_t *s, const char *uri)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->answers[i].uri, uri) == 0)
            return &s->answers[i];
    return NULL;
}

/* Keeps the answer for uri (body taken); false when it cannot be kept
 * (the cap, or no memory): the caller then keeps body itself. */
static bool remember(cs_fetch_shared_t *s, const char *uri, uint8_t *body, size_t len, cs_err err,
                     const char *detail)
{
    answer *a;

    if (s->count == CS_FETCH_SHARED_MAX_URIS)
        return false;
    if (s->count == s->cap) {
        size_t cap = s->cap != 0 ? s->cap * 2 : 8;
        answer *grown = realloc(s->answers, cap * sizeof(*grown));
        if (grown == NULL)
            return false;
        s->answers = grown;
        s->cap = cap;
    }
    a = &s->answers[s->count];
    memset(a, 0, sizeof(*a));
    if ((a->uri = strdup(uri)) == NULL)
        return false;
    a->body = body;
    a->len = len;
    a->err = err;
    snprintf(a->detail, sizeof(a->detail), "%s", detail);
    s->count++;
    return true;
}

/* The caller's copy of a kept answer. */
static cs_err give(const answer *a, uint8_t **out, size_t *out_len, char *detail,
                   size_t detail_size)
{
    if (a->err != CS_OK) {
        if (detail != NULL && detail_size > 0)
            snprintf(detail, detail_size, "%s", a->detail);
        return a->err;
    }
    if ((*out = malloc(a->len != 0 ? a->len : 1)) == NULL)
        return CS_ERR_NO_MEMORY;
    if (a->len != 0)
        memcpy(*out, a->body, a->len);
    *out_len = a->len;
    return CS_OK;
}

cs_err cs_fetch_shared_status_source(void *shared, const char *uri, int64_t now, uint8_t **out,
                                     size_t *out_len, char *detail, size_t detail_size)
{
    cs_fetch_shared_t *s = shared;
    const answer *kept;
    uint8_t *body = NULL;
    size_t len = 0;
    char why[CS_DETAIL_SIZE] = "";
    cs_err err;

    if (s == NULL || uri == NULL || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    pthread_mutex_lock(&s->lock);
    if ((kept = find(s, uri)) != NULL) {
        err = give(kept, out, out_len, detail, detail_size);
        pthread_mutex_unlock(&s->lock);
        return err;
    }
    err = cs_fetcher_status_source(s->fetcher, uri, now, &body, &len, why, sizeof(why));
    if (remember(s, uri, body, len, err, why)) {
        err = give(&s->answers[s->count - 1], out, out_len, detail, detail_size);
    } else {
        /* not kept: this caller has the only copy */
        *out = body, *out_len = len;
        if (err != CS_OK && detail != NULL && detail_size > 0)
            snprintf(detail, detail_size, "%s", why);
    }
    pthread_mutex_unlock(&s->lock);
    return err;
}
