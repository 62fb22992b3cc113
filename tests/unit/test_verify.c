/* SPDX-License-Identifier: ISC */
/*
 * Chain verification (DESIGN §2): one test per way a certificate token can
 * be wrong, each naming the verdict, the first failing check, the error and
 * what the check's detail must mention; plus the valid forms, the trust
 * store with several keys, the accreditation cache and the JSON report.
 *
 * Tokens are made with the library (cs_accreditation_sign, cs_issuer_issue)
 * where it can make them, and by hand (helper_tokens.c: our own protected
 * headers, claims maps and signatures) for the ones it refuses to make.
 * The signature and alg cases run for both EdDSA and ES256.
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
#include "helper_files.h"
#include "helper_tokens.h"
#include "internal.h"

#define RECORD_PATH "tests/fixtures/record-typical.json"
#define LINK_BASE "https://verify.example.org/v"

#define AB_NAME "UKAS"
#define CB_ID "cb.example.org"
#define CB_NAME "Example Certification Ltd"
#define ACC_NO "UKAS-0042"

/* Dates of the scenario, set by setup_dates(). */
static int64_t T_AC_FROM; /* 2026-01-01: accreditation from */
static int64_t T_AC_TO;   /* 2031-01-01: accreditation exp (exclusive) */
static int64_t T_ISSUED;  /* 2026-11-21: the record's issue date */
static int64_t T_CT_EXP;  /* 2029-11-21: the record's exp (day after 2029-11-20) */
static int64_t T_NOW;     /* 2027-06-01: verification time */

static const char *AC_STANDARDS[] = {"ISO 9001:2015", "ISO/IEC 27001:2022"};
static uint64_t AC_IAF[] = {17, 18, 19};

/* One algorithm's keys, accreditation, issuer and verifier. */
typedef struct world {
    cs_alg alg;
    cs_alg other_alg;
    cs_key_t *ab, *cb;  /* the real accreditation and certification bodies */
    cs_key_t *attacker; /* same algorithm, nobody trusts it */
    uint8_t *ac;        /* the AB's AC for the CB (COSE_Sign1) */
    size_t ac_len;
    cs_trust_t *trust; /* holds the AB's public key only */
    cs_verifier_t *verifier;
    cs_token_codec_t *codec;
    cs_issuer_t *issuer;
} world;

static world ED = {.alg = CS_ALG_EDDSA, .other_alg = CS_ALG_ES256};
static world ES = {.alg = CS_ALG_ES256, .other_alg = CS_ALG_EDDSA};

/* ---- building tokens ------------------------------------------------------ */

static int64_t date(const char *text)
{
    int64_t t = 0;
    assert_int_equal(cs_date_parse(text, &t), CS_OK);
    return t;
}

static cs_key_t *new_key(cs_alg alg)
{
    cs_key_t *key = NULL;
    assert_int_equal(cs_key_generate(alg, &key), CS_OK);
    return key;
}

static cs_trust_t *trust_of(const cs_key_t *const *keys, size_t n)
{
    cs_trust_t *trust = NULL;
    assert_int_equal(cs_trust_new(&trust), CS_OK);
    for (size_t i = 0; i < n; i++) {
        cs_key_t *pub = NULL;
        assert_int_equal(helper_public_copy(keys[i], &pub), CS_OK);
        assert_int_equal(cs_trust_add_key(trust, &pub), CS_OK);
        assert_null(pub);
    }
    return trust;
}

/* The accreditation the AB grants: borrowed strings, not to be cleared. */
static cs_accreditation_params default_ac(const world *w)
{
    cs_accreditation_params ac = {
        .issuer = AB_NAME,
        .subject = CB_ID,
        .name = CB_NAME,
        .number = ACC_NO,
        .country = "GB",
        .standards = AC_STANDARDS,
        .standard_count = 2,
        .iaf_codes = AC_IAF,
        .iaf_count = 3,
        .not_before = T_AC_FROM,
        .expires = T_AC_TO,
        .issued_at = T_AC_FROM,
        .subject_key = w->cb,
    };
    return ac;
}

static helper_header ac_header(void)
{
    helper_header h = {.typ = CS_TYP_ACCREDITATION};
    return h;
}

static helper_header ct_header(const uint8_t *ac, size_t ac_len)
{
    helper_header h = {.typ = CS_TYP_CERTIFICATE, .accreditation = ac, .accreditation_len = ac_len};
    return h;
}

/* An AC signed by signer under h (NULL: the normal headers) with claims
 * changed by ov (NULL: none).  free() the result. */
static uint8_t *sign_ac(const cs_accreditation_params *ac, const cs_key_t *signer,
                        const helper_header *h, const helper_override *ov, size_t *len)
{
    helper_header normal = ac_header();
    uint8_t *claims = NULL, *out = NULL;
    size_t claims_len = 0;
    assert_int_equal(helper_accreditation_claims(ac, ov, &claims, &claims_len), CS_OK);
    assert_int_equal(helper_sign1(signer, h != NULL ? h : &normal, claims, claims_len, &out, len),
                     CS_OK);
    free(claims);
    return out;
}

/* The typical record as the world's CB would issue it. */
static void load_cert(cs_certificate *cert)
{
    assert_int_equal(helper_load_record(RECORD_PATH, cert), CS_OK);
    cert->issuer = strdup(CB_ID);
    cert->accreditation_number = strdup(ACC_NO);
    assert_non_null(cert->issuer);
    assert_non_null(cert->accreditation_number);
}

/* A CT for cert signed by signer under h (NULL: typ cs-cert with the
 * world's AC), claims changed by ov.  free() the result. */
static uint8_t *sign_ct(const world *w, const cs_certificate *cert, const cs_key_t *signer,
                        const helper_header *h, const helper_override *ov, size_t *len)
{
    helper_header normal = ct_header(w->ac, w->ac_len);
    uint8_t *claims = NULL, *out = NULL;
    size_t claims_len = 0;
    assert_int_equal(helper_certificate_claims(cert, ov, &claims, &claims_len), CS_OK);
    assert_int_equal(helper_sign1(signer, h != NULL ? h : &normal, claims, claims_len, &out, len),
                     CS_OK);
    free(claims);
    return out;
}

/* The typical CT, hand-signed by the world's CB with the given AC. */
static uint8_t *typical_ct_with_ac(const world *w, const uint8_t *ac, size_t ac_len, size_t *len)
{
    cs_certificate cert;
    helper_header h = ct_header(ac, ac_len);
    load_cert(&cert);
    uint8_t *ct = sign_ct(w, &cert, w->cb, &h, NULL, len);
    cs_certificate_clear(&cert);
    return ct;
}

/* A token from the library's issuer (strdup'ed). */
static char *issue(world *w, cs_form form, const char *link_base)
{
    cs_certificate cert;
    const char *token = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    assert_int_equal(helper_load_record(RECORD_PATH, &cert), CS_OK);
    assert_int_equal(cs_issuer_issue(w->issuer, &cert, form, link_base, CS_ISSUE_VERIFY_SIGNATURE,
                                     &token, &len, detail, sizeof(detail)),
                     CS_OK);
    cs_certificate_clear(&cert);
    assert_int_equal(strlen(token), len);
    return strdup(token);
}

/* ---- verifying ------------------------------------------------------------ */

static void verify_bytes_with(cs_verifier_t *verifier, const void *token, size_t len,
                              cs_verify_result *r)
{
    assert_int_equal(cs_verifier_verify(verifier, token, len, r), CS_OK);
}

static void verify_text(world *w, const char *text, cs_verify_result *r)
{
    verify_bytes_with(w->verifier, text, strlen(text), r);
}

/* Wraps cose in the offline form and verifies it. */
static void verify_cose(world *w, const uint8_t *cose, size_t len, cs_verify_result *r)
{
    const char *text = NULL;
    size_t text_len = 0;
    assert_int_equal(cs_token_wrap(w->codec, CS_FORM_OFFLINE, NULL, cose, len, &text, &text_len),
                     CS_OK);
    verify_bytes_with(w->verifier, text, text_len, r);
}

static void show(const cs_verify_result *r)
{
    print_message("verdict %s, failed %s (%s): %s\n", cs_verdict_name(r->verdict),
                  cs_check_name(r->failed), cs_err_name(r->err),
                  r->verdict == CS_VERDICT_VALID ? "" : r->checks[r->failed].detail);
}

/* The result is the failure named; every earlier check passed; the
 * failing check's detail is non-empty and mentions `mention`. */
static void expect_failure(const cs_verify_result *r, cs_verdict verdict, cs_check_id check,
                           cs_err err, const char *mention)
{
    if (r->verdict != verdict || r->failed != check || (err != CS_OK && r->err != err)) {
        print_message("expected %s at %s (%s), got: ", cs_verdict_name(verdict),
                      cs_check_name(check), cs_err_name(err));
        show(r);
    }
    assert_string_equal(cs_verdict_name(r->verdict), cs_verdict_name(verdict));
    assert_string_equal(cs_check_name(r->failed), cs_check_name(check));
    if (err != CS_OK)
        assert_string_equal(cs_err_name(r->err), cs_err_name(err));
    assert_int_equal(r->checks[check].state, CS_CHECK_FAIL);
    assert_int_equal(r->checks[check].err, r->err);
    assert_true(strlen(r->checks[check].detail) > 0);
    if (mention != NULL && strstr(r->checks[check].detail, mention) == NULL) {
        print_message("detail \"%s\" does not mention \"%s\"\n", r->checks[check].detail, mention);
        fail();
    }
    for (int id = 0; id < (int)check; id++)
        assert_int_equal(r->checks[id].state, CS_CHECK_PASS);
}

static void expect_valid(const cs_verify_result *r)
{
    if (r->verdict != CS_VERDICT_VALID)
        show(r);
    assert_string_equal(cs_verdict_name(r->verdict), "VALID");
    assert_int_equal(r->err, CS_OK);
    /* Every check passes: these tokens carry no status reference, so both
     * status checks pass as "cannot be suspended or withdrawn". */
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        assert_int_equal(r->checks[id].state, CS_CHECK_PASS);
        assert_true(strlen(r->checks[id].detail) > 0);
    }
    assert_non_null(strstr(r->checks[CS_CHECK_CT_STATUS].detail, "no status reference"));
    assert_non_null(strstr(r->checks[CS_CHECK_AC_STATUS].detail, "no status reference"));
    assert_true(r->signatures_verified);
    assert_true(r->has_certificate);
    assert_non_null(r->accreditation);
}

/* ---- fixtures ------------------------------------------------------------- */

static int setup_world(world *w)
{
    cs_accreditation_params ac;
    char detail[CS_DETAIL_SIZE] = "";
    if (cs_key_generate(w->alg, &w->ab) != CS_OK || cs_key_generate(w->alg, &w->cb) != CS_OK ||
        cs_key_generate(w->alg, &w->attacker) != CS_OK)
        return -1;
    ac = default_ac(w);
    if (cs_accreditation_sign(w->ab, &ac, &w->ac, &w->ac_len, NULL, 0) != CS_OK)
        return -1;
    cs_key_t *pub = NULL;
    if (helper_public_copy(w->ab, &pub) != CS_OK || cs_trust_new(&w->trust) != CS_OK ||
        cs_trust_add_key(w->trust, &pub) != CS_OK ||
        cs_verifier_new(w->trust, &w->verifier) != CS_OK ||
        cs_token_codec_new(&w->codec) != CS_OK ||
        cs_issuer_new(w->cb, w->ac, w->ac_len, &w->issuer, detail, sizeof(detail)) != CS_OK) {
        fprintf(stderr, "setup: %s\n", detail);
        return -1;
    }
    return 0;
}

static void teardown_world(world *w)
{
    cs_issuer_free(&w->issuer);
    cs_token_codec_free(&w->codec);
    cs_verifier_free(&w->verifier);
    cs_trust_free(&w->trust);
    free(w->ac);
    w->ac = NULL;
    cs_key_free(&w->ab);
    cs_key_free(&w->cb);
    cs_key_free(&w->attacker);
}

static int group_setup(void **state)
{
    (void)state;
    if (cs_date_parse("2026-01-01", &T_AC_FROM) != CS_OK ||
        cs_date_parse("2031-01-01", &T_AC_TO) != CS_OK ||
        cs_date_parse("2026-11-21", &T_ISSUED) != CS_OK ||
        cs_date_parse("2029-11-21", &T_CT_EXP) != CS_OK ||
        cs_date_parse("2027-06-01", &T_NOW) != CS_OK)
        return -1;
    return setup_world(&ED) == 0 && setup_world(&ES) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    teardown_world(&ED);
    teardown_world(&ES);
    return 0;
}

/* Before each test: the fixed verification time and the default skew. */
static int reset(void **state)
{
    world *w = *state;
    cs_verifier_set_time(w->verifier, T_NOW);
    cs_verifier_set_clock_skew(w->verifier, CS_DEFAULT_CLOCK_SKEW);
    return 0;
}

static int no_teardown(void **state)
{
    (void)state;
    return 0;
}

/* ---- valid tokens --------------------------------------------------------- */

static void test_valid_offline(void **state)
{
    world *w = *state;
    cs_verify_result r;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);
    assert_memory_equal(token, "CS1:", 4);
    verify_text(w, token, &r);
    expect_valid(&r);
    assert_int_equal(r.form, CS_FORM_OFFLINE);
    assert_string_equal(r.certificate.standards[0], "ISO 9001:2015");
    assert_string_equal(r.certificate.number, "GB-Q-2026-004217");
    assert_string_equal(r.certificate.issuer, CB_ID);
    assert_string_equal(r.accreditation->number, ACC_NO);
    assert_true(r.has_kids);
    assert_memory_equal(r.ct_kid, cs_key_kid(w->cb), CS_KID_SIZE);
    assert_memory_equal(r.ab_kid, cs_key_kid(w->ab), CS_KID_SIZE);
    assert_int_equal(r.verified_at, T_NOW);
    cs_verify_result_clear(&r);
    free(token);
}

static void test_valid_link(void **state)
{
    world *w = *state;
    cs_verify_result r;
    char *token = issue(w, CS_FORM_LINK, LINK_BASE);
    assert_memory_equal(token, "HTTPS://VERIFY.EXAMPLE.ORG/V/", 29);
    verify_text(w, token, &r);
    expect_valid(&r);
    assert_int_equal(r.form, CS_FORM_LINK);
    cs_verify_result_clear(&r);
    free(token);
}

static void test_valid_raw_cose(void **state)
{
    world *w = *state;
    cs_verify_result r;
    size_t len = 0;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);
    const uint8_t *cose = cs_issuer_last_cose(w->issuer, &len);
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, cose, len);
    verify_bytes_with(w->verifier, copy, len, &r);
    expect_valid(&r);
    assert_int_equal(r.form, CS_FORM_COSE);
    assert_int_equal(r.cose_length, len);
    cs_verify_result_clear(&r);
    free(copy);
    free(token);
}

/* DESIGN §3: every certseal object is a COSE_Sign1 tagged 18, and only
 * that: the CT, and the AC it carries, untagged or wrapped in the CWT tag
 * 61 are MALFORMED. */
static void test_tag_18_alone(void **state)
{
    world *w = *state;
    cs_verify_result r;
    size_t ct_len = 0, untagged_ac_len = w->ac_len - 1, len;
    uint8_t *ct = typical_ct_with_ac(w, w->ac, w->ac_len, &ct_len), *bytes;

    assert_int_equal(ct[0], 0xd2);
    assert_int_equal(w->ac[0], 0xd2);
    /* The CT untagged, then 61(18(...)), as raw COSE and in the offline form. */
    assert_non_null(bytes = malloc(ct_len + 2));
    for (int offline = 0; offline < 2; offline++) {
        for (int cwt = 0; cwt < 2; cwt++) {
            if (cwt) {
                bytes[0] = 0xd8, bytes[1] = 0x3d;
                memcpy(bytes + 2, ct, ct_len);
                len = ct_len + 2;
            } else {
                memcpy(bytes, ct + 1, ct_len - 1);
                len = ct_len - 1;
            }
            if (offline)
                verify_cose(w, bytes, len, &r);
            else
                verify_bytes_with(w->verifier, bytes, len, &r);
            expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_TAG, "tag 18");
            cs_verify_result_clear(&r);
        }
    }
    free(bytes);
    free(ct);
    /* The AC untagged inside a tagged CT. */
    ct = typical_ct_with_ac(w, w->ac + 1, untagged_ac_len, &ct_len);
    verify_cose(w, ct, ct_len, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_TAG, "tag 18");
    assert_non_null(strstr(r.checks[CS_CHECK_DECODE].detail, "accreditation"));
    cs_verify_result_clear(&r);
    free(ct);
    /* The issuer refuses to carry such a credential. */
    cs_issuer_t *issuer = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    assert_int_equal(cs_issuer_new(w->cb, w->ac + 1, untagged_ac_len, &issuer, detail,
                                   sizeof(detail)),
                     CS_ERR_CBOR_TAG);
    assert_null(issuer);
    assert_non_null(strstr(detail, "tag 18"));
}

/* The hand-built claims are the library's bytes, and a hand-signed CT with
 * the normal headers verifies: the failures below come from the one thing
 * each case changes. */
static void test_valid_hand_built(void **state)
{
    world *w = *state;
    cs_verify_result r;
    cs_certificate cert;
    cs_accreditation_params ac = default_ac(w);
    uint8_t *mine = NULL, *lib = NULL;
    size_t mine_len = 0, lib_len = 0;

    load_cert(&cert);
    assert_int_equal(helper_certificate_claims(&cert, NULL, &mine, &mine_len), CS_OK);
    assert_int_equal(cs_certificate_encode_claims(&cert, &lib, &lib_len), CS_OK);
    assert_int_equal(mine_len, lib_len);
    assert_memory_equal(mine, lib, lib_len);
    free(mine);
    free(lib);
    assert_int_equal(helper_accreditation_claims(&ac, NULL, &mine, &mine_len), CS_OK);
    assert_int_equal(cs_accreditation_encode_claims(&ac, &lib, &lib_len), CS_OK);
    assert_int_equal(mine_len, lib_len);
    assert_memory_equal(mine, lib, lib_len);
    free(mine);
    free(lib);

    size_t ac_len = 0, ct_len = 0;
    uint8_t *ac_bytes = sign_ac(&ac, w->ab, NULL, NULL, &ac_len);
    helper_header h = ct_header(ac_bytes, ac_len);
    uint8_t *ct = sign_ct(w, &cert, w->cb, &h, NULL, &ct_len);
    verify_cose(w, ct, ct_len, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);
    free(ct);
    free(ac_bytes);
    cs_certificate_clear(&cert);
}

/* Several trust-store keys: the verifier looks at each (DESIGN §2). */
static void test_trust_several_keys(void **state)
{
    world *w = *state;
    cs_key_t *unrelated = new_key(w->alg), *unrelated_other = new_key(w->other_alg);
    const cs_key_t *keys_before[] = {unrelated, unrelated_other, w->ab};
    const cs_key_t *keys_after[] = {w->ab, unrelated, unrelated_other};
    const cs_key_t *const *orders[] = {keys_before, keys_after};
    char *token = issue(w, CS_FORM_OFFLINE, NULL);

    for (size_t i = 0; i < 2; i++) {
        cs_trust_t *trust = trust_of(orders[i], 3);
        cs_verifier_t *verifier = NULL;
        cs_verify_result r;
        assert_int_equal(cs_verifier_new(trust, &verifier), CS_OK);
        cs_verifier_set_time(verifier, T_NOW);
        verify_bytes_with(verifier, token, strlen(token), &r);
        expect_valid(&r);
        cs_verify_result_clear(&r);
        cs_verifier_free(&verifier);
        assert_null(verifier);
        cs_trust_free(&trust);
    }
    free(token);
    cs_key_free(&unrelated);
    cs_key_free(&unrelated_other);
}

/* An AB on one algorithm may accredit a CB on the other. */
static void test_valid_mixed_algorithms(void **state)
{
    world *w = *state;
    cs_key_t *ab = new_key(w->other_alg);
    const cs_key_t *keys[] = {ab};
    cs_trust_t *trust = trust_of(keys, 1);
    cs_verifier_t *verifier = NULL;
    cs_accreditation_params ac = default_ac(w);
    cs_verify_result r;
    size_t ac_len = 0, ct_len = 0;
    uint8_t *ac_bytes = sign_ac(&ac, ab, NULL, NULL, &ac_len);
    uint8_t *ct = typical_ct_with_ac(w, ac_bytes, ac_len, &ct_len);
    const char *text;
    size_t text_len;

    assert_int_equal(cs_verifier_new(trust, &verifier), CS_OK);
    cs_verifier_set_time(verifier, T_NOW);
    assert_int_equal(cs_token_wrap(w->codec, CS_FORM_OFFLINE, NULL, ct, ct_len, &text, &text_len),
                     CS_OK);
    verify_bytes_with(verifier, text, text_len, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);
    cs_verifier_free(&verifier);
    cs_trust_free(&trust);
    free(ct);
    free(ac_bytes);
    cs_key_free(&ab);
}

/* ---- step 2: the accreditation credential --------------------------------- */

static void kid_hex(const cs_key_t *key, char out[2 * CS_KID_SIZE + 1])
{
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", cs_key_kid(key)[i]);
}

static void test_untrusted_ab_key(void **state)
{
    world *w = *state;
    cs_key_t *stranger = new_key(w->alg);
    const cs_key_t *keys[] = {stranger};
    cs_trust_t *trust = trust_of(keys, 1), *empty = NULL;
    cs_verifier_t *verifier = NULL;
    cs_verify_result r;
    char kid[2 * CS_KID_SIZE + 1];
    char *token = issue(w, CS_FORM_OFFLINE, NULL);

    kid_hex(w->ab, kid);
    assert_int_equal(cs_verifier_new(trust, &verifier), CS_OK);
    cs_verifier_set_time(verifier, T_NOW);
    verify_bytes_with(verifier, token, strlen(token), &r);
    expect_failure(&r, CS_VERDICT_UNTRUSTED, CS_CHECK_AC_TRUSTED, CS_ERR_UNTRUSTED, kid);
    assert_false(r.signatures_verified);
    cs_verify_result_clear(&r);
    cs_verifier_free(&verifier);

    /* An empty trust store trusts nobody. */
    assert_int_equal(cs_trust_new(&empty), CS_OK);
    assert_int_equal(cs_verifier_new(empty, &verifier), CS_OK);
    cs_verifier_set_time(verifier, T_NOW);
    verify_bytes_with(verifier, token, strlen(token), &r);
    expect_failure(&r, CS_VERDICT_UNTRUSTED, CS_CHECK_AC_TRUSTED, CS_ERR_UNTRUSTED, kid);
    cs_verify_result_clear(&r);
    cs_verifier_free(&verifier);
    cs_trust_free(&empty);

    cs_trust_free(&trust);
    cs_key_free(&stranger);
    free(token);
}

/* An attacker signs an AC for its own CB key and puts the trusted AB's kid
 * on it: the trusted key is found, and refuses the signature. */
static void test_ac_forged_with_trusted_kid(void **state)
{
    world *w = *state;
    cs_accreditation_params ac = default_ac(w);
    helper_header h = ac_header();
    cs_verify_result r;
    size_t ac_len = 0, ct_len = 0;
    h.kid = cs_key_kid(w->ab);
    uint8_t *forged = sign_ac(&ac, w->attacker, &h, NULL, &ac_len);
    uint8_t *ct = typical_ct_with_ac(w, forged, ac_len, &ct_len);
    char kid[2 * CS_KID_SIZE + 1];

    kid_hex(w->ab, kid);
    verify_cose(w, ct, ct_len, &r);
    expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_AC_SIGNATURE, CS_ERR_SIGNATURE, kid);
    assert_false(r.signatures_verified);
    cs_verify_result_clear(&r);
    free(ct);
    free(forged);
}

/* The embedded credential says it is a certificate token. */
static void test_ac_typ_is_certificate(void **state)
{
    world *w = *state;
    cs_accreditation_params ac = default_ac(w);
    helper_header h = ac_header();
    cs_verify_result r;
    size_t ac_len = 0, ct_len = 0;
    h.typ = CS_TYP_CERTIFICATE;
    uint8_t *bad = sign_ac(&ac, w->ab, &h, NULL, &ac_len);
    uint8_t *ct = typical_ct_with_ac(w, bad, ac_len, &ct_len);
    verify_cose(w, ct, ct_len, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_AC_TYPE, CS_ERR_COSE_TYPE, "cs-cert");
    assert_non_null(strstr(r.checks[CS_CHECK_AC_TYPE].detail, "accreditation credential"));
    cs_verify_result_clear(&r);
    free(ct);
    free(bad);

    /* And one with no typ at all. */
    h.typ = NULL;
    bad = sign_ac(&ac, w->ab, &h, NULL, &ac_len);
    ct = typical_ct_with_ac(w, bad, ac_len, &ct_len);
    verify_cose(w, ct, ct_len, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_AC_TYPE, CS_ERR_COSE_TYPE, "cs-accr");
    cs_verify_result_clear(&r);
    free(ct);
    free(bad);
}

/* An AC handed over as if it were the certificate. */
static void test_ac_presented_as_certificate(void **state)
{
    world *w = *state;
    cs_verify_result r;
    verify_cose(w, w->ac, w->ac_len, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_COSE_TYPE,
                   "accreditation credential");
    cs_verify_result_clear(&r);
}

/* A CT without an embedded AC that is not an AC either. */
static void test_ct_without_accreditation(void **state)
{
    world *w = *state;
    cs_certificate cert;
    helper_header h = ct_header(NULL, 0);
    cs_verify_result r;
    size_t len = 0;
    load_cert(&cert);
    uint8_t *ct = sign_ct(w, &cert, w->cb, &h, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_COSE, "-65537");
    cs_verify_result_clear(&r);
    free(ct);
    cs_certificate_clear(&cert);
}

/* ---- step 3: the certificate token ---------------------------------------- */

/* The CT is signed by a CB key the AC does not name. */
static void test_ct_key_not_accredited(void **state)
{
    world *w = *state;
    cs_key_t *other_cb = new_key(w->alg);
    cs_certificate cert;
    cs_verify_result r;
    size_t len = 0;
    char want[2 * CS_KID_SIZE + 1], got[2 * CS_KID_SIZE + 1];

    kid_hex(w->cb, want);
    kid_hex(other_cb, got);
    load_cert(&cert);
    uint8_t *ct = sign_ct(w, &cert, other_cb, NULL, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_CT_KEY, CS_ERR_KEY_NOT_ACCREDITED,
                   want);
    assert_non_null(strstr(r.checks[CS_CHECK_CT_KEY].detail, got));
    assert_false(r.signatures_verified);
    cs_verify_result_clear(&r);
    free(ct);

    /* A kid of the wrong length is not the accredited key either. */
    helper_header h = ct_header(w->ac, w->ac_len);
    h.kid = cs_key_kid(w->cb);
    h.kid_len = 4;
    ct = sign_ct(w, &cert, w->cb, &h, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_CT_KEY, CS_ERR_KEY_NOT_ACCREDITED,
                   want);
    cs_verify_result_clear(&r);
    free(ct);
    cs_certificate_clear(&cert);
    cs_key_free(&other_cb);
}

/* The CT carries the accredited kid but another key signed it. */
static void test_ct_signed_by_other_key(void **state)
{
    world *w = *state;
    cs_certificate cert;
    helper_header h = ct_header(w->ac, w->ac_len);
    cs_verify_result r;
    size_t len = 0;
    char want[2 * CS_KID_SIZE + 1];

    kid_hex(w->cb, want);
    h.kid = cs_key_kid(w->cb);
    load_cert(&cert);
    uint8_t *ct = sign_ct(w, &cert, w->attacker, &h, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_CT_SIGNATURE, CS_ERR_SIGNATURE, want);
    assert_false(r.signatures_verified);
    cs_verify_result_clear(&r);
    free(ct);
    cs_certificate_clear(&cert);
}

/* DESIGN §3: readers accept kid in the unprotected header, the protected
 * one winning; an unprotected kid can never override the protected one. */
static void test_kid_unprotected(void **state)
{
    world *w = *state;
    cs_key_t *other = new_key(w->alg);
    cs_certificate cert;
    cs_verify_result r;
    size_t len = 0;
    char want[2 * CS_KID_SIZE + 1];

    kid_hex(w->cb, want);
    load_cert(&cert);
    helper_header h = ct_header(w->ac, w->ac_len);
    h.kid_unprotected = true;
    uint8_t *ct = sign_ct(w, &cert, w->cb, &h, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);
    free(ct);

    h = ct_header(w->ac, w->ac_len);
    h.unprotected_kid = cs_key_kid(other);
    ct = sign_ct(w, &cert, w->cb, &h, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);
    free(ct);

    h = ct_header(w->ac, w->ac_len);
    h.kid = cs_key_kid(other);
    h.unprotected_kid = cs_key_kid(w->cb);
    ct = sign_ct(w, &cert, w->cb, &h, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_CT_KEY, CS_ERR_KEY_NOT_ACCREDITED,
                   want);
    cs_verify_result_clear(&r);
    free(ct);

    /* The AB's kid only in the AC's unprotected header is found too. */
    cs_accreditation_params ac = default_ac(w);
    helper_header hac = ac_header();
    size_t ac_len = 0;
    hac.kid_unprotected = true;
    uint8_t *ac_bytes = sign_ac(&ac, w->ab, &hac, NULL, &ac_len);
    ct = typical_ct_with_ac(w, ac_bytes, ac_len, &len);
    verify_cose(w, ct, len, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);
    free(ct);
    free(ac_bytes);
    cs_certificate_clear(&cert);
    cs_key_free(&other);
}

/* The alg cases, on the CT (certificate-signature) and on the AC
 * (accreditation-signature); every object is otherwise correctly signed. */
typedef struct alg_case {
    const char *name;
    helper_alg_mode mode;
    int64_t value;    /* HELPER_ALG_VALUE; 0: the other algorithm */
    const char *text; /* HELPER_ALG_TEXT */
    bool unprotected;
    cs_err err;
    const char *mention;
} alg_case;

static const alg_case ALG_CASES[] = {
    {"alg only unprotected", HELPER_ALG_ABSENT, 0, NULL, true, CS_ERR_ALG_MISSING, "no algorithm"},
    {"no alg at all", HELPER_ALG_ABSENT, 0, NULL, false, CS_ERR_ALG_MISSING, "no algorithm"},
    {"alg of the other key type", HELPER_ALG_VALUE, 0, NULL, false, CS_ERR_ALG_KEY_MISMATCH,
     "key type"},
    {"alg -999", HELPER_ALG_VALUE, -999, NULL, false, CS_ERR_ALG_UNKNOWN, "unknown"},
    {"alg -35 (ES384)", HELPER_ALG_VALUE, -35, NULL, false, CS_ERR_ALG_UNKNOWN, "unknown"},
    {"alg as text", HELPER_ALG_TEXT, 0, "EdDSA", false, CS_ERR_ALG_UNKNOWN, "unknown"},
    {"alg as text, unprotected alg right", HELPER_ALG_TEXT, 0, "ES256", true, CS_ERR_ALG_UNKNOWN,
     "unknown"},
};

static void apply_alg_case(const world *w, const alg_case *c, helper_header *h)
{
    h->alg = c->mode;
    h->alg_value = c->value != 0 ? c->value : w->other_alg;
    h->alg_text = c->text;
    h->unprotected_alg = c->unprotected;
}

static void test_ct_alg_cases(void **state)
{
    world *w = *state;
    cs_certificate cert;
    load_cert(&cert);
    for (size_t i = 0; i < sizeof(ALG_CASES) / sizeof(ALG_CASES[0]); i++) {
        const alg_case *c = &ALG_CASES[i];
        helper_header h = ct_header(w->ac, w->ac_len);
        cs_verify_result r;
        size_t len = 0;
        print_message("CT: %s\n", c->name);
        apply_alg_case(w, c, &h);
        uint8_t *ct = sign_ct(w, &cert, w->cb, &h, NULL, &len);
        verify_cose(w, ct, len, &r);
        expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_CT_SIGNATURE, c->err, c->mention);
        assert_false(r.signatures_verified);
        cs_verify_result_clear(&r);
        free(ct);
    }
    cs_certificate_clear(&cert);
}

static void test_ac_alg_cases(void **state)
{
    world *w = *state;
    cs_accreditation_params ac = default_ac(w);
    for (size_t i = 0; i < sizeof(ALG_CASES) / sizeof(ALG_CASES[0]); i++) {
        const alg_case *c = &ALG_CASES[i];
        helper_header h = ac_header();
        cs_verify_result r;
        size_t ac_len = 0, ct_len = 0;
        print_message("AC: %s\n", c->name);
        apply_alg_case(w, c, &h);
        uint8_t *bad = sign_ac(&ac, w->ab, &h, NULL, &ac_len);
        uint8_t *ct = typical_ct_with_ac(w, bad, ac_len, &ct_len);
        verify_cose(w, ct, ct_len, &r);
        expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_AC_SIGNATURE, c->err, c->mention);
        cs_verify_result_clear(&r);
        free(ct);
        free(bad);
    }
}

static void test_ct_typ_wrong(void **state)
{
    world *w = *state;
    cs_certificate cert;
    const char *typs[] = {NULL, CS_TYP_ACCREDITATION, "cs-cert2"};
    load_cert(&cert);
    for (size_t i = 0; i < 3; i++) {
        helper_header h = ct_header(w->ac, w->ac_len);
        cs_verify_result r;
        size_t len = 0;
        h.typ = typs[i];
        uint8_t *ct = sign_ct(w, &cert, w->cb, &h, NULL, &len);
        verify_cose(w, ct, len, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_CT_TYPE, CS_ERR_COSE_TYPE, "cs-cert");
        assert_false(r.signatures_verified);
        cs_verify_result_clear(&r);
        free(ct);
    }
    cs_certificate_clear(&cert);
}

/* ---- step 4: scope -------------------------------------------------------- */

/* cert changed by the caller, otherwise the typical CT, correctly signed. */
static void verify_changed_cert(world *w, const cs_certificate *cert, cs_verify_result *r)
{
    size_t len = 0;
    uint8_t *ct = sign_ct(w, cert, w->cb, NULL, NULL, &len);
    verify_cose(w, ct, len, r);
    free(ct);
}

static void replace_text(char **field, const char *value)
{
    free(*field);
    *field = strdup(value);
    assert_non_null(*field);
}

static void test_standard_not_accredited(void **state)
{
    world *w = *state;
    cs_certificate cert;
    cs_verify_result r;
    load_cert(&cert);
    replace_text(&cert.standards[0], "ISO 14001:2015");
    verify_changed_cert(w, &cert, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_STANDARD, CS_ERR_STANDARD_NOT_ACCREDITED,
                   "ISO 14001:2015");
    assert_non_null(strstr(r.checks[CS_CHECK_STANDARD].detail, ACC_NO));
    /* Steps 4 and 5 all run: the others passed. */
    assert_int_equal(r.checks[CS_CHECK_IAF_SECTORS].state, CS_CHECK_PASS);
    assert_int_equal(r.checks[CS_CHECK_CT_VALIDITY].state, CS_CHECK_PASS);
    cs_verify_result_clear(&r);

    /* An edition the AC does not list is another standard. */
    replace_text(&cert.standards[0], "ISO 9001:2008");
    verify_changed_cert(w, &cert, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_STANDARD, CS_ERR_STANDARD_NOT_ACCREDITED,
                   "ISO 9001:2008");
    cs_verify_result_clear(&r);
    cs_certificate_clear(&cert);
}

/* An integrated certificate lists several standards (DESIGN §3). */
static void set_standards(cs_certificate *cert, const char *const *list, size_t count)
{
    for (size_t i = 0; i < cert->standard_count; i++)
        free(cert->standards[i]);
    free(cert->standards);
    assert_non_null(cert->standards = calloc(count, sizeof(char *)));
    cert->standard_count = count;
    for (size_t i = 0; i < count; i++)
        assert_non_null(cert->standards[i] = strdup(list[i]));
}

static void test_integrated_certificate(void **state)
{
    static const char *const both[] = {"ISO 9001:2015", "ISO/IEC 27001:2022"};
    static const char *const outside[] = {"ISO 9001:2015", "ISO/IEC 27001:2022", "ISO 14001:2015"};
    world *w = *state;
    cs_certificate cert;
    cs_verify_result r;

    /* Both standards in the AC, transferred and restored: VALID, and the
     * result carries all of it. */
    load_cert(&cert);
    set_standards(&cert, both, 2);
    cert.predecessor.certification_body = strdup("CB-PREVIOUS");
    cert.predecessor.number = strdup("PRV-7");
    cert.restored = cert.issued_at;
    cert.has_restored = true;
    verify_changed_cert(w, &cert, &r);
    expect_valid(&r);
    assert_int_equal(r.certificate.standard_count, 2);
    assert_string_equal(r.certificate.standards[1], "ISO/IEC 27001:2022");
    assert_string_equal(r.certificate.predecessor.certification_body, "CB-PREVIOUS");
    assert_string_equal(r.certificate.predecessor.number, "PRV-7");
    assert_true(r.certificate.has_restored);
    assert_int_equal(r.certificate.restored, cert.issued_at);
    assert_non_null(
        strstr(r.checks[CS_CHECK_STANDARD].detail, "ISO 9001:2015, ISO/IEC 27001:2022 are within"));
    assert_non_null(strstr(r.checks[CS_CHECK_EDITION_CURRENT].detail, "ISO/IEC 27001:2022"));
    cs_verify_result_clear(&r);

    /* One standard outside the AC, the last: NOT_ACCREDITED naming it. */
    set_standards(&cert, outside, 3);
    verify_changed_cert(w, &cert, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_STANDARD, CS_ERR_STANDARD_NOT_ACCREDITED,
                   "ISO 14001:2015 is not among the standards");
    cs_verify_result_clear(&r);
    cs_certificate_clear(&cert);
}

static void test_iaf_not_accredited(void **state)
{
    world *w = *state;
    cs_certificate cert;
    cs_verify_result r;
    load_cert(&cert);
    assert_int_equal(cert.iaf_count, 2);
    cert.iaf_codes[1] = 25;
    verify_changed_cert(w, &cert, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_IAF_SECTORS, CS_ERR_IAF_NOT_ACCREDITED,
                   "IAF sector 25");
    cs_verify_result_clear(&r);
    cs_certificate_clear(&cert);
}

static void test_accreditation_number_mismatch(void **state)
{
    world *w = *state;
    cs_certificate cert;
    cs_verify_result r;
    load_cert(&cert);
    replace_text(&cert.accreditation_number, "UKAS-9999");
    verify_changed_cert(w, &cert, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_ACCREDITATION_NUMBER,
                   CS_ERR_ACCREDITATION_NUMBER, "UKAS-9999");
    assert_non_null(strstr(r.checks[CS_CHECK_ACCREDITATION_NUMBER].detail, ACC_NO));
    cs_verify_result_clear(&r);
    cs_certificate_clear(&cert);
}

static void test_issuer_mismatch(void **state)
{
    world *w = *state;
    cs_certificate cert;
    cs_verify_result r;
    load_cert(&cert);
    replace_text(&cert.issuer, "other-cb.example.org");
    verify_changed_cert(w, &cert, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_ISSUER, CS_ERR_ISSUER_MISMATCH,
                   "other-cb.example.org");
    assert_non_null(strstr(r.checks[CS_CHECK_ISSUER].detail, CB_ID));
    cs_verify_result_clear(&r);
    cs_certificate_clear(&cert);
}

/* ---- step 5: time --------------------------------------------------------- */

/* The typical CT under an AC valid from..to, signed by the AB. */
static void verify_with_ac_period(world *w, int64_t from, int64_t to, cs_verify_result *r)
{
    cs_accreditation_params ac = default_ac(w);
    size_t ac_len = 0, ct_len = 0;
    ac.not_before = from;
    ac.issued_at = from;
    ac.expires = to;
    uint8_t *ac_bytes = sign_ac(&ac, w->ab, NULL, NULL, &ac_len);
    uint8_t *ct = typical_ct_with_ac(w, ac_bytes, ac_len, &ct_len);
    verify_cose(w, ct, ct_len, r);
    free(ct);
    free(ac_bytes);
}

static void test_ac_expired_at_issue(void **state)
{
    world *w = *state;
    cs_verify_result r;
    verify_with_ac_period(w, date("2020-01-01"), date("2026-06-01"), &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_ACCREDITED_AT_ISSUE,
                   CS_ERR_AC_NOT_VALID_AT_ISSUE, "2026-11-21");
    assert_non_null(strstr(r.checks[CS_CHECK_ACCREDITED_AT_ISSUE].detail, "2026-05-31"));
    assert_int_equal(r.checks[CS_CHECK_AC_VALIDITY].state, CS_CHECK_FAIL);
    cs_verify_result_clear(&r);

    /* The exp instant itself is outside: exp is exclusive. */
    verify_with_ac_period(w, date("2020-01-01"), T_ISSUED, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_ACCREDITED_AT_ISSUE,
                   CS_ERR_AC_NOT_VALID_AT_ISSUE, "2026-11-21");
    cs_verify_result_clear(&r);
}

static void test_ac_not_yet_valid_at_issue(void **state)
{
    world *w = *state;
    cs_verify_result r;
    verify_with_ac_period(w, date("2027-01-01"), T_AC_TO, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_ACCREDITED_AT_ISSUE,
                   CS_ERR_AC_NOT_VALID_AT_ISSUE, "2027-01-01");
    /* It is valid now, and so is the certificate. */
    assert_int_equal(r.checks[CS_CHECK_AC_VALIDITY].state, CS_CHECK_PASS);
    assert_int_equal(r.checks[CS_CHECK_CT_VALIDITY].state, CS_CHECK_PASS);
    cs_verify_result_clear(&r);

    /* From the issue day itself is fine. */
    verify_with_ac_period(w, T_ISSUED, T_AC_TO, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);
}

/* Accredited when issued, no longer accredited now, the CT still valid:
 * made by the library's issuer, which accepts it. */
static void test_ac_expired_now(void **state)
{
    world *w = *state;
    cs_accreditation_params ac = default_ac(w);
    cs_issuer_t *issuer = NULL;
    cs_certificate cert;
    cs_verify_result r;
    const char *token = NULL;
    size_t ac_len = 0, token_len = 0;

    ac.expires = date("2027-01-01");
    uint8_t *ac_bytes = NULL;
    assert_int_equal(cs_accreditation_sign(w->ab, &ac, &ac_bytes, &ac_len, NULL, 0), CS_OK);
    assert_int_equal(cs_issuer_new(w->cb, ac_bytes, ac_len, &issuer, NULL, 0), CS_OK);
    assert_int_equal(helper_load_record(RECORD_PATH, &cert), CS_OK);
    assert_int_equal(
        cs_issuer_issue(issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &token_len, NULL, 0),
        CS_OK);
    verify_text(w, token, &r);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_AC_VALIDITY, CS_ERR_AC_EXPIRED,
                   "2026-12-31");
    assert_int_equal(r.checks[CS_CHECK_CT_VALIDITY].state, CS_CHECK_PASS);
    assert_true(r.signatures_verified);
    cs_verify_result_clear(&r);

    /* Verified as of a day inside the accreditation it is valid. */
    cs_verifier_set_time(w->verifier, date("2026-12-15"));
    verify_text(w, token, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);

    cs_certificate_clear(&cert);
    cs_issuer_free(&issuer);
    free(ac_bytes);
}

static void test_ct_expired(void **state)
{
    world *w = *state;
    cs_verify_result r;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);
    cs_verifier_set_time(w->verifier, date("2030-01-01"));
    verify_text(w, token, &r);
    expect_failure(&r, CS_VERDICT_EXPIRED, CS_CHECK_CT_VALIDITY, CS_ERR_EXPIRED, "2029-11-20");
    assert_int_equal(r.checks[CS_CHECK_AC_VALIDITY].state, CS_CHECK_PASS);
    cs_verify_result_clear(&r);
    free(token);
}

static void test_ct_not_yet_valid(void **state)
{
    world *w = *state;
    cs_verify_result r;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);
    cs_verifier_set_time(w->verifier, date("2026-11-01"));
    verify_text(w, token, &r);
    expect_failure(&r, CS_VERDICT_NOT_YET_VALID, CS_CHECK_CT_VALIDITY, CS_ERR_NOT_YET_VALID,
                   "2026-11-21");
    cs_verify_result_clear(&r);
    free(token);
}

static void expect_at(world *w, const char *token, int64_t at, cs_verdict verdict)
{
    cs_verify_result r;
    cs_verifier_set_time(w->verifier, at);
    verify_text(w, token, &r);
    if (verdict == CS_VERDICT_VALID)
        expect_valid(&r);
    else
        expect_failure(&r, verdict, CS_CHECK_CT_VALIDITY, CS_OK, NULL);
    cs_verify_result_clear(&r);
}

static void test_clock_skew(void **state)
{
    world *w = *state;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);

    /* Default: 300 s either side. */
    expect_at(w, token, T_ISSUED - 300, CS_VERDICT_VALID);
    expect_at(w, token, T_ISSUED - 301, CS_VERDICT_NOT_YET_VALID);
    expect_at(w, token, T_CT_EXP + 299, CS_VERDICT_VALID);
    expect_at(w, token, T_CT_EXP + 300, CS_VERDICT_EXPIRED);

    cs_verifier_set_clock_skew(w->verifier, 0);
    expect_at(w, token, T_ISSUED, CS_VERDICT_VALID);
    expect_at(w, token, T_ISSUED - 1, CS_VERDICT_NOT_YET_VALID);
    expect_at(w, token, T_CT_EXP - 1, CS_VERDICT_VALID);
    expect_at(w, token, T_CT_EXP, CS_VERDICT_EXPIRED);

    cs_verifier_set_clock_skew(w->verifier, 3600);
    expect_at(w, token, T_ISSUED - 3600, CS_VERDICT_VALID);
    expect_at(w, token, T_ISSUED - 3601, CS_VERDICT_NOT_YET_VALID);
    expect_at(w, token, T_CT_EXP + 3599, CS_VERDICT_VALID);
    expect_at(w, token, T_CT_EXP + 3600, CS_VERDICT_EXPIRED);

    /* A negative skew is refused and the previous one kept. */
    cs_verifier_set_clock_skew(w->verifier, -10);
    expect_at(w, token, T_ISSUED - 3600, CS_VERDICT_VALID);
    free(token);
}

/* ---- step 1: decoding ----------------------------------------------------- */

static void expect_malformed_text(world *w, const char *text, size_t len, cs_err err)
{
    cs_verify_result r;
    verify_bytes_with(w->verifier, text, len, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, err, NULL);
    assert_int_equal(cs_err_class_of(r.err), CS_ERR_CLASS_MALFORMED);
    assert_false(r.signatures_verified);
    cs_verify_result_clear(&r);
}

static size_t find(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return i;
    fail_msg("bytes not found");
    return 0;
}

/* Flips every byte in cose[from..to) with each mask and verifies the
 * offline form: never VALID; the failing check is one of the allowed. */
static const uint8_t ALL_MASKS[] = {0x01, 0x80, 0xff};

static void flip_each(world *w, const uint8_t *cose, size_t len, size_t from, size_t to,
                      const uint8_t *masks, size_t n_masks, const cs_check_id *allowed,
                      size_t n_allowed, size_t counts[CS_CHECK_COUNT])
{
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    for (size_t i = from; i < to; i++) {
        for (size_t m = 0; m < n_masks; m++) {
            cs_verify_result r;
            bool ok = allowed == NULL;
            memcpy(copy, cose, len);
            copy[i] ^= masks[m];
            verify_cose(w, copy, len, &r);
            if (r.verdict == CS_VERDICT_VALID) {
                print_message("byte %zu ^ 0x%02x still VALID\n", i, masks[m]);
                fail();
            }
            for (size_t k = 0; k < n_allowed && !ok; k++)
                ok = r.failed == allowed[k];
            if (!ok) {
                print_message("byte %zu ^ 0x%02x: ", i, masks[m]);
                show(&r);
                fail();
            }
            assert_true(strlen(r.checks[r.failed].detail) > 0);
            assert_false(r.signatures_verified && r.failed < CS_CHECK_ISSUER);
            counts[r.failed]++;
            cs_verify_result_clear(&r);
        }
    }
    free(copy);
}

static void print_counts(const char *what, const size_t counts[CS_CHECK_COUNT])
{
    print_message("%s:", what);
    for (int id = 0; id < CS_CHECK_COUNT; id++)
        if (counts[id] > 0)
            print_message(" %s %zu", cs_check_name((cs_check_id)id), counts[id]);
    print_message("\n");
}

static uint8_t *typical_cose(world *w, size_t *len)
{
    const uint8_t *cose;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);
    free(token);
    cose = cs_issuer_last_cose(w->issuer, len);
    uint8_t *copy = malloc(*len);
    assert_non_null(copy);
    memcpy(copy, cose, *len);
    return copy;
}

/* Every byte of the CT's payload changed: a signature failure, or a
 * payload that no longer decodes. */
static void test_every_payload_byte(void **state)
{
    world *w = *state;
    static const cs_check_id allowed[] = {CS_CHECK_DECODE, CS_CHECK_CT_SIGNATURE};
    size_t counts[CS_CHECK_COUNT] = {0}, len = 0;
    cs_cose_sign1 msg;
    uint8_t *cose = typical_cose(w, &len);

    assert_int_equal(cs_cose_sign1_decode(cose, len, &msg), CS_OK);
    size_t at = find(cose, len, msg.payload, msg.payload_len);
    size_t payload_len = msg.payload_len;
    cs_cose_sign1_clear(&msg);
    /* The lowest bit: text stays text, numbers stay numbers, so most
     * changes still decode and only the signature catches them. */
    static const uint8_t low_bit[] = {0x01};
    flip_each(w, cose, len, at, at + payload_len, low_bit, 1, allowed, 2, counts);
    print_counts("payload ^ 0x01", counts);
    assert_true(counts[CS_CHECK_CT_SIGNATURE] > counts[CS_CHECK_DECODE]);
    assert_true(counts[CS_CHECK_DECODE] > 0);
    memset(counts, 0, sizeof(counts));
    flip_each(w, cose, len, at, at + payload_len, ALL_MASKS + 1, 2, allowed, 2, counts);
    print_counts("payload ^ 0x80, 0xff", counts);
    free(cose);
}

static void test_every_signature_byte(void **state)
{
    world *w = *state;
    static const cs_check_id allowed[] = {CS_CHECK_CT_SIGNATURE};
    size_t counts[CS_CHECK_COUNT] = {0}, len = 0;
    uint8_t *cose = typical_cose(w, &len);
    /* The signature is the last 64 bytes (bstr head 0x58 0x40 before it). */
    assert_int_equal(cose[len - 66], 0x58);
    assert_int_equal(cose[len - 65], 0x40);
    flip_each(w, cose, len, len - 64, len, ALL_MASKS, 3, allowed, 1, counts);
    print_counts("signature", counts);
    assert_int_equal(counts[CS_CHECK_CT_SIGNATURE], 64 * 3);
    free(cose);
}

/* Any byte of the whole COSE_Sign1 (headers, embedded AC, payload,
 * signature): never VALID, never a crash. */
static void test_every_cose_byte(void **state)
{
    world *w = *state;
    size_t counts[CS_CHECK_COUNT] = {0}, len = 0;
    uint8_t *cose = typical_cose(w, &len);
    flip_each(w, cose, len, 0, len, ALL_MASKS, 3, NULL, 0, counts);
    print_counts("whole COSE", counts);
    assert_true(counts[CS_CHECK_AC_SIGNATURE] > 0);
    assert_true(counts[CS_CHECK_CT_SIGNATURE] > 0);
    free(cose);
}

static void test_truncated(void **state)
{
    world *w = *state;
    size_t len = 0;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);
    size_t n = strlen(token);
    size_t cuts[] = {0, 1, 3, 4, 5, 6, 7, 10, 50, n / 2, n / 2 + 1, n / 2 + 2, n - 3, n - 2, n - 1};

    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
        expect_malformed_text(w, token, cuts[i], CS_OK);
    free(token);

    /* Raw COSE cut anywhere. */
    uint8_t *cose = typical_cose(w, &len);
    for (size_t cut = 1; cut < len; cut++) {
        cs_verify_result r;
        verify_bytes_with(w->verifier, cose, cut, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_OK, NULL);
        cs_verify_result_clear(&r);
    }
    /* Raw COSE cut, then wrapped as a whole offline token. */
    for (size_t cut = 1; cut < len; cut += 7) {
        cs_verify_result r;
        verify_cose(w, cose, cut, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_OK, NULL);
        cs_verify_result_clear(&r);
    }
    free(cose);
}

static void test_trailing_bytes_in_zlib(void **state)
{
    world *w = *state;
    cs_verify_result r;
    size_t len = 0;
    uint8_t *cose = typical_cose(w, &len);
    uint8_t *longer = malloc(len + 1);
    assert_non_null(longer);
    memcpy(longer, cose, len);
    longer[len] = 0x00;
    verify_cose(w, longer, len + 1, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_TRAILING, "trailing");
    cs_verify_result_clear(&r);
    /* And raw. */
    verify_bytes_with(w->verifier, longer, len + 1, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_TRAILING, NULL);
    cs_verify_result_clear(&r);
    free(longer);
    free(cose);
}

static void test_trailing_bytes_after_zlib(void **state)
{
    world *w = *state;
    static const uint8_t one[] = {0x00}, many[] = {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    size_t len = 0;
    char *text = NULL;
    uint8_t *cose = typical_cose(w, &len);

    /* Control: the hand-made offline form without a trailer is VALID. */
    cs_verify_result r;
    assert_int_equal(helper_offline_text(cose, len, NULL, 0, &text), CS_OK);
    verify_text(w, text, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);
    free(text);

    assert_int_equal(helper_offline_text(cose, len, one, sizeof(one), &text), CS_OK);
    verify_text(w, text, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_INFLATE, "compressed");
    cs_verify_result_clear(&r);
    free(text);
    /* A second (empty) zlib stream after the first. */
    assert_int_equal(helper_offline_text(cose, len, many, sizeof(many), &text), CS_OK);
    verify_text(w, text, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_INFLATE, NULL);
    cs_verify_result_clear(&r);
    free(text);
    free(cose);
}

static void test_bad_base45_character(void **state)
{
    world *w = *state;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);
    size_t n = strlen(token);
    size_t positions[] = {4, 5, 6, n / 2, n - 1};
    const char bad[] = {'a', '#', 'z', '_'};

    for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
        for (size_t k = 0; k < sizeof(bad); k++) {
            char *copy = strdup(token);
            cs_verify_result r;
            assert_non_null(copy);
            copy[positions[i]] = bad[k];
            verify_text(w, copy, &r);
            expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_BASE45, "offline");
            cs_verify_result_clear(&r);
            free(copy);
        }
    }
    free(token);
}

static void test_inflate_bomb(void **state)
{
    world *w = *state;
    size_t big = 1024 * 1024;
    uint8_t *zeros = calloc(1, big);
    char *text = NULL;
    cs_verify_result r;
    assert_non_null(zeros);
    assert_int_equal(helper_offline_text(zeros, big, NULL, 0, &text), CS_OK);
    assert_true(strlen(text) < CS_TOKEN_TEXT_MAX);
    verify_text(w, text, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_INFLATE_LIMIT, "64 KiB");
    cs_verify_result_clear(&r);
    free(text);
    /* One byte past the cap too. */
    assert_int_equal(helper_offline_text(zeros, CS_INFLATE_MAX + 1, NULL, 0, &text), CS_OK);
    verify_text(w, text, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_INFLATE_LIMIT, NULL);
    cs_verify_result_clear(&r);
    free(text);
    free(zeros);
}

/* The typical CT with its claims changed by ov, correctly signed. */
static void verify_ct_override(world *w, const helper_override *ov, cs_verify_result *r)
{
    cs_certificate cert;
    size_t len = 0;
    load_cert(&cert);
    uint8_t *ct = sign_ct(w, &cert, w->cb, NULL, ov, &len);
    verify_cose(w, ct, len, r);
    free(ct);
    cs_certificate_clear(&cert);
}

/* The typical CT carrying an AC with claims changed by ov, signed by the AB. */
static void verify_ac_override(world *w, const helper_override *ov, cs_verify_result *r)
{
    cs_accreditation_params ac = default_ac(w);
    size_t ac_len = 0, ct_len = 0;
    uint8_t *ac_bytes = sign_ac(&ac, w->ab, NULL, ov, &ac_len);
    uint8_t *ct = typical_ct_with_ac(w, ac_bytes, ac_len, &ct_len);
    verify_cose(w, ct, ct_len, r);
    free(ct);
    free(ac_bytes);
}

/* An extra claim 99 holding `arrays` nested arrays: the claims map is one
 * level, so the item is 1 + arrays deep. */
static void verify_nested_claim(world *w, size_t arrays, bool in_ac, cs_verify_result *r)
{
    uint8_t extra[64];
    size_t n = 0;
    extra[n++] = 0x18;
    extra[n++] = 99;
    for (size_t i = 0; i + 1 < arrays; i++)
        extra[n++] = 0x81;
    extra[n++] = 0x80;
    helper_override ov = {.extra = extra, .extra_len = n, .extra_pairs = 1};
    if (in_ac)
        verify_ac_override(w, &ov, r);
    else
        verify_ct_override(w, &ov, r);
}

static void test_cbor_depth(void **state)
{
    world *w = *state;
    cs_verify_result r;
    for (int in_ac = 0; in_ac < 2; in_ac++) {
        /* At the cap (16 levels) the claim decodes and, unknown, is refused
         * as such. */
        verify_nested_claim(w, CS_CBOR_MAX_DEPTH - 1, in_ac, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CLAIM_INVALID,
                       "unknown claim 99");
        cs_verify_result_clear(&r);
        verify_nested_claim(w, CS_CBOR_MAX_DEPTH, in_ac, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_DEPTH, "deeper");
        cs_verify_result_clear(&r);
        verify_nested_claim(w, 40, in_ac, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_DEPTH, NULL);
        cs_verify_result_clear(&r);
    }
}

static void test_duplicate_keys(void **state)
{
    world *w = *state;
    static const uint8_t iss_again[] = {0x01, 0x61, 'x'};
    static const uint8_t exp_again[] = {0x04, 0x00};
    helper_override ov = {.extra = iss_again, .extra_len = sizeof(iss_again), .extra_pairs = 1};
    cs_verify_result r;

    verify_ct_override(w, &ov, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_DUPLICATE_KEY,
                   "duplicate");
    cs_verify_result_clear(&r);
    verify_ac_override(w, &ov, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_DUPLICATE_KEY,
                   "accreditation");
    cs_verify_result_clear(&r);
    ov.extra = exp_again;
    ov.extra_len = sizeof(exp_again);
    verify_ct_override(w, &ov, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_DUPLICATE_KEY, NULL);
    cs_verify_result_clear(&r);

    /* A duplicate key inside the certificate map. */
    static const uint8_t cert_map_dup[] = {0xa2, 0x63, 's', 't', 'd',  0x61, 'x',
                                           0x63, 's',  't', 'd', 0x61, 'y'};
    helper_override inner = {
        .claim = "-65537", .encoded = cert_map_dup, .encoded_len = sizeof(cert_map_dup)};
    verify_ct_override(w, &inner, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_DUPLICATE_KEY, NULL);
    cs_verify_result_clear(&r);

    /* In the protected header of the CT, and of the AC. */
    cs_certificate cert;
    helper_header h = ct_header(w->ac, w->ac_len);
    size_t len = 0, ac_len = 0;
    h.duplicate_typ = true;
    load_cert(&cert);
    uint8_t *ct = sign_ct(w, &cert, w->cb, &h, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_DUPLICATE_KEY,
                   "certificate token");
    cs_verify_result_clear(&r);
    free(ct);

    cs_accreditation_params ac = default_ac(w);
    helper_header hac = ac_header();
    hac.duplicate_typ = true;
    uint8_t *ac_bytes = sign_ac(&ac, w->ab, &hac, NULL, &ac_len);
    ct = typical_ct_with_ac(w, ac_bytes, ac_len, &len);
    verify_cose(w, ct, len, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_DUPLICATE_KEY,
                   "accreditation credential");
    cs_verify_result_clear(&r);
    free(ct);
    free(ac_bytes);
    cs_certificate_clear(&cert);
}

static void test_indefinite_lengths(void **state)
{
    world *w = *state;
    static const uint8_t indefinite_text[] = {0x7f, 0x61, 'x', 0xff};
    static const uint8_t indefinite_array[] = {0x9f, 0x11, 0x12, 0xff};
    static const uint8_t indefinite_map[] = {0xbf, 0x63, 'n', 'a', 'm', 0x61, 'x', 0xff};
    cs_verify_result r;

    helper_override top = {.indefinite = true};
    verify_ct_override(w, &top, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_INDEFINITE, "indefinite");
    cs_verify_result_clear(&r);
    verify_ac_override(w, &top, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_INDEFINITE,
                   "accreditation");
    cs_verify_result_clear(&r);

    helper_override iss = {
        .claim = "iss", .encoded = indefinite_text, .encoded_len = sizeof(indefinite_text)};
    verify_ct_override(w, &iss, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_INDEFINITE, NULL);
    cs_verify_result_clear(&r);
    helper_override iaf = {
        .claim = "iaf", .encoded = indefinite_array, .encoded_len = sizeof(indefinite_array)};
    verify_ct_override(w, &iaf, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_INDEFINITE, NULL);
    cs_verify_result_clear(&r);
    helper_override org = {
        .claim = "org", .encoded = indefinite_map, .encoded_len = sizeof(indefinite_map)};
    verify_ct_override(w, &org, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_INDEFINITE, NULL);
    cs_verify_result_clear(&r);
    verify_ac_override(w, &iaf, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_INDEFINITE, NULL);
    cs_verify_result_clear(&r);

    /* The COSE_Sign1 array itself, 18([_ ...]). */
    size_t len = 0;
    uint8_t *cose = typical_cose(w, &len);
    uint8_t *indef = malloc(len + 1);
    assert_non_null(indef);
    memcpy(indef, cose, len);
    assert_int_equal(indef[0], 0xd2);
    assert_int_equal(indef[1], 0x84);
    indef[1] = 0x9f;
    indef[len] = 0xff;
    verify_cose(w, indef, len + 1, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_INDEFINITE, NULL);
    cs_verify_result_clear(&r);
    free(indef);
    free(cose);
}

/* ---- wrong CBOR types, claim by claim ------------------------------------- */

typedef struct type_case {
    const char *claim;
    uint8_t encoded[4];
    size_t len;
    const char *mention;
} type_case;

#define UINT7 {0x07}, 1
#define TEXT_X {0x61, 'x'}, 2
#define BYTES_X {0x41, 'x'}, 2
#define NEG1 {0x20}, 1
#define TRUE_ {0xf5}, 1
#define NULL_ {0xf6}, 1
#define HALF_1 {0xf9, 0x3c, 0x00}, 3
#define EMPTY_ARRAY {0x80}, 1
#define EMPTY_MAP {0xa0}, 1
#define ARRAY_OF_7 {0x81, 0x07}, 2
#define ARRAY_OF_X {0x81, 0x61, 'x'}, 3
#define ARRAY_OF_NEG {0x81, 0x20}, 2

static const type_case CT_TYPE_CASES[] = {
    {"iss", UINT7, "claim iss:"},
    {"iss", BYTES_X, "claim iss:"},
    {"iss", TRUE_, "claim iss:"},
    {"sub", UINT7, "claim sub:"},
    {"sub", EMPTY_ARRAY, "claim sub:"},
    {"exp", TEXT_X, "claim exp:"},
    {"exp", NEG1, "claim exp:"},
    {"exp", HALF_1, "claim exp:"},
    {"iat", TEXT_X, "claim iat:"},
    {"iat", NULL_, "claim iat:"},
    {"-65537", EMPTY_ARRAY, "claim -65537:"},
    {"-65537", TEXT_X, "claim -65537:"},
    {"std", UINT7, "claim std:"},
    {"std", TEXT_X, "claim std:"},
    {"std", ARRAY_OF_7, "claim std:"},
    {"org", EMPTY_ARRAY, "claim org:"},
    {"org", TEXT_X, "claim org:"},
    {"org.nam", UINT7, "claim org.nam:"},
    {"org.ctr", UINT7, "claim org.ctr:"},
    {"org.ctr", BYTES_X, "claim org.ctr:"},
    {"org.adr", NULL_, "claim org.adr:"},
    {"scp", UINT7, "claim scp:"},
    {"sit", TEXT_X, "claim sit:"},
    {"sit", EMPTY_MAP, "claim sit:"},
    {"sit", ARRAY_OF_7, "claim sit:"},
    {"sit.adr", UINT7, "claim sit.adr:"},
    {"sit.scp", TRUE_, "claim sit.scp:"},
    {"iaf", TEXT_X, "claim iaf:"},
    {"iaf", ARRAY_OF_X, "claim iaf:"},
    {"iaf", ARRAY_OF_NEG, "claim iaf:"},
    {"grt", TEXT_X, "claim grt:"},
    {"grt", NEG1, "claim grt:"},
    {"rev", TEXT_X, "claim rev:"},
    {"rev", NEG1, "claim rev:"},
    {"acc", UINT7, "claim acc:"},
    {"acc", EMPTY_MAP, "claim acc:"},
    {"prd", TEXT_X, "claim prd:"},
    {"prd", EMPTY_ARRAY, "claim prd:"},
    {"prd.cb", UINT7, "claim prd.cb:"},
    {"prd.no", BYTES_X, "claim prd.no:"},
    {"rst", TEXT_X, "claim rst:"},
    {"rst", NEG1, "claim rst:"},
};

static const type_case AC_TYPE_CASES[] = {
    {"iss", UINT7, "claim iss:"},
    {"sub", BYTES_X, "claim sub:"},
    {"exp", TEXT_X, "claim exp:"},
    {"exp", NEG1, "claim exp:"},
    {"nbf", TEXT_X, "claim nbf:"},
    {"iat", TEXT_X, "claim iat:"},
    {"cnf", EMPTY_ARRAY, "claim cnf:"},
    {"cnf", TEXT_X, "claim cnf:"},
    {"cnf.1", UINT7, "claim cnf:"},
    {"cnf.1", BYTES_X, "claim cnf:"},
    {"-65538", EMPTY_ARRAY, "claim -65538:"},
    {"nam", UINT7, "claim nam:"},
    {"no", UINT7, "claim no:"},
    {"no", NEG1, "claim no:"},
    {"ctr", UINT7, "claim ctr:"},
    {"std", TEXT_X, "claim std:"},
    {"std", ARRAY_OF_7, "claim std:"},
    {"iaf", TEXT_X, "claim iaf:"},
    {"iaf", ARRAY_OF_X, "claim iaf:"},
};

/* The typical CT with one site, transferred and restored, so that the
 * site, predecessor and restoration claims exist. */
static void load_cert_with_site(cs_certificate *cert)
{
    load_cert(cert);
    cert->predecessor.certification_body = strdup("CB-PREVIOUS");
    cert->predecessor.number = strdup("PRV-1");
    assert_non_null(cert->predecessor.number);
    cert->restored = cert->issued_at;
    cert->has_restored = true;
    cert->sites = calloc(1, sizeof(*cert->sites));
    assert_non_null(cert->sites);
    cert->sites[0].address = strdup("Unit 5, Riverside Park, Sheffield S9 2RX");
    cert->sites[0].scope = strdup("Machining");
    cert->site_count = 1;
}

static void test_ct_claim_types(void **state)
{
    world *w = *state;
    cs_certificate cert;
    cs_verify_result r;
    size_t len = 0;

    load_cert_with_site(&cert);
    /* Control: unchanged, it is VALID. */
    uint8_t *ct = sign_ct(w, &cert, w->cb, NULL, NULL, &len);
    verify_cose(w, ct, len, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);
    free(ct);

    for (size_t i = 0; i < sizeof(CT_TYPE_CASES) / sizeof(CT_TYPE_CASES[0]); i++) {
        const type_case *c = &CT_TYPE_CASES[i];
        helper_override ov = {.claim = c->claim, .encoded = c->encoded, .encoded_len = c->len};
        print_message("CT claim %s = %02x...\n", c->claim, c->encoded[0]);
        ct = sign_ct(w, &cert, w->cb, NULL, &ov, &len);
        verify_cose(w, ct, len, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_TYPE, c->mention);
        assert_non_null(strstr(r.checks[CS_CHECK_DECODE].detail, "certificate"));
        assert_false(r.has_certificate);
        cs_verify_result_clear(&r);
        free(ct);
    }
    cs_certificate_clear(&cert);
}

static void test_ac_claim_types(void **state)
{
    world *w = *state;
    for (size_t i = 0; i < sizeof(AC_TYPE_CASES) / sizeof(AC_TYPE_CASES[0]); i++) {
        const type_case *c = &AC_TYPE_CASES[i];
        helper_override ov = {.claim = c->claim, .encoded = c->encoded, .encoded_len = c->len};
        cs_verify_result r;
        print_message("AC claim %s = %02x...\n", c->claim, c->encoded[0]);
        verify_ac_override(w, &ov, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_TYPE, c->mention);
        assert_non_null(strstr(r.checks[CS_CHECK_DECODE].detail, "accreditation"));
        cs_verify_result_clear(&r);
    }
}

/* Texts whose form DESIGN §3 fixes: a country is ISO 3166-1 alpha-2 (two
 * capital letters), a standard designation carries its edition
 * ("ISO 9001:2015").  Well-typed but of another form, each is MALFORMED,
 * in the CT and in the AC. */
static void test_claim_formats(void **state)
{
    static const uint8_t lower_country[] = {0x62, 'g', 'b'};
    static const uint8_t three_letters[] = {0x63, 'G', 'B', 'R'};
    static const uint8_t no_edition[] = {0x81, 0x68, 'I', 'S', 'O', ' ', '9', '0', '0', '1'};
    static const uint8_t short_edition[] = {0x81, 0x6b, 'I', 'S', 'O', ' ', '9', '0',
                                            '0', '1', ':', '1', '5'};
    static const struct {
        bool accreditation;
        const char *claim;
        const uint8_t *encoded;
        size_t len;
        const char *mention;
    } cases[] = {
        {false, "org.ctr", lower_country, sizeof(lower_country), "ISO 3166-1"},
        {false, "org.ctr", three_letters, sizeof(three_letters), "ISO 3166-1"},
        {false, "std", no_edition, sizeof(no_edition), "edition"},
        {false, "std", short_edition, sizeof(short_edition), "edition"},
        {true, "ctr", lower_country, sizeof(lower_country), "ISO 3166-1"},
        {true, "ctr", three_letters, sizeof(three_letters), "ISO 3166-1"},
        {true, "std", no_edition, sizeof(no_edition), "edition"},
    };
    world *w = *state;
    cs_verify_result r;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        helper_override ov = {.claim = cases[i].claim,
                              .encoded = cases[i].encoded,
                              .encoded_len = cases[i].len};
        print_message("%s claim %s\n", cases[i].accreditation ? "AC" : "CT", cases[i].claim);
        if (cases[i].accreditation)
            verify_ac_override(w, &ov, &r);
        else
            verify_ct_override(w, &ov, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CLAIM_INVALID,
                       cases[i].mention);
        assert_non_null(strstr(r.checks[CS_CHECK_DECODE].detail,
                               cases[i].accreditation ? "accreditation" : "certificate"));
        cs_verify_result_clear(&r);
    }
}

/* ---- claims the verifier does not know, nbf -------------------------------- */

/* Claims format 1 does not define, in the CT and in the AC: an integer one
 * (standard or private label) and a text one.  Each is MALFORMED. */
static void test_unknown_claims(void **state)
{
    static const uint8_t cti[] = {0x07, 0x41, 0x01};                      /* 7: h'01' */
    static const uint8_t private_label[] = {0x3a, 0x00, 0x01, 0x00, 0x03, /* -65540: 0 */
                                            0x00};
    static const uint8_t text_key[] = {0x63, 'n', 'e', 'w', 0x00}; /* "new": 0 */
    static const struct {
        const uint8_t *extra;
        size_t len;
        const char *mention;
    } cases[] = {{cti, sizeof(cti), "unknown claim 7"},
                 {private_label, sizeof(private_label), "unknown claim -65540"},
                 {text_key, sizeof(text_key), "unknown claim \"new\""}};
    world *w = *state;
    cs_verify_result r;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        helper_override ov = {.extra = cases[i].extra, .extra_len = cases[i].len, .extra_pairs = 1};
        verify_ct_override(w, &ov, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CLAIM_INVALID,
                       cases[i].mention);
        assert_non_null(strstr(r.checks[CS_CHECK_DECODE].detail, "certificate"));
        cs_verify_result_clear(&r);
        verify_ac_override(w, &ov, &r);
        expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CLAIM_INVALID,
                       cases[i].mention);
        assert_non_null(strstr(r.checks[CS_CHECK_DECODE].detail, "accreditation"));
        cs_verify_result_clear(&r);
    }
}

/* The typical CT with claim 5 (nbf) = at. */
static void verify_ct_with_nbf(world *w, int64_t at, cs_verify_result *r)
{
    uint8_t extra[6] = {
        0x05, 0x1a, (uint8_t)(at >> 24), (uint8_t)(at >> 16), (uint8_t)(at >> 8), (uint8_t)at};
    helper_override ov = {.extra = extra, .extra_len = sizeof(extra), .extra_pairs = 1};
    assert_true(at >= 0 && at <= 0xffffffff);
    verify_ct_override(w, &ov, r);
}

/* A CT's nbf applies like its iat (DESIGN §2 step 5): the later of the two
 * starts the validity, with the same clock skew. */
static void test_ct_nbf(void **state)
{
    world *w = *state;
    cs_verify_result r;

    verify_ct_with_nbf(w, date("2100-01-01"), &r);
    expect_failure(&r, CS_VERDICT_NOT_YET_VALID, CS_CHECK_CT_VALIDITY, CS_ERR_NOT_YET_VALID,
                   "2100-01-01");
    assert_true(r.certificate.has_not_before);
    assert_int_equal(r.certificate.not_before, date("2100-01-01"));
    cs_verify_result_clear(&r);

    /* nbf after iat, within the validity: NOT_YET_VALID until then. */
    verify_ct_with_nbf(w, date("2027-07-01"), &r);
    expect_failure(&r, CS_VERDICT_NOT_YET_VALID, CS_CHECK_CT_VALIDITY, CS_ERR_NOT_YET_VALID,
                   "2027-07-01");
    cs_verify_result_clear(&r);
    cs_verifier_set_time(w->verifier, date("2027-07-01") - CS_DEFAULT_CLOCK_SKEW);
    verify_ct_with_nbf(w, date("2027-07-01"), &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);

    /* nbf before iat: iat still rules. */
    cs_verifier_set_time(w->verifier, date("2026-11-01"));
    verify_ct_with_nbf(w, date("2020-01-01"), &r);
    expect_failure(&r, CS_VERDICT_NOT_YET_VALID, CS_CHECK_CT_VALIDITY, CS_ERR_NOT_YET_VALID,
                   "2026-11-21");
    cs_verify_result_clear(&r);
    cs_verifier_set_time(w->verifier, T_NOW);
    verify_ct_with_nbf(w, date("2020-01-01"), &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);

    /* nbf must be a NumericDate like iat. */
    static const uint8_t text_nbf[] = {0x05, 0x61, 'x'};
    helper_override ov = {.extra = text_nbf, .extra_len = sizeof(text_nbf), .extra_pairs = 1};
    verify_ct_override(w, &ov, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CBOR_TYPE, "nbf");
    cs_verify_result_clear(&r);
}

/* The library writes nbf when asked (DESIGN §3 order: after exp) and reads
 * it back. */
static void test_ct_nbf_round_trip(void **state)
{
    cs_certificate cert, back;
    uint8_t *claims = NULL;
    size_t len = 0;
    (void)state;

    load_cert(&cert);
    assert_int_equal(cs_certificate_encode_claims(&cert, &claims, &len), CS_OK);
    assert_int_equal(cs_certificate_decode_claims(claims, len, &back, NULL, 0), CS_OK);
    assert_false(back.has_not_before);
    cs_certificate_clear(&back);
    free(claims);
    cert.has_not_before = true;
    cert.not_before = date("2027-01-01");
    assert_int_equal(cs_certificate_encode_claims(&cert, &claims, &len), CS_OK);
    assert_int_equal(cs_certificate_decode_claims(claims, len, &back, NULL, 0), CS_OK);
    assert_true(back.has_not_before);
    assert_int_equal(back.not_before, cert.not_before);
    cs_certificate_clear(&back);
    free(claims);
    cs_certificate_clear(&cert);
}

/* ---- small-order keys (RFC 8032 §5.1.7) ----------------------------------- */

/* DESIGN §3: cnf is {1: COSE_Key}, the COSE_Key exactly {1:1, -1:6, -2:x}
 * or {1:2, -1:1, -2:x, -3:y} (as a trust list's keys are read).  The CB's
 * own key with one more label (an alg, or a private d), or a cnf with one
 * more member, is MALFORMED. */
static void test_ac_cnf_shape(void **state)
{
    world *w = *state;
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE], key[128], cnf[160];
    size_t n = 0;
    bool okp = w->alg == CS_ALG_EDDSA;
    cs_verify_result r;

    assert_int_equal(cs_key_public_coordinates(w->cb, x, y), CS_OK);
    /* {1: kty, -1: crv, -2: x, (-3: y,) 3: alg} */
    key[n++] = okp ? 0xa4 : 0xa5;
    key[n++] = 0x01, key[n++] = okp ? 0x01 : 0x02;
    key[n++] = 0x20, key[n++] = okp ? 0x06 : 0x01;
    key[n++] = 0x21, key[n++] = 0x58, key[n++] = 0x20;
    memcpy(key + n, x, sizeof(x)), n += sizeof(x);
    if (!okp) {
        key[n++] = 0x22, key[n++] = 0x58, key[n++] = 0x20;
        memcpy(key + n, y, sizeof(y)), n += sizeof(y);
    }
    key[n++] = 0x03, key[n++] = okp ? 0x27 : 0x26;
    helper_override ov = {.claim = "cnf.1", .encoded = key, .encoded_len = n};
    verify_ac_override(w, &ov, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_KEY_TYPE, "cnf");
    cs_verify_result_clear(&r);

    /* The same with -4 (d, a private key's scalar) in place of the alg. */
    n -= 2;
    key[n++] = 0x23, key[n++] = 0x41, key[n++] = 0x00;
    ov.encoded_len = n;
    verify_ac_override(w, &ov, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_KEY_TYPE, "cnf");
    cs_verify_result_clear(&r);

    /* The right COSE_Key, and cnf {1: COSE_Key, 3: h'00'} (a kid beside it). */
    n -= 3;
    key[0]--;
    cnf[0] = 0xa2, cnf[1] = 0x01;
    memcpy(cnf + 2, key, n);
    cnf[2 + n] = 0x03, cnf[3 + n] = 0x41, cnf[4 + n] = 0x00;
    helper_override control = {.claim = "cnf.1", .encoded = key, .encoded_len = n};
    verify_ac_override(w, &control, &r);
    assert_string_equal(cs_verdict_name(r.verdict), "VALID");
    cs_verify_result_clear(&r);
    helper_override extra = {.claim = "cnf", .encoded = cnf, .encoded_len = n + 5};
    verify_ac_override(w, &extra, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CLAIM_INVALID, "cnf");
    cs_verify_result_clear(&r);
}

/*
 * The forgery: the AB (by mistake) accredits the Ed25519 identity point as
 * the CB key, and a CT "signed" 01 00..00 || 00..00 verifies over any
 * content.  The AC's own signature passes; the certificate key check
 * refuses the key, so the verdict is INVALID_SIGNATURE.  An AC by an
 * untrusted AB naming such a key stays UNTRUSTED.
 */
static void test_ac_names_small_order_key(void **state)
{
    static const uint8_t identity_key[] = {
        0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20, /* {1: 1, -1: 6, -2: h'01 00..00'} */
        0x01, 0,    0,    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0,
        0,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t identity_spki[] = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, 0x01, 0,
        0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
        0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0};
    world *w = *state;
    cs_accreditation_params ac = default_ac(w);
    helper_override ov = {
        .claim = "cnf.1", .encoded = identity_key, .encoded_len = sizeof(identity_key)};
    uint8_t digest[CS_SHA256_SIZE];
    cs_certificate cert;
    cs_verify_result r;
    size_t ac_len = 0, ct_len = 0;

    assert_int_equal(cs_crypto_sha256(identity_spki, sizeof(identity_spki), digest), CS_OK);
    for (int trusted = 1; trusted >= 0; trusted--) {
        uint8_t *ac_bytes = sign_ac(&ac, trusted ? w->ab : w->attacker, NULL, &ov, &ac_len);
        helper_header h = ct_header(ac_bytes, ac_len);
        h.kid = digest; /* the kid of the identity key, as the AC names it */
        load_cert(&cert);
        uint8_t *ct = sign_ct(w, &cert, w->cb, &h, NULL, &ct_len);
        cs_certificate_clear(&cert);
        /* The signature bstr is the last 64 bytes: 01 00..00 || 00..00. */
        memset(ct + ct_len - 64, 0, 64);
        ct[ct_len - 64] = 0x01;
        verify_cose(w, ct, ct_len, &r);
        if (trusted)
            expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_CT_KEY, CS_ERR_KEY_WEAK,
                           "small order");
        else
            expect_failure(&r, CS_VERDICT_UNTRUSTED, CS_CHECK_AC_TRUSTED, CS_ERR_UNTRUSTED, NULL);
        assert_false(r.signatures_verified);
        cs_verify_result_clear(&r);
        free(ct);
        free(ac_bytes);
    }
}

/* tests/data/tokens/<case>.token beside <case>.txt (line 1 why, line 2
 * the verdict, line 3 the trust store file), verified as of 2027-01-01. */
#define TOKEN_DIR "tests/data/tokens"

static void read_small_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void test_token_files(void **state)
{
    cs_file_list files;
    size_t cases = 0;
    (void)state;

    assert_int_equal(helper_list_suffix(TOKEN_DIR, ".token", &files), CS_OK);
    for (size_t i = 0; i < files.count; i++) {
        const char *token_path = files.paths[i];
        size_t n = strlen(token_path);
        char path[512], why[1024], token[4096], verdict[64] = "", trust_file[64] = "";
        cs_trust_t *trust = NULL;
        cs_verifier_t *verifier = NULL;
        cs_verify_result r;
        char detail[CS_DETAIL_SIZE];
        snprintf(path, sizeof(path), "%.*s.txt", (int)(n - 6), token_path);
        read_small_file(path, why, sizeof(why));
        const char *line2 = strchr(why, '\n');
        assert_non_null(line2);
        assert_int_equal(sscanf(line2 + 1, "%63s %63s", verdict, trust_file), 2);
        snprintf(path, sizeof(path), "%s/%s", TOKEN_DIR, trust_file);
        assert_int_equal(cs_trust_new(&trust), CS_OK);
        assert_int_equal(cs_trust_load(trust, path, detail, sizeof(detail)), CS_OK);
        assert_int_equal(cs_verifier_new(trust, &verifier), CS_OK);
        cs_verifier_set_time(verifier, date("2027-01-01"));

        snprintf(path, sizeof(path), "%s", token_path);
        read_small_file(path, token, sizeof(token));
        token[strcspn(token, "\n")] = '\0';
        verify_bytes_with(verifier, token, strlen(token), &r);
        if (strcmp(cs_verdict_name(r.verdict), verdict) != 0) {
            show(&r);
            fail_msg("%s: expected %s, got %s", path, verdict, cs_verdict_name(r.verdict));
        }
        cs_verify_result_clear(&r);
        cs_verifier_free(&verifier);
        cs_trust_free(&trust);
        cases++;
    }
    cs_file_list_clear(&files);
    assert_true(cases >= 7);
}

/* ---- the accreditation cache ---------------------------------------------- */

static void test_cache_many_tokens(void **state)
{
    world *w = *state;
    const cs_accreditation *cached = NULL;
    char first_detail[CS_DETAIL_SIZE] = "";

    for (int i = 0; i < 100; i++) {
        cs_certificate cert;
        cs_verify_result r;
        const char *token = NULL;
        size_t len = 0;
        char number[32];
        assert_int_equal(helper_load_record(RECORD_PATH, &cert), CS_OK);
        snprintf(number, sizeof(number), "GB-Q-2026-%06d", i);
        replace_text(&cert.number, number);
        assert_int_equal(
            cs_issuer_issue(w->issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &len, NULL, 0),
            CS_OK);
        verify_bytes_with(w->verifier, token, len, &r);
        expect_valid(&r);
        assert_string_equal(r.certificate.number, number);
        if (i == 0) {
            cached = r.accreditation;
            snprintf(first_detail, sizeof(first_detail), "%s",
                     r.checks[CS_CHECK_AC_SIGNATURE].detail);
        } else {
            /* The AC verified by the first call is the cached one (a miss
             * would fill the next slot), and the report is the same. */
            assert_ptr_equal(r.accreditation, cached);
            assert_string_equal(r.checks[CS_CHECK_AC_SIGNATURE].detail, first_detail);
        }
        cs_verify_result_clear(&r);
        cs_certificate_clear(&cert);
    }
}

/* The world's AC with its payload replaced and its signature kept. */
static uint8_t *tampered_ac(const world *w, const cs_accreditation_params *ac, size_t *len)
{
    cs_cose_sign1 msg;
    cs_cbor_writer out;
    uint8_t *claims = NULL;
    size_t claims_len = 0;
    assert_int_equal(cs_cose_sign1_decode(w->ac, w->ac_len, &msg), CS_OK);
    assert_int_equal(helper_accreditation_claims(ac, NULL, &claims, &claims_len), CS_OK);
    cs_cbor_writer_init(&out);
    cs_cbor_put_tag(&out, CS_COSE_TAG_SIGN1);
    cs_cbor_put_array(&out, 4);
    cs_cbor_put_bytes(&out, msg.protected_bytes, msg.protected_len);
    cs_cbor_put_map(&out, 0);
    cs_cbor_put_bytes(&out, claims, claims_len);
    cs_cbor_put_bytes(&out, msg.signature, msg.signature_len);
    assert_int_equal(cs_cbor_writer_error(&out), CS_OK);
    cs_cose_sign1_clear(&msg);
    free(claims);
    *len = out.len;
    return out.buf;
}

/* A trust list of `issuer` listing the world's AB (AB_NAME, active, every
 * edition of the AC's standards) with its key, next update at
 * next_update. */
static void listing_trust_list(const world *w, const char *issuer, int64_t next_update,
                               cs_trustlist *l)
{
    static const char *const families[] = {"ISO 9001", "ISO/IEC 27001"};
    cs_trustlist_ab *ab;

    memset(l, 0, sizeof(*l));
    assert_non_null(l->issuer = strdup(issuer));
    assert_non_null(l->uri = strdup("https://scheme.example/tl"));
    l->issued_at = T_AC_FROM;
    l->next_update = next_update;
    l->ttl = 3600;
    l->sequence = 1;
    assert_non_null(l->abs = ab = calloc(1, sizeof(*ab)));
    l->ab_count = 1;
    assert_non_null(ab->id = strdup(AB_NAME));
    assert_non_null(ab->name = strdup(AB_NAME));
    assert_non_null(ab->country = strdup("GB"));
    ab->status = CS_AB_ACTIVE;
    assert_non_null(ab->recognitions = calloc(2, sizeof(*ab->recognitions)));
    ab->recognition_count = 2;
    for (size_t i = 0; i < 2; i++)
        assert_non_null(ab->recognitions[i].standard = strdup(families[i]));
    assert_non_null(ab->keys = calloc(1, sizeof(*ab->keys)));
    ab->key_count = 1;
    assert_int_equal(helper_public_copy(w->ab, &ab->keys[0].key), CS_OK);
}

/* DESIGN §2: a result never depends on what the verifier saw before.  Two
 * trust lists hold the AB's key; the first is past its next update and its
 * grace period ten days on, the second is not.  A verifier that verified
 * the certificate through the first list, then verifies it ten days on,
 * gives what a fresh verifier gives (VALID through the second list), and
 * the other way round names the first list again. */
static void test_cache_follows_trust_list_time(void **state)
{
    world *w = *state;
    const int64_t later = T_NOW + 10 * 86400;
    cs_trustlist soon, lasting;
    cs_verifier_t *fresh = NULL;
    cs_verify_result r;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);

    listing_trust_list(w, "SCHEME-SOON", T_NOW + 86400, &soon);
    listing_trust_list(w, "SCHEME-LASTING", T_NOW + 60 * 86400, &lasting);
    for (int fresh_each_time = 1; fresh_each_time >= 0; fresh_each_time--) {
        static const int order[] = {0, 1, 0};
        cs_verifier_t *reused = NULL;
        assert_int_equal(cs_verifier_new(w->trust, &reused), CS_OK);
        assert_int_equal(cs_verifier_add_trust_list(reused, &soon), CS_OK);
        assert_int_equal(cs_verifier_add_trust_list(reused, &lasting), CS_OK);
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
            int64_t at = order[i] == 0 ? T_NOW : later;
            cs_verifier_t *v = reused;
            if (fresh_each_time) {
                assert_int_equal(cs_verifier_new(w->trust, &fresh), CS_OK);
                assert_int_equal(cs_verifier_add_trust_list(fresh, &soon), CS_OK);
                assert_int_equal(cs_verifier_add_trust_list(fresh, &lasting), CS_OK);
                v = fresh;
            }
            cs_verifier_set_time(v, at);
            print_message("%s verifier, %s\n", fresh_each_time ? "fresh" : "reused",
                          order[i] == 0 ? "now" : "ten days on");
            verify_bytes_with(v, token, strlen(token), &r);
            if (r.verdict != CS_VERDICT_VALID)
                show(&r);
            assert_string_equal(cs_verdict_name(r.verdict), "VALID");
            assert_non_null(strstr(r.checks[CS_CHECK_AB_LISTED].detail,
                                   order[i] == 0 ? "SCHEME-SOON" : "SCHEME-LASTING"));
            assert_non_null(strstr(r.checks[CS_CHECK_AC_TRUSTED].detail,
                                   order[i] == 0 ? "SCHEME-SOON" : "SCHEME-LASTING"));
            cs_verify_result_clear(&r);
            cs_verifier_free(&fresh);
        }
        cs_verifier_free(&reused);
    }
    cs_trustlist_clear(&soon);
    cs_trustlist_clear(&lasting);
    free(token);
}


/* A CT identical to a good one except for a tampered AC (the CB re-signs
 * it): the cache of verified ACs must not answer for it. */
static void test_cache_tampered_accreditation(void **state)
{
    world *w = *state;
    static const char *more_standards[] = {"ISO 9001:2015", "ISO/IEC 27001:2022", "ISO 14001:2015"};
    cs_accreditation_params ac = default_ac(w);
    cs_verify_result r;
    size_t bad_len = 0, good_len = 0, flipped_len = 0;

    ac.standards = more_standards;
    ac.standard_count = 3;
    uint8_t *bad_ac = tampered_ac(w, &ac, &bad_len);
    size_t bad_ac_len = bad_len;
    uint8_t *bad = typical_ct_with_ac(w, bad_ac, bad_ac_len, &bad_len);
    uint8_t *good = typical_ct_with_ac(w, w->ac, w->ac_len, &good_len);
    /* The AC's last signature byte flipped, all else equal. */
    uint8_t *flipped_ac = malloc(w->ac_len);
    assert_non_null(flipped_ac);
    memcpy(flipped_ac, w->ac, w->ac_len);
    flipped_ac[w->ac_len - 1] ^= 0x01;
    uint8_t *flipped = typical_ct_with_ac(w, flipped_ac, w->ac_len, &flipped_len);

    for (int round = 0; round < 3; round++) {
        verify_cose(w, good, good_len, &r);
        expect_valid(&r);
        cs_verify_result_clear(&r);
        verify_cose(w, bad, bad_len, &r);
        expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_AC_SIGNATURE, CS_ERR_SIGNATURE,
                       "does not verify");
        cs_verify_result_clear(&r);
        verify_cose(w, flipped, flipped_len, &r);
        expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_AC_SIGNATURE, CS_ERR_SIGNATURE,
                       NULL);
        cs_verify_result_clear(&r);
    }
    /* Many other ACs pushing the good one out of the cache change nothing. */
    for (int i = 0; i < 20; i++) {
        cs_accreditation_params other = default_ac(w);
        char number[32];
        size_t ac_len = 0, ct_len = 0;
        snprintf(number, sizeof(number), "UKAS-%04d", i);
        other.number = number;
        uint8_t *ac_bytes = sign_ac(&other, w->ab, NULL, NULL, &ac_len);
        uint8_t *ct = typical_ct_with_ac(w, ac_bytes, ac_len, &ct_len);
        verify_cose(w, ct, ct_len, &r);
        expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_ACCREDITATION_NUMBER,
                       CS_ERR_ACCREDITATION_NUMBER, number);
        cs_verify_result_clear(&r);
        free(ct);
        free(ac_bytes);
    }
    verify_cose(w, bad, bad_len, &r);
    expect_failure(&r, CS_VERDICT_INVALID_SIGNATURE, CS_CHECK_AC_SIGNATURE, CS_ERR_SIGNATURE, NULL);
    cs_verify_result_clear(&r);
    verify_cose(w, good, good_len, &r);
    expect_valid(&r);
    cs_verify_result_clear(&r);

    free(flipped);
    free(flipped_ac);
    free(good);
    free(bad);
    free(bad_ac);
}

/* ---- the JSON report ------------------------------------------------------ */

static void check_report(const cs_verify_result *r)
{
    char *text = NULL;
    json_error_t error;
    assert_int_equal(cs_report_verify_json(r, CS_REPORT_PRETTY, &text), CS_OK);
    json_t *root = json_loads(text, 0, &error);
    if (root == NULL)
        fail_msg("report does not parse: %s", error.text);
    assert_string_equal(json_string_value(json_object_get(root, "verdict")),
                        cs_verdict_name(r->verdict));
    assert_true(json_is_boolean(json_object_get(root, "valid")));
    assert_int_equal(json_is_true(json_object_get(root, "valid")), r->verdict == CS_VERDICT_VALID);
    json_t *checks = json_object_get(root, "checks");
    assert_true(json_is_array(checks));
    assert_int_equal(json_array_size(checks), CS_CHECK_COUNT);
    for (size_t i = 0; i < json_array_size(checks); i++) {
        json_t *c = json_array_get(checks, i);
        assert_string_equal(json_string_value(json_object_get(c, "check")),
                            cs_check_name((cs_check_id)i));
        assert_string_equal(json_string_value(json_object_get(c, "result")),
                            cs_check_state_name(r->checks[i].state));
    }
    json_t *reason = json_object_get(root, "reason");
    if (r->verdict == CS_VERDICT_VALID) {
        assert_true(json_is_null(reason));
    } else {
        assert_true(json_is_string(reason));
        assert_string_equal(json_string_value(reason), r->checks[r->failed].detail);
    }
    json_decref(root);
    free(text);
}

static void test_report_json(void **state)
{
    world *w = *state;
    cs_verify_result r;
    char *token = issue(w, CS_FORM_OFFLINE, NULL);

    verify_text(w, token, &r);
    expect_valid(&r);
    check_report(&r);
    cs_verify_result_clear(&r);

    cs_verifier_set_time(w->verifier, date("2030-01-01"));
    verify_text(w, token, &r);
    expect_failure(&r, CS_VERDICT_EXPIRED, CS_CHECK_CT_VALIDITY, CS_ERR_EXPIRED, NULL);
    check_report(&r);
    cs_verify_result_clear(&r);

    token[10] = 'a';
    verify_text(w, token, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_BASE45, NULL);
    check_report(&r);
    cs_verify_result_clear(&r);
    free(token);
}

/* True when s is well-formed UTF-8 (RFC 3629). */
static bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p != 0) {
        size_t extra = *p < 0x80             ? 0
                       : (*p & 0xe0) == 0xc0 ? 1
                       : (*p & 0xf0) == 0xe0 ? 2
                       : (*p & 0xf8) == 0xf0 ? 3
                                             : 9;
        if (extra == 9)
            return false;
        for (size_t k = 1; k <= extra; k++)
            if ((p[k] & 0xc0) != 0x80)
                return false;
        p += extra + 1;
    }
    return true;
}

/* Why the details of r or its JSON report lose text, or "" when none do.
 * Not an assertion, so that the caller cleans up first (no leak reports
 * under the sanitizers when it fails). */
static void utf8_problem(const cs_verify_result *r, char *why, size_t size)
{
    char *text = NULL;
    json_t *root = NULL;
    why[0] = '\0';
    for (int id = 0; id < CS_CHECK_COUNT && why[0] == '\0'; id++) {
        const char *d = r->checks[id].detail;
        size_t n = strlen(d);
        if (!utf8_valid(d))
            snprintf(why, size, "the detail of %s (%zu bytes) is not UTF-8: it ends in %02x %02x",
                     cs_check_name((cs_check_id)id), n, (unsigned char)d[n - 2],
                     (unsigned char)d[n - 1]);
    }
    if (cs_report_verify_json(r, 0, &text) != CS_OK || (root = json_loads(text, 0, NULL)) == NULL) {
        if (why[0] == '\0')
            snprintf(why, size, "no JSON report");
    } else if (json_array_size(json_object_get(root, "checks")) != CS_CHECK_COUNT ||
               !json_is_string(json_object_get(root, "reason"))) {
        size_t len = strlen(why);
        snprintf(why + len, size - len, "%sthe JSON report has %zu of %d checks and %s reason",
                 len > 0 ? "; " : "", json_array_size(json_object_get(root, "checks")),
                 CS_CHECK_COUNT, json_is_string(json_object_get(root, "reason")) ? "a" : "no");
    }
    json_decref(root);
    free(text);
}

/* "x" then n times "é": a cut at a fixed byte count lands inside a letter. */
static void x_then_e_acute(char *out, size_t n)
{
    out[0] = 'x';
    for (size_t i = 0; i < n; i++)
        memcpy(out + 1 + 2 * i, "\xc3\xa9", 2);
    out[1 + 2 * n] = '\0';
}

/* A detail that quotes long non-ASCII text from the token is cut to fit
 * CS_DETAIL_SIZE (or a shorter quote); it must stay UTF-8, so that a
 * terminal shows it and the JSON report keeps it. */
static void test_report_long_utf8_detail(void **state)
{
    world *w = *state;
    cs_certificate cert;
    cs_verify_result r;
    char text[1 + 2 * 200 + 1];

    /* The issuer check quotes the CT's iss (cut at 255 bytes). */
    x_then_e_acute(text, 200);
    load_cert(&cert);
    replace_text(&cert.issuer, text);
    verify_changed_cert(w, &cert, &r);
    cs_certificate_clear(&cert);
    expect_failure(&r, CS_VERDICT_NOT_ACCREDITED, CS_CHECK_ISSUER, CS_ERR_ISSUER_MISMATCH,
                   "x\xc3\xa9");
    char why[256];
    utf8_problem(&r, why, sizeof(why));
    cs_verify_result_clear(&r);
    if (why[0] != '\0')
        fail_msg("%s", why);
}

static void test_report_utf8_ac_typ(void **state)
{
    world *w = *state;
    cs_accreditation_params ac = default_ac(w);
    helper_header h = ac_header();
    cs_verify_result r;
    size_t ac_len = 0, ct_len = 0;
    char typ[1 + 2 * 20 + 1];

    /* The AC type check quotes at most 32 bytes of the typ. */
    x_then_e_acute(typ, 20);
    h.typ = typ;
    uint8_t *bad = sign_ac(&ac, w->ab, &h, NULL, &ac_len);
    uint8_t *ct = typical_ct_with_ac(w, bad, ac_len, &ct_len);
    verify_cose(w, ct, ct_len, &r);
    free(ct);
    free(bad);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_AC_TYPE, CS_ERR_COSE_TYPE, "cs-accr");
    char why[256];
    utf8_problem(&r, why, sizeof(why));
    cs_verify_result_clear(&r);
    if (why[0] != '\0')
        fail_msg("%s", why);
}

static void test_report_utf8_unknown_key(void **state)
{
    world *w = *state;
    cs_verify_result r;
    uint8_t org[2 + 17 + 2];
    char key[1 + 2 * 8 + 1];

    /* The claims decoder quotes at most 16 bytes of an unknown key:
     * org = {"xéééééééé": "a"}. */
    x_then_e_acute(key, 8);
    org[0] = 0xa1;
    org[1] = 0x60 + 17;
    memcpy(org + 2, key, 17);
    org[19] = 0x61;
    org[20] = 'a';
    helper_override ov = {.claim = "org", .encoded = org, .encoded_len = sizeof(org)};
    verify_ct_override(w, &ov, &r);
    expect_failure(&r, CS_VERDICT_MALFORMED, CS_CHECK_DECODE, CS_ERR_CLAIM_INVALID, "unknown key");
    char why[256];
    utf8_problem(&r, why, sizeof(why));
    cs_verify_result_clear(&r);
    if (why[0] != '\0')
        fail_msg("%s", why);
}

/* ---- misuse --------------------------------------------------------------- */

static void test_arguments(void **state)
{
    world *w = *state;
    cs_verify_result r;
    cs_verifier_t *verifier = NULL;
    assert_int_equal(cs_verifier_verify(NULL, (const uint8_t *)"CS1:", 4, &r), CS_ERR_ARGUMENT);
    cs_verify_result_clear(&r);
    assert_int_equal(cs_verifier_verify(w->verifier, NULL, 4, &r), CS_ERR_ARGUMENT);
    cs_verify_result_clear(&r);
    assert_int_equal(cs_verifier_verify(w->verifier, (const uint8_t *)"CS1:", 4, NULL),
                     CS_ERR_ARGUMENT);
    assert_int_equal(cs_verifier_new(NULL, &verifier), CS_ERR_ARGUMENT);
    assert_null(verifier);
    cs_verifier_free(&verifier);
    cs_verifier_free(NULL);
    cs_verify_result_clear(NULL);
}

/* Each test runs with the world of one algorithm as its state. */
#define WITH(f, w, alg)                                                                            \
    {                                                                                              \
#f " [" alg "]", f, reset, no_teardown, &w                                                 \
    }
#define BOTH(f) WITH(f, ED, "EdDSA"), WITH(f, ES, "ES256")
#define ONE(f) WITH(f, ED, "EdDSA")

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_valid_offline),
        BOTH(test_valid_link),
        BOTH(test_valid_raw_cose),
        BOTH(test_valid_hand_built),
        BOTH(test_tag_18_alone),
        BOTH(test_trust_several_keys),
        BOTH(test_valid_mixed_algorithms),
        BOTH(test_untrusted_ab_key),
        BOTH(test_ac_forged_with_trusted_kid),
        BOTH(test_ac_typ_is_certificate),
        BOTH(test_ac_presented_as_certificate),
        ONE(test_ct_without_accreditation),
        BOTH(test_ct_key_not_accredited),
        BOTH(test_ct_signed_by_other_key),
        BOTH(test_kid_unprotected),
        BOTH(test_ct_alg_cases),
        BOTH(test_ac_alg_cases),
        BOTH(test_ct_typ_wrong),
        BOTH(test_standard_not_accredited),
        BOTH(test_integrated_certificate),
        ONE(test_iaf_not_accredited),
        ONE(test_accreditation_number_mismatch),
        ONE(test_issuer_mismatch),
        BOTH(test_ac_expired_at_issue),
        ONE(test_ac_not_yet_valid_at_issue),
        BOTH(test_ac_expired_now),
        BOTH(test_ct_expired),
        BOTH(test_ct_not_yet_valid),
        BOTH(test_clock_skew),
        BOTH(test_every_payload_byte),
        BOTH(test_every_signature_byte),
        BOTH(test_every_cose_byte),
        ONE(test_truncated),
        ONE(test_trailing_bytes_in_zlib),
        ONE(test_trailing_bytes_after_zlib),
        ONE(test_bad_base45_character),
        ONE(test_inflate_bomb),
        ONE(test_cbor_depth),
        BOTH(test_duplicate_keys),
        ONE(test_indefinite_lengths),
        ONE(test_ct_claim_types),
        ONE(test_ac_claim_types),
        BOTH(test_claim_formats),
        BOTH(test_unknown_claims),
        BOTH(test_ct_nbf),
        ONE(test_ct_nbf_round_trip),
        BOTH(test_ac_cnf_shape),
        BOTH(test_ac_names_small_order_key),
        ONE(test_token_files),
        BOTH(test_cache_many_tokens),
        BOTH(test_cache_tampered_accreditation),
        BOTH(test_cache_follows_trust_list_time),
        BOTH(test_report_json),
        ONE(test_report_long_utf8_detail),
        ONE(test_report_utf8_ac_typ),
        ONE(test_report_utf8_unknown_key),
        ONE(test_arguments),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
