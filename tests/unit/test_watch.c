/* SPDX-License-Identifier: ISC */
/*
 * The watch (watch.h): events from verification results made by hand, in
 * their order and once each (status, accreditation, unknown past the
 * threshold and known again, expiry thresholds then expired, other
 * verdicts); the state kept across a save and a reopen; the lock; a
 * damaged or newer state refused and left as it is; an unsafe folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "certseal/certseal.h"
#include "helper_files.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01 */

typedef struct recorder {
    char names[32][32];
    size_t count;
} recorder;

static cs_err record(void *ctx, const cs_watch_event *event)
{
    recorder *r = ctx;
    char *json = NULL;
    if (r->count < 32)
        snprintf(r->names[r->count++], sizeof(r->names[0]), "%s", cs_watch_event_name(event->type));
    /* Every event renders. */
    assert_int_equal(cs_watch_event_json(event, &json), CS_OK);
    assert_non_null(strstr(json, "\"event\":"));
    free(json);
    return CS_OK;
}

/* A token: any COSE_Sign1 is one to the portfolio. */
static void add_token(cs_watch_t *w, const char *payload)
{
    cs_key_t *key = NULL;
    cs_cose_sign1_headers headers = {.typ = "cs-cert"};
    uint8_t *cose = NULL;
    size_t len = 0;
    bool added = false;

    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &key), CS_OK);
    assert_int_equal(cs_cose_sign1_sign(key, &headers, (const uint8_t *)payload, strlen(payload),
                                        &cose, &len),
                     CS_OK);
    assert_int_equal(cs_watch_add(w, cose, len, "unit", T0, &added), CS_OK);
    assert_true(added);
    assert_int_equal(cs_watch_add(w, cose, len, "again", T0, &added), CS_OK);
    assert_false(added);
    free(cose);
    cs_key_free(&key);
}

/* A result at time `at` with the certificate and status checks given. */
static cs_verify_result result_of(int64_t at, cs_verdict verdict, cs_check_state ct, cs_err ct_err,
                                  cs_check_state ac, cs_err ac_err)
{
    cs_verify_result r;
    memset(&r, 0, sizeof(r));
    r.verdict = verdict;
    r.verified_at = at;
    r.signatures_verified = r.has_certificate = true;
    r.certificate.number = "GB-Q-1";
    r.certificate.expires = T0 + 100 * DAY;
    r.checks[CS_CHECK_CT_STATUS].state = ct;
    r.checks[CS_CHECK_CT_STATUS].err = ct_err;
    r.checks[CS_CHECK_AC_STATUS].state = ac;
    r.checks[CS_CHECK_AC_STATUS].err = ac_err;
    r.failed = verdict == CS_VERDICT_VALID ? CS_CHECK_DECODE
               : ct == CS_CHECK_FAIL      ? CS_CHECK_CT_STATUS
               : ac == CS_CHECK_FAIL      ? CS_CHECK_AC_STATUS
                                          : CS_CHECK_DECODE;
    return r;
}

/* Checks item 0 with r and compares the events with want (NULL-ended). */
static void expect(cs_watch_t *w, cs_verify_result r, const char *const *want)
{
    recorder rec = {0};
    cs_watch_policy policy = CS_WATCH_POLICY_INIT;
    size_t n = 0;

    assert_int_equal(cs_watch_check(w, 0, &r, &policy, record, &rec), CS_OK);
    for (; want[n] != NULL; n++) {
        assert_true(n < rec.count);
        assert_string_equal(rec.names[n], want[n]);
    }
    if (rec.count != n)
        for (size_t i = 0; i < rec.count; i++)
            print_error("event %zu: %s\n", i, rec.names[i]);
    assert_int_equal(rec.count, n);
}

#define EVENTS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})
#define PASS CS_CHECK_PASS, CS_OK
#define UNKNOWN CS_CHECK_FAIL, CS_ERR_STATUS_UNKNOWN

static void test_events(void **state)
{
    char dir[] = "/tmp/certseal-watch-XXXXXX";
    cs_watch_t *w = NULL;
    const cs_watch_item *item;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(cs_watch_open(dir, &w, NULL, 0), CS_OK);
    add_token(w, "one");
    expect(w, result_of(T0, CS_VERDICT_VALID, PASS, PASS), NONE);
    expect(w, result_of(T0 + DAY, CS_VERDICT_SUSPENDED, CS_CHECK_FAIL, CS_ERR_STATUS_SUSPENDED, PASS),
           EVENTS("suspended"));
    expect(w, result_of(T0 + 2 * DAY, CS_VERDICT_SUSPENDED, CS_CHECK_FAIL, CS_ERR_STATUS_SUSPENDED,
                        PASS),
           NONE);
    /* The status unknown: the suspension is still what was last known. */
    expect(w, result_of(T0 + 3 * DAY, CS_VERDICT_STATUS_UNKNOWN, UNKNOWN, PASS), NONE);
    expect(w, result_of(T0 + 5 * DAY, CS_VERDICT_STATUS_UNKNOWN, UNKNOWN, PASS), NONE);
    expect(w, result_of(T0 + 6 * DAY, CS_VERDICT_STATUS_UNKNOWN, UNKNOWN, PASS),
           EVENTS("status-unknown"));
    expect(w, result_of(T0 + 7 * DAY, CS_VERDICT_STATUS_UNKNOWN, UNKNOWN, PASS), NONE);
    expect(w, result_of(T0 + 8 * DAY, CS_VERDICT_VALID, PASS, PASS),
           EVENTS("reinstated", "status-known"));
    expect(w, result_of(T0 + 9 * DAY, CS_VERDICT_NOT_ACCREDITED, PASS, CS_CHECK_FAIL,
                        CS_ERR_AC_SUSPENDED),
           EVENTS("accreditation-suspended"));
    /* Expiry: 100 days after T0, so 90 days are left at T0 + 10 days: 90
     * then 30, each once; expired once. */
    expect(w, result_of(T0 + 10 * DAY, CS_VERDICT_VALID, PASS, PASS),
           EVENTS("accreditation-reinstated", "expiring"));
    expect(w, result_of(T0 + 11 * DAY, CS_VERDICT_VALID, PASS, PASS), NONE);
    expect(w, result_of(T0 + 50 * DAY, CS_VERDICT_VALID, PASS, PASS), NONE);
    expect(w, result_of(T0 + 70 * DAY, CS_VERDICT_VALID, PASS, PASS), EVENTS("expiring"));
    item = cs_watch_item_at(w, 0);
    assert_int_equal(item->expiry_notice, 30);
    expect(w, result_of(T0 + 99 * DAY, CS_VERDICT_VALID, PASS, PASS), NONE);
    expect(w,
           result_of(T0 + 100 * DAY, CS_VERDICT_EXPIRED, CS_CHECK_NOT_RUN, CS_OK, CS_CHECK_NOT_RUN,
                     CS_OK),
           EVENTS("expired"));
    expect(w,
           result_of(T0 + 101 * DAY, CS_VERDICT_EXPIRED, CS_CHECK_NOT_RUN, CS_OK, CS_CHECK_NOT_RUN,
                     CS_OK),
           NONE);

    /* Saved and opened again: what was reported is remembered. */
    assert_int_equal(cs_watch_save(w), CS_OK);
    cs_watch_close(&w);
    assert_int_equal(cs_watch_open(dir, &w, NULL, 0), CS_OK);
    assert_int_equal(cs_watch_count(w), 1);
    item = cs_watch_item_at(w, 0);
    assert_true(item->expired_reported);
    assert_string_equal(item->number, "GB-Q-1");
    assert_string_equal(item->source, "unit");
    expect(w,
           result_of(T0 + 102 * DAY, CS_VERDICT_EXPIRED, CS_CHECK_NOT_RUN, CS_OK, CS_CHECK_NOT_RUN,
                     CS_OK),
           NONE);
    cs_watch_close(&w);
    assert_int_equal(helper_remove_dir(dir), 0);
}

static void test_other_verdicts_and_first_run(void **state)
{
    char dir[] = "/tmp/certseal-watch-XXXXXX";
    cs_watch_t *w = NULL;
    size_t removed = 0;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(cs_watch_open(dir, &w, NULL, 0), CS_OK);
    add_token(w, "two");
    /* Added while withdrawn: said at the first run. */
    expect(w, result_of(T0, CS_VERDICT_WITHDRAWN, CS_CHECK_FAIL, CS_ERR_STATUS_WITHDRAWN, PASS),
           EVENTS("withdrawn"));
    expect(w, result_of(T0, CS_VERDICT_UNTRUSTED, CS_CHECK_NOT_RUN, CS_OK, CS_CHECK_NOT_RUN, CS_OK),
           EVENTS("verdict-changed"));
    expect(w, result_of(T0, CS_VERDICT_UNTRUSTED, CS_CHECK_NOT_RUN, CS_OK, CS_CHECK_NOT_RUN, CS_OK),
           NONE);
    expect(w, result_of(T0, CS_VERDICT_WITHDRAWN, CS_CHECK_FAIL, CS_ERR_STATUS_WITHDRAWN, PASS),
           EVENTS("verdict-changed"));
    assert_int_equal(cs_watch_remove(w, "abc", &removed), CS_ERR_ARGUMENT);
    assert_int_equal(cs_watch_remove(w, cs_watch_item_at(w, 0)->id, &removed), CS_OK);
    assert_int_equal(removed, 1);
    assert_int_equal(cs_watch_count(w), 0);
    cs_watch_close(&w);
    assert_int_equal(helper_remove_dir(dir), 0);
}

/* `watch --list`'s text: one line an item, before and after its check. */
static void test_list_text(void **state)
{
    char dir[] = "/tmp/certseal-watch-XXXXXX", *text = NULL;
    cs_watch_t *w = NULL;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(cs_watch_open(dir, &w, NULL, 0), CS_OK);
    assert_int_equal(cs_watch_list_text(w, &text), CS_OK);
    assert_string_equal(text, "");
    free(text);
    add_token(w, "one");
    assert_int_equal(cs_watch_list_text(w, &text), CS_OK);
    assert_int_equal(strlen(text), 12 + strlen("  not checked     -  -  -  expires -  checked never  from unit\n"));
    assert_string_equal(text + 12, "  not checked     -  -  -  expires -  checked never  from unit\n");
    free(text);
    expect(w, result_of(T0, CS_VERDICT_VALID, PASS, PASS), NONE);
    assert_int_equal(cs_watch_list_text(w, &text), CS_OK);
    assert_non_null(strstr(text, "  VALID           GB-Q-1  "));
    assert_non_null(strstr(text, "  expires 2026-04-10  checked 2026-01-01  from unit\n"));
    free(text);
    assert_int_equal(cs_watch_list_text(NULL, &text), CS_ERR_ARGUMENT);
    cs_watch_close(&w);
    assert_int_equal(helper_remove_dir(dir), 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_state_folder(void **state)
{
    char dir[] = "/tmp/certseal-watch-XXXXXX", path[64], detail[CS_DETAIL_SIZE];
    cs_watch_t *w = NULL, *second = NULL;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/state.json", dir);
    /* Locked while open. */
    assert_int_equal(cs_watch_open(dir, &w, NULL, 0), CS_OK);
    assert_int_equal(cs_watch_open(dir, &second, detail, sizeof(detail)), CS_ERR_WATCH_BUSY);
    assert_null(second);
    cs_watch_close(&w);
    /* Damaged, newer, not ours. */
    write_file(path, "{\"format\": \"certseal-watch-state\", \"version\": 1, \"items\": [");
    assert_int_equal(cs_watch_open(dir, &w, detail, sizeof(detail)), CS_ERR_WATCH_STATE);
    assert_non_null(strstr(detail, "not JSON"));
    write_file(path, "{\"format\": \"certseal-watch-state\", \"version\": 2, \"items\": []}");
    assert_int_equal(cs_watch_open(dir, &w, detail, sizeof(detail)), CS_ERR_WATCH_VERSION);
    write_file(path, "{\"format\": \"other\", \"version\": 1, \"items\": []}");
    assert_int_equal(cs_watch_open(dir, &w, detail, sizeof(detail)), CS_ERR_WATCH_STATE);
    write_file(path, "{\"format\": \"certseal-watch-state\", \"version\": 1, \"items\": [{}]}");
    assert_int_equal(cs_watch_open(dir, &w, detail, sizeof(detail)), CS_ERR_WATCH_STATE);
    assert_non_null(strstr(detail, "item 1"));
    write_file(path, "{\"format\": \"certseal-watch-state\", \"version\": 1, \"items\": []}");
    assert_int_equal(cs_watch_open(dir, &w, NULL, 0), CS_OK);
    cs_watch_close(&w);
    assert_int_equal(chmod(dir, 0750), 0);
    assert_int_equal(cs_watch_open(dir, &w, detail, sizeof(detail)), CS_ERR_FILE_PERMISSIONS);
    assert_int_equal(chmod(dir, 0700), 0);
    assert_int_equal(helper_remove_dir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_other_verdicts_and_first_run),
        cmocka_unit_test(test_state_folder),
        cmocka_unit_test(test_list_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
