/* SPDX-License-Identifier: ISC */
/* certseal list: what a registry issued, with its status, and with
 * --history (or --json) the event log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* The last valid day of an expiry instant (the next midnight). */
static void last_day(int64_t expires, char out[CS_DATE_TEXT_SIZE])
{
    cs_date_format(expires - 1, out);
}

/* ---- text ---------------------------------------------------------------------- */

static bool print_entry(void *ctx, const cs_registry_entry *e)
{
    char issued[CS_DATE_TEXT_SIZE], expires[CS_DATE_TEXT_SIZE];
    char number[CLI_ESCAPED_SIZE(CS_TEXT_MAX)], subject[CLI_ESCAPED_SIZE(CS_TEXT_MAX)],
        standard[CLI_ESCAPED_SIZE(CS_TEXT_MAX)];
    (void)ctx;
    cs_date_format(e->issued_at, issued);
    last_day(e->expires, expires);
    printf("%-20s %3llu %8llu  %-10s %s %s  %s; %s\n", cli_escape(e->number, number, sizeof(number)),
           (unsigned long long)e->revision, (unsigned long long)e->status_index,
           cs_status_name(e->status), issued, expires,
           e->subject != NULL ? cli_escape(e->subject, subject, sizeof(subject)) : "-",
           e->standard != NULL ? cli_escape(e->standard, standard, sizeof(standard)) : "-");
    return true;
}

static bool print_event(void *ctx, const cs_registry_event *ev)
{
    char at[CS_DATETIME_TEXT_SIZE];
    char number[CLI_ESCAPED_SIZE(CS_TEXT_MAX)], action[CLI_ESCAPED_SIZE(64)],
        actor[CLI_ESCAPED_SIZE(CS_TEXT_MAX)], reason[CLI_ESCAPED_SIZE(CS_TEXT_MAX)];
    (void)ctx;
    cs_date_format_datetime(ev->at, at);
    printf("%s  %-20s rev %llu  %-10s by %s%s%s\n", at, cli_escape(ev->number, number, sizeof(number)),
           (unsigned long long)ev->revision, cli_escape(ev->action, action, sizeof(action)),
           ev->actor != NULL ? cli_escape(ev->actor, actor, sizeof(actor)) : "-",
           ev->reason != NULL ? ": " : "",
           ev->reason != NULL ? cli_escape(ev->reason, reason, sizeof(reason)) : "");
    return true;
}

static cs_err list_text(cs_registry_t *registry, const list_options *o)
{
    cs_err err;
    printf("%-20s %3s %8s  %-10s %-10s %-10s  %s\n", "NUMBER", "REV", "INDEX", "STATUS", "ISSUED",
           "EXPIRES", "SUBJECT; STANDARD");
    if ((err = cs_registry_each_entry(registry, print_entry, NULL)) != CS_OK || !o->history)
        return err;
    printf("\nhistory:\n");
    return cs_registry_each_event(registry, NULL, print_event, NULL);
}

/* ---- JSON ---------------------------------------------------------------------- */

typedef struct json_list {
    json_t *array;
    bool failed;
} json_list;

static json_t *json_text_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *json_datetime(int64_t t)
{
    char text[CS_DATETIME_TEXT_SIZE];
    cs_date_format_datetime(t, text);
    return json_string(text);
}

static bool json_entry(void *ctx, const cs_registry_entry *e)
{
    json_list *list = ctx;
    char issued[CS_DATE_TEXT_SIZE], expires[CS_DATE_TEXT_SIZE];
    cs_date_format(e->issued_at, issued);
    last_day(e->expires, expires);
    json_t *o =
        json_pack("{s:o, s:I, s:I, s:s, s:o, s:o, s:s, s:s, s:o, s:o}", "number",
                  json_text_or_null(e->number), "revision", (json_int_t)e->revision, "status_index",
                  (json_int_t)e->status_index, "status", cs_status_name(e->status), "subject",
                  json_text_or_null(e->subject), "standard", json_text_or_null(e->standard),
                  "issued", issued, "expires", expires, "recorded", json_datetime(e->recorded_at),
                  "token", json_text_or_null(e->token));
    if (o == NULL || json_array_append_new(list->array, o) != 0)
        list->failed = true;
    return !list->failed;
}

static bool json_event(void *ctx, const cs_registry_event *ev)
{
    json_list *list = ctx;
    json_t *o = json_pack("{s:o, s:o, s:I, s:o, s:o, s:o}", "at", json_datetime(ev->at), "number",
                          json_text_or_null(ev->number), "revision", (json_int_t)ev->revision,
                          "action", json_text_or_null(ev->action), "actor",
                          json_text_or_null(ev->actor), "reason", json_text_or_null(ev->reason));
    if (o == NULL || json_array_append_new(list->array, o) != 0)
        list->failed = true;
    return !list->failed;
}

static cs_err list_json(cs_registry_t *registry)
{
    json_list entries = {json_array(), false}, events = {json_array(), false};
    json_t *root = NULL;
    char *text = NULL;
    cs_err err = CS_ERR_NO_MEMORY;

    if (entries.array == NULL || events.array == NULL)
        goto fail;
    if ((err = cs_registry_each_entry(registry, json_entry, &entries)) != CS_OK ||
        (err = cs_registry_each_event(registry, NULL, json_event, &events)) != CS_OK)
        goto fail;
    err = CS_ERR_NO_MEMORY;
    if (entries.failed || events.failed)
        goto fail;
    root = json_pack("{s:s, s:s, s:o, s:I, s:O, s:O}", "role",
                     cs_registry_role_name(cs_registry_role_of(registry)), "status_uri",
                     cs_registry_status_uri(registry), "link_base",
                     json_text_or_null(cs_registry_link_base(registry)), "list_entries",
                     (json_int_t)cs_registry_list_entries(registry), "entries", entries.array,
                     "events", events.array);
    if (root == NULL || (text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL ||
        cs_text_escape_json(&text) != CS_OK)
        goto fail;
    puts(text);
    err = CS_OK;
fail:
    free(text);
    json_decref(root);
    json_decref(entries.array);
    json_decref(events.array);
    return err;
}

static int run(void *options, int argc, char **argv)
{
    const list_options *o = options;
    cs_registry_t *registry = NULL;
    int status;
    cs_err err;

    (void)argc, (void)argv;
    if (!cli_registry_open(o->registry, 0, "list", &registry))
        return CLI_EXIT_FAILURE;
    err = o->json ? list_json(registry) : list_text(registry, o);
    status = err == CS_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
    if (err != CS_OK)
        cli_registry_report(o->registry, err, NULL);
    else if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("standard output: cannot write: %s", strerror(errno));
        status = CLI_EXIT_FAILURE;
    }
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
