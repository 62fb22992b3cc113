/* SPDX-License-Identifier: ISC */
/* certseal keygen: a new key pair, private key 0600, public key beside it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_service.h"

typedef struct keygen_options {
    cs_alg alg;
    const char *out;
    const char *pkcs11; /* --pkcs11 URI: make the pair in a token */
    bool force, encrypt;
    cli_passphrase_source passphrase;
} keygen_options;

static bool parse_alg(const char *option, const char *value, void *field)
{
    if ((*(cs_alg *)field = cs_alg_from_name(value)) != CS_ALG_NONE)
        return true;
    cli_usage_error("%s: '%s' is not ed25519 or es256", option, value);
    return false;
}

static const cli_option OPTIONS[] = {
    CLI_OPTION("alg", 0, CLI_CUSTOM, keygen_options, alg, "ALG",
               "ed25519 (default) or es256 (P-256, for HSMs without Ed25519)",
               .parse = parse_alg),
    CLI_OPTION("out", 'o', CLI_PATH, keygen_options, out, "KEY",
               "the private key file to write; the public key goes to KEY.pub"),
    CLI_OPTION("encrypt", 0, CLI_FLAG, keygen_options, encrypt, NULL,
               "ask for a passphrase on the terminal and encrypt the key"),
    CLI_PASSPHRASE_OPTIONS(keygen_options, passphrase, "encrypt with the passphrase"),
    CLI_OPTION("pkcs11", 0, CLI_STRING, keygen_options, pkcs11, "URI",
               "make the pair inside the PKCS#11 token the pkcs11: URI names (object= its "
               "label); --out is then the public key file"),
    CLI_OPTION("force", 'f', CLI_FLAG, keygen_options, force, NULL, "replace existing files"),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    keygen_options *o = options;
    (void)argc, (void)argv;
    if (o->pkcs11 != NULL && (o->encrypt || o->passphrase.file != NULL || o->passphrase.fd >= 0))
        return cli_usage_error("--pkcs11: the private key stays in the token, so there is "
                               "nothing to encrypt; leave out --encrypt and --passphrase-*");
    if (o->pkcs11 != NULL && o->out == NULL)
        return cli_usage_error("--out KEY.pub is required: where to write the public key");
    if (o->pkcs11 != NULL && !cli_is_pkcs11_uri(o->pkcs11))
        return cli_usage_error("--pkcs11: '%s' is not a pkcs11: URI (RFC 7512), such as "
                               "'pkcs11:token=ab-hsm;object=signing-2027'",
                               o->pkcs11);
    if (o->pkcs11 == NULL && (o->passphrase.pin_file != NULL || o->passphrase.pin_fd >= 0))
        return cli_usage_error("--pin-file and --pin-fd go with --pkcs11 URI");
    if (o->passphrase.file != NULL || o->passphrase.fd >= 0)
        o->encrypt = true;
    if (o->out == NULL)
        return cli_usage_error("--out KEY is required: where to write the private key");
    return CLI_EXIT_OK;
}

static void print_kid(const cs_key_t *key)
{
    char kid[2 * CS_KID_SIZE + 1];
    printf("%s\n", cs_text_hex(cs_key_kid(key), CS_KID_SIZE, kid));
}

static int run(void *options, int argc, char **argv)
{
    const keygen_options *o = options;
    cs_key_t *key = NULL;
    char *passphrase = NULL, *public_path = NULL;
    size_t passphrase_len = 0;
    int status;
    cs_err err;

    (void)argc, (void)argv;
    if (o->pkcs11 != NULL) {
        const cli_services_pkcs11 *pkcs11 = cli_service_pkcs11();
        return pkcs11 != NULL ? pkcs11->keygen(o->alg, o->pkcs11, o->out, o->force, &o->passphrase)
                              : CLI_EXIT_FAILURE;
    }
    status = CLI_EXIT_FAILURE;
    if ((public_path = malloc(strlen(o->out) + sizeof(".pub"))) == NULL) {
        cli_error("out of memory");
        goto fail;
    }
    sprintf(public_path, "%s.pub", o->out);
    /* Refuse before asking for anything when either file is in the way. */
    if (!o->force && (access(o->out, F_OK) == 0 || access(public_path, F_OK) == 0)) {
        cli_error("%s: already exists; choose another name or add --force to replace it",
                  access(o->out, F_OK) == 0 ? o->out : public_path);
        goto fail;
    }
    cli_protect_private_key();
    if (o->encrypt && !cli_passphrase_read(&o->passphrase, "New passphrase for the key: ", true,
                                          &passphrase, &passphrase_len))
        goto fail;
    if ((err = cs_key_generate(o->alg, &key)) != CS_OK) {
        cli_error("cannot generate a key: %s", cs_strerror(err));
        goto fail;
    }
    err = cs_key_write_private_file(key, o->out, passphrase, passphrase_len,
                                    o->force ? CS_KEY_WRITE_FORCE : 0);
    if (err != CS_OK) {
        cli_error("%s: cannot write the private key: %s", o->out,
                  err == CS_ERR_IO_OPEN || err == CS_ERR_IO_WRITE ? strerror(errno)
                                                                  : cs_strerror(err));
        goto fail;
    }
    if ((err = cs_key_write_public_file(key, public_path, o->force ? CS_KEY_WRITE_FORCE : 0)) !=
        CS_OK) {
        cli_error(
            "%s: cannot write the public key: %s; the private key was removed again", public_path,
            err == CS_ERR_IO_OPEN || err == CS_ERR_IO_WRITE ? strerror(errno) : cs_strerror(err));
        unlink(o->out);
        goto fail;
    }
    print_kid(key);
    status = CLI_EXIT_OK;
fail:
    cli_passphrase_free(&passphrase, passphrase_len);
    cs_key_free(&key);
    free(public_path);
    return status;
}

static const keygen_options DEFAULTS = {.alg = CS_ALG_EDDSA,
                                        .passphrase = CLI_PASSPHRASE_SOURCE_INIT};

const cli_command cmd_keygen_entry = {
    .name = "keygen",
    .summary = "make a key pair (Ed25519 or P-256)",
    .usage = "[--alg ed25519|es256] --out KEY [--force]\n"
             "       [--encrypt | --passphrase-file FILE | --passphrase-fd N]\n"
             "       [--alg ed25519|es256] --pkcs11 URI --out KEY.pub [--force]\n"
             "       [--pin-file FILE | --pin-fd N]",
    .description = "Writes the private key KEY (PKCS#8 PEM, mode 0600) and the public key KEY.pub\n"
                   "(SubjectPublicKeyInfo PEM), and prints the key id (kid) in hex.  With\n"
                   "--pkcs11 URI the pair is made inside the token (sensitive, not\n"
                   "extractable) and only the public key is written, to KEY.pub.\n",
    .options = OPTIONS,
    .options_size = sizeof(keygen_options),
    .defaults = &DEFAULTS,
    .check = check,
    .run = run,
};
