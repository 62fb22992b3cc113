/* SPDX-License-Identifier: ISC */
/* certseal document: the certificate as a PDF (certseal/document.h), from
 * the registry (--registry DB NUMBER), from a token (a file, -, or the
 * token itself), or for a whole batch (--batch: the JSON Lines `issue
 * --batch` writes, or a folder of token files) into --out-dir.  A batch is
 * read and checked whole before the first file is written; each file is
 * written whole or not at all. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_registry.h"

/* The most tokens one batch takes. */
#define BATCH_MAX 1000000u
#define BATCH_FILE_MAX (512u * 1024u * 1024u)

typedef struct document_command {
    const char *registry;
    const char *batch;
    const char *out;
    const char *out_dir;
    const char *template_path;
    cs_document_paper paper;
    bool force;
    const char *input;
} document_command;

static bool parse_paper(const char *option, const char *value, void *field)
{
    if (cs_document_paper_parse(value, field) == CS_OK)
        return true;
    cli_usage_error("%s: '%s' is not a4 or letter", option, value);
    return false;
}

static const cli_option OPTIONS[] = {
    CLI_OPTION("registry", 0, CLI_PATH, document_command, registry, "DB",
               "the certification body's registry: NUMBER is looked up there"),
    CLI_OPTION("batch", 0, CLI_PATH, document_command, batch, "FILE|DIR",
               "one document per token: the JSON Lines file issue --batch --out wrote,\n"
               "or a folder of token files; with --out-dir"),
    CLI_OPTION("out", 'o', CLI_PATH, document_command, out, "FILE",
               "write the PDF to FILE (- for standard output)"),
    CLI_OPTION("out-dir", 0, CLI_PATH, document_command, out_dir, "DIR",
               "with --batch: write DIR/NUMBER.pdf for each certificate"),
    CLI_OPTION("template", 0, CLI_PATH, document_command, template_path, "FILE",
               "the certification body's template (JSON: logo, colours, signature,\n"
               "wording, paper; docs/document.md); default: certseal's plain one"),
    CLI_OPTION("paper", 0, CLI_CUSTOM, document_command, paper, "a4|letter",
               "the paper size; default: the template's, else a4", .parse = parse_paper),
    CLI_OPTION("force", 'f', CLI_FLAG, document_command, force, NULL,
               "replace existing output files"),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    document_command *c = options;

    if (c->batch != NULL) {
        if (c->out_dir == NULL)
            return cli_usage_error("--batch needs --out-dir DIR (one PDF per certificate)");
        if (c->out != NULL || c->registry != NULL || argc > 0)
            return cli_usage_error("--batch takes its tokens from FILE|DIR: give no --out, "
                                   "--registry or argument with it");
        return CLI_EXIT_OK;
    }
    if (c->out_dir != NULL)
        return cli_usage_error("--out-dir is for --batch; give --out FILE for one document");
    if (c->out == NULL)
        return cli_usage_error("give --out FILE.pdf (or - for standard output)");
    if (c->registry != NULL) {
        if (argc != 1)
            return cli_usage_error("with --registry, give one certificate NUMBER");
        c->input = argv[0];
        return CLI_EXIT_OK;
    }
    c->input = cli_token_argument(argc, argv, 0);
    return c->input != NULL ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* The exit status for a token that cannot make a document. */
static int token_exit(cs_err err)
{
    if (err == CS_ERR_SIGNATURE)
        return CLI_EXIT_INVALID_SIGNATURE;
    if (err == CS_ERR_NO_MEMORY || err == CS_ERR_ARGUMENT)
        return CLI_EXIT_FAILURE;
    return CLI_EXIT_MALFORMED;
}

/* Decodes one token; reports for label. */
static int read_source(const uint8_t *data, size_t len, const char *label,
                       cs_document_source *source)
{
    char detail[CS_DETAIL_SIZE] = "", safe[CLI_ESCAPED_SIZE(CS_DETAIL_SIZE)];
    cs_err err = cs_document_source_read(data, len, source, detail, sizeof(detail));

    if (err == CS_OK)
        return CLI_EXIT_OK;
    cli_error("%s: cannot make a document from this token: %s (give a certificate token as "
              "certseal issue wrote it)",
              label, cli_escape(detail[0] != '\0' ? detail : cs_strerror(err), safe, sizeof(safe)));
    return token_exit(err);
}

static bool load_template(const document_command *c, cs_document_template_t **out)
{
    char detail[CS_DETAIL_SIZE] = "", safe[CLI_ESCAPED_SIZE(CS_DETAIL_SIZE)];
    cs_err err;

    if (c->template_path == NULL)
        err = cs_document_template_default(out);
    else
        err = cs_document_template_load(c->template_path, out, detail, sizeof(detail));
    if (err == CS_OK)
        return true;
    cli_error("%s: not a usable template: %s (docs/document.md describes templates)",
              c->template_path != NULL ? c->template_path : "template",
              cli_escape(detail[0] != '\0' ? detail : cs_strerror(err), safe, sizeof(safe)));
    return false;
}

/* The PDF of source; reports for label. */
static bool render(const cs_document_source *source, const cs_document_template_t *tmpl,
                   cs_document_paper paper, const char *label, uint8_t **pdf, size_t *pdf_len)
{
    char detail[CS_DETAIL_SIZE] = "", safe[CLI_ESCAPED_SIZE(CS_DETAIL_SIZE)];
    cs_err err = cs_document_pdf(source, tmpl, paper, pdf, pdf_len, detail, sizeof(detail));

    if (err == CS_OK)
        return true;
    cli_error("%s: cannot make the document: %s", label,
              cli_escape(detail[0] != '\0' ? detail : cs_strerror(err), safe, sizeof(safe)));
    return false;
}

/* The current token of NUMBER in the registry. */
static int token_from_registry(const document_command *c, uint8_t **data, size_t *len)
{
    cs_registry_t *registry = NULL;
    cs_registry_entry entry = {0};
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    if (!cli_registry_open(c->registry, CS_REGISTRY_ROLE_CB, "make certificate documents",
                           &registry))
        return CLI_EXIT_FAILURE;
    if ((err = cs_registry_get(registry, c->input, &entry)) != CS_OK) {
        cli_registry_report(c->input, err, NULL);
        goto fail;
    }
    if ((*data = (uint8_t *)strdup(entry.token)) == NULL) {
        cli_error("out of memory");
        goto fail;
    }
    *len = strlen(entry.token);
    status = CLI_EXIT_OK;
fail:
    cs_registry_entry_clear(&entry);
    cs_registry_close(&registry);
    return status;
}

static int run_one(document_command *c, const cs_document_template_t *tmpl)
{
    cs_document_source source = {0};
    uint8_t *data = NULL, *pdf = NULL;
    size_t len = 0, pdf_len = 0;
    const char *label = c->input;
    int status;

    if (c->registry != NULL)
        status = token_from_registry(c, &data, &len);
    else
        status = cli_read_token_argument(c->input, &data, &len, &label) ? CLI_EXIT_OK
                                                                        : CLI_EXIT_FAILURE;
    if (status != CLI_EXIT_OK)
        goto fail;
    if ((status = read_source(data, len, label, &source)) != CLI_EXIT_OK)
        goto fail;
    status = CLI_EXIT_FAILURE;
    if (!render(&source, tmpl, c->paper, label, &pdf, &pdf_len) ||
        !cli_write_output(c->out, pdf, pdf_len, 0644, c->force))
        goto fail;
    if (strcmp(c->out, "-") != 0)
        fprintf(stderr, "certseal: document: wrote %s (%zu bytes)\n", c->out, pdf_len);
    status = CLI_EXIT_OK;
fail:
    free(pdf);
    free(data);
    cs_document_source_clear(&source);
    return status;
}

/* ---- batches ------------------------------------------------------------------------- */

typedef struct batch_item {
    cs_document_source source;
    char *label; /* "FILE line N" or the token file */
    char *path;  /* the PDF to write */
} batch_item;

typedef struct batch {
    batch_item *items;
    size_t count, capacity;
} batch;

static void batch_clear(batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        cs_document_source_clear(&b->items[i].source);
        free(b->items[i].label);
        free(b->items[i].path);
    }
    free(b->items);
    memset(b, 0, sizeof(*b));
}

static batch_item *batch_add(batch *b)
{
    if (b->count == b->capacity) {
        size_t capacity = b->capacity > 0 ? b->capacity * 2 : 64;
        batch_item *grown = realloc(b->items, capacity * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        b->items = grown;
        b->capacity = capacity;
    }
    memset(&b->items[b->count], 0, sizeof(b->items[0]));
    return &b->items[b->count++];
}

/* Adds the token data[0..len) of label to the batch; reports. */
static int add_token(batch *b, const document_command *c, const uint8_t *data, size_t len,
                     const char *label, const char *number)
{
    batch_item *item = batch_add(b);
    char safe[CLI_ESCAPED_SIZE(200)];
    int status;

    if (item == NULL || (item->label = strdup(label)) == NULL) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    if ((status = read_source(data, len, label, &item->source)) != CLI_EXIT_OK)
        return status;
    if (number != NULL && strcmp(number, item->source.certificate.number) != 0) {
        cli_error("%s: the line names number %s but its token is certificate %s (the file was "
                  "edited: take it as issue --batch wrote it)",
                  label, cli_escape(number, safe, sizeof(safe)),
                  item->source.certificate.number);
        return CLI_EXIT_MALFORMED;
    }
    if ((item->path = cli_certificate_path(c->out_dir, item->source.certificate.number, "pdf")) == NULL) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

/* The lines {"number", "token"} of issue --batch --out. */
static int read_jsonl(batch *b, const document_command *c, const char *text, size_t len)
{
    char label[600];
    size_t line = 0;

    for (size_t at = 0; at < len;) {
        const char *start = text + at, *end = memchr(start, '\n', len - at);
        size_t n = end != NULL ? (size_t)(end - start) : len - at;
        at += n + 1;
        line++;
        while (n > 0 && (start[n - 1] == '\r' || start[n - 1] == ' ' || start[n - 1] == '\t'))
            n--;
        if (n == 0)
            continue;
        snprintf(label, sizeof(label), "%.500s line %zu", c->batch, line);
        json_error_t error;
        json_t *object = json_loadb(start, n, JSON_REJECT_DUPLICATES, &error);
        json_t *token = json_object_get(object, "token"), *number = json_object_get(object, "number");
        if (!json_is_object(object) || !json_is_string(token) ||
            (number != NULL && !json_is_string(number))) {
            json_decref(object);
            cli_error("%s: not a line of issue --batch --out ({\"number\": ..., \"token\": ...}); "
                      "give the JSON Lines file issue wrote, or a folder of token files",
                      label);
            return CLI_EXIT_MALFORMED;
        }
        if (b->count >= BATCH_MAX) {
            json_decref(object);
            cli_error("%s: more than %u tokens (split the batch)", c->batch, BATCH_MAX);
            return CLI_EXIT_FAILURE;
        }
        int status = add_token(b, c, (const uint8_t *)json_string_value(token),
                               json_string_length(token), label,
                               number != NULL ? json_string_value(number) : NULL);
        json_decref(object);
        if (status != CLI_EXIT_OK)
            return status;
    }
    if (b->count == 0) {
        cli_error("%s: holds no token (give the file issue --batch --out wrote)", c->batch);
        return CLI_EXIT_FAILURE;
    }
    return CLI_EXIT_OK;
}

static int read_folder(batch *b, const document_command *c)
{
    cs_file_list list = {0};
    int status = CLI_EXIT_OK;
    cs_err err;

    if ((err = cs_file_list_folder(c->batch, BATCH_MAX, &list)) != CS_OK) {
        cli_error("%s: cannot list the folder: %s", c->batch, cs_strerror(err));
        return CLI_EXIT_FAILURE;
    }
    for (size_t i = 0; status == CLI_EXIT_OK && i < list.count; i++) {
        uint8_t *data = NULL;
        size_t len = 0;
        if (!cli_read_input(list.paths[i], 64 * 1024, &data, &len))
            status = CLI_EXIT_FAILURE;
        else
            status = add_token(b, c, data, len, list.paths[i], NULL);
        free(data);
    }
    if (status == CLI_EXIT_OK && b->count == 0) {
        cli_error("%s: holds no token file", c->batch);
        status = CLI_EXIT_FAILURE;
    }
    cs_file_list_clear(&list);
    return status;
}

/* Before anything is written: the folder exists, no number comes twice,
 * and no PDF is in the way (without --force). */
static bool check_targets(const batch *b, const document_command *c)
{
    struct stat st;

    if (stat(c->out_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("%s: not a folder (create it first)", c->out_dir);
        return false;
    }
    for (size_t i = 0; i < b->count; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(b->items[i].path, b->items[j].path) == 0) {
                cli_error("%s: certificate %s comes twice (also at %s); nothing was written",
                          b->items[i].label, b->items[i].source.certificate.number,
                          b->items[j].label);
                return false;
            }
        if (lstat(b->items[i].path, &st) == 0 && (!S_ISREG(st.st_mode) || !c->force)) {
            cli_error("%s: already exists%s; nothing was written (%s)", b->items[i].path,
                      S_ISREG(st.st_mode) ? "" : " and is not a regular file",
                      S_ISREG(st.st_mode) ? "add --force to replace it" : "remove it");
            return false;
        }
    }
    return true;
}

static int run_batch(document_command *c, const cs_document_template_t *tmpl)
{
    batch b = {0};
    uint8_t *text = NULL;
    size_t len = 0;
    struct stat st;
    int status;

    if (stat(c->batch, &st) == 0 && S_ISDIR(st.st_mode)) {
        status = read_folder(&b, c);
    } else if (!cli_read_input(c->batch, BATCH_FILE_MAX, &text, &len)) {
        status = CLI_EXIT_FAILURE;
    } else {
        status = read_jsonl(&b, c, (const char *)text, len);
    }
    free(text);
    if (status != CLI_EXIT_OK)
        goto fail;
    status = CLI_EXIT_FAILURE;
    if (!check_targets(&b, c))
        goto fail;
    for (size_t i = 0; i < b.count; i++) {
        uint8_t *pdf = NULL;
        size_t pdf_len = 0;
        bool ok = render(&b.items[i].source, tmpl, c->paper, b.items[i].label, &pdf, &pdf_len) &&
                  cli_write_file(b.items[i].path, pdf, pdf_len, 0644,
                                 CS_FILE_REGULAR | (c->force ? CS_FILE_REPLACE : 0));
        free(pdf);
        if (!ok) {
            if (i > 0)
                cli_error("%zu of %zu documents were written before this one; run the command "
                          "again with --force to write them all",
                          i, b.count);
            goto fail;
        }
    }
    fprintf(stderr, "certseal: document: wrote %zu documents into %s\n", b.count, c->out_dir);
    status = CLI_EXIT_OK;
fail:
    batch_clear(&b);
    return status;
}

static int run(void *options, int argc, char **argv)
{
    document_command *c = options;
    cs_document_template_t *tmpl = NULL;
    int status;

    (void)argc, (void)argv;
    if (!load_template(c, &tmpl))
        return CLI_EXIT_FAILURE;
    status = c->batch != NULL ? run_batch(c, tmpl) : run_one(c, tmpl);
    cs_document_template_free(&tmpl);
    return status;
}

const cli_command cmd_document_entry = {
    .name = "document",
    .summary = "write a certificate as a PDF document with its QR code and token",
    .usage = "[--template FILE] [--paper a4|letter] [--force] --out FILE.pdf TOKEN|FILE|-\n"
             "--registry DB [--template FILE] [--paper a4|letter] [--force] --out FILE.pdf NUMBER\n"
             "--batch FILE.jsonl|DIR --out-dir DIR [--template FILE] [--paper a4|letter] [--force]",
    .description =
        "Writes the certificate document: a PDF with the organisation, its sites and scopes,\n"
        "the standard, the dates, the certification body and its accreditation, how to check\n"
        "the status, and the token three ways: a QR code, its text in small type, and an\n"
        "attached file " CS_DOCUMENT_ATTACHMENT_NAME ". The token's signature is checked with\n"
        "the key of the accreditation credential it carries first.\n",
    .options = OPTIONS,
    .options_size = sizeof(document_command),
    .args_max = 1,
    .args_help = "give one token, file, - or (with --registry) NUMBER",
    .check = check,
    .run = run,
};
