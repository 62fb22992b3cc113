/* SPDX-License-Identifier: ISC */
/*
 * pkg/verify_internal.h - private declarations shared by the verifier's
 * files (never installed, never exported): the verifier's state and one
 * verification in progress (pkg/verify.c), the helpers that record a check
 * (pkg/verify_record.c), the accreditation-credential cache
 * (pkg/verify_cache.c) and the status checks of DESIGN §2 step 6
 * (pkg/verify_status.c).
 */
#ifndef CERTSEAL_VERIFY_INTERNAL_H
#define CERTSEAL_VERIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/claims.h"
#include "certseal/key.h"
#include "certseal/token.h"
#include "certseal/trust.h"
#include "certseal/verify.h"
#include "internal.h"
#include "status_store.h"

#pragma GCC visibility push(hidden)

/* Where a trust list places the AB key that verified an AC (all NULL for
 * a pinned key); borrowed from the list. */
typedef struct cs_listing {
    const cs_trustlist *list;
    const cs_trustlist_ab *ab;
    const cs_trustlist_key *key;
} cs_listing;

/* ---- the accreditation-credential cache (pkg/verify_cache.c) -------------- */

#define CS_AC_CACHE_SLOTS 16

/* A verified accreditation credential, keyed by its exact bytes (compared
 * whole: a few hundred bytes against a handful of slots costs less than
 * hashing them). */
typedef struct cs_ac_cache_entry {
    uint8_t *bytes;
    size_t len;
    cs_accreditation ac;
    uint8_t ab_kid[CS_KID_SIZE];
    const cs_key_t *ab_key; /* the trust store's key that verified it (borrowed) */
    cs_listing listing;     /* its trust list entry, when it came from one */
    /* The details its trust and signature checks gave, replayed on a hit so
     * that a report never depends on what the verifier saw before. */
    char trusted_detail[CS_DETAIL_SIZE];
    char signature_detail[CS_DETAIL_SIZE];
} cs_ac_cache_entry;

/* The verified ACs a verifier remembers (DESIGN §8), replaced round robin.
 * All zero is an empty cache. */
typedef struct cs_ac_cache {
    cs_ac_cache_entry entries[CS_AC_CACHE_SLOTS];
    size_t next_slot;
} cs_ac_cache;

/* The entry whose AC has exactly these len bytes, or NULL.  The entry is
 * borrowed: valid until the next cs_ac_cache_insert() or
 * cs_ac_cache_clear(). */
const cs_ac_cache_entry *cs_ac_cache_find(const cs_ac_cache *cache, const uint8_t *bytes,
                                          size_t len);

/* Forgets the entry whose AC has exactly these len bytes, if any. */
void cs_ac_cache_forget(cs_ac_cache *cache, const uint8_t *bytes, size_t len);

/*
 * Keeps a copy of the verified AC's bytes with its decoded claims, the
 * trust-store key that verified it (borrowed, must outlive the cache) and
 * the details of its trust and signature checks, in the next slot (evicting what it held).
 * On success the claims move out of *ac (left zeroed) and the cached
 * claims are returned (borrowed, as for cs_ac_cache_find()); NULL when the
 * copy cannot be allocated, with *ac and the cache untouched.
 */
CS_MUST_CHECK const cs_accreditation *cs_ac_cache_insert(cs_ac_cache *cache, const uint8_t *bytes,
                                                         size_t len, cs_accreditation *ac,
                                                         const cs_key_t *ab_key,
                                                         const cs_listing *listing,
                                                         const char *trusted_detail,
                                                         const char *signature_detail);

/* Frees every entry; the cache is empty afterwards. */
void cs_ac_cache_clear(cs_ac_cache *cache);

/* ---- the verifier and one verification (pkg/verify.c) --------------------- */

#define CS_VERIFIER_TRUST_LISTS_MAX 16

struct cs_verifier {
    const cs_trust_t *trust;
    cs_token_codec_t *codec;
    int64_t fixed_time; /* < 0: the current time */
    int64_t skew;
    cs_cbor_writer to_be_signed; /* Sig_structure buffer, reused */
    cs_ac_cache cache;
    cs_accreditation unverified_ac; /* an AC that did not verify, for display */
    cs_status_store *status;        /* step 6: the status lists known */
    bool require_status;            /* also fail objects without a reference */
    bool status_optional;           /* a referenced status not checked passes */
    int64_t max_list_age;           /* seconds */
    cs_status_history_t *history;   /* borrowed; NULL: none */
    const cs_trustlist *trust_lists[CS_VERIFIER_TRUST_LISTS_MAX]; /* borrowed */
    size_t trust_list_count;
    int64_t trust_list_grace; /* seconds */
    cs_catalog *catalog;      /* step 7; NULL until set or first needed */
};

/* The state of one verification in progress. */
typedef struct cs_verification {
    cs_verifier_t *verifier;
    cs_verify_result *result;
    cs_cose_sign1 ct;
    cs_cose_sign1 ac;
    const cs_accreditation *accreditation;
    const cs_key_t *ab_key; /* the AB key that verified the AC */
    cs_listing listing;     /* its trust list entry, if any */
    int64_t now;
} cs_verification;

/* ---- recording a check (pkg/verify_record.c) ------------------------------ */

/* Sets the check's state, error and detail (printf format, cut to the
 * detail size and kept valid UTF-8). */
void cs_verify_record(cs_verification *v, cs_check_id id, cs_check_state state, cs_err err,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Records a passed check; returns true so that checks read
 * "return cs_verify_pass(...)". */
bool cs_verify_pass(cs_verification *v, cs_check_id id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The first 8 bytes of kid (len may be shorter) in lower-case hex. */
#define CS_VERIFY_KID_HEX_SIZE (2 * CS_KID_SIZE + 1)
void cs_verify_kid_hex(const uint8_t *kid, size_t len, char out[CS_VERIFY_KID_HEX_SIZE]);

/* Why a signature check failed, in a buyer's words. */
const char *cs_verify_signature_reason(cs_err err);

/* Records a failed check with its reason; returns false. */
bool cs_verify_fail(cs_verification *v, cs_check_id id, cs_err err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));


/* ---- step 6: status (pkg/verify_status.c) --------------------------------- */

/* One object's status in its list, recorded as check `check` ("what" names
 * the object): ref looked up in the verifier's lists, verified with key or
 * a key signers (may be NULL) vouch for. */
void cs_verify_check_status_of(cs_verification *v, cs_check_id check, const char *what,
                               const cs_status_ref *ref, const cs_key_t *key,
                               const cs_status_signers *signers);

/* The other keys of the AB whose key ab_key verified v's credential that
 * may sign its status lists (DESIGN §2 step 6: "a key of that AB"): with a
 * trust list, the AB's other listed keys that are not compromised, each
 * with its signing period; with pinned keys, every other pinned key (the
 * trust store does not say who holds a key).  Fills keys, returns how
 * many. */
#define CS_VERIFY_AB_SIGNERS_MAX 16
size_t cs_verify_ab_signers(const cs_verification *v, const cs_key_t *ab_key,
                            cs_status_other_key keys[CS_VERIFY_AB_SIGNERS_MAX]);

/* ---- accreditation credentials (pkg/verify_accreditation.c) --------------- */

/* Step 2 for the AC decoded in v->ac: a trusted AB key (pinned or listed)
 * verifies it (CS_CHECK_AC_TRUSTED, CS_CHECK_AC_SIGNATURE, *ab_key and
 * v->listing set) and its typ is the AC type (CS_CHECK_AC_TYPE). */
bool cs_verify_check_ac_trusted(cs_verification *v, const cs_key_t **ab_key);

/* DESIGN §2 step 6, the other keys of a CB: accepts
 * the AC a CB's status list carries when the same AB accredited its key
 * for the certificate's CB under the same accreditation number: trusted
 * (step 2, with the trust list's checks of the AB), typ, iss, sub and
 * number equal to the certificate's AC, and its own status in the AB's
 * list checked and valid.  ctx is the cs_verification (v->accreditation
 * set).  A cs_status_signer_fn (status_store.h). */
cs_err cs_verify_accept_list_signer(void *ctx, const char *uri, const uint8_t *ac,
                                    size_t ac_len, cs_accreditation *out, char *detail,
                                    size_t detail_size);

/* DESIGN §2 step 6: records CS_CHECK_AC_STATUS (the AC in the AB's list,
 * signed with v->ab_key) then CS_CHECK_CT_STATUS (the CT in the CB's list,
 * signed with the key the AC accredits).  Needs v->accreditation and the
 * decoded certificate in v->result. */
void cs_verify_check_status(cs_verification *v, const cs_status_signers *cb_signers);

/* The verdict a failed CS_CHECK_AC_STATUS or CS_CHECK_CT_STATUS gives,
 * from the check's error. */
cs_verdict cs_verify_status_verdict(cs_check_id id, cs_err err);

/* True when both status checks decided: passed, or failed with a known
 * status (result->status_checked). */
bool cs_verify_status_checked(const cs_verify_result *r);

/* ---- trust lists (pkg/verify_trustlist.c) --------------------------------- */

/* Step 2 with trust lists: looks the AC's kid up in the verifier's lists
 * and verifies the AC with each key found.  Returns -1 when no list has
 * the kid (the pinned keys are tried next), else records
 * CS_CHECK_AC_TRUSTED and CS_CHECK_AC_SIGNATURE and returns 1 when they
 * pass (*ab_key and v->listing set), 0 when one fails. */
int cs_verify_listed_signature(cs_verification *v, const char *kid_hex, const cs_key_t **ab_key);

/* Whether a cached AC's listing (NULL list: a pinned key) is still the one
 * cs_verify_listed_signature() would find at v->now: the first entry of a
 * list not past its grace period that holds ab_key under the AC's kid. */
bool cs_verify_listing_current(const cs_verification *v, const uint8_t kid[CS_KID_SIZE],
                               const cs_key_t *ab_key, const cs_listing *cached);

/* Step 2: the AB of the list whose key verified the AC: identity, the
 * key's period and compromise, the AB's status (CS_CHECK_AB_LISTED). */
bool cs_verify_check_listed_ab(cs_verification *v);

/* Step 2: the AB is recognised for every standard of the certificate at
 * its iat and now (CS_CHECK_AB_RECOGNISED); the first that is not names the
 * failure. */
bool cs_verify_check_recognition(cs_verification *v, const cs_certificate *cert);

/* ---- step 7: the standards catalog (pkg/verify_catalog.c) ---------------- */

/* Records CS_CHECK_EDITION_CURRENT for every standard of the certificate
 * (several for an integrated one): the first whose edition has ended fails
 * the check and is named; else the check passes, naming each. */
bool cs_verify_check_edition(cs_verification *v, const cs_certificate *cert);

/* The verdict a failed CS_CHECK_AB_LISTED gives, from its error. */
cs_verdict cs_verify_listed_verdict(cs_err err);

#pragma GCC visibility pop

#endif
