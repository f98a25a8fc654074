# Sourced.  run_sssd_check ROOT WORKDIR DOMAIN DC USER
# Starts stock sssd in a private mount namespace on ROOT's sssd.conf,
# krb5.conf and krb5.keytab, and resolves USER with getent and id.  A private
# copy of /etc (with the test DC's hosts and resolv.conf) carrying those files
# is mounted over /etc; /var/lib/sss and /var/log/sssd are private too.  A
# test-only conf.d drop-in pins the DC; sssd.conf itself is used as written.
run_sssd_check() {
	local root=$1 work=$2 domain=$3 dc=$4 user=$5
	rm -rf "$work/etc" "$work/sss" "$work/log"
	cp -a /etc "$work/etc" 2>/dev/null
	rm -rf "$work/etc/sssd" "$work/etc/krb5.keytab"
	cp -a "$root/etc/sssd" "$work/etc/sssd"
	cp -a "$root/etc/krb5.conf" "$root/etc/krb5.keytab" "$work/etc/"
	mkdir -p "$work/etc/sssd/conf.d"
	printf '[domain/%s]\nad_server = %s\nkrb5_use_kdcinfo = false\ndyndns_update = false\n' \
		"$domain" "$dc" >"$work/etc/sssd/conf.d/99-testdc.conf"
	chmod 600 "$work/etc/sssd/conf.d/99-testdc.conf"
	mkdir -p "$work/sss/db" "$work/sss/pipes/private" "$work/sss/mc" "$work/sss/pubconf" \
		"$work/sss/gpo_cache" "$work/sss/keytabs" "$work/log/sssd"
	chmod 700 "$work/sss/pipes/private"
	unshare -m --propagation private bash -c '
		work=$1 user=$2
		mount --bind "$work/etc" /etc && mount --bind "$work/sss" /var/lib/sss &&
			mount --bind "$work/log/sssd" /var/log/sssd || exit 9
		unset KRB5_CONFIG KRB5_KTNAME KRB5_CLIENT_KTNAME KRB5CCNAME
		sssd -i --logger=files -d 4 &
		pid=$!
		for i in $(seq 100); do [ -S /var/lib/sss/pipes/nss ] && break; sleep 0.1; done
		ok=1
		for i in $(seq 40); do
			if getent passwd "$user" >/dev/null; then ok=0; break; fi
			sleep 0.5
		done
		getent passwd "$user" && id "$user"
		kill $pid; wait $pid 2>/dev/null
		[ $ok -eq 0 ] || tail -30 /var/log/sssd/sssd_*.log
		exit $ok
	' sssd-check "$work" "$user"
}
