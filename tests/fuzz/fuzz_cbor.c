/* libFuzzer target for the strict CBOR decoder (STYLE 14): any input either
 * fails cleanly or gives a tree every getter can walk. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Calls every getter on item and, for containers, on their children. */
static void exercise(const cbor_item_t *item)
{
    const uint8_t *bytes;
    const char *text;
    uint64_t u;
    int64_t i;
    size_t len;

    (void)cs_cbor_get_uint(item, &u);
    (void)cs_cbor_get_int(item, &i);
    if (cs_cbor_get_text(item, &text, &len) == CS_OK && len > 0)
        (void)(volatile char)text[len - 1];
    if (cs_cbor_get_bytes(item, &bytes, &len) == CS_OK && len > 0)
        (void)(volatile uint8_t)bytes[len - 1];
    (void)cs_cbor_is_array(item);
    if (cs_cbor_is_map(item)) {
        struct cbor_pair *pairs = cbor_map_handle(item);
        (void)cs_cbor_map_get_int(item, 1);
        (void)cs_cbor_map_get_int(item, -1);
        (void)cs_cbor_map_get_int(item, INT64_MIN);
        (void)cs_cbor_map_get_text(item, "a");
        for (size_t k = 0; k < cbor_map_size(item); k++) {
            if (cs_cbor_get_int(pairs[k].key, &i) == CS_OK &&
                cs_cbor_map_get_int(item, i) != pairs[k].value)
                __builtin_trap(); /* keys are unique, so lookup finds this pair */
            exercise(pairs[k].value);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t tags[CS_CBOR_MAX_TAGS];
    size_t n_tags = 0;
    cbor_item_t *root = NULL;

    if (cs_cbor_decode_tagged(data, size, CS_CBOR_MAX_DEPTH, tags, CS_CBOR_MAX_TAGS, &n_tags,
                              &root) != CS_OK)
        return 0;
    exercise(root);
    if (cs_cbor_is_array(root)) {
        cbor_item_t **items = cbor_array_handle(root);
        for (size_t k = 0; k < cbor_array_size(root); k++)
            exercise(items[k]);
    }
    cbor_decref(&root);
    return 0;
}
