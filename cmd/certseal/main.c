/* SPDX-License-Identifier: ISC */
/* certseal: the command table and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_service.h"

/* A command of the program itself (entry), or of the services plugin
 * (entry NULL: its "cmd_<name>_entry" is looked up there when the command
 * runs), so that the commands that need no service load none
 * (cli_service.h, docs/architecture.md). */
typedef struct command {
    const char *name;
    const cli_command *entry;
} command;

static const command COMMANDS[] = {
    {"keygen", &cmd_keygen_entry},
    {"accredit", NULL},
    {"issue", NULL},
    {"verify", &cmd_verify_entry},
    {"inspect", NULL},
    {"qr", NULL},
    {"document", NULL},
    {"scan", NULL},
    {"init", NULL},
    {"suspend", NULL},
    {"reinstate", NULL},
    {"withdraw", NULL},
    {"list", NULL},
    {"status", NULL},
    {"serve", NULL},
    {"trustlist", &cmd_trustlist_entry},
    {"catalog", &cmd_catalog_entry},
    {"receipt", &cmd_receipt_entry},
    {"watch", NULL},
    {"rekey", NULL},
    {"reissue", NULL},
    {"registry", NULL},
};
#define COMMAND_COUNT (sizeof(COMMANDS) / sizeof(COMMANDS[0]))

/* The command's entry, from the services plugin when it is there; NULL
 * after one line on stderr when the plugin cannot be loaded. */
static const cli_command *entry_of(const command *c)
{
    char symbol[64];

    if (c->entry != NULL)
        return c->entry;
    snprintf(symbol, sizeof(symbol), "cmd_%s_entry", c->name);
    return cli_service_symbol(symbol);
}

static void print_usage(FILE *out)
{
    fprintf(out, "usage: certseal COMMAND [OPTIONS] [ARGUMENTS]\n\ncommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        const cli_command *entry = entry_of(&COMMANDS[i]);
        fprintf(out, "  %-10s %s\n", COMMANDS[i].name,
                entry != NULL ? entry->summary : "(its services cannot be loaded)");
    }
    fprintf(out, "\n'certseal COMMAND --help' shows a command's options; certseal(1) has the "
                 "rest.\n");
}

static int unknown_command(const char *name)
{
    char safe[CLI_ESCAPED_SIZE(64)];

    fprintf(stderr, "certseal: unknown command '%s'; the commands are:",
            cli_escape(name, safe, sizeof(safe)));
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(stderr, " %s", COMMANDS[i].name);
    fprintf(stderr, " (see certseal --help)\n");
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("certseal %s\n", CERTSEAL_VERSION);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(argv[1], COMMANDS[i].name) == 0) {
            const cli_command *entry;
            cli_command_name = COMMANDS[i].name;
            if ((entry = entry_of(&COMMANDS[i])) == NULL)
                return CLI_EXIT_FAILURE;
            return cli_command_run(entry, argc - 1, argv + 1);
        }
    }
    return unknown_command(argv[1]);
}
