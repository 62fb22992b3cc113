/* SPDX-License-Identifier: ISC */
/* Unit tests for pkg/base32.c: RFC 4648 §10 vectors and every rejection rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "certseal/base32.h"

struct vector {
    const char *bytes;
    const char *text;   /* what the encoder writes: upper case, unpadded */
    const char *padded; /* RFC 4648 §10 as printed */
};

/* RFC 4648 §10. */
static const struct vector vectors[] = {
    {"", "", ""},
    {"f", "MY", "MY======"},
    {"fo", "MZXQ", "MZXQ===="},
    {"foo", "MZXW6", "MZXW6==="},
    {"foob", "MZXW6YQ", "MZXW6YQ="},
    {"fooba", "MZXW6YTB", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI", "MZXW6YTBOI======"},
};

struct invalid {
    const char *text;
    const char *why;
};

static const struct invalid invalids[] = {
    {"M", "length 1 mod 8"},
    {"MZX", "length 3 mod 8"},
    {"MZXW6Y", "length 6 mod 8"},
    {"MZXW6YTBO", "length 9 is 1 mod 8"},
    {"M0", "'0' is not in the alphabet"},
    {"M1", "'1' is not in the alphabet"},
    {"M8", "'8' is not in the alphabet"},
    {"M9", "'9' is not in the alphabet"},
    {"MY ", "space is not in the alphabet"},
    {"MY\n", "newline is not in the alphabet"},
    {"M-", "'-' is not in the alphabet"},
    {"=MY", "padding first"},
    {"M=Y", "padding inside the data"},
    {"MY======MZXQ====", "padding between blocks"},
    {"MY=", "too little padding"},
    {"MY=====", "seven characters of padding short by one"},
    {"MY=======", "too much padding"},
    {"MZXW6YTB========", "padding after a full block"},
    {"========", "padding alone"},
    {"=", "a lone '='"},
    {"M=======", "padding after a length-1 group"},
    {"MZ", "non-zero trailing bits: 'Z' ends in 01"},
    {"MZXR", "non-zero trailing bits in a 4-character group"},
    {"MZXW7", "non-zero trailing bits in a 5-character group"},
    {"MZXW6YR", "non-zero trailing bits in a 7-character group"},
    {"mz", "non-zero trailing bits, lower case"},
};

static void test_encode_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const struct vector *v = &vectors[i];
        size_t len = strlen(v->bytes);
        char out[32];
        size_t out_len = 99;
        assert_int_equal(cs_base32_encode((const uint8_t *)v->bytes, len, out, sizeof out,
                                          &out_len),
                         CS_OK);
        assert_int_equal(out_len, strlen(v->text));
        assert_int_equal(cs_base32_encoded_length(len), out_len);
        assert_string_equal(out, v->text);
    }
}

static void check_decodes(const char *text, const char *bytes)
{
    uint8_t out[32];
    size_t out_len = 99;

    print_message("%s\n", text);
    assert_int_equal(cs_base32_decode(text, strlen(text), out, sizeof out, &out_len), CS_OK);
    assert_int_equal(out_len, strlen(bytes));
    assert_true(out_len <= cs_base32_decoded_max(strlen(text)));
    assert_memory_equal(out, bytes, out_len);
}

static void test_decode_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        const struct vector *v = &vectors[i];
        char lower[32];
        size_t n = strlen(v->padded);
        check_decodes(v->text, v->bytes);
        check_decodes(v->padded, v->bytes);
        for (size_t j = 0; j <= n; j++)
            lower[j] = (v->padded[j] >= 'A' && v->padded[j] <= 'Z')
                           ? (char)(v->padded[j] - 'A' + 'a')
                           : v->padded[j];
        check_decodes(lower, v->bytes);
    }
    check_decodes("MzXw6yTbOi", "foobar"); /* mixed case */
}

static void test_decode_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalids / sizeof invalids[0]; i++) {
        uint8_t out[32];
        size_t out_len = 99;
        print_message("%s\n", invalids[i].why);
        assert_int_equal(cs_base32_decode(invalids[i].text, strlen(invalids[i].text), out,
                                          sizeof out, &out_len),
                         CS_ERR_BASE32);
        assert_int_equal(out_len, 0);
    }
}

static void test_decode_embedded_nul(void **state)
{
    uint8_t out[8];
    size_t out_len;
    (void)state;

    assert_int_equal(cs_base32_decode("MZ\0Q", 4, out, sizeof out, &out_len), CS_ERR_BASE32);
    assert_int_equal(cs_base32_decode("MY\0=====", 8, out, sizeof out, &out_len),
                     CS_ERR_BASE32);
}

static void test_encode_buffer_too_small(void **state)
{
    char out[12];
    size_t out_len = 99;
    (void)state;

    memset(out, 'x', sizeof out);
    assert_int_equal(cs_base32_encode((const uint8_t *)"foobar", 6, out, 9, &out_len),
                     CS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(out_len, 0);
    assert_int_equal(out[0], 'x');
    /* Exactly enough: no NUL is written. */
    assert_int_equal(cs_base32_encode((const uint8_t *)"foobar", 6, out, 10, &out_len), CS_OK);
    assert_int_equal(out_len, 10);
    assert_memory_equal(out, "MZXW6YTBOI", 10);
    assert_int_equal(out[10], 'x');
    assert_int_equal(cs_base32_encode((const uint8_t *)"", 0, out, 0, &out_len), CS_OK);
    assert_int_equal(out_len, 0);
}

static void test_decode_buffer_too_small(void **state)
{
    uint8_t out[8];
    size_t out_len = 99;
    (void)state;

    memset(out, 0xaa, sizeof out);
    assert_int_equal(cs_base32_decode("MZXW6YTBOI", 10, out, 5, &out_len),
                     CS_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(out_len, 0);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0xaa);
    /* Padding does not count against the buffer. */
    assert_int_equal(cs_base32_decode("MZXW6YTBOI======", 16, out, 6, &out_len), CS_OK);
    assert_int_equal(out_len, 6);
    assert_int_equal(out[6], 0xaa);
    /* Invalid text is reported as such even when the buffer is too small. */
    assert_int_equal(cs_base32_decode("MZ", 2, out, 0, &out_len), CS_ERR_BASE32);
}

static void test_arguments(void **state)
{
    uint8_t bytes[4];
    char text[8];
    size_t out_len;
    (void)state;

    assert_int_equal(cs_base32_encode(NULL, 1, text, sizeof text, &out_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base32_encode(bytes, 1, NULL, sizeof text, &out_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base32_encode(bytes, 1, text, sizeof text, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base32_decode(NULL, 2, bytes, sizeof bytes, &out_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base32_decode("MY", 2, NULL, sizeof bytes, &out_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base32_decode("MY", 2, bytes, sizeof bytes, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_base32_decode(NULL, 0, bytes, 0, &out_len), CS_OK);
    assert_int_equal(out_len, 0);
}

static void test_lengths(void **state)
{
    static const size_t chars[] = {0, 2, 4, 5, 7, 8, 10};
    (void)state;

    for (size_t len = 0; len < sizeof chars / sizeof chars[0]; len++) {
        assert_int_equal(cs_base32_encoded_length(len), chars[len]);
        assert_int_equal(cs_base32_decoded_max(chars[len]), len);
    }
    assert_int_equal(cs_base32_decoded_max(16), 10); /* "MZXW6YTBOI======" */
    /* Huge inputs saturate instead of wrapping to a small length. */
    assert_int_equal(cs_base32_encoded_length(SIZE_MAX), SIZE_MAX);
    assert_int_equal(cs_base32_encoded_length(SIZE_MAX / 8 * 5 + 5), SIZE_MAX);
    assert_true(cs_base32_decoded_max(SIZE_MAX) <= SIZE_MAX / 8 * 5 + 4);
}

static void test_encode_huge_length(void **state)
{
    uint8_t byte = 0;
    char text[4];
    size_t out_len;
    (void)state;

    /* The encoder must refuse before touching data[1..]. */
    assert_int_equal(cs_base32_encode(&byte, SIZE_MAX, text, SIZE_MAX, &out_len),
                     CS_ERR_BUFFER_TOO_SMALL);
}

static void test_round_trip_all_byte_values(void **state)
{
    uint8_t data[256], back[256];
    char text[420];
    size_t text_len, back_len;
    (void)state;

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof data; len++) {
        assert_int_equal(cs_base32_encode(data, len, text, sizeof text, &text_len), CS_OK);
        assert_int_equal(cs_base32_decode(text, text_len, back, sizeof back, &back_len), CS_OK);
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
        cmocka_unit_test(test_decode_embedded_nul),
        cmocka_unit_test(test_encode_buffer_too_small),
        cmocka_unit_test(test_decode_buffer_too_small),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_encode_huge_length),
        cmocka_unit_test(test_round_trip_all_byte_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
