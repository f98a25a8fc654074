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

fault_counter() { nft list table inet "$fault_table" 2>/dev/null | grep -o 'packets [0-9]*' | awk '{s += $2} END {print s + 0}'; }
