/*
 * The crypto adapter (STYLE 8): the only file that includes OpenSSL.  Keys
 * live in an EVP_PKEY parsed once; everything else here is keyed by COSE
 * algorithm id.
 */
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
 * Wraps *pkey (ownership moves in; *pkey is NULLed on every path) in a new
 * cs_key after checking its type.  P-256 keys are switched to the
 * uncompressed point format first, so that a key loaded from a compressed
 * SPKI gets the same kid as the same key written out by us.
 */
static cs_err key_adopt(EVP_PKEY **pkey, bool want_private, cs_key_t **out)
{
    cs_key_t *key = NULL;
    uint8_t *der = NULL;
    uint8_t digest[CS_SHA256_SIZE];
    int der_len = 0;
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
    if (alg == CS_ALG_ES256 &&
        EVP_PKEY_set_utf8_string_param(*pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                       OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    der_len = i2d_PUBKEY(*pkey, &der);
    if (der_len <= 0 || (size_t)der_len > SPKI_MAX) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    key = calloc(1, sizeof(*key));
    if (key == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    memcpy(key->spki, der, (size_t)der_len);
    key->spki_len = (size_t)der_len;
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
    OPENSSL_free(der);
    return err;
}

void cs_key_free(cs_key_t **key)
{
    if (key == NULL || *key == NULL)
        return;
    EVP_PKEY_free((*key)->pkey);
    free(*key);
    *key = NULL;
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
    err = key_adopt(&pkey, false, out);

fail:
    if (err != CS_OK)
        ERR_clear_error();
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    return err;
}

cs_err cs_key_load_private_file(const char *path, const char *passphrase, size_t passphrase_len,
                                cs_key_t **out)
{
    uint8_t *text = NULL;
    size_t len = 0;
    unsigned exposure = 0;
    cs_err err = CS_OK;

    if (out == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    err = cs_file_read_private(path, CS_KEY_FILE_MAX, &text, &len, &exposure);
    if (err != CS_OK)
        goto fail;
    err = cs_key_load_private_pem((const char *)text, len, passphrase, passphrase_len, out);

fail:
    cs_crypto_wipe(text, len);
    free(text);
    return err;
}

cs_err cs_key_load_public_file(const char *path, cs_key_t **out)
{
    uint8_t *text = NULL;
    size_t len = 0;
    cs_err err = CS_OK;

    if (out == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    err = cs_file_read_all(path, CS_KEY_FILE_MAX, &text, &len);
    if (err != CS_OK)
        goto fail;
    err = cs_key_load_public_pem((const char *)text, len, out);

fail:
    free(text);
    return err;
}

/* ---- coordinates -------------------------------------------------------------- */

static cs_err p256_from_point(const uint8_t point[P256_POINT_SIZE], EVP_PKEY **out)
{
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY_CTX *check = NULL;
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
    /* fromdata refuses a point off the curve or coordinates >= p. */
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        err = CS_ERR_KEY_PARSE;
        goto fail;
    }
    check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (check == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if (EVP_PKEY_public_check(check) != 1) {
        err = CS_ERR_KEY_PARSE;
        goto fail;
    }
    *out = pkey;
    pkey = NULL;

fail:
    EVP_PKEY_CTX_free(check);
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

/* ---- writing key files -------------------------------------------------------- */

/* Writes the contents of a memory BIO to path; wipes them first when they
 * hold a private key. */
static cs_err write_bio_to_file(BIO *bio, const char *path, unsigned mode, unsigned flags,
                                bool secret)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    cs_err err = CS_OK;

    if (len <= 0 || data == NULL)
        return CS_ERR_CRYPTO;
    err = cs_file_write_atomic(path, data, (size_t)len, mode,
                               (flags & CS_KEY_WRITE_FORCE) ? CS_FILE_REPLACE : 0);
    if (secret)
        cs_crypto_wipe(data, (size_t)len);
    return err;
}

cs_err cs_key_write_private_file(const cs_key_t *key, const char *path, const char *passphrase,
                                 size_t passphrase_len, unsigned flags)
{
    BIO *bio = NULL;
    cs_err err = CS_OK;
    int written = 0;

    /* OpenSSL's PEM reader takes at most PEM_BUFSIZE passphrase bytes, so a
     * longer one would make a file we could never load. */
    if (key == NULL || path == NULL || !key->has_private ||
        (passphrase == NULL && passphrase_len > 0) || passphrase_len > PEM_BUFSIZE)
        return CS_ERR_ARGUMENT;

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
    err = write_bio_to_file(bio, path, 0600, flags, true);

fail:
    if (err != CS_OK)
        ERR_clear_error();
    BIO_free(bio);
    return err;
}

cs_err cs_key_write_public_file(const cs_key_t *key, const char *path, unsigned flags)
{
    BIO *bio = NULL;
    cs_err err = CS_OK;

    if (key == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if (PEM_write_bio_PUBKEY(bio, key->pkey) != 1) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    err = write_bio_to_file(bio, path, 0644, flags, false);

fail:
    if (err != CS_OK)
        ERR_clear_error();
    BIO_free(bio);
    return err;
}

/* ---- signing and verifying ---------------------------------------------------- */

/* ES256 signatures travel as raw r||s, each left-padded to 32 bytes
 * (RFC 9053 §2.1); OpenSSL speaks DER. */
static cs_err p256_der_to_raw(const uint8_t *der, size_t der_len,
                              uint8_t raw[2 * CS_KEY_COORDINATE_SIZE])
{
    ECDSA_SIG *sig = NULL;
    const BIGNUM *r = NULL;
    const BIGNUM *s = NULL;
    const unsigned char *p = der;
    cs_err err = CS_OK;

    sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (sig == NULL) {
        err = CS_ERR_CRYPTO;
        goto fail;
    }
    ECDSA_SIG_get0(sig, &r, &s);
    if (BN_bn2binpad(r, raw, CS_KEY_COORDINATE_SIZE) != CS_KEY_COORDINATE_SIZE ||
        BN_bn2binpad(s, raw + CS_KEY_COORDINATE_SIZE, CS_KEY_COORDINATE_SIZE) !=
            CS_KEY_COORDINATE_SIZE)
        err = CS_ERR_CRYPTO;

fail:
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
        if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) != 1 ||
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
    if (EVP_DigestVerifyInit(ctx, NULL, alg == CS_ALG_ES256 ? EVP_sha256() : NULL, NULL,
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
