/* SPDX-License-Identifier: ISC */
/*
 * The verification service's daemons (http.h): binding, libmicrohttpd's
 * limits and threads, the life of a request, and its log line.
 *
 * One libmicrohttpd daemon per worker thread, each polling its own
 * connections, and one thread of ours accepting: new connections go to the
 * daemons in turn.  (A thread pool sharing the listening
 * socket lets whichever worker wakes first take every pending connection,
 * so the few long-lived connections of a load balancer can all land on one
 * thread while the others idle.)
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http_connections.h"
#include "http_framing.h"
#include "http_log.h"
#include "http_routes.h"
#include "http_send.h"
#include "http_status.h"
#include "http_upload.h"
#include "http_verifiers.h"

#define LISTEN_BACKLOG 511
#define CONNECTION_MEMORY (64 * 1024) /* request line and headers must fit */
#define STOP_DRAIN_MS 1000            /* time given to requests in progress */
#define ACCEPT_POLL_MS 100            /* how soon the accepting thread sees a stop */
#define DAEMONS_MAX 256
#define REFUSAL_LOG_SECONDS 1.0 /* refused connections are logged in one line this often */

/* The answer to a connection refused as soon as it is accepted. */
static const char REFUSED_ANSWER[] = "HTTP/1.1 503 Service Unavailable\r\n"
                                     "Retry-After: 5\r\n"
                                     "Content-Type: text/plain; charset=utf-8\r\n"
                                     "Content-Length: 44\r\n"
                                     "Connection: close\r\n"
                                     "\r\n"
                                     "too many connections; try again in a moment\n";

struct cs_http_server {
    http_service service;
    struct MHD_Daemon *daemons[DAEMONS_MAX];
    unsigned daemon_count;
    int listen_fd;
    uint16_t port;
    pthread_t acceptor;
    bool acceptor_started;
    atomic_bool stopping;
    unsigned limit;        /* connections open at most */
    unsigned client_limit; /* from one client address */
    unsigned deadline;     /* seconds to receive a request */
};

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- binding ------------------------------------------------------------------- */

/* Splits "ADDR:PORT" or "[ADDR6]:PORT" into host and port text. */
static bool split_listen(const char *listen_on, char *host, size_t host_size, char *port,
                         size_t port_size)
{
    const char *colon = strrchr(listen_on, ':');
    const char *start = listen_on, *end = colon;
    size_t digits;

    if (colon == NULL || colon == listen_on)
        return false;
    if (*start == '[') {
        if (colon[-1] != ']')
            return false;
        start++;
        end--;
    }
    digits = strlen(colon + 1);
    if ((size_t)(end - start) >= host_size || end == start || digits == 0 || digits > 5 ||
        digits >= port_size || strspn(colon + 1, "0123456789") != digits || atoi(colon + 1) > 65535)
        return false;
    memcpy(host, start, (size_t)(end - start));
    host[end - start] = '\0';
    strcpy(port, colon + 1);
    return true;
}

static uint16_t bound_port(int fd)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);

    if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
        return 0;
    if (addr.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
    return ntohs(((struct sockaddr_in *)&addr)->sin_port);
}

/* A listening, non-blocking socket for options->listen. */
static cs_err open_listener(const char *listen_on, int *fd_out, int *family, char *detail,
                            size_t detail_size)
{
    struct addrinfo hints = {0}, *found = NULL;
    char host[256], port[8];
    int fd = -1, rc, saved = 0, one = 1;

    if (!split_listen(listen_on, host, sizeof(host), port, sizeof(port))) {
        snprintf(detail, detail_size, "%s: not an address and port (ADDR:PORT or [ADDR6]:PORT)",
                 listen_on);
        return CS_ERR_ARGUMENT;
    }
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((rc = getaddrinfo(host, port, &hints, &found)) != 0) {
        snprintf(detail, detail_size, "%s: %s", listen_on, gai_strerror(rc));
        return CS_ERR_ARGUMENT;
    }
    for (struct addrinfo *ai = found; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
            saved = errno;
            close(fd);
            fd = -1;
        } else {
            *family = ai->ai_family;
        }
    }
    freeaddrinfo(found);
    if (fd < 0) {
        snprintf(detail, detail_size, "%s: cannot listen: %s", listen_on, strerror(saved));
        return CS_ERR_LISTEN;
    }
    *fd_out = fd;
    return CS_OK;
}

/* ---- requests ------------------------------------------------------------------ */

/* Called when the request line has been read: the request's state. */
static void *on_request_start(void *cls, const char *target, struct MHD_Connection *connection)
{
    http_request *request = calloc(1, sizeof(*request));

    (void)cls;
    (void)connection;
    if (request != NULL) {
        request->started = monotonic_seconds();
        request->target_len = strlen(target);
        strcpy(request->log_path, "-");
    }
    return request;
}

/* A head that RFC 9112 does not allow: 400, and the connection closed (what
 * follows it cannot be told apart from its body). */
static int refuse_framing(struct MHD_Connection *connection, http_request *request,
                          const char *problem)
{
    static const char *const headers[] = {"Connection", "close", "Cache-Control", "no-store", NULL};
    char body[160];
    int len = snprintf(body, sizeof(body), "%s\n", problem);

    request->body_refused = true;
    return http_send(connection, request, MHD_HTTP_BAD_REQUEST, "text/plain; charset=utf-8", body,
                     (size_t)len, headers);
}

/* First call for a request: its route, and the refusals that need no body. */
static int on_headers(http_service *service, struct MHD_Connection *connection,
                      http_request *request, const char *path, const char *method,
                      const char *version)
{
    const char *length, *problem;

    request->head_read = true;
    length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    request->body_expected =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL ||
        (length != NULL && strcmp(length, "0") != 0);
    if (strlen(method) < sizeof(request->method))
        strcpy(request->method, method);
    http_printable_copy(method, request->log_method, sizeof(request->log_method));
    request->route = http_route_of(path, request->log_path, sizeof(request->log_path));
    if ((problem = http_framing_problem(connection, version)) != NULL)
        return refuse_framing(connection, request, problem);
    if (request->target_len > CS_HTTP_URL_MAX)
        return http_send_error(connection, request, MHD_HTTP_URI_TOO_LONG,
                               "the address is too long for a certificate link");
    if (strcmp(method, MHD_HTTP_METHOD_POST) == 0 && request->route == HTTP_ROUTE_FRONT)
        return http_upload_begin(&service->upload, connection, request);
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0 || request->route != HTTP_ROUTE_API)
        return http_answer(service, connection, request, path);
    if (length != NULL && strtoull(length, NULL, 10) > CS_HTTP_BODY_MAX) {
        request->body_refused = true;
        return http_send_error(connection, request, MHD_HTTP_CONTENT_TOO_LARGE,
                               "the request body is larger than 256 KiB; send fewer tokens "
                               "per request");
    }
    return MHD_YES;
}

/* Appends a piece of a POST body, refusing past the cap. */
static int on_body(struct MHD_Connection *connection, http_request *request, const char *data,
                   size_t size)
{
    uint8_t *grown;

    if (request->body_refused)
        return MHD_YES;
    if (request->body_len + size > CS_HTTP_BODY_MAX) {
        request->body_refused = true;
        return http_send_error(connection, request, MHD_HTTP_CONTENT_TOO_LARGE,
                               "the request body is larger than 256 KiB; send fewer tokens "
                               "per request");
    }
    if ((grown = realloc(request->body, request->body_len + size + 1)) == NULL)
        return MHD_NO;
    request->body = grown;
    memcpy(request->body + request->body_len, data, size);
    request->body_len += size;
    request->body[request->body_len] = '\0';
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *path,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **request_cls)
{
    http_service *service = cls;
    http_request *request = *request_cls;
    int answer;

    if (request == NULL)
        return MHD_NO; /* out of memory at the start: drop the connection */
    if (!request->head_read)
        answer = on_headers(service, connection, request, path, method, version);
    else if (*upload_data_size > 0) {
        answer = request->route == HTTP_ROUTE_FRONT
                     ? http_upload_body(request, upload_data, *upload_data_size)
                     : on_body(connection, request, upload_data, *upload_data_size);
        *upload_data_size = 0;
    } else {
        request->body_read = true; /* the last call: nothing more to come */
        answer = request->body_refused || request->status != 0
                     ? MHD_YES
                     : http_answer(service, connection, request, path);
    }
    /* Read and answered: the deadline stops until the answer is sent.  An
     * answer given before the body (413, 400) leaves it running while
     * libmicrohttpd reads the rest of the body to discard it. */
    if (request->status != 0 && (!request->body_expected || request->body_read))
        http_connections_request_read(service->connections, connection);
    return answer == MHD_YES ? MHD_YES : MHD_NO;
}

static void client_address(struct MHD_Connection *connection, char *text, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    socklen_t len;

    snprintf(text, size, "-");
    if (info == NULL || info->client_addr == NULL)
        return;
    len = info->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                   : sizeof(struct sockaddr_in);
    if (getnameinfo(info->client_addr, len, text, (socklen_t)size, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(text, size, "-");
}

/* The request's log line, then its state is freed. */
static void on_request_done(void *cls, struct MHD_Connection *connection, void **request_cls,
                            enum MHD_RequestTerminationCode why)
{
    http_service *service = cls;
    http_request *request = *request_cls;
    char address[64], status[8];

    if (request == NULL)
        return;
    http_connections_request_done(service->connections, connection);
    client_address(connection, address, sizeof(address));
    snprintf(status, sizeof(status), request->status ? "%u" : "-", request->status);
    http_log(&service->logger, "%s \"%s %s\" %s %llu %.1fms%s%s%s%s%s%s", address,
             request->log_method[0] ? request->log_method : "-", request->log_path, status,
             (unsigned long long)request->bytes, (monotonic_seconds() - request->started) * 1000.0,
             request->verdicts[0] ? " " : "", request->verdicts, request->hint != NULL ? " (" : "",
             request->hint != NULL ? request->hint : "", request->hint != NULL ? ")" : "",
             why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
             : http_connections_past_deadline(service->connections, connection)
                 ? " (past the request deadline)"
             : why == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? " (timed out)"
                                                             : " (connection closed)");
    http_upload_end(&service->upload, request);
    free(request->body);
    free(request);
    *request_cls = NULL;
}

/* ---- the server ------------------------------------------------------------------ */

static unsigned online_processors(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 256 ? (unsigned)n : 1;
}

/* Refusals are counted and logged once a second at most: a flood of
 * connections must not become a flood of log lines. */
typedef struct refusals {
    unsigned full, client;
    double since;
} refusals;

static void log_refusals(cs_http_server_t *s, refusals *r, bool force)
{
    double now = monotonic_seconds();

    if (r->full + r->client == 0 || (!force && now - r->since < REFUSAL_LOG_SECONDS))
        return;
    http_log(&s->service.logger,
             "refused %u connection(s) at the limit of %u open, %u past the limit of %u from "
             "one address (answered 503)",
             r->full, s->limit, r->client, s->client_limit);
    *r = (refusals){0, 0, now};
}

/* A connection the limits refuse: a 503 if the socket takes it at once, then
 * closed.  Nothing is read and nothing waits. */
static void refuse(int fd)
{
    ssize_t sent =
        send(fd, REFUSED_ANSWER, sizeof(REFUSED_ANSWER) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);

    (void)sent;
    close(fd);
}

/* Takes one pending connection: refused, or counted and handed to the
 * next daemon. */
static void accept_one(cs_http_server_t *s, unsigned *next, refusals *r)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);
    http_admission admission;
    int fd = accept(s->listen_fd, (struct sockaddr *)&addr, &len);

    if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            nanosleep(&(struct timespec){0, ACCEPT_POLL_MS * 1000 * 1000}, NULL);
        return;
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    admission = http_connections_admit(s->service.connections, (struct sockaddr *)&addr);
    if (admission != HTTP_ADMITTED) {
        if (r->full + r->client == 0)
            r->since = monotonic_seconds();
        if (admission == HTTP_REFUSED_FULL)
            r->full++;
        else
            r->client++;
        refuse(fd);
        return;
    }
    /* On failure libmicrohttpd has closed the socket; it never told us the
     * connection started, so the count is given back here. */
    if (MHD_add_connection(s->daemons[(*next)++ % s->daemon_count], fd, (struct sockaddr *)&addr,
                           len) != MHD_YES)
        http_connections_abandon(s->service.connections, (struct sockaddr *)&addr);
}

/* The accepting thread: admits each connection (http_connections.c) and
 * hands it to the next daemon, and enforces the request deadline, until
 * the server stops. */
static void *accept_connections(void *arg)
{
    cs_http_server_t *s = arg;
    unsigned next = 0;
    refusals r = {0, 0, 0};
    double last_check = 0;

    while (!atomic_load(&s->stopping)) {
        struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
        double now;

        if (poll(&p, 1, ACCEPT_POLL_MS) > 0)
            accept_one(s, &next, &r);
        now = monotonic_seconds();
        if (now - last_check >= ACCEPT_POLL_MS / 1000.0) {
            size_t closed = http_connections_enforce_deadline(s->service.connections);
            if (closed > 0)
                http_log(&s->service.logger,
                         "closed %zu connection(s) whose request was not received within %u s",
                         closed, s->deadline);
            last_check = now;
        }
        log_refusals(s, &r, false);
    }
    log_refusals(s, &r, true);
    return NULL;
}

static cs_err start_daemons(cs_http_server_t *s, int family, char *detail, size_t detail_size)
{
    const cs_http_options *o = &s->service.options;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET;
    unsigned threads = o->threads ? o->threads : online_processors();

    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (threads > DAEMONS_MAX)
        threads = DAEMONS_MAX;
    /* The limit is kept by the accepting thread, over all daemons: each
     * daemon's own limit is set above it, so that libmicrohttpd never meets
     * its own (even holding every connection, with some closed but not yet
     * cleaned up). */
    for (; s->daemon_count < threads; s->daemon_count++) {
        s->daemons[s->daemon_count] = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, &s->service, MHD_OPTION_CONNECTION_LIMIT,
            2 * s->limit + 16, MHD_OPTION_CONNECTION_TIMEOUT,
            o->timeout ? o->timeout : CS_HTTP_DEFAULT_TIMEOUT, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
            (size_t)CONNECTION_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, on_request_start, &s->service,
            MHD_OPTION_NOTIFY_COMPLETED, on_request_done, &s->service, MHD_OPTION_NOTIFY_CONNECTION,
            http_connections_notify, s->service.connections, MHD_OPTION_END);
        if (s->daemons[s->daemon_count] == NULL) {
            snprintf(detail, detail_size, "%s: the HTTP server would not start", o->listen);
            return CS_ERR_LISTEN;
        }
    }
    if (pthread_create(&s->acceptor, NULL, accept_connections, s) != 0) {
        snprintf(detail, detail_size, "%s: no thread to accept connections", o->listen);
        return CS_ERR_LISTEN;
    }
    s->acceptor_started = true;
    return CS_OK;
}

/* The publish folder must be a folder the service can read. */
static cs_err check_publish_dir(const char *dir, char *detail, size_t detail_size)
{
    struct stat st;
    const char *problem = NULL;

    if (dir == NULL)
        return CS_OK;
    if (stat(dir, &st) != 0)
        problem = strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        problem = "not a folder";
    else if (access(dir, R_OK | X_OK) != 0)
        problem = strerror(errno);
    if (problem == NULL)
        return CS_OK;
    snprintf(detail, detail_size, "%s: %s", dir, problem);
    return CS_ERR_IO_OPEN;
}

cs_err cs_http_server_start(const cs_http_options *options, cs_http_server_t **out, char *detail,
                            size_t detail_size)
{
    cs_http_server_t *s = NULL;
    char scratch[8];
    int family = AF_INET;
    unsigned threads;
    cs_err err = CS_ERR_ARGUMENT;

    if (detail == NULL)
        detail = scratch, detail_size = sizeof(scratch);
    detail[0] = '\0';
    if (out == NULL || (*out = NULL, options == NULL) || options->listen == NULL ||
        options->trust == NULL)
        return CS_ERR_ARGUMENT;
    if ((s = calloc(1, sizeof(*s))) == NULL)
        return CS_ERR_NO_MEMORY;
    s->listen_fd = -1;
    s->service.options = *options;
    s->service.logger.fn = options->log;
    s->service.logger.ctx = options->log_ctx;
    pthread_mutex_init(&s->service.logger.lock, NULL);
    threads = options->threads ? options->threads : online_processors();
    s->limit = options->max_connections ? options->max_connections : CS_HTTP_DEFAULT_CONNECTIONS;
    s->client_limit = options->max_client_connections ? options->max_client_connections
                                                      : CS_HTTP_DEFAULT_CLIENT_CONNECTIONS;
    s->deadline =
        options->request_deadline ? options->request_deadline : CS_HTTP_DEFAULT_REQUEST_DEADLINE;
    if (options->publish_dir != NULL &&
        (s->service.publish_dir = strdup(options->publish_dir)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if ((err = http_connections_new(s->limit, s->client_limit, s->deadline,
                                    &s->service.connections)) != CS_OK ||
        (err = check_publish_dir(options->publish_dir, detail, detail_size)) != CS_OK ||
        (err = http_status_files_open(options->status_paths, options->status_path_count,
                                      &s->service.logger, &s->service.files, detail,
                                      detail_size)) != CS_OK ||
        (err = http_trust_lists_open(options,
                                     options->fetch_options != NULL
                                         ? options->fetch_options->cache_dir
                                         : NULL,
                                     &s->service.logger, &s->service.trust_lists, detail,
                                     detail_size)) != CS_OK ||
        (err = http_verifiers_new(options, threads, s->service.files, &s->service.logger,
                                  &s->service.verifiers)) != CS_OK ||
        (err = open_listener(options->listen, &s->listen_fd, &family, detail, detail_size)) !=
            CS_OK)
        goto fail;
    http_verifiers_set_trust_lists(s->service.verifiers, s->service.trust_lists);
    s->service.upload.verifiers = s->service.verifiers;
    s->service.upload.active = &s->service.uploads_active;
    s->port = bound_port(s->listen_fd);
    if ((err = start_daemons(s, family, detail, detail_size)) != CS_OK)
        goto fail;
    *out = s;
    return CS_OK;
fail:
    cs_http_server_stop(&s);
    return err;
}

uint16_t cs_http_server_port(const cs_http_server_t *server)
{
    return server != NULL ? server->port : 0;
}

void cs_http_server_reload(cs_http_server_t *server)
{
    if (server != NULL) {
        http_status_files_reload(server->service.files);
        http_trust_lists_reload(server->service.trust_lists);
    }
}

/* Gives the requests in progress a moment to finish. */
static void drain(cs_http_server_t *s)
{
    for (int waited = 0; waited < STOP_DRAIN_MS; waited += 20) {
        if (http_connections_open(s->service.connections) == 0)
            break;
        nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    }
}

void cs_http_server_stop(cs_http_server_t **server)
{
    cs_http_server_t *s = server != NULL ? *server : NULL;

    if (s == NULL)
        return;
    atomic_store(&s->stopping, true);
    if (s->acceptor_started) {
        pthread_join(s->acceptor, NULL);
        drain(s);
    }
    for (unsigned i = 0; i < s->daemon_count; i++)
        MHD_stop_daemon(s->daemons[i]);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    http_connections_free(&s->service.connections);
    http_verifiers_free(&s->service.verifiers);
    http_trust_lists_close(&s->service.trust_lists);
    http_status_files_close(&s->service.files);
    pthread_mutex_destroy(&s->service.logger.lock);
    free(s->service.publish_dir);
    free(s);
    *server = NULL;
}
