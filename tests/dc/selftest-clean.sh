#!/bin/bash
# A whole life cycle of a second DC instance started from outside any shell
# namespace (as "testdc start" from a plain root shell does): after "stop" no
# process, mount, directory or firewall rule of it is left, and nothing under
# the host's /etc, /run/samba, /var/log/samba or /var/lib/samba was written.
set -uo pipefail
testdc=$1
fail() { echo "FAIL: $*" >&2; "$testdc" start >/dev/null 2>&1; exit 1; }
marker=$(mktemp /tmp/odj-clean-marker.XXXXXX)
trap 'rm -f "$marker"' EXIT
sleep 1.1 # mtime granularity

"$testdc" stop || fail "stopping the shared DC"
# named after the shared instance: other workers' suites may run this test too
life=lifecycle-${TESTDC_INSTANCE:-default}
inst=(env TESTDC_INSTANCE="$life" TESTDC_DIR= TESTDC_IN_NS=)
dir=${TMPDIR:-/tmp}/odj-testdc-$life
"${inst[@]}" "$testdc" start || fail "start"
"${inst[@]}" "$testdc" mem
printf '%s\n' "$TESTDC_ADMINPASS" | "${inst[@]}" "$testdc" run kinit administrator >/dev/null || fail "kinit"
"${inst[@]}" "$testdc" run klist | grep -q krbtgt/ || fail "no TGT"
if [ "${TESTDC_DCS:-1}" -ge 2 ]; then
	# the controls of a multi-DC domain, all of them before the stop
	"${inst[@]}" "$testdc" status || fail "status"
	"${inst[@]}" "$testdc" repl pause || fail "repl pause"
	"${inst[@]}" "$testdc" repl resume || fail "repl resume"
	"${inst[@]}" "$testdc" repl sync || fail "repl sync"
	"${inst[@]}" "$testdc" dc 2 kill || fail "dc 2 kill"
	"${inst[@]}" "$testdc" dc 2 start || fail "dc 2 start"
	"${inst[@]}" "$testdc" dc "$TESTDC_DCS" stop || fail "dc $TESTDC_DCS stop"
	"${inst[@]}" "$testdc" status
fi
"${inst[@]}" "$testdc" stop || fail "stop"

# no process holds or names the instance directory
left=$( (grep -lsaF -f <(printf '%s\n' "$dir") /proc/[0-9]*/cmdline | cut -d/ -f3
	find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 -lname "$dir/*" 2>/dev/null | cut -d/ -f3) | sort -u)
for p in $left; do
	[ "$(awk '/^State:/ {print $2}' /proc/$p/status 2>/dev/null)" = Z ] || fail "process $p of the DC is left: $(tr '\0' ' ' </proc/$p/cmdline)"
done
echo "ok: no process left"
# no mount of it, here or in the host's namespace
grep -F "$dir" /proc/self/mountinfo && fail "a mount of $dir is left"
nsenter -t 1 -m -- grep -F "$dir" /proc/self/mountinfo && fail "a host mount of $dir is left"
# no mount namespace of it (a namespace lives as long as a process in it)
ns=$(grep -lsF "$dir" /proc/[0-9]*/mountinfo | cut -d/ -f3 | tr '\n' ' ')
[ -z "$ns" ] || fail "processes still see mounts of $dir: $ns"
echo "ok: no mount or namespace left"
[ ! -e "$dir" ] || fail "$dir is left"
echo "ok: no directory left"
# its own tables and the shared instance's (others' belong to other runs)
if nft list tables 2>/dev/null | grep -E "odj[a-z]*_($life|${TESTDC_INSTANCE:-default})\$"; then
	fail "an odj nftables table is left"
fi
echo "ok: no firewall table left"
# nothing written on the host (looked at from the host's mount namespace)
written=$(nsenter -t 1 -m -- find /etc /run/samba /var/log/samba /var/lib/samba -newer "$marker" 2>/dev/null)
[ -z "$written" ] || fail "written on the host: $written"
echo "ok: nothing under the host's /etc, /run/samba, /var/log/samba, /var/lib/samba was written"

"$testdc" start || fail "restarting the shared DC"
