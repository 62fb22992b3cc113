/* SPDX-License-Identifier: ISC */
/* Fetching Status List Tokens over HTTP(S) with libcurl, and the ttl cache
 * (fetch.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "certseal/certseal.h"
#include "certseal/fetch.h"
#include "certseal/trustlist.h"
#include "certseal/status.h"
#include "internal.h"

#define CACHE_MAGIC "certseal-fetch-cache 1\n"
#define CACHE_HEADER_MAX 64 /* magic and the fetch-time line, besides the URI */
#define LOW_SPEED_BYTES 64  /* bytes/s below which a transfer counts as stalled */
#define LOW_SPEED_TIME_MAX 10

struct cs_fetcher {
    CURL *curl;
    struct curl_slist *headers;
    char *cache_dir;
    long timeout_ms;
    size_t max_bytes;
    char error[CURL_ERROR_SIZE];
};

/* The body being received: grows up to max, then refuses. */
typedef struct sink {
    uint8_t *data;
    size_t len, cap, max;
    bool too_large, no_memory;
} sink;

/* ---- the cache folder -------------------------------------------------------- */

/* mkdir -p with mode 0700 for every folder it creates. */
static cs_err make_folder(const char *path)
{
    char *copy = strdup(path);
    struct stat st;
    cs_err err = CS_OK;

    if (copy == NULL)
        return CS_ERR_NO_MEMORY;
    for (char *p = copy + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
            err = CS_ERR_IO_OPEN;
            break;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    if (err == CS_OK && stat(path, &st) != 0) {
        err = CS_ERR_IO_OPEN;
    } else if (err == CS_OK && !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        err = CS_ERR_IO_OPEN;
    }
    free(copy);
    return err;
}

/* True when path is absent or a regular file (what the cache reads and
 * replaces; a link or FIFO planted later is left alone). */
static bool regular_or_absent(const char *path)
{
    struct stat st;
    return lstat(path, &st) != 0 ? errno == ENOENT : S_ISREG(st.st_mode);
}

/* "<cache_dir>/<hex SHA-256 of uri>" in a new string, or NULL. */
static char *cache_path(const cs_fetcher_t *f, const char *uri)
{
    uint8_t digest[CS_SHA256_SIZE];
    size_t size = strlen(f->cache_dir) + 2 + 2 * CS_SHA256_SIZE;
    char *path;

    if (cs_crypto_sha256(uri, strlen(uri), digest) != CS_OK || (path = malloc(size)) == NULL)
        return NULL;
    size_t n = (size_t)snprintf(path, size, "%s/", f->cache_dir);
    for (size_t i = 0; i < CS_SHA256_SIZE; i++)
        n += (size_t)snprintf(path + n, size - n, "%02x", digest[i]);
    return path;
}

/* The same for a trust list (trustlist.h): its sub is uri, its ttl has not
 * run out, and it is not past its next update. */
static bool trust_list_cache_fresh(const uint8_t *body, size_t len, const char *uri,
                                   int64_t fetched_at, int64_t now)
{
    cs_trustlist list;
    bool fresh;

    if (cs_trustlist_decode(body, len, &list, NULL, 0) != CS_OK)
        return false;
    fresh = strcmp(list.uri, uri) == 0 && list.ttl > 0 && now >= fetched_at &&
            (uint64_t)(now - fetched_at) < list.ttl && now < list.next_update;
    cs_trustlist_clear(&list);
    return fresh;
}

/*
 * True when body is a Status List Token for uri that may be served from the
 * cache at now after being fetched at fetched_at: it decodes (unverified),
 * has a ttl that has not run out, and has not expired.
 */
static bool cache_fresh(const uint8_t *body, size_t len, const char *uri, int64_t fetched_at,
                        int64_t now)
{
    cs_status_token token;
    bool fresh = false;

    memset(&token, 0, sizeof(token));
    if (cs_status_token_decode(body, len, &token, NULL, 0) != CS_OK)
        return trust_list_cache_fresh(body, len, uri, fetched_at, now);
    fresh = token.uri != NULL && strcmp(token.uri, uri) == 0 && token.ttl > 0 &&
            now >= fetched_at && (uint64_t)(now - fetched_at) < token.ttl &&
            (token.expires == 0 || now < token.expires);
    cs_status_token_clear(&token);
    return fresh;
}

cs_err cs_fetch_cache_parse(const uint8_t *file, size_t len, const char *uri, int64_t *fetched_at,
                            size_t *body_offset)
{
    size_t uri_len = strlen(uri), magic_len = strlen(CACHE_MAGIC), pos;
    int64_t when = 0;

    if (len < magic_len || memcmp(file, CACHE_MAGIC, magic_len) != 0)
        return CS_ERR_FORM;
    /* The fetch time: decimal digits, then a newline. */
    for (pos = magic_len; pos < len && file[pos] >= '0' && file[pos] <= '9'; pos++) {
        if (when > (INT64_MAX - 9) / 10)
            return CS_ERR_FORM;
        when = when * 10 + (file[pos] - '0');
    }
    if (pos == magic_len || pos >= len || file[pos] != '\n')
        return CS_ERR_FORM;
    pos++;
    /* The URI it was fetched from, then a newline: a guard against another
     * URI whose name hashes alike. */
    if (len - pos < uri_len + 1 || memcmp(file + pos, uri, uri_len) != 0 ||
        file[pos + uri_len] != '\n')
        return CS_ERR_FORM;
    *fetched_at = when;
    *body_offset = pos + uri_len + 1;
    return CS_OK;
}

/* Reads the cached body of uri when it is there, whole, and fresh at now. */
static bool cache_load(const cs_fetcher_t *f, const char *path, const char *uri, int64_t now,
                       uint8_t **body, size_t *body_len)
{
    uint8_t *file = NULL;
    size_t len = 0, offset = 0;
    int64_t fetched_at = 0;
    bool ok = false;

    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
        cs_file_read_all(path, f->max_bytes + strlen(uri) + CACHE_HEADER_MAX, &file, &len) != CS_OK)
        return false;
    if (cs_fetch_cache_parse(file, len, uri, &fetched_at, &offset) == CS_OK &&
        cache_fresh(file + offset, len - offset, uri, fetched_at, now)) {
        memmove(file, file + offset, len - offset);
        *body = file;
        *body_len = len - offset;
        file = NULL;
        ok = true;
    }
    free(file);
    return ok;
}

/* Caches body for uri as fetched at now, when it is worth caching.  Best
 * effort: a cache that cannot be written only costs a later fetch. */
static void cache_store(const char *path, const char *uri, int64_t now, const uint8_t *body,
                        size_t len)
{
    char header[CACHE_HEADER_MAX];
    size_t uri_len = strlen(uri);
    uint8_t *file;

    if (!cache_fresh(body, len, uri, now, now) || !regular_or_absent(path))
        return;
    int n = snprintf(header, sizeof(header), "%s%" PRId64 "\n", CACHE_MAGIC, now);
    if (n < 0 || (size_t)n >= sizeof(header) ||
        (file = malloc((size_t)n + uri_len + 1 + len)) == NULL)
        return;
    memcpy(file, header, (size_t)n);
    memcpy(file + n, uri, uri_len);
    file[(size_t)n + uri_len] = '\n';
    if (len > 0)
        memcpy(file + n + uri_len + 1, body, len);
    (void)!cs_file_write_atomic(path, file, (size_t)n + uri_len + 1 + len, 0600, CS_FILE_REPLACE);
    free(file);
}

/* ---- HTTP ------------------------------------------------------------------------ */

static size_t sink_write(char *data, size_t size, size_t count, void *userdata)
{
    sink *s = userdata;
    size_t n = size * count;

    if (n > s->max - s->len) {
        s->too_large = true;
        return 0; /* anything but n aborts the transfer */
    }
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 16384;
        while (cap < s->len + n)
            cap *= 2;
        if (cap > s->max)
            cap = s->max;
        uint8_t *p = realloc(s->data, cap + 1);
        if (p == NULL) {
            s->no_memory = true;
            return 0;
        }
        s->data = p;
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, n);
    s->len += n;
    return n;
}

static bool http_uri(const char *uri)
{
    if (strncasecmp(uri, "http://", 7) != 0 && strncasecmp(uri, "https://", 8) != 0)
        return false;
    for (const unsigned char *p = (const unsigned char *)uri; *p != '\0'; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return false;
    return true;
}

/* Maps a failed transfer to an error and a detail naming the URI. */
static cs_err transfer_error(const cs_fetcher_t *f, const sink *s, CURLcode rc, char *detail,
                             size_t detail_size)
{
    const char *why = f->error[0] != '\0' ? f->error : curl_easy_strerror(rc);

    if (s->no_memory)
        return CS_ERR_NO_MEMORY;
    if (s->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        cs_detail_set(detail, detail_size, "the response is larger than %zu bytes", s->max);
        return CS_ERR_TOO_LARGE;
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        cs_detail_set(detail, detail_size, "timed out (%s)", why);
        return CS_ERR_FETCH_TIMEOUT;
    }
    cs_detail_set(detail, detail_size, "%s", why);
    return CS_ERR_FETCH;
}

static cs_err http_get(cs_fetcher_t *f, const char *uri, uint8_t **body, size_t *body_len,
                       char *detail, size_t detail_size)
{
    sink s = {.max = f->max_bytes};
    long status = 0;
    cs_err err;

    f->error[0] = '\0';
    curl_easy_setopt(f->curl, CURLOPT_URL, uri);
    curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, &s);
    CURLcode rc = curl_easy_perform(f->curl);
    curl_easy_setopt(f->curl, CURLOPT_WRITEDATA, NULL);
    if (rc != CURLE_OK) {
        err = transfer_error(f, &s, rc, detail, detail_size);
        goto fail;
    }
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        cs_detail_set(detail, detail_size, "the server answered HTTP status %ld (200 expected)",
                      status);
        err = CS_ERR_FETCH;
        goto fail;
    }
    if (s.data == NULL && (s.data = malloc(1)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    s.data[s.len] = '\0';
    *body = s.data;
    *body_len = s.len;
    return CS_OK;
fail:
    free(s.data);
    return err;
}

/* Options that hold for every transfer of the handle. */
static cs_err configure(cs_fetcher_t *f, long connect_timeout_ms)
{
    long low_speed_time = f->timeout_ms / 2000;
    CURL *c = f->curl;

    if (low_speed_time < 1)
        low_speed_time = 1;
    if (low_speed_time > LOW_SPEED_TIME_MAX)
        low_speed_time = LOW_SPEED_TIME_MAX;
    f->headers = curl_slist_append(NULL, "Accept: " CS_STATUS_LIST_TYP);
    if (f->headers == NULL)
        return CS_ERR_NO_MEMORY;
    bool ok =
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
#else
        curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) ==
            CURLE_OK &&
#endif
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->timeout_ms) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)LOW_SPEED_BYTES) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, low_speed_time) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->max_bytes) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, f->headers) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_USERAGENT, "certseal/" CERTSEAL_VERSION) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, f->error) == CURLE_OK;
    return ok ? CS_OK : CS_ERR_FETCH;
}

/* ---- the API ------------------------------------------------------------------ */

cs_err cs_fetcher_new(const cs_fetch_options *options, cs_fetcher_t **out)
{
    cs_fetch_options defaults = CS_FETCH_OPTIONS_INIT;
    const cs_fetch_options *o = options != NULL ? options : &defaults;
    cs_fetcher_t *f = NULL;
    cs_err err;

    if (out == NULL || (o->cache_dir != NULL && o->cache_dir[0] == '\0') ||
        o->max_bytes > SIZE_MAX / 4)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return CS_ERR_FETCH;
    if ((f = calloc(1, sizeof(*f))) == NULL) {
        curl_global_cleanup();
        return CS_ERR_NO_MEMORY;
    }
    f->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : CS_FETCH_DEFAULT_TIMEOUT_MS;
    f->max_bytes = o->max_bytes > 0 ? o->max_bytes : CS_FETCH_DEFAULT_MAX_BYTES;
    long connect_ms =
        o->connect_timeout_ms > 0 ? o->connect_timeout_ms : CS_FETCH_DEFAULT_CONNECT_TIMEOUT_MS;
    if (connect_ms > f->timeout_ms)
        connect_ms = f->timeout_ms;
    if ((f->curl = curl_easy_init()) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    if ((err = configure(f, connect_ms)) != CS_OK)
        goto fail;
    if (o->cache_dir != NULL) {
        if ((f->cache_dir = strdup(o->cache_dir)) == NULL) {
            err = CS_ERR_NO_MEMORY;
            goto fail;
        }
        if ((err = make_folder(f->cache_dir)) != CS_OK ||
            (err = cs_fetch_cache_check(f->cache_dir, NULL, 0)) != CS_OK)
            goto fail;
    }
    *out = f;
    return CS_OK;
fail:
    cs_fetcher_free(&f);
    return err;
}

void cs_fetcher_free(cs_fetcher_t **fetcher)
{
    if (fetcher == NULL || *fetcher == NULL)
        return;
    cs_fetcher_t *f = *fetcher;
    if (f->curl != NULL)
        curl_easy_cleanup(f->curl);
    curl_slist_free_all(f->headers);
    free(f->cache_dir);
    free(f);
    *fetcher = NULL;
    curl_global_cleanup(); /* balances the curl_global_init() of cs_fetcher_new() */
}

/* cs_fetcher_get() whose detail does not repeat the URI. */
static cs_err fetch(cs_fetcher_t *fetcher, const char *uri, int64_t now, uint8_t **body,
                    size_t *body_len, bool *from_cache, char *detail, size_t detail_size)
{
    char *path = NULL;
    cs_err err;

    if (detail != NULL && detail_size > 0)
        detail[0] = '\0';
    if (fetcher == NULL || uri == NULL || body == NULL || body_len == NULL)
        return CS_ERR_ARGUMENT;
    *body = NULL;
    *body_len = 0;
    if (from_cache != NULL)
        *from_cache = false;
    if (!http_uri(uri)) {
        cs_detail_set(detail, detail_size, "only http:// and https:// status lists are fetched");
        return CS_ERR_ARGUMENT;
    }
    if (fetcher->cache_dir != NULL && (path = cache_path(fetcher, uri)) == NULL)
        return CS_ERR_NO_MEMORY;
    if (path != NULL && cache_load(fetcher, path, uri, now, body, body_len)) {
        if (from_cache != NULL)
            *from_cache = true;
        free(path);
        return CS_OK;
    }
    err = http_get(fetcher, uri, body, body_len, detail, detail_size);
    if (err == CS_OK && path != NULL)
        cache_store(path, uri, now, *body, *body_len);
    free(path);
    return err;
}

cs_err cs_fetcher_get(cs_fetcher_t *fetcher, const char *uri, int64_t now, uint8_t **body,
                      size_t *body_len, bool *from_cache, char *detail, size_t detail_size)
{
    char why[CURL_ERROR_SIZE + 64] = "";
    cs_err err = fetch(fetcher, uri, now, body, body_len, from_cache, why, sizeof(why));

    if (detail != NULL && detail_size > 0)
        detail[0] = '\0';
    if (err != CS_OK && why[0] != '\0')
        cs_detail_set(detail, detail_size, "%.300s: %s", uri, why);
    return err;
}

/* The verifier names the URI itself: the detail says only what went wrong.
 * The cache ages in real time, whatever time the verifier verifies at. */
cs_err cs_fetcher_status_source(void *fetcher, const char *uri, int64_t now, uint8_t **out,
                                size_t *out_len, char *detail, size_t detail_size)
{
    (void)now;
    return fetch(fetcher, uri, (int64_t)time(NULL), out, out_len, NULL, detail, detail_size);
}
