/* SPDX-License-Identifier: ISC */
/*
 * certseal/error.h - the one error enum of libcertseal.
 *
 * Every fallible function returns a cs_err.  CS_OK (0) is the only success
 * value; every other value names what went wrong.  Codes are grouped in
 * ranges by class so that a caller can tell "could not run" from "not
 * valid" with cs_err_class():
 *
 *   1xx usage      the caller passed something the API does not accept
 *   2xx resource   memory, files, I/O
 *   3xx malformed  input that does not parse (token forms, CBOR, COSE, JSON)
 *   4xx crypto     keys, algorithms, signatures
 *   5xx chain      trust store, accreditation chain and scope
 *   6xx time       validity periods
 *   7xx status     status lists
 *   8xx registry   issuer registry
 *
 * The library never prints and never exits; it returns these codes, and
 * where a human needs more (which key, which date) it fills a detail
 * string the caller supplies.
 */
#ifndef CERTSEAL_ERROR_H
#define CERTSEAL_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Marks functions whose result must be looked at (STYLE 4). */
#if defined(__GNUC__) || defined(__clang__)
#define CS_MUST_CHECK __attribute__((warn_unused_result))
#else
#define CS_MUST_CHECK
#endif

/* X(name, value, message): the single list both the enum and
 * cs_strerror() are generated from. */
/* clang-format off */
#define CS_ERROR_LIST(X)                                                                   \
    X(CS_OK, 0, "success")                                                                 \
    /* usage */                                                                            \
    X(CS_ERR_ARGUMENT, 100, "invalid argument")                                            \
    X(CS_ERR_BUFFER_TOO_SMALL, 101, "output buffer too small")                             \
    X(CS_ERR_UNSUPPORTED, 102, "unsupported option or algorithm")                          \
    /* resource */                                                                         \
    X(CS_ERR_NO_MEMORY, 200, "out of memory")                                              \
    X(CS_ERR_IO_OPEN, 201, "cannot open file")                                             \
    X(CS_ERR_IO_READ, 202, "cannot read file")                                             \
    X(CS_ERR_IO_WRITE, 203, "cannot write file")                                           \
    X(CS_ERR_FILE_EXISTS, 204, "file already exists")                                      \
    X(CS_ERR_TOO_LARGE, 205, "input larger than the limit")                                \
    X(CS_ERR_LISTEN, 206, "cannot listen on the address")                                  \
    X(CS_ERR_FILE_PERMISSIONS, 207, "file is writable by other users")                     \
    /* malformed */                                                                        \
    X(CS_ERR_BASE45, 300, "invalid base45 text")                                           \
    X(CS_ERR_BASE32, 301, "invalid base32 text")                                           \
    X(CS_ERR_HEX, 302, "invalid hexadecimal text")                                         \
    X(CS_ERR_FORM, 303, "not a certseal token in any known form")                          \
    X(CS_ERR_INFLATE, 304, "compressed data is corrupt")                                   \
    X(CS_ERR_INFLATE_LIMIT, 305, "compressed data inflates past the size limit")           \
    X(CS_ERR_CBOR, 306, "CBOR data is not well-formed")                                    \
    X(CS_ERR_CBOR_TRAILING, 307, "trailing bytes after the CBOR item")                     \
    X(CS_ERR_CBOR_INDEFINITE, 308, "indefinite-length CBOR item")                          \
    X(CS_ERR_CBOR_DEPTH, 309, "CBOR nested deeper than the limit")                         \
    X(CS_ERR_CBOR_DUPLICATE_KEY, 310, "duplicate key in a CBOR map")                       \
    X(CS_ERR_CBOR_TYPE, 311, "CBOR item of the wrong type")                                \
    X(CS_ERR_CBOR_TAG, 312, "unexpected CBOR tag")                                         \
    X(CS_ERR_COSE, 313, "not a valid COSE_Sign1 structure")                                \
    X(CS_ERR_COSE_TYPE, 314, "token of the wrong type")                                    \
    X(CS_ERR_COSE_CRIT, 315, "unsupported critical header")                                \
    X(CS_ERR_CLAIM_MISSING, 316, "required claim missing")                                 \
    X(CS_ERR_CLAIM_INVALID, 317, "claim has an invalid value")                             \
    X(CS_ERR_JSON, 318, "JSON text does not parse")                                        \
    X(CS_ERR_RECORD, 319, "certificate record is invalid")                                 \
    X(CS_ERR_DATE, 320, "date does not parse")                                             \
    X(CS_ERR_IMAGE_FORMAT, 321, "image is neither PNG nor JPEG")                           \
    X(CS_ERR_IMAGE, 322, "image is truncated or corrupt")                                  \
    X(CS_ERR_IMAGE_DIMENSIONS, 323, "image dimensions exceed the limit")                   \
    X(CS_ERR_NO_QR_CODE, 324, "no QR code found in the image")                             \
    X(CS_ERR_CSV, 325, "CSV text does not parse")                                          \
    X(CS_ERR_TEXT, 326, "text holds a control or bidirectional character, or is not NFC")  \
    X(CS_ERR_PDF, 330, "PDF file is damaged or not a PDF")                                 \
    X(CS_ERR_PDF_ENCRYPTED, 331, "PDF file is encrypted and needs a password")             \
    X(CS_ERR_PDF_LIMIT, 332, "PDF file passes a reading limit")                            \
    X(CS_ERR_PDF_RENDER, 333, "PDF page could not be rendered")                            \
    X(CS_ERR_CATALOG, 340, "standards catalog does not parse or breaks its rules")         \
    X(CS_ERR_BATCH_ENTRY, 360, "input entry holds no token")                               \
    X(CS_ERR_BATCH_TOKEN_COLUMN, 361, "CSV header has no token column")                    \
    X(CS_ERR_BATCH_LINE_TOO_LONG, 362, "input line is longer than a token can be")         \
    X(CS_ERR_DOCUMENT_TEMPLATE, 370, "certificate document template is invalid")           \
    /* crypto */                                                                           \
    X(CS_ERR_KEY_PARSE, 400, "key does not parse")                                         \
    X(CS_ERR_KEY_PASSPHRASE, 401, "wrong passphrase for the private key")                  \
    X(CS_ERR_KEY_NEEDS_PASSPHRASE, 402, "private key is encrypted; a passphrase is needed") \
    X(CS_ERR_KEY_TYPE, 403, "unsupported key type (Ed25519 or P-256 expected)")            \
    X(CS_ERR_ALG_MISSING, 404, "no algorithm in the protected header")                     \
    X(CS_ERR_ALG_UNKNOWN, 405, "unknown or unsupported algorithm")                         \
    X(CS_ERR_ALG_KEY_MISMATCH, 406, "algorithm does not fit the key type")                 \
    X(CS_ERR_SIGNATURE, 407, "signature does not verify")                                  \
    X(CS_ERR_CRYPTO, 408, "cryptographic library failure")                                 \
    X(CS_ERR_KEY_WEAK, 409, "public key is weak (small order or not canonical)")           \
    X(CS_ERR_PKCS11_URI, 420, "PKCS#11 URI does not parse (RFC 7512)")                     \
    X(CS_ERR_PKCS11_PIN_IN_URI, 421, "PKCS#11 URI carries a PIN (pin-value or pin-source)")  \
    X(CS_ERR_PKCS11_MODULE, 422, "PKCS#11 module cannot be loaded or initialized")         \
    X(CS_ERR_PKCS11_NO_TOKEN, 423, "no PKCS#11 token matches the URI")                      \
    X(CS_ERR_PKCS11_TOKENS, 424, "more than one PKCS#11 token matches the URI")             \
    X(CS_ERR_PKCS11_PIN_INCORRECT, 425, "wrong PIN for the PKCS#11 token")                  \
    X(CS_ERR_PKCS11_PIN_LOCKED, 426, "the PKCS#11 token's user PIN is locked")              \
    X(CS_ERR_PKCS11_NO_OBJECT, 427, "no key in the PKCS#11 token matches the URI")          \
    X(CS_ERR_PKCS11_OBJECTS, 428, "more than one key in the PKCS#11 token matches the URI") \
    X(CS_ERR_PKCS11_OBJECT_EXISTS, 429, "the PKCS#11 token already holds a key of that name") \
    X(CS_ERR_PKCS11_MECHANISM, 430, "the PKCS#11 token does not offer the mechanism")       \
    X(CS_ERR_PKCS11_DEVICE, 431, "the PKCS#11 token or module failed")                     \
    X(CS_ERR_PKCS11_PIN, 432, "no usable PIN for the PKCS#11 token")                        \
    /* chain and scope */                                                                  \
    X(CS_ERR_TRUST_EMPTY, 500, "trust store holds no public key")                          \
    X(CS_ERR_UNTRUSTED, 501, "accreditation body key not in the trust store")              \
    X(CS_ERR_KEY_NOT_ACCREDITED, 502, "certificate not signed by the accredited key")      \
    X(CS_ERR_ISSUER_MISMATCH, 503, "certificate issuer is not the accredited body")        \
    X(CS_ERR_STANDARD_NOT_ACCREDITED, 504, "standard not covered by the accreditation")    \
    X(CS_ERR_IAF_NOT_ACCREDITED, 505, "IAF sector not covered by the accreditation")       \
    X(CS_ERR_ACCREDITATION_NUMBER, 506, "accreditation number does not match")             \
    X(CS_ERR_TRUSTLIST_ROOT, 530, "trust list not signed by a pinned root or an announced key") \
    X(CS_ERR_TRUSTLIST_ROLLBACK, 531, "trust list older than one already seen for its root") \
    X(CS_ERR_TRUSTLIST_REPLAY, 532, "trust list reuses a sequence number with other content") \
    X(CS_ERR_AB_IMPERSONATION, 533, "credential issuer is not the body whose key signed it") \
    X(CS_ERR_AB_KEY_PERIOD, 534, "accreditation body key outside its signing period")    \
    X(CS_ERR_AB_KEY_COMPROMISED, 535, "accreditation body key reported compromised")     \
    X(CS_ERR_AB_NOT_ACTIVE, 536, "accreditation body suspended or withdrawn in the trust list") \
    X(CS_ERR_AB_NOT_RECOGNISED, 537, "accreditation body not recognised for the standard") \
    X(CS_ERR_STANDARD_UNLISTED, 540, "standard not in the standards catalog")               \
    X(CS_ERR_EDITION_ENDED, 541, "the standard's edition has ended (its transition is over)") \
    X(CS_ERR_EDITION_NOT_ISSUABLE, 542, "certificates to this edition may no longer be issued") \
    X(CS_ERR_EXPIRY_AFTER_TRANSITION, 543, "expiry after the end of the edition's transition") \
    X(CS_ERR_SCOPE_CODES, 544, "scope codes do not fit the standard's scope code system") \
    X(CS_ERR_CATALOG_ROOT, 545, "standards catalog not signed by a pinned root")          \
    X(CS_ERR_CATALOG_ROLLBACK, 546, "standards catalog older than the one in use")        \
    X(CS_ERR_LIST_SIGNER_NOT_ACCREDITED, 550, "status list signer not accredited for that certification body") \
    X(CS_ERR_REKEY_MISMATCH, 551, "new credential does not fit the registry's key, body or number") \
    X(CS_ERR_WATCH_STATE, 560, "watch state file is damaged")                            \
    X(CS_ERR_WATCH_BUSY, 561, "watch state is in use by another run")                    \
    X(CS_ERR_WATCH_VERSION, 562, "watch state written by a newer certseal")               \
    /* time */                                                                             \
    X(CS_ERR_AC_NOT_VALID_AT_ISSUE, 600, "not accredited on the issue date")               \
    X(CS_ERR_AC_EXPIRED, 601, "accreditation expired")                                     \
    X(CS_ERR_AC_NOT_YET_VALID, 602, "accreditation not yet valid")                         \
    X(CS_ERR_EXPIRED, 603, "certificate expired")                                          \
    X(CS_ERR_NOT_YET_VALID, 604, "certificate not yet valid")                              \
    /* status */                                                                           \
    X(CS_ERR_STATUS_UNKNOWN, 700, "status could not be checked")                           \
    X(CS_ERR_STATUS_LIST, 701, "status list token is malformed")                           \
    X(CS_ERR_STATUS_BITS, 702, "status list uses an unsupported number of bits")           \
    X(CS_ERR_STATUS_INDEX, 703, "status index outside the status list")                    \
    X(CS_ERR_STATUS_LIST_EXPIRED, 704, "status list expired")                              \
    X(CS_ERR_STATUS_LIST_URI, 705, "status list is not the one the token references")      \
    X(CS_ERR_STATUS_LIST_KEY, 706, "status list not signed by the token's issuer")         \
    X(CS_ERR_STATUS_SUSPENDED, 707, "certificate suspended")                               \
    X(CS_ERR_STATUS_WITHDRAWN, 708, "certificate withdrawn")                               \
    X(CS_ERR_STATUS_SUPERSEDED, 709, "certificate superseded by a later revision")         \
    X(CS_ERR_AC_SUSPENDED, 710, "accreditation suspended")                                 \
    X(CS_ERR_AC_WITHDRAWN, 711, "accreditation withdrawn")                                 \
    X(CS_ERR_FETCH, 712, "status list could not be fetched")                               \
    X(CS_ERR_FETCH_TIMEOUT, 713, "fetching the status list timed out")                     \
    X(CS_ERR_STATUS_ROLLBACK, 714, "status list older than one already seen")              \
    X(CS_ERR_STATUS_LIST_STALE, 715, "status list older than the maximum list age")        \
    X(CS_ERR_STATUS_LIST_NO_EXPIRY, 716, "status list has no expiry (exp)")                \
    X(CS_ERR_STATUS_LIST_FUTURE, 717, "status list issued in the future")                  \
    X(CS_ERR_FETCH_CACHE, 718, "fetch cache folder is not safe to use")                    \
    X(CS_ERR_TRUSTLIST_EXPIRED, 730, "trust list past its next update and grace period") \
    X(CS_ERR_TRUSTLIST_FUTURE, 731, "trust list issued in the future")                    \
    /* registry */                                                                         \
    X(CS_ERR_REGISTRY, 800, "registry database error")                                     \
    X(CS_ERR_REGISTRY_SCHEMA, 801, "not a certseal registry, or a newer schema")           \
    X(CS_ERR_REGISTRY_EXISTS, 802, "registry already exists")                              \
    X(CS_ERR_REGISTRY_DUPLICATE, 803, "number already issued in this registry")            \
    X(CS_ERR_REGISTRY_NOT_FOUND, 804, "number not found in the registry")                  \
    X(CS_ERR_REGISTRY_TRANSITION, 805, "status change not allowed from the current status") \
    X(CS_ERR_REGISTRY_FULL, 806, "no free status index left in the list")                  \
    X(CS_ERR_REGISTRY_BUSY, 807, "registry is locked by another process")                  \
    X(CS_ERR_REGISTRY_ROLE, 808, "operation not available for this registry's role")      \
    X(CS_ERR_REGISTRY_DAMAGED, 809, "registry file is damaged")                            \
    X(CS_ERR_REGISTRY_EVENT_LOG, 810, "registry status disagrees with its event log")      \
    X(CS_ERR_REGISTRY_REVISION, 811, "not the next revision of the certificate")           \
    X(CS_ERR_REGISTRY_AMBIGUOUS, 820, "several current credentials under that number")     \
    X(CS_ERR_REGISTRY_CONFLICT, 850, "concurrent changes kept the registry transaction from committing") \
    X(CS_ERR_REGISTRY_CONNECTION, 851, "the connection to the registry database failed or was lost") \
    X(CS_ERR_REGISTRY_URI_PASSWORD, 852, "the registry connection URI carries a password") \
    X(CS_ERR_REGISTRY_MIGRATE_MISMATCH, 853, "the migrated registry does not agree with its source") \
    X(CS_ERR_DOCUMENT_RENDER, 840, "certificate document could not be drawn")              \
    X(CS_ERR_DOCUMENT_FONT, 841, "no installed font has a character of the document")      \
    X(CS_ERR_DOCUMENT_ATTACH, 842, "the token could not be attached to the document")
/* clang-format on */

typedef enum cs_err {
#define CS_ERROR_ENUM_ENTRY(name, value, message) name = value,
    CS_ERROR_LIST(CS_ERROR_ENUM_ENTRY)
#undef CS_ERROR_ENUM_ENTRY
} cs_err;

/* The class of an error: its value rounded down to the hundred. */
typedef enum cs_err_class {
    CS_ERR_CLASS_NONE = 0,
    CS_ERR_CLASS_USAGE = 100,
    CS_ERR_CLASS_RESOURCE = 200,
    CS_ERR_CLASS_MALFORMED = 300,
    CS_ERR_CLASS_CRYPTO = 400,
    CS_ERR_CLASS_CHAIN = 500,
    CS_ERR_CLASS_TIME = 600,
    CS_ERR_CLASS_STATUS = 700,
    CS_ERR_CLASS_REGISTRY = 800,
} cs_err_class;

/* A static, human-readable sentence for err; never NULL (unknown values
 * give "unknown error"). */
const char *cs_strerror(cs_err err);

/* The size of every detail buffer the library fills (a function taking
 * `char *detail, size_t detail_size` writes at most this much that matters;
 * a smaller buffer gets the detail cut short) and of each check's detail in
 * a verification result. */
#define CS_DETAIL_SIZE 512

/* What to say about a failure: detail when the function that failed wrote
 * one, else cs_strerror(err).  Never NULL. */
const char *cs_err_detail(const char *detail, cs_err err);

/* The symbolic name of err ("CS_ERR_SIGNATURE"); never NULL. */
const char *cs_err_name(cs_err err);

cs_err_class cs_err_class_of(cs_err err);

#ifdef __cplusplus
}
#endif
#endif
