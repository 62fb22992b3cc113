/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_send.h - a request's state and the answers queued for it
 * (pkg/http_send.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_SEND_H
#define CERTSEAL_HTTP_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

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
    struct http_upload *upload; /* a POST to "/": http_upload.h */
} http_request;

/* Queues a plain answer: status, content type, body (copied), extra
 * headers as NULL-terminated name/value pairs (may be NULL). */
int http_send(struct MHD_Connection *connection, http_request *request, unsigned status,
              const char *content_type, const char *body, size_t len, const char *const *headers);

/* Queues an error: JSON {"error": message} for the API, a page otherwise. */
int http_send_error(struct MHD_Connection *connection, http_request *request, unsigned status,
                    const char *message);

/* An HTML page (taken: freed here; NULL answers 500) with the page headers:
 * its own style allowed by the CSP, and allow (may be NULL) as an Allow
 * header. */
int http_send_page(struct MHD_Connection *connection, http_request *request, unsigned status,
                   char *html, const char *allow);

/* The front page (taken: freed here; NULL answers 500), under the policy
 * that lets its form post to the service (cs_report_html_form_policy()). */
int http_send_front_page(struct MHD_Connection *connection, http_request *request, char *html);

/* A page with a title and a message. */
int http_send_message_page(struct MHD_Connection *connection, http_request *request,
                           unsigned status, const char *title, const char *message);

/* http_send_error() with allow (may be NULL) as an Allow header. */
int http_send_error_allow(struct MHD_Connection *connection, http_request *request, unsigned status,
                          const char *message, const char *allow);

/* The headers of an API answer: Cache-Control: no-store. */
extern const char *const HTTP_API_HEADERS[];

#endif
