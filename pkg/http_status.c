/* SPDX-License-Identifier: ISC */
/* The status list files the service watches (http_status.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "certseal/file.h"
#include "certseal/status.h"
#include "http_log.h"
#include "http_status.h"

#define STATUS_FILES_MAX 4096
#define WATCH_INTERVAL_SECONDS 1

/* One file as last read.  The stamp tells whether it changed since. */
typedef struct status_file {
    char *path;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    uint8_t *data; /* its last good version; NULL when it never read */
    size_t len;
    int64_t reread_at; /* read time + the list's ttl; INT64_MAX without one */
} status_file;

typedef struct file_set {
    status_file *files;
    size_t count;
} file_set;

struct http_status_files {
    char **paths; /* as configured: files or folders */
    size_t path_count;
    http_logger *logger;
    pthread_mutex_t lock; /* guards current, generation, stopping, reload_all */
    pthread_cond_t wake;
    file_set current;
    uint64_t generation;
    bool stopping;
    bool reload_all;
    bool thread_started;
    pthread_t thread;
};

static void file_set_clear(file_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        free(set->files[i].path);
        free(set->files[i].data);
    }
    free(set->files);
    set->files = NULL;
    set->count = 0;
}

static cs_err file_set_append(file_set *set, const char *path, const struct stat *st)
{
    status_file *grown, *f;

    if (set->count == STATUS_FILES_MAX)
        return CS_ERR_TOO_LARGE;
    if ((grown = realloc(set->files, (set->count + 1) * sizeof(*grown))) == NULL)
        return CS_ERR_NO_MEMORY;
    set->files = grown;
    f = &set->files[set->count];
    memset(f, 0, sizeof(*f));
    if ((f->path = strdup(path)) == NULL)
        return CS_ERR_NO_MEMORY;
    f->dev = st->st_dev;
    f->ino = st->st_ino;
    f->size = st->st_size;
    f->mtime = st->st_mtim;
    f->reread_at = INT64_MAX;
    set->count++;
    return CS_OK;
}

/* Appends the regular files of folder (dot-files skipped), in name order. */
static cs_err list_folder(const char *folder, file_set *set, char *detail, size_t detail_size)
{
    cs_file_list files;
    cs_err err = cs_file_list_folder(folder, STATUS_FILES_MAX, &files);

    if (err == CS_ERR_IO_OPEN) {
        snprintf(detail, detail_size, "%s: cannot open the folder: %s", folder, strerror(errno));
        return err;
    }
    for (size_t i = 0; i < files.count && err == CS_OK; i++) {
        struct stat st;
        if (stat(files.paths[i], &st) == 0 && S_ISREG(st.st_mode))
            err = file_set_append(set, files.paths[i], &st);
    }
    cs_file_list_clear(&files);
    if (err == CS_ERR_TOO_LARGE)
        snprintf(detail, detail_size, "%s: more than %d status list files", folder,
                 STATUS_FILES_MAX);
    return err;
}

/* The files the configured paths name now, with their stamps, not read. */
static cs_err list_files(const http_status_files *sf, file_set *set, char *detail,
                         size_t detail_size)
{
    cs_err err = CS_OK;

    for (size_t i = 0; i < sf->path_count && err == CS_OK; i++) {
        struct stat st;
        if (stat(sf->paths[i], &st) != 0) {
            snprintf(detail, detail_size, "%s: %s", sf->paths[i], strerror(errno));
            err = CS_ERR_IO_OPEN;
        } else if (S_ISDIR(st.st_mode)) {
            err = list_folder(sf->paths[i], set, detail, detail_size);
        } else {
            err = file_set_append(set, sf->paths[i], &st);
        }
    }
    return err;
}

/* Reads f and checks that it decodes as a Status List Token. */
static cs_err read_file(status_file *f, int64_t now, char *detail, size_t detail_size)
{
    cs_status_token token = {0};
    char why[CS_CHECK_DETAIL_SIZE] = "";
    uint8_t *data = NULL;
    size_t len = 0;
    cs_err err = cs_file_read_all(f->path, CS_STATUS_TOKEN_MAX, &data, &len);

    if (err != CS_OK) {
        snprintf(detail, detail_size, "%s: cannot read: %s", f->path,
                 err == CS_ERR_TOO_LARGE ? "larger than a status list token may be"
                                         : strerror(errno));
        return err;
    }
    if ((err = cs_status_token_decode(data, len, &token, why, sizeof(why))) != CS_OK) {
        snprintf(detail, detail_size, "%s: not a status list token: %s", f->path,
                 why[0] != '\0' ? why : cs_strerror(err));
        free(data);
        return err;
    }
    free(f->data);
    f->data = data;
    f->len = len;
    f->reread_at = token.ttl > 0 && token.ttl < (uint64_t)INT64_MAX - (uint64_t)now
                       ? now + (int64_t)token.ttl
                       : INT64_MAX;
    cs_status_token_clear(&token);
    return CS_OK;
}

static const status_file *find_file(const file_set *set, const char *path)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->files[i].path, path) == 0)
            return &set->files[i];
    return NULL;
}

static bool same_stamp(const status_file *a, const status_file *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static bool same_bytes(const status_file *a, const status_file *b)
{
    return a->data != NULL && b->data != NULL && a->len == b->len &&
           memcmp(a->data, b->data, a->len) == 0;
}

/* Copies the last good version of old into f (both kept). */
static cs_err keep_version(status_file *f, const status_file *old)
{
    if (old == NULL || old->data == NULL)
        return CS_OK;
    if ((f->data = malloc(old->len)) == NULL)
        return CS_ERR_NO_MEMORY;
    memcpy(f->data, old->data, old->len);
    f->len = old->len;
    f->reread_at = old->reread_at;
    return CS_OK;
}

/*
 * Fills next (listed, not read) from the files: a file whose stamp is
 * unchanged and whose ttl has not passed keeps its bytes; the others are
 * read again, and one that no longer decodes keeps its last good version.
 * *changed tells whether the lists differ from old.
 */
static cs_err refresh(http_status_files *sf, const file_set *old, file_set *next, bool reread_all,
                      bool *changed)
{
    int64_t now = (int64_t)time(NULL);

    *changed = false;
    for (size_t i = 0; i < next->count; i++) {
        status_file *f = &next->files[i];
        const status_file *before = find_file(old, f->path);
        char detail[512];

        if (before != NULL && same_stamp(f, before) && now < before->reread_at && !reread_all) {
            if (keep_version(f, before) != CS_OK)
                return CS_ERR_NO_MEMORY;
        } else if (read_file(f, now, detail, sizeof(detail)) != CS_OK) {
            http_log(sf->logger, "status: %s%s", detail,
                     before != NULL && before->data != NULL ? "; its last good version is kept"
                                                            : "; not used");
            if (keep_version(f, before) != CS_OK)
                return CS_ERR_NO_MEMORY;
        } else if (before == NULL || !same_bytes(f, before)) {
            http_log(sf->logger, "status: %s %s", f->path, before == NULL ? "read" : "read again");
            *changed = true;
        }
    }
    for (size_t i = 0; i < old->count; i++)
        if (old->files[i].data != NULL && find_file(next, old->files[i].path) == NULL) {
            http_log(sf->logger, "status: %s is gone; no longer used", old->files[i].path);
            *changed = true;
        }
    return CS_OK;
}

/* One look at the files; swaps in the new set when anything changed. */
static void watch_once(http_status_files *sf, bool reread_all)
{
    file_set next = {0};
    char detail[512] = "";
    bool changed = false;
    cs_err err = list_files(sf, &next, detail, sizeof(detail));

    /* The thread is the only writer of current: it may read it unlocked. */
    if (err != CS_OK) {
        http_log(sf->logger, "status: %s; the lists read before are kept", detail);
    } else if (refresh(sf, &sf->current, &next, reread_all, &changed) != CS_OK) {
        http_log(sf->logger, "status: out of memory; the lists read before are kept");
    } else {
        file_set old;
        pthread_mutex_lock(&sf->lock);
        old = sf->current;
        sf->current = next;
        next = old;
        if (changed)
            sf->generation++;
        pthread_mutex_unlock(&sf->lock);
    }
    file_set_clear(&next);
}

static void *watch(void *arg)
{
    http_status_files *sf = arg;
    bool reread_all;

    pthread_mutex_lock(&sf->lock);
    while (!sf->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += WATCH_INTERVAL_SECONDS;
        if (!sf->reload_all)
            pthread_cond_timedwait(&sf->wake, &sf->lock, &until);
        if (sf->stopping)
            break;
        reread_all = sf->reload_all;
        sf->reload_all = false;
        pthread_mutex_unlock(&sf->lock);
        watch_once(sf, reread_all);
        pthread_mutex_lock(&sf->lock);
    }
    pthread_mutex_unlock(&sf->lock);
    return NULL;
}

/* The first reading, strict: every file must read and decode. */
static cs_err read_all(http_status_files *sf, char *detail, size_t detail_size)
{
    int64_t now = (int64_t)time(NULL);
    cs_err err = list_files(sf, &sf->current, detail, detail_size);

    for (size_t i = 0; i < sf->current.count && err == CS_OK; i++)
        err = read_file(&sf->current.files[i], now, detail, detail_size);
    return err;
}

cs_err http_status_files_open(const char *const *paths, size_t count, http_logger *logger,
                              http_status_files **out, char *detail, size_t detail_size)
{
    http_status_files *sf = calloc(1, sizeof(*sf));
    cs_err err = CS_ERR_NO_MEMORY;

    *out = NULL;
    if (sf == NULL || (sf->paths = calloc(count ? count : 1, sizeof(char *))) == NULL)
        goto fail;
    sf->logger = logger;
    pthread_mutex_init(&sf->lock, NULL);
    pthread_cond_init(&sf->wake, NULL);
    for (; sf->path_count < count; sf->path_count++)
        if ((sf->paths[sf->path_count] = strdup(paths[sf->path_count])) == NULL)
            goto fail;
    if ((err = read_all(sf, detail, detail_size)) != CS_OK)
        goto fail;
    if (count > 0) {
        if (pthread_create(&sf->thread, NULL, watch, sf) != 0) {
            err = CS_ERR_NO_MEMORY;
            goto fail;
        }
        sf->thread_started = true;
    }
    *out = sf;
    return CS_OK;
fail:
    http_status_files_close(&sf);
    return err;
}

void http_status_files_close(http_status_files **files)
{
    http_status_files *sf = files != NULL ? *files : NULL;

    if (sf == NULL)
        return;
    if (sf->thread_started) {
        pthread_mutex_lock(&sf->lock);
        sf->stopping = true;
        pthread_cond_signal(&sf->wake);
        pthread_mutex_unlock(&sf->lock);
        pthread_join(sf->thread, NULL);
    }
    file_set_clear(&sf->current);
    if (sf->paths != NULL) {
        for (size_t i = 0; i < sf->path_count; i++)
            free(sf->paths[i]);
        free(sf->paths);
        pthread_mutex_destroy(&sf->lock);
        pthread_cond_destroy(&sf->wake);
    }
    free(sf);
    *files = NULL;
}

uint64_t http_status_files_generation(http_status_files *sf)
{
    uint64_t generation;

    if (sf == NULL)
        return 0;
    pthread_mutex_lock(&sf->lock);
    generation = sf->generation;
    pthread_mutex_unlock(&sf->lock);
    return generation;
}

cs_err http_status_files_add_to(http_status_files *sf, cs_verifier_t *verifier,
                                uint64_t *generation)
{
    cs_err err = CS_OK;

    *generation = 0;
    if (sf == NULL)
        return CS_OK;
    pthread_mutex_lock(&sf->lock);
    for (size_t i = 0; i < sf->current.count && err == CS_OK; i++) {
        const status_file *f = &sf->current.files[i];
        if (f->data != NULL)
            err = cs_verifier_add_status_list(verifier, f->data, f->len, NULL, 0);
    }
    *generation = sf->generation;
    pthread_mutex_unlock(&sf->lock);
    return err;
}

void http_status_files_reload(http_status_files *sf)
{
    if (sf == NULL || !sf->thread_started)
        return;
    pthread_mutex_lock(&sf->lock);
    sf->reload_all = true;
    pthread_cond_signal(&sf->wake);
    pthread_mutex_unlock(&sf->lock);
}
