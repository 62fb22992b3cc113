/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/helper_tokens.h - building certseal objects by hand for tests:
 * protected headers the library would never write (no alg, a foreign kid,
 * an unknown alg, a duplicate label), claims maps with one claim of the
 * wrong CBOR type, and offline-form text with bytes after the zlib stream.
 *
 * No cmocka here: every function returns a cs_err, and allocating ones hand
 * back a buffer the caller frees with free().  Linked into every unit test.
 */
#ifndef CERTSEAL_TESTS_HELPER_TOKENS_H
#define CERTSEAL_TESTS_HELPER_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/claims.h"
#include "certseal/error.h"
#include "certseal/key.h"

/* How the alg header (label 1) is written. */
typedef enum helper_alg_mode {
    HELPER_ALG_OF_KEY = 0, /* the signing key's alg, protected (what the library does) */
    HELPER_ALG_ABSENT,     /* no alg in the protected header */
    HELPER_ALG_VALUE,      /* the integer alg_value */
    HELPER_ALG_TEXT,       /* the text alg_text */
} helper_alg_mode;

/* The headers of a hand-signed COSE_Sign1.  Zero-initialised it gives
 * {1: alg of key, 4: kid of key} and an empty unprotected header. */
typedef struct helper_header {
    helper_alg_mode alg;
    int64_t alg_value;
    const char *alg_text;
    bool unprotected_alg;           /* also put the key's alg into the unprotected header */
    const uint8_t *kid;             /* CS_KID_SIZE bytes; NULL: the signing key's kid */
    size_t kid_len;                 /* 0: CS_KID_SIZE */
    bool kid_unprotected;           /* the kid goes to the unprotected header instead */
    const uint8_t *unprotected_kid; /* also this kid (CS_KID_SIZE) unprotected */
    const char *typ;                /* label 16; NULL: none */
    bool duplicate_typ;             /* write label 16 twice */
    const uint8_t *accreditation;   /* label -65537; NULL: none */
    size_t accreditation_len;
} helper_header;

/*
 * Changes to a claims map.  claim names one claim whose value is replaced
 * by the encoded CBOR item `encoded`: for a CT "iss", "sub", "exp", "iat",
 * "-65537" (the whole certificate map), "std", "org", "org.nam", "org.ctr",
 * "org.adr", "scp", "sit", "sit.adr", "sit.scp", "iaf", "grt", "rev",
 * "acc"; for an AC "iss", "sub", "exp", "nbf", "iat", "cnf", "cnf.1" (the
 * COSE_Key), "-65538" (the whole accreditation map), "nam", "no", "ctr",
 * "std", "iaf".  extra holds extra_pairs encoded key/value pairs appended
 * to the top-level map; indefinite writes the top-level map with an
 * indefinite length.
 */
typedef struct helper_override {
    const char *claim;
    const uint8_t *encoded;
    size_t encoded_len;
    const uint8_t *extra;
    size_t extra_len;
    size_t extra_pairs;
    bool indefinite;
} helper_override;

/* A new public-only key with the public half of key.  Errors: those of
 * cs_key_public_coordinates() and cs_key_from_public_coordinates(). */
CS_MUST_CHECK cs_err helper_public_copy(const cs_key_t *key, cs_key_t **out);

/* The claims map of an AC or a CT, as cs_*_encode_claims() writes it when
 * ov is NULL, with the changes of ov otherwise.  *out freed with free(). */
CS_MUST_CHECK cs_err helper_accreditation_claims(const cs_accreditation_params *ac,
                                                 const helper_override *ov, uint8_t **out,
                                                 size_t *out_len);
CS_MUST_CHECK cs_err helper_certificate_claims(const cs_certificate *cert,
                                               const helper_override *ov, uint8_t **out,
                                               size_t *out_len);

/* The protected header map of h for key (*out freed with free()). */
CS_MUST_CHECK cs_err helper_protected_header(const cs_key_t *key, const helper_header *h,
                                             uint8_t **out, size_t *out_len);

/* Signs payload with key (private) under the headers h over the
 * Sig_structure ["Signature1", protected, h'', payload] and writes
 * 18([protected, unprotected, payload, signature]) to *out (free()). */
CS_MUST_CHECK cs_err helper_sign1(const cs_key_t *key, const helper_header *h,
                                  const uint8_t *payload, size_t payload_len, uint8_t **out,
                                  size_t *out_len);

/* "CS1:" + base45(zlib level 9 of data, then the trailer bytes) as a new
 * NUL-terminated string (*text freed with free()); trailer may be NULL. */
CS_MUST_CHECK cs_err helper_offline_text(const uint8_t *data, size_t len, const uint8_t *trailer,
                                         size_t trailer_len, char **text);

/* The demo CB's accreditation DEMO-0042 from UKAS-DEMO for cb's key, signed
 * by ab: ISO 9001:2015 and ISO 14001:2015, IAF 17, 18, 31, from 2026-01-01
 * to 2031-01-01 (*cose freed with free()).  Errors: cs_accreditation_sign(). */
CS_MUST_CHECK cs_err helper_demo_accreditation(const cs_key_t *ab, cs_key_t *cb, uint8_t **cose,
                                               size_t *len);

/* Reads and parses a JSON certificate record file into *cert. */
CS_MUST_CHECK cs_err helper_load_record(const char *path, cs_certificate *cert);

#endif
