/* SPDX-License-Identifier: ISC */
/* certseal serve: the HTTP verification service (http.h) in the foreground
 * until SIGINT or SIGTERM; SIGHUP reads the status lists again. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_catalog.h"
#include "cli_status.h"

#define STOP_WATCHDOG_SECONDS 4 /* after SIGTERM, the process exits by then whatever happens */
#define SPARE_DESCRIPTORS 64    /* beside the connections: lists, folders, the log */

typedef struct serve_options {
    cli_verifier_options verifier;
    const char *listen;
    const char *publish;
    const char *port_file;
    uint64_t threads;
    uint64_t max_connections;
    uint64_t timeout;
    uint64_t max_client_connections;
    uint64_t request_deadline;
} serve_options;

static const cli_option OPTIONS[] = {
    CLI_OPTION("listen", 0, CLI_STRING, serve_options, listen, "A:P",
               "the address and port, e.g. 127.0.0.1:8080 or [::]:8080 (port 0:\n"
               "any free port; see --port-file)"),
    CLI_VERIFIER_OPTIONS(serve_options, verifier),
    CLI_OPTION("publish", 0, CLI_PATH, serve_options, publish, "DIR",
               "serve the status lists of DIR under /status/ (caching headers, CORS)"),
    CLI_OPTION("threads", 0, CLI_UNSIGNED, serve_options, threads, "N",
               "worker threads (default: one per processor)", .min = 1, .max = 256),
    CLI_OPTION("max-connections", 0, CLI_UNSIGNED, serve_options, max_connections, "N",
               "open connections at most (default 512)", .min = 1, .max = 65536),
    CLI_OPTION("timeout", 0, CLI_UNSIGNED, serve_options, timeout, "N",
               "close a connection idle for N seconds (default 15)", .min = 1, .max = 3600),
    CLI_OPTION("max-client-connections", 0, CLI_UNSIGNED, serve_options, max_client_connections,
               "N", "open connections from one address at most (default 64)", .min = 1,
               .max = 65536),
    CLI_OPTION("request-deadline", 0, CLI_UNSIGNED, serve_options, request_deadline, "N",
               "close a connection whose request is not all received\n"
               "within N seconds, however steadily it trickles in (default 20)",
               .min = 1, .max = 3600),
    CLI_OPTION("port-file", 0, CLI_PATH, serve_options, port_file, "FILE",
               "write the port to FILE once listening"),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    const serve_options *o = options;
    int status = cli_verifier_options_check(&o->verifier);

    (void)argc, (void)argv;
    if (status == CLI_EXIT_OK && o->listen == NULL)
        return cli_usage_error("--listen ADDR:PORT is required, e.g. --listen 127.0.0.1:8080");
    return status;
}

/* Each log line, after the UTC time, escaped (cli_escape()): what a client
 * sent cannot act on the terminal or forge a second line. */
static void log_line(void *ctx, const char *line)
{
    char stamp[32], safe[CLI_ESCAPED_SIZE(1024)];
    time_t now = time(NULL);
    struct tm tm;

    (void)ctx;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s %s\n", stamp, cli_escape(line, safe, sizeof(safe)));
}

static bool write_port_file(const char *path, uint16_t port)
{
    char text[16];
    int n = snprintf(text, sizeof(text), "%u\n", (unsigned)port);

    if (cs_file_write_atomic(path, text, (size_t)n, 0644, CS_FILE_REPLACE) == CS_OK)
        return true;
    cli_error("%s: cannot write the port file: %s (check the folder)", path, strerror(errno));
    return false;
}

/* After SIGINT or SIGTERM the service must be gone within a few seconds,
 * whatever holds it: a supervisor counts on it. */
static void *stop_watchdog(void *arg)
{
    static const char message[] =
        "certseal: serve: the service did not stop within 4 s; exiting now\n";
    ssize_t written;

    (void)arg;
    nanosleep(&(struct timespec){STOP_WATCHDOG_SECONDS, 0}, NULL);
    written = write(STDERR_FILENO, message, sizeof(message) - 1);
    (void)written;
    _exit(CLI_EXIT_FAILURE);
    return NULL;
}

static void start_stop_watchdog(void)
{
    pthread_t watchdog;

    if (pthread_create(&watchdog, NULL, stop_watchdog, NULL) == 0)
        pthread_detach(watchdog);
}

/* Enough file descriptors for max_connections connections: the soft limit
 * raised towards the hard one (a shell's default of 1024 is too few for
 * thousands of connections). */
static void raise_descriptor_limit(uint64_t max_connections)
{
    struct rlimit limit;
    rlim_t wanted = (rlim_t)max_connections + SPARE_DESCRIPTORS;

    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted)
        return;
    limit.rlim_cur =
        limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted ? limit.rlim_max : wanted;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < wanted)
        fprintf(stderr,
                "certseal: serve: only %llu file descriptors for %llu connections (raise the "
                "limit with ulimit -n, or lower --max-connections)\n",
                (unsigned long long)limit.rlim_cur, (unsigned long long)max_connections);
}

/* Waits for SIGINT or SIGTERM; SIGHUP reads the status lists again. */
static void run_until_stopped(cs_http_server_t *server, const sigset_t *signals)
{
    int signal_number = 0;

    while (sigwait(signals, &signal_number) == 0) {
        if (signal_number != SIGHUP)
            break;
        log_line(NULL, "SIGHUP: reading the status lists again");
        cs_http_server_reload(server);
    }
    fprintf(stderr, "certseal: serve: %s: stopping\n",
            signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    start_stop_watchdog();
}

static int serve(const serve_options *o, cs_trust_t *trust, const cs_key_t *const *roots,
                 const sigset_t *signals, const cs_catalog *catalog)
{
    cs_http_options ho = CS_HTTP_OPTIONS_INIT;
    cs_fetch_options fo = CS_FETCH_OPTIONS_INIT;
    cs_http_server_t *server = NULL;
    char detail[CS_DETAIL_SIZE] = "", *cache_dir = NULL;
    cs_err err;
    bool caching = o->verifier.fetch || o->verifier.trust_lists.count > 0;

    if (caching && !cli_fetch_options(o->verifier.cache_dir, o->verifier.no_cache,
                                      o->verifier.fetch_timeout, &fo, &cache_dir))
        return CLI_EXIT_FAILURE;
    ho.trust_list_paths = o->verifier.trust_lists.items;
    ho.trust_list_count = o->verifier.trust_lists.count;
    ho.trust_roots = roots;
    ho.trust_root_count = o->verifier.roots.count;
    ho.trust_list_grace = o->verifier.trust_list_grace;
    ho.catalog = catalog;
    ho.listen = o->listen;
    ho.trust = trust;
    ho.status_paths = o->verifier.status.items;
    ho.status_path_count = o->verifier.status.count;
    ho.fetch = o->verifier.fetch;
    ho.fetch_options = &fo;
    ho.publish_dir = o->publish;
    ho.require_status = o->verifier.require_status;
    ho.status_optional = o->verifier.status_optional;
    ho.max_list_age = o->verifier.max_list_age;
    ho.at = o->verifier.at;
    ho.clock_skew = (int64_t)o->verifier.skew;
    ho.threads = (unsigned)o->threads;
    ho.max_connections = (unsigned)o->max_connections;
    ho.timeout = (unsigned)o->timeout;
    ho.max_client_connections = (unsigned)o->max_client_connections;
    ho.request_deadline = (unsigned)o->request_deadline;
    ho.log = log_line;
    err = cs_http_server_start(&ho, &server, detail, sizeof(detail));
    if (err == CS_ERR_FETCH_CACHE || (err == CS_ERR_IO_OPEN && detail[0] == '\0' && caching)) {
        cli_fetch_cache_error(fo.cache_dir, err);
        free(cache_dir);
        return CLI_EXIT_FAILURE;
    }
    free(cache_dir);
    if (err != CS_OK) {
        cli_error("%s (%s)", cs_err_detail(detail, err),
                  err == CS_ERR_LISTEN     ? "choose another port, or stop what uses it"
                  : err == CS_ERR_ARGUMENT ? "give --listen ADDR:PORT, e.g. 127.0.0.1:8080"
                                           : "check the --status, --trust-list and --publish "
                                             "paths");
        return err == CS_ERR_ARGUMENT ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    fprintf(stderr, "certseal: serve: listening on %s, port %u\n", o->listen,
            (unsigned)cs_http_server_port(server));
    if (o->port_file == NULL || write_port_file(o->port_file, cs_http_server_port(server)))
        run_until_stopped(server, signals);
    else
        err = CS_ERR_IO_WRITE;
    cs_http_server_stop(&server);
    return err == CS_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

static int run(void *options, int argc, char **argv)
{
    const serve_options *o = options;
    cs_trust_t *trust = NULL;
    cs_key_t *roots[CLI_LIST_MAX] = {0};
    sigset_t signals;
    int status = CLI_EXIT_FAILURE;
    bool ok = true;

    (void)argc, (void)argv;
    raise_descriptor_limit(o->max_connections ? o->max_connections : CS_HTTP_DEFAULT_CONNECTIONS);
    /* Blocked before the server's threads start, so that they inherit the
     * mask and the signals reach sigwait() only. */
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    cs_catalog *catalog = NULL;
    for (size_t i = 0; i < o->verifier.roots.count && ok; i++) {
        cs_err err = cs_key_load_public_file(o->verifier.roots.items[i], &roots[i]);
        if (err != CS_OK) {
            cli_error("%s: cannot load the root key: %s (give the scheme owner's PEM public "
                      "key)",
                      o->verifier.roots.items[i], cs_strerror(err));
            ok = false;
        }
    }
    if (ok && o->verifier.catalog != NULL &&
        !cli_load_catalog(o->verifier.catalog, &o->verifier.roots, &catalog))
        ok = false;
    if (ok && cli_load_trust(o->verifier.trust.items, o->verifier.trust.count, &trust))
        status = serve(o, trust, (const cs_key_t *const *)roots, &signals, catalog);
    cs_trust_free(&trust);
    cs_catalog_free(&catalog);
    for (size_t i = 0; i < o->verifier.roots.count; i++)
        cs_key_free(&roots[i]);
    return status;
}

static const serve_options DEFAULTS = {.verifier = CLI_VERIFIER_OPTIONS_INIT};

const cli_command cmd_serve_entry = {
    .name = "serve",
    .summary = "the HTTP verification service: the link form's page, a JSON API",
    .usage = "--trust-list FILE|URL --root PUB [...] [--trust-list-grace DURATION]\n"
             "           | --trust FILE|DIR [--trust ...] --listen ADDR:PORT\n"
             "           [--status FILE|DIR ...] [--require-status | --status-optional]\n"
             "           [--max-list-age DURATION] [--publish DIR]\n"
             "           [--fetch [--cache-dir DIR | --no-cache] [--fetch-timeout SECONDS]]\n"
             "           [--at DATE] [--skew SECONDS] [--threads N] [--max-connections N]\n"
             "           [--timeout SECONDS] [--max-client-connections N]\n"
             "           [--request-deadline SECONDS] [--port-file FILE]",
    .description =
        "Serves the verification page of link-form tokens (GET /v/TOKEN), the JSON of\n"
        "certseal verify --json (GET /api/v1/verify?token=, POST /api/v1/verify), /healthz\n"
        "and, with --publish, the status lists of DIR under /status/.  Runs until SIGINT or\n"
        "SIGTERM; SIGHUP reads the status lists and trust lists again (and each --status path is watched\n"
        "and read again when changed or when its ttl has passed).  One line per request on\n"
        "stderr, without the token.\n",
    .options = OPTIONS,
    .options_size = sizeof(serve_options),
    .defaults = &DEFAULTS,
    .check = check,
    .run = run,
};
