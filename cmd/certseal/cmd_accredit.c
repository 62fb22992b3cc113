/* SPDX-License-Identifier: ISC */
/* certseal accredit: an accreditation body signs an accreditation
 * credential for a certification body's public key. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_registry.h"

/* --iaf: the sector codes of every list given. */
typedef struct iaf_list {
    uint64_t codes[CS_LIST_MAX];
    size_t count;
} iaf_list;

typedef struct accredit_options {
    const char *key, *subject_key, *out, *registry;
    const char *issuer, *subject, *name, *number, *country, *supersedes;
    cli_list standards;
    iaf_list iaf;
    int64_t not_before, expires; /* NOT_GIVEN when not given */
    cs_registry_actor actor;
    bool force;
    bool allow_unlisted_standard;
    cli_passphrase_source passphrase;
    cs_accreditation_params ac; /* what is signed: argv's strings, borrowed */
} accredit_options;

#define NOT_GIVEN INT64_MIN

static bool parse_iaf(const char *option, const char *list, void *field)
{
    iaf_list *iaf = field;
    char buf[256];
    size_t len = strlen(list);
    if (len == 0 || len >= sizeof(buf) || list[0] == ',' || list[len - 1] == ',' ||
        strstr(list, ",,") != NULL) {
        cli_usage_error("%s: '%s' is not a comma-separated list of sector numbers, e.g. 17,18",
                        option, list);
        return false;
    }
    memcpy(buf, list, len + 1);
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save)) {
        uint64_t code;
        if (!cli_parse_uint(option, item, UINT32_MAX, &code))
            return false;
        if (code == 0 || code > CS_IAF_CODE_MAX) {
            cli_usage_error("%s: %s is not an IAF sector; they are numbered 1 to %d", option, item,
                            CS_IAF_CODE_MAX);
            return false;
        }
        if (iaf->count == CS_LIST_MAX) {
            cli_usage_error("%s: more than %d sectors", option, CS_LIST_MAX);
            return false;
        }
        iaf->codes[iaf->count++] = code;
    }
    return true;
}

/* A date is the last valid day (exclusive end: the next midnight); a
 * date-time is the exact end. */
static bool parse_expiry(const char *option, const char *text, void *field)
{
    int64_t *out = field;
    if (!cli_parse_date(option, text, out))
        return false;
    if (strlen(text) == 10)
        *out += CS_SECONDS_PER_DAY;
    return true;
}

static const cli_option OPTIONS[] = {
    CLI_OPTION("key", 'k', CLI_KEY, accredit_options, key, "AB_KEY",
               "the accreditation body's private key"),
    CLI_OPTION("subject-key", 0, CLI_PATH, accredit_options, subject_key, "CB_KEY.pub",
               "the certification body's public key"),
    CLI_OPTION("issuer", 0, CLI_STRING, accredit_options, issuer, "AB_ID",
               "the accreditation body's identifier"),
    CLI_OPTION("subject", 0, CLI_STRING, accredit_options, subject, "CB_ID",
               "the certification body's identifier"),
    CLI_OPTION("name", 0, CLI_STRING, accredit_options, name, "NAME",
               "the certification body's legal name"),
    CLI_OPTION("number", 0, CLI_STRING, accredit_options, number, "ACC_NO",
               "the accreditation number"),
    CLI_OPTION("country", 0, CLI_STRING, accredit_options, country, "CC",
               "the certification body's country (ISO 3166-1 alpha-2, e.g. GB)"),
    CLI_OPTION("standard", 0, CLI_LIST, accredit_options, standards, "STD",
               "a standard with its edition, e.g. \"ISO 9001:2015\" (repeat it)",
               .max = CS_LIST_MAX),
    CLI_OPTION("iaf", 0, CLI_CUSTOM, accredit_options, iaf, "LIST",
               "IAF sector codes 1-39, comma separated (repeatable)", .parse = parse_iaf),
    CLI_OPTION("not-before", 0, CLI_DATE, accredit_options, not_before, "D",
               "first day of the accreditation (default: today, UTC)"),
    CLI_OPTION("expires", 0, CLI_CUSTOM, accredit_options, expires, "D",
               "last day of the accreditation (a date-time is the exact end)",
               .parse = parse_expiry),
    CLI_OPTION("out", 'o', CLI_PATH, accredit_options, out, "AC_FILE",
               "where to write the credential (- for standard output)"),
    CLI_OPTION("force", 'f', CLI_FLAG, accredit_options, force, NULL, "replace AC_FILE"),
    CLI_OPTION("allow-unlisted-standard", 0, CLI_FLAG, accredit_options, allow_unlisted_standard,
               NULL,
               "accredit a standard the standards catalog does not list (by\n"
               "default refused, with the nearest listed edition suggested)"),
    CLI_OPTION("registry", 0, CLI_PATH, accredit_options, registry, "DB",
               "sign with the key of the accreditation body's registry DB\n"
               "(instead of --key) and record the credential there with a\n"
               "status index, so that it can be suspended or withdrawn"),
    CLI_OPTION("actor", 0, CLI_STRING, accredit_options, actor.name, "NAME",
               "who, recorded in the registry's history (default: the login name)"),
    CLI_OPTION("supersedes", 0, CLI_STRING, accredit_options, supersedes, "ACC_NO",
               "with --registry: re-issue the current credential of the same\n"
               "certification body key under ACC_NO with the scope given here\n"
               "(a new revision; the old one becomes superseded)"),
    CLI_PASSPHRASE_OPTIONS(accredit_options, passphrase, "the key's passphrase"),
    {0},
};

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

/* DESIGN §2 step 7: each standard is in the built-in catalog (or allowed
 * unlisted) and its edition has not ended when the credential's validity
 * starts (--not-before, by default its issue day). */
static int check_catalog(const accredit_options *o)
{
    const cs_catalog *catalog = cs_catalog_builtin();
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = CS_OK;

    for (size_t i = 0; i < o->ac.standard_count && err == CS_OK; i++)
        err = cs_catalog_check_accreditation(
            catalog, o->ac.standards[i], o->ac.not_before,
            o->allow_unlisted_standard ? CS_CATALOG_ALLOW_UNLISTED : 0, detail, sizeof(detail));
    if (err != CS_OK)
        return cli_usage_error("--standard: %s", cs_err_detail(detail, err));
    return CLI_EXIT_OK;
}

static int check(void *options, int argc, char **argv)
{
    accredit_options *o = options;
    cs_accreditation_params *ac = &o->ac;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    (void)argc, (void)argv;
    if (o->registry != NULL && o->key != NULL)
        return cli_usage_error("--key: with --registry it comes from the registry's settings "
                               "(drop --key)");
    if (o->registry == NULL && o->actor.name != NULL)
        return cli_usage_error("--actor needs --registry DB");
    if (o->supersedes != NULL && o->registry == NULL)
        return cli_usage_error("--supersedes needs --registry DB: the registry that issued it");
    if (o->supersedes != NULL && o->number == NULL)
        o->number = o->supersedes;
    if (o->supersedes != NULL && strcmp(o->supersedes, o->number) != 0)
        return cli_usage_error("--supersedes %s: a new revision keeps its accreditation number, "
                               "not %s (drop --number or give the same)",
                               o->supersedes, o->number);
    if (!cli_registry_check_actor(&o->actor))
        return CLI_EXIT_USAGE;
    const struct {
        const void *value;
        const char *option;
    } required[] = {
        {o->registry != NULL ? o->registry : o->key, "--key AB_KEY"},
        {o->subject_key, "--subject-key CB_KEY.pub"},
        {o->issuer, "--issuer AB_ID"},
        {o->subject, "--subject CB_ID"},
        {o->name, "--name NAME"},
        {o->number, "--number ACC_NO"},
        {o->country, "--country CC"},
        {o->out, "--out AC_FILE"},
    };
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (required[i].value == NULL || *(const char *)required[i].value == '\0')
            return cli_usage_error("%s is required (see certseal accredit --help)",
                                   required[i].option);
    if (o->standards.count == 0)
        return cli_usage_error("--standard STD is required at least once");
    if (o->expires == NOT_GIVEN)
        return cli_usage_error("--expires DATE is required");
    ac->issuer = o->issuer;
    ac->subject = o->subject;
    ac->name = o->name;
    ac->number = o->number;
    ac->country = o->country;
    ac->standards = o->standards.items;
    ac->standard_count = o->standards.count;
    ac->iaf_codes = o->iaf.codes;
    ac->iaf_count = o->iaf.count;
    ac->expires = o->expires;
    ac->issued_at = (int64_t)time(NULL);
    ac->not_before = o->not_before != NOT_GIVEN
                         ? o->not_before
                         : ac->issued_at - ac->issued_at % CS_SECONDS_PER_DAY;
    /* The rules are the library's (cs_accreditation_check()), which signing
     * applies again; checked here only to refuse a mistake as a usage error
     * before any key is loaded. */
    if ((err = cs_accreditation_check(ac, detail, sizeof(detail))) != CS_OK)
        return refuse_value(cs_err_detail(detail, err));
    return check_catalog(o);
}

/* Signs o->ac with the key of the registry and records it there, with
 * the status index it drew in *status_index. */
static bool sign_in_registry(accredit_options *o, cs_key_t **ab_key, uint64_t *status_index,
                             uint8_t **ac_bytes, size_t *ac_len)
{
    cs_registry_t *registry = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = CS_OK;
    bool ok = false;

    if (!cli_registry_open(o->registry, CS_REGISTRY_ROLE_AB, "accredit certification bodies",
                           &registry) ||
        !cli_registry_load_key(registry, o->registry, &o->passphrase, ab_key))
        goto fail;
    err = cs_registry_accredit(registry, *ab_key, &o->ac, o->supersedes != NULL, &o->actor,
                               status_index, ac_bytes, ac_len, detail, sizeof(detail));
    if (err == CS_ERR_REGISTRY_DUPLICATE || err == CS_ERR_REGISTRY_FULL ||
        err == CS_ERR_REGISTRY_NOT_FOUND || err == CS_ERR_REGISTRY_TRANSITION)
        cli_registry_report(o->ac.number, err, detail);
    else if (cs_err_class_of(err) == CS_ERR_CLASS_REGISTRY)
        cli_registry_report(o->registry, err, detail);
    else if (err != CS_OK)
        cli_error("cannot sign the accreditation credential: %s",
                  cs_err_detail(detail, err));
    ok = err == CS_OK;
fail:
    cs_registry_close(&registry);
    return ok;
}

static int run(void *options, int argc, char **argv)
{
    accredit_options *o = options;
    cs_key_t *ab_key = NULL, *cb_key = NULL;
    uint8_t *ac_bytes = NULL;
    size_t ac_len = 0;
    uint64_t status_index = 0;
    char detail[CS_DETAIL_SIZE] = "";
    int status;
    cs_err err;

    (void)argc, (void)argv;
    status = CLI_EXIT_FAILURE;
    if ((err = cs_key_load_public_file(o->subject_key, &cb_key)) == CS_ERR_KEY_WEAK) {
        cli_error("%s: refused: the certification body's public key is of small order or not "
                  "canonically encoded, so anyone could sign with it (ask for a key made with "
                  "certseal keygen)",
                  o->subject_key);
        goto fail;
    } else if (err != CS_OK) {
        cli_error("%s: cannot load the certification body's public key: %s", o->subject_key,
                  err == CS_ERR_IO_OPEN ? strerror(errno) : cs_strerror(err));
        goto fail;
    }
    /* Before anything is recorded (the write checks again). */
    if (!o->force && strcmp(o->out, "-") != 0 && access(o->out, F_OK) == 0) {
        cli_error("%s: already exists; choose another name or add --force to replace it", o->out);
        goto fail;
    }
    o->ac.subject_key = cb_key; /* borrowed, like the rest of o->ac */
    if (o->registry != NULL) {
        if (!sign_in_registry(o, &ab_key, &status_index, &ac_bytes, &ac_len))
            goto fail;
    } else if (!cli_load_private_key(o->key, &o->passphrase, &ab_key)) {
        goto fail;
    } else if ((err = cs_accreditation_sign(ab_key, &o->ac, &ac_bytes, &ac_len, detail,
                                            sizeof(detail))) != CS_OK) {
        cli_error("cannot sign the accreditation credential: %s",
                  cs_err_detail(detail, err));
        goto fail;
    }
    if (!cli_write_output(o->out, ac_bytes, ac_len, 0644, o->force))
        goto fail;
    char last_day[CS_DATE_TEXT_SIZE], first_day[CS_DATE_TEXT_SIZE];
    cs_date_format(o->ac.not_before, first_day);
    cs_date_format(o->ac.expires - 1, last_day);
    fprintf(stderr,
            "certseal: accredit: %s: accreditation %s of %s for %zu standard(s), valid "
            "%s to %s (%zu bytes)\n",
            o->out, o->ac.number, o->ac.subject, o->ac.standard_count, first_day, last_day, ac_len);
    if (o->registry != NULL)
        fprintf(stderr, "certseal: accredit: %s: recorded in %s with status index %llu\n",
                o->ac.number, o->registry, (unsigned long long)status_index);
    status = CLI_EXIT_OK;
fail:
    o->ac.subject_key = NULL;
    free(ac_bytes);
    cs_key_free(&ab_key);
    cs_key_free(&cb_key);
    return status;
}

static const accredit_options DEFAULTS = {
    .not_before = NOT_GIVEN, .expires = NOT_GIVEN, .passphrase = CLI_PASSPHRASE_SOURCE_INIT};

const cli_command cmd_accredit_entry = {
    .name = "accredit",
    .summary = "accreditation body: sign an accreditation credential",
    .usage = "--key AB_KEY --subject-key CB_KEY.pub --issuer AB_ID\n"
             "           --subject CB_ID --name NAME --number ACC_NO --country CC\n"
             "           --standard STD [--standard STD]... [--iaf N[,N...]]\n"
             "           [--not-before DATE] --expires DATE --out AC_FILE [--force]\n"
             "           [--passphrase-file FILE | --passphrase-fd N]\n"
             "           [--pin-file FILE | --pin-fd N]   (AB_KEY a file or a pkcs11: URI)\n"
             "--registry AB_DB [--actor NAME] [--supersedes ACC_NO] --subject-key CB_KEY.pub ...",
    .description =
        "Signs an accreditation credential (COSE_Sign1, typ cs-accr) with the accreditation\n"
        "body's key AB_KEY for the certification body's public key, and writes it to AC_FILE.\n"
        "DATE is YYYY-MM-DD (UTC) or RFC 3339.  With --registry, an accreditation number\n"
        "holds one current credential per certification body key: accrediting the body's\n"
        "new key under its number adds one (each has its own status index), and\n"
        "--supersedes replaces the credential of the same key with a changed scope.\n",
    .options = OPTIONS,
    .options_size = sizeof(accredit_options),
    .defaults = &DEFAULTS,
    .check = check,
    .run = run,
};
