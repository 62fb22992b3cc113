/* SPDX-License-Identifier: ISC */
/* Files written whole or not at all, from a buffer or from a writer
 * function (pkg/file.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certseal/file.h"
#include "helper_files.h"

static char folder[] = "/tmp/certseal-test-file.XXXXXX";

static int set_up(void **state)
{
    (void)state;
    return mkdtemp(folder) == NULL ? -1 : 0;
}

static int tear_down(void **state)
{
    (void)state;
    return helper_remove_dir(folder);
}

/* Writes `lines` lines "line N", then fails with `fail` (CS_OK: none). */
typedef struct lines_writer {
    int lines;
    cs_err fail;
} lines_writer;

static cs_err put_lines(void *ctx, FILE *f)
{
    const lines_writer *w = ctx;
    for (int i = 0; i < w->lines; i++)
        if (fprintf(f, "line %d\n", i) < 0)
            return CS_ERR_IO_WRITE;
    return w->fail;
}

/* Names in the folder, dot-files (a temporary left behind) included. */
static size_t entries(void)
{
    DIR *dir = opendir(folder);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(dir);
    while ((e = readdir(dir)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(dir);
    return n;
}

static void test_writer_whole_or_nothing(void **state)
{
    (void)state;
    char path[128];
    lines_writer ok = {.lines = 20000}, broken = {.lines = 20000, .fail = CS_ERR_NO_MEMORY};
    uint8_t *data = NULL;
    size_t len = 0;
    struct stat st;

    snprintf(path, sizeof(path), "%s/report.csv", folder);
    /* a writer that fails half-way leaves nothing, not even its temporary */
    assert_int_equal(cs_file_write_atomic_with(path, put_lines, &broken, 0644, 0),
                     CS_ERR_NO_MEMORY);
    assert_int_not_equal(stat(path, &st), 0);
    assert_int_equal(entries(), 0);

    assert_int_equal(cs_file_write_atomic_with(path, put_lines, &ok, 0644, 0), CS_OK);
    assert_int_equal(cs_file_read_all(path, 1u << 20, &data, &len), CS_OK);
    assert_true(len > 100000);
    assert_memory_equal(data, "line 0\nline 1\n", 14);
    assert_memory_equal(data + len - 11, "line 19999\n", 11);
    free(data);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    /* an existing file stays unless replacing is asked for */
    ok.lines = 1;
    assert_int_equal(cs_file_write_atomic_with(path, put_lines, &ok, 0644, 0), CS_ERR_FILE_EXISTS);
    assert_int_equal(cs_file_write_atomic_with(path, put_lines, &broken, 0644, CS_FILE_REPLACE),
                     CS_ERR_NO_MEMORY);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 100000); /* the failed replacement changed nothing */
    assert_int_equal(cs_file_write_atomic_with(path, put_lines, &ok, 0600, CS_FILE_REPLACE), CS_OK);
    assert_int_equal(cs_file_read_all(path, 1u << 20, &data, &len), CS_OK);
    assert_int_equal(len, 7);
    assert_memory_equal(data, "line 0\n", 7);
    free(data);
    assert_int_equal(entries(), 1);

    /* a device is a stream, written to as it is; arguments are checked */
    assert_int_equal(cs_file_write_atomic_with("/dev/null", put_lines, &ok, 0644, 0), CS_OK);
    assert_int_equal(cs_file_write_atomic_with("/dev/null", put_lines, &ok, 0644, CS_FILE_REGULAR),
                     CS_ERR_FILE_EXISTS);
    assert_int_equal(cs_file_write_atomic_with(path, NULL, NULL, 0644, 0), CS_ERR_ARGUMENT);
    assert_int_equal(cs_file_write_atomic_with("", put_lines, &ok, 0644, 0), CS_ERR_ARGUMENT);
}

static void test_buffer_whole_or_nothing(void **state)
{
    (void)state;
    char path[128];
    uint8_t *data = NULL;
    size_t len = 0;

    snprintf(path, sizeof(path), "%s/token.txt", folder);
    assert_int_equal(cs_file_write_atomic(path, "CS1:ABC\n", 8, 0644, 0), CS_OK);
    assert_int_equal(cs_file_write_atomic(path, "CS1:DEF\n", 8, 0644, 0), CS_ERR_FILE_EXISTS);
    assert_int_equal(cs_file_write_atomic(path, "CS1:DEF\n", 8, 0644, CS_FILE_REPLACE), CS_OK);
    assert_int_equal(cs_file_read_all(path, 64, &data, &len), CS_OK);
    assert_int_equal(len, 8);
    assert_memory_equal(data, "CS1:DEF\n", 8);
    free(data);
    assert_int_equal(cs_file_write_atomic(path, NULL, 1, 0644, 0), CS_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_whole_or_nothing),
        cmocka_unit_test(test_buffer_whole_or_nothing),
    };
    return cmocka_run_group_tests(tests, set_up, tear_down);
}
