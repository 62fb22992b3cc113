/* SPDX-License-Identifier: ISC */
/*
 * certseal/http.h - the verification service: an HTTP server (libmicrohttpd)
 * that verifies the tokens it is given, with no database and no state
 * but the trust store and the status lists (DESIGN §9: it scales out
 * behind any load balancer).
 *
 * Routes (the methods each allows; any other method is 405, any other
 * path 404):
 *
 *   GET  /v/<token>           the page of the verification: the link form's
 *                             path ("/V/" too: QR codes carry upper case)
 *   GET  /api/v1/verify?token=TOKEN
 *   POST /api/v1/verify       body: one token, or several, one per line
 *                             the JSON `certseal verify --json` prints: one
 *                             cs_report_verify_json() object per token and
 *                             line, in the order given
 *   GET  /healthz             "ok", for load balancers
 *   GET  /status/<name>       with a publish folder: its files (the issuer's
 *                             status lists), with caching headers and CORS
 *   GET  /                    a short page saying what the service is, with
 *                             a plain form (no script) to upload a file
 *   POST /                    the form's upload: a photo, image or PDF as
 *                             multipart/form-data (field "file"), read as
 *                             cs_pdf_scan() or cs_image_read() and
 *                             cs_scanner_scan() read it, every code verified
 *                             as its link would be, all on one page
 *                             (cs_report_verify_html_found())
 *
 * A request whose token does not decode is answered 400 (the page or the
 * JSON says why); a token that decodes is answered 200 whatever its
 * verdict.  Several tokens in one POST are answered 200, each line with
 * its verdict; a POST that holds no token is 400.  HEAD is allowed
 * wherever GET is.
 *
 * Limits: a URL longer than CS_HTTP_URL_MAX is 414, a body longer than
 * CS_HTTP_BODY_MAX is 413, more than CS_HTTP_TOKENS_MAX tokens in one
 * POST is 413; the service stays up.  An upload larger than
 * CS_HTTP_UPLOAD_MAX is 413 (from its Content-Length, or once the bytes
 * received pass it), one that is not multipart/form-data or not a PNG,
 * JPEG or PDF 415, one that cannot be read or holds no code 422; at most
 * CS_HTTP_UPLOADS_MAX are received and read at once, one more is 503.  A connection past max_connections,
 * or past max_client_connections from one client address, is answered 503
 * with Retry-After and closed as soon as it is accepted.  A request whose
 * head and body are not all received within request_deadline seconds (of
 * the connection's opening, or of the previous answer on it) is closed,
 * however steadily its bytes trickle in.  A request framed ambiguously
 * (RFC 9112: Content-Length twice with different values, or with
 * Transfer-Encoding; a line ended by a bare LF) is 400 and its connection
 * closed.  /status/ serves only files that decode as Status List Tokens.
 *
 * Connections are served by one thread per processor (or options.threads),
 * each multiplexing many connections (a client that sends one byte a
 * second holds one connection, not a thread); one more thread accepts,
 * keeps the limits on connections and the request deadline, and hands new
 * connections to them in turn.  A connection idle for the timeout is
 * closed.
 *
 * Status lists given as files or folders are watched: a file that
 * changes, appears or goes away, or a list whose ttl has passed since it
 * was read, is read again within a second, and verifications after that
 * use it.  A file that no longer reads as a status list keeps its last
 * good version (and is logged).  With fetching on, lists the tokens name
 * are fetched (fetch.h) and asked for again once their ttl has passed.
 * The highest iat seen per list URI is kept in memory for every worker
 * (and in the fetch cache folder): a list older than one already seen,
 * from a file or a fetch, is refused (status.h, no rollback).
 *
 * Every page and JSON answer is sent with Cache-Control: no-store and
 * X-Content-Type-Options: nosniff; pages also with a Content-Security-Policy
 * that allows only their own inline style, and Referrer-Policy: no-referrer.
 *
 * Thread safety: the server runs its own threads; the functions below are
 * called from one controlling thread.
 */
#ifndef CERTSEAL_HTTP_H
#define CERTSEAL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/catalog.h"
#include "certseal/error.h"
#include "certseal/fetch.h"
#include "certseal/trust.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_HTTP_URL_MAX 8192          /* bytes of the request line's target */
#define CS_HTTP_BODY_MAX (256 * 1024) /* bytes of a POST body */
#define CS_HTTP_TOKENS_MAX 1000       /* tokens in one POST */
/* A file uploaded from the front page: the cap of the command line's
 * readers (CS_IMAGE_FILE_MAX, CS_PDF_FILE_MAX), and how many are received
 * and read at once (one more is answered 503). */
#define CS_HTTP_UPLOAD_MAX (64u * 1024u * 1024u)
#define CS_HTTP_UPLOADS_MAX 2u
#define CS_HTTP_DEFAULT_CONNECTIONS 512
#define CS_HTTP_DEFAULT_TIMEOUT 15            /* seconds a connection may stay idle */
#define CS_HTTP_DEFAULT_CLIENT_CONNECTIONS 64 /* open connections from one address */
#define CS_HTTP_DEFAULT_REQUEST_DEADLINE 20   /* seconds to send a request's head and body */

/* One line per request, without the token (privacy): the client address,
 * method, the path with a token replaced by "<token>" and the query left
 * out, status code, bytes sent, milliseconds, and for verifications the
 * verdict(s).  Also one line for each status list reload and failure.
 * line is NUL-terminated without a newline and borrowed for the call.
 * Called from the server's threads, never two at a time. */
typedef void (*cs_http_log_fn)(void *ctx, const char *line);

typedef struct cs_http_options {
    const char *listen;              /* "ADDR:PORT" or "[ADDR6]:PORT"; port 0 picks a free
                                        port (cs_http_server_port() tells which) */
    const cs_trust_t *trust;         /* the accreditation body keys; borrowed, kept alive by
                                        the caller until cs_http_server_stop() */
    const char *const *status_paths; /* Status List Token files or folders of them */
    size_t status_path_count;
    bool fetch;                            /* fetch the lists the tokens name (fetch.h) */
    const cs_fetch_options *fetch_options; /* NULL: the defaults, no cache */
    const char *publish_dir;               /* NULL: no /status/ route */
    bool require_status;                   /* cs_verifier_require_status() */
    int64_t at;                            /* verify as of this NumericDate; negative: now */
    int64_t clock_skew;                    /* seconds; negative: CS_DEFAULT_CLOCK_SKEW */
    unsigned threads;                      /* 0: the number of online processors */
    unsigned max_connections;              /* 0: CS_HTTP_DEFAULT_CONNECTIONS */
    unsigned timeout;                      /* seconds; 0: CS_HTTP_DEFAULT_TIMEOUT */
    cs_http_log_fn log;                    /* NULL: no log */
    void *log_ctx;
    bool status_optional;                  /* cs_verifier_set_status_optional() */
    int64_t max_list_age;                  /* seconds; negative: CS_DEFAULT_MAX_LIST_AGE */
    unsigned max_client_connections;       /* from one client address; 0: the default */
    unsigned request_deadline;             /* seconds; 0: CS_HTTP_DEFAULT_REQUEST_DEADLINE */
    /* Trust lists (trustlist.h): files or http(s) URLs, verified with the
     * roots (borrowed, kept alive until cs_http_server_stop()), read again
     * on cs_http_server_reload() and when their shortest ttl has passed;
     * a set that no longer verifies never replaces the one in use.  The
     * sequences and rollovers seen are kept in fetch_options' cache
     * folder, or in memory. */
    const char *const *trust_list_paths;
    size_t trust_list_count;
    const cs_key_t *const *trust_roots;
    size_t trust_root_count;
    int64_t trust_list_grace; /* seconds; 0: CS_DEFAULT_TRUST_LIST_GRACE */
    /* The standards catalog (DESIGN §2 step 7), borrowed until
     * cs_http_server_stop(); NULL: the built-in one. */
    const cs_catalog *catalog;
} cs_http_options;

#define CS_HTTP_OPTIONS_INIT                                                                       \
    {                                                                                              \
        NULL, NULL, NULL, 0, false, NULL, NULL, false, -1, -1, 0, 0, 0, NULL, NULL, false, -1, 0, 0 \
    }

typedef struct cs_http_server cs_http_server_t;

/*
 * Reads the status lists, binds the address and starts serving.  On
 * failure nothing is left running.  detail (may be NULL) names the input
 * and what was wrong: the address, a status file, the publish folder.
 * Errors: CS_ERR_ARGUMENT (no listen address or trust store, an address
 * that does not parse), CS_ERR_LISTEN (the address cannot be bound: in
 * use, not local, no permission), CS_ERR_IO_OPEN / CS_ERR_IO_READ (a
 * status path or the publish folder), a status list decoding error,
 * CS_ERR_FETCH (libcurl would not start), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_http_server_start(const cs_http_options *options, cs_http_server_t **out,
                                          char *detail, size_t detail_size);

/* The port the server listens on. */
uint16_t cs_http_server_port(const cs_http_server_t *server);

/* Reads the status lists again now, as if every file had changed (SIGHUP). */
void cs_http_server_reload(cs_http_server_t *server);

/* Stops accepting, lets requests in progress finish, stops the threads and
 * frees everything; *server becomes NULL.  NULL is ignored. */
void cs_http_server_stop(cs_http_server_t **server);

#ifdef __cplusplus
}
#endif
#endif
