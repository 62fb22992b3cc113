/* SPDX-License-Identifier: ISC */
/*
 * certseal/claims.h - the two signed objects of certseal and their CWT
 * claims (DESIGN §3): the accreditation credential (AC) an accreditation
 * body signs for a certification body, and the certificate token (CT) a
 * certification body signs for a certified organisation.
 *
 * Ownership: every pointer in cs_accreditation and cs_certificate is owned
 * by the struct and released by its _clear() function, which leaves the
 * struct zeroed and reusable.  Decoders fill a zeroed struct and clear it
 * again on failure.
 */
#ifndef CERTSEAL_CLAIMS_H
#define CERTSEAL_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/key.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_TYP_ACCREDITATION "cs-accr"
#define CS_TYP_CERTIFICATE "cs-cert"

/* CWT claim keys (RFC 8392 §4, RFC 8747) and certseal's private ones. */
#define CS_CLAIM_ISS 1
#define CS_CLAIM_SUB 2
#define CS_CLAIM_EXP 4
#define CS_CLAIM_NBF 5
#define CS_CLAIM_IAT 6
#define CS_CLAIM_CNF 8
#define CS_CLAIM_CERTIFICATE (-65537)   /* the certificate map of a CT */
#define CS_CLAIM_ACCREDITATION (-65538) /* the accreditation map of an AC */
/* Token Status List claims (draft-ietf-oauth-status-list-20 §4.2, §5.2).
 * The draft still calls these keys provisional: this is the one place
 * that names them. */
#define CS_CLAIM_STATUS_LIST 65533 /* a status list token's list */
#define CS_CLAIM_TTL 65534         /* a status list token's time to live */
#define CS_CLAIM_STATUS 65535      /* a referenced token's status reference */

#define CS_STATUS_URI_MAX 2048 /* bytes in a status list URI */

/* A referenced token's status claim: {"status_list": {"idx": index, "uri":
 * uri}}.  Optional in both objects: present is false when absent. */
typedef struct cs_status_ref {
    bool present;
    uint64_t index; /* "idx" */
    char *uri;      /* "uri": the status list token's URI (its sub) */
} cs_status_ref;

/* Limits that keep a token printable as a QR code and a parser bounded. */
#define CS_TEXT_MAX 2000   /* bytes in any one text field */
#define CS_LIST_MAX 64     /* standards, IAF codes, sites */
#define CS_IAF_CODE_MAX 39 /* IAF MD 1 sectors are numbered 1-39 */

typedef struct cs_accreditation {
    char *issuer;     /* iss: accreditation body identifier */
    char *subject;    /* sub: certification body identifier */
    char *name;       /* "nam": the CB's legal name */
    char *number;     /* "no": accreditation number */
    char *country;    /* "ctr": ISO 3166-1 alpha-2 */
    char **standards; /* "std": designations with edition, "ISO 9001:2015" */
    size_t standard_count;
    uint64_t *iaf_codes; /* "iaf": IAF sector codes, may be empty */
    size_t iaf_count;
    int64_t not_before;    /* nbf */
    int64_t expires;       /* exp: first instant no longer valid */
    int64_t issued_at;     /* iat */
    cs_key_t *subject_key; /* cnf: the CB's public key */
    cs_status_ref status;  /* its entry in the AB's status list */
} cs_accreditation;

typedef struct cs_site {
    char *address;
    char *scope;
} cs_site;

typedef struct cs_certificate {
    char *issuer;               /* iss: CB identifier (the AC's sub) */
    char *number;               /* sub: certificate number */
    char *standard;             /* "std" */
    char *organization_name;    /* "org" "nam" */
    char *organization_country; /* "org" "ctr" */
    char *organization_address; /* "org" "adr" */
    char *scope;                /* "scp" */
    cs_site *sites;             /* "sit", may be empty */
    size_t site_count;
    uint64_t *iaf_codes; /* "iaf", may be empty */
    size_t iaf_count;
    int64_t original_grant; /* "grt": 00:00 UTC of the grant date */
    int64_t issued_at;      /* iat: 00:00 UTC of the issue date */
    int64_t not_before;     /* nbf when has_not_before (certseal writes none) */
    bool has_not_before;
    int64_t expires;            /* exp: 00:00 UTC of the day after the expiry date */
    uint64_t revision;          /* "rev", 0 first */
    char *accreditation_number; /* "acc" */
    cs_status_ref status;       /* its entry in the CB's status list */
} cs_certificate;

void cs_accreditation_clear(cs_accreditation *ac);
void cs_certificate_clear(cs_certificate *cert);

/*
 * Encodes the claims of an AC or a CT as a CBOR map into a new buffer
 * (*out, freed with free()), keys in the order of DESIGN §3 so that equal
 * input gives equal bytes.
 * Errors: CS_ERR_ARGUMENT (a required field is NULL), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_accreditation_encode_claims(const cs_accreditation *ac, uint8_t **out,
                                                    size_t *out_len);
CS_MUST_CHECK cs_err cs_certificate_encode_claims(const cs_certificate *cert, uint8_t **out,
                                                  size_t *out_len);

/*
 * Decodes a claims map (a COSE payload) strictly: every required claim
 * present with its CBOR type, no claim but those of DESIGN §3 (an AC: 1, 2,
 * 4, 5, 6, 8, 65535, -65538; a CT: 1, 2, 4, 5, 6, 65535, -65537), no unknown
 * text key in the private maps.  detail (may be NULL) receives which claim
 * was wrong.
 * Errors: the CS_ERR_CBOR* family, CS_ERR_CLAIM_MISSING, CS_ERR_CLAIM_INVALID
 * (also an unknown claim), CS_ERR_KEY_PARSE or CS_ERR_KEY_TYPE (cnf key),
 * CS_ERR_KEY_WEAK (cnf key of small order or not canonical),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_accreditation_decode_claims(const uint8_t *data, size_t len,
                                                    cs_accreditation *ac, char *detail,
                                                    size_t detail_size);
CS_MUST_CHECK cs_err cs_certificate_decode_claims(const uint8_t *data, size_t len,
                                                  cs_certificate *cert, char *detail,
                                                  size_t detail_size);

/*
 * Signs an AC with the accreditation body's key: the tagged COSE_Sign1 with
 * typ "cs-accr", into a new buffer (*out, freed with free()).
 * Errors: as cs_accreditation_encode_claims() and cs_cose_sign1_sign().
 */
CS_MUST_CHECK cs_err cs_accreditation_sign(const cs_key_t *ab_key, const cs_accreditation *ac,
                                           uint8_t **out, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
