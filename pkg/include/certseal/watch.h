/* SPDX-License-Identifier: ISC */
/*
 * certseal/watch.h - a buyer's portfolio of certificates, re-checked on a
 * schedule, and the changes found since the last check (docs/watch.md).
 *
 * The portfolio lives in a state folder the buyer alone may use (0700):
 * "state.json" (the tokens, where each came from, and what has been
 * reported about each), written atomically (temporary file, fsync,
 * rename), and "lock", held with flock() while a run has the state open,
 * so that two runs never interleave.  The state is versioned
 * ("version": 1); a file that does not parse, or of a newer version, is
 * refused with a clear error and left as it is.
 *
 * A check compares one verification result (verify.h) with what was
 * reported before and calls back once per change: a certificate
 * suspended, reinstated, withdrawn or superseded; its accreditation
 * suspended, withdrawn or reinstated; the expiry within each threshold
 * (90 and 30 days by default), then expired; the status unknown for
 * longer than a threshold, and known again; any other change of verdict.
 * Each event is reported once: the state remembers it.  Every time is the
 * verification time (verify --at moves it), so a schedule can be replayed.
 *
 * Ownership: a cs_watch_t owns its items and the lock; close it with
 * cs_watch_close().  Items are borrowed until the next add, remove or
 * close.
 */
#ifndef CERTSEAL_WATCH_H
#define CERTSEAL_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/verify.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_WATCH_STATE_VERSION 1
#define CS_WATCH_STATE_FILE "state.json"
#define CS_WATCH_LOCK_FILE "lock"
#define CS_WATCH_MAX_ITEMS 100000u
#define CS_WATCH_STATE_MAX_BYTES (256u * 1024 * 1024)
#define CS_WATCH_MAX_THRESHOLDS 8
#define CS_WATCH_ID_SIZE 65 /* lowercase hex SHA-256 of the COSE bytes, and NUL */

/* What a certificate's or an accreditation's status list last said. */
typedef enum cs_watch_status {
    CS_WATCH_STATUS_VALID = 0,
    CS_WATCH_STATUS_SUSPENDED,
    CS_WATCH_STATUS_WITHDRAWN,
    CS_WATCH_STATUS_SUPERSEDED,
} cs_watch_status;

/* One certificate of the portfolio. */
typedef struct cs_watch_item {
    char id[CS_WATCH_ID_SIZE]; /* SHA-256 of its COSE_Sign1, hex: one item per token */
    char *token;               /* the token text (offline form, or the link as given) */
    char *source;              /* where it was added from */
    int64_t added;             /* when (real time) */
    /* From the last verification whose signatures verified (NULL, 0 before). */
    char *number, *issuer, *organization, *standard;
    int64_t expires;
    /* The last check. */
    int64_t checked; /* 0: never */
    cs_verdict verdict;
    /* What has been reported. */
    cs_watch_status certificate_status;
    cs_watch_status accreditation_status;
    unsigned expiry_notice;  /* the smallest threshold (days) reported, 0: none */
    bool expired_reported;
    int64_t unknown_since;   /* first check whose status was unknown, 0: known */
    bool unknown_reported;
    cs_verdict other_verdict; /* the last verdict reported as "verdict-changed", VALID: none */
} cs_watch_item;

typedef struct cs_watch cs_watch_t;

/* The kinds of change, with the "event" name of the JSON line. */
typedef enum cs_watch_event_type {
    CS_WATCH_SUSPENDED,                /* "suspended" */
    CS_WATCH_REINSTATED,               /* "reinstated" */
    CS_WATCH_WITHDRAWN,                /* "withdrawn" */
    CS_WATCH_SUPERSEDED,               /* "superseded" */
    CS_WATCH_ACCREDITATION_SUSPENDED,  /* "accreditation-suspended" */
    CS_WATCH_ACCREDITATION_WITHDRAWN,  /* "accreditation-withdrawn" */
    CS_WATCH_ACCREDITATION_REINSTATED, /* "accreditation-reinstated" */
    CS_WATCH_EXPIRING,                 /* "expiring": within a threshold */
    CS_WATCH_EXPIRED,                  /* "expired" */
    CS_WATCH_STATUS_UNKNOWN,           /* "status-unknown": for longer than the threshold */
    CS_WATCH_STATUS_KNOWN,             /* "status-known": checked again after that */
    CS_WATCH_VERDICT_CHANGED,          /* "verdict-changed": any other verdict, or back */
} cs_watch_event_type;

const char *cs_watch_event_name(cs_watch_event_type type);

typedef struct cs_watch_event {
    cs_watch_event_type type;
    const cs_watch_item *item; /* borrowed, updated already */
    int64_t at;                /* the verification time */
    const cs_verify_result *result;
    unsigned threshold; /* EXPIRING: the threshold crossed (days) */
    int64_t days_left;  /* EXPIRING: whole days until the expiry */
    cs_verdict previous; /* VERDICT_CHANGED: the verdict reported before */
} cs_watch_event;

/* Called once per event; anything but CS_OK stops the check with it. */
typedef cs_err (*cs_watch_event_fn)(void *ctx, const cs_watch_event *event);

typedef struct cs_watch_policy {
    unsigned thresholds[CS_WATCH_MAX_THRESHOLDS]; /* days, any order; 0 ends the list */
    int64_t unknown_after;                        /* seconds */
} cs_watch_policy;

#define CS_WATCH_POLICY_INIT {{90, 30}, 3 * 86400}

/*
 * Opens the state folder dir, creating it (0700) when missing: refuses a
 * folder that is a symbolic link, is not the effective user's, or that
 * others may use (CS_ERR_FILE_PERMISSIONS: chmod 700); takes the lock
 * (CS_ERR_WATCH_BUSY when another run holds it); reads state.json (an
 * empty portfolio when there is none).  detail (may be NULL) says what was
 * wrong, naming the file and the place.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_IO_OPEN, CS_ERR_IO_READ (errno tells
 * why), CS_ERR_FILE_PERMISSIONS, CS_ERR_WATCH_BUSY, CS_ERR_WATCH_STATE,
 * CS_ERR_WATCH_VERSION, CS_ERR_TOO_LARGE, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_watch_open(const char *dir, cs_watch_t **out, char *detail,
                                   size_t detail_size);

/* Releases the lock and frees everything (nothing is saved). */
void cs_watch_close(cs_watch_t **watch);

size_t cs_watch_count(const cs_watch_t *watch);
/* The i-th item (in the order added), borrowed; NULL past the end. */
const cs_watch_item *cs_watch_item_at(const cs_watch_t *watch, size_t i);

/*
 * Adds the token (any form, decoded as far as its COSE_Sign1, not
 * verified) read from source; *added is false when the same token is
 * watched already.  now is the time it was added.
 * Errors: those of cs_token_convert() (not a token), CS_ERR_TOO_LARGE
 * (CS_WATCH_MAX_ITEMS), CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_watch_add(cs_watch_t *watch, const uint8_t *token, size_t len,
                                  const char *source, int64_t now, bool *added);

/* Removes the items whose id starts with prefix (at least 8 hex digits);
 * *removed says how many.  Errors: CS_ERR_ARGUMENT. */
CS_MUST_CHECK cs_err cs_watch_remove(cs_watch_t *watch, const char *prefix, size_t *removed);

/*
 * Compares result (the verification of item i's token) with what was
 * reported for it, calls emit for each change in a fixed order (status,
 * accreditation, status unknown or known, expiry, other verdicts), and
 * records the result in the item.  The time is result->verified_at.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY, and emit's.
 */
CS_MUST_CHECK cs_err cs_watch_check(cs_watch_t *watch, size_t i, const cs_verify_result *result,
                                    const cs_watch_policy *policy, cs_watch_event_fn emit,
                                    void *ctx);

/* Writes state.json atomically (0600).  Errors: CS_ERR_IO_WRITE,
 * CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_watch_save(cs_watch_t *watch);

/* One event as a JSON object (one line, unsafe characters escaped,
 * cs_text_escape_json()) in a new string (*out, freed with free()).
 * Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_watch_event_json(const cs_watch_event *event, char **out);

/* The portfolio as a JSON array of its items (without the tokens), for
 * `watch --list --json`.  Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_watch_list_json(const cs_watch_t *watch, char **out);

/* The portfolio as text, one line per item (its id's first 12 digits, the
 * last verdict, number, organisation, standard, last valid day, when it
 * was checked and where it came from; every text escaped), for `watch
 * --list`, in a new string (*out, freed with free()).
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_watch_list_text(const cs_watch_t *watch, char **out);

#ifdef __cplusplus
}
#endif
#endif
