/* SPDX-License-Identifier: ISC */
/* Accreditation credentials: DESIGN §2 step 2 (an AC is trusted: a pinned
 * or listed AB key verifies it, and its typ is the AC type), for the AC a
 * certificate embeds and for the AC a CB's status list carries.
 *
 * DESIGN §2 step 6 and §3: the other keys that may sign a CB's status
 * lists.  A CB that changed its key signs its lists with the new one, and
 * each list carries the new key's accreditation credential (protected
 * header -65537); that list counts for certificates issued under the old
 * key when the same AB accredited the new key for the same CB under the
 * same accreditation number, the credential is trusted (as in step 2) and
 * it is itself neither suspended nor withdrawn.  A key the AB accredited
 * for another CB, or under another number, signs nothing of this CB's. */
#include <stdio.h>
#include <string.h>

#include "certseal/cose.h"
#include "verify_internal.h"

/* Step 2: an AB key with the AC's kid is in the trust store and one such key
 * verifies the AC's signature (several keys may share a kid: try each). */
static bool check_ac_signature(cs_verification *v, const cs_key_t **ab_key)
{
    const cs_trust_t *trust = v->verifier->trust;
    char kid[CS_VERIFY_KID_HEX_SIZE];
    size_t candidates = 0;
    cs_err err = CS_ERR_UNTRUSTED;

    if (v->ac.kid == NULL || v->ac.kid_len != CS_KID_SIZE)
        return cs_verify_fail(v, CS_CHECK_AC_TRUSTED, CS_ERR_UNTRUSTED,
                              "the accreditation credential names no %d-byte key id", CS_KID_SIZE);
    cs_verify_kid_hex(v->ac.kid, v->ac.kid_len, kid);
    if (v->verifier->trust_list_count > 0) {
        int listed = cs_verify_listed_signature(v, kid, ab_key);
        if (listed >= 0)
            return listed == 1;
    }
    for (size_t i = 0; i < cs_trust_count(trust); i++) {
        const cs_key_t *key = cs_trust_key_at(trust, i);
        if (!cs_crypto_equal(cs_key_kid(key), v->ac.kid, CS_KID_SIZE))
            continue;
        candidates++;
        if ((err = cs_cose_sign1_verify_reusing(&v->ac, key, &v->verifier->to_be_signed)) ==
            CS_OK) {
            *ab_key = key;
            break;
        }
    }
    if (candidates == 0 && v->verifier->trust_list_count > 0)
        return cs_verify_fail(v, CS_CHECK_AC_TRUSTED, CS_ERR_UNTRUSTED,
                              "accreditation body key %s is in no trust list (%zu given) and not "
                              "among the %zu pinned key(s): no recognised accreditation body "
                              "holds it",
                              kid, v->verifier->trust_list_count, cs_trust_count(trust));
    if (candidates == 0)
        return cs_verify_fail(v, CS_CHECK_AC_TRUSTED, CS_ERR_UNTRUSTED,
                              "accreditation body key %s is not among the %zu key(s) of the trust "
                              "store",
                              kid, cs_trust_count(trust));
    cs_verify_pass(v, CS_CHECK_AC_TRUSTED, "accreditation body key %s is in the trust store", kid);
    if (err != CS_OK)
        return cs_verify_fail(
            v, CS_CHECK_AC_SIGNATURE, err,
            "the accreditation credential does not verify with trusted key %s: %s", kid,
            cs_verify_signature_reason(err));
    return cs_verify_pass(v, CS_CHECK_AC_SIGNATURE, "signed by the accreditation body (%s, %s)",
                          kid, cs_alg_name(cs_key_alg(*ab_key)));
}

static bool check_ac_type(cs_verification *v)
{
    if (!cs_cose_sign1_has_typ(&v->ac, CS_TYP_ACCREDITATION))
        return cs_verify_fail(v, CS_CHECK_AC_TYPE, CS_ERR_COSE_TYPE,
                              "the embedded credential is not an accreditation credential (typ "
                              "\"%.*s\", "
                              "expected \"%s\")",
                              v->ac.typ ? (int)(v->ac.typ_len > 32 ? 32 : v->ac.typ_len) : 0,
                              v->ac.typ ? v->ac.typ : "", CS_TYP_ACCREDITATION);
    return cs_verify_pass(v, CS_CHECK_AC_TYPE, "typ \"%s\"", CS_TYP_ACCREDITATION);
}

bool cs_verify_check_ac_trusted(cs_verification *v, const cs_key_t **ab_key)
{
    return check_ac_signature(v, ab_key) && check_ac_type(v);
}

/* The rules that bind the list's credential to the certificate's: the same
 * AB (iss; with a trust list, the AB whose key verified it), the same CB
 * (sub) and the same accreditation number. */
static cs_err check_same_accreditation(const cs_accreditation *ours, const cs_accreditation *its,
                                       char *detail, size_t detail_size)
{
    if (strcmp(ours->issuer, its->issuer) != 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_LIST_SIGNER_NOT_ACCREDITED,
                              "its key was accredited by \"%.64s\", not by the certificate's "
                              "accreditation body \"%.64s\"",
                              its->issuer, ours->issuer);
    if (strcmp(ours->subject, its->subject) != 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_LIST_SIGNER_NOT_ACCREDITED,
                              "its key was accredited for another certification body (\"%.64s\", "
                              "not \"%.64s\"), which cannot change this one's certificates",
                              its->subject, ours->subject);
    if (strcmp(ours->number, its->number) != 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_LIST_SIGNER_NOT_ACCREDITED,
                              "its key was accredited under accreditation \"%.64s\", not the "
                              "certificate's \"%.64s\"",
                              its->number, ours->number);
    return CS_OK;
}

/* The first failed check of a nested verification, as one detail. */
static cs_err first_failure(const cs_verify_result *r, char *detail, size_t detail_size)
{
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        const cs_check *c = &r->checks[id];
        if (c->state == CS_CHECK_FAIL || c->state == CS_CHECK_UNKNOWN)
            return cs_detail_fail(detail, detail_size, CS_ERR_LIST_SIGNER_NOT_ACCREDITED, "%s",
                                  c->detail);
    }
    return CS_OK;
}

cs_err cs_verify_accept_list_signer(void *ctx, const char *uri, const uint8_t *bytes, size_t len,
                                    cs_accreditation *out, char *detail, size_t detail_size)
{
    cs_verification *outer = ctx;
    cs_verify_result scratch;
    cs_verification v;
    cs_accreditation ac = {0};
    const cs_key_t *ab_key = NULL;
    char why[CS_DETAIL_SIZE] = "";
    cs_err err;

    memset(&scratch, 0, sizeof(scratch));
    v = (cs_verification){.verifier = outer->verifier, .result = &scratch, .now = outer->now};
    if ((err = cs_cose_sign1_decode(bytes, len, &v.ac)) != CS_OK) {
        cs_detail_set(detail, detail_size, "the credential does not decode: %s", cs_strerror(err));
        return err == CS_ERR_NO_MEMORY ? err : CS_ERR_LIST_SIGNER_NOT_ACCREDITED;
    }
    if (!cs_cose_sign1_tagged_alone(&v.ac)) {
        cs_detail_set(detail, detail_size,
                      "the credential is not a COSE_Sign1 with tag 18 alone (DESIGN §3)");
        err = CS_ERR_LIST_SIGNER_NOT_ACCREDITED;
        goto fail;
    }
    if ((err = cs_accreditation_decode_claims(v.ac.payload, v.ac.payload_len, &ac, why,
                                              sizeof(why))) != CS_OK) {
        cs_detail_set(detail, detail_size, "the credential's claims are refused: %s",
                      cs_err_detail(why, err));
        if (err != CS_ERR_NO_MEMORY)
            err = CS_ERR_LIST_SIGNER_NOT_ACCREDITED;
        goto fail;
    }
    /* Step 2 for the list's credential, then the binding to ours. */
    v.accreditation = &ac;
    if (!cs_verify_check_ac_trusted(&v, &ab_key) || !cs_verify_check_listed_ab(&v)) {
        err = first_failure(&scratch, detail, detail_size);
        goto fail;
    }
    if ((err = check_same_accreditation(outer->accreditation, &ac, detail, detail_size)) != CS_OK)
        goto fail;
    /* Its own status, in the AB's list (never the list being chosen). */
    if (ac.status.present && ac.status.uri != NULL && strcmp(ac.status.uri, uri) == 0) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_LIST_SIGNER_NOT_ACCREDITED,
                             "the credential names the list itself as its status list");
        goto fail;
    }
    cs_status_other_key ab_keys[CS_VERIFY_AB_SIGNERS_MAX];
    const cs_status_signers ab_signers = {NULL, NULL, ab_keys,
                                          cs_verify_ab_signers(&v, ab_key, ab_keys)};
    cs_verify_check_status_of(&v, CS_CHECK_AC_STATUS, "accreditation", &ac.status, ab_key,
                              &ab_signers);
    if (scratch.checks[CS_CHECK_AC_STATUS].state != CS_CHECK_PASS) {
        const cs_check *c = &scratch.checks[CS_CHECK_AC_STATUS];
        if (c->err == CS_ERR_NO_MEMORY) {
            err = CS_ERR_NO_MEMORY;
            goto fail;
        }
        err = cs_detail_fail(detail, detail_size, CS_ERR_LIST_SIGNER_NOT_ACCREDITED,
                             "the status of its credential: %s", c->detail);
        goto fail;
    }
    *out = ac;
    memset(&ac, 0, sizeof(ac));
fail:
    cs_accreditation_clear(&ac);
    cs_cose_sign1_clear(&v.ac);
    return err;
}
