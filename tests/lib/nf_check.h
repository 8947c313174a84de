/* Runs a Check suite the same way in every netflap test program. */
#ifndef NETFLAP_NF_CHECK_H
#define NETFLAP_NF_CHECK_H

#include <check.h>

/* Runs s (forking per test, as Check does by default); 0 when all passed. */
static inline int nf_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
