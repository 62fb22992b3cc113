/* SPDX-License-Identifier: ISC */
/*
 * QR output (DESIGN §4): encoding at each error correction level, and the
 * PNG, SVG and text drawings checked module by module against the matrix
 * libqrencode itself makes.  The PNG is decoded here with libpng and the SVG
 * path parsed, so that a drawing that looks plausible but is off by one
 * module fails.
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

#include <png.h>
#include <qrencode.h>

#include "certseal/certseal.h"
#include "helper_tokens.h"

#define RECORD_PATH "tests/fixtures/record-typical.json"
#define LINK_BASE "https://verify.example.org/v"
#define TYPICAL_VERSION_MAX 21 /* DESIGN §4 */

static const cs_qr_ecc LEVELS[] = {CS_QR_ECC_L, CS_QR_ECC_M, CS_QR_ECC_Q, CS_QR_ECC_H};

/* The typical certificate's token in both forms, signed with the demo
 * keys (Ed25519) and with fresh P-256 keys. */
typedef struct tokens {
    char *offline[2];
    char *link[2];
} tokens;

static tokens fx;

/* ---- fixtures ------------------------------------------------------------- */

/* Issues the typical record with ab and cb in both forms into slot. */
static int issue_both_forms(const cs_key_t *ab, cs_key_t *cb, int slot)
{
    uint8_t *record = NULL, *ac = NULL;
    size_t record_len = 0, ac_len = 0, len;
    cs_certificate cert;
    cs_issuer_t *issuer = NULL;
    const char *token;
    int status = -1;

    if (cs_file_read_all(RECORD_PATH, 65536, &record, &record_len) != CS_OK ||
        helper_demo_accreditation(ab, cb, &ac, &ac_len) != CS_OK ||
        cs_issuer_new(cb, ac, ac_len, &issuer, NULL, 0) != CS_OK)
        goto done;
    if (cs_record_parse_json((char *)record, record_len, &cert, NULL, 0) != CS_OK)
        goto done;
    if (cs_issuer_issue(issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &len, NULL, 0) == CS_OK)
        fx.offline[slot] = strdup(token);
    if (cs_issuer_issue(issuer, &cert, CS_FORM_LINK, LINK_BASE, 0, &token, &len, NULL, 0) == CS_OK)
        fx.link[slot] = strdup(token);
    cs_certificate_clear(&cert);
    status = fx.offline[slot] != NULL && fx.link[slot] != NULL ? 0 : -1;
done:
    cs_issuer_free(&issuer);
    free(ac);
    free(record);
    return status;
}

static int setup(void **state)
{
    (void)state;
    cs_key_t *ab = NULL, *cb = NULL, *ab256 = NULL, *cb256 = NULL;
    int status = -1;

    if (cs_key_load_private_file("keys-example/ab-demo.key", NULL, 0, &ab) != CS_OK ||
        cs_key_load_private_file("keys-example/cb-demo.key", NULL, 0, &cb) != CS_OK ||
        cs_key_generate(CS_ALG_ES256, &ab256) != CS_OK ||
        cs_key_generate(CS_ALG_ES256, &cb256) != CS_OK) {
        fprintf(stderr, "test_qr: cannot load keys-example/ (run from the repository root)\n");
        goto done;
    }
    status = issue_both_forms(ab, cb, 0) == 0 && issue_both_forms(ab256, cb256, 1) == 0 ? 0 : -1;
done:
    cs_key_free(&ab);
    cs_key_free(&cb);
    cs_key_free(&ab256);
    cs_key_free(&cb256);
    return status;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++) {
        free(fx.offline[i]);
        free(fx.link[i]);
    }
    return 0;
}

static cs_qr_t *encode(const char *text, cs_qr_ecc ecc)
{
    cs_qr_t *qr = NULL;
    assert_int_equal(cs_qr_encode(text, ecc, &qr), CS_OK);
    assert_non_null(qr);
    return qr;
}

/* ---- levels and encoding ---------------------------------------------------- */

static void test_ecc_letters(void **state)
{
    (void)state;
    const char *upper[] = {"L", "M", "Q", "H"}, *lower[] = {"l", "m", "q", "h"};
    cs_qr_ecc ecc;

    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(cs_qr_ecc_letter(LEVELS[i]), upper[i][0]);
        assert_int_equal(cs_qr_ecc_parse(upper[i], &ecc), CS_OK);
        assert_int_equal(ecc, LEVELS[i]);
        assert_int_equal(cs_qr_ecc_parse(lower[i], &ecc), CS_OK);
        assert_int_equal(ecc, LEVELS[i]);
    }
    const char *bad[] = {"", "X", "MM", "m ", "1", "\xc3\x9c"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(cs_qr_ecc_parse(bad[i], &ecc), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_ecc_parse(NULL, &ecc), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_ecc_parse("M", NULL), CS_ERR_ARGUMENT);
}

static void test_encode_each_level(void **state)
{
    (void)state;
    const char *texts[] = {fx.offline[0], fx.link[0], fx.offline[1], fx.link[1]};

    for (size_t t = 0; t < 4; t++) {
        int previous = 0;
        for (size_t i = 0; i < 4; i++) {
            cs_qr_t *qr = encode(texts[t], LEVELS[i]);
            int version = cs_qr_symbol_version(qr), v = 0, modules = 0;
            assert_in_range(version, 1, 40);
            assert_int_equal(cs_qr_width(qr), 17 + 4 * version);
            /* More error correction never needs a smaller symbol. */
            assert_true(version >= previous);
            previous = version;
            assert_int_equal(cs_qr_version(texts[t], LEVELS[i], &v, &modules), CS_OK);
            assert_int_equal(v, version);
            assert_int_equal(modules, cs_qr_width(qr));
            cs_qr_free(&qr);
            assert_null(qr);
        }
    }
}

static void test_typical_fits_version_21(void **state)
{
    (void)state;
    for (int slot = 0; slot < 2; slot++) {
        int version = 0, modules = 0;
        assert_int_equal(cs_qr_version(fx.offline[slot], CS_QR_ECC_M, &version, &modules), CS_OK);
        if (version > TYPICAL_VERSION_MAX)
            fail_msg("typical token (%s, %zu characters) needs QR version %d-M, more than %d",
                     slot == 0 ? "EdDSA" : "ES256", strlen(fx.offline[slot]), version,
                     TYPICAL_VERSION_MAX);
    }
}

/* Alphanumeric mode: byte mode would need a clearly larger symbol. */
static void test_alphanumeric_mode(void **state)
{
    (void)state;
    const char *texts[] = {fx.offline[0], fx.link[0]};
    for (size_t t = 0; t < 2; t++) {
        cs_qr_t *qr = encode(texts[t], CS_QR_ECC_M);
        QRcode *bytes = QRcode_encodeString8bit(texts[t], 0, QR_ECLEVEL_M);
        assert_non_null(bytes);
        assert_true(cs_qr_symbol_version(qr) < bytes->version);
        QRcode_free(bytes);
        cs_qr_free(&qr);
    }
}

static void test_is_dark_matches_libqrencode(void **state)
{
    (void)state;
    static const QRecLevel qrencode_levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q,
                                                QR_ECLEVEL_H};
    for (size_t i = 0; i < 4; i++) {
        cs_qr_t *qr = encode(fx.offline[0], LEVELS[i]);
        QRcode *ref = QRcode_encodeString(fx.offline[0], 0, qrencode_levels[i], QR_MODE_8, 1);
        assert_non_null(ref);
        assert_int_equal(ref->width, cs_qr_width(qr));
        assert_int_equal(ref->version, cs_qr_symbol_version(qr));
        size_t dark = 0;
        for (int y = 0; y < ref->width; y++)
            for (int x = 0; x < ref->width; x++) {
                bool expected = ref->data[y * ref->width + x] & 1;
                assert_int_equal(cs_qr_is_dark(qr, x, y), expected);
                dark += expected;
            }
        /* A real symbol is roughly half dark; catches an all-light matrix. */
        assert_in_range(dark, (size_t)(ref->width * ref->width) / 4,
                        (size_t)(ref->width * ref->width) * 3 / 4);
        assert_false(cs_qr_is_dark(qr, -1, 0));
        assert_false(cs_qr_is_dark(qr, 0, -1));
        assert_false(cs_qr_is_dark(qr, ref->width, 0));
        assert_false(cs_qr_is_dark(qr, 0, ref->width));
        QRcode_free(ref);
        cs_qr_free(&qr);
    }
    assert_false(cs_qr_is_dark(NULL, 0, 0));
    assert_int_equal(cs_qr_width(NULL), 0);
    assert_int_equal(cs_qr_symbol_version(NULL), 0);
}

static void test_too_long(void **state)
{
    (void)state;
    char *text = malloc(5005);
    cs_qr_t *qr = NULL;
    int version = 0, modules = 0;

    assert_non_null(text);
    memcpy(text, "CS1:", 4);
    for (size_t i = 4; i < 5004; i++)
        text[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"[i % 45];
    text[5004] = '\0';
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(cs_qr_encode(text, LEVELS[i], &qr), CS_ERR_TOO_LARGE);
        assert_null(qr);
        assert_int_equal(cs_qr_version(text, LEVELS[i], &version, &modules), CS_ERR_TOO_LARGE);
    }
    /* 4296 alphanumeric characters is the most version 40-L holds. */
    text[4296] = '\0';
    assert_int_equal(cs_qr_encode(text, CS_QR_ECC_L, &qr), CS_OK);
    assert_int_equal(cs_qr_symbol_version(qr), 40);
    cs_qr_free(&qr);
    assert_int_equal(cs_qr_encode(text, CS_QR_ECC_M, &qr), CS_ERR_TOO_LARGE);
    free(text);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    cs_qr_t *qr = NULL;
    int version, modules;

    assert_int_equal(cs_qr_encode(NULL, CS_QR_ECC_M, &qr), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_encode("", CS_QR_ECC_M, &qr), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_encode("CS1:A", (cs_qr_ecc)7, &qr), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_encode("CS1:A", CS_QR_ECC_M, NULL), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_version("CS1:A", CS_QR_ECC_M, NULL, &modules), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_version("CS1:A", (cs_qr_ecc)-1, &version, &modules), CS_ERR_ARGUMENT);
    assert_null(qr);
    cs_qr_free(NULL);
    cs_qr_free(&qr);

    qr = encode("CS1:A", CS_QR_ECC_M);
    const cs_qr_render_options bad[] = {
        {0, 4, 300}, {CS_QR_SCALE_MAX + 1, 4, 300}, {8, CS_QR_MARGIN_MAX + 1, 300}};
    uint8_t *png = NULL;
    char *text = NULL;
    size_t len = 0;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cs_qr_render_png(qr, &bad[i], &png, &len), CS_ERR_ARGUMENT);
        assert_int_equal(cs_qr_render_svg(qr, &bad[i], &text, &len), CS_ERR_ARGUMENT);
    }
    assert_null(png);
    assert_null(text);
    assert_int_equal(cs_qr_render_text(qr, CS_QR_MARGIN_MAX + 1, false, &text, &len),
                     CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_render_png(NULL, NULL, &png, &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_render_svg(NULL, NULL, &text, &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_render_text(NULL, 4, false, &text, &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_render_png(qr, NULL, NULL, &len), CS_ERR_ARGUMENT);
    /* The largest options are fine. */
    const cs_qr_render_options big = {CS_QR_SCALE_MAX, CS_QR_MARGIN_MAX, 0};
    assert_int_equal(cs_qr_render_png(qr, &big, &png, &len), CS_OK);
    free(png);
    cs_qr_free(&qr);
}

/* ---- PNG -------------------------------------------------------------------- */

typedef struct png_source {
    const uint8_t *data;
    size_t len, pos;
} png_source;

static void source_read(png_structp png, png_bytep out, png_size_t n)
{
    png_source *s = png_get_io_ptr(png);
    if (n > s->len - s->pos)
        png_error(png, "read past the end");
    memcpy(out, s->data + s->pos, n);
    s->pos += n;
}

/* What the test learns from a PNG: its header, pHYs and pixels
 * (one byte each, 0 black, 1 white). */
typedef struct decoded_png {
    png_uint_32 width, height, x_ppm, y_ppm;
    int bit_depth, color_type, unit;
    bool has_phys;
    uint8_t *pixels;
} decoded_png;

static void decode_png(const uint8_t *data, size_t len, decoded_png *d)
{
    png_source source = {data, len, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(png);
    assert_non_null(info);
    if (setjmp(png_jmpbuf(png)))
        fail_msg("libpng cannot read the PNG the library wrote");
    png_set_read_fn(png, &source, source_read);
    png_read_info(png, info);
    d->width = png_get_image_width(png, info);
    d->height = png_get_image_height(png, info);
    d->bit_depth = png_get_bit_depth(png, info);
    d->color_type = png_get_color_type(png, info);
    d->has_phys = png_get_pHYs(png, info, &d->x_ppm, &d->y_ppm, &d->unit) != 0;
    png_set_packing(png); /* one byte per pixel, 0 or 1 */
    png_read_update_info(png, info);
    assert_int_equal(png_get_rowbytes(png, info), d->width);
    d->pixels = malloc((size_t)d->width * d->height);
    assert_non_null(d->pixels);
    for (png_uint_32 y = 0; y < d->height; y++)
        png_read_row(png, d->pixels + (size_t)y * d->width, NULL);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    assert_int_equal(source.pos, len); /* nothing after IEND */
}

static void check_png(const cs_qr_t *qr, const cs_qr_render_options *o)
{
    uint8_t *png = NULL;
    size_t len = 0;
    decoded_png d = {0};
    int width = cs_qr_width(qr);
    png_uint_32 side = (png_uint_32)(width + 2 * (int)o->margin) * o->scale;

    assert_int_equal(cs_qr_render_png(qr, o, &png, &len), CS_OK);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    decode_png(png, len, &d);
    assert_int_equal(d.width, side);
    assert_int_equal(d.height, side);
    assert_int_equal(d.bit_depth, 1);
    assert_int_equal(d.color_type, PNG_COLOR_TYPE_GRAY);
    if (o->dpi == 0) {
        assert_false(d.has_phys);
    } else {
        assert_true(d.has_phys);
        assert_int_equal(d.unit, PNG_RESOLUTION_METER);
        assert_int_equal(d.x_ppm, d.y_ppm);
        /* Within rounding of dpi / 0.0254. */
        assert_in_range(d.x_ppm * 254, o->dpi * 10000 - 254, o->dpi * 10000 + 254);
    }
    for (png_uint_32 py = 0; py < side; py++)
        for (png_uint_32 px = 0; px < side; px++) {
            int x = (int)(px / o->scale) - (int)o->margin,
                y = (int)(py / o->scale) - (int)o->margin;
            uint8_t want = cs_qr_is_dark(qr, x, y) ? 0 : 1;
            if (d.pixels[(size_t)py * side + px] != want)
                fail_msg("pixel (%u, %u) of module (%d, %d) is %s, expected %s", px, py, x, y,
                         want ? "black" : "white", want ? "white" : "black");
        }
    free(d.pixels);
    free(png);
}

static void test_png_pixels(void **state)
{
    (void)state;
    const cs_qr_render_options options[] = {
        CS_QR_RENDER_OPTIONS_INIT, {1, 0, 0}, {3, 2, 600}, {5, 1, 72}, {8, 4, 1}};
    for (size_t e = 0; e < 2; e++) {
        cs_qr_t *qr = encode(e == 0 ? fx.offline[0] : fx.link[1], LEVELS[e * 3]);
        for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
            check_png(qr, &options[i]);
        cs_qr_free(&qr);
    }
    /* NULL options are the defaults. */
    cs_qr_t *qr = encode(fx.offline[0], CS_QR_ECC_M);
    uint8_t *a = NULL, *b = NULL;
    size_t a_len = 0, b_len = 0;
    const cs_qr_render_options defaults = CS_QR_RENDER_OPTIONS_INIT;
    assert_int_equal(cs_qr_render_png(qr, NULL, &a, &a_len), CS_OK);
    assert_int_equal(cs_qr_render_png(qr, &defaults, &b, &b_len), CS_OK);
    assert_int_equal(a_len, b_len);
    assert_memory_equal(a, b, a_len);
    free(a);
    free(b);
    cs_qr_free(&qr);
}

/* ---- SVG -------------------------------------------------------------------- */

/* Reads the unsigned number at *p; false when there is none. */
static bool read_number(const char **p, int *out)
{
    char *end;
    long value = strtol(*p, &end, 10);
    if (end == *p || value < 0 || value > 100000)
        return false;
    *p = end;
    *out = (int)value;
    return true;
}

static const char *attribute(const char *svg, const char *tag, const char *name)
{
    static char value[64];
    const char *start = strstr(svg, tag), *end;
    char pattern[40];
    assert_non_null(start);
    end = strchr(start, '>');
    snprintf(pattern, sizeof(pattern), " %s=\"", name);
    const char *at = strstr(start, pattern);
    assert_non_null(at);
    assert_true(at < end);
    at += strlen(pattern);
    size_t n = strcspn(at, "\"");
    assert_true(n < sizeof(value));
    memcpy(value, at, n);
    value[n] = '\0';
    return value;
}

/*
 * Parses the path data: subpaths "Mx,yhNv1h-Nz", each a run of N modules
 * one high at (x, y) of the viewBox.  Marks each module it covers in grid
 * (side*side) and fails on anything else or on a module drawn twice.
 */
static void parse_path(const char *d, uint8_t *grid, int side)
{
    const char *p = d;
    while (*p != '"') {
        int x = 0, y = 0, run = 0, back = 0, one = 0;
        assert_int_equal(*p++, 'M');
        assert_true(read_number(&p, &x));
        assert_int_equal(*p++, ',');
        assert_true(read_number(&p, &y));
        assert_int_equal(*p++, 'h');
        assert_true(read_number(&p, &run));
        assert_int_equal(*p++, 'v');
        assert_true(read_number(&p, &one));
        assert_int_equal(one, 1);
        assert_int_equal(*p++, 'h');
        assert_int_equal(*p++, '-');
        assert_true(read_number(&p, &back));
        assert_int_equal(back, run);
        assert_int_equal(*p++, 'z');
        assert_true(run >= 1 && x + run <= side && y < side);
        for (int i = 0; i < run; i++) {
            assert_int_equal(grid[y * side + x + i], 0);
            grid[y * side + x + i] = 1;
        }
    }
}

static void check_svg(const cs_qr_t *qr, const cs_qr_render_options *o)
{
    char *svg = NULL, expected[32];
    size_t len = 0;
    int side = cs_qr_width(qr) + 2 * (int)o->margin;

    assert_int_equal(cs_qr_render_svg(qr, o, &svg, &len), CS_OK);
    assert_int_equal(strlen(svg), len);
    assert_memory_equal(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39);
    assert_string_equal(attribute(svg, "<svg", "version"), "1.1");
    assert_string_equal(attribute(svg, "<svg", "xmlns"), "http://www.w3.org/2000/svg");
    snprintf(expected, sizeof(expected), "%u", (unsigned)side * o->scale);
    assert_string_equal(attribute(svg, "<svg", "width"), expected);
    assert_string_equal(attribute(svg, "<svg", "height"), expected);
    snprintf(expected, sizeof(expected), "0 0 %d %d", side, side);
    assert_string_equal(attribute(svg, "<svg", "viewBox"), expected);
    snprintf(expected, sizeof(expected), "%d", side);
    assert_string_equal(attribute(svg, "<rect", "width"), expected);
    assert_string_equal(attribute(svg, "<rect", "fill"), "#ffffff");
    assert_string_equal(attribute(svg, "<path", "fill"), "#000000");
    /* Exactly one path, and the document ends properly. */
    assert_null(strstr(strstr(svg, "<path") + 1, "<path"));
    assert_non_null(strstr(svg, "</svg>\n"));
    assert_string_equal(svg + len - 7, "</svg>\n");

    uint8_t *grid = calloc((size_t)side * side, 1);
    assert_non_null(grid);
    parse_path(strstr(strstr(svg, "<path"), " d=\"") + 4, grid, side);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
            if (grid[y * side + x] != cs_qr_is_dark(qr, x - (int)o->margin, y - (int)o->margin))
                fail_msg("SVG module (%d, %d) differs from the matrix", x, y);
    free(grid);
    free(svg);
}

static void test_svg_modules(void **state)
{
    (void)state;
    const cs_qr_render_options options[] = {CS_QR_RENDER_OPTIONS_INIT, {1, 0, 0}, {10, 7, 0}};
    for (size_t e = 0; e < 2; e++) {
        cs_qr_t *qr = encode(e == 0 ? fx.link[0] : fx.offline[1], LEVELS[e + 1]);
        for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
            check_svg(qr, &options[i]);
        cs_qr_free(&qr);
    }
}

/* ---- text ------------------------------------------------------------------- */

/* Decodes one cell of a line: its top and bottom halves. */
static void read_cell(const char **p, bool *top, bool *bottom)
{
    if (**p == ' ') {
        *top = *bottom = false;
        (*p)++;
        return;
    }
    assert_memory_equal(*p, "\xe2\x96", 2);
    switch ((unsigned char)(*p)[2]) {
    case 0x88:
        *top = *bottom = true;
        break;
    case 0x80:
        *top = true;
        *bottom = false;
        break;
    case 0x84:
        *top = false;
        *bottom = true;
        break;
    default:
        fail_msg("unexpected character in the text drawing");
    }
    *p += 3;
}

/* What the cell at (x, y) of the drawing (quiet zone included) should
 * show: blocks for dark modules, or for light ones when inverted; rows
 * below the drawing never. */
static bool drawn(const cs_qr_t *qr, int x, int y, int side, unsigned margin, bool invert)
{
    if (y >= side)
        return false;
    bool dark = cs_qr_is_dark(qr, x - (int)margin, y - (int)margin);
    return invert ? !dark : dark;
}

static void check_text(const cs_qr_t *qr, unsigned margin, bool invert)
{
    char *text = NULL;
    size_t len = 0;
    int side = cs_qr_width(qr) + 2 * (int)margin, lines = 0;

    assert_int_equal(cs_qr_render_text(qr, margin, invert, &text, &len), CS_OK);
    assert_int_equal(strlen(text), len);
    const char *p = text;
    while (*p != '\0') {
        for (int x = 0; x < side; x++) {
            bool top, bottom;
            assert_true(*p != '\n' && *p != '\0');
            read_cell(&p, &top, &bottom);
            assert_int_equal(top, drawn(qr, x, 2 * lines, side, margin, invert));
            assert_int_equal(bottom, drawn(qr, x, 2 * lines + 1, side, margin, invert));
        }
        assert_int_equal(*p++, '\n'); /* each line exactly side characters */
        lines++;
    }
    assert_int_equal(lines, (side + 1) / 2); /* two module rows a line */
    free(text);
}

static void test_text_half_blocks(void **state)
{
    (void)state;
    cs_qr_t *qr = encode(fx.offline[0], CS_QR_ECC_M);
    for (unsigned margin = 0; margin <= 4; margin++) {
        check_text(qr, margin, false);
        check_text(qr, margin, true);
    }
    cs_qr_free(&qr);
    /* A small symbol: version 1 with an even and odd number of rows. */
    qr = encode("CS1:HELLO", CS_QR_ECC_H);
    assert_int_equal(cs_qr_symbol_version(qr), 1);
    check_text(qr, 1, false);
    check_text(qr, 0, true);
    cs_qr_free(&qr);
}

/* The capacity is the longest alphanumeric text that fits: one character
 * more needs the next version, at every level; version 40-L holds the
 * 4,296 characters of ISO/IEC 18004's capacity table. */
static void test_capacity(void **state)
{
    static const cs_qr_ecc levels[] = {CS_QR_ECC_L, CS_QR_ECC_M, CS_QR_ECC_H};
    char text[4400];
    size_t chars = 0;
    int version = 0, modules = 0;
    (void)state;

    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        assert_int_equal(cs_qr_capacity(CS_QR_VERSION_WARN, levels[i], &chars), CS_OK);
        assert_true(chars > 500 && chars + 1 < sizeof(text));
        memset(text, 'Q', chars);
        text[chars] = '\0';
        assert_int_equal(cs_qr_version(text, levels[i], &version, &modules), CS_OK);
        assert_int_equal(version, CS_QR_VERSION_WARN);
        text[chars] = 'Q';
        text[chars + 1] = '\0';
        assert_int_equal(cs_qr_version(text, levels[i], &version, &modules), CS_OK);
        assert_int_equal(version, CS_QR_VERSION_WARN + 1);
    }
    assert_int_equal(cs_qr_capacity(40, CS_QR_ECC_L, &chars), CS_OK);
    assert_int_equal(chars, 4296); /* ISO/IEC 18004 Table 7: 40-L alphanumeric */
    assert_int_equal(cs_qr_capacity(0, CS_QR_ECC_M, &chars), CS_ERR_ARGUMENT);
    assert_int_equal(cs_qr_capacity(41, CS_QR_ECC_M, &chars), CS_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecc_letters),
        cmocka_unit_test(test_encode_each_level),
        cmocka_unit_test(test_typical_fits_version_21),
        cmocka_unit_test(test_alphanumeric_mode),
        cmocka_unit_test(test_is_dark_matches_libqrencode),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_png_pixels),
        cmocka_unit_test(test_svg_modules),
        cmocka_unit_test(test_text_half_blocks),
        cmocka_unit_test(test_capacity),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
