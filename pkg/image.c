/* SPDX-License-Identifier: ISC */
/*
 * PNG and JPEG images into 8-bit grey (certseal/image.h).
 *
 * Both decoders report errors by longjmp.  Each setjmp sits in a function
 * that keeps everything it allocates in a reader struct owned by its
 * caller, so nothing the cleanup needs is a local of the function that
 * called setjmp (C11 7.13.2.1: such locals are indeterminate after the
 * jump unless volatile).
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>
#include <png.h>

#include "certseal/image.h"
#include "internal.h"

/* libjpeg's memory for one image (progressive images keep every DCT
 * coefficient: two bytes per sample).  More is refused, not swapped. */
#define JPEG_MEMORY_MAX (256L * 1024 * 1024)

/* The largest chunk libpng may allocate for.  The chunks read here (IHDR,
 * PLTE, tRNS, gAMA, sBIT and the like) hold a few hundred bytes; IDAT is
 * streamed, never allocated whole. */
#define PNG_CHUNK_MALLOC_MAX (64u * 1024)

/* Ancillary chunks that say nothing about the pixels: skipped unread, so
 * that their declared length never becomes an allocation (libpng allocates
 * a text chunk's length before reading it). */
static const png_byte PNG_IGNORED_CHUNKS[] = "tEXt\0zTXt\0iTXt\0iCCP\0sPLT\0eXIf\0";

/* No deflate stream inflates more than 1032 times its size (RFC 1951: a
 * 258-byte match costs at least two bits). */
#define DEFLATE_MAX_RATIO 1032u

static const uint8_t PNG_SIGNATURE[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

/* Refuses what the limits of image.h forbid; called with the dimensions a
 * header claims, before any pixel memory exists. */
static cs_err check_dimensions(const char *format, uint64_t width, uint64_t height, char *detail,
                               size_t detail_size)
{
    if (width == 0 || height == 0) {
        cs_detail_set(detail, detail_size, "%s header claims an empty image (%llux%llu)", format,
                      (unsigned long long)width, (unsigned long long)height);
        return CS_ERR_IMAGE;
    }
    if (width > CS_IMAGE_MAX_SIDE || height > CS_IMAGE_MAX_SIDE ||
        width * height > CS_IMAGE_MAX_PIXELS) {
        cs_detail_set(detail, detail_size,
                      "%s header claims %llux%llu pixels; at most %u per side and %u in all",
                      format, (unsigned long long)width, (unsigned long long)height,
                      CS_IMAGE_MAX_SIDE, CS_IMAGE_MAX_PIXELS);
        return CS_ERR_IMAGE_DIMENSIONS;
    }
    return CS_OK;
}

static uint8_t luma(unsigned r, unsigned g, unsigned b)
{
    /* ITU-R BT.601 weights in 8-bit fixed point (77 + 150 + 29 = 256). */
    return (uint8_t)((77 * r + 150 * g + 29 * b + 128) >> 8);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- PNG -------------------------------------------------------------------- */

typedef struct png_reader {
    const uint8_t *data;
    size_t len;
    size_t pos;
    png_structp png;
    png_infop info;
    uint8_t *pixels; /* the grey result */
    uint8_t *work;   /* grey and alpha pairs, for images with transparency */
    png_bytep *rows;
    char *detail;
    size_t detail_size;
} png_reader;

static void png_on_error(png_structp png, png_const_charp message)
{
    png_reader *r = png_get_error_ptr(png);
    cs_detail_set(r->detail, r->detail_size, "PNG: %s", message);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp message)
{
    /* Warnings (a bad ancillary chunk, say) do not stop decoding; the
     * library prints nothing. */
    (void)png;
    (void)message;
}

static void png_read_memory(png_structp png, png_bytep out, size_t n)
{
    png_reader *r = png_get_io_ptr(png);
    if (r->len - r->pos < n)
        png_error(png, "file is truncated");
    memcpy(out, r->data + r->pos, n);
    r->pos += n;
}

/* The IHDR chunk must come first (PNG §5.6); its dimensions are checked
 * here from the raw bytes, before libpng sees anything. */
static cs_err png_check_header(const png_reader *r)
{
    if (r->len < 24 || memcmp(r->data + 12, "IHDR", 4) != 0)
        return CS_OK; /* libpng reports what is wrong */
    return check_dimensions("PNG", be32(r->data + 16), be32(r->data + 20), r->detail,
                            r->detail_size);
}

static bool png_chunk_type_is_letters(const uint8_t *type)
{
    for (int i = 0; i < 4; i++)
        if (!((type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z')))
            return false;
    return true;
}

/*
 * Walks the chunk headers (PNG §5.3: length, type, data, CRC) up to IEND
 * and refuses a chunk that claims more bytes than the file has left, before
 * libpng sees it: libpng allocates some chunks' declared length before it
 * reads them.  A header cut short is left to libpng to report.
 */
static cs_err png_check_chunks(const png_reader *r)
{
    size_t pos = sizeof(PNG_SIGNATURE);

    while (r->len - pos >= 12) {
        const uint8_t *type = r->data + pos + 4;
        uint32_t length = be32(r->data + pos);
        size_t left = r->len - pos - 12;
        if (!png_chunk_type_is_letters(type)) {
            cs_detail_set(r->detail, r->detail_size,
                          "PNG: the chunk at byte %zu has an invalid type", pos);
            return CS_ERR_IMAGE;
        }
        if (length > PNG_UINT_31_MAX || length > left) {
            cs_detail_set(r->detail, r->detail_size,
                          "PNG: file is truncated (the %.4s chunk at byte %zu claims %lu bytes, "
                          "%zu remain)",
                          (const char *)type, pos, (unsigned long)length, left);
            return CS_ERR_IMAGE;
        }
        if (memcmp(type, "IEND", 4) == 0)
            break;
        pos += 12 + (size_t)length;
    }
    return CS_OK;
}

/* Caps what libpng allocates for one chunk and skips the chunks that
 * carry no pixels. */
static void png_setup_limits(png_structp png)
{
    png_set_chunk_malloc_max(png, PNG_CHUNK_MALLOC_MAX);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, PNG_IGNORED_CHUNKS,
                                (int)(sizeof(PNG_IGNORED_CHUNKS) / 5));
}

/* Asks libpng for 8-bit grey, or grey and alpha. */
static void png_setup_transforms(png_structp png, png_infop info, int colour, int depth)
{
    if (colour == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (colour == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if (depth == 16)
        png_set_scale_16(png);
    if (colour & PNG_COLOR_MASK_COLOR)
        png_set_rgb_to_gray_fixed(png, PNG_ERROR_ACTION_NONE, -1, -1);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);
}

/* Transparent pixels show the white paper behind them. */
static void composite_on_white(const uint8_t *grey_alpha, uint8_t *grey, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned g = grey_alpha[2 * i], a = grey_alpha[2 * i + 1];
        grey[i] = (uint8_t)((g * a + 255u * (255u - a) + 127u) / 255u);
    }
}

static cs_err png_decode(png_reader *r, cs_image *out)
{
    png_uint_32 width, height;
    int depth, colour, interlace;
    size_t channels, row_bytes;
    uint8_t *target;
    cs_err err;

    if ((err = png_check_header(r)) != CS_OK || (err = png_check_chunks(r)) != CS_OK)
        return err;
    r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, r, png_on_error, png_on_warning);
    if (r->png == NULL || (r->info = png_create_info_struct(r->png)) == NULL)
        return CS_ERR_NO_MEMORY;
    if (setjmp(png_jmpbuf(r->png)))
        return CS_ERR_IMAGE; /* r->detail holds libpng's message */
    png_set_read_fn(r->png, r, png_read_memory);
    png_setup_limits(r->png);
    png_read_info(r->png, r->info);
    png_get_IHDR(r->png, r->info, &width, &height, &depth, &colour, &interlace, NULL, NULL);
    if ((err = check_dimensions("PNG", width, height, r->detail, r->detail_size)) != CS_OK)
        return err;
    /* A file too short to hold the pixels even at deflate's best ratio is
     * truncated: say so without allocating for them. */
    if ((uint64_t)height * (png_get_rowbytes(r->png, r->info) + 1) >
        (uint64_t)r->len * DEFLATE_MAX_RATIO) {
        cs_detail_set(r->detail, r->detail_size,
                      "PNG: file is truncated (%zu bytes cannot hold %ux%u pixels)", r->len,
                      (unsigned)width, (unsigned)height);
        return CS_ERR_IMAGE;
    }
    png_setup_transforms(r->png, r->info, colour, depth);
    channels = png_get_channels(r->png, r->info);
    row_bytes = png_get_rowbytes(r->png, r->info);
    if ((channels != 1 && channels != 2) || row_bytes != (size_t)width * channels) {
        cs_detail_set(r->detail, r->detail_size, "PNG: unexpected pixel layout after conversion");
        return CS_ERR_IMAGE;
    }
    r->pixels = malloc((size_t)width * height);
    r->rows = malloc((size_t)height * sizeof(*r->rows));
    if (channels == 2)
        r->work = malloc((size_t)width * height * 2);
    if (r->pixels == NULL || r->rows == NULL || (channels == 2 && r->work == NULL))
        return CS_ERR_NO_MEMORY;
    target = channels == 2 ? r->work : r->pixels;
    for (png_uint_32 y = 0; y < height; y++)
        r->rows[y] = target + (size_t)y * row_bytes;
    png_read_image(r->png, r->rows);
    png_read_end(r->png, NULL);
    if (channels == 2)
        composite_on_white(r->work, r->pixels, (size_t)width * height);
    out->width = width;
    out->height = height;
    out->pixels = r->pixels;
    r->pixels = NULL;
    return CS_OK;
}

static cs_err read_png(const uint8_t *data, size_t len, cs_image *out, char *detail,
                       size_t detail_size)
{
    png_reader r = {.data = data, .len = len, .detail = detail, .detail_size = detail_size};
    cs_err err = png_decode(&r, out);

    if (r.png != NULL)
        png_destroy_read_struct(&r.png, &r.info, NULL);
    free(r.rows);
    free(r.work);
    free(r.pixels);
    return err;
}

/* ---- JPEG ------------------------------------------------------------------- */

typedef struct jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr errors;
    jmp_buf jump;
    bool created;
    cs_err failure;  /* what a longjmp returns */
    uint8_t *pixels; /* the grey result */
    uint8_t *row;    /* one CMYK scanline */
    char *detail;
    size_t detail_size;
} jpeg_reader;

static void jpeg_on_error(j_common_ptr cinfo)
{
    jpeg_reader *r = cinfo->client_data;
    char message[JMSG_LENGTH_MAX];

    switch (cinfo->err->msg_code) {
    case JERR_NO_BACKING_STORE: /* JPEG_MEMORY_MAX reached */
        r->failure = CS_ERR_IMAGE_DIMENSIONS;
        cs_detail_set(r->detail, r->detail_size,
                      "JPEG: a progressive image of %ux%u pixels needs more than %ld MiB to decode",
                      (unsigned)((j_decompress_ptr)cinfo)->image_width,
                      (unsigned)((j_decompress_ptr)cinfo)->image_height,
                      JPEG_MEMORY_MAX / (1024 * 1024));
        break;
    case JERR_OUT_OF_MEMORY:
        r->failure = CS_ERR_NO_MEMORY;
        break;
    default:
        cinfo->err->format_message(cinfo, message);
        cs_detail_set(r->detail, r->detail_size, "JPEG: %s", message);
    }
    longjmp(r->jump, 1);
}

/* libjpeg goes on after a warning with grey where data was missing; a
 * truncated or corrupt image is an error here.  Only warnings about
 * harmless oddities of real cameras' files are let through. */
static void jpeg_on_message(j_common_ptr cinfo, int level)
{
    if (level >= 0)
        return; /* trace messages */
    switch (cinfo->err->msg_code) {
    case JWRN_EXTRANEOUS_DATA:
    case JWRN_JFIF_MAJOR:
    case JWRN_ADOBE_XFORM:
    case JWRN_BOGUS_ICC:
        return;
    default:
        jpeg_on_error(cinfo);
    }
}

static void jpeg_on_output(j_common_ptr cinfo)
{
    (void)cinfo; /* the library prints nothing */
}

/*
 * Finds the first start-of-frame marker and checks the dimensions it
 * claims before libjpeg sees the file (libjpeg itself stops at 65500).
 * Anything odd is left to libjpeg to report.
 */
static cs_err jpeg_check_header(const uint8_t *data, size_t len, char *detail, size_t detail_size)
{
    size_t pos = 2; /* after SOI */

    while (pos + 4 <= len && data[pos] == 0xff) {
        uint8_t marker = data[pos + 1];
        size_t segment = (size_t)data[pos + 2] << 8 | data[pos + 3];
        if (marker == 0xff) {
            pos++; /* fill byte */
            continue;
        }
        if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
            marker != 0xcc) {
            if (pos + 9 > len)
                return CS_OK;
            return check_dimensions("JPEG", (uint32_t)data[pos + 7] << 8 | data[pos + 8],
                                    (uint32_t)data[pos + 5] << 8 | data[pos + 6], detail,
                                    detail_size);
        }
        if (marker == 0xda || segment < 2)
            return CS_OK;
        pos += 2 + segment;
    }
    return CS_OK;
}

/* Adobe's CMYK JPEGs store inverted values (255 = no ink); libjpeg's
 * YCCK conversion gives the same. */
static void cmyk_to_grey(const uint8_t *cmyk, uint8_t *grey, size_t n, bool inverted)
{
    for (size_t i = 0; i < n; i++) {
        unsigned c = cmyk[4 * i], m = cmyk[4 * i + 1], y = cmyk[4 * i + 2], k = cmyk[4 * i + 3];
        if (!inverted)
            c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
        grey[i] = luma(c * k / 255, m * k / 255, y * k / 255);
    }
}

static cs_err jpeg_choose_output(jpeg_reader *r, bool *cmyk)
{
    struct jpeg_decompress_struct *c = &r->cinfo;

    switch (c->jpeg_color_space) {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
        c->out_color_space = JCS_GRAYSCALE;
        *cmyk = false;
        return CS_OK;
    case JCS_CMYK:
    case JCS_YCCK:
        c->out_color_space = JCS_CMYK;
        *cmyk = true;
        return CS_OK;
    default:
        cs_detail_set(r->detail, r->detail_size, "JPEG: unsupported colour space (%d components)",
                      c->num_components);
        return CS_ERR_IMAGE;
    }
}

static cs_err jpeg_decode(jpeg_reader *r, const uint8_t *data, size_t len, cs_image *out)
{
    struct jpeg_decompress_struct *c = &r->cinfo;
    bool cmyk = false;
    cs_err err;

    c->err = jpeg_std_error(&r->errors);
    r->errors.error_exit = jpeg_on_error;
    r->errors.emit_message = jpeg_on_message;
    r->errors.output_message = jpeg_on_output;
    c->client_data = r; /* kept by jpeg_create_decompress() */
    r->failure = CS_ERR_IMAGE;
    if (setjmp(r->jump))
        return r->failure; /* r->detail says why */
    jpeg_create_decompress(c);
    r->created = true;
    c->mem->max_memory_to_use = JPEG_MEMORY_MAX;
    jpeg_mem_src(c, data, (unsigned long)len);
    if (jpeg_read_header(c, TRUE) != JPEG_HEADER_OK) {
        cs_detail_set(r->detail, r->detail_size, "JPEG: no image in the file");
        return CS_ERR_IMAGE;
    }
    if ((err = check_dimensions("JPEG", c->image_width, c->image_height, r->detail,
                                r->detail_size)) != CS_OK ||
        (err = jpeg_choose_output(r, &cmyk)) != CS_OK)
        return err;
    jpeg_start_decompress(c);
    if (c->output_width != c->image_width || c->output_height != c->image_height ||
        c->output_components != (cmyk ? 4 : 1)) {
        cs_detail_set(r->detail, r->detail_size, "JPEG: unexpected output layout");
        return CS_ERR_IMAGE;
    }
    r->pixels = malloc((size_t)c->output_width * c->output_height);
    if (cmyk)
        r->row = malloc((size_t)c->output_width * 4);
    if (r->pixels == NULL || (cmyk && r->row == NULL))
        return CS_ERR_NO_MEMORY;
    while (c->output_scanline < c->output_height) {
        size_t y = c->output_scanline;
        JSAMPROW row = cmyk ? r->row : r->pixels + y * c->output_width;
        if (jpeg_read_scanlines(c, &row, 1) != 1) {
            cs_detail_set(r->detail, r->detail_size, "JPEG: file is truncated");
            return CS_ERR_IMAGE;
        }
        if (cmyk)
            cmyk_to_grey(r->row, r->pixels + y * c->output_width, c->output_width,
                         c->saw_Adobe_marker);
    }
    (void)jpeg_finish_decompress(c);
    out->width = c->output_width;
    out->height = c->output_height;
    out->pixels = r->pixels;
    r->pixels = NULL;
    return CS_OK;
}

static cs_err read_jpeg(const uint8_t *data, size_t len, cs_image *out, char *detail,
                        size_t detail_size)
{
    jpeg_reader *r = calloc(1, sizeof(*r)); /* libjpeg's structs are large */
    cs_err err;

    if (r == NULL)
        return CS_ERR_NO_MEMORY;
    r->detail = detail;
    r->detail_size = detail_size;
    err = jpeg_check_header(data, len, detail, detail_size);
    if (err == CS_OK)
        err = jpeg_decode(r, data, len, out);
    if (r->created)
        jpeg_destroy_decompress(&r->cinfo);
    free(r->row);
    free(r->pixels);
    free(r);
    return err;
}

/* ---- public ----------------------------------------------------------------- */

cs_image_format cs_image_detect(const uint8_t *data, size_t len)
{
    if (data == NULL)
        return CS_IMAGE_FORMAT_UNKNOWN;
    if (len >= sizeof(PNG_SIGNATURE) && memcmp(data, PNG_SIGNATURE, sizeof(PNG_SIGNATURE)) == 0)
        return CS_IMAGE_FORMAT_PNG;
    if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
        return CS_IMAGE_FORMAT_JPEG;
    return CS_IMAGE_FORMAT_UNKNOWN;
}

const char *cs_image_format_name(cs_image_format format)
{
    switch (format) {
    case CS_IMAGE_FORMAT_PNG:
        return "PNG";
    case CS_IMAGE_FORMAT_JPEG:
        return "JPEG";
    default:
        return "unknown";
    }
}

cs_err cs_image_read(const uint8_t *data, size_t len, cs_image *out, char *detail,
                     size_t detail_size)
{
    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (out == NULL || (data == NULL && len > 0))
        return CS_ERR_ARGUMENT;
    cs_detail_set(detail, detail_size, "%s", "");
    switch (cs_image_detect(data, len)) {
    case CS_IMAGE_FORMAT_PNG:
        return read_png(data, len, out, detail, detail_size);
    case CS_IMAGE_FORMAT_JPEG:
        return read_jpeg(data, len, out, detail, detail_size);
    default:
        cs_detail_set(detail, detail_size, "starts with neither the PNG nor the JPEG signature");
        return CS_ERR_IMAGE_FORMAT;
    }
}

cs_err cs_image_read_file(const char *path, cs_image *out, char *detail, size_t detail_size)
{
    uint8_t *data = NULL;
    size_t len = 0;
    cs_err err;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (path == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    cs_detail_set(detail, detail_size, "%s", "");
    err = cs_file_read_all(path, CS_IMAGE_FILE_MAX, &data, &len);
    if (err == CS_ERR_TOO_LARGE)
        cs_detail_set(detail, detail_size, "file is larger than %u MiB",
                      CS_IMAGE_FILE_MAX / (1024 * 1024));
    if (err == CS_OK)
        err = cs_image_read(data, len, out, detail, detail_size);
    free(data);
    return err;
}

void cs_image_clear(cs_image *image)
{
    if (image == NULL)
        return;
    free(image->pixels);
    memset(image, 0, sizeof(*image));
}
