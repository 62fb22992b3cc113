/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_http_client.h - the load generator of the verification
 * service's section (bench_http.c): a minimal HTTP/1.1 client on 127.0.0.1
 * that keeps a fixed set of keep-alive connections and drives them from one
 * select() loop, in the calling thread.
 *
 * Every connection carries one request at a time (no pipelining): the
 * whole request is written (partial writes resumed), the status line and
 * headers are read up to the blank line, Content-Length is parsed and
 * exactly that many body bytes are read, and the connection is kept for
 * the next request.  A response with "Connection: close" is accepted and
 * the connection opened again (counted as a reconnect).  Anything else is
 * an error, counted and the connection opened again: a status other than
 * 200, a response without Content-Length or with a transfer coding, a body
 * that does not end with a newline or lacks the expected text, bytes after
 * the response, a reset or a close before the response is complete, no
 * response within HTTP_CLIENT_DRAIN_SECONDS after the run.
 *
 * Two kinds of run:
 *
 *   closed loop (rate 0)  every connection sends its next request as soon
 *                         as its response is in; latency from the send
 *   open loop (rate > 0)  requests are due at fixed intervals of 1/rate
 *                         whatever the answers; a due request goes out on
 *                         the first idle connection, and its latency counts
 *                         from the time it was due, so that waiting for a
 *                         connection counts too (no coordinated omission)
 *
 * Latencies are kept in a buffer allocated and touched once, in
 * http_client_new(), so that a run allocates nothing.
 */
#ifndef CERTSEAL_BENCH_HTTP_CLIENT_H
#define CERTSEAL_BENCH_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_CLIENT_DRAIN_SECONDS 2.0

typedef struct http_client http_client;

typedef struct http_run {
    double rate;         /* requests per second (answers / elapsed) of the best call */
    double elapsed;      /* seconds, over the calls: each from its start to its last answer */
    unsigned calls;      /* http_client_run() calls added up */
    uint64_t sent;       /* requests written */
    uint64_t done;       /* complete 200 answers */
    uint64_t errors;     /* see above */
    uint64_t reconnects; /* after a "Connection: close" */
    double p50, p99;     /* latency in seconds, over the answers kept */
    double max;          /* latency in seconds, over all answers */
    size_t kept;         /* answers whose latency was kept (the buffer's size at most) */
    char first_error[200];
} http_run;

/*
 * Opens connections keep-alive connections to 127.0.0.1:port that will
 * send request (request_len bytes, a complete HTTP/1.1 request, copied)
 * and expect a 200 answer whose body contains expect (copied); keeps up to
 * max_samples latencies per run (see http_client_run()).  Returns NULL,
 * with why in error, when a connection cannot be made or memory is short.
 */
http_client *http_client_new(uint16_t port, size_t connections, const char *request,
                             size_t request_len, const char *expect, size_t max_samples,
                             char *error, size_t error_size);

/*
 * Runs for seconds: closed loop when per_second is 0, open loop at
 * per_second requests a second otherwise; then waits for the answers still
 * due (HTTP_CLIENT_DRAIN_SECONDS at most).  Adds the call to *out, which
 * starts zeroed: several calls with one *out (rounds between which other
 * things are timed) add up their counts and latencies, and rate is the best
 * call's.  The client keeps the latencies of one *out at a time: an *out
 * with nothing kept starts the buffer again.
 */
void http_client_run(http_client *client, double seconds, double per_second, http_run *out);

/* Closes the connections and frees the client; *client becomes NULL. */
void http_client_free(http_client **client);

#endif
