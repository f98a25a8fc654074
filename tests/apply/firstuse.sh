#!/bin/bash
# What a first-time user trips over: a failed apply leaves the root as it was,
# a rejoin keeps every file it replaces, an unknown essential part is refused,
# and each error names the file and the true cause.  No network (unshare -n).
# Usage: firstuse.sh CASE ODJ-APPLY VECTORS-DIR [ODJ-PREPARE]
set -uo pipefail
case_=$1 apply=$2 vec=$3 prepare=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
R=$work/root
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }
run() { unshare -n "$apply" "$@"; }
# a fresh image root: /etc with hosts and hostname, /tmp
new_root() {
	rm -rf "$R" && mkdir -p "$R/tmp" "$R/etc" &&
		printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n' >"$R/etc/hosts" &&
		echo debian >"$R/etc/hostname"
}
# every path below $1 (directories included) with type, mode, owner, size, link; every file's checksum
snap() { (cd "$1" && find . -printf '%p %y %m %u:%g %s %l\n' | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum); }
WIN=$vec/windows-djoin-tranquilit-TESTSF88.odj
SAMBA=$vec/samba-4.17-net-offlinejoin-ODJCLI01.odj
EXTRA=$vec/synthetic-extra-parts.odj

case $case_ in
symlink-etc)
	# ROOT/etc leads out of the root: refused, and not even /var/lib/odj is left behind
	new_root
	mkdir "$work/outside"; echo mine >"$work/outside/hosts"
	rm -rf "$R/etc"; ln -s "$work/outside" "$R/etc"
	a=$(snap "$R") o=$(snap "$work/outside")
	out=$(run --blob "$SAMBA" --root "$R" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 6 ] || fail "exit $rc, expected 6"
	[ "$(snap "$R")" = "$a" ] || fail "the root changed: $(diff <(echo "$a") <(snap "$R"))"
	[ "$(snap "$work/outside")" = "$o" ] || fail "the link's target changed"
	grep -q "$R/etc is a symbolic link to $work/outside" <<<"$out" || fail "the link is not named"
	# the same with ROOT/var, where the journal's own directory would go
	new_root
	rm -rf "$work/outside"; mkdir "$work/outside"
	ln -s "$work/outside" "$R/var"
	a=$(snap "$R")
	out=$(run --blob "$SAMBA" --root "$R" 2>&1); rc=$?
	[ $rc -eq 6 ] || fail "ROOT/var: exit $rc: $out"
	[ "$(snap "$R")" = "$a" ] || fail "ROOT/var: the root changed: $(diff <(echo "$a") <(snap "$R"))"
	[ -z "$(ls -A "$work/outside")" ] || fail "ROOT/var: something was written out of the root"
	grep -q "$R/var is a symbolic link to $work/outside" <<<"$out" || fail "ROOT/var: the link is not named: $out"
	echo "ok: ROOT/etc or ROOT/var a link out of the root: exit 6, the root byte- and directory-identical" ;;
full-fs)
	# A small tmpfs, filled to leave 0, 4, 8 ... KiB: every run either succeeds or leaves
	# the root as it was (the journal's own directory /var/lib/odj included).
	[ "$(id -u)" -eq 0 ] || fail "needs root (a tmpfs in a private mount namespace)"
	cp "$SAMBA" "$work/blob.odj"
	failed=0 ok=0
	for free_kib in 0 4 8 12 16 20 24 28 32 40; do
		out=$(unshare -m -n bash -c '
			set -u
			R=$1 free=$2 apply=$3 blob=$4
			mkdir -p "$R"
			mount -t tmpfs -o size=128k,mode=0755 tmpfs "$R" || exit 90
			mkdir -p "$R/etc" "$R/tmp"
			printf "127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n" >"$R/etc/hosts"
			echo debian >"$R/etc/hostname"
			total=$(df -k --output=avail "$R" | tail -1)
			dd if=/dev/zero of="$R/fill" bs=1k count=$((total - free)) 2>/dev/null
			snap() { (cd "$R" && find . -printf "%p %y %m %u:%g %s\n" | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum); }
			before=$(snap)
			"$apply" --blob "$blob" --root "$R" 2>&1; rc=$?
			echo "rc=$rc"
			if [ $rc -ne 0 ]; then
				[ "$(snap)" = "$before" ] && echo "TREE SAME" || { echo "TREE CHANGED"; diff <(echo "$before") <(snap); }
			fi' bash "$R" "$free_kib" "$apply" "$work/blob.odj")
		rc=$(sed -n 's/^rc=//p' <<<"$out")
		case $rc in
		0) ok=$((ok + 1)) ;;
		6)
			failed=$((failed + 1))
			grep -q 'ERROR_DISK_FULL' <<<"$out" || fail "free $free_kib KiB: not DISK_FULL: $out"
			grep -q '^TREE SAME' <<<"$out" || fail "free $free_kib KiB: the failed apply left something: $out"
			echo "free $free_kib KiB: $(grep -m1 '^cannot' <<<"$out")" ;;
		*) fail "free $free_kib KiB: exit ${rc:-?}: $out" ;;
		esac
	done
	[ $failed -ge 2 ] || fail "only $failed runs hit the full disk"
	echo "ok: $failed applies on a full file system failed with DISK_FULL and left the root as it was; $ok succeeded" ;;
rejoin-backup)
	new_root
	mkdir -p "$R/etc/sssd"
	printf '[sssd]\ndomains = files\nservices = nss\n\n[domain/files]\nid_provider = files\n' >"$R/etc/sssd/sssd.conf"
	chmod 600 "$R/etc/sssd/sssd.conf"
	run --blob "$WIN" --root "$R" >/dev/null 2>&1 || fail "first join"
	mkdir "$work/before"
	for f in etc/krb5.conf etc/sssd/sssd.conf etc/hostname etc/hosts etc/krb5.keytab var/lib/odj/join.json; do
		cp "$R/$f" "$work/before/$(basename "$f")"
	done
	grep -qx '\[domain/ad.tranquil.it\]' "$R/etc/sssd/sssd.conf" || fail "the first join wrote no section"
	out=$(run --blob "$SAMBA" --root "$R" --rejoin 2>&1) || fail "rejoin: $out"
	b=$(ls -d "$R"/var/lib/odj/backup/*/) || fail "no backup directory"
	for f in krb5.conf sssd.conf hostname hosts krb5.keytab join.json; do
		cmp -s "$work/before/$f" "$b/$f" || fail "backup of $f missing or not the old file"
		[ "$(stat -c %a "$b/$f")" = 600 ] || fail "backup $f mode"
		grep -q "^note: backup: the old .* goes to /var/lib/odj/backup/.*/$f\$" <<<"$out" || fail "backup of $f not said"
	done
	s=$R/etc/sssd/sssd.conf
	! grep -q 'domain/ad.tranquil.it' "$s" || fail "the old domain's section stayed: $(cat "$s")"
	! grep -q 'ad.tranquil.it' "$s" || fail "the old domain is still named: $(cat "$s")"
	grep -qx 'domains = files, odj.test' "$s" || fail "domains: $(cat "$s")"
	grep -qx '\[domain/files\]' "$s" && grep -qx 'id_provider = files' "$s" || fail "another domain's section lost"
	grep -q 'rejoin: the section \[domain/ad.tranquil.it\] of /etc/sssd/sssd.conf is removed' <<<"$out" ||
		fail "the removal is not said"
	echo "ok: the rejoin kept krb5.conf, sssd.conf, hostname, hosts, keytab, join.json byte-identical below $b; the old section is gone" ;;
essential)
	new_root
	a=$(snap "$R")
	out=$(run --blob "$EXTRA" --root "$R" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 2 ] || fail "exit $rc, expected 2"
	grep -q 'deadbeef-0000-0000-0000-000000000001' <<<"$out" || fail "the part's GUID is not named"
	grep -q -- '--ignore-unknown-essential' <<<"$out" || fail "no way out offered"
	[ "$(snap "$R")" = "$a" ] || fail "the refused apply changed the root"
	out=$(run --blob "$EXTRA" --root "$R" --ignore-unknown-essential 2>&1) || fail "with the option: $out"
	grep -q '^warning: part 4 {deadbeef-0000-0000-0000-000000000001} is marked essential' <<<"$out" ||
		fail "no warning with the option: $out"
	[ -s "$R/etc/krb5.keytab" ] || fail "not applied with the option"
	echo "ok: an unknown essential part refused (exit 2, its GUID named); applied with a warning when told" ;;
messages)
	# each error names the file and the true cause
	new_root
	echo x >"$work/elsewhere.conf"; ln -s "$work/elsewhere.conf" "$R/etc/krb5.conf"
	out=$(run --blob "$SAMBA" --root "$R" 2>&1); rc=$?
	[ $rc -eq 6 ] || fail "symlinked krb5.conf: exit $rc"
	grep -q 'deriving the machine keys' <<<"$out" && fail "symlinked krb5.conf blamed on the keys: $out"
	grep -q "/etc/krb5.conf in $R is a symbolic link to $work/elsewhere.conf" <<<"$out" || fail "symlink: $out"
	grep -q '^while: reading the configuration files' <<<"$out" || fail "symlink doing: $out"
	out=$(run --blob "$SAMBA" --root "$work/no-such-root" 2>&1); rc=$?
	[ $rc -eq 6 ] || fail "missing root: exit $rc"
	grep -q "checking the provisioning blob" <<<"$out" && fail "missing root blamed on the blob: $out"
	grep -q "^while: opening the target root $work/no-such-root" <<<"$out" || fail "missing root: $out"
	out=$(run --blob "$SAMBA" --root "$R" --keytab /../../tmp/evil.keytab 2>&1); rc=$?
	[ $rc -eq 2 ] || fail "keytab ..: exit $rc"
	grep -q 'must be an absolute path' <<<"$out" && fail "an absolute path called not absolute: $out"
	grep -q "'/../../tmp/evil.keytab' is not usable: it has a '..' component" <<<"$out" || fail "keytab ..: $out"
	: >"$work/empty.odj"
	out=$(run --blob "$work/empty.odj" --root "$R" 2>&1); [ $? -eq 2 ] || fail "empty file accepted"
	grep -q "The provisioning blob file $work/empty.odj is empty" <<<"$out" || fail "empty file: $out"
	out=$(run --blob - --root "$R" </dev/null 2>&1); [ $? -eq 2 ] || fail "empty stdin accepted"
	grep -q "The provisioning blob on standard input is empty" <<<"$out" || fail "empty stdin: $out"
	out=$(printf 'not a blob' | run --blob - --root "$R" 2>&1); [ $? -eq 2 ] || fail "garbage stdin"
	grep -q "^standard input: The provisioning blob is damaged" <<<"$out" || fail "garbage stdin: $out"
	out=$(run --blob "$vec/tampered/bad-base64-char.odj" --root "$R" 2>&1); [ $? -eq 2 ] || fail "bad base64"
	grep -q "The provisioning blob file $vec/tampered/bad-base64-char.odj is not valid base64" <<<"$out" ||
		fail "bad base64: $out"
	echo "ok: symlinked krb5.conf, missing root, '..' keytab, empty file and stdin, bad text: each names the file and cause" ;;
no-network)
	# odj-prepare --check with no network at all: the name server could not be reached
	[ -n "$prepare" ] || fail "needs odj-prepare"
	out=$(echo pw | unshare -n "$prepare" --check --domain odj.test --user administrator --password-stdin 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 5 ] || fail "exit $rc, expected 5"
	grep -q 'timeout or SERVFAIL' <<<"$out" && fail "a refused query called a timeout"
	grep -q 'no name server could be reached' <<<"$out" || fail "not said that no name server was reached"
	grep -q -- '--dc' <<<"$out" || fail "no advice to give --dc"
	echo "ok: with no network, --check says that no name server could be reached" ;;
*) fail "unknown case $case_" ;;
esac
