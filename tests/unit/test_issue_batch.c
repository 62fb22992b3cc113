/* SPDX-License-Identifier: ISC */
/*
 * Ordered parallel issuing (issue_batch.h): whatever the number of jobs,
 * every certificate comes back in submission order with the very token,
 * claims and COSE bytes cs_issuer_issue() makes for it alone (Ed25519
 * signatures are deterministic), a refused certificate keeps its place
 * with its error and detail, and a caller that stops the batch hears of
 * nothing after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/certseal.h"
#include "certseal/issue_batch.h"
#include "helper_tokens.h"

#define RECORD_PATH "tests/fixtures/record-typical.json"
#define COUNT 100
#define REFUSED 37 /* the certificate given a standard outside the accreditation */
#define LINK_BASE "https://verify.example.org/v"

typedef struct world {
    cs_key_t *ab, *cb;
    uint8_t *ac;
    size_t ac_len;
    cs_issuer_t *issuer;
    cs_certificate certs[COUNT];
    char *expected[COUNT]; /* each token as cs_issuer_issue() makes it alone */
} world;

/* COUNT copies of the typical record, numbered TB-000..., the REFUSED one
 * for a standard the AC does not hold. */
static void load_certs(world *w)
{
    uint8_t *json = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "", number[32];

    assert_int_equal(cs_file_read_all(RECORD_PATH, 65536, &json, &len), CS_OK);
    for (size_t i = 0; i < COUNT; i++) {
        assert_int_equal(cs_record_parse_json((const char *)json, len, &w->certs[i], detail,
                                              sizeof(detail)),
                         CS_OK);
        snprintf(number, sizeof(number), "TB-%03zu", i);
        free(w->certs[i].number);
        assert_non_null(w->certs[i].number = strdup(number));
    }
    free(w->certs[REFUSED].standards[0]);
    assert_non_null(w->certs[REFUSED].standards[0] = strdup("ISO 45001:2018"));
    free(json);
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof(*w));
    const char *token;
    size_t len;

    if (w == NULL || cs_key_generate(CS_ALG_EDDSA, &w->ab) != CS_OK ||
        cs_key_generate(CS_ALG_EDDSA, &w->cb) != CS_OK ||
        helper_demo_accreditation(w->ab, w->cb, &w->ac, &w->ac_len) != CS_OK ||
        cs_issuer_new(w->cb, w->ac, w->ac_len, &w->issuer, NULL, 0) != CS_OK)
        return -1;
    load_certs(w);
    for (size_t i = 0; i < COUNT; i++) {
        cs_err err = cs_issuer_issue(w->issuer, &w->certs[i], CS_FORM_OFFLINE, NULL,
                                     CS_ISSUE_VERIFY_SIGNATURE, &token, &len, NULL, 0);
        if (i == REFUSED) {
            if (err != CS_ERR_STANDARD_NOT_ACCREDITED)
                return -1;
            continue;
        }
        if (err != CS_OK || (w->expected[i] = strdup(token)) == NULL)
            return -1;
    }
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    for (size_t i = 0; i < COUNT; i++) {
        cs_certificate_clear(&w->certs[i]);
        free(w->expected[i]);
    }
    cs_issuer_free(&w->issuer);
    free(w->ac);
    cs_key_free(&w->ab);
    cs_key_free(&w->cb);
    free(w);
    return 0;
}

typedef struct seen {
    world *w;
    uint64_t next;    /* the seq expected next */
    uint64_t stop_at; /* return CS_ERR_IO_WRITE for this seq (UINT64_MAX: never) */
} seen;

static cs_err check_item(void *ctx, const cs_issue_batch_item *item)
{
    seen *s = ctx;
    world *w = s->w;
    size_t i = (size_t)item->seq;

    assert_int_equal(item->seq, s->next);
    s->next++;
    assert_ptr_equal(item->cert, &w->certs[i % COUNT]);
    if (i % COUNT == REFUSED) {
        assert_int_equal(item->err, CS_ERR_STANDARD_NOT_ACCREDITED);
        assert_non_null(strstr(item->detail, "ISO 45001:2018"));
        assert_null(item->token);
    } else {
        cs_cose_sign1 msg = {0};
        assert_int_equal(item->err, CS_OK);
        assert_int_equal(item->token_len, strlen(w->expected[i % COUNT]));
        assert_string_equal(item->token, w->expected[i % COUNT]);
        /* the COSE bytes hold the claims */
        assert_int_equal(cs_cose_sign1_decode(item->cose, item->cose_len, &msg), CS_OK);
        assert_int_equal(msg.payload_len, item->claims_len);
        assert_memory_equal(msg.payload, item->claims, item->claims_len);
        cs_cose_sign1_clear(&msg);
    }
    return item->seq == s->stop_at ? CS_ERR_IO_WRITE : CS_OK;
}

static void run(world *w, size_t jobs, size_t rounds)
{
    cs_issue_batch_options options = {.form = CS_FORM_OFFLINE,
                                       .flags = CS_ISSUE_VERIFY_SIGNATURE,
                                       .jobs = jobs};
    cs_issue_batch_t *batch = NULL;
    seen s = {.w = w, .stop_at = UINT64_MAX};

    assert_int_equal(cs_issue_batch_new(w->issuer, &options, check_item, &s, &batch), CS_OK);
    assert_true(cs_issue_batch_jobs(batch) >= 1 && (jobs == 0 || cs_issue_batch_jobs(batch) <= jobs));
    /* each copy is resubmitted only after it was delivered: rounds of COUNT */
    for (size_t r = 0; r < rounds; r++) {
        for (size_t i = 0; i < COUNT; i++)
            assert_int_equal(cs_issue_batch_submit(batch, &w->certs[i]), CS_OK);
        assert_int_equal(cs_issue_batch_finish(batch), CS_OK);
    }
    assert_int_equal(s.next, COUNT * rounds);
    cs_issue_batch_free(&batch);
    assert_null(batch);
}

static void test_order_any_jobs(void **state)
{
    world *w = *state;
    run(w, 1, 1);
    run(w, 2, 2);
    run(w, 4, 1);
    run(w, 0, 1); /* the processors online */
}

static void test_stop(void **state)
{
    world *w = *state;
    cs_issue_batch_options options = {.form = CS_FORM_OFFLINE, .jobs = 2};
    cs_issue_batch_t *batch = NULL;
    seen s = {.w = w, .stop_at = 10};
    cs_err err = CS_OK;
    size_t submitted = 0;

    assert_int_equal(cs_issue_batch_new(w->issuer, &options, check_item, &s, &batch), CS_OK);
    for (; submitted < COUNT && err == CS_OK; submitted++)
        err = cs_issue_batch_submit(batch, &w->certs[submitted]);
    /* the window is 32: the stop is seen while submitting, or at the end */
    assert_int_equal(cs_issue_batch_finish(batch), CS_ERR_IO_WRITE);
    assert_int_equal(s.next, 11); /* nothing after the refusal */
    assert_int_equal(cs_issue_batch_submit(batch, &w->certs[0]), CS_ERR_IO_WRITE);
    cs_issue_batch_free(&batch);
}

static cs_err link_item(void *ctx, const cs_issue_batch_item *item)
{
    size_t *count = ctx;
    if (item->err == CS_OK) {
        assert_true(strncmp(item->token, "HTTPS://VERIFY.EXAMPLE.ORG/V/", 29) == 0);
        (*count)++;
    }
    return CS_OK;
}

static void test_link_form(void **state)
{
    world *w = *state;
    cs_issue_batch_options options = {.form = CS_FORM_LINK, .link_base = LINK_BASE, .jobs = 2};
    cs_issue_batch_t *batch = NULL;
    size_t count = 0;

    assert_int_equal(cs_issue_batch_new(w->issuer, &options, link_item, &count, &batch), CS_OK);
    for (size_t i = 0; i < 20; i++)
        assert_int_equal(cs_issue_batch_submit(batch, &w->certs[i]), CS_OK);
    assert_int_equal(cs_issue_batch_finish(batch), CS_OK);
    assert_int_equal(count, 20);
    cs_issue_batch_free(&batch);
}

static void test_arguments(void **state)
{
    world *w = *state;
    cs_issue_batch_options options = {.form = CS_FORM_OFFLINE};
    cs_issue_batch_t *batch = (cs_issue_batch_t *)&options;
    seen s = {.w = w};

    assert_int_equal(cs_issue_batch_new(NULL, &options, check_item, &s, &batch), CS_ERR_ARGUMENT);
    assert_null(batch);
    assert_int_equal(cs_issue_batch_new(w->issuer, NULL, check_item, &s, &batch),
                     CS_ERR_ARGUMENT);
    assert_int_equal(cs_issue_batch_new(w->issuer, &options, NULL, &s, &batch), CS_ERR_ARGUMENT);
    options.jobs = CS_ISSUE_BATCH_JOBS_MAX + 1;
    assert_int_equal(cs_issue_batch_new(w->issuer, &options, check_item, &s, &batch),
                     CS_ERR_ARGUMENT);
    options.jobs = 1;
    options.form = (cs_form)42;
    assert_int_equal(cs_issue_batch_new(w->issuer, &options, check_item, &s, &batch),
                     CS_ERR_ARGUMENT);
    assert_int_equal(cs_issue_batch_submit(NULL, &w->certs[0]), CS_ERR_ARGUMENT);
    assert_int_equal(cs_issue_batch_finish(NULL), CS_ERR_ARGUMENT);
    cs_issue_batch_free(NULL);
    batch = NULL;
    cs_issue_batch_free(&batch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_any_jobs),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_link_form),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
