/* SPDX-License-Identifier: ISC */
/* A status list's bytes that are not 0, by offset (status_sparse.h). */
#include <stdlib.h>
#include <string.h>

#include "status_sparse.h"

static cs_err reserve(status_sparse *s, size_t more)
{
    size_t cap;
    uint32_t *at;
    uint8_t *value;

    if (s->count + more <= s->cap)
        return CS_OK;
    cap = s->cap > 0 ? s->cap : 1024;
    while (cap < s->count + more)
        cap *= 2;
    if ((at = realloc(s->at, cap * sizeof(*at))) == NULL)
        return CS_ERR_NO_MEMORY;
    s->at = at;
    if ((value = realloc(s->value, cap)) == NULL)
        return CS_ERR_NO_MEMORY; /* at is larger than needed: harmless */
    s->value = value;
    s->cap = cap;
    return CS_OK;
}

cs_err status_sparse_add(status_sparse *s, size_t offset, const uint8_t *chunk, size_t n)
{
    size_t i = 0;
    uint64_t words[4];

    while (i < n) {
        /* 32 zero bytes at a time: most of a list. */
        if (i + sizeof(words) <= n) {
            memcpy(words, chunk + i, sizeof(words));
            if ((words[0] | words[1] | words[2] | words[3]) == 0) {
                i += sizeof(words);
                continue;
            }
        }
        if (chunk[i] != 0) {
            if (reserve(s, 1) != CS_OK)
                return CS_ERR_NO_MEMORY;
            s->at[s->count] = (uint32_t)(offset + i);
            s->value[s->count++] = chunk[i];
        }
        i++;
    }
    return CS_OK;
}

uint8_t status_sparse_byte(const status_sparse *s, size_t offset)
{
    size_t low = 0, high = s->count;

    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (s->at[mid] < offset)
            low = mid + 1;
        else
            high = mid;
    }
    return low < s->count && s->at[low] == offset ? s->value[low] : 0;
}

void status_sparse_scatter(const status_sparse *s, uint8_t *dense)
{
    for (size_t i = 0; i < s->count; i++)
        dense[s->at[i]] = s->value[i];
}

void status_sparse_clear(status_sparse *s)
{
    free(s->at);
    free(s->value);
    memset(s, 0, sizeof(*s));
}
