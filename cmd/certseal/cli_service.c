/* SPDX-License-Identifier: ISC */
/* Loading the services plugin on first use (cli_service.h). */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_service.h"

#ifndef CERTSEAL_SERVICES_DIR
#error "CERTSEAL_SERVICES_DIR: the folder of the installed services plugin (the Makefile sets it)"
#endif

static void *plugin;

/* The plugin next to the program, when there is one: *path holds it.
 * /proc/self/exe names the program even when it was run through a link. */
static bool next_to_program(char *path, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    if (n <= 0)
        return false;
    self[n] = '\0';
    if ((slash = strrchr(self, '/')) == NULL)
        return false;
    *slash = '\0';
    if ((size_t)snprintf(path, size, "%s/%s", self, CLI_SERVICES_FILE) >= size)
        return false;
    return access(path, F_OK) == 0;
}

/* Loads the plugin and checks that it is the program's own. */
static void *load(void)
{
    char path[PATH_MAX];
    const char *version;
    const int *abi;
    void *handle;

    if (!next_to_program(path, sizeof(path)))
        snprintf(path, sizeof(path), "%s/%s", CERTSEAL_SERVICES_DIR, CLI_SERVICES_FILE);
    if ((handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        cli_error("cannot load the services this command needs: %s (reinstall certseal)",
                  dlerror());
        return NULL;
    }
    version = dlsym(handle, CLI_SERVICES_VERSION_SYMBOL);
    abi = dlsym(handle, CLI_SERVICES_ABI_SYMBOL);
    if (version == NULL || abi == NULL || strcmp(version, CERTSEAL_VERSION) != 0 ||
        *abi != CLI_SERVICES_ABI) {
        cli_error("%s is not the services plugin of certseal %s (reinstall certseal)", path,
                  CERTSEAL_VERSION);
        dlclose(handle);
        return NULL;
    }
    return handle;
}

const void *cli_service_symbol(const char *name)
{
    const void *symbol;

    if (plugin == NULL && (plugin = load()) == NULL)
        return NULL;
    if ((symbol = dlsym(plugin, name)) == NULL)
        cli_error("the services plugin lacks %s (reinstall certseal)", name);
    return symbol;
}

const cli_services_verify *cli_service_verify(void)
{
    return cli_service_symbol(CLI_SERVICES_VERIFY_SYMBOL);
}

const cli_services_pkcs11 *cli_service_pkcs11(void)
{
    return cli_service_symbol(CLI_SERVICES_PKCS11_SYMBOL);
}
