/* SPDX-License-Identifier: ISC */
/*
 * Verification receipts (receipt.h): the round trip through sign, verify
 * and decode with both algorithms; every one-byte change refused; the
 * signer looked up by kid; strict decoding of the claims (each rejection
 * by its error); what signing refuses.
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
#include "internal.h"

#define T0 1767225600 /* 2026-01-01 */

static cs_trust_t *trust_of(const cs_key_t *key)
{
    uint8_t x[32], y[32];
    cs_key_t *pub = NULL;
    cs_trust_t *trust = NULL;
    bool ed = cs_key_alg(key) == CS_ALG_EDDSA;

    assert_int_equal(cs_key_public_coordinates(key, x, y), CS_OK);
    assert_int_equal(cs_key_from_public_coordinates(cs_key_alg(key), x, 32, ed ? NULL : y,
                                                    ed ? 0 : 32, &pub),
                     CS_OK);
    assert_int_equal(cs_trust_new(&trust), CS_OK);
    assert_int_equal(cs_trust_add_key(trust, &pub), CS_OK);
    return trust;
}

/* A receipt of two results (one with its certificate), a pinned key, a
 * trust list and two status lists. */
static void make_receipt(cs_receipt *r, const cs_key_t *pinned)
{
    cs_verify_result result;
    cs_trust_t *trust = trust_of(pinned);
    cs_trustlist list = {0};
    uint8_t bytes[] = {0xd2, 0x84, 0x40};

    memset(r, 0, sizeof(*r));
    assert_int_equal(cs_receipt_add_trust(r, trust), CS_OK);
    list.issuer = "IAF";
    list.uri = "https://iaf.example/tl";
    list.sequence = 7;
    list.signed_bytes = bytes;
    list.signed_len = sizeof(bytes);
    assert_int_equal(cs_receipt_add_trust_list(r, &list), CS_OK);
    r->status_lists = calloc(2, sizeof(*r->status_lists));
    assert_non_null(r->status_lists);
    r->status_lists[0] = (cs_receipt_status_list){strdup("https://cb.example/s/1"), T0, {1}};
    r->status_lists[1] = (cs_receipt_status_list){strdup("https://ab.example/s/1"), T0 + 5, {2}};
    r->status_list_count = 2;

    memset(&result, 0, sizeof(result));
    result.verdict = CS_VERDICT_SUSPENDED;
    result.signatures_verified = true;
    result.has_certificate = true;
    result.certificate.number = "GB-Q-1";
    result.certificate.issuer = "CB-TEST";
    result.certificate.organization_name = "Acme \xe2\x80\xae Ltd"; /* a bidi override: data */
    result.certificate.standards = (char *[]){"ISO 9001:2015"};
    result.certificate.standard_count = 1;
    result.certificate.expires = T0 + 400 * 86400;
    assert_int_equal(cs_receipt_add_result(r, "tokens.txt, token 1",
                                           (const uint8_t *)"CS1:ABC", 7, &result),
                     CS_OK);
    memset(&result, 0, sizeof(result));
    result.verdict = CS_VERDICT_INVALID_SIGNATURE;
    result.has_certificate = true; /* not verified: its claims are not recorded */
    result.certificate.number = "FORGED";
    assert_int_equal(cs_receipt_add_result(r, "tokens.txt, token 2",
                                           (const uint8_t *)"CS1:XYZ", 7, &result),
                     CS_OK);
    r->signed_at = T0 + 100;
    r->verified_at = T0 + 50;
    cs_trust_free(&trust);
}

static void round_trip(cs_alg alg)
{
    cs_key_t *buyer = NULL, *ab = NULL;
    cs_trust_t *trust;
    cs_receipt r, back;
    uint8_t *signed_bytes = NULL, want[32];
    size_t len = 0;
    char detail[CS_DETAIL_SIZE];

    assert_int_equal(cs_key_generate(alg, &buyer), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &ab), CS_OK);
    make_receipt(&r, ab);
    assert_int_equal(cs_receipt_sign(&r, buyer, &signed_bytes, &len), CS_OK);
    assert_int_equal(signed_bytes[0], 0xd2); /* tag 18 */
    trust = trust_of(buyer);
    assert_int_equal(cs_receipt_verify(signed_bytes, len, trust, &back, detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(back.signed_at, T0 + 100);
    assert_int_equal(back.verified_at, T0 + 50);
    assert_memory_equal(back.signer_kid, cs_key_kid(buyer), CS_KID_SIZE);
    assert_int_equal(back.alg, alg);
    assert_int_equal(back.pinned_count, 1);
    assert_memory_equal(back.pinned_kids[0], cs_key_kid(ab), CS_KID_SIZE);
    assert_int_equal(back.trust_list_count, 1);
    assert_string_equal(back.trust_lists[0].issuer, "IAF");
    assert_string_equal(back.trust_lists[0].uri, "https://iaf.example/tl");
    assert_int_equal(back.trust_lists[0].sequence, 7);
    assert_int_equal(cs_crypto_sha256((const uint8_t[]){0xd2, 0x84, 0x40}, 3, want), CS_OK);
    assert_memory_equal(back.trust_lists[0].sha256, want, 32);
    assert_int_equal(back.status_list_count, 2);
    assert_string_equal(back.status_lists[1].uri, "https://ab.example/s/1");
    assert_int_equal(back.status_lists[1].issued_at, T0 + 5);
    assert_int_equal(back.status_lists[1].sha256[0], 2);
    assert_int_equal(back.result_count, 2);
    assert_int_equal(back.results[0].verdict, CS_VERDICT_SUSPENDED);
    assert_string_equal(back.results[0].input, "tokens.txt, token 1");
    assert_string_equal(back.results[0].number, "GB-Q-1");
    assert_string_equal(back.results[0].organization, "Acme \xe2\x80\xae Ltd");
    assert_int_equal(back.results[0].expires, T0 + 400 * 86400);
    assert_int_equal(cs_crypto_sha256("CS1:ABC", 7, want), CS_OK);
    assert_memory_equal(back.results[0].token_sha256, want, 32);
    assert_int_equal(back.results[1].verdict, CS_VERDICT_INVALID_SIGNATURE);
    assert_null(back.results[1].number);
    assert_int_equal(back.results[1].expires, 0);
    cs_receipt_clear(&back);

    /* Every single-byte change is refused. */
    for (size_t i = 0; i < len; i++) {
        uint8_t saved = signed_bytes[i];
        signed_bytes[i] ^= 0x01;
        assert_int_not_equal(cs_receipt_verify(signed_bytes, len, trust, &back, NULL, 0), CS_OK);
        signed_bytes[i] = saved;
        assert_null(back.results);
    }
    /* Cut short or lengthened. */
    assert_int_not_equal(cs_receipt_verify(signed_bytes, len - 1, trust, &back, NULL, 0), CS_OK);

    cs_trust_free(&trust);
    /* Another key: not the signer. */
    trust = trust_of(ab);
    assert_int_equal(cs_receipt_verify(signed_bytes, len, trust, &back, detail, sizeof(detail)),
                     CS_ERR_UNTRUSTED);
    assert_non_null(strstr(detail, "none of the keys given"));
    cs_trust_free(&trust);

    /* Decoding alone reads the same. */
    assert_int_equal(cs_receipt_decode(signed_bytes, len, &back, NULL, 0), CS_OK);
    assert_int_equal(back.result_count, 2);
    cs_receipt_clear(&back);

    free(signed_bytes);
    cs_receipt_clear(&r);
    cs_key_free(&buyer);
    cs_key_free(&ab);
}

static void test_round_trip_eddsa(void **state)
{
    (void)state;
    round_trip(CS_ALG_EDDSA);
}

static void test_round_trip_es256(void **state)
{
    (void)state;
    round_trip(CS_ALG_ES256);
}

static void test_sign_refuses(void **state)
{
    cs_key_t *buyer = NULL;
    cs_trust_t *trust = NULL;
    cs_receipt r = {0};
    uint8_t *out = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &buyer), CS_OK);
    /* No times. */
    assert_int_equal(cs_receipt_sign(&r, buyer, &out, &len), CS_ERR_ARGUMENT);
    r.signed_at = r.verified_at = T0;
    /* A public key cannot sign. */
    trust = trust_of(buyer);
    assert_int_equal(cs_receipt_sign(&r, cs_trust_key_at(trust, 0), &out, &len), CS_ERR_ARGUMENT);
    /* An empty receipt is a receipt. */
    assert_int_equal(cs_receipt_sign(&r, buyer, &out, &len), CS_OK);
    free(out);
    cs_trust_free(&trust);
    cs_key_free(&buyer);
}

/* ---- strict decoding: claims written by hand, signed properly -------------- */

typedef void (*writer_fn)(cs_cbor_writer *w);

static cs_err decode_claims(writer_fn write, const char *typ, char *detail, size_t size)
{
    cs_key_t *buyer = NULL;
    cs_trust_t *trust;
    cs_cbor_writer w;
    cs_cose_sign1_headers headers = {.typ = typ};
    cs_receipt out;
    uint8_t *signed_bytes = NULL;
    size_t len = 0;
    cs_err err;

    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &buyer), CS_OK);
    cs_cbor_writer_init(&w);
    write(&w);
    assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
    assert_int_equal(cs_cose_sign1_sign(buyer, &headers, w.buf, w.len, &signed_bytes, &len), CS_OK);
    trust = trust_of(buyer);
    err = cs_receipt_verify(signed_bytes, len, trust, &out, detail, size);
    if (err == CS_OK)
        cs_receipt_clear(&out);
    free(signed_bytes);
    cs_cbor_writer_free(&w);
    cs_trust_free(&trust);
    cs_key_free(&buyer);
    return err;
}

/* The receipt map with the parts a case changes. */
typedef struct shape {
    uint64_t version;
    const char *extra_key;     /* an extra key in the receipt map */
    const char *verdict;       /* of the one result */
    size_t token_len;          /* its "tok" length */
    bool drop_results;         /* no "res" */
    bool extra_claim;          /* a claim besides 6 and -65540 */
    bool result_extra_key;     /* an unknown key in the result */
} shape;

static shape current;

static void write_shape(cs_cbor_writer *w)
{
    const shape *s = &current;
    uint8_t digest[64] = {0};
    size_t pairs = 6 - s->drop_results + (s->extra_key != NULL);

    cs_cbor_begin_map(w, 2 + s->extra_claim);
    cs_cbor_put_int(w, 6);
    cs_cbor_put_uint(w, T0);
    cs_cbor_put_int(w, -65540);
    cs_cbor_begin_map(w, pairs);
    cs_cbor_put_cstring(w, "ver");
    cs_cbor_put_uint(w, s->version);
    cs_cbor_put_cstring(w, "at");
    cs_cbor_put_uint(w, T0);
    cs_cbor_put_cstring(w, "key");
    cs_cbor_begin_array(w, 0);
    cs_cbor_end_array(w);
    cs_cbor_put_cstring(w, "tls");
    cs_cbor_begin_array(w, 0);
    cs_cbor_end_array(w);
    cs_cbor_put_cstring(w, "sts");
    cs_cbor_begin_array(w, 0);
    cs_cbor_end_array(w);
    if (!s->drop_results) {
        cs_cbor_put_cstring(w, "res");
        cs_cbor_begin_array(w, 1);
        cs_cbor_begin_map(w, 3 + s->result_extra_key);
        cs_cbor_put_cstring(w, "in");
        cs_cbor_put_cstring(w, "a.txt");
        cs_cbor_put_cstring(w, "tok");
        cs_cbor_put_bytes(w, digest, s->token_len);
        cs_cbor_put_cstring(w, "vdt");
        cs_cbor_put_cstring(w, s->verdict);
        if (s->result_extra_key) {
            cs_cbor_put_cstring(w, "zzz");
            cs_cbor_put_uint(w, 1);
        }
        cs_cbor_end_map(w);
        cs_cbor_end_array(w);
    }
    if (s->extra_key != NULL) {
        cs_cbor_put_cstring(w, s->extra_key);
        cs_cbor_put_uint(w, 0);
    }
    cs_cbor_end_map(w);
    if (s->extra_claim) {
        cs_cbor_put_int(w, 1);
        cs_cbor_put_cstring(w, "buyer");
    }
    cs_cbor_end_map(w);
}

static cs_err decode_shape(shape s, const char *typ, char *detail)
{
    current = s;
    return decode_claims(write_shape, typ, detail, CS_DETAIL_SIZE);
}

static void test_strict_decoding(void **state)
{
    const shape good = {.version = 1, .verdict = "VALID", .token_len = 32};
    shape s;
    char detail[CS_DETAIL_SIZE];

    (void)state;
    assert_int_equal(decode_shape(good, CS_RECEIPT_TYP, detail), CS_OK);
    assert_int_equal(decode_shape(good, "cs-cert", detail), CS_ERR_COSE_TYPE);
    s = good, s.version = 2;
    assert_int_equal(decode_shape(s, CS_RECEIPT_TYP, detail), CS_ERR_CLAIM_INVALID);
    assert_non_null(strstr(detail, "version 2"));
    s = good, s.extra_key = "new";
    assert_int_equal(decode_shape(s, CS_RECEIPT_TYP, detail), CS_ERR_CLAIM_INVALID);
    assert_non_null(strstr(detail, "unknown key"));
    s = good, s.verdict = "FINE";
    assert_int_equal(decode_shape(s, CS_RECEIPT_TYP, detail), CS_ERR_CLAIM_INVALID);
    assert_non_null(strstr(detail, "res.vdt"));
    s = good, s.token_len = 31;
    assert_int_equal(decode_shape(s, CS_RECEIPT_TYP, detail), CS_ERR_CLAIM_INVALID);
    s = good, s.drop_results = true;
    assert_int_equal(decode_shape(s, CS_RECEIPT_TYP, detail), CS_ERR_CLAIM_MISSING);
    s = good, s.extra_claim = true;
    assert_int_equal(decode_shape(s, CS_RECEIPT_TYP, detail), CS_ERR_CLAIM_INVALID);
    s = good, s.result_extra_key = true;
    assert_int_equal(decode_shape(s, CS_RECEIPT_TYP, detail), CS_ERR_CLAIM_INVALID);
}

/* What `certseal receipt verify` prints: the text and the JSON carry every
 * part of the receipt, and the signer's bidi override is escaped in both. */
static void test_format(void **state)
{
    cs_key_t *ab = NULL;
    cs_receipt r;
    char *text = NULL, *json = NULL;

    (void)state;
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &ab), CS_OK);
    make_receipt(&r, ab);
    assert_int_equal(cs_receipt_format_text(&r, &text), CS_OK);
    assert_non_null(strstr(text, "signed:       2026-01-01T00:01:40Z\n"));
    assert_non_null(strstr(text, "verified as of 2026-01-01T00:00:50Z\n"));
    assert_non_null(strstr(text, "pinned keys:  1\n"));
    assert_non_null(strstr(text, "  https://iaf.example/tl (IAF) seq 7 sha256 "));
    assert_non_null(strstr(text, "status lists: 2\n  https://cb.example/s/1 iat "
                                 "2026-01-01T00:00:00Z sha256 01000000"));
    assert_non_null(strstr(text, "  SUSPENDED         tokens.txt, token 1\n"));
    assert_non_null(strstr(text, "    organisation  Acme \\u202e Ltd\n"));
    assert_non_null(strstr(text, "    valid until   2027-02-04\n"));
    assert_null(strstr(text, "FORGED"));
    assert_null(strstr(text, "\xe2\x80\xae"));
    assert_int_equal(cs_receipt_format_json(&r, &json), CS_OK);
    assert_null(strchr(json, '\n'));
    assert_non_null(strstr(json, "\"verdict\":\"SUSPENDED\",\"certificate\":\"GB-Q-1\""));
    assert_non_null(strstr(json, "\"expires\":\"2027-02-05T00:00:00Z\""));
    assert_null(strstr(json, "\xe2\x80\xae"));
    assert_int_equal(cs_receipt_format_text(NULL, &text), CS_ERR_ARGUMENT);
    assert_int_equal(cs_receipt_format_json(&r, NULL), CS_ERR_ARGUMENT);
    free(text);
    free(json);
    cs_receipt_clear(&r);
    cs_key_free(&ab);
}

static void test_garbage(void **state)
{
    cs_receipt out;
    const uint8_t junk[] = {0xd2, 0x84, 0x41, 0xa0, 0xa0, 0x40, 0x40};

    (void)state;
    assert_int_not_equal(cs_receipt_decode(junk, sizeof(junk), &out, NULL, 0), CS_OK);
    assert_int_not_equal(cs_receipt_decode(NULL, 0, &out, NULL, 0), CS_OK);
    assert_int_equal(cs_receipt_decode(junk, sizeof(junk), NULL, NULL, 0), CS_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_eddsa), cmocka_unit_test(test_round_trip_es256),
        cmocka_unit_test(test_sign_refuses),     cmocka_unit_test(test_strict_decoding),
        cmocka_unit_test(test_garbage),          cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
