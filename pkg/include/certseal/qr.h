/* SPDX-License-Identifier: ISC */
/*
 * certseal/qr.h - a token as a QR code (DESIGN §4): encoding with
 * libqrencode, and the code drawn as a 1-bit PNG, an SVG document or UTF-8
 * half blocks for a terminal.
 *
 * Both certseal forms are upper case and within the QR alphanumeric set,
 * so they are encoded in alphanumeric mode; other text falls back to the
 * modes libqrencode picks.  Output goes to memory that the caller owns, so
 * that a file is written whole or not at all (cs_file_write_atomic()).
 * Nothing here prints or exits: libpng's errors come back as codes.
 */
#ifndef CERTSEAL_QR_H
#define CERTSEAL_QR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_qr_ecc {
    CS_QR_ECC_L = 0,
    CS_QR_ECC_M,
    CS_QR_ECC_Q,
    CS_QR_ECC_H,
} cs_qr_ecc;

#define CS_QR_DEFAULT_ECC CS_QR_ECC_M
#define CS_QR_DEFAULT_MARGIN 4 /* quiet zone, modules (ISO/IEC 18004) */
#define CS_QR_DEFAULT_SCALE 8  /* PNG and SVG pixels per module */
#define CS_QR_DEFAULT_DPI 300  /* resolution recorded in the PNG */
#define CS_QR_MARGIN_MAX 64
#define CS_QR_SCALE_MAX 64

/* 'L', 'M', 'Q' or 'H' for ecc. */
char cs_qr_ecc_letter(cs_qr_ecc ecc);
/* Parses "L", "M", "Q" or "H" (either case).  Errors: CS_ERR_ARGUMENT. */
CS_MUST_CHECK cs_err cs_qr_ecc_parse(const char *text, cs_qr_ecc *out);

/*
 * The smallest QR version (1-40) that holds text at error correction ecc,
 * and its width in modules (without the quiet zone).
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE (no version holds it),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_qr_version(const char *text, cs_qr_ecc ecc, int *version, int *modules);

/*
 * The QR version above which certseal warns when it issues a token: 117
 * modules, 50 mm with its quiet zone at 0.4 mm a module, the most a
 * certificate page comfortably gives a code that phones read at arm's
 * length.
 */
#define CS_QR_VERSION_WARN 25

/*
 * The most characters of upper-case alphanumeric text (the QR alphanumeric
 * set, as both token forms are) that a QR code of at most `version` holds
 * at ecc, found by encoding (libqrencode's own rules, not a copied table).
 * Errors: CS_ERR_ARGUMENT (version outside 1-40), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_qr_capacity(int version, cs_qr_ecc ecc, size_t *chars);

/* An encoded QR symbol: a square of dark and light modules. */
typedef struct cs_qr cs_qr_t;

/*
 * Encodes text (NUL-terminated, not empty) at error correction ecc in the
 * smallest version that holds it, exactly as given (case-sensitive: lower
 * case is never folded, so a lower-case link costs byte mode); *out is
 * freed with cs_qr_free().
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE (longer than version 40
 * holds at ecc), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_qr_encode(const char *text, cs_qr_ecc ecc, cs_qr_t **out);
void cs_qr_free(cs_qr_t **qr);

/* The symbol's version, 1-40 (0 for NULL). */
int cs_qr_symbol_version(const cs_qr_t *qr);
/* Modules per side, 17 + 4 * version, without the quiet zone (0 for NULL). */
int cs_qr_width(const cs_qr_t *qr);
/* True when the module at column x, row y (0-based) is dark; false
 * outside the symbol. */
bool cs_qr_is_dark(const cs_qr_t *qr, int x, int y);

typedef struct cs_qr_render_options {
    unsigned scale;  /* pixels (PNG) or user units (SVG) per module, 1-CS_QR_SCALE_MAX */
    unsigned margin; /* quiet zone in modules, 0-CS_QR_MARGIN_MAX */
    unsigned dpi;    /* PNG: resolution written in its pHYs chunk, 0 for none */
} cs_qr_render_options;

#define CS_QR_RENDER_OPTIONS_INIT                                                                  \
    {                                                                                              \
        CS_QR_DEFAULT_SCALE, CS_QR_DEFAULT_MARGIN, CS_QR_DEFAULT_DPI                               \
    }

/*
 * Draws the symbol as a 1-bit greyscale PNG (black on white) into a new
 * buffer (*out, freed with free()).  options may be NULL for the defaults.
 * Errors: CS_ERR_ARGUMENT (scale or margin out of range), CS_ERR_TOO_LARGE
 * (image wider than 65535 pixels), CS_ERR_NO_MEMORY, CS_ERR_IO_WRITE
 * (libpng failed).
 */
CS_MUST_CHECK cs_err cs_qr_render_png(const cs_qr_t *qr, const cs_qr_render_options *options,
                                      uint8_t **out, size_t *out_len);

/*
 * Writes the symbol as a standalone SVG 1.1 document, one path of unit
 * squares for the dark modules on a white background, into a new
 * NUL-terminated buffer (*out, freed with free()).  dpi is not used.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_qr_render_svg(const cs_qr_t *qr, const cs_qr_render_options *options,
                                      char **out, size_t *out_len);

/*
 * Draws the symbol with UTF-8 half blocks (U+2580, U+2584, U+2588 and
 * space), two module rows per text line, with a quiet zone of margin
 * modules.  With invert false the blocks are the dark modules (dark text
 * on a light terminal); with invert true the blocks are the light modules
 * and the quiet zone, so that the code reads on a dark terminal.  The
 * result is a new NUL-terminated buffer (*out, freed with free()), lines
 * ending in '\n'.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_qr_render_text(const cs_qr_t *qr, unsigned margin, bool invert, char **out,
                                       size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
