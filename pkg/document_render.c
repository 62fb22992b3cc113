/* SPDX-License-Identifier: ISC */
/* The certificate document drawn as PDF with cairo, its text shaped by
 * pango (harfbuzz, fontconfig) in Debian's Noto fonts, so that every script
 * a name or a scope is written in reads right, right to left too; the QR
 * code drawn as vector rectangles; then the token attached
 * (document_attach). */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "certseal/qr.h"
#include "document_internal.h"
#include "internal.h"

#define POINTS_PER_MM (72.0 / 25.4)
#define MARGIN (18.0 * POINTS_PER_MM)
#define QR_TARGET_MM 40.0 /* the code's side with its quiet zone, unless modules would be smaller */
#define TOKEN_POINTS 5.5  /* the token's small type */

/* Fontconfig picks, character by character, the first of these families
 * that has it: Noto for every script (DESIGN §8). */
#define FAMILIES_JP                                                                                \
    "Noto Sans, Noto Sans Arabic, Noto Sans Hebrew, Noto Sans Devanagari, Noto Sans Thai, "       \
    "Noto Sans CJK JP, Noto Sans CJK SC"
#define FAMILIES_SC                                                                                \
    "Noto Sans, Noto Sans Arabic, Noto Sans Hebrew, Noto Sans Devanagari, Noto Sans Thai, "       \
    "Noto Sans CJK SC, Noto Sans CJK JP"
#define FAMILY_MONO "Noto Sans Mono"

typedef struct page {
    cairo_t *cr;
    PangoContext *context; /* one for every layout of the document */
    const cs_document_template_t *t;
    const char *families;
    double width, height, y, bottom;
    bool fixed; /* drawing outside the flow (the footer): no page break */
    cs_err err;
    char *detail;
    size_t detail_size;
} page;

typedef struct text_style {
    double size;       /* points */
    bool bold, mono;
    PangoAlignment align;
    const cs_document_colour *colour;
} text_style;

static void set_colour(cairo_t *cr, const cs_document_colour *c)
{
    cairo_set_source_rgb(cr, c->red, c->green, c->blue);
}

/* A layout of text in style, width points wide; NULL (p->err set) when a
 * character has no font, named by what. */
static PangoLayout *make_layout(page *p, const char *text, const text_style *s, double width,
                                const char *what)
{
    PangoLayout *layout = pango_layout_new(p->context);
    PangoFontDescription *font = pango_font_description_new();

    pango_font_description_set_family(font, s->mono ? FAMILY_MONO : p->families);
    pango_font_description_set_weight(font, s->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(font, s->size * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, s->align);
    pango_layout_set_text(layout, text, -1);
    if (pango_layout_get_unknown_glyphs_count(layout) > 0) {
        p->err = cs_detail_fail(p->detail, p->detail_size, CS_ERR_DOCUMENT_FONT,
                                "%s has characters no installed font draws (install Debian's "
                                "Noto fonts: make deps)",
                                what);
        g_object_unref(layout);
        return NULL;
    }
    return layout;
}

/* Starts a new page when height points no longer fit on this one. */
static void need(page *p, double height)
{
    if (p->fixed || p->y + height <= p->bottom || p->y <= MARGIN + 1)
        return;
    cairo_show_page(p->cr);
    p->y = MARGIN;
}

/* Draws text at x, width points wide, at the current line, and moves down;
 * false when it cannot. */
static bool put_text(page *p, const char *text, const text_style *s, double x, double width,
                     double space_after, const char *what)
{
    PangoLayout *layout;
    int w, h;

    if (p->err != CS_OK || (layout = make_layout(p, text, s, width, what)) == NULL)
        return false;
    pango_layout_get_size(layout, &w, &h);
    need(p, (double)h / PANGO_SCALE);
    set_colour(p->cr, s->colour);
    cairo_move_to(p->cr, x, p->y);
    pango_cairo_show_layout(p->cr, layout);
    p->y += (double)h / PANGO_SCALE + space_after;
    g_object_unref(layout);
    return true;
}

/* The height of text in style and width, without drawing it. */
static double text_height(page *p, const char *text, const text_style *s, double width,
                          const char *what)
{
    PangoLayout *layout = make_layout(p, text, s, width, what);
    int w, h;

    if (layout == NULL)
        return 0;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    return (double)h / PANGO_SCALE;
}

/* An image scaled into a box of at most max_w x max_h points, its top
 * left at x, y; returns the height drawn. */
static double put_image(cairo_t *cr, cairo_surface_t *image, double x, double y, double max_w,
                        double max_h, bool right_align)
{
    double w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
    double scale = max_w / w < max_h / h ? max_w / w : max_h / h;

    if (right_align)
        x += max_w - w * scale;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, image, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    return h * scale;
}

/* ---- the parts of the page ----------------------------------------------------------- */

static void draw_header(page *p, const cs_document_source *src)
{
    const cs_document_template_t *t = p->t;
    double content = p->width - 2 * MARGIN, logo_h = 0;
    text_style name = {10, true, false, PANGO_ALIGN_RIGHT, &t->text};
    text_style id = {8, false, false, PANGO_ALIGN_RIGHT, &t->muted};

    set_colour(p->cr, &t->accent);
    cairo_rectangle(p->cr, 0, 0, p->width, 6);
    cairo_fill(p->cr);
    if (t->logo != NULL)
        logo_h = put_image(p->cr, t->logo, MARGIN, MARGIN * 0.8, content * 0.4, 48, false);
    p->y = MARGIN * 0.8;
    put_text(p, src->accreditation.name, &name, MARGIN + content * 0.45, content * 0.55, 1,
             "the certification body's name");
    put_text(p, src->certificate.issuer, &id, MARGIN + content * 0.45, content * 0.55, 0,
             "the certification body's identifier");
    if (p->y < MARGIN * 0.8 + logo_h)
        p->y = MARGIN * 0.8 + logo_h;
    p->y += 16;
}

/* "address (CC)" into a new string. */
static char *address_line(const cs_certificate *cert)
{
    const char *address = cert->organization_address != NULL ? cert->organization_address : "";
    char *line = malloc(strlen(address) + 8);

    if (line != NULL)
        sprintf(line, "%s%s(%s)", address, address[0] != '\0' ? " " : "",
                cert->organization_country != NULL ? cert->organization_country : "");
    return line;
}

static void draw_statement(page *p, const cs_document_source *src)
{
    const cs_document_template_t *t = p->t;
    const cs_certificate *cert = &src->certificate;
    double content = p->width - 2 * MARGIN;
    text_style title = {28, true, false, PANGO_ALIGN_CENTER, &t->accent};
    text_style body = {11, false, false, PANGO_ALIGN_CENTER, &t->text};
    text_style org = {20, true, false, PANGO_ALIGN_CENTER, &t->text};
    text_style muted = {10, false, false, PANGO_ALIGN_CENTER, &t->muted};
    text_style standard = {17, true, false, PANGO_ALIGN_CENTER, &t->accent};
    char *address = address_line(cert);

    if (address == NULL) {
        p->err = CS_ERR_NO_MEMORY;
        return;
    }
    put_text(p, t->wording.title, &title, MARGIN, content, 10, "the template's title");
    put_text(p, t->wording.intro, &body, MARGIN, content, 6, "the template's intro");
    put_text(p, cert->organization_name, &org, MARGIN, content, 4, "the organisation's name");
    put_text(p, address, &muted, MARGIN, content, 8, "the organisation's address");
    put_text(p, t->wording.conformity, &body, MARGIN, content, 6, "the template's conformity");
    /* An integrated certificate: every standard, each with its edition,
     * one per line. */
    for (size_t i = 0; i < cert->standard_count && p->err == CS_OK; i++)
        put_text(p, cert->standards[i], &standard, MARGIN, content,
                 i + 1 == cert->standard_count ? 12 : 2, "the standard");
    free(address);
}

static void draw_scope(page *p, const cs_document_source *src)
{
    const cs_document_template_t *t = p->t;
    const cs_certificate *cert = &src->certificate;
    double content = p->width - 2 * MARGIN;
    text_style heading = {10, true, false, PANGO_ALIGN_LEFT, &t->accent};
    text_style body = {10.5, false, false, PANGO_ALIGN_LEFT, &t->text};
    text_style site = {10, true, false, PANGO_ALIGN_LEFT, &t->text};
    text_style site_scope = {9.5, false, false, PANGO_ALIGN_LEFT, &t->text};

    put_text(p, t->wording.scope, &heading, MARGIN, content, 3, "the template's scope heading");
    put_text(p, cert->scope, &body, MARGIN, content, 8, "the scope");
    if (cert->site_count == 0)
        return;
    put_text(p, t->wording.sites, &heading, MARGIN, content, 3, "the template's sites heading");
    for (size_t i = 0; i < cert->site_count && p->err == CS_OK; i++) {
        const cs_site *s = &cert->sites[i];
        put_text(p, s->address != NULL ? s->address : "", &site, MARGIN + 8, content - 8, 1,
                 "a site's address");
        if (s->scope != NULL && s->scope[0] != '\0')
            put_text(p, s->scope, &site_scope, MARGIN + 8, content - 8, 0, "a site's scope");
        p->y += 6;
    }
    p->y += 6;
}

/* The signature's box beside the details, 0 without one. */
static double signature_width(const cs_document_template_t *t)
{
    return t->signature != NULL || t->wording.signatory[0] != '\0' ? 150 : 0;
}

/* One "label  value" row of the details. */
static void detail_row(page *p, const char *label, const char *value, const char *what)
{
    const cs_document_template_t *t = p->t;
    double content = p->width - 2 * MARGIN - signature_width(t), label_w = content * 0.36;
    text_style l = {9, false, false, PANGO_ALIGN_LEFT, &t->muted};
    text_style v = {10, false, false, PANGO_ALIGN_LEFT, &t->text};
    double h1 = text_height(p, label, &l, label_w - 6, "a label of the template");
    double h2 = text_height(p, value, &v, content - label_w, what);
    double y;

    if (p->err != CS_OK)
        return;
    need(p, h1 > h2 ? h1 : h2);
    y = p->y;
    put_text(p, label, &l, MARGIN, label_w - 6, 0, "a label of the template");
    p->y = y;
    put_text(p, value, &v, MARGIN + label_w, content - label_w, 0, what);
    p->y = y + (h1 > h2 ? h1 : h2) + 4;
}

/* The signature image and the signatory's name, at the right of the
 * details, which started at top; their foot is at the details' foot, or
 * below when the details are shorter. */
static void draw_signature(page *p, double top)
{
    const cs_document_template_t *t = p->t;
    double box = signature_width(t) - 10, x = p->width - MARGIN - box, image_h = 0, name_h = 0;
    text_style name = {8.5, false, false, PANGO_ALIGN_RIGHT, &t->text};

    if (box <= 0 || p->err != CS_OK)
        return;
    if (t->signature != NULL) {
        double w = cairo_image_surface_get_width(t->signature);
        double h = cairo_image_surface_get_height(t->signature);
        image_h = w / h > box / 45 ? h * box / w : 45;
    }
    if (t->wording.signatory[0] != '\0')
        name_h = text_height(p, t->wording.signatory, &name, box, "the template's signatory");
    double foot = p->y > top + image_h + name_h + 4 ? p->y : top + image_h + name_h + 4;
    double y = foot - image_h - name_h - 4;
    if (t->signature != NULL)
        put_image(p->cr, t->signature, x, y, box, image_h, true);
    p->y = y + image_h + 4;
    if (name_h > 0)
        put_text(p, t->wording.signatory, &name, x, box, 0, "the template's signatory");
    p->y = foot + 8;
}

static void draw_details(page *p, const cs_document_source *src)
{
    const cs_document_template_t *t = p->t;
    const cs_certificate *cert = &src->certificate;
    const cs_accreditation *ac = &src->accreditation;
    char day[CS_DATE_TEXT_SIZE], text[CS_TEXT_MAX * 2 + 64];

    set_colour(p->cr, &t->accent);
    cairo_rectangle(p->cr, MARGIN, p->y, p->width - 2 * MARGIN, 0.8);
    cairo_fill(p->cr);
    p->y += 8;
    double top = p->y;
    detail_row(p, t->wording.number, cert->number, "the certificate number");
    snprintf(text, sizeof(text), "%llu", (unsigned long long)cert->revision);
    detail_row(p, t->wording.revision, text, "the revision");
    cs_date_format(cert->original_grant, day);
    detail_row(p, t->wording.original_grant, day, "a date");
    cs_date_format(cert->issued_at, day);
    detail_row(p, t->wording.issued, day, "a date");
    /* exp is 00:00 UTC of the day after the last valid day (claims.h). */
    cs_date_format(cert->expires - CS_SECONDS_PER_DAY, day);
    detail_row(p, t->wording.expires, day, "a date");
    snprintf(text, sizeof(text), "%s (%s)", ac->name, ac->subject);
    detail_row(p, t->wording.certification_body, text, "the certification body");
    snprintf(text, sizeof(text), "%s, %s (%s)", ac->issuer, cert->accreditation_number,
             ac->country);
    detail_row(p, t->wording.accreditation, text, "the accreditation");
    if (cert->iaf_count > 0) {
        size_t n = 0;
        for (size_t i = 0; i < cert->iaf_count && n + 8 < sizeof(text); i++)
            n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%llu", i > 0 ? ", " : "",
                                  (unsigned long long)cert->iaf_codes[i]);
        detail_row(p, t->wording.iaf_codes, text, "the IAF sectors");
    }
    if (cert->predecessor.certification_body != NULL) {
        snprintf(text, sizeof(text), "%s, %s %s", cert->predecessor.certification_body,
                 t->wording.certificate, cert->predecessor.number);
        detail_row(p, t->wording.transferred, text, "the predecessor certificate");
    }
    if (cert->has_restored) {
        cs_date_format(cert->restored, day);
        detail_row(p, t->wording.restored, day, "a date");
    }
    draw_signature(p, top);
    p->y += 2;
}

static void draw_status(page *p, const cs_document_source *src)
{
    const cs_document_template_t *t = p->t;
    const cs_certificate *cert = &src->certificate;
    double content = p->width - 2 * MARGIN;
    text_style body = {8.5, false, false, PANGO_ALIGN_LEFT, &t->text};
    text_style mono = {8, false, true, PANGO_ALIGN_LEFT, &t->text};
    char line[CS_STATUS_URI_MAX + 64];

    put_text(p, t->wording.status, &body, MARGIN, content, 2, "the template's status wording");
    if (cert->status.present) {
        snprintf(line, sizeof(line), "%s  (index %llu)", cert->status.uri,
                 (unsigned long long)cert->status.index);
        put_text(p, line, &mono, MARGIN, content, 0, "the status list address");
    } else {
        put_text(p, t->wording.no_status, &body, MARGIN, content, 0,
                 "the template's no_status wording");
    }
    p->y += 10;
}

/* The token in lines of `columns` characters (the token has no line
 * breaks: cut it, so that no space at a line's end is lost to wrapping). */
static char *token_lines(const char *token, size_t columns)
{
    size_t len = strlen(token), lines = columns > 0 ? (len + columns - 1) / columns : 0;
    char *text = malloc(len + lines + 1), *w = text;

    if (text == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && i % columns == 0)
            *w++ = '\n';
        *w++ = token[i];
    }
    *w = '\0';
    return text;
}

/* The code as one path of dark modules (runs of a row merged), so that a
 * renderer fills it once, with no seams between modules. */
static void draw_qr(cairo_t *cr, const cs_qr_t *qr, double x, double y, double module)
{
    int width = cs_qr_width(qr);
    double side = (width + 2 * CS_QR_DEFAULT_MARGIN) * module;

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, side, side);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    x += CS_QR_DEFAULT_MARGIN * module;
    y += CS_QR_DEFAULT_MARGIN * module;
    for (int row = 0; row < width; row++) {
        for (int col = 0; col < width;) {
            if (!cs_qr_is_dark(qr, col, row)) {
                col++;
                continue;
            }
            int start = col;
            while (col < width && cs_qr_is_dark(qr, col, row))
                col++;
            cairo_rectangle(cr, x + start * module, y + row * module, (col - start) * module,
                            module);
        }
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_fill(cr);
}

/* The QR code at the left, the token's text beside it. */
static void draw_token(page *p, const cs_document_source *src, const cs_qr_t *qr)
{
    const cs_document_template_t *t = p->t;
    int modules = cs_qr_width(qr) + 2 * CS_QR_DEFAULT_MARGIN;
    double module = QR_TARGET_MM / modules;
    if (module < CS_DOCUMENT_MODULE_MIN_MM)
        module = CS_DOCUMENT_MODULE_MIN_MM;
    module *= POINTS_PER_MM;
    double side = modules * module, gap = 12;
    double text_x = MARGIN + side + gap, text_w = p->width - MARGIN - text_x;
    text_style caption = {7.5, true, false, PANGO_ALIGN_LEFT, &t->muted};
    text_style mono = {TOKEN_POINTS, false, true, PANGO_ALIGN_LEFT, &t->text};
    double char_w;
    char *lines = NULL;

    /* The width of one character of the monospaced small type. */
    PangoLayout *probe = make_layout(p, "0000000000", &mono, -1, "the token");
    if (probe == NULL)
        return;
    int w, h;
    pango_layout_get_size(probe, &w, &h);
    g_object_unref(probe);
    char_w = (double)w / PANGO_SCALE / 10;
    size_t columns = char_w > 0 ? (size_t)(text_w / char_w) : 80;
    if (columns < 8)
        columns = 8;
    if ((lines = token_lines(src->token, columns)) == NULL) {
        p->err = CS_ERR_NO_MEMORY;
        return;
    }
    double needed = text_height(p, t->wording.token, &caption, text_w, "the token caption") + 3 +
                    text_height(p, lines, &mono, text_w, "the token");
    if (needed < side)
        needed = side;
    need(p, needed);
    /* The block sits at the foot of the page when there is room. */
    if (p->bottom - needed > p->y)
        p->y = p->bottom - needed;
    draw_qr(p->cr, qr, MARGIN, p->y, module);
    put_text(p, t->wording.token, &caption, text_x, text_w, 3, "the token caption");
    put_text(p, lines, &mono, text_x, text_w, 0, "the token");
    free(lines);
}

static void draw_footer(page *p)
{
    const cs_document_template_t *t = p->t;
    text_style small = {7.5, false, false, PANGO_ALIGN_CENTER, &t->muted};

    if (t->wording.footer[0] == '\0')
        return;
    p->y = p->height - MARGIN - 4;
    p->fixed = true;
    put_text(p, t->wording.footer, &small, MARGIN, p->width - 2 * MARGIN, 0,
             "the template's footer");
}

/* ---- the document -------------------------------------------------------------------- */

typedef struct pdf_buffer {
    uint8_t *data;
    size_t len, capacity;
    bool failed;
} pdf_buffer;

static cairo_status_t write_pdf_bytes(void *closure, const unsigned char *data, unsigned int len)
{
    pdf_buffer *b = closure;

    if (b->failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (len > b->capacity - b->len) {
        size_t capacity = b->capacity > 0 ? b->capacity : 65536;
        while (len > capacity - b->len)
            capacity *= 2;
        uint8_t *grown = realloc(b->data, capacity);
        if (grown == NULL) {
            b->failed = true;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Chinese text reads best in the Simplified Chinese forms, the rest of
 * the Han characters in the Japanese ones. */
static const char *families_for(const cs_certificate *cert)
{
    static const char *const chinese[] = {"CN", "SG"};
    for (size_t i = 0; i < sizeof(chinese) / sizeof(chinese[0]); i++)
        if (cert->organization_country != NULL &&
            strcmp(cert->organization_country, chinese[i]) == 0)
            return FAMILIES_SC;
    return FAMILIES_JP;
}

static void set_metadata(cairo_surface_t *surface, const cs_document_source *src)
{
    char title[CS_TEXT_MAX + 64], day[CS_DATE_TEXT_SIZE], date[32];

    snprintf(title, sizeof(title), "Certificate %s: %s", src->certificate.number,
             src->certificate.organization_name);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, src->accreditation.name);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "certseal");
    /* The issue date, so that the same certificate gives the same file. */
    cs_date_format(src->certificate.issued_at, day);
    snprintf(date, sizeof(date), "%sT00:00:00Z", day);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* Draws the pages into *pdf (cairo's PDF, before the attachment). */
static cs_err draw_pdf(const cs_document_source *src, const cs_document_template_t *t,
                       cs_document_paper paper, const cs_qr_t *qr, pdf_buffer *pdf, char *detail,
                       size_t detail_size)
{
    page p = {.t = t, .detail = detail, .detail_size = detail_size, .err = CS_OK};
    cairo_surface_t *surface;

    p.width = paper == CS_DOCUMENT_PAPER_LETTER ? 612 : 210 * POINTS_PER_MM;
    p.height = paper == CS_DOCUMENT_PAPER_LETTER ? 792 : 297 * POINTS_PER_MM;
    p.bottom = p.height - MARGIN - (t->wording.footer[0] != '\0' ? 14 : 0);
    p.families = families_for(&src->certificate);
    surface = cairo_pdf_surface_create_for_stream(write_pdf_bytes, pdf, p.width, p.height);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_RENDER, "cairo: %s",
                              cairo_status_to_string(cairo_surface_status(surface)));
    }
    set_metadata(surface, src);
    p.cr = cairo_create(surface);
    p.context = pango_cairo_create_context(p.cr);
    draw_header(&p, src);
    draw_statement(&p, src);
    draw_scope(&p, src);
    draw_details(&p, src);
    draw_status(&p, src);
    draw_token(&p, src, qr);
    draw_footer(&p);
    cairo_show_page(p.cr);
    cairo_status_t status = cairo_status(p.cr);
    g_object_unref(p.context);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (p.err != CS_OK)
        return p.err;
    if (pdf->failed)
        return CS_ERR_NO_MEMORY;
    if (status != CAIRO_STATUS_SUCCESS)
        return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_RENDER, "cairo: %s",
                              cairo_status_to_string(status));
    return CS_OK;
}

cs_err cs_document_draw(const cs_document_source *source, const cs_document_template_t *tmpl,
                        cs_document_paper paper, uint8_t **out, size_t *out_len, char *detail,
                        size_t detail_size)
{
    cs_document_template_t *fallback = NULL;
    cs_qr_t *qr = NULL;
    pdf_buffer pdf = {0};
    cs_err err;

    cs_detail_set(detail, detail_size, "%s", "");
    if (source == NULL || source->token == NULL || source->certificate.number == NULL ||
        source->accreditation.name == NULL || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if (tmpl == NULL) {
        if ((err = cs_document_template_default(&fallback)) != CS_OK)
            return err;
        tmpl = fallback;
    }
    if (paper == CS_DOCUMENT_PAPER_DEFAULT)
        paper = tmpl->paper;
    if ((err = cs_qr_encode(source->token, CS_QR_DEFAULT_ECC, &qr)) != CS_OK) {
        cs_detail_fail(detail, detail_size, err, "the token does not fit a QR code: %s",
                       cs_strerror(err));
        goto fail;
    }
    if ((err = draw_pdf(source, tmpl, paper, qr, &pdf, detail, detail_size)) != CS_OK)
        goto fail;
    *out = pdf.data;
    *out_len = pdf.len;
    pdf.data = NULL;
fail:
    free(pdf.data);
    cs_qr_free(&qr);
    cs_document_template_free(&fallback);
    return err;
}

cs_err cs_document_pdf(const cs_document_source *source, const cs_document_template_t *tmpl,
                       cs_document_paper paper, uint8_t **out, size_t *out_len, char *detail,
                       size_t detail_size)
{
    uint8_t *pdf = NULL;
    size_t pdf_len = 0;
    char *attachment = NULL;
    cs_err err;

    if (out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if ((err = cs_document_draw(source, tmpl, paper, &pdf, &pdf_len, detail, detail_size)) !=
        CS_OK)
        return err;
    /* The attachment is a text file: the token and a line feed, as
     * `certseal issue --out` writes it. */
    size_t token_len = strlen(source->token);
    if ((attachment = malloc(token_len + 1)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    memcpy(attachment, source->token, token_len);
    attachment[token_len] = '\n';
    err = cs_document_attach(pdf, pdf_len, CS_DOCUMENT_ATTACHMENT_NAME,
                             (const uint8_t *)attachment, token_len + 1,
                             "certseal certificate token", out, out_len, detail, detail_size);
fail:
    free(attachment);
    free(pdf);
    return err;
}
