/* SPDX-License-Identifier: ISC */
/* The trust store: accreditation body keys loaded from PEM files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "certseal/trust.h"
#include "internal.h"

#define PEM_BEGIN "-----BEGIN PUBLIC KEY-----"
#define PEM_END "-----END PUBLIC KEY-----"
#define TRUST_FILE_MAX (1024 * 1024)

struct cs_trust {
    cs_key_t **keys;
    size_t count, cap;
};

cs_err cs_trust_new(cs_trust_t **out)
{
    if (out == NULL)
        return CS_ERR_ARGUMENT;
    *out = calloc(1, sizeof(**out));
    return *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}

void cs_trust_free(cs_trust_t **trust)
{
    if (trust == NULL || *trust == NULL)
        return;
    for (size_t i = 0; i < (*trust)->count; i++)
        cs_key_free(&(*trust)->keys[i]);
    free((*trust)->keys);
    free(*trust);
    *trust = NULL;
}

cs_err cs_trust_add_key(cs_trust_t *trust, cs_key_t **key)
{
    if (trust == NULL || key == NULL || *key == NULL)
        return CS_ERR_ARGUMENT;
    if (trust->count == trust->cap) {
        size_t cap = trust->cap ? trust->cap * 2 : 8;
        cs_key_t **keys = realloc(trust->keys, cap * sizeof(*keys));
        if (keys == NULL) {
            cs_key_free(key);
            return CS_ERR_NO_MEMORY;
        }
        trust->keys = keys;
        trust->cap = cap;
    }
    trust->keys[trust->count++] = *key;
    *key = NULL;
    return CS_OK;
}

size_t cs_trust_count(const cs_trust_t *trust)
{
    return trust != NULL ? trust->count : 0;
}

const cs_key_t *cs_trust_key_at(const cs_trust_t *trust, size_t i)
{
    return trust != NULL && i < trust->count ? trust->keys[i] : NULL;
}

/* Call right after the failing call: an open error says why, from errno. */
static void describe(char *detail, size_t size, const char *path, cs_err err)
{
    int why = errno;
    if (detail != NULL && size > 0)
        snprintf(detail, size, "%s: %s", path,
                 err == CS_ERR_IO_OPEN ? strerror(why) : cs_strerror(err));
}

/* Adds each PEM public key block of text; *found counts them. */
static cs_err add_pem_blocks(cs_trust_t *trust, const char *text, size_t *found)
{
    const char *p = text;
    cs_err err;

    while ((p = strstr(p, PEM_BEGIN)) != NULL) {
        const char *end = strstr(p, PEM_END);
        cs_key_t *key = NULL;
        if (end == NULL)
            return CS_ERR_KEY_PARSE;
        end += strlen(PEM_END);
        if ((err = cs_key_load_public_pem(p, (size_t)(end - p), &key)) != CS_OK ||
            (err = cs_trust_add_key(trust, &key)) != CS_OK)
            return err;
        (*found)++;
        p = end;
    }
    return CS_OK;
}

static cs_err load_file(cs_trust_t *trust, const char *path, size_t *found, char *detail,
                        size_t detail_size)
{
    uint8_t *text = NULL;
    size_t len = 0;
    cs_err err = cs_file_read_all(path, TRUST_FILE_MAX, &text, &len);
    if (err == CS_OK)
        err = add_pem_blocks(trust, (const char *)text, found);
    if (err != CS_OK)
        describe(detail, detail_size, path, err);
    free(text);
    return err;
}

/* Reads the folder's regular files in name order, so that a store loads the
 * same way on every machine. */
static cs_err load_folder(cs_trust_t *trust, const char *path, size_t *found, char *detail,
                          size_t detail_size)
{
    cs_file_list files;
    cs_err err = cs_file_list_folder(path, 0, &files);

    if (err != CS_OK) {
        describe(detail, detail_size, path, err);
        return err;
    }
    for (size_t i = 0; i < files.count && err == CS_OK; i++)
        err = load_file(trust, files.paths[i], found, detail, detail_size);
    cs_file_list_clear(&files);
    return err;
}

cs_err cs_trust_load(cs_trust_t *trust, const char *path, char *detail, size_t detail_size)
{
    struct stat st;
    size_t found = 0;
    cs_err err;

    if (trust == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    if (stat(path, &st) != 0) {
        describe(detail, detail_size, path, CS_ERR_IO_OPEN);
        return CS_ERR_IO_OPEN;
    }
    err = S_ISDIR(st.st_mode) ? load_folder(trust, path, &found, detail, detail_size)
                              : load_file(trust, path, &found, detail, detail_size);
    if (err == CS_OK && found == 0) {
        describe(detail, detail_size, path, CS_ERR_TRUST_EMPTY);
        err = CS_ERR_TRUST_EMPTY;
    }
    return err;
}
