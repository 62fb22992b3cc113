/* SPDX-License-Identifier: ISC */
/*
 * The registry's SQL layer (pkg/registry_sql.h) on both engines: values
 * of every type through bind and column, a unique violation (retryable on
 * PostgreSQL, not on SQLite's single writer), a snapshot that does not
 * see a commit made after it began, and on PostgreSQL an index another
 * station holds, a connection cut by the server, and the bounded retry.
 * PostgreSQL sends the rows of SQL_INSERT_OBJECT and SQL_INSERT_EVENT in
 * bulk (pkg/registry_pg.c): the statements after them and the commit see
 * them, in order, with every value as bound; a unique violation among
 * them is the step's or the commit's conflict, and leaves nothing; a
 * station killed between its steps and its commit leaves nothing either.
 *
 * The PostgreSQL half starts a throwaway server (tests/cli/pg_server.sh);
 * when it cannot, it says so loudly and skips, except under CI (CI set),
 * where that is a failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry_db.h"
#include "test_registry_world.h"

static registry_world W;
static char server_dir[256]; /* "" when no server runs */
static unsigned databases;

/* ---- locations -------------------------------------------------------------------- */

/* Runs a shell command and reads its first line of output into out. */
static bool run_line(const char *command, char *out, size_t size)
{
    FILE *p = popen(command, "r");
    bool ok = p != NULL && fgets(out, (int)size, p) != NULL;
    if (p != NULL && pclose(p) != 0)
        ok = false;
    if (ok)
        out[strcspn(out, "\n")] = '\0';
    return ok;
}

static void start_server(void)
{
    char command[600], uri[512];
    const char *tmp = getenv("TMPDIR");

    snprintf(server_dir, sizeof(server_dir), "%s/certseal-pgunit.XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(server_dir) == NULL) {
        server_dir[0] = '\0';
        return;
    }
    snprintf(command, sizeof(command), "sh tests/cli/pg_server.sh start '%s' 2>&1", server_dir);
    if (!run_line(command, uri, sizeof(uri)) || strncmp(uri, "postgresql://", 13) != 0) {
        fprintf(stderr, "test_registry_sql: the server did not start: %s\n", uri);
        snprintf(command, sizeof(command), "rm -rf '%s'", server_dir);
        (void)system(command);
        server_dir[0] = '\0';
    }
}

static void stop_server(void)
{
    char command[600];
    if (server_dir[0] == '\0')
        return;
    snprintf(command, sizeof(command), "sh tests/cli/pg_server.sh stop '%s'; rm -rf '%s'",
             server_dir, server_dir);
    (void)system(command);
}

/* A fresh location for a registry: a file, or an empty database. */
static const char *fresh_location(bool pg)
{
    static char location[8][512];
    static unsigned next;
    char *out = location[next++ % 8], command[600];

    if (!pg) {
        snprintf(out, sizeof(location[0]), "%s/r%u.db", W.dir, next);
        return out;
    }
    snprintf(command, sizeof(command), "sh tests/cli/pg_server.sh createdb '%s' db%u",
             server_dir, ++databases);
    assert_true(run_line(command, out, sizeof(location[0])));
    return out;
}

static cs_registry_t *create_at(const char *location)
{
    cs_registry_settings s = world_cb_settings(&W, 0);
    cs_registry_t *r = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_registry_create(location, &s, &r, detail, sizeof(detail));
    if (err != CS_OK)
        print_message("create: %s: %s\n", cs_err_name(err), detail);
    assert_int_equal(err, CS_OK);
    return r;
}

static cs_registry_t *open_at(const char *location)
{
    cs_registry_t *r = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_registry_open(location, &r, detail, sizeof(detail));
    if (err != CS_OK)
        print_message("open: %s: %s\n", cs_err_name(err), detail);
    assert_int_equal(err, CS_OK);
    return r;
}

/* Skips a PostgreSQL test without a server (CI: fails). */
static bool have_server(bool pg)
{
    if (!pg || server_dir[0] != '\0')
        return true;
    if (getenv("CI") != NULL)
        fail_msg("the PostgreSQL server did not start, and CI needs it");
    return false;
}

/* ---- the tests ---------------------------------------------------------------------- */

static const uint8_t claims[] = {0x00, 0xff, 0x00, 0x41};
static const uint8_t kid[CS_KID_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8};
static const char token[] = "CS1:\xc3\x84\xe2\x82\xac\xf0\x9f\x98\x80";

/* One object with explicit values, as SQL_LOAD_OBJECT takes them. */
static cs_err load_object(cs_registry_t *r, int64_t id, int64_t index, const uint8_t *blob,
                          size_t blob_len, char *detail, size_t size)
{
    registry_query *q = NULL;
    char number[32];
    cs_err err;

    snprintf(number, sizeof(number), "N-%lld", (long long)id);
    if ((err = registry_prepare(r, SQL_LOAD_OBJECT, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_int64(q, 1, id);
    sql_bind_text(q, 2, number);
    sql_bind_int64(q, 3, 0);
    sql_bind_int64(q, 4, index);
    sql_bind_int64(q, 5, 0);
    sql_bind_int64(q, 6, 1);
    sql_bind_blob(q, 7, blob, blob_len);
    sql_bind_text(q, 8, token);
    sql_bind_int64(q, 9, -5);
    sql_bind_int64(q, 10, INT64_C(1) << 40);
    sql_bind_int64(q, 11, INT64_MAX);
    sql_bind_text(q, 12, "Subject");
    sql_bind_text(q, 13, "ISO 9001:2015");
    sql_bind_blob(q, 14, NULL, 0);
    sql_bind_blob(q, 15, kid, sizeof(kid));
    return registry_run_bound(q, "loading", detail, size);
}

static void values_round_trip(bool pg)
{
    if (!have_server(pg))
        return;
    cs_registry_t *r = create_at(fresh_location(pg));
    char detail[CS_DETAIL_SIZE] = "";
    registry_query *q = NULL;
    const uint8_t *blob;
    size_t len = 0;
    bool row = false;

    assert_int_equal(registry_begin_write(r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(load_object(r, 1000, 7, claims, sizeof(claims), detail, sizeof(detail)),
                     CS_OK);
    /* An empty blob stays a blob, not NULL. */
    assert_int_equal(load_object(r, 1001, 8, (const uint8_t *)"", 0, detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(registry_commit(r, detail, sizeof(detail)), CS_OK);

    assert_int_equal(registry_prepare(r, SQL_DUMP_OBJECTS, &q, detail, sizeof(detail)), CS_OK);
    assert_int_equal(sql_step(q, &row, "reading", detail, sizeof(detail)), CS_OK);
    assert_true(row);
    assert_int_equal(sql_column_int64(q, 0), 1000);
    assert_string_equal(sql_column_text(q, 1), "N-1000");
    assert_int_equal(sql_column_type(q, 6), REGISTRY_SQL_BLOB);
    blob = sql_column_blob(q, 6, &len);
    assert_int_equal(len, sizeof(claims));
    assert_memory_equal(blob, claims, sizeof(claims));
    assert_int_equal(sql_column_type(q, 7), REGISTRY_SQL_TEXT);
    assert_string_equal(sql_column_text(q, 7), token);
    assert_int_equal(sql_column_int64(q, 8), -5);
    assert_int_equal(sql_column_int64(q, 9), INT64_C(1) << 40);
    assert_int_equal(sql_column_int64(q, 10), INT64_MAX);
    assert_int_equal(sql_column_type(q, 13), REGISTRY_SQL_NULL);
    assert_null(sql_column_blob(q, 13, &len));
    blob = sql_column_blob(q, 14, &len);
    assert_int_equal(len, CS_KID_SIZE);
    assert_memory_equal(blob, kid, CS_KID_SIZE);
    assert_int_equal(sql_step(q, &row, "reading", detail, sizeof(detail)), CS_OK);
    assert_true(row);
    assert_int_equal(sql_column_type(q, 6), REGISTRY_SQL_BLOB);
    assert_non_null(sql_column_blob(q, 6, &len));
    assert_int_equal(len, 0);
    assert_int_equal(sql_step(q, &row, "reading", detail, sizeof(detail)), CS_OK);
    assert_false(row);
    sql_reset(q);
    cs_registry_close(&r);
}

static void unique_violation(bool pg)
{
    if (!have_server(pg))
        return;
    cs_registry_t *r = create_at(fresh_location(pg));
    char detail[CS_DETAIL_SIZE] = "";

    assert_int_equal(registry_begin_write(r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(load_object(r, 1, 42, claims, sizeof(claims), detail, sizeof(detail)), CS_OK);
    /* The same status index again: PostgreSQL's stations retry it (another
     * station's draw); SQLite has one writer, so it is a plain error. */
    assert_int_equal(load_object(r, 2, 42, claims, sizeof(claims), detail, sizeof(detail)),
                     pg ? CS_ERR_REGISTRY_CONFLICT : CS_ERR_REGISTRY);
    registry_rollback(r);
    cs_registry_close(&r);
}

static uint64_t count(cs_registry_t *r)
{
    char detail[CS_DETAIL_SIZE] = "";
    uint64_t n = 0;
    assert_int_equal(registry_count_objects(r, &n, detail, sizeof(detail)), CS_OK);
    return n;
}

static void issue_one(cs_registry_t *r, const char *number)
{
    cs_certificate cert;
    const char *tok = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    assert_int_equal(world_cert(&cert, number), CS_OK);
    cs_err err = cs_registry_issue_certificate(r, W.issuer, &cert, NULL, CS_FORM_OFFLINE, NULL,
                                               &tok, &len, detail, sizeof(detail));
    if (err != CS_OK)
        print_message("issue: %s: %s\n", cs_err_name(err), detail);
    assert_int_equal(err, CS_OK);
    cs_certificate_clear(&cert);
}

static void snapshot(bool pg)
{
    if (!have_server(pg))
        return;
    const char *location = fresh_location(pg);
    cs_registry_t *reader = create_at(location), *writer = open_at(location);
    char detail[CS_DETAIL_SIZE] = "";

    issue_one(writer, "SNAP-1");
    assert_int_equal(registry_begin_snapshot(reader, detail, sizeof(detail)), CS_OK);
    assert_int_equal(count(reader), 1);
    issue_one(writer, "SNAP-2");
    assert_int_equal(count(reader), 1); /* the snapshot's */
    assert_int_equal(registry_commit(reader, detail, sizeof(detail)), CS_OK);
    assert_int_equal(count(reader), 2);
    cs_registry_close(&writer);
    cs_registry_close(&reader);
}

static bool index_used(cs_registry_t *r, int64_t index)
{
    registry_query *q = NULL;
    char detail[CS_DETAIL_SIZE] = "", json[32];
    bool row = true;

    snprintf(json, sizeof(json), "[%lld]", (long long)index);
    assert_int_equal(registry_prepare(r, SQL_INDEXES_FREE, &q, detail, sizeof(detail)), CS_OK);
    sql_bind_text(q, 1, json);
    assert_int_equal(sql_step(q, &row, "drawing", detail, sizeof(detail)), CS_OK);
    if (row)
        assert_int_equal(sql_column_int64(q, 0), index);
    sql_reset(q);
    return !row;
}

/* PostgreSQL: an index another station has drawn (not yet committed) is
 * taken for everyone else, without waiting; free again at its rollback. */
static void test_pg_index_held(void **state)
{
    (void)state;
    if (!have_server(true))
        return;
    const char *location = fresh_location(true);
    cs_registry_t *a = create_at(location), *b = open_at(location);
    char detail[CS_DETAIL_SIZE] = "";

    assert_int_equal(registry_begin_write(b, detail, sizeof(detail)), CS_OK);
    assert_false(index_used(b, 5));
    assert_false(index_used(b, 5)); /* its own draw: still free to it */
    assert_int_equal(registry_begin_write(a, detail, sizeof(detail)), CS_OK);
    assert_true(index_used(a, 5));
    assert_false(index_used(a, 6));
    registry_rollback(b);
    assert_false(index_used(a, 5));
    registry_rollback(a);
    cs_registry_close(&b);
    cs_registry_close(&a);
}

/* PostgreSQL: a connection the server cuts is CS_ERR_REGISTRY_CONNECTION,
 * and nothing of the transaction in flight is recorded. */
static void test_pg_connection_lost(void **state)
{
    (void)state;
    if (!have_server(true))
        return;
    const char *location = fresh_location(true);
    cs_registry_t *r = create_at(location);
    char detail[CS_DETAIL_SIZE] = "", command[900], out[64];

    issue_one(r, "LOST-1");
    assert_int_equal(registry_begin_write(r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(load_object(r, 77, 77, claims, sizeof(claims), detail, sizeof(detail)), CS_OK);
    snprintf(command, sizeof(command),
             "psql -X -q -t -A -h '%s/pg/run' -p \"$(cat '%s/pg/port')\" -U certseal -d postgres "
             "-c \"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
             "application_name = 'certseal'\"",
             server_dir, server_dir);
    assert_true(run_line(command, out, sizeof(out)));
    assert_string_equal(out, "1");
    assert_int_equal(registry_commit(r, detail, sizeof(detail)), CS_ERR_REGISTRY_CONNECTION);
    assert_non_null(strstr(detail, "connection"));
    registry_rollback(r);
    cs_registry_close(&r);
    r = open_at(location);
    assert_int_equal(count(r), 1);
    cs_registry_close(&r);
}

/* ---- rows in bulk (PostgreSQL) ----------------------------------------------------- */

/* Through SQL_INSERT_OBJECT, as issuing records an object. */
static cs_err insert_object_row(cs_registry_t *r, const char *number, int64_t index,
                                const uint8_t *blob, size_t blob_len, char *detail, size_t size)
{
    registry_query *q = NULL;
    cs_err err;

    if ((err = registry_prepare(r, SQL_INSERT_OBJECT, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, number);
    sql_bind_int64(q, 2, 0);
    sql_bind_int64(q, 3, index);
    sql_bind_blob(q, 4, blob, blob_len);
    sql_bind_text(q, 5, token);
    sql_bind_int64(q, 6, INT64_MIN);
    sql_bind_int64(q, 7, INT64_MAX);
    sql_bind_int64(q, 8, -1);
    sql_bind_text(q, 9, "Tab\there, back\\slash, new\nline");
    sql_bind_text(q, 10, "ISO 9001:2015");
    sql_bind_blob(q, 11, NULL, 0);
    sql_bind_blob(q, 12, kid, sizeof(kid));
    return registry_run_bound(q, "recording the issued object", detail, size);
}

static cs_err insert_event_row(cs_registry_t *r, const char *number, int64_t at, char *detail,
                               size_t size)
{
    registry_query *q = NULL;
    cs_err err;

    if ((err = registry_prepare(r, SQL_INSERT_EVENT, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, number);
    sql_bind_int64(q, 2, 0);
    sql_bind_int64(q, 3, at);
    sql_bind_text(q, 4, "issued");
    sql_bind_text(q, 5, "station \xc3\xa9");
    sql_bind_text(q, 6, at % 2 == 0 ? NULL : "a reason");
    return registry_run_bound(q, "recording the event", detail, size);
}

static uint64_t count_events(cs_registry_t *r)
{
    registry_query *q = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    bool row = false;
    uint64_t n = 0;

    assert_int_equal(registry_prepare(r, SQL_COUNT_ALL, &q, detail, sizeof(detail)), CS_OK);
    assert_int_equal(sql_step(q, &row, "counting", detail, sizeof(detail)), CS_OK);
    assert_true(row);
    n = (uint64_t)sql_column_int64(q, 2);
    sql_reset(q);
    return n;
}

/* Objects, then (at 1, 2, ...) events in step order, with every value as
 * bound, whichever way they reached the server. */
static void check_rows(cs_registry_t *r, unsigned objects, unsigned events)
{
    registry_query *q = NULL;
    char detail[CS_DETAIL_SIZE] = "", number[32];
    const uint8_t *blob;
    size_t len = 0;
    bool row = false;

    assert_int_equal(registry_prepare(r, SQL_DUMP_OBJECTS, &q, detail, sizeof(detail)), CS_OK);
    for (unsigned i = 0; i < objects; i++) {
        assert_int_equal(sql_step(q, &row, "reading", detail, sizeof(detail)), CS_OK);
        assert_true(row);
        snprintf(number, sizeof(number), "B-%u", i);
        assert_string_equal(sql_column_text(q, 1), number);
        assert_int_equal(sql_column_int64(q, 3), 1000 + i); /* status_index */
        assert_int_equal(sql_column_int64(q, 4), 0);        /* status: valid */
        assert_int_equal(sql_column_int64(q, 5), 1);        /* current */
        blob = sql_column_blob(q, 6, &len);
        assert_int_equal(len, sizeof(claims));
        assert_memory_equal(blob, claims, sizeof(claims));
        assert_string_equal(sql_column_text(q, 7), token);
        assert_int_equal(sql_column_int64(q, 8), INT64_MIN);
        assert_int_equal(sql_column_int64(q, 9), INT64_MAX);
        assert_int_equal(sql_column_int64(q, 10), -1);
        assert_string_equal(sql_column_text(q, 11), "Tab\there, back\\slash, new\nline");
        assert_int_equal(sql_column_type(q, 13), REGISTRY_SQL_NULL);
        blob = sql_column_blob(q, 14, &len);
        assert_int_equal(len, CS_KID_SIZE);
        assert_memory_equal(blob, kid, CS_KID_SIZE);
    }
    assert_int_equal(sql_step(q, &row, "reading", detail, sizeof(detail)), CS_OK);
    assert_false(row);
    sql_reset(q);

    assert_int_equal(registry_prepare(r, SQL_EACH_EVENT, &q, detail, sizeof(detail)), CS_OK);
    sql_bind_text(q, 1, NULL);
    for (unsigned i = 1; i <= events; i++) {
        assert_int_equal(sql_step(q, &row, "reading", detail, sizeof(detail)), CS_OK);
        assert_true(row);
        assert_int_equal(sql_column_int64(q, 0), i); /* at: the order they were stepped in */
        assert_string_equal(sql_column_text(q, 4), "station \xc3\xa9");
        if (i % 2 == 0)
            assert_null(sql_column_text(q, 5));
        else
            assert_string_equal(sql_column_text(q, 5), "a reason");
    }
    assert_int_equal(sql_step(q, &row, "reading", detail, sizeof(detail)), CS_OK);
    assert_false(row);
    sql_reset(q);
}

/* Buffered rows: seen by the transaction's next statement, committed in
 * order with their values, by a few (one pipeline) and by many (COPY). */
static void test_pg_rows_in_bulk(void **state)
{
    (void)state;
    if (!have_server(true))
        return;
    cs_registry_t *r = create_at(fresh_location(true));
    char detail[CS_DETAIL_SIZE] = "", number[32];
    unsigned objects = 0, events = 0;
    registry_current cur;
    bool found = false;

    assert_int_equal(registry_begin_write(r, detail, sizeof(detail)), CS_OK);
    /* One object and its event, then a statement that must see them. */
    snprintf(number, sizeof(number), "B-%u", objects);
    assert_int_equal(insert_object_row(r, number, 1000 + objects++, claims, sizeof(claims),
                                       detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(insert_event_row(r, number, ++events, detail, sizeof(detail)), CS_OK);
    assert_int_equal(registry_find_current(r, "B-0", &found, &cur, NULL, NULL, detail,
                                           sizeof(detail)),
                     CS_OK);
    assert_true(found);
    assert_int_equal(cur.status_index, 1000);
    /* Many events between the objects, then many objects: COPY. */
    for (unsigned i = 0; i < 300; i++)
        assert_int_equal(insert_event_row(r, "B-0", ++events, detail, sizeof(detail)), CS_OK);
    for (unsigned i = 0; i < 700; i++) {
        snprintf(number, sizeof(number), "B-%u", objects);
        assert_int_equal(insert_object_row(r, number, 1000 + objects++, claims, sizeof(claims),
                                           detail, sizeof(detail)),
                         CS_OK);
        assert_int_equal(insert_event_row(r, number, ++events, detail, sizeof(detail)), CS_OK);
    }
    assert_int_equal(count(r), objects);
    assert_int_equal(count_events(r), events);
    /* A few left for the commit. */
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(insert_event_row(r, "B-0", ++events, detail, sizeof(detail)), CS_OK);
    assert_int_equal(registry_commit(r, detail, sizeof(detail)), CS_OK);
    check_rows(r, objects, events);

    /* Outside a transaction an insert runs at once. */
    assert_int_equal(insert_event_row(r, "B-0", ++events, detail, sizeof(detail)), CS_OK);
    assert_int_equal(count_events(r), events);
    cs_registry_close(&r);
}

/* Rows past the buffer's bound go on the way, and the rest at the commit;
 * a row bound with a value of another kind (an integer for the number)
 * runs as it is, after the rows before it. */
static void test_pg_rows_large_and_odd(void **state)
{
    (void)state;
    if (!have_server(true))
        return;
    cs_registry_t *r = create_at(fresh_location(true));
    char detail[CS_DETAIL_SIZE] = "", number[32];
    static uint8_t big[100000];
    registry_query *q = NULL;
    bool row = false;

    memset(big, 0x5a, sizeof(big));
    assert_int_equal(registry_begin_write(r, detail, sizeof(detail)), CS_OK);
    for (unsigned i = 0; i < 50; i++) { /* 5 MB */
        snprintf(number, sizeof(number), "L-%u", i);
        assert_int_equal(
            insert_object_row(r, number, 100 + i, big, sizeof(big), detail, sizeof(detail)), CS_OK);
        assert_int_equal(insert_event_row(r, number, i + 1, detail, sizeof(detail)), CS_OK);
    }
    assert_int_equal(registry_prepare(r, SQL_INSERT_EVENT, &q, detail, sizeof(detail)), CS_OK);
    sql_bind_int64(q, 1, 51); /* the number, as an integer */
    sql_bind_int64(q, 2, 0);
    sql_bind_int64(q, 3, 51);
    sql_bind_text(q, 4, "issued");
    sql_bind_text(q, 5, "station \xc3\xa9");
    sql_bind_text(q, 6, "a reason");
    assert_int_equal(registry_run_bound(q, "recording the event", detail, sizeof(detail)), CS_OK);
    assert_int_equal(insert_event_row(r, "L-0", 52, detail, sizeof(detail)), CS_OK);
    assert_int_equal(registry_commit(r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(count(r), 50);
    assert_int_equal(count_events(r), 52);
    assert_int_equal(registry_prepare(r, SQL_EACH_EVENT, &q, detail, sizeof(detail)), CS_OK);
    sql_bind_text(q, 1, NULL);
    for (int64_t at = 1; at <= 52; at++) {
        assert_int_equal(sql_step(q, &row, "reading", detail, sizeof(detail)), CS_OK);
        assert_true(row);
        assert_int_equal(sql_column_int64(q, 0), at);
        if (at == 51)
            assert_string_equal(sql_column_text(q, 1), "51");
    }
    sql_reset(q);
    cs_registry_close(&r);
}

/* A unique violation among buffered rows: CS_ERR_REGISTRY_CONFLICT (the
 * transaction runs again) from the step or the commit that sent them,
 * naming the insert; after the rollback nothing of it is recorded. */
static void unique_at_flush(unsigned rows, bool at_commit)
{
    cs_registry_t *r = create_at(fresh_location(true));
    char detail[CS_DETAIL_SIZE] = "", number[32];
    cs_err err;

    assert_int_equal(registry_begin_write(r, detail, sizeof(detail)), CS_OK);
    for (unsigned i = 0; i < rows; i++) {
        snprintf(number, sizeof(number), "U-%u", i);
        assert_int_equal(
            insert_object_row(r, number, 500 + i, claims, sizeof(claims), detail, sizeof(detail)),
            CS_OK);
        assert_int_equal(insert_event_row(r, number, i + 1, detail, sizeof(detail)), CS_OK);
    }
    /* Its number again, at the end. */
    assert_int_equal(
        insert_object_row(r, "U-0", 9999, claims, sizeof(claims), detail, sizeof(detail)), CS_OK);
    assert_int_equal(insert_event_row(r, "U-0", rows + 1, detail, sizeof(detail)), CS_OK);
    if (at_commit) {
        err = registry_commit(r, detail, sizeof(detail));
    } else {
        uint64_t n = 0;
        err = registry_count_objects(r, &n, detail, sizeof(detail));
    }
    assert_int_equal(err, CS_ERR_REGISTRY_CONFLICT);
    assert_non_null(strstr(detail, "recording the issued object"));
    registry_rollback(r);
    assert_int_equal(count(r), 0);
    assert_int_equal(count_events(r), 0);
    /* The connection goes on: the same rows without the duplicate. */
    assert_int_equal(registry_begin_write(r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(
        insert_object_row(r, "U-0", 500, claims, sizeof(claims), detail, sizeof(detail)), CS_OK);
    assert_int_equal(registry_commit(r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(count(r), 1);
    cs_registry_close(&r);
}

static void test_pg_unique_at_flush(void **state)
{
    (void)state;
    if (!have_server(true))
        return;
    unique_at_flush(1, true);    /* a pipeline, at the commit */
    unique_at_flush(1, false);   /* a pipeline, at the next statement */
    unique_at_flush(200, true);  /* COPY, at the commit */
    unique_at_flush(200, false); /* COPY, at the next statement */
}

/* Two stations: one records a number while the other holds it buffered;
 * the other's commit conflicts, and its rerun sees the number recorded. */
static void test_pg_unique_two_stations(void **state)
{
    (void)state;
    if (!have_server(true))
        return;
    const char *location = fresh_location(true);
    cs_registry_t *a = create_at(location), *b = open_at(location);
    char detail[CS_DETAIL_SIZE] = "";
    registry_current cur;
    bool found = true;

    assert_int_equal(registry_begin_write(b, detail, sizeof(detail)), CS_OK);
    assert_int_equal(registry_find_current(b, "T-1", &found, &cur, NULL, NULL, detail,
                                           sizeof(detail)),
                     CS_OK);
    assert_false(found);
    assert_int_equal(
        insert_object_row(b, "T-1", 1, claims, sizeof(claims), detail, sizeof(detail)), CS_OK);
    assert_int_equal(insert_event_row(b, "T-1", 1, detail, sizeof(detail)), CS_OK);

    assert_int_equal(registry_begin_write(a, detail, sizeof(detail)), CS_OK);
    assert_int_equal(
        insert_object_row(a, "T-1", 2, claims, sizeof(claims), detail, sizeof(detail)), CS_OK);
    assert_int_equal(insert_event_row(a, "T-1", 2, detail, sizeof(detail)), CS_OK);
    assert_int_equal(registry_commit(a, detail, sizeof(detail)), CS_OK);

    assert_int_equal(registry_commit(b, detail, sizeof(detail)), CS_ERR_REGISTRY_CONFLICT);
    assert_non_null(strstr(detail, "recording the issued object"));
    registry_rollback(b);
    assert_int_equal(count(b), 1);
    assert_int_equal(count_events(b), 1);
    assert_int_equal(registry_begin_write(b, detail, sizeof(detail)), CS_OK);
    assert_int_equal(registry_find_current(b, "T-1", &found, &cur, NULL, NULL, detail,
                                           sizeof(detail)),
                     CS_OK);
    assert_true(found);
    assert_int_equal(cur.status_index, 2);
    registry_rollback(b);
    cs_registry_close(&b);
    cs_registry_close(&a);
}

/* Child: one transaction whose rows pass the buffer's bound (so that some
 * reach the server) and a few more buffered, then a byte on `ready` and a
 * wait for SIGKILL.  Exits non-zero when anything fails before. */
static void station_killed_mid_transaction(const char *location, int ready)
{
    static uint8_t big[100000];
    cs_registry_t *r = NULL;
    char detail[CS_DETAIL_SIZE] = "", number[32];

    memset(big, 0xa5, sizeof(big));
    if (cs_registry_open(location, &r, detail, sizeof(detail)) != CS_OK ||
        registry_begin_write(r, detail, sizeof(detail)) != CS_OK)
        _exit(2);
    for (unsigned i = 0; i < 50; i++) { /* 5 MB: one flush on the way */
        snprintf(number, sizeof(number), "K-%u", i);
        if (insert_object_row(r, number, 3000 + i, big, sizeof(big), detail, sizeof(detail)) !=
                CS_OK ||
            insert_event_row(r, number, i + 1, detail, sizeof(detail)) != CS_OK)
            _exit(3);
    }
    if (write(ready, "k", 1) != 1)
        _exit(4);
    for (;;)
        pause();
}

/* A station killed (SIGKILL) between its steps and its commit: neither the
 * rows the server had nor the buffered ones are recorded, and the same
 * numbers and indexes can be issued afterwards. */
static void test_pg_killed_before_commit(void **state)
{
    (void)state;
    if (!have_server(true))
        return;
    const char *location = fresh_location(true);
    cs_registry_t *r = create_at(location);
    char detail[CS_DETAIL_SIZE] = "", command[900], out[64], c = 0;
    int fds[2], status = 0;
    pid_t child;

    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(fds[0]);
        station_killed_mid_transaction(location, fds[1]);
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], &c, 1), 1);
    close(fds[0]);
    /* The server holds part of the transaction (it has written). */
    snprintf(command, sizeof(command),
             "psql -X -q -t -A -h '%s/pg/run' -p \"$(cat '%s/pg/port')\" -U certseal -d postgres "
             "-c \"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'certseal' "
             "AND backend_xid IS NOT NULL\"",
             server_dir, server_dir);
    assert_true(run_line(command, out, sizeof(out)));
    assert_string_equal(out, "1");
    assert_int_equal(kill(child, SIGKILL), 0);
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    assert_int_equal(count(r), 0);
    assert_int_equal(count_events(r), 0);
    assert_int_equal(registry_begin_write(r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(
        insert_object_row(r, "K-0", 3000, claims, sizeof(claims), detail, sizeof(detail)), CS_OK);
    assert_int_equal(insert_event_row(r, "K-0", 1, detail, sizeof(detail)), CS_OK);
    assert_int_equal(registry_commit(r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(count(r), 1);
    assert_int_equal(count_events(r), 1);
    cs_registry_close(&r);
}

static void test_retry_is_bounded(void **state)
{
    char detail[CS_DETAIL_SIZE] = "";
    (void)state;
    assert_true(registry_retry_wait(1, CS_ERR_REGISTRY_CONFLICT, detail, sizeof(detail)));
    assert_false(registry_retry_wait(1, CS_ERR_REGISTRY_BUSY, detail, sizeof(detail)));
    assert_false(registry_retry_wait(1, CS_OK, detail, sizeof(detail)));
    assert_false(
        registry_retry_wait(REGISTRY_ATTEMPTS, CS_ERR_REGISTRY_CONFLICT, detail, sizeof(detail)));
    assert_non_null(strstr(detail, "in a row"));
}

static void test_location_redact(void **state)
{
    char out[200];
    (void)state;
    cs_registry_location_redact("postgresql://cb:s3cret@db.example:5432/cb?sslmode=require", out,
                                sizeof(out));
    assert_string_equal(out, "postgresql://cb:***@db.example:5432/cb?sslmode=require");
    cs_registry_location_redact("postgres://db/cb?user=cb&password=s3cret&sslmode=verify-full", out,
                                sizeof(out));
    assert_string_equal(out, "postgres://db/cb?user=cb&password=***&sslmode=verify-full");
    cs_registry_location_redact("cb.db", out, sizeof(out));
    assert_string_equal(out, "cb.db");
    assert_true(cs_registry_location_is_uri("postgres://x/y"));
    assert_false(cs_registry_location_is_uri("postgresql.db"));
}

static void test_sqlite_values(void **state)
{
    (void)state;
    values_round_trip(false);
}
static void test_pg_values(void **state)
{
    (void)state;
    values_round_trip(true);
}
static void test_sqlite_unique(void **state)
{
    (void)state;
    unique_violation(false);
}
static void test_pg_unique(void **state)
{
    (void)state;
    unique_violation(true);
}
static void test_sqlite_snapshot(void **state)
{
    (void)state;
    snapshot(false);
}
static void test_pg_snapshot(void **state)
{
    (void)state;
    snapshot(true);
}

static int group_setup(void **state)
{
    (void)state;
    (void)world_certs, (void)world_certs_clear; /* the shared world's, unused here */
    start_server();
    if (server_dir[0] == '\0')
        fprintf(stderr, "test_registry_sql: ******** SKIPPED: the PostgreSQL server could not be "
                        "started; the PostgreSQL engine was NOT tested ********\n");
    return world_setup(&W);
}

static int group_teardown(void **state)
{
    (void)state;
    world_teardown(&W);
    stop_server();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_values),  cmocka_unit_test(test_pg_values),
        cmocka_unit_test(test_sqlite_unique),  cmocka_unit_test(test_pg_unique),
        cmocka_unit_test(test_sqlite_snapshot), cmocka_unit_test(test_pg_snapshot),
        cmocka_unit_test(test_pg_index_held),  cmocka_unit_test(test_pg_connection_lost),
        cmocka_unit_test(test_pg_rows_in_bulk), cmocka_unit_test(test_pg_rows_large_and_odd),
        cmocka_unit_test(test_pg_unique_at_flush),
        cmocka_unit_test(test_pg_unique_two_stations),
        cmocka_unit_test(test_pg_killed_before_commit),
        cmocka_unit_test(test_retry_is_bounded), cmocka_unit_test(test_location_redact),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
