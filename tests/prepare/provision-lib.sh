# Helpers of the provisioning tests (sourced; $prep is odj-prepare): a scratch
# directory, unique names per run, and LDAP look-ups as administrator.
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export KRB5CCNAME="FILE:$dir/admin.cc"
fail() { echo "FAIL: $*"; exit 1; }
. "$ODJ_SOURCE_DIR/tests/cli/valid-json.sh"
admin() { printf '%s\n' "$TESTDC_ADMINPASS"; }
# unique names per run: several runs may share one DC
tag=$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
name() { echo "$1$tag"; }
prep_admin() { admin | "$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin "$@"; }
# A failed query fails the test: its empty answer must never pass for "no
# such account".  ldap() runs in command substitutions and pipelines, so it
# signals the script itself, which stops after the current command.
trap 'echo "FAIL: an LDAP query of the check failed (above)"; exit 1' USR1
ldap() { # ldap FILTER ATTR... (as administrator)
	local err errf="$dir/ldap.$BASHPID.err"
	if ! err=$(admin | kinit administrator 2>&1 >/dev/null); then
		echo "FAIL: kinit administrator: $err" >&2
		kill -USR1 $$
		return 1
	fi
	if ! ldapsearch -LLL -o ldif-wrap=no -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$TESTDC_BASEDN" "$@" \
		2>"$errf"; then
		echo "FAIL: ldapsearch $*: $(cat "$errf")" >&2
		kill -USR1 $$
		return 1
	fi
}
attr() { ldap "(sAMAccountName=$1)" "$2" | awk -v a="$2:" '$1 == a { print $2 }'; }
exists() { [ -n "$(ldap "(sAMAccountName=$1)" dn | grep '^dn:')" ]; }
