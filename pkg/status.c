/* SPDX-License-Identifier: ISC */
/*
 * Token Status Lists: the packed list and its zlib form
 * (draft-ietf-oauth-status-list-20 §4; DESIGN §3).  The signed token that
 * carries a list is in status_token.c.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "certseal/status.h"
#include "internal.h"

struct cs_status_list {
    size_t entries;
    unsigned bits;
    size_t len; /* ceil(entries * bits / 8) */
    uint8_t *bytes;
};

const char *cs_status_name(cs_status status)
{
    switch (status) {
    case CS_STATUS_VALID:
        return "valid";
    case CS_STATUS_WITHDRAWN:
        return "withdrawn";
    case CS_STATUS_SUSPENDED:
        return "suspended";
    case CS_STATUS_SUPERSEDED:
        return "superseded";
    }
    return "unknown";
}

static bool bits_supported(unsigned bits)
{
    return bits == 1 || bits == 2 || bits == 4 || bits == 8;
}

/* Takes ownership of bytes (len bytes, entries derived by the caller). */
static cs_err list_wrap(uint8_t *bytes, size_t len, size_t entries, unsigned bits,
                        cs_status_list_t **out)
{
    cs_status_list_t *list = calloc(1, sizeof(*list));
    if (list == NULL) {
        free(bytes);
        return CS_ERR_NO_MEMORY;
    }
    list->entries = entries;
    list->bits = bits;
    list->len = len;
    list->bytes = bytes;
    *out = list;
    return CS_OK;
}

cs_err cs_status_list_new(size_t entries, unsigned bits, cs_status_list_t **out)
{
    uint8_t *bytes;
    size_t len;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (entries == 0 || entries > CS_STATUS_LIST_MAX || !bits_supported(bits))
        return CS_ERR_ARGUMENT;
    len = (entries * bits + 7) / 8;
    if ((bytes = calloc(1, len)) == NULL)
        return CS_ERR_NO_MEMORY;
    return list_wrap(bytes, len, entries, bits, out);
}

void cs_status_list_free(cs_status_list_t **list)
{
    if (list == NULL || *list == NULL)
        return;
    free((*list)->bytes);
    free(*list);
    *list = NULL;
}

size_t cs_status_list_entries(const cs_status_list_t *list)
{
    return list != NULL ? list->entries : 0;
}

unsigned cs_status_list_bits(const cs_status_list_t *list)
{
    return list != NULL ? list->bits : 0;
}

/* Entry i sits in byte floor(i*bits/8) at bit (i*bits mod 8) counted from
 * the least significant bit (draft §4.1).  bits divides 8, so an entry
 * never straddles two bytes. */
cs_err cs_status_list_set(cs_status_list_t *list, uint64_t index, unsigned value)
{
    if (list == NULL)
        return CS_ERR_ARGUMENT;
    if (index >= list->entries)
        return CS_ERR_STATUS_INDEX;
    unsigned mask = (1u << list->bits) - 1;
    if (value > mask)
        return CS_ERR_ARGUMENT;
    uint64_t bit = index * list->bits;
    unsigned shift = (unsigned)(bit % 8);
    uint8_t *byte = &list->bytes[bit / 8];
    *byte = (uint8_t)((*byte & ~(mask << shift)) | (value << shift));
    return CS_OK;
}

cs_err cs_status_list_get(const cs_status_list_t *list, uint64_t index, unsigned *value)
{
    if (list == NULL || value == NULL)
        return CS_ERR_ARGUMENT;
    if (index >= list->entries)
        return CS_ERR_STATUS_INDEX;
    uint64_t bit = index * list->bits;
    *value = (list->bytes[bit / 8] >> (bit % 8)) & ((1u << list->bits) - 1);
    return CS_OK;
}

const uint8_t *cs_status_list_bytes(const cs_status_list_t *list, size_t *len)
{
    if (list == NULL) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = list->len;
    return list->bytes;
}

cs_err cs_status_list_compress(const cs_status_list_t *list, int level, uint8_t **out,
                               size_t *out_len)
{
    z_stream z;
    uint8_t *buf = NULL;
    uLong cap;
    cs_err err;

    if (list == NULL || out == NULL || out_len == NULL || level < 0 || level > 9 ||
        list->len > UINT_MAX)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    memset(&z, 0, sizeof(z));
    if (deflateInit(&z, level) != Z_OK)
        return CS_ERR_NO_MEMORY;
    cap = deflateBound(&z, (uLong)list->len);
    if ((buf = malloc(cap)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    z.next_in = list->bytes;
    z.avail_in = (uInt)list->len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        err = CS_ERR_NO_MEMORY; /* deflateBound() is an upper bound: only memory fails */
        goto fail;
    }
    *out = buf;
    *out_len = z.total_out;
    deflateEnd(&z);
    return CS_OK;
fail:
    deflateEnd(&z);
    free(buf);
    return err;
}

/* The Adler-32 of data[0..len) continued from adler (RFC 1950 §8), as
 * zlib's adler32() computes it, but a block of zero bytes, of which a
 * status list is mostly made, costs one multiplication: over n zeros the
 * first sum stays and the second grows by n times the first. */
#define ADLER_BASE 65521u
#define ADLER_BLOCK 256u

static bool block_is_zero(const uint8_t *p, size_t n)
{
    uint64_t any = 0, word;
    size_t i = 0;

    for (; i + sizeof(word) <= n; i += sizeof(word)) {
        memcpy(&word, p + i, sizeof(word));
        any |= word;
    }
    for (; i < n; i++)
        any |= p[i];
    return any == 0;
}

static uLong adler32_sparse(uLong adler, const uint8_t *data, size_t len)
{
    for (size_t done = 0; done < len;) {
        size_t n = len - done < ADLER_BLOCK ? len - done : ADLER_BLOCK;
        if (block_is_zero(data + done, n)) {
            uLong a = adler & 0xffff, b = adler >> 16;
            adler = ((b + n % ADLER_BASE * a) % ADLER_BASE) << 16 | a;
        } else {
            adler = adler32(adler, data + done, (uInt)n);
        }
        done += n;
    }
    return adler;
}

/* Inflates the whole of in[0..in_len) into buf (cap bytes): nothing may
 * follow the stream, its Adler-32 must match, and a stream that would
 * inflate past cap is CS_ERR_INFLATE_LIMIT.  The whole stream is read even
 * when a verifier needs one entry: a list is refused when it does not end,
 * or ends short, or carries a wrong checksum, before any entry is used.
 * zlib's own check is turned off for adler32_sparse(), which is far
 * cheaper on a list of mostly zeros; the result is the same. */
static cs_err inflate_all(const uint8_t *in, size_t in_len, uint8_t *buf, size_t cap,
                          size_t *out_len)
{
    z_stream z;
    uint8_t probe;
    cs_err err = CS_OK;
    int rc;

    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK) /* zlib header (RFC 1950), any level */
        return CS_ERR_NO_MEMORY;
    if (inflateValidate(&z, 0) != Z_OK) { /* the header is still checked */
        inflateEnd(&z);
        return CS_ERR_NO_MEMORY;
    }
    z.next_in = (Bytef *)(uintptr_t)in; /* zlib reads, never writes, next_in */
    z.avail_in = (uInt)in_len;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    rc = inflate(&z, Z_FINISH);
    if ((rc == Z_OK || rc == Z_BUF_ERROR) && z.avail_out == 0) {
        /* Out of room: the list is too long, unless only the end of the
         * stream (no more output) is left to read. */
        z.next_out = &probe;
        z.avail_out = 1;
        rc = inflate(&z, Z_FINISH);
        if (z.avail_out == 0)
            err = CS_ERR_INFLATE_LIMIT;
    }
    if (err == CS_OK && rc == Z_MEM_ERROR)
        err = CS_ERR_NO_MEMORY;
    else if (err == CS_OK && (rc != Z_STREAM_END || z.avail_in != 0))
        err = CS_ERR_INFLATE; /* corrupt, truncated, preset dictionary or trailing bytes */
    else if (err == CS_OK && (z.total_in < 4 ||
             adler32_sparse(adler32(0, NULL, 0), buf, z.total_out) !=
                 ((uLong)in[z.total_in - 4] << 24 | (uLong)in[z.total_in - 3] << 16 |
                  (uLong)in[z.total_in - 2] << 8 | in[z.total_in - 1])))
        err = CS_ERR_INFLATE; /* the stream's last four bytes: its Adler-32 */
    *out_len = z.total_out;
    inflateEnd(&z);
    return err;
}

cs_err cs_status_list_decompress(const uint8_t *lst, size_t lst_len, unsigned bits,
                                 cs_status_list_t **out)
{
    uint8_t *buf = NULL, *shrunk;
    size_t cap, len = 0;
    cs_err err;

    if (out == NULL || (lst == NULL && lst_len > 0))
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (!bits_supported(bits))
        return CS_ERR_STATUS_BITS;
    if (lst_len == 0)
        return CS_ERR_INFLATE;
    if (lst_len > UINT_MAX)
        return CS_ERR_TOO_LARGE;
    cap = (size_t)CS_STATUS_LIST_MAX * bits / 8;
    if ((buf = malloc(cap)) == NULL)
        return CS_ERR_NO_MEMORY;
    if ((err = inflate_all(lst, lst_len, buf, cap, &len)) != CS_OK)
        goto fail;
    if (len == 0) {
        err = CS_ERR_STATUS_LIST;
        goto fail;
    }
    if ((shrunk = realloc(buf, len)) != NULL)
        buf = shrunk;
    return list_wrap(buf, len, len * 8 / bits, bits, out);
fail:
    free(buf);
    return err;
}
