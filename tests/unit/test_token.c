/* SPDX-License-Identifier: ISC */
/* Token forms (DESIGN §4): recognising, unwrapping and wrapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "certseal/base32.h"
#include "certseal/base45.h"
#include "certseal/token.h"

/* A stand-in COSE_Sign1: the forms do not look inside. */
static const uint8_t COSE[] = {0xd2, 0x84, 0x40, 0xa0, 0x43, 'a', 'b', 'c', 0x40};

static cs_token_codec_t *codec;

static int setup(void **state)
{
    (void)state;
    return cs_token_codec_new(&codec) == CS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    cs_token_codec_free(&codec);
    return codec == NULL ? 0 : -1;
}

static cs_err unwrap_text(const char *text, cs_form *form, const uint8_t **cose, size_t *len)
{
    return cs_token_unwrap(codec, (const uint8_t *)text, strlen(text), form, cose, len);
}

static char *wrap(cs_form form, const char *link_base)
{
    const char *text;
    size_t len;
    assert_int_equal(cs_token_wrap(codec, form, link_base, COSE, sizeof(COSE), &text, &len), CS_OK);
    assert_int_equal(strlen(text), len);
    return strdup(text);
}

static void assert_unwraps_to_cose(const char *text, cs_form expected_form)
{
    cs_form form;
    const uint8_t *cose;
    size_t len;
    assert_int_equal(unwrap_text(text, &form, &cose, &len), CS_OK);
    assert_int_equal(form, expected_form);
    assert_int_equal(len, sizeof(COSE));
    assert_memory_equal(cose, COSE, sizeof(COSE));
}

static void test_offline_round_trip(void **state)
{
    (void)state;
    char *text = wrap(CS_FORM_OFFLINE, NULL);
    assert_memory_equal(text, "CS1:", 4);
    assert_unwraps_to_cose(text, CS_FORM_OFFLINE);
    free(text);
}

static void test_link_round_trip_and_case(void **state)
{
    (void)state;
    char *text = wrap(CS_FORM_LINK, "https://verify.example.org/v");
    const char *prefix = "HTTPS://VERIFY.EXAMPLE.ORG/V/";
    assert_memory_equal(text, prefix, strlen(prefix));
    for (const char *p = text; *p; p++)
        assert_false(*p >= 'a' && *p <= 'z'); /* QR alphanumeric mode */
    assert_unwraps_to_cose(text, CS_FORM_LINK);
    /* A browser or a mail program may lower-case the URL on the way. */
    for (char *p = text; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    assert_unwraps_to_cose(text, CS_FORM_LINK);
    free(text);
    /* A base ending in '/' gets no second one. */
    text = wrap(CS_FORM_LINK, "https://verify.example.org/v/");
    assert_null(strstr(text, "/V//"));
    free(text);
}

static void test_raw_and_hex(void **state)
{
    (void)state;
    cs_form form;
    const uint8_t *cose;
    size_t len;
    assert_int_equal(cs_token_unwrap(codec, COSE, sizeof(COSE), &form, &cose, &len), CS_OK);
    assert_int_equal(form, CS_FORM_COSE);
    assert_unwraps_to_cose("D28440A043616263"
                           "40",
                           CS_FORM_COSE_HEX);
    assert_unwraps_to_cose("d28440a04361626340", CS_FORM_COSE_HEX);
}

static void test_surrounding_white_space(void **state)
{
    (void)state;
    char *text = wrap(CS_FORM_OFFLINE, NULL), padded[512];
    snprintf(padded, sizeof(padded), "  \t%s\r\n\n", text);
    assert_unwraps_to_cose(padded, CS_FORM_OFFLINE);
    free(text);
}

static void test_unknown_forms(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "",
        "   ",
        "CS2:ABC",
        "cs1:ABC",
        "hello",
        "d2844", /* odd hex */
        "ftp://example.org/ABC",
    };
    cs_form form;
    const uint8_t *cose;
    size_t len;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(unwrap_text(cases[i], &form, &cose, &len), CS_ERR_FORM);
}

static void test_link_with_query_or_fragment(void **state)
{
    (void)state;
    cs_form form;
    const uint8_t *cose;
    size_t len;
    char *text = wrap(CS_FORM_LINK, "https://verify.example.org/v"), url[512];
    snprintf(url, sizeof(url), "%s?utm=1", text);
    assert_int_equal(unwrap_text(url, &form, &cose, &len), CS_ERR_FORM);
    snprintf(url, sizeof(url), "%s#top", text);
    assert_int_equal(unwrap_text(url, &form, &cose, &len), CS_ERR_FORM);
    assert_int_equal(unwrap_text("https://verify.example.org/", &form, &cose, &len), CS_ERR_FORM);
    free(text);
}

static void test_link_base_checks(void **state)
{
    (void)state;
    assert_int_equal(cs_token_check_link_base("https://a.example/v"), CS_OK);
    assert_int_equal(cs_token_check_link_base("http://127.0.0.1:8080/v"), CS_OK);
    assert_int_equal(cs_token_check_link_base("ftp://a.example/v"), CS_ERR_ARGUMENT);
    assert_int_equal(cs_token_check_link_base("https://"), CS_ERR_ARGUMENT);
    assert_int_equal(cs_token_check_link_base("https://a.example/v?x=1"), CS_ERR_ARGUMENT);
    assert_int_equal(cs_token_check_link_base("https://a example/v"), CS_ERR_ARGUMENT);
    const char *text;
    size_t len;
    assert_int_equal(
        cs_token_wrap(codec, CS_FORM_LINK, "mailto:x", COSE, sizeof(COSE), &text, &len),
        CS_ERR_ARGUMENT);
}

/* "CS1:" + base45 of a zlib stream of n zero bytes (plus extra bytes after
 * the stream when `trailing` is set). */
static char *offline_of_zeros(size_t n, bool trailing)
{
    uint8_t *zeros = calloc(1, n), *z = malloc(compressBound(n) + 2);
    uLongf z_len = compressBound(n);
    assert_non_null(zeros);
    assert_non_null(z);
    assert_int_equal(compress2(z, &z_len, zeros, n, 9), Z_OK);
    if (trailing) {
        z[z_len++] = 0x00;
    }
    size_t cap = 4 + cs_base45_encoded_length(z_len) + 1, len;
    char *text = malloc(cap);
    assert_non_null(text);
    memcpy(text, "CS1:", 4);
    assert_int_equal(cs_base45_encode(z, z_len, text + 4, cap - 4, &len), CS_OK);
    free(zeros);
    free(z);
    return text;
}

/* DESIGN §3: readers accept any valid zlib header, 78 01, 78 5E, 78 9C and
 * 78 DA (levels 1, 2 to 5, 6, 7 to 9), in both forms; a preset dictionary
 * (FDICT) is no token's. */
static void test_zlib_headers(void **state)
{
    static const struct {
        int level;
        uint8_t flg;
    } headers[] = {{1, 0x01}, {3, 0x5e}, {6, 0x9c}, {9, 0xda}};
    (void)state;
    for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
        uint8_t packed[128];
        uLongf packed_len = sizeof(packed);
        char text[512] = "CS1:";
        size_t n = 0;
        assert_int_equal(compress2(packed, &packed_len, COSE, sizeof(COSE), headers[i].level), Z_OK);
        assert_int_equal(packed[0], 0x78);
        assert_int_equal(packed[1], headers[i].flg);
        assert_int_equal(cs_base45_encode(packed, packed_len, text + 4, sizeof(text) - 4, &n), CS_OK);
        assert_unwraps_to_cose(text, CS_FORM_OFFLINE);
        strcpy(text, "HTTPS://V.EXAMPLE/V/");
        size_t prefix = strlen(text);
        assert_int_equal(
            cs_base32_encode(packed, packed_len, text + prefix, sizeof(text) - prefix, &n), CS_OK);
        assert_unwraps_to_cose(text, CS_FORM_LINK);
    }
    /* 78 BB: a valid header that asks for a preset dictionary. */
    uint8_t dict[] = {0x78, 0xbb, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    char text[64] = "CS1:";
    size_t n = 0;
    cs_form form;
    const uint8_t *cose;
    size_t len;
    assert_int_equal((dict[0] * 256 + dict[1]) % 31, 0);
    assert_int_equal(cs_base45_encode(dict, sizeof(dict), text + 4, sizeof(text) - 4, &n), CS_OK);
    assert_int_equal(unwrap_text(text, &form, &cose, &len), CS_ERR_INFLATE);
}

static void test_inflate_cap(void **state)
{
    (void)state;
    cs_form form;
    const uint8_t *cose;
    size_t len;
    char *text = offline_of_zeros(CS_INFLATE_MAX, false);
    assert_int_equal(unwrap_text(text, &form, &cose, &len), CS_OK);
    assert_int_equal(len, CS_INFLATE_MAX);
    free(text);
    text = offline_of_zeros(CS_INFLATE_MAX + 1, false);
    assert_int_equal(unwrap_text(text, &form, &cose, &len), CS_ERR_INFLATE_LIMIT);
    free(text);
    text = offline_of_zeros(1024 * 1024, false);
    assert_int_equal(unwrap_text(text, &form, &cose, &len), CS_ERR_INFLATE_LIMIT);
    free(text);
}

static void test_bytes_after_the_zlib_stream(void **state)
{
    (void)state;
    cs_form form;
    const uint8_t *cose;
    size_t len;
    char *text = offline_of_zeros(100, true);
    assert_int_equal(unwrap_text(text, &form, &cose, &len), CS_ERR_INFLATE);
    free(text);
}

static void test_not_zlib_and_truncated(void **state)
{
    (void)state;
    cs_form form;
    const uint8_t *cose;
    size_t len;
    char *text = wrap(CS_FORM_OFFLINE, NULL);
    /* Cut the text at every length that is still whole base45 groups. */
    for (size_t cut = strlen(text) - 3; cut > 4; cut -= 3) {
        text[cut] = '\0';
        cs_err err = unwrap_text(text, &form, &cose, &len);
        assert_true(err == CS_ERR_INFLATE || err == CS_ERR_BASE45);
    }
    free(text);
    /* Base45 of COSE without zlib ("not-compressed" in the vectors). */
    char plain[64];
    size_t n;
    memcpy(plain, "CS1:", 4);
    assert_int_equal(cs_base45_encode(COSE, sizeof(COSE), plain + 4, sizeof(plain) - 4, &n), CS_OK);
    assert_int_equal(unwrap_text(plain, &form, &cose, &len), CS_ERR_INFLATE);
    assert_int_equal(unwrap_text("CS1:ab", &form, &cose, &len), CS_ERR_BASE45);
}

/* cs_token_list_next(): lines, blank lines, CR/LF/CRLF, a final line
 * without a newline, binary COSE as one token, and nothing left. */
static void test_token_list(void **state)
{
    static const char text[] = "\r\nCS1:ONE\n \t \nCS1:TWO\r\n\rCS1:THREE \n\nCS1:FOUR";
    static const char *const expected[] = {"CS1:ONE", "CS1:TWO", "CS1:THREE ", "CS1:FOUR"};
    static const uint8_t cose[] = {0xd2, 0x84, '\n', 0x0a, 'x'};
    const uint8_t *token = NULL;
    size_t offset = 0, len = 0, count = 0;

    (void)state;
    while (cs_token_list_next((const uint8_t *)text, strlen(text), &offset, &token, &len)) {
        assert_true(count < 4);
        assert_int_equal(len, strlen(expected[count]));
        assert_memory_equal(token, expected[count], len);
        count++;
    }
    assert_int_equal(count, 4);
    assert_int_equal(offset, strlen(text));
    assert_false(cs_token_list_next((const uint8_t *)text, strlen(text), &offset, &token, &len));

    offset = 0;
    assert_true(cs_token_list_next(cose, sizeof(cose), &offset, &token, &len));
    assert_ptr_equal(token, cose);
    assert_int_equal(len, sizeof(cose));
    assert_false(cs_token_list_next(cose, sizeof(cose), &offset, &token, &len));

    offset = 0;
    assert_false(cs_token_list_next((const uint8_t *)" \n\t\r\n", 5, &offset, &token, &len));
    offset = 0;
    assert_false(cs_token_list_next(NULL, 4, &offset, &token, &len));
    assert_false(cs_token_list_next(cose, sizeof(cose), NULL, &token, &len));
}

/* cs_token_convert: a token in another form, or as it came when it is
 * already in that form; a link needs a base from somewhere. */
static void test_convert(void **state)
{
    char *offline = wrap(CS_FORM_OFFLINE, NULL), *link = wrap(CS_FORM_LINK, "https://v.example/v");
    char *padded = NULL, *out = NULL;
    cs_form input_form;

    (void)state;
    assert_non_null(padded = malloc(strlen(offline) + 4));
    sprintf(padded, " %s\n", offline);
    assert_int_equal(cs_token_convert(codec, (const uint8_t *)padded, strlen(padded),
                                      CS_FORM_UNKNOWN, NULL, &input_form, &out),
                     CS_OK);
    assert_int_equal(input_form, CS_FORM_OFFLINE);
    assert_string_equal(out, offline); /* as it came, trimmed */
    free(out);
    assert_int_equal(cs_token_convert(codec, (const uint8_t *)link, strlen(link), CS_FORM_OFFLINE,
                                      NULL, &input_form, &out),
                     CS_OK);
    assert_int_equal(input_form, CS_FORM_LINK);
    assert_string_equal(out, offline);
    free(out);
    /* a link under the input link's own base, or a new one */
    assert_int_equal(cs_token_convert(codec, (const uint8_t *)offline, strlen(offline), CS_FORM_LINK,
                                      "https://v.example/v", NULL, &out),
                     CS_OK);
    assert_string_equal(out, link);
    free(out);
    assert_int_equal(cs_token_convert(codec, (const uint8_t *)offline, strlen(offline), CS_FORM_LINK,
                                      NULL, &input_form, &out),
                     CS_ERR_ARGUMENT);
    assert_int_equal(input_form, CS_FORM_OFFLINE);
    assert_null(out);
    assert_int_equal(cs_token_convert(codec, (const uint8_t *)"CS1:%%", 6, CS_FORM_UNKNOWN, NULL,
                                      NULL, &out),
                     CS_ERR_BASE45);
    assert_null(out);
    free(padded);
    free(offline);
    free(link);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offline_round_trip),
        cmocka_unit_test(test_link_round_trip_and_case),
        cmocka_unit_test(test_raw_and_hex),
        cmocka_unit_test(test_surrounding_white_space),
        cmocka_unit_test(test_unknown_forms),
        cmocka_unit_test(test_link_with_query_or_fragment),
        cmocka_unit_test(test_link_base_checks),
        cmocka_unit_test(test_zlib_headers),
        cmocka_unit_test(test_inflate_cap),
        cmocka_unit_test(test_bytes_after_the_zlib_stream),
        cmocka_unit_test(test_not_zlib_and_truncated),
        cmocka_unit_test(test_token_list),
        cmocka_unit_test(test_convert),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
