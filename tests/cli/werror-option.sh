#!/bin/bash
# werror-option.sh SRC: -Werror is the ODJ_WERROR option: off by default (a
# packager's newer compiler must not fail the build on a new warning), on
# when asked (scripts/build asks).  Configures scratch build trees only.
set -u
src=$1
. "$(dirname "$0")/common.sh"
flags() { # NAME CMAKE-ARGS...: the compile flags of libodj in a scratch configure
	local dir=$tmp/$1
	shift
	cmake -S "$src" -B "$dir" -DODJ_BUILD_TESTS=OFF "$@" >"$tmp/log" 2>&1 || { cat "$tmp/log"; return 1; }
	cat "$dir/CMakeFiles/odj.dir/flags.make"
}
flags default | grep -q -- '-Werror' && fail "the default build turns warnings into errors"
flags off -DODJ_WERROR=OFF | grep -q -- '-Werror' && fail "ODJ_WERROR=OFF still has -Werror"
flags on -DODJ_WERROR=ON | grep -q -- '-Wall .*-Werror' || fail "ODJ_WERROR=ON lacks -Werror"
grep -q -- '-DODJ_WERROR=ON' "$src/scripts/build" || fail "scripts/build does not turn ODJ_WERROR on"
echo "ODJ_WERROR: off by default, -Werror when on, on in scripts/build"
exit $((failures > 0))
