/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_progress.h - a progress bar on stderr for the long
 * phases of a batch (validate, sign and record, write the outputs), with
 * the rate and the time left.  Drawn only when stderr is a terminal, at
 * most ten times a second; otherwise every call does nothing.  A phase of
 * unknown length draws one line when it ends.  Messages (cli_error())
 * start on a line of their own while a bar is drawn.
 */
#ifndef CERTSEAL_CLI_PROGRESS_H
#define CERTSEAL_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef struct cli_progress {
    bool enabled;      /* stderr is a terminal */
    const char *phase; /* "sign and record", borrowed */
    size_t count;      /* 0: a phase of unknown length (no bar) */
    struct timespec start, drawn;
} cli_progress;

/* Starts a phase of count steps (0 when unknown), after ending the
 * previous one. */
void cli_progress_start(cli_progress *p, const char *phase, size_t count);

/* done of the phase's count steps are done. */
void cli_progress_update(cli_progress *p, size_t done);

/* Ends the phase: its bar is completed and left on its own line with the
 * time the phase took. */
void cli_progress_end(cli_progress *p);

/* Ends the line of the bar being drawn, if any, so that a message can
 * follow; the bar goes on below it. */
void cli_progress_break_line(void);

#endif
