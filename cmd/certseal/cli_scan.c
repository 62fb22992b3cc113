/* SPDX-License-Identifier: ISC */
/* Reading an image file's QR codes for `scan` and `verify --qr`. */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "cli_scan.h"

/* Says why the image did not read, and what to do about it. */
static void report_image_error(const char *name, cs_err err, int saved_errno, const char *detail)
{
    switch (err) {
    case CS_ERR_IO_OPEN:
        cli_error("%s: cannot open: %s", name, strerror(saved_errno));
        break;
    case CS_ERR_IO_READ:
        cli_error("%s: cannot read: %s", name,
                  saved_errno != 0 ? strerror(saved_errno) : "not a regular file");
        break;
    case CS_ERR_TOO_LARGE:
        cli_error("%s: image file too large: %s (scale it down or save it as JPEG)", name, detail);
        break;
    case CS_ERR_IMAGE_FORMAT:
        cli_error("%s: not a PNG or JPEG image (save the scan or photograph as PNG or JPEG)", name);
        break;
    case CS_ERR_IMAGE_DIMENSIONS:
        cli_error("%s: image too large: %s (scale it down)", name, detail);
        break;
    case CS_ERR_IMAGE:
        cli_error("%s: image is truncated or corrupt: %s (scan or photograph the certificate "
                  "again)",
                  name, detail);
        break;
    default:
        cli_error("%s: cannot read the image: %s", name, cs_strerror(err));
        break;
    }
}

int cli_scan_image(cs_scanner_t *scanner, const char *path, cs_scan_result *out)
{
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    cs_image image = {0};
    char detail[CS_DETAIL_SIZE] = "";
    int saved_errno;
    cs_err err;

    memset(out, 0, sizeof(*out));
    errno = 0;
    err = cs_image_read_file(path, &image, detail, sizeof(detail));
    saved_errno = errno;
    if (err != CS_OK) {
        report_image_error(name, err, saved_errno, detail);
        return CLI_EXIT_FAILURE;
    }
    err = cs_scanner_scan(scanner, &image, out);
    cs_image_clear(&image);
    if (err == CS_ERR_NO_QR_CODE) {
        cli_error("%s: no QR code found (photograph the code straight on, in focus and filling "
                  "a good part of the picture)",
                  name);
        return CLI_EXIT_NO_QR_CODE;
    }
    if (err != CS_OK) {
        cli_error("%s: cannot scan the image: %s", name, cs_strerror(err));
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}
