/* SPDX-License-Identifier: ISC */
/*
 * pkg/pdf_internal.h - private declarations of the PDF reader's modules:
 * pdf_image (an image XObject's bytes to grey pixels), pdf_render (a page
 * drawn by pdftoppm in a process of its own) and pdf (the document walk,
 * through qpdf).  Never installed, never exported.
 */
#ifndef CERTSEAL_PDF_INTERNAL_H
#define CERTSEAL_PDF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/image.h"

#pragma GCC visibility push(hidden)

/* The stream filters the reader decodes itself (ISO 32000-1 §7.4): zlib
 * with an output cap instead of qpdf's unbounded decoders. */
typedef enum cs_pdf_filter {
    CS_PDF_FILTER_NONE = 0,
    CS_PDF_FILTER_FLATE,     /* /FlateDecode */
    CS_PDF_FILTER_DCT,       /* /DCTDecode (JPEG) */
    CS_PDF_FILTER_FLATE_DCT, /* [/FlateDecode /DCTDecode] */
    CS_PDF_FILTER_OTHER,     /* anything else: left to the rendered page */
} cs_pdf_filter;

/* What an image XObject's dictionary says about its samples. */
typedef struct cs_pdf_image_info {
    uint32_t width, height;
    unsigned bits;       /* BitsPerComponent: 1, 2, 4, 8 or 16 */
    unsigned components; /* 1 (grey, mask, indexed) or 3 (RGB); 4 (CMYK) */
    bool invert;         /* /Decode [1 0] on one component, or an /ImageMask */
    cs_pdf_filter filter;
    unsigned predictor; /* /DecodeParms /Predictor: 1 none, 2 TIFF, 10-15 PNG */
    /* /Indexed: hival + 1 entries of palette_components bytes (borrowed). */
    const uint8_t *palette;
    size_t palette_len;
    unsigned palette_components; /* 0 when not indexed */
} cs_pdf_image_info;

/*
 * Inflates the zlib stream data[0..len) into a new buffer *out (freed with
 * free()) of *out_len bytes: at most max, where it stops (a caller that
 * must refuse more asks for max + 1 and looks).  A stream cut short gives
 * what it held (PDF writers often leave off the last bytes).
 * Errors: CS_ERR_ARGUMENT (max 0), CS_ERR_INFLATE (not zlib, or corrupt
 * before any byte came out), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_pdf_inflate(const uint8_t *data, size_t len, size_t max, uint8_t **out,
                                    size_t *out_len);

/*
 * Decodes an image XObject's raw (still filtered) stream data into 8-bit
 * grey pixels *out (cleared with cs_image_clear()).  detail says why not.
 * Errors: CS_ERR_UNSUPPORTED (a filter, colour space or depth not read
 * here), CS_ERR_IMAGE_DIMENSIONS, CS_ERR_IMAGE (too few bytes, a bad
 * predictor), CS_ERR_INFLATE, CS_ERR_INFLATE_LIMIT, CS_ERR_NO_MEMORY, and
 * those of cs_image_read() for JPEG data.
 */
CS_MUST_CHECK cs_err cs_pdf_image_decode(const cs_pdf_image_info *info, const uint8_t *raw,
                                         size_t raw_len, cs_image *out, char *detail,
                                         size_t detail_size);

/*
 * Renders page (1-based) of the PDF file at path with pdftoppm at dpi, in
 * grey, into *out, in a process of its own with no shell, killed after
 * timeout_ms; its output is read through a pipe and refused past
 * max_pixels.  program is the pdftoppm to run (looked up on PATH).
 * Errors: CS_ERR_UNSUPPORTED (pdftoppm cannot be run), CS_ERR_PDF_RENDER
 * (it failed, timed out, or wrote something that is not a PGM image),
 * CS_ERR_IMAGE_DIMENSIONS, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_pdf_render_page(const char *program, const char *path, unsigned page,
                                        unsigned dpi, unsigned timeout_ms, size_t max_pixels,
                                        cs_image *out, char *detail, size_t detail_size);

/*
 * Writes data[0..len) to a new file in a new private folder under $TMPDIR
 * (or /tmp) for pdftoppm to read: *dir and *path (each freed with free())
 * name them; cs_pdf_render_remove() removes both.
 * Errors: CS_ERR_IO_WRITE, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_pdf_render_file(const uint8_t *data, size_t len, char **dir, char **path);

/* Removes and frees what cs_pdf_render_file() made; NULLs are fine. */
void cs_pdf_render_remove(char **dir, char **path);

#pragma GCC visibility pop

#endif
