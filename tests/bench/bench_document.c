/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_document.c - `make bench`, section: certificate
 * documents (certseal/document.h).
 *
 *   typical  documents per second of the typical record's token (EdDSA):
 *            cs_document_source_read() + cs_document_pdf() (decode, check
 *            the signature, lay out and shape the text, draw the QR code,
 *            attach the token), with its parts timed in the same rounds:
 *            cs_document_pdf() of a source already read, the drawing alone
 *            (cairo's PDF, pkg/document_internal.h) and the attachment
 *            alone (cs_document_attach() on that PDF: qpdf reads and writes
 *            it whole).  The first document, which loads the
 *            font configuration and the fonts, is timed on its own.
 *   batch    BENCH_DOCUMENT_BATCH (default 1,000) documents of distinct
 *            certificates, each read, drawn and written to its own file
 *            (cs_file_write_atomic(), as `certseal document --batch`
 *            does), one thread: documents per second over the whole batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "document_internal.h"

#define BATCH_DEFAULT 1000

typedef struct document_ctx {
    const char *token;
    cs_document_source source;
    uint8_t *pdf; /* drawn without the attachment, for the attach rate */
    size_t pdf_len;
} document_ctx;

static bool op_read_and_draw(void *arg)
{
    document_ctx *c = arg;
    cs_document_source source = {0};
    uint8_t *pdf = NULL;
    size_t len = 0;
    bool ok = cs_document_source_read((const uint8_t *)c->token, strlen(c->token), &source, NULL,
                                      0) == CS_OK &&
              cs_document_pdf(&source, NULL, CS_DOCUMENT_PAPER_A4, &pdf, &len, NULL, 0) == CS_OK;
    free(pdf);
    cs_document_source_clear(&source);
    return ok;
}

static bool op_draw(void *arg)
{
    document_ctx *c = arg;
    uint8_t *pdf = NULL;
    size_t len = 0;
    bool ok = cs_document_pdf(&c->source, NULL, CS_DOCUMENT_PAPER_A4, &pdf, &len, NULL, 0) == CS_OK;
    free(pdf);
    return ok;
}

static bool op_draw_only(void *arg)
{
    document_ctx *c = arg;
    uint8_t *pdf = NULL;
    size_t len = 0;
    bool ok =
        cs_document_draw(&c->source, NULL, CS_DOCUMENT_PAPER_A4, &pdf, &len, NULL, 0) == CS_OK;
    free(pdf);
    return ok;
}

static bool op_attach(void *arg)
{
    document_ctx *c = arg;
    uint8_t *pdf = NULL;
    size_t len = 0;
    bool ok = cs_document_attach(c->pdf, c->pdf_len, "again.txt", (const uint8_t *)c->token,
                                 strlen(c->token), NULL, &pdf, &len, NULL, 0) == CS_OK;
    free(pdf);
    return ok;
}

/* n tokens of distinct certificates: the typical record numbered 1..n. */
static char **batch_tokens(bench_issuer *chain, fixture *typical, size_t n)
{
    char **tokens = calloc(n, sizeof(*tokens));
    char *number = typical->cert.number, renumbered[64];

    if (tokens == NULL)
        bench_fatal("out of memory");
    for (size_t i = 0; i < n; i++) {
        snprintf(renumbered, sizeof(renumbered), "GB-Q-2026-%06zu", i + 1);
        typical->cert.number = renumbered;
        tokens[i] = bench_issue_token(chain, typical, CS_FORM_OFFLINE, NULL);
    }
    typical->cert.number = number;
    return tokens;
}

static void bench_document_batch(bench_issuer *chain, fixture *typical)
{
    const char *env = getenv("BENCH_DOCUMENT_BATCH"), *tmpdir = getenv("TMPDIR");
    size_t n = env != NULL && atoi(env) > 0 ? (size_t)atoi(env) : BATCH_DEFAULT;
    char dir[256], path[320];
    char **tokens = batch_tokens(chain, typical, n);
    size_t bytes = 0;

    snprintf(dir, sizeof(dir), "%s/certseal-bench-XXXXXX",
             tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp");
    if (mkdtemp(dir) == NULL)
        bench_fatal("cannot make a temporary folder under %s", dir);
    double start = bench_now();
    for (size_t i = 0; i < n; i++) {
        cs_document_source source = {0};
        uint8_t *pdf = NULL;
        size_t len = 0;
        snprintf(path, sizeof(path), "%s/%zu.pdf", dir, i);
        if (cs_document_source_read((const uint8_t *)tokens[i], strlen(tokens[i]), &source, NULL,
                                    0) != CS_OK ||
            cs_document_pdf(&source, NULL, CS_DOCUMENT_PAPER_A4, &pdf, &len, NULL, 0) != CS_OK ||
            cs_file_write_atomic(path, pdf, len, 0644, 0) != CS_OK)
            bench_failure("document batch: certificate %zu failed", i + 1);
        bytes += len;
        free(pdf);
        cs_document_source_clear(&source);
    }
    double seconds = bench_now() - start;
    printf("  batch of %zu documents (read, draw, attach, write each file): %.2f s, "
           "%.1f documents/s, %.0f KiB a document\n",
           n, seconds, (double)n / seconds, (double)bytes / (double)n / 1024.0);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%zu.pdf", dir, i);
        unlink(path);
        free(tokens[i]);
    }
    rmdir(dir);
    free(tokens);
}

void bench_document(const char *dir, fixture *fixtures, size_t count)
{
    bench_issuer chain;
    document_ctx c = {0};
    char detail[CS_DETAIL_SIZE];
    uint8_t *pdf = NULL;
    size_t len = 0;

    (void)dir, (void)count;
    printf("\ncertificate documents (PDF: cairo + pango + harfbuzz, Noto fonts, qpdf):\n");
    bench_issuer_init(&chain, CS_ALG_EDDSA);
    char *token = bench_issue_token(&chain, &fixtures[0], CS_FORM_OFFLINE, NULL);
    c.token = token;
    double start = bench_now();
    if (cs_document_source_read((const uint8_t *)token, strlen(token), &c.source, detail,
                                sizeof(detail)) != CS_OK ||
        cs_document_pdf(&c.source, NULL, CS_DOCUMENT_PAPER_A4, &pdf, &len, detail,
                        sizeof(detail)) != CS_OK)
        bench_fatal("document of %s: %s", fixtures[0].file, detail);
    printf("  first document (loads the font configuration and fonts): %.1f ms, %zu bytes\n",
           (bench_now() - start) * 1000, len);
    free(pdf);
    if (cs_document_draw(&c.source, NULL, CS_DOCUMENT_PAPER_A4, &pdf, &len, detail,
                         sizeof(detail)) != CS_OK)
        bench_fatal("drawing %s: %s", fixtures[0].file, detail);
    c.pdf = pdf;
    c.pdf_len = len;
    rate rates[] = {
        {.name = "read + draw + attach", .op = op_read_and_draw, .ctx = &c},
        {.name = "draw + attach", .op = op_draw, .ctx = &c},
        {.name = "draw only (cairo)", .op = op_draw_only, .ctx = &c},
        {.name = "attach only (qpdf)", .op = op_attach, .ctx = &c},
    };
    bench_measure(rates, sizeof(rates) / sizeof(rates[0]));
    for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        printf("  %-24s %8.1f /s  (%.2f ms each)\n", rates[i].name, rates[i].best,
               1000.0 / rates[i].best);
    bench_document_batch(&chain, &fixtures[0]);
    free(pdf);
    free(token);
    cs_document_source_clear(&c.source);
    bench_issuer_free(&chain);
}
