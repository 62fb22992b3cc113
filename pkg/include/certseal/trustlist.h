/* SPDX-License-Identifier: ISC */
/*
 * certseal/trustlist.h - the trust list (DESIGN §3): a scheme owner's
 * signed list of the accreditation bodies it recognises, with their keys
 * (each with the period in which it may sign accreditation credentials,
 * and since when it is compromised), their status and the standards they
 * are recognised for; sequence-numbered, with a next-update time and the
 * root keys the owner will sign with next.
 *
 * A verifier pins only the scheme owner's root key.  A list is decoded
 * (cs_trustlist_decode(), strict, unverified), then verified
 * (cs_trustlist_verify(): signed by the pinned root or by a key the
 * previous list announced, a sequence number not lower than any seen for
 * that root, not issued in the future, not past its next update by more
 * than the grace period) and then handed to a verifier
 * (cs_verifier_add_trust_list(), verify.h).
 *
 * Ownership: a cs_trustlist owns every string, array and key it holds;
 * cs_trustlist_clear() releases them.  Pointers handed out by the look-up
 * functions are borrowed from the list.
 */
#ifndef CERTSEAL_TRUSTLIST_H
#define CERTSEAL_TRUSTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/key.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_TYP_TRUST_LIST "cs-trust"
#define CS_CLAIM_TRUST_LIST (-65539) /* DESIGN §3: the trust map */

#define CS_TRUSTLIST_MAX (4u * 1024 * 1024) /* bytes of a signed list */
#define CS_TRUSTLIST_AB_MAX 10000           /* accreditation bodies in one list */
#define CS_TRUSTLIST_ENTRY_MAX 64           /* recognitions, keys of one AB; next keys */
#define CS_DEFAULT_TRUST_LIST_GRACE (7 * 86400) /* seconds past the next update */

/* "sts": an accreditation body's recognition status. */
typedef enum cs_ab_status {
    CS_AB_ACTIVE = 0,
    CS_AB_WITHDRAWN = 1,
    CS_AB_SUSPENDED = 2,
} cs_ab_status;

/* "active", "withdrawn", "suspended" (or "unknown"). */
const char *cs_ab_status_name(cs_ab_status status);

/* One "rec" entry: a standard, with its edition ("ISO 9001:2015": exactly
 * that edition) or without ("ISO 9001": every edition), recognised from
 * not_before until expires (exclusive; open-ended without has_expires). */
typedef struct cs_trustlist_recognition {
    char *standard;
    int64_t not_before;
    bool has_expires;
    int64_t expires;
} cs_trustlist_recognition;

/* One "key" entry: a key of the AB and the period in which the iat of the
 * credentials it signs must lie; compromised (since) makes every
 * credential it signed untrusted. */
typedef struct cs_trustlist_key {
    cs_key_t *key;
    int64_t not_before;
    bool has_expires;
    int64_t expires;
    bool has_compromised;
    int64_t compromised;
} cs_trustlist_key;

typedef struct cs_trustlist_ab {
    char *id;      /* "id": the iss of its credentials */
    char *name;    /* "nam": legal name */
    char *country; /* "ctr": ISO 3166-1 alpha-2 */
    cs_ab_status status;
    cs_trustlist_recognition *recognitions;
    size_t recognition_count;
    cs_trustlist_key *keys;
    size_t key_count;
} cs_trustlist_ab;

typedef struct cs_trustlist {
    char *issuer;        /* 1 iss: the scheme owner */
    char *uri;           /* 2 sub: where the list is published */
    int64_t issued_at;   /* 6 iat */
    int64_t next_update; /* 4 exp */
    uint64_t ttl;        /* 65534: seconds a copy may be cached */
    uint64_t sequence;   /* "seq" */
    cs_trustlist_ab *abs;
    size_t ab_count;
    cs_key_t **next_keys; /* "nxt": the root keys announced */
    size_t next_key_count;
    bool has_catalog; /* "cat" was present (read by the catalog's own code) */
    /* Set by cs_trustlist_decode(): */
    uint8_t signer_kid[CS_KID_SIZE];
    uint8_t *signed_bytes; /* the COSE_Sign1 as given */
    size_t signed_len;
    uint8_t payload_digest[32]; /* SHA-256 of the claims */
} cs_trustlist;

/* Releases what the list owns and zeroes it; safe on a zeroed list. */
void cs_trustlist_clear(cs_trustlist *list);

/*
 * Decodes a signed trust list (COSE_Sign1, tag 18, typ "cs-trust", a
 * 8-byte kid) strictly: every claim of DESIGN §3 present with its type,
 * no unknown claim or map key, dates as NumericDates, keys that parse.
 * Nothing is verified.  On failure *out is cleared and detail (may be
 * NULL) says what was wrong.
 * Errors: CS_ERR_TOO_LARGE, CS_ERR_COSE_TYPE, the CBOR/COSE decoding
 * errors, CS_ERR_CLAIM_MISSING, CS_ERR_CLAIM_INVALID, CS_ERR_CBOR_TYPE,
 * CS_ERR_KEY_PARSE, CS_ERR_KEY_TYPE, CS_ERR_KEY_WEAK, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_trustlist_decode(const uint8_t *data, size_t len, cs_trustlist *out,
                                         char *detail, size_t detail_size);

/*
 * Reads the scheme owner's JSON source (schemas/trustlist-source.schema.json)
 * into *out: issuer, uri, ttl, the ABs and optionally next keys; sequence,
 * issued_at and next_update are left for the caller.  A key is a PEM file
 * name (relative to base_folder; NULL: refused) or {"alg", "x", "y"} in
 * hex.  detail names the field that was wrong.
 * Errors: CS_ERR_JSON, CS_ERR_RECORD, CS_ERR_DATE, the key loading errors,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_trustlist_from_json(const char *json, size_t len, const char *base_folder,
                                            cs_trustlist *out, char *detail,
                                            size_t detail_size);

/* The list as JSON in the source's shape, with the signed fields and every
 * key's kid added, in a new string (*out, freed with free()).
 * Errors: CS_ERR_NO_MEMORY, CS_ERR_CRYPTO. */
CS_MUST_CHECK cs_err cs_trustlist_to_json(const cs_trustlist *list, char **out);

/* The list as lines of text, as `certseal trustlist show` prints it (first
 * "NOT VERIFIED": it says nothing of the signature), every text of the list
 * escaped for a terminal, in a new string (*out, freed with free()).
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_trustlist_format_text(const cs_trustlist *list, char **out);

/* The claims of the list, in the order of DESIGN §3, in a new buffer.
 * Errors: CS_ERR_ARGUMENT (a required field missing), CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_trustlist_encode_claims(const cs_trustlist *list, uint8_t **out,
                                                size_t *out_len);

/*
 * Signs the list with the root key and checks what it signed by decoding
 * and verifying it again; the COSE_Sign1 in a new buffer (*out, freed with
 * free()).  Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY, CS_ERR_CRYPTO, and
 * any error decoding the result gives (a field out of bounds).
 */
CS_MUST_CHECK cs_err cs_trustlist_sign(const cs_trustlist *list, const cs_key_t *root,
                                       uint8_t **out, size_t *out_len);

/*
 * The next key entry whose kid is kid, from *cursor on (start at 0); NULL
 * when there is none.  *ab gets its AB.  Several keys may share a kid.
 */
const cs_trustlist_key *cs_trustlist_key_next(const cs_trustlist *list,
                                              const uint8_t kid[CS_KID_SIZE], size_t *cursor,
                                              const cs_trustlist_ab **ab);

/* True when ab is recognised for standard at time `at`: a "rec" entry
 * with the same designation, or the same standard without an edition,
 * whose period covers at. */
bool cs_trustlist_recognises(const cs_trustlist_ab *ab, const char *standard, int64_t at);

/* ---- verifying a list ------------------------------------------------------ */

/*
 * What a verifier remembers per pinned root: the highest sequence seen and
 * its claims' digest, the key the root has rolled over to, and the keys the
 * last list announced.  In memory, and in "<kid>.trust" files of a folder
 * (the cache folder) so that the memory outlives the process.
 * Thread safety: one history may be shared by several threads.
 */
typedef struct cs_trustlist_history cs_trustlist_history_t;

/* A new history; folder (copied, NULL for memory only) must exist.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_trustlist_history_new(const char *folder, cs_trustlist_history_t **out);
void cs_trustlist_history_free(cs_trustlist_history_t **history);

/* What cs_trustlist_verify() found besides its verdict. */
typedef struct cs_trustlist_verified {
    size_t root;      /* index of the pinned root the list chains to */
    bool rolled_over; /* signed by a key the previous list announced (now pinned) */
    bool stale;       /* past its next update, within the grace period */
} cs_trustlist_verified;

/*
 * Verifies a decoded list against pinned roots at time now: signed by one
 * root (or by the key that root rolled over to, or by a key the last list
 * accepted for that root announced: that key is then pinned instead);
 * a sequence not lower than the history's for that root, and when equal
 * the same claims; iat not after now + skew; now not past next_update +
 * grace (past next_update alone sets info->stale).  An accepted list
 * updates the history.  detail (may be NULL) says why, in a buyer's words.
 * Errors: CS_ERR_TRUSTLIST_ROOT, CS_ERR_SIGNATURE and the other signature
 * errors, CS_ERR_TRUSTLIST_ROLLBACK, CS_ERR_TRUSTLIST_REPLAY,
 * CS_ERR_TRUSTLIST_FUTURE, CS_ERR_TRUSTLIST_EXPIRED, CS_ERR_ARGUMENT,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_trustlist_verify(const cs_trustlist *list, const cs_key_t *const *roots,
                                         size_t root_count, cs_trustlist_history_t *history,
                                         int64_t now, int64_t skew, int64_t grace,
                                         cs_trustlist_verified *info, char *detail,
                                         size_t detail_size);

#ifdef __cplusplus
}
#endif
#endif
