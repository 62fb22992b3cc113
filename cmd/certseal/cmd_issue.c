/* certseal issue: a certification body signs a certificate token from a
 * JSON record, with its accreditation credential embedded. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define AC_FILE_MAX (64 * 1024)

static const char USAGE[] =
    "usage: certseal issue --key CB_KEY --accreditation AC_FILE [--out FILE] [--force]\n"
    "           [--form offline|link] [--link-base URL]\n"
    "           [--passphrase-file FILE | --passphrase-fd N] RECORD.json|-\n"
    "\n"
    "Signs a certificate token for the record (schemas/record.schema.json) with the\n"
    "certification body's key and prints it (CS1:...), or writes it to FILE.\n"
    "  --form link       print the link form under --link-base (HTTPS://HOST/PATH/...)\n";

typedef struct issue_options {
    const char *key, *accreditation, *out, *record, *link_base;
    cs_form form;
    bool force;
    cli_passphrase_source passphrase;
} issue_options;

static int parse(int argc, char **argv, issue_options *o)
{
    enum { OPT_FORM = 256, OPT_LINK_BASE };
    static const struct option longopts[] = {
        {"key", required_argument, NULL, 'k'},
        {"accreditation", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"form", required_argument, NULL, OPT_FORM},
        {"link-base", required_argument, NULL, OPT_LINK_BASE},
        CLI_PASSPHRASE_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, status = CLI_EXIT_OK;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":k:a:o:fh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'k':
            o->key = optarg;
            break;
        case 'a':
            o->accreditation = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'f':
            o->force = true;
            break;
        case OPT_LINK_BASE:
            o->link_base = optarg;
            break;
        case OPT_FORM:
            if (strcmp(optarg, "offline") == 0)
                o->form = CS_FORM_OFFLINE;
            else if (strcmp(optarg, "link") == 0)
                o->form = CS_FORM_LINK;
            else
                return cli_usage_error("--form: '%s' is not offline or link", optarg);
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
    if (o->key == NULL)
        return cli_usage_error("--key CB_KEY is required: the certification body's private key");
    if (o->accreditation == NULL)
        return cli_usage_error("--accreditation AC_FILE is required: the credential the "
                               "accreditation body signed");
    if (argc - optind != 1)
        return cli_usage_error("give exactly one record: RECORD.json, or - for standard input");
    o->record = argv[optind];
    if (o->form == CS_FORM_LINK && o->link_base == NULL)
        return cli_usage_error(
            "--form link needs --link-base URL (e.g. https://verify.example.org/v)");
    if (o->link_base != NULL && cs_token_check_link_base(o->link_base) != CS_OK)
        return cli_usage_error("--link-base: '%s' is not an http(s) URL without query or "
                               "fragment",
                               o->link_base);
    return CLI_EXIT_OK;
}

static bool read_record(const char *path, cs_certificate *cert)
{
    uint8_t *json = NULL;
    size_t len = 0;
    char detail[300] = "";
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    cs_err err;

    if (!cli_read_input(path, CS_RECORD_MAX, &json, &len))
        return false;
    err = cs_record_parse_json((const char *)json, len, cert, detail, sizeof(detail));
    free(json);
    if (err == CS_ERR_JSON)
        cli_error("%s: not valid JSON: %s", name, detail);
    else if (err != CS_OK)
        cli_error("%s: %s", name, detail[0] ? detail : cs_strerror(err));
    return err == CS_OK;
}

static bool make_issuer(const issue_options *o, const cs_key_t *key, cs_issuer_t **issuer)
{
    uint8_t *ac = NULL;
    size_t ac_len = 0;
    char detail[300] = "";
    cs_err err;

    if (!cli_read_input(o->accreditation, AC_FILE_MAX, &ac, &ac_len))
        return false;
    err = cs_issuer_new(key, ac, ac_len, issuer, detail, sizeof(detail));
    free(ac);
    if (err != CS_OK)
        cli_error("%s: %s", o->accreditation, detail[0] ? detail : cs_strerror(err));
    return err == CS_OK;
}

int cmd_issue(int argc, char **argv)
{
    issue_options o = {.form = CS_FORM_OFFLINE, .passphrase = CLI_PASSPHRASE_SOURCE_INIT};
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    cs_certificate cert = {0};
    const char *token;
    size_t token_len;
    char detail[300] = "";
    int status;
    cs_err err;

    if ((status = parse(argc, argv, &o)) != CLI_EXIT_OK)
        return status;
    status = CLI_EXIT_FAILURE;
    /* Before any passphrase is asked for (the write itself checks again). */
    if (o.out != NULL && !o.force && strcmp(o.out, "-") != 0 && access(o.out, F_OK) == 0) {
        cli_error("%s: already exists; choose another name or add --force to replace it", o.out);
        goto done;
    }
    /* The record first: a mistake in it should not cost a passphrase prompt. */
    if (!read_record(o.record, &cert) || !cli_load_private_key(o.key, &o.passphrase, &key) ||
        !make_issuer(&o, key, &issuer))
        goto done;
    err = cs_issuer_issue(issuer, &cert, o.form, o.link_base, CS_ISSUE_VERIFY_SIGNATURE, &token,
                          &token_len, detail, sizeof(detail));
    if (err != CS_OK) {
        cli_error("%s: %s", strcmp(o.record, "-") == 0 ? "standard input" : o.record,
                  detail[0] ? detail : cs_strerror(err));
        goto done;
    }
    /* The token is text; a file gets it with a final newline. */
    char *line = malloc(token_len + 2);
    if (line == NULL) {
        cli_error("out of memory");
        goto done;
    }
    memcpy(line, token, token_len);
    line[token_len] = '\n';
    if (cli_write_output(o.out != NULL ? o.out : "-", line, token_len + 1, 0644, o.force))
        status = CLI_EXIT_OK;
    free(line);
done:
    cs_certificate_clear(&cert);
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    return status;
}
