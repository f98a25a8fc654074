#!/usr/bin/python3
# testdc's helpers for a domain of several DCs, each in one process (a
# samba-tool call per DC pair, context or record would take a minute).
#   testdc-drs.py SMB.CONF BASEDN sync DC...
#       one replication round between every pair of DCs, every naming context
#   testdc-drs.py SMB.CONF BASEDN dns-first DOMAIN FIRST-FQDN DC-ADDRESS...
#       SRV records that point at FIRST get priority 0, all others 10, in every
#       given DC's own copy of the zones (replication may be paused)
# The administrator's password comes from TESTDC_ADMINPASS.
import os
import sys
import time

import ldb
import samba
from samba import drs_utils
from samba.auth import system_session
from samba.credentials import Credentials
from samba.dcerpc import dnsp, drsuapi
from samba.ndr import ndr_pack, ndr_unpack
from samba.samdb import SamDB

conf, basedn, verb, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
lp = samba.param.LoadParm()
lp.load(conf)
creds = Credentials()
creds.guess(lp)
creds.set_username("administrator")
creds.set_password(os.environ["TESTDC_ADMINPASS"])


def samdb(server):
    return SamDB(url="ldap://" + server, session_info=system_session(), credentials=creds, lp=lp)


def sync(dcs):
    ncs = [basedn, "CN=Configuration," + basedn, "CN=Schema,CN=Configuration," + basedn,
           "DC=DomainDnsZones," + basedn, "DC=ForestDnsZones," + basedn]
    db = samdb(dcs[0])
    guids = {}
    for dc in dcs:
        res = db.search(base="CN=Sites,CN=Configuration," + basedn, scope=ldb.SCOPE_SUBTREE,
                        expression="(&(objectCategory=server)(dNSHostName=%s))" % ldb.binary_encode(dc),
                        attrs=["dn"])
        if len(res) != 1:
            sys.exit("testdc-drs: no server object for %s" % dc)
        ntds = db.search(base=res[0].dn, scope=ldb.SCOPE_ONELEVEL, expression="(objectCategory=nTDSDSA)",
                         attrs=["objectGUID"])
        guids[dc] = ntds[0]["objectGUID"][0]
    for dst in dcs:
        bind, handle, _ = drs_utils.drsuapi_connect(dst, lp, creds)
        bind.request_timeout = 120
        for src in dcs:
            if src == dst:
                continue
            for nc in ncs:
                replicate(bind, handle, guids[src], nc, "%s from %s to %s" % (nc, src, dst))


def replicate(bind, handle, src_guid, nc, what):
    # A DC that has just been started again answers its partners' first
    # call on their old connection with WERR_NETNAME_DELETED (or cannot be
    # reached yet): retry for a while.  A paused DC (..._DISABLED) is final.
    deadline = time.monotonic() + 60
    while True:
        try:
            drs_utils.sendDsReplicaSync(bind, handle, src_guid, nc, drsuapi.DRSUAPI_DRS_WRIT_REP)
            return
        except drs_utils.drsException as e:
            if "DISABLED" in str(e) or time.monotonic() > deadline:
                sys.exit("testdc-drs: replicating %s: %s" % (what, e))
            print("testdc-drs: replicating %s: %s; again in 1 s" % (what, e), file=sys.stderr)
            time.sleep(1)


def dns_first(domain, first, servers):
    zones = ["DC=%s,CN=MicrosoftDNS,DC=DomainDnsZones,%s" % (domain, basedn),
             "DC=_msdcs.%s,CN=MicrosoftDNS,DC=ForestDnsZones,%s" % (domain, basedn)]
    for server in servers:
        db = samdb(server)
        for zone in zones:
            for msg in db.search(base=zone, scope=ldb.SCOPE_ONELEVEL, expression="(name=_*)",
                                 attrs=["dnsRecord"]):
                values, dirty = [], False
                for raw in msg.get("dnsRecord", []):
                    rec = ndr_unpack(dnsp.DnssrvRpcRecord, raw)
                    if rec.wType == dnsp.DNS_TYPE_SRV:
                        prio = 0 if str(rec.data.nameTarget).rstrip(".").lower() == first.lower() else 10
                        dirty = dirty or rec.data.wPriority != prio
                        rec.data.wPriority = prio
                    values.append(ndr_pack(rec))
                if dirty:
                    m = ldb.Message(msg.dn)
                    m["dnsRecord"] = ldb.MessageElement(values, ldb.FLAG_MOD_REPLACE, "dnsRecord")
                    db.modify(m)


if verb == "sync":
    sync(args)
elif verb == "dns-first":
    dns_first(args[0], args[1], args[2:])
else:
    sys.exit("testdc-drs: sync or dns-first")
