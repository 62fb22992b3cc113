/* SPDX-License-Identifier: ISC */
/*
 * The standards catalog (catalog.h): the built-in table holds the
 * families DESIGN §2 step 7 names and is schemas/catalog.json exactly; strict parsing (each rejection
 * named); look-ups and "did you mean"; the rules at issue, accreditation
 * and verification with the catalog's real dates; the signed catalog
 * (round trip, another key, rollback, another typ).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/certseal.h"

#define DAY 86400

static int64_t date(const char *text)
{
    int64_t t = 0;
    assert_int_equal(cs_date_parse(text, &t), CS_OK);
    return t;
}

static cs_catalog *builtin(void)
{
    cs_catalog *cat = NULL;
    assert_int_equal(cs_catalog_load_builtin(&cat), CS_OK);
    assert_non_null(cat);
    return cat;
}

static void test_builtin(void **state)
{
    static const char *const families[] = {
        "ISO 9001",  "ISO 14001", "ISO/IEC 27001", "ISO 45001",       "OHSAS 18001", "ISO 22000",
        "ISO 50001", "ISO 13485", "ISO/IEC 20000-1", "ISO 37001",      "ISO 39001"};
    cs_catalog *cat = builtin();
    const cs_catalog_family *f = NULL;
    size_t len = 0;

    (void)state;
    assert_true(cat->version >= 1);
    assert_non_null(cs_catalog_builtin_json(&len));
    assert_int_equal(len, cat->json_len);
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        bool found = false;
        for (size_t j = 0; j < cat->family_count; j++)
            found |= strcmp(cat->families[j].name, families[i]) == 0;
        assert_true(found);
    }
    assert_non_null(cs_catalog_find(cat, "ISO/IEC 27001:2013", &f));
    assert_int_equal(f->scope_codes, CS_SCOPE_CODES_NONE);
    assert_non_null(cs_catalog_find(cat, "ISO 22000:2018", &f));
    assert_int_equal(f->scope_codes, CS_SCOPE_CODES_FOOD_CHAIN);
    assert_non_null(cs_catalog_find(cat, "ISO 9001:2015", &f));
    assert_int_equal(f->scope_codes, CS_SCOPE_CODES_IAF);
    assert_null(cs_catalog_find(cat, "ISO 9001", NULL));
    const cs_catalog_transition *t = cs_catalog_transition_from(cat, "ISO/IEC 27001:2013");
    assert_non_null(t);
    assert_string_equal(t->to, "ISO/IEC 27001:2022");
    assert_true(t->ends == date("2025-10-31"));
    t = cs_catalog_transition_from(cat, "OHSAS 18001:2007");
    assert_non_null(t);
    assert_string_equal(t->to, "ISO 45001:2018");
    assert_true(t->ends == date("2021-09-30"));
    assert_null(cs_catalog_transition_from(cat, "ISO 45001:2018"));
    char *text = NULL;
    assert_int_equal(cs_catalog_format_text(cat, &text), CS_OK);
    assert_non_null(strstr(text, "ISO/IEC 27001:2013 -> ISO/IEC 27001:2022"));
    free(text);
    cs_catalog_free(&cat);
    assert_null(cat);
    cs_catalog_free(&cat);
}

/* Both NULL, or the same text. */
static void assert_same_text(const char *got, const char *want, const char *what)
{
    if (got == NULL || want == NULL) {
        if (got != want)
            fail_msg("%s: \"%s\" against \"%s\"", what, got ? got : "(null)",
                     want ? want : "(null)");
        return;
    }
    if (strcmp(got, want) != 0)
        fail_msg("%s: \"%s\" against \"%s\"", what, got, want);
}

static void assert_same_transition(const cs_catalog_transition *got,
                                   const cs_catalog_transition *want)
{
    assert_same_text(got->from, want->from, "transition from");
    assert_same_text(got->to, want->to, want->from);
    assert_true(got->starts == want->starts);
    assert_true(got->last_issue == want->last_issue);
    assert_int_equal(got->has_last_issue, want->has_last_issue);
    assert_true(got->ends == want->ends);
    assert_same_text(got->note, want->note, want->from);
    assert_int_equal(got->source_count, want->source_count);
    for (size_t s = 0; s < want->source_count; s++)
        assert_same_text(got->sources[s], want->sources[s], want->from);
}

static void assert_same_family(const cs_catalog_family *got, const cs_catalog_family *want)
{
    assert_same_text(got->name, want->name, "family");
    assert_same_text(got->title, want->title, want->name);
    assert_same_text(got->note, want->note, want->name);
    assert_int_equal(got->scope_codes, want->scope_codes);
    assert_same_text(got->scope_codes_source, want->scope_codes_source, want->name);
    assert_int_equal(got->edition_count, want->edition_count);
    for (size_t e = 0; e < want->edition_count; e++) {
        const char *ed = want->editions[e].designation;
        assert_same_text(got->editions[e].designation, ed, want->name);
        assert_same_text(got->editions[e].published, want->editions[e].published, ed);
        assert_same_text(got->editions[e].source, want->editions[e].source, ed);
    }
    assert_int_equal(got->transition_count, want->transition_count);
    for (size_t k = 0; k < want->transition_count; k++)
        assert_same_transition(&got->transitions[k], &want->transitions[k]);
}

/* The table compiled into the library is schemas/catalog.json as it is
 * now, parsed here: every entry, field by field, and the JSON text itself
 * (a catalog edited without the table being rebuilt fails here). */
static void test_builtin_is_the_source(void **state)
{
    const cs_catalog *table = cs_catalog_builtin();
    cs_catalog *parsed = NULL;
    uint8_t *json = NULL;
    size_t len = 0, builtin_len = 0;
    char detail[CS_DETAIL_SIZE];

    (void)state;
    assert_int_equal(cs_file_read_all("schemas/catalog.json", CS_CATALOG_MAX, &json, &len), CS_OK);
    assert_int_equal(cs_catalog_parse((const char *)json, len, &parsed, detail, sizeof(detail)),
                     CS_OK);
    assert_non_null(table);
    assert_true(table->builtin);
    assert_false(parsed->builtin);
    assert_true(table->version == parsed->version);
    assert_true(table->issued == parsed->issued);
    assert_int_equal(table->source_count, parsed->source_count);
    for (size_t i = 0; i < parsed->source_count; i++) {
        const cs_catalog_source *want = &parsed->sources[i];
        assert_same_text(table->sources[i].id, want->id, "source");
        assert_same_text(table->sources[i].title, want->title, want->id);
        assert_same_text(table->sources[i].url, want->url, want->id);
    }
    assert_int_equal(table->family_count, parsed->family_count);
    for (size_t i = 0; i < parsed->family_count; i++)
        assert_same_family(&table->families[i], &parsed->families[i]);
    assert_int_equal(table->json_len, len);
    assert_memory_equal(table->json, json, len);
    assert_int_equal(table->json[len], '\0');
    assert_ptr_equal(cs_catalog_builtin_json(&builtin_len), table->json);
    assert_int_equal(builtin_len, len);
    cs_catalog_free(&parsed);
    free(json);
}

/* The built-in catalog is one static table: every load hands out the same
 * one, and freeing it only forgets the pointer. */
static void test_builtin_is_static(void **state)
{
    cs_catalog *a = NULL, *b = NULL;

    (void)state;
    assert_ptr_equal(cs_catalog_builtin(), cs_catalog_builtin());
    assert_int_equal(cs_catalog_load_builtin(&a), CS_OK);
    assert_int_equal(cs_catalog_load_builtin(&b), CS_OK);
    assert_ptr_equal(a, cs_catalog_builtin());
    assert_ptr_equal(a, b);
    cs_catalog_free(&a);
    assert_null(a);
    assert_non_null(cs_catalog_find(b, "ISO 9001:2015", NULL));
    cs_catalog_free(&b);
    assert_null(b);
    assert_non_null(cs_catalog_find(cs_catalog_builtin(), "ISO 9001:2015", NULL));
    assert_int_equal(cs_catalog_load_builtin(NULL), CS_ERR_ARGUMENT);
}

static void test_suggest(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {{"ISO 9001-2015", "ISO 9001:2015"},   {"ISO9001:2015", "ISO 9001:2015"},
                 {"iso 9001:2015", "ISO 9001:2015"},   {"ISO 9001 2015", "ISO 9001:2015"},
                 {"ISO 9001", "ISO 9001:2015"},        {"ISO/IEC27001:2022", "ISO/IEC 27001:2022"},
                 {"ISO 27001:2022", "ISO/IEC 27001:2022"},             {"ISO 28000:2022", NULL},
                 {"ISO/IEC 20000-1-2018", "ISO/IEC 20000-1:2018"}};
    cs_catalog *cat = builtin();
    char buf[80];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool found = cs_catalog_suggest(cat, cases[i].in, buf, sizeof(buf));
        if (cases[i].want == NULL) {
            assert_false(found);
            assert_string_equal(buf, "");
        } else {
            assert_true(found);
            assert_string_equal(buf, cases[i].want);
        }
    }
    cs_catalog_free(&cat);
}

/* Before, during and after every transition of the built-in catalog. */
static void test_transitions(void **state)
{
    cs_catalog *cat = builtin();
    const cs_catalog_transition *got = NULL;
    char detail[CS_DETAIL_SIZE];
    size_t count = 0;

    (void)state;
    for (size_t i = 0; i < cat->family_count; i++) {
        const cs_catalog_family *f = &cat->families[i];
        for (size_t k = 0; k < f->transition_count; k++, count++) {
            const cs_catalog_transition *t = &f->transitions[k];
            size_t iaf = f->scope_codes == CS_SCOPE_CODES_IAF ? 2 : 0;
            assert_int_equal(cs_catalog_edition_state(cat, t->from, t->starts - DAY, &got),
                             CS_EDITION_CURRENT);
            assert_int_equal(cs_catalog_edition_state(cat, t->from, t->starts, &got),
                             CS_EDITION_IN_TRANSITION);
            assert_ptr_equal(got, t);
            assert_int_equal(cs_catalog_edition_state(cat, t->from, t->ends + DAY - 1, NULL),
                             CS_EDITION_IN_TRANSITION);
            assert_int_equal(cs_catalog_edition_state(cat, t->from, t->ends + DAY, NULL),
                             CS_EDITION_ENDED);
            /* Issue: on the last issuing day with the end as expiry, yes;
             * a day later, or a day longer, no. */
            assert_int_equal(cs_catalog_check_certificate(cat, t->from, t->last_issue,
                                                          t->ends + DAY, iaf, 0, 0, detail,
                                                          sizeof(detail)),
                             CS_OK);
            if (t->has_last_issue) {
                assert_int_equal(cs_catalog_check_certificate(cat, t->from, t->last_issue + DAY,
                                                              t->ends + DAY, iaf, 0, 0, detail,
                                                              sizeof(detail)),
                                 CS_ERR_EDITION_NOT_ISSUABLE);
                assert_non_null(strstr(detail, t->to));
            }
            assert_int_equal(cs_catalog_check_certificate(cat, t->from, t->last_issue,
                                                          t->ends + 2 * DAY, iaf, 0, 0, detail,
                                                          sizeof(detail)),
                             CS_ERR_EXPIRY_AFTER_TRANSITION);
            assert_non_null(strstr(detail, t->to));
            /* Accreditation: until the end, not after. */
            assert_int_equal(cs_catalog_check_accreditation(cat, t->from, t->ends, 0, detail,
                                                            sizeof(detail)),
                             CS_OK);
            assert_int_equal(cs_catalog_check_accreditation(cat, t->from, t->ends + DAY, 0,
                                                            detail, sizeof(detail)),
                             CS_ERR_EDITION_ENDED);
        }
    }
    assert_true(count >= 8);
    assert_int_equal(cs_catalog_edition_state(cat, "ISO 45001:2018", date("2026-12-01"), NULL),
                     CS_EDITION_CURRENT);
    assert_int_equal(cs_catalog_edition_state(cat, "ISO 28000:2022", date("2026-12-01"), NULL),
                     CS_EDITION_UNLISTED);
    cs_catalog_free(&cat);
}

static void test_unlisted_and_codes(void **state)
{
    cs_catalog *cat = builtin();
    char detail[CS_DETAIL_SIZE];
    int64_t iat = date("2026-11-21"), exp = date("2029-11-21");

    (void)state;
    assert_int_equal(cs_catalog_check_certificate(cat, "ISO9001:2015", iat, exp, 0, 0, 0, detail,
                                                  sizeof(detail)),
                     CS_ERR_STANDARD_UNLISTED);
    assert_non_null(strstr(detail, "did you mean \"ISO 9001:2015\""));
    assert_int_equal(cs_catalog_check_certificate(cat, "ISO 28000:2022", iat, exp, 0, 0,
                                                  CS_CATALOG_ALLOW_UNLISTED, detail,
                                                  sizeof(detail)),
                     CS_OK);
    assert_int_equal(cs_catalog_check_certificate(cat, "ISO/IEC 27001:2022", iat, exp, 1, 0, 0,
                                                  detail, sizeof(detail)),
                     CS_ERR_SCOPE_CODES);
    assert_int_equal(cs_catalog_check_certificate(cat, "ISO 22000:2018", iat, exp, 0, 2, 0, detail,
                                                  sizeof(detail)),
                     CS_OK);
    assert_int_equal(cs_catalog_check_certificate(cat, "ISO 22000:2018", iat, exp, 1, 0, 0, detail,
                                                  sizeof(detail)),
                     CS_ERR_SCOPE_CODES);
    assert_int_equal(cs_catalog_check_certificate(cat, "ISO 9001:2015", iat, exp, 0, 1, 0, detail,
                                                  sizeof(detail)),
                     CS_ERR_SCOPE_CODES);
    assert_int_equal(cs_catalog_check_certificate(cat, "ISO 9001:2015", iat, exp, 3, 0, 0, detail,
                                                  sizeof(detail)),
                     CS_OK);
    cs_catalog_free(&cat);
}

/* The built-in JSON with `from` replaced by `to` (first occurrence). */
static char *edited(const char *from, const char *to)
{
    size_t len = 0;
    const char *json = cs_catalog_builtin_json(&len);
    const char *at = strstr(json, from);
    assert_non_null(at);
    char *out = malloc(len + strlen(to) + 1);
    assert_non_null(out);
    size_t head = (size_t)(at - json);
    memcpy(out, json, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

static void test_parse_rejects(void **state)
{
    static const struct {
        const char *from, *to, *why;
    } cases[] = {
        {"\"version\": 1", "\"version\": 0", "version"},
        {"\"version\": 1", "\"version\": 1, \"extra\": 2", "unknown key"},
        {"\"version\": 1", "\"version\": 1, \"version\": 2", "line"},
        {"\"issued\": \"2026-12-02\"", "\"issued\": \"2026-02-30\"", "date"},
        {"\"source\": \"iso-catalogue\"", "\"source\": \"nowhere\"", "nowhere"},
        {"\"to\": \"ISO 9001:2015\"", "\"to\": \"ISO 9001:2026\"", "\"to\""},
        {"\"from\": \"ISO 9001:2008\"", "\"from\": \"ISO 14001:2004\"", "\"from\""},
        {"\"last_issue\": \"2018-03-14\"", "\"last_issue\": \"2019-03-14\"", "starts <="},
        {"\"scope_codes\": \"iaf\"", "\"scope_codes\": \"nace\"", "scope_codes"},
        {"\"edition\": \"ISO 9001:2008\"", "\"edition\": \"ISO 9002:2008\"", "family's name"},
        {"\"title\": \"Quality management systems\"", "\"title\": \"Quality\\u001b[2J\"",
         "control"},
        {"\"families\": [", "\"families\": [[[[[[[[1]]]]]]]], \"x\": [", "nested"},
    };
    char detail[CS_DETAIL_SIZE];
    cs_catalog *cat = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *json = edited(cases[i].from, cases[i].to);
        cs_err err = cs_catalog_parse(json, strlen(json), &cat, detail, sizeof(detail));
        if (err == CS_OK)
            fail_msg("case %zu (%s) parsed", i, cases[i].why);
        assert_int_equal(err, CS_ERR_CATALOG);
        assert_null(cat);
        if (strstr(detail, cases[i].why) == NULL)
            fail_msg("case %zu: detail \"%s\" lacks \"%s\"", i, detail, cases[i].why);
        free(json);
    }
    assert_int_equal(cs_catalog_parse("{}", 2, NULL, NULL, 0), CS_ERR_ARGUMENT);
    char *big = calloc(1, CS_CATALOG_MAX + 2);
    assert_non_null(big);
    memset(big, ' ', CS_CATALOG_MAX + 1);
    assert_int_equal(cs_catalog_parse(big, CS_CATALOG_MAX + 1, &cat, detail, sizeof(detail)),
                     CS_ERR_TOO_LARGE);
    free(big);
}

static void test_signed(void **state)
{
    cs_key_t *root = NULL, *other = NULL;
    uint8_t *signed_bytes = NULL, *older = NULL;
    size_t signed_len = 0, older_len = 0, len = 0;
    cs_catalog *cat = NULL;
    char detail[CS_DETAIL_SIZE];
    const char *json = cs_catalog_builtin_json(&len);

    (void)state;
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &root), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_ES256, &other), CS_OK);
    char *v2 = edited("\"version\": 1", "\"version\": 2");
    assert_int_equal(cs_catalog_sign(v2, strlen(v2), root, "IAF-DEMO", 1764633600, &signed_bytes,
                                     &signed_len, detail, sizeof(detail)),
                     CS_OK);
    const cs_key_t *roots[] = {other, root};
    assert_int_equal(cs_catalog_open_signed(signed_bytes, signed_len, roots, 2, 1, &cat, detail,
                                            sizeof(detail)),
                     CS_OK);
    assert_int_equal(cat->version, 2);
    cs_catalog_free(&cat);
    /* Another key only: refused. */
    assert_int_equal(cs_catalog_open_signed(signed_bytes, signed_len, roots, 1, 1, &cat, detail,
                                            sizeof(detail)),
                     CS_ERR_CATALOG_ROOT);
    assert_null(cat);
    /* One byte changed: refused. */
    signed_bytes[signed_len / 2] ^= 1;
    assert_int_not_equal(cs_catalog_open_signed(signed_bytes, signed_len, &roots[1], 1, 1, &cat,
                                                detail, sizeof(detail)),
                         CS_OK);
    assert_null(cat);
    /* Older than the one in use: refused. */
    assert_int_equal(cs_catalog_sign(json, len, root, "IAF-DEMO", 1764633600, &older, &older_len,
                                     detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(cs_catalog_open_signed(older, older_len, &roots[1], 1, 2, &cat, detail,
                                            sizeof(detail)),
                     CS_ERR_CATALOG_ROLLBACK);
    assert_null(cat);
    /* No key: refused. */
    uint8_t *none = NULL;
    size_t none_len = 0;
    assert_int_equal(cs_catalog_sign(json, len, NULL, "X", 0, &none, &none_len, NULL, 0),
                     CS_ERR_ARGUMENT);
    free(v2);
    free(signed_bytes);
    free(older);
    cs_key_free(&root);
    cs_key_free(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),         cmocka_unit_test(test_builtin_is_the_source),
        cmocka_unit_test(test_builtin_is_static), cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_transitions),     cmocka_unit_test(test_unlisted_and_codes),
        cmocka_unit_test(test_parse_rejects),   cmocka_unit_test(test_signed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
