/* SPDX-License-Identifier: ISC */
/* certseal status publish | show: signs and writes the registry's status
 * list, or shows what a status list file holds (decoded, not verified). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_registry.h"

#define DEFAULT_TTL 43200u    /* 12 hours */
#define DEFAULT_VALID_DAYS 7u /* a week */
#define TTL_MAX (366u * CS_SECONDS_PER_DAY)
#define VALID_DAYS_MAX 366u

typedef struct publish_options {
    const char *registry, *out;
    uint64_t ttl, valid_days;
    cli_passphrase_source passphrase;
} publish_options;

static bool decode_file(const char *path, cs_status_token *token)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    cs_err err;

    if (!cli_read_input(path, CS_STATUS_TOKEN_MAX, &data, &len))
        return false;
    err = cs_status_token_decode(data, len, token, detail, sizeof(detail));
    free(data);
    if (err != CS_OK)
        cli_error("%s: not a status list token: %s (give the file certseal status publish "
                  "wrote)",
                  name, cs_err_detail(detail, err));
    return err == CS_OK;
}

/* ---- publish --------------------------------------------------------------------- */

static int run_publish(void *options, int argc, char **argv)
{
    const publish_options *o = options;
    cs_registry_t *registry = NULL;
    cs_key_t *key = NULL;
    cs_status_token token = {0};
    cs_status_counts counts;
    char detail[CS_DETAIL_SIZE] = "", until[CS_DATETIME_TEXT_SIZE];
    int status;
    cs_err err;

    (void)argc, (void)argv;
    status = CLI_EXIT_FAILURE;
    if (!cli_registry_open(o->registry, 0, "publish", &registry) ||
        !cli_registry_load_key(registry, o->registry, &o->passphrase, &key))
        goto fail;
    err = cs_registry_publish(registry, key, o->out, (int64_t)time(NULL),
                              (int64_t)(o->valid_days * CS_SECONDS_PER_DAY), o->ttl, detail,
                              sizeof(detail));
    if (err == CS_ERR_IO_WRITE || err == CS_ERR_IO_OPEN) {
        cli_error("%s: cannot write the status list: %s (check the folder exists and is "
                  "writable)",
                  o->out, cs_err_detail(detail, err));
        goto fail;
    }
    if (err != CS_OK) {
        cli_registry_report(o->registry, err, detail);
        goto fail;
    }
    /* Read back what was written: the counts, and a check that it decodes. */
    if (!decode_file(o->out, &token))
        goto fail;
    cs_status_list_count(token.list, &counts);
    cs_date_format_datetime(token.expires, until);
    fprintf(stderr,
            "certseal: status: %s: %zu entries for %s, valid until %s: %zu suspended, %zu "
            "withdrawn, %zu superseded\n",
            o->out, cs_status_list_entries(token.list), token.uri, until,
            counts.of[CS_STATUS_SUSPENDED], counts.of[CS_STATUS_WITHDRAWN],
            counts.of[CS_STATUS_SUPERSEDED]);
    status = CLI_EXIT_OK;
fail:
    cs_status_token_clear(&token);
    cs_key_free(&key);
    cs_registry_close(&registry);
    return status;
}

/* ---- show ------------------------------------------------------------------------ */

static int run_show(void *options, int argc, char **argv)
{
    cs_status_token token = {0};
    uint64_t index = 0;
    char *text = NULL;
    int status = CLI_EXIT_FAILURE;

    (void)options;
    if (argc == 2 && !cli_parse_uint("INDEX", argv[1], CS_STATUS_LIST_MAX, &index))
        return CLI_EXIT_USAGE;
    if (!decode_file(argv[0], &token))
        goto fail;
    if (cs_report_status_text(&token, argc == 2, index, &text) == CS_ERR_ARGUMENT)
        cli_error("%s: index %llu is outside the list of %zu entries (give an index below %zu)",
                  argv[0], (unsigned long long)index, cs_status_list_entries(token.list),
                  cs_status_list_entries(token.list));
    else if (text == NULL)
        cli_error("out of memory");
    else
        status = cli_print_rendering(text, false);
fail:
    free(text);
    cs_status_token_clear(&token);
    return status;
}

static int check_publish(void *options, int argc, char **argv)
{
    const publish_options *o = options;

    (void)argc, (void)argv;
    if (o->registry == NULL)
        return cli_usage_error("--registry DB is required: the registry whose list to publish");
    if (o->out == NULL || strcmp(o->out, "-") == 0)
        return cli_usage_error("--out FILE is required: the file the web server serves at the "
                               "status URI");
    if (o->ttl > o->valid_days * CS_SECONDS_PER_DAY)
        return cli_usage_error("--ttl %llu is longer than the list is valid (--valid-for %llu "
                               "days); lower it",
                               (unsigned long long)o->ttl, (unsigned long long)o->valid_days);
    return CLI_EXIT_OK;
}

static const cli_option PUBLISH_OPTIONS[] = {
    CLI_OPTION("registry", 0, CLI_PATH, publish_options, registry, "DB",
               "the registry whose list to publish"),
    CLI_OPTION("out", 'o', CLI_PATH, publish_options, out, "FILE",
               "the file the web server serves at the status URI"),
    CLI_OPTION("ttl", 0, CLI_UNSIGNED, publish_options, ttl, "SECONDS",
               "how long readers may cache it (default 43200, 12 hours)", .min = 1,
               .max = TTL_MAX),
    CLI_OPTION("valid-for", 0, CLI_UNSIGNED, publish_options, valid_days, "DAYS",
               "its expiry, counted from now (default 7); publish again\n"
               "well before it passes",
               .min = 1, .max = VALID_DAYS_MAX),
    CLI_PASSPHRASE_OPTIONS(publish_options, passphrase, "the key's passphrase"),
    {0},
};

static const publish_options PUBLISH_DEFAULTS = {.ttl = DEFAULT_TTL,
                                                 .valid_days = DEFAULT_VALID_DAYS,
                                                 .passphrase = CLI_PASSPHRASE_SOURCE_INIT};

static const cli_command PUBLISH = {
    .name = "publish",
    .usage = "publish --registry DB --out FILE [--ttl SECONDS]\n"
             "           [--valid-for DAYS] [--passphrase-file FILE | --passphrase-fd N]\n"
             "           [--pin-file FILE | --pin-fd N]",
    .description = "Signs the status list of everything the registry issued with the\n"
                   "registry's key and writes it to FILE atomically (a reader sees the old\n"
                   "list or the new one, never part of one).  Serve FILE at the registry's\n"
                   "status URI.\n",
    .options = PUBLISH_OPTIONS,
    .options_size = sizeof(publish_options),
    .defaults = &PUBLISH_DEFAULTS,
    .check = check_publish,
    .run = run_publish,
};

static const cli_command SHOW = {
    .name = "show",
    .usage = "show FILE|- [INDEX]",
    .description = "Decodes a status list WITHOUT verifying its signature and prints its URI,\n"
                   "dates, ttl, size and how many entries have each status; with INDEX, the\n"
                   "status at that index.\n",
    .args_min = 1,
    .args_max = 2,
    .args_help = "give a status list file (or - for standard input) and optionally an INDEX",
    .run = run_show,
};

const cli_command cmd_status_entry = {
    .name = "status",
    .summary = "publish the registry's signed status list, or show one",
    .usage = "publish --registry DB --out FILE [--ttl SECONDS]\n"
             "           [--valid-for DAYS] [--passphrase-file FILE | --passphrase-fd N]\n"
             "           [--pin-file FILE | --pin-fd N]\n"
             "show FILE|- [INDEX]",
    .description = "publish  signs the status list of everything the registry issued and writes\n"
                   "         it to FILE atomically; serve FILE at the registry's status URI.\n"
                   "show     decodes a status list WITHOUT verifying its signature and prints\n"
                   "         its URI, dates, ttl, size and counts; with INDEX, that entry.\n",
    .args_help = "give publish or show",
    .subcommands = (const cli_command *const[]){&PUBLISH, &SHOW, NULL},
};
