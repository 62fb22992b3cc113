/* SPDX-License-Identifier: ISC */
/* What each path of the verification service answers (http.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "certseal/report.h"
#include "certseal/token.h"
#include "http_log.h"
#include "http_publish.h"
#include "http_routes.h"
#include "http_send.h"
#include "http_verifiers.h"

#define PAGE_PATH "/v/"
#define API_PATH "/api/v1/verify"
#define STATUS_PATH "/status/"
/* The verifier reads a token by its form: a page's path becomes a link. */
#define LINK_PREFIX "https://localhost/v/"

/* ---- routes ---------------------------------------------------------------------- */

/* The first path segment only, for the log of an unknown path, and only
 * when it is short: a token under the wrong prefix must not reach the log. */
static void log_first_segment(const char *path, char *out, size_t size)
{
    const char *slash = path[0] != '\0' ? strchr(path + 1, '/') : NULL;
    size_t keep = slash != NULL ? (size_t)(slash - path) : strlen(path);

    if (keep > 24) {
        snprintf(out, size, "/<long path>");
        return;
    }
    http_printable_copy(path, out, keep + 1 < size ? keep + 1 : size);
    if (slash != NULL)
        snprintf(out + strlen(out), size - strlen(out), "/...");
}

http_route http_route_of(const char *path, char *log_path, size_t log_path_size)
{
    http_route route = HTTP_ROUTE_NONE;
    const char *shown = path;

    if (strcmp(path, "/") == 0)
        route = HTTP_ROUTE_FRONT;
    else if (strncasecmp(path, PAGE_PATH, strlen(PAGE_PATH)) == 0)
        route = HTTP_ROUTE_PAGE, shown = PAGE_PATH "<token>";
    else if (strcmp(path, API_PATH) == 0)
        route = HTTP_ROUTE_API;
    else if (strcmp(path, "/healthz") == 0)
        route = HTTP_ROUTE_HEALTH;
    else if (strncmp(path, STATUS_PATH, strlen(STATUS_PATH)) == 0)
        route = HTTP_ROUTE_STATUS_FILE;
    if (route == HTTP_ROUTE_NONE)
        log_first_segment(path, log_path, log_path_size);
    else
        http_printable_copy(shown, log_path, log_path_size);
    return route;
}

/* The methods a route allows, as an Allow header says them. */
static const char *allowed_methods(http_route route)
{
    switch (route) {
    case HTTP_ROUTE_API:
        return "GET, HEAD, POST";
    case HTTP_ROUTE_STATUS_FILE:
        return "GET, HEAD, OPTIONS";
    case HTTP_ROUTE_FRONT:
        return "GET, HEAD, POST";
    default:
        return "GET, HEAD";
    }
}

static bool method_allowed(http_route route, const char *method)
{
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0 ||
           ((route == HTTP_ROUTE_API || route == HTTP_ROUTE_FRONT) &&
            strcmp(method, MHD_HTTP_METHOD_POST) == 0) ||
           (route == HTTP_ROUTE_STATUS_FILE && strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0);
}

static int send_not_allowed(struct MHD_Connection *connection, http_request *request)
{
    const char *allow = allowed_methods(request->route);
    char message[96];

    snprintf(message, sizeof(message), "This address answers %s only.", allow);
    return http_send_error_allow(connection, request, MHD_HTTP_METHOD_NOT_ALLOWED, message, allow);
}

/* ---- verifying ------------------------------------------------------------------ */

/* The verdict for the request's log line, with what the operator can do
 * about it: that goes to the log, never onto the page. */
static void note_verdict(http_request *request, cs_verdict verdict, size_t count)
{
    if (count == 1) {
        snprintf(request->verdicts, sizeof(request->verdicts), "%s", cs_verdict_name(verdict));
        request->hint = cs_report_operator_hint(verdict);
    } else {
        snprintf(request->verdicts, sizeof(request->verdicts), "%zu tokens", count);
    }
}

/* GET /v/<token>: the page of its verification. */
static int answer_page(http_service *service, struct MHD_Connection *connection,
                       http_request *request, const char *segment)
{
    size_t len = strlen(LINK_PREFIX) + strlen(segment);
    char *link = malloc(len + 1), *html = NULL;
    http_verifier_slot *slot = NULL;
    cs_verify_result result;
    unsigned status = MHD_HTTP_OK;

    memset(&result, 0, sizeof(result));
    if (link == NULL || (slot = http_verifier_acquire(service->verifiers)) == NULL) {
        free(link);
        return http_send_page(connection, request, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, NULL);
    }
    snprintf(link, len + 1, "%s%s", LINK_PREFIX, segment);
    if (cs_verifier_verify(http_verifier_of(slot), (const uint8_t *)link, len, &result) == CS_OK &&
        cs_report_verify_html(&result, &html) != CS_OK)
        html = NULL;
    http_verifier_release(slot);
    if (result.verdict == CS_VERDICT_MALFORMED)
        status = MHD_HTTP_BAD_REQUEST;
    note_verdict(request, result.verdict, 1);
    cs_verify_result_clear(&result);
    free(link);
    return http_send_page(connection, request, status, html, NULL);
}

/* Appends the verify --json line of one token to *json (grown). */
static cs_err verify_json_line(cs_verifier_t *verifier, const uint8_t *token, size_t len,
                               char **json, size_t *json_len, cs_verdict *verdict)
{
    cs_verify_result result;
    char *line = NULL, *grown;
    size_t n;
    cs_err err = cs_verifier_verify(verifier, token, len, &result);

    if (err == CS_OK && (err = cs_report_verify_json(&result, 0, &line)) == CS_OK) {
        n = strlen(line);
        if ((grown = realloc(*json, *json_len + n + 2)) == NULL) {
            err = CS_ERR_NO_MEMORY;
        } else {
            memcpy(grown + *json_len, line, n);
            grown[*json_len + n] = '\n';
            grown[*json_len + n + 1] = '\0';
            *json = grown;
            *json_len += n + 1;
        }
    }
    *verdict = result.verdict;
    free(line);
    cs_verify_result_clear(&result);
    return err;
}

/* The tokens of a POST body, as `certseal verify` reads a file
 * (cs_token_list_next()); returns how many there are, counting past max. */
static size_t split_tokens(const uint8_t *body, size_t len, const uint8_t **tokens, size_t *lens,
                           size_t max)
{
    size_t count = 0, offset = 0, token_len;
    const uint8_t *token;

    while (cs_token_list_next(body, len, &offset, &token, &token_len)) {
        if (count < max)
            tokens[count] = token, lens[count] = token_len;
        count++;
    }
    return count;
}

static int answer_api_tokens(http_service *service, struct MHD_Connection *connection,
                             http_request *request, const uint8_t *const *tokens,
                             const size_t *lens, size_t count)
{
    http_verifier_slot *slot = http_verifier_acquire(service->verifiers);
    cs_verdict verdict = CS_VERDICT_MALFORMED;
    char *json = NULL;
    size_t json_len = 0;
    cs_err err = slot != NULL ? CS_OK : CS_ERR_NO_MEMORY;
    int queued;

    for (size_t i = 0; i < count && err == CS_OK; i++)
        err = verify_json_line(http_verifier_of(slot), tokens[i], lens[i], &json, &json_len,
                               &verdict);
    if (slot != NULL)
        http_verifier_release(slot);
    if (err != CS_OK) {
        free(json);
        return http_send_error(connection, request, MHD_HTTP_INTERNAL_SERVER_ERROR,
                               "the service could not verify (out of memory)");
    }
    note_verdict(request, verdict, count);
    queued = http_send(connection, request,
                       count == 1 && verdict == CS_VERDICT_MALFORMED ? MHD_HTTP_BAD_REQUEST
                                                                     : MHD_HTTP_OK,
                       "application/json", json, json_len, HTTP_API_HEADERS);
    free(json);
    return queued;
}

static int answer_api(http_service *service, struct MHD_Connection *connection,
                      http_request *request)
{
    const uint8_t *tokens[CS_HTTP_TOKENS_MAX];
    size_t lens[CS_HTTP_TOKENS_MAX], count = 0;

    if (strcmp(request->method, MHD_HTTP_METHOD_POST) != 0) {
        tokens[0] = (const uint8_t *)MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND,
                                                                 "token");
        if (tokens[0] == NULL || tokens[0][0] == '\0')
            return http_send_error(connection, request, MHD_HTTP_BAD_REQUEST,
                                   "give the token: /api/v1/verify?token=TOKEN (percent-encoded)");
        lens[0] = strlen((const char *)tokens[0]);
        return answer_api_tokens(service, connection, request, tokens, lens, 1);
    }
    if (request->body != NULL)
        count = split_tokens(request->body, request->body_len, tokens, lens, CS_HTTP_TOKENS_MAX);
    if (count == 0)
        return http_send_error(connection, request, MHD_HTTP_BAD_REQUEST,
                               "the request body holds no token; send one token, or several "
                               "one per line");
    if (count > CS_HTTP_TOKENS_MAX)
        return http_send_error(connection, request, MHD_HTTP_CONTENT_TOO_LARGE,
                               "more than 1000 tokens in one request; send fewer");
    return answer_api_tokens(service, connection, request, tokens, lens, count);
}

/* ---- dispatch ------------------------------------------------------------------ */

/* GET /: what the service is for, and the upload form. */
static int answer_front(struct MHD_Connection *connection, http_request *request)
{
    char *html = NULL;

    if (cs_report_front_html("certseal verification service",
                             "Scan the QR code printed on an ISO management-system certificate "
                             "with your phone's camera to check here whether it is genuine, "
                             "accredited and still valid.",
                             "A PNG or JPEG photo or scan, or a PDF, of at most 64 MiB. The file "
                             "is read to find the certificate's codes, and not kept.",
                             &html) != CS_OK)
        html = NULL;
    return http_send_front_page(connection, request, html);
}

int http_answer(http_service *service, struct MHD_Connection *connection, http_request *request,
                const char *path)
{
    if (request->route == HTTP_ROUTE_NONE)
        return http_send_error(connection, request, MHD_HTTP_NOT_FOUND,
                               "There is nothing at this address. To check a certificate, scan "
                               "its QR code.");
    if (!method_allowed(request->route, request->method))
        return send_not_allowed(connection, request);
    switch (request->route) {
    case HTTP_ROUTE_FRONT:
        if (strcmp(request->method, MHD_HTTP_METHOD_POST) == 0)
            return http_upload_answer(&service->upload, connection, request);
        return answer_front(connection, request);
    case HTTP_ROUTE_HEALTH:
        return http_send(connection, request, MHD_HTTP_OK, "text/plain; charset=utf-8", "ok\n", 3,
                         HTTP_API_HEADERS);
    case HTTP_ROUTE_PAGE:
        return answer_page(service, connection, request, path + strlen(PAGE_PATH));
    case HTTP_ROUTE_API:
        return answer_api(service, connection, request);
    case HTTP_ROUTE_STATUS_FILE:
        if (service->publish_dir == NULL)
            break;
        return http_publish_answer(service->publish_dir, connection, request,
                                   path + strlen(STATUS_PATH));
    case HTTP_ROUTE_NONE:
        break;
    }
    return http_send_error(connection, request, MHD_HTTP_NOT_FOUND,
                           "There is nothing at this address.");
}
