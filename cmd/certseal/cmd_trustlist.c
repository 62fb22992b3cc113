/* SPDX-License-Identifier: ISC */
/* certseal trustlist sign | show: the scheme owner signs its trust list of
 * accreditation bodies from its JSON source; anyone shows what a list
 * holds (decoded, not verified). */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

#define DEFAULT_VALID_FOR (30 * 86400) /* a month */
#define VALID_FOR_MAX_DAYS 400
#define SOURCE_MAX (16u * 1024 * 1024)

typedef struct sign_options {
    const char *key, *out;
    uint64_t sequence;
    int64_t issued_at, next_update, valid_for;
    cli_list next_roots;
    cli_passphrase_source passphrase;
} sign_options;

typedef struct show_options {
    bool json;
} show_options;

/* Reads and decodes a list file; reports and returns false on failure. */
static bool decode_file(const char *path, cs_trustlist *list)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "", name[CLI_ESCAPED_SIZE(512)];
    cs_err err;

    if (!cli_read_input(path, CS_TRUSTLIST_MAX, &data, &len))
        return false;
    err = cs_trustlist_decode(data, len, list, detail, sizeof(detail));
    free(data);
    if (err != CS_OK)
        cli_error("%s: not a trust list: %s (give the file certseal trustlist sign wrote)",
                  cli_escape(strcmp(path, "-") == 0 ? "standard input" : path, name, sizeof(name)),
                  cs_err_detail(detail, err));
    return err == CS_OK;
}

/* ---- sign ----------------------------------------------------------------- */

/* The JSON source into list; key file names are relative to its folder. */
static bool read_source(const char *path, cs_trustlist *list)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "", *copy = NULL;
    cs_err err;

    if (!cli_read_input(path, SOURCE_MAX, &data, &len))
        return false;
    if ((copy = strdup(strcmp(path, "-") == 0 ? "." : path)) == NULL) {
        free(data);
        cli_error("out of memory");
        return false;
    }
    err = cs_trustlist_from_json((const char *)data, len,
                                 strcmp(path, "-") == 0 ? "." : dirname(copy), list, detail,
                                 sizeof(detail));
    if (err != CS_OK)
        cli_error("%s: %s (see schemas/trustlist-source.schema.json)", path,
                  cs_err_detail(detail, err));
    free(copy);
    free(data);
    return err == CS_OK;
}

/* The sequence must increase: a list already at --out names the floor. */
static bool check_sequence(const sign_options *o)
{
    cs_trustlist old = {0};
    struct stat st;
    bool ok = true;

    if (stat(o->out, &st) != 0 || !S_ISREG(st.st_mode))
        return true;
    if (!decode_file(o->out, &old)) {
        cli_error("%s: exists and is not a trust list; not replaced", o->out);
        return false;
    }
    if (o->sequence <= old.sequence) {
        cli_error("%s: holds sequence %llu; the new list's --sequence %llu must be higher "
                  "(readers refuse a lower one, and an equal one with other content)",
                  o->out, (unsigned long long)old.sequence, (unsigned long long)o->sequence);
        ok = false;
    }
    cs_trustlist_clear(&old);
    return ok;
}

static bool load_next_roots(const sign_options *o, cs_trustlist *list)
{
    if (o->next_roots.count == 0)
        return true;
    if ((list->next_keys = calloc(o->next_roots.count, sizeof(*list->next_keys))) == NULL) {
        cli_error("out of memory");
        return false;
    }
    for (size_t i = 0; i < o->next_roots.count; i++) {
        cs_err err = cs_key_load_public_file(o->next_roots.items[i], &list->next_keys[i]);
        if (err != CS_OK) {
            cli_error("%s: cannot load the next root key: %s (give a PEM public key)",
                      o->next_roots.items[i], cs_strerror(err));
            return false;
        }
        list->next_key_count++;
    }
    return true;
}

static int run_sign(void *options, int argc, char **argv)
{
    const sign_options *o = options;
    cs_trustlist list = {0};
    cs_key_t *root = NULL;
    uint8_t *out = NULL;
    size_t out_len = 0;
    char kid[2 * CS_KID_SIZE + 1], until[CS_DATETIME_TEXT_SIZE];
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    (void)argc;
    if (!check_sequence(o) || !read_source(argv[0], &list) || !load_next_roots(o, &list) ||
        !cli_load_private_key(o->key, &o->passphrase, &root))
        goto fail;
    list.sequence = o->sequence;
    list.issued_at = o->issued_at >= 0 ? o->issued_at : (int64_t)time(NULL);
    list.next_update = o->next_update >= 0 ? o->next_update : list.issued_at + o->valid_for;
    if (list.next_update <= list.issued_at) {
        cli_error("--next-update is not after the list's issue time; give a later date");
        goto fail;
    }
    if ((err = cs_trustlist_sign(&list, root, &out, &out_len)) != CS_OK) {
        cli_error("%s: cannot sign the trust list: %s", argv[0], cs_strerror(err));
        goto fail;
    }
    if (!cli_write_file(o->out, out, out_len, 0644, CS_FILE_REPLACE))
        goto fail;
    cs_text_hex(cs_key_kid(root), CS_KID_SIZE, kid);
    cs_date_format_datetime(list.next_update, until);
    fprintf(stderr,
            "certseal: trustlist: %s: %s, sequence %llu, %zu accreditation bod%s, signed by "
            "root key %s, next update %s\n",
            o->out, list.issuer, (unsigned long long)list.sequence, list.ab_count,
            list.ab_count == 1 ? "y" : "ies", kid, until);
    status = CLI_EXIT_OK;
fail:
    free(out);
    cs_key_free(&root);
    cs_trustlist_clear(&list);
    return status;
}

static int check_sign(void *options, int argc, char **argv)
{
    const sign_options *o = options;

    (void)argc, (void)argv;
    if (o->key == NULL)
        return cli_usage_error("--key FILE is required: the scheme owner's root private key");
    if (o->out == NULL)
        return cli_usage_error("--out FILE is required: the file published at the list's uri");
    if (o->sequence == 0)
        return cli_usage_error("--sequence N is required: higher than the last list's");
    if (o->next_update >= 0 && o->valid_for != DEFAULT_VALID_FOR)
        return cli_usage_error("give either --next-update DATE or --valid-for DURATION");
    return CLI_EXIT_OK;
}

static const cli_option SIGN_OPTIONS[] = {
    CLI_OPTION("key", 'k', CLI_KEY, sign_options, key, "FILE", "the scheme owner's root key"),
    CLI_OPTION("out", 'o', CLI_PATH, sign_options, out, "FILE",
               "the signed list (raw COSE), published at the list's uri"),
    CLI_OPTION("sequence", 0, CLI_UNSIGNED, sign_options, sequence, "N",
               "the list's sequence number: higher than every earlier list's", .min = 1,
               .max = UINT64_MAX >> 2),
    CLI_OPTION("next-update", 0, CLI_DATE, sign_options, next_update, "DATE",
               "when the next list will be out (its exp)"),
    CLI_OPTION("valid-for", 0, CLI_DURATION, sign_options, valid_for, "D",
               "the next update counted from now (default 30d)", .max = VALID_FOR_MAX_DAYS),
    CLI_OPTION("issued-at", 0, CLI_DATE, sign_options, issued_at, "DATE",
               "the list's iat (default now)"),
    CLI_OPTION("next-root", 0, CLI_LIST, sign_options, next_roots, "PUB",
               "a PEM public key the root will sign the next lists with\n"
               "(announced ahead of a rollover; repeatable)",
               .max = CS_TRUSTLIST_ENTRY_MAX),
    CLI_PASSPHRASE_OPTIONS(sign_options, passphrase, "the key's passphrase"),
    {0},
};

static const sign_options SIGN_DEFAULTS = {.issued_at = -1,
                                           .next_update = -1,
                                           .valid_for = DEFAULT_VALID_FOR,
                                           .passphrase = CLI_PASSPHRASE_SOURCE_INIT};

#define SIGN_USAGE                                                                                 \
    "sign --key FILE --sequence N --out FILE [--next-update DATE | --valid-for D]\n"               \
    "           [--issued-at DATE] [--next-root PUB ...]\n"                                        \
    "           [--passphrase-file FILE | --passphrase-fd N]\n"                                     \
    "           [--pin-file FILE | --pin-fd N] SOURCE.json"

static const cli_command SIGN = {
    .name = "sign",
    .usage = SIGN_USAGE,
    .description = "Signs the trust list described by the scheme owner's JSON source with the\n"
                   "root key and writes it to FILE (raw COSE).  The sequence number must be\n"
                   "higher than the list already in FILE, if any.\n",
    .options = SIGN_OPTIONS,
    .options_size = sizeof(sign_options),
    .defaults = &SIGN_DEFAULTS,
    .args_min = 1,
    .args_max = 1,
    .args_help = "give the JSON source of the list",
    .check = check_sign,
    .run = run_sign,
};

/* ---- show ----------------------------------------------------------------- */

static int run_show(void *options, int argc, char **argv)
{
    const show_options *o = options;
    cs_trustlist list = {0};
    char *text = NULL;
    int status = CLI_EXIT_FAILURE;

    (void)argc;
    if (!decode_file(argv[0], &list))
        goto fail;
    if ((o->json ? cs_trustlist_to_json(&list, &text) : cs_trustlist_format_text(&list, &text)) !=
        CS_OK) {
        cli_error("out of memory");
        goto fail;
    }
    status = cli_print_rendering(text, o->json);
fail:
    free(text);
    cs_trustlist_clear(&list);
    return status;
}

static const cli_option SHOW_OPTIONS[] = {
    CLI_OPTION("json", 0, CLI_FLAG, show_options, json, NULL,
               "print the list as JSON (the source's shape, with the signed fields)"),
    {0},
};

static const cli_command SHOW = {
    .name = "show",
    .usage = "show [--json] FILE|-",
    .description = "Decodes a trust list WITHOUT verifying its signature and prints its scheme\n"
                   "owner, sequence, dates and every accreditation body with its recognition\n"
                   "and keys.\n",
    .options = SHOW_OPTIONS,
    .options_size = sizeof(show_options),
    .args_min = 1,
    .args_max = 1,
    .args_help = "give a trust list file (or - for standard input)",
    .run = run_show,
};

const cli_command cmd_trustlist_entry = {
    .name = "trustlist",
    .summary = "scheme owner: sign the trust list of accreditation bodies, or show one",
    .usage = SIGN_USAGE "\n"
                        "show [--json] FILE|-",
    .description = "sign  signs the trust list described by the JSON source with the root key.\n"
                   "show  decodes a trust list WITHOUT verifying it and prints what it holds.\n",
    .args_help = "give sign or show",
    .subcommands = (const cli_command *const[]){&SIGN, &SHOW, NULL},
};
