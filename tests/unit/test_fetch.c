/* SPDX-License-Identifier: ISC */
/*
 * Fetching status lists (fetch.h) from a small HTTP server this test runs
 * on 127.0.0.1: bodies, HTTP statuses, the size cap, timeouts, schemes,
 * TLS to a plain port, and the ttl cache (the server counts requests).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "certseal/fetch.h"
#include "certseal/file.h"
#include "certseal/key.h"
#include "certseal/status.h"
#include "internal.h"

#define CAP 4096             /* the body cap of the capped fetcher */
#define TIMEOUT_MS 1000      /* the timeout of the impatient fetcher */
#define MARGIN_MS 1500       /* what a timeout may overrun by on a busy machine */
#define BODY_MAX (64 * 1024) /* the largest /token body */
#define T0 1900000000        /* "now" of the cache tests */

enum route { R_TOKEN, R_MISSING, R_BIG, R_BIG_CHUNKED, R_STALL, R_SLOW, R_REDIRECT, R_OTHER, R_N };
static const char *const route_paths[R_N] = {"/token", "/missing", "/big",      "/big-chunked",
                                             "/stall", "/slow",    "/redirect", ""};

/* Shared with the server processes (MAP_SHARED). */
typedef struct shared_state {
    int requests[R_N];
    char accept[128]; /* the Accept header of the last /token request */
    size_t body_len;
    uint8_t body[BODY_MAX];
} shared_state;

static shared_state *shared;
static pid_t server_pid = -1;
static int port;
static char folder[] = "/tmp/certseal-fetch.XXXXXX";
static cs_key_t *key;

/* ---- the server ------------------------------------------------------------ */

static void send_text(int fd, const char *text)
{
    if (send(fd, text, strlen(text), MSG_NOSIGNAL) < 0)
        _exit(0);
}

static void send_filler(int fd, size_t n)
{
    char chunk[1024];
    memset(chunk, 'x', sizeof(chunk));
    for (size_t sent = 0; sent < n; sent += sizeof(chunk))
        if (send(fd, chunk, n - sent < sizeof(chunk) ? n - sent : sizeof(chunk), MSG_NOSIGNAL) < 0)
            _exit(0);
}

/* Waits (at most 10 s) until the client goes away. */
static void wait_for_close(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c;
    for (int i = 0; i < 100 && poll(&p, 1, 100) >= 0; i++)
        if ((p.revents & POLLIN) && recv(fd, &c, 1, 0) <= 0)
            return;
}

static enum route read_request(int fd)
{
    char request[8192];
    size_t len = 0;
    ssize_t n;

    while (len < sizeof(request) - 1 &&
           (n = recv(fd, request + len, sizeof(request) - 1 - len, 0)) > 0) {
        len += (size_t)n;
        request[len] = '\0';
        if (strncmp(request, "GET ", len < 4 ? len : 4) != 0)
            return R_OTHER; /* not HTTP (a TLS handshake) */
        if (strstr(request, "\r\n\r\n") != NULL)
            break;
    }
    if (len < 4 || strncmp(request, "GET ", 4) != 0)
        return R_OTHER;
    char *path = request + 4, *space = strchr(path, ' ');
    if (space != NULL)
        *space = '\0';
    enum route r = R_OTHER;
    for (int i = 0; i < R_OTHER; i++)
        if (strcmp(path, route_paths[i]) == 0)
            r = (enum route)i;
    if (r == R_TOKEN && space != NULL) {
        const char *accept = strstr(space + 1, "\r\nAccept: ");
        if (accept != NULL)
            snprintf(shared->accept, sizeof(shared->accept), "%.*s",
                     (int)strcspn(accept + 10, "\r\n"), accept + 10);
    }
    __atomic_fetch_add(&shared->requests[r], 1, __ATOMIC_SEQ_CST);
    return r;
}

static void serve_one(int fd)
{
    char header[256];

    switch (read_request(fd)) {
    case R_TOKEN:
        snprintf(header, sizeof(header),
                 "HTTP/1.1 200 OK\r\nContent-Type: application/statuslist+cwt\r\n"
                 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                 shared->body_len);
        send_text(fd, header);
        if (shared->body_len > 0 && send(fd, shared->body, shared->body_len, MSG_NOSIGNAL) < 0)
            _exit(0);
        break;
    case R_MISSING:
        send_text(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\n"
                      "not found");
        break;
    case R_BIG:
        snprintf(header, sizeof(header),
                 "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", 4 * CAP);
        send_text(fd, header);
        send_filler(fd, 4 * CAP);
        break;
    case R_BIG_CHUNKED: /* no length known in advance: the write callback must stop it */
        send_text(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        send_filler(fd, 4 * CAP);
        break;
    case R_STALL:
        wait_for_close(fd);
        break;
    case R_SLOW: /* 100 bytes/s: above the low-speed limit, below any useful rate */
        send_text(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 100; i++) {
            send_filler(fd, 10);
            usleep(100000);
        }
        break;
    case R_REDIRECT:
        send_text(fd, "HTTP/1.1 302 Found\r\nLocation: /token\r\nContent-Length: 0\r\n"
                      "Connection: close\r\n\r\n");
        break;
    default:
        send_text(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
    shutdown(fd, SHUT_WR);
    wait_for_close(fd);
}

/* Accepts for ever (until killed), one process per connection. */
static void serve(int listener)
{
    signal(SIGCHLD, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a test that crashed */
    if (getppid() == 1)
        _exit(0);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0)
            continue;
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            close(listener);
            serve_one(fd);
            close(fd);
            _exit(0);
        }
        close(fd);
    }
}

/* A listening socket on a free port of 127.0.0.1. */
static int listen_loopback(int *out_port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
        return -1;
    *out_port = ntohs(addr.sin_port);
    return fd;
}

static int setup(void **state)
{
    (void)state;
    /* Traffic goes straight to 127.0.0.1, never through a proxy. */
    setenv("no_proxy", "*", 1);
    setenv("NO_PROXY", "*", 1);
    shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int listener = listen_loopback(&port);
    if (shared == MAP_FAILED || listener < 0 || mkdtemp(folder) == NULL)
        return -1;
    if ((server_pid = fork()) == 0)
        serve(listener);
    close(listener);
    return server_pid > 0 && cs_key_generate(CS_ALG_EDDSA, &key) == CS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char command[128];
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
    }
    cs_key_free(&key);
    snprintf(command, sizeof(command), "rm -rf '%s'", folder);
    return system(command) == 0 ? 0 : -1;
}

/* ---- helpers ----------------------------------------------------------------- */

static void url(char *out, size_t size, const char *scheme, const char *path)
{
    snprintf(out, size, "%s://127.0.0.1:%d%s", scheme, port, path);
}

static int requests(enum route r)
{
    return __atomic_load_n(&shared->requests[r], __ATOMIC_SEQ_CST);
}

static long elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static cs_fetcher_t *new_fetcher(const char *cache_dir, long timeout_ms, size_t max_bytes)
{
    cs_fetch_options o = CS_FETCH_OPTIONS_INIT;
    cs_fetcher_t *f = NULL;
    o.cache_dir = cache_dir;
    o.timeout_ms = timeout_ms;
    o.max_bytes = max_bytes;
    assert_int_equal(cs_fetcher_new(&o, &f), CS_OK);
    return f;
}

/* The server's /token body becomes a Status List Token for sub_path with
 * entry 7 set to value. */
static void serve_token_for(const char *sub_path, uint64_t ttl, int64_t expires, unsigned value)
{
    cs_status_list_t *list = NULL;
    cs_status_token_params params = {.issued_at = T0 - 60, .expires = expires, .ttl = ttl};
    char uri[128];
    uint8_t *token = NULL;
    size_t len = 0;

    url(uri, sizeof(uri), "http", sub_path);
    params.uri = uri;
    assert_int_equal(cs_status_list_new(1024, CS_STATUS_BITS, &list), CS_OK);
    assert_int_equal(cs_status_list_set(list, 7, value), CS_OK);
    assert_int_equal(cs_status_token_sign(key, list, &params, &token, &len), CS_OK);
    assert_true(len <= BODY_MAX);
    memcpy(shared->body, token, len);
    shared->body_len = len;
    free(token);
    cs_status_list_free(&list);
}

static void serve_token(uint64_t ttl, int64_t expires, unsigned value)
{
    serve_token_for("/token", ttl, expires, value);
}

static void serve_bytes(const char *text)
{
    shared->body_len = strlen(text);
    memcpy(shared->body, text, shared->body_len);
}

/* Gets /token at now and checks it is the server's current body (or not,
 * when it must come from a cache holding an older one). */
static void get_token(cs_fetcher_t *f, int64_t now, bool expect_cache, bool expect_current)
{
    char uri[128], detail[256];
    uint8_t *body = NULL;
    size_t len = 0;
    bool from_cache = !expect_cache;
    int before = requests(R_TOKEN);

    url(uri, sizeof(uri), "http", "/token");
    assert_int_equal(cs_fetcher_get(f, uri, now, &body, &len, &from_cache, detail, sizeof(detail)),
                     CS_OK);
    assert_int_equal(from_cache, expect_cache);
    assert_int_equal(requests(R_TOKEN), before + (expect_cache ? 0 : 1));
    bool current = len == shared->body_len && memcmp(body, shared->body, len) == 0;
    assert_int_equal(current, expect_current);
    free(body);
}

static cs_err get(cs_fetcher_t *f, const char *uri, char *detail, size_t detail_size)
{
    uint8_t *body = NULL;
    size_t len = 0;
    cs_err err = cs_fetcher_get(f, uri, T0, &body, &len, NULL, detail, detail_size);
    if (err != CS_OK)
        assert_null(body);
    free(body);
    return err;
}

/* ---- transfers ------------------------------------------------------------- */

static void test_body_and_accept_header(void **state)
{
    (void)state;
    cs_fetcher_t *f = new_fetcher(NULL, 0, 0);
    char uri[128];
    uint8_t *body = NULL;
    size_t len = 0;

    serve_bytes("a body of bytes");
    url(uri, sizeof(uri), "http", "/token");
    assert_int_equal(cs_fetcher_status_source(f, uri, T0, &body, &len, NULL, 0), CS_OK);
    assert_int_equal(len, strlen("a body of bytes"));
    assert_memory_equal(body, "a body of bytes", len);
    assert_string_equal(shared->accept, "application/statuslist+cwt");
    free(body);
    serve_bytes("");
    get_token(f, T0, false, true); /* an empty body is a body */
    cs_fetcher_free(&f);
    assert_null(f);
}

static void test_http_errors(void **state)
{
    (void)state;
    cs_fetcher_t *f = new_fetcher(NULL, 0, 0);
    char uri[128], detail[256];

    url(uri, sizeof(uri), "http", "/missing");
    assert_int_equal(get(f, uri, detail, sizeof(detail)), CS_ERR_FETCH);
    assert_non_null(strstr(detail, "404"));
    assert_non_null(strstr(detail, uri));
    /* The status source leaves naming the URI to the verifier. */
    uint8_t *body = NULL;
    size_t len = 0;
    assert_int_equal(cs_fetcher_status_source(f, uri, T0, &body, &len, detail, sizeof(detail)),
                     CS_ERR_FETCH);
    assert_null(body);
    assert_string_equal(detail, "the server answered HTTP status 404 (200 expected)");
    /* Redirects are reported, not followed. */
    int before = requests(R_TOKEN);
    url(uri, sizeof(uri), "http", "/redirect");
    assert_int_equal(get(f, uri, detail, sizeof(detail)), CS_ERR_FETCH);
    assert_non_null(strstr(detail, "302"));
    assert_int_equal(requests(R_TOKEN), before);
    /* Nothing listening. */
    int closed_port, fd = listen_loopback(&closed_port);
    assert_true(fd >= 0);
    close(fd);
    snprintf(uri, sizeof(uri), "http://127.0.0.1:%d/token", closed_port);
    assert_int_equal(get(f, uri, detail, sizeof(detail)), CS_ERR_FETCH);
    assert_true(detail[0] != '\0');
    cs_fetcher_free(&f);
}

static void test_size_cap(void **state)
{
    (void)state;
    cs_fetcher_t *f = new_fetcher(NULL, 0, CAP);
    char uri[128], detail[256];

    url(uri, sizeof(uri), "http", "/big");
    assert_int_equal(get(f, uri, detail, sizeof(detail)), CS_ERR_TOO_LARGE);
    assert_non_null(strstr(detail, "4096"));
    url(uri, sizeof(uri), "http", "/big-chunked");
    assert_int_equal(get(f, uri, detail, sizeof(detail)), CS_ERR_TOO_LARGE);
    /* A body of exactly the cap is fine. */
    memset(shared->body, 'y', CAP);
    shared->body_len = CAP;
    get_token(f, T0, false, true);
    cs_fetcher_free(&f);
}

static void check_timeout(const char *path)
{
    cs_fetcher_t *f = new_fetcher(NULL, TIMEOUT_MS, 0);
    char uri[128], detail[256];
    struct timespec start;

    url(uri, sizeof(uri), "http", path);
    clock_gettime(CLOCK_MONOTONIC, &start);
    assert_int_equal(get(f, uri, detail, sizeof(detail)), CS_ERR_FETCH_TIMEOUT);
    long ms = elapsed_ms(&start);
    print_message("%s: timed out after %ld ms (timeout %d ms)\n", path, ms, TIMEOUT_MS);
    assert_true(ms >= TIMEOUT_MS - 50);
    assert_true(ms < TIMEOUT_MS + MARGIN_MS);
    assert_non_null(strstr(detail, "timed out"));
    cs_fetcher_free(&f);
}

static void test_stalled_server_times_out(void **state)
{
    (void)state;
    check_timeout("/stall");
}

static void test_slow_server_times_out(void **state)
{
    (void)state;
    check_timeout("/slow");
}

static void test_schemes(void **state)
{
    (void)state;
    cs_fetcher_t *f = new_fetcher(NULL, 0, 0);
    char uri[128], detail[256];
    static const char *const refused[] = {
        "file:///etc/passwd",   "ftp://127.0.0.1/list", "gopher://127.0.0.1/",
        "127.0.0.1/token",      "http:/127.0.0.1/",     "",
        "http://127.0.0.1/a b", "http://127.0.0.1/\n",
    };

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        assert_int_equal(get(f, refused[i], detail, sizeof(detail)), CS_ERR_ARGUMENT);
    assert_int_equal(get(f, NULL, NULL, 0), CS_ERR_ARGUMENT);
    /* Upper-case schemes are schemes too. */
    serve_bytes("upper");
    snprintf(uri, sizeof(uri), "HTTP://127.0.0.1:%d/token", port);
    assert_int_equal(get(f, uri, detail, sizeof(detail)), CS_OK);
    /* HTTPS to a plain-HTTP server fails in the handshake. */
    url(uri, sizeof(uri), "https", "/token");
    assert_int_equal(get(f, uri, detail, sizeof(detail)), CS_ERR_FETCH);
    print_message("https to a plain port: %s\n", detail);
    cs_fetcher_free(&f);
}

static void test_new_arguments(void **state)
{
    (void)state;
    cs_fetch_options o = CS_FETCH_OPTIONS_INIT;
    cs_fetcher_t *f = NULL;
    char path[256];

    assert_int_equal(cs_fetcher_new(NULL, NULL), CS_ERR_ARGUMENT);
    o.cache_dir = "";
    assert_int_equal(cs_fetcher_new(&o, &f), CS_ERR_ARGUMENT);
    snprintf(path, sizeof(path), "%s/a-file", folder);
    assert_int_equal(cs_file_write_atomic(path, "x", 1, 0600, CS_FILE_REPLACE), CS_OK);
    o.cache_dir = path;
    assert_int_equal(cs_fetcher_new(&o, &f), CS_ERR_IO_OPEN);
    snprintf(path, sizeof(path), "%s/a-file/below", folder);
    assert_int_equal(cs_fetcher_new(&o, &f), CS_ERR_IO_OPEN);
    assert_null(f);
    assert_int_equal(cs_fetcher_new(NULL, &f), CS_OK);
    cs_fetcher_free(&f);
    cs_fetcher_free(&f);
    cs_fetcher_free(NULL);
}

static void test_default_cache_dir(void **state)
{
    (void)state;
    char *dir = NULL;
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    setenv("HOME", "/home/someone", 1);
    assert_int_equal(cs_fetch_default_cache_dir(&dir), CS_OK);
    assert_string_equal(dir, "/xdg/certseal");
    free(dir);
    setenv("XDG_CACHE_HOME", "relative", 1);
    assert_int_equal(cs_fetch_default_cache_dir(&dir), CS_OK);
    assert_string_equal(dir, "/home/someone/.cache/certseal");
    free(dir);
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    assert_int_equal(cs_fetch_default_cache_dir(&dir), CS_ERR_ARGUMENT);
    assert_null(dir);
}

/* ---- the cache ------------------------------------------------------------- */

/* The cache file of /token in dir. */
static void cache_file(char *out, size_t size, const char *dir)
{
    char uri[128];
    uint8_t digest[CS_SHA256_SIZE];
    url(uri, sizeof(uri), "http", "/token");
    assert_int_equal(cs_crypto_sha256(uri, strlen(uri), digest), CS_OK);
    size_t n = (size_t)snprintf(out, size, "%s/", dir);
    for (int i = 0; i < CS_SHA256_SIZE; i++)
        n += (size_t)snprintf(out + n, size - n, "%02x", digest[i]);
}

static void fresh_cache(char *dir, size_t size, const char *name)
{
    snprintf(dir, size, "%s/%s/certseal", folder, name);
}

static void test_cache_honours_ttl(void **state)
{
    (void)state;
    char dir[256], path[512];
    struct stat st;

    fresh_cache(dir, sizeof(dir), "ttl");
    cs_fetcher_t *f = new_fetcher(dir, 0, 0);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    serve_token(300, T0 + 86400, CS_STATUS_VALID);
    get_token(f, T0, false, true);
    cache_file(path, sizeof(path), dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    get_token(f, T0 + 1, true, true);
    /* The list changes on the server: the cached copy is served for its ttl. */
    serve_token(300, T0 + 86400, CS_STATUS_SUSPENDED);
    get_token(f, T0 + 299, true, false);
    get_token(f, T0 + 300, false, true);
    get_token(f, T0 + 301, true, true);
    /* Another fetcher with the same folder shares the cache; one without
     * a folder always fetches. */
    cs_fetcher_t *g = new_fetcher(dir, 0, 0), *h = new_fetcher(NULL, 0, 0);
    get_token(g, T0 + 302, true, true);
    get_token(h, T0 + 302, false, true);
    /* A clock set back before the fetch does not serve it. */
    get_token(g, T0 + 299, false, true);
    cs_fetcher_free(&h);
    cs_fetcher_free(&g);
    cs_fetcher_free(&f);
}

static void test_cache_not_kept(void **state)
{
    (void)state;
    char dir[256];
    fresh_cache(dir, sizeof(dir), "uncached");
    cs_fetcher_t *f = new_fetcher(dir, 0, 0);

    serve_token(0, T0 + 86400, CS_STATUS_VALID); /* no ttl */
    get_token(f, T0, false, true);
    get_token(f, T0 + 1, false, true);
    serve_token(300, T0 + 100, CS_STATUS_VALID); /* expires before the ttl runs out */
    get_token(f, T0, false, true);
    get_token(f, T0 + 99, true, true);
    get_token(f, T0 + 100, false, true);
    serve_token(300, T0 + 150, CS_STATUS_VALID); /* already expired */
    get_token(f, T0 + 200, false, true);
    get_token(f, T0 + 201, false, true);
    serve_token_for("/elsewhere", 300, T0 + 86400, CS_STATUS_VALID); /* another list */
    get_token(f, T0 + 250, false, true);
    get_token(f, T0 + 251, false, true);
    serve_bytes("not a status list token"); /* does not decode */
    get_token(f, T0 + 300, false, true);
    get_token(f, T0 + 301, false, true);
    cs_fetcher_free(&f);
}

/* Replaces the cache file of /token with text followed by the served body. */
static void plant(const char *path, const char *text, size_t body_len)
{
    size_t len = strlen(text);
    uint8_t *file = malloc(len + shared->body_len);
    assert_non_null(file);
    memcpy(file, text, len);
    memcpy(file + len, shared->body, body_len);
    assert_int_equal(cs_file_write_atomic(path, file, len + body_len, 0600, CS_FILE_REPLACE),
                     CS_OK);
    free(file);
}

static void test_cache_corrupt_files_ignored(void **state)
{
    (void)state;
    char dir[256], path[512], uri[128], header[256];
    fresh_cache(dir, sizeof(dir), "corrupt");
    cs_fetcher_t *f = new_fetcher(dir, 0, 0);

    url(uri, sizeof(uri), "http", "/token");
    cache_file(path, sizeof(path), dir);
    serve_token(300, T0 + 86400, CS_STATUS_VALID);
    get_token(f, T0, false, true);
    get_token(f, T0 + 1, true, true);

    /* Each broken file is ignored, and replaced by the next fetch. */
    snprintf(header, sizeof(header), "certseal-fetch-cache 1\n%d\n%s\n", T0, uri);
    plant(path, "garbage", shared->body_len);
    get_token(f, T0 + 2, false, true);
    get_token(f, T0 + 3, true, true);
    plant(path, header, shared->body_len / 2); /* truncated body */
    get_token(f, T0 + 4, false, true);
    get_token(f, T0 + 5, true, true);
    snprintf(header, sizeof(header), "certseal-fetch-cache 1\n%d\n%s/other\n", T0, uri);
    plant(path, header, shared->body_len); /* another URI: a hash collision */
    get_token(f, T0 + 6, false, true);
    snprintf(header, sizeof(header), "certseal-fetch-cache 1\nsoon\n%s\n", uri);
    plant(path, header, shared->body_len);
    get_token(f, T0 + 7, false, true);
    plant(path, "", 0);
    get_token(f, T0 + 8, false, true);
    get_token(f, T0 + 9, true, true);
    /* A well-formed planted file is served (it is verified when used). */
    snprintf(header, sizeof(header), "certseal-fetch-cache 1\n%d\n%s\n", T0 + 100, uri);
    plant(path, header, shared->body_len);
    get_token(f, T0 + 399, true, true);
    get_token(f, T0 + 400, false, true);
    cs_fetcher_free(&f);
}

static void test_cache_only_owner(void **state)
{
    (void)state;
    char dir[256];
    struct stat st;
    struct dirent *e;
    fresh_cache(dir, sizeof(dir), "modes");
    cs_fetcher_t *f = new_fetcher(dir, 0, 0);

    serve_token(300, T0 + 86400, CS_STATUS_VALID);
    get_token(f, T0, false, true);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        char path[600];
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(strlen(e->d_name), 64);
        files++;
    }
    closedir(d);
    assert_int_equal(files, 1);
    cs_fetcher_free(&f);
}

/* A cache folder that is not ours alone is refused before anything in it
 * is read: open to others, holding a link, a FIFO or a folder, or a link
 * itself. */
static void test_cache_folder_refused(void **state)
{
    (void)state;
    static const char *const kinds[] = {"mode", "link", "fifo", "folder", "linked"};
    char dir[600], path[700], detail[256];
    cs_fetch_options o = CS_FETCH_OPTIONS_INIT;
    cs_fetcher_t *f = NULL;

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        snprintf(dir, sizeof(dir), "%s/unsafe-%s", folder, kinds[i]);
        assert_int_equal(mkdir(dir, 0700), 0);
        snprintf(path, sizeof(path), "%s/planted", dir);
        switch (i) {
        case 0:
            assert_int_equal(chmod(dir, 0755), 0);
            break;
        case 1:
            assert_int_equal(symlink("/etc/passwd", path), 0);
            break;
        case 2:
            assert_int_equal(mkfifo(path, 0600), 0);
            break;
        case 3:
            assert_int_equal(mkdir(path, 0700), 0);
            break;
        default:
            snprintf(path, sizeof(path), "%s/unsafe-link-to", folder);
            assert_int_equal(symlink(dir, path), 0);
            snprintf(dir, sizeof(dir), "%.500s", path);
            break;
        }
        o.cache_dir = dir;
        assert_int_equal(cs_fetcher_new(&o, &f), CS_ERR_FETCH_CACHE);
        assert_null(f);
        detail[0] = '\0';
        assert_int_equal(cs_fetch_cache_check(dir, detail, sizeof(detail)), CS_ERR_FETCH_CACHE);
        print_message("  %s: %s\n", kinds[i], detail);
        assert_true(detail[0] != '\0');
    }
    snprintf(dir, sizeof(dir), "%s/safe", folder);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(cs_fetch_cache_check(dir, NULL, 0), CS_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_and_accept_header),
        cmocka_unit_test(test_http_errors),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_stalled_server_times_out),
        cmocka_unit_test(test_slow_server_times_out),
        cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_new_arguments),
        cmocka_unit_test(test_cache_honours_ttl),
        cmocka_unit_test(test_cache_not_kept),
        cmocka_unit_test(test_cache_corrupt_files_ignored),
        cmocka_unit_test(test_cache_only_owner),
        cmocka_unit_test(test_cache_folder_refused),
        cmocka_unit_test(test_default_cache_dir),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
