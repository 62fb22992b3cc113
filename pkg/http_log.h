/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_log.h - the log of the verification service (pkg/http_log.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_LOG_H
#define CERTSEAL_HTTP_LOG_H

#include <pthread.h>
#include <stddef.h>

#include "certseal/http.h"

typedef struct http_logger {
    cs_http_log_fn fn; /* NULL: lines are dropped */
    void *ctx;
    pthread_mutex_t lock; /* one line at a time */
} http_logger;

void http_log(http_logger *logger, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* text for the log: printable ASCII only (any other byte becomes '?'), cut
 * to fit size. */
void http_printable_copy(const char *text, char *out, size_t size);

#endif
