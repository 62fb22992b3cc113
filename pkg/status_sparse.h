/* SPDX-License-Identifier: ISC */
/*
 * A status list held sparse (internal to status.c): the offsets and values
 * of its bytes that are not 0.  A published list is mostly zeros (every
 * valid certificate, and every index not yet drawn), so a 1,048,576-entry
 * list with 1% of its entries set keeps about 50 KB instead of 256 KB, and
 * reading it touches no fresh page for the zeros.
 *
 * Ownership: a status_sparse is owned by the list that holds it and freed
 * with status_sparse_clear().
 */
#ifndef CERTSEAL_STATUS_SPARSE_H
#define CERTSEAL_STATUS_SPARSE_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

typedef struct status_sparse {
    uint32_t *at;   /* offsets of the bytes that are not 0, ascending */
    uint8_t *value; /* their values */
    size_t count, cap;
} status_sparse;

/* Adds the bytes of chunk[0..n) that are not 0, chunk[0] being byte number
 * offset of the list; offsets must grow from one call to the next and stay
 * below 2^32.  Errors: CS_ERR_NO_MEMORY (s then holds some of the chunk's
 * bytes: the caller drops it with status_sparse_clear()). */
CS_MUST_CHECK cs_err status_sparse_add(status_sparse *s, size_t offset, const uint8_t *chunk,
                                       size_t n);

/* Byte number offset of the list (0 when it is not held). */
uint8_t status_sparse_byte(const status_sparse *s, size_t offset);

/* Writes the bytes held into dense, a zeroed buffer long enough for every
 * offset added. */
void status_sparse_scatter(const status_sparse *s, uint8_t *dense);

void status_sparse_clear(status_sparse *s);

#endif
