/* SPDX-License-Identifier: ISC */
/* DESIGN §2 step 2 with trust lists: finding the AB key in the lists, and
 * the checks on the AB that the list makes possible, each a small
 * function that names the rule it applies. */
#include <inttypes.h>
#include <string.h>

#include "certseal/cose.h"
#include "certseal/date.h"
#include "certseal/verify.h"
#include "verify_internal.h"

cs_err cs_verifier_add_trust_list(cs_verifier_t *verifier, const cs_trustlist *list)
{
    if (verifier == NULL || list == NULL || list->abs == NULL)
        return CS_ERR_ARGUMENT;
    if (verifier->trust_list_count == CS_VERIFIER_TRUST_LISTS_MAX)
        return CS_ERR_TOO_LARGE;
    /* Cached credentials may point into a list that is being replaced. */
    cs_ac_cache_clear(&verifier->cache);
    verifier->trust_lists[verifier->trust_list_count++] = list;
    return CS_OK;
}

void cs_verifier_clear_trust_lists(cs_verifier_t *verifier)
{
    if (verifier == NULL)
        return;
    cs_ac_cache_clear(&verifier->cache);
    verifier->trust_list_count = 0;
}

void cs_verifier_set_trust_list_grace(cs_verifier_t *verifier, int64_t seconds)
{
    if (verifier != NULL && seconds >= 0)
        verifier->trust_list_grace = seconds;
}

cs_verdict cs_verify_listed_verdict(cs_err err)
{
    return err == CS_ERR_AB_NOT_ACTIVE ? CS_VERDICT_NOT_ACCREDITED : CS_VERDICT_UNTRUSTED;
}

/* A list past its next update by more than the grace period gives no key. */
static bool list_expired(const cs_verification *v, const cs_trustlist *list)
{
    return v->now >= list->next_update + v->verifier->trust_list_grace;
}

/* Every key of a usable list with the AC's kid, until one verifies. */
int cs_verify_listed_signature(cs_verification *v, const char *kid_hex, const cs_key_t **ab_key)
{
    const cs_verifier_t *verifier = v->verifier;
    const cs_trustlist *expired = NULL;
    size_t candidates = 0;
    cs_err err = CS_ERR_UNTRUSTED;

    for (size_t l = 0; l < verifier->trust_list_count && err != CS_OK; l++) {
        const cs_trustlist *list = verifier->trust_lists[l];
        const cs_trustlist_ab *ab = NULL;
        const cs_trustlist_key *key;
        size_t cursor = 0;
        while (err != CS_OK && (key = cs_trustlist_key_next(list, v->ac.kid, &cursor, &ab))) {
            if (list_expired(v, list)) {
                expired = list;
                continue;
            }
            candidates++;
            err = cs_cose_sign1_verify_reusing(&v->ac, key->key, &v->verifier->to_be_signed);
            if (err == CS_OK) {
                v->listing = (cs_listing){list, ab, key};
                *ab_key = key->key;
            }
        }
    }
    if (candidates == 0 && expired != NULL) {
        char due[CS_DATE_TEXT_SIZE];
        cs_date_format(expired->next_update, due);
        return cs_verify_fail(v, CS_CHECK_AC_TRUSTED, CS_ERR_TRUSTLIST_EXPIRED,
                              "accreditation body key %s is in the trust list of %s, but that "
                              "list was due for update on %s and its grace period is over; fetch "
                              "a new one from %s",
                              kid_hex, expired->issuer, due, expired->uri);
    }
    if (candidates == 0)
        return -1;
    if (err != CS_OK) {
        cs_verify_pass(v, CS_CHECK_AC_TRUSTED, "accreditation body key %s is in a trust list",
                       kid_hex);
        return cs_verify_fail(v, CS_CHECK_AC_SIGNATURE, err,
                              "the accreditation credential does not verify with listed key %s: "
                              "%s",
                              kid_hex, cs_strerror(err));
    }
    cs_verify_pass(v, CS_CHECK_AC_TRUSTED,
                   "accreditation body key %s belongs to %s (%s) in the trust list of %s, "
                   "sequence %" PRIu64,
                   kid_hex, v->listing.ab->id, v->listing.ab->country, v->listing.list->issuer,
                   v->listing.list->sequence);
    cs_verify_pass(v, CS_CHECK_AC_SIGNATURE, "signed by the accreditation body (%s, %s)", kid_hex,
                   cs_alg_name(cs_key_alg(*ab_key)));
    return 1;
}

bool cs_verify_listing_current(const cs_verification *v, const uint8_t kid[CS_KID_SIZE],
                               const cs_key_t *ab_key, const cs_listing *cached)
{
    const cs_verifier_t *verifier = v->verifier;

    /* A pinned key: no list held the kid, and the lists have not changed
     * since (adding one clears the cache). */
    if (cached->list == NULL)
        return true;
    for (size_t l = 0; l < verifier->trust_list_count; l++) {
        const cs_trustlist *list = verifier->trust_lists[l];
        const cs_trustlist_ab *ab = NULL;
        const cs_trustlist_key *key;
        size_t cursor = 0;
        if (list_expired(v, list))
            continue;
        /* Another key under the same kid would not verify the AC: passed
         * over, as the search passes over it. */
        while ((key = cs_trustlist_key_next(list, kid, &cursor, &ab)) != NULL)
            if (key->key == ab_key || cs_key_public_equal(key->key, ab_key))
                return list == cached->list && ab == cached->ab && key == cached->key;
    }
    return false;
}

static void key_text(const cs_trustlist_key *key, char out[2 * CS_KID_SIZE + 1])
{
    static const char digits[] = "0123456789abcdef";
    const uint8_t *kid = cs_key_kid(key->key);
    for (size_t i = 0; i < CS_KID_SIZE; i++) {
        out[2 * i] = digits[kid[i] >> 4];
        out[2 * i + 1] = digits[kid[i] & 15];
    }
    out[2 * CS_KID_SIZE] = '\0';
}

/* A key never speaks for another AB: the AC's iss is the listed AB's id. */
static bool check_identity(cs_verification *v)
{
    const cs_trustlist_ab *ab = v->listing.ab;
    if (strcmp(v->accreditation->issuer, ab->id) != 0)
        return cs_verify_fail(v, CS_CHECK_AB_LISTED, CS_ERR_AB_IMPERSONATION,
                              "the credential claims to come from \"%.64s\", but it was signed "
                              "with a key of %s (%s): a key never speaks for another "
                              "accreditation body",
                              v->accreditation->issuer, ab->id, ab->name);
    return true;
}

/* The key may sign: its period covers the AC's iat, and it is not
 * compromised (then nothing it signed is trusted, whenever). */
static bool check_key_period(cs_verification *v)
{
    const cs_trustlist_key *key = v->listing.key;
    int64_t signed_at = v->accreditation->issued_at;
    char kid[2 * CS_KID_SIZE + 1], when[CS_DATE_TEXT_SIZE], at[CS_DATE_TEXT_SIZE];

    key_text(key, kid);
    cs_date_format(signed_at, at);
    if (key->has_compromised) {
        cs_date_format(key->compromised, when);
        return cs_verify_fail(v, CS_CHECK_AB_LISTED, CS_ERR_AB_KEY_COMPROMISED,
                              "the accreditation body's key %s was reported compromised on %s: "
                              "nothing it signed is trusted (ask the certification body for a "
                              "credential under the new key)",
                              kid, when);
    }
    if (signed_at < key->not_before) {
        cs_date_format(key->not_before, when);
        return cs_verify_fail(v, CS_CHECK_AB_LISTED, CS_ERR_AB_KEY_PERIOD,
                              "the accreditation body's key %s may sign only from %s, but this "
                              "credential was signed on %s",
                              kid, when, at);
    }
    if (key->has_expires && signed_at >= key->expires) {
        cs_date_format(key->expires, when);
        return cs_verify_fail(v, CS_CHECK_AB_LISTED, CS_ERR_AB_KEY_PERIOD,
                              "the accreditation body's key %s was retired on %s, before this "
                              "credential was signed (%s)",
                              kid, when, at);
    }
    return true;
}

static bool check_ab_active(cs_verification *v)
{
    const cs_trustlist_ab *ab = v->listing.ab;
    if (ab->status != CS_AB_ACTIVE)
        return cs_verify_fail(v, CS_CHECK_AB_LISTED, CS_ERR_AB_NOT_ACTIVE,
                              "%s (%s) is %s in the trust list of %s: the accreditations it "
                              "grants are not recognised",
                              ab->name, ab->id, cs_ab_status_name(ab->status),
                              v->listing.list->issuer);
    return true;
}

bool cs_verify_check_listed_ab(cs_verification *v)
{
    const cs_trustlist *list = v->listing.list;

    if (list == NULL)
        return cs_verify_pass(v, CS_CHECK_AB_LISTED,
                              "not checked: the accreditation body's key is pinned, not taken "
                              "from a trust list, so its identity, key period and status were "
                              "not checked");
    if (list_expired(v, list)) {
        char due[CS_DATE_TEXT_SIZE];
        cs_date_format(list->next_update, due);
        return cs_verify_fail(v, CS_CHECK_AC_TRUSTED, CS_ERR_TRUSTLIST_EXPIRED,
                              "the trust list of %s was due for update on %s and its grace "
                              "period is over; fetch a new one from %s",
                              list->issuer, due, list->uri);
    }
    v->result->ab = v->listing.ab;
    v->result->trust_list_issuer = list->issuer;
    if (v->now >= list->next_update &&
        (v->result->trust_list_stale_since == 0 ||
         list->next_update < v->result->trust_list_stale_since))
        v->result->trust_list_stale_since = list->next_update;
    if (!check_identity(v) || !check_key_period(v) || !check_ab_active(v))
        return false;
    return cs_verify_pass(v, CS_CHECK_AB_LISTED, "%s (%s, %s) is active in the trust list of %s",
                          v->listing.ab->name, v->listing.ab->id, v->listing.ab->country,
                          list->issuer);
}

bool cs_verify_check_recognition(cs_verification *v, const cs_certificate *cert)
{
    const cs_trustlist_ab *ab = v->listing.ab;
    char day[CS_DATE_TEXT_SIZE], list[256];

    cs_certificate_standards_text(cert, ", ", list, sizeof(list));
    if (ab == NULL)
        return cs_verify_pass(v, CS_CHECK_AB_RECOGNISED,
                              "not checked: the accreditation body's key is pinned, not taken "
                              "from a trust list, so its recognition for %.200s was not checked",
                              list);
    for (size_t i = 0; i < cert->standard_count; i++) {
        const char *standard = cert->standards[i];
        if (!cs_trustlist_recognises(ab, standard, cert->issued_at)) {
            cs_date_format(cert->issued_at, day);
            return cs_verify_fail(v, CS_CHECK_AB_RECOGNISED, CS_ERR_AB_NOT_RECOGNISED,
                                  "%s is not recognised by %s for %.64s on %s, the day the "
                                  "certificate was issued",
                                  ab->id, v->listing.list->issuer, standard, day);
        }
        if (!cs_trustlist_recognises(ab, standard, v->now)) {
            cs_date_format(v->now, day);
            return cs_verify_fail(v, CS_CHECK_AB_RECOGNISED, CS_ERR_AB_NOT_RECOGNISED,
                                  "%s is no longer recognised by %s for %.64s (as of %s)", ab->id,
                                  v->listing.list->issuer, standard, day);
        }
    }
    return cs_verify_pass(v, CS_CHECK_AB_RECOGNISED, "%s is recognised by %s for %.200s", ab->id,
                          v->listing.list->issuer, list);
}
