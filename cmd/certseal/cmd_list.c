/* SPDX-License-Identifier: ISC */
/* certseal list: what a registry issued, with its status, and with
 * --history (or --json) the event log. */
#include <stdio.h>
#include <stdlib.h>

#include "cli_registry.h"

typedef struct list_options {
    const char *registry;
    bool json, history;
} list_options;

static const cli_option OPTIONS[] = {
    CLI_OPTION("registry", 0, CLI_PATH, list_options, registry, "DB", "the registry to list"),
    CLI_OPTION("history", 0, CLI_FLAG, list_options, history, NULL,
               "also the event log: issued, suspended, reinstated, withdrawn,\n"
               "superseded, with when, who and why"),
    CLI_OPTION("json", 0, CLI_FLAG, list_options, json, NULL,
               "one JSON object with the settings, \"entries\" and \"events\""),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    const list_options *o = options;

    (void)argc, (void)argv;
    if (o->registry == NULL)
        return cli_usage_error("--registry DB is required: the registry to list");
    return CLI_EXIT_OK;
}

static int run(void *options, int argc, char **argv)
{
    const list_options *o = options;
    cs_registry_t *registry = NULL;
    char *text = NULL;
    int status;
    cs_err err;

    (void)argc, (void)argv;
    if (!cli_registry_open(o->registry, 0, "list", &registry))
        return CLI_EXIT_FAILURE;
    err = o->json ? cs_report_registry_json(registry, &text)
                  : cs_report_registry_text(registry, o->history ? CS_REPORT_HISTORY : 0, &text);
    if (err == CS_OK) {
        status = cli_print_rendering(text, o->json);
    } else {
        cli_registry_report(o->registry, err, NULL);
        status = CLI_EXIT_FAILURE;
    }
    free(text);
    cs_registry_close(&registry);
    return status;
}

const cli_command cmd_list_entry = {
    .name = "list",
    .summary = "registry: what was issued, with status and history",
    .usage = "--registry DB [--json] [--history]",
    .description = "Lists every certificate (or accreditation) the registry recorded, one line per\n"
                   "revision: number, revision, status index, status, issue and expiry dates, subject\n"
                   "and standard.\n",
    .options = OPTIONS,
    .options_size = sizeof(list_options),
    .check = check,
    .run = run,
};
