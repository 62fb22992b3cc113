/* SPDX-License-Identifier: ISC */
/*
 * Issuing into the registry (DESIGN §5): every object is checked, given a
 * status index, signed and recorded with its event in one write
 * transaction, so that a crash leaves it recorded whole or not at all.
 * A transaction that loses to a concurrent one (PostgreSQL: a drawn index
 * or a number another station took at the same moment, a deadlock) runs
 * again whole, a bounded number of times (registry_retry_wait()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certseal/cose.h"
#include "registry_db.h"

/* ---- status indexes ------------------------------------------------------------ */

/* The one integer statement `id` answers (no parameters). */
static cs_err query_count(cs_registry_t *registry, registry_sql_id id, uint64_t *out, char *detail,
                          size_t size)
{
    registry_query *q = NULL;
    bool row = false;
    cs_err err;

    if ((err = registry_prepare(registry, id, &q, detail, size)) != CS_OK)
        return err;
    if ((err = sql_step(q, &row, "counting", detail, size)) == CS_OK && row)
        *out = (uint64_t)sql_column_int64(q, 0);
    sql_reset(q);
    return err;
}

cs_err registry_count_objects(cs_registry_t *registry, uint64_t *count, char *detail, size_t size)
{
    return query_count(registry, SQL_COUNT_OBJECTS, count, detail, size);
}

cs_err registry_count_for_draw(cs_registry_t *registry, size_t need, uint64_t *used, char *detail,
                               size_t size)
{
    /* max(id) bounds the count from above (ids are unique and positive)
     * and costs one look-up in the primary key. */
    cs_err err = query_count(registry, SQL_MAX_OBJECT_ID, used, detail, size);

    if (err != CS_OK || registry_indexes_left(registry, *used) >= need)
        return err;
    return registry_count_objects(registry, used, detail, size);
}

static cs_err random_u64(cs_registry_t *registry, uint64_t *out)
{
    if (registry->random_left == 0) {
        cs_err err = cs_crypto_random(registry->random_pool, sizeof(registry->random_pool));
        if (err != CS_OK)
            return err;
        registry->random_left = REGISTRY_RANDOM_POOL;
    }
    *out = registry->random_pool[--registry->random_left];
    registry->random_pool[registry->random_left] = 0;
    return CS_OK;
}

/* Uniform in [0, bound): values below 2^64 mod bound are redrawn so that
 * the modulo does not favour small indexes. */
static cs_err random_below(cs_registry_t *registry, uint64_t bound, uint64_t *out)
{
    uint64_t threshold = (0 - bound) % bound, x;
    cs_err err;
    do {
        if ((err = random_u64(registry, &x)) != CS_OK)
            return err;
    } while (x < threshold);
    *out = x % bound;
    return CS_OK;
}

/* The most candidates one statement asks about. */
#define DRAW_CANDIDATES_MAX 4096
/* Rounds of candidates before the registry gives up on finding free ones. */
#define DRAW_ROUNDS 200

cs_err registry_full(const cs_registry_t *registry, uint64_t used, char *detail, size_t size)
{
    uint64_t entries = registry->list_entries;
    return cs_detail_fail(
        detail, size, CS_ERR_REGISTRY_FULL,
        "%llu of the %llu status list entries are taken, and a registry "
        "fills at most three quarters of its list so that indexes stay "
        "unguessable (create a new registry with a larger list, e.g. "
        "%llu entries)",
        (unsigned long long)used, (unsigned long long)entries,
        (unsigned long long)(entries * 2 > CS_STATUS_LIST_MAX ? CS_STATUS_LIST_MAX : entries * 2));
}

uint64_t registry_indexes_left(const cs_registry_t *registry, uint64_t used)
{
    uint64_t entries = registry->list_entries, limit = entries / 4 * 3 + (entries % 4) * 3 / 4;
    return used < limit ? limit - used : 0;
}

/* A set of indexes (open addressing; UINT64_MAX marks a free slot), for
 * the candidates of one round and the indexes already drawn. */
typedef struct index_set {
    uint64_t *slot;
    size_t mask;
} index_set;

static cs_err index_set_init(index_set *set, size_t most)
{
    size_t cap = 16;
    while (cap < 2 * most)
        cap *= 2;
    if ((set->slot = malloc(cap * sizeof(uint64_t))) == NULL)
        return CS_ERR_NO_MEMORY;
    set->mask = cap - 1;
    memset(set->slot, 0xff, cap * sizeof(uint64_t));
    return CS_OK;
}

/* Adds x: true when it was not there yet. */
static bool index_set_add(index_set *set, uint64_t x)
{
    size_t i = (size_t)(x * 0x9e3779b97f4a7c15u >> 20) & set->mask;
    while (set->slot[i] != UINT64_MAX) {
        if (set->slot[i] == x)
            return false;
        i = (i + 1) & set->mask;
    }
    set->slot[i] = x;
    return true;
}

/* `count` candidates, distinct and not in set (which gains them), as the
 * JSON array the statement takes ("[5,17,...]"). */
static cs_err draw_candidates(cs_registry_t *registry, index_set *set, size_t count, char *json,
                              size_t json_size)
{
    size_t len = 0;
    uint64_t x;
    cs_err err;

    json[len++] = '[';
    for (size_t i = 0; i < count; i++) {
        do
            if ((err = random_below(registry, registry->list_entries, &x)) != CS_OK)
                return err;
        while (!index_set_add(set, x));
        len += (size_t)snprintf(json + len, json_size - len, "%s%llu", i > 0 ? "," : "",
                                (unsigned long long)x);
    }
    json[len++] = ']';
    json[len] = '\0';
    return CS_OK;
}

/* One round: asks which of `count` new candidates (none of drawn[0..got))
 * are free and keeps up to `want` of those in out, chosen at random among
 * them, so that the order the database returns rows in favours no index. */
static cs_err draw_round(cs_registry_t *registry, const uint64_t *drawn, size_t got, size_t want,
                         size_t count, uint64_t *out, size_t *kept, char *detail, size_t size)
{
    size_t json_size = count * 10 + 3; /* indexes below 2^24: 8 digits and a comma */
    char *json = malloc(json_size);
    uint64_t *free_ones = malloc(count * sizeof(uint64_t));
    registry_query *q = NULL;
    index_set set = {0};
    size_t found = 0;
    bool row = false;
    cs_err err = CS_ERR_NO_MEMORY;

    *kept = 0;
    if (json == NULL || free_ones == NULL || (err = index_set_init(&set, got + count)) != CS_OK)
        goto done;
    for (size_t i = 0; i < got; i++)
        index_set_add(&set, drawn[i]);
    if ((err = draw_candidates(registry, &set, count, json, json_size)) != CS_OK ||
        (err = registry_prepare(registry, SQL_INDEXES_FREE, &q, detail, size)) != CS_OK)
        goto done;
    sql_bind_text(q, 1, json);
    while ((err = sql_step(q, &row, "drawing status indexes", detail, size)) == CS_OK && row)
        if (found < count)
            free_ones[found++] = (uint64_t)sql_column_int64(q, 0);
    sql_reset(q);
    for (size_t i = 0; err == CS_OK && i < want && i < found; i++) {
        uint64_t pick = 0;
        if ((err = random_below(registry, found - i, &pick)) != CS_OK)
            break;
        out[i] = free_ones[i + pick];
        free_ones[i + pick] = free_ones[i];
        (*kept)++;
    }
done:
    free(set.slot);
    free(free_ones);
    free(json);
    return err;
}

/* Herd privacy: an index says nothing about when or to whom an object was
 * issued.  A list more than three quarters full would make indexes guessable
 * and draws slow, so the registry refuses to fill it further. */
cs_err registry_draw_indexes(cs_registry_t *registry, uint64_t used, size_t count, uint64_t *out,
                             char *detail, size_t size)
{
    uint64_t entries = registry->list_entries, left = registry_indexes_left(registry, used);
    size_t got = 0;
    cs_err err;

    if (count > left)
        return registry_full(registry, used + left, detail, size);
    for (int round = 0; got < count && round < DRAW_ROUNDS; round++) {
        /* Enough candidates that one round usually suffices: at least a
         * quarter of the list is free, by the limit above. */
        uint64_t want = count - got, ask = want * entries / (entries - used - got) + want / 4 + 8;
        size_t kept = 0;

        if (ask > DRAW_CANDIDATES_MAX)
            ask = DRAW_CANDIDATES_MAX;
        if (ask > entries - got)
            ask = entries - got;
        if ((err = draw_round(registry, out, got, (size_t)want, (size_t)ask, out + got, &kept,
                              detail, size)) != CS_OK)
            return err;
        got += kept;
    }
    if (got < count)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_FULL,
                              "no free status index found in %d draws (create a new registry "
                              "with a larger list)",
                              DRAW_ROUNDS);
    return CS_OK;
}

cs_err registry_draw_index(cs_registry_t *registry, uint64_t used, uint64_t *index, char *detail,
                           size_t size)
{
    return registry_draw_indexes(registry, used, 1, index, detail, size);
}

cs_err registry_set_status_ref(const cs_registry_t *registry, cs_certificate *cert, uint64_t index)
{
    char *uri = strdup(registry->status_uri);
    if (uri == NULL)
        return CS_ERR_NO_MEMORY;
    free(cert->status.uri);
    cert->status = (cs_status_ref){.present = true, .index = index, .uri = uri};
    return CS_OK;
}

/* ---- recording ------------------------------------------------------------------- */

typedef struct new_object {
    const char *number;
    uint64_t revision;
    uint64_t status_index;
    const uint8_t *claims;
    size_t claims_len;
    const char *token;
    size_t token_len;
    int64_t issued_at, expires, recorded_at;
    const char *subject, *standard;
    const uint8_t *key_kid;    /* an AC: the CB key it accredits; NULL for a CT */
    const uint8_t *signer_kid; /* the key that signed it */
} new_object;

static cs_err insert_object(cs_registry_t *registry, const new_object *o, char *detail, size_t size)
{
    registry_query *q = NULL;
    cs_err err;

    if ((err = registry_prepare(registry, SQL_INSERT_OBJECT, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, o->number);
    sql_bind_int64(q, 2, (int64_t)o->revision);
    sql_bind_int64(q, 3, (int64_t)o->status_index);
    sql_bind_blob(q, 4, o->claims != NULL ? o->claims : (const uint8_t *)"", o->claims_len);
    sql_bind_text_len(q, 5, o->token, o->token_len);
    sql_bind_int64(q, 6, o->issued_at);
    sql_bind_int64(q, 7, o->expires);
    sql_bind_int64(q, 8, o->recorded_at);
    sql_bind_text(q, 9, o->subject);
    sql_bind_text(q, 10, o->standard);
    sql_bind_blob(q, 11, o->key_kid, CS_KID_SIZE);
    sql_bind_blob(q, 12, o->signer_kid, CS_KID_SIZE);
    return registry_run_bound(q, "recording the issued object", detail, size);
}

static cs_err mark_superseded(cs_registry_t *registry, const char *number,
                              const registry_current *old, const cs_registry_actor *actor,
                              int64_t now, char *detail, size_t size)
{
    registry_query *q = NULL;
    cs_err err;

    if ((err = registry_prepare(registry, SQL_SET_STATUS, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_int64(q, 1, old->id);
    sql_bind_int64(q, 2, CS_STATUS_SUPERSEDED);
    sql_bind_int64(q, 3, 0);
    if ((err = registry_run_bound(q, "superseding", detail, size)) != CS_OK)
        return err;
    return registry_insert_event(registry, number, old->revision, now, "superseded", actor, detail,
                                 size);
}

/* ---- certificates ---------------------------------------------------------------- */

cs_err registry_check_issuer(cs_registry_t *registry, cs_issuer_t *issuer, cs_form form,
                             char *detail, size_t size)
{
    const cs_accreditation *ac = cs_issuer_accreditation(issuer);
    if (registry->role != CS_REGISTRY_ROLE_CB)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_ROLE,
                              "an accreditation body's registry issues accreditations, not "
                              "certificates (use the certification body's registry)");
    if (ac == NULL || ac->subject_key == NULL || !registry->has_kid ||
        !cs_crypto_equal(cs_key_kid(ac->subject_key), registry->kid, CS_KID_SIZE))
        return cs_detail_fail(detail, size, CS_ERR_KEY_NOT_ACCREDITED,
                              "the issuer's key is not the one this registry's accreditation "
                              "names (use the registry's key and accreditation)");
    if (form == CS_FORM_LINK && registry->link_base == NULL)
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the registry has no link base for the link form (set one with "
                              "certseal init, or issue in the offline form)");
    return CS_OK;
}

/* One certificate inside the caller's transaction: index, sign, record.
 * old is the revision it supersedes, or NULL. */
cs_err registry_issue_one(cs_registry_t *registry, cs_issuer_t *issuer, cs_certificate *cert,
                          const registry_current *old, cs_form form, unsigned flags,
                          const cs_registry_actor *actor, uint64_t *used, const char **token,
                          size_t *token_len, char *detail, size_t size)
{
    int64_t now = (int64_t)time(NULL);
    uint64_t index = 0;
    cs_err err;

    if ((err = registry_draw_index(registry, *used, &index, detail, size)) != CS_OK ||
        (err = registry_set_status_ref(registry, cert, index)) != CS_OK)
        return err;
    if (old != NULL)
        cert->revision = old->revision + 1;
    if ((err =
             cs_issuer_issue(issuer, cert, form, form == CS_FORM_LINK ? registry->link_base : NULL,
                             flags, token, token_len, detail, size)) != CS_OK)
        return err;
    if (old != NULL &&
        (err = mark_superseded(registry, cert->number, old, actor, now, detail, size)) != CS_OK)
        return err;
    {
        size_t claims_len = 0;
        const uint8_t *claims = cs_issuer_last_claims(issuer, &claims_len);
        if ((err = registry_record_certificate(registry, cert, claims, claims_len, *token,
                                               *token_len, actor, now, detail, size)) != CS_OK)
            return err;
    }
    (*used)++;
    return CS_OK;
}

cs_err registry_record_certificate(cs_registry_t *registry, const cs_certificate *cert,
                                   const uint8_t *claims, size_t claims_len, const char *token,
                                   size_t token_len, const cs_registry_actor *actor,
                                   int64_t recorded_at, char *detail, size_t size)
{
    char standards[4096]; /* the list column, comma-separated as for an AC */
    new_object o = {.number = cert->number,
                    .revision = cert->revision,
                    .status_index = cert->status.index,
                    .claims = claims,
                    .claims_len = claims_len,
                    .token = token,
                    .token_len = token_len,
                    .issued_at = cert->issued_at,
                    .expires = cert->expires,
                    .recorded_at = recorded_at,
                    .subject = cert->organization_name,
                    .standard =
                        cs_certificate_standards_text(cert, ",", standards, sizeof(standards)),
                    .signer_kid = registry->kid}; /* registry_check_issuer(): the issuer's key */
    cs_err err = insert_object(registry, &o, detail, size);

    if (err == CS_OK)
        err = registry_insert_event(registry, cert->number, cert->revision, recorded_at, "issued",
                                    actor, detail, size);
    return err;
}

/* A number already recorded: the same certificate (same claims, with the
 * recorded status reference) is skipped; anything else is a duplicate. */
cs_err registry_check_recorded(cs_registry_t *registry, cs_issuer_t *issuer, cs_certificate *cert,
                               const registry_current *cur, const uint8_t *claims,
                               size_t claims_len, char *detail, size_t size)
{
    const cs_accreditation *ac = cs_issuer_accreditation(issuer);
    cs_err err;

    if ((err = registry_set_status_ref(registry, cert, cur->status_index)) != CS_OK)
        return err;
    if ((cert->issuer == NULL && (cert->issuer = strdup(ac->subject)) == NULL) ||
        (cert->accreditation_number == NULL &&
         (cert->accreditation_number = strdup(ac->number)) == NULL))
        return CS_ERR_NO_MEMORY;
    err = cs_certificate_write_claims(&registry->claims, cert);
    if (err == CS_ERR_ARGUMENT ||
        (err == CS_OK && (registry->claims.len != claims_len ||
                          memcmp(registry->claims.buf, claims, claims_len) != 0)))
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_DUPLICATE,
                              "certificate \"%s\" is already recorded with other claims "
                              "(revision %llu, %s); supersede it instead",
                              cert->number, (unsigned long long)cur->revision,
                              registry_status_word(cur->status));
    return err;
}

/*
 * Superseding with a record of revision cert->revision, the current being
 * *cur: the next revision (cur + 1) goes on (CS_OK, *replayed false).  The
 * current revision again with the claims it was issued with changes
 * nothing: *replayed is true and *token the recorded token (kept in the
 * registry until the next call).  Anything else is CS_ERR_REGISTRY_REVISION.
 */
static cs_err check_next_revision(cs_registry_t *registry, cs_issuer_t *issuer,
                                  cs_certificate *cert, const registry_current *cur,
                                  const uint8_t *claims, size_t claims_len, bool *replayed,
                                  const char **token, size_t *token_len, char *detail, size_t size)
{
    unsigned long long revision = cert->revision, current = cur->revision;
    cs_registry_entry entry = {0};
    cs_err err;

    *replayed = false;
    if (cert->revision == cur->revision + 1)
        return CS_OK;
    if (cert->revision != cur->revision)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_REVISION,
                              "the record is revision %llu, but certificate \"%s\" is at "
                              "revision %llu: its next revision is %llu (set \"revision\": "
                              "%llu in the record)",
                              revision, cert->number, current, current + 1, current + 1);
    err = registry_check_recorded(registry, issuer, cert, cur, claims, claims_len, detail, size);
    if (err == CS_ERR_REGISTRY_DUPLICATE)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_REVISION,
                              "revision %llu of certificate \"%s\" is already issued with other "
                              "claims: a new revision is %llu (set \"revision\": %llu in the "
                              "record)",
                              revision, cert->number, current + 1, current + 1);
    if (err != CS_OK || (err = cs_registry_get(registry, cert->number, &entry)) != CS_OK)
        return err;
    free(registry->replayed_token);
    registry->replayed_token = entry.token;
    entry.token = NULL;
    cs_registry_entry_clear(&entry);
    *token = registry->replayed_token;
    *token_len = strlen(registry->replayed_token);
    *replayed = true;
    if (detail != NULL)
        snprintf(detail, size,
                 "revision %llu of certificate \"%s\" is already issued with these claims; "
                 "nothing was changed",
                 revision, cert->number);
    return CS_OK;
}

static cs_err not_issuable(const char *number, const char *supersedes, bool found,
                           const registry_current *cur, char *detail, size_t size)
{
    if (supersedes == NULL && found)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_DUPLICATE,
                              "certificate \"%s\" is already issued (revision %llu, %s); "
                              "supersede it to issue a new revision",
                              number, (unsigned long long)cur->revision,
                              registry_status_word(cur->status));
    if (supersedes != NULL && !found)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_NOT_FOUND,
                              "no certificate \"%s\" to supersede in this registry (check the "
                              "number with certseal list)",
                              number);
    if (supersedes != NULL && cur->status != CS_STATUS_VALID && cur->status != CS_STATUS_SUSPENDED)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_TRANSITION,
                              "certificate \"%s\" is %s; only a valid or suspended one can be "
                              "superseded",
                              number, registry_status_word(cur->status));
    return CS_OK;
}

/* One attempt of cs_registry_issue_certificate(): one transaction. */
static cs_err issue_certificate_once(cs_registry_t *registry, cs_issuer_t *issuer,
                                     cs_certificate *cert, const char *supersedes, cs_form form,
                                     const cs_registry_actor *actor, const char **token,
                                     size_t *token_len, char *detail, size_t detail_size)
{
    registry_current cur;
    uint64_t used = 0;
    uint8_t *claims = NULL;
    size_t claims_len = 0;
    bool found = false, replayed = false;
    cs_err err;

    if ((err = registry_begin_write(registry, detail, detail_size)) != CS_OK)
        return err;
    if ((err = registry_find_current(registry, cert->number, &found, &cur, &claims, &claims_len,
                                     detail, detail_size)) != CS_OK ||
        (err = not_issuable(cert->number, supersedes, found, &cur, detail, detail_size)) != CS_OK)
        goto fail;
    if (supersedes != NULL &&
        ((err = check_next_revision(registry, issuer, cert, &cur, claims, claims_len, &replayed,
                                    token, token_len, detail, detail_size)) != CS_OK ||
         replayed))
        goto fail; /* nothing to write */
    if ((err = registry_count_for_draw(registry, 1, &used, detail, detail_size)) != CS_OK ||
        (err = registry_issue_one(registry, issuer, cert, supersedes != NULL ? &cur : NULL, form,
                                  registry->issue_flags, actor, &used, token, token_len, detail,
                                  detail_size)) != CS_OK ||
        (err = registry_commit(registry, detail, detail_size)) != CS_OK)
        goto fail;
    free(claims);
    return CS_OK;
fail:
    registry_rollback(registry);
    free(claims);
    return err;
}

cs_err cs_registry_issue_certificate(cs_registry_t *registry, cs_issuer_t *issuer,
                                     cs_certificate *cert, const char *supersedes, cs_form form,
                                     const cs_registry_actor *actor, const char **token,
                                     size_t *token_len, char *detail, size_t detail_size)
{
    unsigned attempt = 0;
    cs_err err;

    if (registry == NULL || issuer == NULL || cert == NULL || cert->number == NULL ||
        token == NULL || token_len == NULL)
        return CS_ERR_ARGUMENT;
    if (detail != NULL && detail_size > 0)
        detail[0] = '\0';
    if (supersedes != NULL && strcmp(supersedes, cert->number) != 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_ARGUMENT,
                              "a new revision keeps its number: \"%s\" cannot supersede \"%s\"",
                              cert->number, supersedes);
    if ((err = registry_check_issuer(registry, issuer, form, detail, detail_size)) != CS_OK ||
        (err = registry_check_actor(actor, detail, detail_size)) != CS_OK)
        return err;
    /* A transaction that lost to another station's runs again whole. */
    do
        err = issue_certificate_once(registry, issuer, cert, supersedes, form, actor, token,
                                     token_len, detail, detail_size);
    while (registry_retry_wait(++attempt, err, detail, detail_size));
    return err;
}

/* ---- accreditations ------------------------------------------------------------- */

/* The AC's standards as one comma-separated text (*out freed with free()). */
static cs_err join_standards(const cs_accreditation_params *ac, char **out)
{
    size_t len = 1;
    for (size_t i = 0; i < ac->standard_count; i++)
        len += strlen(ac->standards[i]) + 1;
    if ((*out = malloc(len)) == NULL)
        return CS_ERR_NO_MEMORY;
    (*out)[0] = '\0';
    for (size_t i = 0; i < ac->standard_count; i++) {
        if (i > 0)
            strcat(*out, ",");
        strcat(*out, ac->standards[i]);
    }
    return CS_OK;
}

static cs_err hex_of(const uint8_t *data, size_t len, char **out)
{
    static const char digits[] = "0123456789abcdef";
    if ((*out = malloc(2 * len + 1)) == NULL)
        return CS_ERR_NO_MEMORY;
    for (size_t i = 0; i < len; i++) {
        (*out)[2 * i] = digits[data[i] >> 4];
        (*out)[2 * i + 1] = digits[data[i] & 15];
    }
    (*out)[2 * len] = '\0';
    return CS_OK;
}

static cs_err record_accreditation(cs_registry_t *registry, const cs_key_t *ab_key,
                                   const cs_accreditation_params *params, uint64_t revision,
                                   const cs_registry_actor *actor, uint64_t *status_index,
                                   uint8_t **out, size_t *out_len, char *detail, size_t size)
{
    cs_accreditation_params ac = *params;
    new_object o = {.number = ac.number,
                    .revision = revision,
                    .recorded_at = (int64_t)time(NULL),
                    .key_kid = cs_key_kid(params->subject_key),
                    .signer_kid = cs_key_kid(ab_key)};
    uint8_t *claims = NULL;
    char *standards = NULL, *hex = NULL;
    uint64_t used = 0;
    cs_err err;

    if ((err = registry_count_for_draw(registry, 1, &used, detail, size)) != CS_OK ||
        (err = registry_draw_index(registry, used, &o.status_index, detail, size)) != CS_OK)
        goto fail;
    ac.status.present = true;
    ac.status.index = o.status_index;
    ac.status.uri = registry->status_uri;
    if ((err = cs_accreditation_sign(ab_key, &ac, out, out_len, detail, size)) != CS_OK ||
        (err = cs_accreditation_encode_claims(&ac, &claims, &o.claims_len)) != CS_OK ||
        (err = join_standards(&ac, &standards)) != CS_OK ||
        (err = hex_of(*out, *out_len, &hex)) != CS_OK)
        goto fail;
    o.claims = claims;
    o.token = hex;
    o.token_len = 2 * *out_len;
    o.issued_at = ac.issued_at;
    o.expires = ac.expires;
    o.subject = ac.name;
    o.standard = standards;
    if ((err = insert_object(registry, &o, detail, size)) != CS_OK)
        goto fail;
    err = registry_insert_event(registry, ac.number, revision, o.recorded_at, "issued", actor,
                                detail, size);
    if (err == CS_OK && status_index != NULL)
        *status_index = o.status_index;
fail:
    free(claims);
    free(standards);
    free(hex);
    return err;
}

static void kid_hex(const uint8_t *kid, char out[2 * CS_KID_SIZE + 1])
{
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", kid[i]);
}

/* An accreditation number belongs to one CB for ever: the credentials
 * already recorded under it (any revision) name params->subject. */
static cs_err check_same_body(cs_registry_t *registry, const cs_accreditation_params *params,
                              char *detail, size_t size)
{
    registry_query *q = NULL;
    cs_accreditation ac = {0};
    bool row = false;
    cs_err err;

    if ((err = registry_prepare(registry, SQL_FIRST_CLAIMS, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, params->number);
    if ((err = sql_step(q, &row, "looking up the number", detail, size)) == CS_OK && row) {
        size_t len = 0;
        const uint8_t *blob = sql_column_blob(q, 0, &len);
        err = cs_accreditation_decode_claims(blob != NULL ? blob : (const uint8_t *)"", len, &ac,
                                             NULL, 0);
        if (err == CS_OK && strcmp(ac.subject, params->subject) != 0)
            err = cs_detail_fail(detail, size, CS_ERR_REGISTRY_DUPLICATE,
                                 "accreditation \"%s\" belongs to %s, not %s (an accreditation "
                                 "number stays with one certification body; use another number)",
                                 params->number, ac.subject, params->subject);
        else if (err != CS_OK)
            err = cs_detail_fail(detail, size, CS_ERR_REGISTRY,
                                 "a recorded credential of \"%s\" does not decode (%s)",
                                 params->number, cs_strerror(err));
    }
    cs_accreditation_clear(&ac);
    sql_reset(q);
    return err;
}

/* The revision a new credential under number gets: one past the last. */
static cs_err next_revision(cs_registry_t *registry, const char *number, uint64_t *revision,
                            char *detail, size_t size)
{
    registry_query *q = NULL;
    bool row = false;
    cs_err err;

    if ((err = registry_prepare(registry, SQL_MAX_REVISION, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, number);
    if ((err = sql_step(q, &row, "numbering the revision", detail, size)) == CS_OK)
        *revision = !row || sql_column_type(q, 0) == REGISTRY_SQL_NULL
                        ? 0
                        : (uint64_t)sql_column_int64(q, 0) + 1;
    sql_reset(q);
    return err;
}

/* Whether a credential for params->subject_key may be issued under its
 * number: a new one needs no current credential of that key, a
 * superseding one a valid or suspended one (*old). */
static cs_err check_accreditation_slot(cs_registry_t *registry,
                                       const cs_accreditation_params *params, bool supersede,
                                       registry_current *old, char *detail, size_t size)
{
    const uint8_t *kid = cs_key_kid(params->subject_key);
    char hex[2 * CS_KID_SIZE + 1];
    bool found = false;
    cs_err err;

    kid_hex(kid, hex);
    if ((err = check_same_body(registry, params, detail, size)) != CS_OK ||
        (err = registry_find_current_key(registry, params->number, kid, &found, old, NULL, NULL,
                                         detail, size)) != CS_OK)
        return err;
    if (!supersede && found && old->status == CS_STATUS_WITHDRAWN)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_TRANSITION,
                              "the credential of key %s under accreditation \"%s\" was withdrawn; "
                              "a withdrawn key is not accredited again (accredit the "
                              "certification body's new key)",
                              hex, params->number);
    if (!supersede && found)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_DUPLICATE,
                              "accreditation \"%s\" is already issued for key %s (revision %llu, "
                              "%s); use --supersedes %s to change its scope, or accredit the "
                              "certification body's new key",
                              params->number, hex, (unsigned long long)old->revision,
                              registry_status_word(old->status), params->number);
    if (supersede && !found)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_NOT_FOUND,
                              "accreditation \"%s\" has no current credential for key %s to "
                              "supersede (check with certseal list; a new key is accredited "
                              "without --supersedes)",
                              params->number, hex);
    if (supersede && old->status != CS_STATUS_VALID && old->status != CS_STATUS_SUSPENDED)
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_TRANSITION,
                              "the credential of key %s under accreditation \"%s\" is %s; only a "
                              "valid or suspended one can be superseded",
                              hex, params->number, registry_status_word(old->status));
    return CS_OK;
}

cs_err cs_registry_issue_accreditation(cs_registry_t *registry, const cs_key_t *ab_key,
                                       const cs_accreditation_params *ac,
                                       const cs_registry_actor *actor, uint64_t *status_index,
                                       uint8_t **out, size_t *out_len, char *detail,
                                       size_t detail_size)
{
    return cs_registry_accredit(registry, ab_key, ac, false, actor, status_index, out, out_len,
                                detail, detail_size);
}

/* One attempt of cs_registry_accredit(): one transaction. */
static cs_err accredit_once(cs_registry_t *registry, const cs_key_t *ab_key,
                            const cs_accreditation_params *ac, bool supersede,
                            const cs_registry_actor *actor, uint64_t *status_index, uint8_t **out,
                            size_t *out_len, char *detail, size_t detail_size)
{
    registry_current old;
    uint64_t revision = 0;
    bool recorded_kid = false;
    cs_err err;

    if ((err = registry_begin_write(registry, detail, detail_size)) != CS_OK)
        return err;
    if ((err = registry_check_key(registry, ab_key, &recorded_kid, detail, detail_size)) != CS_OK ||
        (err = check_accreditation_slot(registry, ac, supersede, &old, detail, detail_size)) !=
            CS_OK ||
        (err = next_revision(registry, ac->number, &revision, detail, detail_size)) != CS_OK)
        goto fail;
    if (supersede && (err = mark_superseded(registry, ac->number, &old, actor, (int64_t)time(NULL),
                                            detail, detail_size)) != CS_OK)
        goto fail;
    if ((err = record_accreditation(registry, ab_key, ac, revision, actor, status_index, out,
                                    out_len, detail, detail_size)) != CS_OK ||
        (err = registry_commit(registry, detail, detail_size)) != CS_OK)
        goto fail;
    return CS_OK;
fail:
    registry_rollback(registry);
    if (recorded_kid)
        registry->has_kid = false;
    free(*out);
    *out = NULL;
    return err;
}

cs_err cs_registry_accredit(cs_registry_t *registry, const cs_key_t *ab_key,
                            const cs_accreditation_params *ac, bool supersede,
                            const cs_registry_actor *actor, uint64_t *status_index, uint8_t **out,
                            size_t *out_len, char *detail, size_t detail_size)
{
    unsigned attempt = 0;
    cs_err err;

    if (registry == NULL || ab_key == NULL || ac == NULL || ac->number == NULL || out == NULL ||
        out_len == NULL || ac->name == NULL || ac->subject == NULL || ac->subject_key == NULL ||
        ac->standard_count == 0)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (registry->role != CS_REGISTRY_ROLE_AB)
        return cs_detail_fail(detail, detail_size, CS_ERR_REGISTRY_ROLE,
                              "a certification body's registry issues certificates, not "
                              "accreditations (use the accreditation body's registry)");
    if ((err = registry_check_actor(actor, detail, detail_size)) != CS_OK)
        return err;
    /* A transaction that lost to another station's runs again whole. */
    do
        err = accredit_once(registry, ab_key, ac, supersede, actor, status_index, out, out_len,
                            detail, detail_size);
    while (registry_retry_wait(++attempt, err, detail, detail_size));
    return err;
}
