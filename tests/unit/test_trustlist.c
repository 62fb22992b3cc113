/* SPDX-License-Identifier: ISC */
/*
 * The trust list (trustlist.h): strict decoding (each rejection named),
 * the round trip through sign and decode, look-ups by kid and by standard,
 * and verification against pinned roots: signature, sequence (rollback,
 * replay), freshness and grace, rollover to an announced key only, and the
 * history kept in a folder across runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certseal/certseal.h"
#include "internal.h"

#define DAY 86400
#define T0 1767225600 /* 2026-01-01 */

typedef struct world {
    cs_key_t *root, *root2, *root3, *ab1, *ab2;
} world;

static int setup(void **state)
{
    world *w = calloc(1, sizeof(*w));
    assert_non_null(w);
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &w->root), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &w->root2), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_ES256, &w->root3), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &w->ab1), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_ES256, &w->ab2), CS_OK);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    cs_key_free(&w->root);
    cs_key_free(&w->root2);
    cs_key_free(&w->root3);
    cs_key_free(&w->ab1);
    cs_key_free(&w->ab2);
    free(w);
    return 0;
}

static cs_key_t *public_of(const cs_key_t *key)
{
    uint8_t x[32], y[32];
    cs_key_t *out = NULL;
    bool ed = cs_key_alg(key) == CS_ALG_EDDSA;
    assert_int_equal(cs_key_public_coordinates(key, x, y), CS_OK);
    assert_int_equal(cs_key_from_public_coordinates(cs_key_alg(key), x, 32, ed ? NULL : y,
                                                    ed ? 0 : 32, &out),
                     CS_OK);
    return out;
}

static char *text_copy(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* Two ABs: AB-ONE (ab1, ISO 9001 any edition, key until T0 + 100 days) and
 * AB-TWO (ab2 ES256, ISO 14001:2015 only, suspended). */
static void make_list(const world *w, cs_trustlist *l, uint64_t seq)
{
    memset(l, 0, sizeof(*l));
    l->issuer = text_copy("SCHEME");
    l->uri = text_copy("https://scheme.example/tl");
    l->issued_at = T0;
    l->next_update = T0 + 30 * DAY;
    l->ttl = 3600;
    l->sequence = seq;
    assert_non_null(l->abs = calloc(2, sizeof(*l->abs)));
    l->ab_count = 2;
    const char *ids[] = {"AB-ONE", "AB-TWO"}, *stds[] = {"ISO 9001", "ISO 14001:2015"};
    const cs_key_t *keys[] = {w->ab1, w->ab2};
    for (size_t i = 0; i < 2; i++) {
        cs_trustlist_ab *ab = &l->abs[i];
        ab->id = text_copy(ids[i]);
        ab->name = text_copy(ids[i]);
        ab->country = text_copy("GB");
        ab->status = i == 0 ? CS_AB_ACTIVE : CS_AB_SUSPENDED;
        assert_non_null(ab->recognitions = calloc(1, sizeof(*ab->recognitions)));
        ab->recognition_count = 1;
        ab->recognitions[0].standard = text_copy(stds[i]);
        ab->recognitions[0].not_before = T0 - 365 * DAY;
        assert_non_null(ab->keys = calloc(1, sizeof(*ab->keys)));
        ab->key_count = 1;
        ab->keys[0].key = public_of(keys[i]);
        ab->keys[0].not_before = T0 - 365 * DAY;
        ab->keys[0].has_expires = i == 0;
        ab->keys[0].expires = T0 + 100 * DAY;
    }
}

static void sign_decode(const cs_trustlist *l, const cs_key_t *root, cs_trustlist *out)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    char detail[256] = "";
    assert_int_equal(cs_trustlist_sign(l, root, &bytes, &len), CS_OK);
    cs_err err = cs_trustlist_decode(bytes, len, out, detail, sizeof(detail));
    if (err != CS_OK)
        print_message("decode: %s\n", detail);
    assert_int_equal(err, CS_OK);
    free(bytes);
}

/* A list of seq signed by root, decoded. */
static void signed_list(const world *w, const cs_key_t *root, uint64_t seq, cs_trustlist *out)
{
    cs_trustlist l;
    make_list(w, &l, seq);
    sign_decode(&l, root, out);
    cs_trustlist_clear(&l);
}

/* ---- round trip and look-ups ---------------------------------------------- */

static void test_round_trip(void **state)
{
    world *w = *state;
    cs_trustlist l, d;
    const cs_trustlist_ab *ab = NULL;
    size_t cursor = 0;

    make_list(w, &l, 7);
    assert_non_null(l.next_keys = calloc(1, sizeof(*l.next_keys)));
    l.next_keys[0] = public_of(w->root2);
    l.next_key_count = 1;
    sign_decode(&l, w->root, &d);
    assert_string_equal(d.issuer, "SCHEME");
    assert_int_equal(d.sequence, 7);
    assert_int_equal(d.ab_count, 2);
    assert_int_equal(d.abs[1].status, CS_AB_SUSPENDED);
    assert_true(d.abs[0].keys[0].has_expires);
    assert_false(d.abs[1].keys[0].has_expires);
    assert_int_equal(d.next_key_count, 1);
    assert_true(cs_key_public_equal(d.next_keys[0], w->root2));
    assert_memory_equal(d.signer_kid, cs_key_kid(w->root), CS_KID_SIZE);
    /* look-up by kid */
    const cs_trustlist_key *k = cs_trustlist_key_next(&d, cs_key_kid(w->ab2), &cursor, &ab);
    assert_non_null(k);
    assert_string_equal(ab->id, "AB-TWO");
    assert_null(cs_trustlist_key_next(&d, cs_key_kid(w->ab2), &cursor, &ab));
    cursor = 0;
    assert_null(cs_trustlist_key_next(&d, cs_key_kid(w->root), &cursor, &ab));
    /* JSON */
    char *json = NULL;
    assert_int_equal(cs_trustlist_to_json(&d, &json), CS_OK);
    assert_non_null(strstr(json, "\"AB-TWO\""));
    assert_non_null(strstr(json, "\"suspended\""));
    free(json);
    cs_trustlist_clear(&d);
    cs_trustlist_clear(&l);
    cs_trustlist_clear(&l); /* twice is fine */
}

static void test_recognition(void **state)
{
    world *w = *state;
    cs_trustlist l;
    make_list(w, &l, 1);
    const cs_trustlist_ab *one = &l.abs[0], *two = &l.abs[1];
    /* no edition: every edition, and nothing else */
    assert_true(cs_trustlist_recognises(one, "ISO 9001:2015", T0));
    assert_true(cs_trustlist_recognises(one, "ISO 9001:2008", T0));
    assert_true(cs_trustlist_recognises(one, "ISO 9001", T0));
    assert_false(cs_trustlist_recognises(one, "ISO 90011:2015", T0));
    assert_false(cs_trustlist_recognises(one, "ISO 14001:2015", T0));
    /* an edition: exactly that one */
    assert_true(cs_trustlist_recognises(two, "ISO 14001:2015", T0));
    assert_false(cs_trustlist_recognises(two, "ISO 14001:2004", T0));
    /* the period */
    assert_false(cs_trustlist_recognises(one, "ISO 9001:2015", T0 - 400 * DAY));
    l.abs[0].recognitions[0].has_expires = true;
    l.abs[0].recognitions[0].expires = T0;
    assert_false(cs_trustlist_recognises(one, "ISO 9001:2015", T0));
    assert_true(cs_trustlist_recognises(one, "ISO 9001:2015", T0 - 1));
    cs_trustlist_clear(&l);
}

/* ---- strict decoding ------------------------------------------------------ */

/* Signs raw claims as a trust list and decodes them. */
static cs_err decode_claims(const world *w, const uint8_t *claims, size_t len, const char *typ,
                            char *detail, size_t size)
{
    cs_cose_sign1_headers h = {.typ = typ};
    uint8_t *bytes = NULL;
    size_t blen = 0;
    cs_trustlist d;
    assert_int_equal(cs_cose_sign1_sign(w->root, &h, claims, len, &bytes, &blen), CS_OK);
    cs_err err = cs_trustlist_decode(bytes, blen, &d, detail, size);
    cs_trustlist_clear(&d);
    free(bytes);
    return err;
}

/* The claims of a good list with the first occurrence of the bytes `from`
 * replaced by `to`, signed: decoding fails with `want` and says why. */
static void expect_rejected(const world *w, const char *why, const uint8_t *from, size_t from_len,
                            const uint8_t *to, size_t to_len, cs_err want)
{
    cs_trustlist l;
    uint8_t *claims = NULL, *edited;
    size_t len = 0;
    char detail[256] = "";

    make_list(w, &l, 1);
    assert_int_equal(cs_trustlist_encode_claims(&l, &claims, &len), CS_OK);
    assert_non_null(edited = malloc(len + to_len));
    uint8_t *at = NULL;
    for (size_t i = 0; i + from_len <= len && at == NULL; i++)
        if (memcmp(claims + i, from, from_len) == 0)
            at = claims + i;
    if (at == NULL)
        fail_msg("%s: the pattern is not in the claims", why);
    size_t pre = (size_t)(at - claims);
    memcpy(edited, claims, pre);
    memcpy(edited + pre, to, to_len);
    memcpy(edited + pre + to_len, at + from_len, len - pre - from_len);
    cs_err err = decode_claims(w, edited, len - from_len + to_len, CS_TYP_TRUST_LIST, detail,
                               sizeof(detail));
    if (err != want)
        fail_msg("%s: %s (%s), expected %s", why, cs_err_name(err), detail, cs_err_name(want));
    assert_true(strlen(detail) > 0);
    free(edited);
    free(claims);
    cs_trustlist_clear(&l);
}

#define B(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static void test_strict(void **state)
{
    world *w = *state;
    cs_trustlist l;
    uint8_t *claims = NULL;
    size_t len = 0;
    char detail[256];

    /* "sts": 0 -> 3 */
    expect_rejected(w, "status 3", B(0x63, 's', 't', 's', 0x00), B(0x63, 's', 't', 's', 0x03),
                    CS_ERR_CLAIM_INVALID);
    /* "sts" -> "stz": unknown key (and sts missing) */
    expect_rejected(w, "unknown AB key", B(0x63, 's', 't', 's'), B(0x63, 's', 't', 'z'),
                    CS_ERR_CLAIM_INVALID);
    /* "seq" as text */
    expect_rejected(w, "seq as text", B(0x63, 's', 'e', 'q', 0x01),
                    B(0x63, 's', 'e', 'q', 0x61, '1'), CS_ERR_CBOR_TYPE);
    /* the ttl claim 65534 -> 65532: unknown claim */
    expect_rejected(w, "unknown claim", B(0x19, 0xff, 0xfe), B(0x19, 0xff, 0xfc),
                    CS_ERR_CLAIM_INVALID);
    /* country "GB" -> "gb" */
    expect_rejected(w, "country", B(0x62, 'G', 'B'), B(0x62, 'g', 'b'), CS_ERR_CLAIM_INVALID);
    /* the second AB's id made equal to the first's */
    expect_rejected(w, "duplicate id", B(0x66, 'A', 'B', '-', 'T', 'W', 'O'),
                    B(0x66, 'A', 'B', '-', 'O', 'N', 'E'), CS_ERR_CLAIM_INVALID);

    /* the wrong typ */
    make_list(w, &l, 1);
    assert_int_equal(cs_trustlist_encode_claims(&l, &claims, &len), CS_OK);
    assert_int_equal(decode_claims(w, claims, len, CS_TYP_ACCREDITATION, detail, sizeof(detail)),
                     CS_ERR_COSE_TYPE);
    assert_int_equal(decode_claims(w, claims, len, CS_TYP_TRUST_LIST, detail, sizeof(detail)),
                     CS_OK);
    free(claims);
    /* next update not after iat */
    l.next_update = l.issued_at;
    assert_int_equal(cs_trustlist_encode_claims(&l, &claims, &len), CS_OK);
    assert_int_equal(decode_claims(w, claims, len, CS_TYP_TRUST_LIST, detail, sizeof(detail)),
                     CS_ERR_CLAIM_INVALID);
    free(claims);
    cs_trustlist_clear(&l);
    /* not a list at all */
    assert_int_not_equal(cs_trustlist_decode(B(0xd2, 0x84, 0x40), &l, NULL, 0), CS_OK);
    assert_int_equal(cs_trustlist_decode(NULL, 0, &l, NULL, 0), CS_ERR_ARGUMENT);
}

/* ---- verification --------------------------------------------------------- */

static cs_err verify(const cs_trustlist *l, const cs_key_t *root, cs_trustlist_history_t *h,
                     int64_t now, cs_trustlist_verified *info, char *detail)
{
    return cs_trustlist_verify(l, &root, 1, h, now, 300, 7 * DAY, info, detail, 256);
}

static void test_sequence(void **state)
{
    world *w = *state;
    cs_trustlist s5, s4, s6, s5b;
    cs_trustlist_history_t *h = NULL;
    cs_trustlist_verified info;
    char detail[256];
    cs_key_t *root = public_of(w->root);

    signed_list(w, w->root, 5, &s5);
    signed_list(w, w->root, 4, &s4);
    signed_list(w, w->root, 6, &s6);
    {
        cs_trustlist l;
        make_list(w, &l, 5);
        l.abs[0].status = CS_AB_WITHDRAWN; /* other content, same number */
        sign_decode(&l, w->root, &s5b);
        cs_trustlist_clear(&l);
    }
    assert_int_equal(cs_trustlist_history_new(NULL, &h), CS_OK);
    assert_int_equal(verify(&s5, root, h, T0 + DAY, &info, detail), CS_OK);
    assert_false(info.stale);
    assert_int_equal(verify(&s5, root, h, T0 + DAY, &info, detail), CS_OK); /* the same again */
    assert_int_equal(verify(&s4, root, h, T0 + DAY, &info, detail), CS_ERR_TRUSTLIST_ROLLBACK);
    assert_non_null(strstr(detail, "sequence 4, but sequence 5"));
    assert_int_equal(verify(&s5b, root, h, T0 + DAY, &info, detail), CS_ERR_TRUSTLIST_REPLAY);
    assert_int_equal(verify(&s6, root, h, T0 + DAY, &info, detail), CS_OK);
    assert_int_equal(verify(&s5, root, h, T0 + DAY, &info, detail), CS_ERR_TRUSTLIST_ROLLBACK);
    /* another key entirely */
    cs_key_t *other = public_of(w->root3);
    assert_int_equal(verify(&s6, other, h, T0 + DAY, &info, detail), CS_ERR_TRUSTLIST_ROOT);
    cs_key_free(&other);
    cs_trustlist_history_free(&h);
    assert_null(h);
    cs_trustlist_clear(&s4);
    cs_trustlist_clear(&s5);
    cs_trustlist_clear(&s5b);
    cs_trustlist_clear(&s6);
    cs_key_free(&root);
}

static void test_freshness(void **state)
{
    world *w = *state;
    cs_trustlist l;
    cs_trustlist_history_t *h = NULL;
    cs_trustlist_verified info;
    char detail[256];
    cs_key_t *root = public_of(w->root);

    signed_list(w, w->root, 1, &l);
    assert_int_equal(cs_trustlist_history_new(NULL, &h), CS_OK);
    /* issued in the future (beyond the skew) */
    assert_int_equal(verify(&l, root, h, T0 - 3600, &info, detail), CS_ERR_TRUSTLIST_FUTURE);
    /* past the next update: stale within the grace, refused after */
    assert_int_equal(verify(&l, root, h, T0 + 31 * DAY, &info, detail), CS_OK);
    assert_true(info.stale);
    assert_int_equal(verify(&l, root, h, T0 + 37 * DAY, &info, detail), CS_ERR_TRUSTLIST_EXPIRED);
    assert_non_null(strstr(detail, "https://scheme.example/tl"));
    cs_trustlist_history_free(&h);
    cs_trustlist_clear(&l);
    cs_key_free(&root);
}

static void test_rollover(void **state)
{
    world *w = *state;
    cs_trustlist announcing, by_new, by_old, by_stranger;
    cs_trustlist_history_t *h = NULL, *fresh = NULL, *again = NULL;
    cs_trustlist_verified info;
    char detail[256], folder[] = "/tmp/certseal-tl-XXXXXX";
    cs_key_t *root = public_of(w->root);

    {
        cs_trustlist l;
        make_list(w, &l, 1);
        assert_non_null(l.next_keys = calloc(1, sizeof(*l.next_keys)));
        l.next_keys[0] = public_of(w->root2);
        l.next_key_count = 1;
        sign_decode(&l, w->root, &announcing);
        cs_trustlist_clear(&l);
    }
    signed_list(w, w->root2, 2, &by_new);
    signed_list(w, w->root, 3, &by_old);
    signed_list(w, w->root3, 3, &by_stranger);
    assert_non_null(mkdtemp(folder));

    /* Unannounced: refused. */
    assert_int_equal(cs_trustlist_history_new(NULL, &fresh), CS_OK);
    assert_int_equal(verify(&by_new, root, fresh, T0 + DAY, &info, detail),
                     CS_ERR_TRUSTLIST_ROOT);
    cs_trustlist_history_free(&fresh);

    assert_int_equal(cs_trustlist_history_new(folder, &h), CS_OK);
    assert_int_equal(verify(&announcing, root, h, T0 + DAY, &info, detail), CS_OK);
    assert_false(info.rolled_over);
    assert_int_equal(verify(&by_stranger, root, h, T0 + DAY, &info, detail),
                     CS_ERR_TRUSTLIST_ROOT);
    assert_int_equal(verify(&by_new, root, h, T0 + DAY, &info, detail), CS_OK);
    assert_true(info.rolled_over);
    /* From then on the new key is pinned: the old root is refused. */
    assert_int_equal(verify(&by_old, root, h, T0 + DAY, &info, detail), CS_ERR_TRUSTLIST_ROOT);
    assert_non_null(strstr(detail, "rolled over"));
    cs_trustlist_history_free(&h);

    /* The folder remembers it in the next run. */
    assert_int_equal(cs_trustlist_history_new(folder, &again), CS_OK);
    assert_int_equal(verify(&by_old, root, again, T0 + DAY, &info, detail),
                     CS_ERR_TRUSTLIST_ROOT);
    assert_int_equal(verify(&announcing, root, again, T0 + DAY, &info, detail),
                     CS_ERR_TRUSTLIST_ROOT);
    assert_int_equal(verify(&by_new, root, again, T0 + DAY, &info, detail), CS_OK);
    cs_trustlist_history_free(&again);

    char path[128], kid[17];
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        snprintf(kid + 2 * i, 3, "%02x", cs_key_kid(root)[i]);
    snprintf(path, sizeof(path), "%s/%s.trust", folder, kid);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(folder), 0);
    cs_trustlist_clear(&announcing);
    cs_trustlist_clear(&by_new);
    cs_trustlist_clear(&by_old);
    cs_trustlist_clear(&by_stranger);
    cs_key_free(&root);
}

/* What `certseal trustlist show` prints: every part of the list, the
 * signer's escape character escaped, and first that nothing was verified. */
static void test_format_text(void **state)
{
    world *w = *state;
    cs_trustlist l, d;
    char *text = NULL;

    make_list(w, &l, 3);
    free(l.abs[1].name);
    l.abs[1].name = text_copy("AB \x1b[2J TWO");
    sign_decode(&l, w->root, &d);
    assert_int_equal(cs_trustlist_format_text(&d, &text), CS_OK);
    assert_non_null(strstr(text, "NOT VERIFIED: decoded only"));
    assert_non_null(strstr(text, "\nscheme owner: SCHEME\nuri:          https://scheme.example/tl\n"
                                 "sequence:     3\n"));
    assert_non_null(strstr(text, "ttl:          3600 seconds\n"));
    assert_non_null(strstr(text, "accreditation bodies: 2\n  AB-ONE  AB-ONE (GB)  active\n"
                                 "    recognised for ISO 9001, from 2025-01-01\n    key "));
    assert_non_null(strstr(text, ", signs from 2025-01-01 until 2026-04-11\n"));
    assert_non_null(strstr(text, "  AB-TWO  AB \\x1b[2J TWO (GB)  suspended\n"));
    assert_null(strchr(text, '\x1b'));
    assert_int_equal(cs_trustlist_format_text(NULL, &text), CS_ERR_ARGUMENT);
    free(text);
    cs_trustlist_clear(&l);
    cs_trustlist_clear(&d);
}

static void test_arguments(void **state)
{
    world *w = *state;
    cs_trustlist l;
    cs_trustlist_verified info;
    uint8_t *out = NULL;
    size_t len = 0;
    cs_key_t *root = public_of(w->root);

    make_list(w, &l, 1);
    /* a public key cannot sign */
    assert_int_equal(cs_trustlist_sign(&l, root, &out, &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_trustlist_verify(&l, NULL, 0, NULL, 0, 0, 0, &info, NULL, 0),
                     CS_ERR_ARGUMENT);
    assert_int_equal(cs_trustlist_history_new("", NULL), CS_ERR_ARGUMENT);
    assert_string_equal(cs_ab_status_name(CS_AB_WITHDRAWN), "withdrawn");
    cs_trustlist_clear(&l);
    cs_key_free(&root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip), cmocka_unit_test(test_recognition),
        cmocka_unit_test(test_strict),     cmocka_unit_test(test_sequence),
        cmocka_unit_test(test_freshness),  cmocka_unit_test(test_rollover),
        cmocka_unit_test(test_arguments),  cmocka_unit_test(test_format_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
