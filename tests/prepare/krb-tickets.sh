#!/bin/bash
# AS + TGS over odj's transport; the exported FILE ccache holds only cifs/.
set -euo pipefail
probe=$1
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
printf '%s\n' "$TESTDC_ADMINPASS" | "$probe" "$dir/cc"
[ "$(stat -c %a "$dir/cc")" = 600 ] || { echo "FAIL: ccache mode $(stat -c %a "$dir/cc")"; exit 1; }
listing=$(klist -c "FILE:$dir/cc")
echo "$listing"
grep -q "cifs/$TESTDC_DC@$TESTDC_REALM" <<<"$listing"
if grep -q krbtgt/ <<<"$listing"; then echo "FAIL: the TGT was handed over"; exit 1; fi
# the cifs/ ticket is not forwardable and the TGT never was
klist -f -c "FILE:$dir/cc" | grep -A1 "cifs/" | grep -q 'Flags: [^F]*$'
echo "ok"
