# Sourced by the tests/cli scripts: a scratch directory $tmp (removed at the
# end), fail (counted in $failures), has/lacks FILE TEXT, and
# run STATUS CMD... (its output in $tmp/out and $tmp/err).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
has() { grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks '$2': $(head -c 600 "$1")"; }
lacks() { ! grep -qF -- "$2" "$1" || fail "$(basename "$1") contains '$2'"; }
run() {
	local want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	[ "$got" -eq "$want" ] || fail "$(basename "$1") ${*:2}: exit $got, expected $want: $(head -c 600 "$tmp/err")"
}
