/* SPDX-License-Identifier: ISC */
/* The standards catalog's model and its strict JSON reader
 * (schemas/catalog.schema.json, docs/catalog.md): every key known, every
 * limit enforced, every cross-reference resolved before a catalog is
 * handed out, so that the checks (pkg/catalog_check.c) never meet a
 * dangling name. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/catalog.h"
#include "certseal/date.h"
#include "internal.h"

#define CATALOG_NAME "certseal standards catalog"
#define CATALOG_DEPTH_MAX 6

typedef struct reader {
    char *detail;
    size_t size;
} reader;

static cs_err bad(const reader *r, const char *where, const char *why)
{
    cs_detail_set(r->detail, r->size, "catalog: %s: %s", where, why);
    return CS_ERR_CATALOG;
}

static cs_err only_keys(const reader *r, json_t *obj, const char *where, const char *const *known)
{
    const char *key;
    json_t *value;

    if (!json_is_object(obj))
        return bad(r, where, "expected an object");
    json_object_foreach(obj, key, value) {
        bool found = false;
        for (const char *const *k = known; *k != NULL && !found; k++)
            found = strcmp(*k, key) == 0;
        if (!found) {
            cs_detail_set(r->detail, r->size, "catalog: %s: unknown key \"%.40s\"", where, key);
            return CS_ERR_CATALOG;
        }
    }
    return CS_OK;
}

/* A text of 1 to max bytes, valid UTF-8 without control characters
 * (jansson checked UTF-8; controls would reach terminals). */
static cs_err text_field(const reader *r, json_t *obj, const char *key, const char *where,
                         size_t max, bool optional, const char **out)
{
    json_t *v = json_object_get(obj, key);
    char what[96];

    snprintf(what, sizeof(what), "%s \"%s\"", where, key);
    if (v == NULL && optional)
        return CS_OK;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max)
        return bad(r, what, "expected text (at most the catalog's limit)");
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return bad(r, what, "holds a control character");
    char *copy = strdup(s);
    if (copy == NULL)
        return CS_ERR_NO_MEMORY;
    *out = copy;
    return CS_OK;
}

/* "YYYY-MM-DD" exactly, a real day. */
static cs_err date_field(const reader *r, json_t *obj, const char *key, const char *where,
                         bool *has, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    char what[96];

    snprintf(what, sizeof(what), "%s \"%s\"", where, key);
    if (has != NULL) {
        *has = v != NULL;
        if (v == NULL)
            return CS_OK;
    }
    if (!json_is_string(v) || json_string_length(v) != 10 ||
        cs_date_parse(json_string_value(v), out) != CS_OK)
        return bad(r, what, "expected a date YYYY-MM-DD");
    return CS_OK;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
static bool published_ok(const char *s)
{
    size_t n = strlen(s);
    int64_t t;
    if (n == 4)
        return all_digits(s, 4);
    if (n == 7) {
        char day[11];
        memcpy(day, s, 7);
        memcpy(day + 7, "-01", 4);
        return cs_date_parse(day, &t) == CS_OK && s[4] == '-';
    }
    return n == 10 && cs_date_parse(s, &t) == CS_OK;
}

/* A family name: a capital, then letters, digits, space, '/', '.', '-',
 * ending in a digit ("ISO/IEC 20000-1"). */
static bool family_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > CS_CATALOG_NAME_MAX || s[0] < 'A' || s[0] > 'Z' || s[n - 1] < '0' ||
        s[n - 1] > '9')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == ' ' || c == '/' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

/* An edition: its family's name, ':' and a four-digit year. */
static bool edition_of(const char *edition, const char *family)
{
    size_t n = strlen(family);
    return strncmp(edition, family, n) == 0 && edition[n] == ':' &&
           strlen(edition + n + 1) == 4 && all_digits(edition + n + 1, 4);
}

static bool source_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static cs_err array_field(const reader *r, json_t *obj, const char *key, const char *where,
                          size_t min, size_t max, json_t **out)
{
    char what[96];
    snprintf(what, sizeof(what), "%s \"%s\"", where, key);
    *out = json_object_get(obj, key);
    if (!json_is_array(*out))
        return bad(r, what, "expected an array");
    if (json_array_size(*out) < min || json_array_size(*out) > max)
        return bad(r, what, "too few or too many entries");
    return CS_OK;
}

/* ---- sources -------------------------------------------------------------- */

static cs_err read_sources(const reader *r, json_t *root, cs_catalog *cat)
{
    static const char *const keys[] = {"id", "title", "url", NULL};
    cs_catalog_source *sources;
    json_t *list, *item;
    size_t i;
    cs_err err;

    if ((err = array_field(r, root, "sources", "catalog", 1, CS_CATALOG_SOURCES_MAX, &list)) !=
        CS_OK)
        return err;
    if ((sources = calloc(json_array_size(list), sizeof(*sources))) == NULL)
        return CS_ERR_NO_MEMORY;
    cat->sources = sources;
    json_array_foreach(list, i, item) {
        cs_catalog_source *s = &sources[i];
        char where[48];
        snprintf(where, sizeof(where), "source %zu", i + 1);
        cat->source_count = i + 1;
        if ((err = only_keys(r, item, where, keys)) != CS_OK ||
            (err = text_field(r, item, "id", where, 64, false, &s->id)) != CS_OK ||
            (err = text_field(r, item, "title", where, CS_CATALOG_TEXT_MAX, false, &s->title)) !=
                CS_OK ||
            (err = text_field(r, item, "url", where, 512, false, &s->url)) != CS_OK)
            return err;
        if (!source_id_ok(s->id))
            return bad(r, where, "the id is not lower-case letters, digits and '-'");
        if (strncmp(s->url, "https://", 8) != 0 && strncmp(s->url, "http://", 7) != 0)
            return bad(r, where, "the url is not http(s)");
        for (size_t j = 0; j < i; j++)
            if (strcmp(cat->sources[j].id, s->id) == 0)
                return bad(r, where, "the id is used twice");
    }
    return CS_OK;
}

static cs_err cited(const reader *r, const cs_catalog *cat, const char *id, const char *where)
{
    if (cs_catalog_source_find(cat, id) == NULL) {
        cs_detail_set(r->detail, r->size, "catalog: %s: source \"%.64s\" is not in \"sources\"",
                      where, id);
        return CS_ERR_CATALOG;
    }
    return CS_OK;
}

/* ---- families ------------------------------------------------------------- */

static cs_err read_editions(const reader *r, const cs_catalog *cat, json_t *obj,
                            cs_catalog_family *f, const char *where)
{
    static const char *const keys[] = {"edition", "published", "source", NULL};
    cs_catalog_edition *editions;
    json_t *list, *item;
    size_t i;
    cs_err err;

    if ((err = array_field(r, obj, "editions", where, 1, CS_CATALOG_EDITIONS_MAX, &list)) != CS_OK)
        return err;
    if ((editions = calloc(json_array_size(list), sizeof(*editions))) == NULL)
        return CS_ERR_NO_MEMORY;
    f->editions = editions;
    json_array_foreach(list, i, item) {
        cs_catalog_edition *e = &editions[i];
        char at[128];
        snprintf(at, sizeof(at), "%s edition %zu", where, i + 1);
        f->edition_count = i + 1;
        if ((err = only_keys(r, item, at, keys)) != CS_OK ||
            (err = text_field(r, item, "edition", at, CS_CATALOG_NAME_MAX, false,
                              &e->designation)) != CS_OK ||
            (err = text_field(r, item, "published", at, 10, false, &e->published)) != CS_OK ||
            (err = text_field(r, item, "source", at, 64, false, &e->source)) != CS_OK ||
            (err = cited(r, cat, e->source, at)) != CS_OK)
            return err;
        if (!edition_of(e->designation, f->name))
            return bad(r, at, "the edition is not the family's name, ':' and a year");
        if (!published_ok(e->published))
            return bad(r, at, "\"published\" is not YYYY, YYYY-MM or YYYY-MM-DD");
    }
    return CS_OK;
}

static const char *const SCOPE_CODE_NAMES[] = {"iaf", "iso22003-1", "none"};

const char *cs_scope_codes_name(cs_scope_codes codes)
{
    return codes >= 0 && codes <= CS_SCOPE_CODES_NONE ? SCOPE_CODE_NAMES[codes] : "unknown";
}

static cs_err read_transition(const reader *r, const cs_catalog *cat, json_t *item,
                              cs_catalog_transition *t, const char *at)
{
    static const char *const keys[] = {"from", "to",     "starts", "last_issue",
                                       "ends", "sources", "note",   NULL};
    const char **sources;
    json_t *list, *id;
    size_t i;
    cs_err err;

    if ((err = only_keys(r, item, at, keys)) != CS_OK ||
        (err = text_field(r, item, "from", at, CS_CATALOG_NAME_MAX, false, &t->from)) != CS_OK ||
        (err = text_field(r, item, "to", at, CS_CATALOG_NAME_MAX, false, &t->to)) != CS_OK ||
        (err = date_field(r, item, "starts", at, NULL, &t->starts)) != CS_OK ||
        (err = date_field(r, item, "last_issue", at, &t->has_last_issue, &t->last_issue)) !=
            CS_OK ||
        (err = date_field(r, item, "ends", at, NULL, &t->ends)) != CS_OK ||
        (err = text_field(r, item, "note", at, CS_CATALOG_TEXT_MAX, true, &t->note)) != CS_OK ||
        (err = array_field(r, item, "sources", at, 1, 8, &list)) != CS_OK)
        return err;
    if (!t->has_last_issue)
        t->last_issue = t->ends;
    if (t->starts > t->last_issue || t->last_issue > t->ends)
        return bad(r, at, "the dates are not starts <= last_issue <= ends");
    if ((sources = calloc(json_array_size(list), sizeof(*sources))) == NULL)
        return CS_ERR_NO_MEMORY;
    t->sources = sources;
    json_array_foreach(list, i, id) {
        if (!json_is_string(id) || json_string_length(id) > 64)
            return bad(r, at, "\"sources\" holds something other than a source id");
        if ((sources[i] = strdup(json_string_value(id))) == NULL)
            return CS_ERR_NO_MEMORY;
        t->source_count = i + 1;
        if ((err = cited(r, cat, t->sources[i], at)) != CS_OK)
            return err;
    }
    return CS_OK;
}

static cs_err read_family(const reader *r, const cs_catalog *cat, json_t *item,
                          cs_catalog_family *f, size_t index)
{
    static const char *const keys[] = {"family",   "title",       "scope_codes",
                                       "scope_codes_source", "note", "editions",
                                       "transitions", NULL};
    char where[96], codes[16] = "";
    const char *code_text = NULL;
    cs_catalog_transition *transitions = NULL;
    json_t *list, *t;
    size_t i;
    cs_err err;

    snprintf(where, sizeof(where), "family %zu", index + 1);
    if ((err = only_keys(r, item, where, keys)) != CS_OK ||
        (err = text_field(r, item, "family", where, CS_CATALOG_NAME_MAX, false, &f->name)) != CS_OK)
        return err;
    if (!family_name_ok(f->name))
        return bad(r, where, "the family name is not a standard's designation without edition");
    snprintf(where, sizeof(where), "family \"%s\"", f->name);
    if ((err = text_field(r, item, "title", where, CS_CATALOG_TEXT_MAX, false, &f->title)) !=
            CS_OK ||
        (err = text_field(r, item, "note", where, CS_CATALOG_TEXT_MAX, true, &f->note)) != CS_OK ||
        (err = text_field(r, item, "scope_codes", where, 15, false, &code_text)) != CS_OK)
        return err;
    snprintf(codes, sizeof(codes), "%s", code_text);
    free((void *)code_text);
    for (i = 0; i <= CS_SCOPE_CODES_NONE; i++)
        if (strcmp(codes, SCOPE_CODE_NAMES[i]) == 0)
            break;
    if (i > CS_SCOPE_CODES_NONE)
        return bad(r, where, "\"scope_codes\" is not \"iaf\", \"iso22003-1\" or \"none\"");
    f->scope_codes = (cs_scope_codes)i;
    if ((err = text_field(r, item, "scope_codes_source", where, 64, false,
                          &f->scope_codes_source)) != CS_OK ||
        (err = cited(r, cat, f->scope_codes_source, where)) != CS_OK ||
        (err = read_editions(r, cat, item, f, where)) != CS_OK ||
        (err = array_field(r, item, "transitions", where, 0, CS_CATALOG_EDITIONS_MAX, &list)) !=
            CS_OK)
        return err;
    if (json_array_size(list) > 0 &&
        (transitions = calloc(json_array_size(list), sizeof(*transitions))) == NULL)
        return CS_ERR_NO_MEMORY;
    f->transitions = transitions;
    json_array_foreach(list, i, t) {
        char at[128];
        snprintf(at, sizeof(at), "%s transition %zu", where, i + 1);
        f->transition_count = i + 1;
        if ((err = read_transition(r, cat, t, &transitions[i], at)) != CS_OK)
            return err;
    }
    return CS_OK;
}

/* The cross-references: each edition once in the catalog, each transition
 * from an edition of its own family (at most one from each) to an edition
 * of the catalog other than itself. */
static cs_err check_references(const reader *r, const cs_catalog *cat)
{
    for (size_t i = 0; i < cat->family_count; i++) {
        const cs_catalog_family *f = &cat->families[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(cat->families[j].name, f->name) == 0)
                return bad(r, f->name, "the family is listed twice");
        for (size_t e = 0; e < f->edition_count; e++) {
            const cs_catalog_family *owner = NULL;
            for (size_t g = 0; g <= i && owner == NULL; g++)
                for (size_t k = 0; k < cat->families[g].edition_count; k++)
                    if ((g != i || k != e) &&
                        strcmp(cat->families[g].editions[k].designation,
                               f->editions[e].designation) == 0)
                        owner = &cat->families[g];
            if (owner != NULL)
                return bad(r, f->editions[e].designation, "the edition is listed twice");
        }
        for (size_t k = 0; k < f->transition_count; k++) {
            const cs_catalog_transition *t = &f->transitions[k];
            const cs_catalog_family *from_family = NULL;
            if (cs_catalog_find(cat, t->from, &from_family) == NULL || from_family != f)
                return bad(r, t->from, "a transition's \"from\" is not an edition of its family");
            if (cs_catalog_find(cat, t->to, NULL) == NULL || strcmp(t->to, t->from) == 0)
                return bad(r, t->from, "a transition's \"to\" is not another edition in the "
                                       "catalog");
            for (size_t m = 0; m < k; m++)
                if (strcmp(f->transitions[m].from, t->from) == 0)
                    return bad(r, t->from, "two transitions from one edition");
        }
    }
    return CS_OK;
}

static cs_err read_catalog(const reader *r, json_t *root, cs_catalog *cat)
{
    static const char *const keys[] = {"catalog", "version", "issued", "sources", "families",
                                       NULL};
    cs_catalog_family *families;
    json_t *v, *list, *item;
    size_t i;
    cs_err err;

    if ((err = only_keys(r, root, "catalog", keys)) != CS_OK)
        return err;
    v = json_object_get(root, "catalog");
    if (!json_is_string(v) || strcmp(json_string_value(v), CATALOG_NAME) != 0)
        return bad(r, "\"catalog\"", "expected \"" CATALOG_NAME "\"");
    v = json_object_get(root, "version");
    if (!json_is_integer(v) || json_integer_value(v) < 1 ||
        json_integer_value(v) > (json_int_t)UINT32_MAX)
        return bad(r, "\"version\"", "expected a whole number from 1 to 4294967295");
    cat->version = (uint64_t)json_integer_value(v);
    if ((err = date_field(r, root, "issued", "catalog", NULL, &cat->issued)) != CS_OK ||
        (err = read_sources(r, root, cat)) != CS_OK ||
        (err = array_field(r, root, "families", "catalog", 1, CS_CATALOG_FAMILIES_MAX, &list)) !=
            CS_OK)
        return err;
    if ((families = calloc(json_array_size(list), sizeof(*families))) == NULL)
        return CS_ERR_NO_MEMORY;
    cat->families = families;
    json_array_foreach(list, i, item) {
        cat->family_count = i + 1;
        if ((err = read_family(r, cat, item, &families[i], i)) != CS_OK)
            return err;
    }
    return check_references(r, cat);
}

/* Nesting deeper than the schema's is refused before jansson's recursion
 * is trusted with it (jansson itself stops at 2048). */
static bool nesting_ok(const char *json, size_t len)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > CATALOG_DEPTH_MAX)
                return false;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return true;
}

cs_err cs_catalog_parse(const char *json, size_t len, cs_catalog **out, char *detail,
                        size_t detail_size)
{
    reader r = {detail, detail_size};
    cs_catalog *cat = NULL;
    char *text = NULL;
    json_t *root = NULL;
    json_error_t error;
    cs_err err;

    cs_detail_set(detail, detail_size, "%s", "");
    if (out != NULL)
        *out = NULL;
    if (json == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if (len > CS_CATALOG_MAX)
        return cs_detail_fail(detail, detail_size, CS_ERR_TOO_LARGE,
                              "catalog: %zu bytes, more than the %u allowed", len, CS_CATALOG_MAX);
    if (!nesting_ok(json, len))
        return cs_detail_fail(detail, detail_size, CS_ERR_CATALOG,
                              "catalog: nested deeper than its schema allows");
    if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &error)) == NULL) {
        cs_detail_set(detail, detail_size, "catalog: line %d: %.200s", error.line, error.text);
        err = CS_ERR_CATALOG;
        goto fail;
    }
    if ((cat = calloc(1, sizeof(*cat))) == NULL || (text = malloc(len + 1)) == NULL) {
        free(text);
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    memcpy(text, json, len);
    text[len] = '\0';
    cat->json = text;
    cat->json_len = len;
    if ((err = read_catalog(&r, root, cat)) != CS_OK)
        goto fail;
    json_decref(root);
    *out = cat;
    return CS_OK;
fail:
    json_decref(root);
    cs_catalog_free(&cat);
    return err;
}

/* The parser allocated every string and array; the fields point to const
 * only so that the built-in table can be static. */
static void free_owned(const void *p)
{
    free((void *)p);
}

static void free_family(const cs_catalog_family *f)
{
    for (size_t e = 0; e < f->edition_count; e++) {
        free_owned(f->editions[e].designation);
        free_owned(f->editions[e].published);
        free_owned(f->editions[e].source);
    }
    for (size_t t = 0; t < f->transition_count; t++) {
        const cs_catalog_transition *tr = &f->transitions[t];
        free_owned(tr->from);
        free_owned(tr->to);
        free_owned(tr->note);
        for (size_t s = 0; s < tr->source_count; s++)
            free_owned(tr->sources[s]);
        free_owned(tr->sources);
    }
    free_owned(f->editions);
    free_owned(f->transitions);
    free_owned(f->name);
    free_owned(f->title);
    free_owned(f->note);
    free_owned(f->scope_codes_source);
}

void cs_catalog_free(cs_catalog **catalog)
{
    cs_catalog *cat;

    if (catalog == NULL || (cat = *catalog) == NULL)
        return;
    *catalog = NULL;
    if (cat->builtin)
        return; /* static, shared by every user */
    for (size_t i = 0; i < cat->source_count; i++) {
        free_owned(cat->sources[i].id);
        free_owned(cat->sources[i].title);
        free_owned(cat->sources[i].url);
    }
    for (size_t i = 0; i < cat->family_count; i++)
        free_family(&cat->families[i]);
    free_owned(cat->sources);
    free_owned(cat->families);
    free_owned(cat->json);
    free(cat);
}

/* ---- look-ups ------------------------------------------------------------- */

const cs_catalog_edition *cs_catalog_find(const cs_catalog *catalog, const char *designation,
                                          const cs_catalog_family **family)
{
    if (family != NULL)
        *family = NULL;
    if (catalog == NULL || designation == NULL)
        return NULL;
    for (size_t i = 0; i < catalog->family_count; i++) {
        const cs_catalog_family *f = &catalog->families[i];
        for (size_t e = 0; e < f->edition_count; e++)
            if (f->editions[e].designation != NULL &&
                strcmp(f->editions[e].designation, designation) == 0) {
                if (family != NULL)
                    *family = f;
                return &f->editions[e];
            }
    }
    return NULL;
}

const cs_catalog_transition *cs_catalog_transition_from(const cs_catalog *catalog,
                                                        const char *designation)
{
    if (catalog == NULL || designation == NULL)
        return NULL;
    for (size_t i = 0; i < catalog->family_count; i++)
        for (size_t t = 0; t < catalog->families[i].transition_count; t++)
            if (strcmp(catalog->families[i].transitions[t].from, designation) == 0)
                return &catalog->families[i].transitions[t];
    return NULL;
}

const cs_catalog_source *cs_catalog_source_find(const cs_catalog *catalog, const char *id)
{
    if (catalog == NULL || id == NULL)
        return NULL;
    for (size_t i = 0; i < catalog->source_count; i++)
        if (catalog->sources[i].id != NULL && strcmp(catalog->sources[i].id, id) == 0)
            return &catalog->sources[i];
    return NULL;
}

/* The designation folded for comparing near misses: letters upper-cased,
 * every run of spaces, '-', '_' and '.' dropped, ':' kept. */
static void fold(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in != '\0' && n + 1 < size; in++) {
        char c = *in;
        if (c == ' ' || c == '_' || c == '.' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        out[n++] = c;
    }
    out[n] = '\0';
}

/* Folded, and with the separator before a trailing year made ':'
 * ("ISO9001-2015", "ISO 9001 2015" -> "ISO9001:2015"). */
static void fold_designation(const char *in, char *out, size_t size)
{
    char raw[CS_CATALOG_NAME_MAX * 2 + 8];
    size_t n = strlen(in);

    snprintf(raw, sizeof(raw), "%s", in);
    if (n > 5 && n < sizeof(raw) && all_digits(in + n - 4, 4) &&
        (in[n - 5] == '-' || in[n - 5] == ' ' || in[n - 5] == '/' || in[n - 5] == '_'))
        raw[n - 5] = ':';
    fold(raw, out, size);
    /* "ISO 27001:2022" for "ISO/IEC 27001:2022": the joint body's "/IEC"
     * is the part most often left out. */
    char *iec = strstr(out, "/IEC");
    if (iec != NULL)
        memmove(iec, iec + 4, strlen(iec + 4) + 1);
}

bool cs_catalog_suggest(const cs_catalog *catalog, const char *designation, char *buf,
                        size_t size)
{
    char want[CS_CATALOG_NAME_MAX * 2 + 8], have[CS_CATALOG_NAME_MAX * 2 + 8];
    const char *newest_of_family = NULL;

    if (buf != NULL && size > 0)
        buf[0] = '\0';
    if (catalog == NULL || designation == NULL || buf == NULL || size == 0 ||
        strlen(designation) > CS_CATALOG_NAME_MAX * 2)
        return false;
    char plain[CS_CATALOG_NAME_MAX * 2 + 8];
    fold_designation(designation, want, sizeof(want));
    fold(designation, plain, sizeof(plain)); /* "ISO 9001": no year to find */
    for (size_t i = 0; i < catalog->family_count; i++) {
        const cs_catalog_family *f = &catalog->families[i];
        for (size_t e = 0; e < f->edition_count; e++) {
            fold_designation(f->editions[e].designation, have, sizeof(have));
            if (strcmp(want, have) == 0) {
                snprintf(buf, size, "%s", f->editions[e].designation);
                return true;
            }
        }
        fold(f->name, have, sizeof(have));
        /* "ISO 9001" (or "iso9001"): the family's newest edition, the last
         * listed. */
        if ((strcmp(want, have) == 0 || strcmp(plain, have) == 0) && f->edition_count > 0)
            newest_of_family = f->editions[f->edition_count - 1].designation;
    }
    if (newest_of_family != NULL) {
        snprintf(buf, size, "%s", newest_of_family);
        return true;
    }
    return false;
}
