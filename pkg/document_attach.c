/* SPDX-License-Identifier: ISC */
/* A file attached to a PDF as an associated file (PDF 2.0 §14.13, PDF/A-3
 * §6.8): an /EmbeddedFile stream, its /Filespec with /AFRelationship,
 * listed in the catalog's /Names /EmbeddedFiles name tree and /AF array.
 * cairo cannot attach files; qpdf's C API edits the PDF cairo wrote and
 * writes it again, whole (cross-reference table and all). */
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/document.h"
#include "internal.h"

/* The pending qpdf error, if any, into detail; true when there was one. */
static bool qpdf_failed(qpdf_data q, char *detail, size_t detail_size, const char *doing)
{
    if (!qpdf_has_error(q))
        return false;
    qpdf_error e = qpdf_get_error(q);
    const char *text = e != NULL ? qpdf_get_error_full_text(q, e) : NULL;
    cs_detail_set(detail, detail_size, "%s: %.300s", doing, text != NULL ? text : "qpdf failed");
    return true;
}

/* The /Filespec of the attachment, indirect: {/Type /Filespec /F /UF
 * /Desc /AFRelationship /Source /EF {/F /UF: the /EmbeddedFile stream}}. */
static qpdf_oh make_filespec(qpdf_data q, const char *name, const uint8_t *data, size_t len,
                             const char *desc)
{
    char params[64];
    qpdf_oh stream = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, stream, data, len, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    qpdf_oh stream_dict = qpdf_oh_get_dict(q, stream);
    qpdf_oh_replace_key(q, stream_dict, "/Type", qpdf_oh_new_name(q, "/EmbeddedFile"));
    qpdf_oh_replace_key(q, stream_dict, "/Subtype", qpdf_oh_new_name(q, "/text/plain"));
    snprintf(params, sizeof(params), "<< /Size %zu >>", len);
    qpdf_oh_replace_key(q, stream_dict, "/Params", qpdf_oh_parse(q, params));

    qpdf_oh ef = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, ef, "/F", stream);
    qpdf_oh_replace_key(q, ef, "/UF", stream);

    qpdf_oh spec = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, spec, "/Type", qpdf_oh_new_name(q, "/Filespec"));
    qpdf_oh_replace_key(q, spec, "/F", qpdf_oh_new_unicode_string(q, name));
    qpdf_oh_replace_key(q, spec, "/UF", qpdf_oh_new_unicode_string(q, name));
    if (desc != NULL)
        qpdf_oh_replace_key(q, spec, "/Desc", qpdf_oh_new_unicode_string(q, desc));
    /* The token is the original the page was drawn from. */
    qpdf_oh_replace_key(q, spec, "/AFRelationship", qpdf_oh_new_name(q, "/Source"));
    qpdf_oh_replace_key(q, spec, "/EF", ef);
    return qpdf_make_indirect_object(q, spec);
}

/* Lists spec in the catalog: /Names /EmbeddedFiles and /AF.  A PDF that
 * already has attachments or associated files is refused: ours come
 * from cairo, which writes neither. */
static bool list_in_catalog(qpdf_data q, qpdf_oh spec, const char *name, char *detail,
                            size_t detail_size)
{
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh names;

    if (!qpdf_oh_is_dictionary(q, root)) {
        cs_detail_set(detail, detail_size, "the PDF has no catalog");
        return false;
    }
    if (qpdf_oh_has_key(q, root, "/AF")) {
        cs_detail_set(detail, detail_size, "the PDF already has associated files");
        return false;
    }
    if (qpdf_oh_has_key(q, root, "/Names")) {
        names = qpdf_oh_get_key(q, root, "/Names");
        if (!qpdf_oh_is_dictionary(q, names) || qpdf_oh_has_key(q, names, "/EmbeddedFiles")) {
            cs_detail_set(detail, detail_size, "the PDF already has embedded files");
            return false;
        }
    } else {
        names = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
        qpdf_oh_replace_key(q, root, "/Names", names);
    }
    qpdf_oh tree_names = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, tree_names, qpdf_oh_new_unicode_string(q, name));
    qpdf_oh_append_item(q, tree_names, spec);
    qpdf_oh tree = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, tree, "/Names", tree_names);
    qpdf_oh_replace_key(q, names, "/EmbeddedFiles", tree);

    qpdf_oh af = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, af, spec);
    qpdf_oh_replace_key(q, root, "/AF", af);
    return true;
}

cs_err cs_document_attach(const uint8_t *pdf, size_t pdf_len, const char *name,
                          const uint8_t *data, size_t data_len, const char *desc, uint8_t **out,
                          size_t *out_len, char *detail, size_t detail_size)
{
    qpdf_data q = NULL;
    cs_err err = CS_ERR_DOCUMENT_ATTACH;

    cs_detail_set(detail, detail_size, "%s", "");
    if (pdf == NULL || name == NULL || name[0] == '\0' || (data == NULL && data_len > 0) ||
        out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if ((q = qpdf_init()) == NULL)
        return CS_ERR_NO_MEMORY;
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if (qpdf_read_memory(q, "document", (const char *)pdf, pdf_len, NULL) & QPDF_ERRORS) {
        qpdf_failed(q, detail, detail_size, "reading the PDF");
        goto fail;
    }
    qpdf_oh spec = make_filespec(q, name, data, data_len, desc);
    if (qpdf_failed(q, detail, detail_size, "making the attachment") ||
        !list_in_catalog(q, spec, name, detail, detail_size) ||
        qpdf_failed(q, detail, detail_size, "listing the attachment"))
        goto fail;
    /* The same input gives the same bytes (no random /ID). */
    if ((qpdf_init_write_memory(q) & QPDF_ERRORS) ||
        (qpdf_set_deterministic_ID(q, QPDF_TRUE), qpdf_write(q) & QPDF_ERRORS)) {
        qpdf_failed(q, detail, detail_size, "writing the PDF");
        goto fail;
    }
    size_t len = qpdf_get_buffer_length(q);
    const unsigned char *buffer = qpdf_get_buffer(q);
    if (buffer == NULL || len == 0) {
        cs_detail_set(detail, detail_size, "qpdf wrote nothing");
        goto fail;
    }
    if ((*out = malloc(len)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    memcpy(*out, buffer, len);
    *out_len = len;
    err = CS_OK;
fail:
    qpdf_cleanup(&q);
    return err;
}
