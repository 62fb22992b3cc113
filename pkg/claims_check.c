/* SPDX-License-Identifier: ISC */
/* The rules certificate records and accreditation credentials share
 * (DESIGN §3), in one place, and the signing of an accreditation
 * credential that applies them.  Apart from pkg/claims.c, so that a
 * program that only verifies does not link the text checks (ICU). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/cose.h"
#include "certseal/text.h"
#include "internal.h"

#define PROBLEM_SIZE 200 /* one value's problem, before the field name */

static cs_err problem_fail(char *problem, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cs_err problem_fail(char *problem, size_t size, const char *fmt, ...)
{
    if (problem != NULL && size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(problem, size, fmt, ap);
        va_end(ap);
    }
    return CS_ERR_CLAIM_INVALID;
}

static bool is_blank(const char *s)
{
    for (; *s != '\0'; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

cs_err cs_claim_check_text(const char *text, unsigned text_flags, char *problem,
                           size_t problem_size)
{
    char why[160];
    size_t len;

    if (text == NULL)
        return CS_ERR_ARGUMENT;
    if (is_blank(text))
        return problem_fail(problem, problem_size, "is empty; write the text it should hold");
    if ((len = strlen(text)) > CS_TEXT_MAX)
        return problem_fail(problem, problem_size,
                            "longer than %d bytes (%zu), more than fits in a token", CS_TEXT_MAX,
                            len);
    if (cs_text_check(text, len, text_flags, why, sizeof(why)) != CS_OK)
        return problem_fail(problem, problem_size, "%s", why);
    return CS_OK;
}

/* A field's problem as detail "field: problem"; err passes through. */
static cs_err field_fail(char *detail, size_t size, const char *field, cs_err err,
                         const char *problem)
{
    if (err == CS_ERR_CLAIM_INVALID)
        cs_detail_set(detail, size, "%s: %s", field, problem);
    return err;
}

static cs_err check_text_field(const char *field, const char *text, unsigned flags, char *detail,
                               size_t size)
{
    char problem[PROBLEM_SIZE];
    return field_fail(detail, size, field,
                      cs_claim_check_text(text, flags, problem, sizeof(problem)), problem);
}

static cs_err check_standard_field(const char *field, const char *standard, char *detail,
                                   size_t size)
{
    char problem[PROBLEM_SIZE];
    cs_err err = check_text_field(field, standard, 0, detail, size);
    if (err == CS_OK)
        err = field_fail(detail, size, field,
                         cs_claim_check_standard(standard, problem, sizeof(problem)), problem);
    return err;
}

static cs_err check_country_field(const char *field, const char *country, char *detail, size_t size)
{
    char problem[PROBLEM_SIZE];
    return field_fail(detail, size, field,
                      cs_claim_check_country(country, problem, sizeof(problem)), problem);
}

static cs_err check_iaf_codes(const uint64_t *codes, size_t count, char *detail, size_t size)
{
    if (count > CS_LIST_MAX)
        return cs_detail_fail(detail, size, CS_ERR_CLAIM_INVALID, "iaf_codes: more than %d codes",
                              CS_LIST_MAX);
    if (count > 0 && codes == NULL)
        return CS_ERR_ARGUMENT;
    for (size_t i = 0; i < count; i++) {
        if (codes[i] < 1 || codes[i] > CS_IAF_CODE_MAX)
            return cs_detail_fail(detail, size, CS_ERR_CLAIM_INVALID,
                                  "iaf_codes: %llu is not an IAF sector (1-%d)",
                                  (unsigned long long)codes[i], CS_IAF_CODE_MAX);
        for (size_t j = 0; j < i; j++)
            if (codes[j] == codes[i])
                return cs_detail_fail(detail, size, CS_ERR_CLAIM_INVALID,
                                      "iaf_codes: %llu is given twice (entries %zu and %zu)",
                                      (unsigned long long)codes[i], j, i);
    }
    return CS_OK;
}

static cs_err check_status_ref(bool present, const char *uri, char *detail, size_t size)
{
    size_t len;
    if (!present)
        return CS_OK;
    if (uri == NULL)
        return CS_ERR_ARGUMENT;
    len = strlen(uri);
    if (len == 0 || len > CS_STATUS_URI_MAX)
        return cs_detail_fail(detail, size, CS_ERR_CLAIM_INVALID,
                              "status: the list URI is empty or longer than %d bytes",
                              CS_STATUS_URI_MAX);
    return CS_OK;
}

cs_err cs_accreditation_check(const cs_accreditation_params *p, char *detail, size_t detail_size)
{
    cs_err err;

    if (p == NULL || p->issuer == NULL || p->subject == NULL || p->name == NULL ||
        p->number == NULL || p->country == NULL || (p->standard_count > 0 && p->standards == NULL))
        return CS_ERR_ARGUMENT;
    if ((err = check_text_field("issuer", p->issuer, 0, detail, detail_size)) != CS_OK ||
        (err = check_text_field("subject", p->subject, 0, detail, detail_size)) != CS_OK ||
        (err = check_text_field("name", p->name, 0, detail, detail_size)) != CS_OK ||
        (err = check_text_field("number", p->number, 0, detail, detail_size)) != CS_OK ||
        (err = check_country_field("country", p->country, detail, detail_size)) != CS_OK)
        return err;
    if (p->standard_count == 0 || p->standard_count > CS_LIST_MAX)
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                              "standard: %zu standards; give 1 to %d", p->standard_count,
                              CS_LIST_MAX);
    for (size_t i = 0; i < p->standard_count; i++) {
        if (p->standards[i] == NULL)
            return CS_ERR_ARGUMENT;
        if ((err = check_standard_field("standard", p->standards[i], detail, detail_size)) != CS_OK)
            return err;
    }
    if ((err = check_iaf_codes(p->iaf_codes, p->iaf_count, detail, detail_size)) != CS_OK ||
        (err = check_status_ref(p->status.present, p->status.uri, detail, detail_size)) != CS_OK)
        return err;
    if (p->expires <= p->not_before)
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                              "expires: is not after not_before, the first valid day");
    return CS_OK;
}

/* "standards": 1 to CS_LIST_MAX designations with edition, each once. */
static cs_err check_certificate_standards(const cs_certificate *cert, char *detail,
                                          size_t detail_size)
{
    cs_err err;

    if (cert->standard_count == 0 || cert->standard_count > CS_LIST_MAX)
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                              "%s: %zu standards; give 1 to %d", CS_RECORD_KEY_STANDARDS,
                              cert->standard_count, CS_LIST_MAX);
    for (size_t i = 0; i < cert->standard_count; i++) {
        if (cert->standards[i] == NULL)
            return CS_ERR_ARGUMENT;
        if ((err = check_standard_field(cert->standard_count == 1 ? CS_RECORD_KEY_STANDARD
                                                                  : CS_RECORD_KEY_STANDARDS,
                                        cert->standards[i], detail, detail_size)) != CS_OK)
            return err;
        for (size_t j = 0; j < i; j++)
            if (strcmp(cert->standards[j], cert->standards[i]) == 0)
                return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                                      "%s: '%.80s' is given twice (list each standard once)",
                                      CS_RECORD_KEY_STANDARDS, cert->standards[i]);
    }
    return CS_OK;
}

/* "predecessor": both the previous CB and its certificate number, or none. */
static cs_err check_predecessor(const cs_predecessor *p, char *detail, size_t detail_size)
{
    cs_err err;

    if (p->certification_body == NULL && p->number == NULL)
        return CS_OK;
    if (p->certification_body == NULL || p->number == NULL)
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                              "%s: give both %s and %s of the transferred certificate",
                              CS_RECORD_KEY_PREDECESSOR, CS_RECORD_KEY_CERTIFICATION_BODY,
                              CS_RECORD_KEY_NUMBER);
    if ((err = check_text_field("predecessor.certification_body", p->certification_body, 0, detail,
                                detail_size)) != CS_OK ||
        (err = check_text_field("predecessor.certificate_number", p->number, 0, detail,
                                detail_size)) != CS_OK)
        return err;
    return CS_OK;
}

cs_err cs_certificate_check(const cs_certificate *cert, char *detail, size_t detail_size)
{
    char where[48];
    cs_err err;

    if (cert == NULL || cert->number == NULL || cert->standards == NULL ||
        cert->organization_name == NULL || cert->organization_country == NULL ||
        cert->organization_address == NULL || cert->scope == NULL ||
        (cert->site_count > 0 && cert->sites == NULL))
        return CS_ERR_ARGUMENT;
    if ((err = check_text_field(CS_RECORD_KEY_NUMBER, cert->number, 0, detail, detail_size)) ||
        (err = check_certificate_standards(cert, detail, detail_size)) ||
        (err = check_text_field("organization.name", cert->organization_name, 0, detail,
                                detail_size)) ||
        (err = check_text_field("organization.country", cert->organization_country, 0, detail,
                                detail_size)) ||
        (err = check_country_field("organization.country", cert->organization_country, detail,
                                   detail_size)) ||
        (err = check_text_field("organization.address", cert->organization_address,
                                CS_TEXT_MULTILINE, detail, detail_size)) ||
        (err = check_text_field(CS_RECORD_KEY_SCOPE, cert->scope, CS_TEXT_MULTILINE, detail,
                                detail_size)))
        return err;
    if (cert->site_count > CS_LIST_MAX)
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                              "sites: %zu sites; at most %d fit in a token", cert->site_count,
                              CS_LIST_MAX);
    for (size_t i = 0; i < cert->site_count; i++) {
        if (cert->sites[i].address == NULL || cert->sites[i].scope == NULL)
            return CS_ERR_ARGUMENT;
        snprintf(where, sizeof(where), "sites[%zu].address", i);
        if ((err = check_text_field(where, cert->sites[i].address, CS_TEXT_MULTILINE, detail,
                                    detail_size)) != CS_OK)
            return err;
        snprintf(where, sizeof(where), "sites[%zu].scope", i);
        if ((err = check_text_field(where, cert->sites[i].scope, CS_TEXT_MULTILINE, detail,
                                    detail_size)) != CS_OK)
            return err;
    }
    if (cert->food_chain_count > CS_LIST_MAX ||
        (cert->food_chain_count > 0 && cert->food_chain_categories == NULL))
        return CS_ERR_ARGUMENT;
    for (size_t i = 0; i < cert->food_chain_count; i++) {
        char problem[PROBLEM_SIZE];
        if (cs_claim_check_food_chain(cert->food_chain_categories[i], problem, sizeof(problem)) !=
            CS_OK)
            return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID, "%s: %s",
                                  CS_RECORD_KEY_FOOD_CHAIN, problem);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cert->food_chain_categories[j], cert->food_chain_categories[i]) == 0)
                return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                                      "%s: '%s' is given twice", CS_RECORD_KEY_FOOD_CHAIN,
                                      cert->food_chain_categories[i]);
    }
    if ((err = check_iaf_codes(cert->iaf_codes, cert->iaf_count, detail, detail_size)) != CS_OK ||
        (err = check_status_ref(cert->status.present, cert->status.uri, detail, detail_size)) !=
            CS_OK)
        return err;
    if (cert->accreditation_number != NULL &&
        (err = check_text_field(CS_RECORD_KEY_ACCREDITATION_NUMBER, cert->accreditation_number, 0,
                                detail, detail_size)) != CS_OK)
        return err;
    if ((err = check_predecessor(&cert->predecessor, detail, detail_size)) != CS_OK)
        return err;
    if (cert->has_restored &&
        (cert->restored < cert->original_grant || cert->restored > cert->issued_at))
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                              "%s: is before the original grant or after the issue date (a "
                              "certificate is restored after it was granted and before this "
                              "revision)",
                              CS_RECORD_KEY_RESTORED);
    if (cert->original_grant > cert->issued_at)
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                              "original_grant: is after the issue date");
    if (cert->expires <= cert->issued_at)
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_INVALID,
                              "expires: is before the issue date");
    return CS_OK;
}

/* ---- signing ------------------------------------------------------------------- */

cs_err cs_accreditation_sign(const cs_key_t *ab_key, const cs_accreditation_params *params,
                             uint8_t **out, size_t *out_len, char *detail, size_t detail_size)
{
    uint8_t *claims = NULL;
    size_t claims_len = 0;
    cs_cose_sign1_headers headers = {.typ = CS_TYP_ACCREDITATION};
    cs_err err;

    if (ab_key == NULL || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = cs_accreditation_check(params, detail, detail_size)) != CS_OK ||
        (err = cs_accreditation_encode_claims(params, &claims, &claims_len)) != CS_OK ||
        (err = cs_cose_sign1_sign(ab_key, &headers, claims, claims_len, out, out_len)) != CS_OK ||
        (err = cs_cose_sign1_check_own(ab_key, *out, *out_len, detail, detail_size)) != CS_OK)
        goto fail;
    free(claims);
    return CS_OK;
fail:
    free(claims);
    free(*out);
    *out = NULL;
    return err;
}
