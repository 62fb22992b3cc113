/* SPDX-License-Identifier: ISC */
/*
 * certseal/trust.h - the trust store: the accreditation bodies' public keys
 * a verifier trusts in advance (DESIGN §1), the only thing it must.
 *
 * Several keys may share a kid (8 bytes of a hash): lookups give every
 * match and the verifier tries each (DESIGN §2).
 *
 * Ownership: the store owns the keys added to it; keys handed out by
 * cs_trust_key_at() are borrowed for the store's lifetime.
 */
#ifndef CERTSEAL_TRUST_H
#define CERTSEAL_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/key.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cs_trust cs_trust_t;

/* Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_trust_new(cs_trust_t **out);
void cs_trust_free(cs_trust_t **trust);

/* Adds a public key; the store takes ownership of *key and sets it NULL
 * (also on failure, when the key is freed).  Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_trust_add_key(cs_trust_t *trust, cs_key_t **key);

/*
 * Adds every public key in a file (one or more "BEGIN PUBLIC KEY" PEM
 * blocks) or in every regular file of a folder (files without such a block
 * are passed over; names starting with '.' too).  detail (may be NULL)
 * receives the file that failed and why.
 * Errors: CS_ERR_IO_OPEN/READ, CS_ERR_KEY_PARSE, CS_ERR_KEY_TYPE,
 * CS_ERR_TRUST_EMPTY (the path held no public key at all), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_trust_load(cs_trust_t *trust, const char *path, char *detail,
                                   size_t detail_size);

size_t cs_trust_count(const cs_trust_t *trust);

/* The i-th key, or NULL past the end. */
const cs_key_t *cs_trust_key_at(const cs_trust_t *trust, size_t i);

#ifdef __cplusplus
}
#endif
#endif
