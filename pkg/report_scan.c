/* SPDX-License-Identifier: ISC */
/* The text and JSON of a scan (report_scan.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "certseal/report_scan.h"
#include "certseal/text.h"
#include "report_internal.h"

cs_err cs_report_scan_text(const cs_scan_result *result, char **out)
{
    cs_report_text t;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (result == NULL || out == NULL || (result->count > 0 && result->symbols == NULL))
        return CS_ERR_ARGUMENT;
    if ((err = cs_report_text_start(&t)) != CS_OK)
        return err;
    for (size_t i = 0; i < result->count; i++) {
        const cs_scan_symbol *s = &result->symbols[i];
        size_t need = cs_text_escape(s->text, s->len, NULL, 0);
        char *safe = malloc(need + 1);
        if (safe == NULL) {
            fclose(t.f);
            free(t.buf);
            return CS_ERR_NO_MEMORY;
        }
        (void)cs_text_escape(s->text, s->len, safe, need + 1);
        if (s->origin != CS_SCAN_ORIGIN_IMAGE && s->page > 0)
            fprintf(t.f, "page %" PRIu32 " (%s): ", s->page, cs_scan_origin_name(s->origin));
        else if (s->origin != CS_SCAN_ORIGIN_IMAGE)
            fprintf(t.f, "document (%s): ", cs_scan_origin_name(s->origin));
        fprintf(t.f, "%s\n", safe);
        free(safe);
    }
    return cs_report_text_finish(&t, out);
}

/* "codes": where in the PDF each code was found (page 0: the document). */
static cs_err add_pdf_codes(json_t *object, const cs_scan_result *result)
{
    json_t *codes = json_array(), *code;

    if (codes == NULL || json_object_set_new(object, "codes", codes) != 0)
        return CS_ERR_NO_MEMORY;
    for (size_t i = 0; i < result->count; i++) {
        const cs_scan_symbol *s = &result->symbols[i];
        code = json_pack("{s:I, s:s, s:s%}", "page", (json_int_t)s->page, "found_in",
                         cs_scan_origin_name(s->origin), "token", s->text, s->len);
        if (code == NULL || json_array_append_new(codes, code) != 0)
            return CS_ERR_JSON;
    }
    return CS_OK;
}

cs_err cs_report_scan_json(const char *image, const cs_scan_result *result, cs_err err,
                           char **out)
{
    json_t *tokens = NULL, *object = NULL;
    cs_err status = CS_ERR_ARGUMENT;

    if (out != NULL)
        *out = NULL;
    if (image == NULL || result == NULL || out == NULL ||
        (result->count > 0 && result->symbols == NULL))
        goto fail;
    status = CS_ERR_NO_MEMORY;
    if ((tokens = json_array()) == NULL)
        goto fail;
    status = CS_ERR_JSON; /* jansson takes UTF-8 only */
    for (size_t i = 0; i < result->count; i++)
        if (json_array_append_new(tokens, json_stringn(result->symbols[i].text,
                                                       result->symbols[i].len)) != 0)
            goto fail;
    if ((object = json_pack("{s:s, s:O}", "image", image, "tokens", tokens)) == NULL)
        goto fail;
    if (result->count > 0 && result->symbols[0].origin != CS_SCAN_ORIGIN_IMAGE &&
        (status = add_pdf_codes(object, result)) != CS_OK)
        goto fail;
    status = CS_ERR_NO_MEMORY;
    if (err != CS_OK &&
        json_object_set_new(object, "error",
                            json_string(err == CS_ERR_NO_QR_CODE ? "no QR code found"
                                                                 : "the image could not be read")) !=
            0)
        goto fail;
    *out = cs_report_json_dump(object, JSON_COMPACT | JSON_ENSURE_ASCII);
    object = NULL;
    status = *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
fail:
    json_decref(object);
    json_decref(tokens);
    return status;
}
