/* SPDX-License-Identifier: ISC */
/* Whole-file reads and atomic whole-file writes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static cs_err read_fd(int fd, size_t max, uint8_t **out, size_t *out_len)
{
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    cs_err err = CS_OK;

    for (;;) {
        if (len == cap) {
            if (cap > max) {
                err = CS_ERR_TOO_LARGE;
                goto fail;
            }
            size_t grown = cap ? cap * 2 : 8192;
            if (grown > max + 1)
                grown = max + 1;
            uint8_t *p = realloc(buf, grown + 1); /* +1 for the NUL */
            if (p == NULL) {
                err = CS_ERR_NO_MEMORY;
                goto fail;
            }
            buf = p;
            cap = grown;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = CS_ERR_IO_READ;
            goto fail;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max) {
            err = CS_ERR_TOO_LARGE;
            goto fail;
        }
    }
    if (buf == NULL && (buf = malloc(1)) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return CS_OK;
fail:
    free(buf);
    return err;
}

unsigned cs_file_exposure_of_mode(unsigned mode)
{
    return ((mode & S_IRGRP) ? CS_FILE_GROUP_READABLE : 0) |
           ((mode & S_IROTH) ? CS_FILE_OTHERS_READABLE : 0) |
           ((mode & S_IWGRP) ? CS_FILE_GROUP_WRITABLE : 0) |
           ((mode & S_IWOTH) ? CS_FILE_OTHERS_WRITABLE : 0);
}

/* Reads the file at path (not "-").  With exposure non-NULL, also says who
 * else may read or write it, and refuses one that others may write. */
static cs_err read_path(const char *path, size_t max, uint8_t **out, size_t *out_len,
                        unsigned *exposure)
{
    struct stat st;
    cs_err err;
    int fd;

    if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) < 0)
        return CS_ERR_IO_OPEN;
    /* The mode of the file actually opened, not of whatever the name
     * points to a moment later. */
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        err = CS_ERR_IO_READ;
    } else if (exposure != NULL && ((*exposure = cs_file_exposure_of_mode((unsigned)st.st_mode)) &
                                    CS_FILE_OTHERS_WRITABLE)) {
        err = CS_ERR_FILE_PERMISSIONS;
    } else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
        err = CS_ERR_TOO_LARGE;
    } else {
        err = read_fd(fd, max, out, out_len);
    }
    close(fd);
    return err;
}

cs_err cs_file_read_all(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
    if (path == NULL || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if (strcmp(path, "-") == 0)
        return read_fd(STDIN_FILENO, max, out, out_len);
    return read_path(path, max, out, out_len, NULL);
}

cs_err cs_file_read_private(const char *path, size_t max, uint8_t **out, size_t *out_len,
                            unsigned *exposure)
{
    if (path == NULL || out == NULL || out_len == NULL || exposure == NULL ||
        strcmp(path, "-") == 0)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    *exposure = 0;
    return read_path(path, max, out, out_len, exposure);
}

static cs_err write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return CS_ERR_IO_WRITE;
        }
        data += n;
        len -= (size_t)n;
    }
    return CS_OK;
}

/* Makes "<dir>/.<base>.XXXXXX" beside path; the caller frees it. */
static char *temporary_name_for(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    size_t size = dir_len + 1 + strlen(base) + sizeof(".XXXXXX");
    char *name = malloc(size);
    if (name == NULL)
        return NULL;
    snprintf(name, size, "%.*s.%s.XXXXXX", (int)dir_len, path, base);
    return name;
}

/* A device, pipe or socket (/dev/stdout, /dev/null, a FIFO) is a stream:
 * written to as it is, never replaced by a rename. */
static bool is_stream(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 &&
           (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* What a file receives: bytes, or whatever a writer function puts out. */
typedef struct payload {
    const void *data;
    size_t len;
    cs_file_write_fn write;
    void *ctx;
} payload;

/* Writes the payload to fd (with fsync when sync) and closes fd, whatever
 * happens. */
static cs_err write_and_close(int fd, const payload *p, bool sync)
{
    cs_err err;
    FILE *f;

    if (p->write == NULL) {
        err = write_all(fd, p->data, p->len);
        if (err == CS_OK && sync && fsync(fd) != 0)
            err = CS_ERR_IO_WRITE;
        if (close(fd) != 0 && err == CS_OK)
            err = CS_ERR_IO_WRITE;
        return err;
    }
    if ((f = fdopen(fd, "w")) == NULL) {
        close(fd);
        return CS_ERR_NO_MEMORY;
    }
    err = p->write(p->ctx, f);
    if (fflush(f) != 0 && err == CS_OK)
        err = CS_ERR_IO_WRITE;
    if (err == CS_OK && sync && fsync(fileno(f)) != 0)
        err = CS_ERR_IO_WRITE;
    if (fclose(f) != 0 && err == CS_OK)
        err = CS_ERR_IO_WRITE;
    return err;
}

static cs_err write_stream(const char *path, const payload *p)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);

    if (fd < 0)
        return CS_ERR_IO_OPEN;
    return write_and_close(fd, p, false);
}

static cs_err write_atomic(const char *path, const payload *p, unsigned mode, unsigned flags)
{
    struct stat st;

    if (flags & CS_FILE_REGULAR) {
        /* lstat: a link planted under the name is not followed. */
        if (lstat(path, &st) == 0 && (!S_ISREG(st.st_mode) || !(flags & CS_FILE_REPLACE)))
            return CS_ERR_FILE_EXISTS;
    } else if (is_stream(path)) {
        return write_stream(path, p);
    }

    cs_err err = CS_OK;
    int fd = -1;
    char *tmp = temporary_name_for(path);
    if (tmp == NULL)
        return CS_ERR_NO_MEMORY;

    /* Refuse early, before any work, when the target exists. */
    if (!(flags & CS_FILE_REPLACE) && lstat(path, &st) == 0) {
        err = CS_ERR_FILE_EXISTS;
        goto fail_no_unlink;
    }
    fd = mkstemp(tmp); /* O_EXCL, mode 0600 */
    if (fd < 0) {
        err = CS_ERR_IO_OPEN;
        goto fail_no_unlink;
    }
    if (fchmod(fd, (mode_t)mode) != 0) {
        err = CS_ERR_IO_WRITE;
        goto fail;
    }
    err = write_and_close(fd, p, true);
    fd = -1;
    if (err != CS_OK)
        goto fail;
    if (flags & CS_FILE_REPLACE) {
        if (rename(tmp, path) != 0) {
            err = CS_ERR_IO_WRITE;
            goto fail;
        }
    } else {
        /* link() fails with EEXIST instead of replacing: no race with a
         * file created after the check above. */
        if (link(tmp, path) != 0) {
            err = errno == EEXIST ? CS_ERR_FILE_EXISTS : CS_ERR_IO_WRITE;
            goto fail;
        }
        unlink(tmp);
    }
    free(tmp);
    return CS_OK;

fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
fail_no_unlink:
    free(tmp);
    return err;
}

cs_err cs_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                            unsigned flags)
{
    payload p = {.data = data, .len = len};

    if (path == NULL || (data == NULL && len > 0) || *path == '\0')
        return CS_ERR_ARGUMENT;
    return write_atomic(path, &p, mode, flags);
}

cs_err cs_file_write_atomic_with(const char *path, cs_file_write_fn write, void *ctx,
                                 unsigned mode, unsigned flags)
{
    payload p = {.write = write, .ctx = ctx};

    if (path == NULL || write == NULL || *path == '\0')
        return CS_ERR_ARGUMENT;
    return write_atomic(path, &p, mode, flags);
}

/* True when name is ".<base>.XXXXXX" with six characters of mkstemp's
 * alphabet (letters and digits) as XXXXXX. */
static bool is_temporary_of(const char *name, const char *base)
{
    size_t base_len = strlen(base), len = strlen(name);

    if (len != base_len + 8 || name[0] != '.' || strncmp(name + 1, base, base_len) != 0 ||
        name[1 + base_len] != '.')
        return false;
    for (const char *p = name + base_len + 2; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

cs_err cs_file_remove_stale(const char *path, int64_t now, int64_t min_age_seconds, size_t *removed)
{
    const char *slash, *base;
    char *dir_path = NULL;
    DIR *dir = NULL;
    struct dirent *entry;
    size_t count = 0;
    int dir_fd;

    if (removed != NULL)
        *removed = 0;
    if (path == NULL || *path == '\0' || min_age_seconds < 0)
        return CS_ERR_ARGUMENT;
    slash = strrchr(path, '/');
    base = slash != NULL ? slash + 1 : path;
    if (*base == '\0')
        return CS_ERR_ARGUMENT;
    if (slash == NULL)
        dir_path = strdup(".");
    else if (slash == path)
        dir_path = strdup("/");
    else
        dir_path = strndup(path, (size_t)(slash - path));
    if (dir_path == NULL)
        return CS_ERR_NO_MEMORY;
    if ((dir = opendir(dir_path)) == NULL)
        goto fail;
    dir_fd = dirfd(dir);
    while ((entry = readdir(dir)) != NULL) {
        struct stat st;
        if (!is_temporary_of(entry->d_name, base) ||
            fstatat(dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != geteuid() || (int64_t)st.st_mtime > now - min_age_seconds)
            continue;
        if (unlinkat(dir_fd, entry->d_name, 0) == 0)
            count++;
    }
fail:
    if (dir != NULL)
        closedir(dir);
    free(dir_path);
    if (removed != NULL)
        *removed = count;
    return CS_OK;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends "folder/name" to *list, growing it by doubling. */
static cs_err list_append(cs_file_list *list, size_t *cap, const char *folder, const char *name)
{
    size_t size = strlen(folder) + strlen(name) + 2;
    if (list->count == *cap) {
        size_t grown = *cap ? *cap * 2 : 16;
        char **paths = realloc(list->paths, grown * sizeof(*paths));
        if (paths == NULL)
            return CS_ERR_NO_MEMORY;
        list->paths = paths;
        *cap = grown;
    }
    if ((list->paths[list->count] = malloc(size)) == NULL)
        return CS_ERR_NO_MEMORY;
    snprintf(list->paths[list->count++], size, "%s/%s", folder, name);
    return CS_OK;
}

cs_err cs_file_list_folder(const char *folder, size_t max, cs_file_list *out)
{
    DIR *dir = NULL;
    struct dirent *entry;
    size_t cap = 0;
    cs_err err = CS_OK;

    if (folder == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    memset(out, 0, sizeof(*out));
    if ((dir = opendir(folder)) == NULL)
        return CS_ERR_IO_OPEN;
    while (err == CS_OK && (entry = readdir(dir)) != NULL) {
        struct stat st;
        if (entry->d_name[0] == '.')
            continue;
        if ((err = list_append(out, &cap, folder, entry->d_name)) != CS_OK)
            goto fail;
        if (stat(out->paths[out->count - 1], &st) != 0 || !S_ISREG(st.st_mode))
            free(out->paths[--out->count]);
        else if (max > 0 && out->count > max)
            err = CS_ERR_TOO_LARGE;
    }
    if (err != CS_OK)
        goto fail;
    closedir(dir);
    if (out->count > 1)
        qsort(out->paths, out->count, sizeof(*out->paths), compare_paths);
    return CS_OK;
fail:
    closedir(dir);
    cs_file_list_clear(out);
    return err;
}

void cs_file_list_clear(cs_file_list *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++)
        free(list->paths[i]);
    free(list->paths);
    memset(list, 0, sizeof(*list));
}

void cs_wipe(void *p, size_t n)
{
    cs_crypto_wipe(p, n);
}
