/* SPDX-License-Identifier: ISC */
/*
 * The SQLite engine of the registry (registry_sql.h): one file, one
 * writer at a time (BEGIN IMMEDIATE, with a busy timeout), readers beside
 * it (WAL).  Its statements in SQLite's dialect, its connection, and
 * opening and creating the file; the schema is in
 * registry_sqlite_schema.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry_sqlite.h"

#define ENTRY_COLUMNS                                                                              \
    "number, revision, status_index, status, subject, standard, issued_at, expires, "              \
    "recorded_at, token, key_kid, signer_kid, current"

/* The SQL of every statement (registry_sql.h), in SQLite's dialect. */
static const char *const statement_sql[SQL_COUNT] = {
    [SQL_FIND_CURRENT] = "SELECT id, revision, status_index, status, claims, key_kid "
                         "FROM objects WHERE number = ?1 AND current = 1 AND "
                         "(?2 IS NULL OR key_kid = ?2) ORDER BY id",
    [SQL_FIND_CURRENT_MANY] = "SELECT number, id, revision, status_index, status, claims "
                              "FROM objects WHERE current = 1 AND number IN "
                              "(SELECT value FROM json_each(?1)) ORDER BY id",
    [SQL_INDEXES_FREE] = "SELECT c.value FROM json_each(?1) c WHERE NOT EXISTS "
                         "(SELECT 1 FROM objects WHERE status_index = c.value)",
    [SQL_COUNT_OBJECTS] = "SELECT count(*) FROM objects",
    [SQL_MAX_OBJECT_ID] = "SELECT coalesce(max(id), 0) FROM objects",
    [SQL_INSERT_OBJECT] = "INSERT INTO objects (number, revision, status_index, status, current, "
                          "claims, token, issued_at, expires, recorded_at, subject, standard, "
                          "key_kid, signer_kid) "
                          "VALUES (?1, ?2, ?3, 0, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [SQL_SET_STATUS] = "UPDATE objects SET status = ?2, current = ?3 WHERE id = ?1",
    [SQL_INSERT_EVENT] = "INSERT INTO events (number, revision, at, action, actor, reason) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [SQL_SET_KID] = "UPDATE settings SET issuer_kid = ?1 WHERE id = 1 AND issuer_kid IS NULL",
    /* Every object with the action of its revision's last event: publish
     * takes the status from the append-only log and checks the row. */
    [SQL_ALL_STATUSES] = "SELECT o.status_index, o.status, o.number, o.revision, "
                         "(SELECT e.action FROM events e WHERE e.number = o.number AND "
                         "e.revision = o.revision ORDER BY e.id DESC LIMIT 1) FROM objects o",
    [SQL_LOAD_SETTINGS] = "SELECT role, key_path, issuer_kid, accreditation, status_uri, "
                          "link_base, list_entries FROM settings WHERE id = 1",
    [SQL_INSERT_SETTINGS] = "INSERT INTO settings (id, role, key_path, issuer_kid, "
                            "accreditation, status_uri, link_base, list_entries, created_at) "
                            "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [SQL_FIRST_CLAIMS] = "SELECT claims FROM objects WHERE number = ?1 ORDER BY id LIMIT 1",
    [SQL_MAX_REVISION] = "SELECT max(revision) FROM objects WHERE number = ?1",
    [SQL_CURRENT_KIDS] = "SELECT key_kid FROM objects WHERE number = ?1 AND current = 1 "
                         "ORDER BY id",
    [SQL_RETIRE_KEY] = "INSERT INTO retired_keys (kid, key_path, accreditation, retired_at) "
                       "SELECT issuer_kid, key_path, accreditation, ?1 FROM settings "
                       "WHERE id = 1 AND issuer_kid IS NOT NULL",
    [SQL_CHANGE_KEY] =
        "UPDATE settings SET key_path = ?1, issuer_kid = ?2, accreditation = ?3 WHERE id = 1",
    [SQL_REISSUABLE] = "SELECT number FROM objects WHERE current = 1 AND status IN (0, 2) "
                       "AND expires > ?1 ORDER BY id",
    [SQL_TOKEN_OF] = "SELECT token FROM objects WHERE id = ?1",
    [SQL_GET_ENTRY] = "SELECT " ENTRY_COLUMNS " FROM objects "
                      "WHERE number = ?1 AND current = 1 ORDER BY id DESC LIMIT 1",
    [SQL_EACH_ENTRY] = "SELECT " ENTRY_COLUMNS " FROM objects ORDER BY id",
    [SQL_EACH_EVENT] = "SELECT at, number, revision, action, actor, reason FROM events "
                       "WHERE ?1 IS NULL OR number = ?1 ORDER BY id",
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
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [SQL_LOAD_OBJECT] = "INSERT INTO objects (id, number, revision, status_index, status, "
                        "current, claims, token, issued_at, expires, recorded_at, subject, "
                        "standard, key_kid, signer_kid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                        "?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [SQL_LOAD_EVENT] = "INSERT INTO events (id, number, revision, at, action, actor, reason) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [SQL_LOAD_RETIRED] = "INSERT INTO retired_keys (id, kid, key_path, accreditation, "
                         "retired_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQL_COUNT_ALL] = "SELECT (SELECT count(*) FROM settings), (SELECT count(*) FROM objects), "
                      "(SELECT count(*) FROM events), (SELECT count(*) FROM retired_keys)",
    /* INTEGER PRIMARY KEY continues after the largest id by itself. */
    [SQL_AFTER_LOAD] = "SELECT 1",
};

/* ---- errors ------------------------------------------------------------------ */

static cs_err sqlite_error(sqlite3 *db, int rc, const char *doing, char *detail, size_t size)
{
    char said[400];

    registry_sql_message(sqlite3_errmsg(db), said, sizeof(said));
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_BUSY,
                              "%s: another process held the registry for more than %d ms "
                              "(try again when it is done)",
                              doing, CS_REGISTRY_BUSY_TIMEOUT_MS);
    if (rc == SQLITE_NOMEM)
        return cs_detail_fail(detail, size, CS_ERR_NO_MEMORY, "%s: out of memory", doing);
    if ((rc & 0xff) == SQLITE_CORRUPT)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_DAMAGED,
                              "the registry file is damaged: %s: %s (restore it from a backup)",
                              doing, said);
    return cs_detail_fail(detail, size, CS_ERR_REGISTRY, "%s: %s", doing, said);
}

/* ---- statements --------------------------------------------------------------- */

static const registry_engine *const self = &registry_engine_sqlite;

static cs_err sqlite_query_get(registry_db *db, registry_sql_id id, registry_query **out,
                               char *detail, size_t size)
{
    sqlite_query *q = &db->queries[id];

    if (q->stmt == NULL) {
        int rc = sqlite3_prepare_v3(db->db, statement_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                    &q->stmt, NULL);
        if (rc != SQLITE_OK)
            return sqlite_error(db->db, rc, "reading the registry", detail, size);
        q->base.engine = self;
        q->db = db->db;
    } else {
        sqlite3_reset(q->stmt);
        sqlite3_clear_bindings(q->stmt);
    }
    *out = &q->base;
    return CS_OK;
}

static sqlite3_stmt *stmt_of(registry_query *q)
{
    return ((sqlite_query *)q)->stmt;
}

static void sqlite_bind_int64(registry_query *q, int index, int64_t value)
{
    sqlite3_bind_int64(stmt_of(q), index, (sqlite3_int64)value);
}

static void sqlite_bind_text(registry_query *q, int index, const char *text, size_t len)
{
    sqlite3_bind_text(stmt_of(q), index, text, len == (size_t)-1 ? -1 : (int)len, SQLITE_STATIC);
}

static void sqlite_bind_blob(registry_query *q, int index, const void *data, size_t len)
{
    sqlite3_bind_blob(stmt_of(q), index, data, (int)len, SQLITE_STATIC);
}

static void sqlite_bind_null(registry_query *q, int index)
{
    sqlite3_bind_null(stmt_of(q), index);
}

static cs_err sqlite_step(registry_query *q, bool *row, const char *doing, char *detail,
                          size_t size)
{
    int rc = sqlite3_step(stmt_of(q));
    *row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return CS_OK;
    return sqlite_error(((sqlite_query *)q)->db, rc, doing, detail, size);
}

static registry_sql_type sqlite_column_type(registry_query *q, int column)
{
    switch (sqlite3_column_type(stmt_of(q), column)) {
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        return REGISTRY_SQL_INTEGER;
    case SQLITE_TEXT:
        return REGISTRY_SQL_TEXT;
    case SQLITE_BLOB:
        return REGISTRY_SQL_BLOB;
    default:
        return REGISTRY_SQL_NULL;
    }
}

static int64_t sqlite_column_int64(registry_query *q, int column)
{
    return sqlite3_column_int64(stmt_of(q), column);
}

static const char *sqlite_column_text(registry_query *q, int column, size_t *len)
{
    const unsigned char *text = sqlite3_column_text(stmt_of(q), column);
    if (len != NULL)
        *len = (size_t)sqlite3_column_bytes(stmt_of(q), column);
    return (const char *)text;
}

static const uint8_t *sqlite_column_blob(registry_query *q, int column, size_t *len)
{
    sqlite3_stmt *stmt = stmt_of(q);
    const void *blob = sqlite3_column_blob(stmt, column);
    *len = (size_t)sqlite3_column_bytes(stmt, column);
    /* SQLite gives NULL for an empty blob: only SQL NULL is NULL here. */
    if (blob == NULL && sqlite3_column_type(stmt, column) != SQLITE_NULL)
        return (const uint8_t *)"";
    return blob;
}

static void sqlite_reset(registry_query *q)
{
    sqlite3_reset(stmt_of(q));
}

/* ---- transactions ----------------------------------------------------------- */

static cs_err exec(registry_db *db, const char *sql, const char *doing, char *detail, size_t size)
{
    int rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? CS_OK : sqlite_error(db->db, rc, doing, detail, size);
}

static cs_err sqlite_begin(registry_db *db, registry_txn kind, char *detail, size_t size)
{
    /* IMMEDIATE takes the write lock now, so that two writers never both
     * read and then both try to write.  A deferred BEGIN reads one WAL
     * snapshot from its first statement to its end. */
    if (kind == REGISTRY_TXN_WRITE)
        return exec(db, "BEGIN IMMEDIATE", "locking the registry", detail, size);
    return exec(db, "BEGIN", "reading the statuses", detail, size);
}

static cs_err sqlite_commit(registry_db *db, char *detail, size_t size)
{
    return exec(db, "COMMIT", "committing", detail, size);
}

static void sqlite_rollback(registry_db *db)
{
    if (db != NULL && db->db != NULL && !sqlite3_get_autocommit(db->db))
        (void)sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- connections ------------------------------------------------------------- */

struct sqlite3 *registry_sqlite_handle(cs_registry_t *registry)
{
    return registry != NULL && registry->engine == &registry_engine_sqlite && registry->db != NULL
               ? registry->db->db
               : NULL;
}

static void sqlite_close(registry_db **db)
{
    if (db == NULL || *db == NULL)
        return;
    for (size_t i = 0; i < SQL_COUNT; i++)
        sqlite3_finalize((*db)->queries[i].stmt);
    sqlite3_close((*db)->db);
    free(*db);
    *db = NULL;
}

/* Opens path (which must exist) into registry->db and configures it. */
static cs_err open_file(cs_registry_t *r, const char *path, char *detail, size_t size)
{
    int rc;

    if ((r->db = calloc(1, sizeof(*r->db))) == NULL)
        return CS_ERR_NO_MEMORY;
    rc = sqlite3_open_v2(path, &r->db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_CANTOPEN)
        return cs_detail_fail(detail, size, CS_ERR_IO_OPEN, "cannot open the registry: %s",
                              sqlite3_errmsg(r->db->db));
    if (rc != SQLITE_OK)
        return sqlite_error(r->db->db, rc, "opening the registry", detail, size);
    return registry_schema_configure(r->db->db, detail, size);
}

/* Removes a registry file that could not be completed, with SQLite's
 * companions. */
static void remove_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char name[4096];
        if ((size_t)snprintf(name, sizeof(name), "%s%s", path, suffixes[i]) < sizeof(name))
            (void)unlink(name);
    }
}

static cs_err create_file(cs_registry_t *r, const char *path, registry_populate_fn populate,
                          void *ctx, char *detail, size_t size)
{
    int version = 0, fd;
    cs_err err;

    /* O_EXCL: of two processes creating the same registry, one wins. */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
        return errno == EEXIST
                   ? cs_detail_fail(detail, size, CS_ERR_REGISTRY_EXISTS,
                                    "the file exists (open it, or choose another path)")
                   : cs_detail_fail(detail, size, CS_ERR_IO_OPEN, "%s", strerror(errno));
    close(fd);
    if ((err = open_file(r, path, detail, size)) != CS_OK ||
        (err = registry_schema_check(r->db->db, true, &version, detail, size)) != CS_OK ||
        (err = registry_schema_upgrade(r, r->db->db, registry_migrations, registry_migration_count,
                                       populate, ctx, detail, size)) != CS_OK) {
        sqlite_close(&r->db);
        remove_files(path);
    }
    return err;
}

cs_err registry_sqlite_open_history(cs_registry_t *r, const char *path,
                                    const registry_migration *steps, size_t count, char *detail,
                                    size_t size)
{
    struct stat st;
    int version = 0;
    cs_err err;

    if (stat(path, &st) != 0)
        return cs_detail_fail(detail, size, CS_ERR_IO_OPEN, "%s (create it with certseal init)",
                              strerror(errno));
    r->file_exposure = cs_file_exposure_of_mode((unsigned)st.st_mode);
    /* Structure first: a damaged file is neither read nor written, by any
     * command (a write could land beside a damaged page and spread it). */
    if ((err = open_file(r, path, detail, size)) != CS_OK ||
        (err = registry_schema_check(r->db->db, false, &version, detail, size)) != CS_OK ||
        (err = registry_schema_check_integrity(r->db->db, detail, size)) != CS_OK)
        return err;
    if ((size_t)version != count)
        return registry_schema_upgrade(r, r->db->db, steps, count, NULL, NULL, detail, size);
    return CS_OK;
}

static cs_err sqlite_open(cs_registry_t *r, const char *path, bool create,
                          registry_populate_fn populate, void *ctx, char *detail, size_t size)
{
    if (create)
        return create_file(r, path, populate, ctx, detail, size);
    return registry_sqlite_open_history(r, path, registry_migrations, registry_migration_count,
                                        detail, size);
}

const registry_engine registry_engine_sqlite = {
    .name = "SQLite",
    .open = sqlite_open,
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .query = sqlite_query_get,
    .bind_int64 = sqlite_bind_int64,
    .bind_text = sqlite_bind_text,
    .bind_blob = sqlite_bind_blob,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .column_type = sqlite_column_type,
    .column_int64 = sqlite_column_int64,
    .column_text = sqlite_column_text,
    .column_blob = sqlite_column_blob,
    .reset = sqlite_reset,
};
