/* Name validation: [MS-WKST] 3.2.4.16 syntax rules, then odj's stricter ones. */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include <odj/names.h>

/* A verdict: the status and the sentence that explains it. */
struct verdict {
	odj_status status;
	const char *rule;
};

static const struct verdict valid = {ODJ_ERROR_SUCCESS, NULL};

static struct verdict fail(odj_status st, const char *rule)
{
	struct verdict v = {st, rule};
	return v;
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x01 && *p <= 0x1F)
			return true;
	}
	return false;
}

static bool only_dots_and_spaces(const char *s)
{
	return s[0] != '\0' && strspn(s, ". ") == strlen(s);
}

static bool is_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80)
			return false;
	}
	return true;
}

static bool is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

static bool all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* The NetSetupWorkgroup syntax rules of 3.2.4.16; st is the code to give. */
static struct verdict workgroup_syntax(const char *name, odj_status st)
{
	size_t len = strlen(name);
	if (len < 1 || len > ODJ_NETBIOS_NAME_MAX)
		return fail(st, "a NetBIOS name has 1 to 15 characters");
	if (has_control(name))
		return fail(st, "a NetBIOS name cannot contain control characters (0x01-0x1F)");
	if (strpbrk(name, "\"/\\[]:|<>+=;,?") != NULL)
		return fail(st, "a NetBIOS name cannot contain any of \" / \\ [ ] : | < > + = ; , ?");
	if (only_dots_and_spaces(name))
		return fail(st, "a NetBIOS name cannot be made only of dots and spaces");
	return valid;
}

/* The NetSetupDnsMachine syntax rules of 3.2.4.16 (two groups). */
static struct verdict dns_syntax(const char *name)
{
	size_t len = strlen(name);
	if (len == 0)
		return fail(ODJ_ERROR_INVALID_NAME, "a DNS name cannot be empty");
	if (has_control(name))
		return fail(ODJ_ERROR_INVALID_NAME,
			    "a DNS name cannot contain control characters (0x01-0x1F)");
	if (len > ODJ_DNS_NAME_MAX)
		return fail(ODJ_ERROR_INVALID_NAME, "a DNS name has at most 255 octets");
	if (name[0] == '.')
		return fail(ODJ_ERROR_INVALID_NAME, "a DNS name cannot start with a dot");
	if (strstr(name, "..") != NULL)
		return fail(ODJ_ERROR_INVALID_NAME, "a DNS name cannot contain two dots in a row");
	for (const char *label = name; *label;) {
		size_t n = strcspn(label, ".");
		if (n > ODJ_DNS_LABEL_MAX)
			return fail(ODJ_ERROR_INVALID_NAME, "a DNS label has at most 63 octets");
		label += n;
		if (*label == '.')
			label++;
	}
	if (strpbrk(name, " {|}~[\\]^':;<=>?@!\"#$%`()+/,*") != NULL)
		return fail(ODJ_DNS_ERROR_INVALID_NAME_CHAR,
			    "a DNS name cannot contain spaces or any of { | } ~ [ \\ ] ^ ' : ; < = > ? "
			    "@ ! \" # $ % ` ( ) + / , *");
	return valid;
}

/* odj: every label letters, digits and inner hyphens, ASCII only (RFC 1123). */
static struct verdict dns_ldh(const char *name)
{
	if (!is_ascii(name))
		return fail(ODJ_DNS_ERROR_NON_RFC_NAME, "odj accepts only ASCII DNS names");
	for (const char *label = name; *label;) {
		size_t n = strcspn(label, ".");
		for (size_t i = 0; i < n; i++) {
			if (!is_ldh((unsigned char)label[i]))
				return fail(ODJ_DNS_ERROR_NON_RFC_NAME,
					    "a DNS label has only letters, digits and hyphens");
		}
		if (n > 0 && (label[0] == '-' || label[n - 1] == '-'))
			return fail(ODJ_DNS_ERROR_NON_RFC_NAME,
				    "a DNS label cannot start or end with a hyphen");
		label += n;
		if (*label == '.')
			label++;
	}
	return valid;
}

static struct verdict check_machine(const char *name)
{
	struct verdict v = workgroup_syntax(name, ODJ_NERR_InvalidComputer);
	if (v.status != ODJ_ERROR_SUCCESS)
		return v;
	size_t len = strlen(name);
	if (strchr(name, '*') != NULL)
		return fail(ODJ_NERR_InvalidComputer, "a computer name cannot contain *");
	if (name[0] == ' ' || name[len - 1] == ' ')
		return fail(ODJ_NERR_InvalidComputer,
			    "a computer name cannot start or end with a space");
	/* odj: the name is also the first DNS label of the host. */
	if (!is_ascii(name))
		return fail(ODJ_NERR_InvalidComputer, "odj accepts only ASCII computer names");
	for (size_t i = 0; i < len; i++) {
		if (!is_ldh((unsigned char)name[i]))
			return fail(ODJ_NERR_InvalidComputer,
				    "a computer name has only letters, digits and hyphens");
	}
	if (name[0] == '-' || name[len - 1] == '-')
		return fail(ODJ_NERR_InvalidComputer,
			    "a computer name cannot start or end with a hyphen");
	if (all_digits(name, len))
		return fail(ODJ_NERR_InvalidComputer,
			    "a computer name cannot be made only of digits");
	return valid;
}

static struct verdict check_workgroup(const char *name)
{
	struct verdict v = workgroup_syntax(name, ODJ_NERR_InvalidWorkgroupName);
	if (v.status != ODJ_ERROR_SUCCESS)
		return v;
	if (!is_ascii(name))
		return fail(ODJ_NERR_InvalidWorkgroupName, "odj accepts only ASCII workgroup names");
	return valid;
}

static struct verdict check_dns_machine(const char *name)
{
	struct verdict v = dns_syntax(name);
	if (v.status != ODJ_ERROR_SUCCESS)
		return v;
	v = dns_ldh(name);
	if (v.status != ODJ_ERROR_SUCCESS)
		return v;
	if (all_digits(name, strcspn(name, ".")))
		return fail(ODJ_DNS_ERROR_NUMERIC_NAME, "a host name cannot be made only of digits");
	return valid;
}

static struct verdict check_domain(const char *name, bool nonexistent)
{
	if (only_dots_and_spaces(name))
		return fail(ODJ_ERROR_INVALID_NAME,
			    "a domain name cannot be made only of dots and spaces");
	struct verdict v = workgroup_syntax(name, ODJ_NERR_InvalidWorkgroupName);
	if (v.status == ODJ_ERROR_SUCCESS && strchr(name, '.') == NULL) {
		if (!is_ascii(name))
			return fail(ODJ_ERROR_INVALID_DOMAINNAME,
				    "odj accepts only ASCII domain names");
	} else {
		/* Not a NetBIOS name: 3.2.4.16 checks it as a DNS name instead.
		 * odj does the same for any dotted name, even one short enough
		 * to pass as NetBIOS ("a..b"): the realm and DN come from it. */
		v = dns_syntax(name);
		if (v.status != ODJ_ERROR_SUCCESS)
			return v;
		v = dns_ldh(name);
		if (v.status != ODJ_ERROR_SUCCESS)
			return v;
	}
	if (nonexistent) {
		for (const char *p = name; *p; p++) {
			if (!is_ldh((unsigned char)*p) && *p != '.')
				return fail(ODJ_DNS_ERROR_NON_RFC_NAME,
					    "a new domain name has only RFC 1035 characters");
		}
	}
	if (strcasecmp(name, "BUILTIN") == 0)
		return fail(ODJ_NERR_InvalidComputer, "BUILTIN is not a domain name");
	return valid;
}

static struct verdict check(const char *name, enum odj_name_type type)
{
	if (name == NULL)
		return fail(ODJ_ERROR_INVALID_PARAMETER, "no name was given");
	switch (type) {
	case ODJ_NETSETUP_MACHINE:
		return check_machine(name);
	case ODJ_NETSETUP_WORKGROUP:
		return check_workgroup(name);
	case ODJ_NETSETUP_DOMAIN:
		return check_domain(name, false);
	case ODJ_NETSETUP_NONEXISTENT_DOMAIN:
		return check_domain(name, true);
	case ODJ_NETSETUP_DNS_MACHINE:
		return check_dns_machine(name);
	case ODJ_NETSETUP_UNKNOWN:
	default:
		return fail(ODJ_ERROR_INVALID_PARAMETER, "the name type is not known");
	}
}

odj_status odj_name_status(const char *name, enum odj_name_type type)
{
	return check(name, type).status;
}

const char *odj_name_rule(const char *name, enum odj_name_type type)
{
	return check(name, type).rule;
}

const char *odj_name_type_name(enum odj_name_type type)
{
	switch (type) {
	case ODJ_NETSETUP_UNKNOWN:
		return "NetSetupUnknown";
	case ODJ_NETSETUP_MACHINE:
		return "NetSetupMachine";
	case ODJ_NETSETUP_WORKGROUP:
		return "NetSetupWorkgroup";
	case ODJ_NETSETUP_DOMAIN:
		return "NetSetupDomain";
	case ODJ_NETSETUP_NONEXISTENT_DOMAIN:
		return "NetSetupNonExistentDomain";
	case ODJ_NETSETUP_DNS_MACHINE:
		return "NetSetupDnsMachine";
	}
	return "invalid";
}

odj_result odj_name_check(struct odj_ctx *ctx, const char *what, const char *name,
			  enum odj_name_type type)
{
	struct verdict v = check(name, type);
	odj_trace(ctx, "NetpValidateName: checking to see if '%s' is valid as type %d name: 0x%x",
		  name ? name : "(null)", (int)type, v.status);
	if (v.status == ODJ_ERROR_SUCCESS)
		return ODJ_OK;
	return odj_fail(ctx, ODJ_E_INPUT, v.status, "%s '%s' is not a valid %s name: %s", what,
			name ? name : "(null)", odj_name_type_name(type), v.rule);
}

bool odj_name_is_address(const char *name, char *out)
{
	char buf[ODJ_ADDRESS_MAX + 2];
	unsigned char bin[16];
	if (name == NULL)
		return false;
	size_t len = strlen(name);
	if (len >= 2 && name[0] == '[' && name[len - 1] == ']') {
		if (len - 2 >= sizeof(buf))
			return false;
		memcpy(buf, name + 1, len - 2);
		buf[len - 2] = '\0';
		/* brackets only around IPv6 */
		if (inet_pton(AF_INET6, buf, bin) != 1)
			return false;
		return out == NULL || inet_ntop(AF_INET6, bin, out, ODJ_ADDRESS_MAX) != NULL;
	}
	int family = inet_pton(AF_INET, name, bin) == 1    ? AF_INET
		     : inet_pton(AF_INET6, name, bin) == 1 ? AF_INET6
							 : 0;
	if (family == 0)
		return false;
	return out == NULL || inet_ntop(family, bin, out, ODJ_ADDRESS_MAX) != NULL;
}
