/* SPDX-License-Identifier: ISC */
/* The counts and text of a Status List Token (report_status.h). */
#include <stdio.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/date.h"
#include "certseal/report_status.h"
#include "certseal/text.h"
#include "report_internal.h"

void cs_status_list_count(const cs_status_list_t *list, cs_status_counts *c)
{
    size_t n = cs_status_list_entries(list);

    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < n; i++) {
        unsigned value = 0;
        if (cs_status_list_get(list, i, &value) != CS_OK || value > 3)
            c->other++;
        else
            c->of[value]++;
    }
}

static void print_dates(FILE *f, const cs_status_token *t)
{
    char when[CS_DATETIME_TEXT_SIZE];

    cs_date_format_datetime(t->issued_at, when);
    fprintf(f, "issued:     %s (iat %lld)\n", when, (long long)t->issued_at);
    if (t->expires != 0) {
        cs_date_format_datetime(t->expires, when);
        fprintf(f, "expires:    %s (exp %lld)\n", when, (long long)t->expires);
    } else {
        fprintf(f, "expires:    never (no exp)\n");
    }
    if (t->ttl != 0)
        fprintf(f, "ttl:        %llu seconds\n", (unsigned long long)t->ttl);
    else
        fprintf(f, "ttl:        none\n");
}

cs_err cs_report_status_text(const cs_status_token *t, bool index_given, uint64_t index,
                             char **out)
{
    char uri[CS_REPORT_ESCAPED_SIZE(CS_TEXT_MAX)];
    cs_status_counts c;
    cs_report_text text;
    unsigned value = 0;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (t == NULL || t->list == NULL || out == NULL ||
        (index_given && cs_status_list_get(t->list, index, &value) != CS_OK))
        return CS_ERR_ARGUMENT;
    if ((err = cs_report_text_start(&text)) != CS_OK)
        return err;
    cs_status_list_count(t->list, &c);
    fprintf(text.f, "NOT VERIFIED: decoded only; the signature was not checked (certseal "
                    "verify --status checks it)\n");
    fprintf(text.f, "uri:        %s\n", cs_report_escape(t->uri, uri, sizeof(uri)));
    print_dates(text.f, t);
    fprintf(text.f, "bits:       %u\n", cs_status_list_bits(t->list));
    fprintf(text.f, "entries:    %zu\n", cs_status_list_entries(t->list));
    if (t->has_kid) {
        fprintf(text.f, "kid:        ");
        for (size_t i = 0; i < CS_KID_SIZE; i++)
            fprintf(text.f, "%02x", t->kid[i]);
        fprintf(text.f, "\n");
    }
    fprintf(text.f, "valid:      %zu (unused entries count as valid)\n", c.of[CS_STATUS_VALID]);
    fprintf(text.f, "withdrawn:  %zu\n", c.of[CS_STATUS_WITHDRAWN]);
    fprintf(text.f, "suspended:  %zu\n", c.of[CS_STATUS_SUSPENDED]);
    fprintf(text.f, "superseded: %zu\n", c.of[CS_STATUS_SUPERSEDED]);
    if (c.other != 0)
        fprintf(text.f, "other:      %zu\n", c.other);
    if (index_given)
        fprintf(text.f, "index %llu: %s\n", (unsigned long long)index,
                value <= 3 ? cs_status_name((cs_status)value) : "other");
    return cs_report_text_finish(&text, out);
}
