/* SPDX-License-Identifier: ISC */
/* certseal init: creates an issuer registry, an accreditation body's (no
 * credential) or a certification body's (with its accreditation
 * credential), after checking that the key loads and, for a certification
 * body, that it is the key the credential accredits. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli_registry.h"

#define AC_FILE_MAX (64 * 1024)

static const char USAGE[] =
    "usage: certseal init --registry DB --key KEY [--accreditation AC_FILE]\n"
    "           --status-uri URI [--link-base URL] [--list-size N]\n"
    "           [--passphrase-file FILE | --passphrase-fd N]\n"
    "\n"
    "Creates an issuer registry (an SQLite file) that records everything the body\n"
    "issues, its status and history.  Without --accreditation it is an accreditation\n"
    "body's registry (it records accreditation credentials); with it, a certification\n"
    "body's (it records certificates, signed with KEY, which the credential must name).\n"
    "  --key KEY          the body's private key; the registry keeps its absolute path\n"
    "  --status-uri URI   where the status list will be published (https://...)\n"
    "  --link-base URL    base of the link form for issue --form link\n"
    "  --list-size N      entries in the status list (default 1048576, at least 131072)\n";

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

static int check_options(const init_options *o)
{
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
    if (o->list_size != 0 && o->list_size < CS_STATUS_LIST_MIN)
        return cli_usage_error("--list-size: at least %u entries (the list hides which "
                               "index is whose among many)",
                               (unsigned)CS_STATUS_LIST_MIN);
    return CLI_EXIT_OK;
}

static int parse(int argc, char **argv, init_options *o)
{
    enum { OPT_STATUS_URI = 256, OPT_LINK_BASE, OPT_LIST_SIZE };
    static const struct option longopts[] = {
        {"registry", required_argument, NULL, CLI_OPT_REGISTRY},
        {"key", required_argument, NULL, 'k'},
        {"accreditation", required_argument, NULL, 'a'},
        {"status-uri", required_argument, NULL, OPT_STATUS_URI},
        {"link-base", required_argument, NULL, OPT_LINK_BASE},
        {"list-size", required_argument, NULL, OPT_LIST_SIZE},
        CLI_PASSPHRASE_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, status;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":k:a:h", longopts, NULL)) != -1) {
        switch (opt) {
        case CLI_OPT_REGISTRY:
            o->registry = optarg;
            break;
        case 'k':
            o->key = optarg;
            break;
        case 'a':
            o->accreditation = optarg;
            break;
        case OPT_STATUS_URI:
            o->status_uri = optarg;
            break;
        case OPT_LINK_BASE:
            o->link_base = optarg;
            break;
        case OPT_LIST_SIZE:
            if (!cli_parse_uint("--list-size", optarg, CS_STATUS_LIST_MAX, &o->list_size))
                return CLI_EXIT_USAGE;
            if (o->list_size == 0)
                return cli_usage_error("--list-size: at least %u entries",
                                       (unsigned)CS_STATUS_LIST_MIN);
            break;
        case CLI_OPT_PASSPHRASE_FILE:
        case CLI_OPT_PASSPHRASE_FD:
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
        return cli_usage_error("unexpected argument '%s' (see certseal init --help)", argv[optind]);
    return check_options(o);
}

/* For a certification body: the key must be the one its credential names. */
static bool check_accreditation(const init_options *o, const cs_key_t *key, const uint8_t *ac,
                                size_t ac_len, cs_issuer_t **issuer)
{
    char detail[300] = "";
    cs_err err = cs_issuer_new(key, ac, ac_len, issuer, detail, sizeof(detail));
    if (err == CS_ERR_KEY_NOT_ACCREDITED)
        cli_error("%s: the credential accredits another key, not %s (give the certification "
                  "body's key that was accredited)",
                  o->accreditation, o->key);
    else if (err != CS_OK)
        cli_error("%s: not a usable accreditation credential: %s (give the file certseal "
                  "accredit wrote)",
                  o->accreditation, detail[0] ? detail : cs_strerror(err));
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

int cmd_init(int argc, char **argv)
{
    init_options o = {.passphrase = CLI_PASSPHRASE_SOURCE_INIT};
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    cs_registry_t *registry = NULL;
    uint8_t *ac = NULL;
    size_t ac_len = 0;
    char key_path[PATH_MAX], detail[400] = "";
    int status;
    cs_err err;

    if ((status = parse(argc, argv, &o)) != CLI_EXIT_OK)
        return status;
    status = CLI_EXIT_FAILURE;
    /* Before any passphrase is asked for (the library checks again). */
    if (access(o.registry, F_OK) == 0) {
        cli_registry_report(o.registry, CS_ERR_REGISTRY_EXISTS, NULL);
        goto done;
    }
    if (realpath(o.key, key_path) == NULL) {
        cli_error("%s: cannot open the key file: %s", o.key, strerror(errno));
        goto done;
    }
    if (o.accreditation != NULL && !cli_read_input(o.accreditation, AC_FILE_MAX, &ac, &ac_len))
        goto done;
    if (!cli_load_private_key(key_path, &o.passphrase, &key))
        goto done;
    if (ac != NULL && !check_accreditation(&o, key, ac, ac_len, &issuer))
        goto done;
    cs_registry_settings settings = {
        .key_path = key_path,
        .accreditation = ac,
        .accreditation_len = ac_len,
        .status_uri = o.status_uri,
        .link_base = o.link_base,
        .list_entries = o.list_size,
    };
    if ((err = cs_registry_create(o.registry, &settings, &registry, detail, sizeof(detail))) !=
        CS_OK) {
        if (err == CS_ERR_ARGUMENT)
            cli_error("%s: %s (see certseal init --help)", o.registry,
                      detail[0] ? detail : cs_strerror(err));
        else
            cli_registry_report(o.registry, err, detail);
        goto done;
    }
    report_created(&o, issuer, key_path);
    status = CLI_EXIT_OK;
done:
    cs_registry_close(&registry);
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    free(ac);
    return status;
}
