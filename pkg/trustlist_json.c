/* SPDX-License-Identifier: ISC */
/* The scheme owner's JSON source of a trust list
 * (schemas/trustlist-source.schema.json) and the list as JSON for
 * `certseal trustlist show --json`. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "certseal/trustlist.h"
#include "internal.h"

#define DEFAULT_TTL 86400

typedef struct source {
    const char *base_folder;
    char *detail;
    size_t size;
} source;

static cs_err bad(const source *src, cs_err err, const char *where, const char *why)
{
    cs_detail_set(src->detail, src->size, "%s: %s", where, why);
    return err;
}

/* A key the schema does not name is refused, so that a typo ("untill")
 * does not silently drop a date. */
static cs_err only_keys(const source *src, json_t *obj, const char *where,
                        const char *const *known)
{
    const char *key;
    json_t *value;

    json_object_foreach(obj, key, value) {
        bool found = false;
        for (const char *const *k = known; *k != NULL && !found; k++)
            found = strcmp(*k, key) == 0;
        if (!found) {
            cs_detail_set(src->detail, src->size, "%s: unknown key \"%.40s\"", where, key);
            return CS_ERR_RECORD;
        }
    }
    return CS_OK;
}

static cs_err text_field(const source *src, json_t *obj, const char *key, const char *where,
                         char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > CS_TEXT_MAX)
        return bad(src, CS_ERR_RECORD, where, "expected non-empty text");
    if ((*out = strdup(json_string_value(v))) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

/* A date field: required, or optional (absent or null) when has is given. */
static cs_err date_field(const source *src, json_t *obj, const char *key, const char *where,
                         bool *has, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (has != NULL) {
        *has = v != NULL && !json_is_null(v);
        if (!*has)
            return CS_OK;
    }
    if (!json_is_string(v) || cs_date_parse(json_string_value(v), out) != CS_OK)
        return bad(src, CS_ERR_DATE, where, "expected a date, YYYY-MM-DD or RFC 3339");
    return CS_OK;
}

static bool unhex(const char *text, uint8_t *out, size_t len)
{
    if (text == NULL || strlen(text) != 2 * len)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        if (sscanf(text + 2 * i, "%2x", &v) != 1)
            return false;
        out[i] = (uint8_t)v;
    }
    return true;
}

/* A key: a PEM file name relative to the source's folder, or {"alg", "x",
 * "y"} with hex coordinates. */
static cs_err key_field(const source *src, json_t *v, const char *where, cs_key_t **out)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    cs_err err;

    if (json_is_string(v)) {
        const char *name = json_string_value(v);
        char *path;
        if (src->base_folder == NULL && name[0] != '/')
            return bad(src, CS_ERR_RECORD, where, "a key file name needs the source's folder");
        size_t size = (src->base_folder ? strlen(src->base_folder) : 0) + strlen(name) + 2;
        if ((path = malloc(size)) == NULL)
            return CS_ERR_NO_MEMORY;
        if (name[0] == '/')
            snprintf(path, size, "%s", name);
        else
            snprintf(path, size, "%s/%s", src->base_folder, name);
        err = cs_key_load_public_file(path, out);
        if (err != CS_OK)
            cs_detail_set(src->detail, src->size, "%s: %s: %s", where, name, cs_strerror(err));
        free(path);
        return err;
    }
    static const char *const known[] = {"kid", "alg", "x", "y", NULL};
    if (!json_is_object(v))
        return bad(src, CS_ERR_RECORD, where, "expected a PEM file name or {\"alg\", \"x\", \"y\"}");
    if ((err = only_keys(src, v, where, known)) != CS_OK)
        return err;
    const char *alg = json_string_value(json_object_get(v, "alg"));
    if (!unhex(json_string_value(json_object_get(v, "x")), x, sizeof(x)))
        return bad(src, CS_ERR_RECORD, where, "\"x\" is not 64 hex digits");
    if (alg != NULL && strcmp(alg, "EdDSA") == 0)
        err = cs_key_from_public_coordinates(CS_ALG_EDDSA, x, sizeof(x), NULL, 0, out);
    else if (alg != NULL && strcmp(alg, "ES256") == 0 &&
             unhex(json_string_value(json_object_get(v, "y")), y, sizeof(y)))
        err = cs_key_from_public_coordinates(CS_ALG_ES256, x, sizeof(x), y, sizeof(y), out);
    else
        return bad(src, CS_ERR_RECORD, where, "\"alg\" must be EdDSA (x) or ES256 (x and y)");
    if (err != CS_OK)
        cs_detail_set(src->detail, src->size, "%s: %s", where, cs_strerror(err));
    return err;
}

static cs_err status_field(const source *src, json_t *obj, cs_ab_status *out)
{
    const char *text = json_string_value(json_object_get(obj, "status"));
    if (text == NULL || strcmp(text, "active") == 0)
        *out = CS_AB_ACTIVE;
    else if (strcmp(text, "withdrawn") == 0)
        *out = CS_AB_WITHDRAWN;
    else if (strcmp(text, "suspended") == 0)
        *out = CS_AB_SUSPENDED;
    else
        return bad(src, CS_ERR_RECORD, "status", "expected active, suspended or withdrawn");
    return CS_OK;
}

/* A non-empty array of at most CS_TRUSTLIST_ENTRY_MAX (or max) entries. */
static cs_err array_field(const source *src, json_t *obj, const char *key, size_t max,
                          json_t **out)
{
    *out = json_object_get(obj, key);
    if (!json_is_array(*out) || json_array_size(*out) == 0 || json_array_size(*out) > max)
        return bad(src, CS_ERR_RECORD, key, "expected a non-empty array (within the limit)");
    return CS_OK;
}

static cs_err read_ab(const source *src, json_t *obj, cs_trustlist_ab *ab)
{
    json_t *recs, *keys;
    cs_err err;

    static const char *const known[] = {"id",           "name", "country", "status",
                                        "recognitions", "keys", NULL};
    static const char *const rec_known[] = {"standard", "from", "until", NULL};
    static const char *const key_known[] = {"key", "from", "until", "compromised", NULL};

    if (!json_is_object(obj))
        return bad(src, CS_ERR_RECORD, "abs", "expected objects");
    if ((err = only_keys(src, obj, "abs", known)) ||
        (err = text_field(src, obj, "id", "id", &ab->id)) ||
        (err = text_field(src, obj, "name", "name", &ab->name)) ||
        (err = text_field(src, obj, "country", "country", &ab->country)) ||
        (err = status_field(src, obj, &ab->status)) ||
        (err = array_field(src, obj, "recognitions", CS_TRUSTLIST_ENTRY_MAX, &recs)) ||
        (err = array_field(src, obj, "keys", CS_TRUSTLIST_ENTRY_MAX, &keys)))
        return err;
    if ((ab->recognitions = calloc(json_array_size(recs), sizeof(*ab->recognitions))) == NULL ||
        (ab->keys = calloc(json_array_size(keys), sizeof(*ab->keys))) == NULL)
        return CS_ERR_NO_MEMORY;
    for (size_t i = 0; i < json_array_size(recs); i++) {
        cs_trustlist_recognition *r = &ab->recognitions[ab->recognition_count++];
        json_t *o = json_array_get(recs, i);
        if (!json_is_object(o))
            return bad(src, CS_ERR_RECORD, "recognitions", "expected objects");
        if ((err = only_keys(src, o, "recognitions", rec_known)) ||(err = text_field(src, o, "standard", "recognitions standard", &r->standard)) ||
            (err = date_field(src, o, "from", "recognitions from", NULL, &r->not_before)) ||
            (err = date_field(src, o, "until", "recognitions until", &r->has_expires,
                              &r->expires)))
            return err;
    }
    for (size_t i = 0; i < json_array_size(keys); i++) {
        cs_trustlist_key *k = &ab->keys[ab->key_count++];
        json_t *o = json_array_get(keys, i);
        if (!json_is_object(o))
            return bad(src, CS_ERR_RECORD, "keys", "expected objects");
        if ((err = only_keys(src, o, "keys", key_known)) ||(err = key_field(src, json_object_get(o, "key"), "keys key", &k->key)) ||
            (err = date_field(src, o, "from", "keys from", NULL, &k->not_before)) ||
            (err = date_field(src, o, "until", "keys until", &k->has_expires, &k->expires)) ||
            (err = date_field(src, o, "compromised", "keys compromised", &k->has_compromised,
                              &k->compromised)))
            return err;
    }
    return CS_OK;
}

cs_err cs_trustlist_from_json(const char *json, size_t len, const char *base_folder,
                              cs_trustlist *out, char *detail, size_t detail_size)
{
    source src = {base_folder, detail, detail_size};
    json_error_t error;
    json_t *root = NULL, *abs, *ttl;
    cs_err err;

    if (detail != NULL && detail_size > 0)
        detail[0] = '\0';
    if (json == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    memset(out, 0, sizeof(*out));
    if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &error)) == NULL ||
        !json_is_object(root)) {
        cs_detail_set(detail, detail_size, "line %d: %s", error.line,
                      root == NULL ? error.text : "expected an object");
        err = CS_ERR_JSON;
        goto fail;
    }
    static const char *const known[] = {"$schema", "issuer", "uri", "ttl", "abs", NULL};
    if ((err = only_keys(&src, root, "source", known)) ||
        (err = text_field(&src, root, "issuer", "issuer", &out->issuer)) ||
        (err = text_field(&src, root, "uri", "uri", &out->uri)) ||
        (err = array_field(&src, root, "abs", CS_TRUSTLIST_AB_MAX, &abs)))
        goto fail;
    ttl = json_object_get(root, "ttl");
    out->ttl = DEFAULT_TTL;
    if (ttl != NULL) {
        if (!json_is_integer(ttl) || json_integer_value(ttl) < 0) {
            err = bad(&src, CS_ERR_RECORD, "ttl", "expected seconds");
            goto fail;
        }
        out->ttl = (uint64_t)json_integer_value(ttl);
    }
    if ((out->abs = calloc(json_array_size(abs), sizeof(*out->abs))) == NULL) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    for (size_t i = 0; i < json_array_size(abs); i++)
        if ((err = read_ab(&src, json_array_get(abs, i), &out->abs[out->ab_count++])) != CS_OK)
            goto fail;
fail:
    json_decref(root);
    if (err != CS_OK)
        cs_trustlist_clear(out);
    return err;
}

/* ---- the list as JSON ----------------------------------------------------- */

static json_t *hex_string(const uint8_t *bytes, size_t len)
{
    char text[2 * CS_KEY_COORDINATE_SIZE + 1];
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        text[2 * i] = digits[bytes[i] >> 4];
        text[2 * i + 1] = digits[bytes[i] & 15];
    }
    text[2 * len] = '\0';
    return json_string(text);
}

static json_t *date_string(int64_t t)
{
    char text[CS_DATETIME_TEXT_SIZE];
    cs_date_format_datetime(t, text);
    return json_string(text);
}

static json_t *key_object(const cs_key_t *key)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    json_t *o = json_object();

    if (o == NULL || cs_key_public_coordinates(key, x, y) != CS_OK) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "kid", hex_string(cs_key_kid(key), CS_KID_SIZE));
    json_object_set_new(o, "alg", json_string(cs_alg_name(cs_key_alg(key))));
    json_object_set_new(o, "x", hex_string(x, sizeof(x)));
    if (cs_key_alg(key) == CS_ALG_ES256)
        json_object_set_new(o, "y", hex_string(y, sizeof(y)));
    return o;
}

static json_t *ab_object(const cs_trustlist_ab *ab)
{
    json_t *o = json_object(), *recs = json_array(), *keys = json_array();

    json_object_set_new(o, "id", json_string(ab->id));
    json_object_set_new(o, "name", json_string(ab->name));
    json_object_set_new(o, "country", json_string(ab->country));
    json_object_set_new(o, "status", json_string(cs_ab_status_name(ab->status)));
    for (size_t i = 0; i < ab->recognition_count; i++) {
        const cs_trustlist_recognition *r = &ab->recognitions[i];
        json_t *e = json_object();
        json_object_set_new(e, "standard", json_string(r->standard));
        json_object_set_new(e, "from", date_string(r->not_before));
        if (r->has_expires)
            json_object_set_new(e, "until", date_string(r->expires));
        json_array_append_new(recs, e);
    }
    for (size_t i = 0; i < ab->key_count; i++) {
        const cs_trustlist_key *k = &ab->keys[i];
        json_t *e = json_object();
        json_object_set_new(e, "key", key_object(k->key));
        json_object_set_new(e, "from", date_string(k->not_before));
        if (k->has_expires)
            json_object_set_new(e, "until", date_string(k->expires));
        if (k->has_compromised)
            json_object_set_new(e, "compromised", date_string(k->compromised));
        json_array_append_new(keys, e);
    }
    json_object_set_new(o, "recognitions", recs);
    json_object_set_new(o, "keys", keys);
    return o;
}

cs_err cs_trustlist_to_json(const cs_trustlist *list, char **out)
{
    json_t *o, *abs, *next;

    if (list == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((o = json_object()) == NULL)
        return CS_ERR_NO_MEMORY;
    json_object_set_new(o, "issuer", json_string(list->issuer));
    json_object_set_new(o, "uri", json_string(list->uri));
    json_object_set_new(o, "sequence", json_integer((json_int_t)list->sequence));
    json_object_set_new(o, "issued_at", date_string(list->issued_at));
    json_object_set_new(o, "next_update", date_string(list->next_update));
    json_object_set_new(o, "ttl", json_integer((json_int_t)list->ttl));
    json_object_set_new(o, "signer_kid", hex_string(list->signer_kid, CS_KID_SIZE));
    abs = json_array();
    for (size_t i = 0; i < list->ab_count; i++)
        json_array_append_new(abs, ab_object(&list->abs[i]));
    json_object_set_new(o, "abs", abs);
    if (list->next_key_count > 0) {
        next = json_array();
        for (size_t i = 0; i < list->next_key_count; i++)
            json_array_append_new(next, key_object(list->next_keys[i]));
        json_object_set_new(o, "next_keys", next);
    }
    *out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return *out != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}
