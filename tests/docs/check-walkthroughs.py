#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Runs the walk-throughs of Markdown files, in order, and checks what they show.

Usage: python3 tests/docs/check-walkthroughs.py path/to/certseal FILE.md...

Run from the top of the source tree.  In a ```sh block:
  - a line starting "$ " is a command; a command line ending in a backslash
    goes on, indented, on the next line;
  - the lines after a command, up to the next command or the end of the
    block, are what it prints on standard output.  A line "..." stands for
    any number of lines, "..." inside a line for any text.  A command with
    no lines after it may print anything;
  - a command exits 0, unless it ends in the comment "# exit N".
Other blocks (```text, ```c, ...) are not run.

Every ```sh block of a file runs in one shell, in the order of the file, so
a `cd` or an `export` holds for the commands after it; the shell starts at
the top of the source tree with the directory of certseal first on PATH and
TMPDIR in a scratch folder removed afterwards.  The first command that fails
or prints something else stops that file.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

EXIT_COMMENT = re.compile(r"#\s*exit\s+(\d+)\s*$")


class Command:
    def __init__(self, source, line):
        self.source = source
        self.line = line
        self.text = ""
        self.expected = []
        self.status = 0


def parse(path):
    """The commands of the ```sh blocks of path."""
    commands = []
    in_sh = in_other = False
    current = None
    continuing = False
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            fence = line.strip()
            if fence.startswith("```"):
                if in_sh or in_other:
                    in_sh = in_other = False
                    current = None
                elif fence == "```sh":
                    in_sh = True
                else:
                    in_other = True
                continue
            if not in_sh:
                continue
            if continuing:
                current.text += "\n" + line
                continuing = line.endswith("\\")
                continue
            if line.startswith("$ "):
                current = Command(path, number)
                current.text = line[2:]
                commands.append(current)
                continuing = line.endswith("\\")
                continue
            if current is None:
                if line.strip():
                    raise SystemExit("%s:%d: output before any command" % (path, number))
                continue
            current.expected.append(line)
    for c in commands:
        m = EXIT_COMMENT.search(c.text)
        if m:
            c.status = int(m.group(1))
        while c.expected and not c.expected[-1].strip():
            c.expected.pop()
    return commands


def line_matches(pattern, line):
    parts = pattern.split("...")
    regex = ".*".join(re.escape(p) for p in parts)
    return re.fullmatch(regex, line) is not None


def output_matches(expected, actual):
    """expected (lines, "..." as a wildcard line) matches actual (lines)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(output_matches(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and line_matches(head, actual[0]) and output_matches(rest, actual[1:])


def run_file(path, certseal_dir, scratch):
    commands = parse(path)
    if not commands:
        return 0, 0
    results = os.path.join(scratch, "results")
    os.makedirs(results, exist_ok=True)
    # A command ending in & leaves a job; the shell stops its jobs as it ends.
    script = ["set -u", "trap 'kill $(jobs -p) 2>/dev/null' EXIT"]
    for i, c in enumerate(commands):
        out = os.path.join(results, "%d" % i)
        script.append("{\n%s\n} >'%s.out' 2>'%s.err' </dev/null" % (c.text, out, out))
        script.append("echo $? >'%s.rc'" % out)
        script.append("[ \"$(cat '%s.rc')\" = %d ] || exit 0" % (out, c.status))
    env = dict(os.environ)
    env["PATH"] = certseal_dir + os.pathsep + env.get("PATH", "")
    env["TMPDIR"] = scratch
    env.pop("COLUMNS", None)
    try:
        subprocess.run(["sh", "-c", "\n".join(script)], env=env, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        print("FAIL: %s: the walk-through did not finish in 300 seconds" % path)
        return len(commands), 1
    failures = 0
    for i, c in enumerate(commands):
        base = os.path.join(results, "%d" % i)
        first = c.text.splitlines()[0]
        if not os.path.exists(base + ".rc"):
            print("FAIL: %s:%d: did not run: $ %s" % (path, c.line, first))
            failures += 1
            break
        status = int(open(base + ".rc").read().strip() or "-1")
        out = open(base + ".out", encoding="utf-8", errors="replace").read().splitlines()
        err = open(base + ".err", encoding="utf-8", errors="replace").read()
        problem = None
        if status != c.status:
            problem = "exit status %d, the text says %d" % (status, c.status)
        elif c.expected and not output_matches(c.expected, out):
            problem = "printed something else than the text shows"
        if problem:
            print("FAIL: %s:%d: $ %s: %s" % (path, c.line, first, problem))
            print("  shown:")
            for e in c.expected:
                print("    | " + e)
            print("  printed:")
            for o in out[:40]:
                print("    | " + o)
            if err:
                print("  stderr:")
                for e in err.splitlines()[:10]:
                    print("    | " + e)
            failures += 1
            break
    return len(commands), failures


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    certseal = os.path.abspath(sys.argv[1])
    total = failed = 0
    for path in sys.argv[2:]:
        bindir = tempfile.mkdtemp(prefix="certseal-walk.")
        try:
            os.symlink(certseal, os.path.join(bindir, "certseal"))
            count, failures = run_file(path, bindir, bindir)
        finally:
            shutil.rmtree(bindir, ignore_errors=True)
        total += count
        failed += failures
    print("walk-throughs: %d command(s) in %d file(s), %d failed" % (total, len(sys.argv) - 2, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
