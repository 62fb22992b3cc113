/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_scan.h - reading the QR codes of an image file, with the
 * command line's error messages: shared by `scan` and `verify --qr`.
 */
#ifndef CERTSEAL_CLI_SCAN_H
#define CERTSEAL_CLI_SCAN_H

#include "certseal/certseal.h"

/*
 * Reads the PNG or JPEG image at path ("-" is standard input) and scans it
 * with scanner.  On success returns CLI_EXIT_OK with every code's text in
 * *out (cleared by the caller with cs_scan_result_clear()).  Otherwise
 * *out is empty and one line on stderr names the image and the problem:
 * CLI_EXIT_NO_QR_CODE when the image holds no readable QR code,
 * CLI_EXIT_FAILURE when it cannot be read (missing, not PNG or JPEG,
 * truncated or corrupt, too large).
 */
int cli_scan_image(cs_scanner_t *scanner, const char *path, cs_scan_result *out);

#endif
