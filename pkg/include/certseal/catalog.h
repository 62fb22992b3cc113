/* SPDX-License-Identifier: ISC */
/*
 * certseal/catalog.h - the standards catalog (DESIGN §2 step 7,
 * docs/catalog.md): for each standard family its editions, the transitions
 * that end old editions (the last day a certificate to the old edition may
 * be issued, the day all of them end), every date with its source, and the
 * scope code system its accreditation uses (IAF sector codes, ISO 22003-1
 * food chain categories, or none).
 *
 * The catalog is JSON (schemas/catalog.json, schemas/catalog.schema.json).
 * schemas/catalog.json is built into the library as a static table,
 * checked by this parser at build time (cs_catalog_builtin()): using it
 * parses nothing.  A scheme owner distributes newer catalogs signed with
 * its root key (cs_catalog_sign(), cs_catalog_open_signed()), which are
 * parsed, and replace the built-in one when their version is not lower.
 *
 * Dates are NumericDates of 00:00 UTC of their day.  A transition's `ends`
 * is the last day on which certificates to the old edition are valid: from
 * 00:00 UTC of the next day they are not (the same convention as a
 * certificate's expiry date, DESIGN §3).
 *
 * Ownership: a parsed cs_catalog owns every string and array it holds;
 * cs_catalog_free() releases it.  The built-in catalog is static and
 * shared: it is borrowed by everyone and never freed (cs_catalog_free()
 * leaves it alone).  Pointers returned by the look-ups are borrowed from
 * the catalog.  A catalog is not changed after parsing (its fields point
 * to const), so several threads may read one.
 */
#ifndef CERTSEAL_CATALOG_H
#define CERTSEAL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"
#include "certseal/key.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CS_TYP_CATALOG "cs-catalog" /* typ of a signed catalog */
#define CS_CLAIM_CATALOG (-65541)   /* its claim: the catalog's JSON text */

/* Limits of the parser (docs/catalog.md). */
#define CS_CATALOG_MAX (256u * 1024) /* bytes of catalog JSON */
#define CS_CATALOG_SIGNED_MAX (CS_CATALOG_MAX + 4096)
#define CS_CATALOG_SOURCES_MAX 256
#define CS_CATALOG_FAMILIES_MAX 128
#define CS_CATALOG_EDITIONS_MAX 32    /* editions, and transitions, of a family */
#define CS_CATALOG_NAME_MAX 64        /* bytes of a family or edition designation */
#define CS_CATALOG_TEXT_MAX 1024      /* bytes of a title or note */

/* The scope code system of a family's accreditation. */
typedef enum cs_scope_codes {
    CS_SCOPE_CODES_IAF = 0,       /* "iaf": IAF sector codes may be given */
    CS_SCOPE_CODES_FOOD_CHAIN = 1, /* "iso22003-1": food chain categories may be given */
    CS_SCOPE_CODES_NONE = 2,      /* "none": neither */
} cs_scope_codes;

/* "iaf", "iso22003-1", "none" (or "unknown"). */
const char *cs_scope_codes_name(cs_scope_codes codes);

typedef struct cs_catalog_source {
    const char *id, *title, *url;
} cs_catalog_source;

/* A transition from one edition to the next (possibly of another family:
 * OHSAS 18001:2007 to ISO 45001:2018). */
typedef struct cs_catalog_transition {
    const char *from, *to;
    int64_t starts;     /* the transition begins */
    int64_t last_issue; /* the last day a certificate to `from` may be issued
                           (equal to ends when the catalog gives none) */
    bool has_last_issue;
    int64_t ends;       /* the last day certificates to `from` are valid */
    const char *const *sources; /* source ids */
    size_t source_count;
    const char *note; /* may be NULL */
} cs_catalog_transition;

typedef struct cs_catalog_edition {
    const char *designation; /* "ISO 9001:2015" */
    const char *published;   /* "YYYY-MM-DD", "YYYY-MM" or "YYYY" */
    const char *source;
} cs_catalog_edition;

typedef struct cs_catalog_family {
    const char *name; /* "ISO 9001" */
    const char *title;
    const char *note; /* may be NULL */
    cs_scope_codes scope_codes;
    const char *scope_codes_source;
    const cs_catalog_edition *editions;
    size_t edition_count;
    const cs_catalog_transition *transitions;
    size_t transition_count;
} cs_catalog_family;

typedef struct cs_catalog {
    uint64_t version; /* strictly increasing between published catalogs */
    int64_t issued;
    const cs_catalog_source *sources;
    size_t source_count;
    const cs_catalog_family *families;
    size_t family_count;
    const char *json; /* the text it was parsed from, NUL-terminated */
    size_t json_len;
    bool builtin; /* the static built-in table (cs_catalog_builtin()) */
} cs_catalog;

/*
 * Parses catalog JSON strictly: the shape of schemas/catalog.schema.json
 * (no unknown keys, no duplicate keys), the limits above, dates that are
 * real days, every source id cited defined, every edition in one family
 * only and named after it ("ISO 9001:2015" in "ISO 9001"), every
 * transition's `from` an edition of its family and `to` an edition of the
 * catalog, at most one transition from an edition, starts <= last_issue
 * <= ends.  On success *out is a new catalog (cs_catalog_free()).
 * detail (may be NULL) names the place and the problem.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE, CS_ERR_CATALOG,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_catalog_parse(const char *json, size_t len, cs_catalog **out, char *detail,
                                      size_t detail_size);

/*
 * The built-in catalog: schemas/catalog.json compiled into a static table
 * at build time (pkg/gen/catalog_table.c, which runs cs_catalog_parse()
 * on it, so it passed every check above).  Borrowed, never NULL, never
 * freed; the same for every caller and thread.  Costs nothing at run time.
 */
const cs_catalog *cs_catalog_builtin(void);

/* The built-in catalog's JSON (schemas/catalog.json as built; static). */
const char *cs_catalog_builtin_json(size_t *len);

/*
 * Sets *out to the built-in catalog (cs_catalog_builtin()), for an owner
 * that keeps a cs_catalog * and frees it with cs_catalog_free() (a
 * verifier's catalog, cs_verifier_set_catalog()): cs_catalog_free() on it
 * only sets the pointer NULL.  The catalog must not be changed through
 * *out.  Errors: CS_ERR_ARGUMENT (out NULL).
 */
CS_MUST_CHECK cs_err cs_catalog_load_builtin(cs_catalog **out);

/* Frees a parsed catalog and sets *catalog NULL; for the built-in catalog
 * only sets *catalog NULL.  catalog or *catalog may be NULL. */
void cs_catalog_free(cs_catalog **catalog);

/* The edition with exactly this designation, or NULL; *family (may be
 * NULL) gets its family. */
const cs_catalog_edition *cs_catalog_find(const cs_catalog *catalog, const char *designation,
                                          const cs_catalog_family **family);

/* The transition that ends this edition, or NULL. */
const cs_catalog_transition *cs_catalog_transition_from(const cs_catalog *catalog,
                                                        const char *designation);

/* The source with this id, or NULL. */
const cs_catalog_source *cs_catalog_source_find(const cs_catalog *catalog, const char *id);

/*
 * The listed edition a designation most likely meant ("ISO9001:2015",
 * "ISO 9001-2015", "iso 9001:2015" give "ISO 9001:2015"; "ISO 9001" gives
 * the family's newest edition), copied into buf; false (buf "") when none
 * is close.
 */
bool cs_catalog_suggest(const cs_catalog *catalog, const char *designation, char *buf,
                        size_t size);

/* Flags for the checks below. */
#define CS_CATALOG_ALLOW_UNLISTED 0x1u /* a standard not in the catalog passes */

/*
 * The per-standard rules of issuing (DESIGN §2 step 7), for one
 * designation so that a certificate with several standards checks each:
 * the standard is in the catalog (else CS_ERR_STANDARD_UNLISTED, with "did
 * you mean"; passes with CS_CATALOG_ALLOW_UNLISTED); issued_at is not after
 * the last issuing day of a transition from its edition
 * (CS_ERR_EDITION_NOT_ISSUABLE) and expires (exclusive: 00:00 UTC after the
 * expiry date) is not after that transition's end
 * (CS_ERR_EXPIRY_AFTER_TRANSITION); IAF sector codes only for a family that
 * uses them and food chain categories only for ISO 22003-1 families
 * (CS_ERR_SCOPE_CODES).  detail names the rule and the new edition.
 * Errors also: CS_ERR_ARGUMENT.
 */
CS_MUST_CHECK cs_err cs_catalog_check_certificate(const cs_catalog *catalog,
                                                  const char *designation, int64_t issued_at,
                                                  int64_t expires, size_t iaf_count,
                                                  size_t food_chain_count, unsigned flags,
                                                  char *detail, size_t detail_size);

/*
 * The per-standard rules of accrediting: the standard is in the catalog
 * (as above) and its edition has not ended at `at` (the credential's
 * issue date): CS_ERR_EDITION_ENDED.
 */
CS_MUST_CHECK cs_err cs_catalog_check_accreditation(const cs_catalog *catalog,
                                                    const char *designation, int64_t at,
                                                    unsigned flags, char *detail,
                                                    size_t detail_size);

/* Where an edition stands at a time (verification, DESIGN §2 step 7). */
typedef enum cs_edition_state {
    CS_EDITION_UNLISTED = 0,   /* not in the catalog: no rule applies */
    CS_EDITION_CURRENT,        /* no transition has started */
    CS_EDITION_IN_TRANSITION,  /* a transition has started and not ended */
    CS_EDITION_ENDED,          /* its transition has ended */
} cs_edition_state;

/* The state of designation at `at`, with the transition (borrowed, NULL
 * for UNLISTED and a CURRENT edition without one). */
cs_edition_state cs_catalog_edition_state(const cs_catalog *catalog, const char *designation,
                                          int64_t at, const cs_catalog_transition **transition);

/*
 * A signed catalog (docs/wire-format.md): COSE_Sign1 (tag 18), protected
 * {1: alg, 4: kid, 16: "cs-catalog"}, payload the claims map {1: iss,
 * 6: iat, -65541: the catalog's JSON text (tstr)}, signed by a scheme
 * owner's root key.
 */

/* Parses json first (the same checks as cs_catalog_parse()), then signs it
 * into a new buffer (*out, freed with free()) and verifies the result with
 * the key's public half (STYLE 10).
 * Errors: as cs_catalog_parse(), CS_ERR_ARGUMENT (no private key),
 * CS_ERR_NO_MEMORY, CS_ERR_CRYPTO. */
CS_MUST_CHECK cs_err cs_catalog_sign(const char *json, size_t len, const cs_key_t *root,
                                     const char *issuer, int64_t issued_at, uint8_t **out,
                                     size_t *out_len, char *detail, size_t detail_size);

/*
 * Verifies a signed catalog with one of the roots (every key whose kid
 * matches is tried), then parses it, and refuses one whose version is
 * lower than min_version (the catalog in use, e.g. the built-in one).
 * On success *out is a new catalog (cs_catalog_free()).
 * Errors: decoding errors (CS_ERR_CBOR*, CS_ERR_COSE), CS_ERR_COSE_TYPE
 * (not a catalog), CS_ERR_CATALOG_ROOT (no root verifies it),
 * CS_ERR_CATALOG_ROLLBACK, CS_ERR_TOO_LARGE, CS_ERR_CLAIM_MISSING,
 * as cs_catalog_parse().
 */
CS_MUST_CHECK cs_err cs_catalog_open_signed(const uint8_t *data, size_t len,
                                            const cs_key_t *const *roots, size_t root_count,
                                            uint64_t min_version, cs_catalog **out, char *detail,
                                            size_t detail_size);

/* The catalog as text for `certseal catalog show`, into a new string
 * (*out, freed with free()); every text escaped for a terminal.
 * Errors: CS_ERR_NO_MEMORY. */
CS_MUST_CHECK cs_err cs_catalog_format_text(const cs_catalog *catalog, char **out);

#ifdef __cplusplus
}
#endif
#endif
