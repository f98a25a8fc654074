#!/bin/bash
# odj-apply over temporary roots, always without a network (unshare -n).
# Usage: apply.sh CASE ODJ-APPLY VECTORS-DIR
set -uo pipefail
case_=$1 apply=$2 vec=$3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
R=$work/root
fail() { echo "FAIL: $*"; exit 1; }
run() { unshare -n "$apply" "$@"; }
# a root like a freshly installed Debian image
new_root() {
	rm -rf "$R"; mkdir -p "$R/etc" "$R/tmp"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n\n::1 localhost ip6-localhost\n' >"$R/etc/hosts"
	echo debian >"$R/etc/hostname"
}
# every path with mode, owner, size, and every file's checksum
snap() { (cd "$R" && find . -printf '%p %m %u:%g %s\n' | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum); }
keys() { klist -kte "$1" | awk 'NR > 3 { print $1, $4, $5 }'; }
WIN=$vec/windows-djoin-tranquilit-TESTSF88.odj
DEFPWD=$vec/windows-2019-djoin-defpwd-samba-torture.odj
SAMBA=$vec/samba-4.17-net-offlinejoin-ODJCLI01.odj
SAMBA2=$vec/samba-net-offlinejoin-tranquilit-test-al1.odj

case $case_ in
vectors)
	# djoin and net offlinejoin blobs: no odj part, so AES at kvno 1 and 2
	for b in "$WIN" "$DEFPWD" "$SAMBA" "$SAMBA2"; do
		new_root
		out=$(run --blob "$b" --root "$R" 2>&1) || fail "$b: $out"
		m=$(awk '/^machine:/ { print $2 }' <<<"$out")
		fq=$(awk '/^machine:/ { print $3 }' <<<"$out" | tr -d '()')
		realm=$(awk '/^joined/ { print $6 }' <<<"$out" | tr -d ')')
		s=$(tr 'A-Z' 'a-z' <<<"$m")
		[ -n "$m" ] && [ -n "$realm" ] || fail "$b: no machine/realm in: $out"
		grep -q 'kvno 1 and 2' <<<"$out" || fail "$b: kvno fallback not said"
		grep -q 'AES256 and AES128 written' <<<"$out" || fail "$b: enctype fallback not said"
		grep -q "host name: debian -> $s (the blob's machine name)" <<<"$out" || fail "$b: host name not said"
		got=$(keys "$R/etc/krb5.keytab" | sort)
		want=$(for p in "$m\$" "host/$m" "host/$fq" "RestrictedKrbHost/$m" "RestrictedKrbHost/$fq"; do
			for k in 1 2; do for e in aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96; do
				echo "$k $p@$realm ($e)"; done; done; done | sort)
		[ "$got" = "$want" ] || fail "$b: keytab: $got"
		[ "$(stat -c '%a %u:%g' "$R/etc/krb5.keytab")" = "600 0:0" ] || fail "keytab mode"
		[ "$(stat -c '%a %u:%g' "$R/etc/sssd/sssd.conf")" = "600 0:0" ] || fail "sssd.conf mode"
		[ "$(stat -c '%a' "$R/etc/sssd")" = 711 ] || fail "/etc/sssd mode"
		[ "$(cat "$R/etc/hostname")" = "$s" ] || fail "hostname"
		grep -qx "127.0.1.1	$fq $s" "$R/etc/hosts" || fail "hosts: $(cat "$R/etc/hosts")"
		grep -q '^::1 localhost' "$R/etc/hosts" || fail "hosts lost a line"
		grep -qx "default_realm = $realm" <(sed 's/^ *//' "$R/etc/krb5.conf") || fail "krb5.conf"
		grep -qx "id_provider = ad" "$R/etc/sssd/sssd.conf" || fail "sssd.conf"
		grep -qx "ad_hostname = $fq" "$R/etc/sssd/sssd.conf" || fail "ad_hostname"
		# MIT parses the krb5.conf written (no includedir without its directory)
		KRB5_CONFIG=$R/etc/krb5.conf klist -k "$R/etc/krb5.keytab" >/dev/null || fail "krb5.conf rejected by MIT"
		python3 - "$R/var/lib/odj/join.json" "$m" <<-'PY' || fail "$b: join record"
		import json, sys
		d = json.load(open(sys.argv[1]))
		assert d["machine"] == sys.argv[2] and d["kvnos"] == [1, 2] and d["kvno_source"] == "fallback"
		assert d["domain_sid"].startswith("S-1-5-21-") and d["joined_at"].endswith("Z")
		assert not any("password" in k and k != "default_password" for k in d), d
		PY
		echo "ok: $(basename "$b"): $m$ at kvno 1+2 in $realm"
	done
	# the /defpwd blob: a warning to rotate at once
	new_root
	out=$(run --blob "$DEFPWD" --root "$R" 2>&1) || fail "defpwd: $out"
	grep -q '^warning: the blob uses the default machine password.*rotate it at once' <<<"$out" || fail "no defpwd warning: $out"
	new_root
	out=$(run --blob "$WIN" --root "$R" 2>&1) || fail "$out"
	! grep -q 'default machine password' <<<"$out" || fail "defpwd warning on a random password"
	# Samba flags every blob USE_DEFAULT_PASSWORD, with a random password: a note, no warning
	new_root
	out=$(run --blob "$SAMBA" --root "$R" 2>&1) || fail "$out"
	grep -q '^warning:' <<<"$out" && grep -i 'warning:.*default' <<<"$out" && fail "a warning for Samba's flag"
	grep -q "flagged USE_DEFAULT_PASSWORD (Options 0x6.*nothing to rotate" <<<"$out" || fail "no note for Samba's flag: $out"
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["default_password"] is False' "$R/var/lib/odj/join.json" ||
		fail "the join record says default password for a random one"
	echo "ok: /defpwd blob warned; Samba's flag with a random password only noted" ;;
kvno)
	new_root
	out=$(run --blob "$SAMBA" --root "$R" --kvno 7 2>&1) || fail "$out"
	[ "$(keys "$R/etc/krb5.keytab" | awk '{ print $1 }' | sort -u)" = 7 ] || fail "kvno 7: $(keys "$R/etc/krb5.keytab")"
	! grep -q 'kvno 1 and 2' <<<"$out" || fail "fallback said with --kvno"
	out=$(run --blob "$SAMBA" --root "$R" --kvno 0 2>&1); [ $? -eq 2 ] || fail "--kvno 0 accepted"
	echo "ok: --kvno 7 only" ;;
idempotent)
	new_root
	run --blob "$SAMBA" --root "$R" >/dev/null 2>&1 || fail "first apply"
	a=$(snap)
	out=$(run --blob "$SAMBA" --root "$R" 2>&1) || fail "second apply: $out"
	grep -q 'is already joined as ODJCLI01\$ to odj.test: nothing to change' <<<"$out" || fail "not said: $out"
	[ "$(snap)" = "$a" ] || fail "the second apply changed the tree: $(diff <(echo "$a") <(snap))"
	echo "ok: applied twice, tree byte-identical" ;;
rejoin)
	new_root
	# an unrelated service's keys must survive every step
	python3 - "$R/etc/krb5.keytab" <<-'PY'
	import struct, sys
	def s(b): return struct.pack(">H", len(b)) + b
	body = struct.pack(">H", 2) + s(b"EXAMPLE.ORG") + s(b"HTTP") + s(b"www.example.org") + \
	       struct.pack(">IIBHH", 1, 1700000000, 4, 17, 16) + bytes(range(16)) + struct.pack(">I", 4)
	open(sys.argv[1], "wb").write(b"\x05\x02" + struct.pack(">i", len(body)) + body)
	PY
	chmod 600 "$R/etc/krb5.keytab"
	run --blob "$WIN" --root "$R" >/dev/null 2>&1 || fail "first join"
	keys "$R/etc/krb5.keytab" | grep -q '^4 HTTP/www.example.org@EXAMPLE.ORG' || fail "other entry lost"
	a=$(snap)
	out=$(run --blob "$SAMBA" --root "$R" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 6 ] || fail "exit $rc, expected 6"
	grep -q '0xA83 2691 NERR_SetupAlreadyJoined' <<<"$out" || fail "row"
	grep -q 'TESTSF88\$@AD.TRANQUIL.IT' <<<"$out" || fail "old join not named"
	grep -q -- '--rejoin' <<<"$out" || fail "no advice"
	[ "$(snap)" = "$a" ] || fail "a refused apply changed the tree"
	out=$(run --blob "$SAMBA" --root "$R" --rejoin 2>&1) || fail "rejoin: $out"
	grep -q 'rejoin: TESTSF88\$@AD.TRANQUIL.IT is replaced' <<<"$out" || fail "rejoin not said"
	k=$(keys "$R/etc/krb5.keytab")
	! grep -qi testsf88 <<<"$k" || fail "old machine's entries kept: $k"
	grep -q '^4 HTTP/www.example.org@EXAMPLE.ORG' <<<"$k" || fail "other entry lost on rejoin"
	grep -q '^1 ODJCLI01\$@ODJ.TEST' <<<"$k" || fail "new entries missing"
	grep -qx 'domains = odj.test' "$R/etc/sssd/sssd.conf" || fail "old domain still served: $(cat "$R/etc/sssd/sssd.conf")"
	b=$(ls -d "$R"/var/lib/odj/backup/*/)
	keys "$b/krb5.keytab" | grep -q 'TESTSF88\$@AD.TRANQUIL.IT' || fail "backup keytab"
	grep -q '"TESTSF88\$"' "$b/join.json" || fail "backup record"
	[ "$(stat -c %a "$R/var/lib/odj/backup")" = 700 ] || fail "backup dir mode"
	# a keytab with another machine's account and no record counts as joined too
	cp "$b/krb5.keytab" "$work/old.keytab"
	new_root
	cp "$work/old.keytab" "$R/etc/krb5.keytab"
	out=$(run --blob "$SAMBA" --root "$R" 2>&1); [ $? -eq 6 ] || fail "foreign keytab not refused: $out"
	echo "ok: refused without --rejoin (tree unchanged), replaced with it, backup kept" ;;
dry-run)
	new_root
	mkdir -p "$R/var/lib/sss/db"; echo cache >"$R/var/lib/sss/db/cache_old.ldb"
	a=$(snap)
	out=$(run --blob "$SAMBA" --root "$R" --dry-run --consume 2>&1) || fail "dry run: $out"
	echo "$out" | head -5
	[ "$(snap)" = "$a" ] || fail "the dry run changed the tree"
	for f in /etc/krb5.keytab /etc/krb5.conf /etc/sssd/sssd.conf /etc/hostname /etc/hosts /var/lib/odj/join.json; do
		grep -q "^$f: \(create\|replace\)" <<<"$out" || fail "$f not listed"
	done
	grep -q '^/var/lib/sss/db/cache_old.ldb: remove' <<<"$out" || fail "removal not listed"
	grep -q '^+127.0.1.1	odjcli01.odj.test odjcli01' <<<"$out" || fail "no diff of /etc/hosts"
	[ "$(grep -c '^  add    kvno [12] ' <<<"$out")" = 20 ] || fail "keytab lines"
	grep -q 'would be wiped and removed' <<<"$out" || fail "consume not described"
	[ -e "$SAMBA" ] || fail "dry run consumed the blob"
	# never key bytes: the real keys (hex) do not appear
	run --blob "$SAMBA" --root "$R" >/dev/null 2>&1 || fail "real apply"
	n=0
	for k in $(klist -kK "$R/etc/krb5.keytab" | grep -o '0x[0-9a-f]*' | cut -c3-); do
		grep -qi "$k" <<<"$out" && fail "key bytes in the dry run"
		n=$((n + 1))
	done
	[ "$n" -eq 20 ] || fail "$n keys looked for in the dry run's output, expected 20"
	echo "ok: dry run changed nothing and listed every change" ;;
consume)
	new_root
	cp "$SAMBA" "$work/blob.odj"
	# a second name for the same file: unlinking one name leaves the bytes
	# under the other, so "wiped" must mean overwritten in place
	ln "$work/blob.odj" "$work/blob-link.odj"
	size=$(stat -c %s "$SAMBA")
	out=$(run --blob "$work/blob.odj" --root "$R" --consume 2>&1) || fail "$out"
	[ ! -e "$work/blob.odj" ] || fail "blob still there"
	grep -q "blob $work/blob.odj: wiped and removed" <<<"$out" || fail "not said"
	[ "$(stat -c %s "$work/blob-link.odj")" = "$size" ] || fail "the hard link changed size"
	left=$(tr -d '\000' <"$work/blob-link.odj" | wc -c)
	[ "$left" -eq 0 ] || fail "$left non-zero bytes of the consumed blob survive through a hard link"
	# a failed apply keeps the blob
	cp "$SAMBA" "$work/blob2.odj"
	run --blob "$work/blob2.odj" --root "$R/nonexistent" --consume >/dev/null 2>&1 && fail "bad root accepted"
	[ -e "$work/blob2.odj" ] || fail "blob consumed after a failure"
	echo "ok: consumed after success only" ;;
hostile)
	new_root
	a=$(snap)
	n=0
	while read -r file status; do
		out=$(run --blob "$vec/tampered/$file" --root "$R" 2>&1); rc=$?
		[ $rc -eq 2 ] || fail "$file: exit $rc: $out"
		grep -q "^odj-apply: $(printf '0x%X' $((status)))" <<<"$out" || fail "$file: not $status: $out"
		n=$((n + 1))
	done < <(python3 -c 'import json,sys; [print(e["file"], e["status"]) for e in json.load(open(sys.argv[1]))]' "$vec/tampered/expect.json")
	want=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$vec/tampered/expect.json") ||
		fail "cannot read $vec/tampered/expect.json"
	[ "$want" -gt 0 ] && [ "$n" -eq "$want" ] || fail "$n of $want tampered blobs tried"
	out=$(run --blob "$vec/synthetic-bad-ulversion-2.odj" --root "$R" 2>&1); [ $? -eq 2 ] || fail "ulversion 2"
	grep -q '^odj-apply: 0xA9F' <<<"$out" || fail "ulversion: $out"
	out=$(printf 'not a blob' | run --blob - --root "$R" 2>&1); [ $? -eq 2 ] || fail "stdin garbage"
	[ "$(snap)" = "$a" ] || fail "a hostile blob changed the tree"
	echo "ok: $n tampered blobs and 2 more refused with exit 2, tree byte-identical" ;;
clone-state)
	new_root
	mkdir -p "$R/var/lib/sss/db" "$R/var/lib/sss/mc" "$R/var/lib/sss/pubconf"
	for f in db/cache_old.ldb db/timestamps_old.ldb db/ccache_OLD mc/passwd pubconf/kdcinfo.OLD; do
		echo x >"$R/var/lib/sss/$f"; done
	echo x >"$R/tmp/krb5cc_1000"; echo keep >"$R/tmp/other"
	out=$(run --blob "$SAMBA" --root "$R" 2>&1) || fail "$out"
	for f in /var/lib/sss/db/cache_old.ldb /var/lib/sss/db/timestamps_old.ldb /var/lib/sss/db/ccache_OLD \
		/var/lib/sss/mc/passwd /var/lib/sss/pubconf/kdcinfo.OLD /tmp/krb5cc_1000; do
		[ ! -e "$R$f" ] || fail "$f survived"
		grep -qx "  $f" <<<"$out" || fail "$f removal not said"
	done
	[ -e "$R/tmp/other" ] || fail "an unrelated file was removed"
	grep -q '^clone state removed' <<<"$out" || fail "no heading"
	echo "ok: clone state removed and listed" ;;
live-root)
	# odj-apply on the running system (no --root): in a private mount
	# namespace whose /etc is a copy, /var/lib and /tmp are empty tmpfs.  The
	# sssd caches go as in an image; a user's ticket cache in /tmp stays.
	cp -a /etc "$work/etc" || fail "copy /etc"
	# The old /tmp stays reachable at /mnt/old (the tree, the binaries and their
	# libraries may live below it); paths under /tmp are rewritten to it.
	out=$(unshare -m -n sh -ec '
		mount --make-rprivate /
		mount -t tmpfs -o mode=0755 tmpfs /mnt
		mkdir /mnt/old
		mount --rbind /tmp /mnt/old
		old() { case $1 in /tmp/*) echo "/mnt/old/${1#/tmp/}" ;; *) echo "$1" ;; esac; }
		work=$(old "$1") apply=$(old "$2") blob=$(old "$3")
		mount --bind "$work/etc" /etc
		mount -t tmpfs -o mode=0755 tmpfs /var/lib
		mount -t tmpfs -o mode=1777 tmpfs /tmp
		mkdir -p /var/lib/sss/db && echo x >/var/lib/sss/db/cache_old.ldb
		echo x >/tmp/krb5cc_1000
		LD_LIBRARY_PATH=$(dirname "$apply") "$apply" --blob "$blob" 2>&1 || echo "odj-apply failed: $?"
		echo "--- after"
		ls /tmp /var/lib/sss/db' sh "$work" "$apply" "$SAMBA") || fail "namespace: $out"
	echo "$out" | grep -E 'credential cache|krb5cc|cache_old|failed'
	grep -q 'odj-apply failed' <<<"$out" && fail "odj-apply on the live root failed"
	after=$(sed -n '/^--- after/,$p' <<<"$out")
	grep -qx 'krb5cc_1000' <<<"$after" || fail "a live system's ticket cache was removed"
	grep -q 'cache_old.ldb' <<<"$after" && fail "the sssd cache of the old identity survived"
	grep -q 'left 1 credential cache in /tmp' <<<"$out" || fail "the kept cache is not mentioned"
	echo "ok: on the live root /tmp/krb5cc_1000 is kept and said, the sssd cache removed" ;;
packages)
	new_root
	out=$(run --blob "$SAMBA" --root "$R" 2>&1) || fail "$out"
	for p in sssd-ad libnss-sss adcli; do grep -q "^warning: $p is not installed" <<<"$out" || fail "no $p warning"; done
	grep -q 'never rotates the machine password' <<<"$out" || fail "adcli reason"
	new_root; mkdir -p "$R/var/lib/dpkg"
	for p in sssd-ad libnss-sss adcli; do printf 'Package: %s\nStatus: install ok installed\nVersion: 1\n\n' $p; done >"$R/var/lib/dpkg/status"
	out=$(run --blob "$SAMBA" --root "$R" 2>&1) || fail "$out"
	! grep -q 'is not installed' <<<"$out" || fail "warned with dpkg status: $out"
	new_root; mkdir -p "$R/usr/sbin" "$R/usr/lib/x86_64-linux-gnu/sssd" "$R/lib/x86_64-linux-gnu"
	touch "$R/usr/sbin/adcli" "$R/usr/lib/x86_64-linux-gnu/sssd/libsss_ad.so" "$R/lib/x86_64-linux-gnu/libnss_sss.so.2"
	out=$(run --blob "$SAMBA" --root "$R" 2>&1) || fail "$out"
	! grep -q 'is not installed' <<<"$out" || fail "warned with the files present: $out"
	echo "ok: package warnings from dpkg status or files" ;;
merge)
	new_root
	mkdir -p "$R/etc/sssd" "$R/var/lib/sss/pubconf/krb5.include.d"
	printf '# keep me\n[libdefaults]\n\tforwardable = true\n[realms]\n\tOTHER.ORG = {\n\t\tkdc = k.other.org\n\t}\n' >"$R/etc/krb5.conf"
	printf '[sssd]\ndomains = files\nservices = nss\n\n[domain/files]\nid_provider = files\n' >"$R/etc/sssd/sssd.conf"
	chmod 644 "$R/etc/sssd/sssd.conf"
	run --blob "$SAMBA" --root "$R" >/dev/null 2>&1 || fail "apply"
	head -1 "$R/etc/krb5.conf" | grep -qx 'includedir /var/lib/sss/pubconf/krb5.include.d/' || fail "includedir"
	grep -q '^# keep me' "$R/etc/krb5.conf" && grep -q 'kdc = k.other.org' "$R/etc/krb5.conf" &&
		grep -q 'forwardable = true' "$R/etc/krb5.conf" || fail "krb5.conf lost lines"
	# MIT parses the merged krb5.conf; its includedir is read inside the root
	sed "s|^includedir /|includedir $R/|" "$R/etc/krb5.conf" >"$work/krb5.check.conf"
	err=$(KRB5_CONFIG=$work/krb5.check.conf klist -k "$R/etc/krb5.keytab" 2>&1 >/dev/null) ||
		fail "MIT rejects the merged krb5.conf: $err"
	grep -qx 'domains = files, odj.test' "$R/etc/sssd/sssd.conf" || fail "domains"
	grep -qx '\[domain/files\]' "$R/etc/sssd/sssd.conf" || fail "other domain lost"
	[ "$(stat -c %a "$R/etc/sssd/sssd.conf")" = 600 ] || fail "sssd.conf mode not fixed"
	echo "ok: merged" ;;
json-trace)
	new_root
	out=$(run --blob "$SAMBA" --root "$R" --json --trace "$work/trace.log" 2>&1) || fail "$out"
	python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d["sam_account_name"]=="ODJCLI01$" and d["kvnos"]==[1,2] and len(d["keys"])==20 and d["keytab"]=="/etc/krb5.keytab" and d["kvno_source"]=="fallback", d' <<<"$out" || fail "json: $out"
	grep -q 'NetpProcessOfflineJoin: machine ODJCLI01, account ODJCLI01\$, domain odj.test' "$work/trace.log" || fail "trace: $(cat "$work/trace.log")"
	grep -q 'NetpProcessOfflineJoin: committing the join of ODJCLI01\$ in .*: 0x0' "$work/trace.log" || fail "trace commit"
	echo "ok: --json and --trace" ;;
*) fail "unknown case $case_" ;;
esac
