/* SPDX-License-Identifier: ISC */
/*
 * Allocation failures (STYLE 13): every allocation libcertseal makes
 * itself is failed in turn, on the paths a verifier and an issuer run.
 * Each run must end in CS_ERR_NO_MEMORY or an ordinary result, never a
 * crash, a leak (LeakSanitizer under `make check SAN=1`) or a VALID that
 * skipped a check.
 *
 * This program is linked with -Wl,--wrap for malloc, calloc, realloc,
 * strdup and strndup, so the calls made by the library's own objects come
 * here; libraries underneath (OpenSSL, libcbor, zlib) are not affected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "certseal/certseal.h"
#include "certseal/issue_batch.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* Allocation number `fail_at` (counting from 1) fails; 0 fails none. */
static long fail_at, allocations;
static int failed_one; /* the armed failure happened */

static int should_fail(void)
{
    if (fail_at > 0 && ++allocations == fail_at) {
        failed_one = 1;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t size)
{
    return should_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return should_fail() ? NULL : __real_strndup(s, n);
}

/* Fails allocation n from now on (0: none), until the next arm(). */
static void arm(long n)
{
    fail_at = n;
    allocations = 0;
    failed_one = 0;
}

static void disarm(void)
{
    fail_at = 0;
}

/* True when the armed failure happened during the last run. */
static int failure_was_hit(void)
{
    return failed_one;
}

typedef struct fixture {
    cs_key_t *ab, *cb;
    uint8_t *ac;
    size_t ac_len;
    char *record;
    size_t record_len;
    char *token;
    size_t token_len;
} fixture;

static fixture fx;

static int setup(void **state)
{
    (void)state;
    const char *standards[] = {"ISO 9001:2015"};
    uint64_t iaf[] = {17, 18};
    cs_accreditation_params ac = {
        .issuer = "AB",
        .subject = "CB",
        .name = "CB Ltd",
        .number = "ACC-1",
        .country = "GB",
        .standards = standards,
        .standard_count = 1,
        .iaf_codes = iaf,
        .iaf_count = 2,
        .not_before = 1767225600 /* 2026-01-01 */,
        .expires = 1924992000 /* 2031-01-01 */,
        .issued_at = 1767225600,
    };
    cs_issuer_t *issuer = NULL;
    cs_certificate cert;
    const char *token;

    if (cs_key_generate(CS_ALG_EDDSA, &fx.ab) != CS_OK ||
        cs_key_generate(CS_ALG_EDDSA, &fx.cb) != CS_OK)
        return -1;
    ac.subject_key = fx.cb;
    if (cs_accreditation_sign(fx.ab, &ac, &fx.ac, &fx.ac_len, NULL, 0) != CS_OK ||
        cs_file_read_all("tests/fixtures/record-typical.json", 65536, (uint8_t **)&fx.record,
                         &fx.record_len) != CS_OK ||
        cs_record_parse_json(fx.record, fx.record_len, &cert, NULL, 0) != CS_OK ||
        cs_issuer_new(fx.cb, fx.ac, fx.ac_len, &issuer, NULL, 0) != CS_OK ||
        cs_issuer_issue(issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &fx.token_len, NULL, 0) !=
            CS_OK)
        return -1;
    fx.token = strdup(token);
    cs_certificate_clear(&cert);
    cs_issuer_free(&issuer);
    return fx.token != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(fx.token);
    free(fx.record);
    free(fx.ac);
    cs_key_free(&fx.ab);
    cs_key_free(&fx.cb);
    return 0;
}

/* One whole verification with the n-th allocation failing. */
static cs_err verify_once(long n, cs_verdict *verdict, int *all_checks_passed)
{
    cs_trust_t *trust = NULL;
    cs_verifier_t *verifier = NULL;
    cs_key_t *ab_public = NULL;
    cs_verify_result result;
    char *json = NULL;
    uint8_t x[CS_KEY_COORDINATE_SIZE];
    cs_err err;

    memset(&result, 0, sizeof(result));
    *verdict = CS_VERDICT_MALFORMED;
    /* The trust key is made before arming: its allocations are OpenSSL's. */
    assert_int_equal(cs_key_public_coordinates(fx.ab, x, NULL), CS_OK);
    assert_int_equal(
        cs_key_from_public_coordinates(CS_ALG_EDDSA, x, sizeof(x), NULL, 0, &ab_public), CS_OK);
    arm(n);
    if ((err = cs_trust_new(&trust)) == CS_OK &&
        (err = cs_trust_add_key(trust, &ab_public)) == CS_OK &&
        (err = cs_verifier_new(trust, &verifier)) == CS_OK) {
        cs_verifier_set_time(verifier, 1798761600); /* 2027-01-01 */
        err = cs_verifier_verify(verifier, (const uint8_t *)fx.token, fx.token_len, &result);
        if (err == CS_OK) {
            *verdict = result.verdict;
            *all_checks_passed = 1;
            for (int id = 0; id < CS_CHECK_COUNT; id++) /* no status reference: all pass */
                if (result.checks[id].state != CS_CHECK_PASS)
                    *all_checks_passed = 0;
            err = cs_report_verify_json(&result, 0, &json);
        }
    }
    disarm();
    free(json);
    cs_verify_result_clear(&result);
    cs_verifier_free(&verifier);
    cs_trust_free(&trust);
    cs_key_free(&ab_public);
    return err;
}

static void test_verify_allocation_failures(void **state)
{
    (void)state;
    cs_verdict verdict;
    int all_passed = 0;
    long n;

    assert_int_equal(verify_once(0, &verdict, &all_passed), CS_OK);
    assert_int_equal(verdict, CS_VERDICT_VALID);
    for (n = 1; n < 10000; n++) {
        cs_err err = verify_once(n, &verdict, &all_passed);
        if (!failure_was_hit())
            break; /* the run needed fewer than n allocations */
        /* A failed allocation is reported, or shows as a failed check; a
         * VALID can only come with every check run and passed (e.g. when
         * only the cache could not keep a copy of the credential). */
        if (err == CS_OK && verdict == CS_VERDICT_VALID && !all_passed)
            fail_msg("allocation %ld failed, and VALID came with a check not passed", n);
    }
    assert_true(n > 1 && n < 10000);
}

static cs_err issue_once(long n)
{
    cs_issuer_t *issuer = NULL;
    cs_certificate cert;
    const char *token;
    size_t token_len;
    cs_err err;

    memset(&cert, 0, sizeof(cert));
    arm(n);
    if ((err = cs_record_parse_json(fx.record, fx.record_len, &cert, NULL, 0)) == CS_OK &&
        (err = cs_issuer_new(fx.cb, fx.ac, fx.ac_len, &issuer, NULL, 0)) == CS_OK)
        err = cs_issuer_issue(issuer, &cert, CS_FORM_OFFLINE, NULL, CS_ISSUE_VERIFY_SIGNATURE,
                              &token, &token_len, NULL, 0);
    disarm();
    cs_issuer_free(&issuer);
    cs_certificate_clear(&cert);
    return err;
}

static void test_issue_allocation_failures(void **state)
{
    (void)state;
    long n;

    assert_int_equal(issue_once(0), CS_OK);
    for (n = 1; n < 10000; n++) {
        cs_err err = issue_once(n);
        if (!failure_was_hit())
            break;
        assert_int_not_equal(err, CS_OK);
    }
    assert_true(n > 1 && n < 10000);
}

/* A batch (issue_batch.c) of three certificates on one job (worker
 * threads would race on the allocation counter): every allocation of the
 * batch and of issuing fails in turn, each ending in an error, from
 * cs_issue_batch_new() or in the item it hit. */
static cs_err count_failed_item(void *ctx, const cs_issue_batch_item *item)
{
    cs_err *first = ctx;
    if (item->err != CS_OK && *first == CS_OK)
        *first = item->err;
    return CS_OK;
}

static cs_err issue_batch_once(long n)
{
    cs_issue_batch_options options = {.form = CS_FORM_OFFLINE,
                                       .flags = CS_ISSUE_VERIFY_SIGNATURE,
                                       .jobs = 1};
    cs_issue_batch_t *batch = NULL;
    cs_issuer_t *issuer = NULL;
    cs_certificate certs[3];
    cs_err err, item_err = CS_OK;

    memset(certs, 0, sizeof(certs));
    arm(n);
    err = cs_issuer_new(fx.cb, fx.ac, fx.ac_len, &issuer, NULL, 0);
    for (size_t i = 0; i < 3 && err == CS_OK; i++)
        err = cs_record_parse_json(fx.record, fx.record_len, &certs[i], NULL, 0);
    if (err == CS_OK)
        err = cs_issue_batch_new(issuer, &options, count_failed_item, &item_err, &batch);
    for (size_t i = 0; i < 3 && err == CS_OK; i++)
        err = cs_issue_batch_submit(batch, &certs[i]);
    if (err == CS_OK)
        err = cs_issue_batch_finish(batch);
    disarm();
    cs_issue_batch_free(&batch);
    cs_issuer_free(&issuer);
    for (size_t i = 0; i < 3; i++)
        cs_certificate_clear(&certs[i]);
    return err != CS_OK ? err : item_err;
}

static void test_issue_batch_allocation_failures(void **state)
{
    (void)state;
    long n;

    assert_int_equal(issue_batch_once(0), CS_OK);
    for (n = 1; n < 10000; n++) {
        cs_err err = issue_batch_once(n);
        if (!failure_was_hit())
            break;
        assert_int_not_equal(err, CS_OK);
    }
    assert_true(n > 1 && n < 10000);
}

/* A status list read from its zlib form (status.c, status_sparse.c),
 * held sparse and packed, then packed on request: every allocation fails
 * in turn, each giving CS_ERR_NO_MEMORY with nothing made or leaked, or a
 * list that still reads (a failed shrink or packing). */
static void test_status_list_allocation_failures(void **state)
{
    (void)state;
    for (unsigned every = 3; every <= 3000; every *= 1000) {
        cs_status_list_t *list = NULL, *back = NULL;
        uint8_t *lst = NULL;
        size_t lst_len;
        long n;

        assert_int_equal(cs_status_list_new(1u << 18, 2, &list), CS_OK);
        for (uint64_t i = 0; i < (1u << 18); i += every)
            assert_int_equal(cs_status_list_set(list, i, 1 + (unsigned)(i % 3)), CS_OK);
        assert_int_equal(cs_status_list_compress(list, 9, &lst, &lst_len), CS_OK);
        for (n = 1; n < 1000; n++) {
            arm(n);
            cs_err err = cs_status_list_decompress(lst, lst_len, 2, &back);
            const uint8_t *bytes = err == CS_OK ? cs_status_list_bytes(back, NULL) : NULL;
            disarm();
            if (!failure_was_hit()) {
                assert_int_equal(err, CS_OK);
                assert_non_null(bytes);
                break;
            }
            if (err == CS_OK) { /* a shrink or the packing failed: the list still reads */
                unsigned value;
                assert_int_equal(cs_status_list_get(back, every, &value), CS_OK);
                assert_int_equal(value, 1 + every % 3);
                cs_status_list_free(&back);
            } else {
                assert_int_equal(err, CS_ERR_NO_MEMORY);
                assert_null(back);
            }
        }
        assert_true(n > 1 && n < 1000);
        cs_status_list_free(&back);
        cs_status_list_free(&list);
        free(lst);
    }
}

/* The verification page and the message page (report_html.c): every
 * allocation they make fails in turn, each giving CS_ERR_NO_MEMORY with
 * *out NULL and nothing leaked; then they succeed. */
static cs_err render_once(long n, const cs_verify_result *result, char **page)
{
    cs_err err;

    arm(n);
    err = result != NULL ? cs_report_verify_html(result, page)
                         : cs_report_message_html("Not found", "No such page.", page);
    disarm();
    return err;
}

static void test_report_html_allocation_failures(void **state)
{
    cs_trust_t *trust = NULL;
    cs_verifier_t *verifier = NULL;
    cs_key_t *ab_public = NULL;
    cs_verify_result result;
    uint8_t x[CS_KEY_COORDINATE_SIZE];
    char *page = NULL;

    (void)state;
    assert_int_equal(cs_key_public_coordinates(fx.ab, x, NULL), CS_OK);
    assert_int_equal(
        cs_key_from_public_coordinates(CS_ALG_EDDSA, x, sizeof(x), NULL, 0, &ab_public), CS_OK);
    assert_int_equal(cs_trust_new(&trust), CS_OK);
    assert_int_equal(cs_trust_add_key(trust, &ab_public), CS_OK);
    assert_int_equal(cs_verifier_new(trust, &verifier), CS_OK);
    cs_verifier_set_time(verifier, 1798761600); /* 2027-01-01 */
    assert_int_equal(cs_verifier_verify(verifier, (const uint8_t *)fx.token, fx.token_len, &result),
                     CS_OK);
    for (int kind = 0; kind < 2; kind++) {
        long n;
        for (n = 1; n < 100; n++) {
            cs_err err = render_once(n, kind == 0 ? &result : NULL, &page);
            if (!failure_was_hit()) {
                assert_int_equal(err, CS_OK);
                break;
            }
            assert_int_equal(err, CS_ERR_NO_MEMORY);
            assert_null(page);
        }
        assert_true(n > 1 && n < 100);
        assert_non_null(page);
        free(page);
        page = NULL;
    }
    cs_verify_result_clear(&result);
    cs_verifier_free(&verifier);
    cs_trust_free(&trust);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_allocation_failures),
        cmocka_unit_test(test_issue_allocation_failures),
        cmocka_unit_test(test_issue_batch_allocation_failures),
        cmocka_unit_test(test_report_html_allocation_failures),
        cmocka_unit_test(test_status_list_allocation_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
