/* SPDX-License-Identifier: ISC */
/* Hand-built certseal objects for the unit tests (see helper_tokens.h). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "certseal/base45.h"
#include "certseal/cose.h"
#include "certseal/date.h"
#include "certseal/file.h"
#include "certseal/record.h"
#include "certseal/token.h"
#include "helper_tokens.h"
#include "internal.h"

/* COSE_Key labels and values (RFC 9052 §7, RFC 9053 §7). */
#define KEY_KTY 1
#define KEY_CRV (-1)
#define KEY_X (-2)
#define KEY_Y (-3)

static bool replaced(const helper_override *ov, const char *claim)
{
    return ov != NULL && ov->claim != NULL && strcmp(ov->claim, claim) == 0;
}

static void put_replacement(cs_cbor_writer *w, const helper_override *ov)
{
    cs_cbor_put_encoded(w, ov->encoded, ov->encoded_len);
}

static void put_text_claim(cs_cbor_writer *w, const helper_override *ov, const char *claim,
                           const char *value)
{
    if (replaced(ov, claim))
        put_replacement(w, ov);
    else
        cs_cbor_put_cstring(w, value);
}

static void put_uint_claim(cs_cbor_writer *w, const helper_override *ov, const char *claim,
                           int64_t value)
{
    if (replaced(ov, claim))
        put_replacement(w, ov);
    else
        cs_cbor_put_uint(w, value < 0 ? 0 : (uint64_t)value);
}

static void put_uint_list(cs_cbor_writer *w, const helper_override *ov, const char *claim,
                          const uint64_t *values, size_t count)
{
    if (replaced(ov, claim)) {
        put_replacement(w, ov);
        return;
    }
    cs_cbor_put_array(w, count);
    for (size_t i = 0; i < count; i++)
        cs_cbor_put_uint(w, values[i]);
}

static void open_top_map(cs_cbor_writer *w, const helper_override *ov, size_t count)
{
    static const uint8_t indefinite_map = 0xbf;
    if (ov != NULL && ov->indefinite)
        cs_cbor_put_encoded(w, &indefinite_map, 1);
    else
        cs_cbor_put_map(w, count + (ov != NULL ? ov->extra_pairs : 0));
}

static void close_top_map(cs_cbor_writer *w, const helper_override *ov)
{
    static const uint8_t brk = 0xff;
    if (ov != NULL && ov->extra != NULL)
        cs_cbor_put_encoded(w, ov->extra, ov->extra_len);
    if (ov != NULL && ov->indefinite)
        cs_cbor_put_encoded(w, &brk, 1);
}

static cs_err take(cs_cbor_writer *w, uint8_t **out, size_t *out_len)
{
    cs_err err = cs_cbor_writer_error(w);
    if (err != CS_OK) {
        cs_cbor_writer_free(w);
        return err;
    }
    *out = w->buf;
    *out_len = w->len;
    return CS_OK;
}

cs_err helper_public_copy(const cs_key_t *key, cs_key_t **out)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    cs_err err = cs_key_public_coordinates(key, x, y);
    if (err != CS_OK)
        return err;
    if (cs_key_alg(key) == CS_ALG_EDDSA)
        return cs_key_from_public_coordinates(CS_ALG_EDDSA, x, sizeof(x), NULL, 0, out);
    return cs_key_from_public_coordinates(CS_ALG_ES256, x, sizeof(x), y, sizeof(y), out);
}

static cs_err put_cose_key(cs_cbor_writer *w, const cs_key_t *key)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    cs_err err = cs_key_public_coordinates(key, x, y);
    if (err != CS_OK)
        return err;
    bool ed = cs_key_alg(key) == CS_ALG_EDDSA;
    cs_cbor_put_map(w, ed ? 3 : 4);
    cs_cbor_put_int(w, KEY_KTY);
    cs_cbor_put_int(w, ed ? 1 : 2);  /* OKP, EC2 */
    cs_cbor_put_int(w, KEY_CRV);
    cs_cbor_put_int(w, ed ? 6 : 1);  /* Ed25519, P-256 */
    cs_cbor_put_int(w, KEY_X);
    cs_cbor_put_bytes(w, x, sizeof(x));
    if (!ed) {
        cs_cbor_put_int(w, KEY_Y);
        cs_cbor_put_bytes(w, y, sizeof(y));
    }
    return CS_OK;
}

cs_err helper_accreditation_claims(const cs_accreditation_params *ac, const helper_override *ov,
                                   uint8_t **out, size_t *out_len)
{
    cs_cbor_writer w;
    cs_err err = CS_OK;
    bool has_iaf = ac->iaf_count > 0 || replaced(ov, "iaf");

    cs_cbor_writer_init(&w);
    open_top_map(&w, ov, 7);
    cs_cbor_put_int(&w, CS_CLAIM_ISS);
    put_text_claim(&w, ov, "iss", ac->issuer);
    cs_cbor_put_int(&w, CS_CLAIM_SUB);
    put_text_claim(&w, ov, "sub", ac->subject);
    cs_cbor_put_int(&w, CS_CLAIM_EXP);
    put_uint_claim(&w, ov, "exp", ac->expires);
    cs_cbor_put_int(&w, CS_CLAIM_NBF);
    put_uint_claim(&w, ov, "nbf", ac->not_before);
    cs_cbor_put_int(&w, CS_CLAIM_IAT);
    put_uint_claim(&w, ov, "iat", ac->issued_at);
    cs_cbor_put_int(&w, CS_CLAIM_CNF);
    if (replaced(ov, "cnf")) {
        put_replacement(&w, ov);
    } else {
        cs_cbor_put_map(&w, 1);
        cs_cbor_put_int(&w, 1);
        if (replaced(ov, "cnf.1"))
            put_replacement(&w, ov);
        else
            err = put_cose_key(&w, ac->subject_key);
    }
    cs_cbor_put_int(&w, CS_CLAIM_ACCREDITATION);
    if (replaced(ov, "-65538")) {
        put_replacement(&w, ov);
    } else {
        cs_cbor_put_map(&w, has_iaf ? 5 : 4);
        cs_cbor_put_cstring(&w, "nam");
        put_text_claim(&w, ov, "nam", ac->name);
        cs_cbor_put_cstring(&w, "no");
        put_text_claim(&w, ov, "no", ac->number);
        cs_cbor_put_cstring(&w, "ctr");
        put_text_claim(&w, ov, "ctr", ac->country);
        cs_cbor_put_cstring(&w, "std");
        if (replaced(ov, "std")) {
            put_replacement(&w, ov);
        } else {
            cs_cbor_put_array(&w, ac->standard_count);
            for (size_t i = 0; i < ac->standard_count; i++)
                cs_cbor_put_cstring(&w, ac->standards[i]);
        }
        if (has_iaf) {
            cs_cbor_put_cstring(&w, "iaf");
            put_uint_list(&w, ov, "iaf", ac->iaf_codes, ac->iaf_count);
        }
    }
    close_top_map(&w, ov);
    if (err != CS_OK) {
        cs_cbor_writer_free(&w);
        return err;
    }
    return take(&w, out, out_len);
}

static void put_organization(cs_cbor_writer *w, const helper_override *ov,
                             const cs_certificate *cert)
{
    if (replaced(ov, "org")) {
        put_replacement(w, ov);
        return;
    }
    cs_cbor_put_map(w, 3);
    cs_cbor_put_cstring(w, "nam");
    put_text_claim(w, ov, "org.nam", cert->organization_name);
    cs_cbor_put_cstring(w, "ctr");
    put_text_claim(w, ov, "org.ctr", cert->organization_country);
    cs_cbor_put_cstring(w, "adr");
    put_text_claim(w, ov, "org.adr", cert->organization_address);
}

static void put_sites(cs_cbor_writer *w, const helper_override *ov, const cs_certificate *cert)
{
    if (replaced(ov, "sit")) {
        put_replacement(w, ov);
        return;
    }
    cs_cbor_put_array(w, cert->site_count);
    for (size_t i = 0; i < cert->site_count; i++) {
        cs_cbor_put_map(w, 2);
        cs_cbor_put_cstring(w, "adr");
        put_text_claim(w, ov, "sit.adr", cert->sites[i].address);
        cs_cbor_put_cstring(w, "scp");
        put_text_claim(w, ov, "sit.scp", cert->sites[i].scope);
    }
}

cs_err helper_certificate_claims(const cs_certificate *cert, const helper_override *ov,
                                 uint8_t **out, size_t *out_len)
{
    cs_cbor_writer w;
    bool has_sites = cert->site_count > 0 || replaced(ov, "sit");
    bool has_iaf = cert->iaf_count > 0 || replaced(ov, "iaf");
    bool has_prd = cert->predecessor.certification_body != NULL || replaced(ov, "prd");
    bool has_rst = cert->has_restored || replaced(ov, "rst");

    cs_cbor_writer_init(&w);
    open_top_map(&w, ov, 5);
    cs_cbor_put_int(&w, CS_CLAIM_ISS);
    put_text_claim(&w, ov, "iss", cert->issuer);
    cs_cbor_put_int(&w, CS_CLAIM_SUB);
    put_text_claim(&w, ov, "sub", cert->number);
    cs_cbor_put_int(&w, CS_CLAIM_EXP);
    put_uint_claim(&w, ov, "exp", cert->expires);
    cs_cbor_put_int(&w, CS_CLAIM_IAT);
    put_uint_claim(&w, ov, "iat", cert->issued_at);
    cs_cbor_put_int(&w, CS_CLAIM_CERTIFICATE);
    if (replaced(ov, "-65537")) {
        put_replacement(&w, ov);
    } else {
        cs_cbor_put_map(&w, 6 + has_sites + has_iaf + has_prd + has_rst);
        cs_cbor_put_cstring(&w, "std");
        if (replaced(ov, "std")) {
            put_replacement(&w, ov);
        } else {
            cs_cbor_put_array(&w, cert->standard_count);
            for (size_t i = 0; i < cert->standard_count; i++)
                cs_cbor_put_cstring(&w, cert->standards[i]);
        }
        cs_cbor_put_cstring(&w, "org");
        put_organization(&w, ov, cert);
        cs_cbor_put_cstring(&w, "scp");
        put_text_claim(&w, ov, "scp", cert->scope);
        if (has_sites) {
            cs_cbor_put_cstring(&w, "sit");
            put_sites(&w, ov, cert);
        }
        if (has_iaf) {
            cs_cbor_put_cstring(&w, "iaf");
            put_uint_list(&w, ov, "iaf", cert->iaf_codes, cert->iaf_count);
        }
        cs_cbor_put_cstring(&w, "grt");
        put_uint_claim(&w, ov, "grt", cert->original_grant);
        cs_cbor_put_cstring(&w, "rev");
        put_uint_claim(&w, ov, "rev", (int64_t)cert->revision);
        cs_cbor_put_cstring(&w, "acc");
        put_text_claim(&w, ov, "acc", cert->accreditation_number);
        if (has_prd) {
            cs_cbor_put_cstring(&w, "prd");
            if (replaced(ov, "prd")) {
                put_replacement(&w, ov);
            } else {
                cs_cbor_put_map(&w, 2);
                cs_cbor_put_cstring(&w, "cb");
                put_text_claim(&w, ov, "prd.cb", cert->predecessor.certification_body);
                cs_cbor_put_cstring(&w, "no");
                put_text_claim(&w, ov, "prd.no", cert->predecessor.number);
            }
        }
        if (has_rst) {
            cs_cbor_put_cstring(&w, "rst");
            put_uint_claim(&w, ov, "rst", cert->restored);
        }
    }
    close_top_map(&w, ov);
    return take(&w, out, out_len);
}

static void put_alg(cs_cbor_writer *w, const cs_key_t *key, const helper_header *h)
{
    cs_cbor_put_int(w, CS_COSE_HEADER_ALG);
    if (h->alg == HELPER_ALG_VALUE)
        cs_cbor_put_int(w, h->alg_value);
    else if (h->alg == HELPER_ALG_TEXT)
        cs_cbor_put_cstring(w, h->alg_text);
    else
        cs_cbor_put_int(w, cs_key_alg(key));
}

static void put_kid(cs_cbor_writer *w, const cs_key_t *key, const helper_header *h)
{
    cs_cbor_put_int(w, CS_COSE_HEADER_KID);
    if (h->kid != NULL)
        cs_cbor_put_bytes(w, h->kid, h->kid_len != 0 ? h->kid_len : CS_KID_SIZE);
    else
        cs_cbor_put_bytes(w, cs_key_kid(key), CS_KID_SIZE);
}

cs_err helper_protected_header(const cs_key_t *key, const helper_header *h, uint8_t **out,
                               size_t *out_len)
{
    cs_cbor_writer w;
    size_t n = !h->kid_unprotected + (h->alg != HELPER_ALG_ABSENT) +
               (h->typ != NULL) * (h->duplicate_typ ? 2 : 1) + (h->accreditation != NULL);

    cs_cbor_writer_init(&w);
    cs_cbor_put_map(&w, n);
    if (h->alg != HELPER_ALG_ABSENT)
        put_alg(&w, key, h);
    if (!h->kid_unprotected)
        put_kid(&w, key, h);
    if (h->typ != NULL) {
        cs_cbor_put_int(&w, CS_COSE_HEADER_TYP);
        cs_cbor_put_cstring(&w, h->typ);
        if (h->duplicate_typ) {
            cs_cbor_put_int(&w, CS_COSE_HEADER_TYP);
            cs_cbor_put_cstring(&w, h->typ);
        }
    }
    if (h->accreditation != NULL) {
        cs_cbor_put_int(&w, CS_COSE_HEADER_ACCREDITATION);
        cs_cbor_put_bytes(&w, h->accreditation, h->accreditation_len);
    }
    return take(&w, out, out_len);
}

cs_err helper_sign1(const cs_key_t *key, const helper_header *h, const uint8_t *payload,
                    size_t payload_len, uint8_t **out, size_t *out_len)
{
    uint8_t *protected_bytes = NULL;
    size_t protected_len = 0;
    uint8_t sig[CS_SIGNATURE_MAX];
    size_t sig_len = 0;
    cs_cbor_writer tbs, msg;
    cs_err err;

    cs_cbor_writer_init(&tbs);
    cs_cbor_writer_init(&msg);
    if ((err = helper_protected_header(key, h, &protected_bytes, &protected_len)) != CS_OK)
        goto fail;
    /* RFC 9052 §4.4 */
    cs_cbor_put_array(&tbs, 4);
    cs_cbor_put_cstring(&tbs, "Signature1");
    cs_cbor_put_bytes(&tbs, protected_bytes, protected_len);
    cs_cbor_put_bytes(&tbs, NULL, 0);
    cs_cbor_put_bytes(&tbs, payload, payload_len);
    if ((err = cs_cbor_writer_error(&tbs)) != CS_OK ||
        (err = cs_crypto_sign(key, tbs.buf, tbs.len, sig, &sig_len)) != CS_OK)
        goto fail;
    cs_cbor_put_tag(&msg, CS_COSE_TAG_SIGN1);
    cs_cbor_put_array(&msg, 4);
    cs_cbor_put_bytes(&msg, protected_bytes, protected_len);
    cs_cbor_put_map(&msg, h->unprotected_alg + (h->kid_unprotected || h->unprotected_kid));
    if (h->unprotected_alg) {
        cs_cbor_put_int(&msg, CS_COSE_HEADER_ALG);
        cs_cbor_put_int(&msg, cs_key_alg(key));
    }
    if (h->unprotected_kid != NULL) {
        cs_cbor_put_int(&msg, CS_COSE_HEADER_KID);
        cs_cbor_put_bytes(&msg, h->unprotected_kid, CS_KID_SIZE);
    } else if (h->kid_unprotected) {
        put_kid(&msg, key, h);
    }
    cs_cbor_put_bytes(&msg, payload, payload_len);
    cs_cbor_put_bytes(&msg, sig, sig_len);
    free(protected_bytes);
    cs_cbor_writer_free(&tbs);
    return take(&msg, out, out_len);
fail:
    free(protected_bytes);
    cs_cbor_writer_free(&tbs);
    cs_cbor_writer_free(&msg);
    return err;
}

cs_err helper_offline_text(const uint8_t *data, size_t len, const uint8_t *trailer,
                           size_t trailer_len, char **text)
{
    uLongf zlen = compressBound((uLong)len) + trailer_len;
    uint8_t *z = malloc(zlen);
    char *out = NULL;
    size_t out_len = 0, cap;
    cs_err err = CS_ERR_NO_MEMORY;

    if (z == NULL)
        return CS_ERR_NO_MEMORY;
    if (compress2(z, &zlen, data, (uLong)len, 9) != Z_OK) {
        free(z);
        return CS_ERR_ARGUMENT;
    }
    if (trailer_len > 0)
        memcpy(z + zlen, trailer, trailer_len);
    zlen += trailer_len;
    cap = 4 + cs_base45_encoded_length(zlen) + 1;
    if ((out = malloc(cap)) != NULL) {
        memcpy(out, CS_OFFLINE_PREFIX, 4);
        err = cs_base45_encode(z, zlen, out + 4, cap - 4, &out_len);
    }
    free(z);
    if (err != CS_OK) {
        free(out);
        return err;
    }
    *text = out;
    return CS_OK;
}

cs_err helper_load_record(const char *path, cs_certificate *cert)
{
    uint8_t *json = NULL;
    size_t len = 0;
    cs_err err = cs_file_read_all(path, CS_RECORD_MAX, &json, &len);
    if (err != CS_OK)
        return err;
    err = cs_record_parse_json((const char *)json, len, cert, NULL, 0);
    free(json);
    return err;
}

cs_err helper_demo_accreditation(const cs_key_t *ab, cs_key_t *cb, uint8_t **cose, size_t *len)
{
    const char *standards[] = {"ISO 9001:2015", "ISO 14001:2015"};
    uint64_t iaf[] = {17, 18, 31};
    int64_t from = 0, to = 0;
    cs_err err;
    if ((err = cs_date_parse("2026-01-01", &from)) != CS_OK ||
        (err = cs_date_parse("2031-01-01", &to)) != CS_OK)
        return err;
    cs_accreditation_params ac = {
        .issuer = "UKAS-DEMO",
        .subject = "CB-DEMO-001",
        .name = "Demo Certification Ltd",
        .number = "DEMO-0042",
        .country = "GB",
        .standards = standards,
        .standard_count = 2,
        .iaf_codes = iaf,
        .iaf_count = 3,
        .not_before = from,
        .expires = to,
        .issued_at = from,
        .subject_key = cb,
    };
    return cs_accreditation_sign(ab, &ac, cose, len, NULL, 0);
}
