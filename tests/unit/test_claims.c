/* SPDX-License-Identifier: ISC */
/* Unit tests for the rules records and credentials share (pkg/claims.c):
 * the library itself refuses what breaks them when it signs, whoever calls
 * it; and for the sorted folder lister (pkg/file.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certseal/certseal.h"
#include "helper_files.h"
#include "helper_tokens.h"

static const char *const STANDARDS[] = {"ISO 9001:2015", "ISO/IEC 27001:2022"};
static const uint64_t IAF[] = {17, 18};

typedef struct fixture {
    cs_key_t *ab, *cb;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (f == NULL || cs_key_generate(CS_ALG_EDDSA, &f->ab) != CS_OK ||
        cs_key_generate(CS_ALG_ES256, &f->cb) != CS_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cs_key_free(&f->ab);
    cs_key_free(&f->cb);
    free(f);
    return 0;
}

static cs_accreditation_params good_params(const fixture *f)
{
    cs_accreditation_params p = {
        .issuer = "UKAS",
        .subject = "cb.example",
        .name = "Example Certification Ltd",
        .number = "ACC-1",
        .country = "GB",
        .standards = STANDARDS,
        .standard_count = 2,
        .iaf_codes = IAF,
        .iaf_count = 2,
        .not_before = 1767225600, /* 2026-01-01 */
        .expires = 1924992000,    /* 2031-01-01 */
        .issued_at = 1767225600,
        .subject_key = f->cb,
    };
    return p;
}

/* Signs p and expects err with detail holding want; nothing is returned
 * on a refusal. */
static void expect_sign(const fixture *f, const cs_accreditation_params *p, cs_err err,
                        const char *want)
{
    uint8_t *out = (uint8_t *)"unchanged";
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err got = cs_accreditation_sign(f->ab, p, &out, &len, detail, sizeof(detail));

    if (got != err)
        fail_msg("expected %s, got %s (%s)", cs_err_name(err), cs_err_name(got), detail);
    if (err != CS_OK) {
        assert_null(out);
        if (strstr(detail, want) == NULL)
            fail_msg("detail \"%s\" lacks \"%s\"", detail, want);
        return;
    }
    free(out);
}

static void test_sign_good_credential(void **state)
{
    const fixture *f = *state;
    cs_accreditation_params p = good_params(f);
    cs_accreditation back;
    cs_cose_sign1 msg;
    uint8_t *out = NULL;
    size_t len = 0;

    assert_int_equal(cs_accreditation_sign(f->ab, &p, &out, &len, NULL, 0), CS_OK);
    assert_int_equal(cs_cose_sign1_decode(out, len, &msg), CS_OK);
    assert_int_equal(cs_cose_sign1_verify(&msg, f->ab, NULL, 0, 0), CS_OK);
    assert_int_equal(cs_accreditation_decode_claims(msg.payload, msg.payload_len, &back, NULL, 0),
                     CS_OK);
    assert_string_equal(back.country, "GB");
    assert_int_equal(back.standard_count, 2);

    /* the decoded credential signs again to the same claims */
    cs_accreditation_params again;
    uint8_t *claims = NULL;
    size_t claims_len = 0;
    cs_accreditation_params_of(&back, &again);
    assert_int_equal(cs_accreditation_encode_claims(&again, &claims, &claims_len), CS_OK);
    assert_int_equal(claims_len, msg.payload_len);
    assert_memory_equal(claims, msg.payload, claims_len);
    free(claims);
    cs_accreditation_clear(&back);
    cs_cose_sign1_clear(&msg);
    free(out);
}

/* A program using the library cannot sign ctr:"gb" or a standard without
 * its edition: cs_accreditation_sign() checks, not only the command. */
static void test_sign_refuses_country(void **state)
{
    const fixture *f = *state;
    cs_accreditation_params p = good_params(f);

    p.country = "gb";
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID,
                "country: 'gb' is not two capital letters (ISO 3166-1 alpha-2, e.g. GB)");
    p.country = "GBR";
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "country: 'GBR' is not two capital letters");
    p.country = "";
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "country: ");
}

static void test_sign_refuses_edition(void **state)
{
    const fixture *f = *state;
    cs_accreditation_params p = good_params(f);
    const char *no_edition[] = {"ISO 9001:2015", "ISO 14001"};
    const char *short_year[] = {"ISO 9001:15"};

    p.standards = no_edition;
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID,
                "standard: 'ISO 14001' lacks its edition; write e.g. \"ISO 9001:2015\"");
    p.standards = short_year;
    p.standard_count = 1;
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "standard: 'ISO 9001:15' lacks its edition");
    p.standard_count = 0;
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "standard: 0 standards");
}

static void test_sign_refuses_texts_and_dates(void **state)
{
    const fixture *f = *state;
    cs_accreditation_params p = good_params(f);
    char *long_name = malloc(CS_TEXT_MAX + 2);
    const uint64_t bad_iaf[] = {17, 40}, twice[] = {17, 17};

    assert_non_null(long_name);
    memset(long_name, 'x', CS_TEXT_MAX + 1);
    long_name[CS_TEXT_MAX + 1] = '\0';
    p.name = long_name;
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "name: longer than 2000 bytes");
    p.name = "   ";
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "name: is empty");
    p.name = "Example\x1b[2J Ltd";
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "name: ");
    p.name = "Two\nlines";
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "name: ");
    p = good_params(f);
    p.iaf_codes = bad_iaf;
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "iaf_codes: 40 is not an IAF sector");
    p.iaf_codes = twice;
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "iaf_codes: 17 is given twice");
    p = good_params(f);
    p.expires = p.not_before;
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "expires: is not after not_before");
    p = good_params(f);
    p.status.present = true;
    p.status.index = 3;
    p.status.uri = "";
    expect_sign(f, &p, CS_ERR_CLAIM_INVALID, "status: ");
    p = good_params(f);
    p.subject_key = NULL;
    assert_int_equal(cs_accreditation_check(&p, NULL, 0), CS_OK); /* early check */
    expect_sign(f, &p, CS_ERR_ARGUMENT, "");
    free(long_name);
}

/* The same rules for a certificate, as the issuer applies them. */
static void test_certificate_check(void **state)
{
    cs_certificate cert;
    char detail[CS_DETAIL_SIZE] = "";

    (void)state;
    assert_int_equal(helper_load_record("tests/fixtures/record-typical.json", &cert), CS_OK);
    assert_int_equal(cs_certificate_check(&cert, detail, sizeof(detail)), CS_OK);
    cert.organization_country[0] = 'g';
    assert_int_equal(cs_certificate_check(&cert, detail, sizeof(detail)), CS_ERR_CLAIM_INVALID);
    assert_non_null(strstr(detail, "organization.country: 'gB' is not two capital letters"));
    cert.organization_country[0] = 'G';
    free(cert.standards[0]);
    assert_non_null(cert.standards[0] = strdup("ISO 9001"));
    assert_int_equal(cs_certificate_check(&cert, detail, sizeof(detail)), CS_ERR_CLAIM_INVALID);
    assert_non_null(strstr(detail, "standard: 'ISO 9001' lacks its edition"));
    cs_certificate_clear(&cert);
}

static void test_claim_checks(void **state)
{
    char problem[200];
    (void)state;
    assert_int_equal(cs_claim_check_country("DE", problem, sizeof(problem)), CS_OK);
    assert_int_equal(cs_claim_check_country("De", problem, sizeof(problem)), CS_ERR_CLAIM_INVALID);
    assert_int_equal(cs_claim_check_standard("ISO/IEC 17065:2012", NULL, 0), CS_OK);
    assert_int_equal(cs_claim_check_standard("ISO 9001:201x", NULL, 0), CS_ERR_CLAIM_INVALID);
    assert_int_equal(cs_claim_check_text("Mill Lane 1\nLeeds", CS_TEXT_MULTILINE, NULL, 0), CS_OK);
    assert_int_equal(cs_claim_check_text("Mill Lane 1\nLeeds", 0, NULL, 0), CS_ERR_CLAIM_INVALID);
    assert_int_equal(cs_claim_check_text(NULL, 0, NULL, 0), CS_ERR_ARGUMENT);
}

/* ---- the folder lister ------------------------------------------------------------ */

static void write_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("x\n", fp);
    fclose(fp);
}

static void test_file_list_folder(void **state)
{
    char dir[] = "/tmp/certseal-list-XXXXXX", sub[600], link[600], path[600];
    cs_file_list list;

    (void)state;
    assert_non_null(mkdtemp(dir));
    write_file(dir, "b.pub");
    write_file(dir, "a.pub");
    write_file(dir, "C.pub");
    write_file(dir, ".hidden.pub");
    snprintf(sub, sizeof(sub), "%s/d.pub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(link, sizeof(link), "%s/e.pub", dir);
    snprintf(path, sizeof(path), "%s/a.pub", dir);
    assert_int_equal(symlink(path, link), 0); /* followed, as stat() does */

    assert_int_equal(cs_file_list_folder(dir, 0, &list), CS_OK);
    assert_int_equal(list.count, 4);
    const char *want[] = {"C.pub", "a.pub", "b.pub", "e.pub"}; /* byte order */
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, want[i]);
        assert_string_equal(list.paths[i], path);
    }
    cs_file_list_clear(&list);
    assert_null(list.paths);
    assert_int_equal(list.count, 0);
    cs_file_list_clear(&list); /* twice is harmless */

    assert_int_equal(cs_file_list_folder(dir, 4, &list), CS_OK);
    cs_file_list_clear(&list);
    assert_int_equal(cs_file_list_folder(dir, 3, &list), CS_ERR_TOO_LARGE);
    assert_null(list.paths);
    assert_int_equal(helper_list_suffix(dir, "b.pub", &list), CS_OK);
    assert_int_equal(list.count, 1);
    cs_file_list_clear(&list);

    unlink(link);
    rmdir(sub);
    assert_int_equal(helper_remove_dir(dir), 0);
    assert_int_equal(cs_file_list_folder(dir, 0, &list), CS_ERR_IO_OPEN);
    assert_int_equal(cs_file_list_folder(NULL, 0, &list), CS_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_good_credential),
        cmocka_unit_test(test_sign_refuses_country),
        cmocka_unit_test(test_sign_refuses_edition),
        cmocka_unit_test(test_sign_refuses_texts_and_dates),
        cmocka_unit_test(test_certificate_check),
        cmocka_unit_test(test_claim_checks),
        cmocka_unit_test(test_file_list_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
