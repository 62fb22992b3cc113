/* SPDX-License-Identifier: ISC */
/* The built-in standards catalog: schemas/catalog.json compiled into static
 * tables at build time (Makefile: catalog_builtin.inc, written by
 * pkg/gen/catalog_table.c after cs_catalog_parse() accepted the JSON), so
 * that a program pays nothing for it at start-up and nothing ever frees
 * it.  tests/unit/test_catalog.c compares the table with the JSON, entry
 * by entry, so that the two cannot drift apart. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/catalog.h"

/* Defines CATALOG_BUILTIN, the static const cs_catalog. */
#include "catalog_builtin.inc"

const cs_catalog *cs_catalog_builtin(void)
{
    return &CATALOG_BUILTIN;
}

const char *cs_catalog_builtin_json(size_t *len)
{
    if (len != NULL)
        *len = CATALOG_BUILTIN.json_len;
    return CATALOG_BUILTIN.json;
}

cs_err cs_catalog_load_builtin(cs_catalog **out)
{
    if (out == NULL)
        return CS_ERR_ARGUMENT;
    /* Never written through (catalog.h): cs_catalog_free() sees `builtin`
     * and leaves the static table alone. */
    *out = (cs_catalog *)&CATALOG_BUILTIN;
    return CS_OK;
}
