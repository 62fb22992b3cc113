/* SPDX-License-Identifier: ISC */
/* pkg/http_trustlists.h - the verification service's trust lists (never
 * installed): read or fetched, verified with the pinned roots, held as a
 * snapshot every worker's verifier borrows, read again when due. */
#ifndef CERTSEAL_HTTP_TRUSTLISTS_H
#define CERTSEAL_HTTP_TRUSTLISTS_H

#include <stddef.h>

#include "certseal/http.h"
#include "certseal/verify.h"
#include "http_log.h"

#pragma GCC visibility push(hidden)

typedef struct http_trust_lists http_trust_lists;
typedef struct http_trust_snapshot http_trust_snapshot;

/*
 * Reads and verifies options' trust lists (none: *out NULL, CS_OK) with
 * its roots (borrowed), remembering what was seen in history_dir (NULL:
 * memory only).  detail names the list that failed and why.  logger is
 * borrowed.  Errors: a decoding or cs_trustlist_verify() error, the I/O
 * and fetch errors, CS_ERR_ARGUMENT (no root), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err http_trust_lists_open(const cs_http_options *options, const char *history_dir,
                                           http_logger *logger, http_trust_lists **out,
                                           char *detail, size_t detail_size);
void http_trust_lists_close(http_trust_lists **lists);

/* The lists in use (read again first when due), held until
 * http_trust_snapshot_release(); NULL for NULL lists. */
http_trust_snapshot *http_trust_lists_acquire(http_trust_lists *lists);
void http_trust_snapshot_release(http_trust_snapshot **snapshot);

/* Adds the snapshot's lists to verifier (NULL snapshot: none). */
CS_MUST_CHECK cs_err http_trust_snapshot_add_to(const http_trust_snapshot *snapshot,
                                                cs_verifier_t *verifier);

/* Makes the next acquire read every list again. */
void http_trust_lists_reload(http_trust_lists *lists);

#pragma GCC visibility pop

#endif
