#!/bin/bash
# firstboot-sequence.sh SOURCE_DIR ODJ_APPLY: the boots of a clone, played
# against a temporary root with the unit's own command line (plus --root):
#   no blob               -> ConditionPathExists keeps the unit from running
#   blob delivered        -> joined, blob wiped and removed
#   next boot             -> no blob: the unit does not run again
#   blob that fails       -> exit 2, blob kept for the next boot and odj-inspect
#   commit done, blob back (cut before the removal) -> success again, blob removed
# ODJ_APPLY is the build's own path ($<TARGET_FILE:odj-apply>): missing is a failure.
set -u
src=$1
apply=$2
unit=$src/examples/firstboot/odj-apply.service
vector=$src/tests/vectors/samba-4.17-net-offlinejoin-ODJCLI01.txt
if [ ! -x "$apply" ]; then
	echo "FAIL: $apply does not exist; the first-boot sequence needs it" >&2
	exit 1
fi
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/etc" "$root/var/lib/odj"

cond=$(sed -n 's/^ConditionPathExists=//p' "$unit")
read -r -a cmd <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
[ "${cmd[0]}" = odj-apply ] || fail "ExecStart does not run odj-apply: ${cmd[*]}"
# The unit's arguments, its paths moved below the root.
args=(--root "$root")
for ((i = 1; i < ${#cmd[@]}; i++)); do
	case ${cmd[i]} in
	/*) args+=("$root${cmd[i]}") ;;
	*) args+=("${cmd[i]}") ;;
	esac
done

# boot RUN_EXPECTED EXIT_EXPECTED: one boot; the unit runs only when its condition holds.
boot() {
	if [ ! -e "$root$cond" ]; then
		[ "$1" = skipped ] || fail "$2: the unit would not run (no $cond)"
		return
	fi
	[ "$1" = runs ] || fail "the unit would run although it should not ($cond exists)"
	"$apply" "${args[@]}" >"$tmp/out" 2>&1
	local rc=$?
	[ $rc -eq "$2" ] || fail "odj-apply ${args[*]} exited $rc, expected $2: $(cat "$tmp/out")"
}
deliver() { # deliver FILE: what write_files or a copy into the image does
	install -m 0600 "$1" "$root$cond"
}

boot skipped 0                          # the golden image itself
deliver "$vector"
boot runs 0
[ -e "$root$cond" ] && fail "the blob is still there after a successful join"
[ -s "$root/var/lib/odj/join.json" ] || fail "no join record after the join"
[ "$(stat -c %a "$root/etc/krb5.keytab" 2>/dev/null)" = 600 ] || fail "the keytab is not mode 600"
grep -qx 'odjcli01' "$root/etc/hostname" || fail "/etc/hostname is not the blob's machine"
boot skipped 0                          # every later boot

# A blob that cannot be applied stays where it is.
head -c 400 "$vector" >"$tmp/damaged"
rm -rf "$tmp/before" && cp -a "$root" "$tmp/before"
deliver "$tmp/damaged"
boot runs 2
cmp -s "$tmp/damaged" "$root$cond" || fail "a failed apply did not leave the blob as it was"
rm -f "$root$cond" "$tmp/before$cond"
diff -r "$tmp/before" "$root" >/dev/null || fail "a failed apply changed the root: $(diff -r "$tmp/before" "$root")"

# The boot was cut after the commit but before the blob was removed.
deliver "$vector"
boot runs 0
[ -e "$root$cond" ] && fail "the blob of a join already in place was not removed"
boot skipped 0

echo "first boot: skipped without a blob, joined and consumed, skipped after, damaged blob kept (exit 2, root unchanged), repeat after a cut boot succeeded"
exit $((failures > 0))
