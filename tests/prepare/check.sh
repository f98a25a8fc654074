#!/bin/bash
# odj-prepare --check against the test DC.  Usage: check.sh CASE ODJ-PREPARE
set -uo pipefail
case_=$1 prep=$2
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
. "$ODJ_SOURCE_DIR/tests/cli/valid-json.sh"
admin() { printf '%s\n' "$TESTDC_ADMINPASS"; }
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

case $case_ in
ok)
	out=$(admin | "$prep" --check --domain "$TESTDC_DOMAIN" --user administrator --password-stdin \
		--trace "$dir/trace.log" CHKOK01 2>&1) || fail "check failed: $out"
	echo "$out"
	grep -q "^DC .*$TESTDC_DC ($TESTDC_IP), found by DNS SRV" <<<"$out" || fail "DC not found by SRV"
	grep -q '^DC flags .*WRITABLE' <<<"$out" || fail "flags"
	grep -q "^domain SID *$TESTDC_SID\$" <<<"$out" || fail "domain SID"
	grep -q "^domain GUID *$TESTDC_GUID\$" <<<"$out" || fail "domain GUID"
	grep -q '^domain *odj.test (NetBIOS ODJ)' <<<"$out" || fail "NetBIOS name"
	grep -q '^LDAP SSF *256' <<<"$out" || fail "not sealed"
	grep -q '^clock offset' <<<"$out" || fail "no clock offset"
	grep -q 'may create computers: yes' <<<"$out" || fail "rights"
	grep -q 'CHKOK01\$ does not exist yet' <<<"$out" || fail "account lookup"
	[ "$(stat -c %a "$dir/trace.log")" = 600 ] || fail "trace mode"
	grep -q "NetpJoinDomain: status of NetUseAdd to '\\\\\\\\$TESTDC_DC\\\\IPC\$': 0x0" "$dir/trace.log" || {
		cat "$dir/trace.log"; fail "trace lacks the IPC\$ step"; }
	grep -qF "$TESTDC_ADMINPASS" "$dir/trace.log" && fail "the password is in the trace"
	# the same as JSON
	admin | "$prep" --check --json --domain "$TESTDC_DOMAIN" --user administrator --password-stdin \
		CHKOK01 >"$dir/out.json" || fail "json run"
	valid_json prepare_check "$dir/out.json"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["ok"] and d["domain_sid"]==sys.argv[2] and d["dc"]==sys.argv[3] and d["domain"].lower()==sys.argv[4].lower() and d["account_exists"] is False, d' \
		"$dir/out.json" "$TESTDC_SID" "$TESTDC_DC" "$TESTDC_DOMAIN" || fail "json content"
	grep -qF "$TESTDC_ADMINPASS" "$dir/out.json" && fail "the password is in the JSON"
	echo "ok" ;;
pinned)
	# A dead KDC listed first in the system-wide configuration changes nothing:
	# every connection goes to the DC that was pinned (domain\dc form, step 9).
	cat >"$dir/krb5.conf" <<-CONF
		[libdefaults]
		    default_realm = $TESTDC_REALM
		    dns_lookup_kdc = false
		[realms]
		    $TESTDC_REALM = {
		        kdc = 127.0.0.9
		        kdc = $TESTDC_IP
		        admin_server = 127.0.0.9
		        kpasswd_server = 127.0.0.9
		    }
	CONF
	# nftables counts what leaves for the pinned DC and for any other address
	# (no ptrace: the sanitizer build's leak checker cannot run under strace)
	. "$here/fault.sh"
	trap 'count_clear; rm -rf "$dir"' EXIT
	count_on
	start=$(date +%s.%N)
	admin | KRB5_CONFIG="$dir/krb5.conf" count_run "$prep" --check --domain "$TESTDC_DOMAIN\\$TESTDC_DC" \
		--user administrator --password-stdin PINNED01 >"$dir/out" 2>&1 || { cat "$dir/out"; fail "check failed"; }
	echo "took $(secs_since "$start") s"
	read -r to_dc to_others kdc_syns < <(count_read)
	count_clear
	echo "packets to $TESTDC_IP: $to_dc; to other addresses: $to_others; TCP SYNs to $TESTDC_IP:88: $kdc_syns"
	grep -q 'pinned as given' "$dir/out" || fail "DC not pinned"
	[ "$to_others" -eq 0 ] || fail "$to_others packets went elsewhere than the pinned DC"
	[ "$to_dc" -gt 0 ] && [ "$kdc_syns" -gt 0 ] || fail "no traffic to the pinned DC's KDC seen"
	echo "ok: every connection went to $TESTDC_IP" ;;
ccache)
	export KRB5CCNAME="FILE:$dir/cc"
	admin | kinit administrator >/dev/null || fail "kinit"
	out=$("$prep" --check --domain "$TESTDC_DOMAIN" --ccache "$KRB5CCNAME" 2>&1) || fail "check with ccache: $out"
	grep -qi "^Kerberos *administrator@$TESTDC_REALM" <<<"$out" || fail "client"
	echo "ok" ;;
wrong-password)
	out=$(printf 'not-the-password\n' | "$prep" --check --domain "$TESTDC_DOMAIN" --user administrator --password-stdin 2>&1)
	rc=$?
	echo "$out"
	[ $rc -eq 3 ] || fail "exit $rc, expected 3 (credentials)"
	grep -q '^odj-prepare: 0x52E 1326 ERROR_LOGON_FAILURE' <<<"$out" || fail "row" ;;
unknown-domain)
	out=$(admin | "$prep" --check --domain nosuch.example --user administrator --password-stdin 2>&1)
	rc=$?
	echo "$out"
	[ $rc -eq 5 ] || fail "exit $rc, expected 5 (network)"
	grep -q 'ERROR_NO_SUCH_DOMAIN' <<<"$out" || fail "row" ;;
argv)
	# the password is read from stdin while the process runs: never in its argv
	fifo=$dir/fifo; mkfifo "$fifo"
	"$prep" --check --domain "$TESTDC_DOMAIN" --user administrator --password-stdin ARGV01 <"$fifo" >"$dir/out" 2>&1 &
	pid=$!
	exec 3>"$fifo"
	sleep 0.3
	tr '\0' ' ' <"/proc/$pid/cmdline" >"$dir/cmdline"
	tr '\0' '\n' <"/proc/$pid/environ" >"$dir/environ" 2>/dev/null || true
	printf '%s\n' "$TESTDC_ADMINPASS" >&3; exec 3>&-
	wait $pid || { cat "$dir/out"; fail "check failed"; }
	echo "cmdline: $(cat "$dir/cmdline")"
	grep -qF "$TESTDC_ADMINPASS" "$dir/cmdline" && fail "password in argv"
	grep -qF "$TESTDC_ADMINPASS" "$dir/out" && fail "password in the output"
	echo "ok: not in /proc/$pid/cmdline, not in the output" ;;
offline)
	# invalid names are refused with the MS-WKST code before any network use
	for c in 'BAD*NAME:NERR_InvalidComputer' '12345:NERR_InvalidComputer' \
		 'WAYTOOLONGNAME12345:NERR_InvalidComputer'; do
		name=${c%%:*} want=${c#*:}
		out=$(echo x | unshare -n "$prep" --check --domain "$TESTDC_DOMAIN" --user a --password-stdin "$name" 2>&1)
		rc=$?
		[ $rc -eq 2 ] && grep -q "$want" <<<"$out" || fail "$name: exit $rc: $out"
		echo "ok: $name -> $(grep -o '0x[0-9A-F]* [0-9]* [A-Za-z_]*' <<<"$out" | head -1)"
	done
	for c in 'odj..test:ERROR_INVALID_NAME' 'bad_domain!:' ; do
		name=${c%%:*} want=${c#*:}
		out=$(echo x | unshare -n "$prep" --check --domain "$name" --user a --password-stdin PC1 2>&1)
		rc=$?
		[ $rc -eq 2 ] || fail "domain $name: exit $rc: $out"
		[ -z "$want" ] || grep -q "$want" <<<"$out" || fail "domain $name: $out"
		echo "ok: domain $name -> $(grep -o '0x[0-9A-F]* [0-9]* [A-Za-z_]*' <<<"$out" | head -1)"
	done
	# a password line that does not fit, or holds a NUL, is refused, not cut
	out=$(head -c 1100 /dev/zero | tr '\0' 'p' | unshare -n "$prep" --check --domain "$TESTDC_DOMAIN" --user a --password-stdin PC1 2>&1); rc=$?
	[ $rc -eq 2 ] && grep -q 'ERROR_INVALID_PASSWORD' <<<"$out" && grep -q 'longer than 1023 bytes' <<<"$out" || fail "long password: exit $rc: $out"
	out=$(printf '%1023s\n' | tr ' ' 'p' | unshare -n "$prep" --check --domain "$TESTDC_DOMAIN" --user a --password-stdin 'BAD*NAME' 2>&1); rc=$?
	grep -q 'NERR_InvalidComputer' <<<"$out" || fail "1023 bytes should be read: exit $rc: $out"
	out=$(printf 'pass\0word\n' | unshare -n "$prep" --check --domain "$TESTDC_DOMAIN" --user a --password-stdin PC1 2>&1); rc=$?
	[ $rc -eq 2 ] && grep -q 'contains a NUL byte' <<<"$out" || fail "NUL in password: exit $rc: $out"
	echo "ok: a password over 1023 bytes or with a NUL is refused"
	# the machine name equal to the domain's NetBIOS name (step 13) needs the DC's answer
	out=$(admin | "$prep" --check --domain "$TESTDC_DOMAIN" --user administrator --password-stdin ODJ 2>&1)
	grep -q ERROR_INVALID_DOMAINNAME <<<"$out" || fail "machine named like the domain: $out"
	echo "ok: machine 'ODJ' in domain ODJ -> ERROR_INVALID_DOMAINNAME" ;;
smb-elsewhere)
	# The DC is pinned by address, but this host's resolver sends its name to
	# another address (a private /etc/hosts), where a forwarder reaches the same
	# DC (as a second interface or IPv6 would): libsmbclient resolves the name
	# itself.  Kerberos proves the DC; the check says where the session went.
	other=127.0.3.45
	python3 "$here/dc_relay.py" "$other" "$TESTDC_IP" 445/tcp >"$dir/fwd" 2>&1 &
	fwd=$!
	trap 'kill $fwd 2>/dev/null; rm -rf "$dir"' EXIT
	for _ in $(seq 100); do grep -q ready "$dir/fwd" && break; sleep 0.05; done
	grep -q ready "$dir/fwd" || fail "forwarder: $(cat "$dir/fwd")"
	sed "s/^$TESTDC_IP /$other /" /etc/hosts >"$dir/hosts"
	out=$(admin | unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$dir/hosts" \
		"$prep" --check --domain "$TESTDC_DOMAIN" --dc "$TESTDC_IP" --user administrator --password-stdin 2>&1); rc=$?
	grep -E '^(SMB|  )' <<<"$out" | head -3
	[ $rc -eq 0 ] || fail "exit $rc: $out"
	grep -q "reached at $other, not $TESTDC_IP" <<<"$out" || fail "where the session went is not said"
	# the same with the true /etc/hosts says nothing of the kind
	out=$(admin | "$prep" --check --domain "$TESTDC_DOMAIN" --dc "$TESTDC_IP" --user administrator --password-stdin 2>&1) ||
		fail "control run failed"
	grep -q "reached at" <<<"$out" && fail "control run: $out"
	echo "ok: an SMB session that went to $other instead of the pinned $TESTDC_IP is said, the check passes" ;;
seed|blackhole)
	. "$here/fault.sh"
	trap 'fault_clear; rm -rf "$dir"' EXIT
	[ "$case_" = seed ] && fault_on swallow-tgs || fault_on blackhole-kdc
	start=$(date +%s.%N)
	out=$(admin | "$prep" --check --domain "$TESTDC_DOMAIN" --user administrator --password-stdin SEED01 2>&1)
	rc=$?
	secs=$(secs_since "$start")
	fault_clear
	echo "$out"
	echo "exit $rc after $secs s"
	[ $rc -eq 5 ] || fail "expected exit 5 (network)"
	awk -v s="$secs" 'BEGIN { exit !(s < 20) }' || fail "took $secs s, 20 s allowed"
	if [ "$case_" = seed ]; then
		grep -q '^odj-prepare: 0x40 64 ERROR_NETNAME_DELETED The specified network name is no longer available.' <<<"$out" || fail "row"
		grep -q "TGS request for cifs/$TESTDC_DC@$TESTDC_REALM" <<<"$out" || fail "request not named"
		grep -q "KDC at $TESTDC_IP:88" <<<"$out" || fail "KDC address/port not named"
		grep -q 'sent and fully acknowledged by the peer' <<<"$out" || fail "no ack evidence"
		grep -q '0 reply bytes received' <<<"$out" || fail "no reply evidence"
		grep -q 'firewall' <<<"$out" && grep -q 'WAN accelerator' <<<"$out" && grep -q 'MTU' <<<"$out" || fail "advice"
	else
		grep -q 'ERROR_NO_LOGON_SERVERS' <<<"$out" || fail "row"
		grep -q 'no answer (no SYN-ACK)' <<<"$out" || fail "diagnosis"
	fi
	ctl=$(admin | "$prep" --check --domain "$TESTDC_DOMAIN" --user administrator --password-stdin SEED01 2>&1) || fail "control run: $ctl"
	echo "control run without the rule: $(grep '^result' <<<"$ctl")" ;;
*) fail "unknown case $case_" ;;
esac
