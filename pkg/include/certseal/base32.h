/* SPDX-License-Identifier: ISC */
/*
 * certseal/base32.h - Base32 (RFC 4648 §6 alphabet, A-Z 2-7), the text
 * encoding of the link form.
 *
 * The encoder writes upper case without padding (DESIGN §4).  The decoder
 * accepts upper or lower case (URLs may be lower-cased on the way) and
 * optional trailing '=' padding of the right length, nothing else.
 */
#ifndef CERTSEAL_BASE32_H
#define CERTSEAL_BASE32_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Characters needed to encode len bytes, without padding or NUL. */
size_t cs_base32_encoded_length(size_t len);

/* Upper bound of the bytes that text_len characters decode to. */
size_t cs_base32_decoded_max(size_t text_len);

/*
 * Encodes data into out (room for out_cap bytes), upper case, unpadded;
 * NUL-terminates when there is room; *out_len gets the character count.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_BUFFER_TOO_SMALL.
 */
CS_MUST_CHECK cs_err cs_base32_encode(const uint8_t *data, size_t len, char *out, size_t out_cap,
                                      size_t *out_len);

/*
 * Decodes text into out.  Rejects characters outside the alphabet, a length
 * that no byte count encodes to (1, 3 or 6 mod 8), non-zero unused trailing
 * bits, and padding that is misplaced or of the wrong length.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_BASE32, CS_ERR_BUFFER_TOO_SMALL.
 */
CS_MUST_CHECK cs_err cs_base32_decode(const char *text, size_t text_len, uint8_t *out,
                                      size_t out_cap, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
