/* SPDX-License-Identifier: ISC */
/* Loading a signed standards catalog given on the command line (verify,
 * serve, catalog show): read, verified with the --root keys, and refused
 * when older than the built-in one (DESIGN §2 step 7). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_catalog.h"

bool cli_load_catalog(const char *path, const cli_list *roots, cs_catalog **out)
{
    cs_key_t *keys[CLI_LIST_MAX] = {0};
    uint8_t *data = NULL;
    size_t len = 0, count = 0;
    char detail[CS_DETAIL_SIZE] = "", name[CLI_ESCAPED_SIZE(512)];
    bool ok = false;
    cs_err err;

    *out = NULL;
    cli_escape(strcmp(path, "-") == 0 ? "standard input" : path, name, sizeof(name));
    for (; count < roots->count; count++)
        if ((err = cs_key_load_public_file(roots->items[count], &keys[count])) != CS_OK) {
            cli_error("--root %s: cannot load the root key: %s", roots->items[count],
                      cs_strerror(err));
            goto fail;
        }
    if (!cli_read_input(path, CS_CATALOG_SIGNED_MAX, &data, &len))
        goto fail;
    err = cs_catalog_open_signed(data, len, (const cs_key_t *const *)keys, count,
                                 cs_catalog_builtin()->version, out, detail, sizeof(detail));
    if (err != CS_OK) {
        cli_error("--catalog %s: refused: %s", name, cs_err_detail(detail, err));
        goto fail;
    }
    ok = true;
fail:
    for (size_t i = 0; i < count; i++)
        cs_key_free(&keys[i]);
    free(data);
    return ok;
}
