/*
 * certseal/file.h - whole-file input and output the way certseal does it:
 * bounded reads, and writes that leave a complete file or none.
 */
#ifndef CERTSEAL_FILE_H
#define CERTSEAL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags for cs_file_write_atomic(). */
#define CS_FILE_REPLACE 0x1u /* replace an existing file (else CS_ERR_FILE_EXISTS) */

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
 * replace.
 * Errors: CS_ERR_FILE_EXISTS, CS_ERR_IO_OPEN, CS_ERR_IO_WRITE.
 */
CS_MUST_CHECK cs_err cs_file_write_atomic(const char *path, const void *data, size_t len,
                                          unsigned mode, unsigned flags);

/* Overwrites n bytes at p with zeros in a way the compiler keeps (for
 * buffers that held passphrases or key material). */
void cs_wipe(void *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif
