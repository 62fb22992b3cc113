/* SPDX-License-Identifier: ISC */
/* certseal qr: draw a token as a QR code (DESIGN §4), as a PNG or SVG file or
 * in the terminal, in its own form or re-encoded in the other one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "cli_qr.h"

typedef struct qr_command {
    cli_qr_options qr;
    cs_form form; /* CS_FORM_UNKNOWN: the input's own */
    const char *link_base;
    const char *out;
    const char *input;
    bool text, invert, force;
} qr_command;

static const cli_option OPTIONS[] = {
    CLI_OPTION("form", 0, CLI_CUSTOM, qr_command, form, "F",
               "offline (CS1:...) or link (HTTPS://...); default: the token's own\n"
               "form (offline for COSE bytes)",
               .parse = cli_parse_form),
    CLI_OPTION("link-base", 0, CLI_STRING, qr_command, link_base, "URL",
               "the link form's address; default: the link the token came in"),
    CLI_QR_OPTIONS(qr_command, qr),
    CLI_OPTION("out", 'o', CLI_CUSTOM, qr_command, out, "FILE",
               "write FILE.png or FILE.svg; --force replaces an existing FILE",
               .parse = cli_qr_parse_output),
    CLI_OPTION("force", 'f', CLI_FLAG, qr_command, force, NULL, "replace an existing FILE"),
    CLI_OPTION("text", 0, CLI_FLAG, qr_command, text, NULL,
               "draw the code on standard output instead"),
    CLI_OPTION("invert", 0, CLI_FLAG, qr_command, invert, NULL,
               "with --text: light modules as blocks, for dark terminals"),
    {0},
};

/* Whether the options make sense together; reports when they do not. */
static int check(void *options, int argc, char **argv)
{
    qr_command *c = options;

    if (c->text && c->out != NULL)
        return cli_usage_error("give either --out FILE or --text, not both");
    if (!c->text && c->out == NULL)
        return cli_usage_error("give --out FILE.png|FILE.svg, or --text to draw the code here");
    if (c->invert && !c->text)
        return cli_usage_error("--invert is for --text only");
    if (c->link_base != NULL && cs_token_check_link_base(c->link_base) != CS_OK)
        return cli_usage_error("--link-base: '%s' is not an http(s) URL without query or "
                               "fragment",
                               c->link_base);
    c->input = cli_token_argument(argc, argv, 0);
    return c->input != NULL ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* The token the code will carry, in c->form (resolved here from the
 * input's when not given); reports and returns an exit status. */
static int prepare_token(qr_command *c, const uint8_t *data, size_t len, const char *label,
                         char **token)
{
    cs_token_codec_t *codec = NULL;
    cs_form input_form = CS_FORM_UNKNOWN;
    cs_err err;

    if ((err = cs_token_codec_new(&codec)) == CS_OK)
        err = cs_token_convert(codec, data, len, c->form, c->link_base, &input_form, token);
    cs_token_codec_free(&codec);
    if (c->form == CS_FORM_UNKNOWN)
        c->form = input_form == CS_FORM_LINK ? CS_FORM_LINK : CS_FORM_OFFLINE;
    if (err == CS_OK)
        return CLI_EXIT_OK;
    if (err == CS_ERR_NO_MEMORY)
        cli_error("out of memory");
    else if (err == CS_ERR_ARGUMENT && input_form != CS_FORM_LINK)
        return cli_usage_error("%s: --form link needs --link-base URL (the verification "
                               "service's address, e.g. https://verify.example.org/v)",
                               label);
    else if (err == CS_ERR_ARGUMENT)
        cli_error("%s: the token's link has no usable base; give --link-base URL", label);
    else
        cli_error("%s: does not decode: %s (give CS1:..., a link, or a token file)", label,
                  cs_strerror(err));
    return err == CS_ERR_NO_MEMORY || err == CS_ERR_ARGUMENT ? CLI_EXIT_FAILURE
                                                             : CLI_EXIT_MALFORMED;
}

/* The width of the terminal the code is drawn on, in columns: COLUMNS when
 * set to a number, else the size of the terminal on stdout; 0 when unknown
 * (stdout is a file or a pipe). */
static unsigned long terminal_columns(void)
{
    const char *env = getenv("COLUMNS");
    struct winsize size;

    if (env != NULL && *env != '\0') {
        char *end;
        unsigned long columns = strtoul(env, &end, 10);
        if (*end == '\0' && columns > 0 && columns < 100000)
            return columns;
    }
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 0;
}

/* A code wider than the terminal wraps and cannot be scanned: says so. */
static void warn_if_too_wide(const qr_command *c, int version)
{
    unsigned long columns = terminal_columns();
    unsigned long width = 17ul + 4ul * (unsigned long)version + 2ul * c->qr.render.margin;

    if (columns != 0 && width > columns)
        fprintf(stderr,
                "certseal: qr: the code is %lu columns wide and the terminal %lu: it wraps and "
                "will not scan (widen the terminal, or write an image with --out FILE.png)\n",
                width, columns);
}

/* Prints the code as half blocks on stdout. */
static bool draw_text(const qr_command *c, const char *label, const char *token, int *version)
{
    cs_qr_t *qr = NULL;
    char *text = NULL;
    size_t text_len = 0;
    bool ok = false;
    cs_err err;

    if ((err = cs_qr_encode(token, c->qr.ecc, &qr)) != CS_OK ||
        (err = cs_qr_render_text(qr, c->qr.render.margin, c->invert, &text, &text_len)) != CS_OK) {
        if (err == CS_ERR_TOO_LARGE)
            cli_qr_report_too_large(label, token, c->qr.ecc);
        else
            cli_error("%s: cannot draw the QR code: %s", label, cs_strerror(err));
        goto done;
    }
    ok = cli_write_output("-", text, text_len, 0, false);
    *version = cs_qr_symbol_version(qr);
done:
    free(text);
    cs_qr_free(&qr);
    return ok;
}

static int run(void *options, int argc, char **argv)
{
    qr_command *c = options;
    char *token = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    const char *label;
    int version = 0, status;

    (void)argc, (void)argv;
    if (!cli_read_token_argument(c->input, &data, &len, &label))
        return CLI_EXIT_FAILURE;
    if ((status = prepare_token(c, data, len, label, &token)) != CLI_EXIT_OK)
        goto done;
    status = CLI_EXIT_FAILURE;
    if (c->text ? !draw_text(c, label, token, &version)
               : !cli_qr_write_file(c->out, token, &c->qr, c->force ? CS_FILE_REPLACE : 0,
                                   &version))
        goto done;
    fprintf(stderr, "certseal: qr: %s%s: %s form, %zu characters, QR version %d-%c, %d modules\n",
            c->text ? "drew " : "wrote ", c->text ? "the code" : c->out, cs_form_name(c->form),
            strlen(token), version, cs_qr_ecc_letter(c->qr.ecc), 17 + 4 * version);
    if (c->text)
        warn_if_too_wide(c, version);
    status = CLI_EXIT_OK;
done:
    free(token);
    free(data);
    return status;
}

static const qr_command DEFAULTS = {.qr = CLI_QR_OPTIONS_INIT};

const cli_command cmd_qr_entry = {
    .name = "qr",
    .summary = "draw a token as a QR code: PNG, SVG or the terminal",
    .usage = "[--form offline|link] [--link-base URL] [--ecc L|M|Q|H]\n"
             "           [--scale N] [--margin N] [--force] --out FILE.png|FILE.svg [TOKEN|FILE|-]\n"
             "--text [--invert] [--form ...] [--ecc ...] [--margin N] [TOKEN|FILE|-]",
    .description = "Draws a token (CS1:..., a link, or COSE bytes) as a QR code: a 1-bit PNG or an SVG\n"
                   "file (by the name's extension), or UTF-8 half blocks on standard output.\n",
    .options = OPTIONS,
    .options_size = sizeof(qr_command),
    .defaults = &DEFAULTS,
    .args_max = 1,
    .args_help = "give one token, file or -",
    .check = check,
    .run = run,
};
