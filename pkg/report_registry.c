/* SPDX-License-Identifier: ISC */
/* The text and JSON of an issuer registry (report_registry.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "certseal/report_registry.h"
#include "certseal/status.h"
#include "report_internal.h"

#define ESCAPED_SIZE(n) CS_REPORT_ESCAPED_SIZE(n)

/* exp is the day after the last valid day (DESIGN §3). */
static void last_day(int64_t expires, char out[CS_DATE_TEXT_SIZE])
{
    cs_date_format(expires - 1, out);
}

/* The key an entry belongs to: an AC's accredited CB key, else the key
 * that signed it; "-" when the registry does not know it. */
static const char *entry_key(const cs_registry_entry *e, char out[2 * CS_KID_SIZE + 1])
{
    const uint8_t *kid = e->has_key_kid ? e->key_kid : e->has_signer_kid ? e->signer_kid : NULL;
    if (kid == NULL)
        return "-";
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", kid[i]);
    return out;
}

/* ---- text ---------------------------------------------------------------------- */

static bool text_entry(void *ctx, const cs_registry_entry *e)
{
    FILE *f = ctx;
    char issued[CS_DATE_TEXT_SIZE], expires[CS_DATE_TEXT_SIZE];
    char number[ESCAPED_SIZE(CS_TEXT_MAX)], subject[ESCAPED_SIZE(CS_TEXT_MAX)],
        standard[ESCAPED_SIZE(CS_TEXT_MAX)], key[2 * CS_KID_SIZE + 1];

    cs_date_format(e->issued_at, issued);
    last_day(e->expires, expires);
    fprintf(f, "%-20s %3llu %8llu  %-10s %-16s %s %s  %s; %s\n",
            cs_report_escape(e->number, number, sizeof(number)), (unsigned long long)e->revision,
            (unsigned long long)e->status_index, cs_status_name(e->status), entry_key(e, key),
            issued, expires,
            e->subject != NULL ? cs_report_escape(e->subject, subject, sizeof(subject)) : "-",
            e->standard != NULL ? cs_report_escape(e->standard, standard, sizeof(standard)) : "-");
    return true;
}

static bool text_event(void *ctx, const cs_registry_event *ev)
{
    FILE *f = ctx;
    char at[CS_DATETIME_TEXT_SIZE];
    char number[ESCAPED_SIZE(CS_TEXT_MAX)], action[ESCAPED_SIZE(64)],
        actor[ESCAPED_SIZE(CS_TEXT_MAX)], reason[ESCAPED_SIZE(CS_TEXT_MAX)];

    cs_date_format_datetime(ev->at, at);
    fprintf(f, "%s  %-20s rev %llu  %-10s by %s%s%s\n", at,
            ev->number != NULL && ev->number[0] == '\0'
                ? "(registry)"
                : cs_report_escape(ev->number, number, sizeof(number)),
            (unsigned long long)ev->revision, cs_report_escape(ev->action, action, sizeof(action)),
            ev->actor != NULL ? cs_report_escape(ev->actor, actor, sizeof(actor)) : "-",
            ev->reason != NULL ? ": " : "",
            ev->reason != NULL ? cs_report_escape(ev->reason, reason, sizeof(reason)) : "");
    return true;
}

cs_err cs_report_registry_text(cs_registry_t *registry, unsigned flags, char **out)
{
    cs_report_text t;
    char *text = NULL;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (registry == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = cs_report_text_start(&t)) != CS_OK)
        return err;
    fprintf(t.f, "%-20s %3s %8s  %-10s %-16s %-10s %-10s  %s\n", "NUMBER", "REV", "INDEX", "STATUS",
            cs_registry_role_of(registry) == CS_REGISTRY_ROLE_AB ? "CB KEY" : "SIGNED BY", "ISSUED",
            "EXPIRES", "SUBJECT; STANDARD");
    err = cs_registry_each_entry(registry, text_entry, t.f);
    if (err == CS_OK && (flags & CS_REPORT_HISTORY)) {
        fprintf(t.f, "\nhistory:\n");
        err = cs_registry_each_event(registry, NULL, text_event, t.f);
    }
    if (cs_report_text_finish(&t, &text) != CS_OK && err == CS_OK)
        err = CS_ERR_NO_MEMORY;
    if (err != CS_OK)
        free(text);
    else
        *out = text;
    return err;
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
    char key[2 * CS_KID_SIZE + 1];
    /* An AC's CB key, or the key that signed a certificate. */
    if (o != NULL &&
        json_object_set_new(
            o, "key", strcmp(entry_key(e, key), "-") == 0 ? json_null() : json_string(key)) != 0) {
        json_decref(o);
        o = NULL;
    }
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

cs_err cs_report_registry_json(cs_registry_t *registry, char **out)
{
    json_list entries = {json_array(), false}, events = {json_array(), false};
    json_t *root = NULL;
    cs_err err = CS_ERR_ARGUMENT;

    if (out != NULL)
        *out = NULL;
    if (registry == NULL || out == NULL)
        goto fail;
    err = CS_ERR_NO_MEMORY;
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
    if (root == NULL)
        goto fail;
    *out = cs_report_json_dump(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    root = NULL;
    err = *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
fail:
    json_decref(root);
    json_decref(entries.array);
    json_decref(events.array);
    return err;
}

cs_err cs_report_issued_json(const cs_registry_entry *entry, char **out)
{
    json_t *o;
    char *line;
    size_t len;

    if (out != NULL)
        *out = NULL;
    if (entry == NULL || entry->number == NULL || entry->token == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if ((o = json_pack("{s:s, s:s}", "number", entry->number, "token", entry->token)) == NULL)
        return CS_ERR_NO_MEMORY;
    if ((line = cs_report_json_dump(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
        return CS_ERR_NO_MEMORY;
    len = strlen(line);
    if ((*out = realloc(line, len + 2)) == NULL) {
        free(line);
        return CS_ERR_NO_MEMORY;
    }
    memcpy(*out + len, "\n", 2);
    return CS_OK;
}
