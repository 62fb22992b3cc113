/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the token reader of `certseal verify`
 * (certseal/token_reader.h): any bytes, read in every format (told apart
 * by the reader, and each forced), give tokens within the input's size at
 * increasing lines, or per-entry errors, or one fatal error that repeats;
 * never a token longer than the input, never a line past the input's. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/token_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, cs_token_format format, const char *name)
{
    FILE *in = fmemopen((void *)data, size, "rb");
    cs_token_reader_t *reader = NULL;
    uint64_t lines = 1, last = 0;
    char detail[256];

    if (in == NULL)
        return;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (cs_token_reader_new(in, name, format, &reader) != CS_OK) {
        fclose(in);
        return;
    }
    for (size_t n = 0; n < size + 2; n++) {
        const uint8_t *token;
        size_t len;
        uint64_t line;
        cs_err err = cs_token_reader_next(reader, &token, &len, &line, detail, sizeof(detail));
        if (cs_token_reader_fatal(err)) {
            const uint8_t *again;
            if (cs_token_reader_next(reader, &again, &len, &line, detail, sizeof(detail)) != err)
                abort(); /* a fatal error repeats */
            break;
        }
        if (err == CS_OK && token == NULL)
            break;
        if (line > lines || (line != 0 && line <= last && cs_token_reader_format(reader) !=
                                                              CS_TOKEN_FORMAT_COSE))
            abort();
        if (err == CS_OK && (len > size || (len > 0 && token == NULL)))
            abort();
        if (err == CS_OK && len > 0)
            (void)memchr(token, 0, len); /* readable for len bytes (ASan) */
        if (err != CS_OK && detail[0] == '\0')
            abort(); /* an entry's error says what is wrong */
        last = line;
    }
    cs_token_reader_free(&reader);
    fclose(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size, CS_TOKEN_FORMAT_AUTO, NULL);
    check(data, size, CS_TOKEN_FORMAT_LINES, NULL);
    check(data, size, CS_TOKEN_FORMAT_JSONL, NULL);
    check(data, size, CS_TOKEN_FORMAT_CSV, "x.csv");
    check(data, size, CS_TOKEN_FORMAT_COSE, NULL);
    return 0;
}
