/* SPDX-License-Identifier: ISC */
/*
 * certseal/report_scan.h - the renderers of a scan (certseal/scan.h)
 * beside those of certseal/report.h: the codes read from an image as the
 * text and JSON of `certseal scan`.  A code's text is escaped as report.h
 * says (a token never holds a control character, but another code on the
 * page may).
 *
 * Ownership: each rendering is a new NUL-terminated string freed with
 * free(); *out is NULL on failure.
 */
#ifndef CERTSEAL_REPORT_SCAN_H
#define CERTSEAL_REPORT_SCAN_H

#include "certseal/error.h"
#include "certseal/scan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every code's text, escaped, one line each (nothing when there is none);
 * a code found in a PDF is preceded by where: "page 2 (embedded image): ",
 * "document (attachment): ".
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_report_scan_text(const cs_scan_result *result, char **out);

/*
 * One line (without a newline) for the image named image: {"image",
 * "tokens": [...]}, with "error" when err is not CS_OK: "no QR code found"
 * for CS_ERR_NO_QR_CODE, else "the image could not be read".  For a PDF,
 * also "codes": [{"page", "found_in", "token"}, ...] (page 0: attached to
 * the whole document; found_in as cs_scan_origin_name()).  Non-ASCII
 * characters are written as \u escapes.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_JSON (the name or a code is not UTF-8),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_report_scan_json(const char *image, const cs_scan_result *result,
                                         cs_err err, char **out);

#ifdef __cplusplus
}
#endif
#endif
