#!/bin/sh
# must-not-compile.sh CC FILE [CFLAGS...]: passes only if FILE fails to compile
# with a format diagnostic (and not for an unrelated reason).
set -u
cc=$1; src=$2; shift 2
out=$("$cc" -std=gnu17 -fsyntax-only -Wall -Wformat=2 -Werror "$@" "$src" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	echo "FAIL: $src compiled, but it must not" >&2
	exit 1
fi
if ! printf '%s\n' "$out" | grep -q -- '-Werror=format'; then
	echo "FAIL: $src did not compile, but not because of a format check:" >&2
	printf '%s\n' "$out" >&2
	exit 1
fi
echo "ok: refused as expected:"
printf '%s\n' "$out" | grep -m1 'error:'
