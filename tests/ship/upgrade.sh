#!/bin/bash
# upgrade.sh SOURCE_DIR DIST_DIR: a newer build of odj-apply installed over an
# older one keeps the join state and the unit's enabled (or disabled) state.
# The older build is DIST_DIR's (scripts/package); the newer one is the same
# package build tree (build-deb/) built again with one more changelog entry,
# as a new Debian revision is made.  On overlays of the cached golden image
# (tests/ship/image), with no network; the join state comes from the unit's
# own command on a test-vector blob, so no DC is needed.
# Exit 77 (skipped) without packages, their build tree or a prepared image.
set -uo pipefail
src=$1
dist=$2
. "$(dirname "$0")/image-lib.sh"

need_deb old_deb odj-apply "$dist"
build_tree=$(ls -d "$src"/build-deb/odj-*/ 2>/dev/null | head -1)
if [ -z "$build_tree" ] || [ ! -e "$build_tree/debian/debhelper-build-stamp" ]; then
	echo "SKIP: no package build tree in $src/build-deb (scripts/package makes it)"
	exit 77
fi
image_enter "$0" "$@" # (re-runs this script in a private mount namespace)

fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
tmp=$(mktemp -d)
changelog=$build_tree/debian/changelog
cp "$changelog" "$tmp/changelog.orig"
cleanup() {
	cp "$tmp/changelog.orig" "$changelog"
	rm -f "$(dirname "$build_tree")"/*_"${new_version:-none}"_*
	for w in "$tmp"/w*; do [ -d "$w/root" ] && umount -R "$w/root" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- the newer build: one more changelog entry, then only the packaging steps
# run again (dh skips the finished build; the binaries are the same).
old_version=$(dpkg-deb -f "$old_deb" Version)
new_version=${old_version%-*}-$((${old_version##*-} + 1))
step "building $new_version over the build tree of $old_version"
{
	printf 'odj (%s) unstable; urgency=medium\n\n  * Rebuild: a newer version to upgrade to.\n\n' "$new_version"
	printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l "$tmp/changelog.orig" -S Maintainer)" "$(date -R)"
	cat "$tmp/changelog.orig"
} >"$changelog"
(cd "$build_tree" && dpkg-buildpackage -us -uc -b -nc) >"$tmp/build.log" 2>&1 ||
	{ tail -30 "$tmp/build.log"; fail "dpkg-buildpackage of $new_version"; }
mkdir "$tmp/new"
mv "$(dirname "$build_tree")"/*_"$new_version"_* "$tmp/new/"
new_deb=$(newest_deb odj-apply "$tmp/new")
[ "$(dpkg-deb -f "$new_deb" Version)" = "$new_version" ] || fail "the new build is not $new_version"
echo "older: $(basename "$old_deb"), newer: $(basename "$new_deb")"

installed() { in_image "$1" dpkg-query -W -f '${Version}' odj-apply; }
enabled() { systemctl --root="$1" is-enabled odj-apply.service 2>&1; }
join_state() { # the join state's files: mode, owner and checksum
	(cd "$1" && for f in etc/krb5.keytab etc/krb5.conf etc/sssd/sssd.conf etc/hostname etc/hosts \
		var/lib/odj var/lib/odj/join.json; do
		if [ -f "$f" ]; then
			printf '%s %s %s\n' "$f" "$(stat -c '%a %U' "$f")" "$(sha256sum <"$f" | cut -c1-16)"
		else
			printf '%s %s\n' "$f" "$(stat -c '%a %U' "$f" 2>/dev/null || echo missing)"
		fi
	done)
}

# --- 1: installed, enabled, joined; then upgraded
step "1. $old_version installed, unit enabled, joined; upgrade to $new_version"
image_overlay "$image" "$tmp/w1" || fail "overlay"
root=$tmp/w1/root
image_install "$root" "$old_deb" >"$tmp/install1.out" 2>&1 || { cat "$tmp/install1.out"; fail "install $old_version"; }
systemctl --root="$root" enable odj-apply.service >/dev/null 2>&1 || fail "enable"
install -m 0600 "$src/tests/vectors/samba-4.17-net-offlinejoin-ODJCLI01.txt" "$root/var/lib/odj/provision.odj"
unit=$root/lib/systemd/system/odj-apply.service
in_image "$root" sh -c "umask 077 && $(sed -n 's/^ExecStart=//p' "$unit")" >"$tmp/apply.out" 2>&1 ||
	{ cat "$tmp/apply.out"; fail "the unit's command"; }
join_state "$root" >"$tmp/state.before"
[ "$(enabled "$root")" = enabled ] || fail "not enabled before the upgrade"
echo "before: odj-apply $(installed "$root"), odj-apply.service $(enabled "$root"), join state:"
sed 's/^/  /' "$tmp/state.before"
image_install "$root" "$new_deb" >"$tmp/upgrade1.out" 2>&1 || { cat "$tmp/upgrade1.out"; fail "upgrade"; }
grep -E '^(Preparing to unpack|Unpacking|Setting up) odj-apply' "$tmp/upgrade1.out"
join_state "$root" >"$tmp/state.after"
echo "after:  odj-apply $(installed "$root"), odj-apply.service $(enabled "$root")"
[ "$(installed "$root")" = "$new_version" ] || fail "$new_version is not installed"
[ "$(enabled "$root")" = enabled ] || fail "the upgrade left the unit '$(enabled "$root")'"
[ -L "$root/etc/systemd/system/sysinit.target.wants/odj-apply.service" ] || fail "the enabling link is gone"
diff "$tmp/state.before" "$tmp/state.after" || fail "the upgrade changed the join state"
echo "join state unchanged"
in_image "$root" odj-apply --version || fail "odj-apply does not run after the upgrade"

# --- 2: installed, not enabled; then upgraded
step "2. $old_version installed, unit not enabled; upgrade to $new_version"
image_overlay "$image" "$tmp/w2" || fail "overlay"
root=$tmp/w2/root
image_install "$root" "$old_deb" >"$tmp/install2.out" 2>&1 || { cat "$tmp/install2.out"; fail "install $old_version"; }
[ "$(enabled "$root")" = disabled ] || fail "the install left the unit '$(enabled "$root")'"
image_install "$root" "$new_deb" >"$tmp/upgrade2.out" 2>&1 || { cat "$tmp/upgrade2.out"; fail "upgrade"; }
echo "after:  odj-apply $(installed "$root"), odj-apply.service $(enabled "$root")"
[ "$(installed "$root")" = "$new_version" ] || fail "$new_version is not installed"
[ "$(enabled "$root")" = disabled ] || fail "the upgrade left the unit '$(enabled "$root")'"
[ "$(stat -c %a "$root/var/lib/odj")" = 700 ] || fail "/var/lib/odj is not 0700 after the upgrade"
step "passed"
