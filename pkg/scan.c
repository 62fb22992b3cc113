/* SPDX-License-Identifier: ISC */
/* QR codes in greyscale images, through libzbar (certseal/scan.h). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "certseal/scan.h"
#include "internal.h"

struct cs_scanner {
    zbar_image_scanner_t *scanner;
    zbar_image_t *image; /* reused: pointed at each caller's pixels in turn */
};

/* Where a symbol lies, for sorting into reading order. */
typedef struct symbol_box {
    int left, top, bottom;
} symbol_box;

cs_err cs_scanner_new(cs_scanner_t **out)
{
    cs_scanner_t *s = NULL;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((s = calloc(1, sizeof(*s))) == NULL)
        goto fail;
    if ((s->scanner = zbar_image_scanner_create()) == NULL ||
        (s->image = zbar_image_create()) == NULL)
        goto fail;
    /* QR only: the other symbologies cost time and find nothing we read. */
    if (zbar_image_scanner_set_config(s->scanner, 0, ZBAR_CFG_ENABLE, 0) != 0 ||
        zbar_image_scanner_set_config(s->scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1) != 0)
        goto fail;
    zbar_image_set_format(s->image, zbar_fourcc('Y', '8', '0', '0'));
    *out = s;
    return CS_OK;
fail:
    cs_scanner_free(&s);
    return CS_ERR_NO_MEMORY;
}

void cs_scanner_free(cs_scanner_t **scanner)
{
    if (scanner == NULL || *scanner == NULL)
        return;
    if ((*scanner)->image != NULL)
        zbar_image_destroy((*scanner)->image);
    if ((*scanner)->scanner != NULL)
        zbar_image_scanner_destroy((*scanner)->scanner);
    free(*scanner);
    *scanner = NULL;
}

void cs_scan_result_clear(cs_scan_result *result)
{
    if (result == NULL)
        return;
    for (size_t i = 0; i < result->count; i++)
        free(result->symbols[i].text);
    free(result->symbols);
    result->symbols = NULL;
    result->count = 0;
}

static symbol_box box_of(const zbar_symbol_t *symbol)
{
    symbol_box box = {INT_MAX, INT_MAX, INT_MIN};
    unsigned n = zbar_symbol_get_loc_size(symbol);

    for (unsigned i = 0; i < n; i++) {
        int x = zbar_symbol_get_loc_x(symbol, i), y = zbar_symbol_get_loc_y(symbol, i);
        box.left = x < box.left ? x : box.left;
        box.top = y < box.top ? y : box.top;
        box.bottom = y > box.bottom ? y : box.bottom;
    }
    return box;
}

/* True when a comes before b: symbols whose rows overlap are side by side
 * and go left to right; otherwise the higher one comes first. */
static bool reads_before(const symbol_box *a, const symbol_box *b)
{
    if (a->top <= b->bottom && b->top <= a->bottom)
        return a->left < b->left;
    return a->top < b->top;
}

/* Copies the symbol's text into slot i of out, keeping out sorted. */
static cs_err add_symbol(cs_scan_result *out, symbol_box *boxes, const zbar_symbol_t *symbol)
{
    size_t len = zbar_symbol_get_data_length(symbol), i = out->count;
    const char *data = zbar_symbol_get_data(symbol);
    symbol_box box = box_of(symbol);
    char *text = malloc(len + 1);

    if (text == NULL)
        return CS_ERR_NO_MEMORY;
    if (len > 0)
        memcpy(text, data, len);
    text[len] = '\0';
    /* Insertion sort: an image holds a handful of codes at most. */
    while (i > 0 && reads_before(&box, &boxes[i - 1])) {
        out->symbols[i] = out->symbols[i - 1];
        boxes[i] = boxes[i - 1];
        i--;
    }
    out->symbols[i].text = text;
    out->symbols[i].len = len;
    out->symbols[i].page = 0;
    out->symbols[i].origin = CS_SCAN_ORIGIN_IMAGE;
    boxes[i] = box;
    out->count++;
    return CS_OK;
}

static cs_err collect_symbols(const zbar_image_t *image, cs_scan_result *out)
{
    const zbar_symbol_t *symbol;
    size_t n = 0;
    symbol_box *boxes = NULL;
    cs_err err = CS_OK;

    for (symbol = zbar_image_first_symbol(image); symbol != NULL; symbol = zbar_symbol_next(symbol))
        n += zbar_symbol_get_type(symbol) == ZBAR_QRCODE;
    if (n == 0)
        return CS_ERR_NO_QR_CODE;
    out->symbols = calloc(n, sizeof(*out->symbols));
    boxes = calloc(n, sizeof(*boxes));
    if (out->symbols == NULL || boxes == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    for (symbol = zbar_image_first_symbol(image); symbol != NULL;
         symbol = zbar_symbol_next(symbol)) {
        if (zbar_symbol_get_type(symbol) != ZBAR_QRCODE)
            continue;
        if ((err = add_symbol(out, boxes, symbol)) != CS_OK)
            goto fail;
    }
    free(boxes);
    return CS_OK;
fail:
    free(boxes);
    cs_scan_result_clear(out);
    return err;
}

/* One zbar pass over image. */
static cs_err scan_once(cs_scanner_t *scanner, const cs_image *image, cs_scan_result *out)
{
    cs_err err;
    int found;

    zbar_image_set_size(scanner->image, image->width, image->height);
    zbar_image_set_data(scanner->image, image->pixels, (unsigned long)image->width * image->height,
                        NULL);
    found = zbar_scan_image(scanner->scanner, scanner->image);
    if (found < 0)
        err = CS_ERR_NO_MEMORY; /* zbar fails only when it cannot allocate */
    else if (found == 0)
        err = CS_ERR_NO_QR_CODE;
    else
        err = collect_symbols(scanner->image, out);
    /* Hand the symbols back to zbar and forget the caller's pixels. */
    zbar_image_scanner_recycle_image(scanner->scanner, scanner->image);
    zbar_image_set_data(scanner->image, NULL, 0, NULL);
    return err;
}

/* One axis of a 2x bilinear enlargement: sample i of the output from the
 * input's n samples at in[0], in[step], ... (pixel centres kept). */
static uint8_t half_step(const uint8_t *in, size_t n, size_t step, size_t i)
{
    size_t k = i / 2, other = i % 2 == 0 ? (k > 0 ? k - 1 : 0) : (k + 1 < n ? k + 1 : k);

    return (uint8_t)((3u * in[k * step] + in[other * step] + 2u) / 4u);
}

/* The grey level halfway between the darkest and the lightest pixels,
 * leaving out the extreme 1% at each end (specks of noise).  Class means
 * (Otsu, Ridler-Calvard) land too light on a blurred code, whose dark
 * modules are mostly grey: halfway keeps the modules' widths. */
static unsigned midpoint_threshold(const size_t histogram[256], size_t n)
{
    size_t seen = 0, tail = n / 100;
    unsigned low = 0, high = 255;

    for (unsigned g = 0; g < 256; g++) {
        seen += histogram[g];
        if (seen > tail) {
            low = g;
            break;
        }
    }
    seen = 0;
    for (unsigned g = 256; g-- > 0;) {
        seen += histogram[g];
        if (seen > tail) {
            high = g;
            break;
        }
    }
    return (low + high) / 2;
}

/* The image enlarged twice (bilinear) and made black and white halfway between
 * ink and paper: modules of about 2 pixels, blurred and noisy, become 4-pixel
 * modules with sharp edges that zbar's finder locks on to. */
static cs_err enlarge_binarise(const cs_image *image, cs_image *out)
{
    size_t w = image->width, h = image->height, W = 2 * w, H = 2 * h;
    size_t histogram[256] = {0};
    uint8_t *rows = NULL;
    unsigned threshold;

    if ((rows = malloc(W * h)) == NULL || (out->pixels = malloc(W * H)) == NULL) {
        free(rows);
        return CS_ERR_NO_MEMORY;
    }
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < W; x++)
            rows[y * W + x] = half_step(image->pixels + y * w, w, 1, x);
    for (size_t y = 0; y < H; y++)
        for (size_t x = 0; x < W; x++) {
            uint8_t v = half_step(rows + x, h, W, y);
            out->pixels[y * W + x] = v;
            histogram[v]++;
        }
    free(rows);
    threshold = midpoint_threshold(histogram, W * H);
    for (size_t i = 0; i < W * H; i++)
        out->pixels[i] = out->pixels[i] <= threshold ? 0 : 255;
    out->width = (uint32_t)W;
    out->height = (uint32_t)H;
    return CS_OK;
}

cs_err cs_scanner_scan(cs_scanner_t *scanner, const cs_image *image, cs_scan_result *out)
{
    cs_image retry = {0};
    cs_err err;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (scanner == NULL || image == NULL || out == NULL || image->pixels == NULL ||
        image->width == 0 || image->height == 0)
        return CS_ERR_ARGUMENT;
    err = scan_once(scanner, image, out);
    if (err != CS_ERR_NO_QR_CODE ||
        (uint64_t)image->width * image->height > CS_SCAN_RETRY_MAX_PIXELS)
        return err;
    if ((err = enlarge_binarise(image, &retry)) != CS_OK)
        return err;
    err = scan_once(scanner, &retry, out);
    cs_image_clear(&retry);
    return err;
}

cs_err cs_scan_file(const char *path, cs_scan_result *out, char *detail, size_t detail_size)
{
    cs_scanner_t *scanner = NULL;
    cs_image image = {0};
    cs_err err;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (path == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = cs_image_read_file(path, &image, detail, detail_size)) != CS_OK)
        goto fail;
    if ((err = cs_scanner_new(&scanner)) != CS_OK)
        goto fail;
    err = cs_scanner_scan(scanner, &image, out);
fail:
    cs_scanner_free(&scanner);
    cs_image_clear(&image);
    return err;
}

const char *cs_scan_origin_name(cs_scan_origin origin)
{
    switch (origin) {
    case CS_SCAN_ORIGIN_IMAGE:
        return "image";
    case CS_SCAN_ORIGIN_PDF_ATTACHMENT:
        return "attachment";
    case CS_SCAN_ORIGIN_PDF_IMAGE:
        return "embedded image";
    case CS_SCAN_ORIGIN_PDF_RENDER:
        return "rendered page";
    }
    return "image";
}
