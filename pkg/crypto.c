/* SPDX-License-Identifier: ISC */
/*
 * The crypto adapter (STYLE 8): the only file that includes OpenSSL.  Keys
 * live in an EVP_PKEY parsed once; everything else here is keyed by COSE
 * algorithm id.
 */
#include <ctype.h>
#include <pthread.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "internal.h"

/* Stands in for a NULL pointer to zero bytes, which OpenSSL may not accept. */
static const uint8_t no_bytes[1];

/* DER SubjectPublicKeyInfo: 44 bytes for Ed25519, 91 for P-256 uncompressed. */
#define SPKI_MAX 128
/* Uncompressed SEC1 point: 0x04 || x || y. */
#define P256_POINT_SIZE (1 + 2 * CS_KEY_COORDINATE_SIZE)
/* DER ECDSA-Sig-Value for P-256: at most 2 + 2 * (2 + 33) bytes. */
#define P256_DER_SIGNATURE_MAX 72

struct cs_key {
    EVP_PKEY *pkey;
    cs_alg alg;
    bool has_private;
    uint8_t kid[CS_KID_SIZE];
    uint8_t spki[SPKI_MAX]; /* DER, point uncompressed: the kid's input */
    size_t spki_len;
    cs_key_signer signer; /* signer.sign != NULL: the private half is elsewhere */
};

/* ---- small primitives --------------------------------------------------------- */

cs_err cs_crypto_sha256(const void *data, size_t len, uint8_t out[CS_SHA256_SIZE])
{
    unsigned int out_len = 0;

    if (EVP_Digest(data != NULL ? data : no_bytes, len, out, &out_len, EVP_sha256(), NULL) != 1 ||
        out_len != CS_SHA256_SIZE) {
        /* Only an allocation failure gets here; leave no stale bytes. */
        memset(out, 0, CS_SHA256_SIZE);
        ERR_clear_error();
        return CS_ERR_NO_MEMORY;
    }
    return CS_OK;
}

cs_err cs_crypto_sha256_begin(cs_crypto_digest **ctx)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        ERR_clear_error();
        return CS_ERR_NO_MEMORY;
    }
    *ctx = (cs_crypto_digest *)md;
    return CS_OK;
}

cs_err cs_crypto_sha256_update(cs_crypto_digest *ctx, const void *data, size_t len)
{
    if (len == 0)
        return CS_OK;
    if (EVP_DigestUpdate((EVP_MD_CTX *)ctx, data, len) != 1) {
        ERR_clear_error();
        return CS_ERR_NO_MEMORY;
    }
    return CS_OK;
}

cs_err cs_crypto_sha256_finish(cs_crypto_digest **ctx, uint8_t out[CS_SHA256_SIZE])
{
    unsigned int out_len = 0;
    cs_err err = CS_OK;

    if (ctx == NULL || *ctx == NULL)
        return CS_ERR_ARGUMENT;
    if (out != NULL && (EVP_DigestFinal_ex((EVP_MD_CTX *)*ctx, out, &out_len) != 1 ||
                        out_len != CS_SHA256_SIZE)) {
        memset(out, 0, CS_SHA256_SIZE);
        ERR_clear_error();
        err = CS_ERR_NO_MEMORY;
    }
    EVP_MD_CTX_free((EVP_MD_CTX *)*ctx);
    *ctx = NULL;
    return err;
}

bool cs_crypto_equal(const void *a, const void *b, size_t n)
{
    if (n == 0)
        return true;
    return CRYPTO_memcmp(a, b, n) == 0;
}

void cs_crypto_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0)
        OPENSSL_cleanse(p, n);
}

cs_err cs_crypto_random(void *buf, size_t len)
{
    /* RAND_bytes takes an int length: fill in pieces that fit. */
    uint8_t *p = buf;
    while (len > 0) {
        int n = len > INT_MAX ? INT_MAX : (int)len;
        if (RAND_bytes(p, n) != 1)
            return CS_ERR_CRYPTO;
        p += n;
        len -= (size_t)n;
    }
    return CS_OK;
}

/* ---- algorithm names ---------------------------------------------------------- */

const char *cs_alg_name(cs_alg alg)
{
    switch (alg) {
    case CS_ALG_EDDSA:
        return "EdDSA";
    case CS_ALG_ES256:
        return "ES256";
    case CS_ALG_NONE:
        break;
    }
    return "unknown";
}

cs_alg cs_alg_from_name(const char *name)
{
    if (name == NULL)
        return CS_ALG_NONE;
    if (strcasecmp(name, "ed25519") == 0 || strcasecmp(name, "eddsa") == 0)
        return CS_ALG_EDDSA;
    if (strcasecmp(name, "es256") == 0 || strcasecmp(name, "p-256") == 0)
        return CS_ALG_ES256;
    return CS_ALG_NONE;
}

/* ---- Ed25519 encodings that prove nothing (RFC 8032 §5.1.7) ------------------ */

#define ED25519_SIZE 32

/*
 * The y coordinates (little-endian, sign bit clear) of the eight points of
 * order 1, 2, 4 and 8 on edwards25519, and the two encodings >= p that name
 * a small-order y again (p for 0, p + 1 for 1).  The same list as
 * libsodium's ge25519_has_small_order() (ed25519_ref10.c), recomputed here:
 * the order-8 points have y^2 = -x^2 with x^2 = (1 +- sqrt(1 + d)) / d.
 * A public key of small order verifies one signature over every message
 * ([S]B = R + [k]A holds for A = identity, R = identity, S = 0); an R of
 * small order lets a signer make signatures that verify under one rule and
 * not the other.  With the sign bit ignored, each entry also covers the
 * point's other x, and the non-canonical x = -0 of y = 1 and y = p - 1.
 */
/* clang-format off */
static const uint8_t ed25519_small_order_y[][ED25519_SIZE] = {
    /* 0: (sqrt(-1), 0) and (-sqrt(-1), 0), order 4 */
    {0},
    /* 1: (0, 1), the identity, order 1 */
    {0x01},
    /* 2707385501144840649318225287225658788936804267575313519463743609750303402022, order 8 */
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    /* p - 2707385501144840649318225287225658788936804267575313519463743609750303402022, order 8 */
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    /* p - 1: (0, -1), order 2 */
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    /* p, a non-canonical 0 */
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    /* p + 1, a non-canonical 1 */
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

/* L = 2^252 + 27742317777372353535851937790883648493, the order of the
 * base point, little-endian (RFC 8032 §5.1). */
static const uint8_t ed25519_order[ED25519_SIZE] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
/* clang-format on */

/* True when the point encoding p names a point of order 1, 2, 4 or 8. */
static bool ed25519_has_small_order(const uint8_t p[ED25519_SIZE])
{
    size_t n = sizeof(ed25519_small_order_y) / sizeof(ed25519_small_order_y[0]);

    for (size_t i = 0; i < n; i++) {
        const uint8_t *y = ed25519_small_order_y[i];
        if (memcmp(p, y, ED25519_SIZE - 1) == 0 &&
            (p[ED25519_SIZE - 1] & 0x7f) == y[ED25519_SIZE - 1])
            return true;
    }
    return false;
}

/* True when the 255-bit y of p is below p = 2^255 - 19: everything but
 * 0x7fff...ffed to 0x7fff...ffff (RFC 8032 §5.1.3 step 1). */
static bool ed25519_is_canonical(const uint8_t p[ED25519_SIZE])
{
    if ((p[ED25519_SIZE - 1] & 0x7f) != 0x7f)
        return true;
    for (size_t i = ED25519_SIZE - 2; i > 0; i--)
        if (p[i] != 0xff)
            return true;
    return p[0] < 0xed;
}

/* True when the little-endian scalar s is below L (RFC 8032 §5.1.7). */
static bool ed25519_scalar_is_reduced(const uint8_t s[ED25519_SIZE])
{
    for (size_t i = ED25519_SIZE; i-- > 0;)
        if (s[i] != ed25519_order[i])
            return s[i] < ed25519_order[i];
    return false; /* s == L */
}

/* An Ed25519 public key that is not canonical or of small order. */
static bool ed25519_public_is_weak(const uint8_t a[ED25519_SIZE])
{
    return !ed25519_is_canonical(a) || ed25519_has_small_order(a);
}

/* The signature checks OpenSSL leaves out: R not of small order, S < L. */
static bool ed25519_signature_is_strict(const uint8_t sig[2 * ED25519_SIZE])
{
    return !ed25519_has_small_order(sig) && ed25519_scalar_is_reduced(sig + ED25519_SIZE);
}

/* ---- making a cs_key from an EVP_PKEY ----------------------------------------- */

/* The COSE alg a key signs with, or CS_ALG_NONE when it is neither Ed25519
 * nor a named-curve P-256 key. */
static cs_alg alg_of_pkey(const EVP_PKEY *pkey)
{
    char group[64];
    char encoding[32];
    size_t group_len = 0;

    if (EVP_PKEY_is_a(pkey, "ED25519"))
        return CS_ALG_EDDSA;
    if (!EVP_PKEY_is_a(pkey, "EC"))
        return CS_ALG_NONE;
    /* OpenSSL names explicit parameters that happen to equal P-256
     * "prime256v1" too; RFC 5480 §2.1.1 forbids them (and their SPKI would
     * give the same key another kid). */
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING, encoding,
                                       sizeof(encoding), NULL) != 1 ||
        strcmp(encoding, OSSL_PKEY_EC_ENCODING_GROUP) != 0)
        return CS_ALG_NONE;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &group_len) != 1)
        return CS_ALG_NONE;
    if (OBJ_sn2nid(group) == NID_X9_62_prime256v1 ||
        EC_curve_nist2nid(group) == NID_X9_62_prime256v1)
        return CS_ALG_ES256;
    return CS_ALG_NONE;
}

/* True when pkey holds the private half (asked once, at load time). */
static bool pkey_has_private(const EVP_PKEY *pkey, cs_alg alg)
{
    BIGNUM *scalar = NULL;
    size_t len = 0;
    bool found = false;

    if (alg == CS_ALG_EDDSA) {
        found = EVP_PKEY_get_raw_private_key(pkey, NULL, &len) == 1 && len > 0;
    } else {
        found = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &scalar) == 1;
        BN_clear_free(scalar);
    }
    return found;
}

/*
 * The public half of pkey is one a signature can mean something under
 * (DESIGN §2 step 2): an Ed25519 key canonical and not of small order, a
 * P-256 point on the curve and not the point at infinity.  CS_OK,
 * CS_ERR_KEY_WEAK, or CS_ERR_KEY_PARSE when the point cannot be read.
 */
static cs_err public_key_check(EVP_PKEY *pkey, cs_alg alg)
{
    EVP_PKEY_CTX *ctx = NULL;
    uint8_t raw[ED25519_SIZE];
    size_t len = sizeof(raw);
    cs_err err = CS_OK;

    if (alg == CS_ALG_EDDSA) {
        if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 || len != ED25519_SIZE)
            err = CS_ERR_KEY_PARSE;
        else if (ed25519_public_is_weak(raw))
            err = CS_ERR_KEY_WEAK;
        return err;
    }
    /* SEC 1 §3.2.2.1 steps 1-3: not infinity, coordinates below p, on the
     * curve.  Step 4 ([n]Q = infinity) costs a scalar multiplication and
     * holds for every such point, P-256's cofactor being 1. */
    if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL)
        return CS_ERR_NO_MEMORY;
    if (EVP_PKEY_public_check_quick(ctx) != 1)
        err = CS_ERR_KEY_WEAK;
    EVP_PKEY_CTX_free(ctx);
    return err;
}

/* The DER SubjectPublicKeyInfo of the two key types, up to the key itself
 * (RFC 8410 §4; RFC 5480 §2, the point uncompressed): what i2d_PUBKEY()
 * writes, built here without OpenSSL's encoder, whose first use costs more
 * than the rest of a verification. */
static const uint8_t ED25519_SPKI_PREFIX[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                              0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
static const uint8_t P256_SPKI_PREFIX[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                           0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                           0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

/* The SPKI of pkey (of alg) into spki; false when OpenSSL cannot say its
 * public key. */
static bool spki_of(EVP_PKEY *pkey, cs_alg alg, uint8_t spki[SPKI_MAX], size_t *spki_len)
{
    size_t prefix = alg == CS_ALG_EDDSA ? sizeof(ED25519_SPKI_PREFIX) : sizeof(P256_SPKI_PREFIX);
    size_t len = 0;

    memcpy(spki, alg == CS_ALG_EDDSA ? ED25519_SPKI_PREFIX : P256_SPKI_PREFIX, prefix);
    if (alg == CS_ALG_EDDSA) {
        len = ED25519_SIZE;
        if (EVP_PKEY_get_raw_public_key(pkey, spki + prefix, &len) != 1 || len != ED25519_SIZE)
            return false;
    } else if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                               spki + prefix, SPKI_MAX - prefix, &len) != 1 ||
               len != P256_POINT_SIZE || spki[prefix] != POINT_CONVERSION_UNCOMPRESSED) {
        return false;
    }
    *spki_len = prefix + len;
    return true;
}

/*
 * Wraps *pkey (ownership moves in; *pkey is NULLed on every path) in a new
 * cs_key after checking its type and its public point: every key certseal
 * uses, generated, loaded or read from a token, comes through here.  P-256
 * keys are switched to the uncompressed point format first, so that a key
 * loaded from a compressed SPKI gets the same kid as the same key written
 * out by us.
 */
static cs_err key_adopt(EVP_PKEY **pkey, bool want_private, cs_key_t **out)
{
    cs_key_t *key = NULL;
    uint8_t spki[SPKI_MAX];
    size_t spki_len = 0;
    uint8_t digest[CS_SHA256_SIZE];
    cs_err err = CS_OK;
    cs_alg alg = alg_of_pkey(*pkey);

    if (alg == CS_ALG_NONE) {
        err = CS_ERR_KEY_TYPE;
        goto fail;
    }
    if (want_private && !pkey_has_private(*pkey, alg)) {
        err = CS_ERR_KEY_PARSE;
        goto fail;
    }
    if ((err = public_key_check(*pkey, alg)) != CS_OK)
        goto fail;
    if (alg == CS_ALG_ES256 &&
        EVP_PKEY_set_utf8_string_param(*pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                       OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    if (!spki_of(*pkey, alg, spki, &spki_len)) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    key = calloc(1, sizeof(*key));
    if (key == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    memcpy(key->spki, spki, spki_len);
    key->spki_len = spki_len;
    if ((err = cs_crypto_sha256(key->spki, key->spki_len, digest)) != CS_OK) {
        free(key);
        key = NULL;
        goto fail;
    }
    memcpy(key->kid, digest, CS_KID_SIZE); /* DESIGN §3 */
    key->alg = alg;
    key->has_private = want_private;
    key->pkey = *pkey;
    *pkey = NULL;
    *out = key;

fail:
    if (err != CS_OK) {
        EVP_PKEY_free(*pkey);
        *pkey = NULL;
        ERR_clear_error();
    }
    return err;
}

void cs_key_free(cs_key_t **key)
{
    if (key == NULL || *key == NULL)
        return;
    if ((*key)->signer.release != NULL)
        (*key)->signer.release((*key)->signer.ctx);
    EVP_PKEY_free((*key)->pkey);
    free(*key);
    *key = NULL;
}

cs_err cs_crypto_init_offline(void)
{
    /* The first fetch of any algorithm otherwise pulls every legacy cipher
     * and digest name into OpenSSL's name map (ossl_namemap_stored()):
     * about 3.3 M instructions, half of what verifying a token with its
     * two status lists costs in signatures.  OpenSSL's error strings
     * (1.1 M; certseal never prints them) are not loaded and its clean-up
     * at exit (0.3 M) is not registered: the process ends, and the
     * operating system takes its memory back.  openssl.cnf is read as
     * usual: it carries the system's crypto policy. */
    if (OPENSSL_init_crypto(OPENSSL_INIT_NO_ADD_ALL_CIPHERS | OPENSSL_INIT_NO_ADD_ALL_DIGESTS |
                                OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_ATEXIT,
                            NULL) != 1) {
        ERR_clear_error();
        return CS_ERR_CRYPTO;
    }
    return CS_OK;
}

cs_err cs_key_set_signer(cs_key_t *key, const cs_key_signer *signer)
{
    if (key == NULL || signer == NULL || signer->sign == NULL || key->has_private)
        return CS_ERR_ARGUMENT;
    key->signer = *signer;
    key->has_private = true;
    return CS_OK;
}

bool cs_key_has_signer(const cs_key_t *key)
{
    return key != NULL && key->signer.sign != NULL;
}

cs_alg cs_key_alg(const cs_key_t *key)
{
    return key != NULL ? key->alg : CS_ALG_NONE;
}

bool cs_key_has_private(const cs_key_t *key)
{
    return key != NULL && key->has_private;
}

const uint8_t *cs_key_kid(const cs_key_t *key)
{
    return key != NULL ? key->kid : NULL;
}

bool cs_key_public_equal(const cs_key_t *a, const cs_key_t *b)
{
    if (a == NULL || b == NULL)
        return false;
    return a->spki_len == b->spki_len && cs_crypto_equal(a->spki, b->spki, a->spki_len);
}

/* ---- generating --------------------------------------------------------------- */

cs_err cs_key_generate(cs_alg alg, cs_key_t **out)
{
    EVP_PKEY *pkey = NULL;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (alg == CS_ALG_EDDSA)
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    else if (alg == CS_ALG_ES256)
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    else
        return CS_ERR_UNSUPPORTED;
    if (pkey == NULL) {
        ERR_clear_error();
        return CS_ERR_CRYPTO;
    }
    return key_adopt(&pkey, true, out);
}

/* ---- loading PEM -------------------------------------------------------------- */

static bool contains(const char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle);

    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (memcmp(text + i, needle, n) == 0)
            return true;
    return false;
}

bool cs_key_pem_is_encrypted(const char *pem, size_t pem_len)
{
    if (pem == NULL)
        return false;
    /* PKCS#8 EncryptedPrivateKeyInfo, and the legacy RFC 1421 headers that
     * "BEGIN EC PRIVATE KEY" files may carry. */
    return contains(pem, pem_len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") ||
           contains(pem, pem_len, "Proc-Type: 4,ENCRYPTED");
}

struct passphrase_source {
    const char *passphrase; /* NULL: none was given */
    size_t len;
    bool asked;
};

/* pem_password_cb that never prompts: it hands over the caller's passphrase
 * or refuses. */
static int passphrase_callback(char *buf, int size, int rwflag, void *arg)
{
    struct passphrase_source *source = arg;

    (void)rwflag;
    source->asked = true;
    if (source->passphrase == NULL || size < 0 || source->len > (size_t)size)
        return -1;
    if (source->len > 0)
        memcpy(buf, source->passphrase, source->len);
    return (int)source->len;
}

cs_err cs_key_load_private_pem(const char *pem, size_t pem_len, const char *passphrase,
                               size_t passphrase_len, cs_key_t **out)
{
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    struct passphrase_source source = {passphrase, passphrase_len, false};
    cs_err err = CS_OK;

    if (out == NULL || pem == NULL || (passphrase == NULL && passphrase_len > 0))
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (pem_len > CS_KEY_FILE_MAX)
        return CS_ERR_TOO_LARGE;
    if (passphrase == NULL && cs_key_pem_is_encrypted(pem, pem_len))
        return CS_ERR_KEY_NEEDS_PASSPHRASE;

    bio = BIO_new_mem_buf(pem, (int)pem_len);
    if (bio == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    pkey = PEM_read_bio_PrivateKey(bio, NULL, passphrase_callback, &source);
    if (pkey == NULL) {
        /* The callback only runs once the encrypted structure has parsed,
         * so being asked and failing means the passphrase was wrong. */
        if (source.asked)
            err = passphrase == NULL ? CS_ERR_KEY_NEEDS_PASSPHRASE : CS_ERR_KEY_PASSPHRASE;
        else
            err = CS_ERR_KEY_PARSE;
        goto fail;
    }
    err = key_adopt(&pkey, true, out);

fail:
    if (err != CS_OK)
        ERR_clear_error();
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    return err;
}

static cs_err p256_from_point(const uint8_t point[P256_POINT_SIZE], EVP_PKEY **out);

#define PEM_PUBLIC_BEGIN "-----BEGIN PUBLIC KEY-----\n"
#define PEM_PUBLIC_END "-----END PUBLIC KEY-----"

/* The key of a PEM file in the form certseal and OpenSSL write (one PUBLIC
 * KEY block, nothing around it but white space, base64 in lines) holding
 * an Ed25519 key or an uncompressed P-256 point, read without OpenSSL's
 * decoder framework, whose set-up costs more than verifying a token.
 * NULL for any other file, which PEM_read_bio_PUBKEY() then reads. */
static EVP_PKEY *simple_public_pem(const char *pem, size_t pem_len)
{
    char text[256];
    uint8_t der[192];
    size_t n = 0, begin_len = strlen(PEM_PUBLIC_BEGIN), end_len = strlen(PEM_PUBLIC_END);
    const char *p = pem, *end = pem + pem_len;
    EVP_PKEY *pkey = NULL;
    int len, padding = 0;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if ((size_t)(end - p) < begin_len || memcmp(p, PEM_PUBLIC_BEGIN, begin_len) != 0)
        return NULL;
    for (p += begin_len; p < end && *p != '-'; p++) {
        if (*p == '\n')
            continue;
        if (n + 1 >= sizeof(text) ||
            !(isalnum((unsigned char)*p) || *p == '+' || *p == '/' || *p == '='))
            return NULL;
        text[n++] = *p;
    }
    if ((size_t)(end - p) < end_len || memcmp(p, PEM_PUBLIC_END, end_len) != 0)
        return NULL;
    for (p += end_len; p < end; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return NULL;
    if (n == 0 || n % 4 != 0 || n / 4 * 3 > sizeof(der))
        return NULL;
    padding = (text[n - 1] == '=') + (text[n - 2] == '=');
    for (size_t i = 0; i + (size_t)padding < n; i++)
        if (text[i] == '=')
            return NULL;
    if ((len = EVP_DecodeBlock(der, (const unsigned char *)text, (int)n)) < 0)
        return NULL;
    len -= padding;
    if ((size_t)len == sizeof(ED25519_SPKI_PREFIX) + ED25519_SIZE &&
        memcmp(der, ED25519_SPKI_PREFIX, sizeof(ED25519_SPKI_PREFIX)) == 0)
        pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
                                           der + sizeof(ED25519_SPKI_PREFIX), ED25519_SIZE);
    else if ((size_t)len == sizeof(P256_SPKI_PREFIX) + P256_POINT_SIZE &&
             memcmp(der, P256_SPKI_PREFIX, sizeof(P256_SPKI_PREFIX)) == 0 &&
             der[sizeof(P256_SPKI_PREFIX)] == POINT_CONVERSION_UNCOMPRESSED &&
             p256_from_point(der + sizeof(P256_SPKI_PREFIX), &pkey) != CS_OK)
        pkey = NULL;
    if (pkey == NULL)
        ERR_clear_error();
    return pkey;
}

cs_err cs_key_load_public_pem(const char *pem, size_t pem_len, cs_key_t **out)
{
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    cs_err err = CS_OK;

    if (out == NULL || pem == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (pem_len > CS_KEY_FILE_MAX)
        return CS_ERR_TOO_LARGE;

    if ((pkey = simple_public_pem(pem, pem_len)) == NULL) {
        bio = BIO_new_mem_buf(pem, (int)pem_len);
        if (bio == NULL) {
            err = CS_ERR_NO_MEMORY;
            goto fail;
        }
        /* The empty passphrase callback keeps OpenSSL from ever prompting. */
        pkey = PEM_read_bio_PUBKEY(bio, NULL, passphrase_callback,
                                   &(struct passphrase_source){NULL, 0, false});
        if (pkey == NULL) {
            err = CS_ERR_KEY_PARSE;
            goto fail;
        }
    }
    err = key_adopt(&pkey, false, out);

fail:
    if (err != CS_OK)
        ERR_clear_error();
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    return err;
}

/* ---- coordinates -------------------------------------------------------------- */

static cs_err p256_from_point(const uint8_t point[P256_POINT_SIZE], EVP_PKEY **out)
{
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM params[3];
    cs_err err = CS_OK;

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 (char *)SN_X9_62_prime256v1, 0);
    params[1] =
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)point, P256_POINT_SIZE);
    params[2] = OSSL_PARAM_construct_end();

    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    /* fromdata refuses a point off the curve or coordinates >= p;
     * key_adopt() checks the point again, as it does every key. */
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        err = CS_ERR_KEY_PARSE;
        goto fail;
    }
    *out = pkey;
    pkey = NULL;

fail:
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    return err;
}

cs_err cs_key_from_public_coordinates(cs_alg alg, const uint8_t *x, size_t x_len, const uint8_t *y,
                                      size_t y_len, cs_key_t **out)
{
    EVP_PKEY *pkey = NULL;
    uint8_t point[P256_POINT_SIZE];
    cs_err err = CS_OK;

    if (out == NULL || x == NULL || x_len != CS_KEY_COORDINATE_SIZE)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (alg == CS_ALG_EDDSA) {
        if (y != NULL || y_len != 0)
            return CS_ERR_ARGUMENT;
        pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, x_len);
        if (pkey == NULL) {
            err = CS_ERR_KEY_PARSE;
            goto fail;
        }
    } else if (alg == CS_ALG_ES256) {
        if (y == NULL || y_len != CS_KEY_COORDINATE_SIZE)
            return CS_ERR_ARGUMENT;
        point[0] = POINT_CONVERSION_UNCOMPRESSED;
        memcpy(point + 1, x, CS_KEY_COORDINATE_SIZE);
        memcpy(point + 1 + CS_KEY_COORDINATE_SIZE, y, CS_KEY_COORDINATE_SIZE);
        err = p256_from_point(point, &pkey);
        if (err != CS_OK)
            goto fail;
    } else {
        return CS_ERR_UNSUPPORTED;
    }
    err = key_adopt(&pkey, false, out);

fail:
    if (err != CS_OK)
        ERR_clear_error();
    EVP_PKEY_free(pkey);
    return err;
}

cs_err cs_key_public_coordinates(const cs_key_t *key, uint8_t x[CS_KEY_COORDINATE_SIZE],
                                 uint8_t y[CS_KEY_COORDINATE_SIZE])
{
    uint8_t point[P256_POINT_SIZE];
    size_t len = 0;
    cs_err err = CS_OK;

    if (key == NULL || x == NULL || (key->alg == CS_ALG_ES256 && y == NULL))
        return CS_ERR_ARGUMENT;
    if (key->alg == CS_ALG_EDDSA) {
        len = CS_KEY_COORDINATE_SIZE;
        if (EVP_PKEY_get_raw_public_key(key->pkey, x, &len) != 1 || len != CS_KEY_COORDINATE_SIZE)
            err = CS_ERR_CRYPTO;
    } else {
        /* key_adopt() made the encoding uncompressed: 0x04 || x || y. */
        if (EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                            sizeof(point), &len) != 1 ||
            len != P256_POINT_SIZE || point[0] != POINT_CONVERSION_UNCOMPRESSED) {
            err = CS_ERR_CRYPTO;
        } else {
            memcpy(x, point + 1, CS_KEY_COORDINATE_SIZE);
            memcpy(y, point + 1 + CS_KEY_COORDINATE_SIZE, CS_KEY_COORDINATE_SIZE);
        }
    }
    if (err != CS_OK)
        ERR_clear_error();
    return err;
}

/* ---- key files as PEM text (written by pkg/key_file.c) ------------------------ */

/* A copy of the contents of a memory BIO, which are then wiped when they hold
 * a private key. */
static cs_err bio_copy(BIO *bio, bool secret, char **pem, size_t *pem_len)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    cs_err err = CS_OK;

    if (len <= 0 || data == NULL)
        return CS_ERR_CRYPTO;
    if ((*pem = malloc((size_t)len)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    memcpy(*pem, data, (size_t)len);
    *pem_len = (size_t)len;

fail:
    if (secret)
        cs_crypto_wipe(data, (size_t)len);
    return err;
}

cs_err cs_key_private_pem(const cs_key_t *key, const char *passphrase, size_t passphrase_len,
                          char **pem, size_t *pem_len)
{
    BIO *bio = NULL;
    cs_err err = CS_OK;
    int written = 0;

    /* OpenSSL's PEM reader takes at most PEM_BUFSIZE passphrase bytes, so a
     * longer one would make a file we could never load. */
    if (key == NULL || pem == NULL || pem_len == NULL || !key->has_private ||
        key->signer.sign != NULL || (passphrase == NULL && passphrase_len > 0) || passphrase_len > PEM_BUFSIZE)
        return CS_ERR_ARGUMENT;
    *pem = NULL;
    *pem_len = 0;

    bio = BIO_new(BIO_s_mem());
    if (bio == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    /* An explicit passphrase (never a NULL one with a cipher) keeps OpenSSL
     * from prompting on the terminal.  PKCS#8 v2 uses PBES2 with PBKDF2. */
    if (passphrase != NULL)
        written = PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, EVP_aes_256_cbc(), passphrase,
                                                (int)passphrase_len, NULL, NULL);
    else
        written = PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL);
    if (written != 1) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    err = bio_copy(bio, true, pem, pem_len);

fail:
    if (err != CS_OK)
        ERR_clear_error();
    BIO_free(bio);
    return err;
}

cs_err cs_key_public_pem(const cs_key_t *key, char **pem, size_t *pem_len)
{
    BIO *bio = NULL;
    cs_err err = CS_OK;

    if (key == NULL || pem == NULL || pem_len == NULL)
        return CS_ERR_ARGUMENT;
    *pem = NULL;
    *pem_len = 0;
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if (PEM_write_bio_PUBKEY(bio, key->pkey) != 1) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    err = bio_copy(bio, false, pem, pem_len);

fail:
    if (err != CS_OK)
        ERR_clear_error();
    BIO_free(bio);
    return err;
}

/* ---- signing and verifying ---------------------------------------------------- */

/* n, the order of the P-256 base point (SEC 2 §2.4.2), big-endian. */
static const uint8_t p256_order[CS_KEY_COORDINATE_SIZE] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

/* (r, s) and (r, n - s) both verify: the signer keeps the s <= n / 2 one,
 * so that what certseal signs has one encoding.  Verifying still accepts
 * both, as COSE does (RFC 9053 §2.1 asks nothing more). */
static cs_err p256_low_s(BIGNUM *s)
{
    BIGNUM *n = BN_bin2bn(p256_order, sizeof(p256_order), NULL);
    BIGNUM *half = BN_new();
    cs_err err = CS_OK;

    if (n == NULL || half == NULL || BN_rshift1(half, n) != 1)
        err = CS_ERR_NO_MEMORY;
    else if (BN_cmp(s, half) > 0 && BN_sub(s, n, s) != 1)
        err = CS_ERR_CRYPTO;
    BN_free(half);
    BN_free(n);
    return err;
}

/* ES256 signatures travel as raw r||s, each left-padded to 32 bytes
 * (RFC 9053 §2.1), with a low s; OpenSSL speaks DER. */
static cs_err p256_der_to_raw(const uint8_t *der, size_t der_len,
                              uint8_t raw[2 * CS_KEY_COORDINATE_SIZE])
{
    ECDSA_SIG *sig = NULL;
    const BIGNUM *r = NULL;
    const BIGNUM *s = NULL;
    BIGNUM *low = NULL;
    const unsigned char *p = der;
    cs_err err = CS_OK;

    sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (sig == NULL) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    ECDSA_SIG_get0(sig, &r, &s);
    if ((low = BN_dup(s)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if ((err = p256_low_s(low)) != CS_OK)
        goto fail;
    if (BN_bn2binpad(r, raw, CS_KEY_COORDINATE_SIZE) != CS_KEY_COORDINATE_SIZE ||
        BN_bn2binpad(low, raw + CS_KEY_COORDINATE_SIZE, CS_KEY_COORDINATE_SIZE) !=
            CS_KEY_COORDINATE_SIZE)
        err = CS_ERR_CRYPTO;

fail:
    BN_free(low);
    ECDSA_SIG_free(sig);
    return err;
}

/* One DER INTEGER (X.690 §8.3) of a 32-byte unsigned big-endian value:
 * leading zero bytes dropped (one kept for zero), a 0x00 put back in front
 * when the top bit is set.  Returns the bytes written (at most 35). */
static size_t der_put_unsigned(uint8_t *out, const uint8_t value[CS_KEY_COORDINATE_SIZE])
{
    size_t skip = 0, n = 0;
    while (skip < CS_KEY_COORDINATE_SIZE - 1 && value[skip] == 0)
        skip++;
    bool pad = (value[skip] & 0x80) != 0;
    out[n++] = 0x02;
    out[n++] = (uint8_t)(CS_KEY_COORDINATE_SIZE - skip + pad);
    if (pad)
        out[n++] = 0x00;
    memcpy(out + n, value + skip, CS_KEY_COORDINATE_SIZE - skip);
    return n + CS_KEY_COORDINATE_SIZE - skip;
}

/* SHA-256 fetched from the default provider once (OpenSSL 3: a digest
 * named by EVP_sha256() is looked up again at every EVP_DigestVerifyInit(),
 * a cost on the path of every ES256 verification); EVP_sha256() when the
 * fetch fails.  Kept for the life of the process. */
static EVP_MD *fetched_sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    fetched_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    ERR_clear_error();
}

static const EVP_MD *sha256_md(void)
{
    pthread_once(&sha256_once, fetch_sha256);
    return fetched_sha256 != NULL ? fetched_sha256 : EVP_sha256();
}

/* ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5480 §2.2.3)
 * from the raw r || s of RFC 9053 §2.1.  Written directly: the whole value
 * is at most 72 bytes, so every length is a single short-form byte, and no
 * BIGNUM needs allocating on the verify path. */
static void p256_raw_to_der(const uint8_t raw[2 * CS_KEY_COORDINATE_SIZE],
                            uint8_t der[P256_DER_SIGNATURE_MAX], size_t *der_len)
{
    size_t n = 2;
    n += der_put_unsigned(der + n, raw);
    n += der_put_unsigned(der + n, raw + CS_KEY_COORDINATE_SIZE);
    der[0] = 0x30;
    der[1] = (uint8_t)(n - 2);
    *der_len = n;
}

/* The s of a raw r||s made elsewhere, brought to s <= n / 2 like ours. */
static cs_err p256_raw_low_s(uint8_t raw[2 * CS_KEY_COORDINATE_SIZE])
{
    BIGNUM *s = BN_bin2bn(raw + CS_KEY_COORDINATE_SIZE, CS_KEY_COORDINATE_SIZE, NULL);
    cs_err err = s == NULL ? CS_ERR_NO_MEMORY : p256_low_s(s);

    if (err == CS_OK &&
        BN_bn2binpad(s, raw + CS_KEY_COORDINATE_SIZE, CS_KEY_COORDINATE_SIZE) !=
            CS_KEY_COORDINATE_SIZE)
        err = CS_ERR_CRYPTO;
    BN_free(s);
    return err;
}

/* A signature from an external signer (a hardware token): 64 bytes, a low
 * s for ES256, and checked against the public half before it is used, so
 * that a faulty device or the wrong object never yields a bad token. */
static cs_err sign_external(const cs_key_t *key, const uint8_t *msg, size_t msg_len,
                            uint8_t sig[CS_SIGNATURE_MAX], size_t *sig_len)
{
    size_t len = 0;
    cs_err err = key->signer.sign(key->signer.ctx, key->alg, msg, msg_len, sig, &len);

    if (err == CS_OK && len != CS_SIGNATURE_MAX)
        err = CS_ERR_CRYPTO;
    if (err == CS_OK && key->alg == CS_ALG_ES256)
        err = p256_raw_low_s(sig);
    if (err == CS_OK && cs_crypto_verify(key, key->alg, msg, msg_len, sig, len) != CS_OK)
        err = CS_ERR_CRYPTO;
    if (err != CS_OK) {
        cs_crypto_wipe(sig, CS_SIGNATURE_MAX);
        ERR_clear_error();
        return err;
    }
    *sig_len = len;
    return CS_OK;
}

cs_err cs_crypto_sign(const cs_key_t *key, const uint8_t *msg, size_t msg_len,
                      uint8_t sig[CS_SIGNATURE_MAX], size_t *sig_len)
{
    EVP_MD_CTX *ctx = NULL;
    uint8_t der[P256_DER_SIGNATURE_MAX];
    size_t len = 0;
    cs_err err = CS_OK;

    if (key == NULL || !key->has_private || sig == NULL || sig_len == NULL ||
        (msg == NULL && msg_len > 0))
        return CS_ERR_ARGUMENT;
    if (msg == NULL)
        msg = no_bytes;
    if (key->signer.sign != NULL)
        return sign_external(key, msg, msg_len, sig, sig_len);

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if (key->alg == CS_ALG_EDDSA) {
        len = CS_SIGNATURE_MAX;
        if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) != 1 ||
            EVP_DigestSign(ctx, sig, &len, msg, msg_len) != 1 || len != CS_SIGNATURE_MAX) {
            err = CS_ERR_CRYPTO;
            goto fail;
        }
    } else {
        len = sizeof(der);
        if (EVP_DigestSignInit(ctx, NULL, sha256_md(), NULL, key->pkey) != 1 ||
            EVP_DigestSign(ctx, der, &len, msg, msg_len) != 1) {
            err = CS_ERR_CRYPTO;
            goto fail;
        }
        err = p256_der_to_raw(der, len, sig);
        if (err != CS_OK)
            goto fail;
        len = CS_SIGNATURE_MAX;
    }
    *sig_len = len;

fail:
    if (err != CS_OK)
        ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    return err;
}

cs_err cs_crypto_verify(const cs_key_t *key, cs_alg alg, const uint8_t *msg, size_t msg_len,
                        const uint8_t *sig, size_t sig_len)
{
    EVP_MD_CTX *ctx = NULL;
    uint8_t der[P256_DER_SIGNATURE_MAX];
    size_t der_len = 0;
    cs_err err = CS_OK;

    if (key == NULL || (msg == NULL && msg_len > 0) || (sig == NULL && sig_len > 0))
        return CS_ERR_ARGUMENT;
    if (alg != CS_ALG_EDDSA && alg != CS_ALG_ES256)
        return CS_ERR_ALG_UNKNOWN;
    /* The alg comes from the token; it must name the key's own algorithm
     * (no cross-algorithm use of a key). */
    if (alg != key->alg)
        return CS_ERR_ALG_KEY_MISMATCH;
    if (sig_len != CS_SIGNATURE_MAX)
        return CS_ERR_SIGNATURE;
    /* RFC 8032 §5.1.7 as libsodium applies it; the key's own checks were
     * made once, when it was adopted. */
    if (alg == CS_ALG_EDDSA && !ed25519_signature_is_strict(sig))
        return CS_ERR_SIGNATURE;
    if (msg == NULL)
        msg = no_bytes;

    if (alg == CS_ALG_ES256) {
        p256_raw_to_der(sig, der, &der_len);
        sig = der;
        sig_len = der_len;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if (EVP_DigestVerifyInit(ctx, NULL, alg == CS_ALG_ES256 ? sha256_md() : NULL, NULL,
                             key->pkey) != 1) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    /* 0 is a bad signature, < 0 a malformed one (r or s out of range):
     * both are simply "does not verify". */
    if (EVP_DigestVerify(ctx, sig, sig_len, msg, msg_len) != 1)
        err = CS_ERR_SIGNATURE;

fail:
    if (err != CS_OK)
        ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    return err;
}
