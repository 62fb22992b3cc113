/* SPDX-License-Identifier: ISC */
/* certseal watch: a buyer's portfolio kept in a state folder, re-verified
 * against fresh status lists at every run (cron, a systemd timer), one JSON
 * line per change (certseal/watch.h, docs/watch.md).  Built into the
 * services plugin: it fetches and scans. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "certseal/watch.h"
#include "cli.h"
#include "cli_scan.h"
#include "cli_status.h"

/* Exit status when changes were reported (certseal(1), EXIT STATUS). */
#define WATCH_EXIT_CHANGES 20
/* The largest file of tokens read as one SOURCE (a token is about 1 KB). */
#define WATCH_SOURCE_MAX (256u * 1024 * 1024)

typedef struct watch_options {
    cli_verifier_options verifier;
    const char *state;  /* --state DIR */
    bool add;           /* --add: add the sources, check nothing */
    bool list;          /* --list */
    bool json;          /* --list --json */
    cli_list remove;    /* --remove ID */
    cli_list qr;        /* --qr IMAGE */
    cs_watch_policy policy; /* --expiry-warn, --unknown-after */
} watch_options;

/* --expiry-warn DAYS[,DAYS...]: into the policy's thresholds. */
static bool parse_thresholds(const char *option, const char *value, void *field)
{
    unsigned *thresholds = field; /* the policy's first member */
    size_t n = 0;
    const char *p = value;

    memset(thresholds, 0, sizeof(unsigned) * CS_WATCH_MAX_THRESHOLDS);
    while (*p != '\0') {
        char *end;
        unsigned long days;
        errno = 0;
        days = strtoul(p, &end, 10);
        if (end == p || errno != 0 || days < 1 || days > 3660 || (*end != ',' && *end != '\0') ||
            n == CS_WATCH_MAX_THRESHOLDS) {
            cli_usage_error("--%s: give up to %d numbers of days from 1 to 3660, separated by "
                            "commas (e.g. 90,30)",
                            option, CS_WATCH_MAX_THRESHOLDS);
            return false;
        }
        thresholds[n++] = (unsigned)days;
        p = *end == ',' ? end + 1 : end;
    }
    if (n == 0) {
        cli_usage_error("--%s: give at least one number of days (e.g. 90,30)", option);
        return false;
    }
    return true;
}

static const cli_option OPTIONS[] = {
    CLI_VERIFIER_OPTIONS(watch_options, verifier),
    CLI_OPTION("state", 0, CLI_PATH, watch_options, state, "DIR",
               "the state folder: the portfolio and what was reported\n"
               "(created 0700; required)"),
    CLI_OPTION("add", 0, CLI_FLAG, watch_options, add, NULL,
               "add the SOURCEs (and --qr images) to the portfolio and stop"),
    CLI_OPTION("list", 0, CLI_FLAG, watch_options, list, NULL,
               "list the portfolio with each certificate's last verdict"),
    CLI_OPTION("json", 0, CLI_FLAG, watch_options, json, NULL, "--list as one JSON array"),
    CLI_OPTION("remove", 0, CLI_LIST, watch_options, remove, "ID",
               "remove the certificate whose id starts with ID (8 hex digits\n"
               "or more; repeatable)"),
    CLI_OPTION("qr", 0, CLI_LIST, watch_options, qr, "IMAGE",
               "add the tokens of the QR codes in a PNG or JPEG image\n"
               "(repeatable)"),
    CLI_OPTION("expiry-warn", 0, CLI_CUSTOM, watch_options, policy.thresholds, "DAYS,...",
               "report a certificate expiring within each of these numbers\n"
               "of days (default 90,30)", .parse = parse_thresholds),
    CLI_OPTION("unknown-after", 0, CLI_DURATION, watch_options, policy.unknown_after, "D",
               "report a status that could not be checked for D (default 3d)", .max = 366),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    const watch_options *o = options;
    int modes = o->add + o->list + (o->remove.count > 0);

    (void)argv;
    if (o->state == NULL)
        return cli_usage_error("--state DIR is required: the folder that keeps the portfolio");
    if (modes > 1)
        return cli_usage_error("give only one of --add, --list and --remove");
    if (o->json && !o->list)
        return cli_usage_error("--json goes with --list (events are always JSON lines)");
    if ((o->list || o->remove.count > 0) && (argc > 0 || o->qr.count > 0))
        return cli_usage_error("--list and --remove take no SOURCE");
    if (o->add && argc == 0 && o->qr.count == 0)
        return cli_usage_error("--add needs a SOURCE: a token, a file of tokens or --qr IMAGE");
    for (int i = 0; i < argc; i++)
        for (int j = i + 1; j < argc; j++)
            if (strcmp(argv[i], "-") == 0 && strcmp(argv[j], "-") == 0)
                return cli_usage_error("-: standard input can be read only once");
    return modes > 0 ? CLI_EXIT_OK : cli_verifier_options_check(&o->verifier);
}

/* ---- the portfolio -------------------------------------------------------------- */

typedef struct added_count {
    size_t added, known;
} added_count;

static bool add_token(cs_watch_t *watch, const uint8_t *token, size_t len, const char *label,
                      added_count *count)
{
    bool added = false;
    cs_err err = cs_watch_add(watch, token, len, label, (int64_t)time(NULL), &added);

    if (err == CS_ERR_NO_MEMORY) {
        cli_error("out of memory");
        return false;
    }
    if (err == CS_ERR_TOO_LARGE) {
        cli_error("%s: the portfolio holds %u certificates already, the most it may",
                  label, CS_WATCH_MAX_ITEMS);
        return false;
    }
    if (err != CS_OK) {
        cli_error("%s: not a certseal token: %s (give CS1:..., a link, or a file of them, one "
                  "per line)",
                  label, cs_strerror(err));
        return false;
    }
    added ? count->added++ : count->known++;
    return true;
}

/* Every token of a SOURCE: a token, a file of tokens (one per line) or -. */
static bool add_source(cs_watch_t *watch, const char *source, added_count *count)
{
    uint8_t *data = NULL;
    const uint8_t *token;
    size_t len = 0, offset = 0, token_len, n = 0;
    const char *label;
    char line_label[512];
    bool ok = true;

    /* A file of a whole portfolio (thousands of tokens) is larger than
     * one token argument may be. */
    if (strncmp(source, CS_OFFLINE_PREFIX, strlen(CS_OFFLINE_PREFIX)) == 0 ||
        strncasecmp(source, "https://", 8) == 0 || strncasecmp(source, "http://", 7) == 0) {
        if (!cli_read_token_argument(source, &data, &len, &label))
            return false;
    } else {
        label = strcmp(source, "-") == 0 ? "standard input" : source;
        if (!cli_read_input(source, WATCH_SOURCE_MAX, &data, &len))
            return false;
    }
    while (ok && cs_token_list_next(data, len, &offset, &token, &token_len)) {
        n++;
        snprintf(line_label, sizeof(line_label), "%s, token %zu", label, n);
        ok = add_token(watch, token, token_len, line_label, count);
    }
    if (ok && n == 0) {
        cli_error("%s: holds no token", label);
        ok = false;
    }
    free(data);
    return ok;
}

static bool add_image(cs_watch_t *watch, cs_scanner_t *scanner, const char *path,
                      added_count *count)
{
    cs_scan_result codes = {0};
    char label[512];
    size_t before = count->added + count->known;
    bool ok = cli_scan_image(scanner, path, &codes) == CLI_EXIT_OK;

    for (size_t i = 0; ok && i < codes.count; i++) {
        bool added;
        snprintf(label, sizeof(label), codes.count == 1 ? "%s" : "%s, QR code %zu", path, i + 1);
        /* Codes that are not tokens (a web address) are passed over. */
        if (cs_watch_add(watch, (const uint8_t *)codes.symbols[i].text, codes.symbols[i].len,
                         label, (int64_t)time(NULL), &added) == CS_OK)
            added ? count->added++ : count->known++;
    }
    if (ok && count->added + count->known == before) {
        cli_error("%s: none of its %zu QR code(s) holds a certseal token", path, codes.count);
        ok = false;
    }
    cs_scan_result_clear(&codes);
    return ok;
}

static bool add_sources(cs_watch_t *watch, const watch_options *o, int argc, char **argv,
                        added_count *count)
{
    cs_scanner_t *scanner = NULL;
    bool ok = true;

    for (int i = 0; ok && i < argc; i++)
        ok = add_source(watch, argv[i], count);
    if (ok && o->qr.count > 0 && cs_scanner_new(&scanner) != CS_OK) {
        cli_error("out of memory");
        ok = false;
    }
    for (size_t i = 0; ok && i < o->qr.count; i++)
        ok = add_image(watch, scanner, o->qr.items[i], count);
    cs_scanner_free(&scanner);
    return ok;
}

static bool save(cs_watch_t *watch, const char *dir)
{
    cs_err err = cs_watch_save(watch);
    if (err != CS_OK)
        cli_error("%s: cannot write the state: %s (%s)", dir, cs_strerror(err), strerror(errno));
    return err == CS_OK;
}

/* ---- checking ------------------------------------------------------------------- */

typedef struct run_state {
    size_t events;
    bool output_failed;
} run_state;

static cs_err print_event(void *ctx, const cs_watch_event *event)
{
    run_state *s = ctx;
    char *line = NULL;
    cs_err err = cs_watch_event_json(event, &line);

    if (err != CS_OK)
        return err;
    if (printf("%s\n", line) < 0)
        s->output_failed = true;
    free(line);
    s->events++;
    return CS_OK;
}

/* --fetch: a fetcher of the portfolio's own (ctx: its cs_fetcher_t *),
 * with the status history (no rollback across runs) in the cache folder,
 * by default DIR/cache (cli_fetch_start()). */
static cs_err make_fetcher(void *ctx, const cs_fetch_options *options, void **source_ctx)
{
    cs_fetcher_t **fetcher = ctx;
    cs_err err = cs_fetcher_new(options, fetcher);

    *source_ctx = *fetcher;
    return err;
}

static int check_portfolio(cs_watch_t *watch, const watch_options *o)
{
    cli_verifier_options vo = o->verifier;
    cs_trust_t *trust = NULL;
    cs_verifier_t *verifier = NULL;
    cs_fetcher_t *fetcher = NULL;
    cs_status_history_t *history = NULL;
    cli_trust_lists lists = {0};
    run_state state = {0};
    char *cache_dir = NULL;
    int status = CLI_EXIT_FAILURE;

    /* The lists fetched, and the iats seen, stay with the portfolio. */
    if ((vo.fetch || vo.trust_lists.count > 0) && vo.cache_dir == NULL && !vo.no_cache) {
        size_t len = strlen(o->state) + sizeof("/cache");
        if ((cache_dir = malloc(len)) == NULL) {
            cli_error("out of memory");
            goto fail;
        }
        snprintf(cache_dir, len, "%s/cache", o->state);
        vo.cache_dir = cache_dir;
    }
    if (!cli_load_trust(vo.trust.items, vo.trust.count, &trust))
        goto fail;
    if (cs_verifier_new(trust, &verifier) != CS_OK) {
        cli_error("out of memory");
        goto fail;
    }
    if (!cli_verifier_configure(verifier, &vo) || !cli_load_trust_lists(verifier, &vo, &lists) ||
        (vo.fetch && !cli_fetch_start(&vo, verifier, make_fetcher, &fetcher,
                                      cs_fetcher_status_source, &history)))
        goto fail;
    for (size_t i = 0; i < cs_watch_count(watch); i++) {
        const cs_watch_item *item = cs_watch_item_at(watch, i);
        cs_verify_result result;
        cs_err err = cs_verifier_verify(verifier, (const uint8_t *)item->token,
                                        strlen(item->token), &result);
        if (err == CS_OK)
            err = cs_watch_check(watch, i, &result, &o->policy, print_event, &state);
        cs_verify_result_clear(&result);
        if (err != CS_OK) {
            cli_error("%.12s: cannot check: %s", item->id, cs_strerror(err));
            goto fail;
        }
    }
    if (fflush(stdout) != 0 || state.output_failed) {
        cli_error("cannot write the events: %s (the state is left as it was)", strerror(errno));
        goto fail;
    }
    /* Saved only after every event was written out: an event lost on the
     * way is reported again at the next run, never silently dropped. */
    if (!save(watch, o->state))
        goto fail;
    status = state.events > 0 ? WATCH_EXIT_CHANGES : CLI_EXIT_OK;
fail:
    cs_verifier_free(&verifier);
    cli_trust_lists_clear(&lists);
    cs_fetcher_free(&fetcher);
    cs_status_history_free(&history);
    cs_trust_free(&trust);
    free(cache_dir);
    return status;
}

static int run(void *options, int argc, char **argv)
{
    const watch_options *o = options;
    cs_watch_t *watch = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    added_count count = {0};
    int status = CLI_EXIT_FAILURE;
    cs_err err = cs_watch_open(o->state, &watch, detail, sizeof(detail));

    if (err != CS_OK) {
        cli_error("%s%s", cs_err_detail(detail, err),
                  err == CS_ERR_WATCH_STATE
                      ? " (restore it from a backup, or move it away to start a new portfolio)"
                  : err == CS_ERR_WATCH_VERSION ? " (use the certseal that wrote it)"
                                                : "");
        return CLI_EXIT_FAILURE;
    }
    if (o->list) {
        char *text = NULL;
        if ((o->json ? cs_watch_list_json(watch, &text) : cs_watch_list_text(watch, &text)) ==
            CS_OK) {
            status = cli_print_rendering(text, o->json);
        } else {
            cli_error("out of memory");
        }
        free(text);
        goto done;
    }
    if (o->remove.count > 0) {
        size_t removed = 0, total = 0;
        for (size_t i = 0; i < o->remove.count; i++) {
            if (cs_watch_remove(watch, o->remove.items[i], &removed) != CS_OK) {
                status = cli_usage_error("--remove %s: give 8 to 64 hex digits of an id "
                                         "(certseal watch --list shows them)",
                                         o->remove.items[i]);
                goto done;
            }
            if (removed == 0) {
                cli_error("--remove %s: no certificate of the portfolio has that id (certseal "
                          "watch --list shows them)",
                          o->remove.items[i]);
                goto done;
            }
            total += removed;
        }
        if (save(watch, o->state)) {
            fprintf(stderr, "certseal: watch: removed %zu certificate(s), %zu left\n", total,
                    cs_watch_count(watch));
            status = CLI_EXIT_OK;
        }
        goto done;
    }
    if (!add_sources(watch, o, argc, argv, &count))
        goto done;
    if (o->add) {
        if (save(watch, o->state)) {
            fprintf(stderr, "certseal: watch: added %zu certificate(s)%s, %zu in the portfolio\n",
                    count.added, count.known > 0 ? " (the others were watched already)" : "",
                    cs_watch_count(watch));
            status = CLI_EXIT_OK;
        }
        goto done;
    }
    if (cs_watch_count(watch) == 0) {
        cli_error("%s: the portfolio is empty; give tokens to watch (certseal watch --add "
                  "--state DIR FILE)",
                  o->state);
        goto done;
    }
    status = check_portfolio(watch, o);
done:
    cs_watch_close(&watch);
    return status;
}

static const watch_options DEFAULTS = {.verifier = CLI_VERIFIER_OPTIONS_INIT,
                                       .policy = CS_WATCH_POLICY_INIT};

const cli_command cmd_watch_entry = {
    .name = "watch",
    .summary = "buyer: re-check a portfolio against fresh status lists, report changes",
    .usage = "--state DIR (--trust-list FILE|URL --root PUB ... | --trust FILE|DIR ...)\n"
             "           [--fetch [--cache-dir DIR | --no-cache] [--fetch-timeout SECONDS]]\n"
             "           [--status FILE|DIR ...] [--at DATE] [--expiry-warn DAYS,...]\n"
             "           [--unknown-after DURATION] [SOURCE ... | --qr IMAGE ...]\n"
             "       --state DIR --add SOURCE ... | --list [--json] | --remove ID ...",
    .description = "Keeps a portfolio of certificate tokens in the state folder (the SOURCEs:\n"
                   "tokens, files of tokens, QR images, added once and remembered) and at each\n"
                   "run verifies every one against the status lists (only their URIs are\n"
                   "contacted) and prints one JSON line per change since the last run.\n"
                   "Exit status 0: no change; 20: changes reported; 1: could not run.\n",
    .options = OPTIONS,
    .options_size = sizeof(watch_options),
    .defaults = &DEFAULTS,
    .args_max = CLI_ARGS_ANY,
    .check = check,
    .run = run,
};
