/* SPDX-License-Identifier: ISC */
/* certseal catalog show | sign: the standards catalog (DESIGN §2 step 7,
 * docs/catalog.md).  show prints the built-in catalog, or a signed one
 * after verifying it; sign is the scheme owner signing a catalog's JSON
 * with its root key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_catalog.h"

typedef struct show_options {
    bool json;
    const char *catalog;
    cli_list roots;
} show_options;

typedef struct sign_options {
    const char *key, *out, *issuer;
    int64_t issued_at;
    bool force;
    cli_passphrase_source passphrase;
} sign_options;

/* ---- show ----------------------------------------------------------------- */

static int check_show(void *options, int argc, char **argv)
{
    const show_options *o = options;
    (void)argc, (void)argv;
    if (o->catalog != NULL && o->roots.count == 0)
        return cli_usage_error("--catalog needs --root ROOT.pub: the scheme owner's root key "
                               "the catalog must verify with");
    if (o->catalog == NULL && o->roots.count > 0)
        return cli_usage_error("--root goes with --catalog FILE");
    return CLI_EXIT_OK;
}

static int run_show(void *options, int argc, char **argv)
{
    const show_options *o = options;
    cs_catalog *signed_catalog = NULL;
    const cs_catalog *catalog = cs_catalog_builtin();
    char *text = NULL;
    int status = CLI_EXIT_FAILURE;

    (void)argc, (void)argv;
    if (o->catalog != NULL) {
        if (!cli_load_catalog(o->catalog, &o->roots, &signed_catalog))
            goto fail;
        catalog = signed_catalog;
    }
    if (o->json) {
        /* The catalog's own JSON, as verified: jansson refused raw control
         * characters in it, so it is safe on a terminal. */
        fwrite(catalog->json, 1, catalog->json_len, stdout);
        if (catalog->json_len == 0 || catalog->json[catalog->json_len - 1] != '\n')
            putchar('\n');
    } else {
        if (cs_catalog_format_text(catalog, &text) != CS_OK) {
            cli_error("out of memory");
            goto fail;
        }
        printf("%s%s\n", o->catalog != NULL ? "signed " : "built-in ", text);
    }
    status = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
fail:
    free(text);
    cs_catalog_free(&signed_catalog);
    return status;
}

static const cli_option SHOW_OPTIONS[] = {
    CLI_OPTION("json", 0, CLI_FLAG, show_options, json, NULL,
               "print the catalog's JSON (schemas/catalog.schema.json)"),
    CLI_OPTION("catalog", 0, CLI_PATH, show_options, catalog, "FILE",
               "show this signed catalog, verified with a --root, instead of the\n"
               "built-in one"),
    CLI_OPTION("root", 0, CLI_LIST, show_options, roots, "PUB",
               "a scheme owner's root public key (PEM) the catalog must verify\n"
               "with (repeatable)",
               .max = 16),
    {0},
};

#define SHOW_USAGE "show [--json] [--catalog FILE --root PUB ...]"

static const cli_command SHOW = {
    .name = "show",
    .usage = SHOW_USAGE,
    .description = "Prints the standards catalog: every family with its scope code system,\n"
                   "its editions and the transitions that end old editions.\n",
    .options = SHOW_OPTIONS,
    .options_size = sizeof(show_options),
    .check = check_show,
    .run = run_show,
};

/* ---- sign ----------------------------------------------------------------- */

static int check_sign(void *options, int argc, char **argv)
{
    const sign_options *o = options;
    (void)argc, (void)argv;
    if (o->key == NULL)
        return cli_usage_error("--key ROOT_KEY is required: the scheme owner's root key");
    if (o->issuer == NULL || o->issuer[0] == '\0')
        return cli_usage_error("--issuer ID is required: the scheme owner's identifier");
    if (o->out == NULL)
        return cli_usage_error("--out FILE is required");
    return CLI_EXIT_OK;
}

static int run_sign(void *options, int argc, char **argv)
{
    sign_options *o = options;
    cs_key_t *key = NULL;
    uint8_t *source = NULL, *signed_bytes = NULL;
    size_t source_len = 0, signed_len = 0;
    char detail[CS_DETAIL_SIZE] = "", name[CLI_ESCAPED_SIZE(512)];
    int status = CLI_EXIT_FAILURE;
    int64_t iat = o->issued_at >= 0 ? o->issued_at : (int64_t)time(NULL);
    cs_err err;

    (void)argc;
    cli_escape(argv[0], name, sizeof(name));
    if (!cli_read_input(argv[0], CS_CATALOG_MAX, &source, &source_len) ||
        !cli_load_private_key(o->key, &o->passphrase, &key))
        goto fail;
    err = cs_catalog_sign((const char *)source, source_len, key, o->issuer, iat, &signed_bytes,
                          &signed_len, detail, sizeof(detail));
    if (err != CS_OK) {
        cli_error("%s: %s", name, cs_err_detail(detail, err));
        goto fail;
    }
    if (!cli_write_output(o->out, signed_bytes, signed_len, 0644, o->force))
        goto fail;
    fprintf(stderr, "certseal: catalog: signed %s into %s (%zu bytes)\n", name, o->out,
            signed_len);
    status = CLI_EXIT_OK;
fail:
    cs_key_free(&key);
    free(source);
    free(signed_bytes);
    return status;
}

static const cli_option SIGN_OPTIONS[] = {
    CLI_OPTION("key", 'k', CLI_KEY, sign_options, key, "ROOT_KEY",
               "the scheme owner's root private key"),
    CLI_OPTION("issuer", 0, CLI_STRING, sign_options, issuer, "ID",
               "the scheme owner's identifier (the signed catalog's iss)"),
    CLI_OPTION("out", 'o', CLI_PATH, sign_options, out, "FILE",
               "where to write the signed catalog (raw COSE)"),
    CLI_OPTION("issued-at", 0, CLI_DATE, sign_options, issued_at, "DATE",
               "the signing time (default now)"),
    CLI_OPTION("force", 'f', CLI_FLAG, sign_options, force, NULL, "replace FILE"),
    CLI_PASSPHRASE_OPTIONS(sign_options, passphrase, "the key's passphrase"),
    {0},
};

static const sign_options SIGN_DEFAULTS = {.issued_at = -1,
                                           .passphrase = CLI_PASSPHRASE_SOURCE_INIT};

#define SIGN_USAGE                                                                                 \
    "sign --key ROOT_KEY --issuer ID --out FILE [--issued-at DATE] [--force]\n"                    \
    "           [--passphrase-file FILE | --passphrase-fd N] CATALOG.json"

static const cli_command SIGN = {
    .name = "sign",
    .usage = SIGN_USAGE,
    .description = "Checks a catalog's JSON (the rules of schemas/catalog.schema.json), signs\n"
                   "it with the scheme owner's root key, verifies the result and writes it to\n"
                   "FILE.  Verifiers given it with --catalog and --root use it instead of\n"
                   "their built-in catalog, unless its version is lower.\n",
    .options = SIGN_OPTIONS,
    .options_size = sizeof(sign_options),
    .defaults = &SIGN_DEFAULTS,
    .args_min = 1,
    .args_max = 1,
    .args_help = "give the catalog's JSON file",
    .check = check_sign,
    .run = run_sign,
};

const cli_command cmd_catalog_entry = {
    .name = "catalog",
    .summary = "show the standards catalog (editions, transitions); scheme owner: sign one",
    .usage = SHOW_USAGE "\n" SIGN_USAGE,
    .description = "show  prints the built-in standards catalog, or a signed one.\n"
                   "sign  signs a catalog's JSON with the scheme owner's root key.\n",
    .args_help = "give show or sign",
    .subcommands = (const cli_command *const[]){&SHOW, &SIGN, NULL},
};
