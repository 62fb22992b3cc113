/* SPDX-License-Identifier: ISC */
/*
 * Text shown to people (certseal/text.h): escaping for terminals, logs and
 * JSON, and the nearest word for a "did you mean".  The checks a record's text passes before it is signed are in
 * text_check.c, so that a program that only verifies does not link ICU.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/text.h"
#include "internal.h"

/* The longest escape: "\uHHHH". */
#define ESCAPE_MAX 6

bool cs_text_is_unsafe(unsigned long c)
{
    return c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
           (c >= 0x2066 && c <= 0x2069);
}

/*
 * Decodes one well-formed UTF-8 sequence (RFC 3629 §4: no overlong forms,
 * no surrogates, nothing above U+10FFFF).  Returns its length, or 0 when
 * s does not start with one.
 */
size_t cs_utf8_decode(const uint8_t *s, size_t len, unsigned long *code_point)
{
    size_t n;
    unsigned long c, min;

    if (len == 0)
        return 0;
    if (s[0] < 0x80) {
        *code_point = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2, c = s[0] & 0x1fu, min = 0x80;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3, c = s[0] & 0x0fu, min = 0x800;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4, c = s[0] & 0x07u, min = 0x10000;
    else
        return 0;
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *code_point = c;
    return n;
}

size_t cs_text_escape(const char *text, size_t len, char *out, size_t out_size)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t pos = 0, need = 0, written = 0;
    bool full = out == NULL;

    if (text == NULL)
        len = 0;
    while (pos < len) {
        char piece[ESCAPE_MAX + 1];
        size_t piece_len;
        unsigned long c = 0;
        /* Printable ASCII, most of any text, stands for itself. */
        if (s[pos] >= 0x20 && s[pos] < 0x7f) {
            if (!full && written + 1 < out_size)
                out[written++] = (char)s[pos];
            else
                full = true;
            need++;
            pos++;
            continue;
        }
        size_t n = cs_utf8_decode(s + pos, len - pos, &c);
        if (n == 0) {
            piece_len = (size_t)snprintf(piece, sizeof(piece), "\\x%02x", s[pos]);
            n = 1;
        } else if (cs_text_is_unsafe(c)) {
            piece_len = (size_t)snprintf(piece, sizeof(piece), c < 0x80 ? "\\x%02lx" : "\\u%04lx",
                                         c);
        } else {
            memcpy(piece, s + pos, n);
            piece_len = n;
        }
        /* Whole pieces only: once one does not fit, nothing more is written. */
        if (!full && written + piece_len < out_size) {
            memcpy(out + written, piece, piece_len);
            written += piece_len;
        } else {
            full = true;
        }
        need += piece_len;
        pos += n;
    }
    if (out != NULL && out_size > 0)
        out[written] = '\0';
    return need;
}

cs_err cs_text_escape_alloc(const char *text, char **out)
{
    size_t len, need;

    if (out != NULL)
        *out = NULL;
    if (text == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    len = strlen(text);
    need = cs_text_escape(text, len, NULL, 0);
    if ((*out = malloc(need + 1)) == NULL)
        return CS_ERR_NO_MEMORY;
    (void)cs_text_escape(text, len, *out, need + 1);
    return CS_OK;
}

cs_err cs_text_escape_json(char **json)
{
    const uint8_t *s;
    size_t len, need = 0, pos, out_pos = 0;
    char *out;

    if (json == NULL || *json == NULL)
        return CS_ERR_ARGUMENT;
    /* Outside strings JSON holds only ASCII, and jansson writes the C0
     * controls inside strings as escapes: only DEL and above are left. */
    s = (const uint8_t *)*json;
    len = strlen(*json);
    for (pos = 0; pos < len;) {
        unsigned long c = 0;
        size_t n = cs_utf8_decode(s + pos, len - pos, &c);
        if (n == 0)
            n = 1; /* not from jansson, which writes UTF-8 only: copied as it is */
        need += c >= 0x7f && cs_text_is_unsafe(c) ? ESCAPE_MAX : n;
        pos += n;
    }
    if (need == len)
        return CS_OK;
    if ((out = malloc(need + 1)) == NULL)
        return CS_ERR_NO_MEMORY;
    for (pos = 0; pos < len;) {
        unsigned long c = 0;
        size_t n = cs_utf8_decode(s + pos, len - pos, &c);
        if (n == 0)
            n = 1, c = 0;
        if (c >= 0x7f && cs_text_is_unsafe(c)) {
            snprintf(out + out_pos, ESCAPE_MAX + 1, "\\u%04X", (unsigned)(c & 0xffff));
            out_pos += ESCAPE_MAX;
        } else {
            memcpy(out + out_pos, s + pos, n);
            out_pos += n;
        }
        pos += n;
    }
    out[out_pos] = '\0';
    free(*json);
    *json = out;
    return CS_OK;
}

/* ---- the nearest word ------------------------------------------------------------ */

static size_t edit_distance(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t row[CS_TEXT_NEAREST_MAX + 1];

    for (size_t j = 0; j <= b_len; j++)
        row[j] = j;
    for (size_t i = 1; i <= a_len; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b_len; j++) {
            size_t above = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diagonal + cost;
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[b_len];
}

const char *cs_text_nearest(const char *word, const char *const *candidates, size_t count)
{
    size_t len = word != NULL ? strlen(word) : CS_TEXT_NEAREST_MAX + 1;
    size_t limit = len / 4 > 2 ? len / 4 : 2, best = limit + 1;
    const char *nearest = NULL;
    bool tie = false;

    if (len > CS_TEXT_NEAREST_MAX || candidates == NULL)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        size_t c_len = candidates[i] != NULL ? strlen(candidates[i]) : CS_TEXT_NEAREST_MAX + 1;
        if (c_len > CS_TEXT_NEAREST_MAX)
            continue;
        size_t d = edit_distance(word, len, candidates[i], c_len);
        if (d < best) {
            best = d;
            nearest = candidates[i];
            tie = false;
        } else if (d == best && nearest != NULL && strcmp(nearest, candidates[i]) != 0) {
            tie = true;
        }
    }
    return tie ? NULL : nearest;
}

char *cs_text_hex(const uint8_t *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
    out[2 * len] = '\0';
    return out;
}

cs_err cs_text_render(void (*render)(FILE *f, const void *arg), const void *arg, char **out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    bool failed;

    *out = NULL;
    if ((f = open_memstream(&buf, &len)) == NULL)
        return CS_ERR_NO_MEMORY;
    render(f, arg);
    failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        free(buf);
        return CS_ERR_NO_MEMORY;
    }
    *out = buf;
    return CS_OK;
}

void cs_text_put_escaped(FILE *f, const char *text)
{
    char *safe = NULL;

    if (cs_text_escape_alloc(text, &safe) == CS_OK)
        fputs(safe, f);
    free(safe);
}
