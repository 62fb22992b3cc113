/* SPDX-License-Identifier: ISC */
/* Unit tests of the batch reader (certseal/batch.h): a CSV row gives the
 * same certificate as its JSON record; RFC 4180 quoting; every bad line is
 * named; limits and the accreditation check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "certseal/batch.h"
#include "certseal/record.h"

static const char JSON_RECORD[] =
    "{\"certificate_number\": \"GB-1\", \"standard\": \"ISO 9001:2015\", \"organization\": "
    "{\"name\": \"Acme, \\\"Precision\\\" Ltd\", \"country\": \"GB\", \"address\": \"Unit "
    "4\\nSheffield\"}, \"scope\": \"Design\", \"sites\": [{\"address\": \"A1\", \"scope\": "
    "\"S1\"}, {\"address\": \"A2\", \"scope\": \"S2\"}], \"iaf_codes\": [17, 18], "
    "\"original_grant\": \"2019-03-14\", \"issued\": \"2026-11-21\", \"expires\": "
    "\"2029-11-20\", \"revision\": 2}";

static const char CSV_HEADER[] =
    "certificate_number,standard,organization.name,organization.country,"
    "organization.address,scope,original_grant,issued,expires,revision,iaf_codes,"
    "site1.address,site1.scope,site2.address,site2.scope,accreditation_number\r\n";

static const char CSV_ROW[] = "GB-1,ISO 9001:2015,\"Acme, \"\"Precision\"\" Ltd\",GB,\"Unit "
                              "4\nSheffield\",Design,2019-03-14,2026-11-21,2029-11-20,2,\" 17;18 \""
                              ",A1,S1,A2,S2,\r\n";

static cs_err parse_as(const char *text, size_t len, cs_batch_format format, cs_batch *batch)
{
    return cs_batch_parse(text, len, &(cs_batch_options){.format = format}, batch);
}

/* text with every comma outside quotes replaced by separator. */
static void with_separator(const char *text, char separator, char *out, size_t size)
{
    bool quoted = false;
    size_t n = 0;
    for (; *text != '\0' && n + 1 < size; text++) {
        quoted ^= *text == '"';
        out[n++] = *text == ',' && !quoted ? separator : *text;
    }
    out[n] = '\0';
}

static char *as_json(const cs_certificate *cert)
{
    char *json = NULL;
    assert_int_equal(cs_record_to_json(cert, 0, &json), CS_OK);
    return json;
}

static void test_csv_equals_json(void **state)
{
    cs_certificate cert = {0};
    cs_batch jsonl, csv;
    char text[2048];
    (void)state;

    assert_int_equal(cs_record_parse_json(JSON_RECORD, strlen(JSON_RECORD), &cert, NULL, 0), CS_OK);
    snprintf(text, sizeof(text), "%s\n\n", JSON_RECORD);
    /* JSON Lines needs the record on one line: the \n above is escaped. */
    assert_int_equal(parse_as(text, strlen(text), CS_BATCH_JSONL, &jsonl), CS_OK);
    snprintf(text, sizeof(text), "\xEF\xBB\xBF%s%s", CSV_HEADER, CSV_ROW);
    assert_int_equal(parse_as(text, strlen(text), CS_BATCH_AUTO, &csv), CS_OK);
    assert_int_equal(jsonl.count, 1);
    assert_int_equal(csv.count, 1);
    assert_int_equal(csv.lines[0], 2);
    char *a = as_json(&cert), *b = as_json(&jsonl.certs[0]), *c = as_json(&csv.certs[0]);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    free(a);
    free(b);
    free(c);
    cs_certificate_clear(&cert);
    cs_batch_clear(&jsonl);
    cs_batch_clear(&csv);
}

static void test_every_bad_line_named(void **state)
{
    char text[4096];
    cs_batch batch;
    (void)state;

    snprintf(text, sizeof(text), "%s\n{\"certificate_number\": 1}\n%s\nnot json\n%s\n", JSON_RECORD,
             JSON_RECORD, JSON_RECORD);
    assert_int_equal(parse_as(text, strlen(text), CS_BATCH_JSONL, &batch), CS_ERR_RECORD);
    assert_int_equal(batch.count, 0);
    assert_int_equal(batch.records_seen, 5);
    assert_true(batch.problem_count >= 3);
    assert_int_equal(batch.problems[0].line, 2);
    assert_string_equal(batch.problems[0].field, "certificate_number");
    assert_int_equal(batch.problems[1].line, 3); /* GB-1 again: a duplicate of line 1 */
    assert_int_equal(batch.problems[2].line, 4);
    assert_string_equal(batch.problems[2].field, "json");
    cs_batch_clear(&batch);
}

static void test_csv_problems(void **state)
{
    char text[4096];
    cs_batch batch;
    (void)state;

    /* a gap in the sites, a bad IAF list, too few fields, a quote in a bare field */
    snprintf(text, sizeof(text),
             "%s"
             "A,ISO 9001:2015,N,GB,Ad,S,2019-03-14,2026-11-21,2029-11-20,0,,,,A2,S2,\n"
             "B,ISO 9001:2015,N,GB,Ad,S,2019-03-14,2026-11-21,2029-11-20,0,17;x,,,,,\n"
             "C,ISO 9001:2015\n"
             "D,ISO 9001:2015,N\"x,GB,Ad,S,2019-03-14,2026-11-21,2029-11-20,0,,,,,,\n"
             "E,ISO 9001:2015,N,GB,Ad,S,2019-03-14,2026-11-21,2029-11-20,0,,A1,,,,\n",
             CSV_HEADER);
    assert_int_equal(parse_as(text, strlen(text), CS_BATCH_CSV, &batch), CS_ERR_RECORD);
    assert_int_equal(batch.problem_count, 5);
    assert_string_equal(batch.problems[0].field, "site2");
    assert_string_equal(batch.problems[1].field, "iaf_codes");
    assert_string_equal(batch.problems[2].field, "csv");
    assert_string_equal(batch.problems[3].field, "csv");
    assert_string_equal(batch.problems[4].field, "site1.scope");
    assert_int_equal(batch.problems[4].line, 6);
    cs_batch_clear(&batch);

    snprintf(text, sizeof(text), "%sX,\"open", CSV_HEADER);
    assert_int_equal(parse_as(text, strlen(text), CS_BATCH_CSV, &batch), CS_ERR_CSV);
    cs_batch_clear(&batch);
    assert_int_equal(parse_as("certificate_number,colour\n", 26, CS_BATCH_CSV, &batch),
                     CS_ERR_CSV);
    assert_string_equal(batch.problems[0].field, "csv");
    cs_batch_clear(&batch);
    assert_int_equal(parse_as("", 0, CS_BATCH_JSONL, &batch), CS_ERR_RECORD);
    cs_batch_clear(&batch);
}

/* The semicolon (a European spreadsheet's export) and the tab separate a
 * CSV batch as the comma does, found from the header row. */
static void test_csv_separators(void **state)
{
    static const char separators[] = {';', '\t'};
    char comma[2048], other[2048];
    cs_batch expected, batch;
    (void)state;

    snprintf(comma, sizeof(comma), "%s%s", CSV_HEADER, CSV_ROW);
    assert_int_equal(parse_as(comma, strlen(comma), CS_BATCH_CSV, &expected), CS_OK);
    char *want = as_json(&expected.certs[0]);
    for (size_t i = 0; i < sizeof(separators); i++) {
        with_separator(comma, separators[i], other, sizeof(other));
        assert_int_equal(parse_as(other, strlen(other), CS_BATCH_AUTO, &batch), CS_OK);
        char *got = as_json(&batch.certs[0]);
        assert_string_equal(want, got);
        free(got);
        cs_batch_clear(&batch);
    }
    free(want);
    cs_batch_clear(&expected);
}

/* An unknown column names the nearest one; --ignore-column skips one. */
static void test_csv_unknown_and_ignored_columns(void **state)
{
    static const char *const ignored[] = {"internal_ref"};
    char text[4096];
    cs_batch batch;
    (void)state;

    snprintf(text, sizeof(text), "organisation.name,%s", CSV_HEADER);
    assert_int_equal(parse_as(text, strlen(text), CS_BATCH_CSV, &batch), CS_ERR_CSV);
    assert_non_null(strstr(batch.problems[0].message, "did you mean organization.name?"));
    cs_batch_clear(&batch);
    assert_int_equal(parse_as("certificate_number,site3.adress\n", 32, CS_BATCH_CSV, &batch),
                     CS_ERR_CSV);
    assert_non_null(strstr(batch.problems[0].message, "did you mean site3.address?"));
    cs_batch_clear(&batch);

    snprintf(text, sizeof(text), "internal_ref,%sX-77,%s", CSV_HEADER, CSV_ROW);
    assert_int_equal(parse_as(text, strlen(text), CS_BATCH_CSV, &batch), CS_ERR_CSV);
    assert_non_null(strstr(batch.problems[0].message, "--ignore-column"));
    cs_batch_clear(&batch);
    cs_batch_options options = {.format = CS_BATCH_CSV, .ignore_columns = ignored,
                                .ignore_count = 1};
    assert_int_equal(cs_batch_parse(text, strlen(text), &options, &batch), CS_OK);
    assert_int_equal(batch.count, 1);
    assert_string_equal(batch.certs[0].number, "GB-1");
    cs_batch_clear(&batch);
}

static void test_formats_and_accreditation(void **state)
{
    char *standards[] = {"ISO 14001:2015"};
    uint64_t iaf[] = {17};
    cs_accreditation ac = {.number = "ACC-1",
                           .standards = standards,
                           .standard_count = 1,
                           .iaf_codes = iaf,
                           .iaf_count = 1,
                           .not_before = 0,
                           .expires = 4102444800};
    cs_batch batch;
    (void)state;

    assert_int_equal(cs_batch_format_for_path("a/b.JSONL"), CS_BATCH_JSONL);
    assert_int_equal(cs_batch_format_for_path("b.csv"), CS_BATCH_CSV);
    assert_int_equal(cs_batch_format_for_path("b.txt"), CS_BATCH_AUTO);
    assert_int_equal(cs_batch_format_from_name("csv"), CS_BATCH_CSV);
    char line[2048];
    snprintf(line, sizeof(line), "%s\n", JSON_RECORD);
    assert_int_equal(parse_as(line, strlen(line), CS_BATCH_AUTO, &batch), CS_OK);
    assert_int_equal(cs_batch_check_accreditation(&batch, &ac), CS_ERR_RECORD);
    assert_string_equal(batch.problems[0].field, "standard");
    cs_batch_clear(&batch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_equals_json),
        cmocka_unit_test(test_every_bad_line_named),
        cmocka_unit_test(test_csv_problems),
        cmocka_unit_test(test_csv_separators),
        cmocka_unit_test(test_csv_unknown_and_ignored_columns),
        cmocka_unit_test(test_formats_and_accreditation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
