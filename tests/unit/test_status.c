/* SPDX-License-Identifier: ISC */
/*
 * Token Status Lists (pkg/status.c, pkg/status_token.c): the draft's own
 * vectors in tests/vectors/status-list/, every zlib level, sign/verify
 * round trips with both algorithms, and one rejection per rule of
 * cs_status_token_verify().  Runs from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/status.h"
#include "helper_tokens.h"
#include "internal.h"

#define VECTORS "tests/vectors/status-list"
#define EXAMPLE_URI "https://example.com/statuslists/1"
#define EXAMPLE_IAT 1686920170
#define EXAMPLE_EXP 2291720170
#define URI "https://cb.example/status/1"
#define NOW 1767225600 /* 2026-01-01 */
#define DAY 86400

/* ---- helpers ------------------------------------------------------------------ */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long size;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    data = calloc((size_t)size + 1, 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    return data;
}

/* Hex digits up to the first character that is not one (NULL-safe). */
static uint8_t *hex_to_bytes(const char *hex, size_t *len)
{
    size_t n = strspn(hex, "0123456789abcdefABCDEF");
    uint8_t *out = malloc(n / 2 + 1);

    assert_non_null(out);
    assert_int_equal(n % 2, 0);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned byte;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
        out[i] = (uint8_t)byte;
    }
    *len = n / 2;
    return out;
}

/* The hex after "<label> " on a line of a bits*.txt file. */
static uint8_t *vector_line(const char *text, const char *label, size_t *len)
{
    char key[16];
    const char *p;

    snprintf(key, sizeof(key), "%s ", label);
    for (p = text; p != NULL; p = strchr(p, '\n'), p = p != NULL ? p + 1 : NULL)
        if (strncmp(p, key, strlen(key)) == 0)
            return hex_to_bytes(p + strlen(key), len);
    fail_msg("no line %s", label);
    return NULL;
}

static uint8_t *vector_file(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof(path), VECTORS "/%s", name);
    char *text = read_text(path);
    uint8_t *bytes = hex_to_bytes(text, len);
    free(text);
    return bytes;
}

static cs_key_t *example_key(void)
{
    cs_key_t *key = NULL;
    assert_int_equal(cs_key_load_public_file(VECTORS "/example-key.pub.pem", &key), CS_OK);
    return key;
}

static void assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
}

/* The "lst" of an encoded StatusList map {"bits", "lst"}. */
static void status_list_map(const uint8_t *cbor, size_t len, unsigned *bits, cs_status_list_t **out)
{
    cs_cbor_item *map = NULL;
    const uint8_t *lst;
    size_t lst_len;
    uint64_t b;

    assert_int_equal(cs_cbor_decode(cbor, len, 4, &map), CS_OK);
    assert_int_equal(cs_cbor_get_uint(cs_cbor_map_get_text(map, "bits"), &b), CS_OK);
    assert_int_equal(cs_cbor_get_bytes(cs_cbor_map_get_text(map, "lst"), &lst, &lst_len), CS_OK);
    *bits = (unsigned)b;
    assert_int_equal(cs_status_list_decompress(lst, lst_len, *bits, out), CS_OK);
    cs_cbor_free(&map);
}

/* Checks one bits*.txt vector: built from values, the list packs to the
 * "raw" bytes and compresses (zlib level 9) to the "zlib" bytes; "zlib"
 * and "cbor" decode back to the values. */
static void check_vector(const char *file, unsigned bits, const unsigned *values, size_t count)
{
    char path[256];
    cs_status_list_t *list = NULL, *back = NULL;
    uint8_t *raw, *zlib_bytes, *cbor, *compressed = NULL;
    size_t raw_len, zlib_len, cbor_len, compressed_len, len;
    unsigned value, map_bits;

    snprintf(path, sizeof(path), VECTORS "/%s", file);
    char *text = read_text(path);
    raw = vector_line(text, "raw", &raw_len);
    zlib_bytes = vector_line(text, "zlib", &zlib_len);
    cbor = vector_line(text, "cbor", &cbor_len);

    assert_int_equal(cs_status_list_new(count, bits, &list), CS_OK);
    for (size_t i = 0; i < count; i++)
        assert_int_equal(cs_status_list_set(list, i, values[i]), CS_OK);
    const uint8_t *packed = cs_status_list_bytes(list, &len);
    assert_bytes(packed, len, raw, raw_len);
    assert_int_equal(cs_status_list_compress(list, 9, &compressed, &compressed_len), CS_OK);
    assert_bytes(compressed, compressed_len, zlib_bytes, zlib_len);

    assert_int_equal(cs_status_list_decompress(zlib_bytes, zlib_len, bits, &back), CS_OK);
    assert_int_equal(cs_status_list_entries(back), raw_len * 8 / bits);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(cs_status_list_get(back, i, &value), CS_OK);
        assert_int_equal(value, values[i]);
    }
    cs_status_list_free(&back);
    status_list_map(cbor, cbor_len, &map_bits, &back);
    assert_int_equal(map_bits, bits);
    packed = cs_status_list_bytes(back, &len);
    assert_bytes(packed, len, raw, raw_len);

    cs_status_list_free(&back);
    cs_status_list_free(&list);
    assert_null(list);
    free(compressed);
    free(raw);
    free(zlib_bytes);
    free(cbor);
    free(text);
}

/* ---- the list ------------------------------------------------------------------ */

static void test_vector_bits1(void **state)
{
    (void)state;
    static const unsigned values[16] = {1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1};
    check_vector("bits1.txt", 1, values, 16);
}

static void test_vector_bits2(void **state)
{
    (void)state;
    static const unsigned values[12] = {1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3};
    check_vector("bits2.txt", 2, values, 12);
}

static void test_vector_long(void **state)
{
    (void)state;
    static const uint64_t set[] = {0,      1993,   25460,  159495, 495669, 554353,
                                   645645, 723232, 854545, 934534, 1000345};
    cs_status_list_t *list = NULL;
    unsigned bits, value;
    size_t len, n_set = 0, next = 0;
    uint8_t *cbor = vector_file("long-bits1.hex", &len);

    status_list_map(cbor, len, &bits, &list);
    assert_int_equal(bits, 1);
    assert_int_equal(cs_status_list_entries(list), 1u << 20);
    for (uint64_t i = 0; i < (1u << 20); i++) {
        assert_int_equal(cs_status_list_get(list, i, &value), CS_OK);
        if (value == 0)
            continue;
        n_set++;
        assert_true(next < sizeof(set) / sizeof(set[0]));
        assert_int_equal(i, set[next++]);
    }
    assert_int_equal(n_set, sizeof(set) / sizeof(set[0]));
    assert_int_equal(cs_status_list_get(list, 1u << 20, &value), CS_ERR_STATUS_INDEX);
    cs_status_list_free(&list);
    free(cbor);
}

/* Every zlib level reads back; the four headers the draft names appear. */
static void test_levels(void **state)
{
    (void)state;
    cs_status_list_t *list = NULL, *back = NULL;
    uint8_t *lst = NULL;
    size_t lst_len, a_len, b_len;
    unsigned seen = 0;

    assert_int_equal(cs_status_list_new(100000, 2, &list), CS_OK);
    for (uint64_t i = 0; i < 100000; i += 97)
        assert_int_equal(cs_status_list_set(list, i, (unsigned)(i % 4)), CS_OK);
    for (int level = 0; level <= 9; level++) {
        assert_int_equal(cs_status_list_compress(list, level, &lst, &lst_len), CS_OK);
        assert_int_equal(lst[0], 0x78);
        seen |= lst[1] == 0x01   ? 1u
                : lst[1] == 0x5e ? 2u
                : lst[1] == 0x9c ? 4u
                : lst[1] == 0xda ? 8u
                                 : 0u;
        assert_int_equal(cs_status_list_decompress(lst, lst_len, 2, &back), CS_OK);
        const uint8_t *a = cs_status_list_bytes(list, &a_len),
                      *b = cs_status_list_bytes(back, &b_len);
        assert_bytes(b, b_len, a, a_len);
        cs_status_list_free(&back);
        free(lst);
    }
    assert_int_equal(seen, 15u);
    assert_int_equal(cs_status_list_compress(list, 10, &lst, &lst_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_status_list_compress(list, -1, &lst, &lst_len), CS_ERR_ARGUMENT);
    cs_status_list_free(&list);
}

/* A list read back answers the same whether it is held sparse (few bytes
 * set) or packed (many), at every entry, through cs_status_list_bytes()
 * and after a change; and it compresses back to the same stream. */
static void test_sparse_and_packed(void **state)
{
    (void)state;
    /* one entry in 5,000 set (sparse), one in 3 (packed past the
     * allowance), and every byte set near the end only (packed late) */
    const uint64_t every[] = {5000, 3, 0};
    const size_t entries = 1u << 20;

    for (size_t k = 0; k < sizeof(every) / sizeof(every[0]); k++) {
        cs_status_list_t *list = NULL, *back = NULL, *again = NULL;
        uint8_t *lst = NULL, *lst2 = NULL;
        size_t lst_len, lst2_len, a_len, b_len;
        unsigned want, got;
        uint32_t seed = 12345u + (uint32_t)k;

        assert_int_equal(cs_status_list_new(entries, 2, &list), CS_OK);
        for (uint64_t i = 0; i < entries; i++) {
            seed = seed * 1103515245u + 12345u;
            bool set = every[k] == 0 ? i >= entries - 200000 : (seed >> 8) % every[k] == 0;
            if (set)
                assert_int_equal(cs_status_list_set(list, i, 1 + (seed >> 20) % 3), CS_OK);
        }
        assert_int_equal(cs_status_list_compress(list, 9, &lst, &lst_len), CS_OK);
        assert_int_equal(cs_status_list_decompress(lst, lst_len, 2, &back), CS_OK);
        assert_int_equal(cs_status_list_entries(back), entries);
        for (uint64_t i = 0; i < entries; i++) {
            assert_int_equal(cs_status_list_get(list, i, &want), CS_OK);
            assert_int_equal(cs_status_list_get(back, i, &got), CS_OK);
            assert_int_equal(got, want);
        }
        assert_int_equal(cs_status_list_get(back, entries, &got), CS_ERR_STATUS_INDEX);
        const uint8_t *a = cs_status_list_bytes(list, &a_len),
                      *b = cs_status_list_bytes(back, &b_len);
        assert_non_null(b);
        assert_true(b == cs_status_list_bytes(back, NULL)); /* packed once */
        assert_bytes(b, b_len, a, a_len);
        assert_int_equal(cs_status_list_compress(back, 9, &lst2, &lst2_len), CS_OK);
        assert_bytes(lst2, lst2_len, lst, lst_len);
        free(lst2);

        /* a change to the list read back, and to one read back afresh */
        assert_int_equal(cs_status_list_set(back, 7, 3), CS_OK);
        assert_int_equal(cs_status_list_get(back, 7, &got), CS_OK);
        assert_int_equal(got, 3u);
        assert_int_equal(cs_status_list_decompress(lst, lst_len, 2, &again), CS_OK);
        assert_int_equal(cs_status_list_set(again, entries - 1, 2), CS_OK);
        assert_int_equal(cs_status_list_get(again, entries - 1, &got), CS_OK);
        assert_int_equal(got, 2u);
        assert_int_equal(cs_status_list_get(again, 7, &got), CS_OK);
        assert_int_equal(cs_status_list_get(list, 7, &want), CS_OK);
        assert_int_equal(got, want);

        cs_status_list_free(&again);
        cs_status_list_free(&back);
        cs_status_list_free(&list);
        free(lst);
    }
}

static void test_list_arguments(void **state)
{
    (void)state;
    cs_status_list_t *list = NULL;
    unsigned value;

    assert_int_equal(cs_status_list_new(0, 2, &list), CS_ERR_ARGUMENT);
    assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MAX + 1, 2, &list), CS_ERR_ARGUMENT);
    assert_int_equal(cs_status_list_new(8, 3, &list), CS_ERR_ARGUMENT);
    assert_null(list);
    assert_int_equal(cs_status_list_new(10, 2, &list), CS_OK);
    assert_int_equal(cs_status_list_set(list, 10, 1), CS_ERR_STATUS_INDEX);
    assert_int_equal(cs_status_list_set(list, 9, 4), CS_ERR_ARGUMENT);
    assert_int_equal(cs_status_list_set(list, 9, 3), CS_OK);
    assert_int_equal(cs_status_list_set(list, 8, 2), CS_OK);
    assert_int_equal(cs_status_list_set(list, 9, 1), CS_OK); /* overwrites, neighbour kept */
    assert_int_equal(cs_status_list_get(list, 9, &value), CS_OK);
    assert_int_equal(value, 1);
    assert_int_equal(cs_status_list_get(list, 8, &value), CS_OK);
    assert_int_equal(value, 2);
    assert_int_equal(cs_status_list_get(list, UINT64_MAX, &value), CS_ERR_STATUS_INDEX);
    cs_status_list_free(&list);
    cs_status_list_free(&list); /* NULL is fine */
    assert_string_equal(cs_status_name(CS_STATUS_SUPERSEDED), "superseded");
    assert_string_equal(cs_status_name((cs_status)7), "unknown");
}

/* zlib streams the reader must refuse. */
static void test_decompress_rejects(void **state)
{
    (void)state;
    static const uint8_t empty_stream[] = {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    static const uint8_t not_zlib[] = {0x1f, 0x8b, 0x08, 0x00};
    cs_status_list_t *list = NULL, *big = NULL;
    uint8_t *lst = NULL, *longer;
    size_t lst_len;

    assert_int_equal(cs_status_list_decompress(empty_stream, sizeof(empty_stream), 2, &list),
                     CS_ERR_STATUS_LIST);
    assert_int_equal(cs_status_list_decompress(not_zlib, sizeof(not_zlib), 2, &list),
                     CS_ERR_INFLATE);
    assert_int_equal(cs_status_list_decompress(not_zlib, 0, 2, &list), CS_ERR_INFLATE);
    assert_int_equal(cs_status_list_decompress(empty_stream, sizeof(empty_stream), 3, &list),
                     CS_ERR_STATUS_BITS);

    assert_int_equal(cs_status_list_new(1000, 2, &list), CS_OK);
    assert_int_equal(cs_status_list_compress(list, 6, &lst, &lst_len), CS_OK);
    cs_status_list_free(&list);
    for (size_t cut = 1; cut < lst_len; cut++) /* truncated anywhere */
        assert_int_not_equal(cs_status_list_decompress(lst, cut, 2, &list), CS_OK);
    longer = malloc(lst_len + 1);
    assert_non_null(longer);
    memcpy(longer, lst, lst_len);
    longer[lst_len] = 0;
    assert_int_equal(cs_status_list_decompress(longer, lst_len + 1, 2, &list), CS_ERR_INFLATE);
    longer[lst_len - 1] ^= 1; /* Adler-32 */
    assert_int_equal(cs_status_list_decompress(longer, lst_len, 2, &list), CS_ERR_INFLATE);
    assert_null(list);
    free(longer);
    free(lst);

    /* Exactly the cap reads; one byte more is refused. */
    assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MAX, 1, &big), CS_OK);
    assert_int_equal(cs_status_list_compress(big, 9, &lst, &lst_len), CS_OK);
    assert_int_equal(cs_status_list_decompress(lst, lst_len, 1, &list), CS_OK);
    assert_int_equal(cs_status_list_entries(list), CS_STATUS_LIST_MAX);
    cs_status_list_free(&list);
    free(lst);
    cs_status_list_free(&big);
    assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MAX, 2, &big), CS_OK);
    assert_int_equal(cs_status_list_compress(big, 9, &lst, &lst_len), CS_OK);
    assert_int_equal(cs_status_list_decompress(lst, lst_len, 1, &list), CS_ERR_INFLATE_LIMIT);
    assert_null(list);
    free(lst);
    cs_status_list_free(&big);
}

/* The Adler-32 check, which the reader computes itself with a shortcut for
 * zero blocks: lists of zeros with scattered values (blocks of zeros,
 * blocks with values, a partial last block) read back exactly, and a
 * change to any byte of the checksum is refused. */
static void test_decompress_checksum(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 255, 256, 257, 1024 * 4 + 3, 100000};
    cs_status_list_t *list = NULL, *back = NULL;
    uint8_t *lst = NULL;
    size_t lst_len;
    unsigned value;

    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t entries = sizes[s];
        assert_int_equal(cs_status_list_new(entries, 2, &list), CS_OK);
        for (size_t i = entries / 3; i < entries; i += 997)
            assert_int_equal(cs_status_list_set(list, i, 1 + i % 3), CS_OK);
        assert_int_equal(cs_status_list_set(list, entries - 1, 3), CS_OK);
        assert_int_equal(cs_status_list_compress(list, 6, &lst, &lst_len), CS_OK);
        assert_int_equal(cs_status_list_decompress(lst, lst_len, 2, &back), CS_OK);
        for (size_t i = 0; i < entries; i++) {
            unsigned want;
            assert_int_equal(cs_status_list_get(list, i, &want), CS_OK);
            assert_int_equal(cs_status_list_get(back, i, &value), CS_OK);
            assert_int_equal(value, want);
        }
        cs_status_list_free(&back);
        for (size_t k = 1; k <= 4; k++) {
            lst[lst_len - k] ^= 0x10;
            assert_int_equal(cs_status_list_decompress(lst, lst_len, 2, &back), CS_ERR_INFLATE);
            assert_null(back);
            lst[lst_len - k] ^= 0x10;
        }
        free(lst);
        lst = NULL;
        cs_status_list_free(&list);
    }
}

/* ---- the draft's signed examples ------------------------------------------------ */

static void test_example_token(void **state)
{
    (void)state;
    cs_status_token token = {0};
    cs_key_t *key = example_key(), *other = NULL;
    cs_cose_sign1 msg;
    unsigned value;
    size_t len;
    char detail[CS_DETAIL_SIZE] = "";
    uint8_t *slt = vector_file("slt.hex", &len);

    assert_int_equal(cs_status_token_decode(slt, len, &token, detail, sizeof(detail)), CS_OK);
    assert_string_equal(token.uri, EXAMPLE_URI);
    assert_int_equal(token.issued_at, EXAMPLE_IAT);
    assert_int_equal(token.expires, EXAMPLE_EXP);
    assert_int_equal(token.ttl, 43200);
    assert_int_equal(token.alg, CS_ALG_ES256);
    assert_false(token.has_kid); /* "12" (unprotected) is not a certseal kid */
    assert_int_equal(cs_status_list_bits(token.list), 1);
    assert_int_equal(cs_status_list_get(token.list, 3, &value), CS_OK);
    assert_int_equal(value, 1);
    assert_int_equal(cs_status_list_get(token.list, 1, &value), CS_OK);
    assert_int_equal(value, 0);
    cs_status_token_clear(&token);

    /* The signature verifies with the example key. */
    assert_int_equal(cs_cose_sign1_decode(slt, len, &msg), CS_OK);
    assert_int_equal(cs_cose_sign1_verify(&msg, key, NULL, 0, 0), CS_OK);
    cs_cose_sign1_clear(&msg);

    /* cs_status_token_verify() checks signature, sub and exp first and
     * only then refuses bits=1 for certseal: reaching CS_ERR_STATUS_BITS
     * means everything before it passed (at a time inside its validity). */
    assert_int_equal(cs_status_token_verify(slt, len, key, EXAMPLE_URI, EXAMPLE_IAT + DAY, 60,
                                            &token, detail, sizeof(detail)),
                     CS_ERR_STATUS_BITS);
    assert_null(token.list);
    assert_int_equal(cs_status_token_verify(slt, len, key, EXAMPLE_URI "x", EXAMPLE_IAT + DAY, 60,
                                            &token, detail, sizeof(detail)),
                     CS_ERR_STATUS_LIST_URI);
    assert_int_equal(cs_status_token_verify(slt, len, key, EXAMPLE_URI, EXAMPLE_EXP + 61, 60,
                                            &token, detail, sizeof(detail)),
                     CS_ERR_STATUS_LIST_EXPIRED);
    assert_non_null(strstr(detail, "expired on 2042-"));
    assert_int_equal(cs_key_generate(CS_ALG_ES256, &other), CS_OK);
    assert_int_equal(cs_status_token_verify(slt, len, other, EXAMPLE_URI, EXAMPLE_IAT + DAY, 60,
                                            &token, detail, sizeof(detail)),
                     CS_ERR_STATUS_LIST_KEY);
    cs_key_free(&other);
    cs_key_free(&key);
    free(slt);
}

/* The referenced token verifies and points at index 0 of the example list,
 * which is set (value 1). */
static void test_example_referenced(void **state)
{
    (void)state;
    cs_status_token token = {0};
    cs_key_t *key = example_key();
    cs_cose_sign1 msg;
    cs_cbor_item *claims = NULL;
    const cs_cbor_item *ref;
    const char *uri;
    size_t len, slt_len, uri_len;
    uint64_t idx;
    unsigned value;
    uint8_t *referenced = vector_file("referenced.hex", &len),
            *slt = vector_file("slt.hex", &slt_len);

    assert_int_equal(cs_cose_sign1_decode(referenced, len, &msg), CS_OK);
    assert_int_equal(cs_cose_sign1_verify(&msg, key, NULL, 0, 0), CS_OK);
    assert_int_equal(cs_cbor_decode(msg.payload, msg.payload_len, 8, &claims), CS_OK);
    ref = cs_cbor_map_get_text(cs_cbor_map_get_int(claims, CS_CLAIM_STATUS), "status_list");
    assert_int_equal(cs_cbor_get_uint(cs_cbor_map_get_text(ref, "idx"), &idx), CS_OK);
    assert_int_equal(cs_cbor_get_text(cs_cbor_map_get_text(ref, "uri"), &uri, &uri_len), CS_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(uri_len, strlen(EXAMPLE_URI));
    assert_memory_equal(uri, EXAMPLE_URI, uri_len);

    assert_int_equal(cs_status_token_decode(slt, slt_len, &token, NULL, 0), CS_OK);
    assert_int_equal(cs_status_list_get(token.list, idx, &value), CS_OK);
    assert_int_equal(value, 1);
    cs_status_token_clear(&token);
    /* The referenced token is no status list token. */
    assert_int_equal(cs_status_token_decode(referenced, len, &token, NULL, 0), CS_ERR_COSE_TYPE);
    assert_null(token.uri);

    cs_cbor_free(&claims);
    cs_cose_sign1_clear(&msg);
    cs_key_free(&key);
    free(referenced);
    free(slt);
}

/* ---- certseal's own tokens ------------------------------------------------------- */

static cs_status_list_t *sample_list(void)
{
    cs_status_list_t *list = NULL;
    assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MIN, 2, &list), CS_OK);
    assert_int_equal(cs_status_list_set(list, 7, CS_STATUS_SUSPENDED), CS_OK);
    assert_int_equal(cs_status_list_set(list, 8, CS_STATUS_WITHDRAWN), CS_OK);
    assert_int_equal(cs_status_list_set(list, 9, CS_STATUS_SUPERSEDED), CS_OK);
    return list;
}

static const cs_status_token_params PARAMS = {URI, NOW - DAY, NOW + DAY, 3600};

static uint8_t *sign_sample(const cs_key_t *key, size_t *len)
{
    cs_status_list_t *list = sample_list();
    uint8_t *out = NULL;
    assert_int_equal(cs_status_token_sign(key, list, &PARAMS, &out, len), CS_OK);
    cs_status_list_free(&list);
    return out;
}

static void round_trip(cs_alg alg)
{
    cs_key_t *key = NULL;
    cs_status_token token = {0};
    unsigned value;
    size_t len, len2;
    char detail[CS_DETAIL_SIZE] = "";

    assert_int_equal(cs_key_generate(alg, &key), CS_OK);
    uint8_t *slt = sign_sample(key, &len);
    assert_true(len < 1024); /* 128 Ki entries, mostly 0, compress to little */
    assert_int_equal(
        cs_status_token_verify(slt, len, key, URI, NOW, 60, &token, detail, sizeof(detail)), CS_OK);
    assert_string_equal(token.uri, URI);
    assert_int_equal(token.issued_at, NOW - DAY);
    assert_int_equal(token.expires, NOW + DAY);
    assert_int_equal(token.ttl, 3600);
    assert_int_equal(token.alg, alg);
    assert_true(token.has_kid);
    assert_memory_equal(token.kid, cs_key_kid(key), CS_KID_SIZE);
    assert_int_equal(cs_status_list_entries(token.list), CS_STATUS_LIST_MIN);
    for (uint64_t i = 6; i <= 10; i++) {
        assert_int_equal(cs_status_list_get(token.list, i, &value), CS_OK);
        assert_int_equal(value, i == 7 ? 2 : i == 8 ? 1 : i == 9 ? 3 : 0);
    }
    cs_status_token_clear(&token);
    assert_null(token.uri);
    if (alg == CS_ALG_EDDSA) { /* deterministic: same input, same bytes */
        uint8_t *again = sign_sample(key, &len2);
        assert_bytes(again, len2, slt, len);
        free(again);
    }
    free(slt);
    cs_key_free(&key);
}

static void test_round_trip_ed25519(void **state)
{
    (void)state;
    round_trip(CS_ALG_EDDSA);
}

static void test_round_trip_p256(void **state)
{
    (void)state;
    round_trip(CS_ALG_ES256);
}

static void test_sign_arguments(void **state)
{
    (void)state;
    cs_key_t *key = NULL, *public_only = NULL;
    cs_status_list_t *list = sample_list(), *one_bit = NULL;
    cs_status_token_params p = PARAMS;
    uint8_t *out = NULL;
    size_t len;

    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &key), CS_OK);
    assert_int_equal(helper_public_copy(key, &public_only), CS_OK);
    assert_int_equal(cs_status_token_sign(public_only, list, &p, &out, &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_status_list_new(8, 1, &one_bit), CS_OK);
    assert_int_equal(cs_status_token_sign(key, one_bit, &p, &out, &len), CS_ERR_ARGUMENT);
    p.uri = "";
    assert_int_equal(cs_status_token_sign(key, list, &p, &out, &len), CS_ERR_ARGUMENT);
    p = PARAMS;
    p.expires = p.issued_at;
    assert_int_equal(cs_status_token_sign(key, list, &p, &out, &len), CS_ERR_ARGUMENT);
    assert_null(out);
    /* No exp and no ttl: both left out, and the list never expires. */
    p = PARAMS;
    p.expires = 0;
    p.ttl = 0;
    assert_int_equal(cs_status_token_sign(key, list, &p, &out, &len), CS_OK);
    cs_status_token token = {0};
    assert_int_equal(cs_status_token_verify(out, len, key, URI, INT64_MAX / 2, 0, &token, NULL, 0),
                     CS_OK);
    assert_int_equal(token.expires, 0);
    assert_int_equal(token.ttl, 0);
    cs_status_token_clear(&token);
    free(out);
    cs_status_list_free(&one_bit);
    cs_status_list_free(&list);
    cs_key_free(&public_only);
    cs_key_free(&key);
}

/* ---- rejections -------------------------------------------------------------------- */

static void expect_verify(const uint8_t *slt, size_t len, const cs_key_t *key, const char *uri,
                          int64_t now, cs_err want)
{
    cs_status_token token = {0};
    char detail[CS_DETAIL_SIZE] = "";
    cs_err got =
        cs_status_token_verify(slt, len, key, uri, now, 60, &token, detail, sizeof(detail));
    if (got != want)
        fail_msg("expected %s, got %s (%s)", cs_err_name(want), cs_err_name(got), detail);
    if (want != CS_OK) {
        assert_null(token.list);
        assert_null(token.uri);
        assert_true(detail[0] != '\0');
    }
    cs_status_token_clear(&token);
}

static void test_reject_stale_key_uri(void **state)
{
    (void)state;
    cs_key_t *key = NULL, *other = NULL, *p256 = NULL;
    size_t len;

    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &key), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &other), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_ES256, &p256), CS_OK);
    uint8_t *slt = sign_sample(key, &len);

    expect_verify(slt, len, key, URI, NOW, CS_OK);
    expect_verify(slt, len, key, URI, NOW + DAY + 60, CS_ERR_STATUS_LIST_EXPIRED);
    expect_verify(slt, len, key, URI, NOW + DAY + 59, CS_OK); /* within the skew */
    expect_verify(slt, len, other, URI, NOW, CS_ERR_STATUS_LIST_KEY);
    expect_verify(slt, len, p256, URI, NOW, CS_ERR_STATUS_LIST_KEY);
    expect_verify(slt, len, key, "https://cb.example/status/2", NOW, CS_ERR_STATUS_LIST_URI);
    expect_verify(slt, len, key, "https://cb.example/status/1/", NOW, CS_ERR_STATUS_LIST_URI);
    for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 7)) { /* truncated token */
        cs_status_token token = {0};
        assert_int_not_equal(cs_status_token_verify(slt, cut, key, URI, NOW, 60, &token, NULL, 0),
                             CS_OK);
        assert_null(token.list);
    }

    uint8_t *longer = malloc(len + 1);
    assert_non_null(longer);
    memcpy(longer, slt, len);
    longer[len] = 0x00;
    expect_verify(longer, len + 1, key, URI, NOW, CS_ERR_CBOR_TRAILING);
    memcpy(longer, slt, len);
    longer[len - 1] ^= 0x01; /* the signature */
    expect_verify(longer, len, key, URI, NOW, CS_ERR_STATUS_LIST_KEY);
    free(longer);

    /* Wrapped in the CWT tag 61, which the draft's form does not use. */
    uint8_t *tagged = malloc(len + 2);
    assert_non_null(tagged);
    tagged[0] = 0xd8;
    tagged[1] = 0x3d;
    memcpy(tagged + 2, slt, len);
    expect_verify(tagged, len + 2, key, URI, NOW, CS_ERR_CBOR_TAG);
    free(tagged);
    /* Without tag 18: DESIGN §3 has a status list token tagged. */
    assert_int_equal(slt[0], 0xd2);
    expect_verify(slt + 1, len - 1, key, URI, NOW, CS_ERR_CBOR_TAG);

    free(slt);
    cs_key_free(&p256);
    cs_key_free(&other);
    cs_key_free(&key);
}

/* What a hand-made claims map holds (helper_sign1 signs it). */
typedef struct claims_spec {
    const char *sub; /* NULL: absent */
    bool sub_as_bytes;
    int64_t iat; /* 0: absent */
    bool iat_as_text;
    int64_t exp; /* 0: absent */
    int ttl;     /* <0: written as that negative integer; 0: absent */
    bool list_absent;
    bool list_as_array;
    int bits;           /* <0: written as text */
    const uint8_t *lst; /* NULL: a 16-entry list compressed */
    size_t lst_len;
    bool lst_as_text;
    const char *aggregation; /* NULL: absent */
    bool aggregation_as_int;
    const char *extra_key; /* an unknown key in the StatusList */
} claims_spec;

static void put_list(cs_cbor_writer *w, const claims_spec *s, unsigned bits)
{
    uint8_t *lst = NULL;
    size_t lst_len = s->lst_len;
    cs_status_list_t *list = NULL;

    if (s->lst == NULL) {
        assert_int_equal(cs_status_list_new(16, bits, &list), CS_OK);
        assert_int_equal(cs_status_list_set(list, 3, 1), CS_OK);
        assert_int_equal(cs_status_list_compress(list, 9, &lst, &lst_len), CS_OK);
        cs_status_list_free(&list);
    }
    if (s->list_as_array) {
        cs_cbor_put_array(w, 0);
        free(lst);
        return;
    }
    cs_cbor_put_map(w, 2 + (s->aggregation != NULL) + (s->extra_key != NULL));
    cs_cbor_put_cstring(w, "bits");
    if (s->bits < 0)
        cs_cbor_put_cstring(w, "2");
    else
        cs_cbor_put_uint(w, (uint64_t)s->bits);
    cs_cbor_put_cstring(w, "lst");
    if (s->lst_as_text)
        cs_cbor_put_cstring(w, "x");
    else
        cs_cbor_put_bytes(w, s->lst != NULL ? s->lst : lst, lst_len);
    if (s->aggregation != NULL) {
        cs_cbor_put_cstring(w, "aggregation_uri");
        if (s->aggregation_as_int)
            cs_cbor_put_uint(w, 1);
        else
            cs_cbor_put_cstring(w, s->aggregation);
    }
    if (s->extra_key != NULL) {
        cs_cbor_put_cstring(w, s->extra_key);
        cs_cbor_put_uint(w, 0);
    }
    free(lst);
}

static uint8_t *spec_token(const cs_key_t *key, const claims_spec *s, const char *typ,
                           bool kid_unprotected, size_t *len)
{
    cs_cbor_writer w;
    helper_header h = {.typ = typ, .kid_unprotected = kid_unprotected};
    uint8_t *out = NULL;
    unsigned bits = s->bits > 0 ? (unsigned)s->bits : 2;

    if (bits != 1 && bits != 2 && bits != 4 && bits != 8)
        bits = 2;
    cs_cbor_writer_init(&w);
    cs_cbor_put_map(&w, (s->sub != NULL) + (s->iat != 0) + (s->exp != 0) + (s->ttl != 0) +
                            !s->list_absent);
    if (s->sub != NULL) {
        cs_cbor_put_int(&w, CS_CLAIM_SUB);
        if (s->sub_as_bytes)
            cs_cbor_put_bytes(&w, (const uint8_t *)s->sub, strlen(s->sub));
        else
            cs_cbor_put_cstring(&w, s->sub);
    }
    if (s->iat != 0) {
        cs_cbor_put_int(&w, CS_CLAIM_IAT);
        if (s->iat_as_text)
            cs_cbor_put_cstring(&w, "yesterday");
        else
            cs_cbor_put_int(&w, s->iat);
    }
    if (s->exp != 0) {
        cs_cbor_put_int(&w, CS_CLAIM_EXP);
        cs_cbor_put_int(&w, s->exp);
    }
    if (s->ttl != 0) {
        cs_cbor_put_int(&w, CS_CLAIM_TTL);
        cs_cbor_put_int(&w, s->ttl);
    }
    if (!s->list_absent) {
        cs_cbor_put_int(&w, CS_CLAIM_STATUS_LIST);
        put_list(&w, s, bits);
    }
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    assert_int_equal(helper_sign1(key, &h, w.buf, w.len, &out, len), CS_OK);
    cs_cbor_writer_free(&w);
    return out;
}

static claims_spec good_spec(void)
{
    claims_spec s = {.sub = URI, .iat = NOW - DAY, .exp = NOW + DAY, .ttl = 60, .bits = 2};
    return s;
}

static void expect_spec(const cs_key_t *key, const claims_spec *s, const char *typ,
                        cs_err want_verify, cs_err want_decode)
{
    size_t len;
    uint8_t *slt = spec_token(key, s, typ, false, &len);
    cs_status_token token = {0};

    expect_verify(slt, len, key, URI, NOW, want_verify);
    assert_int_equal(cs_status_token_decode(slt, len, &token, NULL, 0), want_decode);
    cs_status_token_clear(&token);
    free(slt);
}

static void test_reject_claims(void **state)
{
    (void)state;
    static const uint8_t garbage[] = {0x78, 0x9c, 0xff, 0xff};
    cs_key_t *key = NULL;
    claims_spec s;

    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &key), CS_OK);
    s = good_spec();
    expect_spec(key, &s, CS_STATUS_LIST_TYP, CS_OK, CS_OK);
    s.aggregation = "https://cb.example/status/";
    expect_spec(key, &s, CS_STATUS_LIST_TYP, CS_OK, CS_OK);
    s = good_spec();
    expect_spec(key, &s, "cs-cert", CS_ERR_COSE_TYPE, CS_ERR_COSE_TYPE);
    expect_spec(key, &s, NULL, CS_ERR_COSE_TYPE, CS_ERR_COSE_TYPE);
    for (int bits = 1; bits <= 8; bits *= 2) { /* decode reads them, certseal refuses */
        s.bits = bits;
        expect_spec(key, &s, CS_STATUS_LIST_TYP, bits == 2 ? CS_OK : CS_ERR_STATUS_BITS, CS_OK);
    }
    s.bits = 3;
    expect_spec(key, &s, CS_STATUS_LIST_TYP, CS_ERR_STATUS_BITS, CS_ERR_STATUS_BITS);
    s.bits = -1;
    expect_spec(key, &s, CS_STATUS_LIST_TYP, CS_ERR_STATUS_LIST, CS_ERR_STATUS_LIST);

#define REJECT(change, want)                                                                       \
    do {                                                                                           \
        s = good_spec();                                                                           \
        change;                                                                                    \
        expect_spec(key, &s, CS_STATUS_LIST_TYP, want, want);                                      \
    } while (0)
    REJECT(s.sub = NULL, CS_ERR_STATUS_LIST);
    REJECT(s.sub = "", CS_ERR_STATUS_LIST);
    REJECT(s.sub_as_bytes = true, CS_ERR_STATUS_LIST);
    REJECT(s.iat = 0, CS_ERR_STATUS_LIST);
    REJECT(s.iat_as_text = true, CS_ERR_STATUS_LIST);
    REJECT(s.exp = -5, CS_ERR_STATUS_LIST);
    REJECT(s.ttl = -1, CS_ERR_STATUS_LIST);
    REJECT(s.list_absent = true, CS_ERR_STATUS_LIST);
    REJECT(s.list_as_array = true, CS_ERR_STATUS_LIST);
    REJECT(s.lst_as_text = true, CS_ERR_STATUS_LIST);
    REJECT((s.aggregation = "x", s.aggregation_as_int = true), CS_ERR_STATUS_LIST);
    REJECT(s.extra_key = "lst2", CS_ERR_STATUS_LIST);
    REJECT((s.lst = garbage, s.lst_len = sizeof(garbage)), CS_ERR_INFLATE);
    REJECT((s.lst = garbage, s.lst_len = 0), CS_ERR_INFLATE);
#undef REJECT

    /* A truncated lst. */
    cs_status_list_t *list = sample_list();
    uint8_t *lst = NULL;
    size_t lst_len;
    assert_int_equal(cs_status_list_compress(list, 9, &lst, &lst_len), CS_OK);
    s = good_spec();
    s.lst = lst;
    s.lst_len = lst_len - 3;
    expect_spec(key, &s, CS_STATUS_LIST_TYP, CS_ERR_INFLATE, CS_ERR_INFLATE);
    free(lst);
    cs_status_list_free(&list);
    cs_key_free(&key);
}

/* kid: accepted unprotected, the protected one wins, a foreign one is
 * another signer. */
static void test_kid_placement(void **state)
{
    (void)state;
    static const uint8_t foreign[CS_KID_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8};
    cs_key_t *key = NULL;
    cs_status_token token = {0};
    claims_spec s = good_spec();
    uint8_t *slt, *payload;
    size_t len;
    cs_cose_sign1 msg;

    assert_int_equal(cs_key_generate(CS_ALG_ES256, &key), CS_OK);
    slt = spec_token(key, &s, CS_STATUS_LIST_TYP, true, &len);
    assert_int_equal(cs_status_token_verify(slt, len, key, URI, NOW, 0, &token, NULL, 0), CS_OK);
    assert_true(token.has_kid);
    assert_memory_equal(token.kid, cs_key_kid(key), CS_KID_SIZE);
    cs_status_token_clear(&token);

    /* Reuse the claims for hand-made headers. */
    assert_int_equal(cs_cose_sign1_decode(slt, len, &msg), CS_OK);
    payload = malloc(msg.payload_len);
    assert_non_null(payload);
    memcpy(payload, msg.payload, msg.payload_len);
    size_t payload_len = msg.payload_len;
    cs_cose_sign1_clear(&msg);
    free(slt);

    helper_header h = {.typ = CS_STATUS_LIST_TYP, .unprotected_kid = foreign};
    assert_int_equal(helper_sign1(key, &h, payload, payload_len, &slt, &len), CS_OK);
    expect_verify(slt, len, key, URI, NOW, CS_OK);
    free(slt);
    helper_header h2 = {.typ = CS_STATUS_LIST_TYP, .kid = foreign};
    assert_int_equal(helper_sign1(key, &h2, payload, payload_len, &slt, &len), CS_OK);
    expect_verify(slt, len, key, URI, NOW, CS_ERR_STATUS_LIST_KEY);
    free(slt);
    helper_header h3 = {.typ = CS_STATUS_LIST_TYP, .alg = HELPER_ALG_ABSENT};
    assert_int_equal(helper_sign1(key, &h3, payload, payload_len, &slt, &len), CS_OK);
    expect_verify(slt, len, key, URI, NOW, CS_ERR_ALG_MISSING);
    free(slt);
    free(payload);
    cs_key_free(&key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_bits1),       cmocka_unit_test(test_vector_bits2),
        cmocka_unit_test(test_vector_long),        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_sparse_and_packed),
        cmocka_unit_test(test_list_arguments),     cmocka_unit_test(test_decompress_rejects),
        cmocka_unit_test(test_decompress_checksum),
        cmocka_unit_test(test_example_token),      cmocka_unit_test(test_example_referenced),
        cmocka_unit_test(test_round_trip_ed25519), cmocka_unit_test(test_round_trip_p256),
        cmocka_unit_test(test_sign_arguments),     cmocka_unit_test(test_reject_stale_key_uri),
        cmocka_unit_test(test_reject_claims),      cmocka_unit_test(test_kid_placement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
