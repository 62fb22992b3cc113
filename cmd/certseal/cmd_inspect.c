/* SPDX-License-Identifier: ISC */
/* certseal inspect: decode a token without verifying it and show all of it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cli_qr.h"

typedef struct inspect_options {
    bool json, force;
    const char *cose_out;
    cs_qr_ecc ecc;
    const char *input; /* the token argument, "-" for standard input */
} inspect_options;

static const cli_option OPTIONS[] = {
    CLI_OPTION("json", 0, CLI_FLAG, inspect_options, json, NULL, "the report as JSON"),
    CLI_OPTION("ecc", 0, CLI_CUSTOM, inspect_options, ecc, "L|M|Q|H",
               "error correction level for the QR version (default M)",
               .parse = cli_qr_parse_ecc),
    CLI_OPTION("cose-out", 0, CLI_PATH, inspect_options, cose_out, "FILE",
               "also write the token's COSE_Sign1 bytes to FILE"),
    CLI_OPTION("force", 0, CLI_FLAG, inspect_options, force, NULL, "replace FILE if it exists"),
    {0},
};

static int check(void *options, int argc, char **argv)
{
    inspect_options *o = options;
    o->input = cli_token_argument(argc, argv, 0);
    return o->input != NULL ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* Writes the token's COSE_Sign1 bytes, for tools that read COSE. */
static bool write_cose(const char *path, const uint8_t *token, size_t len, bool force)
{
    cs_token_codec_t *codec = NULL;
    const uint8_t *cose;
    size_t cose_len;
    cs_form form;
    bool ok = false;

    if (cs_token_codec_new(&codec) != CS_OK) {
        cli_error("out of memory");
        return false;
    }
    if (cs_token_unwrap(codec, token, len, &form, &cose, &cose_len) == CS_OK)
        ok = cli_write_output(path, cose, cose_len, 0644, force);
    cs_token_codec_free(&codec);
    return ok;
}

/* Sets root's "qr" to the QR version and modules the token text needs at
 * ecc (null for COSE bytes, which are not printed as they are). */
static void set_qr(json_t *root, const uint8_t *data, size_t len, cs_qr_ecc ecc)
{
    const char *form = json_string_value(json_object_get(root, "form"));
    char letter[2] = {cs_qr_ecc_letter(ecc), '\0'}, *text;
    int version = 0, modules = 0;
    cs_err err;

    if (form == NULL || (strcmp(form, "offline") != 0 && strcmp(form, "link") != 0)) {
        json_object_set_new(root, "qr", json_null());
        return;
    }
    while (len > 0 && isspace(data[len - 1]))
        len--;
    while (len > 0 && isspace(data[0])) {
        data++;
        len--;
    }
    if ((text = strndup((const char *)data, len)) == NULL)
        return;
    err = cs_qr_version(text, ecc, &version, &modules);
    free(text);
    if (err == CS_OK)
        json_object_set_new(root, "qr",
                            json_pack("{s:s, s:i, s:i}", "error_correction", letter, "version",
                                      version, "modules", modules));
    else
        json_object_set_new(root, "qr",
                            json_pack("{s:s, s:s}", "error_correction", letter, "error",
                                      err == CS_ERR_TOO_LARGE
                                          ? "too long for any QR version at this level"
                                          : cs_strerror(err)));
}

/* Renders the inspection JSON as indented "key: value" lines. */
static void print_value(const char *key, json_t *value, int depth)
{
    const char *k;
    json_t *v;
    size_t i;
    char safe[CLI_ESCAPED_SIZE(CS_TEXT_MAX)];

    if (depth > 0)
        printf("%*s", depth * 2, "");
    if (key != NULL)
        printf("%s:", cli_escape(key, safe, sizeof(safe)));
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        printf("\n");
        json_object_foreach(value, k, v) print_value(k, v, depth + 1);
        return;
    case JSON_ARRAY:
        if (json_array_size(value) == 0) {
            printf(" (none)\n");
            return;
        }
        printf("\n");
        json_array_foreach(value, i, v) print_value("-", v, depth + 1);
        return;
    case JSON_STRING:
        printf(" %s\n", cli_escape(json_string_value(value), safe, sizeof(safe)));
        return;
    case JSON_INTEGER:
        printf(" %lld\n", (long long)json_integer_value(value));
        return;
    case JSON_REAL:
        printf(" %.0f\n", json_real_value(value));
        return;
    case JSON_TRUE:
    case JSON_FALSE:
        printf(" %s\n", json_is_true(value) ? "yes" : "no");
        return;
    case JSON_NULL:
        printf(" -\n");
        return;
    }
}

static int run(void *options, int argc, char **argv)
{
    const inspect_options *o = options;
    uint8_t *data = NULL;
    size_t len = 0;
    char *report = NULL, detail[300] = "";
    const char *label;
    json_t *root = NULL;
    int status = CLI_EXIT_FAILURE;
    cs_err err;

    (void)argc, (void)argv;
    if (!cli_read_token_argument(o->input, &data, &len, &label))
        return CLI_EXIT_FAILURE;
    err = cs_report_inspect_json(data, len, o->json ? CS_REPORT_PRETTY : 0, &report, detail,
                                 sizeof(detail));
    if (err != CS_OK) {
        cli_error("%s: does not decode: %s", label, detail[0] ? detail : cs_strerror(err));
        status = err == CS_ERR_NO_MEMORY ? CLI_EXIT_FAILURE : CLI_EXIT_MALFORMED;
        goto done;
    }
    if (o->cose_out != NULL && !write_cose(o->cose_out, data, len, o->force))
        goto done;
    if ((root = json_loads(report, 0, NULL)) == NULL) {
        cli_error("out of memory");
        goto done;
    }
    set_qr(root, data, len, o->ecc);
    if (o->json) {
        free(report);
        if ((report = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2))) == NULL ||
            cs_text_escape_json(&report) != CS_OK) {
            cli_error("out of memory");
            goto done;
        }
        printf("%s\n", report);
    } else {
        printf("NOT VERIFIED: decoded only (certseal verify checks the signatures)\n");
        print_value(NULL, root, -1);
    }
    status = CLI_EXIT_OK;
done:
    json_decref(root);
    free(report);
    free(data);
    return status;
}

static const inspect_options DEFAULTS = {.ecc = CS_QR_DEFAULT_ECC};

const cli_command cmd_inspect_entry = {
    .name = "inspect",
    .summary = "decode a token without verifying it",
    .usage = "[--json] [--ecc L|M|Q|H] [--cose-out FILE [--force]]\n"
             "           [TOKEN|FILE|-]",
    .description = "Decodes a token (CS1:..., a link, COSE bytes or hex; also an accreditation\n"
                   "credential file) WITHOUT verifying it, and shows every header and claim, the\n"
                   "certificate or accreditation in readable form, the token's size and the QR\n"
                   "version it needs.  Use certseal verify to trust it.\n",
    .options = OPTIONS,
    .options_size = sizeof(inspect_options),
    .defaults = &DEFAULTS,
    .args_max = 1,
    .args_help = "give one token, file or -",
    .check = check,
    .run = run,
};
