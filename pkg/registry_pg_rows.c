/* SPDX-License-Identifier: ISC */
/*
 * A PostgreSQL write transaction's rows sent in bulk (registry_pg.c's top
 * comment says when and why): the object and event rows its inserts step
 * are kept as binary COPY tuples, then sent by COPY, or as one-row INSERTs
 * in one pipeline when few.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_pg_internal.h"

/* A value of a buffered row: parameter `param` (from 1) of the insert, or
 * when param is 0 the int4 constant that the insert's SQL writes. */
typedef struct row_field {
    int param;
    char type; /* '8': int8; '4': int4 constant; 'b': text or bytea, its bytes */
    int32_t constant;
} row_field;

typedef struct row_table {
    registry_sql_id insert; /* the statement whose rows this table buffers */
    const char *copy_sql;
    const char *row_sql; /* one row, the same columns, every value a parameter */
    const char *row_name;
    const row_field *fields;
    int count;
} row_table;

/* SQL_INSERT_OBJECT's columns and values (registry_sql.h numbers them). */
#define OBJECT_COLUMNS                                                                             \
    "number, revision, status_index, status, current, claims, token, issued_at, expires, "         \
    "recorded_at, subject, standard, key_kid, signer_kid"
static const row_field object_fields[] = {
    {1, 'b', 0}, {2, '8', 0}, {3, '8', 0}, {0, '4', 0}, {0, '4', 1},  {4, 'b', 0},  {5, 'b', 0},
    {6, '8', 0}, {7, '8', 0}, {8, '8', 0}, {9, 'b', 0}, {10, 'b', 0}, {11, 'b', 0}, {12, 'b', 0},
};
/* SQL_INSERT_EVENT's. */
#define EVENT_COLUMNS "number, revision, at, action, actor, reason"
static const row_field event_fields[] = {
    {1, 'b', 0}, {2, '8', 0}, {3, '8', 0}, {4, 'b', 0}, {5, 'b', 0}, {6, 'b', 0},
};

static const row_table row_tables[TABLE_COUNT] = {
    [TABLE_OBJECTS] = {SQL_INSERT_OBJECT,
                       "COPY objects (" OBJECT_COLUMNS ") FROM STDIN (FORMAT binary)",
                       "INSERT INTO objects (" OBJECT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, "
                       "$7, $8, $9, $10, $11, $12, $13, $14)",
                       "cs_rows_objects", object_fields,
                       (int)(sizeof(object_fields) / sizeof(object_fields[0]))},
    [TABLE_EVENTS] = {SQL_INSERT_EVENT,
                      "COPY events (" EVENT_COLUMNS ") FROM STDIN (FORMAT binary)",
                      "INSERT INTO events (" EVENT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6)",
                      "cs_rows_events", event_fields,
                      (int)(sizeof(event_fields) / sizeof(event_fields[0]))},
};

/* Binary COPY's signature, flags and header extension (PostgreSQL's COPY
 * documentation, "Binary Format"), and the trailer: a field count of -1. */
static const uint8_t copy_header[19] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0};
static const uint8_t copy_trailer[2] = {0xff, 0xff};

int pg_table_of(registry_sql_id id)
{
    for (int t = 0; t < TABLE_COUNT; t++)
        if (row_tables[t].insert == id)
            return t;
    return -1;
}

static bool buffer_put(pg_buffer *b, const void *data, size_t len)
{
    if (len > b->cap - b->len) {
        size_t cap = b->cap > 0 ? b->cap : 64u << 10;
        while (cap - b->len < len)
            cap *= 2;
        uint8_t *grown = realloc(b->data, cap);
        if (grown == NULL)
            return false;
        b->data = grown;
        b->cap = cap;
    }
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    return true;
}

static bool buffer_put_be(pg_buffer *b, uint64_t value, int bytes)
{
    uint8_t out[8];
    for (int i = bytes - 1; i >= 0; i--, value >>= 8)
        out[i] = (uint8_t)value;
    return buffer_put(b, out, (size_t)bytes);
}

void pg_buffers_clear(registry_db *db)
{
    for (int t = 0; t < TABLE_COUNT; t++)
        db->buffers[t].len = db->buffers[t].rows = 0;
}

static size_t buffered_rows(const registry_db *db)
{
    size_t rows = 0;
    for (int t = 0; t < TABLE_COUNT; t++)
        rows += db->buffers[t].rows;
    return rows;
}

cs_err pg_buffer_row(pg_query *q, int t, const char *doing, bool *kept)
{
    const row_table *table = &row_tables[t];
    pg_buffer *b = &q->db->buffers[t];
    size_t start = b->len;
    bool ok = true;

    *kept = false;
    if (b->len == 0)
        ok = buffer_put(b, copy_header, sizeof(copy_header));
    ok = ok && buffer_put_be(b, (uint64_t)table->count, 2);
    for (int i = 0; ok && i < table->count; i++) {
        const row_field *f = &table->fields[i];
        int p = f->param - 1;
        bool null = f->param > 0 && q->values[p] == NULL;
        bool integer = f->param > 0 && !null && q->formats[p] == 0; /* bind_int64 */

        if (f->type == '4')
            ok = buffer_put_be(b, 4, 4) && buffer_put_be(b, (uint32_t)f->constant, 4);
        else if (null)
            ok = buffer_put_be(b, UINT32_MAX, 4); /* -1: NULL */
        else if (f->type == '8' && integer)
            ok = buffer_put_be(b, 8, 4) && buffer_put_be(b, (uint64_t)q->ints[p], 8);
        else if (f->type == 'b' && !integer)
            ok = buffer_put_be(b, (uint32_t)q->lengths[p], 4) &&
                 buffer_put(b, q->values[p], (size_t)q->lengths[p]);
        else {
            b->len = start;
            return CS_OK;
        }
    }
    if (!ok) {
        b->len = start;
        return CS_ERR_NO_MEMORY;
    }
    b->rows++;
    snprintf(b->doing, sizeof(b->doing), "%s", doing);
    *kept = true;
    return CS_OK;
}

static int send_call(PGconn *conn, const pg_call *call)
{
    if (call->name != NULL)
        return PQsendQueryPrepared(conn, call->name, call->params, call->values, call->lengths,
                                   call->formats, 1);
    return PQsendQueryParams(conn, call->sql, 0, NULL, NULL, NULL, NULL, 1);
}

static PGresult *exec_call(PGconn *conn, const pg_call *call)
{
    if (call->name != NULL)
        return PQexecPrepared(conn, call->name, call->params, call->values, call->lengths,
                              call->formats, 1);
    return PQexecParams(conn, call->sql, 0, NULL, NULL, NULL, NULL, 1);
}

/* Sends table t's buffer by COPY. */
static cs_err copy_rows(registry_db *db, int t, char *detail, size_t size)
{
    const pg_buffer *b = &db->buffers[t];
    PGresult *res = PQexec(db->conn, row_tables[t].copy_sql);
    cs_err err = CS_OK;
    bool sent;

    if (res == NULL || PQresultStatus(res) != PGRES_COPY_IN) {
        err = pg_error(db->conn, res, b->doing, detail, size);
        PQclear(res);
        return err;
    }
    PQclear(res);
    sent = b->len <= INT_MAX && PQputCopyData(db->conn, (const char *)b->data, (int)b->len) == 1 &&
           PQputCopyData(db->conn, (const char *)copy_trailer, sizeof(copy_trailer)) == 1;
    /* Not all sent: the server is told, and drops what it has. */
    if (PQputCopyEnd(db->conn, sent ? NULL : "the rows could not be sent") != 1)
        sent = false;
    while ((res = PQgetResult(db->conn)) != NULL) {
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_COPY_IN) { /* only when ending the COPY above failed */
            PQclear(res);
            return pg_error(db->conn, NULL, b->doing, detail, size);
        }
        if (status != PGRES_COMMAND_OK && err == CS_OK)
            err = pg_error(db->conn, res, b->doing, detail, size);
        PQclear(res);
    }
    if (err == CS_OK && !sent)
        err = pg_error(db->conn, NULL, b->doing, detail, size);
    return err;
}

static cs_err prepare_rows(registry_db *db, int t, char *detail, size_t size)
{
    PGresult *res;
    cs_err err = CS_OK;

    if (db->rows_prepared[t])
        return CS_OK;
    res = PQprepare(db->conn, row_tables[t].row_name, row_tables[t].row_sql, 0, NULL);
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
        err = pg_error(db->conn, res, "preparing a statement", detail, size);
    PQclear(res);
    db->rows_prepared[t] = err == CS_OK;
    return err;
}

/* Sends table t's buffered rows as one-row INSERTs into the pipeline;
 * *sent counts them. */
static bool send_rows(registry_db *db, int t, size_t *sent)
{
    const pg_buffer *b = &db->buffers[t];
    const row_table *table = &row_tables[t];
    const char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS], formats[MAX_PARAMS];
    size_t at = sizeof(copy_header);

    for (size_t row = 0; row < b->rows; row++) {
        at += 2; /* the field count, table->count */
        for (int i = 0; i < table->count; i++) {
            const uint8_t *p = b->data + at;
            int32_t len =
                (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
            at += 4;
            values[i] = len < 0 ? NULL : (const char *)b->data + at;
            lengths[i] = len < 0 ? 0 : len;
            formats[i] = 1;
            at += len < 0 ? 0 : (size_t)len;
        }
        if (PQsendQueryPrepared(db->conn, table->row_name, table->count, values, lengths, formats,
                                1) != 1)
            return false;
        (*sent)++;
    }
    return true;
}

/*
 * The few buffered rows and then call (if not NULL), in one pipeline: one
 * round trip.  The first error is the one reported (the server skips the
 * rest of a pipeline after it); *out is call's result.
 */
static cs_err pipeline_rows(registry_db *db, const pg_call *call, PGresult **out, char *detail,
                            size_t size)
{
    PGconn *conn = db->conn;
    const char *doing[PIPELINE_ROWS + 1];
    size_t sent = 0, expected = 0;
    cs_err err = CS_OK;

    for (int t = 0; t < TABLE_COUNT; t++) {
        if (db->buffers[t].rows > 0 && (err = prepare_rows(db, t, detail, size)) != CS_OK)
            return err;
        for (size_t i = 0; i < db->buffers[t].rows; i++)
            doing[expected++] = db->buffers[t].doing;
    }
    if (call != NULL)
        doing[expected++] = call->doing;
    if (PQenterPipelineMode(conn) != 1)
        return pg_error(conn, NULL, doing[0], detail, size);
    bool ok = true;
    for (int t = 0; ok && t < TABLE_COUNT; t++)
        ok = send_rows(db, t, &sent);
    if (ok && call != NULL && (ok = send_call(conn, call) == 1))
        sent++;
    if (PQpipelineSync(conn) != 1)
        ok = false;
    if (!ok)
        err = pg_error(conn, NULL, doing[sent < expected ? sent : 0], detail, size);
    /* Each query's result, then NULL; at the end the sync's. */
    for (size_t i = 0; i < sent && PQstatus(conn) != CONNECTION_BAD; i++) {
        PGresult *res = PQgetResult(conn), *more;
        ExecStatusType status = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;

        if (res == NULL) {
            if (err == CS_OK)
                err = pg_error(conn, NULL, doing[i], detail, size);
            break;
        }
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
            status != PGRES_PIPELINE_ABORTED && err == CS_OK)
            err = pg_error(conn, res, doing[i], detail, size);
        if (call != NULL && i == expected - 1 && err == CS_OK)
            *out = res;
        else
            PQclear(res);
        while ((more = PQgetResult(conn)) != NULL)
            PQclear(more);
    }
    if (PQstatus(conn) != CONNECTION_BAD) {
        PGresult *res = PQgetResult(conn);
        bool synced = res != NULL && PQresultStatus(res) == PGRES_PIPELINE_SYNC;
        PQclear(res);
        bool left = PQexitPipelineMode(conn) == 1;
        if ((!synced || !left) && err == CS_OK)
            err = cs_detail_fail(detail, size, CS_ERR_REGISTRY,
                                 "%s: the server's answers did not end as expected",
                                 doing[expected - 1]);
    } else if (err == CS_OK) {
        err = pg_error(conn, NULL, doing[0], detail, size);
    }
    if (err != CS_OK && out != NULL && *out != NULL) {
        PQclear(*out);
        *out = NULL;
    }
    return err;
}

cs_err pg_run_after_rows(registry_db *db, const pg_call *call, PGresult **out, char *detail,
                         size_t size)
{
    size_t rows = buffered_rows(db);
    PGresult *res = NULL;
    ExecStatusType status;
    cs_err err = CS_OK;

    if (out != NULL)
        *out = NULL;
    if (rows > 0 && rows <= PIPELINE_ROWS) {
        err = pipeline_rows(db, call, out, detail, size);
        pg_buffers_clear(db);
        return err;
    }
    for (int t = 0; t < TABLE_COUNT && err == CS_OK; t++)
        if (db->buffers[t].rows > 0)
            err = copy_rows(db, t, detail, size);
    pg_buffers_clear(db);
    if (err != CS_OK || call == NULL)
        return err;
    res = exec_call(db->conn, call);
    status = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        err = pg_error(db->conn, res, call->doing, detail, size);
        PQclear(res);
        return err;
    }
    *out = res;
    return CS_OK;
}
