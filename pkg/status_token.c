/* SPDX-License-Identifier: ISC */
/*
 * Status List Tokens (draft-ietf-oauth-status-list-20 §5.2, CWT form;
 * DESIGN §3): signing, strict decoding, and verification for DESIGN §2
 * step 6.  The signature is checked before any claim is trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "certseal/status.h"
#include "internal.h"

/* Claims map: {2: sub, 6: iat, 4: exp, 65534: ttl, 65533: status_list};
 * the StatusList: {"bits", "lst", ? "aggregation_uri"}. */
#define CLAIMS_MAX_DEPTH 4

void cs_status_token_clear(cs_status_token *token)
{
    if (token == NULL)
        return;
    free(token->uri);
    cs_status_list_free(&token->list);
    memset(token, 0, sizeof(*token));
}

/* ---- signing ------------------------------------------------------------------ */

static bool uri_acceptable(const char *uri)
{
    size_t len = uri != NULL ? strlen(uri) : 0;
    return len > 0 && len <= CS_STATUS_URI_MAX;
}

/* Claims in a fixed order (the draft's example order), so that the same
 * list and parameters give the same bytes. */
static void write_claims(cs_cbor_writer *w, const cs_status_token_params *params,
                         const uint8_t *lst, size_t lst_len)
{
    cs_cbor_begin_map(w, 3 + (params->expires != 0) + (params->ttl != 0));
    cs_cbor_put_int(w, CS_CLAIM_SUB);
    cs_cbor_put_cstring(w, params->uri);
    cs_cbor_put_int(w, CS_CLAIM_IAT);
    cs_cbor_put_int(w, params->issued_at);
    if (params->expires != 0) {
        cs_cbor_put_int(w, CS_CLAIM_EXP);
        cs_cbor_put_int(w, params->expires);
    }
    if (params->ttl != 0) {
        cs_cbor_put_int(w, CS_CLAIM_TTL);
        cs_cbor_put_uint(w, params->ttl);
    }
    cs_cbor_put_int(w, CS_CLAIM_STATUS_LIST);
    cs_cbor_begin_map(w, 2);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_LIST_BITS);
    cs_cbor_put_uint(w, CS_STATUS_BITS);
    cs_cbor_put_cstring(w, CS_CLAIM_KEY_LIST_BYTES);
    cs_cbor_put_bytes(w, lst, lst_len);
    cs_cbor_end_map(w);
    cs_cbor_end_map(w);
}

cs_err cs_status_token_sign(const cs_key_t *key, const cs_status_list_t *list,
                            const cs_status_token_params *params, uint8_t **out, size_t *out_len)
{
    const cs_cose_sign1_headers headers = {.typ = CS_STATUS_LIST_TYP,
                                           .accreditation = params != NULL ? params->accreditation
                                                                           : NULL,
                                           .accreditation_len =
                                               params != NULL ? params->accreditation_len : 0};
    cs_cbor_writer w;
    uint8_t *lst = NULL;
    size_t lst_len = 0;
    cs_err err;

    if (out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if (key == NULL || !cs_key_has_private(key) || list == NULL || params == NULL ||
        !uri_acceptable(params->uri) || params->issued_at <= 0 ||
        (params->expires != 0 && params->expires <= params->issued_at) ||
        cs_status_list_bits(list) != CS_STATUS_BITS ||
        (params->accreditation == NULL) != (params->accreditation_len == 0))
        return CS_ERR_ARGUMENT;
    cs_cbor_writer_init(&w);
    if ((err = cs_status_list_compress(list, 9, &lst, &lst_len)) != CS_OK)
        goto fail;
    write_claims(&w, params, lst, lst_len);
    if ((err = cs_cbor_writer_error(&w)) != CS_OK ||
        (err = cs_cose_sign1_sign(key, &headers, w.buf, w.len, out, out_len)) != CS_OK)
        goto fail;
fail:
    free(lst);
    cs_cbor_writer_free(&w);
    return err;
}

/* ---- decoding ----------------------------------------------------------------- */

/* The COSE layer: strict COSE_Sign1, tag 18 alone (DESIGN §3: not
 * untagged, not in the CWT tag), and the statuslist typ in the protected
 * header. */
static cs_err decode_sign1(const uint8_t *data, size_t len, cs_cose_sign1 *msg, char *detail,
                           size_t detail_size)
{
    cs_err err;

    if (data == NULL && len > 0)
        return CS_ERR_ARGUMENT;
    if (len > CS_STATUS_TOKEN_MAX) {
        cs_detail_set(detail, detail_size, "larger than %u bytes", (unsigned)CS_STATUS_TOKEN_MAX);
        return CS_ERR_TOO_LARGE;
    }
    if ((err = cs_cose_sign1_decode(data != NULL ? data : (const uint8_t *)"", len, msg)) !=
        CS_OK) {
        cs_detail_set(detail, detail_size, "not a COSE_Sign1 message: %s", cs_strerror(err));
        return err;
    }
    if (msg->cwt_tagged) {
        cs_detail_set(detail, detail_size,
                      "carries the CWT tag 61, which a status list token must not");
        err = CS_ERR_CBOR_TAG;
    } else if (!cs_cose_sign1_tagged_alone(msg)) {
        cs_detail_set(detail, detail_size, "not tagged: a status list token carries tag 18");
        err = CS_ERR_CBOR_TAG;
    } else if (!cs_cose_sign1_has_typ(msg, CS_STATUS_LIST_TYP)) {
        cs_detail_set(detail, detail_size, "not a status list token (typ is not \"%s\")",
                      CS_STATUS_LIST_TYP);
        err = CS_ERR_COSE_TYPE;
    }
    if (err != CS_OK)
        cs_cose_sign1_clear(msg);
    return err;
}

static cs_err claim_error(char *detail, size_t detail_size, cs_err err, const char *claim,
                          const char *what)
{
    cs_detail_set(detail, detail_size, "status list claim %s: %s", claim, what);
    return err;
}

static cs_err read_uri(const cs_cbor_item *item, char **uri, char *detail, size_t detail_size)
{
    const char *text;
    size_t len;

    if (item == NULL)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "sub", "missing");
    if (cs_cbor_get_text(item, &text, &len) != CS_OK)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "sub",
                           "expected a text string");
    if (len == 0 || len > CS_STATUS_URI_MAX || memchr(text, '\0', len) != NULL)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "sub",
                           "empty, too long or holding NUL");
    if ((*uri = strndup(text, len)) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

static cs_err read_times(const cs_cbor_item *claims, cs_status_token *token, char *detail,
                         size_t detail_size)
{
    const cs_cbor_item *iat = cs_cbor_map_get_int(claims, CS_CLAIM_IAT);
    const cs_cbor_item *exp = cs_cbor_map_get_int(claims, CS_CLAIM_EXP);
    const cs_cbor_item *ttl = cs_cbor_map_get_int(claims, CS_CLAIM_TTL);

    if (iat == NULL)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "iat", "missing");
    if (cs_cbor_get_int(iat, &token->issued_at) != CS_OK || token->issued_at <= 0)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "iat",
                           "expected a positive integer");
    if (exp != NULL && (cs_cbor_get_int(exp, &token->expires) != CS_OK || token->expires <= 0))
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "exp",
                           "expected a positive integer");
    if (ttl != NULL && cs_cbor_get_uint(ttl, &token->ttl) != CS_OK)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "ttl",
                           "expected an unsigned integer");
    return CS_OK;
}

/* The StatusList map: exactly "bits", "lst" and an optional text
 * "aggregation_uri" (draft §4.3). */
static cs_err read_list(const cs_cbor_item *map, cs_status_list_t **list, char *detail,
                        size_t detail_size)
{
    const cs_cbor_item *bits_item, *lst_item, *aggregation;
    const uint8_t *lst;
    const char *text;
    size_t lst_len, text_len;
    uint64_t bits;
    cs_err err;

    if (map == NULL)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "status_list", "missing");
    if (!cs_cbor_is_map(map))
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "status_list",
                           "expected a map");
    bits_item = cs_cbor_map_get_text(map, CS_CLAIM_KEY_LIST_BITS);
    lst_item = cs_cbor_map_get_text(map, CS_CLAIM_KEY_LIST_BYTES);
    aggregation = cs_cbor_map_get_text(map, CS_CLAIM_KEY_LIST_AGGREGATION);
    if (cs_cbor_count(map) != 2u + (aggregation != NULL))
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "status_list",
                           "holds keys other than bits, lst and aggregation_uri");
    if (cs_cbor_get_uint(bits_item, &bits) != CS_OK)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "status_list.bits",
                           "expected an unsigned integer");
    if (bits != 1 && bits != 2 && bits != 4 && bits != 8)
        return claim_error(detail, detail_size, CS_ERR_STATUS_BITS, "status_list.bits",
                           "not 1, 2, 4 or 8");
    if (cs_cbor_get_bytes(lst_item, &lst, &lst_len) != CS_OK)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "status_list.lst",
                           "expected a byte string");
    if (aggregation != NULL && cs_cbor_get_text(aggregation, &text, &text_len) != CS_OK)
        return claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "status_list.aggregation_uri",
                           "expected a text string");
    if ((err = cs_status_list_decompress(lst, lst_len, (unsigned)bits, list)) != CS_OK) {
        if (err != CS_ERR_NO_MEMORY)
            cs_detail_set(detail, detail_size, "status list claim status_list.lst: %s",
                          cs_strerror(err));
        return err;
    }
    return CS_OK;
}

/* The claims of a Status List Token (its COSE payload); unknown claims
 * (other CWT claims such as iss) are allowed, as the draft allows them. */
static cs_err decode_claims(const uint8_t *payload, size_t len, cs_status_token *token,
                            char *detail, size_t detail_size)
{
    cs_cbor_item *claims = NULL;
    cs_err err;

    if ((err = cs_cbor_decode(payload, len, CLAIMS_MAX_DEPTH, &claims)) != CS_OK) {
        cs_detail_set(detail, detail_size, "status list claims: %s", cs_strerror(err));
        goto fail;
    }
    if (!cs_cbor_is_map(claims)) {
        err = claim_error(detail, detail_size, CS_ERR_STATUS_LIST, "set", "expected a map");
        goto fail;
    }
    if ((err = read_uri(cs_cbor_map_get_int(claims, CS_CLAIM_SUB), &token->uri, detail,
                        detail_size)) != CS_OK ||
        (err = read_times(claims, token, detail, detail_size)) != CS_OK ||
        (err = read_list(cs_cbor_map_get_int(claims, CS_CLAIM_STATUS_LIST), &token->list, detail,
                         detail_size)) != CS_OK)
        goto fail;
    cs_cbor_free(&claims);
    return CS_OK;
fail:
    cs_cbor_free(&claims);
    cs_status_token_clear(token);
    return err;
}

static void copy_header(const cs_cose_sign1 *msg, cs_status_token *token)
{
    token->alg = msg->has_alg && msg->alg != CS_COSE_ALG_NOT_INTEGER ? (int)msg->alg : 0;
    /* Only certseal's 8-byte kids are kept; the draft's example uses "12". */
    token->has_kid = msg->kid != NULL && msg->kid_len == CS_KID_SIZE;
    if (token->has_kid)
        memcpy(token->kid, msg->kid, CS_KID_SIZE);
}

cs_err cs_status_token_decode(const uint8_t *data, size_t len, cs_status_token *token, char *detail,
                              size_t detail_size)
{
    cs_cose_sign1 msg;
    cs_err err;

    if (token == NULL)
        return CS_ERR_ARGUMENT;
    memset(token, 0, sizeof(*token));
    if ((err = decode_sign1(data, len, &msg, detail, detail_size)) != CS_OK)
        return err;
    copy_header(&msg, token);
    err = decode_claims(msg.payload, msg.payload_len, token, detail, detail_size);
    cs_cose_sign1_clear(&msg);
    return err;
}

cs_err cs_status_token_signer_accreditation(const uint8_t *data, size_t len, uint8_t **out,
                                            size_t *out_len)
{
    cs_cose_sign1 msg;
    cs_err err;

    if (out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if ((err = decode_sign1(data, len, &msg, NULL, 0)) != CS_OK)
        return err;
    if (msg.accreditation != NULL && msg.accreditation_len > 0) {
        if ((*out = malloc(msg.accreditation_len)) == NULL)
            err = CS_ERR_NO_MEMORY;
        else {
            memcpy(*out, msg.accreditation, msg.accreditation_len);
            *out_len = msg.accreditation_len;
        }
    }
    cs_cose_sign1_clear(&msg);
    return err;
}

/* ---- verification ------------------------------------------------------------- */

/* The signer must be key: a certseal kid that names another key, an alg
 * of another key type, or a signature that does not verify all mean the
 * list was signed by someone else. */
static cs_err check_signer(const cs_cose_sign1 *msg, const cs_key_t *key, const char *uri,
                           char *detail, size_t detail_size)
{
    cs_err err = CS_OK;

    if (msg->kid != NULL && msg->kid_len == CS_KID_SIZE &&
        !cs_crypto_equal(msg->kid, cs_key_kid(key), CS_KID_SIZE))
        err = CS_ERR_STATUS_LIST_KEY;
    else if ((err = cs_cose_sign1_verify(msg, key, NULL, 0, 0)) == CS_ERR_SIGNATURE ||
             err == CS_ERR_ALG_KEY_MISMATCH)
        err = CS_ERR_STATUS_LIST_KEY;
    if (err == CS_ERR_STATUS_LIST_KEY)
        cs_detail_set(detail, detail_size, "the status list %s is not signed by the key expected",
                      uri);
    else if (err != CS_OK)
        cs_detail_set(detail, detail_size,
                      "the signature of the status list %s cannot be checked: %s", uri,
                      cs_strerror(err));
    return err;
}

/* sub, exp and bits of a token whose signature verified. */
static cs_err check_contents(const cs_status_token *token, const char *expected_uri, int64_t now,
                             int64_t skew, char *detail, size_t detail_size)
{
    char date[CS_DATETIME_TEXT_SIZE];

    if (strcmp(token->uri, expected_uri) != 0) {
        cs_detail_set(detail, detail_size, "the status list is %s, not the referenced %s",
                      token->uri, expected_uri);
        return CS_ERR_STATUS_LIST_URI;
    }
    if (token->expires != 0 && token->expires <= now - skew) {
        cs_date_format_datetime(token->expires, date);
        cs_detail_set(detail, detail_size, "the status list %s expired on %s", token->uri, date);
        return CS_ERR_STATUS_LIST_EXPIRED;
    }
    if (cs_status_list_bits(token->list) != CS_STATUS_BITS) {
        cs_detail_set(detail, detail_size, "the status list %s uses %u bits per entry, not %d",
                      token->uri, cs_status_list_bits(token->list), CS_STATUS_BITS);
        return CS_ERR_STATUS_BITS;
    }
    return CS_OK;
}

/* cs_status_token_verify(), taking the claims from *decoded (moved into
 * *token, which empties it) when that is not NULL, else decoding them from
 * the signed payload. */
static cs_err verify_token(const uint8_t *data, size_t len, const cs_key_t *key,
                           const char *expected_uri, int64_t now, int64_t skew,
                           cs_status_token *decoded, cs_status_token *token, char *detail,
                           size_t detail_size)
{
    cs_cose_sign1 msg;
    cs_err err;

    if (token == NULL)
        return CS_ERR_ARGUMENT;
    memset(token, 0, sizeof(*token));
    if (key == NULL || expected_uri == NULL || skew < 0)
        return CS_ERR_ARGUMENT;
    if ((err = decode_sign1(data, len, &msg, detail, detail_size)) != CS_OK)
        return err;
    if ((err = check_signer(&msg, key, expected_uri, detail, detail_size)) != CS_OK)
        goto fail;
    if (decoded != NULL) {
        *token = *decoded; /* what decode_claims() would give again */
        memset(decoded, 0, sizeof(*decoded));
    } else {
        copy_header(&msg, token);
        if ((err = decode_claims(msg.payload, msg.payload_len, token, detail, detail_size)) !=
            CS_OK)
            goto fail;
    }
    if ((err = check_contents(token, expected_uri, now, skew, detail, detail_size)) != CS_OK)
        goto fail;
    cs_cose_sign1_clear(&msg);
    return CS_OK;
fail:
    cs_cose_sign1_clear(&msg);
    cs_status_token_clear(token);
    return err;
}

cs_err cs_status_token_verify(const uint8_t *data, size_t len, const cs_key_t *key,
                              const char *expected_uri, int64_t now, int64_t skew,
                              cs_status_token *token, char *detail, size_t detail_size)
{
    return verify_token(data, len, key, expected_uri, now, skew, NULL, token, detail,
                        detail_size);
}

cs_err cs_status_token_verify_decoded(const uint8_t *data, size_t len, const cs_key_t *key,
                                      const char *expected_uri, int64_t now, int64_t skew,
                                      cs_status_token *decoded, cs_status_token *token,
                                      char *detail, size_t detail_size)
{
    if (decoded == NULL)
        return CS_ERR_ARGUMENT;
    return verify_token(data, len, key, expected_uri, now, skew, decoded, token, detail,
                        detail_size);
}
