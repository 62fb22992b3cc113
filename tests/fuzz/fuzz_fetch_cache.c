/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the status list cache files of pkg/fetch.c: the
 * header parser cs_fetch_cache_parse(), then, as the fetcher does, the
 * unverified decode of the body that decides whether a copy is fresh.  A
 * cache folder is local but not trusted more than the network: nothing but
 * a clean error may come of any file. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/status.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_URI "https://example.com/statuslists/1"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t fetched_at = -1;
    size_t offset = 0;
    cs_status_token token;

    if (cs_fetch_cache_parse(data, size, FUZZ_URI, &fetched_at, &offset) != CS_OK)
        return 0;
    if (fetched_at < 0 || offset > size)
        abort();
    memset(&token, 0, sizeof(token));
    if (cs_status_token_decode(data + offset, size - offset, &token, NULL, 0) == CS_OK &&
        token.list == NULL)
        abort();
    cs_status_token_clear(&token);
    return 0;
}
