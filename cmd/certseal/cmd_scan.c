/* SPDX-License-Identifier: ISC */
/* certseal scan: print the tokens of the QR codes in PNG or JPEG images
 * (a scanned or photographed paper certificate). */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "cli_scan.h"

/* 1 (could not read) outranks 3 (no code), which outranks 0. */
static int worse(int a, int b)
{
    return cli_exit_worse(a, b);
}

/* A code's text is printed escaped (certseal/text.h): a token never holds
 * a control character, but a code on the page may. */
static bool print_text(const cs_scan_result *result)
{
    for (size_t i = 0; i < result->count; i++) {
        size_t need = cs_text_escape(result->symbols[i].text, result->symbols[i].len, NULL, 0);
        char *safe = malloc(need + 1);
        if (safe == NULL) {
            cli_error("out of memory");
            return false;
        }
        (void)cs_text_escape(result->symbols[i].text, result->symbols[i].len, safe, need + 1);
        puts(safe);
        free(safe);
    }
    return true;
}

static bool print_json(const char *image, const cs_scan_result *result, int status)
{
    json_t *tokens = json_array(), *object = NULL;
    char *text = NULL;
    bool ok = false;

    if (tokens == NULL)
        goto done;
    for (size_t i = 0; i < result->count; i++)
        if (json_array_append_new(
                tokens, json_stringn(result->symbols[i].text, result->symbols[i].len)) != 0)
            goto done;
    object = json_pack("{s:s, s:O}", "image", image, "tokens", tokens);
    if (object == NULL)
        goto done;
    if (status != CLI_EXIT_OK &&
        json_object_set_new(object, "error",
                            json_string(status == CLI_EXIT_NO_QR_CODE
                                            ? "no QR code found"
                                            : "the image could not be read")) != 0)
        goto done;
    if ((text = json_dumps(object, JSON_COMPACT | JSON_ENSURE_ASCII)) == NULL ||
        cs_text_escape_json(&text) != CS_OK)
        goto done;
    printf("%s\n", text);
    ok = true;
done:
    free(text);
    json_decref(object);
    json_decref(tokens);
    return ok;
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
        if (!(o->json ? print_json(argv[i], &result, status) : print_text(&result))) {
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
    .summary = "read the QR codes in PNG or JPEG images and print their tokens",
    .usage = "[--json] IMAGE...",
    .description = "Reads the QR codes in each PNG or JPEG image (- for standard input) and prints\n"
                   "their text, one token per line, in reading order.  Exit status 0 when every\n"
                   "image held a code; 3 when an image held none; 1 when an image could not be read\n"
                   "(the other images are still scanned; 1 outranks 3).\n",
    .options = OPTIONS,
    .options_size = sizeof(scan_options),
    .args_min = 1,
    .args_max = CLI_ARGS_ANY,
    .args_help = "give one or more PNG or JPEG images (- for standard input)",
    .run = run,
};
