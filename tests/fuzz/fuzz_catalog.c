/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the standards catalog (pkg/catalog.c,
 * catalog_check.c, catalog_sign.c): any input is parsed as catalog JSON
 * and opened as a signed catalog against the demo root IAF-DEMO
 * (keys-example/, public); a catalog that parses is asked about every
 * edition it lists (state, issue and accreditation rules, did you mean)
 * and printed as text.  Seeds: schemas/catalog.json and catalogs signed by
 * the demo root.  Nothing but a clean error may come of any input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/catalog.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* keys-example/iaf-demo-root.key.pub (DEMO ONLY). */
static const char ROOT_KEY[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MCowBQYDK2VwAyEAMMxtluvcdLYVLpTPKUxqN1pF4c2F9HgiBqWozSOPwK8=\n"
                               "-----END PUBLIC KEY-----\n";

static cs_key_t *root;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cs_key_load_public_pem(ROOT_KEY, sizeof(ROOT_KEY) - 1, &root) != CS_OK)
        abort();
    return 0;
}

static void probe(const cs_catalog *cat)
{
    char buf[128], detail[512];
    char *text = NULL;

    for (size_t i = 0; i < cat->family_count; i++) {
        const cs_catalog_family *f = &cat->families[i];
        for (size_t e = 0; e < f->edition_count; e++) {
            const char *d = f->editions[e].designation;
            if (cs_catalog_find(cat, d, NULL) == NULL)
                abort(); /* every listed edition is found */
            (void)cs_catalog_edition_state(cat, d, 1600000000, NULL);
            (void)cs_catalog_check_certificate(cat, d, 1600000000, 1700000000, 1, 1, 0, detail,
                                               sizeof(detail));
            (void)cs_catalog_check_accreditation(cat, d, 1700000000, 0, detail, sizeof(detail));
            if (!cs_catalog_suggest(cat, d, buf, sizeof(buf)))
                abort(); /* an edition suggests itself */
        }
    }
    if (cs_catalog_format_text(cat, &text) == CS_OK)
        free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_catalog *cat = NULL;
    char detail[512], buf[128];
    const cs_key_t *roots[] = {root};

    if (cs_catalog_parse((const char *)data, size, &cat, detail, sizeof(detail)) == CS_OK) {
        probe(cat);
        cs_catalog_free(&cat);
    }
    if (cs_catalog_open_signed(data, size, roots, 1, 0, &cat, detail, sizeof(detail)) == CS_OK) {
        probe(cat);
        cs_catalog_free(&cat);
    }
    /* The input as a designation to suggest for, when it is short text. */
    if (size < 100 && memchr(data, 0, size) == NULL) {
        char name[101];
        cs_catalog *builtin = NULL;
        memcpy(name, data, size);
        name[size] = '\0';
        if (cs_catalog_load_builtin(&builtin) == CS_OK) {
            (void)cs_catalog_suggest(builtin, name, buf, sizeof(buf));
            (void)cs_catalog_edition_state(builtin, name, 1700000000, NULL);
            cs_catalog_free(&builtin);
        }
    }
    return 0;
}
