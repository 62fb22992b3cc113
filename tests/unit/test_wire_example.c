/* SPDX-License-Identifier: ISC */
/*
 * The worked example of docs/wire-format.md, rebuilt byte for byte.
 *
 * The document holds fenced blocks tagged with a name (```hex ac-claims,
 * ```cbor-diag ac-claims, ...).  This test makes the same objects from the
 * demo keys in keys-example/ and tests/fixtures/record-typical.json
 * (Ed25519 signatures are deterministic, so are zlib and the encoders) and
 * compares every block.  With CS_PRINT_EXAMPLE=1 in the environment it
 * prints the blocks instead, for updating the document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/certseal.h"
#include "internal.h"

#define DOC_PATH "docs/wire-format.md"
#define BLOCK_MAX (16 * 1024)

/* ---- a small CBOR diagnostic notation printer (RFC 8949 §8) --------------- */

typedef struct text_buffer {
    char data[BLOCK_MAX];
    size_t len;
} text_buffer;

static void append(text_buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(text_buffer *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, sizeof(b->data) - b->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof(b->data) - b->len);
    b->len += (size_t)n;
}

static void indent(text_buffer *b, int depth)
{
    append(b, "%*s", depth * 2, "");
}

/* Maps and arrays go one entry per line; byte strings longer than 32 bytes
 * are wrapped at 32 bytes a line. */
static void diag(text_buffer *b, const cs_cbor_item *item, int depth)
{
    const char *text;
    const uint8_t *bytes;
    size_t len;
    int64_t value;

    if (cs_cbor_get_int(item, &value) == CS_OK) {
        append(b, "%lld", (long long)value);
    } else if (cs_cbor_get_text(item, &text, &len) == CS_OK) {
        append(b, "\"%.*s\"", (int)len, text);
    } else if (cs_cbor_get_bytes(item, &bytes, &len) == CS_OK) {
        append(b, "h'");
        for (size_t i = 0; i < len; i++) {
            if (len > 32 && i % 32 == 0) {
                append(b, "\n");
                indent(b, depth + 1);
            }
            append(b, "%02x", bytes[i]);
        }
        if (len > 32) {
            append(b, "\n");
            indent(b, depth);
        }
        append(b, "'");
    } else if (cs_cbor_is_array(item)) {
        append(b, "[");
        for (size_t i = 0; i < cs_cbor_count(item); i++) {
            append(b, i ? ", " : "");
            diag(b, cs_cbor_array_at(item, i), depth);
        }
        append(b, "]");
    } else if (cs_cbor_is_map(item)) {
        size_t n = cs_cbor_count(item);
        append(b, "{\n");
        for (size_t i = 0; i < n; i++) {
            indent(b, depth + 1);
            diag(b, cs_cbor_map_key_at(item, i), depth + 1);
            append(b, ": ");
            diag(b, cs_cbor_map_value_at(item, i), depth + 1);
            append(b, i + 1 < n ? ",\n" : "\n");
        }
        indent(b, depth);
        append(b, "}");
    } else {
        fail_msg("unexpected CBOR item in the example");
    }
}

static void diag_at(text_buffer *b, const uint8_t *data, size_t len, int depth)
{
    cs_cbor_item *item = NULL;
    assert_int_equal(cs_cbor_decode(data, len, CS_CBOR_MAX_DEPTH, &item), CS_OK);
    diag(b, item, depth);
    cs_cbor_free(&item);
}

static void diag_of(text_buffer *b, const uint8_t *data, size_t len)
{
    b->len = 0;
    diag_at(b, data, len, 0);
    append(b, "\n");
}

/* COSE_Sign1 as diagnostic notation: the tag, the four parts, the protected
 * header shown decoded in a comment-free form <<...>>. */
static void diag_sign1(text_buffer *b, const uint8_t *data, size_t len)
{
    cs_cose_sign1 msg;
    assert_int_equal(cs_cose_sign1_decode(data, len, &msg), CS_OK);
    b->len = 0;
    append(b, "18([\n  / protected / <<");
    diag_at(b, msg.protected_bytes, msg.protected_len, 1);
    append(b,
           ">>,\n  / unprotected / {},\n  / payload / h'...' (%zu bytes: the claims above),\n"
           "  / signature / h'",
           msg.payload_len);
    for (size_t i = 0; i < msg.signature_len; i++)
        append(b, "%s%02x", i == 32 ? "\n                  " : "", msg.signature[i]);
    append(b, "'\n])\n");
    cs_cose_sign1_clear(&msg);
}

static void hex_of(text_buffer *b, const uint8_t *data, size_t len)
{
    b->len = 0;
    for (size_t i = 0; i < len; i++)
        append(b, "%02x%s", data[i], (i % 32 == 31 || i + 1 == len) ? "\n" : "");
}

static void text_of(text_buffer *b, const char *text, size_t len)
{
    b->len = 0;
    for (size_t i = 0; i < len; i += 64)
        append(b, "%.*s\n", (int)(len - i < 64 ? len - i : 64), text + i);
}

/* ---- the document --------------------------------------------------------- */

static char *document;

/* The body of the block opened by "```<kind> <name>\n". */
static bool find_block(const char *kind, const char *name, const char **body, size_t *len)
{
    char opener[128];
    snprintf(opener, sizeof(opener), "```%s %s\n", kind, name);
    const char *start = strstr(document, opener);
    if (start == NULL)
        return false;
    start += strlen(opener);
    const char *end = strstr(start, "```");
    if (end == NULL)
        return false;
    *body = start;
    *len = (size_t)(end - start);
    return true;
}

static void check_block(const char *kind, const char *name, const text_buffer *expected)
{
    const char *body = NULL;
    size_t len = 0;
    if (getenv("CS_PRINT_EXAMPLE") != NULL) {
        printf("```%s %s\n%.*s```\n\n", kind, name, (int)expected->len, expected->data);
        return;
    }
    if (!find_block(kind, name, &body, &len))
        fail_msg("%s: no ```%s %s block", DOC_PATH, kind, name);
    if (len != expected->len || memcmp(body, expected->data, len) != 0)
        fail_msg("%s: block ```%s %s differs from what the library makes:\n%.*s", DOC_PATH, kind,
                 name, (int)expected->len, expected->data);
}

/* ---- the example objects -------------------------------------------------- */

static cs_key_t *load_key(const char *path)
{
    cs_key_t *key = NULL;
    assert_int_equal(cs_key_load_private_file(path, NULL, 0, &key), CS_OK);
    return key;
}

static void test_worked_example(void **state)
{
    (void)state;
    cs_key_t *ab = load_key("keys-example/ab-demo.key");
    cs_key_t *cb = load_key("keys-example/cb-demo.key");
    const char *standards[] = {"ISO 9001:2015", "ISO 14001:2015"};
    uint64_t iaf[] = {17, 18, 31};
    int64_t jan_2026 = 0, jan_2031 = 0;
    assert_int_equal(cs_date_parse("2026-01-01", &jan_2026), CS_OK);
    assert_int_equal(cs_date_parse("2031-01-01", &jan_2031), CS_OK);
    cs_accreditation_params ac = {
        .issuer = "UKAS-DEMO",
        .subject = "CB-DEMO-001",
        .name = "Demo Certification Ltd",
        .number = "DEMO-0042",
        .country = "GB",
        .standards = standards,
        .standard_count = 2,
        .iaf_codes = iaf,
        .iaf_count = 3,
        .not_before = jan_2026,
        .expires = jan_2031,
        .issued_at = jan_2026,
        .subject_key = cb,
    };
    uint8_t *ac_claims = NULL, *ac_cose = NULL, *record = NULL, *ct_claims = NULL;
    size_t ac_claims_len, ac_cose_len, record_len, ct_claims_len, ct_cose_len, token_len;
    text_buffer block;

    assert_int_equal(cs_accreditation_encode_claims(&ac, &ac_claims, &ac_claims_len), CS_OK);
    assert_int_equal(cs_accreditation_sign(ab, &ac, &ac_cose, &ac_cose_len, NULL, 0), CS_OK);
    diag_of(&block, ac_claims, ac_claims_len);
    check_block("cbor-diag", "ac-claims", &block);
    hex_of(&block, ac_claims, ac_claims_len);
    check_block("hex", "ac-claims", &block);
    diag_sign1(&block, ac_cose, ac_cose_len);
    check_block("cbor-diag", "ac", &block);
    hex_of(&block, ac_cose, ac_cose_len);
    check_block("hex", "ac", &block);

    cs_certificate cert;
    cs_issuer_t *issuer = NULL;
    const char *token;
    assert_int_equal(
        cs_file_read_all("tests/fixtures/record-typical.json", 65536, &record, &record_len), CS_OK);
    assert_int_equal(cs_record_parse_json((char *)record, record_len, &cert, NULL, 0), CS_OK);
    assert_int_equal(cs_issuer_new(cb, ac_cose, ac_cose_len, &issuer, NULL, 0), CS_OK);
    assert_int_equal(
        cs_issuer_issue(issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &token_len, NULL, 0),
        CS_OK);
    assert_int_equal(cs_certificate_encode_claims(&cert, &ct_claims, &ct_claims_len), CS_OK);
    diag_of(&block, ct_claims, ct_claims_len);
    check_block("cbor-diag", "ct-claims", &block);
    hex_of(&block, ct_claims, ct_claims_len);
    check_block("hex", "ct-claims", &block);
    const uint8_t *ct_cose = cs_issuer_last_cose(issuer, &ct_cose_len);
    diag_sign1(&block, ct_cose, ct_cose_len);
    check_block("cbor-diag", "ct", &block);
    hex_of(&block, ct_cose, ct_cose_len);
    check_block("hex", "ct", &block);
    text_of(&block, token, token_len);
    check_block("text", "token", &block);

    cs_issuer_free(&issuer);
    cs_certificate_clear(&cert);
    free(record);
    free(ct_claims);
    free(ac_claims);
    free(ac_cose);
    cs_key_free(&ab);
    cs_key_free(&cb);
}

int main(void)
{
    size_t len = 0;
    if (getenv("CS_PRINT_EXAMPLE") == NULL &&
        cs_file_read_all(DOC_PATH, 1 << 20, (uint8_t **)&document, &len) != CS_OK) {
        fprintf(stderr, "test_wire_example: cannot read %s (run from the repository root)\n",
                DOC_PATH);
        return 1;
    }
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_worked_example)};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(document);
    return failed;
}
