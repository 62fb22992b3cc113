/* SPDX-License-Identifier: ISC */
/* A growable string with HTML escaping (html_buffer.h). */
#include <stdlib.h>
#include <string.h>

#include "html_buffer.h"

#define HTML_BUFFER_MIN 4096
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

/* Makes room for n more bytes and the NUL; false (and failed) when it
 * cannot. */
static bool reserve(cs_html_buffer *b, size_t n)
{
    size_t cap;
    char *data;

    if (b->failed)
        return false;
    if (n < b->cap - b->len)
        return true;
    if (n > SIZE_MAX / 2 - b->len - 1) {
        b->failed = true;
        return false;
    }
    cap = b->cap > 0 ? b->cap : HTML_BUFFER_MIN;
    while (cap <= b->len + n)
        cap *= 2;
    if ((data = realloc(b->data, cap)) == NULL) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

static void append_bytes(cs_html_buffer *b, const char *bytes, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void cs_html_buffer_append(cs_html_buffer *b, const char *markup)
{
    if (markup != NULL)
        append_bytes(b, markup, strlen(markup));
}

void cs_html_buffer_append_list(cs_html_buffer *b, const char *const *markup)
{
    for (; *markup != NULL; markup++)
        cs_html_buffer_append(b, *markup);
}

void cs_html_buffer_append_uint(cs_html_buffer *b, uint64_t value)
{
    char digits[24];
    size_t i = sizeof(digits);

    do {
        digits[--i] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    append_bytes(b, digits + i, sizeof(digits) - i);
}

/* The length of the well-formed UTF-8 sequence at s (Unicode 15, table
 * 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_length(const unsigned char *s)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return n;
}

/* The entity for an ASCII byte that needs one, or NULL. */
static const char *entity(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

/* True for the control characters dropped: C0 but tab and newline, DEL,
 * and C1 (U+0080-U+009F, which UTF-8 writes as C2 80 - C2 9F). */
static bool dropped(const unsigned char *s, size_t n)
{
    if (n == 1)
        return (s[0] < 0x20 && s[0] != '\t' && s[0] != '\n') || s[0] == 0x7f;
    return n == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

void cs_html_buffer_append_text(cs_html_buffer *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t run = 0; /* bytes of s copied as they are, not yet appended */

    if (text == NULL)
        return;
    while (s[run] != '\0') {
        const unsigned char *p = s + run;
        size_t n = utf8_length(p);
        const char *replace = n == 0 ? REPLACEMENT : n == 1 ? entity(*p) : NULL;

        if (replace == NULL && !(n > 0 && dropped(p, n))) {
            run += n;
            continue;
        }
        append_bytes(b, (const char *)s, run);
        if (replace != NULL)
            cs_html_buffer_append(b, replace);
        s = p + (n > 0 ? n : 1);
        run = 0;
    }
    append_bytes(b, (const char *)s, run);
}

cs_err cs_html_buffer_take(cs_html_buffer *b, char **out)
{
    if (b->failed || !reserve(b, 0)) {
        cs_html_buffer_clear(b);
        *out = NULL;
        return CS_ERR_NO_MEMORY;
    }
    *out = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return CS_OK;
}

void cs_html_buffer_clear(cs_html_buffer *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}
