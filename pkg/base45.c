/* SPDX-License-Identifier: ISC */
/* Base45 (RFC 9285): two bytes to three characters, a last odd byte to two. */
#include <stdbool.h>
#include <stdint.h>

#include "certseal/base45.h"

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
 * The value of one group: c + d*45 (+ e*45*45 for a triple), RFC 9285 §4.
 * A character outside Table 1 reads as 2^32 - 1, so any group holding one
 * sums past every limit below: one comparison per group tells a valid group
 * from one with a bad character or a value too large (RFC 9285 §6: "GGW",
 * above 65535, is invalid; a pair above 255 encodes no byte).  64 bits hold
 * the sum of three such terms.
 */
static uint64_t base45_digit(unsigned char c)
{
    return (uint32_t)(base45_value_plus_one[c] - 1u);
}

static uint64_t base45_triple(const unsigned char *s)
{
    return base45_digit(s[0]) + base45_digit(s[1]) * 45 + base45_digit(s[2]) * (45 * 45);
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
    const unsigned char *s = (const unsigned char *)text;
    size_t triples = text_len / 3, needed = triples * 2 + (text_len % 3 == 2);
    bool fits = needed <= out_cap;
    for (size_t i = 0; i < triples; i++) {
        uint64_t value = base45_triple(s + 3 * i);
        if (value > 0xffff)
            return CS_ERR_BASE45;
        if (fits) {
            out[2 * i] = (uint8_t)(value >> 8);
            out[2 * i + 1] = (uint8_t)value;
        }
    }
    if (text_len % 3 == 2) {
        uint64_t value = base45_digit(s[text_len - 2]) + base45_digit(s[text_len - 1]) * 45;
        if (value > 0xff)
            return CS_ERR_BASE45;
        if (fits)
            out[needed - 1] = (uint8_t)value;
    }
    if (!fits)
        return CS_ERR_BUFFER_TOO_SMALL;
    *out_len = needed;
    return CS_OK;
}
