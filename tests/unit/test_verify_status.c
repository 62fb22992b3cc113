/* SPDX-License-Identifier: ISC */
/*
 * DESIGN §2 step 6: a certificate token and its accreditation credential
 * with status references, checked against status lists made with
 * cs_status_token_sign().  Every outcome and its verdict: valid,
 * suspended, withdrawn, superseded (CT and AC), no reference, no list,
 * lists that do not verify (never VALID), an index outside the list,
 * expiry before status, require_status, the status source and the caches.
 * Also the status claim of both objects: round trip and rejections.
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
#include "helper_tokens.h"
#include "internal.h"

#define RECORD_PATH "tests/fixtures/record-typical.json"
#define AB_URI "https://ab.example/status/1"
#define CB_URI "https://cb.example/status/1"
#define AC_INDEX 5
#define CT_INDEX 4242

static const char *AC_STANDARDS[] = {"ISO 9001:2015"};
static uint64_t AC_IAF[] = {17, 18};

static int64_t T_AC_FROM, T_AC_TO, T_CT_EXP, T_NOW;

typedef struct fixture {
    cs_key_t *ab, *cb, *attacker;
    cs_trust_t *trust;
    uint8_t *ac, *ac_plain; /* with and without a status reference */
    size_t ac_len, ac_plain_len;
    char *ct, *ct_plain, *ct_far; /* CT_INDEX; none; an index past the list */
} fixture;

static fixture F;

/* ---- building ------------------------------------------------------------------ */

static cs_accreditation_params make_ac(bool referenced)
{
    cs_accreditation_params ac = {
        .issuer = "AB",
        .subject = "cb.example",
        .name = "Example CB",
        .number = "ACC-1",
        .country = "GB",
        .standards = AC_STANDARDS,
        .standard_count = 1,
        .iaf_codes = AC_IAF,
        .iaf_count = 2,
        .not_before = T_AC_FROM,
        .expires = T_AC_TO,
        .issued_at = T_AC_FROM,
        .subject_key = F.cb,
    };
    if (referenced)
        ac.status.present = true, ac.status.index = AC_INDEX, ac.status.uri = AB_URI;
    return ac;
}

static char *issue(const uint8_t *ac, size_t ac_len, bool referenced, uint64_t index)
{
    cs_issuer_t *issuer = NULL;
    cs_certificate cert = {0};
    const char *token;
    size_t len;
    char detail[CS_DETAIL_SIZE] = "", *copy;

    assert_int_equal(cs_issuer_new(F.cb, ac, ac_len, &issuer, detail, sizeof(detail)), CS_OK);
    assert_int_equal(helper_load_record(RECORD_PATH, &cert), CS_OK);
    if (referenced) {
        cert.status.present = true;
        cert.status.index = index;
        assert_non_null(cert.status.uri = strdup(CB_URI));
    }
    assert_int_equal(cs_issuer_issue(issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &len, detail,
                                     sizeof(detail)),
                     CS_OK);
    assert_non_null(copy = strdup(token));
    cs_certificate_clear(&cert);
    cs_issuer_free(&issuer);
    return copy;
}

/* A list of CS_STATUS_LIST_MIN entries, `value` at `index`, issued at
 * issued_at, signed. */
static uint8_t *list_token_at(const cs_key_t *key, const char *uri, uint64_t index, unsigned value,
                              int64_t issued_at, int64_t expires, size_t *len)
{
    cs_status_list_t *list = NULL;
    cs_status_token_params p = {uri, issued_at, expires, 3600};
    uint8_t *out = NULL;

    assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MIN, 2, &list), CS_OK);
    assert_int_equal(cs_status_list_set(list, index, value), CS_OK);
    assert_int_equal(cs_status_list_set(list, index + 1, 1), CS_OK); /* a neighbour */
    assert_int_equal(cs_status_token_sign(key, list, &p, &out, len), CS_OK);
    cs_status_list_free(&list);
    return out;
}

/* The same, issued an hour before T_NOW. */
static uint8_t *list_token(const cs_key_t *key, const char *uri, uint64_t index, unsigned value,
                           int64_t expires, size_t *len)
{
    return list_token_at(key, uri, index, value, T_NOW - 3600, expires, len);
}

static cs_verifier_t *new_verifier(void)
{
    cs_verifier_t *v = NULL;
    assert_int_equal(cs_verifier_new(F.trust, &v), CS_OK);
    cs_verifier_set_time(v, T_NOW);
    return v;
}

static void add_list(cs_verifier_t *v, const cs_key_t *key, const char *uri, uint64_t index,
                     unsigned value, int64_t expires)
{
    size_t len;
    char detail[CS_DETAIL_SIZE] = "";
    uint8_t *slt = list_token(key, uri, index, value, expires, &len);
    assert_int_equal(cs_verifier_add_status_list(v, slt, len, detail, sizeof(detail)), CS_OK);
    free(slt);
}

/* Both lists, by the right keys, with the given values. */
static cs_verifier_t *verifier_with(unsigned ac_value, unsigned ct_value)
{
    cs_verifier_t *v = new_verifier();
    add_list(v, F.ab, AB_URI, AC_INDEX, ac_value, T_NOW + 86400);
    add_list(v, F.cb, CB_URI, CT_INDEX, ct_value, T_NOW + 86400);
    return v;
}

static void run(cs_verifier_t *v, const char *token, cs_verify_result *r)
{
    assert_int_equal(cs_verifier_verify(v, (const uint8_t *)token, strlen(token), r), CS_OK);
}

static void show(const cs_verify_result *r)
{
    for (int id = 0; id < CS_CHECK_COUNT; id++)
        print_message("  %-8s %-24s %s\n", cs_check_state_name(r->checks[id].state),
                      cs_check_name((cs_check_id)id), r->checks[id].detail);
}

static void expect(const cs_verify_result *r, cs_verdict verdict, cs_check_id failed, cs_err err,
                   const char *mention)
{
    if (r->verdict != verdict) {
        show(r);
        fail_msg("verdict %s, expected %s", cs_verdict_name(r->verdict), cs_verdict_name(verdict));
    }
    if (verdict == CS_VERDICT_VALID)
        return;
    assert_string_equal(cs_check_name(r->failed), cs_check_name(failed));
    assert_string_equal(cs_err_name(r->err), cs_err_name(err));
    if (mention != NULL && strstr(r->checks[failed].detail, mention) == NULL)
        fail_msg("detail \"%s\" does not mention \"%s\"", r->checks[failed].detail, mention);
}

static void expect_state(const cs_verify_result *r, cs_check_id id, cs_check_state state,
                         const char *mention)
{
    assert_string_equal(cs_check_state_name(r->checks[id].state), cs_check_state_name(state));
    if (mention != NULL && strstr(r->checks[id].detail, mention) == NULL)
        fail_msg("%s: \"%s\" does not mention \"%s\"", cs_check_name(id), r->checks[id].detail,
                 mention);
}

/* ---- fixtures ---------------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    if (cs_date_parse("2026-01-01", &T_AC_FROM) != CS_OK ||
        cs_date_parse("2031-01-01", &T_AC_TO) != CS_OK ||
        cs_date_parse("2029-11-21", &T_CT_EXP) != CS_OK ||
        cs_date_parse("2027-06-01", &T_NOW) != CS_OK || cs_key_generate(CS_ALG_EDDSA, &F.ab) ||
        cs_key_generate(CS_ALG_ES256, &F.cb) || cs_key_generate(CS_ALG_ES256, &F.attacker))
        return -1;
    cs_key_t *pub = NULL;
    if (helper_public_copy(F.ab, &pub) != CS_OK || cs_trust_new(&F.trust) != CS_OK ||
        cs_trust_add_key(F.trust, &pub) != CS_OK)
        return -1;
    cs_accreditation_params ac = make_ac(true), plain = make_ac(false);
    if (cs_accreditation_sign(F.ab, &ac, &F.ac, &F.ac_len, NULL, 0) != CS_OK ||
        cs_accreditation_sign(F.ab, &plain, &F.ac_plain, &F.ac_plain_len, NULL, 0) != CS_OK)
        return -1;
    F.ct = issue(F.ac, F.ac_len, true, CT_INDEX);
    F.ct_plain = issue(F.ac_plain, F.ac_plain_len, false, 0);
    F.ct_far = issue(F.ac, F.ac_len, true, CS_STATUS_LIST_MIN + 10);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    free(F.ct);
    free(F.ct_plain);
    free(F.ct_far);
    free(F.ac);
    free(F.ac_plain);
    cs_trust_free(&F.trust);
    cs_key_free(&F.ab);
    cs_key_free(&F.cb);
    cs_key_free(&F.attacker);
    return 0;
}

/* ---- outcomes ---------------------------------------------------------------------- */

static void test_valid(void **state)
{
    (void)state;
    cs_verifier_t *v = verifier_with(0, 0);
    cs_verify_result r;
    char *json = NULL;

    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_VALID, 0, CS_OK, NULL);
    expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_PASS, "valid in the status list " AB_URI);
    expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_PASS, "(index 4242)");
    assert_string_equal(cs_verify_status_summary(&r, CS_CHECK_CT_STATUS), "valid");
    assert_string_equal(cs_verify_status_summary(&r, CS_CHECK_AC_STATUS), "valid");
    assert_int_equal(cs_report_verify_json(&r, 0, &json), CS_OK);
    json_t *j = json_loads(json, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "valid");
    json_t *ref = json_object_get(j, "status_reference");
    assert_int_equal(json_integer_value(json_object_get(ref, "idx")), CT_INDEX);
    assert_string_equal(json_string_value(json_object_get(ref, "uri")), CB_URI);
    ref = json_object_get(json_object_get(j, "accreditation"), "status_reference");
    assert_int_equal(json_integer_value(json_object_get(ref, "idx")), AC_INDEX);
    json_decref(j);
    free(json);
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
}

static void test_certificate_values(void **state)
{
    (void)state;
    static const struct {
        unsigned value;
        cs_verdict verdict;
        cs_err err;
        const char *mention, *summary;
    } cases[] = {
        {CS_STATUS_SUSPENDED, CS_VERDICT_SUSPENDED, CS_ERR_STATUS_SUSPENDED, "suspended",
         "suspended"},
        {CS_STATUS_WITHDRAWN, CS_VERDICT_WITHDRAWN, CS_ERR_STATUS_WITHDRAWN, "withdrawn",
         "withdrawn"},
        {CS_STATUS_SUPERSEDED, CS_VERDICT_SUPERSEDED, CS_ERR_STATUS_SUPERSEDED, "later revision",
         "superseded"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cs_verifier_t *v = verifier_with(0, cases[i].value);
        cs_verify_result r;
        run(v, F.ct, &r);
        expect(&r, cases[i].verdict, CS_CHECK_CT_STATUS, cases[i].err, cases[i].mention);
        expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_PASS, NULL);
        assert_string_equal(cs_verify_status_summary(&r, CS_CHECK_CT_STATUS), cases[i].summary);
        cs_verify_result_clear(&r);
        cs_verifier_free(&v);
    }
}

static void test_accreditation_values(void **state)
{
    (void)state;
    static const struct {
        unsigned value;
        cs_err err;
        const char *mention;
    } cases[] = {
        {CS_STATUS_SUSPENDED, CS_ERR_AC_SUSPENDED, "suspended this accreditation"},
        {CS_STATUS_WITHDRAWN, CS_ERR_AC_WITHDRAWN, "withdrawn this accreditation"},
        {CS_STATUS_SUPERSEDED, CS_ERR_AC_WITHDRAWN, "superseded"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        /* The AC's status comes first, even when the CT is suspended too. */
        cs_verifier_t *v = verifier_with(cases[i].value, CS_STATUS_SUSPENDED);
        cs_verify_result r;
        run(v, F.ct, &r);
        expect(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_AC_STATUS, cases[i].err, cases[i].mention);
        expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_FAIL, "suspended");
        cs_verify_result_clear(&r);
        cs_verifier_free(&v);
    }
}

static void test_no_reference(void **state)
{
    (void)state;
    cs_verifier_t *v = verifier_with(0, 0);
    cs_verify_result r;

    run(v, F.ct_plain, &r);
    expect(&r, CS_VERDICT_VALID, 0, CS_OK, NULL);
    expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_PASS, "carries no status reference");
    expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_PASS, "cannot be suspended or withdrawn");
    assert_string_equal(cs_verify_status_summary(&r, CS_CHECK_CT_STATUS), "not referenced");
    cs_verify_result_clear(&r);
    cs_verifier_require_status(v, true);
    run(v, F.ct_plain, &r);
    expect(&r, CS_VERDICT_STATUS_UNKNOWN, CS_CHECK_AC_STATUS, CS_ERR_STATUS_UNKNOWN,
           "status is required");
    expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_FAIL, "no status reference");
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
}

static void test_no_list(void **state)
{
    (void)state;
    cs_verifier_t *v = new_verifier();
    cs_verify_result r;

    /* Status is required by default: no list is STATUS_UNKNOWN. */
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_STATUS_UNKNOWN, CS_CHECK_AC_STATUS, CS_ERR_STATUS_UNKNOWN,
           "no status list for " AB_URI);
    expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_FAIL, CB_URI);
    assert_false(r.status_checked);
    assert_string_equal(cs_verify_status_summary(&r, CS_CHECK_CT_STATUS), "unknown");
    cs_verify_result_clear(&r);

    /* The explicit opt-out: VALID, and it says the status was not checked. */
    cs_verifier_set_status_optional(v, true);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_VALID, 0, CS_OK, NULL);
    expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_UNKNOWN, "no status list for " AB_URI);
    expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_UNKNOWN, CB_URI);
    assert_false(r.status_checked);
    assert_int_equal(cs_verify_warnings(&r), CS_WARNING_STATUS_NOT_CHECKED);
    char text[CS_VERIFY_WARNING_SIZE], *json = NULL, *html = NULL;
    cs_verify_warning_text(&r, CS_WARNING_STATUS_NOT_CHECKED, text, sizeof(text));
    assert_non_null(strstr(text, "status not checked"));
    assert_int_equal(cs_report_verify_json(&r, 0, &json), CS_OK);
    json_t *j = json_loads(json, 0, NULL);
    assert_non_null(j);
    assert_true(json_is_false(json_object_get(j, "status_checked")));
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(j, "warnings"), 0)),
                           "status not checked"));
    json_decref(j);
    free(json);
    assert_int_equal(cs_report_verify_html(&r, &html), CS_OK);
    assert_non_null(strstr(html, "class=\"verdict warn\""));
    assert_null(strstr(html, "class=\"verdict ok\""));
    assert_non_null(strstr(html, "status not checked"));
    free(html);
    cs_verify_result_clear(&r);

    add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + 86400); /* only the AB's */
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_VALID, 0, CS_OK, NULL);
    expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_PASS, NULL);
    expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_UNKNOWN, NULL);
    cs_verify_result_clear(&r);

    /* Without the opt-out, and with --require-status, the CT's list is missing. */
    cs_verifier_set_status_optional(v, false);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_STATUS_UNKNOWN, CS_CHECK_CT_STATUS, CS_ERR_STATUS_UNKNOWN, CB_URI);
    cs_verify_result_clear(&r);
    cs_verifier_set_status_optional(v, true);
    cs_verifier_require_status(v, true);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_STATUS_UNKNOWN, CS_CHECK_CT_STATUS, CS_ERR_STATUS_UNKNOWN, CB_URI);
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
}

/* An AC whose status is unknown does not hide a withdrawn CT. */
static void test_unknown_does_not_hide_withdrawn(void **state)
{
    (void)state;
    cs_verifier_t *v = new_verifier();
    cs_verify_result r;

    add_list(v, F.cb, CB_URI, CT_INDEX, CS_STATUS_WITHDRAWN, T_NOW + 86400);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_WITHDRAWN, CS_CHECK_CT_STATUS, CS_ERR_STATUS_WITHDRAWN, "withdrawn");
    expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_FAIL, AB_URI);
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
}

/* A list that does not verify fails the check; never VALID. */
static void expect_bad_list(cs_verifier_t *v, const char *token, cs_check_id id, cs_err err,
                            const char *mention)
{
    cs_verify_result r;
    run(v, token, &r);
    assert_int_not_equal(r.verdict, CS_VERDICT_VALID);
    expect(&r, CS_VERDICT_STATUS_UNKNOWN, id, err, mention);
    cs_verify_result_clear(&r);
}

static void test_bad_lists(void **state)
{
    (void)state;
    cs_verifier_t *v;

    v = new_verifier(); /* expired */
    add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + 86400);
    add_list(v, F.cb, CB_URI, CT_INDEX, 0, T_NOW - 3000);
    expect_bad_list(v, F.ct, CS_CHECK_CT_STATUS, CS_ERR_STATUS_LIST_EXPIRED,
                    "expired on 2027-05-31");
    cs_verifier_free(&v);

    v = new_verifier(); /* signed by someone else */
    add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + 86400);
    add_list(v, F.attacker, CB_URI, CT_INDEX, 0, T_NOW + 86400);
    expect_bad_list(v, F.ct, CS_CHECK_CT_STATUS, CS_ERR_STATUS_LIST_KEY, "not signed by the key");
    cs_verifier_free(&v);

    v = new_verifier(); /* the AB's list signed by the CB */
    add_list(v, F.cb, AB_URI, AC_INDEX, 0, T_NOW + 86400);
    expect_bad_list(v, F.ct, CS_CHECK_AC_STATUS, CS_ERR_STATUS_LIST_KEY, AB_URI);
    cs_verifier_free(&v);

    v = verifier_with(0, 0); /* the index is outside the list */
    expect_bad_list(v, F.ct_far, CS_CHECK_CT_STATUS, CS_ERR_STATUS_INDEX,
                    "outside the status list");
    cs_verifier_free(&v);
}

/* A list of bits=1, which decoding accepts and certseal refuses. */
static void test_bits_one(void **state)
{
    (void)state;
    cs_cbor_writer w;
    cs_status_list_t *list = NULL;
    uint8_t *lst = NULL, *slt = NULL;
    size_t lst_len, len;
    helper_header h = {.typ = CS_STATUS_LIST_TYP};

    assert_int_equal(cs_status_list_new(CS_STATUS_LIST_MIN, 1, &list), CS_OK);
    assert_int_equal(cs_status_list_compress(list, 9, &lst, &lst_len), CS_OK);
    cs_cbor_writer_init(&w);
    cs_cbor_put_map(&w, 3);
    cs_cbor_put_int(&w, CS_CLAIM_SUB);
    cs_cbor_put_cstring(&w, CB_URI);
    cs_cbor_put_int(&w, CS_CLAIM_IAT);
    cs_cbor_put_int(&w, T_NOW);
    cs_cbor_put_int(&w, CS_CLAIM_STATUS_LIST);
    cs_cbor_put_map(&w, 2);
    cs_cbor_put_cstring(&w, "bits");
    cs_cbor_put_uint(&w, 1);
    cs_cbor_put_cstring(&w, "lst");
    cs_cbor_put_bytes(&w, lst, lst_len);
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    assert_int_equal(helper_sign1(F.cb, &h, w.buf, w.len, &slt, &len), CS_OK);

    cs_verifier_t *fresh = new_verifier();
    cs_verifier_set_status_optional(fresh, true); /* no AB list */
    assert_int_equal(cs_verifier_add_status_list(fresh, slt, len, NULL, 0), CS_OK);
    expect_bad_list(fresh, F.ct, CS_CHECK_CT_STATUS, CS_ERR_STATUS_BITS, "1 bits");
    cs_verifier_free(&fresh);
    free(slt);
    free(lst);
    cs_cbor_writer_free(&w);
    cs_status_list_free(&list);
}

static void test_expired_beats_status(void **state)
{
    (void)state;
    cs_verifier_t *v = new_verifier();
    cs_verify_result r;

    /* Lists current at the time of verification, so that only the
     * certificate's time counts. */
    int64_t later = T_CT_EXP + 86400;
    size_t len;
    uint8_t *ab =
        list_token_at(F.ab, AB_URI, AC_INDEX, CS_STATUS_SUSPENDED, later - 60, later + 86400, &len);
    assert_int_equal(cs_verifier_add_status_list(v, ab, len, NULL, 0), CS_OK);
    free(ab);
    uint8_t *cb =
        list_token_at(F.cb, CB_URI, CT_INDEX, CS_STATUS_WITHDRAWN, later - 60, later + 86400, &len);
    assert_int_equal(cs_verifier_add_status_list(v, cb, len, NULL, 0), CS_OK);
    free(cb);
    cs_verifier_set_time(v, later);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_EXPIRED, CS_CHECK_CT_VALIDITY, CS_ERR_EXPIRED, NULL);
    expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_FAIL, "withdrawn"); /* still listed */
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
}

/* ---- the source and the caches ------------------------------------------------------ */

typedef struct source_state {
    int calls;
    int calls_for_ab;
    const uint8_t *cb_list;
    size_t cb_list_len;
} source_state;

static cs_err fake_source(void *ctx, const char *uri, int64_t now, uint8_t **out, size_t *out_len,
                          char *detail, size_t detail_size)
{
    source_state *s = ctx;
    (void)now;
    s->calls++;
    if (strcmp(uri, CB_URI) == 0 && s->cb_list != NULL) {
        *out = malloc(s->cb_list_len);
        assert_non_null(*out);
        memcpy(*out, s->cb_list, s->cb_list_len);
        *out_len = s->cb_list_len;
        return CS_OK;
    }
    if (strcmp(uri, AB_URI) == 0)
        s->calls_for_ab++;
    snprintf(detail, detail_size, "%s: HTTP 404", uri);
    return CS_ERR_FETCH;
}

static void test_source(void **state)
{
    (void)state;
    size_t len;
    uint8_t *cb_list = list_token(F.cb, CB_URI, CT_INDEX, CS_STATUS_SUSPENDED, T_NOW + 86400, &len);
    source_state s = {0, 0, cb_list, len};
    cs_verifier_t *v = new_verifier();
    cs_verify_result r;

    cs_verifier_set_status_source(v, fake_source, &s);
    for (int i = 0; i < 3; i++) {
        run(v, F.ct, &r);
        /* The AC's status is unknown, the CT's suspended: SUSPENDED. */
        expect(&r, CS_VERDICT_SUSPENDED, CS_CHECK_CT_STATUS, CS_ERR_STATUS_SUSPENDED, NULL);
        expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_FAIL, "HTTP 404");
        cs_verify_result_clear(&r);
    }
    assert_int_equal(s.calls, 2); /* once per URI: answers and failures are kept */

    /* A list the source gives for the wrong URI, and one cut short. */
    cs_verifier_free(&v);
    uint8_t *other =
        list_token(F.cb, "https://cb.example/status/2", CT_INDEX, 0, T_NOW + 86400, &len);
    s = (source_state){0, 0, other, len};
    v = new_verifier();
    cs_verifier_set_status_optional(v, true); /* the AB's list is not found */
    cs_verifier_set_status_source(v, fake_source, &s);
    expect_bad_list(v, F.ct, CS_CHECK_CT_STATUS, CS_ERR_STATUS_LIST_URI, "not the referenced");
    cs_verifier_free(&v);
    s = (source_state){0, 0, cb_list, 40};
    v = new_verifier();
    cs_verifier_set_status_source(v, fake_source, &s);
    run(v, F.ct, &r);
    assert_int_equal(r.verdict, CS_VERDICT_STATUS_UNKNOWN);
    expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_FAIL, "unusable");
    cs_verify_result_clear(&r);

    /* Lists added take precedence over the source. */
    cs_verifier_free(&v);
    s = (source_state){0, 0, cb_list, len};
    v = new_verifier();
    add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + 86400);
    cs_verifier_set_status_source(v, fake_source, &s);
    run(v, F.ct, &r);
    assert_int_equal(s.calls_for_ab, 0);
    expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_PASS, NULL);
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
    free(other);
    free(cb_list);
}

/* A list verified once is kept with its key: another key still fails, and
 * its exp is checked again at every use. */
static void test_cache(void **state)
{
    (void)state;
    cs_verifier_t *v = verifier_with(0, 0);
    cs_verify_result r;
    int64_t exp = T_NOW + 86400;

    for (int i = 0; i < 50; i++) {
        run(v, F.ct, &r);
        expect(&r, CS_VERDICT_VALID, 0, CS_OK, NULL);
        expect_state(&r, CS_CHECK_CT_STATUS, CS_CHECK_PASS, NULL);
        cs_verify_result_clear(&r);
    }
    cs_verifier_set_time(v, exp + CS_DEFAULT_CLOCK_SKEW + 1);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_STATUS_UNKNOWN, CS_CHECK_AC_STATUS, CS_ERR_STATUS_LIST_EXPIRED,
           "expired on");
    cs_verify_result_clear(&r);
    cs_verifier_set_time(v, T_NOW);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_VALID, 0, CS_OK, NULL);
    cs_verify_result_clear(&r);

    /* A newer list for the same URI replaces the kept one; an older does not. */
    add_list(v, F.cb, CB_URI, CT_INDEX, CS_STATUS_SUSPENDED, exp);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_SUSPENDED, CS_CHECK_CT_STATUS, CS_ERR_STATUS_SUSPENDED, NULL);
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
}

/* ---- freshness: forged lists, rollback, age -------------------------------------- */

/* tests/data/status/forged_future.cbor: a list for CB_URI-like URIs whose
 * signature is garbage and whose iat is far in the future.  Read whole. */
static uint8_t *read_data(const char *path, size_t *len)
{
    uint8_t *data = NULL;
    assert_int_equal(cs_file_read_all(path, 1u << 20, &data, len), CS_OK);
    return data;
}

/* A list with a bad signature and a far-future iat, given before or after
 * the genuine one, never displaces it: for the CB's list (one
 * certificate) or the AB's (every CB under that AB). */
static void test_forged_list_does_not_displace(void **state)
{
    (void)state;
    size_t forged_cb_len, forged_ab_len;
    uint8_t *forged_cb = read_data("tests/data/status/forged_future_cb.cose", &forged_cb_len);
    uint8_t *forged_ab = read_data("tests/data/status/forged_future_ab.cose", &forged_ab_len);

    for (int order = 0; order < 2; order++) {
        cs_verifier_t *v = new_verifier();
        cs_verify_result r;
        if (order == 0)
            assert_int_equal(cs_verifier_add_status_list(v, forged_cb, forged_cb_len, NULL, 0),
                             CS_OK);
        add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + 86400);
        add_list(v, F.cb, CB_URI, CT_INDEX, CS_STATUS_WITHDRAWN, T_NOW + 86400);
        if (order == 1)
            assert_int_equal(cs_verifier_add_status_list(v, forged_cb, forged_cb_len, NULL, 0),
                             CS_OK);
        assert_int_equal(cs_verifier_add_status_list(v, forged_ab, forged_ab_len, NULL, 0), CS_OK);
        run(v, F.ct, &r);
        expect(&r, CS_VERDICT_WITHDRAWN, CS_CHECK_CT_STATUS, CS_ERR_STATUS_WITHDRAWN, NULL);
        expect_state(&r, CS_CHECK_AC_STATUS, CS_CHECK_PASS, "valid in the status list " AB_URI);
        cs_verify_result_clear(&r);
        cs_verifier_free(&v);
    }

    /* Alone, the forged list is refused: STATUS_UNKNOWN, never VALID. */
    cs_verifier_t *v = new_verifier();
    add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + 86400);
    assert_int_equal(cs_verifier_add_status_list(v, forged_cb, forged_cb_len, NULL, 0), CS_OK);
    expect_bad_list(v, F.ct, CS_CHECK_CT_STATUS, CS_ERR_STATUS_LIST_KEY, "not signed by the key");
    cs_verifier_free(&v);
    free(forged_cb);
    free(forged_ab);
}

/* DESIGN §2: a result depends only on the token, the lists and the time,
 * never on what the verifier saw before.  Of two CB lists, the newer
 * (VALID) expires first and the older (SUSPENDED) lasts longer; each
 * moment's verdict is that of a fresh verifier, whatever the same verifier
 * chose at an earlier moment (here in both directions: the newer list
 * lapsing, and a list issued "in the future" coming due). */
static void test_choice_follows_time(void **state)
{
    (void)state;
    const int64_t hour = 3600, day = 86400;
    static const struct {
        int64_t at;
        cs_verdict verdict;
    } moments[] = {
        {0, CS_VERDICT_VALID},                 /* the newer list */
        {day + 2 * 3600, CS_VERDICT_SUSPENDED}, /* it has expired: the older one */
        {0, CS_VERDICT_VALID},                 /* back again */
    };
    size_t older_len, newer_len, later_len;
    uint8_t *older = list_token_at(F.cb, CB_URI, CT_INDEX, CS_STATUS_SUSPENDED, T_NOW - 2 * hour,
                                   T_NOW + 3 * day, &older_len);
    uint8_t *newer = list_token_at(F.cb, CB_URI, CT_INDEX, 0, T_NOW - hour, T_NOW + day,
                                   &newer_len);
    /* Issued two days from T_NOW: in the future until then. */
    uint8_t *later = list_token_at(F.cb, CB_URI, CT_INDEX, CS_STATUS_WITHDRAWN, T_NOW + 2 * day,
                                   T_NOW + 4 * day, &later_len);
    cs_verifier_t *reused = new_verifier();

    add_list(reused, F.ab, AB_URI, AC_INDEX, 0, T_NOW + 5 * day);
    assert_int_equal(cs_verifier_add_status_list(reused, older, older_len, NULL, 0), CS_OK);
    assert_int_equal(cs_verifier_add_status_list(reused, newer, newer_len, NULL, 0), CS_OK);
    assert_int_equal(cs_verifier_add_status_list(reused, later, later_len, NULL, 0), CS_OK);
    for (size_t i = 0; i < sizeof(moments) / sizeof(moments[0]); i++) {
        cs_verify_result r;
        print_message("at T_NOW + %lld s\n", (long long)moments[i].at);
        cs_verifier_set_time(reused, T_NOW + moments[i].at);
        run(reused, F.ct, &r);
        if (r.verdict != moments[i].verdict)
            show(&r);
        assert_string_equal(cs_verdict_name(r.verdict), cs_verdict_name(moments[i].verdict));
        cs_verify_result_clear(&r);
    }
    /* Once the future list is due, it is the newest and wins. */
    cs_verify_result r;
    cs_verifier_set_time(reused, T_NOW + 2 * day + hour);
    run(reused, F.ct, &r);
    if (r.verdict != CS_VERDICT_WITHDRAWN)
        show(&r);
    assert_string_equal(cs_verdict_name(r.verdict), "WITHDRAWN");
    cs_verify_result_clear(&r);
    cs_verifier_free(&reused);
    free(older);
    free(newer);
    free(later);
}

/* One CB list of the given times added to a verifier with the AB's list. */
static void expect_list_times(int64_t issued_at, int64_t expires, int64_t max_age, cs_err err,
                              const char *mention)
{
    cs_verifier_t *v = new_verifier();
    size_t len;
    uint8_t *slt = list_token_at(F.cb, CB_URI, CT_INDEX, 0, issued_at, expires, &len);
    cs_verify_result r;

    if (max_age >= 0)
        cs_verifier_set_max_list_age(v, max_age);
    add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + 86400);
    assert_int_equal(cs_verifier_add_status_list(v, slt, len, NULL, 0), CS_OK);
    free(slt);
    run(v, F.ct, &r);
    if (err == CS_OK)
        expect(&r, CS_VERDICT_VALID, 0, CS_OK, NULL);
    else
        expect(&r, CS_VERDICT_STATUS_UNKNOWN, CS_CHECK_CT_STATUS, err, mention);
    cs_verify_result_clear(&r);
    /* The opt-out does not accept a list that is refused. */
    cs_verifier_set_status_optional(v, true);
    run(v, F.ct, &r);
    if (err != CS_OK)
        expect(&r, CS_VERDICT_STATUS_UNKNOWN, CS_CHECK_CT_STATUS, err, mention);
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
}

static void test_list_times(void **state)
{
    (void)state;
    const int64_t day = 86400;
    cs_verifier_t *v;
    cs_verify_result r;
    size_t len;

    /* No exp, an iat in the future beyond the skew, one older than the
     * maximum age (default 7 days, or as set). */
    expect_list_times(T_NOW - 3600, 0, -1, CS_ERR_STATUS_LIST_NO_EXPIRY, "no expiry");
    expect_list_times(T_NOW + CS_DEFAULT_CLOCK_SKEW + 60, T_NOW + day, -1,
                      CS_ERR_STATUS_LIST_FUTURE, "in the future");
    expect_list_times(T_NOW + CS_DEFAULT_CLOCK_SKEW - 60, T_NOW + day, -1, CS_OK, NULL);
    expect_list_times(T_NOW - 8 * day, T_NOW + day, -1, CS_ERR_STATUS_LIST_STALE,
                      "maximum list age of 7 day");
    expect_list_times(T_NOW - 8 * day, T_NOW + day, 9 * day, CS_OK, NULL);
    expect_list_times(T_NOW - 2 * day, T_NOW + day, day, CS_ERR_STATUS_LIST_STALE, NULL);

    /* Past its ttl (an hour) but within the age: used, "status as of". */
    v = new_verifier();
    add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + day);
    uint8_t *slt = list_token_at(F.cb, CB_URI, CT_INDEX, 0, T_NOW - 3 * day, T_NOW + day, &len);
    assert_int_equal(cs_verifier_add_status_list(v, slt, len, NULL, 0), CS_OK);
    free(slt);
    run(v, F.ct, &r);
    expect(&r, CS_VERDICT_VALID, 0, CS_OK, NULL);
    assert_true(r.status_checked);
    assert_int_equal(r.status_as_of, T_NOW - 3 * day);
    assert_int_equal(cs_verify_warnings(&r), CS_WARNING_STATUS_AS_OF);
    char text[CS_VERIFY_WARNING_SIZE], *json = NULL, *html = NULL;
    cs_verify_warning_text(&r, CS_WARNING_STATUS_AS_OF, text, sizeof(text));
    assert_non_null(strstr(text, "status as of 2027-05-29T00:00:00Z"));
    assert_int_equal(cs_report_verify_json(&r, 0, &json), CS_OK);
    assert_non_null(strstr(json, "\"status_as_of\":\"2027-05-29T00:00:00Z\""));
    assert_int_equal(cs_report_verify_html(&r, &html), CS_OK);
    assert_non_null(strstr(html, "class=\"verdict warn\""));
    assert_non_null(strstr(html, "status as of 2027-05-29"));
    free(json);
    free(html);
    cs_verify_result_clear(&r);
    cs_verifier_free(&v);
}

/* A list older than one seen before for its URI is refused, in memory
 * and, with a folder, across histories (runs). */
static void test_rollback(void **state)
{
    (void)state;
    const int64_t day = 86400;
    char folder[] = "/tmp/certseal-history-XXXXXX";
    cs_status_history_t *history = NULL;
    size_t new_len, old_len;
    uint8_t *newer = list_token_at(F.cb, CB_URI, CT_INDEX, CS_STATUS_WITHDRAWN, T_NOW - day,
                                   T_NOW + day, &new_len);
    uint8_t *older =
        list_token_at(F.cb, CB_URI, CT_INDEX, 0, T_NOW - 2 * day, T_NOW + day, &old_len);
    cs_verify_result r;

    assert_non_null(mkdtemp(folder));
    for (int round = 0; round < 2; round++) {
        assert_int_equal(cs_status_history_new(folder, &history), CS_OK);
        cs_verifier_t *v = new_verifier();
        cs_verifier_set_status_history(v, history);
        add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + day);
        if (round == 0) { /* the withdrawal is seen first */
            assert_int_equal(cs_verifier_add_status_list(v, newer, new_len, NULL, 0), CS_OK);
            run(v, F.ct, &r);
            expect(&r, CS_VERDICT_WITHDRAWN, CS_CHECK_CT_STATUS, CS_ERR_STATUS_WITHDRAWN, NULL);
            cs_verify_result_clear(&r);
            cs_verifier_free(&v);
            v = new_verifier();
            cs_verifier_set_status_history(v, history);
            add_list(v, F.ab, AB_URI, AC_INDEX, 0, T_NOW + day);
        }
        /* Then last week's list, replayed: refused, in this run (round 0,
         * memory) and in the next (round 1, the folder). */
        assert_int_equal(cs_verifier_add_status_list(v, older, old_len, NULL, 0), CS_OK);
        run(v, F.ct, &r);
        expect(&r, CS_VERDICT_STATUS_UNKNOWN, CS_CHECK_CT_STATUS, CS_ERR_STATUS_ROLLBACK,
               "older than one already seen");
        cs_verify_result_clear(&r);
        cs_verifier_free(&v);
        cs_status_history_free(&history);
    }
    /* A history without a folder forgets with the process. */
    assert_int_equal(cs_status_history_new(NULL, &history), CS_OK);
    assert_int_equal(cs_status_history_accept(history, CB_URI, T_NOW - 2 * day, NULL), CS_OK);
    int64_t seen = 0;
    assert_int_equal(cs_status_history_accept(history, CB_URI, T_NOW, NULL), CS_OK);
    assert_int_equal(cs_status_history_accept(history, CB_URI, T_NOW - day, &seen),
                     CS_ERR_STATUS_ROLLBACK);
    assert_int_equal(seen, T_NOW);
    cs_status_history_free(&history);

    char command[96];
    snprintf(command, sizeof(command), "rm -rf '%s'", folder);
    assert_int_equal(system(command), 0);
    free(newer);
    free(older);
}

/* ---- the status claim ----------------------------------------------------------------- */

static void test_claim_round_trip(void **state)
{
    (void)state;
    cs_accreditation_params ac = make_ac(true);
    cs_accreditation back = {0};
    uint8_t *claims = NULL;
    size_t len;

    assert_int_equal(cs_accreditation_encode_claims(&ac, &claims, &len), CS_OK);
    assert_int_equal(cs_accreditation_decode_claims(claims, len, &back, NULL, 0), CS_OK);
    assert_true(back.status.present);
    assert_int_equal(back.status.index, AC_INDEX);
    assert_string_equal(back.status.uri, AB_URI);
    cs_accreditation_clear(&back);
    free(claims);

    cs_certificate cert = {0}, cert_back = {0};
    assert_int_equal(helper_load_record(RECORD_PATH, &cert), CS_OK);
    assert_non_null(cert.issuer = strdup("cb.example"));
    assert_non_null(cert.accreditation_number = strdup("ACC-1"));
    cert.status.present = true;
    cert.status.index = UINT64_MAX;
    assert_non_null(cert.status.uri = strdup(CB_URI));
    assert_int_equal(cs_certificate_encode_claims(&cert, &claims, &len), CS_OK);
    assert_int_equal(cs_certificate_decode_claims(claims, len, &cert_back, NULL, 0), CS_OK);
    assert_int_equal(cert_back.status.index, UINT64_MAX);
    assert_string_equal(cert_back.status.uri, CB_URI);
    cs_certificate_clear(&cert_back);
    free(claims);
    cs_certificate_clear(&cert);
}

/* Malformed status claims, appended as claim 65535 to claims without one. */
static void test_claim_rejections(void **state)
{
    (void)state;
    static const struct {
        const char *why;
        const char *hex; /* the value of claim 65535 */
        cs_err err;
    } cases[] = {
        {"not a map", "01", CS_ERR_CBOR_TYPE},
        {"unknown outer key", "a1657374617475a0", CS_ERR_CLAIM_INVALID},
        {"status_list not a map", "a16b7374617475735f6c69737401", CS_ERR_CBOR_TYPE},
        {"missing idx", "a16b7374617475735f6c697374a163757269616b", CS_ERR_CLAIM_MISSING},
        {"missing uri", "a16b7374617475735f6c697374a163696478 01", CS_ERR_CLAIM_MISSING},
        {"idx negative", "a16b7374617475735f6c697374a263696478206375726961 6b", CS_ERR_CBOR_TYPE},
        {"uri bytes", "a16b7374617475735f6c697374a26369647801637572694161", CS_ERR_CBOR_TYPE},
        {"empty uri", "a16b7374617475735f6c697374a263696478016375726960", CS_ERR_CLAIM_INVALID},
        {"unknown inner key", "a16b7374617475735f6c697374a363696478016375726961786378657801",
         CS_ERR_CLAIM_INVALID},
    };
    cs_accreditation_params ac = make_ac(false);
    cs_accreditation back = {0};
    cs_certificate cert = {0}, cert_back = {0};
    uint8_t extra[96], *claims = NULL;
    size_t len;

    assert_int_equal(helper_load_record(RECORD_PATH, &cert), CS_OK);
    assert_non_null(cert.issuer = strdup("cb.example"));
    assert_non_null(cert.accreditation_number = strdup("ACC-1"));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = 0;
        extra[n++] = 0x19; /* the key 65535 */
        extra[n++] = 0xff;
        extra[n++] = 0xff;
        for (const char *p = cases[i].hex; *p != '\0';) {
            unsigned byte;
            if (*p == ' ') {
                p++;
                continue;
            }
            assert_int_equal(sscanf(p, "%2x", &byte), 1);
            extra[n++] = (uint8_t)byte;
            p += 2;
        }
        helper_override ov = {.extra = extra, .extra_len = n, .extra_pairs = 1};
        assert_int_equal(helper_accreditation_claims(&ac, &ov, &claims, &len), CS_OK);
        cs_err got = cs_accreditation_decode_claims(claims, len, &back, NULL, 0);
        if (got != cases[i].err)
            fail_msg("AC, %s: %s, expected %s", cases[i].why, cs_err_name(got),
                     cs_err_name(cases[i].err));
        free(claims);
        assert_int_equal(helper_certificate_claims(&cert, &ov, &claims, &len), CS_OK);
        got = cs_certificate_decode_claims(claims, len, &cert_back, NULL, 0);
        if (got != cases[i].err)
            fail_msg("CT, %s: %s, expected %s", cases[i].why, cs_err_name(got),
                     cs_err_name(cases[i].err));
        free(claims);
    }
    cs_certificate_clear(&cert);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_certificate_values),
        cmocka_unit_test(test_accreditation_values),
        cmocka_unit_test(test_no_reference),
        cmocka_unit_test(test_no_list),
        cmocka_unit_test(test_unknown_does_not_hide_withdrawn),
        cmocka_unit_test(test_forged_list_does_not_displace),
        cmocka_unit_test(test_list_times),
        cmocka_unit_test(test_rollback),
        cmocka_unit_test(test_bad_lists),
        cmocka_unit_test(test_bits_one),
        cmocka_unit_test(test_expired_beats_status),
        cmocka_unit_test(test_source),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_choice_follows_time),
        cmocka_unit_test(test_claim_round_trip),
        cmocka_unit_test(test_claim_rejections),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
