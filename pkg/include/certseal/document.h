/* SPDX-License-Identifier: ISC */
/*
 * certseal/document.h - the certificate document: a PDF that carries a
 * certificate token three ways (DESIGN §4): a vector QR code, the token's
 * text in small type, and the token as an embedded file
 * (CS_DOCUMENT_ATTACHMENT_NAME, a PDF/A-3 style associated file), beside
 * everything ISO/IEC 17021-1 §8.2.2 asks a certificate to show.
 *
 * A service (libcertseal only): it links cairo, pango (with harfbuzz and
 * fontconfig, set in Debian's Noto fonts) and qpdf.  Documents are made by
 * a certification body from its own tokens: the token is decoded and its
 * signature checked against the key of the accreditation credential it
 * carries, so that a document is never drawn from damaged bytes; it is not
 * verified against a trust store (that is what `certseal verify` does).
 *
 * Ownership: every object made here is freed by its _free(T **), which
 * NULLs the pointer; output buffers are new and freed with free().  Not
 * thread-safe within one object; separate objects may be used by separate
 * threads.
 */
#ifndef CERTSEAL_DOCUMENT_H
#define CERTSEAL_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/claims.h"
#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The embedded file's name, and the relationship it is attached with. */
#define CS_DOCUMENT_ATTACHMENT_NAME "certseal-token.txt"
/* The largest template file and the largest image it names. */
#define CS_DOCUMENT_TEMPLATE_MAX (64u * 1024u)
#define CS_DOCUMENT_IMAGE_MAX (4u * 1024u * 1024u)
#define CS_DOCUMENT_IMAGE_PIXELS_MAX 4096 /* width and height of an image */
/* A QR module is never drawn smaller than this (ISO/IEC 18004 print
 * practice; at 0.33 mm a phone camera still reads it from a page). */
#define CS_DOCUMENT_MODULE_MIN_MM 0.4

typedef enum cs_document_paper {
    CS_DOCUMENT_PAPER_DEFAULT = 0, /* the template's, else A4 */
    CS_DOCUMENT_PAPER_A4,          /* 210 x 297 mm */
    CS_DOCUMENT_PAPER_LETTER,      /* 8.5 x 11 in */
} cs_document_paper;

/* Parses "a4" or "letter" (either case).  Errors: CS_ERR_ARGUMENT. */
CS_MUST_CHECK cs_err cs_document_paper_parse(const char *text, cs_document_paper *out);

/* ---- the token ----------------------------------------------------------------------- */

/*
 * What a document shows, decoded from a token: the certificate, the
 * accreditation credential it carries, and the token's text as given
 * (white space around it removed).  Every pointer is owned.
 */
typedef struct cs_document_source {
    cs_certificate certificate;
    cs_accreditation accreditation;
    char *token; /* the token text, NUL-terminated, one line */
} cs_document_source;

/*
 * Reads a certificate token in any form (a token given as COSE bytes or
 * hexadecimal is printed in the offline form), decodes the certificate token and
 * the accreditation credential in its header, and checks the token's
 * signature with the key the credential names (the credential's own
 * signature is not checked here: see above).  Fills a zeroed *out; on
 * failure *out is left cleared and detail says what is wrong.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_FORM (no known form), the
 * decoding errors of cs_token_unwrap() and cs_cose_sign1_decode(),
 * CS_ERR_COSE_TYPE, CS_ERR_CLAIM_MISSING, CS_ERR_CLAIM_INVALID,
 * CS_ERR_SIGNATURE (damaged or altered bytes), CS_ERR_KEY_PARSE,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_document_source_read(const uint8_t *token, size_t len,
                                             cs_document_source *out, char *detail,
                                             size_t detail_size);
void cs_document_source_clear(cs_document_source *source);

/* ---- the template -------------------------------------------------------------------- */

/* A certification body's branding: logo, colours, signature, wording,
 * paper (docs/document.md). */
typedef struct cs_document_template cs_document_template_t;

/*
 * The template certseal uses when none is given: no images, dark blue,
 * English wording, A4.  Errors: CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_document_template_default(cs_document_template_t **out);

/*
 * Parses a template (JSON, docs/document.md) from json[0..len); image
 * paths in it are taken relative to base_dir (NULL: the current folder)
 * and read and checked here (PNG, at most CS_DOCUMENT_IMAGE_MAX bytes and
 * CS_DOCUMENT_IMAGE_PIXELS_MAX pixels a side).  Unknown members, wrong
 * types, colours that are not "#RRGGBB", texts with control characters and
 * unreadable images are refused, detail naming the member and the fix.
 * Errors: CS_ERR_DOCUMENT_TEMPLATE, CS_ERR_JSON, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_document_template_parse(const char *json, size_t len,
                                                const char *base_dir,
                                                cs_document_template_t **out, char *detail,
                                                size_t detail_size);

/* cs_document_template_parse() of the file at path (images relative to
 * its folder).  Errors: as parse, and CS_ERR_IO_OPEN, CS_ERR_IO_READ,
 * CS_ERR_TOO_LARGE (over CS_DOCUMENT_TEMPLATE_MAX). */
CS_MUST_CHECK cs_err cs_document_template_load(const char *path, cs_document_template_t **out,
                                               char *detail, size_t detail_size);
void cs_document_template_free(cs_document_template_t **tmpl);

/* The template's paper (never CS_DOCUMENT_PAPER_DEFAULT). */
cs_document_paper cs_document_template_paper(const cs_document_template_t *tmpl);

/* ---- the PDF ------------------------------------------------------------------------- */

/*
 * Draws the certificate document of source with tmpl (NULL: the default
 * template) on paper (CS_DOCUMENT_PAPER_DEFAULT: the template's) and
 * attaches the token: a complete PDF in a new buffer (*out, freed with
 * free()).  The same source, template and paper give the same bytes.  A
 * text that no installed font can draw is refused (CS_ERR_DOCUMENT_FONT,
 * naming the text) rather than printed as empty boxes.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE (the token needs a QR code
 * above version 40), CS_ERR_DOCUMENT_FONT, CS_ERR_DOCUMENT_RENDER,
 * CS_ERR_DOCUMENT_ATTACH, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_document_pdf(const cs_document_source *source,
                                     const cs_document_template_t *tmpl, cs_document_paper paper,
                                     uint8_t **out, size_t *out_len, char *detail,
                                     size_t detail_size);

/*
 * Adds data[0..data_len) as an embedded file named name to the PDF
 * pdf[0..pdf_len): an EmbeddedFiles name tree entry and the catalog's /AF
 * array (PDF 2.0 §14.13, PDF/A-3 associated files), relationship /Source,
 * with description desc (may be NULL).  The result is a new PDF (*out,
 * freed with free()).  Errors: CS_ERR_ARGUMENT, CS_ERR_DOCUMENT_ATTACH
 * (the PDF does not parse, or qpdf failed; detail says why),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_document_attach(const uint8_t *pdf, size_t pdf_len, const char *name,
                                        const uint8_t *data, size_t data_len, const char *desc,
                                        uint8_t **out, size_t *out_len, char *detail,
                                        size_t detail_size);

#ifdef __cplusplus
}
#endif
#endif
