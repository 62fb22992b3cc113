/* SPDX-License-Identifier: ISC */
/*
 * The verification service's connections (http.h): how many are open, how
 * many each client address holds, and how long the request each is reading
 * has taken.
 *
 * The accepting thread asks before it hands a connection to a daemon, so
 * no daemon is ever given more than it can take: libmicrohttpd 0.9.75 handed
 * a connection past its limit by MHD_add_connection() stops its thread in
 * pthread_mutex_lock() for good, and the service with it.
 *
 * libmicrohttpd's own timeout counts from the last byte received, so a
 * client that sends one byte every few seconds keeps a request open for
 * ever; the deadline here counts from the start of the request (the
 * connection's opening, or the end of the previous answer on a kept-alive
 * connection) until the request is read.  A connection past it is shut
 * down; its daemon sees the end of the stream and closes it.
 *
 * One lock guards everything.  libmicrohttpd says a connection is closed
 * (MHD_CONNECTION_NOTIFY_CLOSED) before it closes the socket, so a socket
 * looked up under the lock is still that connection's.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "http_connections.h"

/* A client address: IPv4 as IPv4-mapped IPv6. */
typedef struct client_key {
    uint8_t bytes[16];
} client_key;

typedef struct client_count {
    client_key key;
    unsigned open;
    struct client_count *next;
} client_count;

struct http_connection {
    struct http_connection *prev, *next;
    int fd;
    client_key client;
    double started;     /* monotonic seconds the request began; 0: none being read */
    bool past_deadline; /* shut down by the deadline */
};

struct http_connections {
    pthread_mutex_t lock;
    unsigned limit, per_client;
    double deadline;
    unsigned open;
    client_count **buckets;
    size_t bucket_count; /* a power of two */
    http_connection *head;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static client_key key_of(const struct sockaddr *addr)
{
    client_key key = {{0}};

    if (addr != NULL && addr->sa_family == AF_INET6) {
        memcpy(key.bytes, &((const struct sockaddr_in6 *)addr)->sin6_addr, 16);
    } else if (addr != NULL && addr->sa_family == AF_INET) {
        key.bytes[10] = key.bytes[11] = 0xff;
        memcpy(key.bytes + 12, &((const struct sockaddr_in *)addr)->sin_addr, 4);
    }
    return key;
}

/* FNV-1a over the address. */
static size_t bucket_of(const http_connections *c, const client_key *key)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < sizeof(key->bytes); i++)
        h = (h ^ key->bytes[i]) * 16777619u;
    return h & (c->bucket_count - 1);
}

static client_count **find_client(http_connections *c, const client_key *key)
{
    client_count **at = &c->buckets[bucket_of(c, key)];

    while (*at != NULL && memcmp(&(*at)->key, key, sizeof(*key)) != 0)
        at = &(*at)->next;
    return at;
}

/* One connection of client less; the lock is held. */
static void release_locked(http_connections *c, const client_key *key)
{
    client_count **at = find_client(c, key), *gone;

    if (c->open > 0)
        c->open--;
    if (*at == NULL)
        return;
    if (--(*at)->open == 0) {
        gone = *at;
        *at = gone->next;
        free(gone);
    }
}

cs_err http_connections_new(unsigned limit, unsigned per_client, unsigned deadline,
                            http_connections **out)
{
    http_connections *c = calloc(1, sizeof(*c));
    size_t buckets = 64;

    *out = NULL;
    if (c == NULL)
        return CS_ERR_NO_MEMORY;
    while (buckets < limit && buckets < (1u << 16))
        buckets *= 2;
    if ((c->buckets = calloc(buckets, sizeof(*c->buckets))) == NULL) {
        free(c);
        return CS_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&c->lock, NULL);
    c->bucket_count = buckets;
    c->limit = limit;
    c->per_client = per_client;
    c->deadline = deadline;
    *out = c;
    return CS_OK;
}

void http_connections_free(http_connections **connections)
{
    http_connections *c = connections != NULL ? *connections : NULL;

    if (c == NULL)
        return;
    for (size_t i = 0; i < c->bucket_count; i++)
        for (client_count *n = c->buckets[i], *next; n != NULL; n = next) {
            next = n->next;
            free(n);
        }
    for (http_connection *n = c->head, *next; n != NULL; n = next) {
        next = n->next;
        free(n);
    }
    free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    free(c);
    *connections = NULL;
}

http_admission http_connections_admit(http_connections *c, const struct sockaddr *addr)
{
    client_key key = key_of(addr);
    client_count **at;
    http_admission verdict = HTTP_ADMITTED;

    pthread_mutex_lock(&c->lock);
    at = find_client(c, &key);
    if (c->open >= c->limit)
        verdict = HTTP_REFUSED_FULL;
    else if (*at != NULL && (*at)->open >= c->per_client)
        verdict = HTTP_REFUSED_CLIENT;
    else if (*at == NULL && (*at = calloc(1, sizeof(**at))) == NULL)
        verdict = HTTP_REFUSED_FULL;
    if (verdict == HTTP_ADMITTED) {
        (*at)->key = key;
        (*at)->open++;
        c->open++;
    }
    pthread_mutex_unlock(&c->lock);
    return verdict;
}

void http_connections_abandon(http_connections *c, const struct sockaddr *addr)
{
    client_key key = key_of(addr);

    pthread_mutex_lock(&c->lock);
    release_locked(c, &key);
    pthread_mutex_unlock(&c->lock);
}

unsigned http_connections_open(http_connections *c)
{
    unsigned open;

    pthread_mutex_lock(&c->lock);
    open = c->open;
    pthread_mutex_unlock(&c->lock);
    return open;
}

/* Called by libmicrohttpd in the daemon's thread (MHD_OPTION_NOTIFY_CONNECTION). */
void http_connections_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
    http_connections *c = cls;
    http_connection *record = *socket_context;
    const union MHD_ConnectionInfo *info;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        record = calloc(1, sizeof(*record));
        if (record == NULL) {
            /* Not followed: closed at once (the count is given back below). */
            if (info != NULL)
                shutdown(info->connect_fd, SHUT_RDWR);
            return;
        }
        record->fd = info != NULL ? info->connect_fd : -1;
        info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        record->client = key_of(info != NULL ? info->client_addr : NULL);
        record->started = now_seconds();
        pthread_mutex_lock(&c->lock);
        record->next = c->head;
        if (c->head != NULL)
            c->head->prev = record;
        c->head = record;
        pthread_mutex_unlock(&c->lock);
        *socket_context = record;
        return;
    }
    pthread_mutex_lock(&c->lock);
    if (record == NULL) {
        client_key key;
        info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        key = key_of(info != NULL ? info->client_addr : NULL);
        release_locked(c, &key);
    } else {
        if (record->prev != NULL)
            record->prev->next = record->next;
        else
            c->head = record->next;
        if (record->next != NULL)
            record->next->prev = record->prev;
        release_locked(c, &record->client);
    }
    pthread_mutex_unlock(&c->lock);
    free(record);
    *socket_context = NULL;
}

static http_connection *record_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != NULL ? info->socket_context : NULL;
}

void http_connections_request_read(http_connections *c, struct MHD_Connection *connection)
{
    http_connection *record = record_of(connection);

    if (record == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    record->started = 0;
    pthread_mutex_unlock(&c->lock);
}

void http_connections_request_done(http_connections *c, struct MHD_Connection *connection)
{
    http_connection *record = record_of(connection);

    if (record == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    record->started = now_seconds();
    pthread_mutex_unlock(&c->lock);
}

bool http_connections_past_deadline(http_connections *c, struct MHD_Connection *connection)
{
    http_connection *record = record_of(connection);
    bool past;

    if (record == NULL)
        return false;
    pthread_mutex_lock(&c->lock);
    past = record->past_deadline;
    pthread_mutex_unlock(&c->lock);
    return past;
}

size_t http_connections_enforce_deadline(http_connections *c)
{
    double now = now_seconds();
    size_t closed = 0;

    pthread_mutex_lock(&c->lock);
    for (http_connection *n = c->head; n != NULL; n = n->next) {
        if (n->started <= 0 || n->past_deadline || now - n->started < c->deadline || n->fd < 0)
            continue;
        /* The daemon reads the end of the stream and closes the connection. */
        shutdown(n->fd, SHUT_RDWR);
        n->past_deadline = true;
        closed++;
    }
    pthread_mutex_unlock(&c->lock);
    return closed;
}
