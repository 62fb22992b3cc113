/* SPDX-License-Identifier: ISC */
/* The report of many verifications (certseal/report_batch.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "certseal/date.h"
#include "certseal/report_batch.h"
#include "certseal/text.h"
#include "internal.h"
#include "report_internal.h"

struct cs_report_batch {
    cs_report_batch_kind kind;
    FILE *rows; /* the rows, rendered, until the report is written */
    uint64_t counts[CS_VERDICT_COUNT];
    uint64_t total;
    bool failed;
};

int cs_report_batch_kind_for(const char *path)
{
    const char *dot = path != NULL ? strrchr(path, '.') : NULL;
    if (dot == NULL)
        return -1;
    if (strcasecmp(dot, ".csv") == 0)
        return CS_REPORT_BATCH_CSV;
    if (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0)
        return CS_REPORT_BATCH_HTML;
    return -1;
}

cs_err cs_report_batch_new(cs_report_batch_kind kind, cs_report_batch_t **out)
{
    cs_report_batch_t *r;

    if (out != NULL)
        *out = NULL;
    if (out == NULL || (kind != CS_REPORT_BATCH_CSV && kind != CS_REPORT_BATCH_HTML))
        return CS_ERR_ARGUMENT;
    if ((r = calloc(1, sizeof(*r))) == NULL)
        return CS_ERR_NO_MEMORY;
    r->kind = kind;
    if ((r->rows = tmpfile()) == NULL) {
        free(r);
        return CS_ERR_IO_WRITE;
    }
    *out = r;
    return CS_OK;
}

void cs_report_batch_free(cs_report_batch_t **report)
{
    if (report == NULL || *report == NULL)
        return;
    if ((*report)->rows != NULL)
        fclose((*report)->rows);
    free(*report);
    *report = NULL;
}

/* text made safe for a terminal-free reader first (cs_text_escape()), then
 * quoted for CSV; a leading formula character is defused with '. */
static void put_csv(FILE *f, const char *text)
{
    char safe[CS_REPORT_ESCAPED_SIZE(CS_TEXT_MAX)];
    const char *s = cs_report_escape(text != NULL ? text : "", safe, sizeof(safe));

    putc('"', f);
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
        putc('\'', f);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

/* text as HTML character data (also safe inside a quoted attribute);
 * control and bidirectional characters shown escaped (cs_text_escape()). */
static void put_html(FILE *f, const char *text)
{
    char safe[CS_REPORT_ESCAPED_SIZE(CS_TEXT_MAX)];
    const char *s = cs_report_escape(text != NULL ? text : "", safe, sizeof(safe));

    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: putc(*s, f); break;
        }
    }
}

static void position_text(const cs_report_position *pos, char *buf, size_t size)
{
    const char *file = pos != NULL && pos->file != NULL ? pos->file : "";
    if (pos != NULL && pos->page > 0)
        snprintf(buf, size, "%s, page %u", file, pos->page);
    else if (pos != NULL && pos->line > 0)
        snprintf(buf, size, "%s:%" PRIu64, file, pos->line);
    else if (pos != NULL && pos->code > 0)
        snprintf(buf, size, "%s#%u", file, pos->code);
    else
        snprintf(buf, size, "%s", file);
}

typedef struct row {
    char position[600];
    const char *organisation, *number, *verdict, *reason;
    char standards[CS_TEXT_MAX];
    char history[2 * CS_TEXT_MAX]; /* a transfer's predecessor, a restoration */
    char expires[CS_DATE_TEXT_SIZE];
    cs_verdict v;
} row;

/* "transferred from CB-X, certificate N; restored 2025-03-01", or "". */
static void history_text(const cs_certificate *c, char *buf, size_t size)
{
    char day[CS_DATE_TEXT_SIZE];
    int n = 0;

    buf[0] = '\0';
    if (c->predecessor.certification_body != NULL)
        n = snprintf(buf, size, "transferred from %s, certificate %s",
                     c->predecessor.certification_body, c->predecessor.number);
    if (c->has_restored && n >= 0 && (size_t)n < size) {
        cs_date_format(c->restored, day);
        snprintf(buf + n, size - (size_t)n, "%srestored %s", n > 0 ? "; " : "", day);
    }
}

static void row_of(const cs_report_position *pos, const cs_verify_result *r, const char *reason,
                   row *w)
{
    memset(w, 0, sizeof(*w));
    position_text(pos, w->position, sizeof(w->position));
    w->v = r != NULL ? r->verdict : CS_VERDICT_MALFORMED;
    w->verdict = cs_verdict_name(w->v);
    if (r != NULL && r->has_certificate) {
        w->organisation = r->certificate.organization_name;
        cs_certificate_standards_text(&r->certificate, "; ", w->standards, sizeof(w->standards));
        history_text(&r->certificate, w->history, sizeof(w->history));
        w->number = r->certificate.number;
        cs_date_format(r->certificate.expires - CS_SECONDS_PER_DAY, w->expires);
    }
    if (r != NULL && r->verdict != CS_VERDICT_VALID && r->failed >= 0 &&
        r->failed < CS_CHECK_COUNT)
        w->reason = r->checks[r->failed].detail;
    else if (r == NULL)
        w->reason = reason;
}

cs_err cs_report_batch_add(cs_report_batch_t *report, const cs_report_position *pos,
                           const cs_verify_result *result, const char *reason)
{
    row w;
    FILE *f;

    if (report == NULL || (result != NULL && (result->verdict < 0 ||
                                              result->verdict >= CS_VERDICT_COUNT)))
        return CS_ERR_ARGUMENT;
    row_of(pos, result, reason, &w);
    f = report->rows;
    report->counts[w.v]++;
    report->total++;
    if (report->kind == CS_REPORT_BATCH_CSV) {
        fprintf(f, "%" PRIu64 ",", report->total);
        put_csv(f, w.position), putc(',', f);
        put_csv(f, w.organisation), putc(',', f);
        put_csv(f, w.standards), putc(',', f);
        put_csv(f, w.number), putc(',', f);
        put_csv(f, w.verdict), putc(',', f);
        put_csv(f, w.expires), putc(',', f);
        put_csv(f, w.history), putc(',', f);
        put_csv(f, w.reason);
        fputs("\r\n", f);
    } else {
        fprintf(f, "<tr class=\"%s\"><td>%" PRIu64 "</td><td>",
                w.v == CS_VERDICT_VALID ? "ok" : "bad", report->total);
        put_html(f, w.position), fputs("</td><td>", f);
        put_html(f, w.organisation), fputs("</td><td>", f);
        put_html(f, w.standards), fputs("</td><td>", f);
        put_html(f, w.number), fputs("</td><td class=\"v\">", f);
        put_html(f, w.verdict), fputs("</td><td class=\"d\">", f);
        put_html(f, w.expires), fputs("</td><td>", f);
        put_html(f, w.history), fputs("</td><td>", f);
        put_html(f, w.reason), fputs("</td></tr>\n", f);
    }
    if (ferror(f))
        report->failed = true;
    return report->failed ? CS_ERR_IO_WRITE : CS_OK;
}

static const char HTML_HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>certseal verification report</title>\n<style>\n"
    "body{font-family:system-ui,sans-serif;margin:2em;color:#111}\n"
    "h1{font-size:1.4em}table{border-collapse:collapse;margin:1em 0}\n"
    "th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#eee}td.n{text-align:right}tr.bad td.v{color:#a00;font-weight:bold}\n"
    "tr.ok td.v{color:#070}td.d,td.v{white-space:nowrap}th.n{text-align:right}\n"
    "@media print{body{margin:0}thead{display:table-header-group}tr{break-inside:avoid}}\n"
    "</style></head><body>\n";

static cs_err copy_rows(cs_report_batch_t *report, FILE *out)
{
    char buf[8192];
    size_t n;

    if (fflush(report->rows) != 0 || fseek(report->rows, 0, SEEK_SET) != 0)
        return CS_ERR_IO_READ;
    while ((n = fread(buf, 1, sizeof(buf), report->rows)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            return CS_ERR_IO_WRITE;
    return ferror(report->rows) ? CS_ERR_IO_READ : CS_OK;
}

cs_err cs_report_batch_write(cs_report_batch_t *report, int64_t generated_at, FILE *out)
{
    char when[CS_DATETIME_TEXT_SIZE];
    cs_err err;

    if (report == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if (report->failed)
        return CS_ERR_IO_WRITE;
    cs_date_format_datetime(generated_at, when);
    if (report->kind == CS_REPORT_BATCH_CSV) {
        fprintf(out, "\"verdict\",\"count\"\r\n");
        for (int v = 0; v < CS_VERDICT_COUNT; v++)
            if (report->counts[v] > 0)
                fprintf(out, "\"%s\",%" PRIu64 "\r\n", cs_verdict_name((cs_verdict)v),
                        report->counts[v]);
        fprintf(out, "\"total\",%" PRIu64 "\r\n\r\n", report->total);
        fprintf(out, "\"#\",\"input\",\"organisation\",\"standard\",\"certificate\","
                     "\"verdict\",\"expires\",\"history\",\"reason\"\r\n");
    } else {
        fputs(HTML_HEAD, out);
        fprintf(out, "<h1>Certificate verification report</h1>\n<p>%" PRIu64
                     " certificates verified by certseal on %s.</p>\n",
                report->total, when);
        fputs("<table class=\"summary\"><thead><tr><th>Verdict</th><th>Count</th></tr>"
              "</thead><tbody>\n", out);
        for (int v = 0; v < CS_VERDICT_COUNT; v++)
            if (report->counts[v] > 0)
                fprintf(out, "<tr><td>%s</td><td class=\"n\">%" PRIu64 "</td></tr>\n",
                        cs_verdict_name((cs_verdict)v), report->counts[v]);
        fprintf(out, "<tr><th>total</th><th class=\"n\">%" PRIu64 "</th></tr></tbody></table>\n",
                report->total);
        fputs("<table class=\"rows\"><thead><tr><th>#</th><th>Input</th><th>Organisation</th>"
              "<th>Standard</th><th>Certificate</th><th>Verdict</th><th>Expires</th>"
              "<th>History</th><th>Reason</th></tr></thead><tbody>\n",
              out);
    }
    if ((err = copy_rows(report, out)) != CS_OK)
        return err;
    if (report->kind == CS_REPORT_BATCH_HTML)
        fputs("</tbody></table>\n</body></html>\n", out);
    return ferror(out) ? CS_ERR_IO_WRITE : CS_OK;
}
