/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_qr.h - the QR options and QR file output that `qr` and
 * `issue --qr` share.
 */
#ifndef CERTSEAL_CLI_QR_H
#define CERTSEAL_CLI_QR_H

#include <stdbool.h>

#include "certseal/certseal.h"

typedef struct cli_qr_options {
    cs_qr_ecc ecc;
    cs_qr_render_options render; /* scale, margin, dpi */
} cli_qr_options;

#define CLI_QR_OPTIONS_INIT                                                                        \
    {                                                                                              \
        CS_QR_DEFAULT_ECC, CS_QR_RENDER_OPTIONS_INIT                                               \
    }

/* The option codes and long-option entries of --ecc, --scale and --margin. */
enum { CLI_OPT_QR_ECC = 1100, CLI_OPT_QR_SCALE, CLI_OPT_QR_MARGIN };
#define CLI_QR_LONG_OPTIONS                                                                        \
    {"ecc", required_argument, NULL, CLI_OPT_QR_ECC},                                              \
        {"scale", required_argument, NULL, CLI_OPT_QR_SCALE},                                      \
    {                                                                                              \
        "margin", required_argument, NULL, CLI_OPT_QR_MARGIN                                       \
    }

/* Records one of the options above; returns CLI_EXIT_OK, or CLI_EXIT_USAGE
 * after reporting a bad value. */
int cli_qr_option(cli_qr_options *options, int opt, const char *value);

/* CLI_EXIT_OK when path ends in .png or .svg (either case), else
 * CLI_EXIT_USAGE after reporting it. */
int cli_qr_check_output(const char *path);

/* Reports that token does not fit in any QR code at error correction ecc,
 * suggesting a lower level or a shorter record; label names the output. */
void cli_qr_report_too_large(const char *label, const char *token, cs_qr_ecc ecc);

/*
 * Encodes token and writes it to path as PNG or SVG (by extension),
 * atomically: the file is whole or absent.  flags are those of
 * cs_file_write_atomic() (CS_FILE_REPLACE for --force, CS_FILE_REGULAR).
 * Reports and returns false on failure (token too long for any QR version,
 * write error, existing file without CS_FILE_REPLACE).  When version_out is
 * not NULL it receives the version.
 */
bool cli_qr_write_file(const char *path, const char *token, const cli_qr_options *options,
                       unsigned flags, int *version_out);

#endif
