/* SPDX-License-Identifier: ISC */
/*
 * The front page's upload (http_upload.h): a file posted from a plain
 * HTML form as multipart/form-data (RFC 7578), parsed as it arrives by
 * libmicrohttpd's post processor, kept in memory up to CS_HTTP_UPLOAD_MAX,
 * then read as the command line reads a file: a PDF by cs_pdf_scan(), a
 * PNG or JPEG by cs_image_read() and cs_scanner_scan(), with the same
 * caps.  Each code found is verified by a verifier of the service's pool,
 * as the token's own link would be (fail closed), and all of them shown
 * on one page (cs_report_verify_html_found()).
 *
 * Bounded: CS_HTTP_UPLOADS_MAX uploads at once (from their head to their
 * log line: the buffer and the decoding), the request deadline while the
 * body arrives, and a PDF's pages drawn for at most UPLOAD_RENDER_TOTAL_MS.
 * The file's name and every decoded text reach the page only through the
 * escaping renderer, and the log never sees them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "certseal/image.h"
#include "certseal/pdf.h"
#include "certseal/report.h"
#include "certseal/scan.h"
#include "http_upload.h"

#define UPLOAD_FIELD "file"
#define UPLOAD_NAME_MAX 200              /* bytes of the file's name kept for the page */
#define UPLOAD_PARSER_BUFFER (16 * 1024) /* the post processor's buffer */
#define UPLOAD_BODY_SLACK (64 * 1024)    /* multipart framing around the file */
#define UPLOAD_RENDER_PAGE_MS 5000u      /* one pdftoppm run */
#define UPLOAD_RENDER_TOTAL_MS 10000u    /* every page of one upload */
#define UPLOAD_PLACE_SIZE 96

struct http_upload {
    struct MHD_PostProcessor *parser;
    uint8_t *data; /* the file's bytes */
    size_t len, cap;
    uint64_t received; /* raw body bytes */
    unsigned files;    /* parts named UPLOAD_FIELD begun */
    char name[UPLOAD_NAME_MAX + 1];
    const char *problem; /* static: why the body was refused */
    unsigned problem_status;
    bool slot; /* holds one of CS_HTTP_UPLOADS_MAX */
};

static const char TOO_LARGE[] = "The file is larger than 64 MiB. Upload a smaller photo or "
                                "scan of the certificate, or the PDF as the certification body "
                                "issued it.";

/* ---- receiving ---------------------------------------------------------------- */

static void refuse_body(struct http_upload *u, unsigned status, const char *problem)
{
    if (u->problem == NULL) {
        u->problem = problem;
        u->problem_status = status;
    }
}

/* Appends data to the file, doubling the buffer up to the cap. */
static bool keep(struct http_upload *u, const char *data, size_t size)
{
    size_t want = u->len + size, cap = u->cap != 0 ? u->cap : 64 * 1024;
    uint8_t *grown;

    if (want > CS_HTTP_UPLOAD_MAX) {
        refuse_body(u, MHD_HTTP_CONTENT_TOO_LARGE, TOO_LARGE);
        return false;
    }
    while (cap < want)
        cap = cap > CS_HTTP_UPLOAD_MAX / 2 ? CS_HTTP_UPLOAD_MAX : cap * 2;
    if (cap != u->cap) {
        if ((grown = realloc(u->data, cap)) == NULL) {
            refuse_body(u, MHD_HTTP_SERVICE_UNAVAILABLE,
                        "The service has no memory for this file now. Try again in a moment.");
            return false;
        }
        u->data = grown;
        u->cap = cap;
    }
    memcpy(u->data + u->len, data, size);
    u->len = want;
    return true;
}

/* The last component of a path, / or \\ separated. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\');

    if (backslash != NULL && (slash == NULL || backslash > slash))
        slash = backslash;
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

/* The post processor's iterator: the one file part is kept, other fields
 * are ignored, a second file is refused.  off is 0 for a part's first
 * piece. */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *filename, const char *content_type,
                                const char *transfer_encoding, const char *data, uint64_t off,
                                size_t size)
{
    struct http_upload *u = cls;

    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    if (key == NULL || strcmp(key, UPLOAD_FIELD) != 0)
        return MHD_YES;
    if (off == 0) {
        if (++u->files > 1) {
            refuse_body(u, MHD_HTTP_BAD_REQUEST, "Upload one file at a time.");
            return MHD_NO;
        }
        if (filename != NULL) /* some browsers send the whole path */
            snprintf(u->name, sizeof(u->name), "%s", base_name(filename));
    }
    return size == 0 || keep(u, data, size) ? MHD_YES : MHD_NO;
}

/* True when the request's Content-Type is multipart/form-data. */
static bool multipart(struct MHD_Connection *connection)
{
    static const char want[] = "multipart/form-data";
    const char *type =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);

    return type != NULL && strncasecmp(type, want, strlen(want)) == 0 &&
           (type[strlen(want)] == ';' || type[strlen(want)] == ' ' || type[strlen(want)] == '\0');
}

/* Refused before the body: the answer is queued, the body discarded. */
static int refuse_head(struct MHD_Connection *connection, http_request *request, unsigned status,
                       const char *title, const char *message)
{
    request->body_refused = true;
    return http_send_message_page(connection, request, status, title, message);
}

int http_upload_begin(http_upload_service *service, struct MHD_Connection *connection,
                      http_request *request)
{
    const char *length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    struct http_upload *u;

    if (!multipart(connection))
        return refuse_head(connection, request, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                           "Not a file upload",
                           "Send the certificate's file from the form on the front page "
                           "(multipart/form-data).");
    if (length != NULL && strtoull(length, NULL, 10) > CS_HTTP_UPLOAD_MAX + UPLOAD_BODY_SLACK)
        return refuse_head(connection, request, MHD_HTTP_CONTENT_TOO_LARGE, "File too large",
                           TOO_LARGE);
    if ((u = calloc(1, sizeof(*u))) == NULL)
        return MHD_NO;
    request->upload = u;
    if (atomic_fetch_add(service->active, 1) >= CS_HTTP_UPLOADS_MAX) {
        atomic_fetch_sub(service->active, 1);
        return refuse_head(connection, request, MHD_HTTP_SERVICE_UNAVAILABLE, "The service is busy",
                           "Other files are being checked. Try again in a moment.");
    }
    u->slot = true;
    if ((u->parser = MHD_create_post_processor(connection, UPLOAD_PARSER_BUFFER, on_field, u)) ==
        NULL)
        return refuse_head(connection, request, MHD_HTTP_BAD_REQUEST, "Not a file upload",
                           "The upload's form data has no usable boundary (multipart/form-data).");
    return MHD_YES;
}

int http_upload_body(http_request *request, const char *data, size_t size)
{
    struct http_upload *u = request->upload;

    if (request->body_refused || u == NULL || u->problem != NULL)
        return MHD_YES;
    u->received += size;
    if (u->received > CS_HTTP_UPLOAD_MAX + UPLOAD_BODY_SLACK)
        refuse_body(u, MHD_HTTP_CONTENT_TOO_LARGE, TOO_LARGE);
    else if (MHD_post_process(u->parser, data, size) != MHD_YES)
        refuse_body(u, MHD_HTTP_BAD_REQUEST,
                    "The upload's form data is malformed. Send the file again from the form on "
                    "the front page.");
    if (u->problem != NULL) {
        /* Refused while it arrives: the file is dropped now, and so is the
         * rest of the body as it comes (libmicrohttpd queues no answer
         * before the body's end; the request deadline bounds the wait). */
        free(u->data);
        u->data = NULL;
        u->len = u->cap = 0;
    }
    return MHD_YES;
}

/* ---- reading the file ----------------------------------------------------------- */

/* Why a file gave no code: the page's status, title and message. */
typedef struct upload_failure {
    unsigned status;
    const char *title, *message;
} upload_failure;

static upload_failure pdf_failure(cs_err err)
{
    switch (err) {
    case CS_ERR_NO_QR_CODE:
        return (upload_failure){MHD_HTTP_UNPROCESSABLE_CONTENT, "No certificate code found",
                                "The PDF has no certseal token attached and no QR code in its "
                                "images or on its pages. Ask the sender for the certificate as "
                                "the certification body issued it."};
    case CS_ERR_PDF_ENCRYPTED:
        return (upload_failure){MHD_HTTP_UNPROCESSABLE_CONTENT, "The PDF is protected",
                                "The PDF needs a password to open. Ask the sender for an "
                                "unprotected copy."};
    case CS_ERR_PDF_LIMIT:
    case CS_ERR_TOO_LARGE:
        return (upload_failure){MHD_HTTP_UNPROCESSABLE_CONTENT, "The PDF is too large to read",
                                "The PDF passes a reading limit (pages, images or drawing "
                                "time). Upload only the certificate's page."};
    case CS_ERR_PDF_RENDER:
        return (upload_failure){MHD_HTTP_UNPROCESSABLE_CONTENT, "No certificate code found",
                                "No code in the PDF's attachments or images, and its pages "
                                "could not be drawn. Upload a photo of the QR code instead."};
    case CS_ERR_NO_MEMORY:
        return (upload_failure){MHD_HTTP_SERVICE_UNAVAILABLE, "The service is busy",
                                "The service has no memory for this file now. Try again in a "
                                "moment."};
    default:
        return (upload_failure){MHD_HTTP_UNPROCESSABLE_CONTENT, "The PDF could not be read",
                                "The PDF is damaged. Ask the sender for the file again."};
    }
}

static upload_failure image_failure(cs_err err)
{
    switch (err) {
    case CS_ERR_NO_QR_CODE:
        return (upload_failure){MHD_HTTP_UNPROCESSABLE_CONTENT, "No certificate code found",
                                "No QR code was found in the picture. Photograph the code "
                                "straight on, in focus and filling a good part of the picture."};
    case CS_ERR_IMAGE_FORMAT:
        return (upload_failure){MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Not an image or a PDF",
                                "The file is not a PNG or JPEG image, nor a PDF. Save the scan "
                                "or photograph as PNG or JPEG."};
    case CS_ERR_IMAGE_DIMENSIONS:
        return (upload_failure){MHD_HTTP_UNPROCESSABLE_CONTENT, "The image is too large",
                                "The image has too many pixels to read. Scale it down."};
    case CS_ERR_NO_MEMORY:
        return pdf_failure(err);
    default:
        return (upload_failure){MHD_HTTP_UNPROCESSABLE_CONTENT, "The image could not be read",
                                "The image is truncated or corrupt. Photograph or scan the "
                                "certificate again."};
    }
}

/* Every code of the file into *found; on failure, why in *why. */
static cs_err scan_file(const struct http_upload *u, cs_scan_result *found, upload_failure *why)
{
    cs_pdf_options options = {.render = true,
                              .timeout_ms = UPLOAD_RENDER_PAGE_MS,
                              .render_total_ms = UPLOAD_RENDER_TOTAL_MS};
    cs_scanner_t *scanner = NULL;
    cs_image image = {0};
    cs_err err = cs_scanner_new(&scanner);

    if (err == CS_OK && cs_pdf_detect(u->data, u->len)) {
        if ((err = cs_pdf_scan(u->data, u->len, &options, scanner, found, NULL, NULL, 0)) != CS_OK)
            *why = pdf_failure(err);
    } else if (err == CS_OK) {
        if ((err = cs_image_read(u->data, u->len, &image, NULL, 0)) == CS_OK)
            err = cs_scanner_scan(scanner, &image, found);
        if (err != CS_OK)
            *why = image_failure(err);
    } else {
        *why = pdf_failure(CS_ERR_NO_MEMORY);
    }
    cs_image_clear(&image);
    cs_scanner_free(&scanner);
    return err;
}

/* Where a code was found, for the page: "the image", "page 2 (embedded
 * image)", "the document (attachment)". */
static void place_of(const cs_scan_symbol *symbol, char *out, size_t size)
{
    const char *how = cs_scan_origin_name(symbol->origin);

    if (symbol->origin == CS_SCAN_ORIGIN_IMAGE)
        snprintf(out, size, "the image");
    else if (symbol->page > 0)
        snprintf(out, size, "page %u (%s)", (unsigned)symbol->page, how);
    else
        snprintf(out, size, "the document (%s)", how);
}

/* The verdicts of every code, on one page, as the token's link gives
 * them; NULL html on failure (500). */
static cs_err verify_all(http_upload_service *service, const char *source,
                         const cs_scan_result *codes, http_request *request, char **html)
{
    cs_verify_result *results = calloc(codes->count, sizeof(*results));
    cs_report_found *found = calloc(codes->count, sizeof(*found));
    char(*places)[UPLOAD_PLACE_SIZE] = calloc(codes->count, sizeof(*places));
    http_verifier_slot *slot = NULL;
    size_t verified = 0;
    cs_err err = CS_ERR_NO_MEMORY;

    if (results == NULL || found == NULL || places == NULL ||
        (slot = http_verifier_acquire(service->verifiers)) == NULL)
        goto fail;
    for (err = CS_OK; verified < codes->count && err == CS_OK; verified++) {
        const cs_scan_symbol *s = &codes->symbols[verified];
        err = cs_verifier_verify(http_verifier_of(slot), (const uint8_t *)s->text, s->len,
                                 &results[verified]);
        place_of(s, places[verified], UPLOAD_PLACE_SIZE);
        found[verified] = (cs_report_found){&results[verified], places[verified]};
    }
    http_verifier_release(slot);
    if (err == CS_OK)
        err = cs_report_verify_html_found(source, found, codes->count, html);
    if (err == CS_OK && codes->count == 1) {
        snprintf(request->verdicts, sizeof(request->verdicts), "upload %s",
                 cs_verdict_name(results[0].verdict));
        request->hint = cs_report_operator_hint(results[0].verdict);
    } else if (err == CS_OK) {
        snprintf(request->verdicts, sizeof(request->verdicts), "upload %zu codes", codes->count);
    }
fail:
    for (size_t i = 0; results != NULL && i < verified; i++)
        cs_verify_result_clear(&results[i]);
    free(results);
    free(found);
    free(places);
    return err;
}

int http_upload_answer(http_upload_service *service, struct MHD_Connection *connection,
                       http_request *request)
{
    struct http_upload *u = request->upload;
    cs_scan_result codes = {0};
    upload_failure why = {0};
    char *html = NULL;
    int queued;

    if (u == NULL)
        return MHD_NO;
    if (u->problem != NULL)
        return http_send_message_page(
            connection, request, u->problem_status,
            u->problem_status == MHD_HTTP_CONTENT_TOO_LARGE ? "File too large" : "Upload refused",
            u->problem);
    if (MHD_destroy_post_processor(u->parser) != MHD_YES) {
        u->parser = NULL;
        return http_send_message_page(connection, request, MHD_HTTP_BAD_REQUEST, "Upload refused",
                                      "The upload's form data ends too soon. Send the file "
                                      "again from the form on the front page.");
    }
    u->parser = NULL;
    if (u->files == 0 || u->len == 0)
        return http_send_message_page(connection, request, MHD_HTTP_BAD_REQUEST, "No file received",
                                      "Choose a photo, an image or the PDF of the certificate, "
                                      "then press Check.");
    if (scan_file(u, &codes, &why) != CS_OK) {
        snprintf(request->verdicts, sizeof(request->verdicts), "upload: no code");
        return http_send_message_page(connection, request, why.status, why.title, why.message);
    }
    if (verify_all(service, u->name[0] != '\0' ? u->name : "the uploaded file", &codes, request,
                   &html) != CS_OK)
        html = NULL; /* answered 500 */
    cs_scan_result_clear(&codes);
    queued = http_send_page(connection, request, MHD_HTTP_OK, html, NULL);
    free(u->data);
    u->data = NULL;
    return queued;
}

void http_upload_end(http_upload_service *service, http_request *request)
{
    struct http_upload *u = request->upload;

    if (u == NULL)
        return;
    if (u->parser != NULL)
        (void)MHD_destroy_post_processor(u->parser);
    if (u->slot)
        atomic_fetch_sub(service->active, 1);
    free(u->data);
    free(u);
    request->upload = NULL;
}
