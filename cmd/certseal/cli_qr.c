/* SPDX-License-Identifier: ISC */
/* The QR options and QR file output shared by `qr` and `issue --qr`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_qr.h"

bool cli_qr_parse_ecc(const char *option, const char *value, void *field)
{
    if (cs_qr_ecc_parse(value, field) == CS_OK)
        return true;
    cli_usage_error("%s: '%s' is not an error correction level (L, M, Q or H)", option, value);
    return false;
}

static bool parse_bounded(const char *option, const char *value, unsigned min, unsigned max,
                          void *field)
{
    uint64_t n;
    if (!cli_parse_uint(option, value, max, &n))
        return false;
    if (n < min) {
        cli_usage_error("%s: give %u to %u", option, min, max);
        return false;
    }
    *(unsigned *)field = (unsigned)n;
    return true;
}

bool cli_qr_parse_scale(const char *option, const char *value, void *field)
{
    return parse_bounded(option, value, 1, CS_QR_SCALE_MAX, field);
}

bool cli_qr_parse_margin(const char *option, const char *value, void *field)
{
    return parse_bounded(option, value, 0, CS_QR_MARGIN_MAX, field);
}

/* True when path ends in ext (".png"), in either case, after a name. */
static bool has_extension(const char *path, const char *ext)
{
    size_t len = strlen(path), ext_len = strlen(ext);
    return len > ext_len && path[len - ext_len - 1] != '/' &&
           strcasecmp(path + len - ext_len, ext) == 0;
}

bool cli_parse_form(const char *option, const char *value, void *field)
{
    if (strcmp(value, "offline") == 0 || strcmp(value, "link") == 0) {
        *(cs_form *)field = value[0] == 'o' ? CS_FORM_OFFLINE : CS_FORM_LINK;
        return true;
    }
    cli_usage_error("%s: '%s' is not offline or link", option, value);
    return false;
}

/* True when path ends in .png or .svg; else reports it. */
static bool check_output(const char *path)
{
    if (has_extension(path, ".png") || has_extension(path, ".svg"))
        return true;
    cli_usage_error("%s: the QR image needs a name ending in .png or .svg", path);
    return false;
}

bool cli_qr_parse_output(const char *option, const char *value, void *field)
{
    (void)option;
    *(const char **)field = value;
    return check_output(value);
}

void cli_qr_report_too_large(const char *path, const char *token, cs_qr_ecc ecc)
{
    if (ecc != CS_QR_ECC_L)
        cli_error("%s: the token's %zu characters do not fit in any QR code at error correction "
                  "%c (try a lower level such as --ecc L, or shorten the record's scope and "
                  "sites)",
                  path, strlen(token), cs_qr_ecc_letter(ecc));
    else
        cli_error("%s: the token's %zu characters do not fit in any QR code, even at error "
                  "correction L (shorten the record's scope and sites)",
                  path, strlen(token));
}

#define SHORTEN_HINT                                                                               \
    "phones read such codes less reliably; shorten the scope and the sites' scopes (most of a "    \
    "token), put fewer sites on one certificate, or lower the error correction (--ecc L)"

void cli_qr_warn_large(const char *label, const char *token, cs_qr_ecc ecc)
{
    int version = 0, modules = 0;

    if (cs_qr_version(token, ecc, &version, &modules) != CS_OK || version <= CS_QR_VERSION_WARN)
        return;
    cli_error("warning: %s: the token needs QR version %d-%c (%d modules, %d mm wide at 0.4 mm a "
              "module), above %d: " SHORTEN_HINT,
              label, version, cs_qr_ecc_letter(ecc), modules,
              (modules + 2 * CS_QR_DEFAULT_MARGIN) * 2 / 5, CS_QR_VERSION_WARN);
}

void cli_qr_warn_large_batch(const char *label, size_t count, size_t total, size_t longest,
                             cs_qr_ecc ecc)
{
    if (count == 0)
        return;
    cli_error("warning: %s: %zu of %zu tokens need a QR version above %d-%c (the longest has %zu "
              "characters): " SHORTEN_HINT,
              label, count, total, CS_QR_VERSION_WARN, cs_qr_ecc_letter(ecc), longest);
}

/* The image of qr in the format path's extension names, in a new buffer. */
static cs_err render(const char *path, const cs_qr_t *qr, const cli_qr_options *options,
                     uint8_t **out, size_t *out_len)
{
    char *svg = NULL;
    cs_err err;

    if (has_extension(path, ".png"))
        return cs_qr_render_png(qr, &options->render, out, out_len);
    err = cs_qr_render_svg(qr, &options->render, &svg, out_len);
    *out = (uint8_t *)svg;
    return err;
}

bool cli_qr_make_file(const char *path, const char *token, const cli_qr_options *options,
                      unsigned flags, int *version_out, cli_qr_failure *failure)
{
    cs_qr_t *qr = NULL;
    uint8_t *image = NULL;
    size_t image_len = 0;
    cs_err err;

    *failure = (cli_qr_failure){.stage = CLI_QR_ENCODE};
    if ((err = cs_qr_encode(token, options->ecc, &qr)) == CS_OK) {
        failure->stage = CLI_QR_RENDER;
        err = render(path, qr, options, &image, &image_len);
    }
    if (err == CS_OK) {
        failure->stage = CLI_QR_WRITE;
        err = cs_file_write_atomic(path, image, image_len, 0644, flags);
        failure->saved_errno = errno;
    }
    if (err == CS_OK) {
        failure->stage = CLI_QR_DONE;
        if (version_out != NULL)
            *version_out = cs_qr_symbol_version(qr);
    }
    failure->err = err;
    free(image);
    cs_qr_free(&qr);
    return err == CS_OK;
}

void cli_qr_report_failure(const char *path, const char *token, const cli_qr_options *options,
                           unsigned flags, const cli_qr_failure *failure)
{
    switch (failure->stage) {
    case CLI_QR_DONE:
        break;
    case CLI_QR_ENCODE:
        if (failure->err == CS_ERR_TOO_LARGE)
            cli_qr_report_too_large(path, token, options->ecc);
        else
            cli_error("%s: cannot make the QR code: %s", path, cs_strerror(failure->err));
        break;
    case CLI_QR_RENDER:
        cli_error("%s: cannot draw the QR code: %s", path, cs_strerror(failure->err));
        break;
    case CLI_QR_WRITE:
        cli_report_write_error(path, failure->err, flags, failure->saved_errno);
        break;
    }
}

bool cli_qr_write_file(const char *path, const char *token, const cli_qr_options *options,
                       unsigned flags, int *version_out)
{
    cli_qr_failure failure;

    if (!check_output(path))
        return false;
    if (cli_qr_make_file(path, token, options, flags, version_out, &failure))
        return true;
    cli_qr_report_failure(path, token, options, flags, &failure);
    return false;
}
