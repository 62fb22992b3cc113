/* SPDX-License-Identifier: ISC */
/*
 * certseal/verify.h - chain verification of a certificate token (DESIGN §2).
 *
 * A verifier holds a trust store of accreditation body keys and applies the
 * rules in order: decode, accreditation credential, certificate token,
 * scope, time, status.  The result names every check with its state and,
 * for a failure, the reason in words a buyer understands; the verdict is
 * the one of the first check that failed.  Nothing in a token is trusted
 * before the signatures over it are checked: after a failed signature the
 * later checks are not run.
 *
 * Verified accreditation credentials are cached by their bytes, so that
 * verifying many certificates of one certification body costs one
 * signature check each.
 *
 * Thread safety: a verifier is used by one thread at a time.
 */
#ifndef CERTSEAL_VERIFY_H
#define CERTSEAL_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/catalog.h"
#include "certseal/claims.h"
#include "certseal/error.h"
#include "certseal/status.h"
#include "certseal/token.h"
#include "certseal/trust.h"
#include "certseal/trustlist.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The verdicts, one list (STYLE 21) that every per-verdict table is
 * generated from:
 *   X(name, exit, rank, json, tone, headline, sentence, hint)
 * name      CS_VERDICT_<name>, and the DESIGN §2 name cs_verdict_name()
 *           returns ("VALID", "NOT_ACCREDITED", ...)
 * exit      the exit code of certseal(1) (EXIT STATUS), cs_verdict_exit_code()
 * rank      how bad it is, cs_verdict_rank(): 0 for VALID, then what was not
 *           decided, the time verdicts, the status verdicts, NOT_ACCREDITED,
 *           and a forgery highest
 * json      the "verdict" of cs_report_verify_json()
 * tone      the banner colour of cs_report_verify_html(): OK (green), WARN
 *           (amber) or BAD (red)
 * headline  the banner's heading (the page may refine it: VALID with a
 *           warning, the reasons of NOT_ACCREDITED)
 * sentence  the banner's plain sentence (NULL: written from the certificate)
 * hint      cs_report_operator_hint(), or NULL
 * Adding a verdict: a line here, its verdict_for() case in pkg/verify.c,
 * its code in certseal(1) EXIT STATUS and in the README's table of exit
 * codes.
 */
/* clang-format off */
#define CS_VERDICT_LIST(X)                                                                  \
    X(VALID, 0, 0, "VALID", OK, "Valid certificate", NULL, NULL)                            \
    X(SUSPENDED, 16, 5, "SUSPENDED", BAD, "Suspended",                                      \
      "The certification body has suspended this certificate. It is not valid while it is " \
      "suspended.", NULL)                                                                   \
    X(WITHDRAWN, 17, 6, "WITHDRAWN", BAD, "Withdrawn",                                      \
      "The certification body has withdrawn this certificate. It is no longer valid.",      \
      NULL)                                                                                 \
    X(SUPERSEDED, 18, 4, "SUPERSEDED", WARN, "Replaced by a newer revision",                \
      "The certification body has issued a newer revision of this certificate. Ask the "    \
      "organisation for its current certificate.", NULL)                                    \
    X(EXPIRED, 14, 3, "EXPIRED", BAD, "Expired", "This certificate has expired.", NULL)     \
    X(NOT_YET_VALID, 15, 2, "NOT_YET_VALID", WARN, "Not yet valid",                         \
      "This certificate only takes effect on a later date.", NULL)                          \
    X(NOT_ACCREDITED, 13, 7, "NOT_ACCREDITED", BAD, "Not accredited",                       \
      "The certificate does not match the certification body's accreditation.", NULL)      \
    X(UNTRUSTED, 11, 9, "UNTRUSTED", BAD, "Not genuine",                                    \
      "This code was not issued under an accreditation body this service trusts. Do not "   \
      "rely on it.",                                                                        \
      "add the accreditation body's public key with --trust, if it is one to trust")        \
    X(INVALID_SIGNATURE, 12, 10, "INVALID_SIGNATURE", BAD, "Not genuine",                   \
      "This code has been altered or forged: its signature does not match. Do not rely on " \
      "it.", NULL)                                                                          \
    X(MALFORMED, 10, 8, "MALFORMED", BAD, "Not a certificate code",                         \
      "This code could not be read as a certseal certificate.", NULL)                       \
    X(STATUS_UNKNOWN, 19, 1, "STATUS_UNKNOWN", WARN, "Status could not be checked",         \
      "Whether this certificate has been suspended or withdrawn could not be checked. Ask " \
      "the certification body before relying on it.",                                       \
      "give the current status lists with --status, or --fetch them")
/* clang-format on */

#define CS_VERDICT_ENUM_(name, exit, rank, json, tone, headline, sentence, hint) \
    CS_VERDICT_##name,
typedef enum cs_verdict {
    CS_VERDICT_LIST(CS_VERDICT_ENUM_)
    CS_VERDICT_COUNT /* not a verdict: how many there are */
} cs_verdict;
#undef CS_VERDICT_ENUM_

/* The DESIGN §2 name: "VALID", "NOT_ACCREDITED", ...; "UNKNOWN" for a
 * value outside the list. */
const char *cs_verdict_name(cs_verdict verdict);

/* The exit code certseal(1) documents for the verdict (0 for VALID,
 * 10-19 for the others); 1 for a value outside the list. */
int cs_verdict_exit_code(cs_verdict verdict);

/* How bad the verdict is, for choosing the worst of several: 0 for VALID,
 * 1 for STATUS_UNKNOWN, up to 10 for INVALID_SIGNATURE (CS_VERDICT_LIST
 * has the order); CS_VERDICT_COUNT for a value outside the list. */
int cs_verdict_rank(cs_verdict verdict);

/* The checks, in the order they run (which is also their precedence). */
typedef enum cs_check_id {
    CS_CHECK_DECODE = 0, /* step 1 */
    CS_CHECK_AC_TRUSTED, /* step 2: AB key in the trust store */
    CS_CHECK_AC_SIGNATURE,
    CS_CHECK_AC_TYPE,
    CS_CHECK_AB_LISTED, /* step 2: the AB of the trust list: identity, key period, status */
    CS_CHECK_CT_KEY, /* step 3: CT kid = AC cnf key */
    CS_CHECK_CT_SIGNATURE,
    CS_CHECK_CT_TYPE,
    CS_CHECK_ISSUER, /* step 4: CT iss = AC sub */
    CS_CHECK_STANDARD,
    CS_CHECK_AB_RECOGNISED, /* step 2: the AB is recognised for the standard */
    CS_CHECK_IAF_SECTORS,
    CS_CHECK_ACCREDITATION_NUMBER,
    CS_CHECK_ACCREDITED_AT_ISSUE, /* step 5 */
    CS_CHECK_CT_VALIDITY,
    CS_CHECK_AC_VALIDITY,
    CS_CHECK_AC_STATUS, /* step 6: the AC in the AB's status list */
    CS_CHECK_CT_STATUS, /* step 6: the CT in the CB's status list */
    CS_CHECK_EDITION_CURRENT, /* step 7: the standard's edition has not ended */
    CS_CHECK_COUNT
} cs_check_id;

typedef enum cs_check_state {
    CS_CHECK_NOT_RUN = 0, /* an earlier check failed */
    CS_CHECK_PASS,
    CS_CHECK_FAIL,
    CS_CHECK_UNKNOWN, /* could not be decided (status not available) */
} cs_check_state;


typedef struct cs_check {
    cs_check_state state;
    cs_err err;                        /* CS_OK unless state is FAIL/UNKNOWN */
    char detail[CS_DETAIL_SIZE]; /* what was checked, or why it failed */
} cs_check;

/* "decode", "accreditation-trusted", ... (stable, used in JSON). */
const char *cs_check_name(cs_check_id id);
/* "pass", "fail", "unknown", "not run". */
const char *cs_check_state_name(cs_check_state state);

typedef struct cs_verify_result {
    cs_verdict verdict;
    cs_err err;          /* the first failure's error, CS_OK when VALID */
    cs_check_id failed;  /* the first failing check (when not VALID) */
    cs_form form;        /* the form the token came in */
    size_t token_length; /* characters (or bytes) of the token as given */
    size_t cose_length;  /* bytes of the COSE_Sign1 */
    int64_t verified_at; /* the time the checks used */
    cs_check checks[CS_CHECK_COUNT];
    /* The decoded objects, when decoding got that far.  Their contents are
     * trustworthy only when `signatures_verified` is true. */
    bool signatures_verified;
    bool has_certificate;
    cs_certificate certificate;            /* owned by the result */
    const cs_accreditation *accreditation; /* borrowed from the verifier:
                                              valid until its next verify
                                              call or its release */
    uint8_t ct_kid[CS_KID_SIZE];
    uint8_t ab_kid[CS_KID_SIZE];
    bool has_kids;
    /* Step 6 in brief: status_checked is false when a status could not be
     * checked (no list, a list refused, or an earlier check failed), which
     * a VALID verdict allows only when status is optional
     * (cs_verifier_set_status_optional()); status_as_of is the iat of the
     * oldest list used after its ttl had passed, 0 when none was. */
    bool status_checked;
    int64_t status_as_of;
    /* With a trust list: the AB entry whose key verified the AC (borrowed
     * from the list, valid while the verifier holds it), NULL when the key
     * was pinned (--trust: identity and recognition not checked);
     * trust_list_stale_since is the next update of a list used past it
     * (within the grace period), 0 when none was. */
    const cs_trustlist_ab *ab;
    const char *trust_list_issuer; /* borrowed likewise */
    int64_t trust_list_stale_since;
    /* Step 7: the last day of the transition the certificate's edition is
     * in (its check passed with that note), 0 when it is in none. */
    int64_t edition_transition_ends;
} cs_verify_result;

typedef struct cs_verifier cs_verifier_t;

#define CS_DEFAULT_CLOCK_SKEW 300 /* seconds */

/*
 * Makes a verifier over a trust store the caller keeps alive (borrowed).
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_verifier_new(const cs_trust_t *trust, cs_verifier_t **out);
void cs_verifier_free(cs_verifier_t **verifier);

/* Verifies as of `at` (NumericDate) instead of the current time; a
 * negative value returns to the current time. */
void cs_verifier_set_time(cs_verifier_t *verifier, int64_t at);

/* Tolerated clock difference in seconds (default CS_DEFAULT_CLOCK_SKEW). */
void cs_verifier_set_clock_skew(cs_verifier_t *verifier, int64_t seconds);

/*
 * Status lists (DESIGN §2 step 6).  A token's status reference is looked
 * up in the list whose sub equals the reference's uri: among the lists
 * added here, else from the status source when one is set.  Every list
 * for that uri is verified with the key of the object that references it
 * (the AB key for an AC, the AC's cnf key for a CT) before one is chosen;
 * of those that verify, the one with the highest iat is used.  A list must
 * have an exp and not be expired, and its iat must not be in the future
 * (beyond the clock skew), nor older than the maximum list age
 * (cs_verifier_set_max_list_age()), nor older than one the status history
 * saw for that uri (cs_verifier_set_status_history()).  A list used after
 * its ttl has passed (within the maximum age) is reported through
 * result->status_as_of.
 *
 * Status is required by default: a reference whose list could not be had
 * fails the check with STATUS_UNKNOWN (CS_ERR_STATUS_UNKNOWN), unless
 * status is optional, where the check is UNKNOWN, the verdict may be VALID
 * and result->status_checked is false.  A list that is given but refused
 * fails the check whatever the setting (verdict STATUS_UNKNOWN, err naming
 * the rule: CS_ERR_STATUS_LIST_KEY, _URI, _EXPIRED, _NO_EXPIRY, _FUTURE,
 * _STALE, CS_ERR_STATUS_ROLLBACK, CS_ERR_STATUS_BITS, CS_ERR_STATUS_INDEX,
 * or a decoding error).  A token without a status reference passes
 * ("cannot be suspended or withdrawn") unless cs_verifier_require_status()
 * asks for one.  A status that could not be checked never hides one that
 * was: an AC whose status is unknown and a withdrawn CT give WITHDRAWN.
 *
 * Entry values: for the CT, 0 passes, 2 gives SUSPENDED
 * (CS_ERR_STATUS_SUSPENDED), 1 WITHDRAWN (CS_ERR_STATUS_WITHDRAWN), 3
 * SUPERSEDED (CS_ERR_STATUS_SUPERSEDED); for the AC, 2 gives
 * NOT_ACCREDITED with CS_ERR_AC_SUSPENDED, 1 and 3 NOT_ACCREDITED with
 * CS_ERR_AC_WITHDRAWN (a superseded credential no longer vouches for the
 * certificates that embed it).  The time checks come first: an expired
 * certificate stays EXPIRED whatever its status.
 *
 * The list chosen with a key is kept with that key, so that many tokens
 * referencing it cost one signature check; its times and the history are
 * checked again at every use.
 */

#define CS_DEFAULT_MAX_LIST_AGE (7 * 86400) /* seconds */

/* Adds a Status List Token (COSE_Sign1 bytes, copied); it is decoded now
 * (unverified, for its sub) and verified when used.  Lists with the same
 * sub are all kept: the choice among them is made when they are verified.
 * detail (may be NULL) says what was wrong.
 * Errors: as cs_status_token_decode(), CS_ERR_TOO_LARGE (more than 4096
 * lists), CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_verifier_add_status_list(cs_verifier_t *verifier, const uint8_t *data,
                                                 size_t len, char *detail, size_t detail_size);

/* Supplies a Status List Token for uri in a new buffer (*out, freed with
 * free()), or returns an error whose detail is reported in the check
 * (the status is then unknown).  Called at most once per uri and
 * verifier: its answer, or its failure, is kept for later tokens. */
typedef cs_err (*cs_status_source_fn)(void *ctx, const char *uri, int64_t now, uint8_t **out,
                                      size_t *out_len, char *detail, size_t detail_size);

/* Sets (or with NULL clears) the source asked for lists not added; ctx is
 * borrowed.  Lists it supplies are kept for later tokens. */
void cs_verifier_set_status_source(cs_verifier_t *verifier, cs_status_source_fn source, void *ctx);

/* When required, an object without a status reference fails with
 * STATUS_UNKNOWN too (referenced ones need their list by default). */
void cs_verifier_require_status(cs_verifier_t *verifier, bool required);

/* The explicit opt-out (default false): a referenced status whose list
 * could not be had is UNKNOWN instead of failing, and result->status_checked
 * says so.  A list that was had but refused still fails.  Ignored while
 * cs_verifier_require_status() is on. */
void cs_verifier_set_status_optional(cs_verifier_t *verifier, bool optional);

/* Lists issued longer ago than seconds are refused (default
 * CS_DEFAULT_MAX_LIST_AGE); negative values are ignored. */
void cs_verifier_set_max_list_age(cs_verifier_t *verifier, int64_t seconds);

/* One status list a verifier used (cs_verifier_each_status_list()): its
 * URI (borrowed for the call), iat and the SHA-256 of its bytes as
 * published.  Returns CS_OK to go on, anything else to stop with it. */
typedef cs_err (*cs_status_used_fn)(void *ctx, const char *uri, int64_t issued_at,
                                    const uint8_t sha256[32]);

/* Calls fn for each status list the verifier has used in a verdict so far
 * (one per URI: the list chosen for it), in the order first used: what a
 * verification receipt records (receipt.h).
 * Errors: CS_ERR_ARGUMENT, CS_ERR_CRYPTO, and fn's. */
CS_MUST_CHECK cs_err cs_verifier_each_status_list(const cs_verifier_t *verifier,
                                                  cs_status_used_fn fn, void *ctx);

/* Remembers and enforces the highest iat seen per list URI (status.h);
 * borrowed, kept alive by the caller; NULL: none (the default). */
void cs_verifier_set_status_history(cs_verifier_t *verifier, cs_status_history_t *history);

/*
 * Trust lists (DESIGN §2 step 2).  The AC's kid is looked up among the
 * keys of the lists added here first, then among the trust store's pinned
 * keys.  A key found in a list must verify the AC, and then (check
 * CS_CHECK_AB_LISTED) the AC's iss must be that AB's identifier
 * (CS_ERR_AB_IMPERSONATION), the key's period must cover the AC's iat
 * (CS_ERR_AB_KEY_PERIOD), the key must not be compromised
 * (CS_ERR_AB_KEY_COMPROMISED): UNTRUSTED; the AB must be active
 * (CS_ERR_AB_NOT_ACTIVE): NOT_ACCREDITED; and (CS_CHECK_AB_RECOGNISED) the
 * AB must be recognised for the certificate's standard at its iat and now
 * (CS_ERR_AB_NOT_RECOGNISED): NOT_ACCREDITED.  A list past its next update
 * by more than the grace period gives no key (CS_ERR_TRUSTLIST_EXPIRED,
 * UNTRUSTED); within it, the result carries trust_list_stale_since.  With
 * a pinned key both checks pass saying that they were not checked.
 */

/* Adds a list the caller verified with cs_trustlist_verify(); borrowed:
 * kept alive and unchanged while the verifier may use it.  Forgets the
 * credentials verified so far.  Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE
 * (more than 16 lists). */
CS_MUST_CHECK cs_err cs_verifier_add_trust_list(cs_verifier_t *verifier, const cs_trustlist *list);

/* Forgets the lists added (and the credentials verified with them). */
void cs_verifier_clear_trust_lists(cs_verifier_t *verifier);

/* Seconds a list is used past its next update (default
 * CS_DEFAULT_TRUST_LIST_GRACE); negative values are ignored. */
void cs_verifier_set_trust_list_grace(cs_verifier_t *verifier, int64_t seconds);

/*
 * The standards catalog of DESIGN §2 step 7 (check CS_CHECK_EDITION_CURRENT):
 * a certificate to an edition whose transition has ended at the
 * verification time is EXPIRED (CS_ERR_EDITION_ENDED), the reason naming
 * the transition; during a transition the check passes with a note (the
 * CS_WARNING_EDITION_TRANSITION warning); a standard the catalog does not
 * list passes saying so.  By default the built-in catalog
 * (cs_catalog_load_builtin()), loaded when first needed.
 */

/* Uses catalog instead of the built-in one; the verifier takes ownership
 * of *catalog (set to NULL) and frees it with itself.  NULL *catalog
 * returns to the built-in one. */
void cs_verifier_set_catalog(cs_verifier_t *verifier, cs_catalog **catalog);

/* The catalog the verifier uses (borrowed), loading the built-in one when
 * none was set; NULL only when out of memory. */
const cs_catalog *cs_verifier_catalog(cs_verifier_t *verifier);

/*
 * Verifies one token in any form (token.h).  Returns CS_OK when the checks
 * ran, whatever the verdict; an error only when verification could not run
 * (CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY, CS_ERR_CRYPTO).  The caller clears
 * *result with cs_verify_result_clear() after either outcome.
 */
CS_MUST_CHECK cs_err cs_verifier_verify(cs_verifier_t *verifier, const uint8_t *token, size_t len,
                                        cs_verify_result *result);

void cs_verify_result_clear(cs_verify_result *result);

/*
 * Step 6 in one word for the AC (CS_CHECK_AC_STATUS) or the CT
 * (CS_CHECK_CT_STATUS) of a result: "valid", "suspended", "withdrawn",
 * "superseded" (CT only; a superseded AC counts as withdrawn), "unknown"
 * (no list, or a list that did not verify), "not referenced" (the object
 * carries no status reference) or "not checked" (an earlier check failed).
 * Static text, never NULL.
 */
const char *cs_verify_status_summary(const cs_verify_result *result, cs_check_id which);

/* Warnings that go with a result wherever it is shown (text, JSON, page). */
typedef enum cs_verify_warning {
    CS_WARNING_STATUS_NOT_CHECKED = 0x1, /* VALID, but a status was not checked
                                            (status optional) */
    CS_WARNING_STATUS_AS_OF = 0x2,       /* a list past its ttl was used
                                            (result->status_as_of) */
    CS_WARNING_TRUST_LIST_STALE = 0x4,   /* a trust list past its next update
                                            was used (within its grace) */
    CS_WARNING_EDITION_TRANSITION = 0x8, /* the standard's edition is in its
                                            transition (result->edition_transition_ends) */
} cs_verify_warning;

#define CS_VERIFY_WARNING_SIZE 200

/* The warnings of result, as a mask of cs_verify_warning values. */
unsigned cs_verify_warnings(const cs_verify_result *result);

/* One warning in words, starting "status not checked" or "status as of
 * <date>", into buf (cut to size); "" for a warning result does not have. */
void cs_verify_warning_text(const cs_verify_result *result, cs_verify_warning warning, char *buf,
                            size_t size);

#ifdef __cplusplus
}
#endif
#endif
