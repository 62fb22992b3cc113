/* SPDX-License-Identifier: ISC */
/*
 * The SQLite registry file's schema and its history (DESIGN §5).  Each step of
 * registry_migrations turns version i into version i + 1; a file is
 * brought up to date in one IMMEDIATE transaction when it is opened, and
 * PRAGMA user_version says where it stands.  A step is never edited once
 * released: a change to the schema is a new step.
 */
#include <stdio.h>
#include <string.h>

#include "registry_sqlite.h"

static cs_err sql_failure(sqlite3 *db, int rc, const char *doing, char *detail, size_t size);

/* Version 1.  Rows of objects and events are never deleted (triggers), so
 * a status index, once drawn, stays taken for ever; the events log is
 * append-only.  "current" marks the latest revision of a number: a partial
 * unique index allows one per number. */
static const char schema_v1[] =
    "CREATE TABLE settings ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  role TEXT NOT NULL CHECK (role IN ('accreditation-body', 'certification-body')),"
    "  key_path TEXT NOT NULL,"
    "  issuer_kid BLOB CHECK (issuer_kid IS NULL OR length(issuer_kid) = 8),"
    "  accreditation BLOB,"
    "  status_uri TEXT NOT NULL,"
    "  link_base TEXT,"
    "  list_entries INTEGER NOT NULL CHECK (list_entries > 0),"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE objects ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL,"
    "  revision INTEGER NOT NULL CHECK (revision >= 0),"
    "  status_index INTEGER NOT NULL UNIQUE CHECK (status_index >= 0),"
    "  status INTEGER NOT NULL CHECK (status BETWEEN 0 AND 3),"
    "  current INTEGER NOT NULL CHECK (current IN (0, 1)),"
    "  claims BLOB NOT NULL,"
    "  token TEXT NOT NULL,"
    "  issued_at INTEGER NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  recorded_at INTEGER NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  standard TEXT NOT NULL,"
    "  UNIQUE (number, revision));"
    "CREATE UNIQUE INDEX objects_current ON objects (number) WHERE current = 1;"
    "CREATE TRIGGER objects_keep BEFORE DELETE ON objects BEGIN"
    "  SELECT RAISE(ABORT, 'registry objects are never deleted'); END;"
    "CREATE TRIGGER objects_fixed BEFORE UPDATE OF id, number, revision, status_index, claims,"
    "  token, issued_at, expires, recorded_at, subject, standard ON objects BEGIN"
    "  SELECT RAISE(ABORT, 'only the status of a registry object changes'); END;"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL,"
    "  revision INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  action TEXT NOT NULL CHECK (action IN"
    "    ('issued', 'suspended', 'reinstated', 'withdrawn', 'superseded')),"
    "  actor TEXT NOT NULL,"
    "  reason TEXT);"
    "CREATE INDEX events_number ON events (number, id);"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN"
    "  SELECT RAISE(ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN"
    "  SELECT RAISE(ABORT, 'the event log is append-only'); END;";

/* Version 2 (key changes, DESIGN §5).  objects gains key_kid (an AC: the
 * kid of the CB key it accredits, so that one accreditation number may
 * hold one current credential per CB key) and signer_kid (the kid of the
 * key that signed the object); "current" becomes one per number and key.
 * events may record "rekeyed" (number "" for the whole registry), and
 * retired_keys keeps every key the registry signed with before its
 * current one (with its AC, for a CB), and when it stopped.
 * The old rows are signed by the registry's one key; the ACs' key_kid is
 * read from their claims (registry_backfill_key_kids), and only then are
 * the new columns fixed like the others. */
static const char schema_v2[] =
    "ALTER TABLE objects ADD COLUMN key_kid BLOB"
    "  CHECK (key_kid IS NULL OR length(key_kid) = 8);"
    "ALTER TABLE objects ADD COLUMN signer_kid BLOB"
    "  CHECK (signer_kid IS NULL OR length(signer_kid) = 8);"
    "UPDATE objects SET signer_kid = (SELECT issuer_kid FROM settings WHERE id = 1);"
    "DROP INDEX objects_current;"
    "CREATE UNIQUE INDEX objects_current ON objects (number, ifnull(key_kid, x''))"
    "  WHERE current = 1;"
    "DROP TRIGGER events_no_update;"
    "DROP TRIGGER events_no_delete;"
    "ALTER TABLE events RENAME TO events_v1;"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL,"
    "  revision INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  action TEXT NOT NULL CHECK (action IN"
    "    ('issued', 'suspended', 'reinstated', 'withdrawn', 'superseded', 'rekeyed')),"
    "  actor TEXT NOT NULL,"
    "  reason TEXT);"
    "INSERT INTO events (id, number, revision, at, action, actor, reason)"
    "  SELECT id, number, revision, at, action, actor, reason FROM events_v1 ORDER BY id;"
    "DROP TABLE events_v1;"
    "CREATE INDEX events_number ON events (number, id);"
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN"
    "  SELECT RAISE(ABORT, 'the event log is append-only'); END;"
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN"
    "  SELECT RAISE(ABORT, 'the event log is append-only'); END;"
    "CREATE TABLE retired_keys ("
    "  id INTEGER PRIMARY KEY,"
    "  kid BLOB NOT NULL CHECK (length(kid) = 8),"
    "  key_path TEXT NOT NULL,"
    "  accreditation BLOB,"
    "  retired_at INTEGER NOT NULL);"
    "CREATE TRIGGER retired_keys_keep BEFORE DELETE ON retired_keys BEGIN"
    "  SELECT RAISE(ABORT, 'the key history is append-only'); END;"
    "CREATE TRIGGER retired_keys_fixed BEFORE UPDATE ON retired_keys BEGIN"
    "  SELECT RAISE(ABORT, 'the key history is append-only'); END;";

static const char schema_v2_after[] =
    "DROP TRIGGER objects_fixed;"
    "CREATE TRIGGER objects_fixed BEFORE UPDATE OF id, number, revision, status_index, claims,"
    "  token, issued_at, expires, recorded_at, subject, standard, key_kid, signer_kid ON objects"
    "  BEGIN SELECT RAISE(ABORT, 'only the status of a registry object changes'); END;";

/* The kid of the CB key each recorded AC accredits, from its claims. */
static cs_err registry_backfill_key_kids(registry_db *conn, char *detail, size_t size)
{
    sqlite3 *db = conn->db;
    sqlite3_stmt *read = NULL, *write = NULL;
    cs_err err = CS_OK;
    int rc;

    rc = sqlite3_prepare_v2(db,
                            "SELECT o.id, o.claims FROM objects o, settings s WHERE s.id = 1 AND "
                            "s.role = 'accreditation-body'",
                            -1, &read, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "UPDATE objects SET key_kid = ?2 WHERE id = ?1", -1, &write,
                                NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(read)) == SQLITE_ROW) {
        cs_accreditation ac = {0};
        const void *blob = sqlite3_column_blob(read, 1);
        size_t len = (size_t)sqlite3_column_bytes(read, 1);
        err = cs_accreditation_decode_claims(blob != NULL ? blob : "", len, &ac, NULL, 0);
        if (err != CS_OK) {
            err = cs_detail_fail(detail, size, CS_ERR_REGISTRY,
                                 "upgrading the schema: a recorded credential does not decode "
                                 "(%s); nothing was changed",
                                 cs_strerror(err));
            break;
        }
        sqlite3_bind_int64(write, 1, sqlite3_column_int64(read, 0));
        sqlite3_bind_blob(write, 2, cs_key_kid(ac.subject_key), CS_KID_SIZE, SQLITE_TRANSIENT);
        cs_accreditation_clear(&ac);
        rc = sqlite3_step(write);
        sqlite3_reset(write);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    if (err == CS_OK && rc != SQLITE_DONE)
        err = sql_failure(db, rc, "upgrading the schema: the credentials' keys", detail, size);
    sqlite3_finalize(read);
    sqlite3_finalize(write);
    return err;
}

const registry_migration registry_migrations[] = {
    {schema_v1, NULL, NULL},                                  /* 0 -> 1 */
    {schema_v2, registry_backfill_key_kids, schema_v2_after}, /* 1 -> 2 */
};
const size_t registry_migration_count =
    sizeof(registry_migrations) / sizeof(registry_migrations[0]);

_Static_assert(sizeof(registry_migrations) / sizeof(registry_migrations[0]) ==
                   CS_REGISTRY_SCHEMA_VERSION,
               "one migration step per schema version");

static cs_err sql_failure(sqlite3 *db, int rc, const char *doing, char *detail, size_t size)
{
    cs_err err = CS_ERR_REGISTRY;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        err = CS_ERR_REGISTRY_BUSY;
    else if (rc == SQLITE_NOMEM)
        err = CS_ERR_NO_MEMORY;
    else if ((rc & 0xff) == SQLITE_CORRUPT)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_DAMAGED,
                              "the registry file is damaged: %s: %s (restore it from a "
                              "backup; nothing was changed)",
                              doing, sqlite3_errmsg(db));
    else if (rc == SQLITE_NOTADB)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                              "not an SQLite database, so not a certseal registry");
    return cs_detail_fail(detail, size, err, "%s: %s", doing, sqlite3_errmsg(db));
}

/* What quick_check said, as one printable line without its "*** in
 * database main ***" heading. */
static void one_line(const char *said, char *out, size_t size)
{
    static const char heading[] = "*** in database main ***";
    size_t n = 0;

    if (strncmp(said, heading, sizeof(heading) - 1) == 0)
        said += sizeof(heading) - 1;
    while (*said == '\n' || *said == ' ')
        said++;
    for (; *said != '\0' && n + 1 < size; said++)
        out[n++] = (unsigned char)*said >= 0x20 && (unsigned char)*said < 0x7f ? *said : ' ';
    out[n] = '\0';
}

cs_err registry_schema_check_integrity(sqlite3 *db, char *detail, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    cs_err err = CS_OK;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &stmt, NULL);

    if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *said = (const char *)sqlite3_column_text(stmt, 0);
        if (said == NULL || strcmp(said, "ok") != 0) {
            char line[200];
            one_line(said != NULL ? said : "no answer from the check", line, sizeof(line));
            err = cs_detail_fail(detail, size, CS_ERR_REGISTRY_DAMAGED,
                                 "the registry file is damaged: %s (restore it from a backup; "
                                 "nothing was changed)",
                                 line);
        }
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    if (err == CS_OK && rc != SQLITE_OK)
        err = sql_failure(db, rc, "checking the file", detail, size);
    return err;
}

cs_err registry_schema_configure(sqlite3 *db, char *detail, size_t size)
{
    /* WAL lets readers (publish, list) run beside a writer; with
     * synchronous=FULL every COMMIT is on disk before it returns. */
    static const char pragmas[] = "PRAGMA journal_mode = WAL;"
                                  "PRAGMA synchronous = FULL;"
                                  "PRAGMA foreign_keys = ON;"
                                  "PRAGMA cache_size = -16384;";
    int rc = sqlite3_busy_timeout(db, CS_REGISTRY_BUSY_TIMEOUT_MS);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    return rc == SQLITE_OK ? CS_OK : sql_failure(db, rc, "setting up the database", detail, size);
}

static cs_err pragma_int(sqlite3 *db, const char *sql, int64_t *value, char *detail, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        *value = sqlite3_column_int64(stmt, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_OK ? CS_OK : sql_failure(db, rc, "reading the file header", detail, size);
}

cs_err registry_schema_check(sqlite3 *db, bool allow_empty, int *version, char *detail, size_t size)
{
    int64_t app = 0, user_version = 0, tables = 0;
    cs_err err;

    if ((err = pragma_int(db, "PRAGMA application_id", &app, detail, size)) != CS_OK ||
        (err = pragma_int(db, "PRAGMA user_version", &user_version, detail, size)) != CS_OK ||
        (err = pragma_int(db, "SELECT count(*) FROM sqlite_master", &tables, detail, size)) !=
            CS_OK)
        return err;
    if (app == 0 && user_version == 0 && tables == 0 && allow_empty) {
        *version = 0;
        return CS_OK;
    }
    if (app != CS_REGISTRY_APPLICATION_ID)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                              "an SQLite database, but not a certseal registry "
                              "(create one with certseal init)");
    *version = (int)(user_version < 0 ? -1 : user_version > 1000000 ? 1000000 : user_version);
    return CS_OK;
}

static cs_err exec(sqlite3 *db, const char *sql, const char *doing, char *detail, size_t size)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? CS_OK : sql_failure(db, rc, doing, detail, size);
}

cs_err registry_schema_upgrade(cs_registry_t *registry, sqlite3 *db,
                               const registry_migration *steps, size_t count,
                               registry_populate_fn populate, void *ctx, char *detail, size_t size)
{
    char sql[96];
    int64_t version = 0;
    cs_err err;

    if ((err = exec(db, "BEGIN IMMEDIATE", "locking the registry", detail, size)) != CS_OK)
        return err;
    /* Read again under the lock: another process may have upgraded it. */
    if ((err = pragma_int(db, "PRAGMA user_version", &version, detail, size)) != CS_OK)
        goto fail;
    if (version < 0 || (uint64_t)version > count) {
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                             "schema version %lld is newer than this certseal's %zu "
                             "(use a newer certseal)",
                             (long long)version, count);
        goto fail;
    }
    if ((uint64_t)version == count)
        return exec(db, "COMMIT", "upgrading the schema", detail, size);
    for (size_t i = (size_t)version; i < count; i++) {
        char doing[96];
        snprintf(doing, sizeof(doing), "upgrading the schema from version %zu to %zu", i, i + 1);
        if ((err = exec(db, steps[i].sql, doing, detail, size)) != CS_OK ||
            (steps[i].fill != NULL && (err = steps[i].fill(registry->db, detail, size)) != CS_OK) ||
            (steps[i].sql_after != NULL &&
             (err = exec(db, steps[i].sql_after, doing, detail, size)) != CS_OK))
            goto fail;
    }
    if (version == 0 && populate != NULL &&
        (err = populate(ctx, registry, detail, size)) != CS_OK)
        goto fail;
    snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; PRAGMA user_version = %zu;",
             CS_REGISTRY_APPLICATION_ID, count);
    if ((err = exec(db, sql, "recording the schema version", detail, size)) != CS_OK ||
        (err = exec(db, "COMMIT", "upgrading the schema", detail, size)) != CS_OK)
        goto fail;
    return CS_OK;
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return err;
}
