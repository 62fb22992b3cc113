/* SPDX-License-Identifier: ISC */
/*
 * The issuer registry (DESIGN §5): opening and creating the SQLite file,
 * the statements every operation shares, and status changes.  Issuing is
 * in registry_issue.c, reading and publishing in registry_read.c, the
 * schema in registry_schema.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "certseal/cose.h"
#include "registry_db.h"

/* In the order of registry_stmt. */
static const char *const statement_sql[STMT_COUNT] = {
    [STMT_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [STMT_BEGIN_READ] = "BEGIN",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_FIND_CURRENT] = "SELECT id, revision, status_index, status, claims FROM objects "
                          "WHERE number = ?1 AND current = 1",
    [STMT_INDEX_USED] = "SELECT 1 FROM objects WHERE status_index = ?1",
    [STMT_COUNT_OBJECTS] = "SELECT count(*) FROM objects",
    [STMT_INSERT_OBJECT] = "INSERT INTO objects (number, revision, status_index, status, current, "
                           "claims, token, issued_at, expires, recorded_at, subject, standard) "
                           "VALUES (?1, ?2, ?3, 0, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [STMT_SET_STATUS] = "UPDATE objects SET status = ?2, current = ?3 WHERE id = ?1",
    [STMT_INSERT_EVENT] = "INSERT INTO events (number, revision, at, action, actor, reason) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [STMT_SET_KID] = "UPDATE settings SET issuer_kid = ?1 WHERE id = 1 AND issuer_kid IS NULL",
    /* Every object with the action of its revision's last event: publish
     * takes the status from the append-only log and checks the row. */
    [STMT_ALL_STATUSES] = "SELECT o.status_index, o.status, o.number, o.revision, "
                          "(SELECT e.action FROM events e WHERE e.number = o.number AND "
                          "e.revision = o.revision ORDER BY e.id DESC LIMIT 1) FROM objects o",
};

/* ---- plumbing ------------------------------------------------------------- */

cs_err registry_sql_error(cs_registry_t *registry, int rc, const char *doing, char *detail,
                          size_t size)
{
    const char *said = sqlite3_errmsg(registry->db);
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

sqlite3_stmt *registry_stmt_get(cs_registry_t *registry, registry_stmt which)
{
    sqlite3_stmt **stmt = &registry->stmt[which];
    if (*stmt == NULL) {
        if (sqlite3_prepare_v3(registry->db, statement_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                               stmt, NULL) != SQLITE_OK)
            return NULL;
    } else {
        sqlite3_reset(*stmt);
        sqlite3_clear_bindings(*stmt);
    }
    return *stmt;
}

/* Steps a bound statement that returns no rows, then resets it. */
cs_err registry_run_bound(cs_registry_t *registry, sqlite3_stmt *stmt, const char *doing,
                          char *detail, size_t size)
{
    int rc = sqlite3_step(stmt);
    cs_err err = CS_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = registry_sql_error(registry, rc, doing, detail, size);
    sqlite3_reset(stmt);
    return err;
}

cs_err registry_run(cs_registry_t *registry, registry_stmt which, const char *doing, char *detail,
                    size_t size)
{
    sqlite3_stmt *stmt = registry_stmt_get(registry, which);
    if (stmt == NULL)
        return registry_sql_error(registry, sqlite3_errcode(registry->db), doing, detail, size);
    return registry_run_bound(registry, stmt, doing, detail, size);
}

cs_err registry_begin_write(cs_registry_t *registry, char *detail, size_t size)
{
    return registry_run(registry, STMT_BEGIN_WRITE, "locking the registry", detail, size);
}

cs_err registry_commit(cs_registry_t *registry, char *detail, size_t size)
{
    return registry_run(registry, STMT_COMMIT, "committing", detail, size);
}

void registry_rollback(cs_registry_t *registry)
{
    if (!sqlite3_get_autocommit(registry->db))
        (void)sqlite3_exec(registry->db, "ROLLBACK", NULL, NULL, NULL);
}

const char *registry_noun(const cs_registry_t *registry)
{
    return registry->role == CS_REGISTRY_ROLE_AB ? "accreditation" : "certificate";
}

cs_err registry_find_current(cs_registry_t *registry, const char *number, bool *found,
                             registry_current *current, uint8_t **claims, size_t *claims_len,
                             char *detail, size_t size)
{
    sqlite3_stmt *stmt = registry_stmt_get(registry, STMT_FIND_CURRENT);
    cs_err err = CS_OK;
    int rc;

    *found = false;
    if (stmt == NULL)
        return registry_sql_error(registry, sqlite3_errcode(registry->db), "looking up", detail,
                                  size);
    sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *found = true;
        current->id = sqlite3_column_int64(stmt, 0);
        current->revision = (uint64_t)sqlite3_column_int64(stmt, 1);
        current->status_index = (uint64_t)sqlite3_column_int64(stmt, 2);
        current->status = (cs_status)sqlite3_column_int(stmt, 3);
        if (claims != NULL) {
            const void *blob = sqlite3_column_blob(stmt, 4);
            size_t len = (size_t)sqlite3_column_bytes(stmt, 4);
            if ((*claims = malloc(len + 1)) == NULL)
                err = CS_ERR_NO_MEMORY;
            else if (len > 0)
                memcpy(*claims, blob, len);
            *claims_len = len;
        }
    } else if (rc != SQLITE_DONE) {
        err = registry_sql_error(registry, rc, "looking up a number", detail, size);
    }
    sqlite3_reset(stmt);
    return err;
}

cs_err registry_check_actor(const cs_registry_actor *actor, char *detail, size_t size)
{
    if (actor != NULL && actor->reason != NULL && strlen(actor->reason) > CS_REGISTRY_REASON_MAX)
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the reason is longer than %d bytes (shorten it)",
                              CS_REGISTRY_REASON_MAX);
    if (actor != NULL && actor->name != NULL && strlen(actor->name) > CS_REGISTRY_REASON_MAX)
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the actor name is longer than %d bytes", CS_REGISTRY_REASON_MAX);
    return CS_OK;
}

cs_err registry_insert_event(cs_registry_t *registry, const char *number, uint64_t revision,
                             int64_t at, const char *action, const cs_registry_actor *actor,
                             char *detail, size_t size)
{
    sqlite3_stmt *stmt = registry_stmt_get(registry, STMT_INSERT_EVENT);
    const char *name = actor != NULL && actor->name != NULL ? actor->name : registry->user;
    const char *reason = actor != NULL ? actor->reason : NULL;

    if (stmt == NULL)
        return registry_sql_error(registry, sqlite3_errcode(registry->db), "recording the event",
                                  detail, size);
    sqlite3_bind_text(stmt, 1, number, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 2, (sqlite3_int64)revision);
    sqlite3_bind_int64(stmt, 3, at);
    sqlite3_bind_text(stmt, 4, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, name, -1, SQLITE_STATIC);
    if (reason != NULL && reason[0] != '\0')
        sqlite3_bind_text(stmt, 6, reason, -1, SQLITE_STATIC);
    return registry_run_bound(registry, stmt, "recording the event", detail, size);
}

static void hex_kid(const uint8_t *kid, char out[2 * CS_KID_SIZE + 1])
{
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", kid[i]);
}

cs_err registry_check_key(cs_registry_t *registry, const cs_key_t *key, bool *recorded,
                          char *detail, size_t size)
{
    char want[2 * CS_KID_SIZE + 1], got[2 * CS_KID_SIZE + 1];
    sqlite3_stmt *stmt;
    cs_err err;

    if (key == NULL || !cs_key_has_private(key))
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "a private key is needed to sign (give the issuer's key)");
    if (registry->has_kid) {
        if (cs_crypto_equal(registry->kid, cs_key_kid(key), CS_KID_SIZE))
            return CS_OK;
        hex_kid(registry->kid, want);
        hex_kid(cs_key_kid(key), got);
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the key (kid %s) is not this registry's issuer key (kid %s); "
                              "use the key the registry was created for",
                              got, want);
    }
    if (recorded == NULL)
        return CS_OK;
    /* First use of an AB registry created without its key: remember it. */
    if ((stmt = registry_stmt_get(registry, STMT_SET_KID)) == NULL)
        return registry_sql_error(registry, sqlite3_errcode(registry->db), "recording the kid",
                                  detail, size);
    sqlite3_bind_blob(stmt, 1, cs_key_kid(key), CS_KID_SIZE, SQLITE_STATIC);
    if ((err = registry_run_bound(registry, stmt, "recording the kid", detail, size)) != CS_OK)
        return err;
    memcpy(registry->kid, cs_key_kid(key), CS_KID_SIZE);
    registry->has_kid = true;
    *recorded = true;
    return CS_OK;
}

/* ---- settings --------------------------------------------------------------- */

const char *cs_registry_role_name(cs_registry_role role)
{
    switch (role) {
    case CS_REGISTRY_ROLE_AB:
        return "accreditation-body";
    case CS_REGISTRY_ROLE_CB:
        return "certification-body";
    }
    return "unknown";
}

cs_registry_role cs_registry_role_of(const cs_registry_t *registry)
{
    return registry != NULL ? registry->role : (cs_registry_role)0;
}

const char *cs_registry_key_path(const cs_registry_t *registry)
{
    return registry != NULL ? registry->key_path : NULL;
}

const char *cs_registry_status_uri(const cs_registry_t *registry)
{
    return registry != NULL ? registry->status_uri : NULL;
}

const char *cs_registry_link_base(const cs_registry_t *registry)
{
    return registry != NULL ? registry->link_base : NULL;
}

uint64_t cs_registry_list_entries(const cs_registry_t *registry)
{
    return registry != NULL ? registry->list_entries : 0;
}

unsigned cs_registry_file_exposure(const cs_registry_t *registry)
{
    return registry != NULL ? registry->file_exposure : 0;
}

const uint8_t *cs_registry_accreditation(const cs_registry_t *registry, size_t *len)
{
    if (len != NULL)
        *len = registry != NULL ? registry->accreditation_len : 0;
    return registry != NULL ? registry->accreditation : NULL;
}

static char *column_strdup(sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    return text != NULL ? strdup((const char *)text) : NULL;
}

cs_err registry_load_settings(cs_registry_t *r, char *detail, size_t size)
{
    static const char sql[] = "SELECT role, key_path, issuer_kid, accreditation, status_uri, "
                              "link_base, list_entries FROM settings WHERE id = 1";
    sqlite3_stmt *stmt = NULL;
    cs_err err = CS_ERR_NO_MEMORY;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &stmt, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                             "the registry has no settings (it was never completed; "
                             "create it again with certseal init)");
        goto fail;
    }
    if (rc != SQLITE_ROW) {
        err = registry_sql_error(r, rc, "reading the settings", detail, size);
        goto fail;
    }
    const char *role = (const char *)sqlite3_column_text(stmt, 0);
    r->role = role != NULL && strcmp(role, "accreditation-body") == 0 ? CS_REGISTRY_ROLE_AB
                                                                      : CS_REGISTRY_ROLE_CB;
    if (sqlite3_column_bytes(stmt, 2) == CS_KID_SIZE) {
        memcpy(r->kid, sqlite3_column_blob(stmt, 2), CS_KID_SIZE);
        r->has_kid = true;
    }
    if (sqlite3_column_type(stmt, 3) == SQLITE_BLOB) {
        r->accreditation_len = (size_t)sqlite3_column_bytes(stmt, 3);
        if ((r->accreditation = malloc(r->accreditation_len)) == NULL)
            goto fail;
        memcpy(r->accreditation, sqlite3_column_blob(stmt, 3), r->accreditation_len);
    }
    r->list_entries = (uint64_t)sqlite3_column_int64(stmt, 6);
    if ((r->key_path = column_strdup(stmt, 1)) == NULL ||
        (r->status_uri = column_strdup(stmt, 4)) == NULL)
        goto fail;
    if (sqlite3_column_type(stmt, 5) != SQLITE_NULL &&
        (r->link_base = column_strdup(stmt, 5)) == NULL)
        goto fail;
    err = CS_OK;
fail:
    sqlite3_finalize(stmt);
    return err;
}

/* The login name of the process's user, for events without an actor. */
static char *process_user(void)
{
    struct passwd pw, *found = NULL;
    char buf[1024], fallback[32];
    if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) == 0 && found != NULL &&
        found->pw_name != NULL && found->pw_name[0] != '\0')
        return strdup(found->pw_name);
    snprintf(fallback, sizeof(fallback), "uid %u", (unsigned)geteuid());
    return strdup(fallback);
}

void cs_registry_close(cs_registry_t **registry)
{
    if (registry == NULL || *registry == NULL)
        return;
    cs_registry_t *r = *registry;
    for (size_t i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(r->stmt[i]);
    sqlite3_close(r->db);
    free(r->key_path);
    free(r->status_uri);
    free(r->link_base);
    free(r->accreditation);
    free(r->user);
    free(r->replayed_token);
    cs_cbor_writer_free(&r->claims);
    cs_crypto_wipe(r->random_pool, sizeof(r->random_pool));
    free(r);
    *registry = NULL;
}

cs_err registry_new_handle(cs_registry_t **out)
{
    cs_registry_t *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return CS_ERR_NO_MEMORY;
    cs_cbor_writer_init(&r->claims);
    r->issue_flags = CS_ISSUE_VERIFY_SIGNATURE;
    if ((r->user = process_user()) == NULL) {
        free(r);
        return CS_ERR_NO_MEMORY;
    }
    *out = r;
    return CS_OK;
}

cs_err registry_open_db(cs_registry_t *r, const char *path, char *detail, size_t size)
{
    int rc = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_CANTOPEN)
        return cs_detail_fail(detail, size, CS_ERR_IO_OPEN, "cannot open the registry: %s",
                              sqlite3_errmsg(r->db));
    if (rc != SQLITE_OK)
        return registry_sql_error(r, rc, "opening the registry", detail, size);
    return registry_schema_configure(r->db, detail, size);
}

cs_err registry_open_with(const char *path, const registry_migration *steps, size_t count,
                          cs_registry_t **out, char *detail, size_t detail_size)
{
    cs_registry_t *r = NULL;
    struct stat st;
    int version = 0;
    cs_err err;

    if (path == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (stat(path, &st) != 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_IO_OPEN,
                              "%s (create it with "
                              "certseal init)",
                              strerror(errno));
    if ((err = registry_new_handle(&r)) != CS_OK)
        return err;
    r->file_exposure = cs_file_exposure_of_mode((unsigned)st.st_mode);
    /* Structure first: a damaged file is neither read nor written, by any
     * command (a write could land beside a damaged page and spread it). */
    if ((err = registry_open_db(r, path, detail, detail_size)) != CS_OK ||
        (err = registry_schema_check(r->db, false, &version, detail, detail_size)) != CS_OK ||
        (err = registry_schema_check_integrity(r->db, detail, detail_size)) != CS_OK)
        goto fail;
    if ((size_t)version != count && (err = registry_schema_upgrade(r->db, steps, count, NULL, NULL,
                                                                   detail, detail_size)) != CS_OK)
        goto fail;
    if ((err = registry_load_settings(r, detail, detail_size)) != CS_OK)
        goto fail;
    *out = r;
    return CS_OK;
fail:
    cs_registry_close(&r);
    return err;
}

cs_err cs_registry_open(const char *path, cs_registry_t **out, char *detail, size_t detail_size)
{
    return registry_open_with(path, registry_migrations, registry_migration_count, out, detail,
                              detail_size);
}
