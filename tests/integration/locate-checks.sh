#!/bin/bash
# locate-checks.sh CASE PROBE: one DC discovery check against the test DC.
# PROBE is the locate_probe driver; TESTDC_* come from "testdc check".
set -uo pipefail
case_name=$1
probe=$2
ip=${TESTDC_IP:?run through testdc check}
domain=${TESTDC_DOMAIN:?}
dc=${TESTDC_DC:?}
fails=0

expect() { # expect KEY=VALUE in $out
	if ! grep -qxF -- "$1" <<<"$out"; then
		echo "FAIL [$case_name]: expected '$1' in:" >&2
		sed 's/^/    /' <<<"$out" >&2
		fails=$((fails + 1))
	fi
}
expect_rc() {
	if [ "$rc" -ne "$1" ]; then
		echo "FAIL [$case_name]: exit status $rc, expected $1" >&2
		fails=$((fails + 1))
	fi
}
run() { out=$("$probe" "$@"); rc=$?; printf '%s\n' "$out"; }

common_dc_facts() {
	expect "flags=0x000013fd"
	expect "guid=${TESTDC_GUID}"
	expect "forest=$domain"
	expect "domain=$domain"
	expect "dc_host=$dc"
	expect "netbios_domain=${TESTDC_NETBIOS}"
	expect "netbios_computer=DC1"
	expect "dc_site=Default-First-Site-Name"
	expect "client_site=Default-First-Site-Name"
	expect "nt_version=0x00000005"
}

case $case_name in
srv)
	run srv "$domain"
	expect_rc 0
	expect "srv=$dc 0 100 389"
	;;
ping)
	run ping "$ip" "$domain"
	expect_rc 0
	common_dc_facts
	expect "opcode=23"
	expect "user="
	expect "usable=yes"
	;;
account_probe)
	run ping "$ip" "$domain" 'DC1$'
	expect_rc 0
	expect "opcode=23"
	expect "user_exists=yes"
	expect 'user=DC1$'
	run ping "$ip" "$domain" 'NOPE$'
	expect_rc 0
	expect "opcode=25"
	expect "user_exists=no"
	common_dc_facts
	;;
locate_srv)
	run locate "$domain"
	expect_rc 0
	expect "found_by=SRV"
	expect "dc_name=$dc"
	expect "dc_address=$ip"
	expect "candidates=1"
	common_dc_facts
	run locate "$domain."
	expect_rc 0
	expect "dc_name=$dc"
	;;
locate_pinned)
	run locate "$domain" "$ip" 'NOPE$'
	expect_rc 0
	expect "found_by=given"
	expect "dc_name=$dc"
	expect "dc_address=$ip"
	expect "user_exists=no"
	run locate "$domain" "$dc"
	expect_rc 0
	expect "found_by=given"
	expect "dc_address=$ip"
	;;
refused)
	# Nothing listens on 127.0.0.9: the ICMP refusal must end the ping at once.
	start=$(date +%s%N)
	run --timeout-ms 1000 --tries 3 ping 127.0.0.9 "$domain"
	ms=$((($(date +%s%N) - start) / 1000000))
	expect_rc 5
	expect "status=ERROR_DOMAIN_CONTROLLER_NOT_FOUND"
	echo "refused after $ms ms"
	if [ "$ms" -ge 1000 ]; then
		echo "FAIL [$case_name]: took $ms ms, expected a fast failure" >&2
		fails=$((fails + 1))
	fi
	run --timeout-ms 300 --tries 2 locate "$domain" 127.0.0.9
	expect_rc 5
	expect "status=ERROR_DOMAIN_CONTROLLER_NOT_FOUND"
	;;
wrong_domain)
	run ping "$ip" nosuch.example
	expect_rc 5
	expect "status=ERROR_NO_SUCH_DOMAIN"
	run locate nosuch.example "$ip"
	expect_rc 5
	expect "status=ERROR_NO_SUCH_DOMAIN"
	;;
no_srv)
	run locate nosuch.odj.test
	expect_rc 5
	expect "status=ERROR_NO_SUCH_DOMAIN"
	run locate 'bad domain!'
	expect_rc 2
	expect "status=ERROR_INVALID_DOMAINNAME"
	;;
*)
	echo "locate-checks.sh: unknown case $case_name" >&2
	exit 2
	;;
esac
[ $fails -eq 0 ] && echo "ok [$case_name]"
exit $((fails > 0))
