/* SPDX-License-Identifier: ISC */
/*
 * certseal/claims.h - the two signed objects of certseal and their CWT
 * claims (DESIGN §3): the accreditation credential (AC) an accreditation
 * body signs for a certification body, and the certificate token (CT) a
 * certification body signs for a certified organisation.
 *
 * Ownership: what is signed and what is decoded are separate types.  An
 * accreditation body fills a cs_accreditation_params, whose pointers are
 * all borrowed for the call and never freed by the library.  Every pointer
 * in a decoded cs_accreditation and in a cs_certificate is owned by the
 * struct and released by its _clear() function, which leaves the struct
 * zeroed and reusable.  Decoders fill a zeroed struct and clear it again on
 * failure.
 *
 * Adding a claim: one claim touches every one of these files, so that the
 * encoder, the decoder, the rules, the schemas and the documents stay in
 * step:
 *   - this header: its CS_CLAIM_* label or CS_CLAIM_KEY_* text key (and a
 *     CS_RECORD_KEY_* name when a JSON record carries it), the struct field;
 *   - pkg/claims.c: the encoder (the map's declared size; cs_cbor_end_map()
 *     checks it), the decoder and its list of known keys, and
 *     cs_accreditation_check() / cs_certificate_check() for its rules;
 *   - pkg/record.c: the record reader, its known fields and
 *     cs_record_json_object();
 *   - schemas/: the CDDL (certseal.cddl) and schemas/record.schema.json;
 *   - docs/wire-format.md and DESIGN §3: the wire format in words;
 *   - the renderers: pkg/report.c (JSON), pkg/report_html.c (page) and the
 *     text output of certseal verify; pkg/batch_csv.c for a CSV column;
 *   - tests/unit/helper_tokens.c (the independent encoder the tests compare
 *     against), tests/unit/test_verify.c and tests/vectors/.
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

/* Text keys of the private claim maps (DESIGN §3): the AC's -65538 map
 * {nam, no, ctr, std, iaf}, the CT's -65537 map {std [+], org {nam, ctr,
 * adr}, scp, sit [{adr, scp}], iaf, fcc, grt, rev, acc, ? prd {cb, no},
 * ? rst}. */
#define CS_CLAIM_KEY_NAME "nam"
#define CS_CLAIM_KEY_NUMBER "no"
#define CS_CLAIM_KEY_COUNTRY "ctr"
#define CS_CLAIM_KEY_STANDARD "std"
#define CS_CLAIM_KEY_IAF "iaf"
#define CS_CLAIM_KEY_FOOD_CHAIN "fcc" /* CT: ISO 22003-1 food chain categories (text) */
#define CS_CLAIM_KEY_ORGANIZATION "org"
#define CS_CLAIM_KEY_ADDRESS "adr"
#define CS_CLAIM_KEY_SCOPE "scp"
#define CS_CLAIM_KEY_SITES "sit"
#define CS_CLAIM_KEY_GRANT "grt"
#define CS_CLAIM_KEY_REVISION "rev"
#define CS_CLAIM_KEY_ACCREDITATION "acc"
#define CS_CLAIM_KEY_PREDECESSOR "prd"       /* CT: the certificate a transfer replaces */
#define CS_CLAIM_KEY_CERTIFICATION_BODY "cb" /* "prd": the previous CB's identifier */
#define CS_CLAIM_KEY_RESTORED "rst"          /* CT: restoration date (ISO/IEC 17021-1 9.6.3.2.5) */
/* The status claim {"status_list": {"idx": n, "uri": u}} and a status list
 * token's StatusList {"bits", "lst", ? "aggregation_uri"}
 * (draft-ietf-oauth-status-list-20 §4.2, §4.3, §5.2). */
#define CS_CLAIM_KEY_STATUS_LIST "status_list"
#define CS_CLAIM_KEY_STATUS_INDEX "idx"
#define CS_CLAIM_KEY_STATUS_URI "uri"
#define CS_CLAIM_KEY_LIST_BITS "bits"
#define CS_CLAIM_KEY_LIST_BYTES "lst"
#define CS_CLAIM_KEY_LIST_AGGREGATION "aggregation_uri"

/* Field names of the JSON certificate record (schemas/record.schema.json,
 * certseal/record.h), also the record fields a batch names in a problem. */
#define CS_RECORD_KEY_NUMBER "certificate_number"
#define CS_RECORD_KEY_STANDARD "standard"   /* one standard */
#define CS_RECORD_KEY_STANDARDS "standards" /* several: an integrated certificate */
#define CS_RECORD_KEY_ORGANIZATION "organization"
#define CS_RECORD_KEY_NAME "name"
#define CS_RECORD_KEY_COUNTRY "country"
#define CS_RECORD_KEY_ADDRESS "address"
#define CS_RECORD_KEY_SCOPE "scope"
#define CS_RECORD_KEY_SITES "sites"
#define CS_RECORD_KEY_IAF_CODES "iaf_codes"
#define CS_RECORD_KEY_FOOD_CHAIN "food_chain_categories"
#define CS_RECORD_KEY_ORIGINAL_GRANT "original_grant"
#define CS_RECORD_KEY_ISSUED "issued"
#define CS_RECORD_KEY_EXPIRES "expires"
#define CS_RECORD_KEY_REVISION "revision"
#define CS_RECORD_KEY_ACCREDITATION_NUMBER "accreditation_number"
#define CS_RECORD_KEY_ISSUER "issuer"
#define CS_RECORD_KEY_PREDECESSOR "predecessor" /* {certification_body, certificate_number} */
#define CS_RECORD_KEY_CERTIFICATION_BODY "certification_body"
#define CS_RECORD_KEY_RESTORED "restored"
#define CS_RECORD_KEY_SCHEMA "$schema"

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

/*
 * What an accreditation body signs (cs_accreditation_sign()): every pointer
 * is borrowed for the call; the library neither keeps nor frees any.
 */
typedef struct cs_accreditation_params {
    const char *issuer;           /* iss: accreditation body identifier */
    const char *subject;          /* sub: certification body identifier */
    const char *name;             /* "nam": the CB's legal name */
    const char *number;           /* "no": accreditation number */
    const char *country;          /* "ctr": ISO 3166-1 alpha-2, "GB" */
    const char *const *standards; /* "std": with edition, "ISO 9001:2015" */
    size_t standard_count;        /* 1 to CS_LIST_MAX */
    const uint64_t *iaf_codes;    /* "iaf": IAF sector codes, may be NULL */
    size_t iaf_count;             /* 0 to CS_LIST_MAX */
    int64_t not_before;           /* nbf */
    int64_t expires;              /* exp: first instant no longer valid */
    int64_t issued_at;            /* iat */
    const cs_key_t *subject_key;  /* cnf: the CB's public key */
    struct {
        bool present;    /* false: no status claim */
        uint64_t index;  /* "idx" */
        const char *uri; /* "uri": the AB's status list */
    } status;
} cs_accreditation_params;

/* A decoded accreditation credential; every pointer owned (see above). */
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

/* The certificate a transferred certificate replaces (IAF MD 2): both
 * NULL when the certificate was not transferred, both set when it was. */
typedef struct cs_predecessor {
    char *certification_body; /* "cb": the previous CB's identifier */
    char *number;             /* "no": its certificate number there */
} cs_predecessor;

typedef struct cs_certificate {
    char *issuer; /* iss: CB identifier (the AC's sub) */
    char *number; /* sub: certificate number */
    /* "std": one or more designations with edition, no repeats; several for
     * an integrated management-system certificate, each in the AC. */
    char **standards;
    size_t standard_count;
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
    /* "fcc": ISO 22003-1 food chain categories ("C", "CI", "FII"), for a
     * standard whose catalog entry uses them (ISO 22000); may be empty. */
    char **food_chain_categories;
    size_t food_chain_count;
    cs_predecessor predecessor; /* "prd", when transferred from another CB */
    int64_t restored;           /* "rst": 00:00 UTC of the restoration date */
    bool has_restored;          /* false: never suspended and restored */
} cs_certificate;

void cs_accreditation_clear(cs_accreditation *ac);
void cs_certificate_clear(cs_certificate *cert);

/*
 * Writes the certificate's standards joined by separator ("ISO 9001:2015,
 * ISO 14001:2015" with ", ") into out (out_size > 0), truncated to fit, for
 * a line of text or a table cell; the caller escapes it for its medium.
 * Returns out ("" when there is none).
 */
const char *cs_certificate_standards_text(const cs_certificate *cert, const char *separator,
                                          char *out, size_t out_size);

/* True when the certificate lists standard (exact designation). */
bool cs_certificate_has_standard(const cs_certificate *cert, const char *standard);

/* DESIGN §2 step 4: the first of the certificate's standards that the
 * accreditation does not list (exact designation, edition included), or
 * NULL when it lists them all.  The result is borrowed from cert. */
const char *cs_certificate_unaccredited_standard(const cs_certificate *cert,
                                                 const cs_accreditation *ac);

/* Fills *params with pointers borrowed from a decoded *ac (valid while *ac
 * is neither changed nor cleared), to sign the same credential again. */
void cs_accreditation_params_of(const cs_accreditation *ac, cs_accreditation_params *params);

/*
 * The rules of DESIGN §3 that certificate records and accreditation
 * credentials share, in one place: a text is non-empty and not blank, at
 * most CS_TEXT_MAX bytes, holds no NUL, and passes cs_text_check() (one line
 * unless CS_TEXT_MULTILINE: addresses and scopes); a country is ISO 3166-1
 * alpha-2 in capitals ("GB"); a standard is a designation with its edition
 * (":YYYY", "ISO 9001:2015"); an IAF code is a sector 1 to CS_IAF_CODE_MAX.
 * Each returns CS_OK or CS_ERR_CLAIM_INVALID with problem (may be NULL)
 * describing the value, e.g. "'gb' is not two capital letters (ISO 3166-1
 * alpha-2, e.g. GB)".
 */
CS_MUST_CHECK cs_err cs_claim_check_text(const char *text, unsigned text_flags, char *problem,
                                         size_t problem_size);
CS_MUST_CHECK cs_err cs_claim_check_country(const char *country, char *problem,
                                            size_t problem_size);
CS_MUST_CHECK cs_err cs_claim_check_standard(const char *standard, char *problem,
                                             size_t problem_size);
/* An ISO 22003-1:2022 food chain category or subcategory: a capital A to
 * K, optionally followed by a Roman numeral I to IV ("C", "CI", "FII"). */
CS_MUST_CHECK cs_err cs_claim_check_food_chain(const char *category, char *problem,
                                               size_t problem_size);

/*
 * Checks an accreditation credential before it is signed: the texts,
 * country, standards (at least one), IAF codes (no repeats) and list sizes
 * with the rules above, a complete status reference, and expires after
 * not_before.  cs_accreditation_sign() applies it; a caller may apply it
 * first to report a mistake early.  detail (may be NULL) names the field
 * (by its meaning: "country", "standard", ...) and the problem.
 * subject_key may still be NULL here (a caller checking early); signing
 * needs it.
 * Errors: CS_ERR_ARGUMENT (params NULL, a required text NULL),
 * CS_ERR_CLAIM_INVALID.
 */
CS_MUST_CHECK cs_err cs_accreditation_check(const cs_accreditation_params *params, char *detail,
                                            size_t detail_size);

/*
 * Checks a certificate's values before it is signed, with the same rules
 * (organization country, standards with edition: 1 to CS_LIST_MAX, no
 * repeats; texts, IAF codes, sites; a predecessor with both its texts; a
 * restoration date not before the original grant nor after the issue
 * date).
 * cs_issuer_issue() applies it; cs_record_parse_json() applies the same
 * rules field by field.  detail as for cs_accreditation_check().
 * Errors: CS_ERR_ARGUMENT, CS_ERR_CLAIM_INVALID.
 */
CS_MUST_CHECK cs_err cs_certificate_check(const cs_certificate *cert, char *detail,
                                          size_t detail_size);

/*
 * Encodes the claims of an AC or a CT as a CBOR map into a new buffer
 * (*out, freed with free()), keys in the order of DESIGN §3 so that equal
 * input gives equal bytes.  The values are not checked here (see
 * cs_accreditation_check()).
 * Errors: CS_ERR_ARGUMENT (a required field is NULL), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_accreditation_encode_claims(const cs_accreditation_params *params,
                                                    uint8_t **out, size_t *out_len);
CS_MUST_CHECK cs_err cs_certificate_encode_claims(const cs_certificate *cert, uint8_t **out,
                                                  size_t *out_len);

/*
 * Decodes a claims map (a COSE payload) strictly: every required claim
 * present with its CBOR type, no claim but those of DESIGN §3 (an AC: 1, 2,
 * 4, 5, 6, 8, 65535, -65538; a CT: 1, 2, 4, 5, 6, 65535, -65537), no unknown
 * text key in the private maps, countries and standard designations of the
 * forms cs_claim_check_country() and cs_claim_check_standard() accept.
 * detail (may be NULL) receives which claim was wrong.
 * Errors: the CS_ERR_CBOR* family, CS_ERR_CLAIM_MISSING, CS_ERR_CLAIM_INVALID
 * (also an unknown claim or a value of the wrong form), CS_ERR_KEY_PARSE or CS_ERR_KEY_TYPE (cnf key),
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
 * Signs an AC with the accreditation body's key: checks the values
 * (cs_accreditation_check()), signs the tagged COSE_Sign1 with typ
 * "cs-accr" into a new buffer (*out, freed with free(); NULL on failure),
 * and verifies the new signature with ab_key before returning it (STYLE
 * 10).  detail (may be NULL) says which value was refused or why the
 * signature did not verify.
 * Errors: as cs_accreditation_check() and cs_cose_sign1_sign(), and
 * CS_ERR_SIGNATURE (the new signature did not verify).
 */
CS_MUST_CHECK cs_err cs_accreditation_sign(const cs_key_t *ab_key,
                                           const cs_accreditation_params *params, uint8_t **out,
                                           size_t *out_len, char *detail, size_t detail_size);

#ifdef __cplusplus
}
#endif
#endif
