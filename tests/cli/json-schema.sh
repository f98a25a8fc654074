#!/bin/bash
# json-schema.sh SCHEMA INSPECT APPLY PREPARE MAKE_BUNDLE VECTORS: every JSON odj
# writes follows man/odj-json.schema.json, and the same fact has the same
# name and value in each: odj-inspect --json (blobs, a bundle listing, an
# extraction, --explain), odj-apply --json, the join record, a bundle's
# manifest, and the failure object of all three tools.
set -u
schema=$1 inspect=$2 apply=$3 prepare=$4 make_bundle=$5 vec=$6
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
valid() { # DOCUMENT FILE...
	"$here/validate-json.py" "$schema" "$@" || fail "not valid: $*"
}
new_root() {
	rm -rf "$tmp/root"
	mkdir -p "$tmp/root/etc"
	echo debian >"$tmp/root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n' >"$tmp/root/etc/hosts"
}

# odj-inspect on every vector that decodes
n=0
for b in "$vec"/*.odj; do
	"$inspect" --json "$b" >"$tmp/inspect-$n.json" 2>/dev/null || { rm -f "$tmp/inspect-$n.json"; continue; }
	n=$((n + 1))
done
[ "$n" -ge 5 ] || fail "only $n vectors decoded"
valid inspect "$tmp"/inspect-*.json

# signed and sealed blobs: the envelope; a request; a signing key
"$inspect" --json "$vec/signed-ODJCLI01.odj-signed" >"$tmp/signed.json" || fail "inspect signed"
"$inspect" --json "$vec/sealed-ODJCLI01.odj-sealed" >"$tmp/sealed.json" || fail "inspect sealed"
valid inspect "$tmp/signed.json"
valid inspect_envelope "$tmp/sealed.json"
new_root
"$apply" --json --request "$tmp/req" --root "$tmp/root" --machine ODJCLI01 >"$tmp/request.json" || fail "request"
valid request "$tmp/request.json"
"$prepare" --json --new-signing-key "$tmp/k" >"$tmp/key.json" || fail "new signing key"
valid signing_key "$tmp/key.json"
python3 - "$tmp/signed.json" "$tmp/sealed.json" <<-'PY' || fail "the envelopes"
import json, sys
signed, sealed = (json.load(open(f))["envelope"] for f in sys.argv[1:])
assert signed["kind"] == "signed" and signed["recipient_keyid"] is None, signed
assert sealed["kind"] == "sealed" and sealed["recipient_keyid"], sealed
assert signed["machine"] == sealed["machine"] == "ODJCLI01"
PY

# odj-apply --json and the join record, for a blob with odj's part and one without
for b in odj-part-ODJCLI02 samba-4.17-net-offlinejoin-ODJCLI01; do
	new_root
	cp "$vec/$b.odj" "$tmp/blob.odj" && chmod 600 "$tmp/blob.odj"
	unshare -n "$apply" --json --blob "$tmp/blob.odj" --root "$tmp/root" >"$tmp/apply-$b.json" ||
		fail "odj-apply --json $b: exit $?"
	cp "$tmp/root/var/lib/odj/join.json" "$tmp/record-$b.json"
	unshare -n "$apply" --json --blob "$tmp/blob.odj" --root "$tmp/root" >"$tmp/reapply-$b.json" ||
		fail "odj-apply --json (again) $b: exit $?"
	unshare -n "$apply" --json --dry-run --rejoin --blob "$vec/windows-djoin-tranquilit-TESTSF88.odj" \
		--root "$tmp/root" >"$tmp/dryrun-$b.json" 2>/dev/null || fail "odj-apply --json --dry-run: exit $?"
	"$inspect" --json "$vec/$b.odj" >"$tmp/facts-$b.json"
	valid apply "$tmp/apply-$b.json" "$tmp/reapply-$b.json" "$tmp/dryrun-$b.json"
	valid join_record "$tmp/record-$b.json"
	# one vocabulary: a name the three share holds the same value in each
	python3 - "$tmp/facts-$b.json" "$tmp/apply-$b.json" "$tmp/record-$b.json" <<-'PY' || fail "$b: the outputs disagree"
	import json, sys
	docs = [json.load(open(f)) for f in sys.argv[1:]]
	names = ["domain", "netbios_domain", "forest", "realm", "domain_sid", "domain_guid", "machine",
	         "sam_account_name", "dns_host_name", "machine_sid", "machine_rid", "dc", "site",
	         "kvno", "enctypes", "default_password", "keytab", "blob_source", "kvno_source", "kvnos"]
	shared = 0
	for n in names:
	    values = [d[n] for d in docs if d.get(n) is not None]
	    if len(values) >= 2:
	        shared += 1
	        assert all(v == values[0] for v in values), f"{n}: {values}"
	assert shared >= 10, f"only {shared} names shared"
	print(f"{sys.argv[1]}: {shared} names agree across odj-inspect, odj-apply and join.json")
	PY
done

# a bundle: its manifest, odj-inspect's listing (from a file and from stdin), an extraction
"$make_bundle" "$tmp/fleet.tgz" "$vec/odj-part-ODJCLI02.odj" "$vec/samba-4.17-net-offlinejoin-ODJCLI01.odj" ||
	fail "make_bundle"
tar -xzOf "$tmp/fleet.tgz" manifest.json >"$tmp/manifest.json" || fail "no manifest.json in the bundle"
"$inspect" --json --bundle "$tmp/fleet.tgz" >"$tmp/listing.json" || fail "odj-inspect --json --bundle: exit $?"
"$inspect" --json --bundle - <"$tmp/fleet.tgz" >"$tmp/listing-stdin.json" || fail "odj-inspect --json --bundle -: exit $?"
valid bundle_manifest "$tmp/manifest.json" "$tmp/listing.json" "$tmp/listing-stdin.json"
"$inspect" --json --bundle "$tmp/fleet.tgz" --name ODJCLI02 >"$tmp/bundle-blob.json" || fail "--bundle --name: exit $?"
"$inspect" --json --bundle "$tmp/fleet.tgz" --name ODJCLI02 --savefile "$tmp/x.odj" >"$tmp/extract.json" ||
	fail "--savefile: exit $?"
valid inspect "$tmp/bundle-blob.json"
valid inspect_extract "$tmp/extract.json"
"$inspect" --json --explain 0x40 >"$tmp/explain.json" || fail "--explain --json: exit $?"
valid explain "$tmp/explain.json"

# the failure object: the same in the three tools, for a usage error and a real one
i=0
for cmd in "$inspect --json --no-such-option" "$apply --json --no-such-option" \
	"$prepare --json --no-such-option" "$inspect --json $tmp/missing.odj" \
	"$apply --json --blob $tmp/missing.odj --root $tmp/root" "$prepare --json --check" \
	"$inspect --json --explain 0xdeadbeef" "$apply --explain 0x40 --json extra"; do
	$cmd >"$tmp/failure-$i.json" 2>"$tmp/failure-$i.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$cmd: exit $rc, expected 2"
	[ -s "$tmp/failure-$i.err" ] || fail "$cmd: nothing on stderr"
	i=$((i + 1))
done
valid failure "$tmp"/failure-*.json

echo "json-schema: $n blobs, 6 applies, 2 join records, 3 manifests/listings, an extraction, --explain and $i failures valid against $(basename "$schema")"
exit $((failures > 0))
