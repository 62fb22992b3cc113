/* SPDX-License-Identifier: ISC */
/*
 * The text renderers (report.h, report_scan.h) and the verdict list
 * (verify.h, CS_VERDICT_LIST).  A verification: results built by hand, so
 * that every line can be compared; hostile text in the certificate, the
 * reason and the label comes out escaped; colours only when asked for;
 * values longer than a line's buffer are cut; arguments.  An inspection of
 * a token the library issued, as text and JSON, with the QR version at the
 * error correction asked for.  A scan's codes, as text and JSON.
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

#include <jansson.h>

#include "certseal/certseal.h"
#include "helper_tokens.h"

static char *SITE_ADDRESS[] = {"1 Mill Lane, Leeds", "2 Dock Road, Hull"};
static uint64_t IAF[] = {17, 18};
static char *STANDARDS[] = {"ISO 9001:2015"};

static int64_t date(const char *text)
{
    int64_t t = 0;
    assert_int_equal(cs_date_parse(text, &t), CS_OK);
    return t;
}

/* A VALID result with the typical certificate and its accreditation, every
 * check passed; the strings are borrowed (never cleared). */
static void valid_result(cs_verify_result *r, cs_site sites[2], cs_accreditation *ac)
{
    memset(r, 0, sizeof(*r));
    memset(ac, 0, sizeof(*ac));
    sites[0] = (cs_site){SITE_ADDRESS[0], "Machining"};
    sites[1] = (cs_site){SITE_ADDRESS[1], "Dispatch"};
    *ac = (cs_accreditation){.issuer = "UKAS",
                             .subject = "cb.example",
                             .name = "Example Certification Ltd",
                             .number = "ACC-1",
                             .country = "GB",
                             .standards = STANDARDS,
                             .standard_count = 1};
    r->verdict = CS_VERDICT_VALID;
    r->form = CS_FORM_OFFLINE;
    r->verified_at = date("2026-12-01");
    r->signatures_verified = true;
    r->has_certificate = true;
    r->status_checked = true;
    r->accreditation = ac;
    r->certificate = (cs_certificate){
        .issuer = "cb.example",
        .number = "GB-Q-2026-004217",
        .standards = STANDARDS,
        .standard_count = 1,
        .organization_name = "Acme Precision Engineering Ltd",
        .organization_country = "GB",
        .organization_address = "Unit 4, Riverside Park, Sheffield S9 2RX",
        .scope = "Precision machined components",
        .sites = sites,
        .site_count = 2,
        .iaf_codes = IAF,
        .iaf_count = 2,
        .original_grant = date("2019-03-14"),
        .issued_at = date("2026-11-21"),
        .expires = date("2029-11-21"),
        .revision = 2,
        .accreditation_number = "ACC-1",
    };
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        r->checks[id].state = CS_CHECK_PASS;
        snprintf(r->checks[id].detail, sizeof(r->checks[id].detail), "check %d passed", id);
    }
}

static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Nothing a terminal acts on: no control character but the line ends, no
 * bidirectional override or isolate, no C1 control. */
static void assert_terminal_safe(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if (*p < 0x20 && *p != '\n')
            fail_msg("control 0x%02x at offset %zu", *p, (size_t)(p - (const unsigned char *)text));
        assert_int_not_equal(*p, 0x7f);
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            fail_msg("C1 control at offset %zu", (size_t)(p - (const unsigned char *)text));
        if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
            fail_msg("bidirectional override at offset %zu",
                     (size_t)(p - (const unsigned char *)text));
        if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
            fail_msg("bidirectional isolate at offset %zu",
                     (size_t)(p - (const unsigned char *)text));
    }
}

static void test_valid(void **state)
{
    cs_verify_result r;
    cs_site sites[2];
    cs_accreditation ac;
    char *text = NULL, want[256];
    (void)state;

    valid_result(&r, sites, &ac);
    assert_int_equal(cs_report_verify_text(&r, "token.txt", 0, &text), CS_OK);
    assert_non_null(text);
    assert_true(strncmp(text,
                        "VALID  Acme Precision Engineering Ltd is certified to ISO 9001:2015\n"
                        "Certificate\n"
                        "  Number          GB-Q-2026-004217\n"
                        "  Organisation    Acme Precision Engineering Ltd (GB)\n"
                        "  Address         Unit 4, Riverside Park, Sheffield S9 2RX\n"
                        "  Standard        ISO 9001:2015\n"
                        "  Scope           Precision machined components\n",
                        308) == 0);
    assert_non_null(strstr(text, "  Certified by    Example Certification Ltd (cb.example, GB)\n"
                                 "  Accredited by   UKAS, accreditation ACC-1\n"
                                 "  Status          "));
    assert_non_null(strstr(text, "  Sites           1 Mill Lane, Leeds: Machining\n"
                                 "                  2 Dock Road, Hull: Dispatch\n"
                                 "  IAF sectors     17, 18\n"
                                 "  Issued          2026-11-21 (revision 2; first granted "
                                 "2019-03-14)\n"
                                 "  Expires         2029-11-20\n"));
    snprintf(want, sizeof(want), "  Status          %s\n  Accreditation   %s\nChecks\n",
             cs_verify_status_summary(&r, CS_CHECK_CT_STATUS),
             cs_verify_status_summary(&r, CS_CHECK_AC_STATUS));
    assert_non_null(strstr(text, want));
    /* Every check, in order, on its own line. */
    const char *at = strstr(text, "Checks\n");
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        snprintf(want, sizeof(want), "  pass    %-24s check %d passed\n",
                 cs_check_name((cs_check_id)id), id);
        const char *line = strstr(at, want);
        assert_non_null(line);
        assert_true(line > at);
        at = line;
    }
    assert_string_equal(at + strlen(want), "");
    assert_null(strchr(text, '\033'));
    assert_null(strstr(text, "warning:"));
    assert_null(strstr(text, "token.txt")); /* the label names failures only */
    free(text);
}

static void test_failure_escaped(void **state)
{
    cs_verify_result r;
    cs_site sites[2];
    cs_accreditation ac;
    char *text = NULL;
    (void)state;

    valid_result(&r, sites, &ac);
    r.verdict = CS_VERDICT_UNTRUSTED;
    r.err = CS_ERR_UNTRUSTED;
    r.failed = CS_CHECK_AC_TRUSTED;
    r.has_certificate = false;
    r.accreditation = NULL;
    r.signatures_verified = false;
    r.checks[CS_CHECK_AC_TRUSTED].state = CS_CHECK_FAIL;
    snprintf(r.checks[CS_CHECK_AC_TRUSTED].detail, CS_DETAIL_SIZE,
             "key \x1b[2JVALID \xe2\x80\xae" "desrever");
    for (int id = CS_CHECK_AC_SIGNATURE; id < CS_CHECK_COUNT; id++) {
        r.checks[id].state = CS_CHECK_NOT_RUN;
        r.checks[id].detail[0] = '\0';
    }
    assert_int_equal(cs_report_verify_text(&r, "a\nfile\x1b[31m", 0, &text), CS_OK);
    assert_terminal_safe(text);
    assert_true(strncmp(text, "UNTRUSTED  a\\x0afile\\x1b[31m: key \\x1b[2JVALID ", 47) == 0);
    assert_null(strstr(text, "Certificate"));
    assert_int_equal(count(text, "\n"), 2 + CS_CHECK_COUNT);
    assert_non_null(strstr(text, "  fail    accreditation-trusted"));
    assert_int_equal(count(text, "  not run "), CS_CHECK_COUNT - CS_CHECK_AC_SIGNATURE);
    free(text);

    /* No label: the token. */
    assert_int_equal(cs_report_verify_text(&r, NULL, 0, &text), CS_OK);
    assert_true(strncmp(text, "UNTRUSTED  token: ", 18) == 0);
    free(text);
}

/* The JSON written directly (cs_report_verify_json() compact and
 * cs_report_verify_json_write(), pkg/report_json_line.c) is, byte for
 * byte, what the jansson tree of the pretty form gives once compacted: the
 * same keys in the same order, the same escapes (quotes, backslashes,
 * controls, code points a terminal acts on), for a VALID result, a failed
 * one, one without a certificate, and hostile text. */
static char *compact_reference(const cs_verify_result *r)
{
    char *pretty = NULL, *text;
    json_error_t error;
    json_t *tree;

    assert_int_equal(cs_report_verify_json(r, CS_REPORT_PRETTY, &pretty), CS_OK);
    tree = json_loads(pretty, 0, &error);
    assert_non_null(tree);
    text = json_dumps(tree, JSON_PRESERVE_ORDER | JSON_COMPACT);
    assert_non_null(text);
    assert_int_equal(cs_text_escape_json(&text), CS_OK);
    json_decref(tree);
    free(pretty);
    return text;
}

static void assert_json_direct(const cs_verify_result *r)
{
    char *reference = compact_reference(r), *direct = NULL, *line = NULL, *with = NULL;
    size_t len = 0;
    FILE *f;
    cs_report_position pos = {.file = "in \"x\".csv", .line = 7};

    assert_int_equal(cs_report_verify_json(r, 0, &direct), CS_OK);
    assert_string_equal(direct, reference);
    /* With a position: the same object, "input" added last. */
    f = open_memstream(&line, &len);
    assert_non_null(f);
    assert_int_equal(cs_report_verify_json_write(r, &pos, f), CS_OK);
    assert_int_equal(fclose(f), 0);
    with = malloc(strlen(reference) + 64);
    assert_non_null(with);
    snprintf(with, strlen(reference) + 64,
             "%.*s,\"input\":{\"file\":\"in \\\"x\\\".csv\",\"line\":7}}",
             (int)strlen(reference) - 1, reference);
    assert_string_equal(line, with);
    free(with);
    free(line);
    free(direct);
    free(reference);
}

static void test_json_direct(void **state)
{
    cs_verify_result r;
    cs_accreditation ac;
    cs_site sites[2];
    char hostile[] = "\xe2\x81\xa6" "Evil \"q\" \\ \x01\x1b]0;t\x07 Ltd\xc2\x9b\t\xe2\x80\xae" "2J \xf0\x9f\x98\x80 caf\xc3\xa9";
    (void)state;

    valid_result(&r, sites, &ac);
    assert_json_direct(&r);
    r.has_kids = true;
    memset(r.ct_kid, 0xab, sizeof(r.ct_kid));
    r.certificate.status = (cs_status_ref){.present = true, .index = 42, .uri = "https://cb.example/s"};
    ac.status = (cs_status_ref){.present = true, .index = 7, .uri = "https://ab.example/s"};
    r.status_as_of = date("2026-11-30");
    r.certificate.organization_name = hostile;
    r.certificate.scope = hostile;
    sites[1].address = NULL;
    ac.name = hostile;
    r.verdict = CS_VERDICT_SUSPENDED;
    r.err = CS_ERR_STATUS_SUSPENDED;
    r.failed = CS_CHECK_CT_STATUS;
    r.checks[CS_CHECK_CT_STATUS].state = CS_CHECK_FAIL;
    snprintf(r.checks[CS_CHECK_CT_STATUS].detail, sizeof(r.checks[0].detail), "%s", hostile);
    assert_json_direct(&r);
    r.has_certificate = false;
    r.accreditation = NULL;
    r.verdict = CS_VERDICT_MALFORMED;
    r.failed = CS_CHECK_DECODE;
    assert_json_direct(&r);
}

static void test_hostile_certificate(void **state)
{
    cs_verify_result r;
    cs_site sites[2];
    cs_accreditation ac;
    char *text = NULL, hostile[] = "\xe2\x81\xa6" "Evil\x1b]0;title\x07 Ltd\xc2\x9b" "2J";
    (void)state;

    valid_result(&r, sites, &ac);
    r.signatures_verified = false; /* as after a failed signature */
    r.verdict = CS_VERDICT_INVALID_SIGNATURE;
    r.failed = CS_CHECK_CT_SIGNATURE;
    r.checks[CS_CHECK_CT_SIGNATURE].state = CS_CHECK_FAIL;
    r.certificate.organization_name = hostile;
    r.certificate.scope = hostile;
    sites[1].scope = hostile;
    ac.name = hostile;
    assert_int_equal(cs_report_verify_text(&r, "t", 0, &text), CS_OK);
    assert_terminal_safe(text);
    assert_non_null(strstr(text, "Certificate (NOT verified: do not rely on it)\n"));
    assert_int_equal(count(text, "Evil\\x1b]0;title\\x07 Ltd"), 4);
    free(text);

    /* A value longer than a line holds is cut, still safe. */
    char *long_text = malloc(CS_TEXT_MAX * 2 + 1);
    assert_non_null(long_text);
    memset(long_text, '\x1b', CS_TEXT_MAX * 2);
    long_text[CS_TEXT_MAX * 2] = '\0';
    r.certificate.scope = long_text;
    r.certificate.organization_name = long_text;
    assert_int_equal(cs_report_verify_text(&r, long_text, 0, &text), CS_OK);
    assert_terminal_safe(text);
    assert_true(strlen(text) < 32 * (CS_TEXT_MAX + 64));
    free(text);
    free(long_text);
}

static void test_colour_and_warning(void **state)
{
    cs_verify_result r;
    cs_site sites[2];
    cs_accreditation ac;
    char *text = NULL;
    (void)state;

    valid_result(&r, sites, &ac);
    r.checks[CS_CHECK_CT_STATUS].state = CS_CHECK_UNKNOWN;
    r.status_checked = false;
    assert_int_equal(cs_report_verify_text(&r, "t", CS_REPORT_COLOUR, &text), CS_OK);
    assert_true(strncmp(text, "\033[1;32mVALID\033[0m  Acme", 22) == 0);
    assert_non_null(strstr(text, "  \033[32mpass   \033[0m decode "));
    assert_non_null(strstr(text, "  unknown "));
    if (cs_verify_warnings(&r) & CS_WARNING_STATUS_NOT_CHECKED)
        assert_non_null(strstr(text, "\nwarning: status not checked"));
    free(text);

    r.verdict = CS_VERDICT_EXPIRED;
    r.failed = CS_CHECK_CT_VALIDITY;
    r.checks[CS_CHECK_CT_VALIDITY].state = CS_CHECK_FAIL;
    assert_int_equal(cs_report_verify_text(&r, "t", CS_REPORT_COLOUR, &text), CS_OK);
    assert_true(strncmp(text, "\033[1;31mEXPIRED\033[0m  t: ", 23) == 0);
    assert_non_null(strstr(text, "  \033[31mfail   \033[0m certificate-validity "));
    free(text);
}

static void test_arguments(void **state)
{
    cs_verify_result r;
    cs_site sites[2];
    cs_accreditation ac;
    char *text = (char *)"x";
    (void)state;

    valid_result(&r, sites, &ac);
    assert_int_equal(cs_report_verify_text(NULL, "t", 0, &text), CS_ERR_ARGUMENT);
    assert_null(text);
    assert_int_equal(cs_report_verify_text(&r, "t", 0, NULL), CS_ERR_ARGUMENT);
    r.verdict = CS_VERDICT_MALFORMED;
    r.failed = CS_CHECK_COUNT;
    assert_int_equal(cs_report_verify_text(&r, "t", 0, &text), CS_ERR_ARGUMENT);
    assert_null(text);
}

/* The verdict list: the exit codes of certseal(1), the ranks in order, the
 * names, and values outside the list. */
static void test_verdict_list(void **state)
{
    static const struct {
        cs_verdict verdict;
        const char *name;
        int exit;
    } want[] = {
        {CS_VERDICT_VALID, "VALID", 0},
        {CS_VERDICT_MALFORMED, "MALFORMED", 10},
        {CS_VERDICT_UNTRUSTED, "UNTRUSTED", 11},
        {CS_VERDICT_INVALID_SIGNATURE, "INVALID_SIGNATURE", 12},
        {CS_VERDICT_NOT_ACCREDITED, "NOT_ACCREDITED", 13},
        {CS_VERDICT_EXPIRED, "EXPIRED", 14},
        {CS_VERDICT_NOT_YET_VALID, "NOT_YET_VALID", 15},
        {CS_VERDICT_SUSPENDED, "SUSPENDED", 16},
        {CS_VERDICT_WITHDRAWN, "WITHDRAWN", 17},
        {CS_VERDICT_SUPERSEDED, "SUPERSEDED", 18},
        {CS_VERDICT_STATUS_UNKNOWN, "STATUS_UNKNOWN", 19},
    };
    /* Best first (certseal(1), EXIT STATUS). */
    static const cs_verdict order[] = {
        CS_VERDICT_VALID,          CS_VERDICT_STATUS_UNKNOWN, CS_VERDICT_NOT_YET_VALID,
        CS_VERDICT_EXPIRED,        CS_VERDICT_SUPERSEDED,     CS_VERDICT_SUSPENDED,
        CS_VERDICT_WITHDRAWN,      CS_VERDICT_NOT_ACCREDITED, CS_VERDICT_MALFORMED,
        CS_VERDICT_UNTRUSTED,      CS_VERDICT_INVALID_SIGNATURE,
    };
    (void)state;

    assert_int_equal(sizeof(want) / sizeof(want[0]), CS_VERDICT_COUNT);
    assert_int_equal(sizeof(order) / sizeof(order[0]), CS_VERDICT_COUNT);
    for (size_t i = 0; i < CS_VERDICT_COUNT; i++) {
        assert_string_equal(cs_verdict_name(want[i].verdict), want[i].name);
        assert_int_equal(cs_verdict_exit_code(want[i].verdict), want[i].exit);
        assert_int_equal(cs_verdict_rank(order[i]), (int)i);
    }
    assert_string_equal(cs_verdict_name(CS_VERDICT_COUNT), "UNKNOWN");
    assert_string_equal(cs_verdict_name((cs_verdict)-1), "UNKNOWN");
    assert_int_equal(cs_verdict_exit_code(CS_VERDICT_COUNT), 1);
    assert_int_equal(cs_verdict_rank(CS_VERDICT_COUNT), CS_VERDICT_COUNT);
    assert_non_null(cs_report_operator_hint(CS_VERDICT_UNTRUSTED));
    assert_non_null(cs_report_operator_hint(CS_VERDICT_STATUS_UNKNOWN));
    assert_null(cs_report_operator_hint(CS_VERDICT_VALID));
    assert_null(cs_report_operator_hint(CS_VERDICT_COUNT));
}

/* ---- inspection ---------------------------------------------------------------- */

/* An offline token of the typical record, issued under a fresh AC. */
static char *issue_token(void)
{
    cs_key_t *ab = NULL, *cb = NULL;
    cs_accreditation ac;
    cs_accreditation_params params;
    cs_issuer_t *issuer = NULL;
    cs_certificate cert = {0};
    uint8_t *signed_ac = NULL;
    size_t ac_len = 0, len = 0;
    const char *token = NULL;
    char detail[CS_DETAIL_SIZE] = "", *copy;

    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &ab), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &cb), CS_OK);
    ac = (cs_accreditation){.issuer = "UKAS",
                            .subject = "cb.example",
                            .name = "Example CB",
                            .number = "ACC-1",
                            .country = "GB",
                            .standards = STANDARDS,
                            .standard_count = 1,
                            .iaf_codes = IAF,
                            .iaf_count = 2,
                            .not_before = date("2026-01-01"),
                            .expires = date("2031-01-01"),
                            .issued_at = date("2026-01-01"),
                            .subject_key = cb};
    cs_accreditation_params_of(&ac, &params);
    assert_int_equal(cs_accreditation_sign(ab, &params, &signed_ac, &ac_len, NULL, 0), CS_OK);
    assert_int_equal(cs_issuer_new(cb, signed_ac, ac_len, &issuer, detail, sizeof(detail)), CS_OK);
    assert_int_equal(helper_load_record("tests/fixtures/record-typical.json", &cert), CS_OK);
    assert_int_equal(cs_issuer_issue(issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &len, detail,
                                     sizeof(detail)),
                     CS_OK);
    assert_non_null(copy = strdup(token));
    cs_certificate_clear(&cert);
    cs_issuer_free(&issuer);
    free(signed_ac);
    cs_key_free(&ab);
    cs_key_free(&cb);
    return copy;
}

static void test_inspect(void **state)
{
    char *token = issue_token(), *text = NULL, *json = NULL, detail[300] = "";
    (void)state;

    assert_int_equal(cs_report_inspect_text((const uint8_t *)token, strlen(token),
                                            CS_REPORT_ECC(CS_QR_ECC_H), &text, detail,
                                            sizeof(detail)),
                     CS_OK);
    assert_true(strncmp(text,
                        "NOT VERIFIED: decoded only (certseal verify checks the signatures)\n"
                        "\nform: offline\n",
                        82) == 0);
    assert_non_null(strstr(text, "\nqr:\n  error_correction: H\n  version: "));
    assert_non_null(strstr(text, "\ntagged: "));
    assert_non_null(strstr(text, "    name: Acme Precision Engineering Ltd\n"));
    assert_non_null(strstr(text, "\n        -: 17\n        -: 18\n"));
    assert_non_null(strstr(text, "\nembedded_accreditation:\n"));
    assert_terminal_safe(text);
    free(text);

    /* The JSON, at the default M and at L. */
    assert_int_equal(cs_report_inspect_json((const uint8_t *)token, strlen(token), 0, &json, detail,
                                            sizeof(detail)),
                     CS_OK);
    assert_non_null(strstr(json, "\"qr\":{\"error_correction\":\"M\",\"version\":"));
    free(json);
    assert_int_equal(cs_report_inspect_json((const uint8_t *)token, strlen(token),
                                            CS_REPORT_PRETTY | CS_REPORT_ECC(CS_QR_ECC_L), &json,
                                            detail, sizeof(detail)),
                     CS_OK);
    assert_non_null(strstr(json, "\"qr\": {\n    \"error_correction\": \"L\",\n"));
    free(json);

    /* Not a token: the error and what did not decode. */
    assert_int_equal(cs_report_inspect_text((const uint8_t *)"hello", 5, 0, &text, detail,
                                            sizeof(detail)),
                     CS_ERR_FORM);
    assert_null(text);
    assert_non_null(strstr(detail, "form: "));
    assert_int_equal(cs_report_inspect_text(NULL, 0, 0, &text, NULL, 0), CS_ERR_ARGUMENT);
    free(token);
}

/* ---- scan ------------------------------------------------------------------------ */

static void test_scan(void **state)
{
    cs_scan_symbol symbols[] = {{"CS1:ABC", 7}, {"a\x1b[2Jb\0c", 8}};
    cs_scan_result result = {symbols, 2}, none = {NULL, 0};
    char *text = NULL;
    (void)state;

    assert_int_equal(cs_report_scan_text(&result, &text), CS_OK);
    assert_string_equal(text, "CS1:ABC\na\\x1b[2Jb\\x00c\n");
    free(text);
    assert_int_equal(cs_report_scan_text(&none, &text), CS_OK);
    assert_string_equal(text, "");
    free(text);

    assert_int_equal(cs_report_scan_json("p\xc3\xa9.png", &result, CS_OK, &text), CS_OK);
    assert_string_equal(text, "{\"image\":\"p\\u00E9.png\",\"tokens\":[\"CS1:ABC\","
                              "\"a\\u001B[2Jb\\u0000c\"]}");
    free(text);
    assert_int_equal(cs_report_scan_json("x.png", &none, CS_ERR_NO_QR_CODE, &text), CS_OK);
    assert_string_equal(text, "{\"image\":\"x.png\",\"tokens\":[],\"error\":\"no QR code "
                              "found\"}");
    free(text);
    assert_int_equal(cs_report_scan_json("x.png", &none, CS_ERR_IMAGE, &text), CS_OK);
    assert_non_null(strstr(text, "\"error\":\"the image could not be read\""));
    free(text);
    assert_int_equal(cs_report_scan_json("\xff.png", &none, CS_OK, &text), CS_ERR_JSON);
    assert_null(text);
    assert_int_equal(cs_report_scan_text(NULL, &text), CS_ERR_ARGUMENT);
}

/* status show: the counts of each status, the kid, and the entry asked for;
 * an index outside the list is refused, nothing rendered. */
static void test_status_text(void **state)
{
    cs_status_list_t *list = NULL;
    cs_status_token token = {.uri = "https://cb.example/status/\x1b[2J1",
                             .issued_at = 1795000000,
                             .ttl = 3600,
                             .has_kid = true};
    cs_status_counts counts;
    char *text = NULL;

    (void)state;
    assert_int_equal(cs_status_list_new(16, 2, &list), CS_OK);
    assert_int_equal(cs_status_list_set(list, 3, CS_STATUS_WITHDRAWN), CS_OK);
    assert_int_equal(cs_status_list_set(list, 5, CS_STATUS_SUSPENDED), CS_OK);
    assert_int_equal(cs_status_list_set(list, 6, CS_STATUS_SUSPENDED), CS_OK);
    token.list = list;
    memset(token.kid, 0xab, sizeof(token.kid));
    cs_status_list_count(list, &counts);
    assert_int_equal(counts.of[CS_STATUS_VALID], 13);
    assert_int_equal(counts.of[CS_STATUS_SUSPENDED], 2);
    assert_int_equal(counts.other, 0);
    assert_int_equal(cs_report_status_text(&token, true, 5, &text), CS_OK);
    assert_non_null(strstr(text, "NOT VERIFIED"));
    assert_null(strchr(text, '\x1b'));
    assert_non_null(strstr(text, "expires:    never (no exp)\n"));
    assert_non_null(strstr(text, "ttl:        3600 seconds\n"));
    assert_non_null(strstr(text, "kid:        abababab"));
    assert_non_null(strstr(text, "withdrawn:  1\nsuspended:  2\n"));
    assert_non_null(strstr(text, "index 5: suspended\n"));
    free(text);
    assert_int_equal(cs_report_status_text(&token, true, 16, &text), CS_ERR_ARGUMENT);
    assert_null(text);
    cs_status_list_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_failure_escaped),
        cmocka_unit_test(test_hostile_certificate),
        cmocka_unit_test(test_json_direct),
        cmocka_unit_test(test_colour_and_warning),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_verdict_list),
        cmocka_unit_test(test_inspect),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_status_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
