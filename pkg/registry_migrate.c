/* SPDX-License-Identifier: ISC */
/*
 * Moving a registry from one place to another (a file to PostgreSQL, or
 * back): every row of every table, ids included, copied through the SQL
 * layer (registry_sql.h) so that either engine is either side.  The
 * target is created, filled and checked in one transaction; the source is
 * read from one snapshot.
 */
#include <stdio.h>
#include <string.h>

#include "registry_db.h"

/* The tables in the order they are copied and tallied. */
static const struct table {
    const char *name;
    registry_sql_id dump, load;
    int columns;
} tables[] = {
    {"settings", SQL_DUMP_SETTINGS, SQL_LOAD_SETTINGS_ROW, 9},
    {"objects", SQL_DUMP_OBJECTS, SQL_LOAD_OBJECT, 15},
    {"events", SQL_DUMP_EVENTS, SQL_LOAD_EVENT, 7},
    {"retired_keys", SQL_DUMP_RETIRED, SQL_LOAD_RETIRED, 5},
};
#define TABLE_COUNT (sizeof(tables) / sizeof(tables[0]))

static void put_u64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

/* One value into the digest: its type, then (integer) 8 bytes, or (text,
 * blob) 8 bytes of length and the bytes. */
static cs_err hash_value(cs_crypto_digest *digest, registry_query *q, int column)
{
    registry_sql_type type = sql_column_type(q, column);
    uint8_t head[9] = {(uint8_t)type};
    const uint8_t *bytes = NULL;
    size_t len = 0;
    cs_err err;

    if (type == REGISTRY_SQL_INTEGER)
        put_u64(head + 1, (uint64_t)sql_column_int64(q, column));
    else if (type == REGISTRY_SQL_TEXT || type == REGISTRY_SQL_BLOB)
        put_u64(head + 1, (bytes = sql_column_blob(q, column, &len)) != NULL ? len : 0);
    if ((err = cs_crypto_sha256_update(digest, head, type == REGISTRY_SQL_NULL ? 1 : 9)) != CS_OK)
        return err;
    return bytes != NULL ? cs_crypto_sha256_update(digest, bytes, len) : CS_OK;
}

/* The tally of the registry as its current transaction sees it. */
static cs_err tally(cs_registry_t *r, cs_registry_tally *out, char *detail, size_t size)
{
    uint64_t *counts[TABLE_COUNT] = {&out->settings, &out->objects, &out->events,
                                     &out->retired_keys};
    cs_crypto_digest *digest = NULL;
    registry_query *q = NULL;
    cs_err err;

    memset(out, 0, sizeof(*out));
    if ((err = cs_crypto_sha256_begin(&digest)) != CS_OK)
        return err;
    for (size_t t = 0; t < TABLE_COUNT && err == CS_OK; t++) {
        bool row = false;
        if ((err = cs_crypto_sha256_update(digest, tables[t].name, strlen(tables[t].name) + 1)) !=
                CS_OK ||
            (err = registry_prepare(r, tables[t].dump, &q, detail, size)) != CS_OK)
            break;
        while ((err = sql_step(q, &row, "reading the registry", detail, size)) == CS_OK && row) {
            (*counts[t])++;
            for (int c = 0; c < tables[t].columns && err == CS_OK; c++)
                err = hash_value(digest, q, c);
            if (err != CS_OK)
                break;
        }
        sql_reset(q);
    }
    if (err != CS_OK) {
        (void)cs_crypto_sha256_finish(&digest, NULL);
        return err;
    }
    return cs_crypto_sha256_finish(&digest, out->digest);
}

/* Binds column c of the source row to parameter c + 1 of the target's. */
static void bind_same(registry_query *to, registry_query *from, int c)
{
    const uint8_t *bytes;
    size_t len = 0;

    switch (sql_column_type(from, c)) {
    case REGISTRY_SQL_INTEGER:
        sql_bind_int64(to, c + 1, sql_column_int64(from, c));
        break;
    case REGISTRY_SQL_TEXT:
        bytes = sql_column_blob(from, c, &len);
        sql_bind_text_len(to, c + 1, (const char *)bytes, len);
        break;
    case REGISTRY_SQL_BLOB:
        bytes = sql_column_blob(from, c, &len);
        sql_bind_blob(to, c + 1, bytes, len);
        break;
    case REGISTRY_SQL_NULL:
        to->engine->bind_null(to, c + 1);
        break;
    }
}

static cs_err copy_table(cs_registry_t *from, cs_registry_t *to, const struct table *t,
                         char *detail, size_t size)
{
    registry_query *src = NULL, *dst = NULL;
    bool row = false;
    char doing[64];
    cs_err err;

    snprintf(doing, sizeof(doing), "copying %s", t->name);
    if ((err = registry_prepare(from, t->dump, &src, detail, size)) != CS_OK)
        return err;
    while ((err = sql_step(src, &row, doing, detail, size)) == CS_OK && row) {
        if ((err = registry_prepare(to, t->load, &dst, detail, size)) != CS_OK)
            break;
        for (int c = 0; c < t->columns; c++)
            bind_same(dst, src, c);
        if ((err = registry_run_bound(dst, doing, detail, size)) != CS_OK)
            break;
    }
    sql_reset(src);
    return err;
}

typedef struct migration {
    cs_registry_t *from;
    cs_registry_tally source, target;
} migration;

/* Inside the transaction that creates the target: the copy, then the
 * check that it agrees with the source. */
static cs_err copy_all(void *ctx, cs_registry_t *to, char *detail, size_t size)
{
    migration *m = ctx;
    registry_query *q = NULL;
    bool row = false;
    cs_err err = CS_OK;

    for (size_t t = 0; t < TABLE_COUNT && err == CS_OK; t++)
        err = copy_table(m->from, to, &tables[t], detail, size);
    if (err != CS_OK || (err = registry_prepare(to, SQL_AFTER_LOAD, &q, detail, size)) != CS_OK)
        return err;
    err = sql_step(q, &row, "continuing the ids", detail, size);
    sql_reset(q);
    if (err != CS_OK || (err = tally(to, &m->target, detail, size)) != CS_OK)
        return err;
    if (memcmp(&m->source, &m->target, sizeof(m->source)) != 0)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_MIGRATE_MISMATCH,
                              "the copy does not agree with the source (objects %llu and %llu, "
                              "events %llu and %llu, or the rows' digest differ); nothing was "
                              "written",
                              (unsigned long long)m->source.objects,
                              (unsigned long long)m->target.objects,
                              (unsigned long long)m->source.events,
                              (unsigned long long)m->target.events);
    return CS_OK;
}

cs_err cs_registry_migrate(const char *from, const char *to, cs_registry_tally *source,
                           cs_registry_tally *target, char *detail, size_t detail_size)
{
    migration m = {0};
    cs_registry_t *dst = NULL;
    cs_err err;

    if (from == NULL || to == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = cs_registry_open(from, &m.from, detail, detail_size)) != CS_OK)
        return err;
    if ((err = registry_begin_snapshot(m.from, detail, detail_size)) != CS_OK ||
        (err = tally(m.from, &m.source, detail, detail_size)) != CS_OK ||
        (err = registry_new_handle(to, &dst)) != CS_OK)
        goto fail;
    if ((err = dst->engine->open(dst, to, true, copy_all, &m, detail, detail_size)) != CS_OK ||
        (err = registry_load_settings(dst, detail, detail_size)) != CS_OK)
        goto fail;
    if (source != NULL)
        *source = m.source;
    if (target != NULL)
        *target = m.target;
fail:
    if (m.from != NULL)
        registry_rollback(m.from); /* the snapshot only read */
    cs_registry_close(&dst);
    cs_registry_close(&m.from);
    return err;
}
