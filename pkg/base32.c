/* SPDX-License-Identifier: ISC */
/* Base32 (RFC 4648 §6): five bytes to eight characters of A-Z 2-7. */
#include <stdbool.h>
#include <stdint.h>

#include "certseal/base32.h"

#define BASE32_INVALID 0xff

static const char base32_alphabet[32] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Characters that the last 0-4 bytes of a 5-byte block encode to (§6). */
static const uint8_t base32_tail_chars[5] = {0, 2, 4, 5, 7};

/* RFC 4648 §6, Table 3, inverted; lower case too (base32.h). */
static uint8_t base32_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return (uint8_t)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return (uint8_t)(c - 'a');
    if (c >= '2' && c <= '7')
        return (uint8_t)(c - '2' + 26);
    return BASE32_INVALID;
}

/* False when the length does not fit in a size_t. */
static bool base32_length_checked(size_t len, size_t *chars)
{
    size_t blocks = len / 5;
    if (blocks > (SIZE_MAX - 7) / 8)
        return false;
    *chars = blocks * 8 + base32_tail_chars[len % 5];
    return true;
}

/* Saturates at SIZE_MAX, which no buffer can hold. */
size_t cs_base32_encoded_length(size_t len)
{
    size_t chars;
    return base32_length_checked(len, &chars) ? chars : SIZE_MAX;
}

/* Never overflows: at most five bytes per eight characters. */
size_t cs_base32_decoded_max(size_t text_len)
{
    return (text_len / 8) * 5 + (text_len % 8) * 5 / 8;
}

cs_err cs_base32_encode(const uint8_t *data, size_t len, char *out, size_t out_cap, size_t *out_len)
{
    size_t needed;

    if ((data == NULL && len > 0) || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out_len = 0;
    if (!base32_length_checked(len, &needed) || out_cap < needed)
        return CS_ERR_BUFFER_TOO_SMALL;

    /* Invariant: bits < 5 after each byte's inner loop, so acc stays below 2^13. */
    unsigned acc = 0, bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8 | data[i]) & 0x1fffu;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = base32_alphabet[(acc >> bits) & 0x1f];
        }
    }
    if (bits > 0)
        out[o++] = base32_alphabet[(acc << (5 - bits)) & 0x1f];
    if (o < out_cap)
        out[o] = '\0';
    *out_len = o;
    return CS_OK;
}

/*
 * The '=' count that pads data_len characters to a multiple of 8, or -1
 * when no byte count encodes to that many characters (1, 3 or 6 mod 8).
 */
static int base32_padding_for(size_t data_len)
{
    switch (data_len % 8) {
    case 0:
        return 0;
    case 2:
        return 6;
    case 4:
        return 4;
    case 5:
        return 3;
    case 7:
        return 1;
    default:
        return -1;
    }
}

/* Splits off trailing padding: data_len is the length before the first '='.
 * False unless everything from there on is '=' of the right count (§3.2). */
static bool base32_split_padding(const char *text, size_t text_len, size_t *data_len)
{
    size_t n = 0;
    while (n < text_len && text[n] != '=')
        n++;
    for (size_t i = n; i < text_len; i++) {
        if (text[i] != '=')
            return false;
    }
    int padding = base32_padding_for(n);
    if (padding < 0)
        return false;
    if (text_len != n && text_len - n != (size_t)padding)
        return false;
    *data_len = n;
    return true;
}

cs_err cs_base32_decode(const char *text, size_t text_len, uint8_t *out, size_t out_cap,
                        size_t *out_len)
{
    size_t data_len;

    if ((text == NULL && text_len > 0) || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out_len = 0;
    if (!base32_split_padding(text, text_len, &data_len))
        return CS_ERR_BASE32;

    /* The whole text is validated before BUFFER_TOO_SMALL is reported, and
     * nothing is written unless all of it fits. */
    bool fits = cs_base32_decoded_max(data_len) <= out_cap; /* exact for valid lengths */
    unsigned acc = 0, bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < data_len; i++) {
        uint8_t v = base32_value((unsigned char)text[i]);
        if (v == BASE32_INVALID)
            return CS_ERR_BASE32;
        acc = acc << 5 | v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (fits)
                out[o] = (uint8_t)(acc >> bits);
            o++;
        }
        acc &= (1u << bits) - 1; /* keeps only the bits not yet written */
    }
    /* RFC 4648 §3.5: the unused bits of the last character must be zero. */
    if (acc != 0)
        return CS_ERR_BASE32;
    if (!fits)
        return CS_ERR_BUFFER_TOO_SMALL;
    *out_len = o;
    return CS_OK;
}
