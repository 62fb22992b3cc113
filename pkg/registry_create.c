/* SPDX-License-Identifier: ISC */
/*
 * Creating a registry (DESIGN §5): it appears with its schema and
 * settings, or not at all, in a file or on a PostgreSQL server.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "certseal/cose.h"
#include "registry_db.h"

/* ---- creating ----------------------------------------------------------------- */

typedef struct new_settings {
    const cs_registry_settings *given;
    cs_registry_role role;
    uint64_t list_entries;
    const uint8_t *accreditation; /* COSE bytes */
    size_t accreditation_len;
    uint8_t kid[CS_KID_SIZE];
    bool has_kid;
} new_settings;

/* The AC of a CB registry, checked to be one; its cnf key names the kid
 * every certificate of this registry must be signed with. */
static cs_err read_accreditation(new_settings *s, cs_token_codec_t *codec, char *detail,
                                 size_t size)
{
    cs_cose_sign1 msg = {0};
    cs_accreditation ac = {0};
    cs_form form;
    cs_err err;

    if ((err = cs_token_unwrap(codec, s->given->accreditation, s->given->accreditation_len, &form,
                               &s->accreditation, &s->accreditation_len)) != CS_OK ||
        (err = cs_cose_sign1_decode(s->accreditation, s->accreditation_len, &msg)) != CS_OK) {
        err = cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                             "the accreditation credential does not decode (%s)", cs_strerror(err));
        goto fail;
    }
    if (!cs_cose_sign1_has_typ(&msg, CS_TYP_ACCREDITATION)) {
        err = cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                             "the file is not an accreditation credential (typ \"%s\" "
                             "expected)",
                             CS_TYP_ACCREDITATION);
        goto fail;
    }
    if ((err = cs_accreditation_decode_claims(msg.payload, msg.payload_len, &ac, NULL, 0)) !=
        CS_OK) {
        err = cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                             "the accreditation credential's claims do not decode (%s)",
                             cs_strerror(err));
        goto fail;
    }
    memcpy(s->kid, cs_key_kid(ac.subject_key), CS_KID_SIZE);
    s->has_kid = true;
fail:
    cs_accreditation_clear(&ac);
    cs_cose_sign1_clear(&msg);
    return err;
}

static cs_err check_settings(new_settings *s, cs_token_codec_t *codec, char *detail, size_t size)
{
    const cs_registry_settings *g = s->given;
    cs_err err;

    if (g->key_path == NULL || g->key_path[0] == '\0')
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT, "no key path given");
    if (g->status_uri == NULL || g->status_uri[0] == '\0' ||
        strlen(g->status_uri) > CS_STATUS_URI_MAX)
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the status list URI is empty or longer than %d bytes",
                              CS_STATUS_URI_MAX);
    if (g->link_base != NULL && cs_token_check_link_base(g->link_base) != CS_OK)
        return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                              "the link base \"%s\" is not an http(s) URL without query "
                              "(e.g. https://verify.example.org/v)",
                              g->link_base);
    s->list_entries = g->list_entries != 0 ? g->list_entries : CS_REGISTRY_DEFAULT_LIST_ENTRIES;
    if (s->list_entries < CS_STATUS_LIST_MIN || s->list_entries > CS_STATUS_LIST_MAX)
        return cs_detail_fail(
            detail, size, CS_ERR_ARGUMENT, "the status list size %llu is outside %u to %u entries",
            (unsigned long long)s->list_entries, CS_STATUS_LIST_MIN, CS_STATUS_LIST_MAX);
    s->role = g->accreditation != NULL ? CS_REGISTRY_ROLE_CB : CS_REGISTRY_ROLE_AB;
    if (s->role == CS_REGISTRY_ROLE_CB &&
        (err = read_accreditation(s, codec, detail, size)) != CS_OK)
        return err;
    if (g->issuer_key != NULL) {
        if (s->has_kid && !cs_crypto_equal(s->kid, cs_key_kid(g->issuer_key), CS_KID_SIZE))
            return cs_detail_fail(detail, size, CS_ERR_ARGUMENT,
                                  "the key is not the one the accreditation credential "
                                  "accredits (use the accredited key)");
        memcpy(s->kid, cs_key_kid(g->issuer_key), CS_KID_SIZE);
        s->has_kid = true;
    }
    return CS_OK;
}

static cs_err insert_settings(void *ctx, cs_registry_t *registry, char *detail, size_t size)
{
    const new_settings *s = ctx;
    registry_query *q = NULL;
    cs_err err;

    if ((err = registry_prepare(registry, SQL_INSERT_SETTINGS, &q, detail, size)) != CS_OK)
        return err;
    sql_bind_text(q, 1, cs_registry_role_name(s->role));
    sql_bind_text(q, 2, s->given->key_path);
    sql_bind_blob(q, 3, s->has_kid ? s->kid : NULL, CS_KID_SIZE);
    sql_bind_blob(q, 4, s->accreditation, s->accreditation_len);
    sql_bind_text(q, 5, s->given->status_uri);
    sql_bind_text(q, 6, s->given->link_base);
    sql_bind_int64(q, 7, (int64_t)s->list_entries);
    sql_bind_int64(q, 8, (int64_t)time(NULL));
    return registry_run_bound(q, "recording the settings", detail, size);
}

cs_err cs_registry_create(const char *location, const cs_registry_settings *settings,
                          cs_registry_t **out, char *detail, size_t detail_size)
{
    new_settings s = {.given = settings};
    cs_token_codec_t *codec = NULL;
    cs_registry_t *r = NULL;
    cs_err err;

    if (location == NULL || settings == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = cs_token_codec_new(&codec)) != CS_OK ||
        (err = check_settings(&s, codec, detail, detail_size)) != CS_OK ||
        (err = registry_new_handle(location, &r)) != CS_OK)
        goto fail;
    /* The engine makes the schema and the settings one transaction, and
     * leaves nothing behind when it fails. */
    if ((err = r->engine->open(r, location, true, insert_settings, &s, detail, detail_size)) !=
            CS_OK ||
        (err = registry_load_settings(r, detail, detail_size)) != CS_OK)
        goto fail;
    cs_token_codec_free(&codec);
    *out = r;
    return CS_OK;
fail:
    cs_registry_close(&r);
    cs_token_codec_free(&codec);
    return err;
}
