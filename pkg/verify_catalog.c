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

bool cs_verify_check_edition(cs_verification *v, const char *designation)
{
    const cs_catalog *catalog = cs_verifier_catalog(v->verifier);
    const cs_catalog_transition *t = NULL;
    char ends[CS_DATE_TEXT_SIZE];

    if (catalog == NULL)
        return cs_verify_fail(v, CS_CHECK_EDITION_CURRENT, CS_ERR_NO_MEMORY,
                              "the standards catalog could not be loaded (out of memory)");
    /* The clock skew is allowed, as for the certificate's own expiry. */
    switch (cs_catalog_edition_state(catalog, designation, v->now - v->verifier->skew, &t)) {
    case CS_EDITION_UNLISTED:
        return cs_verify_pass(v, CS_CHECK_EDITION_CURRENT,
                              "%s is not in the standards catalog (version %llu): no edition "
                              "rule applies",
                              designation, (unsigned long long)catalog->version);
    case CS_EDITION_ENDED:
        cs_date_format(t->ends, ends);
        return cs_verify_fail(v, CS_CHECK_EDITION_CURRENT, CS_ERR_EDITION_ENDED,
                              "%s certificates ended on %s (transition to %s)", designation, ends,
                              t->to);
    case CS_EDITION_IN_TRANSITION:
        cs_date_format(t->ends, ends);
        if (v->result->edition_transition_ends == 0 || t->ends < v->result->edition_transition_ends)
            v->result->edition_transition_ends = t->ends;
        return cs_verify_pass(v, CS_CHECK_EDITION_CURRENT,
                              "this edition's transition ends on %s: %s certificates end then "
                              "(transition to %s)",
                              ends, designation, t->to);
    case CS_EDITION_CURRENT:
        break;
    }
    return cs_verify_pass(v, CS_CHECK_EDITION_CURRENT,
                          "%s is a current edition (standards catalog version %llu)",
                          designation, (unsigned long long)catalog->version);
}
