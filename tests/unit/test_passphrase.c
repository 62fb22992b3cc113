/* SPDX-License-Identifier: ISC */
/*
 * Reading a passphrase or PIN (pkg/passphrase.c): the first line of a file,
 * one line of a descriptor with what follows left unread, a CR before the
 * newline dropped, and one typed error for each refusal; the buffer is
 * wiped when reading fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certseal/passphrase.h"

static char path[64];

static void write_file(const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    int fd;

    snprintf(path, sizeof(path), "/tmp/certseal-passphrase.XXXXXX");
    if ((fd = mkstemp(path)) < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void test_file(void **state)
{
    (void)state;
    cs_passphrase_source from = {path, -1, NULL, false};
    char buf[16];
    size_t len = 99;

    write_file("secret one\r\nsecond line\n", 24);
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_OK);
    assert_string_equal(buf, "secret one");
    assert_int_equal(len, 10);
    write_file("no newline", 10);
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_OK);
    assert_string_equal(buf, "no newline");
    write_file("exactly fifteen\n", 16); /* 15 bytes and the NUL fit in 16 */
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_OK);
    assert_int_equal(len, 15);
    write_file("sixteen bytes!!!\n", 17);
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_ERR_SECRET_TOO_LONG);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0); /* wiped */
    write_file("\nsecret\n", 8);
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_ERR_SECRET_EMPTY);
    write_file("", 0);
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_ERR_SECRET_EMPTY);
    from.file = "/nonexistent/certseal/passphrase";
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_ERR_IO_OPEN);
    assert_int_equal(errno, ENOENT);
    from.file = "/"; /* a folder opens but does not read */
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_ERR_IO_READ);
    assert_int_equal(errno, EISDIR);
}

static void test_descriptor(void **state)
{
    (void)state;
    int fds[2];
    char buf[32], rest[16];
    size_t len = 0;

    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "pin 1234\nafter", 14), 14);
    close(fds[1]);
    cs_passphrase_source from = {NULL, fds[0], NULL, false};
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_OK);
    assert_string_equal(buf, "pin 1234");
    assert_int_equal(read(fds[0], rest, sizeof(rest)), 5); /* "after" left unread */
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_ERR_SECRET_EMPTY);
    close(fds[0]);
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_ERR_IO_READ);
    assert_int_equal(errno, EBADF);

    /* The file comes before the descriptor. */
    write_file("from the file\n", 14);
    from.file = path;
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len), CS_OK);
    assert_string_equal(buf, "from the file");
}

static void test_no_terminal(void **state)
{
    (void)state;
    cs_passphrase_source from = {NULL, -1, "Passphrase: ", true};
    char buf[16];
    size_t len = 0;
    int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);

    if (tty >= 0) { /* run by hand on a terminal: nothing to check unattended */
        close(tty);
        skip();
    }
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), &len),
                     CS_ERR_SECRET_NO_TERMINAL);
}

static void test_arguments(void **state)
{
    (void)state;
    cs_passphrase_source from = {NULL, -1, NULL, false};
    char buf[4];
    size_t len;

    assert_int_equal(cs_passphrase_read(NULL, buf, sizeof(buf), &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_passphrase_read(&from, NULL, sizeof(buf), &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_passphrase_read(&from, buf, 0, &len), CS_ERR_ARGUMENT);
    assert_int_equal(cs_passphrase_read(&from, buf, sizeof(buf), NULL), CS_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_no_terminal),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
