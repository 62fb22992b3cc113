/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_service.h - the program's services plugin
 * (certseal-services.so): the commands and parts of commands that need a
 * service library (QR images, scanning, fetching, the registry, the HTTP
 * service, issuing), loaded with dlopen() when one of them runs, so that the
 * program itself links only the verifying core (docs/architecture.md).
 *
 * The plugin is looked for next to the program (the build tree), then in
 * the folder the Makefile compiled in (SERVICES_DIR, $(LIBDIR)/certseal).
 * It must be of the program's own version and CLI_SERVICES_ABI.
 */
#ifndef CERTSEAL_CLI_SERVICE_H
#define CERTSEAL_CLI_SERVICE_H

#include <stddef.h>

#include "certseal/certseal.h"

/* Bumped whenever what the program and the plugin share changes shape
 * (cli_services_verify, a command's entry, cli.h). */
#define CLI_SERVICES_ABI 3

/* The plugin's file name, and the names of its identity symbols. */
#define CLI_SERVICES_FILE "certseal-services.so"
#define CLI_SERVICES_VERSION_SYMBOL "cli_services_version"
#define CLI_SERVICES_ABI_SYMBOL "cli_services_abi"

/* What `verify --qr` and `verify --fetch` borrow from the plugin: the
 * scanner and the fetcher, which the verifying core does not have. */
typedef struct cli_services_verify {
    /* cli_scan_image() with a scanner of its own: CLI_EXIT_OK with the
     * codes in *out (cleared with scan_result_clear), or CLI_EXIT_NO_QR_CODE
     * or CLI_EXIT_FAILURE after one line on stderr. */
    int (*scan_image)(const char *path, cs_scan_result *out);
    void (*scan_result_clear)(cs_scan_result *result);
    /* cs_fetcher_new(), cs_fetcher_free() and cs_fetcher_status_source(). */
    cs_err (*fetcher_new)(const cs_fetch_options *options, cs_fetcher_t **out);
    void (*fetcher_free)(cs_fetcher_t **fetcher);
    cs_status_source_fn status_source;
    /* cs_fetch_shared_new(), cs_fetch_shared_free() and
     * cs_fetch_shared_status_source(): one fetcher for every job of a run. */
    cs_err (*shared_new)(const cs_fetch_options *options, cs_fetch_shared_t **out);
    void (*shared_free)(cs_fetch_shared_t **shared);
    cs_status_source_fn shared_source;
} cli_services_verify;

#define CLI_SERVICES_VERIFY_SYMBOL "cli_services_verify_entry"

struct cli_passphrase_source;

/* Keys in PKCS#11 tokens (p11-kit is a service): what cli_load_private_key()
 * and `keygen --pkcs11` borrow from the plugin (cmd/certseal/cli_pkcs11.c). */
typedef struct cli_services_pkcs11 {
    /* Opens the key the "pkcs11:" URI names, asking for the PIN from
     * source; reports one line and returns false on failure. */
    bool (*load_key)(const char *uri, const struct cli_passphrase_source *source,
                     cs_key_t **out);
    /* keygen --pkcs11: makes a key pair of alg in the token, writes its
     * public key to public_path and prints its kid; returns the exit status. */
    int (*keygen)(cs_alg alg, const char *uri, const char *public_path, bool force,
                  const struct cli_passphrase_source *source);
} cli_services_pkcs11;

#define CLI_SERVICES_PKCS11_SYMBOL "cli_services_pkcs11_entry"

/*
 * The address of the plugin's data symbol name, the plugin loaded on the
 * first call (and kept for the life of the process).  NULL after one line
 * on stderr ("certseal: COMMAND: ...") when the plugin cannot be found or
 * loaded, is of another version, or lacks name.
 */
const void *cli_service_symbol(const char *name);

/* cli_service_symbol(CLI_SERVICES_VERIFY_SYMBOL). */
const cli_services_verify *cli_service_verify(void);

/* cli_service_symbol(CLI_SERVICES_PKCS11_SYMBOL). */
const cli_services_pkcs11 *cli_service_pkcs11(void);

#endif
