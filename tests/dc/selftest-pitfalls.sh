#!/bin/bash
# The known pitfalls of a Samba DC in a test are handled (see tests/dc/testdc).
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
printf '%s\n' "$TESTDC_ADMINPASS" | kinit "administrator@$TESTDC_REALM" >/dev/null

# samba_spnupdate ran: the DC has its ldap/ SPN (a GSSAPI bind needs it).
spns=$(ldapsearch -LLL -Y GSSAPI -b "$TESTDC_BASEDN" '(sAMAccountName=DC1$)' servicePrincipalName 2>/dev/null)
grep -qi "^servicePrincipalName: ldap/$TESTDC_DC\$" <<<"$spns" || fail "no ldap/ SPN: $spns"
echo "ok: the DC has ldap/$TESTDC_DC"

# Name resolution in the namespace goes to the DC, and only loopback records exist.
getent hosts "$TESTDC_DC" | grep -q "^$TESTDC_IP " || fail "$TESTDC_DC does not resolve to $TESTDC_IP"
grep -q "^nameserver $TESTDC_IP\$" /etc/resolv.conf || fail "/etc/resolv.conf is not the DC's"
recs=$(ldapsearch -LLL -Y GSSAPI -b "DC=$TESTDC_DOMAIN,CN=MicrosoftDNS,DC=DomainDnsZones,$TESTDC_BASEDN" \
	'(|(name=dc1)(name=@))' dnsRecord 2>/dev/null | grep -c '^dnsRecord' || true)
[ "$recs" -gt 0 ] || fail "no DNS records found for the zone"
echo "ok: $recs DNS records for dc1/@"
# Samba's smb.conf has no forwarder to the host's resolver.
grep -q 'dns forwarder = 127.0.0.9' "$TESTDC_DC_SMBCONF" || fail "dns forwarder is not the loopback dead end"
# No AAAA or non-loopback A record: samba's own DNS answers only $TESTDC_IP.
if command -v python3 >/dev/null; then
	python3 - "$TESTDC_DC" "$TESTDC_IP" <<'PY'
import socket, sys
addrs = {ai[4][0] for ai in socket.getaddrinfo(sys.argv[1] + ".", None)}
assert addrs == {sys.argv[2]}, addrs
print("ok: %s has only %s" % (sys.argv[1], sorted(addrs)))
PY
fi

# winbindd's socket is where smbd looks (/run/samba/winbindd, a private bind mount).
[ -S /run/samba/winbindd/pipe ] || fail "no winbindd pipe in /run/samba/winbindd"
echo "ok: winbindd socket at /run/samba/winbindd/pipe"
# ... so an SMB session setup with Kerberos works (it fails with INTERNAL_ERROR otherwise).
net ads info --configfile="$TESTDC_SMBCONF" -S "$TESTDC_DC" --use-kerberos=required \
	--use-krb5-ccache="$KRB5CCNAME" >/dev/null 2>&1 || true
out=$(net rpc info --configfile="$TESTDC_SMBCONF" -S "$TESTDC_DC" --use-kerberos=required \
	--use-krb5-ccache="$KRB5CCNAME" 2>&1) || fail "SMB session setup with Kerberos failed: $out"
grep -q "Domain Name: $TESTDC_NETBIOS" <<<"$out" || fail "net rpc info: $out"
echo "ok: SMB+RPC over Kerberos: $(grep 'Domain Name' <<<"$out")"
kdestroy

# Every socket the DC's processes listen on is on 127.0.0.2 (interfaces +
# bind interfaces only); Samba retitles its processes, so go by PID.
pids=" $("$(dirname "$0")/testdc" pids | tr '\n' ' ') "
listeners=$(ss -Hlntup | while read -r line; do
	for p in $(grep -o 'pid=[0-9]*' <<<"$line" | cut -d= -f2); do
		case $pids in *" $p "*) echo "$line"; break ;; esac
	done
done)
[ -n "$listeners" ] || fail "no listening socket of the DC found"
others=$(awk -v ip="$TESTDC_IP" '{ n = split($5, a, ":"); addr = substr($5, 1, length($5) - length(a[n]) - 1);
	if (addr != ip) print }' <<<"$listeners")
[ -z "$others" ] || fail "the DC listens beyond $TESTDC_IP: $others"
echo "ok: all $(wc -l <<<"$listeners") listening sockets of the DC are on $TESTDC_IP"
