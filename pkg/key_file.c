/* SPDX-License-Identifier: ISC */
/*
 * Key files (certseal/key.h): reading and writing PEM key files.  Above
 * both the crypto adapter (pkg/crypto.c, which turns keys into PEM text and
 * back) and the file layer (pkg/file.c), so that neither depends on the
 * other's caller (docs/architecture.md).
 */
#include <stdlib.h>

#include "internal.h"

cs_err cs_key_load_private_file(const char *path, const char *passphrase, size_t passphrase_len,
                                cs_key_t **out)
{
    uint8_t *text = NULL;
    size_t len = 0;
    unsigned exposure = 0;
    cs_err err = CS_OK;

    if (out == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    err = cs_file_read_private(path, CS_KEY_FILE_MAX, &text, &len, &exposure);
    if (err != CS_OK)
        goto fail;
    err = cs_key_load_private_pem((const char *)text, len, passphrase, passphrase_len, out);

fail:
    cs_crypto_wipe(text, len);
    free(text);
    return err;
}

cs_err cs_key_load_public_file(const char *path, cs_key_t **out)
{
    uint8_t *text = NULL;
    size_t len = 0;
    cs_err err = CS_OK;

    if (out == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    err = cs_file_read_all(path, CS_KEY_FILE_MAX, &text, &len);
    if (err != CS_OK)
        goto fail;
    err = cs_key_load_public_pem((const char *)text, len, out);

fail:
    free(text);
    return err;
}

cs_err cs_key_write_private_file(const cs_key_t *key, const char *path, const char *passphrase,
                                 size_t passphrase_len, unsigned flags)
{
    char *pem = NULL;
    size_t len = 0;
    cs_err err;

    if (key == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = cs_key_private_pem(key, passphrase, passphrase_len, &pem, &len)) != CS_OK)
        goto fail;
    err = cs_file_write_atomic(path, pem, len, 0600,
                               (flags & CS_KEY_WRITE_FORCE) ? CS_FILE_REPLACE : 0);

fail:
    cs_crypto_wipe(pem, len);
    free(pem);
    return err;
}

cs_err cs_key_write_public_file(const cs_key_t *key, const char *path, unsigned flags)
{
    char *pem = NULL;
    size_t len = 0;
    cs_err err;

    if (key == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = cs_key_public_pem(key, &pem, &len)) != CS_OK)
        goto fail;
    err = cs_file_write_atomic(path, pem, len, 0644,
                               (flags & CS_KEY_WRITE_FORCE) ? CS_FILE_REPLACE : 0);

fail:
    free(pem);
    return err;
}
