/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the watch state file (pkg/watch.c): any input is
 * written as state.json into a private folder made at start-up and opened
 * with cs_watch_open(); a state that opens is listed as JSON, saved and
 * opened again, which must succeed with the same items.  The seed is a
 * state written by `certseal watch`.  Nothing but a clean error may come of
 * any input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/file.h"
#include "certseal/watch.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz-watch-XXXXXX";
static char path[sizeof(dir) + 16];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(path, sizeof(path), "%s/%s", dir, CS_WATCH_STATE_FILE);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_watch_t *watch = NULL;
    char *json = NULL, detail[256];
    size_t count;

    if (cs_file_write_atomic(path, data, size, 0600, CS_FILE_REPLACE) != CS_OK)
        abort();
    if (cs_watch_open(dir, &watch, detail, sizeof(detail)) != CS_OK)
        return 0;
    count = cs_watch_count(watch);
    if (cs_watch_list_json(watch, &json) != CS_OK || cs_watch_save(watch) != CS_OK)
        abort();
    free(json);
    cs_watch_close(&watch);
    if (cs_watch_open(dir, &watch, detail, sizeof(detail)) != CS_OK ||
        cs_watch_count(watch) != count)
        abort();
    cs_watch_close(&watch);
    return 0;
}
