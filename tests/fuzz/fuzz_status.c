/* SPDX-License-Identifier: ISC */
/* libFuzzer target for Token Status Lists (pkg/status.c, status_token.c):
 * an input whose first byte is 0 is a zlib "lst" (second byte: bits) for
 * cs_status_list_decompress(); any other input is a Status List Token for
 * cs_status_token_decode() and cs_status_token_verify() with the draft's
 * example P-256 key, so that the seed from tests/vectors/status-list
 * reaches the claims behind a real signature.  A CB's list may carry its
 * signer's accreditation credential in its protected header (-65537):
 * cs_status_token_signer_accreditation() copies it out, and it is decoded
 * as the verifier decodes it before trusting it.  Nothing but a clean error
 * may come of any input, and a decoded list answers every index it has. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/cose.h"
#include "certseal/status.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/vectors/status-list/example-key.pub.pem (public, from the draft). */
static const char EXAMPLE_KEY[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEI3HWm/0Ds1dPMI+IWmf4mBmH+Yae\n"
    "AVbPVu7vB27CxXro393kSWP1uzWG2BXeiQkoh1scSmSBOYCW5gol6bOfUw==\n"
    "-----END PUBLIC KEY-----\n";
#define EXAMPLE_URI "https://example.com/statuslists/1"
#define EXAMPLE_TIME 1700000000

static cs_key_t *key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cs_key_load_public_pem(EXAMPLE_KEY, sizeof(EXAMPLE_KEY) - 1, &key) != CS_OK)
        abort();
    return 0;
}

/* The last entry and one past it: a list must answer the one and refuse
 * the other; and the entries it answers (the first 65,536 and the last)
 * are those of its packed bytes, whether it was held sparse or packed. */
static void probe(const cs_status_list_t *list)
{
    size_t entries = cs_status_list_entries(list), len = 0;
    unsigned bits = cs_status_list_bits(list), value;
    const uint8_t *bytes;

    if (entries == 0 || cs_status_list_get(list, entries - 1, &value) != CS_OK ||
        value >= (1u << bits) || cs_status_list_get(list, entries, &value) != CS_ERR_STATUS_INDEX ||
        (bytes = cs_status_list_bytes(list, &len)) == NULL || len * 8 < entries)
        abort();
    for (size_t i = 0; i < entries; i++) {
        if (i == 65536)
            i = entries - 1; /* then the last */
        if (cs_status_list_get(list, i, &value) != CS_OK ||
            value != ((bytes[i * bits / 8] >> (i * bits % 8)) & ((1u << bits) - 1)))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_status_token token = {0};
    cs_status_list_t *list = NULL;
    char detail[CS_DETAIL_SIZE];

    if (size >= 2 && data[0] == 0) {
        if (cs_status_list_decompress(data + 2, size - 2, data[1], &list) == CS_OK)
            probe(list);
        cs_status_list_free(&list);
        return 0;
    }
    if (cs_status_token_decode(data, size, &token, detail, sizeof(detail)) == CS_OK) {
        if (token.uri == NULL || token.list == NULL)
            abort();
        probe(token.list);
    } else if (token.uri != NULL || token.list != NULL) {
        abort(); /* cleared on failure */
    }
    cs_status_token_clear(&token);
    /* The signer's credential, as the verifier reads it. */
    uint8_t *ac = NULL;
    size_t ac_len = 0;
    cs_err err = cs_status_token_signer_accreditation(data, size, &ac, &ac_len);
    if ((err != CS_OK && ac != NULL) || (ac == NULL) != (ac_len == 0))
        abort();
    if (ac != NULL) {
        cs_cose_sign1 msg;
        cs_accreditation claims = {0};
        if (cs_cose_sign1_decode(ac, ac_len, &msg) == CS_OK) {
            if (cs_accreditation_decode_claims(msg.payload, msg.payload_len, &claims, detail,
                                               sizeof(detail)) == CS_OK &&
                claims.subject_key == NULL)
                abort();
            cs_accreditation_clear(&claims);
            cs_cose_sign1_clear(&msg);
        }
        free(ac);
    }
    if (cs_status_token_verify(data, size, key, EXAMPLE_URI, EXAMPLE_TIME, 0, &token, detail,
                               sizeof(detail)) == CS_OK &&
        (token.list == NULL || cs_status_list_bits(token.list) != CS_STATUS_BITS))
        abort();
    cs_status_token_clear(&token);
    return 0;
}
