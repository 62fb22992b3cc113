/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the PNG and JPEG readers (pkg/image.c) and the QR
 * scan of what they decode (pkg/scan.c): any bytes give an image within the
 * limits or an error code with an empty image, never a crash, a leak or an
 * allocation beyond the limits.  Seeds: tests/fuzz/corpus/fuzz_image (small
 * PNGs of every colour type, JPEGs grey, colour, progressive and CMYK, and
 * QR codes of a token in both formats). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "certseal/image.h"
#include "certseal/scan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* zbar's time grows with the area; larger decoded images are only read. */
#define SCAN_MAX_PIXELS (1024u * 1024u)

static cs_scanner_t *scanner;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cs_scanner_new(&scanner) != CS_OK)
        abort();
    return 0;
}

static void scan(const cs_image *image)
{
    cs_scan_result result;
    cs_err err = cs_scanner_scan(scanner, image, &result);

    if (err == CS_OK) {
        if (result.count == 0 || result.symbols == NULL)
            abort();
        for (size_t i = 0; i < result.count; i++)
            if (result.symbols[i].text == NULL || result.symbols[i].text[result.symbols[i].len])
                abort();
    } else if (err != CS_ERR_NO_QR_CODE || result.count != 0 || result.symbols != NULL) {
        abort();
    }
    cs_scan_result_clear(&result);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_image image;
    char detail[CS_DETAIL_SIZE];
    cs_err err = cs_image_read(data, size, &image, detail, sizeof(detail));

    if (err != CS_OK) {
        if (image.pixels != NULL || image.width != 0 || image.height != 0)
            abort();
        return 0;
    }
    if (image.pixels == NULL || image.width == 0 || image.height == 0 ||
        image.width > CS_IMAGE_MAX_SIDE || image.height > CS_IMAGE_MAX_SIDE ||
        (uint64_t)image.width * image.height > CS_IMAGE_MAX_PIXELS)
        abort();
    if ((uint64_t)image.width * image.height <= SCAN_MAX_PIXELS)
        scan(&image);
    cs_image_clear(&image);
    return 0;
}
