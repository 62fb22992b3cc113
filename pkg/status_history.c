/* SPDX-License-Identifier: ISC */
/* The highest iat seen per status list URI (status.h): in memory under a
 * mutex, and in "<sha256(uri)>.seen" files of a folder so that the memory
 * outlives the process (DESIGN §2 step 6: no rollback). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certseal/file.h"
#include "certseal/status.h"
#include "internal.h"

#define SEEN_MAGIC "certseal-status-seen 1\n"
#define SEEN_FILE_MAX (64 + CS_STATUS_URI_MAX)

typedef struct seen_entry {
    char *uri;
    int64_t issued_at; /* 0: none yet */
} seen_entry;

struct cs_status_history {
    pthread_mutex_t lock;
    char *folder; /* NULL: memory only */
    seen_entry *entries;
    size_t count, cap;
};

cs_err cs_status_history_new(const char *folder, cs_status_history_t **out)
{
    cs_status_history_t *h;

    if (out == NULL || (folder != NULL && folder[0] == '\0'))
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((h = calloc(1, sizeof(*h))) == NULL)
        return CS_ERR_NO_MEMORY;
    if (folder != NULL && (h->folder = strdup(folder)) == NULL) {
        free(h);
        return CS_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&h->lock, NULL);
    *out = h;
    return CS_OK;
}

void cs_status_history_free(cs_status_history_t **history)
{
    cs_status_history_t *h = history != NULL ? *history : NULL;

    if (h == NULL)
        return;
    for (size_t i = 0; i < h->count; i++)
        free(h->entries[i].uri);
    free(h->entries);
    free(h->folder);
    pthread_mutex_destroy(&h->lock);
    free(h);
    *history = NULL;
}

/* "<folder>/<hex sha256 of uri>.seen" in a new string, or NULL. */
static char *seen_path(const cs_status_history_t *h, const char *uri)
{
    uint8_t digest[CS_SHA256_SIZE];
    size_t size = strlen(h->folder) + 2 * CS_SHA256_SIZE + sizeof("/.seen");
    char *path;

    if (cs_crypto_sha256(uri, strlen(uri), digest) != CS_OK || (path = malloc(size)) == NULL)
        return NULL;
    size_t n = (size_t)snprintf(path, size, "%s/", h->folder);
    for (size_t i = 0; i < CS_SHA256_SIZE; i++)
        n += (size_t)snprintf(path + n, size - n, "%02x", digest[i]);
    snprintf(path + n, size - n, ".seen");
    return path;
}

/* The iat a .seen file records for uri; 0 when there is none, or it is not
 * a regular file of ours, or it does not parse (never follows a link). */
static int64_t seen_read(const char *path, const char *uri)
{
    char text[SEEN_FILE_MAX + 1], *p, *end;
    size_t magic_len = strlen(SEEN_MAGIC), uri_len = strlen(uri);
    struct stat st;
    ssize_t n;
    int64_t when = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0)
        return 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SEEN_FILE_MAX ||
        (n = read(fd, text, SEEN_FILE_MAX)) < 0) {
        close(fd);
        return 0;
    }
    close(fd);
    text[n] = '\0';
    if ((size_t)n < magic_len || memcmp(text, SEEN_MAGIC, magic_len) != 0)
        return 0;
    p = text + magic_len;
    errno = 0;
    long long value = strtoll(p, &end, 10);
    if (errno != 0 || end == p || *end != '\n' || value <= 0)
        return 0;
    p = end + 1;
    /* The URI guards against another URI whose name hashes alike. */
    if (strlen(p) != uri_len + 1 || memcmp(p, uri, uri_len) != 0 || p[uri_len] != '\n')
        return 0;
    when = (int64_t)value;
    return when;
}

/* Best effort: a history that cannot be written protects this run only.
 * Something other than a regular file in the way is left alone. */
static void seen_write(const char *path, const char *uri, int64_t issued_at)
{
    struct stat st;
    char *text;
    size_t size = strlen(SEEN_MAGIC) + 24 + strlen(uri) + 2;

    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return;
    if ((text = malloc(size)) == NULL)
        return;
    int n = snprintf(text, size, "%s%" PRId64 "\n%s\n", SEEN_MAGIC, issued_at, uri);
    if (n > 0 && (size_t)n < size)
        (void)!cs_file_write_atomic(path, text, (size_t)n, 0600, CS_FILE_REPLACE);
    free(text);
}

/* The entry of uri, made (and read from its file) on first use. */
static cs_err entry_for(cs_status_history_t *h, const char *uri, seen_entry **out)
{
    for (size_t i = 0; i < h->count; i++) {
        if (strcmp(h->entries[i].uri, uri) == 0) {
            *out = &h->entries[i];
            return CS_OK;
        }
    }
    if (h->count == CS_STATUS_HISTORY_MAX)
        return CS_ERR_TOO_LARGE;
    if (h->count == h->cap) {
        size_t cap = h->cap == 0 ? 8 : h->cap * 2;
        seen_entry *grown = realloc(h->entries, cap * sizeof(*grown));
        if (grown == NULL)
            return CS_ERR_NO_MEMORY;
        h->entries = grown;
        h->cap = cap;
    }
    seen_entry *e = &h->entries[h->count];
    if ((e->uri = strdup(uri)) == NULL)
        return CS_ERR_NO_MEMORY;
    e->issued_at = 0;
    if (h->folder != NULL) {
        char *path = seen_path(h, uri);
        if (path == NULL) {
            free(e->uri);
            return CS_ERR_NO_MEMORY;
        }
        e->issued_at = seen_read(path, uri);
        free(path);
    }
    h->count++;
    *out = e;
    return CS_OK;
}

cs_err cs_status_history_accept(cs_status_history_t *h, const char *uri, int64_t issued_at,
                                int64_t *seen)
{
    seen_entry *e = NULL;
    cs_err err;

    if (seen != NULL)
        *seen = 0;
    if (h == NULL || uri == NULL || issued_at <= 0)
        return CS_ERR_ARGUMENT;
    pthread_mutex_lock(&h->lock);
    if ((err = entry_for(h, uri, &e)) != CS_OK)
        goto fail;
    if (issued_at < e->issued_at) {
        if (seen != NULL)
            *seen = e->issued_at;
        err = CS_ERR_STATUS_ROLLBACK;
        goto fail;
    }
    if (issued_at > e->issued_at) {
        e->issued_at = issued_at;
        if (h->folder != NULL) {
            char *path = seen_path(h, uri);
            if (path != NULL)
                seen_write(path, uri, issued_at);
            free(path);
        }
    }
fail:
    pthread_mutex_unlock(&h->lock);
    return err;
}
