#!/bin/bash
# version.sh SOURCE_DIR PROJECT_VERSION TOOL...: every tool's --version says
# "TOOL (odj) PROJECT_VERSION", followed by "(git DESCRIBE)" when SOURCE_DIR is
# a git tree; and debian/changelog names the same version (CMakeLists.txt is
# the version's only home; the package build refuses a changelog that differs).
set -u
src=$1
version=$2
shift 2
failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
describe=
if [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$src" && pwd -P)" ]; then
	describe=$(git -C "$src" describe --tags --always --dirty)
fi
for tool in "$@"; do
	name=$(basename "$tool")
	want="$name (odj) $version${describe:+ (git $describe)}"
	got=$("$tool" --version 2>&1)
	if [ "$got" = "$want" ]; then echo "$got"; else fail "$name --version: '$got', expected '$want'"; fi
done
changelog=$(sed -n '1s/^odj (\([^)]*\)).*/\1/p' "$src/debian/changelog")
[ "${changelog%-*}" = "$version" ] ||
	fail "debian/changelog is at $changelog, CMakeLists.txt at $version: add a changelog entry"
echo "debian/changelog: $changelog"
exit $((failures > 0))
