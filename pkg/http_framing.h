/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_framing.h - the RFC 9112 checks of a request's head (pkg/http_framing.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_FRAMING_H
#define CERTSEAL_HTTP_FRAMING_H

#include <microhttpd.h>

/* NULL when the head of the request on connection is framed as RFC 9112
 * says; else what is wrong, for a 400 (the connection is then closed).
 * version is the one libmicrohttpd gave the request handler. */
const char *http_framing_problem(struct MHD_Connection *connection, const char *version);

#endif
