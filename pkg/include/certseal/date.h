/* SPDX-License-Identifier: ISC */
/*
 * certseal/date.h - calendar dates and instants as NumericDate (RFC 8392:
 * seconds since 1970-01-01T00:00:00Z, UTC, no leap seconds).
 *
 * Pure functions; no time zone or locale is consulted.
 */
#ifndef CERTSEAL_DATE_H
#define CERTSEAL_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_DATE_TEXT_SIZE 11     /* "YYYY-MM-DD" + NUL */
#define CS_DATETIME_TEXT_SIZE 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define CS_SECONDS_PER_DAY 86400

/*
 * Parses "YYYY-MM-DD" (00:00:00 UTC of that day) or an RFC 3339 date-time
 * ("YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)", 't' and 'z' accepted,
 * a space instead of 'T' too; the fraction is truncated).  Years 1970-9999;
 * days checked against the month and leap years; seconds 00-60 (60 read
 * as 59).  The whole string must match.
 * Errors: CS_ERR_ARGUMENT (NULL), CS_ERR_DATE.
 */
CS_MUST_CHECK cs_err cs_date_parse(const char *text, int64_t *out);

/* Days since 1970-01-01 of a proleptic Gregorian date; no validation. */
int64_t cs_date_days_from_civil(int64_t year, unsigned month, unsigned day);

/* Writes "YYYY-MM-DD" of the UTC day holding t (NUL-terminated). */
void cs_date_format(int64_t t, char out[CS_DATE_TEXT_SIZE]);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (NUL-terminated). */
void cs_date_format_datetime(int64_t t, char out[CS_DATETIME_TEXT_SIZE]);

#ifdef __cplusplus
}
#endif
#endif
