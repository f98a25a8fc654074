#!/bin/bash
# man-render.sh ERROR_H PAGE...: each page renders with neither groff nor man
# warning, has the sections a user looks for, and its EXIT STATUS table lists
# every odj_result of error.h with its number.
set -u
error_h=$1
shift
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
for tool in groff man; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps)" >&2; exit 1; }
done

# "ODJ_E_INPUT = 2," -> "2"; the numbers of every category.
mapfile -t codes < <(sed -n 's/^[[:space:]]*ODJ_\(OK\|E_[A-Z]*\) = \([0-9]*\),.*/\2/p' "$error_h")
[ "${#codes[@]}" -ge 8 ] || fail "found only ${#codes[@]} odj_result values in $error_h"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for page in "$@"; do
	name=$(basename "$page")
	[ -s "$page" ] || { fail "$name is missing or empty"; continue; }
	groff -man -ww -z "$page" 2>"$tmp/groff"
	[ -s "$tmp/groff" ] && fail "groff warns on $name: $(cat "$tmp/groff")"
	MANWIDTH=80 man --warnings -l "$page" >"$tmp/text" 2>"$tmp/man"
	[ -s "$tmp/man" ] && fail "man warns on $name: $(cat "$tmp/man")"
	# A rendered line longer than the width means an unbreakable run of text.
	awk -v n="$name" 'length($0) > 80 { print "FAIL: " n " renders a line over 80 columns: " $0; bad = 1 }
		END { exit bad }' "$tmp/text" >&2 || failures=$((failures + 1))
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES SECURITY EXAMPLES "SEE ALSO"; do
		grep -qx "\.SH \"\?$section\"\?" "$page" || fail "$name has no $section section"
	done
	# The exit status table: a ".B N" tag under EXIT STATUS for each category.
	sed -n '/^\.SH "\?EXIT STATUS/,/^\.SH/p' "$page" >"$tmp/exit"
	for c in "${codes[@]}"; do
		grep -qx "\.B $c" "$tmp/exit" || fail "$name: EXIT STATUS lacks $c"
	done
	# The blob is secret: each page says 0600 and names --consume.
	grep -q '0600' "$page" || fail "$name never says mode 0600"
	grep -q 'consume' "$page" || fail "$name never mentions --consume"
	echo "$name: renders cleanly, sections and exit table ($(IFS=,; echo "${codes[*]}")) present"
done
exit $((failures > 0))
