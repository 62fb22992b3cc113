/* SPDX-License-Identifier: ISC */
/*
 * The certseal codes in a PDF (certseal/pdf.h): the document's structure
 * through qpdf's C API (Apache-2.0), its attachments and images decoded
 * here with caps, its pages drawn by pdftoppm only when nothing else
 * holds a code (pdf_render.c).  DESIGN §4: attachment, then images, then
 * a rendered page.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qpdf/qpdf-c.h>

#include "certseal/pdf.h"
#include "certseal/text.h"
#include "certseal/token.h"
#include "internal.h"
#include "pdf_internal.h"

#define TREE_DEPTH_MAX 32                   /* page tree, name tree */
#define FORM_DEPTH_MAX 8                    /* form XObjects inside form XObjects */
#define SEEN_SLOTS 65536                    /* object ids remembered: > nodes + images */
#define XOBJECTS_MAX 256                    /* entries of one /XObject dictionary looked at */
#define RENDER_PAGES_MAX 100u               /* pages drawn */
#define PIXEL_BUDGET (256ull * 1024 * 1024) /* image pixels decoded in all */
#define SCAN_RETRY_SIDE 480u                /* small images are scanned again, enlarged */
#define DEFAULT_PAGE_POINTS 612.0

typedef struct pdf_page {
    qpdf_oh page;
    qpdf_oh resources;    /* own or inherited; 0 when none */
    double width, height; /* MediaBox, in points */
} pdf_page;

/* An image that held codes: the same object on another page gives them
 * again without being decoded twice. */
typedef struct image_hit {
    int id;
    size_t first, count;
} image_hit;

typedef struct pdf_walk {
    qpdf_data q;
    cs_scanner_t *scanner;
    cs_token_codec_t *codec;
    cs_scan_result *out;
    size_t out_cap;
    pdf_page *pages;
    size_t page_count;
    unsigned nodes, images, attachments;
    uint64_t stream_bytes, pixels;
    bool limited;
    char limit[CS_DETAIL_SIZE]; /* the first limit passed */
    int *seen;                  /* open addressing, 0 empty */
    image_hit *hits;
    size_t hit_count;
} pdf_walk;

bool cs_pdf_detect(const uint8_t *data, size_t len)
{
    size_t end = len < 1024 ? len : 1024;

    if (data == NULL)
        return false;
    for (size_t i = 0; i + 5 <= end; i++)
        if (memcmp(data + i, "%PDF-", 5) == 0)
            return true;
    return false;
}

/* Notes the first limit passed; the walk goes on with what is left. */
#define over_limit(w, ...)                                                                         \
    do {                                                                                           \
        if (!(w)->limited)                                                                         \
            cs_detail_set((w)->limit, sizeof((w)->limit), __VA_ARGS__);                            \
        (w)->limited = true;                                                                       \
    } while (0)

/* True the first time id (an indirect object) is seen; direct objects
 * (id 0) are always new. */
static bool first_sight(pdf_walk *w, int id)
{
    size_t slot;

    if (id <= 0)
        return true;
    slot = ((size_t)id * 2654435761u) % SEEN_SLOTS;
    for (size_t n = 0; n < SEEN_SLOTS; n++, slot = (slot + 1) % SEEN_SLOTS) {
        if (w->seen[slot] == id)
            return false;
        if (w->seen[slot] == 0) {
            w->seen[slot] = id;
            return true;
        }
    }
    return false; /* full: cannot happen under the node and image caps */
}

static bool count_node(pdf_walk *w)
{
    if (++w->nodes > CS_PDF_MAX_NODES) {
        over_limit(w, "it has more than %u tree nodes", CS_PDF_MAX_NODES);
        return false;
    }
    return true;
}

/* A stream's dictionary, or the object itself. */
static qpdf_oh dict_of(pdf_walk *w, qpdf_oh oh)
{
    return qpdf_oh_is_stream(w->q, oh) ? qpdf_oh_get_dict(w->q, oh) : oh;
}

static qpdf_oh key_of(pdf_walk *w, qpdf_oh oh, const char *key)
{
    qpdf_oh d = dict_of(w, oh);

    return qpdf_oh_is_dictionary(w->q, d) ? qpdf_oh_get_key(w->q, d, key) : qpdf_oh_new_null(w->q);
}

static long long int_of(pdf_walk *w, qpdf_oh oh, const char *key, long long otherwise)
{
    qpdf_oh v = key_of(w, oh, key);
    long long value = 0;

    return qpdf_oh_is_integer(w->q, v) && qpdf_oh_get_value_as_longlong(w->q, v, &value)
               ? value
               : otherwise;
}

/* ---- results ---- */

static cs_err add_code(pdf_walk *w, const char *text, size_t len, uint32_t page,
                       cs_scan_origin origin)
{
    cs_scan_symbol *s;

    for (size_t i = 0; i < w->out->count; i++)
        if (w->out->symbols[i].page == page && w->out->symbols[i].len == len &&
            memcmp(w->out->symbols[i].text, text, len) == 0)
            return CS_OK;
    if (w->out->count == w->out_cap) {
        size_t cap = w->out_cap == 0 ? 4 : w->out_cap * 2;
        if ((s = realloc(w->out->symbols, cap * sizeof(*s))) == NULL)
            return CS_ERR_NO_MEMORY;
        w->out->symbols = s;
        w->out_cap = cap;
    }
    s = &w->out->symbols[w->out->count];
    if ((s->text = malloc(len + 1)) == NULL)
        return CS_ERR_NO_MEMORY;
    if (len > 0)
        memcpy(s->text, text, len);
    s->text[len] = '\0';
    s->len = len;
    s->page = page;
    s->origin = origin;
    w->out->count++;
    return CS_OK;
}

/* ---- streams ---- */

/* The filter of a stream, with the /Predictor of its FlateDecode. */
static cs_pdf_filter filter_of(pdf_walk *w, qpdf_oh stream, unsigned *predictor)
{
    qpdf_oh f = key_of(w, stream, "/Filter"), parms = key_of(w, stream, "/DecodeParms");
    int n;

    *predictor = 1;
    if (qpdf_oh_is_null(w->q, f))
        return CS_PDF_FILTER_NONE;
    if (qpdf_oh_is_array(w->q, f)) {
        n = qpdf_oh_get_array_n_items(w->q, f);
        if (n == 0)
            return CS_PDF_FILTER_NONE;
        if (n == 2 &&
            qpdf_oh_is_name_and_equals(w->q, qpdf_oh_get_array_item(w->q, f, 0), "/FlateDecode") &&
            qpdf_oh_is_name_and_equals(w->q, qpdf_oh_get_array_item(w->q, f, 1), "/DCTDecode"))
            return CS_PDF_FILTER_FLATE_DCT;
        if (n != 1)
            return CS_PDF_FILTER_OTHER;
        f = qpdf_oh_get_array_item(w->q, f, 0);
        if (qpdf_oh_is_array(w->q, parms))
            parms = qpdf_oh_get_array_item(w->q, parms, 0);
    }
    if (qpdf_oh_is_name_and_equals(w->q, f, "/DCTDecode"))
        return CS_PDF_FILTER_DCT;
    if (!qpdf_oh_is_name_and_equals(w->q, f, "/FlateDecode"))
        return CS_PDF_FILTER_OTHER;
    if (qpdf_oh_is_dictionary(w->q, parms)) {
        long long p = int_of(w, parms, "/Predictor", 1);
        *predictor = p >= 1 && p <= 15 ? (unsigned)p : 99;
    }
    return CS_PDF_FILTER_FLATE;
}

/* The raw (still filtered) bytes of a stream, charged to the budget;
 * *data NULL when the stream is past max or the budget, or unreadable. */
static void raw_stream(pdf_walk *w, qpdf_oh stream, size_t max, unsigned char **data, size_t *len)
{
    long long declared = int_of(w, stream, "/Length", 0);
    QPDF_BOOL filtered = QPDF_FALSE;

    *data = NULL;
    *len = 0;
    if (declared < 0 || (unsigned long long)declared > max)
        return;
    if (w->stream_bytes + (uint64_t)declared > CS_PDF_STREAM_BUDGET) {
        over_limit(w, "it has more than %u bytes of streams to read", CS_PDF_STREAM_BUDGET);
        return;
    }
    /* QPDF_WARNINGS (a repaired file) still gives the data. */
    if ((qpdf_oh_get_stream_data(w->q, stream, qpdf_dl_none, &filtered, data, len) & QPDF_ERRORS) !=
            0 ||
        *data == NULL) {
        free(*data);
        *data = NULL;
        *len = 0;
        return;
    }
    w->stream_bytes += *len;
    if (*len > max || w->stream_bytes > CS_PDF_STREAM_BUDGET) {
        free(*data);
        *data = NULL;
        *len = 0;
    }
}

/* ---- step 1: attachments ---- */

/* Every line of the file that is a token in the offline or link form. */
static cs_err tokens_of_file(pdf_walk *w, const uint8_t *data, size_t len, uint32_t page)
{
    const uint8_t *line, *cose;
    size_t offset = 0, line_len, cose_len;
    cs_form form;
    cs_err err;

    while (cs_token_list_next(data, len, &offset, &line, &line_len)) {
        while (line_len > 0 && (line[0] == ' ' || line[0] == '\t'))
            line++, line_len--;
        while (line_len > 0 && (line[line_len - 1] == ' ' || line[line_len - 1] == '\t'))
            line_len--;
        form = CS_FORM_UNKNOWN;
        if (cs_token_unwrap(w->codec, line, line_len, &form, &cose, &cose_len) != CS_OK ||
            (form != CS_FORM_OFFLINE && form != CS_FORM_LINK))
            continue;
        if ((err = add_code(w, (const char *)line, line_len, page,
                            CS_SCAN_ORIGIN_PDF_ATTACHMENT)) != CS_OK)
            return err;
    }
    return CS_OK;
}

/* A file specification (ISO 32000-1 §7.11.3): its /EF /UF or /EF /F
 * stream, read when it is small enough to be a token file. */
static cs_err read_filespec(pdf_walk *w, qpdf_oh spec, uint32_t page)
{
    qpdf_oh ef = key_of(w, spec, "/EF"), stream;
    unsigned char *raw = NULL;
    uint8_t *text = NULL;
    size_t raw_len = 0, text_len = 0;
    unsigned predictor;
    cs_pdf_filter filter;
    cs_err err = CS_OK;

    if (!qpdf_oh_is_dictionary(w->q, ef))
        return CS_OK;
    stream = qpdf_oh_get_key(w->q, ef, "/UF");
    if (!qpdf_oh_is_stream(w->q, stream))
        stream = qpdf_oh_get_key(w->q, ef, "/F");
    if (!qpdf_oh_is_stream(w->q, stream) || !first_sight(w, qpdf_oh_get_object_id(w->q, stream)))
        return CS_OK;
    if (++w->attachments > CS_PDF_MAX_ATTACHMENTS) {
        over_limit(w, "it has more than %u embedded files", CS_PDF_MAX_ATTACHMENTS);
        return CS_OK;
    }
    filter = filter_of(w, stream, &predictor);
    if ((filter != CS_PDF_FILTER_NONE && filter != CS_PDF_FILTER_FLATE) || predictor != 1)
        return CS_OK;
    raw_stream(w, stream, CS_PDF_ATTACHMENT_MAX, &raw, &raw_len);
    if (raw == NULL)
        return CS_OK;
    if (filter == CS_PDF_FILTER_NONE)
        err = tokens_of_file(w, raw, raw_len, page);
    else if (cs_pdf_inflate(raw, raw_len, CS_PDF_ATTACHMENT_MAX + 1, &text, &text_len) == CS_OK &&
             text_len <= CS_PDF_ATTACHMENT_MAX)
        err = tokens_of_file(w, text, text_len, page);
    free(text);
    free(raw);
    return err;
}

/* An /AF array of file specifications. */
static cs_err read_af(pdf_walk *w, qpdf_oh af, uint32_t page)
{
    int n = qpdf_oh_is_array(w->q, af) ? qpdf_oh_get_array_n_items(w->q, af) : 0;
    cs_err err;

    for (int i = 0; i < n; i++) {
        if (!count_node(w))
            return CS_OK;
        if ((err = read_filespec(w, qpdf_oh_get_array_item(w->q, af, i), page)) != CS_OK)
            return err;
    }
    return CS_OK;
}

/* The EmbeddedFiles name tree (ISO 32000-1 §7.9.6): /Names pairs, /Kids. */
static cs_err read_name_tree(pdf_walk *w, qpdf_oh node, uint32_t page, int depth)
{
    qpdf_oh names, kids;
    int n;
    cs_err err;

    if (!qpdf_oh_is_dictionary(w->q, node) || !first_sight(w, qpdf_oh_get_object_id(w->q, node)))
        return CS_OK;
    if (depth > TREE_DEPTH_MAX || !count_node(w)) {
        over_limit(w, "its name tree is deeper than %d levels", TREE_DEPTH_MAX);
        return CS_OK;
    }
    names = qpdf_oh_get_key(w->q, node, "/Names");
    n = qpdf_oh_is_array(w->q, names) ? qpdf_oh_get_array_n_items(w->q, names) : 0;
    for (int i = 1; i < n; i += 2) {
        if (!count_node(w))
            return CS_OK;
        if ((err = read_filespec(w, qpdf_oh_get_array_item(w->q, names, i), page)) != CS_OK)
            return err;
    }
    kids = qpdf_oh_get_key(w->q, node, "/Kids");
    n = qpdf_oh_is_array(w->q, kids) ? qpdf_oh_get_array_n_items(w->q, kids) : 0;
    for (int i = 0; i < n; i++)
        if ((err = read_name_tree(w, qpdf_oh_get_array_item(w->q, kids, i), page, depth + 1)) !=
            CS_OK)
            return err;
    return CS_OK;
}

/* The page's /AF and its file attachment annotations. */
static cs_err read_page_attachments(pdf_walk *w, qpdf_oh page, uint32_t number)
{
    qpdf_oh annots = qpdf_oh_get_key(w->q, page, "/Annots"), annot;
    int n = qpdf_oh_is_array(w->q, annots) ? qpdf_oh_get_array_n_items(w->q, annots) : 0;
    cs_err err;

    if ((err = read_af(w, qpdf_oh_get_key(w->q, page, "/AF"), number)) != CS_OK)
        return err;
    for (int i = 0; i < n; i++) {
        if (!count_node(w))
            return CS_OK;
        annot = qpdf_oh_get_array_item(w->q, annots, i);
        if (qpdf_oh_is_dictionary(w->q, annot) &&
            qpdf_oh_is_name_and_equals(w->q, qpdf_oh_get_key(w->q, annot, "/Subtype"),
                                       "/FileAttachment") &&
            (err = read_filespec(w, qpdf_oh_get_key(w->q, annot, "/FS"), number)) != CS_OK)
            return err;
    }
    return CS_OK;
}

static cs_err read_attachments(pdf_walk *w)
{
    qpdf_oh root = qpdf_get_root(w->q), names;
    /* A one-page document's own attachments belong to its page. */
    uint32_t document_page = w->page_count == 1 ? 1 : 0;
    cs_err err;

    if ((err = read_af(w, qpdf_oh_get_key(w->q, root, "/AF"), document_page)) != CS_OK)
        return err;
    names = qpdf_oh_get_key(w->q, root, "/Names");
    if (qpdf_oh_is_dictionary(w->q, names) &&
        (err = read_name_tree(w, qpdf_oh_get_key(w->q, names, "/EmbeddedFiles"), document_page,
                              0)) != CS_OK)
        return err;
    for (size_t i = 0; i < w->page_count; i++)
        if ((err = read_page_attachments(w, w->pages[i].page, (uint32_t)(i + 1))) != CS_OK)
            return err;
    return CS_OK;
}

/* ---- the page tree ---- */

static bool media_box(pdf_walk *w, qpdf_oh node, double *width, double *height)
{
    qpdf_oh box = qpdf_oh_get_key(w->q, node, "/MediaBox");
    double v[4];

    if (!qpdf_oh_is_array(w->q, box) || qpdf_oh_get_array_n_items(w->q, box) != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (!qpdf_oh_get_value_as_number(w->q, qpdf_oh_get_array_item(w->q, box, i), &v[i]))
            return false;
    *width = v[2] > v[0] ? v[2] - v[0] : v[0] - v[2];
    *height = v[3] > v[1] ? v[3] - v[1] : v[1] - v[3];
    /* A box of more than 200 inches a side is a hostile one: capped. */
    *width = *width > 14400 ? 14400 : *width;
    *height = *height > 14400 ? 14400 : *height;
    return *width >= 1 && *height >= 1;
}

/* Collects the leaves of the page tree, with what they inherit
 * (ISO 32000-1 §7.7.3.4: /Resources, /MediaBox). */
static cs_err walk_pages(pdf_walk *w, qpdf_oh node, qpdf_oh resources, double width, double height,
                         int depth)
{
    qpdf_oh kids, own;
    pdf_page *p;
    int n;
    cs_err err;

    /* Every reference counts, also one to a node already seen. */
    if (++w->nodes > CS_PDF_MAX_NODES)
        return cs_detail_fail(w->limit, sizeof(w->limit), CS_ERR_PDF_LIMIT,
                              "its page tree has more than %u nodes", CS_PDF_MAX_NODES);
    if (depth > TREE_DEPTH_MAX)
        return cs_detail_fail(w->limit, sizeof(w->limit), CS_ERR_PDF_LIMIT,
                              "its page tree is deeper than %d levels", TREE_DEPTH_MAX);
    if (!qpdf_oh_is_dictionary(w->q, node) || !first_sight(w, qpdf_oh_get_object_id(w->q, node)))
        return CS_OK; /* a loop or a broken node: passed over */
    own = qpdf_oh_get_key(w->q, node, "/Resources");
    if (qpdf_oh_is_dictionary(w->q, own))
        resources = own;
    (void)media_box(w, node, &width, &height);
    kids = qpdf_oh_get_key(w->q, node, "/Kids");
    if (qpdf_oh_is_array(w->q, kids) &&
        !qpdf_oh_is_name_and_equals(w->q, qpdf_oh_get_key(w->q, node, "/Type"), "/Page")) {
        n = qpdf_oh_get_array_n_items(w->q, kids);
        for (int i = 0; i < n; i++)
            if ((err = walk_pages(w, qpdf_oh_get_array_item(w->q, kids, i), resources, width,
                                  height, depth + 1)) != CS_OK)
                return err;
        return CS_OK;
    }
    if (w->page_count == CS_PDF_MAX_PAGES)
        return cs_detail_fail(w->limit, sizeof(w->limit), CS_ERR_PDF_LIMIT,
                              "it has more than %u pages", CS_PDF_MAX_PAGES);
    p = &w->pages[w->page_count++];
    p->page = node;
    p->resources = resources;
    p->width = width;
    p->height = height;
    return CS_OK;
}

static cs_err read_pages(pdf_walk *w)
{
    qpdf_oh pages = qpdf_oh_get_key(w->q, qpdf_get_root(w->q), "/Pages");
    long long count = int_of(w, pages, "/Count", 0);

    /* The declared count is refused before the tree is walked. */
    if (count > (long long)CS_PDF_MAX_PAGES)
        return cs_detail_fail(w->limit, sizeof(w->limit), CS_ERR_PDF_LIMIT,
                              "it declares %lld pages (the limit is %u)", count, CS_PDF_MAX_PAGES);
    if ((w->pages = calloc(CS_PDF_MAX_PAGES, sizeof(*w->pages))) == NULL)
        return CS_ERR_NO_MEMORY;
    return walk_pages(w, pages, 0, DEFAULT_PAGE_POINTS, DEFAULT_PAGE_POINTS * 11 / 8.5, 0);
}

/* ---- step 2: images ---- */

/* Scans image; when it holds nothing and is small (a code drawn one pixel
 * a module, maybe with no quiet zone), again enlarged with a white margin. */
static cs_err scan_image(pdf_walk *w, const cs_image *image, cs_scan_result *found)
{
    cs_image big = {0};
    uint32_t side = image->width > image->height ? image->width : image->height, scale, margin;
    cs_err err = cs_scanner_scan(w->scanner, image, found);

    if (err != CS_ERR_NO_QR_CODE || side >= SCAN_RETRY_SIDE)
        return err;
    scale = (SCAN_RETRY_SIDE + side - 1) / side;
    scale = scale > 16 ? 16 : scale;
    margin = 8 * scale;
    big.width = image->width * scale + 2 * margin;
    big.height = image->height * scale + 2 * margin;
    if ((big.pixels = malloc((size_t)big.width * big.height)) == NULL)
        return CS_ERR_NO_MEMORY;
    memset(big.pixels, 255, (size_t)big.width * big.height);
    for (uint32_t y = 0; y < image->height * scale; y++)
        for (uint32_t x = 0; x < image->width * scale; x++)
            big.pixels[(size_t)(y + margin) * big.width + x + margin] =
                image->pixels[(size_t)(y / scale) * image->width + x / scale];
    err = cs_scanner_scan(w->scanner, &big, found);
    cs_image_clear(&big);
    return err;
}

/* The number of components of a colour space (name or array), with its
 * palette for /Indexed; 0 when it is not read here. */
static unsigned colour_space(pdf_walk *w, qpdf_oh cs, qpdf_oh resources, cs_pdf_image_info *info,
                             unsigned char **palette, int depth)
{
    qpdf_oh first, named;
    unsigned base;

    if (depth > 3)
        return 0;
    if (qpdf_oh_is_name(w->q, cs)) {
        const char *name = qpdf_oh_get_name(w->q, cs);
        if (strcmp(name, "/DeviceGray") == 0 || strcmp(name, "/CalGray") == 0 ||
            strcmp(name, "/G") == 0)
            return 1;
        if (strcmp(name, "/DeviceRGB") == 0 || strcmp(name, "/CalRGB") == 0 ||
            strcmp(name, "/RGB") == 0)
            return 3;
        if (strcmp(name, "/DeviceCMYK") == 0 || strcmp(name, "/CMYK") == 0)
            return 4;
        /* A name from the page's /ColorSpace resources. */
        named = key_of(w, resources, "/ColorSpace");
        if (!qpdf_oh_is_dictionary(w->q, named))
            return 0;
        return colour_space(w, qpdf_oh_get_key(w->q, named, name), resources, info, palette,
                            depth + 1);
    }
    if (!qpdf_oh_is_array(w->q, cs) || qpdf_oh_get_array_n_items(w->q, cs) < 1)
        return 0;
    first = qpdf_oh_get_array_item(w->q, cs, 0);
    if (qpdf_oh_is_name_and_equals(w->q, first, "/CalGray"))
        return 1;
    if (qpdf_oh_is_name_and_equals(w->q, first, "/CalRGB") ||
        qpdf_oh_is_name_and_equals(w->q, first, "/Lab"))
        return qpdf_oh_is_name_and_equals(w->q, first, "/Lab") ? 0 : 3;
    if (qpdf_oh_is_name_and_equals(w->q, first, "/ICCBased")) {
        long long n = int_of(w, qpdf_oh_get_array_item(w->q, cs, 1), "/N", 0);
        return n == 1 || n == 3 || n == 4 ? (unsigned)n : 0;
    }
    if ((qpdf_oh_is_name_and_equals(w->q, first, "/Indexed") ||
         qpdf_oh_is_name_and_equals(w->q, first, "/I")) &&
        qpdf_oh_get_array_n_items(w->q, cs) == 4 && info->palette_components == 0) {
        qpdf_oh lookup = qpdf_oh_get_array_item(w->q, cs, 3);
        base = colour_space(w, qpdf_oh_get_array_item(w->q, cs, 1), resources, info, palette,
                            depth + 1);
        if (base == 0)
            return 0;
        if (qpdf_oh_is_string(w->q, lookup)) {
            size_t len = 0;
            const char *bytes = qpdf_oh_get_binary_string_value(w->q, lookup, &len);
            if (bytes == NULL || (*palette = malloc(len + 1)) == NULL)
                return 0;
            memcpy(*palette, bytes, len);
            info->palette_len = len;
        } else if (qpdf_oh_is_stream(w->q, lookup)) {
            unsigned predictor;
            if (filter_of(w, lookup, &predictor) != CS_PDF_FILTER_NONE)
                return 0; /* a compressed palette: rare, left to the render */
            raw_stream(w, lookup, 256 * 4, palette, &info->palette_len);
            if (*palette == NULL)
                return 0;
        } else {
            return 0;
        }
        info->palette = *palette;
        info->palette_components = base;
        return 1;
    }
    return 0;
}

/* Fills info from an image XObject's dictionary; false when the image is
 * of a kind not read here. */
static bool image_info(pdf_walk *w, qpdf_oh image, qpdf_oh resources, cs_pdf_image_info *info,
                       unsigned char **palette)
{
    qpdf_oh mask = key_of(w, image, "/ImageMask"), decode = key_of(w, image, "/Decode");
    long long width = int_of(w, image, "/Width", 0), height = int_of(w, image, "/Height", 0);
    double d0 = 0, d1 = 1;

    memset(info, 0, sizeof(*info));
    if (width <= 0 || height <= 0 || width > UINT32_MAX || height > UINT32_MAX)
        return false;
    info->width = (uint32_t)width;
    info->height = (uint32_t)height;
    info->filter = filter_of(w, image, &info->predictor);
    if (qpdf_oh_is_bool(w->q, mask) && qpdf_oh_get_bool_value(w->q, mask)) {
        info->bits = 1;
        info->components = 1;
    } else {
        long long bits = int_of(w, image, "/BitsPerComponent", 8);
        info->bits = bits > 0 && bits <= 16 ? (unsigned)bits : 0;
        if (info->filter == CS_PDF_FILTER_DCT || info->filter == CS_PDF_FILTER_FLATE_DCT)
            return true; /* the JPEG says the rest */
        info->components =
            colour_space(w, key_of(w, image, "/ColorSpace"), resources, info, palette, 0);
        if (info->components == 0)
            return false;
    }
    if (qpdf_oh_is_array(w->q, decode) && qpdf_oh_get_array_n_items(w->q, decode) >= 2 &&
        info->components == 1 && info->palette_components == 0 &&
        qpdf_oh_get_value_as_number(w->q, qpdf_oh_get_array_item(w->q, decode, 0), &d0) &&
        qpdf_oh_get_value_as_number(w->q, qpdf_oh_get_array_item(w->q, decode, 1), &d1))
        info->invert = d0 > d1;
    return true;
}

/* Decodes and scans one image XObject found on page. */
static cs_err read_image(pdf_walk *w, qpdf_oh image, qpdf_oh resources, uint32_t page)
{
    int id = qpdf_oh_get_object_id(w->q, image);
    cs_pdf_image_info info;
    cs_image pixels = {0};
    cs_scan_result found = {0};
    unsigned char *raw = NULL, *palette = NULL;
    size_t raw_len = 0, before = w->out->count;
    cs_err err = CS_OK;

    if (!first_sight(w, id)) {
        /* Seen on an earlier page: its codes again, for this page. */
        for (size_t h = 0; h < w->hit_count; h++)
            if (w->hits[h].id == id)
                for (size_t i = 0; i < w->hits[h].count && err == CS_OK; i++) {
                    cs_scan_symbol *s = &w->out->symbols[w->hits[h].first + i];
                    err = add_code(w, s->text, s->len, page, CS_SCAN_ORIGIN_PDF_IMAGE);
                }
        return err;
    }
    if (++w->images > CS_PDF_MAX_IMAGES) {
        over_limit(w, "it has more than %u images", CS_PDF_MAX_IMAGES);
        return CS_OK;
    }
    if (!image_info(w, image, resources, &info, &palette))
        goto done; /* not read here: the rendered page may still show it */
    if (info.width > CS_IMAGE_MAX_SIDE || info.height > CS_IMAGE_MAX_SIDE ||
        (uint64_t)info.width * info.height > CS_PDF_IMAGE_MAX_PIXELS) {
        over_limit(w,
                   "an image is larger than %u pixels a side or %u pixels (it claims %" PRIu32
                   " x %" PRIu32 ")",
                   CS_IMAGE_MAX_SIDE, CS_PDF_IMAGE_MAX_PIXELS, info.width, info.height);
        goto done;
    }
    if (w->pixels + (uint64_t)info.width * info.height > PIXEL_BUDGET) {
        over_limit(w, "its images hold more than %llu pixels in all", PIXEL_BUDGET);
        goto done;
    }
    w->pixels += (uint64_t)info.width * info.height;
    raw_stream(w, image, CS_PDF_IMAGE_MAX_BYTES, &raw, &raw_len);
    if (raw == NULL)
        goto done;
    err = cs_pdf_image_decode(&info, raw, raw_len, &pixels, NULL, 0);
    if (err == CS_ERR_IMAGE_DIMENSIONS)
        over_limit(w, "an image is larger than %u pixels", CS_PDF_IMAGE_MAX_PIXELS);
    if (err != CS_OK) {
        err = err == CS_ERR_NO_MEMORY ? err : CS_OK; /* a bad image is passed over */
        goto done;
    }
    err = scan_image(w, &pixels, &found);
    if (err == CS_ERR_NO_QR_CODE) {
        err = CS_OK;
        goto done;
    }
    for (size_t i = 0; i < found.count && err == CS_OK; i++)
        err = add_code(w, found.symbols[i].text, found.symbols[i].len, page,
                       CS_SCAN_ORIGIN_PDF_IMAGE);
    if (err == CS_OK && w->out->count > before && id > 0 && w->hit_count < CS_PDF_MAX_IMAGES) {
        w->hits[w->hit_count].id = id;
        w->hits[w->hit_count].first = before;
        w->hits[w->hit_count].count = w->out->count - before;
        w->hit_count++;
    }
done:
    cs_scan_result_clear(&found);
    cs_image_clear(&pixels);
    free(raw);
    free(palette);
    return err;
}

/* The images of a /Resources dictionary, and of its form XObjects. */
static cs_err read_xobjects(pdf_walk *w, qpdf_oh resources, uint32_t page, int depth)
{
    qpdf_oh xobjects = key_of(w, resources, "/XObject"), list[XOBJECTS_MAX];
    int n = 0;
    cs_err err;

    if (!qpdf_oh_is_dictionary(w->q, xobjects))
        return CS_OK;
    if (depth > FORM_DEPTH_MAX) {
        over_limit(w, "its forms nest deeper than %d levels", FORM_DEPTH_MAX);
        return CS_OK;
    }
    /* Keys first: qpdf has one key iterator, and forms nest. */
    qpdf_oh_begin_dict_key_iter(w->q, xobjects);
    while (qpdf_oh_dict_more_keys(w->q) && n < XOBJECTS_MAX)
        list[n++] = qpdf_oh_get_key(w->q, xobjects, qpdf_oh_dict_next_key(w->q));
    for (int i = 0; i < n; i++) {
        qpdf_oh subtype;
        if (!count_node(w))
            return CS_OK;
        if (!qpdf_oh_is_stream(w->q, list[i]))
            continue;
        subtype = key_of(w, list[i], "/Subtype");
        if (qpdf_oh_is_name_and_equals(w->q, subtype, "/Image")) {
            if ((err = read_image(w, list[i], resources, page)) != CS_OK)
                return err;
        } else if (qpdf_oh_is_name_and_equals(w->q, subtype, "/Form")) {
            qpdf_oh own = key_of(w, list[i], "/Resources");
            if ((err = read_xobjects(w, qpdf_oh_is_dictionary(w->q, own) ? own : resources, page,
                                     depth + 1)) != CS_OK)
                return err;
        }
    }
    return CS_OK;
}

static cs_err read_images(pdf_walk *w)
{
    cs_err err;

    if ((w->hits = calloc(CS_PDF_MAX_IMAGES, sizeof(*w->hits))) == NULL)
        return CS_ERR_NO_MEMORY;
    for (size_t i = 0; i < w->page_count; i++)
        if (w->pages[i].resources != 0 &&
            (err = read_xobjects(w, w->pages[i].resources, (uint32_t)(i + 1), 0)) != CS_OK)
            return err;
    return CS_OK;
}

/* ---- step 3: rendered pages ---- */

static long long clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The resolution for page: dpi, or lower so that the page stays within
 * CS_PDF_RENDER_MAX_PIXELS; 0 when even 36 dpi would not. */
static unsigned fit_dpi(const pdf_page *page, unsigned dpi)
{
    double inches = page->width / 72.0 * page->height / 72.0;

    while (dpi >= 36 && inches * dpi * dpi > CS_PDF_RENDER_MAX_PIXELS)
        dpi -= dpi > 100 ? 10 : 2;
    return dpi >= 36 ? dpi : 0;
}

static cs_err render_pages(pdf_walk *w, const uint8_t *data, size_t len,
                           const cs_pdf_options *options, char *detail, size_t detail_size)
{
    static const unsigned dpis[] = {CS_PDF_RENDER_DPI, CS_PDF_RENDER_DPI_FINE};
    const char *program = options->program != NULL ? options->program : CS_PDF_RENDER_PROGRAM;
    unsigned timeout = options->timeout_ms != 0 ? options->timeout_ms : CS_PDF_RENDER_TIMEOUT_MS;
    long long total =
        options->render_total_ms != 0 ? options->render_total_ms : CS_PDF_RENDER_TOTAL_MS;
    long long deadline = clock_ms() + total;
    char *dir = NULL, *path = NULL;
    cs_image image = {0};
    cs_scan_result found = {0};
    size_t drawn = 0;
    cs_err err, failure = CS_OK;

    if ((err = cs_pdf_render_file(data, len, &dir, &path)) != CS_OK)
        return cs_detail_fail(detail, detail_size, CS_ERR_PDF_RENDER,
                              "cannot write a temporary copy for pdftoppm (is TMPDIR writable?)");
    for (size_t p = 0; p < w->page_count && err == CS_OK; p++) {
        unsigned last = 0;
        if (p >= RENDER_PAGES_MAX || clock_ms() > deadline) {
            over_limit(w, "drawing its pages passed the limit of %u pages or %lld s",
                       RENDER_PAGES_MAX, total / 1000);
            break;
        }
        for (size_t d = 0; d < sizeof(dpis) / sizeof(dpis[0]); d++) {
            unsigned dpi = fit_dpi(&w->pages[p], dpis[d]);
            cs_err r;
            if (dpi == 0) {
                over_limit(w, "page %zu is too large to draw", p + 1);
                break;
            }
            if (dpi == last)
                break;
            last = dpi;
            r = cs_pdf_render_page(program, path, (unsigned)(p + 1), dpi, timeout,
                                   CS_PDF_RENDER_MAX_PIXELS, &image, detail, detail_size);
            if (r == CS_ERR_UNSUPPORTED) { /* no pdftoppm: no page will draw */
                failure = CS_ERR_PDF_RENDER;
                goto done;
            }
            if (r == CS_ERR_NO_MEMORY) {
                err = r;
                break;
            }
            if (r != CS_OK) {
                failure = CS_ERR_PDF_RENDER;
                break;
            }
            drawn++;
            r = cs_scanner_scan(w->scanner, &image, &found);
            cs_image_clear(&image);
            if (r == CS_ERR_NO_QR_CODE)
                continue;
            if (r != CS_OK) {
                err = r;
                break;
            }
            for (size_t i = 0; i < found.count && err == CS_OK; i++)
                err = add_code(w, found.symbols[i].text, found.symbols[i].len, (uint32_t)(p + 1),
                               CS_SCAN_ORIGIN_PDF_RENDER);
            cs_scan_result_clear(&found);
            break;
        }
    }
done:
    cs_scan_result_clear(&found);
    cs_image_clear(&image);
    cs_pdf_render_remove(&dir, &path);
    if (err == CS_OK && w->out->count == 0 && drawn == 0 && failure != CS_OK)
        return failure;
    return err;
}

/* ---- the document ---- */

/* qpdf's message, escaped (it may quote the file's bytes). */
static void qpdf_detail(qpdf_data q, char *detail, size_t detail_size)
{
    qpdf_error e = qpdf_get_error(q);
    const char *text = e != NULL ? qpdf_get_error_message_detail(q, e) : NULL;

    if (detail == NULL || detail_size == 0)
        return;
    if (text == NULL)
        text = "qpdf could not read it";
    (void)cs_text_escape(text, strlen(text), detail, detail_size);
}

static cs_err open_document(pdf_walk *w, const uint8_t *data, size_t len, bool *damaged,
                            char *detail, size_t detail_size)
{
    QPDF_ERROR_CODE rc;

    if ((w->q = qpdf_init()) == NULL)
        return CS_ERR_NO_MEMORY;
    qpdf_silence_errors(w->q);
    qpdf_set_suppress_warnings(w->q, QPDF_TRUE);
    qpdf_set_attempt_recovery(w->q, QPDF_TRUE);
    rc = qpdf_read_memory(w->q, "PDF", (const char *)data, (unsigned long long)len, NULL);
    if (rc & QPDF_ERRORS) {
        qpdf_error e = qpdf_get_error(w->q);
        if (e != NULL && qpdf_get_error_code(w->q, e) == qpdf_e_password) {
            cs_detail_set(detail, detail_size, "it needs a password to open");
            return CS_ERR_PDF_ENCRYPTED;
        }
        if (e != NULL && detail != NULL) {
            const char *text = qpdf_get_error_message_detail(w->q, e);
            (void)cs_text_escape(text, strlen(text), detail, detail_size);
        }
        return CS_ERR_PDF;
    }
    *damaged = (rc & QPDF_WARNINGS) != 0;
    return CS_OK;
}

cs_err cs_pdf_scan(const uint8_t *data, size_t len, const cs_pdf_options *options,
                   cs_scanner_t *scanner, cs_scan_result *out, bool *damaged, char *detail,
                   size_t detail_size)
{
    static const cs_pdf_options defaults = {0};
    pdf_walk w;
    bool was_damaged = false;
    cs_err err;

    memset(&w, 0, sizeof(w));
    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (damaged != NULL)
        *damaged = false;
    if (detail != NULL && detail_size > 0)
        detail[0] = '\0';
    if (data == NULL || out == NULL || scanner == NULL)
        return CS_ERR_ARGUMENT;
    if (options == NULL)
        options = &defaults;
    if (len > CS_PDF_FILE_MAX)
        return cs_detail_fail(detail, detail_size, CS_ERR_TOO_LARGE, "%zu bytes (the limit is %u)",
                              len, CS_PDF_FILE_MAX);
    if (!cs_pdf_detect(data, len))
        return cs_detail_fail(detail, detail_size, CS_ERR_PDF, "no %%PDF- header");
    w.scanner = scanner;
    w.out = out;
    if ((w.seen = calloc(SEEN_SLOTS, sizeof(*w.seen))) == NULL ||
        cs_token_codec_new(&w.codec) != CS_OK) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if ((err = open_document(&w, data, len, &was_damaged, detail, detail_size)) != CS_OK)
        goto fail;
    if ((err = read_pages(&w)) != CS_OK) {
        if (err == CS_ERR_PDF_LIMIT)
            cs_detail_set(detail, detail_size, "%s", w.limit);
        goto fail;
    }
    if (w.page_count == 0) {
        if (qpdf_has_error(w.q))
            qpdf_detail(w.q, detail, detail_size);
        else
            cs_detail_set(detail, detail_size, "it has no pages");
        err = CS_ERR_PDF;
        goto fail;
    }
    if ((err = read_attachments(&w)) != CS_OK)
        goto fail;
    if (out->count == 0 && (err = read_images(&w)) != CS_OK)
        goto fail;
    /* A document that passed a limit is not handed to pdftoppm: a bomb
     * image would cost it the whole timeout. */
    if (out->count == 0 && options->render && !w.limited &&
        (err = render_pages(&w, data, len, options, detail, detail_size)) != CS_OK)
        goto fail;
    if (qpdf_has_error(w.q)) {
        was_damaged = true;
        (void)qpdf_get_error(w.q);
    }
    if (out->count > 0)
        err = CS_OK;
    else if (w.limited)
        err = cs_detail_fail(detail, detail_size, CS_ERR_PDF_LIMIT, "%s", w.limit);
    else if (was_damaged)
        err = cs_detail_fail(detail, detail_size, CS_ERR_PDF,
                             "it is damaged, and what could be read holds no code");
    else
        err = CS_ERR_NO_QR_CODE;
fail:
    if (damaged != NULL)
        *damaged = was_damaged;
    if (err != CS_OK)
        cs_scan_result_clear(out);
    if (w.q != NULL)
        qpdf_cleanup(&w.q);
    cs_token_codec_free(&w.codec);
    free(w.seen);
    free(w.pages);
    free(w.hits);
    return err;
}
