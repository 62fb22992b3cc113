/* SPDX-License-Identifier: ISC */
/*
 * certseal/batch.h - a batch of certificate records to issue at once, read
 * from JSON Lines or CSV, every record validated before anything is
 * issued.
 *
 * JSON Lines: one JSON certificate record (record.h,
 * schemas/record.schema.json) per line; blank lines are ignored; a line
 * may end in CRLF.
 *
 * CSV (RFC 4180): a header row names the columns, then one row per
 * certificate.  Fields are separated by commas; a field in double quotes
 * may hold commas, line breaks and "" (one quote).  Rows end in CRLF or LF;
 * blank lines are ignored.  A UTF-8 byte order mark before the header is
 * skipped.  The columns are the record's fields, nested ones with dotted
 * names:
 *
 *   certificate_number     required  text
 *   standard               required  text, e.g. ISO 9001:2015 (or:)
 *   standards              the standards of an integrated certificate,
 *                                    separated by '|' (none of the CSV
 *                                    separators), e.g. ISO 9001:2015|ISO
 *                                    14001:2015; a header may have both
 *                                    columns, a row fills one of them
 *   organization.name      required  text
 *   organization.country   required  ISO 3166-1 alpha-2, e.g. GB
 *   organization.address   required  text
 *   scope                  required  text
 *   original_grant         required  YYYY-MM-DD
 *   issued                 required  YYYY-MM-DD
 *   expires                required  YYYY-MM-DD (last valid day)
 *   revision               required  whole number, 0 for a first issue
 *   accreditation_number   optional  text; empty: taken from the credential
 *   iaf_codes              optional  sector numbers separated by ';',
 *                                    e.g. 17;18 (empty: none)
 *   predecessor.certification_body, predecessor.certificate_number
 *                          optional  the certificate a transfer replaces
 *                                    (IAF MD 2), both or neither
 *   restored               optional  YYYY-MM-DD, restoration date
 *   siteN.address          optional  N = 1..64: the N-th site; a site
 *   siteN.scope                      needs both, sites numbered from 1
 *                                    without gaps (empty pair: no site)
 *
 * Columns may come in any order; an unknown or repeated column name, or a
 * missing required one, refuses the whole file.  A row gives the same
 * cs_certificate as the equivalent JSON record (it is turned into one and
 * read by cs_record_parse_json()).
 *
 * Ownership: a cs_batch owns everything in it; cs_batch_clear() releases
 * it and leaves it zeroed.
 */
#ifndef CERTSEAL_BATCH_H
#define CERTSEAL_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/claims.h"
#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_BATCH_RECORDS_MAX 1000000u          /* records in one batch */
#define CS_BATCH_LINE_MAX (256u * 1024)        /* bytes of one line or CSV row */
#define CS_BATCH_SIZE_MAX (512u * 1024 * 1024) /* bytes of one batch file */
#define CS_BATCH_PROBLEMS_MAX 1000u            /* problems listed; more are counted */
#define CS_BATCH_CSV_SITES_MAX 64              /* site1 .. site64 */

typedef enum cs_batch_format {
    CS_BATCH_AUTO = 0, /* JSON Lines when the first non-blank byte is '{', else CSV */
    CS_BATCH_JSONL = 1,
    CS_BATCH_CSV = 2,
} cs_batch_format;

/* The format named by a file name's extension: ".jsonl" or ".ndjson" give
 * CS_BATCH_JSONL, ".csv" CS_BATCH_CSV (any case), anything else
 * CS_BATCH_AUTO. */
cs_batch_format cs_batch_format_for_path(const char *path);

/* The format named "jsonl" or "csv"; CS_BATCH_AUTO for anything else. */
cs_batch_format cs_batch_format_from_name(const char *name);

/* One thing wrong with one record. */
typedef struct cs_batch_problem {
    size_t line;   /* line (1-based) where the record starts; 0: the whole batch */
    char *field;   /* "organization.country", "json", "csv", "record", ... */
    char *message; /* what is wrong, in words */
} cs_batch_problem;

typedef struct cs_batch {
    cs_certificate *certs; /* count records, in input order (only when valid) */
    size_t *lines;         /* the line each record starts on */
    size_t count;
    cs_batch_problem *problems; /* at most CS_BATCH_PROBLEMS_MAX */
    size_t problem_count;
    size_t problems_omitted; /* problems found beyond the ones listed */
    size_t records_seen;     /* records read, valid or not */
} cs_batch;

void cs_batch_clear(cs_batch *batch);

/* How a batch is read; all zero reads any batch the default way. */
typedef struct cs_batch_options {
    cs_batch_format format; /* CS_BATCH_AUTO: sniffed from the data */
    /* CSV columns that are skipped (borrowed); any other column that is not
     * one of the record's is refused, naming the nearest column name. */
    const char *const *ignore_columns;
    size_t ignore_count;
} cs_batch_options;

/*
 * Reads every record of data[0..len) into *batch (zeroed first), as
 * *options says (NULL: the defaults).  Each record is validated as
 * cs_record_parse_json() does, and two records with the same certificate
 * number are refused (the later one named).  A CSV batch's separator is
 * the comma, semicolon or tab, whichever its header row uses.  On CS_OK
 * the batch holds count >= 1 valid records and no problem.  Otherwise
 * batch->problems lists every bad record (line, field, problem; at most
 * CS_BATCH_PROBLEMS_MAX, the rest counted) and batch->certs is empty, so
 * that a caller can refuse the whole batch.
 * Errors: CS_ERR_RECORD (one or more records are bad, or there is none),
 * CS_ERR_CSV (the CSV header or quoting is broken; listed as a problem
 * too), CS_ERR_TOO_LARGE (more than CS_BATCH_SIZE_MAX bytes or
 * CS_BATCH_RECORDS_MAX records), CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_batch_parse(const char *data, size_t len, const cs_batch_options *options,
                                    cs_batch *batch);

/*
 * Checks every record of a parsed batch against the accreditation the
 * issuer holds, as cs_issuer_issue() will (standard, IAF sectors,
 * accreditation number, issue date within the accreditation), so that a
 * batch is refused before the first certificate is issued.  Problems are
 * added to batch->problems.
 * Errors: CS_ERR_RECORD (problems were added), CS_ERR_ARGUMENT,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_batch_check_accreditation(cs_batch *batch, const cs_accreditation *ac);

#ifdef __cplusplus
}
#endif
#endif
