/* SPDX-License-Identifier: ISC */
/*
 * A PDF page drawn by pdftoppm (poppler-utils) in a process of its own
 * (pdf_internal.h).  poppler is GPL; run as a separate program it stays
 * out of the ISC library (docs/pdf.md).  No shell: posix_spawnp() with an
 * argument vector; standard input and error are /dev/null; the image comes
 * back as a PGM through a pipe, read with a size cap and a deadline, after
 * which the process is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "pdf_internal.h"

extern char **environ;

#define PGM_HEADER_MAX 64 /* "P5\n16384 16384\n255\n" and then some */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

cs_err cs_pdf_render_file(const uint8_t *data, size_t len, char **dir, char **path)
{
    const char *tmp = getenv("TMPDIR");
    size_t dir_len;
    int fd = -1;
    cs_err err = CS_ERR_NO_MEMORY;

    *dir = NULL;
    *path = NULL;
    if (tmp == NULL || tmp[0] != '/')
        tmp = "/tmp";
    dir_len = strlen(tmp) + sizeof("/certseal-pdf.XXXXXX");
    if ((*dir = malloc(dir_len)) == NULL || (*path = malloc(dir_len + sizeof("/in.pdf"))) == NULL)
        goto fail;
    snprintf(*dir, dir_len, "%s/certseal-pdf.XXXXXX", tmp);
    err = CS_ERR_IO_WRITE;
    if (mkdtemp(*dir) == NULL) {
        free(*dir);
        *dir = NULL;
        goto fail;
    }
    snprintf(*path, dir_len + sizeof("/in.pdf"), "%s/in.pdf", *dir);
    if ((fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
        goto fail;
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        done += (size_t)n;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    return CS_OK;
fail:
    if (fd >= 0)
        close(fd);
    cs_pdf_render_remove(dir, path);
    return err;
}

void cs_pdf_render_remove(char **dir, char **path)
{
    if (path != NULL && *path != NULL) {
        (void)unlink(*path);
        free(*path);
        *path = NULL;
    }
    if (dir != NULL && *dir != NULL) {
        (void)rmdir(*dir);
        free(*dir);
        *dir = NULL;
    }
}

/* Reads a number of the PGM header at *at (after white space and
 * comments); false when there is none or it is past limit. */
static bool pgm_number(const uint8_t *data, size_t len, size_t *at, unsigned long limit,
                       unsigned long *value)
{
    unsigned long v = 0;
    size_t start;

    for (;;) {
        while (*at < len &&
               (data[*at] == ' ' || data[*at] == '\n' || data[*at] == '\r' || data[*at] == '\t'))
            (*at)++;
        if (*at < len && data[*at] == '#') {
            while (*at < len && data[*at] != '\n')
                (*at)++;
            continue;
        }
        break;
    }
    start = *at;
    while (*at < len && data[*at] >= '0' && data[*at] <= '9' && *at - start < 9)
        v = v * 10 + (unsigned long)(data[(*at)++] - '0');
    if (*at == start || v > limit)
        return false;
    *value = v;
    return true;
}

/* The binary PGM (P5, 8-bit) in data as a grey image. */
static cs_err pgm_read(const uint8_t *data, size_t len, size_t max_pixels, cs_image *out,
                       char *detail, size_t detail_size)
{
    unsigned long width, height, maxval;
    size_t at = 2;

    if (len < 2 || data[0] != 'P' || data[1] != '5' ||
        !pgm_number(data, len, &at, CS_IMAGE_MAX_SIDE, &width) ||
        !pgm_number(data, len, &at, CS_IMAGE_MAX_SIDE, &height) ||
        !pgm_number(data, len, &at, 65535, &maxval) || maxval != 255 || at >= len || width == 0 ||
        height == 0)
        return cs_detail_fail(detail, detail_size, CS_ERR_PDF_RENDER,
                              "pdftoppm did not write an 8-bit PGM image");
    at++; /* the one white space character before the pixels */
    if ((uint64_t)width * height > max_pixels)
        return cs_detail_fail(detail, detail_size, CS_ERR_IMAGE_DIMENSIONS,
                              "pdftoppm drew %lu x %lu pixels (the limit is %zu)", width, height,
                              max_pixels);
    if (len - at < (size_t)width * height)
        return cs_detail_fail(detail, detail_size, CS_ERR_PDF_RENDER,
                              "pdftoppm's image is cut short");
    if ((out->pixels = malloc((size_t)width * height)) == NULL)
        return CS_ERR_NO_MEMORY;
    memcpy(out->pixels, data + at, (size_t)width * height);
    out->width = (uint32_t)width;
    out->height = (uint32_t)height;
    return CS_OK;
}

/* Reads the child's output until end of file, the cap or the deadline.
 * *timed_out when the deadline passed; *too_much when the cap did. */
static cs_err read_output(int fd, size_t cap, long long deadline, uint8_t **buf, size_t *len,
                          bool *timed_out, bool *too_much)
{
    size_t size = 0;
    uint8_t *bigger;

    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t n;
        int ready;

        if (left <= 0) {
            *timed_out = true;
            return CS_OK;
        }
        ready = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return CS_ERR_PDF_RENDER;
        if (ready == 0)
            continue;
        if (*len == size) {
            size_t want = size == 0 ? 1u << 20 : size * 2;
            if (want > cap + 1)
                want = cap + 1;
            if (want <= size) {
                *too_much = true;
                return CS_OK;
            }
            if ((bigger = realloc(*buf, want)) == NULL)
                return CS_ERR_NO_MEMORY;
            *buf = bigger;
            size = want;
        }
        n = read(fd, *buf + *len, size - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return CS_ERR_PDF_RENDER;
        if (n == 0)
            return CS_OK;
        *len += (size_t)n;
    }
}

cs_err cs_pdf_render_page(const char *program, const char *path, unsigned page, unsigned dpi,
                          unsigned timeout_ms, size_t max_pixels, cs_image *out, char *detail,
                          size_t detail_size)
{
    char page_arg[16], dpi_arg[16];
    char *argv[] = {(char *)program, "-q", "-gray",  "-r",         dpi_arg, "-f",
                    page_arg,        "-l", page_arg, (char *)path, NULL};
    posix_spawn_file_actions_t actions;
    int pipe_fd[2] = {-1, -1}, status = 0, spawn_err;
    pid_t pid = -1;
    uint8_t *buf = NULL;
    size_t len = 0;
    bool timed_out = false, too_much = false;
    cs_err err;

    memset(out, 0, sizeof(*out));
    snprintf(page_arg, sizeof(page_arg), "%u", page);
    snprintf(dpi_arg, sizeof(dpi_arg), "%u", dpi);
    if (pipe(pipe_fd) != 0 || fcntl(pipe_fd[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(pipe_fd[1], F_SETFD, FD_CLOEXEC) != 0) {
        if (pipe_fd[0] >= 0) {
            close(pipe_fd[0]);
            close(pipe_fd[1]);
        }
        return cs_detail_fail(detail, detail_size, CS_ERR_PDF_RENDER, "cannot make a pipe");
    }
    if (posix_spawn_file_actions_init(&actions) != 0) {
        close(pipe_fd[0]);
        close(pipe_fd[1]);
        return CS_ERR_NO_MEMORY;
    }
    /* dup2 clears close-on-exec on the copy. */
    (void)posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    (void)posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], 1);
    (void)posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    spawn_err = posix_spawnp(&pid, program, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fd[1]);
    if (spawn_err != 0) {
        close(pipe_fd[0]);
        return cs_detail_fail(detail, detail_size, CS_ERR_UNSUPPORTED,
                              "cannot run %s: %s (install poppler-utils)", program,
                              strerror(spawn_err));
    }
    err = read_output(pipe_fd[0], max_pixels + PGM_HEADER_MAX, now_ms() + (long long)timeout_ms,
                      &buf, &len, &timed_out, &too_much);
    close(pipe_fd[0]);
    if (err != CS_OK || timed_out || too_much)
        (void)kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (err == CS_OK && timed_out)
        err = cs_detail_fail(detail, detail_size, CS_ERR_PDF_RENDER,
                             "pdftoppm took longer than %u ms to draw page %u (it was stopped)",
                             timeout_ms, page);
    else if (err == CS_OK && too_much)
        err = cs_detail_fail(detail, detail_size, CS_ERR_IMAGE_DIMENSIONS,
                             "page %u drawn at %u dpi is larger than %zu pixels", page, dpi,
                             max_pixels);
    else if (err == CS_OK && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        err = cs_detail_fail(detail, detail_size, CS_ERR_PDF_RENDER,
                             "pdftoppm could not draw page %u (exit status %d)", page,
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    else if (err == CS_OK)
        err = pgm_read(buf, len, max_pixels, out, detail, detail_size);
    else if (err == CS_ERR_PDF_RENDER)
        cs_detail_set(detail, detail_size, "cannot read pdftoppm's output");
    free(buf);
    return err;
}
