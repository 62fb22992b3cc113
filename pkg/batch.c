/* SPDX-License-Identifier: ISC */
/* A batch of certificate records (certseal/batch.h): the batch, its
 * problems, and the check against the accreditation.  The readers are
 * pkg/batch_read.c (formats, JSON Lines) and pkg/batch_csv.c (CSV). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "batch_internal.h"
#include "certseal/batch.h"
#include "certseal/date.h"
#include "certseal/record.h"

/* ---- the batch and its problems ------------------------------------------------ */

void cs_batch_clear(cs_batch *batch)
{
    if (batch == NULL)
        return;
    for (size_t i = 0; i < batch->count; i++)
        cs_certificate_clear(&batch->certs[i]);
    for (size_t i = 0; i < batch->problem_count; i++) {
        free(batch->problems[i].field);
        free(batch->problems[i].message);
    }
    free(batch->certs);
    free(batch->lines);
    free(batch->problems);
    memset(batch, 0, sizeof(*batch));
}

cs_err cs_batch_problem_add(cs_batch *batch, size_t line, const char *field, const char *fmt, ...)
{
    cs_batch_problem *p;
    char message[400];
    va_list ap;

    if (batch->problem_count == CS_BATCH_PROBLEMS_MAX) {
        batch->problems_omitted++;
        return CS_OK;
    }
    if (batch->problems == NULL &&
        (batch->problems = calloc(CS_BATCH_PROBLEMS_MAX, sizeof(*batch->problems))) == NULL)
        return CS_ERR_NO_MEMORY;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    p = &batch->problems[batch->problem_count];
    p->line = line;
    if ((p->field = strdup(field)) == NULL || (p->message = strdup(message)) == NULL) {
        free(p->field);
        p->field = NULL;
        return CS_ERR_NO_MEMORY;
    }
    batch->problem_count++;
    return CS_OK;
}

/* Adds a record parser's detail, "field: problem", as a problem.  CSV
 * rows name their sites site1, site2, ... rather than sites[0], ... */
cs_err cs_batch_problem_from_detail(cs_batch *batch, size_t line, cs_err err, const char *detail,
                                    bool csv)
{
    char field[80] = "record";
    const char *message = detail, *colon = strstr(detail, ": ");
    size_t site;
    int used = 0;

    if (err == CS_ERR_JSON) {
        /* "line 1, column 7: ..." about the one line: the column is enough. */
        const char *column = strstr(detail, "column ");
        return cs_batch_problem_add(batch, line, "json", "not valid JSON: %s",
                                    column != NULL ? column : detail);
    }
    if (err != CS_ERR_RECORD)
        return cs_batch_problem_add(batch, line, "record", "%s", cs_strerror(err));
    if (colon != NULL && (size_t)(colon - detail) < sizeof(field)) {
        memcpy(field, detail, (size_t)(colon - detail));
        field[colon - detail] = '\0';
        message = colon + 2;
    }
    if (csv && sscanf(field, "sites[%zu]%n", &site, &used) == 1 && used > 0) {
        char renamed[80];
        snprintf(renamed, sizeof(renamed), "site%zu%s", site + 1, field + used);
        memcpy(field, renamed, sizeof(field));
    }
    return cs_batch_problem_add(batch, line, field, "%s", message);
}

/* Appends a parsed record (moved into the batch; *cert is zeroed). */
cs_err cs_batch_append(cs_batch *batch, size_t *capacity, cs_certificate *cert, size_t line)
{
    if (batch->count == *capacity) {
        size_t n = *capacity == 0 ? 64 : *capacity * 2;
        cs_certificate *certs = realloc(batch->certs, n * sizeof(*certs));
        if (certs == NULL)
            return CS_ERR_NO_MEMORY;
        batch->certs = certs;
        size_t *lines = realloc(batch->lines, n * sizeof(*lines));
        if (lines == NULL)
            return CS_ERR_NO_MEMORY;
        batch->lines = lines;
        *capacity = n;
    }
    batch->certs[batch->count] = *cert;
    batch->lines[batch->count] = line;
    batch->count++;
    memset(cert, 0, sizeof(*cert));
    return CS_OK;
}

/* Counts a record read; CS_ERR_TOO_LARGE past the limit. */
cs_err cs_batch_count_record(cs_batch *batch, size_t line)
{
    if (++batch->records_seen <= CS_BATCH_RECORDS_MAX)
        return CS_OK;
    if (cs_batch_problem_add(batch, line, "batch", "more than %u records; split the batch",
                             CS_BATCH_RECORDS_MAX) != CS_OK)
        return CS_ERR_NO_MEMORY;
    return CS_ERR_TOO_LARGE;
}

void cs_batch_sort_problems(cs_batch *batch)
{
    for (size_t i = 1; i < batch->problem_count; i++) {
        cs_batch_problem p = batch->problems[i];
        size_t j = i;
        for (; j > 0 && batch->problems[j - 1].line > p.line; j--)
            batch->problems[j] = batch->problems[j - 1];
        batch->problems[j] = p;
    }
}

/* ---- against the accreditation --------------------------------------------------- */

static bool has_iaf(const cs_accreditation *ac, uint64_t code)
{
    for (size_t i = 0; i < ac->iaf_count; i++)
        if (ac->iaf_codes[i] == code)
            return true;
    return false;
}

static cs_err check_one(cs_batch *batch, const cs_accreditation *ac, const cs_certificate *c,
                        size_t line)
{
    char day[CS_DATE_TEXT_SIZE], from[CS_DATE_TEXT_SIZE], to[CS_DATE_TEXT_SIZE];
    const char *outside = cs_certificate_unaccredited_standard(c, ac);

    if (outside != NULL)
        return cs_batch_problem_add(
            batch, line, c->standard_count > 1 ? CS_RECORD_KEY_STANDARDS : CS_RECORD_KEY_STANDARD,
            "%.60s is not within accreditation %.60s", outside, ac->number);
    for (size_t i = 0; i < c->iaf_count; i++)
        if (!has_iaf(ac, c->iaf_codes[i]))
            return cs_batch_problem_add(batch, line, CS_RECORD_KEY_IAF_CODES,
                                        "IAF sector %llu is not within accreditation %.60s",
                                        (unsigned long long)c->iaf_codes[i], ac->number);
    if (c->accreditation_number != NULL && strcmp(c->accreditation_number, ac->number) != 0)
        return cs_batch_problem_add(batch, line, CS_RECORD_KEY_ACCREDITATION_NUMBER,
                                    "\"%.60s\" is not the credential's \"%.60s\"",
                                    c->accreditation_number, ac->number);
    if (c->issued_at < ac->not_before || c->issued_at >= ac->expires) {
        cs_date_format(c->issued_at, day);
        cs_date_format(ac->not_before, from);
        cs_date_format(ac->expires - 1, to);
        return cs_batch_problem_add(batch, line, CS_RECORD_KEY_ISSUED,
                                    "%s is outside the accreditation's validity %s to %s", day,
                                    from, to);
    }
    return CS_OK;
}

cs_err cs_batch_check_accreditation(cs_batch *batch, const cs_accreditation *ac)
{
    size_t before;
    cs_err err = CS_OK;

    if (batch == NULL || ac == NULL)
        return CS_ERR_ARGUMENT;
    before = batch->problem_count + batch->problems_omitted;
    for (size_t i = 0; i < batch->count && err == CS_OK; i++)
        err = check_one(batch, ac, &batch->certs[i], batch->lines[i]);
    if (err != CS_OK)
        return err;
    cs_batch_sort_problems(batch);
    return batch->problem_count + batch->problems_omitted > before ? CS_ERR_RECORD : CS_OK;
}
