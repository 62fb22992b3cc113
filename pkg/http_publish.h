/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_publish.h - the /status/ files of the publish folder (pkg/http_publish.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_PUBLISH_H
#define CERTSEAL_HTTP_PUBLISH_H

#include <microhttpd.h>

#include "http_send.h"

/* GET/HEAD /status/<name> from publish_dir. */
int http_publish_answer(const char *publish_dir, struct MHD_Connection *connection,
                        http_request *request, const char *name);

#endif
