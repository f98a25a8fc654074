#!/bin/bash
# A Samba file server joined offline, proven with the real daemons against
# the test DC.  odj-prepare provisions a machine; its blob is applied into a
# root that has Samba (smbd/winbindd) and a smb.conf of its own (a share,
# settings of the test, and "security = user", which the join replaces);
# then winbindd and smbd run on the applied state (member-ns.sh), smbd on an
# address of its own ($MEMBER_IP), since the test DC is a Samba too.
#
# Usage: member.sh ODJ-PREPARE ODJ-APPLY MODE [ODJ-ROTATE]
#   odj                 odj-apply, then the member's checks
#   requestodj          the same checks after Samba's net offlinejoin requestodj
#                       into an empty /etc/samba (with the smb.conf it needs)
#   rotate-net-first    net ads changetrustpw, then sssd's adcli update
#   rotate-adcli-first  the other order
#   coexist             sssd runs next to winbind: one SID, one UNIX id
#   rotate-odj          odj-rotate (keytab and secrets.tdb in one commit), then
#                       the member's checks with a winbindd started afresh
set -uo pipefail
prep=$1 apply=$2 mode=$3
export ODJ_ROTATE=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/odj-samba.XXXXXX); root=$dir/root
cleanup() { rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
n=SM$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
export KRB5CCNAME="FILE:$dir/admin.cc"
# The member's own address: beside its DC's (127.0.0.N -> 127.0.2.N), so
# that members of DCs side by side do not take each other's port 445.
ip=${TESTDC_IP:-127.0.0.2}
export MEMBER_IP=${TESTDC_MEMBER_IP:-127.0.2.${ip##*.}}

step "odj-prepare $n"
printf '%s\n' "$TESTDC_ADMINPASS" |
	"$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin --savefile "$dir/$n.odj" "$n" \
		>"$dir/prepare.out" 2>&1 || { cat "$dir/prepare.out"; fail "prepare"; }

# The share a domain user lists, and the settings of the test (its own address).
mkdir -p "$dir/share" "$root/etc/samba" "$root/usr/sbin"
echo hello >"$dir/share/hello.txt"
chmod 755 "$dir" "$dir/share"
test_settings="	interfaces = $MEMBER_IP/8
	bind interfaces only = yes
	smb ports = 445
	disable netbios = yes
	load printers = no
	printcap name = /dev/null
	disable spoolss = yes
	log level = 1"
share="[odjshare]
	path = $dir/share
	read only = yes"
# Samba in the root: what odj-apply looks for.
ln -s /usr/sbin/smbd "$root/usr/sbin/smbd"
ln -s /usr/sbin/winbindd "$root/usr/sbin/winbindd"

case $mode in
requestodj)
	# requestodj writes no smb.conf; it refuses one whose names differ from
	# the blob's, and crashes (4.17) with a keytab kerberos method.
	cat >"$root/etc/samba/smb.conf" <<-EOF
	[global]
		workgroup = $TESTDC_NETBIOS
		realm = $TESTDC_REALM
		security = ads
		netbios name = $n
		kerberos method = secrets only
		idmap config * : backend = tdb
		idmap config * : range = 100000-199999
		idmap config $TESTDC_NETBIOS : backend = rid
		idmap config $TESTDC_NETBIOS : range = 266800000-266999999
	$test_settings

	$share
	EOF
	unshare -m --propagation private "$here/member-ns.sh" "$dir" "$root" "$n" requestodj "$dir/$n.odj"
	exit $?
	;;
odj | rotate-net-first | rotate-adcli-first | coexist | rotate-odj) ;;
*) fail "unknown mode $mode" ;;
esac

cat >"$root/etc/samba/smb.conf" <<EOF
[global]
	security = user
	workgroup = WORKGROUP
$test_settings

$share
EOF
step "odj-apply --dry-run (no network)"
unshare -n "$apply" --blob "$dir/$n.odj" --root "$root" --dry-run >"$dir/dry.out" 2>&1 ||
	{ cat "$dir/dry.out"; fail "dry run"; }
sed -n '/^--- a\/etc\/samba\/smb.conf/,/^\/var\/lib\/samba\/private\/secrets.tdb/p' "$dir/dry.out"
sed -n '/^samba files:/,$p' "$dir/dry.out"
grep -q '^note: smb.conf \[global\]: security = user -> ads' "$dir/dry.out" || fail "the replaced security is not reported"
grep -q '^  set SECRETS/MACHINE_PASSWORD/' "$dir/dry.out" || fail "no secrets summary"
[ ! -e "$root/var/lib/samba/private/secrets.tdb" ] || fail "the dry run wrote secrets.tdb"

step "odj-apply (no network)"
t0=$(date +%s.%N)
unshare -n "$apply" --blob "$dir/$n.odj" --root "$root" >"$dir/apply.out" 2>&1 ||
	{ cat "$dir/apply.out"; fail "apply"; }
echo "odj-apply took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.3f", b - a}') s"
grep -q "\[odjshare\]" "$root/etc/samba/smb.conf" || fail "the share was lost"
grep -q "interfaces = $MEMBER_IP" "$root/etc/samba/smb.conf" || fail "an unrelated setting was lost"
grep -q '"/var/lib/samba/private/secrets.tdb"' "$root/var/lib/odj/join.json" || fail "the join record lacks secrets.tdb"
[ "$(stat -c %a "$root/var/lib/samba/private/secrets.tdb")" = 600 ] || fail "secrets.tdb is not 0600"
phase=check
[ "$mode" = odj ] || phase=$mode
unshare -m --propagation private "$here/member-ns.sh" "$dir" "$root" "$n" "$phase"
