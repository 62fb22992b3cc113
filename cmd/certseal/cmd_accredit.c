/* SPDX-License-Identifier: ISC */
/* certseal accredit: an accreditation body signs an accreditation
 * credential for a certification body's public key. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_registry.h"

static const char USAGE[] =
    "usage: certseal accredit --key AB_KEY --subject-key CB_KEY.pub --issuer AB_ID\n"
    "           --subject CB_ID --name NAME --number ACC_NO --country CC\n"
    "           --standard STD [--standard STD]... [--iaf N[,N...]]\n"
    "           [--not-before DATE] --expires DATE --out AC_FILE [--force]\n"
    "           [--passphrase-file FILE | --passphrase-fd N]\n"
    "       certseal accredit --registry AB_DB [--actor NAME] --subject-key CB_KEY.pub ...\n"
    "\n"
    "Signs an accreditation credential (COSE_Sign1, typ cs-accr) with the accreditation\n"
    "body's key AB_KEY for the certification body's public key, and writes it to AC_FILE.\n"
    "  --standard STD   a standard with its edition, e.g. \"ISO 9001:2015\" (repeat it)\n"
    "  --iaf LIST       IAF sector codes 1-39, comma separated (repeatable)\n"
    "  --not-before D   first day of the accreditation (default: today, UTC)\n"
    "  --expires D      last day of the accreditation (a date-time is the exact end)\n"
    "  --registry DB    sign with the key of the accreditation body's registry DB\n"
    "                   (instead of --key) and record the credential there with a\n"
    "                   status index, so that it can be suspended or withdrawn\n"
    "DATE is YYYY-MM-DD (UTC) or RFC 3339.\n";

typedef struct accredit_options {
    const char *key, *subject_key, *out, *registry;
    cs_registry_actor actor;
    bool force;
    bool has_not_before, has_expires;
    cli_passphrase_source passphrase;
    cs_accreditation ac; /* strings borrowed from argv until signing */
    const char *standards[CS_LIST_MAX];
    uint64_t iaf[CS_LIST_MAX];
} accredit_options;

static int add_iaf_list(accredit_options *o, const char *list)
{
    char buf[256];
    size_t len = strlen(list);
    if (len == 0 || len >= sizeof(buf) || list[0] == ',' || list[len - 1] == ',' ||
        strstr(list, ",,") != NULL)
        return cli_usage_error("--iaf: '%s' is not a comma-separated list of sector numbers, "
                               "e.g. 17,18",
                               list);
    memcpy(buf, list, len + 1);
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        uint64_t code;
        if (!cli_parse_uint("--iaf", item, UINT32_MAX, &code))
            return CLI_EXIT_USAGE;
        if (code == 0 || code > CS_IAF_CODE_MAX)
            return cli_usage_error("--iaf: %s is not an IAF sector; they are numbered 1 to %d",
                                   item, CS_IAF_CODE_MAX);
        if (o->ac.iaf_count == CS_LIST_MAX)
            return cli_usage_error("--iaf: more than %d sectors", CS_LIST_MAX);
        o->iaf[o->ac.iaf_count++] = code;
    }
    return CLI_EXIT_OK;
}

/* A date is the last valid day (exclusive end: the next midnight); a
 * date-time is the exact end. */
static bool parse_expiry(const char *text, int64_t *out)
{
    if (!cli_parse_date("--expires", text, out))
        return false;
    if (strlen(text) == 10)
        *out += CS_SECONDS_PER_DAY;
    return true;
}

/* A refusal of the library's checker, its field named as the option. */
static int refuse_value(const char *detail)
{
    static const struct {
        const char *field, *option;
    } options[] = {{"issuer", "--issuer"}, {"subject", "--subject"}, {"name", "--name"},
                   {"number", "--number"}, {"country", "--country"}, {"standard", "--standard"},
                   {"iaf_codes", "--iaf"}, {"expires", "--expires"}};
    size_t field_len = strcspn(detail, ":");
    for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
        if (strlen(options[i].field) == field_len &&
            strncmp(detail, options[i].field, field_len) == 0)
            return cli_usage_error("%s%s", options[i].option, detail + field_len);
    return cli_usage_error("%s", detail);
}

/* The rules are the library's (cs_accreditation_check()); applied here too
 * only to refuse a mistake as a usage error before any key is loaded. */
static int check_values(accredit_options *o)
{
    cs_accreditation_params params;
    char detail[400] = "";
    cs_err err;

    cs_accreditation_params_of(&o->ac, &params);
    if ((err = cs_accreditation_check(&params, detail, sizeof(detail))) != CS_OK)
        return refuse_value(detail[0] ? detail : cs_strerror(err));
    return CLI_EXIT_OK;
}

static int parse(int argc, char **argv, accredit_options *o)
{
    enum { OPT_SUBJECT_KEY = 256, OPT_NOT_BEFORE };
    static const struct option longopts[] = {
        {"key", required_argument, NULL, 'k'},
        {"subject-key", required_argument, NULL, OPT_SUBJECT_KEY},
        {"issuer", required_argument, NULL, 'i'},
        {"subject", required_argument, NULL, 's'},
        {"name", required_argument, NULL, 'n'},
        {"number", required_argument, NULL, 'N'},
        {"country", required_argument, NULL, 'c'},
        {"standard", required_argument, NULL, 'S'},
        {"iaf", required_argument, NULL, 'I'},
        {"not-before", required_argument, NULL, OPT_NOT_BEFORE},
        {"expires", required_argument, NULL, 'e'},
        {"out", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"registry", required_argument, NULL, CLI_OPT_REGISTRY},
        {"actor", required_argument, NULL, CLI_OPT_ACTOR},
        CLI_PASSPHRASE_LONG_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cs_accreditation *ac = &o->ac;
    int opt, status = CLI_EXIT_OK;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":k:o:fh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'k':
            o->key = optarg;
            break;
        case OPT_SUBJECT_KEY:
            o->subject_key = optarg;
            break;
        case 'i':
            ac->issuer = optarg;
            break;
        case 's':
            ac->subject = optarg;
            break;
        case 'n':
            ac->name = optarg;
            break;
        case 'N':
            ac->number = optarg;
            break;
        case 'c':
            ac->country = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'f':
            o->force = true;
            break;
        case CLI_OPT_REGISTRY:
            o->registry = optarg;
            break;
        case CLI_OPT_ACTOR:
            o->actor.name = optarg;
            break;
        case 'S':
            if (ac->standard_count == CS_LIST_MAX)
                return cli_usage_error("--standard: more than %d standards", CS_LIST_MAX);
            o->standards[ac->standard_count++] = optarg;
            break;
        case 'I':
            if ((status = add_iaf_list(o, optarg)) != CLI_EXIT_OK)
                return status;
            break;
        case OPT_NOT_BEFORE:
            if (!cli_parse_date("--not-before", optarg, &ac->not_before))
                return CLI_EXIT_USAGE;
            o->has_not_before = true;
            break;
        case 'e':
            if (!parse_expiry(optarg, &ac->expires))
                return CLI_EXIT_USAGE;
            o->has_expires = true;
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
        return cli_usage_error("unexpected argument '%s' (see certseal accredit --help)",
                               argv[optind]);
    if (o->registry != NULL && o->key != NULL)
        return cli_usage_error("--key: with --registry it comes from the registry's settings "
                               "(drop --key)");
    if (o->registry == NULL && o->actor.name != NULL)
        return cli_usage_error("--actor needs --registry DB");
    if (!cli_registry_check_actor(&o->actor))
        return CLI_EXIT_USAGE;
    const struct {
        const void *value;
        const char *option;
    } required[] = {
        {o->registry != NULL ? o->registry : o->key, "--key AB_KEY"},
        {o->subject_key, "--subject-key CB_KEY.pub"},
        {ac->issuer, "--issuer AB_ID"},
        {ac->subject, "--subject CB_ID"},
        {ac->name, "--name NAME"},
        {ac->number, "--number ACC_NO"},
        {ac->country, "--country CC"},
        {o->out, "--out AC_FILE"},
    };
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (required[i].value == NULL || *(const char *)required[i].value == '\0')
            return cli_usage_error("%s is required (see certseal accredit --help)",
                                   required[i].option);
    if (ac->standard_count == 0)
        return cli_usage_error("--standard STD is required at least once");
    if (!o->has_expires)
        return cli_usage_error("--expires DATE is required");
    ac->issued_at = (int64_t)time(NULL);
    if (!o->has_not_before)
        ac->not_before = ac->issued_at - ac->issued_at % CS_SECONDS_PER_DAY;
    ac->standards = (char **)o->standards;
    ac->iaf_codes = o->iaf;
    return check_values(o);
}

/* Signs params with the key of the registry and records it there, with
 * the status index it drew in *status_index. */
static bool sign_in_registry(accredit_options *o, const cs_accreditation_params *params,
                             cs_key_t **ab_key, uint64_t *status_index, uint8_t **ac_bytes,
                             size_t *ac_len)
{
    cs_registry_t *registry = NULL;
    char detail[400] = "";
    cs_err err = CS_OK;
    bool ok = false;

    if (!cli_registry_open(o->registry, CS_REGISTRY_ROLE_AB, "accredit certification bodies",
                           &registry) ||
        !cli_registry_load_key(registry, o->registry, &o->passphrase, ab_key))
        goto done;
    err = cs_registry_issue_accreditation(registry, *ab_key, params, &o->actor, status_index,
                                          ac_bytes, ac_len, detail, sizeof(detail));
    if (err == CS_ERR_REGISTRY_DUPLICATE || err == CS_ERR_REGISTRY_FULL)
        cli_registry_report(params->number, err, detail);
    else if (cs_err_class_of(err) == CS_ERR_CLASS_REGISTRY)
        cli_registry_report(o->registry, err, detail);
    else if (err != CS_OK)
        cli_error("cannot sign the accreditation credential: %s",
                  detail[0] ? detail : cs_strerror(err));
    ok = err == CS_OK;
done:
    cs_registry_close(&registry);
    return ok;
}

int cmd_accredit(int argc, char **argv)
{
    accredit_options o = {.passphrase = CLI_PASSPHRASE_SOURCE_INIT};
    cs_accreditation_params params;
    cs_key_t *ab_key = NULL, *cb_key = NULL;
    uint8_t *ac_bytes = NULL;
    size_t ac_len = 0;
    uint64_t status_index = 0;
    char detail[400] = "";
    int status;
    cs_err err;

    if ((status = parse(argc, argv, &o)) != CLI_EXIT_OK)
        return status;
    status = CLI_EXIT_FAILURE;
    if ((err = cs_key_load_public_file(o.subject_key, &cb_key)) == CS_ERR_KEY_WEAK) {
        cli_error("%s: refused: the certification body's public key is of small order or not "
                  "canonically encoded, so anyone could sign with it (ask for a key made with "
                  "certseal keygen)",
                  o.subject_key);
        goto done;
    } else if (err != CS_OK) {
        cli_error("%s: cannot load the certification body's public key: %s", o.subject_key,
                  err == CS_ERR_IO_OPEN ? strerror(errno) : cs_strerror(err));
        goto done;
    }
    /* Before anything is recorded (the write checks again). */
    if (!o.force && strcmp(o.out, "-") != 0 && access(o.out, F_OK) == 0) {
        cli_error("%s: already exists; choose another name or add --force to replace it", o.out);
        goto done;
    }
    /* Borrows argv's strings and the key; nothing of it is freed here. */
    cs_accreditation_params_of(&o.ac, &params);
    params.subject_key = cb_key;
    if (o.registry != NULL) {
        if (!sign_in_registry(&o, &params, &ab_key, &status_index, &ac_bytes, &ac_len))
            goto done;
    } else if (!cli_load_private_key(o.key, &o.passphrase, &ab_key)) {
        goto done;
    } else if ((err = cs_accreditation_sign(ab_key, &params, &ac_bytes, &ac_len, detail,
                                            sizeof(detail))) != CS_OK) {
        cli_error("cannot sign the accreditation credential: %s",
                  detail[0] ? detail : cs_strerror(err));
        goto done;
    }
    if (!cli_write_output(o.out, ac_bytes, ac_len, 0644, o.force))
        goto done;
    char last_day[CS_DATE_TEXT_SIZE], first_day[CS_DATE_TEXT_SIZE];
    cs_date_format(params.not_before, first_day);
    cs_date_format(params.expires - 1, last_day);
    fprintf(stderr,
            "certseal: accredit: %s: accreditation %s of %s for %zu standard(s), valid "
            "%s to %s (%zu bytes)\n",
            o.out, params.number, params.subject, params.standard_count, first_day, last_day,
            ac_len);
    if (o.registry != NULL)
        fprintf(stderr, "certseal: accredit: %s: recorded in %s with status index %llu\n",
                params.number, o.registry, (unsigned long long)status_index);
    status = CLI_EXIT_OK;
done:
    free(ac_bytes);
    cs_key_free(&ab_key);
    cs_key_free(&cb_key);
    return status;
}
