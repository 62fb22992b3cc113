/* SPDX-License-Identifier: ISC */
/* The JSON certificate record (schemas/record.schema.json), read with
 * jansson and validated field by field. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "certseal/date.h"
#include "certseal/record.h"
#include "certseal/text.h"
#include "internal.h"

typedef struct record_reader {
    char *detail;
    size_t detail_size;
} record_reader;

static cs_err invalid(const record_reader *r, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cs_err invalid(const record_reader *r, const char *field, const char *fmt, ...)
{
    if (r->detail != NULL && r->detail_size > 0) {
        char what[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof(what), fmt, ap);
        va_end(ap);
        snprintf(r->detail, r->detail_size, "%s: %s", field, what);
    }
    return CS_ERR_RECORD;
}

static const char *json_type_name(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        break;
    }
    return "null";
}

static bool is_blank(const char *s)
{
    for (; *s != '\0'; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* Fields whose text may run over several lines (LF only): addresses and
 * scopes.  Everything else is one line. */
static unsigned text_flags(const char *key)
{
    return strcmp(key, "address") == 0 || strcmp(key, "scope") == 0 ? CS_TEXT_MULTILINE : 0;
}

/* A required (or, with optional, absent-is-fine) non-blank string: UTF-8
 * in NFC, without control or bidirectional characters (DESIGN §3). */
static cs_err read_string(const record_reader *r, const json_t *object, const char *key,
                          const char *field, bool optional, char **out)
{
    const json_t *value = json_object_get(object, key);
    const char *text;
    size_t len;
    char problem[160];

    if (value == NULL)
        return optional ? CS_OK : invalid(r, field, "missing (it is required)");
    if (!json_is_string(value))
        return invalid(r, field, "expected a string, got %s", json_type_name(value));
    text = json_string_value(value);
    len = json_string_length(value);
    if (memchr(text, '\0', len) != NULL)
        return invalid(r, field, "contains a NUL character");
    if (is_blank(text))
        return invalid(r, field, "is empty; write the text it should hold");
    if (len > CS_TEXT_MAX)
        return invalid(r, field, "is %zu bytes long; at most %d fit in a token", len, CS_TEXT_MAX);
    if (cs_text_check(text, len, text_flags(key), problem, sizeof(problem)) != CS_OK)
        return invalid(r, field, "%s", problem);
    if ((*out = strdup(text)) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

static cs_err read_date(const record_reader *r, const json_t *object, const char *key, int64_t *out)
{
    const json_t *value = json_object_get(object, key);
    const char *text;

    if (value == NULL)
        return invalid(r, key, "missing (it is required)");
    if (!json_is_string(value))
        return invalid(r, key, "expected a date string \"YYYY-MM-DD\", got %s",
                       json_type_name(value));
    text = json_string_value(value);
    if (strlen(text) != 10 || cs_date_parse(text, out) != CS_OK)
        return invalid(r, key, "\"%.40s\" is not a calendar date YYYY-MM-DD", text);
    return CS_OK;
}

static cs_err check_country(const record_reader *r, const char *field, const char *country)
{
    if (strlen(country) != 2 || !isupper((unsigned char)country[0]) ||
        !isupper((unsigned char)country[1]))
        return invalid(r, field, "expected two capital letters (ISO 3166-1 alpha-2), got \"%.20s\"",
                       country);
    return CS_OK;
}

/* "ISO 9001:2015", "ISO/IEC 27001:2022": a designation ending in ":YYYY". */
static cs_err check_standard(const record_reader *r, const char *field, const char *standard)
{
    size_t len = strlen(standard);
    if (len < 6 || standard[len - 5] != ':' || !isdigit((unsigned char)standard[len - 4]) ||
        !isdigit((unsigned char)standard[len - 3]) || !isdigit((unsigned char)standard[len - 2]) ||
        !isdigit((unsigned char)standard[len - 1]))
        return invalid(r, field, "\"%.60s\" lacks its edition; write it as e.g. \"ISO 9001:2015\"",
                       standard);
    return CS_OK;
}

static cs_err check_known_fields(const record_reader *r, const json_t *object, const char *where,
                                 const char *const *known)
{
    const char *key;
    json_t *value;

    json_object_foreach((json_t *)object, key, value)
    {
        bool found = false;
        (void)value;
        for (const char *const *k = known; *k != NULL && !found; k++)
            found = strcmp(*k, key) == 0;
        if (!found)
            return invalid(r, where, "unknown field \"%.40s\" (see schemas/record.schema.json)",
                           key);
    }
    return CS_OK;
}

static cs_err read_organization(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    static const char *const known[] = {"name", "country", "address", NULL};
    const json_t *org = json_object_get(record, "organization");
    cs_err err;

    if (org == NULL)
        return invalid(r, "organization", "missing (it is required)");
    if (!json_is_object(org))
        return invalid(r, "organization", "expected an object, got %s", json_type_name(org));
    if ((err = check_known_fields(r, org, "organization", known)) ||
        (err = read_string(r, org, "name", "organization.name", false, &cert->organization_name)) ||
        (err = read_string(r, org, "country", "organization.country", false,
                           &cert->organization_country)) ||
        (err = check_country(r, "organization.country", cert->organization_country)) ||
        (err = read_string(r, org, "address", "organization.address", false,
                           &cert->organization_address)))
        return err;
    return CS_OK;
}

static cs_err read_sites(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    static const char *const known[] = {"address", "scope", NULL};
    const json_t *sites = json_object_get(record, "sites");
    size_t n;
    cs_err err;

    if (sites == NULL)
        return CS_OK;
    if (!json_is_array(sites))
        return invalid(r, "sites", "expected an array, got %s", json_type_name(sites));
    if ((n = json_array_size(sites)) > CS_LIST_MAX)
        return invalid(r, "sites", "%zu sites; at most %d fit in a token", n, CS_LIST_MAX);
    if (n == 0)
        return CS_OK;
    if ((cert->sites = calloc(n, sizeof(*cert->sites))) == NULL)
        return CS_ERR_NO_MEMORY;
    cert->site_count = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *site = json_array_get(sites, i);
        char where[48], address[64], scope[64];
        snprintf(where, sizeof(where), "sites[%zu]", i);
        snprintf(address, sizeof(address), "sites[%zu].address", i);
        snprintf(scope, sizeof(scope), "sites[%zu].scope", i);
        if (!json_is_object(site))
            return invalid(r, where, "expected an object, got %s", json_type_name(site));
        if ((err = check_known_fields(r, site, where, known)) ||
            (err = read_string(r, site, "address", address, false, &cert->sites[i].address)) ||
            (err = read_string(r, site, "scope", scope, false, &cert->sites[i].scope)))
            return err;
    }
    return CS_OK;
}

static cs_err read_iaf_codes(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    const json_t *codes = json_object_get(record, "iaf_codes");
    size_t n;

    if (codes == NULL)
        return CS_OK;
    if (!json_is_array(codes))
        return invalid(r, "iaf_codes", "expected an array of integers, got %s",
                       json_type_name(codes));
    if ((n = json_array_size(codes)) > CS_LIST_MAX)
        return invalid(r, "iaf_codes", "more than %d codes", CS_LIST_MAX);
    if (n == 0)
        return CS_OK;
    if ((cert->iaf_codes = calloc(n, sizeof(*cert->iaf_codes))) == NULL)
        return CS_ERR_NO_MEMORY;
    cert->iaf_count = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *code = json_array_get(codes, i);
        if (!json_is_integer(code))
            return invalid(r, "iaf_codes", "entry %zu is %s, expected an integer 1-%d", i,
                           json_type_name(code), CS_IAF_CODE_MAX);
        json_int_t value = json_integer_value(code);
        if (value < 1 || value > CS_IAF_CODE_MAX)
            return invalid(r, "iaf_codes", "%lld is not an IAF sector (1-%d)", (long long)value,
                           CS_IAF_CODE_MAX);
        for (size_t j = 0; j < i; j++)
            if (cert->iaf_codes[j] == (uint64_t)value)
                return invalid(r, "iaf_codes", "%lld is given twice (entries %zu and %zu)",
                               (long long)value, j, i);
        cert->iaf_codes[i] = (uint64_t)value;
    }
    return CS_OK;
}

static cs_err read_revision(const record_reader *r, const json_t *record, uint64_t *out)
{
    const json_t *value = json_object_get(record, "revision");
    if (value == NULL)
        return invalid(r, "revision", "missing (it is required; 0 for a first issue)");
    if (!json_is_integer(value) || json_integer_value(value) < 0)
        return invalid(r, "revision", "expected a whole number 0 or more, got %s",
                       json_type_name(value));
    *out = (uint64_t)json_integer_value(value);
    return CS_OK;
}

/* original_grant <= issued <= expires (the expiry date is the last valid day). */
static cs_err check_dates(const record_reader *r, const cs_certificate *cert, int64_t last_day)
{
    if (cert->original_grant > cert->issued_at)
        return invalid(r, "original_grant", "is after the issue date");
    if (last_day < cert->issued_at)
        return invalid(r, "expires", "is before the issue date");
    return CS_OK;
}

static cs_err read_record(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    static const char *const known[] = {"certificate_number",
                                        "standard",
                                        "organization",
                                        "scope",
                                        "sites",
                                        "iaf_codes",
                                        "original_grant",
                                        "issued",
                                        "expires",
                                        "revision",
                                        "accreditation_number",
                                        "$schema",
                                        NULL};
    int64_t last_day = 0;
    cs_err err;

    if (!json_is_object(record))
        return invalid(r, "record", "expected a JSON object, got %s", json_type_name(record));
    if ((err = check_known_fields(r, record, "record", known)) ||
        (err = read_string(r, record, "certificate_number", "certificate_number", false,
                           &cert->number)) ||
        (err = read_string(r, record, "standard", "standard", false, &cert->standard)) ||
        (err = check_standard(r, "standard", cert->standard)) ||
        (err = read_organization(r, record, cert)) ||
        (err = read_string(r, record, "scope", "scope", false, &cert->scope)) ||
        (err = read_sites(r, record, cert)) || (err = read_iaf_codes(r, record, cert)) ||
        (err = read_date(r, record, "original_grant", &cert->original_grant)) ||
        (err = read_date(r, record, "issued", &cert->issued_at)) ||
        (err = read_date(r, record, "expires", &last_day)) ||
        (err = check_dates(r, cert, last_day)) ||
        (err = read_revision(r, record, &cert->revision)) ||
        (err = read_string(r, record, "accreditation_number", "accreditation_number", true,
                           &cert->accreditation_number)))
        return err;
    cert->expires = last_day + CS_SECONDS_PER_DAY; /* DESIGN §3 */
    return CS_OK;
}

cs_err cs_record_parse_json(const char *json, size_t len, cs_certificate *cert, char *detail,
                            size_t detail_size)
{
    record_reader r = {detail, detail_size};
    json_error_t error;
    json_t *root;
    cs_err err;

    if (json == NULL || cert == NULL)
        return CS_ERR_ARGUMENT;
    memset(cert, 0, sizeof(*cert));
    if (len > CS_RECORD_MAX)
        return invalid(&r, "record", "larger than %d bytes", CS_RECORD_MAX);
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &error);
    if (root == NULL) {
        if (detail != NULL && detail_size > 0)
            snprintf(detail, detail_size, "line %d, column %d: %s", error.line, error.column,
                     error.text);
        return CS_ERR_JSON;
    }
    err = read_record(&r, root, cert);
    json_decref(root);
    if (err != CS_OK)
        cs_certificate_clear(cert);
    return err;
}
