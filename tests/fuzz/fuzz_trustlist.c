/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the trust list (pkg/trustlist.c, trustlist_verify.c):
 * any input is decoded with cs_trustlist_decode(); a list that decodes is
 * verified against the demo root IAF-DEMO (keys-example/, public), looked
 * up by the kid of each of its keys, asked about each recognition, and
 * encoded again (which must succeed for a list without a catalog).  The
 * seeds are the demo list of docs/wire-format.md and lists signed by that
 * root, so that inputs reach the claims behind a real signature.  Nothing
 * but a clean error may come of any input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/trustlist.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* keys-example/iaf-demo-root.key.pub (DEMO ONLY). */
static const char ROOT_KEY[] = "-----BEGIN PUBLIC KEY-----\n"
                               "MCowBQYDK2VwAyEAMMxtluvcdLYVLpTPKUxqN1pF4c2F9HgiBqWozSOPwK8=\n"
                               "-----END PUBLIC KEY-----\n";

static cs_key_t *root;
static cs_trustlist_history_t *history;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cs_key_load_public_pem(ROOT_KEY, sizeof(ROOT_KEY) - 1, &root) != CS_OK ||
        cs_trustlist_history_new(NULL, &history) != CS_OK)
        abort();
    return 0;
}

/* Every key is found by its kid, and every recognition answers. */
static void probe(const cs_trustlist *list)
{
    for (size_t i = 0; i < list->ab_count; i++) {
        const cs_trustlist_ab *ab = &list->abs[i];
        for (size_t k = 0; k < ab->key_count; k++) {
            const cs_trustlist_ab *found = NULL;
            size_t cursor = 0;
            bool seen = false;
            const cs_trustlist_key *key;
            while ((key = cs_trustlist_key_next(list, cs_key_kid(ab->keys[k].key), &cursor,
                                                &found)) != NULL)
                seen = seen || key == &ab->keys[k];
            if (!seen)
                abort();
        }
        for (size_t r = 0; r < ab->recognition_count; r++)
            if (!cs_trustlist_recognises(ab, ab->recognitions[r].standard,
                                         ab->recognitions[r].not_before))
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_trustlist list;
    cs_trustlist_verified info;
    uint8_t *claims = NULL;
    size_t claims_len = 0;
    char detail[256];

    if (cs_trustlist_decode(data, size, &list, detail, sizeof(detail)) != CS_OK)
        return 0;
    probe(&list);
    (void)!cs_trustlist_verify(&list, (const cs_key_t *const *)&root, 1, history,
                               list.issued_at + 60, 300, CS_DEFAULT_TRUST_LIST_GRACE, &info,
                               detail, sizeof(detail));
    if (!list.has_catalog && cs_trustlist_encode_claims(&list, &claims, &claims_len) != CS_OK)
        abort();
    free(claims);
    cs_trustlist_clear(&list);
    return 0;
}
