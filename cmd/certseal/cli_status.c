/* SPDX-License-Identifier: ISC */
/* Loading Status List Tokens for verify --status (cli_status.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_catalog.h"
#include "cli_status.h"

static bool load_file(cs_verifier_t *verifier, const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_file_read_all(path, CS_STATUS_TOKEN_MAX, &data, &len);

    if (err == CS_ERR_TOO_LARGE)
        cli_error("%s: larger than a status list token may be (%u bytes; give the list's .cwt "
                  "file)",
                  path, (unsigned)CS_STATUS_TOKEN_MAX);
    else if (err != CS_OK)
        cli_error("%s: cannot read: %s (check the path given to --status)", path, strerror(errno));
    else if ((err = cs_verifier_add_status_list(verifier, data, len, detail, sizeof(detail))) ==
             CS_ERR_NO_MEMORY)
        cli_error("out of memory");
    else if (err != CS_OK)
        cli_error("%s: not a status list token: %s (give the signed list that `certseal status "
                  "publish` wrote, as raw bytes)",
                  path, cs_err_detail(detail, err));
    free(data);
    return err == CS_OK;
}

/* The regular files of a folder in name order; false (reported) when it
 * cannot be listed. */
static bool load_folder(cs_verifier_t *verifier, const char *path)
{
    cs_file_list files;
    cs_err err = cs_file_list_folder(path, 0, &files);
    bool ok = true;

    if (err == CS_ERR_IO_OPEN) {
        cli_error("%s: cannot open the folder: %s (check the path given to --status)", path,
                  strerror(errno));
        return false;
    } else if (err != CS_OK) {
        cli_error("%s: %s", path, cs_strerror(err));
        return false;
    }
    for (size_t i = 0; i < files.count && ok; i++)
        ok = load_file(verifier, files.paths[i]);
    cs_file_list_clear(&files);
    return ok;
}

bool cli_load_status_lists(cs_verifier_t *verifier, const char *const *paths, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        bool ok = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode) ? load_folder(verifier, paths[i])
                                                                  : load_file(verifier, paths[i]);
        if (!ok)
            return false;
    }
    return true;
}

int cli_verifier_options_check(const cli_verifier_options *o)
{
    if (o->trust.count == 0 && o->trust_lists.count == 0)
        return cli_usage_error("--trust-list FILE|URL with --root ROOT.pub, or --trust FILE|DIR "
                               "is required: a scheme owner's trust list and its root key, or "
                               "the accreditation body keys you pin");
    if (o->trust_lists.count > 0 && o->roots.count == 0)
        return cli_usage_error("--trust-list needs --root ROOT.pub: the scheme owner's root key "
                               "the list must verify with");
    if (o->catalog != NULL && o->roots.count == 0)
        return cli_usage_error("--catalog needs --root ROOT.pub: the scheme owner's root key "
                               "the catalog must verify with");
    if (o->roots.count > 0 && o->trust_lists.count == 0 && o->catalog == NULL)
        return cli_usage_error("--root goes with --trust-list FILE|URL or --catalog FILE");
    if (!o->fetch && o->trust_lists.count == 0 &&
        (o->cache_dir != NULL || o->no_cache || o->fetch_timeout > 0))
        return cli_usage_error("--cache-dir, --no-cache and --fetch-timeout go with --fetch or "
                               "--trust-list");
    if (o->cache_dir != NULL && o->no_cache)
        return cli_usage_error("give either --cache-dir DIR or --no-cache, not both");
    if (o->require_status && o->status_optional)
        return cli_usage_error("give either --require-status or --status-optional, not both");
    /* Should this fail, OpenSSL sets itself up as usual when first used. */
    if (!o->fetch && !cli_trust_lists_fetched(o))
        (void)!cs_crypto_init_offline();
    return CLI_EXIT_OK;
}

bool cli_fetch_start(const cli_verifier_options *options, cs_verifier_t *verifier,
                     cli_fetcher_make_fn make, void *ctx, cs_status_source_fn source,
                     cs_status_history_t **history)
{
    cs_fetch_options fo = CS_FETCH_OPTIONS_INIT;
    char *default_dir = NULL;
    void *source_ctx = NULL;
    cs_err err;

    if (!cli_fetch_options(options->cache_dir, options->no_cache, options->fetch_timeout, &fo,
                           &default_dir))
        return false;
    if ((err = make(ctx, &fo, &source_ctx)) != CS_OK) {
        cli_fetch_cache_error(fo.cache_dir, err);
    } else if (!cli_status_history(&fo, history)) {
        err = CS_ERR_NO_MEMORY;
    } else {
        /* The lists seen are remembered beside the cache: no rollback. */
        cs_verifier_set_status_history(verifier, *history);
        cs_verifier_set_status_source(verifier, source, source_ctx);
    }
    free(default_dir);
    return err == CS_OK;
}

bool cli_verifier_configure(cs_verifier_t *verifier, const cli_verifier_options *o)
{
    cs_verifier_set_time(verifier, o->at);
    cs_verifier_set_clock_skew(verifier, (int64_t)o->skew);
    cs_verifier_require_status(verifier, o->require_status);
    cs_verifier_set_status_optional(verifier, o->status_optional);
    cs_verifier_set_max_list_age(verifier, o->max_list_age);
    cs_verifier_set_trust_list_grace(verifier, o->trust_list_grace);
    if (o->catalog != NULL) {
        cs_catalog *catalog = NULL;
        if (!cli_load_catalog(o->catalog, &o->roots, &catalog))
            return false;
        cs_verifier_set_catalog(verifier, &catalog);
    }
    return cli_load_status_lists(verifier, o->status.items, o->status.count);
}
