/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_verifiers.h - one verifier per worker, rebuilt when the status lists
 * change (pkg/http_verifiers.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_VERIFIERS_H
#define CERTSEAL_HTTP_VERIFIERS_H

#include "certseal/http.h"
#include "certseal/verify.h"
#include "http_log.h"
#include "http_status.h"
#include "http_trustlists.h"

typedef struct http_verifiers http_verifiers;
typedef struct http_verifier_slot http_verifier_slot;

/*
 * slots verifiers over options->trust, with options' time, skew and
 * status requirement, the lists of files (may be NULL) and, when
 * options->fetch, a shared fetcher.  files and logger are borrowed.
 * Errors: CS_ERR_FETCH, CS_ERR_IO_OPEN (the fetch cache folder),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err http_verifiers_new(const cs_http_options *options, size_t slots,
                                        http_status_files *files, http_logger *logger,
                                        http_verifiers **out);
void http_verifiers_free(http_verifiers **verifiers);

/* The trust lists every verifier uses (borrowed; NULL: none). */
void http_verifiers_set_trust_lists(http_verifiers *verifiers, http_trust_lists *lists);

/* A verifier for this thread's exclusive use until http_verifier_release(),
 * up to date with the status lists; NULL when one cannot be made (out of
 * memory). */
http_verifier_slot *http_verifier_acquire(http_verifiers *verifiers);
cs_verifier_t *http_verifier_of(http_verifier_slot *slot);
void http_verifier_release(http_verifier_slot *slot);

#endif
