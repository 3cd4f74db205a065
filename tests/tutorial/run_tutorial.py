#!/usr/bin/env python3
"""Run a tutorial page as a reader would, in an empty folder.

  run_tutorial.py PAGE.md KBLINT_BIN WORK_DIR [COMPARE_DIR]

Fenced blocks are taken in order:
- a block whose info string has `file=PATH` is written to WORK_DIR/PATH;
- a `sh` block is run by bash -e in WORK_DIR, with the folder of KBLINT_BIN first on PATH;
- a `text` block right after a `sh` block is that block's expected output (stdout and stderr
  together), compared exactly.
With COMPARE_DIR, every file the page writes must equal the file of the same path there (the
tutorial's result is the example pack). Exit 0 when everything matched, 1 with a diff otherwise.
"""
import difflib
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```\s*$", re.S | re.M)


def blocks(page):
    for m in FENCE.finditer(page):
        info = m.group(1).split()
        lang = info[0] if info else ""
        attrs = dict(a.split("=", 1) for a in info[1:] if "=" in a)
        yield lang, attrs, m.group(2), page.count("\n", 0, m.start()) + 1


def fail(line, what, expected, got):
    print(f"tutorial line {line}: {what}")
    sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), got.splitlines(True), "expected", "got"))
    return 1


def main():
    page_path, kblint, work = sys.argv[1:4]
    compare = sys.argv[4] if len(sys.argv) > 4 else None
    page = open(page_path, encoding="utf-8").read()
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(kblint)) + os.pathsep + os.environ["PATH"], NO_COLOR="1")
    os.makedirs(work, exist_ok=True)
    last_output, last_line, status, ran = None, 0, 0, 0
    for lang, attrs, body, line in blocks(page):
        if "file" in attrs:
            path = os.path.join(work, attrs["file"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(body)
            if compare and "file" in attrs:
                want_path = os.path.join(compare, attrs["file"])
                want = open(want_path, encoding="utf-8").read() if os.path.exists(want_path) else "<no such file>\n"
                if want != body:
                    status |= fail(line, f"{attrs['file']} differs from {want_path}", want, body)
            last_output = None
        elif lang == "sh":
            r = subprocess.run(["bash", "-e", "-c", body], cwd=work, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            ran += 1
            if r.returncode != 0:
                status |= fail(line, f"the commands exited {r.returncode}", "", r.stdout)
            last_output, last_line = r.stdout, line
        elif lang == "text" and last_output is not None:
            if body != last_output:
                status |= fail(last_line, "the output differs from the page", body, last_output)
            last_output = None
        else:
            last_output = None
    if ran == 0:
        print("tutorial: no sh block was run")
        return 1
    print(f"tutorial: {ran} command blocks run, " + ("all as shown" if status == 0 else "MISMATCHES above"))
    return status


if __name__ == "__main__":
    sys.exit(main())
