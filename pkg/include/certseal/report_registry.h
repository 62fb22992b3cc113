/* SPDX-License-Identifier: ISC */
/*
 * certseal/report_registry.h - the renderers of an issuer registry
 * (certseal/registry.h) beside those of certseal/report.h: its entries and
 * event log as the text and JSON of `certseal list`, and an issued entry
 * as the JSON line `certseal issue --batch` writes.  Text and JSON are
 * escaped as report.h says.
 *
 * Ownership: each rendering is a new NUL-terminated string freed with
 * free(); *out is NULL on failure.
 */
#ifndef CERTSEAL_REPORT_REGISTRY_H
#define CERTSEAL_REPORT_REGISTRY_H

#include "certseal/error.h"
#include "certseal/registry.h"
#include "certseal/report.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_REPORT_HISTORY 0x4u /* text: the event log after the entries */

/*
 * A table of every entry (every revision), one line each under a heading
 * line: number, revision, status index, status, issue date, last valid
 * day, "subject; standard" (- for a missing one); with CS_REPORT_HISTORY,
 * then "history:" and one line per event ("<date-time>  <number> rev <n>
 * <action> by <actor>[: <reason>]").
 * Errors: those of cs_registry_each_entry() and cs_registry_each_event(),
 * CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_report_registry_text(cs_registry_t *registry, unsigned flags,
                                             char **out);

/*
 * {"role", "status_uri", "link_base", "list_entries", "entries": [{"number",
 * "revision", "status_index", "status", "subject", "standard", "issued",
 * "expires", "recorded", "token"}...], "events": [{"at", "number",
 * "revision", "action", "actor", "reason"}...]}, indented; "expires" is the
 * last valid day.  Errors as above.
 */
CS_MUST_CHECK cs_err cs_report_registry_json(cs_registry_t *registry, char **out);

/* {"number", "token"} of an issued entry on one line, with its newline
 * (the JSON Lines of `issue --batch`).  Errors: CS_ERR_ARGUMENT,
 * CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_report_issued_json(const cs_registry_entry *entry, char **out);

#ifdef __cplusplus
}
#endif
#endif
