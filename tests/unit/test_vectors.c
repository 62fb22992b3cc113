/* SPDX-License-Identifier: ISC */
/*
 * Vector tests for the COSE layer (STYLE 13): every file under tests/vectors
 * and tests/data/cose, read at run time so that a new vector is picked up
 * without touching this file.
 *
 *   cose-wg/       the COSE working group's Sign1 examples (public-domain
 *                  interop vectors): pass ones verify, fail ones fail where
 *                  they should;
 *   roundtrip/     generated HC1-style chains (base45, zlib, COSE_Sign1),
 *                  each with the stage at which it must fail, if any; its
 *                  QR images (png/) and signer certificates (keys/);
 *   status-list/   the Token Status List draft's two signed CWTs;
 *   data/cose/     one invalid COSE_Sign1 per file, a .diag beside it whose
 *                  first line says why it must fail and second line names
 *                  the error.
 *
 * Plus round trips through cs_cose_sign1_sign() for both algorithms and
 * Ed25519's determinism.  Runs from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <zlib.h>

#include "certseal/base45.h"
#include "certseal/cose.h"
#include "certseal/key.h"
#include "certseal/scan.h"
#include "certseal/token.h"
#include "internal.h"

#define COSE_WG_DIR "tests/vectors/cose-wg"
#define ROUNDTRIP_DIR "tests/vectors/roundtrip"
#define MANIFEST ROUNDTRIP_DIR "/manifest.json"
#define STATUS_DIR "tests/vectors/status-list"
#define COSE_DATA_DIR "tests/data/cose"
#define INFLATE_CAP (64 * 1024) /* DESIGN §2 step 1 */
#define HC1_PREFIX "HC1:"

/* The external AAD of the roundtrip "external-aad" vectors (roundtrip/README.md). */
static const uint8_t ROUNDTRIP_AAD[] = {0x11, 0xaa, 0x22, 0xbb};

/* ---- small helpers ----------------------------------------------------------- */

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long size;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = calloc((size_t)size + 1, 1)) != NULL) {
        if (fread(data, 1, (size_t)size, f) != (size_t)size) {
            free(data);
            data = NULL;
        } else if (len != NULL) {
            *len = (size_t)size;
        }
    }
    fclose(f);
    return data;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Hex pairs (either case) with white space allowed between bytes; false on
 * anything else or when out (room for cap bytes) is too small. */
static bool hex_decode(const char *text, uint8_t *out, size_t cap, size_t *len)
{
    *len = 0;
    while (*text != '\0') {
        int hi, lo;
        if (is_space(*text)) {
            text++;
            continue;
        }
        if ((hi = hex_digit(text[0])) < 0 || (lo = hex_digit(text[1])) < 0 || *len == cap)
            return false;
        out[(*len)++] = (uint8_t)(hi << 4 | lo);
        text += 2;
    }
    return true;
}

/* hex_decode() into a new buffer (at least one byte, so never NULL on success). */
static uint8_t *hex_decode_alloc(const char *text, size_t *len)
{
    size_t cap = strlen(text) / 2 + 1;
    uint8_t *out = malloc(cap);

    if (out != NULL && !hex_decode(text, out, cap, len)) {
        free(out);
        out = NULL;
    }
    return out;
}

/* Base64url without padding (RFC 4648 §5, RFC 7515 §2), as JWKs carry it. */
static bool base64url_decode(const char *text, uint8_t *out, size_t cap, size_t *len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint32_t bits = 0;
    unsigned n_bits = 0;
    size_t chars = 0;

    *len = 0;
    for (; *text != '\0'; text++, chars++) {
        const char *p = strchr(alphabet, *text);
        if (p == NULL)
            return false;
        bits = (bits << 6) | (uint32_t)(p - alphabet);
        n_bits += 6;
        if (n_bits >= 8) {
            if (*len == cap)
                return false;
            n_bits -= 8;
            out[(*len)++] = (uint8_t)(bits >> n_bits);
            bits &= (1u << n_bits) - 1;
        }
    }
    return chars % 4 != 1;
}

/* One whole zlib stream (RFC 1950) inflated into out (cap bytes); false when
 * it is not zlib, is corrupt or truncated, has bytes after it, or inflates
 * past cap. */
static bool inflate_whole(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
                          size_t *out_len)
{
    z_stream z;
    int rc;

    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK)
        return false;
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)in_len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    rc = inflate(&z, Z_FINISH);
    *out_len = cap - z.avail_out;
    inflateEnd(&z);
    return rc == Z_STREAM_END && z.avail_in == 0;
}

static bool bytes_equal(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    return a_len == b_len && (a_len == 0 || memcmp(a, b, a_len) == 0);
}

/* Where needle first occurs in haystack, or NULL (memmem() is a GNU extension). */
static uint8_t *find_bytes(uint8_t *haystack, size_t len, const void *needle, size_t n)
{
    for (size_t i = 0; n > 0 && i + n <= len; i++)
        if (memcmp(haystack + i, needle, n) == 0)
            return haystack + i;
    return NULL;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Fails the test with name and both error names when got != want. */
static void expect_err(const char *name, const char *step, cs_err got, cs_err want)
{
    if (got != want)
        fail_msg("%s: %s: expected %s, got %s", name, step, cs_err_name(want), cs_err_name(got));
}

/* ---- file lists ----------------------------------------------------------------- */

typedef struct path_list {
    char **paths;
    size_t count;
    size_t cap;
} path_list;

static void path_list_add(path_list *list, const char *path)
{
    if (list->count == list->cap) {
        size_t cap = list->cap > 0 ? 2 * list->cap : 16;
        char **grown = realloc(list->paths, cap * sizeof(*grown));
        assert_non_null(grown);
        list->paths = grown;
        list->cap = cap;
    }
    list->paths[list->count] = strdup(path);
    assert_non_null(list->paths[list->count]);
    list->count++;
}

static void path_list_free(path_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->paths[i]);
    free(list->paths);
    memset(list, 0, sizeof(*list));
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file under dir (recursively) whose name ends in suffix. */
static void find_files(const char *dir, const char *suffix, bool recurse, path_list *list)
{
    DIR *d = opendir(dir);
    struct dirent *entry;

    if (d == NULL)
        fail_msg("cannot open %s (run the tests from the repository root)", dir);
    while ((entry = readdir(d)) != NULL) {
        char path[1024];
        struct stat st;

        if (entry->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && recurse)
            find_files(path, suffix, recurse, list);
        else if (S_ISREG(st.st_mode) && has_suffix(entry->d_name, suffix))
            path_list_add(list, path);
    }
    closedir(d);
}

static void find_files_sorted(const char *dir, const char *suffix, bool recurse,
                              path_list *list)
{
    find_files(dir, suffix, recurse, list);
    if (list->count > 1)
        qsort(list->paths, list->count, sizeof(*list->paths), compare_paths);
}

/* ---- shared COSE checks ------------------------------------------------------------ */

/* Rebuilds Sig_structure = ["Signature1", body_protected, external_aad,
 * payload] (RFC 9052 §4.4) from the decoded message.  A protected header
 * sent as h'A0' is signed as h'' (RFC 9052 §3: the empty map is encoded as
 * a zero-length bstr in the structures that are signed). */
static void write_sig_structure(cs_cbor_writer *w, const cs_cose_sign1 *msg, const uint8_t *aad,
                                size_t aad_len)
{
    size_t protected_len = msg->protected_len;

    if (protected_len == 1 && msg->protected_bytes[0] == 0xa0)
        protected_len = 0;
    cs_cbor_put_array(w, 4);
    cs_cbor_put_cstring(w, "Signature1");
    cs_cbor_put_bytes(w, msg->protected_bytes, protected_len);
    cs_cbor_put_bytes(w, aad, aad_len);
    cs_cbor_put_bytes(w, msg->payload, msg->payload_len);
}

static cs_key_t *load_public(const char *path)
{
    cs_key_t *key = NULL;
    cs_err err = cs_key_load_public_file(path, &key);

    if (err != CS_OK)
        fail_msg("%s: %s", path, cs_err_name(err));
    return key;
}

/* ---- 1. cose-wg/Examples ----------------------------------------------------------- */

/* The JWK's x or y: base64url in "x", or hex in "x_hex" (cose-wg/README.md). */
static bool jwk_coordinate(const json_t *jwk, const char *name, uint8_t out[CS_KEY_COORDINATE_SIZE])
{
    char hex_name[16];
    const char *text;
    size_t len = 0;

    snprintf(hex_name, sizeof(hex_name), "%s_hex", name);
    if ((text = json_string_value(json_object_get(jwk, name))) != NULL) {
        if (!base64url_decode(text, out, CS_KEY_COORDINATE_SIZE, &len))
            return false;
    } else if ((text = json_string_value(json_object_get(jwk, hex_name))) != NULL) {
        if (!hex_decode(text, out, CS_KEY_COORDINATE_SIZE, &len))
            return false;
    } else {
        return false;
    }
    return len == CS_KEY_COORDINATE_SIZE;
}

/* kty EC crv P-256 -> ES256, kty OKP crv Ed25519 -> EdDSA; nothing else. */
static cs_key_t *key_from_jwk(const char *name, const json_t *jwk)
{
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    cs_key_t *key = NULL;
    cs_err err = CS_ERR_UNSUPPORTED;

    if (kty == NULL || crv == NULL || !jwk_coordinate(jwk, "x", x))
        fail_msg("%s: the JWK needs kty, crv and a 32-byte x", name);
    if (strcmp(kty, "EC") == 0 && strcmp(crv, "P-256") == 0) {
        if (!jwk_coordinate(jwk, "y", y))
            fail_msg("%s: the P-256 JWK needs a 32-byte y", name);
        err = cs_key_from_public_coordinates(CS_ALG_ES256, x, sizeof(x), y, sizeof(y), &key);
    } else if (strcmp(kty, "OKP") == 0 && strcmp(crv, "Ed25519") == 0) {
        err = cs_key_from_public_coordinates(CS_ALG_EDDSA, x, sizeof(x), NULL, 0, &key);
    } else {
        fail_msg("%s: kty %s crv %s is neither P-256 nor Ed25519", name, kty, crv);
    }
    expect_err(name, "key from the JWK", err, CS_OK);
    return key;
}

/* The JSON text field as bytes: hex when hex is true, else UTF-8. */
static uint8_t *json_bytes(const json_t *value, bool hex, size_t *len)
{
    const char *text = json_string_value(value);
    uint8_t *out;

    if (text == NULL)
        return NULL;
    if (hex)
        return hex_decode_alloc(text, len);
    *len = strlen(text);
    if ((out = malloc(*len + 1)) != NULL)
        memcpy(out, text, *len + 1);
    return out;
}

/* The error a damaged vector must give, from its "failures" object:
 * decode_err for decoding, verify_err for verification (CS_OK where the
 * step must pass).  Damage this table does not know must fail somewhere. */
static bool expected_failure(const json_t *failures, cs_err *decode_err, cs_err *verify_err)
{
    const json_t *changed = json_object_get(failures, "ChangeAttr");

    *decode_err = CS_OK;
    *verify_err = CS_ERR_SIGNATURE;
    if (json_object_get(failures, "ChangeCBORTag") != NULL) {
        *decode_err = CS_ERR_CBOR_TAG; /* must fail at parsing, not at the signature */
        return true;
    }
    if (changed != NULL && json_object_get(changed, "alg") != NULL) {
        *verify_err = CS_ERR_ALG_UNKNOWN; /* -999 or "unknown": no such algorithm */
        return true;
    }
    return json_object_get(failures, "ChangeTag") != NULL ||
           json_object_get(failures, "AddProtected") != NULL ||
           json_object_get(failures, "RemoveProtected") != NULL;
}

/* The kid the vector's headers name (text in the JSON), if any. */
static const char *vector_kid(const json_t *sign0)
{
    const json_t *protected_header = json_object_get(sign0, "protected");
    const json_t *unprotected_header = json_object_get(sign0, "unprotected");
    const char *kid = json_string_value(json_object_get(protected_header, "kid"));

    return kid != NULL ? kid : json_string_value(json_object_get(unprotected_header, "kid"));
}

static void check_passing_cose_wg(const char *name, const json_t *root, const json_t *sign0,
                                  const cs_cose_sign1 *msg, const cs_key_t *key,
                                  const uint8_t *aad, size_t aad_len)
{
    const json_t *input = json_object_get(root, "input");
    const char *to_be_signed_hex =
        json_string_value(json_object_get(json_object_get(root, "intermediates"), "ToBeSign_hex"));
    const char *kid = vector_kid(sign0);
    unsigned flags = 0;
    uint8_t *plaintext = NULL, *to_be_signed = NULL;
    size_t plaintext_len = 0, to_be_signed_len = 0;
    cs_cbor_writer w;

    /*
     * sign-pass-01 carries alg only in the unprotected header (and h'A0' as
     * its protected header).  Generic COSE allows that, so this interop test
     * opts in with CS_COSE_ACCEPT_UNPROTECTED_ALG for that case only, after
     * checking that the default refuses it: certseal's own tokens never set
     * the flag, because an unprotected alg is not covered by the signature
     * (DESIGN §2 step 3).
     */
    if (!msg->has_alg && msg->unprotected_has_alg) {
        expect_err(name, "unprotected alg without the flag",
                   cs_cose_sign1_verify(msg, key, aad, aad_len, 0), CS_ERR_ALG_MISSING);
        flags = CS_COSE_ACCEPT_UNPROTECTED_ALG;
    }
    expect_err(name, "verify", cs_cose_sign1_verify(msg, key, aad, aad_len, flags), CS_OK);

    /* The decoded parts are the ones the vector describes. */
    plaintext = json_bytes(json_object_get(input, "plaintext_hex"), true, &plaintext_len);
    if (plaintext == NULL)
        plaintext = json_bytes(json_object_get(input, "plaintext"), false, &plaintext_len);
    if (plaintext != NULL && !bytes_equal(msg->payload, msg->payload_len, plaintext, plaintext_len))
        fail_msg("%s: the decoded payload is not the vector's plaintext", name);
    if (kid != NULL && !bytes_equal(msg->kid, msg->kid_len, (const uint8_t *)kid, strlen(kid)))
        fail_msg("%s: the decoded kid is not \"%s\"", name, kid);

    /* The Sig_structure rebuilt from the decoded message is the one signed. */
    if (to_be_signed_hex != NULL) {
        assert_non_null(to_be_signed = hex_decode_alloc(to_be_signed_hex, &to_be_signed_len));
        cs_cbor_writer_init(&w);
        write_sig_structure(&w, msg, aad, aad_len);
        assert_int_equal(cs_cbor_writer_error(&w), CS_OK);
        if (!bytes_equal(w.buf, w.len, to_be_signed, to_be_signed_len))
            fail_msg("%s: the rebuilt Sig_structure differs from ToBeSign_hex", name);
        cs_cbor_writer_free(&w);
    }
    free(plaintext);
    free(to_be_signed);
}

static void run_cose_wg_vector(const char *path, size_t *n_pass, size_t *n_fail)
{
    json_error_t json_err;
    json_t *root = json_load_file(path, 0, &json_err);
    const json_t *input, *sign0;
    const char *cbor_hex, *external;
    uint8_t *cbor = NULL, *aad = NULL;
    size_t cbor_len = 0, aad_len = 0;
    cs_key_t *key = NULL;
    cs_cose_sign1 msg;
    cs_err decode_err, verify_err, want_decode, want_verify;
    bool must_fail;

    if (root == NULL)
        fail_msg("%s: %s (line %d)", path, json_err.text, json_err.line);
    input = json_object_get(root, "input");
    sign0 = json_object_get(input, "sign0");
    cbor_hex = json_string_value(json_object_get(json_object_get(root, "output"), "cbor"));
    if (sign0 == NULL || cbor_hex == NULL)
        fail_msg("%s: needs input.sign0 and output.cbor", path);
    must_fail = json_is_true(json_object_get(root, "fail"));

    key = key_from_jwk(path, json_object_get(sign0, "key"));
    if ((cbor = hex_decode_alloc(cbor_hex, &cbor_len)) == NULL)
        fail_msg("%s: output.cbor is not hexadecimal", path);
    /* external AAD: absent or "" both mean h'' */
    external = json_string_value(json_object_get(sign0, "external"));
    if (external != NULL && (aad = hex_decode_alloc(external, &aad_len)) == NULL)
        fail_msg("%s: input.sign0.external is not hexadecimal", path);

    decode_err = cs_cose_sign1_decode(cbor, cbor_len, &msg);
    if (!must_fail) {
        expect_err(path, "decode", decode_err, CS_OK);
        check_passing_cose_wg(path, root, sign0, &msg, key, aad, aad_len);
        (*n_pass)++;
    } else {
        bool known = expected_failure(json_object_get(input, "failures"), &want_decode,
                                      &want_verify);
        verify_err = decode_err == CS_OK ? cs_cose_sign1_verify(&msg, key, aad, aad_len, 0)
                                         : CS_OK;
        if (known) {
            expect_err(path, "decode", decode_err, want_decode);
            if (want_decode == CS_OK)
                expect_err(path, "verify", verify_err, want_verify);
        } else if (decode_err == CS_OK && verify_err == CS_OK) {
            fail_msg("%s: a vector marked \"fail\" decoded and verified", path);
        }
        (*n_fail)++;
    }
    cs_cose_sign1_clear(&msg);
    cs_key_free(&key);
    free(cbor);
    free(aad);
    json_decref(root);
}

static void test_cose_wg(void **state)
{
    path_list files = {0};
    size_t n_pass = 0, n_fail = 0;

    (void)state;
    find_files_sorted(COSE_WG_DIR, ".json", true, &files);
    if (files.count == 0)
        fail_msg("%s holds no .json vectors", COSE_WG_DIR);
    for (size_t i = 0; i < files.count; i++)
        run_cose_wg_vector(files.paths[i], &n_pass, &n_fail);
    /* both kinds must be there, or the set was damaged */
    assert_true(n_pass > 0);
    assert_true(n_fail > 0);
    path_list_free(&files);
}

/* ---- 2. roundtrip/manifest.json ------------------------------------------------------ */

typedef struct roundtrip_keys {
    cs_key_t *eddsa;
    cs_key_t *es256;
} roundtrip_keys;

/* "keys/<alg>-public.pem" for the alg a manifest entry names. */
static const cs_key_t *roundtrip_key(const roundtrip_keys *keys, const char *id, const char *alg)
{
    if (alg != NULL && strcmp(alg, "EdDSA") == 0)
        return keys->eddsa;
    if (alg != NULL && strcmp(alg, "ES256") == 0)
        return keys->es256;
    fail_msg("%s: unknown key \"%s\"", id, alg != NULL ? alg : "(none)");
    return NULL;
}

/*
 * The COSE bytes of a token: "HC1:" + base45(zlib(COSE)) unwrapped by hand
 * (base45 with the library, inflate with zlib here), or COSE hex.  Returns
 * false when the token is HC1 text whose payload does not inflate, with
 * the base45-decoded bytes in *raw.
 */
static bool token_cose(const char *id, const char *token, uint8_t **raw, size_t *raw_len,
                       uint8_t **cose, size_t *cose_len)
{
    size_t text_len;
    bool inflated;

    *raw = *cose = NULL;
    *raw_len = *cose_len = 0;
    if (strncmp(token, HC1_PREFIX, strlen(HC1_PREFIX)) != 0) {
        if ((*cose = hex_decode_alloc(token, cose_len)) == NULL)
            fail_msg("%s: the token is neither HC1: text nor hex", id);
        return true;
    }
    token += strlen(HC1_PREFIX);
    text_len = strlen(token);
    assert_non_null(*raw = malloc(cs_base45_decoded_max(text_len) + 1));
    expect_err(id, "base45",
               cs_base45_decode(token, text_len, *raw, cs_base45_decoded_max(text_len) + 1,
                                raw_len),
               CS_OK);
    assert_non_null(*cose = malloc(INFLATE_CAP));
    inflated = inflate_whole(*raw, *raw_len, *cose, INFLATE_CAP, cose_len);
    if (!inflated) {
        free(*cose);
        *cose = NULL;
        *cose_len = 0;
    }
    return inflated;
}

/* The same token through the library's own codec: an HC1 chain is the
 * offline form under another prefix (DESIGN §4), so "CS1:" + the same text
 * must unwrap to the same COSE bytes, or fail to inflate likewise. */
static void check_codec(const char *id, const char *token, const uint8_t *cose, size_t cose_len)
{
    cs_token_codec_t *codec = NULL;
    const uint8_t *out = NULL;
    size_t out_len = 0, len = strlen(token);
    cs_form form = CS_FORM_UNKNOWN;
    bool hc1 = strncmp(token, HC1_PREFIX, strlen(HC1_PREFIX)) == 0;
    char *text;
    cs_err err;

    assert_int_equal(cs_token_codec_new(&codec), CS_OK);
    assert_non_null(text = malloc(len + 1));
    memcpy(text, token, len + 1);
    if (hc1)
        memcpy(text, CS_OFFLINE_PREFIX, strlen(CS_OFFLINE_PREFIX));
    err = cs_token_unwrap(codec, (const uint8_t *)text, len, &form, &out, &out_len);
    if (cose == NULL) {
        expect_err(id, "unwrap of the uncompressed chain", err, CS_ERR_INFLATE);
    } else {
        expect_err(id, "unwrap", err, CS_OK);
        assert_int_equal(form, hc1 ? CS_FORM_OFFLINE : CS_FORM_COSE_HEX);
        if (!bytes_equal(out, out_len, cose, cose_len))
            fail_msg("%s: cs_token_unwrap() gives other bytes than the manifest", id);
    }
    free(text);
    cs_token_codec_free(&codec);
}

/* DESIGN §2 step 5 in miniature: a CWT is not valid at or after its exp
 * (RFC 8392 §3.1.4); the vector is checked at exp + 1 s. */
static void check_expired(const char *id, const cs_cose_sign1 *msg)
{
    cs_cbor_item *claims = NULL;
    int64_t exp = 0, at;

    expect_err(id, "claims", cs_cbor_decode(msg->payload, msg->payload_len, CS_CBOR_MAX_DEPTH,
                                            &claims),
               CS_OK);
    expect_err(id, "exp claim", cs_cbor_get_int(cs_cbor_map_get_int(claims, 4), &exp), CS_OK);
    assert_true(exp > 0 && exp < INT64_MAX);
    at = exp + 1;
    if (!(exp <= at))
        fail_msg("%s: exp %lld is not reached at %lld", id, (long long)exp, (long long)at);
    cs_cbor_free(&claims);
}

static void run_roundtrip_vector(const json_t *entry, const roundtrip_keys *keys,
                                 size_t *n_checked)
{
    const char *id = json_string_value(json_object_get(entry, "id"));
    const char *token = json_string_value(json_object_get(entry, "token"));
    const char *cose_hex = json_string_value(json_object_get(entry, "cose_hex"));
    const char *alg = json_string_value(json_object_get(entry, "alg"));
    const char *verify_with = json_string_value(json_object_get(entry, "verify_with"));
    const char *kid_hex = json_string_value(json_object_get(entry, "dcc_kid_hex"));
    const json_t *expected = json_object_get(entry, "expected");
    const json_t *stage_json = json_object_get(expected, "stage_failed");
    const char *stage = json_string_value(stage_json);
    const cs_key_t *key;
    uint8_t *raw = NULL, *cose = NULL, *manifest_cose = NULL, *kid = NULL;
    size_t raw_len = 0, cose_len = 0, manifest_cose_len = 0, kid_len = 0;
    const uint8_t *aad = NULL;
    size_t aad_len = 0;
    bool inflated;
    cs_cose_sign1 msg;

    if (id == NULL || token == NULL || cose_hex == NULL || alg == NULL || expected == NULL ||
        !(json_is_null(stage_json) || stage != NULL))
        fail_msg("manifest entry %s: needs id, token, cose_hex, alg, expected.stage_failed",
                 id != NULL ? id : "(no id)");
    if (json_is_true(json_object_get(expected, "ok")) != (stage == NULL))
        fail_msg("%s: expected.ok and expected.stage_failed disagree", id);
    key = roundtrip_key(keys, id, verify_with);
    if ((manifest_cose = hex_decode_alloc(cose_hex, &manifest_cose_len)) == NULL)
        fail_msg("%s: cose_hex is not hexadecimal", id);

    /* decompress: the HC1 payload is the COSE_Sign1 itself, not a zlib
     * stream, so the chain breaks at inflating; nothing else is wrong. */
    inflated = token_cose(id, token, &raw, &raw_len, &cose, &cose_len);
    check_codec(id, token, cose, cose_len);
    if (stage != NULL && strcmp(stage, "decompress") == 0) {
        if (inflated)
            fail_msg("%s: the HC1 payload inflated, but must not", id);
        if (!bytes_equal(raw, raw_len, manifest_cose, manifest_cose_len))
            fail_msg("%s: the uncompressed payload is not cose_hex", id);
        goto done;
    }
    if (!inflated)
        fail_msg("%s: the HC1 payload does not inflate", id);
    if (!bytes_equal(cose, cose_len, manifest_cose, manifest_cose_len))
        fail_msg("%s: the token's COSE bytes are not cose_hex", id);

    expect_err(id, "decode", cs_cose_sign1_decode(cose, cose_len, &msg), CS_OK);
    if (strstr(id, "cwt-tag61") != NULL && !(msg.tagged && msg.cwt_tagged))
        fail_msg("%s: 61(18([...])) not recognised as a tagged CWT", id);
    if (strstr(id, "untagged") != NULL && msg.tagged)
        fail_msg("%s: an untagged message reported as tagged", id);

    /*
     * The kid in the token (protected, else unprotected) is the vector's
     * dcc_kid_hex, the signer's kid in the HC1 scheme (SHA-256 of the
     * certificate DER, not certseal's kid of DESIGN §3, so it is only
     * compared, not recomputed).  A "key" vector names the other
     * algorithm's certificate, so there the two must differ.
     */
    if (kid_hex != NULL && msg.kid != NULL) {
        assert_non_null(kid = hex_decode_alloc(kid_hex, &kid_len));
        bool same = bytes_equal(msg.kid, msg.kid_len, kid, kid_len);
        if (same != !(stage != NULL && strcmp(stage, "key") == 0))
            fail_msg("%s: the token's kid %s dcc_kid_hex %s", id, same ? "equals" : "is not",
                     kid_hex);
    }

    if (strstr(id, "external-aad") != NULL) {
        aad = ROUNDTRIP_AAD;
        aad_len = sizeof(ROUNDTRIP_AAD);
        /* the AAD is really part of what was signed */
        expect_err(id, "verify without the AAD", cs_cose_sign1_verify(&msg, key, NULL, 0, 0),
                   CS_ERR_SIGNATURE);
    }

    if (stage == NULL) {
        expect_err(id, "verify", cs_cose_sign1_verify(&msg, key, aad, aad_len, 0), CS_OK);
    } else if (strcmp(stage, "signature") == 0) {
        expect_err(id, "verify", cs_cose_sign1_verify(&msg, key, aad, aad_len, 0),
                   CS_ERR_SIGNATURE);
    } else if (strcmp(stage, "key") == 0) {
        expect_err(id, "verify with the other algorithm's key",
                   cs_cose_sign1_verify(&msg, key, aad, aad_len, 0), CS_ERR_ALG_KEY_MISMATCH);
        /* the key is the only fault: the signer's own key verifies */
        expect_err(id, "verify with the signer's key",
                   cs_cose_sign1_verify(&msg, roundtrip_key(keys, id, alg), aad, aad_len, 0),
                   CS_OK);
    } else if (strcmp(stage, "time") == 0) {
        expect_err(id, "verify", cs_cose_sign1_verify(&msg, key, aad, aad_len, 0), CS_OK);
        check_expired(id, &msg);
    } else {
        fail_msg("%s: unknown stage_failed \"%s\"", id, stage);
    }
    cs_cose_sign1_clear(&msg);
done:
    (*n_checked)++;
    free(raw);
    free(cose);
    free(manifest_cose);
    free(kid);
}

static void test_roundtrip_manifest(void **state)
{
    json_error_t json_err;
    json_t *root = json_load_file(MANIFEST, 0, &json_err);
    const json_t *vectors, *entry;
    roundtrip_keys keys;
    size_t index, n_checked = 0;

    (void)state;
    if (root == NULL)
        fail_msg("%s: %s (line %d)", MANIFEST, json_err.text, json_err.line);
    vectors = json_object_get(root, "vectors");
    if (!json_is_array(vectors) || json_array_size(vectors) == 0)
        fail_msg("%s: no vectors", MANIFEST);
    keys.eddsa = load_public(ROUNDTRIP_DIR "/keys/EdDSA-public.pem");
    keys.es256 = load_public(ROUNDTRIP_DIR "/keys/ES256-public.pem");
    assert_int_equal(cs_key_alg(keys.eddsa), CS_ALG_EDDSA);
    assert_int_equal(cs_key_alg(keys.es256), CS_ALG_ES256);
    json_array_foreach(vectors, index, entry)
        run_roundtrip_vector(entry, &keys, &n_checked);
    assert_int_equal(n_checked, json_array_size(vectors));
    cs_key_free(&keys.eddsa);
    cs_key_free(&keys.es256);
    json_decref(root);
}

/* ---- 3. status-list/ -------------------------------------------------------------- */

/* The example key's JWK coordinates, from status-list/README.md. */
static const char STATUS_KEY_X[] = "I3HWm_0Ds1dPMI-IWmf4mBmH-YaeAVbPVu7vB27CxXo";
static const char STATUS_KEY_Y[] = "6N_d5Elj9bs1htgV3okJKIdbHEpkgTmAluYKJemzn1M";
static const char STATUS_LIST_TYP[] = "application/statuslist+cwt";

static uint8_t *read_hex_file(const char *path, size_t *len)
{
    char *text = read_file(path, NULL);
    uint8_t *bytes;

    if (text == NULL)
        fail_msg("cannot read %s", path);
    if ((bytes = hex_decode_alloc(text, len)) == NULL)
        fail_msg("%s: not hexadecimal", path);
    free(text);
    return bytes;
}

/* A draft example CWT: ES256 in the protected header, kid "12" only in the
 * unprotected one; verifies without any flag; a flipped signature byte
 * does not. */
static void check_status_cwt(const char *path, const cs_key_t *key, bool is_list)
{
    size_t len = 0;
    uint8_t *data = read_hex_file(path, &len);
    cs_cose_sign1 msg;

    expect_err(path, "decode", cs_cose_sign1_decode(data, len, &msg), CS_OK);
    assert_true(msg.tagged);
    assert_false(msg.cwt_tagged); /* the draft: tag 18, no CWT tag 61 */
    assert_true(msg.has_alg);
    assert_int_equal(msg.alg, CS_ALG_ES256);
    assert_false(msg.unprotected_has_alg);
    /* DESIGN §3: kid is read from the unprotected header when the
     * protected one has none */
    assert_true(bytes_equal(msg.kid, msg.kid_len, (const uint8_t *)"12", 2));
    assert_true(cs_cose_sign1_has_typ(&msg, STATUS_LIST_TYP) == is_list);
    assert_int_equal(msg.signature_len, CS_SIGNATURE_MAX);
    expect_err(path, "verify", cs_cose_sign1_verify(&msg, key, NULL, 0, 0), CS_OK);
    cs_cose_sign1_clear(&msg);

    /* the signature is the last item, so the byte 32 from the end is in it */
    data[len - 32] ^= 0x01;
    expect_err(path, "decode (flipped)", cs_cose_sign1_decode(data, len, &msg), CS_OK);
    expect_err(path, "verify (flipped signature)", cs_cose_sign1_verify(&msg, key, NULL, 0, 0),
               CS_ERR_SIGNATURE);
    cs_cose_sign1_clear(&msg);
    free(data);
}

static void test_status_list(void **state)
{
    cs_key_t *key = load_public(STATUS_DIR "/example-key.pub.pem");
    cs_key_t *from_jwk = NULL;
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    size_t x_len = 0, y_len = 0;

    (void)state;
    /* the PEM file is the README's JWK */
    assert_true(base64url_decode(STATUS_KEY_X, x, sizeof(x), &x_len) && x_len == sizeof(x));
    assert_true(base64url_decode(STATUS_KEY_Y, y, sizeof(y), &y_len) && y_len == sizeof(y));
    assert_int_equal(cs_key_from_public_coordinates(CS_ALG_ES256, x, x_len, y, y_len, &from_jwk),
                     CS_OK);
    assert_true(cs_key_public_equal(key, from_jwk));

    check_status_cwt(STATUS_DIR "/slt.hex", key, true);
    check_status_cwt(STATUS_DIR "/referenced.hex", key, false);
    cs_key_free(&from_jwk);
    cs_key_free(&key);
}

/* ---- 4. round trips through cs_cose_sign1_sign() ----------------------------------- */

/* A stand-in for an embedded AC: any bytes, including a zero byte. */
static const uint8_t ACCREDITATION[] = {0xd2, 0x84, 0x40, 0xa0, 0x00, 0x41, 0x00, 0xff};
/* {1: "CB-1", 4: 1893456000} */
static const uint8_t CLAIMS[] = {0xa2, 0x01, 0x64, 0x43, 0x42, 0x2d, 0x31,
                                 0x04, 0x1a, 0x70, 0xdb, 0xd8, 0x80};

/* The protected header DESIGN §3 fixes: {1: alg, 4: kid, 16: typ,
 * -65537: accreditation}, in that order, typ and AC only when given. */
static void expected_protected(cs_cbor_writer *w, const cs_key_t *key,
                               const cs_cose_sign1_headers *headers)
{
    cs_cbor_put_map(w, 2 + (headers->typ != NULL) + (headers->accreditation != NULL));
    cs_cbor_put_int(w, CS_COSE_HEADER_ALG);
    cs_cbor_put_int(w, cs_key_alg(key));
    cs_cbor_put_int(w, CS_COSE_HEADER_KID);
    cs_cbor_put_bytes(w, cs_key_kid(key), CS_KID_SIZE);
    if (headers->typ != NULL) {
        cs_cbor_put_int(w, CS_COSE_HEADER_TYP);
        cs_cbor_put_cstring(w, headers->typ);
    }
    if (headers->accreditation != NULL) {
        cs_cbor_put_int(w, CS_COSE_HEADER_ACCREDITATION);
        cs_cbor_put_bytes(w, headers->accreditation, headers->accreditation_len);
    }
    assert_int_equal(cs_cbor_writer_error(w), CS_OK);
}

/* Signs CLAIMS with key and headers, then checks every field that comes
 * back and that the signature is bound to key, payload and headers. */
static void sign_and_check(const cs_key_t *key, const cs_cose_sign1_headers *headers,
                           const cs_key_t *same_alg_other, const cs_key_t *other_alg)
{
    uint8_t *out = NULL, *tampered = NULL;
    size_t out_len = 0;
    uint64_t tags[CS_CBOR_MAX_TAGS];
    size_t n_tags = 0;
    cs_cbor_item *tree = NULL;
    cs_cbor_writer protected_map;
    cs_cose_sign1 msg;
    uint8_t *at;

    assert_int_equal(cs_cose_sign1_sign(key, headers, CLAIMS, sizeof(CLAIMS), &out, &out_len),
                     CS_OK);
    assert_non_null(out);

    /* the raw shape: 18([protected, {}, payload, signature]) */
    assert_int_equal(cs_cbor_decode_tagged(out, out_len, CS_CBOR_MAX_DEPTH, tags,
                                           CS_CBOR_MAX_TAGS, &n_tags, &tree),
                     CS_OK);
    assert_int_equal(n_tags, 1);
    assert_int_equal(tags[0], CS_COSE_TAG_SIGN1);
    assert_true(cs_cbor_is_array(tree) && cs_cbor_count(tree) == 4);
    assert_true(cs_cbor_is_map(cs_cbor_array_at(tree, 1)));
    assert_int_equal(cs_cbor_count(cs_cbor_array_at(tree, 1)), 0); /* DESIGN §3 */
    {
        const uint8_t *payload = NULL, *field = NULL;
        size_t payload_len = 0, field_len = 0;
        assert_int_equal(cs_cbor_get_bytes(cs_cbor_array_at(tree, 0), &field, &field_len), CS_OK);
        assert_int_equal(cs_cbor_get_bytes(cs_cbor_array_at(tree, 2), &payload, &payload_len),
                         CS_OK);
        assert_true(bytes_equal(payload, payload_len, CLAIMS, sizeof(CLAIMS)));
        assert_int_equal(cs_cbor_get_bytes(cs_cbor_array_at(tree, 3), &field, &field_len), CS_OK);
        assert_null(cs_cbor_array_at(tree, 4));
    }
    cs_cbor_free(&tree);
    assert_null(tree);

    /* every header field */
    assert_int_equal(cs_cose_sign1_decode(out, out_len, &msg), CS_OK);
    assert_true(msg.tagged);
    assert_false(msg.cwt_tagged);
    assert_true(msg.has_alg);
    assert_int_equal(msg.alg, cs_key_alg(key));
    assert_false(msg.unprotected_has_alg);
    assert_true(bytes_equal(msg.kid, msg.kid_len, cs_key_kid(key), CS_KID_SIZE));
    if (headers->typ != NULL) {
        assert_true(cs_cose_sign1_has_typ(&msg, headers->typ));
        assert_true(bytes_equal((const uint8_t *)msg.typ, msg.typ_len,
                                (const uint8_t *)headers->typ, strlen(headers->typ)));
    } else {
        assert_null(msg.typ);
    }
    if (headers->accreditation != NULL)
        assert_true(bytes_equal(msg.accreditation, msg.accreditation_len,
                                headers->accreditation, headers->accreditation_len));
    else
        assert_null(msg.accreditation);
    cs_cbor_writer_init(&protected_map);
    expected_protected(&protected_map, key, headers);
    assert_true(bytes_equal(msg.protected_bytes, msg.protected_len, protected_map.buf,
                            protected_map.len));
    cs_cbor_writer_free(&protected_map);
    assert_true(bytes_equal(msg.payload, msg.payload_len, CLAIMS, sizeof(CLAIMS)));
    assert_int_equal(msg.signature_len, CS_SIGNATURE_MAX); /* raw r||s for ES256 */

    /* bound to the key, the algorithm, the AAD */
    assert_int_equal(cs_cose_sign1_verify(&msg, key, NULL, 0, 0), CS_OK);
    assert_int_equal(cs_cose_sign1_verify(&msg, same_alg_other, NULL, 0, 0), CS_ERR_SIGNATURE);
    assert_int_equal(cs_cose_sign1_verify(&msg, other_alg, NULL, 0, 0), CS_ERR_ALG_KEY_MISMATCH);
    assert_int_equal(cs_cose_sign1_verify(&msg, key, ROUNDTRIP_AAD, sizeof(ROUNDTRIP_AAD), 0),
                     CS_ERR_SIGNATURE);
    cs_cose_sign1_clear(&msg);

    /* bound to the payload: change one claim byte in place */
    assert_non_null(tampered = malloc(out_len));
    memcpy(tampered, out, out_len);
    at = find_bytes(tampered, out_len, CLAIMS, sizeof(CLAIMS));
    assert_non_null(at);
    tampered[(size_t)(at - tampered) + sizeof(CLAIMS) - 1] ^= 0x01;
    assert_int_equal(cs_cose_sign1_decode(tampered, out_len, &msg), CS_OK);
    assert_int_equal(cs_cose_sign1_verify(&msg, key, NULL, 0, 0), CS_ERR_SIGNATURE);
    cs_cose_sign1_clear(&msg);

    /* bound to the protected header: the typ's last letter changed */
    if (headers->typ != NULL) {
        memcpy(tampered, out, out_len);
        at = find_bytes(tampered, out_len, headers->typ, strlen(headers->typ));
        assert_non_null(at);
        tampered[(size_t)(at - tampered) + strlen(headers->typ) - 1] ^= 0x01;
        assert_int_equal(cs_cose_sign1_decode(tampered, out_len, &msg), CS_OK);
        assert_int_equal(cs_cose_sign1_verify(&msg, key, NULL, 0, 0), CS_ERR_SIGNATURE);
        cs_cose_sign1_clear(&msg);
    }
    free(tampered);
    free(out);
}

static void roundtrip(cs_alg alg, cs_alg other)
{
    cs_key_t *key = NULL, *same_alg_other = NULL, *other_alg = NULL, *public_only = NULL;
    const cs_cose_sign1_headers full = {
        .typ = "cs-cert",
        .accreditation = ACCREDITATION,
        .accreditation_len = sizeof(ACCREDITATION),
    };
    const cs_cose_sign1_headers bare = {0};
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    uint8_t *out = NULL;
    size_t out_len = 0;

    assert_int_equal(cs_key_generate(alg, &key), CS_OK);
    assert_int_equal(cs_key_generate(alg, &same_alg_other), CS_OK);
    assert_int_equal(cs_key_generate(other, &other_alg), CS_OK);
    sign_and_check(key, &full, same_alg_other, other_alg);
    sign_and_check(key, &bare, same_alg_other, other_alg);

    /* a public key cannot sign */
    assert_int_equal(cs_key_public_coordinates(key, x, y), CS_OK);
    assert_int_equal(cs_key_from_public_coordinates(alg, x, sizeof(x),
                                                    alg == CS_ALG_ES256 ? y : NULL,
                                                    alg == CS_ALG_ES256 ? sizeof(y) : 0,
                                                    &public_only),
                     CS_OK);
    assert_true(cs_key_public_equal(key, public_only));
    assert_int_equal(cs_cose_sign1_sign(public_only, &full, CLAIMS, sizeof(CLAIMS), &out,
                                        &out_len),
                     CS_ERR_ARGUMENT);
    assert_null(out);

    cs_key_free(&public_only);
    cs_key_free(&other_alg);
    cs_key_free(&same_alg_other);
    cs_key_free(&key);
}

static void test_roundtrip_eddsa(void **state)
{
    (void)state;
    roundtrip(CS_ALG_EDDSA, CS_ALG_ES256);
}

static void test_roundtrip_es256(void **state)
{
    (void)state;
    roundtrip(CS_ALG_ES256, CS_ALG_EDDSA);
}

/* The COSE bytes of one manifest entry (by id), decoded from cose_hex. */
static uint8_t *manifest_entry_cose(const char *want_id, size_t *len)
{
    json_error_t json_err;
    json_t *root = json_load_file(MANIFEST, 0, &json_err);
    const json_t *entry;
    uint8_t *cose = NULL;
    size_t index;

    if (root == NULL)
        fail_msg("%s: %s (line %d)", MANIFEST, json_err.text, json_err.line);
    json_array_foreach(json_object_get(root, "vectors"), index, entry) {
        const char *id = json_string_value(json_object_get(entry, "id"));
        if (id != NULL && strcmp(id, want_id) == 0)
            cose = hex_decode_alloc(json_string_value(json_object_get(entry, "cose_hex")), len);
    }
    json_decref(root);
    if (cose == NULL)
        fail_msg("%s: no entry %s with a cose_hex", MANIFEST, want_id);
    return cose;
}

/* Ed25519 is deterministic (RFC 8032 §5.1.6): the same key and message give
 * the same signature, so signing twice gives the same token, and signing
 * the Sig_structure of the roundtrip vector EdDSA-hc1 with its private key
 * reproduces that vector's signature, made by another implementation. */
static void test_eddsa_deterministic(void **state)
{
    cs_key_t *key = NULL;
    cs_key_t *public_key = load_public(ROUNDTRIP_DIR "/keys/EdDSA-public.pem");
    const cs_cose_sign1_headers headers = {.typ = "cs-cert"};
    uint8_t *first = NULL, *second = NULL, *cose = NULL;
    size_t first_len = 0, second_len = 0, cose_len = 0, sig_len = 0;
    uint8_t sig[CS_SIGNATURE_MAX];
    cs_cbor_writer tbs;
    cs_cose_sign1 msg;

    (void)state;
    assert_int_equal(cs_key_load_private_file(ROUNDTRIP_DIR "/keys/EdDSA-private.pem", NULL, 0,
                                              &key),
                     CS_OK);
    assert_int_equal(cs_key_alg(key), CS_ALG_EDDSA);
    assert_true(cs_key_public_equal(key, public_key));

    assert_int_equal(cs_cose_sign1_sign(key, &headers, CLAIMS, sizeof(CLAIMS), &first,
                                        &first_len),
                     CS_OK);
    assert_int_equal(cs_cose_sign1_sign(key, &headers, CLAIMS, sizeof(CLAIMS), &second,
                                        &second_len),
                     CS_OK);
    assert_true(bytes_equal(first, first_len, second, second_len));

    cose = manifest_entry_cose("EdDSA-hc1", &cose_len);
    assert_int_equal(cs_cose_sign1_decode(cose, cose_len, &msg), CS_OK);
    cs_cbor_writer_init(&tbs);
    write_sig_structure(&tbs, &msg, NULL, 0);
    assert_int_equal(cs_cbor_writer_error(&tbs), CS_OK);
    assert_int_equal(cs_crypto_sign(key, tbs.buf, tbs.len, sig, &sig_len), CS_OK);
    assert_true(bytes_equal(sig, sig_len, msg.signature, msg.signature_len));
    assert_int_equal(cs_cose_sign1_verify(&msg, public_key, NULL, 0, 0), CS_OK);

    cs_cbor_writer_free(&tbs);
    cs_cose_sign1_clear(&msg);
    free(cose);
    free(first);
    free(second);
    cs_key_free(&public_key);
    cs_key_free(&key);
}

/* ---- 4b. roundtrip/png/ and roundtrip/keys/<alg>-cert.der ------------------------- */

/* The manifest's entry `id`, or NULL (borrowed from root). */
static const json_t *manifest_entry(const json_t *root, const char *want_id)
{
    const json_t *entry;
    size_t index;

    json_array_foreach(json_object_get(root, "vectors"), index, entry) {
        const char *id = json_string_value(json_object_get(entry, "id"));
        if (id != NULL && strcmp(id, want_id) == 0)
            return entry;
    }
    return NULL;
}

/* Every QR image reads back as the token of the manifest entry it is named
 * after (roundtrip/README.md: each HC1 string was written to a QR code). */
static void test_roundtrip_images(void **state)
{
    json_error_t json_err;
    json_t *root = json_load_file(MANIFEST, 0, &json_err);
    path_list files = {0};
    char detail[CS_DETAIL_SIZE] = "";

    (void)state;
    if (root == NULL)
        fail_msg("%s: %s (line %d)", MANIFEST, json_err.text, json_err.line);
    find_files_sorted(ROUNDTRIP_DIR "/png", ".png", false, &files);
    if (files.count == 0)
        fail_msg("%s/png holds no .png vectors", ROUNDTRIP_DIR);
    for (size_t i = 0; i < files.count; i++) {
        const char *name = strrchr(files.paths[i], '/') + 1;
        char id[128];
        cs_scan_result scanned = {0};

        snprintf(id, sizeof(id), "%.*s", (int)(strlen(name) - strlen(".png")), name);
        const char *token = json_string_value(json_object_get(manifest_entry(root, id), "token"));
        if (token == NULL)
            fail_msg("%s: no manifest entry %s with a token", files.paths[i], id);
        if (cs_scan_file(files.paths[i], &scanned, detail, sizeof(detail)) != CS_OK)
            fail_msg("%s: does not scan: %s", files.paths[i], detail);
        assert_int_equal(scanned.count, 1);
        if (strcmp(scanned.symbols[0].text, token) != 0)
            fail_msg("%s: reads \"%.40s...\", not the token of %s", files.paths[i],
                     scanned.symbols[0].text, id);
        cs_scan_result_clear(&scanned);
    }
    path_list_free(&files);
    json_decref(root);
}

/* keys/<alg>-cert.der is the signer_cert_der_b64 of the entries verified
 * with that alg's key (verify_with: the wrong-key ones name the other), and
 * their dcc_kid_hex is the first 8 bytes of its SHA-256. */
static void check_signer_certificate(const json_t *root, const char *alg)
{
    char path[256], b64url[4096];
    uint8_t digest[CS_SHA256_SIZE], decoded[2048], *kid = NULL;
    size_t der_len = 0, decoded_len = 0, kid_len = 0, n = 0, checked = 0;
    const json_t *entry;
    size_t index;

    snprintf(path, sizeof(path), "%s/keys/%s-cert.der", ROUNDTRIP_DIR, alg);
    char *der = read_file(path, &der_len);
    if (der == NULL)
        fail_msg("%s: cannot be read", path);
    assert_int_equal(cs_crypto_sha256(der, der_len, digest), CS_OK);
    json_array_foreach(json_object_get(root, "vectors"), index, entry) {
        const char *b64 = json_string_value(json_object_get(entry, "signer_cert_der_b64"));
        const char *kid_hex = json_string_value(json_object_get(entry, "dcc_kid_hex"));
        const char *entry_alg = json_string_value(json_object_get(entry, "verify_with"));
        if (entry_alg == NULL || strcmp(entry_alg, alg) != 0 || b64 == NULL || kid_hex == NULL)
            continue;
        /* base64 to base64url without padding, which the JWK reader takes */
        for (n = 0; b64[n] != '\0' && b64[n] != '=' && n < sizeof(b64url) - 1; n++)
            b64url[n] = b64[n] == '+' ? '-' : b64[n] == '/' ? '_' : b64[n];
        b64url[n] = '\0';
        assert_true(base64url_decode(b64url, decoded, sizeof(decoded), &decoded_len));
        assert_true(bytes_equal(decoded, decoded_len, (const uint8_t *)der, der_len));
        assert_non_null(kid = hex_decode_alloc(kid_hex, &kid_len));
        assert_true(bytes_equal(kid, kid_len, digest, 8));
        free(kid);
        checked++;
    }
    if (checked == 0)
        fail_msg("%s: no %s entry names a signer certificate", MANIFEST, alg);
    free(der);
}

static void test_roundtrip_certificates(void **state)
{
    json_error_t json_err;
    json_t *root = json_load_file(MANIFEST, 0, &json_err);

    (void)state;
    if (root == NULL)
        fail_msg("%s: %s (line %d)", MANIFEST, json_err.text, json_err.line);
    check_signer_certificate(root, "EdDSA");
    check_signer_certificate(root, "ES256");
    json_decref(root);
}

/* ---- 5. tests/data/cose/<case>.hex beside <case>.diag ----------------------------- */

/* Every case in the folder is this valid message changed in one place:
 * 18([h'A10127' / {1: -8} /, {}, h'74657374', h'0000']).  Decoding does not
 * look at the signature's length, so two bytes stand in for 64. */
static const uint8_t COSE_DATA_BASE[] = {0xd2, 0x84, 0x43, 0xa1, 0x01, 0x27, 0xa0, 0x44,
                                         0x74, 0x65, 0x73, 0x74, 0x42, 0x00, 0x00};

static void test_cose_data_base(void **state)
{
    cs_cose_sign1 msg;

    (void)state;
    assert_int_equal(cs_cose_sign1_decode(COSE_DATA_BASE, sizeof(COSE_DATA_BASE), &msg), CS_OK);
    assert_true(msg.has_alg);
    assert_int_equal(msg.alg, CS_ALG_EDDSA);
    assert_int_equal(msg.payload_len, 4);
    cs_cose_sign1_clear(&msg);
}

static void run_cose_data_case(const char *hex_path)
{
    char diag_path[1024], *hex, *diag, *expected;
    uint8_t data[4096];
    size_t len = 0, stem = strlen(hex_path) - strlen(".hex");
    cs_cose_sign1 msg;
    cs_err err;

    snprintf(diag_path, sizeof(diag_path), "%.*s.diag", (int)stem, hex_path);
    hex = read_file(hex_path, NULL);
    diag = read_file(diag_path, NULL);
    if (hex == NULL || diag == NULL)
        fail_msg("%s: needs %s beside it", hex_path, diag_path);
    if (!hex_decode(hex, data, sizeof(data), &len))
        fail_msg("%s: not hexadecimal", hex_path);
    /* line 1: why it must fail; line 2: the expected error name */
    expected = strchr(diag, '\n');
    if (expected == NULL || expected == diag || expected[1] == '\0')
        fail_msg("%s: needs a reason line and an error line", diag_path);
    expected++;
    expected[strcspn(expected, "\r\n")] = '\0';

    memset(&msg, 0xa5, sizeof(msg)); /* decode must clear it, whatever it held */
    err = cs_cose_sign1_decode(data, len, &msg);
    if (strcmp(cs_err_name(err), expected) != 0) {
        if (err == CS_OK)
            cs_cose_sign1_clear(&msg);
        fail_msg("%s: expected %s, got %s", hex_path, expected, cs_err_name(err));
    }
    /* on failure the struct is left cleared (cose.h) */
    assert_null(msg.tree);
    assert_null(msg.payload);
    assert_null(msg.kid);
    free(hex);
    free(diag);
}

static void test_cose_data(void **state)
{
    path_list files = {0};

    (void)state;
    find_files_sorted(COSE_DATA_DIR, ".hex", false, &files);
    if (files.count == 0)
        fail_msg("%s holds no .hex cases", COSE_DATA_DIR);
    for (size_t i = 0; i < files.count; i++)
        run_cose_data_case(files.paths[i]);
    path_list_free(&files);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cose_wg),
        cmocka_unit_test(test_roundtrip_manifest),
        cmocka_unit_test(test_status_list),
        cmocka_unit_test(test_roundtrip_eddsa),
        cmocka_unit_test(test_roundtrip_es256),
        cmocka_unit_test(test_eddsa_deterministic),
        cmocka_unit_test(test_roundtrip_images),
        cmocka_unit_test(test_roundtrip_certificates),
        cmocka_unit_test(test_cose_data_base),
        cmocka_unit_test(test_cose_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
