/* SPDX-License-Identifier: ISC */
/* Reading an image file's QR codes for `scan` and `verify --qr`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
        cli_error("%s: not a PNG or JPEG image, nor a PDF (save the scan or photograph as PNG or "
                  "JPEG)",
                  name);
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

/* Says why the PDF gave no code, and what to do about it. */
static int report_pdf_error(const char *name, cs_err err, const char *detail)
{
    switch (err) {
    case CS_ERR_NO_QR_CODE:
        cli_error("%s: no certseal code in the PDF: no token attached, no QR code in its images or "
                  "on its pages (ask the sender for the certificate as issued)",
                  name);
        return CLI_EXIT_NO_QR_CODE;
    case CS_ERR_PDF_ENCRYPTED:
        cli_error("%s: the PDF is encrypted and needs a password (ask the sender for an "
                  "unprotected copy, or remove the password with qpdf --decrypt)",
                  name);
        break;
    case CS_ERR_PDF:
        cli_error("%s: the PDF is damaged or not a PDF: %s (ask the sender for the file again)",
                  name, detail);
        break;
    case CS_ERR_PDF_LIMIT:
        cli_error("%s: the PDF passes a reading limit: %s (split it into smaller PDFs, e.g. "
                  "qpdf --split-pages)",
                  name, detail);
        break;
    case CS_ERR_PDF_RENDER:
        cli_error("%s: no code in the PDF's attachments or images, and its pages could not be "
                  "drawn: %s",
                  name, detail);
        break;
    case CS_ERR_TOO_LARGE:
        cli_error("%s: PDF file too large: %s (split it into smaller PDFs)", name, detail);
        break;
    default:
        cli_error("%s: cannot read the PDF: %s", name, cs_strerror(err));
        break;
    }
    return CLI_EXIT_FAILURE;
}

/* The certseal codes of a PDF (certseal/pdf.h), pages drawn when needed. */
static int scan_pdf(cs_scanner_t *scanner, const char *name, const uint8_t *data, size_t len,
                    cs_scan_result *out)
{
    cs_pdf_options options = {.render = true};
    char detail[CS_DETAIL_SIZE] = "";
    bool damaged = false;
    cs_err err = cs_pdf_scan(data, len, &options, scanner, out, &damaged, detail, sizeof(detail));

    if (err != CS_OK)
        return report_pdf_error(name, err, detail);
    if (damaged)
        cli_error("%s: note: the PDF is damaged; its codes were read from what could be "
                  "repaired",
                  name);
    return CLI_EXIT_OK;
}

int cli_scan_image(cs_scanner_t *scanner, const char *path, cs_scan_result *out)
{
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    cs_image image = {0};
    char detail[CS_DETAIL_SIZE] = "";
    uint8_t *data = NULL;
    size_t len = 0;
    int saved_errno, status;
    cs_err err;

    memset(out, 0, sizeof(*out));
    errno = 0;
    err = cs_file_read_all(path, CS_IMAGE_FILE_MAX > CS_PDF_FILE_MAX ? CS_IMAGE_FILE_MAX
                                                                     : CS_PDF_FILE_MAX,
                           &data, &len);
    saved_errno = errno;
    if (err == CS_ERR_TOO_LARGE)
        snprintf(detail, sizeof(detail), "file is larger than %u MiB",
                 CS_IMAGE_FILE_MAX / (1024 * 1024));
    if (err == CS_OK && cs_pdf_detect(data, len)) {
        status = scan_pdf(scanner, name, data, len, out);
        free(data);
        return status;
    }
    if (err == CS_OK)
        err = cs_image_read(data, len, &image, detail, sizeof(detail));
    free(data);
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
