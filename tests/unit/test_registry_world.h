/* SPDX-License-Identifier: ISC */
/*
 * tests/unit/test_registry_world.h - the scenario the registry tests share
 * (test_registry.c, test_registry_crash.c): an accreditation body, a
 * certification body accredited by it, an issuer and a verifier that
 * trusts the AB, and a temporary folder for registry files.  Static
 * functions, included by those tests only.
 */
#ifndef CERTSEAL_TEST_REGISTRY_WORLD_H
#define CERTSEAL_TEST_REGISTRY_WORLD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certseal/certseal.h"
#include "certseal/status.h"
#include "helper_files.h"
#include "helper_tokens.h"

#define RECORD_PATH "tests/fixtures/record-typical.json"
#define STATUS_URI "https://cb.example.org/status/1"
#define LINK_BASE "https://verify.example.org/v"
#define CB_ID "cb.example.org"
#define ACC_NO "UKAS-0042"

typedef struct registry_world {
    cs_key_t *ab, *cb, *other;
    uint8_t *ac;
    size_t ac_len;
    cs_issuer_t *issuer;
    cs_trust_t *trust;
    cs_verifier_t *verifier;
    char dir[256];
    char path[300]; /* dir/cb.db */
} registry_world;

static const char *world_standards[] = {"ISO 9001:2015", "ISO/IEC 27001:2022"};
static uint64_t world_iaf[] = {17, 18, 19};

static int64_t world_date(const char *text)
{
    int64_t t = 0;
    if (cs_date_parse(text, &t) != CS_OK)
        abort();
    return t;
}

static int world_setup(registry_world *w)
{
    char detail[256] = "";
    const char *tmp = getenv("TMPDIR");
    cs_key_t *pub = NULL;
    cs_accreditation_params ac = {
        .issuer = "UKAS",
        .subject = CB_ID,
        .name = "Example Certification Ltd",
        .number = ACC_NO,
        .country = "GB",
        .standards = world_standards,
        .standard_count = 2,
        .iaf_codes = world_iaf,
        .iaf_count = 3,
        .not_before = world_date("2026-01-01"),
        .expires = world_date("2031-01-01"),
        .issued_at = world_date("2026-01-01"),
    };

    memset(w, 0, sizeof(*w));
    snprintf(w->dir, sizeof(w->dir), "%s/certseal-registry-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(w->dir) == NULL)
        return -1;
    snprintf(w->path, sizeof(w->path), "%s/cb.db", w->dir);
    if (cs_key_generate(CS_ALG_EDDSA, &w->ab) != CS_OK ||
        cs_key_generate(CS_ALG_EDDSA, &w->cb) != CS_OK ||
        cs_key_generate(CS_ALG_EDDSA, &w->other) != CS_OK)
        return -1;
    ac.subject_key = w->cb;
    if (cs_accreditation_sign(w->ab, &ac, &w->ac, &w->ac_len, NULL, 0) != CS_OK ||
        cs_issuer_new(w->cb, w->ac, w->ac_len, &w->issuer, detail, sizeof(detail)) != CS_OK ||
        helper_public_copy(w->ab, &pub) != CS_OK || cs_trust_new(&w->trust) != CS_OK ||
        cs_trust_add_key(w->trust, &pub) != CS_OK ||
        cs_verifier_new(w->trust, &w->verifier) != CS_OK) {
        fprintf(stderr, "setup: %s\n", detail);
        return -1;
    }
    cs_verifier_set_time(w->verifier, world_date("2027-06-01"));
    return 0;
}

/* Removes the files of the temporary folder (flat), then the folder. */
static void world_clean_dir(const char *dir)
{
    (void)helper_remove_dir(dir);
}

static void world_teardown(registry_world *w)
{
    cs_verifier_free(&w->verifier);
    cs_trust_free(&w->trust);
    cs_issuer_free(&w->issuer);
    free(w->ac);
    cs_key_free(&w->ab);
    cs_key_free(&w->cb);
    cs_key_free(&w->other);
    if (w->dir[0] != '\0')
        world_clean_dir(w->dir);
}

/* The CB registry's settings for this world. */
static cs_registry_settings world_cb_settings(const registry_world *w, uint64_t entries)
{
    cs_registry_settings s = {.key_path = "cb.key",
                              .accreditation = w->ac,
                              .accreditation_len = w->ac_len,
                              .status_uri = STATUS_URI,
                              .link_base = LINK_BASE,
                              .list_entries = entries};
    return s;
}

/* The typical record under another number (cleared by the caller). */
static cs_err world_cert(cs_certificate *cert, const char *number)
{
    cs_err err = helper_load_record(RECORD_PATH, cert);
    if (err != CS_OK)
        return err;
    free(cert->number);
    if ((cert->number = strdup(number)) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

/* Numbers "C-<prefix>-<i>" for certs[0..count). */
static cs_err world_certs(cs_certificate *certs, size_t count, const char *prefix)
{
    for (size_t i = 0; i < count; i++) {
        char number[64];
        snprintf(number, sizeof(number), "C-%s-%zu", prefix, i);
        cs_err err = world_cert(&certs[i], number);
        if (err != CS_OK)
            return err;
    }
    return CS_OK;
}

static void world_certs_clear(cs_certificate *certs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        cs_certificate_clear(&certs[i]);
}

#endif
