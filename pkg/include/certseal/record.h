/* SPDX-License-Identifier: ISC */
/*
 * certseal/record.h - the JSON certificate record a certification body
 * issues from (schemas/record.schema.json), and the same shape going out.
 *
 *   {
 *     "certificate_number": "GB-Q-2026-004217",
 *     "standard": "ISO 9001:2015",
 *     "organization": {"name": "...", "country": "GB", "address": "..."},
 *     "scope": "...",
 *     "sites": [{"address": "...", "scope": "..."}],        optional
 *     "iaf_codes": [17, 18],                                optional
 *     "original_grant": "2019-03-14",
 *     "issued": "2026-11-21",
 *     "expires": "2029-11-20",           last day the certificate is valid
 *     "revision": 2,
 *     "accreditation_number": "UKAS-0042"  optional; must equal the AC's
 *   }
 *
 * Unknown fields are refused, so that a typing mistake never drops a field
 * silently.
 */
#ifndef CERTSEAL_RECORD_H
#define CERTSEAL_RECORD_H

#include <stddef.h>

#include "certseal/claims.h"
#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_RECORD_MAX (256 * 1024) /* bytes of one JSON record */

/*
 * Parses and validates one record into *cert (zeroed first; cleared again
 * on failure).  issuer is left NULL (the issuer fills it from its
 * accreditation); accreditation_number only when the record has it.
 * detail (may be NULL) receives the field and the problem, e.g.
 * "organization.country: 'gb' is not two capital letters (ISO 3166-1
 * alpha-2, e.g. GB)".  The rules are those of cs_certificate_check().
 * Errors: CS_ERR_JSON (syntax, with line and column), CS_ERR_RECORD,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_record_parse_json(const char *json, size_t len, cs_certificate *cert,
                                          char *detail, size_t detail_size);

/*
 * Writes *cert as a JSON record (the same field names, plus "issuer" and
 * "accreditation_number") to a new NUL-terminated string freed with free().
 * flags: CS_RECORD_JSON_PRETTY for indented output.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
#define CS_RECORD_JSON_PRETTY 0x1u
CS_MUST_CHECK cs_err cs_record_to_json(const cs_certificate *cert, unsigned flags, char **out);

#ifdef __cplusplus
}
#endif
#endif
