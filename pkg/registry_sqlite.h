/* SPDX-License-Identifier: ISC */
/*
 * pkg/registry_sqlite.h - private to the SQLite engine (registry_sqlite.c,
 * registry_sqlite_schema.c): the file's schema checks and history.
 * Never installed.
 */
#ifndef CERTSEAL_REGISTRY_SQLITE_H
#define CERTSEAL_REGISTRY_SQLITE_H

#include <sqlite3.h>

#include "registry_db.h"

#pragma GCC visibility push(hidden)

/* A statement of the SQLite engine. */
typedef struct sqlite_query {
    registry_query base;
    sqlite3 *db;
    sqlite3_stmt *stmt;
} sqlite_query;

/* The SQLite engine's connection: the file, and its statements. */
struct registry_db {
    sqlite3 *db;
    sqlite_query queries[SQL_COUNT];
};

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
CS_MUST_CHECK cs_err registry_schema_upgrade(cs_registry_t *registry, sqlite3 *db,
                                             const registry_migration *steps, size_t count,
                                             registry_populate_fn populate, void *ctx,
                                             char *detail, size_t size);

#pragma GCC visibility pop

#endif
