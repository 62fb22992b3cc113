/* SPDX-License-Identifier: ISC */
/* tests/bench/bench_http_client.c - the load generator (bench_http_client.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"
#include "bench_http_client.h"

#define RESPONSE_MAX 65536 /* header and body of one answer */
#define WAIT_MAX 0.05      /* seconds select() waits at most */

typedef struct conn {
    int fd; /* -1 when it could not be opened again */
    bool busy;
    bool close_after; /* the answer said "Connection: close" */
    size_t sent;      /* request bytes written */
    size_t have;      /* answer bytes read */
    size_t need;      /* header + body bytes, once the header is in; 0 before */
    size_t body_at;   /* where the body starts, once the header is in */
    double origin;    /* when the request was sent (closed loop) or due (open loop) */
    char in[RESPONSE_MAX];
} conn;

struct http_client {
    struct sockaddr_in addr;
    char *request, *expect;
    size_t request_len, expect_len;
    conn *conns;
    size_t count;
    double *samples;
    size_t max_samples;
    http_run *run;   /* the run in progress */
    double last_end; /* when the last answer came in */
};

static int connect_local(const struct sockaddr_in *addr)
{
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (fd >= FD_SETSIZE) { /* select() could not watch it */
        close(fd);
        errno = EMFILE;
        return -1;
    }
    if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void note_error(http_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_error(http_client *c, const char *fmt, ...)
{
    va_list ap;
    c->run->errors++;
    if (c->run->first_error[0] != '\0')
        return;
    va_start(ap, fmt);
    vsnprintf(c->run->first_error, sizeof(c->run->first_error), fmt, ap);
    va_end(ap);
}

/* Closes k's connection and opens a new one, idle. */
static void conn_reopen(http_client *c, conn *k)
{
    if (k->fd >= 0)
        close(k->fd);
    k->busy = k->close_after = false;
    k->sent = k->have = k->need = 0;
    if ((k->fd = connect_local(&c->addr)) < 0)
        note_error(c, "cannot connect again to 127.0.0.1:%u: %s", ntohs(c->addr.sin_port),
                   strerror(errno));
}

static void conn_fail(http_client *c, conn *k, const char *what)
{
    note_error(c, "%s", what);
    conn_reopen(c, k);
}

/* Writes what is left of the request; the rest waits for the socket. */
static void conn_send(http_client *c, conn *k)
{
    while (k->sent < c->request_len) {
        ssize_t n = send(k->fd, c->request + k->sent, c->request_len - k->sent, MSG_NOSIGNAL);
        if (n > 0)
            k->sent += (size_t)n;
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        else {
            conn_fail(c, k, n < 0 ? strerror(errno) : "the request could not be written");
            return;
        }
    }
}

static void conn_begin(http_client *c, conn *k, double origin)
{
    k->busy = true;
    k->sent = k->have = k->need = 0;
    k->close_after = false;
    k->origin = origin;
    c->run->sent++;
    conn_send(c, k);
}

static const char *find(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
    for (size_t i = 0; needle_len <= hay_len && i <= hay_len - needle_len; i++)
        if (memcmp(hay + i, needle, needle_len) == 0)
            return hay + i;
    return NULL;
}

/* True when the header line [line, end) is "name: ..."; *value is after the colon. */
static bool header_is(const char *line, const char *end, const char *name, const char **value)
{
    size_t len = strlen(name);
    if ((size_t)(end - line) <= len || strncasecmp(line, name, len) != 0 || line[len] != ':')
        return false;
    for (*value = line + len + 1; *value < end && (**value == ' ' || **value == '\t'); (*value)++)
        ;
    return true;
}

/* Parses the status line and headers in k->in[0, header_len) and sets
 * k->need; returns false (after conn_fail()) when the answer is not a
 * 200 with a Content-Length. */
static bool parse_header(http_client *c, conn *k, size_t header_len)
{
    const char *p = k->in, *end = k->in + header_len, *value, *eol;
    long long length = -1;
    char why[120];

    if (header_len < 13 || memcmp(p, "HTTP/1.1 ", 9) != 0 || memcmp(p + 9, "200 ", 4) != 0) {
        snprintf(why, sizeof(why), "answer \"%.*s\", not HTTP/1.1 200",
                 (int)((eol = find(p, header_len, "\r\n", 2)) ? eol - p : 0), p);
        conn_fail(c, k, why);
        return false;
    }
    for (p = find(p, header_len, "\r\n", 2) + 2; p < end; p = eol + 2) {
        if ((eol = find(p, (size_t)(end - p), "\r\n", 2)) == NULL)
            eol = end;
        if (header_is(p, eol, "Content-Length", &value)) {
            char *stop;
            length = strtoll(value, &stop, 10);
            if (stop == value || stop != eol || length < 0)
                length = -2;
        } else if (header_is(p, eol, "Connection", &value)) {
            k->close_after = find(value, (size_t)(eol - value), "close", 5) != NULL;
        } else if (header_is(p, eol, "Transfer-Encoding", &value)) {
            length = -2;
        }
    }
    if (length < 0 || (size_t)length > RESPONSE_MAX - header_len) {
        conn_fail(c, k,
                  length == -1   ? "an answer without Content-Length"
                  : length == -2 ? "an answer with a transfer coding or a bad Content-Length"
                                 : "an answer larger than the client's buffer");
        return false;
    }
    k->body_at = header_len;
    k->need = header_len + (size_t)length;
    return true;
}

static void conn_complete(http_client *c, conn *k, double now)
{
    const char *body = k->in + k->body_at;
    size_t body_len = k->need - k->body_at;

    if (k->have > k->need) {
        conn_fail(c, k, "bytes after the answer");
        return;
    }
    if (body_len == 0 || body[body_len - 1] != '\n' ||
        find(body, body_len, c->expect, c->expect_len) == NULL) {
        conn_fail(c, k, "a body without the expected verdict or final newline");
        return;
    }
    if (c->run->kept < c->max_samples)
        c->samples[c->run->kept++] = now - k->origin;
    if (now - k->origin > c->run->max)
        c->run->max = now - k->origin;
    c->run->done++;
    c->last_end = now;
    k->busy = false;
    if (k->close_after) {
        c->run->reconnects++;
        conn_reopen(c, k);
    }
}

static void conn_receive(http_client *c, conn *k)
{
    ssize_t n = recv(k->fd, k->in + k->have, RESPONSE_MAX - k->have, 0);
    const char *blank;

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        conn_fail(c, k,
                  n == 0 ? "connection closed before the answer was complete" : strerror(errno));
        return;
    }
    k->have += (size_t)n;
    if (k->need == 0) {
        if ((blank = find(k->in, k->have, "\r\n\r\n", 4)) == NULL) {
            if (k->have == RESPONSE_MAX)
                conn_fail(c, k, "an answer header larger than the client's buffer");
            return;
        }
        if (!parse_header(c, k, (size_t)(blank + 4 - k->in)))
            return;
    }
    if (k->have >= k->need)
        conn_complete(c, k, bench_now());
}

/* Starts requests on idle connections: every idle one in a closed loop,
 * the due ones in an open loop.  Counts the busy and the idle connections. */
static void issue(http_client *c, double now, double start, double interval, uint64_t *next,
                  uint64_t total, bool issuing, size_t *busy, size_t *idle)
{
    *busy = *idle = 0;
    for (size_t i = 0; i < c->count; i++) {
        conn *k = &c->conns[i];
        if (k->fd >= 0 && !k->busy) {
            if (interval == 0 && issuing)
                conn_begin(c, k, now);
            else if (interval > 0 && *next < total && start + (double)*next * interval <= now)
                conn_begin(c, k, start + (double)(*next)++ * interval);
        }
        *busy += k->busy;
        *idle += k->fd >= 0 && !k->busy;
    }
}

/* Waits up to wait seconds for the busy connections, then serves them. */
static void wait_and_serve(http_client *c, double wait)
{
    fd_set readable, writable;
    int max_fd = -1;
    struct timeval tv = {.tv_sec = 0, .tv_usec = (long)(wait * 1e6)};

    FD_ZERO(&readable);
    FD_ZERO(&writable);
    for (size_t i = 0; i < c->count; i++) {
        conn *k = &c->conns[i];
        if (!k->busy)
            continue;
        FD_SET(k->fd, k->sent < c->request_len ? &writable : &readable);
        max_fd = k->fd > max_fd ? k->fd : max_fd;
    }
    if (select(max_fd + 1, &readable, &writable, NULL, &tv) <= 0)
        return;
    for (size_t i = 0; i < c->count; i++) {
        conn *k = &c->conns[i];
        if (k->busy && FD_ISSET(k->fd, &writable))
            conn_send(c, k);
        else if (k->busy && FD_ISSET(k->fd, &readable))
            conn_receive(c, k);
    }
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of the sorted samples. */
static double percentile(const double *sorted, size_t n, double p)
{
    size_t rank = (size_t)(p * (double)n + 0.999999);
    return n == 0 ? 0 : sorted[(rank == 0 ? 1 : rank) - 1];
}

/* Adds up the call that took elapsed seconds for done answers. */
static void finish_run(http_client *c, http_run *out, double elapsed, uint64_t done)
{
    double call_rate = elapsed > 0 ? (double)done / elapsed : 0;

    out->calls++;
    out->elapsed += elapsed;
    if (call_rate > out->rate)
        out->rate = call_rate;
    qsort(c->samples, out->kept, sizeof(double), compare_double);
    out->p50 = percentile(c->samples, out->kept, 0.50);
    out->p99 = percentile(c->samples, out->kept, 0.99);
    c->run = NULL;
}

void http_client_run(http_client *c, double seconds, double per_second, http_run *out)
{
    double start = bench_now(), end = start + seconds;
    double interval = per_second > 0 ? 1.0 / per_second : 0;
    uint64_t next = 0, total = per_second > 0 ? (uint64_t)(seconds * per_second) : 0;
    uint64_t done_before = out->done;

    c->run = out;
    c->last_end = start;
    for (;;) {
        double now = bench_now(), wait = WAIT_MAX;
        bool issuing = per_second > 0 ? next < total : now < end;
        size_t busy, idle;

        issue(c, now, start, interval, &next, total, issuing, &busy, &idle);
        if (busy + idle == 0) {
            note_error(c, "no connection left open");
            break;
        }
        if (!issuing && busy == 0)
            break;
        if (now > end + HTTP_CLIENT_DRAIN_SECONDS) {
            for (size_t i = 0; i < c->count; i++)
                if (c->conns[i].busy)
                    conn_fail(c, &c->conns[i], "no answer within the drain time");
            break;
        }
        /* the next due request waits for the clock only if a connection is
           idle, otherwise for an answer */
        if (per_second > 0 && next < total && idle > 0 &&
            start + (double)next * interval - now < wait)
            wait = start + (double)next * interval - now;
        wait_and_serve(c, wait > 0 ? wait : 0);
    }
    finish_run(c, out, c->last_end - start, out->done - done_before);
}

http_client *http_client_new(uint16_t port, size_t connections, const char *request,
                             size_t request_len, const char *expect, size_t max_samples,
                             char *error, size_t error_size)
{
    http_client *c = calloc(1, sizeof(*c));

    if (c == NULL || (c->conns = calloc(connections, sizeof(conn))) == NULL ||
        (c->samples = calloc(max_samples, sizeof(double))) == NULL ||
        (c->request = malloc(request_len)) == NULL || (c->expect = strdup(expect)) == NULL) {
        snprintf(error, error_size, "out of memory");
        goto fail;
    }
    memcpy(c->request, request, request_len);
    c->request_len = request_len;
    c->expect_len = strlen(expect);
    c->max_samples = max_samples;
    c->addr.sin_family = AF_INET;
    c->addr.sin_port = htons(port);
    c->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(c->samples, 0xff, max_samples * sizeof(double)); /* resident before any run */
    for (c->count = 0; c->count < connections; c->count++) {
        memset(c->conns[c->count].in, 0, RESPONSE_MAX);
        if ((c->conns[c->count].fd = connect_local(&c->addr)) < 0) {
            snprintf(error, error_size, "cannot connect to 127.0.0.1:%u: %s", port,
                     strerror(errno));
            goto fail;
        }
    }
    return c;

fail:
    http_client_free(&c);
    return NULL;
}

void http_client_free(http_client **client)
{
    http_client *c = client != NULL ? *client : NULL;
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->count; i++)
        if (c->conns[i].fd >= 0)
            close(c->conns[i].fd);
    free(c->conns);
    free(c->samples);
    free(c->request);
    free(c->expect);
    free(c);
    *client = NULL;
}
