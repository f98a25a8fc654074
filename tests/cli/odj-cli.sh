#!/bin/bash
# odj-cli.sh CASE SRC INSPECT APPLY PREPARE MAKE_BUNDLE FAIL_PRCTL VECTORS: the three
# front ends as a user meets them: one option table (--help, short options,
# --explain), bundles on stdin and extraction, and the small things of a first use.
set -u
case_=$1 src=$2 inspect=$3 apply=$4 prepare=$5 make_bundle=$6 fail_prctl=$7 vec=$8
. "$(dirname "$0")/common.sh"
new_root() {
	rm -rf "$tmp/root"
	mkdir -p "$tmp/root/etc"
	echo debian >"$tmp/root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n' >"$tmp/root/etc/hosts"
}
tools=("$prepare" "$apply" "$inspect")
SAMBA=$vec/samba-4.17-net-offlinejoin-ODJCLI01.odj

case $case_ in
help)
	# every option in --help has a one-line description; the shared six are in all three
	for t in "${tools[@]}"; do
		n=$(basename "$t")
		run 0 "$t" --help
		opts=$(grep -cE '^  (-[a-zA-Z], |    )--[a-z]' "$tmp/out")
		bare=$(grep -E '^  (-[a-zA-Z], |    )?--[a-z][a-z0-9-]*( [^ ]+)?$' "$tmp/out")
		[ -z "$bare" ] || fail "$n --help: options without a description: $bare"
		for o in "-h, --help" "--version" "--explain CODE" "-j, --json" "--trace FILE" "-v, --verbose"; do
			grep -qE -- "^  (    )?$o  " "$tmp/out" || fail "$n --help lacks the shared '$o'"
		done
		echo "$n --help: $opts options, each with a description"
	done ;;
short-options)
	# a short option a tool accepts is in its --help; getopt's own refusal is ours
	for t in "${tools[@]}"; do
		n=$(basename "$t")
		"$t" --help >"$tmp/help"
		for c in {a..z} {A..Z}; do
			"$t" "-$c" </dev/null >/dev/null 2>"$tmp/err"
			grep -qE "unrecognized option '-$c'|invalid option -- '$c'" "$tmp/err" && continue
			grep -qE -- "^  -$c, --" "$tmp/help" || fail "$n accepts -$c, which its --help does not document"
		done
	done
	echo "every short option accepted is documented" ;;
explain)
	for t in "${tools[@]}"; do
		n=$(basename "$t")
		# a decimal number is said to be one, and the hex reading offered
		run 2 "$t" --explain 40
		has "$tmp/out" "read as decimal 40 = 0x28"
		has "$tmp/out" "for 0x40 (ERROR_NETNAME_DELETED) write --explain 0x40"
		run 0 "$t" --explain 0x40
		lacks "$tmp/out" "read as decimal"
		# --json is honoured, anything else refused
		run 0 "$t" --explain 0x40 --json
		python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["symbol"]=="ERROR_NETNAME_DELETED" and d["status"]==64 and d["causes"], d' <"$tmp/out" ||
			fail "$n --explain --json: $(cat "$tmp/out")"
		run 2 "$t" --explain 0x40 extra
		has "$tmp/err" "--explain CODE takes no other option or argument"
		lacks "$tmp/out" "ERROR_NETNAME_DELETED"
		run 2 "$t" --explain 0x40 --verbose
	done
	echo "--explain: decimal said, --json honoured, extra arguments refused, in all three" ;;
json-errors)
	# every failure honours --json with the same error object
	new_root
	i=0
	while IFS= read -r cmd; do
		eval "$cmd" >"$tmp/j$i" 2>"$tmp/e$i"
		rc=$?
		python3 - "$tmp/j$i" "$rc" <<-'PY' || fail "$cmd: no JSON error object (exit $rc): $(head -c 300 "$tmp/j$i") $(head -c 300 "$tmp/e$i")"
		import json, sys
		d = json.load(open(sys.argv[1]))
		e = d["error"]
		assert d["ok"] is False and d["exit"] == int(sys.argv[2]) == e["exit"], d
		assert set(e) == {"status", "hex", "symbol", "text", "row", "category", "exit", "doing",
		                  "message", "detail", "advice"}, sorted(e)
		assert e["row"].startswith(e["hex"] + " ") and e["category"] and e["message"], e
		PY
		i=$((i + 1))
	done <<-EOF2
	"$prepare" --json --domain odj.test
	"$prepare" --json --domain odj.test --ccache FILE:/nonexistent --check --kdc-timeout 0
	"$prepare" --json --domain odj.test --ccache FILE:/nonexistent --check --trace /nonexistent/dir/t
	"$apply" --json --blob "$tmp/none.odj" --root "$tmp/root"
	"$apply" --json --kvno 0 --blob "$SAMBA"
	"$apply" --json --root "$tmp/root"
	"$inspect" --json "$tmp/none.odj"
	"$inspect" --json --bundle "$SAMBA"
	"$inspect" --json a b
	echo x | "$prepare" --json --domain odj.test --dc 127.0.9.22 --dc 127.0.9.23 --user u --password-stdin --count 2 --name-template n%d --out-dir "$tmp/o"
	EOF2
	echo "$i failures: one JSON error object in the three tools" ;;
bundle)
	"$make_bundle" "$tmp/fleet.tgz" "$vec/odj-part-ODJCLI02.odj" "$SAMBA" || fail "make_bundle"
	# - reads the bundle from standard input, in both tools
	run 0 "$inspect" --bundle - <"$tmp/fleet.tgz"
	has "$tmp/out" "Bundle: 2 machines, domain odj.test"
	run 0 "$inspect" --bundle - --name odjcli01 <"$tmp/fleet.tgz"
	has "$tmp/out" "Machine:         ODJCLI01"
	new_root
	unshare -n "$apply" --bundle - --name ODJCLI02 --root "$tmp/root" <"$tmp/fleet.tgz" >"$tmp/out" 2>"$tmp/err" ||
		fail "odj-apply --bundle -: $(cat "$tmp/err")"
	has "$tmp/out" "joined ODJCLI02\$ to odj.test"
	# one machine's blob out of a bundle: a 0600 file, byte for byte the member
	run 0 "$inspect" --bundle "$tmp/fleet.tgz" --name ODJCLI02 --savefile "$tmp/ODJCLI02.odj"
	[ "$(stat -c %a "$tmp/ODJCLI02.odj")" = 600 ] || fail "extracted blob mode $(stat -c %a "$tmp/ODJCLI02.odj")"
	tar -xzOf "$tmp/fleet.tgz" ODJCLI02.odj | cmp - "$tmp/ODJCLI02.odj" || fail "the extracted blob differs from the member"
	cmp "$vec/odj-part-ODJCLI02.odj" "$tmp/ODJCLI02.odj" || fail "the extracted blob differs from the original"
	has "$tmp/out" "written to $tmp/ODJCLI02.odj"
	# ... which then applies and can be consumed
	new_root
	unshare -n "$apply" --blob "$tmp/ODJCLI02.odj" --root "$tmp/root" --consume >"$tmp/out" 2>&1 || fail "apply extracted: $(cat "$tmp/out")"
	[ ! -e "$tmp/ODJCLI02.odj" ] || fail "the extracted blob was not consumed"
	# --print: the bare base64 on stdout, after the warning
	run 0 "$inspect" --bundle "$tmp/fleet.tgz" --name ODJCLI01 --print
	has "$tmp/err" "warning: the blob on stdout holds the machine password"
	tr -d '\n' <"$tmp/out" | cmp - "$vec/samba-4.17-net-offlinejoin-ODJCLI01.txt" || fail "--print is not the blob's base64"
	run 2 "$inspect" --bundle "$tmp/fleet.tgz" --print
	run 2 "$inspect" "$SAMBA" --savefile "$tmp/y.odj"
	run 2 "$inspect" --bundle "$tmp/fleet.tgz" --name ODJCLI01 --print --json
	[ ! -e "$tmp/y.odj" ] || fail "--savefile without --bundle wrote a file"
	# documented: both pages name - for --bundle, odj-inspect's the extraction
	for p in odj-apply odj-inspect; do
		grep -qF '.BR \-\-bundle " \fIFILE\fP|\-"' "$src/man/$p.1" || fail "$p.1 does not document --bundle -"
	done
	grep -qF '.BI \-\-savefile " FILE"' "$src/man/odj-inspect.1" || fail "odj-inspect.1 does not document --savefile"
	echo "bundles: - in both tools, extraction to a 0600 file and --print" ;;
small)
	# the --trace file starts with its banner once
	new_root
	unshare -n "$apply" --blob "$SAMBA" --root "$tmp/root" --trace "$tmp/trace.log" >/dev/null 2>&1 || fail "apply --trace"
	[ "$(grep -c -- '-----------' "$tmp/trace.log")" = 1 ] || fail "trace banners: $(grep -c -- '-----' "$tmp/trace.log")"
	# a re-apply changes nothing, and says so for the keytab too
	run 0 unshare -n "$apply" --blob "$SAMBA" --root "$tmp/root"
	has "$tmp/out" "nothing to change"
	lacks "$tmp/out" "  add "
	has "$tmp/out" "  present kvno"
	# a blob others may read: a warning
	cp "$SAMBA" "$tmp/open.odj" && chmod 644 "$tmp/open.odj"
	new_root
	run 0 unshare -n "$apply" --blob "$tmp/open.odj" --root "$tmp/root"
	has "$tmp/out" "warning: $tmp/open.odj is readable by every user (mode 0644)"
	chmod 600 "$tmp/open.odj"
	new_root
	run 0 unshare -n "$apply" --blob "$tmp/open.odj" --root "$tmp/root"
	lacks "$tmp/out" "is readable by"
	# odj-inspect's text: no trailing blank, "blob" for one thing only
	run 0 "$inspect" "$vec/windows-djoin-tranquilit-TESTSF88.odj"
	has "$tmp/out" "Options:         0x00000000"
	grep -n ' $' "$tmp/out" && fail "odj-inspect prints trailing blanks"
	lacks "$tmp/out" "blob(s)"
	has "$tmp/out" "Provisioning blob, version 1, 2 data entries (ODJ_BLOB)"
	# --first is for --count --name-template only
	run 2 "$prepare" --domain odj.test --ccache FILE:/nonexistent --names-from /dev/null --first 5 --out-dir "$tmp/o"
	has "$tmp/err" "--first numbers the names of --count N --name-template T"
	[ ! -e "$tmp/o" ] || fail "a refused run created its out-dir"
	echo "small things: one trace banner, present keys on a re-apply, the 0644 warning, inspect's text, --first" ;;
bulk-no-dc)
	# none of three DCs answers (nothing listens there: refused at once): the error
	# names each DC with its reason, not only the last one, and the run says it never started
	dcs=(127.0.9.22 127.0.9.23 127.0.9.24)
	bulk() { echo x | "$prepare" --domain odj.test --dc "${dcs[0]}" --dc "${dcs[1]}" --dc "${dcs[2]}" \
		--user u --password-stdin --count 2 --name-template n%d --out-dir "$tmp/o" "$@"; }
	run 5 bulk
	cat "$tmp/err"
	has "$tmp/err" "none of the 3 DCs given answers"
	has "$tmp/err" "while: opening a session on each of the 3 DCs given"
	for d in "${dcs[@]}"; do
		grep -qE "^detail: (.*; )?$d: no domain controller at $d: " "$tmp/err" || fail "the detail lacks $d: $(cat "$tmp/err")"
	done
	[ ! -e "$tmp/o" ] || fail "the out-dir was created"
	bulk --json >"$tmp/j" 2>/dev/null
	python3 - "$tmp/j" "${dcs[@]}" <<-'PY' || fail "--json: $(cat "$tmp/j")"
	import json, sys
	d = json.load(open(sys.argv[1]))
	e, want = d["error"], sys.argv[2:]
	assert d["ok"] is False and d["exit"] == e["exit"] == 5 and d["started"] is False, d
	assert not {"created", "skipped", "failed", "profile"} & set(d), sorted(d)
	assert e["symbol"] == "ERROR_DOMAIN_CONTROLLER_NOT_FOUND", e
	assert [x["host"] for x in d["dcs"]] == want, d["dcs"]
	for x in d["dcs"]:
	    assert x["unreached"] and x["host"] in x["unreached"], x
	    assert x["host"] + ": " + x["unreached"] in e["detail"], (x, e["detail"])
	PY
	echo "three DCs that do not answer: each named with its reason, in the detail and in dcs[]" ;;
vectors-readme)
	readme=$src/tests/vectors/README.md
	for b in "$src"/tests/vectors/*.odj; do
		stem=$(basename "$b" .odj)
		grep -qF "| \`$stem\` |" "$readme" || fail "README.md's table lacks $stem"
	done
	for doc in $(grep -oE '`[A-Za-z0-9_/-][A-Za-z0-9_./-]*\.md`' "$readme" | tr -d '`' | sort -u); do
		[ -e "$src/$doc" ] || [ -e "$src/tests/vectors/$doc" ] || fail "README.md names $doc, which does not exist"
	done
	echo "tests/vectors/README.md: every vector in the table, every document it names exists" ;;
hardening)
	# prctl fails (a seccomp filter, say): the tools that hold secrets refuse to go on
	for t in "${tools[@]}"; do
		LD_PRELOAD=$fail_prctl ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
			"$t" --version >"$tmp/out" 2>"$tmp/err"
		rc=$?
		[ "$rc" -eq 6 ] || fail "$(basename "$t") ran on with prctl failing: exit $rc"
		has "$tmp/err" "cannot make the process undumpable (prctl PR_SET_DUMPABLE)"
	done
	echo "hardening: prctl's failure stops all three" ;;
thin)
	for f in "$src"/cmd/*.c; do
		n=$(wc -l <"$f")
		[ "$n" -le 400 ] || fail "$(basename "$f") has $n lines (at most 400: printers belong in cmd/common or the library)"
	done
	echo "cmd: $(wc -l "$src"/cmd/*.c | tail -1)" ;;
*)
	fail "unknown case $case_" ;;
esac
exit $((failures > 0))
