/* SPDX-License-Identifier: ISC */
/*
 * pkg/pkcs11.c on a throwaway SoftHSM2 token (skipped when softhsm2 is not
 * installed): the key objects keygen makes (in the token, sensitive, not
 * extractable, the kid as CKA_ID), one login for many signatures, and the
 * errors of a wrong PIN, several matching tokens or keys, a wrong type.
 * The objects are read back through p11-kit directly, not through certseal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>

#include "certseal/certseal.h"
#include "internal.h"

/* Under SAN=1: SoftHSM 2.6.1 leaks a small ASN1 string in its own
 * C_SignInit for CKM_EDDSA, once per signature (tests/cli/softhsm2.supp).
 * Full stacks, so that what the module allocates inside token_sign()
 * (pkg/pkcs11.c, which itself allocates nothing) can be told apart. */
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}
const char *__lsan_default_suppressions(void)
{
    return "leak:token_sign\n";
}

static const char *const module_paths[] = {
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
};

static char dir[] = "/tmp/certseal-test-pkcs11.XXXXXX";
static const char *module;
static int pin_calls;
static const char *pin_given = "1234";

static cs_err give_pin(void *arg, const char *label, char pin[CS_PKCS11_PIN_MAX], size_t *len)
{
    (void)arg;
    assert_string_equal(label, "unit");
    pin_calls++;
    *len = strlen(pin_given);
    memcpy(pin, pin_given, *len + 1);
    return CS_OK;
}

/* "pkcs11:" path object "?module-path=" SoftHSM2's module. */
static cs_pkcs11_uri *uri_of(const char *path, const char *object)
{
    char text[512], detail[256] = "";
    cs_pkcs11_uri *uri = NULL;
    snprintf(text, sizeof(text), "pkcs11:%s%s?module-path=%s", path, object, module);
    if (cs_pkcs11_uri_parse(text, &uri, detail, sizeof(detail)) != CS_OK)
        fail_msg("%s: %s", text, detail);
    return uri;
}

static int setup(void **state)
{
    char path[256], command[512];
    FILE *f;
    (void)state;

    for (size_t i = 0; i < sizeof(module_paths) / sizeof(module_paths[0]); i++)
        if (access(module_paths[i], R_OK) == 0)
            module = module_paths[i];
    if (module == NULL || system("command -v softhsm2-util >/dev/null 2>&1") != 0)
        return 0;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/tokens", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/softhsm2.conf", dir);
    assert_non_null(f = fopen(path, "w"));
    fprintf(f, "directories.tokendir = %s/tokens\nlog.level = ERROR\n", dir);
    fclose(f);
    setenv("SOFTHSM2_CONF", path, 1);
    for (int i = 0; i < 2; i++) {
        snprintf(command, sizeof(command),
                 "softhsm2-util --init-token --free --label %s --pin 1234 --so-pin 87654321 "
                 ">/dev/null 2>&1",
                 i == 0 ? "unit" : "other");
        assert_int_equal(system(command), 0);
    }
    return 0;
}

static int teardown(void **state)
{
    char command[300];
    (void)state;
    if (module == NULL || dir[sizeof(dir) - 2] == 'X')
        return 0;
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    return system(command) == 0 ? 0 : -1;
}

#define NEED_SOFTHSM()                                                                             \
    do {                                                                                           \
        if (module == NULL || getenv("SOFTHSM2_CONF") == NULL) {                                   \
            print_message("skipped: softhsm2 is not installed\n");                                \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

/* Reads attributes of the one private key labelled label, through p11-kit. */
static void check_private_object(const char *label, const uint8_t *kid)
{
    CK_FUNCTION_LIST *m = p11_kit_module_load(module, 0);
    CK_SLOT_ID slots[8];
    CK_ULONG nslots = 8, found = 0;
    CK_SESSION_HANDLE session;
    CK_OBJECT_HANDLE key;
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_BBOOL token = 0, sensitive = 0, extractable = 1, never = 0, private_ = 0, sign = 0;
    uint8_t id[64], value[64];
    CK_ATTRIBUTE find[] = {{CKA_CLASS, &cls, sizeof(cls)},
                           {CKA_LABEL, (void *)label, strlen(label)}};
    CK_ATTRIBUTE attrs[] = {
        {CKA_TOKEN, &token, 1},           {CKA_SENSITIVE, &sensitive, 1},
        {CKA_EXTRACTABLE, &extractable, 1}, {CKA_NEVER_EXTRACTABLE, &never, 1},
        {CKA_PRIVATE, &private_, 1},      {CKA_SIGN, &sign, 1},
        {CKA_ID, id, sizeof(id)},
    };
    CK_ATTRIBUTE secret = {CKA_VALUE, value, sizeof(value)};
    CK_TOKEN_INFO info;

    assert_non_null(m);
    assert_int_equal(p11_kit_module_initialize(m), CKR_OK);
    assert_int_equal(m->C_GetSlotList(CK_TRUE, slots, &nslots), CKR_OK);
    CK_SLOT_ID slot = 0;
    bool have = false;
    for (CK_ULONG i = 0; i < nslots; i++)
        if (m->C_GetTokenInfo(slots[i], &info) == CKR_OK && memcmp(info.label, "unit ", 5) == 0)
            slot = slots[i], have = true;
    assert_true(have);
    assert_int_equal(m->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &session), CKR_OK);
    assert_int_equal(m->C_Login(session, CKU_USER, (CK_UTF8CHAR *)"1234", 4), CKR_OK);
    assert_int_equal(m->C_FindObjectsInit(session, find, 2), CKR_OK);
    assert_int_equal(m->C_FindObjects(session, &key, 1, &found), CKR_OK);
    m->C_FindObjectsFinal(session);
    assert_int_equal(found, 1);
    assert_int_equal(m->C_GetAttributeValue(session, key, attrs, 7), CKR_OK);
    assert_true(token);
    assert_true(sensitive);
    assert_false(extractable);
    assert_true(never);
    assert_true(private_);
    assert_true(sign);
    assert_int_equal(attrs[6].ulValueLen, CS_KID_SIZE);
    assert_memory_equal(id, kid, CS_KID_SIZE);
    /* The private value itself never comes out. */
    assert_int_equal(m->C_GetAttributeValue(session, key, &secret, 1), CKR_ATTRIBUTE_SENSITIVE);
    m->C_Logout(session);
    m->C_CloseSession(session);
    p11_kit_module_finalize(m);
    p11_kit_module_release(m);
}

static void test_keygen_objects_and_one_login(void **state)
{
    static const uint8_t msg[] = "to be signed";
    (void)state;
    NEED_SOFTHSM();

    for (int a = 0; a < 2; a++) {
        cs_alg alg = a == 0 ? CS_ALG_EDDSA : CS_ALG_ES256;
        const char *label = a == 0 ? "ed" : "p256";
        char pub_path[300], detail[256] = "";
        cs_pkcs11_uri *uri = uri_of("token=unit;object=", label);
        cs_key_t *made = NULL, *key = NULL, *from_file = NULL;

        snprintf(pub_path, sizeof(pub_path), "%s/%s.pub", dir, label);
        assert_int_equal(cs_pkcs11_key_generate(uri, alg, give_pin, NULL, pub_path, 0, &made,
                                                detail, sizeof(detail)),
                         CS_OK);
        assert_false(cs_key_has_private(made));
        assert_int_equal(cs_key_load_public_file(pub_path, &from_file), CS_OK);
        assert_true(cs_key_public_equal(made, from_file));
        check_private_object(label, cs_key_kid(made));

        /* Again under the same label: refused, the file left as it was. */
        assert_int_equal(cs_pkcs11_key_generate(uri, alg, give_pin, NULL, pub_path,
                                                CS_KEY_WRITE_FORCE, NULL, detail,
                                                sizeof(detail)),
                         CS_ERR_PKCS11_OBJECT_EXISTS);

        /* One PIN, one login, for many signatures. */
        pin_calls = 0;
        assert_int_equal(cs_pkcs11_key_load(uri, give_pin, NULL, &key, detail, sizeof(detail)),
                         CS_OK);
        assert_true(cs_key_has_signer(key));
        assert_int_equal(cs_key_alg(key), alg);
        assert_true(cs_key_public_equal(key, made));
        for (int i = 0; i < 50; i++) {
            uint8_t input[sizeof(msg) + 1], sig[CS_SIGNATURE_MAX];
            size_t len = 0;
            memcpy(input, msg, sizeof(msg));
            input[sizeof(msg)] = (uint8_t)i;
            assert_int_equal(cs_crypto_sign(key, input, sizeof(input), sig, &len), CS_OK);
            assert_int_equal(cs_crypto_verify(from_file, alg, input, sizeof(input), sig, len),
                             CS_OK);
        }
        assert_int_equal(pin_calls, 1);
        cs_key_free(&key);
        cs_key_free(&made);
        cs_key_free(&from_file);
        cs_pkcs11_uri_free(&uri);
    }
}

static void test_errors(void **state)
{
    char detail[256] = "";
    cs_key_t *key = NULL;
    cs_pkcs11_uri *uri;
    (void)state;
    NEED_SOFTHSM();

    uri = uri_of("token=unit;object=", "ed");
    pin_given = "0000";
    assert_int_equal(cs_pkcs11_key_load(uri, give_pin, NULL, &key, detail, sizeof(detail)),
                     CS_ERR_PKCS11_PIN_INCORRECT);
    assert_null(key);
    assert_non_null(strstr(detail, "wrong PIN for token 'unit'"));
    pin_given = "1234";
    cs_pkcs11_uri_free(&uri);

    /* Two tokens and no token=: which one is meant? */
    uri = uri_of("object=", "ed");
    assert_int_equal(cs_pkcs11_key_load(uri, give_pin, NULL, &key, detail, sizeof(detail)),
                     CS_ERR_PKCS11_TOKENS);
    assert_non_null(strstr(detail, "'unit'"));
    assert_non_null(strstr(detail, "'other'"));
    cs_pkcs11_uri_free(&uri);

    /* Two keys in the token and no object= or id=. */
    uri = uri_of("token=unit", "");
    assert_int_equal(cs_pkcs11_key_load(uri, give_pin, NULL, &key, detail, sizeof(detail)),
                     CS_ERR_PKCS11_OBJECTS);
    cs_pkcs11_uri_free(&uri);

    uri = uri_of("token=unit;type=public;object=", "ed");
    assert_int_equal(cs_pkcs11_key_load(uri, give_pin, NULL, &key, detail, sizeof(detail)),
                     CS_ERR_PKCS11_URI);
    cs_pkcs11_uri_free(&uri);

    /* keygen needs a name for the new key. */
    uri = uri_of("token=unit", "");
    assert_int_equal(cs_pkcs11_key_generate(uri, CS_ALG_EDDSA, give_pin, NULL, "x.pub", 0, NULL,
                                            detail, sizeof(detail)),
                     CS_ERR_PKCS11_URI);
    cs_pkcs11_uri_free(&uri);

    /* A public key file that cannot be written: the new pair is removed. */
    uri = uri_of("token=unit;object=", "rolled-back");
    assert_int_equal(cs_pkcs11_key_generate(uri, CS_ALG_EDDSA, give_pin, NULL,
                                            "/nonexistent-folder/x.pub", 0, NULL, detail,
                                            sizeof(detail)),
                     CS_ERR_IO_OPEN);
    assert_int_equal(cs_pkcs11_key_load(uri, give_pin, NULL, &key, detail, sizeof(detail)),
                     CS_ERR_PKCS11_NO_OBJECT);
    cs_pkcs11_uri_free(&uri);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keygen_objects_and_one_login),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
