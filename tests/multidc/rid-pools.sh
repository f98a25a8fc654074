#!/bin/bash
# RID pools.  A DC hands out RIDs from pools of 500 that the RID master (dc1)
# gives it; at half a pool it asks for the next one.  A bulk run of 1,200
# machines pinned to dc2 crosses two pool boundaries and succeeds.  With dc1
# stopped, a run on dc2 creates what dc2's pools still hold and then fails
# the rest with ERROR_DS_NO_RIDS_ALLOCATED and its advice; every account it
# created has a blob.  (Samba's pool size is fixed at 500, as in Windows.)
# Usage: rid-pools.sh TESTDC ODJ-PREPARE (in the DCs' namespace)
set -uo pipefail
testdc=$1 prep=$2
[ "${TESTDC_DCS:-1}" -ge 2 ] || { echo "needs TESTDC_DCS >= 2"; exit 77; }
read -r -a ips <<<"$TESTDC_IPS"
dir=$(mktemp -d)
trap '"$testdc" dc 1 start >/dev/null 2>&1; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
admin=(-U "administrator%$TESTDC_ADMINPASS")
tag=$(printf '%03X' $(( (RANDOM ^ $$) & 0xFFF )))
dc2=dc2.$TESTDC_DOMAIN
export KRB5CCNAME="FILE:$dir/admin.cc"

# dc2's RID Set: "current-pool next-pool last-RID pools-used" (pools as lo-hi).
rid_set() {
	ldbsearch -H "ldap://${ips[1]}" "${admin[@]}" -b "CN=RID Set,CN=DC2,OU=Domain Controllers,$TESTDC_BASEDN" \
		-s base rIDAllocationPool rIDPreviousAllocationPool rIDNextRID rIDUsedPool 2>/dev/null | awk '
		/^rIDPreviousAllocationPool:/ { cur = $2 } /^rIDAllocationPool:/ { nxt = $2 }
		/^rIDNextRID:/ { last = $2 } /^rIDUsedPool:/ { used = $2 }
		END { print cur ? cur : "-", nxt ? nxt : "-", last ? last : "none", used + 0 }'
}
# The RIDs of dc2's accounts named PREFIX*, sorted; runs prints them as ranges.
rids() {
	ldbsearch -H "ldap://${ips[1]}" "${admin[@]}" -b "$TESTDC_BASEDN" "(sAMAccountName=$1*)" objectSid 2>/dev/null |
		awk -F- '/^objectSid:/ { print $NF }' | sort -n
}
runs() { awk 'NR == 1 || $1 != prev + 1 { if (n++) printf "%s, ", prev; printf "%s-", $1 } { prev = $1 }
	END { print prev }'; }
bulk() { # PREFIX COUNT OUT [OPTION...]
	printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --dc "$dc2" --user administrator \
		--password-stdin --count "$2" --name-template "$1%04d" --out-dir "$3" --parallel 2 "${@:4}"
}

read -r cur nxt last used0 <<<"$(rid_set)"
echo "dc2 RID Set before: pool $cur, next pool $nxt, last RID $last, pools used $used0"
echo "== 1,200 machines on dc2 (dc1, the RID master, running)"
p=rp$tag-
t0=$SECONDS
out=$(bulk "$p" 1200 "$dir/out1" 2>&1); rc=$?
echo "$out" | grep -E '^machines|^ *(exit|failed)' | head -5
[ $rc -eq 0 ] || { echo "$out" | tail -20; fail "exit $rc"; }
grep -q '^machines *1200: 1200 created, 0 skipped, 0 failed' <<<"$out" || fail "summary: $(grep '^machines' <<<"$out")"
[ "$(ls "$dir/out1" | grep -c '\.odj$')" = 1200 ] || fail "not 1200 blobs"
echo "1200 created in $((SECONDS - t0)) s; their RIDs: $(rids "$p" | runs)"
read -r cur nxt last used1 <<<"$(rid_set)"
echo "dc2 RID Set after: pool $cur, next pool $nxt, last RID $last, pools used $used1"
# (rIDUsedPool counts the pools a DC has switched to; adjacent pools may be contiguous)
[ $((used1 - used0)) -ge 2 ] || fail "the run crossed $((used1 - used0)) pool boundaries, not 2"
echo "ok: 1,200 machines on dc2 crossed $((used1 - used0)) RID pool boundaries"
"$testdc" dc 1 stop || fail "dc 1 stop"
# What dc2 can still hand out: the rest of its pool, and the next one if it has it.
left=$(awk -v cur="$cur" -v nxt="$nxt" -v last="$last" 'BEGIN {
	split(cur, c, "-"); split(nxt, x, "-"); n = c[2] - last
	if (nxt != cur) n += x[2] - x[1] + 1
	print n }')
want=$((left + 30))
echo "== $want machines on dc2 with dc1 stopped (dc2 has $left RIDs left)"
q=rx$tag-
# (the names cannot be checked on dc1: allowed, and the run says so)
out=$(bulk "$q" "$want" "$dir/out2" --allow-unreachable-dc 2>&1); rc=$?
grep -q "^NOT checked on  dc1\.$TESTDC_DOMAIN: " <<<"$out" || fail "the run does not say dc1 was not checked"
echo "$out" | grep -E '^machines' 
grep -m1 '^failed .*NO_RIDS' <<<"$out" | sed 's/^/    /'
[ $rc -eq 7 ] || { echo "$out" | tail -20; fail "exit $rc, expected 7 (some failed)"; }
made=$(rids "$q" | wc -l)
blobs=$(ls "$dir/out2" | grep -c '\.odj$')
grep -q "^machines *$want: $made created, 0 skipped, $((want - made)) failed" <<<"$out" || fail "summary"
[ "$made" = "$blobs" ] || fail "$made accounts on dc2 but $blobs blobs"
[ "$made" -ge $((left - 2)) ] && [ "$made" -le "$left" ] || fail "$made created, but dc2 had $left RIDs"
grep -q 'failed *rx.*: 0x2010 8208 ERROR_DS_NO_RIDS_ALLOCATED .*NO RID values available' <<<"$out" ||
	fail "the failure is not mapped to its row 0x2010 8208 ERROR_DS_NO_RIDS_ALLOCATED"
[ "$(grep -c '^failed .*ERROR_DS_NO_RIDS_ALLOCATED' <<<"$out")" = $((want - made)) ] || fail "not every failure has the row"
advice=$("$prep" --explain ERROR_DS_NO_RIDS_ALLOCATED)
echo "$advice" | sed 's/^/    /'
grep -q 'RID master' <<<"$advice" || fail "no advice about the RID master"
echo "ok: with dc1 stopped dc2 created $made (its $left RIDs), every one with a blob; $((want - made)) failed with ERROR_DS_NO_RIDS_ALLOCATED"
