#!/bin/bash
# --ldaps: TLS with the DC's CA, SASL GSSAPI without a layer, channel binding.
# Samba 4.17 accepts that only with 'ldap server require strong auth =
# allow_sasl_over_tls': against the default DC odj says so; against a DC
# restarted with that setting, check and provision work over TLS.
set -uo pipefail
testdc=$1 prep=$2
dir=$(mktemp -d)
restore() { "$testdc" stop >/dev/null 2>&1; "$testdc" start >/dev/null 2>&1; rm -rf "$dir"; }
trap restore EXIT
fail() { echo "FAIL: $*"; exit 1; }
ca=$TESTDC_DIR/dc/private/tls/ca.pem
admin() { printf '%s\n' "$TESTDC_ADMINPASS"; }
out=$(admin | "$prep" --check --ldaps --ca-file "$ca" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin 2>&1)
[ $? -ne 0 ] && grep -q allow_sasl_over_tls <<<"$out" || fail "default DC: $out"
echo "default DC: refused, with the setting named"
out=$(admin | "$prep" --check --ldaps --domain "$TESTDC_DOMAIN" --user administrator --password-stdin 2>&1)
[ $? -ne 0 ] && grep -q 'ca-file' <<<"$out" || fail "no CA: $out"
echo "without --ca-file: the self-signed certificate is refused"
"$testdc" stop >/dev/null && TESTDC_STRONG_AUTH=allow_sasl_over_tls "$testdc" start >/dev/null 2>&1 || fail "restart"
out=$(admin | "$prep" --check --ldaps --ca-file "$ca" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin 2>&1) || fail "check: $out"
grep -q 'TLS with channel binding' <<<"$out" || fail "not over TLS"
n=TL$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
out=$(admin | "$prep" --ldaps --ca-file "$ca" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin \
	--savefile "$dir/b.odj" "$n" 2>&1) || fail "provision over TLS: $out"
grep -q '^kvno *1$' <<<"$out" && grep -q 'proven' <<<"$out" || fail "$out"
echo "ok: check and provision over LDAPS (unicodePwd inside TLS), key proven"
