/* SPDX-License-Identifier: ISC */
/*
 * pkg/registry_sql.h - private: the registry's SQL layer.  The registry
 * modules (registry*.c) speak to their database only through this
 * interface; an engine (registry_sqlite.c: an SQLite file,
 * registry_pg.c: a PostgreSQL server through libpq) implements it and
 * keeps the SQL text of every statement below in its own dialect, and its
 * own schema history.  Nothing above this layer includes sqlite3.h or
 * libpq-fe.h.  Never installed.
 *
 * Statements are named by id (REGISTRY_SQL_LIST) and numbered parameters
 * from 1; an engine prepares each once per connection and reuses it.  A
 * query is one prepared statement with its bindings and result; it stays
 * the engine's, valid until the same statement is asked for again or the
 * connection closes.  Text and blobs given to a bind are borrowed until
 * the query is stepped; columns are borrowed until the next step or reset.
 *
 * Errors (each writes what happened to detail): CS_ERR_REGISTRY_BUSY (a
 * lock was not granted in time), CS_ERR_REGISTRY_CONFLICT (a concurrent
 * transaction won: serialization failure, deadlock, unique violation;
 * the whole transaction may be run again), CS_ERR_REGISTRY_CONNECTION (the
 * server went away), CS_ERR_REGISTRY_DAMAGED, CS_ERR_NO_MEMORY,
 * CS_ERR_REGISTRY (anything else, with the engine's message escaped).
 * An insert's error may surface at the next step or at the commit (PostgreSQL sends rows in bulk).
 */
#ifndef CERTSEAL_REGISTRY_SQL_H
#define CERTSEAL_REGISTRY_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/registry.h"
#include "internal.h"

#pragma GCC visibility push(hidden)

/*
 * X(id): every statement the registry runs.  Columns and parameters are
 * those of the SQLite text in registry_sqlite.c, which each engine keeps.
 */
#define REGISTRY_SQL_LIST(X)                                                                       \
    X(FIND_CURRENT)     /* 1 number, 2 key_kid or NULL: id, revision, status_index, status,      \
                           claims, key_kid of the current rows, by id; locks them (PostgreSQL) */  \
    X(FIND_CURRENT_MANY) /* 1 JSON array of numbers: number, id, revision, status_index,       \
                            status, claims of their current rows, by id; locks them (PG) */    \
    X(INDEXES_FREE)     /* 1 JSON array of indexes: those neither recorded nor held by another \
                           transaction (PostgreSQL: now held by this one until it ends) */     \
    X(COUNT_OBJECTS)    /* count(*) of objects */                                              \
    X(MAX_OBJECT_ID)    /* max(id) of objects, 0 when none: a bound of their count */          \
    X(INSERT_OBJECT)    /* 1 number .. 12 signer_kid */                                        \
    X(SET_STATUS)       /* 1 id, 2 status, 3 current */                                        \
    X(INSERT_EVENT)     /* 1 number, 2 revision, 3 at, 4 action, 5 actor, 6 reason */          \
    X(SET_KID)          /* 1 kid, when the settings have none */                               \
    X(ALL_STATUSES)     /* status_index, status, number, revision, last action */              \
    X(LOAD_SETTINGS)    /* role, key_path, issuer_kid, accreditation, status_uri, link_base,   \
                           list_entries */                                                     \
    X(INSERT_SETTINGS)  /* 1 role .. 8 created_at */                                           \
    X(FIRST_CLAIMS)     /* 1 number: claims of its first object */                             \
    X(MAX_REVISION)     /* 1 number: max(revision), NULL when none */                          \
    X(CURRENT_KIDS)     /* 1 number: key_kid of its current rows, by id */                     \
    X(RETIRE_KEY)       /* 1 retired_at: the settings' key to retired_keys */                  \
    X(CHANGE_KEY)       /* 1 key_path, 2 issuer_kid, 3 accreditation */                        \
    X(REISSUABLE)       /* 1 now: numbers of current valid or suspended, unexpired objects */  \
    X(TOKEN_OF)         /* 1 id: token */                                                      \
    X(GET_ENTRY)        /* 1 number: ENTRY columns of its newest current row */                \
    X(EACH_ENTRY)       /* ENTRY columns of every object, by id */                             \
    X(EACH_EVENT)       /* 1 number or NULL: at, number, revision, action, actor, reason */    \
    /* registry migrate: every row of every table, in id order, and back */                    \
    X(DUMP_SETTINGS)    /* id, role, key_path, issuer_kid, accreditation, status_uri,          \
                           link_base, list_entries, created_at */                              \
    X(DUMP_OBJECTS)     /* id, number, revision, status_index, status, current, claims, token, \
                           issued_at, expires, recorded_at, subject, standard, key_kid,        \
                           signer_kid */                                                       \
    X(DUMP_EVENTS)      /* id, number, revision, at, action, actor, reason */                  \
    X(DUMP_RETIRED)     /* id, kid, key_path, accreditation, retired_at */                     \
    X(LOAD_SETTINGS_ROW) /* DUMP_SETTINGS's columns as parameters 1.. */                       \
    X(LOAD_OBJECT)      /* DUMP_OBJECTS's columns as parameters 1.. */                         \
    X(LOAD_EVENT)       /* DUMP_EVENTS's columns as parameters 1.. */                          \
    X(LOAD_RETIRED)     /* DUMP_RETIRED's columns as parameters 1.. */                         \
    X(COUNT_ALL)        /* count of settings, objects, events, retired_keys */                 \
    X(AFTER_LOAD)       /* no rows: whatever the engine needs after explicit ids */

typedef enum registry_sql_id {
#define REGISTRY_SQL_ENUM(name) SQL_##name,
    REGISTRY_SQL_LIST(REGISTRY_SQL_ENUM)
#undef REGISTRY_SQL_ENUM
        SQL_COUNT
} registry_sql_id;

/* What a transaction is for. */
typedef enum registry_txn {
    REGISTRY_TXN_WRITE,    /* reads and writes; other writers wait or conflict */
    REGISTRY_TXN_SNAPSHOT, /* read only, every statement sees one snapshot */
} registry_txn;

/* The types of a column, as registry_sql_column_type() gives them. */
typedef enum registry_sql_type {
    REGISTRY_SQL_NULL,
    REGISTRY_SQL_INTEGER,
    REGISTRY_SQL_TEXT,
    REGISTRY_SQL_BLOB,
} registry_sql_type;

typedef struct registry_engine registry_engine;
typedef struct registry_db registry_db; /* one connection, the engine's */

/* One statement of a connection; engines put this first in theirs. */
typedef struct registry_query {
    const registry_engine *engine;
} registry_query;

/* One step of an engine's schema history: sql turns version `index` into
 * `index + 1` (the first step creates the schema); fill (may be NULL) does
 * what SQL alone cannot, then sql_after (may be NULL), in the same
 * transaction.  A released step is never edited. */
typedef struct registry_migration {
    const char *sql;
    cs_err (*fill)(registry_db *db, char *detail, size_t size);
    const char *sql_after;
} registry_migration;

/* Runs inside the transaction that creates a registry, after the schema. */
typedef cs_err (*registry_populate_fn)(void *ctx, cs_registry_t *registry, char *detail,
                                       size_t size);

struct registry_engine {
    const char *name; /* "SQLite", "PostgreSQL" */
    /*
     * Connects to location and brings its schema to the engine's current
     * version.  create: location must not hold a registry yet (a file is
     * created 0600 with O_EXCL; a PostgreSQL schema must hold no registry);
     * the schema and populate(ctx) are one transaction, and a failed
     * create leaves nothing behind.  Sets registry->db and
     * registry->file_exposure.  Errors: CS_ERR_IO_OPEN (no such file),
     * CS_ERR_REGISTRY_EXISTS, CS_ERR_REGISTRY_SCHEMA, CS_ERR_REGISTRY_DAMAGED,
     * CS_ERR_REGISTRY_CONNECTION, CS_ERR_REGISTRY_URI_PASSWORD, the rest.
     */
    cs_err (*open)(cs_registry_t *registry, const char *location, bool create,
                   registry_populate_fn populate, void *ctx, char *detail, size_t size);
    void (*close)(registry_db **db);
    cs_err (*begin)(registry_db *db, registry_txn kind, char *detail, size_t size);
    cs_err (*commit)(registry_db *db, char *detail, size_t size);
    void (*rollback)(registry_db *db); /* no-op outside a transaction */
    /* The statement, unbound (every parameter NULL), ready for binding. */
    cs_err (*query)(registry_db *db, registry_sql_id id, registry_query **out, char *detail,
                    size_t size);
    void (*bind_int64)(registry_query *q, int index, int64_t value);
    void (*bind_text)(registry_query *q, int index, const char *text, size_t len);
    void (*bind_blob)(registry_query *q, int index, const void *data, size_t len);
    void (*bind_null)(registry_query *q, int index);
    /* Runs the statement (first call) or moves to the next row: *row true
     * when a row is there, false when done. */
    cs_err (*step)(registry_query *q, bool *row, const char *doing, char *detail, size_t size);
    registry_sql_type (*column_type)(registry_query *q, int column);
    int64_t (*column_int64)(registry_query *q, int column);
    /* NUL-terminated; NULL for an SQL NULL. */
    const char *(*column_text)(registry_query *q, int column, size_t *len);
    const uint8_t *(*column_blob)(registry_query *q, int column, size_t *len);
    void (*reset)(registry_query *q);
};

extern const registry_engine registry_engine_sqlite;
extern const registry_engine registry_engine_pg;

/* The engine of a location: PostgreSQL for a postgresql:// or postgres://
 * URI, SQLite (a file) for anything else. */
const registry_engine *registry_engine_of(const char *location);
/* True for a postgresql:// or postgres:// URI. */
bool registry_location_is_uri(const char *location);

/* ---- calls through the handle's engine ----------------------------------- */

static inline void sql_bind_int64(registry_query *q, int index, int64_t value)
{
    q->engine->bind_int64(q, index, value);
}
static inline void sql_bind_text(registry_query *q, int index, const char *text)
{
    if (text == NULL)
        q->engine->bind_null(q, index);
    else
        q->engine->bind_text(q, index, text, (size_t)-1);
}
static inline void sql_bind_text_len(registry_query *q, int index, const char *text, size_t len)
{
    q->engine->bind_text(q, index, text, len);
}
static inline void sql_bind_blob(registry_query *q, int index, const void *data, size_t len)
{
    if (data == NULL)
        q->engine->bind_null(q, index);
    else
        q->engine->bind_blob(q, index, data, len);
}
static inline CS_MUST_CHECK cs_err sql_step(registry_query *q, bool *row, const char *doing,
                                            char *detail, size_t size)
{
    return q->engine->step(q, row, doing, detail, size);
}
static inline registry_sql_type sql_column_type(registry_query *q, int column)
{
    return q->engine->column_type(q, column);
}
static inline int64_t sql_column_int64(registry_query *q, int column)
{
    return q->engine->column_int64(q, column);
}
static inline const char *sql_column_text(registry_query *q, int column)
{
    return q->engine->column_text(q, column, NULL);
}
static inline const uint8_t *sql_column_blob(registry_query *q, int column, size_t *len)
{
    return q->engine->column_blob(q, column, len);
}
static inline void sql_reset(registry_query *q)
{
    q->engine->reset(q);
}

/* Escapes an engine's message (it may quote stored values) into out. */
void registry_sql_message(const char *said, char *out, size_t size);

#pragma GCC visibility pop

#endif
