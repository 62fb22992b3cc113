/* SPDX-License-Identifier: ISC */
/*
 * pkg/internal.h - private declarations shared by the modules of
 * libcertseal.  Never installed, never exported.  Sections: crypto
 * adapter, strict CBOR, COSE signing buffers, JSON building blocks.
 */
#ifndef CERTSEAL_INTERNAL_H
#define CERTSEAL_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "certseal/claims.h"
#include "certseal/cose.h"
#include "certseal/error.h"
#include "certseal/file.h"
#include "certseal/issue.h"
#include "certseal/key.h"

/* Nothing declared here is exported from libcertseal.so (STYLE 16). */
#pragma GCC visibility push(hidden)

/* ---- crypto adapter (pkg/crypto.c, the only file that includes OpenSSL) ---- */

#define CS_SHA256_SIZE 32

/*
 * Signs msg with the private key.  EdDSA gives the 64-byte Ed25519
 * signature, ES256 the raw 64-byte r||s (RFC 9053 §2.1), never DER, with
 * s <= n / 2.
 * Errors: CS_ERR_ARGUMENT (no private half), CS_ERR_CRYPTO.
 */
CS_MUST_CHECK cs_err cs_crypto_sign(const cs_key_t *key, const uint8_t *msg, size_t msg_len,
                                    uint8_t sig[CS_SIGNATURE_MAX], size_t *sig_len);

/*
 * Verifies a signature made with alg.  The alg must fit the key type
 * (EdDSA with Ed25519, ES256 with P-256) or CS_ERR_ALG_KEY_MISMATCH; other
 * algs give CS_ERR_ALG_UNKNOWN; a signature of the wrong length or that
 * does not verify gives CS_ERR_SIGNATURE, as does an Ed25519 one whose R
 * is of small order or whose S is not below L (RFC 8032 §5.1.7).  ES256
 * accepts a high s as well as a low one.
 */
CS_MUST_CHECK cs_err cs_crypto_verify(const cs_key_t *key, cs_alg alg, const uint8_t *msg,
                                      size_t msg_len, const uint8_t *sig, size_t sig_len);

/* SHA-256 of data (NULL with len 0 is fine).  Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_crypto_sha256(const void *data, size_t len, uint8_t out[CS_SHA256_SIZE]);
/* SHA-256 of data given in parts: begin, update as often as needed, then
 * finish, which writes the digest and frees *ctx (also on error; it may be
 * called with an unfinished ctx to drop it, out NULL).
 * Errors: CS_ERR_NO_MEMORY. */
typedef struct cs_crypto_digest cs_crypto_digest;
CS_MUST_CHECK cs_err cs_crypto_sha256_begin(cs_crypto_digest **ctx);
CS_MUST_CHECK cs_err cs_crypto_sha256_update(cs_crypto_digest *ctx, const void *data, size_t len);
cs_err cs_crypto_sha256_finish(cs_crypto_digest **ctx, uint8_t out[CS_SHA256_SIZE]);

/* Constant-time comparison: true when the n bytes are equal. */
bool cs_crypto_equal(const void *a, const void *b, size_t n);

/* Overwrites n bytes at p with zeros in a way the compiler keeps. */
void cs_crypto_wipe(void *p, size_t n);

/*
 * The key as the text of a PEM file (pkg/key_file.c writes it): the private
 * key as PKCS#8, encrypted with AES-256-CBC under passphrase when it is not
 * NULL; the public key as SubjectPublicKeyInfo.  *pem (not NUL-terminated,
 * *pem_len bytes) is the caller's to free (wipe the private one first).
 * Errors: CS_ERR_ARGUMENT (no private half, a passphrase longer than
 * OpenSSL's PEM reader takes), CS_ERR_CRYPTO, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_key_private_pem(const cs_key_t *key, const char *passphrase,
                                        size_t passphrase_len, char **pem, size_t *pem_len);
CS_MUST_CHECK cs_err cs_key_public_pem(const cs_key_t *key, char **pem, size_t *pem_len);

/* Fills buf with len bytes from the CSPRNG (OpenSSL's RAND_bytes).
 * Errors: CS_ERR_CRYPTO (the generator could not be seeded). */
CS_MUST_CHECK cs_err cs_crypto_random(void *buf, size_t len);

/* ---- the status list cache of pkg/fetch.c ------------------------------------- */

/*
 * Parses a cache file: "certseal-fetch-cache 1\n", the fetch time in
 * decimal seconds, "\n", the URI it came from, "\n", then the body from
 * *body_offset on.  The body itself is not looked at.
 * Errors: CS_ERR_FORM (not a cache file, or one for another URI).
 */
CS_MUST_CHECK cs_err cs_fetch_cache_parse(const uint8_t *file, size_t len, const char *uri,
                                          int64_t *fetched_at, size_t *body_offset);

/* ---- detail strings --------------------------------------------------------- */

/* Writes a formatted explanation into the caller's detail buffer (nothing
 * when detail is NULL or size 0), cut to size - 1 bytes as vsnprintf()
 * does, with the same result; the conversions details use most (%s, %.Ns,
 * %.*s, %d, %zu, %llu, %%) are written without vsnprintf()'s set-up
 * (pkg/error.c). */
void cs_detail_vformat(char *detail, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* cs_detail_vformat() with the arguments given. */
void cs_detail_set(char *detail, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Decodes one well-formed UTF-8 sequence at s (RFC 3629 §4: no overlong
 * form, no surrogate, nothing above U+10FFFF) into *code_point; returns its
 * length, or 0 when s does not start with one (pkg/text.c). */
size_t cs_utf8_decode(const uint8_t *s, size_t len, unsigned long *code_point);

/* The text renderers' frame (pkg/text.c): render(f, arg) writes into a
 * memory stream whose text becomes *out (allocated; "" when nothing was
 * written).  Errors: CS_ERR_NO_MEMORY (*out is then NULL). */
CS_MUST_CHECK cs_err cs_text_render(void (*render)(FILE *f, const void *arg), const void *arg,
                                    char **out);

/* Writes text (NUL-terminated) to f escaped as cs_text_escape() does; a
 * text that cannot be escaped (out of memory) is left out, and the
 * stream's own error then tells. */
void cs_text_put_escaped(FILE *f, const char *text);

/* cs_detail_set(), then returns err: `return cs_detail_fail(d, n, CS_ERR_X, "...")`. */
cs_err cs_detail_fail(char *detail, size_t size, cs_err err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- strict CBOR (pkg/cbor.c), wrapping libcbor (STYLE 7) ------------------- */

#define CS_CBOR_MAX_DEPTH 16     /* DESIGN §2 step 1: bounded nesting */
#define CS_CBOR_MAX_TAGS 4       /* leading tags read before the item */
#define CS_CBOR_DEPTH_LIMIT 2048 /* the deepest max_depth accepted */

typedef enum cs_cbor_type {
    CS_CBOR_UINT,
    CS_CBOR_NEGINT,
    CS_CBOR_BYTES,
    CS_CBOR_TEXT,
    CS_CBOR_ARRAY,
    CS_CBOR_MAP,
    CS_CBOR_BOOL,
    CS_CBOR_NULL,
    CS_CBOR_UNDEFINED,
    CS_CBOR_FLOAT,
} cs_cbor_type;

/*
 * One decoded item, a node of a flat tree: a container's children follow
 * it in order (a map's as key, value, key, value...), and `span` counts the
 * nodes of an item's subtree, itself included, so its next sibling is at
 * item + span.  Use the functions below rather than the fields.
 */
typedef struct cs_cbor_item {
    cs_cbor_type type;
    uint64_t value;      /* UINT; NEGINT n for -1 - n; BOOL; ARRAY items; MAP pairs */
    const uint8_t *data; /* BYTES and TEXT: borrowed from the decoded input */
    size_t len;
    size_t span;
} cs_cbor_item;

/*
 * Decodes exactly one CBOR data item from data[0..len) into a tree whose
 * root the caller releases with cs_cbor_free().  The tree borrows the
 * input: byte and text strings point into data, which must outlive it.
 * Strict (DESIGN §2 step 1): rejects trailing bytes (CS_ERR_CBOR_TRAILING),
 * indefinite lengths (CS_ERR_CBOR_INDEFINITE), nesting deeper than
 * max_depth (CS_ERR_CBOR_DEPTH; a scalar at the top is depth 1, each array
 * or map level adds 1), duplicate map keys (CS_ERR_CBOR_DUPLICATE_KEY), map
 * keys other than integers and text (CS_ERR_CBOR_TYPE), any tag
 * (CS_ERR_CBOR_TAG), text that is not UTF-8 and anything else that is not
 * well-formed (CS_ERR_CBOR).  Non-shortest heads are accepted (RFC 8949
 * allows them).  Never crashes on any input.
 * Errors also: CS_ERR_ARGUMENT (max_depth above CS_CBOR_DEPTH_LIMIT),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_cbor_decode(const uint8_t *data, size_t len, unsigned max_depth,
                                    cs_cbor_item **out);

/*
 * Like cs_cbor_decode() for an item preceded by up to max_tags tags (any
 * head size, including the one-byte tags 6-20 that libcbor 0.8 rejects).
 * The tag numbers go to tags[0..*n_tags), outermost first.  More than
 * max_tags leading tags is CS_ERR_CBOR_TAG.
 */
CS_MUST_CHECK cs_err cs_cbor_decode_tagged(const uint8_t *data, size_t len, unsigned max_depth,
                                           uint64_t *tags, size_t max_tags, size_t *n_tags,
                                           cs_cbor_item **out);

/* Releases a decoded tree and sets *root to NULL; NULL is fine. */
void cs_cbor_free(cs_cbor_item **root);

/*
 * Typed access to a decoded tree; returned items are borrowed from it.
 * The map lookups return NULL when item is not a map or has no such key;
 * each getter returns CS_ERR_CBOR_TYPE when the item is NULL or of another
 * type (and for an integer that does not fit int64_t), CS_ERR_ARGUMENT for
 * a NULL output pointer.  Text is UTF-8 and NOT NUL-terminated.
 */
const cs_cbor_item *cs_cbor_map_get_int(const cs_cbor_item *map, int64_t label);
const cs_cbor_item *cs_cbor_map_get_text(const cs_cbor_item *map, const char *key);
/* Items of an array, pairs of a map; 0 for anything else. */
size_t cs_cbor_count(const cs_cbor_item *item);
/* The i-th item of an array, key or value of a map; NULL past the end. */
const cs_cbor_item *cs_cbor_array_at(const cs_cbor_item *array, size_t i);
const cs_cbor_item *cs_cbor_map_key_at(const cs_cbor_item *map, size_t i);
const cs_cbor_item *cs_cbor_map_value_at(const cs_cbor_item *map, size_t i);
CS_MUST_CHECK cs_err cs_cbor_get_uint(const cs_cbor_item *item, uint64_t *out);
/* uint or negint that fits int64_t */
CS_MUST_CHECK cs_err cs_cbor_get_int(const cs_cbor_item *item, int64_t *out);
CS_MUST_CHECK cs_err cs_cbor_get_text(const cs_cbor_item *item, const char **text, size_t *len);
CS_MUST_CHECK cs_err cs_cbor_get_bytes(const cs_cbor_item *item, const uint8_t **bytes,
                                       size_t *len);
CS_MUST_CHECK cs_err cs_cbor_get_bool(const cs_cbor_item *item, bool *out);
/* The first key of map that is not one of the texts in known (a
 * NULL-terminated list): a key of another type, or a text not listed; NULL
 * when every key is known (or map is not a map).  Private maps refuse such
 * a key, so that a later format cannot be misread as this one. */
const cs_cbor_item *cs_cbor_map_unknown_key(const cs_cbor_item *map, const char *const *known);
bool cs_cbor_is_map(const cs_cbor_item *item);
bool cs_cbor_is_array(const cs_cbor_item *item);

/*
 * A growable CBOR writer with a sticky error (QCBOR style): put calls after
 * a failure do nothing, and cs_cbor_writer_error() reports the first one.
 * Heads are encoded by libcbor's encoders in their shortest form, so equal
 * input gives equal bytes.
 *
 * Maps and arrays are written with cs_cbor_begin_map()/cs_cbor_begin_array()
 * and closed with cs_cbor_end_map()/cs_cbor_end_array(), which check that
 * the container holds the number of items its head declared (as tinycbor's
 * cbor_encoder_close_container() does): a count that differs, an end of the
 * wrong kind, nesting deeper than CS_CBOR_WRITER_DEPTH, or a container still
 * open when cs_cbor_writer_error() is asked, is the sticky error
 * CS_ERR_ARGUMENT.  So a writer never counts map entries by hand.
 */
#define CS_CBOR_WRITER_DEPTH 8

typedef struct cs_cbor_writer_frame {
    size_t expected; /* items the head declared (a map: twice its pairs) */
    size_t written;  /* items written into it so far */
    bool map;
} cs_cbor_writer_frame;

typedef struct cs_cbor_writer {
    uint8_t *buf; /* owned; NULL until the first put */
    size_t len;
    size_t cap;
    cs_err err;
    size_t depth; /* containers begun and not yet ended */
    cs_cbor_writer_frame open[CS_CBOR_WRITER_DEPTH];
} cs_cbor_writer;

void cs_cbor_writer_init(cs_cbor_writer *w);
/* Empties the writer, keeping its buffer for reuse. */
void cs_cbor_writer_reset(cs_cbor_writer *w);
/* Frees the buffer; the writer can be initialised again. */
void cs_cbor_writer_free(cs_cbor_writer *w);
CS_MUST_CHECK cs_err cs_cbor_writer_error(const cs_cbor_writer *w);

void cs_cbor_put_uint(cs_cbor_writer *w, uint64_t value);
void cs_cbor_put_int(cs_cbor_writer *w, int64_t value);
void cs_cbor_put_bytes(cs_cbor_writer *w, const uint8_t *data, size_t len);
void cs_cbor_put_text(cs_cbor_writer *w, const char *text, size_t len);
void cs_cbor_put_cstring(cs_cbor_writer *w, const char *text);
/* Checked containers: begin declares the count, end checks it. */
void cs_cbor_begin_array(cs_cbor_writer *w, size_t count);
void cs_cbor_begin_map(cs_cbor_writer *w, size_t pairs);
void cs_cbor_end_array(cs_cbor_writer *w);
void cs_cbor_end_map(cs_cbor_writer *w);
/* A bare array or map head, its items not counted: for tests that craft
 * malformed input.  Library code uses cs_cbor_begin_*() instead. */
void cs_cbor_put_array(cs_cbor_writer *w, size_t count);
void cs_cbor_put_map(cs_cbor_writer *w, size_t count);
void cs_cbor_put_tag(cs_cbor_writer *w, uint64_t tag);
/* Appends bytes that already are one encoded CBOR item. */
void cs_cbor_put_encoded(cs_cbor_writer *w, const uint8_t *data, size_t len);

/* ---- COSE signing with reusable buffers (pkg/cose.c) ------------------------ */

/* Working buffers for repeated signing (an issuer signs thousands). */
typedef struct cs_cose_scratch {
    cs_cbor_writer header;       /* the protected header map */
    cs_cbor_writer to_be_signed; /* the Sig_structure */
} cs_cose_scratch;

void cs_cose_scratch_init(cs_cose_scratch *scratch);
void cs_cose_scratch_free(cs_cose_scratch *scratch);

/* cs_cose_sign1_verify() without external AAD or flags, building the
 * Sig_structure in a caller-kept buffer (a verifier checks thousands). */
CS_MUST_CHECK cs_err cs_cose_sign1_verify_reusing(const cs_cose_sign1 *msg, const cs_key_t *key,
                                                  cs_cbor_writer *scratch);

/* cs_cose_sign1_sign() into `out` (reset first), reusing scratch buffers. */
CS_MUST_CHECK cs_err cs_cose_sign1_sign_into(const cs_key_t *key,
                                             const cs_cose_sign1_headers *headers,
                                             const uint8_t *payload, size_t payload_len,
                                             cs_cose_scratch *scratch, cs_cbor_writer *out);

/*
 * Verifies a COSE_Sign1 just signed with key (STYLE 10: what was signed is
 * checked before it is handed out): decodes cose and verifies it with key.
 * The one sign-and-verify check of the library, used by every signer.
 * Errors: CS_ERR_SIGNATURE, with detail (may be NULL) "the new signature did
 * not verify (<why>); nothing was issued".  cs_cose_sign1_verify_encoded()
 * is the same check returning <why> itself (the decoding or verifying
 * error), for a batch that verifies in parallel and reports later.
 */
CS_MUST_CHECK cs_err cs_cose_sign1_verify_encoded(const cs_key_t *key, const uint8_t *cose,
                                                  size_t len);
CS_MUST_CHECK cs_err cs_cose_sign1_check_own(const cs_key_t *key, const uint8_t *cose, size_t len,
                                             char *detail, size_t detail_size);


/* ---- status lists (pkg/status_token.c, for pkg/status_store.c) ------------- */

struct cs_status_token;

/*
 * cs_status_token_verify() of the bytes data whose cs_status_token_decode()
 * gave *decoded (pkg/status_token.c): the signature and the contents are
 * checked as there, but the list is not inflated again; *decoded moves into
 * *token (and is emptied) once the signature verifies.
 */
CS_MUST_CHECK cs_err cs_status_token_verify_decoded(const uint8_t *data, size_t len,
                                                    const cs_key_t *key, const char *expected_uri,
                                                    int64_t now, int64_t skew,
                                                    struct cs_status_token *decoded,
                                                    struct cs_status_token *token, char *detail,
                                                    size_t detail_size);

/* ---- JSON building blocks (pkg/record_json.c, pkg/report.c) ----------------------- */

/* Writes key's public half as a COSE_Key map (RFC 9053 §7.1, §7.2: kty,
 * crv, x, and y for P-256) into w (pkg/claims.c): the AC's cnf and the trust
 * list's keys.  Errors: CS_ERR_ARGUMENT (NULL key), as
 * cs_key_public_coordinates(); w's own errors stay in w. */
CS_MUST_CHECK cs_err cs_cose_key_write(cs_cbor_writer *w, const cs_key_t *key);

/* Reads a COSE_Key of exactly the shape cs_cose_key_write() gives (DESIGN
 * §3: {1:1, -1:6, -2:x} or {1:2, -1:1, -2:x, -3:y}, no other label) into a
 * new public key in *out, or only checks the shape when out is NULL.
 * *problem names what was wrong, in words.  Errors: CS_ERR_CBOR_TYPE (not
 * a map, a kty, crv or coordinate of another type), CS_ERR_KEY_TYPE
 * (another key type, or other labels), CS_ERR_KEY_PARSE (a coordinate not
 * 32 bytes), as cs_key_from_public_coordinates() (CS_ERR_KEY_WEAK...). */
CS_MUST_CHECK cs_err cs_cose_key_read(const cs_cbor_item *item, cs_key_t **out,
                                      const char **problem);

/* cs_certificate_encode_claims() into a caller-kept writer (reset first). */
CS_MUST_CHECK cs_err cs_certificate_write_claims(cs_cbor_writer *w, const cs_certificate *cert);

/* The claims (the COSE payload) of the token the last cs_issuer_issue()
 * signed, borrowed until the issuer's next call. */
const uint8_t *cs_issuer_last_claims(const cs_issuer_t *issuer, size_t *len);

/* cs_issuer_issue() in its two halves, so that a batch can serialise the
 * signature alone (pkg/issue_batch.c): cs_issuer_sign() checks cert and
 * signs its claims (cs_issuer_last_cose() and _claims() then hold them);
 * cs_issuer_finish() checks that signature (flags) and makes the token
 * from it.  Errors: those of cs_issuer_issue(), each half its own. */
CS_MUST_CHECK cs_err cs_issuer_sign(cs_issuer_t *issuer, cs_certificate *cert, char *detail,
                                    size_t detail_size);
CS_MUST_CHECK cs_err cs_issuer_finish(cs_issuer_t *issuer, cs_form form, const char *link_base,
                                      unsigned flags, const char **token, size_t *token_len,
                                      char *detail, size_t detail_size);

/* What cs_certificates_each_repeat() calls for each certificate whose
 * number an earlier one has: first is the earliest, later this one
 * (indexes into the array).  Anything but CS_OK stops the walk. */
typedef cs_err (*cs_repeat_fn)(void *ctx, size_t first, size_t later);
/* Calls repeat for every certificate of certs[0..count) whose number an
 * earlier one has (numbers must not be NULL), by number.  Errors:
 * CS_ERR_NO_MEMORY, repeat's. */
CS_MUST_CHECK cs_err cs_certificates_each_repeat(const cs_certificate *certs, size_t count,
                                                 cs_repeat_fn repeat, void *ctx);

/* Tests only: the bytes cs_issuer_last_cose() gives, writable, for a test
 * that corrupts a signature before its self-check. */
uint8_t *cs_issuer_last_cose_for_tamper(cs_issuer_t *issuer, size_t *len);

/* Tests only: a batch's jobs call fn between each certificate's signature
 * and its self-check, with its COSE bytes (writable), so that a test can
 * show that a signature which does not verify is never delivered as
 * issued.  Set before the first submission. */
struct cs_issue_batch;
typedef void (*cs_issue_batch_tamper_fn)(void *ctx, const cs_certificate *cert, uint8_t *cose,
                                         size_t len);
void cs_issue_batch_set_tamper(struct cs_issue_batch *batch, cs_issue_batch_tamper_fn fn,
                               void *ctx);

/* A second issuer with issuer's key, AC, catalog and catalog flags, for
 * another thread: the key and the catalog are shared (only read), so
 * issuer must outlive the copy and keep its catalog meanwhile (the
 * built-in catalog is static).  Errors: those of cs_issuer_new(). */
CS_MUST_CHECK cs_err cs_issuer_copy(cs_issuer_t *issuer, cs_issuer_t **out);

/* True when the issuer's key signs through an external signer, which must
 * never be called by two threads at once (certseal/key.h). */
bool cs_issuer_signs_externally(const cs_issuer_t *issuer);

/* The record shape of cert as a new jansson object (NULL when out of memory). */
json_t *cs_record_json_object(const cs_certificate *cert);

/* cs_record_parse_json() of a record already a jansson object (borrowed):
 * the same checks and errors, but for CS_ERR_JSON; the CSV reader builds
 * its rows so. */
CS_MUST_CHECK cs_err cs_record_parse_object(const json_t *record, cs_certificate *cert,
                                            char *detail, size_t detail_size);

/* JSON values of the reports (pkg/report.c), shared with the inspection
 * report (pkg/report_inspect.c): bytes as lower-case hex, a date, a date and
 * time (UTC), and the text of value (taken, pretty with CS_REPORT_PRETTY)
 * with terminal-unsafe characters escaped.  NULL when out of memory. */
json_t *cs_report_json_hex(const uint8_t *data, size_t len);
json_t *cs_report_json_date(int64_t t);
json_t *cs_report_json_datetime(int64_t t);
char *cs_report_json_render(json_t *value, unsigned flags);
/* {"idx", "uri"} of a status reference, or null; an accreditation's fields. */
json_t *cs_report_json_status_reference(const cs_status_ref *ref);
json_t *cs_report_json_accreditation(const cs_accreditation *ac);

#pragma GCC visibility pop

#endif
