/* SPDX-License-Identifier: ISC */
/*
 * The PKCS#11 URI parser (RFC 7512 §2.3): "pkcs11:" path [ "?" query ],
 * path attributes separated by ";", query attributes by "&", values
 * percent-decoded.  Strict, so that a URI certseal cannot honour fully is
 * refused rather than matched loosely.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "certseal/pkcs11.h"

#define SCHEME "pkcs11:"
#define SCHEME_LEN (sizeof(SCHEME) - 1)

bool cs_pkcs11_is_uri(const char *text)
{
    return text != NULL && strncasecmp(text, SCHEME, SCHEME_LEN) == 0;
}

void cs_pkcs11_uri_free(cs_pkcs11_uri **uri)
{
    if (uri == NULL || *uri == NULL)
        return;
    cs_pkcs11_uri *u = *uri;
    char *strings[] = {u->library_manufacturer, u->library_description, u->slot_description,
                       u->slot_manufacturer, u->token, u->manufacturer, u->serial, u->model,
                       u->object, u->type, u->module_name, u->module_path, u->pin_source};
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        free(strings[i]);
    free(u->id);
    free(u);
    *uri = NULL;
}

/* RFC 3986 unreserved, plus the reserved characters RFC 7512 allows
 * unescaped in a path value (pk11-p-res) or a query value (pk11-q-res). */
static bool allowed(unsigned char c, bool query)
{
    if (isalnum(c) || strchr("-._~", c) != NULL)
        return c != '\0';
    if (c != '\0' && strchr(":[]@!$'()*+,=&", c) != NULL)
        return !query || c != '&';
    return query && c != '\0' && strchr("/?|", c) != NULL;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (unsigned char)tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decodes value[0..len) into a new buffer (NUL-terminated for
 * convenience), *out_len bytes. */
static cs_err decode(const char *name, const char *value, size_t len, bool query,
                     uint8_t **out, size_t *out_len, char *detail, size_t size)
{
    uint8_t *buf = malloc(len + 1);
    size_t n = 0;

    if (buf == NULL)
        return CS_ERR_NO_MEMORY;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == '%') {
            int hi = i + 2 < len ? hex_value((unsigned char)value[i + 1]) : -1;
            int lo = hi >= 0 ? hex_value((unsigned char)value[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(buf);
                return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                                      "%s: '%%' must start a two-digit hex escape such as %%20",
                                      name);
            }
            buf[n++] = (uint8_t)(hi * 16 + lo);
            i += 2;
        } else if (allowed(c, query)) {
            buf[n++] = c;
        } else {
            free(buf);
            if (c < 0x20 || c >= 0x7f)
                return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                                      "%s: byte 0x%02x must be percent-encoded (%%%02X)", name, c,
                                      c);
            return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                                  "%s: '%c' must be percent-encoded (%%%02X)", name, c, c);
        }
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return CS_OK;
}

/* A text attribute: decoded, without NUL bytes. */
static cs_err set_text(char **field, const char *name, const uint8_t *value, size_t len,
                       char *detail, size_t size)
{
    if (memchr(value, '\0', len) != NULL)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "%s: holds a NUL byte (%%00)",
                              name);
    if ((*field = strdup((const char *)value)) == NULL)
        return CS_ERR_NO_MEMORY;
    return CS_OK;
}

static cs_err parse_digits(const char *name, const char *text, unsigned long max,
                           unsigned long *out, const char **end, char *detail, size_t size)
{
    unsigned long v = 0;
    const char *p = text;

    if (!isdigit((unsigned char)*p))
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "%s: not a decimal number", name);
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (max - d) / 10)
            return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "%s: number too large", name);
        v = v * 10 + d;
    }
    *out = v;
    *end = p;
    return CS_OK;
}

static cs_err set_version(cs_pkcs11_uri *u, const char *text, char *detail, size_t size)
{
    static const char name[] = "library-version";
    unsigned long major = 0, minor = 0;
    const char *end = NULL;
    cs_err err = parse_digits(name, text, 255, &major, &end, detail, size);

    if (err == CS_OK && *end == '.')
        err = parse_digits(name, end + 1, 255, &minor, &end, detail, size);
    if (err == CS_OK && *end != '\0')
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                             "%s: not MAJOR or MAJOR.MINOR (two numbers up to 255)", name);
    if (err != CS_OK)
        return err;
    u->has_library_version = true;
    u->library_version_major = (unsigned)major;
    u->library_version_minor = (unsigned)minor;
    return CS_OK;
}

static cs_err set_slot_id(cs_pkcs11_uri *u, const char *text, char *detail, size_t size)
{
    const char *end = NULL;
    cs_err err = parse_digits("slot-id", text, (unsigned long)-1, &u->slot_id, &end, detail, size);
    if (err == CS_OK && *end != '\0')
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "slot-id: not a decimal number");
    if (err == CS_OK)
        u->has_slot_id = true;
    return err;
}

static cs_err set_type(cs_pkcs11_uri *u, const char *text, char *detail, size_t size)
{
    static const char *const types[] = {"public", "private", "cert", "secret-key", "data"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(text, types[i]) == 0)
            return (u->type = strdup(text)) != NULL ? CS_OK : CS_ERR_NO_MEMORY;
    return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                          "type: must be public, private, cert, secret-key or data");
}

/* The text attributes, by name: where each goes. */
static char **text_field(cs_pkcs11_uri *u, const char *name, bool query)
{
    struct {
        const char *name;
        char **field;
    } const path[] = {
        {"library-manufacturer", &u->library_manufacturer},
        {"library-description", &u->library_description},
        {"slot-description", &u->slot_description},
        {"slot-manufacturer", &u->slot_manufacturer},
        {"token", &u->token},
        {"manufacturer", &u->manufacturer},
        {"serial", &u->serial},
        {"model", &u->model},
        {"object", &u->object},
    },
      q[] = {
          {"module-name", &u->module_name},
          {"module-path", &u->module_path},
          {"pin-source", &u->pin_source},
      };
    if (!query) {
        for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++)
            if (strcmp(name, path[i].name) == 0)
                return path[i].field;
    } else {
        for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
            if (strcmp(name, q[i].name) == 0)
                return q[i].field;
    }
    return NULL;
}

/* One attribute "name=value" of the path (query false) or the query. */
static cs_err attribute(cs_pkcs11_uri *u, const char *text, size_t len, bool query,
                        char *detail, size_t size)
{
    const char *eq = memchr(text, '=', len);
    char name[32];
    uint8_t *value = NULL;
    size_t value_len = 0, name_len;
    cs_err err;

    if (len == 0)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                              "an empty attribute (two '%c' in a row, or one at the end)",
                              query ? '&' : ';');
    if (eq == NULL)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                              "an attribute without '=' (write name=value)");
    name_len = (size_t)(eq - text);
    if (name_len == 0 || name_len >= sizeof(name))
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "an attribute without a name");
    memcpy(name, text, name_len);
    name[name_len] = '\0';
    for (size_t i = 0; i < name_len; i++)
        if (!islower((unsigned char)name[i]) && name[i] != '-')
            return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                                  "an attribute name of other than a-z and '-'");
    if (query && strcmp(name, "pin-value") == 0)
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_PIN_IN_URI,
                              "the URI holds the PIN (pin-value), which would show in the process "
                              "list, shell history and registry; remove it and give the PIN at "
                              "the prompt, with --pin-file FILE or with --pin-fd N");
    if ((err = decode(name, eq + 1, len - name_len - 1, query, &value, &value_len, detail,
                      size)) != CS_OK)
        return err;

    char **field = text_field(u, name, query);
    if (field != NULL) {
        if (*field != NULL)
            err = cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "%s: given twice", name);
        else
            err = set_text(field, name, value, value_len, detail, size);
    } else if (!query && strcmp(name, "id") == 0) {
        if (u->has_id) {
            err = cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "id: given twice");
        } else {
            u->id = value; /* binary: NUL bytes and all */
            u->id_len = value_len;
            u->has_id = true;
            value = NULL;
        }
    } else if (!query && strcmp(name, "slot-id") == 0) {
        err = u->has_slot_id
                  ? cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "slot-id: given twice")
              : memchr(value, '\0', value_len) != NULL
                  ? cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "slot-id: holds a NUL byte")
                  : set_slot_id(u, (const char *)value, detail, size);
    } else if (!query && strcmp(name, "library-version") == 0) {
        err = u->has_library_version
                  ? cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "library-version: given twice")
              : memchr(value, '\0', value_len) != NULL
                  ? cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                                   "library-version: holds a NUL byte")
                  : set_version(u, (const char *)value, detail, size);
    } else if (!query && strcmp(name, "type") == 0) {
        err = u->type != NULL ? cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                                               "type: given twice")
              : memchr(value, '\0', value_len) != NULL
                  ? cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "type: holds a NUL byte")
                  : set_type(u, (const char *)value, detail, size);
    } else if (!query && strcmp(name, "pin-value") == 0) {
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_PIN_IN_URI,
                             "the URI holds the PIN (pin-value), which would show in the process "
                             "list, shell history and registry; remove it and give the PIN at "
                             "the prompt, with --pin-file FILE or with --pin-fd N");
    } else {
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                             "%s: not a%s attribute certseal knows (RFC 7512 §2.3)", name,
                             query ? " query" : " path");
    }
    if (value != NULL) {
        cs_crypto_wipe(value, value_len);
        free(value);
    }
    return err;
}

/* Splits part[0..len) at sep and parses each attribute. */
static cs_err attributes(cs_pkcs11_uri *u, const char *part, size_t len, char sep, bool query,
                         char *detail, size_t size)
{
    size_t start = 0;

    if (len == 0)
        return CS_OK;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && part[i] != sep)
            continue;
        cs_err err = attribute(u, part + start, i - start, query, detail, size);
        if (err != CS_OK)
            return err;
        start = i + 1;
    }
    return CS_OK;
}

cs_err cs_pkcs11_uri_parse(const char *text, cs_pkcs11_uri **out, char *detail, size_t size)
{
    cs_pkcs11_uri *u = NULL;
    const char *path, *query;
    size_t len;
    cs_err err;

    if (out != NULL)
        *out = NULL;
    if (text == NULL || out == NULL)
        return CS_ERR_ARGUMENT;
    if ((len = strnlen(text, CS_PKCS11_URI_MAX + 1)) > CS_PKCS11_URI_MAX)
        return cs_detail_fail(detail, size, CS_ERR_TOO_LARGE,
                              "the PKCS#11 URI is longer than %d bytes", CS_PKCS11_URI_MAX);
    if (!cs_pkcs11_is_uri(text))
        return cs_detail_fail(detail, size, CS_ERR_PKCS11_URI, "does not start with pkcs11:");
    if ((u = calloc(1, sizeof(*u))) == NULL)
        return CS_ERR_NO_MEMORY;
    path = text + SCHEME_LEN;
    query = strchr(path, '?');
    if (strchr(path, '#') != NULL) {
        err = cs_detail_fail(detail, size, CS_ERR_PKCS11_URI,
                             "a PKCS#11 URI has no fragment ('#' must be written %%23)");
        goto fail;
    }
    err = attributes(u, path, query != NULL ? (size_t)(query - path) : strlen(path), ';', false,
                     detail, size);
    if (err == CS_OK && query != NULL)
        err = attributes(u, query + 1, strlen(query + 1), '&', true, detail, size);
    if (err != CS_OK)
        goto fail;
    *out = u;
    return CS_OK;

fail:
    cs_pkcs11_uri_free(&u);
    return err;
}
