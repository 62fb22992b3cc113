/* SPDX-License-Identifier: ISC */
/* The status lists of a verifier (status_store.h): found by URI, verified
 * once per signing key, then read from memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "internal.h"
#include "status_store.h"

#define STORE_MAX_ENTRIES 4096 /* lists one verifier keeps (added or sourced) */
/* Lists added to a store that keep what decoding them gave until they are
 * verified, so that the list is inflated once: a few, as each may take
 * megabytes. */
#define STORE_MAX_DECODED 8

typedef struct store_list {
    uint8_t *bytes;
    size_t len;
    cs_status_token decoded; /* from cs_status_store_add(), list NULL when not kept */
} store_list;

typedef struct store_entry {
    char *uri;
    store_list *lists; /* candidates: added, or the one the source supplied */
    size_t list_count;
    cs_err source_err; /* why the source supplied none */
    char source_detail[CS_DETAIL_SIZE];
    /* The list chosen at the last successful verification, and its key. */
    bool verified;
    /* The choice holds for lookups at a time in [valid_from, valid_until)
     * with the same skew: no candidate expires or comes due in between
     * (DESIGN §2: a result depends on the time, not on what was seen). */
    int64_t valid_from, valid_until, chosen_skew;
    bool used;           /* the chosen list passed accept_list() at least once */
    size_t chosen;       /* index in lists of the chosen one */
    cs_status_token token;
    /* It verified with a key the signers vouched for, not with `key`: that
     * depends on more than the key (the credential's own status), so it is
     * chosen again at every lookup. */
    bool other_signer;
    uint8_t signer_kid[CS_KID_SIZE];
    const cs_key_t *key; /* fast path only: compared with kid and coordinates */
    cs_alg key_alg;
    uint8_t key_kid[CS_KID_SIZE];
    uint8_t key_x[CS_KEY_COORDINATE_SIZE], key_y[CS_KEY_COORDINATE_SIZE];
} store_entry;

struct cs_status_store {
    store_entry *entries;
    size_t count, cap;
    size_t list_total;    /* lists kept, over every entry */
    size_t decoded_total; /* lists added with their decoding kept (STORE_MAX_DECODED) */
    cs_status_source_fn source;
    void *source_ctx;
};

cs_err cs_status_store_new(cs_status_store **out)
{
    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = calloc(1, sizeof(**out));
    return *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}

static void forget_verification(store_entry *e)
{
    cs_status_token_clear(&e->token);
    e->verified = false;
    e->other_signer = false;
    e->key = NULL;
}

static void entry_clear(store_entry *e)
{
    forget_verification(e);
    free(e->uri);
    for (size_t i = 0; i < e->list_count; i++) {
        free(e->lists[i].bytes);
        cs_status_token_clear(&e->lists[i].decoded);
    }
    free(e->lists);
    memset(e, 0, sizeof(*e));
}

void cs_status_store_free(cs_status_store **store)
{
    if (store == NULL || *store == NULL)
        return;
    for (size_t i = 0; i < (*store)->count; i++)
        entry_clear(&(*store)->entries[i]);
    free((*store)->entries);
    free(*store);
    *store = NULL;
}

void cs_status_store_set_source(cs_status_store *store, cs_status_source_fn source, void *ctx)
{
    if (store == NULL)
        return;
    store->source = source;
    store->source_ctx = ctx;
}

static store_entry *find(cs_status_store *store, const char *uri)
{
    for (size_t i = 0; i < store->count; i++)
        if (strcmp(store->entries[i].uri, uri) == 0)
            return &store->entries[i];
    return NULL;
}

/* A new empty entry for uri (copied). */
static cs_err append(cs_status_store *store, const char *uri, store_entry **out)
{
    if (store->count == store->cap) {
        size_t cap = store->cap == 0 ? 8 : store->cap * 2;
        store_entry *grown = realloc(store->entries, cap * sizeof(*grown));
        if (grown == NULL)
            return CS_ERR_NO_MEMORY;
        store->entries = grown;
        store->cap = cap;
    }
    store_entry *e = &store->entries[store->count];
    memset(e, 0, sizeof(*e));
    if ((e->uri = strdup(uri)) == NULL)
        return CS_ERR_NO_MEMORY;
    store->count++;
    *out = e;
    return CS_OK;
}

/* Keeps bytes (taken) as one more candidate of e, with what decoding them
 * gave when decoded is not NULL (taken too, on success). */
static cs_err keep_list(cs_status_store *store, store_entry *e, uint8_t *bytes, size_t len,
                        cs_status_token *decoded)
{
    if (store->list_total >= STORE_MAX_ENTRIES)
        return CS_ERR_TOO_LARGE;
    store_list *grown = realloc(e->lists, (e->list_count + 1) * sizeof(*grown));
    if (grown == NULL)
        return CS_ERR_NO_MEMORY;
    e->lists = grown;
    e->lists[e->list_count++] = (store_list){bytes, len, {0}};
    if (decoded != NULL) {
        e->lists[e->list_count - 1].decoded = *decoded;
        memset(decoded, 0, sizeof(*decoded));
    }
    store->list_total++;
    forget_verification(e); /* the choice is made again, among all of them */
    return CS_OK;
}

static bool kept_already(const store_entry *e, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < e->list_count; i++)
        if (e->lists[i].len == len && (len == 0 || memcmp(e->lists[i].bytes, data, len) == 0))
            return true;
    return false;
}

/* An unverified iat says nothing: every list is kept and verified before
 * one is chosen (a forged list with a late iat must not push the genuine
 * one out). */
cs_err cs_status_store_add(cs_status_store *store, const uint8_t *data, size_t len, char *detail,
                           size_t detail_size)
{
    cs_status_token token = {0};
    store_entry *e;
    uint8_t *copy = NULL;
    cs_err err;

    if (store == NULL || (data == NULL && len > 0))
        return CS_ERR_ARGUMENT;
    if ((err = cs_status_token_decode(data, len, &token, detail, detail_size)) != CS_OK)
        return err;
    if ((e = find(store, token.uri)) == NULL && (err = append(store, token.uri, &e)) != CS_OK)
        goto fail;
    if (kept_already(e, data, len))
        goto fail;
    if ((copy = malloc(len > 0 ? len : 1)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if (len > 0)
        memcpy(copy, data, len);
    if ((err = keep_list(store, e, copy, len,
                         store->decoded_total < STORE_MAX_DECODED ? &token : NULL)) != CS_OK)
        goto fail;
    if (token.list == NULL) /* kept */
        store->decoded_total++;
    copy = NULL;
    e->source_err = CS_OK;
fail:
    free(copy);
    cs_status_token_clear(&token);
    return err;
}

/* Asks the source for uri once; its answer, or its failure, is kept. */
static cs_err ask_source(cs_status_store *store, const char *uri, int64_t now, store_entry **out)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    store_entry *e;
    cs_err err, got;

    got = store->source(store->source_ctx, uri, now, &bytes, &len, detail, sizeof(detail));
    if (got == CS_ERR_NO_MEMORY) {
        free(bytes);
        return got;
    }
    if ((err = append(store, uri, &e)) != CS_OK) {
        free(bytes);
        return err;
    }
    if (got == CS_OK && bytes == NULL)
        got = CS_ERR_FETCH;
    if (got == CS_OK && (got = keep_list(store, e, bytes, len, NULL)) == CS_OK)
        bytes = NULL;
    if (got != CS_OK) {
        free(bytes);
        if (got == CS_ERR_NO_MEMORY)
            return got;
        e->source_err = got;
        snprintf(e->source_detail, sizeof(e->source_detail), "%s",
                 cs_err_detail(detail, got));
    }
    *out = e;
    return CS_OK;
}

/* The signer of a kept verification is key: same kid and same public
 * coordinates (the pointer alone could be a freed key's address reused). */
static bool same_key(const store_entry *e, const cs_key_t *key)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE] = {0}, y[CS_KEY_COORDINATE_SIZE] = {0};

    if (!e->verified || e->other_signer || memcmp(e->key_kid, cs_key_kid(key), CS_KID_SIZE) != 0 ||
        e->key_alg != cs_key_alg(key))
        return false;
    if (e->key == key)
        return true;
    return cs_key_public_coordinates(key, x, y) == CS_OK && memcmp(x, e->key_x, sizeof(x)) == 0 &&
           memcmp(y, e->key_y, sizeof(y)) == 0;
}

static cs_err remember_key(store_entry *e, const cs_key_t *key)
{
    memset(e->key_x, 0, sizeof(e->key_x));
    memset(e->key_y, 0, sizeof(e->key_y));
    cs_err err = cs_key_public_coordinates(key, e->key_x, e->key_y);
    if (err != CS_OK)
        return err;
    e->key = key;
    e->key_alg = cs_key_alg(key);
    memcpy(e->key_kid, cs_key_kid(key), CS_KID_SIZE);
    e->verified = true;
    return CS_OK;
}

/* Why a list that was verified is not accepted (or CS_OK): the rules of
 * DESIGN §2 step 6 that hold whatever list is chosen. */
static cs_err check_list_times(const cs_status_token *t, const cs_status_policy *p, char *detail,
                               size_t detail_size)
{
    char date[CS_DATETIME_TEXT_SIZE];

    if (t->expires == 0) {
        cs_detail_set(detail, detail_size,
                      "the status list %s has no expiry (exp), and a list that never expires "
                      "is refused",
                      t->uri);
        return CS_ERR_STATUS_LIST_NO_EXPIRY;
    }
    if (t->expires <= p->now - p->skew) {
        cs_date_format_datetime(t->expires, date);
        cs_detail_set(detail, detail_size, "the status list %s expired on %s", t->uri, date);
        return CS_ERR_STATUS_LIST_EXPIRED;
    }
    if (t->issued_at > p->now + p->skew) {
        cs_date_format_datetime(t->issued_at, date);
        cs_detail_set(detail, detail_size,
                      "the status list %s says it was issued on %s, in the future (check this "
                      "computer's clock)",
                      t->uri, date);
        return CS_ERR_STATUS_LIST_FUTURE;
    }
    return CS_OK;
}

/* What verifying one candidate gave: the error's detail is in `why`. */
static cs_err explain(const store_entry *e, cs_err err, const char *why, char *detail,
                      size_t detail_size)
{
    switch (err) {
    case CS_OK:
        return err;
    case CS_ERR_STATUS_LIST_KEY:
    case CS_ERR_STATUS_LIST_URI:
    case CS_ERR_STATUS_LIST_EXPIRED:
    case CS_ERR_STATUS_BITS:
    case CS_ERR_LIST_SIGNER_NOT_ACCREDITED:
        cs_detail_set(detail, detail_size, "%s", why); /* these name the list already */
        return err;
    default:
        cs_detail_set(detail, detail_size, "the status list %s is unusable: %s", e->uri, why);
        return err;
    }
}

/* The signature, sub and bits of one candidate.  Its times are left to
 * check_list_times() (a time of 0 is one no exp is at or before), so that
 * they are known even of a list that the time then refuses. */
static cs_err verify_with(const store_entry *e, store_list *l, const cs_key_t *key,
                          cs_status_token *token, char *why, size_t why_size)
{
    return l->decoded.list != NULL
               ? cs_status_token_verify_decoded(l->bytes, l->len, key, e->uri, 0, 0, &l->decoded,
                                                token, why, why_size)
               : cs_status_token_verify(l->bytes, l->len, key, e->uri, 0, 0, token, why,
                                        why_size);
}

static void kid_text(const uint8_t *kid, char out[2 * CS_KID_SIZE + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < CS_KID_SIZE; i++) {
        out[2 * i] = digits[kid[i] >> 4];
        out[2 * i + 1] = digits[kid[i] & 15];
    }
    out[2 * CS_KID_SIZE] = '\0';
}

/* DESIGN §2 step 6: a list that key did not sign may still be the CB's,
 * signed with another key of the CB that the same AB accredited under the
 * same number: the list carries that key's credential, which the signers
 * must accept, and the list's iat must fall within it.  Takes the store's
 * entry index, as accept may add entries (moving them). */
static cs_err verify_other_signer(cs_status_store *store, size_t index, size_t candidate,
                                  const cs_key_t *key, const cs_status_signers *signers,
                                  cs_status_token *token, uint8_t signer_kid[CS_KID_SIZE],
                                  char *why, size_t why_size)
{
    cs_accreditation ac = {0};
    uint8_t *ac_bytes = NULL;
    size_t ac_len = 0;
    char kid[2 * CS_KID_SIZE + 1], reason[CS_DETAIL_SIZE] = "", *uri = NULL;
    store_entry *e = &store->entries[index];
    cs_err err;

    if ((err = cs_status_token_signer_accreditation(e->lists[candidate].bytes,
                                                    e->lists[candidate].len, &ac_bytes,
                                                    &ac_len)) != CS_OK ||
        ac_bytes == NULL)
        return err == CS_ERR_NO_MEMORY ? err : CS_ERR_STATUS_LIST_KEY; /* keep `why` */
    if ((uri = strdup(e->uri)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    err = signers->accept(signers->ctx, uri, ac_bytes, ac_len, &ac, reason, sizeof(reason));
    e = &store->entries[index]; /* accept may have added entries */
    if (err == CS_ERR_NO_MEMORY)
        goto fail;
    if (err != CS_OK) {
        cs_detail_set(why, why_size,
                      "the status list %s is not signed by the certification body's key, and "
                      "the credential it carries does not vouch for its signer: %s",
                      uri, cs_err_detail(reason, err));
        err = CS_ERR_LIST_SIGNER_NOT_ACCREDITED;
        goto fail;
    }
    kid_text(cs_key_kid(ac.subject_key), kid);
    if (cs_crypto_equal(cs_key_kid(ac.subject_key), cs_key_kid(key), CS_KID_SIZE)) {
        err = CS_ERR_STATUS_LIST_KEY; /* the same key, which did not verify it */
        goto fail;
    }
    if ((err = verify_with(e, &e->lists[candidate], ac.subject_key, token, why, why_size)) !=
        CS_OK)
        goto fail;
    if (token->issued_at < ac.not_before || token->issued_at >= ac.expires) {
        char at[CS_DATETIME_TEXT_SIZE];
        cs_date_format_datetime(token->issued_at, at);
        cs_detail_set(why, why_size,
                      "the status list %s was signed on %s by key %s, outside the validity of "
                      "that key's accreditation credential",
                      uri, at, kid);
        cs_status_token_clear(token);
        err = CS_ERR_LIST_SIGNER_NOT_ACCREDITED;
        goto fail;
    }
    memcpy(signer_kid, cs_key_kid(ac.subject_key), CS_KID_SIZE);
fail:
    free(uri);
    free(ac_bytes);
    cs_accreditation_clear(&ac);
    return err;
}

/* An AB's list signed by another of its keys: the first that verifies it,
 * with the list's iat in that key's period. */
static cs_err verify_other_key(const store_entry *e, store_list *l, const cs_status_signers *signers,
                               cs_status_token *token, uint8_t signer_kid[CS_KID_SIZE], char *why,
                               size_t why_size)
{
    for (size_t i = 0; i < signers->key_count; i++) {
        const cs_status_other_key *k = &signers->keys[i];
        char ignored[CS_DETAIL_SIZE];
        cs_err err = verify_with(e, l, k->key, token, ignored, sizeof(ignored));
        if (err == CS_ERR_STATUS_LIST_KEY)
            continue;
        if (err != CS_OK) {
            cs_detail_set(why, why_size, "%s", ignored);
            return err;
        }
        if (token->issued_at < k->not_before || (k->expires != 0 && token->issued_at >= k->expires)) {
            char kid[2 * CS_KID_SIZE + 1];
            kid_text(cs_key_kid(k->key), kid);
            cs_detail_set(why, why_size,
                          "the status list %s was signed by key %s outside that key's signing "
                          "period",
                          e->uri, kid);
            cs_status_token_clear(token);
            return CS_ERR_STATUS_LIST_KEY;
        }
        memcpy(signer_kid, cs_key_kid(k->key), CS_KID_SIZE);
        return CS_OK;
    }
    return CS_ERR_STATUS_LIST_KEY; /* keep `why` */
}

/* The instants at which a verified candidate's eligibility changes: when
 * it comes due (iat - skew) and when it expires (exp + skew, saturated).
 * The window [*from, *until) around now is narrowed to exclude them. */
static void narrow_window(const cs_status_token *t, const cs_status_policy *p, int64_t *from,
                          int64_t *until)
{
    int64_t edges[2] = {t->issued_at - p->skew,
                        t->expires > INT64_MAX - p->skew ? INT64_MAX : t->expires + p->skew};

    for (size_t i = 0; i < 2; i++) {
        if (i == 1 && t->expires == 0)
            continue;
        if (edges[i] <= p->now && edges[i] > *from)
            *from = edges[i];
        if (edges[i] > p->now && edges[i] < *until)
            *until = edges[i];
    }
}

/* Verifies one candidate with key (or a key signers vouch for) and the
 * rules every list must meet.  *other is set when another key signed it;
 * a candidate whose signature verified narrows the window of the choice. */
static cs_err verify_candidate(cs_status_store *store, size_t index, size_t candidate,
                               const cs_key_t *key, const cs_status_signers *signers,
                               const cs_status_policy *p, cs_status_token *token, bool *other,
                               uint8_t signer_kid[CS_KID_SIZE], int64_t window[2], char *detail,
                               size_t detail_size)
{
    char why[CS_DETAIL_SIZE] = "";
    store_entry *e = &store->entries[index];
    cs_err err = verify_with(e, &e->lists[candidate], key, token, why, sizeof(why));

    *other = false;
    if (err == CS_ERR_STATUS_LIST_KEY && signers != NULL && signers->key_count > 0) {
        err = verify_other_key(e, &e->lists[candidate], signers, token, signer_kid, why,
                               sizeof(why));
        *other = err == CS_OK;
    }
    if (err == CS_ERR_STATUS_LIST_KEY && signers != NULL && signers->accept != NULL) {
        err = verify_other_signer(store, index, candidate, key, signers, token, signer_kid,
                                  why, sizeof(why));
        e = &store->entries[index];
        *other = err == CS_OK;
    }
    if (err == CS_OK) {
        narrow_window(token, p, &window[0], &window[1]);
        if ((err = check_list_times(token, p, detail, detail_size)) != CS_OK)
            cs_status_token_clear(token);
        return err;
    }
    return explain(e, err, why, detail, detail_size);
}

/* Verifies every candidate of entry `index` with key (or a key signers
 * vouch for) and keeps the one with the highest iat (of equal ones, the
 * last given); when none verifies, the first one's error. */
static cs_err choose_list(cs_status_store *store, size_t index, const cs_key_t *key,
                          const cs_status_signers *signers, const cs_status_policy *p,
                          char *detail, size_t detail_size)
{
    cs_err first = CS_OK, err;
    size_t failed = 0;
    store_entry *e = &store->entries[index];
    int64_t window[2] = {INT64_MIN, INT64_MAX};

    forget_verification(e);
    for (size_t i = 0; i < store->entries[index].list_count; i++) {
        cs_status_token token;
        uint8_t signer_kid[CS_KID_SIZE] = {0};
        bool other = false;
        char why[CS_DETAIL_SIZE] = "";
        err = verify_candidate(store, index, i, key, signers, p, &token, &other, signer_kid,
                               window, why, sizeof(why));
        e = &store->entries[index];
        if (err == CS_ERR_NO_MEMORY)
            return err;
        if (err != CS_OK) {
            if (failed++ == 0) {
                first = err;
                cs_detail_set(detail, detail_size, "%s", why);
            }
            continue;
        }
        if (e->verified && token.issued_at < e->token.issued_at) {
            cs_status_token_clear(&token);
            continue;
        }
        cs_status_token_clear(&e->token);
        e->token = token;
        e->verified = true;
        e->chosen = i;
        e->other_signer = other;
        memcpy(e->signer_kid, signer_kid, CS_KID_SIZE);
    }
    if (!e->verified) {
        if (failed > 1 && detail != NULL) {
            char first_detail[CS_DETAIL_SIZE];
            snprintf(first_detail, sizeof(first_detail), "%s", detail);
            cs_detail_set(detail, detail_size, "%s (nor do the %zu other lists given for it)",
                          first_detail, failed - 1);
        }
        return first;
    }
    bool other_signer = e->other_signer;
    if ((err = remember_key(e, key)) != CS_OK) {
        forget_verification(e);
    } else {
        e->other_signer = other_signer;
        e->valid_from = window[0];
        e->valid_until = window[1];
        e->chosen_skew = p->skew;
    }
    return err;
}

/* The chosen list against the time and the history: still unexpired, not
 * older than one seen before, not older than the maximum age. */
static cs_err accept_list(const store_entry *e, const cs_status_policy *p, char *detail,
                          size_t detail_size)
{
    const cs_status_token *t = &e->token;
    char date[CS_DATETIME_TEXT_SIZE], seen_date[CS_DATETIME_TEXT_SIZE];
    int64_t seen = 0;
    cs_err err;

    if ((err = check_list_times(t, p, detail, detail_size)) != CS_OK)
        return err;
    cs_date_format_datetime(t->issued_at, date);
    if (p->history != NULL &&
        (err = cs_status_history_accept(p->history, e->uri, t->issued_at, &seen)) != CS_OK) {
        if (err == CS_ERR_STATUS_ROLLBACK) {
            cs_date_format_datetime(seen, seen_date);
            cs_detail_set(detail, detail_size,
                          "the status list %s is older than one already seen (issued %s, "
                          "one of %s was seen): a replayed list is refused",
                          e->uri, date, seen_date);
        }
        return err;
    }
    if (p->max_age >= 0 && t->issued_at < p->now - p->max_age) {
        cs_detail_set(detail, detail_size,
                      "the status list %s was issued on %s, longer ago than the maximum list "
                      "age of %lld day(s); get a fresh one",
                      e->uri, date, (long long)(p->max_age / CS_SECONDS_PER_DAY));
        return CS_ERR_STATUS_LIST_STALE;
    }
    return CS_OK;
}

cs_err cs_status_store_lookup(cs_status_store *store, const cs_status_ref *ref, const cs_key_t *key,
                              const cs_status_signers *signers, const cs_status_policy *policy,
                              cs_status_answer *answer, char *detail, size_t detail_size)
{
    store_entry *e;
    cs_err err;

    if (store == NULL || ref == NULL || !ref->present || ref->uri == NULL || key == NULL ||
        policy == NULL || answer == NULL)
        return CS_ERR_ARGUMENT;
    memset(answer, 0, sizeof(*answer));
    if ((e = find(store, ref->uri)) == NULL) {
        if (store->source == NULL) {
            cs_detail_set(detail, detail_size, "no status list for %s was given", ref->uri);
            return CS_ERR_STATUS_UNKNOWN;
        }
        if ((err = ask_source(store, ref->uri, policy->now, &e)) != CS_OK)
            return err;
    }
    if (e->list_count == 0) {
        cs_detail_set(detail, detail_size, "the status list %s could not be obtained: %s", ref->uri,
                      e->source_detail);
        return CS_ERR_STATUS_UNKNOWN;
    }
    size_t index = (size_t)(e - store->entries);
    if ((!same_key(e, key) || policy->now < e->valid_from || policy->now >= e->valid_until ||
         policy->skew != e->chosen_skew) &&
        (err = choose_list(store, index, key, signers, policy, detail, detail_size)) != CS_OK)
        return err;
    e = &store->entries[index];
    if ((err = accept_list(e, policy, detail, detail_size)) != CS_OK)
        return err;
    e->used = true;
    if (cs_status_list_get(e->token.list, ref->index, &answer->value) != CS_OK) {
        cs_detail_set(detail, detail_size, "index %llu is outside the status list %s (%zu entries)",
                      (unsigned long long)ref->index, ref->uri,
                      cs_status_list_entries(e->token.list));
        return CS_ERR_STATUS_INDEX;
    }
    answer->issued_at = e->token.issued_at;
    answer->ttl = e->token.ttl;
    answer->other_signer = e->other_signer;
    if (e->other_signer)
        memcpy(answer->signer_kid, e->signer_kid, CS_KID_SIZE);
    return CS_OK;
}

cs_err cs_status_store_each_used(const cs_status_store *store, cs_status_used_fn fn, void *ctx)
{
    uint8_t digest[CS_SHA256_SIZE];
    cs_err err = CS_OK;

    if (store == NULL || fn == NULL)
        return CS_ERR_ARGUMENT;
    for (size_t i = 0; i < store->count && err == CS_OK; i++) {
        const store_entry *e = &store->entries[i];
        if (!e->verified || !e->used || e->chosen >= e->list_count)
            continue;
        if ((err = cs_crypto_sha256(e->lists[e->chosen].bytes, e->lists[e->chosen].len,
                                    digest)) == CS_OK)
            err = fn(ctx, e->uri, e->token.issued_at, digest);
    }
    return err;
}
