/* SPDX-License-Identifier: ISC */
/*
 * tests/bench/bench_registry_pg.c - issuing stations sharing one registry
 * (DESIGN §5 and §9): a batch of BENCH_PG_RECORDS certificates (default
 * 100,000) from record-typical.json, under numbers of their own, issued by
 * 1, 2 and 4 stations at once into a new registry in PostgreSQL, and the
 * same into a new SQLite registry, in the same run.  A station is a
 * process with its own connection (its own handle on the SQLite file) and
 * its own share of the numbers, running cs_registry_issue_batch() in
 * chunks of 500 with every signature checked before its COMMIT, so each
 * certificate costs one signature and one verification.  The stations
 * connect first and then start together; the total rate counts from the
 * start to the last station's last COMMIT, and each station's rate its
 * own share over its own time.  Afterwards the registry is opened again
 * and must hold every certificate once.
 *
 * Yardstick: what this machine's cores can sign and verify,
 * cores / (1 / raw sign rate + 1 / raw verify rate), with raw Ed25519 of a
 * token-sized message on one thread, measured right before and right after
 * the runs (the better of each).  Target: PostgreSQL with 4 stations
 * reaches 0.8 of it, i.e. the registry is never the bottleneck.  (SQLite
 * takes one writer at a time, so its stations queue for the file: for
 * comparison.)
 *
 * The server is a throwaway PostgreSQL 15 cluster that tests/cli/pg_server.sh
 * starts in a temporary folder and stops at the end, a new database for
 * each run.  Without PostgreSQL 15 (make deps-test installs it) the section
 * says so and measures nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define PG_DEFAULT_RECORDS 100000
#define PG_CHUNK 500
#define PG_TARGET 0.8
#define PG_MAX_STATIONS 4
#define PG_INITDB "/usr/lib/postgresql/15/bin/initdb"

static const int STATION_COUNTS[] = {1, 2, 4};

/* What a station reports to the parent, in one write (atomic on a pipe). */
typedef struct station_report {
    int station;
    int ok;
    cs_err err;
    double seconds; /* from the start signal to its last COMMIT */
    size_t issued;
    char detail[256];
} station_report;

typedef struct station_run {
    double total_seconds;
    double station_rate[PG_MAX_STATIONS];
    bool ok;
} station_run;

/* Runs the shell command and keeps the first line of its output in line
 * (NULL: the output is dropped); false when it fails. */
static bool run_script(const char *command, char *line, size_t size)
{
    FILE *p = popen(command, "r");
    char buf[4096];
    bool got = false;

    if (p == NULL)
        return false;
    while (fgets(buf, sizeof(buf), p) != NULL)
        if (line != NULL && !got) {
            size_t len = strcspn(buf, "\n");
            len = len < size - 1 ? len : size - 1;
            memcpy(line, buf, len);
            line[len] = '\0';
            got = true;
        }
    return pclose(p) == 0 && (line == NULL || got);
}

/* One station: opens the registry, says so on ready, waits for the start
 * (the parent closes go), issues its share and reports.  Never returns. */
static void station_main(int station, const char *location, bench_issuer *chain,
                         cs_certificate *certs, size_t count, int ready, int go, int report)
{
    station_report r = {.station = station};
    cs_registry_t *registry = NULL;
    size_t failed = 0;
    char byte;
    cs_err err = cs_registry_open(location, &registry, r.detail, sizeof(r.detail));

    byte = 1;
    if (write(ready, &byte, 1) != 1)
        _exit(1);
    close(ready);
    while (read(go, &byte, 1) < 0 && errno == EINTR)
        ;
    if (err == CS_OK) {
        double start = bench_now();
        err = cs_registry_issue_batch(registry, chain->issuer, certs, count, PG_CHUNK,
                                      CS_FORM_OFFLINE, NULL, NULL, NULL, NULL, &failed, r.detail,
                                      sizeof(r.detail));
        r.seconds = bench_now() - start;
        r.issued = err == CS_OK ? count : failed;
    }
    r.err = err;
    r.ok = err == CS_OK;
    cs_registry_close(&registry);
    if (write(report, &r, sizeof(r)) != (ssize_t)sizeof(r))
        _exit(1);
    _exit(r.ok ? 0 : 1);
}

static bool count_entry(void *ctx, const cs_registry_entry *entry)
{
    (void)entry;
    (*(size_t *)ctx)++;
    return true;
}

/* Issues count certificates into location with `stations` processes at
 * once; the registry is new (created here). */
static station_run run_stations(const char *engine, const char *location, bench_issuer *chain,
                                cs_certificate *certs, size_t count, int stations)
{
    station_run run = {.ok = true};
    cs_registry_t *registry = NULL;
    char detail[256] = "";
    int go[2], report[2], ready[2];
    pid_t pids[PG_MAX_STATIONS];
    size_t recorded = 0;
    double start;
    cs_err err;

    cs_registry_settings settings = {.key_path = "cb.key",
                                     .accreditation = chain->ac,
                                     .accreditation_len = chain->ac_len,
                                     .status_uri = "https://cb.example/s",
                                     .issuer_key = chain->cb};
    if ((err = cs_registry_create(location, &settings, &registry, detail, sizeof(detail))) !=
        CS_OK) {
        bench_failure("%s: cs_registry_create: %s (%s)", engine, cs_strerror(err), detail);
        run.ok = false;
        return run;
    }
    cs_registry_close(&registry);
    if (pipe(go) != 0 || pipe(report) != 0 || pipe(ready) != 0)
        bench_fatal("pipe: %s", strerror(errno));
    fflush(NULL);
    for (int s = 0; s < stations; s++) {
        size_t first = count * (size_t)s / (size_t)stations;
        size_t last = count * (size_t)(s + 1) / (size_t)stations;
        if ((pids[s] = fork()) < 0)
            bench_fatal("fork: %s", strerror(errno));
        if (pids[s] == 0) {
            close(go[1]);
            close(report[0]);
            close(ready[0]);
            station_main(s, location, chain, certs + first, last - first, ready[1], go[0],
                         report[1]);
        }
    }
    close(go[0]);
    close(report[1]);
    close(ready[1]);
    /* Once every station has opened its registry (or failed to), start them
     * all: connecting is not timed. */
    for (int s = 0; s < stations; s++) {
        char byte;
        ssize_t n;
        while ((n = read(ready[0], &byte, 1)) < 0 && errno == EINTR)
            ;
        if (n != 1)
            break; /* a station died: the reports say so */
    }
    close(ready[0]);
    start = bench_now();
    close(go[1]);
    for (int s = 0; s < stations; s++) {
        station_report r;
        ssize_t n;
        while ((n = read(report[0], &r, sizeof(r))) < 0 && errno == EINTR)
            ;
        if (n != (ssize_t)sizeof(r)) {
            bench_failure("%s, %d stations: a station ended without reporting", engine, stations);
            run.ok = false;
            break;
        }
        if (!r.ok) {
            bench_failure("%s, %d stations: station %d stopped after %zu: %s (%s)", engine,
                          stations, r.station + 1, r.issued, cs_strerror(r.err), r.detail);
            run.ok = false;
        } else if (r.station >= 0 && r.station < stations) {
            run.station_rate[r.station] = (double)r.issued / r.seconds;
        }
    }
    run.total_seconds = bench_now() - start;
    close(report[0]);
    for (int s = 0; s < stations; s++) {
        int status;
        while (waitpid(pids[s], &status, 0) < 0 && errno == EINTR)
            ;
    }

    if ((err = cs_registry_open(location, &registry, detail, sizeof(detail))) != CS_OK ||
        (err = cs_registry_each_entry(registry, count_entry, &recorded)) != CS_OK) {
        bench_failure("%s: reopening the registry: %s (%s)", engine, cs_strerror(err), detail);
        run.ok = false;
    } else if (recorded != count) {
        bench_failure("%s, %d stations: the registry holds %zu certificates, not %zu", engine,
                      stations, recorded, count);
        run.ok = false;
    }
    cs_registry_close(&registry);
    return run;
}

static void print_run(const char *engine, int stations, size_t count, const station_run *run)
{
    char each[128] = "";
    size_t used = 0;

    if (!run->ok) {
        printf("  %-10s %8d   FAILED (see above)\n", engine, stations);
        return;
    }
    for (int s = 0; s < stations && used < sizeof(each); s++)
        used += (size_t)snprintf(each + used, sizeof(each) - used, "%s%.0f", s ? " " : "",
                                 run->station_rate[s]);
    printf("  %-10s %8d %8.1f s %10.0f /s   %s /s\n", engine, stations,
           run->total_seconds, (double)count / run->total_seconds, each);
}

static size_t record_count(void)
{
    const char *env = getenv("BENCH_PG_RECORDS");
    char *end;
    unsigned long n;

    if (env == NULL || *env == '\0')
        return PG_DEFAULT_RECORDS;
    errno = 0;
    n = strtoul(env, &end, 10);
    if (errno != 0 || *end != '\0' || n < PG_MAX_STATIONS || n > 10000000)
        bench_fatal("BENCH_PG_RECORDS: '%s' is not a count from %d to 10000000", env,
                    PG_MAX_STATIONS);
    return (size_t)n;
}

void bench_registry_pg(const char *dir, fixture *fixtures, size_t count)
{
    const size_t records = record_count();
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const size_t runs = sizeof(STATION_COUNTS) / sizeof(STATION_COUNTS[0]);
    char tmp[256], command[1024], uri[1024], db[300], name[64];
    const char *tmpdir = getenv("TMPDIR");
    station_run sqlite_runs[3] = {{0}}, pg_runs[3] = {{0}};
    double sign[2], verify[2], capacity;
    bench_issuer chain;
    cs_certificate *certs;
    EVP_PKEY *raw_key;

    (void)count;
    printf("\n(m) stations sharing a registry: %zu x %s, 1, 2 and 4 processes at once, chunks "
           "of %d, self-check on, Ed25519; %ld cores\n",
           records, fixtures[0].file, PG_CHUNK, cores);
    if (access(PG_INITDB, X_OK) != 0) {
        printf("  (PostgreSQL 15 is not installed: make deps-test; not measured)\n");
        return;
    }
    snprintf(tmp, sizeof(tmp), "%s/certseal-bench-pg-XXXXXX",
             tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp");
    if (mkdtemp(tmp) == NULL)
        bench_fatal("cannot make a temporary folder under %s", tmp);
    snprintf(command, sizeof(command), "sh '%s/../cli/pg_server.sh' start '%s' 2>&1", dir, tmp);
    if (!run_script(command, uri, sizeof(uri)) || strncmp(uri, "postgresql://", 13) != 0) {
        bench_failure("tests/cli/pg_server.sh start: %s", uri);
        goto done;
    }
    bench_issuer_init(&chain, CS_ALG_EDDSA);
    certs = bench_make_certificates(dir, fixtures[0].file, records);
    if ((raw_key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL)
        bench_fatal("OpenSSL cannot make an Ed25519 key");
    sign[0] = bench_raw_sign_rate(raw_key);
    verify[0] = bench_raw_verify_rate(raw_key);

    for (size_t i = 0; i < runs; i++) {
        snprintf(db, sizeof(db), "%s/sqlite-%d.db", tmp, STATION_COUNTS[i]);
        sqlite_runs[i] = run_stations("SQLite", db, &chain, certs, records, STATION_COUNTS[i]);
    }
    for (size_t i = 0; i < runs; i++) {
        snprintf(name, sizeof(name), "stations%d", STATION_COUNTS[i]);
        snprintf(command, sizeof(command), "sh '%s/../cli/pg_server.sh' createdb '%s' %s 2>&1",
                 dir, tmp, name);
        if (!run_script(command, uri, sizeof(uri))) {
            bench_failure("tests/cli/pg_server.sh createdb: %s", uri);
            pg_runs[i].ok = false;
            continue;
        }
        pg_runs[i] = run_stations("PostgreSQL", uri, &chain, certs, records, STATION_COUNTS[i]);
    }

    sign[1] = bench_raw_sign_rate(raw_key);
    verify[1] = bench_raw_verify_rate(raw_key);
    EVP_PKEY_free(raw_key);
    sign[0] = sign[0] > sign[1] ? sign[0] : sign[1];
    verify[0] = verify[0] > verify[1] ? verify[0] : verify[1];
    capacity = (double)cores / (1.0 / sign[0] + 1.0 / verify[0]);

    printf("  %-10s %8s %10s %13s   %s\n", "engine", "stations", "time", "total", "each station");
    for (size_t i = 0; i < runs; i++)
        print_run("SQLite", STATION_COUNTS[i], records, &sqlite_runs[i]);
    for (size_t i = 0; i < runs; i++)
        print_run("PostgreSQL", STATION_COUNTS[i], records, &pg_runs[i]);
    printf("  raw Ed25519 sign %.0f /s, verify %.0f /s: %ld cores sign and verify %.0f "
           "certificates /s\n",
           sign[0], verify[0], cores, capacity);
    if (pg_runs[runs - 1].ok) {
        double ratio = (double)records / pg_runs[runs - 1].total_seconds / capacity;
        printf("  PostgreSQL, 4 stations: %.0f /s of %.0f /s: ratio %5.3f  (target %.1f) %s\n",
               (double)records / pg_runs[runs - 1].total_seconds, capacity, ratio, PG_TARGET,
               bench_verdict(ratio, PG_TARGET));
    }
    if (sqlite_runs[0].ok && sqlite_runs[runs - 1].ok)
        printf("  SQLite, 4 stations against 1: %.2f x (one writer at a time)\n",
               sqlite_runs[0].total_seconds / sqlite_runs[runs - 1].total_seconds);

    bench_free_certificates(certs, records);
    bench_issuer_free(&chain);
done:
    snprintf(command, sizeof(command), "sh '%s/../cli/pg_server.sh' stop '%s' 2>&1", dir, tmp);
    if (!run_script(command, NULL, 0))
        bench_failure("tests/cli/pg_server.sh stop %s failed", tmp);
    snprintf(command, sizeof(command), "rm -rf '%s'", tmp);
    if (system(command) != 0)
        bench_failure("could not remove %s", tmp);
}
