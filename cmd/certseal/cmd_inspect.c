/* SPDX-License-Identifier: ISC */
/* certseal inspect: decode a token without verifying it and show all of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_qr.h"

typedef struct inspect_options {
    bool json, force;
    const char *cose_out;
    cs_qr_ecc ecc;
    const char *input; /* the token argument, "-" for standard input */
} inspect_options;

static const cli_option OPTIONS[] = {
    CLI_OPTION("json", 0, CLI_FLAG, inspect_options, json, NULL, "the report as JSON"),
    CLI_OPTION("ecc", 0, CLI_CUSTOM, inspect_options, ecc, "L|M|Q|H",
               "error correction level for the QR version (default M)",
               .parse = cli_qr_parse_ecc),
    CLI_OPTION("cose-out", 0, CLI_PATH, inspect_options, cose_out, "FILE",
               "also write the token's COSE_Sign1 bytes to FILE"),
    CLI_OPTION("force", 0, CLI_FLAG, inspect_options, force, NULL, "replace FILE if it exists"),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    inspect_options *o = options;
    o->input = cli_token_argument(argc, argv, 0);
    return o->input != NULL ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* Writes the token's COSE_Sign1 bytes, for tools that read COSE. */
static bool write_cose(const char *path, const uint8_t *token, size_t len, bool force)
{
    cs_token_codec_t *codec = NULL;
    const uint8_t *cose;
    size_t cose_len;
    cs_form form;
    bool ok = false;

    if (cs_token_codec_new(&codec) != CS_OK) {
        cli_error("out of memory");
        return false;
    }
    if (cs_token_unwrap(codec, token, len, &form, &cose, &cose_len) == CS_OK)
        ok = cli_write_output(path, cose, cose_len, 0644, force);
    cs_token_codec_free(&codec);
    return ok;
}

static int run(void *options, int argc, char **argv)
{
    const inspect_options *o = options;
    uint8_t *data = NULL;
    size_t len = 0;
    char *report = NULL, detail[300] = "";
    const char *label;
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    (void)argc, (void)argv;
    if (!cli_read_token_argument(o->input, &data, &len, &label))
        return CLI_EXIT_FAILURE;
    err = o->json ? cs_report_inspect_json(data, len, CS_REPORT_PRETTY | CS_REPORT_ECC(o->ecc),
                                           &report, detail, sizeof(detail))
                  : cs_report_inspect_text(data, len, CS_REPORT_ECC(o->ecc), &report, detail,
                                           sizeof(detail));
    if (err != CS_OK) {
        cli_error("%s: does not decode: %s", label, detail[0] ? detail : cs_strerror(err));
        status = err == CS_ERR_NO_MEMORY ? CLI_EXIT_FAILURE : CLI_EXIT_MALFORMED;
        goto done;
    }
    if (o->cose_out != NULL && !write_cose(o->cose_out, data, len, o->force))
        goto done;
    fputs(report, stdout);
    if (o->json)
        putchar('\n');
    status = CLI_EXIT_OK;
done:
    free(report);
    free(data);
    return status;
}

static const inspect_options DEFAULTS = {.ecc = CS_QR_DEFAULT_ECC};

const cli_command cmd_inspect_entry = {
    .name = "inspect",
    .summary = "decode a token without verifying it",
    .usage = "[--json] [--ecc L|M|Q|H] [--cose-out FILE [--force]]\n"
             "           [TOKEN|FILE|-]",
    .description = "Decodes a token (CS1:..., a link, COSE bytes or hex; also an accreditation\n"
                   "credential file) WITHOUT verifying it, and shows every header and claim, the\n"
                   "certificate or accreditation in readable form, the token's size and the QR\n"
                   "version it needs.  Use certseal verify to trust it.\n",
    .options = OPTIONS,
    .options_size = sizeof(inspect_options),
    .defaults = &DEFAULTS,
    .args_max = 1,
    .args_help = "give one token, file or -",
    .check = check,
    .run = run,
};
