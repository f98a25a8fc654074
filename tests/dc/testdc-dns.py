#!/usr/bin/python3
# Gives the SRV records that point at FIRST priority 0 and all others
# priority 10, in every DC's own copy of the zones (replication may be
# paused), so that discovery by SRV tries FIRST before the other DCs.
# Usage: testdc-dns.py SMB.CONF BASEDN DOMAIN FIRST-FQDN DC-ADDRESS...
# The administrator's password comes from TESTDC_ADMINPASS.
import os
import sys

import ldb
import samba
from samba.auth import system_session
from samba.credentials import Credentials
from samba.dcerpc import dnsp
from samba.ndr import ndr_pack, ndr_unpack
from samba.samdb import SamDB

conf, basedn, domain, first, servers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
lp = samba.param.LoadParm()
lp.load(conf)
creds = Credentials()
creds.guess(lp)
creds.set_username("administrator")
creds.set_password(os.environ["TESTDC_ADMINPASS"])
zones = ["DC=%s,CN=MicrosoftDNS,DC=DomainDnsZones,%s" % (domain, basedn),
         "DC=_msdcs.%s,CN=MicrosoftDNS,DC=ForestDnsZones,%s" % (domain, basedn)]

for server in servers:
    samdb = SamDB(url="ldap://" + server, session_info=system_session(), credentials=creds, lp=lp)
    changed = 0
    for zone in zones:
        for msg in samdb.search(base=zone, scope=ldb.SCOPE_ONELEVEL, expression="(name=_*)", attrs=["dnsRecord"]):
            values, dirty = [], False
            for raw in msg.get("dnsRecord", []):
                rec = ndr_unpack(dnsp.DnssrvRpcRecord, raw)
                if rec.wType == dnsp.DNS_TYPE_SRV:
                    prio = 0 if str(rec.data.nameTarget).rstrip(".").lower() == first.lower() else 10
                    if rec.data.wPriority != prio:
                        rec.data.wPriority = prio
                        dirty = True
                values.append(ndr_pack(rec))
            if dirty:
                m = ldb.Message(msg.dn)
                m["dnsRecord"] = ldb.MessageElement(values, ldb.FLAG_MOD_REPLACE, "dnsRecord")
                samdb.modify(m)
                changed += 1
    print("%s: %d SRV names now list %s first" % (server, changed, first))
