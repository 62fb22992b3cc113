/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for pkg/text.c: every control and bidirectional character is
 * escaped, malformed UTF-8 too, nothing else is touched, output is never
 * cut inside an escape; records' text is refused when it holds one, is not
 * UTF-8 or is not NFC.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/text.h"

static void expect_escaped(const char *in, size_t len, const char *want)
{
    char out[256];
    size_t need = cs_text_escape(in, len, out, sizeof(out));
    if (strcmp(out, want) != 0)
        fail_msg("escaped to \"%s\", expected \"%s\"", out, want);
    assert_int_equal(need, strlen(want));
}

#define ESCAPED(in, want) expect_escaped(in, sizeof(in) - 1, want)

static void test_escape_controls(void **state)
{
    (void)state;
    ESCAPED("plain text", "plain text");
    ESCAPED("\x1b[2JVALID", "\\x1b[2JVALID");
    ESCAPED("a\nb\tc\rd", "a\\x0ab\\x09c\\x0dd");
    ESCAPED("\x7f", "\\x7f");
    ESCAPED("nul\0in", "nul\\x00in");
    ESCAPED("\xc2\x9b" "2J", "\\u009b2J"); /* C1 CSI */
    ESCAPED("\xc2\x80\xc2\x9f\xc2\xa0", "\\u0080\\u009f\xc2\xa0"); /* NBSP stays */
}

static void test_escape_bidi(void **state)
{
    (void)state;
    ESCAPED("abc\xe2\x80\xae" "cba", "abc\\u202ecba");
    ESCAPED("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
            "\\u202a\\u202b\\u202c\\u202d");
    ESCAPED("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
            "\\u2066\\u2067\\u2068\\u2069");
    /* Neighbours that are not controls pass: U+2029, U+202F, U+2065, U+206A. */
    ESCAPED("\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa",
            "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa");
    ESCAPED("Stra\xc3\x9f" "e \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80",
            "Stra\xc3\x9f" "e \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80");
}

static void test_escape_malformed_utf8(void **state)
{
    (void)state;
    ESCAPED("\xff", "\\xff");
    ESCAPED("\xc0\xaf", "\\xc0\\xaf");             /* overlong '/' */
    ESCAPED("\xe0\x80\x9b", "\\xe0\\x80\\x9b");     /* overlong ESC */
    ESCAPED("\xed\xa0\x80", "\\xed\\xa0\\x80");     /* a surrogate */
    ESCAPED("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
    ESCAPED("\xe2\x80", "\\xe2\\x80");              /* cut short */
    ESCAPED("\x80" "a", "\\x80a");
}

static void test_escape_truncation(void **state)
{
    char out[8];
    const char *in = "ab\x1b" "cdef";

    (void)state;
    /* "ab\x1bcdef" is 10 bytes escaped: cut after "ab" (the escape does not
     * fit whole), then complete with room. */
    memset(out, 'z', sizeof(out));
    assert_int_equal(cs_text_escape(in, strlen(in), out, 5), 10);
    assert_string_equal(out, "ab");
    assert_int_equal(cs_text_escape(in, strlen(in), out, 7), 10);
    assert_string_equal(out, "ab\\x1b");
    assert_int_equal(cs_text_escape(in, strlen(in), NULL, 0), 10);
    assert_int_equal(cs_text_escape(in, strlen(in), out, 0), 10);
    assert_int_equal(out[0], 'a'); /* untouched */
    assert_int_equal(cs_text_escape(NULL, 0, out, sizeof(out)), 0);
    assert_string_equal(out, "");
    /* A multi-byte character is not split either. */
    assert_int_equal(cs_text_escape("a\xe6\x9d\xb1", 4, out, 3), 4);
    assert_string_equal(out, "a");
}

static void test_escape_alloc(void **state)
{
    char *out = NULL;

    (void)state;
    assert_int_equal(cs_text_escape_alloc("org\x1b[2J\xe2\x80\xae", &out), CS_OK);
    assert_string_equal(out, "org\\x1b[2J\\u202e");
    free(out);
    assert_int_equal(cs_text_escape_alloc(NULL, &out), CS_ERR_ARGUMENT);
    assert_null(out);
    assert_int_equal(cs_text_escape_alloc("x", NULL), CS_ERR_ARGUMENT);
}

static void text_check_gives(const char *text, size_t len, unsigned flags, cs_err want,
                         const char *claim)
{
    char detail[200] = "x";
    cs_err err = cs_text_check(text, len, flags, detail, sizeof(detail));
    if (err != want)
        fail_msg("check gave %s (%s), expected %s", cs_err_name(err), detail, cs_err_name(want));
    if (claim != NULL && strstr(detail, claim) == NULL)
        fail_msg("detail \"%s\" does not say \"%s\"", detail, claim);
    if (want == CS_OK)
        assert_string_equal(detail, "");
}

#define CHECK(text, flags, want, claim) text_check_gives(text, sizeof(text) - 1, flags, want, claim)

static void test_check(void **state)
{
    (void)state;
    CHECK("Nordlicht Logistik GmbH & Co. KG", 0, CS_OK, NULL);
    CHECK("Stra\xc3\x9f" "e 1\n28217 Bremen", CS_TEXT_MULTILINE, CS_OK, NULL);
    CHECK("line\nbreak", 0, CS_ERR_TEXT, "U+000A");
    CHECK("line\r\nbreak", CS_TEXT_MULTILINE, CS_ERR_TEXT, "U+000D");
    CHECK("tab\there", CS_TEXT_MULTILINE, CS_ERR_TEXT, "U+0009");
    CHECK("\x1b[2J", 0, CS_ERR_TEXT, "U+001B, a control character, at byte 0");
    CHECK("ACME \xe2\x80\xae" "DILAV", 0, CS_ERR_TEXT, "U+202E, a bidirectional control, at byte 5");
    CHECK("x\xe2\x81\xa9", 0, CS_ERR_TEXT, "U+2069");
    CHECK("del\x7f", 0, CS_ERR_TEXT, "U+007F");
    CHECK("c1\xc2\x85", 0, CS_ERR_TEXT, "U+0085");
    CHECK("bad\xff", 0, CS_ERR_TEXT, "not UTF-8 (byte 3");
    CHECK("nul\0", 0, CS_ERR_TEXT, "U+0000");
    /* NFC: precomposed e-acute passes; e + combining acute is refused; so is
     * a singleton (U+212B ANGSTROM SIGN becomes U+00C5). */
    CHECK("Caf\xc3\xa9", 0, CS_OK, NULL);
    CHECK("Cafe\xcc\x81", 0, CS_ERR_TEXT, "Normalization Form C");
    CHECK("\xe2\x84\xab", 0, CS_ERR_TEXT, "Normalization Form C");
    /* NFC text may hold combining marks that have no precomposed form. */
    CHECK("q\xcc\x81", 0, CS_OK, NULL);
    CHECK("\xe0\xa4\x95\xe0\xa5\x8d\xe0\xa4\xb7", 0, CS_OK, NULL); /* Devanagari ksha */
    text_check_gives("", 0, 0, CS_OK, NULL);
    assert_int_equal(cs_text_check(NULL, 1, 0, NULL, 0), CS_ERR_ARGUMENT);
    assert_int_equal(cs_text_check("\x1b", 1, 0, NULL, 0), CS_ERR_TEXT);
}

static void test_escape_json(void **state)
{
    char *json = strdup("{\n  \"nam\": \"A\x7f\xc2\x9b\xe2\x80\xae \xc3\x9f\xe2\x81\xa6\",\t\"x\": 1}");
    char *plain = strdup("[\"Stra\xc3\x9f" "e\"]");
    char *before = plain;

    (void)state;
    assert_non_null(json);
    assert_non_null(plain);
    assert_int_equal(cs_text_escape_json(&json), CS_OK);
    assert_string_equal(json, "{\n  \"nam\": \"A\\u007F\\u009B\\u202E \xc3\x9f\\u2066\",\t\"x\": 1}");
    assert_int_equal(cs_text_escape_json(&plain), CS_OK);
    assert_ptr_equal(plain, before); /* nothing to escape: untouched */
    assert_int_equal(cs_text_escape_json(NULL), CS_ERR_ARGUMENT);
    free(json);
    free(plain);
}

/* "Did you mean": the nearest candidate within a quarter of the word's
 * length, none when two are as near or all are far. */
static void test_nearest(void **state)
{
    static const char *const standards[] = {"ISO 9001:2015", "ISO 14001:2015", "ISO 45001:2018"};
    static const char *const columns[] = {"scope", "issued", "expires", "organization.name"};
    static const char *const twins[] = {"cat", "car"};
    char long_word[CS_TEXT_NEAREST_MAX + 2];
    (void)state;

    assert_string_equal(cs_text_nearest("ISO9001:2015", standards, 3), "ISO 9001:2015");
    assert_string_equal(cs_text_nearest("iso 9001-2015", standards, 3), "ISO 9001:2015");
    assert_string_equal(cs_text_nearest("ISO 45001:2018", standards, 3), "ISO 45001:2018");
    assert_string_equal(cs_text_nearest("organisation.name", columns, 4), "organization.name");
    assert_string_equal(cs_text_nearest("expiry", columns, 4), "expires");
    assert_null(cs_text_nearest("colour", columns, 4));
    assert_null(cs_text_nearest("cab", twins, 2));
    assert_null(cs_text_nearest(NULL, columns, 4));
    memset(long_word, 'a', sizeof(long_word) - 1);
    long_word[sizeof(long_word) - 1] = '\0';
    assert_null(cs_text_nearest(long_word, columns, 4));
}

/* cs_text_hex: lower-case, two digits a byte, NUL-terminated. */
static void test_hex(void **state)
{
    (void)state;
    static const uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff, 0x5c};
    char out[2 * sizeof(bytes) + 1];

    memset(out, 'x', sizeof(out));
    assert_ptr_equal(cs_text_hex(bytes, sizeof(bytes), out), out);
    assert_string_equal(out, "000fa0ff5c");
    assert_string_equal(cs_text_hex(bytes, 0, out), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_controls),    cmocka_unit_test(test_escape_bidi),
        cmocka_unit_test(test_escape_malformed_utf8), cmocka_unit_test(test_escape_truncation),
        cmocka_unit_test(test_escape_alloc),       cmocka_unit_test(test_check),
        cmocka_unit_test(test_escape_json),        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
