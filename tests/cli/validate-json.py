#!/usr/bin/python3
"""validate-json.py SCHEMA DOCUMENT FILE...: each FILE (one JSON document) is
valid against #/$defs/DOCUMENT of SCHEMA.  Prints every violation with its
path; exit 1 if any."""
import json
import sys

import jsonschema

schema_path, document, files = sys.argv[1], sys.argv[2], sys.argv[3:]
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
if document not in schema["$defs"]:
    sys.exit(f"FAIL: {schema_path} has no document {document}")
validator = jsonschema.Draft202012Validator(
    {"$ref": f"#/$defs/{document}", "$defs": schema["$defs"]})
bad = 0
for f in files:
    try:
        doc = json.load(open(f))
    except ValueError as e:
        print(f"FAIL: {f} is not JSON: {e}")
        bad += 1
        continue
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:10]:
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        print(f"FAIL: {f} is not a valid {document}: at {where}: {e.message[:300]}")
    bad += bool(errors)
sys.exit(1 if bad else 0)
