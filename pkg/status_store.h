/* SPDX-License-Identifier: ISC */
/*
 * pkg/status_store.h - the status lists a verifier knows (private to
 * libcertseal, never installed): lists added by the caller, lists its
 * status source supplied (and the source's failures, so that a list that
 * cannot be had is asked for once), and for each URI the list chosen at
 * the last successful verification, so that thousands of tokens
 * referencing one list cost one signature check (DESIGN §2 step 6, §8).
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

/* Decodes data (unverified) for its sub and keeps a copy under that URI,
 * beside the lists already kept for it: which one is used is decided only
 * among those that verify (cs_status_store_lookup()).  The same bytes
 * twice are kept once.  Errors: as cs_status_token_decode(),
 * CS_ERR_TOO_LARGE (more than 4096 lists), CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_status_store_add(cs_status_store *store, const uint8_t *data, size_t len,
                                         char *detail, size_t detail_size);

/* Source asked for URIs not added (NULL: none); ctx borrowed. */
void cs_status_store_set_source(cs_status_store *store, cs_status_source_fn source, void *ctx);

/* What a list must satisfy besides its signature (DESIGN §2 step 6). */
typedef struct cs_status_policy {
    int64_t now, skew;
    int64_t max_age;              /* seconds since its iat a list is used at most */
    cs_status_history_t *history; /* the highest iat seen per URI; NULL: none */
} cs_status_policy;

/* The entry found, and the list it came from. */
typedef struct cs_status_answer {
    unsigned value;
    int64_t issued_at; /* the list's iat */
    uint64_t ttl;      /* the list's ttl, 0 when absent */
    /* The list was signed by another key than the one asked for, one the
     * signers' accept function vouched for (its kid). */
    bool other_signer;
    uint8_t signer_kid[CS_KID_SIZE];
} cs_status_answer;

/*
 * Other keys that may sign a list (DESIGN §2 step 6: a CB's lists may be
 * signed by any key the same AB accredited for the same CB and
 * accreditation number).  When a candidate list does not verify with the
 * key asked for and carries an accreditation credential in its protected
 * header (-65537), accept(ctx, uri, ac, ac_len, out, ...) decides whether
 * that credential vouches for its key: CS_OK with *out holding its claims
 * (the caller of accept then owns them), or an error with detail.  The
 * store then verifies the list with out->subject_key and requires its iat
 * within [out->not_before, out->expires).  accept may look up other lists
 * of the same store (an AB's), never uri's.
 */
typedef cs_err (*cs_status_signer_fn)(void *ctx, const char *uri, const uint8_t *ac,
                                      size_t ac_len, cs_accreditation *out, char *detail,
                                      size_t detail_size);
/* Another key of the same body that may sign a list (an AB's lists: its
 * other keys, DESIGN §2 step 6), with the period the list's iat must fall
 * in (expires 0: open). */
typedef struct cs_status_other_key {
    const cs_key_t *key; /* borrowed */
    int64_t not_before, expires;
} cs_status_other_key;

typedef struct cs_status_signers {
    cs_status_signer_fn accept; /* may be NULL */
    void *ctx;
    const cs_status_other_key *keys; /* tried in order when key does not verify; may be NULL */
    size_t key_count;
} cs_status_signers;

/*
 * The status of ref in its list.  Every list kept for ref->uri is verified
 * with key, or with a key signers (may be NULL) accepts (signature, sub == ref->uri, not expired, 2 bits, an exp, an
 * iat not in the future beyond the skew); of those that verify the one
 * with the highest iat is used, and it must not be older than one the
 * history saw (which then records it) nor than policy->max_age.
 * Returns CS_OK with *answer; CS_ERR_STATUS_UNKNOWN when no list is
 * available (detail says why: not given, or the source's error);
 * CS_ERR_STATUS_INDEX when ref->index is outside the list; when no list
 * verifies, the error of the first (the cs_status_token_verify() errors,
 * CS_ERR_STATUS_LIST_NO_EXPIRY, CS_ERR_STATUS_LIST_FUTURE);
 * CS_ERR_STATUS_ROLLBACK, CS_ERR_STATUS_LIST_STALE; CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_status_store_lookup(cs_status_store *store, const cs_status_ref *ref,
                                            const cs_key_t *key, const cs_status_signers *signers,
                                            const cs_status_policy *policy,
                                            cs_status_answer *answer, char *detail,
                                            size_t detail_size);

/* Calls fn for every URI whose chosen list answered a lookup
 * (cs_status_store_lookup() returned with it), in the order the URIs were
 * first seen, with the list's iat and the SHA-256 of its bytes as given;
 * stops at the first error fn returns.  Errors: CS_ERR_ARGUMENT,
 * CS_ERR_CRYPTO, and fn's. */
CS_MUST_CHECK cs_err cs_status_store_each_used(const cs_status_store *store, cs_status_used_fn fn,
                                               void *ctx);

#pragma GCC visibility pop

#endif
