/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_internal.h - the parts of the verification service (http.h),
 * private to the library:
 *
 *   http_server.c     the libmicrohttpd daemon: binding, limits, the request
 *                     life cycle, the log line of each request
 *   http_routes.c     what each path answers
 *   http_publish.c    the /status/ files
 *   http_verifiers.c  one verifier per worker, rebuilt when the status lists
 *                     change
 *   http_status.c     the watched status list files
 *   http_connections.c the limits on connections, and the request deadline
 *   http_framing.c    the RFC 9112 checks of a request's head
 */
#ifndef CERTSEAL_HTTP_INTERNAL_H
#define CERTSEAL_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include <microhttpd.h>

#include "certseal/http.h"
#include "certseal/verify.h"

/* ---- the log ------------------------------------------------------------------ */

typedef struct http_logger {
    cs_http_log_fn fn; /* NULL: lines are dropped */
    void *ctx;
    pthread_mutex_t lock; /* one line at a time */
} http_logger;

void http_log(http_logger *logger, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- watched status list files (http_status.c) ---------------------------------- */

typedef struct http_status_files http_status_files;

/*
 * Reads every Status List Token under paths (files, or folders whose
 * regular files not starting with '.' are read) and starts a thread that
 * looks at them every second (http.h says when they are read again).  At
 * start every file must read and decode: detail names the first that does
 * not.  paths are copied.  logger is borrowed.
 * Errors: CS_ERR_IO_OPEN, CS_ERR_IO_READ, a status decoding error,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err http_status_files_open(const char *const *paths, size_t count,
                                            http_logger *logger, http_status_files **out,
                                            char *detail, size_t detail_size);
/* Stops the thread and frees everything; NULL is ignored. */
void http_status_files_close(http_status_files **files);

/* Counts up whenever the set of lists changes. */
uint64_t http_status_files_generation(http_status_files *files);

/* Adds the current lists to verifier; returns the generation they are. */
CS_MUST_CHECK cs_err http_status_files_add_to(http_status_files *files, cs_verifier_t *verifier,
                                              uint64_t *generation);

/* Makes the thread read every file again now. */
void http_status_files_reload(http_status_files *files);

/* ---- trust lists (http_trustlists.c) ---------------------------------------------- */

typedef struct http_trust_lists http_trust_lists;
typedef struct http_trust_snapshot http_trust_snapshot;

/*
 * Reads and verifies options' trust lists (none: *out NULL, CS_OK) with
 * its roots (borrowed), remembering what was seen in history_dir (NULL:
 * memory only).  detail names the list that failed and why.  logger is
 * borrowed.  Errors: a decoding or cs_trustlist_verify() error, the I/O
 * and fetch errors, CS_ERR_ARGUMENT (no root), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err http_trust_lists_open(const cs_http_options *options, const char *history_dir,
                                           http_logger *logger, http_trust_lists **out,
                                           char *detail, size_t detail_size);
void http_trust_lists_close(http_trust_lists **lists);

/* The lists in use (read again first when due), held until
 * http_trust_snapshot_release(); NULL for NULL lists. */
http_trust_snapshot *http_trust_lists_acquire(http_trust_lists *lists);
void http_trust_snapshot_release(http_trust_snapshot **snapshot);

/* Adds the snapshot's lists to verifier (NULL snapshot: none). */
CS_MUST_CHECK cs_err http_trust_snapshot_add_to(const http_trust_snapshot *snapshot,
                                                cs_verifier_t *verifier);

/* Makes the next acquire read every list again. */
void http_trust_lists_reload(http_trust_lists *lists);

/* ---- one verifier per worker (http_verifiers.c) ---------------------------------- */

typedef struct http_verifiers http_verifiers;
typedef struct http_verifier_slot http_verifier_slot;

/*
 * slots verifiers over options->trust, with options' time, skew and
 * status requirement, the lists of files (may be NULL) and, when
 * options->fetch, a shared fetcher.  files and logger are borrowed.
 * Errors: CS_ERR_FETCH, CS_ERR_IO_OPEN (the fetch cache folder),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err http_verifiers_new(const cs_http_options *options, size_t slots,
                                        http_status_files *files, http_logger *logger,
                                        http_verifiers **out);
void http_verifiers_free(http_verifiers **verifiers);

/* The trust lists every verifier uses (borrowed; NULL: none). */
void http_verifiers_set_trust_lists(http_verifiers *verifiers, http_trust_lists *lists);

/* A verifier for this thread's exclusive use until http_verifier_release(),
 * up to date with the status lists; NULL when one cannot be made (out of
 * memory). */
http_verifier_slot *http_verifier_acquire(http_verifiers *verifiers);
cs_verifier_t *http_verifier_of(http_verifier_slot *slot);
void http_verifier_release(http_verifier_slot *slot);

/* ---- connections (http_connections.c) -------------------------------------------- */

typedef struct http_connections http_connections;
typedef struct http_connection http_connection;

typedef enum http_admission {
    HTTP_ADMITTED = 0,
    HTTP_REFUSED_FULL,   /* the service holds its limit of connections */
    HTTP_REFUSED_CLIENT, /* the client's address holds its own limit */
} http_admission;

/* limit connections in all, per_client from one address, deadline seconds
 * to read a request.  Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err http_connections_new(unsigned limit, unsigned per_client, unsigned deadline,
                                          http_connections **out);
/* NULL is ignored; the daemons must be stopped first. */
void http_connections_free(http_connections **connections);

/* Called by the accepting thread before it hands the connection over: when
 * HTTP_ADMITTED it is counted until libmicrohttpd says it closed (or
 * http_connections_abandon() if it could not be handed over). */
http_admission http_connections_admit(http_connections *c, const struct sockaddr *addr);
void http_connections_abandon(http_connections *c, const struct sockaddr *addr);
unsigned http_connections_open(http_connections *c);

/* MHD_OPTION_NOTIFY_CONNECTION's callback; cls is the http_connections. */
void http_connections_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                             enum MHD_ConnectionNotificationCode code);

/* The request on connection is read (its answer is queued): no deadline
 * until it is answered, when http_connections_request_done() starts the
 * next request's. */
void http_connections_request_read(http_connections *c, struct MHD_Connection *connection);
void http_connections_request_done(http_connections *c, struct MHD_Connection *connection);
/* True when connection was shut down by the deadline. */
bool http_connections_past_deadline(http_connections *c, struct MHD_Connection *connection);
/* Shuts down every connection whose request is past the deadline; returns
 * how many.  Called about every ACCEPT_POLL_MS by the accepting thread. */
size_t http_connections_enforce_deadline(http_connections *c);

/* ---- framing (http_framing.c) ----------------------------------------------------- */

/* NULL when the head of the request on connection is framed as RFC 9112
 * says; else what is wrong, for a 400 (the connection is then closed).
 * version is the one libmicrohttpd gave the request handler. */
const char *http_framing_problem(struct MHD_Connection *connection, const char *version);

/* ---- answering requests ----------------------------------------------------------- */

/* What a request is, for the log and the answer. */
typedef enum http_route {
    HTTP_ROUTE_NONE = 0, /* not yet known, or unknown path */
    HTTP_ROUTE_FRONT,
    HTTP_ROUTE_PAGE,
    HTTP_ROUTE_API,
    HTTP_ROUTE_HEALTH,
    HTTP_ROUTE_STATUS_FILE,
} http_route;

#define HTTP_VERDICTS_TEXT 48

/* One request's state, from its first line to its log line. */
typedef struct http_request {
    double started;    /* monotonic seconds */
    size_t target_len; /* bytes of the request target, query included */
    http_route route;
    char method[16];     /* as received; "" when too long to be one we know */
    char log_method[16]; /* printable bytes only, cut to fit */
    bool head_read;      /* the handler has seen the request's head */
    bool body_expected;  /* the head announces a body */
    bool body_read;      /* libmicrohttpd has given all of it */
    char log_path[80];   /* the path as logged: tokens left out */
    uint8_t *body;
    size_t body_len;
    bool body_refused; /* past CS_HTTP_BODY_MAX: answered already */
    unsigned status;
    uint64_t bytes;
    char verdicts[HTTP_VERDICTS_TEXT]; /* "VALID", "3 tokens", ... */
    const char *hint; /* static: cs_report_operator_hint() of one token, for the log only */
} http_request;

typedef struct http_service {
    cs_http_options options;
    char *publish_dir;
    http_logger logger;
    http_status_files *files;
    http_trust_lists *trust_lists;
    http_verifiers *verifiers;
    http_connections *connections;
} http_service;

/* The route of path, and the path as the log shows it. */
http_route http_route_of(const char *path, char *log_path, size_t log_path_size);

/* text for the log: printable ASCII only (any other byte becomes '?'), cut
 * to fit size. */
void http_printable_copy(const char *text, char *out, size_t size);

/* Queues the answer to a complete request (body read).  MHD_YES/MHD_NO. */
int http_answer(http_service *service, struct MHD_Connection *connection, http_request *request,
                const char *path);

/* Queues a plain answer: status, content type, body (copied), extra
 * headers as NULL-terminated name/value pairs (may be NULL). */
int http_send(struct MHD_Connection *connection, http_request *request, unsigned status,
              const char *content_type, const char *body, size_t len, const char *const *headers);

/* Queues an error: JSON {"error": message} for the API, a page otherwise. */
int http_send_error(struct MHD_Connection *connection, http_request *request, unsigned status,
                    const char *message);

/* GET/HEAD /status/<name> from the publish folder. */
int http_publish_answer(http_service *service, struct MHD_Connection *connection,
                        http_request *request, const char *name);

#endif
