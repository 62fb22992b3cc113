#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Holds every command's option table against certseal(1).

The tables are read from the program itself (`certseal COMMAND --help`
prints them); the man page's options of a command are the `Fl -name` of its
SYNOPSIS lines.  Each table option must be in the command's SYNOPSIS, and
each SYNOPSIS option must be in the table.

Usage: check-options.py path/to/certseal docs/certseal.1
"""
import re
import subprocess
import sys

OPTION = re.compile(r"^  (?:-., )?--([a-z0-9-]+)")
FL = re.compile(r"Fl -([a-z0-9-]+)")


def run(program, *args):
    return subprocess.run([program, *args], capture_output=True, text=True, check=True).stdout


def commands(program):
    """The commands of `certseal --help`."""
    out, on = [], False
    for line in run(program, "--help").splitlines():
        if line == "commands:":
            on = True
        elif on and not line.strip():
            break
        elif on:
            out.append(line.split()[0])
    return out


def table_options(program, command):
    """The options of COMMAND's table (its subcommands' for `status`)."""
    return {m.group(1) for line in run(program, command, "--help").splitlines()
            if (m := OPTION.match(line))}


def man_synopsis(page):
    """{command: the options of its SYNOPSIS lines} from certseal(1)."""
    lines = open(page, encoding="utf-8").read().splitlines()
    synopsis, current, where = {}, None, None
    for i, line in enumerate(lines):
        if line.startswith(".Sh "):
            where, current = line[4:], None
        elif where == "SYNOPSIS" and line.startswith(".Cm ") and lines[i - 1] == ".Nm":
            current = line[4:]
            synopsis.setdefault(current, set())
        elif where == "SYNOPSIS" and current is not None:
            synopsis[current].update(FL.findall(line))
    return synopsis


def main():
    program, page = sys.argv[1], sys.argv[2]
    synopsis = man_synopsis(page)
    failures = 0
    for command in commands(program):
        table = table_options(program, command)
        documented = synopsis.get(command, set())
        problems = [f"--{name} is in its option table but not in the SYNOPSIS of certseal(1)"
                    for name in sorted(table - documented)]
        problems += [f"--{name} is in the SYNOPSIS of certseal(1) but not in its option table"
                     for name in sorted(documented - table)]
        for problem in problems:
            print(f"FAIL: {command}: {problem}")
        failures += len(problems)
    print(f"check-options: {failures} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
