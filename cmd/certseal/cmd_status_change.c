/* SPDX-License-Identifier: ISC */
/* certseal suspend | reinstate | withdraw: changes the status of what a
 * registry issued (a certificate in a certification body's registry, an
 * accreditation in an accreditation body's) and records the event.  The
 * change reaches verifiers with the next `certseal status publish`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_registry.h"

/* --kid: which key's credential, under an accreditation number. */
typedef struct kid_option {
    uint8_t kid[CS_KID_SIZE];
    bool given;
} kid_option;

typedef struct change_options {
    cs_registry_action action; /* from the command's defaults */
    const char *registry;
    cs_registry_actor actor;
    kid_option kid;
} change_options;

static bool parse_kid(const char *option, const char *value, void *field)
{
    kid_option *k = field;
    if (strlen(value) != 2 * CS_KID_SIZE ||
        strspn(value, "0123456789abcdefABCDEF") != 2 * CS_KID_SIZE) {
        cli_usage_error("%s: '%.40s' is not a key id (16 hexadecimal digits, as certseal list "
                        "shows)",
                        option, value);
        return false;
    }
    for (size_t i = 0; i < CS_KID_SIZE; i++) {
        unsigned byte = 0;
        sscanf(value + 2 * i, "%2x", &byte);
        k->kid[i] = (uint8_t)byte;
    }
    k->given = true;
    return true;
}

static const cli_option OPTIONS[] = {
    CLI_OPTION("registry", 0, CLI_PATH, change_options, registry, "DB",
               "the registry that issued it"),
    CLI_OPTION("reason", 0, CLI_STRING, change_options, actor.reason, "TEXT",
               "why, recorded with the event"),
    CLI_OPTION("actor", 0, CLI_STRING, change_options, actor.name, "NAME",
               "who, recorded with the event (default: the login name)"),
    CLI_OPTION("kid", 0, CLI_CUSTOM, change_options, kid, "KID",
               "accreditation body: the credential of the certification body key\n"
               "KID, when the number holds several (certseal list shows them)",
               .parse = parse_kid),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    const change_options *o = options;

    (void)argc;
    if (o->registry == NULL)
        return cli_usage_error("--registry DB is required: the registry that issued it");
    if (argv[0][0] == '\0')
        return cli_usage_error("the number is empty");
    return cli_registry_check_actor(&o->actor) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

static int run(void *options, int argc, char **argv)
{
    const change_options *o = options;
    const char *number = argv[0];
    cs_registry_t *registry = NULL;
    cs_status now = CS_STATUS_VALID;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    (void)argc;
    if (!cli_registry_open(o->registry, 0, cli_command_name, &registry))
        return CLI_EXIT_FAILURE;
    err = cs_registry_change_status_of(registry, number, o->kid.given ? o->kid.kid : NULL,
                                       o->action, &o->actor, &now, detail, sizeof(detail));
    if (err == CS_ERR_ARGUMENT)
        cli_usage_error("%s: %s", number, cs_err_detail(detail, err));
    else if (err != CS_OK)
        cli_registry_report(number, err, detail);
    else
        fprintf(stderr,
                "certseal: %s: %s: now %s (run certseal status publish so that verifiers "
                "see it)\n",
                cli_command_name, number, cs_status_name(now));
    cs_registry_close(&registry);
    if (err == CS_ERR_ARGUMENT)
        return CLI_EXIT_USAGE;
    return err == CS_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

#define CHANGE_COMMAND(entry, command, verb, text)                                                 \
    static const change_options entry##_defaults = {.action = (verb)};                               \
    const cli_command entry = {                                                                    \
        .name = (command),                                                                         \
        .summary = "registry: " text,                                                              \
        .usage = "--registry DB [--reason TEXT] [--actor NAME] [--kid KID] NUMBER",                            \
        .description = "Changes the status: " text ".  NUMBER is a certificate number\n"             \
                       "(certification body registry) or an accreditation number (accreditation\n" \
                       "body registry).  The event is recorded with --actor and --reason;\n"       \
                       "publish the status list afterwards (certseal status publish) so that\n"   \
                       "verifiers see the change.\n",                                              \
        .options = OPTIONS,                                                                        \
        .options_size = sizeof(change_options),                                                    \
        .defaults = &entry##_defaults,                                                             \
        .args_min = 1,                                                                             \
        .args_max = 1,                                                                             \
        .args_help = "give exactly one certificate or accreditation number",                       \
        .check = check,                                                                            \
        .run = run,                                                                                \
    }

CHANGE_COMMAND(cmd_suspend_entry, "suspend", CS_REGISTRY_SUSPEND,
               "suspend a certificate or accreditation (reinstate undoes it)");
CHANGE_COMMAND(cmd_reinstate_entry, "reinstate", CS_REGISTRY_REINSTATE,
               "reinstate a suspended certificate or accreditation");
CHANGE_COMMAND(cmd_withdraw_entry, "withdraw", CS_REGISTRY_WITHDRAW,
               "withdraw a certificate or accreditation for good");
