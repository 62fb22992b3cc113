/* SPDX-License-Identifier: ISC */
/* The CSV form of a batch (RFC 4180, with the separator its header row
 * uses: comma, semicolon or tab; the columns are in certseal/batch.h).
 * Each row becomes the JSON record object it stands for and is read by
 * cs_record_parse_object(), as a JSON Lines line is, so CSV and JSON Lines
 * accept the same records. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "batch_csv.h"
#include "batch_internal.h"
#include "certseal/record.h"
#include "certseal/text.h"
#include "internal.h"

#define CSV_FIELDS_MAX 256
#define CSV_BUF_SIZE (CS_BATCH_LINE_MAX + CSV_FIELDS_MAX + 2)

/* ---- the reader -------------------------------------------------------------------- */

typedef struct csv_row {
    char *buf; /* CSV_BUF_SIZE bytes: the fields' texts, each followed by NUL */
    size_t used;
    size_t start[CSV_FIELDS_MAX], length[CSV_FIELDS_MAX];
    size_t count;        /* fields, at most CSV_FIELDS_MAX stored */
    size_t line;         /* the line the row starts on */
    bool quoted;         /* some field was quoted */
    bool too_long;       /* past CS_BATCH_LINE_MAX bytes: texts not kept */
    const char *problem; /* what is wrong with the row's quoting, or NULL */
} csv_row;

typedef struct csv_reader {
    const char *data;
    size_t len, pos, line;
    char separator;
} csv_reader;

enum { CSV_ROW, CSV_END, CSV_UNTERMINATED };

static void put(csv_row *row, char c)
{
    if (row->too_long || row->used + 1 >= CSV_BUF_SIZE - CSV_FIELDS_MAX) {
        row->too_long = true;
        return;
    }
    row->buf[row->used++] = c;
}

static bool at_row_end(const csv_reader *r)
{
    const char *d = r->data;
    size_t p = r->pos;
    return p >= r->len || d[p] == '\n' || (d[p] == '\r' && (p + 1 == r->len || d[p + 1] == '\n'));
}

static void read_unquoted(csv_reader *r, csv_row *row)
{
    while (!at_row_end(r) && r->data[r->pos] != r->separator) {
        if (r->data[r->pos] == '"' && row->problem == NULL)
            row->problem = "a quote inside an unquoted field (quote the whole field and "
                           "double the quote: \"say \"\"hi\"\"\")";
        put(row, r->data[r->pos++]);
    }
}

/* One field, quoted or not; false when a quoted field never ends. */
static bool read_field(csv_reader *r, csv_row *row)
{
    size_t start = row->used;

    if (r->pos < r->len && r->data[r->pos] == '"') {
        row->quoted = true;
        for (r->pos++;;) {
            if (r->pos >= r->len)
                return false;
            char c = r->data[r->pos++];
            if (c == '"' && r->pos < r->len && r->data[r->pos] == '"')
                r->pos++;
            else if (c == '"')
                break;
            else if (c == '\n')
                r->line++;
            put(row, c);
        }
        if (!at_row_end(r) && r->data[r->pos] != r->separator && row->problem == NULL)
            row->problem = "text after a closing quote (a quote inside a quoted field is "
                           "written \"\")";
    }
    read_unquoted(r, row);
    /* put() leaves room for the NULs of CSV_FIELDS_MAX fields. */
    if (row->count < CSV_FIELDS_MAX) {
        row->start[row->count] = start;
        row->length[row->count] = row->too_long ? 0 : row->used - start;
        row->buf[row->used++] = '\0';
    }
    row->count++;
    return true;
}

static int read_row(csv_reader *r, csv_row *row)
{
    size_t start = r->pos;

    row->used = row->count = 0;
    row->quoted = row->too_long = false;
    row->problem = NULL;
    row->line = r->line;
    if (r->pos >= r->len)
        return CSV_END;
    for (;;) {
        if (!read_field(r, row))
            return CSV_UNTERMINATED;
        if (r->pos - start > CS_BATCH_LINE_MAX)
            row->too_long = true;
        if (r->pos < r->len && r->data[r->pos] == r->separator) {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->data[r->pos] == '\r')
            r->pos++;
        if (r->pos < r->len && r->data[r->pos] == '\n') {
            r->pos++;
            r->line++;
        }
        return CSV_ROW;
    }
}

/* The separator of the header row (the first line that is not blank):
 * whichever of comma, semicolon and tab it holds most of outside quotes,
 * the comma when it holds none.  A header names at least ten columns, so
 * its separator outnumbers any other character of the three. */
static char header_separator(const char *data, size_t len)
{
    static const char candidates[] = {',', ';', '\t'};
    size_t counts[sizeof(candidates)] = {0}, pos = 0, best = 0;
    bool quoted = false;

    while (pos < len && (data[pos] == '\n' || data[pos] == '\r'))
        pos++;
    for (; pos < len && (quoted || (data[pos] != '\n' && data[pos] != '\r')); pos++) {
        if (data[pos] == '"')
            quoted = !quoted;
        for (size_t k = 0; k < sizeof(candidates) && !quoted; k++)
            counts[k] += data[pos] == candidates[k];
    }
    for (size_t k = 1; k < sizeof(candidates); k++)
        if (counts[k] > counts[best])
            best = k;
    return candidates[best];
}

static bool row_is_blank(const csv_row *row)
{
    return row->count == 1 && row->length[0] == 0 && !row->quoted;
}

static const char *field_text(const csv_row *row, size_t i)
{
    return row->buf + row->start[i];
}

/* ---- the header -------------------------------------------------------------------- */

typedef enum column_kind {
    COL_TEXT,     /* a required text field, at `key` (in `object` when set) */
    COL_OPTIONAL, /* an optional text field: empty means absent */
    COL_REVISION,
    COL_IAF,
    COL_STANDARDS,   /* designations separated by '|' */
    COL_PREDECESSOR, /* an optional text of the "predecessor" object */
    COL_SITE_ADDRESS,
    COL_SITE_SCOPE,
    COL_IGNORED, /* named by cs_batch_options.ignore_columns */
} column_kind;

typedef struct column_def {
    const char *name;
    column_kind kind;
    const char *object; /* "organization" or NULL */
    const char *key;
} column_def;

static const column_def COLUMNS[] = {
    {"certificate_number", COL_TEXT, NULL, "certificate_number"},
    {"standard", COL_TEXT, NULL, "standard"},
    {"organization.name", COL_TEXT, "organization", "name"},
    {"organization.country", COL_TEXT, "organization", "country"},
    {"organization.address", COL_TEXT, "organization", "address"},
    {"scope", COL_TEXT, NULL, "scope"},
    {"original_grant", COL_TEXT, NULL, "original_grant"},
    {"issued", COL_TEXT, NULL, "issued"},
    {"expires", COL_TEXT, NULL, "expires"},
    {"revision", COL_REVISION, NULL, "revision"},
    {"accreditation_number", COL_OPTIONAL, NULL, "accreditation_number"},
    {"iaf_codes", COL_IAF, NULL, "iaf_codes"},
    {"standards", COL_STANDARDS, NULL, "standards"},
    {"predecessor.certification_body", COL_PREDECESSOR, "predecessor", "certification_body"},
    {"predecessor.certificate_number", COL_PREDECESSOR, "predecessor", "certificate_number"},
    {"restored", COL_OPTIONAL, NULL, "restored"},
};
#define COLUMN_COUNT (sizeof(COLUMNS) / sizeof(COLUMNS[0]))
#define REQUIRED_COLUMNS 10 /* the first ten */
#define STANDARD_COLUMN (&COLUMNS[1])
#define STANDARDS_COLUMN (&COLUMNS[12]) /* may stand in for STANDARD_COLUMN */
/* The separator of the standards of an integrated certificate in one cell:
 * never in a designation, and none of the CSV separators (comma, semicolon,
 * tab), so a cell needs no quoting whichever the file uses. */
#define STANDARDS_SEPARATOR '|'

typedef struct column {
    const column_def *def; /* NULL for a site column */
    column_kind kind;
    size_t site; /* 1..CS_BATCH_CSV_SITES_MAX */
} column;

typedef struct csv_header {
    column columns[CSV_FIELDS_MAX];
    size_t count;
    size_t sites; /* the highest site number named */
} csv_header;

/* "site12.address" -> 12 and COL_SITE_ADDRESS; false for anything else. */
static bool parse_site_column(const char *name, column *col)
{
    size_t n = 0, i = 4;
    if (strncmp(name, "site", 4) != 0 || name[4] < '1' || name[4] > '9')
        return false;
    for (; isdigit((unsigned char)name[i]) && i < 7; i++)
        n = n * 10 + (size_t)(name[i] - '0');
    if (n < 1 || n > CS_BATCH_CSV_SITES_MAX)
        return false;
    if (strcmp(name + i, ".address") == 0)
        col->kind = COL_SITE_ADDRESS;
    else if (strcmp(name + i, ".scope") == 0)
        col->kind = COL_SITE_SCOPE;
    else
        return false;
    col->def = NULL;
    col->site = n;
    return true;
}

static bool same_column(const column *a, const column *b)
{
    return a->def == b->def && a->kind == b->kind && a->site == b->site;
}

static cs_err header_problem(cs_batch *batch, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cs_err header_problem(cs_batch *batch, size_t line, const char *fmt, ...)
{
    char message[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    cs_err err = cs_batch_problem_add(batch, line, "csv", "%s", message);
    return err != CS_OK ? err : CS_ERR_CSV;
}

static bool is_ignored(const char *name, const cs_batch_options *options)
{
    for (size_t i = 0; i < options->ignore_count; i++)
        if (options->ignore_columns[i] != NULL && strcmp(name, options->ignore_columns[i]) == 0)
            return true;
    return false;
}

/* The column name nearest to an unknown one ("organisation.name" ->
 * "organization.name", "site2.adress" -> "site2.address"), or NULL. */
static const char *nearest_column(const char *name, char site_names[2][32])
{
    const char *candidates[COLUMN_COUNT + 2];
    unsigned long site = strncmp(name, "site", 4) == 0 ? strtoul(name + 4, NULL, 10) : 0;

    for (size_t k = 0; k < COLUMN_COUNT; k++)
        candidates[k] = COLUMNS[k].name;
    if (site < 1 || site > CS_BATCH_CSV_SITES_MAX)
        site = 1;
    snprintf(site_names[0], 32, "site%lu.address", site);
    snprintf(site_names[1], 32, "site%lu.scope", site);
    candidates[COLUMN_COUNT] = site_names[0];
    candidates[COLUMN_COUNT + 1] = site_names[1];
    return cs_text_nearest(name, candidates, COLUMN_COUNT + 2);
}

static cs_err unknown_column(cs_batch *batch, size_t line, const char *name)
{
    char site_names[2][32];
    const char *nearest = nearest_column(name, site_names);

    if (nearest != NULL)
        return header_problem(batch, line,
                              "unknown column \"%.60s\": did you mean %s? (a column that is "
                              "not the record's is skipped only when named with "
                              "--ignore-column)",
                              name, nearest);
    return header_problem(batch, line,
                          "unknown column \"%.60s\" (the columns are the record's fields, e.g. "
                          "organization.name, iaf_codes, site1.address; a column of your own "
                          "is skipped only when named with --ignore-column)",
                          name);
}

static bool has_column(const csv_header *h, const column_def *def)
{
    for (size_t i = 0; i < h->count; i++)
        if (h->columns[i].def == def)
            return true;
    return false;
}

static cs_err read_header(const csv_row *row, const cs_batch_options *options, csv_header *h,
                          cs_batch *batch)
{
    if (row->problem != NULL || row->too_long || row->count > CSV_FIELDS_MAX)
        return header_problem(batch, row->line, "the header row does not parse: %s",
                              row->problem != NULL ? row->problem : "too long");
    h->count = row->count;
    for (size_t i = 0; i < row->count; i++) {
        const char *name = field_text(row, i);
        column *col = &h->columns[i];
        if (i == 0 && strncmp(name, "\xEF\xBB\xBF", 3) == 0)
            name += 3;
        col->def = NULL;
        for (size_t k = 0; k < COLUMN_COUNT && col->def == NULL; k++)
            if (strcmp(name, COLUMNS[k].name) == 0)
                *col = (column){&COLUMNS[k], COLUMNS[k].kind, 0};
        if (col->def == NULL && is_ignored(name, options)) {
            *col = (column){NULL, COL_IGNORED, 0};
            continue;
        }
        if (col->def == NULL && !parse_site_column(name, col))
            return unknown_column(batch, row->line, name);
        for (size_t j = 0; j < i; j++)
            if (same_column(&h->columns[j], col))
                return header_problem(batch, row->line, "column \"%.60s\" appears twice", name);
        if (col->def == NULL && col->site > h->sites)
            h->sites = col->site;
    }
    for (size_t k = 0; k < REQUIRED_COLUMNS; k++) {
        bool found = false;
        for (size_t i = 0; i < h->count && !found; i++)
            found = h->columns[i].def == &COLUMNS[k];
        if (!found && STANDARD_COLUMN == &COLUMNS[k] && has_column(h, STANDARDS_COLUMN))
            continue; /* every row names its standards in the list column */
        if (!found)
            return header_problem(
                batch, row->line, "the header lacks the required column %s%s", COLUMNS[k].name,
                STANDARD_COLUMN == &COLUMNS[k] ? " (or standards, for an integrated certificate)"
                                               : "");
    }
    /* With both columns, a row fills one: an empty standard is then absent. */
    for (size_t i = 0; i < h->count; i++)
        if (h->columns[i].def == STANDARD_COLUMN && has_column(h, STANDARDS_COLUMN))
            h->columns[i].kind = COL_OPTIONAL;
    return CS_OK;
}

/* ---- a row as a JSON record ------------------------------------------------------------ */

typedef struct row_builder {
    cs_batch *batch;
    size_t line;
    bool bad; /* a problem was added */
    json_t *record, *organization;
    const char *site_address[CS_BATCH_CSV_SITES_MAX + 1], *site_scope[CS_BATCH_CSV_SITES_MAX + 1];
} row_builder;

static cs_err row_problem(row_builder *b, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cs_err row_problem(row_builder *b, const char *field, const char *fmt, ...)
{
    char message[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    b->bad = true;
    return cs_batch_problem_add(b->batch, b->line, field, "%s", message);
}

/* A whole number of at most 18 digits, nothing else. */
static bool parse_whole(const char *text, size_t len, json_int_t *out)
{
    json_int_t n = 0;
    if (len == 0 || len > 18)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)text[i]))
            return false;
        n = n * 10 + (text[i] - '0');
    }
    *out = n;
    return true;
}

static cs_err add_iaf(row_builder *b, const char *text)
{
    json_t *codes = json_array();
    const char *p = text;

    if (codes == NULL || json_object_set_new(b->record, "iaf_codes", codes) != 0)
        return CS_ERR_NO_MEMORY;
    for (;;) {
        const char *end = strpbrk(p, ";,");
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        json_int_t code;
        while (len > 0 && *p == ' ')
            p++, len--;
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (!parse_whole(p, len, &code))
            return row_problem(b, "iaf_codes",
                               "\"%.60s\" is not a list of sector numbers separated by ';' "
                               "or ',' (e.g. 17;18)",
                               text);
        if (json_array_append_new(codes, json_integer(code)) != 0)
            return CS_ERR_NO_MEMORY;
        if (end == NULL)
            return CS_OK;
        p = end + 1;
    }
}

static cs_err add_text(row_builder *b, json_t *object, const char *key, const char *field,
                       const char *text, size_t len)
{
    json_t *value = json_stringn(text, len);
    if (value == NULL)
        return row_problem(b, field, "%s", "is not valid UTF-8 text");
    return json_object_set_new(object, key, value) == 0 ? CS_OK : CS_ERR_NO_MEMORY;
}

/* "ISO 9001:2015 | ISO 14001:2015" -> "standards": [...]; the record
 * reader checks each designation and refuses repeats. */
static cs_err add_standards(row_builder *b, const char *text)
{
    json_t *list = json_array();
    const char *p = text;

    if (list == NULL || json_object_set_new(b->record, "standards", list) != 0)
        return CS_ERR_NO_MEMORY;
    for (;;) {
        const char *end = strchr(p, STANDARDS_SEPARATOR);
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        json_t *value;
        while (len > 0 && *p == ' ')
            p++, len--;
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == 0)
            return row_problem(b, "standards",
                               "\"%.60s\" holds an empty entry (separate standards with '%c', "
                               "e.g. ISO 9001:2015|ISO 14001:2015)",
                               text, STANDARDS_SEPARATOR);
        if ((value = json_stringn(p, len)) == NULL)
            return row_problem(b, "standards", "%s", "is not valid UTF-8 text");
        if (json_array_append_new(list, value) != 0)
            return CS_ERR_NO_MEMORY;
        if (end == NULL)
            return CS_OK;
        p = end + 1;
    }
}

/* A text of the optional "predecessor" object, made when first needed. */
static cs_err add_predecessor(row_builder *b, const column_def *def, const char *text, size_t len)
{
    json_t *object = json_object_get(b->record, def->object);

    if (object == NULL &&
        ((object = json_object()) == NULL || json_object_set_new(b->record, def->object, object)))
        return CS_ERR_NO_MEMORY;
    return add_text(b, object, def->key, def->name, text, len);
}

static cs_err add_field(row_builder *b, const column *col, const char *text, size_t len)
{
    json_int_t revision;

    switch (col->kind) {
    case COL_TEXT:
        return add_text(b, col->def->object != NULL ? b->organization : b->record, col->def->key,
                        col->def->name, text, len);
    case COL_OPTIONAL:
        return len == 0 ? CS_OK : add_text(b, b->record, col->def->key, col->def->name, text, len);
    case COL_REVISION:
        if (len == 0)
            return CS_OK; /* the record parser says it is missing */
        if (!parse_whole(text, len, &revision))
            return row_problem(b, "revision",
                               "\"%.40s\" is not a whole number (0 for a first "
                               "issue)",
                               text);
        return json_object_set_new(b->record, "revision", json_integer(revision)) == 0
                   ? CS_OK
                   : CS_ERR_NO_MEMORY;
    case COL_IAF:
        return len == 0 ? CS_OK : add_iaf(b, text);
    case COL_STANDARDS:
        return len == 0 ? CS_OK : add_standards(b, text);
    case COL_PREDECESSOR:
        return len == 0 ? CS_OK : add_predecessor(b, col->def, text, len);
    case COL_SITE_ADDRESS:
        b->site_address[col->site] = text;
        return CS_OK;
    case COL_SITE_SCOPE:
        b->site_scope[col->site] = text;
        return CS_OK;
    case COL_IGNORED:
        return CS_OK;
    }
    return CS_ERR_ARGUMENT;
}

static cs_err add_sites(row_builder *b, size_t highest)
{
    json_t *sites = NULL;
    size_t gap = 0;
    cs_err err = CS_OK;

    for (size_t n = 1; n <= highest && err == CS_OK && !b->bad; n++) {
        const char *a = b->site_address[n] != NULL ? b->site_address[n] : "";
        const char *s = b->site_scope[n] != NULL ? b->site_scope[n] : "";
        char field[32];
        if (*a == '\0' && *s == '\0') {
            gap = gap == 0 ? n : gap;
            continue;
        }
        snprintf(field, sizeof(field), "site%zu", n);
        if (gap != 0) {
            b->bad = true;
            return cs_batch_problem_add(b->batch, b->line, field,
                                        "site %zu before it is empty; number the sites from 1 "
                                        "without gaps",
                                        gap);
        }
        if (sites == NULL &&
            ((sites = json_array()) == NULL || json_object_set_new(b->record, "sites", sites)))
            return CS_ERR_NO_MEMORY;
        json_t *site = json_object();
        if (site == NULL || json_array_append_new(sites, site) != 0)
            return CS_ERR_NO_MEMORY;
        snprintf(field, sizeof(field), "site%zu.address", n);
        if ((err = add_text(b, site, "address", field, a, strlen(a))) == CS_OK) {
            snprintf(field, sizeof(field), "site%zu.scope", n);
            err = add_text(b, site, "scope", field, s, strlen(s));
        }
    }
    return err;
}

/* The row's JSON record in *out (NULL when the row had a problem), held
 * to the size a JSON Lines record may have. */
static cs_err row_to_json(const csv_header *h, const csv_row *row, cs_batch *batch, json_t **out)
{
    row_builder b = {.batch = batch, .line = row->line};
    cs_err err = CS_ERR_NO_MEMORY;

    *out = NULL;
    if (row->problem != NULL || row->too_long)
        return cs_batch_problem_add(batch, row->line, "csv", "%s",
                                    row->problem != NULL ? row->problem : "the row is too long");
    if (row->count != h->count)
        return cs_batch_problem_add(batch, row->line, "csv",
                                    "the row has %zu fields but the header names %zu (quote "
                                    "fields that hold commas)",
                                    row->count, h->count);
    for (size_t i = 0; i < row->count; i++)
        if (memchr(field_text(row, i), '\0', row->length[i]) != NULL)
            return cs_batch_problem_add(batch, row->line, "csv",
                                        "field %zu contains a NUL character", i + 1);
    if ((b.record = json_object()) == NULL || (b.organization = json_object()) == NULL ||
        json_object_set(b.record, "organization", b.organization) != 0)
        goto fail;
    err = CS_OK;
    for (size_t i = 0; i < row->count && err == CS_OK && !b.bad; i++)
        err = add_field(&b, &h->columns[i], field_text(row, i), row->length[i]);
    if (err == CS_OK && !b.bad)
        err = add_sites(&b, h->sites);
    if (err == CS_OK && !b.bad) {
        if (json_dumpb(b.record, NULL, 0, JSON_COMPACT) > CS_RECORD_MAX) {
            err = cs_batch_problem_add(batch, row->line, "record", "larger than %d bytes",
                                       CS_RECORD_MAX);
        } else {
            *out = b.record;
            b.record = NULL;
        }
    }
fail:
    json_decref(b.organization);
    json_decref(b.record);
    return err;
}

static cs_err read_record(const csv_header *h, const csv_row *row, cs_batch *batch,
                          size_t *capacity)
{
    cs_certificate cert = {0};
    char detail[CS_DETAIL_SIZE] = "";
    json_t *record = NULL;
    cs_err err;

    if ((err = cs_batch_count_record(batch, row->line)) != CS_OK ||
        (err = row_to_json(h, row, batch, &record)) != CS_OK || record == NULL)
        return err;
    err = cs_record_parse_object(record, &cert, detail, sizeof(detail));
    json_decref(record);
    if (err == CS_ERR_NO_MEMORY)
        return err;
    if (err != CS_OK)
        return cs_batch_problem_from_detail(batch, row->line, err, detail, true);
    err = cs_batch_append(batch, capacity, &cert, row->line);
    cs_certificate_clear(&cert);
    return err;
}

cs_err cs_batch_parse_csv(const char *data, size_t len, const cs_batch_options *options,
                          cs_batch *batch)
{
    csv_reader r = {data, len, 0, 1, header_separator(data, len)};
    csv_row row = {0};
    csv_header *header = NULL;
    size_t capacity = 0;
    bool have_header = false;
    cs_err err = CS_ERR_NO_MEMORY;
    int rc;

    if ((row.buf = malloc(CSV_BUF_SIZE)) == NULL || (header = calloc(1, sizeof(*header))) == NULL)
        goto fail;
    err = CS_OK;
    while (err == CS_OK && (rc = read_row(&r, &row)) == CSV_ROW) {
        if (row_is_blank(&row))
            continue;
        if (!have_header) {
            err = read_header(&row, options, header, batch);
            have_header = true;
        } else {
            err = read_record(header, &row, batch, &capacity);
        }
    }
    if (err == CS_OK && rc == CSV_UNTERMINATED) {
        err = cs_batch_problem_add(batch, row.line, "csv",
                                   "a quoted field that starts here never ends (a closing \" "
                                   "is missing)");
        if (err == CS_OK)
            err = CS_ERR_CSV;
    }
    if (err == CS_OK && !have_header)
        err = header_problem(batch, 0, "%s",
                             "the file is empty: it needs a header row naming "
                             "the columns, then one row per certificate");
fail:
    free(row.buf);
    free(header);
    return err;
}
