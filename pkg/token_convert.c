/* SPDX-License-Identifier: ISC */
/* A token in another printed form (cs_token_convert(), token.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/cose.h"
#include "certseal/token.h"

/* The token text without the white space around it, as a new string. */
static char *trimmed_text(const uint8_t *data, size_t len)
{
    while (len > 0 && isspace(data[len - 1]))
        len--;
    while (len > 0 && isspace(data[0])) {
        data++;
        len--;
    }
    return strndup((const char *)data, len);
}

static bool is_upper_case(const char *text)
{
    for (; *text != '\0'; text++)
        if (islower((unsigned char)*text))
            return false;
    return true;
}

/* The link base of a link-form token, everything before its last '/', as
 * a new string; NULL when there is none or it is not a usable base. */
static char *link_base_of(const char *text)
{
    const char *slash = strrchr(text, '/');
    char *base = slash != NULL ? strndup(text, (size_t)(slash - text)) : NULL;

    if (base != NULL && cs_token_check_link_base(base) != CS_OK) {
        free(base);
        base = NULL;
    }
    return base;
}

/* Checks that cose is a COSE_Sign1. */
static cs_err check_cose(const uint8_t *cose, size_t cose_len)
{
    cs_cose_sign1 msg = {0};
    cs_err err = cs_cose_sign1_decode(cose, cose_len, &msg);
    cs_cose_sign1_clear(&msg);
    return err;
}

cs_err cs_token_convert(cs_token_codec_t *codec, const uint8_t *token, size_t len, cs_form form,
                        const char *link_base, cs_form *input_form, char **out)
{
    const uint8_t *cose;
    const char *text;
    char *input = NULL, *inherited = NULL;
    size_t cose_len, text_len;
    cs_form from = CS_FORM_UNKNOWN;
    cs_err err = CS_ERR_ARGUMENT;

    if (out != NULL)
        *out = NULL;
    if (input_form != NULL)
        *input_form = CS_FORM_UNKNOWN;
    if (codec == NULL || token == NULL || out == NULL ||
        (form != CS_FORM_UNKNOWN && form != CS_FORM_OFFLINE && form != CS_FORM_LINK) ||
        (link_base != NULL && cs_token_check_link_base(link_base) != CS_OK))
        return CS_ERR_ARGUMENT;
    if ((err = cs_token_unwrap(codec, token, len, &from, &cose, &cose_len)) != CS_OK ||
        (err = check_cose(cose, cose_len)) != CS_OK)
        goto fail;
    if (input_form != NULL)
        *input_form = from;
    if (form == CS_FORM_UNKNOWN)
        form = from == CS_FORM_LINK ? CS_FORM_LINK : CS_FORM_OFFLINE;
    err = CS_ERR_NO_MEMORY;
    if ((input = trimmed_text(token, len)) == NULL)
        goto fail;
    if (form == from && (form == CS_FORM_OFFLINE || (link_base == NULL && is_upper_case(input)))) {
        *out = input;
        return CS_OK;
    }
    if (form == CS_FORM_LINK && link_base == NULL) {
        err = CS_ERR_ARGUMENT;
        if (from != CS_FORM_LINK || (link_base = inherited = link_base_of(input)) == NULL)
            goto fail;
    }
    /* cose lies in the codec's inflate buffer, which wrapping leaves alone. */
    if ((err = cs_token_wrap(codec, form, link_base, cose, cose_len, &text, &text_len)) != CS_OK)
        goto fail;
    err = (*out = strndup(text, text_len)) != NULL ? CS_OK : CS_ERR_NO_MEMORY;
fail:
    free(inherited);
    free(input);
    return err;
}
