/* SPDX-License-Identifier: ISC */
/* certseal rekey | reissue (DESIGN §5): a registry changes its signing key
 * (a certification body with the credential its accreditation body issued
 * for the new key), and a certification body re-issues its current
 * certificates under its current key and credential. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_registry.h"

#define AC_FILE_MAX 65536

/* ---- rekey ---------------------------------------------------------------------- */

typedef struct rekey_options {
    const char *registry, *key, *accreditation;
    cs_registry_actor actor;
    cli_passphrase_source passphrase;
} rekey_options;

static const cli_option REKEY_OPTIONS[] = {
    CLI_OPTION("registry", 0, CLI_PATH, rekey_options, registry, "DB",
               "the registry whose signing key changes"),
    CLI_OPTION("key", 'k', CLI_KEY, rekey_options, key, "NEW_KEY",
               "the new private key; the registry keeps its absolute path"),
    CLI_OPTION("accreditation", 'a', CLI_PATH, rekey_options, accreditation, "NEW_AC",
               "certification body: the credential the accreditation body\n"
               "issued for NEW_KEY (same body, same accreditation number)"),
    CLI_OPTION("reason", 0, CLI_STRING, rekey_options, actor.reason, "TEXT",
               "why, recorded with the event"),
    CLI_OPTION("actor", 0, CLI_STRING, rekey_options, actor.name, "NAME",
               "who, recorded with the event (default: the login name)"),
    CLI_PASSPHRASE_OPTIONS(rekey_options, passphrase, "the new key's passphrase"),
    {0},
};

static int check_rekey(void *options, int argc, char **argv)
{
    const rekey_options *o = options;

    (void)argc, (void)argv;
    if (o->registry == NULL)
        return cli_usage_error("--registry DB is required: the registry whose key changes");
    if (o->key == NULL)
        return cli_usage_error("--key NEW_KEY is required: the new private key");
    return cli_registry_check_actor(&o->actor) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

static int run_rekey(void *options, int argc, char **argv)
{
    const rekey_options *o = options;
    cs_registry_t *registry = NULL;
    cs_key_t *key = NULL;
    uint8_t *ac = NULL;
    size_t ac_len = 0;
    char key_ref[PATH_MAX], detail[CS_DETAIL_SIZE] = "", new_kid[2 * CS_KID_SIZE + 1];
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    (void)argc, (void)argv;
    if (!cli_registry_open(o->registry, 0, "change its key", &registry))
        goto fail;
    if (cs_registry_role_of(registry) == CS_REGISTRY_ROLE_CB && o->accreditation == NULL) {
        status = cli_usage_error("--accreditation NEW_AC is required for a certification "
                                 "body's registry: the credential issued for the new key");
        goto fail;
    }
    if (cs_registry_role_of(registry) == CS_REGISTRY_ROLE_AB && o->accreditation != NULL) {
        status = cli_usage_error("--accreditation is for a certification body's registry; an "
                                 "accreditation body's keys are announced in the trust list");
        goto fail;
    }
    if (!cli_registry_key_reference(o->key, key_ref, sizeof(key_ref)) ||
        (o->accreditation != NULL &&
         !cli_read_input(o->accreditation, AC_FILE_MAX, &ac, &ac_len)) ||
        !cli_load_private_key(key_ref, &o->passphrase, &key))
        goto fail;
    err = cs_registry_rekey(registry, key, key_ref, ac, ac_len, &o->actor, detail, sizeof(detail));
    if (err == CS_ERR_REKEY_MISMATCH || err == CS_ERR_ARGUMENT) {
        cli_error("%s: %s", o->accreditation != NULL ? o->accreditation : o->key,
                  cs_err_detail(detail, err));
        goto fail;
    }
    if (err != CS_OK) {
        cli_registry_report(o->registry, err, detail);
        goto fail;
    }
    cs_text_hex(cs_key_kid(key), CS_KID_SIZE, new_kid);
    fprintf(stderr,
            "certseal: rekey: %s: now signs with key %s (%s)%s; publish the status list "
            "again with the new key (certseal status publish)\n",
            o->registry, new_kid, key_ref,
            cs_registry_role_of(registry) == CS_REGISTRY_ROLE_CB
                ? "; what the old key issued stays valid until it expires: re-issue it with "
                  "certseal reissue if the old key must stop counting"
                : "; the scheme owner adds the new key to the trust list");
    status = CLI_EXIT_OK;
fail:
    free(ac);
    cs_key_free(&key);
    cs_registry_close(&registry);
    return status;
}

static const rekey_options REKEY_DEFAULTS = {.passphrase = CLI_PASSPHRASE_SOURCE_INIT};

const cli_command cmd_rekey_entry = {
    .name = "rekey",
    .summary = "registry: change the signing key (and a certification body's credential)",
    .usage = "--registry DB --key NEW_KEY [--accreditation NEW_AC] [--reason TEXT]\n"
             "          [--actor NAME] [--passphrase-file FILE | --passphrase-fd N]",
    .description =
        "Moves the registry to a new signing key, in one transaction recorded as a\n"
        "\"rekeyed\" event.  A certification body's registry needs NEW_AC, the credential\n"
        "its accreditation body issued for NEW_KEY under the same accreditation number;\n"
        "certificates issued under the old key stay valid until they expire, and the\n"
        "status lists, now signed with the new key, carry its credential so that they\n"
        "still suspend or withdraw them.  certseal reissue re-issues them under the new\n"
        "key.  An accreditation body's registry takes the new key alone; its credentials\n"
        "signed by the old key stay valid while the trust list lists that key.\n",
    .options = REKEY_OPTIONS,
    .options_size = sizeof(rekey_options),
    .defaults = &REKEY_DEFAULTS,
    .check = check_rekey,
    .run = run_rekey,
};

/* ---- reissue -------------------------------------------------------------------- */

typedef struct reissue_options {
    const char *registry, *out;
    bool all, force;
    cs_registry_actor actor;
    cli_passphrase_source passphrase;
} reissue_options;

static const cli_option REISSUE_OPTIONS[] = {
    CLI_OPTION("registry", 0, CLI_PATH, reissue_options, registry, "DB",
               "the certification body's registry"),
    CLI_OPTION("all", 0, CLI_FLAG, reissue_options, all, NULL,
               "every current certificate (valid or suspended, not expired)"),
    CLI_OPTION("out", 'o', CLI_PATH, reissue_options, out, "FILE",
               "write the new tokens as JSON Lines to FILE, not standard output"),
    CLI_OPTION("force", 'f', CLI_FLAG, reissue_options, force, NULL, "replace FILE"),
    CLI_OPTION("reason", 0, CLI_STRING, reissue_options, actor.reason, "TEXT",
               "why, recorded with the events"),
    CLI_OPTION("actor", 0, CLI_STRING, reissue_options, actor.name, "NAME",
               "who, recorded with the events (default: the login name)"),
    CLI_PASSPHRASE_OPTIONS(reissue_options, passphrase, "the key's passphrase"),
    {0},
};

static int check_reissue(void *options, int argc, char **argv)
{
    const reissue_options *o = options;

    (void)argv;
    if (o->registry == NULL)
        return cli_usage_error("--registry DB is required: the certification body's registry");
    if (o->all == (argc > 0))
        return cli_usage_error(o->all ? "--all takes no NUMBER: give one or the other"
                                      : "give --all or the certificate NUMBERs to re-issue");
    for (int i = 0; i < argc; i++)
        if (argv[i][0] == '\0')
            return cli_usage_error("a certificate number is empty");
    return cli_registry_check_actor(&o->actor) ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

typedef struct reissue_run {
    char *lines; /* JSON Lines of the new tokens */
    size_t len;
    bool failed;
} reissue_run;

static void on_reissued(void *ctx, const char *number, uint64_t revision, const char *token,
                        size_t token_len, const char *why)
{
    reissue_run *run = ctx;
    char safe[CLI_ESCAPED_SIZE(64)];
    json_t *line;
    char *text;

    cli_escape(number, safe, sizeof(safe));
    if (token == NULL) {
        fprintf(stderr, "certseal: reissue: %s: revision %llu kept (%s)\n", safe,
                (unsigned long long)revision, why);
        return;
    }
    fprintf(stderr, "certseal: reissue: %s: revision %llu issued under the current key\n", safe,
            (unsigned long long)revision);
    line = json_pack("{s:s, s:I, s:s%}", "certificate_number", number, "revision",
                     (json_int_t)revision, "token", token, token_len);
    text = line != NULL ? json_dumps(line, JSON_COMPACT) : NULL;
    json_decref(line);
    if (text == NULL) {
        run->failed = true;
        return;
    }
    size_t n = strlen(text);
    char *grown = realloc(run->lines, run->len + n + 2);
    if (grown == NULL) {
        run->failed = true;
    } else {
        run->lines = grown;
        memcpy(run->lines + run->len, text, n);
        run->lines[run->len + n] = '\n';
        run->len += n + 1;
        run->lines[run->len] = '\0';
    }
    free(text);
}

static int run_reissue(void *options, int argc, char **argv)
{
    const reissue_options *o = options;
    cs_registry_t *registry = NULL;
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    reissue_run out = {0};
    size_t reissued = 0;
    char detail[CS_DETAIL_SIZE] = "";
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    if (o->out != NULL && !o->force && strcmp(o->out, "-") != 0 && access(o->out, F_OK) == 0) {
        cli_error("%s: already exists; choose another name or add --force to replace it", o->out);
        return CLI_EXIT_FAILURE;
    }
    if (!cli_registry_open(o->registry, CS_REGISTRY_ROLE_CB, "re-issue certificates", &registry) ||
        !cli_registry_load_key(registry, o->registry, &o->passphrase, &key) ||
        !cli_registry_issuer(registry, o->registry, key, &issuer))
        goto fail;
    err = cs_registry_reissue(registry, issuer, o->all ? NULL : (const char *const *)argv,
                              o->all ? 0 : (size_t)argc, (int64_t)time(NULL), &o->actor,
                              on_reissued, &out, &reissued, detail, sizeof(detail));
    if (err != CS_OK)
        cli_registry_report(o->registry, err, detail);
    if (out.failed)
        cli_error("out of memory while collecting the new tokens (they are recorded: certseal "
                  "list --registry %s shows them)",
                  o->registry);
    /* What was committed is written even when a later one failed. */
    if (out.len > 0) {
        bool written =
            o->out != NULL && strcmp(o->out, "-") != 0
                ? cli_write_output(o->out, out.lines, out.len, 0644, o->force)
                : fwrite(out.lines, 1, out.len, stdout) == out.len && fflush(stdout) == 0;
        if (!written)
            goto fail;
    }
    if (err == CS_OK && !out.failed) {
        fprintf(stderr, "certseal: reissue: %s: %zu certificate(s) re-issued%s\n", o->registry,
                reissued,
                reissued > 0 ? "; publish the status list again (certseal status publish)" : "");
        status = CLI_EXIT_OK;
    }
fail:
    free(out.lines);
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    cs_registry_close(&registry);
    return status;
}

static const reissue_options REISSUE_DEFAULTS = {.passphrase = CLI_PASSPHRASE_SOURCE_INIT};

const cli_command cmd_reissue_entry = {
    .name = "reissue",
    .summary = "registry: re-issue current certificates under the current key",
    .usage = "--registry DB [--out FILE [--force]] [--reason TEXT] [--actor NAME]\n"
             "          [--passphrase-file FILE | --passphrase-fd N] --all | NUMBER...",
    .description =
        "Re-issues the current certificates of a certification body's registry (every\n"
        "valid or suspended one that has not expired with --all, or the NUMBERs given) as\n"
        "new revisions under the registry's current key and credential, dated today, each\n"
        "in its own transaction; the old revision is superseded, and a suspended\n"
        "certificate stays suspended.  A certificate already under the current key and\n"
        "credential is kept, so running it again re-issues nothing.  The new tokens are\n"
        "written as JSON Lines ({\"certificate_number\", \"revision\", \"token\"}).\n",
    .options = REISSUE_OPTIONS,
    .options_size = sizeof(reissue_options),
    .defaults = &REISSUE_DEFAULTS,
    .args_min = 0,
    .args_max = CLI_ARGS_ANY,
    .args_help = "give --all or certificate numbers",
    .check = check_reissue,
    .run = run_reissue,
};
