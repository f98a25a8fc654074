#!/bin/bash
# prepare-dc.sh CASE SCHEMA PREPARE INSPECT APPLY: odj-prepare's output against
# the test DC (run through tests/dc/testdc check): texts that match what it
# did, its JSON error object, and the JSON of a fresh blob, its join and a
# bulk run's bundle in the vocabulary of the schema.
set -uo pipefail
case_=$1 schema=$2 prep=$3 inspect=$4 apply=$5
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
export KRB5CCNAME="FILE:$dir/admin.cc"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
admin() { printf '%s\n' "$TESTDC_ADMINPASS"; }
tag=$(printf '%04X' $(( (RANDOM << 3 ^ $$) & 0xFFFF )))
prep_admin() { admin | "$prep" --domain "$TESTDC_DOMAIN" --user administrator --password-stdin "$@"; }
valid() { "$here/validate-json.py" "$schema" "$@" || fail "not valid: $*"; }
new_root() {
	rm -rf "$dir/root"; mkdir -p "$dir/root/etc"
	echo debian >"$dir/root/etc/hostname"; printf '127.0.0.1\tlocalhost\n' >"$dir/root/etc/hosts"
}

case $case_ in
texts)
	# the proof is a service ticket; --defpwd sets no random password
	out=$(prep_admin --savefile "$dir/r.odj" "TX$tag" 2>&1) || fail "provision: $out"
	grep -q "^password        120 random characters set over sealed LDAP (unicodePwd); proven by a service ticket" <<<"$out" ||
		fail "random password line: $out"
	out=$(prep_admin --defpwd --savefile "$dir/d.odj" "TD$tag" 2>&1) || fail "provision --defpwd: $out"
	grep -q "^password        the default password (the lower-case machine name) set over" <<<"$out" ||
		fail "--defpwd line: $out"
	grep -q "random characters\|TGT" <<<"$out" && fail "--defpwd output claims a random password or a TGT: $out"
	echo "texts: proven by a service ticket; --defpwd says the default password" ;;
json)
	# a fresh blob, its join record and odj-apply's result in one vocabulary
	prep_admin --json --savefile "$dir/j.odj" "JS$tag" >"$dir/prep.json" || fail "provision --json"
	"$inspect" --json "$dir/j.odj" >"$dir/inspect.json" || fail "inspect"
	new_root
	unshare -n "$apply" --json --blob "$dir/j.odj" --root "$dir/root" >"$dir/apply.json" || fail "apply"
	valid inspect "$dir/inspect.json"
	valid apply "$dir/apply.json"
	valid join_record "$dir/root/var/lib/odj/join.json"
	python3 - "$dir/inspect.json" "$dir/apply.json" "$dir/root/var/lib/odj/join.json" <<-'PY' || fail "the outputs disagree"
	import json, sys
	i, a, r = (json.load(open(f)) for f in sys.argv[1:])
	for n in ["machine", "sam_account_name", "dns_host_name", "domain", "realm", "machine_sid", "kvno", "enctypes"]:
	    assert i[n] == a[n] == r[n] and i[n] is not None, (n, i[n], a[n], r[n])
	assert a["kvno_source"] == r["kvno_source"] == "blob", (a["kvno_source"], r["kvno_source"])
	assert i["dc"] == r["dc"] and not i["dc"].startswith("\\"), (i["dc"], r["dc"])
	PY
	# a failure's error object: the one every tool prints
	printf 'wrong\n' | "$prep" --json --domain "$TESTDC_DOMAIN" --user administrator --password-stdin \
		--savefile "$dir/x.odj" "JX$tag" >"$dir/fail.json"
	rc=$?
	python3 - "$dir/fail.json" "$rc" "$schema" <<-'PY' || fail "the failure's JSON"
	import json, sys, jsonschema
	d, rc, s = json.load(open(sys.argv[1])), int(sys.argv[2]), json.load(open(sys.argv[3]))
	assert rc == 3 and d["ok"] is False, (rc, d)
	jsonschema.validate(d["error"], {"$ref": "#/$defs/error", "$defs": s["$defs"]})
	assert d["error"]["exit"] == 3 and d["error"]["category"] == "credentials", d["error"]
	PY
	echo "json: a fresh blob, its apply and join record agree; the failure's error object is the schema's" ;;
bundle)
	# a bulk run's manifest, listed and taken apart by odj-inspect
	prep_admin --count 2 --name-template "BN$tag-%d" --bundle "$dir/fleet.tgz" >"$dir/out" 2>&1 || fail "bulk: $(cat "$dir/out")"
	tar -xzOf "$dir/fleet.tgz" manifest.json >"$dir/manifest.json" || fail "no manifest"
	"$inspect" --json --bundle - <"$dir/fleet.tgz" >"$dir/listing.json" || fail "inspect --bundle -"
	valid bundle_manifest "$dir/manifest.json" "$dir/listing.json"
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert all(e["machine_sid"].startswith("S-1-5-21-") and e["dns_host_name"] for e in m["machines"]), m' "$dir/manifest.json" ||
		fail "manifest entries"
	"$inspect" --bundle "$dir/fleet.tgz" --name "BN$tag-1" --savefile "$dir/one.odj" >/dev/null || fail "extract"
	new_root
	unshare -n "$apply" --blob "$dir/one.odj" --root "$dir/root" --consume >"$dir/out" 2>&1 || fail "apply extracted: $(cat "$dir/out")"
	KRB5CCNAME="FILE:$dir/m.cc" kinit -k -t "$dir/root/etc/krb5.keytab" "BN$tag-1\$@$TESTDC_REALM" ||
		fail "kinit -k with the extracted blob's keytab"
	echo "bundle: manifest valid, one blob extracted, applied and kinit -k works" ;;
esac
exit $((failures > 0))
