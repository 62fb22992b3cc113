/* SPDX-License-Identifier: ISC */
/*
 * The verification service as a library (pkg/include/certseal/http.h):
 * what cs_http_server_start() refuses and how it says so, a server on a
 * port of its own choosing answering over a real socket, the log line of
 * each request, and the watched status list files (a changed file read
 * again, a broken one keeping its last good version, a removed one
 * dropped, cs_http_server_reload()), the limits on connections, the
 * request deadline and the RFC 9112 framing checks.  Routes and verdicts end to end are
 * in tests/cli/test_serve.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "certseal/http.h"
#include "certseal/key.h"
#include "certseal/status.h"
#include "certseal/trust.h"

#define LOG_LINES_MAX 64

typedef struct fixture {
    char dir[64];        /* a temporary folder */
    char lists[96];      /* dir/lists: the watched folder */
    char list_path[128]; /* dir/lists/cb */
    cs_key_t *key;       /* signs the lists */
    cs_trust_t *trust;
    pthread_mutex_t lock; /* guards the log */
    char *log[LOG_LINES_MAX];
    size_t log_count;
} fixture;

static void collect_log(void *ctx, const char *line)
{
    fixture *f = ctx;

    pthread_mutex_lock(&f->lock);
    if (f->log_count < LOG_LINES_MAX)
        f->log[f->log_count++] = strdup(line);
    pthread_mutex_unlock(&f->lock);
}

/* How many log lines hold text. */
static size_t log_lines_with(fixture *f, const char *text)
{
    size_t count = 0;

    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->log_count; i++)
        count += f->log[i] != NULL && strstr(f->log[i], text) != NULL;
    pthread_mutex_unlock(&f->lock);
    return count;
}

/* Waits up to 5 s for the n-th log line holding text. */
static bool wait_for_log(fixture *f, const char *text, size_t n)
{
    for (int i = 0; i < 100 && log_lines_with(f, text) < n; i++)
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    return log_lines_with(f, text) >= n;
}

/* A Status List Token of 16 entries for uri, entry 3 set to value. */
static void write_list(fixture *f, const char *path, unsigned value)
{
    cs_status_list_t *list = NULL;
    cs_status_token_params params = {"https://cb.example/s", 1767225600, 0, 3600};
    uint8_t *token = NULL;
    size_t len = 0;
    char temporary[160];
    FILE *out;

    assert_int_equal(cs_status_list_new(16, 2, &list), CS_OK);
    assert_int_equal(cs_status_list_set(list, 3, value), CS_OK);
    assert_int_equal(cs_status_token_sign(f->key, list, &params, &token, &len), CS_OK);
    /* Replaced whole, as certseal status publish does. */
    snprintf(temporary, sizeof(temporary), "%s.new", path);
    assert_non_null(out = fopen(temporary, "wb"));
    assert_int_equal(fwrite(token, 1, len, out), len);
    assert_int_equal(fclose(out), 0);
    assert_int_equal(rename(temporary, path), 0);
    free(token);
    cs_status_list_free(&list);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    cs_key_t *public_key = NULL;
    uint8_t x[CS_KEY_COORDINATE_SIZE];

    if (f == NULL)
        return -1;
    pthread_mutex_init(&f->lock, NULL);
    snprintf(f->dir, sizeof(f->dir), "%s", "/tmp/certseal-test-http.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->lists, sizeof(f->lists), "%s/lists", f->dir);
    snprintf(f->list_path, sizeof(f->list_path), "%s/cb", f->lists);
    if (mkdir(f->lists, 0700) != 0 || cs_key_generate(CS_ALG_EDDSA, &f->key) != CS_OK ||
        cs_key_public_coordinates(f->key, x, NULL) != CS_OK ||
        cs_key_from_public_coordinates(CS_ALG_EDDSA, x, sizeof(x), NULL, 0, &public_key) != CS_OK ||
        cs_trust_new(&f->trust) != CS_OK || cs_trust_add_key(f->trust, &public_key) != CS_OK)
        return -1;
    write_list(f, f->list_path, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char command[160];

    for (size_t i = 0; i < f->log_count; i++)
        free(f->log[i]);
    snprintf(command, sizeof(command), "rm -rf '%s'", f->dir);
    if (system(command) != 0)
        return -1;
    cs_trust_free(&f->trust);
    cs_key_free(&f->key);
    pthread_mutex_destroy(&f->lock);
    free(f);
    return 0;
}

static cs_http_options options_for(fixture *f)
{
    cs_http_options o = CS_HTTP_OPTIONS_INIT;

    o.listen = "127.0.0.1:0";
    o.trust = f->trust;
    o.threads = 2;
    o.log = collect_log;
    o.log_ctx = f;
    return o;
}

/* Sends request to the server and returns the whole answer (freed by the
 * caller); the request asks the server to close afterwards. */
static char *exchange(uint16_t port, const char *request)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char *answer = calloc(1, 65536);
    size_t got = 0;
    ssize_t n;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_non_null(answer);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(send(fd, request, strlen(request), 0), (ssize_t)strlen(request));
    while (got < 65535 && (n = recv(fd, answer + got, 65535 - got, 0)) > 0)
        got += (size_t)n;
    close(fd);
    return answer;
}

/* ---- starting ------------------------------------------------------------------ */

static void test_start_refusals(void **state)
{
    fixture *f = *state;
    cs_http_options o = options_for(f);
    cs_http_server_t *server = NULL, *second = NULL;
    const char *missing[] = {"/nonexistent/certseal/lists"};
    char garbage[160], detail[512];
    const char *garbage_paths[] = {garbage};
    char port_text[32];
    FILE *out;

    assert_int_equal(cs_http_server_start(NULL, &server, NULL, 0), CS_ERR_ARGUMENT);
    o.listen = NULL;
    assert_int_equal(cs_http_server_start(&o, &server, detail, sizeof(detail)), CS_ERR_ARGUMENT);
    o = options_for(f);
    o.trust = NULL;
    assert_int_equal(cs_http_server_start(&o, &server, detail, sizeof(detail)), CS_ERR_ARGUMENT);
    assert_null(server);

    const char *bad_addresses[] = {"nonsense",     "127.0.0.1", ":80",         "127.0.0.1:99999",
                                   "127.0.0.1:8x", "[::1:80",   "256.1.1.1:80"};
    for (size_t i = 0; i < sizeof(bad_addresses) / sizeof(*bad_addresses); i++) {
        o = options_for(f);
        o.listen = bad_addresses[i];
        assert_int_equal(cs_http_server_start(&o, &server, detail, sizeof(detail)),
                         CS_ERR_ARGUMENT);
        assert_non_null(strstr(detail, bad_addresses[i]));
        assert_null(server);
    }

    o = options_for(f);
    o.status_paths = missing;
    o.status_path_count = 1;
    assert_int_equal(cs_http_server_start(&o, &server, detail, sizeof(detail)), CS_ERR_IO_OPEN);
    assert_non_null(strstr(detail, missing[0]));

    snprintf(garbage, sizeof(garbage), "%s/garbage", f->dir);
    assert_non_null(out = fopen(garbage, "w"));
    fputs("not a status list", out);
    fclose(out);
    o.status_paths = garbage_paths;
    assert_int_not_equal(cs_http_server_start(&o, &server, detail, sizeof(detail)), CS_OK);
    assert_non_null(strstr(detail, "not a status list token"));

    o = options_for(f);
    o.publish_dir = garbage; /* a file, not a folder */
    assert_int_equal(cs_http_server_start(&o, &server, detail, sizeof(detail)), CS_ERR_IO_OPEN);
    assert_non_null(strstr(detail, "not a folder"));
    assert_null(server);

    /* A port in use is CS_ERR_LISTEN, naming the address. */
    o = options_for(f);
    assert_int_equal(cs_http_server_start(&o, &server, detail, sizeof(detail)), CS_OK);
    snprintf(port_text, sizeof(port_text), "127.0.0.1:%u", cs_http_server_port(server));
    o.listen = port_text;
    assert_int_equal(cs_http_server_start(&o, &second, detail, sizeof(detail)), CS_ERR_LISTEN);
    assert_non_null(strstr(detail, "in use"));
    assert_null(second);
    cs_http_server_stop(&server);
    assert_null(server);
    cs_http_server_stop(&server); /* NULL is ignored */
    cs_http_server_stop(NULL);
}

/* ---- serving -------------------------------------------------------------------- */

static void test_serves_and_logs(void **state)
{
    fixture *f = *state;
    cs_http_options o = options_for(f);
    cs_http_server_t *server = NULL;
    char *answer;

    assert_int_equal(cs_http_server_start(&o, &server, NULL, 0), CS_OK);
    assert_true(cs_http_server_port(server) > 0);
    answer = exchange(cs_http_server_port(server),
                      "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_non_null(strstr(answer, "HTTP/1.1 200"));
    assert_non_null(strstr(answer, "\r\n\r\nok\n"));
    free(answer);
    answer = exchange(cs_http_server_port(server),
                      "GET /v/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGH HTTP/1.1\r\nHost: x\r\n"
                      "Connection: close\r\n\r\n");
    assert_non_null(strstr(answer, "HTTP/1.1 400"));
    assert_non_null(strstr(answer, "Content-Security-Policy: default-src 'none'"));
    free(answer);
    cs_http_server_stop(&server);
    /* One line per request, the token never in it. */
    assert_int_equal(log_lines_with(f, "\"GET /healthz\" 200 3 "), 1);
    assert_int_equal(log_lines_with(f, "\"GET /v/<token>\" 400 "), 1);
    assert_int_equal(log_lines_with(f, "ABCDEFGHIJKLMNOP"), 0);
}

/* ---- limits ---------------------------------------------------------------------- */

/* A connection to the server that sends text and keeps the socket open. */
static int open_with(uint16_t port, const char *text)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval wait = {5, 0};

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
    assert_int_equal(send(fd, text, strlen(text), 0), (ssize_t)strlen(text));
    return fd;
}

/* The first bytes the server sends on fd ("" when it closes, or nothing
 * within 5 s). */
static void first_bytes(int fd, char *out, size_t size)
{
    ssize_t n = recv(fd, out, size - 1, 0);
    out[n > 0 ? n : 0] = '\0';
}

#define HALF_OPEN "GET /healthz HTTP/1.1\r\nHost: x\r\n"
#define HEALTHZ "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

static void test_connection_limits(void **state)
{
    fixture *f = *state;
    cs_http_options o = options_for(f);
    cs_http_server_t *server = NULL;
    int fds[5];
    char text[64], *answer;

    /* One half-open connection past the limit: refused at once, and the
     * service answers every request after them (a worker handed a
     * connection past its share used to hang for good). */
    o.max_connections = 4;
    assert_int_equal(cs_http_server_start(&o, &server, NULL, 0), CS_OK);
    for (int i = 0; i < 5; i++)
        fds[i] = open_with(cs_http_server_port(server), HALF_OPEN);
    first_bytes(fds[4], text, sizeof(text));
    assert_non_null(strstr(text, "HTTP/1.1 503"));
    for (int i = 0; i < 5; i++)
        close(fds[i]);
    /* The closes take a moment to be seen (503 until then): each answered
     * within 15 s, room for a machine whose two cores run eight other jobs,
     * and for the sanitizers (the CLI flood test holds the service to 2 s). */
    for (int i = 0; i < 6; i++) {
        bool ok = false;
        for (int tries = 0; tries < 150 && !ok; tries++) {
            answer = exchange(cs_http_server_port(server), HEALTHZ);
            ok = strstr(answer, "HTTP/1.1 200") != NULL;
            free(answer);
            if (!ok)
                nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
        }
        assert_true(ok);
    }
    cs_http_server_stop(&server);
    assert_true(log_lines_with(f, "connection(s) at the limit of 4 open") >= 1);

    /* Past the limit per client address */
    o = options_for(f);
    o.max_client_connections = 2;
    assert_int_equal(cs_http_server_start(&o, &server, NULL, 0), CS_OK);
    for (int i = 0; i < 3; i++)
        fds[i] = open_with(cs_http_server_port(server), HALF_OPEN);
    first_bytes(fds[2], text, sizeof(text));
    assert_non_null(strstr(text, "HTTP/1.1 503"));
    for (int i = 0; i < 3; i++)
        close(fds[i]);
    cs_http_server_stop(&server);
    assert_true(wait_for_log(f, "past the limit of 2 from one address", 1));
}

static void test_request_deadline(void **state)
{
    fixture *f = *state;
    cs_http_options o = options_for(f);
    cs_http_server_t *server = NULL;
    char text[64];
    int fd;
    time_t start;

    o.request_deadline = 1;
    assert_int_equal(cs_http_server_start(&o, &server, NULL, 0), CS_OK);
    fd = open_with(cs_http_server_port(server), "GET /healthz HTTP/1.1\r\n");
    start = time(NULL);
    /* a byte every 300 ms: never idle for the 15 s timeout */
    for (int i = 0; i < 12; i++) {
        nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
        if (send(fd, "X", 1, MSG_NOSIGNAL) != 1)
            break;
    }
    first_bytes(fd, text, sizeof(text));
    assert_string_equal(text, "");
    assert_true(time(NULL) - start <= 4);
    close(fd);
    assert_true(wait_for_log(f, "not received within 1 s", 1));
    cs_http_server_stop(&server);
}

static void test_framing(void **state)
{
    fixture *f = *state;
    cs_http_options o = options_for(f);
    cs_http_server_t *server = NULL;
    char *answer;

    assert_int_equal(cs_http_server_start(&o, &server, NULL, 0), CS_OK);
    /* Content-Length twice, different */
    answer = exchange(cs_http_server_port(server),
                      "POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                      "Content-Length: 2\r\nConnection: close\r\n\r\nAB");
    assert_non_null(strstr(answer, "HTTP/1.1 400"));
    assert_non_null(strstr(answer, "Content-Length more than once"));
    free(answer);
    /* a bare LF */
    answer = exchange(cs_http_server_port(server),
                      "GET /healthz HTTP/1.1\r\nHost: x\nConnection: close\r\n\r\n");
    assert_non_null(strstr(answer, "HTTP/1.1 400"));
    assert_non_null(strstr(answer, "bare LF"));
    free(answer);
    /* a method holding ESC: logged escaped */
    answer = exchange(cs_http_server_port(server),
                      "G\x1b[2JET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_non_null(strstr(answer, "HTTP/1.1 405"));
    free(answer);
    answer = exchange(cs_http_server_port(server), HEALTHZ);
    assert_non_null(strstr(answer, "HTTP/1.1 200"));
    free(answer);
    cs_http_server_stop(&server);
    assert_int_equal(log_lines_with(f, "\"G?[2JET /healthz\" 405"), 1);
    assert_int_equal(log_lines_with(f, "\x1b"), 0);
}

/* ---- watched status lists ----------------------------------------------------- */

static void test_status_files_watched(void **state)
{
    fixture *f = *state;
    cs_http_options o = options_for(f);
    const char *paths[] = {f->lists};
    char second[128];
    cs_http_server_t *server = NULL;
    FILE *out;

    o.status_paths = paths;
    o.status_path_count = 1;
    assert_int_equal(cs_http_server_start(&o, &server, NULL, 0), CS_OK);

    /* A list that changes is read again; a new file is read. */
    write_list(f, f->list_path, 2);
    assert_true(wait_for_log(f, "cb read again", 1));
    snprintf(second, sizeof(second), "%s/ab", f->lists);
    write_list(f, second, 0);
    assert_true(wait_for_log(f, "/lists/ab read", 1));

    /* A file that no longer decodes keeps its last good version. */
    assert_non_null(out = fopen(f->list_path, "w"));
    fputs("broken", out);
    fclose(out);
    assert_true(wait_for_log(f, "its last good version is kept", 1));

    /* A removed file is dropped. */
    assert_int_equal(unlink(second), 0);
    assert_true(wait_for_log(f, "/lists/ab is gone", 1));
    write_list(f, f->list_path, 1);
    assert_true(wait_for_log(f, "cb read again", 2));
    /* A reload reads the unchanged files again: nothing new to say. */
    cs_http_server_reload(server);
    nanosleep(&(struct timespec){0, 300 * 1000 * 1000}, NULL);
    assert_int_equal(log_lines_with(f, "cb read again"), 2);
    cs_http_server_stop(&server);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_start_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_serves_and_logs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_files_watched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_framing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
