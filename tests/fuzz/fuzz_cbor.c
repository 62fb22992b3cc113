/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the strict CBOR decoder (STYLE 14): any input either
 * fails cleanly or gives a tree every getter can walk. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The tree borrows the input: strings must lie inside it. */
static const uint8_t *input_begin, *input_end;

static void check_borrowed(const void *p, size_t len)
{
    const uint8_t *b = p;
    if (len > 0 && (b < input_begin || b > input_end || (size_t)(input_end - b) < len))
        __builtin_trap();
}

/* Calls every getter on item and, for containers, on their children. */
static void exercise(const cs_cbor_item *item)
{
    const uint8_t *bytes;
    const char *text;
    uint64_t u;
    int64_t i;
    size_t len;
    bool flag;

    (void)cs_cbor_get_uint(item, &u);
    (void)cs_cbor_get_int(item, &i);
    (void)cs_cbor_get_bool(item, &flag);
    if (cs_cbor_get_text(item, &text, &len) == CS_OK && len > 0) {
        check_borrowed(text, len);
        (void)(volatile char)text[len - 1];
    }
    if (cs_cbor_get_bytes(item, &bytes, &len) == CS_OK && len > 0) {
        check_borrowed(bytes, len);
        (void)(volatile uint8_t)bytes[len - 1];
    }
    if (cs_cbor_is_array(item)) {
        size_t n = cs_cbor_count(item);
        for (size_t k = 0; k < n; k++) {
            const cs_cbor_item *child = cs_cbor_array_at(item, k);
            if (child == NULL)
                __builtin_trap(); /* every counted item is there */
            exercise(child);
        }
        if (cs_cbor_array_at(item, n) != NULL)
            __builtin_trap();
    } else if (cs_cbor_is_map(item)) {
        size_t n = cs_cbor_count(item);
        (void)cs_cbor_map_get_int(item, 1);
        (void)cs_cbor_map_get_int(item, -1);
        (void)cs_cbor_map_get_int(item, INT64_MIN);
        (void)cs_cbor_map_get_text(item, "a");
        for (size_t k = 0; k < n; k++) {
            const cs_cbor_item *key = cs_cbor_map_key_at(item, k);
            const cs_cbor_item *value = cs_cbor_map_value_at(item, k);
            if (key == NULL || value == NULL)
                __builtin_trap(); /* every counted pair is there */
            if (cs_cbor_get_int(key, &i) == CS_OK && cs_cbor_map_get_int(item, i) != value)
                __builtin_trap(); /* keys are unique, so lookup finds this pair */
            /* keys are integers (a negative one below INT64_MIN has no
             * getter, so this reads the type) or text */
            if (key->type != CS_CBOR_UINT && key->type != CS_CBOR_NEGINT &&
                key->type != CS_CBOR_TEXT)
                __builtin_trap();
            exercise(key);
            exercise(value);
        }
        if (cs_cbor_map_key_at(item, n) != NULL || cs_cbor_map_value_at(item, n) != NULL)
            __builtin_trap();
    } else if (cs_cbor_count(item) != 0 || cs_cbor_array_at(item, 0) != NULL ||
               cs_cbor_map_key_at(item, 0) != NULL) {
        __builtin_trap(); /* scalars have no children */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t tags[CS_CBOR_MAX_TAGS];
    size_t n_tags = 0;
    cs_cbor_item *root = NULL;

    if (cs_cbor_decode_tagged(data, size, CS_CBOR_MAX_DEPTH, tags, CS_CBOR_MAX_TAGS, &n_tags,
                              &root) != CS_OK) {
        if (root != NULL)
            __builtin_trap(); /* a failure leaves no tree */
        return 0;
    }
    input_begin = data;
    input_end = data + size;
    exercise(root);
    cs_cbor_free(&root);
    if (root != NULL)
        __builtin_trap();
    return 0;
}
