/* SPDX-License-Identifier: ISC */
/* libFuzzer target for inspection (certseal inspect, with and without
 * --json): a token in any form, or anything else, is described or refused
 * with an error, never a crash; what is described is one JSON object, and
 * as text it holds no control character but line ends. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *json = NULL;
    char detail[256] = "";

    if (cs_report_inspect_json(data, size, size & 1 ? CS_REPORT_PRETTY : 0, &json, detail,
                               sizeof(detail)) == CS_OK) {
        if (json == NULL || json[0] != '{')
            abort();
    } else if (memchr(detail, '\0', sizeof(detail)) == NULL) {
        abort();
    }
    free(json);
    json = NULL;
    if (cs_report_inspect_text(data, size, CS_REPORT_ECC(size % 4), &json, detail,
                               sizeof(detail)) == CS_OK) {
        if (json == NULL || strncmp(json, "NOT VERIFIED", 12) != 0)
            abort();
        for (const char *p = json; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 && *p != '\n')
                abort();
    }
    free(json);
    return 0;
}
