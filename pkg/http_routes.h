/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_routes.h - the service's state and what each path answers
 * (pkg/http_routes.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_ROUTES_H
#define CERTSEAL_HTTP_ROUTES_H

#include <microhttpd.h>

#include "certseal/http.h"
#include "http_connections.h"
#include "http_log.h"
#include "http_send.h"
#include "http_status.h"
#include "http_upload.h"
#include "http_verifiers.h"

/* The running service, as the request handlers see it (pkg/http_server.c
 * makes it). */
typedef struct http_service {
    cs_http_options options;
    char *publish_dir;
    http_logger logger;
    http_status_files *files;
    http_trust_lists *trust_lists;
    http_verifiers *verifiers;
    http_connections *connections;
    atomic_uint uploads_active;
    http_upload_service upload; /* points at verifiers and uploads_active */
} http_service;

/* The route of path, and the path as the log shows it. */
http_route http_route_of(const char *path, char *log_path, size_t log_path_size);

/* Queues the answer to a complete request (body read).  MHD_YES/MHD_NO. */
int http_answer(http_service *service, struct MHD_Connection *connection, http_request *request,
                const char *path);

#endif
