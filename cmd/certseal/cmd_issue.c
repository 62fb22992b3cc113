/* SPDX-License-Identifier: ISC */
/* certseal issue: a certification body signs a certificate token from a
 * JSON record, with its accreditation credential embedded: with --key and
 * --accreditation, or from its registry (--registry DB), which records it
 * with a status index; --batch issues many (cmd_issue_batch.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_catalog.h"
#include "cli_issue.h"

#define AC_FILE_MAX (64 * 1024)

static bool parse_format(const char *option, const char *value, void *field)
{
    if ((*(cs_batch_format *)field = cs_batch_format_from_name(value)) != CS_BATCH_AUTO)
        return true;
    cli_usage_error("%s: '%s' is not jsonl or csv", option, value);
    return false;
}

static const cli_option OPTIONS[] = {
    CLI_OPTION("key", 'k', CLI_KEY, issue_options, key, "CB_KEY",
               "the certification body's private key"),
    CLI_OPTION("accreditation", 'a', CLI_PATH, issue_options, accreditation, "AC_FILE",
               "the accreditation credential its accreditation body signed"),
    CLI_OPTION("out", 'o', CLI_PATH, issue_options, out, "FILE",
               "write the token (or a batch's JSON Lines) to FILE, not standard output"),
    CLI_OPTION("force", 'f', CLI_FLAG, issue_options, force, NULL, "replace existing files"),
    CLI_OPTION("allow-unlisted-standard", 0, CLI_FLAG, issue_options, allow_unlisted_standard,
               NULL,
               "issue a standard the standards catalog does not list (by default\n"
               "refused, with the nearest listed edition suggested)"),
    CLI_OPTION("catalog", 0, CLI_PATH, issue_options, catalog, "FILE",
               "apply this signed standards catalog, verified with a --root,\n"
               "instead of the built-in one"),
    CLI_OPTION("root", 0, CLI_LIST, issue_options, roots, "PUB",
               "a scheme owner's root public key (PEM) the --catalog must verify\n"
               "with (repeatable)",
               .max = 16),
    CLI_OPTION("form", 0, CLI_CUSTOM, issue_options, form, "FORM",
               "offline (CS1:..., the default) or link: the link form under\n"
               "--link-base (HTTPS://HOST/PATH/...)",
               .parse = cli_parse_form),
    CLI_OPTION("link-base", 0, CLI_STRING, issue_options, link_base, "URL",
               "the https URL the link form starts with"),
    CLI_OPTION("qr", 0, CLI_CUSTOM, issue_options, qr, "FILE",
               "also write the token's QR code (PNG or SVG, by extension)",
               .parse = cli_qr_parse_output),
    CLI_QR_OPTIONS(issue_options, qr_options),
    CLI_OPTION("registry", 0, CLI_PATH, issue_options, registry, "DB",
               "take the key, accreditation and link base from the registry\n"
               "(certseal init) and record the certificate with a status index"),
    CLI_OPTION("supersedes", 0, CLI_STRING, issue_options, supersedes, "NO",
               "re-issue certificate NO: the old revision becomes superseded"),
    CLI_OPTION("reason", 0, CLI_STRING, issue_options, actor.reason, "TEXT",
               "why, recorded in the registry's history"),
    CLI_OPTION("actor", 0, CLI_STRING, issue_options, actor.name, "NAME",
               "who, recorded in the registry's history (default: the login name)"),
    CLI_OPTION("batch", 0, CLI_PATH, issue_options, batch, "FILE",
               "issue every record of a JSON Lines or CSV file, all validated\n"
               "first (a bad line refuses the batch); tokens go to --out as JSON\n"
               "Lines {\"number\":...,\"token\":...}.  Running an interrupted\n"
               "batch again completes it."),
    CLI_OPTION("format", 0, CLI_CUSTOM, issue_options, batch_format, "jsonl|csv",
               "the batch file's format (default: from its name, else its content)",
               .parse = parse_format),
    CLI_OPTION("ignore-column", 0, CLI_LIST, issue_options, ignore_columns, "NAME",
               "skip the CSV batch's column NAME (repeatable); any other column\n"
               "that is not one of the record's refuses the batch", .max = CLI_LIST_MAX),
    CLI_OPTION("qr-dir", 0, CLI_PATH, issue_options, qr_dir, "DIR",
               "one PNG QR code per certificate of a batch in DIR"),
    CLI_OPTION("chunk", 0, CLI_UNSIGNED, issue_options, chunk, "N",
               "certificates per transaction in a batch (default 500)", .min = 1,
               .max = 100000),
    CLI_PASSPHRASE_OPTIONS(issue_options, passphrase, "the key's passphrase"),
    {0},
};

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
    if (o->qr_dir != NULL || o->batch_format != CS_BATCH_AUTO || o->chunk != 0 ||
        o->ignore_columns.count != 0)
        return cli_usage_error("%s is for --batch", o->qr_dir != NULL   ? "--qr-dir"
                                                    : o->chunk != 0     ? "--chunk"
                                                    : o->ignore_columns.count != 0
                                                        ? "--ignore-column"
                                                        : "--format");
    if (records != 1)
        return cli_usage_error("give exactly one record: RECORD.json, or - for standard input");
    return CLI_EXIT_OK;
}

static int check(void *options, int argc, char **argv)
{
    issue_options *o = options;
    int status;

    if ((status = check_modes(o, argc)) != CLI_EXIT_OK)
        return status;
    if (argc == 1)
        o->record = argv[0];
    if (o->catalog != NULL && o->roots.count == 0)
        return cli_usage_error("--catalog needs --root ROOT.pub: the scheme owner's root key "
                               "the catalog must verify with");
    if (o->catalog == NULL && o->roots.count > 0)
        return cli_usage_error("--root goes with --catalog FILE");
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

static const char *record_name(const issue_options *o)
{
    return strcmp(o->record, "-") == 0 ? "standard input" : o->record;
}

static bool read_record(const issue_options *o, cs_certificate *cert)
{
    uint8_t *json = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    if (!cli_read_input(o->record, CS_RECORD_MAX, &json, &len))
        return false;
    err = cs_record_parse_json((const char *)json, len, cert, detail, sizeof(detail));
    free(json);
    if (err == CS_ERR_JSON)
        cli_error("%s: not valid JSON: %s", record_name(o), detail);
    else if (err != CS_OK)
        cli_error("%s: %s", record_name(o), cs_err_detail(detail, err));
    return err == CS_OK;
}

bool cli_issue_apply_catalog(const issue_options *o, cs_issuer_t *issuer)
{
    unsigned flags = o->allow_unlisted_standard ? CS_CATALOG_ALLOW_UNLISTED : 0;
    cs_catalog *catalog = NULL;

    if (o->catalog != NULL && !cli_load_catalog(o->catalog, &o->roots, &catalog))
        return false;
    /* With catalog NULL only the flags change: the built-in one stays. */
    cs_issuer_set_catalog(issuer, catalog != NULL ? &catalog : NULL, flags);
    return true;
}

static bool make_issuer(const issue_options *o, const cs_key_t *key, cs_issuer_t **issuer)
{
    uint8_t *ac = NULL;
    size_t ac_len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    if (!cli_read_input(o->accreditation, AC_FILE_MAX, &ac, &ac_len))
        return false;
    err = cs_issuer_new(key, ac, ac_len, issuer, detail, sizeof(detail));
    free(ac);
    if (err != CS_OK)
        cli_error("%s: %s", o->accreditation, cs_err_detail(detail, err));
    return err == CS_OK && cli_issue_apply_catalog(o, *issuer);
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
    char detail[CS_DETAIL_SIZE] = "";
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    if (!cli_load_private_key(o->key, &o->passphrase, &key) || !make_issuer(o, key, &issuer))
        goto fail;
    err = cs_issuer_issue(issuer, cert, o->form, o->link_base, CS_ISSUE_VERIFY_SIGNATURE, &token,
                          &token_len, detail, sizeof(detail));
    if (err != CS_OK) {
        cli_error("%s: %s", record_name(o), cs_err_detail(detail, err));
        goto fail;
    }
    cli_qr_warn_large(cert->number, token, o->qr_options.ecc);
    if (write_outputs(o, token, token_len))
        status = CLI_EXIT_OK;
fail:
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
        cli_error("%s: %s", record_name(o), cs_err_detail(detail, err));
}

static int issue_registry(const issue_options *o, cs_certificate *cert)
{
    cs_registry_t *registry = NULL;
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    const char *token;
    size_t token_len;
    char detail[CS_DETAIL_SIZE] = "";
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    if (!cli_registry_open(o->registry, CS_REGISTRY_ROLE_CB, "issue certificates", &registry))
        goto fail;
    if (o->form == CS_FORM_LINK && cs_registry_link_base(registry) == NULL) {
        cli_error("%s: the registry has no link base (it was created without --link-base; "
                  "use --form offline)",
                  o->registry);
        goto fail;
    }
    if (!cli_registry_load_key(registry, o->registry, &o->passphrase, &key) ||
        !cli_registry_issuer(registry, o->registry, key, &issuer))
        goto fail;
    if (!cli_issue_apply_catalog(o, issuer))
        goto fail;
    err = cs_registry_issue_certificate(registry, issuer, cert, o->supersedes, o->form, &o->actor,
                                        &token, &token_len, detail, sizeof(detail));
    if (err != CS_OK) {
        report_registry_issue(o, cert, err, detail);
        goto fail;
    }
    if (detail[0] != '\0')
        cli_error("%s", detail); /* a repeated supersede: nothing changed */
    cli_qr_warn_large(cert->number, token, o->qr_options.ecc);
    /* outputs_free() made a failure here unlikely; if it happens the
     * certificate stays recorded, and list --json holds its token. */
    if (write_outputs(o, token, token_len))
        status = CLI_EXIT_OK;
fail:
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    cs_registry_close(&registry);
    return status;
}

static int run(void *options, int argc, char **argv)
{
    const issue_options *o = options;
    cs_certificate cert = {0};
    int status;

    (void)argc, (void)argv;
    if (o->batch != NULL)
        return cli_issue_batch(o);
    if (!outputs_free(o))
        return CLI_EXIT_FAILURE;
    /* The record first: a mistake in it should not cost a passphrase prompt. */
    if (!read_record(o, &cert))
        return CLI_EXIT_FAILURE;
    status = o->registry != NULL ? issue_registry(o, &cert) : issue_plain(o, &cert);
    cs_certificate_clear(&cert);
    return status;
}

static const issue_options DEFAULTS = {.form = CS_FORM_OFFLINE,
                                       .passphrase = CLI_PASSPHRASE_SOURCE_INIT,
                                       .qr_options = CLI_QR_OPTIONS_INIT};

const cli_command cmd_issue_entry = {
    .name = "issue",
    .summary = "certification body: sign a certificate token from a JSON record",
    .usage = "--key CB_KEY --accreditation AC_FILE [--out FILE] [--force]\n"
             "           [--form offline|link] [--link-base URL] [--qr FILE.png|FILE.svg]\n"
             "           [--ecc L|M|Q|H] [--scale N] [--margin N]\n"
             "           [--passphrase-file FILE | --passphrase-fd N]\n"
             "           [--pin-file FILE | --pin-fd N] RECORD.json|-\n"
             "--registry DB [--supersedes CERT_NO] [--reason TEXT]\n"
             "           [--actor NAME] [--form offline|link] [--out FILE] [--qr FILE] ...\n"
             "           RECORD.json|-\n"
             "--registry DB --batch FILE.jsonl|FILE.csv [--format jsonl|csv]\n"
             "           [--out TOKENS.jsonl] [--qr-dir DIR] [--chunk N] [--actor NAME] [--force]",
    .description = "Signs a certificate token for the record (schemas/record.schema.json) with the\n"
                   "certification body's key and prints it (CS1:...), or writes it to FILE.\n",
    .options = OPTIONS,
    .options_size = sizeof(issue_options),
    .defaults = &DEFAULTS,
    .args_max = 1,
    .args_help = "give exactly one record: RECORD.json, or - for standard input",
    .check = check,
    .run = run,
};
