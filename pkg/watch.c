/* SPDX-License-Identifier: ISC */
/* The changes a check finds (certseal/watch.h): the comparison of a
 * verification with what was reported before, adding and removing
 * certificates, and the JSON of an event.  pkg/watch_state.c keeps the
 * portfolio on disk. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "certseal/text.h"
#include "certseal/token.h"
#include "internal.h"
#include "watch_internal.h"

static const char *const EVENT_NAMES[] = {
    [CS_WATCH_SUSPENDED] = "suspended",
    [CS_WATCH_REINSTATED] = "reinstated",
    [CS_WATCH_WITHDRAWN] = "withdrawn",
    [CS_WATCH_SUPERSEDED] = "superseded",
    [CS_WATCH_ACCREDITATION_SUSPENDED] = "accreditation-suspended",
    [CS_WATCH_ACCREDITATION_WITHDRAWN] = "accreditation-withdrawn",
    [CS_WATCH_ACCREDITATION_REINSTATED] = "accreditation-reinstated",
    [CS_WATCH_EXPIRING] = "expiring",
    [CS_WATCH_EXPIRED] = "expired",
    [CS_WATCH_STATUS_UNKNOWN] = "status-unknown",
    [CS_WATCH_STATUS_KNOWN] = "status-known",
    [CS_WATCH_VERDICT_CHANGED] = "verdict-changed",
};

const char *cs_watch_event_name(cs_watch_event_type type)
{
    return (size_t)type < sizeof(EVENT_NAMES) / sizeof(EVENT_NAMES[0]) ? EVENT_NAMES[type]
                                                                       : "unknown";
}

static cs_err replace_text(char **field, const char *value)
{
    char *copy = NULL;

    if (value != NULL && (copy = strdup(value)) == NULL)
        return CS_ERR_NO_MEMORY;
    free(*field);
    *field = copy;
    return CS_OK;
}

/* ---- adding and removing -------------------------------------------------------- */

cs_err cs_watch_add(cs_watch_t *w, const uint8_t *token, size_t len, const char *source,
                    int64_t now, bool *added)
{
    char *text = NULL, id[CS_WATCH_ID_SIZE];
    const uint8_t *cose;
    size_t cose_len;
    uint8_t digest[CS_SHA256_SIZE];
    cs_form form;
    cs_watch_item *item;
    cs_err err;

    if (w == NULL || token == NULL || source == NULL || added == NULL)
        return CS_ERR_ARGUMENT;
    *added = false;
    /* Kept as text (a link stays a link, COSE bytes become the offline
     * form); the id is that of the COSE bytes, whatever the form. */
    if ((err = cs_token_convert(w->codec, token, len, CS_FORM_UNKNOWN, NULL, &form, &text)) !=
            CS_OK ||
        (err = cs_token_unwrap(w->codec, (const uint8_t *)text, strlen(text), &form, &cose,
                               &cose_len)) != CS_OK ||
        (err = cs_crypto_sha256(cose, cose_len, digest)) != CS_OK)
        goto fail;
    for (size_t i = 0; i < CS_SHA256_SIZE; i++)
        snprintf(id + 2 * i, 3, "%02x", digest[i]);
    for (size_t i = 0; i < w->count; i++)
        if (strcmp(w->items[i].id, id) == 0)
            goto fail; /* watched already */
    if ((err = cs_watch_item_append(w, &item)) != CS_OK)
        goto fail;
    memcpy(item->id, id, CS_WATCH_ID_SIZE);
    if ((item->source = strdup(source)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    item->token = text;
    text = NULL;
    item->added = now;
    item->verdict = CS_VERDICT_STATUS_UNKNOWN; /* not checked yet */
    item->other_verdict = CS_VERDICT_VALID;
    w->count++;
    *added = true;
fail:
    free(text);
    return err;
}

cs_err cs_watch_remove(cs_watch_t *w, const char *prefix, size_t *removed)
{
    size_t len, kept = 0;

    if (w == NULL || prefix == NULL || removed == NULL)
        return CS_ERR_ARGUMENT;
    *removed = 0;
    len = strlen(prefix);
    if (len < 8 || len > CS_WATCH_ID_SIZE - 1)
        return CS_ERR_ARGUMENT;
    for (size_t i = 0; i < w->count; i++) {
        if (strncmp(w->items[i].id, prefix, len) == 0) {
            cs_watch_item_clear(&w->items[i]);
            (*removed)++;
        } else {
            w->items[kept++] = w->items[i];
        }
    }
    w->count = kept;
    return CS_OK;
}

/* ---- checking ----------------------------------------------------------------- */

/* What a status check decided: 1 with *status, 0 when it was run but could
 * not decide, -1 when it was not run (an earlier check failed). */
static int certificate_status_of(const cs_check *c, cs_watch_status *status)
{
    if (c->state == CS_CHECK_NOT_RUN)
        return -1;
    if (c->state == CS_CHECK_PASS)
        return *status = CS_WATCH_STATUS_VALID, 1;
    if (c->state == CS_CHECK_FAIL && c->err == CS_ERR_STATUS_SUSPENDED)
        return *status = CS_WATCH_STATUS_SUSPENDED, 1;
    if (c->state == CS_CHECK_FAIL && c->err == CS_ERR_STATUS_WITHDRAWN)
        return *status = CS_WATCH_STATUS_WITHDRAWN, 1;
    if (c->state == CS_CHECK_FAIL && c->err == CS_ERR_STATUS_SUPERSEDED)
        return *status = CS_WATCH_STATUS_SUPERSEDED, 1;
    return 0;
}

static int accreditation_status_of(const cs_check *c, cs_watch_status *status)
{
    if (c->state == CS_CHECK_NOT_RUN)
        return -1;
    if (c->state == CS_CHECK_PASS)
        return *status = CS_WATCH_STATUS_VALID, 1;
    if (c->state == CS_CHECK_FAIL && c->err == CS_ERR_AC_SUSPENDED)
        return *status = CS_WATCH_STATUS_SUSPENDED, 1;
    if (c->state == CS_CHECK_FAIL && c->err == CS_ERR_AC_WITHDRAWN)
        return *status = CS_WATCH_STATUS_WITHDRAWN, 1;
    return 0;
}

typedef struct checker {
    cs_watch_item *item;
    const cs_verify_result *result;
    cs_watch_event_fn emit;
    void *ctx;
    int64_t now;
} checker;

static cs_err emit(const checker *c, cs_watch_event_type type, unsigned threshold,
                   int64_t days_left, cs_verdict previous)
{
    cs_watch_event e = {type, c->item, c->now, c->result, threshold, days_left, previous};
    return c->emit(c->ctx, &e);
}

static cs_err certificate_change(const checker *c, cs_watch_status now)
{
    static const cs_watch_event_type to[] = {CS_WATCH_REINSTATED, CS_WATCH_SUSPENDED,
                                             CS_WATCH_WITHDRAWN, CS_WATCH_SUPERSEDED};
    if (now == c->item->certificate_status)
        return CS_OK;
    c->item->certificate_status = now;
    return emit(c, to[now], 0, 0, CS_VERDICT_VALID);
}

static cs_err accreditation_change(const checker *c, cs_watch_status now)
{
    static const cs_watch_event_type to[] = {CS_WATCH_ACCREDITATION_REINSTATED,
                                             CS_WATCH_ACCREDITATION_SUSPENDED,
                                             CS_WATCH_ACCREDITATION_WITHDRAWN,
                                             CS_WATCH_ACCREDITATION_WITHDRAWN};
    if (now == c->item->accreditation_status)
        return CS_OK;
    c->item->accreditation_status = now;
    return emit(c, to[now], 0, 0, CS_VERDICT_VALID);
}

/* Status unknown: reported once the first unknown check is unknown_after
 * old; known again after that: reported once. */
static cs_err unknown_change(const checker *c, bool unknown, int64_t unknown_after)
{
    cs_watch_item *item = c->item;

    if (!unknown) {
        bool was_reported = item->unknown_reported;
        item->unknown_since = 0;
        item->unknown_reported = false;
        return was_reported ? emit(c, CS_WATCH_STATUS_KNOWN, 0, 0, CS_VERDICT_VALID) : CS_OK;
    }
    if (item->unknown_since == 0 || item->unknown_since > c->now)
        item->unknown_since = c->now;
    if (item->unknown_reported || c->now - item->unknown_since < unknown_after)
        return CS_OK;
    item->unknown_reported = true;
    return emit(c, CS_WATCH_STATUS_UNKNOWN, 0, 0, CS_VERDICT_VALID);
}

/* The tightest threshold the expiry is within, reported when tighter than
 * the last one reported; expired once. */
static cs_err expiry_change(const checker *c, const cs_watch_policy *p)
{
    cs_watch_item *item = c->item;
    int64_t left;
    unsigned tightest = 0;

    if (item->expires <= 0)
        return CS_OK;
    if (c->now >= item->expires) {
        if (item->expired_reported)
            return CS_OK;
        item->expired_reported = true;
        return emit(c, CS_WATCH_EXPIRED, 0, 0, CS_VERDICT_VALID);
    }
    left = item->expires - c->now;
    for (size_t i = 0; i < CS_WATCH_MAX_THRESHOLDS && p->thresholds[i] != 0; i++)
        if (left <= (int64_t)p->thresholds[i] * CS_SECONDS_PER_DAY &&
            (tightest == 0 || p->thresholds[i] < tightest))
            tightest = p->thresholds[i];
    if (tightest == 0 || (item->expiry_notice != 0 && tightest >= item->expiry_notice))
        return CS_OK;
    item->expiry_notice = tightest;
    /* Whole days left until exp (00:00 UTC after the last valid day). */
    return emit(c, CS_WATCH_EXPIRING, tightest, left / CS_SECONDS_PER_DAY, CS_VERDICT_VALID);
}

/* Verdicts the events above do not explain: a forgery, a certificate out of
 * its accreditation, one not yet valid. */
static bool explained(const cs_verify_result *r)
{
    switch (r->verdict) {
    case CS_VERDICT_VALID:
    case CS_VERDICT_SUSPENDED:
    case CS_VERDICT_WITHDRAWN:
    case CS_VERDICT_SUPERSEDED:
    case CS_VERDICT_EXPIRED:
    case CS_VERDICT_STATUS_UNKNOWN:
        return true;
    case CS_VERDICT_NOT_ACCREDITED:
        return r->failed == CS_CHECK_AC_STATUS;
    default:
        return false;
    }
}

static cs_err remember_certificate(cs_watch_item *item, const cs_verify_result *r)
{
    const cs_certificate *cert = &r->certificate;
    char standards[CS_TEXT_MAX]; /* an integrated certificate's, joined by ", " */
    cs_err err;

    if (!r->signatures_verified || !r->has_certificate)
        return CS_OK;
    if ((err = replace_text(&item->number, cert->number)) != CS_OK ||
        (err = replace_text(&item->issuer, cert->issuer)) != CS_OK ||
        (err = replace_text(&item->organization, cert->organization_name)) != CS_OK ||
        (err = replace_text(&item->standard,
                            cert->standard_count == 0
                                ? NULL
                                : cs_certificate_standards_text(cert, ", ", standards,
                                                                sizeof(standards)))) != CS_OK)
        return err;
    item->expires = cert->expires;
    return CS_OK;
}

cs_err cs_watch_check(cs_watch_t *w, size_t i, const cs_verify_result *result,
                      const cs_watch_policy *policy, cs_watch_event_fn emit_fn, void *ctx)
{
    checker c;
    cs_watch_status status;
    int ct, ac;
    cs_verdict other;
    cs_err err;

    if (w == NULL || i >= w->count || result == NULL || policy == NULL || emit_fn == NULL)
        return CS_ERR_ARGUMENT;
    c = (checker){&w->items[i], result, emit_fn, ctx, result->verified_at};
    if ((err = remember_certificate(c.item, result)) != CS_OK)
        return err;
    c.item->checked = c.now;
    c.item->verdict = result->verdict;
    ct = certificate_status_of(&result->checks[CS_CHECK_CT_STATUS], &status);
    if (ct == 1 && (err = certificate_change(&c, status)) != CS_OK)
        return err;
    ac = accreditation_status_of(&result->checks[CS_CHECK_AC_STATUS], &status);
    if (ac == 1 && (err = accreditation_change(&c, status)) != CS_OK)
        return err;
    /* Unknown when a status check ran and could not decide; a check not
     * run (an expired certificate) is neither. */
    if ((ct != -1 || ac != -1) &&
        (err = unknown_change(&c, ct == 0 || ac == 0, policy->unknown_after)) != CS_OK)
        return err;
    if ((err = expiry_change(&c, policy)) != CS_OK)
        return err;
    other = explained(result) ? CS_VERDICT_VALID : result->verdict;
    if (other != c.item->other_verdict) {
        cs_verdict previous = c.item->other_verdict;
        c.item->other_verdict = other;
        return emit(&c, CS_WATCH_VERDICT_CHANGED, 0, 0, previous);
    }
    return CS_OK;
}

/* ---- JSON out ------------------------------------------------------------------- */

static void set_text(json_t *o, const char *key, const char *value)
{
    if (value != NULL)
        json_object_set_new(o, key, json_string(value));
}

cs_err cs_watch_event_json(const cs_watch_event *e, char **out)
{
    const cs_watch_item *item = e->item;
    const cs_verify_result *r = e->result;
    json_t *o = json_object();
    cs_err err = CS_ERR_NO_MEMORY;

    *out = NULL;
    if (o == NULL)
        return err;
    json_object_set_new(o, "event", json_string(cs_watch_event_name(e->type)));
    cs_watch_json_set_date(o, "at", e->at);
    json_object_set_new(o, "id", json_string(item->id));
    set_text(o, "source", item->source);
    set_text(o, "certificate", item->number);
    set_text(o, "issuer", item->issuer);
    set_text(o, "organisation", item->organization);
    set_text(o, "standard", item->standard);
    if (item->expires > 0)
        cs_watch_json_set_date(o, "expires", item->expires);
    json_object_set_new(o, "verdict", json_string(cs_verdict_name(r->verdict)));
    switch (e->type) {
    case CS_WATCH_EXPIRING:
        json_object_set_new(o, "threshold_days", json_integer(e->threshold));
        json_object_set_new(o, "days_left", json_integer(e->days_left));
        break;
    case CS_WATCH_STATUS_UNKNOWN:
        cs_watch_json_set_date(o, "unknown_since", item->unknown_since);
        break;
    case CS_WATCH_VERDICT_CHANGED:
        json_object_set_new(o, "previous", json_string(cs_verdict_name(e->previous)));
        break;
    default:
        break;
    }
    if (r->verdict != CS_VERDICT_VALID && r->failed < CS_CHECK_COUNT)
        set_text(o, "reason", r->checks[r->failed].detail);
    if ((*out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL)
        err = cs_text_escape_json(out);
    if (err != CS_OK) {
        free(*out);
        *out = NULL;
    }
    json_decref(o);
    return err;
}

/* ---- the portfolio as text ---------------------------------------------------- */

/* text (or "-"), escaped into a buffer of the size `watch --list` always
 * used, so that a long field is cut as it was. */
static void put_field(FILE *f, const char *before, const char *text)
{
    char safe[256 * 6 + 1];

    if (text == NULL)
        text = "-";
    cs_text_escape(text, strlen(text), safe, sizeof(safe));
    fputs(before, f);
    fputs(safe, f);
}

static void put_list(FILE *f, const void *arg)
{
    const cs_watch_t *watch = arg;
    char date[CS_DATE_TEXT_SIZE], checked[CS_DATE_TEXT_SIZE];

    for (size_t i = 0; i < cs_watch_count(watch); i++) {
        const cs_watch_item *item = cs_watch_item_at(watch, i);
        if (item->expires > 0) /* exp is the day after the last valid day */
            cs_date_format(item->expires - CS_SECONDS_PER_DAY, date);
        else
            snprintf(date, sizeof(date), "-");
        if (item->checked > 0)
            cs_date_format(item->checked, checked);
        fprintf(f, "%.12s  %-15s ", item->id,
                item->checked > 0 ? cs_verdict_name(item->verdict) : "not checked");
        put_field(f, "", item->number);
        put_field(f, "  ", item->organization);
        put_field(f, "  ", item->standard);
        fprintf(f, "  expires %s  checked %s", date, item->checked > 0 ? checked : "never");
        put_field(f, "  from ", item->source);
        fputc('\n', f);
    }
}

cs_err cs_watch_list_text(const cs_watch_t *watch, char **out)
{
    if (watch == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    return cs_text_render(put_list, watch, out);
}
