/* SPDX-License-Identifier: ISC */
/*
 * certseal/passphrase.h - reading a secret (a key's passphrase, a PKCS#11
 * token's PIN) from where a person or a program gives it: a file, an open
 * descriptor, or a prompt on the terminal without echo; never from the
 * command line (STYLE 9).
 *
 * Ownership: the caller's buffer receives the secret; the caller wipes it
 * (cs_wipe()) after use.  On failure it is wiped here.
 */
#ifndef CERTSEAL_PASSPHRASE_H
#define CERTSEAL_PASSPHRASE_H

#include <stdbool.h>
#include <stddef.h>

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a secret comes from, in this order: the first line of file, one
 * line of descriptor fd, else prompt written to the controlling terminal
 * (/dev/tty), read there with echo off, and asked twice when confirm is
 * set.  All borrowed. */
typedef struct cs_passphrase_source {
    const char *file;   /* NULL: none */
    int fd;             /* -1: none */
    const char *prompt; /* e.g. "Passphrase: " */
    bool confirm;       /* at the prompt only: ask again, the two must match */
} cs_passphrase_source;

/*
 * Reads one line, without its newline (and a CR before it), into buf
 * (size bytes: at most size - 1 of secret, then a NUL); *len is its length.
 * Errors (buf wiped): CS_ERR_ARGUMENT (NULL, size 0);
 * CS_ERR_IO_OPEN (the file; errno says why); CS_ERR_IO_READ (errno says
 * why); CS_ERR_SECRET_TOO_LONG (the line does not fit);
 * CS_ERR_SECRET_NO_TERMINAL (neither file nor descriptor, and no terminal,
 * or it failed); CS_ERR_SECRET_MISMATCH (confirm: the two differ);
 * CS_ERR_SECRET_EMPTY (an empty line); CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_passphrase_read(const cs_passphrase_source *source, char *buf, size_t size,
                                        size_t *len);

#ifdef __cplusplus
}
#endif
#endif
