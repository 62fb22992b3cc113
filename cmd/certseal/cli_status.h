/* SPDX-License-Identifier: ISC */
/* cmd/certseal/cli_status.h - loading Status List Tokens given on the
 * command line (verify --status). */
#ifndef CERTSEAL_CLI_STATUS_H
#define CERTSEAL_CLI_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "certseal/verify.h"

/*
 * Adds to verifier the Status List Token in each path (raw COSE bytes), or
 * in every regular file of a folder (name order, dot-files skipped).  On
 * the first file that cannot be read or is not a status list token it
 * reports one line naming the file and returns false (exit 1).
 */
bool cli_load_status_lists(cs_verifier_t *verifier, const char *const *paths, size_t count);

#endif
