/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_qr.h - the QR options and QR file output that `qr` and
 * `issue --qr` share.
 */
#ifndef CERTSEAL_CLI_QR_H
#define CERTSEAL_CLI_QR_H

#include <stdbool.h>

#include "certseal/certseal.h"
#include "cli_options.h"

typedef struct cli_qr_options {
    cs_qr_ecc ecc;
    cs_qr_render_options render; /* scale, margin, dpi */
} cli_qr_options;

#define CLI_QR_OPTIONS_INIT                                                                        \
    {                                                                                              \
        CS_QR_DEFAULT_ECC, CS_QR_RENDER_OPTIONS_INIT                                               \
    }

/* The table entries of --ecc, --scale and --margin, for a cli_qr_options
 * member of the options struct `type`. */
#define CLI_QR_OPTIONS(type, member)                                                               \
    CLI_OPTION("ecc", 0, CLI_CUSTOM, type, member.ecc, "L|M|Q|H",                                  \
               "error correction level (default M)", .parse = cli_qr_parse_ecc),                   \
        CLI_OPTION("scale", 0, CLI_CUSTOM, type, member.render.scale, "N",                         \
                   "pixels per module (PNG; default 8)", .parse = cli_qr_parse_scale),             \
        CLI_OPTION("margin", 0, CLI_CUSTOM, type, member.render.margin, "N",                       \
                   "quiet zone in modules (default 4)", .parse = cli_qr_parse_margin)

/* CLI_CUSTOM readers: an error correction level into a cs_qr_ecc, a scale
 * (1 to CS_QR_SCALE_MAX) and a margin (0 to CS_QR_MARGIN_MAX) into an
 * unsigned, a QR image name (.png or .svg) into a const char *. */
bool cli_qr_parse_ecc(const char *option, const char *value, void *field);
bool cli_qr_parse_scale(const char *option, const char *value, void *field);
bool cli_qr_parse_margin(const char *option, const char *value, void *field);
bool cli_qr_parse_output(const char *option, const char *value, void *field);

/* CLI_CUSTOM reader of --form: offline or link, into a cs_form. */
bool cli_parse_form(const char *option, const char *value, void *field);

/* Warns (one line, naming label) when token needs a QR version above
 * CS_QR_VERSION_WARN at ecc, saying how to make it smaller. */
void cli_qr_warn_large(const char *label, const char *token, cs_qr_ecc ecc);

/* The same for a batch: count of total tokens need more than that version,
 * the longest of them `longest` characters. */
void cli_qr_warn_large_batch(const char *label, size_t count, size_t total, size_t longest,
                             cs_qr_ecc ecc);

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

/* What went wrong making a QR file, to be reported later. */
typedef struct cli_qr_failure {
    enum { CLI_QR_DONE, CLI_QR_ENCODE, CLI_QR_RENDER, CLI_QR_WRITE } stage;
    cs_err err;
    int saved_errno; /* CLI_QR_WRITE: the errno the write left */
} cli_qr_failure;

/* cli_qr_write_file() that reports nothing, so that it can run on any
 * thread: false with *failure set when it failed.  path must end in .png
 * or .svg (checked beforehand). */
bool cli_qr_make_file(const char *path, const char *token, const cli_qr_options *options,
                      unsigned flags, int *version_out, cli_qr_failure *failure);

/* Reports *failure of cli_qr_make_file(path, token, options, flags), as
 * cli_qr_write_file() would have. */
void cli_qr_report_failure(const char *path, const char *token, const cli_qr_options *options,
                           unsigned flags, const cli_qr_failure *failure);

#endif
