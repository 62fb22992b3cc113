/* SPDX-License-Identifier: ISC */
/* The watch's portfolio on disk (certseal/watch.h): the state folder, its
 * lock and its versioned JSON file, read strictly and written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "certseal/date.h"
#include "certseal/file.h"
#include "certseal/text.h"
#include "internal.h"
#include "watch_internal.h"

#define STATE_FORMAT "certseal-watch-state"

static const char *const STATUS_NAMES[] = {"valid", "suspended", "withdrawn", "superseded"};

/* ---- items ------------------------------------------------------------------ */

void cs_watch_item_clear(cs_watch_item *item)
{
    free(item->token);
    free(item->source);
    free(item->number);
    free(item->issuer);
    free(item->organization);
    free(item->standard);
    memset(item, 0, sizeof(*item));
}

cs_err cs_watch_item_append(cs_watch_t *w, cs_watch_item **out)
{
    if (w->count >= CS_WATCH_MAX_ITEMS)
        return CS_ERR_TOO_LARGE;
    if (w->count == w->cap) {
        size_t cap = w->cap == 0 ? 16 : w->cap * 2;
        cs_watch_item *grown = realloc(w->items, cap * sizeof(*grown));
        if (grown == NULL)
            return CS_ERR_NO_MEMORY;
        w->items = grown;
        w->cap = cap;
    }
    *out = &w->items[w->count];
    memset(*out, 0, sizeof(**out));
    return CS_OK;
}
/* ---- the state file ----------------------------------------------------------- */

typedef struct reader {
    const char *path;
    char *detail;
    size_t size;
    size_t index; /* the item being read */
} reader;

static cs_err damaged(const reader *r, const char *what)
{
    cs_detail_set(r->detail, r->size, "%s: item %zu: %s", r->path, r->index + 1, what);
    return CS_ERR_WATCH_STATE;
}

/* A string member (NULL when absent and optional). */
static cs_err read_string(const reader *r, json_t *obj, const char *key, bool optional,
                          char **out)
{
    json_t *v = json_object_get(obj, key);
    char what[96];

    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (optional)
            return CS_OK;
        snprintf(what, sizeof(what), "\"%s\" is missing", key);
        return damaged(r, what);
    }
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        snprintf(what, sizeof(what), "\"%s\" is not a non-empty string", key);
        return damaged(r, what);
    }
    return (*out = strdup(json_string_value(v))) != NULL ? CS_OK : CS_ERR_NO_MEMORY;
}

static cs_err read_int(const reader *r, json_t *obj, const char *key, int64_t max, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    char what[96];

    if (v == NULL || !json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > max) {
        snprintf(what, sizeof(what), "\"%s\" is missing or not an integer from 0 to %lld", key,
                 (long long)max);
        return damaged(r, what);
    }
    *out = (int64_t)json_integer_value(v);
    return CS_OK;
}

static cs_err read_bool(const reader *r, json_t *obj, const char *key, bool *out)
{
    json_t *v = json_object_get(obj, key);
    char what[96];

    if (v == NULL || !json_is_boolean(v)) {
        snprintf(what, sizeof(what), "\"%s\" is missing or not true/false", key);
        return damaged(r, what);
    }
    *out = json_is_true(v);
    return CS_OK;
}

static cs_err read_named(const reader *r, json_t *obj, const char *key, const char *const *names,
                         size_t count, int *out)
{
    json_t *v = json_object_get(obj, key);
    char what[96];

    for (size_t i = 0; i < count && json_is_string(v); i++)
        if (strcmp(json_string_value(v), names[i]) == 0) {
            *out = (int)i;
            return CS_OK;
        }
    snprintf(what, sizeof(what), "\"%s\" is missing or not one of its names", key);
    return damaged(r, what);
}

static cs_err read_verdict(const reader *r, json_t *obj, const char *key, cs_verdict *out)
{
    const char *names[CS_VERDICT_COUNT];
    int v = 0;
    cs_err err;

    for (int i = 0; i < CS_VERDICT_COUNT; i++)
        names[i] = cs_verdict_name((cs_verdict)i);
    if ((err = read_named(r, obj, key, names, CS_VERDICT_COUNT, &v)) == CS_OK)
        *out = (cs_verdict)v;
    return err;
}

static bool is_hex_id(const char *id)
{
    if (strlen(id) != CS_WATCH_ID_SIZE - 1)
        return false;
    for (const char *p = id; *p != '\0'; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static const char *const ITEM_KEYS[] = {
    "id",       "token",   "source",        "added",       "number",     "issuer",
    "organisation", "standard", "expires",  "checked",     "verdict",    "certificate_status",
    "accreditation_status", "expiry_notice", "expired_reported", "unknown_since",
    "unknown_reported", "other_verdict", NULL};

static cs_err read_item(const reader *r, json_t *obj, cs_watch_item *item)
{
    char *id = NULL;
    int64_t notice = 0;
    int cert = 0, accr = 0;
    const char *key;
    json_t *value;
    cs_err err;

    if (!json_is_object(obj))
        return damaged(r, "not an object");
    json_object_foreach(obj, key, value) {
        bool known = false;
        for (const char *const *k = ITEM_KEYS; *k != NULL && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known)
            return damaged(r, "holds an unknown member");
    }
    if ((err = read_string(r, obj, "id", false, &id)) != CS_OK)
        return err;
    if (!is_hex_id(id)) {
        free(id);
        return damaged(r, "\"id\" is not 64 lowercase hex digits");
    }
    memcpy(item->id, id, CS_WATCH_ID_SIZE);
    free(id);
    if ((err = read_string(r, obj, "token", false, &item->token)) != CS_OK ||
        (err = read_string(r, obj, "source", false, &item->source)) != CS_OK ||
        (err = read_int(r, obj, "added", INT64_MAX / 2, &item->added)) != CS_OK ||
        (err = read_string(r, obj, "number", true, &item->number)) != CS_OK ||
        (err = read_string(r, obj, "issuer", true, &item->issuer)) != CS_OK ||
        (err = read_string(r, obj, "organisation", true, &item->organization)) != CS_OK ||
        (err = read_string(r, obj, "standard", true, &item->standard)) != CS_OK ||
        (err = read_int(r, obj, "expires", INT64_MAX / 2, &item->expires)) != CS_OK ||
        (err = read_int(r, obj, "checked", INT64_MAX / 2, &item->checked)) != CS_OK ||
        (err = read_verdict(r, obj, "verdict", &item->verdict)) != CS_OK ||
        (err = read_named(r, obj, "certificate_status", STATUS_NAMES, 4, &cert)) != CS_OK ||
        (err = read_named(r, obj, "accreditation_status", STATUS_NAMES, 3, &accr)) != CS_OK ||
        (err = read_int(r, obj, "expiry_notice", 100000, &notice)) != CS_OK ||
        (err = read_bool(r, obj, "expired_reported", &item->expired_reported)) != CS_OK ||
        (err = read_int(r, obj, "unknown_since", INT64_MAX / 2, &item->unknown_since)) != CS_OK ||
        (err = read_bool(r, obj, "unknown_reported", &item->unknown_reported)) != CS_OK ||
        (err = read_verdict(r, obj, "other_verdict", &item->other_verdict)) != CS_OK)
        return err;
    item->certificate_status = (cs_watch_status)cert;
    item->accreditation_status = (cs_watch_status)accr;
    item->expiry_notice = (unsigned)notice;
    return CS_OK;
}

static cs_err parse_state(cs_watch_t *w, const uint8_t *data, size_t len, char *detail,
                          size_t detail_size)
{
    reader r = {w->state_path, detail, detail_size, 0};
    json_error_t jerr;
    json_t *root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr), *items,
           *version, *format;
    cs_err err = CS_OK;

    if (root == NULL) {
        cs_detail_set(detail, detail_size, "%s: not JSON (line %d: %s)", w->state_path,
                      jerr.line, jerr.text);
        return CS_ERR_WATCH_STATE;
    }
    format = json_object_get(root, "format");
    version = json_object_get(root, "version");
    items = json_object_get(root, "items");
    if (!json_is_object(root) || !json_is_string(format) ||
        strcmp(json_string_value(format), STATE_FORMAT) != 0 || !json_is_integer(version) ||
        json_object_size(root) != 3) {
        cs_detail_set(detail, detail_size,
                      "%s: not a certseal watch state (expected {\"format\": \"%s\", "
                      "\"version\", \"items\"})",
                      w->state_path, STATE_FORMAT);
        err = CS_ERR_WATCH_STATE;
        goto fail;
    }
    if (json_integer_value(version) != CS_WATCH_STATE_VERSION) {
        cs_detail_set(detail, detail_size,
                      "%s: state version %lld, this certseal reads version %d",
                      w->state_path, (long long)json_integer_value(version),
                      CS_WATCH_STATE_VERSION);
        err = json_integer_value(version) > CS_WATCH_STATE_VERSION ? CS_ERR_WATCH_VERSION
                                                                   : CS_ERR_WATCH_STATE;
        goto fail;
    }
    if (!json_is_array(items) || json_array_size(items) > CS_WATCH_MAX_ITEMS) {
        cs_detail_set(detail, detail_size, "%s: \"items\" is not an array of at most %u",
                      w->state_path, CS_WATCH_MAX_ITEMS);
        err = CS_ERR_WATCH_STATE;
        goto fail;
    }
    for (r.index = 0; r.index < json_array_size(items); r.index++) {
        cs_watch_item *item;
        if ((err = cs_watch_item_append(w, &item)) != CS_OK)
            goto fail;
        err = read_item(&r, json_array_get(items, r.index), item);
        w->count++; /* counted even when half read, so that it is freed */
        if (err != CS_OK)
            goto fail;
        for (size_t j = 0; j + 1 < w->count; j++)
            if (strcmp(w->items[j].id, item->id) == 0) {
                err = damaged(&r, "the same token twice");
                goto fail;
            }
    }
fail:
    json_decref(root);
    return err;
}

static json_t *item_json(const cs_watch_item *item, bool with_state)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "id", json_string(item->id));
    if (with_state)
        json_object_set_new(o, "token", json_string(item->token));
    json_object_set_new(o, "source", json_string(item->source));
    json_object_set_new(o, "added", json_integer(item->added));
    json_object_set_new(o, "number", item->number ? json_string(item->number) : json_null());
    json_object_set_new(o, "issuer", item->issuer ? json_string(item->issuer) : json_null());
    json_object_set_new(o, "organisation",
                        item->organization ? json_string(item->organization) : json_null());
    json_object_set_new(o, "standard", item->standard ? json_string(item->standard) : json_null());
    json_object_set_new(o, "expires", json_integer(item->expires));
    json_object_set_new(o, "checked", json_integer(item->checked));
    json_object_set_new(o, "verdict", json_string(cs_verdict_name(item->verdict)));
    json_object_set_new(o, "certificate_status",
                        json_string(STATUS_NAMES[item->certificate_status]));
    json_object_set_new(o, "accreditation_status",
                        json_string(STATUS_NAMES[item->accreditation_status]));
    if (with_state) {
        json_object_set_new(o, "expiry_notice", json_integer(item->expiry_notice));
        json_object_set_new(o, "expired_reported", json_boolean(item->expired_reported));
        json_object_set_new(o, "unknown_since", json_integer(item->unknown_since));
        json_object_set_new(o, "unknown_reported", json_boolean(item->unknown_reported));
        json_object_set_new(o, "other_verdict", json_string(cs_verdict_name(item->other_verdict)));
    }
    return o;
}

cs_err cs_watch_save(cs_watch_t *w)
{
    json_t *root, *items;
    char *text = NULL;
    cs_err err = CS_ERR_NO_MEMORY;

    if (w == NULL)
        return CS_ERR_ARGUMENT;
    root = json_object();
    items = json_array();
    if (root == NULL || items == NULL) {
        json_decref(items);
        goto fail;
    }
    json_object_set_new(root, "format", json_string(STATE_FORMAT));
    json_object_set_new(root, "version", json_integer(CS_WATCH_STATE_VERSION));
    json_object_set_new(root, "items", items);
    for (size_t i = 0; i < w->count; i++) {
        json_t *o = item_json(&w->items[i], true);
        if (o == NULL || json_array_append_new(items, o) != 0)
            goto fail;
    }
    if ((text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER)) == NULL)
        goto fail;
    err = cs_file_write_atomic(w->state_path, text, strlen(text), 0600,
                               CS_FILE_REPLACE | CS_FILE_REGULAR);
fail:
    free(text);
    json_decref(root);
    return err;
}

/* ---- opening ------------------------------------------------------------------ */

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (path != NULL)
        snprintf(path, len, "%s/%s", dir, name);
    return path;
}

/* The folder is ours alone: created 0700 when missing, a real folder of
 * the effective user that nobody else may use. */
static cs_err check_folder(const char *dir, char *detail, size_t detail_size)
{
    struct stat st;

    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        cs_detail_set(detail, detail_size, "%s: cannot create the state folder: %s", dir,
                      strerror(errno));
        return CS_ERR_IO_OPEN;
    }
    if (lstat(dir, &st) != 0) {
        cs_detail_set(detail, detail_size, "%s: %s", dir, strerror(errno));
        return CS_ERR_IO_OPEN;
    }
    if (!S_ISDIR(st.st_mode)) {
        cs_detail_set(detail, detail_size, "%s: not a folder (a symbolic link or a file)", dir);
        return CS_ERR_IO_OPEN;
    }
    if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        cs_detail_set(detail, detail_size,
                      "%s: the state folder must be yours alone (chmod 700 it): it lists "
                      "your suppliers",
                      dir);
        return CS_ERR_FILE_PERMISSIONS;
    }
    return CS_OK;
}

cs_err cs_watch_open(const char *dir, cs_watch_t **out, char *detail, size_t detail_size)
{
    cs_watch_t *w = NULL;
    char *lock_path = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    cs_err err;

    if (dir == NULL || *dir == '\0' || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = check_folder(dir, detail, detail_size)) != CS_OK)
        return err;
    if ((w = calloc(1, sizeof(*w))) == NULL)
        return CS_ERR_NO_MEMORY;
    w->lock_fd = -1;
    if ((w->dir = strdup(dir)) == NULL || (w->state_path = join(dir, CS_WATCH_STATE_FILE)) == NULL ||
        (lock_path = join(dir, CS_WATCH_LOCK_FILE)) == NULL ||
        (err = cs_token_codec_new(&w->codec)) != CS_OK) {
        err = CS_ERR_NO_MEMORY;
        goto fail;
    }
    w->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (w->lock_fd < 0) {
        cs_detail_set(detail, detail_size, "%s: cannot open the lock: %s", lock_path,
                      strerror(errno));
        err = CS_ERR_IO_OPEN;
        goto fail;
    }
    if (flock(w->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        cs_detail_set(detail, detail_size,
                      "%s: another certseal watch is running on this state folder (%s); wait "
                      "for it to finish",
                      dir, errno == EWOULDBLOCK ? "locked" : strerror(errno));
        err = CS_ERR_WATCH_BUSY;
        goto fail;
    }
    /* Temporary files a killed run left behind. */
    if ((err = cs_file_remove_stale(w->state_path, (int64_t)time(NULL), 0, NULL)) != CS_OK)
        goto fail;
    err = cs_file_read_all(w->state_path, CS_WATCH_STATE_MAX_BYTES, &data, &len);
    if (err == CS_ERR_IO_OPEN && errno == ENOENT) {
        err = CS_OK; /* a new portfolio */
    } else if (err == CS_ERR_TOO_LARGE) {
        cs_detail_set(detail, detail_size, "%s: larger than %u bytes", w->state_path,
                      CS_WATCH_STATE_MAX_BYTES);
        goto fail;
    } else if (err != CS_OK) {
        cs_detail_set(detail, detail_size, "%s: cannot read: %s", w->state_path, strerror(errno));
        goto fail;
    } else if ((err = parse_state(w, data, len, detail, detail_size)) != CS_OK) {
        goto fail;
    }
    *out = w;
    w = NULL;
fail:
    free(data);
    free(lock_path);
    cs_watch_close(&w);
    return err;
}

void cs_watch_close(cs_watch_t **watch)
{
    cs_watch_t *w;

    if (watch == NULL || (w = *watch) == NULL)
        return;
    if (w->lock_fd >= 0)
        close(w->lock_fd); /* releases the lock */
    for (size_t i = 0; i < w->count; i++)
        cs_watch_item_clear(&w->items[i]);
    free(w->items);
    free(w->dir);
    free(w->state_path);
    cs_token_codec_free(&w->codec);
    free(w);
    *watch = NULL;
}

size_t cs_watch_count(const cs_watch_t *watch)
{
    return watch != NULL ? watch->count : 0;
}

const cs_watch_item *cs_watch_item_at(const cs_watch_t *watch, size_t i)
{
    return watch != NULL && i < watch->count ? &watch->items[i] : NULL;
}

/* ---- JSON out ------------------------------------------------------------------- */

void cs_watch_json_set_date(json_t *o, const char *key, int64_t t)
{
    char date[CS_DATETIME_TEXT_SIZE];
    cs_date_format_datetime(t, date);
    json_object_set_new(o, key, json_string(date));
}

cs_err cs_watch_list_json(const cs_watch_t *w, char **out)
{
    json_t *items = json_array();
    cs_err err = CS_ERR_NO_MEMORY;

    *out = NULL;
    if (items == NULL)
        return err;
    for (size_t i = 0; i < w->count; i++) {
        json_t *o = item_json(&w->items[i], false);
        if (o == NULL || json_array_append_new(items, o) != 0)
            goto fail;
        if (w->items[i].expires > 0)
            cs_watch_json_set_date(o, "expires", w->items[i].expires);
        cs_watch_json_set_date(o, "added", w->items[i].added);
        if (w->items[i].checked > 0)
            cs_watch_json_set_date(o, "checked", w->items[i].checked);
    }
    if ((*out = json_dumps(items, JSON_COMPACT | JSON_PRESERVE_ORDER)) != NULL)
        err = cs_text_escape_json(out);
fail:
    json_decref(items);
    return err;
}
