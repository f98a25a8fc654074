# Shared by the bulk tests of a multi-DC domain (sourced after `dir` is set):
# failure and step lines, the administrator's credentials and ticket cache,
# a tag that keeps each run's names apart, and what a DC holds of a run.
read -r -a ips <<<"$TESTDC_IPS"
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
admin=(-U "administrator%$TESTDC_ADMINPASS")
export KRB5CCNAME="FILE:$dir/admin.cc"
tag=$(printf '%03X' $(( (RANDOM ^ $$) & 0xFFF )))
dc1=dc1.$TESTDC_DOMAIN dc2=dc2.$TESTDC_DOMAIN
# accounts_on K PREFIX: "name kvno" of every account named PREFIX* as DC K has it
accounts_on() {
	ldbsearch -H "ldap://${ips[$1 - 1]}" "${admin[@]}" -b "$TESTDC_BASEDN" "(sAMAccountName=$2*)" \
		sAMAccountName msDS-KeyVersionNumber 2>/dev/null | awk '
		/^sAMAccountName:/ { n = $2; sub(/\$$/, "", n) } /^msDS-KeyVersionNumber:/ { k = $2 }
		/^$/ { if (n != "") print tolower(n), k; n = ""; k = "" }' | sort
}
# said NAME RUN-OUTPUT: how many accounts the summary's "created by DC" gives DC NAME
said() { sed -n '/^created by DC/,/^machines/p' "$2" | grep -o " $1: [0-9]*" | awk '{ print $2 }'; }
