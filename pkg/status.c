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
#include "status_sparse.h"

/* A list made here is packed (bytes); a list read from its zlib form is
 * held sparse while few of its bytes are set, and packed otherwise. */
struct cs_status_list {
    size_t entries;
    unsigned bits;
    size_t len;           /* ceil(entries * bits / 8) */
    uint8_t *bytes;       /* the packed bytes; NULL while the list is sparse */
    status_sparse sparse; /* while bytes is NULL */
    uint8_t *packed;      /* cs_status_list_bytes() of a sparse list, made once */
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
    status_sparse_clear(&(*list)->sparse);
    free((*list)->packed);
    free(*list);
    *list = NULL;
}

/* The packed bytes of a sparse list, in a new buffer (NULL: no memory). */
static uint8_t *pack(const cs_status_list_t *list)
{
    uint8_t *bytes = calloc(1, list->len);
    if (bytes != NULL)
        status_sparse_scatter(&list->sparse, bytes);
    return bytes;
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
    if (list->bytes == NULL) { /* a list read sparse is packed to change it */
        if (list->packed == NULL && (list->packed = pack(list)) == NULL)
            return CS_ERR_NO_MEMORY;
        list->bytes = list->packed;
        list->packed = NULL;
        status_sparse_clear(&list->sparse);
    }
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
    uint8_t byte = list->bytes != NULL ? list->bytes[bit / 8]
                                       : status_sparse_byte(&list->sparse, (size_t)(bit / 8));
    *value = (byte >> (bit % 8)) & ((1u << list->bits) - 1);
    return CS_OK;
}

const uint8_t *cs_status_list_bytes(const cs_status_list_t *list, size_t *len)
{
    if (list == NULL) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (list->bytes != NULL) {
        if (len != NULL)
            *len = list->len;
        return list->bytes;
    }
    /* A sparse list is packed on the first call; the packed copy is kept
     * with the list, which is otherwise unchanged, so that calls from
     * several threads agree on one copy. */
    cs_status_list_t *cache = (cs_status_list_t *)(uintptr_t)list;
    uint8_t *packed = __atomic_load_n(&cache->packed, __ATOMIC_ACQUIRE), *expected = NULL;
    if (packed == NULL && (packed = pack(list)) != NULL &&
        !__atomic_compare_exchange_n(&cache->packed, &expected, packed, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        free(packed);
        packed = expected;
    }
    if (len != NULL)
        *len = packed != NULL ? list->len : 0;
    return packed;
}

cs_err cs_status_list_compress(const cs_status_list_t *list, int level, uint8_t **out,
                               size_t *out_len)
{
    z_stream z;
    const uint8_t *bytes;
    uint8_t *buf = NULL;
    uLong cap;
    cs_err err;

    if (list == NULL || out == NULL || out_len == NULL || level < 0 || level > 9 ||
        list->len > UINT_MAX)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if ((bytes = cs_status_list_bytes(list, NULL)) == NULL)
        return CS_ERR_NO_MEMORY;
    memset(&z, 0, sizeof(z));
    if (deflateInit(&z, level) != Z_OK)
        return CS_ERR_NO_MEMORY;
    cap = deflateBound(&z, (uLong)list->len);
    if ((buf = malloc(cap)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    z.next_in = (Bytef *)(uintptr_t)bytes; /* zlib reads, never writes, next_in */
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

/* The list being read: sparse while few of its bytes are set, packed into
 * bytes (cap bytes, zeroed by calloc: mmap's untouched pages) once more
 * than one byte in eight, past the first 4096, is set. */
typedef struct list_reader {
    size_t len, cap;
    uint8_t *bytes;
    status_sparse sparse;
} list_reader;

#define READ_CHUNK 65536 /* zlib copies the last 32 KiB of each into its window */
#define SPARSE_ALLOWANCE 4096

static cs_err reader_take(list_reader *r, const uint8_t *chunk, size_t n)
{
    if (n > r->cap - r->len)
        return CS_ERR_INFLATE_LIMIT;
    if (r->bytes == NULL) {
        if (status_sparse_add(&r->sparse, r->len, chunk, n) != CS_OK)
            return CS_ERR_NO_MEMORY;
        if (r->sparse.count > (r->len + n) / 8 + SPARSE_ALLOWANCE) {
            if ((r->bytes = calloc(1, r->cap)) == NULL)
                return CS_ERR_NO_MEMORY;
            status_sparse_scatter(&r->sparse, r->bytes);
            status_sparse_clear(&r->sparse);
        }
    } else {
        memcpy(r->bytes + r->len, chunk, n);
    }
    r->len += n;
    return CS_OK;
}

/* Inflates the whole of in[0..in_len) into r, READ_CHUNK bytes at a time:
 * nothing may follow the stream, its Adler-32 must match, and a stream
 * that would inflate past r->cap is CS_ERR_INFLATE_LIMIT.  The whole
 * stream is read even when a verifier needs one entry: a list is refused
 * when it does not end, or ends short, or carries a wrong checksum, before
 * any entry is used.  zlib's own check is turned off for adler32_sparse(),
 * which is far cheaper on a list of mostly zeros; the result is the same. */
static cs_err inflate_all(const uint8_t *in, size_t in_len, list_reader *r)
{
    z_stream z;
    uint8_t *chunk;
    uLong adler = adler32(0, NULL, 0);
    cs_err err = CS_OK;
    int rc;

    memset(&z, 0, sizeof(z));
    if ((chunk = malloc(READ_CHUNK)) == NULL)
        return CS_ERR_NO_MEMORY;
    if (inflateInit(&z) != Z_OK) { /* zlib header (RFC 1950), any level */
        free(chunk);
        return CS_ERR_NO_MEMORY;
    }
    if (inflateValidate(&z, 0) != Z_OK) { /* the header is still checked */
        inflateEnd(&z);
        free(chunk);
        return CS_ERR_NO_MEMORY;
    }
    z.next_in = (Bytef *)(uintptr_t)in; /* zlib reads, never writes, next_in */
    z.avail_in = (uInt)in_len;
    do {
        z.next_out = chunk;
        z.avail_out = READ_CHUNK;
        rc = inflate(&z, Z_NO_FLUSH);
        size_t n = READ_CHUNK - z.avail_out;
        if (n > 0) {
            adler = adler32_sparse(adler, chunk, n);
            err = reader_take(r, chunk, n);
        }
    } while (err == CS_OK && rc == Z_OK);
    if (err == CS_OK && rc == Z_MEM_ERROR)
        err = CS_ERR_NO_MEMORY;
    else if (err == CS_OK && (rc != Z_STREAM_END || z.avail_in != 0))
        err = CS_ERR_INFLATE; /* corrupt, truncated, preset dictionary or trailing bytes */
    else if (err == CS_OK &&
             (z.total_in < 4 ||
              adler != ((uLong)in[z.total_in - 4] << 24 | (uLong)in[z.total_in - 3] << 16 |
                        (uLong)in[z.total_in - 2] << 8 | in[z.total_in - 1])))
        err = CS_ERR_INFLATE; /* the stream's last four bytes: its Adler-32 */
    inflateEnd(&z);
    free(chunk);
    return err;
}

cs_err cs_status_list_decompress(const uint8_t *lst, size_t lst_len, unsigned bits,
                                 cs_status_list_t **out)
{
    list_reader r = {0};
    cs_status_list_t *list;
    uint8_t *shrunk;
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
    r.cap = (size_t)CS_STATUS_LIST_MAX * bits / 8;
    if ((err = inflate_all(lst, lst_len, &r)) != CS_OK)
        goto fail;
    if (r.len == 0) {
        err = CS_ERR_STATUS_LIST;
        goto fail;
    }
    if (r.bytes != NULL && (shrunk = realloc(r.bytes, r.len)) != NULL)
        r.bytes = shrunk;
    if ((list = calloc(1, sizeof(*list))) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    list->entries = r.len * 8 / bits;
    list->bits = bits;
    list->len = r.len;
    list->bytes = r.bytes;
    list->sparse = r.sparse;
    *out = list;
    return CS_OK;
fail:
    free(r.bytes);
    status_sparse_clear(&r.sparse);
    return err;
}
