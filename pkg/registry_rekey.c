/* SPDX-License-Identifier: ISC */
/*
 * Key changes (DESIGN §5): rekey, which moves a registry to a new signing
 * key (and a CB to the new key's AC), and reissue, which re-issues a CB's
 * current certificates under its current key and AC.  Each change is one
 * transaction, recorded in the event log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certseal/cose.h"
#include "certseal/date.h"
#include "registry_db.h"

#define KEY_REF_MAX 4096

static void kid_hex(const uint8_t *kid, char out[2 * CS_KID_SIZE + 1])
{
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", kid[i]);
}

/* ---- rekey ----------------------------------------------------------------------- */

/* An AC's COSE bytes (from any token form) and its claims. */
static cs_err read_ac(cs_token_codec_t *codec, const uint8_t *data, size_t len, uint8_t **cose,
                      size_t *cose_len, cs_accreditation *ac)
{
    cs_cose_sign1 msg = {0};
    const uint8_t *bytes;
    cs_form form;
    cs_err err;

    if ((err = cs_token_unwrap(codec, data, len, &form, &bytes, cose_len)) != CS_OK ||
        (err = cs_cose_sign1_decode(bytes, *cose_len, &msg)) != CS_OK)
        return err;
    if (!cs_cose_sign1_has_typ(&msg, CS_TYP_ACCREDITATION))
        err = CS_ERR_COSE_TYPE;
    else if ((err = cs_accreditation_decode_claims(msg.payload, msg.payload_len, ac, NULL, 0)) ==
                 CS_OK &&
             (*cose = malloc(*cose_len)) == NULL)
        err = CS_ERR_NO_MEMORY;
    else if (err == CS_OK)
        memcpy(*cose, bytes, *cose_len);
    cs_cose_sign1_clear(&msg);
    return err;
}

/* The rules of a CB's new credential: for the new key, from the same AB,
 * for the same CB, under the same number, not expired, not the current
 * one. */
static cs_err check_new_ac(const cs_accreditation *now_ac, const cs_accreditation *new_ac,
                           const cs_key_t *new_key, bool same_bytes, int64_t now, char *detail,
                           size_t size)
{
    char want[2 * CS_KID_SIZE + 1], got[2 * CS_KID_SIZE + 1];

    kid_hex(cs_key_kid(new_key), want);
    kid_hex(cs_key_kid(new_ac->subject_key), got);
    if (!cs_crypto_equal(cs_key_kid(new_ac->subject_key), cs_key_kid(new_key), CS_KID_SIZE))
        return cs_detail_fail(detail, size, CS_ERR_REKEY_MISMATCH,
                              "the new credential accredits key %s, not the new key %s (give "
                              "the credential the accreditation body issued for the new key)",
                              got, want);
    if (strcmp(new_ac->issuer, now_ac->issuer) != 0)
        return cs_detail_fail(detail, size, CS_ERR_REKEY_MISMATCH,
                              "the new credential was issued by %s, not by %s, the accreditation "
                              "body of the registry's credential",
                              new_ac->issuer, now_ac->issuer);
    if (strcmp(new_ac->subject, now_ac->subject) != 0)
        return cs_detail_fail(detail, size, CS_ERR_REKEY_MISMATCH,
                              "the new credential is for %s, not for %s, the certification body "
                              "of this registry",
                              new_ac->subject, now_ac->subject);
    if (strcmp(new_ac->number, now_ac->number) != 0)
        return cs_detail_fail(detail, size, CS_ERR_REKEY_MISMATCH,
                              "the new credential is accreditation %s, not %s (a key change "
                              "keeps the accreditation number; a new number needs a new registry)",
                              new_ac->number, now_ac->number);
    if (new_ac->expires <= now)
        return cs_detail_fail(detail, size, CS_ERR_REKEY_MISMATCH,
                              "the new credential has expired (ask the accreditation body for a "
                              "current one)");
    if (same_bytes)
        return cs_detail_fail(detail, size, CS_ERR_REKEY_MISMATCH,
                              "the registry already signs with this key and credential");
    return CS_OK;
}

/* CB: reads and checks the new AC against the current one. */
static cs_err check_cb_rekey(cs_registry_t *registry, const cs_key_t *new_key, const uint8_t *data,
                             size_t len, uint8_t **cose, size_t *cose_len, char *detail,
                             size_t size)
{
    cs_token_codec_t *codec = NULL;
    cs_accreditation now_ac = {0}, new_ac = {0};
    uint8_t *old_cose = NULL;
    size_t old_len = 0;
    cs_err err;

    if ((err = cs_token_codec_new(&codec)) != CS_OK)
        return err;
    if ((err = read_ac(codec, data, len, cose, cose_len, &new_ac)) != CS_OK) {
        if (err != CS_ERR_NO_MEMORY)
            err = cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                                 "the new accreditation credential does not decode (%s)",
                                 cs_strerror(err));
        goto fail;
    }
    if ((err = read_ac(codec, registry->accreditation, registry->accreditation_len, &old_cose,
                       &old_len, &now_ac)) != CS_OK) {
        err =
            cs_detail_fail(detail, size, CS_ERR_REGISTRY,
                           "the registry's own credential does not decode (%s)", cs_strerror(err));
        goto fail;
    }
    err = check_new_ac(&now_ac, &new_ac, new_key,
                       old_len == *cose_len && memcmp(old_cose, *cose, old_len) == 0,
                       (int64_t)time(NULL), detail, size);
fail:
    if (err != CS_OK) {
        free(*cose);
        *cose = NULL;
    }
    free(old_cose);
    cs_accreditation_clear(&now_ac);
    cs_accreditation_clear(&new_ac);
    cs_token_codec_free(&codec);
    return err;
}

/* Inside the write transaction: the old key to the history, the new one
 * in the settings, the event. */
static cs_err record_rekey(cs_registry_t *registry, const cs_key_t *new_key, const char *key_ref,
                           const uint8_t *cose, size_t cose_len, const cs_registry_actor *actor,
                           char *detail, size_t size)
{
    char old_kid[2 * CS_KID_SIZE + 1] = "none", new_kid[2 * CS_KID_SIZE + 1];
    char reason[CS_REGISTRY_REASON_MAX + 64];
    cs_registry_actor event_actor = {actor != NULL ? actor->name : NULL, reason};
    registry_query *q = NULL;
    int64_t now = (int64_t)time(NULL);
    cs_err err;

    if (registry->has_kid)
        kid_hex(registry->kid, old_kid);
    kid_hex(cs_key_kid(new_key), new_kid);
    snprintf(reason, sizeof(reason), "key %s replaced by key %s%s%s", old_kid, new_kid,
             actor != NULL && actor->reason != NULL && actor->reason[0] != '\0' ? ": " : "",
             actor != NULL && actor->reason != NULL ? actor->reason : "");
    if ((err = registry_prepare(registry, SQL_RETIRE_KEY, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_int64(q, 1, now);
    if ((err = registry_run_bound(q, "changing the key", detail, size)) != CS_OK ||
        (err = registry_prepare(registry, SQL_CHANGE_KEY, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, key_ref);
    sql_bind_blob(q, 2, cs_key_kid(new_key), CS_KID_SIZE);
    sql_bind_blob(q, 3, cose, cose_len);
    if ((err = registry_run_bound(q, "changing the key", detail, size)) != CS_OK)
        return err;
    return registry_insert_event(registry, "", 0, now, "rekeyed", &event_actor, detail, size);
}

cs_err cs_registry_rekey(cs_registry_t *registry, const cs_key_t *new_key, const char *key_ref,
                         const uint8_t *accreditation, size_t accreditation_len,
                         const cs_registry_actor *actor, char *detail, size_t detail_size)
{
    uint8_t *cose = NULL;
    size_t cose_len = 0;
    char *path = NULL;
    cs_err err;

    if (registry == NULL || new_key == NULL || !cs_key_has_private(new_key) || key_ref == NULL)
        return cs_detail_fail(detail, detail_size, CS_ERR_ARGUMENT,
                              "the new private key is needed");
    if (key_ref[0] == '\0' || strlen(key_ref) > KEY_REF_MAX)
        return cs_detail_fail(detail, detail_size, CS_ERR_ARGUMENT,
                              "the new key's reference is empty or longer than %d bytes",
                              KEY_REF_MAX);
    if ((err = registry_check_actor(actor, detail, detail_size)) != CS_OK)
        return err;
    if (registry->role == CS_REGISTRY_ROLE_CB) {
        if (accreditation == NULL || accreditation_len == 0)
            return cs_detail_fail(detail, detail_size, CS_ERR_ARGUMENT,
                                  "a certification body's new key needs its accreditation "
                                  "credential (ask the accreditation body for one)");
        if ((err = check_cb_rekey(registry, new_key, accreditation, accreditation_len, &cose,
                                  &cose_len, detail, detail_size)) != CS_OK)
            return err;
    } else if (accreditation != NULL) {
        return cs_detail_fail(detail, detail_size, CS_ERR_ARGUMENT,
                              "an accreditation body's key has no accreditation credential; its "
                              "keys are in the trust list");
    } else if (registry->has_kid &&
               cs_crypto_equal(registry->kid, cs_key_kid(new_key), CS_KID_SIZE)) {
        return cs_detail_fail(detail, detail_size, CS_ERR_REKEY_MISMATCH,
                              "the registry already signs with this key");
    }
    if ((path = strdup(key_ref)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    unsigned attempt = 0;
    do {
        if ((err = registry_begin_write(registry, detail, detail_size)) == CS_OK &&
            ((err = record_rekey(registry, new_key, key_ref, cose, cose_len, actor, detail,
                                 detail_size)) != CS_OK ||
             (err = registry_commit(registry, detail, detail_size)) != CS_OK))
            registry_rollback(registry);
    } while (registry_retry_wait(++attempt, err, detail, detail_size));
    if (err != CS_OK)
        goto fail;
    /* The handle follows the file. */
    free(registry->key_path);
    registry->key_path = path;
    path = NULL;
    memcpy(registry->kid, cs_key_kid(new_key), CS_KID_SIZE);
    registry->has_kid = true;
    if (cose != NULL) {
        free(registry->accreditation);
        registry->accreditation = cose;
        registry->accreditation_len = cose_len;
        cose = NULL;
    }
fail:
    free(path);
    free(cose);
    return err;
}

/* ---- reissue --------------------------------------------------------------------- */

/* The numbers of every current certificate that may be re-issued: valid
 * or suspended, not expired at now (*out freed with free() each). */
static cs_err current_numbers(cs_registry_t *registry, int64_t now, char ***out, size_t *count,
                              char *detail, size_t size)
{
    registry_query *q = NULL;
    char **numbers = NULL;
    size_t n = 0, cap = 0;
    bool row = false;
    cs_err err;

    if ((err = registry_prepare(registry, SQL_REISSUABLE, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_int64(q, 1, now);
    while ((err = sql_step(q, &row, "listing the certificates", detail, size)) == CS_OK && row) {
        if (n == cap) {
            size_t grown_cap = cap == 0 ? 64 : cap * 2;
            char **grown = realloc(numbers, grown_cap * sizeof(*grown));
            if (grown == NULL) {
                err = CS_ERR_NO_MEMORY;
                break;
            }
            numbers = grown, cap = grown_cap;
        }
        const char *number = sql_column_text(q, 0);
        if ((numbers[n] = strdup(number != NULL ? number : "")) == NULL) {
            err = CS_ERR_NO_MEMORY;
            break;
        }
        n++;
    }
    sql_reset(q);
    if (err != CS_OK) {
        for (size_t i = 0; i < n; i++)
            free(numbers[i]);
        free(numbers);
        return err;
    }
    *out = numbers;
    *count = n;
    return CS_OK;
}

/* The token of the current revision: its form and whether it embeds the
 * registry's current AC. */
static cs_err token_state(cs_registry_t *registry, cs_token_codec_t *codec, int64_t id,
                          cs_form *form, bool *current_ac, char *detail, size_t size)
{
    registry_query *q = NULL;
    cs_cose_sign1 msg = {0};
    const uint8_t *cose;
    const char *token;
    size_t cose_len;
    bool row = false;
    cs_err err;

    *current_ac = false;
    if ((err = registry_prepare(registry, SQL_TOKEN_OF, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_int64(q, 1, id);
    if ((err = sql_step(q, &row, "reading the token", detail, size)) != CS_OK)
        goto fail;
    if (!row || (token = sql_column_text(q, 0)) == NULL) {
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY, "reading the token: no such row");
        goto fail;
    }
    err = cs_token_unwrap(codec, (const uint8_t *)token, strlen(token), form, &cose, &cose_len);
    if (err == CS_OK)
        err = cs_cose_sign1_decode(cose, cose_len, &msg);
    if (err != CS_OK) {
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY, "a recorded token does not decode (%s)",
                             cs_strerror(err));
        goto fail;
    }
    *current_ac = msg.accreditation != NULL &&
                  msg.accreditation_len == registry->accreditation_len &&
                  memcmp(msg.accreditation, registry->accreditation, msg.accreditation_len) == 0;
fail:
    cs_cose_sign1_clear(&msg);
    sql_reset(q);
    return err;
}

/* A suspension survives re-issue: the new revision is suspended too. */
static cs_err carry_suspension(cs_registry_t *registry, const char *number, uint64_t old_revision,
                               const cs_registry_actor *actor, char *detail, size_t size)
{
    registry_current now;
    registry_query *q = NULL;
    bool found = false;
    char reason[96];
    cs_registry_actor event_actor = {actor != NULL ? actor->name : NULL, reason};
    cs_err err;

    snprintf(reason, sizeof(reason), "still suspended: re-issued from revision %llu",
             (unsigned long long)old_revision);
    if ((err = registry_find_current(registry, number, &found, &now, NULL, NULL, detail, size)) !=
        CS_OK)
        return err;
    if ((err = registry_prepare(registry, SQL_SET_STATUS, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_int64(q, 1, now.id);
    sql_bind_int64(q, 2, CS_STATUS_SUSPENDED);
    sql_bind_int64(q, 3, 1);
    if ((err = registry_run_bound(q, "suspending", detail, size)) != CS_OK)
        return err;
    return registry_insert_event(registry, number, now.revision, (int64_t)time(NULL), "suspended",
                                 &event_actor, detail, size);
}

typedef struct reissue_job {
    cs_registry_t *registry;
    cs_issuer_t *issuer;
    cs_token_codec_t *codec;
    int64_t now;
    bool named; /* the caller named it: refusals are errors */
    const cs_registry_actor *actor;
    cs_registry_reissued_fn fn;
    void *ctx;
} reissue_job;

/* Why a current revision is not re-issued (NULL: it is), or an error
 * when the caller named it. */
static cs_err reissuable(const reissue_job *job, const char *number, bool found,
                         const registry_current *cur, int64_t expires, const char **skip,
                         char *detail, size_t size)
{
    *skip = NULL;
    if (!found)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_NOT_FOUND,
                              "no certificate \"%s\" in this registry (check the number with "
                              "certseal list)",
                              number);
    if (cur->status == CS_STATUS_WITHDRAWN || cur->status == CS_STATUS_SUPERSEDED) {
        *skip = "withdrawn";
        return !job->named ? CS_OK
                           : cs_detail_fail(detail, size, CS_ERR_REGISTRY_TRANSITION,
                                            "certificate \"%s\" is %s; only a valid or suspended "
                                            "one is re-issued",
                                            number, registry_status_word(cur->status));
    }
    if (expires <= job->now) {
        *skip = "expired";
        return !job->named ? CS_OK
                           : cs_detail_fail(detail, size, CS_ERR_REGISTRY_TRANSITION,
                                            "certificate \"%s\" has expired; an expired "
                                            "certificate is not re-issued",
                                            number);
    }
    return CS_OK;
}

/* One certificate, in its own transaction. */
static cs_err reissue_one(const reissue_job *job, const char *number, size_t *reissued,
                          char *detail, size_t size)
{
    cs_registry_t *registry = job->registry;
    registry_current cur;
    cs_certificate cert = {0};
    uint8_t *claims = NULL;
    size_t claims_len = 0, token_len = 0;
    const char *token = NULL, *skip = NULL;
    uint64_t used = 0, old_revision;
    bool found = false, current_ac = false;
    cs_form form = CS_FORM_OFFLINE;
    cs_err err;

    if ((err = registry_begin_write(registry, detail, size)) != CS_OK)
        return err;
    if ((err = registry_find_current(registry, number, &found, &cur, &claims, &claims_len, detail,
                                     size)) != CS_OK)
        goto fail;
    if (found &&
        (err = cs_certificate_decode_claims(claims, claims_len, &cert, detail, size)) != CS_OK) {
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY,
                             "the recorded claims of \"%s\" do not decode (%s)", number,
                             cs_strerror(err));
        goto fail;
    }
    if ((err = reissuable(job, number, found, &cur, cert.expires, &skip, detail, size)) != CS_OK)
        goto fail;
    if (skip == NULL && (err = token_state(registry, job->codec, cur.id, &form, &current_ac, detail,
                                           size)) != CS_OK)
        goto fail;
    if (skip == NULL && current_ac)
        skip = "already under the current key and credential";
    if (skip != NULL) {
        registry_rollback(registry);
        if (job->fn != NULL)
            job->fn(job->ctx, number, cur.revision, NULL, 0, skip);
        goto done;
    }
    /* The new revision is issued today; everything else stays. */
    cert.issued_at = job->now - job->now % CS_SECONDS_PER_DAY;
    old_revision = cur.revision;
    if ((err = registry_count_for_draw(registry, 1, &used, detail, size)) != CS_OK ||
        (err = registry_issue_one(registry, job->issuer, &cert, &cur,
                                  form == CS_FORM_LINK ? CS_FORM_LINK : CS_FORM_OFFLINE,
                                  registry->issue_flags, job->actor, &used, &token, &token_len,
                                  detail, size)) != CS_OK ||
        (cur.status == CS_STATUS_SUSPENDED &&
         (err = carry_suspension(registry, number, old_revision, job->actor, detail, size)) !=
             CS_OK) ||
        (err = registry_commit(registry, detail, size)) != CS_OK)
        goto fail;
    (*reissued)++;
    if (job->fn != NULL)
        job->fn(job->ctx, number, cert.revision, token, token_len, NULL);
done:
    free(claims);
    cs_certificate_clear(&cert);
    return CS_OK;
fail:
    registry_rollback(registry);
    free(claims);
    cs_certificate_clear(&cert);
    return err;
}

cs_err cs_registry_reissue(cs_registry_t *registry, cs_issuer_t *issuer, const char *const *numbers,
                           size_t count, int64_t now, const cs_registry_actor *actor,
                           cs_registry_reissued_fn fn, void *ctx, size_t *reissued, char *detail,
                           size_t detail_size)
{
    reissue_job job = {registry, issuer, NULL, now, numbers != NULL, actor, fn, ctx};
    char **all = NULL;
    size_t done = 0, all_count = 0;
    cs_err err;

    if (reissued != NULL)
        *reissued = 0;
    if (registry == NULL || issuer == NULL || now <= 0 || (numbers == NULL && count != 0))
        return CS_ERR_ARGUMENT;
    if ((err = registry_check_issuer(registry, issuer, CS_FORM_OFFLINE, detail, detail_size)) !=
            CS_OK ||
        (err = registry_check_actor(actor, detail, detail_size)) != CS_OK ||
        (err = cs_token_codec_new(&job.codec)) != CS_OK)
        return err;
    if (numbers == NULL) {
        if ((err = current_numbers(registry, now, &all, &all_count, detail, detail_size)) != CS_OK)
            goto fail;
        numbers = (const char *const *)all;
        count = all_count;
    }
    for (size_t i = 0; i < count && err == CS_OK; i++) {
        unsigned attempt = 0;
        do
            err = reissue_one(&job, numbers[i], &done, detail, detail_size);
        while (registry_retry_wait(++attempt, err, detail, detail_size));
    }
fail:
    if (reissued != NULL)
        *reissued = done;
    for (size_t i = 0; i < all_count; i++)
        free(all[i]);
    free(all);
    cs_token_codec_free(&job.codec);
    return err;
}
