/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_scan.c - `make bench`, section (f): reading QR codes.
 *
 *   scan    cs_scanner_scan() on the decoded PNG of the typical offline
 *           token (ECC M, 8 pixels a module, quiet zone 4: the `certseal
 *           qr` defaults), against a reference loop written here straight
 *           on libzbar over the same grey pixels (zbar_image_create,
 *           zbar_image_set_data, zbar_scan_image, the text read, the image
 *           destroyed; a scanner made once and set to QR only, as the
 *           library's is).  Target: ratio >= 0.9.
 *   read    cs_image_read() of the PNG file's bytes and the scan, for
 *           information: what `certseal scan` costs per image, without the
 *           file system.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "bench.h"

#define SCAN_TARGET 0.9

typedef struct scan_ctx {
    const char *token;
    size_t token_len;
    uint8_t *png; /* the token's QR code as `certseal qr` writes it */
    size_t png_len;
    cs_image image; /* the PNG, decoded */
    cs_scanner_t *scanner;
    zbar_image_scanner_t *reference;
} scan_ctx;

/* True when result is exactly the one token. */
static bool holds_token(const scan_ctx *c, const cs_scan_result *result)
{
    return result->count == 1 && result->symbols[0].len == c->token_len &&
           memcmp(result->symbols[0].text, c->token, c->token_len) == 0;
}

static bool library_scan_op(void *ctx)
{
    scan_ctx *c = ctx;
    cs_scan_result result;
    bool ok = cs_scanner_scan(c->scanner, &c->image, &result) == CS_OK && holds_token(c, &result);
    cs_scan_result_clear(&result);
    return ok;
}

static bool library_read_scan_op(void *ctx)
{
    scan_ctx *c = ctx;
    cs_image image;
    cs_scan_result result = {0};
    bool ok = cs_image_read(c->png, c->png_len, &image, NULL, 0) == CS_OK &&
              cs_scanner_scan(c->scanner, &image, &result) == CS_OK && holds_token(c, &result);
    cs_scan_result_clear(&result);
    cs_image_clear(&image);
    return ok;
}

/* The reference: libzbar by hand on the same pixels. */
static bool reference_scan_op(void *ctx)
{
    scan_ctx *c = ctx;
    zbar_image_t *image = zbar_image_create();
    const zbar_symbol_t *symbol;
    bool ok = false;

    if (image == NULL)
        return false;
    zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(image, c->image.width, c->image.height);
    zbar_image_set_data(image, c->image.pixels, (unsigned long)c->image.width * c->image.height,
                        NULL);
    if (zbar_scan_image(c->reference, image) == 1 &&
        (symbol = zbar_image_first_symbol(image)) != NULL &&
        zbar_symbol_get_data_length(symbol) == c->token_len &&
        memcmp(zbar_symbol_get_data(symbol), c->token, c->token_len) == 0)
        ok = true;
    zbar_image_destroy(image);
    return ok;
}

static void scan_setup(scan_ctx *c, fixture *f)
{
    cs_qr_t *qr = NULL;
    char detail[CS_DETAIL_SIZE] = "";

    bench_issuer b;

    bench_issuer_init(&b, CS_ALG_EDDSA);
    c->token = bench_issue_token(&b, f, CS_FORM_OFFLINE, NULL);
    bench_issuer_free(&b);
    c->token_len = strlen(c->token);
    if (cs_qr_encode(c->token, CS_QR_ECC_M, &qr) != CS_OK ||
        cs_qr_render_png(qr, NULL, &c->png, &c->png_len) != CS_OK)
        bench_fatal("scan: cannot draw the QR code");
    if (cs_image_read(c->png, c->png_len, &c->image, detail, sizeof(detail)) != CS_OK)
        bench_fatal("scan: cannot read the QR PNG back (%s)", detail);
    if (cs_scanner_new(&c->scanner) != CS_OK ||
        (c->reference = zbar_image_scanner_create()) == NULL)
        bench_fatal("scan: out of memory");
    zbar_image_scanner_set_config(c->reference, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(c->reference, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    printf("  %s: %zu characters, QR version %d-M, %ux%u pixels, PNG %zu bytes\n", f->file,
           c->token_len, cs_qr_symbol_version(qr), c->image.width, c->image.height, c->png_len);
    cs_qr_free(&qr);
}

static void scan_free(scan_ctx *c)
{
    cs_scanner_free(&c->scanner);
    if (c->reference != NULL)
        zbar_image_scanner_destroy(c->reference);
    cs_image_clear(&c->image);
    free(c->png);
    free((char *)c->token);
}

void bench_scan(const char *dir, fixture *fixtures, size_t count)
{
    scan_ctx c = {0};
    (void)dir;
    (void)count;

    printf("\n(f) scan: the QR code of the %s offline token at the `certseal qr` defaults "
           "(ECC M, scale %d, quiet zone %d)\n",
           fixtures[0].file, CS_QR_DEFAULT_SCALE, CS_QR_DEFAULT_MARGIN);
    scan_setup(&c, &fixtures[0]);
    /* Both must read the token before their rates mean anything. */
    if (!library_scan_op(&c) || !reference_scan_op(&c) || !library_read_scan_op(&c)) {
        bench_failure("scan: the QR code did not read back as the token");
        scan_free(&c);
        return;
    }
    rate rates[] = {
        {.name = "cs_scanner_scan", .op = library_scan_op, .ctx = &c},
        {.name = "zbar_scan_image", .op = reference_scan_op, .ctx = &c},
        {.name = "cs_image_read+scan", .op = library_read_scan_op, .ctx = &c},
    };
    bench_measure(rates, 3);
    double ratio = rates[1].best > 0 ? rates[0].best / rates[1].best : 0;
    printf("  %-26s %10.1f /s   raw %-18s %10.1f /s   ratio %5.3f  (target %.1f) %s\n",
           rates[0].name, rates[0].best, rates[1].name, rates[1].best, ratio, SCAN_TARGET,
           bench_verdict(ratio, SCAN_TARGET));
    ratio = rates[1].best > 0 ? rates[2].best / rates[1].best : 0;
    printf("  %-26s %10.1f /s   raw %-18s %10.1f /s   ratio %5.3f  (for information: PNG "
           "decode included)\n",
           rates[2].name, rates[2].best, rates[1].name, rates[1].best, ratio);
    scan_free(&c);
}
