/* SPDX-License-Identifier: ISC */
/*
 * certseal/text.h - text that is shown to people.
 *
 * A token is written by whoever holds a key, or forged by anyone: its text
 * is data, never commands.  Printed raw, an ESC sequence repaints a
 * terminal ("VALID" over a failed check) and a right-to-left override
 * reverses what follows.  cs_text_escape() makes text safe to print;
 * cs_text_check() refuses such characters in the records a certification
 * body issues from (DESIGN §3: text is UTF-8, NFC).
 *
 * Characters that are escaped or refused: the C0 controls U+0000-U+001F,
 * DEL U+007F, the C1 controls U+0080-U+009F, and the bidirectional
 * embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069.
 */
#ifndef CERTSEAL_TEXT_H
#define CERTSEAL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cs_text_check(): line feeds (U+000A) are allowed, for multi-line text
 * such as an address. */
#define CS_TEXT_MULTILINE 0x1u

/* True when the code point is one of those above (LF included). */
bool cs_text_is_unsafe(unsigned long code_point);

/*
 * Copies the len bytes of text to out, with each unsafe character written
 * as \xHH (below U+0080) or \uHHHH, and each byte that is not part of
 * well-formed UTF-8 as \xHH; everything else is copied as it is.  out
 * always ends in NUL (when out_size > 0) and is cut only between whole
 * characters and escapes.  Returns the length (without the NUL) that the
 * whole escaped text needs, as snprintf() does: the output is complete
 * when that is less than out_size.  text may be NULL when len is 0.
 */
size_t cs_text_escape(const char *text, size_t len, char *out, size_t out_size);

/* The len bytes of data as lower-case hex into out, which holds 2 * len + 1
 * bytes (a kid: 2 * CS_KID_SIZE + 1); returns out. */
char *cs_text_hex(const uint8_t *data, size_t len, char *out);

/*
 * The escaped copy of the NUL-terminated text, allocated; the caller frees
 * *out with free().  Returns CS_OK, CS_ERR_ARGUMENT or CS_ERR_NO_MEMORY
 * (*out is then NULL).
 */
cs_err cs_text_escape_alloc(const char *text, char **out)
    __attribute__((warn_unused_result));

/*
 * Makes JSON text safe to print: each unsafe character that stands raw in
 * *json (jansson escapes the C0 controls but leaves DEL, the C1 controls
 * and the bidirectional ones as they are) is replaced by its \uHHHH escape,
 * which a JSON reader turns back into the same string.  *json is
 * NUL-terminated, allocated with malloc() (json_dumps() output); it may be
 * replaced by a new allocation, which the caller frees.  Returns CS_OK,
 * CS_ERR_ARGUMENT, or CS_ERR_NO_MEMORY (*json is then unchanged).
 */
cs_err cs_text_escape_json(char **json) __attribute__((warn_unused_result));

/*
 * Checks the len bytes of text for a record: well-formed UTF-8, no unsafe
 * character (a line feed is allowed with CS_TEXT_MULTILINE), and in
 * Unicode Normalization Form C.  Returns CS_OK, CS_ERR_ARGUMENT, or
 * CS_ERR_TEXT with detail saying what was found and at which byte (the
 * detail never quotes the text).  detail may be NULL.
 */
cs_err cs_text_check(const char *text, size_t len, unsigned flags, char *detail,
                     size_t detail_size) __attribute__((warn_unused_result));

/*
 * The candidate nearest to word, for a "did you mean ...?": the one needing
 * the fewest single-character edits (insert, delete, replace; ASCII letters
 * compared without case, so "ISO9001:2015" is one edit from
 * "ISO 9001:2015"), when that is at most max(2, strlen(word) / 4) edits
 * and fewer than any other candidate's.  NULL when none is near enough,
 * or word or a candidate is longer than CS_TEXT_NEAREST_MAX bytes.  The
 * result points into candidates.
 */
#define CS_TEXT_NEAREST_MAX 128
const char *cs_text_nearest(const char *word, const char *const *candidates, size_t count);

#ifdef __cplusplus
}
#endif

#endif
