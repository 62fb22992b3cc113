/* SPDX-License-Identifier: ISC */
/* cmd/certseal/cli_catalog.h - the signed standards catalog of --catalog
 * (verify, serve, catalog show). */
#ifndef CERTSEAL_CLI_CATALOG_H
#define CERTSEAL_CLI_CATALOG_H

#include <stdbool.h>

#include "certseal/catalog.h"
#include "cli_options.h"

/* Reads the signed catalog at path ("-": standard input), verifies it with
 * one of the root public key files and refuses it when its version is
 * lower than the built-in catalog's.  On success *out is the catalog
 * (cs_catalog_free()); else one line is reported and false returned. */
bool cli_load_catalog(const char *path, const cli_list *roots, cs_catalog **out);

#endif
