#!/bin/bash
# credential-sequence.sh SOURCE_DIR ODJ_APPLY: examples/firstboot/
# odj-apply-credential.service played against a temporary root, with the
# credentials directory laid out as systemd 252 lays it for the service
# (/run/credentials/UNIT/NAME, directory 0500, file 0400, read-only data):
#   no credential             -> ConditionCredential keeps the unit from running
#   credential passed         -> joined from %d/odj.blob
#   next boot, same credential -> ConditionPathExists=!join.json: not run again
#   a damaged credential      -> exit 2, root unchanged, next boot tries again
# and the unit passes systemd-analyze verify without a warning.
set -u
src=$1
apply=$2
unit=$src/examples/firstboot/odj-apply-credential.service
vector=$src/tests/vectors/samba-4.17-net-offlinejoin-ODJCLI01.txt
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
[ -x "$apply" ] || { echo "FAIL: no odj-apply at $apply" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/etc" "$root/var/lib/odj"
chmod 700 "$root/var/lib/odj"

credname=$(sed -n 's/^ConditionCredential=//p' "$unit")
[ "$credname" = odj.blob ] || fail "ConditionCredential is '$credname', not odj.blob"
grep -qx "LoadCredential=$credname" "$unit" || fail "LoadCredential=$credname is missing"
notcond=$(sed -n 's/^ConditionPathExists=!//p' "$unit")
[ "$notcond" = /var/lib/odj/join.json ] || fail "the unit does not stop once joined ($notcond)"
exec_line=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$(wc -l <<<"$exec_line")" -eq 1 ] || fail "more than one ExecStart"
creds=$tmp/run/credentials/odj-apply-credential.service
read -r -a cmd <<<"${exec_line//%d/$creds}"
[ "${cmd[0]}" = odj-apply ] || fail "ExecStart does not run odj-apply: ${cmd[*]}"
args=(--root "$root" "${cmd[@]:1}")

# pass FILE: the VM is started with FILE as the odj.blob credential; none: without.
pass() {
	chmod -R u+w "$tmp/run" 2>/dev/null
	rm -rf "$tmp/run"
	[ "$1" = none ] && return
	mkdir -p "$creds"
	cp "$1" "$creds/$credname"
	chmod 0400 "$creds/$credname"
	chmod 0500 "$creds"
}
runs=0
# boot RUN_EXPECTED EXIT_EXPECTED
boot() {
	if [ ! -e "$creds/$credname" ] || [ -e "$root$notcond" ]; then
		[ "$1" = skipped ] || fail "the unit would not run"
		return
	fi
	[ "$1" = runs ] || fail "the unit would run although it should not"
	runs=$((runs + 1))
	unshare -n "$apply" "${args[@]}" >"$tmp/out" 2>&1
	local rc=$?
	[ $rc -eq "$2" ] || fail "odj-apply ${args[*]} exited $rc, expected $2: $(cat "$tmp/out")"
}

pass none
boot skipped 0                       # the golden image, no credential
head -c 400 "$vector" >"$tmp/damaged"
pass "$tmp/damaged"
cp -a "$root" "$tmp/before"
boot runs 2
diff -r "$tmp/before" "$root" >/dev/null || fail "a failed apply changed the root"
pass "$vector"
boot runs 0
[ -s "$root/var/lib/odj/join.json" ] || fail "no join record after the join"
[ "$(stat -c %a "$root/etc/krb5.keytab" 2>/dev/null)" = 600 ] || fail "the keytab is not mode 600"
grep -qx odjcli01 "$root/etc/hostname" || fail "/etc/hostname is not the blob's machine"
[ -f "$creds/$credname" ] || fail "the credential was changed"
boot skipped 0                       # later boots, the VM still passes the credential
[ "$runs" -eq 2 ] || fail "odj-apply ran $runs times, expected 2"

# systemd-analyze verify, with an absolute odj-apply and this tree's man pages.
mkdir -p "$tmp/man/man1" "$tmp/units"
ln -s "$src"/man/*.1 "$tmp/man/man1/"
sed "s#^ExecStart=odj-apply #ExecStart=$apply #" "$unit" >"$tmp/units/odj-apply-credential.service"
MANPATH=$tmp/man SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$tmp/units/odj-apply-credential.service" \
	>"$tmp/verify" 2>&1 || fail "systemd-analyze verify failed: $(cat "$tmp/verify")"
[ -s "$tmp/verify" ] && fail "systemd-analyze verify says: $(cat "$tmp/verify")"

[ $failures -eq 0 ] && echo "credential odj.blob: skipped without it, damaged one refused (exit 2, root unchanged), joined from %d/odj.blob, not run again once joined; systemd-analyze verify clean"
exit $((failures > 0))
