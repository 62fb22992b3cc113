/* SPDX-License-Identifier: ISC */
/* Token forms (DESIGN §4): prefix, base45/base32/hex text, zlib. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "certseal/base32.h"
#include "certseal/base45.h"
#include "certseal/token.h"
#include "internal.h"

/* zlib's default 32 KiB window keeps the 78 DA header readers expect
 * (DESIGN §3).  A token is under a kilobyte, so a small hash table finds the
 * same matches, and deflateReset() clears 4 KiB of it instead of 64 KiB.
 * What compressing one token still costs (about 12 us for the typical one,
 * at any level from 1 to 9) is mostly zlib building its Huffman trees. */
#define DEFLATE_WINDOW_BITS 15
#define DEFLATE_MEMORY_LEVEL 4

struct cs_token_codec {
    z_stream inflater;
    z_stream deflater;
    bool inflater_ready, deflater_ready;
    uint8_t *text_bytes; /* base45/base32/hex decoded, before inflating */
    size_t text_bytes_cap;
    uint8_t *cose;       /* inflated COSE_Sign1, CS_INFLATE_MAX bytes */
    uint8_t *compressed; /* deflate output */
    size_t compressed_cap;
    char *text; /* wrapped token text */
    size_t text_cap;
};

const char *cs_form_name(cs_form form)
{
    switch (form) {
    case CS_FORM_OFFLINE:
        return "offline";
    case CS_FORM_LINK:
        return "link";
    case CS_FORM_COSE_HEX:
        return "cose-hex";
    case CS_FORM_COSE:
        return "cose";
    case CS_FORM_UNKNOWN:
        break;
    }
    return "unknown";
}

cs_err cs_token_codec_new(cs_token_codec_t **out)
{
    cs_token_codec_t *codec;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    if ((codec = calloc(1, sizeof(*codec))) == NULL)
        return CS_ERR_NO_MEMORY;
    if ((codec->cose = malloc(CS_INFLATE_MAX)) == NULL)
        goto fail;
    if (inflateInit(&codec->inflater) != Z_OK)
        goto fail;
    codec->inflater_ready = true;
    *out = codec;
    return CS_OK;
fail:
    cs_token_codec_free(&codec);
    return CS_ERR_NO_MEMORY;
}

void cs_token_codec_free(cs_token_codec_t **codec)
{
    if (codec == NULL || *codec == NULL)
        return;
    cs_token_codec_t *c = *codec;
    if (c->inflater_ready)
        inflateEnd(&c->inflater);
    if (c->deflater_ready)
        deflateEnd(&c->deflater);
    free(c->text_bytes);
    free(c->cose);
    free(c->compressed);
    free(c->text);
    free(c);
    *codec = NULL;
}

static cs_err reserve(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return CS_OK;
    uint8_t *p = realloc(*buf, need);
    if (p == NULL)
        return CS_ERR_NO_MEMORY;
    *buf = p;
    *cap = need;
    return CS_OK;
}

/* RFC 1950 stream, whole and alone: anything after its end is refused. */
static cs_err inflate_capped(cs_token_codec_t *c, const uint8_t *in, size_t in_len, size_t *out_len)
{
    z_stream *z = &c->inflater;
    int rc;

    if (in_len > UINT32_MAX)
        return CS_ERR_TOO_LARGE;
    if (inflateReset(z) != Z_OK)
        return CS_ERR_INFLATE;
    z->next_in = (Bytef *)in;
    z->avail_in = (uInt)in_len;
    z->next_out = c->cose;
    z->avail_out = CS_INFLATE_MAX;
    rc = inflate(z, Z_FINISH);
    if (rc == Z_STREAM_END) {
        if (z->avail_in != 0)
            return CS_ERR_INFLATE; /* trailing bytes after the stream */
        *out_len = CS_INFLATE_MAX - z->avail_out;
        return CS_OK;
    }
    if ((rc == Z_BUF_ERROR || rc == Z_OK) && z->avail_out == 0)
        return CS_ERR_INFLATE_LIMIT;
    return CS_ERR_INFLATE; /* corrupt, or truncated (Z_BUF_ERROR with input used up) */
}

static bool is_hex_text(const uint8_t *s, size_t len)
{
    if (len == 0 || len % 2 != 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isxdigit(s[i]))
            return false;
    return true;
}

static unsigned hex_value(uint8_t ch)
{
    return ch <= '9' ? (unsigned)(ch - '0') : (unsigned)((ch | 0x20) - 'a' + 10);
}

static bool has_prefix_nocase(const uint8_t *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && strncasecmp((const char *)s, prefix, n) == 0;
}

/* The link form's payload is the last path segment; the URL must not carry
 * a query or fragment (DESIGN §4). */
static cs_err link_payload(const uint8_t *s, size_t len, const uint8_t **payload, size_t *n)
{
    const uint8_t *start = s + (has_prefix_nocase(s, len, "https://") ? 8 : 7);
    const uint8_t *end = s + len;
    const uint8_t *last_slash = NULL;

    for (const uint8_t *p = start; p < end; p++) {
        if (*p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
            return CS_ERR_FORM;
        if (*p == '/')
            last_slash = p;
    }
    if (last_slash == NULL || last_slash + 1 >= end)
        return CS_ERR_FORM;
    *payload = last_slash + 1;
    *n = (size_t)(end - *payload);
    return CS_OK;
}

static void trim(const uint8_t **s, size_t *len)
{
    while (*len > 0 && isspace((*s)[0])) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && isspace((*s)[*len - 1]))
        (*len)--;
}

/* Raw COSE_Sign1 starts with tag 18 (0xd2), tag 61 (0xd8 0x3d) or an
 * array of four (0x84). */
static bool looks_like_cose(const uint8_t *s, size_t len)
{
    return len > 0 && (s[0] == 0xd2 || s[0] == 0x84 || (len > 1 && s[0] == 0xd8 && s[1] == 0x3d));
}

bool cs_token_list_next(const uint8_t *data, size_t len, size_t *offset, const uint8_t **token,
                        size_t *token_len)
{
    if (data == NULL || offset == NULL || token == NULL || token_len == NULL || *offset >= len)
        return false;
    if (*offset == 0 && looks_like_cose(data, len)) {
        *token = data;
        *token_len = len;
        *offset = len;
        return true;
    }
    while (*offset < len) {
        size_t start = *offset, end = start, text = start;
        while (end < len && data[end] != '\n' && data[end] != '\r')
            end++;
        *offset = end < len ? end + 1 : len;
        while (text < end && (data[text] == ' ' || data[text] == '\t'))
            text++;
        if (text < end) {
            *token = data + start;
            *token_len = end - start;
            return true;
        }
    }
    return false;
}

cs_err cs_token_unwrap(cs_token_codec_t *c, const uint8_t *token, size_t len, cs_form *form,
                       const uint8_t **cose, size_t *cose_len)
{
    const uint8_t *text;
    size_t text_len, decoded_len = 0;
    cs_err err;

    if (c == NULL || token == NULL || form == NULL || cose == NULL || cose_len == NULL)
        return CS_ERR_ARGUMENT;
    *form = CS_FORM_UNKNOWN;
    if (len > CS_TOKEN_TEXT_MAX)
        return CS_ERR_TOO_LARGE;
    if (looks_like_cose(token, len)) {
        *form = CS_FORM_COSE;
        *cose = token;
        *cose_len = len;
        return CS_OK;
    }
    trim(&token, &len);
    if ((err = reserve(&c->text_bytes, &c->text_bytes_cap, len + 16)) != CS_OK)
        return err;

    if (len >= 4 && memcmp(token, CS_OFFLINE_PREFIX, 4) == 0) {
        *form = CS_FORM_OFFLINE;
        text = token + 4;
        text_len = len - 4;
        err = cs_base45_decode((const char *)text, text_len, c->text_bytes, c->text_bytes_cap,
                               &decoded_len);
    } else if (has_prefix_nocase(token, len, "https://") ||
               has_prefix_nocase(token, len, "http://")) {
        *form = CS_FORM_LINK;
        if ((err = link_payload(token, len, &text, &text_len)) == CS_OK)
            err = cs_base32_decode((const char *)text, text_len, c->text_bytes, c->text_bytes_cap,
                                   &decoded_len);
    } else if (is_hex_text(token, len)) {
        *form = CS_FORM_COSE_HEX;
        for (size_t i = 0; i < len / 2; i++)
            c->text_bytes[i] =
                (uint8_t)(hex_value(token[2 * i]) << 4 | hex_value(token[2 * i + 1]));
        *cose = c->text_bytes;
        *cose_len = len / 2;
        return CS_OK;
    } else {
        return CS_ERR_FORM;
    }
    if (err != CS_OK)
        return err;
    if ((err = inflate_capped(c, c->text_bytes, decoded_len, cose_len)) != CS_OK)
        return err;
    *cose = c->cose;
    return CS_OK;
}

cs_err cs_token_check_link_base(const char *link_base)
{
    size_t len;
    const char *host;

    if (link_base == NULL || (len = strlen(link_base)) > CS_LINK_BASE_MAX)
        return CS_ERR_ARGUMENT;
    if (strncasecmp(link_base, "https://", 8) == 0)
        host = link_base + 8;
    else if (strncasecmp(link_base, "http://", 7) == 0)
        host = link_base + 7;
    else
        return CS_ERR_ARGUMENT;
    if (*host == '\0' || *host == '/')
        return CS_ERR_ARGUMENT;
    for (const char *p = link_base; *p != '\0'; p++)
        if (*p <= ' ' || *p >= 0x7f || *p == '?' || *p == '#')
            return CS_ERR_ARGUMENT;
    return CS_OK;
}

static cs_err deflate_token(cs_token_codec_t *c, const uint8_t *in, size_t in_len, size_t *out_len)
{
    z_stream *z = &c->deflater;
    cs_err err;

    if (in_len > UINT32_MAX)
        return CS_ERR_TOO_LARGE;
    /* Set up on the first token wrapped: a codec that only reads tokens
     * (a verifier's) never pays for it.  deflateReset() keeps level 9's
     * set-up for the next (DESIGN §8). */
    if (!c->deflater_ready) {
        if (deflateInit2(z, Z_BEST_COMPRESSION, Z_DEFLATED, DEFLATE_WINDOW_BITS,
                         DEFLATE_MEMORY_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
            return CS_ERR_NO_MEMORY;
        c->deflater_ready = true;
    } else if (deflateReset(z) != Z_OK) {
        return CS_ERR_NO_MEMORY;
    }
    if ((err = reserve(&c->compressed, &c->compressed_cap, deflateBound(z, (uLong)in_len))) !=
        CS_OK)
        return err;
    z->next_in = (Bytef *)in;
    z->avail_in = (uInt)in_len;
    z->next_out = c->compressed;
    z->avail_out = (uInt)c->compressed_cap;
    if (deflate(z, Z_FINISH) != Z_STREAM_END)
        return CS_ERR_NO_MEMORY;
    *out_len = c->compressed_cap - z->avail_out;
    return CS_OK;
}

cs_err cs_token_wrap(cs_token_codec_t *c, cs_form form, const char *link_base, const uint8_t *cose,
                     size_t cose_len, const char **text, size_t *text_len)
{
    size_t compressed_len = 0, prefix_len, encoded_len = 0, need;
    cs_err err;

    if (c == NULL || cose == NULL || text == NULL || text_len == NULL)
        return CS_ERR_ARGUMENT;
    if (form != CS_FORM_OFFLINE && form != CS_FORM_LINK)
        return CS_ERR_ARGUMENT;
    if (form == CS_FORM_LINK && cs_token_check_link_base(link_base) != CS_OK)
        return CS_ERR_ARGUMENT;
    if ((err = deflate_token(c, cose, cose_len, &compressed_len)) != CS_OK)
        return err;

    if (form == CS_FORM_OFFLINE) {
        prefix_len = strlen(CS_OFFLINE_PREFIX);
        need = prefix_len + cs_base45_encoded_length(compressed_len) + 1;
    } else {
        prefix_len = strlen(link_base);
        need = prefix_len + 1 + cs_base32_encoded_length(compressed_len) + 1;
    }
    if ((err = reserve((uint8_t **)&c->text, &c->text_cap, need)) != CS_OK)
        return err;
    if (form == CS_FORM_OFFLINE) {
        memcpy(c->text, CS_OFFLINE_PREFIX, prefix_len);
        err = cs_base45_encode(c->compressed, compressed_len, c->text + prefix_len,
                               c->text_cap - prefix_len, &encoded_len);
    } else {
        /* Upper case throughout, so the QR code can use alphanumeric mode. */
        for (size_t i = 0; i < prefix_len; i++)
            c->text[i] = (char)toupper((unsigned char)link_base[i]);
        if (c->text[prefix_len - 1] != '/')
            c->text[prefix_len++] = '/';
        err = cs_base32_encode(c->compressed, compressed_len, c->text + prefix_len,
                               c->text_cap - prefix_len, &encoded_len);
    }
    if (err != CS_OK)
        return err;
    *text = c->text;
    *text_len = prefix_len + encoded_len;
    return CS_OK;
}
