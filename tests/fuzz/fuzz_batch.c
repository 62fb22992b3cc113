/* SPDX-License-Identifier: ISC */
/* libFuzzer target for batches of certificate records (certseal/batch.h):
 * any bytes, read as JSON Lines and as CSV, parse or fail cleanly; a batch
 * that parses has only valid records and no problem, and one that fails
 * lists at least one problem with a line inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, cs_batch_format format)
{
    cs_batch batch;
    size_t lines = 1;
    static const char *const ignored[] = {"note"};
    cs_batch_options options = {.format = format, .ignore_columns = ignored, .ignore_count = 1};
    cs_err err = cs_batch_parse((const char *)data, size, &options, &batch);

    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (err == CS_OK) {
        if (batch.count == 0 || batch.problem_count != 0 || batch.count != batch.records_seen)
            abort(); /* a valid batch: records and no problem */
        for (size_t i = 0; i < batch.count; i++)
            if (batch.certs[i].number == NULL || batch.lines[i] == 0 || batch.lines[i] > lines)
                abort();
    } else if (err != CS_ERR_NO_MEMORY) {
        if (batch.count != 0 || batch.problem_count + batch.problems_omitted == 0)
            abort(); /* a refused batch says why and keeps no record */
        for (size_t i = 0; i < batch.problem_count; i++)
            if (batch.problems[i].line > lines || batch.problems[i].field == NULL ||
                batch.problems[i].message == NULL)
                abort();
    }
    cs_batch_clear(&batch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size, CS_BATCH_JSONL);
    check(data, size, CS_BATCH_CSV);
    return 0;
}
