/* SPDX-License-Identifier: ISC */
/* certseal: the command table and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"keygen", cmd_keygen, "make a key pair (Ed25519 or P-256)"},
    {"accredit", cmd_accredit, "accreditation body: sign an accreditation credential"},
    {"issue", cmd_issue, "certification body: sign a certificate token from a JSON record"},
    {"verify", cmd_verify, "verify a certificate token back to a trusted accreditation body"},
    {"inspect", cmd_inspect, "decode a token without verifying it"},
    {"qr", cmd_qr, "draw a token as a QR code: PNG, SVG or the terminal"},
    {"scan", cmd_scan, "read the QR codes in PNG or JPEG images and print their tokens"},
    {"init", cmd_init, "create an issuer registry (accreditation or certification body)"},
    {"suspend", cmd_suspend, "registry: suspend a certificate or accreditation"},
    {"reinstate", cmd_reinstate, "registry: reinstate a suspended one"},
    {"withdraw", cmd_withdraw, "registry: withdraw a certificate or accreditation for good"},
    {"list", cmd_list, "registry: what was issued, with status and history"},
    {"status", cmd_status, "publish the registry's signed status list, or show one"},
    {"serve", cmd_serve, "the HTTP verification service: the link form's page, a JSON API"},
};

static void print_usage(FILE *out)
{
    fprintf(out, "usage: certseal COMMAND [OPTIONS] [ARGUMENTS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++)
        fprintf(out, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out, "\n'certseal COMMAND --help' shows a command's options; certseal(1) has the "
                 "rest.\n");
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
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++) {
        if (strcmp(argv[1], COMMANDS[i].name) == 0) {
            cli_command = COMMANDS[i].name;
            return COMMANDS[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "certseal: unknown command '%s' (see certseal --help)\n", argv[1]);
    return CLI_EXIT_USAGE;
}
