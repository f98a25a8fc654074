#!/bin/bash
# DC failover in bulk.  200 machines with --dc dc1 --dc dc2 (the run spreads
# over both); dc1 is killed (SIGKILL) half-way.  dc2 takes the machines not
# started, the run ends with exit 0 or 7, and each blob records the DC that
# created its account: as many as the summary's "created by DC" says.  Then dc1 comes back and replication syncs: every blob's account
# exists (on dc2) with the blob's kvno, and every account of the run without
# a blob is one the run's output names as failed with a reason.  The run's
# in-flight journal lists those adds: the rerun with --skip-existing settles
# them (removes what they may have left, says which) and makes them again,
# so every machine ends with exactly one account and a blob.
# Usage: bulk-failover.sh TESTDC ODJ-PREPARE ODJ-INSPECT (in the DCs' namespace)
set -uo pipefail
testdc=$1 prep=$2 inspect=$3
[ "${TESTDC_DCS:-1}" -ge 2 ] || { echo "needs TESTDC_DCS >= 2"; exit 77; }
dir=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	"$testdc" dc 1 start >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
. "$(dirname "$0")/bulk-common.sh"
p=fo$tag- total=200
# "NAME KVNO" of every account of the run, as dc2 has it
accounts() { accounts_on 2 "$p"; }

step "$total machines over --dc $dc1 --dc $dc2; dc1 killed half-way"
mkdir "$dir/out"
printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --dc "$dc1" --dc "$dc2" \
	--user administrator --password-stdin --count "$total" --name-template "$p%03d" \
	--out-dir "$dir/out" --parallel 2 >"$dir/run.out" 2>&1 &
pid=$!
for _ in $(seq 600); do
	[ "$(ls "$dir/out" | grep -c '\.odj$')" -ge $((total / 2)) ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
before=$(ls "$dir/out" | grep -c '\.odj$')
"$testdc" dc 1 kill || fail "dc 1 kill"
echo "dc1 killed with $before blobs written"
wait "$pid"; rc=$?
pid=
grep -E '^(DC|moved to|NOT checked|created by DC| +dc|machines|failed)' "$dir/run.out" | cut -c1-220 | sed 's/^/    /'
[ "$before" -lt "$total" ] || fail "the run ended before dc1 was killed"
[ $rc -eq 0 ] || [ $rc -eq 7 ] || { cat "$dir/run.out"; fail "exit $rc, expected 0 or 7"; }
grep -q "^moved to *$dc2 " "$dir/run.out" || fail "the run did not say it moved to dc2"
read -r created failed < <(awk '/^machines/ { print $3, $7 }' "$dir/run.out")
blobs=$(ls "$dir/out" | grep -c '\.odj$')
[ "$created" = "$blobs" ] || fail "$created created but $blobs blobs"
[ $((created + failed)) = "$total" ] || fail "created $created + failed $failed is not $total"
[ "$created" -gt "$before" ] || fail "nothing was created on dc2 after the kill"
# each blob pins the DC that created its account ("by DC" in odj-inspect)
by_dc() { for f in "$dir"/out/*.odj; do "$inspect" "$f" 2>/dev/null | grep -o 'by DC [^ ]*'; done | grep -c "by DC $1" || true; }
n1=$(by_dc "$dc1") n2=$(by_dc "$dc2")
[ $((n1 + n2)) = "$blobs" ] && [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] && [ "$n1" -le "$before" ] ||
	fail "blobs by DC: dc1 $n1, dc2 $n2 of $blobs ($before before the kill)"
[ "$(said "$dc1" "$dir/run.out")" = "$n1" ] && [ "$(said "$dc2" "$dir/run.out")" = "$n2" ] ||
	fail "created by DC says dc1 '$(said "$dc1" "$dir/run.out")', dc2 '$(said "$dc2" "$dir/run.out")'; the blobs name dc1 $n1, dc2 $n2 times"
grep -q "^created by DC *$dc1: $n1 (stopped answering mid-run)" "$dir/run.out" || fail "dc1 not named as lost"
echo "ok: exit $rc, $created blobs ($before before the kill; $n1 created by dc1, $n2 by dc2), $failed failed"

step "dc1 back, replication synced: blobs and accounts agree"
"$testdc" dc 1 start || fail "dc 1 start"
"$testdc" repl sync || fail "repl sync"
accounts >"$dir/accounts"
echo "$(wc -l <"$dir/accounts") accounts of the run on dc2"
missing=0 badkvno=0 orphans=0 unnamed=0
for f in "$dir"/out/*.odj; do
	m=$(basename "$f" .odj)
	k=$("$inspect" "$f" 2>/dev/null | awk '/kvno/ { for (i = 1; i < NF; i++) if ($i == "kvno") { sub(/[^0-9].*/, "", $(i + 1)); print $(i + 1); exit } }')
	have=$(awk -v m="$(tr 'A-Z' 'a-z' <<<"$m")" '$1 == m { print $2 }' "$dir/accounts")
	if [ -z "$have" ]; then missing=$((missing + 1)); echo "    no account for blob $m"
	elif [ "$have" != "$k" ]; then badkvno=$((badkvno + 1)); echo "    $m: blob kvno $k, dc2 $have"; fi
done
while read -r m _; do
	ls "$dir/out" | grep -qix "$m.odj" && continue
	orphans=$((orphans + 1))
	grep -qi "^failed *$m: .*\(unknown\|could not be removed\)" "$dir/run.out" || { unnamed=$((unnamed + 1)); echo "    $m: account without a blob and no line says so"; }
done <"$dir/accounts"
echo "blobs without account: $missing, kvno mismatches: $badkvno, accounts without blob: $orphans (not named: $unnamed)"
[ $missing = 0 ] && [ $badkvno = 0 ] && [ $unnamed = 0 ] || fail "blobs and accounts disagree"
echo "ok: every blob's account exists with its kvno; every account without a blob is named in a failed line"
grep -q "^in flight .*\.odj-inflight" "$dir/run.out" || [ "$failed" = 0 ] || fail "the run does not name its in-flight journal"

step "rerun with --skip-existing: the adds left in flight are settled"
printf '%s\n' "$TESTDC_ADMINPASS" | "$prep" --domain "$TESTDC_DOMAIN" --dc "$dc1" --dc "$dc2" \
	--user administrator --password-stdin --count "$total" --name-template "$p%03d" \
	--out-dir "$dir/out" --parallel 2 --skip-existing >"$dir/rerun.out" 2>&1; rc=$?
grep -E '^(settled|machines|failed|in flight)' "$dir/rerun.out" | cut -c1-200 | sed 's/^/    /'
[ $rc -eq 0 ] || { cat "$dir/rerun.out"; fail "rerun exit $rc"; }
grep -q "^machines *$total: $failed created, $created skipped, 0 failed" "$dir/rerun.out" || fail "rerun summary"
for m in $(awk '/^failed/ { sub(/:$/, "", $2); print $2 }' "$dir/run.out"); do
	if grep -qi "^failed *$m: .*\(in flight\|could not be removed\)" "$dir/run.out"; then
		grep -qi "^settled *$m: " "$dir/rerun.out" || fail "$m: left in flight, not settled by the rerun"
	fi
done
[ ! -e "$dir/out/.odj-inflight" ] || fail "the journal is still there: $(cat "$dir/out/.odj-inflight")"
"$testdc" repl sync || fail "repl sync"
accounts >"$dir/accounts"
[ "$(wc -l <"$dir/accounts")" = "$total" ] || fail "$(wc -l <"$dir/accounts") accounts, expected $total"
[ "$(ls "$dir/out" | grep -c '\.odj$')" = "$total" ] || fail "not $total blobs"
for f in "$dir"/out/*.odj; do
	m=$(basename "$f" .odj | tr 'A-Z' 'a-z')
	k=$("$inspect" "$f" 2>/dev/null | awk '/kvno/ { for (i = 1; i < NF; i++) if ($i == "kvno") { sub(/[^0-9].*/, "", $(i + 1)); print $(i + 1); exit } }')
	[ "$(awk -v m="$m" '$1 == m { print $2 }' "$dir/accounts")" = "$k" ] || fail "$m: kvno"
done
echo "ok: $total machines, $total accounts (one each), $total blobs with the accounts' kvno"
