#!/bin/bash
# The whole mission against the test DC: odj-prepare provisions a machine;
# odj-apply joins a fresh root with no network; the root's keytab and configs
# then work for real: kinit as NAME$, a GSSAPI acceptor with the host/ key
# (and not with kvno+1), stock sssd resolving a domain user, and adcli
# rotating the machine password with sssd still working afterwards.
# Usage: e2e.sh ODJ-PREPARE ODJ-APPLY GSS-PROBE
set -uo pipefail
prep=$1 apply=$2 probe=$3
dir=$(mktemp -d); root=$dir/root
cleanup() { rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
admin() { printf '%s\n' "$TESTDC_ADMINPASS"; }
n=E2$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
lc=$(tr 'A-Z' 'a-z' <<<"$n")
fqdn=$lc.$TESTDC_DOMAIN
export KRB5CCNAME="FILE:$dir/admin.cc"

step "odj-prepare $n"
admin | "$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin --savefile "$dir/$n.odj" "$n" >"$dir/prepare.out" 2>&1 ||
	{ cat "$dir/prepare.out"; fail "prepare"; }
grep -E '^(created|kvno)' "$dir/prepare.out"

step "odj-apply into $root with no network"
mkdir -p "$root/etc"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
unshare -n "$apply" --blob "$dir/$n.odj" --root "$root" >"$dir/apply.out" 2>&1 || { cat "$dir/apply.out"; fail "apply"; }
tail -5 "$dir/apply.out"
kt=$root/etc/krb5.keytab
[ -f "$kt" ] && [ -f "$root/etc/sssd/sssd.conf" ] && [ -f "$root/etc/krb5.conf" ] || fail "files missing"

step "kinit -k -t <root>/etc/krb5.keytab $n\$@$TESTDC_REALM"
KRB5CCNAME="FILE:$dir/machine.cc" kinit -k -t "$kt" "$n\$@$TESTDC_REALM" || fail "kinit with the keytab"
KRB5CCNAME="FILE:$dir/machine.cc" klist | grep -q "krbtgt/$TESTDC_REALM@$TESTDC_REALM" || fail "no TGT"
echo "ok: TGT for $n\$"

step "GSSAPI acceptor for host/$fqdn from the keytab"
admin | kinit administrator >/dev/null || fail "kinit administrator"
"$probe" "$kt" "host/$fqdn@$TESTDC_REALM" || fail "the acceptor refused the host/ ticket"
if "$probe" "$kt" "host/$fqdn@$TESTDC_REALM" 1 2>"$dir/probe.err"; then
	fail "accepted with kvno+1: the test would not prove the kvno"
fi
echo "ok: refused with kvno+1: $(tail -1 "$dir/probe.err")"

step "klist -kte shows the DC's msDS-KeyVersionNumber"
dc_kvno=$(ldapsearch -LLL -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$TESTDC_BASEDN" "(sAMAccountName=$n\$)" msDS-KeyVersionNumber 2>/dev/null | awk '/^msDS-KeyVersionNumber:/ {print $2}')
kt_kvnos=$(klist -kte "$kt" | awk -v p="$n\$@$TESTDC_REALM" '$4 == p {print $1}' | sort -u | tr '\n' ' ')
echo "DC: $dc_kvno; keytab kvnos for $n\$: $kt_kvnos"
[ "$kt_kvnos" = "$dc_kvno " ] || fail "kvno differs"
klist -kte "$kt" | sed -n '4,7p'

. "$(dirname "$0")/sssd-check.sh"
step "stock sssd resolves administrator@$TESTDC_DOMAIN"
run_sssd_check "$root" "$dir" "$TESTDC_DOMAIN" "$TESTDC_DC" "administrator@$TESTDC_DOMAIN" || fail "sssd did not resolve the user"

step "adcli update rotates the machine password with the produced keytab"
before=$dc_kvno
KRB5_KTNAME="FILE:$kt" adcli update --domain="$TESTDC_DOMAIN" -S "$TESTDC_DC" --host-keytab="$kt" \
	--computer-name="$n" --host-fqdn="$fqdn" --computer-password-lifetime=0 -v >"$dir/adcli.out" 2>&1 ||
	{ tail -20 "$dir/adcli.out"; fail "adcli update"; }
after=$(ldapsearch -LLL -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$TESTDC_BASEDN" "(sAMAccountName=$n\$)" msDS-KeyVersionNumber 2>/dev/null | awk '/^msDS-KeyVersionNumber:/ {print $2}')
echo "kvno $before -> $after"
[ "$after" -gt "$before" ] || fail "the password was not rotated"
run_sssd_check "$root" "$dir" "$TESTDC_DOMAIN" "$TESTDC_DC" "administrator@$TESTDC_DOMAIN" || fail "sssd failed after the rotation"
echo "ok: the whole join works"
