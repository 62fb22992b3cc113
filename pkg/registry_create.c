/* SPDX-License-Identifier: ISC */
/*
 * Creating a registry (DESIGN §5): the file appears with its schema and
 * settings, or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static cs_err insert_settings(void *ctx, sqlite3 *db, char *detail, size_t size)
{
    static const char sql[] = "INSERT INTO settings (id, role, key_path, issuer_kid, "
                              "accreditation, status_uri, link_base, list_entries, created_at) "
                              "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    const new_settings *s = ctx;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);

    if (rc == SQLITE_OK) {
        sqlite3_bind_text(stmt, 1, cs_registry_role_name(s->role), -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, s->given->key_path, -1, SQLITE_STATIC);
        if (s->has_kid)
            sqlite3_bind_blob(stmt, 3, s->kid, CS_KID_SIZE, SQLITE_STATIC);
        if (s->accreditation != NULL)
            sqlite3_bind_blob(stmt, 4, s->accreditation, (int)s->accreditation_len, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 5, s->given->status_uri, -1, SQLITE_STATIC);
        if (s->given->link_base != NULL)
            sqlite3_bind_text(stmt, 6, s->given->link_base, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 7, (sqlite3_int64)s->list_entries);
        sqlite3_bind_int64(stmt, 8, (sqlite3_int64)time(NULL));
        rc = sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE)
        return CS_OK;
    return cs_detail_fail(detail, size, rc == SQLITE_BUSY ? CS_ERR_REGISTRY_BUSY : CS_ERR_REGISTRY,
                          "recording the settings: %s", sqlite3_errmsg(db));
}

/* Removes a registry file that could not be completed, with SQLite's
 * companions. */
static void remove_files(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char name[4096];
        if ((size_t)snprintf(name, sizeof(name), "%s%s", path, suffixes[i]) < sizeof(name))
            (void)unlink(name);
    }
}

cs_err cs_registry_create(const char *path, const cs_registry_settings *settings,
                          cs_registry_t **out, char *detail, size_t detail_size)
{
    new_settings s = {.given = settings};
    cs_token_codec_t *codec = NULL;
    cs_registry_t *r = NULL;
    bool created = false;
    int version = 0, fd;
    cs_err err;

    if (path == NULL || settings == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((err = cs_token_codec_new(&codec)) != CS_OK ||
        (err = check_settings(&s, codec, detail, detail_size)) != CS_OK ||
        (err = registry_new_handle(&r)) != CS_OK)
        goto fail;
    /* O_EXCL: of two processes creating the same registry, one wins. */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
        err = errno == EEXIST
                  ? cs_detail_fail(detail, detail_size, CS_ERR_REGISTRY_EXISTS,
                                   "the file exists (open it, or choose another path)")
                  : cs_detail_fail(detail, detail_size, CS_ERR_IO_OPEN, "%s", strerror(errno));
        goto fail;
    }
    close(fd);
    created = true;
    if ((err = registry_open_db(r, path, detail, detail_size)) != CS_OK ||
        (err = registry_schema_check(r->db, true, &version, detail, detail_size)) != CS_OK ||
        (err = registry_schema_upgrade(r->db, registry_migrations, registry_migration_count,
                                       insert_settings, &s, detail, detail_size)) != CS_OK ||
        (err = registry_load_settings(r, detail, detail_size)) != CS_OK)
        goto fail;
    cs_token_codec_free(&codec);
    *out = r;
    return CS_OK;
fail:
    cs_registry_close(&r);
    cs_token_codec_free(&codec);
    if (created)
        remove_files(path);
    return err;
}
