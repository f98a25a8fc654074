#!/bin/bash
# verify-unit.sh SOURCE_DIR ODJ_APPLY: examples/firstboot/odj-apply.service
# passes `systemd-analyze verify` offline (no running systemd is needed) with
# no warning, and has the first-boot properties the README promises.
#
# verify loads the unit together with the system's units (cycles, unknown
# directives, conflicting jobs) and checks that each Exec program exists and
# that Documentation= man pages open.  So the run uses a copy of the unit
# whose ExecStart names the built odj-apply (the build's own path; a missing
# one is a failure), and MANPATH points at this tree's man/ pages.
set -u
src=$1
apply=$2
unit=$src/examples/firstboot/odj-apply.service
blob=/var/lib/odj/provision.odj
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
command -v systemd-analyze >/dev/null || { echo "FAIL: systemd-analyze is missing (scripts/install-deps)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/man/man1" "$tmp/units"
ln -s "$src"/man/*.1 "$tmp/man/man1/"
[ -x "$apply" ] || { echo "FAIL: $apply does not exist: the unit's ExecStart cannot be checked" >&2; exit 1; }
echo "ExecStart checked with the built $apply"

# verify UNIT_FILE: runs systemd-analyze verify, its messages in $tmp/verify.
verify() {
	MANPATH=$tmp/man SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$1" >"$tmp/verify" 2>&1
}

grep -qx 'ExecStart=odj-apply .*' "$unit" || fail "ExecStart no longer starts with 'odj-apply '"
sed "s#^ExecStart=odj-apply #ExecStart=$apply #" "$unit" >"$tmp/units/odj-apply.service"
verify "$tmp/units/odj-apply.service"
rc=$?
[ $rc -eq 0 ] || fail "systemd-analyze verify exited $rc"
[ -s "$tmp/verify" ] && fail "systemd-analyze verify says: $(cat "$tmp/verify")"

# The check itself catches mistakes: a misspelt value, a missing program and a
# missing man page each make verify speak.
sed 's/^Type=oneshot/Type=oneshott/' "$tmp/units/odj-apply.service" >"$tmp/units/bad-type.service"
sed "s#^ExecStart=$apply #ExecStart=$tmp/absent/odj-apply #" "$tmp/units/odj-apply.service" >"$tmp/units/bad-exec.service"
sed 's/^Documentation=man:odj-apply(1)/Documentation=man:odj-absent(1)/' "$tmp/units/odj-apply.service" >"$tmp/units/bad-man.service"
for bad in bad-type bad-exec bad-man; do
	verify "$tmp/units/$bad.service"
	[ -s "$tmp/verify" ] || fail "verify was silent on $bad.service: the check would miss such a mistake"
done

# What the README and odj-apply(1) promise: key = value lines of the unit.
has() { # has KEY VALUE: a line KEY=... whose value contains the word VALUE
	grep -E "^$1=" "$unit" | sed "s/^$1=//" | tr ' ' '\n' | grep -qxF -- "$2" || fail "unit lacks $1=...$2"
}
has ConditionPathExists "$blob"
has DefaultDependencies no
has After local-fs.target
for u in sysinit.target network-pre.target sssd.service winbind.service systemd-user-sessions.service; do
	has Before "$u"
done
has Type oneshot
has RemainAfterExit yes
has ExecStart --consume
has ExecStart "$blob"
has WantedBy sysinit.target
grep -qE '^(Wants|Requires|After)=.*network-online' "$unit" && fail "the unit waits for the network"
# The path the unit watches is the one it hands to odj-apply.
cond=$(sed -n 's/^ConditionPathExists=//p' "$unit")
arg=$(sed -n 's/^ExecStart=.*--blob \([^ ]*\).*/\1/p' "$unit")
[ "$cond" = "$arg" ] || fail "ConditionPathExists=$cond but odj-apply gets --blob $arg"

echo "odj-apply.service: systemd-analyze verify clean; 3 broken copies caught; first-boot properties present"
exit $((failures > 0))
