/* SPDX-License-Identifier: ISC */
/* certseal suspend | reinstate | withdraw: changes the status of what a
 * registry issued (a certificate in a certification body's registry, an
 * accreditation in an accreditation body's) and records the event.  The
 * change reaches verifiers with the next `certseal status publish`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_registry.h"

static void print_usage(const char *summary_line)
{
    printf("usage: certseal %s --registry DB [--reason TEXT] [--actor NAME] NUMBER\n\n%s\n",
           cli_command, summary_line);
    fputs("NUMBER is a certificate number (certification body registry) or an\n"
          "accreditation number (accreditation body registry).  The event is recorded with\n"
          "--actor (default: the login name) and --reason; publish the status list\n"
          "afterwards (certseal status publish) so that verifiers see the change.\n",
          stdout);
}

typedef struct change_options {
    const char *registry, *number;
    cs_registry_actor actor;
} change_options;

static const char *summary(cs_registry_action action)
{
    switch (action) {
    case CS_REGISTRY_SUSPEND:
        return "Suspends a valid certificate or accreditation (reinstate undoes it).";
    case CS_REGISTRY_REINSTATE:
        return "Reinstates a suspended certificate or accreditation.";
    case CS_REGISTRY_WITHDRAW:
        return "Withdraws a valid or suspended certificate or accreditation for good.";
    }
    return "";
}

static int parse(int argc, char **argv, cs_registry_action action, change_options *o)
{
    static const struct option longopts[] = {
        {"registry", required_argument, NULL, CLI_OPT_REGISTRY},
        {"reason", required_argument, NULL, CLI_OPT_REASON},
        {"actor", required_argument, NULL, CLI_OPT_ACTOR},
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
        case CLI_OPT_REASON:
            o->actor.reason = optarg;
            break;
        case CLI_OPT_ACTOR:
            o->actor.name = optarg;
            break;
        case 'h':
            print_usage(summary(action));
            exit(CLI_EXIT_OK);
        default:
            return cli_bad_option(opt, argv);
        }
    }
    if (o->registry == NULL)
        return cli_usage_error("--registry DB is required: the registry that issued it");
    if (argc - optind != 1)
        return cli_usage_error("give exactly one certificate or accreditation number (see "
                               "certseal %s --help)",
                               cli_command);
    o->number = argv[optind];
    if (o->number[0] == '\0')
        return cli_usage_error("the number is empty");
    return cli_registry_check_actor(&o->actor) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

static int change_status(int argc, char **argv, cs_registry_action action)
{
    change_options o = {0};
    cs_registry_t *registry = NULL;
    cs_status now = CS_STATUS_VALID;
    char detail[400] = "";
    int status;
    cs_err err;

    if ((status = parse(argc, argv, action, &o)) != CLI_EXIT_OK)
        return status;
    if (!cli_registry_open(o.registry, 0, cli_command, &registry))
        return CLI_EXIT_FAILURE;
    err = cs_registry_change_status(registry, o.number, action, &o.actor, &now, detail,
                                    sizeof(detail));
    if (err == CS_ERR_ARGUMENT)
        cli_usage_error("%s: %s", o.number, detail[0] ? detail : cs_strerror(err));
    else if (err != CS_OK)
        cli_registry_report(o.number, err, detail);
    else
        fprintf(stderr,
                "certseal: %s: %s: now %s (run certseal status publish so that verifiers "
                "see it)\n",
                cli_command, o.number, cs_status_name(now));
    cs_registry_close(&registry);
    if (err == CS_ERR_ARGUMENT)
        return CLI_EXIT_USAGE;
    return err == CS_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

int cmd_suspend(int argc, char **argv)
{
    return change_status(argc, argv, CS_REGISTRY_SUSPEND);
}

int cmd_reinstate(int argc, char **argv)
{
    return change_status(argc, argv, CS_REGISTRY_REINSTATE);
}

int cmd_withdraw(int argc, char **argv)
{
    return change_status(argc, argv, CS_REGISTRY_WITHDRAW);
}
