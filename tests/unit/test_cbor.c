/* SPDX-License-Identifier: ISC */
/* Unit tests for pkg/cbor.c: the strict decoder, the getters, the writer,
 * and the rejection vectors in tests/data/cbor (STYLE 13). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper_files.h"
#include "internal.h"

#define VECTOR_DIR "tests/data/cbor"
#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static cs_err decode_status(const uint8_t *data, size_t len, unsigned max_depth)
{
    cs_cbor_item *item = NULL;
    cs_err err = cs_cbor_decode(data, len, max_depth, &item);

    if (err == CS_OK) {
        assert_non_null(item);
        cs_cbor_free(&item);
        assert_null(item);
    } else {
        assert_null(item);
    }
    return err;
}

/* The tree borrows data, which must outlive it (the B() literals here live
 * to the end of the enclosing block). */
static cs_cbor_item *decode_ok(const uint8_t *data, size_t len)
{
    cs_cbor_item *item = NULL;

    assert_int_equal(cs_cbor_decode(data, len, CS_CBOR_MAX_DEPTH, &item), CS_OK);
    assert_non_null(item);
    return item;
}

/* ---- decoding ---------------------------------------------------------------- */

static void test_well_formed(void **state)
{
    (void)state;
    assert_int_equal(decode_status(B(0x00), 16), CS_OK);
    assert_int_equal(decode_status(B(0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 16), CS_OK);
    assert_int_equal(decode_status(B(0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 16), CS_OK);
    assert_int_equal(decode_status(B(0x40), 16), CS_OK);
    assert_int_equal(decode_status(B(0x60), 16), CS_OK);
    assert_int_equal(decode_status(B(0x63, 0xe2, 0x82, 0xac), 16), CS_OK);       /* "€" */
    assert_int_equal(decode_status(B(0x64, 0xf0, 0x9f, 0x98, 0x80), 16), CS_OK); /* U+1F600 */
    assert_int_equal(decode_status(B(0x80), 16), CS_OK);
    assert_int_equal(decode_status(B(0xa0), 16), CS_OK);
    assert_int_equal(decode_status(B(0xf4), 16), CS_OK);
    assert_int_equal(decode_status(B(0xf6), 16), CS_OK);
    assert_int_equal(decode_status(B(0xf7), 16), CS_OK);
    assert_int_equal(decode_status(B(0xf9, 0x3c, 0x00), 16), CS_OK);
    assert_int_equal(decode_status(B(0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0), 16), CS_OK);
    /* {1: 1, -1: 2}: same magnitude, different major type, not a duplicate */
    assert_int_equal(decode_status(B(0xa2, 0x01, 0x01, 0x20, 0x02), 16), CS_OK);
    /* {"a": 1, "b": [h'00', {"c": null}], 1: "x"} */
    assert_int_equal(decode_status(B(0xa3, 0x61, 0x61, 0x01, 0x61, 0x62, 0x82, 0x41, 0x00, 0xa1,
                                     0x61, 0x63, 0xf6, 0x01, 0x61, 0x78),
                                   16),
                     CS_OK);
}

static void test_trailing(void **state)
{
    (void)state;
    assert_int_equal(decode_status(B(0x01, 0x00), 16), CS_ERR_CBOR_TRAILING);
    assert_int_equal(decode_status(B(0x80, 0xff), 16), CS_ERR_CBOR_TRAILING);
}

static void test_indefinite(void **state)
{
    (void)state;
    assert_int_equal(decode_status(B(0x5f, 0x41, 0x00, 0xff), 16), CS_ERR_CBOR_INDEFINITE);
    assert_int_equal(decode_status(B(0x7f, 0x61, 0x61, 0xff), 16), CS_ERR_CBOR_INDEFINITE);
    assert_int_equal(decode_status(B(0x9f, 0xff), 16), CS_ERR_CBOR_INDEFINITE);
    assert_int_equal(decode_status(B(0xbf, 0xff), 16), CS_ERR_CBOR_INDEFINITE);
}

static void test_depth(void **state)
{
    uint8_t nest[18];

    (void)state;
    memset(nest, 0x81, sizeof(nest));
    nest[16] = 0x00; /* 16 arrays around 0 */
    assert_int_equal(decode_status(nest, 17, 16), CS_OK);
    assert_int_equal(decode_status(nest, 17, 15), CS_ERR_CBOR_DEPTH);
    nest[16] = 0x81, nest[17] = 0x00; /* 17 arrays around 0 */
    assert_int_equal(decode_status(nest, 18, 16), CS_ERR_CBOR_DEPTH);
    assert_int_equal(decode_status(nest, 18, 17), CS_OK);
    /* a top-level scalar is depth 1, an array of scalars too */
    assert_int_equal(decode_status(B(0x00), 1), CS_OK);
    assert_int_equal(decode_status(B(0x81, 0x00), 1), CS_OK);
    assert_int_equal(decode_status(B(0x81, 0x80), 1), CS_ERR_CBOR_DEPTH);
    assert_int_equal(decode_status(B(0x00), 0), CS_ERR_CBOR_DEPTH);
    /* map keys and values nest like array items: {1: [[0]]} is depth 3 */
    assert_int_equal(decode_status(B(0xa1, 0x01, 0x81, 0x81, 0x00), 3), CS_OK);
    assert_int_equal(decode_status(B(0xa1, 0x01, 0x81, 0x81, 0x00), 2), CS_ERR_CBOR_DEPTH);
    /* siblings after a closed container are back at the outer level */
    assert_int_equal(decode_status(B(0x82, 0x81, 0x81, 0x00, 0x81, 0x00), 3), CS_OK);
}

static void test_depth_limit(void **state)
{
    uint8_t *nest = malloc(CS_CBOR_DEPTH_LIMIT + 2);

    (void)state;
    assert_non_null(nest);
    memset(nest, 0x81, CS_CBOR_DEPTH_LIMIT + 1);
    nest[CS_CBOR_DEPTH_LIMIT] = 0x00; /* CS_CBOR_DEPTH_LIMIT arrays around 0 */
    assert_int_equal(decode_status(nest, CS_CBOR_DEPTH_LIMIT + 1, CS_CBOR_DEPTH_LIMIT), CS_OK);
    assert_int_equal(decode_status(nest, CS_CBOR_DEPTH_LIMIT + 1, CS_CBOR_DEPTH_LIMIT - 1),
                     CS_ERR_CBOR_DEPTH);
    assert_int_equal(decode_status(nest, CS_CBOR_DEPTH_LIMIT + 1, CS_CBOR_DEPTH_LIMIT + 1),
                     CS_ERR_ARGUMENT);
    /* one more level than the limit is too deep at the limit */
    nest[CS_CBOR_DEPTH_LIMIT] = 0x81, nest[CS_CBOR_DEPTH_LIMIT + 1] = 0x00;
    assert_int_equal(decode_status(nest, CS_CBOR_DEPTH_LIMIT + 2, CS_CBOR_DEPTH_LIMIT),
                     CS_ERR_CBOR_DEPTH);
    free(nest);
}

static void test_map_keys(void **state)
{
    (void)state;
    assert_int_equal(decode_status(B(0xa2, 0x01, 0x01, 0x01, 0x02), 16), CS_ERR_CBOR_DUPLICATE_KEY);
    assert_int_equal(decode_status(B(0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02), 16),
                     CS_ERR_CBOR_DUPLICATE_KEY);
    assert_int_equal(decode_status(B(0xa2, 0x01, 0x01, 0x20, 0x02), 16), CS_OK);
    assert_int_equal(decode_status(B(0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02), 16), CS_OK);
    assert_int_equal(decode_status(B(0xa2, 0x60, 0x01, 0x00, 0x02), 16), CS_OK); /* "" and 0 */
    /* integer keys outside int64_t: -2^64 and 2^64 - 1 (equal argument bits) */
    assert_int_equal(decode_status(B(0xa2, 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0x00, 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0x01),
                                   16),
                     CS_OK);
    assert_int_equal(decode_status(B(0xa2, 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0x00, 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0x01),
                                   16),
                     CS_ERR_CBOR_DUPLICATE_KEY);
    /* the same key written with a longer head is still the same key */
    assert_int_equal(decode_status(B(0xa2, 0x01, 0x00, 0x18, 0x01, 0x01), 16),
                     CS_ERR_CBOR_DUPLICATE_KEY);
    assert_int_equal(decode_status(B(0xa1, 0x41, 0x00, 0x01), 16), CS_ERR_CBOR_TYPE);
    assert_int_equal(decode_status(B(0xa1, 0xf6, 0x01), 16), CS_ERR_CBOR_TYPE);
}

static void test_many_keys(void **state)
{
    cs_cbor_writer w;

    (void)state;
    cs_cbor_writer_init(&w);
    cs_cbor_put_map(&w, 1000);
    for (int64_t i = 0; i < 1000; i++) {
        cs_cbor_put_int(&w, i % 2 ? i : -i - 1);
        cs_cbor_put_uint(&w, 0);
    }
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    assert_int_equal(decode_status(w.buf, w.len, 16), CS_OK);
    /* the same map with its last key changed into the first one */
    cs_cbor_writer_reset(&w);
    cs_cbor_put_map(&w, 1000);
    for (int64_t i = 0; i < 1000; i++) {
        cs_cbor_put_int(&w, i == 999 ? -1 : i % 2 ? i : -i - 1);
        cs_cbor_put_uint(&w, 0);
    }
    assert_int_equal(decode_status(w.buf, w.len, 16), CS_ERR_CBOR_DUPLICATE_KEY);
    cs_cbor_writer_free(&w);
}

static void test_tags_inside(void **state)
{
    (void)state;
    assert_int_equal(decode_status(B(0x81, 0xc1, 0x00), 16), CS_ERR_CBOR_TAG);
    assert_int_equal(decode_status(B(0x81, 0xd2, 0x80), 16), CS_ERR_CBOR_TAG);
    assert_int_equal(decode_status(B(0xd2, 0x80), 16), CS_ERR_CBOR_TAG);
    assert_int_equal(decode_status(B(0xa1, 0x01, 0xd8, 0x3d, 0x00), 16), CS_ERR_CBOR_TAG);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_int_equal(decode_status(B(0x62, 0xc3, 0x28), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x62, 0xc0, 0x80), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x63, 0xe0, 0x80, 0x80), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x63, 0xed, 0xa0, 0x80), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x64, 0xf4, 0x90, 0x80, 0x80), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x61, 0x80), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x61, 0xff), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x62, 0xc2, 0x80), 16), CS_OK);             /* U+0080 */
    assert_int_equal(decode_status(B(0x63, 0xef, 0xbf, 0xbf), 16), CS_OK);       /* U+FFFF */
    assert_int_equal(decode_status(B(0x64, 0xf4, 0x8f, 0xbf, 0xbf), 16), CS_OK); /* U+10FFFF */
    /* byte strings are not text */
    assert_int_equal(decode_status(B(0x42, 0xc3, 0x28), 16), CS_OK);
}

static void test_truncated_and_huge(void **state)
{
    (void)state;
    assert_int_equal(decode_status(B(0x82, 0x01), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0xa1, 0x01), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x19, 0x01), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00), 16),
                     CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00), 16),
                     CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00), 16),
                     CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0xff), 16), CS_ERR_CBOR);
    assert_int_equal(decode_status(B(0x1c), 16), CS_ERR_CBOR);
}

static void test_arguments(void **state)
{
    cs_cbor_item *item = NULL;
    uint64_t tags[1];
    size_t n = 0;

    (void)state;
    assert_int_equal(decode_status(NULL, 0, 16), CS_ERR_CBOR);
    assert_int_equal(decode_status((const uint8_t *)"", 0, 16), CS_ERR_CBOR);
    assert_int_equal(cs_cbor_decode(NULL, 1, 16, &item), CS_ERR_ARGUMENT);
    assert_int_equal(cs_cbor_decode(B(0x00), 16, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_cbor_decode_tagged(B(0x00), 16, NULL, 1, &n, &item), CS_ERR_ARGUMENT);
    assert_int_equal(cs_cbor_decode_tagged(B(0x00), 16, tags, 1, NULL, &item), CS_ERR_ARGUMENT);
    assert_int_equal(cs_cbor_decode_tagged(NULL, 0, 16, tags, 1, &n, &item), CS_ERR_CBOR);
}

/* ---- tagged decoding ---------------------------------------------------------- */

static void test_tagged(void **state)
{
    uint64_t tags[CS_CBOR_MAX_TAGS];
    cs_cbor_item *item = NULL;
    size_t n = 99;

    (void)state;
    assert_int_equal(cs_cbor_decode_tagged(B(0xd2, 0x80), 16, tags, 4, &n, &item), CS_OK);
    assert_int_equal(n, 1);
    assert_int_equal(tags[0], 18);
    assert_true(cs_cbor_is_array(item));
    assert_int_equal(cs_cbor_count(item), 0);
    cs_cbor_free(&item);

    assert_int_equal(cs_cbor_decode_tagged(B(0xd8, 0x3d, 0xd2, 0x80), 16, tags, 4, &n, &item),
                     CS_OK);
    assert_int_equal(n, 2);
    assert_int_equal(tags[0], 61);
    assert_int_equal(tags[1], 18);
    assert_true(cs_cbor_is_array(item));
    cs_cbor_free(&item);

    /* every head size, and no tag at all */
    assert_int_equal(cs_cbor_decode_tagged(B(0xdb, 1, 2, 3, 4, 5, 6, 7, 8, 0xda, 0, 1, 0, 0, 0xd9,
                                             0xd9, 0xf7, 0xc0, 0x00),
                                           16, tags, 4, &n, &item),
                     CS_OK);
    assert_int_equal(n, 4);
    assert_true(tags[0] == UINT64_C(0x0102030405060708));
    assert_int_equal(tags[1], 65536);
    assert_int_equal(tags[2], 55799);
    assert_int_equal(tags[3], 0);
    {
        uint64_t u = 99;
        assert_int_equal(cs_cbor_get_uint(item, &u), CS_OK);
        assert_int_equal(u, 0);
    }
    cs_cbor_free(&item);
    assert_int_equal(cs_cbor_decode_tagged(B(0x80), 16, NULL, 0, &n, &item), CS_OK);
    assert_int_equal(n, 0);
    assert_true(cs_cbor_is_array(item));
    cs_cbor_free(&item);

    /* more than max_tags, malformed heads, a tag alone */
    n = 99;
    assert_int_equal(cs_cbor_decode_tagged(B(0xd8, 0x3d, 0xd2, 0x80), 16, tags, 1, &n, &item),
                     CS_ERR_CBOR_TAG);
    assert_null(item);
    assert_int_equal(n, 0);
    assert_int_equal(cs_cbor_decode_tagged(B(0xd2, 0x80), 16, NULL, 0, &n, &item), CS_ERR_CBOR_TAG);
    assert_int_equal(cs_cbor_decode_tagged(B(0xc1, 0xc1, 0xc1, 0xc1, 0xc1, 0x00), 16, tags, 4, &n,
                                           &item),
                     CS_ERR_CBOR_TAG);
    assert_int_equal(cs_cbor_decode_tagged(B(0xdc, 0x80), 16, tags, 4, &n, &item), CS_ERR_CBOR);
    assert_int_equal(cs_cbor_decode_tagged(B(0xdf, 0x80), 16, tags, 4, &n, &item), CS_ERR_CBOR);
    assert_int_equal(cs_cbor_decode_tagged(B(0xd9, 0x01), 16, tags, 4, &n, &item), CS_ERR_CBOR);
    assert_int_equal(cs_cbor_decode_tagged(B(0xd2), 16, tags, 4, &n, &item), CS_ERR_CBOR);
    /* the item after the tags is still strict */
    assert_int_equal(cs_cbor_decode_tagged(B(0xd2, 0x80, 0x00), 16, tags, 4, &n, &item),
                     CS_ERR_CBOR_TRAILING);
    assert_int_equal(cs_cbor_decode_tagged(B(0xd2, 0x9f, 0xff), 16, tags, 4, &n, &item),
                     CS_ERR_CBOR_INDEFINITE);
    assert_int_equal(cs_cbor_decode_tagged(B(0xd2, 0x81, 0xd2, 0x80), 16, tags, 4, &n, &item),
                     CS_ERR_CBOR_TAG);
    assert_null(item);
}

/* ---- getters ------------------------------------------------------------------ */

static void test_getters(void **state)
{
    /* {1: 7, -1: -8, "t": "hi", "b": h'0102', 2: [], 3: {}, 4: null,
     *  5: 18446744073709551615, 6: -18446744073709551616, 7: "", 8: h''} */
    cs_cbor_item *map = decode_ok(B(0xab, 0x01, 0x07, 0x20, 0x27, 0x61, 0x74, 0x62, 0x68, 0x69, 0x61,
                                   0x62, 0x42, 0x01, 0x02, 0x02, 0x80, 0x03, 0xa0, 0x04, 0xf6, 0x05,
                                   0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x06, 0x3b,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07, 0x60, 0x08,
                                   0x40));
    const cs_cbor_item *uint7 = cs_cbor_map_get_int(map, 1), *neg8 = cs_cbor_map_get_int(map, -1);
    const cs_cbor_item *text = cs_cbor_map_get_text(map, "t");
    const cs_cbor_item *bytes = cs_cbor_map_get_text(map, "b");
    const cs_cbor_item *array = cs_cbor_map_get_int(map, 2), *inner = cs_cbor_map_get_int(map, 3);
    const cs_cbor_item *null = cs_cbor_map_get_int(map, 4);
    const cs_cbor_item *wrong[] = {NULL, uint7, neg8, text, bytes, array, inner, null};
    const uint8_t *b;
    bool flag;
    const char *t;
    uint64_t u;
    int64_t i;
    size_t len;

    (void)state;
    assert_true(cs_cbor_is_map(map));
    assert_int_equal(cs_cbor_get_uint(uint7, &u), CS_OK);
    assert_int_equal(u, 7);
    assert_int_equal(cs_cbor_get_int(uint7, &i), CS_OK);
    assert_int_equal(i, 7);
    assert_int_equal(cs_cbor_get_int(neg8, &i), CS_OK);
    assert_int_equal(i, -8);
    assert_int_equal(cs_cbor_get_text(text, &t, &len), CS_OK);
    assert_int_equal(len, 2);
    assert_memory_equal(t, "hi", 2);
    assert_int_equal(cs_cbor_get_bytes(bytes, &b, &len), CS_OK);
    assert_int_equal(len, 2);
    assert_memory_equal(b, "\x01\x02", 2);
    assert_int_equal(cs_cbor_get_text(cs_cbor_map_get_int(map, 7), &t, &len), CS_OK);
    assert_non_null(t);
    assert_int_equal(len, 0);
    assert_int_equal(cs_cbor_get_bytes(cs_cbor_map_get_int(map, 8), &b, &len), CS_OK);
    assert_non_null(b);
    assert_int_equal(len, 0);
    assert_true(cs_cbor_is_array(array));
    assert_true(cs_cbor_is_map(inner));

    /* absent keys, lookups on non-maps */
    assert_null(cs_cbor_map_get_int(map, 9));
    assert_null(cs_cbor_map_get_int(map, -2));
    assert_null(cs_cbor_map_get_int(map, INT64_MIN));
    assert_null(cs_cbor_map_get_text(map, "x"));
    assert_null(cs_cbor_map_get_text(map, ""));
    assert_null(cs_cbor_map_get_text(map, NULL));
    assert_null(cs_cbor_map_get_int(array, 0));
    assert_null(cs_cbor_map_get_int(NULL, 1));
    assert_null(cs_cbor_map_get_text(text, "t"));

    /* each getter on each wrong type */
    for (size_t k = 0; k < sizeof(wrong) / sizeof(wrong[0]); k++) {
        const cs_cbor_item *item = wrong[k];
        if (item != uint7)
            assert_int_equal(cs_cbor_get_uint(item, &u), CS_ERR_CBOR_TYPE);
        if (item != uint7 && item != neg8)
            assert_int_equal(cs_cbor_get_int(item, &i), CS_ERR_CBOR_TYPE);
        if (item != text)
            assert_int_equal(cs_cbor_get_text(item, &t, &len), CS_ERR_CBOR_TYPE);
        if (item != bytes)
            assert_int_equal(cs_cbor_get_bytes(item, &b, &len), CS_ERR_CBOR_TYPE);
        if (item != inner)
            assert_false(cs_cbor_is_map(item));
        if (item != array)
            assert_false(cs_cbor_is_array(item));
        assert_int_equal(cs_cbor_get_bool(item, &flag), CS_ERR_CBOR_TYPE);
        if (item != array && item != inner)
            assert_int_equal(cs_cbor_count(item), 0);
    }
    /* integers outside int64_t */
    assert_int_equal(cs_cbor_get_uint(cs_cbor_map_get_int(map, 5), &u), CS_OK);
    assert_true(u == UINT64_MAX);
    assert_int_equal(cs_cbor_get_int(cs_cbor_map_get_int(map, 5), &i), CS_ERR_CBOR_TYPE);
    assert_int_equal(cs_cbor_get_int(cs_cbor_map_get_int(map, 6), &i), CS_ERR_CBOR_TYPE);
    assert_int_equal(cs_cbor_get_uint(uint7, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_cbor_get_int(uint7, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_cbor_get_text(text, NULL, &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_cbor_get_bytes(bytes, &b, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_cbor_get_bool(uint7, NULL), CS_ERR_ARGUMENT);
    /* strings borrow the input: they point into it */
    assert_int_equal(cs_cbor_get_text(text, &t, &len), CS_OK);
    assert_int_equal(cs_cbor_get_bytes(bytes, &b, &len), CS_OK);
    assert_ptr_equal(b, (const uint8_t *)t + 5); /* hi 61 62 42 01 02 */
    cs_cbor_free(&map);
    assert_null(map);
    cs_cbor_free(&map); /* a freed root is NULL, and freeing NULL is fine */
    cs_cbor_free(NULL);
}

static void test_int64_edges(void **state)
{
    /* {-9223372036854775808: 9223372036854775807} */
    cs_cbor_item *map = decode_ok(B(0xa1, 0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1b,
                                   0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    int64_t i;

    (void)state;
    assert_int_equal(cs_cbor_get_int(cs_cbor_map_key_at(map, 0), &i), CS_OK);
    assert_true(i == INT64_MIN);
    assert_int_equal(cs_cbor_get_int(cs_cbor_map_get_int(map, INT64_MIN), &i), CS_OK);
    assert_true(i == INT64_MAX);
    assert_int_equal(cs_cbor_get_int(cs_cbor_map_value_at(map, 0), &i), CS_OK);
    assert_true(i == INT64_MAX);
    cs_cbor_free(&map);
}

/* ---- tree access: counts, positions, booleans --------------------------------- */

static void expect_uint(const cs_cbor_item *item, uint64_t want)
{
    uint64_t u = ~want;
    assert_int_equal(cs_cbor_get_uint(item, &u), CS_OK);
    assert_true(u == want);
}

static void test_array_at(void **state)
{
    /* [1, [2, [3, 4]], {5: [6], "k": {7: 8}}, [], h'09', "z", 10] */
    const uint8_t data[] = {0x87, 0x01, 0x82, 0x02, 0x82, 0x03, 0x04, 0xa2, 0x05, 0x81,
                            0x06, 0x61, 0x6b, 0xa1, 0x07, 0x08, 0x80, 0x41, 0x09, 0x61,
                            0x7a, 0x0a};
    cs_cbor_item *root = decode_ok(data, sizeof(data));
    const cs_cbor_item *inner, *deeper, *map, *item;
    const uint8_t *b;
    const char *t;
    size_t len;

    (void)state;
    assert_true(cs_cbor_is_array(root));
    assert_int_equal(cs_cbor_count(root), 7);
    expect_uint(cs_cbor_array_at(root, 0), 1);

    inner = cs_cbor_array_at(root, 1);
    assert_true(cs_cbor_is_array(inner));
    assert_int_equal(cs_cbor_count(inner), 2);
    expect_uint(cs_cbor_array_at(inner, 0), 2);
    deeper = cs_cbor_array_at(inner, 1);
    assert_true(cs_cbor_is_array(deeper));
    assert_int_equal(cs_cbor_count(deeper), 2);
    expect_uint(cs_cbor_array_at(deeper, 0), 3);
    expect_uint(cs_cbor_array_at(deeper, 1), 4);
    assert_null(cs_cbor_array_at(deeper, 2));
    assert_null(cs_cbor_array_at(inner, 2));

    /* a map between items: its keys and values are skipped as one item */
    map = cs_cbor_array_at(root, 2);
    assert_true(cs_cbor_is_map(map));
    assert_int_equal(cs_cbor_count(map), 2);
    assert_null(cs_cbor_array_at(map, 0)); /* not an array */
    expect_uint(cs_cbor_array_at(cs_cbor_map_get_int(map, 5), 0), 6);
    expect_uint(cs_cbor_map_get_int(cs_cbor_map_get_text(map, "k"), 7), 8);

    item = cs_cbor_array_at(root, 3);
    assert_true(cs_cbor_is_array(item));
    assert_int_equal(cs_cbor_count(item), 0);
    assert_null(cs_cbor_array_at(item, 0));

    assert_int_equal(cs_cbor_get_bytes(cs_cbor_array_at(root, 4), &b, &len), CS_OK);
    assert_int_equal(len, 1);
    assert_int_equal(b[0], 0x09);
    assert_int_equal(cs_cbor_get_text(cs_cbor_array_at(root, 5), &t, &len), CS_OK);
    assert_int_equal(len, 1);
    assert_int_equal(t[0], 'z');
    expect_uint(cs_cbor_array_at(root, 6), 10); /* after every nested container */

    /* past the end, and on things that are not arrays */
    assert_null(cs_cbor_array_at(root, 7));
    assert_null(cs_cbor_array_at(root, 8));
    assert_null(cs_cbor_array_at(root, SIZE_MAX));
    assert_null(cs_cbor_array_at(NULL, 0));
    assert_null(cs_cbor_array_at(cs_cbor_array_at(root, 0), 0));
    assert_null(cs_cbor_array_at(cs_cbor_array_at(root, 4), 0));
    cs_cbor_free(&root);
}

static void test_count(void **state)
{
    cs_cbor_item *item;
    cs_cbor_writer w;

    (void)state;
    assert_int_equal(cs_cbor_count(NULL), 0);
    item = decode_ok(B(0x80));
    assert_int_equal(cs_cbor_count(item), 0);
    cs_cbor_free(&item);
    item = decode_ok(B(0xa0));
    assert_int_equal(cs_cbor_count(item), 0);
    assert_null(cs_cbor_map_key_at(item, 0));
    assert_null(cs_cbor_map_value_at(item, 0));
    cs_cbor_free(&item);
    /* scalars count 0, whatever their value or length */
    item = decode_ok(B(0x18, 0x2a));
    assert_int_equal(cs_cbor_count(item), 0);
    cs_cbor_free(&item);
    item = decode_ok(B(0x43, 0x01, 0x02, 0x03));
    assert_int_equal(cs_cbor_count(item), 0);
    cs_cbor_free(&item);
    item = decode_ok(B(0x62, 0x61, 0x62));
    assert_int_equal(cs_cbor_count(item), 0);
    cs_cbor_free(&item);
    item = decode_ok(B(0xf5));
    assert_int_equal(cs_cbor_count(item), 0);
    cs_cbor_free(&item);
    /* a map counts pairs, not keys plus values */
    item = decode_ok(B(0xa3, 0x01, 0x80, 0x02, 0xa1, 0x03, 0x04, 0x61, 0x61, 0x00));
    assert_int_equal(cs_cbor_count(item), 3);
    cs_cbor_free(&item);

    /* a long array whose items are containers */
    cs_cbor_writer_init(&w);
    cs_cbor_put_array(&w, 300);
    for (uint64_t i = 0; i < 300; i++) {
        cs_cbor_put_array(&w, 1);
        cs_cbor_put_map(&w, 1);
        cs_cbor_put_uint(&w, 0);
        cs_cbor_put_uint(&w, i);
    }
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    item = decode_ok(w.buf, w.len);
    assert_int_equal(cs_cbor_count(item), 300);
    for (size_t i = 0; i < 300; i++) {
        const cs_cbor_item *wrapped = cs_cbor_array_at(item, i);
        assert_int_equal(cs_cbor_count(wrapped), 1);
        expect_uint(cs_cbor_map_get_int(cs_cbor_array_at(wrapped, 0), 0), i);
    }
    assert_null(cs_cbor_array_at(item, 300));
    cs_cbor_free(&item);
    cs_cbor_writer_free(&w);
}

static void test_map_at(void **state)
{
    /* {1: [10, [11]], "a": {2: {3: 4}}, -1: 5, "b": [], 6: {}} */
    const uint8_t data[] = {0xa5, 0x01, 0x82, 0x0a, 0x81, 0x0b, 0x61, 0x61, 0xa1, 0x02, 0xa1,
                            0x03, 0x04, 0x20, 0x05, 0x61, 0x62, 0x80, 0x06, 0xa0};
    cs_cbor_item *map = decode_ok(data, sizeof(data));
    const cs_cbor_item *key, *value;
    const char *t;
    size_t len;
    int64_t i;

    (void)state;
    assert_int_equal(cs_cbor_count(map), 5);

    expect_uint(cs_cbor_map_key_at(map, 0), 1);
    value = cs_cbor_map_value_at(map, 0);
    assert_ptr_equal(value, cs_cbor_map_get_int(map, 1));
    assert_true(cs_cbor_is_array(value));
    assert_int_equal(cs_cbor_count(value), 2);
    expect_uint(cs_cbor_array_at(value, 0), 10);
    expect_uint(cs_cbor_array_at(cs_cbor_array_at(value, 1), 0), 11);

    key = cs_cbor_map_key_at(map, 1);
    assert_int_equal(cs_cbor_get_text(key, &t, &len), CS_OK);
    assert_int_equal(len, 1);
    assert_int_equal(t[0], 'a');
    value = cs_cbor_map_value_at(map, 1);
    assert_ptr_equal(value, cs_cbor_map_get_text(map, "a"));
    assert_true(cs_cbor_is_map(value));
    assert_int_equal(cs_cbor_count(value), 1);
    expect_uint(cs_cbor_map_key_at(value, 0), 2);
    assert_true(cs_cbor_is_map(cs_cbor_map_value_at(value, 0)));
    expect_uint(cs_cbor_map_key_at(cs_cbor_map_value_at(value, 0), 0), 3);
    expect_uint(cs_cbor_map_value_at(cs_cbor_map_value_at(value, 0), 0), 4);
    assert_null(cs_cbor_map_key_at(value, 1));

    assert_int_equal(cs_cbor_get_int(cs_cbor_map_key_at(map, 2), &i), CS_OK);
    assert_int_equal(i, -1);
    expect_uint(cs_cbor_map_value_at(map, 2), 5);
    assert_ptr_equal(cs_cbor_map_value_at(map, 2), cs_cbor_map_get_int(map, -1));

    assert_int_equal(cs_cbor_get_text(cs_cbor_map_key_at(map, 3), &t, &len), CS_OK);
    assert_int_equal(len, 1);
    assert_int_equal(t[0], 'b');
    value = cs_cbor_map_value_at(map, 3);
    assert_true(cs_cbor_is_array(value));
    assert_int_equal(cs_cbor_count(value), 0);

    expect_uint(cs_cbor_map_key_at(map, 4), 6);
    value = cs_cbor_map_value_at(map, 4);
    assert_true(cs_cbor_is_map(value));
    assert_int_equal(cs_cbor_count(value), 0);
    assert_ptr_equal(value, cs_cbor_map_get_int(map, 6));

    /* a key is never its value */
    for (size_t k = 0; k < 5; k++)
        assert_ptr_not_equal(cs_cbor_map_key_at(map, k), cs_cbor_map_value_at(map, k));
    /* past the end, and on things that are not maps */
    assert_null(cs_cbor_map_key_at(map, 5));
    assert_null(cs_cbor_map_value_at(map, 5));
    assert_null(cs_cbor_map_key_at(map, SIZE_MAX));
    assert_null(cs_cbor_map_value_at(map, SIZE_MAX));
    assert_null(cs_cbor_map_key_at(NULL, 0));
    assert_null(cs_cbor_map_value_at(NULL, 0));
    assert_null(cs_cbor_map_key_at(cs_cbor_map_get_int(map, 1), 0));
    assert_null(cs_cbor_map_value_at(cs_cbor_map_get_int(map, 1), 0));
    assert_null(cs_cbor_map_key_at(cs_cbor_map_get_int(map, -1), 0));
    cs_cbor_free(&map);
}

/* cs_cbor_map_unknown_key: the first key that is not one of the known texts
 * (same first letter, a prefix or a longer text is not a match; a key of
 * another type is never known), NULL when all are known or for no map. */
static void expect_unknown(const uint8_t *data, size_t len, const char *want)
{
    static const char *const known[] = {"scp", "sit", "std", "", NULL};
    cs_cbor_item *map = decode_ok(data, len);
    const cs_cbor_item *key = cs_cbor_map_unknown_key(map, known);
    const char *text;
    size_t text_len;

    if (want == NULL) {
        assert_null(key);
    } else {
        assert_non_null(key);
        assert_int_equal(cs_cbor_get_text(key, &text, &text_len), CS_OK);
        assert_int_equal(text_len, strlen(want));
        assert_memory_equal(text, want, text_len);
    }
    cs_cbor_free(&map);
}

static void test_map_unknown_key(void **state)
{
    (void)state;
    /* {"std": 1, "sit": [], "scp": 2, "": 3}: all known */
    const uint8_t known[] = {0xa4, 0x63, 's', 't', 'd', 0x01, 0x63, 's', 'i', 't', 0x80,
                             0x63, 's', 'c', 'p', 0x02, 0x60, 0x03};
    /* {"std": 1, "sc": 2}: a prefix of "scp" */
    const uint8_t prefix[] = {0xa2, 0x63, 's', 't', 'd', 0x01, 0x62, 's', 'c', 0x02};
    /* {"scpx": 2}: longer than "scp" */
    const uint8_t longer[] = {0xa1, 0x64, 's', 'c', 'p', 'x', 0x02};
    /* {"sip": 1}: the first letter of three known keys, none of them */
    const uint8_t letter[] = {0xa1, 0x63, 's', 'i', 'p', 0x01};
    /* {"std": {"zzz": 1}, "org": 2}: a nested unknown key is not this map's */
    const uint8_t nested[] = {0xa2, 0x63, 's', 't', 'd', 0xa1, 0x63, 'z', 'z', 'z', 0x01,
                              0x63, 'o', 'r', 'g', 0x02};
    /* {"std": 1, 7: 2}: an integer key */
    const uint8_t integer[] = {0xa2, 0x63, 's', 't', 'd', 0x01, 0x07, 0x02};
    static const char *const none[] = {NULL};

    expect_unknown(known, sizeof(known), NULL);
    expect_unknown(prefix, sizeof(prefix), "sc");
    expect_unknown(longer, sizeof(longer), "scpx");
    expect_unknown(letter, sizeof(letter), "sip");
    expect_unknown(nested, sizeof(nested), "org");

    cs_cbor_item *map = decode_ok(integer, sizeof(integer));
    const cs_cbor_item *key = cs_cbor_map_unknown_key(map, none);
    assert_non_null(key);
    assert_int_equal(key->type, CS_CBOR_TEXT); /* with nothing known, "std" comes first */
    key = cs_cbor_map_unknown_key(map, (const char *const[]){"std", NULL});
    assert_non_null(key);
    assert_int_equal(key->type, CS_CBOR_UINT);
    assert_null(cs_cbor_map_unknown_key(map + 1, none)); /* not a map */
    cs_cbor_free(&map);
}

static void test_get_bool(void **state)
{
    /* [true, false, null, undefined, 0, 1, 1.0, "true", h'01'] */
    const uint8_t data[] = {0x89, 0xf5, 0xf4, 0xf6, 0xf7, 0x00, 0x01, 0xf9,
                            0x3c, 0x00, 0x64, 0x74, 0x72, 0x75, 0x65, 0x41, 0x01};
    cs_cbor_item *root = decode_ok(data, sizeof(data)), *item;
    bool flag;

    (void)state;
    flag = false;
    assert_int_equal(cs_cbor_get_bool(cs_cbor_array_at(root, 0), &flag), CS_OK);
    assert_true(flag);
    flag = true;
    assert_int_equal(cs_cbor_get_bool(cs_cbor_array_at(root, 1), &flag), CS_OK);
    assert_false(flag);
    for (size_t k = 2; k < cs_cbor_count(root); k++) {
        flag = true;
        assert_int_equal(cs_cbor_get_bool(cs_cbor_array_at(root, k), &flag), CS_ERR_CBOR_TYPE);
        assert_true(flag); /* untouched on error */
    }
    assert_int_equal(cs_cbor_get_bool(root, &flag), CS_ERR_CBOR_TYPE);
    assert_int_equal(cs_cbor_get_bool(NULL, &flag), CS_ERR_CBOR_TYPE);
    assert_int_equal(cs_cbor_get_bool(cs_cbor_array_at(root, 0), NULL), CS_ERR_ARGUMENT);
    /* booleans are not integers */
    {
        uint64_t u;
        int64_t i;
        assert_int_equal(cs_cbor_get_uint(cs_cbor_array_at(root, 0), &u), CS_ERR_CBOR_TYPE);
        assert_int_equal(cs_cbor_get_int(cs_cbor_array_at(root, 1), &i), CS_ERR_CBOR_TYPE);
    }
    cs_cbor_free(&root);

    /* at the top, and as a map value */
    item = decode_ok(B(0xf4));
    flag = true;
    assert_int_equal(cs_cbor_get_bool(item, &flag), CS_OK);
    assert_false(flag);
    cs_cbor_free(&item);
    item = decode_ok(B(0xa2, 0x61, 0x79, 0xf5, 0x61, 0x6e, 0xf4));
    assert_int_equal(cs_cbor_get_bool(cs_cbor_map_get_text(item, "y"), &flag), CS_OK);
    assert_true(flag);
    assert_int_equal(cs_cbor_get_bool(cs_cbor_map_get_text(item, "n"), &flag), CS_OK);
    assert_false(flag);
    assert_int_equal(cs_cbor_get_bool(cs_cbor_map_get_text(item, "x"), &flag), CS_ERR_CBOR_TYPE);
    cs_cbor_free(&item);
}

/* ---- duplicate keys on both sides of the pairwise limit (16) ------------------- */

/* Key k of a test map: integers of both signs and text, so equal magnitudes
 * of different types sit side by side (0, -1, "k0", 1, -2, "k1", ...). */
static void put_key(cs_cbor_writer *w, size_t k)
{
    char text[24];
    switch (k % 3) {
    case 0:
        cs_cbor_put_int(w, (int64_t)(k / 3));
        break;
    case 1:
        cs_cbor_put_int(w, -(int64_t)(k / 3) - 1);
        break;
    default:
        snprintf(text, sizeof(text), "k%zu", k / 3);
        cs_cbor_put_cstring(w, text);
        break;
    }
}

/* A map of n pairs whose key at `dup_at` repeats the key at `dup_of` (no
 * duplicate when dup_at == SIZE_MAX); values are containers when nested. */
static cs_err decode_map(size_t n, size_t dup_at, size_t dup_of, bool nested)
{
    cs_cbor_writer w;
    cs_err err;

    cs_cbor_writer_init(&w);
    cs_cbor_put_map(&w, n);
    for (size_t k = 0; k < n; k++) {
        put_key(&w, k == dup_at ? dup_of : k);
        if (nested) {
            cs_cbor_put_array(&w, 2);
            cs_cbor_put_map(&w, 1);
            cs_cbor_put_cstring(&w, "v");
            cs_cbor_put_uint(&w, k);
            cs_cbor_put_array(&w, 0);
        } else {
            cs_cbor_put_uint(&w, k);
        }
    }
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    err = decode_status(w.buf, w.len, 16);
    cs_cbor_writer_free(&w);
    return err;
}

static void test_duplicate_keys_large_maps(void **state)
{
    (void)state;
    for (int nested = 0; nested <= 1; nested++) {
        /* at the pairwise limit and just past it */
        assert_int_equal(decode_map(16, SIZE_MAX, 0, nested), CS_OK);
        assert_int_equal(decode_map(16, 15, 0, nested), CS_ERR_CBOR_DUPLICATE_KEY);
        assert_int_equal(decode_map(17, SIZE_MAX, 0, nested), CS_OK);
        assert_int_equal(decode_map(17, 16, 0, nested), CS_ERR_CBOR_DUPLICATE_KEY);
        assert_int_equal(decode_map(17, 16, 15, nested), CS_ERR_CBOR_DUPLICATE_KEY);
        /* 40 distinct keys, then duplicates deep inside, of each key type */
        assert_int_equal(decode_map(40, SIZE_MAX, 0, nested), CS_OK);
        assert_int_equal(decode_map(40, 35, 3, nested), CS_ERR_CBOR_DUPLICATE_KEY);  /* 1 */
        assert_int_equal(decode_map(40, 31, 28, nested), CS_ERR_CBOR_DUPLICATE_KEY); /* -10 */
        assert_int_equal(decode_map(40, 22, 38, nested), CS_ERR_CBOR_DUPLICATE_KEY); /* "k12" */
        assert_int_equal(decode_map(40, 39, 38, nested), CS_ERR_CBOR_DUPLICATE_KEY);
        assert_int_equal(decode_map(40, 20, 19, nested), CS_ERR_CBOR_DUPLICATE_KEY);
    }
}

static void test_large_map_access(void **state)
{
    cs_cbor_writer w;
    cs_cbor_item *map;

    (void)state;
    cs_cbor_writer_init(&w);
    cs_cbor_put_map(&w, 40);
    for (size_t k = 0; k < 40; k++) {
        put_key(&w, k);
        cs_cbor_put_array(&w, 1);
        cs_cbor_put_uint(&w, k);
    }
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    map = decode_ok(w.buf, w.len);
    assert_int_equal(cs_cbor_count(map), 40);
    for (size_t k = 0; k < 40; k++) {
        const cs_cbor_item *value = cs_cbor_map_value_at(map, k);
        char text[24];
        expect_uint(cs_cbor_array_at(value, 0), k);
        switch (k % 3) {
        case 0:
            assert_ptr_equal(cs_cbor_map_get_int(map, (int64_t)(k / 3)), value);
            break;
        case 1:
            assert_ptr_equal(cs_cbor_map_get_int(map, -(int64_t)(k / 3) - 1), value);
            break;
        default:
            snprintf(text, sizeof(text), "k%zu", k / 3);
            assert_ptr_equal(cs_cbor_map_get_text(map, text), value);
            break;
        }
    }
    assert_null(cs_cbor_map_key_at(map, 40));
    assert_null(cs_cbor_map_get_int(map, 14));
    assert_null(cs_cbor_map_get_text(map, "k13"));
    cs_cbor_free(&map);
    cs_cbor_writer_free(&w);
}

/* ---- writer -------------------------------------------------------------------- */

static void expect_written(cs_cbor_writer *w, const uint8_t *bytes, size_t len)
{
    cs_cbor_item *item = NULL;

    assert_int_equal(cs_cbor_writer_error(w), CS_OK);
    assert_int_equal(w->len, len);
    assert_memory_equal(w->buf, bytes, len);
    assert_int_equal(cs_cbor_decode(w->buf, w->len, CS_CBOR_MAX_DEPTH, &item), CS_OK);
    cs_cbor_free(&item); /* before the reset: the tree borrows w->buf */
    cs_cbor_writer_reset(w);
}

static void test_writer_ints(void **state)
{
    cs_cbor_writer w;

    (void)state;
    cs_cbor_writer_init(&w);
    cs_cbor_put_uint(&w, 0), expect_written(&w, B(0x00));
    cs_cbor_put_uint(&w, 23), expect_written(&w, B(0x17));
    cs_cbor_put_uint(&w, 24), expect_written(&w, B(0x18, 0x18));
    cs_cbor_put_uint(&w, 255), expect_written(&w, B(0x18, 0xff));
    cs_cbor_put_uint(&w, 256), expect_written(&w, B(0x19, 0x01, 0x00));
    cs_cbor_put_uint(&w, 65535), expect_written(&w, B(0x19, 0xff, 0xff));
    cs_cbor_put_uint(&w, 65536), expect_written(&w, B(0x1a, 0x00, 0x01, 0x00, 0x00));
    cs_cbor_put_uint(&w, UINT32_MAX), expect_written(&w, B(0x1a, 0xff, 0xff, 0xff, 0xff));
    cs_cbor_put_uint(&w, UINT64_C(1) << 32),
        expect_written(&w, B(0x1b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00));
    cs_cbor_put_uint(&w, UINT64_MAX),
        expect_written(&w, B(0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    cs_cbor_put_int(&w, 0), expect_written(&w, B(0x00));
    cs_cbor_put_int(&w, 24), expect_written(&w, B(0x18, 0x18));
    cs_cbor_put_int(&w, INT64_MAX),
        expect_written(&w, B(0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    cs_cbor_put_int(&w, -1), expect_written(&w, B(0x20));
    cs_cbor_put_int(&w, -24), expect_written(&w, B(0x37));
    cs_cbor_put_int(&w, -25), expect_written(&w, B(0x38, 0x18));
    cs_cbor_put_int(&w, -256), expect_written(&w, B(0x38, 0xff));
    cs_cbor_put_int(&w, -257), expect_written(&w, B(0x39, 0x01, 0x00));
    cs_cbor_put_int(&w, -65537), expect_written(&w, B(0x3a, 0x00, 0x01, 0x00, 0x00));
    cs_cbor_put_int(&w, -INT64_C(4294967297)),
        expect_written(&w, B(0x3b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00));
    cs_cbor_put_int(&w, INT64_MIN),
        expect_written(&w, B(0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    cs_cbor_writer_free(&w);
}

static void test_writer_strings(void **state)
{
    cs_cbor_writer w;
    char long_text[25];
    uint8_t expected[27];

    (void)state;
    cs_cbor_writer_init(&w);
    cs_cbor_put_text(&w, NULL, 0), expect_written(&w, B(0x60));
    cs_cbor_put_bytes(&w, NULL, 0), expect_written(&w, B(0x40));
    cs_cbor_put_cstring(&w, ""), expect_written(&w, B(0x60));
    cs_cbor_put_cstring(&w, "IETF"), expect_written(&w, B(0x64, 0x49, 0x45, 0x54, 0x46));
    cs_cbor_put_text(&w, "\xc3\xbc", 2), expect_written(&w, B(0x62, 0xc3, 0xbc));
    cs_cbor_put_bytes(&w, (const uint8_t *)"\x01\x02\x03\x04", 4),
        expect_written(&w, B(0x44, 0x01, 0x02, 0x03, 0x04));
    memset(long_text, 'x', 24);
    long_text[24] = '\0';
    expected[0] = 0x78, expected[1] = 24;
    memset(expected + 2, 'x', 24);
    cs_cbor_put_cstring(&w, long_text), expect_written(&w, expected, 26);
    expected[0] = 0x58;
    cs_cbor_put_bytes(&w, (const uint8_t *)long_text, 24), expect_written(&w, expected, 26);
    cs_cbor_writer_free(&w);
}

static void test_writer_nested(void **state)
{
    cs_cbor_writer w;

    (void)state;
    cs_cbor_writer_init(&w);
    /* {1: {"a": h'01'}, -1: []} */
    cs_cbor_put_map(&w, 2);
    cs_cbor_put_int(&w, 1);
    cs_cbor_put_map(&w, 1);
    cs_cbor_put_cstring(&w, "a");
    cs_cbor_put_bytes(&w, (const uint8_t *)"\x01", 1);
    cs_cbor_put_int(&w, -1);
    cs_cbor_put_array(&w, 0);
    expect_written(&w, B(0xa2, 0x01, 0xa1, 0x61, 0x61, 0x41, 0x01, 0x20, 0x80));

    /* 18([h'', {}, h'', h'']) with a tag and a pre-encoded item */
    cs_cbor_put_tag(&w, 18);
    cs_cbor_put_array(&w, 4);
    cs_cbor_put_bytes(&w, NULL, 0);
    cs_cbor_put_encoded(&w, B(0xa0));
    cs_cbor_put_bytes(&w, NULL, 0);
    cs_cbor_put_bytes(&w, NULL, 0);
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    assert_int_equal(w.len, 6);
    assert_memory_equal(w.buf, "\xd2\x84\x40\xa0\x40\x40", 6);
    {
        uint64_t tags[CS_CBOR_MAX_TAGS];
        size_t n = 0;
        cs_cbor_item *item = NULL;
        const uint8_t *b = NULL;
        size_t len = 99;
        assert_int_equal(cs_cbor_decode_tagged(w.buf, w.len, 16, tags, CS_CBOR_MAX_TAGS, &n, &item),
                         CS_OK);
        assert_int_equal(n, 1);
        assert_int_equal(tags[0], 18);
        assert_true(cs_cbor_is_array(item));
        assert_int_equal(cs_cbor_count(item), 4);
        assert_int_equal(cs_cbor_get_bytes(cs_cbor_array_at(item, 0), &b, &len), CS_OK);
        assert_int_equal(len, 0);
        assert_true(cs_cbor_is_map(cs_cbor_array_at(item, 1)));
        assert_int_equal(cs_cbor_count(cs_cbor_array_at(item, 1)), 0);
        assert_int_equal(cs_cbor_get_bytes(cs_cbor_array_at(item, 3), &b, &len), CS_OK);
        cs_cbor_free(&item);
    }
    cs_cbor_writer_reset(&w);
    cs_cbor_put_tag(&w, 61), cs_cbor_put_uint(&w, 0), assert_int_equal(w.len, 3);
    assert_memory_equal(w.buf, "\xd8\x3d\x00", 3);
    cs_cbor_writer_reset(&w);
    cs_cbor_put_array(&w, 24), assert_memory_equal(w.buf, "\x98\x18", 2);
    cs_cbor_writer_reset(&w);
    cs_cbor_put_map(&w, 65536), assert_memory_equal(w.buf, "\xba\x00\x01\x00\x00", 5);
    cs_cbor_writer_free(&w);
}

/* A map or array begun with its count is closed only when it holds that
 * many items (tinycbor's cbor_encoder_close_container()). */
static void test_writer_checks_counts(void **state)
{
    cs_cbor_writer w;
    cs_cbor_item *item = NULL;

    (void)state;
    cs_cbor_writer_init(&w);
    /* {1: [2, {"a": h'00'}], -1: 3} in step */
    cs_cbor_begin_map(&w, 2);
    cs_cbor_put_int(&w, 1);
    cs_cbor_begin_array(&w, 2);
    cs_cbor_put_uint(&w, 2);
    cs_cbor_begin_map(&w, 1);
    cs_cbor_put_cstring(&w, "a");
    cs_cbor_put_bytes(&w, (const uint8_t *)"", 1);
    cs_cbor_end_map(&w);
    cs_cbor_end_array(&w);
    cs_cbor_put_int(&w, -1);
    cs_cbor_put_uint(&w, 3);
    cs_cbor_end_map(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    assert_int_equal(cs_cbor_decode(w.buf, w.len, 16, &item), CS_OK);
    assert_int_equal(cs_cbor_count(item), 2);
    cs_cbor_free(&item);
    /* a tag and its item are one item */
    cs_cbor_writer_reset(&w);
    cs_cbor_begin_array(&w, 1);
    cs_cbor_put_tag(&w, 24);
    cs_cbor_put_uint(&w, 3);
    cs_cbor_end_array(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);

    /* one pair short: the map's close fails, and the failure sticks */
    cs_cbor_writer_reset(&w);
    cs_cbor_begin_map(&w, 2);
    cs_cbor_put_int(&w, 1);
    cs_cbor_put_uint(&w, 2);
    cs_cbor_end_map(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_put_uint(&w, 3);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);

    /* one item too many, a key without its value */
    cs_cbor_writer_reset(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    cs_cbor_begin_map(&w, 1);
    cs_cbor_put_int(&w, 1);
    cs_cbor_put_uint(&w, 2);
    cs_cbor_put_int(&w, 3);
    cs_cbor_end_map(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_writer_reset(&w);
    cs_cbor_begin_map(&w, 1);
    cs_cbor_put_int(&w, 1);
    cs_cbor_end_map(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);

    /* a nested container counts as one item of its parent */
    cs_cbor_writer_reset(&w);
    cs_cbor_begin_array(&w, 1);
    cs_cbor_begin_array(&w, 2);
    cs_cbor_put_uint(&w, 1);
    cs_cbor_put_uint(&w, 2);
    cs_cbor_end_array(&w);
    cs_cbor_put_uint(&w, 3);
    cs_cbor_end_array(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);

    /* an end of the other kind, an end with nothing open, a container
     * never closed */
    cs_cbor_writer_reset(&w);
    cs_cbor_begin_array(&w, 0);
    cs_cbor_end_map(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_writer_reset(&w);
    cs_cbor_end_array(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_writer_reset(&w);
    cs_cbor_begin_map(&w, 0);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_end_map(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);

    /* nesting deeper than the writer tracks */
    cs_cbor_writer_reset(&w);
    for (int i = 0; i <= CS_CBOR_WRITER_DEPTH; i++)
        cs_cbor_begin_array(&w, 1);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_writer_free(&w);
}

static void test_writer_growth_and_errors(void **state)
{
    cs_cbor_writer w;
    uint8_t *kept;
    size_t len;

    (void)state;
    cs_cbor_writer_init(&w);
    assert_null(w.buf);
    cs_cbor_put_array(&w, 10000);
    for (uint64_t i = 0; i < 10000; i++)
        cs_cbor_put_uint(&w, i * 7919);
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    assert_true(w.cap >= w.len);
    assert_int_equal(decode_status(w.buf, w.len, 16), CS_OK);

    /* reset keeps the buffer */
    kept = w.buf;
    cs_cbor_writer_reset(&w);
    assert_int_equal(w.len, 0);
    assert_ptr_equal(w.buf, kept);

    /* the first failure sticks and nothing more is written */
    cs_cbor_put_uint(&w, 1);
    cs_cbor_put_bytes(&w, NULL, 3);
    len = w.len;
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_put_uint(&w, 2);
    cs_cbor_put_cstring(&w, "more");
    cs_cbor_put_encoded(&w, B(0x00));
    assert_int_equal(w.len, len);
    assert_int_equal(len, 1);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_writer_reset(&w);
    cs_cbor_put_text(&w, NULL, 1);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_writer_reset(&w);
    cs_cbor_put_cstring(&w, NULL);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    cs_cbor_writer_reset(&w);
    cs_cbor_put_encoded(&w, NULL, 2);
    assert_int_equal(cs_cbor_writer_error(&w), CS_ERR_ARGUMENT);
    assert_int_equal(w.len, 0);
    assert_int_equal(cs_cbor_writer_error(NULL), CS_ERR_ARGUMENT);

    /* free leaves a writer that can be used again */
    cs_cbor_writer_free(&w);
    assert_null(w.buf);
    assert_int_equal(w.len, 0);
    assert_int_equal(w.cap, 0);
    cs_cbor_writer_init(&w);
    cs_cbor_put_uint(&w, 5);
    expect_written(&w, B(0x05));
    cs_cbor_writer_free(&w);
    cs_cbor_writer_free(&w);
}

/* ---- vectors: tests/data/cbor/<case>.hex beside <case>.diag -------------------- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long size;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (text = calloc((size_t)size + 1, 1)) != NULL &&
        fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

/* Hex digits with any whitespace between bytes; false on anything else. */
static bool parse_hex(const char *text, uint8_t *out, size_t max, size_t *len)
{
    *len = 0;
    while (*text != '\0') {
        unsigned byte;
        if (isspace((unsigned char)*text)) {
            text++;
            continue;
        }
        if (*len == max || sscanf(text, "%2x", &byte) != 1 || !isxdigit((unsigned char)text[1]))
            return false;
        out[(*len)++] = (uint8_t)byte;
        text += 2;
    }
    return true;
}

static void run_vector(const char *name)
{
    char path[512], *hex, *diag, *expected;
    uint8_t data[4096];
    uint64_t tags[CS_CBOR_MAX_TAGS];
    cs_cbor_item *item = NULL;
    size_t len, n_tags;
    cs_err err;

    snprintf(path, sizeof(path), "%s/%s.hex", VECTOR_DIR, name);
    hex = read_text(path);
    snprintf(path, sizeof(path), "%s/%s.diag", VECTOR_DIR, name);
    diag = read_text(path);
    if (hex == NULL || diag == NULL)
        fail_msg("%s: cannot read %s.hex and %s.diag", name, name, name);
    if (!parse_hex(hex, data, sizeof(data), &len))
        fail_msg("%s.hex: not hexadecimal", name);
    /* line 1: why it must fail; line 2: the expected error name */
    expected = strchr(diag, '\n');
    if (expected == NULL || expected == diag)
        fail_msg("%s.diag: needs a reason line and an error line", name);
    expected++;
    expected[strcspn(expected, "\r\n")] = '\0';
    err = cs_cbor_decode_tagged(data, len, CS_CBOR_MAX_DEPTH, tags, CS_CBOR_MAX_TAGS, &n_tags,
                                &item);
    if (strcmp(cs_err_name(err), expected) != 0) {
        cs_cbor_free(&item);
        fail_msg("%s: expected %s, got %s", name, expected, cs_err_name(err));
    }
    assert_null(item);
    free(hex);
    free(diag);
}

static void test_vectors(void **state)
{
    cs_file_list files;
    size_t count = 0;

    (void)state;
    if (helper_list_suffix(VECTOR_DIR, ".hex", &files) != CS_OK)
        fail_msg("cannot open %s (run the tests from the repository root)", VECTOR_DIR);
    for (size_t i = 0; i < files.count; i++) {
        char name[256];
        const char *base = strrchr(files.paths[i], '/') + 1;
        size_t n = strlen(base);
        if (n - 4 >= sizeof(name))
            continue;
        memcpy(name, base, n - 4);
        name[n - 4] = '\0';
        run_vector(name);
        count++;
    }
    cs_file_list_clear(&files);
    if (count == 0)
        fail_msg("%s holds no .hex vectors", VECTOR_DIR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_formed),
        cmocka_unit_test(test_trailing),
        cmocka_unit_test(test_indefinite),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_map_keys),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_tags_inside),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_truncated_and_huge),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_tagged),
        cmocka_unit_test(test_getters),
        cmocka_unit_test(test_int64_edges),
        cmocka_unit_test(test_array_at),
        cmocka_unit_test(test_map_unknown_key),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_map_at),
        cmocka_unit_test(test_get_bool),
        cmocka_unit_test(test_duplicate_keys_large_maps),
        cmocka_unit_test(test_large_map_access),
        cmocka_unit_test(test_writer_ints),
        cmocka_unit_test(test_writer_strings),
        cmocka_unit_test(test_writer_nested),
        cmocka_unit_test(test_writer_checks_counts),
        cmocka_unit_test(test_writer_growth_and_errors),
        cmocka_unit_test(test_vectors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
