#!/bin/bash
# The multi-DC test domain works as the tests need it: every DC runs on its
# address with its A and SRV records in the zone, replication is clean and
# converges, "repl pause" really stops it, and one DC can be killed and
# started again.  Usage: testbed.sh TESTDC (inside the DCs' namespace)
set -uo pipefail
testdc=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "${TESTDC_DCS:-1}" -ge 2 ] || { echo "needs TESTDC_DCS >= 2"; exit 77; }
read -r -a ips <<<"$TESTDC_IPS"
n=$TESTDC_DCS
admin=(-U "administrator%$TESTDC_ADMINPASS")

# Every DC answers on its own address, and DNS (asked of every DC) lists all of them.
/usr/bin/python3 - "$TESTDC_DOMAIN" "$n" "${ips[@]:0:$n}" <<'PY' || fail "DNS does not list every DC"
import sys, dns.resolver
domain, n, ips = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
want = {"dc%d.%s" % (k + 1, domain): ips[k] for k in range(n)}
for server in ips:
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = [server]
    for host, ip in want.items():
        got = sorted(a.address for a in r.resolve(host, "A"))
        assert got == [ip], (server, host, got)
    for name in ("_kerberos._udp", "_kerberos._tcp", "_ldap._tcp",
                 "_ldap._tcp.Default-First-Site-Name._sites", "_ldap._tcp.dc._msdcs"):
        targets = sorted(str(a.target).rstrip(".") for a in r.resolve("%s.%s" % (name, domain), "SRV"))
        assert targets == sorted(want), (server, name, targets)
    apex = sorted(a.address for a in r.resolve(domain, "A"))
    assert apex == sorted(ips), (server, "apex", apex)
print("ok: the DNS of each of %s lists %s (A, SRV for kerberos/ldap, the domain's A)" % (ips, sorted(want)))
PY

# Replication between every pair is clean.
for k in $(seq 1 "$n"); do
	out=$(samba-tool drs showrepl "dc$k.$TESTDC_DOMAIN" "${admin[@]}" 2>&1) || fail "showrepl dc$k: $out"
	bad=$(grep -E '[1-9][0-9]* consecutive failure|WERR|failed' <<<"$out")
	[ -z "$bad" ] || fail "dc$k replication errors: $bad"
	echo "ok: dc$k showrepl: $(grep -c 'was successful' <<<"$out") successful links, no failure"
done

present() { # K NAME: is user NAME in DC K's database
	ldbsearch -H "ldap://${ips[$1 - 1]}" "${admin[@]}" -b "$TESTDC_BASEDN" "(sAMAccountName=$2)" dn 2>/dev/null | grep -q '^dn: '
}
u=repl$$
"$testdc" repl pause || fail "repl pause"
samba-tool user add "$u" 'Odj-User-Pass1' -H "ldap://${ips[1]}" "${admin[@]}" >/dev/null || fail "user add on dc2"
sleep 20 # longer than the DCs' 15 s pull interval
present 2 "$u" || fail "the user is not on dc2"
present 1 "$u" && fail "replication paused, yet the user made on dc2 reached dc1"
echo "ok: paused: $u made on dc2 is not on dc1 after 20 s"
"$testdc" repl sync 2>/dev/null && fail "repl sync succeeded while replication is paused"
"$testdc" repl resume || fail "repl resume"
"$testdc" repl sync || fail "repl sync"
for k in $(seq 1 "$n"); do present "$k" "$u" || fail "after sync, $u is not on dc$k"; done
echo "ok: resumed and synced: $u is on every DC"
samba-tool user delete "$u" -H "ldap://${ips[1]}" "${admin[@]}" >/dev/null

# One DC down and up again.
k=$n
"$testdc" dc "$k" kill || fail "dc $k kill"
[ -z "$("$testdc" pids "$k")" ] || fail "dc$k processes survive the kill"
timeout 2 bash -c "exec 3<>/dev/tcp/${ips[$k - 1]}/389" 2>/dev/null && fail "dc$k still answers on 389"
echo "ok: dc$k killed: no process, port 389 closed"
"$testdc" dc "$k" start || fail "dc $k start"
for t in $(seq 30); do
	out=$(ldbsearch -H "ldap://${ips[$k - 1]}" "${admin[@]}" -b "$TESTDC_BASEDN" -s base dn 2>&1) && break
	sleep 1
done
grep -q "^dn: $TESTDC_BASEDN" <<<"$out" || fail "dc$k does not answer a bind and search 30 s after start: $out"
echo "ok: dc$k started again and answers a bind and search (after $t attempt(s))"
