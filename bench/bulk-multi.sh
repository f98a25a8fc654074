# bench/bulk multi: throughput across DCs (sourced by bench/bulk, which
# defines testdc, prep, work, N, in_dc, now, rate, check_dc and profile).
#
# Three runs of the same fleet, each on fresh DCs (prefork children 1):
#   M1  a one-DC domain, --dc dc1                      (the baseline)
#   M2  a two-DC domain, --dc dc1 only                 (what the second DC costs
#       when it only checks names and pulls replication)
#   M3  the two-DC domain, --dc dc1 --dc dc2           (the run spreads over both)
# For each: accounts/s (wall clock of the whole command), CPU seconds per
# account of each DC's samba processes by role, of odj-prepare, and of the
# whole machine (other work on it shows here), during the run and, with two
# DCs, again once replication has caught up ("testdc repl sync"): replication
# is paid by both DCs (drepl applies what it pulls, the rpc worker serves the
# other DC's pulls) and mostly after a short run, at the next 15 s pull.
PAR=${BENCH_PARALLEL:-2}

# fresh_dcs K: a fresh domain of K DCs
fresh_dcs() {
	"$testdc" stop >/dev/null 2>&1 || true
	TESTDC_DCS=$1 TESTDC_PREFORK=1 "$testdc" start >/dev/null 2>&1
}

# cpu_snap FILE K: CPU seconds of each process of DC 1..K, with its role, and the machine's busy time
cpu_snap() {
	local k args=()
	for k in $(seq 1 "$2"); do args+=("dc$k" $("$testdc" pids "$k") --); done
	python3 - "$1" "${args[@]}" <<'PY'
import json, os, sys
hz = os.sysconf("SC_CLK_TCK")
out, dcs, cur = {}, {}, None
args = sys.argv[2:]
i = 0
while i < len(args):
    a = args[i]
    if a == "--":
        cur = None
    elif cur is None:
        cur = a
        dcs[cur] = {}
    else:
        try:
            st = open("/proc/%s/stat" % a).read()
            role = open("/proc/%s/cmdline" % a).read().replace("\0", " ").strip()
            f = st[st.rindex(")") + 2:].split()
            dcs[cur][a] = [role, (int(f[11]) + int(f[12])) / hz]
        except OSError:
            pass
    i += 1
cpu = open("/proc/stat").readline().split()[1:]
busy = sum(int(x) for x in cpu) - int(cpu[3]) - int(cpu[4])  # all but idle and iowait
json.dump({"dcs": dcs, "machine": busy / hz}, open(sys.argv[1], "w"))
PY
}

# cpu_diff BEFORE AFTER N OUT-JSON: ms per account, per DC by role, and the machine
cpu_diff() {
	python3 - "$@" <<'PY'
import json, re, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
n = int(sys.argv[3])
res = {"machine": 1e3 * (b["machine"] - a["machine"]) / n, "dcs": {}}
for dc, procs in b["dcs"].items():
    before = a["dcs"].get(dc, {})
    roles = {}
    for p, (role, t) in procs.items():
        m = re.search(r"task\[(\w+)\]", role)
        key = m.group(1) if m else "other"
        key = {"drepl": "repl", "rpc": "repl"}.get(key, key)  # rpc serves the other DC's DsGetNCChanges
        if key not in ("ldap", "kdc", "repl"):
            key = "other"
        roles[key] = roles.get(key, 0) + 1e3 * (t - before.get(p, [role, 0])[1]) / n
    res["dcs"][dc] = roles
json.dump(res, open(sys.argv[4], "w"))
PY
}

# multi_run TAG K DCS...: one run of N machines on a fresh K-DC domain over DCS
multi_run() {
	local tag=$1 k=$2
	shift 2
	local dcopts="" d t0 t1
	for d in "$@"; do dcopts="$dcopts --dc $d.\$TESTDC_DOMAIN"; done
	fresh_dcs "$k"
	cpu_snap "$work/$tag.c0" "$k"
	t0=$(now)
	in_dc "printf '%s\n' \"\$TESTDC_ADMINPASS\" | '$prep' --domain \$TESTDC_DOMAIN $dcopts --user administrator --password-stdin --count $N --name-template '$tag-%04d' --parallel $PAR --out-dir '$work/$tag' --bundle '$work/$tag.tgz' --json >'$work/$tag.json' 2>'$work/$tag.err'; rc=\$?; times >'$work/$tag.times'; exit \$rc" ||
		{ tail "$work/$tag.err"; echo "bench/bulk: $tag failed" >&2; exit 1; }
	t1=$(now)
	cpu_snap "$work/$tag.c1" "$k"
	rate "$N" "$t0" "$t1" >"$work/$tag.rate"
	python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$t1" >"$work/$tag.wall"
	if [ "$k" -gt 1 ]; then
		"$testdc" repl sync >/dev/null 2>&1 || { echo "bench/bulk: $tag: replication did not converge" >&2; exit 1; }
	fi
	cpu_snap "$work/$tag.c2" "$k"
	cpu_diff "$work/$tag.c0" "$work/$tag.c1" "$N" "$work/$tag.run"
	cpu_diff "$work/$tag.c0" "$work/$tag.c2" "$N" "$work/$tag.all"
	check_dc "$tag" "$N" >"$work/$tag.check"
}

multi() {
	local cores
	cores=$(nproc)
	echo "bench/bulk multi: N=$N, --parallel $PAR, prefork children 1, $cores cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "  (each run on fresh DCs; rates are wall clock of the whole command; CPU in ms per account)"
	multi_run M1 1 dc1
	multi_run M2 2 dc1
	multi_run M3 2 dc1 dc2
	python3 - "$work" "$N" "$cores" <<'PY'
import json, os, re, sys
w, n, cores = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(tag, ext):
    return json.load(open(os.path.join(w, tag + "." + ext)))
def rate(tag):
    return float(open(os.path.join(w, tag + ".rate")).read())
def odj_ms(tag):
    # bash "times": the shell's own line, then its children's (odj-prepare) user and system time
    line = open(os.path.join(w, tag + ".times")).read().splitlines()[1]
    secs = [int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", line)]
    return 1e3 * sum(secs) / n
def total(roles):
    return sum(roles.values())
def fmt(roles):
    return "%5.1f (ldap %.1f, kdc %.1f, repl %.1f, other %.1f)" % (
        total(roles), roles.get("ldap", 0), roles.get("kdc", 0), roles.get("repl", 0), roles.get("other", 0))
names = {"M1": "one DC (one-DC domain), --dc dc1",
         "M2": "two-DC domain, --dc dc1 only",
         "M3": "two DCs, --dc dc1 --dc dc2"}
rows = {}
for tag in ("M1", "M2", "M3"):
    r, run, full, o = rate(tag), load(tag, "run"), load(tag, "all"), odj_ms(tag)
    j = load(tag, "json")
    per = ", ".join("%s %d" % (d["host"].split(".")[0], d["created"]) for d in j.get("dcs", []))
    print("%-36s %6.1f accounts/s   created by %s" % (names[tag], r, per))
    for dc in sorted(full["dcs"]):
        print("    %s CPU/account: during the run %s; with replication caught up %s"
              % (dc, fmt(run["dcs"][dc]), fmt(full["dcs"][dc])))
    wall = float(open(os.path.join(w, tag + ".wall")).read())
    ours = sum(total(v) for v in run["dcs"].values()) + o
    print("    odj-prepare CPU/account %.1f; the machine was busy %.1f ms/account during the run "
          "(%.0f%% of %d cores), of which %.0f%% was the DCs' and odj's"
          % (o, run["machine"], 100 * run["machine"] * n / 1e3 / (wall * cores), cores,
             100 * ours / run["machine"] if run["machine"] else 0))
    print("    " + open(os.path.join(w, tag + ".check")).read().strip())
    rows[tag] = (r, run, full, o, wall)
r1, r2, r3 = rows["M1"][0], rows["M2"][0], rows["M3"][0]
ok = r3 / r1 >= 1.4
print("ratios:")
print("  %-44s %.2fx  (target >= 1.40x) %s" % ("two DCs / one DC", r3 / r1, "ok" if ok else "MISSED"))
print("  %-44s %.2fx  (informative)" % ("two DCs / two-DC domain through dc1 only", r3 / r2))
print("ceilings on %d cores (CPU per account with replication caught up):" % cores)
def need(tag):
    full, o = rows[tag][2], rows[tag][3]
    return sum(total(v) for v in full["dcs"].values()) + o
for tag in ("M1", "M3"):
    full = rows[tag][2]
    c = need(tag)
    ldap = max(v.get("ldap", 0) for v in full["dcs"].values())
    ndc = len(full["dcs"])
    serial = 1e3 / ldap if ldap else 0
    print("  %-36s %5.1f ms of CPU per account -> at most %.1f accounts/s on %d cores; "
          "the busiest LDAP worker (one process, writes serialized) alone allows %.1f/s%s"
          % (names[tag], c, 1e3 * cores / c, cores, serial, "" if ndc == 1 else " per DC"))
c1, c3 = need("M1"), need("M3")
best3 = 1e3 * cores / c3
print("  ceiling of the ratio here: %.1f / %.1f = %.2fx (cores / CPU per account with two DCs, over the one-DC rate)"
      % (best3, r1, best3 / r1))
extra = c3 - c1
print("  a second DC adds %.1f ms of CPU per account (replication in and out, the name checks on both DCs, "
      "a second session); on N machines for N DCs each DC's own core bounds it instead (bench/README.md)" % extra)
PY
}
