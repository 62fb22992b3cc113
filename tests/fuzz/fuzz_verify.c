/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the whole chain verification (DESIGN §2 steps 1-6)
 * and its JSON report: any token bytes give a verdict, never a crash, and
 * the verdict agrees with the checks.  The trust store holds one fixed key,
 * the demo accreditation body's (keys-example/, public on purpose), so that
 * the seed tokens signed with the demo keys reach every check; one verifier
 * lives across inputs so that its AC cache is exercised as in a service. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/date.h"
#include "certseal/report.h"
#include "certseal/trust.h"
#include "certseal/verify.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char AB_DEMO_PUB[] = "-----BEGIN PUBLIC KEY-----\n"
                                  "MCowBQYDK2VwAyEAXqbxAuMrBCEkP0ZeN8kvMx3CMvF5whuqsjjL5AW6ydU=\n"
                                  "-----END PUBLIC KEY-----\n";

static cs_trust_t *trust;
static cs_verifier_t *verifier;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    cs_key_t *key = NULL;
    int64_t at;

    (void)argc;
    (void)argv;
    if (cs_key_load_public_pem(AB_DEMO_PUB, strlen(AB_DEMO_PUB), &key) != CS_OK ||
        cs_trust_new(&trust) != CS_OK || cs_trust_add_key(trust, &key) != CS_OK ||
        cs_verifier_new(trust, &verifier) != CS_OK || cs_date_parse("2027-01-01", &at) != CS_OK)
        abort();
    /* A fixed time: the same input gives the same verdict on any day. */
    cs_verifier_set_time(verifier, at);
    return 0;
}

/* The verdict is the first failing check's, and VALID only when all pass. */
static void check_consistent(const cs_verify_result *r)
{
    if (r->verdict == CS_VERDICT_VALID) {
        if (r->err != CS_OK || !r->signatures_verified || !r->has_certificate ||
            r->accreditation == NULL)
            abort();
        /* No status list is given: a status reference leaves its check
         * UNKNOWN (verdict unaffected); every other check passes. */
        for (int id = 0; id < CS_CHECK_COUNT; id++) {
            bool status = id == CS_CHECK_AC_STATUS || id == CS_CHECK_CT_STATUS;
            if (r->checks[id].state != CS_CHECK_PASS &&
                !(status && r->checks[id].state == CS_CHECK_UNKNOWN))
                abort();
        }
    } else if (r->err == CS_OK || r->checks[r->failed].state != CS_CHECK_FAIL) {
        abort();
    }
    for (int id = 0; id < CS_CHECK_COUNT; id++)
        if (memchr(r->checks[id].detail, '\0', sizeof(r->checks[id].detail)) == NULL)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_verify_result result;
    char *json = NULL;

    if (cs_verifier_verify(verifier, data, size, &result) != CS_OK)
        goto done;
    check_consistent(&result);
    if (cs_report_verify_json(&result, size & 1 ? CS_REPORT_PRETTY : 0, &json) != CS_OK)
        goto done;
    if (json == NULL || json[0] != '{')
        abort();
done:
    free(json);
    cs_verify_result_clear(&result);
    return 0;
}
