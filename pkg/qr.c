/* SPDX-License-Identifier: ISC */
/* QR symbols through libqrencode (DESIGN §4); the drawing is in qr_render.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "certseal/qr.h"

struct cs_qr {
    QRcode *code;
};

char cs_qr_ecc_letter(cs_qr_ecc ecc)
{
    switch (ecc) {
    case CS_QR_ECC_L:
        return 'L';
    case CS_QR_ECC_M:
        return 'M';
    case CS_QR_ECC_Q:
        return 'Q';
    case CS_QR_ECC_H:
        return 'H';
    }
    return '?';
}

cs_err cs_qr_ecc_parse(const char *text, cs_qr_ecc *out)
{
    static const char letters[] = "LMQH";
    const char *hit;

    if (text == NULL || out == NULL || text[0] == '\0' || text[1] != '\0')
        return CS_ERR_ARGUMENT;
    char upper = text[0] >= 'a' && text[0] <= 'z' ? (char)(text[0] - 'a' + 'A') : text[0];
    if ((hit = strchr(letters, upper)) == NULL)
        return CS_ERR_ARGUMENT;
    *out = (cs_qr_ecc)(hit - letters);
    return CS_OK;
}

static QRecLevel qrencode_level(cs_qr_ecc ecc)
{
    switch (ecc) {
    case CS_QR_ECC_L:
        return QR_ECLEVEL_L;
    case CS_QR_ECC_Q:
        return QR_ECLEVEL_Q;
    case CS_QR_ECC_H:
        return QR_ECLEVEL_H;
    case CS_QR_ECC_M:
        break;
    }
    return QR_ECLEVEL_M;
}

/* The libqrencode symbol for text, or an error from its errno. */
static cs_err encode_symbol(const char *text, cs_qr_ecc ecc, QRcode **out)
{
    QRcode *code;

    if (text == NULL || text[0] == '\0' || ecc < CS_QR_ECC_L || ecc > CS_QR_ECC_H)
        return CS_ERR_ARGUMENT;
    /* Case-sensitive, so that libqrencode keeps the text as it is; certseal's
     * forms are upper case and it picks alphanumeric mode for them.  Version
     * 0 asks for the smallest version that holds the text. */
    errno = 0;
    code = QRcode_encodeString(text, 0, qrencode_level(ecc), QR_MODE_8, 1);
    if (code == NULL) {
        if (errno == ERANGE)
            return CS_ERR_TOO_LARGE;
        return errno == EINVAL ? CS_ERR_ARGUMENT : CS_ERR_NO_MEMORY;
    }
    *out = code;
    return CS_OK;
}

cs_err cs_qr_version(const char *text, cs_qr_ecc ecc, int *version, int *modules)
{
    QRcode *code = NULL;
    cs_err err;

    if (version == NULL || modules == NULL)
        return CS_ERR_ARGUMENT;
    if ((err = encode_symbol(text, ecc, &code)) != CS_OK)
        return err;
    *version = code->version;
    *modules = code->width;
    QRcode_free(code);
    return CS_OK;
}

/* The version text of len 'A's needs, or 41 when none holds it. */
static cs_err version_of_length(char *text, size_t len, cs_qr_ecc ecc, int *version)
{
    QRcode *code = NULL;
    cs_err err;

    text[len] = '\0';
    err = encode_symbol(text, ecc, &code);
    text[len] = 'A';
    if (err == CS_ERR_TOO_LARGE) {
        *version = 41;
        return CS_OK;
    }
    if (err != CS_OK)
        return err;
    *version = code->version;
    QRcode_free(code);
    return CS_OK;
}

cs_err cs_qr_capacity(int version, cs_qr_ecc ecc, size_t *chars)
{
    enum { MOST = 4296 }; /* version 40-L holds 4296 alphanumeric characters */
    size_t low = 1, high = MOST + 1;
    char *text;
    cs_err err = CS_OK;

    if (chars == NULL || version < 1 || version > 40 || ecc < CS_QR_ECC_L || ecc > CS_QR_ECC_H)
        return CS_ERR_ARGUMENT;
    if ((text = malloc(MOST + 2)) == NULL)
        return CS_ERR_NO_MEMORY;
    memset(text, 'A', MOST + 1);
    /* The longest length that fits: low fits (or is 1), high does not. */
    *chars = 0;
    while (low + 1 < high && err == CS_OK) {
        size_t mid = low + (high - low) / 2;
        int v = 0;
        if ((err = version_of_length(text, mid, ecc, &v)) == CS_OK && v <= version)
            low = mid;
        else if (err == CS_OK)
            high = mid;
    }
    if (err == CS_OK) {
        int v = 0;
        if ((err = version_of_length(text, low, ecc, &v)) == CS_OK && v <= version)
            *chars = low;
    }
    free(text);
    return err;
}

cs_err cs_qr_encode(const char *text, cs_qr_ecc ecc, cs_qr_t **out)
{
    cs_qr_t *qr = NULL;
    cs_err err;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    if ((qr = calloc(1, sizeof(*qr))) == NULL)
        return CS_ERR_NO_MEMORY;
    if ((err = encode_symbol(text, ecc, &qr->code)) != CS_OK)
        goto fail;
    *out = qr;
    return CS_OK;
fail:
    free(qr);
    return err;
}

void cs_qr_free(cs_qr_t **qr)
{
    if (qr == NULL || *qr == NULL)
        return;
    QRcode_free((*qr)->code);
    free(*qr);
    *qr = NULL;
}

int cs_qr_symbol_version(const cs_qr_t *qr)
{
    return qr != NULL ? qr->code->version : 0;
}

int cs_qr_width(const cs_qr_t *qr)
{
    return qr != NULL ? qr->code->width : 0;
}

bool cs_qr_is_dark(const cs_qr_t *qr, int x, int y)
{
    int width;

    if (qr == NULL)
        return false;
    width = qr->code->width;
    if (x < 0 || y < 0 || x >= width || y >= width)
        return false;
    /* libqrencode: one byte per module, bit 0 set when dark. */
    return (qr->code->data[(size_t)y * (size_t)width + (size_t)x] & 1) != 0;
}
