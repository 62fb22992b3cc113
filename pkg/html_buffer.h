/* SPDX-License-Identifier: ISC */
/*
 * pkg/html_buffer.h - a growable string for building HTML pages (private
 * to libcertseal, never installed): static markup appended as is, text
 * appended escaped.
 *
 * Errors are sticky: an append that cannot grow the buffer marks it
 * failed and every later append does nothing, so a page is built with
 * plain calls and the outcome is checked once, by
 * cs_html_buffer_take().
 *
 * Usage:
 *     cs_html_buffer b = CS_HTML_BUFFER_INIT;
 *     cs_html_buffer_append(&b, "<p>");
 *     cs_html_buffer_append_text(&b, untrusted);
 *     cs_html_buffer_append(&b, "</p>");
 *     err = cs_html_buffer_take(&b, &page);
 */
#ifndef CERTSEAL_HTML_BUFFER_H
#define CERTSEAL_HTML_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#pragma GCC visibility push(hidden)

typedef struct cs_html_buffer {
    char *data; /* NUL-terminated when not NULL */
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed: the content is incomplete */
} cs_html_buffer;

#define CS_HTML_BUFFER_INIT                                                                        \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

/* Appends markup the caller wrote (never text from a token). */
void cs_html_buffer_append(cs_html_buffer *b, const char *markup);

/* Appends each markup string of a NULL-terminated list; CS_HTML_APPEND(b,
 * "<dt>", label, "</dt>") writes the list for the caller. */
void cs_html_buffer_append_list(cs_html_buffer *b, const char *const *markup);
#define CS_HTML_APPEND(b, ...)                                                                     \
    cs_html_buffer_append_list((b), (const char *const[]){__VA_ARGS__, NULL})

/*
 * Appends text (NULL: nothing) escaped for HTML element content and
 * quoted attribute values: & < > " ' as &amp; &lt; &gt; &quot; &#39;.
 * Control characters other than tab and newline (C0, DEL, C1) are
 * dropped, and a byte that does not start a well-formed UTF-8 sequence
 * (a truncated detail, an overlong form, a surrogate) becomes U+FFFD, so
 * nothing in text can open markup or break the document's encoding.
 */
void cs_html_buffer_append_text(cs_html_buffer *b, const char *text);

/* Appends the decimal digits of value. */
void cs_html_buffer_append_uint(cs_html_buffer *b, uint64_t value);

/*
 * Hands the content over: on success *out is the NUL-terminated text
 * (freed by the caller with free()) and the buffer is empty again.  When
 * an append failed, frees the content, sets *out to NULL and returns
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_html_buffer_take(cs_html_buffer *b, char **out);

/* Frees the content; the buffer is empty and usable again. */
void cs_html_buffer_clear(cs_html_buffer *b);

#pragma GCC visibility pop

#endif
