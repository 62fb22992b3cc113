/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_trustlist.c - trust lists (DESIGN §2 step 2): the
 * verify rate with a trust list of 100 accreditation bodies with 3 keys
 * each (verified once, as a verifier holds it), beside the rate with the
 * AB key pinned, interleaved in the same run (target: at most 2% slower);
 * and signing a list of 1,000 ABs (target: under 100 ms), with decoding and
 * verifying it for information.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define LIST_ABS 100
#define KEYS_PER_AB 3
#define BIG_LIST_ABS 1000
#define TRUSTLIST_RATIO_TARGET 0.98
#define SIGN_TARGET_MS 100.0

typedef struct trustlist_ctx {
    bench_issuer chain;
    cs_trust_t *pinned_trust, *empty_trust;
    cs_verifier_t *pinned, *listed;
    cs_trustlist list;
    char *token;
} trustlist_ctx;

static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *text(const char *fmt, ...)
{
    char buf[64], *out;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ((out = strdup(buf)) == NULL)
        bench_fatal("out of memory");
    return out;
}

/* A list of n ABs with KEYS_PER_AB keys each; AB 0 is the chain's
 * UKAS-DEMO with its key last among its three (so the look-up passes two). */
static void make_list(cs_trustlist *l, size_t n, const cs_key_t *ab_key, int64_t at)
{
    memset(l, 0, sizeof(*l));
    l->issuer = text("BENCH-SCHEME-%zu", n);
    l->uri = text("https://scheme.example/tl-%zu", n);
    l->issued_at = at - 86400;
    l->next_update = at + 30 * 86400;
    l->ttl = 86400;
    l->sequence = 1;
    if ((l->abs = calloc(n, sizeof(*l->abs))) == NULL)
        bench_fatal("out of memory");
    l->ab_count = n;
    for (size_t i = 0; i < n; i++) {
        cs_trustlist_ab *ab = &l->abs[i];
        ab->id = i == 0 ? text("UKAS-DEMO") : text("AB-%04zu", i);
        ab->name = text("Accreditation Body %zu", i);
        ab->country = text("GB");
        if ((ab->recognitions = calloc(2, sizeof(*ab->recognitions))) == NULL ||
            (ab->keys = calloc(KEYS_PER_AB, sizeof(*ab->keys))) == NULL)
            bench_fatal("out of memory");
        ab->recognition_count = 2;
        ab->recognitions[0].standard = text("ISO 14001");
        ab->recognitions[1].standard = text("ISO 9001");
        ab->key_count = KEYS_PER_AB;
        for (size_t k = 0; k < KEYS_PER_AB; k++) {
            if (i == 0 && k == KEYS_PER_AB - 1)
                ab->keys[k].key = bench_public_copy(ab_key);
            else if (cs_key_generate(CS_ALG_EDDSA, &ab->keys[k].key) != CS_OK)
                bench_fatal("cannot make a key");
        }
    }
}

static bool verify_valid(cs_verifier_t *v, const char *token)
{
    cs_verify_result r;
    bool ok = cs_verifier_verify(v, (const uint8_t *)token, strlen(token), &r) == CS_OK &&
              r.verdict == CS_VERDICT_VALID;
    if (!ok)
        bench_failure("trust list: verify: %s: %s", cs_verdict_name(r.verdict),
                      r.checks[r.failed].detail);
    cs_verify_result_clear(&r);
    return ok;
}

static bool op_pinned(void *ctx)
{
    trustlist_ctx *c = ctx;
    return verify_valid(c->pinned, c->token);
}

static bool op_listed(void *ctx)
{
    trustlist_ctx *c = ctx;
    return verify_valid(c->listed, c->token);
}

/* The list signed, decoded and verified with its root, as a verifier
 * loads it. */
static void load_list(trustlist_ctx *c, fixture *typical)
{
    cs_trustlist made;
    cs_key_t *root = NULL, *root_public;
    cs_trustlist_history_t *history = NULL;
    cs_trustlist_verified info;
    uint8_t *bytes = NULL;
    size_t len = 0;
    char detail[256] = "";

    make_list(&made, LIST_ABS, c->chain.ab, typical->cert.issued_at);
    if (cs_key_generate(CS_ALG_EDDSA, &root) != CS_OK ||
        cs_trustlist_sign(&made, root, &bytes, &len) != CS_OK ||
        cs_trustlist_decode(bytes, len, &c->list, detail, sizeof(detail)) != CS_OK ||
        cs_trustlist_history_new(NULL, &history) != CS_OK)
        bench_fatal("trust list: cannot sign and decode a list: %s", detail);
    root_public = bench_public_copy(root);
    if (cs_trustlist_verify(&c->list, (const cs_key_t *const *)&root_public, 1, history,
                            typical->cert.issued_at, 300, CS_DEFAULT_TRUST_LIST_GRACE, &info,
                            detail, sizeof(detail)) != CS_OK)
        bench_fatal("trust list: does not verify: %s", detail);
    cs_trustlist_history_free(&history);
    cs_key_free(&root_public);
    cs_key_free(&root);
    cs_trustlist_clear(&made);
    free(bytes);
}

static void bench_verify_rates(fixture *typical)
{
    trustlist_ctx c;
    cs_key_t *trusted;

    memset(&c, 0, sizeof(c));
    bench_issuer_init(&c.chain, CS_ALG_EDDSA);
    c.token = bench_issue_token(&c.chain, typical, CS_FORM_OFFLINE, NULL);
    load_list(&c, typical);
    trusted = bench_public_copy(c.chain.ab);
    if (cs_trust_new(&c.pinned_trust) != CS_OK ||
        cs_trust_add_key(c.pinned_trust, &trusted) != CS_OK ||
        cs_trust_new(&c.empty_trust) != CS_OK ||
        cs_verifier_new(c.pinned_trust, &c.pinned) != CS_OK ||
        cs_verifier_new(c.empty_trust, &c.listed) != CS_OK ||
        cs_verifier_add_trust_list(c.listed, &c.list) != CS_OK)
        bench_fatal("out of memory");
    cs_verifier_set_time(c.pinned, typical->cert.issued_at);
    cs_verifier_set_time(c.listed, typical->cert.issued_at);

    rate rates[] = {
        {.name = "with the trust list", .op = op_listed, .ctx = &c},
        {.name = "with the AB key pinned", .op = op_pinned, .ctx = &c},
    };
    if (op_listed(&c) && op_pinned(&c)) { /* also warms the AC caches */
        bench_measure(rates, 2);
        double ratio = rates[1].best > 0 ? rates[0].best / rates[1].best : 0;
        printf("  EdDSA  %-26s %10.0f /s   %-22s %10.0f /s   ratio %5.3f  (target %.2f) %s\n",
               rates[0].name, rates[0].best, rates[1].name, rates[1].best, ratio,
               TRUSTLIST_RATIO_TARGET, bench_verdict(ratio, TRUSTLIST_RATIO_TARGET));
    }
    cs_verifier_free(&c.pinned);
    cs_verifier_free(&c.listed);
    cs_trust_free(&c.pinned_trust);
    cs_trust_free(&c.empty_trust);
    cs_trustlist_clear(&c.list);
    bench_issuer_free(&c.chain);
    free(c.token);
}

/* Signing (and, for information, loading) a list of 1,000 ABs: the best
 * of five. */
static void bench_sign_big(fixture *typical)
{
    cs_trustlist l, decoded;
    cs_key_t *root = NULL, *ab = NULL, *root_public;
    double best_sign = 1e9, best_load = 1e9;
    size_t len = 0;

    if (cs_key_generate(CS_ALG_EDDSA, &root) != CS_OK ||
        cs_key_generate(CS_ALG_EDDSA, &ab) != CS_OK)
        bench_fatal("cannot make a key");
    root_public = bench_public_copy(root);
    make_list(&l, BIG_LIST_ABS, ab, typical->cert.issued_at);
    for (int i = 0; i < 5; i++) {
        uint8_t *bytes = NULL;
        cs_trustlist_history_t *history = NULL;
        cs_trustlist_verified info;
        double t0 = bench_now();
        if (cs_trustlist_sign(&l, root, &bytes, &len) != CS_OK)
            bench_fatal("trust list: cannot sign %d ABs", BIG_LIST_ABS);
        double t1 = bench_now();
        if (cs_trustlist_decode(bytes, len, &decoded, NULL, 0) != CS_OK ||
            cs_trustlist_history_new(NULL, &history) != CS_OK ||
            cs_trustlist_verify(&decoded, (const cs_key_t *const *)&root_public, 1, history,
                                typical->cert.issued_at, 300, CS_DEFAULT_TRUST_LIST_GRACE, &info,
                                NULL, 0) != CS_OK)
            bench_fatal("trust list: the list of %d ABs does not load", BIG_LIST_ABS);
        double t2 = bench_now();
        best_sign = t1 - t0 < best_sign ? t1 - t0 : best_sign;
        best_load = t2 - t1 < best_load ? t2 - t1 : best_load;
        cs_trustlist_history_free(&history);
        cs_trustlist_clear(&decoded);
        free(bytes);
    }
    printf("  EdDSA  sign a list of %d ABs (%d keys each, %zu bytes): %.1f ms  (target < %.0f "
           "ms) %s\n",
           BIG_LIST_ABS, KEYS_PER_AB, len, best_sign * 1000, SIGN_TARGET_MS,
           best_sign * 1000 < SIGN_TARGET_MS ? "PASS" : "BELOW TARGET");
    printf("  EdDSA  decode and verify it: %.1f ms  (for information)\n", best_load * 1000);
    cs_trustlist_clear(&l);
    cs_key_free(&root_public);
    cs_key_free(&root);
    cs_key_free(&ab);
}

void bench_trustlist(const char *dir, fixture *fixtures, size_t count)
{
    (void)dir, (void)count;
    printf("\ntrust lists: verify with a list of %d ABs x %d keys vs the AB key pinned; signing "
           "%d ABs\n",
           LIST_ABS, KEYS_PER_AB, BIG_LIST_ABS);
    bench_verify_rates(&fixtures[0]);
    bench_sign_big(&fixtures[0]);
}
