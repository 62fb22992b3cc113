/* SPDX-License-Identifier: ISC */
/* Unit tests for certseal/key.h and the crypto adapter in pkg/internal.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certseal/key.h"
#include "certseal/trust.h"
#include "helper_files.h"
#include "internal.h"

#define VECTOR_KEYS "tests/vectors/roundtrip/keys/"

static const char passphrase[] = "correct horse battery staple";

/* ---- helpers --------------------------------------------------------------- */

static void hex_to_bytes(const char *hex, uint8_t *out, size_t len)
{
    assert_int_equal(strlen(hex), 2 * len);
    for (size_t i = 0; i < len; i++) {
        unsigned int byte = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
        out[i] = (uint8_t)byte;
    }
}

/* A fresh directory under /tmp for one test; removed by teardown. */
struct temp_dir {
    char path[64];
};

static int temp_dir_setup(void **state)
{
    struct temp_dir *dir = calloc(1, sizeof(*dir));
    if (dir == NULL)
        return -1;
    snprintf(dir->path, sizeof(dir->path), "/tmp/test_key.XXXXXX");
    if (mkdtemp(dir->path) == NULL) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

static int temp_dir_teardown(void **state)
{
    struct temp_dir *dir = *state;
    /* Flat directories only: the tests create no subfolders. */
    int rc = helper_remove_dir(dir->path);
    free(dir);
    return rc;
}

static void path_in(void **state, const char *name, char *out, size_t size)
{
    struct temp_dir *dir = *state;
    snprintf(out, size, "%s/%s", dir->path, name);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Reads a small file into buf (NUL-terminated); returns its length. */
static size_t read_text(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    return n;
}

static unsigned file_mode(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    return (unsigned)(st.st_mode & 07777);
}

static cs_key_t *generate(cs_alg alg)
{
    cs_key_t *key = NULL;
    assert_int_equal(cs_key_generate(alg, &key), CS_OK);
    assert_non_null(key);
    return key;
}

/* ---- primitives -------------------------------------------------------------- */

static void test_sha256_equal_random(void **state)
{
    uint8_t digest[CS_SHA256_SIZE], expected[CS_SHA256_SIZE];
    uint8_t a[32] = {0}, b[32] = {0};
    (void)state;

    /* FIPS 180-2 example: SHA-256("abc"). */
    hex_to_bytes("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", expected,
                 sizeof(expected));
    assert_int_equal(cs_crypto_sha256("abc", 3, digest), CS_OK);
    assert_memory_equal(digest, expected, sizeof(digest));
    /* SHA-256 of nothing, with and without a pointer. */
    hex_to_bytes("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", expected,
                 sizeof(expected));
    assert_int_equal(cs_crypto_sha256(NULL, 0, digest), CS_OK);
    assert_memory_equal(digest, expected, sizeof(digest));

    assert_true(cs_crypto_equal(digest, expected, sizeof(digest)));
    digest[31] ^= 1;
    assert_false(cs_crypto_equal(digest, expected, sizeof(digest)));
    assert_true(cs_crypto_equal(NULL, NULL, 0));

    memset(a, 0x5a, sizeof(a));
    cs_crypto_wipe(a, sizeof(a));
    memset(b, 0, sizeof(b));
    assert_memory_equal(a, b, sizeof(a));
    cs_crypto_wipe(NULL, 0);
}

static void test_alg_names(void **state)
{
    (void)state;
    assert_string_equal(cs_alg_name(CS_ALG_EDDSA), "EdDSA");
    assert_string_equal(cs_alg_name(CS_ALG_ES256), "ES256");
    assert_string_equal(cs_alg_name(CS_ALG_NONE), "unknown");
    assert_string_equal(cs_alg_name((cs_alg)-35), "unknown");

    assert_int_equal(cs_alg_from_name("ed25519"), CS_ALG_EDDSA);
    assert_int_equal(cs_alg_from_name("EdDSA"), CS_ALG_EDDSA);
    assert_int_equal(cs_alg_from_name("ED25519"), CS_ALG_EDDSA);
    assert_int_equal(cs_alg_from_name("es256"), CS_ALG_ES256);
    assert_int_equal(cs_alg_from_name("P-256"), CS_ALG_ES256);
    assert_int_equal(cs_alg_from_name("p-256"), CS_ALG_ES256);
    assert_int_equal(cs_alg_from_name("ES384"), CS_ALG_NONE);
    assert_int_equal(cs_alg_from_name("ed448"), CS_ALG_NONE);
    assert_int_equal(cs_alg_from_name(""), CS_ALG_NONE);
    assert_int_equal(cs_alg_from_name(NULL), CS_ALG_NONE);
}

/* ---- sign and verify ----------------------------------------------------------- */

static void sign_verify_round_trip(cs_alg alg)
{
    static const uint8_t msg[] = "Sig_structure stand-in: the bytes a COSE_Sign1 signs";
    uint8_t sig[CS_SIGNATURE_MAX], copy[sizeof(msg)];
    size_t sig_len = 0;
    cs_key_t *key = generate(alg);

    assert_int_equal(cs_key_alg(key), alg);
    assert_true(cs_key_has_private(key));
    assert_non_null(cs_key_kid(key));

    assert_int_equal(cs_crypto_sign(key, msg, sizeof(msg), sig, &sig_len), CS_OK);
    assert_int_equal(sig_len, CS_SIGNATURE_MAX);
    assert_int_equal(cs_crypto_verify(key, alg, msg, sizeof(msg), sig, sig_len), CS_OK);

    /* Any flipped byte of the message breaks it. */
    memcpy(copy, msg, sizeof(msg));
    for (size_t i = 0; i < sizeof(copy); i++) {
        copy[i] ^= 0x01;
        assert_int_equal(cs_crypto_verify(key, alg, copy, sizeof(copy), sig, sig_len),
                         CS_ERR_SIGNATURE);
        copy[i] ^= 0x01;
    }
    /* Any flipped byte of the signature breaks it. */
    for (size_t i = 0; i < sig_len; i++) {
        sig[i] ^= 0x80;
        assert_int_equal(cs_crypto_verify(key, alg, msg, sizeof(msg), sig, sig_len),
                         CS_ERR_SIGNATURE);
        sig[i] ^= 0x80;
    }
    /* Wrong lengths. */
    assert_int_equal(cs_crypto_verify(key, alg, msg, sizeof(msg), sig, sig_len - 1),
                     CS_ERR_SIGNATURE);
    assert_int_equal(cs_crypto_verify(key, alg, msg, sizeof(msg), sig, 0), CS_ERR_SIGNATURE);
    assert_int_equal(cs_crypto_verify(key, alg, msg, sizeof(msg), NULL, 0), CS_ERR_SIGNATURE);
    /* Unchanged, it still verifies. */
    assert_int_equal(cs_crypto_verify(key, alg, msg, sizeof(msg), sig, sig_len), CS_OK);

    /* The empty message signs and verifies too. */
    assert_int_equal(cs_crypto_sign(key, NULL, 0, sig, &sig_len), CS_OK);
    assert_int_equal(cs_crypto_verify(key, alg, NULL, 0, sig, sig_len), CS_OK);
    assert_int_equal(cs_crypto_verify(key, alg, msg, 1, sig, sig_len), CS_ERR_SIGNATURE);

    /* Arguments. */
    assert_int_equal(cs_crypto_sign(NULL, msg, sizeof(msg), sig, &sig_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_crypto_sign(key, NULL, 1, sig, &sig_len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_crypto_verify(NULL, alg, msg, sizeof(msg), sig, sig_len), CS_ERR_ARGUMENT);

    cs_key_free(&key);
    assert_null(key);
    cs_key_free(&key);
    cs_key_free(NULL);
}

static void test_sign_verify_eddsa(void **state)
{
    (void)state;
    sign_verify_round_trip(CS_ALG_EDDSA);
}

static void test_sign_verify_es256(void **state)
{
    (void)state;
    sign_verify_round_trip(CS_ALG_ES256);
}

static void test_sign_is_fresh_es256(void **state)
{
    uint8_t a[CS_SIGNATURE_MAX], b[CS_SIGNATURE_MAX];
    size_t a_len = 0, b_len = 0;
    cs_key_t *key = generate(CS_ALG_ES256);
    (void)state;

    /* ECDSA is randomised: two signatures of one message differ, both verify. */
    assert_int_equal(cs_crypto_sign(key, (const uint8_t *)"m", 1, a, &a_len), CS_OK);
    assert_int_equal(cs_crypto_sign(key, (const uint8_t *)"m", 1, b, &b_len), CS_OK);
    assert_memory_not_equal(a, b, CS_SIGNATURE_MAX);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, (const uint8_t *)"m", 1, a, a_len), CS_OK);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, (const uint8_t *)"m", 1, b, b_len), CS_OK);
    cs_key_free(&key);
}

static void test_alg_mismatch_and_unknown(void **state)
{
    static const uint8_t msg[] = "message";
    /* 0 none, -35 ES384, -36 ES512, -37 PS256, -257 RS256, 1 A128GCM, -9
     * (ESP256, fully specified), and nonsense. */
    static const int unknown[] = {0, -35, -36, -37, -257, 1, -9, 12345, -65537};
    uint8_t sig[CS_SIGNATURE_MAX];
    size_t sig_len = 0;
    cs_key_t *ed = generate(CS_ALG_EDDSA);
    cs_key_t *ec = generate(CS_ALG_ES256);
    (void)state;

    assert_int_equal(cs_crypto_sign(ed, msg, sizeof(msg), sig, &sig_len), CS_OK);
    assert_int_equal(cs_crypto_verify(ed, CS_ALG_ES256, msg, sizeof(msg), sig, sig_len),
                     CS_ERR_ALG_KEY_MISMATCH);
    assert_int_equal(cs_crypto_verify(ec, CS_ALG_EDDSA, msg, sizeof(msg), sig, sig_len),
                     CS_ERR_ALG_KEY_MISMATCH);
    /* The alg is checked before the signature length. */
    assert_int_equal(cs_crypto_verify(ed, CS_ALG_ES256, msg, sizeof(msg), sig, 3),
                     CS_ERR_ALG_KEY_MISMATCH);
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        assert_int_equal(cs_crypto_verify(ed, (cs_alg)unknown[i], msg, sizeof(msg), sig, sig_len),
                         CS_ERR_ALG_UNKNOWN);
        assert_int_equal(cs_crypto_verify(ec, (cs_alg)unknown[i], msg, sizeof(msg), sig, sig_len),
                         CS_ERR_ALG_UNKNOWN);
    }
    cs_key_t *none = ed;
    assert_int_equal(cs_key_generate((cs_alg)-35, &none), CS_ERR_UNSUPPORTED);
    assert_null(none);
    assert_int_equal(cs_key_generate(CS_ALG_NONE, &none), CS_ERR_UNSUPPORTED);
    assert_null(none);
    cs_key_free(&ed);
    cs_key_free(&ec);
}

/* r or s of zero or >= n must simply not verify (RFC 9053 §2.1 raw r||s). */
static void test_es256_out_of_range_scalars(void **state)
{
    static const char order[] = /* n of P-256 */
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
    static const uint8_t msg[] = "message";
    uint8_t good[CS_SIGNATURE_MAX], bad[CS_SIGNATURE_MAX], n[32];
    size_t sig_len = 0;
    cs_key_t *key = generate(CS_ALG_ES256);
    (void)state;

    hex_to_bytes(order, n, sizeof(n));
    assert_int_equal(cs_crypto_sign(key, msg, sizeof(msg), good, &sig_len), CS_OK);

    for (int half = 0; half < 2; half++) {
        uint8_t *scalar = bad + 32 * half;

        memcpy(bad, good, sizeof(bad));
        memset(scalar, 0, 32);
        assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, msg, sizeof(msg), bad, 64),
                         CS_ERR_SIGNATURE);
        memcpy(scalar, n, 32);
        assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, msg, sizeof(msg), bad, 64),
                         CS_ERR_SIGNATURE);
        memset(scalar, 0xff, 32);
        assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, msg, sizeof(msg), bad, 64),
                         CS_ERR_SIGNATURE);
    }
    memset(bad, 0, sizeof(bad));
    assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, msg, sizeof(msg), bad, 64),
                     CS_ERR_SIGNATURE);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, msg, sizeof(msg), good, sig_len), CS_OK);
    cs_key_free(&key);
}

/* RFC 8032 §7.1 TEST 1: the empty message. */
static void test_rfc8032_test1(void **state)
{
    uint8_t pub[32], sig[64], x[32];
    cs_key_t *key = NULL;
    (void)state;

    /* secret 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60 */
    hex_to_bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", pub,
                 sizeof(pub));
    hex_to_bytes("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33"
                 "bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                 sig, sizeof(sig));
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_EDDSA, pub, 32, NULL, 0, &key), CS_OK);
    assert_false(cs_key_has_private(key));
    assert_int_equal(cs_key_alg(key), CS_ALG_EDDSA);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, NULL, 0, sig, sizeof(sig)), CS_OK);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, (const uint8_t *)"", 0, sig, 64), CS_OK);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, (const uint8_t *)"x", 1, sig, 64),
                     CS_ERR_SIGNATURE);
    assert_int_equal(cs_key_public_coordinates(key, x, NULL), CS_OK);
    assert_memory_equal(x, pub, 32);
    /* A public-only key cannot sign. */
    size_t sig_len = 0;
    assert_int_equal(cs_crypto_sign(key, NULL, 0, sig, &sig_len), CS_ERR_ARGUMENT);
    cs_key_free(&key);
}

/* ---- coordinates ------------------------------------------------------------- */

static void coordinates_round_trip(cs_alg alg)
{
    uint8_t x[32], y[32], x2[32], y2[32];
    uint8_t sig[CS_SIGNATURE_MAX];
    size_t sig_len = 0;
    cs_key_t *key = generate(alg);
    cs_key_t *pub = NULL;
    bool ec = alg == CS_ALG_ES256;

    assert_int_equal(cs_key_public_coordinates(key, x, ec ? y : NULL), CS_OK);
    assert_int_equal(cs_key_from_public_coordinates(alg, x, 32, ec ? y : NULL, ec ? 32 : 0, &pub),
                     CS_OK);
    assert_true(cs_key_public_equal(key, pub));
    assert_memory_equal(cs_key_kid(key), cs_key_kid(pub), CS_KID_SIZE);
    assert_false(cs_key_has_private(pub));
    assert_int_equal(cs_key_public_coordinates(pub, x2, ec ? y2 : NULL), CS_OK);
    assert_memory_equal(x, x2, 32);
    if (ec)
        assert_memory_equal(y, y2, 32);
    assert_int_equal(cs_crypto_sign(key, (const uint8_t *)"abc", 3, sig, &sig_len), CS_OK);
    assert_int_equal(cs_crypto_verify(pub, alg, (const uint8_t *)"abc", 3, sig, sig_len), CS_OK);

    /* Lengths and arguments. */
    cs_key_t *none = NULL;
    assert_int_equal(cs_key_from_public_coordinates(alg, x, 31, y, ec ? 32 : 0, &none),
                     CS_ERR_ARGUMENT);
    assert_int_equal(cs_key_from_public_coordinates(alg, x, 33, y, ec ? 32 : 0, &none),
                     CS_ERR_ARGUMENT);
    if (ec) {
        assert_int_equal(cs_key_from_public_coordinates(alg, x, 32, y, 31, &none), CS_ERR_ARGUMENT);
        assert_int_equal(cs_key_from_public_coordinates(alg, x, 32, NULL, 0, &none),
                         CS_ERR_ARGUMENT);
        assert_int_equal(cs_key_public_coordinates(key, x, NULL), CS_ERR_ARGUMENT);
    }
    assert_int_equal(cs_key_from_public_coordinates((cs_alg)-35, x, 32, y, 32, &none),
                     CS_ERR_UNSUPPORTED);
    assert_null(none);

    cs_key_free(&key);
    cs_key_free(&pub);
}

static void test_coordinates_eddsa(void **state)
{
    (void)state;
    coordinates_round_trip(CS_ALG_EDDSA);
}

static void test_coordinates_es256(void **state)
{
    (void)state;
    coordinates_round_trip(CS_ALG_ES256);
}

/* The P-256 key of the COSE WG examples (x, y from base64url
 * usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8 and
 * IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4). */
static const char cose_example_x[] =
    "bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff";
static const char cose_example_y[] =
    "20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e";

static void test_cose_example_p256(void **state)
{
    uint8_t x[32], y[32], x2[32], y2[32];
    cs_key_t *key = NULL;
    (void)state;

    hex_to_bytes(cose_example_x, x, sizeof(x));
    hex_to_bytes(cose_example_y, y, sizeof(y));
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_ES256, x, 32, y, 32, &key), CS_OK);
    assert_int_equal(cs_key_alg(key), CS_ALG_ES256);
    assert_int_equal(cs_key_public_coordinates(key, x2, y2), CS_OK);
    assert_memory_equal(x, x2, 32);
    assert_memory_equal(y, y2, 32);
    cs_key_free(&key);
}

static void test_p256_point_off_curve(void **state)
{
    uint8_t x[32], y[32];
    cs_key_t *key = NULL;
    (void)state;

    hex_to_bytes(cose_example_x, x, sizeof(x));
    hex_to_bytes(cose_example_y, y, sizeof(y));
    y[31] ^= 0x01;
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_ES256, x, 32, y, 32, &key),
                     CS_ERR_KEY_PARSE);
    assert_null(key);
    /* (0, 0) is not on the curve either. */
    memset(x, 0, sizeof(x));
    memset(y, 0, sizeof(y));
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_ES256, x, 32, y, 32, &key),
                     CS_ERR_KEY_PARSE);
    /* Coordinates >= p are refused. */
    memset(x, 0xff, sizeof(x));
    memset(y, 0xff, sizeof(y));
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_ES256, x, 32, y, 32, &key),
                     CS_ERR_KEY_PARSE);
    assert_null(key);
}

/* ---- weak keys and strict Ed25519 signatures (RFC 8032 §5.1.7) ------------- */

#define WEAK_KEY_DIR "tests/data/keys"

/* The 32-byte x of an Ed25519 SPKI PEM block in text (the last 32 of its
 * 44 DER bytes): 0 on success. */
static int spki_ed25519_x(const char *text, uint8_t x[32])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strstr(text, "-----BEGIN PUBLIC KEY-----");
    uint8_t der[64];
    size_t n = 0;
    unsigned acc = 0, bits = 0;

    if (p == NULL)
        return -1;
    p = strchr(p, '\n');
    for (; p != NULL && *p != '\0' && *p != '-' && *p != '='; p++) {
        const char *c = strchr(alphabet, *p);
        if (*p == '\n' || c == NULL)
            continue;
        acc = (acc << 6) | (unsigned)(c - alphabet);
        bits += 6;
        if (bits >= 8 && n < sizeof(der)) {
            bits -= 8;
            der[n++] = (uint8_t)(acc >> bits);
        }
    }
    if (n != 44)
        return -1;
    memcpy(x, der + 12, 32);
    return 0;
}

/*
 * tests/data/keys/<case>.pem: line 1 says why the key must be refused, line
 * 2 names the error, then the PEM block.  Each is refused by the PEM loader
 * and by the trust store, and an Ed25519 one also as the raw x a cnf
 * carries.
 */
static void test_weak_key_files(void **state)
{
    cs_file_list files;
    size_t cases = 0;
    (void)state;

    assert_int_equal(helper_list_suffix(WEAK_KEY_DIR, ".pem", &files), CS_OK);
    for (size_t i = 0; i < files.count; i++) {
        const char *path = files.paths[i];
        const char *name = strrchr(path, '/') + 1;
        char text[4096], expected[64] = "";
        cs_key_t *key = NULL;
        cs_trust_t *trust = NULL;
        char detail[256] = "";
        size_t len = read_text(path, text, sizeof(text));
        const char *line2 = strchr(text, '\n');
        assert_non_null(line2);
        assert_int_equal(sscanf(line2 + 1, "%63s", expected), 1);

        cs_err err = cs_key_load_public_pem(text, len, &key);
        if (strcmp(cs_err_name(err), expected) != 0)
            fail_msg("%s: expected %s, got %s", path, expected, cs_err_name(err));
        assert_null(key);
        assert_int_equal(cs_key_load_public_file(path, &key), err);
        assert_int_equal(cs_trust_new(&trust), CS_OK);
        assert_int_equal(cs_trust_load(trust, path, detail, sizeof(detail)), err);
        cs_trust_free(&trust);

        if (strncmp(name, "ed25519-", 8) == 0) {
            uint8_t x[32];
            assert_int_equal(spki_ed25519_x(text, x), 0);
            assert_int_equal(cs_key_from_public_coordinates(CS_ALG_EDDSA, x, 32, NULL, 0, &key),
                             err);
            assert_null(key);
        }
        cases++;
    }
    cs_file_list_clear(&files);
    assert_true(cases >= 7);
}

/* An Ed25519 signature (R, S) by a real key with S + L, L or 2^256 - 1 in
 * place of S: only the S < L rule refuses the first (OpenSSL applies it
 * too). */
static void test_eddsa_s_not_reduced(void **state)
{
    /* L, little-endian */
    static const uint8_t order[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                      0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                      0,    0,    0,    0,    0,    0,    0,    0,
                                      0,    0,    0,    0,    0,    0,    0,    0x10};
    static const uint8_t msg[] = "message";
    uint8_t sig[CS_SIGNATURE_MAX], bad[CS_SIGNATURE_MAX];
    size_t sig_len = 0;
    unsigned carry = 0;
    cs_key_t *key = generate(CS_ALG_EDDSA);
    (void)state;

    assert_int_equal(cs_crypto_sign(key, msg, sizeof(msg), sig, &sig_len), CS_OK);
    memcpy(bad, sig, sizeof(bad));
    for (size_t i = 0; i < 32; i++) {
        unsigned sum = bad[32 + i] + order[i] + carry;
        bad[32 + i] = (uint8_t)sum;
        carry = sum >> 8;
    }
    assert_int_equal(carry, 0); /* S < L < 2^253, so S + L < 2^256 */
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, msg, sizeof(msg), bad, 64),
                     CS_ERR_SIGNATURE);
    memcpy(bad + 32, order, 32);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, msg, sizeof(msg), bad, 64),
                     CS_ERR_SIGNATURE);
    memset(bad + 32, 0xff, 32);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, msg, sizeof(msg), bad, 64),
                     CS_ERR_SIGNATURE);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, msg, sizeof(msg), sig, 64), CS_OK);
    cs_key_free(&key);
}

/*
 * RFC 8032 §7.1 TEST 1's key signing "" with R = the identity: with secret
 * scalar a and k = SHA-512(R || A || M) mod L, S = k * a mod L satisfies
 * [S]B = R + [k]A, so a cofactorless verifier such as OpenSSL accepts it
 * (computed outside the library, as tests/data/tokens/make_tokens.py
 * does).  A small-order R is refused.
 */
#define SMALL_ORDER_R_SIGNATURE                                                                    \
    "0100000000000000000000000000000000000000000000000000000000000000"                             \
    "756cf9b1d6f0d7a979b9d2af3dc2bc1294ec7cb6daa20eaff534c024fc57920f"

static void test_eddsa_small_order_r(void **state)
{
    uint8_t pub[32], sig[64];
    cs_key_t *key = NULL;
    (void)state;

    hex_to_bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", pub,
                 sizeof(pub));
    hex_to_bytes(SMALL_ORDER_R_SIGNATURE, sig, sizeof(sig));
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_EDDSA, pub, 32, NULL, 0, &key), CS_OK);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, NULL, 0, sig, sizeof(sig)),
                     CS_ERR_SIGNATURE);
    cs_key_free(&key);
}

/* The forgery a small-order key allows: the identity as key is refused
 * when the key is made; with a sound key, the identity as R with S = 0 is
 * refused too. */
static void test_eddsa_identity_forgery(void **state)
{
    uint8_t identity[32] = {1}, sig[64] = {1};
    uint8_t pub[32];
    cs_key_t *key = NULL;
    (void)state;

    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_EDDSA, identity, 32, NULL, 0, &key),
                     CS_ERR_KEY_WEAK);
    assert_null(key);
    hex_to_bytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", pub,
                 sizeof(pub));
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_EDDSA, pub, 32, NULL, 0, &key), CS_OK);
    assert_int_equal(cs_crypto_verify(key, CS_ALG_EDDSA, (const uint8_t *)"x", 1, sig, 64),
                     CS_ERR_SIGNATURE);
    cs_key_free(&key);
}

/* ES256 signatures certseal makes have s <= (n - 1) / 2; the high-s twin
 * (r, n - s) still verifies. */
static void test_es256_low_s(void **state)
{
    static const char order[] = /* n of P-256 */
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
    static const char half[] = /* (n - 1) / 2 */
        "7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8";
    uint8_t n[32], h[32], sig[CS_SIGNATURE_MAX], high[CS_SIGNATURE_MAX];
    size_t sig_len = 0;
    cs_key_t *key = generate(CS_ALG_ES256);
    (void)state;

    hex_to_bytes(order, n, sizeof(n));
    hex_to_bytes(half, h, sizeof(h));
    /* 64 signatures: a high s would show up in about half of them. */
    for (int i = 0; i < 64; i++) {
        uint8_t msg[1] = {(uint8_t)i};
        int borrow = 0;
        assert_int_equal(cs_crypto_sign(key, msg, 1, sig, &sig_len), CS_OK);
        assert_true(memcmp(sig + 32, h, 32) <= 0);
        memcpy(high, sig, 32);
        for (int j = 31; j >= 0; j--) {
            int d = n[j] - sig[32 + j] - borrow;
            borrow = d < 0;
            high[32 + j] = (uint8_t)(d + (borrow ? 256 : 0));
        }
        assert_true(memcmp(high + 32, h, 32) > 0);
        assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, msg, 1, sig, 64), CS_OK);
        assert_int_equal(cs_crypto_verify(key, CS_ALG_ES256, msg, 1, high, 64), CS_OK);
    }
    cs_key_free(&key);
}

/* ---- kid of the shared vector keys --------------------------------------------- */

/*
 * Expected kids, computed outside the library:
 *   openssl pkey -pubin -in vectors/roundtrip/keys/EdDSA-public.pem -outform DER | sha256sum
 *     1d109d288c4524024f02c38fc7e16fc2f677ab994baa8b6ec7574f70bf38290c
 *   openssl pkey -pubin -in vectors/roundtrip/keys/ES256-public.pem -outform DER | sha256sum
 *     da4b12f287ad873816c20a7ad08d9ca78c09ee95312cc9803d12cb40284e2fdf
 */
static void expect_vector_kid(const char *name, const char *kid_hex, cs_alg alg)
{
    char path[256];
    uint8_t kid[CS_KID_SIZE];
    cs_key_t *pub = NULL, *priv = NULL;

    hex_to_bytes(kid_hex, kid, sizeof(kid));
    snprintf(path, sizeof(path), VECTOR_KEYS "%s-public.pem", name);
    assert_int_equal(cs_key_load_public_file(path, &pub), CS_OK);
    assert_int_equal(cs_key_alg(pub), alg);
    assert_false(cs_key_has_private(pub));
    assert_memory_equal(cs_key_kid(pub), kid, CS_KID_SIZE);

    snprintf(path, sizeof(path), VECTOR_KEYS "%s-private.pem", name);
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &priv), CS_OK);
    assert_true(cs_key_has_private(priv));
    assert_memory_equal(cs_key_kid(priv), kid, CS_KID_SIZE);
    assert_true(cs_key_public_equal(pub, priv));

    uint8_t sig[CS_SIGNATURE_MAX];
    size_t sig_len = 0;
    assert_int_equal(cs_crypto_sign(priv, (const uint8_t *)"v", 1, sig, &sig_len), CS_OK);
    assert_int_equal(cs_crypto_verify(pub, alg, (const uint8_t *)"v", 1, sig, sig_len), CS_OK);

    cs_key_free(&pub);
    cs_key_free(&priv);
}

static void test_vector_kids(void **state)
{
    (void)state;
    expect_vector_kid("EdDSA", "1d109d288c452402", CS_ALG_EDDSA);
    expect_vector_kid("ES256", "da4b12f287ad8738", CS_ALG_ES256);
}

/* The ES256 vector key with its point compressed
 * (openssl ec -pubout -conv_form compressed) has the same kid. */
static void test_compressed_spki_same_kid(void **state)
{
    static const char pem[] = "-----BEGIN PUBLIC KEY-----\n"
                              "MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgACUlj/TEEwQ+1F1nA2sadmrPe/F1B9\n"
                              "zt8Kpoc2ZaiHOMI=\n"
                              "-----END PUBLIC KEY-----\n";
    uint8_t kid[CS_KID_SIZE];
    cs_key_t *key = NULL;
    (void)state;

    hex_to_bytes("da4b12f287ad8738", kid, sizeof(kid));
    assert_int_equal(cs_key_load_public_pem(pem, strlen(pem), &key), CS_OK);
    assert_memory_equal(cs_key_kid(key), kid, CS_KID_SIZE);
    cs_key_free(&key);
}

/* ---- key types we refuse -------------------------------------------------------- */

/* openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 */
static const char rsa_private_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBALKoDVBYIPRZLAYL\n"
    "lbnZz8Ml5L6N1+vIEttjICorqIzZcO4iL6GSAc3+FrbFINBqc6Rf8OFPMSHLCZBf\n"
    "PcO7Y5TZdwuzAr4FaXCrUpzgpJV9BK4lF0F7ktbzaopmEUSZJsaa5lDpLiWU6VtA\n"
    "/liVop9ONnM4M/+hUK58iHyBfjwxAgMBAAECgYAr/BHjEP90CSw8hMelDQoIqqCp\n"
    "hXR+eTCjUMFPgJYrrzENf98oMTE+jOr8roXIqhy0gGZmoj+faUR+heRH9y+pwQHI\n"
    "5onjFT+YDqKylQKufVpejXVMfGhUNGPTAtktU0Vdh6jHsiBKc7liZrKu86tJD+Rs\n"
    "GKXaB6gzPC+A3p9YrQJBAO4xLk3cTAX8qh4++MVc59R7VtR0Oq8HJez1wjQuzl6K\n"
    "RyhOOgP3tGuzsqKL+MsA+DjFVxDNgZ6epuBOs4OarOsCQQDAA2cv9FSIPmDQVk6b\n"
    "zqzhXwcRHHeAM2cT4OMwNzdH6XvELD3hQyAyJROaWhrErYppLPMDDUg3XglBFDaX\n"
    "zYRTAkASshmIUvpEnghcR2UPWLN5ohS2qEjS5CS97KxJnELmeMQNDdbP6Oloarpi\n"
    "t8nXZUQWcKbc0sSRxrIieQruEX3xAkEArNrja8IyzywIj8UCozTdYU3g2MCdu6WK\n"
    "p9SN8XvjojNIngON+Voqg7no+c0fx+rKbYBvjFHKrz1Sa2m888+pzQJBAIX3d6m9\n"
    "4Bed2pFjan5dNrZ4Ht2X2xT/l7HvcwbbDdltMc5gsepA0AdT0LAWzq6ggb7nnbgP\n"
    "xliSM6NGLghciyU=\n"
    "-----END PRIVATE KEY-----\n";

static void test_rsa_key_type(void **state)
{
    char path[256];
    cs_key_t *key = NULL;

    path_in(state, "rsa.pem", path, sizeof(path));
    write_text(path, rsa_private_pem);
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &key), CS_ERR_KEY_TYPE);
    assert_null(key);
    assert_int_equal(
        cs_key_load_private_pem(rsa_private_pem, strlen(rsa_private_pem), NULL, 0, &key),
        CS_ERR_KEY_TYPE);
    assert_null(key);
}

static void test_other_key_types(void **state)
{
    static const char *const privates[] = {
        /* openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 */
        "-----BEGIN PRIVATE KEY-----\n"
        "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDAx8wcfq2UjYtm9s+kv\n"
        "OEwctf+JGpLA9Z0GFqHso8nBuvyFZGstm6Lz8lnKnH/EG++hZANiAATrJagt2Yar\n"
        "9IqaLPvKyBba5xIMLRY8cXffEn8qOMcuPgevX4rPQGhmCAirMnAypnAFVHQPjuAR\n"
        "0csAgPxJqRfuFGw+4kJYOgWKIEBQTAeXlkhIaYcjV0b7kjHtomRF5pk=\n"
        "-----END PRIVATE KEY-----\n",
        /* openssl genpkey -algorithm ED448 */
        "-----BEGIN PRIVATE KEY-----\n"
        "MEcCAQAwBQYDK2VxBDsEOWB7rS2GRXqYfsI2xpnxjXcCBhbbO3rlnJo7V3SoiX8E\n"
        "YHPomrILfXtRT/Dhmz37Eyrx7R28ICh/iw==\n"
        "-----END PRIVATE KEY-----\n",
        /* openssl genpkey -algorithm X25519 */
        "-----BEGIN PRIVATE KEY-----\n"
        "MC4CAQAwBQYDK2VuBCIEILjstVgcd+GqjywmIHp65XmNzUoQ9z8DRSQ/zS1WvsFp\n"
        "-----END PRIVATE KEY-----\n",
    };
    static const char *const publics[] = {
        /* the P-384 key above, openssl pkey -pubout */
        "-----BEGIN PUBLIC KEY-----\n"
        "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE6yWoLdmGq/SKmiz7ysgW2ucSDC0WPHF3\n"
        "3xJ/KjjHLj4Hr1+Kz0BoZggIqzJwMqZwBVR0D47gEdHLAID8SakX7hRsPuJCWDoF\n"
        "iiBAUEwHl5ZISGmHI1dG+5Ix7aJkReaZ\n"
        "-----END PUBLIC KEY-----\n",
        /* P-256 with explicit curve parameters (ec_param_enc:explicit),
         * which RFC 5480 §2.1.1 forbids */
        "-----BEGIN PUBLIC KEY-----\n"
        "MIIBSzCCAQMGByqGSM49AgEwgfcCAQEwLAYHKoZIzj0BAQIhAP////8AAAABAAAA\n"
        "AAAAAAAAAAAA////////////////MFsEIP////8AAAABAAAAAAAAAAAAAAAA////\n"
        "///////////8BCBaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMVAMSd\n"
        "NgiG5wSTamZ44ROdJreBn36QBEEEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5\n"
        "RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9QIhAP////8AAAAA\n"
        "//////////+85vqtpxeehPO5ysL8YyVRAgEBA0IABAmWdt0idnBdJSD/iSLka+lx\n"
        "RzfyYIdzDm1tYTB+loqSLD1EWCzClpRm9tQcatOVpy1bCSwTNTf+a8LY6wN6xfQ=\n"
        "-----END PUBLIC KEY-----\n",
    };
    cs_key_t *key = NULL;
    (void)state;

    for (size_t i = 0; i < sizeof(privates) / sizeof(privates[0]); i++) {
        assert_int_equal(cs_key_load_private_pem(privates[i], strlen(privates[i]), NULL, 0, &key),
                         CS_ERR_KEY_TYPE);
        assert_null(key);
    }
    for (size_t i = 0; i < sizeof(publics) / sizeof(publics[0]); i++) {
        assert_int_equal(cs_key_load_public_pem(publics[i], strlen(publics[i]), &key),
                         CS_ERR_KEY_TYPE);
        assert_null(key);
    }
}

static void test_garbage(void **state)
{
    static const char garbage[] = "not a key at all\n";
    static const char bad_base64[] = "-----BEGIN PRIVATE KEY-----\n"
                                     "!!!!\n"
                                     "-----END PRIVATE KEY-----\n";
    static const char bad_encrypted[] = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                                        "MAMCAQA=\n" /* SEQUENCE { INTEGER 0 } */
                                        "-----END ENCRYPTED PRIVATE KEY-----\n";
    cs_key_t *key = NULL;
    char path[256];

    assert_int_equal(cs_key_load_private_pem(garbage, strlen(garbage), NULL, 0, &key),
                     CS_ERR_KEY_PARSE);
    assert_int_equal(cs_key_load_private_pem(garbage, strlen(garbage), "pw", 2, &key),
                     CS_ERR_KEY_PARSE);
    assert_int_equal(cs_key_load_private_pem(bad_base64, strlen(bad_base64), NULL, 0, &key),
                     CS_ERR_KEY_PARSE);
    assert_int_equal(cs_key_load_private_pem("", 0, NULL, 0, &key), CS_ERR_KEY_PARSE);
    assert_int_equal(cs_key_load_public_pem(garbage, strlen(garbage), &key), CS_ERR_KEY_PARSE);
    assert_null(key);
    /* An encrypted header over a body that is no EncryptedPrivateKeyInfo:
     * malformed, not a wrong passphrase. */
    assert_true(cs_key_pem_is_encrypted(bad_encrypted, strlen(bad_encrypted)));
    assert_int_equal(cs_key_load_private_pem(bad_encrypted, strlen(bad_encrypted), "pw", 2, &key),
                     CS_ERR_KEY_PARSE);
    assert_int_equal(cs_key_load_private_pem(bad_encrypted, strlen(bad_encrypted), NULL, 0, &key),
                     CS_ERR_KEY_NEEDS_PASSPHRASE);
    /* A public key is no private key, and the other way round. */
    assert_int_equal(cs_key_load_private_file(VECTOR_KEYS "EdDSA-public.pem", NULL, 0, &key),
                     CS_ERR_KEY_PARSE);
    assert_int_equal(cs_key_load_public_file(VECTOR_KEYS "EdDSA-private.pem", &key),
                     CS_ERR_KEY_PARSE);
    assert_null(key);

    path_in(state, "missing.pem", path, sizeof(path));
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &key), CS_ERR_IO_OPEN);
    assert_int_equal(cs_key_load_public_file(path, &key), CS_ERR_IO_OPEN);
    assert_null(key);
}

static void test_too_large(void **state)
{
    char path[256];
    cs_key_t *key = NULL;
    char *big = malloc(CS_KEY_FILE_MAX + 2);

    assert_non_null(big);
    memset(big, 'A', CS_KEY_FILE_MAX + 1);
    big[CS_KEY_FILE_MAX + 1] = '\0';
    path_in(state, "big.pem", path, sizeof(path));
    write_text(path, big);
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &key), CS_ERR_TOO_LARGE);
    assert_int_equal(cs_key_load_public_file(path, &key), CS_ERR_TOO_LARGE);
    assert_int_equal(cs_key_load_private_pem(big, CS_KEY_FILE_MAX + 1, NULL, 0, &key),
                     CS_ERR_TOO_LARGE);
    assert_null(key);
    free(big);
}

/* ---- writing and loading key files ------------------------------------------------ */

static void write_load_private(void **state, cs_alg alg)
{
    char plain[256], locked[256], text[4096];
    cs_key_t *key = generate(alg);
    cs_key_t *loaded = NULL;

    path_in(state, "plain.pem", plain, sizeof(plain));
    path_in(state, "locked.pem", locked, sizeof(locked));

    /* Unencrypted PKCS#8. */
    assert_int_equal(cs_key_write_private_file(key, plain, NULL, 0, 0), CS_OK);
    assert_int_equal(file_mode(plain), 0600);
    size_t len = read_text(plain, text, sizeof(text));
    assert_non_null(strstr(text, "-----BEGIN PRIVATE KEY-----"));
    assert_false(cs_key_pem_is_encrypted(text, len));
    assert_int_equal(cs_key_load_private_file(plain, NULL, 0, &loaded), CS_OK);
    assert_true(cs_key_has_private(loaded));
    assert_int_equal(cs_key_alg(loaded), alg);
    assert_true(cs_key_public_equal(key, loaded));
    assert_memory_equal(cs_key_kid(key), cs_key_kid(loaded), CS_KID_SIZE);
    cs_key_free(&loaded);
    /* A passphrase for a key that has none is not needed and not an error. */
    assert_int_equal(cs_key_load_private_file(plain, "unused", 6, &loaded), CS_OK);
    cs_key_free(&loaded);

    /* Encrypted PKCS#8. */
    assert_int_equal(cs_key_write_private_file(key, locked, passphrase, strlen(passphrase), 0),
                     CS_OK);
    assert_int_equal(file_mode(locked), 0600);
    len = read_text(locked, text, sizeof(text));
    assert_non_null(strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert_true(cs_key_pem_is_encrypted(text, len));
    assert_int_equal(cs_key_load_private_file(locked, NULL, 0, &loaded),
                     CS_ERR_KEY_NEEDS_PASSPHRASE);
    assert_null(loaded);
    assert_int_equal(cs_key_load_private_file(locked, "wrong", 5, &loaded), CS_ERR_KEY_PASSPHRASE);
    assert_null(loaded);
    assert_int_equal(cs_key_load_private_file(locked, passphrase, strlen(passphrase) - 1, &loaded),
                     CS_ERR_KEY_PASSPHRASE);
    assert_int_equal(cs_key_load_private_file(locked, "", 0, &loaded), CS_ERR_KEY_PASSPHRASE);
    assert_int_equal(cs_key_load_private_pem(text, len, "wrong", 5, &loaded),
                     CS_ERR_KEY_PASSPHRASE);
    assert_null(loaded);
    assert_int_equal(cs_key_load_private_file(locked, passphrase, strlen(passphrase), &loaded),
                     CS_OK);
    assert_true(cs_key_public_equal(key, loaded));
    assert_true(cs_key_has_private(loaded));

    /* The reloaded key signs what the original verifies. */
    uint8_t sig[CS_SIGNATURE_MAX];
    size_t sig_len = 0;
    assert_int_equal(cs_crypto_sign(loaded, (const uint8_t *)"x", 1, sig, &sig_len), CS_OK);
    assert_int_equal(cs_crypto_verify(key, alg, (const uint8_t *)"x", 1, sig, sig_len), CS_OK);

    cs_key_free(&loaded);
    cs_key_free(&key);
}

static void test_write_load_private_eddsa(void **state)
{
    write_load_private(state, CS_ALG_EDDSA);
}

static void test_write_load_private_es256(void **state)
{
    write_load_private(state, CS_ALG_ES256);
}

static void test_empty_passphrase(void **state)
{
    char path[256];
    cs_key_t *key = generate(CS_ALG_EDDSA);
    cs_key_t *loaded = NULL;

    /* A non-NULL empty passphrase still encrypts. */
    path_in(state, "empty.pem", path, sizeof(path));
    assert_int_equal(cs_key_write_private_file(key, path, "", 0, 0), CS_OK);
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &loaded), CS_ERR_KEY_NEEDS_PASSPHRASE);
    assert_int_equal(cs_key_load_private_file(path, "x", 1, &loaded), CS_ERR_KEY_PASSPHRASE);
    assert_int_equal(cs_key_load_private_file(path, "", 0, &loaded), CS_OK);
    assert_true(cs_key_public_equal(key, loaded));
    cs_key_free(&loaded);
    cs_key_free(&key);
}

static void test_write_refusals(void **state)
{
    char path[256];
    char *long_passphrase = malloc(2000);
    cs_key_t *key = generate(CS_ALG_EDDSA);
    cs_key_t *pub = NULL;
    uint8_t x[32];

    assert_non_null(long_passphrase);
    memset(long_passphrase, 'p', 2000);
    path_in(state, "k.pem", path, sizeof(path));
    /* Too long for OpenSSL's PEM reader to load back. */
    assert_int_equal(cs_key_write_private_file(key, path, long_passphrase, 2000, 0),
                     CS_ERR_ARGUMENT);
    assert_int_equal(access(path, F_OK), -1);
    /* A public-only key has no private half to write. */
    assert_int_equal(cs_key_public_coordinates(key, x, NULL), CS_OK);
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_EDDSA, x, 32, NULL, 0, &pub), CS_OK);
    assert_int_equal(cs_key_write_private_file(pub, path, NULL, 0, 0), CS_ERR_ARGUMENT);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(cs_key_write_private_file(NULL, path, NULL, 0, 0), CS_ERR_ARGUMENT);
    assert_int_equal(cs_key_write_private_file(key, NULL, NULL, 0, 0), CS_ERR_ARGUMENT);
    assert_int_equal(cs_key_write_public_file(NULL, path, 0), CS_ERR_ARGUMENT);
    /* A folder that does not exist. */
    path_in(state, "no/such/folder.pem", path, sizeof(path));
    assert_int_equal(cs_key_write_private_file(key, path, NULL, 0, 0), CS_ERR_IO_OPEN);
    cs_key_free(&pub);
    cs_key_free(&key);
    free(long_passphrase);
}

static void test_write_existing_and_force(void **state)
{
    static const char old[] = "old content\n";
    char path[256], text[4096];
    cs_key_t *key = generate(CS_ALG_ES256);
    cs_key_t *loaded = NULL;

    path_in(state, "exists.pem", path, sizeof(path));
    write_text(path, old);
    assert_int_equal(cs_key_write_private_file(key, path, NULL, 0, 0), CS_ERR_FILE_EXISTS);
    read_text(path, text, sizeof(text));
    assert_string_equal(text, old);
    assert_int_equal(cs_key_write_public_file(key, path, 0), CS_ERR_FILE_EXISTS);
    read_text(path, text, sizeof(text));
    assert_string_equal(text, old);

    assert_int_equal(cs_key_write_private_file(key, path, NULL, 0, CS_KEY_WRITE_FORCE), CS_OK);
    assert_int_equal(file_mode(path), 0600);
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &loaded), CS_OK);
    assert_true(cs_key_public_equal(key, loaded));
    cs_key_free(&loaded);

    assert_int_equal(cs_key_write_public_file(key, path, CS_KEY_WRITE_FORCE), CS_OK);
    assert_int_equal(file_mode(path), 0644);
    assert_int_equal(cs_key_load_public_file(path, &loaded), CS_OK);
    assert_true(cs_key_public_equal(key, loaded));
    cs_key_free(&loaded);
    cs_key_free(&key);
}

static void test_symlink_not_followed(void **state)
{
    static const char victim_text[] = "must stay as it is\n";
    char victim[256], link_path[256], text[4096];
    struct stat st;
    cs_key_t *key = generate(CS_ALG_EDDSA);

    path_in(state, "victim.txt", victim, sizeof(victim));
    path_in(state, "link.pem", link_path, sizeof(link_path));
    write_text(victim, victim_text);
    assert_int_equal(symlink(victim, link_path), 0);

    assert_int_equal(cs_key_write_private_file(key, link_path, NULL, 0, 0), CS_ERR_FILE_EXISTS);
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    read_text(victim, text, sizeof(text));
    assert_string_equal(text, victim_text);

    /* Forced, the link itself is replaced; its target is left alone. */
    assert_int_equal(cs_key_write_private_file(key, link_path, NULL, 0, CS_KEY_WRITE_FORCE), CS_OK);
    assert_int_equal(file_mode(link_path), 0600);
    read_text(victim, text, sizeof(text));
    assert_string_equal(text, victim_text);

    /* A dangling link is not followed either. */
    char dangling[256], target[256];
    path_in(state, "dangling.pem", dangling, sizeof(dangling));
    path_in(state, "target.pem", target, sizeof(target));
    assert_int_equal(symlink(target, dangling), 0);
    assert_int_equal(cs_key_write_private_file(key, dangling, NULL, 0, 0), CS_ERR_FILE_EXISTS);
    assert_int_equal(access(target, F_OK), -1);
    cs_key_free(&key);
}

/* A key others can write is refused; one others can read loads, with the
 * exposure reported for the caller to warn about. */
static void test_private_file_permissions(void **state)
{
    char path[256];
    cs_key_t *key = generate(CS_ALG_EDDSA), *loaded = NULL;
    uint8_t *text = NULL;
    size_t len = 0;
    unsigned exposure = 99;

    path_in(state, "perm.pem", path, sizeof(path));
    assert_int_equal(cs_key_write_private_file(key, path, NULL, 0, 0), CS_OK);
    assert_int_equal(cs_file_read_private(path, CS_KEY_FILE_MAX, &text, &len, &exposure), CS_OK);
    assert_int_equal(exposure, 0);
    free(text);

    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(cs_file_read_private(path, CS_KEY_FILE_MAX, &text, &len, &exposure), CS_OK);
    assert_int_equal(exposure, CS_FILE_GROUP_READABLE | CS_FILE_OTHERS_READABLE);
    free(text);
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &loaded), CS_OK);
    cs_key_free(&loaded);

    assert_int_equal(chmod(path, 0620), 0);
    assert_int_equal(cs_file_read_private(path, CS_KEY_FILE_MAX, &text, &len, &exposure), CS_OK);
    assert_int_equal(exposure, CS_FILE_GROUP_WRITABLE);
    free(text);

    assert_int_equal(chmod(path, 0666), 0);
    text = (uint8_t *)"not touched";
    assert_int_equal(cs_file_read_private(path, CS_KEY_FILE_MAX, &text, &len, &exposure),
                     CS_ERR_FILE_PERMISSIONS);
    assert_null(text);
    assert_true(exposure & CS_FILE_OTHERS_WRITABLE);
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &loaded), CS_ERR_FILE_PERMISSIONS);
    assert_null(loaded);
    assert_int_equal(chmod(path, 0602), 0);
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &loaded), CS_ERR_FILE_PERMISSIONS);
    assert_int_equal(cs_file_read_private("-", CS_KEY_FILE_MAX, &text, &len, &exposure),
                     CS_ERR_ARGUMENT);
    cs_key_free(&key);
}

static void test_write_load_public(void **state)
{
    char path[256], text[4096];
    cs_key_t *keys[2] = {generate(CS_ALG_EDDSA), generate(CS_ALG_ES256)};

    for (size_t i = 0; i < 2; i++) {
        cs_key_t *pub = NULL;
        path_in(state, i == 0 ? "ed.pub" : "ec.pub", path, sizeof(path));
        assert_int_equal(cs_key_write_public_file(keys[i], path, 0), CS_OK);
        assert_int_equal(file_mode(path), 0644);
        read_text(path, text, sizeof(text));
        assert_non_null(strstr(text, "-----BEGIN PUBLIC KEY-----"));
        assert_null(strstr(text, "PRIVATE"));
        assert_int_equal(cs_key_load_public_file(path, &pub), CS_OK);
        assert_false(cs_key_has_private(pub));
        assert_int_equal(cs_key_alg(pub), cs_key_alg(keys[i]));
        assert_memory_equal(cs_key_kid(pub), cs_key_kid(keys[i]), CS_KID_SIZE);
        assert_true(cs_key_public_equal(pub, keys[i]));
        /* A public key writes out again, but not as a private one. */
        assert_int_equal(cs_key_write_public_file(pub, path, CS_KEY_WRITE_FORCE), CS_OK);
        assert_int_equal(cs_key_write_private_file(pub, path, NULL, 0, CS_KEY_WRITE_FORCE),
                         CS_ERR_ARGUMENT);
        cs_key_free(&pub);
    }
    /* Different keys differ. */
    assert_false(cs_key_public_equal(keys[0], keys[1]));
    cs_key_t *other = generate(CS_ALG_EDDSA);
    assert_false(cs_key_public_equal(keys[0], other));
    assert_memory_not_equal(cs_key_kid(keys[0]), cs_key_kid(other), CS_KID_SIZE);
    assert_false(cs_key_public_equal(keys[0], NULL));
    cs_key_free(&other);
    cs_key_free(&keys[0]);
    cs_key_free(&keys[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_equal_random),
        cmocka_unit_test(test_alg_names),
        cmocka_unit_test(test_sign_verify_eddsa),
        cmocka_unit_test(test_sign_verify_es256),
        cmocka_unit_test(test_sign_is_fresh_es256),
        cmocka_unit_test(test_alg_mismatch_and_unknown),
        cmocka_unit_test(test_es256_out_of_range_scalars),
        cmocka_unit_test(test_rfc8032_test1),
        cmocka_unit_test(test_coordinates_eddsa),
        cmocka_unit_test(test_coordinates_es256),
        cmocka_unit_test(test_cose_example_p256),
        cmocka_unit_test(test_p256_point_off_curve),
        cmocka_unit_test(test_weak_key_files),
        cmocka_unit_test(test_eddsa_s_not_reduced),
        cmocka_unit_test(test_eddsa_small_order_r),
        cmocka_unit_test(test_eddsa_identity_forgery),
        cmocka_unit_test(test_es256_low_s),
        cmocka_unit_test(test_vector_kids),
        cmocka_unit_test(test_compressed_spki_same_kid),
        cmocka_unit_test_setup_teardown(test_rsa_key_type, temp_dir_setup, temp_dir_teardown),
        cmocka_unit_test(test_other_key_types),
        cmocka_unit_test_setup_teardown(test_garbage, temp_dir_setup, temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_too_large, temp_dir_setup, temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_write_load_private_eddsa, temp_dir_setup,
                                        temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_write_load_private_es256, temp_dir_setup,
                                        temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_empty_passphrase, temp_dir_setup, temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_write_refusals, temp_dir_setup, temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_write_existing_and_force, temp_dir_setup,
                                        temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_symlink_not_followed, temp_dir_setup,
                                        temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_private_file_permissions, temp_dir_setup,
                                        temp_dir_teardown),
        cmocka_unit_test_setup_teardown(test_write_load_public, temp_dir_setup, temp_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
