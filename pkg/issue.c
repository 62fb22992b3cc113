/* SPDX-License-Identifier: ISC */
/* Issuing certificate tokens: check against the accreditation, sign,
 * compress, encode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/cose.h"
#include "certseal/date.h"
#include "certseal/issue.h"
#include "internal.h"

struct cs_issuer {
    const cs_key_t *key;
    uint8_t *accreditation_bytes;
    size_t accreditation_len;
    cs_accreditation accreditation;
    cs_token_codec_t *codec;
    cs_cbor_writer claims;
    cs_cbor_writer message;
    cs_cose_scratch scratch;
    /* DESIGN §2 step 7: the catalog in use (borrowed: catalog_owned, the
     * copied issuer's, or the built-in one when none was set). */
    const cs_catalog *catalog;
    cs_catalog *catalog_owned; /* set with cs_issuer_set_catalog(); freed here */
    unsigned catalog_flags;    /* CS_CATALOG_ALLOW_UNLISTED */
};

/* Accepts the AC as COSE bytes or in any token form. */
static cs_err decode_accreditation(cs_issuer_t *issuer, const uint8_t *data, size_t len,
                                   char *detail, size_t detail_size)
{
    const uint8_t *cose;
    size_t cose_len;
    cs_form form;
    cs_cose_sign1 msg = {0};
    cs_err err;

    if ((err = cs_token_unwrap(issuer->codec, data, len, &form, &cose, &cose_len)) != CS_OK)
        return cs_detail_fail(detail, detail_size, err, "accreditation credential: %s",
                              cs_strerror(err));
    if ((err = cs_cose_sign1_decode(cose, cose_len, &msg)) != CS_OK) {
        cs_detail_fail(detail, detail_size, err, "accreditation credential: %s", cs_strerror(err));
        goto fail;
    }
    if (!cs_cose_sign1_tagged_alone(&msg)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_CBOR_TAG,
                             "accreditation credential: not a COSE_Sign1 with tag 18 alone, which "
                             "a certificate cannot carry (ask the accreditation body for the "
                             "credential as it signed it)");
        goto fail;
    }
    if (!cs_cose_sign1_has_typ(&msg, CS_TYP_ACCREDITATION)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_COSE_TYPE,
                             "the file is not an accreditation credential (typ \"%s\" expected)",
                             CS_TYP_ACCREDITATION);
        goto fail;
    }
    if ((err = cs_accreditation_decode_claims(msg.payload, msg.payload_len, &issuer->accreditation,
                                              detail, detail_size)) != CS_OK)
        goto fail;
    if ((issuer->accreditation_bytes = malloc(cose_len)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    memcpy(issuer->accreditation_bytes, cose, cose_len);
    issuer->accreditation_len = cose_len;
fail:
    cs_cose_sign1_clear(&msg);
    return err;
}

cs_err cs_issuer_new(const cs_key_t *cb_key, const uint8_t *accreditation, size_t accreditation_len,
                     cs_issuer_t **out, char *detail, size_t detail_size)
{
    cs_issuer_t *issuer = NULL;
    cs_err err;

    if (cb_key == NULL || accreditation == NULL || out == NULL || !cs_key_has_private(cb_key))
        return CS_ERR_ARGUMENT;
    if ((issuer = calloc(1, sizeof(*issuer))) == NULL)
        return CS_ERR_NO_MEMORY;
    issuer->key = cb_key;
    cs_cbor_writer_init(&issuer->claims);
    cs_cbor_writer_init(&issuer->message);
    cs_cose_scratch_init(&issuer->scratch);
    if ((err = cs_token_codec_new(&issuer->codec)) != CS_OK ||
        (err = decode_accreditation(issuer, accreditation, accreditation_len, detail,
                                    detail_size)) != CS_OK)
        goto fail;
    if (!cs_key_public_equal(cb_key, issuer->accreditation.subject_key)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_KEY_NOT_ACCREDITED,
                             "the signing key is not the key the accreditation credential names "
                             "(use the key the accreditation body accredited)");
        goto fail;
    }
    *out = issuer;
    return CS_OK;
fail:
    cs_issuer_free(&issuer);
    return err;
}

void cs_issuer_free(cs_issuer_t **issuer)
{
    if (issuer == NULL || *issuer == NULL)
        return;
    cs_issuer_t *i = *issuer;
    free(i->accreditation_bytes);
    cs_accreditation_clear(&i->accreditation);
    cs_token_codec_free(&i->codec);
    cs_cbor_writer_free(&i->claims);
    cs_cbor_writer_free(&i->message);
    cs_cose_scratch_free(&i->scratch);
    cs_catalog_free(&i->catalog_owned);
    free(i);
    *issuer = NULL;
}

const cs_accreditation *cs_issuer_accreditation(const cs_issuer_t *issuer)
{
    return issuer != NULL ? &issuer->accreditation : NULL;
}

const uint8_t *cs_issuer_last_cose(const cs_issuer_t *issuer, size_t *len)
{
    if (issuer == NULL || len == NULL)
        return NULL;
    *len = issuer->message.len;
    return issuer->message.buf;
}

uint8_t *cs_issuer_last_cose_for_tamper(cs_issuer_t *issuer, size_t *len)
{
    *len = issuer->message.len;
    return issuer->message.buf;
}

const uint8_t *cs_issuer_last_claims(const cs_issuer_t *issuer, size_t *len)
{
    if (issuer == NULL || len == NULL)
        return NULL;
    *len = issuer->claims.len;
    return issuer->claims.buf;
}

static bool iaf_accredited(const cs_accreditation *ac, uint64_t code)
{
    for (size_t i = 0; i < ac->iaf_count; i++)
        if (ac->iaf_codes[i] == code)
            return true;
    return false;
}

/* The rules of DESIGN §2 steps 4 and 5 that the issuer can check itself,
 * so that it never signs a certificate that could not verify. */
static cs_err check_against_accreditation(const cs_accreditation *ac, const cs_certificate *cert,
                                          char *detail, size_t size)
{
    char day[CS_DATE_TEXT_SIZE], from[CS_DATE_TEXT_SIZE], to[CS_DATE_TEXT_SIZE];
    const char *outside = cs_certificate_unaccredited_standard(cert, ac);

    if (strcmp(cert->issuer, ac->subject) != 0)
        return cs_detail_fail(detail, size, CS_ERR_ISSUER_MISMATCH,
                              "issuer \"%s\" is not the accredited body \"%s\"", cert->issuer,
                              ac->subject);
    if (outside != NULL)
        return cs_detail_fail(detail, size, CS_ERR_STANDARD_NOT_ACCREDITED,
                              "%s is not within accreditation %s; the accreditation body must "
                              "accredit it first",
                              outside, ac->number);
    for (size_t i = 0; i < cert->iaf_count; i++)
        if (!iaf_accredited(ac, cert->iaf_codes[i]))
            return cs_detail_fail(detail, size, CS_ERR_IAF_NOT_ACCREDITED,
                                  "IAF sector %llu is not within accreditation %s",
                                  (unsigned long long)cert->iaf_codes[i], ac->number);
    if (strcmp(cert->accreditation_number, ac->number) != 0)
        return cs_detail_fail(detail, size, CS_ERR_ACCREDITATION_NUMBER,
                              "the record cites accreditation \"%s\", but the credential is \"%s\"",
                              cert->accreditation_number, ac->number);
    if (cert->issued_at < ac->not_before || cert->issued_at >= ac->expires) {
        cs_date_format(cert->issued_at, day);
        cs_date_format(ac->not_before, from);
        cs_date_format(ac->expires - 1, to);
        return cs_detail_fail(detail, size, CS_ERR_AC_NOT_VALID_AT_ISSUE,
                              "issue date %s is outside the accreditation's validity %s to %s", day,
                              from, to);
    }
    return CS_OK;
}

void cs_issuer_set_catalog(cs_issuer_t *issuer, cs_catalog **catalog, unsigned flags)
{
    if (issuer == NULL)
        return;
    issuer->catalog_flags = flags;
    if (catalog == NULL)
        return;
    cs_catalog_free(&issuer->catalog_owned);
    issuer->catalog_owned = *catalog;
    issuer->catalog = issuer->catalog_owned;
    *catalog = NULL;
}

cs_err cs_issuer_copy(cs_issuer_t *issuer, cs_issuer_t **out)
{
    cs_issuer_t *copy = NULL;
    cs_err err;

    if (issuer == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = cs_issuer_new(issuer->key, issuer->accreditation_bytes, issuer->accreditation_len,
                             &copy, NULL, 0)) != CS_OK)
        return err;
    copy->catalog = issuer->catalog; /* borrowed: the copy only reads it */
    copy->catalog_flags = issuer->catalog_flags;
    *out = copy;
    return CS_OK;
}

bool cs_issuer_signs_externally(const cs_issuer_t *issuer)
{
    return issuer != NULL && cs_key_has_signer(issuer->key);
}

/* True when one of the certificate's standards is a catalog family whose
 * scope is coded with `codes`. */
static bool any_standard_uses(const cs_catalog *catalog, const cs_certificate *cert,
                              cs_scope_codes codes)
{
    for (size_t i = 0; i < cert->standard_count; i++) {
        const cs_catalog_family *family = NULL;
        if (cs_catalog_find(catalog, cert->standards[i], &family) != NULL && family != NULL &&
            family->scope_codes == codes)
            return true;
    }
    return false;
}

/* The scope codes that belong to one standard of the certificate: an
 * integrated certificate's IAF codes belong to its standards that use IAF
 * codes (ISO 9001), its food chain categories to those that use ISO
 * 22003-1 (ISO 22000); a code no standard uses is checked against each, so
 * that the catalog names the mistake. */
static size_t codes_for(const cs_catalog *catalog, const char *designation, bool shared,
                        cs_scope_codes codes, size_t count)
{
    const cs_catalog_family *family = NULL;

    if (!shared)
        return count;
    if (cs_catalog_find(catalog, designation, &family) == NULL || family == NULL)
        return 0;
    return family->scope_codes == codes ? count : 0;
}

/* DESIGN §2 step 7 at issue: the catalog's rules for each of the
 * certificate's standards (several for an integrated certificate). */
cs_err cs_issuer_check_catalog(cs_issuer_t *issuer, const cs_certificate *cert, char *detail,
                               size_t size)
{
    const cs_catalog *catalog;
    bool iaf_shared, fcc_shared;
    cs_err err = CS_OK;

    if (issuer == NULL || cert == NULL || cert->standard_count == 0 || cert->standards == NULL)
        return CS_ERR_ARGUMENT;
    catalog = issuer->catalog != NULL ? issuer->catalog : cs_catalog_builtin();
    iaf_shared = any_standard_uses(catalog, cert, CS_SCOPE_CODES_IAF);
    fcc_shared = any_standard_uses(catalog, cert, CS_SCOPE_CODES_FOOD_CHAIN);
    for (size_t i = 0; i < cert->standard_count && err == CS_OK; i++) {
        const char *std = cert->standards[i];
        err = cs_catalog_check_certificate(
            catalog, std, cert->issued_at, cert->expires,
            codes_for(catalog, std, iaf_shared, CS_SCOPE_CODES_IAF, cert->iaf_count),
            codes_for(catalog, std, fcc_shared, CS_SCOPE_CODES_FOOD_CHAIN,
                      cert->food_chain_count),
            issuer->catalog_flags, detail, size);
    }
    return err;
}

static cs_err fill_from_accreditation(const cs_accreditation *ac, cs_certificate *cert)
{
    if (cert->issuer == NULL && (cert->issuer = strdup(ac->subject)) == NULL)
        return CS_ERR_NO_MEMORY;
    if (cert->accreditation_number == NULL &&
        (cert->accreditation_number = strdup(ac->number)) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

cs_err cs_issuer_sign(cs_issuer_t *issuer, cs_certificate *cert, char *detail, size_t detail_size)
{
    cs_cose_sign1_headers headers = {.typ = CS_TYP_CERTIFICATE};
    cs_err err;

    if (issuer == NULL || cert == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = fill_from_accreditation(&issuer->accreditation, cert)) != CS_OK ||
        (err = cs_certificate_check(cert, detail, detail_size)) != CS_OK ||
        (err = cs_issuer_check_catalog(issuer, cert, detail, detail_size)) != CS_OK ||
        (err = check_against_accreditation(&issuer->accreditation, cert, detail, detail_size)) !=
            CS_OK ||
        (err = cs_certificate_write_claims(&issuer->claims, cert)) != CS_OK)
        return err;
    headers.accreditation = issuer->accreditation_bytes;
    headers.accreditation_len = issuer->accreditation_len;
    return cs_cose_sign1_sign_into(issuer->key, &headers, issuer->claims.buf, issuer->claims.len,
                                   &issuer->scratch, &issuer->message);
}

cs_err cs_issuer_finish(cs_issuer_t *issuer, cs_form form, const char *link_base, unsigned flags,
                        const char **token, size_t *token_len, char *detail, size_t detail_size)
{
    cs_err err;

    if (issuer == NULL || token == NULL || token_len == NULL)
        return CS_ERR_ARGUMENT;
    if ((flags & CS_ISSUE_VERIFY_SIGNATURE) &&
        (err = cs_cose_sign1_check_own(issuer->key, issuer->message.buf, issuer->message.len,
                                       detail, detail_size)) != CS_OK)
        return err;
    return cs_token_wrap(issuer->codec, form, link_base, issuer->message.buf, issuer->message.len,
                         token, token_len);
}

cs_err cs_issuer_issue(cs_issuer_t *issuer, cs_certificate *cert, cs_form form,
                       const char *link_base, unsigned flags, const char **token, size_t *token_len,
                       char *detail, size_t detail_size)
{
    cs_err err;

    if (issuer == NULL || cert == NULL || token == NULL || token_len == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = cs_issuer_sign(issuer, cert, detail, detail_size)) != CS_OK)
        return err;
    return cs_issuer_finish(issuer, form, link_base, flags, token, token_len, detail, detail_size);
}
