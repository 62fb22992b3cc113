/* SPDX-License-Identifier: ISC */
/*
 * Many tokens at once: the token reader (token_reader.h) in every format,
 * with its bad entries and fatal errors, and the ordered parallel batch
 * (verify_batch.h): results in submission order with their positions,
 * whatever the number of jobs, entries without a token keeping their place.
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
#include "certseal/token_reader.h"
#include "certseal/verify_batch.h"

typedef struct expect {
    cs_err err;
    uint64_t line;
    const char *token; /* NULL: an error entry */
} expect;

/* Reads text as name with format; the entries must be want[0..n), then
 * the end (or the fatal error `end`). */
static void read_all(const char *text, size_t len, const char *name, cs_token_format format,
                     const expect *want, size_t n, cs_err end)
{
    FILE *in = fmemopen((void *)text, len, "rb");
    cs_token_reader_t *reader = NULL;
    char detail[256];

    assert_non_null(in);
    assert_int_equal(cs_token_reader_new(in, name, format, &reader), CS_OK);
    for (size_t i = 0; i <= n; i++) {
        const uint8_t *token;
        size_t tlen;
        uint64_t line;
        cs_err err = cs_token_reader_next(reader, &token, &tlen, &line, detail, sizeof(detail));
        if (i == n) {
            assert_int_equal(err, end);
            if (end == CS_OK)
                assert_null(token);
            else
                assert_true(cs_token_reader_fatal(err));
            break;
        }
        assert_int_equal(err, want[i].err);
        assert_int_equal(line, want[i].line);
        if (want[i].token != NULL) {
            assert_int_equal(tlen, strlen(want[i].token));
            assert_memory_equal(token, want[i].token, tlen);
        } else {
            assert_true(detail[0] != '\0');
        }
    }
    cs_token_reader_free(&reader);
    assert_null(reader);
    fclose(in);
}

static void test_lines(void **state)
{
    static const char text[] = "\n  \nCS1:AAA\r\n\nCS1:BBB\nCS1:CCC";
    const expect want[] = {{CS_OK, 3, "CS1:AAA"}, {CS_OK, 5, "CS1:BBB"}, {CS_OK, 6, "CS1:CCC"}};
    (void)state;
    read_all(text, sizeof(text) - 1, "t.txt", CS_TOKEN_FORMAT_AUTO, want, 3, CS_OK);
    read_all(text, sizeof(text) - 1, NULL, CS_TOKEN_FORMAT_LINES, want, 3, CS_OK);
    read_all("", 0, NULL, CS_TOKEN_FORMAT_AUTO, NULL, 0, CS_OK);
}

static void test_jsonl(void **state)
{
    static const char text[] = "{\"number\":\"A\",\"token\":\"CS1:AAA\"}\n"
                               "{\"number\":\"B\"}\n"
                               "not json\n"
                               "\n"
                               "{\"token\":\"CS1:\\u0042BB\"}\n"
                               "{\"token\":7}\n";
    const expect want[] = {{CS_OK, 1, "CS1:AAA"},
                           {CS_ERR_BATCH_ENTRY, 2, NULL},
                           {CS_ERR_BATCH_ENTRY, 3, NULL},
                           {CS_OK, 5, "CS1:BBB"},
                           {CS_ERR_BATCH_ENTRY, 6, NULL}};
    (void)state;
    /* by content, by name, and forced */
    read_all(text, sizeof(text) - 1, NULL, CS_TOKEN_FORMAT_AUTO, want, 5, CS_OK);
    read_all(text, sizeof(text) - 1, "tokens.JSONL", CS_TOKEN_FORMAT_AUTO, want, 5, CS_OK);
    read_all(text, sizeof(text) - 1, "x", CS_TOKEN_FORMAT_JSONL, want, 5, CS_OK);
}

static void test_csv(void **state)
{
    static const char text[] = "supplier,\"note\", Token \r\n"
                               "Acme,\"a, \"\"b\"\"\nc\",CS1:AAA\r\n"
                               "Beta,,\r\n"
                               "Gamma,x,\"CS1:CCC\"\r\n"
                               "Delta\r\n";
    const expect want[] = {{CS_OK, 2, "CS1:AAA"},
                           {CS_ERR_BATCH_ENTRY, 4, NULL},
                           {CS_OK, 5, "CS1:CCC"},
                           {CS_ERR_BATCH_ENTRY, 6, NULL}};
    static const char no_column[] = "supplier,certificate\nAcme,CS1:AAA\n";
    static const char open_quote[] = "token,note\nCS1:AAA,\"never closed\n";
    const expect first[] = {{CS_OK, 2, "CS1:AAA"}};
    (void)state;
    read_all(text, sizeof(text) - 1, NULL, CS_TOKEN_FORMAT_AUTO, want, 4, CS_OK);
    read_all(text, sizeof(text) - 1, "s.csv", CS_TOKEN_FORMAT_AUTO, want, 4, CS_OK);
    read_all(no_column, sizeof(no_column) - 1, "s.csv", CS_TOKEN_FORMAT_AUTO, NULL, 0,
             CS_ERR_BATCH_TOKEN_COLUMN);
    read_all(open_quote, sizeof(open_quote) - 1, "s.csv", CS_TOKEN_FORMAT_AUTO, first, 0,
             CS_ERR_CSV);
    read_all("", 0, "s.csv", CS_TOKEN_FORMAT_AUTO, NULL, 0, CS_ERR_BATCH_TOKEN_COLUMN);
}

static void test_cose_and_long(void **state)
{
    static const uint8_t cose[] = {0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27, 0x0a, 0x00};
    const expect one[] = {{CS_OK, 0, NULL}};
    size_t big = CS_TOKEN_TEXT_MAX + 10;
    char *text = malloc(big + 16);
    FILE *in;
    cs_token_reader_t *reader = NULL;
    const uint8_t *token;
    size_t len;
    uint64_t line;
    (void)state;
    (void)one;

    in = fmemopen((void *)cose, sizeof(cose), "rb");
    assert_non_null(in);
    assert_int_equal(cs_token_reader_new(in, NULL, CS_TOKEN_FORMAT_AUTO, &reader), CS_OK);
    assert_int_equal(cs_token_reader_next(reader, &token, &len, &line, NULL, 0), CS_OK);
    assert_int_equal(cs_token_reader_format(reader), CS_TOKEN_FORMAT_COSE);
    assert_int_equal(len, sizeof(cose));
    assert_memory_equal(token, cose, sizeof(cose)); /* the newline byte is the token's */
    assert_int_equal(cs_token_reader_next(reader, &token, &len, &line, NULL, 0), CS_OK);
    assert_null(token);
    cs_token_reader_free(&reader);
    fclose(in);

    /* A line past the cap is dropped as an entry; the next goes on. */
    assert_non_null(text);
    memcpy(text, "CS1:", 4);
    memset(text + 4, 'A', big - 4);
    memcpy(text + big, "\nCS1:BBB\n", 9);
    {
        const expect want[] = {{CS_ERR_BATCH_LINE_TOO_LONG, 1, NULL}, {CS_OK, 2, "CS1:BBB"}};
        read_all(text, big + 9, NULL, CS_TOKEN_FORMAT_LINES, want, 2, CS_OK);
    }
    free(text);
    assert_int_equal(cs_token_format_parse("NDJSON"), CS_TOKEN_FORMAT_JSONL);
    assert_int_equal(cs_token_format_parse("xml"), -1);
    assert_string_equal(cs_token_format_name(CS_TOKEN_FORMAT_CSV), "csv");
}

/* ---- the batch ------------------------------------------------------------------ */

typedef struct seen {
    uint64_t next;
    size_t errors, results;
    bool bad;
} seen;

/* Runs on the verifying thread: the result whole, the text for done(). */
static void render_item(void *ctx, const cs_verify_batch_item *item, FILE *out, FILE *err)
{
    (void)ctx;
    fprintf(out, "entry %llu", (unsigned long long)item->seq);
    if (item->result != NULL)
        fprintf(err, "%s", cs_verdict_name(item->result->verdict));
}

static void on_item(void *ctx, const cs_verify_batch_item *item)
{
    seen *s = ctx;
    char text[64];
    snprintf(text, sizeof(text), "entry %llu", (unsigned long long)item->seq);
    if (item->seq != s->next || item->position.line != item->seq + 1 ||
        item->out_len != strlen(text) || memcmp(item->out, text, item->out_len) != 0)
        s->bad = true;
    if (item->result != NULL && (item->result->accreditation != NULL || item->err_len != 9 ||
                                 memcmp(item->err, "MALFORMED", 9) != 0))
        s->bad = true;
    if (item->seq % 7 == 3) { /* the error entries */
        if (item->input_err != CS_ERR_BATCH_ENTRY || item->result != NULL ||
            strcmp(item->input_detail, "no token here") != 0)
            s->bad = true;
        s->errors++;
    } else {
        /* "CS1:n": never a valid token; MALFORMED, with its own text back */
        char want[32];
        snprintf(want, sizeof(want), "CS1:%llu", (unsigned long long)item->seq);
        if (item->result == NULL || item->result->verdict != CS_VERDICT_MALFORMED ||
            item->token_len != strlen(want) || memcmp(item->token, want, item->token_len) != 0)
            s->bad = true;
        s->results++;
    }
    s->next++;
}

static void test_batch_order(void **state)
{
    cs_trust_t *trust = NULL;
    cs_verifier_t *verifiers[4] = {NULL};
    (void)state;

    assert_int_equal(cs_trust_new(&trust), CS_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(cs_verifier_new(trust, &verifiers[i]), CS_OK);
    for (size_t jobs = 1; jobs <= 4; jobs++) {
        cs_verify_batch_t *batch = NULL;
        seen s = {0};
        const size_t n = 500;
        assert_int_equal(cs_verify_batch_new(verifiers, jobs, render_item, on_item, &s, &batch), CS_OK);
        for (size_t i = 0; i < n; i++) {
            cs_report_position pos = {.file = "f", .line = i + 1};
            char token[32];
            if (i % 7 == 3) {
                assert_int_equal(cs_verify_batch_submit_error(batch, CS_ERR_BATCH_ENTRY,
                                                              "no token here", &pos),
                                 CS_OK);
                continue;
            }
            snprintf(token, sizeof(token), "CS1:%zu", i);
            assert_int_equal(
                cs_verify_batch_submit(batch, (const uint8_t *)token, strlen(token), &pos), CS_OK);
            /* never more than the window undelivered */
            assert_true(i + 1 - s.next <= jobs * CS_VERIFY_BATCH_WINDOW_PER_JOB);
        }
        cs_verify_batch_finish(batch);
        assert_false(s.bad);
        assert_int_equal(s.next, n);
        assert_int_equal(s.errors + s.results, n);
        cs_verify_batch_free(&batch);
        assert_null(batch);
    }
    {
        cs_verify_batch_t *batch = NULL;
        seen s = {0};
        assert_int_equal(cs_verify_batch_new(verifiers, 0, NULL, on_item, &s, &batch), CS_ERR_ARGUMENT);
        assert_int_equal(cs_verify_batch_new(verifiers, 1, NULL, NULL, &s, &batch), CS_ERR_ARGUMENT);
        assert_int_equal(cs_verify_batch_new(verifiers, 2, NULL, on_item, &s, &batch), CS_OK);
        cs_verify_batch_free(&batch); /* nothing submitted */
    }
    for (int i = 0; i < 4; i++)
        cs_verifier_free(&verifiers[i]);
    cs_trust_free(&trust);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_cose_and_long),
        cmocka_unit_test(test_batch_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
