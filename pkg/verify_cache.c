/* SPDX-License-Identifier: ISC */
/* The verifier's accreditation-credential cache (DESIGN §8): verified ACs
 * kept by their exact bytes, so that tokens from one CB cost one AC
 * signature check and one decoding of its claims. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"

const cs_ac_cache_entry *cs_ac_cache_find(const cs_ac_cache *cache, const uint8_t *bytes,
                                          size_t len)
{
    for (size_t i = 0; i < CS_AC_CACHE_SLOTS; i++) {
        const cs_ac_cache_entry *e = &cache->entries[i];
        if (e->bytes != NULL && e->len == len && memcmp(e->bytes, bytes, len) == 0)
            return e;
    }
    return NULL;
}

static void entry_clear(cs_ac_cache_entry *e)
{
    free(e->bytes);
    cs_accreditation_clear(&e->ac);
    memset(e, 0, sizeof(*e));
}

/* The slot is only taken once the copy exists, so a failed insert leaves
 * the cache as it was. */
const cs_accreditation *cs_ac_cache_insert(cs_ac_cache *cache, const uint8_t *bytes, size_t len,
                                           cs_accreditation *ac, const cs_key_t *ab_key,
                                           const cs_listing *listing,
                                           const char *trusted_detail, const char *signature_detail)
{
    cs_ac_cache_entry *e = &cache->entries[cache->next_slot];
    uint8_t *copy = malloc(len);
    if (copy == NULL)
        return NULL;
    entry_clear(e);
    cache->next_slot = (cache->next_slot + 1) % CS_AC_CACHE_SLOTS;
    memcpy(copy, bytes, len);
    e->bytes = copy;
    e->len = len;
    e->ac = *ac;
    memset(ac, 0, sizeof(*ac));
    memcpy(e->ab_kid, cs_key_kid(ab_key), CS_KID_SIZE);
    e->ab_key = ab_key;
    e->listing = *listing;
    snprintf(e->trusted_detail, sizeof(e->trusted_detail), "%s", trusted_detail);
    snprintf(e->signature_detail, sizeof(e->signature_detail), "%s", signature_detail);
    return &e->ac;
}

void cs_ac_cache_forget(cs_ac_cache *cache, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < CS_AC_CACHE_SLOTS; i++) {
        cs_ac_cache_entry *e = &cache->entries[i];
        if (e->bytes != NULL && e->len == len && memcmp(e->bytes, bytes, len) == 0)
            entry_clear(e);
    }
}

void cs_ac_cache_clear(cs_ac_cache *cache)
{
    for (size_t i = 0; i < CS_AC_CACHE_SLOTS; i++)
        entry_clear(&cache->entries[i]);
    cache->next_slot = 0;
}
