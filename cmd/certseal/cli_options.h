/* SPDX-License-Identifier: ISC */
/*
 * cmd/certseal/cli_options.h - options as data (STYLE 19).  Each command
 * declares a cli_command: its options (name, kind, where the value goes,
 * bounds, help), its usage and the function that runs it.  One parser
 * (cli_command_run()) reads argv into the command's options struct, checks
 * bounds and the number of arguments, prints --help from the same table and
 * then calls the command; the command keeps only its cross-option checks.
 * tests/docs/check-options.py holds every table against certseal(1).
 */
#ifndef CERTSEAL_CLI_OPTIONS_H
#define CERTSEAL_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The most values one repeatable option (CLI_LIST) takes. */
#define CLI_LIST_MAX 64

/* What a CLI_LIST option collects: its values in the order given, borrowed
 * from argv. */
typedef struct cli_list {
    const char *items[CLI_LIST_MAX];
    size_t count;
} cli_list;

/* The kind of an option says how its value is read and what type the field
 * it names has. */
typedef enum cli_option_kind {
    CLI_FLAG,     /* bool, set when the option is given; takes no value */
    CLI_STRING,   /* const char *, the value as given (borrowed from argv) */
    CLI_PATH,     /* const char *, a file or folder name; "-" only where the help says */
    CLI_KEY,      /* const char *, a private key reference (a PEM file) */
    CLI_UNSIGNED, /* uint64_t, a whole number from min to max */
    CLI_DATE,     /* int64_t, YYYY-MM-DD or an RFC 3339 date-time, in seconds */
    CLI_DURATION, /* int64_t seconds: N, or N followed by s, m, h or d; at most max days */
    CLI_LIST,     /* cli_list, every value of a repeated option; at most max of them */
    CLI_CUSTOM,   /* parse(value, field): anything else */
} cli_option_kind;

typedef struct cli_option {
    const char *name;       /* the long name, without "--"; NULL ends a table */
    char short_name;        /* the one-letter form, 0 for none */
    cli_option_kind kind;
    size_t offset;          /* of its field in the command's options struct */
    const char *value_name; /* the value in --help ("FILE", "DATE"); NULL for CLI_FLAG */
    uint64_t min, max;      /* CLI_UNSIGNED: bounds; CLI_DURATION: max days; CLI_LIST: count */
    /* CLI_CUSTOM: reads value into field; reports (cli_usage_error()) and
     * returns false when it is not acceptable. */
    bool (*parse)(const char *option, const char *value, void *field);
    const char *help; /* what it does and its default, lines separated by '\n' */
} cli_option;

/* A table entry for a field of the options struct `type`. */
#define CLI_OPTION(long_name, letter, option_kind, type, field, value, text, ...)                  \
    {                                                                                              \
        .name = (long_name), .short_name = (letter), .kind = (option_kind),                        \
        .offset = offsetof(type, field), .value_name = (value), .help = (text), __VA_ARGS__        \
    }

/* args_max of a command that takes any number of arguments. */
#define CLI_ARGS_ANY 0xffffffffu

typedef struct cli_command cli_command;

struct cli_command {
    const char *name;        /* "verify", or "publish" for a subcommand of "status" */
    const char *summary;     /* one line for certseal --help */
    const char *usage;       /* the synopsis after "certseal NAME ", lines separated by '\n' */
    const char *description; /* what --help says before the options; may be NULL */
    const cli_option *options;   /* ends with an entry whose name is NULL; may be NULL */
    size_t options_size;         /* sizeof the options struct */
    const void *defaults;        /* its values before parsing; NULL: all zero */
    unsigned args_min, args_max; /* how many arguments follow the options */
    const char *args_help;       /* what to give, for the message when too few or too many */
    /* Cross-option checks, and defaults that depend on other options;
     * reports and returns CLI_EXIT_USAGE, or CLI_EXIT_OK.  May be NULL. */
    int (*check)(void *options, int argc, char **argv);
    /* Runs the command with its checked options and its argc arguments;
     * returns the exit status.  NULL for a command of subcommands. */
    int (*run)(void *options, int argc, char **argv);
    const cli_command *const *subcommands; /* NULL-terminated, or NULL */
};

/*
 * Runs cmd with argv[0] its name and the options and arguments after it:
 * parses them into a fresh options struct, answers --help (exit 0), checks
 * bounds, the number of arguments and cmd->check, then calls cmd->run.  A
 * command with subcommands passes argv[1..] on to the one argv[1] names.
 * Returns the exit status; a usage error (reported) is CLI_EXIT_USAGE.
 */
int cli_command_run(const cli_command *cmd, int argc, char **argv);

/* Prints cmd's --help: usage, description and the option table. */
void cli_command_help(const cli_command *cmd, FILE *out);

/* The options shared by the commands that read an encrypted private key,
 * for a cli_passphrase_source member of the options struct `type`; with
 * the PIN of a key in a PKCS#11 token. */
#define CLI_PASSPHRASE_OPTIONS(type, member, what)                                                 \
    CLI_OPTION("passphrase-file", 0, CLI_PATH, type, member.file, "FILE",                          \
               what " from the first line of FILE"),                                               \
        CLI_OPTION("passphrase-fd", 0, CLI_CUSTOM, type, member.fd, "N",                           \
                   what " from the first line read from descriptor N",                             \
                   .parse = cli_parse_descriptor),                                                 \
        CLI_OPTION("pin-file", 0, CLI_PATH, type, member.pin_file, "FILE",                         \
                   "a pkcs11: key's token PIN from the first line of FILE"),                       \
        CLI_OPTION("pin-fd", 0, CLI_CUSTOM, type, member.pin_fd, "N",                              \
                   "a pkcs11: key's token PIN from the first line read from descriptor N",         \
                   .parse = cli_parse_descriptor)

/* CLI_CUSTOM reader of a descriptor number into an int. */
bool cli_parse_descriptor(const char *option, const char *value, void *field);

#endif
