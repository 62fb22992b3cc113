/* SPDX-License-Identifier: ISC */
/*
 * pkg/document_internal.h - what the modules of the certificate document
 * share (certseal/document.h): the template's contents, which
 * document_template fills and document_render draws.  Private.
 */
#ifndef CERTSEAL_DOCUMENT_INTERNAL_H
#define CERTSEAL_DOCUMENT_INTERNAL_H

#include <cairo.h>

#include "certseal/document.h"

/* The template's texts, each replaceable under "wording": X(field, json
 * member, default). */
/* clang-format off */
#define CS_DOCUMENT_WORDING_LIST(X)                                                              \
    X(title, "title", "Certificate")                                                             \
    X(intro, "intro", "This is to certify that the management system of")                        \
    X(conformity, "conformity",                                                                  \
      "has been assessed and found to conform to the requirements of")                           \
    X(scope, "scope", "Scope of certification")                                                  \
    X(sites, "sites", "Sites covered by this certificate")                                       \
    X(number, "number", "Certificate number")                                                    \
    X(revision, "revision", "Revision")                                                          \
    X(original_grant, "original_grant", "Original grant")                                        \
    X(issued, "issued", "This issue")                                                            \
    X(expires, "expires", "Valid until")                                                         \
    X(certification_body, "certification_body", "Certification body")                           \
    X(accreditation, "accreditation", "Accreditation")                                           \
    X(iaf_codes, "iaf_codes", "IAF sectors")                                                     \
    X(transferred, "transferred", "Transferred from")                                            \
    X(certificate, "certificate", "certificate")                                                 \
    X(restored, "restored", "Restored on")                                                       \
    X(status, "status",                                                                          \
      "The status of this certificate can change after it was printed: it may be suspended, "   \
      "withdrawn or replaced by a newer revision. Before relying on it, scan the QR code with "  \
      "a certseal verifier, or verify the token printed below (certseal verify). The "           \
      "certification body publishes the status in a signed status list:")                      \
    X(no_status, "no_status",                                                                    \
      "This certificate names no status list: ask the certification body whether it is still "  \
      "valid.")                                                                                  \
    X(token, "token",                                                                            \
      "Certificate token (also attached to this document as " CS_DOCUMENT_ATTACHMENT_NAME ")")   \
    X(signatory, "signatory", "")                                                                \
    X(footer, "footer", "")
/* clang-format on */

typedef struct cs_document_wording {
#define CS_DOCUMENT_WORDING_FIELD_(field, member, text) char *field;
    CS_DOCUMENT_WORDING_LIST(CS_DOCUMENT_WORDING_FIELD_)
#undef CS_DOCUMENT_WORDING_FIELD_
} cs_document_wording;

typedef struct cs_document_colour {
    double red, green, blue; /* 0 to 1 */
} cs_document_colour;

struct cs_document_template {
    cs_document_paper paper;      /* never DEFAULT */
    cs_document_colour accent;    /* title, rules, headings */
    cs_document_colour text;      /* body text */
    cs_document_colour muted;     /* labels, small print */
    cairo_surface_t *logo;        /* NULL for none */
    cairo_surface_t *signature;   /* NULL for none */
    cs_document_wording wording;  /* every field set (owned) */
};

/*
 * The document of cs_document_pdf() as cairo writes it, before the token
 * is attached (*out freed with free()), for measuring the two steps apart.
 * Errors: as cs_document_pdf(), less CS_ERR_DOCUMENT_ATTACH.
 */
CS_MUST_CHECK cs_err cs_document_draw(const cs_document_source *source,
                                      const cs_document_template_t *tmpl, cs_document_paper paper,
                                      uint8_t **out, size_t *out_len, char *detail,
                                      size_t detail_size);

#endif
