#!/bin/bash
# odj-prepare as the template's delegated account odj-provisioner (rights on
# computer objects under OU=Fleet only, README "Tests"); every case checks the
# DC afterwards as administrator.
# Usage: delegated.sh CASE ODJ-PREPARE ODJ-INSPECT
set -uo pipefail
case_=$1 prep=$2 inspect=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/provision-lib.sh"

ou=$TESTDC_FLEET_OU
provisioner() { printf '%s\n' "$TESTDC_PROVISIONER_PASS"; }
prep_prov() { provisioner | "$prep" --domain "$TESTDC_DOMAIN" --user "$TESTDC_PROVISIONER" --password-stdin "$@"; }
kvno_of() { attr "$1\$" msDS-KeyVersionNumber; }
dn_of() { ldap "(sAMAccountName=$1\$)" dn | awk '/^dn:/ {print $2}'; }
in_fleet() { [ "$(dn_of "$1")" = "CN=$1,$ou" ]; }
# the SDDL owner of an object (samba-tool reads the DC's database directly)
owner_of() {
	samba-tool dsacl get --objectdn="$1" -s "$TESTDC_DC_SMBCONF" 2>/dev/null |
		sed -n 's/^O:\([^:]*\)G:.*/\1/p'
}
prov_sid=$(samba-tool user show "$TESTDC_PROVISIONER" -s "$TESTDC_DC_SMBCONF" --attributes=objectSid 2>/dev/null |
	awk '/^objectSid:/ {print $2}')
[ -n "$prov_sid" ] || fail "no objectSid for $TESTDC_PROVISIONER (template without OU=Fleet?)"

case $case_ in
create)
	n=$(name PC)
	out=$(prep_prov --ou "$ou" --savefile "$dir/1.odj" "$n" 2>&1) || fail "provision: $out"
	echo "$out" | grep -E '^(created|kvno|result)'
	in_fleet "$n" || fail "not created in $ou: $(dn_of "$n")"
	[ "$(kvno_of "$n")" = 1 ] || fail "kvno $(kvno_of "$n")"
	[ "$(attr "$n\$" msDS-SupportedEncryptionTypes)" = 24 ] || fail "enctypes"
	[ "$(attr "$n\$" dNSHostName)" = "$(tr 'A-Z' 'a-z' <<<"$n").$TESTDC_DOMAIN" ] || fail "dNSHostName"
	[ "$(owner_of "CN=$n,$ou")" = "$prov_sid" ] || fail "owner $(owner_of "CN=$n,$ou"), expected $prov_sid"
	[ "$(stat -c %a "$dir/1.odj")" = 600 ] || fail "blob mode"
	echo "ok: created in $ou by $TESTDC_PROVISIONER (owner $prov_sid), kvno 1" ;;
reuse-own)
	n=$(name PR)
	prep_prov --ou "$ou" --savefile "$dir/1.odj" "$n" >/dev/null 2>&1 || fail "first provision"
	out=$(prep_prov --ou "$ou" --reuse --savefile "$dir/2.odj" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^(reused|changed|kvno|result)'
	[ $rc -eq 0 ] || fail "reuse of its own account: exit $rc: $out"
	[ "$(kvno_of "$n")" = 2 ] || fail "kvno after reuse $(kvno_of "$n")"
	echo "ok: its own account reused, exit 0, kvno 1 -> 2" ;;
reuse-admin)
	# an account Administrator made in OU=Fleet (owner Domain Admins)
	n=$(name PA)
	prep_admin --ou "$ou" --savefile "$dir/1.odj" "$n" >/dev/null 2>&1 || fail "admin provision"
	owner=$(owner_of "CN=$n,$ou")
	[ "$owner" != DA ] || owner=$TESTDC_SID-512
	echo "owner of CN=$n: $owner"
	out=$(prep_prov --ou "$ou" --reuse --check "$n" 2>&1); rc=$?
	echo "$out" | tail -4
	[ $rc -eq 4 ] || fail "--check --reuse: exit $rc, expected 4"
	grep -q '0xAAC 2732 NERR_AccountReuseBlockedByPolicy' <<<"$out" || fail "--check: no 0xAAC row"
	out=$(prep_prov --ou "$ou" --reuse --savefile "$dir/2.odj" "$n" 2>&1); rc=$?
	echo "$out" | tail -6
	[ $rc -eq 4 ] || fail "reuse of Administrator's account: exit $rc, expected 4"
	grep -q '0xAAC 2732 NERR_AccountReuseBlockedByPolicy' <<<"$out" || fail "no 0xAAC row"
	grep -q "it is owned by Domain Admins ($owner)" <<<"$out" || fail "the owner is not named"
	grep -q 'changed' <<<"$out" && fail "a refused reuse reports a change"
	[ ! -e "$dir/2.odj" ] || fail "a blob was written"
	[ "$(kvno_of "$n")" = 1 ] || fail "the account was changed: kvno $(kvno_of "$n")"
	# the owner trusted by name: allowed
	out=$(prep_prov --ou "$ou" --reuse --trusted-owner "$owner" --savefile "$dir/3.odj" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^(reused|kvno|result)'
	[ $rc -eq 0 ] || fail "--trusted-owner $owner: exit $rc: $out"
	[ "$(kvno_of "$n")" = 2 ] || fail "kvno after the trusted reuse $(kvno_of "$n")"
	echo "ok: refused (exit 4, 0xAAC, kvno 1 kept), with --trusted-owner $owner exit 0, kvno 2" ;;
reset-refused)
	# someone else's account outside OU=Fleet, its owner trusted: the DC refuses
	# the password reset; the error names the right and reports no change
	n=$(name PD)
	prep_admin --savefile "$dir/1.odj" "$n" >/dev/null 2>&1 || fail "admin provision"
	out=$(prep_prov --reuse --trusted-owner "$TESTDC_SID-512" --savefile "$dir/2.odj" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^odj-prepare|refused|changed'
	[ $rc -eq 3 ] || fail "exit $rc, expected 3"
	grep -q '0x5 5 ERROR_ACCESS_DENIED' <<<"$out" || fail "no ERROR_ACCESS_DENIED row"
	grep -q "refused resetting the computer account CN=$n,CN=Computers,.*unicodePwd (the Reset Password right)" <<<"$out" ||
		fail "the operation or the attribute is not named"
	grep -q 'changed' <<<"$out" && fail "a refused reset reports a change"
	[ ! -e "$dir/2.odj" ] || fail "a blob was written"
	[ "$(kvno_of "$n")" = 1 ] || fail "kvno $(kvno_of "$n")"
	echo "ok: refused with ERROR_ACCESS_DENIED naming unicodePwd, no change reported, kvno 1 kept" ;;
check)
	n=$(name PK)
	out=$(prep_prov --ou "$ou" --check "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^(container|account|would|result)'
	[ $rc -eq 0 ] || fail "--check: exit $rc: $out"
	grep -q "^container *$ou (may create computers: yes)" <<<"$out" || fail "container line"
	grep -q "^would *create-or-reset: create CN=$n,$ou" <<<"$out" || fail "would-create line"
	exists "$n\$" && fail "--check created the account"
	echo "ok: --check passes in $ou, nothing created" ;;
helpdesk-quota)
	# a plain user: no right anywhere, but ms-DS-MachineAccountQuota in Computers
	n=$(name PQ)
	helpdesk() { printf '%s\n' "$TESTDC_HELPDESK_PASS" | "$prep" --domain "$TESTDC_DOMAIN" --user "$TESTDC_HELPDESK" --password-stdin "$@"; }
	out=$(helpdesk --check "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^(container|quota|result)'
	[ $rc -eq 0 ] || fail "--check in Computers: exit $rc: $out"
	grep -q "^container *CN=Computers,$TESTDC_BASEDN (may create computers: no)" <<<"$out" || fail "container line"
	grep -q "^quota *relies on ms-DS-MachineAccountQuota: [0-9]* of 10 used by $TESTDC_HELPDESK@$TESTDC_REALM" <<<"$out" || fail "no quota line"
	# Samba 4.17 grants no quota add over LDAP: the DC's refusal is mapped, nothing is left
	out=$(helpdesk --savefile "$dir/1.odj" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^odj-prepare|refused|^check'
	[ $rc -eq 3 ] && grep -q '0x5 5 ERROR_ACCESS_DENIED' <<<"$out" || fail "provision in Computers: exit $rc"
	grep -q "refused creating the computer account CN=$n,CN=Computers" <<<"$out" || fail "the operation is not named"
	grep -q 'relied on ms-DS-MachineAccountQuota' <<<"$out" || fail "no quota advice"
	exists "$n\$" && fail "created anyway"
	[ ! -e "$dir/1.odj" ] || fail "a blob was written"
	# in an OU the quota does not apply: refused up front, naming the right
	out=$(helpdesk --check --ou "$ou" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^odj-prepare|may not'
	[ $rc -eq 3 ] && grep -q "may not create computer objects in $ou" <<<"$out" || fail "--check in $ou: exit $rc"
	grep -q '^quota' <<<"$out" && fail "a quota line for an OU"
	exists "$n\$" && fail "created anyway"
	echo "ok: --check relies on the quota in Computers, the DC's refusal is ERROR_ACCESS_DENIED, refused up front in $ou" ;;
rollback)
	# the key proof fails after the delegated user created the account (TGS
	# replies dropped once its ccache holds the session's tickets): the
	# delegated user deletes it again
	. "$here/fault.sh"
	n=$(name PB)
	provisioner | kinit "$TESTDC_PROVISIONER" >/dev/null || fail "kinit $TESTDC_PROVISIONER"
	kvno "ldap/$TESTDC_DC" "cifs/$TESTDC_DC" >/dev/null || fail "kvno"
	pcc=$dir/prov.cc
	cp "${KRB5CCNAME#FILE:}" "$pcc"
	fault_on swallow-tgs || fail "nft"
	trap 'fault_clear; rm -rf "$dir"' EXIT
	out=$("$prep" --domain "$TESTDC_DOMAIN" --ccache "FILE:$pcc" --ou "$ou" --kdc-timeout 2 --savefile "$dir/1.odj" "$n" 2>&1); rc=$?
	dropped=$(fault_counter)
	fault_clear
	echo "$out" | tail -5
	echo "TGS replies dropped: $dropped"
	[ "$dropped" -ge 1 ] || fail "no TGS reply was dropped"
	[ $rc -ne 0 ] || fail "provision passed with the TGS replies dropped"
	grep -q "this run created was removed again" <<<"$out" || fail "no rollback reported"
	exists "$n\$" && fail "the account is left on the DC"
	[ ! -e "$dir/1.odj" ] || fail "a blob was written"
	echo "ok: $TESTDC_PROVISIONER removed what it created" ;;
bulk-skip-existing)
	p="PS$tag-"
	bulk() { prep_prov --dc "$TESTDC_DC" --ou "$ou" "$@"; }
	out=$(bulk --count 3 --name-template "$p%d" --first 1 --out-dir "$dir/out" 2>&1) || fail "first bulk run: $out"
	grep -q '^machines *3: 3 created, 0 skipped, 0 failed' <<<"$out" || fail "first summary: $out"
	before=$(for i in 1 2 3; do kvno_of "$p$i"; done | tr '\n' ' ')
	out=$(bulk --count 5 --name-template "$p%d" --first 1 --out-dir "$dir/out" --skip-existing 2>&1); rc=$?
	echo "$out" | grep '^machines'
	[ $rc -eq 0 ] || fail "rerun: exit $rc: $out"
	grep -q '^machines *5: 2 created, 3 skipped, 0 failed' <<<"$out" || fail "rerun summary"
	for i in 1 2 3 4 5; do in_fleet "$p$i" || fail "$p$i not in $ou"; done
	[ "$before" = "$(for i in 1 2 3; do kvno_of "$p$i"; done | tr '\n' ' ')" ] || fail "existing accounts changed"
	[ "$(ls "$dir/out" | wc -l)" = 5 ] || fail "out-dir: $(ls "$dir/out")"
	echo "ok: 3 then 5 in $ou as $TESTDC_PROVISIONER, the first 3 untouched (kvno $before)" ;;
*) fail "unknown case $case_" ;;
esac
