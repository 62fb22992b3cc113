/* SPDX-License-Identifier: ISC */
/*
 * certseal/token_reader.h - the tokens of a file or stream, one at a time,
 * in constant memory, whatever the count: lines of tokens, the JSON Lines
 * `certseal issue --batch` writes ({"number":...,"token":...} per line),
 * CSV with a header row naming a "token" column (RFC 4180: quoted fields,
 * also across lines), or one binary COSE token.
 *
 * Ownership: the reader borrows the stream (the caller closes it); the
 * token handed out is borrowed until the next call.
 * Thread safety: one reader per thread.
 */
#ifndef CERTSEAL_TOKEN_READER_H
#define CERTSEAL_TOKEN_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_token_format {
    CS_TOKEN_FORMAT_AUTO = 0, /* from the name, else the first bytes */
    CS_TOKEN_FORMAT_LINES,    /* one token per line, blank lines skipped */
    CS_TOKEN_FORMAT_JSONL,    /* one JSON object per line, its "token" */
    CS_TOKEN_FORMAT_CSV,      /* a header row, then the "token" column */
    CS_TOKEN_FORMAT_COSE,     /* the whole stream is one binary token */
} cs_token_format;

/* "auto", "lines", "jsonl", "csv", "cose"; NULL when unknown. */
const char *cs_token_format_name(cs_token_format format);

/* The format named (as above; "ndjson" is "jsonl"), or -1. */
int cs_token_format_parse(const char *name);

typedef struct cs_token_reader cs_token_reader_t;

/*
 * A reader of in.  name (may be NULL) is used only to tell the format
 * with CS_TOKEN_FORMAT_AUTO: ".jsonl" or ".ndjson" is JSON Lines, ".csv"
 * CSV; otherwise binary COSE (tag 18, tag 61 or an array of four first) is
 * one token, a first line starting with '{' is JSON Lines, a first line
 * with a field named token (commas or not) is CSV, and anything else lines.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_token_reader_new(FILE *in, const char *name, cs_token_format format,
                                         cs_token_reader_t **out);
void cs_token_reader_free(cs_token_reader_t **reader);

/* The format in use (known once the first cs_token_reader_next() ran). */
cs_token_format cs_token_reader_format(const cs_token_reader_t *reader);

/*
 * The next token: CS_OK with *token (borrowed until the next call, not
 * NUL-terminated) and *len, or CS_OK with *token NULL at the end.  *line is
 * the 1-based line where the entry starts (0 for binary COSE).
 * An entry that holds no token is reported and passed over: the next call
 * goes on with the entry after it:
 *   CS_ERR_BATCH_ENTRY          a JSON line that is not an object with a
 *                               "token" string, a CSV row without the column
 *   CS_ERR_BATCH_LINE_TOO_LONG  a line (CSV record) longer than
 *                               CS_TOKEN_TEXT_MAX (twice that for JSON and CSV)
 * and detail (may be NULL) says what was wrong.  After these the reader is
 * done, every later call returning the same: CS_ERR_BATCH_TOKEN_COLUMN
 * (a CSV header without "token"), CS_ERR_CSV (a quote left open at the end),
 * CS_ERR_TOO_LARGE (binary COSE past CS_TOKEN_TEXT_MAX), CS_ERR_IO_READ
 * (errno set), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_token_reader_next(cs_token_reader_t *reader, const uint8_t **token,
                                          size_t *len, uint64_t *line, char *detail,
                                          size_t detail_size);

/* True when err from cs_token_reader_next() ends the input (see above). */
bool cs_token_reader_fatal(cs_err err);

#ifdef __cplusplus
}
#endif

#endif
