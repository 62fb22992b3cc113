/* SPDX-License-Identifier: ISC */
/*
 * The issuer registry (DESIGN §5): creating and opening (and refusing what
 * is not a registry, or a newer one), schema migration, every lifecycle
 * transition allowed and refused, superseding, duplicates, status index
 * uniqueness, randomness and the three-quarter limit, the append-only event
 * log, batches and their re-runs, AB registries, and publishing a status
 * list that verifies and says what the registry says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "registry_db.h"
#include "test_registry_world.h"

static registry_world W;

/* ---- helpers ----------------------------------------------------------------- */

static cs_registry_t *create_cb(const char *path, uint64_t entries)
{
    cs_registry_settings s = world_cb_settings(&W, entries);
    cs_registry_t *r = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_registry_create(path, &s, &r, detail, sizeof(detail));
    if (err != CS_OK)
        print_message("create: %s: %s\n", cs_err_name(err), detail);
    assert_int_equal(err, CS_OK);
    return r;
}

/* A path in the temporary folder (one of a few rotating buffers). */
static char *path_in_dir(const char *name)
{
    static char paths[8][400];
    static unsigned next;
    char *path = paths[next++ % 8];
    snprintf(path, sizeof(paths[0]), "%s/%s", W.dir, name);
    return path;
}

/* Issues number (a fresh typical record) and returns its status index. */
static uint64_t issue(cs_registry_t *r, const char *number, const cs_registry_actor *actor)
{
    cs_certificate cert;
    const char *token = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    assert_int_equal(world_cert(&cert, number), CS_OK);
    cs_err err = cs_registry_issue_certificate(r, W.issuer, &cert, NULL, CS_FORM_OFFLINE, actor,
                                               &token, &len, detail, sizeof(detail));
    if (err != CS_OK)
        print_message("issue %s: %s: %s\n", number, cs_err_name(err), detail);
    assert_int_equal(err, CS_OK);
    assert_true(cert.status.present);
    assert_string_equal(cert.status.uri, STATUS_URI);
    assert_int_equal(strlen(token), len);
    uint64_t index = cert.status.index;
    cs_certificate_clear(&cert);
    return index;
}

static cs_err issue_err(cs_registry_t *r, const char *number, const char *supersedes, char *detail,
                        size_t size)
{
    cs_certificate cert;
    const char *token = NULL;
    size_t len = 0;
    assert_int_equal(world_cert(&cert, number), CS_OK);
    cs_err err = cs_registry_issue_certificate(r, W.issuer, &cert, supersedes, CS_FORM_OFFLINE,
                                               NULL, &token, &len, detail, size);
    cs_certificate_clear(&cert);
    return err;
}

/* Supersedes number with the fixture at the given revision; *token (may be
 * NULL) is borrowed as cs_registry_issue_certificate() says. */
static cs_err supersede(cs_registry_t *r, const char *number, uint64_t revision,
                        const char **token, char *detail, size_t size)
{
    cs_certificate cert;
    const char *ignored = NULL;
    size_t len = 0;
    assert_int_equal(world_cert(&cert, number), CS_OK);
    cert.revision = revision;
    cs_err err = cs_registry_issue_certificate(r, W.issuer, &cert, number, CS_FORM_OFFLINE, NULL,
                                               token != NULL ? token : &ignored, &len, detail,
                                               size);
    cs_certificate_clear(&cert);
    return err;
}

static cs_status status_of(cs_registry_t *r, const char *number)
{
    cs_registry_entry e;
    assert_int_equal(cs_registry_get(r, number, &e), CS_OK);
    cs_status s = e.status;
    cs_registry_entry_clear(&e);
    return s;
}

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = raw_open(path);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static void expect(cs_err got, cs_err want, const char *detail, const char *mention)
{
    if (got != want)
        print_message("expected %s, got %s: %s\n", cs_err_name(want), cs_err_name(got), detail);
    assert_string_equal(cs_err_name(got), cs_err_name(want));
    if (mention != NULL && strstr(detail, mention) == NULL)
        fail_msg("detail \"%s\" does not mention \"%s\"", detail, mention);
}

/* ---- create and open ------------------------------------------------------------ */

static void test_create_and_open(void **state)
{
    (void)state;
    const char *path = path_in_dir("open.db");
    cs_registry_t *r = create_cb(path, 0);
    size_t ac_len = 0;
    struct stat st;

    assert_int_equal(cs_registry_role_of(r), CS_REGISTRY_ROLE_CB);
    assert_string_equal(cs_registry_role_name(cs_registry_role_of(r)), "certification-body");
    assert_string_equal(cs_registry_key_path(r), "cb.key");
    assert_string_equal(cs_registry_status_uri(r), STATUS_URI);
    assert_string_equal(cs_registry_link_base(r), LINK_BASE);
    assert_int_equal(cs_registry_list_entries(r), CS_REGISTRY_DEFAULT_LIST_ENTRIES);
    assert_memory_equal(cs_registry_accreditation(r, &ac_len), W.ac, W.ac_len);
    assert_int_equal(ac_len, W.ac_len);
    cs_registry_close(&r);
    assert_null(r);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    char detail[CS_DETAIL_SIZE] = "";
    assert_int_equal(cs_registry_open(path, &r, detail, sizeof(detail)), CS_OK);
    assert_string_equal(cs_registry_status_uri(r), STATUS_URI);
    assert_int_equal(cs_registry_list_entries(r), CS_REGISTRY_DEFAULT_LIST_ENTRIES);
    cs_registry_close(&r);

    sqlite3 *db = raw_open(path);
    assert_int_equal(raw_int(db, "PRAGMA application_id"), CS_REGISTRY_APPLICATION_ID);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), CS_REGISTRY_SCHEMA_VERSION);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

static void test_refuses(void **state)
{
    (void)state;
    char detail[CS_DETAIL_SIZE] = "";
    cs_registry_t *r = NULL;
    cs_registry_settings s = world_cb_settings(&W, 0);
    const char *path = path_in_dir("refuse.db");

    /* An existing file is never overwritten. */
    r = create_cb(path, 0);
    cs_registry_close(&r);
    expect(cs_registry_create(path, &s, &r, detail, sizeof(detail)), CS_ERR_REGISTRY_EXISTS, detail,
           "exists");
    assert_null(r);

    /* No such file. */
    expect(cs_registry_open(path_in_dir("missing.db"), &r, detail, sizeof(detail)), CS_ERR_IO_OPEN,
           detail, NULL);

    /* A file that is not SQLite, and an SQLite file of another program. */
    FILE *f = fopen(path_in_dir("text.db"), "w");
    assert_non_null(f);
    fputs("this is not a database, just some text that is long enough to matter\n", f);
    for (int i = 0; i < 100; i++)
        fputs("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", f);
    fclose(f);
    expect(cs_registry_open(path_in_dir("text.db"), &r, detail, sizeof(detail)),
           CS_ERR_REGISTRY_SCHEMA, detail, "not");
    raw_exec(path_in_dir("other.db"), "CREATE TABLE t (a); INSERT INTO t VALUES (1);");
    expect(cs_registry_open(path_in_dir("other.db"), &r, detail, sizeof(detail)),
           CS_ERR_REGISTRY_SCHEMA, detail, "not a certseal registry");
    raw_exec(path_in_dir("empty.db"), "PRAGMA user_version = 0;");
    expect(cs_registry_open(path_in_dir("empty.db"), &r, detail, sizeof(detail)),
           CS_ERR_REGISTRY_SCHEMA, detail, NULL);

    /* A registry from a newer certseal. */
    raw_exec(path, "PRAGMA user_version = 99;");
    expect(cs_registry_open(path, &r, detail, sizeof(detail)), CS_ERR_REGISTRY_SCHEMA, detail,
           "newer");
    assert_null(r);

    /* Settings that cannot work; no file is left behind. */
    const char *bad = path_in_dir("bad.db");
    struct stat st;
    s.list_entries = CS_STATUS_LIST_MIN - 1;
    expect(cs_registry_create(bad, &s, &r, detail, sizeof(detail)), CS_ERR_ARGUMENT, detail,
           "status list size");
    s = world_cb_settings(&W, 0);
    s.status_uri = "";
    expect(cs_registry_create(bad, &s, &r, detail, sizeof(detail)), CS_ERR_ARGUMENT, detail, "URI");
    s = world_cb_settings(&W, 0);
    s.link_base = "ftp://nope";
    expect(cs_registry_create(bad, &s, &r, detail, sizeof(detail)), CS_ERR_ARGUMENT, detail,
           "link base");
    s = world_cb_settings(&W, 0);
    s.accreditation = (const uint8_t *)"garbage";
    s.accreditation_len = 7;
    expect(cs_registry_create(bad, &s, &r, detail, sizeof(detail)), CS_ERR_ARGUMENT, detail,
           "accreditation");
    s = world_cb_settings(&W, 0);
    s.issuer_key = W.other;
    expect(cs_registry_create(bad, &s, &r, detail, sizeof(detail)), CS_ERR_ARGUMENT, detail,
           "accredit");
    assert_int_not_equal(stat(bad, &st), 0);
}

/* ---- schema migration ------------------------------------------------------------ */

static void test_migration(void **state)
{
    (void)state;
    const char *path = path_in_dir("migrate.db");
    cs_registry_t *r = create_cb(path, 0);
    char detail[CS_DETAIL_SIZE] = "";
    uint64_t index = issue(r, "MIG-1", NULL);
    cs_registry_close(&r);

    /* A step that fails leaves the file as it was. */
    const registry_migration broken[] = {
        registry_migrations[0],
        registry_migrations[1],
        {"CREATE TABLE notes (n TEXT); INSERT INTO no_such_table VALUES (1);", NULL, NULL},
    };
    expect(registry_open_with(path, broken, 3, &r, detail, sizeof(detail)), CS_ERR_REGISTRY, detail,
           "version 2 to 3");
    assert_null(r);
    sqlite3 *db = raw_open(path);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), 2);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'notes'"), 0);
    sqlite3_close(db);

    /* A later version's step is applied on open, and the data survives. */
    const registry_migration later[] = {
        registry_migrations[0],
        registry_migrations[1],
        {"ALTER TABLE objects ADD COLUMN note TEXT; UPDATE objects SET note = 'kept';", NULL,
         NULL},
    };
    assert_int_equal(registry_open_with(path, later, 3, &r, detail, sizeof(detail)), CS_OK);
    cs_registry_entry e;
    assert_int_equal(cs_registry_get(r, "MIG-1", &e), CS_OK);
    assert_int_equal(e.status_index, index);
    cs_registry_entry_clear(&e);
    cs_registry_close(&r);
    db = raw_open(path);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), 3);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM objects WHERE note = 'kept'"), 1);
    sqlite3_close(db);

    /* Opening it again is a no-op; this certseal (version 2) refuses it. */
    assert_int_equal(registry_open_with(path, later, 3, &r, detail, sizeof(detail)), CS_OK);
    cs_registry_close(&r);
    expect(cs_registry_open(path, &r, detail, sizeof(detail)), CS_ERR_REGISTRY_SCHEMA, detail,
           "newer");
}

/* ---- lifecycle --------------------------------------------------------------------- */

static void change(cs_registry_t *r, const char *number, cs_registry_action action, cs_err want,
                   cs_status after)
{
    char detail[CS_DETAIL_SIZE] = "";
    cs_status now = (cs_status)99;
    cs_registry_actor actor = {.name = "auditor", .reason = "test"};
    cs_err err = cs_registry_change_status(r, number, action, &actor, &now, detail, sizeof(detail));
    expect(err, want, detail, NULL);
    if (want == CS_OK)
        assert_int_equal(now, after);
    else
        assert_true(strlen(detail) > 0);
    assert_int_equal(status_of(r, number), after);
}

static void test_lifecycle(void **state)
{
    (void)state;
    cs_registry_t *r = create_cb(path_in_dir("life.db"), 0);
    char detail[CS_DETAIL_SIZE] = "";

    issue(r, "L-1", NULL);
    assert_int_equal(status_of(r, "L-1"), CS_STATUS_VALID);
    change(r, "L-1", CS_REGISTRY_REINSTATE, CS_ERR_REGISTRY_TRANSITION, CS_STATUS_VALID);
    change(r, "L-1", CS_REGISTRY_SUSPEND, CS_OK, CS_STATUS_SUSPENDED);
    change(r, "L-1", CS_REGISTRY_SUSPEND, CS_ERR_REGISTRY_TRANSITION, CS_STATUS_SUSPENDED);
    change(r, "L-1", CS_REGISTRY_REINSTATE, CS_OK, CS_STATUS_VALID);
    change(r, "L-1", CS_REGISTRY_WITHDRAW, CS_OK, CS_STATUS_WITHDRAWN);
    change(r, "L-1", CS_REGISTRY_SUSPEND, CS_ERR_REGISTRY_TRANSITION, CS_STATUS_WITHDRAWN);
    change(r, "L-1", CS_REGISTRY_REINSTATE, CS_ERR_REGISTRY_TRANSITION, CS_STATUS_WITHDRAWN);
    change(r, "L-1", CS_REGISTRY_WITHDRAW, CS_ERR_REGISTRY_TRANSITION, CS_STATUS_WITHDRAWN);
    expect(issue_err(r, "L-1", "L-1", detail, sizeof(detail)), CS_ERR_REGISTRY_TRANSITION, detail,
           "withdrawn");

    /* Suspended can be withdrawn directly. */
    issue(r, "L-2", NULL);
    change(r, "L-2", CS_REGISTRY_SUSPEND, CS_OK, CS_STATUS_SUSPENDED);
    change(r, "L-2", CS_REGISTRY_WITHDRAW, CS_OK, CS_STATUS_WITHDRAWN);

    /* Unknown numbers, unknown actions, over-long reasons. */
    expect(cs_registry_change_status(r, "NOPE", CS_REGISTRY_SUSPEND, NULL, NULL, detail,
                                     sizeof(detail)),
           CS_ERR_REGISTRY_NOT_FOUND, detail, "NOPE");
    assert_int_equal(cs_registry_change_status(r, "L-2", (cs_registry_action)42, NULL, NULL, detail,
                                               sizeof(detail)),
                     CS_ERR_ARGUMENT);
    char reason[CS_REGISTRY_REASON_MAX + 2];
    memset(reason, 'x', sizeof(reason) - 1);
    reason[sizeof(reason) - 1] = '\0';
    cs_registry_actor actor = {.reason = reason};
    issue(r, "L-3", NULL);
    expect(cs_registry_change_status(r, "L-3", CS_REGISTRY_SUSPEND, &actor, NULL, detail,
                                     sizeof(detail)),
           CS_ERR_ARGUMENT, detail, "reason");
    assert_int_equal(status_of(r, "L-3"), CS_STATUS_VALID);
    cs_registry_close(&r);
}

/* ---- superseding and duplicates ----------------------------------------------------- */

typedef struct collected {
    size_t count;
    cs_registry_entry entries[16];
    cs_registry_event events[16];
} collected;

static bool collect_entry(void *ctx, const cs_registry_entry *e)
{
    collected *c = ctx;
    cs_registry_entry *copy = &c->entries[c->count++];
    *copy = *e;
    copy->number = strdup(e->number);
    copy->subject = strdup(e->subject);
    copy->standard = strdup(e->standard);
    copy->token = strdup(e->token);
    return c->count < 16;
}

static bool collect_event(void *ctx, const cs_registry_event *e)
{
    collected *c = ctx;
    cs_registry_event *copy = &c->events[c->count++];
    *copy = *e;
    copy->number = strdup(e->number);
    copy->action = strdup(e->action);
    copy->actor = strdup(e->actor);
    copy->reason = e->reason != NULL ? strdup(e->reason) : NULL;
    return c->count < 16;
}

static void collected_clear(collected *c)
{
    for (size_t i = 0; i < 16; i++) {
        cs_registry_entry_clear(&c->entries[i]);
        cs_registry_event_clear(&c->events[i]);
    }
    c->count = 0;
}

static void test_supersede(void **state)
{
    (void)state;
    cs_registry_t *r = create_cb(path_in_dir("supersede.db"), 0);
    char detail[CS_DETAIL_SIZE] = "";
    cs_certificate cert;
    const char *token = NULL;
    size_t len = 0;
    cs_registry_actor actor = {.name = "lead auditor", .reason = "scope extended"};

    uint64_t first = issue(r, "S-1", NULL);
    expect(issue_err(r, "S-1", NULL, detail, sizeof(detail)), CS_ERR_REGISTRY_DUPLICATE, detail,
           "S-1");
    expect(issue_err(r, "S-2", "S-2", detail, sizeof(detail)), CS_ERR_REGISTRY_NOT_FOUND, detail,
           "S-2");
    expect(issue_err(r, "S-1", "S-9", detail, sizeof(detail)), CS_ERR_ARGUMENT, detail, NULL);

    /* The fixture is revision 2, as recorded: superseding with it again
     * changes nothing and gives the recorded token; a revision that is
     * not the next one is refused. */
    cs_registry_entry e;
    const char *again = NULL;
    assert_int_equal(cs_registry_get(r, "S-1", &e), CS_OK);
    assert_int_equal(supersede(r, "S-1", 2, &again, detail, sizeof(detail)), CS_OK);
    assert_non_null(strstr(detail, "nothing was changed"));
    assert_string_equal(again, e.token);
    cs_registry_entry_clear(&e);
    expect(supersede(r, "S-1", 5, NULL, detail, sizeof(detail)), CS_ERR_REGISTRY_REVISION, detail,
           "its next revision is 3");

    /* Revision 3: the new revision, the old one superseded. */
    assert_int_equal(world_cert(&cert, "S-1"), CS_OK);
    cert.revision = 3;
    assert_int_equal(cs_registry_issue_certificate(r, W.issuer, &cert, "S-1", CS_FORM_LINK, &actor,
                                                   &token, &len, detail, sizeof(detail)),
                     CS_OK);
    assert_string_equal(detail, "");
    assert_int_equal(cert.revision, 3);
    assert_int_not_equal(cert.status.index, first);
    assert_true(strncmp(token, "HTTPS://VERIFY.EXAMPLE.ORG/V/", 29) == 0);
    cs_certificate_clear(&cert);
    /* Revision 3 again, with other claims: refused. */
    assert_int_equal(world_cert(&cert, "S-1"), CS_OK);
    cert.revision = 3;
    cert.expires += 86400;
    expect(cs_registry_issue_certificate(r, W.issuer, &cert, "S-1", CS_FORM_LINK, &actor, &token,
                                         &len, detail, sizeof(detail)),
           CS_ERR_REGISTRY_REVISION, detail, "already issued with other claims");
    cs_certificate_clear(&cert);

    assert_int_equal(cs_registry_get(r, "S-1", &e), CS_OK);
    assert_int_equal(e.revision, 3);
    assert_int_equal(e.status, CS_STATUS_VALID);
    cs_registry_entry_clear(&e);

    collected c = {0};
    assert_int_equal(cs_registry_each_entry(r, collect_entry, &c), CS_OK);
    assert_int_equal(c.count, 2);
    assert_int_equal(c.entries[0].revision, 2);
    assert_int_equal(c.entries[0].status, CS_STATUS_SUPERSEDED);
    assert_int_equal(c.entries[0].status_index, first);
    assert_int_equal(c.entries[1].revision, 3);
    assert_string_equal(c.entries[1].subject, "Acme Precision Engineering Ltd");
    assert_string_equal(c.entries[1].standard, "ISO 9001:2015");
    collected_clear(&c);

    assert_int_equal(cs_registry_each_event(r, "S-1", collect_event, &c), CS_OK);
    assert_int_equal(c.count, 3);
    assert_string_equal(c.events[0].action, "issued");
    assert_int_equal(c.events[0].revision, 2);
    assert_null(c.events[0].reason);
    assert_true(strlen(c.events[0].actor) > 0); /* the process's user */
    assert_string_equal(c.events[1].action, "superseded");
    assert_int_equal(c.events[1].revision, 2);
    assert_string_equal(c.events[1].actor, "lead auditor");
    assert_string_equal(c.events[1].reason, "scope extended");
    assert_string_equal(c.events[2].action, "issued");
    assert_int_equal(c.events[2].revision, 3);
    collected_clear(&c);

    /* The superseded revision cannot change; the current one can. */
    change(r, "S-1", CS_REGISTRY_SUSPEND, CS_OK, CS_STATUS_SUSPENDED);
    assert_int_equal(supersede(r, "S-1", 4, NULL, detail, sizeof(detail)), CS_OK);
    assert_int_equal(cs_registry_get(r, "S-1", &e), CS_OK);
    assert_int_equal(e.revision, 4);
    cs_registry_entry_clear(&e);
    cs_registry_close(&r);
}

/* ---- the event log cannot be rewritten ------------------------------------------------- */

static void test_append_only(void **state)
{
    (void)state;
    const char *path = path_in_dir("append.db");
    cs_registry_t *r = create_cb(path, 0);
    cs_registry_actor actor = {.name = "alice", .reason = "client request"};
    issue(r, "E-1", &actor);
    change(r, "E-1", CS_REGISTRY_SUSPEND, CS_OK, CS_STATUS_SUSPENDED);
    cs_registry_close(&r);

    sqlite3 *db = raw_open(path);
    static const char *const refused[] = {
        "UPDATE events SET reason = 'rewritten'",
        "DELETE FROM events",
        "DELETE FROM objects",
        "UPDATE objects SET status_index = status_index + 1",
        "UPDATE objects SET token = 'x'",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        char *msg = NULL;
        assert_int_not_equal(sqlite3_exec(db, refused[i], NULL, NULL, &msg), SQLITE_OK);
        assert_non_null(msg);
        sqlite3_free(msg);
    }
    assert_int_equal(raw_int(db, "SELECT count(*) FROM events WHERE actor = 'alice' AND "
                                 "reason = 'client request' AND action = 'issued'"),
                     1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM events WHERE actor = 'auditor' AND "
                                 "action = 'suspended'"),
                     1);
    sqlite3_close(db);
}

/* ---- indexes -------------------------------------------------------------------------- */

static void test_indexes_unique_and_spread(void **state)
{
    (void)state;
    enum { N = 2000, BUCKETS = 8 };
    cs_registry_t *r = create_cb(path_in_dir("spread.db"), CS_STATUS_LIST_MIN);
    cs_certificate *certs = calloc(N, sizeof(*certs));
    size_t failed = 0, buckets[BUCKETS] = {0};
    char detail[CS_DETAIL_SIZE] = "";

    assert_non_null(certs);
    assert_int_equal(world_certs(certs, N, "spread"), CS_OK);
    assert_int_equal(cs_registry_issue_batch(r, W.issuer, certs, N, 0, CS_FORM_OFFLINE, NULL, NULL,
                                             NULL, NULL, &failed, detail, sizeof(detail)),
                     CS_OK);
    uint64_t *seen = calloc(CS_STATUS_LIST_MIN / 64, sizeof(uint64_t));
    assert_non_null(seen);
    for (size_t i = 0; i < N; i++) {
        uint64_t x = certs[i].status.index;
        assert_true(x < CS_STATUS_LIST_MIN);
        assert_false(seen[x / 64] >> (x % 64) & 1);
        seen[x / 64] |= (uint64_t)1 << (x % 64);
        buckets[x * BUCKETS / CS_STATUS_LIST_MIN]++;
    }
    /* 250 expected per bucket; a uniform draw falls outside 170..330
     * with a probability far below 1e-6. */
    for (size_t b = 0; b < BUCKETS; b++) {
        if (buckets[b] < 170 || buckets[b] > 330)
            fail_msg("bucket %zu holds %zu of %d indexes", b, buckets[b], N);
    }
    free(seen);
    world_certs_clear(certs, N);
    free(certs);
    cs_registry_close(&r);
}

static void test_full(void **state)
{
    (void)state;
    const char *path = path_in_dir("full.db");
    cs_registry_t *r = create_cb(path, CS_STATUS_LIST_MIN);
    char detail[CS_DETAIL_SIZE] = "";
    cs_registry_close(&r);

    /* Three quarters of the list, less one, taken by earlier objects. */
    char sql[600];
    snprintf(sql, sizeof(sql),
             "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) "
             "INSERT INTO objects (number, revision, status_index, status, current, claims, "
             "token, issued_at, expires, recorded_at, subject, standard) "
             "SELECT 'F-' || i, 0, i, 0, 1, x'a0', 't', 0, 0, 0, 's', 'std' FROM n;",
             CS_STATUS_LIST_MIN / 4 * 3 - 1);
    raw_exec(path, sql);
    assert_int_equal(cs_registry_open(path, &r, detail, sizeof(detail)), CS_OK);
    uint64_t last = issue(r, "FULL-1", NULL);
    assert_true(last >= CS_STATUS_LIST_MIN / 4 * 3 - 1); /* the only free ones */
    expect(issue_err(r, "FULL-2", NULL, detail, sizeof(detail)), CS_ERR_REGISTRY_FULL, detail,
           "larger list");
    assert_int_equal(cs_registry_get(r, "FULL-2", &(cs_registry_entry){0}),
                     CS_ERR_REGISTRY_NOT_FOUND);
    cs_registry_close(&r);
}

/* ---- batches ---------------------------------------------------------------------------- */

typedef struct batch_seen {
    size_t issued, last_input, progress_calls, last_done;
    bool in_order;
} batch_seen;

static void on_issued(void *ctx, size_t input, const char *number, const char *token, size_t len)
{
    batch_seen *s = ctx;
    if (s->issued > 0 && input <= s->last_input)
        s->in_order = false;
    s->last_input = input;
    s->issued++;
    assert_non_null(number);
    assert_int_equal(strlen(token), len);
}

static void on_progress(void *ctx, size_t done, size_t count)
{
    batch_seen *s = ctx;
    assert_true(done > s->last_done && done <= count);
    s->last_done = done;
    s->progress_calls++;
}

static void expect_nothing_recorded(cs_registry_t *r, const cs_certificate *certs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cs_registry_entry e = {0};
        assert_int_equal(cs_registry_get(r, certs[i].number, &e), CS_ERR_REGISTRY_NOT_FOUND);
    }
}

static void test_batch(void **state)
{
    (void)state;
    enum { N = 50 };
    cs_registry_t *r = create_cb(path_in_dir("batch.db"), 0);
    cs_certificate certs[N] = {0};
    char detail[CS_DETAIL_SIZE] = "";
    size_t failed = 99;
    batch_seen s = {.in_order = true};

    assert_int_equal(world_certs(certs, N, "b"), CS_OK);
    /* An interrupted run: the first 20. */
    assert_int_equal(cs_registry_issue_batch(r, W.issuer, certs, 20, 7, CS_FORM_OFFLINE, NULL,
                                             on_issued, on_progress, &s, &failed, detail,
                                             sizeof(detail)),
                     CS_OK);
    assert_int_equal(s.issued, 20);
    assert_int_equal(s.progress_calls, 3); /* 7, 14, 20 */
    uint64_t index0 = certs[0].status.index;

    /* The whole batch again: only the other 30 are issued. */
    world_certs_clear(certs, N);
    assert_int_equal(world_certs(certs, N, "b"), CS_OK);
    s = (batch_seen){.in_order = true};
    assert_int_equal(cs_registry_issue_batch(r, W.issuer, certs, N, 7, CS_FORM_OFFLINE, NULL,
                                             on_issued, on_progress, &s, &failed, detail,
                                             sizeof(detail)),
                     CS_OK);
    assert_int_equal(s.issued, 30);
    assert_true(s.in_order);
    assert_int_equal(s.last_done, N);
    assert_int_equal(certs[0].status.index, index0); /* the recorded one */

    /* And again: nothing to do. */
    s = (batch_seen){.in_order = true};
    assert_int_equal(cs_registry_issue_batch(r, W.issuer, certs, N, 0, CS_FORM_OFFLINE, NULL,
                                             on_issued, NULL, &s, &failed, detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(s.issued, 0);

    /* A recorded number with other claims fails the batch there. */
    free(certs[33].scope);
    certs[33].scope = strdup("Something else entirely");
    expect(cs_registry_issue_batch(r, W.issuer, certs, N, 10, CS_FORM_OFFLINE, NULL, NULL, NULL,
                                   NULL, &failed, detail, sizeof(detail)),
           CS_ERR_REGISTRY_DUPLICATE, detail, "C-b-33");
    assert_int_equal(failed, 33);

    /* A certificate the accreditation does not cover fails, earlier
     * chunks stay. */
    cs_certificate more[4] = {0};
    assert_int_equal(world_certs(more, 4, "m"), CS_OK);
    free(more[3].standards[0]);
    more[3].standards[0] = strdup("ISO 14001:2015");
    expect(cs_registry_issue_batch(r, W.issuer, more, 4, 2, CS_FORM_OFFLINE, NULL, NULL, NULL, NULL,
                                   &failed, detail, sizeof(detail)),
           CS_ERR_STANDARD_NOT_ACCREDITED, detail, "ISO 14001");
    assert_int_equal(failed, 3);
    cs_registry_entry e;
    assert_int_equal(cs_registry_get(r, "C-m-1", &e), CS_OK);
    cs_registry_entry_clear(&e);
    assert_int_equal(cs_registry_get(r, "C-m-2", &e), CS_ERR_REGISTRY_NOT_FOUND);
    world_certs_clear(more, 4);
    world_certs_clear(certs, N);
    cs_registry_close(&r);
}

/* A number twice in one batch refuses it whole, naming the later record. */
static void test_batch_repeat(void **state)
{
    (void)state;
    enum { N = 6 };
    cs_registry_t *r = create_cb(path_in_dir("batch-repeat.db"), 0);
    cs_certificate certs[N] = {0};
    char detail[CS_DETAIL_SIZE] = "";
    size_t failed = 99;

    assert_int_equal(world_certs(certs, N, "r"), CS_OK);
    free(certs[4].number);
    certs[4].number = strdup("C-r-1");
    expect(cs_registry_issue_batch(r, W.issuer, certs, N, 2, CS_FORM_OFFLINE, NULL, NULL, NULL,
                                   NULL, &failed, detail, sizeof(detail)),
           CS_ERR_REGISTRY_DUPLICATE, detail, "record 2 and record 5");
    assert_int_equal(failed, 4);
    expect_nothing_recorded(r, certs, N);
    world_certs_clear(certs, N);
    cs_registry_close(&r);
}

/* A batch that would pass three quarters of the list fails at the first
 * certificate past it, with nothing of that chunk recorded. */
static void test_batch_full(void **state)
{
    (void)state;
    enum { N = 5 };
    const char *path = path_in_dir("batch-full.db");
    cs_registry_t *r = create_cb(path, CS_STATUS_LIST_MIN);
    cs_certificate certs[N] = {0};
    char detail[CS_DETAIL_SIZE] = "", sql[600];
    size_t failed = 99;

    cs_registry_close(&r);
    /* Three quarters of the list, less three, taken by earlier objects. */
    snprintf(sql, sizeof(sql),
             "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < %d) "
             "INSERT INTO objects (number, revision, status_index, status, current, claims, "
             "token, issued_at, expires, recorded_at, subject, standard) "
             "SELECT 'F-' || i, 0, i, 0, 1, x'a0', 't', 0, 0, 0, 's', 'std' FROM n;",
             CS_STATUS_LIST_MIN / 4 * 3 - 3);
    raw_exec(path, sql);
    assert_int_equal(cs_registry_open(path, &r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(world_certs(certs, N, "f"), CS_OK);
    expect(cs_registry_issue_batch(r, W.issuer, certs, N, N, CS_FORM_OFFLINE, NULL, NULL, NULL,
                                   NULL, &failed, detail, sizeof(detail)),
           CS_ERR_REGISTRY_FULL, detail, "larger list");
    assert_int_equal(failed, 3);
    expect_nothing_recorded(r, certs, N);
    /* The three that fit, in a batch of their own. */
    assert_int_equal(cs_registry_issue_batch(r, W.issuer, certs, 3, 0, CS_FORM_OFFLINE, NULL,
                                             NULL, NULL, NULL, &failed, detail, sizeof(detail)),
                     CS_OK);
    for (size_t i = 0; i < 3; i++)
        assert_true(certs[i].status.index >= CS_STATUS_LIST_MIN / 4 * 3 - 3);
    world_certs_clear(certs, N);
    cs_registry_close(&r);
}

/* Corrupts the new signature of the certificate with input index
 * tamper_at (its last byte) before its self-check. */
static size_t tamper_at;

static void tamper_signature(size_t input_index, uint8_t *cose, size_t len)
{
    if (input_index == tamper_at && len > 0)
        cose[len - 1] ^= 0x01;
}

static void expect_recorded(cs_registry_t *r, const char *prefix, size_t from, size_t to,
                            cs_err want)
{
    char number[32];
    for (size_t i = from; i < to; i++) {
        cs_registry_entry e = {0};
        snprintf(number, sizeof(number), "C-%s-%zu", prefix, i);
        assert_int_equal(cs_registry_get(r, number, &e), want);
        cs_registry_entry_clear(&e);
    }
}

/* A signature that does not verify is refused, and nothing of its chunk is
 * committed: here the last one of a chunk (the main thread reaches COMMIT
 * before the verifier has checked it), then one followed by another
 * failure, which the bad signature wins as it would inline. */
static void test_batch_bad_signature(void **state)
{
    (void)state;
    enum { N = 12 };
    cs_registry_t *r = create_cb(path_in_dir("batch-bad.db"), 0);
    cs_certificate certs[N] = {0};
    char detail[CS_DETAIL_SIZE] = "";
    size_t failed = 99;
    batch_seen s = {.in_order = true};

    assert_int_equal(world_certs(certs, N, "v"), CS_OK);
    r->test_tamper = tamper_signature;
    tamper_at = 9;
    expect(cs_registry_issue_batch(r, W.issuer, certs, N, 5, CS_FORM_OFFLINE, NULL, on_issued, NULL,
                                   &s, &failed, detail, sizeof(detail)),
           CS_ERR_SIGNATURE, detail, "did not verify");
    assert_int_equal(failed, 9);
    assert_int_equal(s.issued, 5); /* only the committed chunk was reported */
    expect_recorded(r, "v", 0, 5, CS_OK);
    expect_recorded(r, "v", 5, N, CS_ERR_REGISTRY_NOT_FOUND);

    /* A bad signature at 6, and at 8 a standard the AC does not cover. */
    free(certs[8].standards[0]);
    certs[8].standards[0] = strdup("ISO 14001:2015");
    tamper_at = 6;
    expect(cs_registry_issue_batch(r, W.issuer, certs, N, 5, CS_FORM_OFFLINE, NULL, NULL, NULL,
                                   NULL, &failed, detail, sizeof(detail)),
           CS_ERR_SIGNATURE, detail, "did not verify");
    assert_int_equal(failed, 6);
    expect_recorded(r, "v", 5, N, CS_ERR_REGISTRY_NOT_FOUND);

    /* Without the corruption, the same batch goes through. */
    world_certs_clear(certs, N);
    assert_int_equal(world_certs(certs, N, "v"), CS_OK);
    r->test_tamper = NULL;
    s = (batch_seen){.in_order = true};
    assert_int_equal(cs_registry_issue_batch(r, W.issuer, certs, N, 5, CS_FORM_OFFLINE, NULL,
                                             on_issued, NULL, &s, &failed, detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(s.issued, N - 5);
    expect_recorded(r, "v", 0, N, CS_OK);
    world_certs_clear(certs, N);
    cs_registry_close(&r);
}

/* ---- roles and AB registries ------------------------------------------------------------- */

static void test_ab_registry(void **state)
{
    (void)state;
    cs_registry_settings s = {.key_path = "ab.key", .status_uri = "https://ab.example/status"};
    cs_registry_t *r = NULL, *cb = create_cb(path_in_dir("role-cb.db"), 0);
    char detail[CS_DETAIL_SIZE] = "";
    uint8_t *out = NULL;
    size_t out_len = 0;
    cs_accreditation_params ac = {
        .issuer = "UKAS",
        .subject = "cb2.example",
        .name = "Second CB",
        .number = "AC-7",
        .country = "GB",
        .standards = world_standards,
        .standard_count = 2,
        .not_before = world_date("2026-01-01"),
        .expires = world_date("2030-01-01"),
        .issued_at = world_date("2026-01-01"),
        .subject_key = W.other,
    };

    assert_int_equal(cs_registry_create(path_in_dir("ab.db"), &s, &r, detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(cs_registry_role_of(r), CS_REGISTRY_ROLE_AB);
    assert_null(cs_registry_accreditation(r, &out_len));
    expect(issue_err(r, "X-1", NULL, detail, sizeof(detail)), CS_ERR_REGISTRY_ROLE, detail, NULL);
    expect(cs_registry_issue_accreditation(cb, W.ab, &ac, NULL, NULL, &out, &out_len, detail,
                                           sizeof(detail)),
           CS_ERR_REGISTRY_ROLE, detail, NULL);

    uint64_t index = UINT64_MAX;
    assert_int_equal(cs_registry_issue_accreditation(r, W.ab, &ac, NULL, &index, &out, &out_len,
                                                     detail, sizeof(detail)),
                     CS_OK);
    assert_false(ac.status.present); /* borrowed, not changed */
    /* What was recorded is the AC, signed by the AB, with its index. */
    cs_cose_sign1 msg = {0};
    cs_accreditation back = {0};
    assert_int_equal(cs_cose_sign1_decode(out, out_len, &msg), CS_OK);
    assert_int_equal(cs_cose_sign1_verify(&msg, W.ab, NULL, 0, 0), CS_OK);
    assert_int_equal(cs_accreditation_decode_claims(msg.payload, msg.payload_len, &back, NULL, 0),
                     CS_OK);
    assert_true(back.status.present);
    assert_int_equal(back.status.index, index);
    cs_accreditation_clear(&back);
    cs_cose_sign1_clear(&msg);
    cs_registry_entry e;
    assert_int_equal(cs_registry_get(r, "AC-7", &e), CS_OK);
    assert_int_equal(e.revision, 0);
    assert_string_equal(e.subject, "Second CB");
    assert_string_equal(e.standard, "ISO 9001:2015,ISO/IEC 27001:2022");
    assert_int_equal(strlen(e.token), 2 * out_len);
    cs_registry_entry_clear(&e);
    free(out);
    out = NULL;

    /* The first key is now the AB's: another one is refused. */
    ac.number = "AC-8";
    expect(cs_registry_issue_accreditation(r, W.other, &ac, NULL, NULL, &out, &out_len, detail,
                                           sizeof(detail)),
           CS_ERR_ARGUMENT, detail, "not this registry's issuer key");
    expect(cs_registry_publish(r, W.other, path_in_dir("ab.cwt"), 1800000000, 86400, 0, detail,
                               sizeof(detail)),
           CS_ERR_ARGUMENT, detail, "kid");
    ac.number = "AC-7";
    expect(cs_registry_issue_accreditation(r, W.ab, &ac, NULL, NULL, &out, &out_len, detail,
                                           sizeof(detail)),
           CS_ERR_REGISTRY_DUPLICATE, detail, "AC-7");
    assert_null(out);
    change(r, "AC-7", CS_REGISTRY_SUSPEND, CS_OK, CS_STATUS_SUSPENDED);
    cs_registry_close(&r);
    cs_registry_close(&cb);
}

/* ---- publishing ------------------------------------------------------------------------------ */

static void test_publish(void **state)
{
    (void)state;
    cs_registry_t *r = create_cb(path_in_dir("publish.db"), CS_STATUS_LIST_MIN);
    const char *list_path = path_in_dir("status.cwt");
    char detail[CS_DETAIL_SIZE] = "";
    uint64_t idx[5];
    static const char *const numbers[] = {"P-valid", "P-suspended", "P-withdrawn", "P-old",
                                          "P-reinstated"};

    for (int i = 0; i < 5; i++)
        idx[i] = issue(r, numbers[i], NULL);
    change(r, "P-suspended", CS_REGISTRY_SUSPEND, CS_OK, CS_STATUS_SUSPENDED);
    change(r, "P-withdrawn", CS_REGISTRY_WITHDRAW, CS_OK, CS_STATUS_WITHDRAWN);
    change(r, "P-reinstated", CS_REGISTRY_SUSPEND, CS_OK, CS_STATUS_SUSPENDED);
    change(r, "P-reinstated", CS_REGISTRY_REINSTATE, CS_OK, CS_STATUS_VALID);
    assert_int_equal(supersede(r, "P-old", 3, NULL, detail, sizeof(detail)), CS_OK);
    cs_registry_entry cur;
    assert_int_equal(cs_registry_get(r, "P-old", &cur), CS_OK);

    expect(
        cs_registry_publish(r, W.other, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
        CS_ERR_ARGUMENT, detail, "not this registry's issuer key");
    expect(cs_registry_publish(r, W.cb, list_path, 1800000000, 0, 3600, detail, sizeof(detail)),
           CS_ERR_ARGUMENT, detail, NULL);
    assert_int_equal(
        cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
        CS_OK);
    /* Published again over the old one. */
    assert_int_equal(
        cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
        CS_OK);

    uint8_t *data = NULL;
    size_t len = 0;
    cs_status_token token = {0};
    unsigned v = 9;
    assert_int_equal(cs_file_read_all(list_path, CS_STATUS_TOKEN_MAX, &data, &len), CS_OK);
    assert_int_equal(cs_status_token_verify(data, len, W.cb, STATUS_URI, 1800000100, 0, &token,
                                            detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(token.expires, 1800000000 + 86400);
    assert_int_equal(token.ttl, 3600);
    assert_int_equal(cs_status_list_entries(token.list), CS_STATUS_LIST_MIN);
    static const unsigned want[] = {CS_STATUS_VALID, CS_STATUS_SUSPENDED, CS_STATUS_WITHDRAWN,
                                    CS_STATUS_SUPERSEDED, CS_STATUS_VALID};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(cs_status_list_get(token.list, idx[i], &v), CS_OK);
        assert_int_equal(v, want[i]);
    }
    assert_int_equal(cs_status_list_get(token.list, cur.status_index, &v), CS_OK);
    assert_int_equal(v, CS_STATUS_VALID);
    size_t nonzero = 0;
    for (uint64_t i = 0; i < CS_STATUS_LIST_MIN; i++) {
        assert_int_equal(cs_status_list_get(token.list, i, &v), CS_OK);
        nonzero += v != 0;
    }
    assert_int_equal(nonzero, 3);
    cs_status_token_clear(&token);
    cs_registry_entry_clear(&cur);

    /* Every recorded token verifies, and the verifier reads its status
     * from the published list. */
    assert_int_equal(cs_verifier_add_status_list(W.verifier, data, len, detail, sizeof(detail)),
                     CS_OK);
    cs_verifier_set_time(W.verifier, 1800000100);
    cs_registry_entry e;
    assert_int_equal(cs_registry_get(r, "P-suspended", &e), CS_OK);
    cs_verify_result result;
    assert_int_equal(
        cs_verifier_verify(W.verifier, (const uint8_t *)e.token, strlen(e.token), &result), CS_OK);
    assert_string_equal(cs_verdict_name(result.verdict), "SUSPENDED");
    cs_verify_result_clear(&result);
    cs_registry_entry_clear(&e);
    cs_verifier_set_time(W.verifier, world_date("2027-06-01"));
    free(data);
    cs_registry_close(&r);
}

/* ---- integrity ------------------------------------------------------------------------ */

/* A page of the file whose b-tree header is made invalid (the first bytes
 * of the objects_current index's root, a leaf once a few are issued). */
static void damage_page(const char *path)
{
    sqlite3 *db = raw_open(path);
    int64_t page = raw_int(db, "SELECT rootpage FROM sqlite_master WHERE name = "
                               "'objects_current'"),
            page_size = raw_int(db, "PRAGMA page_size");
    sqlite3_close(db);
    assert_true(page > 1 && page_size >= 512);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    static const uint8_t garbage[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(pwrite(fd, garbage, sizeof(garbage), (off_t)((page - 1) * page_size)),
                     (ssize_t)sizeof(garbage));
    close(fd);
}

static void test_damaged_refused(void **state)
{
    (void)state;
    const char *path = path_in_dir("damaged.db");
    cs_registry_t *r = create_cb(path, 0);
    char detail[CS_DETAIL_SIZE] = "";
    for (int i = 0; i < 10; i++) {
        char number[16];
        snprintf(number, sizeof(number), "D-%d", i);
        issue(r, number, NULL);
    }
    cs_registry_close(&r);
    assert_int_equal(cs_registry_open(path, &r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(cs_registry_file_exposure(r), 0); /* created 0600 */
    cs_registry_close(&r);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(cs_registry_open(path, &r, detail, sizeof(detail)), CS_OK);
    assert_int_equal(cs_registry_file_exposure(r), CS_FILE_GROUP_READABLE);
    cs_registry_close(&r);

    damage_page(path);
    expect(cs_registry_open(path, &r, detail, sizeof(detail)), CS_ERR_REGISTRY_DAMAGED, detail,
           "damaged");
    assert_null(r);
    assert_null(strchr(detail, '\n'));
    assert_non_null(strstr(detail, "(restore it from a backup"));
}

/* Sets a row's status in the file without an event, as sqlite3 would. */
static void set_status_behind(const char *path, const char *number, int status)
{
    char sql[200];
    snprintf(sql, sizeof(sql), "UPDATE objects SET status = %d WHERE number = '%s'", status,
             number);
    raw_exec(path, sql);
}

static void test_publish_checks_event_log(void **state)
{
    (void)state;
    const char *path = path_in_dir("eventlog.db");
    const char *list_path = path_in_dir("eventlog.cwt");
    cs_registry_t *r = create_cb(path, CS_STATUS_LIST_MIN);
    char detail[CS_DETAIL_SIZE] = "";

    issue(r, "L-valid", NULL);
    issue(r, "L-withdrawn", NULL);
    issue(r, "L-old", NULL);
    change(r, "L-withdrawn", CS_REGISTRY_WITHDRAW, CS_OK, CS_STATUS_WITHDRAWN);
    assert_int_equal(supersede(r, "L-old", 3, NULL, detail, sizeof(detail)), CS_OK);
    assert_int_equal(
        cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
        CS_OK);
    assert_int_equal(unlink(list_path), 0);

    /* A withdrawn certificate made valid again in the file. */
    set_status_behind(path, "L-withdrawn", CS_STATUS_VALID);
    expect(cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
           CS_ERR_REGISTRY_EVENT_LOG, detail, "is recorded as valid");
    assert_non_null(strstr(detail, "event log says withdrawn"));
    assert_int_equal(access(list_path, F_OK), -1);
    set_status_behind(path, "L-withdrawn", CS_STATUS_WITHDRAWN);

    /* A valid one suspended in the file: refused too (no event, no actor). */
    set_status_behind(path, "L-valid", CS_STATUS_SUSPENDED);
    expect(cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
           CS_ERR_REGISTRY_EVENT_LOG, detail, "\"L-valid\"");
    set_status_behind(path, "L-valid", CS_STATUS_VALID);

    /* A superseded revision made valid again. */
    raw_exec(path, "UPDATE objects SET status = 0 WHERE number = 'L-old' AND current = 0");
    expect(cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
           CS_ERR_REGISTRY_EVENT_LOG, detail, "event log says superseded");
    raw_exec(path, "UPDATE objects SET status = 3 WHERE number = 'L-old' AND current = 0");
    assert_int_equal(
        cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
        CS_OK);

    /* A row added without its event; its number is shown escaped. */
    raw_exec(path, "INSERT INTO objects (number, revision, status_index, status, current, claims, "
                   "token, issued_at, expires, recorded_at, subject, standard) VALUES "
                   "('X-' || char(27) || '[31m', 0, 5, 0, 1, x'00', 'CS1:X', 0, 0, 0, 'x', 'x')");
    expect(cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
           CS_ERR_REGISTRY_EVENT_LOG, detail, "\"X-\\x1b[31m\" (revision 0) has no event");
    assert_null(strchr(detail, 27));
    cs_registry_close(&r);
}

static void touch_at(const char *path, time_t when)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    close(fd);
    struct timespec times[2] = {{.tv_sec = when}, {.tv_sec = when}};
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void test_publish_removes_stale(void **state)
{
    (void)state;
    cs_registry_t *r = create_cb(path_in_dir("stale.db"), CS_STATUS_LIST_MIN);
    char list_path[400], detail[256] = "";
    time_t now = time(NULL);

    snprintf(list_path, sizeof(list_path), "%s", path_in_dir("stale.cwt"));
    issue(r, "T-1", NULL);
    /* What a publish killed before its rename leaves: ".stale.cwt.XXXXXX". */
    touch_at(path_in_dir(".stale.cwt.aB3dE9"), now - CS_FILE_STALE_SECONDS - 60);
    touch_at(path_in_dir(".stale.cwt.Running"), now - CS_FILE_STALE_SECONDS - 60); /* 7 chars */
    touch_at(path_in_dir(".stale.cwt.fresh1"), now);
    touch_at(path_in_dir(".other.cwt.aB3dE9"), now - CS_FILE_STALE_SECONDS - 60);
    touch_at(path_in_dir("stale.cwt.aB3dE9"), now - CS_FILE_STALE_SECONDS - 60);
    assert_int_equal(symlink("stale.db", path_in_dir(".stale.cwt.LiNk00")), 0);

    assert_int_equal(
        cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 3600, detail, sizeof(detail)),
        CS_OK);
    assert_int_equal(access(path_in_dir(".stale.cwt.aB3dE9"), F_OK), -1);
    assert_int_equal(access(path_in_dir(".stale.cwt.Running"), F_OK), 0);
    assert_int_equal(access(path_in_dir(".stale.cwt.fresh1"), F_OK), 0);
    assert_int_equal(access(path_in_dir(".other.cwt.aB3dE9"), F_OK), 0);
    assert_int_equal(access(path_in_dir("stale.cwt.aB3dE9"), F_OK), 0);
    struct stat st;
    assert_int_equal(lstat(path_in_dir(".stale.cwt.LiNk00"), &st), 0);
    assert_int_equal(access(path_in_dir("stale.db"), F_OK), 0);

    size_t removed = 9;
    assert_int_equal(cs_file_remove_stale(list_path, (int64_t)now, 0, &removed), CS_OK);
    assert_int_equal(removed, 1); /* fresh1, now old enough for an age of 0 */
    for (const char *const *name =
             (const char *const[]){".stale.cwt.Running", ".other.cwt.aB3dE9", "stale.cwt.aB3dE9",
                                   ".stale.cwt.LiNk00", NULL};
         *name != NULL; name++)
        unlink(path_in_dir(*name));
    cs_registry_close(&r);
}

static int group_setup(void **state)
{
    (void)state;
    return world_setup(&W);
}

static int group_teardown(void **state)
{
    (void)state;
    world_teardown(&W);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_open),
        cmocka_unit_test(test_refuses),
        cmocka_unit_test(test_migration),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_supersede),
        cmocka_unit_test(test_append_only),
        cmocka_unit_test(test_indexes_unique_and_spread),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_batch_repeat),
        cmocka_unit_test(test_batch_full),
        cmocka_unit_test(test_batch_bad_signature),
        cmocka_unit_test(test_ab_registry),
        cmocka_unit_test(test_publish),
        cmocka_unit_test(test_damaged_refused),
        cmocka_unit_test(test_publish_checks_event_log),
        cmocka_unit_test(test_publish_removes_stale),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
