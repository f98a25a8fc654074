#!/bin/bash
# debian-depends.sh SOURCE_DIR: debian/control names the Debian package of
# every pkg-config module the package build needs (pkg_check_modules in the
# CMakeLists.txt files it reads; tests are not built there) in Build-Depends,
# and every module odj.pc and odj-dc.pc require in libodj-dev's Depends.  The
# package of a module is the one that ships its .pc file on this machine.
set -u
src=$1
failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
# field PACKAGE FIELD: one field of a paragraph of debian/control, package names only
field() {
	awk -v para="$1" -v name="$2" '
		/^(Source|Package):/ { inpara = ($2 == para) }
		inpara && $0 ~ "^" name ":" { on = 1; sub("^" name ":", ""); print; next }
		on && /^[ \t]/ { print; next }
		{ on = 0 }' "$src/debian/control" | tr ',' '\n' | sed 's/[[(].*//; s/^[ \t]*//; s/[ \t]*$//' | grep -v '^$'
}
owner() { # the package that ships the .pc file of a pkg-config module
	local dir
	dir=$(pkg-config --variable=pcfiledir "$1" 2>/dev/null) || return 1
	dpkg -S "$dir/$1.pc" 2>/dev/null | head -1 | cut -d: -f1
}
check() { # check WHAT FIELD-CONTENT MODULE...
	local what=$1 have=$2 mod pkg
	shift 2
	for mod in "$@"; do
		if ! pkg=$(owner "$mod") || [ -z "$pkg" ]; then
			fail "no installed package ships $mod.pc"
		elif grep -qx "$pkg" <<<"$have"; then
			echo "$what: $mod -> $pkg"
		else
			fail "$what lacks $pkg (pkg-config module $mod)"
		fi
	done
}

mods=$(find "$src" -name CMakeLists.txt -not -path "$src/tests/*" -not -path "$src/build*" -not -path "$src/obj-*" \
	-exec cat {} + | tr '\n' ' ' | grep -oP 'pkg_check_modules\(\K[^)]*' |
	awk '{ for (i = 2; i <= NF; i++) if ($i != "REQUIRED" && $i != "IMPORTED_TARGET" && $i != "QUIET") print $i }' |
	sort -u)
check Build-Depends "$(field odj Build-Depends)" $mods

pcmods=$(sed -n 's/^Requires\(\.private\)\?://p' "$src"/cmake/*.pc.in | tr ', ' '\n\n' | grep -v '^$' |
	grep -vx 'odj' | sed 's/[<>=].*//' | sort -u)
check "libodj-dev Depends" "$(field libodj-dev Depends)" $pcmods
exit $((failures > 0))
