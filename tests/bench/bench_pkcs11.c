/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_pkcs11.c - issuing with a key in a PKCS#11 token
 * (certseal/pkcs11.h) on a throwaway SoftHSM2 token, beside the same
 * issue with a key of the same type in memory (a key file), interleaved in
 * the same run (for information: the token is a software one here, a
 * hardware one is slower).  The token's rate is with one session and one
 * login for the whole run, as a batch signs; the third rate opens the
 * token, logs in, signs and closes for every certificate, what signing
 * without a kept session would cost.  Skipped, with one line, when
 * softhsm2 is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define PIN "1234"

static const char *const modules[] = {
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
};

typedef struct token_ctx {
    cs_alg alg;
    fixture *typical;
    cs_issuer_t *issuer;
    const uint8_t *ac;
    size_t ac_len;
    const cs_pkcs11_uri *uri;
} token_ctx;

static cs_err give_pin(void *arg, const char *label, char pin[CS_PKCS11_PIN_MAX], size_t *len)
{
    (void)arg, (void)label;
    memcpy(pin, PIN, sizeof(PIN));
    *len = sizeof(PIN) - 1;
    return CS_OK;
}

static bool issue_with(cs_issuer_t *issuer, fixture *f, cs_alg alg)
{
    const char *token;
    size_t len;
    char detail[CS_DETAIL_SIZE] = "";
    cs_err err = cs_issuer_issue(issuer, &f->cert, CS_FORM_OFFLINE, NULL, 0, &token, &len,
                                 detail, sizeof(detail));
    if (err != CS_OK)
        bench_failure("%s: issue %s: %s (%s)", cs_alg_name(alg), f->file, cs_strerror(err),
                      detail);
    return err == CS_OK;
}

static bool token_issue(void *ctx)
{
    token_ctx *c = ctx;
    return issue_with(c->issuer, c->typical, c->alg);
}

typedef struct file_side {
    bench_issuer chain;
    fixture *typical;
} file_side;

static bool file_issue(void *ctx)
{
    file_side *f = ctx;
    return issue_with(f->chain.issuer, f->typical, f->chain.alg);
}

/* Open, log in, issue one, close: no session kept. */
static bool token_issue_fresh(void *ctx)
{
    token_ctx *c = ctx;
    cs_key_t *key = NULL;
    cs_issuer_t *issuer = NULL;
    char detail[CS_DETAIL_SIZE] = "";
    bool ok = false;
    cs_err err = cs_pkcs11_key_load(c->uri, give_pin, NULL, &key, detail, sizeof(detail));

    if (err == CS_OK)
        err = cs_issuer_new(key, c->ac, c->ac_len, &issuer, detail, sizeof(detail));
    if (err != CS_OK)
        bench_failure("%s: open the token's key: %s (%s)", cs_alg_name(c->alg), cs_strerror(err),
                      detail);
    else
        ok = issue_with(issuer, c->typical, c->alg);
    cs_issuer_free(&issuer);
    cs_key_free(&key);
    return ok;
}

static void run_alg(cs_alg alg, const char *dir, const char *module, fixture *typical)
{
    char text[512], pub[600], detail[CS_DETAIL_SIZE] = "";
    const char *standards[] = {"ISO 9001:2015", "ISO 14001:2015"};
    uint64_t iaf[] = {17, 18, 31};
    cs_pkcs11_uri *uri = NULL;
    cs_key_t *ab = NULL, *cb = NULL;
    uint8_t *ac = NULL;
    size_t ac_len = 0;
    token_ctx c = {.alg = alg, .typical = typical};
    file_side file;
    cs_err err;

    snprintf(text, sizeof(text), "pkcs11:token=bench;object=cb-%s?module-path=%s",
             cs_alg_name(alg), module);
    snprintf(pub, sizeof(pub), "%s/cb-%s.pub", dir, cs_alg_name(alg));
    if ((err = cs_pkcs11_uri_parse(text, &uri, detail, sizeof(detail))) != CS_OK ||
        (err = cs_pkcs11_key_generate(uri, alg, give_pin, NULL, pub, 0, NULL, detail,
                                      sizeof(detail))) != CS_OK ||
        (err = cs_pkcs11_key_load(uri, give_pin, NULL, &cb, detail, sizeof(detail))) != CS_OK)
        bench_fatal("pkcs11 %s: %s (%s)", cs_alg_name(alg), cs_strerror(err), detail);
    int64_t from = 0, to = 0;
    if (cs_date_parse("2026-01-01", &from) != CS_OK || cs_date_parse("2031-01-01", &to) != CS_OK ||
        cs_key_generate(alg, &ab) != CS_OK)
        bench_fatal("cannot set up the %s chain", cs_alg_name(alg));
    cs_accreditation_params params = {
        .issuer = "UKAS-DEMO", .subject = "CB-DEMO-001", .name = "Demo Certification Ltd",
        .number = "DEMO-0042", .country = "GB", .standards = standards, .standard_count = 2,
        .iaf_codes = iaf, .iaf_count = 3, .not_before = from, .expires = to, .issued_at = from,
        .subject_key = cb,
    };
    if ((err = cs_accreditation_sign(ab, &params, &ac, &ac_len, NULL, 0)) != CS_OK ||
        (err = cs_issuer_new(cb, ac, ac_len, &c.issuer, detail, sizeof(detail))) != CS_OK)
        bench_fatal("%s: %s (%s)", cs_alg_name(alg), cs_strerror(err), detail);
    c.ac = ac;
    c.ac_len = ac_len;
    c.uri = uri;
    bench_issuer_init(&file.chain, alg);
    file.typical = typical;

    rate rates[] = {
        {.name = "token, one session", .op = token_issue, .ctx = &c},
        {.name = "key file", .op = file_issue, .ctx = &file},
        {.name = "token, login per cert", .op = token_issue_fresh, .ctx = &c},
    };
    if (token_issue(&c) && file_issue(&file) && token_issue_fresh(&c)) {
        bench_measure(rates, 3);
        for (size_t i = 0; i < 3; i += 2)
            printf("  %-6s %-26s %10.0f /s   %-14s %10.0f /s   ratio %5.3f  (for information)\n",
                   cs_alg_name(alg), rates[i].name, rates[i].best, rates[1].name, rates[1].best,
                   rates[1].best > 0 ? rates[i].best / rates[1].best : 0);
    }
    bench_issuer_free(&file.chain);
    cs_issuer_free(&c.issuer);
    cs_key_free(&cb);
    cs_key_free(&ab);
    cs_pkcs11_uri_free(&uri);
    free(ac);
}

void bench_pkcs11(const char *dir, fixture *fixtures, size_t count)
{
    char tmp[] = "/tmp/certseal-bench-pkcs11.XXXXXX", path[256], command[600];
    const char *module = NULL;
    FILE *conf;

    (void)dir, (void)count;
    printf("\npkcs11: issue with a SoftHSM2 token's key against the same key type as a file\n");
    for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]) && module == NULL; i++)
        if (access(modules[i], R_OK) == 0)
            module = modules[i];
    if (module == NULL || system("command -v softhsm2-util >/dev/null 2>&1") != 0) {
        printf("  skipped: softhsm2 is not installed (apt-get install softhsm2, or make "
               "deps-test)\n");
        return;
    }
    if (mkdtemp(tmp) == NULL)
        bench_fatal("cannot make a temporary folder");
    snprintf(path, sizeof(path), "%s/softhsm2.conf", tmp);
    if ((conf = fopen(path, "w")) == NULL)
        bench_fatal("cannot write %s", path);
    fprintf(conf,
            "directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n",
            tmp);
    fclose(conf);
    snprintf(path, sizeof(path), "%s/tokens", tmp);
    if (mkdir(path, 0700) != 0)
        bench_fatal("cannot make %s", path);
    snprintf(path, sizeof(path), "%s/softhsm2.conf", tmp);
    setenv("SOFTHSM2_CONF", path, 1);
    snprintf(command, sizeof(command),
             "softhsm2-util --init-token --free --label bench --pin " PIN
             " --so-pin 87654321 >/dev/null 2>&1");
    if (system(command) != 0) {
        bench_failure("softhsm2-util --init-token failed");
    } else {
        run_alg(CS_ALG_EDDSA, tmp, module, &fixtures[0]);
        run_alg(CS_ALG_ES256, tmp, module, &fixtures[0]);
    }
    snprintf(command, sizeof(command), "rm -rf '%s'", tmp);
    if (system(command) != 0)
        bench_failure("cannot remove %s", tmp);
    unsetenv("SOFTHSM2_CONF");
}
