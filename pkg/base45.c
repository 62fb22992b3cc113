/* SPDX-License-Identifier: ISC */
/* Base45 (RFC 9285): two bytes to three characters, a last odd byte to two. */
#include <stdbool.h>
#include <stdint.h>

#include "certseal/base45.h"

#define BASE45_INVALID 0xff

static const char base45_alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* RFC 9285 §4.2, Table 1, inverted and stored plus one, so that every
 * byte outside the table reads 0: one load per character on the hot path. */
static const uint8_t base45_value_plus_one[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    ['G'] = 17, ['H'] = 18, ['I'] = 19, ['J'] = 20, ['K'] = 21, ['L'] = 22, ['M'] = 23, ['N'] = 24,
    ['O'] = 25, ['P'] = 26, ['Q'] = 27, ['R'] = 28, ['S'] = 29, ['T'] = 30, ['U'] = 31, ['V'] = 32,
    ['W'] = 33, ['X'] = 34, ['Y'] = 35, ['Z'] = 36, [' '] = 37, ['$'] = 38, ['%'] = 39, ['*'] = 40,
    ['+'] = 41, ['-'] = 42, ['.'] = 43, ['/'] = 44, [':'] = 45,
};

static uint8_t base45_value(unsigned char c)
{
    uint8_t v = base45_value_plus_one[c];
    return v == 0 ? BASE45_INVALID : (uint8_t)(v - 1);
}

/* False when the length does not fit in a size_t. */
static bool base45_length_checked(size_t len, size_t *chars)
{
    size_t pairs = len / 2;
    if (pairs > (SIZE_MAX - 2) / 3)
        return false;
    *chars = pairs * 3 + (len % 2) * 2;
    return true;
}

/* Saturates at SIZE_MAX, which no buffer can hold. */
size_t cs_base45_encoded_length(size_t len)
{
    size_t chars;
    return base45_length_checked(len, &chars) ? chars : SIZE_MAX;
}

/* Never overflows: at most two bytes per three characters, plus one. */
size_t cs_base45_decoded_max(size_t text_len)
{
    return (text_len / 3) * 2 + (text_len % 3 != 0);
}

/* RFC 9285 §4: value = c + d*45 + e*45*45, written as "c d e" (low first). */
static void base45_put_group(unsigned value, size_t chars, char *out)
{
    for (size_t i = 0; i < chars; i++) {
        out[i] = base45_alphabet[value % 45];
        value /= 45;
    }
}

cs_err cs_base45_encode(const uint8_t *data, size_t len, char *out, size_t out_cap, size_t *out_len)
{
    size_t needed;

    if ((data == NULL && len > 0) || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out_len = 0;
    if (!base45_length_checked(len, &needed) || out_cap < needed)
        return CS_ERR_BUFFER_TOO_SMALL;

    size_t o = 0;
    for (size_t i = 0; i + 1 < len; i += 2, o += 3)
        base45_put_group((unsigned)data[i] << 8 | data[i + 1], 3, out + o);
    if (len % 2 != 0) {
        base45_put_group(data[len - 1], 2, out + o);
        o += 2;
    }
    if (o < out_cap)
        out[o] = '\0';
    *out_len = o;
    return CS_OK;
}

/*
 * Reads one group of 2 or 3 characters.  RFC 9285 §6: characters outside
 * Table 1 and a triple above 65535 ("GGW") are invalid; a pair above 255
 * is likewise no encoding of one byte (§4).
 */
static bool base45_read_group(const char *text, size_t chars, unsigned *value)
{
    unsigned v = 0, scale = 1;

    for (size_t i = 0; i < chars; i++) {
        uint8_t digit = base45_value((unsigned char)text[i]);
        if (digit == BASE45_INVALID)
            return false;
        v += digit * scale;
        scale *= 45;
    }
    *value = v;
    return v <= (chars == 3 ? 0xffffu : 0xffu);
}

cs_err cs_base45_decode(const char *text, size_t text_len, uint8_t *out, size_t out_cap,
                        size_t *out_len)
{
    if ((text == NULL && text_len > 0) || out == NULL || out_len == NULL)
        return CS_ERR_ARGUMENT;
    *out_len = 0;
    if (text_len % 3 == 1)
        return CS_ERR_BASE45;

    /* The whole text is validated before BUFFER_TOO_SMALL is reported, and
     * nothing is written unless all of it fits. */
    size_t needed = (text_len / 3) * 2 + (text_len % 3 == 2);
    bool fits = needed <= out_cap;
    size_t o = 0;
    for (size_t i = 0; i < text_len; i += 3) {
        size_t chars = text_len - i >= 3 ? 3 : 2;
        unsigned value;
        if (!base45_read_group(text + i, chars, &value))
            return CS_ERR_BASE45;
        if (chars == 3) {
            if (fits) {
                out[o] = (uint8_t)(value >> 8);
                out[o + 1] = (uint8_t)value;
            }
            o += 2;
        } else {
            if (fits)
                out[o] = (uint8_t)value;
            o += 1;
        }
    }
    if (!fits)
        return CS_ERR_BUFFER_TOO_SMALL;
    *out_len = o;
    return CS_OK;
}
