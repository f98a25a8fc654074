# Sourced by testdc: a domain of 2 or 3 writable DCs (TESTDC_DCS), the
# cache of its joined DCs, and the replication and per-DC controls.

readonly NCS=("$BASEDN" "CN=Configuration,$BASEDN" "CN=Schema,CN=Configuration,$BASEDN"
	"DC=DomainDnsZones,$BASEDN" "DC=ForestDnsZones,$BASEDN")

# Runs "$@" where the DCs' names resolve: in the shell's namespace, or in
# the namespace of a running DC.
in_dc_ns() {
	if in_namespace; then
		"$@"
	else
		local k
		k=$(running_dc) || die "no DC of this instance runs"
		nsenter -t "$(samba_pid "$k")" -m -- env TESTDC_IN_NS="$D" "$@"
	fi
}

readonly ADMIN=(-U "administrator%$ADMINPASS")

# ---------------------------------------------------------------- the cache ---

domain_key() {
	printf '%s\n' "$(template_key)" "$NDCS" "${IPS[@]:0:$NDCS}" "$PREFORK" "domain-v1" |
		sha256sum | cut -c1-16
}

# The domain with dc2..dcN joined, built once into $CACHE/domain-<key> (one
# directory per DC: private, state, bind-dns) from a provision copy whose
# DCs ran on the instance's addresses and replicated until they agreed.
ensure_domain() { # TEMPLATE-DIR
	local tpl=$1 key dom k
	key=$(domain_key)
	dom=$CACHE/domain-$key
	exec 8>"$CACHE/.domain.lock"
	flock 8
	if [ ! -f "$dom/.complete" ]; then
		local t0 work=$dom.tmp
		t0=$(now)
		say "joining dc2..dc$NDCS to the template domain into $dom (once)"
		rm -rf "$dom" "$work"
		TESTDC_DIR=$work TESTDC_IN_NS= TESTDC_DCS=$NDCS TESTDC_IPS="${IPS[*]}" \
			"$SELF" _build-domain "$tpl" >"$dom.build.log" 2>&1 || {
			tail -n 40 "$dom.build.log" >&2
			die "building the $NDCS-DC domain failed (log: $dom.build.log)"
		}
		mkdir -p "$dom.new"
		for k in $(seq 1 "$NDCS"); do
			local from=$work/dc$k
			[ "$k" != 1 ] || from=$work/dc
			mkdir -p "$dom.new/dc$k"
			cp -a "$from/private" "$from/state" "$from/bind-dns" "$dom.new/dc$k/"
		done
		mv "$dom.build.log" "$dom.new/build.log"
		rm -rf "$work"
		touch "$dom.new/.complete"
		mv "$dom.new" "$dom"
		say "joined in $(elapsed "$t0") s"
	fi
	echo "$dom"
}

cmd_build_domain() { # TEMPLATE-DIR; runs with D = the work directory
	local tpl=$1 k
	set -E
	trap 'echo "testdc: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
	trap 'stop_processes' EXIT
	make_skeleton
	install_dc 1 "$tpl"
	launch_dc 1
	wait_ready 1
	for k in $(seq 2 "$NDCS"); do
		join_dc "$k"
		launch_dc "$k"
		wait_ready "$k"
		register_dc "$k"
		say "dc$k joined and registered"
	done
	repl_sync
	for k in $(seq 1 "$NDCS"); do
		in_dc_ns samba-tool drs showrepl "dc$k.$DNSDOMAIN" "${ADMIN[@]}" >"$D/showrepl.$k" 2>&1 ||
			{ cat "$D/showrepl.$k"; die "showrepl on dc$k failed"; }
		! grep -q 'consecutive failure' "$D/showrepl.$k" ||
			grep -q '0 consecutive failure' "$D/showrepl.$k" || true
	done
	stop_processes
	trap - EXIT
}

# "samba-tool domain join ... DC" of DC K into $D/dcK, from inside a
# namespace where the DCs' names resolve.
join_dc() { # K
	local k=$1 tmp=$D/join$1
	mkdir -p "$(dc_run "$k")" "$(dc_logdir "$k")"
	say "joining dc$k.$DNSDOMAIN ($(dc_ip "$k"))"
	TESTDC_NS_DC=$k unshare -m --propagation private "$SELF" _ns-exec \
		samba-tool domain join "$DNSDOMAIN" DC -U "administrator%$ADMINPASS" --server="$DCFQDN" \
		--targetdir="$tmp" --dns-backend=SAMBA_INTERNAL --option="netbios name=DC$k" \
		--option="interfaces=$(dc_ip "$k")/8" --option="bind interfaces only=yes" \
		--option="dns forwarder=127.0.0.9" --option="disable netbios=yes"
	install_dc "$k" "$tmp"
	rm -rf "$tmp"
}

# What the (switched off) dnsupdate service would do for a joined DC: its
# A, SRV and NTDS GUID CNAME records in the zone, and its own SPNs (ldap/...).
register_dc() { # K
	local k=$1
	in_dc_ns samba_spnupdate -s "$(dc_conf "$k")"
	in_dc_ns samba_dnsupdate -s "$(dc_conf "$k")" --use-samba-tool --all-names \
		--current-ip="$(dc_ip "$k")" --rpc-server-ip="$IP" || die "samba_dnsupdate for dc$k failed"
	# dc1 must accept tickets for ldap/dcK at once, before replication.
	in_dc_ns samba_spnupdate -s "$(dc_conf 1)" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------- replication ---

running_dcs() {
	local k
	for k in $(seq 1 "$NDCS"); do samba_pid "$k" >/dev/null && echo "$k"; done
	return 0
}

repl_options() { # +|-
	local k opt
	[ -n "$(running_dcs)" ] || die "repl: no DC of this instance runs"
	for k in $(running_dcs); do
		for opt in DISABLE_INBOUND_REPL DISABLE_OUTBOUND_REPL; do
			in_dc_ns samba-tool drs options "dc$k.$DNSDOMAIN" --dsa-option="$1$opt" "${ADMIN[@]}" >/dev/null ||
				die "drs options $1$opt on dc$k failed"
		done
	done
}

# The objects of the domain partition as one DC's database holds them
# (read from its files: cheap, and no client ticket is needed).
dc_objects() { # K
	ldbsearch --configfile="$(dc_conf "$1")" -H "$(dc_dir "$1")/private/sam.ldb" -b "$BASEDN" \
		--scope=sub '(objectClass=*)' dn 2>/dev/null | grep '^dn: ' | sort
}

repl_sync() {
	local dcs round dst sums
	dcs=$(running_dcs)
	[ "$(wc -w <<<"$dcs")" -ge 2 ] || die "repl sync: fewer than two DCs run"
	for round in 1 2 3 4 5; do
		in_dc_ns env TESTDC_ADMINPASS="$ADMINPASS" "$(dirname "$SELF")/testdc-drs.py" "$D/client/smb.conf" \
			"$BASEDN" sync $(for dst in $dcs; do echo "dc$dst.$DNSDOMAIN"; done) ||
			die "repl sync: a replication failed (is replication paused?)"
		sums=$(for dst in $dcs; do dc_objects "$dst" | sha256sum; done | sort -u | wc -l)
		if [ "$sums" = 1 ]; then
			local first n
			first=$(head -n 1 <<<"$dcs")
			n=$(dc_objects "$first" | wc -l)
			say "in sync after $round round(s): every DC ($(echo $dcs | sed 's/\([0-9]\)/dc\1/g')) has the same $n objects in $BASEDN"
			return 0
		fi
	done
	die "repl sync: the DCs still differ after 5 rounds"
}

cmd_repl() {
	case ${1:-} in
	pause) repl_options + && say "replication paused on $(running_dcs | sed 's/^/dc/' | tr '\n' ' ')" ;;
	resume) repl_options - && say "replication resumed on $(running_dcs | sed 's/^/dc/' | tr '\n' ' ')" ;;
	sync) repl_sync ;;
	*) die "repl pause|resume|sync" ;;
	esac
}

# ------------------------------------------------------------- one DC ---

cmd_dc() {
	local k=${1:-} what=${2:-}
	[[ $k =~ ^[1-3]$ ]] && [ "$k" -le "$NDCS" ] || die "dc K stop|start|kill (K = 1..$NDCS)"
	case $what in
	stop) stop_processes "$k" && say "dc$k stopped" ;;
	kill) stop_processes "$k" KILL && say "dc$k killed (SIGKILL)" ;;
	start)
		if samba_pid "$k" >/dev/null; then say "dc$k already runs"; return 0; fi
		[ -f "$(dc_conf "$k")" ] || die "dc$k has no smb.conf in $(dc_dir "$k") ($(ls -A "$(dc_dir "$k")" 2>&1 | tr "\n" " ")); testdc start first"
		check_ports_free "$k"
		rm -f "$(dc_run "$k")/samba.pid"
		launch_dc "$k"
		wait_ready "$k"
		say "dc$k started (pid $(samba_pid "$k"))"
		;;
	*) die "dc K stop|start|kill" ;;
	esac
}

# -------------------------------------------------------------- DNS order ---

# Gives DC K's SRV records priority 0 and the others' priority 10, on every
# running DC's DNS (replication may be paused), so that discovery by SRV
# tries DC K first.
cmd_dns_first() {
	local first=${1:-}
	[[ $first =~ ^[1-3]$ ]] && [ "$first" -le "$NDCS" ] || die "dns first K (K = 1..$NDCS)"
	in_dc_ns env TESTDC_ADMINPASS="$ADMINPASS" "$(dirname "$SELF")/testdc-drs.py" "$D/client/smb.conf" \
		"$BASEDN" dns-first "$DNSDOMAIN" "dc$first.$DNSDOMAIN" $(for k in $(running_dcs); do dc_ip "$k"; done) >/dev/null ||
		die "dns first $first failed"
	say "SRV records on $(running_dcs | sed 's/^/dc/' | tr '\n' ' ')list dc$first first"
}
