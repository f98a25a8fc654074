#!/bin/bash
# sealed.sh CASE PREPARE APPLY INSPECT CLOCK_SHIFT_SO: signed and sealed blobs
# through the command line, against the test DC (run by tests/dc/testdc check).
#   round-trip  request on a target root, a sealed blob for it next to the DC,
#               the offline apply with the trusted key, kinit -k with the keytab;
#               the request key is gone and the same blob is refused again
#   hostile     every refusal with its own error line, the root byte for byte
#               unchanged: a flipped byte, truncations, the wrong request key,
#               an untrusted signer, an expired blob, another machine name, a
#               plain blob where a signature is required
#   bundle      bulk --for a directory of requests into a sealed bundle: a wrong
#               passphrase is one clear error; the right one joins each target
set -uo pipefail
case_=$1 prep=$2 apply=$3 inspect=$4 shift_so=$5
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export KRB5CCNAME=FILE:$dir/admin.cc
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tag=$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
prep_admin() { printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin "$@"; }
snap() { (cd "$1" && find . -printf '%p %y %m %u:%g %s %l\n' | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum); }
# new_root DIR: a target root that trusts the key k
new_root() {
	mkdir -p "$1/etc/odj/trusted.d"
	echo debian >"$1/etc/hostname"; printf '127.0.0.1\tlocalhost\n' >"$1/etc/hosts"
	cp "$dir/k.pub" "$1/etc/odj/trusted.d/"
}
# refused ROOT SYMBOL WHAT FILE [ENV...]: the apply fails with SYMBOL and ROOT is unchanged
refused() {
	local root=$1 sym=$2 what=$3 file=$4; shift 4
	snap "$root" >"$dir/before"
	env "$@" unshare -n "$apply" --blob "$file" --root "$root" >"$dir/out" 2>"$dir/err"
	local rc=$?
	snap "$root" >"$dir/after"
	[ "$rc" -ne 0 ] || fail "$what: applied (exit 0)"
	grep -q "^odj-apply: 0x[0-9A-Fa-f]* [0-9-]* $sym " "$dir/err" || fail "$what: not $sym: $(cat "$dir/err")"
	cmp -s "$dir/before" "$dir/after" || fail "$what: the root changed: $(diff "$dir/before" "$dir/after" | head -5)"
	echo "refused ($what): $(grep -m1 "^odj-apply: 0x" "$dir/err"); root unchanged ($(wc -l <"$dir/after") entries)"
}
"$prep" --new-signing-key "$dir/k" >/dev/null || fail "new signing key"
[ "$(stat -c %a "$dir/k")" = 600 ] || fail "the signing key is not 0600"
[ -s "$dir/k.pub" ] || fail "no k.pub"

case $case_ in
round-trip)
	n=SEAL$tag; lc=$(tr 'A-Z' 'a-z' <<<"$n")
	R=$dir/root; new_root "$R"; echo "$lc" >"$R/etc/hostname"
	unshare -n "$apply" --request "$dir/req" --root "$R" || fail "request"
	grep -q "^machine $lc\$" "$dir/req" || fail "the request is not for the root's host name: $(cat "$dir/req")"
	[ "$(stat -c %a "$R/var/lib/odj/request.key")" = 600 ] || fail "request.key is not 0600"
	prep_admin --for "$dir/req" --signing-key "$dir/k" --savefile "$dir/s.odj" >"$dir/prep" 2>&1 ||
		fail "sealed provision: $(cat "$dir/prep")"
	grep "^sealed " "$dir/prep" || fail "odj-prepare does not say it sealed the blob"
	head -1 "$dir/s.odj" | grep -q "BEGIN ODJ SEALED BLOB" || fail "not a sealed blob"
	grep -c "$TESTDC_REALM\|$n" "$dir/s.odj" && fail "the sealed file shows the blob"
	"$inspect" "$dir/s.odj" | tee "$dir/insp" | grep -q "Recipient key id" || fail "inspect: no envelope"
	grep -qi "secret\|password" "$dir/insp" && fail "inspect shows key material"
	out=$(unshare -n "$apply" --blob "$dir/s.odj" --root "$R" 2>&1) || fail "apply: $out"
	grep "signature:" <<<"$out"
	[ ! -e "$R/var/lib/odj/request.key" ] || fail "the request key is still there"
	export KRB5CCNAME=FILE:$dir/machine.cc
	kinit -k -t "$R/etc/krb5.keytab" "$n\$@$TESTDC_REALM" || fail "kinit -k as $n\$"
	klist | grep "Default principal"
	refused "$R" NTE_BAD_KEYSET "replay after success" "$dir/s.odj"
	echo "ok: request, sealed provision, offline apply, kinit -k, no request key left, replay refused" ;;
hostile)
	"$prep" --new-signing-key "$dir/u" >/dev/null || fail "second key"
	n=SEALH$tag
	R=$dir/root; new_root "$R"
	unshare -n "$apply" --request "$dir/req" --root "$R" --machine "$n" >/dev/null || fail "request"
	prep_admin --for "$dir/req" --signing-key "$dir/k" --savefile "$dir/s.odj" >/dev/null || fail "sealed provision"
	# a base64 character of the body changed into another one
	line=$(( $(wc -l <"$dir/s.odj") / 2 ))
	awk -v l="$line" 'NR == l { c = substr($0, 10, 1); $0 = substr($0, 1, 9) (c == "A" ? "B" : "A") substr($0, 11) } 1' \
		"$dir/s.odj" >"$dir/flip.odj"; chmod 600 "$dir/flip.odj"
	cmp -s "$dir/s.odj" "$dir/flip.odj" && fail "the flip changed nothing"
	refused "$R" TRUST_E_BAD_DIGEST "a flipped byte" "$dir/flip.odj"
	size=$(stat -c %s "$dir/s.odj")
	for len in 1 40 $((size / 2)) $((size - 40)); do
		head -c "$len" "$dir/s.odj" >"$dir/cut.odj"; chmod 600 "$dir/cut.odj"
		# one byte is no envelope any more: an unsigned file, where a signature is required
		[ "$len" = 1 ] && sym=TRUST_E_NOSIGNATURE || sym=NERR_BadOfflineJoinInfo
		refused "$R" "$sym" "truncated to $len of $size bytes" "$dir/cut.odj"
	done
	# another root's pending request for the same machine: not the key it was sealed to
	R2=$dir/root2; new_root "$R2"
	unshare -n "$apply" --request "$dir/req2" --root "$R2" --machine "$n" >/dev/null || fail "request 2"
	refused "$R2" ERROR_DECRYPTION_FAILED "the wrong request key" "$dir/s.odj"
	# the same request key, pending for another machine name
	R3=$dir/root3; new_root "$R3"; mkdir -p "$R3/var/lib/odj"; chmod 700 "$R3/var/lib/odj"
	sed "s/^machine .*/machine OTHER$tag/" "$R/var/lib/odj/request.key" >"$R3/var/lib/odj/request.key"
	chmod 600 "$R3/var/lib/odj/request.key"
	refused "$R3" NERR_BadOfflineJoinInfo "another machine name" "$dir/s.odj"
	# signed by a key the root does not trust
	prep_admin --reuse --for "$dir/req" --signing-key "$dir/u" --savefile "$dir/u.odj" >/dev/null ||
		fail "provision signed by u"
	refused "$R" TRUST_E_SUBJECT_NOT_TRUSTED "an untrusted signer" "$dir/u.odj"
	# past its expiry (the request's: 30 days); the clock runs 31 days ahead
	refused "$R" CERT_E_EXPIRED "expired" "$dir/s.odj" LD_PRELOAD="$shift_so${LD_PRELOAD:+:$LD_PRELOAD}" \
		ODJ_CLOCK_SHIFT=$((31 * 86400)) ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	# a plain blob where the root requires a signature
	prep_admin --reuse --savefile "$dir/plain.odj" "$n" >/dev/null || fail "plain provision"
	refused "$R" TRUST_E_NOSIGNATURE "a plain blob, signature required" "$dir/plain.odj"
	# signed only (no --for): authenticity without secrecy, accepted with the trusted key
	prep_admin --reuse --signing-key "$dir/k" --savefile "$dir/signed.odj" "$n" >/dev/null || fail "signed provision"
	head -1 "$dir/signed.odj" | grep -q "BEGIN ODJ SIGNED BLOB" || fail "not a signed blob"
	out=$(unshare -n "$apply" --blob "$dir/signed.odj" --root "$R2" 2>&1) || fail "signed apply: $out"
	grep "signature:" <<<"$out" || fail "no signature note"
	echo "ok: each hostile blob refused with its own error, nothing changed" ;;
bundle)
	printf 'correct horse battery staple\n' >"$dir/pass"; printf 'wrong horse battery staple\n' >"$dir/bad"
	chmod 600 "$dir/pass" "$dir/bad"
	mkdir "$dir/reqs"
	for i in 1 2; do
		new_root "$dir/r$i"
		unshare -n "$apply" --request "$dir/reqs/$i.req" --root "$dir/r$i" --machine "SB$i$tag" >/dev/null || fail "request $i"
	done
	prep_admin --for "$dir/reqs" --signing-key "$dir/k" --bundle "$dir/b.tgz" --bundle-passphrase-file "$dir/pass" \
		>"$dir/prep" 2>&1 || fail "bulk --for: $(cat "$dir/prep")"
	head -c 8 "$dir/b.tgz" | grep -q ODJBSEAL || fail "the bundle is not sealed"
	"$inspect" --bundle "$dir/b.tgz" --bundle-passphrase-file "$dir/bad" >"$dir/out" 2>"$dir/err" && fail "inspect: wrong passphrase accepted"
	grep -q "ERROR_DECRYPTION_FAILED" "$dir/err" || fail "inspect, wrong passphrase: $(cat "$dir/err")"
	echo "inspect, wrong passphrase: $(head -1 "$dir/err")"
	"$inspect" --bundle "$dir/b.tgz" >/dev/null 2>"$dir/err" && fail "inspect without a passphrase"
	grep -q "ERROR_DECRYPTION_FAILED" "$dir/err" || fail "inspect, no passphrase: $(cat "$dir/err")"
	"$inspect" --bundle "$dir/b.tgz" --bundle-passphrase-file "$dir/pass" | grep -q "SB1$tag" || fail "inspect: SB1 not listed"
	snap "$dir/r1" >"$dir/before"
	unshare -n "$apply" --bundle "$dir/b.tgz" --name "SB1$tag" --root "$dir/r1" --bundle-passphrase-file "$dir/bad" 2>"$dir/err" &&
		fail "apply: wrong passphrase accepted"
	[ "$(grep -c '^odj-apply: 0x' "$dir/err")" = 1 ] && grep -q ERROR_DECRYPTION_FAILED "$dir/err" ||
		fail "apply, wrong passphrase: $(cat "$dir/err")"
	snap "$dir/r1" | cmp -s - "$dir/before" || fail "a wrong passphrase changed the root"
	echo "apply, wrong passphrase: $(head -1 "$dir/err"); root unchanged"
	for i in 1 2; do
		out=$(unshare -n "$apply" --bundle "$dir/b.tgz" --name "SB$i$tag" --root "$dir/r$i" --bundle-passphrase-file "$dir/pass" 2>&1) ||
			fail "apply SB$i: $out"
		[ ! -e "$dir/r$i/var/lib/odj/request.key" ] || fail "SB$i: request key left"
	done
	# each blob was sealed to its own target's request
	unshare -n "$apply" --bundle "$dir/b.tgz" --name "SB2$tag" --root "$dir/r1" --rejoin --bundle-passphrase-file "$dir/pass" \
		2>"$dir/err" && fail "SB2's blob applied on SB1's root"
	echo "ok: sealed bundle of sealed blobs: wrong passphrase one error, each target joins its own"
	# --for given several times (files, not a directory), into an out-dir
	for i in 3 4; do
		new_root "$dir/r$i"
		unshare -n "$apply" --request "$dir/$i.req" --root "$dir/r$i" --machine "SB$i$tag" >/dev/null || fail "request $i"
	done
	prep_admin --for "$dir/3.req" --for "$dir/4.req" --signing-key "$dir/k" --out-dir "$dir/outdir" \
		>"$dir/prep" 2>&1 || fail "bulk --for --for: $(cat "$dir/prep")"
	grep -q '^machines *2: 2 created' "$dir/prep" || fail "bulk --for --for: $(cat "$dir/prep")"
	for i in 3 4; do
		head -1 "$dir/outdir/SB$i$tag.odj" | grep -q "BEGIN ODJ SEALED BLOB" || fail "SB$i: not a sealed blob"
		out=$(unshare -n "$apply" --blob "$dir/outdir/SB$i$tag.odj" --root "$dir/r$i" 2>&1) || fail "apply SB$i: $out"
		[ ! -e "$dir/r$i/var/lib/odj/request.key" ] || fail "SB$i: request key left"
	done
	echo "ok: --for twice: two sealed blobs, each applied on its own target" ;;
*) echo "unknown case $case_"; exit 2 ;;
esac
[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
