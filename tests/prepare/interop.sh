#!/bin/bash
# Samba's own client takes an odj blob: `net offlinejoin requestodj` (no
# network) fills a private secrets.tdb, and `net ads testjoin` then
# authenticates to the DC with the machine password it found there.
set -uo pipefail
prep=$1
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=IO$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --user administrator \
	--password-stdin --savefile "$dir/blob.odj" "$n" >/dev/null 2>&1 || fail "provision"
mkdir -p "$dir/samba"
cat >"$dir/smb.conf" <<CONF
[global]
	netbios name = $n
	workgroup = $TESTDC_NETBIOS
	realm = $TESTDC_REALM
	security = ads
	kerberos method = secrets only
	private dir = $dir/samba
	state directory = $dir/samba
	lock directory = $dir/samba
	cache directory = $dir/samba
	ncalrpc dir = $dir/samba/ncalrpc
	log file = $dir/samba/log.%m
	disable netbios = yes
CONF
# a network namespace with only loopback: nothing reaches the DC
out=$(unshare -n sh -c 'ip link set lo up && exec net offlinejoin requestodj --configfile="$1" loadfile="$2"' \
	requestodj "$dir/smb.conf" "$dir/blob.odj" 2>&1) || fail "requestodj: $out"
echo "requestodj (no network): $out"
keys=$(tdbdump "$dir/samba/secrets.tdb" 2>/dev/null | sed -n 's/^key([0-9]*) = "\(.*\)"$/\1/p')
[ -n "$keys" ] || fail "no secrets.tdb"
for k in "SECRETS/MACHINE_PASSWORD/$TESTDC_NETBIOS" "SECRETS/SID/$TESTDC_NETBIOS" \
	 "SECRETS/MACHINE_LAST_CHANGE_TIME/$TESTDC_NETBIOS" "SECRETS/DOMGUID/$TESTDC_NETBIOS"; do
	grep -qx "$k" <<<"$keys" || fail "secrets.tdb lacks $k (Samba printed success and wrote nothing?)"
done
echo "secrets.tdb has $(wc -l <<<"$keys") keys, among them SECRETS/MACHINE_PASSWORD/$TESTDC_NETBIOS and SECRETS/SID/$TESTDC_NETBIOS"
# Samba stores it NUL-terminated; tdbdump shows the NUL as \00
tdbdump -k "SECRETS/MACHINE_PASSWORD/$TESTDC_NETBIOS" "$dir/samba/secrets.tdb" | grep -q '\\00$' ||
	fail "the stored machine password is not NUL-terminated"
# online now: Samba authenticates as the machine with the password from the blob
out=$(net ads testjoin --configfile="$dir/smb.conf" -S "$TESTDC_DC" 2>&1) || fail "testjoin: $out"
echo "net ads testjoin: $out"
grep -q 'Join is OK' <<<"$out" || fail "testjoin did not say 'Join is OK'"
echo ok
