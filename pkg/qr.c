/* QR code sizing through libqrencode. */
#include <errno.h>
#include <stddef.h>
#include <qrencode.h>

#include "certseal/qr.h"

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

cs_err cs_qr_version(const char *text, cs_qr_ecc ecc, int *version, int *modules)
{
    QRcode *code;

    if (text == NULL || version == NULL || modules == NULL || ecc < CS_QR_ECC_L ||
        ecc > CS_QR_ECC_H)
        return CS_ERR_ARGUMENT;
    /* Case-sensitive, so that libqrencode keeps the text as it is; certseal's
     * forms are upper case and it picks alphanumeric mode for them. */
    code = QRcode_encodeString(text, 0, qrencode_level(ecc), QR_MODE_8, 1);
    if (code == NULL)
        return errno == ERANGE ? CS_ERR_TOO_LARGE : CS_ERR_NO_MEMORY;
    *version = code->version;
    *modules = code->width;
    QRcode_free(code);
    return CS_OK;
}
