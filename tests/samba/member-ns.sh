#!/bin/bash
# Runs inside a private mount namespace (member.sh starts it): the applied
# root's Samba state is mounted over /etc/samba, /var/lib/samba,
# /var/cache/samba, /run/samba and /var/log/samba, a private copy of /etc
# carries the root's krb5.conf, keytab and an nsswitch.conf with winbind;
# then real winbindd and smbd run on $MEMBER_IP (the test DC is another
# address) and the checks of PHASE run.
#
# Usage: member-ns.sh WORK ROOT NAME PHASE [BLOB]
#   PHASE: check (the member works), requestodj (net offlinejoin requestodj
#   BLOB first, then check), rotate-net-first, rotate-adcli-first, coexist
#   (sssd runs too, on the root's sssd.conf: both map a SID to one UNIX id).
set -uo pipefail
work=$1 root=$2 name=$3 phase=$4 blob=${5:-}
lc=$(tr 'A-Z' 'a-z' <<<"$name")
fqdn=$lc.$TESTDC_DOMAIN
MEMBER_IP=${MEMBER_IP:?member.sh sets it}
fail() { echo "FAIL: $*"; stop_daemons; exit 1; }
step() { echo "== $*"; }
pids=()
# Each daemon runs in a session of its own (on exit smbd signals its whole
# process group).  samba-dcerpcd (smbd starts it on demand) and the daemons'
# children detach from this script: at the end every process of this private
# mount namespace that is not this script's own is stopped.
ns_strays() {
	local me p
	me=$(readlink /proc/$$/ns/mnt)
	ps -eo pid=,ppid= | awk -v top=$$ '{ pp[$1] = $2 }
		END { for (p in pp) { q = p + 0; while (q > 1 && q != top) q = pp[q] + 0; if (q != top) print p } }' |
		while read -r p; do
			[ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" = "$me" ] && echo "$p"
		done
}
stop_daemons() {
	local p i left
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
	for i in $(seq 50); do
		left=$(ns_strays)
		[ -z "$left" ] && return 0
		# shellcheck disable=SC2086
		kill $left 2>/dev/null
		sleep 0.1
	done
	echo "left running: $left"
}

# ---- the namespace: private /etc and Samba directories ----
rm -rf "$work/etc"
cp -a /etc "$work/etc" 2>/dev/null
rm -rf "$work/etc/samba" "$work/etc/krb5.keytab" "$work/etc/krb5.conf"
mkdir -p "$work/etc/samba"
[ -f "$root/etc/krb5.conf" ] && cp -a "$root/etc/krb5.conf" "$work/etc/"
[ -f "$root/etc/krb5.keytab" ] && cp -a "$root/etc/krb5.keytab" "$work/etc/"
echo "$MEMBER_IP $fqdn $lc" >>"$work/etc/hosts"
printf 'passwd: files winbind\ngroup: files winbind\nshadow: files\nhosts: files dns\n' \
	>"$work/etc/nsswitch.conf"
for d in var/lib/samba/private var/cache/samba run/samba var/log/samba; do
	mkdir -p "$root/$d"
done
chmod 700 "$root/var/lib/samba/private"
if [ "$phase" = coexist ]; then
	rm -rf "$work/etc/sssd"
	cp -a "$root/etc/sssd" "$work/etc/sssd"
	# As tests/e2e/sssd-check.sh: a test-only drop-in pins the test DC.
	printf '[domain/%s]\nad_server = %s\nkrb5_use_kdcinfo = false\ndyndns_update = false\n' \
		"$TESTDC_DOMAIN" "$TESTDC_DC" >"$work/etc/sssd/conf.d/99-testdc.conf"
	chmod 600 "$work/etc/sssd/conf.d/99-testdc.conf"
	printf 'passwd: files sss winbind\ngroup: files sss winbind\nshadow: files\nhosts: files dns\n' \
		>"$work/etc/nsswitch.conf"
	mkdir -p "$work/sss/db" "$work/sss/pipes/private" "$work/sss/mc" "$work/sss/pubconf" \
		"$work/sss/gpo_cache" "$work/sss/keytabs" "$work/log/sssd"
	chmod 700 "$work/sss/pipes/private"
	mount --bind "$work/sss" /var/lib/sss && mount --bind "$work/log/sssd" /var/log/sssd || exit 9
fi
mount --bind "$work/etc" /etc || exit 9
mount --bind "$root/etc/samba" /etc/samba || exit 9
for d in var/lib/samba var/cache/samba run/samba var/log/samba; do
	mount --bind "$root/$d" "/$d" || exit 9
done
if [ -f /etc/krb5.conf ]; then
	unset KRB5_CONFIG # the root's own krb5.conf (DNS finds the KDC)
fi
unset KRB5_KTNAME KRB5_CLIENT_KTNAME
export KRB5CCNAME=FILE:$work/user.cc

admin_kinit() { printf '%s\n' "$TESTDC_ADMINPASS" | kinit "administrator@$TESTDC_REALM" >/dev/null; }
dc_kvno() {
	KRB5CCNAME=FILE:$work/admin.cc ldapsearch -LLL -Y GSSAPI -H "ldap://$TESTDC_DC" \
		-b "$TESTDC_BASEDN" "(sAMAccountName=$name\$)" msDS-KeyVersionNumber 2>/dev/null |
		awk '/^msDS-KeyVersionNumber:/ {print $2}'
}
keytab_kvnos() {
	klist -k /etc/krb5.keytab 2>/dev/null | awk -v p="$name\$@$TESTDC_REALM" '$2 == p {print $1}' |
		sort -un | tr '\n' ' '
}
printf '%s\n' "$TESTDC_ADMINPASS" | KRB5CCNAME=FILE:$work/admin.cc kinit "administrator@$TESTDC_REALM" >/dev/null ||
	fail "kinit administrator"

if [ "$phase" = requestodj ]; then
	step "net offlinejoin requestodj loadfile=<blob> into an empty /etc/samba"
	mv /etc/samba/smb.conf "$work/smb.conf.by-hand"
	if unshare -n sh -c 'ip link set lo up && exec net offlinejoin requestodj loadfile="$1"' sh "$blob" \
		>"$work/rq0.out" 2>&1; then
		fail "requestodj joined without a smb.conf"
	fi
	echo "refused, as expected: $(grep -v '^\s*$' "$work/rq0.out" | tail -2 | tr '\n' ' ')"
	[ ! -e /var/lib/samba/private/secrets.tdb ] || fail "the refused requestodj wrote secrets.tdb"
	mv "$work/smb.conf.by-hand" /etc/samba/smb.conf
	step "net offlinejoin requestodj loadfile=<blob> (the hand-written smb.conf above)"
	t0=$(date +%s.%N)
	unshare -n sh -c 'ip link set lo up && exec net offlinejoin requestodj loadfile="$1"' sh "$blob" ||
		fail "requestodj"
	echo "requestodj took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.3f", b - a}') s"
	echo "files (smb.conf by hand, before):"; (cd "$root" && find etc/samba var/lib/samba var/cache/samba -type f | sort)
	echo "secrets.tdb keys:"
	tdbdump /var/lib/samba/private/secrets.tdb | sed -n 's/^key([0-9]*) = "\(.*\)"$/  \1/p'
fi

# ---- the daemons ----
start_daemons() {
	setsid winbindd -F --no-process-group --debug-stdout -d 1 >"$work/winbindd.out" 2>&1 &
	pids+=($!)
	local i
	for i in $(seq 100); do wbinfo -p >/dev/null 2>&1 && break; sleep 0.2; done
	wbinfo -p >/dev/null 2>&1 || { tail -30 "$work/winbindd.out"; fail "winbindd does not answer"; }
	setsid smbd -F --no-process-group --debug-stdout -d 1 >"$work/smbd.out" 2>&1 &
	pids+=($!)
	for i in $(seq 100); do (exec 3<>"/dev/tcp/$MEMBER_IP/445") 2>/dev/null && break; sleep 0.2; done
	(exec 3<>"/dev/tcp/$MEMBER_IP/445") 2>/dev/null || { tail -30 "$work/smbd.out"; fail "smbd does not listen on $MEMBER_IP:445"; }
	echo "winbindd and smbd run (pids ${pids[*]}), smbd on $MEMBER_IP:445"
}

check_member() {
	step "net ads testjoin"
	net ads testjoin 2>&1 || fail "net ads testjoin"
	step "wbinfo -t"
	local i
	for i in $(seq 20); do wbinfo -t >"$work/wbt.out" 2>&1 && break; sleep 0.5; done
	cat "$work/wbt.out"; grep -q succeeded "$work/wbt.out" || fail "wbinfo -t"
	step "wbinfo -u"
	wbinfo -u >"$work/wbu.out" 2>&1 || { cat "$work/wbu.out"; fail "wbinfo -u"; }
	sort "$work/wbu.out" | head -5; echo "... $(wc -l <"$work/wbu.out") users"
	grep -qix "$TESTDC_NETBIOS\\\\administrator" "$work/wbu.out" || fail "no administrator in wbinfo -u"
	step "getent passwd '$TESTDC_NETBIOS\\administrator' (nss_winbind)"
	getent passwd "$TESTDC_NETBIOS\\administrator" || fail "getent through nss_winbind"
	step "smbclient -k //$fqdn/odjshare -c ls (administrator's ticket)"
	admin_kinit || fail "kinit administrator"
	smbclient -k "//$fqdn/odjshare" -c ls 2>&1 | tee "$work/smbclient.out" | grep -v '^\s*$' | head -8
	grep -q 'hello.txt' "$work/smbclient.out" || fail "smbclient -k did not list the share"
	klist | grep -i "cifs/$fqdn" || fail "no cifs/ service ticket"
}

kinit_machine() {
	KRB5CCNAME=FILE:$work/machine.cc kinit -k -t /etc/krb5.keytab "$name\$@$TESTDC_REALM" &&
		echo "kinit -k $name\$ with /etc/krb5.keytab: OK"
}

# A digest of the machine password Samba holds (never the password).
secret_digest() {
	tdbdump -k "SECRETS/MACHINE_PASSWORD/$TESTDC_NETBIOS" /var/lib/samba/private/secrets.tdb | sha256sum | cut -c1-16
}
last_digest=

# After a rotation: the account, the keytab, secrets.tdb, the join record and winbind agree.
in_step() {
	local what=$1
	local d; d=$(secret_digest)
	[ -n "$last_digest" ] && [ "$d" != "$last_digest" ] || fail "secrets.tdb still holds the old password after $what"
	echo "secrets.tdb's machine password changed (compared by digest, not shown)"
	last_digest=$d
	local k; k=$(dc_kvno)
	echo "after $what: DC msDS-KeyVersionNumber $k; keytab kvnos for $name\$: $(keytab_kvnos)"
	keytab_kvnos | grep -qw "$k" || fail "the keytab has no key at the account's kvno $k"
	kinit_machine || fail "kinit -k with the keytab after $what"
	net ads testjoin 2>&1 || fail "net ads testjoin after $what"
	local i
	for i in $(seq 20); do wbinfo -t >"$work/wbt.out" 2>&1 && break; sleep 0.5; done
	cat "$work/wbt.out"; grep -q succeeded "$work/wbt.out" || fail "wbinfo -t after $what"
	getent passwd "$TESTDC_NETBIOS\\administrator" >/dev/null || fail "getent after $what"
	python3 - "$root/var/lib/odj/join.json" "$name" <<-'EOF' || fail "join record"
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert r["sam_account_name"] == sys.argv[2] + "$", r["sam_account_name"]
	print("join.json: %s, keytab %s, samba_files %s, kvno at join %s" % (
	    r["sam_account_name"], r["keytab"], r.get("samba_files"), r["kvno"]))
	EOF
}

# sssd and winbind side by side: the same SID is the same UNIX id in both.
coexist() {
	step "sssd next to winbind (sssd.conf and its conf.d as odj-apply wrote them)"
	setsid sssd -i --logger=files -d 2 &
	local sssd_pid=$! i uid_sss= gid_sss=
	pids+=($sssd_pid)
	for i in $(seq 120); do
		uid_sss=$(getent -s sss passwd "administrator@$TESTDC_DOMAIN" | cut -d: -f3) && [ -n "$uid_sss" ] && break
		sleep 0.5
	done
	[ -n "$uid_sss" ] || { tail -n 20 /var/log/sssd/sssd_*.log; fail "sssd does not resolve administrator@$TESTDC_DOMAIN"; }
	echo "nss_sss:     $(getent -s sss passwd "administrator@$TESTDC_DOMAIN")"
	echo "nss_winbind: $(getent -s winbind passwd "$TESTDC_NETBIOS\\administrator")"
	gid_sss=$(getent -s sss group "domain users@$TESTDC_DOMAIN" | cut -d: -f3)
	grep -q 'ad_update_samba_machine_account_password = true' /etc/sssd/conf.d/odj-samba.conf ||
		fail "no sssd drop-in for Samba"
	local sid uid_wb gid_wb
	sid=$(wbinfo --name-to-sid "$TESTDC_NETBIOS\\administrator" | cut -d' ' -f1)
	uid_wb=$(wbinfo --sid-to-uid "$sid")
	gid_wb=$(wbinfo --sid-to-gid "${sid%-*}-513")
	echo "administrator $sid: sssd uid $uid_sss, winbind uid $uid_wb; domain users: sssd gid $gid_sss, winbind gid $gid_wb"
	[ "$uid_sss" = "$uid_wb" ] && [ "$gid_sss" = "$gid_wb" ] || fail "sssd and winbind map the SIDs differently"
	wbinfo -t >/dev/null || fail "wbinfo -t with sssd running"
}

rotate_net() {
	step "net ads changetrustpw (Samba's rotation; kerberos method = secrets and keytab)"
	net ads changetrustpw 2>&1 | tail -3 || fail "net ads changetrustpw"
	in_step "net ads changetrustpw"
}

rotate_adcli() {
	# sssd 2.8's renewal (ad_machine_pw_renewal.c) runs exactly this, with
	# --add-samba-data from ad_update_samba_machine_account_password; the
	# lifetime 0 forces the change now.
	step "adcli update --add-samba-data (sssd's renewal, forced)"
	adcli update --domain="$TESTDC_DOMAIN" --host-fqdn="$fqdn" --add-samba-data \
		--computer-password-lifetime=0 --domain-controller="$TESTDC_DC" \
		--verbose >"$work/adcli.out" 2>&1 || { tail -20 "$work/adcli.out"; fail "adcli update"; }
	grep -E 'Changed computer password|kvno|samba' -i "$work/adcli.out" | head -6
	in_step "adcli update"
}

rotate_odj() {
	step "odj-rotate --root (keytab, join record and secrets.tdb in one commit)"
	local before; before=$(dc_kvno)
	"${ODJ_ROTATE:?member.sh passes odj-rotate}" --root "$root" --verbose >"$work/rotate.out" 2>&1 ||
		{ cat "$work/rotate.out"; fail "odj-rotate"; }
	grep -E 'kpasswd:|committed:' "$work/rotate.out" | grep -v Netp
	echo "DC kvno $before -> $(dc_kvno)"
	cp -a "$root/etc/krb5.keytab" /etc/krb5.keytab # this namespace's /etc is a copy
	# winbindd holds the secrets.tdb it opened: the new file is for a new winbindd
	stop_daemons
	start_daemons
	in_step "odj-rotate"
}

start_daemons
last_digest=$(secret_digest)
case $phase in
check | requestodj) check_member ;;
rotate-net-first) rotate_net; rotate_adcli ;;
rotate-adcli-first) rotate_adcli; rotate_net ;;
coexist) coexist ;;
rotate-odj) check_member; rotate_odj; rotate_adcli ;;
*) fail "unknown phase $phase" ;;
esac
stop_daemons
echo "ok: $phase"
