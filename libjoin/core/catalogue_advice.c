/*
 * Likely causes and what to check, for every status odj can report.
 * Keyed by the rows of status_codes.h; test_core_catalogue.c fails when a
 * row has no entry here.
 */
#include "catalogue_internal.h"

#define A(sym, causes, check) {ODJ_##sym, (causes), (check)}

static const struct odj_advice advice[] = {
A(ERROR_SUCCESS, "Nothing went wrong.", "Nothing to check."),
A(ERROR_FILE_NOT_FOUND,
  "A file odj reads (blob, keytab, krb5.conf) is missing; during a join, the OU given for the "
  "account does not exist.",
  "The path given on the command line; for --ou, the exact DN (ldapsearch -b '<OU DN>' -s base)."),
A(ERROR_ACCESS_DENIED,
  "The account used for the join lacks the right to create or reset computer objects in the "
  "container; or a local file cannot be written (permissions, read-only root, a symlink refused).",
  "Delegated rights on the OU (Create Computer objects, Reset Password, Validated write to DNS "
  "host name and SPN); for local files, owner and mode of the path and its directory."),
A(ERROR_NOT_ENOUGH_MEMORY, "The process ran out of memory.",
  "Free memory and ulimit -v; a huge input file."),
A(ERROR_BAD_FORMAT,
  "A provisioning blob part is malformed or missing (Samba reports this for a broken ODJ part).",
  "Re-create the blob with odj-prepare; run odj-inspect on it to see which part fails."),
A(ERROR_DECRYPTION_FAILED,
  "A sealed blob does not open with this root's request key: it was sealed to another request "
  "(an older one, another machine's), or its ciphertext was replaced.",
  "odj-inspect shows the blob's recipient key id; the pending request is var/lib/odj/request.key "
  "in the root. Make a new request (odj-apply --request) and provision again with --for."),
A(TRUST_E_NOSIGNATURE,
  "This target trusts signing keys (etc/odj/trusted.d/*.pub in the root) and the blob is not "
  "signed.",
  "Provision with odj-prepare --signing-key KEY (and --for REQUEST to seal it); or remove the "
  "trusted keys to accept unsigned blobs."),
A(TRUST_E_BAD_DIGEST,
  "The signed or sealed blob was changed after it was signed: a transfer that altered bytes, or "
  "tampering.",
  "Copy it again in binary mode from where odj-prepare wrote it; never apply a blob whose "
  "signature fails."),
A(TRUST_E_SUBJECT_NOT_TRUSTED,
  "The blob is signed, but by a key that is not among the target's trusted keys.",
  "odj-inspect shows the signer's key id; install that key's .pub in etc/odj/trusted.d if it is "
  "yours, otherwise do not apply the blob."),
A(CERT_E_EXPIRED,
  "The signed or sealed blob (or the request it was sealed to) is past its expiry time, or this "
  "system's clock is wrong.",
  "date -u on the target; odj-inspect shows the expiry; provision again for a fresh blob."),
A(NTE_BAD_KEYSET,
  "A sealed blob needs the pending request key of the root it is applied to, and there is none: "
  "the blob was applied already (the key is removed after a join), or the request was made on "
  "another root.",
  "ls -l ROOT/var/lib/odj/request.key; make a new request and provision again."),
A(ERROR_INVALID_DATA,
  "Input bytes are not what the format says: a truncated or edited blob, wrong encoding, a "
  "corrupt keytab.",
  "Copy the file again in binary mode (no line-ending or code-page conversion); odj-inspect."),
A(ERROR_WRITE_FAULT,
  "A file could not be written: read-only file system, I/O error, or the trace file could not "
  "be opened.",
  "mount options of the target root, dmesg for I/O errors, free space."),
A(ERROR_READ_FAULT, "A file could not be read completely (I/O error, file shrank while read).",
  "dmesg; that nothing else rewrites the file at the same time."),
A(ERROR_NOT_SUPPORTED,
  "The DC or the blob asks for something this version does not do (an OU with a down-level DC, "
  "an unknown blob feature, an unsupported encryption type).",
  "The DC's functional level and the blob's origin (odj-inspect shows the parts)."),
A(ERROR_DUP_NAME,
  "Another machine already uses this NetBIOS name on the network, or the domain to create "
  "already exists.",
  "nmblookup NAME and DNS for the name; pick another machine name."),
A(ERROR_BAD_NETPATH,
  "The DC's name does not resolve or no SMB/LDAP service answers at it.",
  "DNS resolution of the DC (host dc1.example.com), routing, and that ports 389/445 are open."),
A(ERROR_NETNAME_DELETED,
  "The connection to the DC was cut mid-exchange. Classic cause: a Kerberos (KDC) reply or an "
  "SMB response dropped or truncated by a firewall, IPS or WAN accelerator, often because the "
  "reply is large (many group memberships) or fragmented UDP is discarded.",
  "Capture the exchange (tcpdump -i any -w join.pcap port 88 or port 445 or port 389) and look "
  "for a request without reply or a TCP reset; allow TCP and UDP 88 and TCP 445 end to end; "
  "disable SMB/Kerberos optimisation on WAN accelerators. Windows clients can be made to use "
  "TCP for Kerberos (MaxPacketSize = 1); odj already uses TCP, and MIT's udp_preference_limit "
  "does not shorten a wait for a reply that never comes."),
A(ERROR_BAD_NET_NAME, "The share or service name on the DC does not exist (e.g. IPC$ refused).",
  "That the target really is a DC and offers SMB (smbclient -L //dc -k)."),
A(ERROR_FILE_EXISTS,
  "A file odj must create already exists (output blob, join record) and odj does not overwrite "
  "it unasked.",
  "Remove the old file or choose another output path."),
A(ERROR_CANCELLED,
  "The run was stopped (Ctrl-C, SIGTERM): the machines in flight were finished and written, the "
  "rest were not started.",
  "Rerun the same command with --skip-existing: the machines already done are skipped, not "
  "touched."),
A(ERROR_SHARING_VIOLATION,
  "Another odj-prepare is writing the same bundle (its partial file is locked).",
  "Whether an earlier run is still going (ps, the progress line); wait for it, or use another "
  "--bundle file."),
A(ERROR_INVALID_PASSWORD,
  "The password given is not correct, or too long (1024 bytes or more), or contains a NUL.",
  "The password source (file, prompt) for stray newlines or encoding."),
A(ERROR_INVALID_PARAMETER,
  "Options that cannot go together (e.g. MACHINE_PWD_PASSED without JOIN_UNSECURE, a read-only "
  "join that creates an account), a missing required name, or a malformed value.",
  "The message names the option or rule; see odj-prepare --help and libjoin/SPEC.md."),
A(ERROR_DISK_FULL, "The file system holding the output or target root is full.",
  "df on the target directory; quotas."),
A(ERROR_INVALID_NAME,
  "A DNS name breaks a basic rule: empty, a control character, over 255 octets, a label over 63 "
  "octets, two dots in a row or a leading dot (DNS_ERROR_INVALID_NAME has this value).",
  "The name as typed; odj prints which rule failed."),
A(ERROR_INVALID_LEVEL, "An information level or blob version that does not exist was requested.",
  "The tool and blob versions (odj-inspect)."),
A(ERROR_ALREADY_EXISTS, "The object or file to create exists already.",
  "Whether a previous run half-completed; remove or reuse deliberately."),
A(ERROR_TIMEOUT,
  "The DC did not answer in time: overloaded DC, packet loss, or a firewall silently dropping "
  "packets.",
  "Latency and loss to the DC (ping, mtr); a firewall DROP rule on 88/389/445; try a nearer DC "
  "with --dc."),
A(ERROR_CAN_NOT_COMPLETE,
  "An internal step could not finish, e.g. the random source failed or returned unusable data.",
  "getrandom(2) availability (very old kernels, seccomp filters); rerun with --trace."),
A(ERROR_CONNECTION_REFUSED, "The DC actively refused the TCP connection (service down, wrong port).",
  "That LDAP (389/636), Kerberos (88) and SMB (445) listen on the DC; host firewalls."),
A(ERROR_INVALID_COMPUTERNAME, "The computer name has an invalid format.",
  "Length (1-15), characters (letters, digits, hyphen), not only digits."),
A(ERROR_INVALID_DOMAINNAME,
  "The domain name is malformed, or the machine name equals the domain's DNS or NetBIOS name "
  "([MS-WKST] 3.2.4.13.3 step 13).",
  "Use a machine name different from the domain's names; check the domain spelling."),
A(ERROR_NO_LOGON_SERVERS,
  "No KDC or DC answered: DNS SRV records missing, all DCs unreachable, or the KDC port blocked.",
  "host -t SRV _kerberos._tcp.<domain>; kinit user@REALM from the same host; ports 88 TCP/UDP."),
A(ERROR_USER_EXISTS, "An account with the same name exists.",
  "Reuse it deliberately (--reuse) or choose another machine name."),
A(ERROR_NO_SUCH_USER,
  "The account does not exist in the directory (for Kerberos: client principal unknown).",
  "The user name and realm spelling; replication delay after creating the account; --dc to the "
  "DC where it was created."),
A(ERROR_WRONG_PASSWORD, "The current password supplied is not correct.",
  "The password; whether it was changed recently (replication)."),
A(ERROR_PASSWORD_RESTRICTION,
  "The new password does not meet the domain's length, complexity or history policy, or an "
  "unsecure join was given an empty machine password.",
  "The domain password policy (and fine-grained policies on computers); for --defpwd the policy "
  "must accept a short lowercase password."),
A(ERROR_LOGON_FAILURE,
  "Wrong user name or password (LDAP bind data 52e, Kerberos pre-authentication failed).",
  "The credentials; the realm in user@REALM; caps lock and keyboard layout of a typed password."),
A(ERROR_ACCOUNT_RESTRICTION,
  "Policy forbids this logon: blank password, logon hours, workstation restrictions, protected "
  "users.",
  "The account's logonHours and userWorkstations; Protected Users membership."),
A(ERROR_PASSWORD_EXPIRED, "The account's password has expired (LDAP bind data 532).",
  "Change the password of the joining account."),
A(ERROR_ACCOUNT_DISABLED, "The account is disabled (LDAP bind data 533, Kerberos client revoked).",
  "Enable the account, or use another one."),
A(ERROR_NONE_MAPPED,
  "The computer account does not exist and the join was not asked to create it.",
  "Pre-create the account, or let odj-prepare create it (without --no-create)."),
A(ERROR_INVALID_DOMAIN_ROLE, "The DC named could not be validated as a DC of the domain.",
  "That --dc names a DC of this domain (not of a trusted one, not a member server)."),
A(ERROR_NO_SUCH_DOMAIN,
  "The domain does not exist or no DC of it could be reached; often DNS does not point at AD.",
  "resolv.conf uses the AD DNS servers; host -t SRV _ldap._tcp.dc._msdcs.<domain>."),
A(ERROR_TIME_SKEW,
  "The clocks of this host and the DC differ by more than the Kerberos tolerance (5 minutes by "
  "default; KRB5KRB_AP_ERR_SKEW).",
  "timedatectl or chronyc tracking on this host; the DC's time (ntpdate -q dc); time zones do not "
  "matter, UTC offsets do."),
A(RPC_S_PROTSEQ_NOT_SUPPORTED, "The RPC protocol sequence is not available (only named pipes are).",
  "That SMB (445) to the DC works."),
A(ERROR_NO_TRUST_SAM_ACCOUNT,
  "The DC has no computer account for this machine (deleted, or never replicated).",
  "The account in the directory; replication to the DC used; provision again."),
A(ERROR_TRUSTED_RELATIONSHIP_FAILURE,
  "The machine password on the host and in the directory differ (account reset or re-joined "
  "elsewhere).",
  "Provision a fresh blob and apply it again."),
A(ERROR_DOMAIN_CONTROLLER_NOT_FOUND, "No DC of the domain could be located.",
  "DNS SRV records (_ldap._tcp.dc._msdcs.<domain>), site configuration, reachability."),
A(NERR_WkstaNotStarted, "The workstation service is not running (Windows side).",
  "Not expected from odj itself; the peer that reported it."),
A(NERR_UserExists,
  "The computer account already exists and reuse was not requested (odj refuses like djoin).",
  "Whether the name belongs to another machine; if it is this one, run again with --reuse."),
A(NERR_InvalidComputer,
  "The computer name breaks a rule: 1-15 characters, none of \" / \\ [ ] : | < > + = ; , ? *, "
  "and for odj also letters, digits and inner hyphens only, not all digits; or BUILTIN as a "
  "domain.",
  "The machine name; odj prints which rule failed."),
A(NERR_DCNotFound, "No DC of the domain could be found.",
  "DNS SRV records and network reachability of the DCs."),
A(NERR_SetupAlreadyJoined,
  "The target already holds a domain join and the request did not allow joining again.",
  "odj-apply's report of the current join; use the rejoin option deliberately."),
A(NERR_SetupNotJoined,
  "The machine is not joined, or (Samba requestodj) the online-caller option is missing.",
  "Whether a join was applied; the options of the tool used."),
A(NERR_SetupDomainController, "The machine is a domain controller and cannot be unjoined.",
  "Not a target for odj."),
A(NERR_DefaultJoinRequired, "The DC cannot create machine accounts in OUs.",
  "Omit --ou or use a newer DC."),
A(NERR_InvalidWorkgroupName,
  "The workgroup (or NetBIOS domain) name breaks a rule: 1-15 characters, no control "
  "characters, none of \" / \\ [ ] : | < > + = ; , ?, not only dots and spaces, ASCII.",
  "The workgroup name; odj prints which rule failed."),
A(NERR_NameUsesIncompatibleCodePage,
  "The computer name uses characters the DC's code page cannot represent.",
  "Use ASCII letters, digits and hyphens only."),
A(NERR_ComputerAccountNotFound, "The computer account could not be found.",
  "The account name (NAME$) and the DC used; replication."),
A(NERR_PersonalSku, "This edition cannot join a domain (Windows Home).", "Not expected from odj."),
A(NERR_SetupCheckDNSConfig, "A DC of the domain could not be resolved in DNS.",
  "resolv.conf and the SRV records of the domain."),
A(NERR_NoOfflineJoinInfo, "The provisioning blob is empty or missing.",
  "The path and size of the blob file."),
A(NERR_BadOfflineJoinInfo,
  "The provisioning blob cannot be decoded: bad base64, wrong UTF-16, broken NDR, or the file "
  "was altered in transit.",
  "Copy the file again in binary mode; odj-inspect reports the first byte that fails."),
A(NERR_CantCreateJoinInfo, "The provisioning blob could not be created.",
  "The preceding error in the trace (--trace); free space for the output."),
A(NERR_BadDomainJoinInfo, "The join information to save is incomplete or inconsistent.",
  "The blob's domain and machine parts (odj-inspect)."),
A(NERR_JoinPerformedMustRestart,
  "Success: the offline join was applied and takes effect after a restart (Windows wording).",
  "Restart or restart the services that read the new configuration (sssd)."),
A(NERR_NoJoinPending, "There is no pending offline join to complete.",
  "Whether odj-apply ran against the right root."),
A(NERR_ValuesNotSet, "The machine or domain names could not be set on the target.",
  "Write access to the target root (hostname, krb5.conf, sssd.conf)."),
A(NERR_CantVerifyHostname,
  "The host's name does not match the name in the blob.",
  "Apply the blob made for this host, or let odj-apply set the host name."),
A(NERR_CantLoadOfflineHive, "The offline image's configuration could not be loaded.",
  "The --root path points at a complete target image."),
A(NERR_ConnectionInsecure,
  "The session to the DC did not meet the security required (no signing or sealing).",
  "Use Kerberos with signing/sealing, or LDAPS; do not disable signing."),
A(NERR_ProvisioningBlobUnsupported,
  "The blob's version is not supported (ulVersion other than 1, unknown format).",
  "The producer of the blob; odj-inspect shows the version."),
A(NERR_DS8DCRequired, "The DC does not meet the version this operation needs.",
  "Use a DC of Windows Server 2008 R2 or later (or a current Samba AD DC)."),
A(NERR_LDAPCapableDCRequired, "The operation needs a DC that answers LDAP.",
  "That port 389 of the DC answers (ldapsearch -H ldap://dc -x -s base)."),
A(NERR_DS8DCNotFound, "No DC of the required version was found.",
  "The DCs' versions and reachability."),
A(NERR_TargetVersionUnsupported, "The target image does not support provisioning.",
  "The target's OS version."),
A(NERR_InvalidMachineNameForJoin, "The machine name is blocked from joining the domain.",
  "Domain policy for blocked names; choose another name."),
A(NERR_DS9DCNotFound, "The DC does not meet the version this operation needs.",
  "The DCs' versions."),
A(NERR_PlainTextSecretsRequired, "Plain-text secrets cannot be queried on the local machine.",
  "Not expected from odj."),
A(NERR_AccountReuseBlockedByPolicy,
  "An account with this name exists and domain policy (KB5020276 hardening) forbids reusing it "
  "for this caller.",
  "Ask the account's creator or a domain admin to reuse it, or delete the old account first."),
A(ERROR_DS_MACHINE_ACCOUNT_QUOTA_EXCEEDED,
  "The joining user has created as many computer accounts as ms-DS-MachineAccountQuota allows "
  "(10 by default).",
  "Delegate Create Computer objects on the OU to the user, or pre-create the account."),
A(DNS_ERROR_NON_RFC_NAME,
  "A DNS name has characters outside letters, digits and hyphens (e.g. underscore, non-ASCII), "
  "or a label starts or ends with a hyphen.",
  "The host and domain names; odj prints the rule."),
A(DNS_ERROR_INVALID_NAME_CHAR,
  "A DNS name contains a space or one of { | } ~ [ \\ ] ^ ' : ; < = > ? @ ! \" # $ % ` ( ) + / , *.",
  "The host name as typed (quotes and shell expansion)."),
A(DNS_ERROR_NUMERIC_NAME,
  "The host name is made only of digits, which AD does not allow for members.",
  "Add a letter to the host name."),
A(ERROR_ACCOUNT_EXPIRED, "The joining account has expired (LDAP bind data 701).",
  "The account's accountExpires."),
A(ERROR_PASSWORD_MUST_CHANGE,
  "The joining account must change its password before it can log on (LDAP bind data 773).",
  "Change the password, then run again."),
A(ERROR_ACCOUNT_LOCKED_OUT, "The joining account is locked out (LDAP bind data 775).",
  "Unlock it; look for a service retrying an old password."),
A(ERROR_DS_NO_ATTRIBUTE_OR_VALUE, "An attribute or value to change or remove does not exist.",
  "The attribute name and value; the schema version of the forest."),
A(ERROR_DS_ATTRIBUTE_OR_VALUE_EXISTS, "A value being added is already present.",
  "Whether a previous run already wrote it; rerun is safe with --reuse."),
A(ERROR_DS_STRONG_AUTH_REQUIRED,
  "The DC requires signed LDAP (LDAP strongerAuthRequired, LDAPServerIntegrity=2, the default "
  "since the 2020 LDAP signing hardening) and the bind was simple or unsigned.",
  "Bind with Kerberos/GSSAPI (signing on) or use LDAPS/StartTLS; never a simple bind over 389."),
A(ERROR_DS_INAPPROPRIATE_AUTH, "The authentication method is not allowed for this bind.",
  "The bind mechanism (use GSSAPI); channel binding requirements for LDAPS."),
A(ERROR_DS_CONFIDENTIALITY_REQUIRED,
  "The DC requires an encrypted connection for this operation (e.g. setting unicodePwd).",
  "Use LDAPS, StartTLS or a GSSAPI bind with sealing."),
A(ERROR_DS_CONSTRAINT_VIOLATION,
  "The directory refused a value: a password not meeting policy, a value too long, or an "
  "attribute the caller may not write on this object (see the decoded Att in the detail).",
  "The attribute named in the detail; for unicodePwd the password policy; for SPNs the "
  "Validated-SPN right."),
A(ERROR_DS_NO_SUCH_OBJECT,
  "The DN does not exist: a mistyped OU, a container that was moved, or a replication delay.",
  "ldapsearch -b '<DN>' -s base; --dc to the DC where the object was created."),
A(ERROR_DS_INVALID_DN_SYNTAX, "A distinguished name is malformed.",
  "The --ou value: OU=Name,DC=example,DC=com with commas escaped."),
A(ERROR_DS_UNWILLING_TO_PERFORM,
  "The DC refuses the operation: a password change over an unencrypted connection, a "
  "userAccountControl value not allowed, or a policy block.",
  "The connection security (sealing/LDAPS) and the detail text after 'DSID'."),
A(ERROR_DS_SERVER_DOWN,
  "The LDAP server cannot be reached (LDAP result -1, server down).",
  "Reachability of port 389/636 on the DC; TLS certificate trust for LDAPS."),
A(ERROR_DS_OBJ_STRING_NAME_EXISTS,
  "An object with the same DN exists (LDAP entryAlreadyExists), often a computer object with "
  "this name in the chosen OU.",
  "Whether it is this machine's old account (then --reuse), or a name clash."),
A(ERROR_DS_INSUFF_ACCESS_RIGHTS,
  "The account lacks the rights for this change (LDAP insufficientAccessRights).",
  "Delegation on the OU: Create/Delete Computer objects, Reset Password, Validated write to "
  "DNS host name and service principal name."),
A(ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST,
  "An SPN odj writes (HOST/name, RestrictedKrbHost/name) is already held by another account, "
  "typically an old computer or a service account with the same host name.",
  "setspn -Q HOST/<name> or ldapsearch '(servicePrincipalName=HOST/<name>)' to find the holder; "
  "remove the SPN there or choose another name."),
A(ERROR_DS_UPN_VALUE_NOT_UNIQUE_IN_FOREST,
  "The userPrincipalName being set is already used by another account.",
  "ldapsearch '(userPrincipalName=<upn>)' across the forest (global catalog)."),
};

const struct odj_advice *odj_advice_find(odj_status code)
{
	for (size_t i = 0; i < sizeof(advice) / sizeof(advice[0]); i++) {
		if (advice[i].code == code)
			return &advice[i];
	}
	return NULL;
}
