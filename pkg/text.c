/*
 * Text shown to people (certseal/text.h): escaping for terminals and logs,
 * and the checks a record's text passes before it is signed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

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
static size_t utf8_decode(const uint8_t *s, size_t len, unsigned long *code_point)
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
        size_t n = utf8_decode(s + pos, len - pos, &c);
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
        size_t n = utf8_decode(s + pos, len - pos, &c);
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
        size_t n = utf8_decode(s + pos, len - pos, &c);
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

/* Whether the UTF-8 text (already checked well-formed) is in NFC (UAX #15),
 * by ICU's normaliser. */
static cs_err check_nfc(const char *text, size_t len, char *detail, size_t detail_size)
{
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    UChar *wide = NULL;
    int32_t wide_len = 0;
    cs_err err = CS_ERR_NO_MEMORY;

    if (len > INT32_MAX / 2)
        return cs_detail_fail(detail, detail_size, CS_ERR_TEXT, "text is too long to check");
    if (U_FAILURE(status) || (wide = malloc((len + 1) * sizeof(*wide))) == NULL)
        goto fail;
    u_strFromUTF8(wide, (int32_t)len + 1, &wide_len, text, (int32_t)len, &status);
    if (U_FAILURE(status))
        goto fail;
    if (!unorm2_isNormalized(nfc, wide, wide_len, &status) && U_SUCCESS(status)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_TEXT,
                             "is not in Unicode Normalization Form C (compose it: NFC)");
        goto fail;
    }
    err = U_SUCCESS(status) ? CS_OK : CS_ERR_NO_MEMORY;
fail:
    free(wide);
    return err;
}

cs_err cs_text_check(const char *text, size_t len, unsigned flags, char *detail,
                     size_t detail_size)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t pos = 0;

    cs_detail_set(detail, detail_size, "%s", "");
    if (text == NULL && len > 0)
        return CS_ERR_ARGUMENT;
    while (pos < len) {
        unsigned long c = 0;
        size_t n = utf8_decode(s + pos, len - pos, &c);
        if (n == 0)
            return cs_detail_fail(detail, detail_size, CS_ERR_TEXT,
                                  "is not UTF-8 (byte %zu, 0x%02x)", pos, s[pos]);
        if (cs_text_is_unsafe(c) && !(c == '\n' && (flags & CS_TEXT_MULTILINE)))
            return cs_detail_fail(detail, detail_size, CS_ERR_TEXT,
                                  "holds U+%04lX, a %s, at byte %zu (remove it%s)", c,
                                  c >= 0x202a ? "bidirectional control" : "control character",
                                  pos,
                                  c == '\n' ? "; this field is one line"
                                  : (c == '\r' && (flags & CS_TEXT_MULTILINE))
                                      ? "; end lines with LF alone"
                                      : "");
        pos += n;
    }
    return len > 0 ? check_nfc(text, len, detail, detail_size) : CS_OK;
}
