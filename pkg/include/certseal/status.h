/* SPDX-License-Identifier: ISC */
/*
 * certseal/status.h - Token Status Lists (draft-ietf-oauth-status-list-20,
 * CWT form; DESIGN §3): the signed lists in which accreditation and
 * certification bodies publish that an object was suspended, withdrawn or
 * superseded.
 *
 * A status list is an array of 2-bit entries; entry i sits in byte
 * floor(i*bits/8) at bit (i*bits mod 8) counted from the least significant
 * bit, and travels zlib-compressed ("lst").  A Status List Token is a
 * COSE_Sign1 (tag 18, no CWT tag) with protected typ
 * "application/statuslist+cwt" and the claims sub (the list's URI), iat,
 * exp, ttl and status_list = {"bits": 2, "lst": bytes}.  The claim keys
 * are in claims.h (CS_CLAIM_STATUS_LIST, CS_CLAIM_TTL, CS_CLAIM_STATUS).
 *
 * Ownership: a cs_status_list_t is owned by whoever made it and freed with
 * cs_status_list_free(); a cs_status_token owns its list and text and is
 * released with cs_status_token_clear().
 */
#ifndef CERTSEAL_STATUS_H
#define CERTSEAL_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/key.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_STATUS_LIST_TYP "application/statuslist+cwt"
#define CS_STATUS_BITS 2                       /* certseal writes and accepts 2 bits per entry */
#define CS_STATUS_LIST_MIN 131072              /* entries: the smallest list a registry keeps */
#define CS_STATUS_LIST_MAX (1u << 24)          /* entries: the largest list read or written */
#define CS_STATUS_TOKEN_MAX (8u * 1024 * 1024) /* bytes of a Status List Token read */

/* DESIGN §3 status values. */
typedef enum cs_status {
    CS_STATUS_VALID = 0,
    CS_STATUS_WITHDRAWN = 1, /* the draft's INVALID */
    CS_STATUS_SUSPENDED = 2,
    CS_STATUS_SUPERSEDED = 3, /* application-specific: a later revision replaces it */
} cs_status;

/* "valid", "withdrawn", "suspended", "superseded" ("unknown" otherwise). */
const char *cs_status_name(cs_status status);

/* ---- the list ---------------------------------------------------------------- */

typedef struct cs_status_list cs_status_list_t;

/*
 * A list of `entries` entries of `bits` bits (1, 2, 4 or 8), all 0.
 * Errors: CS_ERR_ARGUMENT (entries 0 or past CS_STATUS_LIST_MAX, bits),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_status_list_new(size_t entries, unsigned bits, cs_status_list_t **out);
void cs_status_list_free(cs_status_list_t **list);

size_t cs_status_list_entries(const cs_status_list_t *list);
unsigned cs_status_list_bits(const cs_status_list_t *list);

/* Errors: CS_ERR_STATUS_INDEX (index outside the list), CS_ERR_ARGUMENT
 * (value does not fit in bits). */
CS_MUST_CHECK cs_err cs_status_list_set(cs_status_list_t *list, uint64_t index, unsigned value);
CS_MUST_CHECK cs_err cs_status_list_get(const cs_status_list_t *list, uint64_t index,
                                        unsigned *value);

/* The packed bytes (borrowed, length ceil(entries*bits/8)).  A list read
 * by cs_status_list_decompress() with few entries set is held sparse and
 * packed on the first call, into a copy kept with the list (safe from
 * several threads); NULL, with *len 0, when memory runs out then. */
const uint8_t *cs_status_list_bytes(const cs_status_list_t *list, size_t *len);

/*
 * The "lst" value: the packed bytes zlib-compressed at `level` (0-9,
 * RFC 1950), into a new buffer (*out, freed with free()).
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_status_list_compress(const cs_status_list_t *list, int level, uint8_t **out,
                                             size_t *out_len);

/*
 * Reads an "lst" value: any valid zlib stream, inflating to at most
 * CS_STATUS_LIST_MAX entries, nothing after the stream.  The list has
 * floor(inflated_bytes*8/bits) entries.
 * Errors: CS_ERR_STATUS_BITS (bits not 1, 2, 4 or 8), CS_ERR_INFLATE,
 * CS_ERR_INFLATE_LIMIT, CS_ERR_STATUS_LIST (empty), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_status_list_decompress(const uint8_t *lst, size_t lst_len, unsigned bits,
                                               cs_status_list_t **out);

/* ---- the Status List Token ----------------------------------------------------- */

typedef struct cs_status_token {
    char *uri;         /* sub */
    int64_t issued_at; /* iat */
    int64_t expires;   /* exp, 0 when absent */
    uint64_t ttl;      /* seconds, 0 when absent */
    cs_status_list_t *list;
    uint8_t kid[CS_KID_SIZE]; /* the signer's kid (protected, else unprotected) */
    bool has_kid;
    int alg; /* COSE alg of the protected header */
} cs_status_token;

void cs_status_token_clear(cs_status_token *token);

typedef struct cs_status_token_params {
    const char *uri;   /* sub: where the list is published */
    int64_t issued_at; /* iat */
    int64_t expires;   /* exp */
    uint64_t ttl;      /* seconds a reader may cache it; 0 to leave out */
    /* A CB's list: the AC of the signing key, carried in the protected
     * header at -65537 (DESIGN §3), so that a list signed after a key
     * change is accepted for what the old key issued.  NULL for an AB's
     * list.  Borrowed. */
    const uint8_t *accreditation;
    size_t accreditation_len;
} cs_status_token_params;

/*
 * Signs a Status List Token for list (2 bits per entry) with key: the
 * tagged COSE_Sign1 bytes in a new buffer (*out, freed with free()).  The
 * list is compressed at level 9; protected {1: alg, 4: kid, 16: typ},
 * plus -65537 the signer's AC when params->accreditation is set,
 * unprotected empty, claims in the order 2 sub, 6 iat, 4 exp, 65534 ttl,
 * 65533 status_list (the draft's example order), exp and ttl left out when
 * 0, so that equal input gives equal bytes (Ed25519).
 * Errors: CS_ERR_ARGUMENT (public-only key, uri, times, bits),
 * CS_ERR_NO_MEMORY, CS_ERR_CRYPTO.
 */
CS_MUST_CHECK cs_err cs_status_token_sign(const cs_key_t *key, const cs_status_list_t *list,
                                          const cs_status_token_params *params, uint8_t **out,
                                          size_t *out_len);

/*
 * Decodes a Status List Token without checking its signature (for
 * `status show` and caching decisions only; never for a verdict): strict
 * COSE_Sign1 (tag 18 or untagged; the CWT tag 61 is CS_ERR_CBOR_TAG) with
 * the statuslist typ, at most CS_STATUS_TOKEN_MAX bytes (CS_ERR_TOO_LARGE),
 * claims sub (text, 1 to CS_STATUS_URI_MAX bytes), iat, status_list
 * ({"bits": 1, 2, 4 or 8, "lst": bstr, ? "aggregation_uri": tstr}, no
 * other key), and exp and ttl when present; other CWT claims are allowed.
 * Reads any number of bits so that the draft's vectors decode.  *token is
 * overwritten (zeroed first: clear a used one before) and cleared on
 * failure.  detail (may be NULL) says what was wrong.
 * Errors: the CBOR/COSE decoding errors, CS_ERR_COSE_TYPE (wrong typ),
 * CS_ERR_STATUS_LIST (a claim missing or of the wrong type),
 * CS_ERR_STATUS_BITS, CS_ERR_INFLATE*, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_status_token_decode(const uint8_t *data, size_t len, cs_status_token *token,
                                            char *detail, size_t detail_size);

/*
 * Verifies a Status List Token as DESIGN §2 step 6 asks, in this order:
 * the COSE layer (as decode), the signer (an 8-byte kid that is not key's,
 * an alg of another key type, or a signature that does not verify are all
 * CS_ERR_STATUS_LIST_KEY; kids of other lengths, like the draft's "12",
 * are not compared), then the claims (decoded only now), sub equal to
 * expected_uri, not expired at `now` (exp > now - skew; a list without exp
 * never expires), and 2 bits per entry.  On CS_OK *token holds the list;
 * on failure it is cleared.  detail (may be NULL) says what was wrong in
 * plain words, naming the list.
 * Errors: as cs_status_token_decode(), CS_ERR_STATUS_LIST_KEY,
 * CS_ERR_ALG_MISSING, CS_ERR_ALG_UNKNOWN, CS_ERR_STATUS_LIST_URI,
 * CS_ERR_STATUS_LIST_EXPIRED, CS_ERR_STATUS_BITS (a valid list of 1, 4 or
 * 8 bits), CS_ERR_ARGUMENT (key, expected_uri or token NULL, skew < 0).
 */
CS_MUST_CHECK cs_err cs_status_token_verify(const uint8_t *data, size_t len, const cs_key_t *key,
                                            const char *expected_uri, int64_t now, int64_t skew,
                                            cs_status_token *token, char *detail,
                                            size_t detail_size);

/*
 * The accreditation credential a Status List Token carries in its
 * protected header at -65537 (a CB's list, DESIGN §3): a copy in *out
 * (freed with free()), or *out NULL and *out_len 0 when it carries none.
 * Nothing is verified: the caller verifies the credential, then the list
 * with the key the credential names.
 * Errors: the CBOR/COSE decoding errors, CS_ERR_TOO_LARGE,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_status_token_signer_accreditation(const uint8_t *data, size_t len,
                                                          uint8_t **out, size_t *out_len);

/* ---- the lists already seen (no rollback, DESIGN §2 step 6) ------------------------ */

/*
 * For each list URI the highest iat of a list that verified, so that a
 * server replaying an older list (one that still lists a withdrawn
 * certificate as valid) is refused.  Kept in memory and, with a folder
 * (the fetch cache folder, fetch.h), in one file per URI named by the
 * lowercase hex SHA-256 of the URI with ".seen" appended, holding the iat
 * and the URI, written atomically (0600) whenever the iat rises; a file
 * that does not parse, or is not a regular file, is ignored (and replaced
 * when the iat rises).  Only verified lists may be recorded: an unverified
 * iat would let a forged list lock the genuine ones out.
 *
 * Thread safety: one history may be shared by verifiers on several
 * threads (a mutex guards it).
 */
typedef struct cs_status_history cs_status_history_t;

/*
 * A new history; folder (copied, may be NULL for memory only) must exist.
 * Free with cs_status_history_free().
 * Errors: CS_ERR_ARGUMENT (empty folder), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_status_history_new(const char *folder, cs_status_history_t **out);
void cs_status_history_free(cs_status_history_t **history);

/*
 * Accepts a verified list of uri issued at issued_at: CS_OK, and
 * issued_at becomes the highest seen when it is higher; or
 * CS_ERR_STATUS_ROLLBACK when a list with a higher iat was seen before
 * (*seen, may be NULL, gets that iat).  A history file that cannot be
 * written costs only the protection across runs.
 * Errors: CS_ERR_STATUS_ROLLBACK, CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY,
 * CS_ERR_TOO_LARGE (more than CS_STATUS_HISTORY_MAX URIs).
 */
#define CS_STATUS_HISTORY_MAX 65536
CS_MUST_CHECK cs_err cs_status_history_accept(cs_status_history_t *history, const char *uri,
                                              int64_t issued_at, int64_t *seen);

#ifdef __cplusplus
}
#endif
#endif
