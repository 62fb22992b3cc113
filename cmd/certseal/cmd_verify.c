/* SPDX-License-Identifier: ISC */
/* certseal verify: verify certificate tokens back to a trusted
 * accreditation body key (DESIGN §2). */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_service.h"
#include "cli_status.h"
#include "certseal/receipt.h"
#include "certseal/report_batch.h"
#include "certseal/token_reader.h"
#include "certseal/verify_batch.h"

typedef struct verify_options {
    cli_verifier_options verifier;
    bool json;
    bool force;
    const char *format;      /* --format: auto, lines, jsonl, csv, cose */
    const char *report;      /* --report FILE.csv|FILE.html */
    const char *qr_list;     /* --qr-list FILE: one image path per line */
    uint64_t jobs;           /* --jobs N; 0: one per processor */
    cli_list qr;             /* --qr IMAGE, in order */
    int token_format;        /* --format, parsed */
    const char *const *inputs; /* the arguments: tokens, files or - */
    size_t input_count;
    const char *receipt;     /* --receipt FILE */
    const char *receipt_key; /* --receipt-key KEY */
    cli_passphrase_source passphrase;
} verify_options;

static const cli_option OPTIONS[] = {
    CLI_VERIFIER_OPTIONS(verify_options, verifier),
    CLI_OPTION("json", 0, CLI_FLAG, verify_options, json, NULL,
               "one JSON object per token, one per line (JSON Lines)"),
    CLI_OPTION("qr", 0, CLI_LIST, verify_options, qr, "IMAGE",
               "verify the tokens of the QR codes in a PNG or JPEG image,\n"
               "or of a PDF certificate (repeatable: every file, in order)"),
    CLI_OPTION("qr-list", 0, CLI_PATH, verify_options, qr_list, "FILE",
               "verify the QR codes of the images named in FILE, one path per line\n"
               "(- for standard input), after those of --qr"),
    CLI_OPTION("format", 0, CLI_STRING, verify_options, format, "FORMAT",
               "how the token files are written: auto (default: told by the name,\n"
               "then the first line), lines, jsonl, csv (a header row naming a\n"
               "token column) or cose (one binary token)"),
    CLI_OPTION("jobs", 0, CLI_UNSIGNED, verify_options, jobs, "N",
               "verify with N threads (default: one per processor); the output\n"
               "keeps the order of the input",
               .min = 1, .max = CS_VERIFY_BATCH_JOBS_MAX),
    CLI_OPTION("report", 0, CLI_PATH, verify_options, report, "FILE",
               "also write a report of every certificate: FILE.csv or FILE.html\n"
               "(the count of each verdict, then one row per certificate)"),
    CLI_OPTION("force", 0, CLI_FLAG, verify_options, force, NULL,
               "replace an existing --report file"),
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
    size_t stdin_users = 0;

    if (status != CLI_EXIT_OK)
        return status;
    if (o->format != NULL && (o->token_format = cs_token_format_parse(o->format)) < 0)
        return cli_usage_error("--format %s: expected auto, lines, jsonl, csv or cose", o->format);
    if (o->report != NULL && cs_report_batch_kind_for(o->report) < 0)
        return cli_usage_error("--report %s: the name must end in .csv or .html", o->report);
    if ((o->receipt == NULL) != (o->receipt_key == NULL))
        return cli_usage_error("--receipt FILE and --receipt-key KEY go together: the receipt is "
                               "signed with your own key");
    if (o->receipt == NULL && (o->passphrase.file != NULL || o->passphrase.fd >= 0))
        return cli_usage_error("--passphrase-file and --passphrase-fd go with --receipt-key");
    if (o->receipt != NULL && strcmp(o->receipt, "-") == 0)
        return cli_usage_error("--receipt: give a file name (the receipt is binary CBOR)");
    for (size_t i = 0; i < o->qr.count; i++)
        stdin_users += strcmp(o->qr.items[i], "-") == 0;
    stdin_users += o->qr_list != NULL && strcmp(o->qr_list, "-") == 0;
    for (int i = 0; i < argc; i++)
        stdin_users += strcmp(argv[i], "-") == 0;
    if (stdin_users > 1)
        return cli_usage_error("standard input (-) can be read only once");
    if (o->qr.count > 0 || o->qr_list != NULL)
        return argc > 0 ? cli_usage_error("give either --qr IMAGE (or --qr-list) or tokens, not both")
                        : CLI_EXIT_OK;
    if (argc == 0) {
        static const char *const standard_input[] = {"-"};
        if (cli_token_argument(argc, argv, 0) == NULL)
            return CLI_EXIT_USAGE;
        o->inputs = standard_input;
        o->input_count = 1;
    } else {
        o->inputs = (const char *const *)argv;
        o->input_count = (size_t)argc;
    }
    return CLI_EXIT_OK;
}

/* "certseal: verify: LABEL: warning: ..." lines on stderr. */
static void print_warnings(FILE *f, const cs_verify_result *r, const char *label)
{
    static const cs_verify_warning all[] = {CS_WARNING_STATUS_NOT_CHECKED,
                                            CS_WARNING_STATUS_AS_OF, CS_WARNING_TRUST_LIST_STALE};
    char text[CS_VERIFY_WARNING_SIZE], where[CLI_ESCAPED_SIZE(512)];

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        cs_verify_warning_text(r, all[i], text, sizeof(text));
        if (text[0] != '\0')
            fprintf(f, "certseal: verify: %s: warning: %s\n",
                    cli_escape(label, where, sizeof(where)), text);
    }
}

/* ---- one result ----------------------------------------------------------- */

/* What the results of a run add up to (the batch's ctx). */
typedef struct verify_run {
    const verify_options *o;
    int worst;
    uint64_t counts[CS_VERDICT_COUNT];
    uint64_t total, errors;
    cs_report_batch_t *report;
    bool report_failed;
    bool output_failed;
    /* --receipt: each result recorded where it is rendered (with the
     * whole result), under the lock; one job, so in input order. */
    cs_receipt *receipt;
    pthread_mutex_t *receipt_lock;
    bool *receipt_failed;
} verify_run;

/* The name of an entry in messages: the file alone for a file of one
 * token, else "FILE, line N" (or "IMAGE, QR code N"). */
static void entry_label(const cs_report_position *pos, char *buf, size_t size)
{
    if (pos->found_in != NULL && pos->page > 0)
        snprintf(buf, size, "%s, page %u (%s)", pos->file, pos->page, pos->found_in);
    else if (pos->found_in != NULL)
        snprintf(buf, size, "%s (%s)", pos->file, pos->found_in);
    else if (pos->code > 0)
        snprintf(buf, size, "%s, QR code %u", pos->file, pos->code);
    else if (pos->line > 0)
        snprintf(buf, size, "%s, line %llu", pos->file, (unsigned long long)pos->line);
    else
        snprintf(buf, size, "%s", pos->file);
}

/* "certseal: verify: MESSAGE" on f, the message escaped as cli_error()
 * escapes it. */
static void render_error(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void render_error(FILE *f, const char *fmt, ...)
{
    char line[2048], *escaped = NULL;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (cs_text_escape_alloc(line, &escaped) == CS_OK)
        fprintf(f, "certseal: verify: %s\n", escaped);
    else
        fputs("certseal: verify: out of memory\n", f);
    free(escaped);
}

/* The line on stderr for a verdict other than VALID. */
static void print_failure(FILE *f, const verify_options *o, const cs_verify_result *result,
                          const char *label)
{
    const char *hint = cs_report_operator_hint(result->verdict);

    if (result->verdict == CS_VERDICT_STATUS_UNKNOWN && result->err == CS_ERR_STATUS_UNKNOWN &&
        strcmp(cs_verify_status_summary(result, result->failed), "unknown") == 0)
        hint = "pass --fetch, or --status FILE with the published list; "
               "--status-optional accepts it unchecked";
    /* With a trust list the reason says it all: no key to add. */
    if (result->failed == CS_CHECK_AB_LISTED || result->failed == CS_CHECK_AB_RECOGNISED ||
        (result->failed == CS_CHECK_AC_TRUSTED && o->verifier.trust_lists.count > 0))
        hint = NULL;
    render_error(f, "%s: %s: %s%s%s%s", label, cs_verdict_name(result->verdict),
                 result->checks[result->failed].detail, hint != NULL ? " (" : "",
                 hint != NULL ? hint : "", hint != NULL ? ")" : "");
}

/* An entry that held no token, as a MALFORMED result of its own (the
 * decode check failing with the reader's words). */
static void input_error_result(const cs_verify_batch_item *item, cs_verify_result *r)
{
    memset(r, 0, sizeof(*r));
    r->verdict = CS_VERDICT_MALFORMED;
    r->err = item->input_err;
    r->form = CS_FORM_UNKNOWN;
    r->verified_at = time(NULL);
    r->failed = CS_CHECK_DECODE;
    for (int id = 0; id < CS_CHECK_COUNT; id++)
        r->checks[id].state = CS_CHECK_NOT_RUN;
    r->checks[CS_CHECK_DECODE].state = CS_CHECK_FAIL;
    r->checks[CS_CHECK_DECODE].err = item->input_err;
    snprintf(r->checks[CS_CHECK_DECODE].detail, sizeof(r->checks[CS_CHECK_DECODE].detail), "%s",
             item->input_detail);
}

/* What an entry shows, made on the thread that verified it
 * (cs_verify_batch_render_fn): the text or JSON line on out, the failure
 * and warning lines on err.  Reads only the options. */
static void render_result(void *ctx, const cs_verify_batch_item *item, FILE *out, FILE *err)
{
    const verify_run *run = ctx;
    const verify_options *o = run->o;
    cs_verify_result own;
    const cs_verify_result *result = item->result;
    char label[700], *text = NULL;

    entry_label(&item->position, label, sizeof(label));
    if (item->verify_err != CS_OK) {
        render_error(err, "%s: cannot verify: %s", label, cs_strerror(item->verify_err));
        return;
    }
    if (item->input_err != CS_OK) {
        input_error_result(item, &own);
        result = &own;
    } else if (run->receipt != NULL) {
        pthread_mutex_lock(run->receipt_lock);
        if (cs_receipt_add_result(run->receipt, label, item->token, item->token_len, result) !=
            CS_OK)
            *run->receipt_failed = true;
        pthread_mutex_unlock(run->receipt_lock);
    }
    if (o->json) {
        if (cs_report_verify_json_write(result, &item->position, out) == CS_OK)
            putc('\n', out);
    } else if (cs_report_verify_text(result, label, cli_use_colour() ? CS_REPORT_COLOUR : 0,
                                     &text) == CS_OK) {
        if (item->position.found_in != NULL) { /* where in the PDF, on a line of its own */
            char where[CLI_ESCAPED_SIZE(700)];
            fprintf(out, "%s:\n", cli_escape(label, where, sizeof(where)));
        }
        fputs(text, out);
        free(text);
    }
    if (result->verdict != CS_VERDICT_VALID)
        print_failure(err, o, result, label);
    print_warnings(err, result, label);
}

/* Each entry, in input order (cs_verify_batch_fn): what render_result()
 * made goes out, the counts and the report take it in. */
static void on_result(void *ctx, const cs_verify_batch_item *item)
{
    verify_run *run = ctx;
    cs_verdict verdict;

    if (item->out_len == 0 && item->verify_err == CS_OK)
        run->output_failed = true; /* nothing rendered: out of memory */
    if (item->out_len > 0 && fwrite(item->out, 1, item->out_len, stdout) != item->out_len)
        run->output_failed = true;
    if (item->err_len > 0) {
        fflush(stdout); /* the lines of one entry together on a terminal */
        fwrite(item->err, 1, item->err_len, stderr);
    }
    run->total++;
    if (item->verify_err != CS_OK) {
        run->worst = cli_exit_worse(run->worst, CLI_EXIT_FAILURE);
        run->errors++;
        return;
    }
    verdict = item->input_err != CS_OK ? CS_VERDICT_MALFORMED : item->result->verdict;
    run->worst = cli_exit_worse(run->worst, cli_exit_for_verdict(verdict));
    run->counts[verdict]++;
    if (run->report != NULL && !run->report_failed &&
        cs_report_batch_add(run->report, &item->position,
                            item->input_err != CS_OK ? NULL : item->result,
                            item->input_detail) != CS_OK)
        run->report_failed = true;
}

/* ---- the inputs --------------------------------------------------------------- */

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

static bool is_token_argument(const char *argument)
{
    return strncmp(argument, CS_OFFLINE_PREFIX, strlen(CS_OFFLINE_PREFIX)) == 0 ||
           strncasecmp(argument, "https://", 8) == 0 || strncasecmp(argument, "http://", 7) == 0;
}

/* One entry read ahead: an entry's position says "line N" only when its
 * file holds more than one. */
typedef struct entry {
    uint8_t *token;
    size_t len, cap;
    uint64_t line;
    cs_err err;
    char detail[CS_DETAIL_SIZE];
} entry;

static bool entry_keep(entry *e, const uint8_t *token, size_t len, uint64_t line, cs_err err,
                       const char *detail)
{
    if (len > e->cap) {
        uint8_t *p = realloc(e->token, len);
        if (p == NULL)
            return false;
        e->token = p;
        e->cap = len;
    }
    if (len > 0)
        memcpy(e->token, token, len);
    e->len = len;
    e->line = line;
    e->err = err;
    snprintf(e->detail, sizeof(e->detail), "%s", detail);
    return true;
}


/* One verifier, configured from the options, with its status history. */
typedef struct job {
    cs_verifier_t *verifier;
    cs_status_history_t *history;
} job;

static void job_stop(job *j)
{
    cs_verifier_free(&j->verifier);
    cs_status_history_free(&j->history);
}

static size_t job_count(const verify_options *o)
{
    long n;
    if (o->receipt != NULL)
        return 1; /* the receipt lists the results in input order */
    if (o->jobs > 0)
        return (size_t)o->jobs;
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > CS_VERIFY_BATCH_JOBS_MAX ? CS_VERIFY_BATCH_JOBS_MAX : (size_t)n;
}

/* Where entries go: the batch, started at the second entry, so that one
 * token costs one verifier (a verifier loads the status list files given:
 * each job has its own).  What a run fetches or verifies once is shared
 * read-only by every job: the trust lists (loaded with the first job) and,
 * with --fetch, one fetcher that asks for each list once. */
typedef struct sink {
    const verify_options *o;
    const cs_trust_t *trust;
    verify_run *state;
    cli_trust_lists lists;
    cs_fetch_shared_t *fetch;
    job *jobs;
    cs_verifier_t **verifiers;
    size_t count, started;
    cs_verify_batch_t *batch;
    bool holding; /* the first entry, not yet submitted */
    entry first;
    cs_report_position first_pos;
} sink;

/* The run's shared fetcher (with its cache unless --no-cache), from the
 * services plugin, made for the first job and reused by the others. */
static cs_err make_shared_fetcher(void *ctx, const cs_fetch_options *options, void **source_ctx)
{
    sink *s = ctx;
    cs_err err;

    if (s->fetch == NULL && (err = cli_service_verify()->shared_new(options, &s->fetch)) != CS_OK)
        return err;
    *source_ctx = s->fetch;
    return CS_OK;
}

/* --fetch: the shared fetcher becomes the job's status source.  Reports
 * and returns false on failure. */
static bool start_fetching(sink *s, job *j)
{
    const cli_services_verify *services = cli_service_verify();

    return services != NULL && cli_fetch_start(&s->o->verifier, j->verifier, make_shared_fetcher,
                                               s, services->shared_source, &j->history);
}

/* Job number index of the sink: its verifier, the trust lists (loaded by
 * the first job, borrowed by the others) and the fetcher. */
static bool job_start(sink *s, size_t index)
{
    job *j = &s->jobs[index];

    if (cs_verifier_new(s->trust, &j->verifier) != CS_OK) {
        cli_error("out of memory");
        return false;
    }
    if (!cli_verifier_configure(j->verifier, &s->o->verifier))
        return false;
    if (index == 0 ? !cli_load_trust_lists(j->verifier, &s->o->verifier, &s->lists)
                   : !cli_trust_lists_add(j->verifier, &s->lists))
        return false;
    return !s->o->verifier.fetch || start_fetching(s, j);
}

static cs_err sink_start(sink *s, size_t jobs)
{
    for (; s->started < jobs; s->started++) {
        if (!job_start(s, s->started)) {
            s->started++;
            return CS_ERR_ARGUMENT; /* reported */
        }
        s->verifiers[s->started] = s->jobs[s->started].verifier;
    }
    if (cs_verify_batch_new(s->verifiers, jobs, render_result, on_result, s->state, &s->batch) != CS_OK) {
        cli_error("cannot start %zu verifying threads (try a smaller --jobs)", jobs);
        return CS_ERR_NO_MEMORY;
    }
    if (s->holding) {
        s->holding = false;
        return s->first.err != CS_OK
                   ? cs_verify_batch_submit_error(s->batch, s->first.err, s->first.detail,
                                                  &s->first_pos)
                   : cs_verify_batch_submit(s->batch, s->first.token, s->first.len,
                                            &s->first_pos);
    }
    return CS_OK;
}

/* Submits an entry: a token, or input_err with detail for one that held
 * none.  Errors: those of the batch; CS_ERR_ARGUMENT when a job could not
 * start (reported). */
static cs_err sink_submit(sink *s, const uint8_t *token, size_t len, cs_err input_err,
                          const char *detail, const cs_report_position *pos)
{
    cs_err err;

    if (s->batch == NULL && !s->holding) {
        if (!entry_keep(&s->first, token, len, pos->line, input_err, detail != NULL ? detail : ""))
            return CS_ERR_NO_MEMORY;
        s->first_pos = *pos;
        s->holding = true;
        return CS_OK;
    }
    if (s->batch == NULL && (err = sink_start(s, s->count)) != CS_OK)
        return err;
    return input_err != CS_OK ? cs_verify_batch_submit_error(s->batch, input_err, detail, pos)
                              : cs_verify_batch_submit(s->batch, token, len, pos);
}

/* Delivers everything submitted; false when a job could not start. */
static bool sink_finish(sink *s)
{
    if (s->batch == NULL && s->holding && sink_start(s, 1) != CS_OK)
        return false;
    if (s->batch != NULL)
        cs_verify_batch_finish(s->batch);
    return true;
}

static void sink_free(sink *s)
{
    cs_verify_batch_free(&s->batch);
    for (size_t i = 0; i < s->started; i++)
        job_stop(&s->jobs[i]);
    cli_trust_lists_clear(&s->lists);
    if (s->fetch != NULL) /* made by the services plugin, which is loaded */
        cli_service_verify()->shared_free(&s->fetch);
    free(s->jobs);
    free(s->verifiers);
    free(s->first.token);
}

static cs_err submit_entry(sink *batch, const entry *e, const cs_report_position *pos)
{
    return sink_submit(batch, e->token, e->len, e->err, e->detail, pos);
}

/* Every token of one file or stream (cs_token_reader_next()), submitted in
 * order; returns the exit status of what went wrong reading it. */
static int verify_stream(sink *batch, const verify_options *o, FILE *in,
                         const char *name, const char *label)
{
    cs_token_reader_t *reader = NULL;
    entry held = {0};
    bool holding = false, more = false;
    size_t count = 0;
    char detail[CS_DETAIL_SIZE], where[CLI_ESCAPED_SIZE(512)];
    int status = CLI_EXIT_OK;
    cs_err err;

    cli_escape(label, where, sizeof(where));
    if (cs_token_reader_new(in, name, (cs_token_format)o->token_format, &reader) != CS_OK) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    for (;;) {
        const uint8_t *token;
        size_t len;
        uint64_t line;
        err = cs_token_reader_next(reader, &token, &len, &line, detail, sizeof(detail));
        if (cs_token_reader_fatal(err) || (err == CS_OK && token == NULL))
            break;
        /* A file that does not start with a token is the wrong file: say so
         * once, not once per line. */
        if (count == 0 && cs_token_reader_format(reader) != CS_TOKEN_FORMAT_COSE &&
            (err == CS_ERR_BATCH_ENTRY || (err == CS_OK && !looks_like_token(token, len)))) {
            const uint8_t *next;
            size_t next_len;
            uint64_t next_line;
            cs_err next_err;
            if (!entry_keep(&held, token, len, line, err, detail)) { /* token is borrowed */
                cli_error("out of memory");
                status = CLI_EXIT_FAILURE;
                goto done;
            }
            next_err = cs_token_reader_next(reader, &next, &next_len, &next_line, detail,
                                            sizeof(detail));
            if (next_err != CS_OK || next != NULL) {
                cli_error("%s: not a certseal token (expected CS1:..., an https:// link or COSE "
                          "bytes, one per line; or JSON Lines or CSV with a token column); is it "
                          "the right file?",
                          where);
                status = CLI_EXIT_MALFORMED;
                goto done;
            }
            /* one line: verified, and its verdict says what is wrong */
            err = CS_OK;
            holding = true;
            count++;
            break;
        }
        if (holding) {
            cs_report_position pos = {.file = label, .line = held.line};
            more = true;
            if (submit_entry(batch, &held, &pos) != CS_OK) {
                cli_error("out of memory");
                status = CLI_EXIT_FAILURE;
                goto done;
            }
        }
        if (!entry_keep(&held, token, len, line, err, detail)) {
            cli_error("out of memory");
            status = CLI_EXIT_FAILURE;
            goto done;
        }
        holding = true;
        count++;
    }
    if (holding) {
        /* A file of one token is named alone, as it always was; an entry of
         * JSON Lines or CSV always has its line. */
        bool structured = cs_token_reader_format(reader) == CS_TOKEN_FORMAT_JSONL ||
                          cs_token_reader_format(reader) == CS_TOKEN_FORMAT_CSV;
        cs_report_position pos = {.file = label, .line = more || structured ? held.line : 0};
        if (submit_entry(batch, &held, &pos) != CS_OK) {
            cli_error("out of memory");
            status = CLI_EXIT_FAILURE;
            goto done;
        }
    }
    if (cs_token_reader_fatal(err)) {
        if (err == CS_ERR_IO_READ)
            cli_error("%s: cannot read: %s", where, strerror(errno));
        else if (err == CS_ERR_TOO_LARGE)
            cli_error("%s: larger than %d bytes; is it the right file?", where, CS_TOKEN_TEXT_MAX);
        else
            cli_error("%s: %s (give a CSV file whose header row names a token column, or "
                      "--format)",
                      where, detail[0] != '\0' ? detail : cs_strerror(err));
        status = err == CS_ERR_IO_READ || err == CS_ERR_NO_MEMORY ? CLI_EXIT_FAILURE
                                                                   : CLI_EXIT_MALFORMED;
    } else if (count == 0) {
        cli_error("%s: holds no token", where);
        status = CLI_EXIT_MALFORMED;
    }
done:
    free(held.token);
    cs_token_reader_free(&reader);
    return status;
}

/* One argument: a token itself, a file, or - for standard input. */
static int verify_argument(sink *batch, const verify_options *o,
                           const char *argument)
{
    FILE *in;
    int status;

    if (is_token_argument(argument)) {
        cs_report_position pos = {.file = "token"};
        if (sink_submit(batch, (const uint8_t *)argument, strlen(argument), CS_OK, NULL, &pos) !=
            CS_OK) {
            cli_error("out of memory");
            return CLI_EXIT_FAILURE;
        }
        return CLI_EXIT_OK;
    }
    if (strcmp(argument, "-") == 0)
        return verify_stream(batch, o, stdin, NULL, "standard input");
    if ((in = fopen(argument, "rb")) == NULL) {
        char where[CLI_ESCAPED_SIZE(512)];
        cli_error("%s: cannot open: %s", cli_escape(argument, where, sizeof(where)),
                  strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    status = verify_stream(batch, o, in, argument, argument);
    fclose(in);
    return status;
}

/* --qr: submits the token of every QR code in the image that holds one;
 * other codes on the page (a web address, say) are passed over. */
static int verify_qr(sink *batch, const char *path)
{
    const cli_services_verify *services = cli_service_verify(); /* the scanner */
    cs_scan_result codes = {0};
    size_t tokens = 0, found = 0;
    int worst;

    if (services == NULL)
        return CLI_EXIT_FAILURE;
    worst = services->scan_image(path, &codes);
    for (size_t i = 0; i < codes.count; i++)
        found += looks_like_token((const uint8_t *)codes.symbols[i].text, codes.symbols[i].len);
    for (size_t i = 0; i < codes.count; i++) {
        const cs_scan_symbol *s = &codes.symbols[i];
        cs_report_position pos = {.file = path, .code = found > 1 ? (unsigned)(i + 1) : 0};
        if (s->origin != CS_SCAN_ORIGIN_IMAGE) { /* a PDF: its page says where */
            pos.code = 0;
            pos.page = s->page;
            pos.found_in = s->origin == CS_SCAN_ORIGIN_PDF_ATTACHMENT ? "attachment"
                           : s->origin == CS_SCAN_ORIGIN_PDF_IMAGE    ? "embedded image"
                                                                      : "rendered page";
        }
        if (!looks_like_token((const uint8_t *)codes.symbols[i].text, codes.symbols[i].len))
            continue;
        tokens++;
        if (sink_submit(batch, (const uint8_t *)codes.symbols[i].text, codes.symbols[i].len,
                        CS_OK, NULL, &pos) != CS_OK) {
            cli_error("out of memory");
            worst = CLI_EXIT_FAILURE;
            break;
        }
    }
    if (worst == CLI_EXIT_OK && tokens == 0) {
        cli_error("%s: none of its %zu QR code(s) holds a certseal token", path, codes.count);
        worst = CLI_EXIT_MALFORMED;
    }
    services->scan_result_clear(&codes);
    return worst;
}

/* --qr-list FILE: one image path per line (blank lines skipped).  The
 * paths are kept until the end: results name them after the line is gone. */
static int verify_qr_list(sink *batch, const char *list, char ***paths,
                          size_t *count)
{
    FILE *in = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    char *line = NULL, where[CLI_ESCAPED_SIZE(512)];
    size_t cap = 0, allocated = 0;
    ssize_t n;
    int worst = CLI_EXIT_OK;

    cli_escape(list, where, sizeof(where));
    if (in == NULL) {
        cli_error("%s: cannot open: %s", where, strerror(errno));
        return CLI_EXIT_FAILURE;
    }
    while ((n = getline(&line, &cap, in)) >= 0) {
        char *p = line, *copy;
        while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' '))
            p[--n] = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            continue;
        if (*count == allocated) {
            size_t more = allocated > 0 ? 2 * allocated : 64;
            char **grown = realloc(*paths, more * sizeof(**paths));
            if (grown == NULL)
                break;
            *paths = grown;
            allocated = more;
        }
        if ((copy = strdup(p)) == NULL)
            break;
        (*paths)[(*count)++] = copy;
        worst = cli_exit_worse(worst, verify_qr(batch, copy));
    }
    if (ferror(in) || !feof(in)) {
        cli_error("%s: cannot read: %s", where, errno != 0 ? strerror(errno) : "out of memory");
        worst = cli_exit_worse(worst, CLI_EXIT_FAILURE);
    }
    free(line);
    if (in != stdin)
        fclose(in);
    return worst;
}

/* ---- the receipt, the report and the summary ------------------------------------------ */

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

/* "2000 verified: 1990 VALID, 7 SUSPENDED, ..." on stderr. */
static void print_summary(const verify_run *run)
{
    bool first = true;

    fprintf(stderr, "certseal: verify: %llu verified:", (unsigned long long)run->total);
    for (int v = 0; v < CS_VERDICT_COUNT; v++)
        if (run->counts[v] > 0) {
            fprintf(stderr, "%s %llu %s", first ? "" : ",", (unsigned long long)run->counts[v],
                    cs_verdict_name((cs_verdict)v));
            first = false;
        }
    if (run->errors > 0)
        fprintf(stderr, "%s %llu could not be verified", first ? "" : ",",
                (unsigned long long)run->errors);
    fputc('\n', stderr);
}

static cs_err put_report(void *ctx, FILE *f)
{
    const verify_run *run = ctx;
    return cs_report_batch_write(run->report, time(NULL), f);
}

/* The report written whole or not at all (cs_file_write_atomic_with()),
 * over an existing one with --force.  Reports and returns false on
 * failure. */
static bool write_report(const verify_run *run, const char *path, bool force)
{
    unsigned flags = force ? CS_FILE_REPLACE : 0;
    cs_err err = cs_file_write_atomic_with(path, put_report, (void *)run, 0644, flags);

    if (err != CS_OK)
        cli_report_write_error(path, err, flags, errno);
    return err == CS_OK;
}

static int run(void *options, int argc, char **argv)
{
    const verify_options *o = options;
    cs_trust_t *trust = NULL;
    verify_run state = {.o = o};
    sink out = {.o = o, .state = &state, .count = job_count(o)};
    char **qr_paths = NULL;
    size_t qr_count = 0;
    int status = CLI_EXIT_FAILURE, reading = CLI_EXIT_OK;
    cs_receipt receipt = {0};
    cs_key_t *receipt_key = NULL;
    pthread_mutex_t receipt_lock = PTHREAD_MUTEX_INITIALIZER;
    bool receipt_failed = false;
    int64_t started = (int64_t)time(NULL);

    (void)argc, (void)argv;
    if (o->receipt_key != NULL) {
        if (!cli_load_private_key(o->receipt_key, &o->passphrase, &receipt_key))
            goto fail;
        state.receipt = &receipt;
        state.receipt_lock = &receipt_lock;
        state.receipt_failed = &receipt_failed;
    }
    if (o->report != NULL && !o->force && access(o->report, F_OK) == 0) {
        char where[CLI_ESCAPED_SIZE(512)];
        cli_error("%s: already exists; choose another name or add --force to replace it",
                  cli_escape(o->report, where, sizeof(where)));
        goto fail;
    }
    if (!cli_load_trust(o->verifier.trust.items, o->verifier.trust.count, &trust))
        goto fail;
    out.trust = trust;
    out.jobs = calloc(out.count, sizeof(*out.jobs));
    out.verifiers = calloc(out.count, sizeof(*out.verifiers));
    if (out.jobs == NULL || out.verifiers == NULL) {
        cli_error("out of memory");
        goto fail;
    }
    /* The first verifier now, so that a bad option is reported before
     * anything is read; the others once a second token comes. */
    out.started = 1;
    if (!job_start(&out, 0))
        goto fail;
    out.verifiers[0] = out.jobs[0].verifier;
    if (o->report != NULL &&
        cs_report_batch_new((cs_report_batch_kind)cs_report_batch_kind_for(o->report),
                            &state.report) != CS_OK) {
        cli_error("%s: cannot make a temporary file for the report", o->report);
        goto fail;
    }
    for (size_t i = 0; i < o->qr.count; i++)
        reading = cli_exit_worse(reading, verify_qr(&out, o->qr.items[i]));
    if (o->qr_list != NULL)
        reading = cli_exit_worse(reading, verify_qr_list(&out, o->qr_list, &qr_paths, &qr_count));
    for (size_t i = 0; i < o->input_count; i++)
        reading = cli_exit_worse(reading, verify_argument(&out, o, o->inputs[i]));
    if (!sink_finish(&out))
        reading = cli_exit_worse(reading, CLI_EXIT_FAILURE);
    status = cli_exit_worse(state.worst, reading);
    if (fflush(stdout) != 0 || ferror(stdout) || state.output_failed) {
        cli_error("standard output: cannot write: %s", strerror(errno));
        status = cli_exit_worse(status, CLI_EXIT_FAILURE);
    }
    if (state.total > 1)
        print_summary(&state);
    if (receipt_key != NULL && status != CLI_EXIT_USAGE &&
        (receipt_failed ||
         !write_receipt(o, &receipt, trust, &out.lists, out.verifiers[0], receipt_key,
                        started))) {
        if (receipt_failed)
            cli_error("%s: cannot record the results in the receipt", o->receipt);
        status = cli_exit_worse(status, CLI_EXIT_FAILURE);
    }
    if (state.report != NULL && (state.report_failed || !write_report(&state, o->report, o->force))) {
        if (state.report_failed)
            cli_error("%s: cannot write the report's rows", o->report);
        status = cli_exit_worse(status, CLI_EXIT_FAILURE);
    }
fail:
    sink_free(&out);
    for (size_t i = 0; i < qr_count; i++)
        free(qr_paths[i]);
    free(qr_paths);
    cs_report_batch_free(&state.report);
    cs_receipt_clear(&receipt);
    cs_key_free(&receipt_key);
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
    .args_max = CLI_ARGS_ANY,
    .args_help = "give tokens, files (lines of tokens, JSON Lines or CSV) or - ",
    .check = check,
    .run = run,
};
