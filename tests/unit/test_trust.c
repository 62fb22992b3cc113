/* SPDX-License-Identifier: ISC */
/* The trust store: files, folders, several keys, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certseal/file.h"
#include "certseal/key.h"
#include "certseal/trust.h"

static char folder[] = "/tmp/certseal-trust.XXXXXX";

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", folder, name);
}

static void write_text(const char *name, const char *text)
{
    char path[256];
    path_in(path, sizeof(path), name);
    assert_int_equal(cs_file_write_atomic(path, text, strlen(text), 0644, CS_FILE_REPLACE), CS_OK);
}

/* Writes a new key's public PEM to name and returns its text. */
static char *write_new_public_key(const char *name, cs_alg alg)
{
    cs_key_t *key = NULL;
    char path[256];
    uint8_t *pem = NULL;
    size_t len;
    path_in(path, sizeof(path), name);
    assert_int_equal(cs_key_generate(alg, &key), CS_OK);
    assert_int_equal(cs_key_write_public_file(key, path, CS_KEY_WRITE_FORCE), CS_OK);
    assert_int_equal(cs_file_read_all(path, 65536, &pem, &len), CS_OK);
    cs_key_free(&key);
    return (char *)pem;
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(folder) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char command[128];
    snprintf(command, sizeof(command), "rm -rf '%s'", folder);
    return system(command) == 0 ? 0 : -1;
}

static size_t load_count(const char *name, cs_err expected)
{
    cs_trust_t *trust = NULL;
    char path[256], detail[300] = "";
    size_t count;
    path_in(path, sizeof(path), name);
    assert_int_equal(cs_trust_new(&trust), CS_OK);
    assert_int_equal(cs_trust_load(trust, path, detail, sizeof(detail)), expected);
    if (expected != CS_OK)
        assert_non_null(strstr(detail, folder)); /* the message names the file */
    count = cs_trust_count(trust);
    cs_trust_free(&trust);
    assert_null(trust);
    return count;
}

static void test_one_file_several_keys(void **state)
{
    (void)state;
    char *a = write_new_public_key("a.pub", CS_ALG_EDDSA);
    char *b = write_new_public_key("b.pub", CS_ALG_ES256);
    size_t size = strlen(a) + strlen(b) + 64;
    char *both = malloc(size);
    snprintf(both, size, "# two AB keys\n%s\n%s", a, b);
    write_text("both.pem", both);
    assert_int_equal(load_count("both.pem", CS_OK), 2);
    assert_int_equal(load_count("a.pub", CS_OK), 1);
    free(a);
    free(b);
    free(both);
}

static void test_folder(void **state)
{
    (void)state;
    char sub[256];
    path_in(sub, sizeof(sub), "store");
    assert_int_equal(mkdir(sub, 0755), 0);
    free(write_new_public_key("store/ab1.pub", CS_ALG_EDDSA));
    free(write_new_public_key("store/ab2.pem", CS_ALG_ES256));
    write_text("store/README", "not a key: passed over\n");
    write_text("store/.hidden", "-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n");
    assert_int_equal(load_count("store", CS_OK), 2);
}

static void test_refusals(void **state)
{
    (void)state;
    char sub[256];
    path_in(sub, sizeof(sub), "empty");
    assert_int_equal(mkdir(sub, 0755), 0);
    load_count("empty", CS_ERR_TRUST_EMPTY);
    write_text("nokey.txt", "hello\n");
    load_count("nokey.txt", CS_ERR_TRUST_EMPTY);
    write_text("broken.pub", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    load_count("broken.pub", CS_ERR_KEY_PARSE);
    write_text("unterminated.pub", "-----BEGIN PUBLIC KEY-----\nAAAA\n");
    load_count("unterminated.pub", CS_ERR_KEY_PARSE);
    load_count("missing.pub", CS_ERR_IO_OPEN);
}

static void test_lookup(void **state)
{
    (void)state;
    cs_trust_t *trust = NULL;
    cs_key_t *key = NULL;
    assert_int_equal(cs_trust_new(&trust), CS_OK);
    assert_int_equal(cs_key_generate(CS_ALG_EDDSA, &key), CS_OK);
    const cs_key_t *borrowed = key;
    assert_int_equal(cs_trust_add_key(trust, &key), CS_OK);
    assert_null(key); /* ownership moved */
    assert_ptr_equal(cs_trust_key_at(trust, 0), borrowed);
    assert_null(cs_trust_key_at(trust, 1));
    cs_trust_free(&trust);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_file_several_keys),
        cmocka_unit_test(test_folder),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_lookup),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
