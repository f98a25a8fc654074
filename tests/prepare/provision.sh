#!/bin/bash
# odj-prepare provisioning against the test DC; every case checks the DC afterwards.
# Usage: provision.sh CASE ODJ-PREPARE ODJ-INSPECT
set -uo pipefail
case_=$1 prep=$2 inspect=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/provision-lib.sh"

case $case_ in
create)
	n=$(name CR)
	out=$(prep_admin --savefile "$dir/b.odj" --description "odj test" "$n" 2>&1) || fail "provision: $out"
	echo "$out"
	[ "$(stat -c %a "$dir/b.odj")" = 600 ] || fail "blob mode"
	e=$(ldap "(sAMAccountName=$n\$)" userAccountControl dNSHostName servicePrincipalName msDS-SupportedEncryptionTypes msDS-KeyVersionNumber description objectClass operatingSystem)
	echo "$e"
	lc=$(tr 'A-Z' 'a-z' <<<"$n")
	grep -qx "userAccountControl: 4096" <<<"$e" || fail "UAC"
	grep -qx "dNSHostName: $lc.$TESTDC_DOMAIN" <<<"$e" || fail "dNSHostName"
	for spn in "HOST/$lc.$TESTDC_DOMAIN" "HOST/$n" "RestrictedKrbHost/$lc.$TESTDC_DOMAIN" "RestrictedKrbHost/$n"; do
		grep -qix "servicePrincipalName: $spn" <<<"$e" || fail "SPN $spn"
	done
	[ "$(grep -c '^servicePrincipalName:' <<<"$e")" -eq 4 ] || fail "SPN count"
	grep -qx "msDS-SupportedEncryptionTypes: 24" <<<"$e" || fail "enctypes"
	grep -qx "msDS-KeyVersionNumber: 1" <<<"$e" || fail "kvno"
	grep -qx "description: odj test" <<<"$e" || fail "description"
	grep -qx "operatingSystem: Linux" <<<"$e" || fail "operatingSystem"
	# the key proof (a TGS exchange) records no logon on the new account
	ll=$(ldap "(sAMAccountName=$n\$)" lastLogon lastLogonTimestamp logonCount)
	grep -qiE '^lastLogonTimestamp:|^(lastLogon|logonCount): [1-9]' <<<"$ll" && fail "a logon was recorded: $ll"
	sid=$(ldap "(sAMAccountName=$n\$)" objectSid | awk '/^objectSid::/ {print $2}' | base64 -d | od -An -tu4 -j24 | tr -d ' ')
	"$inspect" --json "$dir/b.odj" >"$dir/b.json" || fail "inspect"
	python3 - "$dir/b.json" "$n" "$sid" <<'PY' || fail "blob content"
import json, sys
d = json.load(open(sys.argv[1]))
s = json.dumps(d)
assert sys.argv[2] in s, "machine name"
assert ("-%s\"" % sys.argv[3]) in s, "RID %s not in %s" % (sys.argv[3], s)
PY
	# odj's Linux part carries the account's kvno and names for apply
	"$inspect" "$dir/b.odj" >"$dir/b.txt"
	grep -q 'ODJ_LINUX_PROVIDER .* flags 0x0, .*: version 1, kvno 1$' "$dir/b.txt" || fail "no Linux part with kvno 1"
	grep -q "sAMAccountName $n\$, dNSHostName $lc.$TESTDC_DOMAIN" "$dir/b.txt" || fail "Linux part names"
	grep -q "salt $TESTDC_REALM""host$lc.$TESTDC_DOMAIN" "$dir/b.txt" || fail "Linux part salt"
	# --windows: no Linux part, Windows-style referents
	w=$(name WI)
	prep_admin --windows --savefile "$dir/w.odj" "$w" >/dev/null 2>&1 || fail "--windows"
	"$inspect" "$dir/w.odj" >"$dir/w.txt"
	grep -q ODJ_LINUX_PROVIDER "$dir/w.txt" && fail "--windows blob has the Linux part"
	grep -q 'Referents: *Windows style' "$dir/w.txt" || fail "--windows referents"
	echo "ok: created, blob RID = objectSid RID $sid, Linux part kvno 1; --windows without it" ;;
reuse)
	n=$(name RU)
	prep_admin --savefile "$dir/1.odj" "$n" >/dev/null 2>&1 || fail "first provision"
	# an extra SPN set by someone else must survive the reuse
	admin | kinit administrator >/dev/null
	dn=$(ldap "(sAMAccountName=$n\$)" dn | awk '/^dn:/ {print $2}')
	printf 'dn: %s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: cifs/%s-extra\n' "$dn" "$n" |
		ldapmodify -Y GSSAPI -H "ldap://$TESTDC_DC" >/dev/null 2>&1 || fail "ldapmodify"
	out=$(prep_admin --reuse --savefile "$dir/2.odj" "$n" 2>&1) || fail "reuse: $out"
	echo "$out"
	grep -q "^reused *$dn" <<<"$out" || fail "not reported as reused"
	grep -q 'changed *new machine password' <<<"$out" || fail "changes not printed"
	[ "$(attr "$n\$" msDS-KeyVersionNumber)" = 2 ] || fail "kvno after reuse: $(attr "$n\$" msDS-KeyVersionNumber)"
	ldap "(sAMAccountName=$n\$)" servicePrincipalName | grep -qi "cifs/$n-extra" || fail "extra SPN lost"
	grep -q '^kvno *2$' <<<"$out" || fail "kvno 2 not reported"
	echo "ok: reused, kvno 1 -> 2, extra SPN kept" ;;
exists)
	n=$(name EX)
	prep_admin --savefile "$dir/1.odj" "$n" >/dev/null 2>&1 || fail "first provision"
	out=$(prep_admin --savefile "$dir/2.odj" "$n" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 4 ] || fail "exit $rc, expected 4"
	grep -q '0x8B0 2224 NERR_UserExists' <<<"$out" || fail "row"
	grep -q -- '--reuse' <<<"$out" || fail "no advice"
	[ ! -e "$dir/2.odj" ] || fail "a blob was written"
	[ "$(attr "$n\$" msDS-KeyVersionNumber)" = 1 ] || fail "the account was changed"
	echo "ok" ;;
other-ou)
	n=$(name OU)
	ou="OU=odjother$tag,$TESTDC_BASEDN"
	admin | kinit administrator >/dev/null
	printf 'dn: %s\nobjectClass: organizationalUnit\n' "$ou" | ldapadd -Y GSSAPI -H "ldap://$TESTDC_DC" >/dev/null 2>&1 || fail "ou"
	prep_admin --savefile "$dir/1.odj" "$n" >/dev/null 2>&1 || fail "first provision"
	out=$(prep_admin --reuse --ou "$ou" --savefile "$dir/2.odj" "$n" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 4 ] && grep -q 'NERR_UserExists' <<<"$out" && grep -q 'another container' <<<"$out" || fail "exit $rc"
	[ "$(attr "$n\$" msDS-KeyVersionNumber)" = 1 ] || fail "changed"
	# and created in an OU when it is new there
	m=$(name IN)
	prep_admin --ou "$ou" --savefile "$dir/3.odj" "$m" >/dev/null 2>&1 || fail "create in OU"
	ldap "(sAMAccountName=$m\$)" dn | grep -q "^dn: CN=$m,$ou" || fail "not in the OU"
	echo "ok" ;;
missing-ou)
	n=$(name MO)
	out=$(prep_admin --ou "OU=nosuch$tag,$TESTDC_BASEDN" --savefile "$dir/1.odj" "$n" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 4 ] && grep -q '0x2 2 ERROR_FILE_NOT_FOUND' <<<"$out" || fail "exit $rc"
	exists "$n\$" && fail "created anyway"
	echo "ok" ;;
spn-conflict)
	a=$(name SA) b=$(name SB)
	prep_admin --spn "HOST/shared$tag.$TESTDC_DOMAIN" --savefile "$dir/a.odj" "$a" >/dev/null 2>&1 || fail "first"
	out=$(prep_admin --spn "HOST/shared$tag.$TESTDC_DOMAIN" --savefile "$dir/b.odj" "$b" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 4 ] && grep -q 'ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST' <<<"$out" || fail "exit $rc"
	grep -q "CN=$a," <<<"$out" || fail "holder not named"
	exists "$b\$" && fail "created anyway"
	echo "ok" ;;
long-name)
	# a NetBIOS name longer than 15 characters is refused (a long host label is
	# shortened instead: tests/prepare/plan.sh long-name)
	out=$(prep_admin --netbios-name "AVERYVERYLONGNAME" --savefile "$dir/1.odj" "lnx.$TESTDC_DOMAIN" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 2 ] && grep -q 'NERR_InvalidComputer\|ERROR_INVALID_COMPUTERNAME\|DNS_ERROR' <<<"$out" || fail "exit $rc"
	n=$(name LN)
	out=$(prep_admin --netbios-name "$n" --savefile "$dir/2.odj" "averyverylonghostname$tag.$TESTDC_DOMAIN" 2>&1) || fail "$out"
	[ "$(attr "$n\$" dNSHostName)" = "averyverylonghostname$(tr 'A-Z' 'a-z' <<<"$tag").$TESTDC_DOMAIN" ] || fail "dNSHostName"
	echo "ok" ;;
bad-password)
	n=$(name BP)
	out=$(printf 'wrong\n' | "$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin --savefile "$dir/1.odj" "$n" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 3 ] && grep -q '0x52E 1326 ERROR_LOGON_FAILURE' <<<"$out" || fail "exit $rc"
	exists "$n\$" && fail "created anyway"
	echo "ok" ;;
unknown-domain)
	out=$(admin | "$prep" --domain "nosuch$tag.example" --user administrator --password-stdin --savefile "$dir/1.odj" PC1 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 5 ] && grep -q 'ERROR_NO_SUCH_DOMAIN' <<<"$out" || fail "exit $rc"
	echo "ok" ;;
kpasswd)
	n=$(name KP)
	out=$(prep_admin --password-method kpasswd --savefile "$dir/1.odj" "$n" 2>&1) || fail "$out"
	echo "$out"
	kvno=$(attr "$n\$" msDS-KeyVersionNumber)
	grep -q "^kvno *$kvno\$" <<<"$out" || fail "reported kvno differs from the DC's $kvno"
	grep -q 'set over kpasswd; proven' <<<"$out" || fail "not proven"
	echo "ok: kpasswd, kvno $kvno" ;;
print-json)
	n=$(name PJ)
	prep_admin --print "$n" >"$dir/out.b64" 2>"$dir/err" || { cat "$dir/err"; fail "print"; }
	grep -q 'warning: the blob on stdout holds the machine password' "$dir/err" || fail "no warning"
	[ "$(wc -l <"$dir/out.b64")" -eq 1 ] && grep -qE '^[A-Za-z0-9+/]+=*$' "$dir/out.b64" || fail "not bare base64"
	"$inspect" "$dir/out.b64" | grep -q "Machine: *$n" || fail "printed blob does not decode"
	m=$(name PK)
	prep_admin --json --savefile "$dir/j.odj" "$m" >"$dir/out.json" || fail "json run"
	valid_json prepare "$dir/out.json"
	"$inspect" --json "$dir/j.odj" >"$dir/j.json" || fail "inspect"
	python3 - "$dir/out.json" "$dir/j.json" <<'PY' || fail "json"
import json, sys
d, i = (json.load(open(f)) for f in sys.argv[1:])
assert d["ok"] and d["created"] and d["kvno"] == 1 and d["proven"] and d["seal"] is None, d
for n in ["machine_sid", "machine_rid", "sam_account_name", "dns_host_name", "kvno", "enctypes"]:
    assert d[n] == i[n] and d[n], (n, d[n], i[n])
PY
	# a provision that fails: the same document, with ok false and the error
	printf 'wrong\n' | "$prep" --json --domain "$TESTDC_DOMAIN" --user administrator --password-stdin \
		--savefile "$dir/x.odj" "$(name PL)" >"$dir/fail.json" 2>/dev/null
	valid_json prepare "$dir/fail.json"
	# a usage error: the failure object
	"$prep" --json --no-such-option >"$dir/usage.json" 2>/dev/null
	valid_json failure "$dir/usage.json"
	echo "ok: --json is a valid prepare document, its names agree with odj-inspect's" ;;
delegated)
	# a user allowed only to create computer objects in one OU
	u=joiner$tag ou="OU=deleg$tag,$TESTDC_BASEDN" pw="Odj-Joiner-$tag-1"
	smbconf=$TESTDC_DC_SMBCONF
	samba-tool user create "$u" "$pw" -s "$smbconf" >/dev/null 2>&1 || fail "user create"
	samba-tool ou create "$ou" -s "$smbconf" >/dev/null 2>&1 || fail "ou create"
	usid=$(samba-tool user show "$u" -s "$smbconf" --attributes=objectSid 2>/dev/null | awk '/^objectSid:/ {print $2}')
	# create child: computer (bf967a86-...), inherited to computers for the attributes and password
	samba-tool dsacl set -s "$smbconf" --objectdn="$ou" --sddl="(OA;CI;CCDC;bf967a86-0de6-11d0-a285-00aa003049e2;;$usid)" >/dev/null 2>&1 || fail "dsacl"
	samba-tool dsacl set -s "$smbconf" --objectdn="$ou" --sddl="(A;CIIO;RPWPCRSW;;;$usid)" >/dev/null 2>&1 || fail "dsacl 2"
	n=$(name DG) m=$(name DX)
	out=$(printf '%s\n' "$pw" | "$prep" --domain "$TESTDC_DOMAIN" --user "$u" --password-stdin --ou "$ou" --savefile "$dir/1.odj" "$n" 2>&1) || fail "delegated create: $out"
	echo "$out" | grep -E '^(created|result)'
	ldap "(sAMAccountName=$n\$)" dn | grep -q "^dn: CN=$n,$ou" || fail "not created in the OU"
	out=$(printf '%s\n' "$pw" | "$prep" --domain "$TESTDC_DOMAIN" --user "$u" --password-stdin --savefile "$dir/2.odj" "$m" 2>&1); rc=$?
	echo "$out" | tail -4
	[ $rc -eq 3 ] && grep -q 'ERROR_ACCESS_DENIED' <<<"$out" || fail "create in Computers: exit $rc"
	exists "$m\$" && fail "created in Computers anyway"
	echo "ok: allowed in $ou, refused elsewhere" ;;
rollback)
	# the key proof fails after the account was created (the DC's TGS replies are
	# dropped; the admin's TGT and the ldap/ and cifs/ tickets come from a
	# ccache, so only the proof's TGS exchange needs the KDC): the account is
	# removed again
	. "$here/fault.sh"
	n=$(name RB)
	fault_swallow_proof_tgs || fail "kinit/kvno/nft"
	trap 'fault_clear; rm -rf "$dir"' EXIT
	out=$("$prep" --domain "$TESTDC_DOMAIN" --ccache "$KRB5CCNAME" --kdc-timeout 2 --savefile "$dir/1.odj" "$n" 2>&1); rc=$?
	dropped=$(fault_counter)
	fault_clear
	echo "$out"
	echo "TGS replies dropped: $dropped"
	[ "$dropped" -ge 1 ] || fail "no TGS reply was dropped"
	[ $rc -ne 0 ] || fail "provision passed with the TGS replies dropped"
	grep -q "ticket for HOST/" <<<"$out" || fail "the failure does not name the proof's ticket"
	grep -q "this run created was removed again" <<<"$out" || fail "no rollback reported"
	exists "$n\$" && fail "the account is left on the DC"
	[ ! -e "$dir/1.odj" ] || fail "a blob was written"
	echo "ok: rolled back" ;;
*) fail "unknown case $case_" ;;
esac
