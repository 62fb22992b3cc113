/* SPDX-License-Identifier: ISC */
/*
 * certseal/image.h - photographs and scans of certificates as 8-bit grey
 * pixels, ready for the QR scanner (certseal/scan.h).
 *
 * PNG (libpng) and JPEG (libjpeg) are read from memory; the format is told
 * by the file's signature, never by its name.  Every PNG colour type and
 * bit depth is accepted, interlaced or not, and transparency is composited
 * on white (a transparent PNG of a QR code shows dark modules on paper
 * white).  JPEG greyscale, YCbCr, RGB, CMYK and YCCK images are accepted.
 *
 * Images are untrusted input: the dimensions a header claims are checked
 * before any pixel memory is allocated, a truncated or corrupt file is an
 * error rather than a partly grey picture, and nothing is printed.
 */
#ifndef CERTSEAL_IMAGE_H
#define CERTSEAL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_IMAGE_MAX_SIDE 16384u                  /* pixels, width or height */
#define CS_IMAGE_MAX_PIXELS (64u * 1024u * 1024u) /* width * height */
#define CS_IMAGE_FILE_MAX (64u * 1024u * 1024u)   /* bytes cs_image_read_file() reads */

/* A greyscale image: height rows of width bytes (0 black, 255 white),
 * row-major with no padding.  pixels is owned by the struct and freed by
 * cs_image_clear().  A zero-initialised cs_image is empty and may be
 * cleared. */
typedef struct cs_image {
    uint32_t width;
    uint32_t height;
    uint8_t *pixels;
} cs_image;

typedef enum cs_image_format {
    CS_IMAGE_FORMAT_UNKNOWN = 0,
    CS_IMAGE_FORMAT_PNG,
    CS_IMAGE_FORMAT_JPEG,
} cs_image_format;

/* The format data starts with (PNG signature, JPEG SOI marker), or
 * CS_IMAGE_FORMAT_UNKNOWN. */
cs_image_format cs_image_detect(const uint8_t *data, size_t len);

/* "PNG", "JPEG" or "unknown". */
const char *cs_image_format_name(cs_image_format format);

/*
 * Decodes the PNG or JPEG image in data[0..len) into *out (overwritten
 * without being cleared first; on success the caller clears it with
 * cs_image_clear(), on failure it is left empty).  detail (may be NULL)
 * receives, on failure, a sentence naming what was wrong: the decoder's
 * message, or the dimensions the header claimed.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_IMAGE_FORMAT (neither PNG nor JPEG),
 * CS_ERR_IMAGE_DIMENSIONS (wider or taller than CS_IMAGE_MAX_SIDE, or more
 * than CS_IMAGE_MAX_PIXELS; refused from the header, before allocating),
 * CS_ERR_IMAGE (truncated or corrupt, unsupported colour space),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_image_read(const uint8_t *data, size_t len, cs_image *out, char *detail,
                                   size_t detail_size);

/*
 * Reads the file at path ("-" is standard input), at most
 * CS_IMAGE_FILE_MAX bytes, and decodes it as cs_image_read() does.
 * Errors: those of cs_file_read_all() (CS_ERR_IO_OPEN, CS_ERR_IO_READ with
 * errno set, CS_ERR_TOO_LARGE) and of cs_image_read().
 */
CS_MUST_CHECK cs_err cs_image_read_file(const char *path, cs_image *out, char *detail,
                                        size_t detail_size);

/* Frees the pixels and empties *image; NULL is fine. */
void cs_image_clear(cs_image *image);

#ifdef __cplusplus
}
#endif
#endif
