/* The facts of one joined machine, CLIENT1 of odj.test, as the apply tests start from. */
#ifndef ODJ_TEST_APPLY_FACTS_H
#define ODJ_TEST_APPLY_FACTS_H

#include "apply_internal.h"

static inline struct apply_facts client1_facts(void)
{
	struct apply_facts f = {0};
	f.domain = "odj.test";
	f.realm = "ODJ.TEST";
	f.machine = "CLIENT1";
	f.sam = "CLIENT1$";
	f.short_name = "client1";
	f.fqdn = "client1.odj.test";
	return f;
}

#endif
