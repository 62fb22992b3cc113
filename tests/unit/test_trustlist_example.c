/* SPDX-License-Identifier: ISC */
/*
 * The trust list worked example of docs/wire-format.md, rebuilt byte for
 * byte from keys-example/iaf-demo-trustlist.json and the demo root key
 * (Ed25519 signatures are deterministic), and its hex verified with the
 * demo root's public key by OpenSSL alone: the Sig_structure is built here
 * from the raw bytes (RFC 9052 §4.4), not by certseal's COSE code, as an
 * independent verifier would.  With CS_PRINT_EXAMPLE=1 in the environment
 * it prints the blocks instead, for updating the document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "certseal/certseal.h"
#include "internal.h"

#define DOC_PATH "docs/wire-format.md"
#define BLOCK_MAX (16 * 1024)

typedef struct text_buffer {
    char data[BLOCK_MAX];
    size_t len;
} text_buffer;

static char *document;

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

/* Diagnostic notation (RFC 8949 §8), maps one entry a line, long byte
 * strings wrapped at 32 bytes. */
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
            if (len > 32 && i % 32 == 0)
                append(b, "\n%*s", (depth + 1) * 2, "");
            append(b, "%02x", bytes[i]);
        }
        if (len > 32)
            append(b, "\n%*s", depth * 2, "");
        append(b, "'");
    } else if (cs_cbor_is_array(item)) {
        size_t n = cs_cbor_count(item);
        append(b, "[\n");
        for (size_t i = 0; i < n; i++) {
            append(b, "%*s", (depth + 1) * 2, "");
            diag(b, cs_cbor_array_at(item, i), depth + 1);
            append(b, i + 1 < n ? ",\n" : "\n");
        }
        append(b, "%*s]", depth * 2, "");
    } else if (cs_cbor_is_map(item)) {
        size_t n = cs_cbor_count(item);
        append(b, "{\n");
        for (size_t i = 0; i < n; i++) {
            append(b, "%*s", (depth + 1) * 2, "");
            diag(b, cs_cbor_map_key_at(item, i), depth + 1);
            append(b, ": ");
            diag(b, cs_cbor_map_value_at(item, i), depth + 1);
            append(b, i + 1 < n ? ",\n" : "\n");
        }
        append(b, "%*s}", depth * 2, "");
    } else {
        fail_msg("unexpected CBOR item in the example");
    }
}

static void hex_of(text_buffer *b, const uint8_t *data, size_t len)
{
    b->len = 0;
    for (size_t i = 0; i < len; i++)
        append(b, "%02x%s", data[i], (i % 32 == 31 || i + 1 == len) ? "\n" : "");
}

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
        fail_msg("%s: block ```%s %s differs from what the library makes:\n%.*s", DOC_PATH,
                 kind, name, (int)expected->len, expected->data);
}

/* The bytes of a hex block of the document, in a new buffer. */
static uint8_t *block_bytes(const char *name, size_t *out_len)
{
    const char *body;
    size_t len, n = 0;
    uint8_t *out;

    assert_true(find_block("hex", name, &body, &len));
    assert_non_null(out = malloc(len / 2 + 1));
    for (size_t i = 0; i + 1 < len;) {
        unsigned v;
        if (body[i] == '\n') {
            i++;
            continue;
        }
        assert_int_equal(sscanf(body + i, "%2x", &v), 1);
        out[n++] = (uint8_t)v;
        i += 2;
    }
    *out_len = n;
    return out;
}

/* ---- an independent check: OpenSSL and the bytes, nothing of certseal ----- */

/* The byte string whose head is at p: its content and the byte after it. */
static const uint8_t *bstr(const uint8_t *p, const uint8_t **content, size_t *len)
{
    assert_int_equal(p[0] >> 5, 2); /* major type 2 */
    unsigned info = p[0] & 31;
    if (info < 24) {
        *len = info, p += 1;
    } else if (info == 24) {
        *len = p[1], p += 2;
    } else if (info == 25) {
        *len = (size_t)p[1] << 8 | p[2], p += 3;
    } else {
        fail_msg("unexpected byte string length");
    }
    *content = p;
    return p + *len;
}

static void put_bstr_head(uint8_t *out, size_t *n, size_t len)
{
    if (len < 24) {
        out[(*n)++] = (uint8_t)(0x40 | len);
    } else if (len < 256) {
        out[(*n)++] = 0x58;
        out[(*n)++] = (uint8_t)len;
    } else {
        out[(*n)++] = 0x59;
        out[(*n)++] = (uint8_t)(len >> 8);
        out[(*n)++] = (uint8_t)len;
    }
}

static void test_hex_verifies_with_openssl(void **state)
{
    size_t len, n = 0, protected_len, payload_len, sig_len;
    uint8_t *cose = block_bytes("tl", &len);
    const uint8_t *p = cose, *protected_bytes, *payload, *sig;
    uint8_t *tbs;
    (void)state;

    /* 18([protected, {}, payload, signature]) */
    assert_int_equal(p[0], 0xd2);
    assert_int_equal(p[1], 0x84);
    p = bstr(p + 2, &protected_bytes, &protected_len);
    assert_int_equal(*p++, 0xa0);
    p = bstr(p, &payload, &payload_len);
    p = bstr(p, &sig, &sig_len);
    assert_int_equal(p, cose + len);
    assert_int_equal(sig_len, 64);
    /* Sig_structure = ["Signature1", protected, h'', payload] */
    assert_non_null(tbs = malloc(protected_len + payload_len + 32));
    tbs[n++] = 0x84;
    tbs[n++] = 0x6a;
    memcpy(tbs + n, "Signature1", 10);
    n += 10;
    put_bstr_head(tbs, &n, protected_len);
    memcpy(tbs + n, protected_bytes, protected_len);
    n += protected_len;
    tbs[n++] = 0x40;
    put_bstr_head(tbs, &n, payload_len);
    memcpy(tbs + n, payload, payload_len);
    n += payload_len;

    FILE *f = fopen("keys-example/iaf-demo-root.key.pub", "r");
    assert_non_null(f);
    EVP_PKEY *key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(key);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key), 1);
    assert_int_equal(EVP_DigestVerify(ctx, sig, sig_len, tbs, n), 1);
    /* One bit of the payload changed: it no longer verifies. */
    tbs[n - 1] ^= 1;
    assert_int_not_equal(EVP_DigestVerify(ctx, sig, sig_len, tbs, n), 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    free(tbs);
    free(cose);
}

/* ---- the example rebuilt ---------------------------------------------------- */

static cs_err load_source(cs_trustlist *list)
{
    uint8_t *json = NULL;
    size_t len = 0;
    char detail[256] = "";
    cs_err err = cs_file_read_all("keys-example/iaf-demo-trustlist.json", 1 << 20, &json, &len);
    if (err == CS_OK)
        err = cs_trustlist_from_json((const char *)json, len, "keys-example", list, detail,
                                     sizeof(detail));
    if (err != CS_OK)
        print_message("source: %s\n", detail);
    free(json);
    return err;
}

static void test_worked_example(void **state)
{
    static text_buffer b;
    cs_trustlist list = {0}, decoded = {0};
    cs_key_t *root = NULL, *next = NULL, *root_public = NULL;
    cs_trustlist_history_t *history = NULL;
    cs_trustlist_verified info;
    cs_cbor_item *tree = NULL;
    uint8_t *claims = NULL, *signed_bytes = NULL;
    size_t claims_len = 0, signed_len = 0;
    (void)state;

    assert_int_equal(load_source(&list), CS_OK);
    assert_int_equal(cs_key_load_public_file("keys-example/iaf-demo-root-next.key.pub", &next),
                     CS_OK);
    assert_non_null(list.next_keys = calloc(1, sizeof(*list.next_keys)));
    list.next_keys[0] = next;
    list.next_key_count = 1;
    list.sequence = 1;
    assert_int_equal(cs_date_parse("2026-01-01", &list.issued_at), CS_OK);
    assert_int_equal(cs_date_parse("2026-07-01", &list.next_update), CS_OK);

    assert_int_equal(cs_trustlist_encode_claims(&list, &claims, &claims_len), CS_OK);
    assert_int_equal(cs_cbor_decode(claims, claims_len, CS_CBOR_MAX_DEPTH, &tree), CS_OK);
    b.len = 0;
    diag(&b, tree, 0);
    append(&b, "\n");
    check_block("cbor-diag", "tl-claims", &b);
    hex_of(&b, claims, claims_len);
    check_block("hex", "tl-claims", &b);

    assert_int_equal(cs_key_load_private_file("keys-example/iaf-demo-root.key", NULL, 0, &root),
                     CS_OK);
    assert_int_equal(cs_trustlist_sign(&list, root, &signed_bytes, &signed_len), CS_OK);
    hex_of(&b, signed_bytes, signed_len);
    check_block("hex", "tl", &b);

    /* And certseal reads it back: decoded, verified with the root. */
    assert_int_equal(cs_key_load_public_file("keys-example/iaf-demo-root.key.pub", &root_public),
                     CS_OK);
    assert_int_equal(cs_trustlist_decode(signed_bytes, signed_len, &decoded, NULL, 0), CS_OK);
    assert_int_equal(cs_trustlist_history_new(NULL, &history), CS_OK);
    assert_int_equal(cs_trustlist_verify(&decoded, (const cs_key_t *const *)&root_public, 1,
                                         history, list.issued_at + 86400, 300,
                                         CS_DEFAULT_TRUST_LIST_GRACE, &info, NULL, 0),
                     CS_OK);
    assert_string_equal(decoded.abs[0].id, "UKAS-DEMO");

    cs_trustlist_history_free(&history);
    cs_trustlist_clear(&decoded);
    cs_key_free(&root_public);
    cs_key_free(&root);
    cs_cbor_free(&tree);
    free(signed_bytes);
    free(claims);
    cs_trustlist_clear(&list);
}

int main(void)
{
    uint8_t *doc = NULL;
    size_t len = 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_hex_verifies_with_openssl),
    };
    if (cs_file_read_all(DOC_PATH, 1 << 20, &doc, &len) != CS_OK) {
        fprintf(stderr, "cannot read %s (run from the repository root)\n", DOC_PATH);
        return 1;
    }
    assert_non_null(document = realloc(doc, len + 1));
    document[len] = '\0';
    if (getenv("CS_PRINT_EXAMPLE") != NULL) {
        test_worked_example(NULL);
        free(document);
        return 0;
    }
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(document);
    return failed;
}
