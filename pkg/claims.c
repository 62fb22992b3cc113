/* SPDX-License-Identifier: ISC */
/* CWT claims of the accreditation credential and the certificate token
 * (DESIGN §3): encoding in a fixed key order, strict typed decoding. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/cose.h"
#include "internal.h"

/* COSE_Key labels and values (RFC 9052 §7, RFC 9053 §7). */
#define COSE_KEY_KTY 1
#define COSE_KEY_CRV (-1)
#define COSE_KEY_X (-2)
#define COSE_KEY_Y (-3)
#define COSE_KTY_OKP 1
#define COSE_KTY_EC2 2
#define COSE_CRV_P256 1
#define COSE_CRV_ED25519 6
#define CNF_COSE_KEY 1 /* RFC 8747 §3.1 */

static void free_text_list(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

void cs_accreditation_clear(cs_accreditation *ac)
{
    if (ac == NULL)
        return;
    free(ac->issuer);
    free(ac->subject);
    free(ac->name);
    free(ac->number);
    free(ac->country);
    free_text_list(ac->standards, ac->standard_count);
    free(ac->iaf_codes);
    cs_key_free(&ac->subject_key);
    free(ac->status.uri);
    memset(ac, 0, sizeof(*ac));
}

void cs_certificate_clear(cs_certificate *cert)
{
    if (cert == NULL)
        return;
    free(cert->issuer);
    free(cert->number);
    free_text_list(cert->standards, cert->standard_count);
    free(cert->organization_name);
    free(cert->organization_country);
    free(cert->organization_address);
    free(cert->scope);
    for (size_t i = 0; i < cert->site_count; i++) {
        free(cert->sites[i].address);
        free(cert->sites[i].scope);
    }
    free(cert->sites);
    free(cert->iaf_codes);
    for (size_t i = 0; i < cert->food_chain_count; i++)
        free(cert->food_chain_categories[i]);
    free(cert->food_chain_categories);
    free(cert->accreditation_number);
    free(cert->status.uri);
    free(cert->predecessor.certification_body);
    free(cert->predecessor.number);
    memset(cert, 0, sizeof(*cert));
}

const char *cs_certificate_standards_text(const cs_certificate *cert, const char *separator,
                                          char *out, size_t out_size)
{
    size_t n = 0;

    if (out == NULL || out_size == 0)
        return "";
    out[0] = '\0';
    for (size_t i = 0; cert != NULL && i < cert->standard_count && n < out_size - 1; i++) {
        int w = snprintf(out + n, out_size - n, "%s%s", i > 0 ? separator : "",
                         cert->standards[i] != NULL ? cert->standards[i] : "");
        if (w < 0)
            break;
        n += (size_t)w;
    }
    return out;
}

const char *cs_certificate_unaccredited_standard(const cs_certificate *cert,
                                                 const cs_accreditation *ac)
{
    for (size_t i = 0; cert != NULL && ac != NULL && i < cert->standard_count; i++) {
        bool listed = false;
        for (size_t j = 0; j < ac->standard_count && !listed; j++)
            listed = strcmp(ac->standards[j], cert->standards[i]) == 0;
        if (!listed)
            return cert->standards[i];
    }
    return NULL;
}

bool cs_certificate_has_standard(const cs_certificate *cert, const char *standard)
{
    for (size_t i = 0; cert != NULL && standard != NULL && i < cert->standard_count; i++)
        if (cert->standards[i] != NULL && strcmp(cert->standards[i], standard) == 0)
            return true;
    return false;
}

/* ---- encoding ------------------------------------------------------------- */

void cs_accreditation_params_of(const cs_accreditation *ac, cs_accreditation_params *params)
{
    *params = (cs_accreditation_params){
        .issuer = ac->issuer,
        .subject = ac->subject,
        .name = ac->name,
        .number = ac->number,
        .country = ac->country,
        .standards = (const char *const *)ac->standards,
        .standard_count = ac->standard_count,
        .iaf_codes = ac->iaf_codes,
        .iaf_count = ac->iaf_count,
        .not_before = ac->not_before,
        .expires = ac->expires,
        .issued_at = ac->issued_at,
        .subject_key = ac->subject_key,
        .status = {ac->status.present, ac->status.index, ac->status.uri},
    };
}

static void put_uint_list(cs_cbor_writer *w, const uint64_t *values, size_t count)
{
    cs_cbor_begin_array(w, count);
    for (size_t i = 0; i < count; i++)
        cs_cbor_put_uint(w, values[i]);
    cs_cbor_end_array(w);
}

static void put_date(cs_cbor_writer *w, int64_t value)
{
    /* NumericDate; certseal dates are never before 1970 (cs_date_parse). */
    cs_cbor_put_uint(w, value < 0 ? 0 : (uint64_t)value);
}

cs_err cs_cose_key_write(cs_cbor_writer *w, const cs_key_t *key)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    bool okp;
    cs_err err;

    if (key == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = cs_key_public_coordinates(key, x, y)) != CS_OK)
        return err;
    okp = cs_key_alg(key) == CS_ALG_EDDSA;
    cs_cbor_begin_map(w, okp ? 3 : 4);
    cs_cbor_put_int(w, COSE_KEY_KTY);
    cs_cbor_put_int(w, okp ? COSE_KTY_OKP : COSE_KTY_EC2);
    cs_cbor_put_int(w, COSE_KEY_CRV);
    cs_cbor_put_int(w, okp ? COSE_CRV_ED25519 : COSE_CRV_P256);
    cs_cbor_put_int(w, COSE_KEY_X);
    cs_cbor_put_bytes(w, x, sizeof(x));
    if (!okp) {
        cs_cbor_put_int(w, COSE_KEY_Y);
        cs_cbor_put_bytes(w, y, sizeof(y));
    }
    cs_cbor_end_map(w);
    return CS_OK;
}

static cs_err key_problem(const char **problem, cs_err err, const char *what)
{
    *problem = what;
    return err;
}

cs_err cs_cose_key_read(const cs_cbor_item *item, cs_key_t **out, const char **problem)
{
    const uint8_t *x = NULL, *y = NULL;
    size_t x_len = 0, y_len = 0;
    int64_t kty, crv;
    bool okp;
    cs_err err;

    if (!cs_cbor_is_map(item))
        return key_problem(problem, CS_ERR_CBOR_TYPE, "expected a COSE_Key map");
    if (cs_cbor_get_int(cs_cbor_map_get_int(item, COSE_KEY_KTY), &kty) != CS_OK ||
        cs_cbor_get_int(cs_cbor_map_get_int(item, COSE_KEY_CRV), &crv) != CS_OK)
        return key_problem(problem, CS_ERR_CBOR_TYPE, "COSE_Key kty or crv is not an integer");
    okp = kty == COSE_KTY_OKP && crv == COSE_CRV_ED25519;
    if (!okp && !(kty == COSE_KTY_EC2 && crv == COSE_CRV_P256))
        return key_problem(problem, CS_ERR_KEY_TYPE, "key is neither OKP/Ed25519 nor EC2/P-256");
    if (cs_cbor_get_bytes(cs_cbor_map_get_int(item, COSE_KEY_X), &x, &x_len) != CS_OK ||
        (!okp && cs_cbor_get_bytes(cs_cbor_map_get_int(item, COSE_KEY_Y), &y, &y_len) != CS_OK))
        return key_problem(problem, CS_ERR_CBOR_TYPE, "COSE_Key coordinate is not a byte string");
    if (x_len != CS_KEY_COORDINATE_SIZE || (!okp && y_len != CS_KEY_COORDINATE_SIZE))
        return key_problem(problem, CS_ERR_KEY_PARSE, "COSE_Key coordinate is not 32 bytes");
    /* kty, crv, x (and y) are there and keys are unique: any more is another label. */
    if (cs_cbor_count(item) != (okp ? 3u : 4u))
        return key_problem(problem, CS_ERR_KEY_TYPE,
                           "COSE_Key holds labels other than kty, crv, x and y");
    if (out == NULL)
        return CS_OK;
    err = okp ? cs_key_from_public_coordinates(CS_ALG_EDDSA, x, x_len, NULL, 0, out)
              : cs_key_from_public_coordinates(CS_ALG_ES256, x, x_len, y, y_len, out);
    return err == CS_OK ? CS_OK : key_problem(problem, err, cs_strerror(err));
}

/* {"status_list": {"idx": index, "uri": uri}} (draft-ietf-oauth-status-list-20 §5.2) */
static void put_status(cs_cbor_writer *w, uint64_t index, const char *uri)
{
    cs_cbor_put_int(w, CS_CLAIM_STATUS);
    cs_cbor_begin_map(w, 1);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_STATUS_LIST);
    cs_cbor_begin_map(w, 2);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_STATUS_INDEX);
    cs_cbor_put_uint(w, index);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_STATUS_URI);
    cs_cbor_put_cstring(w, uri);
    cs_cbor_end_map(w);
    cs_cbor_end_map(w);
}

static cs_err finish(cs_cbor_writer *w, cs_err err, uint8_t **out, size_t *out_len)
{
    if (err == CS_OK)
        err = cs_cbor_writer_error(w);
    if (err != CS_OK) {
        cs_cbor_writer_free(w);
        return err;
    }
    *out = w->buf; /* ownership passes to the caller */
    *out_len = w->len;
    return CS_OK;
}

cs_err cs_accreditation_encode_claims(const cs_accreditation_params *p, uint8_t **out,
                                      size_t *out_len)
{
    cs_cbor_writer w;
    cs_err err;

    if (p == NULL || out == NULL || out_len == NULL || p->issuer == NULL || p->subject == NULL ||
        p->name == NULL || p->number == NULL || p->country == NULL || p->subject_key == NULL ||
        p->standard_count == 0 || p->standards == NULL ||
        (p->iaf_count > 0 && p->iaf_codes == NULL) || (p->status.present && p->status.uri == NULL))
        return CS_ERR_ARGUMENT;
    cs_cbor_writer_init(&w);
    cs_cbor_begin_map(&w, 7 + p->status.present);
    cs_cbor_put_int(&w, CS_CLAIM_ISS);
    cs_cbor_put_cstring(&w, p->issuer);
    cs_cbor_put_int(&w, CS_CLAIM_SUB);
    cs_cbor_put_cstring(&w, p->subject);
    cs_cbor_put_int(&w, CS_CLAIM_EXP);
    put_date(&w, p->expires);
    cs_cbor_put_int(&w, CS_CLAIM_NBF);
    put_date(&w, p->not_before);
    cs_cbor_put_int(&w, CS_CLAIM_IAT);
    put_date(&w, p->issued_at);
    cs_cbor_put_int(&w, CS_CLAIM_CNF);
    cs_cbor_begin_map(&w, 1);
    cs_cbor_put_int(&w, CNF_COSE_KEY);
    err = cs_cose_key_write(&w, p->subject_key);
    cs_cbor_end_map(&w);
    if (p->status.present)
        put_status(&w, p->status.index, p->status.uri);
    cs_cbor_put_int(&w, CS_CLAIM_ACCREDITATION);
    cs_cbor_begin_map(&w, 4 + (p->iaf_count > 0));
    cs_cbor_put_cstring(&w, CS_CLAIM_KEY_NAME);
    cs_cbor_put_cstring(&w, p->name);
    cs_cbor_put_cstring(&w, CS_CLAIM_KEY_NUMBER);
    cs_cbor_put_cstring(&w, p->number);
    cs_cbor_put_cstring(&w, CS_CLAIM_KEY_COUNTRY);
    cs_cbor_put_cstring(&w, p->country);
    cs_cbor_put_cstring(&w, CS_CLAIM_KEY_STANDARD);
    cs_cbor_begin_array(&w, p->standard_count);
    for (size_t i = 0; i < p->standard_count; i++)
        cs_cbor_put_cstring(&w, p->standards[i]);
    cs_cbor_end_array(&w);
    if (p->iaf_count > 0) {
        cs_cbor_put_cstring(&w, CS_CLAIM_KEY_IAF);
        put_uint_list(&w, p->iaf_codes, p->iaf_count);
    }
    cs_cbor_end_map(&w);
    cs_cbor_end_map(&w);
    return finish(&w, err, out, out_len);
}

static void put_sites(cs_cbor_writer *w, const cs_site *sites, size_t count)
{
    cs_cbor_begin_array(w, count);
    for (size_t i = 0; i < count; i++) {
        cs_cbor_begin_map(w, 2);
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_ADDRESS);
        cs_cbor_put_cstring(w, sites[i].address);
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_SCOPE);
        cs_cbor_put_cstring(w, sites[i].scope);
        cs_cbor_end_map(w);
    }
    cs_cbor_end_array(w);
}

static bool certificate_complete(const cs_certificate *cert)
{
    if (cert->issuer == NULL || cert->number == NULL || cert->standard_count == 0 ||
        cert->standards == NULL || cert->organization_name == NULL ||
        cert->organization_country == NULL || cert->organization_address == NULL ||
        cert->scope == NULL || cert->accreditation_number == NULL ||
        (cert->status.present && cert->status.uri == NULL) ||
        (cert->predecessor.certification_body == NULL) != (cert->predecessor.number == NULL))
        return false;
    for (size_t i = 0; i < cert->standard_count; i++)
        if (cert->standards[i] == NULL)
            return false;
    for (size_t i = 0; i < cert->site_count; i++)
        if (cert->sites[i].address == NULL || cert->sites[i].scope == NULL)
            return false;
    return true;
}

cs_err cs_certificate_write_claims(cs_cbor_writer *w, const cs_certificate *cert)
{
    if (w == NULL || cert == NULL || !certificate_complete(cert))
        return CS_ERR_ARGUMENT;
    cs_cbor_writer_reset(w);
    cs_cbor_begin_map(w, 5 + cert->status.present + cert->has_not_before);
    cs_cbor_put_int(w, CS_CLAIM_ISS);
    cs_cbor_put_cstring(w, cert->issuer);
    cs_cbor_put_int(w, CS_CLAIM_SUB);
    cs_cbor_put_cstring(w, cert->number);
    cs_cbor_put_int(w, CS_CLAIM_EXP);
    put_date(w, cert->expires);
    if (cert->has_not_before) {
        cs_cbor_put_int(w, CS_CLAIM_NBF);
        put_date(w, cert->not_before);
    }
    cs_cbor_put_int(w, CS_CLAIM_IAT);
    put_date(w, cert->issued_at);
    if (cert->status.present)
        put_status(w, cert->status.index, cert->status.uri);
    cs_cbor_put_int(w, CS_CLAIM_CERTIFICATE);
    cs_cbor_begin_map(w, 6 + (cert->site_count > 0) + (cert->iaf_count > 0) +
                             (cert->food_chain_count > 0) +
                             (cert->predecessor.certification_body != NULL) + cert->has_restored);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_STANDARD);
    cs_cbor_begin_array(w, cert->standard_count);
    for (size_t i = 0; i < cert->standard_count; i++)
        cs_cbor_put_cstring(w, cert->standards[i]);
    cs_cbor_end_array(w);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_ORGANIZATION);
    cs_cbor_begin_map(w, 3);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_NAME);
    cs_cbor_put_cstring(w, cert->organization_name);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_COUNTRY);
    cs_cbor_put_cstring(w, cert->organization_country);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_ADDRESS);
    cs_cbor_put_cstring(w, cert->organization_address);
    cs_cbor_end_map(w);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_SCOPE);
    cs_cbor_put_cstring(w, cert->scope);
    if (cert->site_count > 0) {
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_SITES);
        put_sites(w, cert->sites, cert->site_count);
    }
    if (cert->iaf_count > 0) {
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_IAF);
        put_uint_list(w, cert->iaf_codes, cert->iaf_count);
    }
    if (cert->food_chain_count > 0) {
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_FOOD_CHAIN);
        cs_cbor_begin_array(w, cert->food_chain_count);
        for (size_t i = 0; i < cert->food_chain_count; i++)
            cs_cbor_put_cstring(w, cert->food_chain_categories[i]);
        cs_cbor_end_array(w);
    }
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_GRANT);
    put_date(w, cert->original_grant);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_REVISION);
    cs_cbor_put_uint(w, cert->revision);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_ACCREDITATION);
    cs_cbor_put_cstring(w, cert->accreditation_number);
    if (cert->predecessor.certification_body != NULL) {
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_PREDECESSOR);
        cs_cbor_begin_map(w, 2);
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_CERTIFICATION_BODY);
        cs_cbor_put_cstring(w, cert->predecessor.certification_body);
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_NUMBER);
        cs_cbor_put_cstring(w, cert->predecessor.number);
        cs_cbor_end_map(w);
    }
    if (cert->has_restored) {
        cs_cbor_put_cstring(w, CS_CLAIM_KEY_RESTORED);
        put_date(w, cert->restored);
    }
    cs_cbor_end_map(w);
    cs_cbor_end_map(w);
    return cs_cbor_writer_error(w);
}

cs_err cs_certificate_encode_claims(const cs_certificate *cert, uint8_t **out, size_t *out_len)
{
    cs_cbor_writer w;

    if (out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    cs_cbor_writer_init(&w);
    return finish(&w, cs_certificate_write_claims(&w, cert), out, out_len);
}

/* ---- decoding ------------------------------------------------------------- */

/* The decoding context: where we are, for messages that name the claim. */
typedef struct claim_reader {
    char *detail;
    size_t detail_size;
    const char *object; /* "accreditation" or "certificate" */
} claim_reader;

static cs_err reject(const claim_reader *r, cs_err err, const char *claim, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static cs_err reject(const claim_reader *r, cs_err err, const char *claim, const char *fmt, ...)
{
    if (r->detail != NULL && r->detail_size > 0) {
        char what[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        snprintf(r->detail, r->detail_size, "%s claim %s: %s", r->object, claim, what);
    }
    return err;
}

static cs_err required(const claim_reader *r, const cs_cbor_item *item, const char *claim)
{
    return item != NULL ? CS_OK : reject(r, CS_ERR_CLAIM_MISSING, claim, "missing");
}

static cs_err read_text(const claim_reader *r, const cs_cbor_item *item, const char *claim,
                        char **out)
{
    const char *text;
    size_t len;
    cs_err err;

    if ((err = required(r, item, claim)) != CS_OK)
        return err;
    if (cs_cbor_get_text(item, &text, &len) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, claim, "expected a text string");
    if (len == 0 || len > CS_TEXT_MAX || memchr(text, '\0', len) != NULL)
        return reject(r, CS_ERR_CLAIM_INVALID, claim, "empty, longer than %d bytes or holding NUL",
                      CS_TEXT_MAX);
    if ((*out = strndup(text, len)) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

/* A country: text in ISO 3166-1 alpha-2 (DESIGN §3). */
static cs_err read_country(const claim_reader *r, const cs_cbor_item *item, const char *claim,
                           char **out)
{
    cs_err err = read_text(r, item, claim, out);
    if (err == CS_OK && cs_claim_check_country(*out, NULL, 0) != CS_OK)
        err = reject(r, CS_ERR_CLAIM_INVALID, claim, "not an ISO 3166-1 alpha-2 code (\"GB\")");
    return err;
}

static cs_err read_date(const claim_reader *r, const cs_cbor_item *item, const char *claim,
                        int64_t *out)
{
    uint64_t value;
    cs_err err;

    if ((err = required(r, item, claim)) != CS_OK)
        return err;
    if (cs_cbor_get_uint(item, &value) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, claim, "expected a NumericDate (unsigned integer)");
    if (value > 253402300799u) /* 9999-12-31T23:59:59Z */
        return reject(r, CS_ERR_CLAIM_INVALID, claim, "date after the year 9999");
    *out = (int64_t)value;
    return CS_OK;
}

static cs_err read_array(const claim_reader *r, const cs_cbor_item *item, const char *claim,
                         size_t *count)
{
    if (!cs_cbor_is_array(item))
        return reject(r, CS_ERR_CBOR_TYPE, claim, "expected an array");
    *count = cs_cbor_count(item);
    if (*count > CS_LIST_MAX)
        return reject(r, CS_ERR_CLAIM_INVALID, claim, "more than %d entries", CS_LIST_MAX);
    return CS_OK;
}

static cs_err read_iaf_codes(const claim_reader *r, const cs_cbor_item *item, uint64_t **out,
                             size_t *count)
{
    size_t n;
    cs_err err;

    if (item == NULL)
        return CS_OK; /* optional */
    if ((err = read_array(r, item, CS_CLAIM_KEY_IAF, &n)) != CS_OK)
        return err;
    if (n == 0)
        return CS_OK;
    if ((*out = calloc(n, sizeof(**out))) == NULL)
        return CS_ERR_NO_MEMORY;
    *count = n;
    for (size_t i = 0; i < n; i++) {
        uint64_t code;
        if (cs_cbor_get_uint(cs_cbor_array_at(item, i), &code) != CS_OK)
            return reject(r, CS_ERR_CBOR_TYPE, CS_CLAIM_KEY_IAF, "expected unsigned integers");
        if (code < 1 || code > CS_IAF_CODE_MAX)
            return reject(r, CS_ERR_CLAIM_INVALID, CS_CLAIM_KEY_IAF, "sector %llu is not 1-%d",
                          (unsigned long long)code, CS_IAF_CODE_MAX);
        (*out)[i] = code;
    }
    return CS_OK;
}

/* Private maps use short text keys; an unknown one is refused so that a
 * later format cannot be misread as this one. */
static cs_err check_known_keys(const claim_reader *r, const cs_cbor_item *map, const char *claim,
                               const char *const *known)
{
    const cs_cbor_item *unknown = cs_cbor_map_unknown_key(map, known);
    const char *key;
    size_t len;

    if (unknown == NULL)
        return CS_OK;
    if (cs_cbor_get_text(unknown, &key, &len) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, claim, "keys must be text");
    return reject(r, CS_ERR_CLAIM_INVALID, claim, "unknown key \"%.*s\"",
                  (int)(len > 16 ? 16 : len), key);
}

static cs_err read_private_map(const claim_reader *r, const cs_cbor_item *claims, int64_t label,
                               const char *claim, const char *const *known,
                               const cs_cbor_item **out)
{
    cs_err err;
    *out = cs_cbor_map_get_int(claims, label);
    if ((err = required(r, *out, claim)) != CS_OK)
        return err;
    if (!cs_cbor_is_map(*out))
        return reject(r, CS_ERR_CBOR_TYPE, claim, "expected a map");
    return check_known_keys(r, *out, claim, known);
}

/* cnf = {1: COSE_Key} (RFC 8747 §3.1) and nothing else, the COSE_Key as
 * DESIGN §3 has it. */
static cs_err read_cnf(const claim_reader *r, const cs_cbor_item *item, cs_key_t **out)
{
    const char *problem = "";
    cs_err err;

    if ((err = required(r, item, "cnf")) != CS_OK)
        return err;
    if (!cs_cbor_is_map(item) || !cs_cbor_is_map(cs_cbor_map_get_int(item, CNF_COSE_KEY)))
        return reject(r, CS_ERR_CBOR_TYPE, "cnf", "expected {1: COSE_Key}");
    if (cs_cbor_count(item) != 1)
        return reject(r, CS_ERR_CLAIM_INVALID, "cnf", "holds members other than 1 (COSE_Key)");
    if ((err = cs_cose_key_read(cs_cbor_map_get_int(item, CNF_COSE_KEY), out, &problem)) != CS_OK)
        return reject(r, err, "cnf", "%s", problem);
    return CS_OK;
}

/* "std" of an AC or a CT: one or more texts.  A CT's list names each
 * standard once (repeats refused: they would count one standard twice);
 * an AC's is read as its accreditation body wrote it. */
static cs_err read_standards(const claim_reader *r, const cs_cbor_item *item, bool unique,
                             char ***out, size_t *count)
{
    size_t n;
    cs_err err;

    if ((err = required(r, item, CS_CLAIM_KEY_STANDARD)) != CS_OK ||
        (err = read_array(r, item, CS_CLAIM_KEY_STANDARD, &n)) != CS_OK)
        return err;
    if (n == 0)
        return reject(r, CS_ERR_CLAIM_INVALID, CS_CLAIM_KEY_STANDARD, "no standard listed");
    if ((*out = calloc(n, sizeof(char *))) == NULL)
        return CS_ERR_NO_MEMORY;
    *count = n;
    for (size_t i = 0; i < n; i++) {
        if ((err = read_text(r, cs_cbor_array_at(item, i), CS_CLAIM_KEY_STANDARD, &(*out)[i])) !=
            CS_OK)
            return err;
        if (cs_claim_check_standard((*out)[i], NULL, 0) != CS_OK)
            return reject(r, CS_ERR_CLAIM_INVALID, CS_CLAIM_KEY_STANDARD,
                          "entry %zu is not a designation with its edition (\"ISO 9001:2015\")",
                          i);
        for (size_t j = 0; unique && j < i; j++)
            if (strcmp((*out)[j], (*out)[i]) == 0)
                return reject(r, CS_ERR_CLAIM_INVALID, CS_CLAIM_KEY_STANDARD,
                              "entry %zu repeats entry %zu", i, j);
    }
    return CS_OK;
}

/* The optional status claim; its maps hold exactly the keys of the draft's
 * status_list mechanism, and the URI is bounded like any text. */
static cs_err read_status(const claim_reader *r, const cs_cbor_item *item, cs_status_ref *out)
{
    static const char *const outer_keys[] = {CS_CLAIM_KEY_STATUS_LIST, NULL};
    static const char *const inner_keys[] = {CS_CLAIM_KEY_STATUS_INDEX, CS_CLAIM_KEY_STATUS_URI,
                                             NULL};
    const cs_cbor_item *list;
    const char *uri;
    size_t uri_len;
    cs_err err;

    if (item == NULL)
        return CS_OK;
    if (!cs_cbor_is_map(item))
        return reject(r, CS_ERR_CBOR_TYPE, "status", "expected a map");
    if ((err = check_known_keys(r, item, "status", outer_keys)) != CS_OK)
        return err;
    list = cs_cbor_map_get_text(item, CS_CLAIM_KEY_STATUS_LIST);
    if ((err = required(r, list, "status.status_list")) != CS_OK)
        return err;
    if (!cs_cbor_is_map(list))
        return reject(r, CS_ERR_CBOR_TYPE, "status.status_list", "expected a map");
    if ((err = check_known_keys(r, list, "status.status_list", inner_keys)) != CS_OK ||
        (err = required(r, cs_cbor_map_get_text(list, CS_CLAIM_KEY_STATUS_INDEX), "status.idx")) !=
            CS_OK ||
        (err = required(r, cs_cbor_map_get_text(list, CS_CLAIM_KEY_STATUS_URI), "status.uri")) !=
            CS_OK)
        return err;
    if (cs_cbor_get_uint(cs_cbor_map_get_text(list, CS_CLAIM_KEY_STATUS_INDEX), &out->index) !=
        CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, "status.idx", "expected an unsigned integer");
    if (cs_cbor_get_text(cs_cbor_map_get_text(list, CS_CLAIM_KEY_STATUS_URI), &uri, &uri_len) !=
        CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, "status.uri", "expected a text string");
    if (uri_len == 0 || uri_len > CS_STATUS_URI_MAX || memchr(uri, '\0', uri_len) != NULL)
        return reject(r, CS_ERR_CLAIM_INVALID, "status.uri",
                      "empty, longer than %d bytes or holding NUL", CS_STATUS_URI_MAX);
    if ((out->uri = strndup(uri, uri_len)) == NULL)
        return CS_ERR_NO_MEMORY;
    out->present = true;
    return CS_OK;
}

/* Every claim is one format 1 defines for the object (DESIGN §2 step 5).
 * certseal is format 1's only producer, so a claim it does not know is one
 * a later format added and this verifier would ignore, as RFC 9052 crit
 * would otherwise have to flag: refused rather than misread. */
static cs_err check_known_claims(const claim_reader *r, const cs_cbor_item *claims,
                                 const int64_t *known, size_t known_count)
{
    for (size_t i = 0; i < cs_cbor_count(claims); i++) {
        const cs_cbor_item *key = cs_cbor_map_key_at(claims, i);
        const char *text;
        size_t len;
        int64_t label;
        bool found = false;
        if (cs_cbor_get_int(key, &label) != CS_OK) {
            if (cs_cbor_get_text(key, &text, &len) == CS_OK)
                return reject(r, CS_ERR_CLAIM_INVALID, "set", "unknown claim \"%.*s\"",
                              (int)(len > 16 ? 16 : len), text);
            return reject(r, CS_ERR_CLAIM_INVALID, "set",
                          "a claim key is neither integer nor text");
        }
        for (size_t k = 0; k < known_count && !found; k++)
            found = known[k] == label;
        if (!found)
            return reject(r, CS_ERR_CLAIM_INVALID, "set",
                          "unknown claim %lld (this verifier reads format 1 only)",
                          (long long)label);
    }
    return CS_OK;
}

static cs_err decode_claims_map(const uint8_t *data, size_t len, const claim_reader *r,
                                cs_cbor_item **claims)
{
    cs_err err = cs_cbor_decode(data, len, CS_CBOR_MAX_DEPTH, claims);
    if (err != CS_OK)
        return reject(r, err, "set", "%s", cs_strerror(err));
    if (!cs_cbor_is_map(*claims))
        return reject(r, CS_ERR_CBOR_TYPE, "set", "the payload is not a claims map");
    return CS_OK;
}

static cs_err decode_accreditation(const claim_reader *r, const cs_cbor_item *claims,
                                   cs_accreditation *ac)
{
    static const char *const known[] = {CS_CLAIM_KEY_NAME,    CS_CLAIM_KEY_NUMBER,
                                        CS_CLAIM_KEY_COUNTRY, CS_CLAIM_KEY_STANDARD,
                                        CS_CLAIM_KEY_IAF,     NULL};
    static const int64_t claim_labels[] = {CS_CLAIM_ISS,    CS_CLAIM_SUB,          CS_CLAIM_EXP,
                                           CS_CLAIM_NBF,    CS_CLAIM_IAT,          CS_CLAIM_CNF,
                                           CS_CLAIM_STATUS, CS_CLAIM_ACCREDITATION};
    const cs_cbor_item *acc = NULL;
    cs_err err;

    if ((err = check_known_claims(r, claims, claim_labels,
                                  sizeof(claim_labels) / sizeof(claim_labels[0]))) ||
        (err = read_text(r, cs_cbor_map_get_int(claims, CS_CLAIM_ISS), "iss", &ac->issuer)) ||
        (err = read_text(r, cs_cbor_map_get_int(claims, CS_CLAIM_SUB), "sub", &ac->subject)) ||
        (err = read_date(r, cs_cbor_map_get_int(claims, CS_CLAIM_EXP), "exp", &ac->expires)) ||
        (err = read_date(r, cs_cbor_map_get_int(claims, CS_CLAIM_NBF), "nbf", &ac->not_before)) ||
        (err = read_date(r, cs_cbor_map_get_int(claims, CS_CLAIM_IAT), "iat", &ac->issued_at)) ||
        (err = read_cnf(r, cs_cbor_map_get_int(claims, CS_CLAIM_CNF), &ac->subject_key)) ||
        (err = read_status(r, cs_cbor_map_get_int(claims, CS_CLAIM_STATUS), &ac->status)) ||
        (err = read_private_map(r, claims, CS_CLAIM_ACCREDITATION, "-65538", known, &acc)) ||
        (err = read_text(r, cs_cbor_map_get_text(acc, CS_CLAIM_KEY_NAME), CS_CLAIM_KEY_NAME,
                         &ac->name)) ||
        (err = read_text(r, cs_cbor_map_get_text(acc, CS_CLAIM_KEY_NUMBER), CS_CLAIM_KEY_NUMBER,
                         &ac->number)) ||
        (err = read_country(r, cs_cbor_map_get_text(acc, CS_CLAIM_KEY_COUNTRY),
                            CS_CLAIM_KEY_COUNTRY, &ac->country)) ||
        (err = read_standards(r, cs_cbor_map_get_text(acc, CS_CLAIM_KEY_STANDARD), false,
                              &ac->standards, &ac->standard_count)) ||
        (err = read_iaf_codes(r, cs_cbor_map_get_text(acc, CS_CLAIM_KEY_IAF), &ac->iaf_codes,
                              &ac->iaf_count)))
        return err;
    return CS_OK;
}

cs_err cs_accreditation_decode_claims(const uint8_t *data, size_t len, cs_accreditation *ac,
                                      char *detail, size_t detail_size)
{
    claim_reader r = {detail, detail_size, "accreditation"};
    cs_cbor_item *claims = NULL;
    cs_err err;

    if (data == NULL || ac == NULL)
        return CS_ERR_ARGUMENT;
    memset(ac, 0, sizeof(*ac));
    if ((err = decode_claims_map(data, len, &r, &claims)) == CS_OK)
        err = decode_accreditation(&r, claims, ac);
    if (claims != NULL)
        cs_cbor_free(&claims);
    if (err != CS_OK)
        cs_accreditation_clear(ac);
    return err;
}

static cs_err read_organization(const claim_reader *r, const cs_cbor_item *item,
                                cs_certificate *cert)
{
    static const char *const known[] = {CS_CLAIM_KEY_NAME, CS_CLAIM_KEY_COUNTRY,
                                        CS_CLAIM_KEY_ADDRESS, NULL};
    cs_err err;

    if ((err = required(r, item, CS_CLAIM_KEY_ORGANIZATION)) != CS_OK)
        return err;
    if (!cs_cbor_is_map(item))
        return reject(r, CS_ERR_CBOR_TYPE, CS_CLAIM_KEY_ORGANIZATION, "expected a map");
    if ((err = check_known_keys(r, item, CS_CLAIM_KEY_ORGANIZATION, known)) ||
        (err = read_text(r, cs_cbor_map_get_text(item, CS_CLAIM_KEY_NAME), "org.nam",
                         &cert->organization_name)) ||
        (err = read_country(r, cs_cbor_map_get_text(item, CS_CLAIM_KEY_COUNTRY), "org.ctr",
                            &cert->organization_country)) ||
        (err = read_text(r, cs_cbor_map_get_text(item, CS_CLAIM_KEY_ADDRESS), "org.adr",
                         &cert->organization_address)))
        return err;
    return CS_OK;
}

static cs_err read_sites(const claim_reader *r, const cs_cbor_item *item, cs_certificate *cert)
{
    static const char *const known[] = {CS_CLAIM_KEY_ADDRESS, CS_CLAIM_KEY_SCOPE, NULL};
    size_t n;
    cs_err err;

    if (item == NULL)
        return CS_OK; /* optional: single-site certificates */
    if ((err = read_array(r, item, CS_CLAIM_KEY_SITES, &n)) != CS_OK || n == 0)
        return err;
    if ((cert->sites = calloc(n, sizeof(*cert->sites))) == NULL)
        return CS_ERR_NO_MEMORY;
    cert->site_count = n;
    for (size_t i = 0; i < n; i++) {
        const cs_cbor_item *site = cs_cbor_array_at(item, i);
        if (!cs_cbor_is_map(site))
            return reject(r, CS_ERR_CBOR_TYPE, CS_CLAIM_KEY_SITES, "each site must be a map");
        if ((err = check_known_keys(r, site, CS_CLAIM_KEY_SITES, known)) ||
            (err = read_text(r, cs_cbor_map_get_text(site, CS_CLAIM_KEY_ADDRESS), "sit.adr",
                             &cert->sites[i].address)) ||
            (err = read_text(r, cs_cbor_map_get_text(site, CS_CLAIM_KEY_SCOPE), "sit.scp",
                             &cert->sites[i].scope)))
            return err;
    }
    return CS_OK;
}

static cs_err read_revision(const claim_reader *r, const cs_cbor_item *item, uint64_t *out)
{
    cs_err err = required(r, item, CS_CLAIM_KEY_REVISION);
    if (err == CS_OK && cs_cbor_get_uint(item, out) != CS_OK)
        err = reject(r, CS_ERR_CBOR_TYPE, CS_CLAIM_KEY_REVISION, "expected an unsigned integer");
    return err;
}

/* DESIGN §3: "ctr" is ISO 3166-1 alpha-2, in capitals.  (Not isupper(),
 * whose answer depends on the locale.) */
cs_err cs_claim_check_country(const char *country, char *problem, size_t problem_size)
{
    if (country == NULL)
        return CS_ERR_ARGUMENT;
    if (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
        country[1] > 'Z')
        return cs_detail_fail(problem, problem_size, CS_ERR_CLAIM_INVALID,
                              "'%.20s' is not two capital letters (ISO 3166-1 alpha-2, e.g. GB)",
                              country);
    return CS_OK;
}

/* DESIGN §3: "std" holds designations with their edition, "ISO 9001:2015",
 * "ISO/IEC 27001:2022": a designation ending in ":YYYY". */
cs_err cs_claim_check_standard(const char *standard, char *problem, size_t problem_size)
{
    size_t len;

    if (standard == NULL)
        return CS_ERR_ARGUMENT;
    len = strlen(standard);
    if (len < 6 || standard[len - 5] != ':' || strspn(standard + len - 4, "0123456789") != 4)
        return cs_detail_fail(problem, problem_size, CS_ERR_CLAIM_INVALID,
                              "'%.60s' lacks its edition; write e.g. \"ISO 9001:2015\"",
                              standard);
    return CS_OK;
}

cs_err cs_claim_check_food_chain(const char *category, char *problem, size_t problem_size)
{
    static const char *const numerals[] = {"", "I", "II", "III", "IV"};

    if (category != NULL && category[0] >= 'A' && category[0] <= 'K')
        for (size_t i = 0; i < sizeof(numerals) / sizeof(numerals[0]); i++)
            if (strcmp(category + 1, numerals[i]) == 0)
                return CS_OK;
    return cs_detail_fail(problem, problem_size, CS_ERR_CLAIM_INVALID,
                          "'%.20s' is not an ISO 22003-1 food chain category (A to K, optionally "
                          "with a subcategory I to IV, e.g. CI)",
                          category != NULL ? category : "");
}

/* The optional "fcc": texts that are ISO 22003-1 categories, no repeats. */
static cs_err read_food_chain(const claim_reader *r, const cs_cbor_item *item,
                              cs_certificate *cert)
{
    size_t n;
    cs_err err;

    if (item == NULL)
        return CS_OK;
    if ((err = read_array(r, item, CS_CLAIM_KEY_FOOD_CHAIN, &n)) != CS_OK)
        return err;
    if (n == 0)
        return reject(r, CS_ERR_CLAIM_INVALID, CS_CLAIM_KEY_FOOD_CHAIN, "empty (omit it)");
    if ((cert->food_chain_categories = calloc(n, sizeof(char *))) == NULL)
        return CS_ERR_NO_MEMORY;
    cert->food_chain_count = n;
    for (size_t i = 0; i < n; i++) {
        if ((err = read_text(r, cs_cbor_array_at(item, i), CS_CLAIM_KEY_FOOD_CHAIN,
                             &cert->food_chain_categories[i])) != CS_OK)
            return err;
        if (cs_claim_check_food_chain(cert->food_chain_categories[i], NULL, 0) != CS_OK)
            return reject(r, CS_ERR_CLAIM_INVALID, CS_CLAIM_KEY_FOOD_CHAIN,
                          "entry %zu is not an ISO 22003-1 category", i);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cert->food_chain_categories[j], cert->food_chain_categories[i]) == 0)
                return reject(r, CS_ERR_CLAIM_INVALID, CS_CLAIM_KEY_FOOD_CHAIN,
                              "entry %zu repeats entry %zu", i, j);
    }
    return CS_OK;
}

/* The optional "prd" {"cb", "no"}: both texts, nothing else. */
static cs_err read_predecessor(const claim_reader *r, const cs_cbor_item *item, cs_predecessor *out)
{
    static const char *const known[] = {CS_CLAIM_KEY_CERTIFICATION_BODY, CS_CLAIM_KEY_NUMBER, NULL};
    cs_err err;

    if (item == NULL)
        return CS_OK;
    if (!cs_cbor_is_map(item))
        return reject(r, CS_ERR_CBOR_TYPE, CS_CLAIM_KEY_PREDECESSOR, "expected a map");
    if ((err = check_known_keys(r, item, CS_CLAIM_KEY_PREDECESSOR, known)) ||
        (err = read_text(r, cs_cbor_map_get_text(item, CS_CLAIM_KEY_CERTIFICATION_BODY), "prd.cb",
                         &out->certification_body)) ||
        (err =
             read_text(r, cs_cbor_map_get_text(item, CS_CLAIM_KEY_NUMBER), "prd.no", &out->number)))
        return err;
    return CS_OK;
}

static cs_err decode_certificate(const claim_reader *r, const cs_cbor_item *claims,
                                 cs_certificate *cert)
{
    static const char *const known[] = {
        CS_CLAIM_KEY_STANDARD,    CS_CLAIM_KEY_ORGANIZATION,  CS_CLAIM_KEY_SCOPE,
        CS_CLAIM_KEY_SITES,       CS_CLAIM_KEY_IAF,           CS_CLAIM_KEY_GRANT,
        CS_CLAIM_KEY_REVISION,    CS_CLAIM_KEY_ACCREDITATION, CS_CLAIM_KEY_FOOD_CHAIN,
        CS_CLAIM_KEY_PREDECESSOR, CS_CLAIM_KEY_RESTORED,      NULL};
    static const int64_t claim_labels[] = {CS_CLAIM_ISS,        CS_CLAIM_SUB, CS_CLAIM_EXP,
                                           CS_CLAIM_NBF,        CS_CLAIM_IAT, CS_CLAIM_STATUS,
                                           CS_CLAIM_CERTIFICATE};
    const cs_cbor_item *c = NULL;
    const cs_cbor_item *nbf = cs_cbor_map_get_int(claims, CS_CLAIM_NBF);
    const cs_cbor_item *restored = NULL;
    cs_err err;

    if ((err = check_known_claims(r, claims, claim_labels,
                                  sizeof(claim_labels) / sizeof(claim_labels[0]))) ||
        (err = read_text(r, cs_cbor_map_get_int(claims, CS_CLAIM_ISS), "iss", &cert->issuer)) ||
        (err = read_text(r, cs_cbor_map_get_int(claims, CS_CLAIM_SUB), "sub", &cert->number)) ||
        (err = read_date(r, cs_cbor_map_get_int(claims, CS_CLAIM_EXP), "exp", &cert->expires)) ||
        (nbf != NULL && (err = read_date(r, nbf, "nbf", &cert->not_before))) ||
        (err = read_date(r, cs_cbor_map_get_int(claims, CS_CLAIM_IAT), "iat", &cert->issued_at)) ||
        (err = read_status(r, cs_cbor_map_get_int(claims, CS_CLAIM_STATUS), &cert->status)) ||
        (err = read_private_map(r, claims, CS_CLAIM_CERTIFICATE, "-65537", known, &c)) ||
        (err = read_standards(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_STANDARD), true,
                              &cert->standards, &cert->standard_count)) ||
        (err = read_organization(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_ORGANIZATION), cert)) ||
        (err = read_text(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_SCOPE), CS_CLAIM_KEY_SCOPE,
                         &cert->scope)) ||
        (err = read_sites(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_SITES), cert)) ||
        (err = read_iaf_codes(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_IAF), &cert->iaf_codes,
                              &cert->iaf_count)) ||
        (err = read_food_chain(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_FOOD_CHAIN), cert)) ||
        (err = read_date(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_GRANT), CS_CLAIM_KEY_GRANT,
                         &cert->original_grant)) ||
        (err = read_revision(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_REVISION), &cert->revision)) ||
        (err = read_text(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_ACCREDITATION),
                         CS_CLAIM_KEY_ACCREDITATION, &cert->accreditation_number)) ||
        (err = read_predecessor(r, cs_cbor_map_get_text(c, CS_CLAIM_KEY_PREDECESSOR),
                                &cert->predecessor)) ||
        ((restored = cs_cbor_map_get_text(c, CS_CLAIM_KEY_RESTORED)) != NULL &&
         (err = read_date(r, restored, CS_CLAIM_KEY_RESTORED, &cert->restored))))
        return err;
    cert->has_not_before = nbf != NULL;
    cert->has_restored = restored != NULL;
    return CS_OK;
}

cs_err cs_certificate_decode_claims(const uint8_t *data, size_t len, cs_certificate *cert,
                                    char *detail, size_t detail_size)
{
    claim_reader r = {detail, detail_size, "certificate"};
    cs_cbor_item *claims = NULL;
    cs_err err;

    if (data == NULL || cert == NULL)
        return CS_ERR_ARGUMENT;
    memset(cert, 0, sizeof(*cert));
    if ((err = decode_claims_map(data, len, &r, &claims)) == CS_OK)
        err = decode_certificate(&r, claims, cert);
    if (claims != NULL)
        cs_cbor_free(&claims);
    if (err != CS_OK)
        cs_certificate_clear(cert);
    return err;
}
