/* SPDX-License-Identifier: ISC */
/*
 * gen_catalog_table CATALOG.json OUT - the built-in standards catalog as C
 * (run by the Makefile; included by pkg/catalog_builtin.c).
 *
 * The JSON is read with the library's own parser, cs_catalog_parse(), so a
 * catalog it refuses fails the build with the parser's message, and the
 * table holds exactly what the parser would have made of it at run time:
 * the same strings, the dates as NumericDates, last_issue filled in from
 * ends when the catalog gives none.  Output: static const arrays, one per
 * list, and `static const cs_catalog CATALOG_BUILTIN`, with the JSON text
 * itself for `certseal catalog show --json`.
 *
 * Exit status 0, or 1 with a message naming the file and the problem.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/catalog.h"

#define PROGRAM "gen_catalog_table"

/* The whole file, NUL-terminated; NULL with a message on failure. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;

    if (f == NULL) {
        fprintf(stderr, PROGRAM ": %s: %s\n", path, strerror(errno));
        return NULL;
    }
    if ((buf = malloc(CS_CATALOG_MAX + 2)) == NULL) {
        fprintf(stderr, PROGRAM ": out of memory\n");
        fclose(f);
        return NULL;
    }
    n = fread(buf, 1, CS_CATALOG_MAX + 1, f);
    if (ferror(f) || n > CS_CATALOG_MAX) {
        fprintf(stderr, PROGRAM ": %s: %s\n", path,
                ferror(f) ? "cannot read it" : "larger than the catalog's limit");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A C string literal of s[0..len): printable ASCII as itself, the rest
 * (UTF-8 bytes, controls, '"', '\\', and '?' against trigraphs) escaped;
 * with split_lines, one literal per line of s. */
static void put_literal_n(FILE *out, const char *s, size_t len, int split_lines)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            fputs(split_lines && i + 1 < len ? "\\n\"\n    \"" : "\\n", out);
        } else if (c == '"' || c == '\\' || c == '?') {
            fprintf(out, "\\%c", c);
        } else if (c >= 0x20 && c < 0x7f) {
            fputc(c, out);
        } else {
            fprintf(out, "\\%03o", c); /* three digits: never runs into the next */
        }
    }
    fputc('"', out);
}

/* A string field: a literal, or NULL. */
static void put_text(FILE *out, const char *s)
{
    if (s == NULL)
        fputs("NULL", out);
    else
        put_literal_n(out, s, strlen(s), 0);
}

static const char *scope_codes_constant(cs_scope_codes codes)
{
    switch (codes) {
    case CS_SCOPE_CODES_IAF:
        return "CS_SCOPE_CODES_IAF";
    case CS_SCOPE_CODES_FOOD_CHAIN:
        return "CS_SCOPE_CODES_FOOD_CHAIN";
    case CS_SCOPE_CODES_NONE:
        return "CS_SCOPE_CODES_NONE";
    }
    return NULL;
}

static void put_sources(FILE *out, const cs_catalog *cat)
{
    fprintf(out, "static const cs_catalog_source CATALOG_SOURCES[%zu] = {\n", cat->source_count);
    for (size_t i = 0; i < cat->source_count; i++) {
        fputs("    {.id = ", out);
        put_text(out, cat->sources[i].id);
        fputs(",\n     .title = ", out);
        put_text(out, cat->sources[i].title);
        fputs(",\n     .url = ", out);
        put_text(out, cat->sources[i].url);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
}

static void put_editions(FILE *out, const cs_catalog_family *f, size_t index)
{
    fprintf(out, "static const cs_catalog_edition CATALOG_F%zu_EDITIONS[%zu] = {\n", index,
            f->edition_count);
    for (size_t e = 0; e < f->edition_count; e++) {
        fputs("    {.designation = ", out);
        put_text(out, f->editions[e].designation);
        fputs(", .published = ", out);
        put_text(out, f->editions[e].published);
        fputs(", .source = ", out);
        put_text(out, f->editions[e].source);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
}

static void put_transitions(FILE *out, const cs_catalog_family *f, size_t index)
{
    if (f->transition_count == 0)
        return;
    for (size_t k = 0; k < f->transition_count; k++) {
        const cs_catalog_transition *t = &f->transitions[k];
        fprintf(out, "static const char *const CATALOG_F%zu_T%zu_SOURCES[%zu] = {", index, k,
                t->source_count);
        for (size_t s = 0; s < t->source_count; s++) {
            fputs(s > 0 ? ", " : "", out);
            put_text(out, t->sources[s]);
        }
        fputs("};\n", out);
    }
    fprintf(out, "\nstatic const cs_catalog_transition CATALOG_F%zu_TRANSITIONS[%zu] = {\n", index,
            f->transition_count);
    for (size_t k = 0; k < f->transition_count; k++) {
        const cs_catalog_transition *t = &f->transitions[k];
        fputs("    {.from = ", out);
        put_text(out, t->from);
        fputs(",\n     .to = ", out);
        put_text(out, t->to);
        fprintf(out,
                ",\n     .starts = INT64_C(%" PRId64 "),\n     .last_issue = INT64_C(%" PRId64
                "),\n     .has_last_issue = %s,\n     .ends = INT64_C(%" PRId64 "),\n",
                t->starts, t->last_issue, t->has_last_issue ? "true" : "false", t->ends);
        fprintf(out, "     .sources = CATALOG_F%zu_T%zu_SOURCES,\n     .source_count = %zu,\n",
                index, k, t->source_count);
        fputs("     .note = ", out);
        put_text(out, t->note);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
}

static void put_families(FILE *out, const cs_catalog *cat)
{
    for (size_t i = 0; i < cat->family_count; i++) {
        put_editions(out, &cat->families[i], i);
        put_transitions(out, &cat->families[i], i);
    }
    fprintf(out, "static const cs_catalog_family CATALOG_FAMILIES[%zu] = {\n", cat->family_count);
    for (size_t i = 0; i < cat->family_count; i++) {
        const cs_catalog_family *f = &cat->families[i];
        fputs("    {.name = ", out);
        put_text(out, f->name);
        fputs(",\n     .title = ", out);
        put_text(out, f->title);
        fputs(",\n     .note = ", out);
        put_text(out, f->note);
        fprintf(out, ",\n     .scope_codes = %s,\n     .scope_codes_source = ",
                scope_codes_constant(f->scope_codes));
        put_text(out, f->scope_codes_source);
        fprintf(out, ",\n     .editions = CATALOG_F%zu_EDITIONS,\n     .edition_count = %zu,\n",
                i, f->edition_count);
        if (f->transition_count > 0)
            fprintf(out, "     .transitions = CATALOG_F%zu_TRANSITIONS,\n", i);
        else
            fputs("     .transitions = NULL,\n", out);
        fprintf(out, "     .transition_count = %zu},\n", f->transition_count);
    }
    fputs("};\n\n", out);
}

static void put_catalog(FILE *out, const char *source, const cs_catalog *cat)
{
    fputs("/* Generated from ", out);
    fputs(source, out);
    fputs(" by pkg/gen/catalog_table.c at build time: do not edit. */\n\n", out);
    fputs("static const char CATALOG_JSON[] =\n    ", out);
    put_literal_n(out, cat->json, cat->json_len, 1);
    fputs(";\n\n", out);
    put_sources(out, cat);
    put_families(out, cat);
    fprintf(out,
            "static const cs_catalog CATALOG_BUILTIN = {\n"
            "    .version = UINT64_C(%" PRIu64 "),\n"
            "    .issued = INT64_C(%" PRId64 "),\n"
            "    .sources = CATALOG_SOURCES,\n"
            "    .source_count = %zu,\n"
            "    .families = CATALOG_FAMILIES,\n"
            "    .family_count = %zu,\n"
            "    .json = CATALOG_JSON,\n"
            "    .json_len = sizeof(CATALOG_JSON) - 1,\n"
            "    .builtin = true,\n"
            "};\n",
            cat->version, cat->issued, cat->source_count, cat->family_count);
}

int main(int argc, char **argv)
{
    char detail[CS_DETAIL_SIZE];
    cs_catalog *cat = NULL;
    char *json = NULL;
    FILE *out = NULL;
    size_t len = 0;
    int status = 1;
    cs_err err;

    if (argc != 3) {
        fprintf(stderr, "usage: " PROGRAM " CATALOG.json OUT\n");
        return 2;
    }
    if ((json = read_file(argv[1], &len)) == NULL)
        goto fail;
    if ((err = cs_catalog_parse(json, len, &cat, detail, sizeof(detail))) != CS_OK) {
        fprintf(stderr, PROGRAM ": %s: %s (fix the catalog)\n", argv[1],
                detail[0] != '\0' ? detail : cs_strerror(err));
        goto fail;
    }
    if ((out = fopen(argv[2], "w")) == NULL) {
        fprintf(stderr, PROGRAM ": %s: %s\n", argv[2], strerror(errno));
        goto fail;
    }
    put_catalog(out, argv[1], cat);
    if (fclose(out) != 0) {
        out = NULL;
        fprintf(stderr, PROGRAM ": %s: cannot write it\n", argv[2]);
        remove(argv[2]);
        goto fail;
    }
    out = NULL;
    status = 0;
fail:
    if (out != NULL) {
        fclose(out);
        remove(argv[2]);
    }
    cs_catalog_free(&cat);
    free(json);
    return status;
}
