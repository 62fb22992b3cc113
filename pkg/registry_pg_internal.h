/* SPDX-License-Identifier: ISC */
/*
 * pkg/registry_pg_internal.h - private to the PostgreSQL engine
 * (registry_pg.c: statements, transactions, connections;
 * registry_pg_rows.c: a write transaction's rows sent in bulk;
 * registry_pg_error.c: the server's errors as the registry's).  Never
 * installed.
 */
#ifndef CERTSEAL_REGISTRY_PG_INTERNAL_H
#define CERTSEAL_REGISTRY_PG_INTERNAL_H

#include <libpq-fe.h>

#include "registry_db.h"

#pragma GCC visibility push(hidden)

#define MAX_PARAMS 16
/* Bytes of buffered rows a write transaction sends before it steps on. */
#define BUFFER_LIMIT (4u << 20)
/* At most this many buffered rows go as INSERTs in a pipeline, more by COPY. */
#define PIPELINE_ROWS 16

typedef struct pg_query {
    registry_query base;
    registry_db *db;
    registry_sql_id id;
    int params; /* how many the statement takes (described once) */
    const char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS];
    int formats[MAX_PARAMS];
    char numbers[MAX_PARAMS][24];
    int64_t ints[MAX_PARAMS]; /* what bind_int64 was given, for a buffered row */
    PGresult *result;
    int row, rows; /* row: the current one, -1 before the first */
    bool run;
} pg_query;

/* The buffered rows of one table: binary COPY tuples after COPY's header. */
typedef struct pg_buffer {
    uint8_t *data;
    size_t len, cap;
    size_t rows;
    char doing[64]; /* what the insert's caller said it was doing */
} pg_buffer;

/* The tables whose rows a write transaction buffers, in flushing order. */
enum { TABLE_OBJECTS, TABLE_EVENTS, TABLE_COUNT };

struct registry_db {
    PGconn *conn;
    bool prepared[SQL_COUNT];
    pg_query queries[SQL_COUNT];
    bool buffering;                  /* in a write transaction */
    bool rows_prepared[TABLE_COUNT]; /* the one-row INSERTs of the pipeline */
    pg_buffer buffers[TABLE_COUNT];
};

/* What flushes the buffers: a prepared statement (name) or parameterless
 * SQL, and what its caller is doing; NULL for a flush alone. */
typedef struct pg_call {
    const char *name;
    const char *sql;
    int params;
    const char *const *values;
    const int *lengths;
    const int *formats;
    const char *doing;
} pg_call;

/* ---- registry_pg_error.c ---------------------------------------------------- */

/* Maps a failed result (or a NULL one: libpq could not send) to a cs_err,
 * with detail saying what the caller was doing. */
cs_err pg_error(PGconn *conn, const PGresult *res, const char *doing, char *detail, size_t size);

/* ---- registry_pg_rows.c ----------------------------------------------------- */

/* The table whose rows statement `id` buffers, or -1. */
int pg_table_of(registry_sql_id id);
/*
 * Appends q's bound row to table t's buffer as one binary COPY tuple.
 * *kept false (and the buffer as it was) when a value is not of its
 * column's kind: the caller then runs the statement itself.  Errors:
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err pg_buffer_row(pg_query *q, int t, const char *doing, bool *kept);
/* Drops the buffered rows (a rollback, a new transaction). */
void pg_buffers_clear(registry_db *db);
/*
 * Runs call (may be NULL: a flush alone) after the buffered rows, which
 * are then gone whatever happened; *out is call's result (status
 * COMMAND_OK or TUPLES_OK) when it returns CS_OK.  Errors: pg_error()'s,
 * naming the insert whose rows failed or call's doing.
 */
CS_MUST_CHECK cs_err pg_run_after_rows(registry_db *db, const pg_call *call, PGresult **out,
                                       char *detail, size_t size);

#pragma GCC visibility pop

#endif
