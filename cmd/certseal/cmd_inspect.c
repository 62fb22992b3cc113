/* SPDX-License-Identifier: ISC */
/* certseal inspect: decode a token without verifying it and show all of it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char USAGE[] =
    "usage: certseal inspect [--json] [--ecc L|M|Q|H] [--cose-out FILE [--force]]\n"
    "           [TOKEN|FILE|-]\n"
    "\n"
    "Decodes a token (CS1:..., a link, COSE bytes or hex; also an accreditation\n"
    "credential file) WITHOUT verifying it, and shows every header and claim, the\n"
    "certificate or accreditation in readable form, the token's size and the QR\n"
    "version it needs.  Use certseal verify to trust it.\n"
    "  --ecc L|M|Q|H     error correction level for the QR version (default M)\n"
    "  --cose-out FILE   also write the token's COSE_Sign1 bytes to FILE\n"
    "  --force           replace FILE if it exists\n";

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

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},  {"cose-out", required_argument, NULL, 'c'},
        {"force", no_argument, NULL, 'f'}, {"ecc", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},  {NULL, 0, NULL, 0},
    };
    bool json_output = false, force = false;
    const char *cose_out = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    char *report = NULL, detail[300] = "";
    const char *label;
    cs_qr_ecc ecc = CS_QR_DEFAULT_ECC;
    int opt, status = CLI_EXIT_FAILURE;
    cs_err err;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (opt == 'j') {
            json_output = true;
        } else if (opt == 'c') {
            cose_out = optarg;
        } else if (opt == 'f') {
            force = true;
        } else if (opt == 'e') {
            if (cs_qr_ecc_parse(optarg, &ecc) != CS_OK)
                return cli_usage_error("--ecc: '%s' is not an error correction level (L, M, Q "
                                       "or H)",
                                       optarg);
        } else if (opt == 'h') {
            fputs(USAGE, stdout);
            return CLI_EXIT_OK;
        } else {
            return cli_bad_option(opt, argv);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("give one token, file or -");
    const char *input = cli_token_argument(argc, argv, optind);
    if (input == NULL)
        return CLI_EXIT_USAGE;
    if (!cli_read_token_argument(input, &data, &len, &label))
        return CLI_EXIT_FAILURE;
    err = json_output ? cs_report_inspect_json(data, len, CS_REPORT_PRETTY | CS_REPORT_ECC(ecc),
                                               &report, detail, sizeof(detail))
                      : cs_report_inspect_text(data, len, CS_REPORT_ECC(ecc), &report, detail,
                                               sizeof(detail));
    if (err != CS_OK) {
        cli_error("%s: does not decode: %s", label, detail[0] ? detail : cs_strerror(err));
        status = err == CS_ERR_NO_MEMORY ? CLI_EXIT_FAILURE : CLI_EXIT_MALFORMED;
        goto done;
    }
    if (cose_out != NULL && !write_cose(cose_out, data, len, force))
        goto done;
    fputs(report, stdout);
    if (json_output)
        putchar('\n');
    status = CLI_EXIT_OK;
done:
    free(report);
    free(data);
    return status;
}
