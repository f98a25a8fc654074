#!/bin/bash
# usage-man.sh SRC TOOL...: each tool's --help and its man page (SRC/man/TOOL.1)
# say the same.  The usage lines of --help are, form for form and word for
# word, the page's SYNOPSIS as groff renders it (independently of the build's
# cmd/common/usage.awk); the summary is the page's NAME line; every long option
# the SYNOPSIS names is in --help's option list; and usage and summary fit in
# 79 columns, each continuation line of a form indented under its arguments.
set -u
src=$1
shift
. "$(dirname "$0")/common.sh"
command -v groff >/dev/null || { echo "FAIL: groff is missing (scripts/install-deps)" >&2; exit 1; }

# Words on stdin, one form a line: a form starts at each word that is the tool's name.
forms() {
	tr -s ' \t\n' '\n\n\n' | awk -v tool="$1" 'NF == 0 { next }
		$0 == tool { if (f != "") print f; f = $0; next } { f = f " " $0 } END { if (f != "") print f }'
}

for t in "$@"; do
	name=$(basename "$t")
	page=$src/man/$name.1
	[ -x "$t" ] || { fail "$t does not exist"; continue; }
	[ -s "$page" ] || { fail "$page is missing"; continue; }
	"$t" --help >"$tmp/help" || fail "$name --help exited $?"
	# usage: the lines up to the first blank one; then the summary; then the tables
	awk 'NF == 0 { exit } { print }' "$tmp/help" >"$tmp/usage"
	awk 'NF == 0 { n++; next } n == 1 { print }' "$tmp/help" >"$tmp/summary"
	summary=$(tr -s '\n' ' ' <"$tmp/summary" | sed 's/ $//')
	sed -n '/^options:$/,$p' "$tmp/help" >"$tmp/options"

	# The page as a reader sees it, on lines wide enough that groff breaks none.
	groff -man -Tascii -rLL=1000n -P-cbou "$page" >"$tmp/page" 2>"$tmp/groff" ||
		fail "groff cannot render $page: $(cat "$tmp/groff")"
	section() { awk -v s="$1" '/^[A-Z]/ { on = ($0 == s); next } on' "$tmp/page"; }
	section SYNOPSIS | forms "$name" >"$tmp/page-forms"
	sed 's/^usage: //' "$tmp/usage" | forms "$name" >"$tmp/help-forms"
	[ -s "$tmp/page-forms" ] || fail "$name.1 renders no SYNOPSIS form"
	if ! diff -u "$tmp/page-forms" "$tmp/help-forms" >"$tmp/diff"; then
		fail "$name --help usage is not $name.1's SYNOPSIS (- page, + --help):"
		cat "$tmp/diff" >&2
	fi

	# NAME: "odj-x - what it does" -> "What it does."
	what=$(section NAME | tr -s ' \n' '  ' | sed 's/^ *[^ ]* - //; s/ *$//')
	want="$(printf '%s' "${what:0:1}" | tr '[:lower:]' '[:upper:]')${what:1}."
	[ "$summary" = "$want" ] || fail "$name --help summary '$summary' is not $name.1's NAME ('$want')"

	# Every long option of the SYNOPSIS is one --help documents.
	mapfile -t opts < <(grep -o -- '--[a-z0-9][a-z0-9-]*' "$tmp/page-forms" | sort -u)
	[ "${#opts[@]}" -gt 0 ] || fail "$name.1's SYNOPSIS names no option"
	for o in "${opts[@]}"; do
		grep -qE -- "^  (-., |    )$o( |$)" "$tmp/options" ||
			fail "$name.1's SYNOPSIS names $o, which is not in $name --help's options"
	done

	# The layout: 79 columns; "usage: " or 7 spaces; a continuation under the arguments.
	indent=$(printf '%*s' $((7 + ${#name} + 1)) '')
	awk -v n="$name" 'length($0) > 79 { print "FAIL: " n " --help: a line over 79 columns: " $0; bad = 1 }
		END { exit bad }' "$tmp/usage" "$tmp/summary" >&2 || failures=$((failures + 1))
	grep -vE "^(usage: |       )$name |^$indent[^ ]" "$tmp/usage" | sed "s/^/FAIL: $name --help: a usage line out of place: /" >"$tmp/bad"
	[ -s "$tmp/bad" ] && { cat "$tmp/bad" >&2; failures=$((failures + 1)); }
	[ "$(head -c 7 "$tmp/usage")" = "usage: " ] || fail "$name --help does not start with 'usage: '"
	echo "$name: $(wc -l <"$tmp/help-forms") forms as $name.1's SYNOPSIS, ${#opts[@]} of its options in --help"
done
exit $((failures > 0))
