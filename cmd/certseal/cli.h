/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli.h - what the subcommands of the certseal program share:
 * the exit codes, error reporting, option helpers and key loading.  The
 * program is a thin layer on libcertseal; nothing here is reusable outside
 * the command line.
 */
#ifndef CERTSEAL_CLI_H
#define CERTSEAL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/certseal.h"
#include "cli_options.h"

/* Exit codes (documented in certseal(1), EXIT STATUS); those of the
 * verdicts, CLI_EXIT_MALFORMED and the others, come from CS_VERDICT_LIST
 * (cs_verdict_exit_code()). */
#define CLI_EXIT_VERDICT_(name, exit, rank, json, tone, headline, sentence, hint) \
    CLI_EXIT_##name = exit,
enum cli_exit {
    CLI_EXIT_OK = 0,         /* success; for verify: VALID */
    CLI_EXIT_FAILURE = 1,    /* could not run: unreadable input, bad key, ... */
    CLI_EXIT_USAGE = 2,      /* unknown option, missing or invalid argument */
    CLI_EXIT_NO_QR_CODE = 3, /* scan, verify --qr: an image holds no QR code */
    CS_VERDICT_LIST(CLI_EXIT_VERDICT_) /* CLI_EXIT_VALID (0) to CLI_EXIT_STATUS_UNKNOWN (19) */
};
#undef CLI_EXIT_VERDICT_

/* cs_verdict_exit_code(). */
int cli_exit_for_verdict(cs_verdict verdict);

/* Of two exit codes, the worse (certseal(1), EXIT STATUS): the verdicts
 * in cs_verdict_rank() order (a forgery: INVALID_SIGNATURE, UNTRUSTED,
 * MALFORMED; then NOT_ACCREDITED, WITHDRAWN, SUSPENDED, SUPERSEDED,
 * EXPIRED, NOT_YET_VALID), then what was not decided (could not run, no QR
 * code, STATUS_UNKNOWN), and VALID last; a usage error or an unknown code
 * outranks them all.  verify exits with the worst code of all its inputs. */
int cli_exit_worse(int a, int b);

/* The running subcommand's name, for messages ("certseal: issue: ..."). */
extern const char *cli_command_name;

/* text made safe to print (cs_text_escape(): controls and bidirectional
 * characters as escapes) into buf of size bytes, cut short when it does
 * not fit; returns buf.  CLI_ESCAPED_SIZE(n): room for n bytes of text. */
const char *cli_escape(const char *text, char *buf, size_t size);
#define CLI_ESCAPED_SIZE(n) ((n) * 6 + 1)

/* One line on stderr: "certseal: <command>: <message>", the message
 * escaped (cli_escape()). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports a usage error and returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A trust store of the PEM public keys in paths (files or folders, for
 * --trust); reports one line and returns false when one cannot be read or
 * holds no key. */
bool cli_load_trust(const char *const *paths, size_t count, cs_trust_t **trust);

/* The fetch options of --fetch: cache_dir, or the default cache folder
 * (in *owned, freed with free()) unless no_cache; timeout in seconds (0:
 * the default).  Reports and returns false when there is no default
 * folder. */
bool cli_fetch_options(const char *cache_dir, bool no_cache, uint64_t timeout,
                       cs_fetch_options *options, char **owned);

/* Parses a DATE option (YYYY-MM-DD or RFC 3339); reports and returns false
 * when it does not parse. */
bool cli_parse_date(const char *option, const char *text, int64_t *out);

/* Parses a non-negative integer option; reports and returns false on error. */
bool cli_parse_uint(const char *option, const char *text, uint64_t max, uint64_t *out);

/* Parses a DURATION option: a whole number of seconds, or one followed by
 * s, m, h or d, at most max_days days; *out in seconds.  Reports and
 * returns false on error. */
bool cli_parse_duration(const char *option, const char *text, uint64_t max_days, int64_t *out);

/* Reports that cs_fetcher_new() refused the cache folder dir with err. */
void cli_fetch_cache_error(const char *dir, cs_err err);

/* The status history of --fetch (status.h): in the cache folder of
 * options, or in memory with --no-cache.  Reports and returns false when
 * out of memory. */
bool cli_status_history(const cs_fetch_options *options, cs_status_history_t **out);

/* Where a passphrase, or a token's PIN, comes from (never argv, STYLE 9). */
typedef struct cli_passphrase_source {
    const char *file;     /* --passphrase-file */
    int fd;               /* --passphrase-fd, -1 when not given */
    const char *pin_file; /* --pin-file */
    int pin_fd;           /* --pin-fd, -1 when not given */
} cli_passphrase_source;

#define CLI_PASSPHRASE_SOURCE_INIT                                                                 \
    {                                                                                              \
        NULL, -1, NULL, -1                                                                         \
    }

/*
 * Reads a passphrase from the file, the descriptor or, when neither is
 * given, a prompt on the terminal (twice when confirm is set).  The buffer
 * is wiped and freed by cli_passphrase_free().  Returns false after
 * reporting the problem.
 */
bool cli_passphrase_read(const cli_passphrase_source *source, const char *prompt, bool confirm,
                         char **out, size_t *out_len);
void cli_passphrase_free(char **passphrase, size_t len);

/* Called by every command before it loads or makes a private key: keeps
 * the process out of core dumps and from being traced or read through
 * /proc by other processes (PR_SET_DUMPABLE 0 on Linux) until it ends. */
void cli_protect_private_key(void);

/* Warns on stderr when exposure (CS_FILE_GROUP_* and CS_FILE_OTHERS_*
 * bits) lets others read or change the file at path; `what` names it
 * ("private key", "registry"). */
void cli_warn_exposure(const char *path, const char *what, unsigned exposure);

/*
 * Reads a PKCS#11 token's PIN into buf (size bytes, NUL-terminated, *len
 * without the NUL): from --pin-fd or --pin-file, else from uri_file (a
 * URI's pin-source file, may be NULL), else a prompt on the terminal
 * without echo.  buf is wiped on failure; the caller wipes it after use.
 * Reports and returns false on failure (and for an empty PIN).
 */
bool cli_pin_read(const cli_passphrase_source *source, const char *uri_file, const char *prompt,
                  char *buf, size_t size, size_t *len);

/* True when key names a key in a PKCS#11 token ("pkcs11:" URI, RFC 7512)
 * rather than a file. */
bool cli_is_pkcs11_uri(const char *key);

/* Loads a private key file, asking for its passphrase when it is encrypted:
 * first cli_protect_private_key(); warns when the file is readable by
 * others, refuses it when they can write it.  A "pkcs11:" URI opens the
 * key in its token instead (the services plugin's cli_services_pkcs11),
 * asking for the token's PIN as cli_pin_read() does.
 * Reports and returns false on failure. */
bool cli_load_private_key(const char *path, const cli_passphrase_source *source, cs_key_t **out);

/* Reads a whole input ("-" is stdin); reports and returns false on error. */
bool cli_read_input(const char *path, size_t max, uint8_t **out, size_t *out_len);

/*
 * Reads the token argument: a token given literally (CS1:..., http(s)://),
 * "-" for stdin, or a file.  Reports and returns false on error.  *label
 * names the input in messages.
 */
bool cli_read_token_argument(const char *argument, uint8_t **out, size_t *out_len,
                             const char **label);

/* The token argument at argv[index], or "-" when there is none and standard
 * input is not a terminal; NULL (after reporting) when there is nothing to
 * read. */
const char *cli_token_argument(int argc, char **argv, int index);

/* "DIR/NAME.EXTENSION" for certificate number, freed with free(); NULL
 * when out of memory.  NAME is the number with letters, digits, '.', '-'
 * and '_' kept and anything else made '_'; a changed or cut name gets a
 * hash of the number, so that two numbers never share a file (issue
 * --qr-dir, document --batch). */
char *cli_certificate_path(const char *dir, const char *number, const char *extension);

/* Writes a whole output file atomically (no partial file on failure), or to
 * stdout for "-"; an existing device or pipe is written to as it is.
 * Reports and returns false on error. */
bool cli_write_output(const char *path, const void *data, size_t len, unsigned mode, bool force);

/* cli_write_output() with the flags of cs_file_write_atomic(): with
 * CS_FILE_REGULAR a link, pipe or device under the name is refused. */
bool cli_write_file(const char *path, const void *data, size_t len, unsigned mode,
                    unsigned flags);

/* Reports what cs_file_write_atomic(path, ..., flags) returned (err, not
 * CS_OK), with the errno it left (saved_errno): cli_write_file()'s
 * messages, for a file written on another thread. */
void cli_report_write_error(const char *path, cs_err err, unsigned flags, int saved_errno);

/* Prints one of the library's renderings on standard output: text as it
 * is, JSON (json true) with its closing newline.  Returns CLI_EXIT_OK, or
 * CLI_EXIT_FAILURE when standard output cannot take it (reported). */
int cli_print_rendering(const char *text, bool json);

/* True when stdout is a terminal and NO_COLOR is not set. */
bool cli_use_colour(void);

/* The commands (main.c's table), each in its cmd_<name>.c. */
extern const cli_command cmd_keygen_entry, cmd_accredit_entry, cmd_issue_entry, cmd_verify_entry,
    cmd_inspect_entry, cmd_qr_entry, cmd_scan_entry, cmd_init_entry, cmd_suspend_entry,
    cmd_reinstate_entry, cmd_withdraw_entry, cmd_list_entry, cmd_status_entry, cmd_serve_entry;
extern const cli_command cmd_trustlist_entry;
extern const cli_command cmd_receipt_entry;
extern const cli_command cmd_rekey_entry, cmd_reissue_entry;
extern const cli_command cmd_document_entry;
extern const cli_command cmd_registry_entry;
extern const cli_command cmd_catalog_entry;

#endif
