#!/bin/bash
# after-join.sh CASE PREPARE APPLY VERIFY ROTATE [ROTATE_PROBE]: one machine,
# freshly provisioned and applied into a root, then CASE against the test DC:
#   verify       every odj-verify step passes; --json lists all seven
#   clone        odj-prepare --reuse of the same name elsewhere: the diagnosis
#   rotate       odj-rotate twice: kvno on the DC and in the keytab, odj-verify after each
#   unreachable  no DC answers: odj-rotate changes nothing (files byte-identical)
#   kpasswd-blocked  the kpasswd exchange times out: the staged keys are undone (files as before)
#   samba        a damaged secrets.tdb: refused, nothing changed; one holding the
#                machine password: changed with the keytab (password, previous, time)
#   mislabeled   the right keys at a wrong kvno: step 5 fails (adcli testjoin would pass)
#   interop      after odj-rotate: adcli testjoin, kinit -k, stock sssd; after
#                adcli update: odj-verify (and odj-rotate again)
#   staged|during|changed   odj-rotate killed before / during / after the kpasswd
#                exchange; staged: the keytab is untouched, kinit -k and odj-verify
#                pass with no rerun; during/changed: the DC has the new password
#                and the keytab lags it until the rerun (MIT logs in with the
#                highest kvno only); the rerun finishes or undoes, then odj-verify
#                and kinit -k pass
#   staged-sssd  staged, and stock sssd resolves a domain user before the rerun
set -uo pipefail
case=$1 prep=$2 apply=$3 verify=$4 rotate=$5 probe=${6:-}
dir=$(mktemp -d); root=$dir/root
table=odjfault_${TESTDC_INSTANCE:-default}_rotate
cleanup() { nft delete table inet "$table" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
. "$ODJ_SOURCE_DIR/tests/cli/valid-json.sh"
step() { echo "== $*"; }
n=RT$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
export KRB5CCNAME="FILE:$dir/admin.cc"
printf '%s\n' "$TESTDC_ADMINPASS" | kinit administrator >/dev/null || fail "kinit administrator"
dc_kvno() {
	ldapsearch -LLL -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$TESTDC_BASEDN" "(sAMAccountName=$n\$)" \
		msDS-KeyVersionNumber 2>/dev/null | awk '/^msDS-KeyVersionNumber:/ {print $2}'
}
kt_kvnos() { klist -k "$root/etc/krb5.keytab" | awk -v p="$n\$@$TESTDC_REALM" '$2 == p {print $1}' | sort -un | tr '\n' ' '; }
kvnos() { echo "DC kvno $(dc_kvno); keytab kvnos for $n\$: $(kt_kvnos)"; }
jget() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$1" "$2"; }
snapshot() { (cd "$root" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$1"; }

step "odj-prepare $n, odj-apply into $root"
"$prep" --domain "$TESTDC_DOMAIN" --ccache "$KRB5CCNAME" --savefile "$dir/$n.odj" "$n" >"$dir/prep.out" 2>&1 ||
	{ cat "$dir/prep.out"; fail "prepare"; }
mkdir -p "$root/etc"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
unshare -n "$apply" --blob "$dir/$n.odj" --root "$root" >"$dir/apply.out" 2>&1 || { cat "$dir/apply.out"; fail "apply"; }
kvnos

verify_ok() { # verify_ok WHAT
	"$verify" --root "$root" --verbose >"$dir/verify.out" 2>&1 || { cat "$dir/verify.out"; fail "odj-verify after $1"; }
	tail -1 "$dir/verify.out"
}

case $case in
verify)
	step "odj-verify --verbose on the fresh join"
	"$verify" --root "$root" --verbose 2>&1 | tee "$dir/v.out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "odj-verify failed on a fresh join"
	for s in record locate clock tgt ticket account sssd; do
		grep -qE "^odj-verify: [1-7]/7 $s +ok " "$dir/v.out" || fail "no passed line for step $s"
	done
	"$verify" --root "$root" --json >"$dir/v.json" || fail "odj-verify --json"
	valid_json verify "$dir/v.json"
	[ "$(jget "$dir/v.json" 'len([s for s in d["steps"] if s["state"] == "passed"])')" = 7 ] || fail "--json: not 7 passed steps"
	[ "$(jget "$dir/v.json" 'd["account_kvno"]')" = "$(dc_kvno)" ] || fail "--json account_kvno is not the DC's"
	echo "ok: 7 steps passed; --json agrees"
	step "the recorded DC is gone: DNS SRV and CLDAP find another"
	sed -i 's/"dc":"[^"]*"/"dc":"gone-dc.'"$TESTDC_DOMAIN"'"/' "$root/var/lib/odj/join.json"
	grep -q '"dc":"gone-dc' "$root/var/lib/odj/join.json" || fail "could not edit the recorded DC"
	"$verify" --root "$root" --verbose 2>&1 | tee "$dir/v3.out" | grep -E '^odj-verify: 2/7'
	[ "${PIPESTATUS[0]}" -eq 0 ] || fail "odj-verify failed with the recorded DC gone"
	grep -qE '^odj-verify: 2/7 locate +ok .*DNS SRV and CLDAP' "$dir/v3.out" || fail "locate did not fall back to DNS SRV"
	step "a broken sssd.conf fails step 7 only, with the usual error"
	sed -i 's/^krb5_realm.*/&\nkrb5_keytab = \/etc\/other.keytab/' "$root/etc/sssd/sssd.conf"
	"$verify" --root "$root" --json >"$dir/v2.json" 2>"$dir/v2.err"; rc=$?
	[ $rc -eq 6 ] || fail "odj-verify exited $rc with a wrong krb5_keytab, expected 6"
	[ "$(jget "$dir/v2.json" 'd["steps"][6]["state"]')" = failed ] || fail "step sssd not failed"
	valid_json verify "$dir/v2.json"
	"$verify" --json --no-such-option >"$dir/v-usage.json" 2>/dev/null
	valid_json failure "$dir/v-usage.json"
	grep -q 'krb5_keytab = /etc/other.keytab' "$dir/v2.err" || fail "no reason: $(cat "$dir/v2.err")"
	head -3 "$dir/v2.err"
	;;
clone)
	step "the same name provisioned again elsewhere (odj-prepare --reuse)"
	"$prep" --domain "$TESTDC_DOMAIN" --ccache "$KRB5CCNAME" --reuse --savefile "$dir/$n-2.odj" "$n" >"$dir/prep2.out" 2>&1 ||
		{ cat "$dir/prep2.out"; fail "prepare --reuse"; }
	kvnos
	"$verify" --root "$root" --verbose >"$dir/v.out" 2>&1; rc=$?
	cat "$dir/v.out"
	[ $rc -eq 3 ] || fail "odj-verify exited $rc on a clone, expected 3"
	grep -qE '^odj-verify: 4/7 tgt +FAILED' "$dir/v.out" || fail "not step 4 (tgt)"
	grep -q 'ERROR_TRUSTED_RELATIONSHIP_FAILURE' "$dir/v.out" || fail "no 0x6FD row"
	grep -q 'another machine uses this identity (a clone), or this system was restored from a snapshot' "$dir/v.out" || fail "no clone diagnosis"
	grep -q -- '--reuse' "$dir/v.out" && grep -q -- '--rejoin' "$dir/v.out" || fail "no advice"
	step "with a domain user's ccache the account's kvno is named"
	"$verify" --root "$root" --ccache "$KRB5CCNAME" >"$dir/v2.out" 2>&1
	cat "$dir/v2.out"
	k=$(kt_kvnos); grep -q "keytab kvno ${k% }, account kvno $(dc_kvno): the account's password was changed after this keytab was written" "$dir/v2.out" ||
		fail "no 'keytab kvno, account kvno' diagnosis"
	grep -q "account kvno $(dc_kvno): .* another machine uses this identity (a clone), or this system was restored from a snapshot" "$dir/v2.out" ||
		fail "the kvno diagnosis does not name the clone or the snapshot"
	;;
rotate)
	before=$(dc_kvno)
	step "odj-rotate --verbose"
	"$rotate" --root "$root" --verbose || fail "odj-rotate"
	kvnos
	[ "$(dc_kvno)" -eq $((before + 1)) ] || fail "the DC's kvno did not go up by one"
	[ "$(kt_kvnos)" = "$before $((before + 1)) " ] || fail "keytab kvnos $(kt_kvnos), expected $before and $((before + 1))"
	[ "$(jget "$root/var/lib/odj/join.json" 'd["kvno"]')" = $((before + 1)) ] || fail "the join record's kvno"
	[ "$(stat -c %a "$root/etc/krb5.keytab")" = 600 ] || fail "keytab mode"
	verify_ok "the rotation"
	step "odj-rotate --json again: the oldest kvno goes, the previous one stays"
	"$rotate" --root "$root" --json >"$dir/r.json" || fail "second odj-rotate"
	valid_json rotate "$dir/r.json"
	[ "$(jget "$dir/r.json" '(d["rotated"], d["kvno_before"], d["kvno_after"], sorted(d["keytab_kvnos"]))')" = \
		"(True, $((before + 1)), $((before + 2)), [$((before + 1)), $((before + 2))])" ] ||
		fail "--json: $(cat "$dir/r.json")"
	kvnos
	[ "$(kt_kvnos)" = "$((before + 1)) $((before + 2)) " ] || fail "keytab kvnos $(kt_kvnos) after the second rotation"
	verify_ok "the second rotation"
	step "two odj-rotate at once: one runs, the other is refused"
	"$rotate" --root "$root" >"$dir/c1.out" 2>&1 &
	"$rotate" --root "$root" >"$dir/c2.out" 2>&1
	wait
	cat "$dir/c1.out" "$dir/c2.out"
	[ "$(cat "$dir/c1.out" "$dir/c2.out" | grep -c 'another odj-rotate is running')" = 1 ] || fail "not exactly one run refused"
	kvnos
	verify_ok "two runs at once"
	step "a rotation holding both locks: the second odj-rotate names the rotation, not a transaction"
	# what the first run holds while it commits: its rotation lock (an abstract
	# socket named after the root's device and inode) and the commit lock
	# (flock on the state directory)
	python3 - "$root" "$root/var/lib/odj" "$dir/locked" <<-'PY' &
	import fcntl, os, socket, sys, time
	st = os.stat(sys.argv[1])
	s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	s.bind("\0odj-rotate:%x:%x" % (st.st_dev, st.st_ino))
	d = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
	fcntl.flock(d, fcntl.LOCK_EX)
	open(sys.argv[3], "w").close()
	time.sleep(30)
	PY
	holder=$!
	for _ in $(seq 100); do [ -e "$dir/locked" ] && break; sleep 0.1; done
	"$rotate" --root "$root" >"$dir/c3.out" 2>&1; rc=$?
	kill "$holder"; wait "$holder" 2>/dev/null
	cat "$dir/c3.out"
	[ $rc -ne 0 ] && grep -q 'another odj-rotate is running' "$dir/c3.out" ||
		fail "exit $rc: a second rotation was not refused as one"
	"$rotate" --root "$dir/nothing-here" --json >"$dir/r-fail.json" 2>/dev/null
	valid_json rotate "$dir/r-fail.json"
	[ "$(jget "$dir/r-fail.json" 'd["ok"]')" = False ] || fail "a rotation of no join: $(cat "$dir/r-fail.json")"
	"$rotate" --json --no-such-option >"$dir/r-usage.json" 2>/dev/null
	valid_json failure "$dir/r-usage.json"
	step "kinit -k with the rotated keytab"
	KRB5CCNAME="FILE:$dir/m.cc" kinit -k -t "$root/etc/krb5.keytab" "$n\$@$TESTDC_REALM" || fail "kinit -k"
	echo "ok: kinit -k"
	;;
unreachable)
	snapshot "$dir/before.sum"
	before=$(dc_kvno)
	nft add table inet "$table"
	nft add chain inet "$table" out '{ type filter hook output priority -10; policy accept; }'
	for ports in '88, 389, 464' '88, 464'; do
		step "odj-rotate with the DC's ports $ports black-holed"
		nft flush chain inet "$table" out
		nft add rule inet "$table" out ip daddr "$TESTDC_IP" th dport "{ $ports }" counter drop
		"$rotate" --root "$root" >"$dir/r.out" 2>&1; rc=$?
		cat "$dir/r.out"
		[ $rc -eq 5 ] || fail "odj-rotate exited $rc with ports $ports black-holed, expected 5"
		grep -q 'nothing was changed' "$dir/r.out" || fail "no 'nothing was changed'"
		snapshot "$dir/after.sum"
		cmp -s "$dir/before.sum" "$dir/after.sum" || fail "files changed: $(diff "$dir/before.sum" "$dir/after.sum")"
	done
	nft delete table inet "$table"
	[ "$(dc_kvno)" = "$before" ] || fail "the DC's kvno changed"
	echo "ok: no file and no kvno changed"
	;;
kpasswd-blocked)
	snapshot "$dir/before.sum"
	before=$(dc_kvno)
	step "odj-rotate with only the DC's kpasswd port 464 black-holed: staged, refused, undone"
	nft add table inet "$table"
	nft add chain inet "$table" out '{ type filter hook output priority -10; policy accept; }'
	nft add rule inet "$table" out ip daddr "$TESTDC_IP" th dport 464 counter drop
	"$rotate" --root "$root" --verbose >"$dir/r.out" 2>&1; rc=$?
	nft delete table inet "$table"
	cat "$dir/r.out"
	[ $rc -eq 5 ] || fail "odj-rotate exited $rc with kpasswd black-holed, expected 5"
	grep -q 'new password staged for kvno' "$dir/r.out" || fail "the password was never staged"
	grep -q 'The rotation was undone' "$dir/r.out" || fail "not undone"
	snapshot "$dir/after.sum"
	cmp -s "$dir/before.sum" "$dir/after.sum" || fail "the undo left files changed: $(diff "$dir/before.sum" "$dir/after.sum")"
	[ "$(dc_kvno)" = "$before" ] || fail "the DC's kvno changed"
	verify_ok "the undone rotation"
	;;
samba)
	nb=$(jget "$root/var/lib/odj/join.json" 'd["netbios_domain"]')
	tdb=$root/var/lib/samba/private/secrets.tdb
	mkdir -p "$root/var/lib/samba/private"
	step "secrets.tdb that is not a TDB: refused, nothing changed"
	printf 'SECRETS/MACHINE_PASSWORD/%s but no TDB\n' "$nb" >"$tdb"
	chmod 600 "$tdb"
	snapshot "$dir/before.sum"
	"$rotate" --root "$root" >"$dir/r.out" 2>&1; rc=$?
	cat "$dir/r.out"
	[ $rc -eq 6 ] || fail "odj-rotate exited $rc with a damaged secrets.tdb, expected 6"
	grep -q "not a TDB file" "$dir/r.out" && grep -q "nothing was changed" "$dir/r.out" || fail "no reason"
	snapshot "$dir/after.sum"
	cmp -s "$dir/before.sum" "$dir/after.sum" || fail "files changed"
	step "secrets.tdb holding the machine password: odj-rotate changes it with the keytab"
	rm -f "$tdb"
	# what a winbind member's secrets.tdb holds under its domain's name (and another record)
	printf 'create %s\nstore SECRETS/MACHINE_PASSWORD/%s placeholder\nstore SECRETS/MACHINE_DOMAIN_INFO/%s stale\nstore SECRETS/SID/OTHER keep\nquit\n' \
		"$tdb" "$nb" "$nb" | tdbtool >/dev/null
	chmod 600 "$tdb"
	"$rotate" --root "$root" --verbose >"$dir/r.out" 2>&1 || { cat "$dir/r.out"; fail "odj-rotate with secrets.tdb"; }
	grep "committed:" "$dir/r.out" | tail -1
	kvnos
	[ "$(stat -c %a "$tdb")" = 600 ] || fail "secrets.tdb is not 0600"
	tdbdump "$tdb" | sed -n 's/^key([0-9]*) = "\(.*\)"$/  \1/p'
	val() { tdbdump -k "$1" "$tdb" 2>/dev/null; }
	[ "$(val "SECRETS/MACHINE_PASSWORD.PREV/$nb")" = 'placeholder' ] || fail "the previous password is not the old one"
	pw=$(val "SECRETS/MACHINE_PASSWORD/$nb")
	[ -n "$pw" ] && [ "$pw" != placeholder ] || fail "the machine password did not change"
	val "SECRETS/MACHINE_DOMAIN_INFO/$nb" >/dev/null && fail "the stale MACHINE_DOMAIN_INFO stayed"
	[ "$(val SECRETS/SID/OTHER)" = keep ] || fail "another record was lost"
	# tdbdump writes a byte that is not printable as \XX
	t=$(val "SECRETS/MACHINE_LAST_CHANGE_TIME/$nb" | python3 -c 'import re, struct, sys
b = re.sub(rb"\\([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), sys.stdin.buffer.read().strip())
print(struct.unpack("<I", b[:4])[0])')
	[ $(( $(date +%s) - t )) -lt 120 ] || fail "MACHINE_LAST_CHANGE_TIME $t is not now"
	echo "ok: MACHINE_PASSWORD changed, .PREV the old one, MACHINE_LAST_CHANGE_TIME $t, MACHINE_DOMAIN_INFO gone, other records kept"
	[ -e "$root/var/lib/odj/rotation-password" ] && fail "the staged password stayed"
	verify_ok "the rotation with secrets.tdb"
	;;
staged | staged-sssd | during | changed)
	before=$(dc_kvno)
	kt_sum=$(sha256sum <"$root/etc/krb5.keytab")
	step "odj-rotate killed: $case"
	case $case in
	staged | staged-sssd) "$probe" "$root" staged 2>&1; rc=$? ;;
	changed) "$probe" "$root" "$case" 2>&1; rc=$? ;;
	during)
		# the DC gets the request and changes the password; its reply never arrives
		nft add table inet "$table"
		nft add chain inet "$table" out '{ type filter hook output priority -10; policy accept; }'
		# (TCP segments with data only: the handshake and ACKs pass, so the request arrives)
		nft add rule inet "$table" out ip saddr "$TESTDC_IP" tcp sport 464 'tcp flags & psh == psh' counter drop
		nft add rule inet "$table" out ip saddr "$TESTDC_IP" udp sport 464 counter drop
		setsid "$rotate" --root "$root" --verbose 2>&1 &
		pid=$!
		for i in $(seq 100); do [ "$(dc_kvno)" != "$before" ] && break; sleep 0.1; done
		[ "$(dc_kvno)" != "$before" ] || fail "the DC never got the kpasswd request"
		sleep 0.5
		kill -9 -- -"$pid" 2>/dev/null; wait "$pid"; rc=$?
		echo "dropped kpasswd reply packets: $(nft list table inet "$table" | grep -o 'packets [0-9]*')"
		nft delete table inet "$table"
		;;
	esac
	[ $rc -eq 137 ] || fail "the run was not killed (exit $rc)"
	kvnos
	[ "$(jget "$root/var/lib/odj/join.json" 'd.get("rotation", {}).get("pending_kvno")')" = $((before + 1)) ] || fail "no pending mark in the join record"
	[ -f "$root/var/lib/odj/rotation-pending" ] || fail "no /var/lib/odj/rotation-pending for the unit"
	[ "$(stat -c %a "$root/var/lib/odj/rotation-password")" = 600 ] || fail "the staged password is not 0600"
	[ "$(sha256sum <"$root/etc/krb5.keytab")" = "$kt_sum" ] || fail "the kill left the keytab changed"
	echo "ok: keytab byte-identical to before the run; the new password staged 0600"
	step "right after the kill, no rerun: kinit -k and odj-verify"
	KRB5CCNAME="FILE:$dir/k0.cc" kinit -k -t "$root/etc/krb5.keytab" "$n\$@$TESTDC_REALM" 2>"$dir/k0.err"; krc=$?
	echo "kinit -k: exit $krc $(cat "$dir/k0.err")"
	"$verify" --root "$root" >"$dir/v0.out" 2>&1; vrc=$?; echo "odj-verify: exit $vrc"; cat "$dir/v0.out"
	if [ "$case" != during ] && [ "$case" != changed ]; then
		[ $krc -eq 0 ] || fail "kinit -k failed after a kill before the DC was told"
		[ $vrc -eq 0 ] || fail "odj-verify failed after a kill before the DC was told"
		if [ "$case" = staged-sssd ]; then
			step "stock sssd on the root as the kill left it (no rerun)"
			. "$ODJ_SOURCE_DIR/tests/e2e/sssd-check.sh"
			run_sssd_check "$root" "$dir" "$TESTDC_DOMAIN" "$TESTDC_DC" "administrator@$TESTDC_DOMAIN" ||
				fail "sssd after a kill before the DC was told"
		fi
	else
		# the DC took the password and the keytab is not written yet: the one
		# window the keytab lags the DC (the rerun below, or the unit, ends it)
		[ $krc -ne 0 ] || fail "kinit -k passed with the DC at kvno $(dc_kvno) and the keytab at $(kt_kvnos)"
		grep -q "an interrupted odj-rotate staged a new password for kvno $((before + 1)): the DC took it" "$dir/v0.out" ||
			fail "odj-verify does not name the interrupted rotation"
	fi
	step "the rerun of odj-rotate"
	"$rotate" --root "$root" --verbose >"$dir/r.out" 2>&1 || { cat "$dir/r.out"; fail "rerun"; }
	cat "$dir/r.out"
	if [ "$case" = staged ] || [ "$case" = staged-sssd ]; then
		grep -q 'was undone' "$dir/r.out" || fail "the staged keys were not undone"
		[ "$(dc_kvno)" = $((before + 1)) ] || fail "no fresh rotation after the undo"
	else
		grep -q 'was finished' "$dir/r.out" || fail "the rotation was not finished"
		[ "$(dc_kvno)" = $((before + 1)) ] || fail "the DC's kvno is $(dc_kvno)"
	fi
	kvnos
	[ "$(jget "$root/var/lib/odj/join.json" '"rotation" in d')" = False ] || fail "the pending mark stayed"
	[ -e "$root/var/lib/odj/rotation-pending" ] && fail "rotation-pending stayed"
	[ "$(jget "$root/var/lib/odj/join.json" 'd["kvno"]')" = "$(dc_kvno)" ] || fail "record kvno is not the DC's"
	verify_ok "the rerun"
	KRB5CCNAME="FILE:$dir/m.cc" kinit -k -t "$root/etc/krb5.keytab" "$n\$@$TESTDC_REALM" || fail "kinit -k after the rerun"
	;;
mislabeled)
	step "the blob applied again with a wrong kvno (--kvno 9): right keys, wrong kvno"
	unshare -n "$apply" --blob "$dir/$n.odj" --root "$root" --kvno 9 >"$dir/apply2.out" 2>&1 || { cat "$dir/apply2.out"; fail "apply --kvno 9"; }
	kvnos
	KRB5_KTNAME="FILE:$root/etc/krb5.keytab" adcli testjoin --domain="$TESTDC_DOMAIN" -S "$TESTDC_DC" \
		--host-keytab="$root/etc/krb5.keytab" >"$dir/tj.out" 2>&1; echo "adcli testjoin: exit $? (its AS exchange ignores the kvno)"
	"$verify" --root "$root" --verbose >"$dir/v.out" 2>&1; rc=$?
	cat "$dir/v.out"
	[ $rc -eq 6 ] || fail "odj-verify exited $rc with a mislabeled keytab, expected 6"
	grep -qE '^odj-verify: 5/7 ticket +FAILED' "$dir/v.out" || fail "not step 5 (ticket)"
	grep -q "at kvno $(dc_kvno) (its newest is 9)" "$dir/v.out" || fail "no kvno in the reason"
	;;
interop)
	fqdn=$(tr 'A-Z' 'a-z' <<<"$n").$TESTDC_DOMAIN
	kt=$root/etc/krb5.keytab
	step "odj-rotate, then what users already run"
	"$rotate" --root "$root" || fail "odj-rotate"
	kvnos
	step "adcli testjoin with the rotated keytab"
	KRB5_KTNAME="FILE:$kt" adcli testjoin --domain="$TESTDC_DOMAIN" -S "$TESTDC_DC" --host-keytab="$kt" -v >"$dir/tj.out" 2>&1 ||
		{ cat "$dir/tj.out"; fail "adcli testjoin after odj-rotate"; }
	grep -i 'testjoin\|success\|Found' "$dir/tj.out" | tail -3
	echo "ok: adcli testjoin exit 0"
	step "kinit -k"
	KRB5CCNAME="FILE:$dir/m.cc" kinit -k -t "$kt" "$n\$@$TESTDC_REALM" || fail "kinit -k after odj-rotate"
	echo "ok: kinit -k $n\$@$TESTDC_REALM"
	step "stock sssd resolves administrator@$TESTDC_DOMAIN"
	. "$ODJ_SOURCE_DIR/tests/e2e/sssd-check.sh"
	run_sssd_check "$root" "$dir" "$TESTDC_DOMAIN" "$TESTDC_DC" "administrator@$TESTDC_DOMAIN" || fail "sssd after odj-rotate"
	step "sssd's own rotation (adcli update --computer-password-lifetime=0), then odj-verify"
	KRB5_KTNAME="FILE:$kt" adcli update --domain="$TESTDC_DOMAIN" -S "$TESTDC_DC" --host-keytab="$kt" \
		--computer-name="$n" --host-fqdn="$fqdn" --computer-password-lifetime=0 -v >"$dir/adcli.out" 2>&1 ||
		{ tail -20 "$dir/adcli.out"; fail "adcli update"; }
	kvnos
	verify_ok "adcli update"
	step "and odj-rotate after adcli's rotation"
	"$rotate" --root "$root" || fail "odj-rotate after adcli update"
	kvnos
	verify_ok "odj-rotate after adcli update"
	;;
*) fail "unknown case $case" ;;
esac
echo "ok: $case"
