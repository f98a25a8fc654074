#!/bin/bash
# odj-prepare bulk runs against the test DC; every case checks the DC afterwards.
# Usage: bulk.sh CASE ODJ-PREPARE ODJ-INSPECT
set -uo pipefail
case_=$1 prep=$2 inspect=$3
. "$(dirname "$0")/../prepare/provision-lib.sh"
# three hex digits: a bulk name (a letter, the tag, "-" and a number) stays within 15 characters
tag=$(printf '%03X' $(( (RANDOM << 3 ^ $$) & 0xFFF )))
prep_admin() { admin | "$prep" --domain "$TESTDC_DOMAIN" --dc "$TESTDC_DC" --user administrator --password-stdin "$@"; }
kvno_of() { ldap "(sAMAccountName=$1\$)" msDS-KeyVersionNumber | awk '$1 == "msDS-KeyVersionNumber:" { print $2 }'; }
count_prefix() { ldap "(sAMAccountName=$1*)" dn | grep -c '^dn:'; }
precreate() { # an account odj did not make
	admin | kinit administrator >/dev/null 2>&1
	printf 'dn: CN=%s,CN=Computers,%s\nobjectClass: computer\nsAMAccountName: %s$\nuserAccountControl: 4096\n' \
		"$1" "$TESTDC_BASEDN" "$1" | ldapadd -Y GSSAPI -H "ldap://$TESTDC_DC" >/dev/null 2>&1 || fail "ldapadd $1"
}
# every blob of a manifest decodes, names its machine, and carries the DC's kvno and SID
# (N: how many machines it must list; without N at least one)
check_manifest() { # MANIFEST-JSON BLOBDIR [N]
	python3 - "$1" "$2" "$inspect" "${3:-}" <<'PY' || fail "manifest/blobs"
import json, subprocess, sys
m = json.load(open(sys.argv[1]))
assert m["format"] == "odj-bundle" and m["version"] == 1, m
want = int(sys.argv[4]) if sys.argv[4] else None
assert len(m["machines"]) == want if want is not None else len(m["machines"]) >= 1, \
    "%d machines in the manifest, expected %s" % (len(m["machines"]), want or "at least 1")
for e in m["machines"]:
    assert "password" not in json.dumps(e).lower(), e
    assert e["file"] == e["machine"] + ".odj", e
    out = subprocess.run([sys.argv[3], "--json", sys.argv[2] + "/" + e["file"]], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    s = out.stdout
    assert e["machine"] in s, "machine name not in blob"
    assert e["machine_sid"] in s or ("-" + e["machine_sid"].rsplit("-", 1)[1]) in s, "SID/RID not in blob"
print(len(m["machines"]), "machines checked")
PY
}

case $case_ in
fleet)
	p="F$tag-"
	out=$(prep_admin --count 20 --name-template "$p%02d" --first 1 --out-dir "$dir/out" --bundle "$dir/fleet.tgz" 2>"$dir/err") || { cat "$dir/err"; fail "bulk run: $out"; }
	echo "$out"
	grep -q '^machines *20: 20 created, 0 skipped, 0 failed' <<<"$out" || fail "summary"
	[ "$(count_prefix "$p")" = 20 ] || fail "the DC has $(count_prefix "$p") accounts, expected 20"
	[ "$(ls "$dir/out" | wc -l)" = 20 ] || fail "out-dir holds $(ls "$dir/out" | wc -l) files"
	for f in "$dir"/out/*.odj; do [ "$(stat -c %a "$f")" = 600 ] || fail "mode of $f"; done
	[ "$(stat -c %a "$dir/fleet.tgz")" = 600 ] || fail "bundle mode"
	tar tzf "$dir/fleet.tgz" >"$dir/list" || fail "tar tzf"
	[ "$(wc -l <"$dir/list")" = 21 ] && [ "$(tail -1 "$dir/list")" = manifest.json ] || fail "listing: $(cat "$dir/list")"
	mkdir "$dir/x" && tar xzf "$dir/fleet.tgz" -C "$dir/x" || fail "tar xzf"
	check_manifest "$dir/x/manifest.json" "$dir/x" 20
	# the bundle's blobs are the out-dir's blobs
	for f in "$dir"/out/*.odj; do cmp -s "$f" "$dir/x/$(basename "$f")" || fail "bundle and out-dir differ: $f"; done
	# kvno in the manifest = msDS-KeyVersionNumber on the DC, for every machine
	python3 -c 'import json,sys; [print(e["machine"], e["kvno"]) for e in json.load(open(sys.argv[1]))["machines"]]' "$dir/x/manifest.json" |
	{
		n=0
		while read -r m k; do
			[ "$(kvno_of "$m")" = "$k" ] || { echo "FAIL: kvno of $m: blob $k, DC $(kvno_of "$m")"; exit 1; }
			n=$((n + 1))
		done
		[ "$n" -eq 20 ] || { echo "FAIL: the kvno of $n machines compared, expected 20"; exit 1; }
	} || exit 1
	# the key proofs (TGS exchanges) record no logon on the new accounts
	[ "$(ldap "(&(sAMAccountName=$p*)(|(lastLogon>=1)(lastLogonTimestamp=*)(logonCount>=1)))" dn | grep -c '^dn:')" = 0 ] ||
		fail "logons were recorded on the new accounts"
	# the reader API through odj-inspect
	"$inspect" --bundle "$dir/fleet.tgz" --name "${p}07" | grep -q "Machine: *${p}07" || fail "inspect --bundle --name"
	"$inspect" --json --bundle "$dir/fleet.tgz" | python3 -c 'import json,sys; assert len(json.load(sys.stdin)["machines"]) == 20' || fail "inspect --bundle list"
	"$inspect" --bundle "$dir/fleet.tgz" --name "${p}99" >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing machine not refused"
	# odj-apply takes one machine out of the bundle, offline, and its keytab works
	apply=$(dirname "$prep")/odj-apply
	mkdir -p "$dir/root/etc"
	unshare -n "$apply" --bundle "$dir/fleet.tgz" --name "${p}07" --root "$dir/root" >"$dir/apply.out" 2>&1 ||
		{ cat "$dir/apply.out"; fail "odj-apply --bundle --name"; }
	KRB5CCNAME="FILE:$dir/m.cc" kinit -k -t "$dir/root/etc/krb5.keytab" "${p}07\$@$TESTDC_REALM" ||
		fail "kinit with the keytab applied from the bundle"
	"$apply" --bundle "$dir/fleet.tgz" --name "${p}07" --root "$dir/root" --consume >/dev/null 2>&1
	[ $? -eq 2 ] && [ -f "$dir/fleet.tgz" ] || fail "--consume of a bundle not refused"
	echo "ok: 20 accounts, 20 blobs in out-dir and bundle, kvno matches the DC; odj-apply --bundle --name joined ${p}07 offline" ;;
duplicates)
	p="D$tag-"
	printf '%s\n' "${p}a" "${p}b" "${p^^}A" >"$dir/names"
	out=$(prep_admin --names-from "$dir/names" --out-dir "$dir/out" 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 2 ] && grep -q 'ERROR_DUP_NAME' <<<"$out" || fail "exit $rc"
	[ "$(count_prefix "$p")" = 0 ] || fail "accounts were created"
	echo "ok: duplicates refused before any write" ;;
partial)
	p="P$tag-"
	precreate "${p}3"
	printf '%s\n' "${p}1" "${p}2" "${p}3" "${p}4" "bad_name!$tag" "${p}5" >"$dir/names"
	out=$(prep_admin --names-from "$dir/names" --out-dir "$dir/out" 2>"$dir/err"); rc=$?
	echo "$out"; cat "$dir/err"
	[ $rc -eq 7 ] || fail "exit $rc, expected 7"
	grep -q "^failed *${p}3: 0x8B0 2224 NERR_UserExists" <<<"$out" || fail "existing account not listed with its row"
	grep -q "^failed *bad_name!$tag: .*NERR_InvalidComputer\|^failed *bad_name!$tag: .*DNS_ERROR_INVALID_NAME_CHAR" <<<"$out" || fail "invalid name not listed with its row"
	grep -q '^machines *6: 4 created, 0 skipped, 2 failed' <<<"$out" || fail "summary"
	[ "$(count_prefix "$p")" = 5 ] || fail "DC holds $(count_prefix "$p")"
	[ "$(kvno_of "${p}3")" = 1 ] || fail "the existing account was changed"
	ls "$dir/out" | grep -qi "${p}3" && fail "a blob for the existing account"
	echo "ok: partial failure, exit 7, rows listed" ;;
skip-existing)
	p="S$tag-"
	# a first run that does not finish: 3 of 6 done, the 4th name taken by someone else
	precreate "${p}4"
	prep_admin --count 4 --name-template "$p%d" --first 1 --out-dir "$dir/out" --bundle "$dir/b.tgz" >/dev/null 2>&1; [ $? -eq 7 ] || fail "first run"
	before=$(for i in 1 2 3; do kvno_of "$p$i"; done | tr '\n' ' ')
	md5_before=$(md5sum "$dir"/out/*.odj | sort)
	# without --skip-existing the bundle is not overwritten
	prep_admin --count 6 --name-template "$p%d" --first 1 --out-dir "$dir/out2" --bundle "$dir/b.tgz" >/dev/null 2>&1; [ $? -eq 2 ] || fail "existing bundle overwritten"
	# the rerun: 1-3 skipped (not touched), 4 still fails, 5-6 created
	out=$(prep_admin --count 6 --name-template "$p%d" --first 1 --out-dir "$dir/out" --bundle "$dir/b.tgz" --skip-existing 2>&1); rc=$?
	echo "$out"
	[ $rc -eq 7 ] || fail "rerun exit $rc"
	grep -q '^machines *6: 2 created, 3 skipped, 1 failed' <<<"$out" || fail "rerun summary"
	after=$(for i in 1 2 3; do kvno_of "$p$i"; done | tr '\n' ' ')
	[ "$before" = "$after" ] || fail "kvno of existing accounts changed: $before -> $after"
	[ "$md5_before" = "$(md5sum "$dir"/out/S*-[123].odj | sort)" ] || fail "existing blobs rewritten"
	[ "$(ls "$dir/out" | wc -l)" = 5 ] || fail "out-dir: $(ls "$dir/out")"
	"$inspect" --json --bundle "$dir/b.tgz" | python3 -c 'import json,sys; m=json.load(sys.stdin)["machines"]; assert len(m) == 5, m' || fail "bundle does not hold 5"
	# a bundle-only rerun after the name is freed completes the last one
	admin | kinit administrator >/dev/null 2>&1
	ldapdelete -Y GSSAPI -H "ldap://$TESTDC_DC" "CN=${p}4,CN=Computers,$TESTDC_BASEDN" >/dev/null 2>&1 || fail "ldapdelete"
	out=$(prep_admin --count 6 --name-template "$p%d" --first 1 --bundle "$dir/b.tgz" --skip-existing 2>&1) || fail "last rerun: $out"
	grep -q '^machines *6: 1 created, 5 skipped, 0 failed' <<<"$out" || fail "last rerun summary: $out"
	[ "$after" = "$(for i in 1 2 3; do kvno_of "$p$i"; done | tr '\n' ' ')" ] || fail "kvno changed on the bundle rerun"
	mkdir "$dir/x" && tar xzf "$dir/b.tgz" -C "$dir/x" || fail "tar xzf of the rerun's bundle"
	check_manifest "$dir/x/manifest.json" "$dir/x" 6
	echo "ok: reruns completed the rest, kvno of existing accounts unchanged ($after)" ;;
proof-fails)
	# The DC's TGS replies are dropped once the session holds its tickets (from a
	# ccache): every key proof times out, and every account this run created is
	# removed again; no blob is written.
	. "$(dirname "$0")/../prepare/fault.sh"
	p="F$tag-"
	fault_swallow_proof_tgs || fail "kinit/kvno/nft"
	trap 'fault_clear; rm -rf "$dir"' EXIT
	out=$("$prep" --domain "$TESTDC_DOMAIN" --dc "$TESTDC_DC" --ccache "$KRB5CCNAME" --kdc-timeout 2 \
		--count 3 --name-template "$p%d" --first 1 --out-dir "$dir/out" 2>&1); rc=$?
	dropped=$(fault_counter)
	fault_clear
	echo "$out"
	echo "TGS replies dropped: $dropped"
	[ "$dropped" -ge 3 ] || fail "the proofs' replies were not dropped"
	[ $rc -eq 7 ] || fail "exit $rc, expected 7"
	for i in 1 2 3; do
		grep -q "^failed *$p$i: 0x51F 1311 ERROR_NO_LOGON_SERVERS .*TGS request of $p$i\\\$.*removed again" <<<"$out" ||
			fail "$p$i not listed as a failed proof that was rolled back"
	done
	[ "$(count_prefix "$p")" = 0 ] || fail "the DC keeps $(count_prefix "$p") accounts of the run"
	[ -z "$(ls -A "$dir/out" 2>/dev/null)" ] || fail "blobs written: $(ls "$dir/out")"
	echo "ok: failed key proofs roll the accounts back" ;;
interrupt|killed)
	# A run stopped half-way.  SIGINT: the machines in flight are finished, the
	# bundle is completed, the rest are not started (exit 7, ERROR_CANCELLED).
	# SIGKILL: the partial bundle keeps every blob flushed before the kill; a
	# rerun without --skip-existing refuses to bury it, a rerun with it carries
	# those blobs into the bundle and completes the rest.
	p="$(tr a-z A-Z <<<"${case_:0:1}")$tag-"
	n=100
	wait_blobs() { # until the partial bundle holds a few blobs (or the run ended)
		for _ in $(seq 600); do
			f=$(ls "$dir"/b.tgz.partial-* 2>/dev/null | head -1)
			[ -n "$f" ] && [ "$(stat -c %s "$f")" -gt 12000 ] && return 0
			kill -0 "$1" 2>/dev/null || return 1
			sleep 0.02
		done
		return 1
	}
	admin | "$prep" --domain "$TESTDC_DOMAIN" --dc "$TESTDC_DC" --user administrator --password-stdin \
		--count $n --name-template "$p%02d" --bundle "$dir/b.tgz" >"$dir/1.out" 2>&1 &
	pid=$!
	wait_blobs $pid || { cat "$dir/1.out"; fail "the run ended before it could be stopped"; }
	if [ "$case_" = interrupt ]; then
		kill -INT $pid; wait $pid; rc=$?
		cat "$dir/1.out"
		[ $rc -eq 7 ] || fail "exit $rc after SIGINT, expected 7"
		grep -q 'ERROR_CANCELLED' "$dir/1.out" && grep -q '^stopped *on request: [1-9][0-9]* not started' "$dir/1.out" ||
			fail "no stop report"
		[ -f "$dir/b.tgz" ] && [ -z "$(ls "$dir"/b.tgz.partial-* 2>/dev/null)" ] || fail "the bundle was not completed"
		made=$(count_prefix "$p")
		inb=$("$inspect" --json --bundle "$dir/b.tgz" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["machines"]))')
		[ "$made" = "$inb" ] || fail "the DC has $made accounts, the bundle $inb blobs"
		echo "ok: SIGINT: $made accounts, each with its blob in the finished bundle"
	else
		kill -KILL $pid; wait $pid 2>/dev/null
		partial=$(ls "$dir"/b.tgz.partial-*) || fail "no partial bundle after SIGKILL"
		[ "$(stat -c %a "$partial")" = 600 ] || fail "partial bundle mode"
		[ ! -e "$dir/b.tgz" ] || fail "a bundle appeared"
		out=$(prep_admin --count $n --name-template "$p%02d" --bundle "$dir/b.tgz" 2>&1); rc=$?
		[ $rc -eq 2 ] && grep -q 'ERROR_FILE_EXISTS' <<<"$out" && grep -q -- '--skip-existing' <<<"$out" ||
			fail "rerun without --skip-existing: exit $rc: $out"
		echo "ok: rerun without --skip-existing refused: $(grep -m1 -o 'an earlier run did not finish.*' <<<"$out" | cut -c1-80)"
	fi
	# the rerun: what the first run finished is carried over or skipped, never reset
	out=$(prep_admin --count $n --name-template "$p%02d" --bundle "$dir/b.tgz" --skip-existing 2>&1); rc=$?
	echo "$out" | grep -E '^(machines|stopped|carried|failed)'
	[ -z "$(ls "$dir"/b.tgz.partial-* 2>/dev/null)" ] || fail "a partial bundle is left after the rerun"
	mkdir "$dir/x" && tar xzf "$dir/b.tgz" -C "$dir/x" || fail "tar xzf"
	check_manifest "$dir/x/manifest.json" "$dir/x"
	# every machine is in the bundle with the DC's kvno: the adds the kill left
	# in flight are in the in-flight journal, and the rerun settles them
	# (removes what they left, says so) and makes them again; none is listed
	# as an existing account without a blob
	printf '%s\n' "$out" >"$dir/rerun.out"
	python3 - "$dir/x/manifest.json" "$n" "$p" "$dir/rerun.out" <<'PY' || fail "rerun result"
import json, re, sys
m = {e["machine"]: e for e in json.load(open(sys.argv[1]))["machines"]}
n, p = int(sys.argv[2]), sys.argv[3]
out = open(sys.argv[4]).read()
failed = set(re.findall(r"^failed\s+(\S+):", out, re.M))
settled = set(re.findall(r"^settled\s+(\S+):", out, re.M))
assert not failed, "failed on the rerun: %s" % sorted(failed)
for i in range(n):
    name = "%s%02d" % (p, i)
    assert name in m, "%s: not in the bundle" % name
print("%d in the bundle; %d adds the kill left in flight settled by the rerun" % (len(m), len(settled)))
PY
	[ ! -e "$dir/b.tgz.inflight" ] || fail "the in-flight journal is left: $(cat "$dir/b.tgz.inflight")"
	want=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["machines"]))' "$dir/x/manifest.json") ||
		fail "manifest"
	python3 -c 'import json,sys; [print(e["machine"], e["kvno"]) for e in json.load(open(sys.argv[1]))["machines"]]' "$dir/x/manifest.json" |
	{
		n=0
		while read -r m k; do
			[ "$(kvno_of "$m")" = "$k" ] || { echo "FAIL: kvno of $m: blob $k, DC $(kvno_of "$m")"; exit 1; }
			n=$((n + 1))
		done
		[ "$n" -ge 1 ] && [ "$n" -eq "$want" ] || { echo "FAIL: the kvno of $n machines compared, the bundle has $want"; exit 1; }
	} || exit 1
	echo "ok: $case_: the rerun completed the bundle; every blob's kvno is the DC's" ;;
no-control-chars)
	p="N$tag-"
	prep_admin --count 5 --name-template "$p%d" --out-dir "$dir/out" >"$dir/out.txt" 2>"$dir/err.txt" || fail "run"
	cat "$dir/out.txt" "$dir/err.txt"
	LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$dir/err.txt") && fail "control characters on stderr"
	LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$dir/out.txt") && fail "control characters on stdout"
	# on a terminal: one line updated in place with \r
	if command -v script >/dev/null; then
		admin >"$dir/pw"; chmod 600 "$dir/pw"
		script -qec "\"$prep\" --domain $TESTDC_DOMAIN --dc $TESTDC_DC --user administrator --password-file $dir/pw --count 5 --name-template '${p}t%d' --out-dir $dir/out2 >/dev/null" /dev/null >"$dir/tty.txt" 2>&1 || fail "tty run: $(cat -v "$dir/tty.txt")"
		grep -q $'\r' "$dir/tty.txt" && grep -q 'done, 0 failed, 0 skipped' "$dir/tty.txt" || fail "no progress line on a terminal: $(cat -v "$dir/tty.txt")"
		grep -q 'ETA' "$dir/tty.txt" || fail "no ETA"
	fi
	echo "ok: no control characters without a terminal" ;;
names)
	out=$(prep_admin --count 3 --name-template "x%s" --out-dir "$dir/o" 2>&1); [ $? -eq 2 ] && grep -q '%0Nd' <<<"$out" || fail "template with %s: $out"
	out=$(prep_admin --count 3 --name-template "x%02d%02d" --out-dir "$dir/o" 2>&1); [ $? -eq 2 ] || fail "two numbers"
	out=$(prep_admin --count 3 --name-template "nonumber" --out-dir "$dir/o" 2>&1); [ $? -eq 2 ] || fail "no number"
	out=$(prep_admin --count 3 --name-template "x%02d" 2>&1); [ $? -eq 2 ] && grep -q -- '--out-dir' <<<"$out" || fail "no output"
	out=$(prep_admin --count 3 --names-from /dev/null --out-dir "$dir/o" 2>&1); [ $? -eq 2 ] || fail "both sources"
	# an out-dir that is a file: refused before the first add, with that step as the doing,
	# and no counts as if the run had happened
	: >"$dir/file"
	out=$(prep_admin --count 2 --name-template "O$tag-%d" --out-dir "$dir/file" 2>&1); rc=$?
	echo "$out" | grep -E '^while|^not started|^machines'
	[ $rc -eq 6 ] || fail "out-dir a file: exit $rc, expected 6: $out"
	grep -qx "while: checking the out-dir $dir/file" <<<"$out" || fail "out-dir a file: doing: $out"
	grep -q '^not started *2 machines: the run was refused before its first add' <<<"$out" || fail "not started: $out"
	grep -qE '^(machines|rate|profile|out-dir) ' <<<"$out" && fail "a refused run printed a run's summary: $out"
	prep_admin --json --count 2 --name-template "O$tag-%d" --out-dir "$dir/file" >"$dir/file.json" 2>/dev/null
	valid_json prepare_bulk "$dir/file.json"
	python3 - "$dir/file.json" "$dir/file" <<'PY' || fail "out-dir a file: JSON $(cat "$dir/file.json")"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["error"]
assert d["ok"] is False and d["exit"] == e["exit"] == 6 and d["started"] is False, d
assert not {"created", "skipped", "failed", "profile", "accounts_per_second"} & set(d), sorted(d)
assert d["machines"] == 2 and d["dc"] and len(d["dcs"]) == 1, d
assert set(e) == {"status", "hex", "symbol", "text", "row", "category", "exit", "doing",
                  "message", "detail", "advice"}, sorted(e)
assert e["doing"] == "checking the out-dir " + sys.argv[2], e
PY
	[ "$(count_prefix "O$tag-")" = 0 ] || fail "accounts were created"
	# a name template: %%, first, width
	p="M$tag"
	out=$(prep_admin --count 2 --name-template "$p-%03d" --first 98 --out-dir "$dir/o" 2>&1) || fail "$out"
	ls "$dir/o" | tr '\n' ' ' | grep -q "^$p-098.odj $p-099.odj $" || fail "names: $(ls "$dir/o")"
	echo "ok: templates with %s, two numbers or none, no output, two name sources: exit 2;" \
		"an out-dir that is a file: exit 6, not started;" \
		"--count 2 --first 98 '$p-%03d' made $(ls "$dir/o" | tr '\n' ' ')" ;;
dc-twice)
	# the DC by its name and by its address: one DC, and the summary says so
	p="T$tag-"
	out=$(prep_admin --dc "$TESTDC_IP" --count 2 --name-template "$p%d" --out-dir "$dir/out" 2>&1) || fail "$out"
	echo "$out" | grep -E '^(created by DC| )|^machines'
	grep -qx "created by DC   $TESTDC_DC: 2" <<<"$out" || fail "the DC's count: $out"
	grep -qx " *$TESTDC_IP: the same DC as $TESTDC_DC (named twice: its machines are counted there)" <<<"$out" ||
		fail "the address not said to be the same DC: $out"
	grep -qE "^ +$TESTDC_IP: 0" <<<"$out" && fail "a bare '$TESTDC_IP: 0' line: $out"
	prep_admin --json --dc "$TESTDC_IP" --count 2 --name-template "$p%d" --first 3 --out-dir "$dir/out" >"$dir/j" 2>&1 || fail "json: $(cat "$dir/j")"
	valid_json prepare_bulk "$dir/j"
	python3 - "$dir/j" "$TESTDC_DC" "$TESTDC_IP" <<'PY' || fail "json dcs: $(cat "$dir/j")"
import json, sys
d = json.load(open(sys.argv[1]))
dc, ip = sys.argv[2], sys.argv[3]
assert d["started"] is True and d["created"] == 2, d
got = [(x["host"], x["created"], x["same_as"]) for x in d["dcs"]]
assert got == [(dc, 2, None), (ip, 0, dc)], got
PY
	[ "$(count_prefix "$p")" = 4 ] || fail "the DC holds $(count_prefix "$p") accounts, expected 4"
	echo "ok: --dc $TESTDC_DC --dc $TESTDC_IP: $TESTDC_IP is the same DC as $TESTDC_DC, in the text and in dcs[].same_as" ;;
*) fail "unknown case $case_" ;;
esac
