/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_registry.c - batch issuing into a registry (DESIGN §5):
 * BATCH_RECORDS certificates from record-typical.json, under numbers of
 * their own, issued by cs_registry_issue_batch() into a new SQLite
 * registry (WAL, synchronous=FULL, one transaction per chunk, every
 * signature checked before it is recorded), no QR output.  The rate counts
 * the whole batch up to its last COMMIT, so it is the durable rate; the
 * registry is then reopened (timed: every open checks the file's
 * structure) and counted, and its status list published (timed: every
 * status is checked against the event log).
 *
 * Yardsticks: raw Ed25519 signatures (EVP_DigestSign over a token-sized
 * message) and verifications, timed right before and right after the
 * batch, in the same run; the better of the two is used.  Targets: batch
 * rate >= 0.5 of the raw sign rate, and >= 0.7 of the careful issuer's
 * limit, processors / (one raw sign + one raw verify) (issue 17).  The
 * processor time the batch used per certificate is set against one raw
 * sign plus one raw verify too (for information): on a busy machine the
 * rates suffer, that ratio much less.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bench.h"

#define BATCH_RECORDS 100000
#define BATCH_CHUNK 500
#define REGISTRY_TARGET 0.5
#define CAREFUL_TARGET 0.7

static bool count_entry(void *ctx, const cs_registry_entry *entry)
{
    (void)entry;
    (*(size_t *)ctx)++;
    return true;
}

static void remove_registry(const char *dir, const char *db)
{
    char path[4200];
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", db, suffixes[i]);
        unlink(path);
    }
    rmdir(dir);
}

void bench_registry(const char *dir, fixture *fixtures, size_t count)
{
    char tmp[256], db[300], detail[256] = "";
    const char *tmpdir = getenv("TMPDIR");
    EVP_PKEY *raw_key;
    bench_issuer chain;
    cs_registry_t *registry = NULL;
    size_t failed = 0, recorded = 0;
    cs_certificate *certs;
    double raw_before, raw_after, raw, verify_before, verify_after, raw_verify, limit, start,
        seconds, records_per_second, open_seconds, publish_seconds, cpu;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    char list[320];
    cs_err err;

    (void)count;
    printf("\n(h) batch issue into a registry: %d x %s, chunks of %d, self-check on, no QR\n",
           BATCH_RECORDS, fixtures[0].file, BATCH_CHUNK);
    snprintf(tmp, sizeof(tmp), "%s/certseal-bench-XXXXXX",
             tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp");
    if (mkdtemp(tmp) == NULL)
        bench_fatal("cannot make a temporary folder under %s", tmp);
    snprintf(db, sizeof(db), "%s/cb.db", tmp);
    bench_issuer_init(&chain, CS_ALG_EDDSA);
    cs_registry_settings settings = {.key_path = "cb.key",
                                     .accreditation = chain.ac,
                                     .accreditation_len = chain.ac_len,
                                     .status_uri = "https://cb.example/s",
                                     .issuer_key = chain.cb};
    if ((err = cs_registry_create(db, &settings, &registry, detail, sizeof(detail))) != CS_OK)
        bench_fatal("cs_registry_create: %s (%s)", cs_strerror(err), detail);
    certs = bench_make_certificates(dir, fixtures[0].file, BATCH_RECORDS);

    if ((raw_key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL)
        bench_fatal("OpenSSL cannot make an Ed25519 key");
    raw_before = bench_raw_sign_rate(raw_key);
    verify_before = bench_raw_verify_rate(raw_key);
    start = bench_now();
    cpu = bench_cpu_seconds();
    err = cs_registry_issue_batch(registry, chain.issuer, certs, BATCH_RECORDS, BATCH_CHUNK,
                                  CS_FORM_OFFLINE, NULL, NULL, NULL, NULL, &failed, detail,
                                  sizeof(detail));
    seconds = bench_now() - start;
    cpu = bench_cpu_seconds() - cpu;
    raw_after = bench_raw_sign_rate(raw_key);
    verify_after = bench_raw_verify_rate(raw_key);
    EVP_PKEY_free(raw_key);
    if (err != CS_OK)
        bench_failure("batch failed at record %zu: %s (%s)", failed, cs_strerror(err), detail);
    cs_registry_close(&registry);

    start = bench_now();
    err = cs_registry_open(db, &registry, detail, sizeof(detail));
    open_seconds = bench_now() - start;
    if (err != CS_OK || (err = cs_registry_each_entry(registry, count_entry, &recorded)) != CS_OK)
        bench_failure("reopening the registry: %s (%s)", cs_strerror(err), detail);
    snprintf(list, sizeof(list), "%s/cb.cwt", tmp);
    start = bench_now();
    err = cs_registry_publish(registry, chain.cb, list, (int64_t)time(NULL), 86400, 3600, detail,
                              sizeof(detail));
    publish_seconds = bench_now() - start;
    if (err != CS_OK)
        bench_failure("publishing the status list: %s (%s)", cs_strerror(err), detail);
    unlink(list);
    if (recorded != BATCH_RECORDS)
        bench_failure("the registry holds %zu certificates, not %d", recorded, BATCH_RECORDS);

    raw = raw_before > raw_after ? raw_before : raw_after;
    raw_verify = verify_before > verify_after ? verify_before : verify_after;
    limit = (double)(online > 0 ? online : 1) / (1.0 / raw + 1.0 / raw_verify);
    records_per_second = (double)BATCH_RECORDS / seconds;
    printf("  EdDSA  registry batch        %10.0f /s   raw EVP_DigestSign %10.0f /s   ratio %5.3f  "
           "(target %.1f) %s\n",
           records_per_second, raw, records_per_second / raw, REGISTRY_TARGET,
           bench_verdict(records_per_second / raw, REGISTRY_TARGET));
    printf("  careful issuer's limit %ld processors / (sign + verify, raw verify %.0f /s) %10.0f /s   "
           "ratio %5.3f  (target %.1f) %s\n",
           online > 0 ? online : 1, raw_verify, limit, records_per_second / limit, CAREFUL_TARGET,
           bench_verdict(records_per_second / limit, CAREFUL_TARGET));
    printf("  processor time per certificate %.1f us, raw sign + raw verify %.1f us: ratio %5.3f  "
           "(for information)\n",
           1e6 * cpu / BATCH_RECORDS, 1e6 * (1.0 / raw + 1.0 / raw_verify),
           (1.0 / raw + 1.0 / raw_verify) / (cpu / BATCH_RECORDS));
    printf("  %d certificates in %.1f s, durable (WAL, synchronous=FULL); reopened: %zu recorded\n",
           BATCH_RECORDS, seconds, recorded);
    printf("  open (with its structure check) %.2f s; status publish (each status checked "
           "against the event log) %.2f s\n",
           open_seconds, publish_seconds);

    cs_registry_close(&registry);
    bench_free_certificates(certs, BATCH_RECORDS);
    bench_issuer_free(&chain);
    remove_registry(tmp, db);
}
