/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for pkg/image.c: PNG and JPEG into 8-bit grey.  The images are
 * made here with libpng and libjpeg, so every colour type, bit depth and
 * interlacing is covered by a file whose pixels are known; truncated,
 * corrupt and oversized files must be refused with the right code and
 * without a large allocation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include "certseal/image.h"

/* ---- the largest single allocation ------------------------------------------------
 * Without AddressSanitizer the test replaces malloc, calloc and realloc with
 * wrappers around glibc's own that note the largest request, libpng's and
 * libjpeg's included.  Under AddressSanitizer no request may exceed 512 MiB
 * (it returns NULL instead), which a decoder that believed a huge header
 * would hit. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#endif

static size_t largest_request;

#ifdef UNDER_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "max_allocation_size_mb=512:allocator_may_return_null=1";
}
#else
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t count, size_t n);
void *__libc_realloc(void *p, size_t n);
void *malloc(size_t n);
void *calloc(size_t count, size_t n);
void *realloc(void *p, size_t n);

static void note_request(size_t n)
{
    if (n > largest_request)
        largest_request = n;
}

void *malloc(size_t n)
{
    note_request(n);
    return __libc_malloc(n);
}

void *calloc(size_t count, size_t n)
{
    note_request(count * n);
    return __libc_calloc(count, n);
}

void *realloc(void *p, size_t n)
{
    note_request(n);
    return __libc_realloc(p, n);
}
#endif

#define SMALL_ALLOCATIONS (4u * 1024 * 1024)

/* ---- making PNG files ------------------------------------------------------------ */

typedef struct buffer {
    uint8_t *data;
    size_t len;
    size_t cap;
} buffer;

static void buffer_append(buffer *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = realloc(b->data, b->cap);
        assert_non_null(b->data);
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

static void png_write_memory(png_structp png, png_bytep data, size_t n)
{
    buffer_append(png_get_io_ptr(png), data, n);
}

static void png_flush_nothing(png_structp png)
{
    (void)png;
}

/* A PNG description: rows are given already packed as PNG stores them. */
typedef struct png_spec {
    uint32_t width, height;
    int colour, depth;
    bool interlaced;
    const png_color *palette;
    int palette_size;
    const png_byte *trans; /* palette alpha */
    int trans_count;
    const png_color_16 *trans_colour; /* grey or RGB colour key */
    const uint8_t *rows;              /* height rows of row_bytes */
    size_t row_bytes;
} png_spec;

static buffer make_png(const png_spec *s)
{
    buffer out = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_bytep *rows = calloc(s->height, sizeof(*rows));

    assert_non_null(png);
    assert_non_null(info);
    assert_non_null(rows);
    if (setjmp(png_jmpbuf(png)))
        fail_msg("libpng could not write the test image");
    png_set_write_fn(png, &out, png_write_memory, png_flush_nothing);
    png_set_IHDR(png, info, s->width, s->height, s->depth, s->colour,
                 s->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (s->palette != NULL)
        png_set_PLTE(png, info, s->palette, s->palette_size);
    if (s->trans != NULL || s->trans_colour != NULL)
        png_set_tRNS(png, info, s->trans, s->trans_count, s->trans_colour);
    png_write_info(png, info);
    for (uint32_t y = 0; y < s->height; y++)
        rows[y] = (png_bytep)s->rows + (size_t)y * s->row_bytes;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    return out;
}

/* The grey test pattern: every value 0-255 appears. */
static uint8_t pattern(uint32_t x, uint32_t y)
{
    return (uint8_t)(x * 7 + y * 13);
}

#define W 37 /* odd sizes: no row is a whole number of bytes at 1 bit */
#define H 29

static void read_ok(const buffer *file, cs_image *image)
{
    char detail[200] = "";
    cs_err err = cs_image_read(file->data, file->len, image, detail, sizeof(detail));
    if (err != CS_OK)
        fail_msg("cs_image_read: %s: %s", cs_err_name(err), detail);
    assert_int_equal(image->width, W);
    assert_int_equal(image->height, H);
    assert_non_null(image->pixels);
}

static void check_pattern(const cs_image *image, int tolerance)
{
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            int got = image->pixels[y * W + x], want = pattern(x, y);
            if (abs(got - want) > tolerance)
                fail_msg("pixel %u,%u is %d, expected %d", x, y, got, want);
        }
}

static void grey8(bool interlaced)
{
    uint8_t rows[W * H];
    cs_image image;

    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++)
            rows[y * W + x] = pattern(x, y);
    png_spec s = {W, H, PNG_COLOR_TYPE_GRAY, 8, interlaced, .rows = rows, .row_bytes = W};
    buffer file = make_png(&s);
    read_ok(&file, &image);
    check_pattern(&image, 0);
    cs_image_clear(&image);
    assert_null(image.pixels);
    free(file.data);
}

static void test_png_grey8(void **state)
{
    (void)state;
    grey8(false);
}

static void test_png_grey8_interlaced(void **state)
{
    (void)state;
    grey8(true);
}

static void test_png_grey1(void **state)
{
    uint8_t rows[(W + 7) / 8 * H] = {0};
    size_t row_bytes = (W + 7) / 8;
    cs_image image;

    (void)state;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++)
            if ((x / 3 + y / 2) & 1)
                rows[y * row_bytes + x / 8] |= (uint8_t)(0x80 >> (x % 8));
    for (int interlaced = 0; interlaced <= 1; interlaced++) {
        png_spec s = {
            W, H, PNG_COLOR_TYPE_GRAY, 1, interlaced, .rows = rows, .row_bytes = row_bytes};
        buffer file = make_png(&s);
        read_ok(&file, &image);
        for (uint32_t y = 0; y < H; y++)
            for (uint32_t x = 0; x < W; x++)
                assert_int_equal(image.pixels[y * W + x], (x / 3 + y / 2) & 1 ? 255 : 0);
        cs_image_clear(&image);
        free(file.data);
    }
}

static void test_png_grey16(void **state)
{
    uint8_t rows[W * 2 * H];
    cs_image image;

    (void)state;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            unsigned v = pattern(x, y) * 257u; /* exact in 8 bits */
            rows[y * W * 2 + x * 2] = (uint8_t)(v >> 8);
            rows[y * W * 2 + x * 2 + 1] = (uint8_t)v;
        }
    png_spec s = {W, H, PNG_COLOR_TYPE_GRAY, 16, false, .rows = rows, .row_bytes = W * 2};
    buffer file = make_png(&s);
    read_ok(&file, &image);
    check_pattern(&image, 0);
    cs_image_clear(&image);
    free(file.data);
}

static void test_png_palette(void **state)
{
    static const png_color palette[4] = {{0, 0, 0}, {255, 255, 255}, {128, 128, 128}, {255, 0, 0}};
    uint8_t rows[W * H];
    cs_image image;

    (void)state;
    for (size_t i = 0; i < sizeof(rows); i++)
        rows[i] = (uint8_t)(i % 4);
    png_spec s = {W, H, PNG_COLOR_TYPE_PALETTE, 8, false, palette, 4, .rows = rows, .row_bytes = W};
    buffer file = make_png(&s);
    read_ok(&file, &image);
    for (size_t i = 0; i < sizeof(rows); i++) {
        int got = image.pixels[i];
        switch (i % 4) {
        case 0:
            assert_int_equal(got, 0);
            break;
        case 1:
            assert_int_equal(got, 255);
            break;
        case 2:
            assert_int_equal(got, 128);
            break;
        default: /* pure red is a dark grey, whatever the weights */
            assert_in_range(got, 40, 90);
        }
    }
    cs_image_clear(&image);
    free(file.data);
}

/* Transparent pixels are white paper; opaque ones keep their grey. */
static void test_png_rgba_on_white(void **state)
{
    uint8_t rows[W * 4 * H];
    cs_image image;

    (void)state;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        uint8_t *p = rows + 4 * i;
        switch (i % 3) {
        case 0: /* opaque black */
            p[0] = p[1] = p[2] = 0, p[3] = 255;
            break;
        case 1: /* transparent black */
            p[0] = p[1] = p[2] = 0, p[3] = 0;
            break;
        default: /* half-transparent black */
            p[0] = p[1] = p[2] = 0, p[3] = 128;
        }
    }
    png_spec s = {W, H, PNG_COLOR_TYPE_RGB_ALPHA, 8, false, .rows = rows, .row_bytes = W * 4};
    buffer file = make_png(&s);
    read_ok(&file, &image);
    for (size_t i = 0; i < (size_t)W * H; i++) {
        int got = image.pixels[i];
        if (i % 3 == 0)
            assert_int_equal(got, 0);
        else if (i % 3 == 1)
            assert_int_equal(got, 255);
        else
            assert_in_range(got, 125, 129);
    }
    cs_image_clear(&image);
    free(file.data);
}

/* Grey with alpha at 16 bits, interlaced; and a grey colour key (tRNS). */
static void test_png_grey_alpha16_and_colour_key(void **state)
{
    uint8_t rows[W * 4 * H], keyed[W * H];
    static const png_color_16 key = {0, 0, 0, 0, 200};
    cs_image image;

    (void)state;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        rows[4 * i] = rows[4 * i + 1] = 0;                    /* black */
        rows[4 * i + 2] = rows[4 * i + 3] = i % 2 ? 0xff : 0; /* opaque or clear */
        keyed[i] = i % 2 ? 200 : 100;
    }
    png_spec s = {W, H, PNG_COLOR_TYPE_GRAY_ALPHA, 16, true, .rows = rows, .row_bytes = W * 4};
    buffer file = make_png(&s);
    read_ok(&file, &image);
    for (size_t i = 0; i < (size_t)W * H; i++)
        assert_int_equal(image.pixels[i], i % 2 ? 0 : 255);
    cs_image_clear(&image);
    free(file.data);

    png_spec k = {
        W, H, PNG_COLOR_TYPE_GRAY, 8, false, .trans_colour = &key, .rows = keyed, .row_bytes = W};
    file = make_png(&k);
    read_ok(&file, &image);
    for (size_t i = 0; i < (size_t)W * H; i++)
        assert_int_equal(image.pixels[i], i % 2 ? 255 : 100); /* 200 is the transparent key */
    cs_image_clear(&image);
    free(file.data);
}

static void test_png_rgb(void **state)
{
    uint8_t rows[W * 3 * H];
    cs_image image;

    (void)state;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++)
            memset(rows + (y * W + x) * 3, pattern(x, y), 3); /* grey in RGB */
    png_spec s = {W, H, PNG_COLOR_TYPE_RGB, 8, true, .rows = rows, .row_bytes = W * 3};
    buffer file = make_png(&s);
    read_ok(&file, &image);
    check_pattern(&image, 1);
    cs_image_clear(&image);
    free(file.data);
}

/* ---- making JPEG files ----------------------------------------------------------- */

/* components 1 (grey), 3 (RGB, stored as YCbCr) or 4 (CMYK, Adobe's
 * inverted convention, as Photoshop and ImageMagick write it). */
static buffer make_jpeg(uint32_t width, uint32_t height, int components, int quality,
                        const uint8_t *pixels)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr errors;
    unsigned char *data = NULL;
    unsigned long len = 0;
    buffer out = {0};

    c.err = jpeg_std_error(&errors);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &data, &len);
    c.image_width = width;
    c.image_height = height;
    c.input_components = components;
    c.in_color_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < height) {
        JSAMPROW row = (JSAMPROW)pixels + (size_t)c.next_scanline * width * components;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    buffer_append(&out, data, len);
    free(data);
    return out;
}

static buffer grey_jpeg(void)
{
    uint8_t pixels[W * H];
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++)
            pixels[y * W + x] = pattern(x, y);
    return make_jpeg(W, H, 1, 100, pixels);
}

static void test_jpeg_grey(void **state)
{
    buffer file = grey_jpeg();
    cs_image image;

    (void)state;
    read_ok(&file, &image);
    check_pattern(&image, 12); /* lossy even at quality 100 */
    cs_image_clear(&image);
    free(file.data);
}

/* Halves of black and white in RGB and in CMYK come back black and white. */
static void test_jpeg_rgb_and_cmyk(void **state)
{
    uint8_t rgb[W * H * 3], cmyk[W * H * 4];
    cs_image image;

    (void)state;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            bool dark = x < W / 2;
            memset(rgb + (y * W + x) * 3, dark ? 0 : 255, 3);
            /* inverted: 255 is no ink; dark pixels are full black ink */
            memset(cmyk + (y * W + x) * 4, 255, 4);
            if (dark)
                cmyk[(y * W + x) * 4 + 3] = 0;
        }
    for (int pass = 0; pass < 2; pass++) {
        buffer file = pass == 0 ? make_jpeg(W, H, 3, 95, rgb) : make_jpeg(W, H, 4, 95, cmyk);
        read_ok(&file, &image);
        for (uint32_t y = 0; y < H; y++) {
            assert_in_range(image.pixels[y * W + 2], 0, 20);
            assert_in_range(image.pixels[y * W + W - 3], 235, 255);
        }
        cs_image_clear(&image);
        free(file.data);
    }
}

/* ---- refusals -------------------------------------------------------------------- */

static cs_err read_status(const uint8_t *data, size_t len, char *detail, size_t detail_size)
{
    cs_image image = {(uint32_t)-1, (uint32_t)-1, (uint8_t *)&image};
    cs_err err = cs_image_read(data, len, &image, detail, detail_size);
    if (err != CS_OK) {
        /* A failed read leaves the image empty. */
        assert_null(image.pixels);
        assert_int_equal(image.width, 0);
    }
    cs_image_clear(&image);
    return err;
}

static buffer sample_png(void)
{
    uint8_t rows[W * H];
    for (size_t i = 0; i < sizeof(rows); i++)
        rows[i] = (uint8_t)i;
    png_spec s = {W, H, PNG_COLOR_TYPE_GRAY, 8, false, .rows = rows, .row_bytes = W};
    return make_png(&s);
}

static void test_truncated(void **state)
{
    buffer files[2] = {sample_png(), grey_jpeg()};
    char detail[200];

    (void)state;
    for (int f = 0; f < 2; f++) {
        /* Every cut after the signature is an error, never a grey image. */
        for (size_t cut = 8; cut < files[f].len; cut++) {
            cs_err err = read_status(files[f].data, cut, detail, sizeof(detail));
            if (err != CS_ERR_IMAGE)
                fail_msg("%s cut at %zu of %zu: %s", f ? "JPEG" : "PNG", cut, files[f].len,
                         cs_err_name(err));
            assert_true(detail[0] != '\0');
        }
        assert_int_equal(read_status(files[f].data, files[f].len, NULL, 0), CS_OK);
        free(files[f].data);
    }
}

static void test_corrupt(void **state)
{
    buffer png = sample_png(), jpeg = grey_jpeg();
    char detail[200];

    (void)state;
    /* PNG: a flipped byte in the middle fails a CRC or the inflate. */
    for (size_t i = 33; i < png.len - 12; i += 7) {
        png.data[i] ^= 0x55;
        assert_int_equal(read_status(png.data, png.len, detail, sizeof(detail)), CS_ERR_IMAGE);
        png.data[i] ^= 0x55;
    }
    /* JPEG: restart markers out of place in the entropy-coded data. */
    size_t middle = jpeg.len / 2;
    for (size_t i = 0; i < 8; i++)
        jpeg.data[middle + i] = i % 2 ? 0xd3 : 0xff;
    assert_int_equal(read_status(jpeg.data, jpeg.len, detail, sizeof(detail)), CS_ERR_IMAGE);
    assert_non_null(strstr(detail, "JPEG"));
    free(png.data);
    free(jpeg.data);
}

static void test_not_an_image(void **state)
{
    static const uint8_t text[] = "just some text, named .png";
    cs_image image;
    char detail[200];

    (void)state;
    assert_int_equal(read_status(text, sizeof(text) - 1, detail, sizeof(detail)),
                     CS_ERR_IMAGE_FORMAT);
    assert_int_equal(read_status(text, 0, NULL, 0), CS_ERR_IMAGE_FORMAT);
    assert_int_equal(read_status((const uint8_t *)"\x89PN", 3, NULL, 0), CS_ERR_IMAGE_FORMAT);
    assert_int_equal(cs_image_read(NULL, 5, &image, NULL, 0), CS_ERR_ARGUMENT);
    assert_int_equal(cs_image_read(text, 5, NULL, NULL, 0), CS_ERR_ARGUMENT);
    assert_int_equal(cs_image_detect(text, sizeof(text)), CS_IMAGE_FORMAT_UNKNOWN);
    cs_image_clear(NULL);
}

/* A PNG whose IHDR (with a correct CRC) claims width x height. */
static buffer png_claiming(uint32_t width, uint32_t height)
{
    buffer file = sample_png();
    uint8_t *ihdr = file.data + 8;
    for (int i = 0; i < 4; i++) {
        ihdr[8 + i] = (uint8_t)(width >> (24 - 8 * i));
        ihdr[12 + i] = (uint8_t)(height >> (24 - 8 * i));
    }
    uint32_t crc = (uint32_t)crc32(0, ihdr + 4, 17); /* type and data */
    for (int i = 0; i < 4; i++)
        ihdr[21 + i] = (uint8_t)(crc >> (24 - 8 * i));
    return file;
}

static void expect_refused(const buffer *file, cs_err want, const char *claim)
{
    char detail[200] = "";

    largest_request = 0;
    assert_int_equal(read_status(file->data, file->len, detail, sizeof(detail)), want);
#ifndef UNDER_ASAN
    if (largest_request > SMALL_ALLOCATIONS)
        fail_msg("allocated %zu bytes for an image it refused", largest_request);
#endif
    if (claim != NULL && strstr(detail, claim) == NULL)
        fail_msg("detail \"%s\" does not name %s", detail, claim);
}

static void test_png_dimension_limits(void **state)
{
    static const struct {
        uint32_t width, height;
        cs_err want;
        const char *claim;
    } cases[] = {
        {100000, 100000, CS_ERR_IMAGE_DIMENSIONS, "100000x100000"},
        {16385, 1, CS_ERR_IMAGE_DIMENSIONS, "16385x1"},
        {1, 16385, CS_ERR_IMAGE_DIMENSIONS, "1x16385"},
        {16384, 4097, CS_ERR_IMAGE_DIMENSIONS, "16384x4097"}, /* over 64 Mi pixels */
        {0x7fffffff, 0x7fffffff, CS_ERR_IMAGE_DIMENSIONS, "2147483647x2147483647"},
        /* Allowed sizes that the few bytes cannot hold: refused as truncated
         * before the pixel buffer is allocated. */
        {16384, 4096, CS_ERR_IMAGE, NULL},
        {10000, 10, CS_ERR_IMAGE, NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buffer file = png_claiming(cases[i].width, cases[i].height);
        expect_refused(&file, cases[i].want, cases[i].claim);
        free(file.data);
    }
}

static void test_jpeg_dimension_limits(void **state)
{
    static const uint16_t claims[][2] = {{65000, 65000}, {16385, 8}, {8, 65535}};
    char claim[32];

    (void)state;
    for (size_t c = 0; c < sizeof(claims) / sizeof(claims[0]); c++) {
        buffer file = grey_jpeg();
        size_t i = 2;
        /* Walk the segments to the SOF0 marker and patch its dimensions. */
        while (i + 9 < file.len && !(file.data[i] == 0xff && file.data[i + 1] == 0xc0))
            i += 2 + ((size_t)file.data[i + 2] << 8 | file.data[i + 3]);
        assert_true(i + 9 < file.len);
        file.data[i + 5] = (uint8_t)(claims[c][1] >> 8);
        file.data[i + 6] = (uint8_t)claims[c][1];
        file.data[i + 7] = (uint8_t)(claims[c][0] >> 8);
        file.data[i + 8] = (uint8_t)claims[c][0];
        snprintf(claim, sizeof(claim), "%ux%u", claims[c][0], claims[c][1]);
        expect_refused(&file, CS_ERR_IMAGE_DIMENSIONS, claim);
        free(file.data);
    }
}

/* tests/data/images/<name>, read whole. */
static buffer data_file(const char *name)
{
    char path[256];
    buffer file = {0};
    uint8_t chunk[4096];
    size_t n;

    snprintf(path, sizeof(path), "tests/data/images/%s", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s (run the tests from the top of the source tree)", path);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buffer_append(&file, chunk, n);
    fclose(f);
    return file;
}

/* A chunk that claims more bytes than the file holds is refused before
 * anything is allocated for it (tests/data/images/text_chunk_2gb.txt). */
static void test_png_chunk_longer_than_file(void **state)
{
    buffer file = data_file("text_chunk_2gb.png");

    (void)state;
    assert_int_equal(file.len, 54);
    expect_refused(&file, CS_ERR_IMAGE, "tEXt chunk at byte 33 claims 2147483647 bytes");
    free(file.data);
}

/* sample_png() with one chunk of `length` bytes of `fill` after IHDR. */
static buffer png_with_chunk(const char *type, size_t length, uint8_t fill)
{
    buffer png = sample_png(), out = {0};
    uint8_t header[8], crc_bytes[4];
    uint8_t *data = malloc(length);
    uint32_t crc;

    assert_non_null(data);
    memset(data, fill, length);
    for (int i = 0; i < 4; i++)
        header[i] = (uint8_t)(length >> (24 - 8 * i));
    memcpy(header + 4, type, 4);
    crc = (uint32_t)crc32(crc32(0, (const uint8_t *)type, 4), data, (uInt)length);
    for (int i = 0; i < 4; i++)
        crc_bytes[i] = (uint8_t)(crc >> (24 - 8 * i));
    buffer_append(&out, png.data, 33); /* signature and IHDR */
    buffer_append(&out, header, sizeof(header));
    buffer_append(&out, data, length);
    buffer_append(&out, crc_bytes, sizeof(crc_bytes));
    buffer_append(&out, png.data + 33, png.len - 33);
    free(data);
    free(png.data);
    return out;
}

/* Large, well-formed chunks that carry no pixels are skipped unread: the
 * image decodes and nothing near their size is allocated. */
static void test_png_large_ancillary_chunks(void **state)
{
    static const char *types[] = {"tEXt", "zTXt", "iTXt", "iCCP", "prVt"};
    cs_image image;

    (void)state;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        buffer file = png_with_chunk(types[i], 6u * 1024 * 1024, 'a');
        largest_request = 0;
        read_ok(&file, &image);
#ifndef UNDER_ASAN
        if (largest_request > SMALL_ALLOCATIONS)
            fail_msg("allocated %zu bytes for a %s chunk", largest_request, types[i]);
#endif
        cs_image_clear(&image);
        free(file.data);
    }
}

static void test_read_file(void **state)
{
    char path[] = "/tmp/certseal-test-image-XXXXXX";
    buffer file = sample_png();
    cs_image image;
    char detail[200];
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, file.data, file.len), (ssize_t)file.len);
    close(fd);
    assert_int_equal(cs_image_read_file(path, &image, detail, sizeof(detail)), CS_OK);
    assert_int_equal(image.width, W);
    static const uint8_t first[4] = {0, 1, 2, 3};
    assert_memory_equal(image.pixels, first, 4);
    cs_image_clear(&image);
    unlink(path);
    assert_int_equal(cs_image_read_file(path, &image, detail, sizeof(detail)), CS_ERR_IO_OPEN);
    assert_null(image.pixels);
    assert_int_equal(cs_image_read_file(NULL, &image, NULL, 0), CS_ERR_ARGUMENT);
    free(file.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_grey8),
        cmocka_unit_test(test_png_grey8_interlaced),
        cmocka_unit_test(test_png_grey1),
        cmocka_unit_test(test_png_grey16),
        cmocka_unit_test(test_png_palette),
        cmocka_unit_test(test_png_rgba_on_white),
        cmocka_unit_test(test_png_grey_alpha16_and_colour_key),
        cmocka_unit_test(test_png_rgb),
        cmocka_unit_test(test_jpeg_grey),
        cmocka_unit_test(test_jpeg_rgb_and_cmyk),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_not_an_image),
        cmocka_unit_test(test_png_dimension_limits),
        cmocka_unit_test(test_jpeg_dimension_limits),
        cmocka_unit_test(test_png_chunk_longer_than_file),
        cmocka_unit_test(test_png_large_ancillary_chunks),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
