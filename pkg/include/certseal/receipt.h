/* SPDX-License-Identifier: ISC */
/*
 * certseal/receipt.h - verification receipts: a buyer's signed record that
 * it verified certificates, when, against which trust store and which
 * status lists, and with which verdicts (docs/wire-format.md, "Verification
 * receipt"; schemas/receipt.cddl).
 *
 * A receipt is a COSE_Sign1 (tag 18) signed with the buyer's own key,
 * protected {1: alg, 4: kid, 16: "cs-receipt"}, whose payload is the
 * claims map {6: iat, -65540: receipt map}.  It replaces the screenshots a
 * buyer keeps as an audit trail: an auditor who holds the buyer's public
 * key checks it with cs_receipt_verify() (certseal receipt verify).
 *
 * Ownership: a cs_receipt owns every string and array it holds and is
 * released with cs_receipt_clear(); the cs_receipt_add_*() functions copy
 * what they are given.
 */
#ifndef CERTSEAL_RECEIPT_H
#define CERTSEAL_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/key.h"
#include "certseal/trust.h"
#include "certseal/trustlist.h"
#include "certseal/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_RECEIPT_TYP "cs-receipt"
#define CS_CLAIM_RECEIPT (-65540) /* the receipt map of a receipt */
#define CS_RECEIPT_VERSION 1
#define CS_RECEIPT_SHA256_SIZE 32
/* Bounds a reader applies (and a writer keeps to). */
#define CS_RECEIPT_MAX_BYTES (64u * 1024 * 1024) /* the whole COSE_Sign1 */
#define CS_RECEIPT_MAX_RESULTS 1000000u
#define CS_RECEIPT_MAX_LISTS 4096u /* status lists, trust lists, pinned keys each */

/* A status list the verdicts used. */
typedef struct cs_receipt_status_list {
    char *uri;         /* "uri": its sub */
    int64_t issued_at; /* "iat" */
    uint8_t sha256[CS_RECEIPT_SHA256_SIZE]; /* "sha": of the list's bytes as published */
} cs_receipt_status_list;

/* A trust list the verifier held. */
typedef struct cs_receipt_trust_list {
    char *issuer;      /* "iss": the scheme owner */
    char *uri;         /* "uri": its sub */
    uint64_t sequence; /* "seq" */
    uint8_t sha256[CS_RECEIPT_SHA256_SIZE]; /* "sha": of the signed list's bytes */
} cs_receipt_trust_list;

/* One verified token and its verdict.  The certificate's fields are
 * recorded only when its signatures verified (NULL and 0 otherwise). */
typedef struct cs_receipt_result {
    char *input;                                  /* "in": where it was read (file, line) */
    uint8_t token_sha256[CS_RECEIPT_SHA256_SIZE]; /* "tok": of the token as given */
    cs_verdict verdict;                           /* "vdt": its DESIGN §2 name */
    char *number;                                 /* "no" */
    char *issuer;                                 /* "cb": the CB identifier */
    char *organization;                           /* "org" */
    char *standard; /* "std": the standard(s), several joined by ", " */
    int64_t expires;                              /* "exp", 0 when not recorded */
} cs_receipt_result;

typedef struct cs_receipt {
    int64_t signed_at;   /* claim 6 iat: when the receipt was made */
    int64_t verified_at; /* "at": the time the checks used (--at may move it) */
    uint8_t (*pinned_kids)[CS_KID_SIZE]; /* "key": the pinned AB keys' ids */
    size_t pinned_count;
    cs_receipt_trust_list *trust_lists; /* "tls" */
    size_t trust_list_count;
    cs_receipt_status_list *status_lists; /* "sts" */
    size_t status_list_count;
    cs_receipt_result *results; /* "res", in the order verified */
    size_t result_count;
    /* Set by cs_receipt_decode() and cs_receipt_verify(): */
    uint8_t signer_kid[CS_KID_SIZE];
    int alg; /* COSE alg of the protected header */
} cs_receipt;

/* Releases what the receipt owns and zeroes it; safe on a zeroed one. */
void cs_receipt_clear(cs_receipt *receipt);

/* Records the kid of every key of trust (the pinned keys).
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_receipt_add_trust(cs_receipt *receipt, const cs_trust_t *trust);

/* Records a trust list (its issuer, URI, sequence and the SHA-256 of its
 * signed bytes).  Errors: CS_ERR_ARGUMENT (a list without its signed
 * bytes), CS_ERR_TOO_LARGE, CS_ERR_NO_MEMORY, CS_ERR_CRYPTO. */
CS_MUST_CHECK cs_err cs_receipt_add_trust_list(cs_receipt *receipt, const cs_trustlist *list);

/* Records every status list verifier used so far
 * (cs_verifier_each_status_list()); call it after the last verification.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE, CS_ERR_NO_MEMORY,
 * CS_ERR_CRYPTO. */
CS_MUST_CHECK cs_err cs_receipt_add_status_lists(cs_receipt *receipt,
                                                 const cs_verifier_t *verifier);

/* Records one verification: input names where the token was read (copied,
 * cut to CS_TEXT_MAX bytes), token is the token as given (hashed), result
 * its verdict and, when its signatures verified, the certificate.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE, CS_ERR_NO_MEMORY,
 * CS_ERR_CRYPTO. */
CS_MUST_CHECK cs_err cs_receipt_add_result(cs_receipt *receipt, const char *input,
                                           const uint8_t *token, size_t token_len,
                                           const cs_verify_result *result);

/*
 * Signs the receipt with the buyer's key (private): the tagged COSE_Sign1
 * in a new buffer (*out, freed with free()); what was signed is decoded
 * and verified with the key before it is returned (STYLE 10).  Maps are
 * written in the order of docs/wire-format.md, so equal input gives equal
 * bytes (Ed25519).  signed_at and verified_at must be set.
 * Errors: CS_ERR_ARGUMENT (public-only key, times), CS_ERR_NO_MEMORY,
 * CS_ERR_CRYPTO.
 */
CS_MUST_CHECK cs_err cs_receipt_sign(const cs_receipt *receipt, const cs_key_t *key, uint8_t **out,
                                     size_t *out_len);

/*
 * Decodes a receipt WITHOUT checking its signature (for tests and
 * tooling; never to trust what it says): strict COSE_Sign1 (tag 18),
 * typ "cs-receipt", an 8-byte kid, claims exactly {6, -65540}, every key
 * of the receipt map and its entries known, required ones present, with
 * their types and sizes, verdicts among the DESIGN §2 names, counts within
 * the bounds above.  *out is zeroed first and cleared on failure; detail
 * (may be NULL) says what was wrong.
 * Errors: the CBOR/COSE decoding errors, CS_ERR_TOO_LARGE, CS_ERR_COSE_TYPE,
 * CS_ERR_CLAIM_MISSING, CS_ERR_CLAIM_INVALID, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_receipt_decode(const uint8_t *data, size_t len, cs_receipt *out,
                                       char *detail, size_t detail_size);

/*
 * Verifies a receipt with the buyer's public keys (trust: every key whose
 * kid is the receipt's is tried) and decodes it as cs_receipt_decode()
 * does; the claims are read only after the signature verified.
 * Errors: those of cs_receipt_decode(), CS_ERR_UNTRUSTED (no key of trust
 * has the receipt's kid), CS_ERR_SIGNATURE, CS_ERR_ALG_*.
 */
CS_MUST_CHECK cs_err cs_receipt_verify(const uint8_t *data, size_t len, const cs_trust_t *trust,
                                       cs_receipt *out, char *detail, size_t detail_size);

/*
 * What a verified receipt records, as `certseal receipt verify` prints it:
 * as lines of text (cs_receipt_format_text()), or as one compact JSON
 * object (cs_receipt_format_json(): signer_kid, signed_at, verified_at,
 * pinned_kids, trust_lists, status_lists, results).  Every text the
 * receipt carries is escaped for a terminal (cs_text_escape(),
 * cs_text_escape_json()).  *out is allocated; the caller frees it.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY (*out is then NULL).
 */
CS_MUST_CHECK cs_err cs_receipt_format_text(const cs_receipt *receipt, char **out);
CS_MUST_CHECK cs_err cs_receipt_format_json(const cs_receipt *receipt, char **out);

#ifdef __cplusplus
}
#endif
#endif
