/* SPDX-License-Identifier: ISC */
/* COSE_Sign1 framing (RFC 9052 §4.2, §4.4) over the strict CBOR reader. */
#include <stdlib.h>
#include <string.h>

#include "certseal/cose.h"
#include "internal.h"

static const char SIGNATURE1_CONTEXT[] = "Signature1";

/* What a decoded message owns: a copy of its bytes, which every pointer in
 * cs_cose_sign1 and both trees borrow from. */
typedef struct decoded_sign1 {
    cs_cbor_item *message;   /* the four-item array */
    cs_cbor_item *protected; /* the protected header map, or NULL when empty */
    size_t len;
    uint8_t bytes[];
} decoded_sign1;

void cs_cose_sign1_clear(cs_cose_sign1 *msg)
{
    if (msg == NULL)
        return;
    decoded_sign1 *decoded = msg->tree;
    if (decoded != NULL) {
        cs_cbor_free(&decoded->message);
        cs_cbor_free(&decoded->protected);
        free(decoded);
    }
    memset(msg, 0, sizeof(*msg));
}

/* Reads alg (label 1) from a header map: an integer, or present but not
 * one (RFC 9052 allows text algs; certseal knows none). */
static void read_alg(const cs_cbor_item *map, bool *has_alg, int64_t *alg)
{
    const cs_cbor_item *item = cs_cbor_map_get_int(map, CS_COSE_HEADER_ALG);
    *has_alg = item != NULL;
    if (item != NULL && cs_cbor_get_int(item, alg) != CS_OK)
        *alg = CS_COSE_ALG_NOT_INTEGER;
}

static cs_err read_protected(cs_cose_sign1 *msg, const cs_cbor_item *map)
{
    const cs_cbor_item *item;
    cs_err err;

    if (cs_cbor_map_get_int(map, CS_COSE_HEADER_CRIT) != NULL)
        return CS_ERR_COSE_CRIT;
    read_alg(map, &msg->has_alg, &msg->alg);
    if ((item = cs_cbor_map_get_int(map, CS_COSE_HEADER_KID)) != NULL &&
        (err = cs_cbor_get_bytes(item, &msg->kid, &msg->kid_len)) != CS_OK)
        return err;
    if ((item = cs_cbor_map_get_int(map, CS_COSE_HEADER_TYP)) != NULL &&
        (err = cs_cbor_get_text(item, &msg->typ, &msg->typ_len)) != CS_OK)
        return err;
    if ((item = cs_cbor_map_get_int(map, CS_COSE_HEADER_ACCREDITATION)) != NULL &&
        (err = cs_cbor_get_bytes(item, &msg->accreditation, &msg->accreditation_len)) != CS_OK)
        return err;
    return CS_OK;
}

static cs_err read_unprotected(cs_cose_sign1 *msg, const cs_cbor_item *map)
{
    const cs_cbor_item *item;
    cs_err err;

    if (cs_cbor_map_get_int(map, CS_COSE_HEADER_CRIT) != NULL)
        return CS_ERR_COSE; /* crit must be protected (RFC 9052 §3.1) */
    read_alg(map, &msg->unprotected_has_alg, &msg->unprotected_alg);
    /* DESIGN §3: kid is read from here too, the protected one winning. */
    if (msg->kid == NULL && (item = cs_cbor_map_get_int(map, CS_COSE_HEADER_KID)) != NULL &&
        (err = cs_cbor_get_bytes(item, &msg->kid, &msg->kid_len)) != CS_OK)
        return err;
    return CS_OK;
}

static cs_err check_tags(const uint64_t *tags, size_t n_tags, cs_cose_sign1 *msg)
{
    if (n_tags == 0)
        return CS_OK;
    if (tags[n_tags - 1] != CS_COSE_TAG_SIGN1)
        return CS_ERR_CBOR_TAG;
    if (n_tags == 2 && tags[0] != CS_COSE_TAG_CWT)
        return CS_ERR_CBOR_TAG;
    if (n_tags > 2)
        return CS_ERR_CBOR_TAG;
    msg->tagged = true;
    msg->cwt_tagged = n_tags == 2;
    return CS_OK;
}

cs_err cs_cose_sign1_decode(const uint8_t *data, size_t len, cs_cose_sign1 *msg)
{
    uint64_t tags[CS_CBOR_MAX_TAGS];
    size_t n_tags = 0;
    decoded_sign1 *decoded;
    const cs_cbor_item *parts[4];
    cs_err err;

    if (data == NULL || msg == NULL)
        return CS_ERR_ARGUMENT;
    memset(msg, 0, sizeof(*msg));
    if (len > SIZE_MAX - sizeof(*decoded))
        return CS_ERR_TOO_LARGE;
    /* Not zeroed: the bytes are copied over at once. */
    if ((decoded = malloc(sizeof(*decoded) + len)) == NULL)
        return CS_ERR_NO_MEMORY;
    decoded->message = NULL;
    decoded->protected = NULL;
    memcpy(decoded->bytes, data, len);
    decoded->len = len;
    msg->tree = decoded;

    if ((err = cs_cbor_decode_tagged(decoded->bytes, len, CS_CBOR_MAX_DEPTH, tags, CS_CBOR_MAX_TAGS,
                                     &n_tags, &decoded->message)) != CS_OK ||
        (err = check_tags(tags, n_tags, msg)) != CS_OK)
        goto fail;
    if (!cs_cbor_is_array(decoded->message) || cs_cbor_count(decoded->message) != 4) {
        err = CS_ERR_COSE;
        goto fail;
    }
    for (size_t i = 0; i < 4; i++)
        parts[i] = cs_cbor_array_at(decoded->message, i);
    if (cs_cbor_get_bytes(parts[0], &msg->protected_bytes, &msg->protected_len) != CS_OK ||
        !cs_cbor_is_map(parts[1]) ||
        cs_cbor_get_bytes(parts[2], &msg->payload, &msg->payload_len) != CS_OK ||
        cs_cbor_get_bytes(parts[3], &msg->signature, &msg->signature_len) != CS_OK) {
        err = CS_ERR_COSE;
        goto fail;
    }
    if (msg->protected_len > 0) {
        if ((err = cs_cbor_decode(msg->protected_bytes, msg->protected_len, CS_CBOR_MAX_DEPTH,
                                  &decoded->protected)) != CS_OK)
            goto fail;
        if (!cs_cbor_is_map(decoded->protected)) {
            err = CS_ERR_COSE;
            goto fail;
        }
        if ((err = read_protected(msg, decoded->protected)) != CS_OK)
            goto fail;
    }
    if ((err = read_unprotected(msg, parts[1])) != CS_OK)
        goto fail;
    return CS_OK;
fail:
    cs_cose_sign1_clear(msg);
    return err;
}

bool cs_cose_sign1_has_typ(const cs_cose_sign1 *msg, const char *typ)
{
    if (msg == NULL || typ == NULL)
        return false;
    size_t len = strlen(typ);
    return msg->typ != NULL && msg->typ_len == len && memcmp(msg->typ, typ, len) == 0;
}

bool cs_cose_sign1_tagged_alone(const cs_cose_sign1 *msg)
{
    return msg != NULL && msg->tagged && !msg->cwt_tagged;
}

/* Sig_structure = ["Signature1", body_protected, external_aad, payload]
 * (RFC 9052 §4.4).  A protected header transported as an encoded empty map
 * (h'A0') is signed as h'': the empty-map rule of §3 applied on both sides,
 * as the COSE working group's sign-pass-01 example requires. */
static void write_sig_structure(cs_cbor_writer *w, const uint8_t *protected_bytes,
                                size_t protected_len, const uint8_t *aad, size_t aad_len,
                                const uint8_t *payload, size_t payload_len)
{
    if (protected_len == 1 && protected_bytes[0] == 0xa0)
        protected_len = 0;
    cs_cbor_begin_array(w, 4);
    cs_cbor_put_text(w, SIGNATURE1_CONTEXT, sizeof(SIGNATURE1_CONTEXT) - 1);
    cs_cbor_put_bytes(w, protected_bytes, protected_len);
    cs_cbor_put_bytes(w, aad, aad_len);
    cs_cbor_put_bytes(w, payload, payload_len);
    cs_cbor_end_array(w);
}

static cs_err alg_for_verify(const cs_cose_sign1 *msg, unsigned flags, cs_alg *alg)
{
    int64_t value;
    if (msg->has_alg)
        value = msg->alg;
    else if ((flags & CS_COSE_ACCEPT_UNPROTECTED_ALG) && msg->unprotected_has_alg)
        value = msg->unprotected_alg;
    else
        return CS_ERR_ALG_MISSING;
    if (value != CS_ALG_EDDSA && value != CS_ALG_ES256)
        return CS_ERR_ALG_UNKNOWN;
    *alg = (cs_alg)value;
    return CS_OK;
}

static cs_err verify_with(const cs_cose_sign1 *msg, const cs_key_t *key,
                          const uint8_t *external_aad, size_t aad_len, unsigned flags,
                          cs_cbor_writer *w)
{
    cs_alg alg = CS_ALG_NONE;
    cs_err err;

    if (msg == NULL || key == NULL || (external_aad == NULL && aad_len > 0))
        return CS_ERR_ARGUMENT;
    if ((err = alg_for_verify(msg, flags, &alg)) != CS_OK)
        return err;
    cs_cbor_writer_reset(w);
    write_sig_structure(w, msg->protected_bytes, msg->protected_len, external_aad, aad_len,
                        msg->payload, msg->payload_len);
    if ((err = cs_cbor_writer_error(w)) != CS_OK)
        return err;
    return cs_crypto_verify(key, alg, w->buf, w->len, msg->signature, msg->signature_len);
}

cs_err cs_cose_sign1_verify(const cs_cose_sign1 *msg, const cs_key_t *key,
                            const uint8_t *external_aad, size_t aad_len, unsigned flags)
{
    cs_cbor_writer w;
    cs_err err;

    cs_cbor_writer_init(&w);
    err = verify_with(msg, key, external_aad, aad_len, flags, &w);
    cs_cbor_writer_free(&w);
    return err;
}

cs_err cs_cose_sign1_verify_reusing(const cs_cose_sign1 *msg, const cs_key_t *key,
                                    cs_cbor_writer *scratch)
{
    return verify_with(msg, key, NULL, 0, 0, scratch);
}

static void write_protected_header(cs_cbor_writer *w, const cs_key_t *key,
                                   const cs_cose_sign1_headers *headers)
{
    cs_cbor_begin_map(w, 2 + (headers->typ != NULL) + (headers->accreditation != NULL));
    cs_cbor_put_int(w, CS_COSE_HEADER_ALG);
    cs_cbor_put_int(w, cs_key_alg(key));
    cs_cbor_put_int(w, CS_COSE_HEADER_KID);
    cs_cbor_put_bytes(w, cs_key_kid(key), CS_KID_SIZE);
    if (headers->typ != NULL) {
        cs_cbor_put_int(w, CS_COSE_HEADER_TYP);
        cs_cbor_put_cstring(w, headers->typ);
    }
    if (headers->accreditation != NULL) {
        cs_cbor_put_int(w, CS_COSE_HEADER_ACCREDITATION);
        cs_cbor_put_bytes(w, headers->accreditation, headers->accreditation_len);
    }
    cs_cbor_end_map(w);
}

cs_err cs_cose_sign1_sign_into(const cs_key_t *key, const cs_cose_sign1_headers *headers,
                               const uint8_t *payload, size_t payload_len, cs_cose_scratch *scratch,
                               cs_cbor_writer *out)
{
    uint8_t sig[CS_SIGNATURE_MAX];
    size_t sig_len = 0;
    cs_cbor_writer *header = &scratch->header, *tbs = &scratch->to_be_signed;
    cs_err err;

    if (key == NULL || headers == NULL || (payload == NULL && payload_len > 0) ||
        !cs_key_has_private(key))
        return CS_ERR_ARGUMENT;

    cs_cbor_writer_reset(header);
    write_protected_header(header, key, headers);
    cs_cbor_writer_reset(tbs);
    write_sig_structure(tbs, header->buf, header->len, NULL, 0, payload, payload_len);
    if ((err = cs_cbor_writer_error(header)) != CS_OK ||
        (err = cs_cbor_writer_error(tbs)) != CS_OK ||
        (err = cs_crypto_sign(key, tbs->buf, tbs->len, sig, &sig_len)) != CS_OK)
        return err;

    cs_cbor_writer_reset(out);
    cs_cbor_put_tag(out, CS_COSE_TAG_SIGN1);
    cs_cbor_begin_array(out, 4);
    cs_cbor_put_bytes(out, header->buf, header->len);
    cs_cbor_begin_map(out, 0); /* DESIGN §3: unprotected headers are emitted empty */
    cs_cbor_end_map(out);
    cs_cbor_put_bytes(out, payload, payload_len);
    cs_cbor_put_bytes(out, sig, sig_len);
    cs_cbor_end_array(out);
    return cs_cbor_writer_error(out);
}

void cs_cose_scratch_init(cs_cose_scratch *scratch)
{
    cs_cbor_writer_init(&scratch->header);
    cs_cbor_writer_init(&scratch->to_be_signed);
}

void cs_cose_scratch_free(cs_cose_scratch *scratch)
{
    cs_cbor_writer_free(&scratch->header);
    cs_cbor_writer_free(&scratch->to_be_signed);
}

cs_err cs_cose_sign1_sign(const cs_key_t *key, const cs_cose_sign1_headers *headers,
                          const uint8_t *payload, size_t payload_len, uint8_t **out,
                          size_t *out_len)
{
    cs_cose_scratch scratch;
    cs_cbor_writer message;
    cs_err err;

    if (out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    cs_cose_scratch_init(&scratch);
    cs_cbor_writer_init(&message);
    err = cs_cose_sign1_sign_into(key, headers, payload, payload_len, &scratch, &message);
    cs_cose_scratch_free(&scratch);
    if (err != CS_OK) {
        cs_cbor_writer_free(&message);
        return err;
    }
    *out = message.buf; /* ownership passes to the caller */
    *out_len = message.len;
    return CS_OK;
}

cs_err cs_cose_sign1_verify_encoded(const cs_key_t *key, const uint8_t *cose, size_t len)
{
    cs_cose_sign1 msg = {0};
    cs_err err = cs_cose_sign1_decode(cose, len, &msg);
    if (err == CS_OK)
        err = cs_cose_sign1_verify(&msg, key, NULL, 0, 0);
    cs_cose_sign1_clear(&msg);
    return err;
}

cs_err cs_cose_sign1_check_own(const cs_key_t *key, const uint8_t *cose, size_t len, char *detail,
                               size_t detail_size)
{
    cs_err err = cs_cose_sign1_verify_encoded(key, cose, len);
    if (err != CS_OK)
        return cs_detail_fail(detail, detail_size, CS_ERR_SIGNATURE,
                              "the new signature did not verify (%s); nothing was issued",
                              cs_strerror(err));
    return CS_OK;
}
