/* SPDX-License-Identifier: ISC */
/* The certificate record as JSON (schemas/record.schema.json): the writing
 * side, which the verifying core needs for its reports.  The reader, which
 * checks the text of each field (certseal/text.h, ICU), is pkg/record.c. */
#include <stdlib.h>

#include <jansson.h>

#include "certseal/date.h"
#include "certseal/record.h"
#include "certseal/text.h"
#include "internal.h"

cs_err cs_record_to_json(const cs_certificate *cert, unsigned flags, char **out)
{
    json_t *object;

    if (cert == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if ((object = cs_record_json_object(cert)) == NULL)
        return CS_ERR_NO_MEMORY;
    *out =
        json_dumps(object, JSON_PRESERVE_ORDER |
                               ((flags & CS_RECORD_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT));
    json_decref(object);
    if (*out != NULL && cs_text_escape_json(out) != CS_OK) {
        free(*out);
        *out = NULL;
    }
    return *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}

static json_t *date_string(int64_t t)
{
    char text[CS_DATE_TEXT_SIZE];
    cs_date_format(t, text);
    return json_string(text);
}

static json_t *uint_array(const uint64_t *values, size_t count)
{
    json_t *array = json_array();
    for (size_t i = 0; array != NULL && i < count; i++)
        json_array_append_new(array, json_integer((json_int_t)values[i]));
    return array;
}

static json_t *nullable_string(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

json_t *cs_record_json_object(const cs_certificate *cert)
{
    json_t *o = json_object();
    json_t *org = json_object();
    json_t *sites = json_array();

    if (o == NULL || org == NULL || sites == NULL) {
        json_decref(o);
        json_decref(org);
        json_decref(sites);
        return NULL;
    }
    json_object_set_new(org, CS_RECORD_KEY_NAME, nullable_string(cert->organization_name));
    json_object_set_new(org, CS_RECORD_KEY_COUNTRY, nullable_string(cert->organization_country));
    json_object_set_new(org, CS_RECORD_KEY_ADDRESS, nullable_string(cert->organization_address));
    for (size_t i = 0; i < cert->site_count; i++)
        json_array_append_new(sites, json_pack("{s:s?, s:s?}", CS_RECORD_KEY_ADDRESS,
                                               cert->sites[i].address, CS_RECORD_KEY_SCOPE,
                                               cert->sites[i].scope));
    json_object_set_new(o, CS_RECORD_KEY_NUMBER, nullable_string(cert->number));
    /* One standard as "standard", several as "standards": the record's two
     * spellings, so that this output reads back as a record. */
    if (cert->standard_count == 1) {
        json_object_set_new(o, CS_RECORD_KEY_STANDARD, nullable_string(cert->standards[0]));
    } else {
        json_t *list = json_array();
        for (size_t i = 0; list != NULL && i < cert->standard_count; i++)
            json_array_append_new(list, nullable_string(cert->standards[i]));
        json_object_set_new(o, CS_RECORD_KEY_STANDARDS, list != NULL ? list : json_null());
    }
    json_object_set_new(o, CS_RECORD_KEY_ORGANIZATION, org);
    json_object_set_new(o, CS_RECORD_KEY_SCOPE, nullable_string(cert->scope));
    json_object_set_new(o, CS_RECORD_KEY_SITES, sites);
    json_object_set_new(o, CS_RECORD_KEY_IAF_CODES, uint_array(cert->iaf_codes, cert->iaf_count));
    if (cert->food_chain_count > 0) {
        json_t *fcc = json_array();
        for (size_t i = 0; fcc != NULL && i < cert->food_chain_count; i++)
            json_array_append_new(fcc, json_string(cert->food_chain_categories[i]));
        json_object_set_new(o, CS_RECORD_KEY_FOOD_CHAIN, fcc != NULL ? fcc : json_null());
    }
    json_object_set_new(o, CS_RECORD_KEY_ORIGINAL_GRANT, date_string(cert->original_grant));
    json_object_set_new(o, CS_RECORD_KEY_ISSUED, date_string(cert->issued_at));
    json_object_set_new(o, CS_RECORD_KEY_EXPIRES, date_string(cert->expires - CS_SECONDS_PER_DAY));
    json_object_set_new(o, CS_RECORD_KEY_REVISION, json_integer((json_int_t)cert->revision));
    json_object_set_new(o, CS_RECORD_KEY_ACCREDITATION_NUMBER,
                        nullable_string(cert->accreditation_number));
    if (cert->predecessor.certification_body != NULL)
        json_object_set_new(
            o, CS_RECORD_KEY_PREDECESSOR,
            json_pack("{s:s, s:s}", CS_RECORD_KEY_CERTIFICATION_BODY,
                      cert->predecessor.certification_body, CS_RECORD_KEY_NUMBER,
                      cert->predecessor.number != NULL ? cert->predecessor.number : ""));
    if (cert->has_restored)
        json_object_set_new(o, CS_RECORD_KEY_RESTORED, date_string(cert->restored));
    json_object_set_new(o, CS_RECORD_KEY_ISSUER, nullable_string(cert->issuer));
    return o;
}
