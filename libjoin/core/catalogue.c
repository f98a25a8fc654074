/* The error catalogue: entries, explanations and result categories. */
#include <string.h>

#include <odj/catalogue.h>

#include "catalogue_internal.h"

bool odj_catalogue_get(odj_status code, struct odj_catalogue_entry *out)
{
	memset(out, 0, sizeof(*out));
	const char *symbol = odj_status_symbol(code);
	const struct odj_advice *a = odj_advice_find(code);
	if (symbol == NULL || a == NULL)
		return false;
	out->code = code;
	out->symbol = symbol;
	out->text = odj_status_text(code);
	out->causes = a->causes;
	out->check = a->check;
	return true;
}

char *odj_catalogue_explain(TALLOC_CTX *mem, odj_status code)
{
	char *out = odj_status_row(mem, code);
	struct odj_catalogue_entry e;
	if (out == NULL || !odj_catalogue_get(code, &e))
		return out;
	return talloc_asprintf_append(out, "\nlikely causes: %s\nwhat to check: %s", e.causes,
				      e.check);
}

odj_result odj_status_category(odj_status code)
{
	switch (code) {
	case ODJ_ERROR_SUCCESS:
	case ODJ_NERR_JoinPerformedMustRestart:
		return ODJ_OK;
	case ODJ_ERROR_NOT_ENOUGH_MEMORY:
	case ODJ_ERROR_CAN_NOT_COMPLETE:
		return ODJ_E_UNEXPECTED;
	case ODJ_ERROR_INVALID_PASSWORD:
	case ODJ_ERROR_LOGON_FAILURE:
	case ODJ_ERROR_WRONG_PASSWORD:
	case ODJ_ERROR_ACCOUNT_RESTRICTION:
	case ODJ_ERROR_PASSWORD_EXPIRED:
	case ODJ_ERROR_ACCOUNT_DISABLED:
	case ODJ_ERROR_ACCOUNT_EXPIRED:
	case ODJ_ERROR_PASSWORD_MUST_CHANGE:
	case ODJ_ERROR_ACCOUNT_LOCKED_OUT:
	case ODJ_ERROR_NO_SUCH_USER:
	case ODJ_ERROR_ACCESS_DENIED:
	case ODJ_ERROR_DS_STRONG_AUTH_REQUIRED:
	case ODJ_ERROR_DS_INAPPROPRIATE_AUTH:
	case ODJ_ERROR_DS_CONFIDENTIALITY_REQUIRED:
	case ODJ_ERROR_DS_INSUFF_ACCESS_RIGHTS:
	case ODJ_ERROR_TIME_SKEW:
	case ODJ_NERR_ConnectionInsecure:
		return ODJ_E_CREDENTIALS;
	case ODJ_ERROR_BAD_NETPATH:
	case ODJ_ERROR_NETNAME_DELETED:
	case ODJ_ERROR_BAD_NET_NAME:
	case ODJ_ERROR_TIMEOUT:
	case ODJ_ERROR_CONNECTION_REFUSED:
	case ODJ_ERROR_NO_LOGON_SERVERS:
	case ODJ_ERROR_NO_SUCH_DOMAIN:
	case ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND:
	case ODJ_NERR_DCNotFound:
	case ODJ_NERR_SetupCheckDNSConfig:
	case ODJ_ERROR_DS_SERVER_DOWN:
	case ODJ_RPC_S_PROTSEQ_NOT_SUPPORTED:
	case ODJ_NERR_DS8DCNotFound:
	case ODJ_NERR_DS9DCNotFound:
		return ODJ_E_NETWORK;
	case ODJ_ERROR_USER_EXISTS:
	case ODJ_NERR_UserExists:
	case ODJ_ERROR_NONE_MAPPED:
	case ODJ_ERROR_PASSWORD_RESTRICTION:
	case ODJ_ERROR_DS_MACHINE_ACCOUNT_QUOTA_EXCEEDED:
	case ODJ_ERROR_DS_NO_ATTRIBUTE_OR_VALUE:
	case ODJ_ERROR_DS_ATTRIBUTE_OR_VALUE_EXISTS:
	case ODJ_ERROR_DS_CONSTRAINT_VIOLATION:
	case ODJ_ERROR_DS_NO_SUCH_OBJECT:
	case ODJ_ERROR_DS_UNWILLING_TO_PERFORM:
	case ODJ_ERROR_DS_OBJ_STRING_NAME_EXISTS:
	case ODJ_ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST:
	case ODJ_ERROR_DS_UPN_VALUE_NOT_UNIQUE_IN_FOREST:
	case ODJ_NERR_ComputerAccountNotFound:
	case ODJ_NERR_AccountReuseBlockedByPolicy:
	case ODJ_NERR_DefaultJoinRequired:
	case ODJ_NERR_DS8DCRequired:
	case ODJ_NERR_LDAPCapableDCRequired:
	case ODJ_ERROR_INVALID_DOMAIN_ROLE:
	case ODJ_ERROR_NO_TRUST_SAM_ACCOUNT:
	case ODJ_ERROR_TRUSTED_RELATIONSHIP_FAILURE:
		return ODJ_E_DIRECTORY;
	case ODJ_ERROR_WRITE_FAULT:
	case ODJ_ERROR_READ_FAULT:
	case ODJ_ERROR_DISK_FULL:
	case ODJ_ERROR_FILE_EXISTS:
	case ODJ_NERR_SetupAlreadyJoined:
	case ODJ_NERR_SetupNotJoined:
	case ODJ_NERR_ValuesNotSet:
	case ODJ_NERR_CantVerifyHostname:
	case ODJ_NERR_CantLoadOfflineHive:
	case ODJ_NERR_NoJoinPending:
	case ODJ_NTE_BAD_KEYSET:
		return ODJ_E_CONFIG;
	default:
		return ODJ_E_INPUT;
	}
}
