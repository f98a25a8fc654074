#!/usr/bin/python3
# One replication round between every pair of the given DCs, for every
# naming context, in one process (samba-tool would start one per pair and
# context).  Usage: testdc-sync.py SMB.CONF BASEDN DC... ; the administrator's
# password comes from TESTDC_ADMINPASS.
import os
import sys

import ldb
import samba
from samba import drs_utils
from samba.auth import system_session
from samba.credentials import Credentials
from samba.dcerpc import drsuapi
from samba.samdb import SamDB

conf, basedn, dcs = sys.argv[1], sys.argv[2], sys.argv[3:]
lp = samba.param.LoadParm()
lp.load(conf)
creds = Credentials()
creds.guess(lp)
creds.set_username("administrator")
creds.set_password(os.environ["TESTDC_ADMINPASS"])
ncs = [basedn, "CN=Configuration," + basedn, "CN=Schema,CN=Configuration," + basedn,
       "DC=DomainDnsZones," + basedn, "DC=ForestDnsZones," + basedn]

samdb = SamDB(url="ldap://" + dcs[0], session_info=system_session(), credentials=creds, lp=lp)
guids = {}
for dc in dcs:
    res = samdb.search(base="CN=Sites,CN=Configuration," + basedn, scope=ldb.SCOPE_SUBTREE,
                       expression="(&(objectCategory=server)(dNSHostName=%s))" % ldb.binary_encode(dc),
                       attrs=["dn"])
    if len(res) != 1:
        sys.exit("testdc-sync: no server object for %s" % dc)
    ntds = samdb.search(base=res[0].dn, scope=ldb.SCOPE_ONELEVEL, expression="(objectCategory=nTDSDSA)",
                        attrs=["objectGUID"])
    guids[dc] = ntds[0]["objectGUID"][0]

for dst in dcs:
    bind, handle, _ = drs_utils.drsuapi_connect(dst, lp, creds)
    bind.request_timeout = 120
    for src in dcs:
        if src == dst:
            continue
        for nc in ncs:
            try:
                drs_utils.sendDsReplicaSync(bind, handle, guids[src], nc, drsuapi.DRSUAPI_DRS_WRIT_REP)
            except drs_utils.drsException as e:
                sys.exit("testdc-sync: replicating %s from %s to %s: %s" % (nc, src, dst, e))
