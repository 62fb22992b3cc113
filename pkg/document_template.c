/* SPDX-License-Identifier: ISC */
/* A certification body's document template (docs/document.md): JSON read
 * strictly (unknown members refused, so that a misspelt key is not
 * silently ignored), its images read and checked once. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/file.h"
#include "certseal/text.h"
#include "document_internal.h"
#include "internal.h"

static const cs_document_colour DEFAULT_ACCENT = {0x1f / 255.0, 0x3a / 255.0, 0x5f / 255.0};
static const cs_document_colour DEFAULT_TEXT = {0.1, 0.1, 0.1};
static const cs_document_colour DEFAULT_MUTED = {0.35, 0.35, 0.35};

void cs_document_template_free(cs_document_template_t **tmpl)
{
    cs_document_template_t *t;

    if (tmpl == NULL || (t = *tmpl) == NULL)
        return;
#define FREE_WORDING_(field, member, text) free(t->wording.field);
    CS_DOCUMENT_WORDING_LIST(FREE_WORDING_)
#undef FREE_WORDING_
    if (t->logo != NULL)
        cairo_surface_destroy(t->logo);
    if (t->signature != NULL)
        cairo_surface_destroy(t->signature);
    free(t);
    *tmpl = NULL;
}

cs_err cs_document_template_default(cs_document_template_t **out)
{
    cs_document_template_t *t;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((t = calloc(1, sizeof(*t))) == NULL)
        return CS_ERR_NO_MEMORY;
    t->paper = CS_DOCUMENT_PAPER_A4;
    t->accent = DEFAULT_ACCENT;
    t->text = DEFAULT_TEXT;
    t->muted = DEFAULT_MUTED;
#define DEFAULT_WORDING_(field, member, text)                                                      \
    if ((t->wording.field = strdup(text)) == NULL) {                                               \
        cs_document_template_free(&t);                                                             \
        return CS_ERR_NO_MEMORY;                                                                   \
    }
    CS_DOCUMENT_WORDING_LIST(DEFAULT_WORDING_)
#undef DEFAULT_WORDING_
    *out = t;
    return CS_OK;
}

cs_document_paper cs_document_template_paper(const cs_document_template_t *tmpl)
{
    return tmpl != NULL ? tmpl->paper : CS_DOCUMENT_PAPER_A4;
}

/* "#RRGGBB" into *out. */
static bool parse_colour(const char *text, cs_document_colour *out)
{
    unsigned value = 0;

    if (strlen(text) != 7 || text[0] != '#')
        return false;
    for (int i = 1; i < 7; i++) {
        char c = text[i];
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
        if (digit < 0)
            return false;
        value = value << 4 | (unsigned)digit;
    }
    out->red = (value >> 16 & 0xff) / 255.0;
    out->green = (value >> 8 & 0xff) / 255.0;
    out->blue = (value & 0xff) / 255.0;
    return true;
}

typedef struct png_reader {
    const uint8_t *data;
    size_t len, at;
} png_reader;

static cairo_status_t read_png_bytes(void *closure, unsigned char *data, unsigned int length)
{
    png_reader *r = closure;

    if (length > r->len - r->at)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->data + r->at, length);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
}

/* The PNG file `name` (relative to base_dir) as a cairo image. */
static cs_err load_image(const char *member, const char *name, const char *base_dir,
                         cairo_surface_t **out, char *detail, size_t detail_size)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    char *path = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    cairo_surface_t *image = NULL;
    cs_err err = CS_ERR_DOCUMENT_TEMPLATE;

    if (name[0] == '\0') {
        cs_detail_set(detail, detail_size, "\"%s\" is empty (give a PNG file, or leave it out)",
                      member);
        goto fail;
    }
    if (name[0] == '/' || base_dir == NULL || base_dir[0] == '\0') {
        path = strdup(name);
    } else if ((path = malloc(strlen(base_dir) + strlen(name) + 2)) != NULL) {
        sprintf(path, "%s/%s", base_dir, name);
    }
    if (path == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    cs_err read = cs_file_read_all(path, CS_DOCUMENT_IMAGE_MAX, &data, &len);
    if (read == CS_ERR_NO_MEMORY) {
        err = read;
        goto fail;
    }
    if (read != CS_OK) {
        cs_detail_set(detail, detail_size, "\"%s\": %s: %s (give a PNG file of at most %u bytes)",
                      member, name, cs_strerror(read), CS_DOCUMENT_IMAGE_MAX);
        goto fail;
    }
    if (len < sizeof(signature) || memcmp(data, signature, sizeof(signature)) != 0) {
        cs_detail_set(detail, detail_size, "\"%s\": %s is not a PNG image (give a PNG file)",
                      member, name);
        goto fail;
    }
    png_reader reader = {data, len, 0};
    image = cairo_image_surface_create_from_png_stream(read_png_bytes, &reader);
    if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
        cs_detail_set(detail, detail_size, "\"%s\": %s does not read as a PNG image (%s)", member,
                      name, cairo_status_to_string(cairo_surface_status(image)));
        goto fail;
    }
    int width = cairo_image_surface_get_width(image), height = cairo_image_surface_get_height(image);
    if (width < 1 || height < 1 || width > CS_DOCUMENT_IMAGE_PIXELS_MAX ||
        height > CS_DOCUMENT_IMAGE_PIXELS_MAX) {
        cs_detail_set(detail, detail_size,
                      "\"%s\": %s is %dx%d pixels (at most %d a side: scale it down)", member, name,
                      width, height, CS_DOCUMENT_IMAGE_PIXELS_MAX);
        goto fail;
    }
    *out = image;
    image = NULL;
    err = CS_OK;
fail:
    if (image != NULL)
        cairo_surface_destroy(image);
    free(data);
    free(path);
    return err;
}

/* A text member: a string of printable text (line feeds allowed). */
static cs_err take_text(const char *member, json_t *value, char **field, char *detail,
                        size_t detail_size)
{
    char problem[CS_DETAIL_SIZE];
    char *copy;

    if (!json_is_string(value))
        return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                              "\"%s\" is not a string (give a text in quotes)", member);
    if (json_string_length(value) > CS_TEXT_MAX ||
        strlen(json_string_value(value)) != json_string_length(value))
        return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                              "\"%s\" is longer than %d bytes or holds a NUL (shorten it)", member,
                              CS_TEXT_MAX);
    if (json_string_length(value) > 0 &&
        cs_claim_check_text(json_string_value(value), CS_TEXT_MULTILINE, problem,
                            sizeof(problem)) != CS_OK)
        return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE, "\"%s\": %s", member,
                              problem);
    if ((copy = strdup(json_string_value(value))) == NULL)
        return CS_ERR_NO_MEMORY;
    free(*field);
    *field = copy;
    return CS_OK;
}

static cs_err parse_wording(cs_document_template_t *t, json_t *wording, char *detail,
                            size_t detail_size)
{
    const char *key;
    json_t *value;
    char member[96];
    cs_err err;

    if (!json_is_object(wording))
        return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                              "\"wording\" is not an object (give {\"title\": \"...\", ...})");
    json_object_foreach(wording, key, value)
    {
        char **field = NULL;
#define MATCH_WORDING_(f, name, text)                                                              \
    if (strcmp(key, name) == 0)                                                                    \
        field = &t->wording.f;
        CS_DOCUMENT_WORDING_LIST(MATCH_WORDING_)
#undef MATCH_WORDING_
        if (field == NULL)
            return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                                  "\"wording\" has an unknown member \"%.40s\" (docs/document.md "
                                  "lists the texts a template can change)",
                                  key);
        snprintf(member, sizeof(member), "wording.%s", key);
        if ((err = take_text(member, value, field, detail, detail_size)) != CS_OK)
            return err;
    }
    return CS_OK;
}

static cs_err parse_colours(cs_document_template_t *t, json_t *colours, char *detail,
                            size_t detail_size)
{
    const char *key;
    json_t *value;

    if (!json_is_object(colours))
        return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                              "\"colours\" is not an object (give {\"accent\": \"#1F3A5F\"})");
    json_object_foreach(colours, key, value)
    {
        cs_document_colour *c = strcmp(key, "accent") == 0  ? &t->accent
                                : strcmp(key, "text") == 0  ? &t->text
                                : strcmp(key, "muted") == 0 ? &t->muted
                                                            : NULL;
        if (c == NULL)
            return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                                  "\"colours\" has an unknown member \"%.40s\" (accent, text or "
                                  "muted)",
                                  key);
        if (!json_is_string(value) || !parse_colour(json_string_value(value), c))
            return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                                  "\"colours.%s\" is not a colour \"#RRGGBB\" (e.g. \"#1F3A5F\")",
                                  key);
    }
    return CS_OK;
}

static cs_err parse_member(cs_document_template_t *t, const char *key, json_t *value,
                           const char *base_dir, char *detail, size_t detail_size)
{
    if (strcmp(key, "$comment") == 0)
        return CS_OK;
    if (strcmp(key, "paper") == 0) {
        if (!json_is_string(value) ||
            cs_document_paper_parse(json_string_value(value), &t->paper) != CS_OK)
            return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                                  "\"paper\" is not \"a4\" or \"letter\"");
        return CS_OK;
    }
    if (strcmp(key, "colours") == 0)
        return parse_colours(t, value, detail, detail_size);
    if (strcmp(key, "wording") == 0)
        return parse_wording(t, value, detail, detail_size);
    if (strcmp(key, "logo") == 0 || strcmp(key, "signature") == 0) {
        cairo_surface_t **image = key[0] == 'l' ? &t->logo : &t->signature;
        if (!json_is_string(value))
            return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                                  "\"%s\" is not a string (give the PNG file's name)", key);
        return load_image(key, json_string_value(value), base_dir, image, detail, detail_size);
    }
    return cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                          "unknown member \"%.40s\" (a template has paper, colours, logo, "
                          "signature and wording: docs/document.md)",
                          key);
}

cs_err cs_document_template_parse(const char *json, size_t len, const char *base_dir,
                                  cs_document_template_t **out, char *detail, size_t detail_size)
{
    cs_document_template_t *t = NULL;
    json_t *root = NULL;
    json_error_t error;
    const char *key;
    json_t *value;
    cs_err err;

    cs_detail_set(detail, detail_size, "%s", "");
    if (json == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &error)) == NULL)
        return cs_detail_fail(detail, detail_size, CS_ERR_JSON,
                              "line %d column %d: %.80s (fix the JSON)", error.line, error.column,
                              error.text);
    if (!json_is_object(root)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_DOCUMENT_TEMPLATE,
                             "not a JSON object (a template is {\"paper\": ..., \"wording\": ...})");
        goto fail;
    }
    if ((err = cs_document_template_default(&t)) != CS_OK)
        goto fail;
    json_object_foreach(root, key, value)
    {
        if ((err = parse_member(t, key, value, base_dir, detail, detail_size)) != CS_OK)
            goto fail;
    }
    *out = t;
    t = NULL;
fail:
    cs_document_template_free(&t);
    json_decref(root);
    return err;
}

cs_err cs_document_template_load(const char *path, cs_document_template_t **out, char *detail,
                                 size_t detail_size)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char *dir = NULL, *slash;
    cs_err err;

    cs_detail_set(detail, detail_size, "%s", "");
    if (path == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = cs_file_read_all(path, CS_DOCUMENT_TEMPLATE_MAX, &data, &len)) != CS_OK)
        return cs_detail_fail(detail, detail_size, err, "%s", cs_strerror(err));
    if ((dir = strdup(path)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if ((slash = strrchr(dir, '/')) != NULL)
        slash[slash == dir ? 1 : 0] = '\0';
    else
        dir[0] = '\0';
    err = cs_document_template_parse((const char *)data, len, dir, out, detail, detail_size);
fail:
    free(dir);
    free(data);
    return err;
}
