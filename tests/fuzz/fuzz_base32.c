/* SPDX-License-Identifier: ISC */
/* libFuzzer target for cs_base32_decode: anything that decodes must
 * re-encode to the same text up to case and padding, and decode again to
 * the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/base32.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_upper(uint8_t c)
{
    return (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

/* text (upper case, unpadded) equals data up to case, ignoring data's '='. */
static int fuzz_same_text(const char *text, size_t text_len, const uint8_t *data, size_t size)
{
    size_t unpadded = size;
    while (unpadded > 0 && data[unpadded - 1] == '=')
        unpadded--;
    if (text_len != unpadded)
        return 0;
    for (size_t i = 0; i < text_len; i++) {
        if (text[i] != fuzz_upper(data[i]))
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = cs_base32_decoded_max(size);
    uint8_t *bytes = malloc(cap ? cap : 1);
    uint8_t *again = malloc(cap ? cap : 1);
    char *text = NULL;
    size_t bytes_len = 0, again_len = 0, text_len = 0;

    if (bytes == NULL || again == NULL)
        goto done;
    if (cs_base32_decode((const char *)data, size, bytes, cap, &bytes_len) != CS_OK)
        goto done;
    if (bytes_len > cap)
        abort();
    size_t text_cap = cs_base32_encoded_length(bytes_len) + 1;
    if ((text = malloc(text_cap)) == NULL)
        goto done;
    if (cs_base32_encode(bytes, bytes_len, text, text_cap, &text_len) != CS_OK)
        abort();
    if (text[text_len] != '\0' || !fuzz_same_text(text, text_len, data, size))
        abort();
    if (cs_base32_decode(text, text_len, again, cap, &again_len) != CS_OK ||
        again_len != bytes_len || memcmp(again, bytes, bytes_len) != 0)
        abort();
    /* One byte less of room must be refused, not overrun. */
    if (bytes_len > 0 &&
        cs_base32_decode((const char *)data, size, again, bytes_len - 1, &again_len) !=
            CS_ERR_BUFFER_TOO_SMALL)
        abort();
done:
    free(bytes);
    free(again);
    free(text);
    return 0;
}
