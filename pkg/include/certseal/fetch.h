/* SPDX-License-Identifier: ISC */
/*
 * certseal/fetch.h - fetching published status lists over HTTP(S) with
 * libcurl, with an on-disk cache that honours each list's ttl.
 *
 * What is fetched is not trusted: the verifier checks each list's
 * signature, URI and expiry (status.h) before using it.  The cache only
 * saves round trips: a cached copy is served while the list's ttl (read
 * from the token, unverified) has not passed since it was fetched and the
 * list has not expired.  A list without a ttl, or a body that is not a
 * Status List Token for the URI asked for, is never cached.
 *
 * Transfers: http:// and https:// only; HTTPS peers and host names are
 * always verified (the system's CA store); redirects are not followed; the
 * request asks for application/statuslist+cwt; only HTTP status 200 is
 * accepted; the body is capped; a connect timeout, a whole-transfer
 * timeout and a low-speed limit (a server that stalls is dropped) apply.
 * libcurl honours the usual proxy variables (http_proxy, https_proxy,
 * no_proxy).
 *
 * The cache is a folder (created 0700) of files named by the lowercase
 * hex SHA-256 of the URI, each written atomically (0600) and holding the
 * fetch time, the URI (so a hash collision is never served) and the body.
 * A cache file that does not parse is ignored and replaced.  A folder that
 * is not ours alone (cs_fetch_cache_check()) is refused.  The same folder
 * holds the status history of the lists seen (status.h, ".seen" files).
 *
 * Thread safety: a fetcher is used by one thread at a time.  Making and
 * freeing fetchers calls curl_global_init()/curl_global_cleanup(), which
 * libcurl 7.84 and later make thread-safe; with an older libcurl make the
 * first fetcher before starting other threads.
 */
#ifndef CERTSEAL_FETCH_H
#define CERTSEAL_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_FETCH_DEFAULT_CONNECT_TIMEOUT_MS 5000
#define CS_FETCH_DEFAULT_TIMEOUT_MS 15000
#define CS_FETCH_DEFAULT_MAX_BYTES (4u * 1024 * 1024)

typedef struct cs_fetch_options {
    const char *cache_dir;   /* NULL: no cache; created (0700) when missing */
    long connect_timeout_ms; /* <= 0: the default */
    long timeout_ms;         /* the whole transfer; <= 0: the default */
    size_t max_bytes;        /* body cap; 0: the default */
} cs_fetch_options;

#define CS_FETCH_OPTIONS_INIT                                                                      \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

typedef struct cs_fetcher cs_fetcher_t;

/*
 * A new fetcher (one reusable libcurl handle).  options may be NULL for the
 * defaults; cache_dir is copied, and created (with missing parents, 0700)
 * when it does not exist.  Free with cs_fetcher_free().
 * Errors: CS_ERR_ARGUMENT (empty cache_dir, max_bytes past SIZE_MAX/4),
 * CS_ERR_NO_MEMORY,
 * CS_ERR_IO_OPEN (the cache folder cannot be created, or is not a folder;
 * errno tells why), CS_ERR_FETCH_CACHE (the cache folder is not safe to
 * use: cs_fetch_cache_check() says why), CS_ERR_FETCH (libcurl could not
 * start).
 */
CS_MUST_CHECK cs_err cs_fetcher_new(const cs_fetch_options *options, cs_fetcher_t **out);
void cs_fetcher_free(cs_fetcher_t **fetcher);

/*
 * The body at uri (http:// or https:// only), from the cache when fresh at
 * `now` (NumericDate: fetched at most ttl seconds before, and not past the
 * list's exp), else fetched and, when a cache folder is set and the body is
 * a cacheable Status List Token, cached as fetched at `now`.  A cache that
 * cannot be written does not fail the fetch.  *body is a
 * new buffer the caller frees with free(); *from_cache (may be NULL) says
 * where it came from.  detail (may be NULL) names the URI and what went
 * wrong (HTTP status, curl's message).
 * Errors: CS_ERR_ARGUMENT (not an http(s) URI, or one with spaces or
 * control characters), CS_ERR_FETCH (connection,
 * TLS, HTTP status other than 200), CS_ERR_FETCH_TIMEOUT, CS_ERR_TOO_LARGE
 * (body over the cap), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_fetcher_get(cs_fetcher_t *fetcher, const char *uri, int64_t now,
                                    uint8_t **body, size_t *body_len, bool *from_cache,
                                    char *detail, size_t detail_size);

/*
 * cs_fetcher_get() in the shape of a verify.h cs_status_source_fn, for
 * cs_verifier_set_status_source(verifier, cs_fetcher_status_source,
 * fetcher): fetcher is a cs_fetcher_t * (borrowed).  The cache is judged
 * at the current time, not at the verifier's `now` (which --at may move):
 * a ttl is real time elapsed since the fetch.  Its detail does not repeat
 * the URI (the verifier names it).
 */
CS_MUST_CHECK cs_err cs_fetcher_status_source(void *fetcher, const char *uri, int64_t now,
                                              uint8_t **out, size_t *out_len, char *detail,
                                              size_t detail_size);

/*
 * One fetcher shared by the verifiers of a run (`verify --jobs N`): each
 * URI is fetched once, by the first thread that asks for it, and its
 * answer (the bytes, or the failure and its detail) kept for the run and
 * given to every later caller, from any thread, as a copy.  Safe to use
 * from several threads at once; a thread asking for a URI being fetched
 * waits for that fetch.  At most CS_FETCH_SHARED_MAX_URIS URIs are kept;
 * past them each further URI is fetched every time it is asked for.
 * options as cs_fetcher_new(); free with cs_fetch_shared_free() once no
 * thread uses it.  Errors: those of cs_fetcher_new().
 */
typedef struct cs_fetch_shared cs_fetch_shared_t;
#define CS_FETCH_SHARED_MAX_URIS 4096u

CS_MUST_CHECK cs_err cs_fetch_shared_new(const cs_fetch_options *options, cs_fetch_shared_t **out);
void cs_fetch_shared_free(cs_fetch_shared_t **shared);

/* cs_fetcher_status_source() in the shape of a verify.h
 * cs_status_source_fn over a shared fetcher: shared is a
 * cs_fetch_shared_t * (borrowed).  *out is the caller's copy (free()). */
CS_MUST_CHECK cs_err cs_fetch_shared_status_source(void *shared, const char *uri, int64_t now,
                                                   uint8_t **out, size_t *out_len, char *detail,
                                                   size_t detail_size);

/*
 * Checks that the cache folder dir is ours alone before anything in it is
 * read or replaced: a folder (not a symbolic link to one) owned by the
 * effective user, with no permission for group or others (0700), holding
 * only regular files of that user (no symbolic link, FIFO, device, socket
 * or folder: what certseal writes there is only regular files).  detail
 * (may be NULL) says what is wrong, without the folder's name.
 * Errors: CS_ERR_FETCH_CACHE, CS_ERR_ARGUMENT.
 */
CS_MUST_CHECK cs_err cs_fetch_cache_check(const char *dir, char *detail, size_t detail_size);

/*
 * The default cache folder in a new string (free()): $XDG_CACHE_HOME/certseal
 * when XDG_CACHE_HOME is an absolute path, else $HOME/.cache/certseal.
 * Errors: CS_ERR_ARGUMENT (neither variable names an absolute folder),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_fetch_default_cache_dir(char **out);

#ifdef __cplusplus
}
#endif
#endif
