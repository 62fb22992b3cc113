/* SPDX-License-Identifier: ISC */
/*
 * certseal/base45.h - Base45 (RFC 9285), the text encoding of the offline form.
 *
 * Both functions write into a caller-supplied buffer and never allocate.
 */
#ifndef CERTSEAL_BASE45_H
#define CERTSEAL_BASE45_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Characters needed to encode len bytes (no terminating NUL counted). */
size_t cs_base45_encoded_length(size_t len);

/* Upper bound of the bytes that text_len characters decode to. */
size_t cs_base45_decoded_max(size_t text_len);

/*
 * Encodes data[0..len) into out, which has room for out_cap bytes; writes a
 * terminating NUL when there is room for it, and the number of characters
 * (without the NUL) to *out_len.
 * Errors: CS_ERR_ARGUMENT (NULL pointers), CS_ERR_BUFFER_TOO_SMALL
 * (out_cap < cs_base45_encoded_length(len)).
 */
CS_MUST_CHECK cs_err cs_base45_encode(const uint8_t *data, size_t len, char *out, size_t out_cap,
                                      size_t *out_len);

/*
 * Decodes text[0..text_len) into out (room for out_cap bytes) and writes the
 * byte count to *out_len.  Strict: only the 45 characters of RFC 9285 §4
 * (0-9 A-Z space $ % * + - . / :), no lower case, no whitespace; a length
 * of 1 mod 3 and any group whose value exceeds 65535 (triple) or 255 (pair)
 * are rejected.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_BASE45, CS_ERR_BUFFER_TOO_SMALL.
 */
CS_MUST_CHECK cs_err cs_base45_decode(const char *text, size_t text_len, uint8_t *out,
                                      size_t out_cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
