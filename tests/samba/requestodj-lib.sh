# Samba's own offline join, for test scripts that source this file.

# requestodj DIR NAME BLOB: `net offlinejoin requestodj` from the blob file
# BLOB as the client NAME (its NetBIOS name), in a private configuration
# below DIR (DIR/smb.conf; the secrets land in DIR/private/secrets.tdb) and
# with no network: its own network namespace, whose loopback is the one
# interface (Samba wants one).  Its output goes to DIR/net.out; returns its
# exit status.
requestodj() {
	local dir=$1 name=$2 blob=$3
	mkdir -p "$dir"/{private,state,lock,cache,run}
	cat >"$dir/smb.conf" <<CONF
[global]
	netbios name = $name
	workgroup = ODJ
	realm = ODJ.TEST
	security = ads
	kerberos method = secrets only
	interfaces = lo
	private dir = $dir/private
	state directory = $dir/state
	lock directory = $dir/lock
	cache directory = $dir/cache
	pid directory = $dir/run
	ncalrpc dir = $dir/run/ncalrpc
	log file = $dir/log.%m
	log level = 0
CONF
	unshare -n sh -c 'ip link set lo up && exec net offlinejoin requestodj --configfile="$1" loadfile="$2"' \
		sh "$dir/smb.conf" "$blob" >"$dir/net.out" 2>&1
}
