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

#include "certseal/claims.h"
#include "certseal/error.h"
#include "certseal/token.h"
#include "certseal/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_verdict {
    CS_VERDICT_VALID = 0,
    CS_VERDICT_SUSPENDED,
    CS_VERDICT_WITHDRAWN,
    CS_VERDICT_SUPERSEDED,
    CS_VERDICT_EXPIRED,
    CS_VERDICT_NOT_YET_VALID,
    CS_VERDICT_NOT_ACCREDITED,
    CS_VERDICT_UNTRUSTED,
    CS_VERDICT_INVALID_SIGNATURE,
    CS_VERDICT_MALFORMED,
    CS_VERDICT_STATUS_UNKNOWN,
} cs_verdict;

/* The DESIGN §2 name: "VALID", "NOT_ACCREDITED", ... */
const char *cs_verdict_name(cs_verdict verdict);

/* The checks, in the order they run (which is also their precedence). */
typedef enum cs_check_id {
    CS_CHECK_DECODE = 0, /* step 1 */
    CS_CHECK_AC_TRUSTED, /* step 2: AB key in the trust store */
    CS_CHECK_AC_SIGNATURE,
    CS_CHECK_AC_TYPE,
    CS_CHECK_CT_KEY, /* step 3: CT kid = AC cnf key */
    CS_CHECK_CT_SIGNATURE,
    CS_CHECK_CT_TYPE,
    CS_CHECK_ISSUER, /* step 4: CT iss = AC sub */
    CS_CHECK_STANDARD,
    CS_CHECK_IAF_SECTORS,
    CS_CHECK_ACCREDITATION_NUMBER,
    CS_CHECK_ACCREDITED_AT_ISSUE, /* step 5 */
    CS_CHECK_CT_VALIDITY,
    CS_CHECK_AC_VALIDITY,
    CS_CHECK_STATUS, /* step 6 */
    CS_CHECK_COUNT
} cs_check_id;

typedef enum cs_check_state {
    CS_CHECK_NOT_RUN = 0, /* an earlier check failed */
    CS_CHECK_PASS,
    CS_CHECK_FAIL,
    CS_CHECK_UNKNOWN, /* could not be decided (status not available) */
} cs_check_state;

#define CS_CHECK_DETAIL_SIZE 256

typedef struct cs_check {
    cs_check_state state;
    cs_err err;                        /* CS_OK unless state is FAIL/UNKNOWN */
    char detail[CS_CHECK_DETAIL_SIZE]; /* what was checked, or why it failed */
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
 * Verifies one token in any form (token.h).  Returns CS_OK when the checks
 * ran, whatever the verdict; an error only when verification could not run
 * (CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY, CS_ERR_CRYPTO).  The caller clears
 * *result with cs_verify_result_clear() after either outcome.
 */
CS_MUST_CHECK cs_err cs_verifier_verify(cs_verifier_t *verifier, const uint8_t *token, size_t len,
                                        cs_verify_result *result);

void cs_verify_result_clear(cs_verify_result *result);

#ifdef __cplusplus
}
#endif
#endif
