/* SPDX-License-Identifier: ISC */
/* certseal receipt verify: checks a verification receipt that `verify
 * --receipt` wrote against the buyer's public key and shows what it says
 * (certseal/receipt.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct receipt_options {
    cli_list trust; /* --trust PUB: the buyer's public keys */
    bool json;
} receipt_options;

static const cli_option VERIFY_OPTIONS[] = {
    CLI_OPTION("trust", 't', CLI_LIST, receipt_options, trust, "PATH",
               "the public key (PEM) of the buyer who signed the receipt, or a\n"
               "folder of them (repeatable)", .max = 16),
    CLI_OPTION("json", 0, CLI_FLAG, receipt_options, json, NULL,
               "print the verified receipt as one JSON object"),
    {0},
};

static int check_verify(void *options, int argc, char **argv)
{
    const receipt_options *o = options;

    (void)argc, (void)argv;
    if (o->trust.count == 0)
        return cli_usage_error("--trust BUYER.pub is required: the public key of whoever signed "
                               "the receipt");
    return CLI_EXIT_OK;
}

static void hex(const uint8_t *bytes, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", bytes[i]);
}

/* ---- text ------------------------------------------------------------------ */

static void print_field(const char *name, const char *value)
{
    char safe[CLI_ESCAPED_SIZE(CS_TEXT_MAX)];
    if (value != NULL)
        printf("    %-13s %s\n", name, cli_escape(value, safe, sizeof(safe)));
}

static void print_text(const cs_receipt *r)
{
    char date[CS_DATETIME_TEXT_SIZE], digest[2 * CS_RECEIPT_SHA256_SIZE + 1],
        kid[2 * CS_KID_SIZE + 1], safe[CLI_ESCAPED_SIZE(CS_TEXT_MAX)];

    hex(r->signer_kid, CS_KID_SIZE, kid);
    printf("VALID receipt, signed by key %s\n", kid);
    cs_date_format_datetime(r->signed_at, date);
    printf("signed:       %s\n", date);
    cs_date_format_datetime(r->verified_at, date);
    printf("verified as of %s\n", date);
    printf("pinned keys:  %zu\n", r->pinned_count);
    for (size_t i = 0; i < r->pinned_count; i++) {
        hex(r->pinned_kids[i], CS_KID_SIZE, kid);
        printf("  %s\n", kid);
    }
    printf("trust lists:  %zu\n", r->trust_list_count);
    for (size_t i = 0; i < r->trust_list_count; i++) {
        const cs_receipt_trust_list *t = &r->trust_lists[i];
        hex(t->sha256, sizeof(t->sha256), digest);
        printf("  %s", cli_escape(t->uri, safe, sizeof(safe)));
        printf(" (%s) seq %llu sha256 %s\n", cli_escape(t->issuer, safe, sizeof(safe)),
               (unsigned long long)t->sequence, digest);
    }
    printf("status lists: %zu\n", r->status_list_count);
    for (size_t i = 0; i < r->status_list_count; i++) {
        const cs_receipt_status_list *s = &r->status_lists[i];
        hex(s->sha256, sizeof(s->sha256), digest);
        cs_date_format_datetime(s->issued_at, date);
        printf("  %s iat %s sha256 %s\n", cli_escape(s->uri, safe, sizeof(safe)), date, digest);
    }
    printf("results:      %zu\n", r->result_count);
    for (size_t i = 0; i < r->result_count; i++) {
        const cs_receipt_result *x = &r->results[i];
        hex(x->token_sha256, sizeof(x->token_sha256), digest);
        printf("  %-17s %s\n", cs_verdict_name(x->verdict),
               cli_escape(x->input, safe, sizeof(safe)));
        printf("    %-13s %s\n", "token sha256", digest);
        print_field("certificate", x->number);
        print_field("issuer", x->issuer);
        print_field("organisation", x->organization);
        print_field("standard", x->standard);
        if (x->expires > 0) {
            /* exp is 00:00 UTC of the day after the last valid day (DESIGN §3). */
            cs_date_format(x->expires - 86400, date);
            print_field("valid until", date);
        }
    }
}

/* ---- JSON ------------------------------------------------------------------ */

static json_t *digest_json(const uint8_t *bytes, size_t len)
{
    char text[2 * 64 + 1];
    hex(bytes, len, text);
    return json_string(text);
}

static void set_text(json_t *o, const char *key, const char *value)
{
    if (value != NULL)
        json_object_set_new(o, key, json_string(value));
}

static json_t *receipt_json(const cs_receipt *r)
{
    json_t *root = json_object(), *keys = json_array(), *tls = json_array(),
           *sts = json_array(), *res = json_array();
    char date[CS_DATETIME_TEXT_SIZE];

    json_object_set_new(root, "signer_kid", digest_json(r->signer_kid, CS_KID_SIZE));
    cs_date_format_datetime(r->signed_at, date);
    json_object_set_new(root, "signed_at", json_string(date));
    cs_date_format_datetime(r->verified_at, date);
    json_object_set_new(root, "verified_at", json_string(date));
    for (size_t i = 0; i < r->pinned_count; i++)
        json_array_append_new(keys, digest_json(r->pinned_kids[i], CS_KID_SIZE));
    for (size_t i = 0; i < r->trust_list_count; i++) {
        json_t *t = json_object();
        set_text(t, "issuer", r->trust_lists[i].issuer);
        set_text(t, "uri", r->trust_lists[i].uri);
        json_object_set_new(t, "sequence", json_integer((json_int_t)r->trust_lists[i].sequence));
        json_object_set_new(t, "sha256", digest_json(r->trust_lists[i].sha256, 32));
        json_array_append_new(tls, t);
    }
    for (size_t i = 0; i < r->status_list_count; i++) {
        json_t *s = json_object();
        set_text(s, "uri", r->status_lists[i].uri);
        cs_date_format_datetime(r->status_lists[i].issued_at, date);
        json_object_set_new(s, "iat", json_string(date));
        json_object_set_new(s, "sha256", digest_json(r->status_lists[i].sha256, 32));
        json_array_append_new(sts, s);
    }
    for (size_t i = 0; i < r->result_count; i++) {
        const cs_receipt_result *x = &r->results[i];
        json_t *e = json_object();
        set_text(e, "input", x->input);
        json_object_set_new(e, "token_sha256", digest_json(x->token_sha256, 32));
        json_object_set_new(e, "verdict", json_string(cs_verdict_name(x->verdict)));
        set_text(e, "certificate", x->number);
        set_text(e, "issuer", x->issuer);
        set_text(e, "organisation", x->organization);
        set_text(e, "standard", x->standard);
        if (x->expires > 0) {
            cs_date_format_datetime(x->expires, date);
            json_object_set_new(e, "expires", json_string(date));
        }
        json_array_append_new(res, e);
    }
    json_object_set_new(root, "pinned_kids", keys);
    json_object_set_new(root, "trust_lists", tls);
    json_object_set_new(root, "status_lists", sts);
    json_object_set_new(root, "results", res);
    return root;
}

static bool print_json(const cs_receipt *r)
{
    json_t *root = receipt_json(r);
    char *text = root != NULL ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    bool ok = text != NULL && cs_text_escape_json(&text) == CS_OK;

    if (ok)
        printf("%s\n", text);
    else
        cli_error("out of memory");
    free(text);
    json_decref(root);
    return ok;
}

/* ---- running ------------------------------------------------------------------ */

static int exit_for(cs_err err)
{
    switch (err) {
    case CS_ERR_UNTRUSTED:
        return CLI_EXIT_UNTRUSTED;
    case CS_ERR_SIGNATURE:
    case CS_ERR_ALG_KEY_MISMATCH:
    case CS_ERR_ALG_MISSING:
    case CS_ERR_ALG_UNKNOWN:
        return CLI_EXIT_INVALID_SIGNATURE;
    case CS_ERR_NO_MEMORY:
    case CS_ERR_CRYPTO:
        return CLI_EXIT_FAILURE;
    default:
        return CLI_EXIT_MALFORMED;
    }
}

static int run_verify(void *options, int argc, char **argv)
{
    const receipt_options *o = options;
    cs_trust_t *trust = NULL;
    cs_receipt receipt = {0};
    uint8_t *data = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    (void)argc;
    if (!cli_load_trust(o->trust.items, o->trust.count, &trust) ||
        !cli_read_input(argv[0], CS_RECEIPT_MAX_BYTES, &data, &len))
        goto fail;
    err = cs_receipt_verify(data, len, trust, &receipt, detail, sizeof(detail));
    if (err != CS_OK) {
        status = exit_for(err);
        cli_error("%s: refused: %s%s", argv[0], cs_err_detail(detail, err),
                  status == CLI_EXIT_UNTRUSTED ? " (give the signer's public key with --trust)"
                  : status == CLI_EXIT_MALFORMED
                      ? " (give a receipt that `certseal verify --receipt` wrote)"
                      : "");
        goto fail;
    }
    if (o->json ? !print_json(&receipt) : (print_text(&receipt), false))
        goto fail;
    status = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
fail:
    cs_receipt_clear(&receipt);
    free(data);
    cs_trust_free(&trust);
    return status;
}

static const cli_command VERIFY = {
    .name = "verify",
    .usage = "verify --trust PUB [--trust ...] [--json] FILE|-",
    .description = "Verifies a receipt's signature with the buyer's public key and shows what it\n"
                   "records: when, against which keys and lists, which tokens with which\n"
                   "verdicts.  A receipt changed in any byte is refused.\n",
    .options = VERIFY_OPTIONS,
    .options_size = sizeof(receipt_options),
    .args_min = 1,
    .args_max = 1,
    .args_help = "give a receipt file (or - for standard input)",
    .check = check_verify,
    .run = run_verify,
};

const cli_command cmd_receipt_entry = {
    .name = "receipt",
    .summary = "buyer: verify a signed verification receipt and show it",
    .usage = "verify --trust PUB [--trust ...] [--json] FILE|-",
    .description = "verify  checks a receipt written by `certseal verify --receipt` with the\n"
                   "        buyer's public key and prints its contents.\n",
    .args_help = "give verify",
    .subcommands = (const cli_command *const[]){&VERIFY, NULL},
};
