/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_connections.h - the limits on connections, and the request deadline
 * (pkg/http_connections.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_CONNECTIONS_H
#define CERTSEAL_HTTP_CONNECTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/socket.h>

#include <microhttpd.h>

#include "certseal/error.h"

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

#endif
