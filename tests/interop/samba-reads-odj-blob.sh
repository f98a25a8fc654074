#!/bin/bash
# Samba reads a blob odj wrote, odj's Linux part included:
#  1. ndrdump parses it as ODJ_PROVISION_DATA;
#  2. "net offlinejoin requestodj" joins from it in a private client
#     configuration, with no network (its own network namespace);
#  3. secrets.tdb then holds exactly the blob's password (as Samba stores it:
#     UTF-8 plus a NUL) and the domain SID (Samba 4.17 can report success and
#     write nothing, so the result is read back with tdbdump).
# Usage: samba-reads-odj-blob.sh ODJ-MAKE-BLOB ODJ-INSPECT
set -euo pipefail
make_blob=$1
inspect=$2
for tool in ndrdump net tdbdump unshare python3; do
	command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
unshare -n true 2>/dev/null || { echo "SKIP: cannot make a network namespace"; exit 77; }

tmp=$(mktemp -d /tmp/odj-interop.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
domain_sid=S-1-5-21-1004336348-1177238915-682003330
# A test password with non-ASCII characters: Samba converts the UTF-16 on the wire.
password='Interop-Pässwörd-€-0123-odj'

"$make_blob" --domain odj.test --netbios ODJ --machine ODJCLI03 --password "$password" \
	--domain-sid $domain_sid --domain-guid 4b0d6f3e-5a1c-4f5e-9c61-2a7b8e0d0d01 --rid 1107 \
	--dc-name dc1.odj.test --dc-address 127.0.0.5 --kvno 2 --enctypes 0x1c \
	--spn HOST/ODJCLI03.odj.test --spn HOST/ODJCLI03 --upn host/odjcli03.odj.test@ODJ.TEST \
	--pwd-last-set 134050000000000000 --created 134050000000000000 \
	--odj "$tmp/blob.odj" --bin "$tmp/blob.bin"

# The blob does carry the Linux part (else this test would prove nothing).
"$inspect" --json "$tmp/blob.odj" >"$tmp/inspect.json"
python3 - "$tmp/inspect.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
parts = j["entries"][1]["parts"]
assert [p["name"] for p in parts] == ["JOIN_PROVIDER", "JOIN_PROVIDER3", "ODJ_LINUX_PROVIDER"], parts
assert parts[2]["type"] == "ee3c23a1-bbbe-4990-913a-f271f2e24190" and parts[2]["flags"] == 0
assert j["linux"]["sam_account_name"] == "ODJCLI03$" and j["linux"]["kvno"] == 2
PY

echo "== ndrdump"
ndrdump ODJ ODJ_PROVISION_DATA_serialized_ptr struct "$tmp/blob.bin" >"$tmp/ndrdump.txt" 2>&1 || {
	cat "$tmp/ndrdump.txt"; echo "FAIL: ndrdump rejects the blob"; exit 1; }
grep -q "dump OK" "$tmp/ndrdump.txt" || { tail "$tmp/ndrdump.txt"; echo "FAIL: no 'dump OK'"; exit 1; }
grep -q "ee3c23a1-bbbe-4990-913a-f271f2e24190" "$tmp/ndrdump.txt" ||
	{ echo "FAIL: ndrdump does not show the Linux part"; exit 1; }
echo "ndrdump: dump OK, Linux part present"

echo "== net offlinejoin requestodj (no network)"
. "$(dirname "$0")/../samba/requestodj-lib.sh"
requestodj "$tmp" ODJCLI03 "$tmp/blob.odj" || {
	cat "$tmp/net.out"; echo "FAIL: requestodj failed"; exit 1; }
cat "$tmp/net.out"
grep -q "Successfully requested Offline Domain Join" "$tmp/net.out"

echo "== secrets.tdb"
tdbdump "$tmp/private/secrets.tdb" >"$tmp/secrets.txt"
python3 - "$tmp/secrets.txt" "$password" "$domain_sid" <<'PY'
import re, struct, sys
dump, password, sid = open(sys.argv[1], encoding="latin-1").read(), sys.argv[2], sys.argv[3]

def unescape(s):
    # tdbdump writes printable bytes as they are and the others as \XX.
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] == "\\":
            out.append(int(s[i + 1:i + 3], 16)); i += 3
        else:
            out.append(ord(s[i])); i += 1
    return bytes(out)

records = {unescape(k): unescape(v) for k, v in
           re.findall(r'key\(\d+\) = "(.*?)"\ndata\(\d+\) = "(.*?)"\n', dump)}
pw = records.get(b"SECRETS/MACHINE_PASSWORD/ODJ")
want = password.encode("utf-8") + b"\0"
if pw != want:
    sys.exit(f"FAIL: SECRETS/MACHINE_PASSWORD/ODJ is {pw!r}, expected {want!r}")
parts = sid.split("-")
subs = [int(x) for x in parts[3:]]
want_sid = bytes([1, len(subs)]) + int(parts[2]).to_bytes(6, "big") + \
    b"".join(struct.pack("<I", s) for s in subs)
want_sid += b"\0" * (68 - len(want_sid))
got_sid = records.get(b"SECRETS/SID/ODJ")
if got_sid != want_sid:
    sys.exit(f"FAIL: SECRETS/SID/ODJ is {got_sid!r}, expected {want_sid!r}")
print(f"SECRETS/MACHINE_PASSWORD/ODJ = the blob's password as UTF-8 + NUL ({len(want)} bytes)")
print(f"SECRETS/SID/ODJ = {sid} (68 bytes)")
PY
echo "PASS"
