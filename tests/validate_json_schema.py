#!/usr/bin/env python3
"""Check a JSON Schema written by 'kblint schema --format json-schema' and validate snapshots against it.

usage: validate_json_schema.py SCHEMA FILE...

SCHEMA must be a valid draft-07 schema (Draft7Validator.check_schema). Each FILE is a TOML snapshot
(read with tomllib; date-times, dates and times become ISO 8601 strings, as TOML editors such as
taplo show them to a JSON Schema) or, when it ends in .json, a JSON document. Formats are checked
as taplo checks them: "date-time" and "time" strictly by RFC 3339 (an offset is required), which
Debian's python3-jsonschema cannot do by itself. One line per file: "FILE: valid", or one
"FILE: /PATH: MESSAGE" line per error (sorted by path, then message).

Exit status: 0 every file is valid; 1 a file is invalid; 2 usage error, unreadable file or invalid
schema; 3 python3-jsonschema or tomllib (Python 3.11) is missing (tests/schema_cmd_test.cpp fails then).
"""
import datetime
import json
import re
import sys

try:
    import tomllib
    import jsonschema
except ImportError as e:
    print(f"validate_json_schema.py: {e} (Debian: apt-get install python3 python3-jsonschema)", file=sys.stderr)
    sys.exit(3)


RFC3339_OFFSET = r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
RFC3339_TIME = re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + RFC3339_OFFSET)
RFC3339_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt]" + RFC3339_TIME.pattern)


def format_checker():
    """The formats python3-jsonschema checks, with RFC 3339 "date-time" and "time" added."""
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(lambda s: not isinstance(s, str) or RFC3339_DATE_TIME.fullmatch(s) is not None)
    checker.checks("time")(lambda s: not isinstance(s, str) or RFC3339_TIME.fullmatch(s) is not None)
    return checker


def as_json(value):
    """A TOML value as JSON data: date-times, dates and times as ISO 8601 strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value


def load(path):
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    with open(path, "rb") as f:
        return as_json(tomllib.load(f))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f"{argv[1]}: not a valid draft-07 JSON Schema: {e}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft7Validator(schema, format_checker=format_checker())
    status = 0
    for path in argv[2:]:
        try:
            doc = load(path)
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read: {e}", file=sys.stderr)
            return 2
        errors = sorted((("/" + "/".join(str(p) for p in e.absolute_path)), e.message)
                        for e in validator.iter_errors(doc))
        if not errors:
            print(f"{path}: valid")
        for where, message in errors:
            print(f"{path}: {where}: {message}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
