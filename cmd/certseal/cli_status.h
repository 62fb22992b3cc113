/* SPDX-License-Identifier: ISC */
/* cmd/certseal/cli_status.h - what verify and serve share: the options that
 * set up a verifier (trust, time, status lists, fetching) and loading the
 * Status List Tokens given on the command line. */
#ifndef CERTSEAL_CLI_STATUS_H
#define CERTSEAL_CLI_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "certseal/fetch.h"
#include "certseal/trustlist.h"
#include "certseal/verify.h"
#include "cli_options.h"

/* The options of a verifier, for verify and serve. */
typedef struct cli_verifier_options {
    cli_list trust;          /* --trust FILE|DIR */
    cli_list status;         /* --status FILE|DIR */
    int64_t at;              /* --at DATE; -1: now */
    uint64_t skew;           /* --skew SECONDS */
    int64_t max_list_age;    /* --max-list-age, seconds */
    bool require_status;     /* --require-status */
    bool status_optional;    /* --status-optional */
    bool fetch;              /* --fetch */
    const char *cache_dir;   /* --cache-dir DIR */
    bool no_cache;           /* --no-cache */
    uint64_t fetch_timeout;  /* --fetch-timeout SECONDS, 0: the default */
    cli_list trust_lists;    /* --trust-list FILE|URL */
    cli_list roots;          /* --root ROOT.pub */
    int64_t trust_list_grace; /* --trust-list-grace, seconds */
    const char *catalog;      /* --catalog FILE: a signed standards catalog */
} cli_verifier_options;

#define CLI_VERIFIER_OPTIONS_INIT                                                                  \
    {                                                                                              \
        .at = -1, .skew = CS_DEFAULT_CLOCK_SKEW, .max_list_age = CS_DEFAULT_MAX_LIST_AGE,          \
        .trust_list_grace = CS_DEFAULT_TRUST_LIST_GRACE                                            \
    }

/* The table entries of the cli_verifier_options member of `type`. */
#define CLI_VERIFIER_OPTIONS(type, member)                                                         \
    CLI_OPTION("trust", 't', CLI_LIST, type, member.trust, "PATH",                                 \
               "a PEM public key file, or a folder of them (repeatable); the\n"                    \
               "accreditation body's identity and scope are then not checked",                     \
               .max = 16),                                                                         \
        CLI_OPTION("trust-list", 0, CLI_LIST, type, member.trust_lists, "FILE|URL",                \
                   "a scheme owner's signed trust list of accreditation bodies\n"                   \
                   "(repeatable; each verified with a --root)", .max = 16),                         \
        CLI_OPTION("root", 0, CLI_LIST, type, member.roots, "PUB",                                 \
                   "a scheme owner's root public key (PEM) the trust lists must\n"                  \
                   "verify with (repeatable)", .max = 16),                                          \
        CLI_OPTION("trust-list-grace", 0, CLI_DURATION, type, member.trust_list_grace, "D",        \
                   "use a trust list up to D past its next update, with a warning\n"                \
                   "(default 7d)", .max = 366),                                                      \
        CLI_OPTION("catalog", 0, CLI_PATH, type, member.catalog, "FILE",                           \
                   "a standards catalog signed by a scheme owner's root (verified\n"                \
                   "with a --root; not older than the built-in one, which is used\n"               \
                   "without it)"),                                                                   \
        CLI_OPTION("at", 0, CLI_DATE, type, member.at, "DATE",                                     \
                   "verify as of DATE (YYYY-MM-DD or RFC 3339) instead of now"),                   \
        CLI_OPTION("skew", 0, CLI_UNSIGNED, type, member.skew, "N",                                \
                   "tolerated clock difference in seconds (default 300)", .max = 86400),           \
        CLI_OPTION("status", 0, CLI_LIST, type, member.status, "PATH",                             \
                   "a signed status list (raw COSE), or a folder of them (repeatable);\n"          \
                   "status is required: a token whose status list is neither given\n"              \
                   "nor fetched is STATUS_UNKNOWN"),                                               \
        CLI_OPTION("require-status", 0, CLI_FLAG, type, member.require_status, NULL,               \
                   "also fail (STATUS_UNKNOWN) tokens that carry no status reference"),            \
        CLI_OPTION("status-optional", 0, CLI_FLAG, type, member.status_optional, NULL,             \
                   "accept a status that cannot be checked: VALID with the warning\n"              \
                   "\"status not checked\", never the green banner"),                              \
        CLI_OPTION("max-list-age", 0, CLI_DURATION, type, member.max_list_age, "D",                \
                   "refuse status lists issued longer ago than D (default 7d)", .max = 366),       \
        CLI_OPTION("fetch", 0, CLI_FLAG, type, member.fetch, NULL,                                 \
                   "fetch (http, https) the status lists the tokens name and --status\n"           \
                   "does not give; without it nothing is fetched"),                                \
        CLI_OPTION("cache-dir", 0, CLI_PATH, type, member.cache_dir, "DIR",                        \
                   "cache fetched lists for their ttl in DIR (default\n"                           \
                   "$XDG_CACHE_HOME/certseal or ~/.cache/certseal)"),                              \
        CLI_OPTION("no-cache", 0, CLI_FLAG, type, member.no_cache, NULL,                           \
                   "fetch every list, keep none"),                                                 \
        CLI_OPTION("fetch-timeout", 0, CLI_UNSIGNED, type, member.fetch_timeout, "N",              \
                   "give up a fetch after N seconds (default 15)", .min = 1, .max = 3600)

/* The trust lists of --trust-list, verified with the --root keys, kept
 * alive for the verifier that uses them (cli_trustlist.c). */
typedef struct cli_trust_lists {
    cs_key_t *roots[CLI_LIST_MAX];
    size_t root_count;
    cs_trustlist lists[CLI_LIST_MAX];
    size_t list_count;
    cs_trustlist_history_t *history;
    cs_fetcher_t *fetcher; /* for URLs and the cache folder; NULL: none */
} cli_trust_lists;

/* Loads (reading files, fetching URLs with the ttl cache) and verifies
 * every --trust-list with the --root keys at the verifier's time (--at, or
 * now), remembering sequences and rollovers in the cache folder
 * (--cache-dir, the default one, or memory only with --no-cache), and adds
 * them to verifier.
 * Reports one line (warnings for lists within their grace) and returns
 * false when a list is refused. */
bool cli_load_trust_lists(cs_verifier_t *verifier, const cli_verifier_options *options,
                          cli_trust_lists *out);

/* Adds the lists cli_load_trust_lists() loaded to another verifier (they
 * stay borrowed from lists: clear lists after every verifier using them
 * is freed).  Reports one line and returns false on failure. */
bool cli_trust_lists_add(cs_verifier_t *verifier, const cli_trust_lists *lists);

/* True when a --trust-list is a URL (fetched, like --fetch's lists). */
bool cli_trust_lists_fetched(const cli_verifier_options *options);

/* Frees what cli_load_trust_lists() kept. */
void cli_trust_lists_clear(cli_trust_lists *lists);

/* The checks across those options (--trust given, --fetch's companions,
 * --require-status against --status-optional); reports and returns
 * CLI_EXIT_USAGE, or CLI_EXIT_OK.  When they pass and nothing is to be
 * fetched (no --fetch, no trust list URL), the process makes no TLS
 * connection, and OpenSSL is set up for offline verifying
 * (cs_crypto_init_offline()) before anything uses it. */
int cli_verifier_options_check(const cli_verifier_options *options);

/* Applies the time, skew and status settings of options to verifier and
 * loads its --status lists (cli_load_status_lists()); reports and returns
 * false on failure. */
bool cli_verifier_configure(cs_verifier_t *verifier, const cli_verifier_options *options);

/* Makes the fetcher of --fetch for options (or reuses the one a run
 * already made), ctx being the caller's; *source_ctx gets what the status
 * source is given.  A cs_err of cs_fetcher_new() on failure. */
typedef cs_err (*cli_fetcher_make_fn)(void *ctx, const cs_fetch_options *options,
                                      void **source_ctx);

/* --fetch for verifier: the fetch options of options (cli_fetch_options()),
 * the fetcher from make(ctx, ...), the status history in the cache folder
 * (cli_status_history(), into *history, the caller's to free after the
 * verifier) so that a list seen is never rolled back, and source asked by
 * the verifier for the lists it lacks.  Reports and returns false on
 * failure. */
bool cli_fetch_start(const cli_verifier_options *options, cs_verifier_t *verifier,
                     cli_fetcher_make_fn make, void *ctx, cs_status_source_fn source,
                     cs_status_history_t **history);

/*
 * Adds to verifier the Status List Token in each path (raw COSE bytes), or
 * in every regular file of a folder (name order, dot-files skipped).  On
 * the first file that cannot be read or is not a status list token it
 * reports one line naming the file and returns false (exit 1).
 */
bool cli_load_status_lists(cs_verifier_t *verifier, const char *const *paths, size_t count);

#endif
