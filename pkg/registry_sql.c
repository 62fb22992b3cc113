/* SPDX-License-Identifier: ISC */
/*
 * What the registry's engines (registry_sqlite.c, registry_pg.c) share
 * (registry_sql.h).
 */
#include <string.h>

#include "certseal/text.h"
#include "registry_sql.h"

void registry_sql_message(const char *said, char *out, size_t size)
{
    size_t len = said != NULL ? strlen(said) : 0;
    /* Engines end their messages with a line feed. */
    while (len > 0 && (said[len - 1] == '\n' || said[len - 1] == ' '))
        len--;
    (void)cs_text_escape(said, len, out, size);
}
