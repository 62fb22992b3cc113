/* SPDX-License-Identifier: ISC */
/*
 * pkg/registry_db.h - private to the registry modules (registry*.c): the
 * handle and what the modules share.  It knows no database engine: the
 * handle's engine (registry_sql.h) runs the SQL.  Never installed.
 */
#ifndef CERTSEAL_REGISTRY_DB_H
#define CERTSEAL_REGISTRY_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/registry.h"
#include "internal.h"
#include "registry_sql.h"

#pragma GCC visibility push(hidden)

#define REGISTRY_RANDOM_POOL 64

/* Tests only: lets a test corrupt a new signature of a batch before its
 * self-check (cose: its bytes, len of them; input_index: the certificate's
 * index in the batch), to show that a signature which does not verify is
 * never committed.  Always NULL outside the tests. */
typedef void (*registry_tamper_fn)(size_t input_index, uint8_t *cose, size_t len);

struct cs_registry {
    const registry_engine *engine;
    registry_db *db;
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
    uint8_t key_kid[CS_KID_SIZE]; /* an AC: the CB key it accredits */
    bool has_key_kid;
    unsigned matches; /* how many current rows matched (the first is this one) */
} registry_current;

/* ---- registry.c: plumbing shared by the modules ---------------------------- */

/* The handle's statement `id`, unbound, in *q. */
CS_MUST_CHECK cs_err registry_prepare(cs_registry_t *registry, registry_sql_id id,
                                      registry_query **q, char *detail, size_t size);
/* Steps a bound statement that returns no rows, then resets it. */
CS_MUST_CHECK cs_err registry_run_bound(registry_query *q, const char *doing, char *detail,
                                        size_t size);
/* A write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ
 * COMMITTED with the locks each statement takes, see registry_pg.c). */
CS_MUST_CHECK cs_err registry_begin_write(cs_registry_t *registry, char *detail, size_t size);
/* A read-only transaction that sees one snapshot throughout. */
CS_MUST_CHECK cs_err registry_begin_snapshot(cs_registry_t *registry, char *detail, size_t size);
CS_MUST_CHECK cs_err registry_commit(cs_registry_t *registry, char *detail, size_t size);
void registry_rollback(cs_registry_t *registry);
/* How often a write transaction that lost to a concurrent one
 * (CS_ERR_REGISTRY_CONFLICT) is run again before the error is returned. */
#define REGISTRY_ATTEMPTS 12
/* Before attempt `attempt` (1, 2, ...) of a transaction that conflicted:
 * waits a short random while that grows with attempt, so that stations
 * that collided do not collide again.  False when no attempt is left
 * (detail then says so). */
bool registry_retry_wait(unsigned attempt, cs_err err, char *detail, size_t size);
/* CS_OK with *found set; the row of the current revision when found, and
 * when claims is not NULL a copy of its claims (*claims freed with free()). */
CS_MUST_CHECK cs_err registry_find_current(cs_registry_t *registry, const char *number, bool *found,
                                           registry_current *current, uint8_t **claims,
                                           size_t *claims_len, char *detail, size_t size);
/* What registry_find_current_many() hands over for each number found:
 * its position i, its current row and that row's claims (borrowed during
 * the call).  Anything but CS_OK stops the look-up with that error. */
typedef cs_err (*registry_found_fn)(void *ctx, size_t i, const registry_current *current,
                                    const uint8_t *claims, size_t claims_len, char *detail,
                                    size_t size);
/* registry_find_current() of numbers[0..count) in one statement (a
 * certification body's registry: one current row per number); found is
 * called for each number that has one, in no particular order.  Errors:
 * CS_ERR_ARGUMENT (a number that is not UTF-8), CS_ERR_NO_MEMORY, the
 * statement's, found's. */
CS_MUST_CHECK cs_err registry_find_current_many(cs_registry_t *registry, const char *const *numbers,
                                                size_t count, registry_found_fn found, void *ctx,
                                                char *detail, size_t size);
/* registry_find_current() among the rows of one CB key (key_kid; NULL:
 * any), for an AB's credentials. */
CS_MUST_CHECK cs_err registry_find_current_key(cs_registry_t *registry, const char *number,
                                               const uint8_t *key_kid, bool *found,
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

/* A zeroed handle with its default actor, for location's engine.
 * Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err registry_new_handle(const char *location, cs_registry_t **out);
/* Reads the settings row into the handle. */
CS_MUST_CHECK cs_err registry_load_settings(cs_registry_t *registry, char *detail, size_t size);
/* "valid", "suspended", ... */
const char *registry_status_word(cs_status status);

/* ---- registry_issue.c -------------------------------------------------------- */

/* Draws `count` distinct unused status indexes, each uniformly from
 * [0, list_entries), inside a write transaction, in one statement (more
 * only when few candidates were free); `used` is how many indexes are
 * taken.  PostgreSQL: each drawn index is held by the transaction until it
 * ends, so no other station draws it meanwhile.  Errors:
 * CS_ERR_REGISTRY_FULL (past three quarters of the list, see
 * registry_indexes_left()), the statement's, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err registry_draw_indexes(cs_registry_t *registry, uint64_t used, size_t count,
                                           uint64_t *out, char *detail, size_t size);
/* registry_draw_indexes() of one. */
CS_MUST_CHECK cs_err registry_draw_index(cs_registry_t *registry, uint64_t used, uint64_t *index,
                                         char *detail, size_t size);
/* How many more indexes may be drawn when `used` are taken: a registry
 * fills at most three quarters of its list. */
uint64_t registry_indexes_left(const cs_registry_t *registry, uint64_t used);
/* CS_ERR_REGISTRY_FULL, with detail saying `used` entries are taken. */
CS_MUST_CHECK cs_err registry_full(const cs_registry_t *registry, uint64_t used, char *detail,
                                   size_t size);
/* cert's status reference: the registry's list at index. */
CS_MUST_CHECK cs_err registry_set_status_ref(const cs_registry_t *registry, cs_certificate *cert,
                                             uint64_t index);
/* Records cert, signed (claims and token as the issuer made them; its
 * status reference set), as a new current object with its "issued"
 * event, inside the caller's write transaction. */
CS_MUST_CHECK cs_err registry_record_certificate(cs_registry_t *registry,
                                                 const cs_certificate *cert, const uint8_t *claims,
                                                 size_t claims_len, const char *token,
                                                 size_t token_len, const cs_registry_actor *actor,
                                                 int64_t recorded_at, char *detail, size_t size);
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
                                             const uint8_t *claims, size_t claims_len, char *detail,
                                             size_t size);
/* How many objects are taken, as far as drawing `need` more indexes goes:
 * a cheap upper bound (max(id)) while that leaves room for them, else the
 * exact count (a scan of the table, on PostgreSQL costly once it is large). */
CS_MUST_CHECK cs_err registry_count_for_draw(cs_registry_t *registry, size_t need, uint64_t *used,
                                             char *detail, size_t size);
CS_MUST_CHECK cs_err registry_count_objects(cs_registry_t *registry, uint64_t *count, char *detail,
                                            size_t size);

/* ---- registry_sqlite.c, registry_sqlite_schema.c: the SQLite engine ------ */

/* The SQLite file's schema history (CS_REGISTRY_SCHEMA_VERSION steps). */
extern const registry_migration registry_migrations[];
extern const size_t registry_migration_count; /* = CS_REGISTRY_SCHEMA_VERSION */

/* cs_registry_open() of a file with another migration history (tests). */
CS_MUST_CHECK cs_err registry_open_with(const char *path, const registry_migration *steps,
                                        size_t count, cs_registry_t **out, char *detail,
                                        size_t detail_size);
/* The SQLite engine's open of an existing file with the migration history
 * steps[0..count) (registry_open_with()). */
CS_MUST_CHECK cs_err registry_sqlite_open_history(cs_registry_t *registry, const char *path,
                                                  const registry_migration *steps, size_t count,
                                                  char *detail, size_t size);
/* The SQLite connection of a file registry (tests); NULL for another engine. */
struct sqlite3 *registry_sqlite_handle(cs_registry_t *registry);

/* ---- registry_pg_schema.c: the PostgreSQL engine's schema history -------- */

extern const registry_migration registry_pg_migrations[];
extern const size_t registry_pg_migration_count;

#pragma GCC visibility pop

#endif
