/* SPDX-License-Identifier: ISC */
/*
 * certseal/issue.h - a certification body issuing certificate tokens.
 *
 * An issuer holds the CB's signing key and its accreditation credential
 * (AC).  Before signing it checks that the certificate would verify: the
 * key is the one the AC accredits, the standard and IAF sectors are within
 * the accreditation, and the issue date inside its validity.  It keeps its
 * zlib stream and buffers between calls (DESIGN §8), so issuing thousands
 * costs little beyond the signatures.  Not thread-safe: one per thread.
 *
 * Ownership: the key is borrowed and must outlive the issuer; the AC bytes
 * are copied.
 */
#ifndef CERTSEAL_ISSUE_H
#define CERTSEAL_ISSUE_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/catalog.h"
#include "certseal/claims.h"
#include "certseal/error.h"
#include "certseal/key.h"
#include "certseal/token.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cs_issuer cs_issuer_t;

/* Flags for cs_issuer_issue(). */
#define CS_ISSUE_VERIFY_SIGNATURE                                                                  \
    0x1u /* verify the new signature before                                                        \
            returning the token (STYLE 10) */

/*
 * Makes an issuer from the CB's private key and its AC (COSE_Sign1 bytes,
 * or any token form).  detail (may be NULL) says what did not fit.
 * Errors: CS_ERR_ARGUMENT (public-only key), decoding errors of the AC,
 * CS_ERR_COSE_TYPE (not an AC), CS_ERR_KEY_NOT_ACCREDITED (the key is not
 * the AC's cnf key), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_issuer_new(const cs_key_t *cb_key, const uint8_t *accreditation,
                                   size_t accreditation_len, cs_issuer_t **out, char *detail,
                                   size_t detail_size);
void cs_issuer_free(cs_issuer_t **issuer);

/* The issuer's decoded accreditation (borrowed, lives with the issuer). */
const cs_accreditation *cs_issuer_accreditation(const cs_issuer_t *issuer);

/*
 * Signs a certificate token for *cert and writes it in `form` (offline, or
 * link under link_base).  cert->issuer and cert->accreditation_number are
 * filled from the AC when NULL; a given accreditation_number must equal
 * the AC's.  *token is NUL-terminated and borrowed from the issuer until
 * its next call.  detail (may be NULL) says which rule the certificate
 * broke.
 * The certificate's values are checked first (cs_certificate_check()).
 * Errors: CS_ERR_CLAIM_INVALID (a value breaks a rule of DESIGN §3),
 * CS_ERR_ISSUER_MISMATCH, CS_ERR_STANDARD_NOT_ACCREDITED,
 * CS_ERR_IAF_NOT_ACCREDITED, CS_ERR_ACCREDITATION_NUMBER,
 * CS_ERR_AC_NOT_VALID_AT_ISSUE, the catalog's CS_ERR_STANDARD_UNLISTED,
 * CS_ERR_EDITION_NOT_ISSUABLE, CS_ERR_EXPIRY_AFTER_TRANSITION,
 * CS_ERR_SCOPE_CODES, CS_ERR_ARGUMENT (form, link base, missing
 * fields), CS_ERR_SIGNATURE (self-check failed), CS_ERR_NO_MEMORY,
 * CS_ERR_CRYPTO.
 */
CS_MUST_CHECK cs_err cs_issuer_issue(cs_issuer_t *issuer, cs_certificate *cert, cs_form form,
                                     const char *link_base, unsigned flags, const char **token,
                                     size_t *token_len, char *detail, size_t detail_size);

/*
 * The standards catalog cs_issuer_issue() applies (DESIGN §2 step 7,
 * cs_catalog_check_certificate()): by default the built-in one, with
 * flags 0.  With catalog non-NULL the issuer takes ownership of *catalog
 * (set to NULL); with catalog NULL only the flags change.  flags:
 * CS_CATALOG_ALLOW_UNLISTED issues standards the catalog does not list.
 */
void cs_issuer_set_catalog(cs_issuer_t *issuer, cs_catalog **catalog, unsigned flags);

/* The catalog's rules alone, as cs_issuer_issue() applies them: for
 * checking a whole batch before any of it is issued.  Errors: those of
 * cs_catalog_check_certificate(). */
CS_MUST_CHECK cs_err cs_issuer_check_catalog(cs_issuer_t *issuer, const cs_certificate *cert,
                                             char *detail, size_t detail_size);

/* The COSE_Sign1 bytes of the token the last cs_issuer_issue() made
 * (borrowed until the next call). */
const uint8_t *cs_issuer_last_cose(const cs_issuer_t *issuer, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
