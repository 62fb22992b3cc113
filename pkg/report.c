/* SPDX-License-Identifier: ISC */
/* JSON reports of verifications and inspections (jansson). */
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

static json_t *hex_string(const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *text = malloc(2 * len + 1);
    json_t *value;
    if (text == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        text[2 * i] = digits[data[i] >> 4];
        text[2 * i + 1] = digits[data[i] & 15];
    }
    text[2 * len] = '\0';
    value = json_string(text);
    free(text);
    return value;
}

static json_t *date_string(int64_t t)
{
    char text[CS_DATE_TEXT_SIZE];
    cs_date_format(t, text);
    return json_string(text);
}

static json_t *datetime_string(int64_t t)
{
    char text[CS_DATETIME_TEXT_SIZE];
    cs_date_format_datetime(t, text);
    return json_string(text);
}

/* The JSON text, with the controls and bidirectional characters a token
 * may hold escaped (certseal/text.h), so that it is safe on a terminal. */
static char *dump(json_t *value, unsigned flags)
{
    char *text = NULL;
    if (value != NULL)
        text = json_dumps(value, JSON_PRESERVE_ORDER |
                                     ((flags & CS_REPORT_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(value);
    if (text != NULL && cs_text_escape_json(&text) != CS_OK) {
        free(text);
        text = NULL;
    }
    return text;
}

/* {"idx", "uri"} of a status reference, or null. */
static json_t *status_reference_json(const cs_status_ref *ref)
{
    if (!ref->present)
        return json_null();
    return json_pack("{s:I, s:s}", "idx", (json_int_t)ref->index, "uri", ref->uri);
}

static json_t *accreditation_object(const cs_accreditation *ac)
{
    json_t *o = json_object(), *standards = json_array(), *iaf = json_array();
    if (o == NULL || standards == NULL || iaf == NULL) {
        json_decref(o);
        json_decref(standards);
        json_decref(iaf);
        return NULL;
    }
    for (size_t i = 0; i < ac->standard_count; i++)
        json_array_append_new(standards, json_string(ac->standards[i]));
    for (size_t i = 0; i < ac->iaf_count; i++)
        json_array_append_new(iaf, json_integer((json_int_t)ac->iaf_codes[i]));
    json_object_set_new(o, "accreditation_body", json_string(ac->issuer));
    json_object_set_new(o, "certification_body", json_string(ac->subject));
    json_object_set_new(o, "name", json_string(ac->name));
    json_object_set_new(o, "number", json_string(ac->number));
    json_object_set_new(o, "country", json_string(ac->country));
    json_object_set_new(o, "standards", standards);
    json_object_set_new(o, "iaf_codes", iaf);
    json_object_set_new(o, "not_before", date_string(ac->not_before));
    json_object_set_new(o, "expires", date_string(ac->expires - 1));
    json_object_set_new(o, "issued", date_string(ac->issued_at));
    if (ac->subject_key != NULL) {
        json_object_set_new(o, "key_id", hex_string(cs_key_kid(ac->subject_key), CS_KID_SIZE));
        json_object_set_new(o, "key_algorithm",
                            json_string(cs_alg_name(cs_key_alg(ac->subject_key))));
    }
    json_object_set_new(o, "status_reference", status_reference_json(&ac->status));
    return o;
}

static json_t *checks_array(const cs_verify_result *r)
{
    json_t *checks = json_array();
    for (int id = 0; checks != NULL && id < CS_CHECK_COUNT; id++) {
        const cs_check *c = &r->checks[id];
        json_array_append_new(
            checks, json_pack("{s:s, s:s, s:s}", "check", cs_check_name((cs_check_id)id), "result",
                              cs_check_state_name(c->state), "detail", c->detail));
    }
    return checks;
}

static json_t *warnings_array(const cs_verify_result *r)
{
    static const cs_verify_warning all[] = {CS_WARNING_STATUS_NOT_CHECKED,
                                            CS_WARNING_STATUS_AS_OF, CS_WARNING_TRUST_LIST_STALE};
    char text[CS_VERIFY_WARNING_SIZE];
    json_t *array = json_array();

    for (size_t i = 0; array != NULL && i < sizeof(all) / sizeof(all[0]); i++) {
        cs_verify_warning_text(r, all[i], text, sizeof(text));
        if (text[0] != '\0')
            json_array_append_new(array, json_string(text));
    }
    return array;
}

cs_err cs_report_verify_json(const cs_verify_result *r, unsigned flags, char **out)
{
    json_t *o;

    if (r == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if ((o = json_object()) == NULL)
        return CS_ERR_NO_MEMORY;
    json_object_set_new(o, "verdict", json_string(cs_verdict_name(r->verdict)));
    json_object_set_new(o, "valid", json_boolean(r->verdict == CS_VERDICT_VALID));
    json_object_set_new(o, "reason",
                        r->verdict == CS_VERDICT_VALID ? json_null()
                                                       : json_string(r->checks[r->failed].detail));
    json_object_set_new(o, "error",
                        r->verdict == CS_VERDICT_VALID ? json_null()
                                                       : json_string(cs_err_name(r->err)));
    json_object_set_new(o, "form", json_string(cs_form_name(r->form)));
    json_object_set_new(o, "verified_at", datetime_string(r->verified_at));
    json_object_set_new(o, "checks", checks_array(r));
    json_object_set_new(o, "status", json_string(cs_verify_status_summary(r, CS_CHECK_CT_STATUS)));
    json_object_set_new(o, "accreditation_status",
                        json_string(cs_verify_status_summary(r, CS_CHECK_AC_STATUS)));
    json_object_set_new(o, "status_reference",
                        r->has_certificate ? status_reference_json(&r->certificate.status)
                                           : json_null());
    json_object_set_new(o, "status_checked", json_boolean(r->status_checked));
    json_object_set_new(o, "status_as_of",
                        r->status_as_of != 0 ? datetime_string(r->status_as_of) : json_null());
    json_object_set_new(o, "warnings", warnings_array(r));
    json_object_set_new(o, "contents_verified", json_boolean(r->signatures_verified));
    json_object_set_new(o, "certificate",
                        r->has_certificate ? cs_record_json_object(&r->certificate) : json_null());
    json_object_set_new(o, "accreditation",
                        r->accreditation ? accreditation_object(r->accreditation) : json_null());
    if (r->has_kids)
        json_object_set_new(o, "key_ids",
                            json_pack("{s:o, s:o}", "certification_body",
                                      hex_string(r->ct_kid, CS_KID_SIZE), "accreditation_body",
                                      hex_string(r->ab_kid, CS_KID_SIZE)));
    *out = dump(o, flags);
    return *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}

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
        return hex_string(bytes, len);
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
    json_object_set_new(o, "kid", msg->kid ? hex_string(msg->kid, msg->kid_len) : json_null());
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
                  datetime_string(token.issued_at), "expires",
                  token.expires != 0 ? datetime_string(token.expires) : json_null(), "ttl",
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
        json_object_set_new(o, "payload_hex", hex_string(msg->payload, msg->payload_len));
        json_object_set_new(o, "payload_error", json_string(cs_strerror(err)));
    }
    if (cs_cose_sign1_has_typ(msg, CS_TYP_CERTIFICATE)) {
        cs_certificate cert;
        json_object_set_new(o, "object", json_string("certificate token"));
        if (cs_certificate_decode_claims(msg->payload, msg->payload_len, &cert, detail,
                                         detail_size) == CS_OK) {
            json_object_set_new(o, "certificate", cs_record_json_object(&cert));
            json_object_set_new(o, "status_reference", status_reference_json(&cert.status));
            cs_certificate_clear(&cert);
        } else {
            json_object_set_new(o, "claims_error", json_string(detail ? detail : ""));
        }
    } else if (cs_cose_sign1_has_typ(msg, CS_TYP_ACCREDITATION)) {
        cs_accreditation ac;
        json_object_set_new(o, "object", json_string("accreditation credential"));
        if (cs_accreditation_decode_claims(msg->payload, msg->payload_len, &ac, detail,
                                           detail_size) == CS_OK) {
            json_object_set_new(o, "accreditation", accreditation_object(&ac));
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
    json_object_set_new(o, "signature", hex_string(msg->signature, msg->signature_len));
    return o;
}

static json_t *qr_json(const uint8_t *token, size_t len, cs_form form)
{
    char *text;
    int version = 0, modules = 0;
    cs_err err;

    if (form != CS_FORM_OFFLINE && form != CS_FORM_LINK)
        return json_null();
    if ((text = strndup((const char *)token, len)) == NULL)
        return NULL;
    err = cs_qr_version(text, CS_QR_ECC_M, &version, &modules);
    free(text);
    if (err != CS_OK)
        return json_pack("{s:s}", "error", cs_strerror(err));
    return json_pack("{s:s, s:i, s:i}", "error_correction", "M", "version", version, "modules",
                     modules);
}

cs_err cs_report_inspect_json(const uint8_t *token, size_t len, unsigned flags, char **out,
                              char *detail, size_t detail_size)
{
    cs_token_codec_t *codec = NULL;
    cs_cose_sign1 msg = {0}, ac = {0};
    const uint8_t *cose;
    size_t cose_len = 0;
    cs_form form = CS_FORM_UNKNOWN;
    json_t *o = NULL;
    cs_err err;

    if (token == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
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
        goto done;
    }
    if ((o = json_object()) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto done;
    }
    json_object_set_new(o, "form", json_string(cs_form_name(form)));
    json_object_set_new(o, "token_characters", json_integer((json_int_t)len));
    json_object_set_new(o, "cose_bytes", json_integer((json_int_t)cose_len));
    json_object_set_new(o, "qr", qr_json(token, len, form));
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
    *out = dump(o, flags);
    o = NULL;
    err = *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
done:
    json_decref(o);
    cs_cose_sign1_clear(&msg);
    cs_cose_sign1_clear(&ac);
    cs_token_codec_free(&codec);
    return err;
}
