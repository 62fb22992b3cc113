/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_pool.h - a small pool of worker threads for the
 * independent steps of a command (a batch's QR files): every index of a
 * range run once, on several threads, while the calling thread keeps the
 * progress bar.
 */
#ifndef CERTSEAL_CLI_POOL_H
#define CERTSEAL_CLI_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_progress.h"

/* One step; runs on a worker thread, so it must print nothing and touch
 * only what belongs to its index (and what every step only reads).
 * Returns false when it failed. */
typedef bool (*cli_pool_fn)(void *ctx, size_t index);

/* Workers for steps that wait on the disk as much as on a processor
 * (each file is synced): this many per processor online. */
#define CLI_POOL_JOBS_PER_PROCESSOR 2
#define CLI_POOL_JOBS_MAX 16

/* The number of workers cli_pool_run() starts by default. */
size_t cli_pool_default_jobs(void);

/*
 * Runs fn(ctx, i) for every i in [0, count) on `jobs` threads (started
 * for the call, with every signal blocked), in any order; after a step
 * failed no new one starts (those running finish).  The calling thread
 * waits, updating progress to done_before + the steps done.  When no
 * thread can start, the calling thread runs the steps itself.  Returns
 * true when every step ran and none failed.
 */
bool cli_pool_run(size_t count, size_t jobs, cli_pool_fn fn, void *ctx, cli_progress *progress,
                  size_t done_before);

#endif
