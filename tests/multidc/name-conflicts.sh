#!/bin/bash
# No duplicate names across DCs.  With replication paused, machine M is made
# on dc2 and an account holding the SPN HOST/s.DOMAIN too; then odj-prepare
# on dc1 (single and bulk) must refuse M and the SPN, naming dc2 as the DC
# that holds them, while a new name still goes through.  A stopped DC makes
# the check incomplete: refused, unless --allow-unreachable-dc (and then the
# output says which DC was not checked).  After "repl resume" and "repl
# sync" every DC has exactly one account named M.
# Usage: name-conflicts.sh TESTDC ODJ-PREPARE (in the DCs' namespace)
set -uo pipefail
testdc=$1 prep=$2
[ "${TESTDC_DCS:-1}" -ge 2 ] || { echo "needs TESTDC_DCS >= 2"; exit 77; }
read -r -a ips <<<"$TESTDC_IPS"
ndcs=$TESTDC_DCS
dir=$(mktemp -d)
cleanup() {
	"$testdc" repl resume >/dev/null 2>&1
	"$testdc" dc "$ndcs" start >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
admin=(-U "administrator%$TESTDC_ADMINPASS")
export KRB5CCNAME="FILE:$dir/admin.cc"
tag=$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
m=NC$tag s=NS$tag h=NH$tag b=NB$tag u=NU$tag
lower() { tr 'A-Z' 'a-z' <<<"$1"; }
dc1=dc1.$TESTDC_DOMAIN dc2=dc2.$TESTDC_DOMAIN last=dc$ndcs.$TESTDC_DOMAIN
prep_on() { # DC ARGS...: odj-prepare as the administrator on DC
	local dc=$1
	shift
	printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --dc "$dc" --user administrator \
		--password-stdin "$@"
}
count() { # K FILTER: how many entries DC K's database has
	ldbsearch -H "ldap://${ips[$1 - 1]}" "${admin[@]}" -b "$TESTDC_BASEDN" "$2" dn 2>/dev/null | grep -c '^dn: '
}

refused_on_dc1() { # NAME ROW HOLDER: odj-prepare NAME on dc1 is refused with ROW, naming HOLDER on dc2
	local name=$1 row=$2 holder=$3 out rc
	out=$(prep_on "$dc1" --savefile "$dir/$name-dc1.odj" "$name" 2>&1); rc=$?
	echo "$out" | sed 's/^/    /'
	[ $rc -ne 0 ] || fail "$name, held on dc2, was created again on dc1"
	grep -q "$row" <<<"$out" || fail "$name: not $row"
	grep -q "CN=$holder,CN=Computers,$TESTDC_BASEDN on $dc2 (not yet replicated to $dc1)" <<<"$out" ||
		fail "$name: the conflict does not name $holder on dc2 and dc1"
	[ "$(count 1 "(sAMAccountName=$name\$)")" = 0 ] || fail "$name was created on dc1"
	[ ! -e "$dir/$name-dc1.odj" ] || fail "$name: a blob was written"
}

step "replication paused; $m and $h (SPN HOST/$(lower "$s").$TESTDC_DOMAIN) made on dc2"
"$testdc" repl pause || fail "repl pause"
prep_on "$dc2" --savefile "$dir/m2.odj" "$m" >/dev/null 2>&1 || fail "prepare $m on dc2"
prep_on "$dc2" --spn "HOST/$(lower "$s").$TESTDC_DOMAIN" --savefile "$dir/h2.odj" "$h" >/dev/null 2>&1 ||
	fail "prepare $h on dc2"
[ "$(count 2 "(sAMAccountName=$m\$)")" = 1 ] && [ "$(count 1 "(sAMAccountName=$m\$)")" = 0 ] ||
	fail "$m is not on dc2 only: the window is not open"

step "odj-prepare $m on dc1"
refused_on_dc1 "$m" NERR_UserExists "$m"
echo "ok: refused, naming the DC that holds it"

step "odj-prepare $s on dc1 (its SPN HOST/$(lower "$s").$TESTDC_DOMAIN is held by $h on dc2)"
refused_on_dc1 "$s" ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST "$h"
echo "ok: refused"

step "bulk on dc1: $m, $s and the new $b"
printf '%s\n' "$m" "$s" "$b" >"$dir/names"
out=$(prep_on "$dc1" --names-from "$dir/names" --out-dir "$dir/bulk" 2>&1); rc=$?
echo "$out" | grep -E '^(machines|failed)' | sed 's/^/    /'
[ $rc -eq 7 ] || { echo "$out"; fail "bulk exit $rc, expected 7"; }
grep -q '^machines *3: 1 created, 0 skipped, 2 failed' <<<"$out" || fail "bulk summary"
grep -q "^failed *$m\b.*NERR_UserExists.* on $dc2 (not yet replicated to $dc1)" <<<"$out" ||
	fail "bulk: $m's failure does not name dc2"
grep -q "^failed *$s\b.*ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST.* on $dc2 " <<<"$out" ||
	fail "bulk: $s's failure does not name dc2"
[ -e "$dir/bulk/$b.odj" ] && [ ! -e "$dir/bulk/$m.odj" ] || fail "bulk blobs"
[ "$(count 1 "(sAMAccountName=$m\$)")" = 0 ] || fail "bulk created $m on dc1"
echo "ok: one OR search per DC, conflicts named, the new name created"

step "dc$ndcs stopped: the check is incomplete"
"$testdc" dc "$ndcs" stop || fail "dc $ndcs stop"
out=$(prep_on "$dc1" --savefile "$dir/u.odj" "$u" 2>&1); rc=$?
echo "$out" | sed 's/^/    /'
[ $rc -ne 0 ] || fail "created with $last unreachable"
grep -q "name check would be incomplete: 1 of the $ndcs writable DCs" <<<"$out" || fail "no incomplete-check error"
grep -q "$last" <<<"$out" && grep -q -- "--allow-unreachable-dc" <<<"$out" || fail "the DC or the opt-out is not named"
[ "$(count 1 "(sAMAccountName=$u\$)")" = 0 ] || fail "$u created"
out=$(prep_on "$dc1" --allow-unreachable-dc --savefile "$dir/u.odj" "$u" 2>&1) || { echo "$out"; fail "opt-out"; }
grep "^NOT checked on" <<<"$out" | sed 's/^/    /'
grep -q "^NOT checked on  $last: " <<<"$out" || fail "the opt-out does not say what was not checked"
echo "ok: refused, and with --allow-unreachable-dc created with a NOT checked line"
"$testdc" dc "$ndcs" start || fail "dc $ndcs start"

step "repl resume; repl sync: one $m everywhere"
"$testdc" repl resume || fail "repl resume"
"$testdc" repl sync || fail "repl sync"
for k in $(seq 1 "$ndcs"); do
	c=$(count "$k" "(sAMAccountName=$m\$)") cn=$(count "$k" "(cn=$m*)")
	echo "dc$k: $c account(s) named $m\$, $cn object(s) with cn $m*"
	[ "$c" = 1 ] && [ "$cn" = 1 ] || fail "dc$k has a second $m"
done
echo "ok: no second account after replication"
