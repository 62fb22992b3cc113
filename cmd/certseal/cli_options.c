/* SPDX-License-Identifier: ISC */
/* The one option parser (cli_options.h): getopt_long over a command's table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_options.h"

/* getopt_long's value of the option at table index i; below it, the
 * one-letter forms and ':' / '?'. */
#define OPTION_VALUE_BASE 256
#define HELP_COLUMN 24
#define SHORT_OPTIONS_MAX 64

static size_t option_count(const cli_command *cmd)
{
    size_t n = 0;
    while (cmd->options != NULL && cmd->options[n].name != NULL)
        n++;
    return n;
}

/* ---- --help ---------------------------------------------------------------- */

/* Writes text with every line after the first indented to the help column. */
static void print_indented(FILE *out, const char *text)
{
    for (const char *line = text; line != NULL;) {
        const char *end = strchr(line, '\n');
        fprintf(out, "%.*s\n", end != NULL ? (int)(end - line) : (int)strlen(line), line);
        if ((line = end != NULL ? end + 1 : NULL) != NULL)
            fprintf(out, "%*s", HELP_COLUMN, "");
    }
}

static void print_option(FILE *out, const cli_option *option)
{
    char left[80], letter[5] = "";
    int n;

    if (option->short_name != 0)
        snprintf(letter, sizeof(letter), "-%c, ", option->short_name);
    n = snprintf(left, sizeof(left), "  %s--%s%s%s", letter, option->name,
                 option->value_name != NULL ? " " : "",
                 option->value_name != NULL ? option->value_name : "");
    if (n >= HELP_COLUMN - 1)
        fprintf(out, "%s\n%*s", left, HELP_COLUMN, "");
    else
        fprintf(out, "%-*s", HELP_COLUMN, left);
    print_indented(out, option->help);
}

void cli_command_help(const cli_command *cmd, FILE *out)
{
    const char *prefix = "usage: ";

    /* A line of the usage is a form of the command; one that starts with a
     * space goes on with the form above. */
    for (const char *line = cmd->usage; line != NULL; prefix = "       ") {
        const char *end = strchr(line, '\n');
        int len = end != NULL ? (int)(end - line) : (int)strlen(line);
        if (line[0] == ' ')
            fprintf(out, "%.*s\n", len, line);
        else
            fprintf(out, "%scertseal %s %.*s\n", prefix, cli_command_name, len, line);
        line = end != NULL ? end + 1 : NULL;
    }
    if (cmd->description != NULL)
        fprintf(out, "\n%s", cmd->description);
    if (option_count(cmd) > 0)
        fprintf(out, "\noptions:\n");
    for (size_t i = 0; i < option_count(cmd); i++)
        print_option(out, &cmd->options[i]);
    for (size_t i = 0; cmd->subcommands != NULL && cmd->subcommands[i] != NULL; i++) {
        const cli_command *sub = cmd->subcommands[i];
        if (option_count(sub) == 0)
            continue;
        fprintf(out, "\noptions of %s:\n", sub->name);
        for (size_t j = 0; j < option_count(sub); j++)
            print_option(out, &sub->options[j]);
    }
}

/* ---- values ---------------------------------------------------------------- */

bool cli_parse_descriptor(const char *option, const char *value, void *field)
{
    uint64_t fd;
    if (!cli_parse_uint(option, value, 1024, &fd))
        return false;
    *(int *)field = (int)fd;
    return true;
}

static bool read_unsigned(const cli_option *option, const char *label, const char *value,
                          uint64_t *out)
{
    if (!cli_parse_uint(label, value, option->max, out))
        return false;
    if (*out >= option->min)
        return true;
    cli_usage_error("%s: at least %llu (give %llu to %llu)", label,
                    (unsigned long long)option->min, (unsigned long long)option->min,
                    (unsigned long long)option->max);
    return false;
}

/* Stores value (NULL for a flag) in the field the option names. */
static bool store(const cli_option *option, const char *value, void *options)
{
    void *field = (char *)options + option->offset;
    char label[64];

    snprintf(label, sizeof(label), "--%s", option->name);
    switch (option->kind) {
    case CLI_FLAG:
        *(bool *)field = true;
        return true;
    case CLI_STRING:
    case CLI_PATH:
    case CLI_KEY:
        *(const char **)field = value;
        return true;
    case CLI_UNSIGNED:
        return read_unsigned(option, label, value, field);
    case CLI_DATE:
        return cli_parse_date(label, value, field);
    case CLI_DURATION:
        return cli_parse_duration(label, value, option->max, field);
    case CLI_LIST: {
        cli_list *list = field;
        size_t max = option->max > 0 && option->max < CLI_LIST_MAX ? option->max : CLI_LIST_MAX;
        if (list->count == max) {
            cli_usage_error("%s: at most %zu values", label, max);
            return false;
        }
        list->items[list->count++] = value;
        return true;
    }
    case CLI_CUSTOM:
        return option->parse(label, value, field);
    }
    return false;
}

/* ---- parsing --------------------------------------------------------------- */

/* Reports getopt's '?' or ':' for argv and returns CLI_EXIT_USAGE. */
static int bad_option(int opt, char **argv)
{
    const char *arg = argv[optind - 1];
    if (opt == ':')
        return cli_usage_error("option '%s' needs a value (see certseal %s --help)", arg,
                               cli_command_name);
    if (optopt != 0 && strncmp(arg, "--", 2) != 0)
        return cli_usage_error("unknown option '-%c' (see certseal %s --help)", optopt,
                               cli_command_name);
    return cli_usage_error("unknown option '%s' (see certseal %s --help)", arg, cli_command_name);
}

/* Fills getopt_long's tables from the command's: long options (and --help)
 * in longopts, one-letter forms in shortopts. */
static void build_getopt_tables(const cli_command *cmd, struct option *longopts, char *shortopts)
{
    size_t n = option_count(cmd), s = 0;

    shortopts[s++] = ':';
    for (size_t i = 0; i < n; i++) {
        const cli_option *option = &cmd->options[i];
        int has_value = option->kind == CLI_FLAG ? no_argument : required_argument;
        longopts[i] = (struct option){option->name, has_value, NULL, OPTION_VALUE_BASE + (int)i};
        if (option->short_name != 0 && s + 3 < SHORT_OPTIONS_MAX) {
            shortopts[s++] = option->short_name;
            if (has_value == required_argument)
                shortopts[s++] = ':';
        }
    }
    longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[n + 1] = (struct option){NULL, 0, NULL, 0};
    shortopts[s++] = 'h';
    shortopts[s] = '\0';
}

/* The table index of the option getopt_long returned as opt, or -1. */
static int option_index(const cli_command *cmd, int opt)
{
    if (opt >= OPTION_VALUE_BASE)
        return opt - OPTION_VALUE_BASE;
    for (size_t i = 0; i < option_count(cmd); i++)
        if (cmd->options[i].short_name != 0 && cmd->options[i].short_name == opt)
            return (int)i;
    return -1;
}

/* Parses argv into options; *first_arg is the index of the first argument
 * after the options.  Returns CLI_EXIT_OK, CLI_EXIT_USAGE (reported), or
 * -1 when --help was asked for. */
static int parse(const cli_command *cmd, int argc, char **argv, void *options, int *first_arg)
{
    size_t n = option_count(cmd);
    struct option *longopts = calloc(n + 2, sizeof(*longopts));
    char shortopts[SHORT_OPTIONS_MAX];
    int opt, status = CLI_EXIT_OK;

    if (longopts == NULL) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    build_getopt_tables(cmd, longopts, shortopts);
    optind = 0;
    opterr = 0;
    while (status == CLI_EXIT_OK && (opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int i = option_index(cmd, opt);
        if (opt == 'h' && i < 0)
            status = -1;
        else if (i < 0)
            status = bad_option(opt, argv);
        else if (!store(&cmd->options[i], optarg, options))
            status = CLI_EXIT_USAGE;
    }
    *first_arg = optind;
    free(longopts);
    return status;
}

static int check_argument_count(const cli_command *cmd, int count, char **args)
{
    if ((unsigned)count > cmd->args_max && cmd->args_help == NULL)
        return cli_usage_error("unexpected argument '%s' (see certseal %s --help)",
                               args[cmd->args_max], cli_command_name);
    if ((unsigned)count > cmd->args_max)
        return cli_usage_error("%s (see certseal %s --help)", cmd->args_help, cli_command_name);
    if ((unsigned)count < cmd->args_min)
        return cli_usage_error("%s (see certseal %s --help)",
                               cmd->args_help != NULL ? cmd->args_help : "an argument is missing",
                               cli_command_name);
    return CLI_EXIT_OK;
}

/* A command of subcommands ("status publish"): messages keep the
 * command's name, and each subcommand's usage starts with its own. */
static int run_subcommand(const cli_command *cmd, int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cli_command_help(cmd, stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; argc >= 2 && cmd->subcommands[i] != NULL; i++)
        if (strcmp(argv[1], cmd->subcommands[i]->name) == 0)
            return cli_command_run(cmd->subcommands[i], argc - 1, argv + 1);
    if (argc < 2)
        return cli_usage_error("%s (see certseal %s --help)", cmd->args_help, cli_command_name);
    return cli_usage_error("unknown action '%s'; %s (see certseal %s --help)", argv[1],
                           cmd->args_help, cli_command_name);
}

int cli_command_run(const cli_command *cmd, int argc, char **argv)
{
    void *options = NULL;
    int first_arg = 0, status;

    if (cmd->subcommands != NULL)
        return run_subcommand(cmd, argc, argv);
    if ((options = calloc(1, cmd->options_size > 0 ? cmd->options_size : 1)) == NULL) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    if (cmd->defaults != NULL)
        memcpy(options, cmd->defaults, cmd->options_size);
    status = parse(cmd, argc, argv, options, &first_arg);
    if (status == -1) {
        cli_command_help(cmd, stdout);
        status = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
        goto fail;
    }
    if (status == CLI_EXIT_OK)
        status = check_argument_count(cmd, argc - first_arg, argv + first_arg);
    if (status == CLI_EXIT_OK && cmd->check != NULL)
        status = cmd->check(options, argc - first_arg, argv + first_arg);
    if (status == CLI_EXIT_OK)
        status = cmd->run(options, argc - first_arg, argv + first_arg);
fail:
    free(options);
    return status;
}
