/*
 * pkg/status_store.h - the status lists a verifier knows (private to
 * libcertseal, never installed): lists added by the caller, lists its
 * status source supplied (and the source's failures, so that a list that
 * cannot be had is asked for once), and for each list the last successful
 * verification, so that thousands of tokens referencing one list cost one
 * signature check (DESIGN §2 step 6, §8).
 */
#ifndef CERTSEAL_STATUS_STORE_H
#define CERTSEAL_STATUS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/claims.h"
#include "certseal/error.h"
#include "certseal/key.h"
#include "certseal/status.h"
#include "certseal/verify.h"

#pragma GCC visibility push(hidden)

typedef struct cs_status_store cs_status_store;

/* Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_status_store_new(cs_status_store **out);
void cs_status_store_free(cs_status_store **store);

/* Decodes data (unverified) for its sub and keeps a copy under that URI;
 * a later list with the same sub replaces an earlier one when its iat is
 * not older.  Errors: as cs_status_token_decode(), CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_status_store_add(cs_status_store *store, const uint8_t *data, size_t len,
                                         char *detail, size_t detail_size);

/* Source asked for URIs not added (NULL: none); ctx borrowed. */
void cs_status_store_set_source(cs_status_store *store, cs_status_source_fn source, void *ctx);

/*
 * The status of ref in its list, the list verified with key (signature,
 * sub == ref->uri, not expired at now with skew, 2 bits).  *list_uri
 * (borrowed, until the next call) is where the answer came from.
 * Returns CS_OK with *value; CS_ERR_STATUS_UNKNOWN when no list is
 * available (detail says why: not given, or the source's error);
 * CS_ERR_STATUS_INDEX when ref->index is outside the list; the
 * cs_status_token_verify() errors when the list does not verify;
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_status_store_lookup(cs_status_store *store, const cs_status_ref *ref,
                                            const cs_key_t *key, int64_t now, int64_t skew,
                                            unsigned *value, char *detail, size_t detail_size);

#pragma GCC visibility pop

#endif
