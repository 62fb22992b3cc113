/* SPDX-License-Identifier: ISC */
/* libFuzzer target for certseal/text.h: whatever the bytes, the escaped
 * copy is well-formed UTF-8 holding no character cs_text_is_unsafe()
 * names; a copy cut short by a small buffer is a prefix of the whole one;
 * and text cs_text_check() accepts (without line feeds) escapes to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless s is well-formed UTF-8 without an unsafe character. */
static void require_safe(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        unsigned long cp;
        size_t n;
        if (*p < 0x80)
            cp = *p, n = 1;
        else if ((*p & 0xe0) == 0xc0)
            cp = *p & 0x1f, n = 2;
        else if ((*p & 0xf0) == 0xe0)
            cp = *p & 0x0f, n = 3;
        else if ((*p & 0xf8) == 0xf0)
            cp = *p & 0x07, n = 4;
        else
            abort();
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                abort();
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cs_text_is_unsafe(cp))
            abort();
        p += n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char small[16];
    char *whole = NULL;
    size_t need;

    if (size > 4096)
        return 0;
    need = cs_text_escape(text, size, NULL, 0);
    if ((whole = malloc(need + 1)) == NULL)
        return 0;
    if (cs_text_escape(text, size, whole, need + 1) != need || strlen(whole) != need)
        abort();
    require_safe(whole);

    if (cs_text_escape(text, size, small, sizeof(small)) != need ||
        strncmp(small, whole, strlen(small)) != 0)
        abort();
    require_safe(small);

    if (cs_text_check(text, size, 0, NULL, 0) == CS_OK &&
        (need != size || memcmp(whole, data, size) != 0))
        abort();
    free(whole);
    return 0;
}
