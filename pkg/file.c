/* Whole-file reads and atomic whole-file writes. */
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

cs_err cs_file_read_all(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
    if (path == NULL || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *out_len = 0;
    if (strcmp(path, "-") == 0)
        return read_fd(STDIN_FILENO, max, out, out_len);

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return CS_ERR_IO_OPEN;
    struct stat st;
    cs_err err = CS_OK;
    if (fstat(fd, &st) != 0) {
        err = CS_ERR_IO_READ;
    } else if (S_ISDIR(st.st_mode)) {
        err = CS_ERR_IO_READ;
    } else if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
        err = CS_ERR_TOO_LARGE;
    } else {
        err = read_fd(fd, max, out, out_len);
    }
    close(fd);
    return err;
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

static cs_err write_stream(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    cs_err err;

    if (fd < 0)
        return CS_ERR_IO_OPEN;
    err = write_all(fd, data, len);
    if (close(fd) != 0 && err == CS_OK)
        err = CS_ERR_IO_WRITE;
    return err;
}

cs_err cs_file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                            unsigned flags)
{
    if (path == NULL || (data == NULL && len > 0) || *path == '\0')
        return CS_ERR_ARGUMENT;
    if (is_stream(path))
        return write_stream(path, data, len);

    cs_err err = CS_OK;
    int fd = -1;
    char *tmp = temporary_name_for(path);
    if (tmp == NULL)
        return CS_ERR_NO_MEMORY;

    /* Refuse early, before any work, when the target exists. */
    struct stat st;
    if (!(flags & CS_FILE_REPLACE) && lstat(path, &st) == 0) {
        err = CS_ERR_FILE_EXISTS;
        goto fail_no_unlink;
    }
    fd = mkstemp(tmp); /* O_EXCL, mode 0600 */
    if (fd < 0) {
        err = CS_ERR_IO_OPEN;
        goto fail_no_unlink;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || (err = write_all(fd, data, len)) != CS_OK ||
        fsync(fd) != 0) {
        err = err ? err : CS_ERR_IO_WRITE;
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        err = CS_ERR_IO_WRITE;
        goto fail;
    }
    fd = -1;
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

void cs_wipe(void *p, size_t n)
{
    cs_crypto_wipe(p, n);
}
