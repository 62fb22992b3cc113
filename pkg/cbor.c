/*
 * Strict CBOR on top of libcbor 0.8 (STYLE 7, DESIGN §2 step 1).
 *
 * libcbor accepts trailing bytes, indefinite lengths, duplicate map keys and
 * 2048 levels of nesting, and rejects the one-byte tags 6-20 (PJK/libcbor#307).
 * Decoding therefore runs in two passes over the same bytes:
 *   1. validate: cbor_stream_decode() one head at a time, with callbacks that
 *      count nesting, reject indefinite lengths, tags and bad UTF-8, and find
 *      where the single top-level item ends;
 *   2. build: cbor_load() on exactly that slice, then a walk of the tree that
 *      checks map keys (type and uniqueness).
 * Leading tags are read here, before pass 1, so libcbor never sees them.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- pass 1: streaming validation ------------------------------------------ */

struct validator {
    size_t *remaining; /* children still expected by each open container */
    size_t open;       /* containers currently open */
    unsigned max_depth;
    bool done;         /* the top-level item is complete */
    cs_err err;        /* first error; CS_OK while valid */
};

static void fail_with(void *context, cs_err err)
{
    struct validator *v = context;

    if (v->err == CS_OK)
        v->err = err;
}

/* One item (scalar or a finished container) is complete: count it against
 * its parent, closing every container it fills. */
static void item_done(struct validator *v)
{
    while (v->open > 0) {
        if (--v->remaining[v->open - 1] > 0)
            return;
        v->open--;
    }
    v->done = true;
}

/*
 * Depth: each array or map level counts 1, and a scalar counts 1 only at
 * the top, so 0x00 and [0] are depth 1 and [[0]] is depth 2.
 */
static void on_scalar(struct validator *v)
{
    if (v->open == 0 && v->max_depth < 1) {
        fail_with(v, CS_ERR_CBOR_DEPTH);
        return;
    }
    item_done(v);
}

static void on_container(struct validator *v, size_t children)
{
    if (v->open + 1 > v->max_depth) {
        fail_with(v, CS_ERR_CBOR_DEPTH);
        return;
    }
    if (children == 0) {
        item_done(v);
        return;
    }
    v->remaining[v->open++] = children;
}

/* RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        uint32_t cp, min;
        size_t extra;
        uint8_t c = s[i];

        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            extra = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i - 1 < extra)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += extra + 1;
    }
    return true;
}

static void on_uint8(void *c, uint8_t x) { (void)x, on_scalar(c); }
static void on_uint16(void *c, uint16_t x) { (void)x, on_scalar(c); }
static void on_uint32(void *c, uint32_t x) { (void)x, on_scalar(c); }
static void on_uint64(void *c, uint64_t x) { (void)x, on_scalar(c); }
static void on_float(void *c, float x) { (void)x, on_scalar(c); }
static void on_double(void *c, double x) { (void)x, on_scalar(c); }
static void on_bool(void *c, bool x) { (void)x, on_scalar(c); }
static void on_simple(void *c) { on_scalar(c); }

static void on_bytes(void *c, cbor_data data, size_t len)
{
    (void)data, (void)len;
    on_scalar(c);
}

static void on_text(void *c, cbor_data data, size_t len)
{
    if (!utf8_valid(data, len)) {
        fail_with(c, CS_ERR_CBOR);
        return;
    }
    on_scalar(c);
}

static void on_array(void *c, size_t count) { on_container(c, count); }

static void on_map(void *c, size_t pairs)
{
    if (pairs > SIZE_MAX / 2) {
        fail_with(c, CS_ERR_CBOR); /* more than any input can hold */
        return;
    }
    on_container(c, 2 * pairs);
}

static void on_indefinite(void *c) { fail_with(c, CS_ERR_CBOR_INDEFINITE); }
static void on_tag(void *c, uint64_t tag) { (void)tag, fail_with(c, CS_ERR_CBOR_TAG); }
/* Without indefinite items a break (0xff) is never well-formed. */
static void on_break(void *c) { fail_with(c, CS_ERR_CBOR); }

static struct cbor_callbacks validator_callbacks(void)
{
    struct cbor_callbacks cb = cbor_empty_callbacks;

    cb.uint8 = cb.negint8 = on_uint8;
    cb.uint16 = cb.negint16 = on_uint16;
    cb.uint32 = cb.negint32 = on_uint32;
    cb.uint64 = cb.negint64 = on_uint64;
    /* The header names are crossed: byte_string and string are the
     * definite forms, *_start and indef_* the indefinite ones. */
    cb.byte_string = on_bytes;
    cb.string = on_text;
    cb.byte_string_start = cb.string_start = on_indefinite;
    cb.indef_array_start = cb.indef_map_start = on_indefinite;
    cb.array_start = on_array;
    cb.map_start = on_map;
    cb.tag = on_tag;
    cb.float2 = cb.float4 = on_float;
    cb.float8 = on_double;
    cb.undefined = cb.null = on_simple;
    cb.boolean = on_bool;
    cb.indef_break = on_break;
    return cb;
}

/* Finds the end of the one item at data[0..len) without building it. */
static cs_err validate(const uint8_t *data, size_t len, unsigned max_depth, size_t *item_len)
{
    struct cbor_callbacks cb = validator_callbacks();
    struct validator v = {.max_depth = max_depth, .err = CS_OK};
    size_t pos = 0;

    /* max_depth >= 1 here; at most max_depth containers are ever open. */
    if ((v.remaining = calloc(max_depth, sizeof(*v.remaining))) == NULL)
        return CS_ERR_NO_MEMORY;
    while (!v.done) {
        struct cbor_decoder_result r = cbor_stream_decode(data + pos, len - pos, &cb, &v);

        if (r.status == CBOR_DECODER_ERROR) {
            /* 0xc6-0xd4 are tags 6-20 that libcbor 0.8 calls malformed. */
            bool tag = data[pos] >= 0xc0 && data[pos] <= 0xdb;
            fail_with(&v, tag ? CS_ERR_CBOR_TAG : CS_ERR_CBOR);
        } else if (r.status == CBOR_DECODER_NEDATA) {
            fail_with(&v, CS_ERR_CBOR); /* truncated, or a length past the end */
        }
        if (v.err != CS_OK)
            break;
        pos += r.read;
    }
    free(v.remaining);
    *item_len = pos;
    return v.err;
}

/* ---- pass 2: the tree and its map keys -------------------------------------- */

/* Orders keys by major type, then value (integers) or length and bytes
 * (text), so equal keys sort next to each other. */
static int key_compare(const void *a, const void *b)
{
    const cbor_item_t *x = *(const cbor_item_t *const *)a;
    const cbor_item_t *y = *(const cbor_item_t *const *)b;
    size_t lx, ly;

    if (cbor_typeof(x) != cbor_typeof(y))
        return cbor_typeof(x) < cbor_typeof(y) ? -1 : 1;
    if (!cbor_isa_string(x)) {
        uint64_t ix = cbor_get_int(x), iy = cbor_get_int(y);
        return ix < iy ? -1 : ix > iy;
    }
    lx = cbor_string_length(x);
    ly = cbor_string_length(y);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return lx == 0 ? 0 : memcmp(cbor_string_handle(x), cbor_string_handle(y), lx);
}

/* Sorting keeps a map of n keys at n log n, where pairwise would be n^2. */
static cs_err check_map_keys(const cbor_item_t *map)
{
    size_t n = cbor_map_size(map);
    struct cbor_pair *pairs = cbor_map_handle(map);
    const cbor_item_t **keys = NULL;
    cs_err err = CS_OK;

    for (size_t i = 0; i < n; i++) {
        const cbor_item_t *key = pairs[i].key;
        if (!cbor_isa_uint(key) && !cbor_isa_negint(key) && !cbor_isa_string(key))
            return CS_ERR_CBOR_TYPE;
    }
    if (n < 2)
        return CS_OK;
    if ((keys = malloc(n * sizeof(*keys))) == NULL)
        return CS_ERR_NO_MEMORY;
    for (size_t i = 0; i < n; i++)
        keys[i] = pairs[i].key;
    qsort(keys, n, sizeof(*keys), key_compare);
    for (size_t i = 1; i < n; i++) {
        if (key_compare(&keys[i - 1], &keys[i]) == 0) {
            err = CS_ERR_CBOR_DUPLICATE_KEY;
            break;
        }
    }
    free(keys);
    return err;
}

/* Recursion is bounded by the depth pass 1 allowed. */
static cs_err check_tree(const cbor_item_t *item)
{
    cs_err err = CS_OK;

    if (cbor_isa_array(item)) {
        cbor_item_t **children = cbor_array_handle(item);
        for (size_t i = 0; i < cbor_array_size(item) && err == CS_OK; i++)
            err = check_tree(children[i]);
    } else if (cbor_isa_map(item)) {
        struct cbor_pair *pairs = cbor_map_handle(item);
        err = check_map_keys(item);
        for (size_t i = 0; i < cbor_map_size(item) && err == CS_OK; i++)
            err = check_tree(pairs[i].value);
    }
    return err;
}

cs_err cs_cbor_decode(const uint8_t *data, size_t len, unsigned max_depth, cbor_item_t **out)
{
    struct cbor_load_result loaded;
    cbor_item_t *item = NULL;
    size_t item_len = 0;
    cs_err err;

    if (out == NULL || (data == NULL && len > 0))
        return CS_ERR_ARGUMENT;
    *out = NULL;
    /* libcbor's own stack holds at most CBOR_MAX_STACK_SIZE containers. */
    if (max_depth > CBOR_MAX_STACK_SIZE)
        return CS_ERR_ARGUMENT;
    if (len == 0)
        return CS_ERR_CBOR;
    if (max_depth == 0)
        return CS_ERR_CBOR_DEPTH;
    if ((err = validate(data, len, max_depth, &item_len)) != CS_OK)
        goto fail;
    if (item_len != len) {
        err = CS_ERR_CBOR_TRAILING;
        goto fail;
    }
    item = cbor_load(data, len, &loaded);
    if (item == NULL || loaded.read != len) {
        err = loaded.error.code == CBOR_ERR_MEMERROR ? CS_ERR_NO_MEMORY : CS_ERR_CBOR;
        goto fail;
    }
    if ((err = check_tree(item)) != CS_OK)
        goto fail;
    *out = item;
    return CS_OK;
fail:
    if (item != NULL)
        cbor_decref(&item);
    return err;
}

/* RFC 8949 §3.4: a tag head is major type 6 with any argument size. */
static cs_err read_tag(const uint8_t *data, size_t len, size_t *pos, uint64_t *tag)
{
    uint8_t info = data[*pos] & 0x1f;
    size_t size;

    if (info < 24) {
        *tag = info;
        *pos += 1;
        return CS_OK;
    }
    if (info > 27)
        return CS_ERR_CBOR; /* 0xdc-0xde reserved, 0xdf indefinite */
    size = (size_t)1 << (info - 24);
    if (len - *pos - 1 < size)
        return CS_ERR_CBOR;
    *tag = 0;
    for (size_t i = 1; i <= size; i++)
        *tag = (*tag << 8) | data[*pos + i];
    *pos += 1 + size;
    return CS_OK;
}

cs_err cs_cbor_decode_tagged(const uint8_t *data, size_t len, unsigned max_depth,
                             uint64_t *tags, size_t max_tags, size_t *n_tags,
                             cbor_item_t **out)
{
    size_t pos = 0, n = 0;
    cs_err err;

    if (out == NULL || n_tags == NULL || (tags == NULL && max_tags > 0) ||
        (data == NULL && len > 0))
        return CS_ERR_ARGUMENT;
    *out = NULL;
    *n_tags = 0;
    if (len == 0)
        return CS_ERR_CBOR;
    while (pos < len && (data[pos] & 0xe0) == 0xc0) {
        if (n == max_tags)
            return CS_ERR_CBOR_TAG;
        if ((err = read_tag(data, len, &pos, &tags[n])) != CS_OK)
            return err;
        n++;
    }
    if ((err = cs_cbor_decode(data + pos, len - pos, max_depth, out)) != CS_OK)
        return err;
    *n_tags = n;
    return CS_OK;
}

/* ---- typed access ----------------------------------------------------------- */

cbor_item_t *cs_cbor_map_get_int(const cbor_item_t *map, int64_t label)
{
    /* RFC 8949 §3.1: major type 1 carries -1 - n. */
    bool negative = label < 0;
    uint64_t want = negative ? (uint64_t)(-(label + 1)) : (uint64_t)label;
    struct cbor_pair *pairs;

    if (!cs_cbor_is_map(map))
        return NULL;
    pairs = cbor_map_handle(map);
    for (size_t i = 0; i < cbor_map_size(map); i++) {
        const cbor_item_t *key = pairs[i].key;
        bool match = negative ? cbor_isa_negint(key) : cbor_isa_uint(key);
        if (match && cbor_get_int(key) == want)
            return pairs[i].value;
    }
    return NULL;
}

cbor_item_t *cs_cbor_map_get_text(const cbor_item_t *map, const char *key)
{
    struct cbor_pair *pairs;
    size_t len;

    if (!cs_cbor_is_map(map) || key == NULL)
        return NULL;
    len = strlen(key);
    pairs = cbor_map_handle(map);
    for (size_t i = 0; i < cbor_map_size(map); i++) {
        const cbor_item_t *k = pairs[i].key;
        if (cbor_isa_string(k) && cbor_string_length(k) == len &&
            (len == 0 || memcmp(cbor_string_handle(k), key, len) == 0))
            return pairs[i].value;
    }
    return NULL;
}

cs_err cs_cbor_get_uint(const cbor_item_t *item, uint64_t *out)
{
    if (out == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || !cbor_isa_uint(item))
        return CS_ERR_CBOR_TYPE;
    *out = cbor_get_int(item);
    return CS_OK;
}

cs_err cs_cbor_get_int(const cbor_item_t *item, int64_t *out)
{
    uint64_t v;

    if (out == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || !(cbor_isa_uint(item) || cbor_isa_negint(item)))
        return CS_ERR_CBOR_TYPE;
    v = cbor_get_int(item);
    if (v > INT64_MAX)
        return CS_ERR_CBOR_TYPE; /* does not fit int64_t */
    *out = cbor_isa_uint(item) ? (int64_t)v : -1 - (int64_t)v;
    return CS_OK;
}

/* libcbor may keep no buffer for an empty string; callers get "" instead. */
static const uint8_t empty[1];

cs_err cs_cbor_get_text(const cbor_item_t *item, const char **text, size_t *len)
{
    if (text == NULL || len == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || !cbor_isa_string(item) || !cbor_string_is_definite(item))
        return CS_ERR_CBOR_TYPE;
    *len = cbor_string_length(item);
    *text = *len > 0 ? (const char *)cbor_string_handle(item) : (const char *)empty;
    return CS_OK;
}

cs_err cs_cbor_get_bytes(const cbor_item_t *item, const uint8_t **bytes, size_t *len)
{
    if (bytes == NULL || len == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || !cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item))
        return CS_ERR_CBOR_TYPE;
    *len = cbor_bytestring_length(item);
    *bytes = *len > 0 ? cbor_bytestring_handle(item) : empty;
    return CS_OK;
}

bool cs_cbor_is_map(const cbor_item_t *item)
{
    return item != NULL && cbor_isa_map(item);
}

bool cs_cbor_is_array(const cbor_item_t *item)
{
    return item != NULL && cbor_isa_array(item);
}

/* ---- writer ------------------------------------------------------------------ */

/* RFC 8949 §3: initial byte and at most 8 argument bytes, so libcbor's
 * encoders, which return 0 only when short of room, never fail here. */
#define HEAD_MAX 9
#define WRITER_MIN_CAP 64

void cs_cbor_writer_init(cs_cbor_writer *w)
{
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->err = CS_OK;
}

void cs_cbor_writer_reset(cs_cbor_writer *w)
{
    w->len = 0;
    w->err = CS_OK;
}

void cs_cbor_writer_free(cs_cbor_writer *w)
{
    free(w->buf);
    cs_cbor_writer_init(w);
}

cs_err cs_cbor_writer_error(const cs_cbor_writer *w)
{
    return w == NULL ? CS_ERR_ARGUMENT : w->err;
}

/* The one place bytes enter the buffer; a failure is sticky. */
static void append(cs_cbor_writer *w, const void *data, size_t len)
{
    if (w->err != CS_OK || len == 0)
        return;
    if (data == NULL) {
        w->err = CS_ERR_ARGUMENT;
        return;
    }
    if (len > w->cap - w->len) {
        size_t cap = w->cap > 0 ? w->cap : WRITER_MIN_CAP;
        uint8_t *grown;
        while (cap - w->len < len) {
            if (cap > SIZE_MAX / 2) {
                w->err = CS_ERR_NO_MEMORY;
                return;
            }
            cap *= 2;
        }
        if ((grown = realloc(w->buf, cap)) == NULL) {
            w->err = CS_ERR_NO_MEMORY;
            return;
        }
        w->buf = grown;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, data, len);
    w->len += len;
}

void cs_cbor_put_uint(cs_cbor_writer *w, uint64_t value)
{
    unsigned char head[HEAD_MAX];
    append(w, head, cbor_encode_uint(value, head, sizeof(head)));
}

void cs_cbor_put_int(cs_cbor_writer *w, int64_t value)
{
    unsigned char head[HEAD_MAX];

    if (value >= 0) {
        cs_cbor_put_uint(w, (uint64_t)value);
        return;
    }
    /* -1 - value without overflow at INT64_MIN (RFC 8949 §3.1). */
    append(w, head, cbor_encode_negint((uint64_t)(-(value + 1)), head, sizeof(head)));
}

void cs_cbor_put_bytes(cs_cbor_writer *w, const uint8_t *data, size_t len)
{
    unsigned char head[HEAD_MAX];

    if (data == NULL && len > 0 && w->err == CS_OK)
        w->err = CS_ERR_ARGUMENT;
    append(w, head, cbor_encode_bytestring_start(len, head, sizeof(head)));
    append(w, data, len);
}

void cs_cbor_put_text(cs_cbor_writer *w, const char *text, size_t len)
{
    unsigned char head[HEAD_MAX];

    if (text == NULL && len > 0 && w->err == CS_OK)
        w->err = CS_ERR_ARGUMENT;
    append(w, head, cbor_encode_string_start(len, head, sizeof(head)));
    append(w, text, len);
}

void cs_cbor_put_cstring(cs_cbor_writer *w, const char *text)
{
    if (text == NULL && w->err == CS_OK)
        w->err = CS_ERR_ARGUMENT;
    else if (text != NULL)
        cs_cbor_put_text(w, text, strlen(text));
}

void cs_cbor_put_array(cs_cbor_writer *w, size_t count)
{
    unsigned char head[HEAD_MAX];
    append(w, head, cbor_encode_array_start(count, head, sizeof(head)));
}

void cs_cbor_put_map(cs_cbor_writer *w, size_t count)
{
    unsigned char head[HEAD_MAX];
    append(w, head, cbor_encode_map_start(count, head, sizeof(head)));
}

void cs_cbor_put_tag(cs_cbor_writer *w, uint64_t tag)
{
    unsigned char head[HEAD_MAX];
    append(w, head, cbor_encode_tag(tag, head, sizeof(head)));
}

void cs_cbor_put_encoded(cs_cbor_writer *w, const uint8_t *data, size_t len)
{
    append(w, data, len);
}
