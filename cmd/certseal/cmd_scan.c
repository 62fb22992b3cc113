/* SPDX-License-Identifier: ISC */
/* certseal scan: print the tokens of the QR codes in PNG or JPEG images
 * (a scanned or photographed paper certificate). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_scan.h"

static const char USAGE[] =
    "usage: certseal scan [--json] IMAGE...\n"
    "\n"
    "Reads the QR codes in each PNG or JPEG image (- for standard input) and prints\n"
    "their text, one token per line, in reading order.  Exit status 0 when every\n"
    "image held a code; 3 when an image held none; 1 when an image could not be read\n"
    "(the other images are still scanned; 1 outranks 3).\n"
    "  --json   one JSON object per image: {\"image\": NAME, \"tokens\": [...]}, with\n"
    "           \"error\" when the image held no code or could not be read\n";

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

static int parse(int argc, char **argv, bool *json)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            *json = true;
            break;
        case 'h':
            fputs(USAGE, stdout);
            exit(CLI_EXIT_OK);
        default:
            return cli_bad_option(opt, argv);
        }
    }
    if (optind == argc)
        return cli_usage_error("give one or more PNG or JPEG images (- for standard input)");
    return CLI_EXIT_OK;
}

int cmd_scan(int argc, char **argv)
{
    cs_scanner_t *scanner = NULL;
    cs_scan_result result = {0};
    bool json = false;
    int worst = CLI_EXIT_OK, status;

    if ((status = parse(argc, argv, &json)) != CLI_EXIT_OK)
        return status;
    if (cs_scanner_new(&scanner) != CS_OK) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    for (int i = optind; i < argc; i++) {
        status = cli_scan_image(scanner, argv[i], &result);
        if (!print_result(argv[i], &result, status, json)) {
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
