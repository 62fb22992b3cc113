/* SPDX-License-Identifier: ISC */
/*
 * pkg/registry_db.h - private to the registry modules (registry.c,
 * registry_issue.c, registry_schema.c): the handle, its prepared
 * statements, and the schema migrations.  Never installed.
 */
#ifndef CERTSEAL_REGISTRY_DB_H
#define CERTSEAL_REGISTRY_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "certseal/registry.h"
#include "internal.h"

#pragma GCC visibility push(hidden)

/* The statements a handle prepares once and reuses (registry.c lists
 * their SQL in the same order). */
typedef enum registry_stmt {
    STMT_BEGIN_WRITE,
    STMT_BEGIN_READ,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_FIND_CURRENT,
    STMT_INDEX_USED,
    STMT_COUNT_OBJECTS,
    STMT_INSERT_OBJECT,
    STMT_SET_STATUS,
    STMT_INSERT_EVENT,
    STMT_SET_KID,
    STMT_ALL_STATUSES,
    STMT_COUNT
} registry_stmt;

#define REGISTRY_RANDOM_POOL 64

/* Tests only: lets a test corrupt the copy of a new signature that a batch
 * hands to its verifier thread (cose: that copy, len bytes; input_index:
 * the certificate's index in the batch), to show that a signature which
 * does not verify is never committed.  Always NULL outside the tests. */
typedef void (*registry_tamper_fn)(size_t input_index, uint8_t *cose, size_t len);

struct cs_registry {
    sqlite3 *db;
    cs_registry_role role;
    char *key_path;
    char *status_uri;
    char *link_base;
    uint8_t *accreditation;
    size_t accreditation_len;
    uint64_t list_entries;
    unsigned file_exposure; /* CS_FILE_GROUP_* | CS_FILE_OTHERS_* of the file when opened */
    uint8_t kid[CS_KID_SIZE];
    bool has_kid;
    char *user;           /* the default actor: the process's user */
    unsigned issue_flags; /* cs_issuer_issue() flags: CS_ISSUE_VERIFY_SIGNATURE (STYLE 10);
                             only a benchmark turns it off */
    registry_tamper_fn test_tamper; /* tests only, NULL otherwise: see registry_tamper_fn */
    sqlite3_stmt *stmt[STMT_COUNT];
    cs_cbor_writer claims;
    uint64_t random_pool[REGISTRY_RANDOM_POOL];
    size_t random_left;
    char *replayed_token; /* the recorded token a repeated supersede gives back */
};

/* The current revision of a number, as STMT_FIND_CURRENT reads it. */
typedef struct registry_current {
    int64_t id;
    uint64_t revision;
    uint64_t status_index;
    cs_status status;
} registry_current;

/* ---- registry.c: plumbing shared by the modules ---------------------------- */

/* Maps an SQLite result to a cs_err (busy, memory, everything else) and
 * writes what SQLite said to detail. */
cs_err registry_sql_error(cs_registry_t *registry, int rc, const char *doing, char *detail,
                          size_t size);
/* The statement, reset and unbound, ready for binding (prepared on first
 * use).  NULL when it does not prepare. */
sqlite3_stmt *registry_stmt_get(cs_registry_t *registry, registry_stmt which);
/* Steps a bound statement that returns no rows, then resets it. */
CS_MUST_CHECK cs_err registry_run_bound(cs_registry_t *registry, sqlite3_stmt *stmt,
                                        const char *doing, char *detail, size_t size);
/* Runs a statement without result rows (BEGIN, INSERT, ...). */
CS_MUST_CHECK cs_err registry_run(cs_registry_t *registry, registry_stmt which, const char *doing,
                                  char *detail, size_t size);
CS_MUST_CHECK cs_err registry_begin_write(cs_registry_t *registry, char *detail, size_t size);
CS_MUST_CHECK cs_err registry_commit(cs_registry_t *registry, char *detail, size_t size);
void registry_rollback(cs_registry_t *registry);
/* CS_OK with *found set; the row of the current revision when found, and
 * when claims is not NULL a copy of its claims (*claims freed with free()). */
CS_MUST_CHECK cs_err registry_find_current(cs_registry_t *registry, const char *number, bool *found,
                                           registry_current *current, uint8_t **claims,
                                           size_t *claims_len, char *detail, size_t size);
/* "certificate" or "accreditation", for messages. */
const char *registry_noun(const cs_registry_t *registry);
CS_MUST_CHECK cs_err registry_insert_event(cs_registry_t *registry, const char *number,
                                           uint64_t revision, int64_t at, const char *action,
                                           const cs_registry_actor *actor, char *detail,
                                           size_t size);
/* Refuses a reason longer than CS_REGISTRY_REASON_MAX. */
CS_MUST_CHECK cs_err registry_check_actor(const cs_registry_actor *actor, char *detail,
                                          size_t size);
/* Checks that key is the registry's issuer key.  When the registry knows
 * no kid yet and recorded is not NULL, records the key's kid (inside the
 * caller's write transaction) and sets *recorded: on rollback the caller
 * clears registry->has_kid again. */
CS_MUST_CHECK cs_err registry_check_key(cs_registry_t *registry, const cs_key_t *key,
                                        bool *recorded, char *detail, size_t size);

/* A zeroed handle with its default actor.  Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err registry_new_handle(cs_registry_t **out);
/* Opens path (which must exist) into registry->db and configures it. */
CS_MUST_CHECK cs_err registry_open_db(cs_registry_t *registry, const char *path, char *detail,
                                      size_t size);
/* Reads the settings row into the handle. */
CS_MUST_CHECK cs_err registry_load_settings(cs_registry_t *registry, char *detail, size_t size);
/* "valid", "suspended", ... */
const char *registry_status_word(cs_status status);

/* ---- registry_issue.c -------------------------------------------------------- */

/* Draws an unused status index uniformly from [0, list_entries), inside a
 * write transaction; `used` is how many indexes are taken. */
CS_MUST_CHECK cs_err registry_draw_index(cs_registry_t *registry, uint64_t used, uint64_t *index,
                                         char *detail, size_t size);
/* Refuses an issuer whose key is not the registry's, an AB registry, and
 * the link form without a link base. */
CS_MUST_CHECK cs_err registry_check_issuer(cs_registry_t *registry, cs_issuer_t *issuer,
                                           cs_form form, char *detail, size_t size);
/* One certificate inside the caller's write transaction: draws its index
 * (`used` indexes are taken; incremented), signs it with cs_issuer_issue()
 * `flags` (registry->issue_flags, or without CS_ISSUE_VERIFY_SIGNATURE when
 * the caller verifies the signature itself before its COMMIT), records it
 * and its event, and supersedes `old` when not NULL. */
CS_MUST_CHECK cs_err registry_issue_one(cs_registry_t *registry, cs_issuer_t *issuer,
                                        cs_certificate *cert, const registry_current *old,
                                        cs_form form, unsigned flags,
                                        const cs_registry_actor *actor, uint64_t *used,
                                        const char **token, size_t *token_len, char *detail,
                                        size_t size);
/* cert, whose number is recorded as *cur with claims[0..claims_len), is
 * that same certificate: CS_OK (cert gets the recorded status reference,
 * issuer and accreditation number); else CS_ERR_REGISTRY_DUPLICATE. */
CS_MUST_CHECK cs_err registry_check_recorded(cs_registry_t *registry, cs_issuer_t *issuer,
                                             cs_certificate *cert, const registry_current *cur,
                                             const uint8_t *claims, size_t claims_len,
                                             char *detail, size_t size);
CS_MUST_CHECK cs_err registry_count_objects(cs_registry_t *registry, uint64_t *count, char *detail,
                                            size_t size);

/* ---- registry_schema.c ------------------------------------------------------- */

/* One step of the schema's history: SQL that turns version `index` into
 * version `index + 1` (the first step creates the schema). */
typedef struct registry_migration {
    const char *sql;
} registry_migration;

extern const registry_migration registry_migrations[];
extern const size_t registry_migration_count; /* = CS_REGISTRY_SCHEMA_VERSION */

/* PRAGMA quick_check: CS_OK when SQLite finds the file's structure sound,
 * else CS_ERR_REGISTRY_DAMAGED with what it found first. */
CS_MUST_CHECK cs_err registry_schema_check_integrity(sqlite3 *db, char *detail, size_t size);

/* Per-connection settings: busy timeout, WAL, synchronous=FULL, ... */
CS_MUST_CHECK cs_err registry_schema_configure(sqlite3 *db, char *detail, size_t size);

/* Refuses a file that is not a registry: its application_id must be ours
 * (or, with allow_empty, the file must be a fresh empty database).
 * *version receives its user_version. */
CS_MUST_CHECK cs_err registry_schema_check(sqlite3 *db, bool allow_empty, int *version,
                                           char *detail, size_t size);

/* Runs inside the transaction that creates a registry, after the schema. */
typedef cs_err (*registry_populate_fn)(void *ctx, sqlite3 *db, char *detail, size_t size);

/*
 * Brings the schema to version `count` by applying steps[version..count)
 * in one IMMEDIATE transaction, with user_version and application_id set at
 * its end; a file already at `count` is left alone, a newer one refused.
 * populate (may be NULL) runs in the same transaction when the file was
 * empty (version 0), so that a new registry appears with its settings or
 * not at all.
 * Errors: CS_ERR_REGISTRY_SCHEMA (newer), CS_ERR_REGISTRY (a step failed:
 * nothing changed), CS_ERR_REGISTRY_BUSY, populate's errors.
 */
CS_MUST_CHECK cs_err registry_schema_upgrade(sqlite3 *db, const registry_migration *steps,
                                             size_t count, registry_populate_fn populate, void *ctx,
                                             char *detail, size_t size);

/* cs_registry_open() with another migration history (for tests). */
CS_MUST_CHECK cs_err registry_open_with(const char *path, const registry_migration *steps,
                                        size_t count, cs_registry_t **out, char *detail,
                                        size_t detail_size);

#pragma GCC visibility pop

#endif
