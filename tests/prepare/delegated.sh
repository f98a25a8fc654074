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
reused() { # NAME WHAT ARGS...: odj-prepare ARGS NAME as the provisioner reuses NAME: exit 0, kvno 1 -> 2
	local n=$1 what=$2 out rc
	shift 2
	out=$(prep_prov "$@" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^(reused|changed|kvno|result)'
	[ $rc -eq 0 ] || fail "$what: exit $rc: $out"
	[ "$(kvno_of "$n")" = 2 ] || fail "kvno after $what: $(kvno_of "$n")"
}
prov_sid=$(samba-tool user show "$TESTDC_PROVISIONER" -s "$TESTDC_DC_SMBCONF" --attributes=objectSid 2>/dev/null |
	awk '/^objectSid:/ {print $2}')
[ -n "$prov_sid" ] || fail "no objectSid for $TESTDC_PROVISIONER (template without OU=Fleet?)"

# ---- check-rights: a user of its own, in an OU of its own, with the
# provisioner's rights but the one a case takes away (samba-tool on the DC's
# database; removed again when the case ends)
G_COMPUTER=bf967a86-0de6-11d0-a285-00aa003049e2
declare -A grants=(
	[create]="OA;CI;CCDC;$G_COMPUTER;;"
	[reset]="OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;$G_COMPUTER;"
	[dns]="OA;CIIO;SW;72e39547-7b18-11d1-adef-00c04fd8d5cd;$G_COMPUTER;"
	[spn]="OA;CIIO;SW;f3a64788-5306-11d1-a9c5-0000f80367c1;$G_COMPUTER;"
	[acct]="OA;CIIO;RPWP;4c164200-20c0-11d0-a768-00aa006e0529;$G_COMPUTER;"
	[enctypes]="OA;CIIO;WP;20119867-1d04-4ab7-9371-cfc3d5df0afd;$G_COMPUTER;"
)
st() { samba-tool "$@" -s "$TESTDC_DC_SMBCONF" >/dev/null || fail "samba-tool $1 $2"; }
rights_user() { # GRANT... : odj-r<tag> with those rights on OU=R<tag>
	ru=odj-r$tag rou="OU=R$tag,$TESTDC_BASEDN" rpass="Odj-Rights-Pass1-$tag"
	st ou create "$rou"
	st user create "$ru" "$rpass"
	trap 'samba-tool ou delete "$rou" --force-subtree-delete -s "$TESTDC_DC_SMBCONF" >/dev/null;
	      samba-tool user delete "$ru" -s "$TESTDC_DC_SMBCONF" >/dev/null; rm -rf "$dir"' EXIT
	rsid=$(samba-tool user show "$ru" -s "$TESTDC_DC_SMBCONF" --attributes=objectSid | awk '/^objectSid:/ {print $2}')
	local g
	for g in "$@"; do st dsacl set --objectdn="$rou" --sddl="(${grants[$g]}$rsid)"; done
}
all_but() { local g out=(); for g in "${!grants[@]}"; do [ "$g" = "$1" ] || out+=("$g"); done; echo "${out[@]}"; }
prep_r() { printf '%s\n' "$rpass" | "$prep" --domain "$TESTDC_DOMAIN" --user "$ru" --password-stdin "$@"; }
admin_modify() { # LDIF on stdin, as administrator
	admin | kinit administrator >/dev/null || fail "kinit administrator"
	ldapmodify -Q -Y GSSAPI -H "ldap://$TESTDC_DC" >/dev/null || fail "ldapmodify"
}
# what must not change: the objects under the OU, and each one's kvno, whenChanged, uSNChanged
# (the OU itself is in it: an empty answer is a failed search, never "no change")
snapshot() {
	admin | kinit administrator >/dev/null 2>&1 || { echo "FAIL: kinit administrator" >&2; kill -USR1 $$; }
	local out
	out=$(ldapsearch -LLL -o ldif-wrap=no -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$rou" -s sub \
		dn msDS-KeyVersionNumber whenChanged uSNChanged 2>"$dir/snap.err") ||
		{ echo "FAIL: snapshot: $(cat "$dir/snap.err")" >&2; kill -USR1 $$; }
	grep -q "^dn: $rou" <<<"$out" || { echo "FAIL: snapshot without $rou: $out" >&2; kill -USR1 $$; }
	awk -v RS= '{ gsub("\n", " "); print }' <<<"$out" | sort # one line an entry, in a fixed order
}
# REFUSED RIGHT-NAME ACE OUT: the refusal names that right and its ACE, and no other right
refused() {
	local what=$1 ace=$2 out=$3
	grep -q '0x5 5 ERROR_ACCESS_DENIED' <<<"$out" || fail "no ERROR_ACCESS_DENIED: $out"
	grep -qF "$what" <<<"$out" || fail "the right ($what) is not named: $out"
	grep -qF "($ace$rsid)" <<<"$out" || fail "the ACE ($ace$rsid) is not named: $out"
	grep -qF "samba-tool dsacl set --objectdn='$rou' --sddl='($ace$rsid)'" <<<"$out" || fail "no samba-tool form"
	grep -qF "dsacls \"$rou\"" <<<"$out" || fail "no dsacls form"
	grep -q '; nor ' <<<"$out" && fail "more rights named than the one missing: $out"
	return 0
}
# a reuse of an account Administrator made (owner Domain Admins, trusted), refused for want of one right
others_refused() { # RIGHT-KEY RIGHT-NAME LDIF-CHANGE
	local key=$1 what=$2 change=$3
	rights_user $(all_but "$key")
	n=$(name RX)
	prep_admin --ou "$rou" --savefile "$dir/0.odj" "$n" >/dev/null 2>&1 || fail "admin provision"
	[ -z "$change" ] || printf 'dn: CN=%s,%s\nchangetype: modify\n%s\n' "$n" "$rou" "$change" | admin_modify
	before=$(snapshot)
	local how
	for how in --check "--savefile $dir/1.odj"; do # the check, then the provision
		out=$(prep_r --ou "$rou" --reuse --trusted-owner "$TESTDC_SID-512" $how "$n" 2>&1); rc=$?
		echo "$out" | grep -E '^odj-prepare|may not|^changed'
		[ $rc -eq 3 ] || fail "$how: exit $rc, expected 3: $out"
		refused "$what" "${grants[$key]}" "$out"
		grep -q "someone else's account" <<<"$out" || fail "the case is not named"
		grep -q '^changed' <<<"$out" && fail "a refused reset reports a change"
	done
	[ ! -e "$dir/1.odj" ] || fail "a blob was written"
	after=$(snapshot)
	[ "$before" = "$after" ] || fail "the directory changed: $before -> $after"
	echo "unchanged: $after"
	echo "ok: $ru without '$key' may not reuse $n (someone else's): refused before any write, nothing changed"
}

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
	reused "$n" "reuse of its own account" --ou "$ou" --reuse --savefile "$dir/2.odj"
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
	reused "$n" "--trusted-owner $owner" --ou "$ou" --reuse --trusted-owner "$owner" --savefile "$dir/3.odj"
	echo "ok: refused (exit 4, 0xAAC, kvno 1 kept), with --trusted-owner $owner exit 0, kvno 2" ;;
reset-refused)
	# someone else's account outside OU=Fleet, its owner trusted: check-rights
	# refuses before the write; the error names the right and reports no change
	n=$(name PD)
	prep_admin --savefile "$dir/1.odj" "$n" >/dev/null 2>&1 || fail "admin provision"
	out=$(prep_prov --reuse --trusted-owner "$TESTDC_SID-512" --savefile "$dir/2.odj" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^odj-prepare|refused|changed'
	[ $rc -eq 3 ] || fail "exit $rc, expected 3"
	grep -q '0x5 5 ERROR_ACCESS_DENIED' <<<"$out" || fail "no ERROR_ACCESS_DENIED row"
	grep -q "may not, on CN=$n,CN=Computers,$TESTDC_BASEDN (someone else's account, owner $TESTDC_SID-512): reset their passwords (OA;CIIO;CR;00299570-246d-11d0-a768-00aa006e0529;bf967a86-0de6-11d0-a285-00aa003049e2;$prov_sid)" <<<"$out" ||
		fail "the right is not named"
	grep -q 'changed' <<<"$out" && fail "a refused reset reports a change"
	[ ! -e "$dir/2.odj" ] || fail "a blob was written"
	[ "$(kvno_of "$n")" = 1 ] || fail "kvno $(kvno_of "$n")"
	echo "ok: refused with ERROR_ACCESS_DENIED naming Reset Password, no change reported, kvno 1 kept" ;;
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
	json=$(helpdesk --check --json "$n" 2>/dev/null) || fail "--check --json: exit $?"
	used=$(jq -r '.machine_account_quota | "\(.quota) \(.used)"' <<<"$json")
	echo "--check --json machine_account_quota: $used"
	[[ "$used" =~ ^10\ [0-9]+$ ]] || fail "no quota fields in --check --json: $json"
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
rights-new-create)
	# a new account without the right to create computers
	rights_user $(all_but create)
	n=$(name RC)
	before=$(snapshot)
	out=$(prep_r --ou "$rou" --check "$n" 2>&1); rc=$?
	[ $rc -eq 3 ] || fail "--check: exit $rc, expected 3: $out"
	grep -qF "may not create computer objects in $rou: (OA;;CC;$G_COMPUTER;;$rsid)" <<<"$out" || fail "refusal: $out"
	grep -qF "dsacls \"$rou\" /G \"$TESTDC_NETBIOS\\$ru:CC;computer\"" <<<"$out" || fail "no dsacls form: $out"
	out=$(prep_r --ou "$rou" --savefile "$dir/1.odj" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^odj-prepare|may not'
	[ $rc -eq 3 ] || fail "provision: exit $rc, expected 3"
	grep -qF "may not create computer objects in $rou: (OA;;CC;$G_COMPUTER;;$rsid)" <<<"$out" || fail "refusal: $out"
	[ ! -e "$dir/1.odj" ] || fail "a blob was written"
	exists "$n\$" && fail "created anyway"
	# a bulk run refuses before its first add, alike
	out=$(prep_r --dc "$TESTDC_DC" --ou "$rou" --count 2 --name-template "$n-%d" --out-dir "$dir/out" 2>&1); rc=$?
	echo "$out" | grep -E 'may not|^while|^machines|^not started'
	[ $rc -eq 3 ] || fail "bulk: exit $rc, expected 3: $out"
	grep -qF "may not create computer objects in $rou: (OA;;CC;$G_COMPUTER;;$rsid)" <<<"$out" || fail "bulk refusal: $out"
	# the run never started: it says so, with no counts as if it had run
	grep -q '^not started *2 machines: the run was refused before its first add' <<<"$out" || fail "bulk: not said not started: $out"
	grep -qE '^(machines|rate|profile) ' <<<"$out" && fail "bulk: a refused run printed a run's summary: $out"
	prep_r --json --dc "$TESTDC_DC" --ou "$rou" --count 2 --name-template "$n-%d" --out-dir "$dir/out" >"$dir/j" 2>/dev/null
	python3 - "$dir/j" "$rou" <<'PY' || fail "bulk --json: $(cat "$dir/j")"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["error"]
assert d["ok"] is False and d["exit"] == e["exit"] == 3 and d["started"] is False, d
assert not {"created", "skipped", "failed", "profile"} & set(d), sorted(d)
assert "may not create computer objects in " + sys.argv[2] in e["message"] and e["doing"], e
PY
	after=$(snapshot)
	[ "$before" = "$after" ] || fail "the directory changed: $before -> $after"
	echo "unchanged: $after"
	echo "ok: no create right: refused before the add, OU=R$tag still empty" ;;
rights-new-own)
	# only the right to create: the new account and the caller's own need no
	# more (CREATOR OWNER of the computer class gives reset password and the
	# validated writes), but for its enctypes a changed account needs the delegation
	rights_user create
	n=$(name RN)
	out=$(prep_r --ou "$rou" --check "$n" 2>&1) || fail "--check: $out"
	echo "$out" | grep '^rights'
	grep -q "^rights *may create computers in $rou$" <<<"$out" || fail "rights line: $out"
	# kpasswd sets the password after the add: Reset Password through CREATOR OWNER
	out=$(prep_r --ou "$rou" --password-method kpasswd --savefile "$dir/1.odj" "$n" 2>&1) || fail "provision: $out"
	[ "$(kvno_of "$n")" -ge 1 ] || fail "kvno"
	out=$(prep_r --ou "$rou" --reuse --check "$n" 2>&1) || fail "--check --reuse of its own: $out"
	echo "$out" | grep '^rights'
	grep -q "^rights *may reset CN=$n,$rou (its own account): reset their passwords" <<<"$out" || fail "rights line: $out"
	k=$(kvno_of "$n")
	out=$(prep_r --ou "$rou" --reuse --savefile "$dir/2.odj" "$n" 2>&1) || fail "reuse of its own: $out"
	[ "$(kvno_of "$n")" = $((k + 1)) ] || fail "kvno after the reuse"
	# its own account, whose enctypes someone changed: CREATOR OWNER gives no write of them
	printf 'dn: CN=%s,%s\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 4\n' "$n" "$rou" | admin_modify
	before=$(snapshot)
	out=$(prep_r --ou "$rou" --reuse --savefile "$dir/3.odj" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^odj-prepare|may not'
	[ $rc -eq 3 ] || fail "exit $rc, expected 3: $out"
	refused "write their msDS-SupportedEncryptionTypes" "${grants[enctypes]}" "$out"
	grep -q "(its own account, owner $rsid)" <<<"$out" || fail "the case is not named"
	after=$(snapshot)
	[ "$before" = "$after" ] || fail "the directory changed: $before -> $after"
	echo "unchanged: $after"
	[ ! -e "$dir/3.odj" ] || fail "a blob was written"
	echo "ok: create only: new (kpasswd) and own reuse pass; own with changed enctypes refused, unchanged" ;;
rights-others-reset)
	others_refused reset "reset their passwords" "" ;;
rights-others-dns)
	others_refused dns "write their DNS host name (validated write)" \
		"replace: dNSHostName"$'\n'"dNSHostName: elsewhere.$TESTDC_DOMAIN" ;;
rights-others-spn)
	others_refused spn "write their service principal names (validated write)" \
		"delete: servicePrincipalName"$'\n'"servicePrincipalName: HOST/$(name RX)" ;;
rights-others-enctypes)
	others_refused enctypes "write their msDS-SupportedEncryptionTypes" \
		"replace: msDS-SupportedEncryptionTypes"$'\n'"msDS-SupportedEncryptionTypes: 4" ;;
rights-others-acct)
	# no step writes userAccountControl of an existing account: the reuse passes
	# without it; a changed dNSHostName and a missing SPN are written back
	# through the validated writes alone (allowedAttributesEffective lists neither)
	rights_user $(all_but acct)
	n=$(name RX)
	prep_admin --ou "$rou" --savefile "$dir/0.odj" "$n" >/dev/null 2>&1 || fail "admin provision"
	printf 'dn: CN=%s,%s\nchangetype: modify\nreplace: dNSHostName\ndNSHostName: elsewhere.%s\n-\ndelete: servicePrincipalName\nservicePrincipalName: HOST/%s\n' \
		"$n" "$rou" "$TESTDC_DOMAIN" "$n" | admin_modify
	out=$(prep_r --ou "$rou" --reuse --trusted-owner "$TESTDC_SID-512" --check "$n" 2>&1) || fail "--check: $out"
	echo "$out" | grep -E '^(rights|would)'
	grep -q "^rights *may reset CN=$n,$rou (someone else's account): reset their passwords, write their DNS host name (validated write), write their service principal names (validated write)$" <<<"$out" ||
		fail "rights line"
	out=$(prep_r --ou "$rou" --reuse --trusted-owner "$TESTDC_SID-512" --savefile "$dir/1.odj" "$n" 2>&1) ||
		fail "reuse without account restrictions: $out"
	[ "$(kvno_of "$n")" = 2 ] || fail "kvno $(kvno_of "$n")"
	[ "$(attr "$n\$" dNSHostName)" = "$(tr 'A-Z' 'a-z' <<<"$n").$TESTDC_DOMAIN" ] || fail "dNSHostName not written back"
	ldap "(sAMAccountName=$n\$)" servicePrincipalName | grep -qx "servicePrincipalName: HOST/$n" || fail "SPN not written back"
	echo "ok: without account restrictions the reuse of someone else's account passes (kvno 2), dNSHostName and SPN by validated write" ;;
*) fail "unknown case $case_" ;;
esac
