/* SPDX-License-Identifier: ISC */
/* An image XObject's samples as grey pixels (pdf_internal.h): the filters
 * FlateDecode (with its predictors) and DCTDecode, the colour spaces
 * DeviceGray, DeviceRGB, DeviceCMYK and Indexed, 1 to 16 bits a sample
 * (ISO 32000-1 §8.9.5, §7.4.4). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "certseal/pdf.h"
#include "internal.h"
#include "pdf_internal.h"

cs_err cs_pdf_inflate(const uint8_t *data, size_t len, size_t max, uint8_t **out, size_t *out_len)
{
    z_stream z;
    uint8_t *buf = NULL, *bigger;
    size_t cap = 0;
    int rc = Z_OK;
    cs_err err = CS_ERR_NO_MEMORY;

    *out = NULL;
    *out_len = 0;
    if (max == 0)
        return CS_ERR_ARGUMENT;
    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK)
        return CS_ERR_NO_MEMORY;
    z.next_in = (Bytef *)(uintptr_t)data;
    while (rc == Z_OK && *out_len < max) {
        if (*out_len == cap) {
            /* Grow by doubling from 64 KiB, never past max. */
            size_t want = cap == 0 ? 65536 : cap * 2;
            want = want > max ? max : want;
            if ((bigger = realloc(buf, want)) == NULL)
                goto fail;
            buf = bigger;
            cap = want;
        }
        if (z.avail_in == 0) {
            size_t left = len - (size_t)(z.next_in - data);
            z.avail_in = left > 0x40000000u ? 0x40000000u : (uInt)left;
        }
        z.next_out = buf + *out_len;
        z.avail_out = (uInt)(cap - *out_len > 0x40000000u ? 0x40000000u : cap - *out_len);
        rc = inflate(&z, Z_NO_FLUSH);
        *out_len = (size_t)(z.next_out - buf);
        if (rc == Z_BUF_ERROR && z.avail_in == 0)
            break; /* cut short: keep what came out */
    }
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR && *out_len == 0) {
        err = CS_ERR_INFLATE;
        goto fail;
    }
    if (*out_len == 0 && rc != Z_STREAM_END) {
        err = CS_ERR_INFLATE;
        goto fail;
    }
    inflateEnd(&z);
    *out = buf;
    return CS_OK;
fail:
    inflateEnd(&z);
    free(buf);
    *out_len = 0;
    return err;
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

/* Undoes the PNG predictors (RFC 2083 §6) in place: rows of 1 + row bytes
 * become rows of row bytes, packed at the start of data. */
static cs_err undo_png(uint8_t *data, size_t row, size_t rows, size_t bpp)
{
    uint8_t *prev = NULL;

    for (size_t y = 0; y < rows; y++) {
        uint8_t type = data[y * (row + 1)];
        uint8_t *cur = data + y * row;

        /* The row moves one byte down per row; memmove keeps it whole. */
        memmove(cur, data + y * (row + 1) + 1, row);
        for (size_t x = 0; x < row; x++) {
            int a = x >= bpp ? cur[x - bpp] : 0, b = prev != NULL ? prev[x] : 0;
            int c = x >= bpp && prev != NULL ? prev[x - bpp] : 0;
            switch (type) {
            case 0:
                break;
            case 1:
                cur[x] = (uint8_t)(cur[x] + a);
                break;
            case 2:
                cur[x] = (uint8_t)(cur[x] + b);
                break;
            case 3:
                cur[x] = (uint8_t)(cur[x] + ((a + b) >> 1));
                break;
            case 4:
                cur[x] = (uint8_t)(cur[x] + paeth(a, b, c));
                break;
            default:
                return CS_ERR_IMAGE;
            }
        }
        prev = cur;
    }
    return CS_OK;
}

/* Undoes the TIFF predictor 2 for 8-bit samples, in place. */
static void undo_tiff(uint8_t *data, size_t row, size_t rows, size_t components)
{
    for (size_t y = 0; y < rows; y++)
        for (size_t x = components; x < row; x++)
            data[y * row + x] = (uint8_t)(data[y * row + x] + data[y * row + x - components]);
}

/* Sample i of a row of bits-wide samples, scaled to 0-255 (16-bit: the
 * high byte), or the raw index when raw is set. */
static unsigned sample(const uint8_t *row, size_t i, unsigned bits, bool raw)
{
    unsigned v, max = (1u << (bits > 8 ? 8 : bits)) - 1;

    switch (bits) {
    case 8:
        return row[i];
    case 16:
        return row[2 * i];
    default:
        v = (row[i * bits / 8] >> (8 - bits - (unsigned)(i * bits % 8))) & max;
        return raw ? v : v * 255 / max;
    }
}

static uint8_t grey_of(const unsigned *c, unsigned components)
{
    unsigned k;

    switch (components) {
    case 1:
        return (uint8_t)c[0];
    case 3:
        return (uint8_t)((c[0] * 299 + c[1] * 587 + c[2] * 114) / 1000);
    default: /* CMYK: ink subtracted from paper white */
        k = (c[0] * 30 + c[1] * 59 + c[2] * 11) / 100 + c[3];
        return (uint8_t)(k > 255 ? 0 : 255 - k);
    }
}

/* The samples, rows of row bytes, as grey pixels. */
static void to_grey(const cs_pdf_image_info *info, const uint8_t *samples, size_t row,
                    uint8_t *pixels)
{
    unsigned c[4];

    for (uint32_t y = 0; y < info->height; y++) {
        const uint8_t *r = samples + (size_t)y * row;
        for (uint32_t x = 0; x < info->width; x++) {
            uint8_t g;
            if (info->palette_components > 0) {
                size_t index = sample(r, x, info->bits, true),
                       at = index * info->palette_components;
                for (unsigned k = 0; k < info->palette_components; k++)
                    c[k] = at + k < info->palette_len ? info->palette[at + k] : 255;
                g = grey_of(c, info->palette_components);
            } else {
                for (unsigned k = 0; k < info->components; k++)
                    c[k] = sample(r, (size_t)x * info->components + k, info->bits, false);
                g = grey_of(c, info->components);
                if (info->invert)
                    g = (uint8_t)(255 - g);
            }
            pixels[(size_t)y * info->width + x] = g;
        }
    }
}

static cs_err check_info(const cs_pdf_image_info *info, size_t *row, char *detail,
                         size_t detail_size)
{
    uint64_t bits_per_row;

    if (info->bits != 1 && info->bits != 2 && info->bits != 4 && info->bits != 8 &&
        info->bits != 16)
        return cs_detail_fail(detail, detail_size, CS_ERR_UNSUPPORTED,
                              "%u bits a sample is not a PDF image depth", info->bits);
    if (info->components != 1 && info->components != 3 && info->components != 4)
        return cs_detail_fail(detail, detail_size, CS_ERR_UNSUPPORTED,
                              "%u colour components are not read", info->components);
    if (info->palette_components > 0 &&
        (info->components != 1 || info->bits > 8 ||
         (info->palette_components != 1 && info->palette_components != 3 &&
          info->palette_components != 4)))
        return cs_detail_fail(detail, detail_size, CS_ERR_UNSUPPORTED,
                              "an indexed colour space of this kind is not read");
    if (info->width == 0 || info->height == 0 || info->width > CS_IMAGE_MAX_SIDE ||
        info->height > CS_IMAGE_MAX_SIDE ||
        (uint64_t)info->width * info->height > CS_PDF_IMAGE_MAX_PIXELS)
        return cs_detail_fail(
            detail, detail_size, CS_ERR_IMAGE_DIMENSIONS,
            "an image of %" PRIu32 " x %" PRIu32 " pixels (the limit is %u a side and %u pixels)",
            info->width, info->height, CS_IMAGE_MAX_SIDE, CS_PDF_IMAGE_MAX_PIXELS);
    bits_per_row = (uint64_t)info->width * info->components * info->bits;
    *row = (size_t)((bits_per_row + 7) / 8);
    if ((uint64_t)(*row + 1) * info->height > CS_PDF_IMAGE_MAX_BYTES)
        return cs_detail_fail(detail, detail_size, CS_ERR_IMAGE_DIMENSIONS,
                              "an image of %zu bytes a row and %" PRIu32
                              " rows (the limit is %u bytes)",
                              *row, info->height, CS_PDF_IMAGE_MAX_BYTES);
    return CS_OK;
}

/* The samples of a FlateDecode or unfiltered image, predictors undone:
 * *samples (freed by the caller) of height rows of row bytes. */
static cs_err samples_of(const cs_pdf_image_info *info, const uint8_t *raw, size_t raw_len,
                         size_t row, uint8_t **samples, char *detail, size_t detail_size)
{
    bool png = info->filter == CS_PDF_FILTER_FLATE && info->predictor >= 10;
    size_t need = (row + (png ? 1 : 0)) * info->height, got = 0;
    uint8_t *data = NULL;
    cs_err err;

    if (info->filter == CS_PDF_FILTER_FLATE) {
        if ((err = cs_pdf_inflate(raw, raw_len, need, &data, &got)) != CS_OK)
            return cs_detail_fail(detail, detail_size, err, "the image's FlateDecode data %s",
                                  err == CS_ERR_INFLATE ? "is corrupt" : "cannot be inflated");
    } else {
        got = raw_len < need ? raw_len : need;
        if ((data = malloc(need)) == NULL)
            return CS_ERR_NO_MEMORY;
        memcpy(data, raw, got);
    }
    if (got < need) {
        free(data);
        return cs_detail_fail(detail, detail_size, CS_ERR_IMAGE,
                              "the image holds %zu of the %zu bytes its size needs", got, need);
    }
    if (png) {
        size_t bpp = (info->components * info->bits + 7) / 8;
        if ((err = undo_png(data, row, info->height, bpp)) != CS_OK) {
            free(data);
            return cs_detail_fail(detail, detail_size, err, "the image has a bad PNG predictor");
        }
    } else if (info->filter == CS_PDF_FILTER_FLATE && info->predictor == 2) {
        if (info->bits != 8) {
            free(data);
            return cs_detail_fail(detail, detail_size, CS_ERR_UNSUPPORTED,
                                  "the TIFF predictor is read for 8-bit samples only");
        }
        undo_tiff(data, row, info->height, info->components);
    } else if (info->filter == CS_PDF_FILTER_FLATE && info->predictor > 1) {
        free(data);
        return cs_detail_fail(detail, detail_size, CS_ERR_UNSUPPORTED,
                              "predictor %u is not a PDF predictor", info->predictor);
    }
    *samples = data;
    return CS_OK;
}

/* A JPEG, inflated first for [/FlateDecode /DCTDecode]. */
static cs_err decode_jpeg(const cs_pdf_image_info *info, const uint8_t *raw, size_t raw_len,
                          cs_image *out, char *detail, size_t detail_size)
{
    uint8_t *jpeg = NULL;
    size_t len = 0;
    cs_err err;

    if (info->filter == CS_PDF_FILTER_DCT)
        return cs_image_read(raw, raw_len, out, detail, detail_size);
    if ((err = cs_pdf_inflate(raw, raw_len, CS_PDF_IMAGE_MAX_BYTES, &jpeg, &len)) != CS_OK)
        return cs_detail_fail(detail, detail_size, err, "the image's FlateDecode data is corrupt");
    err = cs_image_read(jpeg, len, out, detail, detail_size);
    free(jpeg);
    return err;
}

cs_err cs_pdf_image_decode(const cs_pdf_image_info *info, const uint8_t *raw, size_t raw_len,
                           cs_image *out, char *detail, size_t detail_size)
{
    uint8_t *samples = NULL;
    size_t row = 0;
    cs_err err;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (info == NULL || out == NULL || (raw == NULL && raw_len > 0))
        return CS_ERR_ARGUMENT;
    if (info->filter == CS_PDF_FILTER_OTHER)
        return cs_detail_fail(detail, detail_size, CS_ERR_UNSUPPORTED,
                              "the image's filter is not read (the page is rendered instead)");
    if (info->filter == CS_PDF_FILTER_DCT || info->filter == CS_PDF_FILTER_FLATE_DCT) {
        if (info->width > CS_IMAGE_MAX_SIDE || info->height > CS_IMAGE_MAX_SIDE ||
            (uint64_t)info->width * info->height > CS_PDF_IMAGE_MAX_PIXELS)
            return cs_detail_fail(detail, detail_size, CS_ERR_IMAGE_DIMENSIONS,
                                  "a JPEG image of %" PRIu32 " x %" PRIu32 " pixels", info->width,
                                  info->height);
        err = decode_jpeg(info, raw, raw_len, out, detail, detail_size);
        if (err == CS_OK && (uint64_t)out->width * out->height > CS_PDF_IMAGE_MAX_PIXELS) {
            cs_image_clear(out);
            err = cs_detail_fail(detail, detail_size, CS_ERR_IMAGE_DIMENSIONS,
                                 "a JPEG image larger than its dictionary says");
        }
        return err;
    }
    if ((err = check_info(info, &row, detail, detail_size)) != CS_OK)
        return err;
    if ((err = samples_of(info, raw, raw_len, row, &samples, detail, detail_size)) != CS_OK)
        return err;
    if ((out->pixels = malloc((size_t)info->width * info->height)) == NULL) {
        free(samples);
        return CS_ERR_NO_MEMORY;
    }
    out->width = info->width;
    out->height = info->height;
    to_grey(info, samples, row, out->pixels);
    free(samples);
    return CS_OK;
}
