/* SPDX-License-Identifier: ISC */
/*
 * Tokens read one entry at a time from a stream (certseal/token_reader.h):
 * a line (or a CSV record) is read into one buffer that grows to the
 * longest entry and never past its cap, so memory does not depend on how
 * many entries there are.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "certseal/token.h"
#include "certseal/token_reader.h"
#include "internal.h"

#define LINE_MAX_LINES CS_TOKEN_TEXT_MAX
#define LINE_MAX_WRAPPED (2 * CS_TOKEN_TEXT_MAX) /* JSON escapes, CSV quotes, other columns */
#define CSV_TOKEN_HEADER "token"

struct cs_token_reader {
    FILE *in;
    const char *name;
    cs_token_format format;
    bool started;
    bool cose_done;  /* the one binary token was handed out */
    bool pending;    /* buf holds the first line, read to tell the format */
    cs_err fatal;    /* CS_OK until the reader is done */
    uint8_t *buf;    /* the current entry, NUL-terminated */
    size_t len, cap;
    uint64_t line;   /* lines read so far */
    uint64_t start;  /* the line the current entry starts on */
    size_t column;   /* CSV: the token column */
    char *field;     /* CSV: the token field, unquoted */
    size_t field_cap;
};

static const char *const FORMAT_NAMES[] = {"auto", "lines", "jsonl", "csv", "cose"};

const char *cs_token_format_name(cs_token_format format)
{
    return format >= 0 && (size_t)format < sizeof(FORMAT_NAMES) / sizeof(FORMAT_NAMES[0])
               ? FORMAT_NAMES[format]
               : NULL;
}

int cs_token_format_parse(const char *name)
{
    if (name == NULL)
        return -1;
    if (strcasecmp(name, "ndjson") == 0)
        return CS_TOKEN_FORMAT_JSONL;
    for (size_t i = 0; i < sizeof(FORMAT_NAMES) / sizeof(FORMAT_NAMES[0]); i++)
        if (strcasecmp(name, FORMAT_NAMES[i]) == 0)
            return (int)i;
    return -1;
}

bool cs_token_reader_fatal(cs_err err)
{
    return err != CS_OK && err != CS_ERR_BATCH_ENTRY && err != CS_ERR_BATCH_LINE_TOO_LONG;
}

cs_err cs_token_reader_new(FILE *in, const char *name, cs_token_format format,
                           cs_token_reader_t **out)
{
    cs_token_reader_t *r;

    if (out != NULL)
        *out = NULL;
    if (in == NULL || out == NULL || cs_token_format_name(format) == NULL)
        return CS_ERR_ARGUMENT;
    if ((r = calloc(1, sizeof(*r))) == NULL)
        return CS_ERR_NO_MEMORY;
    r->in = in;
    r->name = name;
    r->format = format;
    *out = r;
    return CS_OK;
}

void cs_token_reader_free(cs_token_reader_t **reader)
{
    if (reader == NULL || *reader == NULL)
        return;
    free((*reader)->buf);
    free((*reader)->field);
    free(*reader);
    *reader = NULL;
}

cs_token_format cs_token_reader_format(const cs_token_reader_t *reader)
{
    return reader != NULL ? reader->format : CS_TOKEN_FORMAT_AUTO;
}

static bool reserve(uint8_t **buf, size_t *cap, size_t need)
{
    size_t n = *cap > 0 ? *cap : 256;
    uint8_t *p;

    if (need <= *cap)
        return true;
    while (n < need)
        n *= 2;
    if ((p = realloc(*buf, n)) == NULL)
        return false;
    *buf = p;
    *cap = n;
    return true;
}

/* Appends one physical line (without its "\n" or "\r\n") to buf.
 * Returns CS_OK (with *got false at the end of the stream), or
 * CS_ERR_BATCH_LINE_TOO_LONG (the rest of the line read and dropped),
 * CS_ERR_IO_READ, CS_ERR_NO_MEMORY. */
static cs_err append_line(cs_token_reader_t *r, size_t max, bool *got)
{
    bool too_long = false;
    size_t n = 0;
    int c;

    *got = false;
    while ((c = getc_unlocked(r->in)) != EOF) {
        *got = true;
        if (c == '\n')
            break;
        if (too_long)
            continue;
        if (r->len + 1 > max) {
            too_long = true;
            continue;
        }
        if (r->len + 2 > r->cap && !reserve(&r->buf, &r->cap, r->len + 2))
            return CS_ERR_NO_MEMORY;
        r->buf[r->len++] = (uint8_t)c;
        n++;
    }
    if (ferror(r->in))
        return CS_ERR_IO_READ;
    if (*got) {
        r->line++;
        if (r->len > 0 && r->buf[r->len - 1] == '\r')
            r->len--;
    }
    if (r->buf != NULL)
        r->buf[r->len] = '\0';
    (void)n;
    return too_long ? CS_ERR_BATCH_LINE_TOO_LONG : CS_OK;
}

static bool blank(const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isspace(s[i]))
            return false;
    return true;
}

/* True while a CSV record has a quoted field left open. */
static bool csv_open_quote(const uint8_t *s, size_t len)
{
    bool open = false;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '"')
            open = !open;
    return open;
}

static size_t line_max(cs_token_format format)
{
    return format == CS_TOKEN_FORMAT_LINES ? LINE_MAX_LINES : LINE_MAX_WRAPPED;
}

/* The next non-blank entry into r->buf (a CSV record may take several
 * lines); *got false at the end. */
static cs_err read_entry(cs_token_reader_t *r, bool *got)
{
    cs_err err;

    if (r->pending) {
        r->pending = false;
        *got = true;
        err = CS_OK;
    } else {
        do {
            r->len = 0;
            r->start = r->line + 1;
            err = append_line(r, line_max(r->format), got);
        } while (err == CS_OK && *got && blank(r->buf, r->len));
    }
    while (err == CS_OK && *got && r->format == CS_TOKEN_FORMAT_CSV &&
           csv_open_quote(r->buf, r->len)) {
        bool more;
        if (r->len + 2 > r->cap && !reserve(&r->buf, &r->cap, r->len + 2))
            return CS_ERR_NO_MEMORY;
        r->buf[r->len++] = '\n';
        if ((err = append_line(r, LINE_MAX_WRAPPED, &more)) == CS_OK && !more)
            err = CS_ERR_CSV; /* a quote open at the end of the input */
    }
    return err;
}

/* ---- CSV ------------------------------------------------------------------ */

/* Field number `want` of the record in buf (RFC 4180 quoting), unquoted into
 * r->field; *found false when the record has fewer fields. */
static cs_err csv_field(cs_token_reader_t *r, size_t want, bool *found, size_t *out_len)
{
    const uint8_t *s = r->buf;
    size_t i = 0, field = 0, n = 0;

    *found = false;
    *out_len = 0;
    if (!reserve((uint8_t **)&r->field, &r->field_cap, r->len + 1))
        return CS_ERR_NO_MEMORY;
    while (i <= r->len) {
        bool quoted = i < r->len && s[i] == '"';
        n = 0;
        if (quoted) {
            for (i++; i < r->len; i++) {
                if (s[i] == '"' && i + 1 < r->len && s[i + 1] == '"')
                    r->field[n++] = '"', i++;
                else if (s[i] == '"')
                    break;
                else
                    r->field[n++] = (char)s[i];
            }
            i++; /* the closing quote */
        }
        while (i < r->len && s[i] != ',') /* the rest of an unquoted field */
            r->field[n++] = (char)s[i++];
        if (field == want) {
            r->field[n] = '\0';
            *found = true;
            *out_len = n;
            return CS_OK;
        }
        field++;
        i++; /* the comma */
    }
    return CS_OK;
}

/* Trims white space around field in place; returns its new length. */
static size_t trim(char *s, size_t len, char **start)
{
    size_t a = 0;
    while (a < len && isspace((unsigned char)s[a]))
        a++;
    while (len > a && isspace((unsigned char)s[len - 1]))
        len--;
    *start = s + a;
    return len - a;
}

/* The header in buf: which field is "token". */
static cs_err csv_header(cs_token_reader_t *r, char *detail, size_t detail_size)
{
    for (size_t column = 0;; column++) {
        bool found;
        size_t len;
        char *name;
        cs_err err = csv_field(r, column, &found, &len);
        if (err != CS_OK)
            return err;
        if (!found)
            break;
        len = trim(r->field, len, &name);
        if (len == strlen(CSV_TOKEN_HEADER) && strncasecmp(name, CSV_TOKEN_HEADER, len) == 0) {
            r->column = column;
            return CS_OK;
        }
    }
    return cs_detail_fail(detail, detail_size, CS_ERR_BATCH_TOKEN_COLUMN,
                          "the CSV header (line %llu) names no \"token\" column",
                          (unsigned long long)r->start);
}

static bool csv_header_like(const uint8_t *s, size_t len)
{
    /* A first line one of whose comma-separated fields is "token". */
    size_t i = 0;
    while (i <= len) {
        size_t a = i, b;
        while (i < len && s[i] != ',')
            i++;
        b = i;
        while (a < b && (isspace(s[a]) || s[a] == '"'))
            a++;
        while (b > a && (isspace(s[b - 1]) || s[b - 1] == '"'))
            b--;
        if (b - a == 5 && strncasecmp((const char *)s + a, CSV_TOKEN_HEADER, 5) == 0)
            return true;
        i++;
    }
    return false;
}

/* ---- telling the format ------------------------------------------------------ */

static bool looks_like_cose(int c0, int c1)
{
    return c0 == 0xd2 || c0 == 0x84 || (c0 == 0xd8 && c1 == 0x3d);
}

static cs_token_format format_from_name(const char *name)
{
    const char *dot = name != NULL ? strrchr(name, '.') : NULL;
    if (dot == NULL || strchr(dot, '/') != NULL)
        return CS_TOKEN_FORMAT_AUTO;
    if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0)
        return CS_TOKEN_FORMAT_JSONL;
    if (strcasecmp(dot, ".csv") == 0)
        return CS_TOKEN_FORMAT_CSV;
    return CS_TOKEN_FORMAT_AUTO;
}

/* Decides r->format; may leave the first line in buf (r->pending). */
static cs_err start(cs_token_reader_t *r, char *detail, size_t detail_size)
{
    int c0, c1 = EOF;
    bool got;
    cs_err err = CS_OK;

    r->started = true;
    if (r->format == CS_TOKEN_FORMAT_AUTO)
        r->format = format_from_name(r->name);
    if (r->format == CS_TOKEN_FORMAT_AUTO) {
        if ((c0 = getc_unlocked(r->in)) != EOF) {
            if ((c1 = getc_unlocked(r->in)) != EOF)
                ungetc(c1, r->in); /* one byte of push-back is all stdio promises */
            /* c0 is put back by reading it into the line below */
        }
        if (c0 != EOF && looks_like_cose(c0, c1)) {
            if (!reserve(&r->buf, &r->cap, 4096))
                return CS_ERR_NO_MEMORY;
            r->buf[0] = (uint8_t)c0; /* read_cose() goes on after it */
            r->len = 1;
            r->format = CS_TOKEN_FORMAT_COSE;
        } else {
            /* The first non-blank line, c0 in front of it. */
            r->len = 0;
            r->start = 1;
            if (c0 != EOF) {
                if (!reserve(&r->buf, &r->cap, 2))
                    return CS_ERR_NO_MEMORY;
                if (c0 != '\n')
                    r->buf[r->len++] = (uint8_t)c0;
            }
            if (c0 == '\n') {
                r->line = 1;
                r->buf[0] = '\0';
                got = true;
            } else {
                err = c0 == EOF ? CS_OK : append_line(r, LINE_MAX_WRAPPED, &got);
                if (c0 != EOF && !got) /* a last line without its newline */
                    r->line++, got = true;
                if (ferror(r->in))
                    err = CS_ERR_IO_READ;
            }
            while (err == CS_OK && c0 != EOF && blank(r->buf, r->len)) {
                r->len = 0;
                r->start = r->line + 1;
                if ((err = append_line(r, LINE_MAX_WRAPPED, &got)) != CS_OK || !got)
                    break;
            }
            if (err == CS_ERR_IO_READ || err == CS_ERR_NO_MEMORY)
                return err;
            r->pending = c0 != EOF && err == CS_OK && !blank(r->buf, r->len);
            if (!r->pending)
                r->format = CS_TOKEN_FORMAT_LINES;
            else if (r->len > 0 && r->buf[0] == '{')
                r->format = CS_TOKEN_FORMAT_JSONL;
            else if (csv_header_like(r->buf, r->len))
                r->format = CS_TOKEN_FORMAT_CSV;
            else
                r->format = CS_TOKEN_FORMAT_LINES;
            if (err == CS_ERR_BATCH_LINE_TOO_LONG) {
                /* the first line was too long: dropped, reported below */
                r->format = CS_TOKEN_FORMAT_LINES;
                return cs_detail_fail(detail, detail_size, err,
                                      "line %llu is longer than %d bytes",
                                      (unsigned long long)r->start, LINE_MAX_LINES);
            }
        }
    }
    if (r->format == CS_TOKEN_FORMAT_CSV) {
        if (!r->pending) {
            do {
                r->len = 0;
                r->start = r->line + 1;
                err = append_line(r, LINE_MAX_WRAPPED, &got);
            } while (err == CS_OK && got && blank(r->buf, r->len));
            if (err != CS_OK)
                return err == CS_ERR_BATCH_LINE_TOO_LONG ? CS_ERR_BATCH_TOKEN_COLUMN : err;
            if (!got)
                return cs_detail_fail(detail, detail_size, CS_ERR_BATCH_TOKEN_COLUMN,
                                      "the CSV input is empty: no header naming a \"token\" "
                                      "column");
        }
        r->pending = false;
        return csv_header(r, detail, detail_size);
    }
    return CS_OK;
}

/* ---- the entries ------------------------------------------------------------- */

static cs_err read_cose(cs_token_reader_t *r, const uint8_t **token, size_t *len)
{
    size_t n;

    r->cose_done = true;
    do {
        if (!reserve(&r->buf, &r->cap, r->len + 4096))
            return CS_ERR_NO_MEMORY;
        n = fread(r->buf + r->len, 1, r->cap - r->len, r->in);
        r->len += n;
        if (r->len > CS_TOKEN_TEXT_MAX)
            return CS_ERR_TOO_LARGE;
    } while (n > 0);
    if (ferror(r->in))
        return CS_ERR_IO_READ;
    *token = r->buf;
    *len = r->len;
    return CS_OK;
}

static cs_err jsonl_token(cs_token_reader_t *r, const uint8_t **token, size_t *len, char *detail,
                          size_t detail_size)
{
    json_error_t error;
    json_t *root = json_loadb((const char *)r->buf, r->len, JSON_REJECT_DUPLICATES, &error);
    json_t *value = json_is_object(root) ? json_object_get(root, "token") : NULL;
    size_t n;
    cs_err err = CS_OK;

    if (root == NULL)
        err = cs_detail_fail(detail, detail_size, CS_ERR_BATCH_ENTRY,
                             "line %llu is not JSON (%s); expected {\"token\": \"CS1:...\"}",
                             (unsigned long long)r->start, error.text);
    else if (!json_is_string(value))
        err = cs_detail_fail(detail, detail_size, CS_ERR_BATCH_ENTRY,
                             "line %llu has no \"token\" string; expected {\"token\": "
                             "\"CS1:...\"}",
                             (unsigned long long)r->start);
    else if ((n = json_string_length(value)) + 1 > r->field_cap &&
             !reserve((uint8_t **)&r->field, &r->field_cap, n + 1))
        err = CS_ERR_NO_MEMORY;
    else {
        memcpy(r->field, json_string_value(value), n);
        r->field[n] = '\0';
        *token = (const uint8_t *)r->field;
        *len = n;
    }
    json_decref(root);
    return err;
}

static cs_err csv_token(cs_token_reader_t *r, const uint8_t **token, size_t *len, char *detail,
                        size_t detail_size)
{
    bool found;
    size_t n;
    char *start;
    cs_err err = csv_field(r, r->column, &found, &n);

    if (err != CS_OK)
        return err;
    if (!found || (n = trim(r->field, n, &start)) == 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_BATCH_ENTRY,
                              "the CSV row on line %llu has no token in column %zu",
                              (unsigned long long)r->start, r->column + 1);
    *token = (const uint8_t *)start;
    *len = n;
    return CS_OK;
}

cs_err cs_token_reader_next(cs_token_reader_t *r, const uint8_t **token, size_t *len,
                            uint64_t *line, char *detail, size_t detail_size)
{
    bool got = false;
    cs_err err;

    if (detail != NULL && detail_size > 0)
        detail[0] = '\0';
    if (r == NULL || token == NULL || len == NULL || line == NULL)
        return CS_ERR_ARGUMENT;
    *token = NULL;
    *len = 0;
    *line = 0;
    if (r->fatal != CS_OK)
        return r->fatal;
    if (!r->started) {
        err = start(r, detail, detail_size);
        *line = r->start;
        if (err == CS_ERR_BATCH_LINE_TOO_LONG)
            return err;
        if (err != CS_OK)
            return r->fatal = err;
    }
    if (r->format == CS_TOKEN_FORMAT_COSE) {
        if (r->cose_done)
            return CS_OK; /* the one token was handed out */
        err = read_cose(r, token, len);
        if (err == CS_OK && *len == 0)
            *token = NULL;
        return err == CS_OK ? CS_OK : (r->fatal = err);
    }
    err = read_entry(r, &got);
    *line = r->start;
    if (err == CS_ERR_BATCH_LINE_TOO_LONG)
        return cs_detail_fail(detail, detail_size, err, "line %llu is longer than %d bytes",
                              (unsigned long long)r->start, (int)line_max(r->format));
    if (err == CS_ERR_CSV)
        cs_detail_set(detail, detail_size, "the quoted field opened on line %llu is not closed",
                      (unsigned long long)r->start);
    if (err != CS_OK)
        return r->fatal = err;
    if (!got)
        return CS_OK;
    switch (r->format) {
    case CS_TOKEN_FORMAT_JSONL:
        err = jsonl_token(r, token, len, detail, detail_size);
        break;
    case CS_TOKEN_FORMAT_CSV:
        err = csv_token(r, token, len, detail, detail_size);
        break;
    default:
        *token = r->buf;
        *len = r->len;
        break;
    }
    if (err == CS_ERR_NO_MEMORY)
        r->fatal = err;
    return err;
}
