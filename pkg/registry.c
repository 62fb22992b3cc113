/* SPDX-License-Identifier: ISC */
/*
 * The issuer registry (DESIGN §5): the handle, opening a registry through
 * the engine its location names (registry_sql.h: a file, or a PostgreSQL
 * URI), what every operation shares (transactions, the bounded retry of
 * one that lost to another station, looking up a number, events), and the
 * settings.  Issuing is in registry_issue.c and registry_batch.c, reading
 * in registry_read.c, status changes and publishing in registry_status.c,
 * the engines in registry_sqlite.c and registry_pg.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "certseal/cose.h"
#include "registry_db.h"

/* ---- plumbing ------------------------------------------------------------- */

cs_err registry_prepare(cs_registry_t *registry, registry_sql_id id, registry_query **q,
                        char *detail, size_t size)
{
    return registry->engine->query(registry->db, id, q, detail, size);
}

cs_err registry_run_bound(registry_query *q, const char *doing, char *detail, size_t size)
{
    bool row = false;
    cs_err err = sql_step(q, &row, doing, detail, size);
    sql_reset(q);
    return err;
}

cs_err registry_begin_write(cs_registry_t *registry, char *detail, size_t size)
{
    return registry->engine->begin(registry->db, REGISTRY_TXN_WRITE, detail, size);
}

cs_err registry_begin_snapshot(cs_registry_t *registry, char *detail, size_t size)
{
    return registry->engine->begin(registry->db, REGISTRY_TXN_SNAPSHOT, detail, size);
}

cs_err registry_commit(cs_registry_t *registry, char *detail, size_t size)
{
    return registry->engine->commit(registry->db, detail, size);
}

void registry_rollback(cs_registry_t *registry)
{
    registry->engine->rollback(registry->db);
}

bool registry_retry_wait(unsigned attempt, cs_err err, char *detail, size_t size)
{
    uint32_t jitter = 0;
    struct timespec pause;

    if (err != CS_ERR_REGISTRY_CONFLICT)
        return false;
    if (attempt >= REGISTRY_ATTEMPTS) {
        cs_detail_fail(detail, size, CS_ERR_REGISTRY_CONFLICT,
                       "concurrent changes by other stations undid this transaction %d times "
                       "in a row; nothing of it was recorded (run it again)",
                       REGISTRY_ATTEMPTS);
        return false;
    }
    /* 1 to 2^attempt ms, at most about half a second. */
    if (cs_crypto_random(&jitter, sizeof(jitter)) != CS_OK)
        jitter = (uint32_t)attempt * 7919u;
    unsigned span = 1u << (attempt < 9 ? attempt : 9);
    unsigned ms = 1 + jitter % span;
    pause.tv_sec = ms / 1000;
    pause.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&pause, NULL);
    if (detail != NULL && size > 0)
        detail[0] = '\0';
    return true;
}

const char *registry_noun(const cs_registry_t *registry)
{
    return registry->role == CS_REGISTRY_ROLE_AB ? "accreditation" : "certificate";
}

cs_err registry_find_current_key(cs_registry_t *registry, const char *number,
                                 const uint8_t *key_kid, bool *found, registry_current *current,
                                 uint8_t **claims, size_t *claims_len, char *detail, size_t size)
{
    registry_query *q = NULL;
    bool row = false;
    cs_err err;

    *found = false;
    memset(current, 0, sizeof(*current));
    if ((err = registry_prepare(registry, SQL_FIND_CURRENT, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, number);
    sql_bind_blob(q, 2, key_kid, CS_KID_SIZE);
    if ((err = sql_step(q, &row, "looking up a number", detail, size)) == CS_OK && row) {
        size_t kid_len = 0;
        const uint8_t *kid = sql_column_blob(q, 5, &kid_len);
        *found = true;
        current->matches = 1;
        current->id = sql_column_int64(q, 0);
        current->revision = (uint64_t)sql_column_int64(q, 1);
        current->status_index = (uint64_t)sql_column_int64(q, 2);
        current->status = (cs_status)sql_column_int64(q, 3);
        if (kid != NULL && kid_len == CS_KID_SIZE) {
            memcpy(current->key_kid, kid, CS_KID_SIZE);
            current->has_key_kid = true;
        }
        if (claims != NULL) {
            size_t len = 0;
            const uint8_t *blob = sql_column_blob(q, 4, &len);
            if ((*claims = malloc(len + 1)) == NULL)
                err = CS_ERR_NO_MEMORY;
            else if (len > 0)
                memcpy(*claims, blob, len);
            *claims_len = len;
        }
        /* An AB may hold one current credential per CB key under a number. */
        while (err == CS_OK &&
               (err = sql_step(q, &row, "looking up a number", detail, size)) == CS_OK && row)
            current->matches++;
    }
    sql_reset(q);
    return err;
}

cs_err registry_find_current(cs_registry_t *registry, const char *number, bool *found,
                             registry_current *current, uint8_t **claims, size_t *claims_len,
                             char *detail, size_t size)
{
    return registry_find_current_key(registry, number, NULL, found, current, claims, claims_len,
                                     detail, size);
}

/* Positions of numbers sorted by number, to find a row's number by bsearch. */
typedef struct number_at {
    const char *number;
    size_t at;
} number_at;

static int compare_number_at(const void *a, const void *b)
{
    return strcmp(((const number_at *)a)->number, ((const number_at *)b)->number);
}

/* numbers[0..count) as a JSON array of strings (*out freed with free()). */
static cs_err numbers_json(const char *const *numbers, size_t count, char **out, char *detail,
                           size_t size)
{
    json_t *array = json_array();
    cs_err err = array != NULL ? CS_OK : CS_ERR_NO_MEMORY;

    for (size_t i = 0; i < count && err == CS_OK; i++) {
        json_t *text = json_string(numbers[i]);
        if (text == NULL)
            err = cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                                 "certificate number %zu is not UTF-8 text", i + 1);
        else if (json_array_append_new(array, text) != 0)
            err = CS_ERR_NO_MEMORY;
    }
    if (err == CS_OK && (*out = json_dumps(array, JSON_COMPACT)) == NULL)
        err = CS_ERR_NO_MEMORY;
    json_decref(array);
    return err;
}

cs_err registry_find_current_many(cs_registry_t *registry, const char *const *numbers, size_t count,
                                  registry_found_fn found, void *ctx, char *detail, size_t size)
{
    number_at *sorted = calloc(count > 0 ? count : 1, sizeof(*sorted));
    bool *seen = calloc(count > 0 ? count : 1, sizeof(*seen));
    registry_query *q = NULL;
    char *json = NULL;
    bool row = false;
    cs_err err = CS_ERR_NO_MEMORY;

    if (sorted == NULL || seen == NULL)
        goto done;
    for (size_t i = 0; i < count; i++)
        sorted[i] = (number_at){numbers[i], i};
    qsort(sorted, count, sizeof(*sorted), compare_number_at);
    if ((err = numbers_json(numbers, count, &json, detail, size)) != CS_OK ||
        (err = registry_prepare(registry, SQL_FIND_CURRENT_MANY, &q, detail, size)) != CS_OK)
        goto done;
    sql_bind_text(q, 1, json);
    while ((err = sql_step(q, &row, "looking up numbers", detail, size)) == CS_OK && row) {
        number_at key = {.number = sql_column_text(q, 0)}, *hit;
        registry_current cur = {.matches = 1};
        const uint8_t *claims;
        size_t claims_len = 0;

        if (key.number == NULL ||
            (hit = bsearch(&key, sorted, count, sizeof(*sorted), compare_number_at)) == NULL)
            continue;
        /* Every position holding the number: a batch refuses repeats, but
         * a caller may not have. */
        while (hit > sorted && strcmp(hit[-1].number, key.number) == 0)
            hit--;
        for (; hit < sorted + count && strcmp(hit->number, key.number) == 0; hit++) {
            if (seen[hit->at]) /* a later current row of the same number */
                continue;
            seen[hit->at] = true;
            cur.id = sql_column_int64(q, 1);
            cur.revision = (uint64_t)sql_column_int64(q, 2);
            cur.status_index = (uint64_t)sql_column_int64(q, 3);
            cur.status = (cs_status)sql_column_int64(q, 4);
            claims = sql_column_blob(q, 5, &claims_len);
            if ((err = found(ctx, hit->at, &cur, claims != NULL ? claims : (const uint8_t *)"",
                             claims_len, detail, size)) != CS_OK)
                goto done;
        }
    }
done:
    if (q != NULL)
        sql_reset(q);
    free(json);
    free(seen);
    free(sorted);
    return err;
}

cs_err registry_check_actor(const cs_registry_actor *actor, char *detail, size_t size)
{
    if (actor != NULL && actor->reason != NULL && strlen(actor->reason) > CS_REGISTRY_REASON_MAX)
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the reason is longer than %d bytes (shorten it)",
                              CS_REGISTRY_REASON_MAX);
    if (actor != NULL && actor->name != NULL && strlen(actor->name) > CS_REGISTRY_REASON_MAX)
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the actor name is longer than %d bytes", CS_REGISTRY_REASON_MAX);
    return CS_OK;
}

cs_err registry_insert_event(cs_registry_t *registry, const char *number, uint64_t revision,
                             int64_t at, const char *action, const cs_registry_actor *actor,
                             char *detail, size_t size)
{
    const char *name = actor != NULL && actor->name != NULL ? actor->name : registry->user;
    const char *reason = actor != NULL ? actor->reason : NULL;
    registry_query *q = NULL;
    cs_err err;

    if ((err = registry_prepare(registry, SQL_INSERT_EVENT, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, number);
    sql_bind_int64(q, 2, (int64_t)revision);
    sql_bind_int64(q, 3, at);
    sql_bind_text(q, 4, action);
    sql_bind_text(q, 5, name);
    sql_bind_text(q, 6, reason != NULL && reason[0] != '\0' ? reason : NULL);
    return registry_run_bound(q, "recording the event", detail, size);
}

static void hex_kid(const uint8_t *kid, char out[2 * CS_KID_SIZE + 1])
{
    for (size_t i = 0; i < CS_KID_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", kid[i]);
}

cs_err registry_check_key(cs_registry_t *registry, const cs_key_t *key, bool *recorded,
                          char *detail, size_t size)
{
    char want[2 * CS_KID_SIZE + 1], got[2 * CS_KID_SIZE + 1];
    registry_query *q = NULL;
    cs_err err;

    if (key == NULL || !cs_key_has_private(key))
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "a private key is needed to sign (give the issuer's key)");
    if (registry->has_kid) {
        if (cs_crypto_equal(registry->kid, cs_key_kid(key), CS_KID_SIZE))
            return CS_OK;
        hex_kid(registry->kid, want);
        hex_kid(cs_key_kid(key), got);
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the key (kid %s) is not this registry's issuer key (kid %s); "
                              "use the key the registry was created for",
                              got, want);
    }
    if (recorded == NULL)
        return CS_OK;
    /* First use of an AB registry created without its key: remember it. */
    if ((err = registry_prepare(registry, SQL_SET_KID, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_blob(q, 1, cs_key_kid(key), CS_KID_SIZE);
    if ((err = registry_run_bound(q, "recording the kid", detail, size)) != CS_OK)
        return err;
    memcpy(registry->kid, cs_key_kid(key), CS_KID_SIZE);
    registry->has_kid = true;
    *recorded = true;
    return CS_OK;
}

/* ---- settings --------------------------------------------------------------- */

const char *cs_registry_role_name(cs_registry_role role)
{
    switch (role) {
    case CS_REGISTRY_ROLE_AB:
        return "accreditation-body";
    case CS_REGISTRY_ROLE_CB:
        return "certification-body";
    }
    return "unknown";
}

cs_registry_role cs_registry_role_of(const cs_registry_t *registry)
{
    return registry != NULL ? registry->role : (cs_registry_role)0;
}

const char *cs_registry_key_path(const cs_registry_t *registry)
{
    return registry != NULL ? registry->key_path : NULL;
}

const char *cs_registry_status_uri(const cs_registry_t *registry)
{
    return registry != NULL ? registry->status_uri : NULL;
}

const char *cs_registry_link_base(const cs_registry_t *registry)
{
    return registry != NULL ? registry->link_base : NULL;
}

uint64_t cs_registry_list_entries(const cs_registry_t *registry)
{
    return registry != NULL ? registry->list_entries : 0;
}

unsigned cs_registry_file_exposure(const cs_registry_t *registry)
{
    return registry != NULL ? registry->file_exposure : 0;
}

const uint8_t *cs_registry_accreditation(const cs_registry_t *registry, size_t *len)
{
    if (len != NULL)
        *len = registry != NULL ? registry->accreditation_len : 0;
    return registry != NULL ? registry->accreditation : NULL;
}

static char *column_strdup(registry_query *q, int column)
{
    const char *text = sql_column_text(q, column);
    return text != NULL ? strdup(text) : NULL;
}

cs_err registry_load_settings(cs_registry_t *r, char *detail, size_t size)
{
    registry_query *q = NULL;
    const uint8_t *blob;
    size_t len = 0;
    bool row = false;
    cs_err err;

    if ((err = registry_prepare(r, SQL_LOAD_SETTINGS, &q, detail, size)) != CS_OK)
        return err;
    if ((err = sql_step(q, &row, "reading the settings", detail, size)) != CS_OK)
        goto fail;
    if (!row) {
        err = cs_detail_fail(detail, size, CS_ERR_REGISTRY_SCHEMA,
                             "the registry has no settings (it was never completed; "
                             "create it again with certseal init)");
        goto fail;
    }
    err = CS_ERR_NO_MEMORY;
    const char *role = sql_column_text(q, 0);
    r->role = role != NULL && strcmp(role, "accreditation-body") == 0 ? CS_REGISTRY_ROLE_AB
                                                                      : CS_REGISTRY_ROLE_CB;
    if ((blob = sql_column_blob(q, 2, &len)) != NULL && len == CS_KID_SIZE) {
        memcpy(r->kid, blob, CS_KID_SIZE);
        r->has_kid = true;
    }
    if (sql_column_type(q, 3) == REGISTRY_SQL_BLOB) {
        blob = sql_column_blob(q, 3, &r->accreditation_len);
        if ((r->accreditation = malloc(r->accreditation_len + 1)) == NULL)
            goto fail;
        memcpy(r->accreditation, blob, r->accreditation_len);
    }
    r->list_entries = (uint64_t)sql_column_int64(q, 6);
    if ((r->key_path = column_strdup(q, 1)) == NULL ||
        (r->status_uri = column_strdup(q, 4)) == NULL)
        goto fail;
    if (sql_column_type(q, 5) != REGISTRY_SQL_NULL && (r->link_base = column_strdup(q, 5)) == NULL)
        goto fail;
    err = CS_OK;
fail:
    sql_reset(q);
    return err;
}

/* The login name of the process's user, for events without an actor. */
static char *process_user(void)
{
    struct passwd pw, *found = NULL;
    char buf[1024], fallback[32];
    if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) == 0 && found != NULL &&
        found->pw_name != NULL && found->pw_name[0] != '\0')
        return strdup(found->pw_name);
    snprintf(fallback, sizeof(fallback), "uid %u", (unsigned)geteuid());
    return strdup(fallback);
}

void cs_registry_close(cs_registry_t **registry)
{
    if (registry == NULL || *registry == NULL)
        return;
    cs_registry_t *r = *registry;
    if (r->engine != NULL)
        r->engine->close(&r->db);
    free(r->key_path);
    free(r->status_uri);
    free(r->link_base);
    free(r->accreditation);
    free(r->user);
    free(r->replayed_token);
    cs_cbor_writer_free(&r->claims);
    cs_crypto_wipe(r->random_pool, sizeof(r->random_pool));
    free(r);
    *registry = NULL;
}

cs_err registry_new_handle(const char *location, cs_registry_t **out)
{
    cs_registry_t *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return CS_ERR_NO_MEMORY;
    r->engine = registry_engine_of(location);
    cs_cbor_writer_init(&r->claims);
    r->issue_flags = CS_ISSUE_VERIFY_SIGNATURE;
    if ((r->user = process_user()) == NULL) {
        free(r);
        return CS_ERR_NO_MEMORY;
    }
    *out = r;
    return CS_OK;
}

bool cs_registry_location_is_uri(const char *location)
{
    return registry_location_is_uri(location);
}

/* Copies [text, text + len) to out at *n, cut at size. */
static void append(char *out, size_t size, size_t *n, const char *text, size_t len)
{
    for (size_t i = 0; i < len && *n + 1 < size; i++)
        out[(*n)++] = text[i];
    out[*n] = '\0';
}

void cs_registry_location_redact(const char *location, char *out, size_t size)
{
    const char *p, *authority, *end, *at = NULL;
    size_t n = 0;

    if (out == NULL || size == 0)
        return;
    out[0] = '\0';
    if (location == NULL)
        return;
    if (!registry_location_is_uri(location)) {
        append(out, size, &n, location, strlen(location));
        return;
    }
    authority = strstr(location, "://") + 3;
    end = authority + strcspn(authority, "/?");
    for (p = authority; p < end; p++)
        if (*p == '@')
            at = p;
    p = location;
    if (at != NULL) {
        const char *colon = memchr(authority, ':', (size_t)(at - authority));
        if (colon != NULL) {
            append(out, size, &n, location, (size_t)(colon + 1 - location));
            append(out, size, &n, "***", 3);
            p = at;
        }
    }
    /* The query: password=VALUE among the parameters. */
    while (*p != '\0') {
        bool starts =
            (p > location && (p[-1] == '?' || p[-1] == '&')) && strncmp(p, "password=", 9) == 0;
        if (starts) {
            append(out, size, &n, p, 9);
            append(out, size, &n, "***", 3);
            p += 9 + strcspn(p + 9, "&");
            continue;
        }
        append(out, size, &n, p, 1);
        p++;
    }
}

bool registry_location_is_uri(const char *location)
{
    return location != NULL && (strncmp(location, "postgresql://", 13) == 0 ||
                                strncmp(location, "postgres://", 11) == 0);
}

const registry_engine *registry_engine_of(const char *location)
{
    return registry_location_is_uri(location) ? &registry_engine_pg : &registry_engine_sqlite;
}

cs_err cs_registry_open(const char *location, cs_registry_t **out, char *detail, size_t detail_size)
{
    cs_registry_t *r = NULL;
    cs_err err;

    if (location == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = registry_new_handle(location, &r)) != CS_OK)
        return err;
    if ((err = r->engine->open(r, location, false, NULL, NULL, detail, detail_size)) != CS_OK ||
        (err = registry_load_settings(r, detail, detail_size)) != CS_OK) {
        cs_registry_close(&r);
        return err;
    }
    *out = r;
    return CS_OK;
}

cs_err registry_open_with(const char *path, const registry_migration *steps, size_t count,
                          cs_registry_t **out, char *detail, size_t detail_size)
{
    cs_registry_t *r = NULL;
    cs_err err;

    if (path == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = registry_new_handle(path, &r)) != CS_OK)
        return err;
    r->engine = &registry_engine_sqlite;
    if ((err = registry_sqlite_open_history(r, path, steps, count, detail, detail_size)) != CS_OK ||
        (err = registry_load_settings(r, detail, detail_size)) != CS_OK) {
        cs_registry_close(&r);
        return err;
    }
    *out = r;
    return CS_OK;
}
