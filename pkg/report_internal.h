/* SPDX-License-Identifier: ISC */
/*
 * pkg/report_internal.h - what the renderers (pkg/report*.c) share: text
 * printed into memory, values escaped for a terminal, JSON escaped for one.
 * Never installed, never exported.
 */
#ifndef CERTSEAL_REPORT_INTERNAL_H
#define CERTSEAL_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "certseal/error.h"
#include "certseal/report.h"
#include "certseal/verify.h"

#pragma GCC visibility push(hidden)

/* Room for n bytes of text once escaped (cs_text_escape()). */
#define CS_REPORT_ESCAPED_SIZE(n) ((n) * 6 + 1)

/* text (NULL: "") escaped into buf of size bytes, cut at a whole escape
 * when it does not fit; returns buf. */
const char *cs_report_escape(const char *text, char *buf, size_t size);

/* A memory stream a renderer prints into. */
typedef struct cs_report_text {
    FILE *f;
    char *buf;
    size_t len;
} cs_report_text;

/* Opens t.  Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_report_text_start(cs_report_text *t);

/* Closes t and hands its text over in *out (freed with free()), or frees
 * it when a write failed.  Errors: CS_ERR_NO_MEMORY (*out NULL). */
CS_MUST_CHECK cs_err cs_report_text_finish(cs_report_text *t, char **out);

/* json_dumps(value, json_flags) made safe for a terminal
 * (cs_text_escape_json()); takes the reference to value (NULL allowed);
 * NULL when out of memory. */
char *cs_report_json_dump(json_t *value, size_t json_flags);

/* The "verdict" of the JSON report (CS_VERDICT_LIST). */
const char *cs_verdict_json_name(cs_verdict verdict);

/* cs_report_verify_json_write() into a new string (freed with free());
 * pos may be NULL (no "input").  Errors: CS_ERR_ARGUMENT,
 * CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_report_verify_json_compact(const cs_verify_result *r,
                                                   const cs_report_position *pos, char **out);

#pragma GCC visibility pop

#endif
