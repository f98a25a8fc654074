#!/bin/sh
# Fails if a shared library exports a defined symbol outside the odj_ namespace.
set -eu
bad=0
for f in "$@"; do
	others=$(nm -D --defined-only "$f" | awk '$2 ~ /^[TDBRVW]$/ && $3 !~ /^odj_/ && $3 !~ /^(_init|_fini|ODJ_|_edata|_end|__bss_start)/ {print $3}')
	n=$(nm -D --defined-only "$f" | awk '$3 ~ /^odj_/' | wc -l)
	if [ -n "$others" ]; then
		echo "FAIL: $f exports names outside odj_:" >&2
		echo "$others" >&2
		bad=1
	else
		echo "ok: $f exports $n symbols, all odj_*"
	fi
done
exit $bad
