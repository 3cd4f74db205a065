#!/usr/bin/env python3
"""Generate benchmark inputs for kblint from the healthy fixture pair.

  gen.py runbook OUT_DIR STEPS     two nodes; NODE1 carries a runbook of STEPS steps
  gen.py fleet OUT_DIR CLUSTERS    CLUSTERS two-node clusters (2 x CLUSTERS snapshot files)
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures", "healthy")


def read(name):
    with open(os.path.join(FIX, name), encoding="utf-8") as f:
        return f.read()


def with_cluster(text, name):
    return re.sub(r'(\[cluster\]\s*\nname\s*=\s*)"[^"]*"', r'\1"%s"' % name, text, count=1)


CYCLE = [
    ('stop_service', 'service = "ClusSvc"'),
    ('set_service_startup', 'service = "ClusSvc"\nstart_type = "manual"'),
    ('start_service', 'service = "ClusSvc"'),
    ('set_service_startup', 'service = "ClusSvc"\nstart_type = "automatic"'),
    ('restart_node', ''),
]


def runbook(out, steps):
    os.makedirs(out, exist_ok=True)
    n1 = read("NODE1.toml")
    n2 = read("NODE2.toml")
    parts = [n1, '\n[runbook]\nname = "benchmark"\n']
    for i in range(steps):
        action, args = CYCLE[i % len(CYCLE)]
        parts.append('\n[[runbook.steps]]\nnode = "NODE2"\naction = "%s"\n%s\n' % (action, args))
    with open(os.path.join(out, "NODE1.toml"), "w", encoding="utf-8") as f:
        f.write("".join(parts))
    with open(os.path.join(out, "NODE2.toml"), "w", encoding="utf-8") as f:
        f.write(n2)


def fleet(out, clusters):
    os.makedirs(out, exist_ok=True)
    n1 = read("NODE1.toml")
    n2 = read("NODE2.toml")
    for c in range(clusters):
        name = "CL%06d" % c
        for i, text in enumerate((n1, n2), 1):
            with open(os.path.join(out, "%s-NODE%d.toml" % (name, i)), "w", encoding="utf-8") as f:
                f.write(with_cluster(text, name))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("runbook", "fleet"):
        sys.exit(__doc__)
    (runbook if sys.argv[1] == "runbook" else fleet)(sys.argv[2], int(sys.argv[3]))
