/* SPDX-License-Identifier: ISC */
/* libFuzzer target for cs_date_parse: whatever parses must lie within the
 * documented range and, formatted back, parse to the same instant (or the
 * same day). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1970-01-01 minus the largest offset, 9999-12-31T23:59:59 plus it. */
#define FUZZ_T_MIN (-(23 * 3600 + 59 * 60))
#define FUZZ_T_MAX (253402300799 + 23 * 3600 + 59 * 60)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char formatted[CS_DATETIME_TEXT_SIZE];
    char day[CS_DATE_TEXT_SIZE];
    int64_t t, back;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (cs_date_parse(text, &t) != CS_OK)
        goto done;
    if (t < FUZZ_T_MIN || t > FUZZ_T_MAX)
        abort();
    if (t >= 0 && t <= 253402300799) {
        cs_date_format_datetime(t, formatted);
        if (strlen(formatted) != CS_DATETIME_TEXT_SIZE - 1)
            abort();
        if (cs_date_parse(formatted, &back) != CS_OK || back != t)
            abort();
        cs_date_format(t, day);
        if (cs_date_parse(day, &back) != CS_OK || back != t - t % CS_SECONDS_PER_DAY)
            abort();
    }
done:
    free(text);
    return 0;
}
