/* SPDX-License-Identifier: ISC */
/*
 * certseal/issue_batch.h - many certificates issued in parallel, their
 * tokens handed back in the order they were given, with a bounded number
 * in flight.
 *
 * Each job issues whole certificates, as cs_issuer_issue() does: checks,
 * claims, signature, the self-check of CS_ISSUE_VERIFY_SIGNATURE and the
 * token's encoding, so that the signing and the verifying are spread over
 * every processor instead of one thread signing while another verifies
 * (an Ed25519 check costs about three signatures: such a split leaves the
 * signing thread idle).  Worker threads issue with copies of the issuer
 * (same key, AC and catalog); the submitting thread issues with the issuer
 * itself when it would otherwise wait.  Every result goes to the caller's
 * function, called from the submitting thread (inside
 * cs_issue_batch_submit() and cs_issue_batch_finish()), in submission
 * order, so that what a caller records (a registry's rows, an output
 * file) stays in input order and on one thread.
 *
 * An issuer whose key signs through an external signer (a PKCS#11 token)
 * has its signatures made one at a time; the checks, self-checks and
 * encodings still run in parallel.
 *
 * Ownership: the batch borrows the issuer (and its key and catalog) until
 * cs_issue_batch_free(), and each submitted certificate until its item is
 * delivered (cs_issuer_issue() fills in its issuer and accreditation
 * number); what an item points to is valid only during the call.
 */
#ifndef CERTSEAL_ISSUE_BATCH_H
#define CERTSEAL_ISSUE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/claims.h"
#include "certseal/error.h"
#include "certseal/issue.h"
#include "certseal/token.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One issued (or refused) certificate, as handed to the caller's function. */
typedef struct cs_issue_batch_item {
    uint64_t seq;         /* 0 for the first submitted */
    cs_certificate *cert; /* as submitted */
    cs_err err;           /* CS_OK, or cs_issuer_issue()'s error (nothing below then) */
    const char *detail;   /* which rule the certificate broke ("" when none) */
    const char *token;    /* NUL-terminated */
    size_t token_len;
    const uint8_t *claims; /* the signed claims (the COSE payload) */
    size_t claims_len;
    const uint8_t *cose; /* the COSE_Sign1 bytes */
    size_t cose_len;
} cs_issue_batch_item;

/* Each entry, in submission order, on the submitting thread.  Returning
 * anything but CS_OK stops the batch: nothing more is delivered, and
 * cs_issue_batch_submit() and cs_issue_batch_finish() return that error. */
typedef cs_err (*cs_issue_batch_fn)(void *ctx, const cs_issue_batch_item *item);

typedef struct cs_issue_batch cs_issue_batch_t;

/* Most jobs, and entries in flight per job. */
#define CS_ISSUE_BATCH_JOBS_MAX 256
#define CS_ISSUE_BATCH_WINDOW_PER_JOB 16

/* How a batch issues: what cs_issuer_issue() takes for each certificate. */
typedef struct cs_issue_batch_options {
    cs_form form;
    const char *link_base; /* for CS_FORM_LINK (borrowed) */
    unsigned flags;        /* CS_ISSUE_VERIFY_SIGNATURE */
    size_t jobs;           /* 1..CS_ISSUE_BATCH_JOBS_MAX; 0: the processors online */
} cs_issue_batch_options;

/*
 * A batch issuing with issuer and copies of it (jobs - 1 threads are
 * started; fewer when the system refuses one, the submitting thread then
 * doing more), with jobs * CS_ISSUE_BATCH_WINDOW_PER_JOB entries in flight
 * at most; done receives every entry.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_issue_batch_new(cs_issuer_t *issuer, const cs_issue_batch_options *options,
                                        cs_issue_batch_fn done, void *ctx,
                                        cs_issue_batch_t **out);

/* The number of jobs the batch runs (threads that started, plus one). */
size_t cs_issue_batch_jobs(const cs_issue_batch_t *batch);

/* Submits cert (borrowed until its item is delivered; not to be submitted
 * again before that); may deliver earlier entries first and wait while the
 * window is full.  Errors: CS_ERR_ARGUMENT, or the error done() returned
 * (nothing submitted then). */
CS_MUST_CHECK cs_err cs_issue_batch_submit(cs_issue_batch_t *batch, cs_certificate *cert);

/* Delivers everything submitted, waiting for the workers.  Errors: the
 * error done() returned, if it stopped the batch. */
CS_MUST_CHECK cs_err cs_issue_batch_finish(cs_issue_batch_t *batch);

/* Stops the threads (entries not yet delivered are dropped) and frees;
 * NULLs *batch.  Call cs_issue_batch_finish() first to keep them. */
void cs_issue_batch_free(cs_issue_batch_t **batch);

#ifdef __cplusplus
}
#endif

#endif
