/* SPDX-License-Identifier: ISC */
/* Status checks (DESIGN §2 step 6): the AC's status reference looked up in
 * the AB's status list and the CT's in the CB's, the verifier's status
 * settings, and the words and verdicts those checks give. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "certseal/date.h"

#include "certseal/status.h"
#include "verify_internal.h"

/* One object's status reference and the key its list must be signed with. */
typedef struct status_subject {
    cs_check_id check;
    const char *what; /* "accreditation" or "certificate" */
    const cs_status_ref *ref;
    const cs_key_t *key;
    const cs_status_signers *signers; /* other keys that may sign it; NULL: none */
} status_subject;

/* An AC's entry: suspended or withdrawn means the CB is not accredited.  A
 * superseded credential counts as withdrawn: it no longer vouches for the
 * certificates that embed it, and nothing in the token says whether its
 * successor covers them (an AB that only extends a scope issues an
 * additional credential instead). */
static void accreditation_status(cs_verification *v, const cs_status_ref *ref, unsigned value)
{
    unsigned long long index = (unsigned long long)ref->index;
    switch (value) {
    case CS_STATUS_SUSPENDED:
        cs_verify_fail(v, CS_CHECK_AC_STATUS, CS_ERR_AC_SUSPENDED,
                       "the accreditation body has suspended this accreditation "
                       "(status list %s, "
                       "index %llu)",
                       ref->uri, index);
        break;
    case CS_STATUS_WITHDRAWN:
        cs_verify_fail(v, CS_CHECK_AC_STATUS, CS_ERR_AC_WITHDRAWN,
                       "the accreditation body has withdrawn this accreditation "
                       "(status list %s, "
                       "index %llu)",
                       ref->uri, index);
        break;
    default:
        cs_verify_fail(v, CS_CHECK_AC_STATUS, CS_ERR_AC_WITHDRAWN,
                       "the accreditation credential was superseded and no longer vouches for "
                       "certificates; ask for a certificate issued under the current one "
                       "(status "
                       "list %s, index %llu)",
                       ref->uri, index);
        break;
    }
}

static void certificate_status(cs_verification *v, const cs_status_ref *ref, unsigned value)
{
    unsigned long long index = (unsigned long long)ref->index;
    switch (value) {
    case CS_STATUS_SUSPENDED:
        cs_verify_fail(v, CS_CHECK_CT_STATUS, CS_ERR_STATUS_SUSPENDED,
                       "the certification body has suspended this certificate "
                       "(status list %s, "
                       "index %llu)",
                       ref->uri, index);
        break;
    case CS_STATUS_WITHDRAWN:
        cs_verify_fail(v, CS_CHECK_CT_STATUS, CS_ERR_STATUS_WITHDRAWN,
                       "the certification body has withdrawn this certificate "
                       "(status list %s, "
                       "index %llu)",
                       ref->uri, index);
        break;
    default:
        cs_verify_fail(v, CS_CHECK_CT_STATUS, CS_ERR_STATUS_SUPERSEDED,
                       "a later revision replaces this certificate; ask for the current one "
                       "(status list %s, index %llu)",
                       ref->uri, index);
        break;
    }
}

/* A token without a status reference cannot be suspended or withdrawn:
 * it passes, unless status is required. */
static void check_unreferenced(cs_verification *v, const status_subject *s)
{
    if (v->verifier->require_status)
        cs_verify_fail(v, s->check, CS_ERR_STATUS_UNKNOWN,
                       "the %s carries no status reference, and status is required", s->what);
    else
        cs_verify_pass(v, s->check,
                       "carries no status reference (cannot be suspended or withdrawn)");
}

/* A list used after its ttl: the result says as of when. */
static void note_as_of(cs_verification *v, const cs_status_answer *answer)
{
    int64_t *as_of = &v->result->status_as_of;

    if (answer->ttl == 0 || answer->ttl > (uint64_t)INT64_MAX ||
        v->now - answer->issued_at <= (int64_t)answer->ttl)
        return;
    if (*as_of == 0 || answer->issued_at < *as_of)
        *as_of = answer->issued_at;
}

/* No list could be had: a failure, unless status is explicitly optional. */
static void check_unavailable(cs_verification *v, const status_subject *s, const char *detail)
{
    if (v->verifier->status_optional && !v->verifier->require_status)
        cs_verify_record(v, s->check, CS_CHECK_UNKNOWN, CS_ERR_STATUS_UNKNOWN,
                         "%s; status not checked (status is optional)", detail);
    else
        cs_verify_fail(v, s->check, CS_ERR_STATUS_UNKNOWN,
                       "%s, and status is required", detail);
}

/* Step 6 for one object: no reference passes (unless status is required),
 * no list fails (unless status is optional), a list that is refused or an
 * index outside it fails, and the entry's value decides the rest. */
static void check_subject(cs_verification *v, const status_subject *s)
{
    cs_verifier_t *verifier = v->verifier;
    cs_status_policy policy = {v->now, verifier->skew, verifier->max_list_age, verifier->history};
    cs_status_answer answer;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    if (!s->ref->present) {
        check_unreferenced(v, s);
        return;
    }
    err = cs_status_store_lookup(verifier->status, s->ref, s->key, s->signers, &policy, &answer,
                                 detail, sizeof(detail));
    if (err == CS_ERR_STATUS_UNKNOWN) {
        check_unavailable(v, s, detail);
        return;
    }
    if (err != CS_OK) {
        cs_verify_fail(v, s->check, err, "%s", cs_err_detail(detail, err));
        return;
    }
    note_as_of(v, &answer);
    if (answer.value == CS_STATUS_VALID && answer.other_signer) {
        char kid[2 * CS_KID_SIZE + 1];
        for (size_t i = 0; i < CS_KID_SIZE; i++)
            snprintf(kid + 2 * i, 3, "%02x", answer.signer_kid[i]);
        if (s->check == CS_CHECK_AC_STATUS)
            cs_verify_pass(v, s->check,
                           "valid in the status list %s (index %llu), signed with the "
                           "accreditation body's other key %s (%s)",
                           s->ref->uri, (unsigned long long)s->ref->index, kid,
                           v->listing.list != NULL ? "listed for it in the trust list"
                                                   : "pinned in the trust store");
        else
            cs_verify_pass(v, s->check,
                           "valid in the status list %s (index %llu), signed with the "
                           "certification body's other key %s, which the same accreditation "
                           "body accredited under the same number",
                           s->ref->uri, (unsigned long long)s->ref->index, kid);
    } else if (answer.value == CS_STATUS_VALID)
        cs_verify_pass(v, s->check, "valid in the status list %s (index %llu)", s->ref->uri,
                       (unsigned long long)s->ref->index);
    else if (s->check == CS_CHECK_AC_STATUS)
        accreditation_status(v, s->ref, answer.value);
    else
        certificate_status(v, s->ref, answer.value);
}

void cs_verify_check_status_of(cs_verification *v, cs_check_id check, const char *what,
                               const cs_status_ref *ref, const cs_key_t *key,
                               const cs_status_signers *signers)
{
    status_subject s = {check, what, ref, key, signers};
    check_subject(v, &s);
}

size_t cs_verify_ab_signers(const cs_verification *v, const cs_key_t *ab_key,
                            cs_status_other_key keys[CS_VERIFY_AB_SIGNERS_MAX])
{
    size_t n = 0;

    if (v->listing.ab != NULL) {
        /* The AB's other keys in the trust list, never a compromised one. */
        const cs_trustlist_ab *ab = v->listing.ab;
        for (size_t i = 0; i < ab->key_count && n < CS_VERIFY_AB_SIGNERS_MAX; i++) {
            const cs_trustlist_key *k = &ab->keys[i];
            if (k->key == ab_key || k->has_compromised)
                continue;
            keys[n++] = (cs_status_other_key){k->key, k->not_before,
                                              k->has_expires ? k->expires : 0};
        }
        return n;
    }
    /* Pinned keys say nothing of who holds them: any other pinned key. */
    for (size_t i = 0; i < cs_trust_count(v->verifier->trust) && n < CS_VERIFY_AB_SIGNERS_MAX;
         i++) {
        const cs_key_t *k = cs_trust_key_at(v->verifier->trust, i);
        if (k != ab_key)
            keys[n++] = (cs_status_other_key){k, 0, 0};
    }
    return n;
}

void cs_verify_check_status(cs_verification *v, const cs_status_signers *cb_signers)
{
    cs_status_other_key ab_keys[CS_VERIFY_AB_SIGNERS_MAX];
    const cs_status_signers ab_signers = {NULL, NULL, ab_keys,
                                          cs_verify_ab_signers(v, v->ab_key, ab_keys)};
    /* A CB's lists may be signed by another key of the CB that the same AB
     * accredited under the same number (a key change); an AB's lists only
     * by its own keys. */
    cs_verify_check_status_of(v, CS_CHECK_AC_STATUS, "accreditation", &v->accreditation->status,
                              v->ab_key, &ab_signers);
    cs_verify_check_status_of(v, CS_CHECK_CT_STATUS, "certificate",
                              &v->result->certificate.status, v->accreditation->subject_key,
                              cb_signers);
}

cs_verdict cs_verify_status_verdict(cs_check_id id, cs_err err)
{
    if (id == CS_CHECK_AC_STATUS)
        return err == CS_ERR_AC_WITHDRAWN || err == CS_ERR_AC_SUSPENDED ? CS_VERDICT_NOT_ACCREDITED
                                                                        : CS_VERDICT_STATUS_UNKNOWN;
    return err == CS_ERR_STATUS_SUSPENDED    ? CS_VERDICT_SUSPENDED
           : err == CS_ERR_STATUS_WITHDRAWN  ? CS_VERDICT_WITHDRAWN
           : err == CS_ERR_STATUS_SUPERSEDED ? CS_VERDICT_SUPERSEDED
                                             : CS_VERDICT_STATUS_UNKNOWN;
}

/* ---- the verifier's status settings (certseal/verify.h) ------------------- */

cs_err cs_verifier_add_status_list(cs_verifier_t *verifier, const uint8_t *data, size_t len,
                                   char *detail, size_t detail_size)
{
    if (verifier == NULL)
        return CS_ERR_ARGUMENT;
    return cs_status_store_add(verifier->status, data, len, detail, detail_size);
}

void cs_verifier_set_status_source(cs_verifier_t *verifier, cs_status_source_fn source, void *ctx)
{
    if (verifier != NULL)
        cs_status_store_set_source(verifier->status, source, ctx);
}

void cs_verifier_require_status(cs_verifier_t *verifier, bool required)
{
    if (verifier != NULL)
        verifier->require_status = required;
}

void cs_verifier_set_status_optional(cs_verifier_t *verifier, bool optional)
{
    if (verifier != NULL)
        verifier->status_optional = optional;
}

void cs_verifier_set_max_list_age(cs_verifier_t *verifier, int64_t seconds)
{
    if (verifier != NULL && seconds >= 0)
        verifier->max_list_age = seconds;
}

cs_err cs_verifier_each_status_list(const cs_verifier_t *verifier, cs_status_used_fn fn,
                                    void *ctx)
{
    if (verifier == NULL)
        return CS_ERR_ARGUMENT;
    return cs_status_store_each_used(verifier->status, fn, ctx);
}

void cs_verifier_set_status_history(cs_verifier_t *verifier, cs_status_history_t *history)
{
    if (verifier != NULL)
        verifier->history = history;
}

/* Whether a status check decided something: passed, or failed with a
 * known status (suspended, withdrawn, superseded). */
static bool status_decided(const cs_check *c, cs_check_id id)
{
    return c->state == CS_CHECK_PASS ||
           (c->state == CS_CHECK_FAIL &&
            cs_verify_status_verdict(id, c->err) != CS_VERDICT_STATUS_UNKNOWN);
}

bool cs_verify_status_checked(const cs_verify_result *r)
{
    return status_decided(&r->checks[CS_CHECK_AC_STATUS], CS_CHECK_AC_STATUS) &&
           status_decided(&r->checks[CS_CHECK_CT_STATUS], CS_CHECK_CT_STATUS);
}

/* ---- status in a result, in one word -------------------------------------- */

/* Whether the token or credential the status check is about carries a
 * status reference. */
static bool status_referenced(const cs_verify_result *r, cs_check_id which)
{
    return which == CS_CHECK_CT_STATUS
               ? r->has_certificate && r->certificate.status.present
               : r->accreditation != NULL && r->accreditation->status.present;
}

/* The word for a failed status check, from its error. */
static const char *failed_status_word(cs_err err, bool referenced)
{
    switch (err) {
    case CS_ERR_STATUS_SUSPENDED:
    case CS_ERR_AC_SUSPENDED:
        return "suspended";
    case CS_ERR_STATUS_WITHDRAWN:
    case CS_ERR_AC_WITHDRAWN:
        return "withdrawn";
    case CS_ERR_STATUS_SUPERSEDED:
        return "superseded";
    default:
        return referenced ? "unknown" : "not referenced";
    }
}

const char *cs_verify_status_summary(const cs_verify_result *r, cs_check_id which)
{
    const cs_check *check;
    bool referenced;

    if (r == NULL || (which != CS_CHECK_AC_STATUS && which != CS_CHECK_CT_STATUS))
        return "not checked";
    check = &r->checks[which];
    referenced = status_referenced(r, which);
    switch (check->state) {
    case CS_CHECK_NOT_RUN:
        return "not checked";
    case CS_CHECK_UNKNOWN:
        return "unknown";
    case CS_CHECK_PASS:
        return referenced ? "valid" : "not referenced";
    case CS_CHECK_FAIL:
        break;
    }
    return failed_status_word(check->err, referenced);
}

/* ---- warnings ------------------------------------------------------------- */

unsigned cs_verify_warnings(const cs_verify_result *r)
{
    unsigned mask = 0;

    if (r == NULL)
        return 0;
    if (r->verdict == CS_VERDICT_VALID && !r->status_checked)
        mask |= CS_WARNING_STATUS_NOT_CHECKED;
    if (r->status_as_of != 0)
        mask |= CS_WARNING_STATUS_AS_OF;
    if (r->trust_list_stale_since != 0)
        mask |= CS_WARNING_TRUST_LIST_STALE;
    if (r->edition_transition_ends != 0 &&
        r->checks[CS_CHECK_EDITION_CURRENT].state == CS_CHECK_PASS)
        mask |= CS_WARNING_EDITION_TRANSITION;
    return mask;
}

void cs_verify_warning_text(const cs_verify_result *r, cs_verify_warning warning, char *buf,
                            size_t size)
{
    char date[CS_DATETIME_TEXT_SIZE];

    if (buf == NULL || size == 0)
        return;
    buf[0] = '\0';
    if ((cs_verify_warnings(r) & warning) == 0)
        return;
    if (warning == CS_WARNING_EDITION_TRANSITION) {
        /* The check's own note: "this edition's transition ends on ...". */
        snprintf(buf, size, "%s", r->checks[CS_CHECK_EDITION_CURRENT].detail);
    } else if (warning == CS_WARNING_TRUST_LIST_STALE) {
        cs_date_format_datetime(r->trust_list_stale_since, date);
        snprintf(buf, size,
                 "trust list past its next update (%s): used within its grace period; fetch a "
                 "new one from its publisher",
                 date);
    } else if (warning == CS_WARNING_STATUS_NOT_CHECKED) {
        snprintf(buf, size, "status not checked: no status list was had and status is optional, "
                            "so a suspension or withdrawal would not show");
    } else {
        cs_date_format_datetime(r->status_as_of, date);
        snprintf(buf, size,
                 "status as of %s: the status list is past its ttl and no fresher one was had",
                 date);
    }
}
