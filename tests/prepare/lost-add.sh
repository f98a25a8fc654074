#!/bin/bash
# The add of the computer account goes unanswered (tests/prepare/lost_add.c
# cuts the LDAP connection around it): odj-prepare asks the DC again over a
# new connection and settles what happened instead of guessing.
#   reply    the DC did the add: the account is finished (blob, proven keys)
#   request  the DC never saw it: nothing created, refused, no blob
#   unknown  the DC did the add and cannot be asked again: refused, and the
#            account is named as perhaps left behind
# Usage: lost-add.sh CASE ODJ-PREPARE LOST_ADD.SO ODJ-INSPECT
set -uo pipefail
case_=$1 prep=$2 shim=$3 inspect=$4
. "$(dirname "$0")/provision-lib.sh"
lost() { # MODE ARGS...: odj-prepare as administrator, the add cut as MODE
	local mode=$1
	shift
	admin | LD_PRELOAD="$shim${LD_PRELOAD:+:$LD_PRELOAD}" ODJ_LOST_ADD=$mode \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin "$@"
}
n=$(name LA)
dn="CN=$n,CN=Computers,$TESTDC_BASEDN"
case $case_ in
reply)
	out=$(lost reply --savefile "$dir/b.odj" "$n" 2>&1); rc=$?
	echo "$out" | grep -E '^(created|settled|kvno|password|result)'
	[ $rc -eq 0 ] || { echo "$out"; fail "exit $rc, expected 0"; }
	grep -qF "settled         the add of $dn was not answered; $TESTDC_DC has it, made by this run: finished" \
		<<<"$out" || fail "no settled line"
	grep -q '^password .*; proven by a service ticket' <<<"$out" || fail "keys not proven"
	exists "$n\$" || fail "no account"
	kvno=$(attr "$n\$" msDS-KeyVersionNumber)
	"$inspect" "$dir/b.odj" | grep -q "ODJ_LINUX_PROVIDER .*: version 1, kvno $kvno\$" ||
		fail "the blob does not carry the account's kvno $kvno"
	echo "ok: the add took effect; finished with kvno $kvno and a blob"
	n2=$(name LJ)
	lost reply --json --savefile "$dir/j.odj" "$n2" >"$dir/out.json" 2>/dev/null || fail "--json run"
	python3 - "$dir/out.json" <<'PY' || fail "JSON: $(cat "$dir/out.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] and d["created"], d
assert d["settled"].endswith("made by this run: finished"), d["settled"]
assert d["unchecked_dcs"] is None, d
PY
	echo "ok: --json says settled: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["settled"])' "$dir/out.json")" ;;
request)
	out=$(lost request --savefile "$dir/b.odj" "$n" 2>&1); rc=$?
	echo "$out" | head -n 8
	[ $rc -eq 5 ] || fail "exit $rc, expected 5 (network)"
	grep -q "ERROR_DS_SERVER_DOWN" <<<"$out" || fail "not the add's own error"
	grep -qF "$TESTDC_DC does not have $dn (asked again over a new connection): nothing was created" \
		<<<"$out" || fail "does not say that nothing was created"
	exists "$n\$" && fail "$n exists"
	[ -e "$dir/b.odj" ] && fail "a blob was written"
	echo "ok: nothing created, no blob" ;;
unknown)
	out=$(lost reply-then-down --savefile "$dir/b.odj" "$n" 2>&1); rc=$?
	echo "$out" | head -n 12
	[ $rc -eq 5 ] || fail "exit $rc, expected 5 (network)"
	grep -qF "whether $dn was created is unknown: $TESTDC_DC could not be asked again" <<<"$out" ||
		fail "does not say the outcome is unknown"
	grep -qF "left behind     $dn (perhaps: the add's outcome is unknown)" <<<"$out" ||
		fail "the account is not named"
	grep -q -- "--reuse" <<<"$out" || fail "no advice"
	[ -e "$dir/b.odj" ] && fail "a blob was written"
	exists "$n\$" || fail "the shim did not let the add through"
	# the account holds a password nobody knows: finish it as the advice says
	prep_admin --reuse --savefile "$dir/b.odj" "$n" >/dev/null 2>&1 || fail "--reuse did not finish it"
	echo "ok: unknown outcome named; --reuse finished $n" ;;
*) fail "case?" ;;
esac
