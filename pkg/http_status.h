/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_status.h - the watched status list files (pkg/http_status.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_STATUS_H
#define CERTSEAL_HTTP_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/verify.h"
#include "http_log.h"

typedef struct http_status_files http_status_files;

/*
 * Reads every Status List Token under paths (files, or folders whose
 * regular files not starting with '.' are read) and starts a thread that
 * looks at them every second (http.h says when they are read again).  At
 * start every file must read and decode: detail names the first that does
 * not.  paths are copied.  logger is borrowed.
 * Errors: CS_ERR_IO_OPEN, CS_ERR_IO_READ, a status decoding error,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err http_status_files_open(const char *const *paths, size_t count,
                                            http_logger *logger, http_status_files **out,
                                            char *detail, size_t detail_size);
/* Stops the thread and frees everything; NULL is ignored. */
void http_status_files_close(http_status_files **files);

/* Counts up whenever the set of lists changes. */
uint64_t http_status_files_generation(http_status_files *files);

/* Adds the current lists to verifier; returns the generation they are. */
CS_MUST_CHECK cs_err http_status_files_add_to(http_status_files *files, cs_verifier_t *verifier,
                                              uint64_t *generation);

/* Makes the thread read every file again now. */
void http_status_files_reload(http_status_files *files);

#endif
