/* SPDX-License-Identifier: ISC */
/*
 * certseal/report_status.h - what a Status List Token holds, counted and
 * rendered as the text of `certseal status show`, beside the renderers of
 * certseal/report.h.  The list's URI is escaped as report.h says.
 *
 * Ownership: the rendering is a new NUL-terminated string freed with
 * free(); *out is NULL on failure.
 */
#ifndef CERTSEAL_REPORT_STATUS_H
#define CERTSEAL_REPORT_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How many entries of a list hold each status. */
typedef struct cs_status_counts {
    size_t of[4]; /* indexed by cs_status: VALID (and unused), WITHDRAWN, SUSPENDED, SUPERSEDED */
    size_t other; /* values above 3, in lists of 4 or 8 bits */
} cs_status_counts;

/* Counts the entries of list into *counts. */
void cs_status_list_count(const cs_status_list_t *list, cs_status_counts *counts);

/*
 * The text of `certseal status show`: a "NOT VERIFIED" line, then the
 * token's URI, dates, ttl, bits, entries, kid and the count of each
 * status; with index_given, a last line with the status at index.
 * Nothing here is verified: token comes from cs_status_token_decode().
 * Errors: CS_ERR_ARGUMENT (NULL, or index outside the list),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_report_status_text(const cs_status_token *token, bool index_given,
                                           uint64_t index, char **out);

#ifdef __cplusplus
}
#endif
#endif
