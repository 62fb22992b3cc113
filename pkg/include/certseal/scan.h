/* SPDX-License-Identifier: ISC */
/*
 * certseal/scan.h - reading the QR codes in an image (libzbar).
 *
 * A scanner is made once and reused for many images: it holds the zbar
 * scanner, configured for QR codes only, and one image wrapper that is
 * pointed at each caller's pixels in turn (no copy).  A scanner is not
 * safe to use from two threads at once; give each thread its own.
 */
#ifndef CERTSEAL_SCAN_H
#define CERTSEAL_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cs_scanner cs_scanner_t;

/* Where a code was found: in an image, or in a PDF (certseal/pdf.h). */
typedef enum cs_scan_origin {
    CS_SCAN_ORIGIN_IMAGE = 0,      /* a PNG or JPEG image */
    CS_SCAN_ORIGIN_PDF_ATTACHMENT, /* a file embedded in a PDF */
    CS_SCAN_ORIGIN_PDF_IMAGE,      /* an image on a PDF page */
    CS_SCAN_ORIGIN_PDF_RENDER,     /* a PDF page drawn (vector paths) */
} cs_scan_origin;

/* "image", "attachment", "embedded image" or "rendered page". */
const char *cs_scan_origin_name(cs_scan_origin origin);

/* One decoded QR symbol: its text, NUL-terminated (len excludes the NUL;
 * a symbol holding a NUL byte has len > strlen(text)); for a PDF, the
 * 1-based page it was found on (0 for an image, and for a file attached
 * to a whole document of several pages) and how. */
typedef struct cs_scan_symbol {
    char *text;
    size_t len;
    uint32_t page;
    cs_scan_origin origin;
} cs_scan_symbol;

/* Every QR symbol found in one image, in reading order (top to bottom,
 * then left to right for symbols side by side).  Owned by the struct,
 * freed by cs_scan_result_clear().  Zero-initialised it is empty. */
typedef struct cs_scan_result {
    cs_scan_symbol *symbols;
    size_t count;
} cs_scan_result;

/* A new scanner in *out, freed with cs_scanner_free().
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_scanner_new(cs_scanner_t **out);

/* Frees *scanner and sets it to NULL; NULL or *NULL is fine. */
void cs_scanner_free(cs_scanner_t **scanner);

/* Images of at most this many pixels in which zbar finds no code are
 * scanned a second time, enlarged twice and binarised (a photograph at
 * about 2 pixels a module); larger ones are scanned once. */
#define CS_SCAN_RETRY_MAX_PIXELS (4u * 1024u * 1024u)

/*
 * Finds and decodes every QR code in image (borrowed for the call only)
 * into *out (overwritten without being cleared first; the caller clears
 * it with cs_scan_result_clear() on success, on failure it is empty).
 * Errors: CS_ERR_ARGUMENT (NULL, or an image without pixels),
 * CS_ERR_NO_QR_CODE (no readable QR code), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_scanner_scan(cs_scanner_t *scanner, const cs_image *image,
                                     cs_scan_result *out);

/* Frees the texts and empties *result; NULL is fine. */
void cs_scan_result_clear(cs_scan_result *result);

/*
 * Reads the PNG or JPEG file at path ("-" is standard input) and scans it
 * with a scanner of its own: cs_image_read_file() then cs_scanner_scan().
 * detail (may be NULL) receives the image decoder's explanation when the
 * image does not read.
 * Errors: those of cs_image_read_file() and cs_scanner_scan().
 */
CS_MUST_CHECK cs_err cs_scan_file(const char *path, cs_scan_result *out, char *detail,
                                  size_t detail_size);

#ifdef __cplusplus
}
#endif
#endif
