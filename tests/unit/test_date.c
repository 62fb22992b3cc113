/* SPDX-License-Identifier: ISC */
/* Unit tests for pkg/date.c.  Expected instants were cross-checked with
 * GNU `date -u -d <text> +%s`. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "certseal/date.h"

struct valid {
    const char *text;
    int64_t t;
    const char *why;
};

static const struct valid valids[] = {
    {"1970-01-01", 0, "the epoch"},
    {"2026-11-21", 1795219200, "a plain date is 00:00:00 UTC"},
    {"2024-02-29", 1709164800, "leap day of a leap year"},
    {"2000-02-29", 951782400, "2000 is a leap year (divisible by 400)"},
    {"9999-12-31", 253402214400, "last day accepted"},
    {"2026-11-21T10:30:00Z", 1795257000, "RFC 3339 with Z"},
    {"2026-11-21t10:30:00z", 1795257000, "lower-case t and z"},
    {"2026-11-21 10:30:00Z", 1795257000, "space instead of T"},
    {"2026-11-21T10:30:00+02:00", 1795249800, "+02:00 is two hours ahead of UTC"},
    {"2026-11-21T10:30:00-05:30", 1795276800, "-05:30 is five and a half hours behind"},
    {"2026-11-21T10:30:00+00:00", 1795257000, "+00:00"},
    {"2026-11-21T10:30:00-00:00", 1795257000, "RFC 3339 §4.3 unknown local offset"},
    {"2026-11-21T10:30:00+23:59", 1795257000 - 86340, "largest offset"},
    {"2026-11-21T10:30:00.9Z", 1795257000, "fraction truncated"},
    {"2026-11-21T10:30:00.123456789123456789Z", 1795257000, "long fraction truncated"},
    {"2026-11-21T10:30:59.999+02:00", 1795249859, "fraction and offset"},
    {"2016-12-31T23:59:60Z", 1483228799, "leap second reads as 59"},
    {"2026-11-21T00:00:00Z", 1795219200, "midnight"},
    {"2026-11-21T23:59:59Z", 1795219200 + 86399, "last second of the day"},
    {"1970-01-01T00:00:00+01:00", -3600, "an offset may move the instant before 1970"},
    {"9999-12-31T23:59:59Z", 253402300799, "last second accepted"},
};

struct invalid {
    const char *text;
    const char *why;
};

static const struct invalid invalids[] = {
    {"", "empty"},
    {"2025-02-29", "2025 is not a leap year"},
    {"2100-02-29", "2100 is not a leap year (divisible by 100)"},
    {"2026-13-01", "month 13"},
    {"2026-00-10", "month 0"},
    {"2026-01-32", "day 32"},
    {"2026-04-31", "April has 30 days"},
    {"2026-01-00", "day 0"},
    {"1969-12-31", "year before 1970"},
    {"0000-01-01", "year 0"},
    {"10000-01-01", "five-digit year"},
    {"2026-1-21", "one-digit month"},
    {"2026-11-1", "one-digit day"},
    {"26-11-21", "two-digit year"},
    {"2026/11/21", "wrong separator"},
    {"2026-11", "missing day"},
    {"2026", "missing month and day"},
    {"2026-11-21x", "trailing garbage"},
    {"2026-11-21 ", "trailing space"},
    {" 2026-11-21", "leading space"},
    {"+2026-11-21", "sign before the year"},
    {"2026-11-21\n", "trailing newline"},
    {"2026-11-21T", "missing time"},
    {"2026-11-21T10:30", "missing seconds"},
    {"2026-11-21T10:30:00", "missing offset"},
    {"2026-11-21T10:30:00Z ", "trailing space after Z"},
    {"2026-11-21T10:30:00ZZ", "two Zs"},
    {"2026-11-21T10:30:00.Z", "fraction without digits"},
    {"2026-11-21T10:30:00,5Z", "comma fraction"},
    {"2026-11-21T24:00:00Z", "hour 24"},
    {"2026-11-21T10:60:00Z", "minute 60"},
    {"2026-11-21T10:30:61Z", "second 61"},
    {"2026-11-21T1:30:00Z", "one-digit hour"},
    {"2026-11-21T10:30:00+02", "offset without minutes"},
    {"2026-11-21T10:30:00+0200", "offset without colon"},
    {"2026-11-21T10:30:00+2:00", "one-digit offset hour"},
    {"2026-11-21T10:30:00+24:00", "offset hour 24"},
    {"2026-11-21T10:30:00+02:60", "offset minute 60"},
    {"2026-11-21T10:30:00 +02:00", "space before the offset"},
    {"2026-11-21X10:30:00Z", "wrong date-time separator"},
    {"2026-11-21T10:30:00UTC", "zone name"},
    {"\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa6-11-21", "non-ASCII digits"},
};

static void test_parse_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valids / sizeof valids[0]; i++) {
        int64_t t = -42;
        print_message("%s\n", valids[i].why);
        assert_int_equal(cs_date_parse(valids[i].text, &t), CS_OK);
        assert_int_equal(t, valids[i].t);
    }
}

static void test_parse_invalid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof invalids / sizeof invalids[0]; i++) {
        int64_t t = -42;
        print_message("%s\n", invalids[i].why);
        assert_int_equal(cs_date_parse(invalids[i].text, &t), CS_ERR_DATE);
        assert_int_equal(t, -42);
    }
}

static void test_parse_arguments(void **state)
{
    int64_t t;
    (void)state;

    assert_int_equal(cs_date_parse(NULL, &t), CS_ERR_ARGUMENT);
    assert_int_equal(cs_date_parse("2026-11-21", NULL), CS_ERR_ARGUMENT);
}

static void test_days_from_civil(void **state)
{
    (void)state;
    assert_int_equal(cs_date_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(cs_date_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(cs_date_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(cs_date_days_from_civil(2026, 11, 21), 1795219200 / CS_SECONDS_PER_DAY);
    assert_int_equal(cs_date_days_from_civil(0, 1, 1), -719528);
    assert_int_equal(cs_date_days_from_civil(-1, 12, 31), -719529);
    assert_int_equal(cs_date_days_from_civil(9999, 12, 31), 2932896);
}

static void test_format(void **state)
{
    char date[CS_DATE_TEXT_SIZE];
    char datetime[CS_DATETIME_TEXT_SIZE];
    (void)state;

    cs_date_format(1795219200, date);
    assert_string_equal(date, "2026-11-21");
    cs_date_format(1795219200 + 86399, date);
    assert_string_equal(date, "2026-11-21");
    cs_date_format_datetime(1795249859, datetime);
    assert_string_equal(datetime, "2026-11-21T08:30:59Z");
    cs_date_format_datetime(0, datetime);
    assert_string_equal(datetime, "1970-01-01T00:00:00Z");
    /* Before 1970 the day is found by floor division. */
    cs_date_format(-1, date);
    assert_string_equal(date, "1969-12-31");
    cs_date_format_datetime(-1, datetime);
    assert_string_equal(datetime, "1969-12-31T23:59:59Z");
    cs_date_format_datetime(-62167219200, datetime);
    assert_string_equal(datetime, "0000-01-01T00:00:00Z");
    cs_date_format_datetime(253402300799, datetime);
    assert_string_equal(datetime, "9999-12-31T23:59:59Z");
}

static void test_format_clamps(void **state)
{
    char date[CS_DATE_TEXT_SIZE];
    char datetime[CS_DATETIME_TEXT_SIZE];
    (void)state;

    /* Out of four-digit years: clamped, never longer than the buffer. */
    cs_date_format(INT64_MAX, date);
    assert_string_equal(date, "9999-12-31");
    cs_date_format_datetime(253402300800, datetime);
    assert_string_equal(datetime, "9999-12-31T23:59:59Z");
    cs_date_format_datetime(INT64_MAX, datetime);
    assert_string_equal(datetime, "9999-12-31T23:59:59Z");
    cs_date_format(INT64_MIN, date);
    assert_string_equal(date, "0000-01-01");
    cs_date_format_datetime(INT64_MIN, datetime);
    assert_string_equal(datetime, "0000-01-01T00:00:00Z");
}

static void check_round_trip(int64_t t)
{
    char date[CS_DATE_TEXT_SIZE];
    char datetime[CS_DATETIME_TEXT_SIZE];
    int64_t back;

    cs_date_format_datetime(t, datetime);
    assert_int_equal(cs_date_parse(datetime, &back), CS_OK);
    assert_int_equal(back, t);
    cs_date_format(t, date);
    assert_int_equal(cs_date_parse(date, &back), CS_OK);
    assert_int_equal(back, t - t % CS_SECONDS_PER_DAY);
}

static void test_round_trip(void **state)
{
    (void)state;
    check_round_trip(0);
    check_round_trip(1795257000);
    check_round_trip(1709164800 + 12345);
    check_round_trip(253402300799);
    for (int64_t t = 0; t < 253402300799; t += 86400 * 97 + 3613)
        check_round_trip(t);
}

static unsigned days_in_month(int64_t year, unsigned month)
{
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    return month == 2 && leap ? 29 : days[month - 1];
}

/* Every day of 0000-9999 against a calendar counted one day at a time. */
static void test_every_day(void **state)
{
    int64_t year = 0;
    unsigned month = 1, day = 1;
    char expected[32], date[CS_DATE_TEXT_SIZE];
    (void)state;

    for (int64_t d = -719528; d <= 2932896; d++) {
        assert_int_equal(cs_date_days_from_civil(year, month, day), d);
        cs_date_format(d * CS_SECONDS_PER_DAY, date);
        snprintf(expected, sizeof expected, "%04d-%02u-%02u", (int)year, month, day);
        assert_string_equal(date, expected);
        if (++day > days_in_month(year, month)) {
            day = 1;
            if (++month > 12) {
                month = 1;
                year++;
            }
        }
    }
    assert_int_equal(year, 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_arguments),
        cmocka_unit_test(test_days_from_civil),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_clamps),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
