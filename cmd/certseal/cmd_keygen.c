/* SPDX-License-Identifier: ISC */
/* certseal keygen: a new key pair, private key 0600, public key beside it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char USAGE[] =
    "usage: certseal keygen [--alg ed25519|es256] --out KEY [--force]\n"
    "                       [--encrypt | --passphrase-file FILE | --passphrase-fd N]\n"
    "\n"
    "Writes the private key KEY (PKCS#8 PEM, mode 0600) and the public key KEY.pub\n"
    "(SubjectPublicKeyInfo PEM), and prints the key id (kid) in hex.\n"
    "  --alg ALG             ed25519 (default) or es256 (P-256, for HSMs without Ed25519)\n"
    "  --encrypt             ask for a passphrase on the terminal and encrypt the key\n"
    "  --passphrase-file F   encrypt with the first line of F\n"
    "  --passphrase-fd N     encrypt with the first line read from descriptor N\n"
    "  --force               replace existing files\n";

typedef struct keygen_options {
    cs_alg alg;
    const char *out;
    bool force, encrypt;
    cli_passphrase_source passphrase;
} keygen_options;

static int parse(int argc, char **argv, keygen_options *o)
{
    static const struct option longopts[] = {
        {"alg", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"encrypt", no_argument, NULL, 'e'},
        CLI_PASSPHRASE_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, status = CLI_EXIT_OK;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":o:fh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'a':
            if ((o->alg = cs_alg_from_name(optarg)) == CS_ALG_NONE)
                return cli_usage_error("--alg: '%s' is not ed25519 or es256", optarg);
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'f':
            o->force = true;
            break;
        case 'e':
            o->encrypt = true;
            break;
        case CLI_OPT_PASSPHRASE_FILE:
        case CLI_OPT_PASSPHRASE_FD:
            o->encrypt = true;
            if ((status = cli_passphrase_option(&o->passphrase, opt, optarg)) != CLI_EXIT_OK)
                return status;
            break;
        case 'h':
            fputs(USAGE, stdout);
            exit(CLI_EXIT_OK);
        default:
            return cli_bad_option(opt, argv);
        }
    }
    if (optind != argc)
        return cli_usage_error("unexpected argument '%s' (see certseal keygen --help)",
                               argv[optind]);
    if (o->out == NULL)
        return cli_usage_error("--out KEY is required: where to write the private key");
    return CLI_EXIT_OK;
}

static void print_kid(const cs_key_t *key)
{
    const uint8_t *kid = cs_key_kid(key);
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        printf("%02x", kid[i]);
    printf("\n");
}

int cmd_keygen(int argc, char **argv)
{
    keygen_options o = {.alg = CS_ALG_EDDSA, .passphrase = CLI_PASSPHRASE_SOURCE_INIT};
    cs_key_t *key = NULL;
    char *passphrase = NULL, *public_path = NULL;
    size_t passphrase_len = 0;
    int status;
    cs_err err;

    if ((status = parse(argc, argv, &o)) != CLI_EXIT_OK)
        return status;
    status = CLI_EXIT_FAILURE;
    if ((public_path = malloc(strlen(o.out) + sizeof(".pub"))) == NULL) {
        cli_error("out of memory");
        goto done;
    }
    sprintf(public_path, "%s.pub", o.out);
    /* Refuse before asking for anything when either file is in the way. */
    if (!o.force && (access(o.out, F_OK) == 0 || access(public_path, F_OK) == 0)) {
        cli_error("%s: already exists; choose another name or add --force to replace it",
                  access(o.out, F_OK) == 0 ? o.out : public_path);
        goto done;
    }
    cli_protect_private_key();
    if (o.encrypt && !cli_passphrase_read(&o.passphrase, "New passphrase for the key: ", true,
                                          &passphrase, &passphrase_len))
        goto done;
    if ((err = cs_key_generate(o.alg, &key)) != CS_OK) {
        cli_error("cannot generate a key: %s", cs_strerror(err));
        goto done;
    }
    err = cs_key_write_private_file(key, o.out, passphrase, passphrase_len,
                                    o.force ? CS_KEY_WRITE_FORCE : 0);
    if (err != CS_OK) {
        cli_error("%s: cannot write the private key: %s", o.out,
                  err == CS_ERR_IO_OPEN || err == CS_ERR_IO_WRITE ? strerror(errno)
                                                                  : cs_strerror(err));
        goto done;
    }
    if ((err = cs_key_write_public_file(key, public_path, o.force ? CS_KEY_WRITE_FORCE : 0)) !=
        CS_OK) {
        cli_error(
            "%s: cannot write the public key: %s; the private key was removed again", public_path,
            err == CS_ERR_IO_OPEN || err == CS_ERR_IO_WRITE ? strerror(errno) : cs_strerror(err));
        unlink(o.out);
        goto done;
    }
    print_kid(key);
    status = CLI_EXIT_OK;
done:
    cli_passphrase_free(&passphrase, passphrase_len);
    cs_key_free(&key);
    free(public_path);
    return status;
}
