/* SPDX-License-Identifier: ISC */
/* DESIGN §2 step 7: the standards catalog ends editions whose transition
 * is over.  The catalog is the one set on the verifier, else the built-in
 * one, parsed when a certificate first reaches this step (so that
 * start-up pays nothing for it). */
#include <string.h>

#include "certseal/catalog.h"
#include "certseal/date.h"
#include "certseal/verify.h"
#include "verify_internal.h"

void cs_verifier_set_catalog(cs_verifier_t *verifier, cs_catalog **catalog)
{
    if (verifier == NULL || catalog == NULL)
        return;
    cs_catalog_free(&verifier->catalog);
    verifier->catalog = *catalog;
    *catalog = NULL;
}

const cs_catalog *cs_verifier_catalog(cs_verifier_t *verifier)
{
    if (verifier == NULL)
        return NULL;
    if (verifier->catalog == NULL && cs_catalog_load_builtin(&verifier->catalog) != CS_OK)
        return NULL;
    return verifier->catalog;
}

/* The edition rule for one designation: false when its edition has ended
 * (the reason in text), else true with what was found in text. */
static bool edition_of(cs_verification *v, const cs_catalog *catalog, const char *designation,
                       char *text, size_t size)
{
    const cs_catalog_transition *t = NULL;
    char ends[CS_DATE_TEXT_SIZE];

    /* The clock skew is allowed, as for the certificate's own expiry. */
    switch (cs_catalog_edition_state(catalog, designation, v->now - v->verifier->skew, &t)) {
    case CS_EDITION_UNLISTED:
        cs_detail_set(text, size,
                      "%s is not in the standards catalog (version %llu): no edition rule applies",
                      designation, (unsigned long long)catalog->version);
        return true;
    case CS_EDITION_ENDED:
        cs_date_format(t->ends, ends);
        cs_detail_set(text, size, "%s certificates ended on %s (transition to %s)", designation,
                      ends, t->to);
        return false;
    case CS_EDITION_IN_TRANSITION:
        cs_date_format(t->ends, ends);
        if (v->result->edition_transition_ends == 0 || t->ends < v->result->edition_transition_ends)
            v->result->edition_transition_ends = t->ends;
        cs_detail_set(text, size,
                      "this edition's transition ends on %s: %s certificates end then (transition "
                      "to %s)",
                      ends, designation, t->to);
        return true;
    case CS_EDITION_CURRENT:
        break;
    }
    cs_detail_set(text, size, "%s is a current edition (standards catalog version %llu)",
                  designation, (unsigned long long)catalog->version);
    return true;
}

bool cs_verify_check_edition(cs_verification *v, const cs_certificate *cert)
{
    const cs_catalog *catalog = cs_verifier_catalog(v->verifier);
    char all[CS_DETAIL_SIZE], one[CS_DETAIL_SIZE];
    size_t n = 0;

    if (catalog == NULL)
        return cs_verify_fail(v, CS_CHECK_EDITION_CURRENT, CS_ERR_NO_MEMORY,
                              "the standards catalog could not be loaded (out of memory)");
    all[0] = '\0';
    for (size_t i = 0; i < cert->standard_count; i++) {
        if (!edition_of(v, catalog, cert->standards[i], one, sizeof(one)))
            return cs_verify_fail(v, CS_CHECK_EDITION_CURRENT, CS_ERR_EDITION_ENDED, "%s", one);
        /* An integrated certificate's findings, one per standard. */
        if (n < sizeof(all) - 1) {
            cs_detail_set(all + n, sizeof(all) - n, "%s%s", i > 0 ? "; " : "", one);
            n += strlen(all + n);
        }
    }
    return cs_verify_pass(v, CS_CHECK_EDITION_CURRENT, "%s", all);
}
