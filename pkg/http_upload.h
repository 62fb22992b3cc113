/* SPDX-License-Identifier: ISC */
/*
 * pkg/http_upload.h - the front page's upload: a photo, an image or a PDF
 * posted as multipart/form-data, its codes read and verified
 * (pkg/http_upload.c).
 * Private to the library (docs/architecture.md has the layers).
 */
#ifndef CERTSEAL_HTTP_UPLOAD_H
#define CERTSEAL_HTTP_UPLOAD_H

#include <stdatomic.h>
#include <stddef.h>

#include <microhttpd.h>

#include "http_send.h"
#include "http_verifiers.h"

/* What an upload uses of the service: borrowed from it. */
typedef struct http_upload_service {
    http_verifiers *verifiers;
    atomic_uint *active; /* uploads between their head and their log line */
} http_upload_service;

/* The head of a POST to "/" is read: refuses what can be refused before
 * the body (not multipart/form-data: 415; a Content-Length past
 * CS_HTTP_UPLOAD_MAX: 413; CS_HTTP_UPLOADS_MAX uploads already in
 * progress: 503), else takes an upload slot and starts the multipart
 * parser (libmicrohttpd's post processor).  MHD_YES/MHD_NO. */
int http_upload_begin(http_upload_service *service, struct MHD_Connection *connection,
                      http_request *request);

/* A piece of the body: parsed as it comes, the file kept up to
 * CS_HTTP_UPLOAD_MAX; past it (or a malformed body, a second file) the
 * file is dropped at once, the rest of the body discarded as it arrives,
 * and the refusal (413, 400) is the answer at its end. */
int http_upload_body(http_request *request, const char *data, size_t size);

/* The whole body is read: the page of every code in the file, or a page
 * saying why there is none. */
int http_upload_answer(http_upload_service *service, struct MHD_Connection *connection,
                       http_request *request);

/* The request is over: frees its upload and gives its slot back.  A
 * request without an upload is ignored. */
void http_upload_end(http_upload_service *service, http_request *request);

#endif
