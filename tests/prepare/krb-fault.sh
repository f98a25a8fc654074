#!/bin/bash
# The seed scenario at the Kerberos layer: with the DC's TGS replies dropped
# (swallow-tgs) or its port 88 black-holed (blackhole-kdc), odj's exchange fails
# within its deadline with a diagnosis; a control run without the rule works.
set -uo pipefail
fault=$1 probe=$2
. "$(dirname "$0")/fault.sh"
dir=$(mktemp -d); trap 'fault_clear; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

fault_on "$fault"
start=$(date +%s.%N)
out=$(printf '%s\n' "$TESTDC_ADMINPASS" | "$probe" "$dir/cc" 10000 2>&1)
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
dropped=$(fault_counter)
fault_clear
echo "$out"
echo "exit $rc after $secs s; $dropped packets dropped"
[ "$rc" -eq 5 ] || fail "expected the network category (5)"
awk -v s="$secs" 'BEGIN { exit !(s < 20) }' || fail "took $secs s, more than 20 s"
[ "$dropped" -gt 0 ] || fail "the rule dropped nothing"
case $fault in
swallow-tgs)
	grep -qi '^AS administrator@ODJ.TEST: ok' <<<"$out" || fail "the AS exchange should still work"
	grep -q '^0x40 64 ERROR_NETNAME_DELETED The specified network name is no longer available.' <<<"$out" || fail "no 0x40 row"
	grep -q "received the TGS request for cifs/$TESTDC_DC@$TESTDC_REALM but no reply came back" <<<"$out" || fail "request not named"
	grep -q "to $TESTDC_IP:88" <<<"$out" || grep -q "at $TESTDC_IP:88" <<<"$out" || fail "KDC address not named"
	grep -q 'sent and fully acknowledged by the peer' <<<"$out" || fail "acknowledgement not reported"
	grep -q 'firewall' <<<"$out" || fail "no advice" ;;
blackhole-kdc)
	grep -q '^0x51F 1311 ERROR_NO_LOGON_SERVERS' <<<"$out" || fail "no 0x51F row"
	grep -q "cannot be reached for the AS request for administrator@$TESTDC_REALM" <<<"$out" || fail "request not named"
	grep -q 'no answer (no SYN-ACK)' <<<"$out" || fail "missing SYN-ACK not reported" ;;
esac

# control run: the same without the rule succeeds
ctl=$(printf '%s\n' "$TESTDC_ADMINPASS" | "$probe" "$dir/cc2" 10000 2>&1) || fail "control run failed: $ctl"
echo "control: $(tail -1 <<<"$ctl")"
echo "ok"
