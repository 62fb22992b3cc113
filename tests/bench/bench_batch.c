/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_batch.c - `certseal verify` of many tokens (issue 16):
 *
 *   json      cs_verifier_verify() of the typical token, against the same
 *             plus its JSON line written to /dev/null as `certseal verify
 *             --json` writes it (cs_report_verify_json_write()), rounds
 *             interleaved.  Target: ratio >= 0.8.  The jansson-built pretty
 *             report (cs_report_verify_json(CS_REPORT_PRETTY)) for
 *             information.
 *   jobs      the ordered parallel batch (cs_verify_batch_*(), what
 *             `verify --jobs N --json` runs: each JSON line made on the
 *             verifying thread, written in order to /dev/null) over the
 *             typical token: jobs 2 against
 *             jobs 1, each round a fresh batch verifying for ROUND_SECONDS,
 *             rounds interleaved and alternating which goes first.  Target:
 *             ratio >= 1.8 (on a machine with two idle processors; the
 *             processors online are printed).  Beside it, for information,
 *             the machine's yardstick: two threads verifying on their own
 *             (nothing shared) against one, so that a loaded machine's
 *             shortfall is told from the batch's.
 *   stream    the program itself, `certseal verify --json --jobs 2` over
 *             files of 10,000 and of 100,000 copies of the typical token
 *             (the AB key pinned with --trust, --at the issue date), output
 *             to /dev/null: tokens per second and peak RSS (wait4()'s
 *             ru_maxrss) of each run.  Target: the peak RSS of 100,000 no
 *             more than 10% (or 1 MiB) above that of 10,000.
 *
 * The program is CERTSEAL from the environment, else certseal beside the
 * bench's build folder (build/tests/bench -> build/certseal).
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "certseal/verify_batch.h"

#define JSON_TARGET 0.8
#define JOBS_TARGET 1.8
#define RSS_GROWTH_MAX 1.10

const char *bench_program_path;

typedef struct json_ctx {
    cs_verifier_t *verifier;
    const char *token;
    size_t token_len;
    FILE *sink;
    int mode; /* 0 plain, 1 JSON line, 2 jansson pretty */
} json_ctx;

static bool json_op(void *arg)
{
    json_ctx *c = arg;
    cs_verify_result result;
    char *text = NULL;
    bool ok = cs_verifier_verify(c->verifier, (const uint8_t *)c->token, c->token_len, &result) ==
                  CS_OK &&
              result.verdict == CS_VERDICT_VALID;
    cs_report_position pos = {.file = "tokens.txt", .line = 1};

    if (ok && c->mode == 1) {
        ok = cs_report_verify_json_write(&result, &pos, c->sink) == CS_OK;
        putc('\n', c->sink);
    } else if (ok && c->mode == 2) {
        ok = cs_report_verify_json(&result, CS_REPORT_PRETTY, &text) == CS_OK;
        if (ok)
            fputs(text, c->sink);
        free(text);
    }
    cs_verify_result_clear(&result);
    return ok;
}

/* ---- jobs ---------------------------------------------------------------------------- */

typedef struct batch_count {
    uint64_t done;
    bool failed;
} batch_count;

/* As `certseal verify --json` does: the JSON line made on the verifying
 * thread, written in order. */
static void render_json(void *ctx, const cs_verify_batch_item *item, FILE *out, FILE *err)
{
    (void)ctx, (void)err;
    if (item->result != NULL && cs_report_verify_json_write(item->result, &item->position, out) ==
                                    CS_OK)
        putc('\n', out);
}

static FILE *batch_sink;

static void count_result(void *ctx, const cs_verify_batch_item *item)
{
    batch_count *c = ctx;
    c->done++;
    if (item->out_len == 0)
        c->failed = true;
    fwrite(item->out, 1, item->out_len, batch_sink);
    if (item->result == NULL || item->result->verdict != CS_VERDICT_VALID)
        c->failed = true;
}

/* Tokens per second of one batch of jobs verifiers over ROUND_SECONDS. */
static double batch_round(cs_verifier_t **verifiers, size_t jobs, const char *token, size_t len)
{
    cs_verify_batch_t *batch = NULL;
    batch_count count = {0};
    cs_report_position pos = {.file = "bench"};
    double start, elapsed;

    if (cs_verify_batch_new(verifiers, jobs, render_json, count_result, &count, &batch) != CS_OK)
        bench_fatal("cannot start a batch of %zu jobs", jobs);
    start = bench_now();
    do {
        for (int i = 0; i < 64; i++)
            if (cs_verify_batch_submit(batch, (const uint8_t *)token, len, &pos) != CS_OK)
                bench_fatal("out of memory");
    } while (bench_now() - start < ROUND_SECONDS);
    cs_verify_batch_finish(batch);
    elapsed = bench_now() - start;
    cs_verify_batch_free(&batch);
    if (count.failed)
        bench_failure("batch of %zu jobs: a token did not verify VALID", jobs);
    return (double)count.done / elapsed;
}

/* The yardstick of the machine's own parallelism: jobs threads each
 * verifying on its own verifier for ROUND_SECONDS, with nothing shared (no
 * batch, no order, no output).  What the batch's ratio falls short of this
 * one is the batch's; what this one falls short of 2 is the machine's. */
typedef struct free_thread {
    cs_verifier_t *verifier;
    const char *token;
    size_t len;
    double until;
    uint64_t done;
    bool failed;
} free_thread;

static void *free_verify(void *arg)
{
    free_thread *t = arg;
    cs_verify_result result;

    while (bench_now() < t->until) {
        if (cs_verifier_verify(t->verifier, (const uint8_t *)t->token, t->len, &result) != CS_OK ||
            result.verdict != CS_VERDICT_VALID)
            t->failed = true;
        cs_verify_result_clear(&result);
        t->done++;
    }
    return NULL;
}

static double free_round(cs_verifier_t **verifiers, size_t jobs, const char *token, size_t len)
{
    free_thread t[2];
    pthread_t thread;
    double start = bench_now();

    for (size_t i = 0; i < jobs; i++)
        t[i] = (free_thread){verifiers[i], token, len, start + ROUND_SECONDS, 0, false};
    if (jobs == 2 && pthread_create(&thread, NULL, free_verify, &t[1]) != 0)
        bench_fatal("cannot start a thread");
    free_verify(&t[0]);
    if (jobs == 2)
        pthread_join(thread, NULL);
    if (t[0].failed || (jobs == 2 && t[1].failed))
        bench_failure("threads: a token did not verify VALID");
    return (double)(t[0].done + (jobs == 2 ? t[1].done : 0)) / (bench_now() - start);
}

static void bench_jobs(cs_verifier_t **verifiers, const char *token, size_t len)
{
    double best[2][2] = {{0, 0}, {0, 0}}; /* [batch, free][jobs - 1] */
    double ratio, free_ratio;

    for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < 4; k++) {
            size_t jobs = (size_t)((round + k) % 2) + 1;
            int kind = (round + k / 2) % 2;
            double r = kind == 0 ? batch_round(verifiers, jobs, token, len)
                                 : free_round(verifiers, jobs, token, len);
            if (r > best[kind][jobs - 1])
                best[kind][jobs - 1] = r;
        }
    }
    ratio = best[0][0] > 0 ? best[0][1] / best[0][0] : 0;
    free_ratio = best[1][0] > 0 ? best[1][1] / best[1][0] : 0;
    printf("  cs_verify_batch --jobs 2 %10.0f /s   --jobs 1 %10.0f /s   ratio %5.3f  (target %.1f, "
           "%ld processors online) %s\n",
           best[0][1], best[0][0], ratio, JOBS_TARGET, sysconf(_SC_NPROCESSORS_ONLN),
           bench_verdict(ratio, JOBS_TARGET));
    printf("  yardstick: 2 free threads %8.0f /s   1 thread %10.0f /s   ratio %5.3f  (the machine's "
           "own; batch / yardstick %.3f)\n",
           best[1][1], best[1][0], free_ratio, free_ratio > 0 ? ratio / free_ratio : 0);
}

/* ---- the program over a stream ------------------------------------------------------- */

typedef struct stream_run {
    double seconds;
    long max_rss_kb;
    int status;
} stream_run;

static bool write_tokens(const char *path, const char *token, size_t count)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return false;
    for (size_t i = 0; i < count; i++) {
        fputs(token, f);
        putc('\n', f);
    }
    return fclose(f) == 0;
}

static bool run_program(char *const argv[], stream_run *out)
{
    struct rusage usage;
    int status = 0;
    double start = bench_now();
    pid_t pid = fork();

    if (pid < 0)
        return false;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &usage) != pid)
        return false;
    out->seconds = bench_now() - start;
    out->max_rss_kb = usage.ru_maxrss;
    out->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return true;
}

static void bench_stream(const cs_key_t *ab, const char *token, const char *at)
{
    char dir[] = "/tmp/certseal-bench-batch.XXXXXX", key[64], small[64], large[64];
    const size_t counts[] = {10000, 100000};
    const char *files[] = {small, large};
    stream_run runs[2] = {{0}};

    if (bench_program_path == NULL || access(bench_program_path, X_OK) != 0) {
        printf("  (the program %s is not built: stream not measured)\n",
               bench_program_path != NULL ? bench_program_path : "certseal");
        return;
    }
    if (mkdtemp(dir) == NULL)
        bench_fatal("mkdtemp: %s", strerror(errno));
    snprintf(key, sizeof(key), "%s/ab.pub", dir);
    snprintf(small, sizeof(small), "%s/10k.txt", dir);
    snprintf(large, sizeof(large), "%s/100k.txt", dir);
    if (cs_key_write_public_file(ab, key, 0) != CS_OK || !write_tokens(small, token, counts[0]) ||
        !write_tokens(large, token, counts[1]))
        bench_fatal("cannot write the stream's files in %s", dir);
    for (int i = 0; i < 2; i++) {
        char *argv[] = {(char *)bench_program_path, "verify", "--trust", key, "--at", (char *)at,
                        "--json", "--jobs", "2", (char *)files[i], NULL};
        if (!run_program(argv, &runs[i]) || runs[i].status != 0)
            bench_failure("stream: certseal verify --json --jobs 2 of %zu tokens: exit %d",
                          counts[i], runs[i].status);
        printf("  verify --json --jobs 2 %7zu tokens  %8.2f s  %10.0f /s  peak RSS %6ld KiB\n",
               counts[i], runs[i].seconds, (double)counts[i] / runs[i].seconds,
               runs[i].max_rss_kb);
    }
    {
        double growth = runs[0].max_rss_kb > 0
                            ? (double)runs[1].max_rss_kb / (double)runs[0].max_rss_kb
                            : 0;
        bool flat = runs[1].max_rss_kb <= runs[0].max_rss_kb + 1024 || growth <= RSS_GROWTH_MAX;
        printf("  peak RSS 100,000 / 10,000 tokens: %.3f  (target: flat, <= %.2f or +1 MiB) %s\n",
               growth, RSS_GROWTH_MAX, flat ? "PASS" : "GROWS WITH THE COUNT");
    }
    unlink(key);
    unlink(small);
    unlink(large);
    rmdir(dir);
}

/* ---- the section ----------------------------------------------------------------------- */

void bench_batch(const char *dir, fixture *fixtures, size_t count)
{
    bench_issuer chain;
    cs_trust_t *trust = NULL;
    cs_key_t *trusted;
    cs_verifier_t *verifiers[2] = {NULL, NULL};
    char *token, at[CS_DATE_TEXT_SIZE];
    json_ctx plain, line, pretty;

    (void)dir, (void)count;
    bench_issuer_init(&chain, CS_ALG_EDDSA);
    token = bench_issue_token(&chain, &fixtures[0], CS_FORM_OFFLINE, NULL);
    trusted = bench_public_copy(chain.ab);
    if (cs_trust_new(&trust) != CS_OK || cs_trust_add_key(trust, &trusted) != CS_OK)
        bench_fatal("out of memory");
    for (int i = 0; i < 2; i++) {
        if (cs_verifier_new(trust, &verifiers[i]) != CS_OK)
            bench_fatal("out of memory");
        cs_verifier_set_time(verifiers[i], fixtures[0].cert.issued_at);
    }
    plain = (json_ctx){.verifier = verifiers[0], .token = token, .token_len = strlen(token)};
    if ((plain.sink = fopen("/dev/null", "w")) == NULL)
        bench_fatal("cannot open /dev/null");
    line = plain, line.mode = 1;
    batch_sink = plain.sink;
    pretty = plain, pretty.mode = 2;

    printf("\n(batch) `certseal verify` of many tokens: %s, EdDSA, AC cache warm\n",
           fixtures[0].file);
    if (!json_op(&plain))
        bench_failure("batch: the token does not verify VALID");
    {
        rate rates[] = {
            {.name = "verify + JSON line", .op = json_op, .ctx = &line},
            {.name = "verify", .op = json_op, .ctx = &plain},
            {.name = "verify + jansson pretty", .op = json_op, .ctx = &pretty},
        };
        double ratio;
        bench_measure(rates, 3);
        ratio = rates[1].best > 0 ? rates[0].best / rates[1].best : 0;
        printf("  verify --json (JSON line) %10.0f /s   verify %10.0f /s   ratio %5.3f  (target "
               "%.1f) %s\n",
               rates[0].best, rates[1].best, ratio, JSON_TARGET, bench_verdict(ratio, JSON_TARGET));
        printf("  verify + jansson pretty report %10.0f /s   ratio %5.3f  (for information)\n",
               rates[2].best, rates[1].best > 0 ? rates[2].best / rates[1].best : 0);
    }
    bench_jobs(verifiers, token, strlen(token));
    cs_date_format(fixtures[0].cert.issued_at, at);
    bench_stream(chain.ab, token, at);

    fclose(plain.sink);
    for (int i = 0; i < 2; i++)
        cs_verifier_free(&verifiers[i]);
    cs_trust_free(&trust);
    free(token);
    bench_issuer_free(&chain);
}
