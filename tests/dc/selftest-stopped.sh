#!/bin/bash
# The proof test must fail when the DC is down (so it cannot pass vacuously).
set -uo pipefail
testdc=$1 proof=$2
"$testdc" stop
out=$(timeout 60 "$proof" 2>&1)
rc=$?
"$testdc" start || exit 1
echo "$out" | tail -5
[ $rc -ne 0 ] || { echo "FAIL: the proof passed with the DC stopped"; exit 1; }
grep -q 'Cannot contact any KDC' <<<"$out" || { echo "FAIL: failed, but not for the missing KDC"; exit 1; }
echo "ok: fails as it should (status $rc) while the DC is stopped"
