#!/bin/bash
# The stock OpenLDAP client reads the same domain facts over SASL GSSAPI.
set -euo pipefail
printf '%s\n' "$TESTDC_ADMINPASS" | kinit "administrator@$TESTDC_REALM" >/dev/null
out=$(ldapsearch -LLL -Y GSSAPI -H "ldap://$TESTDC_DC" -b "$TESTDC_BASEDN" -s base objectSid objectGUID 2>&1)
echo "$out"
# objectSid / objectGUID of the fixed provision, base64 as ldapsearch prints them
grep -qx 'objectSid:: AQQAAAAAAAUVAAAA3PTcO4M9K0aCi6Yo' <<<"$out"
grep -qx 'objectGUID:: Pm8NSxxaXk+cYSp7jg0NAQ==' <<<"$out"
grep -q 'SASL data security layer installed' <<<"$out"
kdestroy
