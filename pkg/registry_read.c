/* SPDX-License-Identifier: ISC */
/*
 * Reading the registry: one entry, every entry, the event log.
 */
#include <stdlib.h>
#include <string.h>

#include "registry_db.h"

#define ENTRY_COLUMNS                                                                              \
    "number, revision, status_index, status, subject, standard, issued_at, expires, "              \
    "recorded_at, token, key_kid, signer_kid, current"

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
static bool copy_text(sqlite3_stmt *stmt, int column, char **out)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    *out = NULL;
    if (text == NULL)
        return sqlite3_column_type(stmt, column) == SQLITE_NULL;
    return (*out = strdup((const char *)text)) != NULL;
}

static cs_err read_entry(sqlite3_stmt *stmt, cs_registry_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->revision = (uint64_t)sqlite3_column_int64(stmt, 1);
    e->status_index = (uint64_t)sqlite3_column_int64(stmt, 2);
    e->status = (cs_status)sqlite3_column_int(stmt, 3);
    e->issued_at = sqlite3_column_int64(stmt, 6);
    e->expires = sqlite3_column_int64(stmt, 7);
    e->recorded_at = sqlite3_column_int64(stmt, 8);
    if (sqlite3_column_bytes(stmt, 10) == CS_KID_SIZE) {
        memcpy(e->key_kid, sqlite3_column_blob(stmt, 10), CS_KID_SIZE);
        e->has_key_kid = true;
    }
    if (sqlite3_column_bytes(stmt, 11) == CS_KID_SIZE) {
        memcpy(e->signer_kid, sqlite3_column_blob(stmt, 11), CS_KID_SIZE);
        e->has_signer_kid = true;
    }
    e->current = sqlite3_column_int(stmt, 12) == 1;
    if (!copy_text(stmt, 0, &e->number) || !copy_text(stmt, 4, &e->subject) ||
        !copy_text(stmt, 5, &e->standard) || !copy_text(stmt, 9, &e->token)) {
        cs_registry_entry_clear(e);
        return CS_ERR_NO_MEMORY;
    }
    return CS_OK;
}

static cs_err read_event(sqlite3_stmt *stmt, cs_registry_event *e)
{
    memset(e, 0, sizeof(*e));
    e->at = sqlite3_column_int64(stmt, 0);
    e->revision = (uint64_t)sqlite3_column_int64(stmt, 2);
    if (!copy_text(stmt, 1, &e->number) || !copy_text(stmt, 3, &e->action) ||
        !copy_text(stmt, 4, &e->actor) || !copy_text(stmt, 5, &e->reason)) {
        cs_registry_event_clear(e);
        return CS_ERR_NO_MEMORY;
    }
    return CS_OK;
}

static cs_err prepare(cs_registry_t *registry, const char *sql, sqlite3_stmt **stmt)
{
    int rc = sqlite3_prepare_v2(registry->db, sql, -1, stmt, NULL);
    if (rc == SQLITE_OK)
        return CS_OK;
    return registry_sql_error(registry, rc, "reading the registry", NULL, 0);
}

cs_err cs_registry_get(cs_registry_t *registry, const char *number, cs_registry_entry *entry)
{
    static const char sql[] = "SELECT " ENTRY_COLUMNS " FROM objects "
                              "WHERE number = ?1 AND current = 1 ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *stmt = NULL;
    cs_err err;
    int rc;

    if (registry == NULL || number == NULL || entry == NULL)
        return CS_ERR_ARGUMENT;
    memset(entry, 0, sizeof(*entry));
    if ((err = prepare(registry, sql, &stmt)) != CS_OK)
        return err;
    sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        err = read_entry(stmt, entry);
    else if (rc == SQLITE_DONE)
        err = CS_ERR_REGISTRY_NOT_FOUND;
    else
        err = registry_sql_error(registry, rc, "reading the registry", NULL, 0);
    sqlite3_finalize(stmt);
    return err;
}

cs_err cs_registry_each_entry(cs_registry_t *registry,
                              bool (*fn)(void *ctx, const cs_registry_entry *entry), void *ctx)
{
    static const char sql[] = "SELECT " ENTRY_COLUMNS " FROM objects ORDER BY id";
    sqlite3_stmt *stmt = NULL;
    cs_err err;
    int rc;

    if (registry == NULL || fn == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = prepare(registry, sql, &stmt)) != CS_OK)
        return err;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cs_registry_entry entry;
        if ((err = read_entry(stmt, &entry)) != CS_OK)
            break;
        bool more = fn(ctx, &entry);
        cs_registry_entry_clear(&entry);
        if (!more)
            break;
    }
    if (err == CS_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = registry_sql_error(registry, rc, "reading the registry", NULL, 0);
    sqlite3_finalize(stmt);
    return err;
}

cs_err cs_registry_each_event(cs_registry_t *registry, const char *number,
                              bool (*fn)(void *ctx, const cs_registry_event *event), void *ctx)
{
    static const char sql[] = "SELECT at, number, revision, action, actor, reason FROM events "
                              "WHERE ?1 IS NULL OR number = ?1 ORDER BY id";
    sqlite3_stmt *stmt = NULL;
    cs_err err;
    int rc;

    if (registry == NULL || fn == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = prepare(registry, sql, &stmt)) != CS_OK)
        return err;
    if (number != NULL)
        sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cs_registry_event event;
        if ((err = read_event(stmt, &event)) != CS_OK)
            break;
        bool more = fn(ctx, &event);
        cs_registry_event_clear(&event);
        if (!more)
            break;
    }
    if (err == CS_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = registry_sql_error(registry, rc, "reading the registry", NULL, 0);
    sqlite3_finalize(stmt);
    return err;
}
