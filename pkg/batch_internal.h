/* SPDX-License-Identifier: ISC */
/*
 * pkg/batch_internal.h - the batch and its problems (pkg/batch.c), for the
 * readers that fill it (pkg/batch_read.c, pkg/batch_csv.c).  Never
 * installed, never exported.
 */
#ifndef CERTSEAL_BATCH_INTERNAL_H
#define CERTSEAL_BATCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "certseal/batch.h"

#pragma GCC visibility push(hidden)

/* Adds a problem (beyond CS_BATCH_PROBLEMS_MAX only counted).
 * Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_batch_problem_add(cs_batch *batch, size_t line, const char *field,
                                          const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds what cs_record_parse_json() said (err, detail) as a problem. */
CS_MUST_CHECK cs_err cs_batch_problem_from_detail(cs_batch *batch, size_t line, cs_err err,
                                                  const char *detail, bool csv);

/* Moves *cert to the end of the batch (growing *capacity). */
CS_MUST_CHECK cs_err cs_batch_append(cs_batch *batch, size_t *capacity, cs_certificate *cert,
                                     size_t line);

/* Counts one more record read; CS_ERR_TOO_LARGE (with a problem) past
 * CS_BATCH_RECORDS_MAX. */
CS_MUST_CHECK cs_err cs_batch_count_record(cs_batch *batch, size_t line);

/* Orders the problems by line, keeping the order of those of one line. */
void cs_batch_sort_problems(cs_batch *batch);

#pragma GCC visibility pop

#endif
