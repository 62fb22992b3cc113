/* SPDX-License-Identifier: ISC */
/* libFuzzer target for COSE_Sign1 and the CWT claims of certseal's two
 * objects (DESIGN §2 steps 1-3, §3): decode arbitrary bytes; on success
 * verify the signature and decode the payload both as certificate and as
 * accreditation claims.  Nothing but a clean error may come of any input.
 *
 * The keys: a fixed Ed25519 key generated once (what a random signature
 * meets), plus the demo keys of keys-example/ whose kids the seed tokens
 * carry, so that real signatures reach the success path and the fuzzer
 * explores the claims behind them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/cose.h"
#include "certseal/key.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* keys-example/ab-demo.key.pub and cb-demo.key.pub (DEMO keys, public). */
static const char *const DEMO_KEYS[] = {
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAXqbxAuMrBCEkP0ZeN8kvMx3CMvF5whuqsjjL5AW6ydU=\n"
    "-----END PUBLIC KEY-----\n",
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAvRTwNRPixbK82Kv6TAoZcXkjUktEAVHg1GW1A6JawE8=\n"
    "-----END PUBLIC KEY-----\n",
};
#define KEY_COUNT 4

static cs_key_t *keys[KEY_COUNT]; /* generated Ed25519, generated P-256, demo AB, demo CB */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cs_key_generate(CS_ALG_EDDSA, &keys[0]) != CS_OK ||
        cs_key_generate(CS_ALG_ES256, &keys[1]) != CS_OK)
        abort();
    for (size_t i = 0; i < 2; i++)
        if (cs_key_load_public_pem(DEMO_KEYS[i], strlen(DEMO_KEYS[i]), &keys[2 + i]) != CS_OK)
            abort();
    return 0;
}

static void verify_signature(const cs_cose_sign1 *msg, const uint8_t *aad, size_t aad_len)
{
    /* The generated Ed25519 key always; the others
     * when the kid names them, which keeps the rate up. */
    (void)cs_cose_sign1_verify(msg, keys[0], aad, aad_len, 0);
    for (size_t i = 1; i < KEY_COUNT; i++) {
        if (msg->kid == NULL || msg->kid_len != CS_KID_SIZE ||
            memcmp(msg->kid, cs_key_kid(keys[i]), CS_KID_SIZE) != 0)
            continue;
        (void)cs_cose_sign1_verify(msg, keys[i], aad, aad_len, 0);
        (void)cs_cose_sign1_verify(msg, keys[i], aad, aad_len, CS_COSE_ACCEPT_UNPROTECTED_ALG);
    }
}

static void decode_claims(const uint8_t *payload, size_t len)
{
    cs_certificate cert = {0};
    cs_accreditation ac = {0};
    char detail[128] = "";

    if (cs_certificate_decode_claims(payload, len, &cert, detail, sizeof(detail)) == CS_OK) {
        if (cert.issuer == NULL || cert.number == NULL || cert.standard_count == 0 ||
            cert.standards == NULL || cert.accreditation_number == NULL ||
            (cert.predecessor.certification_body == NULL) != (cert.predecessor.number == NULL))
            abort(); /* required claims; a predecessor is whole or absent */
        for (size_t i = 0; i < cert.standard_count; i++)
            for (size_t j = 0; j < i; j++)
                if (strcmp(cert.standards[i], cert.standards[j]) == 0)
                    abort(); /* the decoder refuses a standard listed twice */
    } else if (memchr(detail, '\0', sizeof(detail)) == NULL) {
        abort(); /* the detail is always a string */
    }
    cs_certificate_clear(&cert);
    if (cs_accreditation_decode_claims(payload, len, &ac, NULL, 0) == CS_OK) {
        if (ac.subject_key == NULL || ac.number == NULL)
            abort();
    }
    cs_accreditation_clear(&ac);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_cose_sign1 msg = {0};

    if (cs_cose_sign1_decode(data, size, &msg) != CS_OK)
        return 0;
    verify_signature(&msg, NULL, 0);
    if (size > 0)
        verify_signature(&msg, data, size < 16 ? size : 16);
    decode_claims(msg.payload, msg.payload_len);
    if (msg.accreditation != NULL) {
        /* A CT carries its AC in the protected header (DESIGN §3). */
        cs_cose_sign1 ac = {0};
        if (cs_cose_sign1_decode(msg.accreditation, msg.accreditation_len, &ac) == CS_OK) {
            verify_signature(&ac, NULL, 0);
            decode_claims(ac.payload, ac.payload_len);
        }
        cs_cose_sign1_clear(&ac);
    }
    cs_cose_sign1_clear(&msg);
    cs_cose_sign1_clear(&msg); /* documented as safe on a cleared struct */
    return 0;
}
