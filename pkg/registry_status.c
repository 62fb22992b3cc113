/* SPDX-License-Identifier: ISC */
/*
 * Status changes (the lifecycle of registry.h) and publishing the status
 * list (DESIGN §3, §5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

#include "registry_db.h"

/* ---- status changes ----------------------------------------------------------- */

const char *cs_registry_action_name(cs_registry_action action)
{
    switch (action) {
    case CS_REGISTRY_SUSPEND:
        return "suspend";
    case CS_REGISTRY_REINSTATE:
        return "reinstate";
    case CS_REGISTRY_WITHDRAW:
        return "withdraw";
    }
    return "unknown";
}

/* The lifecycle of registry.h: the status an action leads to from `from`,
 * and the event it records; false when the action is not allowed. */
static bool transition(cs_registry_action action, cs_status from, cs_status *to, const char **event)
{
    switch (action) {
    case CS_REGISTRY_SUSPEND:
        *to = CS_STATUS_SUSPENDED, *event = "suspended";
        return from == CS_STATUS_VALID;
    case CS_REGISTRY_REINSTATE:
        *to = CS_STATUS_VALID, *event = "reinstated";
        return from == CS_STATUS_SUSPENDED;
    case CS_REGISTRY_WITHDRAW:
        *to = CS_STATUS_WITHDRAWN, *event = "withdrawn";
        return from == CS_STATUS_VALID || from == CS_STATUS_SUSPENDED;
    }
    return false;
}

static const char *allowed_from(cs_registry_action action)
{
    switch (action) {
    case CS_REGISTRY_SUSPEND:
        return "only a valid one can be suspended";
    case CS_REGISTRY_REINSTATE:
        return "only a suspended one can be reinstated";
    case CS_REGISTRY_WITHDRAW:
        return "only a valid or suspended one can be withdrawn";
    }
    return "";
}

const char *registry_status_word(cs_status status)
{
    static const char *const names[] = {"valid", "withdrawn", "suspended", "superseded"};
    return (unsigned)status < 4 ? names[status] : "unknown";
}

cs_err cs_registry_change_status(cs_registry_t *registry, const char *number,
                                 cs_registry_action action, const cs_registry_actor *actor,
                                 cs_status *new_status, char *detail, size_t detail_size)
{
    return cs_registry_change_status_of(registry, number, NULL, action, actor, new_status, detail,
                                        detail_size);
}

/* Several current credentials under one number: which, by kid. */
static cs_err ambiguous(cs_registry_t *registry, const char *number, unsigned matches,
                        char *detail, size_t size)
{
    char kids[CS_DETAIL_SIZE / 2] = "";
    size_t used = 0;
    registry_query *q = NULL;
    bool row = false;

    if (registry_prepare(registry, SQL_CURRENT_KIDS, &q, NULL, 0) == CS_OK) {
        sql_bind_text(q, 1, number);
        while (sql_step(q, &row, "listing the keys", NULL, 0) == CS_OK && row &&
               used + 20 < sizeof(kids)) {
            size_t len = 0;
            const uint8_t *kid = sql_column_blob(q, 0, &len);
            if (kid == NULL || len != CS_KID_SIZE)
                continue;
            if (used > 0)
                used += (size_t)snprintf(kids + used, sizeof(kids) - used, ", ");
            for (size_t i = 0; i < CS_KID_SIZE; i++)
                used += (size_t)snprintf(kids + used, sizeof(kids) - used, "%02x", kid[i]);
        }
        sql_reset(q);
    }
    return cs_detail_fail(detail, size, CS_ERR_REGISTRY_AMBIGUOUS,
                          "accreditation \"%s\" has %u current credentials, one per key (%s); "
                          "name the key's credential with --kid KID",
                          number, matches, kids);
}

/* One attempt of cs_registry_change_status_of(): one transaction. */
static cs_err change_status_once(cs_registry_t *registry, const char *number,
                                 const uint8_t *key_kid, cs_registry_action action,
                                 const cs_registry_actor *actor, cs_status *new_status,
                                 char *detail, size_t detail_size)
{
    registry_current cur;
    registry_query *q = NULL;
    const char *event = NULL;
    cs_status to = CS_STATUS_VALID;
    bool found = false;
    cs_err err;

    if ((err = registry_begin_write(registry, detail, detail_size)) != CS_OK)
        return err;
    if ((err = registry_find_current_key(registry, number, key_kid, &found, &cur, NULL, NULL,
                                         detail, detail_size)) != CS_OK)
        goto fail;
    if (found && cur.matches > 1) {
        err = ambiguous(registry, number, cur.matches, detail, detail_size);
        goto fail;
    }
    if (!found && key_kid != NULL) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_REGISTRY_NOT_FOUND,
                             "no current %s \"%s\" for that key in this registry (check the "
                             "number and kid with certseal list)",
                             registry_noun(registry), number);
        goto fail;
    }
    if (!found) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_REGISTRY_NOT_FOUND,
                             "no %s \"%s\" in this registry (check the number with certseal "
                             "list)",
                             registry_noun(registry), number);
        goto fail;
    }
    if (!transition(action, cur.status, &to, &event)) {
        err = cs_detail_fail(detail, detail_size, CS_ERR_REGISTRY_TRANSITION, "%s \"%s\" is %s; %s",
                             registry_noun(registry), number, registry_status_word(cur.status),
                             allowed_from(action));
        goto fail;
    }
    if ((err = registry_prepare(registry, SQL_SET_STATUS, &q, detail, detail_size)) != CS_OK)
        goto fail;
    sql_bind_int64(q, 1, cur.id);
    sql_bind_int64(q, 2, (int64_t)to);
    sql_bind_int64(q, 3, 1);
    if ((err = registry_run_bound(q, "changing the status", detail, detail_size)) != CS_OK ||
        (err = registry_insert_event(registry, number, cur.revision, (int64_t)time(NULL), event,
                                     actor, detail, detail_size)) != CS_OK ||
        (err = registry_commit(registry, detail, detail_size)) != CS_OK)
        goto fail;
    if (new_status != NULL)
        *new_status = to;
    return CS_OK;
fail:
    registry_rollback(registry);
    return err;
}

cs_err cs_registry_change_status_of(cs_registry_t *registry, const char *number,
                                    const uint8_t *key_kid, cs_registry_action action,
                                    const cs_registry_actor *actor, cs_status *new_status,
                                    char *detail, size_t detail_size)
{
    unsigned attempt = 0;
    cs_err err;

    if (registry == NULL || number == NULL ||
        (action != CS_REGISTRY_SUSPEND && action != CS_REGISTRY_REINSTATE &&
         action != CS_REGISTRY_WITHDRAW))
        return CS_ERR_ARGUMENT;
    if ((err = registry_check_actor(actor, detail, detail_size)) != CS_OK)
        return err;
    do
        err = change_status_once(registry, number, key_kid, action, actor, new_status, detail,
                                 detail_size);
    while (registry_retry_wait(++attempt, err, detail, detail_size));
    return err;
}

/* ---- publishing ----------------------------------------------------------------- */

/* The status an event leaves its revision in; false for an unknown one. */
static bool status_after(const char *action, cs_status *status)
{
    static const struct {
        const char *action;
        cs_status status;
    } after[] = {
        {"issued", CS_STATUS_VALID},          {"reinstated", CS_STATUS_VALID},
        {"suspended", CS_STATUS_SUSPENDED},   {"withdrawn", CS_STATUS_WITHDRAWN},
        {"superseded", CS_STATUS_SUPERSEDED},
    };
    for (size_t i = 0; action != NULL && i < sizeof(after) / sizeof(after[0]); i++)
        if (strcmp(action, after[i].action) == 0) {
            *status = after[i].status;
            return true;
        }
    return false;
}

/* A number from the file as printable ASCII for a message: the file may
 * have been written by anyone, so no byte reaches a terminal as is. */
static void printable(const char *text, char *out, size_t size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(text != NULL ? text : "");
         *p != '\0' && n + 5 < size; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
            out[n++] = (char)*p;
        else
            n += (size_t)snprintf(out + n, size - n, "\\x%02x", *p);
    }
    out[n] = '\0';
}

/* The row's status must be the one its event log leads to: a status set
 * in the file by hand (no event, so no actor, no time, no reason) is
 * refused rather than published. */
static cs_err check_against_log(cs_registry_t *registry, registry_query *q, cs_status *status,
                                char *detail, size_t size)
{
    cs_status stored = (cs_status)sql_column_int64(q, 1), logged;
    const char *action = sql_column_text(q, 4);
    char number[3 * 64 + 1];

    if (status_after(action, &logged) && logged == stored) {
        *status = logged;
        return CS_OK;
    }
    printable(sql_column_text(q, 2), number, sizeof(number));
    if (action == NULL || !status_after(action, &logged))
        return cs_detail_fail(detail, size, CS_ERR_REGISTRY_EVENT_LOG,
                              "%s \"%s\" (revision %lld) has no event that records its issue: it "
                              "was added outside certseal; nothing was published (restore the "
                              "registry from a backup)",
                              registry_noun(registry), number,
                              (long long)sql_column_int64(q, 3));
    return cs_detail_fail(detail, size, CS_ERR_REGISTRY_EVENT_LOG,
                          "%s \"%s\" (revision %lld) is recorded as %s but its event log says "
                          "%s: the status was changed outside certseal; nothing was published "
                          "(find who changed it, then restore the registry from a backup or set "
                          "the status back to %s; certseal list --history shows the events)",
                          registry_noun(registry), number,
                          (long long)sql_column_int64(q, 3), registry_status_word(stored),
                          registry_status_word(logged), registry_status_word(logged));
}

/* The list as of one read transaction: every entry that is not valid, as
 * the event log has it. */
static cs_err build_list(cs_registry_t *registry, cs_status_list_t **out, char *detail, size_t size)
{
    cs_status_list_t *list = NULL;
    registry_query *q = NULL;
    bool row = false;
    cs_err err;

    if ((err = cs_status_list_new((size_t)registry->list_entries, CS_STATUS_BITS, &list)) != CS_OK)
        return err;
    /* One snapshot (PostgreSQL: REPEATABLE READ, read only), so that what
     * stations issue meanwhile is in the list whole or not at all. */
    if ((err = registry_begin_snapshot(registry, detail, size)) != CS_OK ||
        (err = registry_prepare(registry, SQL_ALL_STATUSES, &q, detail, size)) != CS_OK)
        goto fail;
    while ((err = sql_step(q, &row, "reading the statuses", detail, size)) == CS_OK && row) {
        uint64_t index = (uint64_t)sql_column_int64(q, 0);
        cs_status status = CS_STATUS_VALID;
        if ((err = check_against_log(registry, q, &status, detail, size)) != CS_OK)
            goto fail;
        if (status != CS_STATUS_VALID && cs_status_list_set(list, index, status) != CS_OK) {
            err = cs_detail_fail(detail, size, CS_ERR_REGISTRY,
                                 "status index %llu does not fit the list of %llu entries "
                                 "(the registry is damaged)",
                                 (unsigned long long)index,
                                 (unsigned long long)registry->list_entries);
            goto fail;
        }
    }
    if (err != CS_OK)
        goto fail;
    sql_reset(q);
    if ((err = registry_commit(registry, detail, size)) != CS_OK)
        goto fail;
    *out = list;
    return CS_OK;
fail:
    if (q != NULL)
        sql_reset(q);
    registry_rollback(registry);
    cs_status_list_free(&list);
    return err;
}

/* An AB registry created without its key learns it here or at its first
 * accreditation; from then on only that key signs. */
static cs_err check_publish_key(cs_registry_t *registry, const cs_key_t *key, char *detail,
                                size_t size)
{
    bool recorded = false;
    cs_err err;

    if (registry->has_kid || key == NULL)
        return registry_check_key(registry, key, NULL, detail, size);
    if ((err = registry_begin_write(registry, detail, size)) != CS_OK)
        return err;
    if ((err = registry_check_key(registry, key, &recorded, detail, size)) != CS_OK ||
        (err = registry_commit(registry, detail, size)) != CS_OK) {
        registry_rollback(registry);
        if (recorded)
            registry->has_kid = false;
    }
    return err;
}

cs_err cs_registry_publish(cs_registry_t *registry, const cs_key_t *key, const char *path,
                           int64_t issued_at, int64_t valid_for_seconds, uint64_t ttl, char *detail,
                           size_t detail_size)
{
    cs_status_token_params params = {0};
    cs_status_list_t *list = NULL;
    uint8_t *token = NULL;
    size_t token_len = 0;
    cs_err err;

    if (registry == NULL || path == NULL)
        return CS_ERR_ARGUMENT;
    if (issued_at <= 0 || valid_for_seconds <= 0 || issued_at > INT64_MAX - valid_for_seconds)
        return cs_detail_fail(detail, detail_size, CS_ERR_ARGUMENT,
                              "the list's issue time and validity must be positive");
    if ((err = check_publish_key(registry, key, detail, detail_size)) != CS_OK ||
        (err = build_list(registry, &list, detail, detail_size)) != CS_OK)
        goto fail;
    /* A publish killed between its temporary file and the rename leaves
     * the file behind; the next one removes it, once it is old enough not
     * to be the work of a publish still running. */
    if ((err = cs_file_remove_stale(path, (int64_t)time(NULL), CS_FILE_STALE_SECONDS, NULL)) !=
        CS_OK)
        goto fail;
    params.uri = registry->status_uri;
    params.issued_at = issued_at;
    params.expires = issued_at + valid_for_seconds;
    params.ttl = ttl;
    /* A CB's list carries the AC of its signing key (DESIGN §3), so that a
     * list signed after a key change counts for what the old key issued. */
    if (registry->role == CS_REGISTRY_ROLE_CB) {
        params.accreditation = registry->accreditation;
        params.accreditation_len = registry->accreditation_len;
    }
    if ((err = cs_status_token_sign(key, list, &params, &token, &token_len)) != CS_OK) {
        cs_detail_fail(detail, detail_size, err, "signing the status list: %s", cs_strerror(err));
        goto fail;
    }
    /* Readers see the old list or the new one, never a part (rename). */
    if ((err = cs_file_write_atomic(path, token, token_len, 0644, CS_FILE_REPLACE)) != CS_OK)
        cs_detail_fail(detail, detail_size, err, "writing the status list: %s", cs_strerror(err));
fail:
    free(token);
    cs_status_list_free(&list);
    return err;
}
