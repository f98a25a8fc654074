#!/usr/bin/env python3
"""check-categories.py SOURCE_DIR: one category per status code.

A status has one default category, in one table: odj_status_category
(libjoin/core/catalogue.c).  Fails
  - on any other function that maps statuses to categories (a second table)
    under libjoin/, blob/ or cmd/;
  - on any failure the join plan's steps and rules record (libjoin/dc/plan*.c,
    and the verbs check.c and provision.c)
    with another category than the table's for its status: check, provision
    and bulk reach the user with the same exit status for the same status.
Elsewhere a site may still give a status another category on purpose (a
malformed network reply is ERROR_INVALID_DATA as a bad blob is); those are
counted, not failed."""
import pathlib
import re
import sys

top = pathlib.Path(sys.argv[1])
catalogue = top / "libjoin/core/catalogue.c"
src = catalogue.read_text()
body = src[src.index("odj_result odj_status_category("):]
body = body[: body.index("\n}\n")]
table, pending = {}, []
for line in body.splitlines():
    m = re.match(r"\s*case ODJ_(\w+):", line)
    if m:
        pending.append(m.group(1))
    elif "default:" in line:
        pending = ["__default__"]
    m = re.match(r"\s*return (ODJ_\w+);", line)
    if m:
        for status in pending:
            table[status] = m.group(1)
        pending = []
default = table.pop("__default__")

call = re.compile(r"\bodj_fail\s*\(\s*[^,;]+,\s*(ODJ_E_\w+|ODJ_OK)\s*,\s*ODJ_(\w+)\s*,", re.S)
second = re.compile(r"\bodj_result\s+\w+\s*\(\s*odj_status\s+\w+\s*\)")
bad = checked = overrides = 0
for path in sorted(p for d in ("libjoin", "blob", "cmd") for p in (top / d).rglob("*.c")):
    text = path.read_text()
    rel = path.relative_to(top)
    if path != catalogue:
        for m in second.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            print(f"{rel}:{line}: a second status-to-category table: {m.group(0)}")
            bad += 1
    in_plan = rel.parent == pathlib.Path("libjoin/dc") and (
        rel.name.startswith("plan") or rel.name in ("check.c", "provision.c"))
    for m in call.finditer(text):
        result, status = m.group(1), m.group(2)
        want = table.get(status, default)
        if result == want or result == "ODJ_E_PARTIAL":
            checked += in_plan
            continue
        line = text.count("\n", 0, m.start()) + 1
        if in_plan:
            checked += 1
            print(f"{rel}:{line}: ODJ_{status} recorded as {result}; its category is {want}")
            bad += 1
        else:
            overrides += 1
print(f"one table; {checked} failures of the join plan checked against it, {bad} off it; "
      f"{overrides} deliberate overrides elsewhere")
sys.exit(1 if bad else 0)
