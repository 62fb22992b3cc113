/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL engine of the registry (registry_sql.h), through libpq:
 * many stations, processes and machines share one registry on a server.
 *
 * Isolation, and why.  Write transactions run at READ COMMITTED, and
 * every guarantee rests on a constraint or a lock, not on the isolation
 * level:
 *   - numbers: UNIQUE (number, revision) and one current row per number
 *     and key (objects_current); a station that issues a number another
 *     one recorded at the same moment gets a unique violation, runs its
 *     transaction again and then sees the number (a duplicate, or the
 *     same certificate skipped);
 *   - status indexes: UNIQUE (status_index), and a drawn index is taken
 *     with a transaction-scoped advisory lock (pg_try_advisory_xact_lock)
 *     before it is checked, so that two stations never wait on each
 *     other's uncommitted index: the second simply draws again;
 *   - status changes: the current row is read FOR UPDATE, so two changes
 *     of one certificate follow one another;
 *   - events are inserted in the transaction of their change.
 * SERIALIZABLE would add nothing these do not give, and its predicate
 * locks on count(*) and on the index checks would make nearly every pair
 * of concurrent issuing transactions conflict, so that stations would
 * mostly retry.  The three-quarters fill limit counts at the start of
 * each transaction: concurrent stations may pass it by at most one chunk
 * each, which keeps indexes unguessable all the same.
 * Publishing reads one snapshot: REPEATABLE READ, READ ONLY.
 *
 * A serialization failure, a deadlock or a unique violation is
 * CS_ERR_REGISTRY_CONFLICT: the registry runs that transaction again
 * whole, a bounded number of times (registry_retry_wait()).
 *
 * Rows in bulk.  Inside a write transaction, stepping SQL_INSERT_OBJECT or
 * SQL_INSERT_EVENT sends nothing: the bound row goes to a buffer of its
 * table, and the buffers go to the server before any other statement of
 * the connection runs (so that it sees them), before COMMIT, and when they
 * pass BUFFER_LIMIT bytes; ROLLBACK drops them.  A batch chunk thus costs
 * two COPYs instead of a round trip and a statement per row.  Objects go
 * before events, and each buffer in the order its rows were stepped, so
 * the event log's ids keep the order of the events.  A failed flush is
 * reported by the call that made it (the next step, or the commit) as the
 * insert's own error would have been, naming the insert; the triggers and
 * constraints judge every row as they do an INSERT's (COPY fires row
 * triggers and checks constraints).  Outside a write transaction an insert
 * runs at once, as does a row the buffer cannot encode (then the server
 * judges its values as it would have).
 *   The rows are kept in COPY's binary format: every value travels as the
 * bytes it is stored as (text and bytea raw, integers in network order),
 * so stored text (subjects, tokens, actors' reasons) needs no escaping
 * that a stray tab, backslash or newline could get wrong, claims do not
 * double in hex, and a value of the wrong type is refused by the server
 * rather than converted.  Few rows (at most PIPELINE_ROWS, e.g. the event
 * of a suspension) are not worth COPY's two round trips: they go as
 * one-row INSERTs of the same binary values, in one pipeline with the
 * statement or the COMMIT that flushes them, one round trip in all.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "registry_pg_internal.h"

/* The first key of every advisory lock the registry takes ("CSRG"). */
#define LOCK_CLASS "1129534023"

/* Type OIDs of the results (pg_type.h, stable across releases). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23

#define ENTRY_COLUMNS                                                                              \
    "number, revision, status_index, status, subject, standard, issued_at, expires, "              \
    "recorded_at, token, key_kid, signer_kid, current"

/* The SQL of every statement (registry_sql.h), in PostgreSQL's dialect. */
static const char *const statement_sql[SQL_COUNT] = {
    [SQL_FIND_CURRENT] = "SELECT id, revision, status_index, status, claims, key_kid "
                         "FROM objects WHERE number = $1 AND current = 1 AND "
                         "($2::bytea IS NULL OR key_kid = $2) ORDER BY id FOR UPDATE",
    /* = ANY (ARRAY(...)): an index scan whatever the table's statistics
     * said when the statement was prepared (IN (SELECT ...) became a scan
     * of the whole table per chunk). */
    [SQL_FIND_CURRENT_MANY] = "SELECT number, id, revision, status_index, status, claims "
                              "FROM objects WHERE current = 1 AND number = ANY "
                              "(ARRAY(SELECT jsonb_array_elements_text($1::text::jsonb))) "
                              "ORDER BY id FOR UPDATE",
    /* Free: neither recorded nor held by another transaction; the lock is
     * taken first (CASE keeps the order), so each free one stays this
     * transaction's until it ends. */
    [SQL_INDEXES_FREE] =
        "SELECT c.i FROM (SELECT jsonb_array_elements_text($1::text::jsonb)::bigint "
        "AS i) c WHERE CASE WHEN pg_try_advisory_xact_lock(" LOCK_CLASS
        ", c.i::integer) THEN NOT EXISTS (SELECT 1 FROM objects WHERE "
        "status_index = c.i) ELSE false END",
    [SQL_COUNT_OBJECTS] = "SELECT count(*) FROM objects",
    [SQL_MAX_OBJECT_ID] = "SELECT coalesce(max(id), 0) FROM objects",
    [SQL_INSERT_OBJECT] = "INSERT INTO objects (number, revision, status_index, status, current, "
                          "claims, token, issued_at, expires, recorded_at, subject, standard, "
                          "key_kid, signer_kid) "
                          "VALUES ($1, $2, $3, 0, 1, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    [SQL_SET_STATUS] = "UPDATE objects SET status = $2, current = $3 WHERE id = $1",
    [SQL_INSERT_EVENT] = "INSERT INTO events (number, revision, at, action, actor, reason) "
                         "VALUES ($1, $2, $3, $4, $5, $6)",
    [SQL_SET_KID] = "UPDATE settings SET issuer_kid = $1 WHERE id = 1 AND issuer_kid IS NULL",
    [SQL_ALL_STATUSES] = "SELECT o.status_index, o.status, o.number, o.revision, "
                         "(SELECT e.action FROM events e WHERE e.number = o.number AND "
                         "e.revision = o.revision ORDER BY e.id DESC LIMIT 1) FROM objects o",
    [SQL_LOAD_SETTINGS] = "SELECT role, key_path, issuer_kid, accreditation, status_uri, "
                          "link_base, list_entries FROM settings WHERE id = 1",
    [SQL_INSERT_SETTINGS] = "INSERT INTO settings (id, role, key_path, issuer_kid, "
                            "accreditation, status_uri, link_base, list_entries, created_at) "
                            "VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)",
    [SQL_FIRST_CLAIMS] = "SELECT claims FROM objects WHERE number = $1 ORDER BY id LIMIT 1",
    [SQL_MAX_REVISION] = "SELECT max(revision) FROM objects WHERE number = $1",
    [SQL_CURRENT_KIDS] = "SELECT key_kid FROM objects WHERE number = $1 AND current = 1 "
                         "ORDER BY id",
    [SQL_RETIRE_KEY] = "INSERT INTO retired_keys (kid, key_path, accreditation, retired_at) "
                       "SELECT issuer_kid, key_path, accreditation, $1 FROM settings "
                       "WHERE id = 1 AND issuer_kid IS NOT NULL",
    [SQL_CHANGE_KEY] =
        "UPDATE settings SET key_path = $1, issuer_kid = $2, accreditation = $3 WHERE id = 1",
    [SQL_REISSUABLE] = "SELECT number FROM objects WHERE current = 1 AND status IN (0, 2) "
                       "AND expires > $1 ORDER BY id",
    [SQL_TOKEN_OF] = "SELECT token FROM objects WHERE id = $1",
    [SQL_GET_ENTRY] = "SELECT " ENTRY_COLUMNS " FROM objects "
                      "WHERE number = $1 AND current = 1 ORDER BY id DESC LIMIT 1",
    [SQL_EACH_ENTRY] = "SELECT " ENTRY_COLUMNS " FROM objects ORDER BY id",
    [SQL_EACH_EVENT] = "SELECT at, number, revision, action, actor, reason FROM events "
                       "WHERE $1::text IS NULL OR number = $1 ORDER BY id",
    [SQL_DUMP_SETTINGS] = "SELECT id, role, key_path, issuer_kid, accreditation, status_uri, "
                          "link_base, list_entries, created_at FROM settings ORDER BY id",
    [SQL_DUMP_OBJECTS] = "SELECT id, number, revision, status_index, status, current, claims, "
                         "token, issued_at, expires, recorded_at, subject, standard, key_kid, "
                         "signer_kid FROM objects ORDER BY id",
    [SQL_DUMP_EVENTS] = "SELECT id, number, revision, at, action, actor, reason FROM events "
                        "ORDER BY id",
    [SQL_DUMP_RETIRED] = "SELECT id, kid, key_path, accreditation, retired_at FROM retired_keys "
                         "ORDER BY id",
    [SQL_LOAD_SETTINGS_ROW] = "INSERT INTO settings (id, role, key_path, issuer_kid, "
                              "accreditation, status_uri, link_base, list_entries, created_at) "
                              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    [SQL_LOAD_OBJECT] = "INSERT INTO objects (id, number, revision, status_index, status, "
                        "current, claims, token, issued_at, expires, recorded_at, subject, "
                        "standard, key_kid, signer_kid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
                        "$9, $10, $11, $12, $13, $14, $15)",
    [SQL_LOAD_EVENT] = "INSERT INTO events (id, number, revision, at, action, actor, reason) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7)",
    [SQL_LOAD_RETIRED] = "INSERT INTO retired_keys (id, kid, key_path, accreditation, "
                         "retired_at) VALUES ($1, $2, $3, $4, $5)",
    [SQL_COUNT_ALL] = "SELECT (SELECT count(*) FROM settings), (SELECT count(*) FROM objects), "
                      "(SELECT count(*) FROM events), (SELECT count(*) FROM retired_keys)",
    /* Rows copied with their ids: the identities continue after them. */
    [SQL_AFTER_LOAD] = "SELECT setval(pg_get_serial_sequence('objects', 'id'), "
                       "(SELECT coalesce(max(id), 0) + 1 FROM objects), false), "
                       "setval(pg_get_serial_sequence('events', 'id'), "
                       "(SELECT coalesce(max(id), 0) + 1 FROM events), false), "
                       "setval(pg_get_serial_sequence('retired_keys', 'id'), "
                       "(SELECT coalesce(max(id), 0) + 1 FROM retired_keys), false)",
};

static const registry_engine *const self = &registry_engine_pg;

/* Runs sql (no parameters, maybe several statements); *out keeps the last
 * result when out is not NULL. */
static cs_err pg_exec(registry_db *db, const char *sql, const char *doing, PGresult **out,
                      char *detail, size_t size)
{
    PGresult *res = PQexec(db->conn, sql);
    ExecStatusType status = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    cs_err err = CS_OK;

    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        err = pg_error(db->conn, res, doing, detail, size);
    if (err == CS_OK && out != NULL) {
        *out = res;
        return CS_OK;
    }
    PQclear(res);
    return err;
}

/* ---- statements ---------------------------------------------------------------- */

static cs_err prepare(registry_db *db, registry_sql_id id, char *detail, size_t size)
{
    pg_query *q = &db->queries[id];
    char name[16];
    PGresult *res;
    cs_err err = CS_OK;

    snprintf(name, sizeof(name), "cs_%d", (int)id);
    res = PQprepare(db->conn, name, statement_sql[id], 0, NULL);
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
        err = pg_error(db->conn, res, "preparing a statement", detail, size);
        PQclear(res);
        return err;
    }
    PQclear(res);
    res = PQdescribePrepared(db->conn, name);
    if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
        err = pg_error(db->conn, res, "preparing a statement", detail, size);
    else if ((q->params = PQnparams(res)) > MAX_PARAMS)
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY, "a statement takes too many values");
    PQclear(res);
    if (err == CS_OK) {
        q->base.engine = self;
        q->db = db;
        q->id = id;
        db->prepared[id] = true;
    }
    return err;
}

static void clear_query(pg_query *q)
{
    PQclear(q->result);
    q->result = NULL;
    q->run = false;
    q->row = -1;
    q->rows = 0;
}

static cs_err pg_query_get(registry_db *db, registry_sql_id id, registry_query **out, char *detail,
                           size_t size)
{
    pg_query *q = &db->queries[id];
    cs_err err;

    if (!db->prepared[id] && (err = prepare(db, id, detail, size)) != CS_OK)
        return err;
    clear_query(q);
    for (int i = 0; i < MAX_PARAMS; i++) {
        q->values[i] = NULL;
        q->lengths[i] = 0;
        q->formats[i] = 0;
    }
    *out = &q->base;
    return CS_OK;
}

static pg_query *pg_of(registry_query *q)
{
    return (pg_query *)q;
}

static void pg_bind_int64(registry_query *base, int index, int64_t value)
{
    pg_query *q = pg_of(base);
    if (index < 1 || index > MAX_PARAMS)
        return;
    snprintf(q->numbers[index - 1], sizeof(q->numbers[0]), "%lld", (long long)value);
    q->ints[index - 1] = value;
    q->values[index - 1] = q->numbers[index - 1];
    q->formats[index - 1] = 0;
}

/* Text goes in binary form (its bytes as they are, with their length). */
static void pg_bind_text(registry_query *base, int index, const char *text, size_t len)
{
    pg_query *q = pg_of(base);
    if (index < 1 || index > MAX_PARAMS)
        return;
    q->values[index - 1] = text;
    q->lengths[index - 1] = (int)(len == (size_t)-1 ? strlen(text) : len);
    q->formats[index - 1] = 1;
}

static void pg_bind_blob(registry_query *base, int index, const void *data, size_t len)
{
    pg_query *q = pg_of(base);
    if (index < 1 || index > MAX_PARAMS)
        return;
    q->values[index - 1] = len > 0 ? data : "";
    q->lengths[index - 1] = (int)len;
    q->formats[index - 1] = 1;
}

static void pg_bind_null(registry_query *base, int index)
{
    pg_query *q = pg_of(base);
    if (index >= 1 && index <= MAX_PARAMS)
        q->values[index - 1] = NULL;
}

static cs_err pg_step(registry_query *base, bool *row, const char *doing, char *detail, size_t size)
{
    pg_query *q = pg_of(base);

    *row = false;
    if (!q->run) {
        registry_db *db = q->db;
        int table = db->buffering ? pg_table_of(q->id) : -1;
        char name[16];
        cs_err err;

        q->run = true;
        if (table >= 0) {
            bool kept = false;
            if ((err = pg_buffer_row(q, table, doing, &kept)) != CS_OK)
                return err;
            if (kept) /* sent with the next statement, or now when the buffer is full */
                return db->buffers[table].len < BUFFER_LIMIT
                           ? CS_OK
                           : pg_run_after_rows(db, NULL, NULL, detail, size);
        }
        snprintf(name, sizeof(name), "cs_%d", (int)q->id);
        /* Results in binary: integers, text and bytea as they are stored. */
        const pg_call call = {name, NULL, q->params, q->values, q->lengths, q->formats, doing};
        if ((err = pg_run_after_rows(db, &call, &q->result, detail, size)) != CS_OK) {
            clear_query(q);
            q->run = true;
            return err;
        }
        q->rows = PQresultStatus(q->result) == PGRES_TUPLES_OK ? PQntuples(q->result) : 0;
    }
    if (q->row < q->rows)
        q->row++;
    *row = q->row < q->rows;
    return CS_OK;
}

static bool has_value(pg_query *q, int column)
{
    return q->result != NULL && q->row >= 0 && q->row < q->rows && column < PQnfields(q->result) &&
           !PQgetisnull(q->result, q->row, column);
}

static registry_sql_type pg_column_type(registry_query *base, int column)
{
    pg_query *q = pg_of(base);
    if (!has_value(q, column))
        return REGISTRY_SQL_NULL;
    switch (PQftype(q->result, column)) {
    case OID_BOOL:
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        return REGISTRY_SQL_INTEGER;
    case OID_BYTEA:
        return REGISTRY_SQL_BLOB;
    default:
        return REGISTRY_SQL_TEXT;
    }
}

/* A binary integer of n bytes, most significant first. */
static int64_t big_endian(const uint8_t *p, int n)
{
    uint64_t v = (n > 0 && (p[0] & 0x80)) ? UINT64_MAX : 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return (int64_t)v;
}

static int64_t pg_column_int64(registry_query *base, int column)
{
    pg_query *q = pg_of(base);
    const uint8_t *p;
    int len;

    if (!has_value(q, column))
        return 0;
    p = (const uint8_t *)PQgetvalue(q->result, q->row, column);
    len = PQgetlength(q->result, q->row, column);
    switch (PQftype(q->result, column)) {
    case OID_BOOL:
        return len == 1 && p[0] != 0;
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        return len == 2 || len == 4 || len == 8 ? big_endian(p, len) : 0;
    default:
        return 0;
    }
}

static const char *pg_column_text(registry_query *base, int column, size_t *len)
{
    pg_query *q = pg_of(base);
    if (!has_value(q, column)) {
        if (len != NULL)
            *len = 0;
        return NULL;
    }
    if (len != NULL)
        *len = (size_t)PQgetlength(q->result, q->row, column);
    /* libpq ends every value with a NUL, binary ones too. */
    return PQgetvalue(q->result, q->row, column);
}

static const uint8_t *pg_column_blob(registry_query *base, int column, size_t *len)
{
    return (const uint8_t *)pg_column_text(base, column, len);
}

static void pg_reset(registry_query *base)
{
    clear_query(pg_of(base));
}

/* ---- transactions ------------------------------------------------------------- */

static cs_err pg_begin(registry_db *db, registry_txn kind, char *detail, size_t size)
{
    cs_err err;

    pg_buffers_clear(db);
    db->buffering = false;
    if (kind == REGISTRY_TXN_WRITE) {
        err = pg_exec(db, "BEGIN ISOLATION LEVEL READ COMMITTED", "starting a transaction", NULL,
                      detail, size);
        db->buffering = err == CS_OK;
        return err;
    }
    return pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "reading the statuses",
                   NULL, detail, size);
}

static void pg_rollback(registry_db *db)
{
    if (db == NULL || db->conn == NULL)
        return;
    pg_buffers_clear(db);
    db->buffering = false;
    PGTransactionStatusType status = PQtransactionStatus(db->conn);
    if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR)
        PQclear(PQexec(db->conn, "ROLLBACK"));
}

/* The buffered rows go first: their errors are the commit's.  A failed
 * commit ends the transaction, whatever failed. */
static cs_err pg_commit(registry_db *db, char *detail, size_t size)
{
    static const pg_call commit = {NULL, "COMMIT", 0, NULL, NULL, NULL, "committing"};
    PGresult *res = NULL;
    cs_err err = pg_run_after_rows(db, &commit, &res, detail, size);

    /* COMMIT of a transaction that failed answers ROLLBACK, not an error. */
    if (err == CS_OK && strcmp(PQcmdStatus(res), "COMMIT") != 0)
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY,
                             "committing: the server rolled the transaction back");
    PQclear(res);
    if (err != CS_OK)
        pg_rollback(db);
    db->buffering = false;
    return err;
}

/* ---- connections ---------------------------------------------------------------- */

static void pg_close(registry_db **db)
{
    if (db == NULL || *db == NULL)
        return;
    for (size_t i = 0; i < SQL_COUNT; i++)
        PQclear((*db)->queries[i].result);
    for (int t = 0; t < TABLE_COUNT; t++)
        free((*db)->buffers[t].data);
    PQfinish((*db)->conn);
    free(*db);
    *db = NULL;
}

/* The server's notices (NOTICE, WARNING) are not certseal's output. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg, (void)message;
}

/*
 * A password in the URI would stand in the process list, the shell's
 * history and every message that names the registry: refused.  libpq reads
 * it from ~/.pgpass (PGPASSFILE), PGPASSWORD or a service file instead.
 */
static cs_err check_uri(const char *uri, char *detail, size_t size)
{
    char *said = NULL;
    PQconninfoOption *options = PQconninfoParse(uri, &said);
    cs_err err = CS_OK;

    if (options == NULL) {
        char escaped[300];
        registry_sql_message(said != NULL ? said : "out of memory", escaped, sizeof(escaped));
        PQfreemem(said);
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the PostgreSQL connection URI does not parse: %s (see libpq's "
                              "connection URIs: postgresql://USER@HOST:PORT/DATABASE?PARAM=VALUE)",
                              escaped);
    }
    for (PQconninfoOption *o = options; o->keyword != NULL; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL && o->val[0] != '\0')
            err = cs_detail_fail(detail, size, CS_ERR_REGISTRY_URI_PASSWORD,
                                 "the connection URI carries a password, which would show in "
                                 "the process list and the shell's history (remove it, and put "
                                 "it in ~/.pgpass, a service file, or PGPASSWORD)");
    PQconninfoFree(options);
    return err;
}

static cs_err connect_server(cs_registry_t *r, const char *uri, char *detail, size_t size)
{
    /* libpq's defaults apply, and the URI's own settings over them. */
    const char *const keywords[] = {"fallback_application_name", "dbname", NULL};
    const char *const values[] = {"certseal", uri, NULL};
    char said[400];
    cs_err err;

    if ((err = check_uri(uri, detail, size)) != CS_OK)
        return err;
    if ((r->db = calloc(1, sizeof(*r->db))) == NULL)
        return CS_ERR_NO_MEMORY;
    r->db->conn = PQconnectdbParams(keywords, values, 1);
    if (r->db->conn == NULL)
        return CS_ERR_NO_MEMORY;
    if (PQstatus(r->db->conn) != CONNECTION_OK) {
        registry_sql_message(PQerrorMessage(r->db->conn), said, sizeof(said));
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_CONNECTION,
                              "cannot connect to the database server: %s (check the URI, that "
                              "the server runs, and the password in ~/.pgpass or PGPASSWORD)",
                              said);
    }
    PQsetNoticeProcessor(r->db->conn, ignore_notice, NULL);
    /* A station waits at most this long for a lock another one holds. */
    char sql[96];
    snprintf(sql, sizeof(sql), "SET lock_timeout = %d", CS_REGISTRY_BUSY_TIMEOUT_MS);
    return pg_exec(r->db, sql, "setting up the connection", NULL, detail, size);
}

/* The schema the registry lives in, and whether it holds one (*version,
 * 0 when it holds none).  Errors: no schema, another application's. */
static cs_err read_schema(registry_db *db, bool for_create, int64_t *version, char *detail,
                          size_t size)
{
    static const char sql[] =
        "SELECT current_schema(), to_regclass('certseal_registry') IS NOT NULL, "
        "(SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname IN "
        "('settings', 'objects', 'events', 'retired_keys'))";
    PGresult *res = NULL;
    char schema[200] = "";
    cs_err err;

    *version = 0;
    if ((err = pg_exec(db, sql, "reading the schema", &res, detail, size)) != CS_OK)
        return err;
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                              "the connection's search_path names no existing schema (create "
                              "the schema, or choose one with options=-csearch_path%%3DNAME in "
                              "the URI)");
    }
    registry_sql_message(PQgetvalue(res, 0, 0), schema, sizeof(schema));
    bool has_registry = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    bool has_tables = strcmp(PQgetvalue(res, 0, 2), "0") != 0;
    PQclear(res);
    if (!has_registry && has_tables)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                              "schema %s holds tables named like a registry's but no "
                              "certseal_registry table: not a certseal registry (use another "
                              "schema)",
                              schema);
    if (!has_registry)
        return for_create ? CS_OK
                          : cs_detail_fail(detail, size, CS_ERR_IO_OPEN,
                                           "no certseal registry in schema %s of this database "
                                           "(create it with certseal init)",
                                           schema);
    if (for_create)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_EXISTS,
                              "schema %s of this database already holds a registry (open it, or "
                              "choose another schema or database)",
                              schema);
    if ((err = pg_exec(db, "SELECT application_id, version FROM certseal_registry WHERE id = 1",
                       "reading the schema version", &res, detail, size)) != CS_OK)
        return err;
    if (PQntuples(res) != 1 ||
        strtoll(PQgetvalue(res, 0, 0), NULL, 10) != CS_REGISTRY_APPLICATION_ID) {
        PQclear(res);
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                              "schema %s has a certseal_registry table that is not a certseal "
                              "registry's (use another schema)",
                              schema);
    }
    *version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    return CS_OK;
}

/*
 * Creates (populate not NULL) or upgrades the schema in one transaction,
 * under an advisory lock that every station opening the registry takes,
 * after reading the version again under it.
 */
static cs_err upgrade(cs_registry_t *r, bool create, registry_populate_fn populate, void *ctx,
                      char *detail, size_t size)
{
    const size_t count = registry_pg_migration_count;
    int64_t version = 0;
    char sql[160];
    cs_err err;

    if ((err = pg_exec(r->db, "BEGIN ISOLATION LEVEL READ COMMITTED", "starting a transaction",
                       NULL, detail, size)) != CS_OK ||
        (err = pg_exec(r->db, "SELECT pg_advisory_xact_lock(" LOCK_CLASS ", -1)",
                       "locking the schema", NULL, detail, size)) != CS_OK ||
        (err = read_schema(r->db, create, &version, detail, size)) != CS_OK)
        goto fail;
    if (version < 0 || (uint64_t)version > count) {
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                             "schema version %lld is newer than this certseal's %zu (use a "
                             "newer certseal)",
                             (long long)version, count);
        goto fail;
    }
    if (create && (err = pg_exec(r->db,
                                 "CREATE TABLE certseal_registry (id integer PRIMARY KEY CHECK "
                                 "(id = 1), application_id integer NOT NULL, version integer "
                                 "NOT NULL)",
                                 "creating the schema", NULL, detail, size)) != CS_OK)
        goto fail;
    for (size_t i = (size_t)version; i < count; i++) {
        const registry_migration *step = &registry_pg_migrations[i];
        char doing[96];
        snprintf(doing, sizeof(doing), "upgrading the schema from version %zu to %zu", i, i + 1);
        if ((err = pg_exec(r->db, step->sql, doing, NULL, detail, size)) != CS_OK ||
            (step->fill != NULL && (err = step->fill(r->db, detail, size)) != CS_OK) ||
            (step->sql_after != NULL &&
             (err = pg_exec(r->db, step->sql_after, doing, NULL, detail, size)) != CS_OK))
            goto fail;
    }
    if (create && populate != NULL && (err = populate(ctx, r, detail, size)) != CS_OK)
        goto fail;
    if (create)
        snprintf(sql, sizeof(sql),
                 "INSERT INTO certseal_registry (id, application_id, version) VALUES (1, %d, %zu)",
                 CS_REGISTRY_APPLICATION_ID, count);
    else
        snprintf(sql, sizeof(sql), "UPDATE certseal_registry SET version = %zu WHERE id = 1",
                 count);
    if ((err = pg_exec(r->db, sql, "recording the schema version", NULL, detail, size)) != CS_OK ||
        (err = pg_commit(r->db, detail, size)) != CS_OK)
        goto fail;
    return CS_OK;
fail:
    pg_rollback(r->db);
    return err;
}

static cs_err pg_open(cs_registry_t *r, const char *uri, bool create, registry_populate_fn populate,
                      void *ctx, char *detail, size_t size)
{
    int64_t version = 0;
    cs_err err;

    r->file_exposure = 0; /* the server's roles say who reads it */
    if ((err = connect_server(r, uri, detail, size)) != CS_OK)
        return err;
    if (create)
        return upgrade(r, true, populate, ctx, detail, size);
    if ((err = read_schema(r->db, false, &version, detail, size)) != CS_OK)
        return err;
    if ((uint64_t)version != registry_pg_migration_count)
        return upgrade(r, false, NULL, NULL, detail, size);
    return CS_OK;
}

const registry_engine registry_engine_pg = {
    .name = "PostgreSQL",
    .open = pg_open,
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .query = pg_query_get,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_type = pg_column_type,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .reset = pg_reset,
};
