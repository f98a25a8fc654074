#!/bin/bash
# One join plan for --check and provision: the check runs the provision's
# steps with writes off, so both reach the same verdict by the same rule.
# Usage: plan.sh CASE ODJ-PREPARE [CLOCK-SHIFT-PRELOAD]
set -uo pipefail
case_=$1 prep=$2 shift_lib=${3:-}
. "$(dirname "$0")/provision-lib.sh"
# the error's first line: the status row both verbs must print alike
row() { grep -m1 '^odj-prepare: 0x' <<<"$1"; }

case $case_ in
check-reuse)
	# --check --reuse on an existing account passes and says it would reset it,
	# without asking for the right to create computers (a reset needs none)
	n=$(name CR)
	prep_admin --savefile "$dir/1.odj" "$n" >/dev/null 2>&1 || fail "first provision"
	dn=$(ldap "(sAMAccountName=$n\$)" dn | awk '/^dn:/ {print $2}')
	out=$(prep_admin --check --reuse "$n" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 0 ] || fail "--check --reuse on an existing account: exit $rc"
	grep -q "^would *create-or-reset: reset $dn" <<<"$out" || fail "does not say it would reset $dn"
	grep -q "^result *a provision would pass every step" <<<"$out" || fail "result line"
	[ "$(attr "$n\$" msDS-KeyVersionNumber)" = 1 ] || fail "the check changed the account"
	# without --reuse the same check fails as the provision does
	out=$(prep_admin --check "$n" 2>&1); rc=$?
	[ $rc -eq 4 ] && grep -q 'NERR_UserExists' <<<"$out" || fail "--check without --reuse: exit $rc"
	# the rights a reset needs are not the right to create computers: an identity
	# without any is refused for what it may not write, one that may write the
	# account (and reset its password) but not create in CN=Computers passes,
	# and its provision --reuse then does what the check said
	u=plain$tag pw="Odj-Plain-$tag-1" smbconf=$TESTDC_DC_SMBCONF
	samba-tool user create "$u" "$pw" -s "$smbconf" >/dev/null 2>&1 || fail "user create"
	as_user() { printf '%s\n' "$pw" | "$prep" --domain "$TESTDC_DOMAIN" --user "$u" --password-stdin "$@"; }
	# (Domain Admins own the account: trusted by name, or the reuse rule refuses first)
	da="--trusted-owner $TESTDC_SID-512"
	m=$(name CN)
	# (in an OU: in Computers the machine account quota may still allow the add)
	out=$(as_user --check --ou "$TESTDC_FLEET_OU" "$m" 2>&1); rc=$?
	echo "$out" | grep -E '^(container|odj-prepare)|may not'
	[ $rc -eq 3 ] && grep -q "may not create computer objects in $TESTDC_FLEET_OU" <<<"$out" || fail "a new account without the right: exit $rc"
	out=$(as_user --check --reuse $da --allow-rc4 "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^odj-prepare|may not'
	[ $rc -eq 3 ] && grep -q "may not, on $dn (someone else's account.*reset their passwords.*nor write their msDS-SupportedEncryptionTypes" <<<"$out" ||
		fail "a reset without write access: exit $rc"
	usid=$(samba-tool user show "$u" -s "$smbconf" --attributes=objectSid 2>/dev/null | awk '/^objectSid:/ {print $2}')
	samba-tool dsacl set -s "$smbconf" --objectdn="$dn" --sddl="(A;;RPWPCRSW;;;$usid)" >/dev/null 2>&1 || fail "dsacl"
	out=$(as_user --check --reuse $da --allow-rc4 "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^(container|would|result|odj-prepare)'
	[ $rc -eq 0 ] || fail "--check --reuse demands the right to create: exit $rc"
	grep -q 'may create computers: no' <<<"$out" || fail "$u may create computers: the case proves nothing"
	grep -q "^would *create-or-reset: reset $dn.*msDS-SupportedEncryptionTypes 24 -> 28" <<<"$out" ||
		fail "no reset announced for $u"
	out=$(as_user --reuse $da --allow-rc4 --savefile "$dir/2.odj" "$n" 2>&1) || fail "the reset the check passed failed: $out"
	[ "$(attr "$n\$" msDS-KeyVersionNumber)" = 2 ] || fail "kvno after the reset"
	echo "ok: --check --reuse passes and would reset $dn" ;;
check-spn-conflict)
	# --check runs the provision's conflict search: an SPN another account holds fails both alike
	a=$(name PA) b=$(name PB) spn="HOST/shared$tag.$TESTDC_DOMAIN"
	prep_admin --spn "$spn" --savefile "$dir/a.odj" "$a" >/dev/null 2>&1 || fail "first"
	check=$(prep_admin --check --spn "$spn" "$b" 2>&1); crc=$?
	echo "$check"
	[ $crc -eq 4 ] && grep -q 'ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST' <<<"$check" || fail "--check: exit $crc"
	grep -q "CN=$a," <<<"$check" || fail "--check does not name the holder"
	prov=$(prep_admin --spn "$spn" --savefile "$dir/b.odj" "$b" 2>&1); prc=$?
	[ $prc -eq $crc ] && [ "$(row "$prov")" = "$(row "$check")" ] || fail "provision differs: exit $prc, $(row "$prov")"
	exists "$b\$" && fail "created anyway"
	echo "ok: both exit $crc with $(row "$check")" ;;
skew)
	# the client's clock 10 minutes ahead of the DC's (an LD_PRELOAD shim; the
	# DC and the host clock are untouched): the provision refuses as --check does
	[ -n "$shift_lib" ] && [ -e "$shift_lib" ] || fail "no clock shift library"
	n=$(name SK)
	skewed() { LD_PRELOAD="$shift_lib${LD_PRELOAD:+:$LD_PRELOAD}" ODJ_CLOCK_SHIFT=600 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"; }
	check=$(admin | skewed "$prep" --check --domain "$TESTDC_DOMAIN" --user administrator --password-stdin "$n" 2>&1); crc=$?
	echo "$check" | grep -E '^(clock|result|odj-prepare)|differs'
	grep -q 'ERROR_TIME_SKEW' <<<"$check" || fail "--check with a skewed clock: exit $crc"
	prov=$(admin | skewed "$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin --savefile "$dir/1.odj" "$n" 2>&1); prc=$?
	echo "$prov" | grep -E '^odj-prepare|differs'
	[ $prc -ne 0 ] || fail "the provision went ahead with a skewed clock"
	[ $prc -eq $crc ] && [ "$(row "$prov")" = "$(row "$check")" ] || fail "provision: exit $prc, $(row "$prov"); check: exit $crc"
	[ ! -e "$dir/1.odj" ] && ! exists "$n\$" || fail "the provision wrote something"
	# the exit status is ERROR_TIME_SKEW's one category, as a Kerberos skew error has it
	[ $crc -eq 3 ] || fail "ERROR_TIME_SKEW exits $crc, the catalogue's category is 3"
	echo "ok: both refuse with exit $crc, $(row "$check")" ;;
long-name)
	# one rule (core, SPEC.md "Long host names"): the NetBIOS name of a host label
	# longer than 15 characters is its first 15, upper case; the FQDN stays whole
	label=$(tr 'A-Z' 'a-z' <<<"lh${tag}abcdefghijklmn") # 20 characters
	fqdn="$label.$TESTDC_DOMAIN" nb=$(tr 'a-z' 'A-Z' <<<"${label:0:15}")
	out=$(prep_admin --check "$fqdn" 2>&1) || fail "check: $out"
	grep -q "^account *$nb\\$ does not exist yet" <<<"$out" || { echo "$out"; fail "check derived another name"; }
	out=$(prep_admin --savefile "$dir/1.odj" "$fqdn" 2>&1) || { echo "$out"; fail "provision refused the long host name"; }
	[ "$(attr "$nb\$" dNSHostName)" = "$fqdn" ] || fail "dNSHostName of $nb\$: $(attr "$nb\$" dNSHostName)"
	ldap "(sAMAccountName=$nb\$)" servicePrincipalName | grep -qix "servicePrincipalName: HOST/$fqdn" || fail "FQDN SPN"
	ldap "(sAMAccountName=$nb\$)" servicePrincipalName | grep -qix "servicePrincipalName: HOST/$nb" || fail "NetBIOS SPN"
	out=$(prep_admin --check --reuse "$fqdn" 2>&1) || fail "check --reuse: $out"
	grep -q "^account *$nb\\$ exists" <<<"$out" || fail "check and provision disagree on the name"
	echo "ok: $fqdn -> $nb\$ in check and provision" ;;
steps)
	# --verbose names each step of the plan as it runs; --check only says what
	# a write step would do
	n=$(name ST)
	out=$(prep_admin --check --verbose "$n" 2>&1) || fail "check: $out"
	for s in check-names locate kerberos ipc-session ldap-bind check-domain check-clock \
		check-container find-account check-rights check-conflicts; do
		grep -q "plan: step $s: ok" <<<"$out" || { echo "$out"; fail "--check --verbose does not name $s"; }
	done
	grep -q "plan: step create-or-reset: writes off, would create CN=$n,CN=Computers,$TESTDC_BASEDN" <<<"$out" ||
		fail "no would-create"
	grep -q "^would *create-or-reset: create CN=$n,CN=Computers,$TESTDC_BASEDN in CN=Computers,$TESTDC_BASEDN with SPNs HOST/" <<<"$out" ||
		fail "the check's report lacks the create, container and SPNs"
	exists "$n\$" && fail "the check created the account"
	out=$(prep_admin --verbose --savefile "$dir/1.odj" "$n" 2>&1) || fail "provision: $out"
	for s in check-savefile create-or-reset read-back prove-key write-blob; do
		grep -q "plan: step $s: ok" <<<"$out" || { echo "$out"; fail "provision --verbose does not name $s"; }
	done
	echo "ok: every step named" ;;
bulk-rules)
	# a bulk run applies the same rules per machine, each failure with its own
	# verdict: an existing account (never reset by bulk), an SPN another account
	# holds; the others are provisioned
	x=$(name BX) b=$(name BB) c=$(name BC) h=$(name BH)
	lb=$(tr 'A-Z' 'a-z' <<<"$b")
	prep_admin --savefile "$dir/x.odj" "$x" >/dev/null 2>&1 || fail "existing account"
	prep_admin --spn "HOST/$lb.$TESTDC_DOMAIN" --savefile "$dir/h.odj" "$h" >/dev/null 2>&1 || fail "holder"
	printf '%s\n' "$x" "$b" "$c" >"$dir/names"
	out=$(prep_admin --names-from "$dir/names" --out-dir "$dir" 2>&1); rc=$?
	echo "$out" | grep -E 'failed|created'
	[ $rc -eq 7 ] || fail "exit $rc, expected 7"
	grep -q "$x failed: 0x8B0 2224 NERR_UserExists.*A bulk run never resets" <<<"$out" || fail "existing account's verdict"
	grep -q "$b failed: .*ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST.*CN=$h,.*Remove the name" <<<"$out" ||
		fail "SPN conflict's verdict"
	[ -s "$dir/$c.odj" ] && exists "$c\$" || fail "the clean machine was not provisioned"
	[ "$(attr "$x\$" msDS-KeyVersionNumber)" = 1 ] || fail "the existing account was changed"
	exists "$b\$" && fail "the conflicting machine was created"
	echo "ok: one verdict per machine" ;;
bulk-skew)
	# the bulk run opens its session with the plan's steps: a skewed clock stops it
	# before any account is made, with the status --check gives
	[ -n "$shift_lib" ] && [ -e "$shift_lib" ] || fail "no clock shift library"
	p=$(name KS)
	out=$(admin | LD_PRELOAD="$shift_lib${LD_PRELOAD:+:$LD_PRELOAD}" ODJ_CLOCK_SHIFT=600 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin \
		--count 2 --name-template "$p%d" --out-dir "$dir" 2>&1); rc=$?
	echo "$out" | grep -E '^odj-prepare|differs'
	[ $rc -eq 3 ] && grep -q 'ERROR_TIME_SKEW' <<<"$out" || fail "bulk with a skewed clock: exit $rc"
	exists "${p}1\$" && fail "an account was created"
	echo "ok: refused with exit $rc" ;;
*) fail "unknown case $case_" ;;
esac
