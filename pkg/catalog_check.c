/* SPDX-License-Identifier: ISC */
/* The rules the standards catalog imposes (DESIGN §2 step 7): at issue (an
 * edition past its last issuing day, an expiry past its transition's end,
 * scope codes of another system), at accreditation, and at verification
 * (the state of an edition at a time); the catalog as text.  Each rule
 * takes one designation, so that a certificate with several standards
 * applies them to each. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/catalog.h"
#include "certseal/date.h"
#include "certseal/text.h"
#include "internal.h"

/* 00:00 UTC of the day after `day`: the first instant a certificate that
 * ends on `day` is no longer valid. */
static int64_t day_after(int64_t day)
{
    return day + CS_SECONDS_PER_DAY;
}

/* The standard is listed, or unlisted ones are allowed (*edition NULL). */
static cs_err check_listed(const cs_catalog *cat, const char *designation, unsigned flags,
                           const cs_catalog_family **family, char *detail, size_t size)
{
    char suggestion[CS_CATALOG_NAME_MAX + 1];

    if (cs_catalog_find(cat, designation, family) != NULL)
        return CS_OK;
    if (flags & CS_CATALOG_ALLOW_UNLISTED)
        return CS_OK;
    if (cs_catalog_suggest(cat, designation, suggestion, sizeof(suggestion)))
        return cs_detail_fail(detail, size, CS_ERR_STANDARD_UNLISTED,
                              "standard \"%.64s\" is not in the standards catalog (version "
                              "%llu): did you mean \"%s\"? (--allow-unlisted-standard for a "
                              "standard the catalog does not cover)",
                              designation, (unsigned long long)cat->version, suggestion);
    return cs_detail_fail(detail, size, CS_ERR_STANDARD_UNLISTED,
                          "standard \"%.64s\" is not in the standards catalog (version %llu; "
                          "certseal catalog show lists it): use a listed edition, or "
                          "--allow-unlisted-standard for a standard the catalog does not cover",
                          designation, (unsigned long long)cat->version);
}

static cs_err check_scope_codes(const cs_catalog_family *f, size_t iaf_count,
                                size_t food_chain_count, char *detail, size_t size)
{
    if (iaf_count > 0 && f->scope_codes != CS_SCOPE_CODES_IAF)
        return cs_detail_fail(detail, size, CS_ERR_SCOPE_CODES,
                              "%s certificates carry no IAF sector codes (its accreditation uses "
                              "%s, %s): remove \"iaf_codes\"",
                              f->name,
                              f->scope_codes == CS_SCOPE_CODES_FOOD_CHAIN
                                  ? "ISO 22003-1 food chain categories"
                                  : "no scope code system",
                              f->scope_codes_source);
    if (food_chain_count > 0 && f->scope_codes != CS_SCOPE_CODES_FOOD_CHAIN)
        return cs_detail_fail(detail, size, CS_ERR_SCOPE_CODES,
                              "%s certificates carry no ISO 22003-1 food chain categories (its "
                              "accreditation uses %s): remove \"food_chain_categories\"",
                              f->name,
                              f->scope_codes == CS_SCOPE_CODES_IAF ? "IAF sector codes"
                                                                    : "no scope code system");
    return CS_OK;
}

cs_err cs_catalog_check_certificate(const cs_catalog *catalog, const char *designation,
                                    int64_t issued_at, int64_t expires, size_t iaf_count,
                                    size_t food_chain_count, unsigned flags, char *detail,
                                    size_t detail_size)
{
    const cs_catalog_family *family = NULL;
    const cs_catalog_transition *t;
    char last[CS_DATE_TEXT_SIZE], end[CS_DATE_TEXT_SIZE], issued[CS_DATE_TEXT_SIZE],
        expiry[CS_DATE_TEXT_SIZE];
    cs_err err;

    if (catalog == NULL || designation == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = check_listed(catalog, designation, flags, &family, detail, detail_size)) != CS_OK)
        return err;
    if (family == NULL)
        return CS_OK; /* unlisted, and allowed: no rule applies */
    if ((t = cs_catalog_transition_from(catalog, designation)) != NULL) {
        cs_date_format(t->last_issue, last);
        cs_date_format(t->ends, end);
        cs_date_format(issued_at, issued);
        cs_date_format(expires - 1, expiry);
        if (issued_at >= day_after(t->last_issue))
            return cs_detail_fail(detail, detail_size, CS_ERR_EDITION_NOT_ISSUABLE,
                                  "%s certificates may not be issued after %s (transition to %s, "
                                  "%s): issued %s; certify to %s",
                                  designation, last, t->to, t->sources[0], issued, t->to);
        if (expires > day_after(t->ends))
            return cs_detail_fail(detail, detail_size, CS_ERR_EXPIRY_AFTER_TRANSITION,
                                  "%s certificates end on %s (transition to %s, %s): the expiry "
                                  "%s is after it; set the expiry to %s at the latest, or "
                                  "certify to %s",
                                  designation, end, t->to, t->sources[0], expiry, end, t->to);
    }
    return check_scope_codes(family, iaf_count, food_chain_count, detail, detail_size);
}

cs_err cs_catalog_check_accreditation(const cs_catalog *catalog, const char *designation,
                                      int64_t at, unsigned flags, char *detail,
                                      size_t detail_size)
{
    const cs_catalog_family *family = NULL;
    const cs_catalog_transition *t;
    char end[CS_DATE_TEXT_SIZE];
    cs_err err;

    if (catalog == NULL || designation == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = check_listed(catalog, designation, flags, &family, detail, detail_size)) != CS_OK)
        return err;
    if (family != NULL && (t = cs_catalog_transition_from(catalog, designation)) != NULL &&
        at >= day_after(t->ends)) {
        cs_date_format(t->ends, end);
        return cs_detail_fail(detail, detail_size, CS_ERR_EDITION_ENDED,
                              "%s certificates ended on %s (transition to %s, %s): accredit for "
                              "%s instead",
                              designation, end, t->to, t->sources[0], t->to);
    }
    return CS_OK;
}

cs_edition_state cs_catalog_edition_state(const cs_catalog *catalog, const char *designation,
                                          int64_t at, const cs_catalog_transition **transition)
{
    const cs_catalog_transition *t;

    if (transition != NULL)
        *transition = NULL;
    if (cs_catalog_find(catalog, designation, NULL) == NULL)
        return CS_EDITION_UNLISTED;
    if ((t = cs_catalog_transition_from(catalog, designation)) == NULL)
        return CS_EDITION_CURRENT;
    if (transition != NULL)
        *transition = t;
    if (at >= day_after(t->ends))
        return CS_EDITION_ENDED;
    if (at >= t->starts)
        return CS_EDITION_IN_TRANSITION;
    return CS_EDITION_CURRENT;
}

/* ---- the catalog as text -------------------------------------------------- */

typedef struct text_out {
    char *buf;
    size_t len, cap;
    bool failed;
} text_out;

static void put(text_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text_out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->failed)
        return;
    if (o->buf == NULL) {
        /* Never format into a NULL buffer (vsnprintf's offset on NULL is
         * undefined). */
        if ((o->buf = malloc(1024)) == NULL) {
            o->failed = true;
            return;
        }
        o->cap = 1024;
    }
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = true;
            return;
        }
        if ((size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = o->cap * 2 + (size_t)n + 256;
        char *grown = realloc(o->buf, cap);
        if (grown == NULL) {
            o->failed = true;
            return;
        }
        o->buf = grown;
        o->cap = cap;
    }
}

/* A catalog text made safe for a terminal (a signed catalog is still the
 * scheme owner's text: escaped like any other). */
static const char *safe(const char *text, char *buf, size_t size)
{
    cs_text_escape(text, strlen(text), buf, size);
    return buf;
}

static void put_transition(text_out *o, const cs_catalog_transition *t)
{
    char starts[CS_DATE_TEXT_SIZE], last[CS_DATE_TEXT_SIZE], ends[CS_DATE_TEXT_SIZE];
    char a[4 * CS_CATALOG_NAME_MAX + 1], b[4 * CS_CATALOG_NAME_MAX + 1];

    cs_date_format(t->starts, starts);
    cs_date_format(t->last_issue, last);
    cs_date_format(t->ends, ends);
    put(o, "    transition %s -> %s: from %s, last issue %s%s, all end %s\n",
        safe(t->from, a, sizeof(a)), safe(t->to, b, sizeof(b)), starts, last,
        t->has_last_issue ? "" : " (the end)", ends);
    put(o, "      sources:");
    for (size_t s = 0; s < t->source_count; s++)
        put(o, " %s", safe(t->sources[s], a, sizeof(a)));
    put(o, "\n");
}

cs_err cs_catalog_format_text(const cs_catalog *catalog, char **out)
{
    text_out o = {0};
    char issued[CS_DATE_TEXT_SIZE];
    char a[4 * CS_CATALOG_TEXT_MAX + 1], b[4 * CS_CATALOG_NAME_MAX + 1];

    if (catalog == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    cs_date_format(catalog->issued, issued);
    put(&o, "standards catalog version %llu, issued %s: %zu families, %zu sources\n",
        (unsigned long long)catalog->version, issued, catalog->family_count,
        catalog->source_count);
    for (size_t i = 0; i < catalog->family_count; i++) {
        const cs_catalog_family *f = &catalog->families[i];
        put(&o, "\n%s", safe(f->name, b, sizeof(b)));
        put(&o, " - %s\n", safe(f->title, a, sizeof(a)));
        put(&o, "    scope codes: %s (%s)\n", cs_scope_codes_name(f->scope_codes),
            safe(f->scope_codes_source, b, sizeof(b)));
        for (size_t e = 0; e < f->edition_count; e++) {
            put(&o, "    edition %s", safe(f->editions[e].designation, b, sizeof(b)));
            put(&o, ", published %s\n", safe(f->editions[e].published, b, sizeof(b)));
        }
        for (size_t t = 0; t < f->transition_count; t++)
            put_transition(&o, &f->transitions[t]);
    }
    if (o.failed) {
        free(o.buf);
        return CS_ERR_NO_MEMORY;
    }
    if (o.buf == NULL && (o.buf = strdup("")) == NULL)
        return CS_ERR_NO_MEMORY;
    *out = o.buf;
    return CS_OK;
}
