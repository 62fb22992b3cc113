/* SPDX-License-Identifier: ISC */
/*
 * certseal/pdf.h - the certseal codes in a PDF document (qpdf, and
 * pdftoppm in a process of its own for pages drawn with vector paths).
 *
 * A certificate PDF carries its token three ways (DESIGN §4): as an
 * embedded file (certseal-token.txt, a PDF/A-3 associated file), as a QR
 * code, and as text.  cs_pdf_scan() looks for them in that order of cost:
 *
 *  1. attachments: every embedded file (the catalog's EmbeddedFiles name
 *     tree and /AF, each page's /AF and file attachment annotations) whose
 *     content is a certseal token in the offline or link form;
 *  2. when there is none, the images of every page (image XObjects, also
 *     inside form XObjects), decoded (DCTDecode, FlateDecode, unfiltered;
 *     grey, RGB, CMYK, indexed; 1 to 16 bits) and scanned (certseal/scan.h);
 *  3. when still nothing is found and rendering is allowed, every page
 *     drawn by pdftoppm (poppler-utils) at CS_PDF_RENDER_DPI, then at
 *     CS_PDF_RENDER_DPI_FINE (a module of 0.5 mm, then of 0.25 mm, at least
 *     4 pixels), and scanned.
 *
 * PDFs are untrusted input.  Every cost is capped by the constants below,
 * checked before the work is done: the file's size, the pages, the nodes
 * of the page and name trees, the images looked at, the pixels and bytes
 * of each image, the raw stream bytes read in all, the size and time of a
 * render.  Stream filters are undone here with an output cap, never by
 * qpdf's unbounded decoders.  Nothing is printed.
 *
 * PDFs whose user password is empty (only an owner password, restricting
 * printing or editing) open as any viewer opens them; a PDF that needs a
 * password is CS_ERR_PDF_ENCRYPTED.
 */
#ifndef CERTSEAL_PDF_H
#define CERTSEAL_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/scan.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_PDF_FILE_MAX (64u * 1024u * 1024u)          /* bytes of a PDF file */
#define CS_PDF_MAX_PAGES 1000u                         /* pages of a document */
#define CS_PDF_MAX_NODES 20000u                        /* page tree, name tree and form nodes */
#define CS_PDF_MAX_IMAGES 2000u                        /* images decoded in one document */
#define CS_PDF_MAX_ATTACHMENTS 100u                    /* embedded files read */
#define CS_PDF_ATTACHMENT_MAX (64u * 1024u)            /* bytes of an embedded token file */
#define CS_PDF_IMAGE_MAX_PIXELS (32u * 1024u * 1024u)  /* width * height of an image */
#define CS_PDF_IMAGE_MAX_BYTES (128u * 1024u * 1024u)  /* decoded samples of an image */
#define CS_PDF_STREAM_BUDGET (512u * 1024u * 1024u)    /* raw stream bytes read in all */
#define CS_PDF_RENDER_DPI 200u                         /* first render: 0.5 mm modules */
#define CS_PDF_RENDER_DPI_FINE 400u                    /* second: 0.25 mm modules */
#define CS_PDF_RENDER_MAX_PIXELS (40u * 1024u * 1024u) /* pixels of a rendered page */
#define CS_PDF_RENDER_TIMEOUT_MS 20000u                /* one pdftoppm run */
#define CS_PDF_RENDER_TOTAL_MS 120000u                 /* pages of one document, begun within */
#define CS_PDF_RENDER_PROGRAM "pdftoppm"

/* How cs_pdf_scan() looks.  Zero-initialised: no rendering. */
typedef struct cs_pdf_options {
    bool render;              /* draw pages with pdftoppm when steps 1-2 find nothing */
    const char *program;      /* the pdftoppm to run (NULL: CS_PDF_RENDER_PROGRAM on PATH) */
    unsigned timeout_ms;      /* per render (0: CS_PDF_RENDER_TIMEOUT_MS) */
    unsigned render_total_ms; /* all renders of a document (0: CS_PDF_RENDER_TOTAL_MS) */
} cs_pdf_options;

/* True when data starts like a PDF file ("%PDF-" within its first 1024
 * bytes, as readers accept). */
bool cs_pdf_detect(const uint8_t *data, size_t len);

/*
 * Finds the certseal codes in the PDF data[0..len) (borrowed) and appends
 * them to *out (emptied first; the caller clears it with
 * cs_scan_result_clear() whatever the result): each symbol's page is the
 * 1-based page it was found on (a file attached to the whole document
 * belongs to page 1 of a one-page document, else to page 0) and its
 * origin says how.  Codes found twice on one page are given once.
 * Attachments give only certseal tokens; images and pages give every QR
 * code (the caller picks the tokens).  scanner is used for the images
 * (borrowed; see certseal/scan.h for threads).  detail (may be NULL) says
 * what was wrong: the limit passed, the damage found, why a render failed.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE (past CS_PDF_FILE_MAX),
 * CS_ERR_PDF (not a PDF, or too damaged to read), CS_ERR_PDF_ENCRYPTED
 * (a password is needed), CS_ERR_PDF_LIMIT (a cap above was passed before
 * any code was found), CS_ERR_PDF_RENDER (no code in the images and
 * pdftoppm could not draw the pages), CS_ERR_NO_QR_CODE (none found),
 * CS_ERR_NO_MEMORY.  A document found damaged but read anyway is reported
 * by *damaged (may be NULL).
 */
CS_MUST_CHECK cs_err cs_pdf_scan(const uint8_t *data, size_t len, const cs_pdf_options *options,
                                 cs_scanner_t *scanner, cs_scan_result *out, bool *damaged,
                                 char *detail, size_t detail_size);

#ifdef __cplusplus
}
#endif
#endif
