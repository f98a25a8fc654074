#!/bin/bash
# first-contact.sh SOURCE_DIR PREPARE APPLY VERIFY ROTATE ROTATE_PROBE: examples/odj-rotate.service
# checked by `systemd-analyze verify` (and three broken copies caught), its
# promised properties, then its boots played against a joined root with the
# unit's own command lines (plus --root, paths moved below the root):
#   odj-apply leaves the marker            -> the unit would run
#   first boot, no DC answers              -> exit 5 after backoff tries, marker and root unchanged
#   systemd's restart, the DC answers      -> rotated, ExecStartPost removes the marker
#   next boot                              -> no marker: skipped
#   a later odj-rotate killed after the DC took the password -> the pending mark
#   makes the next boot run the unit, which finishes it; the boot after skips
# and the blob's password is worthless: the blob applied to a second root fails odj-verify.
set -uo pipefail
src=$1 prep=$2 apply=$3 verify=$4 rotate=$5 probe=$6
unit=$src/examples/odj-rotate.service
dir=$(mktemp -d); root=$dir/root
table=odjfault_${TESTDC_INSTANCE:-default}_firstcontact
cleanup() { nft delete table inet "$table" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
die() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
. "$src/tests/ship/unit-lib.sh"

step "systemd-analyze verify"
unit_verify "$src" odj-rotate "$rotate" "$dir" 's/^Restart=on-failure/Restart=on-failur/' || exit 1
echo "ok: verify clean; 3 broken copies caught"

step "the unit's promises"
# Two triggering conditions: odj-apply's marker, or a rotation left pending by a crash.
mapfile -t conds < <(sed -n 's/^ConditionPathExists=|//p' "$unit")
marker=${conds[0]:-} pending=${conds[1]:-}
[ "$marker" = /var/lib/odj/first-contact ] || fail "ConditionPathExists=|$marker is not odj-apply's marker"
grep -q "\"$marker\"" "$src/libjoin/include/odj/apply.h" || fail "odj-apply does not leave $marker"
[ "$pending" = /var/lib/odj/rotation-pending ] || fail "ConditionPathExists=|$pending is not odj-rotate's pending mark"
grep -q "\"$pending\"" "$src/libjoin/include/odj/rotate.h" || fail "odj-rotate does not leave $pending"
has Wants network-online.target
has After network-online.target
has Type oneshot
has Restart on-failure
has ExecStartPost "$marker"
for code in 1 2 3 4 6; do has RestartPreventExitStatus $code; done
grep -E '^RestartPreventExitStatus=.*\b5\b' "$unit" && fail "exit 5 (no DC) must be retried"
grep -q -- '--wait-for-dc' "$unit" || fail "ExecStart does not wait for a DC"

# The unit's command lines with --root and paths below the root.
read -r -a start <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
read -r -a post <<<"$(sed -n 's/^ExecStartPost=//p' "$unit")"
args=(--root "$root")
for ((i = 1; i < ${#start[@]}; i++)); do
	args+=("${start[i]}")
	[ "${start[i]}" = --wait-for-dc ] && { args+=(8); i=$((i + 1)); } # an hour is the unit's; 8 s here
done
post_args=()
for ((i = 1; i < ${#post[@]}; i++)); do
	case ${post[i]} in /*) post_args+=("$root${post[i]}") ;; *) post_args+=("${post[i]}") ;; esac
done
boot() { # boot skipped|EXIT: one start of the unit
	if [ ! -e "$root$marker" ] && [ ! -e "$root$pending" ]; then
		[ "$1" = skipped ] || fail "the unit would not run (no $marker, no $pending)"
		return
	fi
	[ "$1" != skipped ] || fail "the unit would run although $marker and $pending are gone"
	"$rotate" "${args[@]}" >"$dir/out" 2>&1
	local rc=$?
	cat "$dir/out"
	[ $rc -eq "$1" ] || fail "odj-rotate ${args[*]} exited $rc, expected $1"
	[ $rc -eq 0 ] && "${post[0]}" "${post_args[@]}"
}

step "odj-prepare + odj-apply leave the marker"
n=FC$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
export KRB5CCNAME="FILE:$dir/admin.cc"
printf '%s\n' "$TESTDC_ADMINPASS" | kinit administrator >/dev/null || die "kinit administrator"
"$prep" --domain "$TESTDC_DOMAIN" --ccache "$KRB5CCNAME" --savefile "$dir/$n.odj" "$n" >"$dir/prep.out" 2>&1 || { cat "$dir/prep.out"; die "prepare"; }
mkdir -p "$root/etc" && printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
unshare -n "$apply" --blob "$dir/$n.odj" --root "$root" >/dev/null 2>&1 || die "apply"
[ -f "$root$marker" ] || die "odj-apply left no $marker"
dc_kvno() { ldapsearch -LLL -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$TESTDC_BASEDN" "(sAMAccountName=$n\$)" msDS-KeyVersionNumber 2>/dev/null | awk '/^msDS-KeyVersionNumber:/ {print $2}'; }
before=$(dc_kvno)
snap() { (cd "$root" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

step "first boot: no DC answers (ports 88, 389, 464 black-holed)"
nft add table inet "$table"
nft add chain inet "$table" out '{ type filter hook output priority -10; policy accept; }'
nft add rule inet "$table" out ip daddr "$TESTDC_IP" th dport '{ 88, 389, 464 }' counter drop
snap >"$dir/before.sum"
boot 5
nft delete table inet "$table"
grep -q 'trying again in' "$dir/out" || fail "no backoff retry in the output"
snap >"$dir/after.sum"
cmp -s "$dir/before.sum" "$dir/after.sum" || fail "a run without a DC changed files"
[ "$(dc_kvno)" = "$before" ] || fail "the DC's kvno changed"

step "systemd restarts it; the DC answers"
boot 0
[ -e "$root$marker" ] && fail "the marker is still there after a successful rotation"
echo "DC kvno $before -> $(dc_kvno)"
[ "$(dc_kvno)" = $((before + 1)) ] || fail "not rotated"
"$verify" --root "$root" || fail "odj-verify after the first-contact rotation"

step "next boot"
boot skipped

step "a later rotation killed after the DC took the new password"
"$probe" "$root" changed >/dev/null 2>&1
[ -e "$root$pending" ] || fail "no $pending after the kill"
k=$(dc_kvno)
boot 0
[ -e "$root$pending" ] && fail "$pending is still there after the unit ran"
echo "DC kvno $k; keytab finished by the unit: $(klist -k "$root/etc/krb5.keytab" | awk 'NR > 3 {print $1}' | sort -un | tr '\n' ' ')"
grep -q 'was finished' "$dir/out" || fail "the unit did not finish the interrupted rotation"
"$verify" --root "$root" || fail "odj-verify after the unit finished the rotation"
boot skipped

step "the blob's password is worthless now"
root2=$dir/root2
mkdir -p "$root2/etc" && printf '127.0.0.1 localhost\n' >"$root2/etc/hosts"
unshare -n "$apply" --blob "$dir/$n.odj" --root "$root2" >/dev/null 2>&1 || die "apply to root2"
"$verify" --root "$root2" >"$dir/v2.out" 2>&1 && fail "the blob's keys still work after the rotation"
grep -E 'tgt|kvno' "$dir/v2.out" | head -3

[ $failures -eq 0 ] && echo "ok: first contact: marker from odj-apply, retried without a DC (nothing changed), rotated and marker removed, skipped after; the blob's password is refused"
exit $((failures > 0))
