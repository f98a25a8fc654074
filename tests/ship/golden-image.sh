#!/bin/bash
# golden-image.sh SOURCE_DIR DIST_DIR: the golden-image flow with odj's own
# packages, against the test DC, on an overlay of the cached minimal Debian 12
# image (tests/ship/image):
#   - the image's apt installs dist/odj-apply_*.deb (offline: the image already
#     holds its dependencies); odj-apply runs there; the unit is not enabled
#   - systemctl --root enables the first-boot unit
#   - the packaged odj-prepare provisions a machine; its blob goes to
#     /var/lib/odj/provision.odj
#   - the unit's own command lines run inside the image with no network
#   - the image's own sssd resolves a domain user, and its keytab gets a TGT
#   - purging the package leaves the join state and nothing else
# Exit 77 (skipped) without packages in DIST_DIR or without a prepared image.
set -uo pipefail
src=$1
dist=$2
. "$(dirname "$0")/image-lib.sh"

need_deb apply_deb odj-apply "$dist"
need_deb prepare_deb odj-prepare "$dist"
image_enter "$0" "$@" # (re-runs this script in a private mount namespace)

t0=$(date +%s.%N)
since() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%5.1f s", b - a }'; }
step() { echo "== [$(since)] $*"; }
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d)
trap 'umount -R "$tmp/root" 2>/dev/null; rm -rf "$tmp"' EXIT

step "overlay of the cached image $image"
image_overlay "$image" "$tmp" || fail "cannot mount the overlay"
root=$tmp/root
image_files "$root" >"$tmp/before.files"

step "apt-get install ./$(basename "$apply_deb") in the image, with no network"
image_install "$root" "$apply_deb" >"$tmp/install.out" 2>&1 || { cat "$tmp/install.out"; fail "install"; }
grep -E '^(Setting up|The following NEW)' "$tmp/install.out"
in_image "$root" odj-apply --version || fail "odj-apply does not run in the image"
in_image "$root" odj-inspect --version || fail "odj-inspect does not run in the image"
[ "$(stat -c '%a %U' "$root/var/lib/odj")" = "700 root" ] || fail "/var/lib/odj is not 0700 root"
unit=$root/lib/systemd/system/odj-apply.service
[ -f "$unit" ] || fail "the package did not install odj-apply.service"
state=$(systemctl --root="$root" is-enabled odj-apply.service 2>&1)
[ "$state" = disabled ] || fail "the package left the unit '$state', not disabled"
echo "odj-apply.service after the install: $state"

step "systemctl --root enable odj-apply.service"
systemctl --root="$root" enable odj-apply.service 2>&1 || fail "enable"
state=$(systemctl --root="$root" is-enabled odj-apply.service 2>&1)
[ "$state" = enabled ] || fail "is-enabled says '$state'"

n=GI$(printf '%04X' $(((RANDOM << 3 ^ $$) & 0xFFFF)))
step "odj-prepare $n (from the odj-prepare package) against $TESTDC_DC"
mkdir "$tmp/pkg"
dpkg-deb -x "$prepare_deb" "$tmp/pkg" && dpkg-deb -x "$apply_deb" "$tmp/pkg" || fail "dpkg-deb -x"
libdir=$(dirname "$(find "$tmp/pkg/usr/lib" -name 'libodj.so.*' | head -1)")
printf '%s\n' "$TESTDC_ADMINPASS" |
	KRB5CCNAME="FILE:$tmp/admin.cc" LD_LIBRARY_PATH=$libdir "$tmp/pkg/usr/bin/odj-prepare" \
		--domain "$TESTDC_DOMAIN" --user administrator --password-stdin --savefile "$tmp/$n.odj" "$n" \
		>"$tmp/prepare.out" 2>&1 || { cat "$tmp/prepare.out"; fail "odj-prepare"; }
grep -E '^(created|kvno)' "$tmp/prepare.out"
cond=$(sed -n 's/^ConditionPathExists=//p' "$unit")
install -m 0600 "$tmp/$n.odj" "$root$cond"

step "the unit's command lines inside the image, no network (unshare -n -u, chroot)"
umask_=$(sed -n 's/^UMask=//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
post=$(sed -n 's/^ExecStartPost=//p' "$unit")
[ -e "$root$cond" ] || fail "ConditionPathExists=$cond does not hold"
echo "umask ${umask_:-0022}; $start; $post"
unshare -n -u chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	sh -c "umask ${umask_:-0022} && $start && $post && echo \"running host name: \$(hostname)\"" \
	>"$tmp/apply.out" 2>&1 || { cat "$tmp/apply.out"; fail "the unit's command failed"; }
tail -4 "$tmp/apply.out"
[ -e "$root$cond" ] && fail "the blob is still there after the join (--consume)"
[ -s "$root/var/lib/odj/join.json" ] || fail "no join record"
[ "$(stat -c %a "$root/etc/krb5.keytab")" = 600 ] || fail "the keytab is not 0600"
lc=$(tr 'A-Z' 'a-z' <<<"$n")
grep -qx "$lc" "$root/etc/hostname" || fail "/etc/hostname is not $lc"

step "the image's own sssd resolves administrator@$TESTDC_DOMAIN; kinit with the image's keytab"
# Only what the test DC's network needs is bound in: its resolver (the image
# finds the DC by DNS) and private runtime directories, so that the image
# keeps nothing of this run.
printf 'nameserver %s\n' "$TESTDC_IP" >"$tmp/resolv.conf"
unshare -m -p -f --propagation private bash -c '
	root=$1 tmp=$2 user=$3 principal=$4
	mount --bind "$tmp/resolv.conf" "$root/etc/resolv.conf" && mount -t proc proc "$root/proc" &&
		mount -t tmpfs tmpfs "$root/run" || exit 9
	for d in /var/lib/sss /var/log/sssd; do
		mkdir -p "$tmp/rt$d" && cp -a "$root$d/." "$tmp/rt$d/" && mount --bind "$tmp/rt$d" "$root$d" || exit 9
	done
	run() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
	run sssd -i --logger=files &
	for i in $(seq 100); do [ -S "$root/var/lib/sss/pipes/nss" ] && break; sleep 0.1; done
	ok=1
	for i in $(seq 60); do
		if run getent passwd "$user" >/dev/null; then ok=0; break; fi
		sleep 0.5
	done
	if [ $ok -eq 0 ]; then
		run getent passwd "$user" && run id "$user"
	else
		echo "sssd did not resolve $user; its logs:"
		tail -n 25 "$root"/var/log/sssd/*.log
	fi
	run kinit -k -t /etc/krb5.keytab -c FILE:/tmp/machine.cc "$principal" &&
		run klist FILE:/tmp/machine.cc | grep -E "Default principal|krbtgt/" || ok=1
	exit $ok
	' sssd-in-image "$root" "$tmp" "administrator@$TESTDC_DOMAIN" "$n\$@$TESTDC_REALM" ||
	fail "the joined image did not resolve the user or get a TGT"

step "apt-get purge --autoremove odj-apply (and the dependencies it pulled in)"
in_image "$root" apt-get purge -y -q --autoremove odj-apply >"$tmp/purge.out" 2>&1 || { cat "$tmp/purge.out"; fail "purge"; }
grep -E '^(Removing|Purging)' "$tmp/purge.out"
image_files "$root" >"$tmp/after.files"
# What may differ from the image before the install: the join state, as
# debian/odj-apply.README.Debian lists it (the indented paths after "It leaves
# the join state"; a path ending in / with what is below it), and /var/lib/odj.
documented=$(sed -n '/It leaves the join state/,/^and so/p' "$src/debian/odj-apply.README.Debian" |
	grep '^  ' | grep -o '/[A-Za-z0-9/._-]*' | sed 's|^/||')
[ -n "$documented" ] || fail "debian/odj-apply.README.Debian lists no join state"
join_state="^(var/lib/odj$(for p in $documented; do
	case $p in */) printf '|%s(/.*)?' "$(sed 's/[.]/\\./g; s|/$||' <<<"$p")" ;;
	*) printf '|%s' "$(sed 's/[.]/\\./g' <<<"$p")" ;; esac
done))\$"
diff "$tmp/before.files" "$tmp/after.files" | grep '^[<>]' >"$tmp/changed" || true
cut -c3- "$tmp/changed" | cut -f1 | sort -u >"$tmp/changed.paths"
echo "after the purge, changed or new in the image:"
sed 's/^/  /' "$tmp/changed.paths"
grep -Ev "$join_state" "$tmp/changed.paths" >"$tmp/unexpected" &&
	fail "the purge left more than the join state: $(tr '\n' ' ' <"$tmp/unexpected")"
for f in etc/krb5.keytab etc/sssd/sssd.conf var/lib/odj/join.json; do
	[ -s "$root/$f" ] || fail "the join state lost $f"
done
[ -L "$root/etc/systemd/system/sysinit.target.wants/odj-apply.service" ] &&
	fail "the unit is still enabled after the purge"
step "passed"
