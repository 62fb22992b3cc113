/* SPDX-License-Identifier: ISC */
/*
 * pkg/batch_csv.h - the CSV reader of batches (pkg/batch_csv.c), called by
 * pkg/batch_read.c.  Never installed, never exported.
 */
#ifndef CERTSEAL_BATCH_CSV_H
#define CERTSEAL_BATCH_CSV_H

#include <stddef.h>

#include "certseal/batch.h"

#pragma GCC visibility push(hidden)

/* Reads a CSV batch (certseal/batch.h has the columns), skipping the
 * columns options names (not NULL).
 * Errors: CS_ERR_CSV (header, unterminated quote), CS_ERR_TOO_LARGE,
 * CS_ERR_NO_MEMORY; bad rows become problems. */
CS_MUST_CHECK cs_err cs_batch_parse_csv(const char *data, size_t len,
                                        const cs_batch_options *options, cs_batch *batch);

#pragma GCC visibility pop

#endif
