#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/docs/check-layers.py BUILD - the layers of docs/architecture.md hold.

  - the modules of pkg/ call each other without a loop: the graph of which
    object file uses a symbol another defines (nm) is acyclic;
  - the headers of pkg/ include each other without a loop;
  - every module of the verifying core (the objects in
    BUILD/libcertseal-core.a) uses only modules of the core.

Prints each problem and exits 1 when there is one.
"""
import glob
import os
import re
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRC":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def cycle(graph):
    """One cycle of graph (a list of nodes), or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    problems = []

    defined, used = {}, {}
    for obj in sorted(glob.glob(os.path.join(build, "pkg", "*.o"))):
        module = os.path.basename(obj)[:-2]
        defined[module], used[module] = symbols(obj)
    if not defined:
        print(f"check-layers: no objects under {build}/pkg (run make first)")
        return 1
    owner = {s: m for m, syms in defined.items() for s in syms}
    calls = {m: {owner[s] for s in used[m] if s in owner and owner[s] != m} for m in defined}
    found = cycle(calls)
    if found:
        problems.append("modules call each other in a loop: " + " -> ".join(found))

    includes = {}
    for header in glob.glob("pkg/*.h") + glob.glob("pkg/*.c") + glob.glob("pkg/include/certseal/*.h"):
        name = os.path.basename(header)
        with open(header, encoding="utf-8") as f:
            includes[name] = {os.path.basename(i) for i in re.findall(r'#include "([^"]+)"', f.read())}
    # A .c file is its own node: only header-to-header loops count.
    header_graph = {n: {i for i in inc if i.endswith(".h")} for n, inc in includes.items()
                    if n.endswith(".h")}
    found = cycle(header_graph)
    if found:
        problems.append("headers include each other in a loop: " + " -> ".join(found))

    archive = os.path.join(build, "libcertseal-core.a")
    out = subprocess.run(["ar", "t", archive], capture_output=True, text=True)
    if out.returncode != 0:
        problems.append(f"cannot list {archive}")
    else:
        core = {name[:-2] for name in out.stdout.split()}
        for module in sorted(core):
            for other in sorted(calls.get(module, ())):
                if other not in core:
                    problems.append(f"core module {module} uses {other}, which is not in the core")

    for p in problems:
        print("check-layers: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
