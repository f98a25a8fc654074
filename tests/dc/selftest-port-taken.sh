#!/bin/bash
# A second DC while the first holds the ports must fail at once with a clear error.
set -uo pipefail
testdc=$1
out=$(TESTDC_INSTANCE=porttest TESTDC_DIR= TESTDC_IN_NS= timeout 60 "$testdc" start 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] || { echo "FAIL: a second DC started"; exit 1; }
grep -q "ports the test DC needs on $TESTDC_IP are already taken" <<<"$out" || { echo "FAIL: unclear error"; exit 1; }
grep -q 'port 389' <<<"$out" || { echo "FAIL: the port is not named"; exit 1; }
echo "ok: refused with a clear error"
