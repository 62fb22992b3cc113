/* SPDX-License-Identifier: ISC */
/* The log of the verification service: one line at a time through the
 * caller's function (http.h), and text made safe for it. */
#include <stdarg.h>
#include <stdio.h>

#include "http_log.h"

void http_log(http_logger *logger, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (logger == NULL || logger->fn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&logger->lock);
    logger->fn(logger->ctx, line);
    pthread_mutex_unlock(&logger->lock);
}

void http_printable_copy(const char *text, char *out, size_t size)
{
    size_t n = 0;

    for (; text[n] != '\0' && n + 1 < size; n++)
        out[n] = text[n] > ' ' && text[n] < 0x7f ? text[n] : '?';
    out[n] = '\0';
}
