/* SPDX-License-Identifier: ISC */
/* Drawing a QR symbol: 1-bit PNG (libpng, to memory), SVG and UTF-8 text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "certseal/qr.h"

#define PNG_SIDE_MAX 65535u
#define PNG_FIRST_CAPACITY 4096u

static const cs_qr_render_options DEFAULT_OPTIONS = CS_QR_RENDER_OPTIONS_INIT;

/* The options to use, or NULL when they are out of range. */
static const cs_qr_render_options *checked_options(const cs_qr_t *qr,
                                                   const cs_qr_render_options *options)
{
    if (options == NULL)
        options = &DEFAULT_OPTIONS;
    if (qr == NULL || options->scale < 1 || options->scale > CS_QR_SCALE_MAX ||
        options->margin > CS_QR_MARGIN_MAX)
        return NULL;
    return options;
}

/* ---- PNG ------------------------------------------------------------------- */

/* Where libpng's output goes: a buffer that grows. */
typedef struct png_sink {
    uint8_t *data;
    size_t len;
    size_t cap;
    bool out_of_memory;
} png_sink;

/* libpng's error callback must not return; it unwinds to write_png(). */
static void png_fail(png_structp png, png_const_charp message)
{
    (void)message;
    png_longjmp(png, 1);
}

/* The library never prints: libpng's warnings are dropped. */
static void png_warn(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

static void sink_write(png_structp png, png_bytep bytes, png_size_t n)
{
    png_sink *sink = png_get_io_ptr(png);

    if (n > sink->cap - sink->len) {
        size_t cap = sink->cap != 0 ? sink->cap : PNG_FIRST_CAPACITY;
        while (cap - sink->len < n && cap <= SIZE_MAX / 2)
            cap *= 2;
        uint8_t *grown = cap - sink->len >= n ? realloc(sink->data, cap) : NULL;
        if (grown == NULL) {
            sink->out_of_memory = true;
            png_error(png, "out of memory");
        }
        sink->data = grown;
        sink->cap = cap;
    }
    memcpy(sink->data + sink->len, bytes, n);
    sink->len += n;
}

static void sink_flush(png_structp png)
{
    (void)png;
}

/* Fills row (1 bit per pixel, most significant first, 1 = white) with
 * module row y of the symbol, or all white when y is outside it. */
static void fill_row(const cs_qr_t *qr, int y, const cs_qr_render_options *o, png_bytep row,
                     size_t row_bytes)
{
    int width = cs_qr_width(qr);

    memset(row, 0xff, row_bytes);
    if (y < 0 || y >= width)
        return;
    for (int x = 0; x < width; x++) {
        if (!cs_qr_is_dark(qr, x, y))
            continue;
        size_t first = ((size_t)o->margin + (size_t)x) * o->scale;
        for (size_t p = first; p < first + o->scale; p++)
            row[p / 8] &= (png_byte) ~(0x80u >> (p % 8));
    }
}

/*
 * The libpng write sequence: header, pHYs, rows, end.  Nothing that lives
 * past a longjmp is changed after setjmp() here, so no local needs to be
 * volatile.
 */
static cs_err write_png(png_structp png, png_infop info, const cs_qr_t *qr,
                        const cs_qr_render_options *o, png_bytep row, png_sink *sink)
{
    int width = cs_qr_width(qr);
    png_uint_32 side = ((png_uint_32)width + 2u * o->margin) * o->scale;
    size_t row_bytes = ((size_t)side + 7) / 8;

    if (setjmp(png_jmpbuf(png)))
        return sink->out_of_memory ? CS_ERR_NO_MEMORY : CS_ERR_IO_WRITE;
    png_set_write_fn(png, sink, sink_write, sink_flush);
    png_set_IHDR(png, info, side, side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (o->dpi != 0) {
        /* pHYs counts pixels per metre: dpi / 0.0254, rounded. */
        png_uint_32 per_metre = (png_uint_32)(((uint64_t)o->dpi * 10000u + 127u) / 254u);
        png_set_pHYs(png, info, per_metre, per_metre, PNG_RESOLUTION_METER);
    }
    png_write_info(png, info);
    for (int y = -(int)o->margin; y < width + (int)o->margin; y++) {
        fill_row(qr, y, o, row, row_bytes);
        for (unsigned i = 0; i < o->scale; i++)
            png_write_row(png, row);
    }
    png_write_end(png, info);
    return CS_OK;
}

cs_err cs_qr_render_png(const cs_qr_t *qr, const cs_qr_render_options *options, uint8_t **out,
                        size_t *out_len)
{
    const cs_qr_render_options *o = checked_options(qr, options);
    png_structp png = NULL;
    png_infop info = NULL;
    png_bytep row = NULL;
    png_sink sink = {0};
    size_t side;
    cs_err err = CS_ERR_NO_MEMORY;

    if (o == NULL || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    side = ((size_t)cs_qr_width(qr) + 2u * o->margin) * o->scale;
    if (side > PNG_SIDE_MAX)
        return CS_ERR_TOO_LARGE;
    if ((png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_warn)) == NULL ||
        (info = png_create_info_struct(png)) == NULL || (row = malloc((side + 7) / 8)) == NULL)
        goto fail;
    if ((err = write_png(png, info, qr, o, row, &sink)) != CS_OK)
        goto fail;
    *out = sink.data;
    *out_len = sink.len;
    sink.data = NULL;
fail:
    if (png != NULL)
        png_destroy_write_struct(&png, info != NULL ? &info : NULL);
    free(row);
    free(sink.data);
    return err;
}

/* ---- SVG ------------------------------------------------------------------- */

/* A growing text buffer whose error is sticky: checked once at the end. */
typedef struct text_buffer {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
} text_buffer;

static void text_append(text_buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_append(text_buffer *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        size_t cap = b->cap * 2 > b->len + (size_t)n + 1 ? b->cap * 2 : b->len + (size_t)n + 1;
        char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
        va_start(ap, fmt);
        n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

/* One subpath per horizontal run of dark modules in row y: a rectangle
 * run modules wide and one high, drawn clockwise. */
static void svg_row(const cs_qr_t *qr, int y, unsigned margin, text_buffer *b)
{
    int width = cs_qr_width(qr);

    for (int x = 0; x < width;) {
        if (!cs_qr_is_dark(qr, x, y)) {
            x++;
            continue;
        }
        int start = x;
        while (x < width && cs_qr_is_dark(qr, x, y))
            x++;
        text_append(b, "M%u,%uh%dv1h-%dz", (unsigned)start + margin, (unsigned)y + margin,
                    x - start, x - start);
    }
}

cs_err cs_qr_render_svg(const cs_qr_t *qr, const cs_qr_render_options *options, char **out,
                        size_t *out_len)
{
    const cs_qr_render_options *o = checked_options(qr, options);
    text_buffer b = {0};
    unsigned side;

    if (o == NULL || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    side = (unsigned)cs_qr_width(qr) + 2u * o->margin;
    b.cap = 512u + (size_t)side * side * 6u; /* enough for most symbols at once */
    if ((b.data = malloc(b.cap)) == NULL)
        return CS_ERR_NO_MEMORY;
    text_append(
        &b,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%u\" "
        "height=\"%u\" viewBox=\"0 0 %u %u\" shape-rendering=\"crispEdges\">\n"
        "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#ffffff\" stroke=\"none\"/>\n"
        "<path fill=\"#000000\" stroke=\"none\" d=\"",
        side * o->scale, side * o->scale, side, side, side, side);
    for (int y = 0; y < cs_qr_width(qr); y++)
        svg_row(qr, y, o->margin, &b);
    text_append(&b, "\"/>\n</svg>\n");
    if (b.failed) {
        free(b.data);
        return CS_ERR_NO_MEMORY;
    }
    *out = b.data;
    *out_len = b.len;
    return CS_OK;
}

/* ---- terminal text --------------------------------------------------------- */

/* Whether the cell at (x, y), counted from the corner of the quiet zone, is
 * drawn as a block.  Rows past the bottom are never drawn: they are the
 * terminal's own background. */
static bool text_cell(const cs_qr_t *qr, int x, int y, int side, unsigned margin, bool invert)
{
    if (y >= side)
        return false;
    bool dark = cs_qr_is_dark(qr, x - (int)margin, y - (int)margin);
    return invert ? !dark : dark;
}

static const char *half_block(bool top, bool bottom)
{
    if (top && bottom)
        return "\xe2\x96\x88"; /* U+2588 FULL BLOCK */
    if (top)
        return "\xe2\x96\x80"; /* U+2580 UPPER HALF BLOCK */
    if (bottom)
        return "\xe2\x96\x84"; /* U+2584 LOWER HALF BLOCK */
    return " ";
}

cs_err cs_qr_render_text(const cs_qr_t *qr, unsigned margin, bool invert, char **out,
                         size_t *out_len)
{
    char *text, *p;
    int side, lines;

    if (qr == NULL || margin > CS_QR_MARGIN_MAX || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    side = cs_qr_width(qr) + 2 * (int)margin;
    lines = (side + 1) / 2;
    /* At most three bytes a cell, a newline a line, and the NUL. */
    if ((text = malloc((size_t)lines * ((size_t)side * 3 + 1) + 1)) == NULL)
        return CS_ERR_NO_MEMORY;
    p = text;
    for (int line = 0; line < lines; line++) {
        for (int x = 0; x < side; x++) {
            const char *cell = half_block(text_cell(qr, x, 2 * line, side, margin, invert),
                                          text_cell(qr, x, 2 * line + 1, side, margin, invert));
            size_t n = strlen(cell);
            memcpy(p, cell, n);
            p += n;
        }
        *p++ = '\n';
    }
    *p = '\0';
    *out = text;
    *out_len = (size_t)(p - text);
    return CS_OK;
}
