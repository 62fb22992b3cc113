/* SPDX-License-Identifier: ISC */
/* The JSON and text reports of an inspection: a token decoded without
 * verifying it, with the QR version it needs (libqrencode), so in the full
 * library, not the verifying core (docs/architecture.md). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/cose.h"
#include "certseal/date.h"
#include "certseal/qr.h"
#include "certseal/report.h"
#include "certseal/text.h"
#include "certseal/status.h"
#include "internal.h"
#include "report_internal.h"

/* ---- inspection ----------------------------------------------------------- */

static const char *claim_name(int64_t key)
{
    switch (key) {
    case CS_CLAIM_ISS:
        return "iss";
    case CS_CLAIM_SUB:
        return "sub";
    case CS_CLAIM_EXP:
        return "exp";
    case CS_CLAIM_NBF:
        return "nbf";
    case CS_CLAIM_IAT:
        return "iat";
    case CS_CLAIM_CNF:
        return "cnf";
    case CS_CLAIM_CERTIFICATE:
        return "certificate";
    case CS_CLAIM_ACCREDITATION:
        return "accreditation";
    case CS_CLAIM_STATUS:
        return "status";
    case CS_CLAIM_STATUS_LIST:
        return "status_list";
    case CS_CLAIM_TTL:
        return "ttl";
    default:
        return NULL;
    }
}

/* A CBOR item as JSON: byte strings as hex, map keys as text (integer keys
 * with the claim name when known).  The tree is already strict and
 * depth-bounded. */
static json_t *cbor_to_json(const cs_cbor_item *item, bool claim_keys);

static json_t *cbor_map_to_json(const cs_cbor_item *map, bool claim_keys)
{
    json_t *o = json_object();
    for (size_t i = 0; o != NULL && i < cs_cbor_count(map); i++) {
        const cs_cbor_item *k = cs_cbor_map_key_at(map, i);
        char key[64];
        const char *text;
        size_t len;
        int64_t label;
        if (cs_cbor_get_text(k, &text, &len) == CS_OK) {
            snprintf(key, sizeof(key), "%.*s", (int)(len > 60 ? 60 : len), text);
        } else if (cs_cbor_get_int(k, &label) == CS_OK) {
            const char *name = claim_keys ? claim_name(label) : NULL;
            if (name != NULL)
                snprintf(key, sizeof(key), "%s (%lld)", name, (long long)label);
            else
                snprintf(key, sizeof(key), "%lld", (long long)label);
        } else {
            snprintf(key, sizeof(key), "key %zu", i);
        }
        json_object_set_new(o, key, cbor_to_json(cs_cbor_map_value_at(map, i), false));
    }
    return o;
}

static json_t *cbor_to_json(const cs_cbor_item *item, bool claim_keys)
{
    const char *text;
    const uint8_t *bytes;
    size_t len;
    int64_t value;
    uint64_t big;
    bool truth;

    if (cs_cbor_get_int(item, &value) == CS_OK)
        return json_integer((json_int_t)value);
    if (cs_cbor_get_uint(item, &big) == CS_OK) /* above INT64_MAX */
        return json_real((double)big);
    if (cs_cbor_get_text(item, &text, &len) == CS_OK)
        return json_stringn(text, len);
    if (cs_cbor_get_bytes(item, &bytes, &len) == CS_OK)
        return cs_report_json_hex(bytes, len);
    if (cs_cbor_is_map(item))
        return cbor_map_to_json(item, claim_keys);
    if (cs_cbor_is_array(item)) {
        json_t *array = json_array();
        for (size_t i = 0; array != NULL && i < cs_cbor_count(item); i++)
            json_array_append_new(array, cbor_to_json(cs_cbor_array_at(item, i), false));
        return array;
    }
    if (cs_cbor_get_bool(item, &truth) == CS_OK)
        return json_boolean(truth);
    return json_null();
}

static json_t *alg_json(bool present, int64_t alg)
{
    if (!present)
        return json_null();
    if (alg == CS_COSE_ALG_NOT_INTEGER)
        return json_string("(not an integer)");
    return json_pack("{s:I, s:s}", "id", (json_int_t)alg, "name", cs_alg_name((cs_alg)alg));
}

static json_t *headers_json(const cs_cose_sign1 *msg)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "alg", alg_json(msg->has_alg, msg->alg));
    json_object_set_new(o, "kid", msg->kid ? cs_report_json_hex(msg->kid, msg->kid_len) : json_null());
    json_object_set_new(o, "typ", msg->typ ? json_stringn(msg->typ, msg->typ_len) : json_null());
    if (msg->accreditation != NULL)
        json_object_set_new(o, "accreditation_bytes",
                            json_integer((json_int_t)msg->accreditation_len));
    if (msg->unprotected_has_alg)
        json_object_set_new(o, "unprotected_alg", alg_json(true, msg->unprotected_alg));
    return o;
}

/* A Status List Token's contents (unverified), or its decoding error. */
static json_t *status_list_json(const uint8_t *raw, size_t raw_len, char *detail,
                                size_t detail_size)
{
    cs_status_token token = {0};
    json_t *o;

    if (cs_status_token_decode(raw, raw_len, &token, detail, detail_size) != CS_OK)
        return json_pack("{s:s}", "error", detail != NULL ? detail : "");
    o = json_pack("{s:s, s:o, s:o, s:I, s:i, s:I}", "uri", token.uri, "issued",
                  cs_report_json_datetime(token.issued_at), "expires",
                  token.expires != 0 ? cs_report_json_datetime(token.expires) : json_null(), "ttl",
                  (json_int_t)token.ttl, "bits", (int)cs_status_list_bits(token.list), "entries",
                  (json_int_t)cs_status_list_entries(token.list));
    cs_status_token_clear(&token);
    return o;
}

/* Describes one COSE_Sign1: headers, raw claims, and the decoded object
 * when its typ is one of certseal's. */
static json_t *object_json(const cs_cose_sign1 *msg, const uint8_t *raw, size_t raw_len,
                           char *detail, size_t detail_size)
{
    json_t *o = json_object();
    cs_cbor_item *claims = NULL;
    cs_err err;

    if (o == NULL)
        return NULL;
    json_object_set_new(o, "protected", headers_json(msg));
    if ((err = cs_cbor_decode(msg->payload, msg->payload_len, CS_CBOR_MAX_DEPTH, &claims)) ==
        CS_OK) {
        json_object_set_new(o, "claims", cbor_to_json(claims, cs_cbor_is_map(claims)));
        cs_cbor_free(&claims);
    } else {
        json_object_set_new(o, "payload_hex", cs_report_json_hex(msg->payload, msg->payload_len));
        json_object_set_new(o, "payload_error", json_string(cs_strerror(err)));
    }
    if (cs_cose_sign1_has_typ(msg, CS_TYP_CERTIFICATE)) {
        cs_certificate cert;
        json_object_set_new(o, "object", json_string("certificate token"));
        if (cs_certificate_decode_claims(msg->payload, msg->payload_len, &cert, detail,
                                         detail_size) == CS_OK) {
            json_object_set_new(o, "certificate", cs_record_json_object(&cert));
            json_object_set_new(o, "status_reference", cs_report_json_status_reference(&cert.status));
            cs_certificate_clear(&cert);
        } else {
            json_object_set_new(o, "claims_error", json_string(detail ? detail : ""));
        }
    } else if (cs_cose_sign1_has_typ(msg, CS_TYP_ACCREDITATION)) {
        cs_accreditation ac;
        json_object_set_new(o, "object", json_string("accreditation credential"));
        if (cs_accreditation_decode_claims(msg->payload, msg->payload_len, &ac, detail,
                                           detail_size) == CS_OK) {
            json_object_set_new(o, "accreditation", cs_report_json_accreditation(&ac));
            cs_accreditation_clear(&ac);
        } else {
            json_object_set_new(o, "claims_error", json_string(detail ? detail : ""));
        }
    } else if (cs_cose_sign1_has_typ(msg, CS_STATUS_LIST_TYP)) {
        json_object_set_new(o, "object", json_string("status list token"));
        json_object_set_new(o, "status_list", status_list_json(raw, raw_len, detail, detail_size));
    } else {
        json_object_set_new(o, "object", json_string("COSE_Sign1"));
    }
    json_object_set_new(o, "signature", cs_report_json_hex(msg->signature, msg->signature_len));
    return o;
}

/* The error correction flags asks for (CS_REPORT_ECC()), M when none. */
static cs_qr_ecc report_ecc(unsigned flags)
{
    unsigned n = (flags & CS_REPORT_ECC_MASK) >> 8;
    return n >= 1 && n <= 4 ? (cs_qr_ecc)(n - 1) : CS_QR_DEFAULT_ECC;
}

/* The QR version and modules the token text needs at ecc (null for COSE
 * bytes, which are not printed as they are). */
static json_t *qr_json(const uint8_t *token, size_t len, cs_form form, cs_qr_ecc ecc)
{
    char letter[2] = {cs_qr_ecc_letter(ecc), '\0'}, *text;
    int version = 0, modules = 0;
    cs_err err;

    if (form != CS_FORM_OFFLINE && form != CS_FORM_LINK)
        return json_null();
    if ((text = strndup((const char *)token, len)) == NULL)
        return NULL;
    err = cs_qr_version(text, ecc, &version, &modules);
    free(text);
    if (err != CS_OK)
        return json_pack("{s:s, s:s}", "error_correction", letter, "error",
                         err == CS_ERR_TOO_LARGE ? "too long for any QR version at this level"
                                                 : cs_strerror(err));
    return json_pack("{s:s, s:i, s:i}", "error_correction", letter, "version", version, "modules",
                     modules);
}

/* The inspection of a token as a new jansson object in *out. */
static cs_err inspect_object(const uint8_t *token, size_t len, unsigned flags, json_t **out,
                             char *detail, size_t detail_size)
{
    cs_token_codec_t *codec = NULL;
    cs_cose_sign1 msg = {0}, ac = {0};
    const uint8_t *cose;
    size_t cose_len = 0;
    cs_form form = CS_FORM_UNKNOWN;
    json_t *o = NULL;
    cs_err err;

    *out = NULL;
    if ((err = cs_token_codec_new(&codec)) != CS_OK)
        return err;
    if (len > 0 && token[0] < 0x80) { /* text forms: without surrounding white space */
        while (len > 0 && isspace(token[len - 1]))
            len--;
        while (len > 0 && isspace(token[0])) {
            token++;
            len--;
        }
    }
    if ((err = cs_token_unwrap(codec, token, len, &form, &cose, &cose_len)) != CS_OK ||
        (err = cs_cose_sign1_decode(cose, cose_len, &msg)) != CS_OK) {
        if (detail != NULL && detail_size > 0)
            snprintf(detail, detail_size, "%s form: %s", cs_form_name(form), cs_strerror(err));
        goto fail;
    }
    if ((o = json_object()) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    json_object_set_new(o, "form", json_string(cs_form_name(form)));
    json_object_set_new(o, "token_characters", json_integer((json_int_t)len));
    json_object_set_new(o, "cose_bytes", json_integer((json_int_t)cose_len));
    json_object_set_new(o, "qr", qr_json(token, len, form, report_ecc(flags)));
    json_object_set_new(o, "tagged", json_boolean(msg.tagged));
    json_object_set_new(o, "token", object_json(&msg, cose, cose_len, detail, detail_size));
    if (msg.accreditation != NULL) {
        if (cs_cose_sign1_decode(msg.accreditation, msg.accreditation_len, &ac) == CS_OK)
            json_object_set_new(
                o, "embedded_accreditation",
                object_json(&ac, msg.accreditation, msg.accreditation_len, detail, detail_size));
        else
            json_object_set_new(o, "embedded_accreditation",
                                json_string("(does not decode as COSE_Sign1)"));
    }
    *out = o;
    o = NULL;
fail:
    json_decref(o);
    cs_cose_sign1_clear(&msg);
    cs_cose_sign1_clear(&ac);
    cs_token_codec_free(&codec);
    return err;
}

cs_err cs_report_inspect_json(const uint8_t *token, size_t len, unsigned flags, char **out,
                              char *detail, size_t detail_size)
{
    json_t *o = NULL;
    cs_err err;

    if (token == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = inspect_object(token, len, flags, &o, detail, detail_size)) != CS_OK)
        return err;
    *out = cs_report_json_render(o, flags);
    return *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}


/* One value of the inspection as indented "key: value" lines. */
static void text_value(FILE *f, const char *key, const json_t *value, int depth)
{
    const char *k;
    json_t *v;
    size_t i;
    char safe[CS_REPORT_ESCAPED_SIZE(CS_TEXT_MAX)];

    if (depth > 0)
        fprintf(f, "%*s", depth * 2, "");
    if (key != NULL)
        fprintf(f, "%s:", cs_report_escape(key, safe, sizeof(safe)));
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        fprintf(f, "\n");
        json_object_foreach((json_t *)value, k, v) text_value(f, k, v, depth + 1);
        return;
    case JSON_ARRAY:
        if (json_array_size(value) == 0) {
            fprintf(f, " (none)\n");
            return;
        }
        fprintf(f, "\n");
        json_array_foreach(value, i, v) text_value(f, "-", v, depth + 1);
        return;
    case JSON_STRING:
        fprintf(f, " %s\n", cs_report_escape(json_string_value(value), safe, sizeof(safe)));
        return;
    case JSON_INTEGER:
        fprintf(f, " %lld\n", (long long)json_integer_value(value));
        return;
    case JSON_REAL:
        fprintf(f, " %.0f\n", json_real_value(value));
        return;
    case JSON_TRUE:
    case JSON_FALSE:
        fprintf(f, " %s\n", json_is_true(value) ? "yes" : "no");
        return;
    case JSON_NULL:
        fprintf(f, " -\n");
        return;
    }
}

cs_err cs_report_inspect_text(const uint8_t *token, size_t len, unsigned flags, char **out,
                              char *detail, size_t detail_size)
{
    json_t *o = NULL;
    cs_report_text t;
    cs_err err;

    if (token == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = inspect_object(token, len, flags, &o, detail, detail_size)) != CS_OK)
        return err;
    if ((err = cs_report_text_start(&t)) == CS_OK) {
        fprintf(t.f, "NOT VERIFIED: decoded only (certseal verify checks the signatures)\n");
        text_value(t.f, NULL, o, -1);
        err = cs_report_text_finish(&t, out);
    }
    json_decref(o);
    return err;
}
