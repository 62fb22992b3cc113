/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the PDF reader: pkg/pdf_image.c (capped inflation, every
 * sample layout and predictor to grey pixels, sizes refused before
 * allocation) and pkg/pdf.c (PDF detection, arguments and limits, tokens
 * in attached files, a PDF written here object by object).
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

#include <zlib.h>

#include "certseal/pdf.h"
#include "certseal/token.h"
#include "pdf_internal.h"

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
    return 0;
}

static uint8_t *deflate_bytes(const void *data, size_t len, size_t *out_len)
{
    uLongf size = compressBound(len);
    uint8_t *out = malloc(size);

    assert_non_null(out);
    assert_int_equal(compress2(out, &size, data, len, 9), Z_OK);
    *out_len = size;
    return out;
}

static void test_detect(void **state)
{
    uint8_t late[1200];
    (void)state;

    assert_true(cs_pdf_detect((const uint8_t *)"%PDF-1.7\n", 9));
    assert_false(cs_pdf_detect((const uint8_t *)"%PDF", 4));
    assert_false(cs_pdf_detect(NULL, 0));
    memset(late, ' ', sizeof(late));
    memcpy(late + 500, "%PDF-1.4", 8);
    assert_true(cs_pdf_detect(late, sizeof(late)));
    memset(late, ' ', sizeof(late));
    memcpy(late + 1100, "%PDF-1.4", 8); /* past the first 1024 bytes */
    assert_false(cs_pdf_detect(late, sizeof(late)));
}

static void test_inflate(void **state)
{
    uint8_t plain[100000], *z, *out = NULL;
    size_t z_len, out_len;
    (void)state;

    for (size_t i = 0; i < sizeof(plain); i++)
        plain[i] = (uint8_t)(i * 7);
    z = deflate_bytes(plain, sizeof(plain), &z_len);
    assert_int_equal(cs_pdf_inflate(z, z_len, sizeof(plain) + 1, &out, &out_len), CS_OK);
    assert_int_equal(out_len, sizeof(plain));
    assert_memory_equal(out, plain, sizeof(plain));
    free(out);
    /* The cap stops it: max bytes and no more. */
    assert_int_equal(cs_pdf_inflate(z, z_len, 1000, &out, &out_len), CS_OK);
    assert_int_equal(out_len, 1000);
    assert_memory_equal(out, plain, 1000);
    free(out);
    /* A stream cut short gives what it held. */
    assert_int_equal(cs_pdf_inflate(z, z_len / 2, sizeof(plain), &out, &out_len), CS_OK);
    assert_true(out_len > 0 && out_len < sizeof(plain));
    assert_memory_equal(out, plain, out_len);
    free(out);
    /* Not zlib at all. */
    assert_int_equal(cs_pdf_inflate((const uint8_t *)"hello world", 11, 100, &out, &out_len),
                     CS_ERR_INFLATE);
    assert_null(out);
    assert_int_equal(cs_pdf_inflate(z, z_len, 0, &out, &out_len), CS_ERR_ARGUMENT);
    free(z);
}

/* decode INFO over RAW (raw_len bytes, deflated when filter is Flate). */
static cs_err decode(cs_pdf_image_info *info, const uint8_t *raw, size_t raw_len, cs_image *out)
{
    char detail[CS_DETAIL_SIZE] = "";
    uint8_t *z = NULL;
    size_t z_len = 0;
    cs_err err;

    if (info->filter == CS_PDF_FILTER_FLATE) {
        z = deflate_bytes(raw, raw_len, &z_len);
        raw = z;
        raw_len = z_len;
    }
    err = cs_pdf_image_decode(info, raw, raw_len, out, detail, sizeof(detail));
    assert_true(err == CS_OK || detail[0] != '\0');
    free(z);
    return err;
}

static void test_grey_and_bits(void **state)
{
    cs_image img;
    const uint8_t grey[] = {0, 50, 100, 150, 200, 255};
    /* 10 pixels a row of 1 bit: 2 bytes a row, the last 6 bits padding. */
    const uint8_t bits[] = {0xA0, 0x40, 0xFF, 0xC0};
    const uint8_t two[] = {0x1B}; /* 2 bits: 0, 1, 2, 3 */
    const uint8_t sixteen[] = {0x12, 0x34, 0xAB, 0xCD};
    cs_pdf_image_info info = {
        .width = 3, .height = 2, .bits = 8, .components = 1, .filter = CS_PDF_FILTER_NONE};
    (void)state;

    assert_int_equal(decode(&info, grey, sizeof(grey), &img), CS_OK);
    assert_int_equal(img.width, 3);
    assert_memory_equal(img.pixels, grey, 6);
    cs_image_clear(&img);

    info.invert = true; /* /Decode [1 0] */
    assert_int_equal(decode(&info, grey, sizeof(grey), &img), CS_OK);
    assert_int_equal(img.pixels[0], 255);
    assert_int_equal(img.pixels[5], 0);
    cs_image_clear(&img);

    info = (cs_pdf_image_info){.width = 10,
                               .height = 2,
                               .bits = 1,
                               .components = 1,
                               .filter = CS_PDF_FILTER_FLATE,
                               .predictor = 1};
    assert_int_equal(decode(&info, bits, sizeof(bits), &img), CS_OK);
    assert_int_equal(img.pixels[0], 255);
    assert_int_equal(img.pixels[1], 0);
    assert_int_equal(img.pixels[2], 255);
    assert_int_equal(img.pixels[9], 255); /* 0x40: bit 9 of the row */
    assert_int_equal(img.pixels[10], 255);
    assert_int_equal(img.pixels[19], 255);
    cs_image_clear(&img);

    info = (cs_pdf_image_info){.width = 4, .height = 1, .bits = 2, .components = 1};
    assert_int_equal(decode(&info, two, sizeof(two), &img), CS_OK);
    assert_int_equal(img.pixels[0], 0);
    assert_int_equal(img.pixels[1], 85);
    assert_int_equal(img.pixels[2], 170);
    assert_int_equal(img.pixels[3], 255);
    cs_image_clear(&img);

    info = (cs_pdf_image_info){.width = 2, .height = 1, .bits = 16, .components = 1};
    assert_int_equal(decode(&info, sixteen, sizeof(sixteen), &img), CS_OK);
    assert_int_equal(img.pixels[0], 0x12);
    assert_int_equal(img.pixels[1], 0xAB);
    cs_image_clear(&img);
}

static void test_colour(void **state)
{
    cs_image img;
    const uint8_t rgb[] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};
    const uint8_t cmyk[] = {0, 0, 0, 0, 0, 0, 0, 255};
    const uint8_t palette[] = {16, 16, 32, 240, 240, 224};
    const uint8_t index[] = {0, 1, 1, 0, 7}; /* 7 is past the palette: paper */
    cs_pdf_image_info info = {.width = 4, .height = 1, .bits = 8, .components = 3};
    (void)state;

    assert_int_equal(decode(&info, rgb, sizeof(rgb), &img), CS_OK);
    assert_int_equal(img.pixels[0], 76); /* 0.299 */
    assert_int_equal(img.pixels[1], 149);
    assert_int_equal(img.pixels[2], 29);
    assert_int_equal(img.pixels[3], 255);
    cs_image_clear(&img);

    info = (cs_pdf_image_info){.width = 2, .height = 1, .bits = 8, .components = 4};
    assert_int_equal(decode(&info, cmyk, sizeof(cmyk), &img), CS_OK);
    assert_int_equal(img.pixels[0], 255); /* no ink */
    assert_int_equal(img.pixels[1], 0);   /* full black */
    cs_image_clear(&img);

    info = (cs_pdf_image_info){.width = 5,
                               .height = 1,
                               .bits = 8,
                               .components = 1,
                               .palette = palette,
                               .palette_len = sizeof(palette),
                               .palette_components = 3};
    assert_int_equal(decode(&info, index, sizeof(index), &img), CS_OK);
    assert_true(img.pixels[0] < 32 && img.pixels[1] > 200 && img.pixels[3] < 32);
    assert_int_equal(img.pixels[4], 255);
    cs_image_clear(&img);
}

static void test_predictors(void **state)
{
    cs_image img;
    /* 3 x 3 grey, PNG filters None, Sub, Up then Average and Paeth. */
    const uint8_t want[] = {10, 20, 30, 40, 50, 60, 70, 80, 90};
    const uint8_t png[] = {0, 10, 20, 30, 1, 40, 10, 10, 2, 30, 30, 30};
    const uint8_t png2[] = {3, 10, 15, 20, 4, 30, 10, 10, 0, 70, 80, 90};
    const uint8_t tiff[] = {10, 10, 10, 40, 10, 10, 70, 10, 10};
    const uint8_t bad[] = {9, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
    cs_pdf_image_info info = {.width = 3,
                              .height = 3,
                              .bits = 8,
                              .components = 1,
                              .filter = CS_PDF_FILTER_FLATE,
                              .predictor = 15};
    (void)state;

    assert_int_equal(decode(&info, png, sizeof(png), &img), CS_OK);
    assert_memory_equal(img.pixels, want, 9);
    cs_image_clear(&img);
    /* Average on the first row (10, 15 + 10 / 2, 20 + 20 / 2), then Paeth
     * (30 + 10 from above, 10 + 40 and 10 + 50 from the left). */
    assert_int_equal(decode(&info, png2, sizeof(png2), &img), CS_OK);
    assert_memory_equal(img.pixels, want, 9);
    cs_image_clear(&img);
    assert_int_equal(decode(&info, bad, sizeof(bad), &img), CS_ERR_IMAGE);
    assert_null(img.pixels);
    info.predictor = 2;
    assert_int_equal(decode(&info, tiff, sizeof(tiff), &img), CS_OK);
    assert_memory_equal(img.pixels, want, 9);
    cs_image_clear(&img);
    info.predictor = 7;
    assert_int_equal(decode(&info, tiff, sizeof(tiff), &img), CS_ERR_UNSUPPORTED);
}

static void test_refusals(void **state)
{
    cs_image img;
    const uint8_t few[] = {1, 2, 3};
    cs_pdf_image_info info = {.width = 3, .height = 2, .bits = 8, .components = 1};
    (void)state;

    /* Fewer bytes than the size needs: an error, not a partly grey image. */
    assert_int_equal(decode(&info, few, sizeof(few), &img), CS_ERR_IMAGE);
    assert_null(img.pixels);
    /* Sizes refused before anything is allocated. */
    info.width = 100000;
    info.height = 100000;
    assert_int_equal(decode(&info, few, sizeof(few), &img), CS_ERR_IMAGE_DIMENSIONS);
    info.width = 16384;
    info.height = 16384; /* 256 Mi pixels: a side that passes, an area that does not */
    assert_int_equal(decode(&info, few, sizeof(few), &img), CS_ERR_IMAGE_DIMENSIONS);
    info = (cs_pdf_image_info){
        .width = 3, .height = 2, .bits = 8, .components = 1, .filter = CS_PDF_FILTER_DCT};
    info.width = 20000;
    assert_int_equal(decode(&info, few, sizeof(few), &img), CS_ERR_IMAGE_DIMENSIONS);
    info = (cs_pdf_image_info){.width = 3, .height = 2, .bits = 3, .components = 1};
    assert_int_equal(decode(&info, few, sizeof(few), &img), CS_ERR_UNSUPPORTED);
    info = (cs_pdf_image_info){.width = 3, .height = 2, .bits = 8, .components = 2};
    assert_int_equal(decode(&info, few, sizeof(few), &img), CS_ERR_UNSUPPORTED);
    info = (cs_pdf_image_info){
        .width = 3, .height = 2, .bits = 8, .components = 1, .filter = CS_PDF_FILTER_OTHER};
    assert_int_equal(decode(&info, few, sizeof(few), &img), CS_ERR_UNSUPPORTED);
    info.filter = CS_PDF_FILTER_DCT; /* not a JPEG */
    assert_int_equal(decode(&info, few, sizeof(few), &img), CS_ERR_IMAGE_FORMAT);
    assert_int_equal(cs_pdf_image_decode(NULL, few, 3, &img, NULL, 0), CS_ERR_ARGUMENT);
}

/* ---- whole documents ---- */

typedef struct doc {
    char text[8192];
    size_t len;
    size_t offsets[8];
    int objects;
} doc;

static void add(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(doc *d, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof(d->text) - d->len);
    d->len += (size_t)n;
}

static void obj(doc *d, const char *body)
{
    d->offsets[d->objects++] = d->len;
    add(d, "%d 0 obj\n%s\nendobj\n", d->objects, body);
}

static void trailer(doc *d)
{
    size_t xref = d->len;

    add(d, "xref\n0 %d\n0000000000 65535 f \n", d->objects + 1);
    for (int i = 0; i < d->objects; i++)
        add(d, "%010zu 00000 n \n", d->offsets[i]);
    add(d, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", d->objects + 1, xref);
}

/* A one-page PDF whose catalog carries `extra` and whose object 4 is
 * `fourth`, object 5 `fifth` (either may be NULL: an empty dictionary). */
static void make(doc *d, const char *extra, const char *count, const char *fourth,
                 const char *fifth)
{
    char body[4096];

    memset(d, 0, sizeof(*d));
    add(d, "%%PDF-1.7\n");
    snprintf(body, sizeof(body), "<< /Type /Catalog /Pages 2 0 R %s >>", extra);
    obj(d, body);
    snprintf(body, sizeof(body), "<< /Type /Pages /Count %s /Kids [3 0 R] >>", count);
    obj(d, body);
    obj(d, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>");
    obj(d, fourth != NULL ? fourth : "<< >>");
    obj(d, fifth != NULL ? fifth : "<< >>");
    trailer(d);
}

static void test_attachment(void **state)
{
    cs_token_codec_t *codec = NULL;
    const uint8_t cose[] = {0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27, 0xa0, 0x41, 0x00, 0x40};
    const char *token;
    size_t token_len;
    char stream[2048];
    cs_scan_result result;
    doc d;
    bool damaged = true;
    (void)state;

    assert_int_equal(cs_token_codec_new(&codec), CS_OK);
    assert_int_equal(
        cs_token_wrap(codec, CS_FORM_OFFLINE, NULL, cose, sizeof(cose), &token, &token_len), CS_OK);
    /* Two lines around the token, spaces after it: the token alone is read. */
    snprintf(stream, sizeof(stream),
             "<< /Type /EmbeddedFile /Length %zu >>\nstream\nnotes\n%s  \nmore\nendstream",
             token_len + 14, token);
    make(&d, "/Names << /EmbeddedFiles << /Names [(certseal-token.txt) 5 0 R] >> >>", "1", stream,
         "<< /Type /Filespec /F (certseal-token.txt) /EF << /F 4 0 R >> >>");
    assert_int_equal(
        cs_pdf_scan((const uint8_t *)d.text, d.len, NULL, scanner, &result, &damaged, NULL, 0),
        CS_OK);
    assert_false(damaged);
    assert_int_equal(result.count, 1);
    assert_int_equal(result.symbols[0].page, 1);
    assert_int_equal(result.symbols[0].origin, CS_SCAN_ORIGIN_PDF_ATTACHMENT);
    assert_int_equal(result.symbols[0].len, token_len);
    assert_memory_equal(result.symbols[0].text, token, token_len);
    cs_scan_result_clear(&result);

    /* The same file under /AF and in the name tree: given once. */
    make(&d, "/AF [5 0 R] /Names << /EmbeddedFiles << /Names [(certseal-token.txt) 5 0 R] >> >>",
         "1", stream, "<< /Type /Filespec /F (x.txt) /EF << /F 4 0 R >> >>");
    assert_int_equal(
        cs_pdf_scan((const uint8_t *)d.text, d.len, NULL, scanner, &result, NULL, NULL, 0), CS_OK);
    assert_int_equal(result.count, 1);
    cs_scan_result_clear(&result);
    cs_token_codec_free(&codec);
}

static void test_documents(void **state)
{
    char detail[CS_DETAIL_SIZE];
    cs_scan_result result;
    doc d;
    (void)state;

    /* No code, nothing to draw (rendering off): CS_ERR_NO_QR_CODE. */
    make(&d, "", "1", NULL, NULL);
    assert_int_equal(cs_pdf_scan((const uint8_t *)d.text, d.len, NULL, scanner, &result, NULL,
                                 detail, sizeof(detail)),
                     CS_ERR_NO_QR_CODE);
    assert_int_equal(result.count, 0);
    assert_null(result.symbols);
    /* A declared page count past the limit, refused before the walk. */
    make(&d, "", "1000000", NULL, NULL);
    assert_int_equal(cs_pdf_scan((const uint8_t *)d.text, d.len, NULL, scanner, &result, NULL,
                                 detail, sizeof(detail)),
                     CS_ERR_PDF_LIMIT);
    assert_non_null(strstr(detail, "1000000 pages"));
    /* Not a PDF; a PDF header over nothing. */
    assert_int_equal(cs_pdf_scan((const uint8_t *)"GIF89a", 6, NULL, scanner, &result, NULL, detail,
                                 sizeof(detail)),
                     CS_ERR_PDF);
    assert_int_equal(cs_pdf_scan((const uint8_t *)"%PDF-1.7\nxx", 11, NULL, scanner, &result, NULL,
                                 detail, sizeof(detail)),
                     CS_ERR_PDF);
    /* Arguments; a length past the limit is refused before it is read. */
    assert_int_equal(cs_pdf_scan(NULL, 0, NULL, scanner, &result, NULL, NULL, 0), CS_ERR_ARGUMENT);
    assert_int_equal(
        cs_pdf_scan((const uint8_t *)d.text, d.len, NULL, NULL, &result, NULL, NULL, 0),
        CS_ERR_ARGUMENT);
    assert_int_equal(cs_pdf_scan((const uint8_t *)d.text, (size_t)CS_PDF_FILE_MAX + 1, NULL,
                                 scanner, &result, NULL, NULL, 0),
                     CS_ERR_TOO_LARGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),        cmocka_unit_test(test_inflate),
        cmocka_unit_test(test_grey_and_bits), cmocka_unit_test(test_colour),
        cmocka_unit_test(test_predictors),    cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_attachment),    cmocka_unit_test(test_documents),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
