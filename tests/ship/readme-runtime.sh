#!/bin/bash
# readme-runtime.sh SOURCE_DIR DIST_DIR: README's "Building by hand" names
# every runtime package the odj-apply and odj-prepare packages depend on (for
# `cmake --install` into an image, where nothing resolves them).
# Exit 77 (skipped) without the packages in DIST_DIR.
set -u
src=$1
dist=$2
. "$(dirname "$0")/image-lib.sh"
failures=0
apply_row=$(grep -E '^\| odj-apply, odj-inspect \|' "$src/README.md")
prepare_row=$(grep -E '^\| odj-prepare ' "$src/README.md")
[ -n "$apply_row" ] && [ -n "$prepare_row" ] || { echo "FAIL: README has no runtime table rows"; exit 1; }
for pkg in odj-apply odj-prepare; do
	need_deb deb "$pkg" "$dist"
	row=$apply_row
	# odj-prepare's row says "the above libraries" and adds its own
	[ "$pkg" = odj-prepare ] && row="$apply_row $prepare_row"
	for dep in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/[ \t]//g'); do
		case $dep in libc6 | odj-apply) continue ;; esac
		if grep -qw -- "$dep" <<<"$row"; then
			echo "$pkg: $dep"
		else
			echo "FAIL: README's runtime packages for $pkg lack $dep"
			failures=$((failures + 1))
		fi
	done
done
exit $((failures > 0))
