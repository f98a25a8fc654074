#!/bin/bash
# The vector files are the ones their expected-field files describe (size and SHA-256).
set -u
vec=$1
failures=0
count=0
for exp in "$vec"/*.expect.json; do
	name=${exp%.expect.json}
	for kind in bin odj; do
		sum=$(sha256sum "$name.$kind" | cut -d' ' -f1)
		if ! grep -q "\"${kind}_sha256\": \"$sum\"" "$exp"; then
			echo "FAIL: $(basename "$name.$kind") has SHA-256 $sum, not the one in $(basename "$exp")" >&2
			failures=$((failures + 1))
		fi
		count=$((count + 1))
	done
done
[ "$count" -ge 18 ] || { echo "FAIL: only $count files checked" >&2; exit 1; }
echo "$count vector files match their recorded SHA-256"
exit $((failures > 0))
