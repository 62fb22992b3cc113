/* SPDX-License-Identifier: ISC */
/* libFuzzer target for verification receipts (pkg/receipt.c): any input is
 * verified with the demo buyer key (keys-example/cb-demo.key.pub, DEMO
 * ONLY, standing in for a buyer's) and decoded without verification; a
 * receipt that decodes is signed again with a key made at start-up, and
 * that must verify and decode to the same counts.  The seeds are receipts
 * signed with the demo key, so that inputs reach the claims behind a real
 * signature.  Nothing but a clean error may come of any input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/receipt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* keys-example/cb-demo.key.pub (DEMO ONLY). */
static const char BUYER_KEY[] = "-----BEGIN PUBLIC KEY-----\n"
                                "MCowBQYDK2VwAyEAvRTwNRPixbK82Kv6TAoZcXkjUktEAVHg1GW1A6JawE8=\n"
                                "-----END PUBLIC KEY-----\n";

static cs_trust_t *buyer, *again_trust;
static cs_key_t *again;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    cs_key_t *key = NULL, *pub = NULL;
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];

    (void)argc;
    (void)argv;
    if (cs_key_load_public_pem(BUYER_KEY, sizeof(BUYER_KEY) - 1, &key) != CS_OK ||
        cs_trust_new(&buyer) != CS_OK || cs_trust_add_key(buyer, &key) != CS_OK ||
        cs_key_generate(CS_ALG_EDDSA, &again) != CS_OK ||
        cs_key_public_coordinates(again, x, y) != CS_OK ||
        cs_key_from_public_coordinates(CS_ALG_EDDSA, x, sizeof(x), NULL, 0, &pub) != CS_OK ||
        cs_trust_new(&again_trust) != CS_OK || cs_trust_add_key(again_trust, &pub) != CS_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_receipt receipt, back;
    uint8_t *signed_bytes = NULL;
    size_t len = 0;
    char detail[256];

    if (cs_receipt_verify(data, size, buyer, &receipt, detail, sizeof(detail)) == CS_OK)
        cs_receipt_clear(&receipt);
    if (cs_receipt_decode(data, size, &receipt, detail, sizeof(detail)) != CS_OK)
        return 0;
    /* What decodes can be written again (times of 0 are refused by sign). */
    if (receipt.signed_at > 0 && receipt.verified_at > 0) {
        if (cs_receipt_sign(&receipt, again, &signed_bytes, &len) != CS_OK ||
            cs_receipt_verify(signed_bytes, len, again_trust, &back, NULL, 0) != CS_OK)
            abort();
        if (back.result_count != receipt.result_count ||
            back.status_list_count != receipt.status_list_count ||
            back.trust_list_count != receipt.trust_list_count ||
            back.pinned_count != receipt.pinned_count)
            abort();
        cs_receipt_clear(&back);
        free(signed_bytes);
    }
    cs_receipt_clear(&receipt);
    return 0;
}
