/* SPDX-License-Identifier: ISC */
/* Loading the trust lists of verify and serve (--trust-list, --root):
 * files or URLs (fetched with the ttl cache), verified with the pinned
 * roots, the sequences and rollovers remembered in the cache folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errno.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_service.h"
#include "cli_status.h"

static bool is_url(const char *text)
{
    return strncmp(text, "https://", 8) == 0 || strncmp(text, "http://", 7) == 0;
}

static bool load_roots(const cli_verifier_options *o, cli_trust_lists *out)
{
    for (size_t i = 0; i < o->roots.count; i++) {
        cs_err err = cs_key_load_public_file(o->roots.items[i], &out->roots[i]);
        if (err != CS_OK) {
            cli_error("%s: cannot load the root key: %s (give the scheme owner's PEM public "
                      "key)",
                      o->roots.items[i], cs_strerror(err));
            return false;
        }
        out->root_count++;
    }
    return true;
}

/* The folder and its missing parents (0700); false when it cannot be made. */
static bool make_folder(const char *path)
{
    char *copy = strdup(path);
    bool ok = copy != NULL;

    for (char *p = copy != NULL ? copy + 1 : NULL; ok && p != NULL && *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        ok = mkdir(copy, 0700) == 0 || errno == EEXIST;
        *p = '/';
    }
    ok = ok && (mkdir(path, 0700) == 0 || errno == EEXIST);
    free(copy);
    return ok;
}

bool cli_trust_lists_fetched(const cli_verifier_options *o)
{
    for (size_t i = 0; i < o->trust_lists.count; i++)
        if (is_url(o->trust_lists.items[i]))
            return true;
    return false;
}

/* The cache folder and the history in it (memory only with --no-cache);
 * for URLs, a fetcher from the services plugin (which checks the folder
 * is ours alone). */
static bool open_history(const cli_verifier_options *o, cli_trust_lists *out)
{
    cs_fetch_options fo = CS_FETCH_OPTIONS_INIT;
    const cli_services_verify *services = NULL;
    char *default_dir = NULL;
    cs_err err;
    bool ok = false;

    if (!cli_fetch_options(o->cache_dir, o->no_cache, o->fetch_timeout, &fo, &default_dir))
        return false;
    if (fo.cache_dir != NULL && !make_folder(fo.cache_dir))
        cli_error("%s: cannot make the cache folder: %s (give --cache-dir DIR or --no-cache)",
                  fo.cache_dir, strerror(errno));
    else if (cli_trust_lists_fetched(o) && (services = cli_service_verify()) == NULL)
        ; /* reported */
    else if (cli_trust_lists_fetched(o) && (err = services->fetcher_new(&fo, &out->fetcher)) != CS_OK)
        cli_fetch_cache_error(fo.cache_dir, err);
    else if (cs_trustlist_history_new(fo.cache_dir, &out->history) != CS_OK)
        cli_error("out of memory");
    else
        ok = true;
    free(default_dir);
    return ok;
}

/* The bytes of one --trust-list: a file, or a URL fetched (or from the cache). */
static bool read_list(cli_trust_lists *out, const char *where, int64_t now, uint8_t **data,
                      size_t *len)
{
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err;

    if (!is_url(where))
        return cli_read_input(where, CS_TRUSTLIST_MAX, data, len);
    if ((err = cli_service_verify()->status_source(out->fetcher, where, now, data, len, detail,
                                                   sizeof(detail))) != CS_OK) {
        cli_error("%s: cannot fetch the trust list: %s", where,
                  cs_err_detail(detail, err));
        return false;
    }
    return true;
}

static bool load_list(cs_verifier_t *verifier, const cli_verifier_options *o,
                      cli_trust_lists *out, const char *where, int64_t now)
{
    cs_trustlist *list = &out->lists[out->list_count];
    cs_trustlist_verified info;
    uint8_t *data = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "", name[CLI_ESCAPED_SIZE(512)], when[CS_DATETIME_TEXT_SIZE];
    cs_err err;

    cli_escape(where, name, sizeof(name));
    if (!read_list(out, where, now, &data, &len))
        return false;
    err = cs_trustlist_decode(data, len, list, detail, sizeof(detail));
    free(data);
    if (err != CS_OK) {
        cli_error("%s: not a trust list: %s (give the signed list the scheme owner publishes)",
                  name, cs_err_detail(detail, err));
        return false;
    }
    out->list_count++;
    err = cs_trustlist_verify(list, (const cs_key_t *const *)out->roots, out->root_count,
                              out->history, now, (int64_t)o->skew, o->trust_list_grace, &info,
                              detail, sizeof(detail));
    if (err != CS_OK) {
        cli_error("%s: trust list refused: %s", name, cs_err_detail(detail, err));
        return false;
    }
    if (info.rolled_over)
        fprintf(stderr,
                "certseal: %s: %s: the root rolled over to the key the previous list "
                "announced; that key is pinned from now on\n",
                cli_command_name, name);
    if (info.stale) {
        cs_date_format_datetime(list->next_update, when);
        fprintf(stderr,
                "certseal: %s: %s: warning: the trust list was due for update on %s; used "
                "within its grace period (fetch a new one)\n",
                cli_command_name, name, when);
    }
    if ((err = cs_verifier_add_trust_list(verifier, list)) != CS_OK) {
        cli_error("%s: %s", name, cs_strerror(err));
        return false;
    }
    return true;
}

bool cli_load_trust_lists(cs_verifier_t *verifier, const cli_verifier_options *o,
                          cli_trust_lists *out)
{
    int64_t now = o->at >= 0 ? o->at : (int64_t)time(NULL);

    memset(out, 0, sizeof(*out));
    if (o->trust_lists.count == 0)
        return true;
    if (!load_roots(o, out) || !open_history(o, out))
        return false;
    for (size_t i = 0; i < o->trust_lists.count; i++)
        if (!load_list(verifier, o, out, o->trust_lists.items[i], now))
            return false;
    return true;
}

bool cli_trust_lists_add(cs_verifier_t *verifier, const cli_trust_lists *lists)
{
    cs_err err;

    for (size_t i = 0; i < lists->list_count; i++)
        if ((err = cs_verifier_add_trust_list(verifier, &lists->lists[i])) != CS_OK) {
            cli_error("trust list: %s", cs_strerror(err));
            return false;
        }
    return true;
}

void cli_trust_lists_clear(cli_trust_lists *lists)
{
    if (lists == NULL)
        return;
    for (size_t i = 0; i < lists->list_count; i++)
        cs_trustlist_clear(&lists->lists[i]);
    for (size_t i = 0; i < lists->root_count; i++)
        cs_key_free(&lists->roots[i]);
    cs_trustlist_history_free(&lists->history);
    if (lists->fetcher != NULL) /* made by the services plugin, which is loaded */
        cli_service_verify()->fetcher_free(&lists->fetcher);
    memset(lists, 0, sizeof(*lists));
}
