/* SPDX-License-Identifier: ISC */
/*
 * Certificate documents (certseal/document.h): the paper names, templates
 * accepted and refused member by member, tokens read (both forms, COSE
 * bytes, hexadecimal, and a token whose signature no longer verifies),
 * and the PDF: a real PDF whose catalog lists certseal-token.txt in its
 * name tree and /AF, with the token inside, the same bytes twice, Letter
 * and A4 media boxes.  The CLI test (tests/cli/test_document.sh) reads the
 * documents back with independent tools.
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

/* Under LeakSanitizer (make SAN=1): what fontconfig keeps until exit, and
 * what Debian 12's cairo 1.16 loses subsetting a CFF font, are not this
 * library's leaks (tests/data/document/lsan.supp says the same for the
 * command-line test). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\nleak:libcairo.so\n";
}

#define RECORD_PATH "tests/fixtures/record-typical.json"
#define TEMPLATE_DIR "docs/template-example"

static char *offline;
static uint8_t *cose;
static size_t cose_len;

static cs_err make_ac(const cs_key_t *ab, cs_key_t *cb, uint8_t **out, size_t *len)
{
    const char *standards[] = {"ISO 9001:2015"};
    uint64_t iaf[] = {17, 18};
    int64_t from = 0, to = 0;
    cs_err err;
    if ((err = cs_date_parse("2026-01-01", &from)) != CS_OK ||
        (err = cs_date_parse("2031-01-01", &to)) != CS_OK)
        return err;
    cs_accreditation_params ac = {
        .issuer = "UKAS-DEMO", .subject = "CB-DEMO-001", .name = "Demo Certification Ltd",
        .number = "DEMO-0042", .country = "GB", .standards = standards, .standard_count = 1,
        .iaf_codes = iaf, .iaf_count = 2, .not_before = from, .expires = to,
        .issued_at = from, .subject_key = cb,
    };
    return cs_accreditation_sign(ab, &ac, out, len, NULL, 0);
}

/* The typical record's token, signed by cb under an AC from ab. */
static char *issue(const cs_key_t *ab, cs_key_t *cb, bool keep_cose)
{
    uint8_t *record = NULL, *ac = NULL;
    size_t record_len = 0, ac_len = 0, len;
    cs_certificate cert;
    cs_issuer_t *issuer = NULL;
    const char *token;
    char *out = NULL;

    if (cs_file_read_all(RECORD_PATH, 65536, &record, &record_len) != CS_OK ||
        make_ac(ab, cb, &ac, &ac_len) != CS_OK ||
        cs_issuer_new(cb, ac, ac_len, &issuer, NULL, 0) != CS_OK ||
        cs_record_parse_json((char *)record, record_len, &cert, NULL, 0) != CS_OK)
        goto done;
    if (cs_issuer_issue(issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &len, NULL, 0) ==
        CS_OK) {
        out = strdup(token);
        if (keep_cose) {
            const uint8_t *bytes = cs_issuer_last_cose(issuer, &cose_len);
            if ((cose = malloc(cose_len)) != NULL)
                memcpy(cose, bytes, cose_len);
        }
    }
    cs_certificate_clear(&cert);
done:
    cs_issuer_free(&issuer);
    free(ac);
    free(record);
    return out;
}

static int setup(void **state)
{
    cs_key_t *ab = NULL, *cb = NULL;
    int status = -1;

    (void)state;
    if (cs_key_load_private_file("keys-example/ab-demo.key", NULL, 0, &ab) != CS_OK ||
        cs_key_load_private_file("keys-example/cb-demo.key", NULL, 0, &cb) != CS_OK) {
        fprintf(stderr, "test_document: cannot load keys-example/ (run from the repository root)\n");
        goto done;
    }
    offline = issue(ab, cb, true);
    status = offline != NULL && cose != NULL ? 0 : -1;
done:
    cs_key_free(&ab);
    cs_key_free(&cb);
    return status;
}

static int teardown(void **state)
{
    (void)state;
    free(offline);
    free(cose);
    return 0;
}

static void test_paper(void **state)
{
    cs_document_paper paper;
    (void)state;
    assert_int_equal(cs_document_paper_parse("A4", &paper), CS_OK);
    assert_int_equal(paper, CS_DOCUMENT_PAPER_A4);
    assert_int_equal(cs_document_paper_parse("letter", &paper), CS_OK);
    assert_int_equal(paper, CS_DOCUMENT_PAPER_LETTER);
    assert_int_equal(cs_document_paper_parse("a3", &paper), CS_ERR_ARGUMENT);
    assert_int_equal(cs_document_paper_parse(NULL, &paper), CS_ERR_ARGUMENT);
}

static cs_err parse(const char *json, char *detail)
{
    cs_document_template_t *t = (cs_document_template_t *)1;
    cs_err err = cs_document_template_parse(json, strlen(json), TEMPLATE_DIR, &t, detail,
                                            CS_DETAIL_SIZE);
    if (err != CS_OK)
        assert_null(t);
    cs_document_template_free(&t);
    assert_null(t);
    return err;
}

static void test_template(void **state)
{
    char detail[CS_DETAIL_SIZE];
    cs_document_template_t *t = NULL;
    (void)state;

    assert_int_equal(parse("{}", detail), CS_OK);
    assert_int_equal(parse("{\"paper\": \"letter\", \"logo\": \"logo.png\", \"signature\": "
                           "\"signature.png\", \"colours\": {\"accent\": \"#00ff7F\"}, "
                           "\"wording\": {\"title\": \"Zertifikat\", \"footer\": \"\"}}",
                           detail),
                     CS_OK);
    assert_int_equal(cs_document_template_load(TEMPLATE_DIR "/template.json", &t, detail,
                                               sizeof(detail)),
                     CS_OK);
    assert_int_equal(cs_document_template_paper(t), CS_DOCUMENT_PAPER_A4);
    cs_document_template_free(&t);

    static const struct {
        const char *json, *member;
        cs_err err;
    } bad[] = {
        {"[]", "not a JSON object", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"paper\": \"a4\", \"paper\": \"a4\"}", "duplicate", CS_ERR_JSON},
        {"{\"papr\": \"a4\"}", "\"papr\"", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"paper\": 4}", "\"paper\"", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"colours\": {\"accent\": \"#12345\"}}", "colours.accent", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"colours\": {\"accent\": \"#12345G\"}}", "colours.accent", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"colours\": {\"border\": \"#123456\"}}", "\"border\"", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"wording\": {\"title\": 1}}", "wording.title", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"wording\": {\"title\": \"a\\u0007b\"}}", "wording.title", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"wording\": {\"title\": \"a\\u202eb\"}}", "wording.title", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"wording\": {\"tittle\": \"x\"}}", "\"tittle\"", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"logo\": \"missing.png\"}", "\"logo\"", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"logo\": \"\"}", "\"logo\"", CS_ERR_DOCUMENT_TEMPLATE},
        {"{\"signature\": \"template.json\"}", "not a PNG", CS_ERR_DOCUMENT_TEMPLATE},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        detail[0] = '\0';
        assert_int_equal(parse(bad[i].json, detail), bad[i].err);
        if (strstr(detail, bad[i].member) == NULL)
            fail_msg("%s: detail \"%s\" does not name %s", bad[i].json, detail, bad[i].member);
    }
}

static void test_source(void **state)
{
    cs_document_source source = {0}, again = {0};
    char detail[CS_DETAIL_SIZE], *hex;
    (void)state;

    assert_int_equal(cs_document_source_read((const uint8_t *)offline, strlen(offline), &source,
                                             detail, sizeof(detail)),
                     CS_OK);
    assert_string_equal(source.token, offline);
    assert_string_equal(source.certificate.number, "GB-Q-2026-004217");
    assert_string_equal(source.accreditation.name, "Demo Certification Ltd");
    /* COSE bytes and hexadecimal: printed in the offline form. */
    assert_int_equal(cs_document_source_read(cose, cose_len, &again, detail, sizeof(detail)),
                     CS_OK);
    assert_string_equal(again.token, offline);
    cs_document_source_clear(&again);
    assert_non_null(hex = malloc(cose_len * 2 + 1));
    for (size_t i = 0; i < cose_len; i++)
        sprintf(hex + 2 * i, "%02x", cose[i]);
    assert_int_equal(cs_document_source_read((const uint8_t *)hex, strlen(hex), &again, detail,
                                             sizeof(detail)),
                     CS_OK);
    assert_string_equal(again.token, offline);
    cs_document_source_clear(&again);
    free(hex);
    cs_document_source_clear(&source);
    assert_null(source.token);

    /* One signature byte changed: refused, naming the signature. */
    uint8_t *bad = malloc(cose_len);
    assert_non_null(bad);
    memcpy(bad, cose, cose_len);
    bad[cose_len - 1] ^= 1;
    assert_int_equal(cs_document_source_read(bad, cose_len, &again, detail, sizeof(detail)),
                     CS_ERR_SIGNATURE);
    assert_non_null(strstr(detail, "signature"));
    assert_null(again.token);
    free(bad);
    assert_int_equal(cs_document_source_read((const uint8_t *)"CS1:XYZ", 7, &again, detail,
                                             sizeof(detail)),
                     CS_ERR_BASE45);
    assert_int_equal(cs_document_source_read(NULL, 0, &again, detail, sizeof(detail)),
                     CS_ERR_ARGUMENT);
}

/* The bytes of needle in haystack[0..len). */
static bool contains(const uint8_t *haystack, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(haystack + i, needle, n) == 0)
            return true;
    return false;
}

static void test_pdf(void **state)
{
    cs_document_source source = {0};
    cs_document_template_t *t = NULL;
    uint8_t *pdf = NULL, *again = NULL, *letter = NULL, *twice = NULL;
    size_t len = 0, again_len = 0, letter_len = 0, twice_len = 0;
    char detail[CS_DETAIL_SIZE];
    (void)state;

    assert_int_equal(cs_document_source_read((const uint8_t *)offline, strlen(offline), &source,
                                             NULL, 0),
                     CS_OK);
    assert_int_equal(cs_document_pdf(&source, NULL, CS_DOCUMENT_PAPER_DEFAULT, &pdf, &len,
                                     detail, sizeof(detail)),
                     CS_OK);
    assert_true(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    assert_true(contains(pdf, len, "%%EOF"));
    /* qpdf writes the catalog uncompressed: the name tree and /AF. */
    assert_true(contains(pdf, len, "/EmbeddedFiles"));
    assert_true(contains(pdf, len, "/AF"));
    assert_true(contains(pdf, len, "/AFRelationship /Source"));
    assert_true(contains(pdf, len, "certseal-token.txt"));
    assert_true(contains(pdf, len, "/MediaBox [ 0 0 595.27"));
    assert_int_equal(cs_document_pdf(&source, NULL, CS_DOCUMENT_PAPER_A4, &again, &again_len,
                                     NULL, 0),
                     CS_OK);
    assert_true(again_len == len && memcmp(again, pdf, len) == 0);
    assert_int_equal(cs_document_template_load(TEMPLATE_DIR "/template.json", &t, NULL, 0),
                     CS_OK);
    assert_int_equal(cs_document_pdf(&source, t, CS_DOCUMENT_PAPER_LETTER, &letter, &letter_len,
                                     NULL, 0),
                     CS_OK);
    assert_true(contains(letter, letter_len, "/MediaBox [ 0 0 612 792 ]"));
    /* A PDF that already has associated files is not attached to again. */
    assert_int_equal(cs_document_attach(pdf, len, "x.txt", (const uint8_t *)"x", 1, NULL, &twice,
                                        &twice_len, detail, sizeof(detail)),
                     CS_ERR_DOCUMENT_ATTACH);
    assert_null(twice);
    assert_int_equal(cs_document_attach((const uint8_t *)"not a pdf", 9, "x.txt",
                                        (const uint8_t *)"x", 1, NULL, &twice, &twice_len, detail,
                                        sizeof(detail)),
                     CS_ERR_DOCUMENT_ATTACH);
    assert_null(twice);
    free(pdf);
    free(again);
    free(letter);
    cs_document_template_free(&t);
    cs_document_source_clear(&source);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paper),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_source),
        cmocka_unit_test(test_pdf),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
