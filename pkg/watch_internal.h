/* SPDX-License-Identifier: ISC */
/*
 * pkg/watch_internal.h - what the watch's two files share (never installed,
 * never exported): the portfolio (pkg/watch_state.c keeps it on disk) and
 * the helpers both use.  pkg/watch.c compares verifications with it.
 */
#ifndef CERTSEAL_WATCH_INTERNAL_H
#define CERTSEAL_WATCH_INTERNAL_H

#include <jansson.h>

#include "certseal/token.h"
#include "certseal/watch.h"

#pragma GCC visibility push(hidden)

struct cs_watch {
    char *dir;
    char *state_path;
    int lock_fd;
    cs_watch_item *items;
    size_t count, cap;
    cs_token_codec_t *codec;
};

/* Frees what the item owns and zeroes it. */
void cs_watch_item_clear(cs_watch_item *item);

/* A zeroed item at the end of the portfolio (not yet counted: the caller
 * increments count once it is filled).  Errors: CS_ERR_TOO_LARGE
 * (CS_WATCH_MAX_ITEMS), CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_watch_item_append(cs_watch_t *w, cs_watch_item **out);

/* Sets key of o to the date-time text of t (RFC 3339, UTC). */
void cs_watch_json_set_date(json_t *o, const char *key, int64_t t);

#pragma GCC visibility pop

#endif
