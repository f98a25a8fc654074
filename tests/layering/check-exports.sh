#!/bin/sh
# check-exports.sh INCLUDE_DIR LIB...: fails if a shared library exports a
# defined symbol that no public header (INCLUDE_DIR/odj/*.h) declares with
# ODJ_API.  Prints, per library, how many symbols it exports.
set -eu
inc=$1
shift
declared=$(mktemp)
trap 'rm -f "$declared"' EXIT
# The declared names: the identifier before "(" (functions) or before ";" / "["
# (extern data) of each ODJ_API declaration, which may span lines.
awk '/^ODJ_API/ { decl = $0; while (decl !~ /[;{]/ && (getline line) > 0) decl = decl " " line;
                  sub(/\(.*/, "", decl); sub(/[;\[].*/, "", decl);
                  n = split(decl, w, /[ *]+/); print w[n] }' "$inc"/odj/*.h | sort -u >"$declared"
[ -s "$declared" ] || { echo "FAIL: no ODJ_API declaration found under $inc/odj" >&2; exit 1; }
bad=0
for f in "$@"; do
	# (ASan's one-definition-rule markers __odr_asan.NAME stand for NAME)
	exported=$(nm -D --defined-only "$f" |
		awk '$2 ~ /^[TDBRVWiu]$/ && $3 !~ /^(_init|_fini|_edata|_end|__bss_start)$/ {
			sub(/^__odr_asan\./, "", $3); print $3 }' | sort -u)
	n=$(printf '%s\n' "$exported" | grep -c . || true)
	undeclared=$(printf '%s\n' "$exported" | grep . | comm -23 - "$declared" || true)
	if [ -n "$undeclared" ]; then
		echo "FAIL: $(basename "$f") exports $n symbols; these are declared in no public header:" >&2
		echo "$undeclared" | sed 's/^/  /' >&2
		bad=1
	else
		echo "ok: $(basename "$f") exports $n symbols, each declared ODJ_API in $inc/odj"
	fi
done
exit $bad
