#!/bin/bash
# odj-inspect on the vectors and on damaged files: output, redaction, exit status.
set -u
tool=$1
vec=$2
. "$(dirname "$0")/common.sh"


# A Samba blob for a person.
run 0 "$tool" "$vec/samba-4.17-net-offlinejoin-ODJCLI01.odj"
has "$tmp/out" "Domain:          odj.test"
has "$tmp/out" "Machine:         ODJCLI01"
has "$tmp/out" "Password:        <redacted> (120 UTF-16 code units)"
has "$tmp/out" "Machine RID:     1103"
has "$tmp/out" "Domain SID:      S-1-5-21-1004336348-1177238915-682003330"
has "$tmp/out" "Domain GUID:     4b0d6f3e-5a1c-4f5e-9c61-2a7b8e0d0d01"
has "$tmp/out" "DC:              \\\\dc1.odj.test"
has "$tmp/out" "DC flags:        0xe00013fd PDC|GC|LDAP|DS|KDC|TIMESERV|CLOSEST|WRITABLE|GOOD_TIMESERV|FULL_SECRET_DOMAIN_6|DNS_CONTROLLER|DNS_DOMAIN|DNS_FOREST"
has "$tmp/out" "DC site:         Default-First-Site-Name"
has "$tmp/out" "Options:         0x00000006 REUSE_ACCOUNT|USE_DEFAULT_PASSWORD"
has "$tmp/out" "part 0: JOIN_PROVIDER {631c7621-5289-4321-bc9e-80f843f868c3} flags 0x1 (ESSENTIAL)"
has "$tmp/out" "part 1: JOIN_PROVIDER3 {fc0ccf25-7ffa-474a-8611-69ffe269645f} flags 0x0"
[ -s "$tmp/err" ] && fail "stderr not empty: $(cat "$tmp/err")"

# A Windows blob with an ASCII password: the password appears nowhere, text or JSON.
pw='ix!#Bp48N[YhK;8/F,K)b&x?W-mCA'
run 0 "$tool" "$vec/windows-djoin-tranquilit-TESTSF88.odj"
has "$tmp/out" "Machine:         TESTSF88"
has "$tmp/out" "Referents:       Windows style"
lacks "$tmp/out" "$pw"
run 0 "$tool" --json "$vec/windows-djoin-tranquilit-TESTSF88.odj"
has "$tmp/out" '"machine_password":"<redacted>"'
has "$tmp/out" '"machine_rid":104072'
has "$tmp/out" '"flags":3758101500'
lacks "$tmp/out" "$pw"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/out" || fail "--json output is not JSON"
fi

# The bare base64 text on standard input; extra parts and the unknown essential part.
"$tool" - <"$vec/synthetic-extra-parts.txt" >"$tmp/out" 2>"$tmp/err" || fail "stdin: exit $?"
has "$tmp/out" "part 4: UNKNOWN {deadbeef-0000-0000-0000-000000000001} flags 0x1 (ESSENTIAL), 3 bytes"
has "$tmp/out" "Warning: part 4 {deadbeef-0000-0000-0000-000000000001} is marked essential"

# Damaged files: exit 2 with code, symbol and friendly text.
sed 's/AAAA/AA!A/' "$vec/synthetic-win7-format-only.txt" >"$tmp/badchar.txt"
run 2 "$tool" "$tmp/badchar.txt"
has "$tmp/err" "odj-inspect: 0xA96 2710 NERR_BadOfflineJoinInfo The offline join completion information was bad."
has "$tmp/err" "character U+0021 is not base64"
lacks "$tmp/out" "Machine"
head -c 1000 "$vec/samba-4.17-net-offlinejoin-ODJCLI01.txt" >"$tmp/truncated.txt"
run 2 "$tool" "$tmp/truncated.txt"
has "$tmp/err" "0xA96 2710 NERR_BadOfflineJoinInfo"
has "$tmp/err" "detail: NDR offset"
run 2 "$tool" "$vec/synthetic-bad-ulversion-2.odj"
has "$tmp/err" "0xA9F 2719 NERR_ProvisioningBlobUnsupported Computer account provisioning blob version is not supported."
: >"$tmp/empty.odj"
run 2 "$tool" "$tmp/empty.odj"
has "$tmp/err" "0xA95 2709 NERR_NoOfflineJoinInfo"
run 2 "$tool" "$tmp/does-not-exist.odj"
has "$tmp/err" "0x2 2 ERROR_FILE_NOT_FOUND"

# The other modes still work.
run 0 "$tool" --explain 0xA96
has "$tmp/out" "0xA96 2710 NERR_BadOfflineJoinInfo"
run 0 "$tool" --version
has "$tmp/out" "odj-inspect (odj)"
run 2 "$tool"

[ "$failures" -eq 0 ] && echo "odj-inspect: all checks passed"
exit $((failures > 0))
