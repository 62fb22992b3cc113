/* SPDX-License-Identifier: ISC */
/*
 * Strict CBOR on top of libcbor 0.8 (STYLE 7, DESIGN §2 step 1).
 *
 * libcbor's cbor_load() accepts trailing bytes, indefinite lengths,
 * duplicate map keys and 2048 levels of nesting, rejects the one-byte tags
 * 6-20 (PJK/libcbor#307), and allocates every item on its own.  So this
 * wrapper drives libcbor's streaming decoder, cbor_stream_decode(), one
 * head at a time, with callbacks that reject indefinite lengths, tags,
 * nesting past the limit and bad UTF-8, find where the single top-level
 * item ends, and record each item as a node of a flat tree: one
 * allocation, children following their parent in order, strings pointing
 * into the input.  A walk of the finished tree then checks map keys (type
 * and uniqueness).  Leading tags are read here, so libcbor never sees them.
 */
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "internal.h"

/* A certificate's claims (34 items for the typical record) fit in the
 * first allocation. */
#define NODES_MIN_CAP 64
/* Containers open at once kept on the stack up to this depth (certseal's
 * own objects stay within CS_CBOR_MAX_DEPTH); deeper limits allocate. */
#define OPEN_ON_STACK 32

/* ---- building the tree from libcbor's stream ------------------------------- */

typedef struct open_container {
    size_t node;      /* index of the array or map node */
    size_t remaining; /* children still expected */
} open_container;

typedef struct builder {
    cs_cbor_item *nodes;
    size_t count, cap;
    open_container *open; /* at most max_depth entries */
    size_t depth;         /* containers currently open */
    unsigned max_depth;
    bool done;  /* the top-level item is complete */
    cs_err err; /* first error; CS_OK while valid */
} builder;

static void fail_with(builder *b, cs_err err)
{
    if (b->err == CS_OK)
        b->err = err;
}

/* A new node, or NULL after an error (the callbacks then ignore the item). */
static cs_cbor_item *add_node(builder *b, cs_cbor_type type)
{
    if (b->err != CS_OK)
        return NULL;
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : NODES_MIN_CAP;
        cs_cbor_item *nodes = realloc(b->nodes, cap * sizeof(*nodes));
        if (nodes == NULL) {
            fail_with(b, CS_ERR_NO_MEMORY);
            return NULL;
        }
        b->nodes = nodes;
        b->cap = cap;
    }
    cs_cbor_item *node = &b->nodes[b->count++];
    memset(node, 0, sizeof(*node));
    node->type = type;
    node->span = 1;
    return node;
}

/* One item (a scalar or a finished container) is complete: count it against
 * its parent, closing every container it fills and fixing their spans. */
static void item_done(builder *b)
{
    while (b->depth > 0) {
        open_container *top = &b->open[b->depth - 1];
        if (--top->remaining > 0)
            return;
        b->nodes[top->node].span = b->count - top->node;
        b->depth--;
    }
    b->done = true;
}

/*
 * Depth: each array or map level counts 1, and a scalar counts 1 only at
 * the top, so 0x00 and [0] are depth 1 and [[0]] is depth 2.
 */
static void add_scalar(builder *b, cs_cbor_type type, uint64_t value, const uint8_t *data,
                       size_t len)
{
    cs_cbor_item *node;
    if (b->depth == 0 && b->max_depth < 1) {
        fail_with(b, CS_ERR_CBOR_DEPTH);
        return;
    }
    if ((node = add_node(b, type)) == NULL)
        return;
    node->value = value;
    node->data = data;
    node->len = len;
    item_done(b);
}

static void add_container(builder *b, cs_cbor_type type, size_t count, size_t children)
{
    cs_cbor_item *node;
    if (b->depth + 1 > b->max_depth) {
        fail_with(b, CS_ERR_CBOR_DEPTH);
        return;
    }
    if ((node = add_node(b, type)) == NULL)
        return;
    node->value = count;
    if (children == 0) {
        item_done(b);
        return;
    }
    b->open[b->depth].node = b->count - 1;
    b->open[b->depth].remaining = children;
    b->depth++;
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

/* libcbor hands integers over in their encoded width. */
/* clang-format off */
static void on_uint8(void *c, uint8_t x) { add_scalar(c, CS_CBOR_UINT, x, NULL, 0); }
static void on_uint16(void *c, uint16_t x) { add_scalar(c, CS_CBOR_UINT, x, NULL, 0); }
static void on_uint32(void *c, uint32_t x) { add_scalar(c, CS_CBOR_UINT, x, NULL, 0); }
static void on_uint64(void *c, uint64_t x) { add_scalar(c, CS_CBOR_UINT, x, NULL, 0); }
/* Major type 1 carries n for the value -1 - n (RFC 8949 §3.1). */
static void on_negint8(void *c, uint8_t x) { add_scalar(c, CS_CBOR_NEGINT, x, NULL, 0); }
static void on_negint16(void *c, uint16_t x) { add_scalar(c, CS_CBOR_NEGINT, x, NULL, 0); }
static void on_negint32(void *c, uint32_t x) { add_scalar(c, CS_CBOR_NEGINT, x, NULL, 0); }
static void on_negint64(void *c, uint64_t x) { add_scalar(c, CS_CBOR_NEGINT, x, NULL, 0); }
static void on_float(void *c, float x) { (void)x, add_scalar(c, CS_CBOR_FLOAT, 0, NULL, 0); }
static void on_double(void *c, double x) { (void)x, add_scalar(c, CS_CBOR_FLOAT, 0, NULL, 0); }
static void on_bool(void *c, bool x) { add_scalar(c, CS_CBOR_BOOL, x, NULL, 0); }
static void on_null(void *c) { add_scalar(c, CS_CBOR_NULL, 0, NULL, 0); }
static void on_undefined(void *c) { add_scalar(c, CS_CBOR_UNDEFINED, 0, NULL, 0); }

static void on_bytes(void *c, cbor_data data, size_t len)
{
    add_scalar(c, CS_CBOR_BYTES, 0, data, len);
}

static void on_text(void *c, cbor_data data, size_t len)
{
    if (!utf8_valid(data, len)) {
        fail_with(c, CS_ERR_CBOR);
        return;
    }
    add_scalar(c, CS_CBOR_TEXT, 0, data, len);
}

static void on_array(void *c, size_t count) { add_container(c, CS_CBOR_ARRAY, count, count); }
/* clang-format on */

static void on_map(void *c, size_t pairs)
{
    if (pairs > SIZE_MAX / 2) {
        fail_with(c, CS_ERR_CBOR); /* more than any input can hold */
        return;
    }
    add_container(c, CS_CBOR_MAP, pairs, 2 * pairs);
}

/* clang-format off */
static void on_indefinite(void *c) { fail_with(c, CS_ERR_CBOR_INDEFINITE); }
static void on_tag(void *c, uint64_t tag) { (void)tag, fail_with(c, CS_ERR_CBOR_TAG); }
/* Without indefinite items a break (0xff) is never well-formed. */
static void on_break(void *c) { fail_with(c, CS_ERR_CBOR); }
/* clang-format on */

/* Every callback libcbor 0.8 has is set.  The header names are crossed:
 * byte_string and string are the definite forms, *_start and indef_* the
 * indefinite ones. */
static const struct cbor_callbacks BUILDER_CALLBACKS = {
    .uint8 = on_uint8,
    .uint16 = on_uint16,
    .uint32 = on_uint32,
    .uint64 = on_uint64,
    .negint8 = on_negint8,
    .negint16 = on_negint16,
    .negint32 = on_negint32,
    .negint64 = on_negint64,
    .byte_string = on_bytes,
    .string = on_text,
    .byte_string_start = on_indefinite,
    .string_start = on_indefinite,
    .indef_array_start = on_indefinite,
    .indef_map_start = on_indefinite,
    .array_start = on_array,
    .map_start = on_map,
    .tag = on_tag,
    .float2 = on_float,
    .float4 = on_float,
    .float8 = on_double,
    .undefined = on_undefined,
    .null = on_null,
    .boolean = on_bool,
    .indef_break = on_break,
};

/* Builds the one item at data[0..len) and says where it ends. */
static cs_err build(const uint8_t *data, size_t len, builder *b, size_t *item_len)
{
    open_container on_stack[OPEN_ON_STACK];
    size_t pos = 0;

    /* max_depth >= 1 here; at most max_depth containers are ever open. */
    if (b->max_depth <= OPEN_ON_STACK)
        b->open = on_stack;
    else if ((b->open = malloc(b->max_depth * sizeof(*b->open))) == NULL)
        return CS_ERR_NO_MEMORY;
    while (!b->done) {
        struct cbor_decoder_result r =
            cbor_stream_decode(data + pos, len - pos, &BUILDER_CALLBACKS, b);

        if (r.status == CBOR_DECODER_ERROR) {
            /* 0xc6-0xd4 are tags 6-20 that libcbor 0.8 calls malformed. */
            bool tag = data[pos] >= 0xc0 && data[pos] <= 0xdb;
            fail_with(b, tag ? CS_ERR_CBOR_TAG : CS_ERR_CBOR);
        } else if (r.status == CBOR_DECODER_NEDATA) {
            fail_with(b, CS_ERR_CBOR); /* truncated, or a length past the end */
        }
        if (b->err != CS_OK)
            break;
        pos += r.read;
    }
    if (b->open != on_stack)
        free(b->open);
    b->open = NULL;
    *item_len = pos;
    return b->err;
}

/* ---- map keys ----------------------------------------------------------------- */

/* Orders keys by type, then value (integers) or length and bytes (text), so
 * equal keys sort next to each other. */
static int key_compare(const void *a, const void *b)
{
    const cs_cbor_item *x = *(const cs_cbor_item *const *)a;
    const cs_cbor_item *y = *(const cs_cbor_item *const *)b;

    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (x->type != CS_CBOR_TEXT)
        return x->value < y->value ? -1 : x->value > y->value;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->len == 0 ? 0 : memcmp(x->data, y->data, x->len);
}

#define MAP_KEYS_PAIRWISE_MAX 16

/* Keys must be integers or text, and distinct.  Small maps (every map of a
 * certseal token) compare pairwise; larger ones sort, to stay n log n. */
static cs_err check_map_keys(const cs_cbor_item *map)
{
    size_t n = map->value;
    const cs_cbor_item **keys = NULL, *small[MAP_KEYS_PAIRWISE_MAX];
    const cs_cbor_item *item = map + 1;
    cs_err err = CS_OK;

    if (n > MAP_KEYS_PAIRWISE_MAX && (keys = malloc(n * sizeof(*keys))) == NULL)
        return CS_ERR_NO_MEMORY;
    if (keys == NULL)
        keys = small;
    for (size_t i = 0; i < n; i++) {
        if (item->type != CS_CBOR_UINT && item->type != CS_CBOR_NEGINT &&
            item->type != CS_CBOR_TEXT) {
            err = CS_ERR_CBOR_TYPE;
            goto fail;
        }
        keys[i] = item;
        item += item->span; /* the key */
        item += item->span; /* its value */
    }
    if (n <= MAP_KEYS_PAIRWISE_MAX) {
        for (size_t i = 1; i < n && err == CS_OK; i++)
            for (size_t j = 0; j < i && err == CS_OK; j++)
                if (key_compare(&keys[i], &keys[j]) == 0)
                    err = CS_ERR_CBOR_DUPLICATE_KEY;
    } else {
        qsort(keys, n, sizeof(*keys), key_compare);
        for (size_t i = 1; i < n && err == CS_OK; i++)
            if (key_compare(&keys[i - 1], &keys[i]) == 0)
                err = CS_ERR_CBOR_DUPLICATE_KEY;
    }
fail:
    if (keys != small)
        free(keys);
    return err;
}

static cs_err check_all_map_keys(const cs_cbor_item *nodes, size_t count)
{
    cs_err err = CS_OK;
    for (size_t i = 0; i < count && err == CS_OK; i++)
        if (nodes[i].type == CS_CBOR_MAP)
            err = check_map_keys(&nodes[i]);
    return err;
}

cs_err cs_cbor_decode(const uint8_t *data, size_t len, unsigned max_depth, cs_cbor_item **out)
{
    builder b = {.max_depth = max_depth, .err = CS_OK};
    size_t item_len = 0;
    cs_err err;

    if (out == NULL || (data == NULL && len > 0))
        return CS_ERR_ARGUMENT;
    *out = NULL;
    if (max_depth > CS_CBOR_DEPTH_LIMIT)
        return CS_ERR_ARGUMENT;
    if (len == 0)
        return CS_ERR_CBOR;
    if (max_depth == 0)
        return CS_ERR_CBOR_DEPTH;
    if ((err = build(data, len, &b, &item_len)) != CS_OK)
        goto fail;
    if (item_len != len) {
        err = CS_ERR_CBOR_TRAILING;
        goto fail;
    }
    if ((err = check_all_map_keys(b.nodes, b.count)) != CS_OK)
        goto fail;
    *out = b.nodes; /* the root is the first node; ownership passes on */
    return CS_OK;
fail:
    free(b.nodes);
    return err;
}

void cs_cbor_free(cs_cbor_item **root)
{
    if (root == NULL)
        return;
    free(*root);
    *root = NULL;
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

cs_err cs_cbor_decode_tagged(const uint8_t *data, size_t len, unsigned max_depth, uint64_t *tags,
                             size_t max_tags, size_t *n_tags, cs_cbor_item **out)
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

size_t cs_cbor_count(const cs_cbor_item *item)
{
    return cs_cbor_is_array(item) || cs_cbor_is_map(item) ? (size_t)item->value : 0;
}

const cs_cbor_item *cs_cbor_array_at(const cs_cbor_item *array, size_t i)
{
    const cs_cbor_item *item;
    if (!cs_cbor_is_array(array) || i >= array->value)
        return NULL;
    for (item = array + 1; i > 0; i--)
        item += item->span;
    return item;
}

const cs_cbor_item *cs_cbor_map_key_at(const cs_cbor_item *map, size_t i)
{
    const cs_cbor_item *item;
    if (!cs_cbor_is_map(map) || i >= map->value)
        return NULL;
    for (item = map + 1; i > 0; i--)
        item += item->span + item[item->span].span;
    return item;
}

const cs_cbor_item *cs_cbor_map_value_at(const cs_cbor_item *map, size_t i)
{
    const cs_cbor_item *key = cs_cbor_map_key_at(map, i);
    return key != NULL ? key + key->span : NULL;
}

/* The value of the first key `matches` accepts, walking the pairs once. */
static const cs_cbor_item *map_find(const cs_cbor_item *map,
                                    bool (*matches)(const cs_cbor_item *key, const void *want),
                                    const void *want)
{
    const cs_cbor_item *key;
    size_t i;

    if (!cs_cbor_is_map(map))
        return NULL;
    for (i = 0, key = map + 1; i < map->value; i++) {
        const cs_cbor_item *value = key + key->span;
        if (matches(key, want))
            return value;
        key = value + value->span;
    }
    return NULL;
}

static bool int_key_matches(const cs_cbor_item *key, const void *want)
{
    int64_t label = *(const int64_t *)want;
    if (label < 0)
        return key->type == CS_CBOR_NEGINT && key->value == (uint64_t)(-(label + 1));
    return key->type == CS_CBOR_UINT && key->value == (uint64_t)label;
}

/* A text key looked for, its length taken once rather than per key. */
typedef struct text_key {
    const char *text;
    size_t len;
} text_key;

static bool text_key_matches(const cs_cbor_item *key, const void *want)
{
    const text_key *k = want;
    return key->type == CS_CBOR_TEXT && key->len == k->len &&
           memcmp(key->data, k->text, k->len) == 0;
}

const cs_cbor_item *cs_cbor_map_get_int(const cs_cbor_item *map, int64_t label)
{
    return map_find(map, int_key_matches, &label);
}

const cs_cbor_item *cs_cbor_map_get_text(const cs_cbor_item *map, const char *key)
{
    if (key == NULL)
        return NULL;
    text_key want = {key, strlen(key)};
    return map_find(map, text_key_matches, &want);
}

/* True when key is the text k (NUL-terminated); the first bytes are
 * compared before k's length is taken, as most known keys differ there. */
static bool text_key_is(const cs_cbor_item *key, const char *k)
{
    if (key->type != CS_CBOR_TEXT || (key->len > 0 && key->data[0] != (uint8_t)k[0]))
        return false;
    text_key want = {k, strlen(k)};
    return text_key_matches(key, &want);
}

const cs_cbor_item *cs_cbor_map_unknown_key(const cs_cbor_item *map, const char *const *known)
{
    const cs_cbor_item *key;
    size_t i;

    if (!cs_cbor_is_map(map))
        return NULL;
    /* One walk over the pairs, as map_find() does. */
    for (i = 0, key = map + 1; i < map->value; i++) {
        const cs_cbor_item *value = key + key->span;
        bool found = false;
        for (const char *const *k = known; *k != NULL && !found; k++)
            found = text_key_is(key, *k);
        if (!found)
            return key;
        key = value + value->span;
    }
    return NULL;
}

cs_err cs_cbor_get_uint(const cs_cbor_item *item, uint64_t *out)
{
    if (out == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || item->type != CS_CBOR_UINT)
        return CS_ERR_CBOR_TYPE;
    *out = item->value;
    return CS_OK;
}

cs_err cs_cbor_get_int(const cs_cbor_item *item, int64_t *out)
{
    if (out == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || (item->type != CS_CBOR_UINT && item->type != CS_CBOR_NEGINT))
        return CS_ERR_CBOR_TYPE;
    if (item->value > INT64_MAX)
        return CS_ERR_CBOR_TYPE; /* does not fit int64_t */
    *out = item->type == CS_CBOR_UINT ? (int64_t)item->value : -1 - (int64_t)item->value;
    return CS_OK;
}

/* An empty string may have no bytes behind it; callers get "" instead. */
static const uint8_t empty[1];

cs_err cs_cbor_get_text(const cs_cbor_item *item, const char **text, size_t *len)
{
    if (text == NULL || len == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || item->type != CS_CBOR_TEXT)
        return CS_ERR_CBOR_TYPE;
    *len = item->len;
    *text = item->len > 0 ? (const char *)item->data : (const char *)empty;
    return CS_OK;
}

cs_err cs_cbor_get_bytes(const cs_cbor_item *item, const uint8_t **bytes, size_t *len)
{
    if (bytes == NULL || len == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || item->type != CS_CBOR_BYTES)
        return CS_ERR_CBOR_TYPE;
    *len = item->len;
    *bytes = item->len > 0 ? item->data : empty;
    return CS_OK;
}

cs_err cs_cbor_get_bool(const cs_cbor_item *item, bool *out)
{
    if (out == NULL)
        return CS_ERR_ARGUMENT;
    if (item == NULL || item->type != CS_CBOR_BOOL)
        return CS_ERR_CBOR_TYPE;
    *out = item->value != 0;
    return CS_OK;
}

bool cs_cbor_is_map(const cs_cbor_item *item)
{
    return item != NULL && item->type == CS_CBOR_MAP;
}

bool cs_cbor_is_array(const cs_cbor_item *item)
{
    return item != NULL && item->type == CS_CBOR_ARRAY;
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
    w->depth = 0;
}

void cs_cbor_writer_reset(cs_cbor_writer *w)
{
    w->len = 0;
    w->err = CS_OK;
    w->depth = 0;
}

void cs_cbor_writer_free(cs_cbor_writer *w)
{
    free(w->buf);
    cs_cbor_writer_init(w);
}

cs_err cs_cbor_writer_error(const cs_cbor_writer *w)
{
    if (w == NULL)
        return CS_ERR_ARGUMENT;
    if (w->err == CS_OK && w->depth > 0)
        return CS_ERR_ARGUMENT; /* a container begun and never ended */
    return w->err;
}

static void set_error(cs_cbor_writer *w, cs_err err)
{
    if (w->err == CS_OK)
        w->err = err;
}

/* One more complete item (or container head) in the innermost container. */
static void count_item(cs_cbor_writer *w)
{
    if (w->err == CS_OK && w->depth > 0)
        w->open[w->depth - 1].written++;
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
    count_item(w);
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
    count_item(w);
    append(w, head, cbor_encode_negint((uint64_t)(-(value + 1)), head, sizeof(head)));
}

void cs_cbor_put_bytes(cs_cbor_writer *w, const uint8_t *data, size_t len)
{
    unsigned char head[HEAD_MAX];

    if (data == NULL && len > 0 && w->err == CS_OK)
        w->err = CS_ERR_ARGUMENT;
    count_item(w);
    append(w, head, cbor_encode_bytestring_start(len, head, sizeof(head)));
    append(w, data, len);
}

void cs_cbor_put_text(cs_cbor_writer *w, const char *text, size_t len)
{
    unsigned char head[HEAD_MAX];

    if (text == NULL && len > 0 && w->err == CS_OK)
        w->err = CS_ERR_ARGUMENT;
    count_item(w);
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
    count_item(w);
    append(w, head, cbor_encode_array_start(count, head, sizeof(head)));
}

void cs_cbor_put_map(cs_cbor_writer *w, size_t count)
{
    unsigned char head[HEAD_MAX];
    count_item(w);
    append(w, head, cbor_encode_map_start(count, head, sizeof(head)));
}

static void begin(cs_cbor_writer *w, bool map, size_t count)
{
    if (w->err != CS_OK)
        return;
    if (w->depth == CS_CBOR_WRITER_DEPTH || (map && count > SIZE_MAX / 2)) {
        set_error(w, CS_ERR_ARGUMENT);
        return;
    }
    if (map)
        cs_cbor_put_map(w, count);
    else
        cs_cbor_put_array(w, count);
    w->open[w->depth].expected = map ? 2 * count : count;
    w->open[w->depth].written = 0;
    w->open[w->depth].map = map;
    w->depth++;
}

/* Closes the innermost container, which must be of the kind begun and hold
 * exactly the items its head declared. */
static void end(cs_cbor_writer *w, bool map)
{
    if (w->err != CS_OK)
        return;
    if (w->depth == 0 || w->open[w->depth - 1].map != map ||
        w->open[w->depth - 1].written != w->open[w->depth - 1].expected) {
        set_error(w, CS_ERR_ARGUMENT);
        return;
    }
    w->depth--;
}

void cs_cbor_begin_array(cs_cbor_writer *w, size_t count)
{
    begin(w, false, count);
}

void cs_cbor_begin_map(cs_cbor_writer *w, size_t pairs)
{
    begin(w, true, pairs);
}

void cs_cbor_end_array(cs_cbor_writer *w)
{
    end(w, false);
}

void cs_cbor_end_map(cs_cbor_writer *w)
{
    end(w, true);
}

void cs_cbor_put_tag(cs_cbor_writer *w, uint64_t tag)
{
    unsigned char head[HEAD_MAX];
    append(w, head, cbor_encode_tag(tag, head, sizeof(head)));
}

void cs_cbor_put_encoded(cs_cbor_writer *w, const uint8_t *data, size_t len)
{
    count_item(w);
    append(w, data, len);
}
