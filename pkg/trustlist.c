/* SPDX-License-Identifier: ISC */
/* The trust list object (DESIGN §3): strict decoding, encoding in the
 * fixed order, signing, look-ups by kid and by standard. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/cose.h"
#include "certseal/trustlist.h"
#include "internal.h"

/* Text keys of the trust map (DESIGN §3), one home for each. */
#define TL_SEQ "seq"
#define TL_ABS "abs"
#define TL_NXT "nxt"
#define TL_CAT "cat"
#define AB_ID "id"
#define AB_NAM "nam"
#define AB_CTR "ctr"
#define AB_STS "sts"
#define AB_REC "rec"
#define AB_KEY "key"
#define REC_STD "std"
#define KEY_COSE "cose"
#define P_NBF "nbf"
#define P_EXP "exp"
#define KEY_CMP "cmp"

const char *cs_ab_status_name(cs_ab_status status)
{
    switch (status) {
    case CS_AB_ACTIVE:
        return "active";
    case CS_AB_WITHDRAWN:
        return "withdrawn";
    case CS_AB_SUSPENDED:
        return "suspended";
    }
    return "unknown";
}

static void ab_clear(cs_trustlist_ab *ab)
{
    free(ab->id);
    free(ab->name);
    free(ab->country);
    for (size_t i = 0; i < ab->recognition_count; i++)
        free(ab->recognitions[i].standard);
    free(ab->recognitions);
    for (size_t i = 0; i < ab->key_count; i++)
        cs_key_free(&ab->keys[i].key);
    free(ab->keys);
    memset(ab, 0, sizeof(*ab));
}

void cs_trustlist_clear(cs_trustlist *list)
{
    if (list == NULL)
        return;
    free(list->issuer);
    free(list->uri);
    for (size_t i = 0; i < list->ab_count; i++)
        ab_clear(&list->abs[i]);
    free(list->abs);
    for (size_t i = 0; i < list->next_key_count; i++)
        cs_key_free(&list->next_keys[i]);
    free(list->next_keys);
    free(list->signed_bytes);
    memset(list, 0, sizeof(*list));
}

/* ---- encoding ------------------------------------------------------------- */

static void put_date(cs_cbor_writer *w, int64_t t)
{
    cs_cbor_put_uint(w, t < 0 ? 0 : (uint64_t)t);
}

static cs_err put_ab(cs_cbor_writer *w, const cs_trustlist_ab *ab)
{
    cs_err err;

    if (ab->id == NULL || ab->name == NULL || ab->country == NULL || ab->recognition_count == 0 ||
        ab->key_count == 0)
        return CS_ERR_ARGUMENT;
    cs_cbor_begin_map(w, 6);
    cs_cbor_put_cstring(w, AB_ID);
    cs_cbor_put_cstring(w, ab->id);
    cs_cbor_put_cstring(w, AB_NAM);
    cs_cbor_put_cstring(w, ab->name);
    cs_cbor_put_cstring(w, AB_CTR);
    cs_cbor_put_cstring(w, ab->country);
    cs_cbor_put_cstring(w, AB_STS);
    cs_cbor_put_uint(w, (uint64_t)ab->status);
    cs_cbor_put_cstring(w, AB_REC);
    cs_cbor_begin_array(w, ab->recognition_count);
    for (size_t i = 0; i < ab->recognition_count; i++) {
        const cs_trustlist_recognition *r = &ab->recognitions[i];
        if (r->standard == NULL)
            return CS_ERR_ARGUMENT;
        cs_cbor_begin_map(w, r->has_expires ? 3 : 2);
        cs_cbor_put_cstring(w, REC_STD);
        cs_cbor_put_cstring(w, r->standard);
        cs_cbor_put_cstring(w, P_NBF);
        put_date(w, r->not_before);
        if (r->has_expires) {
            cs_cbor_put_cstring(w, P_EXP);
            put_date(w, r->expires);
        }
        cs_cbor_end_map(w);
    }
    cs_cbor_end_array(w);
    cs_cbor_put_cstring(w, AB_KEY);
    cs_cbor_begin_array(w, ab->key_count);
    for (size_t i = 0; i < ab->key_count; i++) {
        const cs_trustlist_key *k = &ab->keys[i];
        cs_cbor_begin_map(w, 2 + (size_t)k->has_expires + (size_t)k->has_compromised);
        cs_cbor_put_cstring(w, KEY_COSE);
        if ((err = cs_cose_key_write(w, k->key)) != CS_OK)
            return err;
        cs_cbor_put_cstring(w, P_NBF);
        put_date(w, k->not_before);
        if (k->has_expires) {
            cs_cbor_put_cstring(w, P_EXP);
            put_date(w, k->expires);
        }
        if (k->has_compromised) {
            cs_cbor_put_cstring(w, KEY_CMP);
            put_date(w, k->compromised);
        }
        cs_cbor_end_map(w);
    }
    cs_cbor_end_array(w);
    cs_cbor_end_map(w);
    return CS_OK;
}

cs_err cs_trustlist_encode_claims(const cs_trustlist *list, uint8_t **out, size_t *out_len)
{
    cs_cbor_writer w;
    cs_err err = CS_OK;

    if (list == NULL || out == NULL || out_len == NULL || list->issuer == NULL ||
        list->uri == NULL || list->ab_count == 0)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    cs_cbor_writer_init(&w);
    /* DESIGN §3: 1 iss, 2 sub, 6 iat, 4 exp, 65534 ttl, -65539 trust map. */
    cs_cbor_begin_map(&w, 6);
    cs_cbor_put_int(&w, CS_CLAIM_ISS);
    cs_cbor_put_cstring(&w, list->issuer);
    cs_cbor_put_int(&w, CS_CLAIM_SUB);
    cs_cbor_put_cstring(&w, list->uri);
    cs_cbor_put_int(&w, CS_CLAIM_IAT);
    put_date(&w, list->issued_at);
    cs_cbor_put_int(&w, CS_CLAIM_EXP);
    put_date(&w, list->next_update);
    cs_cbor_put_int(&w, CS_CLAIM_TTL);
    cs_cbor_put_uint(&w, list->ttl);
    cs_cbor_put_int(&w, CS_CLAIM_TRUST_LIST);
    /* "cat" is never written: the catalog's own issue defines it. */
    cs_cbor_begin_map(&w, list->next_key_count > 0 ? 3 : 2);
    cs_cbor_put_cstring(&w, TL_SEQ);
    cs_cbor_put_uint(&w, list->sequence);
    cs_cbor_put_cstring(&w, TL_ABS);
    cs_cbor_begin_array(&w, list->ab_count);
    for (size_t i = 0; i < list->ab_count && err == CS_OK; i++)
        err = put_ab(&w, &list->abs[i]);
    cs_cbor_end_array(&w);
    if (err == CS_OK && list->next_key_count > 0) {
        cs_cbor_put_cstring(&w, TL_NXT);
        cs_cbor_begin_array(&w, list->next_key_count);
        for (size_t i = 0; i < list->next_key_count && err == CS_OK; i++)
            err = cs_cose_key_write(&w, list->next_keys[i]);
        cs_cbor_end_array(&w);
    }
    cs_cbor_end_map(&w); /* the trust map */
    cs_cbor_end_map(&w); /* the claims */
    if (err == CS_OK)
        err = cs_cbor_writer_error(&w);
    if (err != CS_OK) {
        cs_cbor_writer_free(&w);
        return err;
    }
    *out = w.buf;
    *out_len = w.len;
    return CS_OK;
}

/* ---- decoding ------------------------------------------------------------- */

/* The decoding state: the detail buffer and the path being read. */
typedef struct reader {
    char *detail;
    size_t size;
    bool shape_only; /* COSE_Keys checked, not built (the signer's self-check) */
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
    cs_detail_set(r->detail, r->size, "trust list: %s: %s", where, why);
    return err;
}

/* Refuses any key of a text-keyed map not in known (NULL-terminated). */
static cs_err known_keys(const reader *r, const cs_cbor_item *map, const char *where,
                         const char *const *known)
{
    if (!cs_cbor_is_map(map))
        return reject(r, CS_ERR_CBOR_TYPE, where, "expected a map");
    if (cs_cbor_map_unknown_key(map, known) != NULL)
        return reject(r, CS_ERR_CLAIM_INVALID, where, "unknown key");
    return CS_OK;
}

static cs_err read_text(const reader *r, const cs_cbor_item *item, const char *where, char **out)
{
    const char *text;
    size_t len;

    if (item == NULL)
        return reject(r, CS_ERR_CLAIM_MISSING, where, "missing");
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

/* A NumericDate: an unsigned integer that fits int64_t. */
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

static cs_err read_optional_date(const reader *r, const cs_cbor_item *item, const char *where,
                                 bool *has, int64_t *out)
{
    *has = item != NULL;
    return item != NULL ? read_date(r, item, where, out) : CS_OK;
}

/* A COSE_Key as in cnf (DESIGN §3), and nothing else; the signer's own
 * keys (shape_only) are checked for their encoding only. */
static cs_err read_cose_key(const reader *r, const cs_cbor_item *item, const char *where,
                            cs_key_t **out)
{
    const char *problem = "";
    cs_err err;

    if (item == NULL)
        return reject(r, CS_ERR_CLAIM_MISSING, where, "missing");
    if ((err = cs_cose_key_read(item, r->shape_only ? NULL : out, &problem)) != CS_OK)
        return reject(r, err, where, "%s", problem);
    return CS_OK;
}

/* A non-empty array of at most max items. */
static cs_err read_array(const reader *r, const cs_cbor_item *item, const char *where, size_t max,
                         size_t *count)
{
    if (item == NULL)
        return reject(r, CS_ERR_CLAIM_MISSING, where, "missing");
    if (!cs_cbor_is_array(item))
        return reject(r, CS_ERR_CBOR_TYPE, where, "expected an array");
    *count = cs_cbor_count(item);
    if (*count == 0 || *count > max)
        return reject(r, CS_ERR_CLAIM_INVALID, where, "%zu entries (1 to %zu allowed)", *count,
                      max);
    return CS_OK;
}

static cs_err read_recognition(const reader *r, const cs_cbor_item *item,
                               cs_trustlist_recognition *rec)
{
    static const char *const known[] = {REC_STD, P_NBF, P_EXP, NULL};
    cs_err err;

    if ((err = known_keys(r, item, "rec", known)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(item, REC_STD), "rec std", &rec->standard)) !=
            CS_OK ||
        (err = read_date(r, cs_cbor_map_get_text(item, P_NBF), "rec nbf", &rec->not_before)) !=
            CS_OK ||
        (err = read_optional_date(r, cs_cbor_map_get_text(item, P_EXP), "rec exp",
                                  &rec->has_expires, &rec->expires)) != CS_OK)
        return err;
    if (rec->has_expires && rec->expires <= rec->not_before)
        return reject(r, CS_ERR_CLAIM_INVALID, "rec", "exp is not after nbf");
    return CS_OK;
}

static cs_err read_key_entry(const reader *r, const cs_cbor_item *item, cs_trustlist_key *k)
{
    static const char *const known[] = {KEY_COSE, P_NBF, P_EXP, KEY_CMP, NULL};
    cs_err err;

    if ((err = known_keys(r, item, "key", known)) != CS_OK ||
        (err = read_cose_key(r, cs_cbor_map_get_text(item, KEY_COSE), "key cose", &k->key)) !=
            CS_OK ||
        (err = read_date(r, cs_cbor_map_get_text(item, P_NBF), "key nbf", &k->not_before)) !=
            CS_OK ||
        (err = read_optional_date(r, cs_cbor_map_get_text(item, P_EXP), "key exp",
                                  &k->has_expires, &k->expires)) != CS_OK ||
        (err = read_optional_date(r, cs_cbor_map_get_text(item, KEY_CMP), "key cmp",
                                  &k->has_compromised, &k->compromised)) != CS_OK)
        return err;
    if (k->has_expires && k->expires <= k->not_before)
        return reject(r, CS_ERR_CLAIM_INVALID, "key", "exp is not after nbf");
    return CS_OK;
}

static cs_err read_ab(const reader *r, const cs_cbor_item *item, cs_trustlist_ab *ab)
{
    static const char *const known[] = {AB_ID, AB_NAM, AB_CTR, AB_STS, AB_REC, AB_KEY, NULL};
    const cs_cbor_item *rec, *keys;
    uint64_t status;
    size_t n;
    cs_err err;

    if ((err = known_keys(r, item, "abs", known)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(item, AB_ID), "ab id", &ab->id)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(item, AB_NAM), "ab nam", &ab->name)) != CS_OK ||
        (err = read_text(r, cs_cbor_map_get_text(item, AB_CTR), "ab ctr", &ab->country)) != CS_OK)
        return err;
    if (cs_claim_check_country(ab->country, NULL, 0) != CS_OK)
        return reject(r, CS_ERR_CLAIM_INVALID, "ab ctr", "not an ISO 3166-1 alpha-2 code");
    if (cs_cbor_get_uint(cs_cbor_map_get_text(item, AB_STS), &status) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, "ab sts", "missing or not an unsigned integer");
    if (status > CS_AB_SUSPENDED)
        return reject(r, CS_ERR_CLAIM_INVALID, "ab sts", "%llu is not 0, 1 or 2",
                      (unsigned long long)status);
    ab->status = (cs_ab_status)status;
    rec = cs_cbor_map_get_text(item, AB_REC);
    if ((err = read_array(r, rec, "ab rec", CS_TRUSTLIST_ENTRY_MAX, &n)) != CS_OK)
        return err;
    if ((ab->recognitions = calloc(n, sizeof(*ab->recognitions))) == NULL)
        return CS_ERR_NO_MEMORY;
    ab->recognition_count = n;
    for (size_t i = 0; i < n; i++)
        if ((err = read_recognition(r, cs_cbor_array_at(rec, i), &ab->recognitions[i])) != CS_OK)
            return err;
    keys = cs_cbor_map_get_text(item, AB_KEY);
    if ((err = read_array(r, keys, "ab key", CS_TRUSTLIST_ENTRY_MAX, &n)) != CS_OK)
        return err;
    if ((ab->keys = calloc(n, sizeof(*ab->keys))) == NULL)
        return CS_ERR_NO_MEMORY;
    ab->key_count = n;
    for (size_t i = 0; i < n; i++)
        if ((err = read_key_entry(r, cs_cbor_array_at(keys, i), &ab->keys[i])) != CS_OK)
            return err;
    return CS_OK;
}

static cs_err read_trust_map(const reader *r, const cs_cbor_item *map, cs_trustlist *list)
{
    static const char *const known[] = {TL_SEQ, TL_ABS, TL_NXT, TL_CAT, NULL};
    const cs_cbor_item *abs, *nxt;
    size_t n;
    cs_err err;

    if (map == NULL)
        return reject(r, CS_ERR_CLAIM_MISSING, "-65539", "the trust map is missing");
    if ((err = known_keys(r, map, "trust map", known)) != CS_OK)
        return err;
    if (cs_cbor_get_uint(cs_cbor_map_get_text(map, TL_SEQ), &list->sequence) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, "seq", "missing or not an unsigned integer");
    abs = cs_cbor_map_get_text(map, TL_ABS);
    if ((err = read_array(r, abs, "abs", CS_TRUSTLIST_AB_MAX, &n)) != CS_OK)
        return err;
    if ((list->abs = calloc(n, sizeof(*list->abs))) == NULL)
        return CS_ERR_NO_MEMORY;
    list->ab_count = n;
    for (size_t i = 0; i < n; i++)
        if ((err = read_ab(r, cs_cbor_array_at(abs, i), &list->abs[i])) != CS_OK)
            return err;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(list->abs[i].id, list->abs[j].id) == 0)
                return reject(r, CS_ERR_CLAIM_INVALID, "abs", "two entries for one identifier");
    if ((nxt = cs_cbor_map_get_text(map, TL_NXT)) != NULL) {
        if ((err = read_array(r, nxt, "nxt", CS_TRUSTLIST_ENTRY_MAX, &n)) != CS_OK)
            return err;
        if ((list->next_keys = calloc(n, sizeof(*list->next_keys))) == NULL)
            return CS_ERR_NO_MEMORY;
        list->next_key_count = n;
        for (size_t i = 0; i < n; i++)
            if ((err = read_cose_key(r, cs_cbor_array_at(nxt, i), "nxt", &list->next_keys[i])) !=
                CS_OK)
                return err;
    }
    list->has_catalog = cs_cbor_map_get_text(map, TL_CAT) != NULL;
    return CS_OK;
}

static cs_err read_claims(const reader *r, const cs_cbor_item *claims, cs_trustlist *list)
{
    static const int64_t known[] = {CS_CLAIM_ISS, CS_CLAIM_SUB, CS_CLAIM_IAT,
                                    CS_CLAIM_EXP, CS_CLAIM_TTL, CS_CLAIM_TRUST_LIST};
    cs_err err;

    if (!cs_cbor_is_map(claims))
        return reject(r, CS_ERR_CBOR_TYPE, "claims", "expected a map");
    for (size_t i = 0; i < cs_cbor_count(claims); i++) {
        int64_t label;
        bool found = false;
        if (cs_cbor_get_int(cs_cbor_map_key_at(claims, i), &label) != CS_OK)
            return reject(r, CS_ERR_CLAIM_INVALID, "claims", "a key is not an integer");
        for (size_t k = 0; k < sizeof(known) / sizeof(known[0]) && !found; k++)
            found = known[k] == label;
        if (!found)
            return reject(r, CS_ERR_CLAIM_INVALID, "claims", "unknown claim %lld",
                          (long long)label);
    }
    if ((err = read_text(r, cs_cbor_map_get_int(claims, CS_CLAIM_ISS), "iss", &list->issuer)) ||
        (err = read_text(r, cs_cbor_map_get_int(claims, CS_CLAIM_SUB), "sub", &list->uri)) ||
        (err = read_date(r, cs_cbor_map_get_int(claims, CS_CLAIM_IAT), "iat",
                         &list->issued_at)) ||
        (err = read_date(r, cs_cbor_map_get_int(claims, CS_CLAIM_EXP), "exp",
                         &list->next_update)))
        return err;
    if (cs_cbor_get_uint(cs_cbor_map_get_int(claims, CS_CLAIM_TTL), &list->ttl) != CS_OK)
        return reject(r, CS_ERR_CBOR_TYPE, "ttl", "missing or not an unsigned integer");
    if (list->next_update <= list->issued_at)
        return reject(r, CS_ERR_CLAIM_INVALID, "exp", "the next update is not after iat");
    return read_trust_map(r, cs_cbor_map_get_int(claims, CS_CLAIM_TRUST_LIST), list);
}

static cs_err decode(const uint8_t *data, size_t len, cs_trustlist *out, char *detail,
                     size_t detail_size, bool shape_only)
{
    reader r = {detail, detail_size, shape_only};
    cs_cose_sign1 msg = {0};
    cs_cbor_item *tree = NULL;
    cs_err err;

    if (detail != NULL && detail_size > 0)
        detail[0] = '\0';
    if (out == NULL || data == NULL)
        return CS_ERR_ARGUMENT;
    memset(out, 0, sizeof(*out));
    if (len > CS_TRUSTLIST_MAX) {
        err = reject(&r, CS_ERR_TOO_LARGE, "size", "more than %u bytes", CS_TRUSTLIST_MAX);
        goto fail;
    }
    if ((err = cs_cose_sign1_decode(data, len, &msg)) != CS_OK) {
        reject(&r, err, "COSE_Sign1", "%s", cs_strerror(err));
        goto fail;
    }
    if (!cs_cose_sign1_tagged_alone(&msg)) {
        err = reject(&r, CS_ERR_CBOR_TAG, "COSE_Sign1", "expected tag 18 alone");
        goto fail;
    }
    if (!cs_cose_sign1_has_typ(&msg, CS_TYP_TRUST_LIST)) {
        err = reject(&r, CS_ERR_COSE_TYPE, "typ", "not a trust list (expected \"%s\")",
                     CS_TYP_TRUST_LIST);
        goto fail;
    }
    if (msg.kid == NULL || msg.kid_len != CS_KID_SIZE) {
        err = reject(&r, CS_ERR_COSE, "kid", "no %d-byte key id", CS_KID_SIZE);
        goto fail;
    }
    memcpy(out->signer_kid, msg.kid, CS_KID_SIZE);
    if ((err = cs_cbor_decode(msg.payload, msg.payload_len, CS_CBOR_MAX_DEPTH, &tree)) != CS_OK) {
        reject(&r, err, "claims", "%s", cs_strerror(err));
        goto fail;
    }
    if ((err = read_claims(&r, tree, out)) != CS_OK)
        goto fail;
    if ((err = cs_crypto_sha256(msg.payload, msg.payload_len, out->payload_digest)) != CS_OK)
        goto fail;
    if ((out->signed_bytes = malloc(len)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    memcpy(out->signed_bytes, data, len);
    out->signed_len = len;
fail:
    cs_cbor_free(&tree);
    cs_cose_sign1_clear(&msg);
    if (err != CS_OK)
        cs_trustlist_clear(out);
    return err;
}

cs_err cs_trustlist_decode(const uint8_t *data, size_t len, cs_trustlist *out, char *detail,
                           size_t detail_size)
{
    return decode(data, len, out, detail, detail_size, false);
}

/* ---- signing -------------------------------------------------------------- */

cs_err cs_trustlist_sign(const cs_trustlist *list, const cs_key_t *root, uint8_t **out,
                         size_t *out_len)
{
    cs_cose_sign1_headers headers = {.typ = CS_TYP_TRUST_LIST};
    uint8_t *claims = NULL, *signed_bytes = NULL;
    size_t claims_len = 0, signed_len = 0;
    cs_trustlist check = {0};
    cs_cose_sign1 msg = {0};
    cs_err err;

    if (out == NULL || out_len == NULL || root == NULL || !cs_key_has_private(root))
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if ((err = cs_trustlist_encode_claims(list, &claims, &claims_len)) != CS_OK ||
        (err = cs_cose_sign1_sign(root, &headers, claims, claims_len, &signed_bytes,
                                  &signed_len)) != CS_OK)
        goto fail;
    /* Verify what was signed (STYLE 10): it decodes (its keys, which came
     * from key objects, checked for their encoding only: building 3,000 of
     * them again would double the time) and the root verifies it. */
    if ((err = decode(signed_bytes, signed_len, &check, NULL, 0, true)) != CS_OK ||
        (err = cs_cose_sign1_decode(signed_bytes, signed_len, &msg)) != CS_OK ||
        (err = cs_cose_sign1_verify(&msg, root, NULL, 0, 0)) != CS_OK)
        goto fail;
    *out = signed_bytes;
    *out_len = signed_len;
    signed_bytes = NULL;
fail:
    cs_cose_sign1_clear(&msg);
    cs_trustlist_clear(&check);
    free(signed_bytes);
    free(claims);
    return err;
}

/* ---- look-ups ------------------------------------------------------------- */

const cs_trustlist_key *cs_trustlist_key_next(const cs_trustlist *list,
                                              const uint8_t kid[CS_KID_SIZE], size_t *cursor,
                                              const cs_trustlist_ab **ab)
{
    if (list == NULL || kid == NULL || cursor == NULL)
        return NULL;
    /* The cursor counts keys over all ABs, in list order. */
    size_t seen = 0;
    for (size_t i = 0; i < list->ab_count; i++) {
        const cs_trustlist_ab *entry = &list->abs[i];
        if (seen + entry->key_count <= *cursor) {
            seen += entry->key_count;
            continue;
        }
        for (size_t k = *cursor - seen; k < entry->key_count; k++) {
            if (cs_crypto_equal(cs_key_kid(entry->keys[k].key), kid, CS_KID_SIZE)) {
                *cursor = seen + k + 1;
                if (ab != NULL)
                    *ab = entry;
                return &entry->keys[k];
            }
        }
        seen += entry->key_count;
        *cursor = seen;
    }
    *cursor = seen;
    return NULL;
}

/* DESIGN §3: "ISO 9001:2015" covers that edition only, "ISO 9001" (no
 * edition) every edition of the standard. */
static bool designation_covers(const char *recognised, const char *standard)
{
    size_t n = strlen(recognised);
    if (strcmp(recognised, standard) == 0)
        return true;
    return strchr(recognised, ':') == NULL && strncmp(recognised, standard, n) == 0 &&
           standard[n] == ':';
}

bool cs_trustlist_recognises(const cs_trustlist_ab *ab, const char *standard, int64_t at)
{
    if (ab == NULL || standard == NULL)
        return false;
    for (size_t i = 0; i < ab->recognition_count; i++) {
        const cs_trustlist_recognition *r = &ab->recognitions[i];
        if (designation_covers(r->standard, standard) && r->not_before <= at &&
            (!r->has_expires || at < r->expires))
            return true;
    }
    return false;
}
