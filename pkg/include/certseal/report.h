/* SPDX-License-Identifier: ISC */
/*
 * certseal/report.h - the renderers of what the library finds, each result
 * kind's text, JSON and HTML together: a verification as the text of
 * `certseal verify`, the JSON of `certseal verify --json` and of the
 * verification service, and the service's page; an inspection (a token
 * decoded without verifying) as text and JSON.  Every value a token
 * carries is escaped for where it goes: text and JSON with
 * cs_text_escape() (nothing a terminal acts on), HTML as HTML.
 *
 * Ownership: each rendering is a new NUL-terminated string freed with
 * free(); *out is NULL on failure.
 */
#ifndef CERTSEAL_REPORT_H
#define CERTSEAL_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certseal/error.h"
#include "certseal/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_REPORT_PRETTY 0x1u /* indent the JSON */
#define CS_REPORT_COLOUR 0x2u /* text: ANSI colours for a terminal */

/*
 * The text of `certseal verify` for one token: the verdict line ("VALID
 * <organisation> is certified to <standard>", or "<VERDICT>  <label>:
 * <reason>"), a "warning: ..." line per cs_verify_warning_text(), the
 * certificate (marked NOT verified unless the signatures verified), and
 * every check with its state and detail, each line ending in a newline.
 * label (may be NULL: "token") names the token in the line of a failure.
 * With CS_REPORT_COLOUR the verdict and check states are coloured; every
 * value from the token or the label is escaped (cs_text_escape()).
 * Errors: CS_ERR_ARGUMENT (also a failed check outside the list),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_report_verify_text(const cs_verify_result *result, const char *label,
                                           unsigned flags, char **out);

/*
 * {"verdict", "valid", "reason", "error", "form", "verified_at", "checks":
 * [{"check", "result", "detail"}...], "status", "accreditation_status",
 * "status_reference", "status_checked", "status_as_of", "warnings",
 * "contents_verified", "certificate", "accreditation", "key_ids"}.
 * "reason" is null when VALID; "status" and
 * "accreditation_status" are cs_verify_status_summary() words;
 * "status_checked" is result->status_checked, "status_as_of" the date and
 * time of a list used past its ttl (or null), "warnings" the
 * cs_verify_warning_text() sentences (an empty array when none);
 * "status_reference" is the CT's {"idx", "uri"} or null (the AC's is in
 * "accreditation").
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_report_verify_json(const cs_verify_result *result, unsigned flags,
                                           char **out);

/* Where a token of a batch came from, for its report: the input file
 * ("-" for standard input), the line of a text, CSV or JSON Lines file
 * (1-based; 0 when none), and for an image the QR code's number in it and
 * the page of a document (1-based; 0 when none), with how a PDF held it
 * ("attachment", "embedded image", "rendered page"; NULL otherwise).
 * Borrowed. */
typedef struct cs_report_position {
    const char *file;
    uint64_t line;
    unsigned code;
    unsigned page;
    const char *found_in;
} cs_report_position;

/*
 * cs_report_verify_json()'s compact object written to out without a
 * newline, with "input": {"file", "line", "code", "page", "found_in"}
 * (those not 0 or NULL)
 * added last when pos is not NULL: one line of `certseal verify --json`.
 * Costs a fraction of building the object (no tree is made).  Locks out
 * for the whole object.  Errors: CS_ERR_ARGUMENT, CS_ERR_IO_WRITE (out's
 * error flag is set).
 */
CS_MUST_CHECK cs_err cs_report_verify_json_write(const cs_verify_result *result,
                                                 const cs_report_position *pos, FILE *out);

/* The error correction an inspection gives the QR version for: ecc a
 * cs_qr_ecc (certseal/qr.h); without it, CS_QR_DEFAULT_ECC (M). */
#define CS_REPORT_ECC(ecc) ((((unsigned)(ecc) + 1u) & 0xfu) << 8)
#define CS_REPORT_ECC_MASK 0xf00u

/*
 * Decodes a token in any form without verifying anything and describes
 * it: form, sizes, the QR version it needs at the error correction of
 * flags (CS_REPORT_ECC(); "qr" is {"error_correction", "version",
 * "modules"}, or {"error_correction", "error"} when no version holds it,
 * null for COSE bytes), every header and claim of the token and of an
 * embedded accreditation credential, and the certificate or accreditation
 * in readable form.
 * Errors: those of cs_token_unwrap() and cs_cose_sign1_decode(),
 * CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.  detail (may be NULL) says what did
 * not decode.
 */
CS_MUST_CHECK cs_err cs_report_inspect_json(const uint8_t *token, size_t len, unsigned flags,
                                            char **out, char *detail, size_t detail_size);

/* The same inspection as the text of `certseal inspect`: a "NOT VERIFIED"
 * line, then every member as indented "key: value" lines (true and false
 * as yes and no, null as -, an empty list as (none)), keys and values
 * escaped (cs_text_escape()).  flags: CS_REPORT_ECC().  Errors as above. */
CS_MUST_CHECK cs_err cs_report_inspect_text(const uint8_t *token, size_t len, unsigned flags,
                                            char **out, char *detail, size_t detail_size);

/*
 * The verification page the service shows for a token (http.h): a complete
 * HTML document in English, mobile first, self-contained (one inline style
 * element, no script, image or external resource), with a verdict banner a
 * person understands at a glance, then, only when the signatures verified,
 * the certificate (organisation, standard with edition, scope, sites,
 * dates, certification body, accreditation body and number, status), and
 * every check with its state and detail.  Nothing a token carries is shown
 * before its signature is checked, and every value is HTML-escaped (control
 * characters dropped, bytes that are not UTF-8 shown as U+FFFD).  Serve it
 * with the Content-Security-Policy of cs_report_html_policy().
 * *out is a new NUL-terminated UTF-8 string freed with free(); NULL on
 * failure.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_report_verify_html(const cs_verify_result *result, char **out);

/* One verification among those of an uploaded file: the result (borrowed)
 * and where in the file its code was found ("page 2, embedded image"). */
typedef struct cs_report_found {
    const cs_verify_result *result;
    const char *place;
} cs_report_found;

/*
 * The page of every code found in one file (source: its name as the user
 * gave it), in the order given: each verdict as cs_report_verify_html()
 * shows it (banner, certificate only when verified, every check), headed
 * by where it was found; one code gives that page with one line more.
 * Every text (source, place, the token's values) is HTML-escaped.  *out as
 * above.  Errors: CS_ERR_ARGUMENT (also count 0), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_report_verify_html_found(const char *source, const cs_report_found *found,
                                                 size_t count, char **out);

/* The service's front page: a heading and a paragraph, then a plain HTML
 * form (no script) that posts one file as multipart/form-data (field
 * "file") to "/", with upload_note under it (what it takes, the size
 * limit).  All three escaped; serve it with cs_report_html_form_policy().
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_report_front_html(const char *title, const char *message,
                                          const char *upload_note, char **out);

/* A page in the same style with a heading and one paragraph (both escaped):
 * "not found", the service's front page.  *out as above.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_report_message_html(const char *title, const char *message, char **out);

/*
 * What the operator of a verifier can do about a verdict, as a constant
 * phrase ("add the accreditation body's public key with --trust"); NULL
 * when there is nothing.  For the command line and the service's log, never
 * for the page a buyer sees: a buyer cannot change the trust store.
 */
const char *cs_report_operator_hint(cs_verdict verdict);

/* The Content-Security-Policy header value the pages above need: nothing
 * but their own inline style, allowed by its SHA-256 hash.  Static text. */
const char *cs_report_html_policy(void);

/* The same policy for the front page, whose form posts to the service
 * itself (form-action 'self'). */
const char *cs_report_html_form_policy(void);

#ifdef __cplusplus
}
#endif
#endif
