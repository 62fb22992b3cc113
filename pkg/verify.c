/* SPDX-License-Identifier: ISC */
/* Chain verification (DESIGN §2 steps 1-5, the verdict and the verifier's
 * life cycle): each check a small function that sets its own entry of the
 * result, named after the rule it applies.  Step 6 (status) is in
 * pkg/verify_status.c, the cache of verified ACs in pkg/verify_cache.c,
 * the check names and the helpers that record a check in
 * pkg/verify_record.c. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certseal/cose.h"
#include "certseal/date.h"
#include "certseal/verify.h"
#include "verify_internal.h"

/* The verdict a failure of each check gives. */
static cs_verdict verdict_for(cs_check_id id, cs_err err)
{
    switch (id) {
    case CS_CHECK_DECODE:
    case CS_CHECK_AC_TYPE:
    case CS_CHECK_CT_TYPE:
        return CS_VERDICT_MALFORMED;
    case CS_CHECK_AC_TRUSTED:
        return CS_VERDICT_UNTRUSTED;
    case CS_CHECK_AC_SIGNATURE:
    case CS_CHECK_CT_KEY:
    case CS_CHECK_CT_SIGNATURE:
        return CS_VERDICT_INVALID_SIGNATURE;
    case CS_CHECK_CT_VALIDITY:
        return err == CS_ERR_NOT_YET_VALID ? CS_VERDICT_NOT_YET_VALID : CS_VERDICT_EXPIRED;
    case CS_CHECK_AC_STATUS:
    case CS_CHECK_CT_STATUS:
        return cs_verify_status_verdict(id, err);
    case CS_CHECK_AB_LISTED:
        return cs_verify_listed_verdict(err);
    case CS_CHECK_EDITION_CURRENT:
        return CS_VERDICT_EXPIRED;
    default:
        return CS_VERDICT_NOT_ACCREDITED;
    }
}

/* Last valid day of an exclusive end instant (DESIGN §3: exp is 00:00 of
 * the day after the expiry date). */
static void format_last_day(int64_t exclusive_end, char out[CS_DATE_TEXT_SIZE])
{
    cs_date_format(exclusive_end - 1, out);
}

/* ---- step 1: decode ------------------------------------------------------- */

static const char *decode_advice(cs_err err)
{
    switch (err) {
    case CS_ERR_FORM:
        return "expected CS1:..., an https:// link or COSE bytes";
    case CS_ERR_BASE45:
    case CS_ERR_BASE32:
    case CS_ERR_HEX:
        return "the text was damaged or mistyped; scan or copy it again";
    case CS_ERR_INFLATE:
        return "the compressed data is damaged or cut short; scan or copy it again";
    case CS_ERR_INFLATE_LIMIT:
        return "it inflates past the 64 KiB limit";
    default:
        return "this is not a token certseal issued";
    }
}

/* Step 1: the form decodes, and the CT is a strict COSE_Sign1 carrying an
 * AC in its protected header.  (The AC itself is decoded in step 2, and
 * only when the cache does not hold it already.) */
static bool check_decode(cs_verification *v, const uint8_t *token, size_t len)
{
    cs_verify_result *r = v->result;
    const uint8_t *cose;
    char detail[CS_DETAIL_SIZE];
    cs_err err;

    detail[0] = '\0'; /* only read when the claims are refused */
    r->token_length = len;
    if ((err = cs_token_unwrap(v->verifier->codec, token, len, &r->form, &cose, &r->cose_length)) !=
        CS_OK)
        return cs_verify_fail(v, CS_CHECK_DECODE, err, "%s token: %s (%s)", cs_form_name(r->form),
                              cs_strerror(err), decode_advice(err));
    if ((err = cs_cose_sign1_decode(cose, r->cose_length, &v->ct)) != CS_OK)
        return cs_verify_fail(v, CS_CHECK_DECODE, err, "certificate token: %s (%s)",
                              cs_strerror(err), decode_advice(err));
    if (!cs_cose_sign1_tagged_alone(&v->ct))
        return cs_verify_fail(v, CS_CHECK_DECODE, CS_ERR_CBOR_TAG,
                              "certificate token: %s, not a COSE_Sign1 with tag 18 alone (%s)",
                              v->ct.cwt_tagged ? "wrapped in the CWT tag 61" : "untagged",
                              decode_advice(CS_ERR_CBOR_TAG));
    if (v->ct.accreditation == NULL) {
        if (cs_cose_sign1_has_typ(&v->ct, CS_TYP_ACCREDITATION))
            return cs_verify_fail(
                v, CS_CHECK_DECODE, CS_ERR_COSE_TYPE,
                "this is an accreditation credential (typ \"%s\"), not a certificate "
                "token; verify the certificate's own token",
                CS_TYP_ACCREDITATION);
        return cs_verify_fail(v, CS_CHECK_DECODE, CS_ERR_COSE,
                              "the token carries no accreditation credential (protected header %d)",
                              CS_COSE_HEADER_ACCREDITATION);
    }
    if ((err = cs_certificate_decode_claims(v->ct.payload, v->ct.payload_len, &r->certificate,
                                            detail, sizeof(detail))) != CS_OK)
        return cs_verify_fail(v, CS_CHECK_DECODE, err, "%s", detail);
    r->has_certificate = true;
    return cs_verify_pass(v, CS_CHECK_DECODE, "%s form, %zu characters, %zu bytes of COSE",
                          cs_form_name(r->form), r->token_length, r->cose_length);
}

/* ---- step 2: the accreditation credential --------------------------------- */

/* Step 2 then 3 for an AC whose cnf is a key of small order or not
 * canonical (DESIGN §2 step 2): whoever signed the AC, that key signs for
 * anyone, so the certificate's signature proves nothing.  The AC's own
 * signature is still checked first, so that an untrusted one stays
 * UNTRUSTED. */
static bool check_weak_subject_key(cs_verification *v)
{
    const cs_key_t *ab_key = NULL;

    if (!cs_verify_check_ac_trusted(v, &ab_key))
        return false;
    cs_verify_pass(v, CS_CHECK_AB_LISTED,
                   "not checked: the credential's claims were refused (its key is weak)");
    return cs_verify_fail(v, CS_CHECK_CT_KEY, CS_ERR_KEY_WEAK,
                          "the accreditation names a certification body key of small order or "
                          "not canonically encoded, one that anyone can sign with; nothing it "
                          "signs is trusted (the accreditation body must withdraw it)");
}

/* Step 2 with the cache: a hit skips the signature check and the decoding
 * of the AC (DESIGN §8: the verified AC and its parsed key are cached). */
static bool check_accreditation(cs_verification *v)
{
    cs_verifier_t *verifier = v->verifier;
    const cs_key_t *ab_key = NULL;
    cs_accreditation ac = {0};
    char detail[CS_DETAIL_SIZE];
    cs_err err;

    detail[0] = '\0'; /* only read on a miss whose claims are refused */
    const cs_ac_cache_entry *hit =
        cs_ac_cache_find(&verifier->cache, v->ct.accreditation, v->ct.accreditation_len);
    /* The trust list that vouched for it may have lapsed since, and another
     * list vouch for it now: what a fresh verifier would find (DESIGN §2). */
    if (hit != NULL && !cs_verify_listing_current(v, hit->ab_kid, hit->ab_key, &hit->listing)) {
        cs_ac_cache_forget(&verifier->cache, v->ct.accreditation, v->ct.accreditation_len);
        hit = NULL;
    }
    if (hit != NULL) {
        v->accreditation = &hit->ac;
        v->ab_key = hit->ab_key;
        v->listing = hit->listing;
        memcpy(v->result->ab_kid, hit->ab_kid, CS_KID_SIZE);
        cs_verify_pass(v, CS_CHECK_AC_TRUSTED, "%s", hit->trusted_detail);
        cs_verify_pass(v, CS_CHECK_AC_SIGNATURE, "%s", hit->signature_detail);
        return cs_verify_pass(v, CS_CHECK_AC_TYPE, "typ \"%s\"", CS_TYP_ACCREDITATION);
    }

    if ((err = cs_cose_sign1_decode(v->ct.accreditation, v->ct.accreditation_len, &v->ac)) != CS_OK)
        return cs_verify_fail(v, CS_CHECK_DECODE, err, "embedded accreditation credential: %s",
                              cs_strerror(err));
    if (!cs_cose_sign1_tagged_alone(&v->ac))
        return cs_verify_fail(v, CS_CHECK_DECODE, CS_ERR_CBOR_TAG,
                              "embedded accreditation credential: %s, not a COSE_Sign1 with tag "
                              "18 alone",
                              v->ac.cwt_tagged ? "wrapped in the CWT tag 61" : "untagged");
    err = cs_accreditation_decode_claims(v->ac.payload, v->ac.payload_len, &ac, detail,
                                         sizeof(detail));
    if (v->ac.kid != NULL && v->ac.kid_len == CS_KID_SIZE)
        memcpy(v->result->ab_kid, v->ac.kid, CS_KID_SIZE);
    if (err == CS_ERR_KEY_WEAK)
        return check_weak_subject_key(v);
    if (err != CS_OK)
        return cs_verify_fail(v, CS_CHECK_DECODE, err, "%s", detail);
    if (!cs_verify_check_ac_trusted(v, &ab_key)) {
        /* Shown as "not verified"; never cached. */
        verifier->unverified_ac = ac;
        v->accreditation = &verifier->unverified_ac;
        return false;
    }
    v->ab_key = ab_key;
    v->accreditation =
        cs_ac_cache_insert(&verifier->cache, v->ct.accreditation, v->ct.accreditation_len, &ac,
                           ab_key, &v->listing, v->result->checks[CS_CHECK_AC_TRUSTED].detail,
                           v->result->checks[CS_CHECK_AC_SIGNATURE].detail);
    if (v->accreditation == NULL) {
        /* No memory to cache it: kept uncached, which is just as correct. */
        verifier->unverified_ac = ac;
        v->accreditation = &verifier->unverified_ac;
    }
    return true;
}

/* ---- step 3: the certificate token ---------------------------------------- */

/* Step 3: the CT's kid is the kid of the key the AC accredits, and that key
 * verifies the CT's signature; the CT's typ is the CT type. */
static bool check_certificate_signature(cs_verification *v)
{
    const cs_key_t *cb_key = v->accreditation->subject_key;
    char want[CS_VERIFY_KID_HEX_SIZE], got[CS_VERIFY_KID_HEX_SIZE] = "none";
    cs_err err;

    cs_verify_kid_hex(cs_key_kid(cb_key), CS_KID_SIZE, want);
    if (v->ct.kid != NULL)
        cs_verify_kid_hex(v->ct.kid, v->ct.kid_len, got);
    if (v->ct.kid == NULL || v->ct.kid_len != CS_KID_SIZE ||
        !cs_crypto_equal(v->ct.kid, cs_key_kid(cb_key), CS_KID_SIZE))
        return cs_verify_fail(v, CS_CHECK_CT_KEY, CS_ERR_KEY_NOT_ACCREDITED,
                              "the certificate was signed by key %s, but the "
                              "accreditation names key %s "
                              "(re-issue with the accredited key)",
                              got, want);
    memcpy(v->result->ct_kid, v->ct.kid, CS_KID_SIZE);
    v->result->has_kids = true;
    cs_verify_pass(v, CS_CHECK_CT_KEY, "signed with the accredited key %s", want);
    if ((err = cs_cose_sign1_verify_reusing(&v->ct, cb_key, &v->verifier->to_be_signed)) != CS_OK)
        return cs_verify_fail(v, CS_CHECK_CT_SIGNATURE, err,
                              "the certificate does not verify with the accredited key %s: %s",
                              want, cs_verify_signature_reason(err));
    cs_verify_pass(v, CS_CHECK_CT_SIGNATURE, "signed by %s (%s)", v->accreditation->name,
                   cs_alg_name(cs_key_alg(cb_key)));
    if (!cs_cose_sign1_has_typ(&v->ct, CS_TYP_CERTIFICATE))
        return cs_verify_fail(v, CS_CHECK_CT_TYPE, CS_ERR_COSE_TYPE,
                              "the token is not a certificate token (expected typ \"%s\")",
                              CS_TYP_CERTIFICATE);
    v->result->signatures_verified = true;
    return cs_verify_pass(v, CS_CHECK_CT_TYPE, "typ \"%s\"", CS_TYP_CERTIFICATE);
}

/* ---- step 4: scope -------------------------------------------------------- */

static bool check_issuer(cs_verification *v, const cs_certificate *cert)
{
    if (strcmp(cert->issuer, v->accreditation->subject) != 0)
        return cs_verify_fail(v, CS_CHECK_ISSUER, CS_ERR_ISSUER_MISMATCH,
                              "issued by \"%s\", but the accreditation is for \"%s\"", cert->issuer,
                              v->accreditation->subject);
    return cs_verify_pass(v, CS_CHECK_ISSUER, "issued by %s (%s)", cert->issuer,
                          v->accreditation->name);
}

/* Every standard of the certificate (several for an integrated one) is in
 * the AC; the first that is not names the failure. */
static bool check_standard(cs_verification *v, const cs_certificate *cert)
{
    const cs_accreditation *ac = v->accreditation;
    const char *outside = cs_certificate_unaccredited_standard(cert, ac);
    char list[CS_DETAIL_SIZE];

    if (outside != NULL)
        return cs_verify_fail(v, CS_CHECK_STANDARD, CS_ERR_STANDARD_NOT_ACCREDITED,
                              "%s is not among the standards of accreditation %s (%zu listed)",
                              outside, ac->number, ac->standard_count);
    cs_certificate_standards_text(cert, ", ", list, sizeof(list) - 64);
    return cs_verify_pass(v, CS_CHECK_STANDARD, "%s %s within accreditation %s", list,
                          cert->standard_count > 1 ? "are" : "is", ac->number);
}

static bool iaf_code_accredited(const cs_accreditation *ac, uint64_t code)
{
    for (size_t i = 0; i < ac->iaf_count; i++)
        if (ac->iaf_codes[i] == code)
            return true;
    return false;
}

static bool check_iaf_sectors(cs_verification *v, const cs_certificate *cert)
{
    for (size_t i = 0; i < cert->iaf_count; i++)
        if (!iaf_code_accredited(v->accreditation, cert->iaf_codes[i]))
            return cs_verify_fail(v, CS_CHECK_IAF_SECTORS, CS_ERR_IAF_NOT_ACCREDITED,
                                  "IAF sector %llu is not within accreditation %s",
                                  (unsigned long long)cert->iaf_codes[i], v->accreditation->number);
    if (cert->iaf_count == 0)
        return cs_verify_pass(v, CS_CHECK_IAF_SECTORS, "no IAF sector claimed");
    return cs_verify_pass(v, CS_CHECK_IAF_SECTORS, "%zu IAF sector(s) within the accreditation",
                          cert->iaf_count);
}

static bool check_accreditation_number(cs_verification *v, const cs_certificate *cert)
{
    if (strcmp(cert->accreditation_number, v->accreditation->number) != 0)
        return cs_verify_fail(v, CS_CHECK_ACCREDITATION_NUMBER, CS_ERR_ACCREDITATION_NUMBER,
                              "the certificate cites accreditation \"%s\", but the "
                              "credential is \"%s\"",
                              cert->accreditation_number, v->accreditation->number);
    return cs_verify_pass(v, CS_CHECK_ACCREDITATION_NUMBER, "accreditation %s",
                          cert->accreditation_number);
}

/* ---- step 5: time --------------------------------------------------------- */

static bool check_accredited_at_issue(cs_verification *v, const cs_certificate *cert)
{
    const cs_accreditation *ac = v->accreditation;
    char issued[CS_DATE_TEXT_SIZE], from[CS_DATE_TEXT_SIZE], to[CS_DATE_TEXT_SIZE];

    cs_date_format(cert->issued_at, issued);
    if (cert->issued_at < ac->not_before || cert->issued_at >= ac->expires) {
        cs_date_format(ac->not_before, from);
        format_last_day(ac->expires, to);
        return cs_verify_fail(v, CS_CHECK_ACCREDITED_AT_ISSUE, CS_ERR_AC_NOT_VALID_AT_ISSUE,
                              "issued on %s, outside the accreditation's validity %s to %s", issued,
                              from, to);
    }
    return cs_verify_pass(v, CS_CHECK_ACCREDITED_AT_ISSUE, "accredited on the issue date %s",
                          issued);
}

/* A validity period [start, end) checked against now, with the clock skew
 * allowed on both sides; `what` names the object in the messages. */
typedef struct validity {
    cs_check_id check;
    const char *what;
    int64_t start, end;
    cs_err not_yet_valid, expired;
} validity;

static bool check_validity(cs_verification *v, const validity *period)
{
    int64_t now = v->now, skew = v->verifier->skew;
    char first[CS_DATE_TEXT_SIZE], last[CS_DATE_TEXT_SIZE];

    cs_date_format(period->start, first);
    format_last_day(period->end, last);
    if (now + skew < period->start)
        return cs_verify_fail(v, period->check, period->not_yet_valid,
                              "the %s is not valid before %s", period->what, first);
    if (now - skew >= period->end)
        return cs_verify_fail(v, period->check, period->expired, "the %s expired after %s",
                              period->what, last);
    return cs_verify_pass(v, period->check, "valid from %s to %s", first, last);
}

/* Step 5: iat, and nbf when the CT carries one (the later of the two),
 * <= now < exp. */
static bool check_certificate_validity(cs_verification *v, const cs_certificate *cert)
{
    int64_t start = cert->issued_at;
    if (cert->has_not_before && cert->not_before > start)
        start = cert->not_before;
    validity period = {CS_CHECK_CT_VALIDITY, "certificate",        start,
                       cert->expires,        CS_ERR_NOT_YET_VALID, CS_ERR_EXPIRED};
    return check_validity(v, &period);
}

static bool check_accreditation_validity(cs_verification *v)
{
    validity period = {CS_CHECK_AC_VALIDITY,         "accreditation",
                       v->accreditation->not_before, v->accreditation->expires,
                       CS_ERR_AC_NOT_YET_VALID,      CS_ERR_AC_EXPIRED};
    return check_validity(v, &period);
}

/* ---- putting it together -------------------------------------------------- */

static void run_checks(cs_verification *v, const uint8_t *token, size_t len)
{
    const cs_certificate *cert = &v->result->certificate;

    if (!check_decode(v, token, len) || !check_accreditation(v) || !cs_verify_check_listed_ab(v))
        return;
    v->result->accreditation = v->accreditation;
    if (!check_certificate_signature(v))
        return;
    /* Steps 4 and 5 all run, so the result lists every problem. */
    check_issuer(v, cert);
    check_standard(v, cert);
    cs_verify_check_recognition(v, cert);
    check_iaf_sectors(v, cert);
    check_accreditation_number(v, cert);
    check_accredited_at_issue(v, cert);
    check_certificate_validity(v, cert);
    check_accreditation_validity(v);
    /* Step 6, the AC in the AB's list, then the CT in the CB's (which the
     * CB's other accredited keys may sign). */
    const cs_status_signers cb_signers = {cs_verify_accept_list_signer, v, NULL, 0};
    cs_verify_check_status(v, &cb_signers);
    /* Step 7, the standards catalog. */
    cs_verify_check_edition(v, cert);
}

/* The verdict of the first failing check, except that a status that
 * could not be checked never hides a later one that was (DESIGN §2: an
 * unknown AC status and a withdrawn CT give WITHDRAWN; an unknown status and
 * an edition that has ended give EXPIRED). */
static void settle_verdict(cs_verify_result *r)
{
    r->verdict = CS_VERDICT_VALID;
    r->err = CS_OK;
    r->status_checked = cs_verify_status_checked(r);
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        if (r->checks[id].state != CS_CHECK_FAIL)
            continue;
        cs_verdict verdict = verdict_for((cs_check_id)id, r->checks[id].err);
        if (r->verdict == CS_VERDICT_VALID ||
            (r->verdict == CS_VERDICT_STATUS_UNKNOWN && verdict != CS_VERDICT_STATUS_UNKNOWN &&
             (id == CS_CHECK_AC_STATUS || id == CS_CHECK_CT_STATUS ||
              id == CS_CHECK_EDITION_CURRENT))) {
            r->failed = (cs_check_id)id;
            r->err = r->checks[id].err;
            r->verdict = verdict;
        }
    }
}

/* Every field of the result zero and every detail "".  The details are
 * most of the struct (CS_CHECK_COUNT x CS_DETAIL_SIZE bytes) and are only
 * ever read as strings, so each is emptied by its first byte rather than
 * wiped whole: a result is reset twice per verification, here and by the
 * caller's cs_verify_result_clear(). */
static void result_reset(cs_verify_result *r)
{
    const size_t checks_start = offsetof(cs_verify_result, checks);
    const size_t checks_end = checks_start + sizeof(r->checks);

    memset(r, 0, checks_start);
    for (int id = 0; id < CS_CHECK_COUNT; id++) {
        r->checks[id].state = CS_CHECK_NOT_RUN;
        r->checks[id].err = CS_OK;
        r->checks[id].detail[0] = '\0';
    }
    memset((char *)r + checks_end, 0, sizeof(*r) - checks_end);
}

cs_err cs_verifier_verify(cs_verifier_t *verifier, const uint8_t *token, size_t len,
                          cs_verify_result *result)
{
    cs_verification v = {.verifier = verifier, .result = result};

    if (result != NULL)
        result_reset(result);
    if (verifier == NULL || token == NULL || result == NULL)
        return CS_ERR_ARGUMENT;
    cs_accreditation_clear(&verifier->unverified_ac);
    v.now = verifier->fixed_time >= 0 ? verifier->fixed_time : (int64_t)time(NULL);
    result->verified_at = v.now;

    run_checks(&v, token, len);
    if (v.accreditation != NULL)
        result->accreditation = v.accreditation;
    settle_verdict(result);
    cs_cose_sign1_clear(&v.ct);
    cs_cose_sign1_clear(&v.ac);
    return result->err == CS_ERR_NO_MEMORY ? CS_ERR_NO_MEMORY : CS_OK;
}

void cs_verify_result_clear(cs_verify_result *result)
{
    if (result == NULL)
        return;
    cs_certificate_clear(&result->certificate);
    result_reset(result);
}

cs_err cs_verifier_new(const cs_trust_t *trust, cs_verifier_t **out)
{
    cs_verifier_t *verifier;
    cs_err err;

    if (trust == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if ((verifier = calloc(1, sizeof(*verifier))) == NULL)
        return CS_ERR_NO_MEMORY;
    if ((err = cs_token_codec_new(&verifier->codec)) != CS_OK) {
        free(verifier);
        return err;
    }
    if ((err = cs_status_store_new(&verifier->status)) != CS_OK) {
        cs_token_codec_free(&verifier->codec);
        free(verifier);
        return err;
    }
    verifier->trust = trust;
    cs_cbor_writer_init(&verifier->to_be_signed);
    verifier->fixed_time = -1;
    verifier->skew = CS_DEFAULT_CLOCK_SKEW;
    verifier->max_list_age = CS_DEFAULT_MAX_LIST_AGE;
    verifier->trust_list_grace = CS_DEFAULT_TRUST_LIST_GRACE;
    *out = verifier;
    return CS_OK;
}

void cs_verifier_free(cs_verifier_t **verifier)
{
    if (verifier == NULL || *verifier == NULL)
        return;
    cs_ac_cache_clear(&(*verifier)->cache);
    cs_accreditation_clear(&(*verifier)->unverified_ac);
    cs_token_codec_free(&(*verifier)->codec);
    cs_status_store_free(&(*verifier)->status);
    cs_cbor_writer_free(&(*verifier)->to_be_signed);
    cs_catalog_free(&(*verifier)->catalog);
    free(*verifier);
    *verifier = NULL;
}

void cs_verifier_set_time(cs_verifier_t *verifier, int64_t at)
{
    if (verifier != NULL)
        verifier->fixed_time = at < 0 ? -1 : at;
}

void cs_verifier_set_clock_skew(cs_verifier_t *verifier, int64_t seconds)
{
    if (verifier != NULL && seconds >= 0)
        verifier->skew = seconds;
}
