/* SPDX-License-Identifier: ISC */
/*
 * GET /status/<name>: the status lists of the publish folder, with the
 * caching headers a CDN or a verifier's cache follows and CORS, so that a
 * verifier in a browser may fetch them (http.h).  Only files that decode as
 * a Status List Token are served: a key or a registry left in the folder by
 * mistake is not found.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "certseal/status.h"
#include "http_publish.h"
#include "http_send.h"

#define NAME_MAX_BYTES 255
#define DEFAULT_MAX_AGE 60 /* seconds, for a list without a ttl */

/* Only plain names: no '/', no leading dot (so no "..", no hidden file). */
static bool plain_name(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len > NAME_MAX_BYTES || name[0] == '.')
        return false;
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == len;
}

/* RFC 9110 §5.6.7 IMF-fixdate, independent of the locale. */
static void http_date(time_t t, char out[32])
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* True when If-None-Match names etag (or is "*"). */
static bool not_modified(struct MHD_Connection *connection, const char *etag)
{
    const char *match =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    return match != NULL && (strcmp(match, "*") == 0 || strstr(match, etag) != NULL);
}

static cs_err read_whole(int fd, size_t size, uint8_t **out)
{
    uint8_t *data = malloc(size ? size : 1);
    size_t done = 0;

    if (data == NULL)
        return CS_ERR_NO_MEMORY;
    while (done < size) {
        ssize_t n = pread(fd, data + done, size - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(data);
            return CS_ERR_IO_READ;
        }
        done += (size_t)n;
    }
    *out = data;
    return CS_OK;
}

/* False when data is not a Status List Token; else how long a cache may
 * keep it: its ttl, never past its exp. */
static bool list_max_age(const uint8_t *data, size_t len, long *age)
{
    cs_status_token token = {0};
    int64_t now = (int64_t)time(NULL);
    bool is_list = cs_status_token_decode(data, len, &token, NULL, 0) == CS_OK;

    *age = DEFAULT_MAX_AGE;
    if (is_list) {
        if (token.ttl > 0)
            *age = token.ttl < 365 * 86400u ? (long)token.ttl : 365 * 86400L;
        if (token.expires > 0 && token.expires - now < *age)
            *age = token.expires > now ? (long)(token.expires - now) : 0;
    }
    cs_status_token_clear(&token);
    return is_list;
}

static int send_file(struct MHD_Connection *connection, http_request *request, int fd,
                     const struct stat *st)
{
    char etag[80], modified[32], cache[48];
    uint8_t *data = NULL;
    long age;
    struct MHD_Response *response;
    bool fresh;
    int queued;

    snprintf(etag, sizeof(etag), "\"%llx-%llx-%llx\"", (unsigned long long)st->st_size,
             (unsigned long long)st->st_mtim.tv_sec * 1000000000ull +
                 (unsigned long long)st->st_mtim.tv_nsec,
             (unsigned long long)st->st_ino);
    http_date(st->st_mtim.tv_sec, modified);
    if (read_whole(fd, (size_t)st->st_size, &data) != CS_OK)
        return http_send_error(connection, request, MHD_HTTP_INTERNAL_SERVER_ERROR,
                               "the file could not be read");
    if (!list_max_age(data, (size_t)st->st_size, &age)) {
        free(data);
        return http_send_error(connection, request, MHD_HTTP_NOT_FOUND,
                               "There is no such status list here.");
    }
    snprintf(cache, sizeof(cache), "public, max-age=%ld", age);
    fresh = not_modified(connection, etag);
    response =
        fresh ? MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)
              : MHD_create_response_from_buffer((size_t)st->st_size, data, MHD_RESPMEM_MUST_FREE);
    if (response == NULL) {
        free(data);
        return MHD_NO;
    }
    if (fresh)
        free(data);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/statuslist+cwt");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    MHD_add_response_header(response, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(response, MHD_HTTP_HEADER_LAST_MODIFIED, modified);
    MHD_add_response_header(response, "Access-Control-Allow-Origin", "*");
    MHD_add_response_header(response, "Access-Control-Expose-Headers", "ETag");
    request->status = fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
    request->bytes = fresh ? 0 : (uint64_t)st->st_size;
    queued = MHD_queue_response(connection, request->status, response);
    MHD_destroy_response(response);
    return queued;
}

/* OPTIONS: the CORS preflight. */
static int send_preflight(struct MHD_Connection *connection, http_request *request)
{
    static const char *const headers[] = {"Access-Control-Allow-Origin",
                                          "*",
                                          "Access-Control-Allow-Methods",
                                          "GET, HEAD",
                                          "Access-Control-Allow-Headers",
                                          "If-None-Match",
                                          "Access-Control-Max-Age",
                                          "86400",
                                          "Allow",
                                          "GET, HEAD, OPTIONS",
                                          NULL};
    return http_send(connection, request, MHD_HTTP_NO_CONTENT, "text/plain", "", 0, headers);
}

int http_publish_answer(const char *publish_dir, struct MHD_Connection *connection,
                        http_request *request, const char *name)
{
    char path[4096];
    struct stat st;
    int fd, queued;

    if (strcmp(request->method, MHD_HTTP_METHOD_OPTIONS) == 0)
        return send_preflight(connection, request);
    if (!plain_name(name) ||
        (size_t)snprintf(path, sizeof(path), "%s/%s", publish_dir, name) >= sizeof(path))
        return http_send_error(connection, request, MHD_HTTP_NOT_FOUND,
                               "There is no such status list here.");
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size > CS_STATUS_TOKEN_MAX) {
        if (fd >= 0)
            close(fd);
        return http_send_error(connection, request, MHD_HTTP_NOT_FOUND,
                               "There is no such status list here.");
    }
    queued = send_file(connection, request, fd, &st);
    close(fd);
    return queued;
}
