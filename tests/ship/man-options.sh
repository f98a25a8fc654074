#!/bin/bash
# man-options.sh TOOL PAGE [--both-ways]: every long option that `TOOL --help`
# prints is an entry (a .TP tag) of the page's OPTIONS section, so that the
# page and the tool cannot drift apart.  With --both-ways, every option the
# page documents is also one the tool accepts (getopt does not call it
# unrecognized).  A TOOL that does not exist is a failure: the build hands
# its own path ($<TARGET_FILE:...>), so a missing one is a broken build.
set -u
tool=$1
page=$2
both=${3:-}
name=$(basename "$page")
if [ ! -x "$tool" ]; then
	echo "FAIL: $tool does not exist; $name cannot be checked against it" >&2
	exit 1
fi
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

help=$("$tool" --help) || fail "$tool --help exited $?"
mapfile -t from_help < <(grep -o -- '--[a-z0-9][a-z0-9-]*' <<<"$help" | sort -u)
[ "${#from_help[@]}" -gt 0 ] || fail "$tool --help printed no long option"

# The tags of the OPTIONS section: the line after each .TP, roff's \- undone.
mapfile -t from_page < <(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$page" | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
	sed 's/\\-/-/g' | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u)
[ "${#from_page[@]}" -gt 0 ] || fail "$name has no option entries"

for opt in "${from_help[@]}"; do
	printf '%s\n' "${from_page[@]}" | grep -qx -- "$opt" || fail "$opt is in $(basename "$tool") --help but not an entry in $name"
done
if [ "$both" = --both-ways ]; then
	for opt in "${from_page[@]}"; do
		# Alone, an option either needs an argument or fails a later check:
		# getopt's own word tells whether it knows the name.
		err=$(timeout 20 "$tool" "$opt" </dev/null 2>&1 >/dev/null)
		if grep -q "unrecognized option" <<<"$err"; then
			fail "$name documents $opt, which $(basename "$tool") does not accept"
		fi
	done
fi
echo "$name: ${#from_help[@]} options of --help all documented; ${#from_page[@]} option entries${both:+, all accepted by the tool}"
exit $((failures > 0))
