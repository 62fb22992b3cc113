/* SPDX-License-Identifier: ISC */
/* Opening the issuer registry and reporting its errors for the commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_registry.h"

void cli_registry_report(const char *location, cs_err err, const char *detail)
{
    const char *what = cs_err_detail(detail, err);
    char input[1024];

    /* A password in a URI is refused, and never repeated. */
    cs_registry_location_redact(location, input, sizeof(input));

    /* The registry's own detail often says what to do already. */
    if (what == detail && (strchr(detail, '(') != NULL || strchr(detail, ';') != NULL) &&
        err != CS_ERR_REGISTRY && err != CS_ERR_IO_OPEN && err != CS_ERR_REGISTRY_EXISTS) {
        cli_error("%s: %s", input, detail);
        return;
    }

    switch (err) {
    case CS_ERR_IO_OPEN:
        cli_error("%s: no such registry (create one with certseal init --registry %s ...)", input,
                  input);
        break;
    case CS_ERR_REGISTRY_SCHEMA:
        cli_error("%s: %s (give the path of a registry made by certseal init)", input, what);
        break;
    case CS_ERR_REGISTRY_EXISTS:
        cli_error("%s: already exists; a registry is never overwritten (choose another path)",
                  input);
        break;
    case CS_ERR_REGISTRY_BUSY:
        cli_error("%s: %s (another certseal holds the registry; try again when it is done)", input,
                  what);
        break;
    case CS_ERR_REGISTRY_NOT_FOUND:
        cli_error("%s: %s (certseal list --registry DB shows what was issued)", input, what);
        break;
    case CS_ERR_REGISTRY_DUPLICATE:
        cli_error("%s: %s (to re-issue it, add --supersedes NUMBER)", input, what);
        break;
    case CS_ERR_REGISTRY_TRANSITION:
        cli_error("%s: %s (certseal list --registry DB --history shows its status)", input, what);
        break;
    case CS_ERR_REGISTRY_FULL:
        cli_error("%s: %s (start a new registry with a larger --list-size)", input, what);
        break;
    case CS_ERR_REGISTRY_ROLE:
        cli_error("%s: %s (use the registry of the right body)", input, what);
        break;
    case CS_ERR_REGISTRY_DAMAGED:
        cli_error("%s: %s (restore the registry from a backup; nothing was changed)", input,
                  what);
        break;
    case CS_ERR_REGISTRY:
        if (cs_registry_location_is_uri(location))
            cli_error("%s: registry database error: %s (see the server's log)", input, what);
        else
            cli_error("%s: registry database error: %s (check the file with sqlite3 %s 'PRAGMA "
                      "integrity_check')",
                      input, what, input);
        break;
    default:
        cli_error("%s: %s", input, what);
    }
}

const char *cli_registry_role_phrase(int role)
{
    return role == CS_REGISTRY_ROLE_AB ? "an accreditation body's" : "a certification body's";
}

bool cli_registry_open(const char *path, int role, const char *doing, cs_registry_t **out)
{
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_registry_open(path, out, detail, sizeof(detail));
    cs_registry_role have;

    if (err != CS_OK) {
        cli_registry_report(path, err, detail);
        return false;
    }
    cli_warn_exposure(path, "registry", cs_registry_file_exposure(*out));
    have = cs_registry_role_of(*out);
    if (role != 0 && (int)have != role) {
        cli_error("%s: this is %s registry; only %s registry can %s (give the other registry)",
                  path, cli_registry_role_phrase((int)have), cli_registry_role_phrase(role), doing);
        cs_registry_close(out);
        return false;
    }
    return true;
}

bool cli_registry_load_key(cs_registry_t *registry, const char *path,
                           const cli_passphrase_source *passphrase, cs_key_t **out)
{
    const char *key_path = cs_registry_key_path(registry);
    if (key_path == NULL) {
        cli_error("%s: the registry names no key (recreate it with certseal init)", path);
        return false;
    }
    return cli_load_private_key(key_path, passphrase, out);
}

bool cli_registry_key_reference(const char *key, char *out, size_t size)
{
    char *full;

    if (cli_is_pkcs11_uri(key)) {
        if (strlen(key) >= size) {
            cli_error("the pkcs11: URI is longer than %zu bytes", size - 1);
            return false;
        }
        memcpy(out, key, strlen(key) + 1);
        return true;
    }
    if ((full = realpath(key, NULL)) == NULL) {
        cli_error("%s: cannot open the key file: %s", key, strerror(errno));
        return false;
    }
    if (strlen(full) >= size) {
        cli_error("%s: the key file's path is longer than %zu bytes", key, size - 1);
        free(full);
        return false;
    }
    memcpy(out, full, strlen(full) + 1);
    free(full);
    return true;
}

bool cli_registry_issuer(cs_registry_t *registry, const char *path, const cs_key_t *key,
                         cs_issuer_t **out)
{
    size_t ac_len = 0;
    const uint8_t *ac = cs_registry_accreditation(registry, &ac_len);
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    if (ac == NULL) {
        cli_error("%s: the registry holds no accreditation credential (it is not a "
                  "certification body's)",
                  path);
        return false;
    }
    if ((err = cs_issuer_new(key, ac, ac_len, out, detail, sizeof(detail))) != CS_OK) {
        cli_error("%s: the registry's key and accreditation do not fit: %s (check the key at "
                  "%s)",
                  path, cs_err_detail(detail, err), cs_registry_key_path(registry));
        return false;
    }
    return true;
}

bool cli_registry_check_actor(const cs_registry_actor *actor)
{
    if (actor->reason != NULL && strlen(actor->reason) > CS_REGISTRY_REASON_MAX) {
        cli_usage_error("--reason: longer than %d bytes; keep it to a sentence",
                        CS_REGISTRY_REASON_MAX);
        return false;
    }
    if (actor->name != NULL && (actor->name[0] == '\0' || strlen(actor->name) > 200)) {
        cli_usage_error("--actor: give a name of 1 to 200 bytes");
        return false;
    }
    return true;
}
