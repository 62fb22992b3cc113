/* SPDX-License-Identifier: ISC */
/* Unit tests for pkg/base45.c: RFC 9285 examples and every rejection rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "certseal/base45.h"

struct vector {
    const char *bytes;
    size_t len;
    const char *text;
    const char *why;
};

/* RFC 9285 §4.3 and §4.4 examples, plus the extremes of each group size. */
static const struct vector vectors[] = {
    {"", 0, "", "empty input encodes to empty text"},
    {"AB", 2, "BB8", "RFC 9285 §4.3: two bytes"},
    {"Hello!!", 7, "%69 VD92EX0", "RFC 9285 §4.3: odd length"},
    {"base-45", 7, "UJCLQE7W581", "RFC 9285 §4.3"},
    {"ietf!", 5, "QED8WEX0", "RFC 9285 §4.4"},
    {"\xff\xff", 2, "FGW", "largest triple, 65535"},
    {"\xff", 1, "U5", "largest pair, 255"},
    {"\x00\x00", 2, "000", "zero triple"},
    {"\x00", 1, "00", "zero pair"},
};

struct invalid {
    const char *text;
    size_t len;
    const char *why;
};

static const struct invalid invalids[] = {
    {"A", 1, "length 1 mod 3"},
    {"BB8B", 4, "length 4 is 1 mod 3"},
    {"GGW", 3, "RFC 9285 §6: triple 65536 exceeds 65535"},
    {":::", 3, "triple 44+44*45+44*2025 = 91124"},
    {"V5", 2, "pair 256 exceeds 255"},
    {"ZZ", 2, "pair 35+35*45 = 1610 exceeds 255"},
    {"::", 2, "pair 2024 exceeds 255"},
    {"bb8", 3, "lower case is not in Table 1"},
    {"BB\0", 3, "NUL is not in Table 1"},
    {"BB=", 3, "'=' is not in Table 1"},
    {"B\tB", 3, "whitespace other than space is not in Table 1"},
    {"BB8\n", 4, "trailing newline"},
    {"\xc3\x84\x42", 3, "non-ASCII byte"},
    {"BB8BB8GGW", 9, "invalid group after valid ones"},
};

static void test_encode_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const struct vector *v = &vectors[i];
        size_t len = v->len;
        char out[64];
        size_t out_len = 99;
        print_message("%s\n", v->why);
        assert_int_equal(cs_base45_encode((const uint8_t *)v->bytes, len, out, sizeof out,
                                          &out_len),
                         CS_OK);
        assert_int_equal(out_len, strlen(v->text));
        assert_int_equal(cs_base45_encoded_length(len), out_len);
        assert_string_equal(out, v->text);
    }
}

static void test_decode_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const struct vector *v = &vectors[i];
        size_t expected_len = v->len;
        uint8_t out[64];
        size_t out_len = 99;
        print_message("%s\n", v->why);
        assert_int_equal(cs_base45_decode(v->text, strlen(v->text), out, sizeof out, &out_len),
                         CS_OK);
        assert_int_equal(out_len, expected_len);
        assert_true(out_len <= cs_base45_decoded_max(strlen(v->text)));
        assert_memory_equal(out, v->bytes, expected_len);
    }
}

static void test_decode_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalids / sizeof invalids[0]; i++) {
        uint8_t out[64];
        size_t out_len = 99;
        print_message("%s\n", invalids[i].why);
        assert_int_equal(cs_base45_decode(invalids[i].text, invalids[i].len, out, sizeof out,
                                          &out_len),
                         CS_ERR_BASE45);
        assert_int_equal(out_len, 0);
    }
}

static void test_encode_buffer_too_small(void **state)
{
    char out[12];
    size_t out_len = 99;
    (void)state;

    /* "Hello!!" needs 11 characters; 11 is enough (no room for the NUL). */
    memset(out, 'x', sizeof out);
    assert_int_equal(cs_base45_encode((const uint8_t *)"Hello!!", 7, out, 10, &out_len),
                     CS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(out_len, 0);
    assert_int_equal(out[0], 'x');
    assert_int_equal(cs_base45_encode((const uint8_t *)"Hello!!", 7, out, 11, &out_len), CS_OK);
    assert_int_equal(out_len, 11);
    assert_memory_equal(out, "%69 VD92EX0", 11);
    assert_int_equal(out[11], 'x');
    assert_int_equal(cs_base45_encode((const uint8_t *)"", 0, out, 0, &out_len), CS_OK);
    assert_int_equal(out_len, 0);
}

static void test_decode_buffer_too_small(void **state)
{
    uint8_t out[8];
    size_t out_len = 99;
    (void)state;

    memset(out, 0xaa, sizeof out);
    assert_int_equal(cs_base45_decode("%69 VD92EX0", 11, out, 6, &out_len),
                     CS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(out_len, 0);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0xaa);
    assert_int_equal(cs_base45_decode("%69 VD92EX0", 11, out, 7, &out_len), CS_OK);
    assert_int_equal(out_len, 7);
    assert_int_equal(out[7], 0xaa);
    /* Invalid text is reported as such even when the buffer is too small. */
    assert_int_equal(cs_base45_decode("GGW", 3, out, 0, &out_len), CS_ERR_BASE45);
}

static void test_decode_empty(void **state)
{
    uint8_t out[1];
    size_t out_len = 99;
    (void)state;

    assert_int_equal(cs_base45_decode("", 0, out, 0, &out_len), CS_OK);
    assert_int_equal(out_len, 0);
    assert_int_equal(cs_base45_decode(NULL, 0, out, 0, &out_len), CS_OK);
}

static void test_arguments(void **state)
{
    uint8_t bytes[4];
    char text[8];
    size_t out_len;
    (void)state;

    assert_int_equal(cs_base45_encode(NULL, 1, text, sizeof text, &out_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base45_encode(bytes, 1, NULL, sizeof text, &out_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base45_encode(bytes, 1, text, sizeof text, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base45_decode(NULL, 3, bytes, sizeof bytes, &out_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base45_decode("BB8", 3, NULL, sizeof bytes, &out_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base45_decode("BB8", 3, bytes, sizeof bytes, NULL), CS_ERR_ARGUMENT);
}

static void test_lengths(void **state)
{
    (void)state;
    assert_int_equal(cs_base45_encoded_length(0), 0);
    assert_int_equal(cs_base45_encoded_length(1), 2);
    assert_int_equal(cs_base45_encoded_length(2), 3);
    assert_int_equal(cs_base45_encoded_length(7), 11);
    assert_int_equal(cs_base45_decoded_max(0), 0);
    assert_int_equal(cs_base45_decoded_max(2), 1);
    assert_int_equal(cs_base45_decoded_max(3), 2);
    assert_int_equal(cs_base45_decoded_max(11), 7);
    /* Huge inputs saturate instead of wrapping to a small length. */
    assert_int_equal(cs_base45_encoded_length(SIZE_MAX), SIZE_MAX);
    assert_int_equal(cs_base45_encoded_length(SIZE_MAX / 3 * 2 + 2), SIZE_MAX);
    assert_int_equal(cs_base45_encoded_length(SIZE_MAX / 3 * 2 - 2), SIZE_MAX / 3 * 3 - 3);
    assert_true(cs_base45_decoded_max(SIZE_MAX) <= SIZE_MAX / 3 * 2 + 1);
}

static void test_encode_huge_length(void **state)
{
    uint8_t byte = 0;
    char text[4];
    size_t out_len;
    (void)state;

    /* The encoder must refuse before touching data[1..]. */
    assert_int_equal(cs_base45_encode(&byte, SIZE_MAX, text, SIZE_MAX, &out_len),
                     CS_ERR_BUFFER_TOO_SMALL);
}

static void test_round_trip_all_byte_values(void **state)
{
    uint8_t data[256], back[256];
    char text[400];
    size_t text_len, back_len;
    (void)state;

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(255 - i);
    for (size_t len = 0; len <= sizeof data; len++) {
        assert_int_equal(cs_base45_encode(data, len, text, sizeof text, &text_len), CS_OK);
        assert_int_equal(cs_base45_decode(text, text_len, back, sizeof back, &back_len), CS_OK);
        assert_int_equal(back_len, len);
        assert_memory_equal(back, data, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_vectors),
        cmocka_unit_test(test_decode_vectors),
        cmocka_unit_test(test_decode_invalid),
        cmocka_unit_test(test_encode_buffer_too_small),
        cmocka_unit_test(test_decode_buffer_too_small),
        cmocka_unit_test(test_decode_empty),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_encode_huge_length),
        cmocka_unit_test(test_round_trip_all_byte_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
