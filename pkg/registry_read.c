/* SPDX-License-Identifier: ISC */
/*
 * Reading the registry: one entry, every entry, the event log.
 */
#include <stdlib.h>
#include <string.h>

#include "registry_db.h"

void cs_registry_entry_clear(cs_registry_entry *entry)
{
    if (entry == NULL)
        return;
    free(entry->number);
    free(entry->subject);
    free(entry->standard);
    free(entry->token);
    memset(entry, 0, sizeof(*entry));
}

void cs_registry_event_clear(cs_registry_event *event)
{
    if (event == NULL)
        return;
    free(event->number);
    free(event->action);
    free(event->actor);
    free(event->reason);
    memset(event, 0, sizeof(*event));
}

/* A copy of a text column; NULL stays NULL.  false when out of memory. */
static bool copy_text(registry_query *q, int column, char **out)
{
    const char *text = sql_column_text(q, column);
    *out = NULL;
    if (text == NULL)
        return true;
    return (*out = strdup(text)) != NULL;
}

static bool copy_kid(registry_query *q, int column, uint8_t kid[CS_KID_SIZE])
{
    size_t len = 0;
    const uint8_t *blob = sql_column_blob(q, column, &len);
    if (blob == NULL || len != CS_KID_SIZE)
        return false;
    memcpy(kid, blob, CS_KID_SIZE);
    return true;
}

/* The columns of SQL_GET_ENTRY and SQL_EACH_ENTRY. */
static cs_err read_entry(registry_query *q, cs_registry_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->revision = (uint64_t)sql_column_int64(q, 1);
    e->status_index = (uint64_t)sql_column_int64(q, 2);
    e->status = (cs_status)sql_column_int64(q, 3);
    e->issued_at = sql_column_int64(q, 6);
    e->expires = sql_column_int64(q, 7);
    e->recorded_at = sql_column_int64(q, 8);
    e->has_key_kid = copy_kid(q, 10, e->key_kid);
    e->has_signer_kid = copy_kid(q, 11, e->signer_kid);
    e->current = sql_column_int64(q, 12) == 1;
    if (!copy_text(q, 0, &e->number) || !copy_text(q, 4, &e->subject) ||
        !copy_text(q, 5, &e->standard) || !copy_text(q, 9, &e->token)) {
        cs_registry_entry_clear(e);
        return CS_ERR_NO_MEMORY;
    }
    return CS_OK;
}

static cs_err read_event(registry_query *q, cs_registry_event *e)
{
    memset(e, 0, sizeof(*e));
    e->at = sql_column_int64(q, 0);
    e->revision = (uint64_t)sql_column_int64(q, 2);
    if (!copy_text(q, 1, &e->number) || !copy_text(q, 3, &e->action) ||
        !copy_text(q, 4, &e->actor) || !copy_text(q, 5, &e->reason)) {
        cs_registry_event_clear(e);
        return CS_ERR_NO_MEMORY;
    }
    return CS_OK;
}

cs_err cs_registry_get(cs_registry_t *registry, const char *number, cs_registry_entry *entry)
{
    registry_query *q = NULL;
    bool row = false;
    cs_err err;

    if (registry == NULL || number == NULL || entry == NULL)
        return CS_ERR_ARGUMENT;
    memset(entry, 0, sizeof(*entry));
    if ((err = registry_prepare(registry, SQL_GET_ENTRY, &q, NULL, 0)) != CS_OK)
        return err;
    sql_bind_text(q, 1, number);
    if ((err = sql_step(q, &row, "reading the registry", NULL, 0)) == CS_OK)
        err = row ? read_entry(q, entry) : CS_ERR_REGISTRY_NOT_FOUND;
    sql_reset(q);
    return err;
}

cs_err cs_registry_each_entry(cs_registry_t *registry,
                              bool (*fn)(void *ctx, const cs_registry_entry *entry), void *ctx)
{
    registry_query *q = NULL;
    bool row = false;
    cs_err err;

    if (registry == NULL || fn == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = registry_prepare(registry, SQL_EACH_ENTRY, &q, NULL, 0)) != CS_OK)
        return err;
    while ((err = sql_step(q, &row, "reading the registry", NULL, 0)) == CS_OK && row) {
        cs_registry_entry entry;
        if ((err = read_entry(q, &entry)) != CS_OK)
            break;
        bool more = fn(ctx, &entry);
        cs_registry_entry_clear(&entry);
        if (!more)
            break;
    }
    sql_reset(q);
    return err;
}

cs_err cs_registry_each_event(cs_registry_t *registry, const char *number,
                              bool (*fn)(void *ctx, const cs_registry_event *event), void *ctx)
{
    registry_query *q = NULL;
    bool row = false;
    cs_err err;

    if (registry == NULL || fn == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = registry_prepare(registry, SQL_EACH_EVENT, &q, NULL, 0)) != CS_OK)
        return err;
    sql_bind_text(q, 1, number);
    while ((err = sql_step(q, &row, "reading the registry", NULL, 0)) == CS_OK && row) {
        cs_registry_event event;
        if ((err = read_event(q, &event)) != CS_OK)
            break;
        bool more = fn(ctx, &event);
        cs_registry_event_clear(&event);
        if (!more)
            break;
    }
    sql_reset(q);
    return err;
}
