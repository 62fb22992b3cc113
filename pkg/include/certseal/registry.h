/* SPDX-License-Identifier: ISC */
/*
 * certseal/registry.h - an issuer's registry (DESIGN §5): everything an
 * accreditation body (AB) or a certification body (CB) issued, its status,
 * and an append-only log of events, in one SQLite file, or on a PostgreSQL
 * server that several issuing stations share.
 *
 * A registry's location is a file path (SQLite, the embedded default) or
 * a libpq connection URI, postgresql://[USER@]HOST[:PORT]/DATABASE[?...]
 * (or postgres://): the registry lives in the first schema of the
 * connection's search_path.  A URI never carries the password (one that
 * does is refused with CS_ERR_REGISTRY_URI_PASSWORD): libpq reads it from
 * ~/.pgpass (PGPASSFILE), PGPASSWORD or a service file, and TLS follows
 * the URI's sslmode.  Both engines give the same guarantees; on
 * PostgreSQL a transaction that loses to another station's (two stations
 * drawing one index or recording one number at once, a deadlock) runs
 * again whole, a bounded number of times, before CS_ERR_REGISTRY_CONFLICT;
 * a lost connection is CS_ERR_REGISTRY_CONNECTION, and what was not
 * committed was not recorded.
 *
 * The same code serves both roles.  An AB registry records accreditation
 * credentials (ACs, numbered by accreditation number); a CB registry holds
 * the CB's AC and records certificate tokens (CTs, numbered by
 * certificate number, one row per revision).  Every issued object gets a
 * status index in the issuer's status list, drawn at random (herd privacy)
 * from the unused indexes in the same transaction that records it, and
 * never handed out again.  A status change and its event are one
 * transaction.  The database runs in WAL mode with synchronous=FULL, so a
 * crash loses at most the transaction in flight and never leaves a
 * duplicate or a reused index; several processes may use one file (a
 * writer waits up to CS_REGISTRY_BUSY_TIMEOUT_MS for another).
 *
 * The schema carries its version (PRAGMA user_version); opening an older
 * registry migrates it in one transaction, a newer one is refused.
 *
 * Lifecycle (ISO/IEC 17021-1 terms) and the status each leaves:
 *   issue                 valid
 *   suspend               valid -> suspended
 *   reinstate             suspended -> valid
 *   withdraw              valid | suspended -> withdrawn (final)
 *   re-issue (supersede)  the old revision -> superseded (final); the new
 *                         revision, under the same number, is valid
 *
 * Ownership: strings in the structs filled here are owned by the struct
 * and released by its _clear() function.  Thread safety: one handle per
 * thread.
 */
#ifndef CERTSEAL_REGISTRY_H
#define CERTSEAL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/claims.h"
#include "certseal/error.h"
#include "certseal/issue.h"
#include "certseal/key.h"
#include "certseal/status.h"
#include "certseal/token.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_REGISTRY_SCHEMA_VERSION 2
/* PRAGMA application_id of every registry file ("CSRG"): any other SQLite
 * file is refused. */
#define CS_REGISTRY_APPLICATION_ID 0x43535247
#define CS_REGISTRY_DEFAULT_LIST_ENTRIES (1u << 20) /* 1,048,576 */
#define CS_REGISTRY_BUSY_TIMEOUT_MS 10000
#define CS_REGISTRY_REASON_MAX 500

typedef enum cs_registry_role {
    CS_REGISTRY_ROLE_AB = 1, /* issues accreditation credentials */
    CS_REGISTRY_ROLE_CB = 2, /* issues certificate tokens */
} cs_registry_role;

/* "accreditation-body" or "certification-body". */
const char *cs_registry_role_name(cs_registry_role role);

typedef struct cs_registry cs_registry_t;

typedef struct cs_registry_settings {
    const char *key_path;         /* the issuer's private key file, stored as given */
    const uint8_t *accreditation; /* CB: its AC, COSE_Sign1 bytes; NULL for an AB */
    size_t accreditation_len;
    const char *status_uri;     /* where the status list will be published (its sub) */
    const char *link_base;      /* CB: base URL of the link form; may be NULL */
    uint64_t list_entries;      /* status list size; 0: CS_REGISTRY_DEFAULT_LIST_ENTRIES;
                                   at least CS_STATUS_LIST_MIN, at most CS_STATUS_LIST_MAX */
    const cs_key_t *issuer_key; /* may be NULL; the issuer's key (the public half
                                   suffices): its kid is recorded, and publishing or
                                   issuing with another key is refused.  When NULL, a
                                   CB registry records the kid of its AC's key, an AB
                                   registry the kid of the first key it signs with. */
} cs_registry_settings;

/*
 * Creates a registry at path (a file, which must not exist, mode 0600; or
 * a PostgreSQL URI whose schema holds no registry) with the role implied
 * by settings (an AC makes it a CB registry), its schema and settings in
 * one transaction: on any error no file and no table is left.  detail
 * (may be NULL) says what was wrong.
 * Errors: CS_ERR_REGISTRY_EXISTS, CS_ERR_IO_OPEN, CS_ERR_REGISTRY_SCHEMA
 * (a schema with other tables of the registry's names),
 * CS_ERR_REGISTRY_CONNECTION, CS_ERR_REGISTRY_URI_PASSWORD, CS_ERR_ARGUMENT
 * (settings: key path, status URI, link base, list size, an AC that does
 * not decode, an issuer_key that is not the AC's key), CS_ERR_REGISTRY,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_registry_create(const char *path, const cs_registry_settings *settings,
                                        cs_registry_t **out, char *detail, size_t detail_size);

/*
 * Opens an existing registry (a file path or a PostgreSQL URI), migrating
 * an older schema.  Every open of a file
 * checks the file's structure first (SQLite's PRAGMA quick_check), so that
 * no command reads from or writes into a damaged registry: a damaged file
 * is refused with CS_ERR_REGISTRY_DAMAGED, and so is any later read or
 * write that SQLite finds damaged.
 * Errors: CS_ERR_IO_OPEN (no such file, no registry in the database's
 * schema), CS_ERR_REGISTRY_CONNECTION, CS_ERR_REGISTRY_URI_PASSWORD,
 * CS_ERR_REGISTRY_SCHEMA (not a
 * certseal registry, or written by a newer certseal),
 * CS_ERR_REGISTRY_DAMAGED (restore it from a backup), CS_ERR_REGISTRY,
 * CS_ERR_REGISTRY_BUSY, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_registry_open(const char *path, cs_registry_t **out, char *detail,
                                      size_t detail_size);
void cs_registry_close(cs_registry_t **registry);

/* What a registry holds, as cs_registry_migrate() compares it: the rows
 * of each table, and a SHA-256 over every row of settings, objects,
 * events and retired_keys in that order, each table in id order, each
 * value with its type (null, integer, text, blob) and length. */
typedef struct cs_registry_tally {
    uint64_t settings, objects, events, retired_keys;
    uint8_t digest[32];
} cs_registry_tally;

/*
 * Copies the registry at `from` (a file or a PostgreSQL URI) to a new one
 * at `to` (either kind; it must not hold a registry yet): every row of
 * its settings, objects, events and key history, ids included, read from
 * one snapshot of the source and written in the one transaction that
 * creates the target.  Before that transaction commits, both sides are
 * tallied (cs_registry_tally) and must agree, else nothing is left at
 * `to`.  *source and *target (may be NULL) receive the tallies.
 * Errors: cs_registry_open()'s for `from`, cs_registry_create()'s for `to`
 * (CS_ERR_REGISTRY_EXISTS for a target that holds a registry),
 * CS_ERR_REGISTRY_MIGRATE_MISMATCH.
 */
CS_MUST_CHECK cs_err cs_registry_migrate(const char *from, const char *to,
                                         cs_registry_tally *source, cs_registry_tally *target,
                                         char *detail, size_t detail_size);

/* True when location is a PostgreSQL connection URI (postgresql:// or
 * postgres://), false for a file path. */
bool cs_registry_location_is_uri(const char *location);

/* location for a message: a URI with any password in it (user:PASSWORD@,
 * password=PASSWORD) replaced by "***", a path as it is.  out (size > 0)
 * always ends in NUL; a longer location is cut. */
void cs_registry_location_redact(const char *location, char *out, size_t size);

/* Settings, borrowed from the handle. */
cs_registry_role cs_registry_role_of(const cs_registry_t *registry);
const char *cs_registry_key_path(const cs_registry_t *registry);
const char *cs_registry_status_uri(const cs_registry_t *registry);
const char *cs_registry_link_base(const cs_registry_t *registry); /* NULL when unset */
uint64_t cs_registry_list_entries(const cs_registry_t *registry);
/* CB: the AC's COSE bytes; NULL for an AB. */
const uint8_t *cs_registry_accreditation(const cs_registry_t *registry, size_t *len);
/* Who besides its owner could read or change the registry file when it was
 * opened: CS_FILE_GROUP_* and CS_FILE_OTHERS_* bits (certseal/file.h), for
 * the caller to warn about.  The registry holds every certificate and who
 * changed what; it is kept 0600 by cs_registry_create(). */
unsigned cs_registry_file_exposure(const cs_registry_t *registry);

/* Who made a change: recorded in the event log with each event. */
typedef struct cs_registry_actor {
    const char *name;   /* e.g. the login name; NULL: the process's user */
    const char *reason; /* why (suspend, withdraw, supersede); may be NULL */
} cs_registry_actor;

/*
 * CB: issues one certificate.  In one transaction: checks that
 * cert->number is new (or, with supersedes set to it, that its current
 * revision is valid or suspended and cert->revision is the next one),
 * draws a status index uniformly at random among the unused ones
 * (refusing when three quarters of the list are taken), sets cert->status
 * to {index, status URI}, signs with the issuer
 * (CS_ISSUE_VERIFY_SIGNATURE), records the token and the "issued" event,
 * and marks the superseded revision with its event.  Superseding is
 * idempotent: a record of the current revision with the claims it was
 * issued with changes nothing, and gives CS_OK with the recorded token
 * and detail (when not NULL) saying so; detail is "" after any other
 * success.  *token is borrowed from the issuer (or the registry) until
 * the next call.  form is the token's form (CS_FORM_LINK uses the
 * registry's link base).
 * Errors: CS_ERR_REGISTRY_ROLE, CS_ERR_REGISTRY_DUPLICATE,
 * CS_ERR_REGISTRY_NOT_FOUND (supersedes), CS_ERR_REGISTRY_TRANSITION,
 * CS_ERR_REGISTRY_REVISION (superseding with a record that is neither the
 * next revision nor the current one unchanged), CS_ERR_REGISTRY_FULL,
 * CS_ERR_REGISTRY_BUSY, CS_ERR_REGISTRY,
 * CS_ERR_KEY_NOT_ACCREDITED (the issuer's key is not the registry's),
 * CS_ERR_ARGUMENT (supersedes names another number, the link form without
 * a link base, a reason past CS_REGISTRY_REASON_MAX), and
 * cs_issuer_issue()'s errors; on any error nothing is recorded.
 */
CS_MUST_CHECK cs_err cs_registry_issue_certificate(cs_registry_t *registry, cs_issuer_t *issuer,
                                                   cs_certificate *cert, const char *supersedes,
                                                   cs_form form, const cs_registry_actor *actor,
                                                   const char **token, size_t *token_len,
                                                   char *detail, size_t detail_size);

/* Called for each certificate a batch issued, in input order. */
typedef void (*cs_registry_issued_fn)(void *ctx, size_t input_index, const char *number,
                                      const char *token, size_t token_len);
/* Called after each committed chunk with how many of count are done. */
typedef void (*cs_registry_progress_fn)(void *ctx, size_t done, size_t count);

/*
 * CB: issues certs[0..count) in transactions of chunk certificates (0 for
 * a default), each as cs_registry_issue_certificate() without supersedes.
 * A certificate whose number is already recorded with the same claims is
 * skipped (so that re-running an interrupted batch completes it) and is
 * not reported to `issued`; one recorded with different claims fails the
 * batch before anything is issued (every number is looked up first), as
 * does a number that appears twice in certs (CS_ERR_REGISTRY_DUPLICATE).  On
 * error, the chunks already committed stay (and were reported
 * to `issued` and `progress`); *failed_index (may be NULL) names the
 * certificate that failed, or the first of its chunk when the COMMIT
 * failed.  `issued` and `progress` run after each COMMIT, so they hear of
 * recorded certificates only.
 * The certificates are signed, verified and encoded on every processor
 * (threads started and joined within the call, as cs_issue_batch_new()
 * with jobs 0) and recorded in input order; each new signature is verified
 * before its chunk is committed, and one that does not verify fails the
 * batch with CS_ERR_SIGNATURE at that certificate, nothing of its chunk
 * recorded.  A chunk asks the registry a few statements whatever its
 * size: one look-up of its numbers, one draw of its status indexes, its
 * rows.
 * Errors: as cs_registry_issue_certificate().
 */
CS_MUST_CHECK cs_err cs_registry_issue_batch(cs_registry_t *registry, cs_issuer_t *issuer,
                                             cs_certificate *certs, size_t count, size_t chunk,
                                             cs_form form, const cs_registry_actor *actor,
                                             cs_registry_issued_fn issued,
                                             cs_registry_progress_fn progress, void *ctx,
                                             size_t *failed_index, char *detail,
                                             size_t detail_size);

/*
 * AB: signs and records an accreditation credential for *params (numbered
 * by params->number), drawing its status index and giving the credential
 * the registry's status reference (params->status is not used), in one
 * transaction; cs_accreditation_sign() checks the values and verifies the
 * signature before it is recorded.  *params is borrowed for the call and
 * not changed.  *out is the AC's COSE_Sign1 bytes (freed with free()), and
 * *status_index (may be NULL) its index in the AB's status list.  ab_key
 * must be the registry's issuer key; a registry that knows none yet
 * records this one's kid.
 * Errors: CS_ERR_REGISTRY_ROLE, CS_ERR_REGISTRY_DUPLICATE, CS_ERR_ARGUMENT
 * (another key, a reason too long), CS_ERR_REGISTRY_FULL,
 * CS_ERR_REGISTRY_BUSY, CS_ERR_REGISTRY, and cs_accreditation_sign()'s
 * errors (CS_ERR_CLAIM_INVALID, CS_ERR_SIGNATURE, ...).
 */
CS_MUST_CHECK cs_err cs_registry_issue_accreditation(
    cs_registry_t *registry, const cs_key_t *ab_key, const cs_accreditation_params *params,
    const cs_registry_actor *actor, uint64_t *status_index, uint8_t **out, size_t *out_len,
    char *detail, size_t detail_size);

/*
 * AB: cs_registry_issue_accreditation(), and re-accreditation (DESIGN §5:
 * one accreditation number may hold one current credential per CB key).
 * Each credential under a number gets the next revision (0 first) and its
 * own status index, so that one key's credential can be suspended or
 * withdrawn without touching another's.  Without supersede the number
 * must be new, or already belong to params->subject with no current
 * credential for params->subject_key (a CB's new key); with supersede the
 * current credential of params->subject_key under the number (valid or
 * suspended) is marked superseded and replaced by this one (a changed
 * scope), in the same transaction.
 * Errors: as cs_registry_issue_accreditation(); CS_ERR_REGISTRY_DUPLICATE
 * (that key already holds a current credential under the number, or the
 * number belongs to another CB), CS_ERR_REGISTRY_NOT_FOUND (supersede:
 * none for that key), CS_ERR_REGISTRY_TRANSITION (a withdrawn key, or
 * superseding a withdrawn credential).
 */
CS_MUST_CHECK cs_err cs_registry_accredit(cs_registry_t *registry, const cs_key_t *ab_key,
                                          const cs_accreditation_params *params, bool supersede,
                                          const cs_registry_actor *actor, uint64_t *status_index,
                                          uint8_t **out, size_t *out_len, char *detail,
                                          size_t detail_size);

typedef enum cs_registry_action {
    CS_REGISTRY_SUSPEND = 1,
    CS_REGISTRY_REINSTATE,
    CS_REGISTRY_WITHDRAW,
} cs_registry_action;

/* "suspend", "reinstate", "withdraw". */
const char *cs_registry_action_name(cs_registry_action action);

/*
 * Changes the status of the current revision of `number` and records the
 * event, in one transaction.  *new_status (may be NULL) receives the
 * status it now has.
 * Errors: CS_ERR_REGISTRY_NOT_FOUND, CS_ERR_REGISTRY_TRANSITION (e.g.
 * reinstating what is not suspended; detail names the current status),
 * CS_ERR_ARGUMENT (reason longer than CS_REGISTRY_REASON_MAX),
 * CS_ERR_REGISTRY_BUSY, CS_ERR_REGISTRY.
 */
CS_MUST_CHECK cs_err cs_registry_change_status(cs_registry_t *registry, const char *number,
                                               cs_registry_action action,
                                               const cs_registry_actor *actor,
                                               cs_status *new_status, char *detail,
                                               size_t detail_size);

/*
 * cs_registry_change_status() for the current credential of one CB key
 * (key_kid, CS_KID_SIZE bytes) under an accreditation number; key_kid NULL
 * means the only current one, and a number with several current
 * credentials then fails with CS_ERR_REGISTRY_AMBIGUOUS (detail names
 * their kids).
 */
CS_MUST_CHECK cs_err cs_registry_change_status_of(cs_registry_t *registry, const char *number,
                                                  const uint8_t *key_kid,
                                                  cs_registry_action action,
                                                  const cs_registry_actor *actor,
                                                  cs_status *new_status, char *detail,
                                                  size_t detail_size);

/* ---- key changes (DESIGN §5: rekey, reissue) ------------------------------------ */

/*
 * Changes the registry's signing key, in one transaction: the old key (and
 * a CB's old AC) go to the key history, the settings name the new key
 * (key_ref, stored as given: a file path, or any reference the key loader
 * takes) and, for a CB, its new AC, and a "rekeyed" event (number "") is
 * recorded.  From then on issuing and publishing need the new key.
 * new_key is the new private key (loaded by the caller).
 * CB: accreditation (COSE bytes, or a token form of them) must be an AC
 * for new_key (its cnf), from the same AB (iss) for the same CB (sub)
 * under the same accreditation number as the current AC, not expired now;
 * what the old key issued stays as it is (VALID until it expires, and it
 * can still be suspended or withdrawn: the lists are signed with the new
 * key and carry its AC).  The same key with a new AC (a credential
 * re-issued with a changed scope) is allowed.
 * AB: accreditation must be NULL; new_key must differ from the current key.
 * Credentials already issued stay signed by the old key (the trust list
 * must list both keys, each with its signing period).
 * Errors: CS_ERR_REKEY_MISMATCH (detail says which rule), CS_ERR_ARGUMENT
 * (no private key, the AC does not decode, key_ref empty or too long),
 * CS_ERR_REGISTRY_BUSY, CS_ERR_REGISTRY, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_registry_rekey(cs_registry_t *registry, const cs_key_t *new_key,
                                       const char *key_ref, const uint8_t *accreditation,
                                       size_t accreditation_len, const cs_registry_actor *actor,
                                       char *detail, size_t detail_size);

/* Called for each certificate cs_registry_reissue() re-issued (token
 * borrowed for the call), or skipped (token NULL, why says why). */
typedef void (*cs_registry_reissued_fn)(void *ctx, const char *number, uint64_t revision,
                                        const char *token, size_t token_len, const char *why);

/*
 * CB: re-issues current certificates under the registry's current key and
 * AC (DESIGN §5 reissue): each in its own transaction, as a new revision
 * (iat today, a new status index, the same form as before) that
 * supersedes the old one; a suspended one stays suspended (its new
 * revision is suspended too, with an event saying so).  numbers[0..count)
 * names them, or every current certificate when numbers is NULL.  A
 * certificate already under the current AC is skipped (so a re-run does
 * nothing new), and so, with numbers NULL, are withdrawn, superseded and
 * expired ones; a named one that is withdrawn or expired fails.
 * *reissued (may be NULL) counts the new revisions.  issuer is the
 * registry's issuer (its current key and AC).
 * Errors: as cs_registry_issue_certificate(); CS_ERR_REGISTRY_NOT_FOUND,
 * CS_ERR_REGISTRY_TRANSITION (a named one that cannot be re-issued);
 * revisions already committed stay.
 */
CS_MUST_CHECK cs_err cs_registry_reissue(cs_registry_t *registry, cs_issuer_t *issuer,
                                         const char *const *numbers, size_t count, int64_t now,
                                         const cs_registry_actor *actor,
                                         cs_registry_reissued_fn fn, void *ctx, size_t *reissued,
                                         char *detail, size_t detail_size);

/* One issued object (one revision). */
typedef struct cs_registry_entry {
    char *number;          /* certificate or accreditation number */
    uint64_t revision;     /* 0 for ACs */
    uint64_t status_index; /* its index in the status list */
    cs_status status;
    char *subject;       /* organisation name (CT) or certification body name (AC) */
    char *standard;      /* CT: the standard; AC: the standards, comma-separated */
    int64_t issued_at;   /* iat */
    int64_t expires;     /* exp */
    int64_t recorded_at; /* when the registry recorded it */
    char *token;         /* CT: the token as issued; AC: hex of its COSE bytes */
    uint8_t key_kid[CS_KID_SIZE]; /* AC: the kid of the CB key it accredits */
    bool has_key_kid;
    uint8_t signer_kid[CS_KID_SIZE]; /* the kid of the key that signed it */
    bool has_signer_kid;                /* false for objects of schema 1 without a known kid */
    bool current;                       /* the number's current revision (per key, for ACs) */
} cs_registry_entry;

void cs_registry_entry_clear(cs_registry_entry *entry);

/* One event of the log. */
typedef struct cs_registry_event {
    int64_t at;
    char *number;
    uint64_t revision;
    char *action; /* "issued", "suspended", "reinstated", "withdrawn", "superseded",
                     "rekeyed" (number "": the registry changed its signing key) */
    char *actor;
    char *reason; /* NULL when none was given */
} cs_registry_event;

void cs_registry_event_clear(cs_registry_event *event);

/* Visits every entry (every revision), in issue order; stops early when
 * fn returns false.  The entry is valid during the call only.
 * Errors: CS_ERR_REGISTRY, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_registry_each_entry(cs_registry_t *registry,
                                            bool (*fn)(void *ctx, const cs_registry_entry *entry),
                                            void *ctx);

/* Visits the events of `number` (every number when NULL), oldest first.
 * Errors: CS_ERR_REGISTRY, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_registry_each_event(cs_registry_t *registry, const char *number,
                                            bool (*fn)(void *ctx, const cs_registry_event *event),
                                            void *ctx);

/* The current revision of `number`.  Errors: CS_ERR_REGISTRY_NOT_FOUND,
 * CS_ERR_REGISTRY, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_registry_get(cs_registry_t *registry, const char *number,
                                     cs_registry_entry *entry);

/*
 * Builds the status list of every recorded object (as of one read
 * transaction), signs it with key (which must be the registry's issuer
 * key: the CB key named by its AC, or the AB key; an AB registry that
 * knows no key yet records this one's kid) and writes it to path
 * atomically (temporary file, fsync, rename; an existing list is
 * replaced, readers see the old list or the new one).  The list has
 * cs_registry_list_entries() entries of CS_STATUS_BITS bits.  issued_at
 * is the list's iat, valid_for_seconds sets its exp, ttl its ttl (0 to
 * leave it out).
 * Each status is taken from the append-only event log (the last event of
 * each revision) and checked against the status the object row holds: a
 * status changed in the file without certseal (no event) is refused with
 * CS_ERR_REGISTRY_EVENT_LOG, naming the number, and nothing is written.
 * Temporary files that an earlier publish killed mid-write left beside
 * path (older than CS_FILE_STALE_SECONDS) are removed first.
 * Errors: CS_ERR_ARGUMENT (times, a key that is not the issuer's),
 * CS_ERR_REGISTRY_EVENT_LOG, CS_ERR_REGISTRY_DAMAGED, CS_ERR_IO_WRITE,
 * CS_ERR_REGISTRY, CS_ERR_NO_MEMORY, CS_ERR_CRYPTO.
 */
CS_MUST_CHECK cs_err cs_registry_publish(cs_registry_t *registry, const cs_key_t *key,
                                         const char *path, int64_t issued_at,
                                         int64_t valid_for_seconds, uint64_t ttl, char *detail,
                                         size_t detail_size);

#ifdef __cplusplus
}
#endif
#endif
