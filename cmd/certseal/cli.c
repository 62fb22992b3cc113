/* SPDX-License-Identifier: ISC */
/* Helpers shared by the subcommands: messages, options, keys, files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cli.h"
#include "cli_progress.h"
#include "cli_service.h"

#define PASSPHRASE_MAX 1024

const char *cli_command_name = "certseal";

int cli_exit_for_verdict(cs_verdict verdict)
{
    return cs_verdict_exit_code(verdict);
}

/* Rank of an exit code in cli_exit_worse()'s order, the worst highest: a
 * verdict's code by cs_verdict_rank(), with no QR code and could not run
 * just above STATUS_UNKNOWN (undecided, but worse than a status not had),
 * and below every decided failure. */
static int exit_severity(int code)
{
    const int undecided = 4 * cs_verdict_rank(CS_VERDICT_STATUS_UNKNOWN);

    if (code == CLI_EXIT_NO_QR_CODE)
        return undecided + 1;
    if (code == CLI_EXIT_FAILURE)
        return undecided + 2;
    for (int v = 0; v < CS_VERDICT_COUNT; v++)
        if (cs_verdict_exit_code((cs_verdict)v) == code)
            return 4 * cs_verdict_rank((cs_verdict)v);
    return 4 * CS_VERDICT_COUNT; /* usage errors, unknown codes */
}

int cli_exit_worse(int a, int b)
{
    return exit_severity(b) > exit_severity(a) ? b : a;
}

const char *cli_escape(const char *text, char *buf, size_t size)
{
    (void)cs_text_escape(text, text != NULL ? strlen(text) : 0, buf, size);
    return buf;
}

/* The message, whatever it quotes (a path, a detail from a token), is
 * escaped (certseal/text.h): one line, nothing a terminal acts on. */
static void vreport(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void vreport(const char *fmt, va_list ap)
{
    char line[1024], *message = line, *escaped = NULL;
    va_list again;
    int n;

    va_copy(again, ap);
    n = vsnprintf(line, sizeof(line), fmt, ap);
    if (n >= (int)sizeof(line) && (message = malloc((size_t)n + 1)) != NULL)
        (void)vsnprintf(message, (size_t)n + 1, fmt, again);
    va_end(again);
    if (message == NULL)
        message = line; /* cut short */
    if (n < 0)
        strcpy(line, "(the message could not be formatted)");
    cli_progress_break_line();
    if (cs_text_escape_alloc(message, &escaped) == CS_OK)
        fprintf(stderr, "certseal: %s: %s\n", cli_command_name, escaped);
    else
        fprintf(stderr, "certseal: %s: out of memory\n", cli_command_name);
    free(escaped);
    if (message != line)
        free(message);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

bool cli_parse_date(const char *option, const char *text, int64_t *out)
{
    if (cs_date_parse(text, out) == CS_OK)
        return true;
    cli_usage_error("%s: '%s' is not a date; write YYYY-MM-DD or an RFC 3339 date-time "
                    "such as 2026-11-21T12:00:00Z",
                    option, text);
    return false;
}

bool cli_parse_uint(const char *option, const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (*text < '0' || *text > '9' || *end != '\0' || errno != 0 || value > max) {
        cli_usage_error("%s: '%s' is not a whole number from 0 to %llu", option, text,
                        (unsigned long long)max);
        return false;
    }
    *out = value;
    return true;
}

bool cli_passphrase_read(const cli_passphrase_source *source, const char *prompt, bool confirm,
                         char **out, size_t *out_len)
{
    cs_passphrase_source from = {source->file, source->fd, prompt, confirm};
    char *buf = calloc(1, PASSPHRASE_MAX);
    size_t len = 0;
    cs_err err;

    if (buf == NULL) {
        cli_error("out of memory");
        return false;
    }
    if ((err = cs_passphrase_read(&from, buf, PASSPHRASE_MAX, &len)) == CS_OK) {
        *out = buf;
        *out_len = len;
        return true;
    }
    if (err == CS_ERR_SECRET_EMPTY)
        cli_error("the passphrase is empty");
    else if (err == CS_ERR_SECRET_MISMATCH)
        cli_error("the two passphrases differ; nothing was written");
    else if (err == CS_ERR_SECRET_NO_TERMINAL)
        cli_error("a passphrase is needed but there is no terminal to ask on; give "
                  "--passphrase-file FILE or --passphrase-fd N");
    else if (source->file != NULL && err == CS_ERR_SECRET_TOO_LONG)
        cli_error("%s: the passphrase is longer than %d bytes", source->file, PASSPHRASE_MAX - 1);
    else if (source->file != NULL)
        cli_error("%s: cannot %s the passphrase file: %s", source->file,
                  err == CS_ERR_IO_OPEN ? "open" : "read", strerror(errno));
    else
        cli_error("cannot read a passphrase from descriptor %d: %s", source->fd,
                  err == CS_ERR_SECRET_TOO_LONG ? "the line is too long" : strerror(errno));
    free(buf); /* wiped by cs_passphrase_read() */
    return false;
}

void cli_passphrase_free(char **passphrase, size_t len)
{
    if (passphrase == NULL || *passphrase == NULL)
        return;
    cs_wipe(*passphrase, len > PASSPHRASE_MAX ? len : PASSPHRASE_MAX);
    free(*passphrase);
    *passphrase = NULL;
}

bool cli_pin_read(const cli_passphrase_source *source, const char *uri_file, const char *prompt,
                  char *buf, size_t size, size_t *len)
{
    /* --pin-file, else --pin-fd, else the URI's pin-source file. */
    bool use_fd = source->pin_file == NULL && source->pin_fd >= 0;
    cs_passphrase_source from = {use_fd ? NULL : source->pin_file != NULL ? source->pin_file : uri_file,
                                 use_fd ? source->pin_fd : -1, prompt, false};
    cs_err err = cs_passphrase_read(&from, buf, size, len);
    const char *why = err == CS_ERR_SECRET_TOO_LONG ? NULL : strerror(errno);

    if (err == CS_ERR_SECRET_EMPTY)
        cli_error("the PIN is empty");
    else if (err == CS_ERR_SECRET_NO_TERMINAL)
        cli_error("the token needs a PIN but there is no terminal to ask on; give --pin-file "
                  "FILE or --pin-fd N");
    else if (err != CS_OK && from.file != NULL)
        cli_error("%s: cannot %s the PIN file: %s", from.file, err == CS_ERR_IO_OPEN ? "open" : "read",
                  why != NULL ? why : "the PIN is too long");
    else if (err != CS_OK)
        cli_error("cannot read a PIN from descriptor %d: %s", from.fd,
                  why != NULL ? why : "the line is too long");
    return err == CS_OK;
}

void cli_protect_private_key(void)
{
#ifdef __linux__
    /* No core file, no ptrace or /proc/PID/mem for other processes of the
     * same user, while the key (or its passphrase) is in memory.  It stays
     * off until the process ends, which is soon after the key is freed. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        cli_error("warning: cannot keep the key out of core dumps: %s", strerror(errno));
#endif
}

void cli_warn_exposure(const char *path, const char *what, unsigned exposure)
{
    const char *who;

    if (exposure & CS_FILE_OTHERS_WRITABLE)
        who = "any user can change";
    else if (exposure & CS_FILE_OTHERS_READABLE)
        who = "any user can read";
    else if (exposure & CS_FILE_GROUP_WRITABLE)
        who = "the file's group can change";
    else if (exposure & CS_FILE_GROUP_READABLE)
        who = "the file's group can read";
    else
        return;
    cli_error("%s: warning: %s this %s (chmod 600 %s)", path, who, what, path);
}

static void report_key_error(const char *path, cs_err err)
{
    switch (err) {
    case CS_ERR_FILE_PERMISSIONS:
        cli_error("%s: the private key file is writable by other users, so it is not used "
                  "(chmod 600 %s, and make a new key if you cannot tell who changed it)",
                  path, path);
        break;
    case CS_ERR_IO_OPEN:
        cli_error("%s: cannot open the key file: %s", path, strerror(errno));
        break;
    case CS_ERR_KEY_PASSPHRASE:
        cli_error("%s: wrong passphrase for this key (try again, or check --passphrase-file)",
                  path);
        break;
    case CS_ERR_KEY_TYPE:
        cli_error("%s: %s (make one with certseal keygen)", path, cs_strerror(err));
        break;
    case CS_ERR_KEY_PARSE:
        cli_error("%s: not a PKCS#8 PEM private key (make one with certseal keygen)", path);
        break;
    default:
        cli_error("%s: %s", path, cs_strerror(err));
    }
}

bool cli_is_pkcs11_uri(const char *key)
{
    return key != NULL && strncasecmp(key, "pkcs11:", 7) == 0;
}

bool cli_load_private_key(const char *path, const cli_passphrase_source *source, cs_key_t **out)
{
    uint8_t *pem = NULL;
    size_t len = 0;
    char *passphrase = NULL;
    size_t passphrase_len = 0;
    unsigned exposure = 0;
    cs_err err;

    cli_protect_private_key();
    if (cli_is_pkcs11_uri(path)) {
        /* p11-kit is a service: the plugin opens the token. */
        const cli_services_pkcs11 *pkcs11 = cli_service_pkcs11();
        return pkcs11 != NULL && pkcs11->load_key(path, source, out);
    }
    if ((err = cs_file_read_private(path, CS_KEY_FILE_MAX, &pem, &len, &exposure)) != CS_OK) {
        report_key_error(path, err);
        return false;
    }
    if (cs_key_pem_is_encrypted((const char *)pem, len)) {
        char prompt[300];
        snprintf(prompt, sizeof(prompt), "Passphrase for %.250s: ", path);
        if (!cli_passphrase_read(source, prompt, false, &passphrase, &passphrase_len)) {
            cs_wipe(pem, len);
            free(pem);
            return false;
        }
    }
    err = cs_key_load_private_pem((const char *)pem, len, passphrase, passphrase_len, out);
    cli_passphrase_free(&passphrase, passphrase_len);
    cs_wipe(pem, len);
    free(pem);
    if (err != CS_OK) {
        report_key_error(path, err);
        return false;
    }
    /* Once it is known to be a private key: a mistaken file is not one. */
    cli_warn_exposure(path, "private key", exposure);
    return true;
}

bool cli_read_input(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
    cs_err err = cs_file_read_all(path, max, out, out_len);
    const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
    if (err == CS_OK)
        return true;
    if (err == CS_ERR_IO_OPEN)
        cli_error("%s: cannot open: %s", name, strerror(errno));
    else if (err == CS_ERR_TOO_LARGE)
        cli_error("%s: larger than %zu bytes; is it the right file?", name, max);
    else
        cli_error("%s: cannot read: %s", name, strerror(errno));
    return false;
}

bool cli_read_token_argument(const char *argument, uint8_t **out, size_t *out_len,
                             const char **label)
{
    if (strncmp(argument, CS_OFFLINE_PREFIX, strlen(CS_OFFLINE_PREFIX)) == 0 ||
        strncasecmp(argument, "https://", 8) == 0 || strncasecmp(argument, "http://", 7) == 0) {
        *label = "token";
        *out_len = strlen(argument);
        if ((*out = (uint8_t *)strdup(argument)) == NULL) {
            cli_error("out of memory");
            return false;
        }
        return true;
    }
    *label = strcmp(argument, "-") == 0 ? "standard input" : argument;
    return cli_read_input(argument, CS_TOKEN_TEXT_MAX, out, out_len);
}

const char *cli_token_argument(int argc, char **argv, int index)
{
    if (index < argc)
        return argv[index];
    if (isatty(STDIN_FILENO)) {
        cli_usage_error("give a token (CS1:... or a link), a file, or - for standard input");
        return NULL;
    }
    return "-";
}

bool cli_write_file(const char *path, const void *data, size_t len, unsigned mode,
                    unsigned flags)
{
    cs_err err;

    if (strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            cli_error("standard output: %s", strerror(errno));
            return false;
        }
        return true;
    }
    err = cs_file_write_atomic(path, data, len, mode, flags);
    if (err != CS_OK)
        cli_report_write_error(path, err, flags, errno);
    return err == CS_OK;
}

void cli_report_write_error(const char *path, cs_err err, unsigned flags, int saved_errno)
{
    struct stat st;

    if (err == CS_ERR_FILE_EXISTS && (flags & CS_FILE_REGULAR) && lstat(path, &st) == 0 &&
        !S_ISREG(st.st_mode))
        cli_error("%s: exists and is not a regular file (a link, pipe or device); nothing was "
                  "written to it (remove it, or write elsewhere)",
                  path);
    else if (err == CS_ERR_FILE_EXISTS)
        cli_error("%s: already exists; choose another name or add --force to replace it", path);
    else
        cli_error("%s: cannot write: %s", path, strerror(saved_errno));
}

char *cli_certificate_path(const char *dir, const char *number, const char *extension)
{
    uint32_t hash = 2166136261u; /* FNV-1a */
    bool changed = false;
    char name[160], *path;
    size_t n = 0;

    for (const char *p = number; *p != '\0' && n + 14 < sizeof(name); p++) {
        char c = *p;
        hash = (hash ^ (unsigned char)c) * 16777619u;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || (c == '.' && n > 0);
        changed |= !keep;
        name[n++] = keep ? c : '_';
    }
    if (changed || number[n] != '\0')
        n += (size_t)snprintf(name + n, sizeof(name) - n, "-%08x", hash);
    snprintf(name + n, sizeof(name) - n, ".%s", extension);
    if ((path = malloc(strlen(dir) + strlen(name) + 2)) != NULL)
        sprintf(path, "%s/%s", dir, name);
    return path;
}

int cli_print_rendering(const char *text, bool json)
{
    if (fputs(text, stdout) == EOF || (json && putchar('\n') == EOF) || fflush(stdout) != 0) {
        cli_error("standard output: cannot write: %s", strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

bool cli_write_output(const char *path, const void *data, size_t len, unsigned mode, bool force)
{
    return cli_write_file(path, data, len, mode, force ? CS_FILE_REPLACE : 0);
}

bool cli_use_colour(void)
{
    const char *no_colour = getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && (no_colour == NULL || *no_colour == '\0');
}

bool cli_load_trust(const char *const *paths, size_t count, cs_trust_t **trust)
{
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    if (cs_trust_new(trust) != CS_OK) {
        cli_error("out of memory");
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if ((err = cs_trust_load(*trust, paths[i], detail, sizeof(detail))) != CS_OK) {
            if (err == CS_ERR_TRUST_EMPTY)
                cli_error("%s: no PEM public key found (give the accreditation body's .pub file)",
                          paths[i]);
            else if (err == CS_ERR_KEY_WEAK)
                cli_error("--trust %s (anyone can sign with such a key; remove it from the "
                          "trust store)",
                          detail);
            else
                cli_error("--trust %s", detail);
            return false;
        }
    }
    return true;
}

bool cli_fetch_options(const char *cache_dir, bool no_cache, uint64_t timeout,
                       cs_fetch_options *options, char **owned)
{
    *owned = NULL;
    if (!no_cache && cache_dir == NULL && cs_fetch_default_cache_dir(owned) != CS_OK) {
        cli_error("--fetch: no cache folder: neither XDG_CACHE_HOME nor HOME is set (give "
                  "--cache-dir DIR or --no-cache)");
        return false;
    }
    options->cache_dir = no_cache ? NULL : cache_dir != NULL ? cache_dir : *owned;
    options->timeout_ms = (long)timeout * 1000;
    return true;
}

bool cli_parse_duration(const char *option, const char *text, uint64_t max_days, int64_t *out)
{
    static const struct {
        char suffix;
        uint64_t seconds;
    } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', CS_SECONDS_PER_DAY}};
    uint64_t unit = 1;
    char *end;

    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (*text >= '0' && *text <= '9' && *end != '\0' && end[1] == '\0') {
        unit = 0;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
            if (*end == units[i].suffix)
                unit = units[i].seconds;
        end += unit != 0;
    }
    if (*text < '0' || *text > '9' || *end != '\0' || errno != 0 || unit == 0 ||
        value > max_days * CS_SECONDS_PER_DAY / unit) {
        cli_usage_error("%s: '%s' is not a duration of at most %llu days (give seconds, or a "
                        "number followed by s, m, h or d, e.g. 7d)",
                        option, text, (unsigned long long)max_days);
        return false;
    }
    *out = (int64_t)(value * unit);
    return true;
}

void cli_fetch_cache_error(const char *dir, cs_err err)
{
    char detail[CS_DETAIL_SIZE] = "";

    if (err == CS_ERR_FETCH_CACHE && cs_fetch_cache_check(dir, detail, sizeof(detail)) != CS_OK)
        cli_error("%s: the status list cache folder is not ours alone: it %s (use a folder of "
                  "your own with mode 0700 holding only what certseal wrote, or give "
                  "--cache-dir DIR or --no-cache)",
                  dir, detail);
    else if (err == CS_ERR_FETCH_CACHE)
        cli_error("%s: the status list cache folder changed while it was checked (try again)",
                  dir);
    else if (err == CS_ERR_IO_OPEN)
        cli_error("%s: cannot create the status list cache folder: %s (give --cache-dir DIR "
                  "or --no-cache)",
                  dir, strerror(errno));
    else
        cli_error("--fetch: cannot start fetching: %s", cs_strerror(err));
}

bool cli_status_history(const cs_fetch_options *options, cs_status_history_t **out)
{
    if (cs_status_history_new(options->cache_dir, out) != CS_OK) {
        cli_error("out of memory");
        return false;
    }
    return true;
}
