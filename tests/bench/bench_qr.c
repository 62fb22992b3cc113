/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_qr.c - `make bench`, section (d): QR output.
 *
 *   png     cs_qr_encode() + cs_qr_render_png() of the typical offline
 *           token at the defaults (ECC M, 8 pixels a module, quiet zone 4,
 *           300 dpi), against a reference loop written here straight on
 *           libqrencode and libpng with the same settings (same symbol,
 *           1-bit greyscale, pHYs, to memory).  Target: ratio >= 0.9.
 *   sizes   QR version and modules at ECC M of both fixtures in both forms
 *           (link form under LINK_BASE), for EdDSA and ES256 tokens.  The
 *           typical offline token must fit version 21 (DESIGN §4).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "bench.h"

#define QR_PNG_TARGET 0.9
#define QR_VERSION_LIMIT 21
#define QR_LINK_BASE "https://verify.example.org/v"

/* ---- the reference: libqrencode + libpng directly ---------------------------- */

typedef struct reference_png {
    uint8_t *data;
    size_t len, cap;
} reference_png;

static void reference_write(png_structp png, png_bytep bytes, png_size_t n)
{
    reference_png *out = png_get_io_ptr(png);
    if (out->len + n > out->cap) {
        size_t cap = out->cap ? out->cap : 4096;
        while (cap < out->len + n)
            cap *= 2;
        uint8_t *grown = realloc(out->data, cap);
        if (grown == NULL)
            png_error(png, "out of memory");
        out->data = grown;
        out->cap = cap;
    }
    memcpy(out->data + out->len, bytes, n);
    out->len += n;
}

static void reference_flush(png_structp png)
{
    (void)png;
}

/* One image the plain way: encode, then every row of every module row
 * written `scale` times.  Returns false on any failure. */
static bool reference_image(const char *text, reference_png *out)
{
    const unsigned scale = CS_QR_DEFAULT_SCALE, margin = CS_QR_DEFAULT_MARGIN;
    QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    png_structp png = NULL;
    png_infop info = NULL;
    png_bytep row = NULL;
    bool ok = false;

    out->len = 0;
    if (code == NULL)
        return false;
    unsigned side = ((unsigned)code->width + 2 * margin) * scale;
    size_t row_bytes = (side + 7) / 8;
    if ((png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL)) == NULL ||
        (info = png_create_info_struct(png)) == NULL || (row = malloc(row_bytes)) == NULL)
        goto done;
    if (setjmp(png_jmpbuf(png)))
        goto done;
    png_set_write_fn(png, out, reference_write, reference_flush);
    png_set_IHDR(png, info, side, side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)((CS_QR_DEFAULT_DPI * 10000u + 127u) / 254u);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    memset(row, 0xff, row_bytes);
    for (unsigned i = 0; i < margin * scale; i++)
        png_write_row(png, row);
    for (int y = 0; y < code->width; y++) {
        const unsigned char *modules = code->data + y * code->width;
        memset(row, 0xff, row_bytes);
        for (int x = 0; x < code->width; x++) {
            if (!(modules[x] & 1))
                continue;
            for (unsigned p = (margin + (unsigned)x) * scale;
                 p < (margin + (unsigned)x + 1) * scale; p++)
                row[p >> 3] &= (png_byte) ~(0x80u >> (p & 7));
        }
        for (unsigned i = 0; i < scale; i++)
            png_write_row(png, row);
    }
    memset(row, 0xff, row_bytes);
    for (unsigned i = 0; i < margin * scale; i++)
        png_write_row(png, row);
    png_write_end(png, info);
    ok = true;
done:
    png_destroy_write_struct(&png, &info);
    free(row);
    QRcode_free(code);
    return ok;
}

/* ---- the operations timed ---------------------------------------------------- */

typedef struct qr_ctx {
    const char *token;
    reference_png reference;
} qr_ctx;

static bool library_png_op(void *ctx)
{
    qr_ctx *c = ctx;
    cs_qr_t *qr = NULL;
    uint8_t *png = NULL;
    size_t len = 0;
    bool ok = cs_qr_encode(c->token, CS_QR_ECC_M, &qr) == CS_OK &&
              cs_qr_render_png(qr, NULL, &png, &len) == CS_OK;
    free(png);
    cs_qr_free(&qr);
    return ok;
}

static bool reference_png_op(void *ctx)
{
    qr_ctx *c = ctx;
    bool ok = reference_image(c->token, &c->reference);
    /* Freed each time, as the library's caller frees its image. */
    free(c->reference.data);
    c->reference.data = NULL;
    c->reference.cap = 0;
    return ok;
}

/* ---- tokens -------------------------------------------------------------------- */

/* ---- the report ---------------------------------------------------------------- */

/* The library and the reference make the same image (same settings). */
static void compare_outputs(qr_ctx *c)
{
    cs_qr_t *qr = NULL;
    uint8_t *png = NULL;
    size_t len = 0;

    if (cs_qr_encode(c->token, CS_QR_ECC_M, &qr) != CS_OK ||
        cs_qr_render_png(qr, NULL, &png, &len) != CS_OK ||
        !reference_image(c->token, &c->reference))
        bench_failure("qr: the library or the reference cannot make the PNG");
    else
        printf("  same settings: version %d-M, %d modules, %u pixels a side, %zu-byte PNG; "
               "library and reference bytes %s\n",
               cs_qr_symbol_version(qr), cs_qr_width(qr),
               (unsigned)(cs_qr_width(qr) + 2 * CS_QR_DEFAULT_MARGIN) * CS_QR_DEFAULT_SCALE, len,
               c->reference.len == len && memcmp(c->reference.data, png, len) == 0 ? "identical"
                                                                                   : "DIFFER");
    free(c->reference.data);
    c->reference = (reference_png){0};
    free(png);
    cs_qr_free(&qr);
}

static void size_row(bench_issuer *q, fixture *f, cs_form form, bool typical)
{
    char *token = bench_issue_token(q, f, form, QR_LINK_BASE);
    int version = 0, modules = 0;
    cs_err err;

    if (token == NULL)
        return;
    if ((err = cs_qr_version(token, CS_QR_ECC_M, &version, &modules)) != CS_OK) {
        bench_failure("qr: %s %s %s form: %s", cs_alg_name(q->alg), f->file, cs_form_name(form),
                      cs_strerror(err));
    } else {
        bool over = typical && form == CS_FORM_OFFLINE && version > QR_VERSION_LIMIT;
        printf("  %-6s %-24s %-8s %5zu chars  QR version %2d-M, %3d modules (%d with quiet "
               "zone)%s\n",
               cs_alg_name(q->alg), f->file, cs_form_name(form), strlen(token), version, modules,
               modules + 2 * CS_QR_DEFAULT_MARGIN, over ? "  OVER QR VERSION 21" : "");
        if (over)
            bench_failure("qr: the typical offline %s token needs QR version %d-M (limit %d)",
                          cs_alg_name(q->alg), version, QR_VERSION_LIMIT);
    }
    free(token);
}

void bench_qr(const char *dir, fixture *fixtures, size_t count)
{
    const cs_alg algs[] = {CS_ALG_EDDSA, CS_ALG_ES256};
    bench_issuer issuers[2];
    qr_ctx ctx = {0};
    (void)dir;

    for (size_t i = 0; i < 2; i++)
        bench_issuer_init(&issuers[i], algs[i]);
    printf("\n(d) QR: PNG of the %s offline token at the defaults (ECC M, scale %d, quiet zone "
           "%d, %d dpi, to memory)\n",
           fixtures[0].file, CS_QR_DEFAULT_SCALE, CS_QR_DEFAULT_MARGIN, CS_QR_DEFAULT_DPI);
    if ((ctx.token = bench_issue_token(&issuers[0], &fixtures[0], CS_FORM_OFFLINE, QR_LINK_BASE)) !=
        NULL) {
        rate rates[] = {
            {.name = "cs_qr_encode+render_png", .op = library_png_op, .ctx = &ctx},
            {.name = "libqrencode+libpng", .op = reference_png_op, .ctx = &ctx},
        };
        compare_outputs(&ctx);
        bench_measure(rates, 2);
        double ratio = rates[1].best > 0 ? rates[0].best / rates[1].best : 0;
        printf("  %-6s %-26s %10.0f /s   raw %-18s %10.0f /s   ratio %5.3f  (target %.1f) %s\n",
               cs_alg_name(algs[0]), rates[0].name, rates[0].best, rates[1].name, rates[1].best,
               ratio, QR_PNG_TARGET, bench_verdict(ratio, QR_PNG_TARGET));
        free((char *)ctx.token);
    }

    printf("\n(e) QR version at ECC M (link form under %s)\n", QR_LINK_BASE);
    for (size_t a = 0; a < 2; a++)
        for (size_t i = 0; i < count; i++) {
            size_row(&issuers[a], &fixtures[i], CS_FORM_OFFLINE, i == 0);
            size_row(&issuers[a], &fixtures[i], CS_FORM_LINK, i == 0);
        }
    printf("  limit: the typical offline token <= QR version %d-M (DESIGN 4)\n", QR_VERSION_LIMIT);
    for (size_t i = 0; i < 2; i++)
        bench_issuer_free(&issuers[i]);
}
