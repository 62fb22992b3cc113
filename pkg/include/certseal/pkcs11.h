/* SPDX-License-Identifier: ISC */
/*
 * certseal/pkcs11.h - signing keys held in a PKCS#11 token (a hardware
 * security module, a smart card, SoftHSM), named by an RFC 7512 URI such
 * as "pkcs11:token=ab-hsm;object=signing-2027".  A service (libcertseal
 * only, not the verifying core): it links p11-kit, which loads the module.
 *
 * A key loaded from a token is an ordinary cs_key_t whose private half is
 * an external signer (key.h, cs_key_set_signer()): the key stays in the
 * token, and everything that signs with a cs_key_t signs with it.  The key
 * keeps one session, logged in once, for its whole life: a batch signed
 * with it costs one login, not one per signature.  Ed25519 keys sign with
 * CKM_EDDSA; P-256 keys with CKM_ECDSA over a SHA-256 computed here.
 *
 * PINs never come from the URI: one with pin-value is refused
 * (CS_ERR_PKCS11_PIN_IN_URI); pin-source is kept for the caller to honour
 * or refuse.  The PIN is asked for through a callback, only once the token
 * is found, and the buffer it was written to is wiped right after login.
 */
#ifndef CERTSEAL_PKCS11_H
#define CERTSEAL_PKCS11_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/key.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_PKCS11_URI_MAX 4096 /* the longest URI text accepted */
#define CS_PKCS11_PIN_MAX 256  /* PIN buffer size, the terminating NUL included */

/*
 * A parsed "pkcs11:" URI (RFC 7512).  Every string is percent-decoded and
 * NUL-terminated (a value that decodes to a NUL byte is refused), NULL when
 * the attribute is absent.  `id` is binary (id_len bytes, has_id).
 */
typedef struct cs_pkcs11_uri {
    /* the library (module) */
    char *library_manufacturer, *library_description;
    bool has_library_version;
    unsigned library_version_major, library_version_minor;
    /* the slot */
    char *slot_description, *slot_manufacturer;
    bool has_slot_id;
    unsigned long slot_id;
    /* the token */
    char *token, *manufacturer, *serial, *model;
    /* the object */
    char *object; /* CKA_LABEL */
    uint8_t *id;  /* CKA_ID */
    size_t id_len;
    bool has_id;
    char *type; /* "private", "public", "cert", "secret-key", "data" */
    /* the query */
    char *module_name, *module_path, *pin_source;
} cs_pkcs11_uri;

/* True when text starts with the scheme "pkcs11:" (any case). */
bool cs_pkcs11_is_uri(const char *text);

/*
 * Parses text (RFC 7512 §2.3) into a new URI the caller releases with
 * cs_pkcs11_uri_free().  Strict: the characters outside the RFC's sets,
 * a bad percent escape, an empty or repeated attribute, an unknown one
 * (vendor "x-" attributes included: certseal cannot honour them), a
 * slot-id or library-version that is not a number, and a type other than
 * the RFC's are refused with CS_ERR_PKCS11_URI and a detail naming the
 * attribute; a pin-value with CS_ERR_PKCS11_PIN_IN_URI (a PIN in a URI
 * ends up in argv, shell history and registries).
 * Errors also: CS_ERR_TOO_LARGE (above CS_PKCS11_URI_MAX), CS_ERR_ARGUMENT,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_pkcs11_uri_parse(const char *text, cs_pkcs11_uri **out, char *detail,
                                         size_t detail_size);

/* Releases *uri and sets it to NULL; NULL and *uri == NULL are fine. */
void cs_pkcs11_uri_free(cs_pkcs11_uri **uri);

/*
 * Asks for the PIN of the token labelled token_label: writes it to pin
 * (at most CS_PKCS11_PIN_MAX - 1 bytes) and its length to *pin_len.  The
 * library wipes pin after use.  Returns CS_OK, or an error (reported by
 * the callback itself) that aborts the operation.
 */
typedef cs_err (*cs_pkcs11_pin_fn)(void *arg, const char *token_label,
                                   char pin[CS_PKCS11_PIN_MAX], size_t *pin_len);

/*
 * Opens the private key the URI names: loads the module (the URI's
 * module-path with p11_kit_module_load(), else the modules of p11-kit's
 * configuration, narrowed to module-name when given), finds the one token
 * that matches the URI's library, slot and token attributes, logs in with
 * the PIN from pin_fn when the token asks for one (not at all behind a
 * protected authentication path), finds the one private key that matches
 * object, id and type, and its public half (the public key object with
 * the same CKA_ID, or label when it has none).  *out is a cs_key_t with an
 * external signer, holding the session until cs_key_free().
 * Errors: CS_ERR_PKCS11_MODULE (module missing or failing to initialize,
 * none configured), CS_ERR_PKCS11_NO_TOKEN, CS_ERR_PKCS11_TOKENS (more
 * than one matches: add token= or serial=), CS_ERR_PKCS11_PIN_LOCKED,
 * CS_ERR_PKCS11_PIN_INCORRECT, CS_ERR_PKCS11_NO_OBJECT (also a private key
 * without a public key object), CS_ERR_PKCS11_OBJECTS, CS_ERR_KEY_TYPE
 * (neither Ed25519 nor P-256), CS_ERR_PKCS11_DEVICE (any other failure of
 * the module, its CKR_ code in the detail), CS_ERR_PKCS11_URI (a type that
 * is not "private"), what pin_fn returns, CS_ERR_KEY_PARSE,
 * CS_ERR_KEY_WEAK, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_pkcs11_key_load(const cs_pkcs11_uri *uri, cs_pkcs11_pin_fn pin_fn,
                                        void *pin_arg, cs_key_t **out, char *detail,
                                        size_t detail_size);

/*
 * Generates a key pair of alg inside the token the URI names: a private
 * key with CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE, CKA_SIGN and not
 * CKA_EXTRACTABLE, and its public key, both with the URI's object as
 * CKA_LABEL and id as CKA_ID (the new key's kid when the URI has no id).
 * The URI must name the object (object= or id=), and the token must hold
 * no key of that label or id yet (CS_ERR_PKCS11_OBJECT_EXISTS).  Then
 * writes the public key to public_path as cs_key_write_public_file() does
 * (flags CS_KEY_WRITE_FORCE); when that fails, the pair is destroyed in
 * the token again.  *out, when out is not NULL, is the new public key.
 * Errors: those of cs_pkcs11_key_load(), CS_ERR_PKCS11_MECHANISM (the
 * token cannot make such keys), CS_ERR_PKCS11_URI (no object or id),
 * CS_ERR_UNSUPPORTED (alg), those of cs_key_write_public_file().
 */
CS_MUST_CHECK cs_err cs_pkcs11_key_generate(const cs_pkcs11_uri *uri, cs_alg alg,
                                            cs_pkcs11_pin_fn pin_fn, void *pin_arg,
                                            const char *public_path, unsigned flags,
                                            cs_key_t **out, char *detail, size_t detail_size);

#ifdef __cplusplus
}
#endif
#endif
