/* SPDX-License-Identifier: ISC */
/*
 * certseal/file.h - whole-file input and output the way certseal does it:
 * bounded reads, and writes that leave a complete file or none.
 */
#ifndef CERTSEAL_FILE_H
#define CERTSEAL_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags for cs_file_write_atomic(). */
#define CS_FILE_REPLACE 0x1u /* replace an existing file (else CS_ERR_FILE_EXISTS) */
#define CS_FILE_REGULAR 0x2u /* a regular file only: never write into a device, pipe or socket */

/* Who besides the owner may use a file (cs_file_read_private(),
 * cs_file_exposure_of_mode()). */
#define CS_FILE_GROUP_READABLE 0x1u
#define CS_FILE_OTHERS_READABLE 0x2u
#define CS_FILE_GROUP_WRITABLE 0x4u
#define CS_FILE_OTHERS_WRITABLE 0x8u

/* How long a temporary file of cs_file_write_atomic() must have been left
 * before cs_file_remove_stale() takes it for the remains of a killed
 * process rather than the work of a running one. */
#define CS_FILE_STALE_SECONDS 600

/*
 * Reads the whole file at path ("-" is standard input) into a new
 * NUL-terminated buffer that the caller frees with free().  Files larger
 * than max bytes are refused with CS_ERR_TOO_LARGE.  On CS_ERR_IO_OPEN and
 * CS_ERR_IO_READ, errno tells why.
 * Errors: CS_ERR_IO_OPEN, CS_ERR_IO_READ, CS_ERR_TOO_LARGE, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_file_read_all(const char *path, size_t max, uint8_t **out, size_t *out_len);

/*
 * Writes data to path so that the file appears whole or not at all: a
 * temporary file in the same folder (mode `mode`, never following links),
 * fsync, then link() (refuses an existing path) or, with CS_FILE_REPLACE,
 * rename().  The temporary file is removed on every failure.
 * An existing device, pipe or socket (/dev/stdout, a FIFO) is written to
 * directly instead, without CS_FILE_REPLACE: it is a stream, not a file to
 * replace.  With CS_FILE_REGULAR it is refused instead (CS_ERR_FILE_EXISTS,
 * whatever CS_FILE_REPLACE says), as is a symbolic link without
 * CS_FILE_REPLACE: for files written in bulk into a folder, where a pipe
 * or link planted under an expected name must not receive the data.
 * The temporary file is named ".<name>.XXXXXX" (six letters or digits);
 * cs_file_remove_stale() removes such files left by a killed process.
 * Errors: CS_ERR_FILE_EXISTS, CS_ERR_IO_OPEN, CS_ERR_IO_WRITE.
 */
CS_MUST_CHECK cs_err cs_file_write_atomic(const char *path, const void *data, size_t len,
                                          unsigned mode, unsigned flags);

/* Puts a file's contents out to f (borrowed: not closed); what it returns
 * other than CS_OK is passed on. */
typedef cs_err (*cs_file_write_fn)(void *ctx, FILE *f);

/*
 * cs_file_write_atomic() for contents written as they are made, by
 * write(ctx, f): a report, say.  The file appears only when write returned
 * CS_OK and every byte reached the disk.
 * Errors: those of cs_file_write_atomic(), those write returns.
 */
CS_MUST_CHECK cs_err cs_file_write_atomic_with(const char *path, cs_file_write_fn write,
                                               void *ctx, unsigned mode, unsigned flags);

/* The CS_FILE_GROUP_* and CS_FILE_OTHERS_* bits of a st_mode. */
unsigned cs_file_exposure_of_mode(unsigned mode);

/*
 * cs_file_read_all() for a file that holds a secret (a private key): the
 * mode is read from the open file (fstat, so it is the file that is read)
 * and *exposure receives its CS_FILE_GROUP_* and CS_FILE_OTHERS_* bits,
 * for the caller to warn about (chmod 600).  A file other users may write
 * is refused, since whoever can replace a key can sign in its name or
 * learn the passphrase typed for it.  "-" is not accepted.
 * Errors: CS_ERR_FILE_PERMISSIONS (writable by others; *exposure is set),
 * and those of cs_file_read_all().
 */
CS_MUST_CHECK cs_err cs_file_read_private(const char *path, size_t max, uint8_t **out,
                                          size_t *out_len, unsigned *exposure);

/*
 * Removes the temporary files cs_file_write_atomic() leaves beside path
 * when the process writing path is killed (".<name>.XXXXXX" in path's
 * folder): only regular files of that exact name pattern, owned by the
 * effective user, and last modified at least min_age_seconds before now
 * (so that a write still running beside this one keeps its file).
 * *removed (may be NULL) receives how many were removed.  A folder that
 * cannot be listed is not an error: there is nothing to clean.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_file_remove_stale(const char *path, int64_t now, int64_t min_age_seconds,
                                          size_t *removed);

/* The regular files of a folder (cs_file_list_folder()). */
typedef struct cs_file_list {
    char **paths; /* "folder/name", each and the array owned */
    size_t count;
} cs_file_list;

/*
 * Lists the regular files of folder (following symbolic links, as stat()
 * does; names starting with '.' skipped) into *out as "folder/name" paths
 * in byte order of name, so that a folder of keys or lists is read the
 * same way on every machine.  More than max files (0: no limit) is
 * CS_ERR_TOO_LARGE.  *out is zeroed first and holds nothing on failure;
 * release it with cs_file_list_clear().  On CS_ERR_IO_OPEN, errno tells
 * why the folder could not be opened.
 * Errors: CS_ERR_ARGUMENT, CS_ERR_IO_OPEN, CS_ERR_TOO_LARGE,
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_file_list_folder(const char *folder, size_t max, cs_file_list *out);

/* Frees the paths of *list and zeroes it (NULL is accepted). */
void cs_file_list_clear(cs_file_list *list);

/* Overwrites n bytes at p with zeros in a way the compiler keeps (for
 * buffers that held passphrases or key material). */
void cs_wipe(void *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif
