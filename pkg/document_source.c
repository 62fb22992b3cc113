/* SPDX-License-Identifier: ISC */
/* The certificate a document shows, read from its token: decoded, and its
 * signature checked with the key of the accreditation credential it carries
 * (certseal/document.h), so that a document is never drawn from damaged
 * bytes. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "certseal/cose.h"
#include "certseal/document.h"
#include "certseal/token.h"
#include "internal.h"

void cs_document_source_clear(cs_document_source *source)
{
    if (source == NULL)
        return;
    cs_certificate_clear(&source->certificate);
    cs_accreditation_clear(&source->accreditation);
    free(source->token);
    memset(source, 0, sizeof(*source));
}

/* The token's text without the white space around it; a token in another
 * form (COSE bytes, hexadecimal) is written in the offline form. */
static cs_err token_text(cs_token_codec_t *codec, const uint8_t *token, size_t len, cs_form form,
                         const uint8_t *cose, size_t cose_len, char **out)
{
    const char *text;
    cs_err err;

    if (form == CS_FORM_OFFLINE || form == CS_FORM_LINK) {
        while (len > 0 && (token[0] == ' ' || token[0] == '\t' || token[0] == '\r' ||
                           token[0] == '\n'))
            token++, len--;
        while (len > 0 && (token[len - 1] == ' ' || token[len - 1] == '\t' ||
                           token[len - 1] == '\r' || token[len - 1] == '\n'))
            len--;
        if ((*out = malloc(len + 1)) == NULL)
            return CS_ERR_NO_MEMORY;
        memcpy(*out, token, len);
        (*out)[len] = '\0';
        return CS_OK;
    }
    /* cose points into the codec, which wrap reuses: copy it first. */
    uint8_t *copy = malloc(cose_len);
    if (copy == NULL)
        return CS_ERR_NO_MEMORY;
    memcpy(copy, cose, cose_len);
    size_t text_len;
    err = cs_token_wrap(codec, CS_FORM_OFFLINE, NULL, copy, cose_len, &text, &text_len);
    free(copy);
    if (err == CS_OK && (*out = strdup(text)) == NULL)
        err = CS_ERR_NO_MEMORY;
    return err;
}

/* The accreditation credential of the token's header, decoded (not
 * verified: its signer is the accreditation body, whose key a document
 * does not need). */
static cs_err read_accreditation(const cs_cose_sign1 *ct, cs_accreditation *ac, char *detail,
                                 size_t detail_size)
{
    cs_cose_sign1 msg = {0};
    cs_err err;

    if (ct->accreditation == NULL)
        return cs_detail_fail(detail, detail_size, CS_ERR_CLAIM_MISSING,
                              "the token carries no accreditation credential");
    if ((err = cs_cose_sign1_decode(ct->accreditation, ct->accreditation_len, &msg)) != CS_OK) {
        cs_detail_fail(detail, detail_size, err, "its accreditation credential: %s",
                       cs_strerror(err));
        goto fail;
    }
    if (!cs_cose_sign1_has_typ(&msg, CS_TYP_ACCREDITATION)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_COSE_TYPE,
                             "its accreditation credential is of the wrong type");
        goto fail;
    }
    err = cs_accreditation_decode_claims(msg.payload, msg.payload_len, ac, detail, detail_size);
fail:
    cs_cose_sign1_clear(&msg);
    return err;
}

cs_err cs_document_source_read(const uint8_t *token, size_t len, cs_document_source *out,
                               char *detail, size_t detail_size)
{
    cs_token_codec_t *codec = NULL;
    cs_cose_sign1 msg = {0};
    const uint8_t *cose;
    size_t cose_len;
    cs_form form;
    cs_err err;

    cs_detail_set(detail, detail_size, "%s", "");
    if (token == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    memset(out, 0, sizeof(*out));
    if ((err = cs_token_codec_new(&codec)) != CS_OK)
        goto fail;
    if ((err = cs_token_unwrap(codec, token, len, &form, &cose, &cose_len)) != CS_OK) {
        cs_detail_fail(detail, detail_size, err, "%s", cs_strerror(err));
        goto fail;
    }
    if ((err = cs_cose_sign1_decode(cose, cose_len, &msg)) != CS_OK) {
        cs_detail_fail(detail, detail_size, err, "%s", cs_strerror(err));
        goto fail;
    }
    if (!cs_cose_sign1_has_typ(&msg, CS_TYP_CERTIFICATE)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_COSE_TYPE,
                             "not a certificate token (typ \"%s\" expected)", CS_TYP_CERTIFICATE);
        goto fail;
    }
    if ((err = read_accreditation(&msg, &out->accreditation, detail, detail_size)) != CS_OK)
        goto fail;
    /* DESIGN §2 step 3: the CT is signed by the key its AC names. */
    if ((err = cs_cose_sign1_verify(&msg, out->accreditation.subject_key, NULL, 0, 0)) != CS_OK) {
        cs_detail_fail(detail, detail_size, err,
                       "the token's signature does not verify with the key its accreditation "
                       "credential names: the bytes are damaged or altered (%s)",
                       cs_strerror(err));
        goto fail;
    }
    if ((err = cs_certificate_decode_claims(msg.payload, msg.payload_len, &out->certificate,
                                            detail, detail_size)) != CS_OK)
        goto fail;
    err = token_text(codec, token, len, form, cose, cose_len, &out->token);
fail:
    cs_cose_sign1_clear(&msg);
    cs_token_codec_free(&codec);
    if (err != CS_OK)
        cs_document_source_clear(out);
    return err;
}

cs_err cs_document_paper_parse(const char *text, cs_document_paper *out)
{
    if (text == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if (strcasecmp(text, "a4") == 0)
        *out = CS_DOCUMENT_PAPER_A4;
    else if (strcasecmp(text, "letter") == 0)
        *out = CS_DOCUMENT_PAPER_LETTER;
    else
        return CS_ERR_ARGUMENT;
    return CS_OK;
}
