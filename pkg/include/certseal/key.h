/* SPDX-License-Identifier: ISC */
/*
 * certseal/key.h - signing keys: Ed25519 (COSE EdDSA, -8), the default, and
 * P-256 (COSE ES256, -7).
 *
 * A cs_key_t holds a public key, and the private half when it was loaded
 * from or generated as a private key.  Key material never leaves the
 * object except as PEM written to a file or as the public coordinates.
 * Every key knows its kid: the first 8 bytes of SHA-256 over the DER
 * SubjectPublicKeyInfo (DESIGN §3).
 *
 * Ownership: functions named _generate, _load_, _from_ allocate a key that
 * the caller releases with cs_key_free().  Passphrases are borrowed and not
 * kept; the caller wipes its own copy.
 */
#ifndef CERTSEAL_KEY_H
#define CERTSEAL_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* COSE algorithm identifiers (RFC 9053) that certseal signs with. */
typedef enum cs_alg {
    CS_ALG_NONE = 0,
    CS_ALG_ES256 = -7,
    CS_ALG_EDDSA = -8,
} cs_alg;

#define CS_KID_SIZE 8
#define CS_SIGNATURE_MAX 64       /* Ed25519 and raw P-256 r||s are both 64 */
#define CS_KEY_COORDINATE_SIZE 32 /* Ed25519 public key, P-256 x and y */
#define CS_KEY_FILE_MAX (64 * 1024)

/* Flags for the key file writers. */
#define CS_KEY_WRITE_FORCE 0x1u /* replace an existing file */

typedef struct cs_key cs_key_t;

/* "EdDSA", "ES256", or "unknown". */
const char *cs_alg_name(cs_alg alg);

/* Parses "ed25519"/"eddsa" or "es256"/"p-256" (case-insensitive);
 * CS_ALG_NONE if neither. */
cs_alg cs_alg_from_name(const char *name);

/*
 * Every function below that makes a cs_key_t checks its public half once:
 * an Ed25519 key of small order or not canonically encoded, or a P-256
 * point at infinity, is refused with CS_ERR_KEY_WEAK (RFC 8032 §5.1.7;
 * anyone could sign for such a key).
 */

/* Generates a fresh key pair.  Errors: CS_ERR_UNSUPPORTED, CS_ERR_CRYPTO,
 * CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_key_generate(cs_alg alg, cs_key_t **out);

/*
 * Loads a private key from PKCS#8 PEM (encrypted or not) in memory or in a
 * file (at most CS_KEY_FILE_MAX bytes).  passphrase may be NULL for an
 * unencrypted key.  The file is read with cs_file_read_private(): one
 * that other users may write is refused (a caller that wants to warn about
 * a readable one reads it so itself and calls cs_key_load_private_pem()).
 * Errors: CS_ERR_IO_OPEN/READ, CS_ERR_TOO_LARGE, CS_ERR_KEY_PARSE,
 * CS_ERR_FILE_PERMISSIONS (file only),
 * CS_ERR_KEY_NEEDS_PASSPHRASE (encrypted, passphrase NULL),
 * CS_ERR_KEY_PASSPHRASE (wrong passphrase), CS_ERR_KEY_TYPE (not Ed25519
 * or P-256), CS_ERR_KEY_WEAK, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_key_load_private_pem(const char *pem, size_t pem_len,
                                             const char *passphrase, size_t passphrase_len,
                                             cs_key_t **out);
CS_MUST_CHECK cs_err cs_key_load_private_file(const char *path, const char *passphrase,
                                              size_t passphrase_len, cs_key_t **out);

/* True when the PEM text holds an encrypted private key. */
bool cs_key_pem_is_encrypted(const char *pem, size_t pem_len);

/*
 * Loads one public key (SubjectPublicKeyInfo PEM, "BEGIN PUBLIC KEY").
 * Errors: as for the private loaders, without the passphrase ones.
 */
CS_MUST_CHECK cs_err cs_key_load_public_pem(const char *pem, size_t pem_len, cs_key_t **out);
CS_MUST_CHECK cs_err cs_key_load_public_file(const char *path, cs_key_t **out);

/*
 * Builds a public key from raw coordinates: Ed25519 x (32 bytes, y NULL) or
 * P-256 x and y (32 bytes each, a point on the curve).
 * Errors: CS_ERR_ARGUMENT (lengths), CS_ERR_KEY_PARSE (not a valid point),
 * CS_ERR_KEY_WEAK (small order or not canonical), CS_ERR_UNSUPPORTED,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_key_from_public_coordinates(cs_alg alg, const uint8_t *x, size_t x_len,
                                                    const uint8_t *y, size_t y_len, cs_key_t **out);

/* Writes the public coordinates: x always, y for P-256 only (y may be NULL
 * for Ed25519).  Each buffer holds CS_KEY_COORDINATE_SIZE bytes. */
CS_MUST_CHECK cs_err cs_key_public_coordinates(const cs_key_t *key,
                                               uint8_t x[CS_KEY_COORDINATE_SIZE],
                                               uint8_t y[CS_KEY_COORDINATE_SIZE]);

/*
 * Writes the private key as PKCS#8 PEM, encrypted with AES-256-CBC under a
 * PBKDF2-derived key when passphrase is not NULL, to a new file of mode
 * 0600.  The file appears complete or not at all (temporary file in the
 * same folder, fsync, then link or rename).  Without CS_KEY_WRITE_FORCE an
 * existing path is an error; symbolic links are never followed.
 * Errors: CS_ERR_ARGUMENT (public-only key), CS_ERR_FILE_EXISTS,
 * CS_ERR_IO_OPEN/WRITE, CS_ERR_CRYPTO, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_key_write_private_file(const cs_key_t *key, const char *path,
                                               const char *passphrase, size_t passphrase_len,
                                               unsigned flags);

/* Writes the SubjectPublicKeyInfo PEM to path (mode 0644), same rules. */
CS_MUST_CHECK cs_err cs_key_write_public_file(const cs_key_t *key, const char *path,
                                              unsigned flags);

/* The key's algorithm (CS_ALG_EDDSA or CS_ALG_ES256). */
cs_alg cs_key_alg(const cs_key_t *key);

/* True when the key holds a private half. */
bool cs_key_has_private(const cs_key_t *key);

/* The key's kid (borrowed, CS_KID_SIZE bytes, valid while the key lives). */
const uint8_t *cs_key_kid(const cs_key_t *key);

/* True when both keys have the same public half. */
bool cs_key_public_equal(const cs_key_t *a, const cs_key_t *b);

/*
 * An external signer: the private half of a key kept elsewhere (a PKCS#11
 * token, pkcs11.h), behind the same cs_key_t as a key file.  sign() writes
 * the signature of msg for alg (the key's own): EdDSA the 64-byte Ed25519
 * signature, ES256 the raw 64-byte r||s; it returns a cs_err.  release(),
 * when not NULL, is called with ctx once, by cs_key_free().  The core never
 * calls a signer concurrently with itself through one key; a signer that
 * may be shared between threads locks for itself.
 */
typedef struct cs_key_signer {
    cs_err (*sign)(void *ctx, cs_alg alg, const uint8_t *msg, size_t msg_len,
                   uint8_t sig[CS_SIGNATURE_MAX], size_t *sig_len);
    void (*release)(void *ctx);
    void *ctx;
} cs_key_signer;

/*
 * Gives a public-only key its private half as an external signer: from
 * then on cs_key_has_private() is true and everything that signs with the
 * key calls signer->sign.  Every signature it makes is checked against the
 * public key before use (CS_ERR_CRYPTO when it does not verify), and an
 * ES256 one is brought to a low s.  Such a key is never written as PEM.
 * The key takes over signer->ctx (released by cs_key_free(), also when the
 * key is freed without ever signing).
 * Errors: CS_ERR_ARGUMENT (NULL, no sign function, a key that already has
 * a private half; signer->ctx is then not taken over).
 */
CS_MUST_CHECK cs_err cs_key_set_signer(cs_key_t *key, const cs_key_signer *signer);

/* True when the key's private half is an external signer. */
bool cs_key_has_signer(const cs_key_t *key);

/* Releases *key and sets it to NULL; NULL and *key == NULL are fine. */
void cs_key_free(cs_key_t **key);

/*
 * Sets OpenSSL up for a process that verifies offline, before its first
 * use: OpenSSL's legacy tables of cipher and digest names are not built,
 * its error strings are not loaded and its clean-up at exit is not
 * registered.  The OpenSSL configuration file (providers, the system's
 * policy) is read as usual.  That set-up costs more than a
 * whole verification and nothing in the verifying core needs it; but TLS
 * and X.509 chains do (certificate signatures are looked up by those
 * names), so call it only in a process that makes no TLS connection and
 * has no other OpenSSL user.  Process-wide and for good; a no-op when
 * OpenSSL was already set up.  The certseal program calls it for `verify`
 * without --fetch or trust lists from URLs.
 * Errors: CS_ERR_CRYPTO (OpenSSL could not be initialised).
 */
CS_MUST_CHECK cs_err cs_crypto_init_offline(void);

#ifdef __cplusplus
}
#endif
#endif
