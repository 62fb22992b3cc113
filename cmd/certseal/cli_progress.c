/* SPDX-License-Identifier: ISC */
/* A progress bar on stderr (cli_progress.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_progress.h"

#define BAR_WIDTH 30
#define REDRAW_SECONDS 0.1

/* The bar on the terminal's current line, if any. */
static cli_progress *on_line;

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void draw(cli_progress *p, size_t done, bool final)
{
    struct timespec now;
    char bar[BAR_WIDTH + 1], rate[64] = "";

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!final && seconds_between(&p->drawn, &now) < REDRAW_SECONDS)
        return;
    p->drawn = now;
    double elapsed = seconds_between(&p->start, &now);
    on_line = p;
    if (p->count == 0) {
        fprintf(stderr, "\r\033[Kcertseal: %s: %-16s done in %.1f s", cli_command_name, p->phase,
                elapsed);
        fflush(stderr);
        return;
    }
    size_t filled = done >= p->count ? BAR_WIDTH : done * BAR_WIDTH / p->count;
    memset(bar, '#', filled);
    memset(bar + filled, '.', BAR_WIDTH - filled);
    bar[BAR_WIDTH] = '\0';
    if (elapsed > 0 && done > 0) {
        double per_second = (double)done / elapsed;
        if (final)
            snprintf(rate, sizeof(rate), "  %.0f/s, %.1f s", per_second, elapsed);
        else
            snprintf(rate, sizeof(rate), "  %.0f/s, %.0f s left", per_second,
                     (double)(p->count - (done < p->count ? done : p->count)) / per_second);
    }
    fprintf(stderr, "\r\033[Kcertseal: %s: %-16s [%s] %zu/%zu%s", cli_command_name, p->phase,
            bar, done, p->count, rate);
    fflush(stderr);
}

void cli_progress_start(cli_progress *p, const char *phase, size_t count)
{
    cli_progress_end(p);
    p->enabled = isatty(STDERR_FILENO) != 0;
    p->phase = phase;
    p->count = count;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->drawn = (struct timespec){0};
    if (p->enabled && count > 0)
        draw(p, 0, false);
}

void cli_progress_update(cli_progress *p, size_t done)
{
    if (p->enabled && p->phase != NULL && p->count > 0)
        draw(p, done, done >= p->count);
}

void cli_progress_end(cli_progress *p)
{
    if (!p->enabled || p->phase == NULL)
        return;
    draw(p, p->count, true);
    fputc('\n', stderr);
    on_line = NULL;
    p->phase = NULL;
}

void cli_progress_break_line(void)
{
    if (on_line == NULL)
        return;
    fputc('\n', stderr);
    on_line = NULL;
}
