/* SPDX-License-Identifier: ISC */
/* Verification receipts (certseal/receipt.h): building, signing, strict
 * decoding and verifying.  The wire format is docs/wire-format.md,
 * "Verification receipt", and schemas/receipt.cddl. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/cose.h"
#include "certseal/receipt.h"
#include "internal.h"

/* The text keys of the receipt map and its entries (one home, STYLE 21). */
#define KEY_VERSION "ver"
#define KEY_AT "at"
#define KEY_PINNED "key"
#define KEY_TRUST_LISTS "tls"
#define KEY_STATUS_LISTS "sts"
#define KEY_RESULTS "res"
#define KEY_ISSUER "iss"
#define KEY_URI "uri"
#define KEY_SEQUENCE "seq"
#define KEY_SHA256 "sha"
#define KEY_IAT "iat"
#define KEY_INPUT "in"
#define KEY_TOKEN "tok"
#define KEY_VERDICT "vdt"
#define KEY_NUMBER "no"
#define KEY_CB "cb"
#define KEY_ORGANIZATION "org"
#define KEY_STANDARD "std"
#define KEY_EXPIRES "exp"

/* ---- building ----------------------------------------------------------------- */

static void result_clear(cs_receipt_result *r)
{
    free(r->input);
    free(r->number);
    free(r->issuer);
    free(r->organization);
    free(r->standard);
    memset(r, 0, sizeof(*r));
}

void cs_receipt_clear(cs_receipt *receipt)
{
    if (receipt == NULL)
        return;
    free(receipt->pinned_kids);
    for (size_t i = 0; i < receipt->trust_list_count; i++) {
        free(receipt->trust_lists[i].issuer);
        free(receipt->trust_lists[i].uri);
    }
    free(receipt->trust_lists);
    for (size_t i = 0; i < receipt->status_list_count; i++)
        free(receipt->status_lists[i].uri);
    free(receipt->status_lists);
    for (size_t i = 0; i < receipt->result_count; i++)
        result_clear(&receipt->results[i]);
    free(receipt->results);
    memset(receipt, 0, sizeof(*receipt));
}

/* Makes room for one more element of size bytes at the end of *array. */
static cs_err grow(void **array, size_t count, size_t size, size_t max)
{
    void *grown;

    if (count >= max)
        return CS_ERR_TOO_LARGE;
    /* Doubling capacity without storing it: grow when count is 0 or a power of two. */
    if (count != 0 && (count & (count - 1)) != 0)
        return CS_OK;
    if ((grown = realloc(*array, (count == 0 ? 1 : count * 2) * size)) == NULL)
        return CS_ERR_NO_MEMORY;
    *array = grown;
    return CS_OK;
}

/* A copy of text cut to CS_TEXT_MAX bytes at a character boundary; NULL
 * stays NULL. */
static cs_err copy_text(const char *text, char **out)
{
    size_t len;

    *out = NULL;
    if (text == NULL)
        return CS_OK;
    len = strlen(text);
    if (len > CS_TEXT_MAX) {
        len = CS_TEXT_MAX;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    if (len == 0)
        return CS_OK;
    if ((*out = malloc(len + 1)) == NULL)
        return CS_ERR_NO_MEMORY;
    memcpy(*out, text, len);
    (*out)[len] = '\0';
    return CS_OK;
}

cs_err cs_receipt_add_trust(cs_receipt *receipt, const cs_trust_t *trust)
{
    cs_err err;

    if (receipt == NULL || trust == NULL)
        return CS_ERR_ARGUMENT;
    for (size_t i = 0; i < cs_trust_count(trust); i++) {
        if ((err = grow((void **)&receipt->pinned_kids, receipt->pinned_count,
                        sizeof(*receipt->pinned_kids), CS_RECEIPT_MAX_LISTS)) != CS_OK)
            return err;
        memcpy(receipt->pinned_kids[receipt->pinned_count++], cs_key_kid(cs_trust_key_at(trust, i)),
               CS_KID_SIZE);
    }
    return CS_OK;
}

cs_err cs_receipt_add_trust_list(cs_receipt *receipt, const cs_trustlist *list)
{
    cs_receipt_trust_list entry = {0};
    cs_err err;

    if (receipt == NULL || list == NULL || list->signed_bytes == NULL || list->issuer == NULL ||
        list->uri == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = grow((void **)&receipt->trust_lists, receipt->trust_list_count,
                    sizeof(*receipt->trust_lists), CS_RECEIPT_MAX_LISTS)) != CS_OK ||
        (err = cs_crypto_sha256(list->signed_bytes, list->signed_len, entry.sha256)) != CS_OK)
        return err;
    entry.sequence = list->sequence;
    if ((entry.issuer = strdup(list->issuer)) == NULL || (entry.uri = strdup(list->uri)) == NULL) {
        free(entry.issuer);
        return CS_ERR_NO_MEMORY;
    }
    receipt->trust_lists[receipt->trust_list_count++] = entry;
    return CS_OK;
}

static cs_err add_status_list(void *ctx, const char *uri, int64_t issued_at,
                              const uint8_t sha256[32])
{
    cs_receipt *receipt = ctx;
    cs_receipt_status_list entry = {0};
    cs_err err;

    if ((err = grow((void **)&receipt->status_lists, receipt->status_list_count,
                    sizeof(*receipt->status_lists), CS_RECEIPT_MAX_LISTS)) != CS_OK)
        return err;
    if ((entry.uri = strdup(uri)) == NULL)
        return CS_ERR_NO_MEMORY;
    entry.issued_at = issued_at;
    memcpy(entry.sha256, sha256, CS_RECEIPT_SHA256_SIZE);
    receipt->status_lists[receipt->status_list_count++] = entry;
    return CS_OK;
}

cs_err cs_receipt_add_status_lists(cs_receipt *receipt, const cs_verifier_t *verifier)
{
    if (receipt == NULL || verifier == NULL)
        return CS_ERR_ARGUMENT;
    return cs_verifier_each_status_list(verifier, add_status_list, receipt);
}

cs_err cs_receipt_add_result(cs_receipt *receipt, const char *input, const uint8_t *token,
                             size_t token_len, const cs_verify_result *result)
{
    cs_receipt_result entry = {0};
    const cs_certificate *cert = &result->certificate;
    char standards[CS_TEXT_MAX];
    cs_err err;

    if (receipt == NULL || input == NULL || (token == NULL && token_len > 0) || result == NULL ||
        result->verdict >= CS_VERDICT_COUNT)
        return CS_ERR_ARGUMENT;
    if ((err = grow((void **)&receipt->results, receipt->result_count, sizeof(*receipt->results),
                    CS_RECEIPT_MAX_RESULTS)) != CS_OK)
        return err;
    entry.verdict = result->verdict;
    if ((err = cs_crypto_sha256(token, token_len, entry.token_sha256)) != CS_OK ||
        (err = copy_text(input, &entry.input)) != CS_OK)
        goto fail;
    if (entry.input == NULL && (entry.input = strdup("-")) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    /* What the certificate says counts only when its signatures verified. */
    if (result->signatures_verified && result->has_certificate) {
        if ((err = copy_text(cert->number, &entry.number)) != CS_OK ||
            (err = copy_text(cert->issuer, &entry.issuer)) != CS_OK ||
            (err = copy_text(cert->organization_name, &entry.organization)) != CS_OK ||
            (err = copy_text(
                 cert->standard_count == 0
                     ? NULL
                     : cs_certificate_standards_text(cert, ", ", standards, sizeof(standards)),
                 &entry.standard)) != CS_OK)
            goto fail;
        entry.expires = cert->expires > 0 ? cert->expires : 0;
    }
    receipt->results[receipt->result_count++] = entry;
    return CS_OK;
fail:
    result_clear(&entry);
    return err;
}

/* ---- writing ------------------------------------------------------------------ */

static void put_optional_text(cs_cbor_writer *w, const char *key, const char *value)
{
    if (value == NULL)
        return;
    cs_cbor_put_cstring(w, key);
    cs_cbor_put_cstring(w, value);
}

static void put_result(cs_cbor_writer *w, const cs_receipt_result *r)
{
    size_t pairs = 3 + (r->number != NULL) + (r->issuer != NULL) + (r->organization != NULL) +
                   (r->standard != NULL) + (r->expires > 0);

    cs_cbor_begin_map(w, pairs);
    cs_cbor_put_cstring(w, KEY_INPUT);
    cs_cbor_put_cstring(w, r->input);
    cs_cbor_put_cstring(w, KEY_TOKEN);
    cs_cbor_put_bytes(w, r->token_sha256, sizeof(r->token_sha256));
    cs_cbor_put_cstring(w, KEY_VERDICT);
    cs_cbor_put_cstring(w, cs_verdict_name(r->verdict));
    put_optional_text(w, KEY_NUMBER, r->number);
    put_optional_text(w, KEY_CB, r->issuer);
    put_optional_text(w, KEY_ORGANIZATION, r->organization);
    put_optional_text(w, KEY_STANDARD, r->standard);
    if (r->expires > 0) {
        cs_cbor_put_cstring(w, KEY_EXPIRES);
        cs_cbor_put_uint(w, (uint64_t)r->expires);
    }
    cs_cbor_end_map(w);
}

/* The claims {6: iat, -65540: {...}} in the order of docs/wire-format.md. */
static cs_err encode_claims(const cs_receipt *r, cs_cbor_writer *w)
{
    cs_cbor_begin_map(w, 2);
    cs_cbor_put_int(w, CS_CLAIM_IAT);
    cs_cbor_put_uint(w, (uint64_t)r->signed_at);
    cs_cbor_put_int(w, CS_CLAIM_RECEIPT);
    cs_cbor_begin_map(w, 6);
    cs_cbor_put_cstring(w, KEY_VERSION);
    cs_cbor_put_uint(w, CS_RECEIPT_VERSION);
    cs_cbor_put_cstring(w, KEY_AT);
    cs_cbor_put_uint(w, (uint64_t)r->verified_at);
    cs_cbor_put_cstring(w, KEY_PINNED);
    cs_cbor_begin_array(w, r->pinned_count);
    for (size_t i = 0; i < r->pinned_count; i++)
        cs_cbor_put_bytes(w, r->pinned_kids[i], CS_KID_SIZE);
    cs_cbor_end_array(w);
    cs_cbor_put_cstring(w, KEY_TRUST_LISTS);
    cs_cbor_begin_array(w, r->trust_list_count);
    for (size_t i = 0; i < r->trust_list_count; i++) {
        const cs_receipt_trust_list *t = &r->trust_lists[i];
        cs_cbor_begin_map(w, 4);
        cs_cbor_put_cstring(w, KEY_ISSUER);
        cs_cbor_put_cstring(w, t->issuer);
        cs_cbor_put_cstring(w, KEY_URI);
        cs_cbor_put_cstring(w, t->uri);
        cs_cbor_put_cstring(w, KEY_SEQUENCE);
        cs_cbor_put_uint(w, t->sequence);
        cs_cbor_put_cstring(w, KEY_SHA256);
        cs_cbor_put_bytes(w, t->sha256, sizeof(t->sha256));
        cs_cbor_end_map(w);
    }
    cs_cbor_end_array(w);
    cs_cbor_put_cstring(w, KEY_STATUS_LISTS);
    cs_cbor_begin_array(w, r->status_list_count);
    for (size_t i = 0; i < r->status_list_count; i++) {
        const cs_receipt_status_list *s = &r->status_lists[i];
        cs_cbor_begin_map(w, 3);
        cs_cbor_put_cstring(w, KEY_URI);
        cs_cbor_put_cstring(w, s->uri);
        cs_cbor_put_cstring(w, KEY_IAT);
        cs_cbor_put_uint(w, (uint64_t)s->issued_at);
        cs_cbor_put_cstring(w, KEY_SHA256);
        cs_cbor_put_bytes(w, s->sha256, sizeof(s->sha256));
        cs_cbor_end_map(w);
    }
    cs_cbor_end_array(w);
    cs_cbor_put_cstring(w, KEY_RESULTS);
    cs_cbor_begin_array(w, r->result_count);
    for (size_t i = 0; i < r->result_count; i++)
        put_result(w, &r->results[i]);
    cs_cbor_end_array(w);
    cs_cbor_end_map(w);
    cs_cbor_end_map(w);
    return cs_cbor_writer_error(w);
}

cs_err cs_receipt_sign(const cs_receipt *receipt, const cs_key_t *key, uint8_t **out,
                       size_t *out_len)
{
    cs_cose_sign1_headers headers = {.typ = CS_RECEIPT_TYP};
    cs_cbor_writer claims;
    cs_receipt check = {0};
    cs_trust_t *self = NULL;
    cs_key_t *copy = NULL;
    uint8_t *signed_bytes = NULL;
    size_t signed_len = 0;
    cs_err err;

    if (receipt == NULL || key == NULL || out == NULL || out_len == NULL ||
        !cs_key_has_private(key) || receipt->signed_at <= 0 || receipt->verified_at <= 0)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    for (size_t i = 0; i < receipt->result_count; i++)
        if (receipt->results[i].input == NULL || receipt->results[i].verdict >= CS_VERDICT_COUNT)
            return CS_ERR_ARGUMENT;
    cs_cbor_writer_init(&claims);
    if ((err = encode_claims(receipt, &claims)) != CS_OK ||
        (err = cs_cose_sign1_sign(key, &headers, claims.buf, claims.len, &signed_bytes,
                                  &signed_len)) != CS_OK)
        goto fail;
    /* Verify what was signed (STYLE 10), with the public half alone. */
    {
        uint8_t x[CS_KEY_COORDINATE_SIZE] = {0}, y[CS_KEY_COORDINATE_SIZE] = {0};
        cs_alg alg = cs_key_alg(key);
        if ((err = cs_key_public_coordinates(key, x, y)) != CS_OK ||
            (err = cs_key_from_public_coordinates(alg, x, CS_KEY_COORDINATE_SIZE,
                                                  alg == CS_ALG_ES256 ? y : NULL,
                                                  alg == CS_ALG_ES256 ? CS_KEY_COORDINATE_SIZE : 0,
                                                  &copy)) != CS_OK ||
            (err = cs_trust_new(&self)) != CS_OK || (err = cs_trust_add_key(self, &copy)) != CS_OK ||
            (err = cs_receipt_verify(signed_bytes, signed_len, self, &check, NULL, 0)) != CS_OK)
            goto fail;
    }
    *out = signed_bytes;
    *out_len = signed_len;
    signed_bytes = NULL;
fail:
    cs_receipt_clear(&check);
    cs_trust_free(&self);
    cs_key_free(&copy);
    cs_cbor_writer_free(&claims);
    free(signed_bytes);
    return err;
}

/* ---- reading ------------------------------------------------------------------ */

typedef struct reader {
    char *detail;
    size_t size;
} reader;

static cs_err reject(const reader *r, cs_err err, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static cs_err reject(const reader *r, cs_err err, const char *where, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    cs_detail_set(r->detail, r->size, "receipt: %s: %s", where, why);
    return err;
}

/* Refuses a map with a key not in known (NULL-terminated). */
static cs_err known_keys(const reader *r, const cs_cbor_item *map, const char *where,
                         const char *const *known)
{
    if (!cs_cbor_is_map(map))
        return reject(r, CS_ERR_CBOR_TYPE, where, "expected a map");
    if (cs_cbor_map_unknown_key(map, known) != NULL)
        return reject(r, CS_ERR_CLAIM_INVALID, where, "unknown key");
    return CS_OK;
}

/* Text of 1 to CS_TEXT_MAX bytes without NUL; NULL item: missing unless
 * optional (then *out stays NULL). */
static cs_err read_text(const reader *r, const cs_cbor_item *item, const char *where,
                        bool optional, char **out)
{
    const char *text;
    size_t len;

    *out = NULL;
    if (item == NULL)
        return optional ? CS_OK : reject(r, CS_ERR_CLAIM_MISSING, where, "missing");
    if (cs_cbor_get_text(item, &text, &len) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, where, "expected text");
    if (len == 0 || len > CS_TEXT_MAX)
        return reject(r, CS_ERR_CLAIM_INVALID, where, "empty or longer than %d bytes",
                      CS_TEXT_MAX);
    if (memchr(text, '\0', len) != NULL)
        return reject(r, CS_ERR_CLAIM_INVALID, where, "holds a NUL character");
    if ((*out = malloc(len + 1)) == NULL)
        return CS_ERR_NO_MEMORY;
    memcpy(*out, text, len);
    (*out)[len] = '\0';
    return CS_OK;
}

static cs_err read_date(const reader *r, const cs_cbor_item *item, const char *where,
                        int64_t *out)
{
    uint64_t value;

    if (item == NULL)
        return reject(r, CS_ERR_CLAIM_MISSING, where, "missing");
    if (cs_cbor_get_uint(item, &value) != CS_OK || value > (uint64_t)INT64_MAX / 2)
        return reject(r, CS_ERR_CBOR_TYPE, where, "expected a NumericDate (unsigned integer)");
    *out = (int64_t)value;
    return CS_OK;
}

static cs_err read_fixed_bytes(const reader *r, const cs_cbor_item *item, const char *where,
                               uint8_t *out, size_t want)
{
    const uint8_t *bytes;
    size_t len;

    if (item == NULL)
        return reject(r, CS_ERR_CLAIM_MISSING, where, "missing");
    if (cs_cbor_get_bytes(item, &bytes, &len) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, where, "expected a byte string");
    if (len != want)
        return reject(r, CS_ERR_CLAIM_INVALID, where, "expected %zu bytes, not %zu", want, len);
    memcpy(out, bytes, want);
    return CS_OK;
}

/* An array of at most max items, allocated for them (*out, zeroed). */
static cs_err read_array(const reader *r, const cs_cbor_item *item, const char *where, size_t max,
                         size_t size, void **out, size_t *count)
{
    *count = 0;
    if (item == NULL)
        return reject(r, CS_ERR_CLAIM_MISSING, where, "missing");
    if (!cs_cbor_is_array(item))
        return reject(r, CS_ERR_CBOR_TYPE, where, "expected an array");
    if (cs_cbor_count(item) > max)
        return reject(r, CS_ERR_TOO_LARGE, where, "more than %zu entries", max);
    if (cs_cbor_count(item) > 0 && (*out = calloc(cs_cbor_count(item), size)) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

static cs_err read_verdict(const reader *r, const cs_cbor_item *item, cs_verdict *out)
{
    const char *text;
    size_t len;

    if (item == NULL)
        return reject(r, CS_ERR_CLAIM_MISSING, "res.vdt", "missing");
    if (cs_cbor_get_text(item, &text, &len) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, "res.vdt", "expected text");
    for (int v = 0; v < CS_VERDICT_COUNT; v++) {
        const char *name = cs_verdict_name((cs_verdict)v);
        if (strlen(name) == len && memcmp(name, text, len) == 0) {
            *out = (cs_verdict)v;
            return CS_OK;
        }
    }
    return reject(r, CS_ERR_CLAIM_INVALID, "res.vdt", "not a verdict name");
}

static cs_err read_result(const reader *r, const cs_cbor_item *m, cs_receipt_result *out)
{
    static const char *const known[] = {KEY_INPUT,        KEY_TOKEN,    KEY_VERDICT,
                                        KEY_NUMBER,       KEY_CB,       KEY_ORGANIZATION,
                                        KEY_STANDARD,     KEY_EXPIRES,  NULL};
    const cs_cbor_item *exp;
    cs_err err;

    if ((err = known_keys(r, m, "res", known)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(m, KEY_INPUT), "res.in", false, &out->input)) !=
            CS_OK ||
        (err = read_fixed_bytes(r, cs_cbor_map_get_text(m, KEY_TOKEN), "res.tok",
                                out->token_sha256, CS_RECEIPT_SHA256_SIZE)) != CS_OK ||
        (err = read_verdict(r, cs_cbor_map_get_text(m, KEY_VERDICT), &out->verdict)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(m, KEY_NUMBER), "res.no", true, &out->number)) !=
            CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(m, KEY_CB), "res.cb", true, &out->issuer)) !=
            CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(m, KEY_ORGANIZATION), "res.org", true,
                         &out->organization)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(m, KEY_STANDARD), "res.std", true,
                         &out->standard)) != CS_OK)
        return err;
    if ((exp = cs_cbor_map_get_text(m, KEY_EXPIRES)) != NULL) {
        if ((err = read_date(r, exp, "res.exp", &out->expires)) != CS_OK)
            return err;
        if (out->expires == 0)
            return reject(r, CS_ERR_CLAIM_INVALID, "res.exp", "zero (leave it out instead)");
    }
    return CS_OK;
}

static cs_err read_trust_list(const reader *r, const cs_cbor_item *m, cs_receipt_trust_list *out)
{
    static const char *const known[] = {KEY_ISSUER, KEY_URI, KEY_SEQUENCE, KEY_SHA256, NULL};
    cs_err err;

    if ((err = known_keys(r, m, "tls", known)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(m, KEY_ISSUER), "tls.iss", false,
                         &out->issuer)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(m, KEY_URI), "tls.uri", false, &out->uri)) !=
            CS_OK ||
        (err = read_fixed_bytes(r, cs_cbor_map_get_text(m, KEY_SHA256), "tls.sha", out->sha256,
                                CS_RECEIPT_SHA256_SIZE)) != CS_OK)
        return err;
    if (cs_cbor_get_uint(cs_cbor_map_get_text(m, KEY_SEQUENCE), &out->sequence) != CS_OK)
        return reject(r, CS_ERR_CLAIM_MISSING, "tls.seq", "missing or not an unsigned integer");
    return CS_OK;
}

static cs_err read_status_list(const reader *r, const cs_cbor_item *m,
                               cs_receipt_status_list *out)
{
    static const char *const known[] = {KEY_URI, KEY_IAT, KEY_SHA256, NULL};
    cs_err err;

    if ((err = known_keys(r, m, "sts", known)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(m, KEY_URI), "sts.uri", false, &out->uri)) !=
            CS_OK ||
        (err = read_date(r, cs_cbor_map_get_text(m, KEY_IAT), "sts.iat", &out->issued_at)) !=
            CS_OK)
        return err;
    return read_fixed_bytes(r, cs_cbor_map_get_text(m, KEY_SHA256), "sts.sha", out->sha256,
                            CS_RECEIPT_SHA256_SIZE);
}

static cs_err read_receipt_map(const reader *r, const cs_cbor_item *m, cs_receipt *out)
{
    static const char *const known[] = {KEY_VERSION,      KEY_AT,          KEY_PINNED,
                                        KEY_TRUST_LISTS,  KEY_STATUS_LISTS, KEY_RESULTS, NULL};
    const cs_cbor_item *item;
    uint64_t version;
    cs_err err;

    if ((err = known_keys(r, m, "receipt map", known)) != CS_OK)
        return err;
    if (cs_cbor_get_uint(cs_cbor_map_get_text(m, KEY_VERSION), &version) != CS_OK)
        return reject(r, CS_ERR_CLAIM_MISSING, "ver", "missing or not an unsigned integer");
    if (version != CS_RECEIPT_VERSION)
        return reject(r, CS_ERR_CLAIM_INVALID, "ver", "version %llu, this reader knows %d",
                      (unsigned long long)version, CS_RECEIPT_VERSION);
    if ((err = read_date(r, cs_cbor_map_get_text(m, KEY_AT), "at", &out->verified_at)) != CS_OK)
        return err;
    item = cs_cbor_map_get_text(m, KEY_PINNED);
    if ((err = read_array(r, item, "key", CS_RECEIPT_MAX_LISTS, sizeof(*out->pinned_kids),
                          (void **)&out->pinned_kids, &out->pinned_count)) != CS_OK)
        return err;
    for (size_t i = 0; i < cs_cbor_count(item); i++, out->pinned_count++)
        if ((err = read_fixed_bytes(r, cs_cbor_array_at(item, i), "key", out->pinned_kids[i],
                                    CS_KID_SIZE)) != CS_OK)
            return err;
    item = cs_cbor_map_get_text(m, KEY_TRUST_LISTS);
    if ((err = read_array(r, item, "tls", CS_RECEIPT_MAX_LISTS, sizeof(*out->trust_lists),
                          (void **)&out->trust_lists, &out->trust_list_count)) != CS_OK)
        return err;
    /* Counted as read, so that a failure frees what was read and no more. */
    for (size_t i = 0; i < cs_cbor_count(item); i++)
        if (out->trust_list_count++,
            (err = read_trust_list(r, cs_cbor_array_at(item, i), &out->trust_lists[i])) != CS_OK)
            return err;
    item = cs_cbor_map_get_text(m, KEY_STATUS_LISTS);
    if ((err = read_array(r, item, "sts", CS_RECEIPT_MAX_LISTS, sizeof(*out->status_lists),
                          (void **)&out->status_lists, &out->status_list_count)) != CS_OK)
        return err;
    for (size_t i = 0; i < cs_cbor_count(item); i++)
        if (out->status_list_count++,
            (err = read_status_list(r, cs_cbor_array_at(item, i), &out->status_lists[i])) != CS_OK)
            return err;
    item = cs_cbor_map_get_text(m, KEY_RESULTS);
    if ((err = read_array(r, item, "res", CS_RECEIPT_MAX_RESULTS, sizeof(*out->results),
                          (void **)&out->results, &out->result_count)) != CS_OK)
        return err;
    for (size_t i = 0; i < cs_cbor_count(item); i++)
        if (out->result_count++,
            (err = read_result(r, cs_cbor_array_at(item, i), &out->results[i])) != CS_OK)
            return err;
    return CS_OK;
}

static cs_err read_claims(const reader *r, const uint8_t *payload, size_t len, cs_receipt *out)
{
    cs_cbor_item *tree = NULL;
    const cs_cbor_item *iat, *map;
    cs_err err;

    if ((err = cs_cbor_decode(payload, len, CS_CBOR_MAX_DEPTH, &tree)) != CS_OK)
        return reject(r, err, "claims", "%s", cs_strerror(err));
    if (!cs_cbor_is_map(tree)) {
        err = reject(r, CS_ERR_CBOR_TYPE, "claims", "expected a map");
        goto fail;
    }
    for (size_t i = 0; i < cs_cbor_count(tree); i++) {
        int64_t label;
        if (cs_cbor_get_int(cs_cbor_map_key_at(tree, i), &label) != CS_OK ||
            (label != CS_CLAIM_IAT && label != CS_CLAIM_RECEIPT)) {
            err = reject(r, CS_ERR_CLAIM_INVALID, "claims", "unknown claim");
            goto fail;
        }
    }
    iat = cs_cbor_map_get_int(tree, CS_CLAIM_IAT);
    map = cs_cbor_map_get_int(tree, CS_CLAIM_RECEIPT);
    if ((err = read_date(r, iat, "iat (6)", &out->signed_at)) != CS_OK)
        goto fail;
    if (map == NULL) {
        err = reject(r, CS_ERR_CLAIM_MISSING, "claims", "no receipt map (-65540)");
        goto fail;
    }
    err = read_receipt_map(r, map, out);
fail:
    cs_cbor_free(&tree);
    return err;
}

/* The COSE layer: strict COSE_Sign1, tagged, typ "cs-receipt", an 8-byte kid. */
static cs_err open_envelope(const reader *r, const uint8_t *data, size_t len, cs_cose_sign1 *msg)
{
    cs_err err;

    if (data == NULL || len == 0)
        return reject(r, CS_ERR_COSE, "COSE_Sign1", "empty");
    if (len > CS_RECEIPT_MAX_BYTES)
        return reject(r, CS_ERR_TOO_LARGE, "COSE_Sign1", "larger than %u bytes",
                      (unsigned)CS_RECEIPT_MAX_BYTES);
    if ((err = cs_cose_sign1_decode(data, len, msg)) != CS_OK)
        return reject(r, err, "COSE_Sign1", "%s", cs_strerror(err));
    if (!msg->tagged)
        return reject(r, CS_ERR_CBOR_TAG, "COSE_Sign1", "not tagged 18");
    if (!cs_cose_sign1_has_typ(msg, CS_RECEIPT_TYP))
        return reject(r, CS_ERR_COSE_TYPE, "typ", "not a verification receipt (expected \"%s\")",
                      CS_RECEIPT_TYP);
    if (msg->kid == NULL || msg->kid_len != CS_KID_SIZE)
        return reject(r, CS_ERR_COSE, "kid", "no %d-byte key id", CS_KID_SIZE);
    return CS_OK;
}

cs_err cs_receipt_decode(const uint8_t *data, size_t len, cs_receipt *out, char *detail,
                         size_t detail_size)
{
    reader r = {detail, detail_size};
    cs_cose_sign1 msg = {0};
    cs_err err;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    memset(out, 0, sizeof(*out));
    if ((err = open_envelope(&r, data, len, &msg)) != CS_OK)
        goto fail;
    memcpy(out->signer_kid, msg.kid, CS_KID_SIZE);
    out->alg = (int)msg.alg;
    err = read_claims(&r, msg.payload, msg.payload_len, out);
fail:
    cs_cose_sign1_clear(&msg);
    if (err != CS_OK)
        cs_receipt_clear(out);
    return err;
}

cs_err cs_receipt_verify(const uint8_t *data, size_t len, const cs_trust_t *trust,
                         cs_receipt *out, char *detail, size_t detail_size)
{
    reader r = {detail, detail_size};
    cs_cose_sign1 msg = {0};
    cs_err err, tried = CS_ERR_UNTRUSTED;
    char kid_hex[2 * CS_KID_SIZE + 1];

    if (out == NULL || trust == NULL)
        return CS_ERR_ARGUMENT;
    memset(out, 0, sizeof(*out));
    if ((err = open_envelope(&r, data, len, &msg)) != CS_OK)
        goto fail;
    /* Several keys may share a kid: try each (DESIGN §2). */
    for (size_t i = 0; i < cs_trust_count(trust) && tried != CS_OK; i++) {
        const cs_key_t *key = cs_trust_key_at(trust, i);
        if (memcmp(cs_key_kid(key), msg.kid, CS_KID_SIZE) == 0)
            tried = cs_cose_sign1_verify(&msg, key, NULL, 0, 0);
    }
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        snprintf(kid_hex + 2 * i, 3, "%02x", msg.kid[i]);
    if (tried == CS_ERR_UNTRUSTED) {
        err = reject(&r, CS_ERR_UNTRUSTED, "signer",
                     "signed with key %s, which is none of the keys given", kid_hex);
        goto fail;
    }
    if (tried != CS_OK) {
        err = tried == CS_ERR_NO_MEMORY
                  ? tried
                  : reject(&r, tried, "signature",
                           "does not verify with key %s: %s (the receipt was altered, or "
                           "signed with another key of that id)",
                           kid_hex, cs_strerror(tried));
        goto fail;
    }
    memcpy(out->signer_kid, msg.kid, CS_KID_SIZE);
    out->alg = (int)msg.alg;
    err = read_claims(&r, msg.payload, msg.payload_len, out);
fail:
    cs_cose_sign1_clear(&msg);
    if (err != CS_OK)
        cs_receipt_clear(out);
    return err;
}
