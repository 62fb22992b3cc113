/* SPDX-License-Identifier: ISC */
/*
 * certseal/token.h - the printed forms of a token (DESIGN §4).
 *
 *   offline  "CS1:" + base45(zlib(COSE_Sign1))            verifier apps
 *   link     "HTTPS://HOST/PATH/" + base32(zlib(COSE_Sign1)), all upper
 *            case, so a phone camera opens it in a browser
 *   raw      the COSE_Sign1 bytes themselves, binary or hexadecimal
 *
 * A codec keeps the zlib streams and buffers between calls, so that a
 * verifier or an issuer handling thousands of tokens sets zlib up once
 * (DESIGN §8).  A codec is not thread-safe: use one per thread.
 */
#ifndef CERTSEAL_TOKEN_H
#define CERTSEAL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_OFFLINE_PREFIX "CS1:"
#define CS_INFLATE_MAX (64 * 1024)     /* DESIGN §2 step 1: inflated-size cap */
#define CS_TOKEN_TEXT_MAX (256 * 1024) /* longest token text looked at */
#define CS_LINK_BASE_MAX 512

typedef enum cs_form {
    CS_FORM_UNKNOWN = 0,
    CS_FORM_OFFLINE,  /* CS1:... */
    CS_FORM_LINK,     /* HTTPS://.../BASE32 */
    CS_FORM_COSE_HEX, /* COSE_Sign1 bytes as hexadecimal */
    CS_FORM_COSE,     /* COSE_Sign1 bytes */
} cs_form;

/* "offline", "link", "cose-hex", "cose" or "unknown". */
const char *cs_form_name(cs_form form);

typedef struct cs_token_codec cs_token_codec_t;

/* Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_token_codec_new(cs_token_codec_t **out);
void cs_token_codec_free(cs_token_codec_t **codec);

/*
 * Recognises the form of token[0..len) (surrounding white space ignored),
 * strips its prefix, decodes the text and inflates, capping the result at
 * CS_INFLATE_MAX.  *cose points into the codec and stays valid until the
 * next call on it.
 * Errors: CS_ERR_FORM (no known form), CS_ERR_TOO_LARGE, CS_ERR_BASE45,
 * CS_ERR_BASE32, CS_ERR_HEX, CS_ERR_INFLATE (not zlib, corrupt, or bytes
 * after the stream), CS_ERR_INFLATE_LIMIT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_token_unwrap(cs_token_codec_t *codec, const uint8_t *token, size_t len,
                                     cs_form *form, const uint8_t **cose, size_t *cose_len);

/*
 * Compresses a COSE_Sign1 (zlib, level 9) and writes it in the offline
 * form, or in the link form under link_base (an http or https URL; it is
 * upper-cased and given a trailing '/').  *text is NUL-terminated, points
 * into the codec and stays valid until the next call on it.
 * Errors: CS_ERR_ARGUMENT (form or link_base), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_token_wrap(cs_token_codec_t *codec, cs_form form, const char *link_base,
                                   const uint8_t *cose, size_t cose_len, const char **text,
                                   size_t *text_len);

/*
 * Walks a list of tokens, as `certseal verify` reads a file and the
 * verification service a POST body: one token per line (LF, CR or CRLF;
 * lines of only spaces and tabs skipped), unless the data starts like
 * COSE_Sign1 bytes, when all of it is one binary token.  *offset starts at
 * 0 and is advanced past each token returned; *token points into data
 * (borrowed) and *token_len is the line's length.  Returns false when no
 * token is left (also for NULL arguments).  Nothing is copied or changed.
 */
bool cs_token_list_next(const uint8_t *data, size_t len, size_t *offset, const uint8_t **token,
                        size_t *token_len);

/* Checks a link base: http(s)://host[/path], printable ASCII without
 * '?', '#' or white space, at most CS_LINK_BASE_MAX characters.
 * Errors: CS_ERR_ARGUMENT. */
CS_MUST_CHECK cs_err cs_token_check_link_base(const char *link_base);

/*
 * A token in another printed form, as `certseal qr` draws it: token[0..len)
 * in any form is decoded and checked to be a COSE_Sign1, then given as a
 * new string (*out, freed with free()) in `form`: CS_FORM_OFFLINE,
 * CS_FORM_LINK, or CS_FORM_UNKNOWN for the input's own form (a link stays
 * a link, anything else becomes offline).  A link goes under link_base, or
 * when link_base is NULL under the input link's own base.  An input
 * already in that form (a link also upper case, with no new base) is given
 * as it came, without the white space around it, else the COSE_Sign1 is
 * encoded again.  *input_form (may be NULL) is the form the input came in,
 * set whenever it could be recognised.
 * Errors: as cs_token_unwrap() and cs_cose_sign1_decode() (the input does
 * not decode); CS_ERR_ARGUMENT (a bad form or link_base, or a link wanted
 * with no link_base and no base in the input); CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_token_convert(cs_token_codec_t *codec, const uint8_t *token, size_t len,
                                      cs_form form, const char *link_base, cs_form *input_form,
                                      char **out);

#ifdef __cplusplus
}
#endif
#endif
