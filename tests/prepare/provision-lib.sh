# Helpers of the provisioning tests (sourced; $prep is odj-prepare): a scratch
# directory, unique names per run, and LDAP look-ups as administrator.
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export KRB5CCNAME="FILE:$dir/admin.cc"
fail() { echo "FAIL: $*"; exit 1; }
admin() { printf '%s\n' "$TESTDC_ADMINPASS"; }
# unique names per run: several runs may share one DC
tag=$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
name() { echo "$1$tag"; }
prep_admin() { admin | "$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin "$@"; }
ldap() { # ldap FILTER ATTR... (as administrator)
	admin | kinit administrator >/dev/null 2>&1
	ldapsearch -LLL -o ldif-wrap=no -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$TESTDC_BASEDN" "$@" 2>/dev/null
}
attr() { ldap "(sAMAccountName=$1)" "$2" | awk -v a="$2:" '$1 == a { print $2 }'; }
exists() { [ -n "$(ldap "(sAMAccountName=$1)" dn | grep '^dn:')" ]; }
