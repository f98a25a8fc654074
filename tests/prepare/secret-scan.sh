#!/bin/bash
# After a provision, the process holds no copy of the machine password: every
# secret odj allocates is wiped, and so is libldap's encoding of the add with
# unicodePwd (a Sockbuf layer wipes each request once it is sent).
# A run that leaves a copy on the heap on purpose shows that the search finds one.
set -uo pipefail
scan=$1
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export KRB5CCNAME="FILE:$dir/admin.cc"
fail() { echo "FAIL: $*"; exit 1; }
printf '%s\n' "$TESTDC_ADMINPASS" | kinit administrator >/dev/null || fail "kinit"
tag=$(printf '%03X' $(( (RANDOM << 3 ^ $$) & 0xFFF )))
for mode in plant run; do
	out=$("$scan" $mode "$TESTDC_DOMAIN" "$TESTDC_DC" "MS$tag${mode:0:1}" "$dir/$mode.odj" 2>&1) || fail "$mode: $out"
	echo "$mode: $out"
	eval "$(sed -n 's/^copies: utf16=\([0-9]*\) utf8=\([0-9]*\) libldap=\([0-9]*\)$/u16=\1 u8=\2 ber=\3/p' <<<"$out")"
	[ -n "${u16:-}" ] || fail "no count"
	if [ $mode = plant ]; then
		[ "$u16" -ge 1 ] && [ "$u8" -ge 1 ] || fail "the search missed the copy left on purpose"
	else
		[ "$ber" -eq 0 ] || fail "$ber copies of the password left in libldap's freed add request"
		[ "$u16" -eq 0 ] && [ "$u8" -eq 0 ] || fail "copies of the password left in memory"
	fi
	unset u16 u8 ber
done
echo "ok: no copy of the password left after a provision, libldap's add request included; a planted one is found"
