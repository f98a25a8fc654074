#!/bin/bash
# cloud-init.sh SOURCE_DIR ODJ_INSPECT: examples/cloud-init.yaml is valid
# cloud-config (`cloud-init schema`), and cloud-init's own write_files code,
# run with its paths moved below a temporary directory, writes a file that
# odj-inspect reads as a blob, mode 0600, owner root, at the path the
# first-boot unit watches; runcmd starts that unit.
set -u
src=$1
inspect=$2
cfg=$src/examples/cloud-init.yaml
unit=$src/examples/firstboot/odj-apply.service
failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
command -v cloud-init >/dev/null || { echo "FAIL: cloud-init is missing (scripts/install-deps)" >&2; exit 1; }
# cloud-init's modules belong to Debian's python, not to another python3 on PATH.
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$(cloud-init schema --config-file "$cfg" 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "cloud-init schema exited $rc: $out"
grep -q '^Valid cloud-config' <<<"$out" || fail "cloud-init schema did not say valid: $out"
grep -qi 'deprecat\|warn' <<<"$out" && fail "cloud-init schema warns: $out"

# The schema check itself rejects what a careless edit would write.
printf '#cloud-config\nwrite_files:\n  - path: /var/lib/odj/provision.odj\n    permissions: 0600\n    encoding: base65\n' >"$tmp/bad.yaml"
cloud-init schema --config-file "$tmp/bad.yaml" >/dev/null 2>&1 && fail "cloud-init schema accepted a broken write_files entry"

watched=$(sed -n 's/^ConditionPathExists=//p' "$unit")
[ -n "$watched" ] || fail "no ConditionPathExists in $unit"

# cloud-init's cc_write_files, as at boot, with every path below $tmp/root.
"$py" - "$cfg" "$tmp/root" "$watched" >"$tmp/py" 2>&1 <<'PY' || fail "write_files: $(cat "$tmp/py")"
import sys, yaml
from cloudinit.config import cc_write_files
cfg_path, root, watched = sys.argv[1:]
cfg = yaml.safe_load(open(cfg_path))
files = cfg.get("write_files") or []
blobs = [f for f in files if f.get("path") == watched]
if len(blobs) != 1:
    sys.exit("write_files has %d entries for %s" % (len(blobs), watched))
for f in files:
    f["path"] = root + f["path"]
# The distribution's default owner (Debian: root:root) for entries without one.
cc_write_files.write_files("write_files", files, "root:root")
runcmd = [c if isinstance(c, str) else " ".join(c) for c in cfg.get("runcmd") or []]
print("\n".join(runcmd))
PY
written=$tmp/root$watched
if [ -f "$written" ]; then
	mode=$(stat -c %a "$written")
	[ "$mode" = 600 ] || fail "write_files wrote $watched with mode $mode, not 600"
	if [ "$(id -u)" -eq 0 ]; then
		owner=$(stat -c %U:%G "$written")
		[ "$owner" = root:root ] || fail "write_files wrote $watched owned by $owner"
	fi
	"$inspect" "$written" >"$tmp/inspect" 2>&1 || fail "odj-inspect cannot read what cloud-init writes: $(cat "$tmp/inspect")"
	grep -q '^  Machine: ' "$tmp/inspect" || fail "odj-inspect shows no machine: $(cat "$tmp/inspect")"
	machine=$(sed -n 's/^  Machine: *//p' "$tmp/inspect")
else
	fail "write_files wrote nothing at $watched"
fi
grep -qx 'systemctl start odj-apply.service' "$tmp/py" || fail "runcmd does not start odj-apply.service: $(cat "$tmp/py")"
grep -q 'restart sssd' "$tmp/py" || fail "runcmd does not restart sssd"
[ "$(basename "$unit")" = odj-apply.service ] || fail "the unit file is not odj-apply.service"

echo "cloud-init.yaml: schema valid (a broken one rejected); write_files puts a blob of ${machine:-?} at $watched, mode 600; runcmd starts odj-apply.service"
exit $((failures > 0))
