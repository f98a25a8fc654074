# Checks of a systemd unit of examples/ whose ExecStart runs one odj tool,
# sourced by test scripts that define fail MESSAGE (count a failure, go on)
# and name the unit file in $unit.

# unit_verify SRC TOOL BUILT DIR MISSPELL: `systemd-analyze verify` (offline)
# of a copy of $unit whose ExecStart=TOOL names the BUILT program, with
# MANPATH at SRC's man pages, is silent; then three broken copies each make it
# speak: MISSPELL (a sed expression that misspells a value), the program
# absent, the man page absent.  Copies and messages go below DIR.  Returns 1,
# checking nothing, when ExecStart does not start with TOOL.
unit_verify() {
	local src=$1 tool=$2 built=$3 dir=$4 misspell=$5 name bad
	name=$(basename "$unit")
	mkdir -p "$dir/man/man1" "$dir/units"
	ln -s "$src"/man/*.1 "$dir/man/man1/"
	grep -qx "ExecStart=$tool .*" "$unit" || { fail "ExecStart no longer starts with '$tool '"; return 1; }
	sed "s#^ExecStart=$tool #ExecStart=$built #" "$unit" >"$dir/units/$name"
	unit_analyze "$dir" "$dir/units/$name" || fail "systemd-analyze verify exited $?"
	[ -s "$dir/verify" ] && fail "systemd-analyze verify says: $(cat "$dir/verify")"
	sed "$misspell" "$dir/units/$name" >"$dir/units/bad-value.service"
	sed "s#^ExecStart=$built #ExecStart=$dir/absent/$tool #" "$dir/units/$name" >"$dir/units/bad-exec.service"
	sed "s/^Documentation=man:$tool(1)/Documentation=man:odj-absent(1)/" "$dir/units/$name" \
		>"$dir/units/bad-man.service"
	for bad in bad-value bad-exec bad-man; do
		unit_analyze "$dir" "$dir/units/$bad.service"
		[ -s "$dir/verify" ] || fail "verify was silent on $bad.service: the check would miss such a mistake"
	done
	return 0
}

# unit_analyze DIR UNIT_FILE: systemd-analyze verify, its messages in DIR/verify.
unit_analyze() {
	MANPATH=$1/man SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$2" >"$1/verify" 2>&1
}

# has KEY VALUE: $unit has a line KEY=... whose value holds the word VALUE.
has() {
	grep -E "^$1=" "$unit" | sed "s/^$1=//" | tr ' ' '\n' | grep -qxF -- "$2" || fail "unit lacks $1=...$2"
}
