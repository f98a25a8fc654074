#!/bin/bash
# man-options-selftest.sh CHECK TOOL PAGE: man-options.sh catches drift both
# ways: a page that lost an option of --help fails, and a page that documents
# an option the tool does not have fails with --both-ways.
set -u
check=$1
tool=$2
page=$3
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$check" "$tool" "$page" --both-ways >/dev/null 2>&1 || fail "the real page does not pass"
# Drop the entry of --json (its .TP and tag lines).
awk '/^\.TP/ { held = $0; next } held != "" { if ($0 ~ /^\.BR? .*\\-\\-json$/) { held = ""; next } print held; held = "" } { print }' \
	"$page" >"$tmp/lost.1"
awk '/^\.TP/ { tag = 1; next } tag && /\\-\\-json$/ { found = 1 } { tag = 0 } END { exit !found }' "$tmp/lost.1" && fail "could not remove --json from the copy"
"$check" "$tool" "$tmp/lost.1" >/dev/null 2>"$tmp/err" && fail "a page without --json passed"
grep -q -- '--json is in' "$tmp/err" || fail "the failure does not name --json: $(cat "$tmp/err")"
# Add an entry the tool does not know.
sed 's/^\.SH OPTIONS$/.SH OPTIONS\n.TP\n.B \\-\\-no-such-option\nNothing./' "$page" >"$tmp/extra.1"
"$check" "$tool" "$tmp/extra.1" --both-ways >/dev/null 2>"$tmp/err" && fail "a page with --no-such-option passed"
grep -q -- '--no-such-option, which' "$tmp/err" || fail "the failure does not name --no-such-option: $(cat "$tmp/err")"
echo "man-options.sh: catches a lost --json and an invented --no-such-option in $(basename "$page")"
exit $((failures > 0))
