/* SPDX-License-Identifier: ISC */
/*
 * certseal/report_batch.h - the report of many verifications (`certseal
 * verify --report FILE.csv|FILE.html`): the count of each verdict, then
 * one row per certificate (position, organisation, standard, certificate
 * number, verdict, expiry, reason).  Rows are kept in a temporary file, not
 * in memory, so a report of any length costs the same memory; the counts
 * come first in the report, so it is written at the end.
 *
 * Every value from a token is escaped for where it goes: CSV fields quoted
 * (RFC 4180) with cs_text_escape() applied and a leading =, +, - or @
 * prefixed with ' (no spreadsheet formula), HTML as HTML.  The HTML page is
 * self-contained (inline style, no script, nothing fetched) and printable.
 *
 * Ownership: cs_report_batch_free() frees the report and its temporary file.
 */
#ifndef CERTSEAL_REPORT_BATCH_H
#define CERTSEAL_REPORT_BATCH_H

#include <stdint.h>
#include <stdio.h>

#include "certseal/error.h"
#include "certseal/report.h"
#include "certseal/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_report_batch_kind {
    CS_REPORT_BATCH_CSV,
    CS_REPORT_BATCH_HTML,
} cs_report_batch_kind;

typedef struct cs_report_batch cs_report_batch_t;

/* The kind a report file name asks for: ".csv" or ".html"/".htm" (any
 * case); -1 for anything else. */
int cs_report_batch_kind_for(const char *path);

/* Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY, CS_ERR_IO_WRITE (no temporary
 * file could be made). */
CS_MUST_CHECK cs_err cs_report_batch_new(cs_report_batch_kind kind, cs_report_batch_t **out);
void cs_report_batch_free(cs_report_batch_t **report);

/* Adds one row: the result (NULL for an entry that held no token, then
 * verdict MALFORMED with reason) at pos.  Errors: CS_ERR_ARGUMENT,
 * CS_ERR_IO_WRITE. */
CS_MUST_CHECK cs_err cs_report_batch_add(cs_report_batch_t *report, const cs_report_position *pos,
                                         const cs_verify_result *result, const char *reason);

/* Writes the whole report to out: title and generated_at (seconds), the
 * counts, then the rows.  Errors: CS_ERR_IO_READ, CS_ERR_IO_WRITE. */
CS_MUST_CHECK cs_err cs_report_batch_write(cs_report_batch_t *report, int64_t generated_at,
                                           FILE *out);

#ifdef __cplusplus
}
#endif

#endif
