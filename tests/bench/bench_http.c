/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_http.c - the verification service under load (http.h,
 * DESIGN §9): the server started in this process on 127.0.0.1 (a free
 * port, one thread per online processor, no log), the offline token of
 * record-typical.json (EdDSA demo chain, verification time fixed at the
 * record's issue date) sent as the body of POST /api/v1/verify over
 * HTTP/1.1 keep-alive connections by a small C client in this process
 * (bench_http_client.h: one select() loop, 2 connections per processor), on
 * the same cores as the server.
 *
 *   batch  the `certseal verify` batch rate: one verifier verifying the
 *          same token again and again in one thread, as `certseal verify`
 *          does over a file of tokens; the yardstick.  Timed in rounds of
 *          BATCH_ROUND_SECONDS interleaved with the peak rounds, so that
 *          both see the same neighbours; the best round counts.  For
 *          information, right before and after the load runs: the same with
 *          the JSON report `certseal verify --json` prints (what the service
 *          answers), and one verifier per processor in parallel threads
 *          (what the cores can do at most).
 *   peak   closed loop: every connection sends its next request as soon as
 *          its answer is in; ROUNDS rounds of PEAK_ROUND_SECONDS after
 *          WARM_SECONDS of warm-up; the best round counts, the latencies of
 *          all rounds are pooled.  Target: at least 0.7 of the batch rate.
 *   half   open loop at half the first peak rate for HALF_SECONDS: requests
 *          due at fixed intervals, latency counted from when each was due,
 *          so that queueing counts.  Target: p99 under 10 ms.
 *   peak   the closed loop again (and its batch rounds), to compare memory
 *          after each.
 *
 * The CPU time the process used during the peak rounds is printed too,
 * with each server thread's share: a low ratio with less than the cores
 * used means that neighbours took them or that a few server threads hold
 * the connections; the CPU time per answer, beside the batch time per
 * verification, is what the HTTP layer costs whatever the load.
 *
 * Every answer must be a complete HTTP/1.1 200 whose JSON says VALID; any
 * other answer, reset or timeout is an error and fails the bench.  Memory
 * (VmRSS of this process, which holds the server) is read after the
 * warm-up and after each run: it must not grow by more than RSS_FLAT_KIB
 * between the two peak runs.  The process's thread count must come back
 * to what it was once the server is stopped.  The section takes about 15
 * seconds.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "bench_http_client.h"
#include "certseal/http.h"

#define HTTP_TARGET 0.7
#define HALF_P99_TARGET 0.010 /* seconds */
#define RSS_FLAT_KIB 2048
#define WARM_SECONDS 0.5
#define PEAK_ROUND_SECONDS 0.5   /* ROUNDS of them in each peak run */
#define BATCH_ROUND_SECONDS 0.25 /* a batch round beside each peak round */
#define HALF_SECONDS 3.0
#define INFO_SECONDS 0.5 /* the batch rates for information, before and after */
#define MAX_SAMPLES (1u << 20)
#define EXPECT_VERDICT "\"VALID\""
#define THREADS_MAX 64

/* ---- the batch rates ------------------------------------------------------------ */

typedef struct batch_worker {
    const cs_trust_t *trust;
    int64_t at;
    const char *token;
    size_t token_len;
    bool json; /* also the JSON report, as `certseal verify --json` */
    double seconds;
    uint64_t ops;
    double elapsed;
    bool failed;
} batch_worker;

static bool verify_once(cs_verifier_t *verifier, const batch_worker *w)
{
    cs_verify_result result;
    char *json = NULL;
    bool ok =
        cs_verifier_verify(verifier, (const uint8_t *)w->token, w->token_len, &result) == CS_OK &&
        result.verdict == CS_VERDICT_VALID &&
        (!w->json || cs_report_verify_json(&result, 0, &json) == CS_OK);
    free(json);
    cs_verify_result_clear(&result);
    return ok;
}

/* One verifier of its own, warmed with one verification, then w->seconds
 * of verifications. */
static void *batch_work(void *arg)
{
    batch_worker *w = arg;
    cs_verifier_t *verifier = NULL;
    double start;

    if (cs_verifier_new(w->trust, &verifier) != CS_OK) {
        w->failed = true;
        return NULL;
    }
    cs_verifier_set_time(verifier, w->at);
    w->failed = !verify_once(verifier, w);
    start = bench_now();
    while (!w->failed && w->elapsed < w->seconds) {
        for (int i = 0; i < BATCH && !w->failed; i++)
            if (!(w->failed = !verify_once(verifier, w)))
                w->ops++;
        w->elapsed = bench_now() - start;
    }
    cs_verifier_free(&verifier);
    return NULL;
}

/* Verifications per second of threads verifiers in parallel (the calling
 * thread alone when threads is 1). */
static double batch_rate(const batch_worker *model, unsigned threads, const char *what)
{
    batch_worker *workers = calloc(threads, sizeof(*workers));
    pthread_t *ids = calloc(threads, sizeof(*ids));
    unsigned started = 0;
    double total = 0;
    bool failed = false;

    if (workers == NULL || ids == NULL)
        bench_fatal("out of memory");
    for (unsigned i = 0; i < threads; i++)
        workers[i] = *model;
    if (threads == 1)
        batch_work(&workers[0]);
    else
        for (; started < threads; started++)
            if (pthread_create(&ids[started], NULL, batch_work, &workers[started]) != 0)
                bench_fatal("cannot start a thread");
    for (unsigned i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    for (unsigned i = 0; i < threads; i++) {
        failed |= workers[i].failed;
        total += workers[i].elapsed > 0 ? (double)workers[i].ops / workers[i].elapsed : 0;
    }
    if (failed)
        bench_failure("http: %s: the token did not verify VALID", what);
    free(workers);
    free(ids);
    return total;
}

/* The batch rates for information: with the JSON report, and one
 * verifier per core. */
typedef struct batch_rates {
    double json, parallel;
} batch_rates;

static void measure_batch(const batch_worker *model, unsigned cores, batch_rates *r)
{
    batch_worker w = *model;
    w.seconds = INFO_SECONDS;
    r->parallel = batch_rate(&w, cores, "parallel batch verify");
    w.json = true;
    r->json = batch_rate(&w, 1, "batch verify --json");
}

/* ---- this process --------------------------------------------------------------- */

/* The number after "field:" in /proc/self/status (kB for VmRSS), or -1. */
static long proc_status(const char *field)
{
    char line[256];
    size_t len = strlen(field);
    long value = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            value = strtol(line + len + 1, NULL, 10);
            break;
        }
    fclose(f);
    return value;
}

/* CPU seconds of this process: its threads, the server's and the client's. */
static double process_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct thread_cpu {
    long tid;
    double seconds;
} thread_cpu;

/* The CPU seconds of every thread of this process but the main one (the
 * server's threads, while it runs) into t; returns how many. */
static size_t server_threads_cpu(thread_cpu *t)
{
    DIR *dir = opendir("/proc/self/task");
    struct dirent *entry;
    double tick = (double)sysconf(_SC_CLK_TCK);
    size_t n = 0;

    while (dir != NULL && n < THREADS_MAX && (entry = readdir(dir)) != NULL) {
        char path[64], line[512], *end;
        unsigned long user, system;
        long tid = strtol(entry->d_name, NULL, 10);
        FILE *f;

        snprintf(path, sizeof(path), "/proc/self/task/%ld/stat", tid);
        if (tid <= 0 || tid == (long)getpid() || (f = fopen(path, "r")) == NULL)
            continue;
        /* after "pid (comm) ": state, 5 numbers, flags, 4 fault counts, utime, stime */
        if (fgets(line, sizeof(line), f) != NULL && (end = strrchr(line, ')')) != NULL &&
            sscanf(end + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &user,
                   &system) == 2)
            t[n++] = (thread_cpu){tid, (double)(user + system) / tick};
        fclose(f);
    }
    if (dir != NULL)
        closedir(dir);
    return n;
}

/* ---- the report ------------------------------------------------------------------ */

static void print_run(const char *name, const http_run *r)
{
    printf("  %-40s %8.0f /s   p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  %llu answers, "
           "%llu errors\n",
           name, r->rate, r->p50 * 1e3, r->p99 * 1e3, r->max * 1e3, (unsigned long long)r->done,
           (unsigned long long)r->errors);
    if (r->errors > 0)
        bench_failure("http: %s: %llu errors of %llu requests, the first: %s", name,
                      (unsigned long long)r->errors, (unsigned long long)r->sent, r->first_error);
    if (r->reconnects > 0)
        printf("  %-40s %llu answers said \"Connection: close\" (reconnected)\n", "",
               (unsigned long long)r->reconnects);
    if (r->kept < r->done)
        printf("  %-40s latencies of the first %zu answers only\n", "", r->kept);
}

static double better(double a, double b)
{
    return a > b ? a : b;
}

typedef struct load_result {
    double batch; /* the yardstick: best round of the 1-thread batch */
    unsigned batch_rounds;
    batch_rates before, after;
    http_run peak1, half, peak2;
    double half_rate;
    long rss_warm, rss_peak1, rss_half, rss_peak2; /* KiB */
    long threads_before, threads_serving, threads_after;
    double peak_cpu;                /* CPU seconds of this process during the two peak runs */
    thread_cpu server[THREADS_MAX]; /* of each server thread during them */
    size_t server_threads;
    unsigned cores;
    size_t connections;
} load_result;

static int by_share_descending(const void *a, const void *b)
{
    double x = ((const thread_cpu *)a)->seconds, y = ((const thread_cpu *)b)->seconds;
    return (x < y) - (x > y);
}

/* How much of the cores the process had during the peak runs, the CPU time
 * one answer cost, and how the server's threads shared the work: a low
 * ratio with little of the cores used means neighbours took them, or one
 * server thread holds most connections.  The server runs one worker per
 * core and one thread that only accepts: evenness is judged over the
 * busiest threads, one per core. */
static void print_cpu(const load_result *l)
{
    double seconds = l->peak1.elapsed + l->peak2.elapsed;
    double answers = (double)(l->peak1.done + l->peak2.done);
    double json = better(l->before.json, l->after.json);
    thread_cpu sorted[THREADS_MAX];
    size_t workers = l->server_threads < l->cores ? l->server_threads : l->cores;

    if (seconds <= 0 || answers <= 0 || json <= 0)
        return;
    printf("  cpu during the peak runs: this process (server and client) used %.2f of %u cores, "
           "%.0f us per answer\n    (batch verify --json: %.0f us per verification); the "
           "server's threads:",
           l->peak_cpu / seconds, l->cores, l->peak_cpu / answers * 1e6, 1e6 / json);
    memcpy(sorted, l->server, l->server_threads * sizeof(*sorted));
    qsort(sorted, l->server_threads, sizeof(*sorted), by_share_descending);
    for (size_t i = 0; i < l->server_threads; i++)
        printf(" %.2f", sorted[i].seconds / seconds);
    printf(" of a core each%s\n", workers > 1 && sorted[workers - 1].seconds < sorted[0].seconds / 2
                                      ? " (uneven: a few threads hold the connections)"
                                      : "");
}

static void print_report(const load_result *l)
{
    double batch = l->batch;
    double peak = better(l->peak1.rate, l->peak2.rate);
    double ratio = batch > 0 ? peak / batch : 0;
    long growth = l->rss_peak2 - l->rss_peak1;
    uint64_t errors = l->peak1.errors + l->half.errors + l->peak2.errors;
    char label[64];

    printf("  %-40s %8.0f /s   best of %u rounds of %.2f s beside the peak rounds: the "
           "yardstick\n",
           "batch `certseal verify`, 1 thread", batch, l->batch_rounds, BATCH_ROUND_SECONDS);
    printf("  %-40s %8.0f /s   (before %.0f, after %.0f): for information\n",
           "batch `certseal verify --json`, 1 thread", better(l->before.json, l->after.json),
           l->before.json, l->after.json);
    snprintf(label, sizeof(label), "batch, 1 verifier per core (%u threads)", l->cores);
    printf("  %-40s %8.0f /s   (before %.0f, after %.0f): for information\n", label,
           better(l->before.parallel, l->after.parallel), l->before.parallel, l->after.parallel);
    snprintf(label, sizeof(label), "service peak, closed loop, %u rounds", l->peak1.calls);
    print_run(label, &l->peak1);
    print_run("service at half the peak, open loop", &l->half);
    snprintf(label, sizeof(label), "service peak again, %u rounds", l->peak2.calls);
    print_run(label, &l->peak2);
    printf("  service peak %.0f /s against the batch rate %.0f /s (1 thread): ratio %.3f  "
           "(target %.1f) %s\n",
           peak, batch, ratio, HTTP_TARGET, bench_verdict(ratio, HTTP_TARGET));
    print_cpu(l);
    printf("  half the peak: %.0f /s asked, %.0f /s answered: p99 %.2f ms  (target < %.0f ms) "
           "%s\n",
           l->half_rate, l->half.rate, l->half.p99 * 1e3, HALF_P99_TARGET * 1e3,
           l->half.kept > 0 && l->half.p99 < HALF_P99_TARGET ? "PASS" : "BELOW TARGET");
    printf("  errors: %llu of %llu requests  %s\n", (unsigned long long)errors,
           (unsigned long long)(l->peak1.sent + l->half.sent + l->peak2.sent),
           errors == 0 ? "PASS" : "FAILED");
    printf("  memory: VmRSS %.1f MiB after warm-up, %.1f after peak 1, %.1f after half, %.1f "
           "after peak 2: %+ld KiB between the peaks  (target < %d KiB) %s\n",
           l->rss_warm / 1024.0, l->rss_peak1 / 1024.0, l->rss_half / 1024.0, l->rss_peak2 / 1024.0,
           growth, RSS_FLAT_KIB,
           l->rss_peak1 > 0 && growth < RSS_FLAT_KIB ? "PASS" : "BELOW TARGET");
    printf("  threads: %ld before the server, %ld serving, %ld after it stopped  %s\n",
           l->threads_before, l->threads_serving, l->threads_after,
           l->threads_after == l->threads_before ? "PASS" : "FAILED");
    if (l->threads_after != l->threads_before)
        bench_failure("http: %ld threads left after cs_http_server_stop(), %ld before",
                      l->threads_after, l->threads_before);
}

/* ---- set-up and the runs ------------------------------------------------------- */

/* The POST with token as its body, one line; *len its length. */
static char *make_request(uint16_t port, const char *token, size_t *len)
{
#define REQUEST_FORMAT                                                                             \
    "POST /api/v1/verify HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"                                       \
    "Content-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s\n"
    int n = snprintf(NULL, 0, REQUEST_FORMAT, port, strlen(token) + 1, token);
    char *request = n > 0 ? malloc((size_t)n + 1) : NULL;

    if (request == NULL)
        bench_fatal("out of memory");
    snprintf(request, (size_t)n + 1, REQUEST_FORMAT, port, strlen(token) + 1, token);
    *len = (size_t)n;
    return request;
}

/* Adds what each server thread used between the two readings to l->server. */
static void add_thread_cpu(load_result *l, const thread_cpu *before, size_t n_before,
                           const thread_cpu *after, size_t n_after)
{
    for (size_t i = 0; i < n_after; i++) {
        size_t b = 0, k = 0;
        while (b < n_before && before[b].tid != after[i].tid)
            b++;
        while (k < l->server_threads && l->server[k].tid != after[i].tid)
            k++;
        if (b == n_before || (k == l->server_threads && k == THREADS_MAX))
            continue;
        if (k == l->server_threads)
            l->server[l->server_threads++] = (thread_cpu){after[i].tid, 0};
        l->server[k].seconds += after[i].seconds - before[b].seconds;
    }
}

/* ROUNDS rounds of the closed loop, each beside a round of the 1-thread
 * batch, which goes first every other round: both keep their best round,
 * as bench_measure() does, so that both see the same neighbours. */
static void peak_rounds(http_client *client, const batch_worker *model, http_run *peak,
                        load_result *l)
{
    batch_worker w = *model;
    w.seconds = BATCH_ROUND_SECONDS;

    for (int round = 0; round < 2 * ROUNDS; round++) {
        if ((round + round / 2) % 2 == 0) {
            l->batch = better(l->batch, batch_rate(&w, 1, "batch verify"));
            l->batch_rounds++;
        } else {
            thread_cpu before[THREADS_MAX], after[THREADS_MAX];
            size_t n_before = server_threads_cpu(before), n_after;
            double cpu = process_cpu();
            http_client_run(client, PEAK_ROUND_SECONDS, 0, peak);
            l->peak_cpu += process_cpu() - cpu;
            n_after = server_threads_cpu(after);
            add_thread_cpu(l, before, n_before, after, n_after);
        }
    }
}

/* The batch rates for information, the warm-up, the peak, half and peak
 * runs with memory after each, the batch rates for information again. */
static void load_runs(const batch_worker *model, uint16_t port, load_result *l)
{
    size_t request_len;
    char *request = make_request(port, model->token, &request_len), error[256] = "";
    http_client *client;
    http_run warm = {0};

    measure_batch(model, l->cores, &l->before);
    if ((client = http_client_new(port, l->connections, request, request_len, EXPECT_VERDICT,
                                  MAX_SAMPLES, error, sizeof(error))) == NULL)
        bench_fatal("http: %s", error);
    http_client_run(client, WARM_SECONDS, 0, &warm);
    if (warm.errors > 0)
        bench_failure("http: warm-up: %llu errors, the first: %s", (unsigned long long)warm.errors,
                      warm.first_error);
    l->rss_warm = proc_status("VmRSS");
    peak_rounds(client, model, &l->peak1, l);
    l->rss_peak1 = proc_status("VmRSS");
    l->half_rate = better(l->peak1.rate / 2, 10);
    http_client_run(client, HALF_SECONDS, l->half_rate, &l->half);
    l->rss_half = proc_status("VmRSS");
    peak_rounds(client, model, &l->peak2, l);
    l->rss_peak2 = proc_status("VmRSS");
    http_client_free(&client);
    measure_batch(model, l->cores, &l->after);
    free(request);
}

void bench_http(const char *dir, fixture *fixtures, size_t count)
{
    cs_http_options options = CS_HTTP_OPTIONS_INIT;
    cs_http_server_t *server = NULL;
    bench_issuer chain;
    cs_trust_t *trust = NULL;
    cs_key_t *trusted;
    char detail[CS_DETAIL_SIZE] = "", *token;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    load_result l;
    cs_err err;

    (void)dir;
    (void)count;
    memset(&l, 0, sizeof(l));
    l.cores = cores > 0 ? (unsigned)cores : 1;
    l.connections = 2 * (size_t)l.cores;
    printf("\n(i) verification service: POST /api/v1/verify of the %s offline token (EdDSA),\n"
           "    HTTP/1.1 keep-alive on 127.0.0.1; server in this process with %u threads, client "
           "in this\n    process (one event loop, %zu connections) on the same %u cores\n",
           fixtures[0].file, l.cores, l.connections, l.cores);

    bench_issuer_init(&chain, CS_ALG_EDDSA);
    token = bench_issue_token(&chain, &fixtures[0], CS_FORM_OFFLINE, NULL);
    trusted = bench_public_copy(chain.ab);
    if (cs_trust_new(&trust) != CS_OK || cs_trust_add_key(trust, &trusted) != CS_OK)
        bench_fatal("out of memory");

    l.threads_before = proc_status("Threads");
    options.listen = "127.0.0.1:0";
    options.trust = trust;
    options.at = fixtures[0].cert.issued_at;
    options.threads = l.cores;
    if ((err = cs_http_server_start(&options, &server, detail, sizeof(detail))) != CS_OK) {
        bench_failure("http: cs_http_server_start: %s (%s)", cs_strerror(err), detail);
    } else {
        batch_worker model = {.trust = trust,
                              .at = fixtures[0].cert.issued_at,
                              .token = token,
                              .token_len = strlen(token)};
        l.threads_serving = proc_status("Threads");
        load_runs(&model, cs_http_server_port(server), &l);
        cs_http_server_stop(&server);
        l.threads_after = proc_status("Threads");
        print_report(&l);
    }
    cs_trust_free(&trust);
    free(token);
    bench_issuer_free(&chain);
}
