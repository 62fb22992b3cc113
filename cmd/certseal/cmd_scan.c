/* SPDX-License-Identifier: ISC */
/* certseal scan: print the tokens of the QR codes in PNG or JPEG images
 * (a scanned or photographed paper certificate) and of PDF certificates. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_scan.h"

/* 1 (could not read) outranks 3 (no code), which outranks 0. */
static int worse(int a, int b)
{
    return cli_exit_worse(a, b);
}

/* The image's codes as text or as one JSON line (certseal/report_scan.h);
 * false when they cannot be rendered. */
static bool print_result(const char *image, const cs_scan_result *result, int status, bool json)
{
    char *text = NULL;
    cs_err err = json ? cs_report_scan_json(image, result,
                                            status == CLI_EXIT_OK           ? CS_OK
                                            : status == CLI_EXIT_NO_QR_CODE ? CS_ERR_NO_QR_CODE
                                                                            : CS_ERR_IMAGE,
                                            &text)
                      : cs_report_scan_text(result, &text);
    if (err != CS_OK)
        return false;
    fputs(text, stdout);
    if (json)
        putchar('\n');
    free(text);
    return true;
}

typedef struct scan_options {
    bool json;
} scan_options;

static const cli_option OPTIONS[] = {
    CLI_OPTION("json", 0, CLI_FLAG, scan_options, json, NULL,
               "one JSON object per image: {\"image\": NAME, \"tokens\": [...]}, with\n"
               "\"error\" when the image held no code or could not be read"),
    {0},
};

static int run(void *options, int argc, char **argv)
{
    const scan_options *o = options;
    cs_scanner_t *scanner = NULL;
    cs_scan_result result = {0};
    int worst = CLI_EXIT_OK, status;

    if (cs_scanner_new(&scanner) != CS_OK) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    for (int i = 0; i < argc; i++) {
        status = cli_scan_image(scanner, argv[i], &result);
        if (!print_result(argv[i], &result, status, o->json)) {
            /* jansson takes UTF-8 only, or failed to allocate */
            cli_error("%s: cannot write the result as JSON (is the name UTF-8?)", argv[i]);
            status = CLI_EXIT_FAILURE;
        }
        worst = worse(worst, status);
        cs_scan_result_clear(&result);
    }
    if (fflush(stdout) != 0) {
        cli_error("standard output: cannot write");
        worst = CLI_EXIT_FAILURE;
    }
    cs_scanner_free(&scanner);
    return worst;
}

const cli_command cmd_scan_entry = {
    .name = "scan",
    .summary = "read the QR codes in PNG or JPEG images, or the codes of PDF certificates",
    .usage = "[--json] IMAGE...",
    .description = "Reads the QR codes in each PNG or JPEG image (- for standard input) and prints\n"
                   "their text, one token per line, in reading order.  A PDF certificate gives\n"
                   "its attached token, else the codes of its images, else of its pages drawn\n"
                   "by pdftoppm, each line starting with its page: \"page 1 (attachment): \".\n"
                   "Exit status 0 when every file held a code; 3 when one held none; 1 when one\n"
                   "could not be read (the other files are still scanned; 1 outranks 3).\n",
    .options = OPTIONS,
    .options_size = sizeof(scan_options),
    .args_min = 1,
    .args_max = CLI_ARGS_ANY,
    .args_help = "give one or more PNG or JPEG images or PDF files (- for standard input)",
    .run = run,
};
