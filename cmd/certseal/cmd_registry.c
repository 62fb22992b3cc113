/* SPDX-License-Identifier: ISC */
/* certseal registry migrate: moves a registry between a file and a
 * PostgreSQL database (either way), with a check that both sides agree. */
#include <stdio.h>
#include <string.h>

#include "cli_registry.h"

typedef struct migrate_options {
    const char *from, *to;
} migrate_options;

static const cli_option MIGRATE_OPTIONS[] = {
    CLI_OPTION("from", 0, CLI_PATH, migrate_options, from, "DB",
               "the registry to copy: a file or a postgresql:// URI; it is only read"),
    CLI_OPTION("to", 0, CLI_PATH, migrate_options, to, "DB",
               "where the copy goes: a new file, or a PostgreSQL database (URI) whose\n"
               "schema holds no registry yet"),
    {0},
};

static int check_migrate(void *options, int argc, char **argv)
{
    const migrate_options *o = options;

    (void)argc, (void)argv;
    if (o->from == NULL || o->to == NULL)
        return cli_usage_error("--from DB and --to DB are both required: the registry to copy "
                               "and where the copy goes");
    if (strcmp(o->from, o->to) == 0)
        return cli_usage_error("--from and --to name the same registry; give a new place");
    return CLI_EXIT_OK;
}

static void print_tally(const char *side, const char *location, const cs_registry_tally *t)
{
    char shown[1024];

    cs_registry_location_redact(location, shown, sizeof(shown));
    printf("%-6s %s\n       settings %llu, objects %llu, events %llu, retired keys %llu\n"
           "       sha256 ",
           side, shown, (unsigned long long)t->settings, (unsigned long long)t->objects,
           (unsigned long long)t->events, (unsigned long long)t->retired_keys);
    for (size_t i = 0; i < sizeof(t->digest); i++)
        printf("%02x", t->digest[i]);
    printf("\n");
}

static int run_migrate(void *options, int argc, char **argv)
{
    const migrate_options *o = options;
    cs_registry_tally source, target;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    (void)argc, (void)argv;
    err = cs_registry_migrate(o->from, o->to, &source, &target, detail, sizeof(detail));
    if (err != CS_OK) {
        /* Which side failed: the source opens first. */
        cli_registry_report(err == CS_ERR_REGISTRY_EXISTS || err == CS_ERR_REGISTRY_MIGRATE_MISMATCH
                                ? o->to
                                : o->from,
                            err, detail);
        return CLI_EXIT_FAILURE;
    }
    print_tally("from", o->from, &source);
    print_tally("to", o->to, &target);
    printf("agree: the same rows of settings, objects, events and retired keys, in id order\n");
    return CLI_EXIT_OK;
}

static const cli_command MIGRATE = {
    .name = "migrate",
    .usage = "migrate --from DB --to DB",
    .description =
        "Copies the registry at --from (its settings, every issued object, the event log\n"
        "and the key history, ids included) to a new registry at --to, in one\n"
        "transaction on the target, from one snapshot of the source.  Either side is a\n"
        "file (SQLite) or a postgresql:// URI.  Before the copy commits, both sides are\n"
        "counted and hashed (SHA-256 over every row in id order) and must agree; it\n"
        "prints what it compared.  A target that holds a registry is refused.\n",
    .options = MIGRATE_OPTIONS,
    .options_size = sizeof(migrate_options),
    .check = check_migrate,
    .run = run_migrate,
};

const cli_command cmd_registry_entry = {
    .name = "registry",
    .summary = "move a registry between a file and a PostgreSQL database",
    .usage = "migrate --from DB --to DB",
    .description = "migrate  copies a registry to a new place (file or PostgreSQL, either way)\n"
                   "         and checks that both sides agree.\n",
    .args_help = "give migrate",
    .subcommands = (const cli_command *const[]){&MIGRATE, NULL},
};
