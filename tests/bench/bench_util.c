/* tests/bench/bench_util.c - timing and reporting shared by the sections. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

int bench_exit_status = 0;

void bench_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

void bench_failure(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: FAILED: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    bench_exit_status = 1;
}

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_round(rate *r)
{
    double start = bench_now(), elapsed;
    long ops = 0;

    do {
        for (int i = 0; i < BATCH; i++) {
            if (!r->op(r->ctx)) {
                r->failed = true;
                return;
            }
        }
        ops += BATCH;
        elapsed = bench_now() - start;
    } while (elapsed < ROUND_SECONDS);
    r->ops += (double)ops;
    r->seconds += elapsed;
    if ((double)ops / elapsed > r->best)
        r->best = (double)ops / elapsed;
}

void bench_measure(rate *rates, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rates[i].op(rates[i].ctx); /* warm-up: caches, lazy OpenSSL set-up */
    for (int round = 0; round < ROUNDS; round++)
        for (size_t k = 0; k < n; k++) {
            rate *r = &rates[(k + (size_t)round) % n];
            if (!r->failed)
                run_round(r);
        }
    for (size_t i = 0; i < n; i++)
        if (rates[i].failed)
            bench_failure("%s: an operation failed during timing", rates[i].name);
}

const char *bench_verdict(double ratio, double target)
{
    return ratio >= target ? "PASS" : "BELOW TARGET";
}

void bench_load_fixture(const char *dir, fixture *f)
{
    char path[4096], detail[256] = "";
    uint8_t *json = NULL;
    size_t len = 0;
    cs_err err;

    snprintf(path, sizeof(path), "%s/%s", dir, f->file);
    if ((err = cs_file_read_all(path, CS_RECORD_MAX, &json, &len)) != CS_OK)
        bench_fatal("%s: %s", path, cs_strerror(err));
    if ((err = cs_record_parse_json((const char *)json, len, &f->cert, detail, sizeof(detail))) !=
        CS_OK)
        bench_fatal("%s: %s (%s)", path, cs_strerror(err), detail);
    free(json);
}
