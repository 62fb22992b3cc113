/*
 * certseal/qr.h - QR code facts about a token (libqrencode).
 */
#ifndef CERTSEAL_QR_H
#define CERTSEAL_QR_H

#include "certseal/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cs_qr_ecc {
    CS_QR_ECC_L = 0,
    CS_QR_ECC_M,
    CS_QR_ECC_Q,
    CS_QR_ECC_H,
} cs_qr_ecc;

/*
 * The smallest QR version (1-40) that holds text at error correction ecc,
 * with libqrencode choosing the modes (alphanumeric for certseal's forms),
 * and its width in modules (without the quiet zone).
 * Errors: CS_ERR_ARGUMENT, CS_ERR_TOO_LARGE (no version holds it),
 * CS_ERR_NO_MEMORY.
 */
CS_MUST_CHECK cs_err cs_qr_version(const char *text, cs_qr_ecc ecc, int *version, int *modules);

#ifdef __cplusplus
}
#endif
#endif
