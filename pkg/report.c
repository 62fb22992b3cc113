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
#include "report_internal.h"

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

char *cs_report_json_dump(json_t *value, size_t json_flags)
{
    char *text = NULL;
    if (value != NULL)
        text = json_dumps(value, json_flags);
    json_decref(value);
    if (text != NULL && cs_text_escape_json(&text) != CS_OK) {
        free(text);
        text = NULL;
    }
    return text;
}

/* The JSON text of a report (cs_report_json_dump()). */
static char *dump(json_t *value, unsigned flags)
{
    return cs_report_json_dump(value, JSON_PRESERVE_ORDER | ((flags & CS_REPORT_PRETTY)
                                                                 ? JSON_INDENT(2)
                                                                 : JSON_COMPACT));
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
                                            CS_WARNING_STATUS_AS_OF, CS_WARNING_TRUST_LIST_STALE,
                                            CS_WARNING_EDITION_TRANSITION};
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
    /* The compact form is written directly (pkg/report_json_line.c), the
     * same bytes as this tree gives, at a fraction of the cost. */
    if (!(flags & CS_REPORT_PRETTY))
        return cs_report_verify_json_compact(r, NULL, out);
    if ((o = json_object()) == NULL)
        return CS_ERR_NO_MEMORY;
    json_object_set_new(o, "verdict", json_string(cs_verdict_json_name(r->verdict)));
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

char *cs_report_json_render(json_t *value, unsigned flags)
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

/* ---- text ------------------------------------------------------------------ */

/* Everything a token says goes through escape() (cs_text_escape()): a
 * forged token's text cannot move the cursor, repaint the verdict or
 * reverse a line.  The colours (CS_REPORT_COLOUR) are added around escaped
 * text only.  The buffers bound each value as the command line always has
 * (a value past them is cut at a whole escape). */
#define ESCAPED_SIZE(n) CS_REPORT_ESCAPED_SIZE(n)
#define escape cs_report_escape

const char *cs_report_escape(const char *text, char *buf, size_t size)
{
    (void)cs_text_escape(text, text != NULL ? strlen(text) : 0, buf, size);
    return buf;
}

cs_err cs_report_text_start(cs_report_text *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    return t->f != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}

cs_err cs_report_text_finish(cs_report_text *t, char **out)
{
    bool bad = ferror(t->f) != 0;

    if (fclose(t->f) != 0 || bad || t->buf == NULL) {
        free(t->buf);
        *out = NULL;
        return CS_ERR_NO_MEMORY;
    }
    *out = t->buf;
    return CS_OK;
}

static void text_field(FILE *f, const char *label, const char *value)
{
    char safe[ESCAPED_SIZE(CS_TEXT_MAX + 64)];
    if (value != NULL)
        fprintf(f, "  %-15s %s\n", label, escape(value, safe, sizeof(safe)));
}

static void text_certificate(FILE *f, const cs_verify_result *r)
{
    const cs_certificate *c = &r->certificate;
    const cs_accreditation *ac = r->accreditation;
    char buf[CS_TEXT_MAX + 64], day[CS_DATE_TEXT_SIZE], grant[CS_DATE_TEXT_SIZE];

    if (!r->has_certificate)
        return;
    fprintf(f, "%s\n", r->signatures_verified ? "Certificate"
                                              : "Certificate (NOT verified: do not rely on it)");
    text_field(f, "Number", c->number);
    snprintf(buf, sizeof(buf), "%s (%s)", c->organization_name, c->organization_country);
    text_field(f, "Organisation", buf);
    text_field(f, "Address", c->organization_address);
    text_field(f, c->standard_count > 1 ? "Standards" : "Standard",
               cs_certificate_standards_text(c, ", ", buf, sizeof(buf)));
    text_field(f, "Scope", c->scope);
    for (size_t i = 0; i < c->site_count; i++) {
        snprintf(buf, sizeof(buf), "%s: %s", c->sites[i].address, c->sites[i].scope);
        text_field(f, i == 0 ? "Sites" : "", buf);
    }
    if (c->iaf_count > 0) {
        size_t n = 0;
        for (size_t i = 0; i < c->iaf_count && n < sizeof(buf) - 8; i++)
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%llu", i ? ", " : "",
                                  (unsigned long long)c->iaf_codes[i]);
        text_field(f, "IAF sectors", buf);
    }
    if (c->food_chain_count > 0) {
        size_t n = 0;
        /* Categories were checked to be "A" to "KIV" when decoded. */
        for (size_t i = 0; i < c->food_chain_count && n < sizeof(buf) - 8; i++)
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "",
                                  c->food_chain_categories[i]);
        text_field(f, "Food chain", buf);
    }
    cs_date_format(c->issued_at, day);
    cs_date_format(c->original_grant, grant);
    snprintf(buf, sizeof(buf), "%s (revision %llu; first granted %s)", day,
             (unsigned long long)c->revision, grant);
    text_field(f, "Issued", buf);
    cs_date_format(c->expires - 1, day);
    text_field(f, "Expires", day);
    if (c->predecessor.certification_body != NULL) {
        snprintf(buf, sizeof(buf), "from %s, certificate %s", c->predecessor.certification_body,
                 c->predecessor.number);
        text_field(f, "Transferred", buf);
    }
    if (c->has_restored) {
        cs_date_format(c->restored, day);
        text_field(f, "Restored", day);
    }
    if (ac != NULL) {
        snprintf(buf, sizeof(buf), "%s (%s, %s)", ac->name, ac->subject, ac->country);
        text_field(f, "Certified by", buf);
        snprintf(buf, sizeof(buf), "%s, accreditation %s", ac->issuer, ac->number);
        text_field(f, "Accredited by", buf);
    }
    text_field(f, "Status", cs_verify_status_summary(r, CS_CHECK_CT_STATUS));
    if (ac != NULL)
        text_field(f, "Accreditation", cs_verify_status_summary(r, CS_CHECK_AC_STATUS));
}

static void text_checks(FILE *f, const cs_verify_result *r, bool colour)
{
    char safe[ESCAPED_SIZE(CS_DETAIL_SIZE)];

    fprintf(f, "Checks\n");
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        const cs_check *c = &r->checks[id];
        const char *state = cs_check_state_name(c->state);
        const char *on = "", *off = "";
        if (colour && c->state == CS_CHECK_FAIL)
            on = "\033[31m", off = "\033[0m";
        else if (colour && c->state == CS_CHECK_PASS)
            on = "\033[32m", off = "\033[0m";
        fprintf(f, "  %s%-7s%s %-24s %s\n", on, state, off, cs_check_name((cs_check_id)id),
                escape(c->detail, safe, sizeof(safe)));
    }
}

static void text_warnings(FILE *f, const cs_verify_result *r)
{
    static const cs_verify_warning all[] = {CS_WARNING_STATUS_NOT_CHECKED,
                                            CS_WARNING_STATUS_AS_OF, CS_WARNING_TRUST_LIST_STALE,
                                            CS_WARNING_EDITION_TRANSITION};
    char text[CS_VERIFY_WARNING_SIZE];

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        cs_verify_warning_text(r, all[i], text, sizeof(text));
        if (text[0] != '\0')
            fprintf(f, "warning: %s\n", text);
    }
}

cs_err cs_report_verify_text(const cs_verify_result *r, const char *label, unsigned flags,
                             char **out)
{
    bool colour = (flags & CS_REPORT_COLOUR) != 0;
    const char *on = "", *off = "";
    char name[ESCAPED_SIZE(CS_TEXT_MAX)], standard[ESCAPED_SIZE(CS_TEXT_MAX)], list[CS_TEXT_MAX],
        where[ESCAPED_SIZE(512)], detail[ESCAPED_SIZE(CS_DETAIL_SIZE)];
    cs_report_text t;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (r == NULL || out == NULL || (r->verdict != CS_VERDICT_VALID &&
                                     (r->failed < 0 || r->failed >= CS_CHECK_COUNT)))
        return CS_ERR_ARGUMENT;
    if ((err = cs_report_text_start(&t)) != CS_OK)
        return err;
    if (colour)
        on = r->verdict == CS_VERDICT_VALID ? "\033[1;32m" : "\033[1;31m", off = "\033[0m";
    fprintf(t.f, "%s%s%s", on, cs_verdict_name(r->verdict), off);
    if (r->verdict == CS_VERDICT_VALID)
        fprintf(t.f, "  %s is certified to %s\n",
                escape(r->certificate.organization_name, name, sizeof(name)),
                escape(cs_certificate_standards_text(&r->certificate, ", ", list, sizeof(list)),
                       standard, sizeof(standard)));
    else
        fprintf(t.f, "  %s: %s\n", escape(label != NULL ? label : "token", where, sizeof(where)),
                escape(r->checks[r->failed].detail, detail, sizeof(detail)));
    text_warnings(t.f, r);
    text_certificate(t.f, r);
    text_checks(t.f, r, colour);
    return cs_report_text_finish(&t, out);
}
