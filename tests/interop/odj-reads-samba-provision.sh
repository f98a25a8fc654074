#!/bin/bash
# odj decodes what Samba's "net offlinejoin provision" writes against the
# test DC: domain, machine, SIDs and a 120-unit random password.  Runs in the
# test DC's namespace (tests/dc/testdc check).  Usage: SCRIPT ODJ-INSPECT
set -euo pipefail
inspect=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/odj-provision.XXXXXX)
machine=ODJPRV$(printf '%05d' $(($$ % 100000)))
cleanup() {
	ldapdelete -Y GSSAPI "CN=$machine,CN=Computers,$TESTDC_BASEDN" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

printf '%s\n' "$TESTDC_ADMINPASS" | kinit "$TESTDC_ADMIN@$TESTDC_REALM" >/dev/null
net offlinejoin provision --configfile="$TESTDC_SMBCONF" --use-kerberos=required \
	--use-krb5-ccache="${KRB5CCNAME#FILE:}" domain="$TESTDC_DOMAIN" machine_name="$machine" \
	dcname="$TESTDC_DC" savefile="$tmp/provision.odj" >"$tmp/net.out" 2>&1 ||
	{ cat "$tmp/net.out"; fail "net offlinejoin provision failed"; }
[ -s "$tmp/provision.odj" ] || fail "net wrote no blob"
echo "net offlinejoin provision wrote $(stat -c %s "$tmp/provision.odj") bytes for $machine"

"$inspect" --json "$tmp/provision.odj" >"$tmp/inspect.json" || fail "odj cannot decode Samba's blob"
python3 - "$tmp/inspect.json" "$machine" <<'PY'
import json, os, sys
j, machine = json.load(open(sys.argv[1])), sys.argv[2]
env = os.environ
join = j  # the blob's facts are top-level names of odj-json.schema.json
checks = {
    "domain": (join["domain_given"].lower(), env["TESTDC_DOMAIN"].lower()),
    "NetBIOS domain": (join["netbios_domain"].upper(), env["TESTDC_NETBIOS"].upper()),
    "DNS domain": (join["domain"].lower(), env["TESTDC_DOMAIN"].lower()),
    "machine": (join["machine"].upper(), machine.upper()),
    "domain SID": (join["domain_sid"], env["TESTDC_SID"]),
    "machine SID": (j["machine_sid"], "%s-%d" % (env["TESTDC_SID"], j["machine_rid"])),
    "password units": (join["machine_password_units"], 120),
    "formats": ([b["format"] for b in j["entries"]], [1, 2]),
    "parts": ([p["name"] for p in j["entries"][1]["parts"]], ["JOIN_PROVIDER", "JOIN_PROVIDER3"]),
    "warnings": (j["warnings"], []),
}
bad = [f"{k}: {got!r} != {want!r}" for k, (got, want) in checks.items() if got != want]
if bad or j["machine_rid"] < 1000:
    sys.exit("FAIL: " + "; ".join(bad or ["RID %d" % j["machine_rid"]]))
print(f"odj decodes it: {join['domain']} / {join['netbios_domain']}, machine {join['machine']}, "
      f"RID {j['machine_rid']}, {j['machine_sid']}, password of 120 UTF-16 units")
PY
echo PASS
