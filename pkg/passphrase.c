/* SPDX-License-Identifier: ISC */
/* Reading a passphrase or a PIN (certseal/passphrase.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "certseal/file.h"
#include "certseal/passphrase.h"

/* One line of fd, read a byte at a time so that nothing after it is
 * consumed (a descriptor may carry more than the secret). */
static cs_err read_line(int fd, char *buf, size_t size, size_t *len)
{
    size_t n = 0;

    for (;;) {
        char ch;
        ssize_t got = read(fd, &ch, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return CS_ERR_IO_READ;
        if (got == 0 || ch == '\n')
            break;
        if (n + 1 >= size)
            return CS_ERR_SECRET_TOO_LONG;
        buf[n++] = ch;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *len = n;
    return CS_OK;
}

static cs_err read_file(const char *path, char *buf, size_t size, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    cs_err err;
    int saved;

    if (fd < 0)
        return CS_ERR_IO_OPEN;
    err = read_line(fd, buf, size, len);
    saved = errno;
    close(fd);
    errno = saved;
    return err;
}

/* The prompt on the controlling terminal, echo off while the line is
 * typed; any failure there is "no terminal to ask on". */
static cs_err prompt_tty(const char *prompt, char *buf, size_t size, size_t *len)
{
    struct termios saved, quiet;
    int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
    cs_err err;

    if (tty < 0)
        return CS_ERR_SECRET_NO_TERMINAL;
    if (write(tty, prompt, strlen(prompt)) < 0 || tcgetattr(tty, &saved) != 0) {
        close(tty);
        return CS_ERR_SECRET_NO_TERMINAL;
    }
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(tty, TCSAFLUSH, &quiet);
    err = read_line(tty, buf, size, len) == CS_OK ? CS_OK : CS_ERR_SECRET_NO_TERMINAL;
    tcsetattr(tty, TCSAFLUSH, &saved);
    if (write(tty, "\n", 1) < 0)
        err = CS_ERR_SECRET_NO_TERMINAL;
    close(tty);
    return err;
}

/* Asks again at the prompt; CS_ERR_SECRET_MISMATCH unless the same line
 * comes (a failure to ask counts as a mismatch: nothing is written). */
static cs_err confirm_tty(const char *first, size_t first_len, size_t size)
{
    char *again = calloc(1, size);
    size_t again_len = 0;
    cs_err err = CS_ERR_SECRET_MISMATCH;

    if (again != NULL && prompt_tty("Repeat the passphrase: ", again, size, &again_len) == CS_OK &&
        again_len == first_len && memcmp(again, first, first_len) == 0)
        err = CS_OK;
    if (again != NULL)
        cs_wipe(again, size);
    free(again);
    return err;
}

cs_err cs_passphrase_read(const cs_passphrase_source *source, char *buf, size_t size, size_t *len)
{
    size_t n = 0;
    cs_err err;

    if (source == NULL || buf == NULL || size == 0 || len == NULL)
        return CS_ERR_ARGUMENT;
    if (source->file != NULL)
        err = read_file(source->file, buf, size, &n);
    else if (source->fd >= 0)
        err = read_line(source->fd, buf, size, &n);
    else if ((err = prompt_tty(source->prompt != NULL ? source->prompt : "", buf, size, &n)) ==
                 CS_OK &&
             source->confirm)
        err = confirm_tty(buf, n, size);
    if (err == CS_OK && n == 0)
        err = CS_ERR_SECRET_EMPTY;
    if (err != CS_OK) {
        int saved = errno;
        cs_wipe(buf, size);
        errno = saved;
        return err;
    }
    *len = n;
    return CS_OK;
}
