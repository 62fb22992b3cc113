/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the detail strings of pkg/error.c: cs_detail_vformat()
 * writes exactly what vsnprintf() writes, for the conversions it formats
 * itself and for those it leaves to vsnprintf(), whole or cut to any
 * buffer size, and never reads past a %.*s quote's length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void vformat(char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void vformat(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cs_detail_vformat(out, size, fmt, ap);
    va_end(ap);
}

static void expect_as_vsnprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Formats at every buffer size from 1 to past the whole text, both ways;
 * the bytes after the terminating NUL are left alone by both. */
static void expect_as_vsnprintf(const char *fmt, ...)
{
    char want[600], got[600];
    va_list ap;

    for (size_t size = 1; size <= sizeof(want); size = size < 80 ? size + 1 : size * 2) {
        memset(want, '#', sizeof(want));
        memset(got, '#', sizeof(got));
        va_start(ap, fmt);
        vsnprintf(want, size, fmt, ap);
        va_end(ap);
        va_start(ap, fmt);
        cs_detail_vformat(got, size, fmt, ap);
        va_end(ap);
        if (memcmp(want, got, sizeof(want)) != 0)
            fail_msg("\"%s\" in %zu bytes: \"%s\", vsnprintf wrote \"%s\"", fmt, size, got, want);
    }
}

static void test_conversions(void **state)
{
    (void)state;
    expect_as_vsnprintf("no conversion at all");
    expect_as_vsnprintf("%s", "");
    expect_as_vsnprintf("%s", "only a string");
    expect_as_vsnprintf("issued by %s (%s)", "cb.example", "Example Certification Ltd");
    expect_as_vsnprintf("%s form, %zu characters, %zu bytes of COSE", "offline", (size_t)990,
                        (size_t)728);
    expect_as_vsnprintf("%zu %zu %zu", (size_t)0, (size_t)7, SIZE_MAX);
    expect_as_vsnprintf("index %llu of %llu", 0ull, ULLONG_MAX);
    expect_as_vsnprintf("%d %d %d %d %d", 0, 7, -7, INT_MAX, INT_MIN);
    expect_as_vsnprintf("100%% sure, %s%%", "or 50");
    expect_as_vsnprintf("%.3s|%.0s|%.64s|%.200s", "abcdef", "gone", "short", "also short");
    expect_as_vsnprintf("%.*s|%.*s|%.*s", 2, "abcdef", 0, "gone", -1, "whole, precision < 0");
    expect_as_vsnprintf("%s and %s", "ISO 9001:2015 — über", "日本語のテキスト");
}

/* A NULL string (a caller's mistake) prints as glibc prints it. */
static void test_null_string(void **state)
{
    (void)state;
    const char *volatile none = NULL;
    char out[32];

    vformat(out, sizeof(out), "[%s]", none);
    assert_string_equal(out, "[(null)]");
}

/* Conversions it does not format itself go to vsnprintf whole, the
 * arguments before them included. */
static void test_fallback(void **state)
{
    (void)state;
    expect_as_vsnprintf("%s then %02x", "hex", 0xa);
    expect_as_vsnprintf("%zu then %5s|%-5s|", (size_t)3, "ab", "cd");
    expect_as_vsnprintf("%.*s then %ld", 3, "abcdef", -12345678l);
    expect_as_vsnprintf("%llu then %c", 42ull, 'x');
    expect_as_vsnprintf("%.s", "empty precision");
    expect_as_vsnprintf("%.1000000s", "a precision of seven digits");
}

/* A %.*s quote of text that is not NUL-terminated (a CBOR string) reads
 * only its length (under ASan an overread fails the test). */
static void test_quote_not_terminated(void **state)
{
    (void)state;
    char *text = malloc(5);
    char out[32];

    assert_non_null(text);
    memcpy(text, "abcde", 5);
    vformat(out, sizeof(out), "[%.*s]", 5, text);
    assert_string_equal(out, "[abcde]");
    vformat(out, sizeof(out), "[%.*s]", 3, text);
    assert_string_equal(out, "[abc]");
    free(text);
}

/* Nothing is written for no buffer or a size of 0. */
static void test_no_room(void **state)
{
    (void)state;
    char out[4] = "xyz";

    vformat(out, 0, "%s", "text");
    assert_string_equal(out, "xyz");
    vformat(NULL, 16, "%s", "text");
    vformat(out, 1, "%s", "text");
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_null_string),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_quote_not_terminated),
        cmocka_unit_test(test_no_room),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
