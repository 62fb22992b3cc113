/* SPDX-License-Identifier: ISC */
/* Reading a batch of certificate records from JSON Lines or CSV
 * (certseal/batch.h).  Every record goes through cs_record_parse_json(), so
 * a batch accepts exactly what a single record would; a CSV row is first
 * turned into the equivalent JSON object (pkg/batch_csv.c). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "batch_csv.h"
#include "batch_internal.h"
#include "certseal/batch.h"
#include "certseal/date.h"
#include "certseal/record.h"
#include "internal.h"

/* ---- formats ------------------------------------------------------------------- */

cs_batch_format cs_batch_format_for_path(const char *path)
{
    const char *dot = path != NULL ? strrchr(path, '.') : NULL;
    if (dot == NULL || strchr(dot, '/') != NULL)
        return CS_BATCH_AUTO;
    if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0)
        return CS_BATCH_JSONL;
    if (strcasecmp(dot, ".csv") == 0)
        return CS_BATCH_CSV;
    return CS_BATCH_AUTO;
}

cs_batch_format cs_batch_format_from_name(const char *name)
{
    if (name != NULL && strcasecmp(name, "jsonl") == 0)
        return CS_BATCH_JSONL;
    if (name != NULL && strcasecmp(name, "csv") == 0)
        return CS_BATCH_CSV;
    return CS_BATCH_AUTO;
}

static cs_batch_format sniff(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    return i < len && data[i] == '{' ? CS_BATCH_JSONL : CS_BATCH_CSV;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)s[i]))
            return false;
    return true;
}

/* ---- JSON Lines ---------------------------------------------------------------- */

static cs_err parse_jsonl_line(cs_batch *batch, size_t *capacity, const char *text, size_t len,
                               size_t line)
{
    cs_certificate cert = {0};
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    if ((err = cs_batch_count_record(batch, line)) != CS_OK)
        return err;
    if (len > CS_BATCH_LINE_MAX)
        return cs_batch_problem_add(batch, line, "record", "longer than %u bytes",
                                    CS_BATCH_LINE_MAX);
    err = cs_record_parse_json(text, len, &cert, detail, sizeof(detail));
    if (err == CS_ERR_NO_MEMORY)
        return err;
    if (err != CS_OK)
        return cs_batch_problem_from_detail(batch, line, err, detail, false);
    err = cs_batch_append(batch, capacity, &cert, line);
    cs_certificate_clear(&cert);
    return err;
}

static cs_err parse_jsonl(const char *data, size_t len, cs_batch *batch)
{
    size_t pos = 0, line = 0, capacity = 0;
    cs_err err = CS_OK;

    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len && err == CS_OK) {
        const char *start = data + pos, *end = memchr(start, '\n', len - pos);
        size_t n = end != NULL ? (size_t)(end - start) : len - pos;
        pos += n + (end != NULL);
        line++;
        if (n > 0 && start[n - 1] == '\r')
            n--;
        if (!is_blank(start, n))
            err = parse_jsonl_line(batch, &capacity, start, n, line);
    }
    return err;
}

/* ---- checks across the batch ----------------------------------------------------- */

typedef struct numbered {
    const char *number;
    size_t index;
} numbered;

static int compare_numbered(const void *a, const void *b)
{
    const numbered *x = a, *y = b;
    int c = strcmp(x->number, y->number);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

cs_err cs_certificates_each_repeat(const cs_certificate *certs, size_t count, cs_repeat_fn repeat,
                                   void *ctx)
{
    numbered *all;
    cs_err err = CS_OK;

    if (count < 2)
        return CS_OK;
    if ((all = calloc(count, sizeof(*all))) == NULL)
        return CS_ERR_NO_MEMORY;
    for (size_t i = 0; i < count; i++)
        all[i] = (numbered){certs[i].number, i};
    qsort(all, count, sizeof(*all), compare_numbered);
    for (size_t i = 1, first = 0; i < count && err == CS_OK; i++) {
        if (strcmp(all[first].number, all[i].number) != 0)
            first = i;
        else
            err = repeat(ctx, all[first].index, all[i].index);
    }
    free(all);
    return err;
}

/* Two records with one certificate number: the later one is named. */
static cs_err add_repeat_problem(void *ctx, size_t first, size_t later)
{
    cs_batch *batch = ctx;
    return cs_batch_problem_add(batch, batch->lines[later], CS_RECORD_KEY_NUMBER,
                                "\"%.60s\" is already on line %zu; each certificate appears "
                                "once in a batch",
                                batch->certs[later].number, batch->lines[first]);
}

/* A batch with problems keeps its problems only. */
static void drop_records(cs_batch *batch)
{
    for (size_t i = 0; i < batch->count; i++)
        cs_certificate_clear(&batch->certs[i]);
    free(batch->certs);
    free(batch->lines);
    batch->certs = NULL;
    batch->lines = NULL;
    batch->count = 0;
}

cs_err cs_batch_parse(const char *data, size_t len, const cs_batch_options *options,
                      cs_batch *batch)
{
    static const cs_batch_options defaults = {0};
    cs_batch_format format;
    cs_err err;

    if (batch == NULL || (data == NULL && len > 0))
        return CS_ERR_ARGUMENT;
    memset(batch, 0, sizeof(*batch));
    if (len > CS_BATCH_SIZE_MAX) {
        err = cs_batch_problem_add(batch, 0, "batch", "larger than %u bytes; split the batch",
                                   CS_BATCH_SIZE_MAX);
        return err != CS_OK ? err : CS_ERR_TOO_LARGE;
    }
    if (options == NULL)
        options = &defaults;
    format = options->format != CS_BATCH_AUTO ? options->format : sniff(data, len);
    if (format == CS_BATCH_JSONL)
        err = parse_jsonl(data, len, batch);
    else if (format == CS_BATCH_CSV)
        err = cs_batch_parse_csv(data, len, options, batch);
    else
        err = CS_ERR_ARGUMENT;
    if (err == CS_OK)
        err = cs_certificates_each_repeat(batch->certs, batch->count, add_repeat_problem, batch);
    if (err == CS_OK && batch->records_seen == 0)
        err = cs_batch_problem_add(batch, 0, "batch",
                                   "holds no records (one per line, or CSV rows after a header)");
    if (err == CS_OK && batch->problem_count + batch->problems_omitted > 0)
        err = CS_ERR_RECORD;
    if (err != CS_OK)
        drop_records(batch);
    if (err == CS_ERR_NO_MEMORY || err == CS_ERR_ARGUMENT)
        cs_batch_clear(batch);
    cs_batch_sort_problems(batch);
    return err;
}
