/* SPDX-License-Identifier: ISC */
/* certseal verify: verify certificate tokens back to a trusted
 * accreditation body key (DESIGN §2). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_service.h"
#include "cli_status.h"

typedef struct verify_options {
    cli_verifier_options verifier;
    bool json;
    const char *input; /* the token argument, "-" for standard input */
    cli_list qr;       /* --qr IMAGE, in order */
    const char *receipt;     /* --receipt FILE */
    const char *receipt_key; /* --receipt-key KEY */
    cli_passphrase_source passphrase;
} verify_options;

static const cli_option OPTIONS[] = {
    CLI_VERIFIER_OPTIONS(verify_options, verifier),
    CLI_OPTION("json", 0, CLI_FLAG, verify_options, json, NULL, "one JSON object per token"),
    CLI_OPTION("qr", 0, CLI_LIST, verify_options, qr, "IMAGE",
               "verify the tokens of the QR codes in a PNG or JPEG image,\n"
               "or of a PDF certificate (repeatable: every file, in order)"),
    CLI_OPTION("receipt", 0, CLI_PATH, verify_options, receipt, "FILE",
               "write a verification receipt to FILE (a new file): what was\n"
               "verified, when, against which keys and lists, with which verdicts,\n"
               "signed with --receipt-key"),
    CLI_OPTION("receipt-key", 0, CLI_KEY, verify_options, receipt_key, "KEY",
               "the buyer's private key (PEM) that signs the receipt"),
    CLI_PASSPHRASE_OPTIONS(verify_options, passphrase, "read the receipt key's passphrase"),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    verify_options *o = options;
    int status = cli_verifier_options_check(&o->verifier);

    if (status != CLI_EXIT_OK)
        return status;
    if ((o->receipt == NULL) != (o->receipt_key == NULL))
        return cli_usage_error("--receipt FILE and --receipt-key KEY go together: the receipt is "
                               "signed with your own key");
    if (o->receipt == NULL && (o->passphrase.file != NULL || o->passphrase.fd >= 0))
        return cli_usage_error("--passphrase-file and --passphrase-fd go with --receipt-key");
    if (o->receipt != NULL && strcmp(o->receipt, "-") == 0)
        return cli_usage_error("--receipt: give a file name (the receipt is binary CBOR)");
    for (size_t i = 0; i < o->qr.count; i++)
        for (size_t j = i + 1; j < o->qr.count; j++)
            if (strcmp(o->qr.items[i], "-") == 0 && strcmp(o->qr.items[j], "-") == 0)
                return cli_usage_error("--qr -: standard input can be read only once");
    if (o->qr.count > 0)
        return argc > 0 ? cli_usage_error("give either --qr IMAGE or a token, not both")
                        : CLI_EXIT_OK;
    o->input = cli_token_argument(argc, argv, 0);
    return o->input != NULL ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* "certseal: verify: LABEL: warning: ..." lines on stderr. */
static void print_warnings(const cs_verify_result *r, const char *label)
{
    static const cs_verify_warning all[] = {CS_WARNING_STATUS_NOT_CHECKED,
                                            CS_WARNING_STATUS_AS_OF, CS_WARNING_TRUST_LIST_STALE};
    char text[CS_VERIFY_WARNING_SIZE], where[CLI_ESCAPED_SIZE(512)];

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        cs_verify_warning_text(r, all[i], text, sizeof(text));
        if (text[0] != '\0')
            fprintf(stderr, "certseal: verify: %s: warning: %s\n",
                    cli_escape(label, where, sizeof(where)), text);
    }
}

/* ---- running -------------------------------------------------------------- */

/* Where in a PDF a --qr code was found, or NULL: the text names it on a
 * line of its own before the result, the JSON in "page" and "found_in"
 * (cs_scan_origin_name(), which lives in the services). */
static const cs_scan_symbol *found_in_pdf;

static void print_result(const char *label, bool json, const char *text)
{
    const cs_scan_symbol *s = found_in_pdf;
    const char *how;
    char where[1024];

    if (s == NULL || s->origin == CS_SCAN_ORIGIN_IMAGE) {
        fputs(text, stdout);
        return;
    }
    how = s->origin == CS_SCAN_ORIGIN_PDF_ATTACHMENT ? "attachment"
          : s->origin == CS_SCAN_ORIGIN_PDF_IMAGE    ? "embedded image"
                                                     : "rendered page";
    if (!json)
        printf("%s (%s):\n%s", cli_escape(label, where, sizeof(where)), how, text);
    else /* the object's own members follow its '{' */
        printf("{\"page\":%" PRIu32 ",\"found_in\":\"%s\",%s", s->page, how,
               text[0] == '{' ? text + 1 : text);
}

static int verify_one(cs_verifier_t *verifier, const verify_options *o, cs_receipt *receipt,
                      const uint8_t *token, size_t len, const char *label)
{
    cs_verify_result result;
    char *text = NULL;
    int status;
    cs_err err = cs_verifier_verify(verifier, token, len, &result);

    if (err != CS_OK) {
        cli_error("%s: cannot verify: %s", label, cs_strerror(err));
        cs_verify_result_clear(&result);
        return CLI_EXIT_FAILURE;
    }
    status = cli_exit_for_verdict(result.verdict);
    if (receipt != NULL && (err = cs_receipt_add_result(receipt, label, token, len, &result)) !=
                               CS_OK) {
        cli_error("%s: cannot record it in the receipt: %s", label, cs_strerror(err));
        cs_verify_result_clear(&result);
        return CLI_EXIT_FAILURE;
    }
    err = o->json ? cs_report_verify_json(&result, 0, &text)
                  : cs_report_verify_text(&result, label,
                                          cli_use_colour() ? CS_REPORT_COLOUR : 0, &text);
    if (err != CS_OK) {
        cli_error("out of memory");
        status = CLI_EXIT_FAILURE;
    } else {
        print_result(label, o->json, text);
        if (o->json)
            putchar('\n');
        free(text);
    }
    if (result.verdict != CS_VERDICT_VALID) {
        const char *hint = cs_report_operator_hint(result.verdict);
        if (result.verdict == CS_VERDICT_STATUS_UNKNOWN && result.err == CS_ERR_STATUS_UNKNOWN &&
            strcmp(cs_verify_status_summary(&result, result.failed), "unknown") == 0)
            hint = "pass --fetch, or --status FILE with the published list; "
                   "--status-optional accepts it unchecked";
        /* With a trust list the reason says it all: no key to add. */
        if (result.failed == CS_CHECK_AB_LISTED || result.failed == CS_CHECK_AB_RECOGNISED ||
            (result.failed == CS_CHECK_AC_TRUSTED && o->verifier.trust_lists.count > 0))
            hint = NULL;
        cli_error("%s: %s: %s%s%s%s", label, cs_verdict_name(result.verdict),
                  result.checks[result.failed].detail, hint != NULL ? " (" : "",
                  hint != NULL ? hint : "", hint != NULL ? ")" : "");
    }
    print_warnings(&result, label);
    cs_verify_result_clear(&result);
    return status;
}

/* True when text is a token in some known form (it may still be broken). */
static bool looks_like_token(const uint8_t *text, size_t len)
{
    cs_token_codec_t *codec = NULL;
    const uint8_t *cose;
    size_t cose_len;
    cs_form form = CS_FORM_UNKNOWN;
    cs_err err = CS_ERR_NO_MEMORY;

    if (cs_token_codec_new(&codec) == CS_OK)
        err = cs_token_unwrap(codec, text, len, &form, &cose, &cose_len);
    cs_token_codec_free(&codec);
    return err != CS_ERR_FORM;
}

/* Every token of the input (cs_token_list_next(): one per line, or one
 * binary COSE token). */
static int verify_input(cs_verifier_t *verifier, const verify_options *o, cs_receipt *receipt,
                        const uint8_t *data, size_t len, const char *label)
{
    int worst = CLI_EXIT_OK, status;
    size_t count = 0, offset = 0, token_len, next, ignored_len;
    const uint8_t *token, *ignored;
    char line_label[512];

    while (cs_token_list_next(data, len, &offset, &token, &token_len)) {
        bool more;
        next = offset; /* is there a token after this one? */
        more = cs_token_list_next(data, len, &next, &ignored, &ignored_len);
        /* A file that does not start with a token is the wrong file: say so
         * once, not once per line. */
        if (count == 0 && more && !looks_like_token(token, token_len)) {
            cli_error("%s: not a certseal token (expected CS1:..., an https:// link or COSE "
                      "bytes, one per line); is it the right file?",
                      label);
            return CLI_EXIT_MALFORMED;
        }
        count++;
        snprintf(line_label, sizeof(line_label), "%s, token %zu", label, count);
        status =
            verify_one(verifier, o, receipt, token, token_len, count == 1 && !more ? label : line_label);
        worst = cli_exit_worse(worst, status);
    }
    if (count == 0) {
        cli_error("%s: holds no token", label);
        return CLI_EXIT_MALFORMED;
    }
    return worst;
}

/* The name of code i of a --qr file: the file, and for a PDF the page
 * ("cert.pdf, page 2"); a number when the image or page holds several. */
static void code_label(char *label, size_t size, const char *path, const cs_scan_result *codes,
                       size_t i)
{
    const cs_scan_symbol *s = &codes->symbols[i];
    size_t same = 0, nth = 0;
    int n;

    for (size_t k = 0; k < codes->count; k++)
        if (codes->symbols[k].page == s->page) {
            same++;
            nth += k <= i;
        }
    if (s->origin == CS_SCAN_ORIGIN_IMAGE)
        n = snprintf(label, size, "%s", path);
    else if (s->page > 0)
        n = snprintf(label, size, "%s, page %" PRIu32, path, s->page);
    else
        n = snprintf(label, size, "%s, attachment", path);
    if (same > 1 && n >= 0 && (size_t)n < size)
        snprintf(label + n, size - (size_t)n, ", QR code %zu", nth);
}

/* --qr: verifies the token of every QR code in the image that holds one;
 * other codes on the page (a web address, say) are passed over. */
static int verify_qr(cs_verifier_t *verifier, const verify_options *o, cs_receipt *receipt,
                     const char *path)
{
    const cli_services_verify *services = cli_service_verify(); /* the scanner */
    cs_scan_result codes = {0};
    char label[512];
    size_t tokens = 0;
    int worst, status;

    if (services == NULL)
        return CLI_EXIT_FAILURE;
    worst = services->scan_image(path, &codes);
    for (size_t i = 0; i < codes.count; i++) {
        if (!looks_like_token((const uint8_t *)codes.symbols[i].text, codes.symbols[i].len))
            continue;
        tokens++;
        code_label(label, sizeof(label), path, &codes, i);
        found_in_pdf = &codes.symbols[i];
        status = verify_one(verifier, o, receipt, (const uint8_t *)codes.symbols[i].text,
                            codes.symbols[i].len, label);
        found_in_pdf = NULL;
        worst = cli_exit_worse(worst, status);
    }
    if (worst == CLI_EXIT_OK && tokens == 0) {
        cli_error("%s: none of its %zu QR code(s) holds a certseal token", path, codes.count);
        worst = CLI_EXIT_MALFORMED;
    }
    services->scan_result_clear(&codes);
    return worst;
}

/* Every --qr image, in order; the worst exit code of them all. */
static int verify_images(cs_verifier_t *verifier, const verify_options *o, cs_receipt *receipt)
{
    int worst = CLI_EXIT_OK;

    for (size_t i = 0; i < o->qr.count; i++)
        worst = cli_exit_worse(worst, verify_qr(verifier, o, receipt, o->qr.items[i]));
    return worst;
}

/* --fetch: a fetcher (with its cache unless --no-cache), from the services
 * plugin, becomes the verifier's status source.  Reports and returns false
 * on failure. */
static bool start_fetching(const verify_options *o, cs_verifier_t *verifier, cs_fetcher_t **fetcher,
                           cs_status_history_t **history)
{
    const cli_services_verify *services = cli_service_verify();
    cs_fetch_options fo = CS_FETCH_OPTIONS_INIT;
    char *default_dir = NULL;
    cs_err err = CS_OK;

    if (services == NULL)
        return false;
    if (!cli_fetch_options(o->verifier.cache_dir, o->verifier.no_cache, o->verifier.fetch_timeout, &fo, &default_dir))
        return false;
    if ((err = services->fetcher_new(&fo, fetcher)) != CS_OK) {
        cli_fetch_cache_error(fo.cache_dir, err);
    } else if (!cli_status_history(&fo, history)) {
        err = CS_ERR_NO_MEMORY;
    } else {
        /* The lists seen are remembered beside the cache: no rollback. */
        cs_verifier_set_status_history(verifier, *history);
        cs_verifier_set_status_source(verifier, services->status_source, *fetcher);
    }
    free(default_dir);
    return err == CS_OK;
}

/* --receipt: records the trust store, the trust lists and the status
 * lists used, signs with the buyer's key and writes a new file.  Reports
 * and returns false on failure. */
static bool write_receipt(const verify_options *o, cs_receipt *receipt, const cs_trust_t *trust,
                          const cli_trust_lists *lists, const cs_verifier_t *verifier,
                          const cs_key_t *key, int64_t started)
{
    uint8_t *signed_bytes = NULL;
    size_t signed_len = 0;
    cs_err err = cs_receipt_add_trust(receipt, trust);
    bool ok;

    for (size_t i = 0; i < lists->list_count && err == CS_OK; i++)
        err = cs_receipt_add_trust_list(receipt, &lists->lists[i]);
    if (err == CS_OK)
        err = cs_receipt_add_status_lists(receipt, verifier);
    receipt->signed_at = (int64_t)time(NULL);
    receipt->verified_at = o->verifier.at >= 0 ? o->verifier.at : started;
    if (err == CS_OK)
        err = cs_receipt_sign(receipt, key, &signed_bytes, &signed_len);
    if (err != CS_OK) {
        cli_error("%s: cannot make the receipt: %s", o->receipt, cs_strerror(err));
        return false;
    }
    ok = cli_write_output(o->receipt, signed_bytes, signed_len, 0644, false);
    free(signed_bytes);
    return ok;
}

static int run(void *options, int argc, char **argv)
{
    const verify_options *o = options;
    cs_trust_t *trust = NULL;
    cs_verifier_t *verifier = NULL;
    cs_fetcher_t *fetcher = NULL;
    cs_status_history_t *history = NULL;
    cli_trust_lists lists = {0};
    cs_receipt receipt = {0};
    cs_key_t *receipt_key = NULL;
    int64_t started = (int64_t)time(NULL);
    uint8_t *data = NULL;
    size_t len = 0;
    const char *label;
    int status = CLI_EXIT_FAILURE;

    (void)argc, (void)argv;
    if (o->receipt_key != NULL &&
        !cli_load_private_key(o->receipt_key, &o->passphrase, &receipt_key))
        goto fail;
    if (!cli_load_trust(o->verifier.trust.items, o->verifier.trust.count, &trust) ||
        (o->qr.count == 0 && !cli_read_token_argument(o->input, &data, &len, &label)))
        goto fail;
    if (cs_verifier_new(trust, &verifier) != CS_OK) {
        cli_error("out of memory");
        goto fail;
    }
    if (!cli_verifier_configure(verifier, &o->verifier) ||
        !cli_load_trust_lists(verifier, &o->verifier, &lists))
        goto fail;
    if (o->verifier.fetch && !start_fetching(o, verifier, &fetcher, &history))
        goto fail;
    {
        cs_receipt *r = receipt_key != NULL ? &receipt : NULL;
        status = o->qr.count > 0 ? verify_images(verifier, o, r)
                                 : verify_input(verifier, o, r, data, len, label);
    }
    if (receipt_key != NULL && status != CLI_EXIT_USAGE &&
        !write_receipt(o, &receipt, trust, &lists, verifier, receipt_key, started))
        status = cli_exit_worse(status, CLI_EXIT_FAILURE);
fail:
    cs_receipt_clear(&receipt);
    cs_key_free(&receipt_key);
    free(data);
    cs_verifier_free(&verifier);
    cli_trust_lists_clear(&lists);
    if (fetcher != NULL) /* made by the services plugin, which is loaded */
        cli_service_verify()->fetcher_free(&fetcher);
    cs_status_history_free(&history);
    cs_trust_free(&trust);
    return status;
}

static const verify_options DEFAULTS = {.verifier = CLI_VERIFIER_OPTIONS_INIT,
                                        .passphrase = CLI_PASSPHRASE_SOURCE_INIT};

const cli_command cmd_verify_entry = {
    .name = "verify",
    .summary = "verify a certificate token back to a trusted accreditation body",
    .usage = "--trust-list FILE|URL --root PUB [--trust-list ... --root ...]\n"
             "           [--trust-list-grace DURATION] | --trust FILE|DIR [--trust ...]\n"
             "           [--at DATE] [--skew SECONDS]\n"
             "           [--status FILE|DIR ...] [--require-status | --status-optional]\n"
             "           [--max-list-age DURATION] [--json] [TOKEN|FILE|- | --qr IMAGE ...]\n"
             "           [--fetch [--cache-dir DIR | --no-cache] [--fetch-timeout SECONDS]]\n"
             "           [--receipt FILE --receipt-key KEY [--passphrase-file FILE |\n"
             "           --passphrase-fd N]]",
    .description = "Verifies a certificate token (CS1:..., a link, or COSE bytes; one per line for\n"
                   "several) against a scheme owner's trust list (--trust-list, --root) or the\n"
                   "accreditation body keys pinned with --trust.  Exit status 0\n"
                   "only when every token is VALID; otherwise the code of the worst verdict\n"
                   "(certseal(1), EXIT STATUS).\n",
    .options = OPTIONS,
    .options_size = sizeof(verify_options),
    .defaults = &DEFAULTS,
    .args_max = 1,
    .args_help = "give one token, file or - (one token per line for several)",
    .check = check,
    .run = run,
};
