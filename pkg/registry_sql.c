/* SPDX-License-Identifier: ISC */
/*
 * What the registry's engines (registry_sqlite.c, registry_pg.c) share
 * (registry_sql.h).
 */
#include <stdbool.h>
#include <string.h>

#include "certseal/text.h"
#include "registry_sql.h"

void registry_sql_message(const char *said, char *out, size_t size)
{
    char line[1024];
    size_t n = 0;

    /* libpq's messages span lines (and end with one): one line, with each
     * run of spaces, tabs and line breaks as one space. */
    for (const char *p = said != NULL ? said : ""; *p != '\0' && n + 1 < sizeof(line); p++) {
        bool space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
        if (space && (n == 0 || line[n - 1] == ' '))
            continue;
        line[n++] = space ? ' ' : *p;
    }
    while (n > 0 && line[n - 1] == ' ')
        n--;
    (void)cs_text_escape(line, n, out, size);
}
