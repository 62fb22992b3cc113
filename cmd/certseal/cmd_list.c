/* SPDX-License-Identifier: ISC */
/* certseal list: what a registry issued, with its status, and with
 * --history (or --json) the event log. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_registry.h"

static const char USAGE[] =
    "usage: certseal list --registry DB [--json] [--history]\n"
    "\n"
    "Lists every certificate (or accreditation) the registry recorded, one line per\n"
    "revision: number, revision, status index, status, issue and expiry dates, subject\n"
    "and standard.\n"
    "  --history   also the event log: issued, suspended, reinstated, withdrawn,\n"
    "              superseded, with when, who and why\n"
    "  --json      one JSON object with the settings, \"entries\" and \"events\"\n";

typedef struct list_options {
    const char *registry;
    bool json, history;
} list_options;

static int parse(int argc, char **argv, list_options *o)
{
    static const struct option longopts[] = {
        {"registry", required_argument, NULL, CLI_OPT_REGISTRY},
        {"json", no_argument, NULL, 'j'},
        {"history", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case CLI_OPT_REGISTRY:
            o->registry = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'H':
            o->history = true;
            break;
        case 'h':
            fputs(USAGE, stdout);
            exit(CLI_EXIT_OK);
        default:
            return cli_bad_option(opt, argv);
        }
    }
    if (o->registry == NULL)
        return cli_usage_error("--registry DB is required: the registry to list");
    if (optind != argc)
        return cli_usage_error("unexpected argument '%s' (see certseal list --help)", argv[optind]);
    return CLI_EXIT_OK;
}

int cmd_list(int argc, char **argv)
{
    list_options o = {0};
    cs_registry_t *registry = NULL;
    char *text = NULL;
    int status;
    cs_err err;

    if ((status = parse(argc, argv, &o)) != CLI_EXIT_OK)
        return status;
    if (!cli_registry_open(o.registry, 0, "list", &registry))
        return CLI_EXIT_FAILURE;
    err = o.json ? cs_report_registry_json(registry, &text)
                 : cs_report_registry_text(registry, o.history ? CS_REPORT_HISTORY : 0, &text);
    if (err == CS_OK && fputs(text, stdout) != EOF && o.json)
        putchar('\n');
    free(text);
    status = err == CS_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    if (err != CS_OK)
        cli_registry_report(o.registry, err, NULL);
    else if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("standard output: cannot write: %s", strerror(errno));
        status = CLI_EXIT_FAILURE;
    }
    cs_registry_close(&registry);
    return status;
}
