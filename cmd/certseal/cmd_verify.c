/* SPDX-License-Identifier: ISC */
/* certseal verify: verify certificate tokens back to a trusted
 * accreditation body key (DESIGN §2). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_scan.h"
#include "cli_status.h"

#define TRUST_PATHS_MAX 16
#define STATUS_PATHS_MAX 64
#define QR_PATHS_MAX 64

static const char USAGE[] =
    "usage: certseal verify --trust FILE|DIR [--trust ...] [--at DATE] [--skew SECONDS]\n"
    "           [--status FILE|DIR ...] [--require-status | --status-optional]\n"
    "           [--max-list-age DURATION] [--json] [TOKEN|FILE|- | --qr IMAGE ...]\n"
    "           [--fetch [--cache-dir DIR | --no-cache] [--fetch-timeout SECONDS]]\n"
    "\n"
    "Verifies a certificate token (CS1:..., a link, or COSE bytes; one per line for\n"
    "several) against the accreditation body keys of the trust store.  Exit status 0\n"
    "only when every token is VALID; otherwise the code of the worst verdict\n"
    "(certseal(1), EXIT STATUS).\n"
    "  --trust PATH   a PEM public key file, or a folder of them (repeatable)\n"
    "  --at DATE      verify as of DATE (YYYY-MM-DD or RFC 3339) instead of now\n"
    "  --skew N       tolerated clock difference in seconds (default 300)\n"
    "  --json         one JSON object per token\n"
    "  --qr IMAGE     verify the tokens of the QR codes in a PNG or JPEG image\n"
    "                 (repeatable: every image, in order)\n"
    "  --status PATH  a signed status list (raw COSE), or a folder of them (repeatable)\n"
    "                 status is required: a token whose status list is neither given\n"
    "                 nor fetched is STATUS_UNKNOWN\n"
    "  --require-status  also fail (STATUS_UNKNOWN) tokens that carry no status reference\n"
    "  --status-optional  accept a status that cannot be checked: VALID with the warning\n"
    "                 \"status not checked\"\n"
    "  --max-list-age D  refuse status lists issued longer ago than D (default 7d)\n"
    "  --fetch        fetch (http, https) the status lists the tokens name and --status\n"
    "                 does not give; without it nothing is fetched\n"
    "  --cache-dir DIR  cache fetched lists for their ttl in DIR (default\n"
    "                 $XDG_CACHE_HOME/certseal or ~/.cache/certseal)\n"
    "  --no-cache     fetch every list, keep none\n"
    "  --fetch-timeout N  give up a fetch after N seconds (default 15)\n";

typedef struct verify_options {
    const char *trust[TRUST_PATHS_MAX];
    size_t trust_count;
    int64_t at;
    int64_t skew;
    bool json;
    const char *input;
    const char *qr[QR_PATHS_MAX];         /* --qr IMAGE, in order */
    size_t qr_count;
    const char *status[STATUS_PATHS_MAX]; /* --status FILE|DIR */
    size_t status_count;
    bool require_status;
    bool fetch;             /* --fetch */
    bool status_optional;   /* --status-optional */
    int64_t max_list_age;   /* --max-list-age, seconds */
    const char *cache_dir;  /* --cache-dir DIR */
    bool no_cache;          /* --no-cache */
    uint64_t fetch_timeout; /* --fetch-timeout SECONDS, 0: the default */
} verify_options;

static int parse(int argc, char **argv, verify_options *o)
{
    enum {
        OPT_AT = 256,
        OPT_SKEW,
        OPT_JSON,
        OPT_QR,
        OPT_STATUS,
        OPT_REQUIRE_STATUS,
        OPT_FETCH,
        OPT_CACHE_DIR,
        OPT_NO_CACHE,
        OPT_FETCH_TIMEOUT,
        OPT_STATUS_OPTIONAL,
        OPT_MAX_LIST_AGE
    };
    static const struct option longopts[] = {
        {"trust", required_argument, NULL, 't'},
        {"at", required_argument, NULL, OPT_AT},
        {"skew", required_argument, NULL, OPT_SKEW},
        {"json", no_argument, NULL, OPT_JSON},
        {"qr", required_argument, NULL, OPT_QR},
        {"status", required_argument, NULL, OPT_STATUS},
        {"require-status", no_argument, NULL, OPT_REQUIRE_STATUS},
        {"fetch", no_argument, NULL, OPT_FETCH},
        {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
        {"no-cache", no_argument, NULL, OPT_NO_CACHE},
        {"fetch-timeout", required_argument, NULL, OPT_FETCH_TIMEOUT},
        {"status-optional", no_argument, NULL, OPT_STATUS_OPTIONAL},
        {"max-list-age", required_argument, NULL, OPT_MAX_LIST_AGE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    uint64_t skew;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":t:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 't':
            if (o->trust_count == TRUST_PATHS_MAX)
                return cli_usage_error("--trust: at most %d paths", TRUST_PATHS_MAX);
            o->trust[o->trust_count++] = optarg;
            break;
        case OPT_AT:
            if (!cli_parse_date("--at", optarg, &o->at))
                return CLI_EXIT_USAGE;
            break;
        case OPT_SKEW:
            if (!cli_parse_uint("--skew", optarg, 86400, &skew))
                return CLI_EXIT_USAGE;
            o->skew = (int64_t)skew;
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case OPT_QR:
            if (o->qr_count == QR_PATHS_MAX)
                return cli_usage_error("--qr: at most %d images", QR_PATHS_MAX);
            for (size_t i = 0; i < o->qr_count && strcmp(optarg, "-") == 0; i++)
                if (strcmp(o->qr[i], "-") == 0)
                    return cli_usage_error("--qr -: standard input can be read only once");
            o->qr[o->qr_count++] = optarg;
            break;
        case OPT_STATUS:
            if (o->status_count == STATUS_PATHS_MAX)
                return cli_usage_error("--status: at most %d paths (give a folder)",
                                       STATUS_PATHS_MAX);
            o->status[o->status_count++] = optarg;
            break;
        case OPT_REQUIRE_STATUS:
            o->require_status = true;
            break;
        case OPT_FETCH:
            o->fetch = true;
            break;
        case OPT_CACHE_DIR:
            o->cache_dir = optarg;
            break;
        case OPT_NO_CACHE:
            o->no_cache = true;
            break;
        case OPT_FETCH_TIMEOUT:
            if (!cli_parse_uint("--fetch-timeout", optarg, 3600, &o->fetch_timeout))
                return CLI_EXIT_USAGE;
            if (o->fetch_timeout == 0)
                return cli_usage_error("--fetch-timeout: give at least 1 second");
            break;
        case OPT_STATUS_OPTIONAL:
            o->status_optional = true;
            break;
        case OPT_MAX_LIST_AGE:
            if (!cli_parse_duration("--max-list-age", optarg, 366, &o->max_list_age))
                return CLI_EXIT_USAGE;
            break;
        case 'h':
            fputs(USAGE, stdout);
            exit(CLI_EXIT_OK);
        default:
            return cli_bad_option(opt, argv);
        }
    }
    if (o->trust_count == 0)
        return cli_usage_error("--trust FILE|DIR is required: the accreditation body keys you "
                               "trust");
    if (!o->fetch && (o->cache_dir != NULL || o->no_cache || o->fetch_timeout > 0))
        return cli_usage_error("--cache-dir, --no-cache and --fetch-timeout go with --fetch");
    if (o->cache_dir != NULL && o->no_cache)
        return cli_usage_error("give either --cache-dir DIR or --no-cache, not both");
    if (o->require_status && o->status_optional)
        return cli_usage_error("give either --require-status or --status-optional, not both");
    if (argc - optind > 1)
        return cli_usage_error("give one token, file or - (one token per line for several)");
    if (o->qr_count > 0)
        return argc > optind ? cli_usage_error("give either --qr IMAGE or a token, not both")
                             : CLI_EXIT_OK;
    o->input = cli_token_argument(argc, argv, optind);
    return o->input != NULL ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* "certseal: verify: LABEL: warning: ..." lines on stderr. */
static void print_warnings(const cs_verify_result *r, const char *label)
{
    static const cs_verify_warning all[] = {CS_WARNING_STATUS_NOT_CHECKED,
                                            CS_WARNING_STATUS_AS_OF};
    char text[CS_VERIFY_WARNING_SIZE], where[CLI_ESCAPED_SIZE(512)];

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        cs_verify_warning_text(r, all[i], text, sizeof(text));
        if (text[0] != '\0')
            fprintf(stderr, "certseal: verify: %s: warning: %s\n",
                    cli_escape(label, where, sizeof(where)), text);
    }
}

/* ---- running -------------------------------------------------------------- */

static int verify_one(cs_verifier_t *verifier, const verify_options *o, const uint8_t *token,
                      size_t len, const char *label)
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
    err = o->json ? cs_report_verify_json(&result, 0, &text)
                  : cs_report_verify_text(&result, label,
                                          cli_use_colour() ? CS_REPORT_COLOUR : 0, &text);
    if (err != CS_OK) {
        cli_error("out of memory");
        status = CLI_EXIT_FAILURE;
    } else {
        fputs(text, stdout);
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
static int verify_input(cs_verifier_t *verifier, const verify_options *o, const uint8_t *data,
                        size_t len, const char *label)
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
            verify_one(verifier, o, token, token_len, count == 1 && !more ? label : line_label);
        worst = cli_exit_worse(worst, status);
    }
    if (count == 0) {
        cli_error("%s: holds no token", label);
        return CLI_EXIT_MALFORMED;
    }
    return worst;
}

/* --qr: verifies the token of every QR code in the image that holds one;
 * other codes on the page (a web address, say) are passed over. */
static int verify_qr(cs_verifier_t *verifier, const verify_options *o, const char *path)
{
    cs_scanner_t *scanner = NULL;
    cs_scan_result codes = {0};
    char label[512];
    size_t tokens = 0;
    int worst, status;

    if (cs_scanner_new(&scanner) != CS_OK) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    worst = cli_scan_image(scanner, path, &codes);
    for (size_t i = 0; i < codes.count; i++) {
        if (!looks_like_token((const uint8_t *)codes.symbols[i].text, codes.symbols[i].len))
            continue;
        tokens++;
        snprintf(label, sizeof(label), codes.count == 1 ? "%s" : "%s, QR code %zu", path, i + 1);
        status = verify_one(verifier, o, (const uint8_t *)codes.symbols[i].text,
                            codes.symbols[i].len, label);
        worst = cli_exit_worse(worst, status);
    }
    if (worst == CLI_EXIT_OK && tokens == 0) {
        cli_error("%s: none of its %zu QR code(s) holds a certseal token", path, codes.count);
        worst = CLI_EXIT_MALFORMED;
    }
    cs_scan_result_clear(&codes);
    cs_scanner_free(&scanner);
    return worst;
}

/* Every --qr image, in order; the worst exit code of them all. */
static int verify_images(cs_verifier_t *verifier, const verify_options *o)
{
    int worst = CLI_EXIT_OK;

    for (size_t i = 0; i < o->qr_count; i++)
        worst = cli_exit_worse(worst, verify_qr(verifier, o, o->qr[i]));
    return worst;
}

/* --fetch: a fetcher (with its cache unless --no-cache) becomes the
 * verifier's status source.  Reports and returns false on failure. */
static bool start_fetching(const verify_options *o, cs_verifier_t *verifier, cs_fetcher_t **fetcher,
                           cs_status_history_t **history)
{
    cs_fetch_options fo = CS_FETCH_OPTIONS_INIT;
    char *default_dir = NULL;
    cs_err err = CS_OK;

    if (!cli_fetch_options(o->cache_dir, o->no_cache, o->fetch_timeout, &fo, &default_dir))
        return false;
    if ((err = cs_fetcher_new(&fo, fetcher)) != CS_OK) {
        cli_fetch_cache_error(fo.cache_dir, err);
    } else if (!cli_status_history(&fo, history)) {
        err = CS_ERR_NO_MEMORY;
    } else {
        /* The lists seen are remembered beside the cache: no rollback. */
        cs_verifier_set_status_history(verifier, *history);
        cs_verifier_set_status_source(verifier, cs_fetcher_status_source, *fetcher);
    }
    free(default_dir);
    return err == CS_OK;
}

int cmd_verify(int argc, char **argv)
{
    verify_options o = {.at = -1, .skew = CS_DEFAULT_CLOCK_SKEW,
                        .max_list_age = CS_DEFAULT_MAX_LIST_AGE};
    cs_trust_t *trust = NULL;
    cs_verifier_t *verifier = NULL;
    cs_fetcher_t *fetcher = NULL;
    cs_status_history_t *history = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    const char *label;
    int status;

    if ((status = parse(argc, argv, &o)) != CLI_EXIT_OK)
        return status;
    status = CLI_EXIT_FAILURE;
    if (!cli_load_trust(o.trust, o.trust_count, &trust) ||
        (o.qr_count == 0 && !cli_read_token_argument(o.input, &data, &len, &label)))
        goto done;
    if (cs_verifier_new(trust, &verifier) != CS_OK) {
        cli_error("out of memory");
        goto done;
    }
    cs_verifier_set_time(verifier, o.at);
    cs_verifier_set_clock_skew(verifier, o.skew);
    cs_verifier_require_status(verifier, o.require_status);
    cs_verifier_set_status_optional(verifier, o.status_optional);
    cs_verifier_set_max_list_age(verifier, o.max_list_age);
    if (!cli_load_status_lists(verifier, o.status, o.status_count))
        goto done;
    if (o.fetch && !start_fetching(&o, verifier, &fetcher, &history))
        goto done;
    status = o.qr_count > 0 ? verify_images(verifier, &o) : verify_input(verifier, &o, data, len, label);
done:
    free(data);
    cs_verifier_free(&verifier);
    cs_fetcher_free(&fetcher);
    cs_status_history_free(&history);
    cs_trust_free(&trust);
    return status;
}
