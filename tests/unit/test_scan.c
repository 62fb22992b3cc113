/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for pkg/scan.c: a token drawn by pkg/qr.c and read back by
 * pkg/image.c and the zbar scanner comes out identical, at every error
 * correction level, from PNG and from JPEG; several codes come out in
 * reading order; an image without a code says so.
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

#include "certseal/image.h"
#include "certseal/qr.h"
#include "certseal/scan.h"

static cs_scanner_t *scanner;

static int setup(void **state)
{
    (void)state;
    return cs_scanner_new(&scanner) == CS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    cs_scanner_free(&scanner);
    return scanner == NULL ? 0 : -1;
}

/* Token-like text: prefix, then len characters of alphabet drawn by a
 * fixed pseudo-random sequence (the same text on every run). */
static char *token_text(const char *prefix, const char *alphabet, size_t len, uint32_t seed)
{
    size_t plen = strlen(prefix), n = strlen(alphabet);
    char *text = malloc(plen + len + 1);

    assert_non_null(text);
    memcpy(text, prefix, plen);
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        text[plen + i] = alphabet[(seed >> 16) % n];
    }
    text[plen + len] = '\0';
    return text;
}

#define BASE45 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
#define BASE32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define TYPICAL_LENGTH 909 /* a typical certificate with its AC, CS1: excluded */

/* text as a QR PNG (the renderer's own output), decoded again. */
static void qr_image(const char *text, cs_qr_ecc ecc, unsigned scale, cs_image *out)
{
    cs_qr_t *qr = NULL;
    cs_qr_render_options options = CS_QR_RENDER_OPTIONS_INIT;
    uint8_t *png = NULL;
    size_t png_len = 0;
    char detail[200];

    options.scale = scale;
    assert_int_equal(cs_qr_encode(text, ecc, &qr), CS_OK);
    assert_int_equal(cs_qr_render_png(qr, &options, &png, &png_len), CS_OK);
    assert_int_equal(cs_image_read(png, png_len, out, detail, sizeof(detail)), CS_OK);
    assert_int_equal(out->width, (unsigned)(cs_qr_width(qr) + 2 * CS_QR_DEFAULT_MARGIN) * scale);
    cs_qr_free(&qr);
    free(png);
}

static void expect_one(const cs_image *image, const char *text)
{
    cs_scan_result result;
    cs_err err = cs_scanner_scan(scanner, image, &result);

    if (err != CS_OK)
        fail_msg("scan: %s", cs_err_name(err));
    assert_int_equal(result.count, 1);
    assert_int_equal(result.symbols[0].len, strlen(text));
    assert_string_equal(result.symbols[0].text, text);
    cs_scan_result_clear(&result);
    assert_null(result.symbols);
    assert_int_equal(result.count, 0);
}

static void test_round_trip_every_level(void **state)
{
    static const cs_qr_ecc levels[] = {CS_QR_ECC_L, CS_QR_ECC_M, CS_QR_ECC_Q, CS_QR_ECC_H};
    char *texts[] = {
        token_text("CS1:", BASE45, TYPICAL_LENGTH, 1),
        token_text("HTTPS://VERIFY.EXAMPLE.ORG/V/", BASE32, 1000, 2),
        token_text("CS1:", BASE45, 40, 3),
    };
    cs_image image;

    (void)state;
    for (size_t t = 0; t < 3; t++) {
        for (size_t l = 0; l < 4; l++) {
            qr_image(texts[t], levels[l], CS_QR_DEFAULT_SCALE, &image);
            expect_one(&image, texts[t]);
            cs_image_clear(&image);
        }
        free(texts[t]);
    }
}

/* The smallest scale a printer or screen would use still reads. */
static void test_round_trip_small_scale(void **state)
{
    char *text = token_text("CS1:", BASE45, TYPICAL_LENGTH, 4);
    cs_image image;

    (void)state;
    qr_image(text, CS_QR_ECC_M, 2, &image);
    expect_one(&image, text);
    cs_image_clear(&image);
    free(text);
}

/* The same pixels through JPEG at an ordinary quality. */
static void test_round_trip_jpeg(void **state)
{
    char *text = token_text("CS1:", BASE45, TYPICAL_LENGTH, 5);
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr errors;
    unsigned char *jpeg = NULL;
    unsigned long jpeg_len = 0;
    cs_image image, decoded;

    (void)state;
    qr_image(text, CS_QR_ECC_M, 4, &image);
    c.err = jpeg_std_error(&errors);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &jpeg, &jpeg_len);
    c.image_width = image.width;
    c.image_height = image.height;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 60, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = image.pixels + (size_t)c.next_scanline * image.width;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    assert_int_equal(cs_image_read(jpeg, jpeg_len, &decoded, NULL, 0), CS_OK);
    assert_int_equal(decoded.width, image.width);
    expect_one(&decoded, text);
    cs_image_clear(&decoded);
    cs_image_clear(&image);
    free(jpeg);
    free(text);
}

/* a and b side by side (across) or one above the other, on white. */
static void compose(const cs_image *a, const cs_image *b, bool across, cs_image *out)
{
    out->width = across ? a->width + b->width : (a->width > b->width ? a->width : b->width);
    out->height = across ? (a->height > b->height ? a->height : b->height) : a->height + b->height;
    out->pixels = malloc((size_t)out->width * out->height);
    assert_non_null(out->pixels);
    memset(out->pixels, 255, (size_t)out->width * out->height);
    for (uint32_t y = 0; y < a->height; y++)
        memcpy(out->pixels + (size_t)y * out->width, a->pixels + (size_t)y * a->width, a->width);
    for (uint32_t y = 0; y < b->height; y++) {
        size_t at =
            across ? (size_t)y * out->width + a->width : (size_t)(a->height + y) * out->width;
        memcpy(out->pixels + at, b->pixels + (size_t)y * b->width, b->width);
    }
}

static void test_two_codes_in_reading_order(void **state)
{
    char *first = token_text("CS1:", BASE45, 300, 6), *second = token_text("CS1:", BASE45, 500, 7);
    cs_image a, b, both;
    cs_scan_result result;

    (void)state;
    qr_image(first, CS_QR_ECC_M, 4, &a);
    qr_image(second, CS_QR_ECC_Q, 4, &b);
    for (int across = 0; across <= 1; across++) {
        compose(&a, &b, across, &both);
        assert_int_equal(cs_scanner_scan(scanner, &both, &result), CS_OK);
        assert_int_equal(result.count, 2);
        assert_string_equal(result.symbols[0].text, first);
        assert_string_equal(result.symbols[1].text, second);
        cs_scan_result_clear(&result);
        cs_image_clear(&both);
        /* The other way round gives the other order. */
        compose(&b, &a, across, &both);
        assert_int_equal(cs_scanner_scan(scanner, &both, &result), CS_OK);
        assert_int_equal(result.count, 2);
        assert_string_equal(result.symbols[0].text, second);
        assert_string_equal(result.symbols[1].text, first);
        cs_scan_result_clear(&result);
        cs_image_clear(&both);
    }
    cs_image_clear(&a);
    cs_image_clear(&b);
    free(first);
    free(second);
}

static void test_no_code(void **state)
{
    cs_image image = {200, 150, malloc(200 * 150)};
    cs_scan_result result = {(cs_scan_symbol *)&result, 99};
    uint32_t seed = 8;

    (void)state;
    assert_non_null(image.pixels);
    memset(image.pixels, 255, 200 * 150);
    assert_int_equal(cs_scanner_scan(scanner, &image, &result), CS_ERR_NO_QR_CODE);
    assert_null(result.symbols);
    assert_int_equal(result.count, 0);
    for (size_t i = 0; i < 200 * 150; i++) {
        seed = seed * 1103515245u + 12345u;
        image.pixels[i] = (uint8_t)(seed >> 16);
    }
    assert_int_equal(cs_scanner_scan(scanner, &image, &result), CS_ERR_NO_QR_CODE);
    cs_image_clear(&image);
}

static void test_arguments(void **state)
{
    cs_image empty = {0}, image = {1, 1, (uint8_t[]){255}};
    cs_scan_result result;

    (void)state;
    assert_int_equal(cs_scanner_scan(NULL, &image, &result), CS_ERR_ARGUMENT);
    assert_int_equal(cs_scanner_scan(scanner, NULL, &result), CS_ERR_ARGUMENT);
    assert_int_equal(cs_scanner_scan(scanner, &image, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_scanner_scan(scanner, &empty, &result), CS_ERR_ARGUMENT);
    assert_int_equal(cs_scanner_scan(scanner, &image, &result), CS_ERR_NO_QR_CODE);
    assert_int_equal(cs_scanner_new(NULL), CS_ERR_ARGUMENT);
    cs_scanner_free(NULL);
    cs_scan_result_clear(NULL);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_scan_file(void **state)
{
    char dir[] = "/tmp/certseal-test-scan-XXXXXX", path[64];
    char *text = token_text("CS1:", BASE45, TYPICAL_LENGTH, 9);
    cs_qr_t *qr = NULL;
    uint8_t *png = NULL;
    size_t png_len = 0;
    cs_scan_result result;
    char detail[200];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/code.png", dir);
    assert_int_equal(cs_qr_encode(text, CS_QR_ECC_M, &qr), CS_OK);
    assert_int_equal(cs_qr_render_png(qr, NULL, &png, &png_len), CS_OK);
    write_file(path, png, png_len);
    assert_int_equal(cs_scan_file(path, &result, detail, sizeof(detail)), CS_OK);
    assert_int_equal(result.count, 1);
    assert_string_equal(result.symbols[0].text, text);
    cs_scan_result_clear(&result);

    write_file(path, "not an image\n", 13);
    assert_int_equal(cs_scan_file(path, &result, detail, sizeof(detail)), CS_ERR_IMAGE_FORMAT);
    write_file(path, png, png_len / 2);
    assert_int_equal(cs_scan_file(path, &result, detail, sizeof(detail)), CS_ERR_IMAGE);
    assert_non_null(strstr(detail, "PNG"));
    unlink(path);
    assert_int_equal(cs_scan_file(path, &result, NULL, 0), CS_ERR_IO_OPEN);
    assert_int_equal(result.count, 0);
    assert_int_equal(cs_scan_file(NULL, &result, NULL, 0), CS_ERR_ARGUMENT);
    rmdir(dir);
    cs_qr_free(&qr);
    free(png);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_level),
        cmocka_unit_test(test_round_trip_small_scale),
        cmocka_unit_test(test_round_trip_jpeg),
        cmocka_unit_test(test_two_codes_in_reading_order),
        cmocka_unit_test(test_no_code),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_scan_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
