/* SPDX-License-Identifier: ISC */
/* libFuzzer target for cs_base45_decode: anything that decodes must encode
 * back to exactly the same text (RFC 9285 has one encoding per byte string). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/base45.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = cs_base45_decoded_max(size);
    uint8_t *bytes = malloc(cap ? cap : 1);
    char *text = NULL;
    size_t bytes_len = 0, text_len = 0;

    if (bytes == NULL)
        goto done;
    if (cs_base45_decode((const char *)data, size, bytes, cap, &bytes_len) != CS_OK)
        goto done;
    if (bytes_len > cap)
        abort();
    size_t text_cap = cs_base45_encoded_length(bytes_len) + 1;
    if ((text = malloc(text_cap)) == NULL)
        goto done;
    if (cs_base45_encode(bytes, bytes_len, text, text_cap, &text_len) != CS_OK)
        abort();
    if (text_len != size || memcmp(text, data, size) != 0 || text[text_len] != '\0')
        abort();
    /* One byte less of room must be refused, not overrun. */
    if (bytes_len > 0 &&
        cs_base45_decode((const char *)data, size, bytes, bytes_len - 1, &bytes_len) !=
            CS_ERR_BUFFER_TOO_SMALL)
        abort();
done:
    free(bytes);
    free(text);
    return 0;
}
