/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for pkg/pkcs11_uri.c (RFC 7512 URIs: the RFC's examples, every
 * attribute, percent-decoding, and each refusal) and for the external
 * signer of a cs_key_t (key.h), through which a token's key signs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "certseal/certseal.h"
#include "internal.h"

static cs_pkcs11_uri *parse_ok(const char *text)
{
    cs_pkcs11_uri *uri = NULL;
    char detail[256] = "";
    cs_err err = cs_pkcs11_uri_parse(text, &uri, detail, sizeof(detail));
    if (err != CS_OK)
        fail_msg("%s: %s (%s)", text, cs_strerror(err), detail);
    return uri;
}

static void expect_refused(const char *text, cs_err want, const char *detail_part)
{
    cs_pkcs11_uri *uri = NULL;
    char detail[256] = "";
    cs_err err = cs_pkcs11_uri_parse(text, &uri, detail, sizeof(detail));
    if (err != want)
        fail_msg("%s: got %s (%s), expected %s", text, cs_err_name(err), detail,
                 cs_err_name(want));
    assert_null(uri);
    if (detail_part != NULL && strstr(detail, detail_part) == NULL)
        fail_msg("%s: detail '%s' lacks '%s'", text, detail, detail_part);
}

static void test_is_uri(void **state)
{
    (void)state;
    assert_true(cs_pkcs11_is_uri("pkcs11:"));
    assert_true(cs_pkcs11_is_uri("PKCS11:token=a"));
    assert_false(cs_pkcs11_is_uri("pkcs11"));
    assert_false(cs_pkcs11_is_uri("cb.key"));
    assert_false(cs_pkcs11_is_uri("./pkcs11:x"));
    assert_false(cs_pkcs11_is_uri(NULL));
}

/* RFC 7512 §3's examples. */
static void test_rfc_examples(void **state)
{
    cs_pkcs11_uri *u;
    (void)state;

    u = parse_ok("pkcs11:");
    assert_null(u->token);
    assert_false(u->has_id);
    cs_pkcs11_uri_free(&u);
    assert_null(u);

    u = parse_ok("pkcs11:object=my-pubkey;type=public");
    assert_string_equal(u->object, "my-pubkey");
    assert_string_equal(u->type, "public");
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;"
                 "manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;"
                 "id=%69%95%3E%5C%F4%BD%EC%DB%DF%0F%AF%FD%1F%19%8A%52%84%D3%97%FD;"
                 "serial=?pin-source=file:/etc/token_pin");
    assert_string_equal(u->token, "The Software PKCS#11 Softtoken");
    assert_string_equal(u->manufacturer, "Snake Oil, Inc.");
    assert_string_equal(u->model, "1.0");
    assert_string_equal(u->serial, "");
    assert_string_equal(u->pin_source, "file:/etc/token_pin");
    assert_true(u->has_id);
    assert_int_equal(u->id_len, 20);
    assert_memory_equal(u->id, "\x69\x95\x3e\x5c\xf4\xbd\xec\xdb\xdf\x0f", 10);
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:object=my-sign-key;type=private?module-name=mypkcs11");
    assert_string_equal(u->module_name, "mypkcs11");
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1");
    assert_string_equal(u->module_path, "/mnt/libmypkcs11.so.1");
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;"
                 "library-description=Soft%20Token;library-version=1.23");
    assert_string_equal(u->library_manufacturer, "Snake Oil, Inc.");
    assert_string_equal(u->library_description, "Soft Token");
    assert_true(u->has_library_version);
    assert_int_equal(u->library_version_major, 1);
    assert_int_equal(u->library_version_minor, 23);
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;"
                 "type=cert");
    assert_string_equal(u->token, "A name with a substring %;");
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;"
                 "object=my-certificate;type=cert");
    assert_string_equal(u->token, "Name with a small A with acute: \xc3\xa1");
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:slot-description=Sun%20Metaslot");
    assert_string_equal(u->slot_description, "Sun Metaslot");
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:slot-manufacturer=Snake%20Oil,%20Inc.;slot-id=2;library-version=7");
    assert_string_equal(u->slot_manufacturer, "Snake Oil, Inc.");
    assert_true(u->has_slot_id);
    assert_int_equal(u->slot_id, 2);
    assert_int_equal(u->library_version_major, 7);
    assert_int_equal(u->library_version_minor, 0);
    cs_pkcs11_uri_free(&u);
}

static void test_certseal_forms(void **state)
{
    cs_pkcs11_uri *u;
    (void)state;

    u = parse_ok("pkcs11:token=ab-hsm;object=signing-2027");
    assert_string_equal(u->token, "ab-hsm");
    assert_string_equal(u->object, "signing-2027");
    assert_null(u->module_path);
    cs_pkcs11_uri_free(&u);

    /* Binary id with a NUL byte; '&', '=' and ':' are plain in a path value. */
    u = parse_ok("pkcs11:id=%00%01%FF;object=a&b=c:d");
    assert_int_equal(u->id_len, 3);
    assert_memory_equal(u->id, "\x00\x01\xff", 3);
    assert_string_equal(u->object, "a&b=c:d");
    cs_pkcs11_uri_free(&u);

    /* Lower-case hex; '/', '?' and '|' are plain in a query value. */
    u = parse_ok("pkcs11:object=%7e%2a?module-path=/usr/lib/a?b|c&module-name=softhsm2");
    assert_string_equal(u->object, "~*");
    assert_string_equal(u->module_path, "/usr/lib/a?b|c");
    assert_string_equal(u->module_name, "softhsm2");
    cs_pkcs11_uri_free(&u);

    u = parse_ok("pkcs11:id=");
    assert_true(u->has_id);
    assert_int_equal(u->id_len, 0);
    cs_pkcs11_uri_free(&u);
}

static void test_refusals(void **state)
{
    char long_uri[CS_PKCS11_URI_MAX + 16];
    (void)state;

    expect_refused("pkcs11:object=k?pin-value=1234", CS_ERR_PKCS11_PIN_IN_URI, "pin-value");
    expect_refused("pkcs11:pin-value=1234", CS_ERR_PKCS11_PIN_IN_URI, "--pin-file");
    expect_refused("file:cb.key", CS_ERR_PKCS11_URI, "pkcs11:");
    expect_refused("pkcs11:object=a b", CS_ERR_PKCS11_URI, "%20");
    expect_refused("pkcs11:object=a/b", CS_ERR_PKCS11_URI, "'/'");
    expect_refused("pkcs11:object=a?module-path=/x y", CS_ERR_PKCS11_URI, "module-path");
    expect_refused("pkcs11:object=%4", CS_ERR_PKCS11_URI, "hex escape");
    expect_refused("pkcs11:object=%zz", CS_ERR_PKCS11_URI, "hex escape");
    expect_refused("pkcs11:object=%00", CS_ERR_PKCS11_URI, "NUL");
    expect_refused("pkcs11:object=a;object=b", CS_ERR_PKCS11_URI, "twice");
    expect_refused("pkcs11:id=%01;id=%02", CS_ERR_PKCS11_URI, "twice");
    expect_refused("pkcs11:slot-id=1;slot-id=1", CS_ERR_PKCS11_URI, "twice");
    expect_refused("pkcs11:object=a;;token=b", CS_ERR_PKCS11_URI, "empty");
    expect_refused("pkcs11:object=a;", CS_ERR_PKCS11_URI, "empty");
    expect_refused("pkcs11:object", CS_ERR_PKCS11_URI, "'='");
    expect_refused("pkcs11:=a", CS_ERR_PKCS11_URI, "name");
    expect_refused("pkcs11:Object=a", CS_ERR_PKCS11_URI, "a-z");
    expect_refused("pkcs11:x-vendor=1", CS_ERR_PKCS11_URI, "x-vendor");
    expect_refused("pkcs11:module-path=/x", CS_ERR_PKCS11_URI, "module-path");
    expect_refused("pkcs11:object=a?token=b", CS_ERR_PKCS11_URI, "token");
    expect_refused("pkcs11:slot-id=", CS_ERR_PKCS11_URI, "slot-id");
    expect_refused("pkcs11:slot-id=1a", CS_ERR_PKCS11_URI, "slot-id");
    expect_refused("pkcs11:slot-id=99999999999999999999999", CS_ERR_PKCS11_URI, "too large");
    expect_refused("pkcs11:library-version=1.", CS_ERR_PKCS11_URI, "library-version");
    expect_refused("pkcs11:library-version=256", CS_ERR_PKCS11_URI, "library-version");
    expect_refused("pkcs11:type=secret", CS_ERR_PKCS11_URI, "type");
    expect_refused("pkcs11:object=a#frag", CS_ERR_PKCS11_URI, "fragment");
    expect_refused("pkcs11:object=a?module-name=x&&module-path=/y", CS_ERR_PKCS11_URI, "empty");
    expect_refused("pkcs11:object=\xc3\xa1", CS_ERR_PKCS11_URI, "0xc3");
    memcpy(long_uri, "pkcs11:object=", 14);
    memset(long_uri + 14, 'a', sizeof(long_uri) - 15);
    long_uri[sizeof(long_uri) - 1] = '\0';
    expect_refused(long_uri, CS_ERR_TOO_LARGE, NULL);
}

/* ---- the external signer ---------------------------------------------------------- */

typedef struct fake_token {
    cs_key_t *real; /* signs in its place */
    int calls, released;
    bool corrupt, high_s;
} fake_token;

/* n of P-256, to turn s into n - s. */
static const uint8_t order[32] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
                                  0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

static cs_err fake_sign(void *ctx, cs_alg alg, const uint8_t *msg, size_t len,
                        uint8_t sig[CS_SIGNATURE_MAX], size_t *sig_len)
{
    fake_token *t = ctx;
    t->calls++;
    assert_int_equal(alg, cs_key_alg(t->real));
    cs_err err = cs_crypto_sign(t->real, msg, len, sig, sig_len);
    if (err == CS_OK && t->corrupt)
        sig[0] ^= 1;
    if (err == CS_OK && t->high_s) {
        int borrow = 0;
        for (int i = 31; i >= 0; i--) {
            int d = order[i] - sig[32 + i] - borrow;
            borrow = d < 0;
            sig[32 + i] = (uint8_t)(d + (borrow ? 256 : 0));
        }
    }
    return err;
}

static void fake_release(void *ctx)
{
    ((fake_token *)ctx)->released++;
}

static cs_key_t *public_half(const cs_key_t *key)
{
    uint8_t x[32], y[32];
    cs_key_t *pub = NULL;
    assert_int_equal(cs_key_public_coordinates(key, x, y), CS_OK);
    assert_int_equal(cs_key_from_public_coordinates(cs_key_alg(key), x, 32,
                                                    cs_key_alg(key) == CS_ALG_ES256 ? y : NULL,
                                                    cs_key_alg(key) == CS_ALG_ES256 ? 32 : 0, &pub),
                     CS_OK);
    return pub;
}

static void test_signer(void **state)
{
    static const uint8_t msg[] = "Sig_structure";
    (void)state;

    for (int a = 0; a < 2; a++) {
        cs_alg alg = a == 0 ? CS_ALG_EDDSA : CS_ALG_ES256;
        fake_token t = {0};
        uint8_t sig[CS_SIGNATURE_MAX];
        size_t sig_len = 0;
        cs_key_t *pub;

        assert_int_equal(cs_key_generate(alg, &t.real), CS_OK);
        pub = public_half(t.real);
        assert_false(cs_key_has_private(pub));
        cs_key_signer signer = {.sign = fake_sign, .release = fake_release, .ctx = &t};
        assert_int_equal(cs_key_set_signer(NULL, &signer), CS_ERR_ARGUMENT);
        assert_int_equal(cs_key_set_signer(t.real, &signer), CS_ERR_ARGUMENT); /* has a private half */
        assert_int_equal(cs_key_set_signer(pub, &signer), CS_OK);
        assert_true(cs_key_has_private(pub));
        assert_true(cs_key_has_signer(pub));
        assert_false(cs_key_has_signer(t.real));
        assert_int_equal(cs_key_set_signer(pub, &signer), CS_ERR_ARGUMENT); /* only once */

        assert_int_equal(cs_crypto_sign(pub, msg, sizeof(msg), sig, &sig_len), CS_OK);
        assert_int_equal(sig_len, 64);
        assert_int_equal(cs_crypto_verify(pub, alg, msg, sizeof(msg), sig, sig_len), CS_OK);
        assert_int_equal(t.calls, 1);

        /* A signature that does not verify never leaves cs_crypto_sign(). */
        t.corrupt = true;
        assert_int_equal(cs_crypto_sign(pub, msg, sizeof(msg), sig, &sig_len), CS_ERR_CRYPTO);
        t.corrupt = false;

        if (alg == CS_ALG_ES256) {
            /* A token's high s comes out low, as certseal's own signatures. */
            t.high_s = true;
            assert_int_equal(cs_crypto_sign(pub, msg, sizeof(msg), sig, &sig_len), CS_OK);
            assert_true(sig[32] < 0x80);
            assert_int_equal(cs_crypto_verify(pub, alg, msg, sizeof(msg), sig, 64), CS_OK);
        }

        /* A key whose private half is elsewhere is never written out. */
        assert_int_equal(cs_key_write_private_file(pub, "never-written.key", NULL, 0, 0),
                         CS_ERR_ARGUMENT);
        cs_key_free(&pub);
        assert_int_equal(t.released, 1);
        cs_key_free(&t.real);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_uri),
        cmocka_unit_test(test_rfc_examples),
        cmocka_unit_test(test_certseal_forms),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_signer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
