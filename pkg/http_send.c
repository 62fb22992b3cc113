/* SPDX-License-Identifier: ISC */
/* The answers the verification service queues (http.h): plain bodies,
 * pages and errors, each with its headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "certseal/report.h"
#include "http_send.h"

const char *const HTTP_API_HEADERS[] = {"Cache-Control", "no-store", NULL};

int http_send(struct MHD_Connection *connection, http_request *request, unsigned status,
              const char *content_type, const char *body, size_t len, const char *const *headers)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result queued;

    if (response == NULL)
        return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i += 2)
        MHD_add_response_header(response, headers[i], headers[i + 1]);
    queued = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    request->status = status;
    request->bytes = len;
    return queued;
}

/* An HTML page (taken: freed here) with the page headers: its own style
 * allowed by the CSP, and allow (may be NULL) as an Allow header. */
static int send_page_under(struct MHD_Connection *connection, http_request *request,
                           unsigned status, char *html, const char *allow, const char *policy)
{
    const char *headers[] = {"Content-Security-Policy",
                             policy,
                             "Cache-Control",
                             "no-store",
                             "Referrer-Policy",
                             "no-referrer",
                             "X-Frame-Options",
                             "DENY",
                             allow != NULL ? "Allow" : NULL,
                             allow,
                             NULL};
    int queued;

    if (html == NULL)
        return http_send(connection, request, MHD_HTTP_INTERNAL_SERVER_ERROR,
                         "text/plain; charset=utf-8", "out of memory\n", 14, HTTP_API_HEADERS);
    queued = http_send(connection, request, status, "text/html; charset=utf-8", html, strlen(html),
                       headers);
    free(html);
    return queued;
}

int http_send_page(struct MHD_Connection *connection, http_request *request, unsigned status,
                   char *html, const char *allow)
{
    return send_page_under(connection, request, status, html, allow, cs_report_html_policy());
}

int http_send_front_page(struct MHD_Connection *connection, http_request *request, char *html)
{
    return send_page_under(connection, request, MHD_HTTP_OK, html, NULL,
                           cs_report_html_form_policy());
}

int http_send_message_page(struct MHD_Connection *connection, http_request *request,
                           unsigned status, const char *title, const char *message)
{
    char *html = NULL;

    if (cs_report_message_html(title, message, &html) != CS_OK)
        html = NULL;
    return http_send_page(connection, request, status, html, NULL);
}

/* An error in the route's form: JSON {"error": message} for the API, a
 * page otherwise; allow (may be NULL) becomes an Allow header. */
int http_send_error_allow(struct MHD_Connection *connection, http_request *request, unsigned status,
                          const char *message, const char *allow)
{
    const char *headers[] = {"Cache-Control", "no-store", allow != NULL ? "Allow" : NULL, allow,
                             NULL};
    char json[512], *html = NULL;
    int n;

    if (request->route != HTTP_ROUTE_API) {
        if (cs_report_message_html(status == MHD_HTTP_NOT_FOUND ? "Page not found"
                                   : allow != NULL              ? "Method not allowed"
                                                                : "Bad request",
                                   message, &html) != CS_OK)
            html = NULL;
        return http_send_page(connection, request, status, html, allow);
    }
    /* The messages are constant text without quotes or backslashes. */
    n = snprintf(json, sizeof(json), "{\"error\":\"%s\"}\n", message);
    return http_send(connection, request, status, "application/json", json, (size_t)n, headers);
}

int http_send_error(struct MHD_Connection *connection, http_request *request, unsigned status,
                    const char *message)
{
    return http_send_error_allow(connection, request, status, message, NULL);
}
