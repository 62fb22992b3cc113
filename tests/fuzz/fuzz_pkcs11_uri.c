/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for cs_pkcs11_uri_parse (RFC 7512): whatever parses is
 * written back with every value percent-encoded and must parse again to
 * the same attributes; a URI with pin-value never parses.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certseal/pkcs11.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX (6 * CS_PKCS11_URI_MAX + 256)

/* The separator before the next attribute: none first in the path, '?'
 * first in the query, then ';' or '&'. */
static char next_sep;

static void put_sep(char *out, size_t *n, char then)
{
    if (next_sep != '\0')
        out[(*n)++] = next_sep;
    next_sep = then;
}

static void put_value(char *out, size_t *n, const char *name, const uint8_t *value, size_t len,
                      char sep)
{
    put_sep(out, n, sep);
    *n += (size_t)snprintf(out + *n, OUT_MAX - *n, "%s=", name);
    for (size_t i = 0; i < len; i++)
        *n += (size_t)snprintf(out + *n, OUT_MAX - *n, "%%%02X", value[i]);
}

static void put_text(char *out, size_t *n, const char *name, const char *value, char sep)
{
    if (value != NULL)
        put_value(out, n, name, (const uint8_t *)value, strlen(value), sep);
}

static bool same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* True when an attribute of the path (split at ';') or of the query
 * (after the first '?', split at '&') is named pin-value. */
static bool has_pin_value(const char *text)
{
    const char *query = strchr(text, '?');
    size_t path_end = query != NULL ? (size_t)(query - text) : strlen(text);

    for (size_t i = 7; i < path_end; i++)
        if ((i == 7 || text[i - 1] == ';') && strncmp(text + i, "pin-value=", 10) == 0)
            return true;
    for (const char *p = query; p != NULL; p = strchr(p + 1, '&'))
        if (strncmp(p + 1, "pin-value=", 10) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *out = NULL;
    cs_pkcs11_uri *uri = NULL, *again = NULL;
    char detail[256];
    size_t n = 0;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (cs_pkcs11_uri_parse(text, &uri, detail, sizeof(detail)) != CS_OK)
        goto done;
    if (has_pin_value(text))
        abort();
    if ((out = malloc(OUT_MAX)) == NULL)
        goto done;
    n = (size_t)snprintf(out, OUT_MAX, "pkcs11:");
    next_sep = '\0';
    put_text(out, &n, "library-manufacturer", uri->library_manufacturer, ';');
    put_text(out, &n, "library-description", uri->library_description, ';');
    if (uri->has_library_version) {
        put_sep(out, &n, ';');
        n += (size_t)snprintf(out + n, OUT_MAX - n, "library-version=%u.%u",
                              uri->library_version_major, uri->library_version_minor);
    }
    put_text(out, &n, "slot-description", uri->slot_description, ';');
    put_text(out, &n, "slot-manufacturer", uri->slot_manufacturer, ';');
    if (uri->has_slot_id) {
        put_sep(out, &n, ';');
        n += (size_t)snprintf(out + n, OUT_MAX - n, "slot-id=%lu", uri->slot_id);
    }
    put_text(out, &n, "token", uri->token, ';');
    put_text(out, &n, "manufacturer", uri->manufacturer, ';');
    put_text(out, &n, "serial", uri->serial, ';');
    put_text(out, &n, "model", uri->model, ';');
    put_text(out, &n, "object", uri->object, ';');
    if (uri->has_id)
        put_value(out, &n, "id", uri->id, uri->id_len, ';');
    put_text(out, &n, "type", uri->type, ';');
    next_sep = '?';
    put_text(out, &n, "module-name", uri->module_name, '&');
    put_text(out, &n, "module-path", uri->module_path, '&');
    put_text(out, &n, "pin-source", uri->pin_source, '&');
    out[n] = '\0';
    /* Written out longer than the limit, the URI may rightly be refused. */
    if (n > CS_PKCS11_URI_MAX)
        goto done;
    if (cs_pkcs11_uri_parse(out, &again, detail, sizeof(detail)) != CS_OK)
        abort();
    if (!same_text(uri->token, again->token) || !same_text(uri->object, again->object) ||
        !same_text(uri->manufacturer, again->manufacturer) ||
        !same_text(uri->serial, again->serial) || !same_text(uri->model, again->model) ||
        !same_text(uri->type, again->type) || !same_text(uri->module_path, again->module_path) ||
        !same_text(uri->module_name, again->module_name) ||
        !same_text(uri->pin_source, again->pin_source) ||
        !same_text(uri->library_manufacturer, again->library_manufacturer) ||
        !same_text(uri->library_description, again->library_description) ||
        !same_text(uri->slot_description, again->slot_description) ||
        !same_text(uri->slot_manufacturer, again->slot_manufacturer) ||
        uri->has_id != again->has_id || uri->id_len != again->id_len ||
        (uri->id_len > 0 && memcmp(uri->id, again->id, uri->id_len) != 0) ||
        uri->has_slot_id != again->has_slot_id || uri->slot_id != again->slot_id ||
        uri->has_library_version != again->has_library_version ||
        uri->library_version_major != again->library_version_major ||
        uri->library_version_minor != again->library_version_minor)
        abort();
done:
    cs_pkcs11_uri_free(&again);
    cs_pkcs11_uri_free(&uri);
    free(out);
    free(text);
    return 0;
}
