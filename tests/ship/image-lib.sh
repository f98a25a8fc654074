# Sourced by the packaging tests.  Work on an overlay of the cached golden
# image (tests/ship/image), never on the image itself.  The caller runs in a
# private mount namespace of its own (image_enter), so every mount here ends
# with it.

# image_enter SCRIPT ARGS...: sets image to the cached image's directory, or
# exits 77 (skipped) when there is none; re-runs SCRIPT in a private mount
# namespace unless it already runs in one.
image_enter() {
	if ! image=$("$(dirname "${BASH_SOURCE[0]}")/image" path); then
		echo "SKIP: no golden image cached (tests/ship/image prepare dist/odj-apply_*.deb; it downloads once)"
		exit 77
	fi
	if [ -z "${ODJ_IMAGE_NS:-}" ]; then
		ODJ_IMAGE_NS=1 exec unshare -m --propagation private "$@"
	fi
	# Shared with other tests; `image prepare` (exclusive) waits while the
	# image is a lower layer here.
	exec 8<"$(dirname "$image")/.lock" && flock -s 8
}

# image_overlay IMAGE_DIR WORK: mounts an overlay of IMAGE_DIR/root at WORK/root
# (changes in WORK/upper), with the host's /dev, and prints WORK/root.
image_overlay() {
	local image=$1 work=$2
	mkdir -p "$work/upper" "$work/ovl" "$work/root"
	mount -t overlay overlay -o "lowerdir=$image/root,upperdir=$work/upper,workdir=$work/ovl" \
		"$work/root" || return 1
	mount --rbind /dev "$work/root/dev" || return 1
	mount -t tmpfs -o mode=1777 tmpfs "$work/root/tmp" || return 1
}

# in_image ROOT CMD...: CMD chrooted into ROOT with a clean environment and no
# network.
in_image() {
	local root=$1
	shift
	unshare -n chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# image_install ROOT DEB: installs DEB with the image's own apt, with no network
# (`tests/ship/image prepare DEB` put its dependencies in the image's apt cache).
image_install() {
	local root=$1 deb=$2 name
	name=$(basename "$deb")
	cp "$deb" "$root/tmp/$name"
	in_image "$root" apt-get install -y -q "/tmp/$name"
	local rc=$?
	rm -f "$root/tmp/$name"
	return $rc
}

# image_files ROOT: every path of ROOT with its type, mode, owner and (but for
# directories) size, mtime and link target, without the package manager's own bookkeeping and the
# runtime mounts (hashing every file of the image takes minutes).
image_files() {
	(cd "$1" && find . \( -path ./dev -o -path ./proc -o -path ./sys -o -path ./run -o -path ./tmp \
		-o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache/apt \
		-o -path ./var/cache/debconf -o -path ./var/cache/ldconfig -o -path ./var/log \
		-o -path ./etc/ld.so.cache \) -prune -o -printf '%P\t%y %m %u:%g\t%s %T@ %l\n' |
		awk -F '\t' -v OFS='\t' '$2 ~ /^d/ { $3 = "" } { print }' | sort)
}

# The newest package NAME in DIR.
newest_deb() {
	ls "$2"/"$1"_*.deb 2>/dev/null | sort -V | tail -1
}

# need_deb VAR NAME DIR: VAR gets the newest package NAME in DIR; without one
# the test is skipped (exit 77).
need_deb() {
	printf -v "$1" '%s' "$(newest_deb "$2" "$3")"
	[ -n "${!1}" ] || { echo "SKIP: no $2 package in $3 (scripts/package makes it)"; exit 77; }
}
