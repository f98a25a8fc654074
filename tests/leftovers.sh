#!/bin/bash
# Removes what a test killed by ctest's timeout leaves behind, before and
# after the tests that could trip over it: this instance's nftables tables
# (odjfault_<instance>, odjcount_<instance>) and the commit tests' trees
# /dev/shm/odj-commit-faults-<pid>-* whose process is gone.  Trees of a live
# process, or without a process id in their name, are left alone: another
# run may be using them.
set -u
inst=${TESTDC_INSTANCE:-default}
n=0
if command -v nft >/dev/null; then
	for t in "odjfault_$inst" "odjcount_$inst"; do
		if nft list table inet "$t" >/dev/null 2>&1; then
			nft delete table inet "$t" || exit 1
			echo "leftovers: removed the nftables table $t"
			n=$((n + 1))
		fi
	done
fi
for d in /dev/shm/odj-commit-faults-* /tmp/odj-commit-faults-*; do
	[ -d "$d" ] || continue
	pid=$(basename "$d" | sed -n 's/^odj-commit-faults-\([0-9][0-9]*\)-.*/\1/p')
	[ -n "$pid" ] || continue
	kill -0 "$pid" 2>/dev/null && continue
	rm -rf "$d" || exit 1
	echo "leftovers: removed $d (process $pid is gone)"
	n=$((n + 1))
done
echo "leftovers: $n removed"
