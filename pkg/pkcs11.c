/* SPDX-License-Identifier: ISC */
/*
 * Keys in PKCS#11 tokens (certseal/pkcs11.h): p11-kit loads the module,
 * and everything else is the PKCS#11 interface itself.  The one file that
 * includes p11-kit.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>

#include "internal.h"
#include "certseal/pkcs11.h"

/* DER OBJECT IDENTIFIERs of the two curves (RFC 8410 §3, RFC 5480 §2.1.1.1). */
static const uint8_t oid_ed25519[] = {0x06, 0x03, 0x2b, 0x65, 0x70};
static const uint8_t oid_p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
/* PKCS#11 3.0 §2.3.10 also allows the curve's name as a PrintableString. */
static const uint8_t name_ed25519[] = {0x13, 0x0c, 'e', 'd', 'w', 'a', 'r', 'd',
                                       's', '2', '5', '5', '1', '9'};

#define EC_PARAMS_MAX 64
#define EC_POINT_MAX 80
#define LABEL_MAX 256
#define ID_MAX 256
#define SEEN_MAX 160 /* the list of token labels in a "no token" detail */

/* One open token: the module it is in, a session, and what was loaded. */
typedef struct p11_session {
    CK_FUNCTION_LIST **modules; /* p11-kit's configured modules, or NULL */
    CK_FUNCTION_LIST *loaded;   /* the module of module-path, or NULL */
    CK_FUNCTION_LIST *module;   /* the module the token is in (borrowed) */
    CK_SLOT_ID slot;
    CK_SESSION_HANDLE session;
    bool open, logged_in;
    CK_OBJECT_HANDLE key;
    pthread_mutex_t lock; /* one operation at a time on the session */
    bool locked;          /* lock initialized */
} p11_session;

/* ---- CK_RV -------------------------------------------------------------------- */

static const char *rv_name(CK_RV rv)
{
    switch (rv) {
#define RV(x)                                                                                      \
    case x:                                                                                        \
        return #x
        RV(CKR_OK);
        RV(CKR_HOST_MEMORY);
        RV(CKR_SLOT_ID_INVALID);
        RV(CKR_GENERAL_ERROR);
        RV(CKR_FUNCTION_FAILED);
        RV(CKR_ARGUMENTS_BAD);
        RV(CKR_ATTRIBUTE_READ_ONLY);
        RV(CKR_ATTRIBUTE_SENSITIVE);
        RV(CKR_ATTRIBUTE_TYPE_INVALID);
        RV(CKR_ATTRIBUTE_VALUE_INVALID);
        RV(CKR_DATA_LEN_RANGE);
        RV(CKR_DEVICE_ERROR);
        RV(CKR_DEVICE_MEMORY);
        RV(CKR_DEVICE_REMOVED);
        RV(CKR_FUNCTION_NOT_SUPPORTED);
        RV(CKR_KEY_HANDLE_INVALID);
        RV(CKR_KEY_TYPE_INCONSISTENT);
        RV(CKR_KEY_FUNCTION_NOT_PERMITTED);
        RV(CKR_MECHANISM_INVALID);
        RV(CKR_MECHANISM_PARAM_INVALID);
        RV(CKR_OBJECT_HANDLE_INVALID);
        RV(CKR_OPERATION_ACTIVE);
        RV(CKR_PIN_INCORRECT);
        RV(CKR_PIN_INVALID);
        RV(CKR_PIN_LEN_RANGE);
        RV(CKR_PIN_EXPIRED);
        RV(CKR_PIN_LOCKED);
        RV(CKR_SESSION_CLOSED);
        RV(CKR_SESSION_COUNT);
        RV(CKR_SESSION_HANDLE_INVALID);
        RV(CKR_SESSION_READ_ONLY);
        RV(CKR_TEMPLATE_INCOMPLETE);
        RV(CKR_TEMPLATE_INCONSISTENT);
        RV(CKR_TOKEN_NOT_PRESENT);
        RV(CKR_TOKEN_NOT_RECOGNIZED);
        RV(CKR_TOKEN_WRITE_PROTECTED);
        RV(CKR_USER_ALREADY_LOGGED_IN);
        RV(CKR_USER_NOT_LOGGED_IN);
        RV(CKR_USER_PIN_NOT_INITIALIZED);
        RV(CKR_USER_TYPE_INVALID);
        RV(CKR_BUFFER_TOO_SMALL);
        RV(CKR_CRYPTOKI_NOT_INITIALIZED);
        RV(CKR_CRYPTOKI_ALREADY_INITIALIZED);
        RV(CKR_DOMAIN_PARAMS_INVALID);
        RV(CKR_CURVE_NOT_SUPPORTED);
#undef RV
    default:
        return "an unknown CKR_ code";
    }
}

/* A failed call: the error code its CK_RV stands for, with the call and
 * the code in the detail. */
static cs_err rv_fail(CK_RV rv, const char *call, char *detail, size_t size)
{
    cs_err err = CS_ERR_PKCS11_DEVICE;

    switch (rv) {
    case CKR_HOST_MEMORY:
        return CS_ERR_NO_MEMORY;
    case CKR_PIN_INCORRECT:
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
        err = CS_ERR_PKCS11_PIN_INCORRECT;
        break;
    case CKR_PIN_LOCKED:
        err = CS_ERR_PKCS11_PIN_LOCKED;
        break;
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_DEVICE_REMOVED:
        err = CS_ERR_PKCS11_NO_TOKEN;
        break;
    case CKR_MECHANISM_INVALID:
    case CKR_MECHANISM_PARAM_INVALID:
    case CKR_CURVE_NOT_SUPPORTED:
    case CKR_DOMAIN_PARAMS_INVALID:
        err = CS_ERR_PKCS11_MECHANISM;
        break;
    default:
        break;
    }
    return cs_detail_fail(detail, size, err, "%s failed: %s (0x%lx)", call, rv_name(rv),
                          (unsigned long)rv);
}

/* ---- matching the URI ------------------------------------------------------------ */

/* A blank-padded PKCS#11 text field as a C string. */
static void field_text(const CK_UTF8CHAR *field, size_t size, char *out)
{
    size_t n = size;
    while (n > 0 && (field[n - 1] == ' ' || field[n - 1] == '\0'))
        n--;
    memcpy(out, field, n);
    out[n] = '\0';
}

/* True when want is absent, or equals the padded field. */
static bool field_matches(const char *want, const CK_UTF8CHAR *field, size_t size)
{
    char text[65];
    if (want == NULL)
        return true;
    field_text(field, size < 64 ? size : 64, text);
    return strcmp(want, text) == 0;
}

static bool library_matches(CK_FUNCTION_LIST *module, const cs_pkcs11_uri *uri)
{
    CK_INFO info;

    if (uri->library_manufacturer == NULL && uri->library_description == NULL &&
        !uri->has_library_version)
        return true;
    if (module->C_GetInfo(&info) != CKR_OK)
        return false;
    return field_matches(uri->library_manufacturer, info.manufacturerID,
                         sizeof(info.manufacturerID)) &&
           field_matches(uri->library_description, info.libraryDescription,
                         sizeof(info.libraryDescription)) &&
           (!uri->has_library_version ||
            (info.libraryVersion.major == uri->library_version_major &&
             info.libraryVersion.minor == uri->library_version_minor));
}

static bool token_matches(CK_FUNCTION_LIST *module, CK_SLOT_ID slot, const cs_pkcs11_uri *uri,
                          CK_TOKEN_INFO *info)
{
    CK_SLOT_INFO slot_info;

    if (uri->has_slot_id && slot != uri->slot_id)
        return false;
    if (uri->slot_description != NULL || uri->slot_manufacturer != NULL) {
        if (module->C_GetSlotInfo(slot, &slot_info) != CKR_OK ||
            !field_matches(uri->slot_description, slot_info.slotDescription,
                           sizeof(slot_info.slotDescription)) ||
            !field_matches(uri->slot_manufacturer, slot_info.manufacturerID,
                           sizeof(slot_info.manufacturerID)))
            return false;
    }
    return field_matches(uri->token, info->label, sizeof(info->label)) &&
           field_matches(uri->manufacturer, info->manufacturerID, sizeof(info->manufacturerID)) &&
           field_matches(uri->serial, info->serialNumber, sizeof(info->serialNumber)) &&
           field_matches(uri->model, info->model, sizeof(info->model));
}

/* Appends a token's label to the list of those seen, for the detail. */
static void seen_add(char seen[SEEN_MAX], const CK_TOKEN_INFO *info)
{
    char label[sizeof(info->label) + 1];
    size_t used = strlen(seen);

    field_text(info->label, sizeof(info->label), label);
    if (used + strlen(label) + 5 >= SEEN_MAX)
        return;
    snprintf(seen + used, SEEN_MAX - used, "%s'%s'", used > 0 ? ", " : "", label);
}

/* Looks through module for tokens that match; counts them, keeps the first. */
static cs_err search_module(CK_FUNCTION_LIST *module, const cs_pkcs11_uri *uri, size_t *found,
                            CK_FUNCTION_LIST **found_module, CK_SLOT_ID *found_slot,
                            CK_TOKEN_INFO *found_info, char seen[SEEN_MAX])
{
    CK_SLOT_ID *slots = NULL;
    CK_ULONG count = 0;
    CK_RV rv;

    if (!library_matches(module, uri))
        return CS_OK;
    /* The number of slots may grow between the two calls. */
    for (int attempt = 0; attempt < 4; attempt++) {
        if ((rv = module->C_GetSlotList(CK_TRUE, NULL, &count)) != CKR_OK)
            return CS_OK; /* a module that cannot list its slots holds no token of ours */
        free(slots);
        if ((slots = calloc(count > 0 ? count : 1, sizeof(*slots))) == NULL)
            return CS_ERR_NO_MEMORY;
        if ((rv = module->C_GetSlotList(CK_TRUE, slots, &count)) != CKR_BUFFER_TOO_SMALL)
            break;
    }
    if (rv != CKR_OK) {
        free(slots);
        return CS_OK;
    }
    for (CK_ULONG i = 0; i < count; i++) {
        CK_TOKEN_INFO info;
        /* A token not yet initialized (SoftHSM's free slot) holds no key. */
        if (module->C_GetTokenInfo(slots[i], &info) != CKR_OK ||
            !(info.flags & CKF_TOKEN_INITIALIZED))
            continue;
        seen_add(seen, &info);
        if (!token_matches(module, slots[i], uri, &info))
            continue;
        if ((*found)++ == 0) {
            *found_module = module;
            *found_slot = slots[i];
            *found_info = info;
        }
    }
    free(slots);
    return CS_OK;
}

/* ---- the session -------------------------------------------------------------- */

static void session_close(p11_session *s)
{
    if (s == NULL)
        return;
    if (s->open) {
        if (s->logged_in)
            s->module->C_Logout(s->session);
        s->module->C_CloseSession(s->session);
    }
    if (s->loaded != NULL) {
        p11_kit_module_finalize(s->loaded);
        p11_kit_module_release(s->loaded);
    }
    if (s->modules != NULL)
        p11_kit_modules_finalize_and_release(s->modules);
    if (s->locked)
        pthread_mutex_destroy(&s->lock);
    free(s);
}

/* Loads the module(s) the URI names. */
static cs_err load_modules(p11_session *s, const cs_pkcs11_uri *uri, char *detail, size_t size)
{
    /* p11-kit would print its own messages on stderr; the caller gets
     * them in the detail instead (p11_kit_message()). */
    p11_kit_be_quiet();
    if (uri->module_path != NULL) {
        const char *message;
        if ((s->loaded = p11_kit_module_load(uri->module_path, 0)) == NULL) {
            message = p11_kit_message();
            return cs_detail_fail(detail, size, CS_ERR_PKCS11_MODULE,
                                  "cannot load the module %s: %s", uri->module_path,
                                  message != NULL ? message : "not found");
        }
        CK_RV rv = p11_kit_module_initialize(s->loaded);
        if (rv != CKR_OK) {
            p11_kit_module_release(s->loaded);
            s->loaded = NULL;
            return cs_detail_fail(detail, size, CS_ERR_PKCS11_MODULE,
                                  "the module %s does not initialize: %s (0x%lx)",
                                  uri->module_path, rv_name(rv), (unsigned long)rv);
        }
        return CS_OK;
    }
    s->modules = p11_kit_modules_load_and_initialize(0);
    if (s->modules == NULL || s->modules[0] == NULL)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_MODULE,
                              "p11-kit has no PKCS#11 module configured (install the token's "
                              "module, or add ?module-path=/path/to/module.so to the URI)");
    return CS_OK;
}

/* Finds the one token that matches, and opens a session on it. */
static cs_err session_open(const cs_pkcs11_uri *uri, bool read_write, p11_session **out,
                           CK_TOKEN_INFO *info, char *detail, size_t size)
{
    p11_session *s = calloc(1, sizeof(*s));
    CK_FUNCTION_LIST *module = NULL;
    CK_SLOT_ID slot = 0;
    char seen[SEEN_MAX] = "";
    size_t found = 0, modules = 0;
    cs_err err;
    CK_RV rv;

    if (s == NULL)
        return CS_ERR_NO_MEMORY;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return CS_ERR_NO_MEMORY;
    }
    s->locked = true;
    if ((err = load_modules(s, uri, detail, size)) != CS_OK)
        goto fail;
    if (s->loaded != NULL) {
        err = search_module(s->loaded, uri, &found, &module, &slot, info, seen);
        modules = 1;
    } else {
        for (size_t i = 0; err == CS_OK && s->modules[i] != NULL; i++) {
            char *name = p11_kit_module_get_name(s->modules[i]);
            bool wanted = uri->module_name == NULL ||
                          (name != NULL && strcmp(name, uri->module_name) == 0);
            free(name);
            if (wanted) {
                modules++;
                err = search_module(s->modules[i], uri, &found, &module, &slot, info, seen);
            }
        }
    }
    if (err != CS_OK)
        goto fail;
    if (modules == 0) {
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_MODULE,
                             "p11-kit has no module named '%s' (p11-kit list-modules shows "
                             "them)",
                             uri->module_name);
        goto fail;
    }
    if (found == 0) {
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_NO_TOKEN,
                             "no token matches the URI (tokens present: %s; is the token "
                             "plugged in, and is token= its label?)",
                             seen[0] != '\0' ? seen : "none");
        goto fail;
    }
    if (found > 1) {
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_TOKENS,
                             "%zu tokens match the URI (tokens present: %s; add token= or "
                             "serial=)",
                             found, seen);
        goto fail;
    }
    s->module = module;
    s->slot = slot;
    rv = module->C_OpenSession(slot, CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0),
                               NULL, NULL, &s->session);
    if (rv != CKR_OK) {
        err = rv_fail(rv, "C_OpenSession", detail, size);
        goto fail;
    }
    s->open = true;
    *out = s;
    return CS_OK;

fail:
    session_close(s);
    return err;
}

/* Logs in as the user when the token wants it, with the PIN from pin_fn. */
static cs_err session_login(p11_session *s, const CK_TOKEN_INFO *info, cs_pkcs11_pin_fn pin_fn,
                            void *pin_arg, char *detail, size_t size)
{
    char label[sizeof(info->label) + 1];
    char *pin = NULL;
    size_t pin_len = 0;
    CK_TOKEN_INFO after;
    cs_err err = CS_OK;
    CK_RV rv;

    field_text(info->label, sizeof(info->label), label);
    if (!(info->flags & CKF_LOGIN_REQUIRED))
        return CS_OK;
    if (info->flags & CKF_USER_PIN_LOCKED)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_PIN_LOCKED,
                              "the user PIN of token '%s' is locked after too many wrong tries "
                              "(the security officer must unlock it)",
                              label);
    if (!(info->flags & CKF_USER_PIN_INITIALIZED))
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_PIN,
                              "token '%s' has no user PIN set yet (initialize it first)", label);
    if (info->flags & CKF_PROTECTED_AUTHENTICATION_PATH) {
        rv = s->module->C_Login(s->session, CKU_USER, NULL, 0);
    } else {
        if (pin_fn == NULL)
            return cs_detail_fail(detail, size, CS_ERR_PKCS11_PIN,
                                  "token '%s' needs a PIN and none can be asked for", label);
        if ((pin = calloc(1, CS_PKCS11_PIN_MAX)) == NULL)
            return CS_ERR_NO_MEMORY;
        err = pin_fn(pin_arg, label, pin, &pin_len);
        if (err == CS_OK && pin_len >= CS_PKCS11_PIN_MAX)
            err = CS_ERR_ARGUMENT;
        if (err != CS_OK) {
            cs_crypto_wipe(pin, CS_PKCS11_PIN_MAX);
            free(pin);
            return err;
        }
        rv = s->module->C_Login(s->session, CKU_USER, (CK_UTF8CHAR *)pin, (CK_ULONG)pin_len);
        cs_crypto_wipe(pin, CS_PKCS11_PIN_MAX);
        free(pin);
    }
    if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
        s->logged_in = rv == CKR_OK;
        return CS_OK;
    }
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE || rv == CKR_PIN_INVALID) {
        bool have = s->module->C_GetTokenInfo(s->slot, &after) == CKR_OK;
        if (have && (after.flags & CKF_USER_PIN_LOCKED))
            return cs_detail_fail(detail, size, CS_ERR_PKCS11_PIN_LOCKED,
                                  "wrong PIN for token '%s', and now the PIN is locked (the "
                                  "security officer must unlock it)",
                                  label);
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_PIN_INCORRECT,
                              "wrong PIN for token '%s' (%s); %s", label, rv_name(rv),
                              have && (after.flags & CKF_USER_PIN_FINAL_TRY)
                                  ? "one more wrong try locks it"
                                  : "the token locks the PIN after a few wrong tries");
    }
    if (rv == CKR_PIN_LOCKED)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_PIN_LOCKED,
                              "the user PIN of token '%s' is locked (CKR_PIN_LOCKED; the security "
                              "officer must unlock it)",
                              label);
    return rv_fail(rv, "C_Login", detail, size);
}

/* ---- objects ------------------------------------------------------------------- */

/* Finds objects of class with the label and id given (either may be absent);
 * up to max handles in out, *count all that were found (up to max + 1). */
static cs_err find_objects(p11_session *s, CK_OBJECT_CLASS cls, const char *label,
                           const uint8_t *id, size_t id_len, bool has_id, CK_OBJECT_HANDLE *out,
                           size_t max, size_t *count, char *detail, size_t size)
{
    CK_ATTRIBUTE template[3];
    CK_ULONG n = 0, got = 0;
    CK_OBJECT_HANDLE handles[8];
    CK_RV rv;

    template[n++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
    if (label != NULL)
        template[n++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, strlen(label)};
    if (has_id)
        template[n++] = (CK_ATTRIBUTE){CKA_ID, (void *)id, id_len};
    if ((rv = s->module->C_FindObjectsInit(s->session, template, n)) != CKR_OK)
        return rv_fail(rv, "C_FindObjectsInit", detail, size);
    rv = s->module->C_FindObjects(s->session, handles, max + 1 < 8 ? max + 1 : 8, &got);
    s->module->C_FindObjectsFinal(s->session);
    if (rv != CKR_OK)
        return rv_fail(rv, "C_FindObjects", detail, size);
    for (CK_ULONG i = 0; i < got && i < max; i++)
        out[i] = handles[i];
    *count = got;
    return CS_OK;
}

/* Reads one attribute of at most max bytes. */
static cs_err get_attribute(p11_session *s, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
                            void *value, size_t max, size_t *len, char *detail, size_t size)
{
    CK_ATTRIBUTE a = {type, value, max};
    CK_RV rv = s->module->C_GetAttributeValue(s->session, object, &a, 1);
    if (rv != CKR_OK)
        return rv_fail(rv, "C_GetAttributeValue", detail, size);
    if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen > max)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_DEVICE,
                              "an attribute of the key cannot be read");
    *len = a.ulValueLen;
    return CS_OK;
}

/* The algorithm of a private or public EC key object. */
static cs_err object_alg(p11_session *s, CK_OBJECT_HANDLE object, cs_alg *alg, char *detail,
                         size_t size)
{
    CK_KEY_TYPE type = 0;
    uint8_t params[EC_PARAMS_MAX];
    size_t len = 0;
    cs_err err;

    if ((err = get_attribute(s, object, CKA_KEY_TYPE, &type, sizeof(type), &len, detail,
                             size)) != CS_OK)
        return err;
    if (type != CKK_EC && type != CKK_EC_EDWARDS)
        return cs_detail_fail(detail, size, CS_ERR_KEY_TYPE,
                              "the key is not an EC or Edwards key (CKA_KEY_TYPE 0x%lx)",
                              (unsigned long)type);
    if ((err = get_attribute(s, object, CKA_EC_PARAMS, params, sizeof(params), &len, detail,
                             size)) != CS_OK)
        return err;
    if (type == CKK_EC_EDWARDS &&
        ((len == sizeof(oid_ed25519) && memcmp(params, oid_ed25519, len) == 0) ||
         (len == sizeof(name_ed25519) && memcmp(params, name_ed25519, len) == 0))) {
        *alg = CS_ALG_EDDSA;
        return CS_OK;
    }
    if (type == CKK_EC && len == sizeof(oid_p256) && memcmp(params, oid_p256, len) == 0) {
        *alg = CS_ALG_ES256;
        return CS_OK;
    }
    return cs_detail_fail(detail, size, CS_ERR_KEY_TYPE,
                          "the key's curve is neither Ed25519 nor P-256");
}

/* The public key of a public key object, from CKA_EC_POINT: a DER OCTET
 * STRING around the point (PKCS#11 2.40 §2.3.3, 3.0 §2.3.10), or, as some
 * modules give it, the bare point. */
static cs_err public_key(p11_session *s, CK_OBJECT_HANDLE object, cs_alg alg, cs_key_t **out,
                         char *detail, size_t size)
{
    uint8_t point[EC_POINT_MAX];
    const uint8_t *p = point;
    size_t len = 0;
    size_t want = alg == CS_ALG_EDDSA ? CS_KEY_COORDINATE_SIZE : 1 + 2 * CS_KEY_COORDINATE_SIZE;
    cs_err err = get_attribute(s, object, CKA_EC_POINT, point, sizeof(point), &len, detail, size);

    if (err != CS_OK)
        return err;
    if (len == want + 2 && point[0] == 0x04 && point[1] == want) {
        p += 2;
        len -= 2;
    }
    if (len != want || (alg == CS_ALG_ES256 && p[0] != 0x04))
        return cs_detail_fail(detail, size, CS_ERR_KEY_PARSE,
                              "the token's public key (CKA_EC_POINT) is not a point of %s",
                              alg == CS_ALG_EDDSA ? "Ed25519" : "P-256");
    if (alg == CS_ALG_EDDSA)
        return cs_key_from_public_coordinates(alg, p, CS_KEY_COORDINATE_SIZE, NULL, 0, out);
    return cs_key_from_public_coordinates(alg, p + 1, CS_KEY_COORDINATE_SIZE,
                                          p + 1 + CS_KEY_COORDINATE_SIZE, CS_KEY_COORDINATE_SIZE,
                                          out);
}

/* The public key object that goes with the private key: the same CKA_ID,
 * or the same CKA_LABEL when the key has no id. */
static cs_err find_public(p11_session *s, CK_OBJECT_HANDLE private_key, CK_OBJECT_HANDLE *out,
                          char *detail, size_t size)
{
    uint8_t id[ID_MAX];
    char label[LABEL_MAX + 1];
    size_t id_len = 0, label_len = 0, count = 0;
    cs_err err;

    if (get_attribute(s, private_key, CKA_ID, id, sizeof(id), &id_len, NULL, 0) != CS_OK)
        id_len = 0;
    if (id_len > 0) {
        err = find_objects(s, CKO_PUBLIC_KEY, NULL, id, id_len, true, out, 1, &count, detail, size);
    } else {
        if ((err = get_attribute(s, private_key, CKA_LABEL, label, LABEL_MAX, &label_len, detail,
                                 size)) != CS_OK)
            return err;
        label[label_len] = '\0';
        err = find_objects(s, CKO_PUBLIC_KEY, label, NULL, 0, false, out, 1, &count, detail,
                           size);
    }
    if (err == CS_OK && count == 0)
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_NO_OBJECT,
                             "the token holds the private key but not its public key object "
                             "(same CKA_ID), which certseal needs for the key id");
    return err;
}

/* ---- signing --------------------------------------------------------------------- */

static cs_err token_sign(void *ctx, cs_alg alg, const uint8_t *msg, size_t msg_len,
                         uint8_t sig[CS_SIGNATURE_MAX], size_t *sig_len)
{
    p11_session *s = ctx;
    uint8_t digest[CS_SHA256_SIZE];
    CK_MECHANISM mechanism = {alg == CS_ALG_EDDSA ? CKM_EDDSA : CKM_ECDSA, NULL, 0};
    CK_ULONG len = CS_SIGNATURE_MAX;
    cs_err err = CS_OK;
    CK_RV rv;

    if (alg == CS_ALG_ES256) {
        /* CKM_ECDSA signs a hash made outside the token (PKCS#11 3.0 §6.3.12). */
        if ((err = cs_crypto_sha256(msg, msg_len, digest)) != CS_OK)
            return err;
        msg = digest;
        msg_len = sizeof(digest);
    }
    pthread_mutex_lock(&s->lock);
    rv = s->module->C_SignInit(s->session, &mechanism, s->key);
    if (rv == CKR_OK)
        rv = s->module->C_Sign(s->session, (CK_BYTE *)msg, (CK_ULONG)msg_len, sig, &len);
    pthread_mutex_unlock(&s->lock);
    if (rv != CKR_OK)
        return rv_fail(rv, alg == CS_ALG_EDDSA ? "C_Sign (CKM_EDDSA)" : "C_Sign (CKM_ECDSA)",
                       NULL, 0);
    *sig_len = len;
    return CS_OK;
}

static void token_release(void *ctx)
{
    session_close(ctx);
}

/* ---- the API ------------------------------------------------------------------- */

cs_err cs_pkcs11_key_load(const cs_pkcs11_uri *uri, cs_pkcs11_pin_fn pin_fn, void *pin_arg,
                          cs_key_t **out, char *detail, size_t size)
{
    p11_session *s = NULL;
    CK_TOKEN_INFO info;
    CK_OBJECT_HANDLE found[1], public_object = 0;
    size_t count = 0;
    cs_key_t *key = NULL;
    cs_alg alg = CS_ALG_NONE;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (uri == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if (uri->type != NULL && strcmp(uri->type, "private") != 0)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                              "type=%s: a signing key is type=private (or leave type out)",
                              uri->type);
    if ((err = session_open(uri, false, &s, &info, detail, size)) != CS_OK)
        return err;
    if ((err = session_login(s, &info, pin_fn, pin_arg, detail, size)) != CS_OK)
        goto fail;
    if ((err = find_objects(s, CKO_PRIVATE_KEY, uri->object, uri->id, uri->id_len, uri->has_id,
                            found, 1, &count, detail, size)) != CS_OK)
        goto fail;
    if (count == 0) {
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_NO_OBJECT,
                             "the token holds no private key with %s%s%s (check object= and "
                             "id=; p11tool --list-privkeys --login lists them)",
                             uri->object != NULL ? "label '" : "that id",
                             uri->object != NULL ? uri->object : "",
                             uri->object != NULL ? "'" : "");
        goto fail;
    }
    if (count > 1) {
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_OBJECTS,
                             "more than one private key matches the URI (add object= or id=)");
        goto fail;
    }
    s->key = found[0];
    if ((err = object_alg(s, s->key, &alg, detail, size)) != CS_OK ||
        (err = find_public(s, s->key, &public_object, detail, size)) != CS_OK ||
        (err = public_key(s, public_object, alg, &key, detail, size)) != CS_OK)
        goto fail;
    cs_key_signer signer = {.sign = token_sign, .release = token_release, .ctx = s};
    if ((err = cs_key_set_signer(key, &signer)) != CS_OK)
        goto fail;
    *out = key;
    return CS_OK;

fail:
    cs_key_free(&key);
    session_close(s);
    return err;
}

cs_err cs_pkcs11_key_generate(const cs_pkcs11_uri *uri, cs_alg alg, cs_pkcs11_pin_fn pin_fn,
                              void *pin_arg, const char *public_path, unsigned flags,
                              cs_key_t **out, char *detail, size_t size)
{
    p11_session *s = NULL;
    CK_TOKEN_INFO info;
    CK_OBJECT_HANDLE existing[1], public_object = 0, private_object = 0;
    size_t count = 0;
    cs_key_t *key = NULL;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_MECHANISM mechanism = {alg == CS_ALG_EDDSA ? CKM_EC_EDWARDS_KEY_PAIR_GEN
                                                  : CKM_EC_KEY_PAIR_GEN,
                              NULL, 0};
    const uint8_t *params = alg == CS_ALG_EDDSA ? oid_ed25519 : oid_p256;
    size_t params_len = alg == CS_ALG_EDDSA ? sizeof(oid_ed25519) : sizeof(oid_p256);
    bool made = false;
    cs_err err;
    CK_RV rv;

    if (out != NULL)
        *out = NULL;
    if (uri == NULL || public_path == NULL)
        return CS_ERR_ARGUMENT;
    if (alg != CS_ALG_EDDSA && alg != CS_ALG_ES256)
        return CS_ERR_UNSUPPORTED;
    if (uri->object == NULL && !uri->has_id)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                              "name the new key in the URI with object=LABEL (and id= if you "
                              "like)");
    if (uri->type != NULL && strcmp(uri->type, "private") != 0)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                              "type=%s: leave type out, or give type=private", uri->type);
    if ((err = session_open(uri, true, &s, &info, detail, size)) != CS_OK)
        return err;
    if ((err = session_login(s, &info, pin_fn, pin_arg, detail, size)) != CS_OK)
        goto fail;
    /* Neither a private nor a public key of that name yet: a second key of
     * one label would make the URI ambiguous. */
    for (int i = 0; i < 2; i++) {
        CK_OBJECT_CLASS cls = i == 0 ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY;
        if (uri->object != NULL &&
            (err = find_objects(s, cls, uri->object, NULL, 0, false, existing, 1, &count, detail,
                                size)) == CS_OK &&
            count > 0)
            err = cs_detail_fail(detail, size, CS_ERR_PKCS11_OBJECT_EXISTS,
                                 "the token already holds a key labelled '%s' (choose another "
                                 "object=)",
                                 uri->object);
        if (err == CS_OK && uri->has_id &&
            (err = find_objects(s, cls, NULL, uri->id, uri->id_len, true, existing, 1, &count,
                                detail, size)) == CS_OK &&
            count > 0)
            err = cs_detail_fail(detail, size, CS_ERR_PKCS11_OBJECT_EXISTS,
                                 "the token already holds a key with that id (choose another "
                                 "id=)");
        if (err != CS_OK)
            goto fail;
    }

    CK_ATTRIBUTE public_template[6], private_template[9];
    CK_ULONG np = 0, nq = 0;
    public_template[np++] = (CK_ATTRIBUTE){CKA_TOKEN, &yes, sizeof(yes)};
    public_template[np++] = (CK_ATTRIBUTE){CKA_VERIFY, &yes, sizeof(yes)};
    public_template[np++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)params, params_len};
    private_template[nq++] = (CK_ATTRIBUTE){CKA_TOKEN, &yes, sizeof(yes)};
    private_template[nq++] = (CK_ATTRIBUTE){CKA_PRIVATE, &yes, sizeof(yes)};
    private_template[nq++] = (CK_ATTRIBUTE){CKA_SENSITIVE, &yes, sizeof(yes)};
    private_template[nq++] = (CK_ATTRIBUTE){CKA_EXTRACTABLE, &no, sizeof(no)};
    private_template[nq++] = (CK_ATTRIBUTE){CKA_SIGN, &yes, sizeof(yes)};
    if (uri->object != NULL) {
        public_template[np++] = (CK_ATTRIBUTE){CKA_LABEL, uri->object, strlen(uri->object)};
        private_template[nq++] = (CK_ATTRIBUTE){CKA_LABEL, uri->object, strlen(uri->object)};
    }
    if (uri->has_id) {
        public_template[np++] = (CK_ATTRIBUTE){CKA_ID, uri->id, uri->id_len};
        private_template[nq++] = (CK_ATTRIBUTE){CKA_ID, uri->id, uri->id_len};
    }
    rv = s->module->C_GenerateKeyPair(s->session, &mechanism, public_template, np,
                                      private_template, nq, &public_object, &private_object);
    if (rv != CKR_OK) {
        err = rv_fail(rv, "C_GenerateKeyPair", detail, size);
        if (err == CS_ERR_PKCS11_MECHANISM)
            cs_detail_set(detail, size, "the token cannot make %s keys (%s)",
                          alg == CS_ALG_EDDSA ? "Ed25519" : "P-256", rv_name(rv));
        goto fail;
    }
    made = true;
    if ((err = public_key(s, public_object, alg, &key, detail, size)) != CS_OK)
        goto fail;
    if (!uri->has_id) {
        /* The kid as CKA_ID ties the pair together for find_public(). */
        CK_ATTRIBUTE id = {CKA_ID, (void *)cs_key_kid(key), CS_KID_SIZE};
        if ((rv = s->module->C_SetAttributeValue(s->session, public_object, &id, 1)) != CKR_OK ||
            (rv = s->module->C_SetAttributeValue(s->session, private_object, &id, 1)) !=
                CKR_OK) {
            err = rv_fail(rv, "C_SetAttributeValue (CKA_ID)", detail, size);
            goto fail;
        }
    }
    if ((err = cs_key_write_public_file(key, public_path, flags)) != CS_OK) {
        cs_detail_set(detail, size, "cannot write the public key %s: %s", public_path,
                      cs_strerror(err));
        goto fail;
    }
    if (out != NULL) {
        *out = key;
        key = NULL;
    }
    cs_key_free(&key);
    session_close(s);
    return CS_OK;

fail:
    if (made) {
        s->module->C_DestroyObject(s->session, private_object);
        s->module->C_DestroyObject(s->session, public_object);
    }
    cs_key_free(&key);
    session_close(s);
    return err;
}
