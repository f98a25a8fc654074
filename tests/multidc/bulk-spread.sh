#!/bin/bash
# A bulk run over two live DCs spreads over both.  With replication paused
# (so an account is only on the DC that created it), 40 machines with
# --dc dc1 --dc dc2 --parallel 2: both DCs create accounts, the summary says
# how many each created, and each blob names the DC its account was created
# on: the account is there with the blob's kvno and not on the other DC.
# The key proofs went to the creating DC's KDC (the other one does not know
# the account yet).  --json lists the same per DC.  A name that exists only
# on dc2 is refused though the run also writes to dc1 (each batch is
# searched on both DCs).
# Usage: bulk-spread.sh TESTDC ODJ-PREPARE ODJ-INSPECT (in the DCs' namespace)
set -uo pipefail
testdc=$1 prep=$2 inspect=$3
[ "${TESTDC_DCS:-1}" -ge 2 ] || { echo "needs TESTDC_DCS >= 2"; exit 77; }
dir=$(mktemp -d)
cleanup() {
	"$testdc" repl resume >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
. "$(dirname "$0")/bulk-common.sh"
p=sp$tag- total=40

"$testdc" repl pause || fail "repl pause"
step "$total machines over --dc $dc1 --dc $dc2 --parallel 2, replication paused"
mkdir "$dir/out"
printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --dc "$dc1" --dc "$dc2" \
	--user administrator --password-stdin --count "$total" --name-template "$p%03d" \
	--out-dir "$dir/out" --parallel 2 >"$dir/run.out" 2>&1; rc=$?
grep -E '^(created by DC| +dc|machines|failed)' "$dir/run.out" | cut -c1-200 | sed 's/^/    /'
[ $rc -eq 0 ] || { cat "$dir/run.out"; fail "exit $rc"; }
grep -q "^machines *$total: $total created" "$dir/run.out" || fail "summary"
s1=$(said "$dc1" "$dir/run.out") s2=$(said "$dc2" "$dir/run.out")
[ -n "$s1" ] && [ -n "$s2" ] && [ $((s1 + s2)) = "$total" ] || fail "created by DC: dc1 '$s1', dc2 '$s2'"
[ "$s1" -gt 0 ] && [ "$s2" -gt 0 ] || fail "one DC created nothing: dc1 $s1, dc2 $s2"
echo "ok: the summary says dc1 created $s1, dc2 $s2"

step "each blob's account is on the DC the blob names, with its kvno, and not on the other"
accounts_on 1 "$p" >"$dir/on1"
accounts_on 2 "$p" >"$dir/on2"
n1=0 n2=0 bad=0
for f in "$dir"/out/*.odj; do
	m=$(basename "$f" .odj | tr 'A-Z' 'a-z')
	out=$("$inspect" "$f" 2>/dev/null)
	by=$(grep -o 'by DC [^ ]*' <<<"$out" | awk '{ print $3 }')
	k=$(awk '/kvno/ { for (i = 1; i < NF; i++) if ($i == "kvno") { sub(/[^0-9].*/, "", $(i + 1)); print $(i + 1); exit } }' <<<"$out")
	case $by in
	"$dc1") own=on1 other=on2 n1=$((n1 + 1)) ;;
	"$dc2") own=on2 other=on1 n2=$((n2 + 1)) ;;
	*) bad=$((bad + 1)); echo "    $m: the blob names '$by'"; continue ;;
	esac
	have=$(awk -v m="$m" '$1 == m { print $2 }' "$dir/$own")
	[ -n "$have" ] && [ "$have" = "$k" ] || { bad=$((bad + 1)); echo "    $m: blob by $by kvno $k, $by has '$have'"; }
	! grep -q "^$m " "$dir/$other" || { bad=$((bad + 1)); echo "    $m: also on the other DC, though replication is paused"; }
done
[ $bad = 0 ] || fail "$bad blobs disagree with the DC they name"
[ "$n1" = "$s1" ] && [ "$n2" = "$s2" ] || fail "blobs name dc1 $n1, dc2 $n2 times; the summary said $s1, $s2"
[ "$(wc -l <"$dir/on1")" = "$n1" ] && [ "$(wc -l <"$dir/on2")" = "$n2" ] ||
	fail "dc1 holds $(wc -l <"$dir/on1") accounts of the run, dc2 $(wc -l <"$dir/on2")"
echo "ok: $n1 blobs name dc1 and their accounts are on dc1 only, $n2 name dc2 and are on dc2 only, kvnos agree"

step "--json lists the DCs and what each created"
q=sq$tag-
printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --dc "$dc1" --dc "$dc2" \
	--user administrator --password-stdin --count 8 --name-template "$q%02d" \
	--out-dir "$dir/out2" --parallel 2 --json >"$dir/run.json" 2>"$dir/run.err" || { cat "$dir/run.json" "$dir/run.err"; fail "json run"; }
/usr/bin/python3 - "$dir/run.json" "$dc1" "$dc2" <<'PY' || fail "--json dcs"
import json, sys
d = json.load(open(sys.argv[1]))
dcs = d["dcs"]
assert [e["host"] for e in dcs] == sys.argv[2:4], dcs
assert sum(e["created"] for e in dcs) == d["created"] == 8, dcs
assert all(e["created"] > 0 and not e["lost"] and e["unreached"] is None for e in dcs), dcs
print("ok: --json dcs: " + ", ".join("%s %d" % (e["host"], e["created"]) for e in dcs))
PY
step "a name held only on dc2 is refused, whichever DC the run would have used"
c=sc$tag-
samba-tool computer create "${c}00" -H "ldap://${ips[1]}" "${admin[@]}" >/dev/null || fail "computer create on dc2"
printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --dc "$dc1" --dc "$dc2" \
	--user administrator --password-stdin --count 4 --first 0 --name-template "$c%02d" \
	--out-dir "$dir/out3" --parallel 2 >"$dir/conflict.out" 2>&1; rc=$?
grep -E '^(machines|failed)' "$dir/conflict.out" | cut -c1-220 | sed 's/^/    /'
[ $rc = 7 ] || { cat "$dir/conflict.out"; fail "exit $rc, expected 7"; }
grep -q "^machines *4: 3 created, 0 skipped, 1 failed" "$dir/conflict.out" || fail "summary"
grep -qi "^failed *${c}00: .*NERR_UserExists" "$dir/conflict.out" || fail "${c}00 not refused as existing"
[ "$(accounts_on 1 "${c}00" | wc -l)" = 0 ] && [ "$(accounts_on 2 "${c}00" | wc -l)" = 1 ] ||
	fail "${c}00: dc1 has $(accounts_on 1 "${c}00" | wc -l), dc2 $(accounts_on 2 "${c}00" | wc -l) accounts"
echo "ok: ${c}00, held on dc2 only, was refused; no second account on dc1"
"$testdc" repl resume || fail "repl resume"
"$testdc" repl sync || fail "repl sync"
