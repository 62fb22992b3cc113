/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_issue.h - the options of `certseal issue`, shared by
 * cmd_issue.c (one record, with or without a registry) and
 * cmd_issue_batch.c (issue --registry DB --batch FILE).
 */
#ifndef CERTSEAL_CLI_ISSUE_H
#define CERTSEAL_CLI_ISSUE_H

#include <stdbool.h>

#include "cli.h"
#include "cli_qr.h"
#include "cli_registry.h"

typedef struct issue_options {
    const char *key, *accreditation, *out, *record, *link_base;
    const char *registry, *supersedes, *qr, *batch, *qr_dir;
    cs_batch_format batch_format; /* CS_BATCH_AUTO: from the file name, else sniffed */
    uint64_t chunk;               /* certificates per transaction; 0: the library's default */
    cli_list ignore_columns;      /* CSV columns to skip */
    cs_form form;
    bool force;
    bool allow_unlisted_standard; /* issue a standard the catalog does not list */
    const char *catalog;          /* --catalog FILE: a signed standards catalog */
    cli_list roots;               /* --root PUB: the keys it must verify with */
    cs_registry_actor actor;
    cli_passphrase_source passphrase;
    cli_qr_options qr_options;
} issue_options;

/* Applies --catalog (verified with --root) and --allow-unlisted-standard
 * to issuer; reports and returns false when the catalog is refused. */
bool cli_issue_apply_catalog(const issue_options *o, cs_issuer_t *issuer);

/* issue --registry DB --batch FILE: returns the exit status. */
int cli_issue_batch(const issue_options *o);

#endif
