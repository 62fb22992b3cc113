/* SPDX-License-Identifier: ISC */
/*
 * Keys in PKCS#11 tokens for the commands (certseal/pkcs11.h): opening a
 * "pkcs11:" key with its PIN, and `keygen --pkcs11`.  In the services
 * plugin, since it links p11-kit; the program reaches it through
 * cli_services_pkcs11_entry (cli_service.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "cli_service.h"

typedef struct pin_request {
    const cli_passphrase_source *source;
    const char *uri_file; /* the URI's pin-source file, or NULL */
} pin_request;

static cs_err read_pin(void *arg, const char *token_label, char pin[CS_PKCS11_PIN_MAX],
                       size_t *pin_len)
{
    const pin_request *request = arg;
    char prompt[160];

    snprintf(prompt, sizeof(prompt), "PIN for token '%.64s': ", token_label);
    if (!cli_pin_read(request->source, request->uri_file, prompt, pin, CS_PKCS11_PIN_MAX,
                      pin_len))
        return CS_ERR_PKCS11_PIN; /* reported */
    return CS_OK;
}

/* The one line for a failure: the URI, what happened, and the error. */
static void report(const char *uri, cs_err err, const char *detail)
{
    cli_error("%s: %s [%s, %d]", uri, cs_err_detail(detail, err), cs_err_name(err), (int)err);
}

/*
 * Parses the URI and works out where the PIN comes from: the command's
 * --pin-file or --pin-fd, or a pin-source naming a file ("file:" and an
 * absolute path, RFC 7512 §2.3), or the terminal.  Any other pin-source is
 * refused.  Reports and returns false on failure.
 */
static bool parse_uri(const char *text, cs_pkcs11_uri **uri, const char **uri_file)
{
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_pkcs11_uri_parse(text, uri, detail, sizeof(detail));

    if (err != CS_OK) {
        /* The text may hold a PIN: name only its scheme. */
        report(err == CS_ERR_PKCS11_PIN_IN_URI ? "pkcs11:" : text, err, detail);
        return false;
    }
    *uri_file = NULL;
    if ((*uri)->pin_source != NULL) {
        const char *src = (*uri)->pin_source;
        if (strncmp(src, "file:///", 8) == 0)
            *uri_file = src + 7;
        else if (strncmp(src, "file:/", 6) == 0 && src[6] != '/')
            *uri_file = src + 5;
        else if (src[0] == '/')
            *uri_file = src;
        if (*uri_file == NULL) {
            report(text, CS_ERR_PKCS11_PIN_IN_URI,
                   "pin-source: certseal reads a PIN only from a file (pin-source=file:/PATH), "
                   "--pin-file FILE, --pin-fd N or the prompt");
            cs_pkcs11_uri_free(uri);
            return false;
        }
    }
    return true;
}

static bool load_key(const char *text, const cli_passphrase_source *source, cs_key_t **out)
{
    cs_pkcs11_uri *uri = NULL;
    pin_request request = {.source = source};
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    if (!parse_uri(text, &uri, &request.uri_file))
        return false;
    err = cs_pkcs11_key_load(uri, read_pin, &request, out, detail, sizeof(detail));
    cs_pkcs11_uri_free(&uri);
    if (err == CS_ERR_PKCS11_PIN)
        return false; /* read_pin said why */
    if (err != CS_OK) {
        report(text, err, detail);
        return false;
    }
    return true;
}

static int keygen(cs_alg alg, const char *text, const char *public_path, bool force,
                  const cli_passphrase_source *source)
{
    cs_pkcs11_uri *uri = NULL;
    pin_request request = {.source = source};
    char detail[CS_DETAIL_SIZE] = "", kid[2 * CS_KID_SIZE + 1];
    cs_key_t *key = NULL;
    cs_err err;

    if (!force && access(public_path, F_OK) == 0) {
        cli_error("%s: already exists; choose another name or add --force to replace it",
                  public_path);
        return CLI_EXIT_FAILURE;
    }
    cli_protect_private_key();
    if (!parse_uri(text, &uri, &request.uri_file))
        return CLI_EXIT_FAILURE;
    err = cs_pkcs11_key_generate(uri, alg, read_pin, &request, public_path,
                                 force ? CS_KEY_WRITE_FORCE : 0, &key, detail, sizeof(detail));
    cs_pkcs11_uri_free(&uri);
    if (err == CS_ERR_PKCS11_PIN)
        return CLI_EXIT_FAILURE;
    if (err != CS_OK) {
        report(text, err, detail);
        return CLI_EXIT_FAILURE;
    }
    printf("%s\n", cs_text_hex(cs_key_kid(key), CS_KID_SIZE, kid));
    cs_key_free(&key);
    return CLI_EXIT_OK;
}

const cli_services_pkcs11 cli_services_pkcs11_entry = {
    .load_key = load_key,
    .keygen = keygen,
};
