/* SPDX-License-Identifier: ISC */
/* cmd/certseal/cli_status.h - what verify and serve share: the options that
 * set up a verifier (trust, time, status lists, fetching) and loading the
 * Status List Tokens given on the command line. */
#ifndef CERTSEAL_CLI_STATUS_H
#define CERTSEAL_CLI_STATUS_H

#include <stdbool.h>
#include <stddef.h>

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
} cli_verifier_options;

#define CLI_VERIFIER_OPTIONS_INIT                                                                  \
    {                                                                                              \
        .at = -1, .skew = CS_DEFAULT_CLOCK_SKEW, .max_list_age = CS_DEFAULT_MAX_LIST_AGE           \
    }

/* The table entries of the cli_verifier_options member of `type`. */
#define CLI_VERIFIER_OPTIONS(type, member)                                                         \
    CLI_OPTION("trust", 't', CLI_LIST, type, member.trust, "PATH",                                 \
               "a PEM public key file, or a folder of them (repeatable)", .max = 16),              \
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

/* The checks across those options (--trust given, --fetch's companions,
 * --require-status against --status-optional); reports and returns
 * CLI_EXIT_USAGE, or CLI_EXIT_OK. */
int cli_verifier_options_check(const cli_verifier_options *options);

/* Applies the time, skew and status settings of options to verifier and
 * loads its --status lists (cli_load_status_lists()); reports and returns
 * false on failure. */
bool cli_verifier_configure(cs_verifier_t *verifier, const cli_verifier_options *options);

/*
 * Adds to verifier the Status List Token in each path (raw COSE bytes), or
 * in every regular file of a folder (name order, dot-files skipped).  On
 * the first file that cannot be read or is not a status list token it
 * reports one line naming the file and returns false (exit 1).
 */
bool cli_load_status_lists(cs_verifier_t *verifier, const char *const *paths, size_t count);

#endif
