/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_registry.h - what the registry commands (init, issue
 * --registry, accredit --registry, suspend, reinstate, withdraw, list,
 * status publish) share: opening the registry, loading its key, and
 * reporting registry errors as one line with the fix.
 */
#ifndef CERTSEAL_CLI_REGISTRY_H
#define CERTSEAL_CLI_REGISTRY_H

#include <stdbool.h>

#include "certseal/certseal.h"
#include "cli.h"

/* Reports a registry error for input (the registry path or a number) as
 * "input: problem (fix)". */
void cli_registry_report(const char *input, cs_err err, const char *detail);

/*
 * Opens the registry at path; role is CS_REGISTRY_ROLE_AB or _CB when the
 * command needs that role (0: any), and `doing` says for what, for the
 * message ("issue certificates").  Reports and returns false on failure.
 */
bool cli_registry_open(const char *path, int role, const char *doing, cs_registry_t **out);

/* "an accreditation body's" or "a certification body's". */
const char *cli_registry_role_phrase(int role);

/* Loads the registry's private key (its stored path) with the passphrase
 * options.  Reports and returns false on failure. */
bool cli_registry_load_key(cs_registry_t *registry, const char *path,
                           const cli_passphrase_source *passphrase, cs_key_t **out);

/* The key reference a registry keeps for --key (init, rekey): a key file's
 * absolute path (so that the registry works from any folder), a pkcs11:
 * URI as given (a PIN is never part of it: one with pin-value does not
 * load), into out (size bytes, PATH_MAX for a path).  Reports and returns
 * false when the file cannot be found or the URI is too long. */
bool cli_registry_key_reference(const char *key, char *out, size_t size);

/* A CB registry's issuer: its key and its AC.  Reports, returns false. */
bool cli_registry_issuer(cs_registry_t *registry, const char *path, const cs_key_t *key,
                         cs_issuer_t **out);

/* Checks --reason and --actor texts; reports and returns false. */
bool cli_registry_check_actor(const cs_registry_actor *actor);

#endif
