/* SPDX-License-Identifier: ISC */
/* Naming checks and recording their outcomes in a cs_verify_result: the
 * names of checks, check states and verdicts, and the helpers every check
 * of the verifier (pkg/verify.c, pkg/verify_status.c) uses to set its own
 * entry, with a detail kept valid UTF-8. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "certseal/verify.h"
#include "verify_internal.h"

static const char *const CHECK_NAMES[CS_CHECK_COUNT] = {
    [CS_CHECK_DECODE] = "decode",
    [CS_CHECK_AC_TRUSTED] = "accreditation-trusted",
    [CS_CHECK_AC_SIGNATURE] = "accreditation-signature",
    [CS_CHECK_AC_TYPE] = "accreditation-type",
    [CS_CHECK_AB_LISTED] = "accreditation-body",
    [CS_CHECK_CT_KEY] = "certificate-key",
    [CS_CHECK_CT_SIGNATURE] = "certificate-signature",
    [CS_CHECK_CT_TYPE] = "certificate-type",
    [CS_CHECK_ISSUER] = "issuer",
    [CS_CHECK_STANDARD] = "standard",
    [CS_CHECK_AB_RECOGNISED] = "accreditation-body-recognition",
    [CS_CHECK_IAF_SECTORS] = "iaf-sectors",
    [CS_CHECK_ACCREDITATION_NUMBER] = "accreditation-number",
    [CS_CHECK_ACCREDITED_AT_ISSUE] = "accredited-at-issue",
    [CS_CHECK_CT_VALIDITY] = "certificate-validity",
    [CS_CHECK_AC_VALIDITY] = "accreditation-validity",
    [CS_CHECK_AC_STATUS] = "accreditation-status",
    [CS_CHECK_CT_STATUS] = "certificate-status",
    [CS_CHECK_EDITION_CURRENT] = "edition-current",
};

const char *cs_check_name(cs_check_id id)
{
    return id >= 0 && id < CS_CHECK_COUNT ? CHECK_NAMES[id] : "unknown";
}

const char *cs_check_state_name(cs_check_state state)
{
    switch (state) {
    case CS_CHECK_PASS:
        return "pass";
    case CS_CHECK_FAIL:
        return "fail";
    case CS_CHECK_UNKNOWN:
        return "unknown";
    case CS_CHECK_NOT_RUN:
        break;
    }
    return "not run";
}

/* The per-verdict columns of CS_VERDICT_LIST (certseal/verify.h). */
#define VERDICT_NAME(name, exit, rank, json, tone, headline, sentence, hint) \
    [CS_VERDICT_##name] = #name,
#define VERDICT_EXIT(name, exit, rank, json, tone, headline, sentence, hint) \
    [CS_VERDICT_##name] = exit,
#define VERDICT_RANK(name, exit, rank, json, tone, headline, sentence, hint) \
    [CS_VERDICT_##name] = rank,

static bool verdict_known(cs_verdict verdict)
{
    return verdict >= 0 && verdict < CS_VERDICT_COUNT;
}

const char *cs_verdict_name(cs_verdict verdict)
{
    static const char *const names[CS_VERDICT_COUNT] = {CS_VERDICT_LIST(VERDICT_NAME)};
    return verdict_known(verdict) ? names[verdict] : "UNKNOWN";
}

int cs_verdict_exit_code(cs_verdict verdict)
{
    static const int codes[CS_VERDICT_COUNT] = {CS_VERDICT_LIST(VERDICT_EXIT)};
    return verdict_known(verdict) ? codes[verdict] : 1;
}

int cs_verdict_rank(cs_verdict verdict)
{
    static const int ranks[CS_VERDICT_COUNT] = {CS_VERDICT_LIST(VERDICT_RANK)};
    return verdict_known(verdict) ? ranks[verdict] : CS_VERDICT_COUNT;
}

/* Length of the well-formed UTF-8 sequence at s (lead byte and
 * continuation bytes only; the token's text was validated by the CBOR
 * reader, so only a cut can break it), or 0 when it is broken or cut. */
static size_t utf8_sequence_length(const unsigned char *s)
{
    size_t n;
    if (s[0] < 0x80)
        n = 1;
    else if ((s[0] & 0xe0) == 0xc0)
        n = 2;
    else if ((s[0] & 0xf0) == 0xe0)
        n = 3;
    else if ((s[0] & 0xf8) == 0xf0)
        n = 4;
    else
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* True when text[0..len) is all ASCII, read eight bytes at a time. */
static bool is_ascii(const char *text, size_t len)
{
    uint64_t high = 0, word;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&word, text + i, 8);
        high |= word;
    }
    for (; i < len; i++)
        high |= (unsigned char)text[i];
    return (high & 0x8080808080808080u) == 0;
}

/* Details quote text from the token and are cut to fit (by the detail size
 * or by a %.*s quote): keep them UTF-8, so that a terminal shows them and
 * the JSON report keeps them.  A sequence cut at the end is dropped, one
 * cut inside becomes '?'.  Most details are ASCII, which needs nothing. */
static void keep_utf8(char *text)
{
    unsigned char *p = (unsigned char *)text;
    if (is_ascii(text, strlen(text)))
        return;
    while (*p != '\0') {
        size_t n = utf8_sequence_length(p);
        if (n > 0) {
            p += n;
            continue;
        }
        bool at_end = true;
        for (const unsigned char *q = p + 1; *q != '\0' && at_end; q++)
            at_end = (*q & 0xc0) == 0x80;
        if (at_end) {
            *p = '\0';
            return;
        }
        *p++ = '?';
    }
}

static void record_va(cs_verification *v, cs_check_id id, cs_check_state state, cs_err err,
                      const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void record_va(cs_verification *v, cs_check_id id, cs_check_state state, cs_err err,
                      const char *fmt, va_list ap)
{
    cs_check *check = &v->result->checks[id];
    check->state = state;
    check->err = err;
    cs_detail_vformat(check->detail, sizeof(check->detail), fmt, ap);
    keep_utf8(check->detail);
}

void cs_verify_record(cs_verification *v, cs_check_id id, cs_check_state state, cs_err err,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record_va(v, id, state, err, fmt, ap);
    va_end(ap);
}

bool cs_verify_pass(cs_verification *v, cs_check_id id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record_va(v, id, CS_CHECK_PASS, CS_OK, fmt, ap);
    va_end(ap);
    return true;
}

bool cs_verify_fail(cs_verification *v, cs_check_id id, cs_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record_va(v, id, CS_CHECK_FAIL, err, fmt, ap);
    va_end(ap);
    return false;
}

void cs_verify_kid_hex(const uint8_t *kid, size_t len, char out[CS_VERIFY_KID_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    size_t n = len < CS_KID_SIZE ? len : CS_KID_SIZE;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[kid[i] >> 4];
        out[2 * i + 1] = digits[kid[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Why a signature check failed, in a buyer's words. */
const char *cs_verify_signature_reason(cs_err err)
{
    switch (err) {
    case CS_ERR_SIGNATURE:
        return "the signed content was altered, or another key signed it";
    case CS_ERR_ALG_MISSING:
        return "the protected header names no algorithm";
    case CS_ERR_ALG_UNKNOWN:
        return "the algorithm is unknown (EdDSA or ES256 expected)";
    case CS_ERR_ALG_KEY_MISMATCH:
        return "the algorithm in the header does not fit the key type";
    default:
        return cs_strerror(err);
    }
}
