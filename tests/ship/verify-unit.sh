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
. "$src/tests/ship/unit-lib.sh"

[ -x "$apply" ] || { echo "FAIL: $apply does not exist: the unit's ExecStart cannot be checked" >&2; exit 1; }
echo "ExecStart checked with the built $apply"

# verify clean, and the check itself catches mistakes: a misspelt value, a
# missing program and a missing man page each make verify speak.
unit_verify "$src" odj-apply "$apply" "$tmp" 's/^Type=oneshot/Type=oneshott/'

# What the README and odj-apply(1) promise: key = value lines of the unit.
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
