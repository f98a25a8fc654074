#!/bin/bash
# The first end-to-end proof: odj-prepare provisions an account on the test
# DC, odj-apply commits the blob into a temporary root with no network, and
# the keytab written there gets a TGT and decrypts a service ticket.
# Usage: e2e.sh ODJ-PREPARE ODJ-APPLY
set -uo pipefail
prep=$1 apply=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
tag=$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
n=APPLY$tag; lc=$(tr 'A-Z' 'a-z' <<<"$n")
R=$dir/root; mkdir -p "$R/etc"
export KRB5CCNAME=FILE:$dir/admin.cc
printf '%s\n' "$TESTDC_ADMINPASS" |
	"$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin --savefile "$dir/b.odj" "$n" >/dev/null 2>&1 ||
	fail "provision $n"
out=$(unshare -n "$apply" --blob "$dir/b.odj" --root "$R" --consume 2>&1) || fail "apply: $out"
echo "$out" | head -3
[ ! -e "$dir/b.odj" ] || fail "blob not consumed"
klist -kte "$R/etc/krb5.keytab"
export KRB5CCNAME=FILE:$dir/machine.cc
kinit -k -t "$R/etc/krb5.keytab" "$n\$@ODJ.TEST" || fail "kinit -k as $n\$"
klist | grep -q "Default principal: $n\\\$@ODJ.TEST" || fail "no TGT"
kvno -k "$R/etc/krb5.keytab" "host/$lc.$TESTDC_DOMAIN" || fail "service ticket for host/$lc"
kvno -k "$R/etc/krb5.keytab" "RestrictedKrbHost/$n" || fail "service ticket for RestrictedKrbHost/$n"
echo "ok: $n\$ provisioned, applied offline, kinit -k and service tickets work"
