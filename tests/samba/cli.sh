#!/bin/bash
# odj-apply's Samba part over temporary roots, without a network.
# Usage: cli.sh CASE ODJ-APPLY VECTORS-DIR
set -uo pipefail
case_=$1 apply=$2 vec=$3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
R=$work/root
BLOB=$vec/odj-part-ODJCLI02.odj
OTHER=$vec/samba-4.17-net-offlinejoin-ODJCLI01.odj
SECRETS=$R/var/lib/samba/private/secrets.tdb
fail() { echo "FAIL: $*"; exit 1; }
run() { unshare -n "$apply" "$@"; }
new_root() {
	rm -rf "$R"; mkdir -p "$R/etc"
	printf '127.0.0.1\tlocalhost\n' >"$R/etc/hosts"
}
with_smbd() { mkdir -p "$R/usr/sbin" && ln -s /usr/sbin/smbd "$R/usr/sbin/${1:-smbd}"; }
snap() { (cd "$R" && find . -printf '%p %m %u:%g %s\n' | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum); }
keys() { tdbdump "$1" | sed -n 's/^key([0-9]*) = "\(.*\)"$/\1/p' | sort | tr '\n' ' '; }

case $case_ in
when)
	# Without Samba in the root nothing Samba is written; smbd or winbindd, or --samba, is enough.
	new_root
	out=$(run --blob "$BLOB" --root "$R" 2>&1) || fail "$out"
	[ ! -e "$R/etc/samba" ] && [ ! -e "$R/var/lib/samba" ] || fail "Samba files without Samba"
	! grep -q samba "$R/var/lib/odj/join.json" || fail "the record names Samba files"
	for d in smbd winbindd; do
		new_root; with_smbd $d
		out=$(run --blob "$BLOB" --root "$R" 2>&1) || fail "$out"
		grep -q "^note: samba: /usr/sbin/$d is installed in the root" <<<"$out" || fail "$d: not said"
		[ -s "$SECRETS" ] && [ -s "$R/etc/samba/smb.conf" ] || fail "$d: no Samba files"
	done
	new_root; with_smbd
	out=$(run --blob "$BLOB" --root "$R" --no-samba 2>&1) || fail "$out"
	[ ! -e "$R/etc/samba" ] && [ ! -e "$R/var/lib/samba" ] || fail "--no-samba wrote Samba files"
	new_root
	out=$(run --blob "$BLOB" --root "$R" --samba 2>&1) || fail "$out"
	[ -s "$SECRETS" ] || fail "--samba wrote no secrets.tdb"
	[ "$(stat -c %a "$SECRETS")" = 600 ] && [ "$(stat -c %a "$R/var/lib/samba/private")" = 700 ] ||
		fail "modes: $(stat -c '%a %n' "$SECRETS" "$R/var/lib/samba/private")"
	echo "ok: Samba only with smbd/winbindd in the root or --samba; --no-samba leaves it alone" ;;
merge)
	# Shares and other settings stay, names are matched as Samba does, contradictions are said.
	new_root; with_smbd; mkdir -p "$R/etc/samba"
	cat >"$R/etc/samba/smb.conf" <<-'EOF'
	# the admin's comment
	[Global]
	   NetBIOS Name = OLDNAME
	   realm = OTHER.EXAMPLE
	   SECURITY = user
	   idmap config * : range = 1000-9999
	   server string = files
	[homes]
	   browseable = no
	EOF
	out=$(run --blob "$BLOB" --root "$R" --dry-run 2>&1) || fail "$out"
	for w in "netbios name = OLDNAME -> ODJCLI02" "realm = OTHER.EXAMPLE -> ODJ.TEST" \
		"security = user -> ads" "idmap config \* : range = 1000-9999 -> 100000-199999"; do
		grep -q "^note: smb.conf \[global\]: $w (contradicted the join: replaced)" <<<"$out" || fail "not said: $w"
	done
	grep -q '^-   NetBIOS Name = OLDNAME' <<<"$out" && grep -q '^+   netbios name = ODJCLI02' <<<"$out" ||
		fail "no smb.conf diff in the dry run"
	grep -q '^  set SECRETS/MACHINE_PASSWORD/ODJ' <<<"$out" || fail "no secrets summary"
	! grep -q 'test vector' <<<"$out" || fail "the dry run shows the password"
	out=$(run --blob "$BLOB" --root "$R" 2>&1) || fail "$out"
	c=$R/etc/samba/smb.conf
	cat "$c"
	[ "$(grep -ci '^\[global\]' "$c")" = 1 ] || fail "[global] twice"
	for l in '# the admin'"'"'s comment' 'server string = files' '[homes]' 'browseable = no' \
		'netbios name = ODJCLI02' 'security = ads' 'realm = ODJ.TEST' 'workgroup = ODJ' \
		'kerberos method = secrets and keytab' 'idmap config ODJ : backend = rid' \
		'idmap config ODJ : range = 266800000-266999999'; do
		grep -qF -- "$l" "$c" || fail "missing: $l"
	done
	! grep -qi 'OLDNAME\|OTHER.EXAMPLE\|security = user' "$c" || fail "a contradiction survived"
	printf '[global]\n\tconfig backend = registry\n' >"$c"
	out=$(run --blob "$BLOB" --root "$R" --rejoin 2>&1) || fail "$out"
	grep -q '^warning: samba: smb.conf says config backend = registry' <<<"$out" || fail "registry not said"
	echo "ok: merged, kept, and every replaced setting said" ;;
idmap)
	# sssd's own range settings move the slice with it; a range below local ids is refused.
	new_root; with_smbd; mkdir -p "$R/etc/sssd"
	printf '[domain/odj.test]\nldap_idmap_range_min = 1000000\nldap_idmap_range_max = 3000000\nldap_idmap_range_size = 100000\n' >"$R/etc/sssd/sssd.conf"
	chmod 600 "$R/etc/sssd/sssd.conf"
	out=$(run --blob "$BLOB" --root "$R" 2>&1) || fail "$out"
	# The SID's hash is 1333 modulo sssd's default 10000 slices (266800000 above),
	# so 13 modulo 20: 1000000 + 13 * 100000.
	grep -q 'idmap config ODJ : range = 2300000-2399999' "$R/etc/samba/smb.conf" ||
		fail "range: $(grep 'idmap config ODJ : range' "$R/etc/samba/smb.conf")"
	grep 'idmap config ODJ : range' "$R/etc/samba/smb.conf"
	new_root; with_smbd; mkdir -p "$R/etc/sssd"
	printf '[domain/odj.test]\nldap_idmap_range_min = 100\nldap_idmap_range_max = 1100\nldap_idmap_range_size = 1000\n' >"$R/etc/sssd/sssd.conf"
	out=$(run --blob "$BLOB" --root "$R" 2>&1) && fail "a range over local ids was taken"
	grep -q 'above the local ids' <<<"$out" || fail "$out"
	[ ! -e "$R/etc/samba/smb.conf" ] || fail "written after the refusal"
	echo "ok: the domain's range follows sssd's settings and stays above local ids" ;;
idempotent)
	new_root; with_smbd
	run --blob "$BLOB" --root "$R" >/dev/null 2>&1 || fail "first apply"
	sleep 1.1 # a later clock: the join time must still not change
	before=$(snap)
	out=$(run --blob "$BLOB" --root "$R" 2>&1) || fail "$out"
	grep -q 'nothing to change' <<<"$out" || fail "not already applied: $out"
	[ "$(snap)" = "$before" ] || fail "the second apply changed the root"
	echo "ok: applying the same join with Samba again changes nothing" ;;
rejoin)
	# Another machine's secrets.tdb: Samba's own record of it goes, other records stay.
	new_root; with_smbd
	run --blob "$OTHER" --root "$R" >/dev/null 2>&1 || fail "first join"
	tdbtool "$SECRETS" store SECRETS/MACHINE_DOMAIN_INFO/ODJ stale >/dev/null
	tdbtool "$SECRETS" store SECRETS/PROTECT/IDS/ODJ TRUE >/dev/null
	tdbtool "$SECRETS" store SECRETS/SID/OTHERHOST keep >/dev/null
	cp "$SECRETS" "$work/old.tdb"
	mkdir -p "$R/var/cache/samba"; echo x >"$R/var/cache/samba/winbindd_cache.tdb"
	out=$(run --blob "$BLOB" --root "$R" --rejoin 2>&1) || fail "$out"
	k=$(keys "$SECRETS")
	echo "keys: $k"
	for gone in SECRETS/MACHINE_DOMAIN_INFO/ODJ SECRETS/PROTECT/IDS/ODJ; do
		! grep -qw "$gone" <<<"$k" || fail "$gone survived"
		grep -q "^  delete $gone" <<<"$out" || fail "delete $gone not said"
	done
	grep -qw SECRETS/SID/OTHERHOST <<<"$k" || fail "an unrelated record was lost"
	[ "$(tdbdump -k SECRETS/MACHINE_PASSWORD/ODJ "$SECRETS" | head -c 20)" = 'odj-part test vector' ] ||
		fail "the old password stayed"
	# The file is built anew: no freed record keeps the old password's bytes.
	/usr/bin/python3 - "$work/old.tdb" "$SECRETS" <<-'EOF' || fail "the old password is still in the file"
	import os, sys, tdb
	old = tdb.Tdb(sys.argv[1], flags=os.O_RDONLY).get(b"SECRETS/MACHINE_PASSWORD/ODJ")
	assert old and old[:32] not in open(sys.argv[2], "rb").read()
	EOF
	[ ! -e "$R/var/cache/samba/winbindd_cache.tdb" ] || fail "the old identity's winbind cache survived"
	cmp "$work/old.tdb" "$R"/var/lib/odj/backup/*/secrets.tdb || fail "the old secrets.tdb is not backed up"
	[ "$(stat -c %a "$R"/var/lib/odj/backup/*/secrets.tdb)" = 600 ] || fail "the backup is not 0600"
	ls "$R"/var/lib/odj/backup/*/smb.conf >/dev/null || fail "the old smb.conf is not backed up"
	# A member of another NetBIOS domain before: that domain's machine secret goes too.
	new_root; with_smbd
	run --blob "$OTHER" --root "$R" >/dev/null 2>&1 || fail "first join"
	sed -i 's/workgroup = ODJ/workgroup = OLDDOM/' "$R/etc/samba/smb.conf"
	for k in MACHINE_PASSWORD MACHINE_LAST_CHANGE_TIME SID; do
		tdbtool "$SECRETS" store "SECRETS/$k/OLDDOM" old >/dev/null
	done
	out=$(run --blob "$BLOB" --root "$R" --rejoin 2>&1) || fail "$out"
	! grep -q OLDDOM <<<"$(keys "$SECRETS")" || fail "the old domain's keys survived: $(keys "$SECRETS")"
	grep -q '^  delete SECRETS/MACHINE_PASSWORD/OLDDOM' <<<"$out" || fail "the old domain's password deletion not said"
	grep -q '^note: smb.conf \[global\]: workgroup = OLDDOM -> ODJ' <<<"$out" || fail "workgroup change not said"
	echo "ok: the rejoin replaced the secret, dropped Samba's stale record and the old domain's keys, kept the rest" ;;
hostile)
	# A damaged secrets.tdb or a binary smb.conf: a clear error, nothing changed.
	new_root; with_smbd; mkdir -p "$R/var/lib/samba/private" "$R/etc/samba"
	head -c 4096 /dev/urandom >"$SECRETS"
	before=$(snap)
	out=$(run --blob "$BLOB" --root "$R" 2>&1) && fail "a damaged secrets.tdb was taken"
	grep -q 'secrets.tdb in the root is not a TDB file' <<<"$out" || fail "$out"
	[ "$(snap)" = "$before" ] || fail "the root changed"
	rm -f "$SECRETS"; printf '[global]\n\0\n' >"$R/etc/samba/smb.conf"
	before=$(snap)
	out=$(run --blob "$BLOB" --root "$R" 2>&1) && fail "a binary smb.conf was taken"
	grep -q 'smb.conf is not a text configuration file' <<<"$out" || fail "$out"
	[ "$(snap)" = "$before" ] || fail "the root changed"
	printf '[global]\nprivate dir = /var/lib/../../etc\n' >"$R/etc/samba/smb.conf"
	out=$(run --blob "$BLOB" --root "$R" 2>&1) && fail "a private dir with .. was taken"
	grep -q "private dir" <<<"$out" || fail "$out"
	echo "ok: damaged Samba state is refused and left alone" ;;
rotated)
	# Samba or adcli changed the password after the join: re-applying the old
	# blob keeps secrets.tdb (the blob's password is out of date) and says so.
	new_root; with_smbd
	run --blob "$BLOB" --root "$R" >/dev/null 2>&1 || fail "first apply"
	/usr/bin/python3 - "$SECRETS" <<-'EOF' || fail "rotating by hand"
	import os, struct, sys, time, tdb
	t = tdb.Tdb(sys.argv[1], flags=os.O_RDWR)
	t.store(b"SECRETS/MACHINE_PASSWORD/ODJ", b"a newer password\0", tdb.REPLACE)
	t.store(b"SECRETS/MACHINE_LAST_CHANGE_TIME/ODJ", struct.pack("<I", int(time.time()) + 3600), tdb.REPLACE)
	EOF
	cp "$SECRETS" "$work/rotated.tdb"
	out=$(run --blob "$BLOB" --root "$R" 2>&1) || fail "$out"
	grep -q '^warning: samba: secrets.tdb holds a machine password changed after this join' <<<"$out" ||
		fail "not said: $out"
	cmp "$work/rotated.tdb" "$SECRETS" || fail "the rotated secret was replaced by the blob's"
	echo "ok: a password rotated after the join is kept, and the stale blob said" ;;
live)
	# On the running system (no --root), in a private namespace: a copy of /etc,
	# empty /var/lib, /var/cache and /run/samba.  A winbindd that runs keeps the
	# old secrets.tdb open: odj-apply says to restart it.
	cp -a /etc "$work/etc" || fail "copy /etc"
	sleep 60 &
	fake=$!
	out=$(unshare -m -n sh -ec '
		mount --make-rprivate /
		mount --bind "$1/etc" /etc
		mount -t tmpfs -o mode=0755 tmpfs /var/lib
		mount -t tmpfs -o mode=0755 tmpfs /var/cache
		mkdir -p /run/samba && mount -t tmpfs -o mode=0755 tmpfs /run/samba
		echo "$4" >/run/samba/winbindd.pid
		"$2" --blob "$3" 2>&1 || echo "odj-apply failed: $?"
		ls -l /var/lib/samba/private/secrets.tdb
		grep "netbios name" /etc/samba/smb.conf' sh "$work" "$apply" "$BLOB" "$fake")
	kill $fake
	echo "$out" | grep -E 'samba|secrets|netbios|failed'
	! grep -q 'odj-apply failed' <<<"$out" || fail "odj-apply on the live root failed"
	grep -q "^warning: samba: winbindd runs (pid $fake) with the old secrets.tdb open" <<<"$out" ||
		fail "the running winbindd is not said"
	grep -q 'netbios name = ODJCLI02' <<<"$out" || fail "smb.conf not merged"
	echo "ok: on the running system the join says to restart the Samba daemons" ;;
*) fail "unknown case $case_" ;;
esac
