#!/usr/bin/env python3
"""Validate SARIF logs against the SARIF 2.1.0 JSON schema (Debian package python3-jsonschema).

usage: validate_sarif.py SCHEMA FILE...

Exit status: 0 every file is valid; 1 a file is invalid (each error printed as FILE: PATH: MESSAGE);
3 python3-jsonschema is missing (tests/sarif_test.cpp fails then: the validation is required).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_sarif.py: the module 'jsonschema' is missing (Debian: apt-get install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(3)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)  # draft-04 for SARIF 2.1.0
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER if hasattr(cls, "FORMAT_CHECKER") else None)
    bad = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for e in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
            print(f"{path}: /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}")
            bad += 1
    print(f"{len(argv) - 2} SARIF file(s) checked, {bad} error(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
