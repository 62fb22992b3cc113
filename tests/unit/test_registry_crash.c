/* SPDX-License-Identifier: ISC */
/*
 * The registry under crashes and concurrency (DESIGN §5):
 *   - a batch killed with SIGKILL at random moments leaves a registry that
 *     opens, passes PRAGMA integrity_check, holds only tokens that verify
 *     and no status index twice, and that the same batch then completes;
 *   - two processes issuing into one registry at once, partly the same
 *     numbers, record every certificate exactly once;
 *   - a reader never sees a partial status list while another process
 *     publishes in a loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>

#include "test_registry_world.h"

#define KILL_TRIALS 24
#define KILL_BATCH 300

static registry_world W;

static cs_registry_t *open_registry(void)
{
    cs_registry_t *r = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_registry_open(W.path, &r, detail, sizeof(detail));
    if (err != CS_OK)
        print_message("open: %s: %s\n", cs_err_name(err), detail);
    assert_int_equal(err, CS_OK);
    return r;
}

static int64_t query_int(sqlite3 *db, const char *sql, const char *text)
{
    sqlite3_stmt *stmt = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    if (text != NULL)
        sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* The registry as a whole: intact, no number or index twice. */
static void check_integrity(void)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_open_v2(W.path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "ok");
    sqlite3_finalize(stmt);
    assert_int_equal(
        query_int(db, "SELECT count(*) - count(DISTINCT status_index) FROM objects", NULL), 0);
    assert_int_equal(query_int(db,
                               "SELECT count(*) - count(DISTINCT number) FROM objects "
                               "WHERE current = 1",
                               NULL),
                     0);
    assert_int_equal(query_int(db,
                               "SELECT count(*) FROM objects o WHERE NOT EXISTS (SELECT 1 "
                               "FROM events e WHERE e.number = o.number AND e.revision = "
                               "o.revision AND e.action = 'issued')",
                               NULL),
                     0);
    sqlite3_close(db);
}

typedef struct token_check {
    const char *prefix;
    size_t count;
    cs_verifier_t *verifier; /* with the registry's list, published now */
} token_check;

static bool verify_entry(void *ctx, const cs_registry_entry *e)
{
    token_check *c = ctx;
    cs_verify_result result;
    if (c->prefix != NULL && strncmp(e->number, c->prefix, strlen(c->prefix)) != 0)
        return true;
    assert_int_equal(
        cs_verifier_verify(c->verifier, (const uint8_t *)e->token, strlen(e->token), &result),
        CS_OK);
    if (result.verdict != CS_VERDICT_VALID)
        fail_msg("%s: %s", e->number, cs_verdict_name(result.verdict));
    assert_string_equal(result.certificate.number, e->number);
    assert_int_equal(result.certificate.status.index, e->status_index);
    cs_verify_result_clear(&result);
    c->count++;
    return true;
}

/* Every token of the numbers starting with prefix verifies; how many. */
static size_t verify_tokens(cs_registry_t *r, const char *prefix)
{
    token_check c = {prefix, 0, NULL};
    int64_t now = world_date("2027-06-01");
    char path[400], detail[256] = "";
    uint8_t *list = NULL;
    size_t len = 0;

    /* Status is required: the tokens are checked against the list the
     * registry publishes as it is now. */
    snprintf(path, sizeof(path), "%s/crash-check.cwt", W.dir);
    assert_int_equal(cs_registry_publish(r, W.cb, path, now - 3600, 86400, 3600, detail,
                                         sizeof(detail)),
                     CS_OK);
    assert_int_equal(cs_file_read_all(path, CS_STATUS_TOKEN_MAX, &list, &len), CS_OK);
    assert_int_equal(cs_verifier_new(W.trust, &c.verifier), CS_OK);
    cs_verifier_set_time(c.verifier, now);
    assert_int_equal(cs_verifier_add_status_list(c.verifier, list, len, detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(cs_registry_each_entry(r, verify_entry, &c), CS_OK);
    cs_verifier_free(&c.verifier);
    free(list);
    return c.count;
}

/* In a child: the batch of `count` numbers with the prefix. */
static int child_batch(const char *prefix, size_t count, size_t chunk)
{
    cs_certificate *certs = calloc(count, sizeof(*certs));
    cs_registry_t *r = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    size_t failed = 0;
    int status = 1;

    if (certs == NULL || world_certs(certs, count, prefix) != CS_OK ||
        cs_registry_open(W.path, &r, detail, sizeof(detail)) != CS_OK)
        goto done;
    cs_err err = cs_registry_issue_batch(r, W.issuer, certs, count, chunk, CS_FORM_OFFLINE, NULL,
                                         NULL, NULL, NULL, &failed, detail, sizeof(detail));
    if (err != CS_OK)
        fprintf(stderr, "child batch %s: %s: %s\n", prefix, cs_err_name(err), detail);
    status = err == CS_OK ? 0 : 2;
done:
    cs_registry_close(&r);
    if (certs != NULL)
        world_certs_clear(certs, count);
    free(certs);
    return status;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* How long a whole batch takes here, in microseconds: the kills below are
 * spread over that, so that they land mid-batch on a fast machine and a
 * slow one alike. */
static useconds_t batch_duration(void)
{
    int status = 0;
    double start = now_seconds();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_batch("CAL", KILL_BATCH, 20));
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return (useconds_t)((now_seconds() - start) * 1e6);
}

static void test_kill_during_batch(void **state)
{
    (void)state;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    size_t interrupted = 0, partial = 0;
    useconds_t duration = batch_duration();
    print_message("seed %u, a whole batch takes %u us\n", seed, (unsigned)duration);
    srand(seed);

    for (int trial = 0; trial < KILL_TRIALS; trial++) {
        char prefix[32], numbers[40];
        int status = 0;
        snprintf(prefix, sizeof(prefix), "K%d", trial);
        snprintf(numbers, sizeof(numbers), "C-K%d-", trial);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(child_batch(prefix, KILL_BATCH, 20));
        /* Anywhere from the start to 90% of a whole batch. */
        useconds_t delay = 1000 + (useconds_t)(rand() % (int)(duration * 9 / 10 + 1));
        usleep(delay);
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status))
            interrupted++;
        else
            assert_int_equal(WEXITSTATUS(status), 0);

        /* Whatever the moment, the registry is whole. */
        check_integrity();
        cs_registry_t *r = open_registry();
        size_t before = verify_tokens(r, numbers);
        assert_true(before <= KILL_BATCH);
        assert_true(before % 20 == 0); /* only whole chunks were committed */
        partial += before > 0 && before < KILL_BATCH;
        cs_registry_close(&r);

        /* The same batch again completes it. */
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(child_batch(prefix, KILL_BATCH, 20));
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        check_integrity();
        r = open_registry();
        assert_int_equal(verify_tokens(r, numbers), KILL_BATCH);
        cs_registry_close(&r);
    }
    print_message("%zu of %d batches were killed, %zu after some chunks\n", interrupted,
                  KILL_TRIALS, partial);
    assert_true(interrupted >= KILL_TRIALS / 2);
}

/* In a child: its own numbers and the shared ones, one at a time. */
static int child_single(const char *own, size_t own_count)
{
    cs_registry_t *r = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    int status = 0;

    if (cs_registry_open(W.path, &r, detail, sizeof(detail)) != CS_OK)
        return 1;
    for (size_t i = 0; i < own_count + 40 && status == 0; i++) {
        char number[64];
        cs_certificate cert;
        const char *token = NULL;
        size_t len = 0;
        if (i < own_count)
            snprintf(number, sizeof(number), "C-%s-%zu", own, i);
        else
            snprintf(number, sizeof(number), "C-shared-%zu", i - own_count);
        if (world_cert(&cert, number) != CS_OK)
            return 1;
        cs_err err = cs_registry_issue_certificate(r, W.issuer, &cert, NULL, CS_FORM_OFFLINE, NULL,
                                                   &token, &len, detail, sizeof(detail));
        if (err != CS_OK && !(i >= own_count && err == CS_ERR_REGISTRY_DUPLICATE)) {
            fprintf(stderr, "child %s: %s: %s\n", number, cs_err_name(err), detail);
            status = 2;
        }
        cs_certificate_clear(&cert);
    }
    cs_registry_close(&r);
    return status;
}

static void test_two_writers(void **state)
{
    (void)state;
    pid_t a = fork();
    assert_true(a >= 0);
    if (a == 0) /* 150 own in chunks of 10, then the 40 shared in a batch */
        _exit(child_batch("A", 150, 10) || child_batch("shared", 40, 10));
    pid_t b = fork();
    assert_true(b >= 0);
    if (b == 0) /* 150 own and the 40 shared, one transaction each */
        _exit(child_single("B", 150));
    int sa = 0, sb = 0;
    assert_int_equal(waitpid(a, &sa, 0), a);
    assert_int_equal(waitpid(b, &sb, 0), b);
    assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
    assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);

    check_integrity();
    cs_registry_t *r = open_registry();
    assert_int_equal(verify_tokens(r, "C-A-"), 150);
    assert_int_equal(verify_tokens(r, "C-B-"), 150);
    assert_int_equal(verify_tokens(r, "C-shared-"), 40);
    cs_registry_close(&r);
}

static void test_publish_while_reading(void **state)
{
    (void)state;
    char list_path[400], detail[256] = "";
    cs_registry_t *r = open_registry();
    snprintf(list_path, sizeof(list_path), "%s/status.cwt", W.dir);
    assert_int_equal(cs_registry_change_status(r, "C-A-1", CS_REGISTRY_SUSPEND, NULL, NULL, detail,
                                               sizeof(detail)),
                     CS_OK);
    assert_int_equal(
        cs_registry_publish(r, W.cb, list_path, 1800000000, 86400, 0, detail, sizeof(detail)),
        CS_OK);
    cs_registry_close(&r);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int status = 0;
        cs_registry_t *pr = NULL;
        if (cs_registry_open(W.path, &pr, NULL, 0) != CS_OK)
            _exit(1);
        for (int i = 0; i < 60 && status == 0; i++)
            if (cs_registry_publish(pr, W.cb, list_path, 1800000000 + i, 86400, 0, NULL, 0) !=
                CS_OK)
                status = 2;
        cs_registry_close(&pr);
        _exit(status);
    }
    size_t reads = 0;
    int status = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        uint8_t *data = NULL;
        size_t len = 0;
        cs_status_token token = {0};
        assert_int_equal(cs_file_read_all(list_path, CS_STATUS_TOKEN_MAX, &data, &len), CS_OK);
        cs_err err = cs_status_token_verify(data, len, W.cb, STATUS_URI, 1800000000, 0, &token,
                                            detail, sizeof(detail));
        if (err != CS_OK)
            fail_msg("read %zu: %s: %s", reads, cs_err_name(err), detail);
        assert_int_equal(cs_status_list_entries(token.list), CS_REGISTRY_DEFAULT_LIST_ENTRIES);
        cs_status_token_clear(&token);
        free(data);
        reads++;
        if (done == pid)
            break;
    }
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    print_message("%zu reads while publishing\n", reads);
    assert_true(reads > 1);
}

static int group_setup(void **state)
{
    (void)state;
    cs_registry_settings s;
    cs_registry_t *r = NULL;
    if (world_setup(&W) != 0)
        return -1;
    s = world_cb_settings(&W, 0);
    if (cs_registry_create(W.path, &s, &r, NULL, 0) != CS_OK)
        return -1;
    cs_registry_close(&r);
    return 0;
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
        cmocka_unit_test(test_kill_during_batch),
        cmocka_unit_test(test_two_writers),
        cmocka_unit_test(test_publish_while_reading),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
