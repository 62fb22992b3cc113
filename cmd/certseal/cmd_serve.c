/* SPDX-License-Identifier: ISC */
/* certseal serve: the HTTP verification service (http.h) in the foreground
 * until SIGINT or SIGTERM; SIGHUP reads the status lists again. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define TRUST_PATHS_MAX 16
#define STATUS_PATHS_MAX 64
#define STOP_WATCHDOG_SECONDS 4 /* after SIGTERM, the process exits by then whatever happens */
#define SPARE_DESCRIPTORS 64    /* beside the connections: lists, folders, the log */

static const char USAGE[] =
    "usage: certseal serve --trust FILE|DIR [--trust ...] --listen ADDR:PORT\n"
    "           [--status FILE|DIR ...] [--require-status | --status-optional]\n"
    "           [--max-list-age DURATION] [--publish DIR]\n"
    "           [--fetch [--cache-dir DIR | --no-cache] [--fetch-timeout SECONDS]]\n"
    "           [--at DATE] [--skew SECONDS] [--threads N] [--max-connections N]\n"
    "           [--timeout SECONDS] [--max-client-connections N]\n"
    "           [--request-deadline SECONDS] [--port-file FILE]\n"
    "\n"
    "Serves the verification page of link-form tokens (GET /v/TOKEN), the JSON of\n"
    "certseal verify --json (GET /api/v1/verify?token=, POST /api/v1/verify), /healthz\n"
    "and, with --publish, the status lists of DIR under /status/.  Runs until SIGINT or\n"
    "SIGTERM; SIGHUP reads the status lists again.  One line per request on stderr,\n"
    "without the token.\n"
    "  --trust PATH     a PEM public key file, or a folder of them (repeatable)\n"
    "  --listen A:P     the address and port, e.g. 127.0.0.1:8080 or [::]:8080 (port 0:\n"
    "                   any free port; see --port-file)\n"
    "  --status PATH    a signed status list, or a folder of them (repeatable); watched\n"
    "                   and read again when changed or when its ttl has passed\n"
    "                   status is required: a token whose status list is neither given\n"
    "                   nor fetched is STATUS_UNKNOWN\n"
    "  --require-status also fail tokens that carry no status reference\n"
    "  --status-optional  accept a status that cannot be checked (VALID with the\n"
    "                   warning \"status not checked\", never the green banner)\n"
    "  --max-list-age D refuse status lists issued longer ago than D (default 7d)\n"
    "  --publish DIR    serve the files of DIR under /status/ (caching headers, CORS)\n"
    "  --fetch          fetch the status lists the tokens name (--cache-dir, --no-cache,\n"
    "                   --fetch-timeout as for certseal verify)\n"
    "  --at DATE        verify as of DATE instead of now (for tests and demonstrations)\n"
    "  --skew N         tolerated clock difference in seconds (default 300)\n"
    "  --threads N      worker threads (default: one per processor)\n"
    "  --max-connections N  open connections at most (default 512)\n"
    "  --timeout N      close a connection idle for N seconds (default 15)\n"
    "  --max-client-connections N  open connections from one address at most (default 64)\n"
    "  --request-deadline N  close a connection whose request is not all received\n"
    "                   within N seconds, however steadily it trickles in (default 20)\n"
    "  --port-file FILE write the port to FILE once listening\n";

typedef struct serve_options {
    const char *trust[TRUST_PATHS_MAX];
    size_t trust_count;
    const char *status[STATUS_PATHS_MAX];
    size_t status_count;
    const char *listen;
    const char *publish;
    const char *port_file;
    const char *cache_dir;
    bool fetch;
    bool no_cache;
    bool require_status;
    bool status_optional;
    int64_t max_list_age;
    int64_t at;
    uint64_t skew;
    uint64_t fetch_timeout;
    uint64_t threads;
    uint64_t max_connections;
    uint64_t timeout;
    uint64_t max_client_connections;
    uint64_t request_deadline;
} serve_options;

/* A whole number from 1 to max, for option. */
static int positive(const char *option, uint64_t max, uint64_t *out)
{
    if (!cli_parse_uint(option, optarg, max, out))
        return CLI_EXIT_USAGE;
    return *out > 0 ? CLI_EXIT_OK
                    : cli_usage_error("%s: give 1 to %llu", option, (unsigned long long)max);
}

static int parse_option(int opt, serve_options *o)
{
    switch (opt) {
    case 't':
        if (o->trust_count == TRUST_PATHS_MAX)
            return cli_usage_error("--trust: at most %d paths", TRUST_PATHS_MAX);
        o->trust[o->trust_count++] = optarg;
        return CLI_EXIT_OK;
    case 's':
        if (o->status_count == STATUS_PATHS_MAX)
            return cli_usage_error("--status: at most %d paths (give a folder)", STATUS_PATHS_MAX);
        o->status[o->status_count++] = optarg;
        return CLI_EXIT_OK;
    case 'l':
        o->listen = optarg;
        return CLI_EXIT_OK;
    case 'p':
        o->publish = optarg;
        return CLI_EXIT_OK;
    case 'P':
        o->port_file = optarg;
        return CLI_EXIT_OK;
    case 'c':
        o->cache_dir = optarg;
        return CLI_EXIT_OK;
    case 'f':
        o->fetch = true;
        return CLI_EXIT_OK;
    case 'n':
        o->no_cache = true;
        return CLI_EXIT_OK;
    case 'r':
        o->require_status = true;
        return CLI_EXIT_OK;
    case 'O':
        o->status_optional = true;
        return CLI_EXIT_OK;
    case 'M':
        return cli_parse_duration("--max-list-age", optarg, 366, &o->max_list_age)
                   ? CLI_EXIT_OK
                   : CLI_EXIT_USAGE;
    case 'a':
        return cli_parse_date("--at", optarg, &o->at) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    case 'k':
        return cli_parse_uint("--skew", optarg, 86400, &o->skew) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    case 'F':
        return positive("--fetch-timeout", 3600, &o->fetch_timeout);
    case 'T':
        return positive("--threads", 256, &o->threads);
    case 'm':
        return positive("--max-connections", 65536, &o->max_connections);
    case 'o':
        return positive("--timeout", 3600, &o->timeout);
    case 'C':
        return positive("--max-client-connections", 65536, &o->max_client_connections);
    case 'D':
        return positive("--request-deadline", 3600, &o->request_deadline);
    default:
        return CLI_EXIT_USAGE;
    }
}

static int parse(int argc, char **argv, serve_options *o)
{
    static const struct option longopts[] = {
        {"trust", required_argument, NULL, 't'},
        {"status", required_argument, NULL, 's'},
        {"listen", required_argument, NULL, 'l'},
        {"publish", required_argument, NULL, 'p'},
        {"port-file", required_argument, NULL, 'P'},
        {"fetch", no_argument, NULL, 'f'},
        {"cache-dir", required_argument, NULL, 'c'},
        {"no-cache", no_argument, NULL, 'n'},
        {"fetch-timeout", required_argument, NULL, 'F'},
        {"require-status", no_argument, NULL, 'r'},
        {"status-optional", no_argument, NULL, 'O'},
        {"max-list-age", required_argument, NULL, 'M'},
        {"at", required_argument, NULL, 'a'},
        {"skew", required_argument, NULL, 'k'},
        {"threads", required_argument, NULL, 'T'},
        {"max-connections", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, 'o'},
        {"max-client-connections", required_argument, NULL, 'C'},
        {"request-deadline", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, status;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(USAGE, stdout);
            exit(CLI_EXIT_OK);
        }
        if (opt == '?' || opt == ':')
            return cli_bad_option(opt, argv);
        if ((status = parse_option(opt, o)) != CLI_EXIT_OK)
            return status;
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s' (serve takes options only)", argv[optind]);
    if (o->trust_count == 0)
        return cli_usage_error("--trust FILE|DIR is required: the accreditation body keys you "
                               "trust");
    if (o->listen == NULL)
        return cli_usage_error("--listen ADDR:PORT is required, e.g. --listen 127.0.0.1:8080");
    if (!o->fetch && (o->cache_dir != NULL || o->no_cache || o->fetch_timeout > 0))
        return cli_usage_error("--cache-dir, --no-cache and --fetch-timeout go with --fetch");
    if (o->cache_dir != NULL && o->no_cache)
        return cli_usage_error("give either --cache-dir DIR or --no-cache, not both");
    if (o->require_status && o->status_optional)
        return cli_usage_error("give either --require-status or --status-optional, not both");
    return CLI_EXIT_OK;
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

static int serve(const serve_options *o, cs_trust_t *trust, const sigset_t *signals)
{
    cs_http_options ho = CS_HTTP_OPTIONS_INIT;
    cs_fetch_options fo = CS_FETCH_OPTIONS_INIT;
    cs_http_server_t *server = NULL;
    char detail[600] = "", *cache_dir = NULL;
    cs_err err;

    if (o->fetch &&
        !cli_fetch_options(o->cache_dir, o->no_cache, o->fetch_timeout, &fo, &cache_dir))
        return CLI_EXIT_FAILURE;
    ho.listen = o->listen;
    ho.trust = trust;
    ho.status_paths = o->status;
    ho.status_path_count = o->status_count;
    ho.fetch = o->fetch;
    ho.fetch_options = &fo;
    ho.publish_dir = o->publish;
    ho.require_status = o->require_status;
    ho.status_optional = o->status_optional;
    ho.max_list_age = o->max_list_age;
    ho.at = o->at;
    ho.clock_skew = (int64_t)o->skew;
    ho.threads = (unsigned)o->threads;
    ho.max_connections = (unsigned)o->max_connections;
    ho.timeout = (unsigned)o->timeout;
    ho.max_client_connections = (unsigned)o->max_client_connections;
    ho.request_deadline = (unsigned)o->request_deadline;
    ho.log = log_line;
    err = cs_http_server_start(&ho, &server, detail, sizeof(detail));
    if (err == CS_ERR_FETCH_CACHE || (err == CS_ERR_IO_OPEN && detail[0] == '\0' && o->fetch)) {
        cli_fetch_cache_error(fo.cache_dir, err);
        free(cache_dir);
        return CLI_EXIT_FAILURE;
    }
    free(cache_dir);
    if (err != CS_OK) {
        cli_error("%s (%s)", detail[0] ? detail : cs_strerror(err),
                  err == CS_ERR_LISTEN     ? "choose another port, or stop what uses it"
                  : err == CS_ERR_ARGUMENT ? "give --listen ADDR:PORT, e.g. 127.0.0.1:8080"
                                           : "check the --status and --publish paths");
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

int cmd_serve(int argc, char **argv)
{
    serve_options o = {.at = -1, .skew = CS_DEFAULT_CLOCK_SKEW,
                       .max_list_age = CS_DEFAULT_MAX_LIST_AGE};
    cs_trust_t *trust = NULL;
    sigset_t signals;
    int status;

    if ((status = parse(argc, argv, &o)) != CLI_EXIT_OK)
        return status;
    raise_descriptor_limit(o.max_connections ? o.max_connections : CS_HTTP_DEFAULT_CONNECTIONS);
    /* Blocked before the server's threads start, so that they inherit the
     * mask and the signals reach sigwait() only. */
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    status = CLI_EXIT_FAILURE;
    if (cli_load_trust(o.trust, o.trust_count, &trust))
        status = serve(&o, trust, &signals);
    cs_trust_free(&trust);
    return status;
}
