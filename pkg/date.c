/* SPDX-License-Identifier: ISC */
/*
 * Dates as NumericDate (RFC 8392 §2), proleptic Gregorian, no time zone
 * database.  Civil/day conversions follow H. Hinnant's "chrono-Compatible
 * Low-Level Date Algorithms": years counted from March so that the leap
 * day falls last, in 400-year eras of 146097 days.
 */
#include <stdbool.h>
#include <stdint.h>

#include "certseal/date.h"

#define DATE_YEAR_MIN 1970
#define DATE_YEAR_MAX 9999
#define DAYS_PER_ERA 146097
#define DAYS_0000_TO_1970 719468 /* 0000-03-01 to 1970-01-01 */

/* Inside this file the calls go here, so that a call with constant
 * arguments folds to a constant (the exported name may be interposed, so
 * the compiler does not look into it). */
static int64_t days_from_civil(int64_t year, unsigned month, unsigned day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t year_of_era = y - era * 400;                    /* [0, 399] */
    int64_t month_from_march = (int64_t)((month + 9) % 12); /* March = 0 */
    int64_t day_of_year = (153 * month_from_march + 2) / 5 + (int64_t)day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * DAYS_PER_ERA + day_of_era - DAYS_0000_TO_1970;
}

int64_t cs_date_days_from_civil(int64_t year, unsigned month, unsigned day)
{
    return days_from_civil(year, month, day);
}

static void date_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t z = days + DAYS_0000_TO_1970;
    int64_t era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
    int64_t day_of_era = z - era * DAYS_PER_ERA; /* [0, 146096] */
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153; /* [0, 11] */
    *day = (unsigned)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    *month = (unsigned)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    *year = year_of_era + era * 400 + (*month <= 2);
}

static bool date_is_leap_year(unsigned year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static unsigned date_days_in_month(unsigned year, unsigned month)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && date_is_leap_year(year))
        return 29;
    return days[month - 1];
}

/* ---- parsing: readers advance *p past what they accept; false ends the parse */

static bool date_read_digits(const char **p, unsigned count, unsigned *value)
{
    unsigned v = 0;
    for (unsigned i = 0; i < count; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (unsigned)(c - '0');
    }
    *p += count;
    *value = v;
    return true;
}

static bool date_read_char(const char **p, const char *choices)
{
    for (; *choices != '\0'; choices++) {
        if (**p == *choices) {
            (*p)++;
            return true;
        }
    }
    return false;
}

/* "YYYY-MM-DD", 1970-9999, the day checked against month and leap year. */
static bool date_read_full_date(const char **p, int64_t *days)
{
    unsigned year, month, day;

    if (!date_read_digits(p, 4, &year) || !date_read_char(p, "-") ||
        !date_read_digits(p, 2, &month) || !date_read_char(p, "-") || !date_read_digits(p, 2, &day))
        return false;
    if (year < DATE_YEAR_MIN || year > DATE_YEAR_MAX || month < 1 || month > 12 || day < 1 ||
        day > date_days_in_month(year, month))
        return false;
    *days = days_from_civil(year, month, day);
    return true;
}

/* RFC 3339 §5.6 partial-time: "HH:MM:SS[.digits]"; a leap second 60 reads
 * as 59 and the fraction is dropped. */
static bool date_read_partial_time(const char **p, int64_t *seconds)
{
    unsigned hour, minute, second;

    if (!date_read_digits(p, 2, &hour) || !date_read_char(p, ":") ||
        !date_read_digits(p, 2, &minute) || !date_read_char(p, ":") ||
        !date_read_digits(p, 2, &second))
        return false;
    if (hour > 23 || minute > 59 || second > 60)
        return false;
    if (second == 60)
        second = 59;
    if (date_read_char(p, ".")) {
        unsigned digit;
        if (!date_read_digits(p, 1, &digit))
            return false;
        while (date_read_digits(p, 1, &digit))
            ;
    }
    *seconds = (int64_t)hour * 3600 + minute * 60 + second;
    return true;
}

/* RFC 3339 §5.6 time-offset: "Z" or "+HH:MM"/"-HH:MM", as seconds east of UTC. */
static bool date_read_offset(const char **p, int64_t *offset)
{
    unsigned hour, minute;
    int sign;

    if (date_read_char(p, "Zz")) {
        *offset = 0;
        return true;
    }
    if (date_read_char(p, "+"))
        sign = 1;
    else if (date_read_char(p, "-"))
        sign = -1;
    else
        return false;
    if (!date_read_digits(p, 2, &hour) || !date_read_char(p, ":") ||
        !date_read_digits(p, 2, &minute) || hour > 23 || minute > 59)
        return false;
    *offset = sign * ((int64_t)hour * 3600 + minute * 60);
    return true;
}

cs_err cs_date_parse(const char *text, int64_t *out)
{
    const char *p = text;
    int64_t days, seconds = 0, offset = 0;

    if (text == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if (!date_read_full_date(&p, &days))
        return CS_ERR_DATE;
    if (*p != '\0') {
        if (!date_read_char(&p, "Tt ") || !date_read_partial_time(&p, &seconds) ||
            !date_read_offset(&p, &offset) || *p != '\0')
            return CS_ERR_DATE;
    }
    /* Local time minus its offset is UTC: "+02:00" is two hours ahead. */
    *out = days * CS_SECONDS_PER_DAY + seconds - offset;
    return CS_OK;
}

/* ---- formatting ---------------------------------------------------------- */

static void date_put_digits(char *out, unsigned value, unsigned width)
{
    while (width-- > 0) {
        out[width] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* Splits t into a civil date and seconds of the day.  t is first clamped to
 * 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z so that the year always has
 * four digits and the fixed-size outputs cannot overflow. */
static void date_split(int64_t t, unsigned *year, unsigned *month, unsigned *day,
                       unsigned *second_of_day)
{
    const int64_t min = days_from_civil(0, 1, 1) * CS_SECONDS_PER_DAY;
    const int64_t max = days_from_civil(10000, 1, 1) * CS_SECONDS_PER_DAY - 1;
    int64_t y;

    if (t < min)
        t = min;
    if (t > max)
        t = max;
    int64_t days = t / CS_SECONDS_PER_DAY;
    int64_t rest = t % CS_SECONDS_PER_DAY;
    if (rest < 0) { /* floor division for instants before 1970 */
        days -= 1;
        rest += CS_SECONDS_PER_DAY;
    }
    date_civil_from_days(days, &y, month, day);
    *year = (unsigned)y;
    *second_of_day = (unsigned)rest;
}

static void date_put_date(char *out, unsigned year, unsigned month, unsigned day)
{
    date_put_digits(out, year, 4);
    out[4] = '-';
    date_put_digits(out + 5, month, 2);
    out[7] = '-';
    date_put_digits(out + 8, day, 2);
}

void cs_date_format(int64_t t, char out[CS_DATE_TEXT_SIZE])
{
    unsigned year, month, day, second_of_day;

    date_split(t, &year, &month, &day, &second_of_day);
    date_put_date(out, year, month, day);
    out[10] = '\0';
}

void cs_date_format_datetime(int64_t t, char out[CS_DATETIME_TEXT_SIZE])
{
    unsigned year, month, day, second_of_day;

    date_split(t, &year, &month, &day, &second_of_day);
    date_put_date(out, year, month, day);
    out[10] = 'T';
    date_put_digits(out + 11, second_of_day / 3600, 2);
    out[13] = ':';
    date_put_digits(out + 14, second_of_day / 60 % 60, 2);
    out[16] = ':';
    date_put_digits(out + 17, second_of_day % 60, 2);
    out[19] = 'Z';
    out[20] = '\0';
}
