/* SPDX-License-Identifier: ISC */
/*
 * The checks a record's text passes before it is signed (certseal/text.h,
 * DESIGN §3: UTF-8, NFC, nothing a terminal acts on).  Apart from text.c
 * because NFC needs ICU's normalisation data, which verifying does not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "certseal/text.h"
#include "internal.h"

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
        size_t n = cs_utf8_decode(s + pos, len - pos, &c);
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
