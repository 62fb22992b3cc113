/* SPDX-License-Identifier: ISC */
/*
 * The JSON report of a verification written straight to a stream, without
 * building a jansson tree (`certseal verify --json` writes one line per
 * token, and building and dumping the tree cost as much as verifying).
 * It writes the compact text jansson writes for the tree of
 * cs_report_verify_json() (same keys in the same order, the same string
 * escapes, then cs_text_escape_json()'s \uXXXX for code points a terminal
 * acts on), so both give the same bytes; tests/unit/test_report_json.c
 * holds them together.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/cose.h"
#include "certseal/date.h"
#include "certseal/report.h"
#include "certseal/status.h"
#include "certseal/text.h"
#include "internal.h"
#include "report_internal.h"

/* The "verdict" of the JSON report (CS_VERDICT_LIST). */
const char *cs_verdict_json_name(cs_verdict verdict)
{
#define VERDICT_JSON(name, exit, rank, json, tone, headline, sentence, hint) \
    [CS_VERDICT_##name] = json,
    static const char *const names[CS_VERDICT_COUNT] = {CS_VERDICT_LIST(VERDICT_JSON)};
#undef VERDICT_JSON
    return verdict >= 0 && verdict < CS_VERDICT_COUNT ? names[verdict] : "UNKNOWN";
}

/* A JSON string: '"' and '\\' escaped, C0 controls as jansson writes them,
 * code points cs_text_is_unsafe() as \uXXXX (as cs_text_escape_json()),
 * bytes that are not UTF-8 as \uFFFD. */
static void put_string(FILE *f, const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t len = strlen(s);

    putc_unlocked('"', f);
    for (size_t i = 0; i < len;) {
        uint8_t c = p[i];
        unsigned long cp = 0;
        size_t n;

        if (c >= 0x20 && c < 0x7f) {
            if (c == '"' || c == '\\')
                putc_unlocked('\\', f);
            putc_unlocked((int)c, f);
            i++;
            continue;
        }
        if (c < 0x20) {
            switch (c) {
            case '\b': fputs("\\b", f); break;
            case '\f': fputs("\\f", f); break;
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            default: fprintf(f, "\\u%04X", (unsigned)c); break;
            }
            i++;
            continue;
        }
        n = cs_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            fputs("\\uFFFD", f);
            i++;
        } else if (cs_text_is_unsafe(cp)) {
            fprintf(f, "\\u%04X", (unsigned)(cp & 0xffff));
            i += n;
        } else {
            fwrite(p + i, 1, n, f);
            i += n;
        }
    }
    putc_unlocked('"', f);
}

static void put_key(FILE *f, bool first, const char *key)
{
    if (!first)
        putc_unlocked(',', f);
    put_string(f, key);
    putc_unlocked(':', f);
}

static void put_nullable(FILE *f, const char *s)
{
    if (s != NULL)
        put_string(f, s);
    else
        fputs("null", f);
}

static void put_hex(FILE *f, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    putc_unlocked('"', f);
    for (size_t i = 0; i < len; i++) {
        putc_unlocked(digits[data[i] >> 4], f);
        putc_unlocked(digits[data[i] & 15], f);
    }
    putc_unlocked('"', f);
}

static void put_date(FILE *f, int64_t t)
{
    char text[CS_DATE_TEXT_SIZE];
    cs_date_format(t, text);
    put_string(f, text);
}

static void put_datetime(FILE *f, int64_t t)
{
    char text[CS_DATETIME_TEXT_SIZE];
    cs_date_format_datetime(t, text);
    put_string(f, text);
}

static void put_bool(FILE *f, bool value)
{
    fputs(value ? "true" : "false", f);
}

static void put_status_reference(FILE *f, const cs_status_ref *ref)
{
    if (!ref->present) {
        fputs("null", f);
        return;
    }
    fprintf(f, "{\"idx\":%" PRId64 ",\"uri\":", (int64_t)ref->index);
    put_nullable(f, ref->uri);
    putc_unlocked('}', f);
}

static void put_uints(FILE *f, const uint64_t *values, size_t count)
{
    putc_unlocked('[', f);
    for (size_t i = 0; i < count; i++)
        fprintf(f, "%s%" PRId64, i > 0 ? "," : "", (int64_t)values[i]);
    putc_unlocked(']', f);
}

/* cs_record_json_object() of pkg/record_json.c. */
static void put_certificate(FILE *f, const cs_certificate *c)
{
    put_key(f, true, CS_RECORD_KEY_NUMBER);
    put_nullable(f, c->number);
    if (c->standard_count == 1) {
        put_key(f, false, CS_RECORD_KEY_STANDARD);
        put_nullable(f, c->standards[0]);
    } else {
        put_key(f, false, CS_RECORD_KEY_STANDARDS);
        putc_unlocked('[', f);
        for (size_t i = 0; i < c->standard_count; i++) {
            if (i > 0)
                putc_unlocked(',', f);
            put_nullable(f, c->standards[i]);
        }
        putc_unlocked(']', f);
    }
    put_key(f, false, CS_RECORD_KEY_ORGANIZATION);
    putc_unlocked('{', f);
    put_key(f, true, CS_RECORD_KEY_NAME);
    put_nullable(f, c->organization_name);
    put_key(f, false, CS_RECORD_KEY_COUNTRY);
    put_nullable(f, c->organization_country);
    put_key(f, false, CS_RECORD_KEY_ADDRESS);
    put_nullable(f, c->organization_address);
    putc_unlocked('}', f);
    put_key(f, false, CS_RECORD_KEY_SCOPE);
    put_nullable(f, c->scope);
    put_key(f, false, CS_RECORD_KEY_SITES);
    putc_unlocked('[', f);
    for (size_t i = 0; i < c->site_count; i++) {
        bool first = true;
        if (i > 0)
            putc_unlocked(',', f);
        putc_unlocked('{', f);
        /* json_pack("{s:s?, s:s?}"): a NULL value is null */
        put_key(f, first, CS_RECORD_KEY_ADDRESS);
        put_nullable(f, c->sites[i].address);
        put_key(f, false, CS_RECORD_KEY_SCOPE);
        put_nullable(f, c->sites[i].scope);
        putc_unlocked('}', f);
    }
    putc_unlocked(']', f);
    put_key(f, false, CS_RECORD_KEY_IAF_CODES);
    put_uints(f, c->iaf_codes, c->iaf_count);
    if (c->food_chain_count > 0) {
        put_key(f, false, CS_RECORD_KEY_FOOD_CHAIN);
        putc_unlocked('[', f);
        for (size_t i = 0; i < c->food_chain_count; i++) {
            if (i > 0)
                putc_unlocked(',', f);
            put_string(f, c->food_chain_categories[i]);
        }
        putc_unlocked(']', f);
    }
    put_key(f, false, CS_RECORD_KEY_ORIGINAL_GRANT);
    put_date(f, c->original_grant);
    put_key(f, false, CS_RECORD_KEY_ISSUED);
    put_date(f, c->issued_at);
    put_key(f, false, CS_RECORD_KEY_EXPIRES);
    put_date(f, c->expires - CS_SECONDS_PER_DAY);
    put_key(f, false, CS_RECORD_KEY_REVISION);
    fprintf(f, "%" PRId64, (int64_t)c->revision);
    put_key(f, false, CS_RECORD_KEY_ACCREDITATION_NUMBER);
    put_nullable(f, c->accreditation_number);
    if (c->predecessor.certification_body != NULL) {
        put_key(f, false, CS_RECORD_KEY_PREDECESSOR);
        putc_unlocked('{', f);
        put_key(f, true, CS_RECORD_KEY_CERTIFICATION_BODY);
        put_string(f, c->predecessor.certification_body);
        put_key(f, false, CS_RECORD_KEY_NUMBER);
        put_string(f, c->predecessor.number != NULL ? c->predecessor.number : "");
        putc_unlocked('}', f);
    }
    if (c->has_restored) {
        put_key(f, false, CS_RECORD_KEY_RESTORED);
        put_date(f, c->restored);
    }
    put_key(f, false, CS_RECORD_KEY_ISSUER);
    put_nullable(f, c->issuer);
    putc_unlocked('}', f);
}

/* accreditation_object() of pkg/report.c. */
static void put_accreditation(FILE *f, const cs_accreditation *ac)
{
    put_key(f, true, "accreditation_body");
    put_nullable(f, ac->issuer);
    put_key(f, false, "certification_body");
    put_nullable(f, ac->subject);
    put_key(f, false, "name");
    put_nullable(f, ac->name);
    put_key(f, false, "number");
    put_nullable(f, ac->number);
    put_key(f, false, "country");
    put_nullable(f, ac->country);
    put_key(f, false, "standards");
    putc_unlocked('[', f);
    for (size_t i = 0; i < ac->standard_count; i++) {
        if (i > 0)
            putc_unlocked(',', f);
        put_nullable(f, ac->standards[i]);
    }
    putc_unlocked(']', f);
    put_key(f, false, "iaf_codes");
    put_uints(f, ac->iaf_codes, ac->iaf_count);
    put_key(f, false, "not_before");
    put_date(f, ac->not_before);
    put_key(f, false, "expires");
    put_date(f, ac->expires - 1);
    put_key(f, false, "issued");
    put_date(f, ac->issued_at);
    if (ac->subject_key != NULL) {
        put_key(f, false, "key_id");
        put_hex(f, cs_key_kid(ac->subject_key), CS_KID_SIZE);
        put_key(f, false, "key_algorithm");
        put_nullable(f, cs_alg_name(cs_key_alg(ac->subject_key)));
    }
    put_key(f, false, "status_reference");
    put_status_reference(f, &ac->status);
    putc_unlocked('}', f);
}

static void put_checks(FILE *f, const cs_verify_result *r)
{
    putc_unlocked('[', f);
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        const cs_check *c = &r->checks[id];
        if (id > 0)
            putc_unlocked(',', f);
        putc_unlocked('{', f);
        put_key(f, true, "check");
        put_string(f, cs_check_name((cs_check_id)id));
        put_key(f, false, "result");
        put_string(f, cs_check_state_name(c->state));
        put_key(f, false, "detail");
        put_string(f, c->detail);
        putc_unlocked('}', f);
    }
    putc_unlocked(']', f);
}

static void put_warnings(FILE *f, const cs_verify_result *r)
{
    static const cs_verify_warning all[] = {CS_WARNING_STATUS_NOT_CHECKED,
                                            CS_WARNING_STATUS_AS_OF, CS_WARNING_TRUST_LIST_STALE};
    char text[CS_VERIFY_WARNING_SIZE];
    bool first = true;

    putc_unlocked('[', f);
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        cs_verify_warning_text(r, all[i], text, sizeof(text));
        if (text[0] == '\0')
            continue;
        if (!first)
            putc_unlocked(',', f);
        first = false;
        put_string(f, text);
    }
    putc_unlocked(']', f);
}

static void put_position(FILE *f, const cs_report_position *pos)
{
    put_key(f, false, "input");
    putc_unlocked('{', f);
    put_key(f, true, "file");
    put_nullable(f, pos->file);
    if (pos->line > 0) {
        put_key(f, false, "line");
        fprintf(f, "%" PRIu64, pos->line);
    }
    if (pos->code > 0) {
        put_key(f, false, "code");
        fprintf(f, "%u", pos->code);
    }
    if (pos->page > 0) {
        put_key(f, false, "page");
        fprintf(f, "%u", pos->page);
    }
    if (pos->found_in != NULL) {
        put_key(f, false, "found_in");
        put_nullable(f, pos->found_in);
    }
    putc_unlocked('}', f);
}

/* Failed checks outside the list are refused, as by the text report. */
static bool result_usable(const cs_verify_result *r)
{
    return r->verdict == CS_VERDICT_VALID || (r->failed >= 0 && r->failed < CS_CHECK_COUNT);
}

static void put_result(FILE *f, const cs_verify_result *r, const cs_report_position *pos)
{
    bool valid = r->verdict == CS_VERDICT_VALID;

    flockfile(f);
    putc_unlocked('{', f);
    put_key(f, true, "verdict");
    put_string(f, cs_verdict_json_name(r->verdict));
    put_key(f, false, "valid");
    put_bool(f, valid);
    put_key(f, false, "reason");
    put_nullable(f, valid ? NULL : r->checks[r->failed].detail);
    put_key(f, false, "error");
    put_nullable(f, valid ? NULL : cs_err_name(r->err));
    put_key(f, false, "form");
    put_string(f, cs_form_name(r->form));
    put_key(f, false, "verified_at");
    put_datetime(f, r->verified_at);
    put_key(f, false, "checks");
    put_checks(f, r);
    put_key(f, false, "status");
    put_string(f, cs_verify_status_summary(r, CS_CHECK_CT_STATUS));
    put_key(f, false, "accreditation_status");
    put_string(f, cs_verify_status_summary(r, CS_CHECK_AC_STATUS));
    put_key(f, false, "status_reference");
    if (r->has_certificate)
        put_status_reference(f, &r->certificate.status);
    else
        fputs("null", f);
    put_key(f, false, "status_checked");
    put_bool(f, r->status_checked);
    put_key(f, false, "status_as_of");
    if (r->status_as_of != 0)
        put_datetime(f, r->status_as_of);
    else
        fputs("null", f);
    put_key(f, false, "warnings");
    put_warnings(f, r);
    put_key(f, false, "contents_verified");
    put_bool(f, r->signatures_verified);
    put_key(f, false, "certificate");
    if (r->has_certificate) {
        putc_unlocked('{', f);
        put_certificate(f, &r->certificate);
    } else {
        fputs("null", f);
    }
    put_key(f, false, "accreditation");
    if (r->accreditation != NULL) {
        putc_unlocked('{', f);
        put_accreditation(f, r->accreditation);
    } else {
        fputs("null", f);
    }
    if (r->has_kids) {
        put_key(f, false, "key_ids");
        putc_unlocked('{', f);
        put_key(f, true, "certification_body");
        put_hex(f, r->ct_kid, CS_KID_SIZE);
        put_key(f, false, "accreditation_body");
        put_hex(f, r->ab_kid, CS_KID_SIZE);
        putc_unlocked('}', f);
    }
    if (pos != NULL)
        put_position(f, pos);
    putc_unlocked('}', f);
    funlockfile(f);
}

cs_err cs_report_verify_json_write(const cs_verify_result *r, const cs_report_position *pos,
                                   FILE *out)
{
    if (r == NULL || out == NULL || !result_usable(r))
        return CS_ERR_ARGUMENT;
    put_result(out, r, pos);
    return ferror(out) ? CS_ERR_IO_WRITE : CS_OK;
}

cs_err cs_report_verify_json_compact(const cs_verify_result *r, const cs_report_position *pos,
                                     char **out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    bool bad;

    if (out != NULL)
        *out = NULL;
    if (r == NULL || out == NULL || !result_usable(r))
        return CS_ERR_ARGUMENT;
    if ((f = open_memstream(&buf, &len)) == NULL)
        return CS_ERR_NO_MEMORY;
    put_result(f, r, pos);
    bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad || buf == NULL) {
        free(buf);
        return CS_ERR_NO_MEMORY;
    }
    *out = buf;
    return CS_OK;
}
