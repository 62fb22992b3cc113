/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the token forms (DESIGN §4 and §2 step 1): any
 * input in any form unwraps cleanly or fails with an error, and what
 * unwraps is handed to the strict COSE_Sign1 decoder.  One codec lives
 * across inputs, as in a verifier, so stale state between calls shows.
 * The input is also walked as a list of tokens (cs_token_list_next()):
 * every token lies inside it, and the walk moves forward.  What unwraps
 * is also converted to the other forms (cs_token_convert()), which must
 * unwrap again to the same COSE_Sign1. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/cose.h"
#include "certseal/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs_token_codec_t *codec;

/* Each form the input converts to unwraps again. */
static void convert_round_trip(const uint8_t *data, size_t size)
{
    static const cs_form forms[] = {CS_FORM_UNKNOWN, CS_FORM_OFFLINE, CS_FORM_LINK};

    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        char *text = NULL;
        const uint8_t *cose;
        size_t cose_len;
        cs_form form;
        if (cs_token_convert(codec, data, size, forms[i], "https://v.example/v", NULL, &text) !=
            CS_OK)
            continue;
        if (cs_token_unwrap(codec, (const uint8_t *)text, strlen(text), &form, &cose,
                            &cose_len) != CS_OK)
            abort();
        free(text);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_cose_sign1 msg = {0};
    const uint8_t *cose = NULL;
    size_t cose_len = 0;
    cs_form form = CS_FORM_UNKNOWN;

    if (codec == NULL && cs_token_codec_new(&codec) != CS_OK)
        abort();
    for (size_t offset = 0, before = 0, len; cs_token_list_next(data, size, &offset, &cose, &len);
         before = offset)
        if (offset <= before || cose < data || len == 0 || cose + len > data + size)
            abort();
    if (cs_token_unwrap(codec, data, size, &form, &cose, &cose_len) != CS_OK)
        return 0;
    if (cose_len > CS_INFLATE_MAX || (cose == NULL && cose_len > 0))
        abort(); /* the cap of DESIGN §2 step 1 */
    if (cose_len > 0)
        (void)(volatile uint8_t)cose[cose_len - 1];
    if (cs_cose_sign1_decode(cose, cose_len, &msg) == CS_OK) {
        if (msg.payload_len > 0)
            (void)(volatile uint8_t)msg.payload[msg.payload_len - 1];
        if (msg.signature_len > 0)
            (void)(volatile uint8_t)msg.signature[msg.signature_len - 1];
    }
    cs_cose_sign1_clear(&msg);
    convert_round_trip(data, size);
    return 0;
}
