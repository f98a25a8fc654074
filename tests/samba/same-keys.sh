#!/bin/bash
# secrets.tdb from odj-apply holds the same bytes, key by key, as the one
# Samba's own `net offlinejoin requestodj` writes for the same blob (a Samba
# blob whose password is 120 random UTF-16 code units).  No DC is needed.
# Usage: same-keys.sh ODJ-APPLY VECTORS-DIR
set -uo pipefail
apply=$1 vec=$2
blob=$vec/samba-4.17-net-offlinejoin-ODJCLI01.odj
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
. "$(dirname "$0")/requestodj-lib.sh"
sd=$dir/samba
mkdir -p "$dir/root"
requestodj "$sd" ODJCLI01 "$blob" || { cat "$sd/net.out"; fail "requestodj"; }
unshare -n "$apply" --samba --blob "$blob" --root "$dir/root" >/dev/null || fail "odj-apply"
ours=$dir/root/var/lib/samba/private/secrets.tdb
keys() { tdbdump "$1" | sed -n 's/^key([0-9]*) = "\(.*\)"$/\1/p' | sort; }
echo "odj-apply's keys:"; keys "$ours" | sed 's/^/  /'
echo "requestodj's keys:"; keys "$sd/private/secrets.tdb" | sed 's/^/  /'
# Exactly Samba's legacy join keys: what requestodj writes but Samba's own
# record (MACHINE_DOMAIN_INFO, PROTECT/IDS) and the local SID, made on first use.
want=$(keys "$sd/private/secrets.tdb" | grep -v -e MACHINE_DOMAIN_INFO -e PROTECT/IDS -e SECRETS/SID/ODJCLI01)
[ "$(keys "$ours")" = "$want" ] || fail "odj-apply's keys are not requestodj's legacy keys"
for k in $(keys "$ours"); do
	a=$(tdbdump -k "$k" "$sd/private/secrets.tdb") || fail "requestodj wrote no $k"
	b=$(tdbdump -k "$k" "$ours")
	if [ "$k" = SECRETS/MACHINE_LAST_CHANGE_TIME/ODJ ]; then
		[ ${#a} -eq ${#b} ] || fail "$k: another size"
		echo "same size: $k (a time)"
		continue
	fi
	[ "$a" = "$b" ] || fail "$k differs from requestodj's"
	echo "same bytes: $k"
done
echo "ok: every key odj-apply writes holds the bytes requestodj writes"
