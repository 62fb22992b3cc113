/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_pdf.c - `make bench`, section (g): certificate PDFs.
 *
 * Pages per second of cs_pdf_scan() (what `certseal scan FILE.pdf` and
 * `verify --qr FILE.pdf` do, without the file system) on one-page A4
 * certificates of the typical offline token, written here object by
 * object as a certificate generator would:
 *
 *   attachment  the token as an embedded file (certseal-token.txt in the
 *               EmbeddedFiles name tree and the catalog's /AF)
 *   image       the QR code as an 8-bit grey FlateDecode image XObject
 *               at the `certseal qr` defaults (8 pixels a module), with the
 *               same code read from its PNG file in the same rounds (the
 *               scan is most of the cost of both)
 *   vector      the QR code drawn as filled rectangles, 60 mm wide (read
 *               at the first resolution, CS_PDF_RENDER_DPI) and 35 mm wide
 *               (0.36 mm modules: read at CS_PDF_RENDER_DPI_FINE); the page
 *               is drawn by pdftoppm in a process of its own, so these are
 *               timed over a few whole runs rather than in rounds
 *
 * Each result must be exactly the token, on page 1, found the expected way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bench.h"

#define VECTOR_RUNS 3

typedef struct pdf_buffer {
    uint8_t *data;
    size_t len, cap;
    size_t offsets[16];
    int objects;
} pdf_buffer;

typedef struct pdf_ctx {
    const uint8_t *png; /* the same code as a PNG file, for comparison */
    size_t png_len;
    const char *token;
    size_t token_len;
    pdf_buffer pdf; /* the PDF being scanned */
    cs_scan_origin expect;
    cs_pdf_options options;
    cs_scanner_t *scanner;
} pdf_ctx;

static void put(pdf_buffer *b, const void *data, size_t len)
{
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2;
        if ((b->data = realloc(b->data, b->cap)) == NULL)
            bench_fatal("pdf: out of memory");
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void putf(pdf_buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(pdf_buffer *b, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(text))
        bench_fatal("pdf: object text too long");
    put(b, text, (size_t)n);
}

/* Starts object number ++objects. */
static void object(pdf_buffer *b)
{
    b->offsets[b->objects++] = b->len;
    putf(b, "%d 0 obj\n", b->objects);
}

static void stream(pdf_buffer *b, const char *dict, const uint8_t *data, size_t len)
{
    object(b);
    putf(b, "<< %s /Length %zu >>\nstream\n", dict, len);
    put(b, data, len);
    putf(b, "\nendstream\nendobj\n");
}

static uint8_t *deflate_all(const uint8_t *data, size_t len, size_t *out_len)
{
    uLongf size = compressBound(len);
    uint8_t *out = malloc(size);

    if (out == NULL || compress2(out, &size, data, len, 9) != Z_OK)
        bench_fatal("pdf: cannot compress");
    *out_len = size;
    return out;
}

/* The cross-reference table and the trailer. */
static void finish(pdf_buffer *b)
{
    size_t xref = b->len;

    putf(b, "xref\n0 %d\n0000000000 65535 f \n", b->objects + 1);
    for (int i = 0; i < b->objects; i++)
        putf(b, "%010zu 00000 n \n", b->offsets[i]);
    putf(b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", b->objects + 1, xref);
}

/* Objects 1 catalog, 2 pages, 3 the page (its resources and contents
 * from the caller: objects 4 and on). */
static void head(pdf_buffer *b, const char *catalog_extra, const char *resources, int contents)
{
    putf(b, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
    object(b);
    putf(b, "<< /Type /Catalog /Pages 2 0 R %s >>\nendobj\n", catalog_extra);
    object(b);
    putf(b, "<< /Type /Pages /Count 1 /Kids [3 0 R] >>\nendobj\n");
    object(b);
    putf(b,
         "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s "
         "/Contents %d 0 R >>\nendobj\n",
         resources, contents);
}

static void make_attachment(pdf_ctx *c)
{
    pdf_buffer *b = &c->pdf;
    size_t len;
    uint8_t *z = deflate_all((const uint8_t *)c->token, c->token_len, &len);
    static const char text[] = "BT /F1 6 Tf 60 40 Td (certificate) Tj ET\n";

    head(b, "/Names << /EmbeddedFiles << /Names [(certseal-token.txt) 6 0 R] >> >> /AF [6 0 R]",
         "<< >>", 4);
    stream(b, "", (const uint8_t *)text, sizeof(text) - 1);                               /* 4 */
    stream(b, "/Type /EmbeddedFile /Subtype /text#2Fplain /Filter /FlateDecode", z, len); /* 5 */
    object(b);                                                                            /* 6 */
    putf(b, "<< /Type /Filespec /F (certseal-token.txt) /UF (certseal-token.txt) "
            "/AFRelationship /Data /EF << /F 5 0 R /UF 5 0 R >> >>\nendobj\n");
    finish(b);
    free(z);
}

static void make_image(pdf_ctx *c, const cs_image *qr)
{
    pdf_buffer *b = &c->pdf;
    size_t len;
    uint8_t *z = deflate_all(qr->pixels, (size_t)qr->width * qr->height, &len);
    static const char draw[] = "q 170 0 0 170 60 590 cm /Im0 Do Q\n";
    char dict[160];

    head(b, "", "<< /XObject << /Im0 5 0 R >> >>", 4);
    stream(b, "", (const uint8_t *)draw, sizeof(draw) - 1); /* 4 */
    snprintf(dict, sizeof(dict),
             "/Type /XObject /Subtype /Image /Width %u /Height %u /ColorSpace /DeviceGray "
             "/BitsPerComponent 8 /Filter /FlateDecode",
             qr->width, qr->height);
    stream(b, dict, z, len); /* 5 */
    finish(b);
    free(z);
}

static void make_vector(pdf_ctx *c, const cs_qr_t *qr, double mm)
{
    pdf_buffer *b = &c->pdf, ops = {0};
    int n = cs_qr_width(qr), quiet = 4;
    double module = mm / 25.4 * 72 / (n + 2 * quiet), x0 = 60, y0 = 842 - 80 - mm / 25.4 * 72;

    putf(&ops, "q 0 0 0 rg\n");
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (cs_qr_is_dark(qr, x, y))
                putf(&ops, "%.3f %.3f %.3f %.3f re\n", x0 + (x + quiet) * module,
                     y0 + (n - 1 - y + quiet) * module, module, module);
    putf(&ops, "f Q\n");
    head(b, "", "<< >>", 4);
    stream(b, "", ops.data, ops.len); /* 4 */
    finish(b);
    free(ops.data);
}

static bool pdf_scan_op(void *ctx)
{
    pdf_ctx *c = ctx;
    cs_scan_result result;
    bool ok = cs_pdf_scan(c->pdf.data, c->pdf.len, &c->options, c->scanner, &result, NULL, NULL,
                          0) == CS_OK &&
              result.count == 1 && result.symbols[0].page == 1 &&
              result.symbols[0].origin == c->expect && result.symbols[0].len == c->token_len &&
              memcmp(result.symbols[0].text, c->token, c->token_len) == 0;
    cs_scan_result_clear(&result);
    return ok;
}

/* The same code read from a PNG file: what the image page is compared to. */
static bool png_scan_op(void *ctx)
{
    pdf_ctx *c = ctx;
    cs_image image;
    cs_scan_result result = {0};
    bool ok = cs_image_read(c->png, c->png_len, &image, NULL, 0) == CS_OK &&
              cs_scanner_scan(c->scanner, &image, &result) == CS_OK && result.count == 1 &&
              result.symbols[0].len == c->token_len &&
              memcmp(result.symbols[0].text, c->token, c->token_len) == 0;
    cs_scan_result_clear(&result);
    cs_image_clear(&image);
    return ok;
}

/* A few whole runs of the vector page: pages per second. */
static double vector_rate(pdf_ctx *c)
{
    double start = bench_now();

    for (int i = 0; i < VECTOR_RUNS; i++)
        if (!pdf_scan_op(c))
            return -1;
    return VECTOR_RUNS / (bench_now() - start);
}

void bench_pdf(const char *dir, fixture *fixtures, size_t count)
{
    pdf_ctx attachment = {0}, image = {0}, vector = {0};
    cs_qr_t *qr = NULL;
    cs_image pixels = {0};
    cs_scanner_t *scanner = NULL;
    uint8_t *png = NULL;
    size_t png_len = 0;
    bench_issuer b;
    const char *token;
    double wide, narrow;
    (void)dir;
    (void)count;

    printf("\n(g) pdf: one-page A4 certificates of the %s offline token: attached, as an "
           "image, drawn as vector paths\n",
           fixtures[0].file);
    bench_issuer_init(&b, CS_ALG_EDDSA);
    token = bench_issue_token(&b, &fixtures[0], CS_FORM_OFFLINE, NULL);
    bench_issuer_free(&b);
    if (cs_qr_encode(token, CS_QR_ECC_M, &qr) != CS_OK ||
        cs_qr_render_png(qr, NULL, &png, &png_len) != CS_OK ||
        cs_image_read(png, png_len, &pixels, NULL, 0) != CS_OK || cs_scanner_new(&scanner) != CS_OK)
        bench_fatal("pdf: cannot draw the QR code");
    pdf_ctx *all[] = {&attachment, &image, &vector};
    for (size_t i = 0; i < 3; i++) {
        all[i]->token = token;
        all[i]->token_len = strlen(token);
        all[i]->scanner = scanner;
    }
    attachment.expect = CS_SCAN_ORIGIN_PDF_ATTACHMENT;
    image.expect = CS_SCAN_ORIGIN_PDF_IMAGE;
    image.png = png;
    image.png_len = png_len;
    vector.expect = CS_SCAN_ORIGIN_PDF_RENDER;
    vector.options.render = true;
    make_attachment(&attachment);
    make_image(&image, &pixels);
    printf("  PDF sizes: attachment %zu bytes, image %zu bytes (%ux%u pixels)\n",
           attachment.pdf.len, image.pdf.len, pixels.width, pixels.height);
    if (!pdf_scan_op(&attachment) || !pdf_scan_op(&image)) {
        bench_failure("pdf: the token was not found in the attachment or image PDF");
        goto done;
    }
    rate rates[] = {
        {.name = "attachment", .op = pdf_scan_op, .ctx = &attachment},
        {.name = "image", .op = pdf_scan_op, .ctx = &image},
        {.name = "the same code as a PNG", .op = png_scan_op, .ctx = &image},
    };
    bench_measure(rates, 3);
    printf("  %-26s %10.1f pages/s\n", rates[0].name, rates[0].best);
    printf("  %-26s %10.1f pages/s   (the PNG file of the same code: %.1f images/s, ratio "
           "%.3f)\n",
           rates[1].name, rates[1].best, rates[2].best,
           rates[2].best > 0 ? rates[1].best / rates[2].best : 0);
    make_vector(&vector, qr, 60);
    wide = vector_rate(&vector);
    free(vector.pdf.data);
    memset(&vector.pdf, 0, sizeof(vector.pdf));
    make_vector(&vector, qr, 35);
    narrow = vector_rate(&vector);
    if (wide < 0 || narrow < 0)
        bench_failure("pdf: the vector code was not read from the drawn page (is pdftoppm "
                      "installed?)");
    else
        printf("  %-26s %10.2f pages/s   (60 mm code, drawn at %u dpi by pdftoppm)\n"
               "  %-26s %10.2f pages/s   (35 mm code, drawn at %u then %u dpi)\n",
               "vector", wide, CS_PDF_RENDER_DPI, "vector", narrow, CS_PDF_RENDER_DPI,
               CS_PDF_RENDER_DPI_FINE);
done:
    free(attachment.pdf.data);
    free(image.pdf.data);
    free(vector.pdf.data);
    cs_scanner_free(&scanner);
    cs_image_clear(&pixels);
    cs_qr_free(&qr);
    free(png);
    free((char *)token);
}
