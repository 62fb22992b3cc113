/* SPDX-License-Identifier: ISC */
/* certseal init: creates an issuer registry, an accreditation body's (no
 * credential) or a certification body's (with its accreditation
 * credential), after checking that the key loads and, for a certification
 * body, that it is the key the credential accredits. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli_registry.h"

#define AC_FILE_MAX (64 * 1024)

typedef struct init_options {
    const char *registry, *key, *accreditation, *status_uri, *link_base;
    uint64_t list_size;
    cli_passphrase_source passphrase;
} init_options;

static bool is_url(const char *text)
{
    if (strncasecmp(text, "https://", 8) != 0 && strncasecmp(text, "http://", 7) != 0)
        return false;
    for (const char *p = text; *p != '\0'; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    return strlen(text) <= CS_STATUS_URI_MAX && strstr(text, "://")[3] != '\0';
}

static const cli_option OPTIONS[] = {
    CLI_OPTION("registry", 0, CLI_PATH, init_options, registry, "DB",
               "the registry to create: a file (SQLite) or a\n"
               "postgresql://[USER@]HOST[:PORT]/DATABASE URI (no password in it)"),
    CLI_OPTION("key", 'k', CLI_KEY, init_options, key, "KEY",
               "the body's private key; the registry keeps its absolute path"),
    CLI_OPTION("accreditation", 'a', CLI_PATH, init_options, accreditation, "AC_FILE",
               "a certification body's credential: the registry is then a\n"
               "certification body's"),
    CLI_OPTION("status-uri", 0, CLI_STRING, init_options, status_uri, "URI",
               "where the status list will be published (https://...)"),
    CLI_OPTION("link-base", 0, CLI_STRING, init_options, link_base, "URL",
               "base of the link form for issue --form link"),
    CLI_OPTION("list-size", 0, CLI_UNSIGNED, init_options, list_size, "N",
               "entries in the status list (default 1048576, at least 131072)",
               .min = CS_STATUS_LIST_MIN, .max = CS_STATUS_LIST_MAX),
    CLI_PASSPHRASE_OPTIONS(init_options, passphrase, "the key's passphrase"),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    const init_options *o = options;

    (void)argc, (void)argv;
    if (o->registry == NULL)
        return cli_usage_error("--registry DB is required: the registry file to create");
    if (o->key == NULL)
        return cli_usage_error("--key KEY is required: the body's private key");
    if (o->status_uri == NULL)
        return cli_usage_error("--status-uri URI is required: where the status list will be "
                               "published, e.g. https://cb.example/status/1");
    if (!is_url(o->status_uri))
        return cli_usage_error("--status-uri: '%s' is not an http(s) URL (write e.g. "
                               "https://cb.example/status/1)",
                               o->status_uri);
    if (o->link_base != NULL && cs_token_check_link_base(o->link_base) != CS_OK)
        return cli_usage_error("--link-base: '%s' is not an http(s) URL without query or "
                               "fragment",
                               o->link_base);
    if (o->link_base != NULL && o->accreditation == NULL)
        return cli_usage_error("--link-base is for a certification body's registry (give "
                               "--accreditation too)");
    return CLI_EXIT_OK;
}

/* For a certification body: the key must be the one its credential names. */
static bool check_accreditation(const init_options *o, const cs_key_t *key, const uint8_t *ac,
                                size_t ac_len, cs_issuer_t **issuer)
{
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_issuer_new(key, ac, ac_len, issuer, detail, sizeof(detail));
    if (err == CS_ERR_KEY_NOT_ACCREDITED)
        cli_error("%s: the credential accredits another key, not %s (give the certification "
                  "body's key that was accredited)",
                  o->accreditation, o->key);
    else if (err != CS_OK)
        cli_error("%s: not a usable accreditation credential: %s (give the file certseal "
                  "accredit wrote)",
                  o->accreditation, cs_err_detail(detail, err));
    return err == CS_OK;
}

static void report_created(const init_options *o, cs_issuer_t *issuer, const char *key_path)
{
    if (issuer != NULL) {
        const cs_accreditation *ac = cs_issuer_accreditation(issuer);
        fprintf(stderr,
                "certseal: init: %s: certification body registry for %s (accreditation %s), "
                "key %s, status list %s\n",
                o->registry, ac->subject, ac->number, key_path, o->status_uri);
    } else {
        fprintf(stderr, "certseal: init: %s: accreditation body registry, key %s, status list %s\n",
                o->registry, key_path, o->status_uri);
    }
}

static int run(void *options, int argc, char **argv)
{
    const init_options *o = options;
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    cs_registry_t *registry = NULL;
    uint8_t *ac = NULL;
    size_t ac_len = 0;
    char key_path[PATH_MAX], detail[CS_DETAIL_SIZE] = "";
    int status;
    cs_err err;

    (void)argc, (void)argv;
    status = CLI_EXIT_FAILURE;
    /* Before any passphrase is asked for (the library checks again). */
    if (!cs_registry_location_is_uri(o->registry) && access(o->registry, F_OK) == 0) {
        cli_registry_report(o->registry, CS_ERR_REGISTRY_EXISTS, NULL);
        goto fail;
    }
    if (!cli_registry_key_reference(o->key, key_path, sizeof(key_path)))
        goto fail;
    if (o->accreditation != NULL && !cli_read_input(o->accreditation, AC_FILE_MAX, &ac, &ac_len))
        goto fail;
    if (!cli_load_private_key(key_path, &o->passphrase, &key))
        goto fail;
    if (ac != NULL && !check_accreditation(o, key, ac, ac_len, &issuer))
        goto fail;
    cs_registry_settings settings = {
        .key_path = key_path,
        .accreditation = ac,
        .accreditation_len = ac_len,
        .status_uri = o->status_uri,
        .link_base = o->link_base,
        .list_entries = o->list_size,
    };
    if ((err = cs_registry_create(o->registry, &settings, &registry, detail, sizeof(detail))) !=
        CS_OK) {
        if (err == CS_ERR_ARGUMENT)
            cli_error("%s: %s (see certseal init --help)", o->registry,
                      cs_err_detail(detail, err));
        else
            cli_registry_report(o->registry, err, detail);
        goto fail;
    }
    report_created(o, issuer, key_path);
    status = CLI_EXIT_OK;
fail:
    cs_registry_close(&registry);
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    free(ac);
    return status;
}

static const init_options DEFAULTS = {.passphrase = CLI_PASSPHRASE_SOURCE_INIT};

const cli_command cmd_init_entry = {
    .name = "init",
    .summary = "create an issuer registry (accreditation or certification body)",
    .usage = "--registry DB --key KEY [--accreditation AC_FILE]\n"
             "           --status-uri URI [--link-base URL] [--list-size N]\n"
             "           [--passphrase-file FILE | --passphrase-fd N]\n"
             "           [--pin-file FILE | --pin-fd N]   (KEY a file or a pkcs11: URI)",
    .description =
        "Creates an issuer registry (an SQLite file, or a PostgreSQL database given as a\n"
        "postgresql:// URI) that records everything the body\n"
        "issues, its status and history.  Without --accreditation it is an accreditation\n"
        "body's registry (it records accreditation credentials); with it, a certification\n"
        "body's (it records certificates, signed with KEY, which the credential must name).\n",
    .options = OPTIONS,
    .options_size = sizeof(init_options),
    .defaults = &DEFAULTS,
    .check = check,
    .run = run,
};
