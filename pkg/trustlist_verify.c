/* SPDX-License-Identifier: ISC */
/* Verifying a trust list against pinned roots (DESIGN §2 step 2): root or
 * announced key, sequence (no rollback, no second content under one
 * number), freshness with a grace period; and the history that remembers,
 * per root, what was seen, in memory and in "<kid>.trust" files of the
 * cache folder (as pkg/status_history.c does for status lists). */
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certseal/cose.h"
#include "certseal/date.h"
#include "certseal/file.h"
#include "certseal/trustlist.h"
#include "internal.h"

#define SEEN_MAGIC "certseal-trust-seen 1\n"
#define SEEN_FILE_MAX 16384
#define HISTORY_ROOTS_MAX 64

typedef struct root_state {
    cs_key_t *root;    /* the pinned root this state is for */
    uint64_t sequence; /* highest seen; valid when seen */
    bool seen;
    uint8_t digest[CS_SHA256_SIZE]; /* of that list's claims */
    cs_key_t *current;              /* the key rolled over to; NULL: the root */
    cs_key_t **announced;           /* "nxt" of the last list accepted */
    size_t announced_count;
} root_state;

struct cs_trustlist_history {
    pthread_mutex_t lock;
    char *folder; /* NULL: memory only */
    root_state states[HISTORY_ROOTS_MAX];
    size_t count;
};

static void state_clear(root_state *s)
{
    cs_key_free(&s->root);
    cs_key_free(&s->current);
    for (size_t i = 0; i < s->announced_count; i++)
        cs_key_free(&s->announced[i]);
    free(s->announced);
    memset(s, 0, sizeof(*s));
}

cs_err cs_trustlist_history_new(const char *folder, cs_trustlist_history_t **out)
{
    cs_trustlist_history_t *h;

    if (out == NULL || (folder != NULL && folder[0] == '\0'))
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if ((h = calloc(1, sizeof(*h))) == NULL)
        return CS_ERR_NO_MEMORY;
    if (folder != NULL && (h->folder = strdup(folder)) == NULL) {
        free(h);
        return CS_ERR_NO_MEMORY;
    }
    pthread_mutex_init(&h->lock, NULL);
    *out = h;
    return CS_OK;
}

void cs_trustlist_history_free(cs_trustlist_history_t **history)
{
    cs_trustlist_history_t *h = history != NULL ? *history : NULL;

    if (h == NULL)
        return;
    for (size_t i = 0; i < h->count; i++)
        state_clear(&h->states[i]);
    free(h->folder);
    pthread_mutex_destroy(&h->lock);
    free(h);
    *history = NULL;
}

/* ---- the .trust file ------------------------------------------------------ */

static void hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

static bool unhex(const char *text, size_t len, uint8_t *out)
{
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        if (sscanf(text + 2 * i, "%2x", &v) != 1)
            return false;
        out[i] = (uint8_t)v;
    }
    return true;
}

/* "EdDSA <x>" or "ES256 <x> <y>" appended to buf. */
static void key_line(const char *label, const cs_key_t *key, char *buf, size_t size)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    char xh[2 * CS_KEY_COORDINATE_SIZE + 1], yh[2 * CS_KEY_COORDINATE_SIZE + 1];
    size_t n = strlen(buf);

    if (cs_key_public_coordinates(key, x, y) != CS_OK)
        return;
    hex(x, sizeof(x), xh);
    if (cs_key_alg(key) == CS_ALG_EDDSA) {
        snprintf(buf + n, size - n, "%s EdDSA %s\n", label, xh);
    } else {
        hex(y, sizeof(y), yh);
        snprintf(buf + n, size - n, "%s ES256 %s %s\n", label, xh, yh);
    }
}

static cs_key_t *key_parse(const char *line)
{
    char alg[8], xh[65], yh[65];
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    cs_key_t *key = NULL;
    int n = sscanf(line, "%7s %64s %64s", alg, xh, yh);

    if (n < 2 || strlen(xh) != 64 || !unhex(xh, 32, x))
        return NULL;
    if (strcmp(alg, "EdDSA") == 0 && n == 2)
        (void)!cs_key_from_public_coordinates(CS_ALG_EDDSA, x, 32, NULL, 0, &key);
    else if (strcmp(alg, "ES256") == 0 && n == 3 && strlen(yh) == 64 && unhex(yh, 32, y))
        (void)!cs_key_from_public_coordinates(CS_ALG_ES256, x, 32, y, 32, &key);
    return key;
}

static char *state_path(const cs_trustlist_history_t *h, const cs_key_t *root)
{
    char kid[2 * CS_KID_SIZE + 1];
    size_t size = strlen(h->folder) + sizeof(kid) + sizeof("/.trust");
    char *path = malloc(size);

    if (path == NULL)
        return NULL;
    hex(cs_key_kid(root), CS_KID_SIZE, kid);
    snprintf(path, size, "%s/%s.trust", h->folder, kid);
    return path;
}

/* Reads what the file says into s (whose root is set); a file that is not
 * ours, not for this root, or does not parse is passed over. */
static void state_read(const cs_trustlist_history_t *h, root_state *s)
{
    char text[SEEN_FILE_MAX + 1], *line, *save = NULL;
    char *path = state_path(h, s->root);
    struct stat st;
    ssize_t n;
    int fd = path != NULL ? open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
    bool root_ok = false;

    free(path);
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SEEN_FILE_MAX ||
        (n = read(fd, text, SEEN_FILE_MAX)) < 0) {
        close(fd);
        return;
    }
    close(fd);
    text[n] = '\0';
    if (strncmp(text, SEEN_MAGIC, strlen(SEEN_MAGIC)) != 0)
        return;
    for (line = strtok_r(text + strlen(SEEN_MAGIC), "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        cs_key_t *key = NULL;
        if (strncmp(line, "root ", 5) == 0) {
            /* Guards against another root whose kid is the same. */
            key = key_parse(line + 5);
            root_ok = key != NULL && cs_key_public_equal(key, s->root);
            cs_key_free(&key);
        } else if (!root_ok) {
            break;
        } else if (strncmp(line, "seq ", 4) == 0) {
            char *end;
            unsigned long long v = strtoull(line + 4, &end, 10);
            s->sequence = v;
            s->seen = *end == '\0';
        } else if (strncmp(line, "digest ", 7) == 0 && strlen(line + 7) == 64) {
            if (!unhex(line + 7, CS_SHA256_SIZE, s->digest))
                s->seen = false;
        } else if (strncmp(line, "current ", 8) == 0) {
            cs_key_free(&s->current);
            s->current = key_parse(line + 8);
        } else if (strncmp(line, "next ", 5) == 0 &&
                   s->announced_count < CS_TRUSTLIST_ENTRY_MAX &&
                   (key = key_parse(line + 5)) != NULL) {
            cs_key_t **grown = realloc(s->announced, (s->announced_count + 1) * sizeof(*grown));
            if (grown == NULL) {
                cs_key_free(&key);
                continue;
            }
            s->announced = grown;
            s->announced[s->announced_count++] = key;
        }
    }
}

/* Best effort, as for status lists: a history that cannot be written
 * protects this run only. */
static void state_write(const cs_trustlist_history_t *h, const root_state *s)
{
    char digest[2 * CS_SHA256_SIZE + 1], *text, *path;
    size_t size = 1024 + 160 * (s->announced_count + 2);
    struct stat st;

    if (h->folder == NULL || (path = state_path(h, s->root)) == NULL)
        return;
    if ((lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) || (text = malloc(size)) == NULL) {
        free(path);
        return;
    }
    hex(s->digest, CS_SHA256_SIZE, digest);
    snprintf(text, size, "%s", SEEN_MAGIC);
    key_line("root", s->root, text, size);
    size_t n = strlen(text);
    snprintf(text + n, size - n, "seq %" PRIu64 "\ndigest %s\n", s->sequence, digest);
    if (s->current != NULL)
        key_line("current", s->current, text, size);
    for (size_t i = 0; i < s->announced_count; i++)
        key_line("next", s->announced[i], text, size);
    (void)!cs_file_write_atomic(path, text, strlen(text), 0600, CS_FILE_REPLACE);
    free(text);
    free(path);
}

/* A copy of a public key (through its coordinates). */
static cs_key_t *key_copy(const cs_key_t *key)
{
    uint8_t x[CS_KEY_COORDINATE_SIZE], y[CS_KEY_COORDINATE_SIZE];
    cs_key_t *copy = NULL;
    bool ed = cs_key_alg(key) == CS_ALG_EDDSA;

    if (cs_key_public_coordinates(key, x, y) != CS_OK ||
        cs_key_from_public_coordinates(cs_key_alg(key), x, sizeof(x), ed ? NULL : y,
                                       ed ? 0 : sizeof(y), &copy) != CS_OK)
        return NULL;
    return copy;
}

/* The state of root, made (and read from its file) on first use; NULL when
 * out of memory or full. */
static root_state *state_for(cs_trustlist_history_t *h, const cs_key_t *root)
{
    for (size_t i = 0; i < h->count; i++)
        if (cs_key_public_equal(h->states[i].root, root))
            return &h->states[i];
    if (h->count == HISTORY_ROOTS_MAX)
        return NULL;
    root_state *s = &h->states[h->count];
    memset(s, 0, sizeof(*s));
    if ((s->root = key_copy(root)) == NULL)
        return NULL;
    if (h->folder != NULL)
        state_read(h, s);
    h->count++;
    return s;
}

/* ---- verification --------------------------------------------------------- */

static void kid_text(const uint8_t *kid, char out[2 * CS_KID_SIZE + 1])
{
    hex(kid, CS_KID_SIZE, out);
}

/* Which key of root's chain signed the list: the current one (the root, or
 * the key it rolled over to), or one the last list announced.  NULL when
 * neither; *announced says which. */
static const cs_key_t *signing_key(const root_state *s, const cs_trustlist *list, bool *announced)
{
    const cs_key_t *current = s->current != NULL ? s->current : s->root;

    *announced = false;
    if (cs_crypto_equal(cs_key_kid(current), list->signer_kid, CS_KID_SIZE))
        return current;
    for (size_t i = 0; i < s->announced_count; i++) {
        if (cs_crypto_equal(cs_key_kid(s->announced[i]), list->signer_kid, CS_KID_SIZE)) {
            *announced = true;
            return s->announced[i];
        }
    }
    return NULL;
}

/* Signature: the key verifies the list's COSE_Sign1. */
static cs_err check_signature(const cs_trustlist *list, const cs_key_t *key)
{
    cs_cose_sign1 msg = {0};
    cs_err err = cs_cose_sign1_decode(list->signed_bytes, list->signed_len, &msg);
    if (err == CS_OK)
        err = cs_cose_sign1_verify(&msg, key, NULL, 0, 0);
    cs_cose_sign1_clear(&msg);
    return err;
}

/* Sequence: not lower than the highest seen, and the same claims when equal. */
static cs_err check_sequence(const root_state *s, const cs_trustlist *list, char *detail,
                             size_t size)
{
    if (!s->seen || list->sequence > s->sequence)
        return CS_OK;
    if (list->sequence < s->sequence)
        return cs_detail_fail(detail, size, CS_ERR_TRUSTLIST_ROLLBACK,
                              "the trust list of %s has sequence %" PRIu64 ", but sequence %" PRIu64
                              " was already seen: an older list is being replayed (fetch the "
                              "current one from %s)",
                              list->issuer, list->sequence, s->sequence, list->uri);
    if (!cs_crypto_equal(s->digest, list->payload_digest, CS_SHA256_SIZE))
        return cs_detail_fail(detail, size, CS_ERR_TRUSTLIST_REPLAY,
                              "the trust list of %s has sequence %" PRIu64 ", already seen with "
                              "other content: a scheme owner never reuses a number (report it to "
                              "%s)",
                              list->issuer, list->sequence, list->issuer);
    return CS_OK;
}

/* Freshness: not issued in the future, not past its next update by more
 * than the grace period. */
static cs_err check_freshness(const cs_trustlist *list, int64_t now, int64_t skew, int64_t grace,
                              bool *stale, char *detail, size_t size)
{
    char when[CS_DATETIME_TEXT_SIZE];

    *stale = false;
    if (list->issued_at > now + skew) {
        cs_date_format_datetime(list->issued_at, when);
        return cs_detail_fail(detail, size, CS_ERR_TRUSTLIST_FUTURE,
                              "the trust list of %s was issued in the future (%s); check this "
                              "computer's clock",
                              list->issuer, when);
    }
    if (now >= list->next_update + grace) {
        cs_date_format_datetime(list->next_update, when);
        return cs_detail_fail(detail, size, CS_ERR_TRUSTLIST_EXPIRED,
                              "the trust list of %s was due for update on %s, more than %" PRId64
                              " day(s) ago; fetch a new one from %s",
                              list->issuer, when, grace / 86400, list->uri);
    }
    *stale = now >= list->next_update;
    return CS_OK;
}

/* Accepts list into s: its sequence, digest and announced keys, and the
 * key that signed it when it was an announced one. */
static cs_err remember(cs_trustlist_history_t *h, root_state *s, const cs_trustlist *list,
                       const cs_key_t *signer, bool announced)
{
    cs_key_t **keys = NULL;

    if (s->seen && list->sequence == s->sequence && !announced)
        return CS_OK;
    if (list->next_key_count > 0 &&
        (keys = calloc(list->next_key_count, sizeof(*keys))) == NULL)
        return CS_ERR_NO_MEMORY;
    for (size_t i = 0; i < list->next_key_count; i++)
        if ((keys[i] = key_copy(list->next_keys[i])) == NULL) {
            for (size_t k = 0; k < i; k++)
                cs_key_free(&keys[k]);
            free(keys);
            return CS_ERR_NO_MEMORY;
        }
    if (announced) {
        cs_key_t *pinned = key_copy(signer);
        if (pinned == NULL) {
            for (size_t k = 0; k < list->next_key_count; k++)
                cs_key_free(&keys[k]);
            free(keys);
            return CS_ERR_NO_MEMORY;
        }
        cs_key_free(&s->current);
        s->current = pinned;
    }
    for (size_t i = 0; i < s->announced_count; i++)
        cs_key_free(&s->announced[i]);
    free(s->announced);
    s->announced = keys;
    s->announced_count = list->next_key_count;
    s->sequence = list->sequence;
    s->seen = true;
    memcpy(s->digest, list->payload_digest, CS_SHA256_SIZE);
    state_write(h, s);
    return CS_OK;
}

/* Why no root's chain signed the list, in words. */
static cs_err no_root(cs_trustlist_history_t *h, const cs_key_t *const *roots, size_t count,
                      const cs_trustlist *list, char *detail, size_t size)
{
    char signer[2 * CS_KID_SIZE + 1], pinned[2 * CS_KID_SIZE + 1], now_pinned[2 * CS_KID_SIZE + 1];

    kid_text(list->signer_kid, signer);
    for (size_t i = 0; i < count; i++) {
        root_state *s = state_for(h, roots[i]);
        if (s != NULL && s->current != NULL &&
            cs_crypto_equal(cs_key_kid(roots[i]), list->signer_kid, CS_KID_SIZE)) {
            kid_text(cs_key_kid(roots[i]), pinned);
            kid_text(cs_key_kid(s->current), now_pinned);
            return cs_detail_fail(detail, size, CS_ERR_TRUSTLIST_ROOT,
                                  "the trust list of %s is signed by root key %s, which has "
                                  "rolled over to key %s: lists signed by the old key are refused",
                                  list->issuer, pinned, now_pinned);
        }
    }
    kid_text(count > 0 ? cs_key_kid(roots[0]) : list->signer_kid, pinned);
    return cs_detail_fail(detail, size, CS_ERR_TRUSTLIST_ROOT,
                          "the trust list of %s is signed by key %s, which is neither a pinned "
                          "root (%s%s) nor a key the previous list announced; do not trust it",
                          list->issuer, signer, pinned, count > 1 ? ", ..." : "");
}

cs_err cs_trustlist_verify(const cs_trustlist *list, const cs_key_t *const *roots,
                           size_t root_count, cs_trustlist_history_t *history, int64_t now,
                           int64_t skew, int64_t grace, cs_trustlist_verified *info, char *detail,
                           size_t detail_size)
{
    cs_err err = CS_ERR_TRUSTLIST_ROOT;
    bool stale = false;

    if (detail != NULL && detail_size > 0)
        detail[0] = '\0';
    if (list == NULL || roots == NULL || root_count == 0 || history == NULL || info == NULL ||
        list->signed_bytes == NULL || grace < 0)
        return CS_ERR_ARGUMENT;
    memset(info, 0, sizeof(*info));
    pthread_mutex_lock(&history->lock);
    for (size_t i = 0; i < root_count; i++) {
        root_state *s = state_for(history, roots[i]);
        bool announced;
        const cs_key_t *key;
        if (s == NULL) {
            err = CS_ERR_NO_MEMORY;
            goto fail;
        }
        if ((key = signing_key(s, list, &announced)) == NULL)
            continue;
        if ((err = check_signature(list, key)) != CS_OK) {
            char kid[2 * CS_KID_SIZE + 1];
            kid_text(list->signer_kid, kid);
            cs_detail_set(detail, detail_size,
                          "the trust list of %s does not verify with root key %s: %s (it was "
                          "altered or forged; fetch it again from its publisher)",
                          list->issuer, kid, cs_strerror(err));
            goto fail;
        }
        if ((err = check_sequence(s, list, detail, detail_size)) != CS_OK ||
            (err = check_freshness(list, now, skew, grace, &stale, detail, detail_size)) != CS_OK ||
            (err = remember(history, s, list, key, announced)) != CS_OK)
            goto fail;
        info->root = i;
        info->rolled_over = announced;
        info->stale = stale;
        goto fail;
    }
    err = no_root(history, roots, root_count, list, detail, detail_size);
fail:
    pthread_mutex_unlock(&history->lock);
    return err;
}
