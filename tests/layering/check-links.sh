#!/bin/sh
# Fails if any given ELF file needs libldap, liblber or libsmbclient, directly
# or through its dependencies (ldd resolves the whole tree).
set -eu
bad=0
for f in "$@"; do
	if ldd "$f" | grep -E 'lib(ldap|lber|smbclient)[.-]'; then
		echo "FAIL: $f links a network client library (above)" >&2
		bad=1
	else
		echo "ok: $f links neither libldap nor libsmbclient"
	fi
done
exit $bad
