#!/bin/bash
# odj-prepare with the DC given by its address (--dc ADDR and DOMAIN\ADDR): the
# DC's name comes from its LDAP ping reply, and the join works without DNS.
# IPv6: the test DC listens on IPv4 only, so dc_relay.py relays [::1] to it
# (ports 88, 389, 464).
# Usage: dc-address.sh ipv4|ipv6|no-name ODJ-PREPARE ODJ-INSPECT
set -uo pipefail
case_=$1 prep=$2 inspect=$3
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
relay=
trap '[ -z "$relay" ] || kill "$relay"; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
admin() { printf '%s\n' "$TESTDC_ADMINPASS"; }
tag=$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
# provision NAME ARGS...: one machine, pinned by address; prints odj-prepare's output
provision() {
	local n=$1; shift
	admin | "$prep" --user administrator --password-stdin --machine "$n" --savefile "$dir/$n.odj" "$@" 2>&1
}
# check NAME OUTPUT ADDRESS: provisioned against dc1 reached at ADDRESS
check() {
	local n=$1 out=$2 addr=$3
	grep -q "^DC  *$TESTDC_DC ($addr), pinned as given" <<<"$out" || fail "$n: DC line: $out"
	grep -q '^result  *provisioned' <<<"$out" || fail "$n: not provisioned: $out"
	i=$("$inspect" "$dir/$n.odj" 2>&1) || fail "$n: inspect: $i"
	grep -q "^  DC: *\\\\\\\\$TESTDC_DC\$" <<<"$i" || fail "$n: the blob's DC is not named by its host name: $i"
	admin | kinit administrator >/dev/null 2>&1 || fail "kinit administrator"
	ldapsearch -LLL -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$TESTDC_BASEDN" "(sAMAccountName=$n\$)" dn 2>/dev/null |
		grep -q '^dn:' || fail "$n: no account on the DC"
	echo "ok: $n provisioned through $addr; the DC's name $TESTDC_DC came from its LDAP ping reply"
}
export KRB5CCNAME="FILE:$dir/admin.cc"

case $case_ in
ipv4)
	n=IP4A$tag
	out=$(provision "$n" --domain "$TESTDC_DOMAIN" --dc "$TESTDC_IP")
	check "$n" "$out" "$TESTDC_IP"
	n=IP4B$tag
	out=$(provision "$n" --domain "$TESTDC_DOMAIN\\$TESTDC_IP")
	check "$n" "$out" "$TESTDC_IP"
	# the same address twice (domain\dc and --dc) is one DC; two different ones are refused
	out=$(provision IP4C$tag --domain "$TESTDC_DOMAIN\\$TESTDC_IP" --dc 127.0.0.254); rc=$?
	[ $rc -eq 2 ] || fail "two different DCs accepted (exit $rc): $out"
	grep -q "differs from --dc" <<<"$out" || fail "not said: $out" ;;
ipv6)
	python3 "$here/dc_relay.py" ::1 "$TESTDC_IP" 389/udp 389/tcp 88/tcp 88/udp 464/tcp 464/udp \
		>"$dir/relay" 2>&1 &
	relay=$!
	for _ in $(seq 50); do grep -q ready "$dir/relay" && break; sleep 0.1; done
	grep -q ready "$dir/relay" || fail "relay: $(cat "$dir/relay")"
	n=IP6A$tag
	out=$(provision "$n" --domain "$TESTDC_DOMAIN" --dc ::1)
	check "$n" "$out" ::1
	n=IP6B$tag
	out=$(provision "$n" --domain "$TESTDC_DOMAIN\\[::1]")
	check "$n" "$out" ::1
	# kpasswd's private krb5.conf names the KDC as [::1]
	n=IP6C$tag
	out=$(provision "$n" --domain "$TESTDC_DOMAIN" --dc ::1 --password-method kpasswd)
	grep -q '^password .* over kpasswd' <<<"$out" || fail "$n: kpasswd not used: $out"
	check "$n" "$out" ::1 ;;
no-name)
	# the DC's name does not resolve (no hosts entry, no name server): said, not a logon failure
	: >"$dir/hosts"; : >"$dir/resolv.conf"
	out=$(unshare -m sh -c 'mount --bind "$1/hosts" /etc/hosts && mount --bind "$1/resolv.conf" /etc/resolv.conf &&
		shift && "$@"' sh "$dir" sh -c 'printf "%s\n" "$TESTDC_ADMINPASS" | "$0" --user administrator --password-stdin \
		--machine "NN$1" --savefile "$2/nn.odj" --domain "$TESTDC_DOMAIN" --dc "$TESTDC_IP"' "$prep" "$tag" "$dir" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 5 ] || fail "exit $rc, expected 5"
	grep -q "the DC's name $TESTDC_DC does not resolve here" <<<"$out" || fail "the cause is not said"
	grep -q "$TESTDC_IP $TESTDC_DC\" to /etc/hosts" <<<"$out" || fail "no advice"
	grep -q 'LOGON_FAILURE' <<<"$out" && fail "called a logon failure"
	echo "ok: an unresolvable DC name is named as the cause" ;;
*) fail "unknown case $case_" ;;
esac
