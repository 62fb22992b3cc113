/* SPDX-License-Identifier: ISC */
/* The services plugin's own symbols (cli_service.h): its identity, and what
 * `verify --qr` and `verify --fetch` borrow.  Built into
 * certseal-services.so only; cmd/certseal/services.map exports these and
 * the entries of the service commands. */
#include "cli.h"
#include "cli_scan.h"
#include "cli_service.h"

const char cli_services_version[] = CERTSEAL_VERSION;
const int cli_services_abi = CLI_SERVICES_ABI;

static int scan_image(const char *path, cs_scan_result *out)
{
    cs_scanner_t *scanner = NULL;
    int status;

    if (cs_scanner_new(&scanner) != CS_OK) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    status = cli_scan_image(scanner, path, out);
    cs_scanner_free(&scanner);
    return status;
}

const cli_services_verify cli_services_verify_entry = {
    .scan_image = scan_image,
    .scan_result_clear = cs_scan_result_clear,
    .fetcher_new = cs_fetcher_new,
    .fetcher_free = cs_fetcher_free,
    .status_source = cs_fetcher_status_source,
    .shared_new = cs_fetch_shared_new,
    .shared_free = cs_fetch_shared_free,
    .shared_source = cs_fetch_shared_status_source,
};
