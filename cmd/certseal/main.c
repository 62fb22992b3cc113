/* SPDX-License-Identifier: ISC */
/* certseal: the command table and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command *const COMMANDS[] = {
    &cmd_keygen_entry, &cmd_accredit_entry, &cmd_issue_entry,     &cmd_verify_entry,
    &cmd_inspect_entry, &cmd_qr_entry,      &cmd_scan_entry,      &cmd_init_entry,
    &cmd_suspend_entry, &cmd_reinstate_entry, &cmd_withdraw_entry, &cmd_list_entry,
    &cmd_status_entry,  &cmd_serve_entry,   &cmd_trustlist_entry,
};
#define COMMAND_COUNT (sizeof(COMMANDS) / sizeof(COMMANDS[0]))

static void print_usage(FILE *out)
{
    fprintf(out, "usage: certseal COMMAND [OPTIONS] [ARGUMENTS]\n\ncommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-10s %s\n", COMMANDS[i]->name, COMMANDS[i]->summary);
    fprintf(out, "\n'certseal COMMAND --help' shows a command's options; certseal(1) has the "
                 "rest.\n");
}

static int unknown_command(const char *name)
{
    char safe[CLI_ESCAPED_SIZE(64)];

    fprintf(stderr, "certseal: unknown command '%s'; the commands are:",
            cli_escape(name, safe, sizeof(safe)));
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(stderr, " %s", COMMANDS[i]->name);
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
        if (strcmp(argv[1], COMMANDS[i]->name) == 0) {
            cli_command_name = COMMANDS[i]->name;
            return cli_command_run(COMMANDS[i], argc - 1, argv + 1);
        }
    }
    return unknown_command(argv[1]);
}
