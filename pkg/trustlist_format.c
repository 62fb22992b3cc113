/* SPDX-License-Identifier: ISC */
/* A trust list as text (certseal/trustlist.h): what `certseal trustlist
 * show` prints.  Every text of the list came from its signer, or from a
 * file not yet verified, and is escaped for a terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "certseal/text.h"
#include "certseal/trustlist.h"
#include "internal.h"

static void put_period(FILE *f, int64_t from, bool has_until, int64_t until)
{
    char a[CS_DATE_TEXT_SIZE], b[CS_DATE_TEXT_SIZE];

    cs_date_format(from, a);
    if (has_until) {
        cs_date_format(until, b);
        fprintf(f, "from %s until %s", a, b);
    } else {
        fprintf(f, "from %s", a);
    }
}

static void put_ab(FILE *f, const cs_trustlist_ab *ab)
{
    char kid[2 * CS_KID_SIZE + 1], when[CS_DATE_TEXT_SIZE];

    fputs("  ", f);
    cs_text_put_escaped(f, ab->id);
    fputs("  ", f);
    cs_text_put_escaped(f, ab->name);
    fputs(" (", f);
    cs_text_put_escaped(f, ab->country);
    fprintf(f, ")  %s\n", cs_ab_status_name(ab->status));
    for (size_t i = 0; i < ab->recognition_count; i++) {
        const cs_trustlist_recognition *r = &ab->recognitions[i];
        fputs("    recognised for ", f);
        cs_text_put_escaped(f, r->standard);
        fputs(", ", f);
        put_period(f, r->not_before, r->has_expires, r->expires);
        fputc('\n', f);
    }
    for (size_t i = 0; i < ab->key_count; i++) {
        const cs_trustlist_key *k = &ab->keys[i];
        fprintf(f, "    key %s %s, signs ", cs_text_hex(cs_key_kid(k->key), CS_KID_SIZE, kid),
                cs_alg_name(cs_key_alg(k->key)));
        put_period(f, k->not_before, k->has_expires, k->expires);
        if (k->has_compromised) {
            cs_date_format(k->compromised, when);
            fprintf(f, ", COMPROMISED since %s", when);
        }
        fputc('\n', f);
    }
}

static void put_list(FILE *f, const void *arg)
{
    const cs_trustlist *list = arg;
    char when[CS_DATETIME_TEXT_SIZE], kid[2 * CS_KID_SIZE + 1];

    fputs("NOT VERIFIED: decoded only; the signature was not checked (certseal verify "
          "--trust-list FILE --root ROOT.pub checks it)\n",
          f);
    fputs("scheme owner: ", f);
    cs_text_put_escaped(f, list->issuer);
    fputs("\nuri:          ", f);
    cs_text_put_escaped(f, list->uri);
    fprintf(f, "\nsequence:     %llu\n", (unsigned long long)list->sequence);
    cs_date_format_datetime(list->issued_at, when);
    fprintf(f, "issued:       %s\n", when);
    cs_date_format_datetime(list->next_update, when);
    fprintf(f, "next update:  %s\n", when);
    fprintf(f, "ttl:          %llu seconds\n", (unsigned long long)list->ttl);
    fprintf(f, "signed by:    %s\n", cs_text_hex(list->signer_kid, CS_KID_SIZE, kid));
    for (size_t i = 0; i < list->next_key_count; i++)
        fprintf(f, "next root:    %s %s\n",
                cs_text_hex(cs_key_kid(list->next_keys[i]), CS_KID_SIZE, kid),
                cs_alg_name(cs_key_alg(list->next_keys[i])));
    fprintf(f, "accreditation bodies: %zu\n", list->ab_count);
    for (size_t i = 0; i < list->ab_count; i++)
        put_ab(f, &list->abs[i]);
}

cs_err cs_trustlist_format_text(const cs_trustlist *list, char **out)
{
    if (list == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    return cs_text_render(put_list, list, out);
}
