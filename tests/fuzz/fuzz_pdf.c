/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the PDF reader (pkg/pdf.c, pkg/pdf_image.c): any
 * bytes give codes or an error code with an empty result, never a crash,
 * a leak, a hang or an allocation beyond the limits.  Pages are not drawn
 * (no pdftoppm process).  Seeds: tests/fuzz/corpus/fuzz_pdf (an attached
 * token; images grey, 1-bit, masked, RGB with PNG predictors, indexed,
 * JPEG, inside a form; two pages; a declared page count past the limit). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "certseal/pdf.h"
#include "certseal/scan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs_scanner_t *scanner;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cs_scanner_new(&scanner) != CS_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_pdf_options options = {.render = false};
    cs_scan_result result;
    char detail[CS_DETAIL_SIZE];
    bool damaged;
    cs_err err =
        cs_pdf_scan(data, size, &options, scanner, &result, &damaged, detail, sizeof(detail));

    if (err == CS_OK) {
        if (result.count == 0 || result.symbols == NULL)
            abort();
        for (size_t i = 0; i < result.count; i++)
            if (result.symbols[i].text == NULL ||
                result.symbols[i].text[result.symbols[i].len] != '\0' ||
                result.symbols[i].origin == CS_SCAN_ORIGIN_IMAGE ||
                result.symbols[i].page > CS_PDF_MAX_PAGES)
                abort();
    } else if (result.count != 0 || result.symbols != NULL) {
        abort();
    }
    cs_scan_result_clear(&result);
    return 0;
}
