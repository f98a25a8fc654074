/*
 * Effective rights from a directory security descriptor ([MS-DTYP] 2.4.4,
 * 2.5.3.2; [MS-ADTS] 5.1.3.2): the DACL of a self-relative descriptor as
 * the DC returns nTSecurityDescriptor, or of an SDDL string such as a class's
 * defaultSecurityDescriptor, evaluated for one right against a token.
 */
#ifndef ODJ_CORE_SD_ACCESS_H
#define ODJ_CORE_SD_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <talloc.h>

#include <odj/blob.h>

/* Directory access mask bits ([MS-ADTS] 5.1.3.2). */
#define ODJ_DS_CREATE_CHILD 0x00000001u
#define ODJ_DS_DELETE_CHILD 0x00000002u
#define ODJ_DS_SELF 0x00000008u /* validated write */
#define ODJ_DS_READ_PROP 0x00000010u
#define ODJ_DS_WRITE_PROP 0x00000020u
#define ODJ_DS_CONTROL_ACCESS 0x00000100u
#define ODJ_SD_READ_CONTROL 0x00020000u
#define ODJ_SD_WRITE_DAC 0x00040000u
#define ODJ_GENERIC_ALL 0x10000000u
#define ODJ_GENERIC_WRITE 0x40000000u

/* ACE flags. */
#define ODJ_ACE_OBJECT_INHERIT 0x01u
#define ODJ_ACE_CONTAINER_INHERIT 0x02u
#define ODJ_ACE_INHERIT_ONLY 0x08u
#define ODJ_ACE_INHERITED 0x10u

struct odj_ace {
	bool allow; /* ACCESS_ALLOWED(_OBJECT)_ACE, else ACCESS_DENIED(_OBJECT)_ACE */
	uint8_t flags;
	uint32_t mask;
	bool has_object;
	struct odj_guid object; /* a right, validated write, property or property set */
	bool has_inherited;
	struct odj_guid inherited; /* the class the ACE applies to */
	char *sid;
};

struct odj_dacl {
	struct odj_ace *aces;
	size_t n;
	char *owner; /* the descriptor's owner; NULL if absent */
};

/*
 * The owner and DACL of a self-relative security descriptor (on mem).  ACE
 * types other than the four (object) allow/deny ones are skipped.  NULL when
 * the descriptor is malformed; a descriptor without DACL gives n == 0.
 */
struct odj_dacl *odj_sd_parse(TALLOC_CTX *mem, const uint8_t *sd, size_t len);

/*
 * The DACL of an SDDL string ("O:..G:..D:(A;;RPWP;;;CO)(OA;;CR;guid;;PS)...",
 * as in defaultSecurityDescriptor).  Aliases become SIDs (the domain ones
 * with domain_sid); the ACE strings odj does not understand are skipped.
 * NULL when there is no "D:" part or an ACE is malformed.
 */
struct odj_dacl *odj_sddl_parse(TALLOC_CTX *mem, const char *sddl, const char *domain_sid);

/* What is asked: one access mask, for one object type (NULL: none) on an object of class cls. */
struct odj_access_want {
	uint32_t mask;
	const struct odj_guid *object;       /* the right's GUID; NULL for a plain right */
	const struct odj_guid *property_set; /* the property set of object, if any */
	const struct odj_guid *cls;          /* the object's class (inherited object type) */
};

/*
 * Whether token (the caller's SIDs) holds every bit of want->mask on an
 * object with that DACL: ACEs in order, inherit-only ones skipped, a deny of
 * a bit not yet granted refuses, GENERIC_ALL/GENERIC_WRITE mapped, an object
 * ACE counted when its object type is want's (or absent) and its inherited
 * object type cls (or absent).  The owner holds READ_CONTROL and WRITE_DAC
 * unless an OWNER RIGHTS ACE says otherwise.  creator: S-1-3-0 (CREATOR
 * OWNER) stands for the caller, as in a class's defaultSecurityDescriptor
 * for an object the caller is about to create.
 */
bool odj_sd_access(const struct odj_dacl *dacl, const char *const *token, bool creator,
		   const struct odj_access_want *want);

/*
 * The ACEs of a container's DACL that a new child of class cls inherits
 * (container-inherit, inherited object type cls or none), as they apply to
 * the child (on mem).
 */
struct odj_dacl *odj_sd_inheritable(TALLOC_CTX *mem, const struct odj_dacl *parent,
				    const struct odj_guid *cls);

/* a then b: the DACL of a new object (its class's default ACEs first, then the inherited ones). */
struct odj_dacl *odj_sd_concat(TALLOC_CTX *mem, const struct odj_dacl *a, const struct odj_dacl *b);

#endif
