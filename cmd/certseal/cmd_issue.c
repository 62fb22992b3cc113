/* SPDX-License-Identifier: ISC */
/* certseal issue: a certification body signs a certificate token from a
 * JSON record, with its accreditation credential embedded: with --key and
 * --accreditation, or from its registry (--registry DB), which records it
 * with a status index; --batch issues many (cmd_issue_batch.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_issue.h"

#define AC_FILE_MAX (64 * 1024)

static const char USAGE[] =
    "usage: certseal issue --key CB_KEY --accreditation AC_FILE [--out FILE] [--force]\n"
    "           [--form offline|link] [--link-base URL] [--qr FILE.png|FILE.svg]\n"
    "           [--ecc L|M|Q|H] [--scale N] [--margin N]\n"
    "           [--passphrase-file FILE | --passphrase-fd N] RECORD.json|-\n"
    "       certseal issue --registry DB [--supersedes CERT_NO] [--reason TEXT]\n"
    "           [--actor NAME] [--form offline|link] [--out FILE] [--qr FILE] ...\n"
    "           RECORD.json|-\n"
    "       certseal issue --registry DB --batch FILE.jsonl|FILE.csv [--format jsonl|csv]\n"
    "           [--out TOKENS.jsonl] [--qr-dir DIR] [--chunk N] [--actor NAME] [--force]\n"
    "\n"
    "Signs a certificate token for the record (schemas/record.schema.json) with the\n"
    "certification body's key and prints it (CS1:...), or writes it to FILE.\n"
    "  --form link       print the link form under --link-base (HTTPS://HOST/PATH/...)\n"
    "  --qr FILE         also write the token's QR code (PNG or SVG, by extension)\n"
    "  --registry DB     take the key, accreditation and link base from the registry\n"
    "                    (certseal init) and record the certificate with a status index\n"
    "  --supersedes NO   re-issue certificate NO: the old revision becomes superseded\n"
    "  --batch FILE      issue every record of a JSON Lines or CSV file, all validated\n"
    "                    first (a bad line refuses the batch); tokens go to --out as JSON\n"
    "                    Lines {\"number\":...,\"token\":...}; --qr-dir DIR gets one PNG per\n"
    "                    certificate.  Running an interrupted batch again completes it.\n"
    "  --chunk N         certificates per transaction in a batch (default 500)\n";

static int set_form(issue_options *o, const char *value)
{
    if (strcmp(value, "offline") == 0)
        o->form = CS_FORM_OFFLINE;
    else if (strcmp(value, "link") == 0)
        o->form = CS_FORM_LINK;
    else
        return cli_usage_error("--form: '%s' is not offline or link", value);
    return CLI_EXIT_OK;
}

static int set_format(issue_options *o, const char *value)
{
    if ((o->batch_format = cs_batch_format_from_name(value)) == CS_BATCH_AUTO)
        return cli_usage_error("--format: '%s' is not jsonl or csv", value);
    return CLI_EXIT_OK;
}

enum {
    OPT_FORM = 256,
    OPT_LINK_BASE,
    OPT_SUPERSEDES,
    OPT_QR,
    OPT_BATCH,
    OPT_FORMAT,
    OPT_QR_DIR,
    OPT_CHUNK,
};

static int parse_option(issue_options *o, int opt, char **argv)
{
    switch (opt) {
    case 'k':
        o->key = optarg;
        return CLI_EXIT_OK;
    case 'a':
        o->accreditation = optarg;
        return CLI_EXIT_OK;
    case 'o':
        o->out = optarg;
        return CLI_EXIT_OK;
    case 'f':
        o->force = true;
        return CLI_EXIT_OK;
    case OPT_LINK_BASE:
        o->link_base = optarg;
        return CLI_EXIT_OK;
    case OPT_FORM:
        return set_form(o, optarg);
    case CLI_OPT_REGISTRY:
        o->registry = optarg;
        return CLI_EXIT_OK;
    case OPT_SUPERSEDES:
        o->supersedes = optarg;
        return CLI_EXIT_OK;
    case OPT_QR:
        o->qr = optarg;
        return cli_qr_check_output(optarg);
    case OPT_BATCH:
        o->batch = optarg;
        return CLI_EXIT_OK;
    case OPT_FORMAT:
        return set_format(o, optarg);
    case OPT_QR_DIR:
        o->qr_dir = optarg;
        return CLI_EXIT_OK;
    case OPT_CHUNK:
        if (!cli_parse_uint("--chunk", optarg, 100000, &o->chunk))
            return CLI_EXIT_USAGE;
        return o->chunk > 0 ? CLI_EXIT_OK : cli_usage_error("--chunk: at least 1");
    case CLI_OPT_ACTOR:
        o->actor.name = optarg;
        return CLI_EXIT_OK;
    case CLI_OPT_REASON:
        o->actor.reason = optarg;
        return CLI_EXIT_OK;
    case CLI_OPT_QR_ECC:
    case CLI_OPT_QR_SCALE:
    case CLI_OPT_QR_MARGIN:
        return cli_qr_option(&o->qr_options, opt, optarg);
    case CLI_OPT_PASSPHRASE_FILE:
    case CLI_OPT_PASSPHRASE_FD:
        return cli_passphrase_option(&o->passphrase, opt, optarg);
    case 'h':
        fputs(USAGE, stdout);
        exit(CLI_EXIT_OK);
    }
    return cli_bad_option(opt, argv);
}

/* Options that only make sense with (or without) a registry or a batch. */
static int check_modes(const issue_options *o, int records)
{
    const char *needs_registry = o->supersedes != NULL     ? "--supersedes"
                                 : o->batch != NULL        ? "--batch"
                                 : o->qr_dir != NULL       ? "--qr-dir"
                                 : o->actor.name != NULL   ? "--actor"
                                 : o->actor.reason != NULL ? "--reason"
                                                           : NULL;
    const char *from_registry = o->key != NULL             ? "--key"
                                : o->accreditation != NULL ? "--accreditation"
                                : o->link_base != NULL     ? "--link-base"
                                                           : NULL;

    if (o->registry == NULL && needs_registry != NULL)
        return cli_usage_error("%s needs --registry DB (the registry that records what is "
                               "issued)",
                               needs_registry);
    if (o->registry != NULL && from_registry != NULL)
        return cli_usage_error("%s: with --registry it comes from the registry's settings "
                               "(drop %s)",
                               from_registry, from_registry);
    if (o->batch != NULL) {
        if (records != 0)
            return cli_usage_error("--batch FILE takes no RECORD argument");
        if (o->supersedes != NULL || o->qr != NULL)
            return cli_usage_error("%s is for one record; a batch takes --qr-dir DIR",
                                   o->supersedes != NULL ? "--supersedes" : "--qr");
        return CLI_EXIT_OK;
    }
    if (o->qr_dir != NULL || o->batch_format != CS_BATCH_AUTO || o->chunk != 0)
        return cli_usage_error("%s is for --batch", o->qr_dir != NULL ? "--qr-dir"
                                                    : o->chunk != 0   ? "--chunk"
                                                                      : "--format");
    if (records != 1)
        return cli_usage_error("give exactly one record: RECORD.json, or - for standard input");
    return CLI_EXIT_OK;
}

static int check_options(const issue_options *o, int records)
{
    int status;
    if ((status = check_modes(o, records)) != CLI_EXIT_OK)
        return status;
    if (o->registry == NULL && o->key == NULL)
        return cli_usage_error("--key CB_KEY is required: the certification body's private key "
                               "(or give --registry DB)");
    if (o->registry == NULL && o->accreditation == NULL)
        return cli_usage_error("--accreditation AC_FILE is required: the credential the "
                               "accreditation body signed (or give --registry DB)");
    if (o->registry == NULL && o->form == CS_FORM_LINK && o->link_base == NULL)
        return cli_usage_error(
            "--form link needs --link-base URL (e.g. https://verify.example.org/v)");
    if (o->link_base != NULL && cs_token_check_link_base(o->link_base) != CS_OK)
        return cli_usage_error("--link-base: '%s' is not an http(s) URL without query or "
                               "fragment",
                               o->link_base);
    if (o->supersedes != NULL && o->supersedes[0] == '\0')
        return cli_usage_error("--supersedes: give the number of the certificate to re-issue");
    return cli_registry_check_actor(&o->actor) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

static int parse(int argc, char **argv, issue_options *o)
{
    static const struct option longopts[] = {
        {"key", required_argument, NULL, 'k'},
        {"accreditation", required_argument, NULL, 'a'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"form", required_argument, NULL, OPT_FORM},
        {"link-base", required_argument, NULL, OPT_LINK_BASE},
        {"registry", required_argument, NULL, CLI_OPT_REGISTRY},
        {"supersedes", required_argument, NULL, OPT_SUPERSEDES},
        {"qr", required_argument, NULL, OPT_QR},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"qr-dir", required_argument, NULL, OPT_QR_DIR},
        {"chunk", required_argument, NULL, OPT_CHUNK},
        {"actor", required_argument, NULL, CLI_OPT_ACTOR},
        {"reason", required_argument, NULL, CLI_OPT_REASON},
        CLI_QR_LONG_OPTIONS,
        CLI_PASSPHRASE_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt, status;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":k:a:o:fh", longopts, NULL)) != -1)
        if ((status = parse_option(o, opt, argv)) != CLI_EXIT_OK)
            return status;
    if (argc - optind == 1)
        o->record = argv[optind];
    return check_options(o, argc - optind);
}

static const char *record_name(const issue_options *o)
{
    return strcmp(o->record, "-") == 0 ? "standard input" : o->record;
}

static bool read_record(const issue_options *o, cs_certificate *cert)
{
    uint8_t *json = NULL;
    size_t len = 0;
    char detail[300] = "";
    cs_err err;

    if (!cli_read_input(o->record, CS_RECORD_MAX, &json, &len))
        return false;
    err = cs_record_parse_json((const char *)json, len, cert, detail, sizeof(detail));
    free(json);
    if (err == CS_ERR_JSON)
        cli_error("%s: not valid JSON: %s", record_name(o), detail);
    else if (err != CS_OK)
        cli_error("%s: %s", record_name(o), detail[0] ? detail : cs_strerror(err));
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

/* Output files are checked before a passphrase is asked for or anything
 * recorded (the writes check again). */
static bool outputs_free(const issue_options *o)
{
    const char *paths[] = {o->out, o->qr};
    for (size_t i = 0; i < 2; i++) {
        if (paths[i] == NULL || o->force || strcmp(paths[i], "-") == 0 ||
            access(paths[i], F_OK) != 0)
            continue;
        cli_error("%s: already exists; choose another name or add --force to replace it", paths[i]);
        return false;
    }
    return true;
}

/* The token with a final newline to --out or stdout, then the QR code of the
 * token alone: the newline belongs to the text file, not to the code. */
static bool write_outputs(const issue_options *o, const char *token, size_t token_len)
{
    char *line = malloc(token_len + 2);
    bool ok;

    if (line == NULL) {
        cli_error("out of memory");
        return false;
    }
    memcpy(line, token, token_len);
    line[token_len] = '\n';
    line[token_len + 1] = '\0';
    ok = cli_write_output(o->out != NULL ? o->out : "-", line, token_len + 1, 0644, o->force);
    line[token_len] = '\0';
    if (ok && o->qr != NULL)
        ok = cli_qr_write_file(o->qr, line, &o->qr_options,
                               o->force ? CS_FILE_REPLACE : 0, NULL);
    free(line);
    return ok;
}

static int issue_plain(const issue_options *o, cs_certificate *cert)
{
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    const char *token;
    size_t token_len;
    char detail[300] = "";
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    if (!cli_load_private_key(o->key, &o->passphrase, &key) || !make_issuer(o, key, &issuer))
        goto done;
    err = cs_issuer_issue(issuer, cert, o->form, o->link_base, CS_ISSUE_VERIFY_SIGNATURE, &token,
                          &token_len, detail, sizeof(detail));
    if (err != CS_OK) {
        cli_error("%s: %s", record_name(o), detail[0] ? detail : cs_strerror(err));
        goto done;
    }
    if (write_outputs(o, token, token_len))
        status = CLI_EXIT_OK;
done:
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    return status;
}

static void report_registry_issue(const issue_options *o, const cs_certificate *cert, cs_err err,
                                  const char *detail)
{
    if (cs_err_class_of(err) == CS_ERR_CLASS_REGISTRY && err != CS_ERR_REGISTRY)
        cli_registry_report(err == CS_ERR_REGISTRY_NOT_FOUND ? o->supersedes : cert->number, err,
                            detail);
    else if (cs_err_class_of(err) == CS_ERR_CLASS_REGISTRY)
        cli_registry_report(o->registry, err, detail);
    else
        cli_error("%s: %s", record_name(o), detail[0] ? detail : cs_strerror(err));
}

static int issue_registry(const issue_options *o, cs_certificate *cert)
{
    cs_registry_t *registry = NULL;
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    const char *token;
    size_t token_len;
    char detail[400] = "";
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    if (!cli_registry_open(o->registry, CS_REGISTRY_ROLE_CB, "issue certificates", &registry))
        goto done;
    if (o->form == CS_FORM_LINK && cs_registry_link_base(registry) == NULL) {
        cli_error("%s: the registry has no link base (it was created without --link-base; "
                  "use --form offline)",
                  o->registry);
        goto done;
    }
    if (!cli_registry_load_key(registry, o->registry, &o->passphrase, &key) ||
        !cli_registry_issuer(registry, o->registry, key, &issuer))
        goto done;
    err = cs_registry_issue_certificate(registry, issuer, cert, o->supersedes, o->form, &o->actor,
                                        &token, &token_len, detail, sizeof(detail));
    if (err != CS_OK) {
        report_registry_issue(o, cert, err, detail);
        goto done;
    }
    /* outputs_free() made a failure here unlikely; if it happens the
     * certificate stays recorded, and list --json holds its token. */
    if (write_outputs(o, token, token_len))
        status = CLI_EXIT_OK;
done:
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    cs_registry_close(&registry);
    return status;
}

int cmd_issue(int argc, char **argv)
{
    issue_options o = {.form = CS_FORM_OFFLINE,
                       .passphrase = CLI_PASSPHRASE_SOURCE_INIT,
                       .qr_options = CLI_QR_OPTIONS_INIT};
    cs_certificate cert = {0};
    int status;

    if ((status = parse(argc, argv, &o)) != CLI_EXIT_OK)
        return status;
    if (o.batch != NULL)
        return cli_issue_batch(&o);
    if (!outputs_free(&o))
        return CLI_EXIT_FAILURE;
    /* The record first: a mistake in it should not cost a passphrase prompt. */
    if (!read_record(&o, &cert))
        return CLI_EXIT_FAILURE;
    status = o.registry != NULL ? issue_registry(&o, &cert) : issue_plain(&o, &cert);
    cs_certificate_clear(&cert);
    return status;
}
