# Fault injection on the test DC's Kerberos replies with nftables (sourced).
# Only packets from the DC's address and port 88 are matched; the table is
# removed by a trap whatever happens.
fault_table=odjfault_${TESTDC_INSTANCE:-default}

fault_clear() { nft delete table inet "$fault_table" 2>/dev/null || true; }

fault_on() { # swallow-tgs | blackhole-kdc
	fault_clear
	trap fault_clear EXIT INT TERM
	nft add table inet "$fault_table"
	nft add chain inet "$fault_table" out '{ type filter hook output priority -10; policy accept; }'
	case $1 in
	swallow-tgs) # only the TGS-REP ([APPLICATION 13] = 0x6d) after TCP's length / first in UDP
		nft add rule inet "$fault_table" out ip saddr "$TESTDC_IP" tcp sport 88 @ih,32,8 0x6d counter drop
		nft add rule inet "$fault_table" out ip saddr "$TESTDC_IP" udp sport 88 @ih,0,8 0x6d counter drop ;;
	blackhole-kdc)
		nft add rule inet "$fault_table" out ip saddr "$TESTDC_IP" th sport 88 counter drop ;;
	*) echo "fault_on: unknown fault $1" >&2; return 2 ;;
	esac
}

# Swallows the TGS replies once the admin's ccache (KRB5CCNAME) holds a TGT and
# the session's own tickets (ldap/, cifs/): a run given --ccache then meets the
# fault only in the key proof's TGS exchange.
fault_swallow_proof_tgs() {
	printf '%s\n' "$TESTDC_ADMINPASS" | kinit administrator >/dev/null || return 1
	kvno "ldap/$TESTDC_DC" "cifs/$TESTDC_DC" >/dev/null || return 1
	fault_on swallow-tgs
}

fault_counter() { nft list table inet "$fault_table" 2>/dev/null | grep -o 'packets [0-9]*' | awk '{s += $2} END {print s + 0}'; }

# Counting (no dropping): packets to the DC, packets to any other address
# except DNS to the DC, and TCP SYNs to its KDC.  Only the sockets of a
# command run with count_run are counted (its group is count_gid): other
# DCs and tests on this machine send on the same loopback meanwhile.
count_table=odjcount_${TESTDC_INSTANCE:-default}
count_gid=$((61000 + $$ % 4000))
count_run() { setpriv --regid "$count_gid" --clear-groups "$@"; }
count_clear() { nft delete table inet "$count_table" 2>/dev/null || true; }
count_on() {
	count_clear
	nft add table inet "$count_table"
	nft add chain inet "$count_table" out '{ type filter hook output priority -20; policy accept; }'
	nft add rule inet "$count_table" out meta skgid "$count_gid" ip daddr "$TESTDC_IP" counter comment '"to-dc"'
	nft add rule inet "$count_table" out meta skgid "$count_gid" meta oif lo ip daddr != "$TESTDC_IP" ip saddr != "$TESTDC_IP" counter comment '"to-others"'
	nft add rule inet "$count_table" out meta skgid "$count_gid" ip daddr "$TESTDC_IP" tcp dport 88 tcp flags syn counter comment '"kdc-syn"'
}
count_read() { # prints: to-dc to-others kdc-syn
	nft list table inet "$count_table" | awk '
		/comment/ { for (i = 1; i <= NF; i++) if ($i == "packets") n = $(i + 1)
			    match($0, /comment "[a-z-]+"/); c = substr($0, RSTART + 9, RLENGTH - 10); v[c] = n }
		END { print v["to-dc"] + 0, v["to-others"] + 0, v["kdc-syn"] + 0 }'
}
