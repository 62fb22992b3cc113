/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the readers of certseal/document.h: the first byte
 * chooses cs_document_template_parse() (images named relative to
 * docs/template-example, so that the PNG reader is reached too) or
 * cs_document_source_read() (a token to make a document from).  Anything
 * accepted must be complete: a template has its paper, a source its
 * certificate, credential and token text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/document.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char detail[CS_DETAIL_SIZE];

    if (size == 0)
        return 0;
    if (data[0] & 1) {
        cs_document_template_t *tmpl = NULL;
        if (cs_document_template_parse((const char *)data + 1, size - 1, "docs/template-example",
                                       &tmpl, detail, sizeof(detail)) == CS_OK) {
            cs_document_paper paper = cs_document_template_paper(tmpl);
            if (tmpl == NULL ||
                (paper != CS_DOCUMENT_PAPER_A4 && paper != CS_DOCUMENT_PAPER_LETTER))
                abort();
        } else if (tmpl != NULL) {
            abort();
        }
        cs_document_template_free(&tmpl);
        return 0;
    }
    cs_document_source source;
    if (cs_document_source_read(data + 1, size - 1, &source, detail, sizeof(detail)) == CS_OK) {
        if (source.token == NULL || source.certificate.number == NULL ||
            source.accreditation.name == NULL || strchr(source.token, '\n') != NULL)
            abort();
        cs_document_source_clear(&source);
    } else if (source.token != NULL) {
        abort();
    }
    return 0;
}
