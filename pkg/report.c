/* SPDX-License-Identifier: ISC */
/* JSON reports of verifications and inspections (jansson). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/cose.h"
#include "certseal/date.h"
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
                                            CS_WARNING_STATUS_AS_OF};
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

/* ---- shared with the inspection report (pkg/report_inspect.c) -------------- */

json_t *cs_report_json_hex(const uint8_t *data, size_t len)
{
    return hex_string(data, len);
}

json_t *cs_report_json_date(int64_t t)
{
    return date_string(t);
}

json_t *cs_report_json_datetime(int64_t t)
{
    return datetime_string(t);
}

char *cs_report_json_dump(json_t *value, unsigned flags)
{
    return dump(value, flags);
}

json_t *cs_report_json_status_reference(const cs_status_ref *ref)
{
    return status_reference_json(ref);
}

json_t *cs_report_json_accreditation(const cs_accreditation *ac)
{
    return accreditation_object(ac);
}
