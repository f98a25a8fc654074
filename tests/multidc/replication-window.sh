#!/bin/bash
# The replication window, closed.  With replication paused, odj-prepare
# creates machine M on dc1 and odj-apply joins a root offline; then, with DNS
# listing each DC first in turn, 20 "kinit -k" with the root's krb5.conf and
# keytab and 20 fresh starts of stock sssd on the root's sssd.conf resolving
# a domain user must all succeed (dc2 and dc3 do not know M yet).  Then
# replication resumes, dc1 stops, and the same root still gets tickets and
# users through the other DCs.
# Usage: replication-window.sh TESTDC ODJ-PREPARE ODJ-APPLY (in the DCs' namespace)
set -uo pipefail
testdc=$1 prep=$2 apply=$3
[ "${TESTDC_DCS:-1}" -ge 2 ] || { echo "needs TESTDC_DCS >= 2"; exit 77; }
read -r -a ips <<<"$TESTDC_IPS"
ndcs=$TESTDC_DCS
dir=$(mktemp -d); root=$dir/root
cleanup() {
	"$testdc" repl resume >/dev/null 2>&1
	"$testdc" dc 1 start >/dev/null 2>&1
	"$testdc" dns first 1 >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
admin=(-U "administrator%$TESTDC_ADMINPASS")
n=RW$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
user=administrator@$TESTDC_DOMAIN
has_account() { # K: does DC K's database hold M
	ldbsearch -H "ldap://${ips[$1 - 1]}" "${admin[@]}" -b "$TESTDC_BASEDN" "(sAMAccountName=$n\$)" dn 2>/dev/null | grep -q '^dn: '
}

step "replication paused; odj-prepare $n on dc1; odj-apply offline"
"$testdc" repl pause || fail "repl pause"
printf '%s\n' "$TESTDC_ADMINPASS" | KRB5CCNAME="FILE:$dir/admin.cc" "$prep" --domain "$TESTDC_DOMAIN" \
	--dc "dc1.$TESTDC_DOMAIN" --user administrator --password-stdin --savefile "$dir/$n.odj" "$n" \
	>"$dir/prepare.out" 2>&1 || { cat "$dir/prepare.out"; fail "prepare"; }
mkdir -p "$root/etc"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
unshare -n "$apply" --blob "$dir/$n.odj" --root "$root" >"$dir/apply.out" 2>&1 || { cat "$dir/apply.out"; fail "apply"; }
has_account 1 || fail "$n is not on dc1"
for k in $(seq 2 "$ndcs"); do has_account "$k" && fail "$n reached dc$k: the window is not open"; done
echo "ok: $n exists on dc1 only"
echo "--- krb5.conf:"; cat "$root/etc/krb5.conf"
echo "--- sssd.conf [domain/$TESTDC_DOMAIN]:"; sed -n "/^\[domain\//,\$p" "$root/etc/sssd/sssd.conf"

# A private /etc (the DCs' hosts and resolv.conf, the root's krb5.conf,
# keytab and sssd), /var/lib/sss and /var/log/sssd for the clients: sssd's
# krb5 locator plugin then sees only this sssd's kdcinfo.
mkdir -p "$dir/etc" "$dir/sss" "$dir/log"
cp -a /etc/. "$dir/etc/" 2>/dev/null
rm -rf "$dir/etc/sssd" "$dir/etc/krb5.keytab"
cp -a "$root/etc/sssd" "$root/etc/krb5.conf" "$root/etc/krb5.keytab" "$dir/etc/"
mkdir -p "$dir/etc/sssd/conf.d"
# (a test host must not register itself in the zone; nothing else is changed)
printf '[domain/%s]\ndyndns_update = false\n' "$TESTDC_DOMAIN" >"$dir/etc/sssd/conf.d/99-nodyndns.conf"
chmod 600 "$dir/etc/sssd/conf.d/99-nodyndns.conf"

# clients ROUND COUNT: COUNT kinit -k and COUNT fresh sssd lookups; prints
# one line per attempt and "kinit X/COUNT sssd Y/COUNT".
clients() {
	unshare -m --propagation private bash -s "$dir" "$n" "$TESTDC_REALM" "$user" "$1" "$2" <<-'SH'
		dir=$1 n=$2 realm=$3 user=$4 round=$5 count=$6
		mount --bind "$dir/etc" /etc && mount --bind "$dir/sss" /var/lib/sss &&
			mount --bind "$dir/log" /var/log/sssd || exit 9
		# sssd's pid file is /run/sssd.pid: one of its own, not another test's
		mkdir -p "$dir/run" && mount --bind "$dir/run" /run || exit 9
		unset KRB5_CONFIG KRB5_KTNAME KRB5_CLIENT_KTNAME KRB5CCNAME
		fresh_sss() {
			rm -rf /var/lib/sss/* /var/log/sssd/*
			mkdir -p /var/lib/sss/db /var/lib/sss/pipes/private /var/lib/sss/mc /var/lib/sss/gpo_cache \
				/var/lib/sss/keytabs /var/lib/sss/pubconf/krb5.include.d
			chmod 700 /var/lib/sss/pipes/private
		}
		kok=0 sok=0
		for i in $(seq "$count"); do
			fresh_sss
			if out=$(KRB5_TRACE=/dev/stdout KRB5CCNAME=FILE:/tmp/odj-rw-$$.cc kinit -k "$n\$@$realm" 2>&1); then
				kok=$((kok + 1))
				echo "$round kinit $i: ok, AS-REP from $(grep -o 'Received answer ([0-9]* bytes) from [a-z]* [0-9.:]*' <<<"$out" | tail -1 | awk '{print $NF}')"
			else
				echo "$round kinit $i: FAILED: $(grep -v '^\[' <<<"$out" | tail -1)"
			fi
			rm -f /tmp/odj-rw-$$.cc
		done
		for i in $(seq "$count"); do
			fresh_sss
			sssd -i --logger=files -d 6 2>/var/log/sssd/stderr &
			pid=$!
			for t in $(seq 100); do [ -S /var/lib/sss/pipes/nss ] && break; sleep 0.1; done
			ok=1
			for t in $(seq 30); do getent passwd "$user" >/dev/null && { ok=0; break; }; sleep 0.5; done
			server=$(grep -ho "Marking server '[^']*' as 'working'" /var/log/sssd/sssd_*.log | tail -1 | cut -d"'" -f2)
			kill $pid; wait $pid 2>/dev/null
			if [ $ok = 0 ]; then
				sok=$((sok + 1))
				echo "$round sssd $i: ok, $(getent passwd "$user" 2>/dev/null | cut -d: -f1,3 || echo "$user") via ${server:-?}"
			else
				echo "$round sssd $i: FAILED ($(grep -h 'Client .* not found\|Going offline' /var/log/sssd/*.log | tail -1); $(tail -2 /var/log/sssd/stderr))"
			fi
		done
		echo "$round: kinit $kok/$count sssd $sok/$count"
		[ $kok = "$count" ] && [ $sok = "$count" ]
	SH
}

step "20 kinit -k and 20 sssd lookups with replication paused, DNS listing each DC first in turn"
total_k=0 total_s=0 left=20 rounds=$ndcs
for first in $(seq 2 "$ndcs") 1; do
	count=$((left / rounds)); left=$((left - count)); rounds=$((rounds - 1))
	"$testdc" dns first "$first" || fail "dns first $first"
	clients "paused,dc$first-first" "$count" | tee "$dir/round.out"
	total_k=$((total_k + $(tail -1 "$dir/round.out" | sed 's#.*kinit \([0-9]*\)/.*#\1#')))
	total_s=$((total_s + $(tail -1 "$dir/round.out" | sed 's#.*sssd \([0-9]*\)/.*#\1#')))
done
echo "replication paused: kinit -k $total_k/20, sssd $total_s/20"
[ $total_k = 20 ] && [ $total_s = 20 ] || fail "not every client succeeded in the replication window"
for k in $(seq 2 "$ndcs"); do has_account "$k" && fail "$n reached dc$k meanwhile: the window was not open"; done

step "replication resumed and synced; dc1 stopped; DNS lists dc2 first"
"$testdc" repl resume || fail "repl resume"
"$testdc" repl sync || fail "repl sync"
"$testdc" dns first 2 || fail "dns first 2"
"$testdc" dc 1 stop || fail "dc 1 stop"
clients "dc1-stopped" 20 | tee "$dir/round.out"
tail -1 "$dir/round.out" | grep -q 'kinit 20/20 sssd 20/20' || fail "with dc1 stopped the target does not work through the other DCs"
echo "dc1 stopped: $(tail -1 "$dir/round.out" | cut -d: -f2)"
