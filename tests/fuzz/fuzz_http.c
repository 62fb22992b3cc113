/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the verification service (pkg/http_*.c): each input
 * is sent as the raw bytes of a connection to a service running in this
 * process on 127.0.0.1, so that libmicrohttpd's parsing and every route
 * behind it (pages, the JSON API with its token splitting, /status/ names)
 * run under the sanitizers.  Whatever the bytes, the service must answer or
 * close, never crash, and stay up for the next input. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "certseal/http.h"
#include "certseal/key.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs_trust_t *trust;
static cs_http_server_t *server;
static uint16_t port;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    cs_http_options options = CS_HTTP_OPTIONS_INIT;
    static char publish[] = "/tmp/certseal-fuzz-http.XXXXXX";
    char path[64], detail[256];
    cs_key_t *key = NULL;
    FILE *f;

    (void)argc;
    (void)argv;
    if (mkdtemp(publish) == NULL || snprintf(path, sizeof(path), "%s/list.cwt", publish) < 0 ||
        (f = fopen(path, "w")) == NULL)
        abort();
    fputs("not a list", f);
    fclose(f);
    if (cs_trust_new(&trust) != CS_OK || cs_key_generate(CS_ALG_EDDSA, &key) != CS_OK ||
        cs_trust_add_key(trust, &key) != CS_OK)
        abort();
    options.listen = "127.0.0.1:0";
    options.trust = trust;
    options.publish_dir = publish;
    options.threads = 2;
    options.timeout = 2;
    if (cs_http_server_start(&options, &server, detail, sizeof(detail)) != CS_OK) {
        fprintf(stderr, "fuzz_http: %s\n", detail);
        abort();
    }
    port = cs_http_server_port(server);
    return 0;
}

/* Sends data, then reads what comes back until the service closes or is
 * quiet for 50 ms (an incomplete request is left to its timeout). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char answer[4096];

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
        abort(); /* the service is down */
    for (size_t sent = 0; sent < size;) {
        ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    shutdown(fd, SHUT_WR);
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0 || recv(fd, answer, sizeof(answer), 0) <= 0)
            break;
    }
    close(fd);
    return 0;
}
