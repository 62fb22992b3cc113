/* SPDX-License-Identifier: ISC */
/* certseal issue --registry DB --batch FILE: every record validated (and
 * checked against the accreditation and the numbers the registry holds)
 * before the first is issued; then issued in chunks, each one
 * transaction, with a progress bar over every phase on a terminal.  The
 * tokens (--out, JSON Lines) and QR codes (--qr-dir) are written at the
 * end from what the registry recorded for every number of the batch, so
 * that running an interrupted batch again completes both the registry and
 * the outputs; the QR files of each chunk by a pool of threads
 * (cli_pool.h), since each is drawn and synced on its own. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_issue.h"
#include "cli_pool.h"
#include "cli_progress.h"

/* Outputs are written this many certificates at a time: the QR files of a
 * chunk in parallel, with no more of the batch's tokens held than that. */
#define OUTPUT_CHUNK 256

typedef struct batch_run {
    const issue_options *o;
    size_t issued_now; /* not counting numbers already recorded */
    size_t committed;  /* certificates of the batch recorded by now, this run or before */
    cli_progress progress;
} batch_run;

static const char *batch_name(const issue_options *o)
{
    return strcmp(o->batch, "-") == 0 ? "standard input" : o->batch;
}

static void on_issued(void *ctx, size_t input_index, const char *number, const char *token,
                      size_t token_len)
{
    batch_run *run = ctx;
    (void)input_index, (void)number, (void)token, (void)token_len;
    run->issued_now++;
}

static void on_progress(void *ctx, size_t done, size_t count)
{
    batch_run *run = ctx;
    (void)count;
    run->committed = done;
    cli_progress_update(&run->progress, done);
}

/* One line per bad record, then the verdict. */
static void report_problems(const issue_options *o, const cs_batch *batch)
{
    size_t bad_lines = 0, last = (size_t)-1;
    for (size_t i = 0; i < batch->problem_count; i++) {
        const cs_batch_problem *p = &batch->problems[i];
        if (p->line != last)
            bad_lines++;
        last = p->line;
        if (p->line != 0)
            cli_error("%s: line %zu: %s: %s", batch_name(o), p->line, p->field, p->message);
        else
            cli_error("%s: %s: %s", batch_name(o), p->field, p->message);
    }
    if (batch->problems_omitted > 0)
        cli_error("%s: %zu more problems not shown", batch_name(o), batch->problems_omitted);
    cli_error("%s: the batch is refused: %zu bad line(s) of %zu record(s); nothing was issued "
              "(correct the lines above and run it again)",
              batch_name(o), bad_lines, batch->records_seen);
}

static bool read_batch(const issue_options *o, cs_batch *batch)
{
    uint8_t *data = NULL;
    size_t len = 0;
    cs_batch_options options = {.format = o->batch_format,
                                .ignore_columns = o->ignore_columns.items,
                                .ignore_count = o->ignore_columns.count};
    cs_err err;

    if (!cli_read_input(o->batch, CS_BATCH_SIZE_MAX, &data, &len))
        return false;
    if (options.format == CS_BATCH_AUTO)
        options.format = cs_batch_format_for_path(o->batch);
    err = cs_batch_parse((const char *)data, len, &options, batch);
    free(data);
    if (err == CS_ERR_NO_MEMORY) {
        cli_error("%s: out of memory reading the batch (split it)", batch_name(o));
        return false;
    }
    if (err != CS_OK) {
        report_problems(o, batch);
        return false;
    }
    return true;
}

/* ---- outputs ------------------------------------------------------------------------- */

/* Appends the entry's JSON line (cs_report_issued_json()) to *text. */
static bool append_line(char **text, size_t *len, const cs_registry_entry *entry)
{
    char *line = NULL, *grown;
    size_t n;

    if (cs_report_issued_json(entry, &line) != CS_OK)
        return false;
    n = strlen(line);
    if ((grown = realloc(*text, *len + n + 1)) == NULL) {
        free(line);
        return false;
    }
    memcpy(grown + *len, line, n + 1);
    *text = grown;
    *len += n;
    free(line);
    return true;
}

/* The PNG of number in --qr-dir; NULL (reported) when out of memory. */
static char *qr_path(const issue_options *o, const char *number)
{
    char *path = cli_certificate_path(o->qr_dir, number, "png");
    if (path == NULL)
        cli_error("out of memory");
    return path;
}

/* Before anything is issued: no QR file of the batch may be in the way
 * (an existing file without --force, or anything but a regular file). */
static bool check_qr_targets(const issue_options *o, const cs_batch *batch)
{
    bool ok = true;
    for (size_t i = 0; ok && o->qr_dir != NULL && i < batch->count; i++) {
        char *path = qr_path(o, batch->certs[i].number);
        struct stat st;
        if (path == NULL)
            return false;
        if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
            cli_error("%s: exists and is not a regular file (a link, pipe or device); nothing "
                      "was issued (remove it, or give another --qr-dir)",
                      path);
            ok = false;
        } else if (lstat(path, &st) == 0 && !o->force) {
            cli_error("%s: already exists; nothing was issued (choose another --qr-dir, or add "
                      "--force to replace the QR codes)",
                      path);
            ok = false;
        }
        free(path);
    }
    return ok;
}

/* The QR files of a chunk of the batch, written by a pool of threads (each
 * file is encoded, drawn and synced on its own); the failures are
 * reported afterwards, in input order, by the thread that reports. */
typedef struct qr_chunk {
    const issue_options *o;
    unsigned flags;   /* cs_file_write_atomic()'s */
    size_t count;     /* files in the chunk */
    char *path[OUTPUT_CHUNK];
    char *token[OUTPUT_CHUNK];
    cli_qr_failure failure[OUTPUT_CHUNK];
} qr_chunk;

static bool write_qr(void *ctx, size_t i)
{
    qr_chunk *c = ctx;
    return cli_qr_make_file(c->path[i], c->token[i], &c->o->qr_options, c->flags, NULL,
                            &c->failure[i]);
}

static void qr_chunk_clear(qr_chunk *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->path[i]);
        free(c->token[i]);
        c->path[i] = c->token[i] = NULL;
    }
    c->count = 0;
}

/* Writes the chunk's files; false (each failure reported, with its file's
 * name) when any could not be written. */
static bool write_qr_chunk(qr_chunk *c, cli_progress *progress, size_t done_before)
{
    /* a file not attempted after the first failure stays "done": unreported */
    for (size_t i = 0; i < c->count; i++)
        c->failure[i] = (cli_qr_failure){.stage = CLI_QR_DONE};
    if (cli_pool_run(c->count, cli_pool_default_jobs(), write_qr, c, progress, done_before))
        return true;
    for (size_t i = 0; i < c->count; i++)
        cli_qr_report_failure(c->path[i], c->token[i], &c->o->qr_options, c->flags,
                              &c->failure[i]);
    return false;
}

/* A failure that is not the record's: running the batch again completes it. */
static bool transient(cs_err err)
{
    return err == CS_ERR_REGISTRY_CONNECTION || err == CS_ERR_REGISTRY_CONFLICT ||
           err == CS_ERR_REGISTRY_BUSY;
}

/* Every certificate of the batch as the registry recorded it: its JSON
 * line for --out and, with --qr-dir, its QR file. */
static bool write_outputs(const issue_options *o, cs_registry_t *registry, const cs_batch *batch,
                          cli_progress *progress)
{
    char *text = NULL;
    size_t len = 0, fits = 0, large = 0, longest = 0;
    qr_chunk *qr = NULL;
    bool ok = true;

    if (cs_qr_capacity(CS_QR_VERSION_WARN, o->qr_options.ecc, &fits) != CS_OK)
        fits = SIZE_MAX; /* no warning rather than a wrong one */
    if (o->qr_dir != NULL && (qr = calloc(1, sizeof(*qr))) == NULL) {
        cli_error("out of memory");
        return false;
    }
    if (qr != NULL) {
        qr->o = o;
        qr->flags = CS_FILE_REGULAR | (o->force ? CS_FILE_REPLACE : 0);
    }
    cli_progress_start(progress, o->qr_dir != NULL ? "write tokens, QR" : "write tokens",
                       batch->count);
    for (size_t start = 0; ok && start < batch->count; start += OUTPUT_CHUNK) {
        size_t end = batch->count - start > OUTPUT_CHUNK ? start + OUTPUT_CHUNK : batch->count;
        for (size_t i = start; ok && i < end; i++) {
            cs_registry_entry entry = {0};
            cs_err err = cs_registry_get(registry, batch->certs[i].number, &entry);
            if (qr == NULL)
                cli_progress_update(progress, i);
            if (err != CS_OK) {
                cli_registry_report(batch->certs[i].number, err, NULL);
                ok = false;
            } else if (!append_line(&text, &len, &entry) ||
                       (qr != NULL &&
                        ((qr->path[qr->count] = cli_certificate_path(o->qr_dir, entry.number,
                                                                     "png")) == NULL ||
                         (qr->token[qr->count++] = strdup(entry.token)) == NULL))) {
                cli_error("out of memory");
                ok = false;
            } else if (strlen(entry.token) > fits) {
                large++;
                longest = strlen(entry.token) > longest ? strlen(entry.token) : longest;
            }
            cs_registry_entry_clear(&entry);
        }
        if (ok && qr != NULL)
            ok = write_qr_chunk(qr, progress, start);
        if (qr != NULL)
            qr_chunk_clear(qr);
    }
    if (ok)
        ok = cli_write_output(o->out != NULL ? o->out : "-", text != NULL ? text : "", len, 0644,
                              o->force);
    if (ok) {
        cli_progress_end(progress);
        cli_qr_warn_large_batch(batch_name(o), large, batch->count, longest, o->qr_options.ecc);
    }
    if (qr != NULL)
        qr_chunk_clear(qr);
    free(qr);
    free(text);
    return ok;
}

static bool prepare_outputs(const issue_options *o)
{
    struct stat st;
    if (o->out != NULL && strcmp(o->out, "-") != 0 && !o->force && stat(o->out, &st) == 0 &&
        S_ISREG(st.st_mode)) {
        cli_error("%s: already exists; choose another name or add --force to replace it", o->out);
        return false;
    }
    if (o->qr_dir == NULL)
        return true;
    if (stat(o->qr_dir, &st) != 0 && errno == ENOENT && mkdir(o->qr_dir, 0755) == 0)
        return true;
    if (stat(o->qr_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("%s: not a folder the QR codes can go in (%s)", o->qr_dir,
                  errno != 0 ? strerror(errno) : "not a directory");
        return false;
    }
    return true;
}

/* ---- the batch ------------------------------------------------------------------------ */

static bool check_against_accreditation(const issue_options *o, cs_issuer_t *issuer,
                                        cs_batch *batch)
{
    cs_err err = cs_batch_check_accreditation(batch, cs_issuer_accreditation(issuer));
    if (err == CS_ERR_RECORD)
        report_problems(o, batch);
    else if (err != CS_OK)
        cli_error("%s: %s", batch_name(o), cs_strerror(err));
    return err == CS_OK;
}

static bool issue_all(const issue_options *o, cs_registry_t *registry, cs_issuer_t *issuer,
                      cs_batch *batch, batch_run *run)
{
    size_t failed = 0;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    cli_progress_start(&run->progress, "sign and record", batch->count);
    err = cs_registry_issue_batch(registry, issuer, batch->certs, batch->count, (size_t)o->chunk,
                                  o->form, &o->actor, on_issued, on_progress, run, &failed,
                                  detail, sizeof(detail));
    if (err == CS_OK) {
        cli_progress_end(&run->progress);
        return true;
    }
    run->progress.phase = NULL; /* the bar stops where it was; cli_error() ends its line */
    if (failed < batch->count && run->committed == 0)
        cli_error("%s: line %zu (%s): %s; the batch is refused: nothing was issued (correct the "
                  "line and run it again)",
                  batch_name(o), batch->lines[failed], batch->certs[failed].number,
                  cs_err_detail(detail, err));
    else if (failed < batch->count)
        cli_error("%s: line %zu (%s): %s (the %zu certificates before its chunk are recorded; "
                  "%s the batch again to complete it)",
                  batch_name(o), batch->lines[failed], batch->certs[failed].number,
                  cs_err_detail(detail, err), run->committed,
                  transient(err) ? "run" : "correct it and run");
    else
        cli_registry_report(o->registry, err, detail);
    return false;
}

int cli_issue_batch(const issue_options *o)
{
    cs_registry_t *registry = NULL;
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    cs_batch batch = {0};
    batch_run run = {.o = o};
    int status = CLI_EXIT_FAILURE;

    if (!prepare_outputs(o) ||
        !cli_registry_open(o->registry, CS_REGISTRY_ROLE_CB, "issue certificates", &registry))
        goto fail;
    if (o->form == CS_FORM_LINK && cs_registry_link_base(registry) == NULL) {
        cli_error("%s: the registry has no link base (it was created without --link-base; "
                  "use --form offline)",
                  o->registry);
        goto fail;
    }
    cli_progress_start(&run.progress, "validate", 0);
    if (!read_batch(o, &batch) || !check_qr_targets(o, &batch))
        goto fail;
    cli_progress_end(&run.progress); /* before a passphrase prompt */
    if (!cli_registry_load_key(registry, o->registry, &o->passphrase, &key) ||
        !cli_registry_issuer(registry, o->registry, key, &issuer) ||
        !cli_issue_apply_catalog(o, issuer) || !check_against_accreditation(o, issuer, &batch) ||
        !issue_all(o, registry, issuer, &batch, &run) ||
        !write_outputs(o, registry, &batch, &run.progress))
        goto fail;
    fprintf(stderr, "certseal: issue: %s: %zu certificates: %zu issued now, %zu already recorded\n",
            batch_name(o), batch.count, run.issued_now, batch.count - run.issued_now);
    status = CLI_EXIT_OK;
fail:
    cs_batch_clear(&batch);
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    cs_registry_close(&registry);
    return status;
}
