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

/* Fields whose text may run over several lines (LF only): addresses and
 * scopes.  Everything else is one line. */
static unsigned text_flags(const char *key)
{
    return strcmp(key, CS_RECORD_KEY_ADDRESS) == 0 || strcmp(key, CS_RECORD_KEY_SCOPE) == 0
               ? CS_TEXT_MULTILINE
               : 0;
}

/* A required (or, with optional, absent-is-fine) non-blank string: UTF-8
 * in NFC, without control or bidirectional characters (DESIGN §3). */
static cs_err copy_string(const record_reader *r, const json_t *value, unsigned flags,
                          const char *field, char **out)
{
    const char *text;
    size_t len;
    char problem[240];

    if (!json_is_string(value))
        return invalid(r, field, "expected a string, got %s", json_type_name(value));
    text = json_string_value(value);
    len = json_string_length(value);
    if (memchr(text, '\0', len) != NULL)
        return invalid(r, field, "contains a NUL character");
    if (cs_claim_check_text(text, flags, problem, sizeof(problem)) != CS_OK)
        return invalid(r, field, "%s", problem);
    if ((*out = strdup(text)) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

static cs_err read_string(const record_reader *r, const json_t *object, const char *key,
                          const char *field, bool optional, char **out)
{
    const json_t *value = json_object_get(object, key);

    if (value == NULL)
        return optional ? CS_OK : invalid(r, field, "missing (it is required)");
    return copy_string(r, value, text_flags(key), field, out);
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

/* The rules records share with credentials (cs_claim_check_*()). */
static cs_err check_country(const record_reader *r, const char *field, const char *country)
{
    char problem[240];
    if (cs_claim_check_country(country, problem, sizeof(problem)) != CS_OK)
        return invalid(r, field, "%s", problem);
    return CS_OK;
}

static cs_err check_standard(const record_reader *r, const char *field, const char *standard)
{
    char problem[240];
    if (cs_claim_check_standard(standard, problem, sizeof(problem)) != CS_OK)
        return invalid(r, field, "%s", problem);
    return CS_OK;
}

static cs_err check_known_fields(const record_reader *r, const json_t *object, const char *where,
                                 const char *const *known);

/* The standards of the record: "standard" (one) or "standards" (an array
 * of one or more, for an integrated management-system certificate), never
 * both; each a designation with edition, each once. */
static cs_err read_standards(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    const json_t *one = json_object_get(record, CS_RECORD_KEY_STANDARD);
    const json_t *list = json_object_get(record, CS_RECORD_KEY_STANDARDS);
    char where[48];
    size_t n;
    cs_err err;

    if (one != NULL && list != NULL)
        return invalid(r, CS_RECORD_KEY_STANDARDS,
                       "given together with \"%s\" (use \"%s\" alone for one standard or "
                       "\"%s\" alone for an integrated certificate)",
                       CS_RECORD_KEY_STANDARD, CS_RECORD_KEY_STANDARD, CS_RECORD_KEY_STANDARDS);
    if (list == NULL) {
        if ((cert->standards = calloc(1, sizeof(char *))) == NULL)
            return CS_ERR_NO_MEMORY;
        cert->standard_count = 1;
        if ((err = read_string(r, record, CS_RECORD_KEY_STANDARD, CS_RECORD_KEY_STANDARD, false,
                               &cert->standards[0])) != CS_OK)
            return err;
        return check_standard(r, CS_RECORD_KEY_STANDARD, cert->standards[0]);
    }
    if (!json_is_array(list))
        return invalid(r, CS_RECORD_KEY_STANDARDS, "expected an array of texts, got %s",
                       json_type_name(list));
    if ((n = json_array_size(list)) == 0 || n > CS_LIST_MAX)
        return invalid(r, CS_RECORD_KEY_STANDARDS, "%zu standards; give 1 to %d", n, CS_LIST_MAX);
    if ((cert->standards = calloc(n, sizeof(char *))) == NULL)
        return CS_ERR_NO_MEMORY;
    cert->standard_count = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(list, i);
        snprintf(where, sizeof(where), "%s[%zu]", CS_RECORD_KEY_STANDARDS, i);
        if ((err = copy_string(r, item, 0, where, &cert->standards[i])) != CS_OK ||
            (err = check_standard(r, where, cert->standards[i])) != CS_OK)
            return err;
        for (size_t j = 0; j < i; j++)
            if (strcmp(cert->standards[j], cert->standards[i]) == 0)
                return invalid(r, CS_RECORD_KEY_STANDARDS,
                               "'%.80s' is given twice (entries %zu and %zu; list each standard "
                               "once)",
                               cert->standards[i], j, i);
    }
    return CS_OK;
}

/* "predecessor": {"certification_body", "certificate_number"} of the
 * certificate a transfer replaces (IAF MD 2), both required. */
static cs_err read_predecessor(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    static const char *const known[] = {CS_RECORD_KEY_CERTIFICATION_BODY, CS_RECORD_KEY_NUMBER,
                                        NULL};
    const json_t *p = json_object_get(record, CS_RECORD_KEY_PREDECESSOR);
    cs_err err;

    if (p == NULL)
        return CS_OK;
    if (!json_is_object(p))
        return invalid(r, CS_RECORD_KEY_PREDECESSOR,
                       "expected an object {\"%s\": ..., \"%s\": ...}, got %s",
                       CS_RECORD_KEY_CERTIFICATION_BODY, CS_RECORD_KEY_NUMBER, json_type_name(p));
    if ((err = check_known_fields(r, p, CS_RECORD_KEY_PREDECESSOR, known)) ||
        (err = read_string(r, p, CS_RECORD_KEY_CERTIFICATION_BODY, "predecessor.certification_body",
                           false, &cert->predecessor.certification_body)) ||
        (err = read_string(r, p, CS_RECORD_KEY_NUMBER, "predecessor.certificate_number", false,
                           &cert->predecessor.number)))
        return err;
    return CS_OK;
}

/* "restored": the date a suspended certificate was restored (ISO/IEC
 * 17021-1 §9.6.3.2.5), between the original grant and this issue. */
static cs_err read_restored(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    cs_err err;

    if (json_object_get(record, CS_RECORD_KEY_RESTORED) == NULL)
        return CS_OK;
    if ((err = read_date(r, record, CS_RECORD_KEY_RESTORED, &cert->restored)) != CS_OK)
        return err;
    cert->has_restored = true;
    if (cert->restored < cert->original_grant)
        return invalid(r, CS_RECORD_KEY_RESTORED, "is before the original grant");
    if (cert->restored > cert->issued_at)
        return invalid(r, CS_RECORD_KEY_RESTORED,
                       "is after the issue date (issue the restored certificate on or after "
                       "the day it was restored)");
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
    static const char *const known[] = {CS_RECORD_KEY_NAME, CS_RECORD_KEY_COUNTRY,
                                        CS_RECORD_KEY_ADDRESS, NULL};
    const json_t *org = json_object_get(record, CS_RECORD_KEY_ORGANIZATION);
    cs_err err;

    if (org == NULL)
        return invalid(r, CS_RECORD_KEY_ORGANIZATION, "missing (it is required)");
    if (!json_is_object(org))
        return invalid(r, CS_RECORD_KEY_ORGANIZATION, "expected an object, got %s",
                       json_type_name(org));
    if ((err = check_known_fields(r, org, CS_RECORD_KEY_ORGANIZATION, known)) ||
        (err = read_string(r, org, CS_RECORD_KEY_NAME, "organization.name", false,
                           &cert->organization_name)) ||
        (err = read_string(r, org, CS_RECORD_KEY_COUNTRY, "organization.country", false,
                           &cert->organization_country)) ||
        (err = check_country(r, "organization.country", cert->organization_country)) ||
        (err = read_string(r, org, CS_RECORD_KEY_ADDRESS, "organization.address", false,
                           &cert->organization_address)))
        return err;
    return CS_OK;
}

static cs_err read_sites(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    static const char *const known[] = {CS_RECORD_KEY_ADDRESS, CS_RECORD_KEY_SCOPE, NULL};
    const json_t *sites = json_object_get(record, CS_RECORD_KEY_SITES);
    size_t n;
    cs_err err;

    if (sites == NULL)
        return CS_OK;
    if (!json_is_array(sites))
        return invalid(r, CS_RECORD_KEY_SITES, "expected an array, got %s", json_type_name(sites));
    if ((n = json_array_size(sites)) > CS_LIST_MAX)
        return invalid(r, CS_RECORD_KEY_SITES, "%zu sites; at most %d fit in a token", n,
                       CS_LIST_MAX);
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
            (err = read_string(r, site, CS_RECORD_KEY_ADDRESS, address, false,
                               &cert->sites[i].address)) ||
            (err = read_string(r, site, CS_RECORD_KEY_SCOPE, scope, false, &cert->sites[i].scope)))
            return err;
    }
    return CS_OK;
}

static cs_err read_iaf_codes(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    const json_t *codes = json_object_get(record, CS_RECORD_KEY_IAF_CODES);
    size_t n;

    if (codes == NULL)
        return CS_OK;
    if (!json_is_array(codes))
        return invalid(r, CS_RECORD_KEY_IAF_CODES, "expected an array of integers, got %s",
                       json_type_name(codes));
    if ((n = json_array_size(codes)) > CS_LIST_MAX)
        return invalid(r, CS_RECORD_KEY_IAF_CODES, "more than %d codes", CS_LIST_MAX);
    if (n == 0)
        return CS_OK;
    if ((cert->iaf_codes = calloc(n, sizeof(*cert->iaf_codes))) == NULL)
        return CS_ERR_NO_MEMORY;
    cert->iaf_count = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *code = json_array_get(codes, i);
        if (!json_is_integer(code))
            return invalid(r, CS_RECORD_KEY_IAF_CODES, "entry %zu is %s, expected an integer 1-%d",
                           i, json_type_name(code), CS_IAF_CODE_MAX);
        json_int_t value = json_integer_value(code);
        if (value < 1 || value > CS_IAF_CODE_MAX)
            return invalid(r, CS_RECORD_KEY_IAF_CODES, "%lld is not an IAF sector (1-%d)",
                           (long long)value, CS_IAF_CODE_MAX);
        for (size_t j = 0; j < i; j++)
            if (cert->iaf_codes[j] == (uint64_t)value)
                return invalid(r, CS_RECORD_KEY_IAF_CODES,
                               "%lld is given twice (entries %zu and %zu)", (long long)value, j, i);
        cert->iaf_codes[i] = (uint64_t)value;
    }
    return CS_OK;
}

/* "food_chain_categories": ISO 22003-1 categories as text (DESIGN §3 "fcc"). */
static cs_err read_food_chain(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    const json_t *list = json_object_get(record, CS_RECORD_KEY_FOOD_CHAIN);
    char problem[160];
    size_t n;

    if (list == NULL)
        return CS_OK;
    if (!json_is_array(list))
        return invalid(r, CS_RECORD_KEY_FOOD_CHAIN, "expected an array of texts, got %s",
                       json_type_name(list));
    if ((n = json_array_size(list)) > CS_LIST_MAX)
        return invalid(r, CS_RECORD_KEY_FOOD_CHAIN, "more than %d categories", CS_LIST_MAX);
    if (n == 0)
        return CS_OK;
    if ((cert->food_chain_categories = calloc(n, sizeof(char *))) == NULL)
        return CS_ERR_NO_MEMORY;
    cert->food_chain_count = n;
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(list, i);
        if (!json_is_string(item))
            return invalid(r, CS_RECORD_KEY_FOOD_CHAIN, "entry %zu is %s, expected text like \"CI\"",
                           i, json_type_name(item));
        if (cs_claim_check_food_chain(json_string_value(item), problem, sizeof(problem)) != CS_OK)
            return invalid(r, CS_RECORD_KEY_FOOD_CHAIN, "%s", problem);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cert->food_chain_categories[j], json_string_value(item)) == 0)
                return invalid(r, CS_RECORD_KEY_FOOD_CHAIN, "'%s' is given twice",
                               json_string_value(item));
        if ((cert->food_chain_categories[i] = strdup(json_string_value(item))) == NULL)
            return CS_ERR_NO_MEMORY;
    }
    return CS_OK;
}

static cs_err read_revision(const record_reader *r, const json_t *record, uint64_t *out)
{
    const json_t *value = json_object_get(record, CS_RECORD_KEY_REVISION);
    if (value == NULL)
        return invalid(r, CS_RECORD_KEY_REVISION, "missing (it is required; 0 for a first issue)");
    if (!json_is_integer(value) || json_integer_value(value) < 0)
        return invalid(r, CS_RECORD_KEY_REVISION, "expected a whole number 0 or more, got %s",
                       json_type_name(value));
    *out = (uint64_t)json_integer_value(value);
    return CS_OK;
}

/* original_grant <= issued <= expires (the expiry date is the last valid day). */
static cs_err check_dates(const record_reader *r, const cs_certificate *cert, int64_t last_day)
{
    if (cert->original_grant > cert->issued_at)
        return invalid(r, CS_RECORD_KEY_ORIGINAL_GRANT, "is after the issue date");
    if (last_day < cert->issued_at)
        return invalid(r, CS_RECORD_KEY_EXPIRES, "is before the issue date");
    return CS_OK;
}

static cs_err read_record(const record_reader *r, const json_t *record, cs_certificate *cert)
{
    static const char *const known[] = {CS_RECORD_KEY_NUMBER,
                                        CS_RECORD_KEY_STANDARD,
                                        CS_RECORD_KEY_STANDARDS,
                                        CS_RECORD_KEY_ORGANIZATION,
                                        CS_RECORD_KEY_SCOPE,
                                        CS_RECORD_KEY_SITES,
                                        CS_RECORD_KEY_IAF_CODES,
                                        CS_RECORD_KEY_FOOD_CHAIN,
                                        CS_RECORD_KEY_ORIGINAL_GRANT,
                                        CS_RECORD_KEY_ISSUED,
                                        CS_RECORD_KEY_EXPIRES,
                                        CS_RECORD_KEY_REVISION,
                                        CS_RECORD_KEY_ACCREDITATION_NUMBER,
                                        CS_RECORD_KEY_PREDECESSOR,
                                        CS_RECORD_KEY_RESTORED,
                                        CS_RECORD_KEY_SCHEMA,
                                        NULL};
    int64_t last_day = 0;
    cs_err err;

    if (!json_is_object(record))
        return invalid(r, "record", "expected a JSON object, got %s", json_type_name(record));
    if ((err = check_known_fields(r, record, "record", known)) ||
        (err = read_string(r, record, CS_RECORD_KEY_NUMBER, CS_RECORD_KEY_NUMBER, false,
                           &cert->number)) ||
        (err = read_standards(r, record, cert)) || (err = read_organization(r, record, cert)) ||
        (err = read_string(r, record, CS_RECORD_KEY_SCOPE, CS_RECORD_KEY_SCOPE, false,
                           &cert->scope)) ||
        (err = read_sites(r, record, cert)) || (err = read_iaf_codes(r, record, cert)) ||
        (err = read_food_chain(r, record, cert)) ||
        (err = read_date(r, record, CS_RECORD_KEY_ORIGINAL_GRANT, &cert->original_grant)) ||
        (err = read_date(r, record, CS_RECORD_KEY_ISSUED, &cert->issued_at)) ||
        (err = read_date(r, record, CS_RECORD_KEY_EXPIRES, &last_day)) ||
        (err = check_dates(r, cert, last_day)) ||
        (err = read_revision(r, record, &cert->revision)) ||
        (err =
             read_string(r, record, CS_RECORD_KEY_ACCREDITATION_NUMBER,
                         CS_RECORD_KEY_ACCREDITATION_NUMBER, true, &cert->accreditation_number)) ||
        (err = read_predecessor(r, record, cert)) || (err = read_restored(r, record, cert)))
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
    err = cs_record_parse_object(root, cert, detail, detail_size);
    json_decref(root);
    return err;
}

cs_err cs_record_parse_object(const json_t *record, cs_certificate *cert, char *detail,
                              size_t detail_size)
{
    record_reader r = {detail, detail_size};
    cs_err err;

    if (record == NULL || cert == NULL)
        return CS_ERR_ARGUMENT;
    memset(cert, 0, sizeof(*cert));
    if ((err = read_record(&r, record, cert)) != CS_OK)
        cs_certificate_clear(cert);
    return err;
}
