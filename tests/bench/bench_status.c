/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_status.c - Token Status Lists at scale: a list of
 * 1,048,576 entries (2 bits, 1% of random entries suspended or withdrawn)
 * built, compressed and signed; the token decoded and verified; lookups in
 * the list as built (packed) and as a verifier reads it (held sparse: few
 * of its bytes are set); and the verify rate of a certificate with a status
 * reference against its cached list, beside one without (for information).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define LIST_ENTRIES (1u << 20)
#define LIST_URI "https://cb.example/status/bench"
#define STATUS_INDEX 777777

/* Deterministic pseudo-random indexes (xorshift64), so every run sets the
 * same entries. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static cs_status_list_t *make_list(void)
{
    cs_status_list_t *list = NULL;
    uint64_t seed = 0x9e3779b97f4a7c15u;

    if (cs_status_list_new(LIST_ENTRIES, 2, &list) != CS_OK)
        bench_fatal("out of memory");
    for (size_t i = 0; i < LIST_ENTRIES / 100; i++) {
        uint64_t r = next_random(&seed);
        uint64_t index = r % LIST_ENTRIES;
        if (index == STATUS_INDEX)
            continue; /* the benchmark certificate stays valid */
        if (cs_status_list_set(list, index,
                               (r >> 40) & 1 ? CS_STATUS_SUSPENDED : CS_STATUS_WITHDRAWN) != CS_OK)
            bench_fatal("cs_status_list_set failed");
    }
    return list;
}

typedef struct status_ctx {
    bench_issuer chain;
    const cs_status_list_t *list;
    uint64_t seed;
    unsigned sink;
    cs_verifier_t *with, *without;
    char *token_with, *token_without;
} status_ctx;

static bool op_lookup(void *ctx)
{
    status_ctx *c = ctx;
    unsigned value;
    if (cs_status_list_get(c->list, next_random(&c->seed) % LIST_ENTRIES, &value) != CS_OK)
        return false;
    c->sink += value;
    return true;
}

static bool verify_valid(cs_verifier_t *v, const char *token)
{
    cs_verify_result r;
    bool ok = cs_verifier_verify(v, (const uint8_t *)token, strlen(token), &r) == CS_OK &&
              r.verdict == CS_VERDICT_VALID;
    cs_verify_result_clear(&r);
    return ok;
}

static bool op_verify_with(void *ctx)
{
    status_ctx *c = ctx;
    return verify_valid(c->with, c->token_with);
}

static bool op_verify_without(void *ctx)
{
    status_ctx *c = ctx;
    return verify_valid(c->without, c->token_without);
}

/* Signs a list of `entries` as the CB would publish it; prints the time. */
static uint8_t *sign_list(status_ctx *c, const cs_status_list_t *list, int64_t now, size_t *len)
{
    cs_status_token_params p = {LIST_URI, now - 3600, now + 86400, 3600};
    uint8_t *slt = NULL;
    double t0 = bench_now();
    cs_err err = cs_status_token_sign(c->chain.cb, list, &p, &slt, len);
    double t1 = bench_now();

    if (err != CS_OK)
        bench_fatal("cs_status_token_sign: %s", cs_strerror(err));
    printf("  compress (zlib 9) + sign (Ed25519)   %8.1f ms   token %zu bytes (%.2f bits/entry)\n",
           (t1 - t0) * 1e3, *len, *len * 8.0 / LIST_ENTRIES);
    return slt;
}

/* The token verified and decoded into *token (the caller clears it). */
static void decode_and_verify(status_ctx *c, const uint8_t *slt, size_t len, int64_t now,
                              cs_status_token *token)
{
    char detail[CS_DETAIL_SIZE] = "";
    double t0 = bench_now();
    cs_err err = cs_status_token_verify(slt, len, c->chain.cb, LIST_URI, now, 0, token, detail,
                                        sizeof(detail));
    double t1 = bench_now();

    if (err != CS_OK)
        bench_failure("cs_status_token_verify: %s (%s)", cs_strerror(err), detail);
    else
        printf("  decode + inflate + verify            %8.1f ms   %zu entries\n", (t1 - t0) * 1e3,
               cs_status_list_entries(token->list));
}

/* The CT of record f, with or without a status reference. */
static char *issue(status_ctx *c, fixture *f, bool referenced)
{
    cs_certificate cert = f->cert; /* borrowed: only the status differs */
    const char *token;
    size_t len;
    char detail[CS_DETAIL_SIZE] = "", *copy;

    cert.status = (cs_status_ref){referenced, STATUS_INDEX, LIST_URI};
    if (cs_issuer_issue(c->chain.issuer, &cert, CS_FORM_OFFLINE, NULL, 0, &token, &len, detail,
                        sizeof(detail)) != CS_OK ||
        (copy = strdup(token)) == NULL)
        bench_fatal("cannot issue the status benchmark token (%s)", detail);
    /* cs_issuer_issue() fills the issuer and accreditation number in when
     * the record has none: those copies are not the fixture's. */
    if (cert.issuer != f->cert.issuer)
        free(cert.issuer);
    if (cert.accreditation_number != f->cert.accreditation_number)
        free(cert.accreditation_number);
    return copy;
}

static cs_verifier_t *verifier_for(cs_trust_t *trust, int64_t now)
{
    cs_verifier_t *v = NULL;
    if (cs_verifier_new(trust, &v) != CS_OK)
        bench_fatal("out of memory");
    cs_verifier_set_time(v, now);
    return v;
}

void bench_status(const char *dir, fixture *fixtures, size_t count)
{
    status_ctx c = {.seed = 12345};
    cs_trust_t *trust = NULL;
    cs_key_t *ab_public = NULL;
    uint8_t x[CS_KEY_COORDINATE_SIZE];
    int64_t now = fixtures[0].cert.issued_at;
    size_t len;
    (void)dir;
    (void)count;

    printf("\n(g) status list: %u entries, 2 bits, 1%% suspended or withdrawn\n", LIST_ENTRIES);
    bench_issuer_init(&c.chain, CS_ALG_EDDSA);
    double t0 = bench_now();
    cs_status_list_t *list = make_list();
    printf("  build (set 10485 entries)            %8.1f ms\n", (bench_now() - t0) * 1e3);
    uint8_t *slt = sign_list(&c, list, now, &len);
    cs_status_token read = {0};
    decode_and_verify(&c, slt, len, now, &read);

    status_ctx sparse = c;
    c.list = list;
    sparse.list = read.list;
    rate lookups[] = {{.name = "as built", .op = op_lookup, .ctx = &c},
                      {.name = "as read", .op = op_lookup, .ctx = &sparse}};
    bench_measure(lookups, 2);
    printf("  lookups (random index), list as built %10.0f /s   as a verifier reads it %10.0f /s\n",
           lookups[0].best, lookups[1].best);
    if (read.list != NULL) {
        /* the same answers either way */
        for (uint64_t i = 0; i < LIST_ENTRIES; i++) {
            unsigned a, b;
            if (cs_status_list_get(list, i, &a) != CS_OK ||
                cs_status_list_get(read.list, i, &b) != CS_OK || a != b) {
                bench_failure("status list: entry %llu differs once read back",
                              (unsigned long long)i);
                break;
            }
        }
    }
    cs_status_token_clear(&read);

    if (cs_key_public_coordinates(c.chain.ab, x, NULL) != CS_OK ||
        cs_key_from_public_coordinates(CS_ALG_EDDSA, x, sizeof(x), NULL, 0, &ab_public) != CS_OK ||
        cs_trust_new(&trust) != CS_OK || cs_trust_add_key(trust, &ab_public) != CS_OK)
        bench_fatal("cannot build the trust store");
    c.token_with = issue(&c, &fixtures[0], true);
    c.token_without = issue(&c, &fixtures[0], false);
    c.with = verifier_for(trust, now);
    c.without = verifier_for(trust, now);
    char detail[CS_DETAIL_SIZE] = "";
    if (cs_verifier_add_status_list(c.with, slt, len, detail, sizeof(detail)) != CS_OK)
        bench_fatal("cs_verifier_add_status_list: %s", detail);
    if (!op_verify_with(&c) || !op_verify_without(&c)) { /* also warms the caches */
        bench_failure("status benchmark token does not verify VALID");
    } else {
        rate rates[] = {
            {.name = "verify, status list cached", .op = op_verify_with, .ctx = &c},
            {.name = "verify, no status reference", .op = op_verify_without, .ctx = &c},
        };
        bench_measure(rates, 2);
        printf("  %-36s %10.0f /s\n  %-36s %10.0f /s   ratio %5.3f  (for information)\n",
               rates[0].name, rates[0].best, rates[1].name, rates[1].best,
               rates[1].best > 0 ? rates[0].best / rates[1].best : 0);
    }
    cs_verifier_free(&c.with);
    cs_verifier_free(&c.without);
    free(c.token_with);
    free(c.token_without);
    cs_trust_free(&trust);
    free(slt);
    cs_status_list_free(&list);
    bench_issuer_free(&c.chain);
}
