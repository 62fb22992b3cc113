/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the JSON certificate record (schemas/
 * record.schema.json): any bytes parse or fail cleanly, and a record that
 * parses survives the trip an issuer makes with it, with the same
 * contents: record -> CWT claims -> decoded claims, both written back as
 * JSON, must give the same text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/claims.h"
#include "certseal/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_certificate cert = {0}, decoded = {0};
    char detail[CS_DETAIL_SIZE] = "";
    char *json = NULL, *json_pretty = NULL, *json_decoded = NULL;
    uint8_t *claims = NULL;
    size_t claims_len = 0;
    cs_err err;

    if ((err = cs_record_parse_json((const char *)data, size, &cert, detail, sizeof(detail))) !=
        CS_OK) {
        if (memchr(detail, '\0', sizeof(detail)) == NULL || cert.number != NULL)
            abort(); /* a string detail; the struct cleared again */
        goto done;
    }
    if (cs_record_to_json(&cert, 0, &json) != CS_OK ||
        cs_record_to_json(&cert, CS_RECORD_JSON_PRETTY, &json_pretty) != CS_OK)
        goto done;
    if (json == NULL || json_pretty == NULL)
        abort();

    /* The issuer fills these from its accreditation (issue.h). */
    if (cert.issuer == NULL && (cert.issuer = strdup("CB-FUZZ")) == NULL)
        goto done;
    if (cert.accreditation_number == NULL && (cert.accreditation_number = strdup("ACC-1")) == NULL)
        goto done;
    free(json);
    json = NULL;
    if (cs_record_to_json(&cert, 0, &json) != CS_OK)
        goto done;
    if ((err = cs_certificate_encode_claims(&cert, &claims, &claims_len)) != CS_OK) {
        if (err == CS_ERR_NO_MEMORY)
            goto done;
        abort(); /* every record that parses can be issued */
    }
    if ((err = cs_certificate_decode_claims(claims, claims_len, &decoded, detail,
                                            sizeof(detail))) != CS_OK) {
        if (err == CS_ERR_NO_MEMORY)
            goto done;
        abort(); /* what we encode, we must read back */
    }
    if (cs_record_to_json(&decoded, 0, &json_decoded) != CS_OK)
        goto done;
    if (strcmp(json, json_decoded) != 0)
        abort(); /* the claims lost or changed a field */
done:
    free(json);
    free(json_pretty);
    free(json_decoded);
    free(claims);
    cs_certificate_clear(&cert);
    cs_certificate_clear(&decoded);
    return 0;
}
