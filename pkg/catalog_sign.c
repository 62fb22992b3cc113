/* SPDX-License-Identifier: ISC */
/* The signed catalog (docs/wire-format.md, "Signed standards catalog"): a
 * COSE_Sign1 by a scheme owner's root over {1: iss, 6: iat, -65541: the
 * catalog's JSON text}.  Verified before anything in it is read; refused
 * when older than the catalog in use. */
#include <stdlib.h>
#include <string.h>

#include "certseal/catalog.h"
#include "certseal/cose.h"
#include "internal.h"

#define CLAIM_ISS 1
#define CLAIM_IAT 6
#define CLAIMS_DEPTH 2

static cs_err encode_claims(const char *json, size_t len, const char *issuer, int64_t iat,
                            uint8_t **out, size_t *out_len)
{
    cs_cbor_writer w;
    cs_err err;

    cs_cbor_writer_init(&w);
    cs_cbor_begin_map(&w, 3);
    cs_cbor_put_int(&w, CLAIM_ISS);
    cs_cbor_put_cstring(&w, issuer);
    cs_cbor_put_int(&w, CLAIM_IAT);
    cs_cbor_put_int(&w, iat);
    cs_cbor_put_int(&w, CS_CLAIM_CATALOG);
    cs_cbor_put_text(&w, json, len);
    cs_cbor_end_map(&w);
    if ((err = cs_cbor_writer_error(&w)) != CS_OK) {
        cs_cbor_writer_free(&w);
        return err;
    }
    *out = w.buf;
    *out_len = w.len;
    return CS_OK;
}

cs_err cs_catalog_sign(const char *json, size_t len, const cs_key_t *root, const char *issuer,
                       int64_t issued_at, uint8_t **out, size_t *out_len, char *detail,
                       size_t detail_size)
{
    cs_cose_sign1_headers headers = {.typ = CS_TYP_CATALOG};
    cs_catalog *parsed = NULL, *again = NULL;
    uint8_t *claims = NULL, *signed_bytes = NULL;
    size_t claims_len = 0, signed_len = 0;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (json == NULL || root == NULL || issuer == NULL || out == NULL || out_len == NULL ||
        !cs_key_has_private(root) || issuer[0] == '\0')
        return CS_ERR_ARGUMENT;
    if ((err = cs_catalog_parse(json, len, &parsed, detail, detail_size)) != CS_OK ||
        (err = encode_claims(json, len, issuer, issued_at, &claims, &claims_len)) != CS_OK ||
        (err = cs_cose_sign1_sign(root, &headers, claims, claims_len, &signed_bytes,
                                  &signed_len)) != CS_OK)
        goto fail;
    /* Verify what was signed (STYLE 10). */
    if ((err = cs_catalog_open_signed(signed_bytes, signed_len, &root, 1, 0, &again, detail,
                                      detail_size)) != CS_OK)
        goto fail;
    *out = signed_bytes;
    *out_len = signed_len;
    signed_bytes = NULL;
fail:
    cs_catalog_free(&parsed);
    cs_catalog_free(&again);
    free(claims);
    free(signed_bytes);
    return err;
}

/* The claims map: exactly {1: text, 6: int, -65541: text}. */
static cs_err read_claims(const cs_cose_sign1 *msg, const char **json, size_t *json_len,
                          char *detail, size_t size)
{
    cs_cbor_item *root = NULL;
    const char *iss;
    size_t iss_len;
    int64_t iat;
    cs_err err;

    if ((err = cs_cbor_decode(msg->payload, msg->payload_len, CLAIMS_DEPTH, &root)) != CS_OK)
        return cs_detail_fail(detail, size, err, "signed catalog: claims: %s", cs_strerror(err));
    if (!cs_cbor_is_map(root) || cs_cbor_count(root) != 3 ||
        cs_cbor_get_text(cs_cbor_map_get_int(root, CLAIM_ISS), &iss, &iss_len) != CS_OK ||
        cs_cbor_get_int(cs_cbor_map_get_int(root, CLAIM_IAT), &iat) != CS_OK ||
        cs_cbor_get_text(cs_cbor_map_get_int(root, CS_CLAIM_CATALOG), json, json_len) != CS_OK) {
        cs_cbor_free(&root);
        return cs_detail_fail(detail, size, CS_ERR_CLAIM_MISSING,
                              "signed catalog: the claims are not exactly {1: iss, 6: iat, "
                              "%d: catalog text}",
                              CS_CLAIM_CATALOG);
    }
    /* *json points into msg's payload, which outlives the tree. */
    cs_cbor_free(&root);
    return CS_OK;
}

cs_err cs_catalog_open_signed(const uint8_t *data, size_t len, const cs_key_t *const *roots,
                              size_t root_count, uint64_t min_version, cs_catalog **out,
                              char *detail, size_t detail_size)
{
    cs_cose_sign1 msg = {0};
    const char *json = NULL;
    size_t json_len = 0;
    cs_catalog *cat = NULL;
    bool verified = false;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (data == NULL || out == NULL || (roots == NULL && root_count > 0))
        return CS_ERR_ARGUMENT;
    if (len > CS_CATALOG_SIGNED_MAX)
        return cs_detail_fail(detail, detail_size, CS_ERR_TOO_LARGE,
                              "signed catalog: %zu bytes, more than the %u allowed", len,
                              CS_CATALOG_SIGNED_MAX);
    if ((err = cs_cose_sign1_decode(data, len, &msg)) != CS_OK) {
        cs_detail_set(detail, detail_size, "signed catalog: %s", cs_strerror(err));
        goto fail;
    }
    if (!cs_cose_sign1_has_typ(&msg, CS_TYP_CATALOG)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_COSE_TYPE,
                             "not a signed catalog (typ \"%s\" expected)", CS_TYP_CATALOG);
        goto fail;
    }
    for (size_t i = 0; i < root_count && !verified; i++) {
        if (roots[i] == NULL || msg.kid == NULL || msg.kid_len != CS_KID_SIZE ||
            !cs_crypto_equal(cs_key_kid(roots[i]), msg.kid, CS_KID_SIZE))
            continue;
        verified = cs_cose_sign1_verify(&msg, roots[i], NULL, 0, 0) == CS_OK;
    }
    if (!verified) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_CATALOG_ROOT,
                             "the signed catalog does not verify with any of the %zu root key(s) "
                             "given (give the scheme owner's root with --root)",
                             root_count);
        goto fail;
    }
    if ((err = read_claims(&msg, &json, &json_len, detail, detail_size)) != CS_OK ||
        (err = cs_catalog_parse(json, json_len, &cat, detail, detail_size)) != CS_OK)
        goto fail;
    if (cat->version < min_version) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_CATALOG_ROLLBACK,
                             "the signed catalog is version %llu, older than version %llu in "
                             "use: a newer catalog cannot be replaced by an older one",
                             (unsigned long long)cat->version, (unsigned long long)min_version);
        goto fail;
    }
    *out = cat;
    cat = NULL;
fail:
    cs_catalog_free(&cat);
    cs_cose_sign1_clear(&msg);
    return err;
}
