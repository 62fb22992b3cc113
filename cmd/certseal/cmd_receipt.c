/* SPDX-License-Identifier: ISC */
/* certseal receipt verify: checks a verification receipt that `verify
 * --receipt` wrote against the buyer's public key and shows what it says
 * (certseal/receipt.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct receipt_options {
    cli_list trust; /* --trust PUB: the buyer's public keys */
    bool json;
} receipt_options;

static const cli_option VERIFY_OPTIONS[] = {
    CLI_OPTION("trust", 't', CLI_LIST, receipt_options, trust, "PATH",
               "the public key (PEM) of the buyer who signed the receipt, or a\n"
               "folder of them (repeatable)", .max = 16),
    CLI_OPTION("json", 0, CLI_FLAG, receipt_options, json, NULL,
               "print the verified receipt as one JSON object"),
    {0},
};

static int check_verify(void *options, int argc, char **argv)
{
    const receipt_options *o = options;

    (void)argc, (void)argv;
    if (o->trust.count == 0)
        return cli_usage_error("--trust BUYER.pub is required: the public key of whoever signed "
                               "the receipt");
    return CLI_EXIT_OK;
}

/* ---- running ------------------------------------------------------------------ */

static int exit_for(cs_err err)
{
    switch (err) {
    case CS_ERR_UNTRUSTED:
        return CLI_EXIT_UNTRUSTED;
    case CS_ERR_SIGNATURE:
    case CS_ERR_ALG_KEY_MISMATCH:
    case CS_ERR_ALG_MISSING:
    case CS_ERR_ALG_UNKNOWN:
        return CLI_EXIT_INVALID_SIGNATURE;
    case CS_ERR_NO_MEMORY:
    case CS_ERR_CRYPTO:
        return CLI_EXIT_FAILURE;
    default:
        return CLI_EXIT_MALFORMED;
    }
}

static int run_verify(void *options, int argc, char **argv)
{
    const receipt_options *o = options;
    cs_trust_t *trust = NULL;
    cs_receipt receipt = {0};
    uint8_t *data = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "", *text = NULL;
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    (void)argc;
    if (!cli_load_trust(o->trust.items, o->trust.count, &trust) ||
        !cli_read_input(argv[0], CS_RECEIPT_MAX_BYTES, &data, &len))
        goto fail;
    err = cs_receipt_verify(data, len, trust, &receipt, detail, sizeof(detail));
    if (err != CS_OK) {
        status = exit_for(err);
        cli_error("%s: refused: %s%s", argv[0], cs_err_detail(detail, err),
                  status == CLI_EXIT_UNTRUSTED ? " (give the signer's public key with --trust)"
                  : status == CLI_EXIT_MALFORMED
                      ? " (give a receipt that `certseal verify --receipt` wrote)"
                      : "");
        goto fail;
    }
    err = o->json ? cs_receipt_format_json(&receipt, &text) : cs_receipt_format_text(&receipt, &text);
    if (err != CS_OK) {
        cli_error("out of memory");
        goto fail;
    }
    status = cli_print_rendering(text, o->json);
fail:
    free(text);
    cs_receipt_clear(&receipt);
    free(data);
    cs_trust_free(&trust);
    return status;
}

static const cli_command VERIFY = {
    .name = "verify",
    .usage = "verify --trust PUB [--trust ...] [--json] FILE|-",
    .description = "Verifies a receipt's signature with the buyer's public key and shows what it\n"
                   "records: when, against which keys and lists, which tokens with which\n"
                   "verdicts.  A receipt changed in any byte is refused.\n",
    .options = VERIFY_OPTIONS,
    .options_size = sizeof(receipt_options),
    .args_min = 1,
    .args_max = 1,
    .args_help = "give a receipt file (or - for standard input)",
    .check = check_verify,
    .run = run_verify,
};

const cli_command cmd_receipt_entry = {
    .name = "receipt",
    .summary = "buyer: verify a signed verification receipt and show it",
    .usage = "verify --trust PUB [--trust ...] [--json] FILE|-",
    .description = "verify  checks a receipt written by `certseal verify --receipt` with the\n"
                   "        buyer's public key and prints its contents.\n",
    .args_help = "give verify",
    .subcommands = (const cli_command *const[]){&VERIFY, NULL},
};
