/* SPDX-License-Identifier: ISC */
/*
 * certseal/cose.h - COSE_Sign1 (RFC 9052 §4.2) framing: decode, sign, verify.
 *
 * Decoding is strict (DESIGN §2 step 1, through the strict CBOR reader):
 * optional leading tags may only be 18 (COSE_Sign1) or 61 then 18 (CWT);
 * the array has exactly four items; the protected header is a bstr holding
 * a map (or empty); the payload is attached; critical headers (label 2) are
 * refused because certseal understands none.
 *
 * Ownership: cs_cose_sign1_decode() fills a caller-provided struct whose
 * pointers borrow from memory the struct owns; cs_cose_sign1_clear()
 * releases it.  The input bytes are not referenced after decode returns.
 */
#ifndef CERTSEAL_COSE_H
#define CERTSEAL_COSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/key.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Header labels (RFC 9052 §3.1) and certseal's private-use label. */
#define CS_COSE_HEADER_ALG 1
#define CS_COSE_HEADER_CRIT 2
#define CS_COSE_HEADER_KID 4
#define CS_COSE_HEADER_TYP 16
#define CS_COSE_HEADER_ACCREDITATION (-65537) /* DESIGN §3: the AC in a CT */

#define CS_COSE_TAG_SIGN1 18
#define CS_COSE_TAG_CWT 61

/* An alg header that is present but not an integer. */
#define CS_COSE_ALG_NOT_INTEGER INT64_MIN

/* Flags for cs_cose_sign1_verify(). */
#define CS_COSE_ACCEPT_UNPROTECTED_ALG                                                             \
    0x1u /* general COSE only; certseal                                                            \
           objects never set this */

typedef struct cs_cose_sign1 {
    /* Protected header. */
    bool has_alg;       /* label 1 present in the protected header */
    int64_t alg;        /* its value, or CS_COSE_ALG_NOT_INTEGER */
    const uint8_t *kid; /* protected kid, else unprotected; NULL if none */
    size_t kid_len;
    const char *typ; /* label 16 (text), NOT NUL-terminated; NULL if none */
    size_t typ_len;
    const uint8_t *accreditation; /* label -65537 (bstr), NULL if none */
    size_t accreditation_len;
    /* Unprotected header. */
    bool unprotected_has_alg;
    int64_t unprotected_alg;
    /* Body. */
    const uint8_t *protected_bytes; /* the bstr as transported */
    size_t protected_len;
    const uint8_t *payload;
    size_t payload_len;
    const uint8_t *signature;
    size_t signature_len;
    bool tagged;     /* carried tag 18 */
    bool cwt_tagged; /* carried tag 61 around it */
    void *tree;      /* owned decoding state; do not touch */
} cs_cose_sign1;

/*
 * Decodes a COSE_Sign1 message.  On success the caller owns *msg and calls
 * cs_cose_sign1_clear(); on failure *msg is left cleared.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY, the CS_ERR_CBOR* family,
 * CS_ERR_CBOR_TAG (a tag other than 18 or 61,18), CS_ERR_COSE (structure),
 * CS_ERR_COSE_CRIT.
 */
CS_MUST_CHECK cs_err cs_cose_sign1_decode(const uint8_t *data, size_t len, cs_cose_sign1 *msg);

/* Releases what decode allocated and zeroes *msg; safe on a cleared struct. */
void cs_cose_sign1_clear(cs_cose_sign1 *msg);

/*
 * Verifies msg's signature with key over the Sig_structure (RFC 9052 §4.4)
 * with external_aad (may be NULL when aad_len is 0).  The algorithm is the
 * protected one; with CS_COSE_ACCEPT_UNPROTECTED_ALG an unprotected alg is
 * used when the protected header has none.
 * Errors: CS_ERR_ALG_MISSING, CS_ERR_ALG_UNKNOWN, CS_ERR_ALG_KEY_MISMATCH,
 * CS_ERR_SIGNATURE, CS_ERR_NO_MEMORY, CS_ERR_CRYPTO.
 */
CS_MUST_CHECK cs_err cs_cose_sign1_verify(const cs_cose_sign1 *msg, const cs_key_t *key,
                                          const uint8_t *external_aad, size_t aad_len,
                                          unsigned flags);

/* What cs_cose_sign1_sign() puts in the protected header, in this order:
 * {1: alg of key, 4: kid of key, 16: typ, -65537: accreditation}. */
typedef struct cs_cose_sign1_headers {
    const char *typ;              /* NUL-terminated, or NULL for none */
    const uint8_t *accreditation; /* NULL for none */
    size_t accreditation_len;
} cs_cose_sign1_headers;

/*
 * Signs payload with key and writes the tagged COSE_Sign1 (18([protected,
 * {}, payload, signature])) to a new buffer (*out, freed with free()).
 * Errors: CS_ERR_ARGUMENT (no private key), CS_ERR_NO_MEMORY, CS_ERR_CRYPTO.
 */
CS_MUST_CHECK cs_err cs_cose_sign1_sign(const cs_key_t *key, const cs_cose_sign1_headers *headers,
                                        const uint8_t *payload, size_t payload_len, uint8_t **out,
                                        size_t *out_len);

/* True when msg's typ header equals the NUL-terminated typ. */
bool cs_cose_sign1_has_typ(const cs_cose_sign1 *msg, const char *typ);

/* True when msg carried tag 18 and no other tag: the form of every certseal
 * object (DESIGN §3; the certificate token, the credential it carries, a
 * status list token, a trust list).  cs_cose_sign1_decode() itself also
 * takes the untagged and CWT-tagged forms RFC 9052 and RFC 8392 allow. */
bool cs_cose_sign1_tagged_alone(const cs_cose_sign1 *msg);

#ifdef __cplusplus
}
#endif
#endif
