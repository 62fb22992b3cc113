/* SPDX-License-Identifier: ISC */
/*
 * certseal/verify_batch.h - many tokens verified in parallel, their results
 * handed back in the order they were given, with a bounded number in
 * flight (so memory does not grow with the count).
 *
 * The caller makes one verifier per job (configured alike: a verifier is
 * used by one thread at a time) and submits tokens; worker threads verify
 * them, and the submitting thread itself verifies with the first verifier
 * when it would otherwise wait.  Each result goes to the caller's function,
 * called from the submitting thread (inside cs_verify_batch_submit() and
 * cs_verify_batch_finish()), in submission order.
 *
 * Ownership: the batch borrows the verifiers until cs_verify_batch_free();
 * tokens are copied; an item and what it points to are valid only during
 * the call.  Position file names are borrowed until their item is done.
 */
#ifndef CERTSEAL_VERIFY_BATCH_H
#define CERTSEAL_VERIFY_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certseal/error.h"
#include "certseal/report.h"
#include "certseal/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One finished entry, as handed to the caller's function. */
typedef struct cs_verify_batch_item {
    uint64_t seq;                    /* 0 for the first submitted */
    cs_report_position position;     /* as submitted */
    const uint8_t *token;            /* as submitted (NULL for an input error) */
    size_t token_len;
    cs_err input_err;                /* CS_OK, or the entry's error (no result) */
    const char *input_detail;        /* what was wrong with the entry ("" when none) */
    cs_err verify_err;               /* cs_verifier_verify()'s error (result unusable) */
    const cs_verify_result *result;  /* NULL when input_err or verify_err is set */
    /* In done() only: what render() wrote (NULL and 0 when nothing). */
    const char *out, *err;
    size_t out_len, err_len;
} cs_verify_batch_item;

/* done(): each entry, in submission order, on the submitting thread.  The
 * result's accreditation is NULL there: what is borrowed from the verifier
 * is valid only until that verifier's next verification, which may already
 * have run (render() sees it). */
typedef void (*cs_verify_batch_fn)(void *ctx, const cs_verify_batch_item *item);

/* render(): each entry right after it was verified, on the thread that
 * verified it (so, in parallel, out of order: it must only read ctx),
 * with the whole result; what it writes to out and err (memory streams)
 * is handed to done() in item->out and item->err. */
typedef void (*cs_verify_batch_render_fn)(void *ctx, const cs_verify_batch_item *item, FILE *out,
                                          FILE *err);

typedef struct cs_verify_batch cs_verify_batch_t;

/* Most jobs and in-flight entries a batch takes. */
#define CS_VERIFY_BATCH_JOBS_MAX 256
#define CS_VERIFY_BATCH_WINDOW_PER_JOB 16

/*
 * A batch over verifiers[0..jobs-1] (1..CS_VERIFY_BATCH_JOBS_MAX; jobs - 1
 * threads are started), with jobs * CS_VERIFY_BATCH_WINDOW_PER_JOB entries
 * in flight at most; render (may be NULL) and done receive every entry.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY (also a thread that could not
 * start).
 */
CS_MUST_CHECK cs_err cs_verify_batch_new(cs_verifier_t *const *verifiers, size_t jobs,
                                         cs_verify_batch_render_fn render,
                                         cs_verify_batch_fn done, void *ctx,
                                         cs_verify_batch_t **out);

/* Submits token (copied) from pos; may deliver earlier results first and
 * wait while the window is full.  Errors: CS_ERR_ARGUMENT,
 * CS_ERR_NO_MEMORY (nothing submitted). */
CS_MUST_CHECK cs_err cs_verify_batch_submit(cs_verify_batch_t *batch, const uint8_t *token,
                                            size_t len, const cs_report_position *pos);

/* Submits an entry that holds no token, for its place in the order: it is
 * delivered with input_err and detail (copied, may be NULL). */
CS_MUST_CHECK cs_err cs_verify_batch_submit_error(cs_verify_batch_t *batch, cs_err err,
                                                  const char *detail,
                                                  const cs_report_position *pos);

/* Delivers everything submitted, waiting for the workers. */
void cs_verify_batch_finish(cs_verify_batch_t *batch);

/* Finishes (cs_verify_batch_finish()), stops the threads, frees; NULLs. */
void cs_verify_batch_free(cs_verify_batch_t **batch);

#ifdef __cplusplus
}
#endif

#endif
